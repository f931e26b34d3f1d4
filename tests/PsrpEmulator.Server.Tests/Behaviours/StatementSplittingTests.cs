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
    [TestCase("if ($a) {\n 1\n}\nelse {\n 2\n}\nnext", "if ($a) {\n 1\n}\nelse {\n 2\n}|next")]
    [TestCase("if ($a) { 1 }\n\n  elseif ($b) { 2 }\nelse { 3 }", "if ($a) { 1 }\n\n  elseif ($b) { 2 }\nelse { 3 }")]
    [TestCase("Invoke-Thing { 1 }\nelse-thing", "Invoke-Thing { 1 }|else-thing")]
    [TestCase("$x = 1\nelse", "$x = 1|else")]
    // A block statement ends at its closing brace: a statement after it on the same line is one of its own, as in
    // Vagrant's "if (...) { exit 0 } exit 1" (pwsh 7.6 prints a, then b, for "if (1) { 'a' } 'b'").
    [TestCase("if ($n -eq 'x') { exit 0 } exit 1", "if ($n -eq 'x') { exit 0 }|exit 1")]
    [TestCase("if (0) {1}elseif(1){2} else { 3 } 'z'", "if (0) {1}elseif(1){2} else { 3 }|'z'")]
    [TestCase("try { a } catch [X] { b } finally { c } d", "try { a } catch [X] { b } finally { c }|d")]
    [TestCase("function f { 'f' } f; foreach ($i in 1) { $i } 'c'", "function f { 'f' }|f|foreach ($i in 1) { $i }|'c'")]
    [TestCase("switch -regex ($x) { 'a' { 1 } } 'after'", "switch -regex ($x) { 'a' { 1 } }|'after'")]
    [TestCase("do { $i++ } while ($i -lt 3)", "do { $i++ } while ($i -lt 3)")]
    [TestCase("Invoke-Command { 1 } -ArgumentList 2", "Invoke-Command { 1 } -ArgumentList 2")]
    [TestCase("$h = @{ a = 1 } ; $h", "$h = @{ a = 1 }|$h")]
    [TestCase("if ($a) { 1 } # note", "if ($a) { 1 }")]
    // A line ending in ++ is the increment, a statement of its own (a retry loop's "$attempt++"); one ending in + goes on.
    [TestCase("$a = 0\n$a++\n\"x $a\"", "$a = 0|$a++|\"x $a\"")]
    [TestCase("$s = 'a' +\n  'b'\n$s", "$s = 'a' +\n  'b'|$s")]
    public void Script_text_splits_into_its_top_level_statements(string text, string expected)
    {
        Assert.That(string.Join("|", Statements.Split(text)), Is.EqualTo(expected));
    }

    [TestCase("a |\n\n  \n b\nc", "a |\n\n  \n b|c")]
    [TestCase("a\n\n\n| b\nc", "a\n\n\n| b|c")]
    [TestCase("'x|'\ny", "'x|'|y")]
    [TestCase("a `|\nb", "a `|\nb")]
    [TestCase("{ unbalanced\n; x", "{ unbalanced\n; x")]
    [TestCase("'unterminated\n; x", "'unterminated\n; x")]
    public void Pipes_at_line_ends_and_unbalanced_text_split_as_before(string text, string expected)
    {
        Assert.That(string.Join("|", Statements.Split(text)), Is.EqualTo(expected));
    }

    [TestCase("& { Get-Date }", "Get-Date")]
    [TestCase("&{'a'; 'b'}", "'a'; 'b'")]
    [TestCase(". {\n  $x = 1\n  $x\n}  ", "$x = 1\n  $x")]
    [TestCase("& { '}'; \"{\"; # }\n 2 }", "'}'; \"{\"; # }\n 2")]
    [TestCase("& { & { 1 } }", "& { 1 }")]
    [TestCase("& { }", "")]
    public void A_script_block_invoked_whole_gives_its_body(string text, string body) =>
        Assert.That(Statements.ScriptBlockBody(text), Is.EqualTo(body));

    [TestCase("& { 1 } | Sort-Object")]
    [TestCase("& { param($a) $a } 5")]
    [TestCase("& $block")]
    [TestCase(".\\script.ps1")]
    [TestCase("& { 1 }; 2")]
    [TestCase("& { unclosed")]
    [TestCase("& { 1 ) }")]
    [TestCase("{ 1 }")]
    [TestCase("Get-Date")]
    public void Anything_else_is_not_a_script_block_invocation(string text) =>
        Assert.That(Statements.ScriptBlockBody(text), Is.Null);

    [TestCase("exit", "")]
    [TestCase("  EXIT 3 ", "3")]
    [TestCase("exit $LASTEXITCODE", "$LASTEXITCODE")]
    [TestCase("exit\t-1", "-1")]
    public void Exit_is_recognized_with_its_value(string statement, string value)
    {
        Assert.That(Statements.IsExit(statement, out var found), Is.True);
        Assert.That(found, Is.EqualTo(value));
    }

    [TestCase("return")]
    [TestCase("Exit-PSSession")]
    [TestCase("exiting")]
    [TestCase("'exit'")]
    [TestCase("Write-Output exit")]
    public void Other_statements_are_not_exit(string statement) => Assert.That(Statements.IsExit(statement, out _), Is.False);

    /// <summary>Script text is the client's: a few hundred KB of newlines or piped lines must split in linear time.</summary>
    [TestCase("\n", 400_000)]
    [TestCase("a |\n", 100_000)]
    [TestCase(" \n \n|", 100_000)]
    [TestCase("{", 400_000)]
    [TestCase("(\"", 200_000)]
    public void Pathological_script_text_splits_quickly(string unit, int count)
    {
        var text = string.Concat(Enumerable.Repeat(unit, count)) + "\nlast";

        var split = Task.Run(() => Statements.Split(text));

        Assert.That(split.Wait(TimeSpan.FromSeconds(10)), Is.True, "splitting took more than 10 s");
    }

    [TestCase("if ($x) { 1 }")]
    [TestCase("If($x){1}")]
    [TestCase("foreach ($i in 1..3) { $i }")]
    [TestCase("break")]
    [TestCase("continue")]
    [TestCase("$x -eq 1")]
    [TestCase("'a' -like 'A*'")]
    [TestCase("!$x")]
    [TestCase("1, 2")]
    [TestCase("@(1)")]
    [TestCase("$(Get-Date)")]
    [TestCase("$x += 1")]
    [TestCase("while ($true) { }")]
    [TestCase("do { } until ($x)")]
    [TestCase("for (;;) { }")]
    [TestCase("$i++")]
    [TestCase("--$i")]
    [TestCase("$a + $b")]
    [TestCase("-$x")]
    [TestCase("3.5")]
    [TestCase("2GB")]
    [TestCase("1..3")]
    [TestCase("0..($n - 1)")]
    public void Language_statements_are_recognized(string statement) => Assert.That(Statements.IsLanguage(statement), Is.True);

    [TestCase("Get-Process -Name a,b")]
    [TestCase("Get-Thing -eq 5")]
    [TestCase("foreach { $_ }")]
    [TestCase("ForEach-Object { $_ }")]
    [TestCase("iffy")]
    [TestCase("$x")]
    [TestCase("'a-eq'")]
    [TestCase("$x = 1")]
    [TestCase("cd ..")]
    [TestCase("Get-Item ..\\x")]
    [TestCase("Get-Item C:\\a+b")]
    [TestCase("format-table")]
    [TestCase("Do-Something")]
    [TestCase("whilex")]
    [TestCase("Copy-Item a -Destination b*")]
    [TestCase("\"$a -eq $b\"")]
    [TestCase("$x | Where-Object Name -eq 'a'")]
    [TestCase("$x | Select-Object a,b")]
    [TestCase(".\\deploy.ps1 -Target a,b")]
    [TestCase(". ./tools.ps1 -eq")]
    public void Commands_and_plain_values_are_not_language_statements(string statement) => Assert.That(Statements.IsLanguage(statement), Is.False);

    [TestCase("return return 'x'", true, "'x'")]
    [TestCase("  RETURN\treturn\n$a | b ", true, "$a | b")]
    [TestCase("return", true, "")]
    [TestCase("return return", true, "")]
    [TestCase("returned 1", false, "")]
    [TestCase("'return'", false, "")]
    public void A_chain_of_returns_is_read_in_one_pass_to_the_value_returned(string text, bool isReturn, string value)
    {
        Assert.That(Statements.IsReturnChain(text, out var returned), Is.EqualTo(isReturn));
        Assert.That(returned, Is.EqualTo(value));
    }
}
