using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>A file or directory a scenario puts on the computers' disks before any session starts.</summary>
internal sealed record FileSeed(string FullPath, byte[]? Content, string? Computer);

/// <summary>
/// Reads the <c>files:</c> section of a scenario: items with <c>path:</c> (an absolute C: path) and <c>content:</c>
/// (text, written as UTF-8 without a byte order mark, as Windows PowerShell's <c>Set-Content -Encoding UTF8</c> would
/// not: its BOM is left out so the bytes are exactly the text), <c>base64:</c> (bytes), or neither (a directory);
/// <c>computer:</c> puts it on that computer only. Complaints name the file, line and column.
/// </summary>
internal static class FileSeedParser
{
    private static readonly string[] Keys = ["path", "content", "base64", "computer"];

    public static List<FileSeed> Parse(string yaml, string source)
    {
        if (YamlText.Section(yaml, "files") is not { } value) return [];
        if (value is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" }) return [];
        if (value is not YamlSequenceNode items) throw Error(source, value, "'files:' is a list of items with 'path:' and 'content:' or 'base64:'");
        return [.. items.Children.Select(item => Read(source, item))];
    }

    private static FileSeed Read(string source, YamlNode node)
    {
        if (node is not YamlMappingNode map) throw Error(source, node, "a file is a mapping with 'path:' and 'content:' or 'base64:' (neither: a directory)");
        string? path = null, content = null, base64 = null, computer = null;
        YamlNode pathNode = map;
        foreach (var (key, value) in map.Children)
        {
            var name = key is YamlScalarNode k ? k.Value : null;
            if (name is null || !Keys.Contains(name)) throw Error(source, key, $"unknown file key '{name}'; expected one of: {string.Join(", ", Keys)}");
            if (value is not YamlScalarNode scalar) throw Error(source, value, $"'{name}' takes a single value");
            switch (name)
            {
                case "path": path = scalar.Value; pathNode = value; break;
                case "content": content = scalar.Value ?? string.Empty; break;
                case "base64": base64 = scalar.Value ?? string.Empty; break;
                default: computer = scalar.Value; break;
            }
        }

        if (path is null) throw Error(source, map, "a file needs 'path:' (an absolute path on C:, such as 'C:\\data\\app.config')");
        if (content is not null && base64 is not null) throw Error(source, map, "a file has 'content:' or 'base64:', not both");
        if (path.Length < 3 || path[1] != ':' || path[2] is not ('\\' or '/') ||
            VirtualFileSystem.FullPath(path, @"C:\", out var failure) is not { Length: > 3 } full)
        {
            throw Error(source, pathNode, $"'{path}' is not an absolute path on drive C: (the only drive the computers have)");
        }

        byte[]? bytes = content is not null ? Encoding.UTF8.GetBytes(content) : null;
        if (base64 is not null)
        {
            try
            {
                bytes = Convert.FromBase64String(base64);
            }
            catch (FormatException)
            {
                throw Error(source, map, "'base64:' is not valid base64");
            }
        }

        _ = failure;
        return new FileSeed(full, bytes, computer);
    }

    private static BehaviourLoadException Error(string source, YamlNode node, string message) => YamlText.LoadError(source, node, message);
}
