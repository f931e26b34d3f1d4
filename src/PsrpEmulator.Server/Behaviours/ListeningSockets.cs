namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The sockets a fresh Windows Server 2019 listens on, as netstat, Get-NetTCPConnection and Test-NetConnection see them:
/// TCP 135 (RpcSs), 445, 5985 and 47001 (System, PID 4: http.sys and SMB) on 0.0.0.0 and ::, and UDP 123 (W32Time) on
/// 0.0.0.0. The services' sockets are the svchost Get-Process, tasklist and Win32_Service list (PID 1868: the emulator's
/// one service host, where Windows runs several). The values are the emulator's (UNVERIFIED against a real server's
/// list); the WinRM connections of the emulator's clients are not listed.
/// </summary>
internal static class ListeningSockets
{
    /// <summary>One listening socket: protocol (TCP, UDP), local address, port, owning process and, for svchost, its service.</summary>
    public sealed record Socket(string Protocol, string Address, int Port, int ProcessId, string? Service);

    /// <summary>The TCP ports something listens on.</summary>
    public static readonly int[] TcpPorts = [135, 445, 5985, 47001];

    /// <summary>Every listener in netstat's order: IPv4 TCP by port, IPv6 TCP, then UDP.</summary>
    public static readonly IReadOnlyList<Socket> All =
    [
        .. TcpPorts.Select(p => Tcp("0.0.0.0", p)),
        .. TcpPorts.Select(p => Tcp("::", p)),
        new Socket("UDP", "0.0.0.0", 123, ServiceHostId, "W32Time"),
    ];

    /// <summary>The computer's service host (svchost.exe), as Get-Process and Win32_Service give its id.</summary>
    public const int ServiceHostId = 1868;

    /// <summary>The process that owns a TCP port's listener: svchost for the endpoint mapper, System for the others.</summary>
    public static int TcpOwner(int port) => port == 135 ? ServiceHostId : 4;

    private static Socket Tcp(string address, int port) => new("TCP", address, port, TcpOwner(port), port == 135 ? "RpcSs" : null);
}
