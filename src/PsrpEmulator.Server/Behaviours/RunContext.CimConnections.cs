using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// A CIM cmdlet asked for another computer from inside a session (Get-CimInstance -ComputerName, New-CimSession): CIM
/// over WS-Man, so WinRM's client decides before anything is sent, as for Invoke-Command (see the default scenario's
/// second hops). The emulated computers are in a workgroup with the client's defaults (TrustedHosts empty, Negotiate):
/// a computer not in TrustedHosts is ERROR_WSMAN_SERVER_NOTTRUSTED (0x803380e4), whether or not its name resolves;
/// one in it is ERROR_WSMAN_NAME_NOT_RESOLVED (0x803381b9) for a name that does not resolve, WinRM's "cannot complete
/// the operation" (0x80338126) for a computer that drops WinRM's port, and the double hop (NTLM with the session's
/// logon, which holds no credentials to pass on: 0x8009030e) for one that lets it in. The cmdlet writes WinRM's own
/// message in a CimException, its id the message's HRESULT (as a module's tests expect them:
/// <c>HRESULT 0x803380e4,Microsoft.Management.Infrastructure.CimCmdlets.NewCimSessionCommand</c>), the target the
/// operation's (<c>root\cimv2:Win32_OperatingSystem</c> for Get-CimInstance). UNVERIFIED: the category (ConnectionError
/// for all, as users quote it for 0x80338126), and the RemotingErrorRecord's origin, which the record does not carry here.
/// </summary>
internal sealed partial class RunContext
{
    private const string WinRmServerNotTrusted =
        "The WinRM client cannot process the request. If the authentication scheme is different from Kerberos, or if the client computer is not joined to a domain, " +
        "then HTTPS transport must be used or the destination machine must be added to the TrustedHosts configuration setting. Use winrm.cmd to configure TrustedHosts. " +
        "Note that computers in the TrustedHosts list might not be authenticated. You can get more information about that by running the following command: winrm help config.";

    private const string WinRmNameNotResolved = "The WinRM client cannot process the request because the server name cannot be resolved.";

    private const string WinRmCannotComplete =
        "WinRM cannot complete the operation. Verify that the specified computer name is valid, that the computer is accessible over the network, and that a firewall exception " +
        "for the WinRM service is enabled and allows access from this computer. By default, the WinRM firewall exception for public profiles limits access to remote computers " +
        "within the same local subnet. ";

    private const string WinRmNoLogonSession =
        "WinRM cannot process the request. The following error with errorcode 0x8009030e occurred while using Negotiate authentication: A specified logon session does not exist. " +
        "It may already have been terminated.  \r\n Possible causes are:\r\n  -The user name or password specified are invalid.\r\n" +
        "  -Kerberos is used when no authentication method and no user name are specified.\r\n  -Kerberos accepts domain user names, but not local user names.\r\n" +
        "  -The Service Principal Name (SPN) for the remote computer name and port does not exist.\r\n" +
        "  -The client and remote computers are in different domains and there is no trust between the two domains.\r\n After checking for the above issues, try the following:\r\n" +
        "  -Check the Event Viewer for events related to authentication.\r\n" +
        "  -Change the authentication method; add the destination computer to the WinRM TrustedHosts configuration setting or use HTTPS transport.\r\n" +
        " Note that computers in the TrustedHosts list might not be authenticated.\r\n   -For more information about WinRM configuration, run the following command: winrm help config.";

    /// <summary>
    /// The error a CIM cmdlet writes for another computer it would reach over WS-Man (see the class's summary); null
    /// when it would connect: with <paramref name="credential"/> to a computer in TrustedHosts that lets WinRM in.
    /// </summary>
    private ScriptedError? CimConnectionError(string command, string computer, string? target, bool credential)
    {
        var trustedHosts = Host.WsManConfiguration?.FirstOrDefault(e => e.Path.Equals(TrustedHosts.Path, StringComparison.OrdinalIgnoreCase))?.Value;
        var (message, hresult) = !TrustedHosts.Matches(trustedHosts, computer) ? (WinRmServerNotTrusted, "0x803380e4")
            : ResolveForTcp(computer, WinRmHttpPort) is not var (_, letsIn) ? (WinRmNameNotResolved, "0x803381b9")
            : !letsIn ? (WinRmCannotComplete, "0x80338126")
            : credential ? (null, null)
            : (WinRmNoLogonSession, "0x8009030e");
        if (message is null) return null;
        return new ScriptedError(message, $"HRESULT {hresult},{CmdletClass(command)}", ErrorCategory.ConnectionError, "Microsoft.Management.Infrastructure.CimException", target)
        {
            Activity = command,
        };
    }
}
