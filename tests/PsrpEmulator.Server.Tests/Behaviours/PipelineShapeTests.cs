using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// Pipelines in the shapes clients build with PowerShell's API rather than as one script: a script followed by
/// commands, Invoke-Expression sent as a command, statements of commands (pypsrp's add_script, add_cmdlet,
/// add_parameter, add_statement; PowerShell's AddScript, AddCommand, AddStatement).
/// </summary>
public class PipelineShapeTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static PipelineCommand Script(string text) => new(text, IsScript: true, []);

    private static PipelineCommand Command(string name, params (string? Name, PsValue Value)[] arguments) =>
        new(name, IsScript: false, [.. arguments.Select(a => new PipelineArgument(a.Name, a.Value))]);

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(CreatePipeline pipeline, RunspaceState? runspace = null)
    {
        var host = new RecordingHost { Runspace = runspace ?? new RunspaceState() };
        var outcome = await Default.Resolve(pipeline).RunTestAsync(host, new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 30, 0, TimeSpan.Zero)));
        return (host, outcome);
    }

    [Test]
    public async Task A_script_of_several_statements_piped_into_Out_String_gives_it_all_of_its_output()
    {
        var (host, outcome) = await RunAsync(new CreatePipeline([Script("\"hello\"; 1"), Command("Out-String")]));

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "hello\r\n1\r\n" }));
    }

    /// <summary>
    /// Ruby's WinRM gem: the script, then <c>Out-String -Stream</c>. A keyword statement or an assignment runs as the
    /// script it is, its output piped on (<c>if (...) { } | Out-String</c> as text would be a parse error), and its
    /// assignments stay the session's (AddScript runs dot-sourced); a parse error is placed in the script's own text.
    /// </summary>
    [TestCase("foreach ($i in 1..2) { $i }", "1|2")]
    [TestCase("switch (3) { 1 { 'one' } { $_ -gt 2 } { 'big' } }", "big")]
    [TestCase("try { throw 'boom' } catch { 'caught' } finally { 'done' }", "caught|done")]
    [TestCase("if ($true) { 'yes' }", "yes")]
    public async Task A_keyword_statement_piped_into_Out_String_runs_as_the_script_it_is(string script, string expected)
    {
        var (host, outcome) = await RunAsync(new CreatePipeline([Script(script), Command("Out-String", ("Stream", PsPrimitive.Boolean(true)))]));

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected), () => string.Join("; ", host.Errors.Select(e => e.Message)));
    }

    [Test]
    public async Task An_assignment_piped_into_Out_String_sets_the_session_s_variable_and_writes_nothing()
    {
        var runspace = new RunspaceState();
        var (host, outcome) = await RunAsync(new CreatePipeline([Script("$answer = 42"), Command("Out-String", ("Stream", PsPrimitive.Boolean(true)))]), runspace);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.Empty);
        Assert.That(runspace.TryGetVariable("answer", out var answer) ? answer.ToDisplayString() : null, Is.EqualTo("42"));
    }

    [Test]
    public async Task A_parse_error_of_a_script_piped_into_Out_String_is_placed_in_the_script()
    {
        var (_, outcome) = await RunAsync(new CreatePipeline([Script("foreach ($i in 1..2) { $i } }"), Command("Out-String", ("Stream", PsPrimitive.Boolean(true)))]));

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(TestErrors.Read((PsObject)outcome.ErrorRecord!).Message, Is.EqualTo(
            "At line:1 char:29\r\n+ foreach ($i in 1..2) { $i } }\r\n+                             ~\r\nUnexpected token '}' in expression or statement."));
    }

    /// <summary>pypsrp's Client.execute_ps: <c>Invoke-Expression -Command $script | Out-String -Stream</c>, each line a string.</summary>
    [Test]
    public async Task Invoke_Expression_sent_as_a_command_runs_its_script_in_the_session()
    {
        var (host, outcome) = await RunAsync(new CreatePipeline([
            Command("Invoke-Expression", ("Command", PsPrimitive.String("$n = 2; \"hello\"; Get-Date -Format yyyy; 1..$n"))),
            Command("Out-String", ("Stream", PsPrimitive.Boolean(true)))]));

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "hello", "2026", "1", "2" }));
    }

    /// <summary>pypsrp's Client.execute_ps with environment: a New-Item env: statement per variable, then its Invoke-Expression statement.</summary>
    [Test]
    public async Task Invoke_Expression_after_statements_setting_environment_variables_reads_them()
    {
        var newItem = new[]
        {
            Command("New-Item", ("Path", PsPrimitive.String("env:")), ("Name", PsPrimitive.String("FOO")), ("Value", PsPrimitive.String("bar")), ("Force", PsPrimitive.Boolean(true))),
            Command("Out-Null"),
        };
        var invoke = new[] { Command("Invoke-Expression", ("Command", PsPrimitive.String("$env:FOO"))), Command("Out-String", ("Stream", PsPrimitive.Boolean(true))) };
        var pipeline = new CreatePipeline(newItem) { ExtraStatements = [newItem, invoke] };

        var (host, outcome) = await RunAsync(pipeline);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "bar" }));
    }

    /// <summary>pypsrp's merge_error("output") (PowerShell's Command.MergeMyResults(Error, Output)): the error records come in the output, in order.</summary>
    [Test]
    public async Task A_command_merging_its_errors_into_the_output_writes_them_there_in_order()
    {
        var script = Script("Write-Error e1; 'o1'; Write-Warning w1") with
        {
            MergeMyResult = PipelineResultTypes.Error, MergeToResult = PipelineResultTypes.Output, MergeError = PipelineResultTypes.Output,
        };

        var (host, outcome) = await RunAsync(new CreatePipeline([script]));

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.Outputs.Select(o => o is PsObject { TypeNames: [var type, ..] } ? type : o.ToDisplayString()), Is.EqualTo(new[] { "System.Management.Automation.ErrorRecord", "o1" }));
        Assert.That(host.Records.OfType<WarningRecordMessage>().Select(w => w.Message), Is.EqualTo(new[] { "w1" }), "the warnings are not merged");
    }

    /// <summary>
    /// Command.MergeWarning / MergeVerbose / MergeInformation set to Output: the records come in the output as the records
    /// themselves (their text the message), as the server's pipeline puts them in its output pipe; they were strings.
    /// </summary>
    [Test]
    public async Task A_command_merging_its_warnings_verbose_and_information_writes_their_records_in_the_output()
    {
        var script = Script("Write-Warning w1; 'o1'; Write-Verbose v1 -Verbose; Write-Information i1") with
        {
            MergeWarning = PipelineResultTypes.Output, MergeVerbose = PipelineResultTypes.Output, MergeInformation = PipelineResultTypes.Output,
        };

        var (host, outcome) = await RunAsync(new CreatePipeline([script]));

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Outputs.Select(o => o is PsObject { TypeNames: [var type, ..] } ? $"{type}:{o.ToDisplayString()}" : o.ToDisplayString()), Is.EqualTo(new[]
        {
            "System.Management.Automation.WarningRecord:w1", "o1", "System.Management.Automation.VerboseRecord:v1", "System.Management.Automation.InformationRecord:i1",
        }));
        Assert.That(host.Records.OfType<WarningRecordMessage>(), Is.Empty);
    }

    [Test]
    public void A_warning_record_in_the_output_goes_on_the_wire_as_PowerShell_s_serializer_writes_it()
    {
        var record = InformationalRecords.Of(new WarningRecordMessage("careful"))!;

        var wire = InformationalRecords.ForWire(record)!;

        // pwsh 7.6.9's PSSerializer.Serialize of Write-Warning careful 3>&1: the type names, the text, and two notes.
        Assert.That(wire.TypeNames, Is.EqualTo(new[] { "System.Management.Automation.WarningRecord", "System.Management.Automation.InformationalRecord", "System.Object" }));
        Assert.That(wire.ToStringValue, Is.EqualTo("careful"));
        Assert.That(wire.AdaptedProperties, Is.Empty);
        Assert.That(wire.ExtendedProperties.Select(p => (p.Name, p.Value.ToDisplayString())),
            Is.EqualTo(new[] { ("InformationalRecord_Message", "careful"), ("InformationalRecord_SerializeInvocationInfo", "False") }));
        Assert.That(InformationalRecords.ForWire(PsPrimitive.String("careful")), Is.Null);
    }

    [Test]
    public async Task Invoke_Expression_alone_with_a_positional_script_is_that_script()
    {
        var (host, _) = await RunAsync(new CreatePipeline([Command("iex", (null, PsPrimitive.String("'a'; 'b'")))]));

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "a", "b" }));
    }

    /// <summary>pypsrp's add_cmdlet('Get-Service').add_parameter('Name', 'WinRM').add_statement() then a script: two statements.</summary>
    [Test]
    public async Task Statements_of_commands_run_one_after_the_other()
    {
        var service = Command("Get-Service", ("Name", PsPrimitive.String("WinRM")));
        var pipeline = new CreatePipeline([service]) { ExtraStatements = [[service], [Script("'second statement'")]] };

        var (host, outcome) = await RunAsync(pipeline);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "System.ServiceProcess.ServiceController", "second statement" }));
        Assert.That(((PsObject)host.Outputs[0])["Name"]?.ToDisplayString(), Is.EqualTo("WinRM"));
    }

    /// <summary>
    /// An unknown command in a statement of commands is PowerShell's CommandNotFoundException. Here it is written and the
    /// next statement runs, as in a script (whether the API's statements go on after it is UNVERIFIED).
    /// </summary>
    [Test]
    public async Task A_command_no_rule_answers_in_a_statement_of_commands_is_CommandNotFoundException()
    {
        var unknown = Command("Get-Frobnicator", ("Name", PsPrimitive.String("x")));
        var pipeline = new CreatePipeline([unknown]) { ExtraStatements = [[unknown], [Script("'after'")]] };

        var (host, _) = await RunAsync(pipeline);

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[] { ("CommandNotFoundException",
            "The term 'Get-Frobnicator' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.") }));
    }
}
