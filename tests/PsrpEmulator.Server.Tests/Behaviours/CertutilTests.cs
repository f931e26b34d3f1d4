using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>certutil's file verbs (-hashfile, -encode, -decode) over the computer's disk.</summary>
public class CertutilTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static VirtualFileSystem Disk(params (string Path, byte[] Content)[] files)
    {
        var disk = new VirtualFileSystem(new FakeTimeProvider(), 1_000_000_000);
        disk.CreateDirectory(@"C:\data");
        foreach (var (path, content) in files) disk.Write(path, content, FileWriteMode.Create);
        return disk;
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string line, VirtualFileSystem disk)
    {
        var host = new FakeCommandLineHost { FileSystem = disk, Facts = new Dictionary<string, string> { ["cd"] = @"C:\data" } };
        var code = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return (code, host.Stdout, host.Stderr);
    }

    [TestCase("", "SHA1")]
    [TestCase(" sha256", "SHA256")]
    [TestCase(" MD5", "MD5")]
    [TestCase(" SHA512", "SHA512")]
    public async Task Hashfile_writes_the_file_s_hash_in_lower_case_hex_under_the_path_as_given(string algorithm, string name)
    {
        var content = Encoding.ASCII.GetBytes("installer bytes");
        var expected = Convert.ToHexStringLower(name switch
        {
            "SHA1" => SHA1.HashData(content),
            "SHA256" => SHA256.HashData(content),
            "MD5" => MD5.HashData(content),
            _ => SHA512.HashData(content),
        });

        var (code, stdout, stderr) = await RunAsync($"certutil -hashfile setup.msi{algorithm}", Disk((@"C:\data\setup.msi", content)));

        Assert.That((code, stderr), Is.EqualTo((0, string.Empty)));
        Assert.That(stdout, Is.EqualTo($"{name} hash of setup.msi:\r\n{expected}\r\nCertUtil: -hashfile command completed successfully.\r\n"));
    }

    [Test]
    public async Task Encode_then_decode_gives_the_bytes_back_through_a_certificate_armoured_file()
    {
        var content = new byte[100];
        for (var i = 0; i < content.Length; i++) content[i] = (byte)(i * 7);
        var disk = Disk((@"C:\data\blob.bin", content));

        var encoded = await RunAsync("certutil -encode blob.bin blob.b64", disk);
        var decoded = await RunAsync(@"certutil -decode blob.b64 C:\data\copy.bin", disk);

        disk.Read(@"C:\data\blob.b64", out var armoured);
        var base64 = Convert.ToBase64String(content);
        var expectedText = $"-----BEGIN CERTIFICATE-----\r\n{base64[..64]}\r\n{base64[64..128]}\r\n{base64[128..]}\r\n-----END CERTIFICATE-----\r\n";
        Assert.That(Encoding.ASCII.GetString(armoured), Is.EqualTo(expectedText));
        Assert.That(encoded, Is.EqualTo((0, $"Input Length = 100\r\nOutput Length = {expectedText.Length}\r\nCertUtil: -encode command completed successfully.\r\n", string.Empty)));
        Assert.That(decoded, Is.EqualTo((0, $"Input Length = {expectedText.Length}\r\nOutput Length = 100\r\nCertUtil: -decode command completed successfully.\r\n", string.Empty)));
        disk.Read(@"C:\data\copy.bin", out var copy);
        Assert.That(copy, Is.EqualTo(content));
    }

    [Test]
    public async Task An_output_file_that_exists_is_refused_unless_f_comes_first()
    {
        var disk = Disk((@"C:\data\a.txt", "aGk="u8.ToArray()), (@"C:\data\b.txt", "old"u8.ToArray()));

        var refused = await RunAsync("certutil -decode a.txt b.txt", disk);
        var forced = await RunAsync("certutil -f -decode a.txt b.txt", disk);

        Assert.That(refused, Is.EqualTo((unchecked((int)0x80070050), "CertUtil: -decode command FAILED: 0x80070050 (WIN32: 80 ERROR_FILE_EXISTS)\r\nCertUtil: The file exists.\r\n", string.Empty)));
        Assert.That(forced.Code, Is.EqualTo(0));
        disk.Read(@"C:\data\b.txt", out var written);
        Assert.That(Encoding.ASCII.GetString(written), Is.EqualTo("hi"));
    }

    [TestCase("certutil -hashfile missing.iso SHA256", unchecked((int)0x80070002), "CertUtil: -hashfile command FAILED: 0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)\r\nCertUtil: The system cannot find the file specified.\r\n")]
    [TestCase("certutil -hashfile x.txt SHA999", unchecked((int)0x80090008), "CertUtil: -hashfile command FAILED: 0x80090008 (-2146893816 NTE_BAD_ALGID)\r\nCertUtil: Invalid algorithm specified.\r\n")]
    [TestCase("certutil -decode x.txt y.bin", unchecked((int)0x8007000D), "CertUtil: -decode command FAILED: 0x8007000d (WIN32: 13 ERROR_INVALID_DATA)\r\nCertUtil: The data is invalid.\r\n")]
    [TestCase(@"certutil -encode x.txt C:\nowhere\y.b64", unchecked((int)0x80070003), "CertUtil: -encode command FAILED: 0x80070003 (WIN32: 3 ERROR_PATH_NOT_FOUND)\r\nCertUtil: The system cannot find the path specified.\r\n")]
    public async Task A_failure_is_certutil_s_failed_line_and_message_with_the_hresult_as_exit_code(string line, int expectedCode, string expectedStdout)
    {
        var (code, stdout, stderr) = await RunAsync(line, Disk((@"C:\data\x.txt", "not base64 !"u8.ToArray())));

        Assert.That((code, stdout, stderr), Is.EqualTo((expectedCode, expectedStdout, string.Empty)));
    }

    [TestCase("certutil -store my")]
    [TestCase("certutil -urlcache -split -f http://example.com/a.exe a.exe")]
    [TestCase("certutil -hashfile x.txt MD2")]
    public async Task Other_verbs_are_a_scenario_error(string line)
    {
        var (code, stdout, stderr) = await RunAsync(line, Disk((@"C:\data\x.txt", "x"u8.ToArray())));

        Assert.That((code, stdout), Is.EqualTo((1, string.Empty)));
        Assert.That(stderr, Does.Contain("does not emulate"));
    }
}
