using System.Globalization;
using System.Text;
using System.Text.Json;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours.Formatting;

/// <summary>
/// Windows PowerShell 5.1's ConvertTo-Json and ConvertFrom-Json: JavaScriptSerializer's JSON (<c>\u0027</c> for an
/// apostrophe, <c>\/Date(ms)\/</c> for a date, enums as numbers) laid out by 5.1's own pretty printer (four spaces per
/// level, two spaces after a colon, a nested object or array indented under its value's column).
/// </summary>
internal static class Json
{
    /// <summary>ConvertTo-Json's -Depth: 2 by default, at most 100.</summary>
    public const int DefaultDepth = 2, MaxDepth = 100;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The JSON of a value, as ConvertTo-Json writes it (objects deeper than <paramref name="depth"/> as their text).</summary>
    public static string ConvertTo(PsValue value, int depth = DefaultDepth, bool compress = false)
    {
        var budget = new Budget();
        var node = Node(value, 0, depth, budget);
        var text = new StringBuilder();
        if (compress) WriteCompact(text, node);
        else WritePretty(text, node, string.Empty, 0);
        return text.ToString();
    }

    // What JavaScriptSerializer is given: a value already written as JSON, a list, or an object's named members.
    private abstract record JsonNode;

    private sealed record JsonLiteral(string Text) : JsonNode;

    private sealed record JsonArray(List<JsonNode> Items) : JsonNode;

    private sealed record JsonObject(List<(string Name, JsonNode Value)> Members) : JsonNode;

    /// <summary>
    /// The values one conversion may visit. An object shared many times over (CLIXML references and arrays can hold
    /// one object again and again) would otherwise make a conversion to -Depth 100 take for ever.
    /// </summary>
    private sealed class Budget
    {
        public const int MaxValues = 1_000_000;

        private int _values;

        public void Take()
        {
            if (++_values > MaxValues) throw new ScenarioRuntimeException($"ConvertTo-Json converts at most {MaxValues} values in the emulator");
        }
    }

    private static JsonNode Node(PsValue? value, int level, int depth, Budget budget)
    {
        budget.Take();
        switch (value)
        {
            case null or PsNil:
                return new JsonLiteral("null");
            // Get-Date's date is a PSObject with its DisplayHint note and the DateTime script property: 5.1's serializer
            // writes such an object as its value and its members ({"value":"\/Date(...)\/","DisplayHint":2,"DateTime":"..."}).
            case PsPrimitive { Value: DateTimeOffset } date when DateDisplayHints.Of(date) is { BaseValue: PsPrimitive { Value: int hint } } && level <= depth:
                return new JsonObject(
                [
                    ("value", Primitive(date, level, depth)),
                    ("DisplayHint", new JsonLiteral(hint.ToString(Invariant))),
                    ("DateTime", new JsonLiteral(Quote(DateDisplayHints.DateTimeText(date)))),
                ]);
            case PsPrimitive p:
                return Primitive(p, level, depth);
            case PsObject { BaseValue: { } b, TypeNames: var names } wrapper:
                // An enum is its number. Another wrapped value (a string with notes, Get-Content's lines) is 5.1's
                // AddPsProperties: its value and its notes ({"value":"line","PSPath":"C:\\f.txt",...,"ReadCount":1});
                // PowerShell 6 and later write a string's value alone.
                if (names is not null && names.Contains("System.Enum") && b.Value is int n) return new JsonLiteral(n.ToString(Invariant));
                if (wrapper.ExtendedProperties.Count == 0 || level > depth) return Primitive(b, level, depth);
                var noted = new List<(string, JsonNode)>(wrapper.ExtendedProperties.Count + 1) { ("value", Primitive(b, level, depth)) };
                foreach (var note in wrapper.ExtendedProperties)
                {
                    if (!noted.Exists(m => m.Item1.Equals(note.Name, StringComparison.OrdinalIgnoreCase))) noted.Add((note.Name, Node(note.Value, level + 1, depth, budget)));
                }

                return new JsonObject(noted);
        }

        var o = (PsObject)value;
        if (level > depth) return new JsonLiteral(Quote(TextOf(o)));
        switch (o.CollectionKind)
        {
            case PsCollectionKind.Dictionary:
                // ConvertToJsonCommand takes string keys only (NonStringKeyInDictionary, JavaScriptSerializer's words).
                if (o.Entries.Exists(e => e.Key is not PsPrimitive { Value: string } and not PsObject { BaseValue: PsPrimitive { Value: string } }))
                {
                    throw new StatementTerminatedException(new ScriptedError(
                        $"The type '{(o.TypeNames is [var typeName, ..] ? typeName : "System.Collections.Hashtable")}' is not supported for serialization or deserialization of a dictionary. Keys must be strings.",
                        "NonStringKeyInDictionary,Microsoft.PowerShell.Commands.ConvertToJsonCommand", PsrpEmulator.Protocol.Psrp.ErrorCategory.InvalidOperation,
                        "System.InvalidOperationException") { Activity = "ConvertTo-Json" });
                }

                return new JsonObject([.. o.Entries.Select(e => (FormatViews.CellText(e.Key), Node(e.Value, level + 1, depth, budget)))]);
            case PsCollectionKind.List or PsCollectionKind.Enumerable or PsCollectionKind.Stack or PsCollectionKind.Queue:
                return new JsonArray([.. o.Items.Select(i => Node(i, level + 1, depth, budget))]);
        }

        var members = new List<(string, JsonNode)>(o.AdaptedProperties.Count + o.ExtendedProperties.Count);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in o.AdaptedProperties.Concat(o.ExtendedProperties))
        {
            if (seen.Add(property.Name)) members.Add((property.Name, Node(property.Value, level + 1, depth, budget)));
        }

        return members.Count == 0 ? new JsonLiteral(Quote(TextOf(o))) : new JsonObject(members);
    }

    private static JsonNode Primitive(PsPrimitive p, int level, int depth) => p.Value switch
    {
        string s => new JsonLiteral(Quote(s)),
        bool b => new JsonLiteral(b ? "true" : "false"),
        char c => new JsonLiteral(Quote(c.ToString())),
        DateTimeOffset d => new JsonLiteral("\"\\/Date(" + d.ToUnixTimeMilliseconds().ToString(Invariant) + ")\\/\""),
        Guid g => new JsonLiteral(Quote(g.ToString())),
        // JavaScriptSerializer writes "r" on the .NET Framework: 15 digits when they read back, else 17.
        double d => new JsonLiteral(WindowsText.Format(d, "R", Invariant)),
        float f => new JsonLiteral(WindowsText.Format(f, "R", Invariant)),
        decimal m => new JsonLiteral(m.ToString(Invariant)),
        byte[] bytes => level >= depth ? new JsonLiteral(Quote("System.Byte[]")) : new JsonArray([.. bytes.Select(x => (JsonNode)new JsonLiteral(x.ToString(Invariant)))]),
        TimeSpan t => level > depth ? new JsonLiteral(Quote(t.ToString())) : new JsonObject(
        [
            ("Ticks", new JsonLiteral(t.Ticks.ToString(Invariant))), ("Days", new JsonLiteral(t.Days.ToString(Invariant))),
            ("Hours", new JsonLiteral(t.Hours.ToString(Invariant))), ("Milliseconds", new JsonLiteral(t.Milliseconds.ToString(Invariant))),
            ("Minutes", new JsonLiteral(t.Minutes.ToString(Invariant))), ("Seconds", new JsonLiteral(t.Seconds.ToString(Invariant))),
            ("TotalDays", new JsonLiteral(WindowsText.Format(t.TotalDays, "R", Invariant))), ("TotalHours", new JsonLiteral(WindowsText.Format(t.TotalHours, "R", Invariant))),
            ("TotalMilliseconds", new JsonLiteral(WindowsText.Format(t.TotalMilliseconds, "R", Invariant))), ("TotalMinutes", new JsonLiteral(WindowsText.Format(t.TotalMinutes, "R", Invariant))),
            ("TotalSeconds", new JsonLiteral(WindowsText.Format(t.TotalSeconds, "R", Invariant))),
        ]),
        IFormattable number => new JsonLiteral(number.ToString(null, Invariant)),
        _ => new JsonLiteral(Quote(p.ToDisplayString())),
    };

    // An object past -Depth is its string conversion: a PSCustomObject's @{...}, a list's items joined by spaces, else its ToString.
    private static string TextOf(PsObject o) => o.CollectionKind switch
    {
        PsCollectionKind.Dictionary => o.ToStringValue ?? "System.Collections.Hashtable",
        PsCollectionKind.List or PsCollectionKind.Enumerable when o.ToStringValue is null => PipelineVariables.Display(o),
        // PSObject's ToString lists Add-Member's script and alias properties too.
        _ when ScriptMembers.HasAny(o) => PipelineVariables.Display(o),
        _ => FormatViews.CellText(o),
    };

    /// <summary>A JSON string as JavaScriptSerializer writes it: also &lt; &gt; &amp; and ' as \u escapes.</summary>
    internal static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '<' or '>' or '&' or '\'':
                case < ' ':
                    builder.Append("\\u").Append(((int)c).ToString("x4", Invariant));
                    break;
                default: builder.Append(c); break;
            }
        }

        return builder.Append('"').ToString();
    }

    private static void WriteCompact(StringBuilder text, JsonNode node)
    {
        switch (node)
        {
            case JsonLiteral literal:
                text.Append(literal.Text);
                break;
            case JsonArray array:
                text.Append('[');
                for (var i = 0; i < array.Items.Count; i++)
                {
                    if (i > 0) text.Append(',');
                    WriteCompact(text, array.Items[i]);
                }

                text.Append(']');
                break;
            case JsonObject obj:
                text.Append('{');
                for (var i = 0; i < obj.Members.Count; i++)
                {
                    if (i > 0) text.Append(',');
                    text.Append(Quote(obj.Members[i].Name)).Append(':');
                    WriteCompact(text, obj.Members[i].Value);
                }

                text.Append('}');
                break;
        }
    }

    /// <summary>
    /// 5.1's pretty printer: a container's members go on their own lines, indented four spaces past the container's own
    /// indentation; a member's value is written two spaces after its colon, and a container value is indented from there
    /// (its closing bracket under its opening one).
    /// </summary>
    private static void WritePretty(StringBuilder text, JsonNode node, string padString, int numberOfSpaces)
    {
        var pad = padString + new string(' ', numberOfSpaces);
        var inner = pad + "    ";
        switch (node)
        {
            case JsonLiteral literal:
                text.Append(literal.Text);
                return;
            case JsonArray array:
                text.Append("[\r\n");
                for (var i = 0; i < array.Items.Count; i++)
                {
                    if (i > 0) text.Append(",\r\n");
                    text.Append(inner);
                    WritePretty(text, array.Items[i], inner, 0);
                }

                text.Append("\r\n").Append(pad).Append(']');
                return;
            case JsonObject obj:
                text.Append("{\r\n");
                for (var i = 0; i < obj.Members.Count; i++)
                {
                    if (i > 0) text.Append(",\r\n");
                    var key = Quote(obj.Members[i].Name);
                    text.Append(inner).Append(key).Append(":  ");
                    WritePretty(text, obj.Members[i].Value, inner, key.Length + 3);
                }

                text.Append("\r\n").Append(pad).Append('}');
                return;
        }
    }

    /// <summary>
    /// ConvertFrom-Json of one text: objects become PSCustomObjects (properties in order), arrays object arrays,
    /// integers Int32 (Int64, then Decimal, when larger), other numbers Decimal, and <c>"\/Date(ms)\/"</c> strings
    /// DateTimes, as JavaScriptSerializer reads them. Null when the text is not JSON (the reason in <paramref name="error"/>).
    /// </summary>
    public static PsValue? ConvertFrom(string text, out string? error)
    {
        error = null;
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 100, AllowTrailingCommas = false });
            return FromElement(document.RootElement);
        }
        catch (JsonException e)
        {
            error = InvalidPrimitive(text, e);
            return null;
        }
    }

    // JavaScriptSerializer's words for what it could not read: "Invalid JSON primitive: abc." for a bare word where a
    // value goes, else "Invalid object passed in, ...". The reader reports where it stopped; the word is found from there.
    private static string InvalidPrimitive(string text, JsonException e)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var line = (int)Math.Clamp(e.LineNumber ?? 0, 0, lines.Length - 1);
        var position = (int)Math.Clamp(e.BytePositionInLine ?? 0, 0, lines[line].Length);
        var before = lines[line].AsSpan(0, position);
        var start = before.LastIndexOfAny(" \t{[,:\"") + 1;
        var rest = lines[line].AsSpan(start);
        var end = rest.IndexOfAny(" \t,:]}\"");
        var token = (end < 0 ? rest : rest[..end]).ToString();
        return token.Length > 0 && char.IsLetterOrDigit(token[0]) ? $"Invalid JSON primitive: {token}." : "Invalid object passed in, ':' or '}' expected.";
    }

    private static PsValue FromElement(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var o = PsObjects.CustomObject();
                foreach (var property in element.EnumerateObject()) o.With(property.Name, FromElement(property.Value));
                return o;
            case JsonValueKind.Array:
                return PsObjects.List([.. element.EnumerateArray().Select(FromElement)], ["System.Object[]", "System.Array", "System.Object"]);
            case JsonValueKind.String:
                var s = element.GetString()!;
                if (s.StartsWith("/Date(", StringComparison.Ordinal) && s.EndsWith(")/", StringComparison.Ordinal) &&
                    long.TryParse(s.AsSpan(6, s.Length - 8), NumberStyles.AllowLeadingSign, Invariant, out var ms))
                {
                    return PsPrimitive.DateTime(DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(ms, -62135596800000, 253402300799999)));
                }

                return PsPrimitive.String(s);
            case JsonValueKind.Number:
                if (element.TryGetInt32(out var i)) return PsPrimitive.Int32(i);
                if (element.TryGetInt64(out var l)) return PsPrimitive.Int64(l);
                if (element.TryGetDecimal(out var m)) return PsPrimitive.Decimal(m);
                return PsPrimitive.Double(element.GetDouble());
            case JsonValueKind.True:
                return PsPrimitive.Boolean(true);
            case JsonValueKind.False:
                return PsPrimitive.Boolean(false);
            default:
                return PsNil.Instance;
        }
    }
}
