using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.EndToEnd.Tests.Sessions;

/// <summary>
/// Commands sent as commands with their parameters, not as a script (pypsrp's add_cmdlet(...).add_parameter(...),
/// PowerShell's AddCommand/AddParameter): the emulated cmdlets run them with the arguments' values as they came.
/// </summary>
public class CommandsSentAsCommandsTests : EmulatorTestBase
{
    private WsManTransport NewTransport() => new(new WsManClientOptions { ConnectionUri = Emulator.WsManUri, UserName = "psrp", Password = "psrp" });

    private static CreatePipeline Commands(params PipelineCommand[] commands) => new(commands, HostInfo: PsrpObjects.DefaultHostInfo());

    private static PipelineCommand Command(string name, params (string? Name, PsValue Value)[] arguments) =>
        new(name, IsScript: false, [.. arguments.Select(a => new PipelineArgument(a.Name, a.Value))]);

    [Test]
    public async Task A_file_cmdlet_sent_as_a_command_runs_with_its_parameters()
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var listing = await RunAsync(pool, Commands(Command("Get-ChildItem", ("Path", PsPrimitive.String(@"C:\Windows")))));
        var exists = await RunAsync(pool, Commands(Command("Test-Path", ("Path", PsPrimitive.String(@"C:\Windows")))));

        Assert.That(listing.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(listing.Outputs.Select(o => ((PsObject)o)["Name"]?.ToDisplayString()), Does.Contain("System32"));
        Assert.That((exists.State, exists.Outputs.Single().ToDisplayString()), Is.EqualTo((PSInvocationState.Completed, "True")));
    }

    /// <summary>An argument's value is data, never code: quotes, ';', '|' and '$(...)' stay the characters they are.</summary>
    [Test]
    public async Task An_arguments_value_is_passed_as_it_is_whatever_characters_it_has()
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        const string value = "it's a; b | c $(Remove-Item C:\\Windows -Recurse) `n @{x=1}";

        var echoed = await RunAsync(pool, Commands(Command("Write-Output", (null, PsPrimitive.String(value)))));
        var written = await RunAsync(pool, Commands(Command("Set-Content", ("Path", PsPrimitive.String(@"C:\Users\psrp\a b;c.txt")), ("Value", PsPrimitive.String(value)))));
        var read = await RunAsync(pool, Commands(Command("Get-Content", ("LiteralPath", PsPrimitive.String(@"C:\Users\psrp\a b;c.txt")))));
        var windows = await RunAsync(pool, Commands(Command("Test-Path", ("Path", PsPrimitive.String(@"C:\Windows")))));

        Assert.That(echoed.Outputs.Single().ToDisplayString(), Is.EqualTo(value));
        Assert.That(written.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(read.Outputs.Single().ToDisplayString(), Is.EqualTo(value));
        Assert.That(windows.Outputs.Single().ToDisplayString(), Is.EqualTo("True"), "the $(...) in the value ran nothing");
    }

    [Test]
    public async Task A_switch_parameter_and_an_integer_keep_their_meaning()
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        await RunAsync(pool, Commands(Command("New-Item", ("Path", PsPrimitive.String(@"C:\Users\psrp\d\e")), ("ItemType", PsPrimitive.String("Directory")))));

        var recursed = await RunAsync(pool, Commands(Command("Get-ChildItem", ("Path", PsPrimitive.String(@"C:\Users\psrp\d")), ("Recurse", PsPrimitive.Boolean(true)))));
        var first = await RunAsync(pool, Commands(
            Command("Get-ChildItem", ("Path", PsPrimitive.String(@"C:\Windows"))),
            Command("Select-Object", ("First", PsPrimitive.Int32(1)))));

        Assert.That(recursed.Outputs.Select(o => ((PsObject)o)["Name"]?.ToDisplayString()), Is.EqualTo(new[] { "e" }));
        Assert.That((first.State, first.Outputs.Count), Is.EqualTo((PSInvocationState.Completed, 1)));
    }

    /// <summary>As on Windows, a command sent as a command that does not exist fails the pipeline (a script's would be a non-terminating error).</summary>
    [Test]
    public async Task An_unknown_command_sent_as_a_command_still_fails_the_pipeline()
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var result = await RunAsync(pool, Commands(Command("Get-Nothing", ("Name", PsPrimitive.String("x")))));

        Assert.That(result.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(result.Reason?.FullyQualifiedErrorId, Is.EqualTo("CommandNotFoundException"));
    }

    /// <summary>
    /// Statements of commands (AddStatement): they run in order, and one that fails (an unknown command) ends them, as
    /// PowerShell runs no extra command after a failed one (ServerPowerShellDriver).
    /// </summary>
    [Test]
    public async Task Statements_of_commands_stop_at_the_first_that_fails()
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        List<IReadOnlyList<PipelineCommand>> statements =
        [
            [Command("Write-Output", (null, PsPrimitive.String("first; 'second'")))],
            [Command("Get-Nothing")],
            [Command("Write-Output", (null, PsPrimitive.String("never")))],
        ];

        var result = await RunAsync(pool, new CreatePipeline(statements[0], HostInfo: PsrpObjects.DefaultHostInfo()) { ExtraStatements = statements });

        Assert.That(result.Outputs.Select(o => o.ToDisplayString()), Is.EqualTo(new[] { "first; 'second'" }));
        Assert.That((result.State, result.Reason?.FullyQualifiedErrorId), Is.EqualTo((PSInvocationState.Failed, "CommandNotFoundException")));
    }

    /// <summary>A value with a line break or a quote PowerShell reads as one (‘ ’) is data too.</summary>
    [TestCase("a\nb'; Remove-Item C:\\Windows; '")]
    [TestCase("it\u2019s; Remove-Item C:\\Windows")]
    [TestCase("\u201Cq\u201D $(1+1)")]
    public async Task A_value_with_a_line_break_or_a_typographic_quote_is_passed_as_it_is(string value)
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var echoed = await RunAsync(pool, Commands(Command("Write-Output", ("InputObject", PsPrimitive.String(value)))));
        var windows = await RunAsync(pool, Commands(Command("Test-Path", ("Path", PsPrimitive.String(@"C:\Windows")))));

        Assert.That(echoed.Outputs.Single().ToDisplayString(), Is.EqualTo(value));
        Assert.That(windows.Outputs.Single().ToDisplayString(), Is.EqualTo("True"));
    }

    /// <summary>
    /// A binding error of a command sent as a command fails the invocation (a script's would end only its statement);
    /// an error the command writes and goes on from (a missing path) does not.
    /// </summary>
    [Test]
    public async Task A_binding_error_fails_a_command_sent_as_a_command_and_a_written_error_does_not()
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var binding = await RunAsync(pool, Commands(Command("Get-ChildItem", ("Path", PsPrimitive.String(@"C:\Windows")), ("Frob", PsPrimitive.Int32(1)))));
        var missing = await RunAsync(pool, Commands(Command("Get-ChildItem", ("Path", PsPrimitive.String(@"C:\nope")))));
        var piped = await RunAsync(pool, Commands(
            Command("Get-ChildItem", ("Path", PsPrimitive.String(@"C:\Windows"))),
            Command("ForEach-Object", (null, PsPrimitive.ScriptBlock("[int]::Parse('x'); $_.Name")))));

        Assert.That((binding.State, binding.Reason?.FullyQualifiedErrorId), Is.EqualTo((PSInvocationState.Failed, "NamedParameterNotFound,Microsoft.PowerShell.Commands.GetChildItemCommand")));
        Assert.That(missing.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That((piped.State, piped.Outputs.Count), Is.EqualTo((PSInvocationState.Completed, 27)), "an error inside a script block the command runs ends only its statement (C:\\Windows has 16 folders, win.ini, system.ini and 9 programs)");
    }

    /// <summary>A function the session defined is a command too: sent as a command, it runs with its parameters.</summary>
    [Test]
    public async Task A_function_of_the_session_sent_as_a_command_runs_with_its_parameters()
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        await pool.InvokeAsync("function Get-Greeting { param($Name) \"hello $Name\" }");

        var result = await RunAsync(pool, Commands(Command("Get-Greeting", ("Name", PsPrimitive.String("world")))));

        Assert.That((result.State, result.Outputs.Single().ToDisplayString()), Is.EqualTo((PSInvocationState.Completed, "hello world")));
    }

    private static async Task<(PSInvocationState State, List<PsValue> Outputs, ErrorRecordInfo? Reason)> RunAsync(RunspacePoolClient pool, CreatePipeline create)
    {
        var pipeline = await pool.StartAsync(create);
        var outputs = new List<PsValue>();
        StateEvent? state = null;
        await foreach (var e in pipeline.ReadAllAsync())
        {
            if (e is OutputEvent output) outputs.Add(output.Value);
            if (e is StateEvent s) state = s;
        }

        return (state!.State, outputs, state.Reason);
    }
}
