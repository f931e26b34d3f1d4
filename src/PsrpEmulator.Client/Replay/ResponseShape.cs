using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Client.Replay;

/// <summary>One rsp:Stream of a ReceiveResponse: its attributes and the PSRP messages its start fragments begin.</summary>
public sealed record StreamShape(string? Name, string? CommandId, IReadOnlyList<string> Messages)
{
    /// <summary>The End="true" attribute (WinRS: the last chunk of a stream).</summary>
    public bool End { get; init; }

    /// <summary>The decoded content as UTF-8 text (WinRS process output).</summary>
    public string Text { get; init; } = string.Empty;
}

/// <summary>One item of an EnumerateResponse / PullResponse (rsp:Shell or rsp:Command): its id and its fields in order.</summary>
/// <param name="Kind">The item element's local name (Shell, Command).</param>
/// <param name="Id">The text of rsp:ShellId or rsp:CommandId.</param>
/// <param name="Fields">Child elements' local names with their trimmed texts, in document order.</param>
public sealed record EnumerationItem(string Kind, string? Id, IReadOnlyList<KeyValuePair<string, string>> Fields)
{
    public string? Field(string name) => Fields.FirstOrDefault(f => f.Key == name) is { Key: not null } f ? f.Value : null;

    public override string ToString() => $"{Kind} {Id}";
}

/// <summary>
/// What the conformance tests compare of a WS-Man response: HTTP status, fault codes, the body's element paths,
/// ReceiveResponse streams and CommandState, and the PSRP message types (with a few key values) in order.
/// </summary>
public sealed partial class ResponseShape
{
    private static readonly XNamespace Soap = "http://www.w3.org/2003/05/soap-envelope";
    private static readonly XNamespace Addressing = "http://schemas.xmlsoap.org/ws/2004/08/addressing";
    private static readonly XNamespace Rsp = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell";
    private static readonly XNamespace WsManFault = "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault";
    private static readonly XNamespace WsMan = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd";
    private static readonly XNamespace Transfer = "http://schemas.xmlsoap.org/ws/2004/09/transfer";

    public required int HttpStatus { get; init; }
    public string? Action { get; init; }
    public string? RelatesTo { get; init; }

    /// <summary>Distinct element paths below s:Body (local names joined with '/'), in document order.</summary>
    public IReadOnlyList<string> ElementPaths { get; init; } = [];

    /// <summary>Trimmed text of the first element at each leaf path (an element without child elements).</summary>
    public IReadOnlyDictionary<string, string> LeafValues { get; init; } = new Dictionary<string, string>();

    public bool IsFault { get; init; }
    public string? FaultCode { get; init; }
    public string? FaultSubcode { get; init; }
    public string? WsManFaultCode { get; init; }
    public IReadOnlyList<StreamShape> Streams { get; init; } = [];

    /// <summary>PSRP messages of a ConnectResponse's connectResponseXml (pool Connect from a new client).</summary>
    public IReadOnlyList<string> ConnectMessages { get; init; } = [];

    /// <summary>The items of an enumeration response (w:Items or n:Items), in order.</summary>
    public IReadOnlyList<EnumerationItem> Items { get; init; } = [];
    public string? CommandStateCommandId { get; init; }
    public string? CommandState { get; init; }

    /// <summary>ShellId of x:ResourceCreated (CreateResponse).</summary>
    public string? CreatedShellId { get; init; }

    /// <summary>rsp:CommandId of a CommandResponse.</summary>
    public string? CreatedCommandId { get; init; }

    public IReadOnlyList<string> PsrpMessages => [.. ConnectMessages, .. Streams.SelectMany(s => s.Messages)];

    /// <summary>
    /// Each PSRP message that starts and ends in this response: its type and CLIXML, with what differs from run to
    /// run scrubbed (times, GUIDs, process and thread ids). Compared for recordings made against the emulator only.
    /// </summary>
    public IReadOnlyList<string> MessageTexts { get; init; } = [];

    public static ResponseShape Parse(string xml, int httpStatus)
    {
        var doc = SafeXml.Parse(xml);
        var header = doc.Root?.Element(Soap + "Header");
        var body = doc.Root?.Element(Soap + "Body") ?? new XElement(Soap + "Body");
        var fault = body.Element(Soap + "Fault");
        var commandState = body.Element(Rsp + "ReceiveResponse")?.Element(Rsp + "CommandState");
        return new ResponseShape
        {
            HttpStatus = httpStatus,
            Action = header?.Element(Addressing + "Action")?.Value.Trim(),
            RelatesTo = header?.Element(Addressing + "RelatesTo")?.Value.Trim(),
            ElementPaths = [.. body.Elements().SelectMany(e => Paths(e, string.Empty)).Select(p => p.Path).Distinct()],
            LeafValues = body.Elements().SelectMany(e => Paths(e, string.Empty)).Where(p => !p.Element.HasElements)
                .GroupBy(p => p.Path).ToDictionary(g => g.Key, g => g.First().Element.Value.Trim()),
            IsFault = fault is not null,
            FaultCode = fault?.Element(Soap + "Code")?.Element(Soap + "Value")?.Value.Trim(),
            FaultSubcode = fault?.Element(Soap + "Code")?.Element(Soap + "Subcode")?.Element(Soap + "Value")?.Value.Trim(),
            WsManFaultCode = fault?.Descendants(WsManFault + "WSManFault").FirstOrDefault()?.Attribute("Code")?.Value,
            Streams = [.. body.Descendants(Rsp + "Stream").Select(s => new StreamShape(
                s.Attribute("Name")?.Value, s.Attribute("CommandId")?.Value, DecodeMessages(s.Value))
            {
                End = string.Equals(s.Attribute("End")?.Value, "true", StringComparison.OrdinalIgnoreCase),
                Text = Encoding.UTF8.GetString(Convert.FromBase64String(s.Value.Trim())),
            })],
            MessageTexts = DecodeMessageTexts([
                .. body.Element(Rsp + "ConnectResponse")?.Elements().Where(e => e.Name.LocalName == "connectResponseXml").Select(e => e.Value) ?? [],
                .. body.Descendants(Rsp + "Stream").Select(e => e.Value)]),
            ConnectMessages = [.. body.Element(Rsp + "ConnectResponse")?.Elements().Where(e => e.Name.LocalName == "connectResponseXml")
                .SelectMany(e => DecodeMessages(e.Value)) ?? []],
            Items = [.. body.Elements().Elements().Where(e => e.Name.LocalName == "Items").Elements().Select(item => new EnumerationItem(
                item.Name.LocalName,
                item.Elements().FirstOrDefault(e => e.Name.LocalName is "ShellId" or "CommandId")?.Value.Trim(),
                [.. item.Elements().Select(e => KeyValuePair.Create(e.Name.LocalName, e.Value.Trim()))]))],
            CommandStateCommandId = commandState?.Attribute("CommandId")?.Value,
            CommandState = commandState?.Attribute("State")?.Value,
            CreatedShellId = body.Element(Transfer + "ResourceCreated")?.Descendants(WsMan + "Selector")
                .FirstOrDefault(s => (string?)s.Attribute("Name") == "ShellId")?.Value.Trim(),
            CreatedCommandId = body.Element(Rsp + "CommandResponse")?.Element(Rsp + "CommandId")?.Value.Trim(),
        };
    }

    private static IEnumerable<(string Path, XElement Element)> Paths(XElement element, string parent)
    {
        var path = parent.Length == 0 ? element.Name.LocalName : parent + "/" + element.Name.LocalName;
        yield return (path, element);
        foreach (var child in element.Elements())
        {
            foreach (var p in Paths(child, path)) yield return p;
        }
    }

    /// <summary>Summaries of the PSRP messages started in one base64 stream (one per start fragment).</summary>
    public static IReadOnlyList<string> DecodeMessages(string base64)
    {
        var bytes = (ReadOnlyMemory<byte>)Convert.FromBase64String(base64.Trim());
        var result = new List<string>();
        while (bytes.Length > 0)
        {
            if (!FragmentCodec.TryRead(bytes, int.MaxValue, out var fragment, out var consumed, out var error))
            {
                result.Add($"<undecodable fragment: {error}>");
                break;
            }

            bytes = bytes[consumed..];
            if (!fragment.IsStart) continue;
            if (fragment.IsEnd)
            {
                var message = PsrpMessage.Parse(fragment.Blob);
                var summary = Summarize(message.MessageType, message.Data.Span);
                // Windows sends the capability with an empty RPID after a Create, with the pool's after a Connect.
                if (message.MessageType == PsrpMessageType.SessionCapability) summary += message.RunspacePoolId == Guid.Empty ? "(rpid=empty)" : "(rpid=pool)";
                result.Add(summary);
            }
            else
            {
                // The first fragment of a longer message: the type is in the message header it starts with.
                var type = (PsrpMessageType)BinaryPrimitives.ReadUInt32LittleEndian(fragment.Blob.Span[4..8]);
                result.Add(type + "(partial)");
            }
        }

        return result;
    }

    /// <summary>The messages whose fragments all come in <paramref name="elements"/> (base64 each), reassembled and scrubbed.</summary>
    public static IReadOnlyList<string> DecodeMessageTexts(IEnumerable<string> elements)
    {
        var result = new List<string>();
        var started = new Dictionary<ulong, List<byte>>();
        foreach (var element in elements)
        {
            ReadOnlyMemory<byte> bytes;
            try
            {
                bytes = Convert.FromBase64String(element.Trim());
            }
            catch (FormatException)
            {
                continue;
            }

            while (bytes.Length > 0 && FragmentCodec.TryRead(bytes, int.MaxValue, out var fragment, out var consumed, out _))
            {
                bytes = bytes[consumed..];
                if (fragment.IsStart) started[fragment.ObjectId] = [];
                if (!started.TryGetValue(fragment.ObjectId, out var blob)) continue;
                blob.AddRange(fragment.Blob.Span);
                if (!fragment.IsEnd) continue;
                started.Remove(fragment.ObjectId);
                var message = PsrpMessage.Parse(blob.ToArray());
                result.Add($"{message.MessageType}: {Scrub(Encoding.UTF8.GetString(message.Data.Span).TrimStart('\uFEFF'))}");
            }
        }

        return result;
    }

    private static string Scrub(string clixml)
    {
        clixml = TimeRegex().Replace(clixml, "<DT$1>(time)</DT>");
        clixml = GuidRegex().Replace(clixml, "(guid)");
        return RunIdRegex().Replace(clixml, "<$1 N=\"$2\">(id)</$1>");
    }

    [GeneratedRegex("<DT( N=\"[^\"]*\")?>[^<]*</DT>")]
    private static partial Regex TimeRegex();

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex GuidRegex();

    [GeneratedRegex("<(U32|I32|I64) N=\"(ProcessId|NativeThreadId|ManagedThreadId)\">[^<]*</\\1>")]
    private static partial Regex RunIdRegex();

    /// <summary>The message type, plus the value that tells recorded outcomes apart (state, primitive output...).</summary>
    public static string Summarize(PsrpMessageType type, ReadOnlySpan<byte> data)
    {
        var text = Encoding.UTF8.GetString(data).TrimStart('\uFEFF').Trim();
        return type switch
        {
            PsrpMessageType.RunspacePoolState => $"{type}(state={Capture(RunspaceStateRegex(), text)})",
            PsrpMessageType.PipelineState => $"{type}(state={Capture(PipelineStateRegex(), text)})",
            PsrpMessageType.RunspaceAvailability when AvailabilityRegex().Match(text) is { Success: true } m => $"{type}({m.Groups[1].Value} {m.Groups[2].Value})",
            PsrpMessageType.PipelineOutput => $"{type}({Primitive(text)})",
            _ => type.ToString(),
        };
    }

    private static string Capture(Regex regex, string text) => regex.Match(text) is { Success: true } m ? m.Groups[1].Value : "?";

    private static string Primitive(string text)
    {
        if (PrimitiveRegex().Match(text) is not { Success: true } m) return "Obj";
        var value = m.Groups[2].Value;
        return value.Length > 40 ? string.Create(CultureInfo.InvariantCulture, $"{m.Groups[1].Value} of {value.Length} chars") : $"{m.Groups[1].Value} {value}";
    }

    [GeneratedRegex("<I32 N=\"RunspaceState\">(-?\\d+)</I32>")]
    private static partial Regex RunspaceStateRegex();

    [GeneratedRegex("<I32 N=\"PipelineState\">(-?\\d+)</I32>")]
    private static partial Regex PipelineStateRegex();

    [GeneratedRegex("<(\\w+) N=\"SetMinMaxRunspacesResponse\">([^<]*)</")]
    private static partial Regex AvailabilityRegex();

    [GeneratedRegex("^<(\\w+)>([^<]*)</\\1>$", RegexOptions.Singleline)]
    private static partial Regex PrimitiveRegex();
}
