namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// SmbShare's live tables, Get-SmbSession, Get-SmbOpenFile, Get-SmbConnection and Get-SmbMapping: nothing connects to
/// or from the emulated computers over SMB (a UNC path is one that does not exist), so each lists nothing, as a fresh
/// server that no client has reached shows. A filter (a session, a client, a server, a path) is a scenario error:
/// whether the cmdletization answers a name no session has with its not-found error is UNVERIFIED.
/// </summary>
internal sealed partial class RunContext
{
    internal static readonly string[] SmbSessionCommandNames = ["Get-SmbSession", "Get-SmbOpenFile", "Get-SmbConnection", "Get-SmbMapping"];

    private static readonly string[] CimCommonParameters = ["CimSession", "ThrottleLimit", "AsJob"];

    /// <summary>
    /// Each command's filters (as the Windows Server 2019 docs list them, and a real Server 2019's module has them: the
    /// docs' Get-SmbConnection -ShareName is a later module's), then CIM's common parameters.
    /// </summary>
    internal static string[] SmbSessionParameters(string command) => [.. SmbSessionFilters(command), .. CimCommonParameters];

    private static string[] SmbSessionFilters(string command) => command switch
    {
        "Get-SmbSession" => ["SessionId", "ClientComputerName", "ClientUserName", "ScopeName", "ClusterNodeName", "IncludeHidden", "SmbInstance"],
        "Get-SmbOpenFile" => ["FileId", "SessionId", "ClientComputerName", "ClientUserName", "ScopeName", "ClusterNodeName", "IncludeHidden", "SmbInstance"],
        "Get-SmbConnection" => ["ServerName", "UserName", "SmbInstance"],
        _ => ["LocalPath", "RemotePath"],
    };

    private static void RunSmbSessionCommand(string command, StageArguments arguments) =>
        RefuseNotEmulated(command, arguments, [.. SmbSessionFilters(command), "CimSession", "AsJob"]);
}
