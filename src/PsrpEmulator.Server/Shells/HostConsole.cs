namespace PsrpEmulator.Server.Shells;

/// <summary>
/// What a host's RawUI reports of its console: its two colours and its buffer width, and whether the host has a UI
/// the server may call, in four bytes (thousands of idle shells and their pipelines keep them, so not three nullable
/// ints and a bool). A colour byte holds the colour plus 2, 0 being none, so that the default value is none
/// (ConsoleColor is 0-15; pwsh on Linux sends -1); the width is the low 15 bits (0: none), the UI the top bit.
/// </summary>
internal readonly struct HostConsole((int? Foreground, int? Background) colors, int? bufferWidth, bool hasUI)
{
    private const ushort UIBit = 0x8000, WidthMask = 0x7FFF;

    private readonly sbyte _foreground = Pack(colors.Foreground), _background = Pack(colors.Background);
    private readonly ushort _widthAndUI = (ushort)((bufferWidth is > 0 and <= WidthMask ? bufferWidth.Value : 0) | (hasUI ? UIBit : 0));

    /// <summary>The console as a HostInfo describes it (none without a host, UI or RawUI).</summary>
    public static HostConsole From(Protocol.Clixml.PsValue? hostInfo) =>
        new(Protocol.Psrp.HostInfoData.ConsoleColors(hostInfo), Protocol.Psrp.HostInfoData.BufferWidth(hostInfo), Protocol.Psrp.HostInfoData.HasUI(hostInfo));

    public (int? Foreground, int? Background) Colors => (Unpack(_foreground), Unpack(_background));

    public int? BufferWidth => (_widthAndUI & WidthMask) is var width and not 0 ? width : null;

    /// <summary>The client's host has a UI: prompts go to it as host calls.</summary>
    public bool HasUI => (_widthAndUI & UIBit) != 0;

    private static sbyte Pack(int? color) => color is >= -1 and <= sbyte.MaxValue - 2 ? (sbyte)(color.Value + 2) : (sbyte)0;

    private static int? Unpack(sbyte color) => color == 0 ? null : color - 2;
}
