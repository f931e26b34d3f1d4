namespace PsrpEmulator.Server.Shells;

/// <summary>
/// A host's two console colours in two bytes (thousands of idle shells and their pipelines keep them, so not two
/// nullable ints). A byte holds the colour plus 2, 0 being none, so that the default value is none (ConsoleColor is
/// 0-15; pwsh on Linux sends -1).
/// </summary>
internal readonly struct ConsoleColors((int? Foreground, int? Background) colors)
{
    private readonly sbyte _foreground = Pack(colors.Foreground), _background = Pack(colors.Background);

    public (int? Foreground, int? Background) Value => (Unpack(_foreground), Unpack(_background));

    private static sbyte Pack(int? color) => color is >= -1 and <= sbyte.MaxValue - 2 ? (sbyte)(color.Value + 2) : (sbyte)0;

    private static int? Unpack(sbyte color) => color == 0 ? null : color - 2;
}
