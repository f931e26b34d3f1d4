using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// Get-Counter: sample sets an interval apart on the session's clock, the counters' values agreeing with the
/// computer's other commands, lower-case paths and Readings, the cmdlet's table, and PDH's errors for paths the
/// computer has not.
/// </summary>
public class CounterTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static readonly DateTimeOffset Start = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    private static async Task<(RecordingHost Host, TimeSpan Elapsed)> RunAsync(string script)
    {
        var clock = new VirtualClock(Start);
        var host = new RecordingHost { Runspace = new RunspaceState(clock), FileSystem = new VirtualFileSystem(clock, 64L * 1024 * 1024) };
        var run = Task.Run(() => Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, clock));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!run.IsCompleted && DateTime.UtcNow < deadline)
        {
            if (!clock.AdvanceToNextTimer()) await Task.Yield();
        }

        await run.WaitAsync(TimeSpan.FromSeconds(1));
        return (host, clock.GetUtcNow() - Start);
    }

    [Test]
    public async Task Each_sample_set_comes_an_interval_after_the_last_with_the_computer_s_values()
    {
        var (host, elapsed) = await RunAsync("$s = Get-Counter '\\Processor(_Total)\\% Processor Time', '\\Memory\\Available MBytes', '\\LogicalDisk(C:)\\% Free Space' -SampleInterval 5 -MaxSamples 3; " +
            "$s.Count; $s[0].Timestamp.ToString('s'); $s[2].Timestamp.ToString('s'); $s[0].CounterSamples | ForEach-Object { \"$($_.Path)=$($_.CookedValue) $($_.InstanceName) $($_.CounterType)\" }; " +
            "[math]::Round(($s[0].CounterSamples[2].CookedValue / 100) * (Get-Volume C).Size) -eq (Get-Volume C).SizeRemaining");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts.Where((_, i) => i != 5), Is.EqualTo(new[]
        {
            "3", "2026-11-30T08:00:05", "2026-11-30T08:00:15",
            @"\\testhost01\processor(_total)\% processor time=3 _total Timer100NsInverse",
            @"\\testhost01\memory\available mbytes=5120  NumberOfItems64",
            "True",
        }));
        Assert.That(host.OutputTexts[5], Does.Match(@"^\\\\testhost01\\logicaldisk\(c:\)\\% free space=99\.\d+ c: RawFraction$"));
        Assert.That(elapsed, Is.EqualTo(TimeSpan.FromSeconds(15)), "the baseline, then a sample every five seconds");
    }

    [Test]
    public async Task Wildcards_choose_instances_and_counters_and_no_path_is_the_cmdlet_s_default_counters()
    {
        var (host, _) = await RunAsync("(Get-Counter '\\Processor(*)\\% Processor Time').CounterSamples.InstanceName -join ','; " +
            "(Get-Counter '\\System\\*s').CounterSamples.Path -join ','; (Get-Counter).CounterSamples.Count; (Get-Counter).Readings.Split(\"`n\")[0]");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "0,1,_total", @"\\testhost01\system\processes,\\testhost01\system\threads", "6",
            @"\\testhost01\network interface(microsoft hyper-v network adapter)\bytes total/sec :",
        }));
    }

    /// <summary>
    /// The counters monitoring agents read beside the defaults agree with the computer's other commands: a Process
    /// instance per Get-Process process (a second svchost is svchost#1, its ID Process and Working Set Get-Process's),
    /// System's Processes their count, Memory's commit figures Win32_OperatingSystem's virtual memory, the paging file's
    /// use its paging file's, and PhysicalDisk, TCPv4 and TCPv6 an idle server's.
    /// </summary>
    [Test]
    public async Task Process_memory_paging_disk_and_tcp_counters_agree_with_the_computer_s_other_commands()
    {
        var (host, _) = await RunAsync(
            "$s = (Get-Counter '\\Process(*)\\ID Process').CounterSamples; ($s | Where-Object InstanceName -like 'svchost*' | ForEach-Object { \"$($_.InstanceName)=$($_.CookedValue)\" }) -join ','; " +
            "(Get-Counter '\\Process(svchost)\\Working Set').CounterSamples[0].CookedValue -eq (Get-Process -Id 1868).WS; " +
            "(Get-Counter '\\System\\Processes').CounterSamples[0].CookedValue -eq @(Get-Process).Count; " +
            "$os = Get-CimInstance Win32_OperatingSystem; (Get-Counter '\\Memory\\Commit Limit').CounterSamples[0].CookedValue -eq $os.TotalVirtualMemorySize * 1KB; " +
            "(Get-Counter '\\Memory\\Committed Bytes').CounterSamples[0].CookedValue -eq ($os.TotalVirtualMemorySize - $os.FreeVirtualMemory) * 1KB; " +
            "[math]::Round((Get-Counter '\\Paging File(_Total)\\% Usage').CounterSamples[0].CookedValue, 2); " +
            "(Get-Counter '\\PhysicalDisk(_Total)\\Avg. Disk sec/Read', '\\TCPv4\\Connections Established', '\\TCPv6\\Segments Retransmitted/sec').CounterSamples | ForEach-Object { \"$($_.CookedValue) $($_.CounterType)\" }; " +
            "(Get-Counter '\\Process(idle)\\% Processor Time').CounterSamples[0].CookedValue");

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "svchost=1868,svchost#1=2500", "True", "True", "True", "True", "9.06", "0 AverageTimer32", "0 NumberOfItems32", "0 RateOfCountsPerSecond32", "194",
        }));
    }

    [Test]
    public async Task Paths_the_computer_has_not_are_PDH_s_errors_and_the_others_are_sampled()
    {
        var (host, _) = await RunAsync("(Get-Counter '\\Foo\\Bar', '\\Processor(9)\\% Processor Time', '\\Memory\\Nope', 'bad', '\\Memory\\Available MBytes').CounterSamples.Count; " +
            "Get-Counter '\\Foo\\Bar' -ErrorAction SilentlyContinue; 'none'");

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message, e.Category)), Is.EqualTo(new[]
        {
            ("CounterApiError,Microsoft.PowerShell.Commands.GetCounterCommand", "The specified object was not found on the computer.", ErrorCategory.InvalidResult),
            ("CounterApiError,Microsoft.PowerShell.Commands.GetCounterCommand", "The specified instance is not present.", ErrorCategory.InvalidResult),
            ("CounterApiError,Microsoft.PowerShell.Commands.GetCounterCommand", "The specified counter could not be found.", ErrorCategory.InvalidResult),
            ("CounterApiError,Microsoft.PowerShell.Commands.GetCounterCommand", "Unable to parse the counter path. Check the format and syntax of the specified path.", ErrorCategory.InvalidResult),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "1", "none" }));
    }

    [TestCase("Get-Counter -Continuous -MaxSamples 2", "CounterContinuousOrMaxSamples,Microsoft.PowerShell.Commands.GetCounterCommand", "The Continuous parameter and the MaxSamples parameter cannot be used in the same command.")]
    [TestCase("Get-Counter -MaxSamples 0", "ParameterArgumentValidationError,Microsoft.PowerShell.Commands.GetCounterCommand",
        "Cannot validate argument on parameter 'MaxSamples'. The 0 argument is less than the minimum allowed range of 1. Supply an argument that is greater than or equal to 1 and then try the command again.")]
    public async Task Bad_parameters_end_the_statement_with_the_cmdlet_s_error(string script, string fullyQualifiedErrorId, string message)
    {
        var (host, _) = await RunAsync(script + "; 'next'");

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[] { (fullyQualifiedErrorId, message) }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [Test]
    public async Task Out_Default_shows_the_sample_sets_Readings_under_CounterSamples_and_samples_as_a_table()
    {
        var (host, _) = await RunAsync("Get-Counter '\\Processor(_Total)\\% Processor Time', '\\Memory\\Available MBytes' | Out-String; (Get-Counter '\\Processor(*)\\% Processor Time').CounterSamples | Out-String");

        var lines = string.Join("\r\n", host.OutputTexts).Split("\r\n").Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();
        Assert.That(lines, Is.EqualTo(new[]
        {
            "Timestamp                  CounterSamples",
            "---------                  --------------",
            @"11/30/2026 8:00:01 AM      \\testhost01\processor(_total)\% processor time :",
            "                           3",
            @"                           \\testhost01\memory\available mbytes :",
            "                           5120",
            "Path                                            InstanceName CookedValue",
            "----                                            ------------ -----------",
            @"\\testhost01\processor(0)\% processor time      0                      3",
            @"\\testhost01\processor(1)\% processor time      1                      3",
            @"\\testhost01\processor(_total)\% processor time _total                 3",
        }));
    }

    /// <summary>
    /// Monitoring scripts read the same figures through WMI's formatted performance classes and through Get-Counter:
    /// the two agree, counter for counter.
    /// </summary>
    [Test]
    public async Task The_formatted_performance_classes_read_what_Get_Counter_reads()
    {
        var (host, _) = await RunAsync(
            "$m = Get-CimInstance Win32_PerfFormattedData_PerfOS_Memory; " +
            "$c = (Get-Counter '\\Memory\\Available Bytes', '\\Memory\\Available KBytes', '\\Memory\\Available MBytes', '\\Memory\\Committed Bytes', '\\Memory\\Commit Limit', " +
            "'\\Memory\\% Committed Bytes In Use', '\\Memory\\Pool Nonpaged Bytes', '\\Memory\\Pool Paged Bytes').CounterSamples.CookedValue; " +
            "$w = $m.AvailableBytes, $m.AvailableKBytes, $m.AvailableMBytes, $m.CommittedBytes, $m.CommitLimit, $m.PercentCommittedBytesInUse, $m.PoolNonpagedBytes, $m.PoolPagedBytes; " +
            "0..7 | ForEach-Object { [math]::Floor($c[$_]) -eq $w[$_] }; " +
            "Get-CimInstance Win32_PerfFormattedData_PerfOS_Processor | ForEach-Object { $_.Name + '=' + $_.PercentProcessorTime }; " +
            "(Get-Counter '\\Processor(*)\\% Processor Time').CounterSamples | ForEach-Object { $_.InstanceName + '=' + $_.CookedValue }");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True", "True", "True", "True", "True", "True", "True", "True", "0=3", "1=3", "_Total=3", "0=3", "1=3", "_total=3" }));
    }
}
