using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Protocol.Psrp;

/// <summary>
/// What a client's HostInfo (MS-PSRP 2.2.3.14, in INIT_RUNSPACEPOOL and CREATE_PIPELINE) tells of its host: whether a
/// pipeline uses the runspace pool's host, and the RawUI values the client sent ahead in <c>_hostDefaultData</c>, which
/// the server's host answers from without a host call (ServerRemoteHostRawUserInterface).
/// </summary>
public static class HostInfoData
{
    /// <summary>HostDefaultDataId.ForegroundColor and BackgroundColor: the keys of the colours in the default data.</summary>
    public const int ForegroundColorKey = 0, BackgroundColorKey = 1;

    /// <summary>HostDefaultDataId.BufferSize: the key of the console buffer's size in the default data.</summary>
    public const int BufferSizeKey = 5;

    /// <summary>
    /// A HostInfo for a host with a UI and RawUI whose default data carries these console colours (the shape pwsh's
    /// console host sends; pwsh on Linux sends -1 for both), and the console buffer's size when given.
    /// </summary>
    public static PsObject WithConsoleColors(int foreground, int background, int? bufferWidth = null, int bufferHeight = 9001) => ForHost(new HostRawUI
    {
        ForegroundColor = foreground,
        BackgroundColor = background,
        BufferSize = bufferWidth is { } width ? (width, bufferHeight) : null,
    });

    /// <summary>
    /// The HostInfo PowerShell sends for a host with a UI and RawUI: its default data holds the RawUI values it could
    /// read (a value whose read threw is left out, as PowerShell's HostDefaultData.Create does), keyed by
    /// HostDefaultDataId, in the order pwsh 7.6 writes them (WindowTitle down to ForegroundColor).
    /// </summary>
    public static PsObject ForHost(HostRawUI raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        static PsObject Typed(string type, PsValue value) => new PsObject().With("T", type).With("V", value);
        static PsObject Coordinates((int X, int Y) c) => Typed("System.Management.Automation.Host.Coordinates", new PsObject().With("x", c.X).With("y", c.Y));
        static PsObject Size((int Width, int Height) s) => Typed("System.Management.Automation.Host.Size", new PsObject().With("width", s.Width).With("height", s.Height));
        var entries = new List<KeyValuePair<PsValue, PsValue>>(10);
        void Add(int key, PsObject? value)
        {
            if (value is not null) entries.Add(new(PsPrimitive.Int32(key), value));
        }

        Add(9, raw.WindowTitle is { } title ? Typed("System.String", PsPrimitive.String(title)) : null);
        Add(8, raw.MaxPhysicalWindowSize is { } maxPhysical ? Size(maxPhysical) : null);
        Add(7, raw.MaxWindowSize is { } maxWindow ? Size(maxWindow) : null);
        Add(6, raw.WindowSize is { } window ? Size(window) : null);
        Add(BufferSizeKey, raw.BufferSize is { } buffer ? Size(buffer) : null);
        Add(4, raw.CursorSize is { } cursorSize ? Typed("System.Int32", PsPrimitive.Int32(cursorSize)) : null);
        Add(3, raw.WindowPosition is { } windowPosition ? Coordinates(windowPosition) : null);
        Add(2, raw.CursorPosition is { } cursor ? Coordinates(cursor) : null);
        Add(BackgroundColorKey, raw.BackgroundColor is { } background ? Typed("System.ConsoleColor", PsPrimitive.Int32(background)) : null);
        Add(ForegroundColorKey, raw.ForegroundColor is { } foreground ? Typed("System.ConsoleColor", PsPrimitive.Int32(foreground)) : null);
        return new PsObject()
            .With("_isHostUINull", false)
            .With("_isHostRawUINull", false)
            .With("_isHostNull", false)
            .With("_hostDefaultData", new PsObject().With("data", PsObjects.Dictionary(entries)))
            .With("_useRunspaceHost", false);
    }

    /// <summary>True when the pipeline's HostInfo says to use the runspace pool's host (<c>_useRunspaceHost</c>).</summary>
    public static bool UsesRunspaceHost(PsValue? hostInfo) => hostInfo is PsObject o && o["_useRunspaceHost"] is PsPrimitive { Value: true };

    /// <summary>
    /// The host's console colours as its RawUI reports them: null each when there is no host, UI or RawUI (asking
    /// throws a HostException on the server), or the default data does not carry it. The values are as sent: pwsh on
    /// Linux sends -1 (no colour) for both.
    /// </summary>
    public static (int? Foreground, int? Background) ConsoleColors(PsValue? hostInfo)
    {
        if (DefaultData(hostInfo) is not { } data) return (null, null);

        int? foreground = null, background = null;
        foreach (var (key, value) in data.Entries)
        {
            if (key is not PsPrimitive { Value: int id } || value is not PsObject entry || entry["V"] is not PsPrimitive { Value: int color }) continue;
            if (id == ForegroundColorKey) foreground = color;
            else if (id == BackgroundColorKey) background = color;
        }

        return (foreground, background);
    }

    /// <summary>
    /// The width of the host's console buffer (HostDefaultDataId.BufferSize, a Host.Size): null when there is no host,
    /// UI or RawUI, or the default data does not carry it. pwsh on Linux sends its terminal's size (80 by 24 without one).
    /// </summary>
    public static int? BufferWidth(PsValue? hostInfo)
    {
        if (DefaultData(hostInfo) is not { } data) return null;
        foreach (var (key, value) in data.Entries)
        {
            if (key is PsPrimitive { Value: BufferSizeKey } && value is PsObject entry && entry["V"] is PsObject size && size["width"] is PsPrimitive { Value: int width })
            {
                return width;
            }
        }

        return null;
    }

    /// <summary>
    /// Every RawUI value the host's default data carries (HostDefaultDataId 0-9); null when there is no host, UI or
    /// RawUI, or no default data. A value of the wrong shape is left out, as one the client could not read.
    /// </summary>
    public static HostRawUI? RawUI(PsValue? hostInfo)
    {
        if (DefaultData(hostInfo) is not { } data) return null;
        var raw = new HostRawUI();
        foreach (var (key, value) in data.Entries)
        {
            if (key is not PsPrimitive { Value: int id } || value is not PsObject entry || entry["V"] is not { } v) continue;
            raw = id switch
            {
                ForegroundColorKey when v is PsPrimitive { Value: int color } => raw with { ForegroundColor = color },
                BackgroundColorKey when v is PsPrimitive { Value: int color } => raw with { BackgroundColor = color },
                2 when Pair(v, "x", "y") is { } cursor => raw with { CursorPosition = cursor },
                3 when Pair(v, "x", "y") is { } window => raw with { WindowPosition = window },
                4 when v is PsPrimitive { Value: int size } => raw with { CursorSize = size },
                BufferSizeKey when Pair(v, "width", "height") is { } buffer => raw with { BufferSize = buffer },
                6 when Pair(v, "width", "height") is { } window => raw with { WindowSize = window },
                7 when Pair(v, "width", "height") is { } max => raw with { MaxWindowSize = max },
                8 when Pair(v, "width", "height") is { } physical => raw with { MaxPhysicalWindowSize = physical },
                9 when v is PsPrimitive { Value: string title } => raw with { WindowTitle = title },
                _ => raw,
            };
        }

        return raw;

        static (int, int)? Pair(PsValue value, string first, string second) =>
            value is PsObject o && o[first] is PsPrimitive { Value: int a } && o[second] is PsPrimitive { Value: int b } ? (a, b) : null;
    }

    /// <summary>
    /// True when the HostInfo describes a host with a UI (<c>_isHostNull</c> and <c>_isHostUINull</c> false): a server
    /// sends such a client host calls; without one (or without a HostInfo) its prompts fail on the server.
    /// </summary>
    public static bool HasUI(PsValue? hostInfo) =>
        hostInfo is PsObject o && o["_isHostNull"] is PsPrimitive { Value: false } && o["_isHostUINull"] is PsPrimitive { Value: false };

    // The default data's dictionary of a host with a UI and RawUI (asking a RawUI the server has not throws there).
    private static PsObject? DefaultData(PsValue? hostInfo) =>
        hostInfo is not PsObject o ||
        o["_isHostNull"] is PsPrimitive { Value: true } ||
        o["_isHostUINull"] is PsPrimitive { Value: true } ||
        o["_isHostRawUINull"] is PsPrimitive { Value: true } ||
        o["_hostDefaultData"] is not PsObject defaults ||
        defaults["data"] is not PsObject { CollectionKind: PsCollectionKind.Dictionary } data
            ? null
            : data;
}

/// <summary>The values of a host's RawUI that PowerShell sends in its HostInfo; null where the host could not tell.</summary>
public sealed record HostRawUI
{
    public int? ForegroundColor { get; init; }
    public int? BackgroundColor { get; init; }
    public (int X, int Y)? CursorPosition { get; init; }
    public (int X, int Y)? WindowPosition { get; init; }
    public int? CursorSize { get; init; }
    public (int Width, int Height)? BufferSize { get; init; }
    public (int Width, int Height)? WindowSize { get; init; }
    public (int Width, int Height)? MaxWindowSize { get; init; }
    public (int Width, int Height)? MaxPhysicalWindowSize { get; init; }
    public string? WindowTitle { get; init; }
}
