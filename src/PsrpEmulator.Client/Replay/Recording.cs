using System.Xml;
using System.Xml.Linq;
using YamlDotNet.RepresentationModel;

namespace PsrpEmulator.Client.Replay;

/// <summary>One recorded request/response pair of a recording (<c>messages:</c> list item).</summary>
/// <param name="Index">0-based position in the fixture (the "request number" of failure messages).</param>
/// <param name="Request">The SOAP envelope the client sent.</param>
/// <param name="Response">The SOAP envelope the server returned.</param>
/// <param name="TransportErrorCode">The HTTP status of <c>transport_error:</c>, when the response came with one.</param>
public sealed record RecordedMessage(int Index, string Request, string Response, int? TransportErrorCode)
{
    private static readonly XNamespace Soap = "http://www.w3.org/2003/05/soap-envelope";
    private static readonly XNamespace WsMan = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd";
    private static readonly XNamespace Addressing = "http://schemas.xmlsoap.org/ws/2004/08/addressing";

    private XDocument? _requestXml;

    public XDocument RequestXml => _requestXml ??= SafeXml.Parse(Request);

    public string Action => HeaderValue(Addressing + "Action") ?? string.Empty;

    /// <summary>The last segment of the action URI (Create, Receive, ...).</summary>
    public string ActionName => Action[(Action.LastIndexOf('/') + 1)..];

    /// <summary>True when the request addresses a WinRS cmd shell: its streams carry process output, not PSRP fragments.</summary>
    public bool IsCmdShell => HeaderValue(WsMan + "ResourceURI") is { } uri && uri.EndsWith("/windows/shell/cmd", StringComparison.OrdinalIgnoreCase);

    public TimeSpan? OperationTimeout => HeaderValue(WsMan + "OperationTimeout") is { Length: > 0 } text ? XmlConvert.ToTimeSpan(text) : null;

    private string? HeaderValue(XName name) => RequestXml.Root?.Element(Soap + "Header")?.Element(name)?.Value.Trim();
}

/// <summary>
/// A recorded exchange in pypsrp's fixture layout (<c>messages:</c>, a list of <c>request:</c> / <c>response:</c>,
/// <c>transport_error:</c>), as pypsrp's recordings from Windows have it and the emulator's <c>--record</c> writes it.
/// </summary>
public sealed record RecordedExchange(string Name, IReadOnlyList<RecordedMessage> Messages)
{
    /// <summary>The recording <c>&lt;folder&gt;/&lt;name&gt;.yml</c>.</summary>
    public static RecordedExchange Load(string folder, string name) => Parse(name, File.ReadAllText(Path.Combine(folder, name + ".yml")));

    /// <summary>
    /// A recording's text. Throws <see cref="InvalidDataException"/> when it is not one (not YAML, no
    /// <c>messages:</c> list, an item without its request or response).
    /// </summary>
    public static RecordedExchange Parse(string name, string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new InvalidDataException($"{name} is not YAML: {e.Message}", e);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root ||
            !root.Children.TryGetValue(new YamlScalarNode("messages"), out var list))
        {
            throw new InvalidDataException($"{name} is not a recording: it has no 'messages:'.");
        }

        var messages = new List<RecordedMessage>();
        // A recording without exchanges has an empty 'messages:'.
        if (list is YamlScalarNode { Value: null or "" or "~" }) return new RecordedExchange(name, messages);
        if (list is not YamlSequenceNode items) throw new InvalidDataException($"{name} is not a recording: 'messages:' is not a list.");
        foreach (var node in items)
        {
            if (node is not YamlMappingNode item || Scalar(item, "request") is not { } request || Scalar(item, "response") is not { } response)
            {
                throw new InvalidDataException($"{name}: message #{messages.Count} has no request and response.");
            }

            int? code = null;
            if (item.Children.TryGetValue(new YamlScalarNode("transport_error"), out var error) && error is YamlMappingNode errorMap &&
                errorMap.Children.TryGetValue(new YamlScalarNode("code"), out var codeNode) && codeNode is YamlScalarNode { Value: { } codeText } &&
                int.TryParse(codeText, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                code = parsed;
            }

            messages.Add(new RecordedMessage(messages.Count, request, response, code));
        }

        return new RecordedExchange(name, messages);
    }

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode scalar ? scalar.Value ?? string.Empty : null;
}
