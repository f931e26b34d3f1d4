using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// System.Uri as scripts take URLs apart (<c>([uri]$url).Host</c>, <c>[uri]::EscapeDataString($q)</c>): a cast of a
/// string (absolute or relative, as PowerShell's ConvertStringToUri), <c>::new(s)</c> and <c>New-Object Uri s</c> (an
/// absolute one; another is .NET's UriFormatException), .NET's properties, and the static EscapeDataString,
/// UnescapeDataString, EscapeUriString, IsWellFormedUriString and CheckHostName.
/// </summary>
internal static partial class ScriptExpressions
{
    internal const string UriTypeName = "System.Uri";
    internal const string WebUtilityTypeName = "System.Net.WebUtility";
    internal const string HttpUtilityTypeName = "System.Web.HttpUtility";

    // A class of Object's: a PSObject lists base classes, not interfaces.
    private static readonly string[] UriTypeNames = [UriTypeName, "System.Object"];

    /// <summary>A Uri object of <paramref name="uri"/> with .NET's properties (an absolute one's all of them; a relative one's OriginalString and IsAbsoluteUri).</summary>
    internal static PsObject UriObject(Uri uri)
    {
        var created = new PsObject(UriTypeNames) { ToStringValue = uri.ToString() };
        if (!uri.IsAbsoluteUri)
        {
            return created.With("OriginalString", uri.OriginalString).With("IsAbsoluteUri", false).With("UserEscaped", false);
        }

        return created
            .With("AbsolutePath", uri.AbsolutePath)
            .With("AbsoluteUri", uri.AbsoluteUri)
            .With("LocalPath", uri.LocalPath)
            .With("Authority", uri.Authority)
            .With("HostNameType", PsObjects.Enum(["System.UriHostNameType", "System.Enum", "System.ValueType", "System.Object"], uri.HostNameType.ToString(), (int)uri.HostNameType))
            .With("IsDefaultPort", uri.IsDefaultPort)
            .With("IsFile", uri.IsFile)
            .With("IsLoopback", uri.IsLoopback)
            .With("PathAndQuery", uri.PathAndQuery)
            .With("Segments", PsObjects.List([.. uri.Segments.Select(s => (PsValue)PsPrimitive.String(s))], StringArrayTypeNames))
            .With("IsUnc", uri.IsUnc)
            .With("Host", uri.Host)
            .With("Port", uri.Port)
            .With("Query", uri.Query)
            .With("Fragment", uri.Fragment)
            .With("Scheme", uri.Scheme)
            .With("OriginalString", uri.OriginalString)
            .With("DnsSafeHost", uri.DnsSafeHost)
            .With("IdnHost", uri.IdnHost)
            .With("IsAbsoluteUri", true)
            .With("UserEscaped", false)
            .With("UserInfo", uri.UserInfo);
    }

    // [uri]'text': absolute or relative, as PowerShell converts a string to a Uri; a Uri stays itself.
    private static PsValue ToUri(PsValue? value)
    {
        if (IsNull(value)) return PsNil.Instance;
        if (value is PsObject { TypeNames: [UriTypeName, ..] }) return value;
        var text = Text(value);
        if (Uri.TryCreate(text, UriKind.RelativeOrAbsolute, out var uri)) return UriObject(uri);
        throw new ScriptExpressionException(new ScriptedError(
            $"Cannot convert value \"{text}\" to type \"System.Uri\". Error: \"Invalid URI: The format of the URI could not be determined.\"",
            "InvalidCastConstructorException", Protocol.Psrp.ErrorCategory.InvalidArgument, ScriptedError.RuntimeExceptionType));
    }

    /// <summary>[uri]'s static members; null for another.</summary>
    private static PsValue? UriStaticMember(string member, IReadOnlyList<PsValue>? arguments)
    {
        if (arguments is null) return null;
        try
        {
            return UriStaticMemberCore(member.ToUpperInvariant(), arguments);
        }
        catch (UriFormatException e)
        {
            throw MethodError(member.Equals("new", StringComparison.OrdinalIgnoreCase) ? ".ctor" : member, arguments.Count, e);
        }
    }

    private static PsValue? UriStaticMemberCore(string member, IReadOnlyList<PsValue> arguments)
    {
        return (member, arguments.Count) switch
        {
            ("ESCAPEDATASTRING", 1) => PsPrimitive.String(Uri.EscapeDataString(Text(arguments[0]))),
            ("UNESCAPEDATASTRING", 1) => PsPrimitive.String(Uri.UnescapeDataString(Text(arguments[0]))),
#pragma warning disable SYSLIB0013 // Windows PowerShell's .NET Framework has it, and scripts call it.
            ("ESCAPEURISTRING", 1) => PsPrimitive.String(Uri.EscapeUriString(Text(arguments[0]))),
#pragma warning restore SYSLIB0013
            ("ISWELLFORMEDURISTRING", 2) => PsPrimitive.Boolean(Uri.IsWellFormedUriString(Text(arguments[0]), EnumArgument<UriKind>(arguments[1], "uriKind", "IsWellFormedUriString"))),
            ("CHECKHOSTNAME", 1) => PsObjects.Enum(["System.UriHostNameType", "System.Enum", "System.ValueType", "System.Object"], Uri.CheckHostName(Text(arguments[0])).ToString(), (int)Uri.CheckHostName(Text(arguments[0]))),
            ("NEW", 1) => new Uri(Text(arguments[0]), UriKind.Absolute) is var absolute ? UriObject(absolute) : null,
            ("NEW", 2) when arguments[0] is PsObject { TypeNames: [UriTypeName, ..] } baseUri && Uri.TryCreate(baseUri.ToStringValue, UriKind.Absolute, out var root) => UriObject(new Uri(root, Text(arguments[1]))),
            ("NEW", 2) => UriObject(new Uri(Text(arguments[0]), EnumArgument<UriKind>(arguments[1], "uriKind", ".ctor"))),
            _ => null,
        };
    }

    /// <summary>
    /// [System.Net.WebUtility]'s UrlEncode, UrlDecode, HtmlEncode and HtmlDecode of a string (System.dll's, loaded in
    /// every session): .NET's own, whose results are .NET Framework 4.5's (a space as '+', upper-case hex, ' as &amp;#39;);
    /// $null gives $null. Null for another member.
    /// </summary>
    private static PsValue? WebUtilityStaticMember(string member, IReadOnlyList<PsValue>? arguments)
    {
        if (arguments is not [var argument]) return null;
        var text = IsNull(argument) ? null : Text(argument);
        Func<string?, string?>? method = member.ToUpperInvariant() switch
        {
            "URLENCODE" => System.Net.WebUtility.UrlEncode,
            "URLDECODE" => System.Net.WebUtility.UrlDecode,
            "HTMLENCODE" => System.Net.WebUtility.HtmlEncode,
            "HTMLDECODE" => System.Net.WebUtility.HtmlDecode,
            _ => null,
        };
        if (method is null) return null;
        return method(text) is { } result ? PsPrimitive.String(result) : PsNil.Instance;
    }

    /// <summary>
    /// System.Web's HttpUtility (after Add-Type -AssemblyName System.Web, as 5.1 needs): UrlEncode as .NET Framework's
    /// writes it (a blank as '+', UTF-8 bytes in lower-case %xx; letters, digits and -_.!*() as they are), UrlDecode,
    /// HtmlEncode, HtmlDecode and HtmlAttributeEncode; null for another member.
    /// </summary>
    private static PsValue? HttpUtilityStaticMember(string member, IReadOnlyList<PsValue>? arguments)
    {
        if (arguments is not [var argument]) return null;
        if (IsNull(argument)) return member.ToUpperInvariant() is "URLENCODE" or "URLDECODE" or "HTMLENCODE" or "HTMLDECODE" or "HTMLATTRIBUTEENCODE" ? PsNil.Instance : null;
        var text = Text(argument);
        return member.ToUpperInvariant() switch
        {
            "URLENCODE" => PsPrimitive.String(FrameworkUrlEncode(text)),
            "URLDECODE" => PsPrimitive.String(System.Net.WebUtility.UrlDecode(text)),
            "HTMLENCODE" => PsPrimitive.String(System.Net.WebUtility.HtmlEncode(text)),
            "HTMLDECODE" => PsPrimitive.String(System.Net.WebUtility.HtmlDecode(text)),
            // HtmlAttributeEncode: only '"', '&', '<' and '\'' (as &#39;).
            "HTMLATTRIBUTEENCODE" => PsPrimitive.String(text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal)
                .Replace("'", "&#39;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)),
            _ => null,
        };
    }

    // HttpUtility.UrlEncode(string) of .NET Framework: UTF-8, lower-case hex, '+' for a blank.
    private static string FrameworkUrlEncode(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var encoded = new System.Text.StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '!' or '*' or '(' or ')') encoded.Append(c);
            else if (c == ' ') encoded.Append('+');
            else encoded.Append('%').Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return encoded.ToString();
    }
}
