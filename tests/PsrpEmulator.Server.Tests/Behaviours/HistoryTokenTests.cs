using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// The first and last token of a script, which become <c>$^</c> and <c>$$</c> of the next script added to the history.
/// Expected values are what pwsh 7.6.9 printed for <c>$^ + "|" + $$</c> run after each script through a runspace with
/// AddToHistory.
/// </summary>
public class HistoryTokenTests
{
    [TestCase("<# block #> Get-Date", "Get-Date", "Get-Date")]
    [TestCase("\"a $($x.Name) b\"", "a $($x.Name) b", "a $($x.Name) b")]
    [TestCase("Get-Item `\n  C:\\a.txt", "Get-Item", "C:\\a.txt")]
    [TestCase("@\"\n$x\n\"@", "$x", "$x")]
    [TestCase("\"a`tb\" + 1", "a\tb", "1")]
    [TestCase("$env:PATH", "$env:PATH", "$env:PATH")]
    [TestCase("${a b} = 1", "${a b}", "1")]
    [TestCase("$a += 1", "$a", "1")]
    [TestCase("$x = $y.Trim()", "$x", ")")]
    [TestCase("Get-ChildItem -Path .\\x.ps1 -Recurse:$false", "Get-ChildItem", "$false")]
    [TestCase("[string]$s = \"x\"", "[", "x")]
    [TestCase("& \"C:\\p q\\x.exe\" /s", "&", "/s")]
    [TestCase("$h.Keys | % { $_ }", "$h", "}")]
    [TestCase("$a[0]", "$a", "]")]
    [TestCase("1..10", "1", "10")]
    [TestCase("$x -eq 5", "$x", "5")]
    [TestCase(". .\\lib.ps1", ".", ".\\lib.ps1")]
    [TestCase("@(1,2)", "@(", ")")]
    [TestCase("'it''s' # done", "it's", "it's")]
    [TestCase("@'\n\n'@", "", "")]
    [TestCase("$a/2", "$a", "2")]
    [TestCase("2+3", "2", "3")]
    public void A_script_s_first_and_last_token_are_PowerShell_s(string script, string first, string last)
    {
        var tokens = HistoryTokens.Of(script);

        Assert.That(tokens, Is.Not.Null);
        Assert.That(HistoryTokens.Any(script), Is.True);
        Assert.That((tokens!.Value.First.Text, tokens.Value.Last.Text), Is.EqualTo((first, last)));
    }

    [TestCase("")]
    [TestCase("   \r\n\t")]
    [TestCase("# only a comment")]
    [TestCase("<# a block\ncomment #>\n")]
    [TestCase("`\n")]
    public void A_script_of_blanks_and_comments_has_no_tokens(string script)
    {
        Assert.That(HistoryTokens.Of(script), Is.Null);
        Assert.That(HistoryTokens.Any(script), Is.False);
        Assert.That(HistoryTokens.Any(script + "\nx"), Is.True);
    }

    /// <summary>Any text a client sends is scanned to its end: no exception, and a token whenever Any says there is one.</summary>
    [Test]
    public void Random_scripts_are_scanned_without_failing()
    {
        const string Alphabet = "ab1 \t\r\n$^?{}()[]@'\"`#<>.:;,|&=+-*/%!\u2018\u201C";
        var random = new Random(98);
        for (var n = 0; n < 5000; n++)
        {
            var script = new string([.. Enumerable.Range(0, random.Next(0, 24)).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);

            var tokens = HistoryTokens.Of(script);

            Assert.That(tokens is not null, Is.EqualTo(HistoryTokens.Any(script)), script);
        }
    }

    [Test]
    public void Dollar_hat_and_dollar_dollar_are_marked_as_tokens_that_leave_the_kept_ones()
    {
        var tokens = HistoryTokens.Of("\"first=[$^] last=[$$]\"")!.Value;

        Assert.That((tokens.First.Text, tokens.First.IsDollarHatOrDollarDollar), Is.EqualTo(("$^", true)));
        Assert.That((tokens.Last.Text, tokens.Last.IsDollarHatOrDollarDollar), Is.EqualTo(("first=[$^] last=[$$]", false)));
    }
}
