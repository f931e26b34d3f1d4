using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// The intrinsic <c>.Where()</c> and <c>.ForEach()</c> methods and multiple assignment (<c>$a, $b = ...</c>), as
/// Windows PowerShell 5.1 runs them (EnumerableOps.Where and ForEach; about_Arrays for the modes' documented results).
/// </summary>
public class IntrinsicMethodTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string text)
    {
        var host = new RecordingHost { Runspace = new RunspaceState() };
        var create = new CreatePipeline([new PipelineCommand(text, IsScript: true, [])], NoInput: true);
        var outcome = await Default.Resolve(create).RunTestAsync(host, new FakeTimeProvider());
        return (host, outcome);
    }

    private static async Task<IReadOnlyList<string>> OutputOfAsync(string text)
    {
        var (host, outcome) = await RunAsync(text);
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => $"'{text}' ended {outcome.State}: {outcome.ErrorRecord?.ToDisplayString()}");
        Assert.That(host.Errors, Is.Empty, () => $"'{text}' wrote {string.Join("; ", host.Errors.Select(e => e.Message))}");
        return host.OutputTexts;
    }

    [TestCase("(1..10).Where({ $_ % 2 })", "1,3,5,7,9")]
    [TestCase("(1..10).Where({ $_ -gt 3 }, 'Default', 2)", "4,5")]
    [TestCase("(1..10).Where({ $_ -gt 3 }, 'First')", "4")]
    [TestCase("(1..10).Where({ $_ -gt 3 }, 'First', 2)", "4,5")]
    [TestCase("(1..10).Where({ $_ -gt 3 }, 'Last')", "10")]
    [TestCase("(1..10).Where({ $_ % 2 }, 'Last', 2)", "7,9")]
    [TestCase("(1..10).Where({ $_ -gt 3 }, 'SkipUntil')", "4,5,6,7,8,9,10")]
    [TestCase("(1..10).Where({ $_ -gt 3 }, 'SkipUntil', 2)", "4,5")]
    [TestCase("(1..50).Where({ $_ -gt 3 }, 'Until')", "1,2,3")]
    [TestCase("(1..50).Where({ $_ -gt 3 }, 'Until', 2)", "1,2")]
    [TestCase("(1..10).Where({ $_ -gt 8 }, 1)", "9")]
    [TestCase("(1..10).Where({ $_ -gt 8 }, [System.Management.Automation.WhereOperatorSelectionMode]::Last)", "10")]
    [TestCase("(1..5).Where{ $_ -ne 3 }", "1,2,4,5")]
    [TestCase("$f = { $_ -lt 3 }; (1..5).Where($f)", "1,2")]
    [TestCase("'x'.Where({ $true })", "x")]
    [TestCase("$null.Where({ $true }).Count", "0")]
    public async Task Where_selects_as_its_mode_and_count_say(string script, string expected)
    {
        Assert.That(string.Join(",", await OutputOfAsync(script)), Is.EqualTo(expected));
    }

    [TestCase("'Split'", "1 3 5|2 4 6")]
    [TestCase("'Split', 2", "1 3|2 4 5 6")]
    [TestCase("5", "1 3 5|2 4 6")]
    [TestCase("[Management.Automation.WhereOperatorSelectionMode]::Split, 1", "1|2 3 4 5 6")]
    public async Task Where_split_gives_the_matches_then_every_other_item(string arguments, string expected)
    {
        var output = await OutputOfAsync($"$odd, $even = (1..6).Where({{ $_ % 2 }}, {arguments}); \"$odd|$even\"; $r = (1..6).Where({{ $_ % 2 }}, {arguments}); $r.Count");

        Assert.That(output, Is.EqualTo(new[] { expected, "2" }));
    }

    [TestCase("(1..3).Where({ $_ }, 'Sometimes')", "InvalidCastFromStringToEnum",
        "Cannot convert value \"Sometimes\" to type \"System.Management.Automation.WhereOperatorSelectionMode\". Error: \"Unable to match the identifier name Sometimes to a valid enumerator name. Specify one of the following enumerator names and try again:\r\nDefault, First, Last, SkipUntil, Until, Split\"")]
    [TestCase("(1..3).Where({ $_ }, 'First', -1)", "ArgumentOutOfRangeException",
        "The 'numberToReturn' value provided to the third argument of the Where() operator must be greater than zero. Please correct the argument's value and try again.\r\nParameter name: numberToReturn\r\nActual value was -1.")]
    [TestCase("(1..3).Where('x')", "MethodArgumentConversionInvalidCastArgument",
        "Cannot convert argument \"expression\", with value: \"x\", for \"Where\" to type \"System.Management.Automation.ScriptBlock\": \"Cannot convert the \"x\" value of type \"System.String\" to type \"System.Management.Automation.ScriptBlock\".\"")]
    [TestCase("(1..3).Where({ $_ }, 'First', 1, 2)", "MethodCountCouldNotFindBest", "Cannot find an overload for \"Where\" and the argument count: \"4\".")]
    public async Task A_mode_or_count_where_cannot_take_is_the_statements_error(string script, string id, string message)
    {
        var (host, outcome) = await RunAsync(script + "; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[] { (id, message) }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [TestCase("(1, 2, 3).ForEach({ $_ * $_ })", "1,4,9")]
    [TestCase("(1, 2).ForEach({ $_ * $args[0] + $args[1] }, 10, 1)", "11,21")]
    [TestCase("(1, 2).ForEach{ $_ + 1 }", "2,3")]
    [TestCase("$sum = 0; (1, 2, 3).ForEach({ $sum += $_ }); $sum", "6")]
    [TestCase("('one', 'two').ForEach('ToUpper')", "ONE,TWO")]
    [TestCase("('a-b', 'c').ForEach('Replace', '-', '+')", "a+b,c")]
    [TestCase("('ab', 'cde').ForEach('Length')", "2,3")]
    [TestCase("('1', '2').ForEach([int]) | ForEach-Object { $_ + 1 }", "2,3")]
    [TestCase("(@{ a = 1 }, @{ a = 2 }).ForEach('a')", "1,2")]
    [TestCase("$h = @{ a = 1 }; @($h).ForEach('a', 5); $h.a", "5")]
    [TestCase("$o = [pscustomobject]@{ N = 1 }; @($o).ForEach('N', 7); $o.N", "7")]
    [TestCase("$o = [pscustomobject]@{ N = 1 }; @($o, $o).ForEach('N')", "1,1")]
    [TestCase("(1, 2).ForEach('Nope').Count", "2")]
    [TestCase("(1, 2).ForEach(5).Count", "2")]
    public async Task ForEach_runs_a_block_converts_or_reads_sets_and_calls_a_member(string script, string expected)
    {
        Assert.That(string.Join(",", await OutputOfAsync(script)), Is.EqualTo(expected));
    }

    [TestCase("$a, $b = 1, 2; \"[$a][$b]\"", "[1][2]")]
    [TestCase("$a, $b, $c = 1, 2, 3, 4; \"[$a][$b][$c]\"; $c.GetType().Name", "[1][2][3 4],Object[]")]
    [TestCase("$a, $b = 7; \"[$a][$b]\"; $null -eq $b", "[7][],True")]
    [TestCase("$a, $b = 1, 2; $a, $b = $b, $a; \"[$a][$b]\"", "[2][1]")]
    [TestCase("$name, $value = 'x=y' -split '='; \"$name is $value\"", "x is y")]
    [TestCase("$first, $rest = Get-Service EventLog, Spooler, WinRM | Select-Object -ExpandProperty Name -First 3; $first; $rest.Count", "EventLog,2")]
    [TestCase("function f { $a, $b = 5, 6; \"$a$b\" }; f; \"[$a]\"", "56,[]")]
    [TestCase("$script:a, $b = 'p', 'q'; \"$a$b\"", "pq")]
    public async Task Multiple_assignment_gives_each_variable_an_item_and_the_last_the_rest(string script, string expected)
    {
        Assert.That(string.Join(",", await OutputOfAsync(script)), Is.EqualTo(expected));
    }

    [Test]
    public async Task Multiple_assignment_of_a_failing_command_writes_its_error_and_the_script_goes_on()
    {
        var (host, outcome) = await RunAsync("$a, $b = Get-Nothing; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "CommandNotFoundException" }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }
}
