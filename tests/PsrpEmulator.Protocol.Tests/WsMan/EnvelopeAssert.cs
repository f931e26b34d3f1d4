using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Protocol.Tests.WsMan;

/// <summary>
/// Structural comparison of envelopes, headers and bodies: records holding ReadOnlyMemory, lists and dictionaries
/// compare by content. Both sides are rendered to a canonical text so a failure shows the differing field.
/// </summary>
internal static class EnvelopeAssert
{
    public static void AreEqual(object? actual, object? expected, string? message = null) =>
        Assert.That(Canonical(actual), Is.EqualTo(Canonical(expected)), message);

    public static string Canonical(object? value)
    {
        var sb = new StringBuilder();
        Append(sb, value, 0);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, object? value, int indent)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                return;
            case string s:
                sb.Append('"').Append(s).Append('"');
                return;
            case ReadOnlyMemory<byte> memory:
                sb.Append("b64:").Append(Convert.ToBase64String(memory.Span));
                return;
            case byte[] bytes:
                sb.Append("b64:").Append(Convert.ToBase64String(bytes));
                return;
            case IFormattable formattable when value.GetType().IsPrimitive || value is TimeSpan || value is Enum:
                sb.Append(formattable.ToString(null, CultureInfo.InvariantCulture));
                return;
            case bool b:
                sb.Append(b ? "true" : "false");
                return;
            case IDictionary<string, string> dict:
                sb.Append('{');
                foreach (var (k, v) in dict.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase)) sb.Append(k).Append('=').Append(v).Append(';');
                sb.Append('}');
                return;
            case IReadOnlyDictionary<string, string> rdict:
                sb.Append('{');
                foreach (var (k, v) in rdict.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase)) sb.Append(k).Append('=').Append(v).Append(';');
                sb.Append('}');
                return;
            case IEnumerable list:
                sb.Append('[');
                foreach (var item in list)
                {
                    sb.AppendLine().Append(' ', indent + 2);
                    Append(sb, item, indent + 2);
                }

                sb.Append(']');
                return;
        }

        var type = value.GetType();
        sb.Append(type.Name).Append(" {");
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            sb.AppendLine().Append(' ', indent + 2).Append(p.Name).Append(" = ");
            Append(sb, p.GetValue(value), indent + 2);
        }

        sb.Append(" }");
    }
}
