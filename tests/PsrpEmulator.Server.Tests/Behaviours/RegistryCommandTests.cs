using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// The registry cmdlets and reg.exe work on one registry per computer: what one changes, the other (and every later
/// session) reads, with the provider's value types and errors.
/// </summary>
public class RegistryCommandTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<RecordingHost> RunAsync(string script, VirtualRegistry registry, Func<PipelineHostCall, PipelineHostResponse>? hostUI = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 10, 30, 0, TimeSpan.Zero));
        var host = new RecordingHost { Runspace = new RunspaceState(time), Registry = registry, HostUI = hostUI };
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, time);
        return host;
    }

    private static async Task<(string Stdout, string Stderr, int Code)> RegAsync(string line, VirtualRegistry registry, string? stdin = null)
    {
        var host = new FakeCommandLineHost { Encoding = System.Text.Encoding.ASCII, Registry = registry, Environment = [new("USERNAME", "tester")], Facts = new Dictionary<string, string> { ["cd"] = @"C:\" } };
        if (stdin is not null) host.Stdin.Enqueue(System.Text.Encoding.ASCII.GetBytes(stdin));
        var code = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None);
        return (host.Stdout, host.Stderr, code);
    }

    private static VirtualRegistry NewRegistry() => Default.NewRegistry("Server01");

    /// <summary>
    /// Each service has its key under Services, as Windows keeps them: Start follows Set-Service and sets the start type
    /// when a script writes it (Get-Service and reg.exe see the same), an installed service's key comes and goes with it,
    /// and the Parameters keys hardening scripts set values in are there.
    /// </summary>
    [Test]
    public async Task A_service_s_registry_key_follows_its_start_type_and_its_Start_value_sets_it()
    {
        var states = new ServiceStates();
        var registry = NewRegistry();
        registry.Services = new ServiceRegistryKeys(() => new ComputerWmi(Default, "Server01", states, null, null), states);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 10, 30, 0, TimeSpan.Zero));
        var host = new RecordingHost { Runspace = new RunspaceState(time), Registry = registry, ServiceStates = states, Wmi = new ComputerWmi(Default, "Server01", states, null, null) };
        await Default.Resolve(Behaviour.Script("""
            $key = 'HKLM:\SYSTEM\CurrentControlSet\Services'
            Test-Path "$key\WinRM"; Test-Path "$key\NoSuchService"
            Get-ItemProperty "$key\WinRM" | ForEach-Object { "$($_.Start) $($_.Type) $($_.ImagePath) $($_.ObjectName)" }
            Set-Service WinRM -StartupType Disabled; (Get-ItemProperty "$key\WinRM").Start
            Set-ItemProperty "$key\WinRM" -Name Start -Value 3; (Get-Service WinRM).StartType.ToString()
            New-Service -Name Agent -BinaryPathName 'C:\Agent\agent.exe' -Description 'Sends metrics' -DependsOn RpcSs | Out-Null
            Get-ItemProperty "$key\Agent" | ForEach-Object { "$($_.Description) $($_.ImagePath) $($_.Start) $($_.Type) $($_.DependOnService)" }
            (Get-ItemProperty "$key\LanmanServer\Parameters").RequireSecuritySignature
            (Get-ItemProperty "$key\Tcpip\Parameters").'NV Hostname'
            """)).RunTestAsync(host, time);
        states.Uninstall("Agent");
        var (stdout, _, _) = await RegAsync(@"reg query HKLM\SYSTEM\CurrentControlSet\Services\WinRM /v Start", registry);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "True", "False", @"2 32 %SystemRoot%\System32\svchost.exe -k NetworkService -p NT AUTHORITY\NetworkService", "4", "Manual",
            @"Sends metrics C:\Agent\agent.exe 2 16 RpcSs", "0", "SERVER01",
        }));
        Assert.That(stdout, Does.Contain("Start    REG_DWORD    0x3"));
        Assert.That(registry.Get(VirtualRegistry.LocalMachine, null, @"SYSTEM\CurrentControlSet\Services\Agent"), Is.Null, "the deleted service's key went with it");
    }

    /// <summary>
    /// powercfg as image builders run it: the plans with Balanced active, /setactive of a GUID or alias kept in the
    /// registry's PowerSchemes (the next powercfg, and Get-ItemProperty, see it), timeouts and hibernation off silent.
    /// </summary>
    [Test]
    public async Task Powercfg_lists_the_plans_and_setactive_keeps_the_plan_in_the_registry()
    {
        var registry = NewRegistry();

        var listed = await RegAsync("powercfg /list", registry);
        var set = await RegAsync("powercfg -setactive SCHEME_MIN", registry);
        var active = await RegAsync("powercfg /getactivescheme", registry);
        var quiet = await RegAsync("powercfg -change -monitor-timeout-ac 0", registry);
        var hibernation = await RegAsync("powercfg -h off", registry);
        var unknown = await RegAsync("powercfg /setactive 00000000-0000-0000-0000-000000000000", registry);
        var host = await RunAsync("(Get-ItemProperty HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Power\\User\\PowerSchemes).ActivePowerScheme", registry);

        Assert.That(listed, Is.EqualTo(("\r\nExisting Power Schemes (* Active)\r\n-----------------------------------\r\n" +
            "Power Scheme GUID: 381b4222-f694-41f0-9685-ff5bb260df2e  (Balanced) *\r\nPower Scheme GUID: 8c5e7fda-e8bf-4a96-9a85-a6e23a8c635c  (High performance)\r\n" +
            "Power Scheme GUID: a1841308-3541-4fab-bc81-f71556f20b4a  (Power saver)\r\n", "", 0)));
        Assert.That((set, quiet, hibernation), Is.EqualTo((("", "", 0), ("", "", 0), ("", "", 0))));
        Assert.That(active, Is.EqualTo(("Power Scheme GUID: 8c5e7fda-e8bf-4a96-9a85-a6e23a8c635c  (High performance)\r\n", "", 0)));
        Assert.That(unknown.Code, Is.EqualTo(1));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "8c5e7fda-e8bf-4a96-9a85-a6e23a8c635c" }));
    }

    /// <summary>The keys provisioning scripts set or poll: Remote Desktop's RDP-Tcp (NLA) and Setup's image state.</summary>
    [Test]
    public async Task Remote_desktop_s_listener_and_setup_s_image_state_keys_are_a_finished_server_s()
    {
        var host = await RunAsync("""
            (Get-ItemProperty 'HKLM:\System\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp').UserAuthentication
            Set-ItemProperty 'HKLM:\System\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp' -Name UserAuthentication -Value 0
            (Get-ItemProperty 'HKLM:\System\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp').PortNumber
            (Get-ItemProperty HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Setup\State).ImageState
            """, NewRegistry());

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "1", "3389", "IMAGE_STATE_COMPLETE" }));
    }

    /// <summary>The keys hardening baselines and image builders set values in exist with a fresh server's values, so Set-ItemProperty succeeds.</summary>
    [Test]
    public async Task Hardening_and_image_builder_keys_exist_with_a_fresh_server_s_values()
    {
        var host = await RunAsync("""
            New-ItemProperty -Path HKLM:\SYSTEM\CurrentControlSet\Control\Lsa -Name LmCompatibilityLevel -Value 5 -PropertyType DWord -Force | Out-Null
            $lsa = Get-ItemProperty HKLM:\SYSTEM\CurrentControlSet\Control\Lsa
            "$($lsa.LmCompatibilityLevel) $($lsa.NoLmHash) $($lsa.LimitBlankPasswordUse)"
            $winlogon = 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon'
            Set-ItemProperty $winlogon -Name AutoAdminLogon -Value 1
            (Get-ItemProperty $winlogon).Shell
            (Get-ItemProperty $winlogon).AutoAdminLogon
            (Get-ItemProperty 'HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager\Memory Management').PagingFiles
            (Get-ItemProperty HKLM:\SYSTEM\CurrentControlSet\Control\CrashControl).CrashDumpEnabled
            Set-ItemProperty 'HKLM:\SOFTWARE\Microsoft\Active Setup\Installed Components\{A509B1A7-37EF-4b3f-8CFC-4F3A74704073}' -Name IsInstalled -Value 0
            (Get-ItemProperty HKLM:\SYSTEM\CurrentControlSet\Control\FileSystem).LongPathsEnabled
            (Get-ItemProperty HKLM:\SYSTEM\CurrentControlSet\Control\TimeZoneInformation).TimeZoneKeyName
            Test-Path HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\RunOnce
            """, NewRegistry());

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "5 1 1", "explorer.exe", "1", @"?:\pagefile.sys", "7", "0", "UTC", "True" }));
    }

    /// <summary>A drive-relative path (HKLM:SOFTWARE\..., as Packer's reboot checks write it) is below the drive's root.</summary>
    [Test]
    public async Task A_registry_path_without_a_backslash_after_the_drive_is_below_its_root()
    {
        var host = await RunAsync("""
            Test-Path "HKLM:SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending"
            Test-Path 'HKLM:SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing'
            (Get-ItemProperty 'HKLM:SOFTWARE\Microsoft\Windows NT\CurrentVersion').CurrentBuild
            """, NewRegistry());

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "False", "True", "17763" }));
    }

    [Test]
    public async Task The_program_files_folders_are_read_from_windows_current_version()
    {
        var registry = NewRegistry();

        // The test host's environment is small: SystemRoot as a session's process has it.
        var host = await RunAsync("$env:SystemRoot = 'C:\\Windows'; $cv = Get-ItemProperty HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion; $cv.ProgramFilesDir; $cv.'ProgramFilesDir (x86)'; $cv.DevicePath", registry);
        var (stdout, _, code) = await RegAsync("reg query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion /v DevicePath", registry);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { @"C:\Program Files", @"C:\Program Files (x86)", @"C:\Windows\inf" }));
        Assert.That(code, Is.Zero);
        Assert.That(stdout, Does.Contain("    DevicePath    REG_EXPAND_SZ    %SystemRoot%\\inf\r\n"));
    }

    [Test]
    public async Task A_key_made_and_set_in_one_session_is_read_with_its_types_in_the_next()
    {
        var registry = NewRegistry();
        var first = await RunAsync(
            "New-Item -Path HKLM:\\SOFTWARE\\Contoso | Out-Null; Set-ItemProperty -Path HKLM:\\SOFTWARE\\Contoso -Name Count -Value 5; " +
            "Set-ItemProperty HKLM:\\SOFTWARE\\Contoso Name 'app'; New-ItemProperty -Path HKLM:\\SOFTWARE\\Contoso -Name Big -Value 5000000000 | Out-Null; " +
            "$r = New-ItemProperty HKLM:\\SOFTWARE\\Contoso -Name Paths -Value 'a','b' -PropertyType MultiString; $r.Paths; sp HKLM:\\SOFTWARE\\Contoso Home '%COMPUTERNAME%\\app' -Type ExpandString",
            registry);
        var second = await RunAsync(
            "$p = Get-ItemProperty 'HKLM:\\SOFTWARE\\Contoso'; $p.PSObject.Properties.Name -join ','; " +
            "$p.Count.GetType().Name; $p.Name.GetType().Name; $p.Big.GetType().Name; $p.Paths.GetType().Name; $p.Home; " +
            "gpv HKLM:\\SOFTWARE\\Contoso Count; $p.PSPath; $p.PSParentPath; $p.PSChildName; $p.PSDrive.Name",
            registry);

        Assert.That(first.OutputTexts, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(second.OutputTexts, Is.EqualTo(new[]
        {
            "Count,Name,Big,Paths,Home,PSPath,PSParentPath,PSChildName,PSDrive,PSProvider",
            "Int32", "String", "Int64", "String[]", @"TESTHOST01\app", "5",
            @"Microsoft.PowerShell.Core\Registry::HKEY_LOCAL_MACHINE\SOFTWARE\Contoso", @"Microsoft.PowerShell.Core\Registry::HKEY_LOCAL_MACHINE\SOFTWARE", "Contoso", "HKLM",
        }));
        Assert.That(first.Errors.Concat(second.Errors), Is.Empty);
    }

    /// <summary>Without -Type a value keeps its type when what is set converts to it; otherwise the new value's .NET type decides.</summary>
    [TestCase("sp HKLM:\\SOFTWARE\\Contoso N '7'", "Int32 7")]
    [TestCase("sp HKLM:\\SOFTWARE\\Contoso N 0x10", "Int32 16")]
    [TestCase("sp HKLM:\\SOFTWARE\\Contoso N 'seven'", "String seven")]
    [TestCase("sp HKLM:\\SOFTWARE\\Contoso N 4294967295 -Type DWord", "Int32 -1")]
    [TestCase("sp HKLM:\\SOFTWARE\\Contoso N 9 -Type String", "String 9")]
    [TestCase("New-ItemProperty HKLM:\\SOFTWARE\\Contoso -Name N -Value '8' -Force | Out-Null", "Int32 8")]
    [TestCase("New-ItemProperty HKLM:\\SOFTWARE\\Contoso -Name N -Value 1 -PropertyType QWord -Force | Out-Null", "Int64 1")]
    [TestCase("sp HKLM:\\SOFTWARE\\Contoso N $true", "Int32 1")]
    [TestCase("Remove-ItemProperty HKLM:\\SOFTWARE\\Contoso N; sp HKLM:\\SOFTWARE\\Contoso N $true", "String True")]
    [TestCase("Remove-ItemProperty HKLM:\\SOFTWARE\\Contoso N; sp HKLM:\\SOFTWARE\\Contoso N 2.5", "String 2.5")]
    public async Task Set_ItemProperty_keeps_the_type_a_value_has_when_it_can(string set, string expected)
    {
        var registry = NewRegistry();
        var host = await RunAsync($"New-Item HKLM:\\SOFTWARE\\Contoso | Out-Null; sp HKLM:\\SOFTWARE\\Contoso N 1; {set}; $v = gpv HKLM:\\SOFTWARE\\Contoso N; \"$($v.GetType().Name) $v\"", registry);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { expected }));
    }

    [Test]
    public async Task Missing_keys_and_values_are_the_providers_errors()
    {
        var registry = NewRegistry();
        var host = await RunAsync(
            "Get-ItemProperty HKLM:\\SOFTWARE\\Nope; Set-ItemProperty HKLM:\\SOFTWARE\\Nope -Name a -Value 1; Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion' -Name Nope, UBR | % UBR; " +
            "New-Item HKLM:\\SOFTWARE\\Microsoft | Out-Null; New-Item HKLM:\\SOFTWARE\\A\\B; New-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion' -Name UBR -Value 2; " +
            "Remove-ItemProperty HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System -Name Nope; 'next'; " +
            "try { gpv 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion' UBR, Nope } catch { \"caught $($_.FullyQualifiedErrorId)\" }; Test-Path HKLM:\\SOFTWARE\\A",
            registry);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "4974", "next", "caught System.Management.Automation.PSArgumentException,Microsoft.PowerShell.Commands.GetItemPropertyValueCommand", "False" }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("PathNotFound,Microsoft.PowerShell.Commands.GetItemPropertyCommand", "Cannot find path 'HKLM:\\SOFTWARE\\Nope' because it does not exist."),
            ("PathNotFound,Microsoft.PowerShell.Commands.SetItemPropertyCommand", "Cannot find path 'HKLM:\\SOFTWARE\\Nope' because it does not exist."),
            ("System.Management.Automation.PSArgumentException,Microsoft.PowerShell.Commands.GetItemPropertyCommand", "Property Nope does not exist at path HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion."),
            ("System.IO.IOException,Microsoft.PowerShell.Commands.NewItemCommand", "A key in this path already exists."),
            ("System.ArgumentException,Microsoft.PowerShell.Commands.NewItemCommand", "The registry key at the specified path does not exist."),
            ("System.IO.IOException,Microsoft.PowerShell.Commands.NewItemPropertyCommand", "The property already exists."),
            ("System.Management.Automation.PSArgumentException,Microsoft.PowerShell.Commands.RemoveItemPropertyCommand", "Property Nope does not exist at path HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System."),
        }));
    }

    /// <summary>
    /// New-Item -Force makes the keys above a key, and makes an existing key anew (its values and subkeys gone, as the
    /// provider deletes it first); Get-ChildItem lists subkeys as RegistryKeys, sorted; wildcards choose among keys.
    /// </summary>
    [Test]
    public async Task New_Item_Force_Get_ChildItem_and_wildcards_work_on_keys()
    {
        var registry = NewRegistry();
        var host = await RunAsync(
            "New-Item HKCU:\\Software\\Contoso\\Zeta\\Deep -Force | Out-Null; $k = New-Item HKCU:\\Software\\Contoso\\Alpha -Value 'dflt'; \"$($k.Name) $($k.ValueCount) $($k.Property)\"; " +
            "Get-ChildItem HKCU:\\Software\\Contoso | % { \"$($_.PSChildName) $($_.SubKeyCount) $($_.PSIsContainer)\" }; " +
            "(Get-ItemProperty HKCU:\\Software\\Contoso\\*).'(default)'; (Get-ChildItem HKCU:\\Software\\Contoso -Recurse).Count; " +
            "New-Item HKCU:\\Software\\Contoso -Force | Out-Null; (Get-ChildItem HKCU:\\Software\\Contoso).Count; Test-Path HKCU:\\Software\\Contoso -PathType Container",
            registry);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            @"HKEY_CURRENT_USER\Software\Contoso\Alpha 1 (default)", "Alpha 0 True", "Zeta 1 True", "dflt", "3", "0", "True",
        }));
    }

    /// <summary>
    /// The uninstall-list idiom: keys piped to Get-ItemProperty (by their PSPath) and to Remove-Item; a RegistryKey's
    /// methods read the key as it was when read.
    /// </summary>
    [Test]
    public async Task Keys_piped_to_Get_ItemProperty_and_Remove_Item_and_a_keys_methods_work_as_in_a_session()
    {
        var registry = NewRegistry();
        const string Uninstall = "HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall";
        var host = await RunAsync(
            $"'App1', 'App2' | % {{ New-Item \"{Uninstall}\\$_\" | Out-Null; sp \"{Uninstall}\\$_\" DisplayName \"$_ name\" }}; " +
            $"Get-ChildItem {Uninstall} | Get-ItemProperty | Select-Object -ExpandProperty DisplayName; " +
            $"Get-ChildItem {Uninstall} | Where-Object PSChildName -eq App2 | Remove-Item; (Get-ChildItem {Uninstall}).Count; " +
            $"$k = Get-Item {Uninstall}\\App1; $k.GetValue('DisplayName'); $k.GetValue('Nope', 'none'); $k.GetValueKind('DisplayName'); $k.GetValueNames(); (Get-Item {Uninstall}).GetSubKeyNames()",
            registry);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "App1 name", "App2 name", "1", "App1 name", "none", "String", "DisplayName", "App1" }));
    }

    /// <summary>Removing a key with subkeys and no -Recurse asks first (ShouldContinue): No keeps it, Yes removes it all.</summary>
    [TestCase(2, true)]
    [TestCase(0, false)]
    public async Task Remove_Item_of_a_key_with_subkeys_asks_before_removing_it(int answer, bool kept)
    {
        var registry = NewRegistry();
        var host = await RunAsync(
            "New-Item HKLM:\\SOFTWARE\\Contoso\\Sub -Force | Out-Null; Remove-Item HKLM:\\SOFTWARE\\Contoso; Test-Path HKLM:\\SOFTWARE\\Contoso",
            registry, call => new PipelineHostResponse(call.CallId, call.MethodId, PsPrimitive.Int32(answer), null));

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { kept.ToString() }));
        var prompt = host.HostCalls.Single(c => c.MethodId == RemoteHostMethodId.PromptForChoice);
        Assert.That(prompt.Parameters[1].ToDisplayString(), Does.StartWith(@"The item at HKLM:\SOFTWARE\Contoso has children and the Recurse parameter was not specified."));
    }

    [Test]
    public async Task Reg_add_is_what_PowerShell_reads_and_Set_ItemProperty_what_reg_query_prints()
    {
        var registry = NewRegistry();
        var add = await RegAsync("reg add \"HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\" /v LocalAccountTokenFilterPolicy /t REG_DWORD /d 1 /f", registry);
        var read = await RunAsync(
            "(Get-ItemProperty HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System).LocalAccountTokenFilterPolicy; " +
            "New-Item HKLM:\\SOFTWARE\\Contoso\\Sub -Force | Out-Null; sp HKLM:\\SOFTWARE\\Contoso Port 8080; sp HKLM:\\SOFTWARE\\Contoso Name x; " +
            "sp HKLM:\\SOFTWARE\\Contoso Paths ([string[]]('a','b')); sp HKLM:\\SOFTWARE\\Contoso Blob ([byte[]](1,2,255)); sp HKLM:\\SOFTWARE\\Contoso Big 5 -Type QWord",
            registry);
        var query = await RegAsync("reg query HKLM\\SOFTWARE\\Contoso", registry);
        var value = await RegAsync("reg query HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso /v port", registry);
        var missing = await RegAsync("reg query HKLM\\SOFTWARE\\Contoso /v Nope", registry);

        Assert.That(add, Is.EqualTo(("The operation completed successfully.\r\n", "", 0)));
        Assert.That(read.OutputTexts, Is.EqualTo(new[] { "1" }));
        Assert.That(read.Errors, Is.Empty);
        Assert.That(query, Is.EqualTo((
            "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\r\n    Port    REG_DWORD    0x1f90\r\n    Name    REG_SZ    x\r\n    Paths    REG_MULTI_SZ    a\\0b\r\n" +
            "    Blob    REG_BINARY    0102FF\r\n    Big    REG_QWORD    0x5\r\n\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Sub\r\n", "", 0)));
        Assert.That(value, Is.EqualTo(("\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\r\n    Port    REG_DWORD    0x1f90\r\n\r\n", "", 0)));
        Assert.That(missing, Is.EqualTo(("", "ERROR: The system was unable to find the specified registry key or value.\r\n", 1)));
    }

    /// <summary>Without /f, reg asks before overwriting or deleting; only y or yes goes on, and the end of stdin is no.</summary>
    [Test]
    public async Task Reg_asks_before_overwriting_or_deleting_without_f()
    {
        var registry = NewRegistry();
        await RegAsync("reg add HKCU\\Software\\Contoso /v Level /t REG_DWORD /d 1", registry);
        var refused = await RegAsync("reg add HKCU\\Software\\Contoso /v Level /t REG_DWORD /d 2", registry, "n\r\n");
        var overwritten = await RegAsync("reg add HKCU\\Software\\Contoso /v Level /t REG_DWORD /d 0x3", registry, "yes\r\n");
        var kept = await RegAsync("reg delete HKCU\\Software\\Contoso", registry);
        var level = await RegAsync("reg query HKCU\\Software\\Contoso /v Level", registry);
        var deleted = await RegAsync("reg delete HKCU\\Software\\Contoso /v Level", registry, "y\r\n");
        var gone = await RegAsync("reg query HKCU\\Software\\Contoso /v Level", registry);

        Assert.That(refused, Is.EqualTo(("Value Level exists, overwrite(Yes/No)? The operation was canceled by the user.\r\n", "", 0)));
        Assert.That(overwritten.Stdout, Does.EndWith("The operation completed successfully.\r\n"));
        Assert.That(kept.Stdout, Is.EqualTo("Permanently delete the registry key HKEY_CURRENT_USER\\Software\\Contoso (Yes/No)? "));
        Assert.That(level.Stdout, Does.Contain("    Level    REG_DWORD    0x3\r\n"));
        Assert.That(deleted.Stdout, Is.EqualTo("Delete the registry value Level (Yes/No)? The operation completed successfully.\r\n"));
        Assert.That(gone.Code, Is.EqualTo(1));
    }

    /// <summary>New-Item -Value that does not convert to -ItemType's kind: the key is made, its default value not (found by the random registry statements).</summary>
    [Test]
    public async Task A_default_value_that_does_not_convert_leaves_the_new_key_without_it()
    {
        var registry = NewRegistry();
        var host = await RunAsync("New-Item HKLM:\\SOFTWARE\\Contoso -ItemType DWord -Value 'abc'; 'next'; (Get-Item HKLM:\\SOFTWARE\\Contoso).ValueCount", registry);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next", "0" }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("System.Management.Automation.PSInvalidCastException,Microsoft.PowerShell.Commands.NewItemCommand", "Key HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso has been created, but a default value could not be set."),
        }));
    }

    /// <summary>
    /// .NET's registry API in a session: [Microsoft.Win32.Registry]::GetValue / SetValue on full key names, and
    /// RegistryKeys from LocalMachine or OpenBaseKey whose methods read and change the registry now.
    /// </summary>
    [Test]
    public async Task The_dotnet_registry_API_reads_and_changes_the_same_keys()
    {
        var registry = NewRegistry();
        var host = await RunAsync(
            "[Microsoft.Win32.Registry]::GetValue('HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion', 'CurrentBuild', $null); " +
            "$null -eq [Microsoft.Win32.Registry]::GetValue('HKEY_LOCAL_MACHINE\\SOFTWARE\\Nope', 'x', 'd'); [Microsoft.Win32.Registry]::GetValue('HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft', 'x', 'd'); " +
            "[Microsoft.Win32.Registry]::SetValue('HKEY_CURRENT_USER\\Software\\Contoso', 'Level', 3); " +
            "$k = [Microsoft.Win32.Registry]::CurrentUser.OpenSubKey('Software\\Contoso', $true); $k.SetValue('Name', 'x'); $k.CreateSubKey('Sub').SetValue('Big', 1, 'QWord'); " +
            "$k.SetValue('Home', '%COMPUTERNAME%\\x', 'ExpandString'); $k.GetValue('Home'); $k.GetValue('Home', $null, 'DoNotExpandEnvironmentNames'); $k.DeleteValue('Home'); " +
            "$k.GetValueNames() -join ','; $k.GetSubKeyNames(); (Get-ItemProperty HKCU:\\Software\\Contoso\\Sub).Big.GetType().Name; " +
            "$k.DeleteValue('Name'); $k.DeleteSubKeyTree('Sub'); (Get-ChildItem HKCU:\\Software\\Contoso).Count; $k.GetValueNames(); " +
            "$null -eq [Microsoft.Win32.RegistryKey]::OpenBaseKey('LocalMachine', 'Registry64').OpenSubKey('SOFTWARE\\Nope'); " +
            "try { $k.DeleteValue('Nope') } catch { \"$_\" }; try { [Microsoft.Win32.Registry]::GetValue('HKLM\\SOFTWARE', 'x', 1) } catch { $_.FullyQualifiedErrorId }",
            registry);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "17763", "True", "d", @"TESTHOST01\x", @"%COMPUTERNAME%\x", "Level,Name", "Sub", "Int64", "0", "Level", "True",
            "Exception calling \"DeleteValue\" with \"1\" argument(s): \"No value exists with that name.\"", "ArgumentException",
        }));
    }

    /// <summary>A registry whose Environment keys are a kept environment, and a session of user 'tester' on it.</summary>
    private static (PersistentEnvironment Environment, VirtualRegistry Registry, FakeTimeProvider Time, RecordingHost Host) EnvironmentWorld()
    {
        var environment = new PersistentEnvironment();
        var registry = NewRegistry();
        registry.Environment = environment;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 10, 30, 0, TimeSpan.Zero));
        var host = new RecordingHost { Runspace = new RunspaceState(time), Registry = registry, PersistentEnvironment = environment };
        host.Environment["USERPROFILE"] = @"C:\Users\tester";
        return (environment, registry, time, host);
    }

    /// <summary>
    /// The Environment keys are the environment the computer keeps for later processes: what
    /// [Environment]::SetEnvironmentVariable or setx keeps, the registry lists, and a value set there is kept the same way.
    /// </summary>
    [Test]
    public async Task The_environment_keys_are_the_environment_kept_for_later_processes()
    {
        var (environment, registry, time, host) = EnvironmentWorld();
        await Default.Resolve(Behaviour.Script(
            "[Environment]::SetEnvironmentVariable('TOOLS', 'C:\\tools', 'Machine'); (Get-ItemProperty 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment').TOOLS; " +
            "Set-ItemProperty HKCU:\\Environment -Name EDITOR -Value notepad; [Environment]::GetEnvironmentVariable('EDITOR', 'User'); (Get-Item HKCU:\\Environment).Property -join ','; $env:EDITOR; " +
            "Remove-ItemProperty HKCU:\\Environment -Name TEMP; $null -eq [Environment]::GetEnvironmentVariable('TEMP', 'User')")).RunTestAsync(host, time);
        var reg = await RegAsync("reg query HKCU\\Environment /v EDITOR", registry);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { @"C:\tools", "notepad", "Path,TEMP,TMP,EDITOR", "", "True" }), "the running session's $env:EDITOR is unchanged (null)");
        Assert.That(environment.Get(EnvironmentScope.User, @"C:\Users\tester", "EDITOR", _ => null), Is.EqualTo("notepad"));
        Assert.That(reg.Code, Is.EqualTo(1), "reg's HKCU is its own user's (the fake host has no profile)");
    }

    /// <summary>
    /// The Environment keys hold REG_EXPAND_SZ values unexpanded, as Windows does: Get-ItemProperty and GetValue expand
    /// them, GetValue with DoNotExpandEnvironmentNames (what scripts that edit the machine Path use) does not, and
    /// [Environment]::SetEnvironmentVariable writes REG_SZ, so the Path it writes back is no longer REG_EXPAND_SZ.
    /// </summary>
    [Test]
    public async Task The_environment_keys_keep_REG_EXPAND_SZ_values_unexpanded_until_read()
    {
        var (_, registry, time, host) = EnvironmentWorld();
        host.Environment["SystemRoot"] = @"C:\Windows";
        await Default.Resolve(Behaviour.Script(
            "$k = Get-Item 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment'; " +
            "$k.GetValueKind('Path'); $k.GetValue('Path', $null, 'DoNotExpandEnvironmentNames'); $k.GetValue('TEMP'); (Get-ItemProperty $k.PSPath).ComSpec; " +
            "(Get-Item HKCU:\\Environment).GetValue('TEMP', $null, 'DoNotExpandEnvironmentNames'); [Environment]::GetEnvironmentVariable('TEMP', 'User'); " +
            "[Environment]::SetEnvironmentVariable('Path', [Environment]::GetEnvironmentVariable('Path', 'Machine') + ';C:\\tools', 'Machine'); " +
            "$k = Get-Item $k.PSPath; $k.GetValueKind('Path'); $k.GetValue('Path', $null, 'DoNotExpandEnvironmentNames')")).RunTestAsync(host, time);
        var reg = await RegAsync("reg query \"HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment\" /v windir", registry);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "ExpandString", @"%SystemRoot%\system32;%SystemRoot%;%SystemRoot%\System32\Wbem;%SYSTEMROOT%\System32\WindowsPowerShell\v1.0\;%SYSTEMROOT%\System32\OpenSSH\", @"C:\Windows\TEMP",
            @"C:\Windows\system32\cmd.exe", @"%USERPROFILE%\AppData\Local\Temp", @"C:\Users\tester\AppData\Local\Temp",
            "String", @"C:\Windows\system32;C:\Windows;C:\Windows\System32\Wbem;C:\Windows\System32\WindowsPowerShell\v1.0\;C:\Windows\System32\OpenSSH\;C:\tools",
        }));
        Assert.That(reg.Stdout, Does.Contain("    windir    REG_EXPAND_SZ    %SystemRoot%\r\n"));
    }

    /// <summary>
    /// A '/' is part of a key's name for reg.exe and .NET (SCHANNEL's "RC4 128/128", as TLS hardening scripts make it),
    /// while PowerShell's paths read it as a separator, as PowerShell does (so Test-Path of that name is false).
    /// </summary>
    [Test]
    public async Task A_slash_is_part_of_a_key_name_for_reg_and_dotnet_but_separates_keys_in_PowerShell_paths()
    {
        var registry = NewRegistry();
        const string Ciphers = "SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Ciphers";
        var add = await RegAsync($"reg add \"HKLM\\{Ciphers}\\RC4 128/128\" /v Enabled /t REG_DWORD /d 0 /f", registry);
        var host = await RunAsync(
            $"$c = (Get-Item HKLM:\\).OpenSubKey('{Ciphers}', $true); $c.CreateSubKey('RC4 40/128').SetValue('Enabled', 0, 'DWord'); $c.GetSubKeyNames() -join '|'; " +
            $"$c.OpenSubKey('RC4 128/128').GetValue('Enabled'); Test-Path 'HKLM:\\{Ciphers}\\RC4 128/128'; (Get-ChildItem 'HKLM:\\{Ciphers}').Count",
            registry);
        var query = await RegAsync($"reg query \"HKLM\\{Ciphers}\\RC4 40/128\" /v Enabled", registry);

        Assert.That(add.Code, Is.Zero);
        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "RC4 128/128|RC4 40/128", "0", "False", "2" }));
        Assert.That(query.Stdout, Does.Contain("    Enabled    REG_DWORD    0x0\r\n"));
    }

    /// <summary>HKCU is each user's own: one user's keys are not another's; HKLM is shared.</summary>
    [Test]
    public void Each_user_has_an_HKCU_of_their_own()
    {
        var registry = NewRegistry();
        registry.CreateKey(VirtualRegistry.CurrentUser, "alice", @"Software\Contoso", createParents: true);
        registry.CreateKey(VirtualRegistry.LocalMachine, "alice", @"SOFTWARE\Contoso", createParents: false);

        Assert.That(registry.Get(VirtualRegistry.CurrentUser, "bob", @"Software\Contoso"), Is.Null);
        Assert.That(registry.Get(VirtualRegistry.CurrentUser, "bob", @"Environment"), Is.Not.Null, "the scenario's HKCU keys are every user's");
        Assert.That(registry.Get(VirtualRegistry.LocalMachine, "bob", @"software\contoso")?.Name, Is.EqualTo(@"HKEY_LOCAL_MACHINE\SOFTWARE\Contoso"));
    }

    [Test]
    public void The_registry_is_bounded_in_keys()
    {
        var registry = new VirtualRegistry();
        var failures = Enumerable.Range(0, VirtualRegistry.MaxKeys + 5).Select(i => registry.CreateKey(VirtualRegistry.LocalMachine, null, "K" + i, createParents: false)).ToList();

        Assert.That(failures.Count(f => f == RegistryFailure.TooLarge), Is.EqualTo(5));
        Assert.That(registry.DeleteKey(VirtualRegistry.LocalMachine, null, "K0", recurse: false), Is.EqualTo(RegistryFailure.None));
        Assert.That(registry.CreateKey(VirtualRegistry.LocalMachine, null, "again", createParents: false), Is.EqualTo(RegistryFailure.None));
    }

    [TestCase("registry:\n  - key: 'HKXX:\\x'\n", "line 3, column 10")]
    [TestCase("registry:\n  - key: 'HKLM:\\x'\n    values:\n      a: { dword: 99999999999 }\n", "line 5, column 19")]
    [TestCase("registry:\n  - key: 'HKLM:\\x'\n    colour: red\n", "unknown registry key field 'colour'")]
    [TestCase("registry:\n  - key: 'HKLM:\\x'\n    values:\n      a: 1\n      A: 2\n", "the value 'A' is given twice")]
    public void A_bad_registry_section_is_a_load_error_with_its_place(string yaml, string expected)
    {
        var error = Assert.Throws<BehaviourLoadException>(() => BehaviourCatalog.Parse("behaviours: []\n" + yaml));
        Assert.That(error!.Message, Does.Contain(expected));
    }

    [Test]
    public void Registry_values_are_typed_by_their_YAML()
    {
        var catalog = BehaviourCatalog.Parse("behaviours: []\nregistry:\n  - key: 'HKLM:\\SOFTWARE\\T'\n    computer: Server02\n    values:\n" +
            "      d: 7\n      big: 0x1FFFFFFFF\n      s: '7'\n      m: [a, b]\n      e: { expand: '%TEMP%' }\n      b: { binary: AQI= }\n      q: { qword: 1 }\n      (default): x\n");
        var key = catalog.NewRegistry("server02").Get(VirtualRegistry.LocalMachine, null, @"SOFTWARE\T")!;

        Assert.That(key.Values.Select(v => (v.Name, v.Kind)), Is.EqualTo(new[]
        {
            ("d", RegistryValueKind.DWord), ("big", RegistryValueKind.QWord), ("s", RegistryValueKind.String), ("m", RegistryValueKind.MultiString),
            ("e", RegistryValueKind.ExpandString), ("b", RegistryValueKind.Binary), ("q", RegistryValueKind.QWord), ("", RegistryValueKind.String),
        }));
        Assert.That(catalog.NewRegistry("Server01").Get(VirtualRegistry.LocalMachine, null, @"SOFTWARE\T"), Is.Null, "computer: Server02 only");
    }

    /// <summary>InSpec's package resource: Get-ItemProperty of the Uninstall keys that Test-Path finds (a wildcard path answers once).</summary>
    [Test]
    public async Task Test_Path_of_a_wildcard_answers_once_whether_any_key_matches()
    {
        const string Uninstall = @"HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall";
        var host = await RunAsync(
            $"Test-Path '{Uninstall}\\*'; Test-Path 'HKLM:\\SOFTWARE\\Microsoft\\*'; New-Item '{Uninstall}\\7-Zip' | Out-Null; " +
            $"Set-ItemProperty '{Uninstall}\\7-Zip' -Name DisplayName -Value '7-Zip 19.00 (x64)'; Set-ItemProperty '{Uninstall}\\7-Zip' -Name DisplayVersion -Value '19.00'; " +
            $"Get-ItemProperty (@('{Uninstall}\\*', 'HKCU:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*') | Where-Object {{ Test-Path $_ }}) | " +
            "Where-Object { $_.DisplayName -match '^\\s*7-Zip\\.*' } | ForEach-Object { \"$($_.DisplayName) $($_.DisplayVersion)\" }", NewRegistry());

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "False", "True", "7-Zip 19.00 (x64) 19.00" }));
    }

    /// <summary>
    /// A registry key goes on the wire as 5.1's Get-ChildItem HKLM:\... writes one (a recorded export): SubKeyCount,
    /// View, Handle, ValueCount and Name in Props (View and Handle as their text at remoting depth), then Property and the
    /// provider's notes, PSDrive and PSProvider as PSDriveInfo and ProviderInfo objects, in MS.
    /// </summary>
    [Test]
    public async Task A_registry_key_is_written_as_5_1_writes_one()
    {
        var host = await RunAsync("Get-Item 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion'", NewRegistry());

        var written = (PsObject)RemotingDepth.Apply(host.Outputs.Single(), o => o.ToDisplayString(), typeMembers: PsrpEmulator.Server.Behaviours.ExtendedTypeMembers.PropertyNames);

        Assert.That(written.AdaptedProperties.Select(p => (p.Name, p.Value is PsObject ? "Obj" : p.Value.ToDisplayString())).Take(3),
            Is.EqualTo(new[] { ("SubKeyCount", written["SubKeyCount"]!.ToDisplayString()), ("View", "Default"), ("Handle", "Microsoft.Win32.SafeHandles.SafeRegistryHandle") }));
        Assert.That(written.AdaptedProperties.Select(p => p.Name), Is.EqualTo(new[] { "SubKeyCount", "View", "Handle", "ValueCount", "Name" }));
        Assert.That(written.ExtendedProperties.Select(p => p.Name), Is.EqualTo(new[] { "Property", "PSPath", "PSParentPath", "PSChildName", "PSDrive", "PSProvider", "PSIsContainer" }));
        var drive = (PsObject)written["PSDrive"]!;
        Assert.That((drive.ToStringValue, drive["Root"]?.ToDisplayString(), drive["Description"]?.ToDisplayString()),
            Is.EqualTo(("HKLM", "HKEY_LOCAL_MACHINE", "The configuration settings for the local computer")));
        var provider = (PsObject)written["PSProvider"]!;
        Assert.That((provider.ToStringValue, provider["ImplementingType"]?.ToDisplayString(), provider["Capabilities"]?.ToDisplayString()),
            Is.EqualTo((@"Microsoft.PowerShell.Core\Registry", "Microsoft.PowerShell.Commands.RegistryProvider", "ShouldProcess, Transactions")));
    }

    /// <summary>A REG_BINARY value reads as a byte[] the script can index, count and pipe, as PowerShell's provider gives it.</summary>
    [Test]
    public async Task A_binary_value_reads_as_an_array_of_bytes()
    {
        var host = await RunAsync("""
            New-Item HKLM:\SOFTWARE\Contoso -Force | Out-Null; sp HKLM:\SOFTWARE\Contoso Blob ([byte[]](1,2,255))
            $v = (gp HKLM:\SOFTWARE\Contoso).Blob; $v.Length; $v[2]; $v.GetType().FullName; ($v | Measure-Object).Count
            sp HKLM:\SOFTWARE\Contoso Copy $v; (Get-ItemProperty HKLM:\SOFTWARE\Contoso -Name Copy).Copy -join ','
            """, Default.NewRegistry("TESTHOST01"));

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "3", "255", "System.Byte[]", "3", "1,2,255" }));
    }

    /// <summary>
    /// A registry path in the variable syntax is read through the provider's content, which the Registry provider has
    /// not: a key that is there is GetVariableValueFromProvider's ProviderCannotBeUsedAsVariable (the statement's error,
    /// in a string too), a key that is not, like a drive no one has, $null.
    /// </summary>
    [Test]
    public async Task A_registry_key_read_as_a_braced_variable_is_the_providers_variable_syntax_error()
    {
        var host = await RunAsync("""
            ${HKLM:\SOFTWARE}; 'next'
            try { $v = ${HKCU:\Software} } catch { $_.FullyQualifiedErrorId }
            "in a string: ${HKLM:\SOFTWARE}"; 'after'
            $null -eq ${HKLM:\SOFTWARE\NoSuchKey}; $null -eq ${nosuch:x}
            """, NewRegistry());

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next", "ProviderCannotBeUsedAsVariable", "after", "True", "True" }));
        const string Message = "The provider 'Registry' cannot be used to get or set data using the variable syntax. Cannot use interface. The IContentCmdletProvider interface is not implemented by this provider.";
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId, e.Category)), Is.EqualTo(new[]
        {
            (Message, "ProviderCannotBeUsedAsVariable", ErrorCategory.NotSpecified), (Message, "ProviderCannotBeUsedAsVariable", ErrorCategory.NotSpecified),
        }));
    }
}
