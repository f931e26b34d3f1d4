using System.Text;
using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// <c>$using:</c> values as PowerShell 5 and later send them with a script: the parameter <c>--%</c>, a Hashtable whose
/// keys are base64 of each expression's UTF-16 text (lower case for a plain variable).
/// </summary>
public class UsingValuesTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static string Key(string text) => Convert.ToBase64String(Encoding.Unicode.GetBytes(text));

    private static async Task<RecordingHost> RunAsync(string script, params (string Key, PsValue Value)[] usings)
    {
        var (host, outcome) = await RunWithErrorsAsync(script, usings);
        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.Errors, Is.Empty);
        return host;
    }

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunWithErrorsAsync(string script, params (string Key, PsValue Value)[] usings)
    {
        var arguments = new List<PipelineArgument>();
        if (usings.Length > 0)
        {
            arguments.Add(new PipelineArgument("--%", PsObjects.Dictionary(usings.Select(u => new KeyValuePair<PsValue, PsValue>(PsPrimitive.String(u.Key), u.Value)))));
        }

        var runspace = new RunspaceState();
        runspace.SetVariable("name", PsPrimitive.String("the session's"));
        var host = new RecordingHost { Runspace = runspace };
        var create = new CreatePipeline([new PipelineCommand(script, IsScript: true, arguments)], NoInput: true);
        var outcome = await Default.Resolve(create).RunTestAsync(host, new FakeTimeProvider());
        return (host, outcome);
    }

    [Test]
    public async Task A_using_variable_reads_the_value_sent_for_it_in_any_case_in_strings_and_expressions()
    {
        var host = await RunAsync("$using:Name; \"Hello $using:NAME\"; $using:name.Length; $using:n * 2; if ($using:n -gt 1) { 'big' }",
            (Key("$using:name"), PsPrimitive.String("World")), (Key("$using:n"), PsPrimitive.Int32(21)));

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "World", "Hello World", "5", "42", "big" }));
    }

    [Test]
    public async Task An_index_or_member_using_expression_reads_the_value_sent_for_the_whole_expression()
    {
        var host = await RunAsync("$using:list[1]; $using:list.Count",
            (Key("$using:list[1]"), PsPrimitive.String("b")), (Key("$using:list.Count"), PsPrimitive.Int32(3)));

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "b", "3" }));
    }

    /// <summary>
    /// A <c>$using:</c> variable with no value sent (a script pypsrp sends as text, a bad key) is not the session's
    /// variable of that name: Windows' VariableOps.GetUsingValue finds none and raises UsingWithoutInvokeCommand, a
    /// RuntimeException that ends the statement reading it, in an expression, a string, an argument or a condition.
    /// </summary>
    [Test]
    public async Task Without_a_value_sent_a_using_variable_is_the_UsingWithoutInvokeCommand_error_of_its_statement_and_a_bad_key_is_left_out()
    {
        var (host, outcome) = await RunWithErrorsAsync(
            "$using:name; 'a'; \"in $using:name\"; 'b'; $y = $using:name + 1; \"y=$y\"; Get-Service -Name $using:name; if ($using:name) { 'no' }; 'end'",
            ("not base64 !", PsPrimitive.String("x")), (Key("no using here"), PsPrimitive.String("y")));

        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "a", "b", "y=", "end" }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Category, e.ExceptionType)).Distinct(),
            Is.EqualTo(new[] { ("UsingWithoutInvokeCommand", ErrorCategory.InvalidOperation, "System.Management.Automation.RuntimeException") }));
        Assert.That(host.Errors, Has.Count.EqualTo(5));
        Assert.That(host.Errors[0].Message, Does.StartWith("A Using variable cannot be retrieved. A Using variable can be used only with Invoke-Command, Start-Job, or InlineScript"));
    }

    [Test]
    public async Task The_using_values_are_no_positional_argument_of_the_script()
    {
        var arguments = new List<PipelineArgument>
        {
            new(null, PsPrimitive.String("first")),
            new("--%", PsObjects.Dictionary([new(PsPrimitive.String(Key("$using:x")), PsPrimitive.String("sent"))])),
        };
        var host = new RecordingHost { Runspace = new RunspaceState() };
        var create = new CreatePipeline([new PipelineCommand("param($a) \"$a $using:x $($args.Count)\"", IsScript: true, arguments)], NoInput: true);
        await Default.Resolve(create).RunTestAsync(host, new FakeTimeProvider());

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "first sent 0" }));
    }
}
