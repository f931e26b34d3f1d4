using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// The session's Windows identity and principal, as scripts test whether they run elevated: the logon's name, and
/// membership of Administrators and Users (a user who can open a remote session is an elevated administrator).
/// </summary>
public class WindowsIdentityTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string text)
    {
        var host = new RecordingHost { Runspace = new RunspaceState() };
        host.Environment["USERNAME"] = "deploy";
        host.Environment["USERDOMAIN"] = "SERVER02";
        var outcome = await Default.Resolve(Behaviour.Script(text)).RunTestAsync(host, new FakeTimeProvider());
        return (host, outcome);
    }

    [TestCase("([Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)", "True")]
    [TestCase("$p = New-Object System.Security.Principal.WindowsPrincipal([System.Security.Principal.WindowsIdentity]::GetCurrent()); $p.IsInRole('Administrators'); $p.IsInRole('BUILTIN\\Users'); $p.IsInRole(544)", "True|True|True")]
    [TestCase("$p = [Security.Principal.WindowsPrincipal]::new([Security.Principal.WindowsIdentity]::GetCurrent()); $p.IsInRole([Security.Principal.WindowsBuiltInRole]::Guest); $p.IsInRole('Backup Operators')", "False|False")]
    [TestCase("$id = [Security.Principal.WindowsIdentity]::GetCurrent(); $id.Name; $id.IsAuthenticated; $id.IsSystem; $id.GetType().FullName", "SERVER02\\deploy|True|False|System.Security.Principal.WindowsIdentity")]
    [TestCase("([Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()).Identity.Name", "SERVER02\\deploy")]
    public async Task The_session_runs_as_its_logon_in_Administrators_and_Users(string script, string expected)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.Errors, Is.Empty, () => string.Join("; ", host.Errors.Select(e => e.Message)));
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [Test]
    public async Task A_principal_of_something_that_is_no_identity_is_PowerShell_s_conversion_error()
    {
        var (host, outcome) = await RunAsync("[Security.Principal.WindowsPrincipal]'x'; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("ConvertToFinalInvalidCastException", "Cannot convert the \"x\" value of type \"System.String\" to type \"System.Security.Principal.WindowsPrincipal\"."),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }
}
