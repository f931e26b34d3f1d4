using System.Diagnostics;
using System.Text.Json;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.EndToEnd.Tests.Interop;

/// <summary>
/// pywinrm 0.3.0 (Debian's python3-winrm, installed by .ci/run) against the emulator over HTTP: a third-party WinRS
/// client nobody here wrote, with Basic auth, and with transport='ntlm' (requests-ntlm 1.1.0 and ntlm-auth, raw NTLM
/// tokens under the Negotiate scheme, WinRM message encryption). Ignored where /usr/bin/python3 cannot import winrm
/// (and, for ntlm, requests_ntlm).
/// </summary>
[NonParallelizable]
[TestFixture("basic")]
[TestFixture("ntlm")]
public class PywinrmInteropTests(string transport) : EmulatorTestBase
{
    /// <summary>Debian's interpreter: a pyenv python3 on PATH does not see Debian's packages.</summary>
    private const string Python = "/usr/bin/python3";

    internal static readonly Lazy<string?> Unavailable = new(() => FindProblem("winrm"));
    internal static readonly Lazy<string?> NtlmUnavailable = new(() => FindProblem("requests_ntlm") ?? FindProblem("hashlib; hashlib.new('md4')", LegacyOpenSsl));

    /// <summary>ntlm-auth needs MD4, which OpenSSL 3 keeps in its legacy provider: this configuration turns it on.</summary>
    private static string LegacyOpenSsl => Path.Combine(AppContext.BaseDirectory, "Interop", "openssl-legacy.cnf");

    protected override string? ScenarioYaml => """
        cmd:
          - name: a tool writing both streams
            match: build.exe --all
            steps:
              - stdout: "compiling\r\n"
              - stderr: "warning: deprecated flag\r\n"
              - stdout: "done\r\n"
              - exit: 2
          - name: a long-running tool
            match: slow.exe
            steps:
              - stdout: "step 1\r\n"
              - sleep: 1
              - stdout: "step 2\r\n"
              - sleep: 1
              - stdout: "step 3\r\n"
        behaviours:
          - name: a failing script
            match: Write-Output before; throw 'it broke'
            steps:
              - output: before
              - state: Failed
                reason: it broke
        """;

    // Receives are held at most 300 ms, so the long-running tool takes several of them.
    protected override void Configure(EmulatorOptions options) => options.MaxReceiveHold = TimeSpan.FromMilliseconds(300);

    [SetUp]
    public void RequirePywinrm()
    {
        if (Unavailable.Value is { } reason) Assert.Ignore(reason);
        if (transport == "ntlm" && NtlmUnavailable.Value is { } ntlmReason) Assert.Ignore(ntlmReason);
    }

    [Test]
    public async Task The_transport_encrypts_exactly_when_it_negotiates_ntlm_over_http()
    {
        var result = await RunAsync("cmd", "echo", "sealed");

        Assert.That(result.GetProperty("std_out").GetString(), Is.EqualTo("sealed\r\n"));
        Assert.That(result.GetProperty("encrypted").GetBoolean(), Is.EqualTo(transport == "ntlm"));
        if (transport == "ntlm")
        {
            // requests-ntlm's three legs: no Authorization (401), NEGOTIATE (401 with the CHALLENGE), AUTHENTICATE.
            var journal = Emulator.Journal.Snapshot();
            Assert.That(journal.Count(e => e.Action == "(unauthenticated)"), Is.EqualTo(1));
            Assert.That(journal.Count(e => e.Action == "(authenticating)"), Is.EqualTo(1));
            Assert.That(journal.Where(e => e.HttpStatus == 200).Select(e => e.User).Distinct(), Is.EqualTo(new[] { "psrp" }));
        }
    }

    [Test]
    public async Task With_allow_unencrypted_false_only_the_encrypting_transport_gets_in()
    {
        await RestartEmulatorAsync(options =>
        {
            Configure(options);
            options.AllowUnencrypted = false;
        });

        var result = await RunAsync("cmd", "echo", "hi");

        if (transport == "ntlm")
        {
            Assert.That(result.GetProperty("std_out").GetString(), Is.EqualTo("hi\r\n"));
        }
        else
        {
            Assert.That(result.GetProperty("error").GetString(), Is.EqualTo("InvalidCredentialsError"));
            Assert.That(Emulator.Journal.Snapshot().Select(e => e.HttpStatus), Is.All.EqualTo(401));
        }
    }

    [Test]
    public async Task Offered_only_the_raw_ntlm_scheme_requests_ntlm_uses_it_and_basic_is_refused()
    {
        await RestartEmulatorAsync(options =>
        {
            Configure(options);
            options.Authentication = [WsManAuthScheme.Ntlm];
        });

        var result = await RunAsync("cmd", "echo", "raw");

        if (transport == "ntlm") Assert.That(result.GetProperty("std_out").GetString(), Is.EqualTo("raw\r\n"));
        else Assert.That(result.GetProperty("error").GetString(), Is.EqualTo("InvalidCredentialsError"));
    }

    [Test]
    public async Task Run_cmd_returns_stdout_and_exit_code_zero_for_echo()
    {
        var result = await RunAsync("cmd", "echo", "hello world");

        Assert.That(result.GetProperty("std_out").GetString(), Is.EqualTo("hello world\r\n"));
        Assert.That(result.GetProperty("std_err").GetString(), Is.Empty);
        Assert.That(result.GetProperty("status_code").GetInt32(), Is.Zero);
    }

    [Test]
    public async Task Run_cmd_returns_both_streams_and_the_scripted_exit_code()
    {
        var result = await RunAsync("cmd", "build.exe", "--all");

        Assert.That(result.GetProperty("std_out").GetString(), Is.EqualTo("compiling\r\ndone\r\n"));
        Assert.That(result.GetProperty("std_err").GetString(), Is.EqualTo("warning: deprecated flag\r\n"));
        Assert.That(result.GetProperty("status_code").GetInt32(), Is.EqualTo(2));
    }

    [Test]
    public async Task Run_cmd_of_an_unknown_program_gets_cmd_exe_not_recognized_and_exit_code_9009()
    {
        var result = await RunAsync("cmd", "frobnicate", "/x");

        Assert.That(result.GetProperty("std_out").GetString(), Is.Empty);
        Assert.That(result.GetProperty("std_err").GetString(),
            Is.EqualTo("'frobnicate' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n"));
        Assert.That(result.GetProperty("status_code").GetInt32(), Is.EqualTo(9009), "cmd.exe's ERRORLEVEL for a command it cannot find");
    }

    [Test]
    public async Task Run_ps_returns_the_output_as_text_lines()
    {
        var result = await RunAsync("ps", "'hello'");

        Assert.That(result.GetProperty("std_out").GetString(), Is.EqualTo("hello\r\n"));
        Assert.That(result.GetProperty("std_err").GetString(), Is.Empty);
        Assert.That(result.GetProperty("status_code").GetInt32(), Is.Zero);
    }

    [Test]
    public async Task Run_ps_of_a_command_writing_objects_returns_the_table_windows_powershell_prints()
    {
        var result = await RunAsync("ps", "Get-Service EventLog, Spooler, WinRM");

        // The stdout_lines Ansible and pywinrm users know: a blank line, the service view's padded rows, two blank lines.
        Assert.That(result.GetProperty("std_out").GetString()!.Split("\r\n"), Is.EqualTo(new[]
        {
            "",
            "Status   Name               DisplayName                           ",
            "------   ----               -----------                           ",
            "Running  EventLog           Windows Event Log                     ",
            "Stopped  Spooler            Print Spooler                         ",
            "Running  WinRM              Windows Remote Management (WS-Manag...",
            "",
            "",
            "",
        }));
        Assert.That(result.GetProperty("status_code").GetInt32(), Is.Zero);
    }

    [Test]
    public async Task Run_ps_of_ConvertTo_Json_returns_json_a_program_can_read()
    {
        var result = await RunAsync("ps", "Get-Service EventLog, Spooler, WinRM | Select-Object Name, Status | ConvertTo-Json");

        var stdout = result.GetProperty("std_out").GetString()!;
        // Windows PowerShell 5.1's layout: four spaces per level, two after a colon.
        Assert.That(stdout, Does.StartWith("[\r\n    {\r\n        \"Name\":  \"EventLog\",\r\n"));
        using var json = JsonDocument.Parse(stdout);
        // Status is the ServiceControllerStatus enum, which 5.1's ConvertTo-Json writes as its number (Running 4, Stopped 1).
        Assert.That(json.RootElement.EnumerateArray().Select(e => e.GetProperty("Name").GetString() + "=" + e.GetProperty("Status").GetInt32()),
            Is.EqualTo(new[] { "EventLog=4", "Spooler=1", "WinRM=4" }));
        Assert.That(result.GetProperty("status_code").GetInt32(), Is.Zero);
    }

    [Test]
    public async Task Run_ps_of_a_failing_script_gives_pywinrm_the_error_as_clixml_it_turns_into_text()
    {
        var result = await RunAsync("ps", "Write-Output before; throw 'it broke'");

        Assert.That(result.GetProperty("std_out").GetString(), Is.EqualTo("before\r\n"));
        // A thrown string is the error's target, as Windows PowerShell shows it: (it broke:String). The rule answers
        // the whole script, so the error is placed at it.
        Assert.That(result.GetProperty("std_err").GetString(), Is.EqualTo(
            "it broke\nAt line:1 char:1\n+ Write-Output before; throw 'it broke'\n+ " + new string('~', 37) + "\n" +
            "    + CategoryInfo          : OperationStopped: (it broke:String) [], RuntimeException\n    + FullyQualifiedErrorId : it broke"));
        Assert.That(result.GetProperty("status_code").GetInt32(), Is.EqualTo(1));
        if (result.TryGetProperty("raw_std_err", out var raw))
        {
            Assert.That(raw.GetString(), Does.StartWith("#< CLIXML\r\n<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\"><S S=\"Error\">it broke_x000D__x000A_</S>"));
        }
    }

    [Test]
    public async Task Run_ps_of_an_unknown_command_gives_the_error_text_and_status_code_one()
    {
        var result = await RunAsync("ps", "Get-Frobnicator");

        Assert.That(result.GetProperty("std_out").GetString(), Is.Empty);
        Assert.That(result.GetProperty("std_err").GetString(), Does.StartWith("Get-Frobnicator : The term 'Get-Frobnicator' is not recognized"));
        Assert.That(result.GetProperty("status_code").GetInt32(), Is.EqualTo(1), "powershell.exe exits 1 when $? is false after the last statement");
    }

    [Test]
    public async Task A_long_running_command_is_received_across_several_receives()
    {
        var result = await RunAsync("cmd", "slow.exe");

        Assert.That(result.GetProperty("std_out").GetString(), Is.EqualTo("step 1\r\nstep 2\r\nstep 3\r\n"));
        Assert.That(result.GetProperty("status_code").GetInt32(), Is.Zero);
        Assert.That(result.GetProperty("receives").GetInt32(), Is.GreaterThanOrEqualTo(3));
    }

    [Test]
    public async Task A_wrong_password_is_refused_with_401()
    {
        var result = await RunAsync("cmd", user: "psrp", password: "wrong", arguments: ["echo", "hi"]);

        Assert.That(result.GetProperty("error").GetString(), Is.EqualTo("InvalidCredentialsError"));
        Assert.That(Emulator.Journal.Snapshot().Select(e => e.HttpStatus), Does.Contain(401));
    }

    /// <summary>
    /// Ansible's put_file on pywinrm: its powershell.exe script of named blocks reads the file's base64 chunks from stdin
    /// (Sends, End on the last), writes them with [IO.File]::Create, hashes them with SHA1CryptoServiceProvider and prints
    /// the SHA-1, which Ansible compares with its own.
    /// </summary>
    [Test]
    public async Task Ansibles_put_file_over_pywinrm_uploads_the_file_and_reports_its_sha1()
    {
        var bytes = new byte[40_000];
        new Random(11).NextBytes(bytes);
        var local = Path.Combine(Path.GetTempPath(), $"psrp-putfile-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(local, bytes);
        try
        {
            var result = await RunAsync("putfile", local, @"C:\Users\psrp\AppData\Local\Temp\ansible-module.ps1");

            Assert.That(result.GetProperty("std_err").GetString(), Is.Empty);
            Assert.That(result.GetProperty("status_code").GetInt32(), Is.Zero);
            var reported = JsonDocument.Parse(result.GetProperty("std_out").GetString()!).RootElement.GetProperty("sha1").GetString();
            Assert.That(reported, Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(bytes))));
            using var admin = new HttpClient { BaseAddress = Emulator.BaseUri };
            var uploaded = await admin.GetByteArrayAsync("/_emulator/files?path=" + Uri.EscapeDataString(@"C:\Users\psrp\AppData\Local\Temp\ansible-module.ps1"));
            Assert.That(uploaded, Is.EqualTo(bytes));
            Assert.That(Emulator.Journal.Snapshot().Count(e => e.Action == "Send" && e.HttpStatus == 200), Is.GreaterThanOrEqualTo(7), "one Send per 6,000-byte chunk");
        }
        finally
        {
            File.Delete(local);
        }
    }

    /// <summary>
    /// Ansible's fetch_file on pywinrm: one powershell.exe command per 512 KB chunk, each opening a FileStream, seeking to
    /// its offset, reading into a byte[] and printing the slice read as base64; the loop stops at a short chunk. A file of
    /// 1.2 MB takes three commands and arrives byte for byte.
    /// </summary>
    [Test]
    public async Task Ansibles_fetch_file_over_pywinrm_downloads_the_file_in_512_KB_chunks()
    {
        var bytes = new byte[1_200_000];
        new Random(12).NextBytes(bytes);
        const string Remote = @"C:\Users\psrp\Documents\fetch me\report.bin";
        using (var admin = new HttpClient { BaseAddress = Emulator.BaseUri })
        {
            using var put = await admin.PutAsync("/_emulator/files?path=" + Uri.EscapeDataString(Remote), new ByteArrayContent(bytes));
            Assert.That(put.IsSuccessStatusCode, Is.True, () => put.StatusCode.ToString());
        }

        var local = Path.Combine(Path.GetTempPath(), $"psrp-fetchfile-{Guid.NewGuid():N}.bin");
        try
        {
            var result = await RunAsync("fetchfile", Remote, local);

            Assert.That(result.TryGetProperty("std_err", out var stderr) ? stderr.GetString() : null, Is.Null);
            Assert.That(result.GetProperty("status_code").GetInt32(), Is.Zero);
            Assert.That(result.GetProperty("commands").GetInt32(), Is.EqualTo(3));
            Assert.That(await File.ReadAllBytesAsync(local), Is.EqualTo(bytes));
        }
        finally
        {
            File.Delete(local);
        }
    }

    [Test]
    public async Task Ansibles_fetch_file_of_a_folder_gets_DIR_and_of_a_missing_file_its_error()
    {
        var local = Path.Combine(Path.GetTempPath(), $"psrp-fetchdir-{Guid.NewGuid():N}");
        try
        {
            var folder = await RunAsync("fetchfile", @"C:\Users\psrp\Documents", local);
            var missing = await RunAsync("fetchfile", @"C:\Users\psrp\nothing.txt", local + ".txt");

            Assert.That((folder.GetProperty("status_code").GetInt32(), folder.GetProperty("dir").GetBoolean(), Directory.Exists(local)), Is.EqualTo((0, true, true)));
            Assert.That(missing.GetProperty("status_code").GetInt32(), Is.EqualTo(1));
            Assert.That(missing.GetProperty("std_err").GetString(), Does.StartWith("#< CLIXML").And.Contain(@"C:\Users\psrp\nothing.txt does not exist"));
            Assert.That(File.Exists(local + ".txt"), Is.False);
        }
        finally
        {
            if (Directory.Exists(local)) Directory.Delete(local);
        }
    }

    private Task<JsonElement> RunAsync(string kind, params string[] arguments) => RunAsync(kind, "psrp", "psrp", arguments);

    private Task<JsonElement> RunAsync(string kind, string user, string password, string[] arguments) =>
        RunDriverAsync(Emulator.WsManUri, transport, kind, user, password, arguments);

    /// <summary>Runs pywinrm_client.py; over HTTPS the certificate is not checked.</summary>
    internal static async Task<JsonElement> RunDriverAsync(Uri uri, string transport, string kind, string user, string password, string[] arguments, bool sendCbt = true)
    {
        var start = new ProcessStartInfo(Python);
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Interop", "pywinrm_client.py"));
        start.ArgumentList.Add(new Uri(uri, "/wsman").ToString());
        start.ArgumentList.Add(user);
        start.ArgumentList.Add(password);
        start.ArgumentList.Add(kind);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        start.Environment["PYWINRM_TRANSPORT"] = transport;
        if (transport == "ntlm") start.Environment["OPENSSL_CONF"] = LegacyOpenSsl;
        start.Environment["PYWINRM_CERT_VALIDATION"] = "ignore";
        // pywinrm 0.3.0 takes a CA bundle named in the environment over server_cert_validation='ignore'.
        start.Environment.Remove("REQUESTS_CA_BUNDLE");
        start.Environment.Remove("CURL_CA_BUNDLE");
        start.Environment["PYWINRM_SEND_CBT"] = sendCbt ? "1" : "0";

        return await InteropDriver.RunAsync(start, "pywinrm", $"{kind} {string.Join(' ', arguments)}");
    }

    private static string? FindProblem(string module, string? openSslConf = null)
    {
        if (!File.Exists(Python)) return $"{Python} is absent: install Debian's python3-winrm (pywinrm 0.3.0) to run the pywinrm interop tests.";
        try
        {
            var start = new ProcessStartInfo(Python, $"-c \"import {module}\"") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            if (openSslConf is not null) start.Environment["OPENSSL_CONF"] = openSslConf;
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit(30_000);
            return process.ExitCode == 0 ? null : $"{Python} cannot import {module} (apt-get install python3-winrm python3-requests-ntlm): {error.Trim()}";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"{Python} cannot be run: {e.Message}";
        }
    }
}

/// <summary>
/// pywinrm's NTLM over HTTPS against CbtHardeningLevel Strict: requests-ntlm sends the channel binding token that
/// ntlm-auth computes over the server's certificate (its own gss_channel_bindings_struct, a second implementation
/// nobody here wrote), unless told not to.
/// </summary>
[NonParallelizable]
public class PywinrmChannelBindingTests
{
    [SetUp]
    public void RequirePywinrmNtlm()
    {
        if ((PywinrmInteropTests.Unavailable.Value ?? PywinrmInteropTests.NtlmUnavailable.Value) is { } reason) Assert.Ignore(reason);
    }

    [TestCase(true, null)]
    [TestCase(false, "InvalidCredentialsError")]
    public async Task Over_https_requests_ntlm_s_channel_binding_token_passes_CbtHardeningLevel_Strict(bool sendCbt, string? error)
    {
        await using var https = await PsrpEmulator.Testing.EmulatorInstance.StartAsync(o => o.CbtHardeningLevel = PsrpEmulator.Protocol.Ntlm.CbtHardeningLevel.Strict, useHttps: true);

        var result = await PywinrmInteropTests.RunDriverAsync(https.WsManUri, "ntlm", "cmd", "psrp", "psrp", ["echo", "bound"], sendCbt);

        if (error is null)
        {
            Assert.That(result.GetProperty("std_out").GetString(), Is.EqualTo("bound\r\n"));
            Assert.That(https.Journal.Snapshot().Where(e => e.HttpStatus == 200).Select(e => e.User).Distinct(), Is.EqualTo(new[] { "psrp" }));
        }
        else
        {
            Assert.That(result.GetProperty("error").GetString(), Is.EqualTo(error));
            Assert.That(https.Journal.Snapshot().Where(e => e.HttpStatus == 200), Is.Empty);
        }
    }
}
