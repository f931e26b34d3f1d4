using System.Text;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Cli;

/// <summary>How <c>invoke</c> prints an output object: a line of text, not a formatted table (a dictionary excepted).</summary>
internal static class OutputText
{
    /// <summary>
    /// The object's text (its ToString); an object with none (a PSCustomObject: Windows PowerShell serializes no ToString
    /// for one) as PowerShell's string conversion shows it, <c>@{Name=PerfLogs; Length=0}</c>, so it does not print
    /// as an empty line. A dictionary (a hashtable, <c>$PSVersionTable</c>), which has no text either, as PowerShell's
    /// Name/Value table shows it, a collection value as <c>{1.0, 2.0, 3.0, 4.0...}</c>.
    /// </summary>
    public static string Line(PsValue value)
    {
        var text = value.ToDisplayString();
        if (value is PsObject { CollectionKind: PsCollectionKind.Dictionary, ToStringValue: null } dictionary) return Table(dictionary);
        if (text.Length > 0 || value is not PsObject { ToStringValue: null, BaseValue: null } o) return text;
        // PSObject.Properties' order: notes (MS) before the adapter's (Props).
        var properties = o.ExtendedProperties.Concat(o.AdaptedProperties).ToList();
        return properties.Count == 0 ? text : "@{" + string.Join("; ", properties.Select(p => p.Name + "=" + PropertyText(p.Value))) + "}";
    }

    // A property's value in that text: a collection by its type's name (`@{Addresses=System.String[]}`), as the
    // conversion calls ToString on it; anything else its text.
    private static string PropertyText(PsValue value) =>
        value is PsObject { CollectionKind: not PsCollectionKind.None, ToStringValue: null, TypeNames: [var typeName, ..] } ? typeName : value.ToDisplayString();

    // PowerShell's hashtable view: a Name column 30 wide, then Value.
    private static string Table(PsObject dictionary)
    {
        var table = new StringBuilder();
        table.Append($"{"Name",-30} Value\n{"----",-30} -----");
        foreach (var (key, entry) in dictionary.Entries) table.Append('\n').Append($"{key.ToDisplayString(),-30} {Cell(entry)}".TrimEnd());
        return table.ToString();
    }

    // A collection as PowerShell's formatter shows one in a cell: its first four items in braces, "..." after them.
    private static string Cell(PsValue value) => value is PsObject { CollectionKind: PsCollectionKind.List or PsCollectionKind.Enumerable or PsCollectionKind.Stack or PsCollectionKind.Queue } list
        ? "{" + string.Join(", ", list.Items.Take(4).Select(i => i.ToDisplayString())) + (list.Items.Count > 4 ? "...}" : "}")
        : value.ToDisplayString();
}
