using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Protocol.Tests.Psrp;

public sealed class ScriptPipelineTemplateTests
{
    private static CreatePipeline Shape(string script) =>
        new([new PipelineCommand(script, IsScript: true, [])], NoInput: true, AddToHistory: true, HostInfo: PsrpObjects.DefaultHostInfo());

    private static readonly ScriptPipelineTemplate Template = new(Shape);

    [TestCase("\"hello\"")]
    [TestCase("Get-Process")]
    [TestCase("1..10 | ForEach-Object { $PSItem * 2; Start-Sleep 1 }")]
    [TestCase("$x = 'a'; \"$x b\" # comment ~!@#%^*()[]{}|\\/?=+-:;,.`")]
    [TestCase("x")]
    public void A_plain_script_gets_exactly_the_bytes_the_message_serializes_to(string script)
    {
        var expected = PsrpMessage.Create(PsrpDestination.Server, Guid.Empty, Guid.Empty, Shape(script)).Data.ToArray();

        Assert.That(Template.TryEncode(script), Is.EqualTo(expected));
    }

    [Test]
    public void A_long_plain_script_is_carried_whole()
    {
        var script = string.Concat(Enumerable.Repeat("Write-Output 'line'; ", 2000));
        var expected = PsrpMessage.Create(PsrpDestination.Server, Guid.Empty, Guid.Empty, Shape(script)).Data.ToArray();

        Assert.That(Template.TryEncode(script), Is.EqualTo(expected));
    }

    [TestCase("$_")]
    [TestCase("1 -lt 2 <# c #>")]
    [TestCase("a & b")]
    [TestCase("'caf\u00e9'")]
    [TestCase("line1\nline2")]
    [TestCase("tab\there")]
    [TestCase("")]
    public void A_script_CLIXML_escapes_is_left_to_the_serializer(string script)
    {
        Assert.That(Template.TryEncode(script), Is.Null);
    }

    [Test]
    public void The_template_round_trips_through_the_decoder()
    {
        var data = Template.TryEncode("Get-Date")!;

        var create = CreatePipeline.FromPsValue(ClixmlDeserializer.Deserialize(data));
        Assert.That(create.Commands.Single().Command, Is.EqualTo("Get-Date"));
        Assert.That(create.Commands.Single().IsScript, Is.True);
        Assert.That((create.NoInput, create.AddToHistory), Is.EqualTo((true, true)));
    }

    [Test]
    public void A_shape_that_does_not_carry_the_text_is_refused()
    {
        Assert.That(() => new ScriptPipelineTemplate(_ => Shape("Get-Date")), Throws.ArgumentException);
    }
}

public sealed class ScriptPipelineTemplateDecodeTests
{
    private static byte[] Serialized(string script) => PsrpMessage.Create(PsrpDestination.Server, Guid.Empty, Guid.Empty,
        new CreatePipeline([new PipelineCommand(script, IsScript: true, [])], NoInput: true, AddToHistory: true, HostInfo: PsrpObjects.DefaultHostInfo())).Data.ToArray();

    [TestCase("\"hello\"")]
    [TestCase("Get-Process | Select-Object -First 1")]
    public void The_template_bytes_decode_to_what_reading_them_gives(string script)
    {
        var data = Serialized(script);

        var fast = ScriptPipelineTemplate.InvokeScript.TryDecode(data);
        var read = CreatePipeline.FromPsValue(ClixmlDeserializer.Deserialize(data));

        Assert.That(fast, Is.Not.Null);
        Assert.That(fast!.Commands, Has.Count.EqualTo(1));
        var (f, r) = (fast.Commands[0], read.Commands[0]);
        Assert.That((f.Command, f.IsScript, f.UseLocalScope, f.Arguments.Count), Is.EqualTo((r.Command, r.IsScript, r.UseLocalScope, r.Arguments.Count)));
        Assert.That((f.MergeMyResult, f.MergeToResult, f.MergePreviousResults, f.MergeError, f.MergeWarning, f.MergeVerbose, f.MergeDebug, f.MergeInformation),
            Is.EqualTo((r.MergeMyResult, r.MergeToResult, r.MergePreviousResults, r.MergeError, r.MergeWarning, r.MergeVerbose, r.MergeDebug, r.MergeInformation)));
        Assert.That((fast.NoInput, fast.AddToHistory, fast.IsNested, fast.ApartmentState, fast.RemoteStreamOptions, fast.RedirectShellErrorOutputPipe, fast.History, fast.ExtraStatements.Count),
            Is.EqualTo((read.NoInput, read.AddToHistory, read.IsNested, read.ApartmentState, read.RemoteStreamOptions, read.RedirectShellErrorOutputPipe, read.History, read.ExtraStatements.Count)));
        Assert.That(ClixmlSerializer.Serialize(fast.HostInfo!, false), Is.EqualTo(ClixmlSerializer.Serialize(read.HostInfo!, false)));
    }

    [Test]
    public void Each_decode_makes_new_objects()
    {
        var data = Serialized("Get-Date");

        var first = ScriptPipelineTemplate.InvokeScript.TryDecode(data)!;
        var second = ScriptPipelineTemplate.InvokeScript.TryDecode(data)!;

        Assert.That(first.HostInfo, Is.Not.SameAs(second.HostInfo));
        Assert.That(first.Commands, Is.Not.SameAs(second.Commands));
    }

    [Test]
    public void Other_bytes_are_left_to_the_reader()
    {
        var data = Serialized("Get-Date");
        var changed = (byte[])data.Clone();
        changed[^10] ^= 0x20; // a letter near the end (in the template's suffix) changes case

        Assert.That(ScriptPipelineTemplate.InvokeScript.TryDecode(changed), Is.Null);
        Assert.That(ScriptPipelineTemplate.InvokeScript.TryDecode(data.AsSpan(3)), Is.Null, "without the BOM");
        Assert.That(ScriptPipelineTemplate.InvokeScript.TryDecode(Serialized("$_")), Is.Null, "an escaped script");
        Assert.That(ScriptPipelineTemplate.InvokeScript.TryDecode(PsrpMessage.Create(PsrpDestination.Server, Guid.Empty, Guid.Empty,
            new CreatePipeline([new PipelineCommand("Get-Date", IsScript: true, [])], NoInput: false, AddToHistory: true, HostInfo: PsrpObjects.DefaultHostInfo())).Data.Span), Is.Null, "with input");
    }

    [Test]
    public void Text_with_markup_between_the_template_bytes_is_left_to_the_reader()
    {
        // Template bytes around text that is not verbatim CLIXML (an unescaped '<'): not a message the template makes.
        var data = Serialized("ab");
        var at = data.AsSpan().IndexOf("ab"u8);
        data[at] = (byte)'<';

        Assert.That(ScriptPipelineTemplate.InvokeScript.TryDecode(data), Is.Null);
    }
}
