using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// A command sent as a command passes its arguments as data: whatever characters a string value has, the command gets
/// that string, and nothing in it runs.
/// </summary>
public class CommandArgumentTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static readonly string[] Pieces =
    [
        "a", "Z", "1", " ", "'", "''", "\"", "`", "$", "$x", "$(", ")", "(", "{", "}", "@", "@{", "@(", ";", "|", "&", "#", "<#", "#>", "\n", "\r", "\t",
        "\u2018", "\u2019", "\u201C", "\u201D", ",", "-", "--", "-x", "*", "?", "\\", "/", ":", ".", "..", "[", "]", "%", "=", "+", "\u00e9", "Remove-Item C:\\Windows",
    ];

    [Test]
    public async Task Random_string_arguments_reach_the_command_as_they_are()
    {
        var random = new Random(PsrpEmulator.Tests.Fuzz.Seed(20261129));
        for (var i = 0; i < PsrpEmulator.Tests.Fuzz.Runs(1500); i++)
        {
            var value = string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => Pieces[random.Next(Pieces.Length)]));
            var named = random.Next(2) == 0;
            var create = new CreatePipeline([new PipelineCommand("Write-Output", IsScript: false, [new PipelineArgument(named ? "InputObject" : null, PsPrimitive.String(value))])]);
            var host = new RecordingHost { Runspace = new RunspaceState() };

            var outcome = await Default.Resolve(create).RunTestAsync(host, new FakeTimeProvider());

            Assert.That((outcome.State, host.OutputTexts.ToArray()), Is.EqualTo((PSInvocationState.Completed, new[] { value })), $"iteration {i}: <<{value}>>");
        }
    }

    [Test]
    public void A_plain_word_is_rendered_as_typed_and_another_text_quoted_so_rules_see_the_usual_text()
    {
        var (statement, arguments) = BehaviourCatalog.CommandsAsStatement(
        [
            new PipelineCommand("Get-Process", IsScript: false, [new PipelineArgument("Name", PsPrimitive.String("svchost"))]),
            new PipelineCommand("Select-Object", IsScript: false, [new PipelineArgument("First", PsPrimitive.Int32(2)), new PipelineArgument("Property", PsPrimitive.String("Name, Id"))]),
            new PipelineCommand("Out-String", IsScript: false, [new PipelineArgument("Stream", PsPrimitive.Boolean(true)), new PipelineArgument("Width", PsPrimitive.Int32(-1))]),
        ])!.Value;

        Assert.That(statement, Is.EqualTo("Get-Process -Name svchost | Select-Object -First 2 -Property 'Name, Id' | Out-String -Stream -Width $PsrpEmulatorCommandArgument0"));
        Assert.That(arguments["PsrpEmulatorCommandArgument0"].ToDisplayString(), Is.EqualTo("-1"), "a negative number goes in a variable: it would read as a parameter");
    }
}
