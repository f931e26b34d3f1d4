using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// Get-/Set-SmbServerConfiguration and Get-/Set-SmbClientConfiguration as hardening scripts use them: a Server 2019's
/// defaults (SMB1 off, signing not required, no insecure guest logons), changes kept where the SMB server and client
/// keep them (LanmanServer's and LanmanWorkstation's Parameters), the provider's confirmation and the binder's errors.
/// </summary>
public class SmbConfigurationTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<RecordingHost> RunAsync(string script, VirtualRegistry registry, WindowsFeatureStates? features = null, Func<PipelineHostCall, PipelineHostResponse>? ui = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 10, 30, 0, TimeSpan.Zero));
        var host = new RecordingHost { Runspace = new RunspaceState(time), Registry = registry, WindowsFeatures = features ?? new WindowsFeatureStates(), HostUI = ui };
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, time);
        return host;
    }

    [Test]
    public async Task A_fresh_server_has_SMB1_off_and_the_listing_s_defaults()
    {
        // 42 CIM properties, the adapter's PSComputerName and CimInstance's CimClass, CimInstanceProperties and CimSystemProperties.
        var host = await RunAsync("$c = Get-SmbServerConfiguration; $c.PSObject.Properties.Count; " +
            "$c.EnableSMB1Protocol, $c.EnableSMB2Protocol, $c.EnableSecuritySignature, $c.RequireSecuritySignature, $c.AutoDisconnectTimeout, $c.Smb2CreditsMax, $c.RejectUnencryptedAccess, $c.AnnounceComment.Length; " +
            "$c.AutoDisconnectTimeout.GetType().Name; $c.PSObject.TypeNames[0]; ($c.PSObject.Properties.Name | Select-Object -First 4) -join ','",
            Default.NewRegistry("Server01"));

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "46", "False", "True", "False", "False", "15", "2048", "True", "0", "UInt32",
            "Microsoft.Management.Infrastructure.CimInstance#ROOT/Microsoft/Windows/SMB/MSFT_SmbServerConfiguration",
            "AnnounceComment,AnnounceServer,AsynchronousCredits,AuditSmb1Access",
        }));
    }

    [Test]
    public async Task Requiring_signing_lasts_in_the_registry_and_installing_FS_SMB1_turns_SMB1_on()
    {
        var registry = Default.NewRegistry("Server01");
        var features = new WindowsFeatureStates();
        var changed = await RunAsync("""
            Set-SmbServerConfiguration -RequireSecuritySignature $true -EnableSecuritySignature 1 -AutoDisconnectTimeout 30 -NullSessionPipes 'a, b' -Force
            (Get-ItemProperty HKLM:\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters).RequireSecuritySignature
            (Get-ItemProperty HKLM:\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters).autodisconnect
            """, registry, features);
        var later = await RunAsync("$c = Get-SmbServerConfiguration; $c.RequireSecuritySignature, $c.EnableSecuritySignature, $c.AutoDisconnectTimeout, $c.NullSessionPipes, $c.EnableSMB1Protocol", registry, features);
        features.Set(WindowsFeatureStates.Find("FS-SMB1")!, true);
        var smb1 = await RunAsync("(Get-SmbServerConfiguration).EnableSMB1Protocol; Set-SmbServerConfiguration -EnableSMB1Protocol $false -Confirm:$false; (Get-SmbServerConfiguration).EnableSMB1Protocol", registry, features);

        Assert.That(changed.Errors, Is.Empty);
        Assert.That(changed.OutputTexts, Is.EqualTo(new[] { "1", "30" }));
        Assert.That(later.OutputTexts, Is.EqualTo(new[] { "True", "True", "30", "a,b", "False" }));
        Assert.That(smb1.Errors, Is.Empty);
        Assert.That(smb1.OutputTexts, Is.EqualTo(new[] { "True", "False" }));
    }

    [TestCase(new[] { 0 }, "True")]
    [TestCase(new[] { 2 }, "False")]
    public async Task Set_asks_in_the_provider_s_words_first(int[] answers, string required)
    {
        var next = 0;
        var host = await RunAsync("Set-SmbServerConfiguration -RequireSecuritySignature $true; (Get-SmbServerConfiguration).RequireSecuritySignature", Default.NewRegistry("Server01"),
            ui: call => new PipelineHostResponse(call.CallId, call.MethodId, call.MethodId == RemoteHostMethodId.PromptForChoice ? PsPrimitive.Int32(answers[next++]) : null));

        Assert.That(host.Errors, Is.Empty);
        var asked = host.HostCalls.Where(c => c.MethodId == RemoteHostMethodId.PromptForChoice).ToList();
        Assert.That(asked, Has.Count.EqualTo(1));
        Assert.That(asked[0].Parameters[1].ToDisplayString(), Is.EqualTo("Are you sure you want to perform this action?\r\nPerforming operation 'Modify' on Target 'SMB Server Configuration'."));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { required }));
    }

    [TestCase("Set-SmbServerConfiguration -EncryptData 'yes' -Force", "ParameterArgumentTransformationError,Set-SmbServerConfiguration")]
    [TestCase("Set-SmbServerConfiguration -AutoDisconnectTimeout soon -Force", "CannotConvertArgumentNoMessage,Set-SmbServerConfiguration")]
    [TestCase("Set-SmbServerConfiguration -EnableSMB3 $true -Force", "NamedParameterNotFound,Set-SmbServerConfiguration")]
    public async Task A_value_its_parameter_cannot_take_changes_nothing(string statement, string errorId)
    {
        var registry = Default.NewRegistry("Server01");
        var host = await RunAsync(statement + "; (Get-SmbServerConfiguration).EncryptData", registry);

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { errorId }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "False" }));
    }

    [Test]
    public async Task The_client_s_configuration_has_signing_enabled_and_no_insecure_guest_logons_until_set()
    {
        var registry = Default.NewRegistry("Server01");
        var before = await RunAsync("$c = Get-SmbClientConfiguration; $c.EnableSecuritySignature, $c.RequireSecuritySignature, $c.EnableInsecureGuestLogons, $c.SessionTimeout, $c.PSObject.TypeNames[0]", registry);
        var after = await RunAsync("""
            Set-SmbClientConfiguration -RequireSecuritySignature $true -EnableInsecureGuestLogons $true -Confirm:$false
            $c = Get-SmbClientConfiguration; $c.RequireSecuritySignature, $c.EnableInsecureGuestLogons
            reg query HKLM\SYSTEM\CurrentControlSet\Services\LanmanWorkstation\Parameters /v AllowInsecureGuestAuth
            """, registry);

        Assert.That(before.Errors, Is.Empty);
        Assert.That(before.OutputTexts, Is.EqualTo(new[]
        {
            "True", "False", "False", "60", "Microsoft.Management.Infrastructure.CimInstance#ROOT/Microsoft/Windows/SMB/MSFT_SmbClientConfiguration",
        }));
        Assert.That(after.Errors, Is.Empty);
        Assert.That(string.Join("|", after.OutputTexts), Does.StartWith("True|True|").And.Contains("AllowInsecureGuestAuth    REG_DWORD    0x1"));
    }

    [Test]
    public async Task Set_SmbClientConfiguration_asks_about_the_client_s_configuration()
    {
        var host = await RunAsync("Set-SmbClientConfiguration -EnableMultiChannel $false", Default.NewRegistry("Server01"),
            ui: call => new PipelineHostResponse(call.CallId, call.MethodId, call.MethodId == RemoteHostMethodId.PromptForChoice ? PsPrimitive.Int32(2) : null));

        var asked = host.HostCalls.Where(c => c.MethodId == RemoteHostMethodId.PromptForChoice).Select(c => c.Parameters[1].ToDisplayString()).ToList();
        Assert.That(asked, Is.EqualTo(new[] { "Are you sure you want to perform this action?\r\nPerforming operation 'Modify' on Target 'SMB Client Configuration'." }));
    }

    /// <summary>Nothing connects over SMB: the live tables list nothing; a filter is a scenario error rather than a guessed not-found answer.</summary>
    [Test]
    public async Task The_SMB_session_tables_are_empty_and_a_filter_is_not_emulated()
    {
        var host = await RunAsync("Get-SmbSession; Get-SmbOpenFile; Get-SmbConnection; Get-SmbMapping; @(Get-SmbSession).Count + @(Get-SmbMapping).Count", Default.NewRegistry("Server01"));
        var filtered = await RunAsync("Get-SmbConnection -ServerName fs01", Default.NewRegistry("Server01"));

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "0" }));
        Assert.That(filtered.Errors.Select(e => e.Message), Is.EqualTo(new[] { "Get-SmbConnection -ServerName is not emulated: give the command a rule" }));
    }
}
