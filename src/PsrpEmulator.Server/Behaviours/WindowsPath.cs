using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// [System.IO.Path]'s methods as they answer on Windows (backslashes, drive letters, UNC paths), whatever the
/// emulator's own platform: the text only, nothing of a file system.
/// </summary>
internal static class WindowsPath
{
    private static bool IsSeparator(char c) => c is '\\' or '/';

    /// <summary>Where the path's root ends (<c>C:\</c>, <c>\</c>, <c>\\server\share</c>, <c>C:</c>); 0 for a relative path.</summary>
    private static int RootLength(string path)
    {
        if (path.Length >= 2 && char.IsLetter(path[0]) && path[1] == ':') return path.Length > 2 && IsSeparator(path[2]) ? 3 : 2;
        if (path.Length >= 2 && IsSeparator(path[0]) && IsSeparator(path[1]))
        {
            // \\server\share
            var server = path.IndexOfAny(['\\', '/'], 2);
            if (server < 0) return path.Length;
            var share = path.IndexOfAny(['\\', '/'], server + 1);
            return share < 0 ? path.Length : share;
        }

        return path.Length > 0 && IsSeparator(path[0]) ? 1 : 0;
    }

    private static int LastSeparator(string path) => Math.Max(path.LastIndexOfAny(['\\', '/']), path.Length >= 2 && path[1] == ':' ? 1 : -1);

    /// <summary>The method's answer; null for a method (or a number of arguments) the emulator does not answer.</summary>
    public static PsValue? Method(string method, IReadOnlyList<string> arguments) => (method.ToUpperInvariant(), arguments.Count) switch
    {
        ("COMBINE", >= 2) => PsPrimitive.String(arguments.Aggregate(Combine)),
        ("GETFILENAME", 1) => PsPrimitive.String(FileName(arguments[0])),
        ("GETFILENAMEWITHOUTEXTENSION", 1) => PsPrimitive.String(WithoutExtension(FileName(arguments[0]))),
        ("GETEXTENSION", 1) => PsPrimitive.String(Extension(arguments[0])),
        ("GETDIRECTORYNAME", 1) => DirectoryName(arguments[0]) is { } directory ? PsPrimitive.String(directory) : PsNil.Instance,
        ("ISPATHROOTED", 1) => PsPrimitive.Boolean(RootLength(arguments[0]) > 0),
        ("GETPATHROOT", 1) => PsPrimitive.String(arguments[0][..RootLength(arguments[0])]),
        ("CHANGEEXTENSION", 2) => PsPrimitive.String(WithoutExtension(arguments[0]) + (arguments[1].Length == 0 ? string.Empty : arguments[1].StartsWith('.') ? arguments[1] : "." + arguments[1])),
        _ => null,
    };

    private static string Combine(string first, string second)
    {
        if (second.Length == 0) return first;
        if (first.Length == 0 || RootLength(second) > 0) return second;
        return IsSeparator(first[^1]) || first[^1] == ':' ? first + second : first + "\\" + second;
    }

    private static string FileName(string path) => path[(LastSeparator(path) + 1)..];

    private static string Extension(string path)
    {
        var name = FileName(path);
        var dot = name.LastIndexOf('.');
        return dot < 0 || dot == name.Length - 1 ? string.Empty : name[dot..];
    }

    private static string WithoutExtension(string path)
    {
        var start = LastSeparator(path) + 1;
        var dot = path.LastIndexOf('.');
        return dot >= start ? path[..dot] : path;
    }

    // The directory part: null for a root or empty path, as .NET's GetDirectoryName answers on Windows.
    private static string? DirectoryName(string path)
    {
        var root = RootLength(path);
        if (path.Length == 0 || path.Length <= root) return null;
        var last = LastSeparator(path);
        if (last < root) return path[..root];
        var end = last;
        while (end > root && IsSeparator(path[end - 1])) end--;
        return path[..Math.Max(end, root)].Replace('/', '\\');
    }
}
