using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Behaviours.CommandLines;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>tasklist.exe over the computer's processes, with the filters and formats scripts use to find a program.</summary>
public class TasklistTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private const string Header =
        "\r\nImage Name                     PID Session Name        Session#    Mem Usage\r\n========================= ======== ================ =========== ============\r\n";

    private const string Wsmprovhost = "wsmprovhost.exe               3120 Services                   0     61,440 K\r\n";

    private static async Task<(FakeCommandLineHost Host, int ExitCode)> RunAsync(string line, TimeProvider? time = null)
    {
        var disk = new VirtualFileSystem(TimeProvider.System, 1 << 20);
        disk.CreateDirectory(@"C:\Users\psrp");
        var host = new FakeCommandLineHost
        {
            Encoding = System.Text.Encoding.ASCII,
            FileSystem = disk,
            Facts = new Dictionary<string, string> { ["cd"] = @"C:\Users\psrp" },
            Environment = [new("USERDOMAIN", "SERVER01"), new("USERNAME", "tester")],
        };
        var exitCode = await Default.ResolveCommandLine(line).RunAsync(host, time ?? TimeProvider.System, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return (host, exitCode);
    }

    [Test]
    public async Task Tasklist_lists_the_processes_in_its_table()
    {
        var (host, exitCode) = await RunAsync("tasklist");

        Assert.That((host.Stdout, host.Stderr, exitCode), Is.EqualTo((Header +
// With Windows' own processes (session 1's at the logon screen: Console) and those the running services run in
// (lsass, MsMpEng...), in the order they were made (by id).
            "System Idle Process              0 Services                   0          8 K\r\n" +
            "System                           4 Services                   0        144 K\r\n" +
            "Registry                        88 Services                   0     47,996 K\r\n" +
            "smss.exe                       296 Services                   0      1,188 K\r\n" +
            "csrss.exe                      404 Services                   0      5,020 K\r\n" +
            "wininit.exe                    480 Services                   0      6,668 K\r\n" +
            "csrss.exe                      488 Console                    1      4,372 K\r\n" +
            "winlogon.exe                   548 Console                    1     10,532 K\r\n" +
            "services.exe                   620 Services                   0     10,864 K\r\n" +
            "lsass.exe                      740 Services                   0     12,076 K\r\n" +
            "fontdrvhost.exe                764 Services                   0      3,100 K\r\n" +
            "fontdrvhost.exe                768 Console                    1      3,784 K\r\n" +
            "LogonUI.exe                    936 Console                    1     51,096 K\r\n" +
            "dwm.exe                        972 Console                    1     41,652 K\r\n" +
            "svchost.exe                   1868 Services                   0     19,952 K\r\n" +
            "MsMpEng.exe                   2212 Services                   0     27,016 K\r\n" +
            "svchost.exe                   2500 Services                   0     19,668 K\r\n" +
            "WmiPrvSE.exe                  2960 Services                   0     18,592 K\r\n" +
            "NisSrv.exe                    3576 Services                   0     28,400 K\r\n" +
            "msdtc.exe                     4456 Services                   0     29,584 K\r\n" +
            "SgrmBroker.exe                4572 Services                   0     22,756 K\r\n" +
            Wsmprovhost, "", 0)));
    }

    [TestCase("tasklist /FI \"IMAGENAME eq wsmprovhost.exe\"", Header + Wsmprovhost)]
    [TestCase("tasklist /fi \"imagename eq WSMPROV*\"", Header + Wsmprovhost)]
    [TestCase("tasklist /FI \"IMAGENAME eq wsmprovhost.exe\" /NH", "\r\n" + Wsmprovhost)]
    [TestCase("tasklist /FI \"PID gt 3000\" /FI \"IMAGENAME ne svchost.exe\" /FI \"IMAGENAME ne msdtc.exe\"", Header + "NisSrv.exe                    3576 Services                   0     28,400 K\r\nSgrmBroker.exe                4572 Services                   0     22,756 K\r\n" + Wsmprovhost)]
    [TestCase("tasklist /FI \"MEMUSAGE ge 50000\"", Header + "LogonUI.exe                    936 Console                    1     51,096 K\r\n" + Wsmprovhost)]
    [TestCase("tasklist /FI \"SESSION eq 1\" /FI \"IMAGENAME ne csrss.exe\" /NH", "\r\nwinlogon.exe                   548 Console                    1     10,532 K\r\nfontdrvhost.exe                768 Console                    1      3,784 K\r\nLogonUI.exe                    936 Console                    1     51,096 K\r\ndwm.exe                        972 Console                    1     41,652 K\r\n")]
    [TestCase("tasklist /FI \"SESSIONNAME eq Console\" /FI \"USERNAME eq DWM-1\" /FO CSV /NH", "\"dwm.exe\",\"972\",\"Console\",\"1\",\"41,652 K\"\r\n")]
    [TestCase("tasklist /FI \"USERNAME eq tester\"", Header + Wsmprovhost)]
    [TestCase("tasklist /FI \"USERNAME ne tester\" /FI \"SESSION eq 0\" /FI \"PID gt 600\" /NH /FO CSV", "\"services.exe\",\"620\",\"Services\",\"0\",\"10,864 K\"\r\n\"lsass.exe\",\"740\",\"Services\",\"0\",\"12,076 K\"\r\n\"fontdrvhost.exe\",\"764\",\"Services\",\"0\",\"3,100 K\"\r\n\"svchost.exe\",\"1868\",\"Services\",\"0\",\"19,952 K\"\r\n\"MsMpEng.exe\",\"2212\",\"Services\",\"0\",\"27,016 K\"\r\n\"svchost.exe\",\"2500\",\"Services\",\"0\",\"19,668 K\"\r\n\"WmiPrvSE.exe\",\"2960\",\"Services\",\"0\",\"18,592 K\"\r\n\"NisSrv.exe\",\"3576\",\"Services\",\"0\",\"28,400 K\"\r\n\"msdtc.exe\",\"4456\",\"Services\",\"0\",\"29,584 K\"\r\n\"SgrmBroker.exe\",\"4572\",\"Services\",\"0\",\"22,756 K\"\r\n")]
    [TestCase("tasklist /FI \"IMAGENAME eq notepad.exe\"", "INFO: No tasks are running which match the specified criteria.\r\n")]
    [TestCase("tasklist /FO CSV /FI \"PID eq 4\"", "\"Image Name\",\"PID\",\"Session Name\",\"Session#\",\"Mem Usage\"\r\n\"System\",\"4\",\"Services\",\"0\",\"144 K\"\r\n")]
    [TestCase("tasklist /FO CSV /NH /FI \"PID eq 4\"", "\"System\",\"4\",\"Services\",\"0\",\"144 K\"\r\n")]
    [TestCase("tasklist /FO LIST /FI \"PID eq 3120\"", "\r\nImage Name:   wsmprovhost.exe\r\nPID:          3120\r\nSession Name: Services\r\nSession#:     0\r\nMem Usage:    61,440 K\r\n")]
    [TestCase("tasklist | findstr /i wsmprovhost", Wsmprovhost)]
    public async Task Filters_and_formats_pick_and_print_the_processes(string line, string stdout)
    {
        var (host, exitCode) = await RunAsync(line);

        Assert.That((host.Stdout, host.Stderr, exitCode), Is.EqualTo((stdout, "", 0)));
    }

    [TestCase("tasklist /FI \"BOGUS eq 1\"", "ERROR: The search filter cannot be recognized.\r\n")]
    [TestCase("tasklist /FI \"PID eq abc\"", "ERROR: The search filter cannot be recognized.\r\n")]
    [TestCase("tasklist /FI \"IMAGENAME gt a\"", "ERROR: The search filter cannot be recognized.\r\n")]
    [TestCase("tasklist /X", "ERROR: Invalid argument/option - '/X'.\r\nType \"TASKLIST /?\" for usage.\r\n")]
    [TestCase("tasklist /FO LIST /NH", "ERROR: /NH switch cannot be used with the LIST format.\r\nType \"TASKLIST /?\" for usage.\r\n")]
    [TestCase("tasklist /V /SVC", "tasklist /V /SVC is a command Windows has that the emulator does not emulate as written: give the command a rule (cmd: match: its whole line)\r\n")]
    public async Task What_tasklist_cannot_take_is_its_error_on_stderr_with_exit_code_1(string line, string stderr)
    {
        var (host, exitCode) = await RunAsync(line);

        Assert.That((host.Stdout, host.Stderr, exitCode), Is.EqualTo(("", stderr, 1)));
    }

    [Test]
    public async Task Tasklist_v_adds_each_process_status_account_processor_time_and_window_title()
    {
        // Three days and two hours after the default scenario's boot.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(EventLogs.DefaultBoot.AddDays(3).AddHours(2));

        var (table, tableCode) = await RunAsync("tasklist /v /fi \"pid le 300\"", time);
        var (session, _) = await RunAsync("tasklist /V /FI \"IMAGENAME eq wsmprovhost.exe\" /NH", time);
        var (csv, _) = await RunAsync("tasklist /v /fo csv /fi \"imagename eq msdtc.exe\"", time);
        var (list, _) = await RunAsync("tasklist /fo list /v /fi \"pid eq 972\"", time);

        const string Title = "N/A                                                                     ";
        Assert.That((table.Stdout, table.Stderr, tableCode), Is.EqualTo((
            "\r\nImage Name                     PID Session Name        Session#    Mem Usage Status          User Name                                              CPU Time Window Title                                                            \r\n" +
            "========================= ======== ================ =========== ============ =============== ================================================== ============ ========================================================================\r\n" +
            // Idle: 2 processors for 74 hours (532,800 s) less the others' 947 s of processor time.
            "System Idle Process              0 Services                   0          8 K Unknown         NT AUTHORITY\\SYSTEM                                   147:44:12 " + Title + "\r\n" +
            // An administrator cannot read System's token; 812.5 s of processor time is 0:13:32.
            "System                           4 Services                   0        144 K Unknown         N/A                                                     0:13:32 " + Title + "\r\n" +
            "Registry                        88 Services                   0     47,996 K Unknown         NT AUTHORITY\\SYSTEM                                     0:00:01 " + Title + "\r\n" +
            "smss.exe                       296 Services                   0      1,188 K Unknown         NT AUTHORITY\\SYSTEM                                     0:00:00 " + Title + "\r\n", "", 0)));
        Assert.That(session.Stdout, Is.EqualTo(
            "\r\nwsmprovhost.exe               3120 Services                   0     61,440 K Unknown         SERVER01\\tester                                         0:00:01 " + Title + "\r\n"));
        Assert.That(csv.Stdout, Does.StartWith(
            "\"Image Name\",\"PID\",\"Session Name\",\"Session#\",\"Mem Usage\",\"Status\",\"User Name\",\"CPU Time\",\"Window Title\"\r\n\"msdtc.exe\",\"4456\",\"Services\",\"0\",\"29,584 K\",\"Unknown\",\"NT AUTHORITY\\NETWORK SERVICE\",\"0:00:"));
        Assert.That(list.Stdout, Is.EqualTo(
            "\r\nImage Name:   dwm.exe\r\nPID:          972\r\nSession Name: Console\r\nSession#:     1\r\nMem Usage:    41,652 K\r\n" +
            "Status:       Unknown\r\nUser Name:    Window Manager\\DWM-1\r\nCPU Time:     0:00:01\r\nWindow Title: N/A\r\n"));
    }

    [Test]
    public async Task Tasklist_svc_names_the_services_each_process_runs_wrapping_the_column_after_a_comma()
    {
        var (table, tableCode) = await RunAsync("tasklist /svc /fi \"imagename ne svchost.exe\"");
        var (winrm, _) = await RunAsync("tasklist /svc /fi \"services eq WinRM\" /nh");
        var (csv, _) = await RunAsync("tasklist /svc /fo csv /fi \"imagename eq lsass.exe\"");

        Assert.That((table.Stdout, tableCode), Is.EqualTo((
            "\r\nImage Name                     PID Services                                    \r\n========================= ======== ============================================\r\n" +
            "System Idle Process              0 N/A                                         \r\n" +
            "System                           4 N/A                                         \r\n" +
            "Registry                        88 N/A                                         \r\n" +
            "smss.exe                       296 N/A                                         \r\n" +
            "csrss.exe                      404 N/A                                         \r\n" +
            "wininit.exe                    480 N/A                                         \r\n" +
            "csrss.exe                      488 N/A                                         \r\n" +
            "winlogon.exe                   548 N/A                                         \r\n" +
            "services.exe                   620 N/A                                         \r\n" +
            "lsass.exe                      740 KeyIso, SamSs, VaultSvc                     \r\n" +
            "fontdrvhost.exe                764 N/A                                         \r\n" +
            "fontdrvhost.exe                768 N/A                                         \r\n" +
            "LogonUI.exe                    936 N/A                                         \r\n" +
            "dwm.exe                        972 N/A                                         \r\n" +
            "MsMpEng.exe                   2212 WinDefend                                   \r\n" +
            "WmiPrvSE.exe                  2960 N/A                                         \r\n" +
            "NisSrv.exe                    3576 WdNisSvc                                    \r\n" +
            "msdtc.exe                     4456 MSDTC                                       \r\n" +
            "SgrmBroker.exe                4572 SgrmBroker                                  \r\n" +
            "wsmprovhost.exe               3120 N/A                                         \r\n", 0)));
        var lines = winrm.Stdout.Split("\r\n");
        Assert.That(lines[1], Does.StartWith("svchost.exe                   1868 Appinfo, BFE, BrokerInfrastructure, CDPSvc,"));
        Assert.That(lines.Skip(2).Where(l => l.Length > 0), Has.All.StartWith(new string(' ', 35)).And.All.Length.EqualTo(79));
        Assert.That(string.Concat(lines.Skip(1)), Does.Contain(" WinRM,"));
        Assert.That(csv.Stdout, Is.EqualTo("\"Image Name\",\"PID\",\"Services\"\r\n\"lsass.exe\",\"740\",\"KeyIso,SamSs,VaultSvc\"\r\n"));
    }

    [TestCase("taskkill /im notepad.exe /f", "ERROR: The process \"notepad.exe\" not found.\r\n", 128)]
    [TestCase("taskkill /F /IM app* /T", "ERROR: The process \"app*\" not found.\r\n", 128)]
    [TestCase("taskkill /pid 9999", "ERROR: The process \"9999\" not found.\r\n", 128)]
    [TestCase("taskkill /pid 4 /f", "ERROR: The process with PID 4 could not be terminated.\r\nReason: Access is denied.\r\n", 1)]
    [TestCase("taskkill /f /im csrss.exe", "ERROR: The process \"csrss.exe\" with PID 404 could not be terminated.\r\nReason: Access is denied.\r\nERROR: The process \"csrss.exe\" with PID 488 could not be terminated.\r\nReason: Access is denied.\r\n", 1)]
    [TestCase("taskkill /pid 0 /pid 9", "ERROR: The process with PID 0 could not be terminated.\r\nReason: This is critical system process. Taskkill cannot end this process.\r\nERROR: The process \"9\" not found.\r\n", 128)]
    [TestCase("taskkill /f", "ERROR: Invalid syntax. Neither /FI nor /PID nor /IM were specified.\r\nType \"TASKKILL /?\" for usage.\r\n", 1)]
    [TestCase("taskkill /im svchost.exe /f", "taskkill /im svchost.exe /f is a command Windows has that the emulator does not emulate as written: give the command a rule (cmd: match: its whole line)\r\n", 1)]
    public async Task Taskkill_of_a_process_not_running_is_its_not_found_error_with_exit_code_128(string line, string stderr, int code)
    {
        var (host, exitCode) = await RunAsync(line);

        Assert.That((host.Stdout, host.Stderr, exitCode), Is.EqualTo(("", stderr, code)));
    }
}
