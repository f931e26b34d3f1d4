using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.EndToEnd.Tests.Disk;

/// <summary>
/// A computer reports the disk of a Windows Server VM (DiskSizeBytes, DiskFreeBytes), free space falling as scripts
/// write, while the emulator's own quota of bytes held in memory (DiskCapacityBytes) is what makes a write fail.
/// </summary>
public class DiskSpaceTests : EmulatorTestBase
{
    protected override void Configure(EmulatorOptions options)
    {
        options.DiskCapacityBytes = 256 * 1024;
        options.DiskSizeBytes = 64L * 1024 * 1024 * 1024;
        options.DiskFreeBytes = 40L * 1024 * 1024 * 1024;
    }

    [Test]
    public async Task Free_space_checks_see_the_reported_disk_and_a_write_past_the_quota_fails_as_a_full_disk()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        var events = await pool.InvokeAsync("""
            $before = (Get-PSDrive C).Free
            [math]::Round((Get-Volume C).Size / 1GB)
            (Get-CimInstance Win32_LogicalDisk).FreeSpace -eq $before
            $before -gt 39GB
            Set-Content C:\data.bin ('x' * 10000) -NoNewline
            $before - (Get-PSDrive C).Free
            (Get-PSDrive C).Used + (Get-PSDrive C).Free -eq (Get-Volume C).Size
            Set-Content C:\big.bin ('x' * 300KB)
            'after'
            """);

        Assert.That(Outputs(events), Is.EqualTo(new[] { "64", "True", "True", "10000", "True", "after" }));
        Assert.That(events.OfType<ErrorEvent>().Select(e => e.Error.Message), Is.EqualTo(new[] { "There is not enough space on the disk.\r\n" }), "Win32's message, with its line end");
    }
}
