using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours.CommandLines;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Web requests from the computer, as an offline Windows Server fails them: the emulated computers have no network
/// beyond themselves, so a download (Chocolatey's install.ps1, an installer fetched by a provisioning script, a cloud
/// metadata query) fails the way .NET Framework's WebException words it. A name that does not resolve (as
/// <see cref="PingCommandScript.Resolve"/> resolves it: the computer's own names, localhost, its hosts file) is
/// "The remote name could not be resolved: 'host'"; an address nothing answers, or a port of this computer nothing
/// listens on, "Unable to connect to the remote server" ("The operation has timed out." when a -TimeoutSec shorter than
/// TCP's connect timeout ends the wait first). A port the computer does listen on (WinRM's) would answer: that is not
/// emulated (a scenario error). Nothing is sent anywhere.
/// </summary>
/// <remarks>
/// Emulated: <c>New-Object System.Net.WebClient</c> (<c>::new()</c>) with its properties and DownloadString,
/// DownloadFile, DownloadData, OpenRead, UploadString, UploadData, UploadFile, UploadValues; Invoke-WebRequest and
/// Invoke-RestMethod (iwr, irm, curl, wget), whose failure is 5.1's terminating WebCmdletWebResponseException;
/// <c>[System.Net.WebRequest]::Create(url)</c> (and CreateHttp) with GetResponse / GetRequestStream failing so,
/// <c>[System.Net.WebRequest]::GetSystemWebProxy()</c> and <c>DefaultWebProxy</c> (no proxy: IsBypassed is true,
/// GetProxy gives the address back), <c>[System.Net.CredentialCache]::DefaultCredentials</c> and
/// <c>DefaultNetworkCredentials</c>.
/// </remarks>
internal sealed partial class RunContext
{
    internal const string WebClientTypeName = "System.Net.WebClient";
    internal const string WebRequestTypeName = "System.Net.WebRequest";
    internal const string CredentialCacheTypeName = "System.Net.CredentialCache";
    private const string HttpWebRequestTypeName = "System.Net.HttpWebRequest";
    private const string WebProxyWrapperTypeName = "System.Net.WebRequest+WebProxyWrapper";

    internal static readonly string[] WebCommandNames = ["Invoke-WebRequest", "Invoke-RestMethod"];

    // How long TCP's connect to an address that never answers takes on Windows (three SYNs: about 21 seconds).
    private const int ConnectTimeoutSeconds = 21;

    private static readonly string[] WebRequestMethods = ["Default", "Get", "Head", "Post", "Put", "Delete", "Trace", "Options", "Merge", "Patch"];

    internal static PsObject NewWebClient()
    {
        var client = new PsObject([WebClientTypeName, "System.ComponentModel.Component", "System.MarshalByRefObject", "System.Object"]) { ToStringValue = WebClientTypeName };
        client.AdaptedProperties.AddRange(
        [
            new("AllowReadStreamBuffering", PsPrimitive.Boolean(false)),
            new("AllowWriteStreamBuffering", PsPrimitive.Boolean(false)),
            new("Encoding", PsNil.Instance),
            new("BaseAddress", PsPrimitive.String(string.Empty)),
            new("Credentials", PsNil.Instance),
            new("UseDefaultCredentials", PsPrimitive.Boolean(false)),
            new("Headers", PsObjects.Dictionary([], ["System.Net.WebHeaderCollection", "System.Collections.Specialized.NameValueCollection", "System.Object"])),
            new("QueryString", PsObjects.Dictionary([], ["System.Collections.Specialized.NameValueCollection", "System.Object"])),
            new("ResponseHeaders", PsNil.Instance),
            new("Proxy", SystemWebProxy()),
            new("CachePolicy", PsNil.Instance),
            new("IsBusy", PsPrimitive.Boolean(false)),
            new("Site", PsNil.Instance),
            new("Container", PsNil.Instance),
        ]);
        return client;
    }

    // The system's proxy settings: none, so every address bypasses it.
    private static PsObject SystemWebProxy()
    {
        var proxy = new PsObject([WebProxyWrapperTypeName, "System.Net.WebProxy", "System.Object"]) { ToStringValue = WebProxyWrapperTypeName };
        proxy.AdaptedProperties.AddRange([new("Credentials", PsNil.Instance)]);
        return proxy;
    }

    // The process's default credentials (SystemNetworkCredential: its user's, whose texts .NET does not show).
    private static PsObject DefaultNetworkCredential()
    {
        var credential = new PsObject(["System.Net.SystemNetworkCredential", "System.Net.NetworkCredential", "System.Object"]) { ToStringValue = "System.Net.SystemNetworkCredential" };
        credential.AdaptedProperties.AddRange([new("UserName", PsPrimitive.String(string.Empty)), new("Password", PsPrimitive.String(string.Empty)), new("Domain", PsPrimitive.String(string.Empty))]);
        return credential;
    }

    private static PsObject NewHttpWebRequest(Uri uri)
    {
        var request = new PsObject([HttpWebRequestTypeName, WebRequestTypeName, "System.MarshalByRefObject", "System.Object"]) { ToStringValue = HttpWebRequestTypeName };
        request.AdaptedProperties.AddRange(
        [
            new("Method", PsPrimitive.String("GET")),
            new("RequestUri", ScriptExpressions.UriObject(uri)),
            new("Timeout", PsPrimitive.Int32(100000)),
            new("ContentType", PsNil.Instance),
            new("UserAgent", PsNil.Instance),
            new("Headers", PsObjects.Dictionary([], ["System.Net.WebHeaderCollection", "System.Collections.Specialized.NameValueCollection", "System.Object"])),
            new("Proxy", SystemWebProxy()),
            new("Credentials", PsNil.Instance),
            new("UseDefaultCredentials", PsPrimitive.Boolean(false)),
        ]);
        return request;
    }

    /// <summary>A static member of WebRequest or CredentialCache, or WebClient's ::new(); null for another.</summary>
    private PsValue? WebStaticMember(string typeName, string member, IReadOnlyList<PsValue>? arguments) => (typeName, member.ToUpperInvariant(), arguments?.Count ?? -1) switch
    {
        (WebClientTypeName, "NEW", 0) => NewWebClient(),
        (WebRequestTypeName, "GETSYSTEMWEBPROXY", 0) or (WebRequestTypeName, "DEFAULTWEBPROXY", -1) => SystemWebProxy(),
        (WebRequestTypeName, "CREATE" or "CREATEHTTP", 1) => NewHttpWebRequest(RequestUri(PipelineVariables.Display(arguments![0]), member)),
        (CredentialCacheTypeName, "DEFAULTCREDENTIALS" or "DEFAULTNETWORKCREDENTIALS", -1) => DefaultNetworkCredential(),
        _ => null,
    };

    // A URL a .NET method takes: absolute http(s); a file or another scheme is not emulated, a relative one .NET's UriFormatException.
    private static Uri RequestUri(string text, string method, int count = 1)
    {
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri))
        {
            throw new ScriptExpressionException(ScriptedError.MethodInvocation(method, count, "Invalid URI: The format of the URI could not be determined.", typeof(UriFormatException)));
        }

        return uri.Scheme is "http" or "https" ? uri
            : throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{method}: a {uri.Scheme} address ({text}) is not emulated (http and https fail as offline): give the command a rule"));
    }

    /// <summary>Why a request to <paramref name="uri"/> from this computer fails, in .NET Framework's words (WebException's message).</summary>
    private string WebRequestFailure(Uri uri, int? timeoutSeconds)
    {
        var host = uri.DnsSafeHost;
        if (PingCommandScript.Resolve(host, ComputerName, ipv4Only: !host.Contains(':', StringComparison.Ordinal), disk: Host.FileSystem, ipv4: OwnIPv4, network: Host.NetworkSettings) is not var (address, _, answers))
        {
            return $"The remote name could not be resolved: '{uri.Host}'";
        }

        var accepted = TcpAccepted(address, uri.Port, answers);
        if (accepted is null) return timeoutSeconds is > 0 and < ConnectTimeoutSeconds ? "The operation has timed out" : "Unable to connect to the remote server";
        if (accepted == true)
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault(
                $"a web request to {uri.GetLeftPart(UriPartial.Authority)}, a port the computer listens on, would be answered: not emulated; give the command a rule"));
        }

        return "Unable to connect to the remote server";
    }

    /// <summary>A method of a WebClient, an HttpWebRequest or the system's proxy; null for another object or method.</summary>
    private PsValue? WebObjectMethod(PsObject target, string name, IReadOnlyList<PsValue> arguments)
    {
        switch (target.TypeNames)
        {
            case [WebClientTypeName, ..]:
            {
                var upper = name.ToUpperInvariant();
                if (upper is "DISPOSE" or "CANCELASYNC" && arguments.Count == 0) return PsNil.Instance;
                if (upper.EndsWith("ASYNC", StringComparison.Ordinal))
                {
                    throw new ScriptExpressionException(ScriptedError.ScenarioFault($"WebClient.{name}: the asynchronous downloads are not emulated (the synchronous ones fail as offline): give the command a rule"));
                }

                var (minimum, maximum) = upper switch
                {
                    "DOWNLOADSTRING" or "DOWNLOADDATA" or "OPENREAD" => (1, 1),
                    "DOWNLOADFILE" or "UPLOADDATA" or "UPLOADFILE" or "UPLOADVALUES" or "OPENWRITE" => (2, 3),
                    "UPLOADSTRING" => (2, 3),
                    _ => (-1, -1),
                };
                if (minimum < 0) return null;
                if (arguments.Count < minimum || arguments.Count > maximum) throw new ScriptExpressionException(ScriptedError.MethodCount(name, arguments.Count));
                var uri = RequestUri(WebClientAddress(target, PipelineVariables.Display(arguments[0])), name, arguments.Count);
                throw new ScriptExpressionException(ScriptedError.MethodInvocation(name, arguments.Count, WebRequestFailure(uri, null), typeof(System.Net.WebException)));
            }

            case [HttpWebRequestTypeName, ..]:
                if (!name.Equals("GetResponse", StringComparison.OrdinalIgnoreCase) && !name.Equals("GetRequestStream", StringComparison.OrdinalIgnoreCase) || arguments.Count != 0) return null;
                var requested = target["RequestUri"] is { } address and not PsNil ? PipelineVariables.Display(address) : string.Empty;
                var timeout = target["Timeout"] is { } milliseconds && ScriptExpressions.AsNumberOrNull(milliseconds) is { } ms ? (int?)Math.Ceiling(ms / 1000) : null;
                throw new ScriptExpressionException(ScriptedError.MethodInvocation(name, 0, WebRequestFailure(RequestUri(requested, name, 0), timeout), typeof(System.Net.WebException)));
            case [WebProxyWrapperTypeName, ..]:
                return (name.ToUpperInvariant(), arguments.Count) switch
                {
                    ("ISBYPASSED", 1) => PsPrimitive.Boolean(true),
                    ("GETPROXY", 1) => ScriptExpressions.UriObject(RequestUri(PipelineVariables.Display(arguments[0]), name)),
                    _ => null,
                };
            default:
                return null;
        }
    }

    // A WebClient's address: absolute as given, else relative to its BaseAddress.
    private static string WebClientAddress(PsObject client, string address)
    {
        if (Uri.TryCreate(address.Trim(), UriKind.Absolute, out _)) return address;
        return client["BaseAddress"] is { } baseText && PipelineVariables.Display(baseText) is { Length: > 0 } root && Uri.TryCreate(root, UriKind.Absolute, out var baseUri) &&
            Uri.TryCreate(baseUri, address, out var combined) ? combined.ToString() : address;
    }

    /// <summary>
    /// Invoke-WebRequest and Invoke-RestMethod: the request fails as offline (a terminating error: 5.1's
    /// WebRequestPSCmdlet throws it, so -ErrorAction does not hide it). A -Uri without a scheme is http (as 5.1 reads
    /// it); -Method is bound as 5.1's WebRequestMethod; -OutFile is not written.
    /// </summary>
    private async ValueTask InvokeWebRequestAsync(string command, StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        var uriWord = arguments["Uri"] ?? throw new StatementTerminatedException(ParameterError(command, "Cannot process command because of one or more missing mandatory parameters: Uri.", "MissingMandatoryParameter"));
        var text = PipelineVariables.Display(await ArgumentAsync(uriWord, to, blockNesting)).Trim();
        if (text.Length == 0)
        {
            throw new StatementTerminatedException(ParameterError(command, "Cannot validate argument on parameter 'Uri'. The argument is null or empty. Provide an argument that is not null or empty, and then try the command again.", "ParameterArgumentValidationError"));
        }

        if (arguments["Method"] is { } methodWord && PipelineVariables.Display(await ArgumentAsync(methodWord, to, blockNesting)) is var method &&
            !WebRequestMethods.Contains(method, StringComparer.OrdinalIgnoreCase))
        {
            throw new StatementTerminatedException(EnumParameterError(command, "Method", method, "Microsoft.PowerShell.Commands.WebRequestMethod", WebRequestMethods));
        }

        var timeout = await IntegerAsync("TimeoutSec", 0);
        // Its other arguments are read as 5.1 binds them (a -Body or -Headers expression runs) and otherwise unused.
        foreach (var name in new[] { "Body", "Headers", "ContentType", "UserAgent", "OutFile", "InFile", "Credential", "Proxy", "SessionVariable", "WebSession" })
        {
            if (arguments[name] is { } word) await ArgumentAsync(word, to, blockNesting);
        }

        // 5.1 makes an address without a scheme an http one (Invoke-WebRequest example.com).
        var uri = Uri.TryCreate(text, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https" ? absolute
            : !text.Contains("://", StringComparison.Ordinal) && Uri.TryCreate("http://" + text, UriKind.Absolute, out var http) ? http
            : Uri.TryCreate(text, UriKind.Absolute, out var other) ? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} of a {other.Scheme} address is not emulated (http and https fail as offline): give the command a rule"))
            : throw new StatementTerminatedException(ParameterError(command, $"Cannot bind parameter 'Uri'. Cannot convert value \"{text}\" to type \"System.Uri\". Error: \"Invalid URI: The hostname could not be parsed.\"", "CannotConvertArgumentNoMessage"));
        var failure = WebRequestFailure(uri, timeout > 0 ? timeout : null);
        var cmdletClass = command == "Invoke-WebRequest" ? "InvokeWebRequestCommand" : "InvokeRestMethodCommand";
        throw new StatementTerminatedException(new ScriptedError(failure, $"WebCmdletWebResponseException,Microsoft.PowerShell.Commands.{cmdletClass}", ErrorCategory.InvalidOperation,
            "System.Net.WebException", HttpWebRequestTypeName)
        {
            Activity = command,
            TargetType = "HttpWebRequest",
        });

        async ValueTask<int> IntegerAsync(string name, int fallback) =>
            arguments[name] is { } word ? await IntegerArgumentAsync(word, to, blockNesting, (command, name)) : fallback;
    }
}
