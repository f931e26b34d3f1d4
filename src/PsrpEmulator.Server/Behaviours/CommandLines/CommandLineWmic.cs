using System.Globalization;
using System.Text;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// <c>wmic</c> over the computer's WMI classes (<see cref="ComputerWmi"/>: the scenario's <c>wmi:</c> instances, what
/// WMI over WS-Man answers too): an alias (<c>os</c>, <c>service</c>, <c>process</c>, <c>logicaldisk</c>...) or
/// <c>path Class</c>, an optional <c>where</c> condition (WQL; <c>where name="WinRM"</c>, <c>where "State='Running'"</c>,
/// <c>where (...)</c>) or a service's, process's or disk's key after the alias (<c>wmic service WinRM get State</c>),
/// then <c>get [Prop,...]</c> or <c>list [full]</c> with <c>/value</c>, <c>/all</c> or <c>/format:list|csv|table</c>,
/// and <c>/node:</c> naming the computer itself. Output as wmic writes to a pipe: every line ends "\r\r\n" (its "\r\n"
/// through the C runtime's text mode), properties by name (its style sheets sort them), a table's columns two blanks
/// wider than their widest value and every line padded, TRUE/FALSE, arrays <c>{"a","b"}</c>, dates as DMTF text.
/// Errors as wmic's: "Node - NAME / ERROR: / Description = Invalid class" (or Invalid query), "X - Alias not found.",
/// "No Instance(s) Available." on stderr. UNVERIFIED: the list format's blank lines (two before each instance, two at
/// the end), the CSV's leading blank line, the exit codes of errors (WMI's HRESULT; 44135 for a syntax error), the
/// other aliases' key properties. <c>call StartService</c> / <c>call StopService</c> of one Win32_Service change its
/// state as net does and write wmic's "Executing (...)->Method()" block with WMI's ReturnValue (its layout UNVERIFIED).
/// Not emulated (a scenario error): <c>list brief</c> and the other list formats, other methods and a call on several
/// instances (wmic asks before each), the verbs set, create, delete and assoc, other computers, interactive mode, and
/// classes the scenario lacks.
/// </summary>
internal sealed class WmicScript(string line) : ICommandLineScript
{
    private const string NewLine = "\r\r\n";
    private const int SyntaxErrorExitCode = 44135;
    private const int InvalidClassExitCode = unchecked((int)0x80041010);
    private const int InvalidQueryExitCode = unchecked((int)0x80041017);

    // wmic's aliases (root\cli's MSFT_CliAlias) of root\cimv2 classes, and the key a value after the alias names.
    private static readonly Dictionary<string, (string ClassName, string? Key)> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["baseboard"] = ("Win32_BaseBoard", null),
        ["bios"] = ("Win32_BIOS", null),
        ["computersystem"] = ("Win32_ComputerSystem", "Name"),
        ["cpu"] = ("Win32_Processor", "DeviceID"),
        ["csproduct"] = ("Win32_ComputerSystemProduct", null),
        ["diskdrive"] = ("Win32_DiskDrive", "Index"),
        ["environment"] = ("Win32_Environment", null),
        ["group"] = ("Win32_Group", "Name"),
        ["logicaldisk"] = ("Win32_LogicalDisk", "DeviceID"),
        ["memorychip"] = ("Win32_PhysicalMemory", null),
        ["nic"] = ("Win32_NetworkAdapter", "Index"),
        ["nicconfig"] = ("Win32_NetworkAdapterConfiguration", "Index"),
        ["os"] = ("Win32_OperatingSystem", null),
        ["pagefile"] = ("Win32_PageFileUsage", null),
        ["partition"] = ("Win32_DiskPartition", null),
        ["process"] = ("Win32_Process", "ProcessId"),
        ["product"] = ("Win32_Product", "Name"),
        ["qfe"] = ("Win32_QuickFixEngineering", "HotFixID"),
        ["service"] = ("Win32_Service", "Name"),
        ["share"] = ("Win32_Share", "Name"),
        ["startup"] = ("Win32_StartupCommand", null),
        ["sysdriver"] = ("Win32_SystemDriver", "Name"),
        ["timezone"] = ("Win32_TimeZone", null),
        ["useraccount"] = ("Win32_UserAccount", "Name"),
        ["volume"] = ("Win32_Volume", "DeviceID"),
    };

    private static readonly HashSet<string> Verbs = new(["get", "list", "call", "set", "create", "delete", "assoc"], StringComparer.OrdinalIgnoreCase);

    private enum Layout
    {
        Table,
        List,
        Csv,
    }

    public string Description => "wmic";

    public static bool TryParse(string line, out WmicScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count == 0 || !CommandLineText.IsProgram(tokens[0].Value, "wmic")) return false;
        script = new WmicScript(line);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        // wmic reads its own command line: the words as written, quotes kept (a where condition keeps its quotes).
        var words = CommandLineText.Tokenize(line).Skip(1).Select(t => line.Substring(t.Start, CommandLineText.TokenLength(line, t.Start))).ToList();
        if (host.Wmi is not { } wmi) return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
        var computer = wmi.Computer.ToUpperInvariant();
        var i = 0;
        for (; i < words.Count && words[i].StartsWith('/'); i++)
        {
            // /node: the computer itself only (another over DCOM is not emulated).
            if (!(Switch(words[i], "node") is { } node && node.Split(',').Select(n => n.Trim().Trim('"')).All(n => CommandLineText.IsThisComputer(n, computer))))
            {
                return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
            }
        }

        if (i >= words.Count) return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
        string className;
        string? key = null;
        var target = words[i++];
        if (target.Equals("path", StringComparison.OrdinalIgnoreCase))
        {
            if (i >= words.Count) return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
            className = Unquote(words[i++]);
        }
        else if (Aliases.TryGetValue(target, out var alias))
        {
            (className, key) = alias;
        }
        else if (target.Equals("class", StringComparison.OrdinalIgnoreCase) || target.Equals("context", StringComparison.OrdinalIgnoreCase) ||
                 target.Equals("quit", StringComparison.OrdinalIgnoreCase) || target.Equals("exit", StringComparison.OrdinalIgnoreCase) || target.StartsWith('/'))
        {
            return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, $"{target} - Alias not found.{NewLine}", cancellationToken).ConfigureAwait(false);
            return SyntaxErrorExitCode;
        }

        string? condition = null;
        if (i < words.Count && words[i].Equals("where", StringComparison.OrdinalIgnoreCase))
        {
            var start = ++i;
            while (i < words.Count && !Verbs.Contains(words[i])) i++;
            if (i == start) return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
            condition = Unquote(string.Join(' ', words[start..i]));
        }
        else if (i < words.Count && !Verbs.Contains(words[i]) && !words[i].StartsWith('/'))
        {
            // The alias's key: wmic service WinRM get State.
            if (key is null) return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
            condition = $"{key}='{Unquote(words[i++]).Replace("'", "\\'", StringComparison.Ordinal)}'";
        }

        if (i >= words.Count) return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
        var verb = words[i++].ToLowerInvariant();
        var layout = Layout.Table;
        List<string>? properties = null;
        if (verb == "call") return await CallAsync(host, wmi, computer, className, condition, words[i..], cancellationToken).ConfigureAwait(false);
        if (verb == "set") return await SetAsync(host, wmi, computer, className, condition, words[i..], cancellationToken).ConfigureAwait(false);
        if (verb == "get")
        {
            var names = new StringBuilder();
            for (; i < words.Count && !words[i].StartsWith('/'); i++) names.Append(words[i]);
            var requested = names.ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (requested.Length > 0) properties = [.. requested];
        }
        else if (verb == "list")
        {
            if (i < words.Count && words[i].Equals("full", StringComparison.OrdinalIgnoreCase))
            {
                layout = Layout.List;
                i++;
            }
            else if (i < words.Count && !words[i].StartsWith('/'))
            {
                // brief, instance, status, system, writeable: each alias's own property sets.
                return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
        }

        for (; i < words.Count; i++)
        {
            var word = words[i];
            if (word.Equals("/value", StringComparison.OrdinalIgnoreCase)) layout = Layout.List;
            else if (word.Equals("/all", StringComparison.OrdinalIgnoreCase)) layout = Layout.Table;
            else if (Switch(word, "format") is { } format)
            {
                switch (format.Trim('"').ToLowerInvariant())
                {
                    case "list" or "textvaluelist" or "list.xsl" or "textvaluelist.xsl":
                        layout = Layout.List;
                        break;
                    case "csv" or "csv.xsl":
                        layout = Layout.Csv;
                        break;
                    case "table" or "texttable" or "table.xsl" or "texttable.xsl":
                        layout = Layout.Table;
                        break;
                    default:
                        return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
            }
        }

        // A superclass (path CIM_LogicalDisk): its subclasses' instances, as WMI enumerates deep; the properties and the
        // condition must be the superclass's.
        if (wmi.Find("root/cimv2", className) is null && ComputerWmi.EnumeratesDeep(className))
        {
            List<IReadOnlyList<WmiProperty>>? deep = [];
            var refused = false;
            foreach (var subclass in wmi.SubclassSeeds(className))
            {
                if (Select(wmi, subclass, properties, condition, out refused, WmiSchema.Properties(className)) is not { } found)
                {
                    deep = null;
                    break;
                }

                deep.AddRange(found);
            }

            return await WriteInstancesAsync(host, computer, deep, refused, layout, cancellationToken).ConfigureAwait(false);
        }

        if (wmi.Find("root/cimv2", className) is not { } seed)
        {
            // A class of Windows' families the scenario does not give; any other name is no class at all.
            if (target.Equals("path", StringComparison.OrdinalIgnoreCase) && !IsWindowsClassName(className))
            {
                return await ErrorAsync(host, computer, "Invalid class", InvalidClassExitCode, cancellationToken).ConfigureAwait(false);
            }

            await host.WriteTextAsync(WinRsStreams.Stderr, $"wmic reads {className}, which the scenario does not give: give it a wmi: class (or the command a rule: cmd: match: its whole line){NewLine}", cancellationToken).ConfigureAwait(false);
            return 1;
        }

        return await WriteInstancesAsync(host, computer, Select(wmi, seed, properties, condition, out var notRead), notRead, layout, cancellationToken).ConfigureAwait(false);
    }

    // The instances a get or list selected, in its layout; null: WMI refused the query (or, with notRead, the emulator
    // does not read it).
    private async Task<int> WriteInstancesAsync(ICommandLineHost host, string computer, List<IReadOnlyList<WmiProperty>>? instances, bool notRead, Layout layout, CancellationToken cancellationToken)
    {
        if (instances is null)
        {
            return notRead ? await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false) : await ErrorAsync(host, computer, "Invalid query", InvalidQueryExitCode, cancellationToken).ConfigureAwait(false);
        }

        if (instances.Count == 0) return await NoInstancesAsync(host, cancellationToken).ConfigureAwait(false);
        var columns = instances[0].Select(p => p.Name).Order(StringComparer.OrdinalIgnoreCase).ToList();
        var rows = instances.Select(instance => columns.Select(c => Text(instance.First(p => p.Name.Equals(c, StringComparison.OrdinalIgnoreCase)))).ToList()).ToList();
        await host.WriteTextAsync(WinRsStreams.Stdout, layout switch
        {
            Layout.List => ListText(columns, rows),
            Layout.Csv => CsvText(computer, columns, rows),
            _ => TableText(columns, rows),
        }, cancellationToken).ConfigureAwait(false);
        return 0;
    }

    // call: a Win32_Service's StartService or StopService on the one instance the condition picks, with the method's
    // ReturnValue as WMI gives it (10: already running, 14: disabled, 5: not accepting the control; 0: done).
    private async Task<int> CallAsync(ICommandLineHost host, ComputerWmi wmi, string computer, string className, string? condition, List<string> rest, CancellationToken cancellationToken)
    {
        var method = rest.Count == 1 ? rest[0] : null;
        if (method is null || !className.Equals("Win32_Service", StringComparison.OrdinalIgnoreCase) || host.ServiceStates is not { } states ||
            !(method.Equals("StartService", StringComparison.OrdinalIgnoreCase) || method.Equals("StopService", StringComparison.OrdinalIgnoreCase)) ||
            wmi.Find("root/cimv2", className) is not { } seed)
        {
            return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
        }

        var (instance, exitCode) = await SingleInstanceAsync(host, wmi, seed, computer, condition, cancellationToken).ConfigureAwait(false);
        if (instance is null) return exitCode;
        string Value(string name) => ValueOf(instance, name);
        var service = Value("Name");
        var running = Value("State").Equals("Running", StringComparison.OrdinalIgnoreCase);
        int returnValue;
        if (method.Equals("StartService", StringComparison.OrdinalIgnoreCase))
        {
            returnValue = running ? 10 : Value("StartMode").Equals("Disabled", StringComparison.OrdinalIgnoreCase) ? 14 : 0;
            if (returnValue == 0) states.SetStatus(service, "Running", Value("DisplayName"));
        }
        else
        {
            returnValue = running ? 0 : 5;
            if (returnValue == 0) states.SetStatus(service, "Stopped", Value("DisplayName"));
        }

        await host.WriteTextAsync(WinRsStreams.Stdout,
            $"Executing (\\\\{computer}\\ROOT\\CIMV2:{seed.ClassName}.Name=\"{service}\")->{method}(){NewLine}Method execution successful.{NewLine}Out Parameters:{NewLine}" +
            $"instance of __PARAMETERS{NewLine}{{{NewLine}\tReturnValue = {returnValue};{NewLine}}};{NewLine}{NewLine}", cancellationToken).ConfigureAwait(false);
        return 0;
    }

    /// <summary>
    /// <c>wmic useraccount where name='x' set PasswordExpires=FALSE</c> (Vagrant's base boxes), also Disabled, FullName and
    /// Description, of one local user: the account changed, and wmic's "Updating property(s) of ..." lines. Another class
    /// or property, and several instances (wmic asks before each), are not emulated.
    /// </summary>
    private async Task<int> SetAsync(ICommandLineHost host, ComputerWmi wmi, string computer, string className, string? condition, List<string> rest, CancellationToken cancellationToken)
    {
        var assignments = new List<(string Name, string Value)>();
        foreach (var part in string.Join(' ', rest).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
            assignments.Add((part[..equals].Trim(), Unquote(part[(equals + 1)..].Trim())));
        }

        static bool? Flag(string value) => value.ToUpperInvariant() switch { "TRUE" or "1" => true, "FALSE" or "0" => false, _ => null };
        if (assignments.Count == 0 || !className.Equals("Win32_UserAccount", StringComparison.OrdinalIgnoreCase) || host.LocalAccounts is not { } accounts ||
            assignments.Any(a => !(a.Name.ToUpperInvariant() is "FULLNAME" or "DESCRIPTION" || a.Name.ToUpperInvariant() is "PASSWORDEXPIRES" or "DISABLED" && Flag(a.Value) is not null)) ||
            wmi.Find("root/cimv2", className) is not { } seed)
        {
            return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
        }

        var (instance, exitCode) = await SingleInstanceAsync(host, wmi, seed, computer, condition, cancellationToken).ConfigureAwait(false);
        if (instance is null) return exitCode;
        string Value(string name) => ValueOf(instance, name);
        var user = Value("Name");
        accounts.TryUpdateUser(user, old =>
        {
            foreach (var (name, value) in assignments)
            {
                old = name.ToUpperInvariant() switch
                {
                    "PASSWORDEXPIRES" => old with { PasswordNeverExpires = !Flag(value)!.Value },
                    "DISABLED" => old with { Enabled = !Flag(value)!.Value },
                    "FULLNAME" => old with { FullName = value },
                    _ => old with { Description = value },
                };
            }

            return old;
        }, out _);
        await host.WriteTextAsync(WinRsStreams.Stdout,
            $"Updating property(s) of '\\\\{computer}\\ROOT\\CIMV2:{seed.ClassName}.Domain=\"{Value("Domain")}\",Name=\"{user}\"'{NewLine}Property(s) update successful.{NewLine}", cancellationToken).ConfigureAwait(false);
        return 0;
    }

    /// <summary>
    /// The one instance a verb that changes it (call, set) works on; null with wmic's exit code, its message written, for
    /// a query WMI refuses, no instance, or several (wmic asks "(Y/N/?)" before each, which is not emulated).
    /// </summary>
    private async Task<(IReadOnlyList<WmiProperty>? Instance, int ExitCode)> SingleInstanceAsync(
        ICommandLineHost host, ComputerWmi wmi, WmiClassSeed seed, string computer, string? condition, CancellationToken cancellationToken)
    {
        if (Select(wmi, seed, null, condition, out var notRead) is not { } instances)
        {
            return (null, notRead ? await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false) : await ErrorAsync(host, computer, "Invalid query", InvalidQueryExitCode, cancellationToken).ConfigureAwait(false));
        }

        if (instances.Count == 0) return (null, await NoInstancesAsync(host, cancellationToken).ConfigureAwait(false));
        if (instances.Count > 1) return (null, await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false));
        return (instances[0], 0);
    }

    // A property's single value as text ("" for none).
    private static string ValueOf(IReadOnlyList<WmiProperty> instance, string name) =>
        instance.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { Values: [var v] } ? v : string.Empty;

    // The instances the condition picks, with the properties asked for (all for none); null when WMI refuses the query
    // (it does not parse, names a property the class has not, or a LIKE pattern takes too long), or, with notRead, when
    // it is WQL the emulator does not read (ISA, an event query...).
    // queried: a superclass's properties, which the query must name only (the subclass's instances answer it).
    private static List<IReadOnlyList<WmiProperty>>? Select(ComputerWmi wmi, WmiClassSeed seed, IReadOnlyList<string>? properties, string? condition, out bool notRead,
        IReadOnlyList<string>? queried = null)
    {
        notRead = false;
        try
        {
            var query = WqlQuery.Parse($"SELECT {(properties is null ? "*" : string.Join(", ", properties))} FROM {seed.ClassName}{(condition is null ? string.Empty : " WHERE " + condition)}");
            if (queried is not null && query.UnknownProperties(queried).Any()) return null;
            // A class without instances (Win32_Product on a fresh server) gives no property names to check against.
            if (seed.Instances.Count > 0 && query.UnknownProperties(seed.PropertyNames).Any()) return null;
            return [.. wmi.Instances(seed).Where(query.Matches).Select(query.Project)];
        }
        catch (Exception e) when (e is WqlException or System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            notRead = e is WqlException { Failure: WqlFailure.NotEmulated };
            return null;
        }
    }

    private static async Task<int> NoInstancesAsync(ICommandLineHost host, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stderr, $"No Instance(s) Available.{NewLine}", cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private static string TableText(List<string> columns, List<List<string>> rows)
    {
        var widths = columns.Select((c, index) => Math.Max(c.Length, rows.Max(r => r[index].Length)) + 2).ToList();
        var text = new StringBuilder();
        void Line(IReadOnlyList<string> cells)
        {
            for (var index = 0; index < cells.Count; index++) text.Append(cells[index].PadRight(widths[index]));
            text.Append(NewLine);
        }

        Line(columns);
        foreach (var row in rows) Line(row);
        return text.Append(NewLine).ToString();
    }

    private static string ListText(List<string> columns, List<List<string>> rows)
    {
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.Append(NewLine).Append(NewLine);
            for (var index = 0; index < columns.Count; index++) text.Append(columns[index]).Append('=').Append(row[index]).Append(NewLine);
        }

        return text.Append(NewLine).Append(NewLine).ToString();
    }

    private static string CsvText(string computer, List<string> columns, List<List<string>> rows)
    {
        var text = new StringBuilder(NewLine).Append("Node,").AppendJoin(',', columns).Append(NewLine);
        foreach (var row in rows) text.Append(computer).Append(',').AppendJoin(',', row).Append(NewLine);
        return text.ToString();
    }

    // A value as wmic's style sheets write it.
    private static string Text(WmiProperty property)
    {
        if (property.Kind == WmiValueKind.Null) return string.Empty;
        var values = property.Values.Select(v => property.Kind switch
        {
            WmiValueKind.Datetime => Dmtf(v),
            WmiValueKind.Interval => DmtfInterval(v),
            _ => v.Equals("true", StringComparison.OrdinalIgnoreCase) ? "TRUE" : v.Equals("false", StringComparison.OrdinalIgnoreCase) ? "FALSE" : v,
        });
        return property.IsArray || property.Values.Count > 1 ? "{" + string.Join(',', values.Select(v => property.Kind == WmiValueKind.Text && !IsNumber(v) ? $"\"{v}\"" : v)) + "}" : values.Single();
    }

    private static bool IsNumber(string value) => value.Length > 0 && value.All(c => char.IsAsciiDigit(c) || c == '-');

    // CIM's datetime: yyyymmddHHMMSS.mmmmmm and the offset in minutes (the emulated computers keep UTC).
    private static string Dmtf(string xmlDateTime)
    {
        var at = DateTimeOffset.Parse(xmlDateTime, CultureInfo.InvariantCulture);
        var minutes = (int)at.Offset.TotalMinutes;
        return at.ToString("yyyyMMddHHmmss.ffffff", CultureInfo.InvariantCulture) + (minutes < 0 ? "-" : "+") + Math.Abs(minutes).ToString("000", CultureInfo.InvariantCulture);
    }

    // CIM's interval: ddddddddHHMMSS.mmmmmm:000.
    private static string DmtfInterval(string xsDuration)
    {
        var span = System.Xml.XmlConvert.ToTimeSpan(xsDuration);
        return span.Days.ToString("00000000", CultureInfo.InvariantCulture) + span.ToString("hhmmss\\.ffffff", CultureInfo.InvariantCulture) + ":000";
    }

    private static string? Switch(string word, string name) =>
        word.Length > name.Length + 2 && word[0] == '/' && word.AsSpan(1, name.Length).Equals(name, StringComparison.OrdinalIgnoreCase) && word[name.Length + 1] == ':'
            ? word[(name.Length + 2)..]
            : null;

    private static bool IsWindowsClassName(string name) =>
        name.StartsWith("Win32_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("CIM_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("MSFT_", StringComparison.OrdinalIgnoreCase);

    private static string Unquote(string text) => text.Length >= 2 && text[0] == '"' && text[^1] == '"' ? text[1..^1] : text;

    private static async Task<int> ErrorAsync(ICommandLineHost host, string computer, string description, int exitCode, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stderr, $"Node - {computer}{NewLine}ERROR:{NewLine}Description = {description}{NewLine}{NewLine}", cancellationToken).ConfigureAwait(false);
        return exitCode;
    }

    private async Task<int> NotEmulatedAsync(ICommandLineHost host, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor(line.Trim()), cancellationToken).ConfigureAwait(false);
        return 1;
    }
}
