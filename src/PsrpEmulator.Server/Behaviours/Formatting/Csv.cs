using System.Text;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours.Formatting;

/// <summary>
/// Windows PowerShell 5.1's ConvertTo-Csv and ConvertFrom-Csv: a <c>#TYPE</c> line (unless -NoTypeInformation), the
/// first object's property names as the header, and every field quoted (5.1 has no -UseQuotes); values are their
/// ToString, so a collection is <c>System.Object[]</c>.
/// </summary>
internal static class Csv
{
    /// <summary>
    /// The property names of the header: the first object's properties as its PSObject lists them, extended, then adapted
    /// (ExportCsvHelper.BuildPropertyNames): a string's Length, a date's DisplayHint, DateTime, Date, ..., a Hashtable's
    /// IsReadOnly, ..., Count, an array's Count, Length, LongLength, Rank, SyncRoot, IsReadOnly, IsFixedSize,
    /// IsSynchronized, a wrapped string's notes (Get-Content's PSPath, ..., ReadCount) before its Length. An integer has none.
    /// </summary>
    public static List<string> Header(PsValue first) => first switch
    {
        PsPrimitive p => ValueProperties.Of(p) is { } own ? [.. own] : [],
        PsObject o when ValueProperties.Of(o) is { } own => [.. own],
        PsObject { BaseValue: null, CollectionKind: PsCollectionKind.None } o => FormatViews.DisplayProperties(o, expandPropertySets: false),
        _ => [],
    };

    /// <summary>The <c>#TYPE</c> line of the first object: its most derived type name (a primitive's .NET type).</summary>
    public static string TypeLine(PsValue first) => "#TYPE " + ScriptExpressions.TypeName(first);

    public static string HeaderLine(IReadOnlyList<string> header, char delimiter) =>
        string.Join(delimiter, header.Select(Field));

    /// <summary>
    /// One object's line: its values of the header's properties, each its ToString in quotes; a value that is $null or
    /// a property the object lacks is an empty field without quotes (<c>,"1"</c>), as EscapeAndAppendString skips null.
    /// </summary>
    public static string Line(PsValue value, IReadOnlyList<string> header, char delimiter) =>
        string.Join(delimiter, header.Select(name => Field(Text(VariableValueTemplate.Member(value, name)))));

    /// <summary>A property's value as text (its ToString, as ConvertTo-Html writes it; empty where it has none).</summary>
    public static string ValueText(PsValue value, string name) => Text(VariableValueTemplate.Member(value, name)) ?? string.Empty;

    // A property's ToString, as Export-Csv writes it; null for $null.
    private static string? Text(PsValue? value) => value switch
    {
        null or PsNil => null,
        PsPrimitive p => FormatViews.PrimitiveText(p),
        PsObject { ToStringValue: { } text } => text,
        PsObject { BaseValue: { } b } => FormatViews.PrimitiveText(b),
        PsObject { CollectionKind: PsCollectionKind.List or PsCollectionKind.Enumerable } list => CollectionTypeText(list.TypeNames),
        PsObject { CollectionKind: PsCollectionKind.Dictionary } => "System.Collections.Hashtable",
        PsObject o => FormatViews.CellText(o),
        _ => value.ToWindowsText(),
    };

    // A collection's .NET ToString, its type's name: System.Object[] for an array PowerShell made, a FileInfo's Target
    // System.Collections.Generic.List`1[System.String] (Type.ToString names a generic's arguments without assemblies).
    internal static string CollectionTypeText(IReadOnlyList<string>? typeNames)
    {
        if (typeNames is not [var name, ..]) return "System.Object[]";
        return ScriptExpressions.TypeToString(name);
    }

    private static string Field(string? text) => text is null ? string.Empty : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// One CSV line's fields: separated by <paramref name="delimiter"/>, a field in double quotes may hold the delimiter
    /// and doubled quotes; white space outside quotes is kept, as ConvertFrom-Csv keeps it.
    /// </summary>
    public static List<string> Fields(string line, char delimiter)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == delimiter)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }
}
