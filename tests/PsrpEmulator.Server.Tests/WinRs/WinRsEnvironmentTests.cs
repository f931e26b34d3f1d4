using System.Text;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Behaviours.CommandLines;
using PsrpEmulator.Server.Shells.WinRs;

namespace PsrpEmulator.Server.Tests.WinRs;

/// <summary>A cmd shell's environment block and cmd.exe's %VARIABLE% expansion of command lines.</summary>
public class WinRsEnvironmentTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 8, 5, 3, 120, TimeSpan.Zero);

    private static WinRsEnvironment Environment(params (string Name, string Value)[] fromCreate) =>
        new("Server01", "psrp", fromCreate.Select(v => new KeyValuePair<string, string>(v.Name, v.Value)));

    private static string Expand(string line, params (string, string)[] fromCreate) => Environment(fromCreate).Expand(line, @"C:\work", Now);

    [TestCase("echo %COMPUTERNAME%", "echo SERVER01")]
    [TestCase("echo %username% %UserProfile%", @"echo psrp C:\Users\psrp")]
    [TestCase("%SystemRoot%\\system32\\cmd.exe", @"C:\Windows\system32\cmd.exe")]
    [TestCase("echo %TEMP%", @"echo C:\Users\psrp\AppData\Local\Temp")]
    [TestCase("echo %BUILD%-%BUILD%", "echo 42-42")]
    public void Defined_variables_are_replaced_by_their_values_whatever_the_case_of_the_name(string line, string expected) =>
        Assert.That(Expand(line, ("BUILD", "42")), Is.EqualTo(expected));

    /// <summary>Windows splits the logon name: USERDOMAIN the domain's NetBIOS name, USERNAME and the profile the user's.</summary>
    [TestCase("psrp", "SERVER01", "psrp")]
    [TestCase(@"Domain01\Admin01", "DOMAIN01", "Admin01")]
    [TestCase("admin01@contoso.com", "CONTOSO", "admin01")]
    public void A_domain_logon_gives_the_domain_and_the_user_their_own_variables(string logon, string domain, string user)
    {
        var environment = new WinRsEnvironment("Server01", logon, []);

        Assert.That(environment.Expand("%USERDOMAIN%|%USERNAME%|%USERPROFILE%|%COMPUTERNAME%", @"C:\work", Now),
            Is.EqualTo($@"{domain}|{user}|C:\Users\{user}|SERVER01"));
        Assert.That(WinRsEnvironment.ProfileOf(logon), Is.EqualTo($@"C:\Users\{user}"));
        Assert.That(WinRsEnvironment.WhoAmI(logon, "Server01"), Is.EqualTo($@"{domain}\{user}".ToLowerInvariant()));
    }

    [Test]
    public void PSModulePath_is_the_machines_in_cmd_and_has_the_users_modules_folder_first_in_Windows_PowerShell()
    {
        const string Machine = @"C:\Program Files\WindowsPowerShell\Modules;C:\Windows\system32\WindowsPowerShell\v1.0\Modules";

        Assert.That(new WinRsEnvironment("Server01", "psrp", []).Expand("%PSModulePath%", @"C:\work", Now), Is.EqualTo(Machine));
        Assert.That(new WinRsEnvironment("Server01", @"Domain01\Admin01", [], powerShell: true).Expand("%PSModulePath%", @"C:\work", Now),
            Is.EqualTo(@"C:\Users\Admin01\Documents\WindowsPowerShell\Modules;" + Machine));
    }

    [TestCase("echo %NOPE%", "echo %NOPE%")]
    [TestCase("echo 100%", "echo 100%")]
    [TestCase("echo %", "echo %")]
    [TestCase("echo %%", "echo %%")]
    [TestCase("echo %a %BUILD% c%", "echo %a 42 c%")]
    [TestCase("echo %NOPE%%BUILD%", "echo %NOPE%42")]
    public void Undefined_names_stay_as_written_and_the_scan_resumes_at_their_closing_percent(string line, string expected) =>
        Assert.That(Expand(line, ("BUILD", "42")), Is.EqualTo(expected));

    [TestCase("%V:~0,3%", "abc")]
    [TestCase("%V:~2%", "cdef")]
    [TestCase("%V:~-2%", "ef")]
    [TestCase("%V:~1,-1%", "bcde")]
    [TestCase("%V:cd=XY%", "abXYef")]
    [TestCase("%V:CD=%", "abef")]
    [TestCase("%V:*c=Z%", "Zdef")]
    [TestCase("%NOPE:~0,1%", "%NOPE:~0,1%")]
    public void Substrings_and_substitutions_work_as_in_cmd(string line, string expected) =>
        Assert.That(Expand(line, ("V", "abcdef")), Is.EqualTo(expected));

    [TestCase("%V:~1,2147483647%", "bcdef")]
    [TestCase("%V:~-2147483648%", "abcdef")]
    [TestCase("%V:~2147483647%", "")]
    public void Extreme_substring_bounds_clamp_to_the_value(string line, string expected) =>
        Assert.That(Expand(line, ("V", "abcdef")), Is.EqualTo(expected));

    [Test]
    public void A_value_holding_percent_signs_is_not_expanded_again()
    {
        // cmd.exe expands a line once: a value naming another variable (or itself) stays as it is.
        Assert.That(Expand("%A%|%SELF%", ("A", "%B%"), ("B", "x"), ("SELF", "%SELF%")), Is.EqualTo("%B%|%SELF%"));
    }

    [Test]
    public void Pathological_percent_runs_expand_in_linear_time_and_stay_as_written()
    {
        var line = new string('%', 8000);

        Assert.That(Expand(line), Is.EqualTo(line));
        Assert.That(Expand(string.Concat(Enumerable.Repeat("%NOPE", 1500))), Does.StartWith("%NOPE%NOPE"));
    }

    [Test]
    public void An_expansion_past_cmds_limit_is_cut_one_character_over_it()
    {
        // 1500 references to a 32 KB variable would be 48 MB; cmd refuses anything over 8191 characters.
        var big = new string('x', 32_000);

        Assert.That(Expand(string.Concat(Enumerable.Repeat("%BIG%", 1500)), ("BIG", big)), Has.Length.EqualTo(WinRsEnvironment.MaxCommandLineLength + 1));
        Assert.That(Expand("%BIG:x=" + new string('y', 8000) + "%", ("BIG", big)), Has.Length.EqualTo(WinRsEnvironment.MaxCommandLineLength + 1));
        Assert.That(Expand("echo %BIG:~0,5%", ("BIG", big)), Is.EqualTo("echo xxxxx"));
    }

    [Test]
    public void Cd_date_time_and_errorlevel_are_computed_unless_a_variable_has_that_name()
    {
        Assert.That(Expand("%CD%|%DATE%|%TIME%|%ERRORLEVEL%"), Is.EqualTo(@"C:\work|Sat 11/28/2026| 8:05:03.12|0"));
        Assert.That(Expand("%CD%", ("cd", "mine")), Is.EqualTo("mine"));
    }

    [Test]
    public void Random_is_a_new_number_up_to_32767_at_each_expansion_and_the_extension_version_is_2()
    {
        var numbers = Enumerable.Range(0, 50).Select(_ => int.Parse(Expand("%RANDOM%"), System.Globalization.CultureInfo.InvariantCulture)).ToList();

        Assert.That(numbers, Is.All.InRange(0, 32767));
        Assert.That(numbers.Distinct().Count(), Is.GreaterThan(1));
        Assert.That(Expand("%CMDEXTVERSION%|%HIGHESTNUMANODENUMBER%|%RANDOM%", ("RANDOM", "fixed")), Is.EqualTo("2|0|fixed"));
    }

    [Test]
    public void Create_variables_replace_windows_ones_and_the_block_stays_sorted_by_name()
    {
        var environment = Environment(("username", "other"), ("AAA", "1"));

        var names = environment.Variables.Select(v => v.Key).ToList();

        Assert.That(names, Is.Ordered.Using((IComparer<string>)StringComparer.OrdinalIgnoreCase));
        Assert.That(names.Count(n => n.Equals("USERNAME", StringComparison.OrdinalIgnoreCase)), Is.EqualTo(1));
        Assert.That(environment.TryGet("USERNAME", out var user) ? user : null, Is.EqualTo("other"));
        Assert.That(names[0], Is.EqualTo("AAA"));
    }

    [TestCase("set", true)]
    [TestCase("SET Path", true)]
    [TestCase("set X=1", true)]
    [TestCase("set /a 1+1", false)]
    [TestCase("setx X 1", false)]
    [TestCase("settings", false)]
    public void Only_cmds_set_builtin_is_taken_as_set(string line, bool expected) =>
        Assert.That(SetCommandScript.TryParse(line, out _), Is.EqualTo(expected));

    [Test]
    public async Task Set_with_a_prefix_lists_matching_variables_and_fails_when_there_are_none()
    {
        var host = new FakeHost(Encoding.ASCII, [new("Path", "C:\\x"), new("PATHEXT", ".EXE"), new("TEMP", "t")]);

        SetCommandScript.TryParse("set pa", out var listed);
        var listedExit = await listed.RunAsync(host, TimeProvider.System, CancellationToken.None);
        SetCommandScript.TryParse("set nope", out var missing);
        var missingExit = await missing.RunAsync(host, TimeProvider.System, CancellationToken.None);

        Assert.That(listedExit, Is.Zero);
        Assert.That(missingExit, Is.EqualTo(1));
        Assert.That(host.Text("stdout"), Is.EqualTo("Path=C:\\x\r\nPATHEXT=.EXE\r\n"));
        Assert.That(host.Text("stderr"), Is.EqualTo("Environment variable nope not defined\r\n"));
    }

    [TestCase(437, "47-72-81-E1-65")]
    [TestCase(850, "47-72-81-E1-65")]
    [TestCase(1252, "47-72-FC-DF-65")]
    [TestCase(65001, "47-72-C3-BC-C3-9F-65")]
    public void Code_pages_encode_text_as_windows_does(int codePage, string expected) =>
        Assert.That(BitConverter.ToString(WinRsCodePages.TryGet(codePage)!.GetBytes("Grüße")), Is.EqualTo(expected));

    [TestCase(0)]
    [TestCase(99999)]
    [TestCase(-1)]
    public void Numbers_that_are_no_code_page_have_no_encoding(int codePage) =>
        Assert.That(WinRsCodePages.TryGet(codePage), Is.Null);

    private sealed class FakeHost(Encoding encoding, IReadOnlyList<KeyValuePair<string, string>> environment) : ICommandLineHost
    {
        private readonly List<(string Stream, byte[] Data)> _writes = [];

        public Encoding Encoding => encoding;

        public IReadOnlyList<KeyValuePair<string, string>> Environment => environment;

        public IReadOnlyDictionary<string, string> Facts { get; } = new Dictionary<string, string>();

        public string Text(string stream) => string.Concat(_writes.Where(w => w.Stream == stream).Select(w => encoding.GetString(w.Data)));

        public ValueTask WriteAsync(string stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            _writes.Add((stream, data.ToArray()));
            return ValueTask.CompletedTask;
        }

        public ValueTask<ReadOnlyMemory<byte>?> ReadStdinAsync(CancellationToken cancellationToken) => ValueTask.FromResult<ReadOnlyMemory<byte>?>(null);
    }
}
