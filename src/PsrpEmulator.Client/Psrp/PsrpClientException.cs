namespace PsrpEmulator.Client.Psrp;

/// <summary>The server broke the PSRP conversation (bad fragments, unexpected messages, a Broken pool).</summary>
public sealed class PsrpClientException(string message, Exception? inner = null) : Exception(message, inner);
