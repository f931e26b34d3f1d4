using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>Set-StrictMode's check of variables never set, as Windows PowerShell 5.1 makes it.</summary>
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
    [TestCase("Set-StrictMode -Version Latest; Test-Path variable:notset; $env:NOT_SET_EITHER; \"$env:COMPUTERNAME\".Length -gt 0", "False||True")]
    public async Task Defined_variables_and_strict_mode_off_read_as_before(string script, string expected)
    {
        var host = await RunAsync(script);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
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
}
