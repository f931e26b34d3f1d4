using System.Management.Automation;
using System.Management.Automation.Remoting;
using System.Management.Automation.Runspaces;
using PsrpEmulator.Client.Remoting;
using PSSessionOption = System.Management.Automation.Remoting.PSSessionOption;
using OurSession = PsrpEmulator.PowerShell.PSSession;

namespace Microsoft.PowerShell.Commands;

/// <summary>New-PSSession over the emulator client (ComputerName, Session and Uri parameter sets).</summary>
[Cmdlet(VerbsCommon.New, "PSSession", DefaultParameterSetName = "ComputerName",
    HelpUri = "https://go.microsoft.com/fwlink/?LinkID=2096484")]
[OutputType(typeof(OurSession))]
public sealed class NewPSSessionCommand : PsrpCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "ComputerName")]
    [ValidateNotNullOrEmpty]
    [Alias("Cn")]
    public string[]? ComputerName { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = "ComputerName")]
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = "Uri")]
    [Credential]
    public System.Management.Automation.PSCredential? Credential { get; set; }

    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Session")]
    [ValidateNotNullOrEmpty]
    public OurSession[]? Session { get; set; }

    [Parameter]
    public string[]? Name { get; set; }

    [Parameter(ParameterSetName = "ComputerName")]
    [Parameter(ParameterSetName = "Session")]
    [Parameter(ParameterSetName = "Uri")]
    public SwitchParameter EnableNetworkAccess { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = "ComputerName")]
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = "Uri")]
    public string? ConfigurationName { get; set; }

    [Parameter(ParameterSetName = "ComputerName")]
    [ValidateRange(1, ushort.MaxValue)]
    public int Port { get; set; }

    [Parameter(ParameterSetName = "ComputerName")]
    public SwitchParameter UseSSL { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = "ComputerName")]
    public string? ApplicationName { get; set; }

    [Parameter(ParameterSetName = "ComputerName")]
    [Parameter(ParameterSetName = "Session")]
    [Parameter(ParameterSetName = "Uri")]
    public int ThrottleLimit { get; set; }

    [Parameter(Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Uri")]
    [ValidateNotNullOrEmpty]
    [Alias("URI", "CU")]
    public Uri[]? ConnectionUri { get; set; }

    [Parameter(ParameterSetName = "Uri")]
    public SwitchParameter AllowRedirection { get; set; }

    [Parameter(ParameterSetName = "ComputerName")]
    [Parameter(ParameterSetName = "Uri")]
    [ValidateNotNull]
    public PSSessionOption? SessionOption { get; set; }

    [Parameter(ParameterSetName = "ComputerName")]
    [Parameter(ParameterSetName = "Uri")]
    public AuthenticationMechanism Authentication { get; set; }

    [Parameter(ParameterSetName = "ComputerName")]
    [Parameter(ParameterSetName = "Uri")]
    public string? CertificateThumbprint { get; set; }

    private int _nameIndex;

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case "Session":
                foreach (var existing in Session ?? [])
                {
                    var s = existing.Session;
                    var useSsl = s.ConnectionUri.Scheme == Uri.UriSchemeHttps;
                    var port = s.ConnectionUri.Port == (useSsl ? 5986 : 5985) ? 0 : s.ConnectionUri.Port;
                    var target = Context.ResolveComputer(s.ComputerName, port, useSsl, s.ConnectionUri.AbsolutePath.Trim('/'));
                    Open(target, ConfigurationName ?? s.ConfigurationName, new PsrpEmulator.Client.Remoting.PSCredential(Context.Options.UserName, Context.Options.Password), SessionOptionOf(null));
                }

                break;
            case "Uri":
                foreach (var uri in ConnectionUri ?? [])
                {
                    if (!CheckAuthentication(Authentication, uri.Host, "PSSessionOpenFailed")) continue;
                    Open(Context.ResolveUri(uri), OrPreference(ConfigurationName, "PSSessionConfigurationName"), CredentialOf(Credential, CertificateThumbprint, Authentication), SessionOptionOf(SessionOption));
                }

                break;
            default:
                foreach (var computer in ComputerName is { Length: > 0 } names ? names : ["localhost"])
                {
                    if (!CheckAuthentication(Authentication, computer, "PSSessionOpenFailed")) continue;
                    Open(Context.ResolveComputer(computer, Port, UseSSL, OrPreference(ApplicationName, "PSSessionApplicationName")),
                        OrPreference(ConfigurationName, "PSSessionConfigurationName"), CredentialOf(Credential, CertificateThumbprint, Authentication), SessionOptionOf(SessionOption));
                }

                break;
        }
    }

    private void Open(RemoteTarget target, string? configurationName, PsrpEmulator.Client.Remoting.PSCredential credential, PsrpEmulator.Client.Remoting.PSSessionOption option)
    {
        var name = Name is { } names && _nameIndex < names.Length ? names[_nameIndex] : null;
        _nameIndex++;
        TryRun(() =>
        {
            var session = Run(ct => Client.NewSessionAsync(target, credential, configurationName, name, option, AllowRedirection, ct));
            WriteSession(session);
        }, target.ComputerName);
    }
}
