using System.Text.RegularExpressions;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>The default scenario's regexes must answer quickly (well inside their 100 ms timeout) on hostile text.</summary>
public class DefaultRegexRobustnessTests
{
    public static IEnumerable<TestCaseData> HostileTexts()
    {
        var spaces = new string(' ', 20_000);
        var digits = new string('1', 20_000);
        yield return new TestCaseData(spaces).SetArgDisplayNames("spaces");
        yield return new TestCaseData(digits).SetArgDisplayNames("digits");
        yield return new TestCaseData("1..3 | % { \"x$_\"" + spaces + "!").SetArgDisplayNames("foreach, whitespace before a wrong end");
        yield return new TestCaseData("1..3 | % { \"x$_\";" + spaces + "sleep" + spaces + "1" + spaces).SetArgDisplayNames("foreach, unterminated block");
        yield return new TestCaseData("1..3 | % { \"" + new string('$', 20_000) + "\" }").SetArgDisplayNames("foreach, many dollars");
        yield return new TestCaseData("'" + new string('\'', 20_001)).SetArgDisplayNames("quotes");
        yield return new TestCaseData("Get-WinEvent -LogName " + new string('a', 20_000) + " -MaxEvents x").SetArgDisplayNames("long log name");
        yield return new TestCaseData("Write-Output" + spaces + "'x' y").SetArgDisplayNames("write-output, trailing junk");
        yield return new TestCaseData(string.Concat(Enumerable.Repeat("1+", 10_000)) + "x").SetArgDisplayNames("arithmetic chain");
    }

    [TestCaseSource(nameof(HostileTexts))]
    public void Default_regexes_never_time_out(string text)
    {
        foreach (var rule in BehaviourCatalog.LoadDefault().Rules.Where(r => r.Regex is not null))
        {
            Assert.DoesNotThrow(() => rule.Regex!.Match(text), rule.Name);
        }
    }

    [Test]
    public void Default_regexes_are_anchored_and_case_insensitive_with_a_timeout()
    {
        foreach (var rule in BehaviourCatalog.LoadDefault().Rules.Where(r => r.Regex is not null))
        {
            var regex = rule.Regex!;
            Assert.That(regex.Options, Is.EqualTo(RegexOptions.IgnoreCase | RegexOptions.CultureInvariant), rule.Name);
            Assert.That(regex.MatchTimeout, Is.EqualTo(TimeSpan.FromMilliseconds(100)), rule.Name);
            Assert.That(regex.ToString(), Does.StartWith(@"\A(?:").And.EndWith(@")\z"), rule.Name);
        }
    }
}
