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
}
