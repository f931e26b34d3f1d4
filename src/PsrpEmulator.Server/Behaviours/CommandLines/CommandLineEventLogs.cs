using System.Globalization;
using System.Text;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// eventcreate.exe over the computer's event logs (<see cref="EventLogs"/>, what Get-EventLog reads), as batch jobs
/// mark their start and end: <c>/T ERROR|WARNING|INFORMATION|SUCCESS /ID 1-1000 /D text [/L APPLICATION|SYSTEM] [/SO
/// source]</c>. The source is EventCreate (Application's) unless <c>/SO</c> names another, which eventcreate registers
/// to the log as a custom source; a source an installed application registered is refused. Its SUCCESS line and
/// errors are as Windows Server 2003's documentation and users show them (texts UNVERIFIED); SUCCESS events are
/// Information entries. <c>/S</c> (another computer) and other logs get the emulator's not-emulated message.
/// </summary>
internal sealed class EventCreateScript(string arguments) : ICommandLineScript
{
    public string Description => "eventcreate " + arguments;

    public static bool TryParse(string line, out EventCreateScript script)
    {
        script = null!;
        var name = CommandLineText.FirstWord(line);
        if (!CommandLineText.IsProgram(name, "eventcreate")) return false;
        script = new EventCreateScript(line[name.Length..].Trim());
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var tokens = CommandLineText.Tokenize(arguments).Select(t => t.Value).ToList();
        for (var i = 0; i < tokens.Count; i++)
        {
            var option = tokens[i].Replace('-', '/');
            if (!option.StartsWith('/') || option is not ("/t" or "/T" or "/id" or "/ID" or "/Id" or "/d" or "/D" or "/l" or "/L" or "/so" or "/SO" or "/So" or "/s" or "/S" or "/u" or "/U" or "/p" or "/P") ||
                i + 1 >= tokens.Count || options.ContainsKey(option))
            {
                return await SyntaxErrorAsync(host, cancellationToken).ConfigureAwait(false);
            }

            options[option] = tokens[++i];
        }

        if (options.ContainsKey("/s") || options.ContainsKey("/u") || options.ContainsKey("/p") || host.EventLogs is not { } logs)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor("eventcreate " + arguments), cancellationToken).ConfigureAwait(false);
            return 1;
        }

        if (!options.TryGetValue("/t", out var typeText) || !options.TryGetValue("/id", out var idText) || !options.TryGetValue("/d", out var description))
        {
            return await SyntaxErrorAsync(host, cancellationToken).ConfigureAwait(false);
        }

        EventLogs.EntryType? type = typeText.ToUpperInvariant() switch
        {
            "ERROR" => EventLogs.EntryType.Error,
            "WARNING" => EventLogs.EntryType.Warning,
            "INFORMATION" or "SUCCESS" => EventLogs.EntryType.Information,
            _ => null,
        };
        if (type is null) return await SyntaxErrorAsync(host, cancellationToken).ConfigureAwait(false);
        if (!int.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id is < 1 or > 1000)
        {
            return await FailAsync(host, "ERROR: Invalid ID. The ID must be in the range of 1 - 1000.", cancellationToken).ConfigureAwait(false);
        }

        var logName = options.TryGetValue("/l", out var given) ? given : "Application";
        if (!logName.Equals("Application", StringComparison.OrdinalIgnoreCase) && !logName.Equals("System", StringComparison.OrdinalIgnoreCase))
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor("eventcreate /L " + logName), cancellationToken).ConfigureAwait(false);
            return 1;
        }

        var log = logs.Find(logName)!.Name;
        var source = options.TryGetValue("/so", out var named) ? named : "EventCreate";
        switch (logs.RegisterCustom(log, source))
        {
            case EventLogs.RegisterResult.SourceExists:
                return await FailAsync(host, "ERROR: Source parameter is used to identify custom applications/scripts only (not installed applications).", cancellationToken).ConfigureAwait(false);
            case EventLogs.RegisterResult.Full:
                return await FailAsync(host, NotEmulatedCommandScript.MessageFor("eventcreate: more sources").TrimEnd(), cancellationToken).ConfigureAwait(false);
        }

        logs.Write(source, id, type.Value, 0, description, [], null);
        await host.WriteTextAsync(WinRsStreams.Stdout, $"SUCCESS: An event of type '{typeText.ToUpperInvariant()}' was created in the '{log}' log with '{source}' as the source.\r\n", cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private static Task<int> SyntaxErrorAsync(ICommandLineHost host, CancellationToken cancellationToken) =>
        FailAsync(host, "ERROR: Invalid syntax.\r\nType \"EVENTCREATE /?\" for usage.", cancellationToken);

    private static async Task<int> FailAsync(ICommandLineHost host, string message, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stderr, message + "\r\n", cancellationToken).ConfigureAwait(false);
        return 1;
    }
}

/// <summary>
/// wevtutil.exe over the computer's classic logs: <c>el</c> (enum-logs: their names, one a line; Windows lists every
/// channel, about a thousand, the emulator its classic logs), <c>cl</c> (clear-log; a log the computer has not is
/// "The specified channel could not be found.", exit code 15007, as Packer's cleanup loops meet on Windows' debug
/// channels), <c>qe</c> (query-events) with <c>/c:N</c>, <c>/rd:true</c> and <c>/f:text</c> in wevtutil's text layout
/// (the default XML rendering is not emulated), and <c>gl</c> (get-log: name, enabled, type, the log's file and size).
/// Other verbs and options (<c>/q:</c> XPath queries, <c>/bu:</c> backups, <c>/r:</c> remote) get the emulator's
/// not-emulated message. Layouts from Windows Server 2019 as remembered (UNVERIFIED).
/// </summary>
internal sealed class WevtutilScript(string verb, string? log, IReadOnlyDictionary<string, string> options) : ICommandLineScript
{
    public string Description => "wevtutil " + verb;

    public static bool TryParse(string line, out WevtutilScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line).Select(t => t.Value).ToList();
        if (tokens.Count < 2 || !CommandLineText.IsProgram(tokens[0], "wevtutil")) return false;
        var verb = tokens[1].ToLowerInvariant() switch
        {
            "el" or "enum-logs" => "el",
            "cl" or "clear-log" => "cl",
            "qe" or "query-events" => "qe",
            "gl" or "get-log" => "gl",
            _ => null,
        };
        if (verb is null) return false;
        string? log = null;
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var token in tokens.Skip(2))
        {
            if (token.Length > 1 && token[0] is '/' or '-')
            {
                var colon = token.IndexOf(':', StringComparison.Ordinal);
                options[colon > 0 ? token[1..colon] : token[1..]] = colon > 0 ? token[(colon + 1)..] : string.Empty;
                continue;
            }

            if (log is not null) return false;
            log = token;
        }

        script = new WevtutilScript(verb, log, options);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        string? Option(params string[] names) => names.Select(n => options.TryGetValue(n, out var v) ? v : null).FirstOrDefault(v => v is not null);

        var known = verb switch
        {
            "qe" => new[] { "c", "count", "rd", "reversedirection", "f", "format" },
            _ => [],
        };
        if (host.EventLogs is not { } logs || options.Keys.Any(k => !known.Contains(k, StringComparer.OrdinalIgnoreCase)) ||
            verb == "qe" && !string.Equals(Option("f", "format"), "text", StringComparison.OrdinalIgnoreCase))
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor(("wevtutil " + verb + " " + string.Join(" ", options.Select(o => "/" + o.Key))).TrimEnd()), cancellationToken).ConfigureAwait(false);
            return 1;
        }

        if (verb == "el")
        {
            await host.WriteTextAsync(WinRsStreams.Stdout, string.Concat(logs.Logs().Select(l => l.Name + "\r\n")), cancellationToken).ConfigureAwait(false);
            return 0;
        }

        if (log is null)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, "The parameter is incorrect.\r\n", cancellationToken).ConfigureAwait(false);
            return 87;
        }

        if (logs.Find(log) is not { } found)
        {
            var doing = verb switch { "cl" => "clear log", "qe" => "query events", _ => "read configuration for log" };
            await host.WriteTextAsync(WinRsStreams.Stderr, $"Failed to {doing} {log}. The specified channel could not be found.\r\n", cancellationToken).ConfigureAwait(false);
            return 15007;
        }

        switch (verb)
        {
            case "cl":
                logs.Clear(found.Name, host.LogonName());
                return 0;
            case "gl":
                await host.WriteTextAsync(WinRsStreams.Stdout,
                    $"name: {found.Name}\r\nenabled: true\r\ntype: Admin\r\nowningPublisher: \r\nisolation: Application\r\nchannelAccess: \r\nlogging:\r\n  logFileName: %SystemRoot%\\System32\\Winevt\\Logs\\{found.Name}.evtx\r\n" +
                    $"  retention: {(found.OverflowAction == "OverwriteAsNeeded" ? "false" : "true")}\r\n  autoBackup: false\r\n  maxSize: {(found.MaximumKilobytes * 1024L).ToString(CultureInfo.InvariantCulture)}\r\npublishing:\r\n  fileMax: 1\r\n",
                    cancellationToken).ConfigureAwait(false);
                return 0;
        }

        var count = Option("c", "count") is { } c && int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue;
        var newestFirst = Option("rd", "reversedirection") is { } rd && rd.Equals("true", StringComparison.OrdinalIgnoreCase);
        var entries = logs.Entries(found.Name);
        var computer = host.EnvironmentVariable("COMPUTERNAME") ?? "localhost";
        var text = new StringBuilder();
        var index = 0;
        foreach (var entry in (newestFirst ? entries : entries.Reverse()).Take(count))
        {
            text.Append(CultureInfo.InvariantCulture, $"Event[{index++}]:\r\n")
                .Append(CultureInfo.InvariantCulture, $"  Log Name: {entry.Log}\r\n  Source: {entry.Source}\r\n  Date: {entry.TimeGenerated.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fff}\r\n")
                .Append(CultureInfo.InvariantCulture, $"  Event ID: {entry.EventId & 0xFFFF}\r\n  Task: N/A\r\n  Level: {Level(entry.Type)}\r\n  Opcode: N/A\r\n  Keyword: {Keyword(entry.Type)}\r\n")
                .Append(CultureInfo.InvariantCulture, $"  User: N/A\r\n  User Name: N/A\r\n  Computer: {computer}\r\n  Description: \r\n{entry.Message}\r\n\r\n");
        }

        await host.WriteTextAsync(WinRsStreams.Stdout, text.ToString(), cancellationToken).ConfigureAwait(false);
        return 0;

        static string Level(EventLogs.EntryType type) => type switch
        {
            EventLogs.EntryType.Error => "Error",
            EventLogs.EntryType.Warning => "Warning",
            _ => "Information",
        };

        static string Keyword(EventLogs.EntryType type) => type switch
        {
            EventLogs.EntryType.SuccessAudit => "Audit Success",
            EventLogs.EntryType.FailureAudit => "Audit Failure",
            _ => "Classic",
        };
    }
}
