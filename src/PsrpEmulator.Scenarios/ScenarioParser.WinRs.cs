using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace PsrpEmulator.Scenarios;

public sealed partial class ScenarioParser
{
    private static readonly string[] WinRsKeys =
        ["winrs", "host", "note", "setup", "computer", "shell", "name", "codePage", "environment", "directory", "noProfile", "skipCmdShell", "stdin", "receive", "signal", "signalAfter", "expect"];
    private static readonly string[] WinRsOperationKeys = ["receive", "signal", "code", "disconnect", "reconnect", "close"];
    private static readonly string[] WinRsExpectKeys = ["stdout", "stderr", "stdoutBytes", "stderrBytes", "contains", "exitCode", "fault", "journal", "maxElapsed"];
    private static readonly string[] SignalCodes = ["terminate", "ctrl_c", "ctrl_break"];

    /// <summary>
    /// A <c>winrs:</c> step: a command line (run in a cmd shell), or an operation mapping: <c>{ receive: C }</c>,
    /// <c>{ signal: C, code: ctrl_c }</c>, <c>{ disconnect: S }</c>, <c>{ reconnect: S }</c>, <c>{ close: S }</c>.
    /// </summary>
    private WinRsStep ReadWinRs(YamlMappingNode map, YamlNode winrs, SourcePosition position, string? note, string host)
    {
        CheckKeys(map, WinRsKeys);
        var shell = Get(map, "shell") is { } s ? Scalar(s) : null;
        var step = new WinRsStep
        {
            Position = position,
            Note = note,
            Setup = Flag(map, "setup"),
            Host = host,
            Operation = WinRsOperation.Run,
            Computer = Get(map, "computer") is { } c ? Scalar(c) : null,
            Shell = shell,
            Expect = Get(map, "expect") is { } e ? ReadWinRsExpectation(e) : new WinRsExpectation(),
        };

        if (winrs is YamlMappingNode op)
        {
            CheckKeys(op, WinRsOperationKeys);
            if (op.Children.Count is 0) throw Error(op, "a winrs operation is { receive: C }, { signal: C, code: CODE }, { disconnect: S }, { reconnect: S } or { close: S }");
            if (shell is null && (Get(op, "receive") ?? Get(op, "signal")) is { } needsShell) throw Error(needsShell, "receive and signal steps name their shell ('shell:')");
            if (Get(op, "receive") is { } receive) return step with { Operation = WinRsOperation.Receive, Command = Scalar(receive) };
            if (Get(op, "signal") is { } signal) return step with { Operation = WinRsOperation.Signal, Command = Scalar(signal), SignalCode = SignalCode(Get(op, "code") ?? throw Error(op, "'signal:' needs 'code:' (terminate, ctrl_c or ctrl_break)")) };
            var (kind, node) = Get(op, "disconnect") is { } d ? (WinRsOperation.Disconnect, d)
                : Get(op, "reconnect") is { } r ? (WinRsOperation.Reconnect, r)
                : Get(op, "close") is { } cl ? (WinRsOperation.Close, cl)
                : throw Error(op, "'code:' goes with 'signal:'");
            return step with { Operation = kind, Shell = Scalar(node) };
        }

        var environment = new List<KeyValuePair<string, string>>();
        if (Get(map, "environment") is { } env)
        {
            foreach (var (k, v) in Mapping(env, "'environment:' maps variable names to values").Children) environment.Add(new(Scalar(k), Scalar(v)));
        }

        int? codePage = null;
        var omitted = false;
        if (Get(map, "codePage") is { } cp)
        {
            if (Scalar(cp) == "none") omitted = true;
            else codePage = int.TryParse(Scalar(cp), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw Error(cp, $"codePage '{Scalar(cp)}' is a code page number (437, 1252, 65001) or none (no WINRS_CODEPAGE)");
        }

        var signalCode = Get(map, "signal") is { } sig ? SignalCode(sig) : null;
        if (Get(map, "signalAfter") is { } sa && signalCode is null) throw Error(sa, "'signalAfter:' goes with 'signal:'");
        if (Get(map, "name") is { } nm && shell is null) throw Error(nm, "'name:' needs 'shell:' (a command of a throwaway shell ends with its step)");
        if (Get(map, "receive") is { } rv && Scalar(rv) == "false" && signalCode is not null) throw Error(rv, "'signal:' is sent while the step receives: not with 'receive: false' (use a { signal: NAME } step)");
        var line = Scalar(winrs).Trim();
        if (line.Length == 0) throw Error(winrs, "'winrs:' needs a command line or an operation");
        return step with
        {
            CommandLine = line,
            Name = Get(map, "name") is { } name ? Scalar(name) : null,
            CodePage = codePage,
            CodePageOmitted = omitted,
            Environment = environment,
            Directory = Get(map, "directory") is { } dir ? Scalar(dir) : null,
            NoProfile = Flag(map, "noProfile"),
            SkipCmdShell = Flag(map, "skipCmdShell"),
            Stdin = Get(map, "stdin") is { } stdin ? Scalar(stdin) : null,
            Receive = Get(map, "receive") is not { } rc || (bool.TryParse(Scalar(rc), out var receiveFlag) ? receiveFlag : throw Error(rc, "'receive:' is true or false")),
            SignalCode = signalCode,
            SignalAfter = Get(map, "signalAfter") is { } after ? Duration(after) : TimeSpan.Zero,
        };
    }

    private string SignalCode(YamlNode node)
    {
        var code = Scalar(node).Trim().ToLowerInvariant();
        return SignalCodes.Contains(code) ? code : throw Error(node, $"unknown signal '{code}' (known: {string.Join(", ", SignalCodes)})");
    }

    private WinRsExpectation ReadWinRsExpectation(YamlNode node)
    {
        var map = Mapping(node, $"'expect:' is a mapping ({string.Join(", ", WinRsExpectKeys)})");
        CheckKeys(map, WinRsExpectKeys);
        // journal: and maxElapsed: read as in a run step's expectation.
        var shared = new YamlMappingNode();
        foreach (var key in new[] { "journal", "maxElapsed" })
        {
            if (Get(map, key) is { } value) shared.Add(key, value);
        }

        var common = ReadExpectation(shared);
        return new WinRsExpectation
        {
            Stdout = Get(map, "stdout") is { } o ? Scalar(o) : null,
            Stderr = Get(map, "stderr") is { } e ? Scalar(e) : null,
            StdoutBytes = Get(map, "stdoutBytes") is { } ob ? Hex(ob) : null,
            StderrBytes = Get(map, "stderrBytes") is { } eb ? Hex(eb) : null,
            Contains = Get(map, "contains") is { } contains ? contains is YamlSequenceNode seq ? [.. seq.Children.Select(Scalar)] : [Scalar(contains)] : [],
            ExitCode = Get(map, "exitCode") is { } x ? ExitCode(x) : null,
            Fault = Get(map, "fault") is { } f ? Scalar(f) : null,
            Journal = common.Journal,
            MaxElapsed = common.MaxElapsed,
        };
    }

    /// <summary>An exit code: decimal (negative allowed) or 0x hex, e.g. 0xC000013A for STATUS_CONTROL_C_EXIT.</summary>
    private int ExitCode(YamlNode node)
    {
        var text = Scalar(node).Trim();
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && uint.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex)) return unchecked((int)hex);
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : throw Error(node, $"exitCode '{text}' is an integer or 0x hex");
    }

    private byte[] Hex(YamlNode node)
    {
        var text = string.Concat(Scalar(node).Where(ch => !char.IsWhiteSpace(ch)));
        try
        {
            return Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw Error(node, $"'{Scalar(node)}' is not hex bytes (e.g. \"82 0D 0A\")");
        }
    }
}
