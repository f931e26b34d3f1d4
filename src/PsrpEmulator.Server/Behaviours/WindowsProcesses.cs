using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The processes Windows Server 2019 itself runs from its boot, besides System, Idle, the services' processes
/// (<see cref="ServiceProcesses"/>) and the svchost the rule lists: the session manager, the two Windows subsystem
/// processes (session 0 for services, session 1 at the logon screen, which a server shows when nobody is logged on at
/// its console), wininit, winlogon, the Service Control Manager (services.exe, the services' parent), the font driver
/// hosts, the Desktop Window Manager and LogonUI of session 1, the Registry process (1803 and later) and the WMI
/// provider host WinRM's WMI calls wake. Get-Process (<c>{ $withWindowsProcesses: [...] }</c>), Win32_Process (parent,
/// command line), tasklist and Get-Process -IncludeUserName read this one table, so they agree.
/// </summary>
/// <remarks>
/// The ids are where a fresh boot puts them (UNVERIFIED, as are the memory and handle figures: a freshly booted
/// Server 2019 virtual machine's, remembered). Windows starts smss, csrss, wininit and services as protected processes
/// (PPL), whose image an administrator cannot open: Get-Process gives no Path, Company or Description for them, and
/// ending them is "Access is denied"; Win32_Process still names their image and command line. Ending winlogon, dwm,
/// LogonUI, the font hosts or WmiPrvSE is not emulated (Windows would end the console session or restart them).
/// </remarks>
internal static class WindowsProcesses
{
    /// <summary>One of Windows' own processes.</summary>
    /// <param name="Protected">A protected process (PPL): its image cannot be read, ending it is Access is denied.</param>
    internal sealed record OsProcess(
        int Id, string Name, int SessionId, int ParentId, string? Path, string? CommandLine, string Owner, string? Description, bool Protected,
        int Handles, int NonpagedKb, int PrivateKb, int WorkingSetKb, double Cpu);

    /// <summary>The Service Control Manager's id (services.exe), the parent of every service's process.</summary>
    public const int ServicesId = 620;

    /// <summary>wininit.exe's id, the parent of services.exe, lsass.exe and session 0's font host.</summary>
    public const int WininitId = 480;

    private const string System32 = @"C:\Windows\System32\";

    // smss's children that made each session's csrss, wininit and winlogon have exited since (their ids are gone).
    private const int Session0Smss = 388;
    private const int Session1Smss = 472;

    public static readonly IReadOnlyList<OsProcess> All =
    [
        new(88, "Registry", 0, 4, null, null, @"NT AUTHORITY\SYSTEM", null, true, 0, 12, 1_064, 47_996, 1.22),
        new(296, "smss", 0, 4, System32 + "smss.exe", @"\SystemRoot\System32\smss.exe", @"NT AUTHORITY\SYSTEM", "Windows Session Manager", true, 53, 3, 512, 1_188, 0.05),
        new(404, "csrss", 0, Session0Smss, System32 + "csrss.exe", CsrssCommandLine, @"NT AUTHORITY\SYSTEM", "Client Server Runtime Process", true, 373, 17, 1_804, 5_020, 0.50),
        new(WininitId, "wininit", 0, Session0Smss, System32 + "wininit.exe", "wininit.exe", @"NT AUTHORITY\SYSTEM", "Windows Start-Up Application", true, 161, 11, 1_340, 6_668, 0.05),
        new(488, "csrss", 1, Session1Smss, System32 + "csrss.exe", CsrssCommandLine, @"NT AUTHORITY\SYSTEM", "Client Server Runtime Process", true, 161, 10, 1_636, 4_372, 0.20),
        new(548, "winlogon", 1, Session1Smss, System32 + "winlogon.exe", "winlogon.exe", @"NT AUTHORITY\SYSTEM", "Windows Logon Application", false, 239, 11, 2_536, 10_532, 0.06),
        new(ServicesId, "services", 0, WininitId, System32 + "services.exe", System32 + "services.exe", @"NT AUTHORITY\SYSTEM", "Services and Controller app", true, 574, 13, 4_540, 10_864, 0.94),
        new(764, "fontdrvhost", 0, WininitId, System32 + "fontdrvhost.exe", "\"fontdrvhost.exe\"", @"Font Driver Host\UMFD-0", "Usermode Font Driver Host", false, 32, 6, 1_396, 3_100, 0.02),
        new(768, "fontdrvhost", 1, 548, System32 + "fontdrvhost.exe", "\"fontdrvhost.exe\"", @"Font Driver Host\UMFD-1", "Usermode Font Driver Host", false, 32, 7, 1_628, 3_784, 0.05),
        new(936, "LogonUI", 1, 548, System32 + "LogonUI.exe", "\"LogonUI.exe\" /flags:0x2 /state0:0xa3b92855 /state1:0x41c64e6d", @"NT AUTHORITY\SYSTEM", "Windows Logon User Interface Host", false, 934, 42, 12_260, 51_096, 0.27),
        new(972, "dwm", 1, 548, System32 + "dwm.exe", "\"dwm.exe\"", @"Window Manager\DWM-1", "Desktop Window Manager", false, 668, 26, 19_052, 41_652, 1.03),
        new(2960, "WmiPrvSE", 0, ListeningSockets.ServiceHostId, System32 + @"wbem\WmiPrvSE.exe", System32 + @"wbem\wmiprvse.exe -secured -Embedding", @"NT AUTHORITY\NETWORK SERVICE", "WMI Provider Host", false, 315, 14, 9_008, 18_592, 0.39),
    ];

    private const string CsrssCommandLine = @"%SystemRoot%\system32\csrss.exe ObjectDirectory=\Windows SharedSection=1024,20480,768 Windows=On SubSystemType=Windows ServerDll=basesrv,1 ServerDll=winsrv:UserServerDllInitialization,3 ServerDll=sxssrv,4 ProfileControl=Off MaxRequestThreads=16";

    private static readonly Dictionary<int, OsProcess> ById = All.ToDictionary(p => p.Id);

    /// <summary>Windows' own process with <paramref name="id"/>, or null.</summary>
    public static OsProcess? Find(int id) => ById.GetValueOrDefault(id);

    /// <summary>The process as Get-Process writes it (the properties and types of the rule's own processes).</summary>
    public static PsObject ProcessObject(OsProcess process)
    {
        var workingSet = process.WorkingSetKb * 1_024;
        var privateBytes = process.PrivateKb * 1_024;
        var nonpaged = process.NonpagedKb * 1_024;
        // The Registry process is a minimal process with no user address space to speak of.
        var virtualSize = process.Path is null ? 105_000_960L : 2_203_318_000_000L + ServiceDefinition.StableHash(process.Name + process.Id) % 100_000_000L * 4_096;
        var o = ServiceProcesses.Counters(process.Name, process.Id, process.SessionId, process.Handles, nonpaged, privateBytes, workingSet, virtualSize, process.Cpu);
        if (process.Protected || process.Path is null)
        {
            // PowerShell 5.1 reads these from the process's main module, which a protected process does not open.
            return o.With("Company", PsNil.Instance).With("Description", PsNil.Instance).With("FileVersion", PsNil.Instance).With("ProductVersion", PsNil.Instance)
                .With("Path", PsNil.Instance);
        }

        return o.With("Company", "Microsoft Corporation").With("Description", process.Description ?? process.Name)
            .With("FileVersion", "10.0.17763.1 (WinBuild.160101.0800)").With("ProductVersion", "10.0.17763.1")
            .With("Path", process.Path);
    }
}
