using System.Text;

namespace PsrpEmulator.Protocol.WsMan;

/// <summary>
/// The encodings behind WINRS_CODEPAGE. Windows starts a cmd shell's console with that code page, so console
/// programs (cmd.exe's built-ins, powershell.exe's redirected output) write their text in it and read stdin in it;
/// WinRS carries the bytes as they are. .NET has only UTF-8/UTF-16/ASCII/Latin-1 built in: the Windows code pages
/// (437, 850, 1252...) come from the framework's <see cref="CodePagesEncodingProvider"/>, used here directly so that
/// nothing process-wide is registered.
/// </summary>
public static class WinRsCodePages
{
    public const int Utf8 = 65001;

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>The encoding of a Windows code page number; null when there is no such code page.</summary>
    public static Encoding? TryGet(int codePage)
    {
        if (codePage == Utf8) return Utf8NoBom;
        if (codePage is <= 0 or > ushort.MaxValue) return null;
        if (CodePagesEncodingProvider.Instance.GetEncoding(codePage) is { } provided) return provided;
        try
        {
            return Encoding.GetEncoding(codePage);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            return null;
        }
    }
}
