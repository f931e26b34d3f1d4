namespace PsrpEmulator.Server.Shells;

/// <summary>
/// What a host's RawUI reports of its console: its two colours and its buffer width, in four bytes (thousands of idle
/// shells and their pipelines keep them, so not three nullable ints). A colour byte holds the colour plus 2, 0 being
/// none, so that the default value is none (ConsoleColor is 0-15; pwsh on Linux sends -1); a width of 0 is none.
/// </summary>
internal readonly struct HostConsole((int? Foreground, int? Background) colors, int? bufferWidth)
{
    private readonly sbyte _foreground = Pack(colors.Foreground), _background = Pack(colors.Background);
    private readonly ushort _bufferWidth = bufferWidth is > 0 and <= ushort.MaxValue ? (ushort)bufferWidth.Value : (ushort)0;

    /// <summary>The console as a HostInfo describes it (none without a host, UI or RawUI).</summary>
    public static HostConsole From(Protocol.Clixml.PsValue? hostInfo) =>
        new(Protocol.Psrp.HostInfoData.ConsoleColors(hostInfo), Protocol.Psrp.HostInfoData.BufferWidth(hostInfo));

    public (int? Foreground, int? Background) Colors => (Unpack(_foreground), Unpack(_background));

    public int? BufferWidth => _bufferWidth == 0 ? null : _bufferWidth;

    private static sbyte Pack(int? color) => color is >= -1 and <= sbyte.MaxValue - 2 ? (sbyte)(color.Value + 2) : (sbyte)0;

    private static int? Unpack(sbyte color) => color == 0 ? null : color - 2;
}
