namespace PsrpEmulator.Cli;

/// <summary>Why Kestrel could not listen (an address in use, a port the user may not bind), as one line, not a stack trace.</summary>
internal static class ListenFailure
{
    public static string? Describe(Exception e) => e switch
    {
        IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException } => e.Message,
        IOException when e.Message.StartsWith("Failed to bind", StringComparison.Ordinal) => e.Message,
        System.Net.Sockets.SocketException socket => socket.Message,
        _ => null,
    };
}
