using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// The PowerShell language a client's script uses around its commands: if / elseif / else, foreach, break and
/// continue, and expressions with PowerShell's operators, over operands the behaviours evaluate. Expected values are
/// what PowerShell 7.6 prints for the same script.
/// </summary>
public class LanguageStatementTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string text, RunspaceState? runspace = null, BehaviourCatalog? catalog = null)
    {
        var host = new RecordingHost { Runspace = runspace ?? new RunspaceState() };
        var create = new CreatePipeline([new PipelineCommand(text, IsScript: true, [])], NoInput: true);
        var outcome = await (catalog ?? Default).Resolve(create).RunTestAsync(host, new FakeTimeProvider());
        return (host, outcome);
    }

    // The statement writes exactly that error record and the script goes on to its next statement.
    private static async Task AssertOneErrorThenNextAsync(string statement, string id, string message)
    {
        var (host, outcome) = await RunAsync(statement + "; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[] { (id, message) }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    private static async Task<IReadOnlyList<string>> OutputOfAsync(string text)
    {
        var (host, outcome) = await RunAsync(text);
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => $"'{text}' ended {outcome.State}: {outcome.ErrorRecord?.ToDisplayString()}");
        Assert.That(host.Errors, Is.Empty, () => $"'{text}' wrote {string.Join("; ", host.Errors.Select(e => e.Message))}");
        return host.OutputTexts;
    }

    [Test]
    public async Task A_ReadOnly_or_Constant_variable_keeps_its_value_and_an_assignment_is_VariableNotWritable()
    {
        var (host, _) = await RunAsync(
            "New-Variable -Name ro -Value 1 -Option ReadOnly; $ro = 2; \"ro=$ro\"; Set-Variable ro 3 -Force; \"ro=$ro\"; Remove-Variable ro; " +
            "function f { $ro = 9; \"in f: $ro\" }; f; Remove-Variable ro -Force; $ro = 5; \"ro=$ro\"; New-Variable c -Value 1 -Option Constant; Set-Variable c 2 -Force; \"c=$c\"");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "ro=1", "ro=3", "in f: 9", "ro=5", "c=1" }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("VariableNotWritable", "Cannot overwrite variable ro because it is read-only or constant."),
            ("VariableNotRemovable,Microsoft.PowerShell.Commands.RemoveVariableCommand", "Cannot remove variable ro because it is constant or read-only. If the variable is read-only, try the operation again specifying the Force option."),
            ("VariableNotWritable,Microsoft.PowerShell.Commands.SetVariableCommand", "Cannot overwrite variable c because it is read-only or constant."),
        }));
    }

    // Outputs as pwsh 7.6.9 gives them: the tokenizer reads an operator after a dash whatever blanks are around it.
    // A command's name is no operand: Get-Date-eq is the name of a command that does not exist.
    [Test]
    public async Task An_operator_needs_no_blanks_around_it()
    {
        var (host, _) = await RunAsync(
            "$i = 3; $i-eq3; $i -gt2; \"x\"-eq\"x\"; $true-and$false; 'a'-replace'a','b'; $a = 1, 2; $a-contains 2; 'a,b'-split','; $i-1; Get-Date-eq 1");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True", "True", "True", "False", "b", "True", "a", "b", "2" }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.TargetName)), Is.EqualTo(new[] { ("CommandNotFoundException", "Get-Date-eq") }));
    }

    // A "..." string's $( ) is read as PowerShell's tokenizer hands it on: `" and "" are a quote each there (a here-string's
    // code is kept as written). pwsh 7.6.9 writes the same.
    [Test]
    public async Task A_double_quoted_string_s_subexpression_takes_escaped_quotes_for_quotes() =>
        Assert.That(await OutputOfAsync(
            "$x = 'aXb'; \"r: $($x -replace `\"X`\", `\"-`\")\"; $h = @{ k = 1 }; \"n: $($h[`\"k`\"])\"; \"q: $(\"\"inner\"\")\"; \"w: $(`\"x`\" + \"\"y\"\")\"; " +
            "$t = @\"\n$(\"b `\"q`\"\") \"z\" $(\"\"+\"e\")\n\"@; $t"),
            Is.EqualTo(new[] { "r: a-b", "n: 1", "q: inner", "w: xy", "b \"q\" \"z\" e" }));

    // Outputs as pwsh 7.6.9 gives them. GetNewClosure copies the variables of the scope that calls it (the session's at
    // the top level, a function's own inside it: not its callers'); the closure reads those, then the session's as they
    // are now, however it is invoked, and its assignments with & are its own run's.
    [Test]
    public async Task A_closure_reads_the_variables_its_scope_had_when_it_was_made() =>
        Assert.That(await OutputOfAsync(
            "$x = 1; $sb = { \"x=$x\" }.GetNewClosure(); $x = 2; & $sb; . $sb; $sb.Invoke(); Invoke-Command -ScriptBlock $sb; 1, 2 | ForEach-Object $sb; " +
            "function Run([scriptblock]$b) { $x = 99; & $b }; Run $sb; $g = { \"g=$late\" }.GetNewClosure(); $late = 5; & $g; " +
            "function Mk($n) { $loc = 'L'; { param($m) \"n=$n loc=$loc m=$m x=$x\" }.GetNewClosure() }; $c = Mk 7; & $c 9; " +
            "function Outer { $o = 'O'; & { $i = 'I'; { \"o=$o i=$i\" }.GetNewClosure() } }; $c2 = Outer; & $c2; " +
            "$cnt = 0; $inc = { $cnt++; \"cnt=$cnt\" }.GetNewClosure(); & $inc; & $inc; $sb.ToString()"),
            Is.EqualTo(new[] { "x=1", "x=1", "x=1", "x=1", "x=1", "x=1", "x=1", "g=5", "n=7 loc=L m=9 x=2", "o= i=I", "cnt=1", "cnt=1", " \"x=$x\" " }));

    // Outputs as pwsh 7.6.9 gives them: a Private variable is its scope's own; & and functions do not see it, a dot-sourced
    // block, ForEach-Object and Where-Object run in the scope and do; a later plain assignment keeps the option.
    [Test]
    public async Task A_private_variable_is_not_seen_from_the_scopes_its_scope_calls() =>
        Assert.That(await OutputOfAsync(
            "$private:y = 2; function g { \"g[$y]\" }; g; $y = 3; g; function k { $private:z = 5; & { \"ch[$z]\" }; . { \"dot[$z]\" }; \"self[$z]\" }; k; " +
            "Set-Variable -Name q -Value 9 -Option Private; function n { \"n[$q]\"; [bool](Get-Variable q -ErrorAction SilentlyContinue) }; n; " +
            "1..2 | ForEach-Object { \"fe[$y]\" } | Where-Object { $y -eq 3 }; function o { $y = 7; & { \"o[$y]\" } }; o; " +
            "(Get-Variable y).Options; New-Variable a -Option ReadOnly, Private -Value 1; (Get-Variable a).Options; [int](Get-Variable a).Options"),
            Is.EqualTo(new[] { "g[]", "g[]", "ch[]", "dot[5]", "self[5]", "n[]", "False", "fe[3]", "fe[3]", "o[7]", "Private", "ReadOnly, Private", "5" }));

    // A function's name is a generic token: dots are part of it, and one of the session's hides a built-in function.
    [Test]
    public async Task A_function_name_may_hold_dots() =>
        Assert.That(await OutputOfAsync("function Invoke-Step.Build { 'built' }; Invoke-Step.Build; function cd.. { 'mine' }; cd.."), Is.EqualTo(new[] { "built", "mine" }));

    [Test]
    public async Task A_function_s_Alias_attribute_names_it_too() =>
        Assert.That(await OutputOfAsync(
            "function Get-Thing { [CmdletBinding()] [Alias('gth', \"thing\")] param([string]$Name = 'x', [Alias('N2')] $Other) \"thing $Name\" }; gth -Name a; thing; (Get-Alias gth).Definition; [bool](Get-Alias N2 -ErrorAction SilentlyContinue)"),
            Is.EqualTo(new[] { "thing a", "thing x", "Get-Thing", "False" }));

    [Test]
    public async Task An_advanced_function_s_ErrorAction_and_WarningAction_are_its_own_preference_variables() =>
        Assert.That(await OutputOfAsync(
            "$ErrorActionPreference = 'Continue'; $WarningPreference = 'Continue'; " +
            "function F { [CmdletBinding()] param() \"$ErrorActionPreference $WarningPreference\" }; F -ErrorAction Stop -WarningAction SilentlyContinue; F -ea 4; F; $ErrorActionPreference"),
            Is.EqualTo(new[] { "Stop SilentlyContinue", "Ignore Continue", "Continue Continue", "Continue" }));

    /// <summary>
    /// An advanced function later in a pipeline has its common parameters as when it runs first: its -ErrorAction and
    /// -WarningAction govern what it writes and are its preference variables (<c>1 | F -ErrorAction Stop</c> makes its
    /// Write-Error terminating); a simple function there still takes them as its $args.
    /// </summary>
    [Test]
    public async Task An_advanced_function_as_a_later_pipeline_stage_takes_its_ErrorAction_and_WarningAction()
    {
        var (host, _) = await RunAsync(
            "function F { [CmdletBinding()] param([Parameter(ValueFromPipeline)]$i) process { Write-Error \"e$i\"; Write-Warning \"w$i\"; \"$i $ErrorActionPreference $WarningPreference\" } }; " +
            "1, 2 | F -ErrorAction SilentlyContinue -WarningAction SilentlyContinue; " +
            "try { 3 | F -ErrorAction Stop; 'not caught' } catch { \"caught $_\" }; " +
            "function s { process { Write-Error \"s$_\"; \"args $($args.Count)\" } }; 4 | s -ErrorAction SilentlyContinue; 'end'");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "1 SilentlyContinue SilentlyContinue", "2 SilentlyContinue SilentlyContinue", "caught e3", "args 2", "end" }));
        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { "s4" }));
        Assert.That(host.Records.OfType<WarningRecordMessage>(), Is.Empty);
    }

    /// <summary>
    /// Only an advanced function has the common parameters: a simple one takes <c>-ErrorAction Stop</c> as two more of its
    /// $args, and what it writes is as it would be without them.
    /// </summary>
    [Test]
    public async Task A_simple_function_takes_common_parameters_as_its_args_and_they_change_nothing()
    {
        var (host, _) = await RunAsync(
            "function f { $args.Count; $args }; f -ErrorAction Stop; function g { param($a) \"a=$a\"; $args }; g 1 -ea SilentlyContinue; " +
            "function hh { Write-Error 'shown' }; hh -ErrorAction SilentlyContinue; try { hh -ErrorAction Stop; 'not caught' } catch { 'caught' }; " +
            "function adv { [CmdletBinding()] param() Write-Error 'hidden' }; adv -ErrorAction SilentlyContinue; 'end'");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "2", "-ErrorAction", "Stop", "a=1", "-ea", "SilentlyContinue", "not caught", "end" }));
        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { "shown", "shown" }));
    }

    /// <summary>
    /// Windows PowerShell 5.1's keywords the emulator does not run (using, DSC configurations) are said
    /// to be so, not reported as a command Windows would not find.
    /// </summary>
    [TestCase("using module MyTools", "'using module'")]
    [TestCase("Configuration Web { Node localhost { } }", "A DSC configuration")]
    public async Task A_language_keyword_the_emulator_does_not_run_is_a_scenario_error_saying_so(string statement, string what)
    {
        await AssertOneErrorThenNextAsync(statement, "PsrpEmulator.ScenarioError", what + " is PowerShell the emulator does not run: give the script a rule (match: its whole text)");
    }

    /// <summary>
    /// PowerShell looks a pipeline's commands up left to right and names the first it cannot find; an expression
    /// first (<c>"a" | ...</c>) is no command, and a command a rule answers is found.
    /// </summary>
    [TestCase("'a' | Out-Frob C:\\x.txt", "Out-Frob")]
    [TestCase("Get-Service Spooler | Start-Frob", "Start-Frob")]
    [TestCase("1..3 | Get-Foo | Out-Null", "Get-Foo")]
    [TestCase("Get-Foo | Get-Bar", "Get-Foo")]
    public async Task An_unknown_command_in_a_pipeline_is_the_first_one_PowerShell_cannot_find(string pipeline, string unknown)
    {
        var message = $"The term '{unknown}' is not recognized as the name of a cmdlet, function, script file, or operable program. " +
            "Check the spelling of the name, or if a path was included, verify that the path is correct and try again.";
        await AssertOneErrorThenNextAsync(pipeline, "CommandNotFoundException", message);

        // The pipeline alone is the whole script: the same error, and the script completes.
        var (host, outcome) = await RunAsync(pipeline);
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { message }));
    }

    /// <summary>
    /// A command Windows has (a cmdlet of its modules, an alias, a program of System32) that no rule answers is one the
    /// emulator does not emulate: a scenario error names it, where "not recognized" would send the user looking for a
    /// missing module. Found as PowerShell finds a pipeline's first unknown command.
    /// </summary>
    [TestCase("Get-AuthenticodeSignature C:\\x", "Get-AuthenticodeSignature")]
    [TestCase("'a' | Out-Printer", "Out-Printer")]
    [TestCase("Get-Process -Id 4 | Debug-Process", "Debug-Process")]
    // A cmdlet the emulator runs, fed by a pipeline it does not feed: named, not the expression before it.
    [TestCase("'C:\\newdir' | New-Item -ItemType Directory", "New-Item")]
    [TestCase("Get-CmsMessage -Path C:\\x", "Get-CmsMessage")]
    [TestCase("netstat -s", "netstat")]
    [TestCase("Get-Service | Format-Custom", "Format-Custom")]
    public async Task A_command_Windows_has_that_no_rule_answers_is_a_scenario_error_naming_it(string pipeline, string command) =>
        await AssertOneErrorThenNextAsync(pipeline, "PsrpEmulator.ScenarioError",
            $"{command} is a command Windows has that the emulator does not emulate as written: give the command a rule (match: its whole text)");

    // A PSCustomObject or a Hashtable equals only itself; a labelled loop may open the script; "|&{ }" is the call
    // operator and a block; [string]::Format with a culture first.
    [TestCase("$a = [pscustomobject]@{ x = 1 }; $b = [pscustomobject]@{ x = 1 }; $a -eq $b; $c = $a; $c -eq $a; @($a, $b) -contains $b; @{} -eq @{}", "False|True|True|False")]
    [TestCase(":outer foreach ($a in 1..3) { foreach ($b in 1..3) { if ($b -eq 2) { continue outer }; \"$a$b\" } }", "11|21|31")]
    [TestCase("1..2 |&{ process { $_ * 2 } }; [string]::Format([cultureinfo]::InvariantCulture, '{0:N2} {1}', 1234.5, 'x')", "2|4|1,234.50 x")]
    public async Task Reference_equality_labelled_first_loops_glued_call_blocks_and_culture_formats(string script, string expected)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    // The enums scripts name most, and [enum]'s static methods over them.
    [TestCase("[DayOfWeek]::Monday; (Get-Date '2026-01-04').DayOfWeek -eq [DayOfWeek]::Sunday; [int][DayOfWeek]::Friday; [DayOfWeek].IsEnum", "Monday|True|5|True")]
    [TestCase("[enum]::GetNames([System.DayOfWeek]) -join ','; [enum]::GetValues([ConsoleColor]).Count; [enum]::Parse([DayOfWeek], 'friday', $true); [enum]::IsDefined([DayOfWeek], 3)", "Sunday,Monday,Tuesday,Wednesday,Thursday,Friday,Saturday|16|Friday|True")]
    [TestCase("Set-Content C:\\h.txt x; (Get-Item C:\\h.txt).Attributes -band [IO.FileAttributes]::Archive; [ConsoleColor]'Red' -as [int]; try { [enum]::Parse([DayOfWeek], 'friday') } catch { $_.FullyQualifiedErrorId }", "Archive|12|ArgumentException")]
    public async Task Enums_by_type_literal_and_enum_s_static_methods(string script, string expected)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    // Static members scripts use for checks: NaN, [char]'s classes, [string]::Compare in Windows' order, Convert's own rules.
    [TestCase("[double]::IsNaN([double]::NaN); [char]::IsDigit('5'); [char]::IsDigit('a5', 1); [char]::IsLetter([char]'x'); [char]::ToUpper([char]'q')", "True|True|True|True|Q")]
    [TestCase("$d = [datetime]::MinValue; [datetime]::TryParseExact('2026-03-04', 'yyyy-MM-dd', $null, [System.Globalization.DateTimeStyles]::None, [ref]$d); $d.Month; [datetime]::TryParseExact('nope', 'yyyy-MM-dd', [cultureinfo]::InvariantCulture, 'None', [ref]$d); $d.Year; " +
        "[datetime]::FromFileTime(133000000000000000).ToString('u'); [datetime]::FromFileTimeUtc(0).Year", "True|3|False|1|2022-06-18 04:26:40Z|1601")]
    [TestCase("(New-Object System.ArgumentException 'bad arg', 'p1').ParamName; $e = New-Object System.Exception 'outer', (New-Object System.Exception 'inner'); $e.InnerException.Message; $e.GetBaseException().Message; (New-Object Exception).Message",
        "p1|inner|inner|Exception of type 'System.Exception' was thrown.")]
    [TestCase("'Ab'.ToLower([cultureinfo]::InvariantCulture); 'ab'.ToUpper([cultureinfo]'en-US')", "ab|AB")]
    [TestCase("[string]::Compare('a', 'B'); [string]::Compare('a', 'A'); [string]::Compare('a', 'A', $true); [string]::Compare('b', 'a')", "-1|-1|0|1")]
    [TestCase("[convert]::ToBoolean('true'); [convert]::ToBoolean(0); [convert]::ToInt64('42'); [convert]::ToDouble('2.5'); [convert]::ToByte(255); [convert]::ToString(5); [convert]::ToInt64(2.5); [convert]::ToInt64(3.5)", "True|False|42|2.5|255|5|2|4")]
    public async Task Static_checks_of_numbers_characters_strings_and_Convert(string script, string expected)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    // A method .NET has that the emulator does not emulate is a scenario error, not a MethodNotFound a catch would trust.
    [TestCase("{ 1 }.GetSteppablePipeline()", "[System.Management.Automation.ScriptBlock].GetSteppablePipeline() is not emulated: give the command a rule (match: its whole text)")]
    [TestCase("'x'.Normalize()", "String.Normalize() with 0 argument(s) is not emulated: give the command a rule (match: its whole text)")]
    [TestCase("'x'.Substring(1, 2, 3)", "Cannot find an overload for \"Substring\" and the argument count: \"3\".")]
    [TestCase("[convert]::ToBoolean('yes')", "Exception calling \"ToBoolean\" with \"1\" argument(s): \"String was not recognized as a valid Boolean.\"")]
    [TestCase("[convert]::ToByte(300)", "Exception calling \"ToByte\" with \"1\" argument(s): \"Value was either too large or too small for an unsigned byte.\"")]
    public async Task Convert_s_refusals_are_its_exceptions(string script, string message)
    {
        var (host, _) = await RunAsync(script + "; 'next'");

        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { message }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [TestCase("@{ a = 1; A = 2 }", "Duplicate keys 'A' are not allowed in hash literals.")]
    [TestCase("[pscustomobject]@{ x = 1; 'x' = 2 }", "Duplicate keys 'x' are not allowed in hash literals.")]
    public async Task The_same_literal_key_twice_in_a_hash_literal_is_a_parse_error(string script, string message)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(host.Errors.Concat(outcome.ErrorRecord is null ? [] : [TestErrors.Read(outcome.ErrorRecord)]).Select(e => (e.Message, e.FullyQualifiedErrorId)),
            Has.Member((message, "DuplicateKeyInHashLiteral")));
    }

    /// <summary>Member enumeration of methods: one an array has not is called on each element, the results flattened.</summary>
    [TestCase("('a', 'b').ToUpper()", "A|B")]
    [TestCase("Set-Content C:\\g.txt ' x ', ' y '; (Get-Content C:\\g.txt).Trim()", "x|y")]
    [TestCase("('a,b', 'c').Split(',')", "a|b|c")]
    [TestCase("(Get-ChildItem C:\\Windows\\*.ini).Name.ToUpper() -join ','; (1, 2, 3).Contains(2)", "SYSTEM.INI,WIN.INI|True")]
    public async Task A_method_an_array_has_not_is_called_on_each_element(string script, string expected)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [Test]
    public async Task A_method_neither_the_array_nor_its_elements_have_is_the_array_s_MethodNotFound()
    {
        var (host, _) = await RunAsync("@(1, 2).Frob(); 'next'");

        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { "Method invocation failed because [System.Object[]] does not contain a method named 'Frob'." }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    /// <summary>Piped into the cmdlets that bind it by value: a warning's or an error's message, a date.</summary>
    [Test]
    public async Task Text_and_dates_piped_into_Write_Warning_Write_Error_and_Get_Date_are_bound_by_value()
    {
        var (host, _) = await RunAsync("'careful' | Write-Warning; 'broken' | Write-Error; '2026-03-04' | Get-Date | % Month; Get-Date -Date '2026-05-06' | Get-Date -Format 'yyyy-MM'");

        Assert.That(host.Records.OfType<PsrpEmulator.Protocol.Psrp.WarningRecordMessage>().Select(w => w.Message), Is.EqualTo(new[] { "careful" }));
        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { "broken" }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "3", "2026-05" }));
    }

    /// <summary>PowerShell's WildcardPattern refuses a '[' set that is not closed or is empty; a closed one is a set.</summary>
    [TestCase("'ab' -like 'a[b'", "a[b")]
    [TestCase("'a' -like '[]'", "[]")]
    [TestCase("'x' | Where-Object { $_ -like 'x[' }", "x[")]
    [TestCase("Get-ChildItem 'C:\\[; x -V (y' -ErrorAction SilentlyContinue", "[; x -V (y")]
    public async Task A_wildcard_pattern_with_an_open_or_empty_set_is_PowerShells_WildcardPatternException(string statement, string pattern) =>
        await AssertOneErrorThenNextAsync(statement, "RuntimeException", $"The specified wildcard character pattern is not valid: {pattern}");

    [Test]
    public async Task A_wildcard_set_matches_one_of_its_characters() =>
        Assert.That(await OutputOfAsync("'ab' -like 'a[a-c]'; 'ad' -like 'a[a-c]'"), Is.EqualTo(new[] { "True", "False" }));

    /// <summary>A range the wrong way round matches nothing (WildcardPatternMatcher compares both ends), never a regex error; '-', '^' and '\' are themselves.</summary>
    [Test]
    public async Task A_wildcard_set_with_a_reversed_range_or_regex_characters_matches_as_PowerShell_s_matcher() =>
        Assert.That(await OutputOfAsync("'y' -like '[z-a]'; 'y' -like '[z-ay]'; '-' -like '[a-]'; '^' -like '[^x]'; 'x' -like '[^x]'; '\\' -like '[\\]'; 'done'"),
            Is.EqualTo(new[] { "False", "True", "True", "True", "True", "True", "done" }));

    /// <summary>The Variable: drive in Test-Path, and drive- and scope-qualified names in Set-Variable, as Packer's powershell provisioner writes them.</summary>
    [Test]
    public async Task Variable_drive_paths_and_qualified_names_reach_the_session_s_variables() =>
        Assert.That(await OutputOfAsync(
            "Test-Path variable:global:ProgressPreference; Test-Path variable:nope; $x = 1; Test-Path variable:\\x; Test-Path 'variable:Progress*'; " +
            "Set-Variable -Name variable:global:ProgressPreference -Value 'SilentlyContinue'; $ProgressPreference; Get-Variable -Name global:x -ValueOnly"),
            Is.EqualTo(new[] { "True", "False", "True", "True", "SilentlyContinue", "1" }));

    [Test]
    public async Task A_double_quoted_string_expands_the_last_statement_s_success() =>
        Assert.That(await OutputOfAsync("Get-Item C:\\nope -ErrorAction SilentlyContinue; \"after a failure $?\"; \"then ${x}$?\""), Is.EqualTo(new[] { "after a failure False", "then True" }));

    [TestCase("$p = @{ Name = 'WinRM' }; (Get-Service @p).DisplayName", "Windows Remote Management (WS-Management)")]
    [TestCase("$p = @{ Path = 'C:\\a'; ChildPath = 'b c' }; Join-Path @p", "C:\\a\\b c")]
    [TestCase("function f { param($a, $b, [switch]$s) \"a=$a b=$b s=$s\" }; $h = @{ a = 1; b = 'x y'; s = $true }; f @h; $h.s = $false; f @h", "a=1 b=x y s=True|a=1 b=x y s=False")]
    [TestCase("function g { \"$($args.Count): $args\" }; $l = 1, 'two'; g @l; g @unset", "2: 1 two|0: ")]
    [TestCase("$o = @{ Value = [pscustomobject]@{ N = 5 } }; function hh { param($Value) $Value.N }; hh @o", "5")]
    [TestCase("$p = @{ Name = 'WinRM' }; 'mail a@b.com'; \"x @p\"; Get-Service @p | ForEach-Object Name", "mail a@b.com|x @p|WinRM")]
    public async Task Splatting_writes_a_hashtable_as_named_arguments_and_an_array_as_positional_ones(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [TestCase("$k = 'name'; $h = @{ $k = 1; \"pre$k\" = 2; ($k + 'x') = 3; plain = 4; 'lit$k' = 5; 7 = 6 }; $h.Keys -join ','; $h.name; $h[7]", "name,prename,namex,plain,lit$k,7|1|6")]
    [TestCase("$col = 'Size'; $o = [pscustomobject]@{ $col = 10; \"$($col)Unit\" = 'MB' }; $o.Size; $o.SizeUnit; $o.PSObject.Properties.Name -join ','", "10|MB|Size,SizeUnit")]
    [TestCase("$n = 3; ([ordered]@{ $n = 'three'; ('k' + $n) = 'x' }).Keys -join ','", "3,k3")]
    public async Task A_hash_literal_key_written_as_an_expression_is_its_value(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [TestCase("$PSDefaultParameterValues.GetType().FullName; $PSDefaultParameterValues.Count; $PSDefaultParameterValues['Out-File:Encoding'] = 'utf8'; $PSDefaultParameterValues['Out-File:Encoding']; $PSDefaultParameterValues.Keys -join ','",
        "System.Management.Automation.DefaultParameterDictionary|0|utf8|Out-File:Encoding")]
    public async Task PSDefaultParameterValues_is_the_sessions_table_of_defaults(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [TestCase("1..3 | ForEach-Object { $PSItem * 3 }", "3|6|9")]
    [TestCase("switch (1, 2) { 1 { \"one $PSItem\" } default { \"d $PSItem\" } }", "one 1|d 2")]
    [TestCase("try { throw 'x' } catch { \"$PSItem\" }; 'a', 'b' | Where-Object { $PSItem -eq 'b' }", "x|b")]
    public async Task PSItem_is_the_current_object_wherever_the_underscore_variable_is(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [TestCase("function Get-Names { [CmdletBinding()] [OutputType([string[]])] param([string]$Prefix) 1..2 | % { \"$Prefix-$_\" } }; Get-Names -Prefix X", "X-1|X-2")]
    [TestCase("function F { [OutputType([System.Collections.Generic.List[string]])] param($a) \"a=$a\" }; F 5", "a=5")]
    public async Task A_param_block_follows_attributes_naming_array_and_generic_types(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [TestCase("$x = ,1; $x.Count; $x[0]", "1|1")]
    [TestCase(",(1,2) | % { $_.Count }", "2")]
    [TestCase("function f { return ,@(1,2,3) }; $r = f; $r.Count; $r.GetType().FullName", "3|System.Object[]")]
    [TestCase("@(,@(1,2)).Count; $a = ,(1,2), 3; $a.Count; $a[0].Count", "1|2|1")]
    // A comma where an element would start is the next element's unary comma (pwsh 7.6: 1,,2 is two items, the second an array).
    [TestCase("$a = 1,,2; $a.Count; $a[1].GetType().Name; $a[1].Count; (,,1)[0][0][0]", "2|Object[]|1|1")]
    public async Task The_unary_comma_makes_an_array_of_one_item(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    // pwsh 7.6 side by side: a decimal on either side makes the operation decimal's, exact (no double in between).
    [TestCase("[decimal]1 / 3", "0.3333333333333333333333333333")]
    [TestCase("([decimal]1 + 1).GetType().Name; ([decimal]2.5 * 2.0).GetType().Name; ([decimal]1 + '2').GetType().Name", "Decimal|Decimal|Decimal")]
    [TestCase("[decimal]0.1 + [decimal]0.2; [decimal]1 - 0.1; $x = 7d; $x % 2", "0.3|0.9|1")]
    [TestCase("1.5d * 2; (2d).GetType().Name; 1d / 3; 1.5dkb", "3.0|Decimal|0.3333333333333333333333333333|1536.0")]
    [TestCase("(1l).GetType().Name; 1lkb; (0x1d).GetType().Name; 0x1d", "Int64|1024|Int32|29")]
    public async Task Decimal_operands_and_number_suffixes_are_PowerShell_s(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    // Alone in a script, an element's or a property's step or assignment on $null is its runtime error (pwsh 7.6's
    // texts), not a command named $a[0]++.
    [TestCase("$a[0]++", "NullArray", "Cannot index into a null array.")]
    [TestCase("$a.b += 1", "PropertyNotFound", "The property 'b' cannot be found on this object. Verify that the property exists and can be set.")]
    [TestCase("++$a.b", "PropertyNotFound", "The property 'b' cannot be found on this object. Verify that the property exists and can be set.")]
    public async Task An_element_or_property_step_alone_in_a_script_is_its_runtime_error(string script, string id, string message)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[] { (id, message) }));
    }

    // Each variable of a multiple assignment may have its type constraint (pwsh 7.6: 3, Int32; String twice; 2,3).
    [TestCase("[int]$a, [int]$b = '1', '2'; $a + $b; $a.GetType().Name", "3|Int32")]
    [TestCase("$a, [string]$b = 1, 2; $b.GetType().Name; $b = 5; $b.GetType().Name", "String|String")]
    [TestCase("[int]$a, $b = 1, 2, 3; $b -join ','", "2,3")]
    public async Task A_multiple_assignment_s_variables_take_their_type_constraints(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    // Properties and elements are targets too, the right side worked out first (pwsh 7.6.9: the swap idiom).
    [TestCase("$arr = 1,2,3; $arr[0], $arr[2] = $arr[2], $arr[0]; $arr -join ','", "3,2,1")]
    [TestCase("$o = [pscustomobject]@{b=0}; $o.b, $c = 1, 2; \"$($o.b) $c\"", "1 2")]
    [TestCase("$h = @{}; $h['k'], $x = 1, 2; \"$($h['k']) $x\"", "1 2")]
    [TestCase("($a, $b) = 1, 2; \"$a $b\"", "1 2")]
    [TestCase("$h = @{}; $h.k, $h.m = 5; $h.Count; $null -eq $h.m", "2|True")]
    public async Task A_multiple_assignment_assigns_properties_and_elements(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [Test]
    public async Task A_multiple_assignment_whose_target_fails_stops_there()
    {
        var (host, _) = await RunAsync("$c = 0; $a.b, $c = 1, 2; \"c=$c\"");

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "PropertyNotFound" }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "c=0" }));
    }

    // The operators' own rules for $_ in ForEach-Object's block: a string repeats and concatenates (pwsh 7.6: aa, a1).
    [TestCase("'a','b' | % { $_ * 2 }; 'a' | % { $_ + 1 }; 1,2 | % { $_ - 1 }; 3 | % { $_ * 2 }", "aa|bb|a1|0|1|6")]
    public async Task An_operator_on_the_current_object_is_the_operator_s_for_its_type(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [TestCase("$l = @([pscustomobject]@{ a = 1, 2 }, [pscustomobject]@{ a = 3 }, [pscustomobject]@{ b = 4 }); $l.a -join ','; $l.a.Count", "1,2,3|3")]
    [TestCase("$l = @([pscustomobject]@{ a = 1 }, [pscustomobject]@{ b = 2 }); $l.a.GetType().Name; $l.a", "Int32|1")]
    [TestCase("$null -eq @().x; $null -eq @(1, 2).Foo; $x = @([pscustomobject]@{ b = 1 }).a; $null -eq $x", "True|True|True")]
    [TestCase("$l = @([pscustomobject]@{ a = $null }, [pscustomobject]@{ a = 1 }, [pscustomobject]@{ b = 2 }); $l.a.Count; $null -eq $l.a[0]", "2|True")]
    [TestCase("@(@{ k = 1 }, @{ k = $null }, @{ j = 3 }).k.Count", "2")]
    public async Task Member_enumeration_gives_each_items_value_and_a_collections_elements_one_by_one(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [TestCase("$o = [pscustomobject]@{ a = 1 }; $o.Count; $o.Length; (Get-Item C:\\Windows).Count", "1|1|1")]
    [TestCase("$o = [pscustomobject]@{ Count = 5; Length = 'x' }; $o.Count; $o.Length", "5|x")]
    [TestCase("$n = $null; $n.Count; 'abc'.Length", "0|3")]
    public async Task A_single_objects_intrinsic_Count_and_Length_are_one_unless_it_has_such_a_property(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [TestCase("function f { param([switch]$s, $p) \"s=$s p=$p\" }; f -s; f -s:$true; f -s:$false; f; f -s x", "s=True p=|s=True p=|s=False p=|s=False p=|s=True p=x")]
    [TestCase("function f { param([switch]$Force) if ($Force) { 'forced' } else { 'asked' } }; f; f -Force", "asked|forced")]
    public async Task A_switch_parameter_takes_no_value_word_and_is_false_when_absent(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [TestCase("$h = @\"\nline1 \"q\" $x\nline2 $(1 + 1)\n\"@; $h", "line1 \"q\" X\nline2 2")]
    [TestCase("$h = @\"\r\nwindows\r\nlines\r\n\"@\r\n$h.Length", "14")]
    [TestCase("$l = @'\nit's $x \"as is\"\n'@\n$l", "it's $x \"as is\"")]
    [TestCase("@\"\n\"@.Length; @'\nA\n'@ + @'\nB\n'@", "0|AB")]
    [TestCase("'it''s'; $s = 'don''t'; $s.Length; 'a''' + 'b'", "it's|5|a'b")]
    public async Task Here_strings_and_doubled_quotes_are_the_strings_they_write(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync("$x = 'X'; " + script)), Is.EqualTo(expected));

    // ParserOps.SplitWithPredicate: $_ each character, $args the text and the index; a count keeps the rest whole.
    [TestCase("'1,2;3' -split { $_ -eq ',' -or $_ -eq ';' }", "1|2|3")]
    [TestCase("'a,b,c' -split { $_ -eq ',' }, 2", "a|b,c")]
    [TestCase("'a,b,' -split { $PSItem -eq ',' }", "a|b|")]
    [TestCase("'abc' -split { param($s, $i) $i -eq 1 }", "a|c")]
    [TestCase("'a1b', 'c2d' -split { $_ -match '\\d' } | % { \"[$_]\" }", "[a]|[b]|[c]|[d]")]
    [TestCase("'abc' -split { $true }, 1", "abc")]
    public async Task Split_with_a_script_block_splits_where_it_is_true(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [Test]
    public async Task Split_with_a_script_block_and_options_is_PowerShell_s_error_for_the_statement()
    {
        var (host, outcome) = await RunAsync("'a,b' -split { $_ -eq ',' }, 0, 'SimpleMatch'; 'after'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[] { ("Options are not allowed on the -split operator with a predicate.", "InvalidSplitOptionWithPredicate") }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
    }

    [TestCase("[int]$x = 5; $x = '7'; $x.GetType().Name; $x += 1.6; $x", "Int32|9")]
    [TestCase("[string]$s = 5; $s = 6; $s.GetType().Name; [int]$y = $null; $y", "String|0")]
    [TestCase("function f { [int]$n = 1; $n = '2'; $n.GetType().Name }; f; $n = 'x'; $n", "Int32|x")]
    [TestCase("[int]$i = 0; foreach ($i in '1', '2') { $i.GetType().Name }", "Int32|Int32")]
    [TestCase("[int]$x = 5; [string]$x = 6; $x = 7; $x.GetType().Name", "String")]
    [TestCase("[System.Collections.Generic.List[int]]$l = 1,2,3; $l.Count; $l[1]; $l.Add('7'); $l[-1].GetType().Name", "3|2|Int32")]
    [TestCase("[Collections.Generic.List[string]]$q = 'x'; $q.Count; $q = 5, 6; $q[0].GetType().Name", "1|String")]
    [TestCase("function f([Collections.Generic.List[string]]$l) { $l = 5, 6; $l[0].GetType().Name }; f 'a'", "String")]
    [TestCase("$a = [Collections.Generic.List[int]]::new(); [Collections.Generic.List[int]]$b = $a; $b.Add('4'); $a.Count; $a[0].GetType().Name", "1|Int32")]
    [TestCase("[Collections.Generic.Dictionary[string,int]]$d = [Collections.Generic.Dictionary[string,int]]::new(); $d.Add('a', '5'); $d['a'].GetType().Name", "Int32")]
    [TestCase("[bool[]]$b = 1, 0, 'x'; $b -join ','; $b.GetType().FullName; [decimal[]]$d = '1.5', 2; $d[0].GetType().Name", "True,False,True|System.Boolean[]|Decimal")]
    [TestCase("[int[]]::new(2) -join ','; ([string[]]::new(2)).Count; $null -eq ([string[]]::new(1))[0]; [byte[]]::new(3) -join ''; [bool[]]::new(1); ([decimal[]]::new(1))[0].GetType().Name", "0,0|2|True|000|False|Decimal")]
    public async Task A_typed_variable_converts_every_later_assignment_to_its_type(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [Test]
    public async Task A_value_a_typed_variable_cannot_take_is_a_MetadataError_and_the_variable_keeps_its_value()
    {
        var (host, outcome) = await RunAsync("[int]$x = 5; $x = 'abc'; $x");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        var error = host.Errors.Single();
        Assert.That((error.Message, error.FullyQualifiedErrorId, error.Category),
            Is.EqualTo(("Cannot convert value \"abc\" to type \"System.Int32\". Error: \"Input string was not in a correct format.\"", "RuntimeException", ErrorCategory.MetadataError)));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "5" }));
    }

    [TestCase("$n = 'WinRM'; (Get-Service -Name $n).DisplayName", "Windows Remote Management (WS-Management)")]
    [TestCase("$s = Get-Service WinRM; Get-Service -Name $s.Name | ForEach-Object DisplayName", "Windows Remote Management (WS-Management)")]
    [TestCase("foreach ($x in 'WinRM', 'Spooler') { (Get-Service $x).Status.ToString() }", "Running|Stopped")]
    [TestCase("$p = 'Win*'; Get-Service $p | ForEach-Object Name", "WinDefend|WinHttpAutoProxySvc|Winmgmt|WinRM")]
    public async Task A_commands_variable_arguments_are_bound_to_their_values_before_the_rules_match(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [Test]
    public async Task A_rule_for_the_literal_arguments_answers_the_command_written_with_variables()
    {
        var catalog = BehaviourCatalog.Combine(BehaviourCatalog.Parse("""
            behaviours:
              - match: Set-Thing -Value 'a b' -Count 2 -Flag:$true
                steps:
                  - output: matched
            """), Default);

        var (host, outcome) = await RunAsync("$v = 'a b'; $n = 2; $f = $true; Set-Thing -Value $v -Count $n -Flag:$f; Set-Thing -Value \"$v\" -Count 2 -Flag:$true", catalog: catalog);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "matched", "matched" }));
    }

    [TestCase("trap { \"trapped: $_\"; continue }; 'a'; throw 'boom'; 'b'", "a|trapped: boom|b", 0)]
    [TestCase("trap { \"trapped: $_\" }; 'a'; throw 'boom'; 'b'", "a|trapped: boom|b", 1)]
    [TestCase("'a'; throw 'boom'; 'b'; trap { 'late trap'; continue }", "a|late trap|b", 0)]
    [TestCase("trap [DivideByZeroException] { 'div'; continue }; trap { 'other'; continue }; 1/0; throw 'x'; 'end'", "div|other|end", 0)]
    [TestCase("trap { 't'; continue }; Get-Nothing; 'after'", "t|after", 0)]
    [TestCase("function f { trap { 'in f'; continue }; throw 'e'; 'f goes on' }; f; 'out'", "in f|f goes on|out", 0)]
    [TestCase("trap { 'stop'; continue }; Write-Error 'not trapped'; 'next'", "next", 1)]
    public async Task A_trap_takes_its_scopes_terminating_errors_as_PowerShell_runs_it(string script, string expected, int errorsWritten)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
        Assert.That(host.Errors, Has.Count.EqualTo(errorsWritten), "continue swallows the error; without it the error is written; a non-terminating one is not trapped");
    }

    [Test]
    public async Task A_here_string_without_its_closer_is_the_parsers_error_and_nothing_runs()
    {
        var (host, outcome) = await RunAsync("'first'; $h = @\"\nnever closed\n'alive'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That((outcome.OutcomeError().FullyQualifiedErrorId, outcome.OutcomeError().Message), Is.EqualTo(("TerminatorExpectedAtEndOfString",
            "At line:1 char:15\r\n+ 'first'; $h = @\"\r\n+               ~~\r\nThe string is missing the terminator: \"@.")));
        Assert.That(host.OutputTexts, Is.Empty);
    }

    [Test]
    public async Task Break_in_a_trap_ends_the_script_with_the_error()
    {
        var (host, outcome) = await RunAsync("trap { 'trapped'; break }; 'a'; throw 'boom'; 'b'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(outcome.OutcomeError().Message, Is.EqualTo("boom"));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "a", "trapped" }));
    }

    [TestCase("$l = [System.Collections.ArrayList]::new(); [void]$l.Add($l); Get-Nothing $l; 'alive'")]
    [TestCase("[datetime]'0001-01-01' - (New-TimeSpan -Days 1); 'alive'")]
    [TestCase("New-TimeSpan -Days 99999999; 'alive'")]
    [TestCase("(Get-Date).AddTicks(1e300); (Get-Date).AddYears(1e12); 'alive'")]
    public async Task Values_past_their_range_and_self_holding_arguments_are_errors_and_the_script_goes_on(string script)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.OutputTexts, Has.Some.EqualTo("alive").Or.Some.Contains("alive"));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Has.None.EqualTo("EmulatorBehaviourFailed"));
    }

    [TestCase("if ($true) { 'yes' }", "yes")]
    [TestCase("if ($false) { 'yes' }", "")]
    [TestCase("if ($false) { 'yes' } else { 'no' }", "no")]
    [TestCase("$x = 1; if ($x -gt 2) { 'big' } elseif ($x -eq 1) { 'one' } else { 'small' }", "one")]
    [TestCase("$x = 7; if ($x -gt 2) { 'big' } elseif ($x -eq 7) { 'seven' }", "big")]
    [TestCase("if ($null) { 'a' } elseif (0) { 'b' } elseif ('') { 'c' } elseif ('0') { 'd' }", "d")]
    [TestCase("if (1,2) { 'two items' }; if (@()) { 'empty' } else { 'none' }", "two items|none")]
    [TestCase("IF ($TRUE) { 'case' } ELSE { 'insensitive' }", "case")]
    [TestCase("if($true){'tight'}else{'spacing'}", "tight")]
    [TestCase("if ($true) { if ($false) { 'inner' } else { 'nested' } }", "nested")]
    [TestCase("if ($true) { 'a'; 'b' }; 'after'", "a|b|after")]
    public async Task If_runs_the_block_of_the_first_clause_that_holds(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [Test]
    public async Task Else_and_elseif_on_the_lines_after_the_closing_brace_belong_to_the_if()
    {
        var output = await OutputOfAsync("$n = 2\nif ($n -eq 1) {\n  'one'\n}\nelseif ($n -eq 2) {\n  'two'\n}\nelse {\n  'many'\n}\n'done'");

        Assert.That(output, Is.EqualTo(new[] { "two", "done" }));
    }

    [TestCase("foreach ($i in 1..3) { \"n$i\" }", "n1|n2|n3")]
    [TestCase("foreach ($s in 'a', 'b') { $s }", "a|b")]
    [TestCase("$list = 4, 5; foreach ($v in $list) { $v }", "4|5")]
    [TestCase("foreach ($v in $null) { 'never' }; 'done'", "done")]
    [TestCase("foreach ($v in 9) { $v }", "9")]
    [TestCase("foreach ($i in 1..5) { if ($i -eq 2) { continue }; if ($i -eq 4) { break }; $i }; \"after $i\"", "1|3|after 4")]
    [TestCase("foreach ($i in 1..2) { foreach ($j in 'a','b') { \"$i$j\" } }", "1a|1b|2a|2b")]
    [TestCase("foreach ($i in 1..3) { if ($i -ge 2) { break } }; $i", "2")]
    [TestCase("foreach ($i in 3..1) { $i }", "3|2|1")]
    [TestCase("foreach ($i in @(7)) { $i }; foreach ($i in @()) { 'never' }", "7")]
    [TestCase("foreach ($i in $(1; 2)) { $i }", "1|2")]
    public async Task Foreach_runs_its_block_for_each_item_with_the_variable_set(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [TestCase("$i = 0; while ($i -lt 3) { $i; $i++ }", "0|1|2")]
    [TestCase("while ($false) { 'never' }; 'after'", "after")]
    [TestCase("$i = 0; do { $i; $i++ } while ($i -lt 2)", "0|1")]
    [TestCase("$i = 5; do { $i } while ($i -lt 2)", "5")]
    [TestCase("$i = 0; do { $i++ } until ($i -ge 3); $i", "3")]
    [TestCase("for ($i = 0; $i -lt 3; $i++) { \"n$i\" }", "n0|n1|n2")]
    [TestCase("for ($i = 0; $i -lt 5; $i++) { if ($i -eq 1) { continue }; if ($i -eq 3) { break }; $i }; $i", "0|2|3")]
    [TestCase("$n = 0; for (;;) { $n++; if ($n -ge 4) { break } }; $n", "4")]
    [TestCase("$i = 0; while ($true) { $i++; if ($i -gt 100) { break } }; $i", "101")]
    public async Task While_do_and_for_loop_while_their_condition_holds(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [TestCase("$n = 0; [int]::TryParse('5', [ref]$n); $n; $n.GetType().Name", "True|5|Int32")]
    [TestCase("$n = 7; [int]::TryParse('x5', [ref]$n); $n", "False|0")]
    [TestCase("$v = $null; if ([int]::TryParse('42', [ref]$v)) { \"ok $v\" } else { 'bad' }", "ok 42")]
    // The variable where it lives: a caller's, set from the function.
    [TestCase("function f { [int]::TryParse('8', [ref]$outer) | Out-Null }; $outer = 0; f; $outer", "8")]
    [TestCase("$d = $null; [datetime]::TryParse('2026-01-02', [ref]$d); $d.Year; [datetime]::TryParse('no', [ref]$d); $d.Year", "True|2026|False|1")]
    [TestCase("$x = 0.0; [double]::TryParse('2.5', [ref]$x); $x * 2; [long]::TryParse('9', [ref]$x); $x.GetType().Name", "True|5|True|Int64")]
    // An address check's idiom: [ipaddress]::TryParse (a failed one leaves $null), [version] and [bool] likewise.
    [TestCase("$ip = $null; [ipaddress]::TryParse('10.0.0.1', [ref]$ip); $ip.AddressFamily; [ipaddress]::TryParse('not an ip', [ref]$ip); $null -eq $ip", "True|InterNetwork|False|True")]
    [TestCase("$v = $null; [version]::TryParse('1.2.3', [ref]$v); $v.Build; $b = $true; [bool]::TryParse('yes', [ref]$b); $b; [bool]::TryParse('TRUE', [ref]$b); $b", "True|3|False|False|True|True")]
    public async Task TryParse_writes_the_parsed_value_into_the_ref_variable_and_answers_whether_it_parsed(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [TestCase("[datetime]::ParseExact()")]
    [TestCase("[datetime]::Parse()")]
    public async Task A_Parse_without_arguments_is_the_method_s_error_and_the_script_goes_on(string statement)
    {
        var (host, outcome) = await RunAsync(statement + "; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("MethodNotFound"));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [TestCase("$a = 1; $b = $a++; \"$a $b\"", "2 1")]
    [TestCase("$a = 1; $b = ++$a; \"$a $b\"", "2 2")]
    [TestCase("$a = 5; $b = $a--; $c = --$a; \"$a $b $c\"", "3 5 3")]
    public async Task An_assigned_increment_gives_the_value_before_the_step_when_postfix_and_after_it_when_prefix(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    /// <summary>A member named by a quoted string (a name with spaces or parentheses, as the registry's '(default)').</summary>
    [TestCase("$x = [pscustomobject]@{ 'a b' = 1; '(default)' = 'd' }; $x.'a b'; $x.\"(default)\"; ($x).'(default)'.Length", "1|d|1")]
    [TestCase("$x = [pscustomobject]@{ 'a b' = 1 }; $x.'a b' = 5; $x.\"a b\"", "5")]
    [TestCase("$h = @{ 'k' = @{ 'in ner' = 2 } }; $h.'k'.'in ner'", "2")]
    public async Task A_quoted_member_name_reads_and_sets_that_member(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [TestCase("'a','b' | ForEach-Object -MemberName ToUpper", "A|B")]
    [TestCase("'ab', 'c' | % Length", "2|1")]
    [TestCase("[datetime]'2026-01-02' | % ToShortDateString", "1/2/2026")]
    [TestCase("$r = 'a', 'b' | % Frob; $r.Count; $r[0] -eq $null", "2|True")]
    [TestCase("@{ a = 1 }, @{ a = 2 } | % a", "1|2")]
    [TestCase("'a,b' | ForEach-Object Split ','", "a|b")]
    [TestCase("'a-b' | % Replace '-' '+'", "a+b")]
    [TestCase("'abc' | ForEach-Object -MemberName Substring -ArgumentList 1", "bc")]
    public async Task ForEach_Object_of_a_member_name_reads_a_property_or_calls_a_method_with_its_arguments_and_writes_null_for_neither(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    // Write-Output's common parameters bind (pwsh 7.6 side by side); they were objects it wrote. An unknown -name is one.
    [TestCase("Write-Output 1 -OutVariable ov; \"ov=$ov\"; Write-Output 2 -ov ov2 | Out-Null; \"ov2=$ov2\"; echo 3, 4 -ov +ov; \"$ov\"; $ov.GetType().Name", "1|ov=1|ov2=2|3|4|1 3 4|ArrayList")]
    [TestCase("Write-Output d -OutBuffer 5; echo e -ob:2; echo c -foo", "d|e|c|-foo")]
    public async Task Write_Output_binds_its_common_parameters_and_writes_the_rest(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    // ForEach-Object and Where-Object call their blocks without arguments: a param block's parameters take their
    // defaults ($null without one), and $_ is the object (pwsh 7.6 side by side). It was CommandNotFound for 'param'.
    [TestCase("1..2 | ForEach-Object { param($a) \"a=$a;_=$_\" }", "a=;_=1|a=;_=2")]
    [TestCase("$sb = { param($a = 3) \"a=$a;_=$_\" }; 'x', 'y' | ForEach-Object -Process $sb", "a=3;_=x|a=3;_=y")]
    [TestCase("1..3 | Where-Object { param($q) $_ -gt 1 }", "2|3")]
    [TestCase("1, 2 | ForEach-Object -Begin { param($z = 4) \"begin $z\" } -Process { \"p$_\" }", "begin 4|p1|p2")]
    public async Task A_pipeline_block_with_a_param_block_runs_with_its_parameters_defaulted(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [Test]
    public async Task A_do_loop_s_while_may_start_the_line_after_its_block()
    {
        var output = await OutputOfAsync("$i = 0\ndo {\n  $i++\n}\nwhile ($i -lt 3)\n$i");

        Assert.That(output, Is.EqualTo(new[] { "3" }));
    }

    /// <summary>
    /// A parameter's default that is an expression is evaluated when the call starts, in its scope (earlier parameters
    /// seen), typed as the parameter is; given, the argument wins. A named-block function gets its defaults before begin.
    /// </summary>
    [TestCase("function f { param([string]$P = \"$env:COMPUTERNAME\\x\") $P }; f; f -P y", "TESTHOST01\\x|y")]
    [TestCase("function g { param([string[]]$S = @('a', 'b'), [int]$N = 5 * 2, $H = @{ a = 1 }) \"$($S.Count) $($S.GetType().Name) $N $($N.GetType().Name) $($H.a)\" }; g", "2 String[] 10 Int32 1")]
    [TestCase("function hh { param($A = 2, $B = $A * 3, $Y = (Get-Date -Year 2031).Year) \"$B $Y\" }; hh; hh -A 5", "6 2031|15 2031")]
    [TestCase("function k { param([Parameter(ValueFromPipeline)] $In, $Tag = \"<$env:COMPUTERNAME>\") begin { \"begin $Tag\" } process { \"$Tag $In\" } }; 1, 2 | k", "begin <TESTHOST01>|<TESTHOST01> 1|<TESTHOST01> 2")]
    [TestCase("function j { param($Path = (Join-Path 'C:\\Temp' 'app.log')) $Path }; j", "C:\\Temp\\app.log")]
    [TestCase("function m { param([Parameter(ValueFromPipeline)] $In, $Dir = 'C:\\x') begin { $Dir = $Dir + '\\y'; $n = 0 } process { $n++; \"$Dir $In\" } end { \"$n items\" } }; 'a', 'b' | m",
        "C:\\x\\y a|C:\\x\\y b|2 items")]
    public async Task A_parameters_default_expression_is_evaluated_when_the_call_starts(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    /// <summary>
    /// A variable an empty pipeline was assigned to holds AutomationNull: piped on, it is no object (a cleanup that found
    /// nothing removes nothing), where $null piped is one object; @() of it is empty, and it equals $null.
    /// </summary>
    [Test]
    public async Task A_variable_holding_an_empty_pipelines_result_pipes_no_object()
    {
        var output = await OutputOfAsync("$found = Get-ChildItem C:\\Windows -Filter *.none; $found | ForEach-Object { 'it' }; $found | Remove-Item -Recurse -Force; " +
            "@($found).Count; $null -eq $found; $nothing = $null; $nothing | ForEach-Object { 'null is one' }; $none = & { }; ($none | Measure-Object).Count");

        Assert.That(output, Is.EqualTo(new[] { "0", "True", "null is one", "0" }));
    }

    /// <summary>Hashtable + hashtable is a new one with both's entries (+= too); a key both have is .NET's Add error; another right operand PowerShell's.</summary>
    [Test]
    public async Task Adding_hashtables_merges_their_entries()
    {
        var (host, _) = await RunAsync("$defaults = @{ Port = 80; Mode = 'dev' }; $all = $defaults + @{ Name = 'web' }; $all.Count; $all.Name; $defaults.Count; $defaults += @{ Tls = $true }; $defaults.Tls; " +
            "try { @{ a = 1 } + @{ a = 2 } } catch { \"$_\"; $_.FullyQualifiedErrorId }; try { @{ a = 1 } + 5 } catch { \"$_\"; $_.FullyQualifiedErrorId }");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "3", "web", "2", "True", "Item has already been added. Key in dictionary: 'a'  Key being added: 'a'", "System.ArgumentException",
            "A hash table can only be added to another hash table.", "AddHashTableToNonHashTable",
        }));
    }

    [TestCase("([version]'1.2.3.4').ToString(3); ([version]'10.0.17763').ToString(2); $v = [version]'2.1'; $v.ToString(0)", "1.2.3|10.0|")]
    [TestCase("try { ([version]'1.2').ToString(3) } catch { $_.FullyQualifiedErrorId }", "ArgumentException")]
    public async Task A_versions_ToString_of_a_field_count_gives_its_first_fields(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [TestCase("[TimeSpan]::FromSeconds(30).TotalSeconds; [TimeSpan]::FromMinutes(1.5).TotalSeconds; [timespan]::FromHours(2).TotalMinutes; [TimeSpan]::Zero.Ticks; [TimeSpan]::FromMilliseconds(250).TotalMilliseconds", "30|90|120|0|250")]
    [TestCase("(New-Object TimeSpan 0,5,0).TotalSeconds; (New-Object System.TimeSpan 1,2,0,0).TotalHours; ([TimeSpan]::new(0, 0, 45)).Seconds", "300|26|45")]
    [TestCase("$d = New-Object DateTime 2024,1,2; $d.ToString('yyyy-MM-dd'); $d.Kind; (New-Object DateTime 2024,1,2,13,30,0).ToString('HH:mm'); ([datetime]::new(2024, 1, 2) - $d).TotalDays", "2024-01-02|Unspecified|13:30|0")]
    [TestCase("$deadline = (Get-Date).Add([TimeSpan]::FromMinutes(5)); ($deadline - (Get-Date)).TotalMinutes -ge 4.9", "True")]
    public async Task TimeSpans_and_dates_are_made_by_their_factories_and_constructors(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    /// <summary>A retry loop's counter: "$attempt++" on a line of its own, then more lines (it read as one unknown command with them).</summary>
    [Test]
    public async Task An_increment_on_its_own_line_ends_its_statement()
    {
        var output = await OutputOfAsync("$attempt = 0\ndo {\n  $attempt++\n  try { if ($attempt -lt 3) { throw 'busy' }; 'done' } catch { \"retry $attempt\" }\n} while ($attempt -lt 3)\n$n = 5\n$n--\n\"x $n\"");

        Assert.That(output, Is.EqualTo(new[] { "retry 1", "retry 2", "done", "x 4" }));
    }

    [Test]
    public async Task An_endless_while_loop_is_stopped_by_cancellation()
    {
        var host = new RecordingHost { Runspace = new RunspaceState() };
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        var create = new CreatePipeline([new PipelineCommand("while ($true) { }", IsScript: true, [])], NoInput: true);

        var outcome = await Default.Resolve(create).RunTestAsync(host, new FakeTimeProvider(), stop.Token);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Stopped));
    }

    [TestCase("5 -eq 5", "True")]
    [TestCase("5 -eq '5'", "True")]
    [TestCase("'5' -eq 5", "True")]
    [TestCase("'abc' -eq 'ABC'", "True")]
    [TestCase("'abc' -ceq 'ABC'", "False")]
    [TestCase("'abc' -ieq 'ABC'", "True")]
    [TestCase("10 -gt 9", "True")]
    [TestCase("'10' -gt '9'", "False")]
    [TestCase("2 -le 2", "True")]
    [TestCase("'Server01' -like 'server*'", "True")]
    [TestCase("'Server01' -clike 'server*'", "False")]
    [TestCase("'abc' -notlike '*d*'", "True")]
    [TestCase("'Server01' -like 'Server0[1-3]'", "True")]
    [TestCase("'Server01' -match '^s\\w+\\d$'", "True")]
    [TestCase("'abc' -notmatch 'b'", "False")]
    [TestCase("1,2,3 -contains 2", "True")]
    [TestCase("2 -in 1,2,3", "True")]
    [TestCase("4 -notin 1,2,3", "True")]
    [TestCase("1,2,3 -gt 1", "2|3")]
    [TestCase("1,2,3 -eq 5", "")]
    [TestCase("$true -and $false", "False")]
    [TestCase("$true -or $false", "True")]
    [TestCase("$true -xor $true", "False")]
    [TestCase("-not $false", "True")]
    [TestCase("!$true", "False")]
    [TestCase("-not -not -not $true", "False")]
    [TestCase("-not -not 'x'", "True")]
    [TestCase("-not 1 -eq 1", "False")]
    [TestCase("(1 -eq 1) -and (2 -lt 1)", "False")]
    [TestCase("1 -eq 1 -and 2 -eq 2", "True")]
    [TestCase("$null -eq $undefined", "True")]
    [TestCase("$null -lt 0", "True")]
    [TestCase("$true -eq 'yes'", "True")]
    [TestCase("1, 'a', $true", "1|a|True")]
    [TestCase("'{0} has {1} items' -f 'list', 3", "list has 3 items")]
    [TestCase("$a = 1, 2, 3; $a.Count; $a.Length; $null.Count; (5).Count", "3|3|0|1")]
    [TestCase("('a b c' -split ' ').Count; @(1).Count; $(2 + 3).Count", "3|1|1")]
    [TestCase("Write-Output (1 + 2); echo a b; Write-Output -InputObject 7", "3|a|b|7")]
    [TestCase("$s = '  Server01  '; $s.Trim().ToUpper(); $s.Contains('01'); $s.Trim().Substring(0, 6); $s.Trim().Replace('0', 'O')", "SERVER01|True|Server|ServerO1")]
    [TestCase("$t = 'a,b'; $t.Split(',').Count; $t.StartsWith('a'); $t.IndexOf('b'); $t.PadLeft(5)", "2|True|2|  a,b")]
    // The .NET Framework's string overloads (5.1): Split(params char[]) splits at each character, Split() at white space.
    [TestCase("'a--b'.Split('--').Count; 'a b  c'.Split().Count; 'a,b,c'.Split(',', 2)[1]", "3|4|b,c")]
    [TestCase("'a--b'.Split([string[]]'--', 'None').Count; 'a,,b'.Split(',', [StringSplitOptions]::RemoveEmptyEntries) -join '+'", "2|a+b")]
    [TestCase("'x'.PadLeft(3, '-'); 'x'.PadRight(3, '.')", "--x|x..")]
    // A char on the left of + is a one-character string (the binder's String(char, 1)); on the right, or with -, a number.
    [TestCase("[char]'a' + 1; 1 + [char]'b'; 'x' + [char]'c'; [char]'a' + [char]'b'; [char]'b' - [char]'a'", "a1|99|xc|ab|1")]
    [TestCase("'Hello'.StartsWith('he', 'OrdinalIgnoreCase'); 'Hello'.EndsWith('LO', [StringComparison]::CurrentCultureIgnoreCase); 'Hello'.Equals('HELLO', 'OrdinalIgnoreCase')", "True|True|True")]
    [TestCase("'Hello'.IndexOf('L', [StringComparison]::OrdinalIgnoreCase); 'Hello'.IndexOf('l', 3); 'Hello'.LastIndexOf('L', 'OrdinalIgnoreCase'); 'Hello'.LastIndexOf('l', 2)", "2|3|3|2")]
    [TestCase("(3.14159).ToString('F2'); $a = 1, 2; $a.Contains(2); (7).ToString()", "3.14|True|7")]
    [TestCase("if ('Server01-prod' -match '^(?<name>\\w+)-(\\w+)$') { $Matches[1]; $Matches.name; $Matches[0] }", "prod|Server01|Server01-prod")]
    [TestCase("'abc' -match 'x'; $Matches.Count", "False|0")]
    [TestCase("$l = 10, 20, 30; $l[0]; $l[-1]; $l[1, 2]; $l[5]; (1, 2, 3)[1]; @(4, 5)[0]", "10|30|20|30|2|4")]
    [TestCase("$a = 1, 2, 3; \"count: $($a.Count), sum: $(1 + 2), items: $($a) and `$(not) $a\"", "count: 3, sum: 3, items: 1 2 3 and $(not) 1 2 3")]
    [TestCase("Write-Output \"t=$(2 * 3)\"; function f($s) { $s }; f \"x$(1 + 1)\"", "t=6|x2")]
    [TestCase("$n = 2; Write-Output $n ($n * 2) 'x'", "2|4|x")]
    [TestCase("$n = 5; 'n={0:D3}' -f $n", "n=005")]
    [TestCase("'{0}' -f 2 * 3", "222")]
    // Only an object[] (or a string[]) is -f's arguments; another collection is one argument, its type's name (pwsh 7.6.9 alike).
    [TestCase("'{0}-{1}' -f [string[]]('a', 'b'); '{0}' -f [int[]](1, 2); '{0}|{1}' -f ,(1, 2), 'x'; '{0}' -f [System.Collections.ArrayList]@(1)",
        "a-b|System.Int32[]|System.Object[]|x|System.Collections.ArrayList")]
    [TestCase("$l = [System.Collections.Generic.List[int]]::new(); $l.Add(1); '{0}' -f $l; $l.ToString()",
        "System.Collections.Generic.List`1[System.Int32]|System.Collections.Generic.List`1[System.Int32]")]
    [TestCase("'Server01' -replace '\\d+', 'XX'", "ServerXX")]
    [TestCase("'abc' -replace 'B', 'x'; 'abc' -creplace 'B', 'x'", "axc|abc")]
    [TestCase("'a-b' -replace '(\\w)-(\\w)', '$2-$1'", "b-a")]
    [TestCase("'x1', 'y2' -replace '\\d'", "x|y")]
    [TestCase("'a.b.c' -split '\\.'", "a|b|c")]
    [TestCase("'a,b,c' -split ',', 2", "a|b,c")]
    [TestCase("1, 2, 3 -join '-'", "1-2-3")]
    [TestCase("-split ' a  b c '", "a|b|c")]
    [TestCase("-join ('x', 'y')", "xy")]
    [TestCase("$(2 -gt 1)", "True")]
    [TestCase("@('one') -eq 'one'", "one")]
    // A statement after a block statement's closing brace on the same line runs after it (pwsh 7.6's parser: no error).
    [TestCase("if ($true) { 1 } else { 2 } 3; foreach ($i in 4, 5) { $i } 6", "1|3|4|5|6")]
    [TestCase("function F { 'f' } F; try { 'try' } catch { 'no' } 'after'", "f|try|after")]
    // A static member through a variable holding a type ($type = Add-Type -PassThru's, [IO.Path]): as [Type]::Member.
    [TestCase("$t = [System.IO.Path]; $t::GetFileName('C:\\a\\b.txt'); $x = $t::GetExtension('x.y'); $x; \"in $($t::GetFileNameWithoutExtension('c.d'))\"", "b.txt|.y|in c")]
    // An expression alone with its streams redirected is the expression's statement (it was an unknown command named 'a').
    [TestCase("'a' 2>&1", "a")]
    [TestCase("\"b\" 2> $null", "b")]
    // A labelled loop: "break outer" / "continue outer" end or go round that loop from one inside it (pwsh 7.6's output).
    [TestCase(":o foreach ($i in 1,2,3) { foreach ($j in 1,2) { if ($j -eq 2) { continue o }; if ($i -eq 3) { break o }; \"$i$j\" } }; 'm'", "11|21|m")]
    [TestCase(":w while ($true) { for ($k=0; $k -lt 5; $k++) { if ($k -eq 2) { break w }; \"k$k\" } } 'end'", "k0|k1|end")]
    [TestCase(":s switch (1,2) { 1 { 'one'; continue s } 2 { 'two' } }; foreach ($x in 1) { break nowhere }; 'not reached'", "one|two")]
    // A function called as a method is called with the parenthesized value as its first argument (InSpec's
    // "InSpec-GetRegistryKey($path)"); a comma list is one array argument (pwsh 7.6's output).
    [TestCase("Function F1($path) { \"got [$path] $($path.GetType().Name)\" }; $v = 'x'; F1($v); F1('a', 'b'); F1 $v", "got [x] String|got [a b] Object[]|got [x] String")]
    // A cmdlet written as a method call: the parenthesis starts its first argument (train's 'Get-Content("path") | Out-String');
    // a keyword's parenthesis stays its own.
    [TestCase("Write-Output('a', 'b'); Get-Date('2020-01-02') -Format 'yyyy'; if(1){'kw'}; foreach($i in 3){$i}", "a|b|2020|kw|3")]
    // Dot-sourcing a cmdlet or a program runs it as a plain call (Vagrant's ". shutdown.exe -f -r -t 60").
    [TestCase(". Get-Date -Year 2020 -Month 1 -Day 2 -Format 'yyyy-MM-dd'; . hostname", "2020-01-02|TESTHOST01")]
    public async Task An_expression_statement_writes_its_value_as_PowerShell_does(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [TestCase("1 + 2 * 3", "7")]
    [TestCase("(1 + 2) * 3", "9")]
    [TestCase("10 - 2 - 3", "5")]
    [TestCase("7 / 2; 6 / 3; 7 % 3; -7 % 3", "3.5|2|1|-1")]
    [TestCase("2147483647 + 1", "2147483648")]
    [TestCase("'ab' * 3; 'a' + 1; 1 + '2'", "ababab|a1|3")]
    [TestCase("$null + 5; 5 + $null", "5|5")]
    [TestCase("$true + 1", "2")]
    [TestCase("$a = 1, 2; $a + 3", "1|2|3")]
    [TestCase("$a = 1, 2; $a * 2", "1|2|1|2")]
    [TestCase("'' * 2GB; 'x' * 0; @() * 5; 'end'", "||end")]
    [TestCase("$x = 4; -$x", "-4")]
    [TestCase("3.5; 0x10; 2GB; 1kb * 2; 1e-5 -lt 1", "3.5|16|2147483648|2048|True")]
    [TestCase("$x = 5; $y = $x * 2 + 1; $y -eq 11", "True")]
    [TestCase("$n = 0; foreach ($i in 1..10) { $n += $i }; $n", "55")]
    [TestCase("$s = ''; foreach ($c in 'a', 'b') { $s += $c }; $s", "ab")]
    [TestCase("$i = 1; $i++; $i; ++$i; $i; $i--; $i; --$i; $i", "2|3|2|1")]
    [TestCase("$t = 0.5; $t += 1.25; $t *= 2; $t -= 0.5; $t /= 2; $t", "1.5")]
    [TestCase("$m = 7; $m %= 4; $m", "3")]
    [TestCase("$undefined++; $undefined", "1")]
    // $null times anything is $null; a double divided by zero is Infinity or NaN (only integer division throws).
    [TestCase("$null * 2; 'next'; 3 / 0.0; -3 / 0.0; 5 % 0.0", "next|Infinity|-Infinity|NaN")]
    // The op_ methods of DateTime and TimeSpan: an integer is ticks, a string parsed; a date minus a date is a TimeSpan.
    [TestCase("((Get-Date '2024-01-01') + 1).Ticks - (Get-Date '2024-01-01').Ticks; ([timespan]'01:00' - 1).Ticks; ([timespan]'01:00' + '00:30').TotalMinutes", "1|35999999999|90")]
    [TestCase("((Get-Date '2024-01-02') - (Get-Date '2024-01-01')).Days; ((Get-Date '2024-01-01') + '1.00:00').Day; $x = [timespan]'01:00'; $x += 5; $x.Ticks", "1|2|36000000005")]
    [TestCase("(1 - (Get-Date '2024-01-01')).Days; ([datetime]1).Ticks; ([timespan]2.0).Days", "-738884|1|2")]
    // Int64 arithmetic is exact past 2^53 (a double would lose the last digits).
    [TestCase("638396640000000001 - 638396640000000000; [long]::MaxValue - 1; 9007199254740993 + 0", "1|9223372036854775806|9007199254740993")]
    public async Task Arithmetic_follows_PowerShell_s_types_and_precedence(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [TestCase("1 / 0", "RuntimeException", "Attempted to divide by zero.")]
    [TestCase("$n = 'abc'; $n.Frobnicate()", "MethodNotFound", "Method invocation failed because [System.String] does not contain a method named 'Frobnicate'.")]
    [TestCase("$n = 'abc'; $n.Substring(5)", "ArgumentOutOfRangeException", "Exception calling \"Substring\" with \"1\" argument(s): \"startIndex cannot be larger than length of string.\r\nParameter name: startIndex\"")]
    [TestCase("'{1}' -f 'a'", "FormatError", "Error formatting a string: Index (zero based) must be greater than or equal to zero and less than the size of the argument list..")]
    [TestCase("'a' -replace '('", "InvalidRegularExpression", "The regular expression pattern ( is not valid.")]
    [TestCase("5 % 0", "RuntimeException", "Attempted to divide by zero.")]
    [TestCase("'x'.PadLeft(3, 'ab')", "MethodArgumentConversionInvalidCastArgument", "Cannot convert argument \"paddingChar\", with value: \"ab\", for \"PadLeft\" to type \"System.Char\": \"Cannot convert value \"ab\" to type \"System.Char\". Error: \"String must be exactly one character long.\"\"")]
    [TestCase("(1, 2) / 3", "MethodNotFound", "Method invocation failed because [System.Object[]] does not contain a method named 'op_Division'.")]
    [TestCase("$a = 1, 2; $a - 1", "MethodNotFound", "Method invocation failed because [System.Object[]] does not contain a method named 'op_Subtraction'.")]
    [TestCase("1 + 'abc'", "InvalidCastFromStringToInteger", "Cannot convert value \"abc\" to type \"System.Int32\". Error: \"Input string was not in a correct format.\"")]
    [TestCase("$x = 1; $x += 'abc'", "InvalidCastFromStringToInteger", "Cannot convert value \"abc\" to type \"System.Int32\". Error: \"Input string was not in a correct format.\"")]
    // ParserOps.ImplicitOp: what the binder does not take as numbers goes to the op_ method of the left operand's type
    // (the right's when the left is a primitive); two primitives have none.
    // A Math method of one overload converts its arguments as a method does: the parameter's name in the error.
    [TestCase("[math]::Sqrt('x')", "MethodArgumentConversionInvalidCastArgument", "Cannot convert argument \"d\", with value: \"x\", for \"Sqrt\" to type \"System.Double\": \"Cannot convert value \"x\" to type \"System.Double\". Error: \"Input string was not in a correct format.\"\"")]
    [TestCase("[math]::Pow(2, 'y')", "MethodArgumentConversionInvalidCastArgument", "Cannot convert argument \"y\", with value: \"y\", for \"Pow\" to type \"System.Double\": \"Cannot convert value \"y\" to type \"System.Double\". Error: \"Input string was not in a correct format.\"\"")]
    // Dot-sourcing what is not there names it, not the operator (pwsh 7.6 side by side).
    [TestCase(". 'C:\\nosuch.ps1'", "CommandNotFoundException", "The term 'C:\\nosuch.ps1' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.")]
    [TestCase(". nosuchfn", "CommandNotFoundException", "The term 'nosuchfn' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.")]
    // $null has no indexer, strict mode or not (pwsh 7.6 side by side); it read as $null.
    [TestCase("$x = $null; $x[0]", "NullArray", "Cannot index into a null array.")]
    [TestCase("$h = @{}; $y = $h.missing[1..2]", "NullArray", "Cannot index into a null array.")]
    [TestCase("[char]'a' * 2", "NotADefinedOperationForType", "The operation '[System.Char] * [System.Int32]' is not defined.")]
    [TestCase("$true * 2", "NotADefinedOperationForType", "The operation '[System.Boolean] * [System.Int32]' is not defined.")]
    [TestCase("(Get-Date) * 2", "MethodNotFound", "Method invocation failed because [System.DateTime] does not contain a method named 'op_Multiply'.")]
    [TestCase("[version]'1.0' + 1", "MethodNotFound", "Method invocation failed because [System.Version] does not contain a method named 'op_Addition'.")]
    [TestCase("1 - [version]'1.0'", "MethodNotFound", "Method invocation failed because [System.Version] does not contain a method named 'op_Subtraction'.")]
    [TestCase("1 + @(2)", "MethodNotFound", "Method invocation failed because [System.Object[]] does not contain a method named 'op_Addition'.")]
    [TestCase("1 + @{}", "MethodNotFound", "Method invocation failed because [System.Collections.Hashtable] does not contain a method named 'op_Addition'.")]
    [TestCase("[pscustomobject]@{a=1} + 1", "MethodNotFound", "Method invocation failed because [System.Management.Automation.PSObject] does not contain a method named 'op_Addition'.")]
    [TestCase("[guid]::Empty + 1", "MethodNotFound", "Method invocation failed because [System.Guid] does not contain a method named 'op_Addition'.")]
    // .NET Framework's TimeSpan has no op_Multiply or op_Division (PowerShell 7's .NET has them).
    [TestCase("[timespan]'01:00' * 2", "MethodNotFound", "Method invocation failed because [System.TimeSpan] does not contain a method named 'op_Multiply'.")]
    [TestCase("[timespan]'01:00' / 2", "MethodNotFound", "Method invocation failed because [System.TimeSpan] does not contain a method named 'op_Division'.")]
    [TestCase("(Get-Date '2024-01-01') + 'abc'", "MethodArgumentConversionInvalidCastArgument", "Cannot convert argument \"1\", with value: \"abc\", for \"op_Addition\" to type \"System.TimeSpan\": \"Cannot convert value \"abc\" to type \"System.TimeSpan\". Error: \"String was not recognized as a valid TimeSpan.\"\"")]
    [TestCase("1 + (Get-Date '2024-01-01')", "MethodArgumentConversionInvalidCastArgument", "Cannot convert argument \"1\", with value: \"01/01/2024 00:00:00\", for \"op_Addition\" to type \"System.TimeSpan\": \"Cannot convert value \"01/01/2024 00:00:00\" to type \"System.TimeSpan\". Error: \"Invalid cast from 'System.DateTime' to 'System.TimeSpan'.\"\"")]
    [TestCase("[timespan]'01:00' + $null", "MethodArgumentConversionInvalidCastArgument", "Cannot convert argument \"1\", with value: \"\", for \"op_Addition\" to type \"System.TimeSpan\": \"Cannot convert null to type \"System.TimeSpan\".\"")]
    [TestCase("[decimal]1 + (Get-Date '2024-01-01')", "MethodArgumentConversionInvalidCastArgument", "Cannot convert argument \"1\", with value: \"01/01/2024 00:00:00\", for \"op_Addition\" to type \"System.Decimal\": \"Cannot convert value \"01/01/2024 00:00:00\" to type \"System.Decimal\". Error: \"Invalid cast from 'DateTime' to 'Decimal'.\"\"")]
    // DateTime's op_Subtraction has two overloads: a number or a string converts to both, $null to neither.
    [TestCase("(Get-Date '2024-01-01') - 1", "MethodCountCouldNotFindBest", "Multiple ambiguous overloads found for \"op_Subtraction\" and the argument count: \"2\".")]
    [TestCase("(Get-Date '2024-01-02') - '2024-01-01'", "MethodCountCouldNotFindBest", "Multiple ambiguous overloads found for \"op_Subtraction\" and the argument count: \"2\".")]
    [TestCase("(Get-Date '2024-01-01') - $null", "MethodCountCouldNotFindBest", "Cannot find an overload for \"op_Subtraction\" and the argument count: \"2\".")]
    // Conversions of values that are no numbers: a date is IConvertible's refusal, a TimeSpan, a Version or a Guid none.
    [TestCase("[int](Get-Date '2024-01-01')", "InvalidCastIConvertible", "Cannot convert value \"01/01/2024 00:00:00\" to type \"System.Int32\". Error: \"Invalid cast from 'DateTime' to 'Int32'.\"")]
    [TestCase("[int][version]'1.0'", "ConvertToFinalInvalidCastException", "Cannot convert the \"1.0\" value of type \"System.Version\" to type \"System.Int32\".")]
    [TestCase("[int][timespan]'01:00'", "ConvertToFinalInvalidCastException", "Cannot convert the \"01:00:00\" value of type \"System.TimeSpan\" to type \"System.Int32\".")]
    [TestCase("[timespan](Get-Date '2024-01-01')", "InvalidCastIConvertible", "Cannot convert value \"01/01/2024 00:00:00\" to type \"System.TimeSpan\". Error: \"Invalid cast from 'System.DateTime' to 'System.TimeSpan'.\"")]
    [TestCase("[datetime]$true", "InvalidCastIConvertible", "Cannot convert value \"True\" to type \"System.DateTime\". Error: \"Invalid cast from 'Boolean' to 'DateTime'.\"")]
    [TestCase("[datetime][timespan]'01:00'", "ConvertToFinalInvalidCastException", "Cannot convert the \"01:00:00\" value of type \"System.TimeSpan\" to type \"System.DateTime\".")]
    public async Task Arithmetic_that_fails_writes_PowerShell_s_error_and_the_script_goes_on(string script, string id, string message)
    {
        await AssertOneErrorThenNextAsync(script, id, message);
    }

    [Test]
    public async Task An_error_inside_a_string_s_subexpression_is_written_and_the_string_goes_on_without_it()
    {
        var (host, outcome) = await RunAsync("\"none: $(Get-Frobnicator)!\"; \"div: $(1 / 0).\"");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "CommandNotFoundException", "RuntimeException" }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "none: !", "div: ." }));
    }

    [Test]
    public async Task Hashtable_literals_make_hashtables_and_PSCustomObject_casts_make_objects_with_ordered_properties()
    {
        var output = await OutputOfAsync("$h = @{ Name = 'srv'; 'Size' = 2 * 3\n Tags = 'a', 'b' }; $h; $h.Name; $h['Size']; $h.Count; [PSCustomObject]@{ Name = 'web'; Port = 80 }");
        var (host, _) = await RunAsync("[PSCustomObject]@{ Name = 'web'; Port = 80 }");

        Assert.That(output.Skip(1), Is.EqualTo(new[] { "srv", "6", "3", string.Empty }));
        var table = (PsObject)(await RunAsync("@{ Name = 'srv' }")).Host.Outputs[0];
        Assert.That(table.TypeNames, Is.EqualTo(new[] { "System.Collections.Hashtable", "System.Object" }));
        Assert.That(((PsObject)(await RunAsync("[ordered]@{ b = 1; a = 2 }")).Host.Outputs[0]).TypeNames,
            Is.EqualTo(new[] { "System.Collections.Specialized.OrderedDictionary", "System.Object" }));
        Assert.That(table.Entries.Select(e => (e.Key.ToDisplayString(), e.Value.ToDisplayString())), Is.EqualTo(new[] { ("Name", "srv") }));
        var custom = (PsObject)host.Outputs.Single();
        Assert.That(custom.TypeNames, Is.EqualTo(new[] { "System.Management.Automation.PSCustomObject", "System.Object" }));
        Assert.That(custom.ExtendedProperties.Select(p => (p.Name, p.Value)), Is.EqualTo(new[] { ("Name", (PsValue)PsPrimitive.String("web")), ("Port", PsPrimitive.Int32(80)) }));
    }

    [Test]
    public async Task ErrorAction_and_WarningAction_apply_to_what_the_command_writes()
    {
        var (silent, silentOutcome) = await RunAsync("Write-Error 'bad' -ErrorAction SilentlyContinue; Write-Warning 'careful' -WA Ignore; 'after'");
        var (stopped, stoppedOutcome) = await RunAsync("'before'; Write-Error 'bad' -ErrorAction Stop; 'never'");
        var (caught, _) = await RunAsync("try { Write-Error 'bad' -EA:Stop; 'never' } catch [System.Management.Automation.ActionPreferenceStopException] { \"caught: $($_.Message)\" }");
        var (unknown, _) = await RunAsync("Get-Frobnicator -ErrorAction SilentlyContinue");

        Assert.That((silentOutcome.State, silent.Errors.Count, silent.Records.OfType<WarningRecordMessage>().Count()), Is.EqualTo((PSInvocationState.Completed, 0, 0)));
        Assert.That(silent.OutputTexts, Is.EqualTo(new[] { "after" }));
        Assert.That(stoppedOutcome.State, Is.EqualTo(PSInvocationState.Failed), "Stop ends the script");
        Assert.That(TestErrors.Read((PsObject)stoppedOutcome.ErrorRecord!).Message, Is.EqualTo("bad"));
        Assert.That(stopped.OutputTexts, Is.EqualTo(new[] { "before" }));
        Assert.That(caught.OutputTexts, Is.EqualTo(new[] { "caught: bad" }));
        Assert.That(unknown.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "CommandNotFoundException" }), "an unknown command is no command's error");
    }

    /// <summary>An ActionPreference given as its number (Puppet Bolt's <c>Get-ItemProperty ... -ErrorAction 0</c>).</summary>
    [Test]
    public async Task ErrorAction_given_as_a_number_is_that_preference()
    {
        var (host, outcome) = await RunAsync("Get-ItemProperty -Path 'HKLM:\\Software\\Nope' -ErrorAction 0; 'after'; Get-Item C:\\nope -EA 1; 'never'");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed), "-EA 1 is Stop");
    }

    [TestCase("Get-Service Nope -ErrorAction SilentlyContinue -ErrorVariable err; if ($err) { \"$($err[0].FullyQualifiedErrorId) $($err.Count) $($err.GetType().Name)\" }",
        "NoServiceFoundForGivenName,Microsoft.PowerShell.Commands.GetServiceCommand 1 ArrayList")]
    [TestCase("Get-Service WinRM -ev e | Out-Null; $e.Count; $e.GetType().Name", "0|ArrayList")]
    [TestCase("Get-Service Nope -EA SilentlyContinue -ev e; Get-Service Nope2 -EA SilentlyContinue -ev +e; $e.Count", "2")]
    [TestCase("Get-Service Nope -EA Ignore -ev e; $e.Count", "0")]
    [TestCase("try { Get-Service Nope -EA Stop -ErrorVariable:e } catch { 'caught' }; $e.Count", "caught|1")]
    [TestCase("Get-Service WinRM -OutVariable svc | Out-Null; $svc.Name; $svc.Count; $svc.GetType().Name", "WinRM|1|ArrayList")]
    [TestCase("Write-Warning 'w' -WarningVariable wv -WarningAction SilentlyContinue; \"$wv\"; $wv.Count", "w|1")]
    // A pipeline's first command keeps its own objects, not what comes out of the pipeline's end.
    [TestCase("function f { [CmdletBinding()] param() 'x'; 'y' }; f -OutVariable ov | Out-Null; $ov.Count; f -OutVariable +ov | Out-Null; $ov.Count", "2|4")]
    public async Task ErrorVariable_WarningVariable_and_OutVariable_keep_what_the_command_wrote(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    // pwsh 7.6.9 printed the same for each (Get-Service aside, which it has not on Linux).
    [TestCase("Write-Output 1,2 -PipelineVariable pv | ForEach-Object { \"$pv-$_\" }; \"after: $pv\"", "1-1|2-2|after: ")]
    [TestCase("1..2 | Write-Output -PipelineVariable q | % { \"q=$q\" }; 1..2 | Select-Object -pv sel | % { \"sel=$sel\" }", "q=1|q=2|sel=1|sel=2")]
    [TestCase("1..3 | % { $_ * 10 } -pv t | % { \"$t/$_\" }", "10/10|20/20|30/30")]
    [TestCase("Write-Output 4,5 -pv w | Where-Object { $w -gt 4 } | % { \"w=$w\" }; Write-Output 3 -PipelineVariable:p2; \"p2=$p2\"", "w=5|3|p2=")]
    [TestCase("Get-Service -Name WinRM -pv s | Select-Object -ExpandProperty Status | % { \"$($s.Name) $_\" }", "WinRM Running")]
    // An advanced function has the common parameter; a simple one takes -pv x as two more of its $args.
    [TestCase("function adv { [CmdletBinding()] param() 'a' }; adv -pv y | % { \"y=$y\" }; function simple { \"s:$args\" }; simple -pv x | % { \"x=$x $_\" }", "y=a|x= s:-pv x")]
    public async Task PipelineVariable_is_each_object_a_command_writes_while_the_commands_after_it_take_it(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    /// <summary>
    /// -ErrorAction governs only the errors a command writes: its terminating errors (a parameter binding error, a
    /// cmdlet's ThrowTerminatingError) are shown under SilentlyContinue and Ignore too, and -ErrorVariable keeps them.
    /// </summary>
    [TestCase("Get-Date -Date garbage -ErrorAction SilentlyContinue", "CannotConvertArgumentNoMessage,Microsoft.PowerShell.Commands.GetDateCommand",
        "Cannot bind parameter 'Date'. Cannot convert value \"garbage\" to type \"System.DateTime\". Error: \"String was not recognized as a valid DateTime.\"")]
    [TestCase("Get-Date -Year abc -EA Ignore", "CannotConvertArgumentNoMessage,Microsoft.PowerShell.Commands.GetDateCommand",
        "Cannot bind parameter 'Year'. Cannot convert value \"abc\" to type \"System.Int32\". Error: \"Input string was not in a correct format.\"")]
    [TestCase("Set-TimeZone -Id Nowhere -ErrorAction SilentlyContinue", "TimeZoneNotFound,Microsoft.PowerShell.Commands.SetTimeZoneCommand",
        "The time zone ID 'Nowhere' was not found on the local computer.")]
    [TestCase("function f { [CmdletBinding()] param([int]$n) $n }; f -n abc -EA 0", "ParameterArgumentTransformationError,f",
        "Cannot process argument transformation on parameter 'n'. Cannot convert value \"abc\" to type \"System.Int32\". Error: \"Input string was not in a correct format.\"")]
    public async Task ErrorAction_SilentlyContinue_does_not_hide_a_command_s_terminating_error(string statement, string id, string message) =>
        await AssertOneErrorThenNextAsync(statement, id, message);

    [Test]
    public async Task A_terminating_error_is_kept_in_ErrorVariable_and_hidden_only_by_the_session_s_ErrorActionPreference()
    {
        var (host, outcome) = await RunAsync(
            "Get-Date -Date x -EA Ignore -ErrorVariable ev; $ev.Count; $ErrorActionPreference = 'SilentlyContinue'; " +
            "Get-Date -Date y -EA Continue; 'after'; $Error[0].FullyQualifiedErrorId; Get-Item C:\\nope; $Error[0].FullyQualifiedErrorId");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "CannotConvertArgumentNoMessage,Microsoft.PowerShell.Commands.GetDateCommand" }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "1", "after", "CannotConvertArgumentNoMessage,Microsoft.PowerShell.Commands.GetDateCommand", "PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand" }));
    }

    [Test]
    public async Task The_session_s_ErrorActionPreference_applies_to_every_command_unless_its_own_parameter_says_otherwise()
    {
        var runspace = new RunspaceState();
        await RunAsync("$ErrorActionPreference = 'Stop'; $WarningPreference = 'SilentlyContinue'", runspace);

        var (stopped, stoppedOutcome) = await RunAsync("'before'; Write-Warning 'hidden'; Write-Error 'x'; 'never'", runspace);
        var (caught, _) = await RunAsync("try { Write-Error 'x' } catch { 'caught' }; 'after'", runspace);
        var (own, ownOutcome) = await RunAsync("Write-Error 'y' -ErrorAction Continue; if ($true) { Write-Error 'w' -EA SilentlyContinue }; 'own parameter wins'", runspace);
        var (unknown, unknownOutcome) = await RunAsync("Get-Frobnicator; 'never'", runspace);
        await RunAsync("$ErrorActionPreference = 'Continue'", runspace);
        var (back, _) = await RunAsync("Write-Error 'z'; 'continues'", runspace);

        Assert.That(stoppedOutcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(stopped.OutputTexts, Is.EqualTo(new[] { "before" }));
        Assert.That(stopped.Records.OfType<WarningRecordMessage>(), Is.Empty);
        Assert.That(caught.OutputTexts, Is.EqualTo(new[] { "caught", "after" }));
        Assert.That((ownOutcome.State, own.Errors.Count), Is.EqualTo((PSInvocationState.Completed, 1)));
        Assert.That(own.OutputTexts, Is.EqualTo(new[] { "own parameter wins" }));
        Assert.That((unknownOutcome.State, unknown.OutputTexts.Count), Is.EqualTo((PSInvocationState.Failed, 0)), "under Stop an unknown command ends the script too");
        Assert.That(back.OutputTexts, Is.EqualTo(new[] { "continues" }));
    }

    [Test]
    public async Task A_string_repeated_past_the_emulator_s_limit_is_the_statement_s_error_instead_of_exhausting_memory()
    {
        var (host, outcome) = await RunAsync("'x' * 2000000000; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Single().Message, Does.Contain("limited to 10000000 characters or items in the emulator"));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [TestCase("try { throw 'boom' } catch { \"caught: $_\" }; 'after'", "caught: boom|after")]
    [TestCase("try { throw 'boom' } catch { $PSItem.FullyQualifiedErrorId }", "boom")]
    [TestCase("try { Get-Frobnicator } catch { 'not found' }", "not found")]
    [TestCase("try { 1 / 0 } catch { 'divided' }", "divided")]
    [TestCase("try { 'x' -match '(' } catch { 'bad pattern' }", "bad pattern")]
    [TestCase("try { Get-Frob } catch [System.Management.Automation.CommandNotFoundException] { 'typed' } catch { 'any' }", "typed")]
    [TestCase("try { Get-Frob } catch [CommandNotFoundException] { 'short name' }", "short name")]
    [TestCase("try { Get-Frob } catch [System.IO.IOException], [RuntimeException] { 'runtime' }", "runtime")]
    [TestCase("try { throw 'x' } catch [System.Exception] { 'every error' }", "every error")]
    [TestCase("try { 1 / 0 } catch [DivideByZeroException] { 'inner' } catch { 'any' }", "inner")]
    [TestCase("try { 1 / 0 } catch [System.ArithmeticException] { 'base of the inner' }", "base of the inner")]
    [TestCase("try { 1 / 0 } catch [System.IO.IOException] { 'io' } catch [RuntimeException] { 'outer' }", "outer")]
    [TestCase("try { 1 / 0 } catch [RuntimeException] { 'first clause' } catch [DivideByZeroException] { 'inner' }", "inner")]
    [TestCase("try { 1 + 'abc' } catch [InvalidCastException] { 'cast' }", "cast")]
    [TestCase("try { '{1}' -f 'a' } catch [FormatException] { 'format' }", "format")]
    [TestCase("try { 'x' -match '(' } catch [ArgumentException] { 'pattern' }", "pattern")]
    [TestCase("$s = 'abc'; try { $s.Substring(5) } catch [ArgumentException] { 'argument' }", "argument")]
    [TestCase("$s = 'abc'; try { $s.Substring(5) } catch [System.Management.Automation.MethodInvocationException] { 'method' }", "method")]
    [TestCase("try { throw 'x' } catch [SystemException] { 'system' }", "system")]
    [TestCase("try { Get-Frob } catch [ArgumentException] { 'wrong' } catch { 'any' }", "any")]
    [TestCase("try { [int]'abc' } catch [InvalidCastException] { 'cast' }", "cast")]
    [TestCase("try { 'body' } finally { 'fin' }", "body|fin")]
    [TestCase("try { throw 'x' } catch { 'c' } finally { 'f' }; 'next'", "c|f|next")]
    [TestCase("foreach ($i in 1..3) { try { if ($i -eq 2) { throw 'two' }; $i } catch { \"c$i\" } }", "1|c2|3")]
    [TestCase("foreach ($i in 1..3) { try { if ($i -eq 2) { break } } finally { \"f$i\" } }", "f1|f2")]
    [TestCase("try { try { throw 'in' } catch [System.IO.IOException] { 'io' } } catch { \"outer: $_\" }", "outer: in")]
    [TestCase("try { try { Get-Frob } finally { 'inner finally' } } catch { 'outer catch' }", "inner finally|outer catch")]
    [TestCase("try {\n  throw 'multi'\n}\ncatch {\n  'caught'\n}\nfinally {\n  'done'\n}", "caught|done")]
    public async Task Try_catch_and_finally_handle_errors_as_PowerShell_does(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [Test]
    public async Task An_error_no_catch_takes_goes_on_as_without_the_try()
    {
        var (statementError, statementOutcome) = await RunAsync("try { Get-Frob } catch [System.IO.IOException] { 'io' }; 'goes on'");
        var (thrown, thrownOutcome) = await RunAsync("try { throw 'x' } finally { 'fin' }; 'never'");

        Assert.That(statementOutcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(statementError.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "CommandNotFoundException" }));
        Assert.That(statementError.OutputTexts, Is.EqualTo(new[] { "goes on" }));
        Assert.That(thrownOutcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(thrown.OutputTexts, Is.EqualTo(new[] { "fin" }));
    }

    // Just after the last token the try statement read (pwsh 7.6's parser: char 10, 16, 18).
    [TestCase("try { 1 }", 10, "MissingCatchOrFinally", "The Try statement is missing its Catch or Finally block.")]
    [TestCase("try { 1 } catch", 16, "MissingCatchHandlerBlock", "The Catch block is missing its statement block.")]
    [TestCase("try { 1 } finally", 18, "MissingFinallyStatementBlock", "The Finally block is missing its statement block.")]
    public async Task A_malformed_try_fails_the_pipeline_with_PowerShell_s_parse_error(string script, int column, string id, string message)
    {
        var (_, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        var reason = TestErrors.Read((PsObject)outcome.ErrorRecord!);
        Assert.That((reason.FullyQualifiedErrorId, reason.Message), Is.EqualTo((id, Placed(script, 1, column, 1, message))));
    }

    [TestCase("function Add-One($n) { $n + 1 }; Add-One 5; Add-One -n 10", "6|11")]
    [TestCase("function Greet { param($Name = 'world', [switch]$Loud) if ($Loud) { \"HELLO $Name\" } else { \"hello $Name\" } }; Greet; Greet -Name Bob -Loud; Greet Ann", "hello world|HELLO Bob|hello Ann")]
    [TestCase("function Fact($n) { if ($n -le 1) { return 1 }; $n * (Fact ($n - 1)) }; Fact 6; Fact 20", "720|2.43290200817664E+18")]
    [TestCase("function f { \"args: $args\" }; f a 'b c' 3", "args: a b c 3")]
    [TestCase("function Get-Date { 'mine' }; Get-Date", "mine")]
    [TestCase("function f($x) { $x }; $x = 'outer'; f 'inner'; $x", "inner|outer")]
    [TestCase("function f { return 'early'; 'never' }; f; 'after'", "early|after")]
    [TestCase("function f($a, $b) { $a + $b }; f (1 + 1) $(3)", "5")]
    [TestCase("function Add-Up($items) { $sum = 0; foreach ($i in $items) { $sum += $i }; $sum }; $sum = 100; $i = 'outer'; Add-Up (1, 2, 3); \"$sum $i\"", "6|100 outer")]
    [TestCase("$count = 0; function Bump { $script:count++; $count += 10; $count }; Bump; Bump; $count", "11|12|2")]
    [TestCase("function Set-It { $global:made = 'set'; $local:kept = 'mine' }; Set-It; \"[$made][$kept]\"", "[set][]")]
    [TestCase("$greeting = 'hi'; function Outer { $name = 'Ann'; Inner }; function Inner { \"$greeting $name\" }; Outer; \"[$name]\"", "hi Ann|[]")]
    public async Task Functions_the_session_defines_run_with_their_arguments(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [TestCase("function f { param($a, $b) $PSBoundParameters.ContainsKey('a'); $PSBoundParameters.ContainsKey('b'); $PSBoundParameters.Count }; f -a 1", "True|False|1")]
    [TestCase("function f { param([switch]$Force, $x) ($PSBoundParameters.Keys | Sort-Object) -join ',' }; f -Force -x 2; f", "Force,x|")]
    [TestCase("function g { [CmdletBinding()] param($a) $PSBoundParameters.Keys -join ','; $PSBoundParameters['Verbose'] }; g -a 1 -Verbose -OutBuffer 5", "a,Verbose,OutBuffer|True")]
    // In the order the binder binds them: named arguments as the command line has them (common ones among them), then
    // positional ones, then pipeline input, each the object bound last.
    [TestCase("function f { [CmdletBinding()] param($a, $b, [switch]$s) $PSBoundParameters.Keys -join ',' }; f -Verbose -a 1; f 1 -s -Verbose; f -b 2 1; f -s 5 6", "Verbose,a|s,Verbose,a|b,a|s,a,b")]
    [TestCase("function Take { param([Parameter(ValueFromPipeline)]$x, $y) process { ($PSBoundParameters.Keys -join ',') + '=' + $PSBoundParameters.x } }; 1, 2 | Take -y 2", "y,x=1|y,x=2")]
    [TestCase("function f { param([int]$n) $n.GetType().Name; $n + 1 }; f -n '5'; f 7", "Int32|6|Int32|8")]
    [TestCase("function f { param([Parameter(Mandatory=$true)][string]$Name, [int]$Count = 2) \"$Name $Count $($Count.GetType().Name)\" }; f -Name a", "a 2 Int32")]
    [TestCase("function f { param([string[]]$Names) $Names.Count }; f -Names a, b", "2")]
    [TestCase("function f { param([Parameter(Mandatory=$false)]$a) 'ok' }; f", "ok")]
    [TestCase("function f { param([ValidateSet('x', 'y')]$a) $a }; f -a X", "X")]
    [TestCase("function f { param($a) \"a=$a\" }; try { f; 'next' } catch { 'caught' }", "a=|next")]
    [TestCase("function Get-It { param($a) $MyInvocation.MyCommand.Name; $MyInvocation.InvocationName; $MyInvocation.BoundParameters.a; $MyInvocation.MyCommand.CommandType }; Get-It -a 5", "Get-It|Get-It|5|Function")]
    [TestCase("& { param($a) \"[$($MyInvocation.MyCommand.Name)]\"; $MyInvocation.InvocationName; $MyInvocation.MyCommand.CommandType } 5", "[]|&|Script")]
    [TestCase("function Write-Log { param($m) \"[$($MyInvocation.MyCommand)] $m\" }; Write-Log hi", "[Write-Log] hi")]
    public async Task A_functions_param_block_binds_as_PowerShells_binder(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [TestCase("function f { [CmdletBinding()] param([Parameter(Mandatory)]$a) $a }; f", "MissingMandatoryParameter,f", "Cannot process command because of one or more missing mandatory parameters: a.")]
    [TestCase("function f { param([ValidateSet('x','y')]$a) $a }; f -a z", "ParameterArgumentValidationError,f",
        "Cannot validate argument on parameter 'a'. The argument \"z\" does not belong to the set \"x,y\" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.")]
    [TestCase("function f { param([int]$n) $n }; f -n 'abc'", "ParameterArgumentTransformationError,f",
        "Cannot process argument transformation on parameter 'n'. Cannot convert value \"abc\" to type \"System.Int32\". Error: \"Input string was not in a correct format.\"")]
    [TestCase("function f { [CmdletBinding()] param($a) $a }; f -b 1", "NamedParameterNotFound,f", "A parameter cannot be found that matches parameter name 'b'.")]
    [TestCase("function f { param([Parameter(Position=0)] $a, $b) $a }; f 1 2", "PositionalParameterNotFound,f", "A positional parameter cannot be found that accepts argument '2'.")]
    [TestCase("function f { [CmdletBinding(PositionalBinding=$false)] param($a) $a }; f 1", "PositionalParameterNotFound,f", "A positional parameter cannot be found that accepts argument '1'.")]
    [TestCase("function f { param($Name, $Number) $Name }; f -N x", "AmbiguousParameter,f", "Parameter cannot be processed because the parameter name 'N' is ambiguous. Possible matches include: -Name -Number.")]
    public async Task A_call_its_param_block_refuses_is_the_statements_binding_error(string script, string id, string message) =>
        await AssertOneErrorThenNextAsync(script, id, message);

    // Windows PowerShell 5.1's validation attributes (Metadata.resx's texts after the binder's prefix), on the value
    // after its conversion to the parameter's type; an array is checked element by element.
    [TestCase("function f { param([ValidateRange(1,5)][int]$n) $n }; f '7'", "The 7 argument is greater than the maximum allowed range of 5. Supply an argument that is less than or equal to 5 and then try the command again.")]
    [TestCase("function f { param([ValidateRange(1, [int]::MaxValue)][int]$n) $n }; f 0", "The 0 argument is less than the minimum allowed range of 1. Supply an argument that is greater than or equal to 1 and then try the command again.")]
    [TestCase("function f { param([ValidateRange(1,5)][int[]]$n) $n }; f 2, 9", "The 9 argument is greater than the maximum allowed range of 5. Supply an argument that is less than or equal to 5 and then try the command again.")]
    [TestCase("function f { param([ValidateNotNullOrEmpty()][string]$n) $n }; f -n ''", "The argument is null or empty. Provide an argument that is not null or empty, and then try the command again.")]
    [TestCase("function f { param([ValidateNotNullOrEmpty()][string[]]$n) $n }; f -n @('a', '')", "The argument is null, empty, or an element of the argument collection contains a null value. Supply a collection that does not contain any null values and then try the command again.")]
    [TestCase("function f { param([ValidateNotNull()]$n) $n }; f -n $null", "The argument is null. Provide a valid value for the argument, and then try running the command again.")]
    [TestCase("function f { param([ValidatePattern('^srv\\d+$')][string]$n) $n }; f web1", "The argument \"web1\" does not match the \"^srv\\d+$\" pattern. Supply an argument that matches \"^srv\\d+$\" and try the command again.")]
    [TestCase("function f { param([ValidateLength(2,4)][string]$n) $n }; f a", "The character length (1) of the argument is too short. Specify an argument with a length that is greater than or equal to \"2\", and then try the command again.")]
    [TestCase("function f { param([ValidateLength(2,4)][string]$n) $n }; f abcdef", "The character length of the 6 argument is too long. Shorten the character length of the argument so it is fewer than or equal to \"4\" characters, and then try the command again.")]
    [TestCase("function f { param([ValidateCount(1,2)][string[]]$n) $n }; f a, b, c", "The parameter requires at least 1 value(s) and no more than 2 value(s) - 3 value(s) were provided.")]
    [TestCase("function f { param([ValidateCount(2,2)][string[]]$n) $n }; f a", "The parameter requires exactly 2 value(s) - 1 value(s) were provided.")]
    [TestCase("function f { param([ValidateScript({ Test-Path $_ })][string]$Path) $Path }; f C:\\nope", "The \" Test-Path $_ \" validation script for the argument with value \"C:\\nope\" did not return a result of True. Determine why the validation script failed, and then try the command again.")]
    [TestCase("function f { param([ValidateScript({ if ($_ -gt 0) { $true } else { throw \"$_ is not positive\" } })][int]$n) $n }; f -3", "-3 is not positive")]
    public async Task An_argument_a_validation_attribute_refuses_is_the_binders_validation_error(string script, string failure)
    {
        var (host, outcome) = await RunAsync(script + "; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        var error = host.Errors.Single();
        Assert.That(error.FullyQualifiedErrorId, Is.EqualTo("ParameterArgumentValidationError,f"));
        Assert.That(error.Message, Does.StartWith("Cannot validate argument on parameter '").And.EndWith("'. " + failure));
        Assert.That(error.Category, Is.EqualTo(ErrorCategory.InvalidData));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }), "the function's body does not run");
    }

    [TestCase("function f { param([ValidateRange(1,5)][int]$n) $n }; f 5; f '1'", "5|1")]
    [TestCase("function f { param([ValidateRange(1,5)][int]$n = 20) $n }; f", "20")]
    [TestCase("function f { param([ValidatePattern('^SRV')][string]$n) $n }; f srv01", "srv01")]
    [TestCase("function f { param([ValidateNotNullOrEmpty()][string[]]$n, [ValidateCount(1,3)][int[]]$c) \"$n/$c\" }; f a, b -c 1", "a b/1")]
    [TestCase("function f { param([ValidateScript({ $_ -like 'C:\\*' })][string[]]$Path) $Path.Count }; f C:\\a, C:\\b", "2")]
    [TestCase("$limit = 3; function f { param([ValidateScript({ $_ -le $limit })][int]$n) $n }; f 3; try { f 4 } catch { $_.FullyQualifiedErrorId }", "3|ParameterArgumentValidationError,f")]
    public async Task An_argument_the_validation_attributes_accept_binds(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [Test]
    public async Task A_scripts_param_block_validation_fails_the_pipeline_before_it_runs()
    {
        var host = new RecordingHost();
        var create = new CreatePipeline([new PipelineCommand("param([ValidateRange(1, 5)][int]$Count) 'ran'", IsScript: true, [new PipelineArgument(null, PsPrimitive.Int32(7))])], NoInput: true);
        var outcome = await Default.Resolve(create).RunTestAsync(host, new FakeTimeProvider());

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(host.OutputTexts, Is.Empty);
        Assert.That(ErrorRecords.Read(outcome.ErrorRecord!).Message, Is.EqualTo(
            "Cannot validate argument on parameter 'Count'. The 7 argument is greater than the maximum allowed range of 5. Supply an argument that is less than or equal to 5 and then try the command again."));
    }

    /// <summary>
    /// pypsrp's copy.ps1 reaches the remoting layer's internals by reflection to lift the deserializer's memory limit;
    /// on Windows PowerShell 5.1 each member exists, so its catch (a warning) never runs. A member that is not there
    /// is $null, as .NET's GetProperty/GetField answer.
    /// </summary>
    [TestCase("$f = [System.Reflection.BindingFlags]'NonPublic, Instance'; $t = $Host.GetType().GetProperty('ExternalHost', $f).GetValue($Host, $null); " +
        "$m = $t.GetType().GetField('_transportManager', $f).GetValue($t); $g = $m.GetType().GetProperty('Fragmentor', $f).GetValue($m, $null); " +
        "$c = $g.GetType().GetProperty('DeserializationContext', $f).GetValue($g, $null); $c.GetType().GetProperty('MaximumAllowedMemory', $f).SetValue($c, $null, $null); " +
        "$t.GetType().FullName; $c.GetType().FullName", "System.Management.Automation.Remoting.ServerRemoteHost|System.Management.Automation.DeserializationContext")]
    [TestCase("$Host.GetType().GetProperty('NoSuchMember', [System.Reflection.BindingFlags]'NonPublic, Instance') -eq $null; " +
        "$Host.GetType().GetField('ExternalHost', [System.Reflection.BindingFlags]'NonPublic, Instance') -eq $null", "True|True")]
    public async Task Reflection_reaches_the_server_hosts_non_public_members_as_on_Windows(string script, string expected)
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), Automatic = RecordingHost.ServerAutomaticVariables() };
        var create = new CreatePipeline([new PipelineCommand(script, IsScript: true, [])], NoInput: true);
        var outcome = await Default.Resolve(create).RunTestAsync(host, new FakeTimeProvider());

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors, Is.Empty, () => string.Join("; ", host.Errors.Select(e => e.Message)));
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [TestCase("function f { param($Name, $Number) \"$Name/$Number\" }; f -Na x -Nu 2", "x/2")]
    // PowerShell's compiler gives positions in the block's order only when no parameter names a Position or a set;
    // else only those with a Position are positional, in position order (pypsrp's copy.ps1: Position=1 is the first).
    [TestCase("function f { param([Parameter(Mandatory=$true, ValueFromPipeline=$true)] $o, [Parameter(Mandatory=$true, Position=1)] [string] $Name) \"$o/$Name\" }; 5 | f abc", "5/abc")]
    [TestCase("function f { param([Parameter(Position=1)] $b, [Parameter(Position=0)] $a) \"$a/$b\" }; f 1 2", "1/2")]
    [TestCase("function f { param($a, [switch]$s, $b) \"$a/$s/$b/$args\" }; f 1 2 3", "1/False/2/3")]
    [TestCase("function f { param([Parameter(ValueFromPipeline=$true)] $o) begin { \"b=$o\" } process { \"p=$o\" } end { \"e=$o\" } }; 5, 6 | f", "b=|p=5|p=6|e=6")]
    [TestCase("function f { param([Parameter(ValueFromPipeline=$true)] $o) \"o=$o\" }; 5 | f", "o=5")]
    [TestCase("function f { [CmdletBinding()] [OutputType([string])] param([Parameter(ValueFromPipeline)]$i) process { \"<$i>\" } }; 1, 2 | f", "<1>|<2>")]
    [TestCase("function f { [CmdletBinding(SupportsShouldProcess)] param($n) if ($PSCmdlet.ShouldProcess($n, 'Remove')) { \"removed $n\" } else { 'skipped' } }; f -n x; f -n y -WhatIf", "removed x|skipped")]
    public async Task An_advanced_function_takes_unique_prefixes_its_attributes_and_WhatIf(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [TestCase("$env:TEMP = 'C:\\t'; $env:TEMP; \"$env:TEMP\\x\"; [Environment]::GetEnvironmentVariable('TEMP')", "C:\\t|C:\\t\\x|C:\\t")]
    [TestCase("$env:MYVAR = 'v'; $env:MYVAR; $env:MYVAR = $null; $env:MYVAR -eq $null; $env:OTHER = 'o'; $env:OTHER = ''; $env:OTHER -eq $null", "v|True|True")]
    [TestCase("function f { $env:INNER = 'i' }; f; $env:INNER", "i")]
    public async Task Setting_an_environment_variable_changes_the_session_process_s_environment(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [Test]
    public async Task An_advanced_functions_Verbose_switch_turns_its_Write_Verbose_on()
    {
        var (host, outcome) = await RunAsync("function f { [CmdletBinding()] param() Write-Verbose 'said'; 'out' }; f -Verbose; f");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Records.OfType<VerboseRecordMessage>().Select(v => v.Message), Is.EqualTo(new[] { "said" }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "out", "out" }));
    }

    [Test]
    public async Task A_binding_error_inside_try_goes_to_the_catch()
    {
        var output = await OutputOfAsync("function f { param([Parameter(Mandatory)]$a) $a }; try { f; 'never' } catch { $_.FullyQualifiedErrorId }");

        Assert.That(output, Is.EqualTo(new[] { "MissingMandatoryParameter,f" }));
    }

    [Test]
    public async Task A_function_defined_in_one_pipeline_is_called_by_a_later_one_in_the_same_session()
    {
        var runspace = new RunspaceState();
        await RunAsync("function Get-Answer { 42 }", runspace);

        var (host, outcome) = await RunAsync("Get-Answer", runspace);
        var (other, _) = await RunAsync("Get-Answer");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "42" }));
        Assert.That(other.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "CommandNotFoundException" }), "another session has no such function");
    }

    [Test]
    public async Task Endless_recursion_fails_with_PowerShell_s_call_depth_overflow()
    {
        var (_, outcome) = await RunAsync("function Loop { Loop }; Loop");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        var reason = TestErrors.Read((PsObject)outcome.ErrorRecord!);
        Assert.That((reason.FullyQualifiedErrorId, reason.Message), Is.EqualTo(("CallDepthOverflow", "The script failed due to call depth overflow.  The call depth reached 101 and the maximum is 100.")));
    }

    [TestCase("switch (2) { 1 { 'one' } 2 { 'two' } default { 'other' } }", "two")]
    [TestCase("switch (9) { 1 { 'one' }; default { 'other' } }", "other")]
    [TestCase("switch ('Server01', 'db02', 'web3') { 'server*' { \"srv $_\" } { $_ -like 'db*' } { \"db $_\" } default { \"other $_\" } }", "other Server01|db db02|other web3")]
    [TestCase("switch -Wildcard ('Server01', 'db02') { 'server*' { \"srv $_\" } 'db*' { \"db $_\"; break } 'd*' { 'never' } }", "srv Server01|db db02")]
    [TestCase("switch -Regex ('a1', 'b2') { '^a' { 'starts a' } '\\d' { 'digit' } }", "starts a|digit|digit")]
    [TestCase("switch (1, 2, 3) { 2 { continue } default { $_ } }", "1|3")]
    [TestCase("switch ('A') { 'a' { 'ci' } }; switch -CaseSensitive ('A') { 'a' { 'cs' } default { 'none' } }", "ci|none")]
    [TestCase("switch (5) { 5 { 'first' } 5 { 'second' } }", "first|second")]
    [TestCase("$_ = 'outer'; foreach ($i in 1..2) { switch ($i) { 1 { 'one'; break } 2 { 'two' } } }", "one|two")]
    // InSpec's Convert-UserFlag: a clause of a parenthesized expression is its value, compared as a literal's is.
    [TestCase("$f = 0x10201; $l = @(); switch ($f) { ($f -BOR 0x1) { $l += 'SCRIPT' } ($f -BOR 0x2) { $l += 'DISABLED' } ($f -BOR 0x10000) { $l += 'NOEXPIRE' } }; $l -join ','", "SCRIPT,NOEXPIRE")]
    [TestCase("switch (5) { (2+3) { 'five' } (6) { 'six' } }", "five")]
    public async Task Switch_runs_every_clause_that_matches_each_item(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [Test]
    public async Task Get_Date_reads_the_session_s_clock_and_formats_it_as_a_UTC_computer_would()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 7, 5, 9, 250, TimeSpan.Zero));
        var runspace = new RunspaceState(clock);

        var (host, _) = await RunAsync("Get-Date; Get-Date -Format 'yyyy-MM-dd HH:mm:ss dddd MMMM'; Get-Date -f o; date", runspace);
        clock.Advance(TimeSpan.FromHours(2));
        var (later, _) = await RunAsync("Get-Date -Format HH", runspace);

        Assert.That(host.Outputs[0], Is.EqualTo(PsPrimitive.DateTime(new DateTimeOffset(2026, 11, 29, 7, 5, 9, 250, TimeSpan.Zero))));
        Assert.That(host.OutputTexts.Skip(1), Is.EqualTo(new[] { "2026-11-29 07:05:09 Sunday November", "2026-11-29T07:05:09.2500000+00:00", host.OutputTexts[0] }));
        Assert.That(later.OutputTexts, Is.EqualTo(new[] { "09" }), "two virtual hours later");
    }

    [TestCase("(Get-Date '2026-01-02').DayOfWeek; (Get-Date -Date '2026-01-02 10:00').Hour", "Friday|10")]
    [TestCase("Get-Date -Date '01/02/2026' -Format 'yyyyMMdd'", "20260102")]
    // The date's Kind decides the zone -Format writes: a parsed text without one none, a Utc date Z (pwsh 7.6.9 checked).
    [TestCase("Get-Date -Date '2021-03-04 05:06:07' -Format 'o'; Get-Date -Date ([datetime]'2021-03-04').ToUniversalTime() -Format 'yyyy K'; Get-Date -Format 'HH K'", "2021-03-04T05:06:07.0000000|2021 Z|07 +00:00")]
    [TestCase("(Get-Date -Hour 0 -Minute 0 -Second 0 -Millisecond 0).ToString('o')", "2026-11-29T00:00:00.0000000+00:00")]
    [TestCase("Get-Date -Format FileDate; Get-Date -Format FileDateTime; Get-Date -Format FileDateTimeUniversal", "20261129|20261129T0705092500|20261129T0705092500Z")]
    [TestCase("Get-Date -Date '2026-02-10' -Day 31 -Format d", "3/3/2026")]
    [TestCase("$d = Get-Date -Year 2020; $d.Year; (date -Month 1).Month", "2020|1")]
    public async Task Get_Date_takes_a_date_its_parts_and_formats_as_GetDateCommand(string script, string expected)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 7, 5, 9, 250, TimeSpan.Zero));

        var (host, outcome) = await RunAsync(script, new RunspaceState(clock));

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors, Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [TestCase("Get-Date -Month 13", "ParameterArgumentValidationError,Microsoft.PowerShell.Commands.GetDateCommand",
        "Cannot validate argument on parameter 'Month'. The 13 argument is greater than the maximum allowed range of 12. Supply an argument that is less than or equal to 12 and then try the command again.")]
    [TestCase("Get-Date -Format '%'", "System.FormatException,Microsoft.PowerShell.Commands.GetDateCommand", "Input string was not in a correct format.")]
    public async Task Get_Date_with_a_value_it_refuses_is_the_statements_error(string statement, string id, string message) =>
        await AssertOneErrorThenNextAsync(statement, id, message);

    [TestCase("Get-Date -UFormat '%Y-%m-%d %H:%M:%S'", "2026-11-29 07:05:09")]
    [TestCase("Get-Date -UFormat %s", "1795935909.25")]
    [TestCase("date -u \"+%A %B %e %j %Z\"", "Sunday November 29 333 +00")]
    [TestCase("Get-Date -UFormat '%c|%D|%r|%u %U %V|%C %y %%|%q'", "Sun Nov 29 07:05:09 2026|11/29/26|07:05:09 AM|0 47 48|20 26 %|q")]
    public async Task Get_Date_UFormat_writes_strftime_letters_as_Windows_PowerShell_5_1_maps_them(string script, string expected)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 7, 5, 9, 250, TimeSpan.Zero));

        var (host, _) = await RunAsync(script, new RunspaceState(clock));

        // 5.1 writes %s as a Double of the seconds since 1970, its fraction too (PowerShell 6.2 and later: whole seconds).
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { expected }));
    }

    [Test]
    public async Task An_assignment_takes_an_expression_s_value_and_a_later_pipeline_reads_it()
    {
        var runspace = new RunspaceState();
        await RunAsync("$servers = 'Server01', 'Server02'; $ok = 3 -gt 2", runspace);

        var (host, _) = await RunAsync("$servers -like '*02'; $ok", runspace);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Server02", "True" }));
    }

    [Test]
    public async Task A_condition_s_command_runs_through_the_behaviours_and_its_output_decides()
    {
        var catalog = BehaviourCatalog.Combine(BehaviourCatalog.Parse("""
            behaviours:
              - match: Test-Path C:\Reports
                steps:
                  - output: true
              - match: Get-Service Spooler
                steps:
                  - output: ~
            """), Default);

        var (host, outcome) = await RunAsync("if (Test-Path C:\\Reports) { 'found' }; if (Get-Service Spooler) { 'running' } else { 'stopped' }", catalog: catalog);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "found", "stopped" }));
    }

    /// <summary>
    /// The condition's CommandNotFoundException goes to the if statement's handler (PowerShell's compiler wraps each
    /// statement of a list in a catch calling CheckActionPreference): the error is written and neither branch runs; the
    /// next statement does.
    /// </summary>
    [Test]
    public async Task A_condition_naming_an_unknown_command_writes_PowerShell_s_error_and_ends_the_if_statement()
    {
        var (host, outcome) = await RunAsync("if (Get-Frobnicator) { 'yes' } else { 'no' }; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.TargetName)), Is.EqualTo(new[] { ("CommandNotFoundException", (string?)"Get-Frobnicator") }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [Test]
    public async Task A_command_s_dash_arguments_are_its_parameters_not_operators()
    {
        // Command mode: PowerShell binds -eq as a parameter of the command, so the text is one statement for the rules.
        var catalog = BehaviourCatalog.Combine(BehaviourCatalog.Parse("""
            behaviours:
              - match: Get-Thing -eq 5
                steps:
                  - output: bound as a parameter
            """), Default);

        var (host, _) = await RunAsync("Get-Thing -eq 5", catalog: catalog);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "bound as a parameter" }));
    }

    [Test]
    public async Task A_condition_that_is_a_pipeline_runs_whole_through_the_rules()
    {
        // After a |, -eq is a parameter of the command: the pipeline is one statement, as PowerShell binds it.
        var catalog = BehaviourCatalog.Combine(BehaviourCatalog.Parse("""
            behaviours:
              - match: $services | Where-Object Status -eq 'Running'
                steps:
                  - output: Spooler
            """), Default);

        var (host, _) = await RunAsync("if ($services | Where-Object Status -eq 'Running') { 'some run' } else { 'none run' }", catalog: catalog);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "some run" }));
    }

    [Test]
    public async Task An_invalid_pattern_is_the_statement_s_error_and_the_script_goes_on()
    {
        var (host, outcome) = await RunAsync("'x' -match '('; if ('x' -match '[') { 'a' } else { 'b' }; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "InvalidRegularExpression", "InvalidRegularExpression" }));
        Assert.That(host.Errors[0].Message, Is.EqualTo("The regular expression pattern ( is not valid."));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [TestCase("if ($true)", "MissingStatementBlock", "Missing statement block after if ( condition ).")]
    [TestCase("if $true { 1 }", "MissingOpenParenthesisInIfStatement", "Missing '(' after 'if' in if statement.")]
    [TestCase("if () { 1 }", "IfStatementMissingCondition", "Missing condition in if statement after 'if ('.")]
    [TestCase("if ($true) { 1 } else", "MissingStatementBlockAfterElse", "Missing statement block after 'else' keyword.")]
    [TestCase("if ($x -eq) { 1 }", "ExpectedValueExpression", "You must provide a value expression following the '-eq' operator.")]
    // ParserStrings' texts name the if statement whatever its keyword (MissingOpenParenthesisInIfStatement, IfStatementMissingCondition).
    [TestCase("if ($a) { 1 } elseif { 2 }", "MissingOpenParenthesisInIfStatement", "Missing '(' after 'elseif' in if statement.")]
    [TestCase("if ($a) { 1 } elseif () { 2 }", "IfStatementMissingCondition", "Missing condition in if statement after 'elseif ('.")]
    [TestCase("for (1; 2; 3; 4) { }", "MissingEndParenthesisAfterStatement", "Missing closing ')' after expression in 'for' statement.")]
    [TestCase("class C { static C($x) { } }", "StaticConstructorCantHaveParameters", "A static constructor cannot have any parameters.")]
    [TestCase("$x = 1 +", "ExpectedValueExpression", "You must provide a value expression following the '+' operator.")]
    [TestCase("foreach ($i 1..3) { $i }", "MissingInInForeach", "Missing 'in' after variable in foreach loop.")]
    [TestCase("foreach ($i in 1..3)", "MissingForeachStatement", "Missing statement body in foreach loop.")]
    [TestCase("1, 2,", "MissingExpressionAfterToken", "Missing expression after ','.")]
    [TestCase("$a, 1 = 2", "InvalidLeftHandSide", "The assignment expression is not valid. The input to an assignment operator must be an object that is able to accept assignments, such as a variable or a property.")]
    [TestCase("$a,$b += 1", "InvalidLeftHandSide", "The assignment expression is not valid. The input to an assignment operator must be an object that is able to accept assignments, such as a variable or a property.")]
    [TestCase("$x = 'a' = 1", "InvalidLeftHandSide", "The assignment expression is not valid. The input to an assignment operator must be an object that is able to accept assignments, such as a variable or a property.")]
    [TestCase("$n++ = 1", "InvalidLeftHandSide", "The assignment expression is not valid. The input to an assignment operator must be an object that is able to accept assignments, such as a variable or a property.")]
    [TestCase("$x = @args", "SplattingNotPermitted", "The splatting operator '@' cannot be used to reference variables in an expression. '@args' can be used only as an argument to a command. To reference variables in an expression use '$args'.")]
    [TestCase("$x = 1 + @a", "SplattingNotPermitted", "The splatting operator '@' cannot be used to reference variables in an expression. '@a' can be used only as an argument to a command. To reference variables in an expression use '$a'.")]
    [TestCase("!", "MissingExpressionAfterOperator", "Missing expression after unary operator '!'.")]
    [TestCase("$x = ,", "MissingExpressionAfterOperator", "Missing expression after unary operator ','.")]
    [TestCase("$x = ++", "MissingExpressionAfterOperator", "Missing expression after unary operator '++'.")]
    [TestCase("if ($a -and -not) { }", "MissingExpressionAfterOperator", "Missing expression after unary operator '-not'.")]
    [TestCase("function F", "MissingFunctionBody", "Missing function body in function declaration.")]
    [TestCase("switch (1)", "MissingCurlyBraceInSwitchStatement", "Missing '{' in switch statement.")]
    [TestCase("@{ a }", "MissingEqualsInHashLiteral", "Missing '=' operator after key in hash literal.")]
    [TestCase("switch (1) { 1 }", "MissingSwitchStatementClause", "Missing statement block in switch statement clause.")]
    [TestCase("function { 1 }", "MissingNameAfterKeyword", "Missing name after function keyword.")]
    [TestCase("while ($true)", "MissingLoopStatement", "Missing statement body in while loop.")]
    [TestCase("while $true { }", "MissingOpenParenthesisAfterKeyword", "Missing opening '(' after keyword 'while'.")]
    [TestCase("while () { }", "MissingExpressionAfterKeyword", "Missing expression after 'while' in loop.")]
    [TestCase("do { 1 }", "MissingWhileOrUntilInDoWhile", "Missing while or until keyword in do loop.")]
    [TestCase("for ($i = 0; $i -lt 1; $i++)", "MissingLoopStatement", "Missing statement body in for loop.")]
    // A literal then another token (pwsh 7.6's parser: UnexpectedToken), not a command named by the literal.
    [TestCase("'a' 'b'", "UnexpectedToken", "Unexpected token ''b'' in expression or statement.")]
    [TestCase("3 4", "UnexpectedToken", "Unexpected token '4' in expression or statement.")]
    [TestCase("\"x\" $y", "UnexpectedToken", "Unexpected token '$y' in expression or statement.")]
    public async Task A_statement_PowerShell_cannot_parse_fails_the_pipeline_with_its_parse_error(string script, string id, string message)
    {
        var (host, outcome) = await RunAsync(script + "; 'never'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        var reason = TestErrors.Read((PsObject)outcome.ErrorRecord!);
        // The message alone, after its place when the emulator names it (see the tests of places).
        var text = reason.Message.StartsWith("At line:1 char:", StringComparison.Ordinal) ? reason.Message[(reason.Message.LastIndexOf("\r\n", StringComparison.Ordinal) + 2)..] : reason.Message;
        Assert.That((reason.FullyQualifiedErrorId, text, reason.Category, reason.ExceptionType),
            Is.EqualTo((id, message, ErrorCategory.ParserError, "System.Management.Automation.ParseException")));
        Assert.That(host.OutputTexts, Does.Not.Contain("never"));
    }

    [TestCase("if ($true) { 'x'", "MissingEndCurlyBrace")]
    [TestCase("if ($false) { $y = 1 -and }", "ExpectedValueExpression")]
    [TestCase("while ($false) { foreach ($i 1..3) { } }", "MissingInInForeach")]
    [TestCase("function F { if () { } }", "IfStatementMissingCondition")]
    [TestCase("try { 'a' }", "MissingCatchOrFinally")]
    [TestCase("$z = @{ a }", "MissingEqualsInHashLiteral")]
    [TestCase("$n += (1 -eq)", "ExpectedValueExpression")]
    [TestCase("switch (1) { { $_ -gt } { 'big' } }", "ExpectedValueExpression")]
    [TestCase("'tail', 'more',", "MissingExpressionAfterToken")]
    [TestCase("'tail' = 'more'", "InvalidLeftHandSide")]
    [TestCase("$y = ", "ExpectedValueExpression")]
    [TestCase("if ($false) { $y = }", "ExpectedValueExpression")]
    [TestCase("$y *= ; 'next'", "ExpectedValueExpression")]
    public async Task A_script_PowerShell_cannot_parse_fails_before_any_of_its_statements_runs(string laterStatement, string id)
    {
        var runspace = new RunspaceState();
        var (host, outcome) = await RunAsync("$x = 'set'; 'before'; Write-Warning 'careful'; " + laterStatement + "; 'after'", runspace);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        var reason = TestErrors.Read((PsObject)outcome.ErrorRecord!);
        Assert.That((reason.FullyQualifiedErrorId, reason.Category, reason.ExceptionType), Is.EqualTo((id, ErrorCategory.ParserError, "System.Management.Automation.ParseException")));
        Assert.That(host.Records, Is.Empty, "nothing ran");
        Assert.That(runspace.TryGetVariable("x", out _), Is.False, "the first assignment did not run either");
    }

    // The parser skips new lines after an assignment's operator: the value may start on the next line.
    [Test]
    public async Task An_assignment_s_value_may_start_on_the_next_line()
    {
        var (host, outcome) = await RunAsync("$x =\r\n  'after'\r\n$y = 1; $y +=\n2; \"$x $y\"");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after 3" }));
    }

    [Test]
    public async Task A_statement_a_rule_answers_whole_is_not_parsed_ahead()
    {
        // The rule is the scenario's word on that text, as when it runs; the script around it is still parsed.
        var catalog = BehaviourCatalog.Combine(BehaviourCatalog.Parse("""
            behaviours:
              - match: 1 -and
                steps:
                  - output: answered
            """), Default);

        var (host, outcome) = await RunAsync("'before'; 1 -and; 'after'", catalog: catalog);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "before", "answered", "after" }));
    }

    [TestCase("$null ?? 'default'", "UnexpectedToken", "Unexpected token '??' in expression or statement.")]
    [TestCase("$x ??= 5", "UnexpectedToken", "Unexpected token '??=' in expression or statement.")]
    [TestCase("$true ? 'yes' : 'no'", "UnexpectedToken", "Unexpected token '?' in expression or statement.")]
    [TestCase("$s = 'abc'; ${s}?.Length", "UnexpectedToken", "Unexpected token '?.Length' in expression or statement.")]
    [TestCase("Get-Date && 'then'", "InvalidEndOfLine", "The token '&&' is not a valid statement separator in this version.")]
    [TestCase("Get-Frob || 'else'", "InvalidEndOfLine", "The token '||' is not a valid statement separator in this version.")]
    [TestCase("if ($a ?? $b) { 1 }", "UnexpectedToken", "Unexpected token '??' in expression or statement.")]
    [TestCase("$h = @{ a = $null ?? 1 }", "UnexpectedToken", "Unexpected token '??' in expression or statement.")]
    [TestCase("1..3 | ForEach-Object { $_ ?? 0 }", "UnexpectedToken", "Unexpected token '??' in expression or statement.")]
    [TestCase("Invoke-Command { $a ?? 1 }", "UnexpectedToken", "Unexpected token '??' in expression or statement.")]
    [TestCase("Start-Job { 'a' && 'b' }", "InvalidEndOfLine", "The token '&&' is not a valid statement separator in this version.")]
    [TestCase("function F { param($a = 1) $a ?? 2 }", "UnexpectedToken", "Unexpected token '??' in expression or statement.")]
    public async Task PowerShell_7_operators_are_Windows_PowerShell_5_1_parse_errors_and_nothing_runs(string statement, string id, string message)
    {
        var (host, outcome) = await RunAsync("'before'; " + statement + "; 'after'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        var reason = TestErrors.Read((PsObject)outcome.ErrorRecord!);
        Assert.That((reason.FullyQualifiedErrorId, reason.Category, reason.ExceptionType),
            Is.EqualTo((id, ErrorCategory.ParserError, "System.Management.Automation.ParseException")));
        Assert.That(reason.Message, Does.StartWith("At line:1 char:").And.EndWith("\r\n" + message), "the position, then the message");
        Assert.That(host.Records, Is.Empty, "nothing ran");
    }

    [TestCase("\n    'x'\n    $a ?? 1\n", "At line:3 char:8\r\n+     $a ?? 1\r\n+        ~~\r\nUnexpected token '??' in expression or statement.")]
    [TestCase(" 'a' && 'b' ", "At line:1 char:6\r\n+  'a' && 'b'\r\n+      ~~\r\nThe token '&&' is not a valid statement separator in this version.")]
    [TestCase("'a' && 'b'", "At line:1 char:5\r\n+ 'a' && 'b'\r\n+     ~~\r\nThe token '&&' is not a valid statement separator in this version.")]
    [TestCase("# first\n$a = 1 <# note #>\n$b = $a ?? 2", "At line:3 char:9\r\n+ $b = $a ?? 2\r\n+         ~~\r\nUnexpected token '??' in expression or statement.")]
    [TestCase("if ($x) {\r\n\t$y ??= 1\r\n}", "At line:2 char:5\r\n+     $y ??= 1\r\n+        ~~~\r\nUnexpected token '??=' in expression or statement.")]
    [TestCase("Write-Output 'a long line of text before it comes' 'more text' ; Get-Date && 'then, at the end of the line'",
        "At line:1 char:75\r\n+ ...  long line of text before it comes' 'more text' ; Get-Date && 'then,  ...\r\n+                                                                ~~\r\nThe token '&&' is not a valid statement separator in this version.")]
    public async Task A_parse_errors_message_starts_with_its_place_in_the_script_as_5_1_writes_it(string script, string message)
    {
        var (_, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(TestErrors.Read((PsObject)outcome.ErrorRecord!).Message, Is.EqualTo(message));
    }

    [TestCase("1..4 | ? { $_ -gt 2 }", "3|4")]
    [TestCase("1..3 | Where-Object { \"$_\" -like '?' } | Measure-Object | ForEach-Object Count", "3")]
    [TestCase("'ok'; $?", "ok|True")]
    [TestCase("Write-Output a?b '&&' \"||\"", "a?b|&&|||")]
    [TestCase("'a' -match 'b?'", "True")]
    // 5.1 reads ${s?}, a variable never set: $null's Length is 0.
    [TestCase("$s = 'abc'; $s?.Length", "0")]
    [TestCase("'x' # && ?? ? :", "x")]
    [TestCase("<# $a ?? $b #> 'x'", "x")]
    public async Task A_question_mark_or_ampersand_that_Windows_PowerShell_reads_is_no_parse_error(string script, string expected)
    {
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));
    }

    [Test]
    public async Task A_rule_of_the_scenario_answering_a_PowerShell_7_operator_is_the_scenarios_word()
    {
        var catalog = BehaviourCatalog.Combine(BehaviourCatalog.Parse("""
            behaviours:
              - match: build && test
                steps:
                  - output: built
            """), Default);

        var (host, outcome) = await RunAsync("build && test", catalog: catalog);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "built" }));
    }

    [TestCase("'x' # a comment", "x")]
    [TestCase("# a comment line\n'x'", "x")]
    [TestCase("Get-Date -Format yyyy # the year", "2026")]
    [TestCase("<# block #> 'x'", "x")]
    [TestCase("'x' <# block #>; 'y'", "x|y")]
    [TestCase("<#\n.SYNOPSIS\n  Triples a number.\n#>\nparam($a = 2)\n$a * 3", "6")]
    [TestCase("$x = 5 # five\n$x", "5")]
    [TestCase("if ($true) { 'y' } # done", "y")]
    [TestCase("$a = @(1, # one\n 2)\n$a.Count", "2")]
    [TestCase("'a#b'; Write-Output a#b; \"c `# d\"", "a#b|a#b|c # d")]
    [TestCase("$s = @'\n# not a comment\n'@\n$s", "# not a comment")]
    [TestCase("'x'#c", "x")]
    [TestCase("# nothing but a comment", "")]
    public async Task Comments_are_not_code(string script, string expected)
    {
        var host = new RecordingHost { Runspace = new RunspaceState() };
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 30, 0, TimeSpan.Zero));
        var outcome = await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, time);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.Errors, Is.Empty, () => string.Join("; ", host.Errors.Select(e => e.Message)));
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    /// <summary>
    /// A script left open at its end is PowerShell's parse error before anything runs: the tokenizer's for a string or a
    /// &lt;# comment (ReportIncompleteInput), the parser's for a subexpression, a parenthesized expression or a block.
    /// What is open inside strings, comments, here-strings, braced variable names and after --% does not count. The
    /// message starts with the error's place, at the extent 5.1's tokenizer or parser reports: a string or a comment from
    /// its opening to the end of its line, a block at its '{', what misses its ')' or its value just after its last token,
    /// a subexpression at the end-of-input token one past the end, a stray token on itself.
    /// </summary>
    [TestCase("'first'; 'unterminated", 1, 10, 13, "TerminatorExpectedAtEndOfString", "The string is missing the terminator: '.")]
    [TestCase("'first'; \"unterminated $x", 1, 10, 16, "TerminatorExpectedAtEndOfString", "The string is missing the terminator: \".")]
    [TestCase("'first'; Write-Host \u201Ccurly", 1, 21, 6, "TerminatorExpectedAtEndOfString", "The string is missing the terminator: \".")]
    [TestCase("'first'; <# never closed", 1, 10, 15, "MissingTerminatorMultiLineComment", "The terminator '#>' is missing from the multiline comment.")]
    [TestCase("'first'; $a = @(1, 2", 1, 22, 1, "MissingEndParenthesisInSubexpression", "Missing closing ')' in subexpression.")]
    [TestCase("'first'; $b = $(Get-Date", 1, 26, 1, "MissingEndParenthesisInSubexpression", "Missing closing ')' in subexpression.")]
    [TestCase("'first'; $c = (1 + 2", 1, 21, 1, "MissingEndParenthesisInExpression", "Missing closing ')' in expression.")]
    [TestCase("'first'; 1..3 | ForEach-Object { $_", 1, 32, 1, "MissingEndCurlyBrace", "Missing closing '}' in statement block or type definition.")]
    [TestCase("'first'; $h = @{ a = 1", 1, 23, 1, "IncompleteHashLiteral", "Missing closing '}' in hash literal.")]
    [TestCase("'first'; 'a')", 1, 13, 1, "UnexpectedToken", "Unexpected token ')' in expression or statement.")]
    [TestCase("'first'; 'abc'.Substring(1", 1, 27, 1, "MissingEndParenthesisInMethodCall", "Missing ')' in method call.")]
    [TestCase("'first'; [math]::Round(1.5,", 1, 28, 1, "MissingExpressionAfterToken", "Missing expression after ','.")]
    [TestCase("'first'; Get-Date |", 1, 20, 1, "EmptyPipeElement", "An empty pipe element is not allowed.")]
    [TestCase("'first'; $x =", 1, 14, 1, "ExpectedValueExpression", "You must provide a value expression following the '=' operator.")]
    [TestCase("'first'\n[int]$total +=  ", 2, 15, 1, "ExpectedValueExpression", "You must provide a value expression following the '+=' operator.")]
    [TestCase("'first'; Get-Date }", 1, 19, 1, "UnexpectedToken", "Unexpected token '}' in expression or statement.")]
    [TestCase("'first'\n$s = \"two\nlines", 2, 6, 4, "TerminatorExpectedAtEndOfString", "The string is missing the terminator: \".")]
    [TestCase("$x = 1 # note\n1..3 | % { $_ # (", 2, 10, 1, "MissingEndCurlyBrace", "Missing closing '}' in statement block or type definition.")]
    public async Task A_script_left_open_at_its_end_is_a_parse_error_before_anything_runs(string script, int line, int column, int width, string id, string message)
    {
        var (host, reason) = await ParseFailureOfAsync(script);

        Assert.That(host.OutputTexts, Is.Empty, "nothing runs");
        Assert.That(reason, Is.EqualTo((id, Placed(script, line, column, width, message))));
    }

    // The failed pipeline of a script PowerShell's parser refuses, and its reason's id and message.
    private static async Task<(RecordingHost Host, (string Id, string Message) Reason)> ParseFailureOfAsync(string script)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        var error = TestErrors.Read((PsObject)outcome.ErrorRecord!);
        return (host, (error.FullyQualifiedErrorId, error.Message));
    }

    // One ParseError's text as 5.1 writes it: its place (the line, tildes under width characters from column), then its message.
    private static string Placed(string script, int line, int column, int width, string message) =>
        $"At line:{line} char:{column}\r\n+ {script.Split('\n')[line - 1].TrimEnd()}\r\n+ {new string(' ', column - 1)}{new string('~', width)}\r\n{message}";

    // A statement's own parse error is placed where 5.1's parser reports it when the script shows that place certainly:
    // just after an operator with no operand, just after a foreach's variable with no 'in' (in$users is one token).
    [TestCase("Write-Output hi; if ($x -eq ) { 1 }", 1, 28, "ExpectedValueExpression", "You must provide a value expression following the '-eq' operator.")]
    [TestCase("'x -eq'; $b = $a -eq 1 -and $c -eq", 1, 35, "ExpectedValueExpression", "You must provide a value expression following the '-eq' operator.")]
    [TestCase("$x = 1 +\n; 'after'", 1, 9, "ExpectedValueExpression", "You must provide a value expression following the '+' operator.")]
    [TestCase("$n = 1\n$x = ; 'after'", 2, 5, "ExpectedValueExpression", "You must provide a value expression following the '=' operator.")]
    [TestCase("$users = 'a'\nforeach ($User in$Users) { $User }", 2, 15, "MissingInInForeach", "Missing 'in' after variable in foreach loop.")]
    public async Task A_statements_parse_error_names_its_place_when_the_script_shows_it(string script, int line, int column, string id, string message)
    {
        var (host, reason) = await ParseFailureOfAsync(script);

        Assert.That(host.OutputTexts, Is.Empty, "nothing runs");
        Assert.That(reason, Is.EqualTo((id, Placed(script, line, column, 1, message))));
    }

    // PowerShell's own parser tests (test/powershell/Language/Parser/Parsing.Tests.ps1: ShouldBeParseError script id
    // offset): a keyword without its parts, and a foreach header read part by part, with 5.1's one-line texts and the
    // place just after what is there.
    [TestCase("for", "MissingOpenParenthesisAfterKeyword", 3, "Missing opening '(' after keyword 'for'.")]
    [TestCase("do", "MissingLoopStatement", 2, "Missing statement body in do loop.")]
    [TestCase("foreach", "MissingOpenParenthesisAfterKeyword", 7, "Missing opening '(' after keyword 'foreach'.")]
    [TestCase("foreach { $_ }", "MissingOpenParenthesisAfterKeyword", 7, "Missing opening '(' after keyword 'foreach'.")]
    [TestCase("try", "MissingTryStatementBlock", 3, "The Try statement is missing its statement block.")]
    [TestCase("trap", "MissingTrapStatement", 4, "The 'trap' statement was incomplete. A trap statement requires a body.")]
    [TestCase("foreach ($a", "MissingInInForeach", 11, "Missing 'in' after variable in foreach loop.")]
    [TestCase("foreach ($a into", "MissingInInForeach", 11, "Missing 'in' after variable in foreach loop.")]
    [TestCase("foreach (", "MissingVariableNameAfterForeach", 9, "Missing variable name after foreach.")]
    [TestCase("foreach ($a in", "MissingForeachExpression", 14, "Missing expression in foreach loop.")]
    [TestCase("foreach ($a in $x", "MissingEndParenthesisAfterForeach", 17, "Missing closing ')' after expression part of foreach loop.")]
    [TestCase("foreach ($a in $x)", "MissingForeachStatement", 18, "Missing statement body in foreach loop.")]
    [TestCase("do {} while (", "MissingExpressionAfterKeyword", 13, "Missing expression after 'while' in loop.")]
    [TestCase("do {} until (", "MissingExpressionAfterKeyword", 13, "Missing expression after 'until' in loop.")]
    [TestCase("do {} while (1", "MissingEndParenthesisAfterStatement", 14, "Missing closing ')' after expression in 'while' statement.")]
    [TestCase("switch (", "PipelineValueRequired", 8, "A switch statement must have one of the following:  '-file file_name' or '( expression )'.")]
    [TestCase("switch", "PipelineValueRequired", 6, "A switch statement must have one of the following:  '-file file_name' or '( expression )'.")]
    [TestCase("switch -file", "MissingFilenameOption", null, "Cannot process the 'switch' statement because of a missing file name argument to the -file option.")]
    [TestCase("switch (1", "MissingEndParenthesisInSwitchStatement", 9, "Missing ')' after expression in switch statement.")]
    [TestCase("switch ()", "PipelineValueRequired", 8, "A switch statement must have one of the following:  '-file file_name' or '( expression )'.")]
    [TestCase("switch (\"abc\")  {", "MissingSwitchConditionExpression", 17, "Missing condition in switch statement clause.")]
    [TestCase("switch (\"abc\")  { 1", "MissingSwitchStatementClause", 19, "Missing statement block in switch statement clause.")]
    [TestCase("switch (1) { 1 { 'a' }", "MissingEndCurlyBrace", 11, "Missing closing '}' in statement block or type definition.")]
    [TestCase("1|1", "ExpressionsMustBeFirstInPipeline", 2, "Expressions are only allowed as the first element of a pipeline.")]
    public async Task A_keyword_statement_missing_a_part_is_the_parse_error_PowerShells_parser_tests_expect(string script, string id, int? offset, string message)
    {
        var (_, reason) = await ParseFailureOfAsync(script);

        Assert.That(reason, Is.EqualTo((id, offset is { } at ? Placed(script, 1, at + 1, 1, message) : message)));
    }

    // PipelineRule: after a pipe only a command may come, so an expression there is the whole script's parse error, on it.
    [TestCase("Get-Process | $_.Name", 15, 7)]
    [TestCase("'a', 'b' | 'x'; 'never'", 12, 3)]
    [TestCase("$n = 1 | (Get-Date)", 10, 10)]
    public async Task An_expression_after_a_pipe_is_ExpressionsMustBeFirstInPipeline(string script, int column, int width)
    {
        var (host, reason) = await ParseFailureOfAsync(script);

        Assert.That(host.OutputTexts, Is.Empty);
        Assert.That(reason, Is.EqualTo(("ExpressionsMustBeFirstInPipeline", Placed(script, 1, column, width, "Expressions are only allowed as the first element of a pipeline."))));
    }

    // A 5.1 console's transcript of `node << 'EOF'`: the missing file just after the first '<', then each '<' reserved.
    [TestCase("node << 'EOF'", "MissingFileSpecification",
        "At line:1 char:7\r\n+ node << 'EOF'\r\n+       ~\r\nMissing file specification after redirection operator.\r\n" +
        "At line:1 char:6\r\n+ node << 'EOF'\r\n+      ~\r\nThe '<' operator is reserved for future use.\r\n" +
        "At line:1 char:7\r\n+ node << 'EOF'\r\n+       ~\r\nThe '<' operator is reserved for future use.")]
    [TestCase("Get-Content < C:\\x.txt", "RedirectionNotSupported", "At line:1 char:13\r\n+ Get-Content < C:\\x.txt\r\n+             ~\r\nThe '<' operator is reserved for future use.")]
    [TestCase("if (1 < 2) { 'y' }", "RedirectionNotSupported", "At line:1 char:7\r\n+ if (1 < 2) { 'y' }\r\n+       ~\r\nThe '<' operator is reserved for future use.")]
    [TestCase("'x'; Get-Date >", "MissingFileSpecification", "At line:1 char:16\r\n+ 'x'; Get-Date >\r\n+                ~\r\nMissing file specification after redirection operator.")]
    [TestCase("'x' 2>> ; 'y'", "MissingFileSpecification", "At line:1 char:8\r\n+ 'x' 2>> ; 'y'\r\n+        ~\r\nMissing file specification after redirection operator.")]
    public async Task Input_redirection_and_a_redirection_without_its_file_are_parse_errors(string script, string id, string message)
    {
        var (host, reason) = await ParseFailureOfAsync(script);

        Assert.That(host.OutputTexts, Is.Empty);
        Assert.That(reason, Is.EqualTo((id, message)));
    }

    [TestCase("'a' > C:\\out.txt; Get-Content C:\\out.txt", "a")]
    [TestCase("Get-Item C:\\nope 2>&1 | Out-Null; 'ok'", "ok")]
    [TestCase("'<b>' -replace '<[^>]+>', 'x'", "x")]
    [TestCase("<# a < b #> 'c' # d < e", "c")]
    [TestCase("@'\n<xml/>\n'@", "<xml/>")]
    public async Task A_redirection_to_a_file_or_a_less_than_sign_in_text_is_no_parse_error(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [TestCase("1..3 | & { process { $_ } }", "1|2|3")]
    [TestCase("'a' | . { $input }", "a")]
    [TestCase("1..2 | %{ $_ * 2 } | Sort-Object -Property @{ e = { $_ } } -Descending", "4|2")]
    public async Task A_script_block_invoked_after_a_pipe_is_a_command_not_an_expression(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [TestCase("for.exe /?")]
    [TestCase("do-it")]
    public async Task A_command_named_like_a_keyword_is_no_keyword(string script)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Has.None.Contains("Missing"));
    }

    [Test]
    public async Task A_statements_parse_error_whose_place_the_script_does_not_show_certainly_is_its_message_alone()
    {
        var (_, outcome) = await RunAsync("if ($a -eq) { 'x' } elseif ($b -eq) { 'y' }");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(TestErrors.Read((PsObject)outcome.ErrorRecord!).Message, Is.EqualTo("You must provide a value expression following the '-eq' operator."));
    }

    // Everything left open is reported, innermost first as the parser's rules return, one after the other as a 5.1 console
    // shows ParseException's message; its id is the first error's. A string's own error comes before the blocks around it.
    [TestCase("function f { if ($x) { 'a'", "MissingEndCurlyBrace",
        "At line:1 char:22\r\n+ function f { if ($x) { 'a'\r\n+                      ~\r\nMissing closing '}' in statement block or type definition.\r\n" +
        "At line:1 char:12\r\n+ function f { if ($x) { 'a'\r\n+            ~\r\nMissing closing '}' in statement block or type definition.")]
    [TestCase("{ \"abc", "TerminatorExpectedAtEndOfString",
        "At line:1 char:3\r\n+ { \"abc\r\n+   ~~~~\r\nThe string is missing the terminator: \".\r\n" +
        "At line:1 char:1\r\n+ { \"abc\r\n+ ~\r\nMissing closing '}' in statement block or type definition.")]
    [TestCase("$r = @(1; (2", "MissingEndParenthesisInExpression",
        "At line:1 char:13\r\n+ $r = @(1; (2\r\n+             ~\r\nMissing closing ')' in expression.\r\n" +
        "At line:1 char:14\r\n+ $r = @(1; (2\r\n+              ~\r\nMissing closing ')' in subexpression.")]
    [TestCase("$v = ((1", "MissingEndParenthesisInExpression", "At line:1 char:9\r\n+ $v = ((1\r\n+         ~\r\nMissing closing ')' in expression.")]
    public async Task Every_thing_left_open_is_its_own_parse_error_innermost_first(string script, string id, string message) =>
        Assert.That((await ParseFailureOfAsync(script)).Reason, Is.EqualTo((id, message)));

    // (A string's $( ) counts its parentheses whatever quotes they are in, so they balance here.)
    [TestCase("'it''s'; \"say \"\"hi\"\"\"; 'a' + \"$('(' + \"}\" + ')')\"", "it's|say \"hi\"|a(})")]
    [TestCase("'x' # an open ( in a comment\n<# and { in a block #>'y'", "x|y")]
    [TestCase("$s = @'\nit's ( open\n'@\n$s", "it's ( open")]
    [TestCase("\"a `\" b\"; 'c ` d'", "a \" b|c ` d")]
    [TestCase("'(x' -match '[(]'; \"$(\"nested 'quote\")\"", "True|nested 'quote")]
    public async Task What_is_open_inside_strings_comments_and_braced_names_does_not_count(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [TestCase("${env:ProgramFiles(x86)}")]
    [TestCase("icacls C:\\x --% /grant Users:(OI)(CI\n'next'")]
    [TestCase("Write-Host \u201Cit's curly\u201D")]
    [TestCase("\"$(Get-Date -Format '()')\"")]
    [TestCase("$h = @{ a = 1 }; $h.Keys | % { $_ }")]
    [TestCase("Write-Output a =")]
    [TestCase("'x'\n# a comment that ends in a pipe |")]
    [TestCase("'x' -eq 'x'")]
    [TestCase("Write-Output its # it's a comment: 'x\n'done'")]
    [TestCase("$a=# it's a comment\n5; $b = 'x'# it's one too")]
    public void A_script_with_nothing_open_at_its_end_passes_the_check(string script) =>
        Assert.That(Statements.UnclosedToken(script), Is.Null);

    [TestCase("Get-Service `\n    -Name WinRM |\n    Select-Object -ExpandProperty Name", "WinRM")]
    [TestCase("Write-Output 'x' `\r\n  'y'", "x|y")]
    [TestCase("\"a`\nb\".Length", "3")]
    [TestCase("$a = 1..5; $a[-2..-1] -join ','; $a[-1..-2] -join ','; 3..-1 -join ','", "4,5|5,4|3,2,1,0,-1")]
    [TestCase("$a = 1,\n2,\n3\n$a.Count", "3")]
    [TestCase("$x =\n 5\n$x", "5")]
    [TestCase("$x = 1 +\n 5\n$x", "6")]
    public async Task A_line_ending_in_a_backtick_a_comma_or_an_operator_wanting_its_operand_goes_on(string script, string expected)
    {
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));
    }

    [Test]
    public async Task Under_ErrorAction_Stop_a_catch_naming_the_error_record_s_exception_takes_it()
    {
        // The idiom: try { Get-Item X -ErrorAction Stop } catch [ItemNotFoundException] { }. Windows PowerShell's
        // FindMatchingHandler looks at ActionPreferenceStopException, then at the exception of the record it stopped on.
        var catalog = BehaviourCatalog.Combine(BehaviourCatalog.Parse("""
            behaviours:
              - match: Get-Item C:\missing
                steps:
                  - error: { message: "Cannot find path 'C:\\missing' because it does not exist.", fqid: "PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand", category: ObjectNotFound, exception: System.Management.Automation.ItemNotFoundException }
            """), Default);
        var host = new RecordingHost { Runspace = new RunspaceState() };
        var script = "try { Get-Item C:\\missing -ErrorAction Stop; 'never' } catch [System.IO.IOException] { 'io' } catch [System.Management.Automation.ItemNotFoundException] { \"not found: $($_.FullyQualifiedErrorId)\" } catch { 'any' }; " +
                     "try { Get-Item C:\\missing -ErrorAction Stop } catch [SessionStateException] { 'its base' }; " +
                     "try { Get-Item C:\\missing -ErrorAction Stop } catch [ArgumentException] { 'wrong' } catch { 'catch-all' }";

        var outcome = await ((BehaviourScript)catalog.Resolve(Behaviour.Script(script))).RunAsync(host, new FakeTimeProvider(), CancellationToken.None);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "not found: PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand", "its base", "catch-all" }));
    }

    [TestCase("switch -Regex ('id=42', 'name=x') { '^id=(\\d+)$' { \"id $($Matches[1])\" } '^(?<key>\\w+)=x' { $Matches.key } }", "id 42|name")]
    [TestCase("[int]'42' + 1", "43")]
    [TestCase("[int]2.5; [int]3.5; [int]'  7 '; [int]'0x10'; [int]$null", "2|4|7|16|0")]
    [TestCase("[string]42 + 1", "421")]
    [TestCase("[bool]'false'; [bool]0; [bool]''", "True|False|False")]
    [TestCase("[char]65; [double]'1.5' * 2; [long]'9999999999'", "A|3|9999999999")]
    [TestCase("([int[]]('1', '2'))[1] + 1", "3")]
    [TestCase("[void](1 + 1); 'after'", "after")]
    [TestCase("$s = 'abc'; $s -is [string]; 5 -is [int]; 5 -is [string]; $null -is [object]; @(1) -is [array]; 5 -isnot [string]; 5 -is [ValueType]",
        "True|True|False|False|True|True|True")]
    [TestCase("'12' -as [int]; 'x' -as [int]; ('7' -as [int]) + 1", "12|8")]
    [TestCase("[Math]::Round(2.5); [Math]::Round(3.14159, 2); [Math]::Max(3, 7); [Math]::Abs(-4); [Math]::Pow(2, 10); [Math]::Floor(2.7)", "2|3.14|7|4|1024|2")]
    [TestCase("[string]::IsNullOrEmpty(''); [string]::IsNullOrEmpty('x'); [string]::Join(',', (1, 2, 3))", "True|False|1,2,3")]
    [TestCase("[int]::MaxValue; [int]::MaxValue + 1", "2147483647|2147483648")]
    [TestCase("'abc'.Length; 'abc'.ToUpper(); \"x-y\".Split('-')[1]", "3|ABC|y")]
    [TestCase("6 -band 3; 6 -bor 3; 6 -bxor 3; 1 -shl 4; 256 -shr 2; -bnot 0", "2|7|5|16|64|-1")]
    [TestCase("3 + 4 -band 6; 1 -eq 1 -band 0", "6|0")]
    [TestCase("[DateTime]::UtcNow -is [datetime]; ([datetime]'2024-03-01').ToString('yyyy-MM-dd')", "True|2024-03-01")]
    [TestCase("'on ' + [Environment]::MachineName", "on TESTHOST01")]
    [TestCase("$h = [ordered]@{ Name = 'web'; Port = 80 }; $o = [PSCustomObject]$h; $o.Port; $o -is [PSCustomObject]; $h -is [PSCustomObject]; 5 -is [psobject]", "80|True|False|False")]
    [TestCase("$s = Get-Service; $s[0] -is [System.ServiceProcess.ServiceController]; $s[0] -is [ServiceController]; $s[0] -is [psobject]", "True|True|True")]
    [TestCase("[int]$n = '5'; $n + 1; [string[]]$names = 1, 2; $names[1] + 'x'", "6|2x")]
    public async Task Types_casts_static_members_and_bitwise_operators_work_as_in_PowerShell(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    // pwsh 7.6.9 printed the same (Decimal's overloads: exact, a Decimal result).
    [TestCase("[decimal]::Round(2.345, 2); [decimal]::Round(2.5); [decimal]::Round(2.345, 2, [MidpointRounding]::AwayFromZero); [decimal]::Round(2.345, 2).GetType().Name", "2.34|2|2.35|Decimal")]
    [TestCase("[math]::Round([decimal]2.345, 2).GetType().Name; [math]::Round([decimal]2.5); [math]::Floor([decimal]2.7).GetType().Name; [math]::Abs([decimal]-2.5); [math]::Round(2.345, 2).GetType().Name", "Decimal|2|Decimal|2.5|Double")]
    [TestCase("[decimal]::Floor(2.7); [decimal]::Ceiling(2.1); [decimal]::Truncate(-2.7); [decimal]::MaxValue; [decimal]::Parse('1.5') + 1; [decimal]::Divide(1, 3)", "2|3|-2|79228162514264337593543950335|2.5|0.3333333333333333333333333333")]
    [TestCase("try { [decimal]::Divide(1, 0) } catch { \"$_\" }", "Exception calling \"Divide\" with \"2\" argument(s): \"Attempted to divide by zero.\"")]
    public async Task Decimal_s_static_methods_and_Math_s_given_a_decimal_answer_exactly_in_Decimal(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [TestCase("[int]'abc'", "InvalidCastFromStringToInteger", "Cannot convert value \"abc\" to type \"System.Int32\". Error: \"Input string was not in a correct format.\"")]
    [TestCase("[int]3e10", "InvalidCastIConvertible", "Cannot convert value \"30000000000\" to type \"System.Int32\". Error: \"Value was either too large or too small for an Int32.\"")]
    [TestCase("[Math]::Frobnicate(1)", "MethodNotFound", "Method invocation failed because [System.Math] does not contain a method named 'Frobnicate'.")]
    // A type constraint's conversion fails as ArgumentTypeConverterAttribute's: RuntimeException (pwsh 7.6: MetadataError, ArgumentTransformationMetadataException).
    [TestCase("[int]$n = 'abc'", "RuntimeException", "Cannot convert value \"abc\" to type \"System.Int32\". Error: \"Input string was not in a correct format.\"")]
    [TestCase("[int]$a, $b = 'x', 2", "RuntimeException", "Cannot convert value \"x\" to type \"System.Int32\". Error: \"Input string was not in a correct format.\"")]
    public async Task A_value_that_does_not_convert_is_the_statement_s_error_and_the_script_goes_on(string statement, string id, string message)
    {
        await AssertOneErrorThenNextAsync(statement, id, message);
    }

    [Test]
    public async Task An_unknown_command_with_its_own_ErrorAction_under_the_Stop_preference_fails_the_script_once()
    {
        // The command was never found, so its -ErrorAction is nobody's parameter: the preference makes its
        // CommandNotFoundException terminating (this used to wrap the statement again and again, without end).
        var (host, outcome) = await RunAsync("$ErrorActionPreference = 'Stop'; Get-Frob -ErrorAction SilentlyContinue; 'never'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(TestErrors.Read((PsObject)outcome.ErrorRecord!).FullyQualifiedErrorId, Is.EqualTo("CommandNotFoundException"));
        Assert.That(host.OutputTexts, Is.Empty);
    }

    [TestCase("Write-Verbose 'quiet'; Write-Debug 'quiet too'; 'after'", "", "after")]
    [TestCase("$VerbosePreference = 'Continue'; Write-Verbose \"n=$(1 + 1)\"; Write-Debug 'not shown'", "Verbose:n=2", "")]
    [TestCase("$DebugPreference = 'Continue'; Write-Debug -Message 'd'", "Debug:d", "")]
    [TestCase("$VerbosePreference = 'Continue'; Write-Verbose -Message 'x' -Verbose:$false; Write-Verbose $VerbosePreference", "Verbose:Continue", "")]
    [TestCase("$x = 'v'; Write-Verbose \"$x\" -Verbose", "Verbose:v", "")]
    public async Task Write_Verbose_and_Write_Debug_write_only_as_their_preference_says(string script, string records, string output)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors, Is.Empty);
        var written = host.Records.Select(r => r switch
        {
            VerboseRecordMessage v => "Verbose:" + v.Message,
            DebugRecordMessage d => "Debug:" + d.Message,
            _ => null,
        }).Where(r => r is not null);
        Assert.That(string.Join("|", written), Is.EqualTo(records));
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(output));
    }

    [Test]
    public async Task Write_Verbose_without_a_message_is_PowerShell_s_missing_parameter_error()
    {
        var (host, outcome) = await RunAsync("Write-Verbose; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("MissingMandatoryParameter,Microsoft.PowerShell.Commands.WriteVerboseCommand"));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [TestCase("$h = @{}; $h['a'] = 1; $h.b = 2; $h.Count; $h.ContainsKey('a'); $h.Keys.Count; $h['a'] += 5; $h.a", "2|True|2|6")]
    [TestCase("$o = [PSCustomObject]@{ Name = 'x' }; $o.Name = 'y'; $o.Name", "y")]
    [TestCase("$a = 1, 2, 3; $b = $a; $a[1] = 5; $a[-1] = 9; $a -join ','; $b -join ','", "1,5,9|1,5,9")]
    [TestCase("$h = @{ a = 1 }; $h.Add('b', 2); $h.Remove('a'); $h.Keys; $h.ContainsValue(2)", "b|True")]
    [TestCase("$list = [System.Collections.ArrayList]@(); [void]$list.Add('x'); $list.Add('y'); $list.Insert(0, 'w'); $list.Remove('x'); $list -join ','", "1|w,y")]
    [TestCase("$list = [System.Collections.ArrayList]::new(); $list.Add(1) | Out-Null; $list.Count; $empty = @(); $empty.Count; $empty -is [array]", "1|0|True")]
    // Length is an array's: an ArrayList or a List has Count only, and its Length enumerates the items' Length.
    [TestCase("$list = [System.Collections.ArrayList]@('x', 'yz'); $list.Count; $list.Length; $array = 'x', 'yz'; $array.Length", "2|1|2|2")]
    [TestCase("$list = [System.Collections.Generic.List[string]]@('abc'); $list.Length", "3")]
    [TestCase("$list = [System.Collections.ArrayList]@(1, 2); $a = [array]$list; $a.GetType().FullName; $a.Count; [array]$b = $list; $b -is [array]; ([array](1, 2)).GetType().FullName", "System.Object[]|2|True|System.Object[]")]
    [TestCase("$a = 1, 2, 3; foreach ($i in $a) { $a[0] = 10 * $i; $i }; $a[0]", "1|2|3|30")]
    [TestCase("$config = @{ Server = @{ Port = 80 } }; $config.Server.Port = 8080; $config['Server']['Name'] = 'web'; \"$($config.Server.Port) $($config.Server.Name)\"", "8080 web")]
    public async Task Elements_of_hashtables_arrays_and_objects_are_set_in_place(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    // PowerShell's @{} is a Hashtable with a case-insensitive string comparer: other keys compare by type and value.
    [TestCase("$h = @{}; $h[1] = 'int'; $h['1'] = 'string'; $h.Count; $h[1]; $h['1']", "2|int|string")]
    [TestCase("$h = @{ Name = 1 }; $h['NAME']; $h.name; $h.ContainsKey('nAmE')", "1|1|True")]
    [TestCase("$h = @{ 1 = 'number'; '2' = 'text' }; $h[1]; $null -eq $h['1']; $h['2']; $null -eq $h[2]", "number|True|text|True")]
    [TestCase("$h = @{}; $h[1] = 'a'; $null -eq $h[[long]1]; $null -eq $h[1.0]; $h.ContainsKey(1)", "True|True|True")]
    [TestCase("$h = @{}; foreach ($i in 1..50000) { $h[\"k$i\"] = $i }; $h.Count; $h['K49999']; $h.Remove('k2'); $h['k3']; $h.Count", "50000|49999|3|49999")]
    [TestCase("$h = @{}; foreach ($i in 1..40) { $h.Add($i, $i * 2) }; $h.Remove(5); $h[6]; $h.ContainsKey(5); $h.Clear(); $h.Count; $h[1] = 'x'; $h[1]", "12|False|0|x")]
    public async Task Hashtable_keys_compare_as_powershell_s_hashtable_compares_them(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    // A string shows a collection's items as their ToString, not their own items, as PowerShell does: so a list that
    // holds itself cannot recurse for ever (it overflowed the stack and ended the emulator's process), and an array
    // held many times over cannot make a string of 4^30 items.
    [TestCase("\"$(1, (2, 3))\"", "1 System.Object[]")]
    [TestCase("$l = [System.Collections.ArrayList]::new(); [void]$l.Add(1); [void]$l.Add($l); \"$l\"", "1 System.Collections.ArrayList")]
    [TestCase("$a = 'x'; foreach ($i in 1..30) { $a = @($a, $a, $a, $a) }; \"$a\"", "System.Object[] System.Object[] System.Object[] System.Object[]")]
    [TestCase("$l = [System.Collections.ArrayList]::new(); [void]$l.Add($l); ($l | Out-String).Length -gt 0", "True")]
    [TestCase("$h = @{}; $h['self'] = $h; ($h | ConvertTo-Json -Depth 100 -Compress).StartsWith('{\"self\":{\"self\":')", "True")]
    public async Task Collections_that_hold_themselves_are_written_with_bounded_work(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [TestCase("$a = 1, 2; $a[5] = 1", "System.IndexOutOfRangeException", "Index was outside the bounds of the array.")]
    [TestCase("$o = [PSCustomObject]@{ Name = 'x' }; $o.Size = 1", "PropertyNotFound", "The property 'Size' cannot be found on this object. Verify that the property exists and can be set.")]
    [TestCase("$nothing[0] = 1", "NullArray", "Cannot index into a null array.")]
    [TestCase("$h = @{ a = 1 }; $h.Add('a', 2)", "ArgumentException", "Exception calling \"Add\" with \"2\" argument(s): \"Item has already been added. Key in dictionary: 'a'  Key being added: 'a'\"")]
    [TestCase("$h = @{ a = 1 }; $h.Add('A', 2)", "ArgumentException", "Exception calling \"Add\" with \"2\" argument(s): \"Item has already been added. Key in dictionary: 'a'  Key being added: 'A'\"")]
    [TestCase("$l = [System.Collections.ArrayList](1, 2); foreach ($i in $l) { [void]$l.Add($i) }", "System.InvalidOperationException", "Collection was modified; enumeration operation may not execute.")]
    [TestCase("$a = 1, 2; $a.Add(3)", "NotSupportedException", "Exception calling \"Add\" with \"1\" argument(s): \"Collection was of a fixed size.\"")]
    public async Task An_element_PowerShell_cannot_set_is_the_statement_s_error(string script, string id, string message)
    {
        await AssertOneErrorThenNextAsync(script, id, message);
    }

    [TestCase("$h = @{}; $i = 0; while ($true) { $h[$i] = 1; $i++ }", "a hashtable grows to at most 100000 keys in the emulator")]
    [TestCase("$h = @{}; $i = 0; while ($true) { $h.Add($i, 1); $i++ }", "a hashtable grows to at most 100000 keys in the emulator")]
    [TestCase("$l = [System.Collections.ArrayList](1..100000); while ($true) { [void]$l.Add(1) }", "a list grows to at most 100000 items in the emulator")]
    public async Task A_collection_growing_without_end_fails_the_pipeline_at_the_emulator_s_limit(string script, string reason)
    {
        var (_, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(TestErrors.Read((PsObject)outcome.ErrorRecord!).Message, Is.EqualTo(reason));
    }

    [Test]
    public async Task A_session_changing_PSVersionTable_in_place_changes_no_other_read_of_it()
    {
        var automatic = new PsrpEmulator.Server.Shells.ShellServices(new PsrpEmulator.Server.Hosting.EmulatorOptions(), Default, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            new PsrpEmulator.Server.Diagnostics.Journal(100), PsrpEmulator.Server.Hosting.ScenarioSettings.Empty);
        var first = automatic.AutomaticVariable("PSVersionTable");
        ScriptExpressions.SetElement(first, PsPrimitive.String("PSEdition"), isIndex: true, PsPrimitive.String("Changed"));

        var second = (PsObject)automatic.AutomaticVariable("PSVersionTable")!;

        Assert.That(PsrpEmulator.Protocol.Psrp.PsrpObjects.GetEntry(second, "PSEdition")?.ToDisplayString(), Is.Not.EqualTo("Changed"));
    }

    [Test]
    public void PSVersionTable_lists_its_keys_in_Windows_PowerShell_5_1_s_order_not_the_wire_copy_s()
    {
        var automatic = new PsrpEmulator.Server.Shells.ShellServices(new PsrpEmulator.Server.Hosting.EmulatorOptions(), Default, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            new PsrpEmulator.Server.Diagnostics.Journal(100), PsrpEmulator.Server.Hosting.ScenarioSettings.Empty);

        var table = (PsObject)automatic.AutomaticVariable("PSVersionTable")!;

        Assert.That(table.Entries.Select(e => e.Key.ToDisplayString()), Is.EqualTo(new[]
        {
            "PSVersion", "PSEdition", "PSCompatibleVersions", "BuildVersion", "CLRVersion", "WSManStackVersion", "PSRemotingProtocolVersion", "SerializationVersion",
        }));
    }

    [TestCase("Get-Frob; $?; 'ok'; $?", "False|ok|True")]
    [TestCase("Write-Error 'bad'; if (-not $?) { 'failed' } else { 'fine' }", "failed")]
    [TestCase("$x = Get-Frob; $?", "False")]
    [TestCase("Write-Error 'hidden' -ErrorAction SilentlyContinue; $?; 1 / 0; $?", "False|False")]
    [TestCase("$?", "True")]
    public async Task Dollar_question_mark_is_whether_the_statement_before_wrote_no_error(string script, string expected)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [TestCase("Start-Sleep -Milliseconds 1500; 'woke'", 1500)]
    [TestCase("$wait = 2; Start-Sleep -Seconds $wait; 'woke'", 2000)]
    [TestCase("Start-Sleep -m (250 * 2); 'woke'", 500)]
    // [Threading.Thread]::Sleep sleeps so too (milliseconds, or a TimeSpan).
    [TestCase("[System.Threading.Thread]::Sleep(1500); 'woke'", 1500)]
    [TestCase("[Threading.Thread]::Sleep([timespan]::FromSeconds(2)); 'woke'", 2000)]
    public async Task Start_Sleep_in_any_form_sleeps_on_the_session_s_clock(string script, int milliseconds)
    {
        var time = new FakeTimeProvider();
        var host = new RecordingHost { Runspace = new RunspaceState() };
        var run = Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, time);

        time.Advance(TimeSpan.FromMilliseconds(milliseconds - 1));
        Assert.That(host.OutputTexts, Is.Empty, "still asleep");
        time.Advance(TimeSpan.FromMilliseconds(1));
        var outcome = await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "woke" }));
    }

    [TestCase("Start-Sleep -Milliseconds -1", "Cannot validate argument on parameter 'Milliseconds'. The -1 argument is less than the minimum allowed range of 0. Supply an argument that is greater than or equal to 0 and then try the command again.")]
    [TestCase("Start-Sleep -Frob 1", "A parameter cannot be found that matches parameter name 'Frob'.")]
    [TestCase("[System.Threading.Thread]::Sleep(-2)", "Exception calling \"Sleep\" with \"1\" argument(s): \"Number must be either non-negative and less than or equal to Int32.MaxValue or -1.\r\nParameter name: millisecondsTimeout\"")]
    public async Task Start_Sleep_refuses_what_PowerShell_refuses_and_sleeps_not(string statement, string message)
    {
        var (host, outcome) = await RunAsync(statement + "; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { message }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [TestCase("break; 'never'")]
    [TestCase("continue; 'never'")]
    public async Task Break_or_continue_outside_a_loop_ends_the_script(string script)
    {
        var (host, outcome) = await RunAsync("'before'; " + script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "before" }));
    }

    [Test]
    public async Task Deeply_nested_client_statements_are_refused_without_exhausting_the_stack()
    {
        var script = string.Concat(Enumerable.Repeat("if ($true) { ", 5000)) + "'deep'" + new string('}', 5000);

        var (_, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
    }

    [TestCase(100_000)]
    public async Task Long_chains_of_operators_are_refused_without_exhausting_the_stack(int count)
    {
        var chain = string.Concat(Enumerable.Repeat("1 -eq ", count)) + "1";
        var nots = string.Concat(Enumerable.Repeat("-not ", count)) + "$true";

        var (_, chained) = await RunAsync(chain);
        var (_, negated) = await RunAsync(nots);

        Assert.That(chained.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(negated.State, Is.EqualTo(PSInvocationState.Failed));
    }

    [Test]
    public async Task A_long_foreach_is_stopped_by_cancellation()
    {
        var host = new RecordingHost { Runspace = new RunspaceState() };
        using var stop = new CancellationTokenSource();
        var create = new CreatePipeline([new PipelineCommand("foreach ($i in 1..200000) { $i }", IsScript: true, [])], NoInput: true);
        stop.CancelAfter(TimeSpan.FromMilliseconds(50));

        var outcome = await Default.Resolve(create).RunTestAsync(host, new FakeTimeProvider(), stop.Token);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Stopped));
        Assert.That(host.Outputs.Count, Is.LessThan(200000));
    }

    [TestCase("& { param($x) $x * 2 } 21", "42")]
    [TestCase("$result = & { param($x) $x * 2 } 21; $result", "42")]
    [TestCase("& { param($a, $b) \"$a-$b\" } -b 2 -a 1", "1-2")]
    [TestCase("& { $args[0] + $args[1] } 3 4", "7")]
    [TestCase("& { param($x) $x } 'a' | ForEach-Object { $_ + '!' }", "a!")]
    [TestCase(". { param($n) \"n=$n\" } 5", "n=5")]
    [TestCase("&{param($x)$x} 9", "9")]
    public async Task A_script_block_invoked_with_arguments_binds_them_as_a_functions(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    /// <summary>
    /// <c>&amp;</c> runs a script block in a child scope (its assignments are its own, it reads its caller's), <c>.</c> in
    /// the caller's; a block kept in a variable is a ScriptBlock that either runs, and shows as its text. Expected
    /// values are PowerShell 7.6's.
    /// </summary>
    [TestCase("$a = 1; & { $a = 2; $a }; $a", "2|1")]
    [TestCase("$a = 1; . { $a = 3 }; $a", "3")]
    [TestCase("$n = 0; & { $n++; $n }; $n", "1|0")]
    [TestCase("& { $script:c = 7 }; $c", "7")]
    [TestCase("& { $inner = 'set' }; \"[$inner]\"", "[]")]
    [TestCase("$sb = { $b = 5; $b }; $b = 1; & $sb; $b; . $sb; $b", "5|1|5|5")]
    [TestCase("$f = { param($x) \"x=$x\" }; & $f 3; &$f 4", "x=3|x=4")]
    [TestCase("$s = { 1 + 1 }; $s; $s.GetType().FullName", " 1 + 1 |System.Management.Automation.ScriptBlock")]
    [TestCase("$sb = { $_ * 2 }; 1..3 | ForEach-Object $sb", "2|4|6")]
    [TestCase("$w = { $_ -gt 1 }; 1..3 | Where-Object -FilterScript $w", "2|3")]
    [TestCase("$sb = { param($a, $b) $a + $b }; $r = $sb.Invoke(2, 3); $r; $r.GetType().Name", "5|Collection`1")]
    [TestCase("$sb = { \"hi $args\" }; $sb.Invoke('x'); $sb.InvokeReturnAsIs('y')", "hi x|hi y")]
    [TestCase("$sb = [scriptblock]::Create('1 + 2'); & $sb; $sb", "3|1 + 2")]
    [TestCase("$sb = { param($p) $p }; Invoke-Command -ScriptBlock $sb -ArgumentList 5", "5")]
    public async Task A_script_block_runs_in_a_child_scope_with_the_call_operator_and_in_the_caller_s_when_dot_sourced(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    /// <summary>A function defined in a function or a <c>&amp; { }</c> block is that scope's own (PowerShell 7.6), unless written global:.</summary>
    [TestCase("& { function g { 'g' }; g }; g", "g", "g")]
    [TestCase("function outer { function inner { 'in' }; inner }; outer; inner", "in", "inner")]
    public async Task A_function_defined_in_a_child_scope_is_gone_when_the_scope_ends(string script, string output, string unknown)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { output }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "CommandNotFoundException" }));
        Assert.That(host.Errors[0].Message, Does.StartWith($"The term '{unknown}' is not recognized"));
    }

    [TestCase("function outer { function inner { 'in' }; (Get-Command inner).CommandType; (Get-Command inn*).Name }; outer; @(Get-Command inner -ErrorAction SilentlyContinue).Count",
        "Function|inner|0")]
    [TestCase("& { function global:hh { 'h' } }; hh", "h")]
    [TestCase("function f { 'f' }; & { f }", "f")]
    [TestCase("function fact($n) { if ($n -le 1) { 1 } else { $n * (fact ($n - 1)) } }; fact 5", "120")]
    public async Task A_function_of_an_outer_scope_or_defined_global_is_seen_from_inner_ones(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    [TestCase("$r = Invoke-Command -ScriptBlock { 42 }; $r", "42")]
    [TestCase("Invoke-Command { param($a, $b) $a + $b } -ArgumentList 2, 3", "5")]
    [TestCase("$n = 5; icm { $args[0] * 2 } -Args $n; $PsrpEmulatorInvokeArguments -eq $null", "10|True")]
    [TestCase("Invoke-Command -ScriptBlock { 'x'; 'y' } | ForEach-Object { $_ + '!' }", "x!|y!")]
    // Each block is its own braces: two calls in one script are two statements, not one block spanning them.
    [TestCase("Invoke-Command { param($p) \"p=$p\" } -ArgumentList 5; Invoke-Command { \"a=$($args[0])\" } -ArgumentList C:\\x", "p=5|a=C:\\x")]
    [TestCase("Invoke-Command { if ($true) { '{' } }; Invoke-Command { \"{0}\" -f 1 }", "{|1")]
    [TestCase("Start-Job { 1 } -Name one; Start-Job { 2 } -Name two", "System.Management.Automation.PSRemotingJob|System.Management.Automation.PSRemotingJob")]
    public async Task Invoke_Command_of_a_script_block_without_a_computer_runs_it_in_the_session(string script, string expected) =>
        Assert.That(string.Join("|", await OutputOfAsync(script)), Is.EqualTo(expected));

    /// <summary>A static method through a variable that holds $null (Add-Type that failed) is PowerShell's InvokeMethodOnNull, and the script goes on.</summary>
    [Test]
    public async Task A_static_method_through_a_null_variable_is_invoke_method_on_null()
    {
        var host = new RecordingHost();
        await Default.Resolve(Behaviour.Script("$type = $null; $type::Shutdown(); 'after'")).RunTestAsync(host, TimeProvider.System);

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "InvokeMethodOnNull" }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
    }

    /// <summary>ConfigureRemotingForAnsible.ps1's <c>Get-PSSessionConfiguration -Verbose:$false</c>: a cmdlet's -Verbose and -Debug change nothing the emulator writes.</summary>
    [TestCase("$v = 5; (Get-Variable v -Verbose:$false | Select-Object -First 1).Value", "5")]
    [TestCase("(Get-Service WinRM -Verbose:$false).Name", "WinRM")]
    [TestCase("(Get-Item C:\\Windows -Verbose).Name", "Windows")]
    [TestCase("(Get-ChildItem C:\\ -vb -Debug | Select-Object -First 1).Name", "PerfLogs")]
    public async Task A_cmdlets_verbose_and_debug_switches_are_taken_off(string statement, string expected)
    {
        var (host, _) = await RunAsync(statement);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { expected }));
    }

    [Test]
    public async Task A_functions_and_write_verboses_own_verbose_switch_still_writes()
    {
        var (host, _) = await RunAsync("function f { [CmdletBinding()] param() Write-Verbose 'from f' }; f -Verbose; f; Write-Verbose 'direct' -Verbose");

        Assert.That(host.Records.OfType<VerboseRecordMessage>().Select(v => v.Message), Is.EqualTo(new[] { "from f", "direct" }));
    }

    /// <summary>Serverspec's file content check: <c>Get-Content(path) | Write-Host</c>; its port check <c>... | %{ ... }</c>.</summary>
    [Test]
    public async Task Objects_piped_to_write_output_write_host_and_out_host_go_where_those_cmdlets_send_them()
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), HostUI = call => new PipelineHostResponse(call.CallId, call.MethodId, null) };
        var create = new CreatePipeline([new PipelineCommand("1, 2 | Write-Output; 'a', 'b' | Write-Host; 3 | Out-Host; 4 | %{ $_ * 2 }; 5, 6 | ?{ $_ -gt 5 }; 7 | where{ $_ }", IsScript: true, [])], NoInput: true);
        await Default.Resolve(create).RunTestAsync(host, new FakeTimeProvider());

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "1", "2", "8", "6", "7" }));
        var written = host.Records.OfType<InformationRecordMessage>().ToList();
        Assert.That(written.Select(r => (r.Source, ((PsObject)r.MessageData)["Message"]?.ToDisplayString())), Is.EqualTo(new[] { ("Write-Host", "a"), ("Write-Host", "b") }));
        Assert.That(host.HostCalls.Where(c => c.MethodId == RemoteHostMethodId.WriteLine2).Select(c => c.Parameters[0].ToDisplayString()), Is.EqualTo(new[] { "3" }));
    }

    /// <summary>specinfra's feature check: <c>@(ListWindowsFeatures ...).count</c> of a function returning an empty pipeline's result.</summary>
    [TestCase("$x = & {}; @($x).Count", "0")]
    [TestCase("$x = 1 | Where-Object { $false }; @($x).Count", "0")]
    [TestCase("function f { $x = 1 | Where-Object { $false }; return $x }; @(f).Count", "0")]
    [TestCase("$x = & {}; $null -eq $x", "True")]
    [TestCase("$x = $null; @($x).Count", "1")]
    [TestCase("@($null).Count", "1")]
    public async Task An_empty_pipelines_result_is_null_that_an_array_of_it_does_not_hold(string script, string expected)
    {
        Assert.That(await OutputOfAsync(script), Is.EqualTo(new[] { expected }));
    }

    /// <summary>specinfra's is_port_listening.ps1: <c>[array] $networkIPs += "0.0.0.0"</c> on a string.</summary>
    [Test]
    public async Task A_typed_compound_assignment_converts_the_variable_first()
    {
        Assert.That(await OutputOfAsync("$n = '127.0.0.1'; [array] $n += '0.0.0.0'; $n.Count; $n[1]; [int]$i = 5; [int]$i += '3'; $i"),
            Is.EqualTo(new[] { "2", "0.0.0.0", "8" }));
    }

    /// <summary>specinfra's list_windows_features.ps1: <c>$features = for (...)</c> with the loop's block on the next line.</summary>
    [Test]
    public async Task An_assigned_loops_block_may_open_on_the_next_line()
    {
        Assert.That(await OutputOfAsync("$f = for ($i = 0; $i -lt 4; $i += 2)\n{\n    $i\n}\n$f -join ','\n$g = foreach ($k in 1, 2)\n{ $k * 2 }\n$g -join ','"),
            Is.EqualTo(new[] { "0,2", "2,4" }));
    }
}
