namespace PsrpEmulator.Protocol.WsMan;

/// <summary>How a WMI property's value is written: text, <c>xsi:nil</c>, or wrapped in <c>cim:Datetime</c> / <c>cim:Interval</c>.</summary>
public enum WmiValueKind
{
    Text,
    Null,
    Datetime,
    Interval,
}

/// <summary>
/// One property of a WMI instance: a scalar (one value), an array (an element per value, as WinRM repeats the
/// property's element) or null (no values, <see cref="WmiValueKind.Null"/>).
/// </summary>
public sealed record WmiProperty(string Name, WmiValueKind Kind, IReadOnlyList<string> Values)
{
    /// <summary>An array, even of one element (the wire repeats the element; a tool such as wmic writes <c>{"a"}</c>).</summary>
    public bool IsArray { get; init; }
}

/// <summary>
/// A WMI instance as WinRM's WMI plugin writes it in an EnumerateResponse, PullResponse or GetResponse:
/// <c>&lt;p:Class xmlns:p="{ResourceUri}" xsi:type="p:Class_Type"&gt;</c> with a <c>p:Name</c> element per property.
/// </summary>
public sealed record WmiInstance(string ResourceUri, string ClassName, IReadOnlyList<WmiProperty> Properties);

/// <summary>A WS-Transfer GetResponse carrying one WMI instance.</summary>
public sealed record WmiInstanceBody(WmiInstance Instance) : WsManBody;

/// <summary>WinRM's WMI resource URIs and filter dialect.</summary>
public static class WmiResourceUris
{
    /// <summary>The prefix of every WMI resource URI; a namespace and a class (or <c>*</c>) follow: <c>.../wmi/root/cimv2/Win32_Service</c>.</summary>
    public const string Prefix = "http://schemas.microsoft.com/wbem/wsman/1/wmi/";

    /// <summary>The WQL filter dialect of an Enumerate.</summary>
    public const string WqlDialect = "http://schemas.microsoft.com/wbem/wsman/1/WQL";

    /// <summary>
    /// The namespace (<c>root/cimv2</c>) and class (<c>Win32_Service</c>, or <c>*</c>) of a WMI resource URI; null
    /// for any other URI or one without both.
    /// </summary>
    public static (string Namespace, string ClassName)? Parse(string? resourceUri)
    {
        if (resourceUri is null || !resourceUri.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) return null;
        var rest = resourceUri[Prefix.Length..];
        var query = rest.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0) rest = rest[..query];
        var slash = rest.LastIndexOf('/');
        if (slash <= 0 || slash == rest.Length - 1) return null;
        return (rest[..slash], rest[(slash + 1)..]);
    }

    /// <summary>The resource URI of a class in a namespace.</summary>
    public static string Of(string wmiNamespace, string className) => Prefix + wmiNamespace + "/" + className;
}
