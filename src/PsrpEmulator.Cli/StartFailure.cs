namespace PsrpEmulator.Cli;

/// <summary>
/// Why an emulator could not start, as one line and an exit code rather than a stack trace: options it refused (2), or
/// an address Kestrel could not listen on (in use, a port the user may not bind: 1). Null for another exception.
/// </summary>
internal static class StartFailure
{
    public static (string Line, int ExitCode)? Of(Exception e) => e switch
    {
        Microsoft.Extensions.Options.OptionsValidationException invalid => ($"psrp-emulator: invalid options: {string.Join("; ", invalid.Failures)}", 2),
        IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException } => ($"psrp-emulator: cannot listen: {e.Message}", 1),
        IOException when e.Message.StartsWith("Failed to bind", StringComparison.Ordinal) => ($"psrp-emulator: cannot listen: {e.Message}", 1),
        System.Net.Sockets.SocketException socket => ($"psrp-emulator: cannot listen: {socket.Message}", 1),
        _ => null,
    };
}
