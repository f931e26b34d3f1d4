using System.Diagnostics;
using System.Net;

namespace PsrpEmulator.EndToEnd.Tests.Interop;

/// <summary>
/// winrmcp (Debian's package of github.com/packer-community/winrmcp, the file copier of Packer's WinRM communicator;
/// nobody here wrote it) uploading files to the emulator over HTTP with Basic auth: it appends base64 chunks to a
/// temporary file with cmd.exe's <c>echo ... &gt;&gt; "%TEMP%\winrmcp-....tmp"</c>, restores them with a powershell.exe
/// <c>-EncodedCommand</c> script (Test-Path, rm, New-Item, [IO.File]::OpenText / OpenWrite, FromBase64String) and
/// removes the temporary file. The test reads what arrived through the admin API (<c>GET /_emulator/files</c>).
/// <c>.ci/run</c> installs winrmcp; without it the tests report Ignored.
/// </summary>
[NonParallelizable]
public class WinrmcpInteropTests : EmulatorTestBase
{
    private static readonly string? Winrmcp = InteropDriver.FindOnPath("winrmcp");

    private string _local = null!;

    [SetUp]
    public void RequireWinrmcp()
    {
        if (Winrmcp is null) Assert.Ignore("winrmcp is not on PATH: apt-get install winrmcp to run its interop tests (.ci/run does).");
        _local = Directory.CreateTempSubdirectory("winrmcp-test-").FullName;
    }

    [TearDown]
    public void RemoveLocalFiles()
    {
        if (_local is not null && Directory.Exists(_local)) Directory.Delete(_local, recursive: true);
    }

    [Test]
    public async Task A_file_of_several_chunks_arrives_byte_for_byte_and_the_temporary_file_is_removed()
    {
        // 20 KB: four echo commands of about 8000 characters each (winrmcp's chunk is sized to cmd.exe's line limit).
        var bytes = new byte[20_000];
        new Random(7).NextBytes(bytes);
        var file = Path.Combine(_local, "payload.bin");
        await File.WriteAllBytesAsync(file, bytes);

        var (exitCode, output) = await CopyAsync(file, @"C:\deploy\payload.bin");

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(await ReadRemoteAsync(@"C:\deploy\payload.bin"), Is.EqualTo(bytes));
        Assert.That(await ReadRemoteAsync(@"C:\Users\psrp\AppData\Local\Temp"), Is.EqualTo("[]"u8.ToArray()), "winrmcp's temporary file is left behind");
        var commands = Emulator.Journal.Snapshot().Where(e => e.Action == "Command").ToList();
        Assert.That(commands, Has.Count.EqualTo(6), "four echo chunks, the restore script, the clean-up");
    }

    [Test]
    public async Task A_folder_is_copied_file_by_file_into_a_path_with_spaces_replacing_what_was_there()
    {
        Directory.CreateDirectory(Path.Combine(_local, "site", "css"));
        await File.WriteAllTextAsync(Path.Combine(_local, "site", "index.html"), "<h1>new</h1>\n");
        await File.WriteAllTextAsync(Path.Combine(_local, "site", "css", "main.css"), "body { margin: 0 }\n");
        using (var admin = new HttpClient { BaseAddress = Emulator.BaseUri })
        using (var old = new ByteArrayContent("<h1>old and longer</h1>\n"u8.ToArray()))
        {
            using var put = await admin.PutAsync("/_emulator/files?path=" + Uri.EscapeDataString(@"C:\inetpub\My Site\index.html"), old);
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }

        var (exitCode, output) = await CopyAsync(Path.Combine(_local, "site"), @"C:\inetpub\My Site");

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(await ReadRemoteAsync(@"C:\inetpub\My Site\index.html"), Is.EqualTo("<h1>new</h1>\n"u8.ToArray()));
        Assert.That(await ReadRemoteAsync(@"C:\inetpub\My Site\css\main.css"), Is.EqualTo("body { margin: 0 }\n"u8.ToArray()));
    }

    /// <summary>
    /// Packer's windows-shell provisioner: winrmcp uploads the script, then the communicator runs its execute_command
    /// (the build's variables set before it in the same line) in a cmd shell, and cmd.exe runs the batch file.
    /// </summary>
    [Test]
    public async Task A_batch_file_winrmcp_uploads_runs_as_Packers_windows_shell_provisioner_runs_it()
    {
        var file = Path.Combine(_local, "script.bat");
        await File.WriteAllTextAsync(file, "@echo off\r\necho provisioning %PACKER_BUILD_NAME%\r\nmkdir C:\\provisioned\r\necho done > C:\\provisioned\\marker.txt\r\nexit /b 0\r\n");

        var (exitCode, output) = await CopyAsync(file, "C:/Windows/Temp/script-61c3.bat");
        Assert.That(exitCode, Is.Zero, output);
        using var transport = CreateTransport();
        await using var shell = await PsrpEmulator.Client.WinRs.WinRsShell.OpenAsync(transport, new PsrpEmulator.Client.WinRs.WinRsShellOptions());
        var result = await shell.RunAsync("set \"PACKER_BUILDER_TYPE=qemu\" && set \"PACKER_BUILD_NAME=win2019\" && \"C:/Windows/Temp/script-61c3.bat\"", []);

        Assert.That((result.StdoutText, result.ExitCode), Is.EqualTo(("provisioning win2019\r\n", 0)), result.StderrText);
        Assert.That(await ReadRemoteAsync(@"C:\provisioned\marker.txt"), Is.EqualTo("done \r\n"u8.ToArray()));
    }

    [Test]
    public async Task A_target_that_is_a_folder_fails_the_restore_with_its_exit_code()
    {
        var file = Path.Combine(_local, "a.txt");
        await File.WriteAllTextAsync(file, "a\n");

        // The restore script exits 1 when the destination is a folder (Test-Path -PathType Container).
        var (exitCode, output) = await CopyAsync(file, @"C:\Windows");

        Assert.That(exitCode, Is.Not.Zero);
        Assert.That(output, Does.Contain("restore operation returned code=1"));
    }

    private async Task<(int ExitCode, string Output)> CopyAsync(string from, string to)
    {
        var start = new ProcessStartInfo(Winrmcp!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-user");
        start.ArgumentList.Add("psrp");
        start.ArgumentList.Add("-pass");
        start.ArgumentList.Add("psrp");
        start.ArgumentList.Add($"-addr={Emulator.WsManUri.Host}:{Emulator.WsManUri.Port}");
        start.ArgumentList.Add(from);
        start.ArgumentList.Add(to);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("winrmcp did not start");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("winrmcp did not finish within 60 s; stderr: " + await stderr);
        }

        var output = await stdout + await stderr;
        TestContext.Out.WriteLine($"winrmcp {from} {to} -> {process.ExitCode}: {(output.Length > 2000 ? output[..2000] + "..." : output)}");
        return (process.ExitCode, output);
    }

    private async Task<byte[]> ReadRemoteAsync(string path)
    {
        using var admin = new HttpClient { BaseAddress = Emulator.BaseUri };
        using var response = await admin.GetAsync("/_emulator/files?path=" + Uri.EscapeDataString(path));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), () => $"{path}: {response.Content.ReadAsStringAsync().Result}");
        return await response.Content.ReadAsByteArrayAsync();
    }
}
