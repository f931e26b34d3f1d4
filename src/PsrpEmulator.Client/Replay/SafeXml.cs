using System.Xml;
using System.Xml.Linq;

namespace PsrpEmulator.Client.Replay;

/// <summary>
/// The replay reads envelopes from recordings and from any server into a DOM (it compares whole documents, off every
/// hot path): never a DTD, never an external resource, and a bounded size.
/// </summary>
internal static class SafeXml
{
    /// <summary>Larger than any envelope WinRM sends (MaxEnvelopeSize is at most 8 MB) with room for a recording's.</summary>
    private const long MaxCharacters = 64L * 1024 * 1024;

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = MaxCharacters,
        MaxCharactersFromEntities = 1024,
    };

    public static XDocument Parse(string text)
    {
        using var reader = XmlReader.Create(new StringReader(text), Settings);
        return XDocument.Load(reader);
    }
}
