using System.Text;
using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// The execution policy as 5.1 keeps it (Group Policy, the process's environment, HKCU's and HKLM's ShellIds keys):
/// Get-/Set-ExecutionPolicy read and write the computer's registry, and script files are refused under Restricted
/// and AllSigned, in a session and by powershell.exe on a cmd line.
/// </summary>
public class ExecutionPolicyTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<RecordingHost> RunAsync(string script, VirtualRegistry registry, VirtualFileSystem? disk = null, bool hostUI = true)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));
        var host = new RecordingHost
        {
            Runspace = new RunspaceState(time), Registry = registry, FileSystem = disk, HostUI = hostUI ? call => new PipelineHostResponse(call.CallId, call.MethodId, null) : null,
        };
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, time);
        return host;
    }

    private static VirtualFileSystem DiskWithScript()
    {
        var disk = new VirtualFileSystem(TimeProvider.System, 1 << 20);
        disk.CreateDirectory(@"C:\deploy");
        disk.Write(@"C:\deploy\run.ps1", "'ran'\r\n"u8, FileWriteMode.Create);
        return disk;
    }

    [Test]
    public async Task A_fresh_server_is_RemoteSigned_at_LocalMachine_and_List_shows_every_scope_most_specific_first()
    {
        var host = await RunAsync("Get-ExecutionPolicy; (Get-ExecutionPolicy).GetType().FullName; Get-ExecutionPolicy -Scope CurrentUser; " +
            "Get-ExecutionPolicy -List | ForEach-Object { \"$($_.Scope)=$($_.ExecutionPolicy)\" }", Default.NewRegistry("Server01"));

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "RemoteSigned", "Microsoft.PowerShell.ExecutionPolicy", "Undefined",
            "MachinePolicy=Undefined", "UserPolicy=Undefined", "Process=Undefined", "CurrentUser=Undefined", "LocalMachine=RemoteSigned",
        }));
    }

    [Test]
    public async Task LocalMachine_is_the_registry_value_every_later_session_reads_and_Process_is_the_session_s_environment()
    {
        var registry = Default.NewRegistry("Server01");

        var first = await RunAsync("Set-ExecutionPolicy Unrestricted -Force; Set-ExecutionPolicy Bypass -Scope Process; $env:PSExecutionPolicyPreference; Get-ExecutionPolicy", registry);
        var next = await RunAsync("Get-ExecutionPolicy; (Get-ItemProperty HKLM:\\SOFTWARE\\Microsoft\\PowerShell\\1\\ShellIds\\Microsoft.PowerShell).ExecutionPolicy; Get-ExecutionPolicy -Scope Process", registry);

        Assert.That(first.Errors, Is.Empty);
        Assert.That(first.OutputTexts, Is.EqualTo(new[] { "Bypass", "Bypass" }));
        Assert.That(next.OutputTexts, Is.EqualTo(new[] { "Unrestricted", "Unrestricted", "Undefined" }));
    }

    [Test]
    public async Task A_policy_a_more_specific_scope_overrides_is_written_and_is_the_override_error()
    {
        var registry = Default.NewRegistry("Server01");

        var host = await RunAsync("Set-ExecutionPolicy AllSigned -Scope CurrentUser; Set-ExecutionPolicy Bypass -Force; 'next'; Get-ExecutionPolicy -Scope LocalMachine; Get-ExecutionPolicy", registry);

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Category)),
            Is.EqualTo(new[] { ("ExecutionPolicyOverride,Microsoft.PowerShell.Commands.SetExecutionPolicyCommand", ErrorCategory.PermissionDenied) }));
        Assert.That(host.Errors[0].Message, Does.Contain("your shell will retain its current effective execution policy of AllSigned."));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next", "Bypass", "AllSigned" }));
    }

    [Test]
    public async Task Group_Policy_s_registry_values_win_and_its_scopes_cannot_be_set()
    {
        var registry = Default.NewRegistry("Server01");
        registry.CreateKey(VirtualRegistry.LocalMachine, null, @"SOFTWARE\Policies\Microsoft\Windows\PowerShell", createParents: true);
        registry.SetValue(VirtualRegistry.LocalMachine, null, @"SOFTWARE\Policies\Microsoft\Windows\PowerShell", new RegistryValue("EnableScripts", RegistryValueKind.DWord, 1));
        registry.SetValue(VirtualRegistry.LocalMachine, null, @"SOFTWARE\Policies\Microsoft\Windows\PowerShell", new RegistryValue("ExecutionPolicy", RegistryValueKind.String, "AllSigned"));

        var host = await RunAsync("Get-ExecutionPolicy; Get-ExecutionPolicy -Scope MachinePolicy; Set-ExecutionPolicy Bypass -Scope UserPolicy", registry);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "AllSigned", "AllSigned" }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("CantSetGroupPolicy,Microsoft.PowerShell.Commands.SetExecutionPolicyCommand", "Cannot set execution policy. Execution policies at the MachinePolicy or UserPolicy scopes must be set through Group Policy."),
        }));
    }

    [Test]
    public async Task Undefined_removes_the_value_and_the_empty_keys_above_it()
    {
        var registry = Default.NewRegistry("Server01");

        var host = await RunAsync("Set-ExecutionPolicy RemoteSigned -Scope CurrentUser; Test-Path HKCU:\\Software\\Microsoft\\PowerShell\\1\\ShellIds; " +
            "Set-ExecutionPolicy Undefined -Scope CurrentUser; Test-Path HKCU:\\Software\\Microsoft\\PowerShell; Test-Path HKCU:\\Software\\Microsoft", registry);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True", "False", "True" }));
    }

    [TestCase("Set-ExecutionPolicy Sometimes", "CannotConvertArgumentNoMessage,Microsoft.PowerShell.Commands.SetExecutionPolicyCommand")]
    [TestCase("Get-ExecutionPolicy -List -Scope Process", "ListAndScopeSpecified,Microsoft.PowerShell.Commands.GetExecutionPolicyCommand")]
    [TestCase("Set-ExecutionPolicy", "MissingMandatoryParameter,Microsoft.PowerShell.Commands.SetExecutionPolicyCommand")]
    public async Task Bad_arguments_are_the_cmdlets_errors_and_change_nothing(string statement, string id)
    {
        var registry = Default.NewRegistry("Server01");

        // A client without a host UI: a missing parameter is not asked for.
        var host = await RunAsync(statement + "; Get-ExecutionPolicy", registry, hostUI: false);

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { id }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "RemoteSigned" }));
    }

    [Test]
    public async Task WhatIf_says_what_it_would_set_and_sets_nothing()
    {
        var registry = Default.NewRegistry("Server01");

        var host = await RunAsync("Set-ExecutionPolicy Restricted -WhatIf; Get-ExecutionPolicy", registry);

        Assert.That(host.HostCalls.Select(c => c.Parameters[0].AsString()), Is.EqualTo(new[] { "What if: Performing the operation \"Set-ExecutionPolicy\" on target \"Restricted\"." }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "RemoteSigned" }));
    }

    [TestCase("Restricted", "File C:\\deploy\\run.ps1 cannot be loaded because running scripts is disabled on this system. For more information, see about_Execution_Policies at https:/go.microsoft.com/fwlink/?LinkID=135170.")]
    [TestCase("AllSigned", "File C:\\deploy\\run.ps1 cannot be loaded. The file C:\\deploy\\run.ps1 is not digitally signed. You cannot run this script on the current system. For more information about running scripts and setting execution policy, see about_Execution_Policies at https:/go.microsoft.com/fwlink/?LinkID=135170.")]
    public async Task Under_Restricted_or_AllSigned_a_script_file_is_refused_as_the_statement_s_error(string policy, string message)
    {
        var registry = Default.NewRegistry("Server01");

        var host = await RunAsync($"Set-ExecutionPolicy {policy} -Force; & C:\\deploy\\run.ps1; 'after'; try {{ . C:\\deploy\\run.ps1 }} catch {{ $_.FullyQualifiedErrorId }}; " +
            "Set-ExecutionPolicy Bypass -Scope Process; & C:\\deploy\\run.ps1", registry, DiskWithScript());

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Category, e.Message)), Is.EqualTo(new[] { ("UnauthorizedAccess", ErrorCategory.SecurityError, message) }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after", "UnauthorizedAccess", "ran" }));
    }

    [Test]
    public async Task Powershell_exe_File_is_refused_under_Restricted_unless_its_ExecutionPolicy_says_otherwise()
    {
        var registry = Default.NewRegistry("Server01");
        registry.SetValue(VirtualRegistry.LocalMachine, null, RunContext.ShellIdsKey, new RegistryValue("ExecutionPolicy", RegistryValueKind.String, "Restricted"));
        var disk = DiskWithScript();
        async Task<(string Stdout, string Stderr, int Code)> Run(string line)
        {
            var host = new FakeCommandLineHost { Encoding = Encoding.ASCII, FileSystem = disk, Registry = registry, Facts = new Dictionary<string, string> { ["cd"] = @"C:\" } };
            var code = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None);
            return (host.Stdout, host.Stderr, code);
        }

        var refused = await Run(@"powershell.exe -NoProfile -File C:\deploy\run.ps1");
        var bypassed = await Run(@"powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\deploy\run.ps1");
        var command = await Run(@"powershell.exe -ExecutionPolicy Unrestricted -Command ""Get-ExecutionPolicy; & C:\deploy\run.ps1""");

        Assert.That((refused.Stdout, refused.Code), Is.EqualTo(("", 1)));
        Assert.That(refused.Stderr, Does.StartWith("#< CLIXML").And.Contain("running scripts is disabled on this system").And.Contain("UnauthorizedAccess"));
        Assert.That(bypassed, Is.EqualTo(("ran\r\n", "", 0)));
        Assert.That(command, Is.EqualTo(("Unrestricted\r\nran\r\n", "", 0)));
    }
}
