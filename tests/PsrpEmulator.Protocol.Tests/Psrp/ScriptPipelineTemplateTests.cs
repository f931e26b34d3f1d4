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
