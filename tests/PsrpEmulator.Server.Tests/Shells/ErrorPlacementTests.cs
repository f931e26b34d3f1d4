using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Shells;

namespace PsrpEmulator.Server.Tests.Shells;

/// <summary>Placing an error record in the client's script: what Windows says of where it happened, and never an exception.</summary>
public class ErrorPlacementTests
{
    private static PsObject Record(string? activity, string id = "SomeError", string? target = null) =>
        ErrorRecords.Create("failed", id, ErrorCategory.NotSpecified, activity: activity, targetName: target);

    private static PsObject Invocation(PsObject placed) => (PsObject)placed["InvocationInfo"]!;

    [Test]
    public void A_cmdlet_called_by_its_alias_is_placed_at_the_alias_to_the_end_of_its_pipeline_element()
    {
        const string script = "$a = 1\n$items = gci C:\\nope -Recurse | Sort-Object Name";
        var start = script.IndexOf("$items", StringComparison.Ordinal);

        var placed = ErrorPlacement.Place(Record("Get-ChildItem"), script, isScript: true, commandCount: 1, start, script.Length - start, serializeExtendedInfo: false, errorStream: true);

        var invocation = Invocation(placed);
        Assert.That((invocation["InvocationName"]!.ToDisplayString(), invocation["ScriptLineNumber"]!.ToDisplayString(), invocation["OffsetInLine"]!.ToDisplayString()),
            Is.EqualTo(("gci", "2", "10")));
        Assert.That(invocation["PositionMessage"]!.ToDisplayString(),
            Is.EqualTo("At line:2 char:10\r\n+ $items = gci C:\\nope -Recurse | Sort-Object Name\r\n+          ~~~~~~~~~~~~~~~~~~~~"));
        Assert.That(placed["ErrorDetails_ScriptStackTrace"]!.ToDisplayString(), Is.EqualTo("at <ScriptBlock>, <No file>: line 2"));
        Assert.That(placed.ExtendedProperties[0].Name, Is.EqualTo("writeErrorStream"), "an error-stream record starts with WriteError's note");
    }

    /// <summary>A cmdlet the statement does not name ran elsewhere (a function's body): no position, rather than a wrong one.</summary>
    [Test]
    public void A_cmdlet_the_statement_does_not_name_gets_no_position_and_the_statements_line_in_its_stack_trace()
    {
        const string script = "function f { Get-Item C:\\nope }\nf";
        var start = script.LastIndexOf('f');

        var placed = ErrorPlacement.Place(Record("Get-Item"), script, isScript: true, commandCount: 1, start, 1, serializeExtendedInfo: false, errorStream: true);

        var invocation = Invocation(placed);
        Assert.That((invocation["MyCommand"]!.ToDisplayString(), invocation["Line"]!.ToDisplayString(), invocation["PositionMessage"]!.ToDisplayString(), invocation["ScriptLineNumber"]!.ToDisplayString()),
            Is.EqualTo(("Get-Item", "", "", "0")));
        Assert.That(placed["ErrorDetails_ScriptStackTrace"]!.ToDisplayString(), Is.EqualTo("at <ScriptBlock>, <No file>: line 2"));
    }

    /// <summary>
    /// A record raised inside a function the script defines is placed at its statement in the body, and its stack trace
    /// has the function's frame at that line, then the script's at the call.
    /// </summary>
    [Test]
    public void A_record_raised_in_a_frame_is_placed_in_the_body_with_the_frames_in_its_stack_trace()
    {
        const string script = "function f {\n  'a'\n  Get-Item C:\\nope\n}\n$x = 1; f";
        var record = Record("Get-Item");
        ErrorOrigin.Remember(record, new ErrorOrigin(new CallStackFrame("f", "'a'\n  Get-Item C:\\nope", "f", null), "Get-Item C:\\nope"));
        var start = script.LastIndexOf('f');

        var placed = ErrorPlacement.Place(record, script, isScript: true, commandCount: 1, start, 1, serializeExtendedInfo: false, errorStream: true);

        Assert.That(Invocation(placed)["PositionMessage"]!.ToDisplayString(), Is.EqualTo("At line:3 char:3\r\n+   Get-Item C:\\nope\r\n+   ~~~~~~~~~~~~~~~~"));
        Assert.That(placed["ErrorDetails_ScriptStackTrace"]!.ToDisplayString(), Is.EqualTo("at f, <No file>: line 3\r\nat <ScriptBlock>, <No file>: line 5"));
    }

    /// <summary>
    /// A function an earlier script defined is not in this one: its frame's line is counted within its body, and the
    /// record gets no position rather than a wrong one.
    /// </summary>
    [Test]
    public void A_frame_the_script_does_not_define_counts_its_line_within_its_own_text()
    {
        const string script = "'a'\nf";
        var record = Record("Get-Item");
        ErrorOrigin.Remember(record, new ErrorOrigin(new CallStackFrame("f", "\n  'a'\n  Get-Item C:\\nope\n", "f", null), "Get-Item C:\\nope"));

        var placed = ErrorPlacement.Place(record, script, isScript: true, commandCount: 1, 4, 1, serializeExtendedInfo: false, errorStream: true);

        Assert.That(Invocation(placed)["PositionMessage"]!.ToDisplayString(), Is.Empty);
        Assert.That(placed["ErrorDetails_ScriptStackTrace"]!.ToDisplayString(), Is.EqualTo("at f, <No file>: line 3\r\nat <ScriptBlock>, <No file>: line 2"));
    }

    [Test]
    public void A_record_placed_already_or_one_no_command_made_is_left_as_it_is()
    {
        var placed = ErrorPlacement.Place(Record("Get-Item"), "Get-Item x", true, 1, -1, 0, false, true);
        var fault = Record(null, "PsrpEmulator.ScenarioError");

        Assert.That(ErrorPlacement.Place(placed, "Get-Item x", true, 1, -1, 0, true, true), Is.SameAs(placed));
        Assert.That(ErrorPlacement.Place(fault, "Get-Item x", true, 1, -1, 0, true, true), Is.SameAs(fault));
    }

    [Test]
    public void Placing_a_record_leaves_the_original_unchanged()
    {
        var original = Record("Get-Item");
        var before = ClixmlSerializer.SerializeToString(original);

        ErrorPlacement.Place(original, "Get-Item x", true, 1, -1, 0, serializeExtendedInfo: true, errorStream: true);

        Assert.That(ClixmlSerializer.SerializeToString(original), Is.EqualTo(before));
    }

    [Test]
    public void Random_scripts_statements_and_records_are_placed_without_an_exception()
    {
        string[] pieces = ["Get-Item", "gi", "Write-Error", "write", " ", "\n", "\r\n", "\t", ";", "|", "'", "\"", "(", ")", "{", "}", "[", "]", "$x", "=", "x", "Get-Nothing", "é", "#", "`"];
        string?[] activities = ["Get-Item", "Write-Error", null, "Get-ChildItem", "", "Sort-Object"];
        var random = new Random(PsrpEmulator.Tests.Fuzz.Seed(20261129));
        for (var i = 0; i < PsrpEmulator.Tests.Fuzz.Runs(3000); i++)
        {
            var script = string.Concat(Enumerable.Range(0, random.Next(0, 20)).Select(_ => pieces[random.Next(pieces.Length)]));
            var start = random.Next(-2, script.Length + 2);
            var length = random.Next(-1, script.Length + 2);
            var activity = activities[random.Next(activities.Length)];
            var record = random.Next(4) == 0 ? Record(null, "CommandNotFoundException", random.Next(2) == 0 ? "Get-Nothing" : "zz") : Record(activity);
            try
            {
                var placed = ErrorPlacement.Place(record, script, random.Next(4) > 0, random.Next(0, 4), start, length, random.Next(2) == 0, random.Next(2) == 0, random.Next(1, 5));
                Assert.That(ClixmlSerializer.SerializeToString(placed), Does.Contain("InvocationInfo"));
            }
            catch (Exception e) when (e is not AssertionException)
            {
                Assert.Fail($"Iteration {i}: {e.GetType().Name} for script <<{script}>> at {start}+{length}, activity {activity}: {e}");
            }
        }
    }
}
