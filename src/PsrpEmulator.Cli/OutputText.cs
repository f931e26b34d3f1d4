using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Cli;

/// <summary>How <c>invoke</c> prints an output object: a line of text, not a formatted table.</summary>
internal static class OutputText
{
    /// <summary>
    /// The object's text (its ToString); an object with none (a PSCustomObject: Windows PowerShell serializes no ToString
    /// for one) as PowerShell's string conversion shows it, <c>@{Name=PerfLogs; Length=0}</c>, so it does not print
    /// as an empty line.
    /// </summary>
    public static string Line(PsValue value)
    {
        var text = value.ToDisplayString();
        if (text.Length > 0 || value is not PsObject { ToStringValue: null, BaseValue: null } o) return text;
        var properties = o.AdaptedProperties.Concat(o.ExtendedProperties).ToList();
        return properties.Count == 0 ? text : "@{" + string.Join("; ", properties.Select(p => p.Name + "=" + p.Value.ToDisplayString())) + "}";
    }
}
