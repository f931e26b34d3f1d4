using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>ping.exe as scripts wait with it, and timeout.exe refusing a remote process's redirected stdin.</summary>
public class PingAndTimeoutTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(FakeCommandLineHost Host, int ExitCode, TimeSpan Elapsed)> RunAsync(string line)
    {
        var start = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
        var clock = new VirtualClock(start);
        var host = FakeCommandLineHost.OnDisk(new VirtualFileSystem(TimeProvider.System, 1 << 16));
        host = new FakeCommandLineHost { Encoding = host.Encoding, FileSystem = host.FileSystem, Facts = new Dictionary<string, string> { ["cd"] = @"C:\Users\psrp", ["computername"] = "Server01" } };
        var run = Task.Run(() => Default.ResolveCommandLine(line).RunAsync(host, clock, CancellationToken.None));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!run.IsCompleted && DateTime.UtcNow < deadline)
        {
            // Jump to the next sleep's end; while none is pending yet, let the script reach its next one.
            if (!clock.AdvanceToNextTimer()) await Task.Yield();
        }

        var exitCode = await run.WaitAsync(TimeSpan.FromSeconds(1));
        return (host, exitCode, clock.GetUtcNow() - start);
    }

    [Test]
    public async Task Ping_of_a_loopback_address_answers_once_a_second_on_the_server_s_clock()
    {
        var (host, code, elapsed) = await RunAsync("ping -n 6 127.0.0.1");

        var reply = "Reply from 127.0.0.1: bytes=32 time<1ms TTL=128\r\n";
        Assert.That((host.Stdout, host.Stderr, code), Is.EqualTo((
            "\r\nPinging 127.0.0.1 with 32 bytes of data:\r\n" + string.Concat(Enumerable.Repeat(reply, 6)) +
            "\r\nPing statistics for 127.0.0.1:\r\n    Packets: Sent = 6, Received = 6, Lost = 0 (0% loss),\r\n" +
            "Approximate round trip times in milli-seconds:\r\n    Minimum = 0ms, Maximum = 0ms, Average = 0ms\r\n", "", 0)));
        Assert.That(elapsed, Is.EqualTo(TimeSpan.FromSeconds(5)), "no wait after the last reply");
    }

    [TestCase("ping localhost -n 1", "\r\nPinging SERVER01 [::1] with 32 bytes of data:\r\nReply from ::1: time<1ms\r\n\r\nPing statistics for ::1:\r\n", 0, 0)]
    [TestCase("ping -4 -n 1 -l 64 server01", "\r\nPinging SERVER01 [127.0.0.1] with 64 bytes of data:\r\nReply from 127.0.0.1: bytes=64 time<1ms TTL=128\r\n", 0, 0)]
    [TestCase("ping -n 2 -w 500 10.1.1.1", "\r\nPinging 10.1.1.1 with 32 bytes of data:\r\nRequest timed out.\r\nRequest timed out.\r\n\r\nPing statistics for 10.1.1.1:\r\n    Packets: Sent = 2, Received = 0, Lost = 2 (100% loss),\r\n", 1, 1000)]
    [TestCase("ping nosuch", "Ping request could not find host nosuch. Please check the name and try again.\r\n", 1, 0)]
    [TestCase("ping -n 0 127.0.0.1", "Bad value for option -n, valid range is from 1 to 4294967295.\r\n", 1, 0)]
    [TestCase("ping -n", "Value must be supplied for option -n.\r\n", 1, 0)]
    [TestCase("ping -q 127.0.0.1", "Bad option -q.\r\n", 1, 0)]
    [TestCase("ping", "IP address must be specified.\r\n", 1, 0)]
    public async Task Ping_answers_for_the_computer_itself_only(string line, string stdoutStart, int exitCode, int elapsedMilliseconds)
    {
        var (host, code, elapsed) = await RunAsync(line);

        Assert.That((host.Stdout, host.Stderr, code, elapsed), Is.EqualTo((host.Stdout.StartsWith(stdoutStart, StringComparison.Ordinal) ? host.Stdout : stdoutStart, "", exitCode, TimeSpan.FromMilliseconds(elapsedMilliseconds))));
    }

    [TestCase("timeout /t 10 /nobreak > nul")]
    [TestCase("timeout.exe 5")]
    public async Task Timeout_refuses_the_redirected_stdin_of_a_remote_process(string line)
    {
        var (host, code, elapsed) = await RunAsync(line);

        Assert.That((host.Stdout, host.Stderr, code, elapsed), Is.EqualTo(("", "ERROR: Input redirection is not supported, exiting the process immediately.\r\n", 1, TimeSpan.Zero)));
    }
}
