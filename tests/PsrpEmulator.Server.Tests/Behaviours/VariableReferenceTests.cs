using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// <c>[ref]</c>: a reference to a variable where it lives, read and set through <c>.Value</c> (by a function it is
/// passed to too), or to a value of its own. Expected outputs are what pwsh 7.6.9 printed for the same scripts.
/// </summary>
public class VariableReferenceTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<RecordingHost> RunAsync(string text)
    {
        var host = new RecordingHost { Runspace = new RunspaceState() };
        var create = new CreatePipeline([new PipelineCommand(text, IsScript: true, [])], NoInput: true);
        var outcome = await Default.Resolve(create).RunTestAsync(host, new FakeTimeProvider());
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => $"'{text}' ended {outcome.State}: {outcome.ErrorRecord?.ToDisplayString()}");
        return host;
    }

    [TestCase("param($x, $y) [int]::TryParse('8', [ref]$x) | Out-Null; $r = [ref]$y; $r.Value = 'set'; \"$x $y\"; function inc([ref]$v) { $v.Value++ }; inc ([ref]$x); $x", "8 set|9")]
    public async Task A_reference_to_a_script_s_own_parameter_reads_and_sets_it(string script, string expected)
    {
        var host = new RecordingHost { Runspace = new RunspaceState() };
        var create = new CreatePipeline([new PipelineCommand(script, IsScript: true, [new PipelineArgument(null, PsrpEmulator.Protocol.Clixml.PsPrimitive.Int32(1)), new PipelineArgument(null, PsrpEmulator.Protocol.Clixml.PsPrimitive.Int32(2))])], NoInput: true);
        var outcome = await Default.Resolve(create).RunTestAsync(host, new FakeTimeProvider());

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [TestCase("function inc([ref]$x) { $x.Value++ }; $c = 1; inc ([ref]$c); $c", "2")]
    [TestCase("function add([ref]$c) { $c.Value += 10 }; $c = 2; add ([ref]$c); $c", "12")]
    [TestCase("function inc([ref]$x) { $x.Value++ }; function g { $loc = 1; inc ([ref]$loc); \"loc=$loc\" }; g", "loc=2")]
    [TestCase("function inc([ref]$x) { $x.Value++ }; function hh { param($p) inc ([ref]$p); \"p=$p\" }; hh 7", "p=8")]
    [TestCase("function swap([ref]$a, [ref]$b) { $t = $a.Value; $a.Value = $b.Value; $b.Value = $t }; $p1 = 'x'; $p2 = 'y'; swap ([ref]$p1) ([ref]$p2); \"$p1 $p2\"", "y x")]
    [TestCase("$c = 3; $r = [ref]$c; $c = 50; $r.Value; $r.Value = 4; $c", "50|4")]
    [TestCase("$r = [ref]5; $r.Value; $r.Value = 6; $r.Value++; $r.Value; ([ref]'s').Value.Length", "5|7|1")]
    [TestCase("$r = [ref]1; \"$r\"; $r -is [ref]; $r.GetType().FullName", "System.Management.Automation.PSReference|True|System.Management.Automation.PSReference")]
    [TestCase("function f { [int]::TryParse('8', [ref]$outer) | Out-Null }; $outer = 0; f; $outer", "8")]
    [TestCase("[int]::TryParse('5', [ref]$null)", "True")]
    public async Task A_reference_reads_and_sets_its_variable_where_it_lives(string script, string expected)
    {
        var host = await RunAsync(script);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    // The statement's error: the variable is not made (nor set), and the script goes on.
    [TestCase("$r = [ref]$nosuch; \"r=$r\"", "r=")]
    [TestCase("[int]::TryParse('5', [ref]$zz); \"zz=$zz\"", "zz=")]
    public async Task A_reference_to_a_variable_that_is_not_there_is_PowerShell_s_error(string script, string after)
    {
        var host = await RunAsync(script + "; 'next'");

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Category, e.Message)),
            Is.EqualTo(new[] { ("NonExistingVariableReference", ErrorCategory.InvalidOperation, "[ref] cannot be applied to a variable that does not exist.") }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { after, "next" }));
    }

    [Test]
    public async Task A_ref_parameter_refuses_a_value_that_is_no_reference()
    {
        var host = await RunAsync("function inc([ref]$x) { $x.Value++ }; inc 5; 'next'");

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)),
            Is.EqualTo(new[] { ("ParameterArgumentTransformationError,inc", "Cannot process argument transformation on parameter 'x'. Reference type is expected in argument.") }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [Test]
    public async Task A_session_variable_a_function_sets_by_scope_is_not_hidden_by_its_parameter_of_that_name_after_the_call()
    {
        // The call's locals were put back from what the name read before the call (the session's 1), hiding the 5.
        var host = await RunAsync("$c = 1; function f($c) { $global:c = 5 }; f 3; $c; $d = 1; function g($d) { $script:d = 7 }; g 2; $d; $d = 9; $d");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "5", "7", "9" }));
    }
}
