using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// Validation attributes on variables (<c>[ValidateRange(1,5)][int]$v = 3</c>) and on a function's parameters, which
/// stay on the variable: each later assignment is converted and validated, as PSVariable's setter does. Expected
/// outputs and messages are what pwsh 7.6.9 printed for the same scripts (5.1's texts are the same).
/// </summary>
public class VariableAttributeTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string text)
    {
        var host = new RecordingHost { Runspace = new RunspaceState() };
        var create = new CreatePipeline([new PipelineCommand(text, IsScript: true, [])], NoInput: true);
        var outcome = await Default.Resolve(create).RunTestAsync(host, new FakeTimeProvider());
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => $"'{text}' ended {outcome.State}: {outcome.ErrorRecord?.ToDisplayString()}");
        return (host, outcome);
    }

    private static string Refused(string value, string name) => $"The variable cannot be validated because the value {value} is not a valid value for the {name} variable.";

    [TestCase("[ValidateRange(1,5)][int]$v = 3; $v = 10; $v; $v = '4'; $v; $v.GetType().Name", "3|4|Int32", "10:v")]
    [TestCase("[ValidateSet('a','b')]$s = 'a'; $s = 'c'; $s; $s = 'B'; $s", "a|B", "c:s")]
    [TestCase("[ValidateNotNullOrEmpty()][string]$n = 'x'; $n = ''; $n", "x", ":n")]
    [TestCase("[ValidatePattern('^a')]$p = 'abc'; $p = 'b'; $p", "abc", "b:p")]
    [TestCase("[ValidateLength(1,3)]$l = 'ab'; $l = 'abcd'; $l", "ab", "abcd:l")]
    [TestCase("[ValidateNotNull()]$nn = 1; $nn = $null; $nn", "1", "$null:nn")]
    [TestCase("[ValidateCount(1,2)]$c = 1,2; $c = 1,2,3; $c.Count", "2", "System.Object[]:c")]
    [TestCase("[ValidateRange(1,5)]$r = 3; $r = 'abc'; $r", "3", "abc:r")]
    [TestCase("[ValidateRange(1,5)][int]$v = 4; $v++; $v++; $v", "5", "6:v")]
    [TestCase("[ValidateLength(2,3)][string[]]$a = 'ab','cd'; $a += 'e'; $a.Count", "2", "System.String[]:a")]
    public async Task A_later_assignment_the_attributes_refuse_is_the_variable_s_validation_error_and_the_value_stays(string script, string output, string refusal)
    {
        var (host, _) = await RunAsync(script);

        var (value, name) = (refusal[..refusal.LastIndexOf(':')], refusal[(refusal.LastIndexOf(':') + 1)..]);
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId, e.Category, e.ExceptionType)),
            Is.EqualTo(new[] { (Refused(value, name), "ValidateSetFailure", ErrorCategory.MetadataError, "System.Management.Automation.ValidationMetadataException") }));
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(output));
    }

    [TestCase("[ValidateRange(1,5)][int]$w = 10", "w", "10")]
    [TestCase("[ValidateRange(1,5)][int]$w = '7'", "w", "7")]
    [TestCase("[ValidateNotNull()]$w = $null", "w", "")]
    [TestCase("[ValidateScript({$_ -gt 2})]$w = 1", "w", "1")]
    public async Task A_new_variable_whose_value_its_attributes_refuse_is_not_made(string statement, string name, string value)
    {
        var (host, _) = await RunAsync(statement + "; \"made: $(Test-Path variable:" + name + ")\"");

        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId, e.Category)),
            Is.EqualTo(new[] { ($"The attribute cannot be added because variable {name} with value {value} would no longer be valid.", "ValidateSetFailure", ErrorCategory.MetadataError) }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "made: False" }));
    }

    [Test]
    public async Task An_assignment_with_attributes_replaces_those_the_variable_had_its_type_included()
    {
        var (host, _) = await RunAsync(
            "[int]$x = 1; [ValidateRange(1,5)]$x = '3'; $x.GetType().Name; $x = 'abc'; \"x=$x\"; " +
            "[ValidateRange(1,5)]$y = 2; [int]$y = 9; \"y=$y\"; $y = 12; \"y=$y\"; " +
            "[ValidateRange(1,5)]$z = 2; Remove-Variable z; $z = 7; \"z=$z\"");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "String", "x=3", "y=9", "y=12", "z=7" }));
        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { Refused("abc", "x") }));
    }

    [Test]
    public async Task A_variable_already_there_is_refused_by_new_attributes_with_the_value_message()
    {
        var (host, _) = await RunAsync("$q = 1; [ValidateSet('a')]$q = 'b'; \"q=$q\"; [ValidateScript({ $_ -like 'x*' })][string]$t = 'xy'; \"t=$t\"");

        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { Refused("b", "q") }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "q=1", "t=xy" }));
    }

    [Test]
    public async Task A_ValidateScript_the_variable_keeps_checks_each_later_assignment()
    {
        var (host, _) = await RunAsync(
            "[ValidateScript({$_ -gt 2})]$q = 3; $q = 1; \"q=$q\"; $q = 5; \"q=$q\"; $q -= 4; \"q=$q\"; $q++; \"q=$q\"; " +
            "function f { [ValidateScript({ $_ -like 'a*' })][string]$s = 'ab'; $s = 'b'; \"s=$s\"; $s = 'ac'; \"s=$s\" }; f; $global:q = 0; \"q=$q\"");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "q=3", "q=5", "q=5", "q=6", "s=ab", "s=ac", "q=6" }));
        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { Refused("1", "q"), Refused("1", "q"), Refused("b", "s"), Refused("0", "q") }));
    }

    [Test]
    public async Task A_function_s_parameter_keeps_its_validation_attributes_in_the_body()
    {
        var (host, _) = await RunAsync(
            "function f { param([ValidateRange(1,5)][int]$a) $a = 9; \"a=$a\"; $a++; $a++; $a++; $a++; \"a=$a\" }; f 2; " +
            "function g { param([ValidateSet('x','y')][string]$m = 'x') $m = 'z'; \"m=$m\"; $m = 'Y'; \"m=$m\" }; g");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "a=2", "a=5", "m=x", "m=Y" }));
        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { Refused("9", "a"), Refused("6", "a"), Refused("z", "m") }));
    }

    [Test]
    public async Task A_function_s_typed_parameter_converts_what_the_body_assigns_and_a_failure_is_the_cast_s_error()
    {
        var (host, _) = await RunAsync("function hh { param([int]$n, [string]$s) $n = '7'; $n.GetType().Name; $s = 5; $s.GetType().Name; $n = 'abc'; \"n=$n\" }; hh 3 'x'");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Int32", "String", "n=7" }));
        // pwsh 7.6: InvalidCastFromStringToInteger, InvalidArgument, RuntimeException, no target (the typed local's conversion).
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Category, e.TargetName)), Is.EqualTo(new[] { ("InvalidCastFromStringToInteger", ErrorCategory.InvalidArgument, (string?)null) }));
    }

    [Test]
    public async Task A_function_called_from_one_with_a_typed_parameter_makes_its_own_variable_of_that_name()
    {
        var (host, _) = await RunAsync("function g { $n = 'abc'; \"g: $n\" }; function f { param([int]$n) g; \"f: $n\"; $n = '4'; $n.GetType().Name }; f 3; $n = 'top'; $n");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "g: abc", "f: 3", "Int32", "top" }));
    }

    [Test]
    public async Task A_pipeline_function_s_parameter_keeps_its_attributes_in_every_block()
    {
        var (host, _) = await RunAsync(
            "function p { param([Parameter(ValueFromPipeline)]$InputObject, [ValidateRange(1,3)][int]$Step = 1) process { $Step = $Step + $InputObject; \"step=$Step\" } }; 1, 5 | p");

        // The body's assignment stays the function's between the process blocks: 2 + 5 is refused, and 2 stays.
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "step=2", "step=2" }));
        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { Refused("7", "Step") }));
    }

    [Test]
    public async Task Get_Variable_lists_the_types_of_the_attributes_a_variable_keeps()
    {
        var (host, _) = await RunAsync(
            "[ValidateRange(1,5)][int]$v = 3; (Get-Variable v).Attributes | ForEach-Object { $_.GetType().Name }; [int]$t = 1; (Get-Variable t).Attributes.Count; " +
            "$u = 1; (Get-Variable u).Attributes.Count; function f { param([ValidateSet('a')][string]$m = 'a') (Get-Variable m).Attributes | ForEach-Object { \"$_\" } }; f; " +
            "function g { param([string]$p, $q) (Get-Variable p).Attributes.Count; (Get-Variable q).Attributes.Count }; g 'x' 1");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "ArgumentTypeConverterAttribute", "ValidateRangeAttribute", "1", "0",
            "System.Management.Automation.ParameterAttribute", "System.Management.Automation.ArgumentTypeConverterAttribute", "System.Management.Automation.ValidateSetAttribute",
            // A parameter with no attribute but its type has none (pwsh 7.6.9).
            "0", "0",
        }));
    }
}
