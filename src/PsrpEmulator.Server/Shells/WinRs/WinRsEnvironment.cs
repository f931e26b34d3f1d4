using System.Globalization;
using System.Text;

namespace PsrpEmulator.Server.Shells.WinRs;

/// <summary>
/// The environment block of a cmd shell's processes: the variables Windows gives a user's process (COMPUTERNAME,
/// USERNAME, USERPROFILE, SystemRoot, TEMP, Path...), overridden and extended by the Create's
/// <c>rsp:Environment/rsp:Variable</c> entries. Names compare case-insensitively, as in Windows; the block is kept
/// sorted, as <c>set</c> lists it.
/// </summary>
internal sealed class WinRsEnvironment
{
    private readonly SortedDictionary<string, string> _variables = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="powerShell">The process is Windows PowerShell's (wsmprovhost): it puts the user's modules folder first in PSModulePath.</param>
    public WinRsEnvironment(string computerName, string userName, IEnumerable<KeyValuePair<string, string>> fromCreate, PsrpEmulator.Server.Behaviours.PersistentEnvironment? persistent = null,
        bool powerShell = false)
    {
        var computer = computerName.ToUpperInvariant();
        var (domain, user) = SplitUser(userName, computer);
        var profile = ProfileOf(userName);
        foreach (var (name, value) in Defaults(computer, domain, user, profile)) _variables[name] = value;
        // What scripts kept for later processes (setx, SetEnvironmentVariable with Machine or User) before this one started.
        persistent?.ApplyTo(_variables, profile);
        foreach (var (name, value) in fromCreate)
        {
            // A Create may name a variable in another case: Windows keeps one variable, with the new spelling.
            if (name.Length == 0) continue;
            _variables.Remove(name);
            _variables[name] = value;
        }

        if (powerShell)
        {
            var own = profile + @"\Documents\WindowsPowerShell\Modules";
            _variables["PSModulePath"] = _variables.TryGetValue("PSModulePath", out var machine) && machine.Length > 0 ? own + ";" + machine : own;
        }
    }

    /// <summary>Every variable, sorted by name (what <c>set</c> prints).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Variables => [.. _variables];

    public bool TryGet(string name, out string value) => _variables.TryGetValue(name, out value!);

    /// <summary>The user's profile folder (USERPROFILE, a shell's default working directory): C:\Users\ and the user's name without its domain.</summary>
    public static string ProfileOf(string logon) => @"C:\Users\" + SplitUser(logon, string.Empty).User;

    /// <summary>The logon as whoami prints it: domain\user (the computer's name for a local account), in lower case.</summary>
    public static string WhoAmI(string logon, string computerName)
    {
        var (domain, user) = SplitUser(logon, computerName.ToUpperInvariant());
        return (domain + "\\" + user).ToLowerInvariant();
    }

    // A logon name's parts as Windows sets USERDOMAIN and USERNAME: DOMAIN\user and user@domain.com give the domain
    // (its NetBIOS name: the UPN suffix's first label, upper-cased) and the user; a bare name is a local account.
    private static (string Domain, string User) SplitUser(string logon, string computer)
    {
        var slash = logon.IndexOf('\\', StringComparison.Ordinal);
        if (slash > 0 && slash < logon.Length - 1) return (logon[..slash].ToUpperInvariant(), logon[(slash + 1)..]);
        var at = logon.IndexOf('@', StringComparison.Ordinal);
        if (at > 0 && at < logon.Length - 1) return (logon[(at + 1)..].Split('.')[0].ToUpperInvariant(), logon[..at]);
        return (computer, logon);
    }

    internal static IEnumerable<KeyValuePair<string, string>> Defaults(string computer, string domain, string user, string profile) =>
    [
        new("ALLUSERSPROFILE", @"C:\ProgramData"),
        new("APPDATA", profile + @"\AppData\Roaming"),
        new("CommonProgramFiles", @"C:\Program Files\Common Files"),
        new("CommonProgramFiles(x86)", @"C:\Program Files (x86)\Common Files"),
        new("CommonProgramW6432", @"C:\Program Files\Common Files"),
        new("COMPUTERNAME", computer),
        new("ComSpec", @"C:\Windows\system32\cmd.exe"),
        new("DriverData", @"C:\Windows\System32\Drivers\DriverData"),
        new("LOCALAPPDATA", profile + @"\AppData\Local"),
        new("NUMBER_OF_PROCESSORS", "2"),
        new("OS", "Windows_NT"),
        new("Path", @"C:\Windows\system32;C:\Windows;C:\Windows\System32\Wbem;C:\Windows\System32\WindowsPowerShell\v1.0\;C:\Windows\System32\OpenSSH\;" + profile + @"\AppData\Local\Microsoft\WindowsApps"),
        new("PATHEXT", ".COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC"),
        new("PROCESSOR_ARCHITECTURE", "AMD64"),
        // The processor Win32_Processor and systeminfo describe (Model 85 Stepping 7: revision 0x5507).
        new("PROCESSOR_IDENTIFIER", "Intel64 Family 6 Model 85 Stepping 7, GenuineIntel"),
        new("PROCESSOR_LEVEL", "6"),
        new("PROCESSOR_REVISION", "5507"),
        new("ProgramData", @"C:\ProgramData"),
        new("ProgramFiles", @"C:\Program Files"),
        new("ProgramFiles(x86)", @"C:\Program Files (x86)"),
        new("ProgramW6432", @"C:\Program Files"),
        new("PROMPT", "$P$G"),
        // The machine's value (%ProgramFiles% and %SystemRoot% expanded); Windows PowerShell puts the user's own folder first.
        new("PSModulePath", @"C:\Program Files\WindowsPowerShell\Modules;C:\Windows\system32\WindowsPowerShell\v1.0\Modules"),
        new("PUBLIC", @"C:\Users\Public"),
        new("SystemDrive", "C:"),
        new("SystemRoot", @"C:\Windows"),
        new("TEMP", profile + @"\AppData\Local\Temp"),
        new("TMP", profile + @"\AppData\Local\Temp"),
        new("USERDOMAIN", domain),
        new("USERNAME", user),
        new("USERPROFILE", profile),
        new("windir", @"C:\Windows"),
    ];

    /// <summary>
    /// cmd.exe's percent expansion of a command line (command-line mode, not batch mode): <c>%NAME%</c> becomes the
    /// variable's value; an undefined name is kept as written and the scan goes on from its closing percent sign (so
    /// <c>%a %b%</c> with only b defined gives <c>%a </c> and b's value); a lone % stays. <c>%NAME:~start,length%</c>
    /// and <c>%NAME:old=new%</c> work as in cmd.exe. CD, DATE, TIME, ERRORLEVEL, RANDOM, CMDEXTVERSION and HIGHESTNUMANODENUMBER are computed when no variable
    /// of that name exists; <paramref name="now"/> is the server's local time.
    /// </summary>
    /// <remarks>
    /// cmd.exe refuses lines over <see cref="MaxCommandLineLength"/> characters; a result longer than that is cut
    /// at one character over it (the caller answers "The command line is too long."), so that many references to
    /// a long variable never build a huge string.
    /// </remarks>
    public string Expand(string line, string currentDirectory, DateTimeOffset now) =>
        Expand(line, name => _variables.TryGetValue(name, out var value) ? value : null, currentDirectory, now);

    /// <summary>The same expansion over any variables (a batch file's process environment).</summary>
    public static string Expand(string line, Func<string, string?> variable, string currentDirectory, DateTimeOffset now)
    {
        if (!line.Contains('%', StringComparison.Ordinal) || line.Length > MaxCommandLineLength) return line;
        var result = new StringBuilder(line.Length);
        var i = 0;
        while (i < line.Length && result.Length <= MaxCommandLineLength)
        {
            var open = line.IndexOf('%', i);
            if (open < 0)
            {
                result.Append(line, i, line.Length - i);
                break;
            }

            result.Append(line, i, open - i);
            var close = line.IndexOf('%', open + 1);
            if (close < 0)
            {
                result.Append(line, open, line.Length - open);
                break;
            }

            var spec = line[(open + 1)..close];
            if (spec.Length > 0 && Lookup(spec, variable, currentDirectory, now) is { } value)
            {
                result.Append(value);
                i = close + 1;
            }
            else
            {
                result.Append('%').Append(spec);
                i = close;
            }
        }

        return result.Length > MaxCommandLineLength ? result.ToString(0, MaxCommandLineLength + 1) : result.ToString();
    }

    /// <summary>The longest line cmd.exe runs (8191 characters, the documented command prompt limit).</summary>
    public const int MaxCommandLineLength = 8191;

    private static string? Lookup(string spec, Func<string, string?> variable, string currentDirectory, DateTimeOffset now)
    {
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? spec : spec[..colon];
        if (name.Length == 0) return null;
        var value = variable(name) ?? Dynamic(name, currentDirectory, now);
        if (value is null || colon < 0) return value;
        return Modify(value, spec[(colon + 1)..]);
    }

    private static string? Dynamic(string name, string currentDirectory, DateTimeOffset now) => name.ToUpperInvariant() switch
    {
        "CD" => currentDirectory,
        "ERRORLEVEL" => "0",
        // en-US formats: "Sat 11/28/2026" and " 8:05:03.12" (hours space-padded).
        "DATE" => now.ToString("ddd MM/dd/yyyy", CultureInfo.InvariantCulture),
        "TIME" => now.Hour.ToString(CultureInfo.InvariantCulture).PadLeft(2) + now.ToString(":mm:ss.", CultureInfo.InvariantCulture) +
                  (now.Millisecond / 10).ToString("00", CultureInfo.InvariantCulture),
        // A number from 0 to 32767, new at each expansion; the command extensions' version; one NUMA node.
        "RANDOM" => Random.Shared.Next(32768).ToString(CultureInfo.InvariantCulture),
        "CMDEXTVERSION" => "2",
        "HIGHESTNUMANODENUMBER" => "0",
        _ => null,
    };

    /// <summary><c>~start[,length]</c> (negative values count from the end) or <c>old=new</c> (case-insensitive; <c>*old=new</c> replaces through the first match).</summary>
    private static string? Modify(string value, string modifier)
    {
        if (modifier.StartsWith('~'))
        {
            var parts = modifier[1..].Split(',');
            if (parts.Length > 2 || !int.TryParse(parts[0].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var start)) return null;
            var length = value.Length;
            if (parts.Length == 2 && !int.TryParse(parts[1].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out length)) return null;
            if (start < 0) start = Math.Max(0, value.Length + start);
            start = Math.Min(start, value.Length);
            var end = length < 0 ? value.Length + length : (int)Math.Min((long)start + length, value.Length);
            end = Math.Clamp(end, start, value.Length);
            return value[start..end];
        }

        var equals = modifier.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0) return null;
        var old = modifier[..equals];
        var replacement = modifier[(equals + 1)..];
        if (old.StartsWith('*'))
        {
            var find = old[1..];
            if (find.Length == 0) return value;
            var at = value.IndexOf(find, StringComparison.OrdinalIgnoreCase);
            return at < 0 ? value : replacement + value[(at + find.Length)..];
        }

        // Replaced piece by piece, stopping past cmd.exe's limit: a long value with many matches would otherwise
        // multiply into a huge string.
        var replaced = new StringBuilder();
        var from = 0;
        for (var match = value.IndexOf(old, StringComparison.OrdinalIgnoreCase); match >= 0 && replaced.Length <= MaxCommandLineLength;
             match = value.IndexOf(old, from, StringComparison.OrdinalIgnoreCase))
        {
            replaced.Append(value, from, match - from).Append(replacement);
            from = match + old.Length;
        }

        return replaced.Append(value, from, value.Length - from).ToString();
    }
}
