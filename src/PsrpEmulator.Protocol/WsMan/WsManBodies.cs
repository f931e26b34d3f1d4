namespace PsrpEmulator.Protocol.WsMan;

// One sealed type per SOAP body. The reader chooses the type from the body's first element (and, for empty
// bodies, gives EmptyBody); the writer writes exactly the elements Windows emits, in its order.

public abstract record WsManBody;

/// <summary><c>&lt;s:Body/&gt;</c> (Delete, Get of a shell, Reconnect with no body, DeleteResponse, ...).</summary>
public sealed record EmptyBody : WsManBody
{
    public static readonly EmptyBody Instance = new();
}

/// <summary><c>wsmid:Identify</c>.</summary>
public sealed record IdentifyBody : WsManBody;

/// <summary><c>wsmid:IdentifyResponse</c>.</summary>
public sealed record IdentifyResponseBody(string ProtocolVersion, string ProductVendor, string ProductVersion, IReadOnlyList<string>? SecurityProfiles = null) : WsManBody;

/// <summary>A PSRP stream chunk: <c>rsp:Stream Name CommandId End</c> with base64 content decoded.</summary>
public sealed record ShellStream(string Name, string? CommandId, ReadOnlyMemory<byte> Data, bool End = false)
{
    /// <summary>
    /// Bytes sent before <see cref="Data"/> in the same element (the envelope reader never sets it): a sender's PSRP
    /// fragment header in front of a slice of its message, so that a large message is not copied into fragments.
    /// </summary>
    public ReadOnlyMemory<byte> Header { get; init; }
}

/// <summary>
/// The content of one <c>rsp:Stream</c> element: <see cref="Header"/> (often empty) then <see cref="Data"/>, as
/// <see cref="ShellStream"/> has them; or, made by <see cref="FragmentRun"/>, the contents of several consecutive
/// elements: <see cref="Data"/> is that many whole PSRP fragments back to back, each sent in an element of its own.
/// </summary>
public readonly record struct ShellStreamContent(ReadOnlyMemory<byte> Header, ReadOnlyMemory<byte> Data)
{
    public int Length => Header.Length + Data.Length;

    /// <summary>0: one element. Otherwise <see cref="Data"/> holds this many whole fragments, one element each.</summary>
    public int Fragments { get; private init; }

    /// <summary>The rsp:Stream elements this content stands for.</summary>
    public int ElementCount => Fragments > 0 ? Fragments : 1;

    /// <summary>
    /// <paramref name="count"/> whole PSRP fragments written back to back in <paramref name="fragments"/> (each split
    /// off by the blob length in its header), sent one per element: a sender's buffer of small messages hands a run of
    /// them out as one slice, not a content per message (a response of small objects has thousands).
    /// </summary>
    public static ShellStreamContent FragmentRun(ReadOnlyMemory<byte> fragments, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return new ShellStreamContent(default, fragments) { Fragments = count };
    }
}

/// <summary>
/// The rsp:Stream elements of a response that all have one <see cref="Name"/> and <see cref="CommandId"/> (and no
/// End), held as their contents: a ReceiveResponse of small objects has thousands of elements, and a
/// <see cref="ShellStream"/> is made only for an element asked for by index or enumeration (the envelope writer
/// writes the contents directly).
/// </summary>
public sealed class ShellStreamBatch : IReadOnlyList<ShellStream>
{
    private readonly ShellStreamContent[] _contents;
    private readonly int _count;
    private readonly int _elements;

    /// <summary>The first <paramref name="count"/> of <paramref name="contents"/> (kept, not copied).</summary>
    public ShellStreamBatch(string name, string? commandId, ShellStreamContent[] contents, int count)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(contents);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, contents.Length);
        Name = name;
        CommandId = commandId;
        _contents = contents;
        _count = count;
        foreach (ref readonly var content in Contents) _elements += content.ElementCount;
    }

    public string Name { get; }

    public string? CommandId { get; }

    /// <summary>The contents as given: fewer than <see cref="Count"/> when some are fragment runs.</summary>
    public ReadOnlySpan<ShellStreamContent> Contents => _contents.AsSpan(0, _count);

    /// <summary>The rsp:Stream elements (a fragment run counts its fragments).</summary>
    public int Count => _elements;

    /// <summary>The element at <paramref name="index"/>: found by walking the runs before it, so enumerate rather than index in a loop.</summary>
    public ShellStream this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _elements);
            foreach (ref readonly var content in Contents)
            {
                if (index >= content.ElementCount)
                {
                    index -= content.ElementCount;
                    continue;
                }

                if (content.Fragments == 0) return new ShellStream(Name, CommandId, content.Data) { Header = content.Header };
                var rest = content.Data;
                while (true)
                {
                    var length = RunFragmentLength(rest.Span);
                    if (index-- == 0) return new ShellStream(Name, CommandId, rest[..length]);
                    rest = rest[length..];
                }
            }

            throw new InvalidOperationException("The batch holds fewer elements than it counted.");
        }
    }

    public IEnumerator<ShellStream> GetEnumerator()
    {
        for (var i = 0; i < _count; i++)
        {
            var content = _contents[i];
            if (content.Fragments == 0)
            {
                yield return new ShellStream(Name, CommandId, content.Data) { Header = content.Header };
                continue;
            }

            var rest = content.Data;
            for (var n = 0; n < content.Fragments; n++)
            {
                var length = RunFragmentLength(rest.Span);
                yield return new ShellStream(Name, CommandId, rest[..length]);
                rest = rest[length..];
            }
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The length of the whole fragment a run's <paramref name="rest"/> starts with (a run is the sender's own bytes: a cut one is a bug).</summary>
    internal static int RunFragmentLength(ReadOnlySpan<byte> rest)
    {
        if (rest.Length < Psrp.Fragment.HeaderLength) throw new InvalidOperationException("A fragment run ends inside a fragment header.");
        // A blob length of 2^31 or more wraps below the header's length.
        var length = Psrp.Fragment.EncodedLengthAt(rest);
        if (length < Psrp.Fragment.HeaderLength || length > rest.Length) throw new InvalidOperationException("A fragment run ends inside a fragment.");
        return length;
    }
}

/// <summary>
/// <c>rsp:Shell</c> as sent in a Create request: ShellId and Name are attributes, then InputStreams,
/// OutputStreams, optional IdleTimeOut, optional BufferMode, and <c>creationXml</c> (decoded) in the PowerShell namespace.
/// Options like WINRS_NOPROFILE travel in the header.
/// </summary>
public sealed record ShellCreateBody(string? ShellId, string? Name, string InputStreams, string OutputStreams, TimeSpan? IdleTimeOut, string? BufferMode, ReadOnlyMemory<byte>? CreationXml) : WsManBody
{
    /// <summary>WinRS shells: <c>rsp:Environment/rsp:Variable Name="..."</c>, in document order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; } = Array.Empty<KeyValuePair<string, string>>();

    /// <summary>WinRS shells: <c>rsp:WorkingDirectory</c>.</summary>
    public string? WorkingDirectory { get; init; }
}

/// <summary>The fields of an <c>rsp:Shell</c> element in CreateResponse, GetResponse and enumeration items (protocol-notes 2.2).</summary>
public sealed record ShellInfo
{
    public required string ShellId { get; init; }
    public string? Name { get; init; }
    public string? ResourceUri { get; init; }
    public string? Owner { get; init; }
    public string? ClientIP { get; init; }
    public int? ProcessId { get; init; }
    public TimeSpan? IdleTimeOut { get; init; }
    public string InputStreams { get; init; } = "stdin pr";
    public string OutputStreams { get; init; } = "stdout";
    public TimeSpan? MaxIdleTimeOut { get; init; }
    public string? Locale { get; init; }
    public string? DataLocale { get; init; }
    public string? CompressionMode { get; init; }
    public string? ProfileLoaded { get; init; }
    public string? Encoding { get; init; }
    public string? BufferMode { get; init; }
    public string? State { get; init; }
    /// <summary>Written as <c>P0DT0H0M9S</c>.</summary>
    public TimeSpan? ShellRunTime { get; init; }
    public TimeSpan? ShellInactivity { get; init; }
    /// <summary>e.g. <c>46MB</c>; Get/Enumerate only.</summary>
    public string? MemoryUsed { get; init; }
    public int? ChildProcesses { get; init; }
}

/// <summary>The EPR of <c>x:ResourceCreated</c>.</summary>
public sealed record ResourceCreated(string Address, string ResourceUri, IReadOnlyDictionary<string, string> Selectors);

/// <summary>CreateResponse: ResourceCreated then (protocol ≥2.2 endpoints) the rsp:Shell.</summary>
public sealed record CreateResponseBody(ResourceCreated ResourceCreated, ShellInfo? Shell) : WsManBody;

/// <summary>GetResponse of a shell: one rsp:Shell.</summary>
public sealed record ShellBody(ShellInfo Shell) : WsManBody;

/// <summary>GetResponse of the config resource: <c>cfg:Config</c> with <c>cfg:MaxEnvelopeSizekb</c> (and what else we emit).</summary>
public sealed record ConfigBody(int MaxEnvelopeSizeKb, int MaxTimeoutMs = 60000, int MaxBatchItems = 32000) : WsManBody;

/// <summary><c>rsp:CommandLine CommandId</c> with Command text and Arguments (decoded).</summary>
public sealed record CommandLineBody(string? CommandId, string? Command, ReadOnlyMemory<byte>? Arguments) : WsManBody
{
    /// <summary>
    /// WinRS (non-PowerShell) shells send plain-text arguments, one <c>rsp:Arguments</c> element each. The reader fills
    /// this (and leaves <see cref="Arguments"/> null) when the ResourceURI is set and is not a PowerShell endpoint.
    /// </summary>
    public IReadOnlyList<string>? TextArguments { get; init; }
}

/// <summary><c>rsp:CommandResponse/rsp:CommandId</c>.</summary>
public sealed record CommandResponseBody(string CommandId) : WsManBody;

/// <summary><c>rsp:Send</c> with one or more streams.</summary>
public sealed record SendBody(IReadOnlyList<ShellStream> Streams) : WsManBody;

/// <summary><c>rsp:SendResponse</c> (empty).</summary>
public sealed record SendResponseBody : WsManBody;

/// <summary><c>rsp:Receive/rsp:DesiredStream [CommandId]</c>.</summary>
public sealed record ReceiveBody(string DesiredStream, string? CommandId) : WsManBody;

/// <summary>A command's state in a ReceiveResponse.</summary>
public sealed record CommandState(string CommandId, string State, int? ExitCode);

/// <summary><c>rsp:ReceiveResponse</c>: streams then an optional CommandState.</summary>
public sealed record ReceiveResponseBody(IReadOnlyList<ShellStream> Streams, CommandState? CommandState) : WsManBody;

/// <summary><c>rsp:Signal CommandId</c> with <c>rsp:Code</c>.</summary>
public sealed record SignalBody(string? CommandId, string Code) : WsManBody;

/// <summary><c>rsp:SignalResponse</c> (empty).</summary>
public sealed record SignalResponseBody : WsManBody;

/// <summary><c>rsp:Disconnect</c> with optional IdleTimeOut and BufferMode.</summary>
public sealed record DisconnectBody(TimeSpan? IdleTimeOut, string? BufferMode) : WsManBody;

/// <summary><c>rsp:Reconnect</c>; CommandId accepted as attribute or child element.</summary>
public sealed record ReconnectBody(string? CommandId, string? BufferMode) : WsManBody;

/// <summary><c>rsp:Connect</c>: pool form (BufferMode, connectXml) or command form (CommandId attribute).</summary>
public sealed record ConnectBody(string? CommandId, string? BufferMode, ReadOnlyMemory<byte>? ConnectXml) : WsManBody;

/// <summary><c>rsp:ConnectResponse</c>: pool form has streams and connectResponseXml; command form is empty.</summary>
public sealed record ConnectResponseBody(string? InputStreams, string? OutputStreams, ReadOnlyMemory<byte>? ConnectResponseXml) : WsManBody;

/// <summary>An enumerated <c>rsp:Command</c>.</summary>
public sealed record CommandInfo(string CommandId, string? CommandLine, string? CommandState);

/// <summary><c>wsen:Enumerate</c>: OptimizeEnumeration, MaxElements, and a SelectorFilter's selectors.</summary>
public sealed record EnumerateBody(bool OptimizeEnumeration, int? MaxElements, IReadOnlyDictionary<string, string>? SelectorFilter) : WsManBody
{
    /// <summary>The filter's dialect when it is not a SelectorFilter (WQL: <see cref="WmiResourceUris.WqlDialect"/>); null without one.</summary>
    public string? FilterDialect { get; init; }

    /// <summary>The text of a filter that is not a SelectorFilter (a WQL query); null without one.</summary>
    public string? FilterText { get; init; }
}

/// <summary><c>wsen:Pull</c>.</summary>
public sealed record PullBody(string EnumerationContext, int? MaxElements) : WsManBody;

/// <summary><c>wsen:Release</c>: the client gives up an enumeration context.</summary>
public sealed record ReleaseBody(string EnumerationContext) : WsManBody;

/// <summary>
/// EnumerateResponse / PullResponse (flag <see cref="IsPull"/>): context (empty when complete), items (shells or
/// commands) and EndOfSequence. Enumerate puts items in <c>w:Items</c> / <c>w:EndOfSequence</c>; Pull in
/// <c>n:Items</c> / <c>n:EndOfSequence</c>.
/// </summary>
public sealed record EnumerationResponseBody(bool IsPull, string? EnumerationContext, IReadOnlyList<ShellInfo> Shells, IReadOnlyList<CommandInfo> Commands, bool EndOfSequence) : WsManBody
{
    /// <summary>WMI instances (an enumeration of a WMI class or a WQL query), after the shells and commands.</summary>
    public IReadOnlyList<WmiInstance> Instances { get; init; } = [];
}

/// <summary>A SOAP fault as WinRM writes it (protocol-notes 6.1).</summary>
public sealed record FaultBody(string Code, string Subcode, string Reason, string? FaultDetail, uint? WsManFaultCode, string? Machine, string? Message) : WsManBody
{
    /// <summary>
    /// When a shell plugin raised the fault, <c>f:Message</c> wraps the text in <c>f:ProviderFault provider path</c>
    /// (recorded from the WinRS cmd plugin).
    /// </summary>
    public ProviderFault? Provider { get; init; }
}

/// <summary>
/// The <c>f:ProviderFault</c> attributes: the provider's name and its DLL path. <see cref="Nested"/>: the text sits in
/// a second <c>f:WSManFault</c> (same code and machine) inside it, as WinRM's own shell provider writes it.
/// </summary>
public sealed record ProviderFault(string Provider, string Path, bool Nested = false)
{
    /// <summary>The WinRS cmd shell plugin, as Windows names it.</summary>
    public static readonly ProviderFault CmdShell = new("Shell cmd plugin", @"%systemroot%\system32\winrscmd.dll");

    /// <summary>WinRM's own shell provider (recorded on a WS-Transfer Get of a shell that no longer exists).</summary>
    public static readonly ProviderFault ShellProvider = new("Shell provider", @"%systemroot%\system32\WsmSvc.dll", Nested: true);

    /// <summary>
    /// The PowerShell plugin of the Microsoft.PowerShell endpoint, as WinRM names it in the plugin failures users
    /// quote.
    /// </summary>
    public static readonly ProviderFault PowerShellPlugin = new("microsoft.powershell", @"C:\Windows\system32\pwrshplugin.dll");

    /// <summary>
    /// The PowerShell plugin of an endpoint: WinRM names a plugin after its configuration, the built-in ones in lower
    /// case (microsoft.powershell, microsoft.powershell32...), a registered one as it was registered. The DLL path is
    /// Windows PowerShell's for all (a PowerShell 7 endpoint's plugin lives in its installation: UNVERIFIED here).
    /// </summary>
    public static ProviderFault PowerShellPluginOf(string configurationName) =>
        string.Equals(configurationName, "Microsoft.PowerShell", StringComparison.OrdinalIgnoreCase) ? PowerShellPlugin
        : new(configurationName.StartsWith("Microsoft.", StringComparison.OrdinalIgnoreCase) ? configurationName.ToLowerInvariant() : configurationName, PowerShellPlugin.Path);
}
