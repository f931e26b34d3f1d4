using System.Management.Automation.Language;
using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Testing;

namespace PsrpEmulator.Interop.Tests;

/// <summary>
/// The emulator refuses a script as PowerShell's own parser does (7.6's, from the SDK, read side by side): the same
/// first error id, at the same line and column, with its text. The emulator's texts are Windows PowerShell 5.1's,
/// which are 7's first line (6.0 added "The correct form is" lines to a few). Scripts run end to end, client to
/// emulator over HTTP, and nothing of a refused script runs.
/// </summary>
public sealed class ParseErrorInteropTests
{
    private EmulatorInstance _emulator = null!;
    private WsManTransport _transport = null!;
    private RunspacePoolClient _pool = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        Environment.SetEnvironmentVariable("POWERSHELL_TELEMETRY_OPTOUT", "1");
        _emulator = await EmulatorInstance.StartAsync();
        _transport = new WsManTransport(new WsManClientOptions { ConnectionUri = _emulator.WsManUri, UserName = "psrp", Password = "psrp" });
        _pool = await RunspacePoolClient.OpenAsync(_transport);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _pool.DisposeAsync();
        _transport.Dispose();
        await _emulator.DisposeAsync();
    }

    // Scripts PowerShell's parser refuses, each placed by the emulator where PowerShell places its first error.
    private static readonly string[] Refused =
    [
        // MissingExpressionAfterToken: an array's element missing after its ',', placed at the comma's end.
        "$a, = 1, 2",
        "1, = 2",
        "1,2, = 3",
        "$a, $ = 1, 2",
        "$x = 1,",
        "$x = 1, ; 'a'",
        "$x = 'a,b', ; 'a'",
        "if ($true) { $z = 2, }",
        "$x = ,1,",
        // MissingExpression: a command's arguments ending in a ',' in their pipeline element.
        "Write-Output 1,",
        "Write-Output 1, ; 'a'",
        "Write-Output 'a,b',",
        "Get-Item a, | Out-Null",
        "if ($true) { Write-Output 1, }",
        // InvalidLeftHandSide (SemanticChecks): what is assigned to must be a variable, a property or an element.
        "$a,$b += 1",
        "\"x\" = 1",
        "1 = 2",
        "$a + 1 = 2",
        "$a, 1 = 2",
        "$a -f 1 = 2",
        "-$a = 1",
        "'first'\n$a = 1 = 2",
        "$x = \"a\" = 1",
        "[int]1 = 2",
        "@($a) = 1",
        "$(1) = 1",
        "\"a$b\" = 1",
        "$a,$b -= 1",
        "($a,$b) += 1",
        "$using:a = 1",
        "1 -eq 1 = 1",
        "$a..$b = 1",
        "$a++ += 1",
        "++$a = 1",
        "$a++ = 1",
        // SplattingNotPermitted: only a command's argument is splatted.
        "@a",
        "$x = @a",
        "Write-Output 1; @a",
        "$a = 1 + @a",
        // MissingExpressionAfterOperator: a unary operator with nothing after it.
        "-not",
        "!",
        "$x = !",
        "-",
        "$x = -",
        "+",
        ",",
        "$x = ,",
        "$x = 1,,",
        "++",
        "$a = ++",
        "-bnot",
        "-split",
        "-join",
        "$x = -not",
        "(-not)",
        "if (-not) {}",
        "-not -not",
        "$a; -not",
        // ExpectedValueExpression: a binary operator with nothing after it.
        "-not $x -and",
        "1 +",
        "\"abc\" -f",
        "1..",
        "$x -eq",
        "(1 +)",
        "$a.b = ",
        "[int]$a = ",
        // UnexpectedToken: a value, then another where an operator must come (right after it too).
        "'a'b",
        "\"a\"b",
        "(1)b",
        "$x'a'",
        "\"b \"q\"\"",
        "$a = $b $c",
        "$a = $b 1",
        "$b $c",
        "$a.b $c",
        "$a[0] 1",
        "(1) 2",
        "(1) $a",
        "@(1) 2",
        "$x = (1) 2",
        "[int]$x 2",
        "'a' 'b'",
        "3 4",
        "$x = 1 b = 2",
        "@{ a = 1 b = 2 }",
        // A member access or an index left incomplete.
        "$a[",
        "$a[1",
        "$a[]",
        "$a.",
        "$a::",
        "[int]::",
        "$x = $a.",
        "$a.b.",
        "$a.b[",
        "$a[0][",
        "($a).",
        // A type literal left incomplete.
        "[",
        "[]",
        "[int",
        "[int[]",
        "[x y]",
        "$x = [int",
        "$x = [",
        // A call or dot-source operator with nothing after it.
        "&",
        ".",
        "$x = &",
        "$a | &",
        "& | Sort-Object; 'next'",
        // A here-string's header with more on its line, or without its closer.
        "@'abc'@",
        "$x = @\"x",
        "'a'; @'x",
        "@'",
        "@'\nabc",
        "'x'\n$x = @'\nabc\n",
        // Parameter lists: a declaration or a default missing, a name twice, no ')', two lists.
        "function f($a, $a) {}",
        "param($x, $x)",
        "function f { param($a, [int]$a) }",
        "function f($a) { param($b) }",
        "param(",
        "param($a = )",
        "param([int]$a,)",
        "param($a,,$b)",
        "function foo {param(}",
        "function f(",
        "function f($a,",
        "function f($a = ) {}",
        "filter f($x, $X) { }",
        // ControlLeavingFinally (SemanticChecks).
        "try {} finally { return }",
        "try {} finally { break }",
        "try {} finally { continue }",
        "try {} finally { return 1 }",
        "try {} finally { foreach ($i in 1) { return } }",
        "try {} finally { if ($a) { return } }",
        "try {} catch { return } finally { break }",
        // A variable's name missing, in code and in expandable strings.
        "${} = 1",
        "$x = ${}",
        "\"${}\"",
        "$script: = 1",
        "$global: = 1",
        "$variable: = 1",
        "$env: = 1",
        "$using: = 1",
        "$x = $env:",
        "\"$env:\"",
        "\"Hello $name: how\"",
        "$x = \"a$b:\"",
        "'first'\n\"Drive $d:\\\"",
        // A parenthesized value with nothing in it, after throw, return or exit.
        "throw (",
        "return (",
        "exit (",
        "(",
        // A switch statement's flag it does not know.
        "switch -foo ($x) {}",
        "switch -r -foo ($x) {}",
        "switch -regex -bar ($x) { 1 {} }",
        // A pipe with no command before it (5.1: also at a line's start), a parameter's ':' with no argument.
        "| Get-Process",
        "'a'; | sort",
        "$x = | sort",
        "(| sort)",
        "{ | x }",
        "Get-Process -Name:",
        "Get-Process -Name: ; 'a'",
        "Get-Process -Name:   | sort",
        // A keyword statement missing a part: just after the last token it read; a token after it, on that token.
        "if; 'a'",
        "if ($x); 'a'",
        "if ($x) 'a'",
        "function f; 'a'",
        "function; 'a'",
        "while; 'a'",
        "while ($x); 'a'",
        "for; 'a'",
        "foreach ($a in $b); 'a'",
        "try; 'a'",
        "try {}; 'a'",
        "try {} catch; 'a'",
        "switch; 'a'",
        "switch ($x); 'a'",
        "if ($x) {} else; 'a'",
        "if ($x) {} elseif; 'a'",
        "do {}; 'a'",
        "do {} while; 'a'",
        "trap; 'a'",
        "if",
        "if ($x",
        "if () { 1 }",
        "if ($x) {} elseif ($y)",
        "function",
        "function f",
        "filter",
        "while",
        "while ($x)",
        "while () {}",
        "for (",
        "for (;;",
        "for (;;) ",
        "foreach ($a in $b)",
        "foreach ($a in $x",
        "try {}",
        "try {} catch",
        "try {} finally",
        "switch",
        "switch (",
        "switch ()",
        "switch (1",
        "switch ($x) { default }",
        "switch ($x) { 1 }",
        "do {} while (",
        "do {} until (",
        "do {} while (1",
        "'first'\nif ($x) {\n  'y'\n} else",
        "'first'\nwhile ($true)\n'body'",
        // A parenthesis left open after an operator or a ',': the missing operand first, just after it.
        "$x = (1,",
        "$x = (1 +",
        "$x = @(1,",
        "$x = (2 -and",
        "$y = $(1 * ",
        "if ($a -eq",
        "while ($i -lt",
        "if ($x) { 1 } elseif ($y +",
        // A command's argument in parentheses, $( ) or @( ) is read as statements too.
        "Write-Output (1 2)",
        "Write-Output $(1 2)",
        "Write-Output @(1 2)",
        "Get-Item -Path ($a $b)",
        // So is a double-quoted string's $( ).
        "\"a $(1 2) b\"",
        "Write-Host \"x $(1 2)\"",
        "$s = \"v: $(3 4)\"",
        // A hash literal's entry without its '=' or its value: just after the key, or after the '='.
        "$h = @{ a = 1; b = }",
        "$h = @{ a }",
        "@{ 'x y' }",
        "$o = [pscustomobject]@{ n = }",
        // A catch of every error must be the last catch.
        "try { 1 } catch { 2 } catch { 3 }",
        "try { 1 }\ncatch { 2 }\ncatch [IO.IOException] { 3 }",
        // A ';' stands only after a class's property: after a method's block or at the body's start it ends the body.
        "class P { P() { }; [int]$b }",
        "class P { [int] F() { return 1 }; [int]$b }",
        "class P {\n  [int] F() { return 1 }\n  ;\n}",
        "class P { ; [int]$b }",
        // A command's argument, or a cast's operand, in a parenthesis left open: the same.
        "f(1,",
        "f (1,",
        "Get-Item (1,",
        "Write-Output -x (1 +",
        "$x = [int](1 -",
        "$x = [string[]](1,",
        "$a -eq (1 +",
        "Get-Item -Path (Join-Path 'a'",
        // A '$' that starts no name, where a value is to come.
        "[int]$ = 5",
        // A value followed by a parenthesis after a blank: no method call (the '(' is the unexpected token).
        "$x.Foo (1)",
        "$s.Replace ('a', 'b')",
        "$r = $x.Trim ()",
        "$y = $list[0] (1)",
        "$y = $list[0] (",
        "$x.Foo (1,",
        "(1) (2)",
        "if ($x (1)) { }",
        // A catch's or trap's type literal: no name, or no ']'.
        "try { } catch [Exception { }",
        "try { } catch [ { }",
        "try { } catch [] { }",
        "try { } catch [Exception",
        "trap [Exception { }",
        "try { } catch [System.IO.IOException], [Exception { }",
        // ExpectedExpression: parentheses with nothing but blanks or comments in them, as an operand or an argument.
        "$x = ()",
        "$x = ( )",
        "(())",
        "if (()) { }",
        "Write-Output ()",
        "Write-Output()",
        "Write-Output (1) ()",
        "foreach ($x in ()) { }",
        "'a' -join ()",
        "& ()",
        "Write-Output ( <# c #> )",
        "$a = @{ k = () }",
        "return ()",
        "1 + ()",
        "$x = [int]()",
        "$x = -not ()",
        "\"a$(())b\"",
        "$x = (1), ()",
        "$x = (  # c",
        // A type definition without its name, or an enum member's value missing after its '='.
        "class { }",
        "enum { A }",
        "class 1x { }",
        "'a'; class",
        "enum E { A = }",
        // A pipe after a keyword statement: a pipeline with nothing before it.
        "foreach ($i in 1..3) { $i } | Out-Null",
        "if ($true) { 1 } | Out-Null",
        "while ($false) { }|Out-Null",
        "try { 1 } catch { } | Out-Null",
        "switch (1) { 1 { 2 } } | Out-Null",
        "function f { } | Out-Null",
        // A string's $( ) ends at the ')' that balances its parentheses, whatever quotes they are in.
        "$a = 'x(y'; \"$($a.Replace('(', '['))\"",
        "\"$('(')\"",
        "\"a $(')') b\"",
        "\"$(\"(\")\"",
        "\"$(\")\")\"",
        // A number whose dot a letter follows is one word, a command's name: its '()' is an empty argument.
        "1.GetType()",
        "$x = 1.GetType()",
        "2147483648.GetType().Name",
        // ... and after a binary operator no value: the operator's ExpectedValueExpression.
        "1..3.Count",
        "$x = 1 + 2.Foo",
        "'first'; $y = 2 * 3.Length",
    ];

    // Scripts PowerShell's parser takes, which the emulator must not refuse.
    private static readonly string[] Accepted =
    [
        "1e3.GetType().Name",
        "$x = 1 + 1.e3; 2 * 3.kb; 1 + 1.5; $x = 1.GetType",
        "\"$( \"(\" + \")\" )\"; \"x $(1+(2)) y\"; \"$(Get-Date -f \"yyyy(MM)\")\"; \"a `$( b\"; '$(' + \"(\"",
        "[System.Collections.Generic.List[System.Collections.Generic.List[int]]]::new().Count; [Collections.Generic.Dictionary[string,string[]]]::new()",
        "0x10.ToString()",
        "1kb.ToString(); 1.5.ToString(); 10L.GetType().Name; 1d.GetType().Name",
        "function f() { 1 }; f",
        "[CmdletBinding()] param()",
        "@(); $(); Write-Output @()",
        "($a) = 1; $a",
        "$a = $b = 1; $a + $b",
        "[int][string]$a = 1; $a",
        "$a = 1,,2; $a.Count",
        "1, ,2",
        ",,1",
        "$h = @{}; $h.a = 1; $h['b'] = 2; $h.Count",
        "$true = 1",
        "if ($a = 1) { $a }",
        "$a = ,1",
        "Write-Output = 1",
        "$x = 'a=b'; $x",
        "$x = 1 # a = b",
        "1..3 | ForEach-Object { $s = $_ }",
        "[ValidateNotNull()]$v = 1; $v",
        "$env:PSRPEMU_TEST = 'x'",
        "$script:n = 0; $script:n += 2; $script:n",
        "$list = [System.Collections.ArrayList]::new(); [void]$list.Add(1); $list.Count",
        "$a = 1; $a 2>&1",
        "$a = 'x'; $a *> $null",
        "$x = 'abc' -replace 'a', 'b'; $x",
        "[int] 5",
        "[int] '5' + 1",
        "$h = @{ a = 1 }; $h.a",
        "$s = 'x'; $s.Length; $s.ToUpper() | Out-Null",
        "$l = [System.Collections.Generic.List[string]]::new(); $l.Count",
        "[System.Collections.Generic.Dictionary[string, int]]::new().Count",
        "[string[]]$names = 'a', 'b'; $names[1]",
        "$a = @(1, 2); $a[-1]; $a[0..1]",
        "$e = $env:PATH; $e.Length -gt 0",
        "[CmdletBinding()] param($p = 1) $p",
        "@\"\nhere\n\"@",
        "$m = @'\nline\n'@; $m",
        "\"Hello ${name}: how\"",
        "\"Hello `$name: how\"",
        "'Hello $name: how'",
        "# $name: comment",
        "\"$env:PATH;x\".Length -gt 0",
        "\"$a::b\"",
        "try {} finally { exit }",
        "try {} finally { foreach ($i in 1) { break } }",
        "try {} finally { function g { return } }",
        "try {} finally { & { return } }",
        "try {} finally { switch (1) { 1 { break } } }",
        "switch -reg ('abc') { '^a' { 're' } }",
        "switch -w ('abc') { 'a*' { 'wild' } }",
        "switch -c ('A') { 'a' { 'ci' } default { 'cs' } }",
        "function f($a, $b = 2) { $a + $b }; f 1",
        "param($a, [int]$b = 1, [switch]$c)",
        "function f { [CmdletBinding()] param([Parameter(Mandatory = $false)][string]$Name = 'x') $Name }; f",
        // A statement may follow a block statement's '}' on its line.
        "if ($x) { 1 } 2",
        "function f { } x",
        "foreach ($a in $b) { } 'x'",
        "try { } finally { } 'x'",
        "if ($x) { exit 0 } 'after'",
        "try { 1 } catch [Exception] { 2 } catch { 3 }",
        "try { 1 } catch [System.IO.IOException], [ System.UnauthorizedAccessException ] { 2 }",
        "try { 1 } catch [System.Collections.Generic.KeyNotFoundException] { 2 }",
        "Write-Output (1 + 2) $(Get-Date; 'x') @(1, 2) ('a b')",
        "\"ok $(1 + 2) `$(1 2) $(\"in $(3)\")\"",
        "Get-Item -Path (Join-Path C:\\ 'x') -ErrorAction SilentlyContinue",
        "class P { [int]$a;; [int]$b = 3 }; [P]::new().b",
        "class P { [hashtable]$h = @{ a = 1 }; [int]$b = 2 }; [P]::new().b",
        "class P { [int] F() { return 1 } [int]$b }",
        "class P {\n  [int]$a\n\n  ;\n}",
        // A '$' at a statement's start that starts no name is a command's name ('$'), its arguments '=' and 5.
        "$ = 5",
        "$ += 1",
        // Properties, elements and parentheses are a multiple assignment's targets too.
        "$arr[0], $arr[2] = $arr[2], $arr[0]",
        "($a, $b) = 1, 2",
        "$a,,$b = 1",
        "Write-Output 1,\n2",
        "'a,', 'b' | Write-Output; Write-Output \"x,\"",
    ];

    [TestCaseSource(nameof(Refused))]
    public async Task A_script_PowerShell_s_parser_refuses_fails_with_its_first_error_at_its_place(string script)
    {
        Parser.ParseInput(script, out _, out var errors);
        Assert.That(errors, Is.Not.Empty, "PowerShell's parser refuses the script");
        var first = errors[0];

        var (outputs, reason) = await RunAsync(script);

        Assert.That(reason, Is.Not.Null, "the pipeline failed");
        Assert.That(outputs, Is.Empty, "nothing of the script ran");
        Assert.That(reason!.FullyQualifiedErrorId, Is.EqualTo(first.ErrorId));
        Assert.That(reason.Category, Is.EqualTo(ErrorCategory.ParserError));
        var lines = reason.Message.Split("\r\n");
        Assert.That(lines[0], Is.EqualTo($"At line:{first.Extent.StartLineNumber} char:{first.Extent.StartColumnNumber}"));
        Assert.That(lines[1], Is.EqualTo("+ " + script.Split('\n')[first.Extent.StartLineNumber - 1].TrimEnd()));
        if (first.Extent.StartLineNumber == first.Extent.EndLineNumber)
        {
            var width = Math.Max(1, first.Extent.EndColumnNumber - first.Extent.StartColumnNumber);
            Assert.That(lines[2], Is.EqualTo("+ " + new string(' ', first.Extent.StartColumnNumber - 1) + new string('~', width)));
        }

        Assert.That(lines[3], Is.EqualTo(first.Message.Split('\n')[0].TrimEnd()));
    }

    [TestCaseSource(nameof(Accepted))]
    public async Task A_script_PowerShell_s_parser_takes_is_no_parse_error(string script)
    {
        Parser.ParseInput(script, out _, out var errors);
        Assert.That(errors, Is.Empty, "PowerShell's parser takes the script");

        var (_, reason) = await RunAsync(script);

        Assert.That(reason?.Category, Is.Not.EqualTo(ErrorCategory.ParserError), reason?.Message);
    }

    // The script's outputs, and the reason the pipeline failed (null when it did not).
    private async Task<(List<string> Outputs, ErrorRecordInfo? Reason)> RunAsync(string script)
    {
        var outputs = new List<string>();
        ErrorRecordInfo? reason = null;
        foreach (var e in await _pool.InvokeAsync(script))
        {
            if (e is OutputEvent output) outputs.Add(output.Value.ToString() ?? string.Empty);
            if (e is StateEvent { State: PSInvocationState.Failed } failed) reason = failed.Reason;
        }

        return (outputs, reason);
    }
}
