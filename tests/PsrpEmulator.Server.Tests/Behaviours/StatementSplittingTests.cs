using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

public class StatementSplittingTests
{
    [TestCase("$x = 5; $x", "$x = 5|$x")]
    [TestCase("'a;b'; \"c;d\"", "'a;b'|\"c;d\"")]
    [TestCase("'it''s; fine'; 2", "'it''s; fine'|2")]
    [TestCase("1..3 | % { \"x$_\"; Start-Sleep 1 }", "1..3 | % { \"x$_\"; Start-Sleep 1 }")]
    [TestCase("Get-Process |\n  Select-Object -First 1\n'next'", "Get-Process |\n  Select-Object -First 1|'next'")]
    [TestCase("a\n| b", "a\n| b")]
    [TestCase("one # a comment; not a statement\ntwo", "one|two")]
    [TestCase("\"`\"; quoted\"; after", "\"`\"; quoted\"|after")]
    [TestCase(" ; ;x; ", "x")]
    public void Script_text_splits_into_its_top_level_statements(string text, string expected)
    {
        Assert.That(string.Join("|", Statements.Split(text)), Is.EqualTo(expected));
    }
}
