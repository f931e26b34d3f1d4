using System.Text;
using YamlDotNet.RepresentationModel;

namespace PsrpEmulator.Protocol.Tests.WsMan;

/// <summary>Locates the shared fixture folder (outside the repository) and loads recorded traffic from it.</summary>
internal static class SharedFixtures
{
    private static readonly Lazy<string?> Root = new(FindRoot);

    /// <summary>The <c>shared/fixtures</c> directory, or null when it is not on this machine.</summary>
    public static string? FixturesDirectory => Root.Value;

    /// <summary>Returns the fixtures directory or ignores the calling test.</summary>
    public static string RequireFixtures()
    {
        var dir = FixturesDirectory;
        if (dir is null) Assert.Ignore("The shared fixtures folder (shared/fixtures) was not found above " + AppContext.BaseDirectory);
        return dir!;
    }

    private static string? FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "fixtures");
            if (Directory.Exists(candidate)) return candidate;
            var sibling = Path.Combine(dir.FullName, "..", "shared", "fixtures");
            if (Directory.Exists(sibling)) return Path.GetFullPath(sibling);
        }

        return null;
    }

    public sealed record RecordedMessage(string File, int Index, string Request, string? Response, bool TransportError);

    /// <summary>All {request, response} pairs of a pypsrp real-traffic YAML file.</summary>
    public static IReadOnlyList<RecordedMessage> LoadTraffic(string path)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(path, Encoding.UTF8))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var messages = (YamlSequenceNode)root.Children[new YamlScalarNode("messages")];
        var result = new List<RecordedMessage>();
        var index = 0;
        foreach (var node in messages)
        {
            var map = (YamlMappingNode)node;
            string? Scalar(string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? ((YamlScalarNode)v).Value : null;
            var transportError = map.Children.ContainsKey(new YamlScalarNode("transport_error"));
            result.Add(new RecordedMessage(Path.GetFileName(path), index++, Scalar("request")!, Scalar("response"), transportError));
        }

        return result;
    }

    /// <summary>The SOAP body of a raw HTTP request (everything after the first blank line).</summary>
    public static byte[] HttpBody(byte[] raw)
    {
        var split = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        if (split < 0) throw new InvalidDataException("No blank line in the raw HTTP request.");
        return raw.AsSpan(split + 4).ToArray();
    }
}
