using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Xml;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// <c>[xml]</c> documents as PowerShell's XmlNodeAdapter shows them to a script: a node's attributes and child elements
/// are its properties (an element of text alone, or empty, reads as its text; several of one name as an array), beside
/// XmlNode's own (OuterXml, InnerText, Name, ...), and the usual methods (SelectNodes, SelectSingleNode, GetAttribute,
/// SetAttribute, CreateElement, AppendChild, ...). Each value a script holds is a PsObject bound to the live node, so a
/// change made through one is seen through all and by Save. Parsing prohibits DTDs, resolves nothing and caps the
/// document's size.
/// </summary>
internal static class XmlNodes
{
    public const string DocumentTypeName = "System.Xml.XmlDocument";

    // The most characters a document a script parses may have (a config file is a few KB).
    private const long MaxCharacters = 8 * 1024 * 1024;

    // The deepest nesting a parsed document may have.
    private const int MaxDepth = 256;

    private static readonly ConditionalWeakTable<PsObject, XmlNode> Bound = [];

    private static readonly string[] NodeListTypeNames = ["System.Xml.XPathNodeList", "System.Xml.XmlNodeList", "System.Object"];

    /// <summary>The node a value is bound to; false for any other value.</summary>
    public static bool TryGet(PsValue? value, [NotNullWhen(true)] out XmlNode? node)
    {
        node = null;
        return value is PsObject { TypeNames: [var first, ..] } o && first.StartsWith("System.Xml.", StringComparison.Ordinal) && Bound.TryGetValue(o, out node);
    }

    /// <summary>
    /// <c>[xml]text</c>: the document, as PowerShell's conversion reads it (white space between elements ignored); text
    /// that is not XML is the cast's error with .NET's reason. A collection of lines (Get-Content) is read as one text.
    /// </summary>
    public static PsValue Parse(PsValue? value)
    {
        if (TryGet(value, out var existing) && existing is XmlDocument) return value!;
        if (ScriptExpressions.IsNull(value)) return PsNil.Instance;
        var text = ScriptExpressions.IsCollection(value) ? string.Join("\n", ScriptExpressions.Enumerate(value).Select(PipelineVariables.Display)) : PipelineVariables.Display(value!);
        var document = new XmlDocument { XmlResolver = null };
        try
        {
            LoadInto(document, text);
        }
        catch (XmlException e)
        {
            throw new ScriptExpressionException(new ScriptedError(
                $"Cannot convert value \"{Shorten(text)}\" to type \"{DocumentTypeName}\". Error: \"{e.Message}\"", "InvalidCastToXmlDocument",
                Protocol.Psrp.ErrorCategory.InvalidArgument, ScriptedError.RuntimeExceptionType));
        }

        return Wrap(document);
    }

    /// <summary><c>New-Object System.Xml.XmlDocument</c>, <c>[xml]::new()</c>: an empty document.</summary>
    public static PsValue NewDocument() => Wrap(new XmlDocument { XmlResolver = null });

    /// <summary>
    /// <c>$doc.LoadXml(text)</c> and <c>$doc.Load(path)</c>: the document's content replaced in place (every variable
    /// holding it sees it); text that is not XML is the method's error with .NET's reason.
    /// </summary>
    public static PsValue Load(PsObject wrapper, XmlDocument document, string text, string method)
    {
        try
        {
            LoadInto(document, text);
        }
        catch (XmlException e)
        {
            throw new ScriptExpressionException(ScriptedError.MethodInvocation(method, 1, e.Message, typeof(XmlException)));
        }

        wrapper.ExtendedProperties.Clear();
        foreach (var (name, value) in AdaptedProperties(document)) wrapper.ExtendedProperties.Add(new PsProperty(name, value));
        return PsNil.Instance;
    }

    // The text parsed into the document (its content replaced), DTDs prohibited, nothing resolved, size and depth bounded.
    private static void LoadInto(XmlDocument document, string text)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreWhitespace = true,
            MaxCharactersInDocument = MaxCharacters,
            MaxCharactersFromEntities = 1024,
        };
        // A first pass bounds the nesting: XmlNode's writers (OuterXml, Save) recurse once per level.
        using (var scan = XmlReader.Create(new StringReader(text), settings))
        {
            while (scan.Read())
            {
                if (scan.Depth > MaxDepth) throw new ScriptExpressionException(ScriptedError.ScenarioFault($"[xml]: the document nests deeper than {MaxDepth} levels, more than the emulator reads"));
            }
        }

        using var reader = XmlReader.Create(new StringReader(text), settings);
        document.Load(reader);
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    /// <summary>A node as a script holds it: a PsObject of its type, bound to it, with its adapted properties for display.</summary>
    public static PsValue Wrap(XmlNode? node)
    {
        if (node is null) return PsNil.Instance;
        var typeName = "System.Xml." + node.GetType().Name;
        string[] typeNames = node switch
        {
            XmlDocument => [typeName, "System.Xml.XmlNode", "System.Object"],
            XmlAttribute => [typeName, "System.Xml.XmlNode", "System.Object"],
            _ => [typeName, "System.Xml.XmlLinkedNode", "System.Xml.XmlNode", "System.Object"],
        };
        // XmlNode's ToString is its type's name, as "$element" shows in PowerShell.
        var wrapped = new PsObject(typeNames) { ToStringValue = typeName };
        foreach (var (name, value) in AdaptedProperties(node)) wrapped.ExtendedProperties.Add(new PsProperty(name, value));
        Bound.AddOrUpdate(wrapped, node);
        return wrapped;
    }

    // The adapter's properties for display: attributes, then child nodes by name (an element of its own shown by its
    // name, as PowerShell's formatter shows one in a cell).
    private static IEnumerable<(string Name, PsValue Value)> AdaptedProperties(XmlNode node)
    {
        if (node is XmlAttribute attribute)
        {
            yield return ("#text", PsPrimitive.String(attribute.Value));
            yield break;
        }

        foreach (var name in PropertyNames(node))
        {
            // Without wrapping the children: a wrap makes its own properties, and the whole tree would be walked.
            var values = Named(node, name).Select(n => IsText(n) ? PsPrimitive.String(TextOf(n)) : PsPrimitive.String(n.Name)).Cast<PsValue>().ToList();
            yield return (name, values.Count == 1 ? values[0] : PsObjects.List(values, ListValueTemplate.ArrayTypeNames));
        }
    }

    private static IEnumerable<string> PropertyNames(XmlNode node)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (node.Attributes is { } attributes)
        {
            foreach (XmlAttribute a in attributes)
            {
                if (seen.Add(a.LocalName)) yield return a.LocalName;
            }
        }

        foreach (XmlNode child in node.ChildNodes)
        {
            var name = child is XmlElement ? child.LocalName : child.Name;
            if (seen.Add(name)) yield return name;
        }
    }

    // The attributes and child nodes of that name (PowerShell matches local names, case aside).
    private static List<XmlNode> Named(XmlNode node, string name)
    {
        var found = new List<XmlNode>();
        if (node.Attributes is { } attributes)
        {
            foreach (XmlAttribute a in attributes)
            {
                if (a.LocalName.Equals(name, StringComparison.OrdinalIgnoreCase)) found.Add(a);
            }
        }

        foreach (XmlNode child in node.ChildNodes)
        {
            if ((child is XmlElement ? child.LocalName : child.Name).Equals(name, StringComparison.OrdinalIgnoreCase)) found.Add(child);
        }

        return found;
    }

    // A node read through a property, as XmlNodeAdapter's GetNodeObject reads one: a text node's text; a node with
    // attributes the node; one without children (an empty element, the declaration, a comment), or with one text node
    // alone (an attribute's value, an element of text), its text; any other the node.
    private static PsValue ReadValue(XmlNode node) => IsText(node) ? PsPrimitive.String(TextOf(node)) : Wrap(node);

    private static bool IsText(XmlNode node) =>
        node is XmlText or XmlAttribute ||
        node.Attributes is not { Count: > 0 } && (!node.HasChildNodes || (node.ChildNodes.Count == 1 && node.FirstChild!.NodeType == XmlNodeType.Text));

    private static string TextOf(XmlNode node) => node is XmlAttribute attribute ? attribute.Value : node.InnerText;

    /// <summary>A property of a node: the adapter's (attributes, child nodes), else XmlNode's own; $null for neither.</summary>
    public static PsValue Member(XmlNode node, string name)
    {
        var named = Named(node, name);
        if (named.Count > 0) return named.Count == 1 ? ReadValue(named[0]) : PsObjects.List([.. named.Select(ReadValue)], ListValueTemplate.ArrayTypeNames);
        return name.ToUpperInvariant() switch
        {
            "OUTERXML" => PsPrimitive.String(node.OuterXml),
            "INNERXML" => PsPrimitive.String(node.InnerXml),
            "INNERTEXT" => PsPrimitive.String(node.InnerText),
            "NAME" => PsPrimitive.String(node.Name),
            "LOCALNAME" => PsPrimitive.String(node.LocalName),
            "NAMESPACEURI" => PsPrimitive.String(node.NamespaceURI),
            "PREFIX" => PsPrimitive.String(node.Prefix),
            "VALUE" => node.Value is { } v ? PsPrimitive.String(v) : PsNil.Instance,
            "NODETYPE" => PsObjects.Enum("System.Xml.XmlNodeType", node.NodeType.ToString(), (int)node.NodeType),
            "HASCHILDNODES" => PsPrimitive.Boolean(node.HasChildNodes),
            "HASATTRIBUTES" => PsPrimitive.Boolean(node is XmlElement { HasAttributes: true }),
            "ISEMPTY" when node is XmlElement element => PsPrimitive.Boolean(element.IsEmpty),
            "PARENTNODE" => Wrap(node.ParentNode),
            "FIRSTCHILD" => Wrap(node.FirstChild),
            "LASTCHILD" => Wrap(node.LastChild),
            "NEXTSIBLING" => Wrap(node.NextSibling),
            "PREVIOUSSIBLING" => Wrap(node.PreviousSibling),
            "OWNERDOCUMENT" => Wrap(node.OwnerDocument),
            "DOCUMENTELEMENT" when node is XmlDocument document => Wrap(document.DocumentElement),
            "CHILDNODES" => NodeList(node.ChildNodes.Cast<XmlNode>()),
            "ATTRIBUTES" => node.Attributes is { } attributes ? PsObjects.List([.. attributes.Cast<XmlNode>().Select(Wrap)], ["System.Xml.XmlAttributeCollection", "System.Xml.XmlNamedNodeMap", "System.Object"]) : PsNil.Instance,
            _ => PsNil.Instance,
        };
    }

    private static PsObject NodeList(IEnumerable<XmlNode> nodes) => PsObjects.List([.. nodes.Select(Wrap)], NodeListTypeNames);

    /// <summary>
    /// <c>$node.name = 'text'</c>: an attribute's value or the text of an element of text alone, as the adapter sets one;
    /// a name the node has not is PowerShell's "Exception setting" error.
    /// </summary>
    public static void SetMember(XmlNode node, string name, PsValue value)
    {
        var named = Named(node, name);
        // XmlNode's own settable properties, where no attribute or child of the name hides them ($n = $x.CreateElement('n'); $n.InnerText = 'v').
        if (named.Count == 0 && name.ToUpperInvariant() is "INNERTEXT" or "INNERXML" or "VALUE")
        {
            try
            {
                var settable = PipelineVariables.Display(value);
                switch (name.ToUpperInvariant())
                {
                    case "INNERTEXT": node.InnerText = settable; break;
                    case "INNERXML": node.InnerXml = settable; break;
                    default: node.Value = settable; break;
                }

                return;
            }
            catch (Exception e) when (e is XmlException or InvalidOperationException or ArgumentException)
            {
                throw new ScriptExpressionException(new ScriptedError($"Exception setting \"{name}\": \"{e.Message}\"", "ExceptionWhenSetting",
                    Protocol.Psrp.ErrorCategory.NotSpecified, "System.Management.Automation.SetValueInvocationException"));
            }
        }

        if (named.Count == 0)
        {
            throw new ScriptExpressionException(new ScriptedError(
                $"Exception setting \"{name}\": \"The property '{name}' cannot be found on this object. Verify that the property exists and can be set.\"",
                "ExceptionWhenSetting", Protocol.Psrp.ErrorCategory.NotSpecified, "System.Management.Automation.SetValueInvocationException"));
        }

        // Any value is set as its text ($node.port = 8080 sets "8080"), as PowerShell 7.6 sets it.
        var text = PipelineVariables.Display(value);
        if (named.Count > 1 || named[0] is XmlElement { HasAttributes: true } or XmlElement { ChildNodes.Count: > 1 } || named[0] is XmlElement { FirstChild: XmlElement })
        {
            throw new ScriptExpressionException(new ScriptedError(
                $"Cannot set \"{name}\" because only nodes of text alone can be set (UNVERIFIED wording).", "XmlNodeSetRestrictionsUnknownNodeType",
                Protocol.Psrp.ErrorCategory.NotSpecified, "System.Management.Automation.SetValueException"));
        }

        if (named[0] is XmlElement element) element.InnerText = text;
        else named[0].Value = text;
    }

    /// <summary>XmlNode's and XmlDocument's methods a script uses; null for another (the caller's error).</summary>
    public static PsValue? Method(XmlNode node, string name, IReadOnlyList<PsValue> arguments)
    {
        string Arg(int i) => PipelineVariables.Display(arguments[i]);
        XmlNode NodeArg(int i) => TryGet(arguments[i], out var n) ? n : throw new ScriptExpressionException(ScriptedError.MethodInvocation(name, arguments.Count,
            "Object of type 'System.String' cannot be converted to type 'System.Xml.XmlNode'.", typeof(ArgumentException)));
        try
        {
            return (name.ToUpperInvariant(), arguments.Count) switch
            {
                ("SELECTSINGLENODE", 1) => Wrap(node.SelectSingleNode(Arg(0))),
                ("SELECTNODES", 1) => NodeList(node.SelectNodes(Arg(0))!.Cast<XmlNode>()),
                ("GETELEMENTSBYTAGNAME", 1) when node is XmlDocument or XmlElement => NodeList((node is XmlDocument d ? d.GetElementsByTagName(Arg(0)) : ((XmlElement)node).GetElementsByTagName(Arg(0))).Cast<XmlNode>()),
                ("GETATTRIBUTE", 1) when node is XmlElement element => PsPrimitive.String(element.GetAttribute(Arg(0))),
                ("HASATTRIBUTE", 1) when node is XmlElement element => PsPrimitive.Boolean(element.HasAttribute(Arg(0))),
                ("SETATTRIBUTE", 2) when node is XmlElement element => Void(() => element.SetAttribute(Arg(0), Arg(1))),
                ("REMOVEATTRIBUTE", 1) when node is XmlElement element => Void(() => element.RemoveAttribute(Arg(0))),
                ("REMOVEALL", 0) => Void(node.RemoveAll),
                ("CREATEELEMENT", 1) when node is XmlDocument document => Wrap(document.CreateElement(Arg(0))),
                ("CREATEATTRIBUTE", 1) when node is XmlDocument document => Wrap(document.CreateAttribute(Arg(0))),
                ("CREATETEXTNODE", 1) when node is XmlDocument document => Wrap(document.CreateTextNode(Arg(0))),
                ("CREATECOMMENT", 1) when node is XmlDocument document => Wrap(document.CreateComment(Arg(0))),
                ("IMPORTNODE", 2) when node is XmlDocument document => Wrap(document.ImportNode(NodeArg(0), ScriptExpressions.IsTrue(arguments[1]))),
                ("APPENDCHILD", 1) => Wrap(node.AppendChild(NodeArg(0))),
                ("PREPENDCHILD", 1) => Wrap(node.PrependChild(NodeArg(0))),
                ("REMOVECHILD", 1) => Wrap(node.RemoveChild(NodeArg(0))),
                ("INSERTBEFORE", 2) => Wrap(node.InsertBefore(NodeArg(0), TryGet(arguments[1], out var before) ? before : null)),
                ("INSERTAFTER", 2) => Wrap(node.InsertAfter(NodeArg(0), TryGet(arguments[1], out var after) ? after : null)),
                ("REPLACECHILD", 2) => Wrap(node.ReplaceChild(NodeArg(0), NodeArg(1))),
                ("CLONENODE", 1) => Wrap(node.CloneNode(ScriptExpressions.IsTrue(arguments[0]))),
                ("TOSTRING", 0) => PsPrimitive.String("System.Xml." + node.GetType().Name),
                _ => null,
            };
        }
        catch (Exception e) when (e is XmlException or System.Xml.XPath.XPathException or ArgumentException or InvalidOperationException)
        {
            // .NET's exception, as PowerShell reports a method's: "Exception calling "SelectNodes" with "1" argument(s): ...".
            throw new ScriptExpressionException(ScriptedError.MethodInvocation(name, arguments.Count, e.Message, e.GetType()));
        }

        static PsValue Void(Action action)
        {
            action();
            return PsNil.Instance;
        }
    }

    /// <summary>
    /// A node written to the client, as PowerShell's serializer writes one: a document as its text in an XD element, any
    /// other node with its adapted properties as they are now; null for a value that is no node.
    /// </summary>
    public static PsValue? ForWire(PsValue value) =>
        !TryGet(value, out var node) ? null : node is XmlDocument document ? PsPrimitive.XmlDocument(document.OuterXml) : Wrap(node);

    /// <summary>
    /// XmlDocument.Save(path)'s bytes: indented unless the document keeps white space, in the encoding its declaration
    /// names (UTF-8 with a byte order mark without one), as .NET's XmlDocument writes a file.
    /// </summary>
    public static byte[] SavedBytes(XmlDocument document)
    {
        using var stream = new MemoryStream();
        document.Save(stream);
        return stream.ToArray();
    }
}
