using System.Xml;
using System.Xml.Linq;
using YamlDotNet.RepresentationModel;

namespace PsrpEmulator.EndToEnd.Tests.Conformance;

/// <summary>One recorded request/response pair of a pypsrp fixture (<c>messages:</c> list item).</summary>
/// <param name="Index">0-based position in the fixture (the "request number" of failure messages).</param>
/// <param name="Request">The SOAP envelope pypsrp sent.</param>
/// <param name="Response">The SOAP envelope Windows returned.</param>
/// <param name="TransportErrorCode">The HTTP status of <c>transport_error:</c>, when the response came with one.</param>
public sealed record RecordedMessage(int Index, string Request, string Response, int? TransportErrorCode)
{
    private static readonly XNamespace Soap = "http://www.w3.org/2003/05/soap-envelope";
    private static readonly XNamespace WsMan = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd";
    private static readonly XNamespace Addressing = "http://schemas.xmlsoap.org/ws/2004/08/addressing";

    private XDocument? _requestXml;

    public XDocument RequestXml => _requestXml ??= XDocument.Parse(Request);

    public string Action => HeaderValue(Addressing + "Action") ?? string.Empty;

    /// <summary>The last segment of the action URI (Create, Receive, ...).</summary>
    public string ActionName => Action[(Action.LastIndexOf('/') + 1)..];

    /// <summary>True when the request addresses a WinRS cmd shell: its streams carry process output, not PSRP fragments.</summary>
    public bool IsCmdShell => HeaderValue(WsMan + "ResourceURI") is { } uri && uri.EndsWith("/windows/shell/cmd", StringComparison.OrdinalIgnoreCase);

    public TimeSpan? OperationTimeout => HeaderValue(WsMan + "OperationTimeout") is { Length: > 0 } text ? XmlConvert.ToTimeSpan(text) : null;

    private string? HeaderValue(XName name) => RequestXml.Root?.Element(Soap + "Header")?.Element(name)?.Value.Trim();
}

/// <summary>
/// A recorded exchange in pypsrp's fixture layout: one of pypsrp's recordings from Windows in
/// <c>shared/fixtures/real-traffic</c>, or a third-party client's recording against the emulator in this repository's
/// <c>fixtures/third-party-clients</c>.
/// </summary>
public sealed record RecordedExchange(string Name, IReadOnlyList<RecordedMessage> Messages)
{
    public const string RelativeFolder = "shared/fixtures/real-traffic";

    /// <summary>This repository's recordings of third-party clients (pypsrp, Ruby's WinRM gem) against the emulator.</summary>
    public const string ThirdPartyFolder = "fixtures/third-party-clients";

    /// <summary>
    /// The shared fixture folder, found by walking up from the test binaries (CI: <c>&lt;clone&gt;/</c> with
    /// <c>../shared</c> beside it; locally <c>/work/&lt;worktree&gt;</c> and <c>/work/shared</c>); null when absent.
    /// </summary>
    public static string? FindFolder(string relativeFolder = RelativeFolder)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relativeFolder);
            if (Directory.Exists(candidate)) return candidate;
        }

        return null;
    }

    public static RecordedExchange Load(string folder, string name)
    {
        var path = Path.Combine(folder, name + ".yml");
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var messages = new List<RecordedMessage>();
        foreach (var node in (YamlSequenceNode)root.Children[new YamlScalarNode("messages")])
        {
            var item = (YamlMappingNode)node;
            int? code = null;
            if (item.Children.TryGetValue(new YamlScalarNode("transport_error"), out var error) && error is YamlMappingNode errorMap &&
                errorMap.Children.TryGetValue(new YamlScalarNode("code"), out var codeNode))
            {
                code = int.Parse(((YamlScalarNode)codeNode).Value!, System.Globalization.CultureInfo.InvariantCulture);
            }

            messages.Add(new RecordedMessage(messages.Count, Scalar(item, "request"), Scalar(item, "response"), code));
        }

        return new RecordedExchange(name, messages);
    }

    private static string Scalar(YamlMappingNode map, string key) =>
        ((YamlScalarNode)map.Children[new YamlScalarNode(key)]).Value ?? string.Empty;
}
