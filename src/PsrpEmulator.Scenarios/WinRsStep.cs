namespace PsrpEmulator.Scenarios;

/// <summary>What a <see cref="WinRsStep"/> does.</summary>
public enum WinRsOperation
{
    /// <summary>Starts a command line (and, unless told not to, receives it to the end).</summary>
    Run,
    /// <summary>Receives a command (started earlier by name, or any command id) to the end.</summary>
    Receive,
    /// <summary>Signals a command (terminate, ctrl_c, ctrl_break).</summary>
    Signal,
    /// <summary>Disconnects a named shell.</summary>
    Disconnect,
    /// <summary>Reconnects a named shell (the same client).</summary>
    Reconnect,
    /// <summary>Deletes a named shell.</summary>
    Close,
}

/// <summary>
/// A WinRS cmd shell step: the host's WinRS client (as pywinrm, Ansible or winrs.exe) talks to a computer's cmd
/// shell through the client library's <c>WinRsShell</c>. Without <see cref="Shell"/> a command gets a shell of its
/// own, deleted afterwards (as winrs.exe); a named shell stays open for later steps of the same host.
/// </summary>
public sealed record WinRsStep : Step
{
    public required string Host { get; init; }

    public required WinRsOperation Operation { get; init; }

    /// <summary>The command line (Run): rsp:Command as typed, no rsp:Arguments.</summary>
    public string? CommandLine { get; init; }

    /// <summary>The computer (default: the world's first).</summary>
    public string? Computer { get; init; }

    /// <summary>A named shell of this host, opened by its first step and kept.</summary>
    public string? Shell { get; init; }

    /// <summary>The command a Receive or Signal is about: a name given by an earlier Run (<see cref="Name"/>), else a command id as is.</summary>
    public string? Command { get; init; }

    /// <summary>A Run's command name, for later Receive and Signal steps.</summary>
    public string? Name { get; init; }

    /// <summary>Create options of a shell this step opens.</summary>
    public int? CodePage { get; init; }

    public bool CodePageOmitted { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; } = [];

    public string? Directory { get; init; }

    public bool NoProfile { get; init; }

    /// <summary>WINRS_SKIP_CMD_SHELL on the Command.</summary>
    public bool SkipCmdShell { get; init; }

    /// <summary>Text sent to stdin (in the shell's code page), then End.</summary>
    public string? Stdin { get; init; }

    /// <summary>Run: false starts the command and leaves its output for a later Receive step.</summary>
    public bool Receive { get; init; } = true;

    /// <summary>Run: a signal sent <see cref="SignalAfter"/> into the command (while a Receive waits); Signal: the code.</summary>
    public string? SignalCode { get; init; }

    public TimeSpan SignalAfter { get; init; }

    public WinRsExpectation Expect { get; init; } = new();

    public override string Describe() => Operation switch
    {
        WinRsOperation.Run => $"{Host}> winrs{(Shell is null ? "" : " [" + Shell + "]")} {CommandLine}",
        WinRsOperation.Receive or WinRsOperation.Signal => $"{Host}> winrs {Operation.ToString().ToLowerInvariant()} {Command}{(SignalCode is null || Operation != WinRsOperation.Signal ? "" : " " + SignalCode)}",
        _ => $"{Host}> winrs {Operation.ToString().ToLowerInvariant()} {Shell}",
    };
}

/// <summary>What a WinRS step must produce. Null members are not checked.</summary>
public sealed record WinRsExpectation
{
    /// <summary>All of stdout, decoded in the shell's code page.</summary>
    public string? Stdout { get; init; }

    public string? Stderr { get; init; }

    /// <summary>The stdout bytes on the wire, as hex (spaces ignored): the code page's encoding of the text.</summary>
    public byte[]? StdoutBytes { get; init; }

    public byte[]? StderrBytes { get; init; }

    /// <summary>Pieces stdout or stderr must contain.</summary>
    public IReadOnlyList<string> Contains { get; init; } = [];

    public int? ExitCode { get; init; }

    /// <summary>The WS-Man fault the step ends with: reason name, subcode (InvalidSelectors, w:InvalidSelectors) or WinRM code.</summary>
    public string? Fault { get; init; }

    public IReadOnlyList<JournalFact> Journal { get; init; } = [];

    public TimeSpan? MaxElapsed { get; init; }
}
