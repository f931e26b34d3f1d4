using PsrpEmulator.Client.Transport;
using PsrpEmulator.Client.WinRs;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.EndToEnd.Tests.WinRs;

/// <summary>
/// A WinRS command's stdin is a pipe of WinRsStdinBufferBytes: a Send that does not fit waits for the process to read,
/// and times out when it does not (nothing piles up in the emulator).
/// </summary>
public class WinRsStdinPipeTests : EmulatorTestBase
{
    protected override string? ScenarioYaml => """
        cmd:
          - match: ignores-stdin.exe
            steps:
              - stdout: "busy\r\n"
              - sleep: 600
        """;

    protected override void Configure(EmulatorOptions options)
    {
        options.WinRsStdinBufferBytes = 4096;
        options.MaxReceiveHold = TimeSpan.FromMilliseconds(300);
    }

    [Test]
    public async Task A_Send_to_a_full_pipe_times_out_with_nothing_taken()
    {
        using var transport = CreateTransport();
        await using var shell = await WinRsShell.OpenAsync(transport);
        var command = await shell.StartAsync("ignores-stdin.exe");
        await command.SendAsync(new string('a', 3000));

        var fault = await Assert.ThrowsAsync<WsManFaultException>(() => command.SendAsync(new string('b', 3000)));

        Assert.That(fault!.IsTimedOut, Is.True);
        var sends = Emulator.Journal.Snapshot().Where(e => e.Action == "Send").ToList();
        Assert.That(sends.Select(e => e.HttpStatus), Is.EqualTo(new[] { 200, 500 }));
        await command.SignalAsync(WinRsSignal.Terminate);
    }

    [Test]
    public async Task A_process_reading_its_stdin_takes_far_more_than_the_pipe_holds()
    {
        using var transport = CreateTransport();
        await using var shell = await WinRsShell.OpenAsync(transport);
        var command = await shell.StartAsync("more");
        var line = new string('x', 2998) + "\r\n";

        for (var i = 0; i < 20; i++) await command.SendAsync(line, end: i == 19);
        var result = await command.ReceiveToEndAsync();

        Assert.That(result.StdoutText, Is.EqualTo(string.Concat(Enumerable.Repeat(line, 20))));
        Assert.That(result.ExitCode, Is.Zero);
    }

    [Test]
    public async Task Stdin_sent_after_the_process_ended_goes_nowhere_without_waiting()
    {
        using var transport = CreateTransport();
        await using var shell = await WinRsShell.OpenAsync(transport);
        var command = await shell.StartAsync("echo done");
        var result = await command.ReceiveToEndAsync();

        for (var i = 0; i < 5; i++) await command.SendAsync(new string('z', 3000));

        Assert.That(result.StdoutText, Is.EqualTo("done\r\n"));
        Assert.That(Emulator.Journal.Snapshot().Where(e => e.Action == "Send").Select(e => e.HttpStatus), Is.All.EqualTo(200));
    }
}
