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

    /// <summary>Random commands sent as commands, with random parameters and values: an outcome every time, never an exception.</summary>
    [Test]
    public async Task Random_commands_sent_as_commands_end_with_an_outcome()
    {
        string[] names = ["Get-ChildItem", "Test-Path", "Get-Content", "Set-Content", "New-Item", "Remove-Item", "Select-Object", "Sort-Object", "Get-Date",
            "Get-Command", "Get-Variable", "Write-Output", "Get-Nothing", "Write-Error", "Get-History", "ForEach-Object", "Where-Object", "Out-String", "gci", "iex"];
        string?[] parameters = [null, "Path", "LiteralPath", "Value", "Name", "First", "Property", "InputObject", "ItemType", "Recurse", "Force", "Frob", "Id", "Message", "Stream", "-Path", "a b"];
        PsValue[] values =
        [
            PsPrimitive.String("C:\\Windows"), PsPrimitive.String("x; y"), PsPrimitive.String(""), PsPrimitive.String("$(1)"), PsPrimitive.Int32(-1), PsPrimitive.Int32(3),
            PsPrimitive.Boolean(true), PsPrimitive.Boolean(false), PsNil.Instance, PsPrimitive.ScriptBlock("$_"), PsPrimitive.ScriptBlock("}{"),
            PsObjects.List([PsPrimitive.String("a"), PsPrimitive.Int32(1)]), PsPrimitive.Double(1.5),
        ];
        var random = new Random(PsrpEmulator.Tests.Fuzz.Seed(20261129));
        for (var i = 0; i < PsrpEmulator.Tests.Fuzz.Runs(800); i++)
        {
            var commands = Enumerable.Range(0, random.Next(1, 4)).Select(_ => new PipelineCommand(names[random.Next(names.Length)], IsScript: false,
                [.. Enumerable.Range(0, random.Next(0, 4)).Select(_ => new PipelineArgument(parameters[random.Next(parameters.Length)], values[random.Next(values.Length)]))])).ToList();
            var create = random.Next(4) == 0
                ? new CreatePipeline(commands) { ExtraStatements = [commands, [commands[0]]] }
                : new CreatePipeline(commands);
            var host = new RecordingHost { Runspace = new RunspaceState() };
            using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            try
            {
                var outcome = await Default.Resolve(create).RunTestAsync(host, new FakeTimeProvider(), stop.Token);
                Assert.That(outcome.State, Is.AnyOf(PSInvocationState.Completed, PSInvocationState.Failed, PSInvocationState.Stopped));
            }
            catch (Exception e) when (e is not AssertionException)
            {
                Assert.Fail($"Iteration {i}: {e.GetType().Name} for {BehaviourCatalog.GetCommandText(create)}: {e}");
            }
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
