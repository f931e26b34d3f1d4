using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.WinRs;
using PsrpEmulator.EndToEnd.Tests.Disconnected;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.EndToEnd.Tests;

/// <summary>
/// The WSMan: drive in a remote session shows the WinRM configuration this emulator runs with: its envelope size,
/// idle timeouts, authentication and each endpoint's buffering mode and quotas, as a script reads them on Windows.
/// </summary>
public class WsManDriveTests : EmulatorTestBase
{
    protected override void Configure(EmulatorOptions options)
    {
        options.MaxEnvelopeSizeKb = 1024;
        options.IdleTimeout = TimeSpan.FromMinutes(10);
        options.Authentication = [WsManAuthScheme.Basic];
        options.Endpoints["ITTasks"] = new EndpointOptions { BufferMode = OutputBufferMode.Drop, IdleTimeout = TimeSpan.FromSeconds(90) };
    }

    [Test]
    public async Task Its_values_are_the_emulators_configuration()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var values = Outputs(await pool.InvokeAsync(
            @"(Get-Item WSMan:\localhost\MaxEnvelopeSizekb).Value; (Get-Item WSMan:\localhost\Shell\IdleTimeout).Value; " +
            @"(Get-Item WSMan:\localhost\Service\Auth\Basic).Value; (Get-Item WSMan:\localhost\Service\Auth\Negotiate).Value; " +
            @"(Get-Item WSMan:\localhost\Plugin\ITTasks\OutputBufferingMode).Value; (Get-Item WSMan:\localhost\Plugin\ITTasks\Quotas\IdleTimeoutms).Value; " +
            @"(Get-Item WSMan:\localhost\Plugin\microsoft.powershell\OutputBufferingMode).Value"));

        Assert.That(values, Is.EqualTo(new[] { "1024", "600000", "true", "false", "Drop", "90000", "Block" }));
    }

    [Test]
    public async Task Its_items_are_listed_tested_and_their_objects_carry_the_providers_notes()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var listed = Outputs(await pool.InvokeAsync(@"Get-ChildItem WSMan:\localhost | ForEach-Object Name"));
        var plugins = Outputs(await pool.InvokeAsync(@"(Get-ChildItem WSMan:\localhost\Plugin).Name -contains 'ITTasks'; Test-Path WSMan:\localhost\Shell; Test-Path WSMan:\localhost\Nope"));
        var item = Outputs(await pool.InvokeAsync(
            @"$i = Get-Item WSMan:\localhost\Shell\MaxShellsPerUser; $i.PSPath; $i.PSParentPath; $i.TypeNameOfElement; $i.PSIsContainer; $i.PSObject.TypeNames[0]"));
        var recursed = Outputs(await pool.InvokeAsync(@"@(Get-ChildItem WSMan:\localhost\Service -Recurse | Where-Object Name -eq 'Basic').Count"));

        Assert.That(listed, Is.EqualTo(new[] { "MaxEnvelopeSizekb", "MaxTimeoutms", "MaxBatchItems", "MaxProviderRequests", "Client", "Service", "Shell", "Listener", "Plugin", "ClientCertificate" }));
        Assert.That(plugins, Is.EqualTo(new[] { "True", "True", "False" }));
        Assert.That(item, Is.EqualTo(new[]
        {
            @"Microsoft.WSMan.Management\WSMan::localhost\Shell\MaxShellsPerUser", @"Microsoft.WSMan.Management\WSMan::localhost\Shell",
            "System.String", "False", "Microsoft.WSMan.Management.WSManConfigLeafElement",
        }));
        Assert.That(recursed, Is.EqualTo(new[] { "1" }));
    }

    /// <summary>Get-PSSessionConfiguration reads the same plugins, as 5.1's script does: each PowerShell endpoint with its values.</summary>
    [Test]
    public async Task Get_PSSessionConfiguration_shows_each_endpoints_buffering_mode_and_timeouts()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var events = await pool.InvokeAsync(
            "$c = Get-PSSessionConfiguration -Name ITTasks; $c.Name; $c.OutputBufferingMode; $c.IdleTimeoutms; $c.PSVersion; $c.Permission; " +
            "$c.PSObject.TypeNames[0]; (Get-PSSessionConfiguration).Name -contains 'microsoft.powershell'; @(Get-PSSessionConfiguration 'WMI*').Count; " +
            "Get-PSSessionConfiguration NoSuchEndpoint; 'next'");

        Assert.That(Outputs(events), Is.EqualTo(new[]
        {
            "ITTasks", "Drop", "90000", "5.1", @"NT AUTHORITY\INTERACTIVE AccessAllowed, BUILTIN\Administrators AccessAllowed, BUILTIN\Remote Management Users AccessAllowed",
            "Microsoft.PowerShell.Commands.PSSessionConfigurationCommands#PSSessionConfiguration", "True", "0", "next",
        }));
        Assert.That(events.OfType<ErrorEvent>().Select(e => e.Error.Message), Is.EqualTo(new[] { "No session configuration matches criteria \"NoSuchEndpoint\"." }));
    }

    /// <summary>winrm.cmd in a cmd shell reads the same configuration, in winrm's layout.</summary>
    [Test]
    public async Task Winrm_get_in_a_cmd_shell_prints_the_same_configuration()
    {
        using var transport = CreateTransport();
        await using var shell = await WinRsShell.OpenAsync(transport, new WinRsShellOptions());

        var winrs = await shell.RunAsync("winrm", ["get", "winrm/config/winrs"]);
        var auth = await shell.RunAsync("winrm", ["g", "winrm/config/service/auth"]);
        var listener = await shell.RunAsync("winrm", ["enumerate", "winrm/config/listener"]);
        var change = await shell.RunAsync("winrm", ["set", "winrm/config", "@{MaxEnvelopeSizekb=\"2048\"}"]);

        Assert.That(winrs.StdoutText, Is.EqualTo(
            "Winrs\r\n    AllowRemoteShellAccess = true\r\n    IdleTimeout = 600000\r\n    MaxConcurrentUsers = 2147483647\r\n    MaxShellRunTime = 2147483647\r\n" +
            "    MaxProcessesPerShell = 2147483647\r\n    MaxMemoryPerShellMB = 2147483647\r\n    MaxShellsPerUser = 25\r\n\r\n"));
        Assert.That(auth.StdoutText, Does.StartWith("Auth\r\n    Basic = true\r\n    Kerberos = false\r\n    Negotiate = false\r\n"));
        Assert.That(listener.StdoutText, Does.Contain("    Transport = HTTP\r\n    Port = 5985\r\n"));
        Assert.That((winrs.ExitCode, auth.ExitCode, listener.ExitCode), Is.EqualTo((0, 0, 0)));
        // A change is kept for the computer and printed with its resource (read back, not acted on).
        Assert.That(change.ExitCode, Is.Zero);
        Assert.That(change.StdoutText, Does.StartWith("Config\r\n    MaxEnvelopeSizekb = 2048\r\n"));
    }

    [Test]
    public async Task A_missing_item_is_PathNotFound_and_a_change_is_kept_for_the_computer()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);

        var events = await pool.InvokeAsync(@"Get-Item WSMan:\localhost\Nope; Set-Item WSMan:\localhost\MaxEnvelopeSizekb 2048; (Get-Item WSMan:\localhost\MaxEnvelopeSizekb).Value; 'next'");
        var later = await pool.InvokeAsync(@"(Get-Item WSMan:\localhost\MaxEnvelopeSizekb).Value");

        Assert.That(events.OfType<ErrorEvent>().Select(e => e.Error.FullyQualifiedErrorId), Is.EqualTo(new[] { "PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand" }));
        Assert.That(Outputs(events), Is.EqualTo(new[] { "2048", "next" }));
        Assert.That(Outputs(later), Is.EqualTo(new[] { "2048" }));
    }
}
