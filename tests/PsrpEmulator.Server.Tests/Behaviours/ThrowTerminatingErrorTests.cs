using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// <c>[System.Management.Automation.ErrorRecord]::new(...)</c> and an advanced function's
/// <c>$PSCmdlet.ThrowTerminatingError(record)</c>: a statement-terminating error of the function's call (the function
/// stops, the caller's statement ends, the script goes on; a try takes it), its FullyQualifiedErrorId the record's id
/// and the function's name after a comma, as ErrorRecord.FullyQualifiedErrorId gives it for a script command.
/// </summary>
public class ThrowTerminatingErrorTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string script)
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), Automatic = RecordingHost.ServerAutomaticVariables() };
        var outcome = await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider());
        return (host, outcome);
    }

    private const string Throwing = "function Get-Thing { [CmdletBinding()] param($Fail) if ($Fail) { " +
        "$PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new([InvalidOperationException]::new('no thing'), 'NoThing', [System.Management.Automation.ErrorCategory]::ObjectNotFound, $Fail)) }; 'thing' }; ";

    [Test]
    public async Task The_function_stops_its_caller_s_statement_ends_and_the_script_goes_on()
    {
        var (host, outcome) = await RunAsync(Throwing + "Get-Thing; $x = Get-Thing -Fail 'a'; \"x=[$x]\"; 'after'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "thing", "x=[]", "after" }));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId, e.Category, e.ExceptionType, e.TargetName)), Is.EqualTo(new[]
        {
            ("no thing", "NoThing,Get-Thing", ErrorCategory.ObjectNotFound, "System.InvalidOperationException", "a"),
        }));
    }

    [Test]
    public async Task A_try_around_the_call_or_inside_the_function_catches_the_record()
    {
        var (host, _) = await RunAsync(Throwing +
            "try { Get-Thing -Fail 'b'; 'not reached' } catch { $_.FullyQualifiedErrorId }; " +
            "function Get-Other { [CmdletBinding()] param() try { $PSCmdlet.ThrowTerminatingError((New-Object System.Management.Automation.ErrorRecord ([Exception]::new('m')), 'Other', 'InvalidData', $null)) } catch { 'inner ' + $_.FullyQualifiedErrorId } }; Get-Other");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "NoThing,Get-Thing", "inner Other,Get-Other" }));
    }

    [Test]
    public async Task In_a_pipeline_the_function_s_error_ends_the_pipeline_s_statement()
    {
        var (host, _) = await RunAsync(
            "function Test-Item { [CmdletBinding()] param([Parameter(ValueFromPipeline)]$x) process { if ($x -eq 2) { " +
            "$PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new([Exception]::new('two'), 'Two', 'InvalidData', $x)) }; $x } }; 1..3 | Test-Item; 'after'");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "1", "after" }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "Two,Test-Item" }));
    }

    [Test]
    public async Task Anything_but_a_record_is_the_method_s_argument_conversion_error()
    {
        var (host, _) = await RunAsync("function f { [CmdletBinding()] param() $PSCmdlet.ThrowTerminatingError('nope') }; f; 'after'");

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.ExceptionType)), Is.EqualTo(new[] { ("MethodArgumentConversionInvalidCastArgument", "System.Management.Automation.MethodException") }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
    }

    [Test]
    public async Task WriteError_writes_a_non_terminating_record_of_the_function_and_the_function_goes_on()
    {
        var (host, outcome) = await RunAsync(
            "function Get-Thing { [CmdletBinding()] param() " +
            "$PSCmdlet.WriteError([System.Management.Automation.ErrorRecord]::new([Exception]::new('soft'), 'Soft', 'ObjectNotFound', 't1')); 'still here' }; " +
            "Get-Thing; Get-Thing -ErrorAction SilentlyContinue; try { Get-Thing -ErrorAction Stop } catch { 'caught ' + $_.FullyQualifiedErrorId }");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "still here", "still here", "caught Soft,Get-Thing" }));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId, e.Category, e.TargetName)), Is.EqualTo(new[] { ("soft", "Soft,Get-Thing", ErrorCategory.ObjectNotFound, "t1") }));
    }

    [Test]
    public async Task WriteError_of_anything_but_a_record_is_the_method_s_argument_conversion_error()
    {
        var (host, _) = await RunAsync("function f { [CmdletBinding()] param() $PSCmdlet.WriteError(5) }; f; 'after'");

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("MethodArgumentConversionInvalidCastArgument", "Cannot convert argument \"errorRecord\", with value: \"5\", for \"WriteError\" to type \"System.Management.Automation.ErrorRecord\": \"Cannot convert the \"5\" value of type \"System.Int32\" to type \"System.Management.Automation.ErrorRecord\".\""),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
    }

    /// <summary>Write-Error takes its caller's InvocationInfo: in a function or a script file, its id ends in that command's name.</summary>
    [TestCase("function f { Write-Error 'x' }; f", "Microsoft.PowerShell.Commands.WriteErrorException,f")]
    [TestCase("function Get-Thing { [CmdletBinding()] param() Write-Error -Message 'x' -ErrorId MyId }; Get-Thing", "MyId,Get-Thing")]
    [TestCase("function Outer { function Inner { Write-Error 'x' }; Inner }; Outer", "Microsoft.PowerShell.Commands.WriteErrorException,Inner")]
    [TestCase("Write-Error 'x'", "Microsoft.PowerShell.Commands.WriteErrorException")]
    [TestCase("& { Write-Error 'x' }", "Microsoft.PowerShell.Commands.WriteErrorException")]
    [TestCase("& { param($m) Write-Error $m } 'x'", "Microsoft.PowerShell.Commands.WriteErrorException")]
    [TestCase("function f { Get-Item C:\\nope }; f", "PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand")]
    [TestCase("Set-Content C:\\Windows\\Temp\\tool.ps1 -Value 'Write-Error x'; & C:\\Windows\\Temp\\tool.ps1", "Microsoft.PowerShell.Commands.WriteErrorException,tool.ps1")]
    public async Task Write_Error_inside_a_script_command_ends_its_id_in_the_command_s_name(string script, string id)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { id }));
    }

    /// <summary>
    /// <c>$?</c> after a function, a script block or a script file is whether its own command runtime wrote an error:
    /// Write-Error inside it writes through its inner pipeline and leaves <c>$?</c> true (PowerShell issue 3629), where
    /// $PSCmdlet.WriteError, ThrowTerminatingError and a terminating error make it false. ForEach-Object's and
    /// Where-Object's blocks are the same: their statements' errors go straight to the error pipe.
    /// </summary>
    [TestCase("function f { Write-Error 'x' }; f 2>$null; $?", "True")]
    [TestCase("function f { Get-Item C:\\nope }; f 2>$null; $?", "True")]
    [TestCase("& { Write-Error 'x' } 2>$null; $?", "True")]
    [TestCase(". { Write-Error 'x' } 2>$null; $?", "True")]
    [TestCase("function f { [CmdletBinding()] param([Parameter(ValueFromPipeline)]$i) process { Write-Error 'x' } }; 1, 2 | f 2>$null; $?", "True")]
    [TestCase("function f { Write-Error 'x'; $? }; f 2>$null", "False")]
    [TestCase("Write-Error 'x' 2>$null; $?", "False")]
    [TestCase("function f { [CmdletBinding()] param() $PSCmdlet.WriteError([System.Management.Automation.ErrorRecord]::new([Exception]::new('m'), 'I', 'NotSpecified', $null)); 'out' }; $o = f 2>$null; $?", "False")]
    [TestCase("function f { [CmdletBinding()] param() $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new([Exception]::new('m'), 'I', 'NotSpecified', $null)) }; f 2>$null; $?", "False")]
    [TestCase("function f { Write-Error 'x' }; f 2>$null; 'next'; Write-Error 'y' 2>$null; $?", "next|False")]
    [TestCase("1, 2 | ForEach-Object { Write-Error 'x' } 2>$null; $?", "True")]
    [TestCase("1 | Where-Object { Get-Item C:\\nope } 2>$null; $?", "True")]
    [TestCase("1 | ForEach-Object { [int]::Parse('x') } 2>$null; $?", "True")]
    [TestCase("1 | ForEach-Object -Begin { Write-Error 'b' } -Process { } -End { Write-Error 'e' } 2>$null; $?", "True")]
    [TestCase("1 | ForEach-Object { Write-Error 'x'; $? } 2>$null", "False")]
    public async Task Dollar_question_after_a_script_command_reflects_only_its_own_runtime_s_errors(string script, string expected)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    /// <summary>
    /// <c>$PSCmdlet.GetVariableValue(name[, default])</c> reads a variable as the function's scope sees it (its own, its
    /// caller's, its preference variables), else the default or $null; another argument count is the binder's error.
    /// </summary>
    [Test]
    public async Task GetVariableValue_reads_a_variable_as_the_functions_scope_sees_it()
    {
        var (host, outcome) = await RunAsync(
            "$x = 'outer'; function f { [CmdletBinding()] param() $y = 2; $PSCmdlet.GetVariableValue('x'); $PSCmdlet.GetVariableValue('y'); " +
            "$PSCmdlet.GetVariableValue('nope', 'dflt'); $null -eq $PSCmdlet.GetVariableValue('nope'); $PSCmdlet.GetVariableValue('ErrorActionPreference') }; f -ErrorAction Stop; " +
            "function g { [CmdletBinding()] param() $PSCmdlet.GetVariableValue() }; g");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "outer", "2", "dflt", "True", "Stop" }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "MethodCountCouldNotFindBest" }));
    }

    /// <summary>
    /// <c>$ExecutionContext.SessionState.PSVariable</c> is PSVariableIntrinsics: Get gives the PSVariable ($null when
    /// there is none), GetValue the value or the default, Set sets the scope's variable (a read-only one is the session
    /// state's error, inside the method's), Remove takes it away (one not there is no error).
    /// </summary>
    [Test]
    public async Task SessionState_PSVariable_gets_sets_and_removes_the_scopes_variables()
    {
        var (host, outcome) = await RunAsync(
            "$x = 5; $v = $ExecutionContext.SessionState.PSVariable.Get('x'); $v.Name; $v.Value; $null -eq $ExecutionContext.SessionState.PSVariable.Get('nope'); " +
            "$ExecutionContext.SessionState.PSVariable.GetValue('nope', 'dflt'); $ExecutionContext.SessionState.PSVariable.GetValue('global:x'); " +
            "$ExecutionContext.SessionState.PSVariable.Set('y', 7); $y; $ExecutionContext.SessionState.PSVariable.Remove('y'); $null -eq $y; " +
            "$ExecutionContext.SessionState.PSVariable.Remove('never'); " +
            "Set-Variable c 1 -Option ReadOnly; $ExecutionContext.SessionState.PSVariable.Set('c', 2); $c; $ExecutionContext.SessionState.PSVariable.Get()");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "x", "5", "True", "dflt", "5", "7", "True", "1" }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("SessionStateUnauthorizedAccessException", "Exception calling \"Set\" with \"2\" argument(s): \"Cannot overwrite variable c because it is read-only or constant.\""),
            ("MethodCountCouldNotFindBest", "Cannot find an overload for \"Get\" and the argument count: \"0\"."),
        }));
    }

    /// <summary>
    /// An advanced function's <c>$PSCmdlet.SessionState</c> is its scope's session state: PSVariable reads and sets the
    /// function's own variables, Path resolves a path from the session's location.
    /// </summary>
    [Test]
    public async Task PSCmdlet_SessionState_reads_and_sets_the_functions_own_variables_and_resolves_paths()
    {
        var (host, outcome) = await RunAsync(
            "function f { [CmdletBinding()] param($Path) $PSCmdlet.SessionState.PSVariable.GetValue('Path'); $PSCmdlet.SessionState.PSVariable.Set('z', 3); $z; " +
            "$PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath('C:\\t\\a.txt') }; f 'p'; $null -eq $z");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "p", "3", "C:\\t\\a.txt", "True" }));
    }

    /// <summary>
    /// PSCmdlet's other write methods: WriteObject writes its argument whole (enumerated when asked), WriteWarning,
    /// WriteVerbose and WriteDebug as Write-Warning, Write-Verbose and Write-Debug, under the function's preferences.
    /// </summary>
    [Test]
    public async Task WriteObject_WriteWarning_WriteVerbose_and_WriteDebug_write_as_the_cmdlets_do()
    {
        var (host, outcome) = await RunAsync(
            "function g { [CmdletBinding()] param() $PSCmdlet.WriteObject('o1'); $PSCmdlet.WriteObject(@(1, 2)); $PSCmdlet.WriteObject(@(3, 4), $true); " +
            "$PSCmdlet.WriteWarning('w1'); $PSCmdlet.WriteVerbose('v1'); $PSCmdlet.WriteDebug('d1') }; " +
            "$r = g -Verbose; $r.Count; $r[1].Count; g -WarningAction SilentlyContinue | Out-Null; " +
            "function hh { [CmdletBinding()] param() $PSCmdlet.WriteVerbose() }; hh");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "4", "2" }));
        Assert.That(host.Records.OfType<WarningRecordMessage>().Select(w => w.Message), Is.EqualTo(new[] { "w1" }));
        Assert.That(host.Records.OfType<VerboseRecordMessage>().Select(v => v.Message), Is.EqualTo(new[] { "v1" }));
        Assert.That(host.Records.OfType<DebugRecordMessage>(), Is.Empty, "Debug stays silent without -Debug");
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("MethodCountCouldNotFindBest", "Cannot find an overload for \"WriteVerbose\" and the argument count: \"0\"."),
        }));
    }
}
