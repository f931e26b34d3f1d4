using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

public class MatchingTests
{
    [TestCase("Get-Greeting")]
    [TestCase("  get-greeting \n")]
    [TestCase("GET-GREETING")]
    public async Task Exact_match_ignores_case_and_surrounding_whitespace(string text)
    {
        var catalog = BehaviourCatalog.Parse("""
            behaviours:
              - match: Get-Greeting
                steps: [ output: hi ]
            """);
        var (host, outcome) = await catalog.RunScriptAsync(text);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "hi" }));
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
    }

    [Test]
    public async Task Exact_match_does_not_match_a_longer_command()
    {
        var catalog = BehaviourCatalog.Parse("behaviours: [ { match: Get-Greeting, steps: [ output: hi ] } ]");
        var (host, _) = await catalog.RunScriptAsync("Get-Greeting -Name x");
        Assert.That(host.OutputTexts, Is.Empty);
        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("CommandNotFoundException"));
    }

    [Test]
    public async Task Exact_match_accepts_a_list_of_alternatives()
    {
        var catalog = BehaviourCatalog.Parse("behaviours: [ { match: [hostname, '$env:COMPUTERNAME'], steps: [ output: PC ] } ]");
        Assert.That((await catalog.RunScriptAsync("hostname")).Host.OutputTexts, Is.EqualTo(new[] { "PC" }));
        Assert.That((await catalog.RunScriptAsync("$env:computername")).Host.OutputTexts, Is.EqualTo(new[] { "PC" }));
    }

    [Test]
    public async Task Regex_captures_are_usable_by_name_and_number()
    {
        var catalog = BehaviourCatalog.Parse("""
            behaviours:
              - regex: 'Get-Item (?<path>\S+) (\d+)'
                steps:
                  - output: "path={path} n={2} first={1} all={0}"
            """);
        var (host, _) = await catalog.RunScriptAsync("get-item C:\\x 42");
        // Named groups are numbered after unnamed ones in .NET: (\d+) is 1, path is 2.
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "path=C:\\x n=C:\\x first=42 all=get-item C:\\x 42" }));
    }

    [TestCase("Get-Item x", true)]
    [TestCase("GET-ITEM x", true)]
    [TestCase("Get-Item x | Remove-Item y", false)]
    [TestCase("  Get-Item x  ", true)]
    [TestCase("xGet-Item x", false)]
    public async Task Regex_must_match_the_whole_trimmed_text_ignoring_case(string text, bool matches)
    {
        var catalog = BehaviourCatalog.Parse("behaviours: [ { regex: 'Get-Item \\S+', steps: [ output: yes ] } ]");
        var (host, _) = await catalog.RunScriptAsync(text);
        Assert.That(host.OutputTexts, matches ? Is.EqualTo(new[] { "yes" }) : Is.Empty);
    }

    [Test]
    public async Task Regex_alternation_is_anchored_as_a_whole()
    {
        // Without the (?:...) wrapper "\Aa|b\z" would match any text starting with a.
        var catalog = BehaviourCatalog.Parse("behaviours: [ { regex: 'a|b', steps: [ output: yes ] } ]");
        Assert.That((await catalog.RunScriptAsync("a")).Host.OutputTexts, Is.EqualTo(new[] { "yes" }));
        Assert.That((await catalog.RunScriptAsync("abc")).Host.OutputTexts, Is.Empty);
        Assert.That((await catalog.RunScriptAsync("cab")).Host.OutputTexts, Is.Empty);
    }

    [Test]
    public async Task Regex_prefers_the_longer_alternative_that_completes_the_match()
    {
        var catalog = BehaviourCatalog.Parse("behaviours: [ { regex: '(?<w>a|ab)', steps: [ output: '{w}' ] } ]");
        Assert.That((await catalog.RunScriptAsync("ab")).Host.OutputTexts, Is.EqualTo(new[] { "ab" }));
    }

    [Test]
    public async Task Optional_capture_that_did_not_take_part_is_empty()
    {
        var catalog = BehaviourCatalog.Parse("behaviours: [ { regex: 'x(?<opt>y)?', steps: [ output: '[{opt}]' ] } ]");
        Assert.That((await catalog.RunScriptAsync("x")).Host.OutputTexts, Is.EqualTo(new[] { "[]" }));
        Assert.That((await catalog.RunScriptAsync("xy")).Host.OutputTexts, Is.EqualTo(new[] { "[y]" }));
    }

    [Test]
    public async Task First_matching_rule_in_file_order_wins()
    {
        var catalog = BehaviourCatalog.Parse("""
            behaviours:
              - regex: 'Get-.*'
                steps: [ output: generic ]
              - match: Get-Thing
                steps: [ output: specific ]
            """);
        Assert.That((await catalog.RunScriptAsync("Get-Thing")).Host.OutputTexts, Is.EqualTo(new[] { "generic" }));
    }

    [Test]
    public async Task Combine_puts_the_first_catalogs_rules_in_front()
    {
        var user = BehaviourCatalog.Parse("behaviours: [ { match: \"'hello'\", steps: [ output: overridden ] } ]");
        var combined = BehaviourCatalog.Combine(user, BehaviourCatalog.LoadDefault());
        Assert.That((await combined.RunScriptAsync("'hello'")).Host.OutputTexts, Is.EqualTo(new[] { "overridden" }));
        Assert.That((await combined.RunScriptAsync("'other'")).Host.OutputTexts, Is.EqualTo(new[] { "other" }));
        Assert.That(combined.Count, Is.EqualTo(user.Count + BehaviourCatalog.LoadDefault().Count));
    }

    [Test]
    public async Task Pipeline_of_commands_is_matched_as_their_texts_joined_with_a_bar()
    {
        var catalog = BehaviourCatalog.Parse("behaviours: [ { match: 'Get-Process | Select-Object -First 1', steps: [ output: one ] } ]");
        var host = new RecordingHost();
        var outcome = await catalog.Resolve(Behaviour.Commands(" Get-Process ", "Select-Object -First 1")).RunTestAsync(host);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "one" }));
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(BehaviourCatalog.GetCommandText(Behaviour.Commands("a", "b")), Is.EqualTo("a | b"));
    }

    [Test]
    public async Task Unknown_script_writes_CommandNotFound_for_its_first_word_and_completes()
    {
        // As in PowerShell, the script goes on after the unknown command: 'more' is written.
        var (host, outcome) = await BehaviourCatalog.LoadDefault().RunScriptAsync("  Get-Nothing -Name x; 'more' ");
        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "more" }));
        var error = host.Errors.Single();
        Assert.That(error, Is.EqualTo(new ScriptedError(
            "The term 'Get-Nothing' is not recognized as the name of a cmdlet, function, script file, or operable program. " +
            "Check the spelling of the name, or if a path was included, verify that the path is correct and try again.",
            "CommandNotFoundException", ErrorCategory.ObjectNotFound, "System.Management.Automation.CommandNotFoundException", "Get-Nothing")));
        Assert.That(host.Records, Has.Count.EqualTo(2));
    }

    [TestCase("foo;bar", "foo")]
    [TestCase("foo|bar", "foo")]
    [TestCase("foo(1)", "foo")]
    [TestCase("foo\nbar", "foo")]
    [TestCase("{x}", "{x}")]
    public void First_word_of_an_unknown_script_stops_at_separators(string text, string word) =>
        Assert.That(UnknownCommandScript.FirstWordOf(text), Is.EqualTo(word));

    [Test]
    public async Task Unknown_single_command_fails_with_CommandNotFound_as_the_reason()
    {
        var host = new RecordingHost();
        var outcome = await BehaviourCatalog.Empty.Resolve(Behaviour.Commands("Get-Nothing")).RunTestAsync(host);
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        var reason = outcome.OutcomeError();
        Assert.That(reason.FullyQualifiedErrorId, Is.EqualTo("CommandNotFoundException"));
        Assert.That(reason.Category, Is.EqualTo(ErrorCategory.ObjectNotFound));
        Assert.That(reason.TargetName, Is.EqualTo("Get-Nothing"));
        Assert.That(reason.Message, Does.StartWith("The term 'Get-Nothing' is not recognized"));
        Assert.That(host.Records, Is.Empty, "a failed single command writes no separate error record");
    }

    [Test]
    public async Task Empty_script_completes_with_nothing()
    {
        var (host, outcome) = await BehaviourCatalog.Empty.RunScriptAsync("   ");
        Assert.That(host.Records, Is.Empty);
        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
    }

    [Test]
    public void Catastrophic_regex_times_out_and_counts_as_no_match()
    {
        var catalog = BehaviourCatalog.Parse("""
            behaviours:
              - regex: '(a+)+b'
                steps: [ output: never ]
              - regex: 'a+c'
                steps: [ output: next rule ]
            """);
        var text = new string('a', 40) + "c";
        var script = catalog.Resolve(Behaviour.Script(text));
        Assert.That(script.ToString(), Does.StartWith("regex 'a+c'"));
    }

    [Test]
    public void Resolved_script_describes_its_rule_by_name()
    {
        var catalog = BehaviourCatalog.Parse("behaviours: [ { name: greeting, match: hi, steps: [] } ]", "my.yaml");
        Assert.That(catalog.Resolve(Behaviour.Script("hi")).ToString(), Is.EqualTo("greeting"));
        Assert.That(catalog.RuleNames, Is.EqualTo(new[] { "greeting" }));
        var unnamed = BehaviourCatalog.Parse("behaviours:\n  - match: hi\n", "my.yaml");
        Assert.That(unnamed.RuleNames.Single(), Is.EqualTo("match 'hi' (my.yaml, line 2)"));
    }
}
