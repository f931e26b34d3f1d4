using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Protocol.Tests.Psrp;

/// <summary>An ErrorRecord with where it happened, in ErrorRecord.ToPSObjectForRemoting's order.</summary>
public class InvocationInfoTests
{
    private static readonly InvocationInfo Cmdlet = new()
    {
        CommandName = "Get-Item",
        Definition = "Get-Item",
        InvocationName = "gi",
        ScriptLineNumber = 2,
        OffsetInLine = 5,
        Line = "$x; gi nope",
        PositionMessage = "At line:2 char:5",
    };

    [Test]
    public void ErrorDetails_come_before_the_extended_notes_and_the_stack_trace_last()
    {
        var record = ErrorRecords.Create("bad", "Id", activity: "Get-Item").With("ErrorDetails_Message", "bad").With("ErrorDetails_RecommendedAction", "fix it");

        var placed = ErrorRecords.WithInvocation(record, Cmdlet, "at <ScriptBlock>, <No file>: line 2", serializeExtendedInfo: true, [0, 0], errorStream: false);

        var names = placed.ExtendedProperties.Select(p => p.Name).ToList();
        Assert.That(names.IndexOf("ErrorDetails_RecommendedAction"), Is.LessThan(names.IndexOf("SerializeExtendedInfo")));
        Assert.That(names.IndexOf("SerializeExtendedInfo") + 1, Is.EqualTo(names.IndexOf("InvocationInfo_BoundParameters")));
        Assert.That(names[^2..], Is.EqualTo(new[] { "PipelineIterationInfo", "ErrorDetails_ScriptStackTrace" }));
        Assert.That(names, Does.Not.Contain("writeErrorStream").And.Not.Contain("PSMessageDetails"), "a terminating record is not an error-stream object");
        Assert.That(ReferenceEquals(((PsObject)placed["InvocationInfo"]!)["BoundParameters"], placed["InvocationInfo_BoundParameters"]), Is.True,
            "the notes share the InvocationInfo's objects, which the serializer writes as references, as Windows does");
    }

    [Test]
    public void The_record_read_back_has_its_stack_trace()
    {
        var placed = ErrorRecords.WithInvocation(ErrorRecords.Create("bad", "Id"), Cmdlet, "at <ScriptBlock>, <No file>: line 2", serializeExtendedInfo: false, [0, 0], errorStream: true);

        var read = ErrorRecords.Read(ClixmlDeserializer.Deserialize(System.Text.Encoding.UTF8.GetBytes(ClixmlSerializer.SerializeToString(placed))));

        Assert.That(read.ScriptStackTrace, Is.EqualTo("at <ScriptBlock>, <No file>: line 2"));
        Assert.That(ErrorRecords.Read(ErrorRecords.Create("bad", "Id")).ScriptStackTrace, Is.Null);
    }

    [Test]
    public void Without_a_command_the_record_has_no_CommandInfo_notes_and_MyCommand_is_Nil()
    {
        var placed = ErrorRecords.WithInvocation(ErrorRecords.Create("bad", "Id"), new InvocationInfo(), null, serializeExtendedInfo: true, [], errorStream: true);

        Assert.That(((PsObject)placed["InvocationInfo"]!)["MyCommand"], Is.InstanceOf<PsNil>());
        Assert.That(placed.ExtendedProperties.Select(p => p.Name), Has.None.StartsWith("CommandInfo_"));
        Assert.That(placed["ErrorDetails_ScriptStackTrace"], Is.Null);
    }

    [TestCase("C:\\t\\tool.ps1", "C:\\t")]
    [TestCase("C:\\tool.ps1", "C:\\")]
    public void In_a_script_file_ScriptName_PSCommandPath_and_PSScriptRoot_name_it_in_the_property_and_the_notes(string file, string root)
    {
        var placed = ErrorRecords.WithInvocation(ErrorRecords.Create("bad", "Id"), Cmdlet with { ScriptName = file }, null, serializeExtendedInfo: true, [0, 0], errorStream: true);

        var invocation = (PsObject)placed["InvocationInfo"]!;
        Assert.That(new[] { invocation["ScriptName"], invocation["PSCommandPath"], invocation["PSScriptRoot"] }.Select(v => v!.ToDisplayString()), Is.EqualTo(new[] { file, file, root }));
        Assert.That(new[] { placed["InvocationInfo_ScriptName"], placed["InvocationInfo_PSCommandPath"], placed["InvocationInfo_PSScriptRoot"] }.Select(v => v!.ToDisplayString()), Is.EqualTo(new[] { file, file, root }));
    }

    [Test]
    public void Outside_a_script_file_ScriptName_is_empty_and_PSCommandPath_is_Nil()
    {
        var placed = ErrorRecords.WithInvocation(ErrorRecords.Create("bad", "Id"), Cmdlet, null, serializeExtendedInfo: true, [0, 0], errorStream: true);

        var invocation = (PsObject)placed["InvocationInfo"]!;
        Assert.That(invocation["ScriptName"]!.ToDisplayString(), Is.Empty);
        Assert.That(invocation["PSCommandPath"], Is.InstanceOf<PsNil>());
        Assert.That(placed["InvocationInfo_PSCommandPath"], Is.InstanceOf<PsNil>());
    }
}
