using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>Set-StrictMode's checks of variables never set, of missing properties and of array bounds, as Windows PowerShell 5.1 makes them.</summary>
public class StrictModeTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<RecordingHost> RunAsync(string script)
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), Automatic = RecordingHost.ServerAutomaticVariables() };
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider());
        return host;
    }

    [TestCase("Set-StrictMode -Version 1.0; $notset; 'after'")]
    [TestCase("Set-StrictMode -Version Latest; if ($notset) { 'yes' }; 'after'")]
    [TestCase("Set-StrictMode -Version 2; $x = $notset + 1; 'after'")]
    [TestCase("Set-StrictMode -Version 3.0; Write-Output $notset; 'after'")]
    [TestCase("Set-StrictMode -Version 2.0; \"value: $notset\"; 'after'")]
    [TestCase("Set-StrictMode -Version Latest; $notset.Length; 'after'")]
    [TestCase("Set-StrictMode -Version 1; $notset += 1; 'after'")]
    [TestCase("Set-StrictMode -Version Latest; $notset++; 'after'")]
    [TestCase("Set-PSDebug -Strict; $notset; 'after'")]
    [TestCase("Set-PSDebug -Trace 0 -Strict; $notset; 'after'")]
    public async Task Reading_a_variable_never_set_under_strict_mode_is_the_statement_s_VariableIsUndefined_error(string script)
    {
        var host = await RunAsync(script);

        var error = host.Errors.Single();
        Assert.That((error.Message, error.FullyQualifiedErrorId, error.Category, error.ExceptionType, error.TargetName), Is.EqualTo((
            "The variable '$notset' cannot be retrieved because it has not been set.", "VariableIsUndefined", ErrorCategory.InvalidOperation,
            "System.Management.Automation.RuntimeException", "notset")));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }), "the error ends the statement, not the script");
    }

    [TestCase("$notset; \"[$notset]\"; 'after'", "|[]|after")]
    [TestCase("Set-StrictMode -Version 1; \"[$notset]\"", "[]")]
    [TestCase("Set-StrictMode -Version Latest; $x = $null; $x; $x -eq $null; Set-StrictMode -Off; $notset; 'off'", "|True||off")]
    [TestCase("Set-StrictMode -Version Latest; function f($a, [switch]$s) { if ($a) { 'yes' } else { 'no' }; $s.IsPresent; $args.Count }; f; f 1 -s 2", "no|False|0|yes|True|1")]
    [TestCase("Set-StrictMode -Version Latest; foreach ($i in 1..2) { $i }; 1..2 | ForEach-Object { $_ * 10 }; try { $missing } catch { $_.FullyQualifiedErrorId }", "1|2|10|20|VariableIsUndefined")]
    [TestCase("Set-PSDebug -Strict; Set-PSDebug -Off; $notset; Set-PSDebug; 'off'", "|off")]
    [TestCase("Set-StrictMode -Version Latest; Test-Path variable:notset; $env:NOT_SET_EITHER; \"$env:COMPUTERNAME\".Length -gt 0", "False||True")]
    public async Task Defined_variables_and_strict_mode_off_read_as_before(string script, string expected)
    {
        var host = await RunAsync(script);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [TestCase("Set-PSDebug -Trace 3", "ParameterArgumentValidationError,Microsoft.PowerShell.Commands.SetPSDebugCommand")]
    [TestCase("Set-PSDebug -Off -Strict", "AmbiguousParameterSet,Microsoft.PowerShell.Commands.SetPSDebugCommand")]
    [TestCase("Set-PSDebug -Trace 1", "PsrpEmulator.ScenarioError")]
    public async Task Set_PSDebug_refuses_what_PowerShell_refuses_and_tracing_is_a_scenario_error(string script, string errorId)
    {
        var host = await RunAsync(script + "; 'after'");

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId).First(), Is.EqualTo(errorId));
    }

    [Test]
    public async Task The_automatic_and_preference_variables_a_session_has_are_defined_under_strict_mode()
    {
        var host = await RunAsync("Set-StrictMode -Version Latest; " +
            "$null -ne $PSVersionTable; $null -ne $Host; $PID -gt 0; $ErrorActionPreference; $Error.Count -ge 0; $true; $false; " +
            "$null -ne $MyInvocation; $ConfirmPreference; $VerbosePreference; $WarningPreference; $DebugPreference; $ProgressPreference; $InformationPreference; " +
            "$WhatIfPreference; $null -ne $ExecutionContext; $ShellId; $FormatEnumerationLimit; $MaximumHistoryCount; $null -ne $PSHOME; " +
            "$null -eq $PSSessionOption; $PSDefaultParameterValues.Count; $NestedPromptLevel; $PSEmailServer; $StackTrace; $null -ne $PSEdition; $ErrorView; $null -ne $OutputEncoding");

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Has.Member("Microsoft.PowerShell"));
    }

    [Test]
    public async Task Strict_mode_lasts_for_the_session_s_later_pipelines_whose_whole_script_a_rule_answers()
    {
        var runspace = new RunspaceState();
        var first = new RecordingHost { Runspace = runspace };
        await Default.Resolve(Behaviour.Script("Set-StrictMode -Version 2")).RunTestAsync(first, new FakeTimeProvider());
        var second = new RecordingHost { Runspace = runspace };

        var outcome = await Default.Resolve(Behaviour.Script("\"value: $notset\"")).RunTestAsync(second, new FakeTimeProvider());

        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(second.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "VariableIsUndefined" }));
    }

    [Test]
    public async Task LASTEXITCODE_and_Matches_are_unset_until_a_program_or_a_match_sets_them_as_in_PowerShell()
    {
        var host = await RunAsync("Set-StrictMode -Version Latest; $LASTEXITCODE; $Matches; 'abc' -match 'b' | Out-Null; $Matches[0]");

        Assert.That(host.Errors.Select(e => e.Message).ToArray(), Is.EqualTo(new[]
        {
            "The variable '$LASTEXITCODE' cannot be retrieved because it has not been set.", "The variable '$Matches' cannot be retrieved because it has not been set.",
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "b" }));
    }

    [TestCase("Set-StrictMode -Version 2; $o = [pscustomobject]@{ a = 1 }; $o.b; 'after'", "b")]
    [TestCase("Set-StrictMode -Version Latest; 'text'.Lenght; 'after'", "Lenght")]
    [TestCase("Set-StrictMode -Version 2; (Get-Service WinRM).Stat; 'after'", "Stat")]
    [TestCase("Set-StrictMode -Version 2; $n = 5; $n.Count; 'after'", "Count")]
    [TestCase("Set-StrictMode -Version 2; [pscustomobject]@{ a = 1 } | ForEach-Object { $_.Missing }; 'after'", "Missing")]
    [TestCase("Set-StrictMode -Version 2; $n = $null; $n.Name; 'after'", "Name")]
    [TestCase("Set-StrictMode -Version Latest; $n = $null; $n.Count; 'after'", "Count")]
    [TestCase("Set-StrictMode -Version 2; (Get-ChildItem C:\\NoSuchFolder* ).FullName; 'after'", "FullName")]
    [TestCase("Set-StrictMode -Version 2; $o = [pscustomobject]@{ a = $null }; $o.a.b; 'after'", "b")]
    [TestCase("Set-StrictMode -Version 2; $h = @{ k = 1 }; $h.kk; 'after'", "kk")]
    [TestCase("Set-StrictMode -Version 2; $h = [ordered]@{ k = 1 }; $h.kk; 'after'", "kk")]
    [TestCase("Set-StrictMode -Version 2; @([pscustomobject]@{ a = 1 }, [pscustomobject]@{ b = 2 }).a; 'after'", "a")]
    [TestCase("Set-StrictMode -Version 2; @(@{ a = 1 }, $null).a; 'after'", "a")]
    [TestCase("Set-StrictMode -Version 2; ([System.Collections.ArrayList]@(1, 2)).Length; 'after'", "Length")]
    public async Task Reading_a_property_an_object_has_not_from_version_2_is_PropertyNotFoundStrict(string script, string name)
    {
        var host = await RunAsync(script);

        var error = host.Errors.Single();
        Assert.That((error.Message, error.FullyQualifiedErrorId, error.Category, error.ExceptionType), Is.EqualTo((
            $"The property '{name}' cannot be found on this object. Verify that the property exists.", "PropertyNotFoundStrict",
            ErrorCategory.NotSpecified, "System.Management.Automation.PropertyNotFoundException")));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
    }

    [Test]
    public async Task Properties_an_object_has_read_as_before_under_strict_mode_and_version_1_allows_missing_ones()
    {
        var host = await RunAsync("""
            Set-StrictMode -Version Latest
            $o = [pscustomobject]@{ a = 1; n = $null }
            $o.a; $null -eq $o.n; 'text'.Length; @(1, 2).Count; (Get-Service WinRM).Name; (Get-Date).DisplayHint; $o.psobject.TypeNames[0]
            $null -eq @{ k = 1 }['missing']; @{ k = $null }.k -eq $null; @{ k = 1 }.Keys.Count
            @([pscustomobject]@{ a = 1 }, [pscustomobject]@{ a = 2 }).a -join ','; @('x', 'yz').Length
            try { $o.zz } catch { $_.FullyQualifiedErrorId }
            Set-StrictMode -Version 1; $null -eq $o.b; $null -eq @{ k = 1 }.missing; $null -eq @().x
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "1", "True", "4", "2", "WinRM", "DateTime", "System.Management.Automation.PSCustomObject", "True", "True", "1", "1,2", "2",
            "PropertyNotFoundStrict", "True", "True", "True",
        }));
    }

    [Test]
    public async Task An_index_past_an_array_s_ends_is_an_error_from_version_3_only()
    {
        var host = await RunAsync("""
            $a = 1, 2
            Set-StrictMode -Version 2; $null -eq $a[5]; $a[-1]
            Set-StrictMode -Version 3; $a[-2]; $a[2]; 'after'; $a[-3]
            """);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True", "2", "1", "after" }));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId, e.Category, e.ExceptionType)), Is.EqualTo(Enumerable.Repeat(
            ("Index was outside the bounds of the array.", "System.IndexOutOfRangeException", ErrorCategory.OperationStopped, "System.IndexOutOfRangeException"), 2)));
    }

    [Test]
    public async Task Member_enumeration_over_an_empty_array_is_the_getter_s_own_RuntimeException_from_version_2()
    {
        var host = await RunAsync("Set-StrictMode -Version 2; $a = @(); $a.Name; 'after'; $a.Count");

        var error = host.Errors.Single();
        Assert.That((error.Message, error.FullyQualifiedErrorId, error.Category, error.ExceptionType), Is.EqualTo((
            "The property 'Name' cannot be found on this object. Verify that the property exists.", "PropertyNotFoundStrict",
            ErrorCategory.InvalidOperation, "System.Management.Automation.RuntimeException")));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after", "0" }));
    }

    [TestCase("$d = [System.Collections.Generic.Dictionary[string,int]]::new(); $d.Add('k', 1); $d.k; $d.Count; $d.kk; 'after'", "kk")]
    [TestCase("function f { param($a) $PSBoundParameters.a; $PSBoundParameters.Keys.Count; $PSBoundParameters.b }; f 1; 'after'", "b")]
    public async Task A_dictionary_outside_the_member_table_reads_its_keys_and_own_members_and_a_missing_key_is_PropertyNotFoundStrict(string script, string name)
    {
        var host = await RunAsync("Set-StrictMode -Version 2; " + script);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "1", "1", "after" }));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[]
        {
            ($"The property '{name}' cannot be found on this object. Verify that the property exists.", "PropertyNotFoundStrict"),
        }));
    }

    // A List[string] is outside the member table: its own members read, any other name enumerates its items.
    [TestCase("$l = [System.Collections.Generic.List[string]]::new(); $l.Count; $l.Foo; 'after'", "0|after", ErrorCategory.InvalidOperation)]
    [TestCase("$l = [System.Collections.Generic.List[string]]::new(); $l.Add('ab'); $l.Length; $l.Foo; 'after'", "2|after", ErrorCategory.NotSpecified)]
    public async Task A_list_outside_the_member_table_enumerates_a_name_it_does_not_have(string script, string expected, ErrorCategory category)
    {
        var host = await RunAsync("Set-StrictMode -Version 2; " + script);

        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId, e.Category)), Is.EqualTo(new[]
        {
            ("The property 'Foo' cannot be found on this object. Verify that the property exists.", "PropertyNotFoundStrict", category),
        }));
    }
}
