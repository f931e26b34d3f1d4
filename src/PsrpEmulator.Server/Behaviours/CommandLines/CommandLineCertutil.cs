using System.Security.Cryptography;
using System.Text;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// The certutil verbs batch scripts use on files, over the computer's disk: <c>-hashfile FILE [MD5|SHA1|SHA256|SHA384|SHA512]</c>
/// (SHA1 by default; "SHA256 hash of FILE:", the hash in lower-case hex without blanks as Windows 10 and Server 2016 on
/// write it), <c>-encode IN OUT</c> (base64 in 64-character lines between "-----BEGIN CERTIFICATE-----" and
/// "-----END CERTIFICATE-----") and <c>-decode IN OUT</c> (the base64 between any such lines, or all of the file),
/// each with its "Input Length = n" / "Output Length = n" lines and "CertUtil: -verb command completed successfully."
/// An output file that exists is refused unless <c>-f</c> comes first ("0x80070050 (WIN32: 80 ERROR_FILE_EXISTS)").
/// A failure is "CertUtil: -verb command FAILED: 0x... (...)" and its message, on stdout, the HRESULT the exit code.
/// UNVERIFIED: the bad-data HRESULT of -decode, and the messages' exact words beyond the file errors. Other verbs
/// (-store, -urlcache, -dump...), MD2 and MD4 are not emulated.
/// </summary>
internal sealed class CertutilScript(string line, IReadOnlyList<string> arguments) : ICommandLineScript
{
    private const int FileNotFound = unchecked((int)0x80070002);
    private const int PathNotFound = unchecked((int)0x80070003);
    private const int AccessDenied = unchecked((int)0x80070005);
    private const int FileExists = unchecked((int)0x80070050);
    private const int InvalidData = unchecked((int)0x8007000D);
    private const int BadAlgorithm = unchecked((int)0x80090008);

    public string Description => "certutil";

    public static bool TryParse(string line, out CertutilScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count < 2 || !CommandLineText.IsProgram(tokens[0].Value, "certutil")) return false;
        script = new CertutilScript(line, [.. tokens.Skip(1).Select(t => t.Value)]);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        // Options before the verb: -f (overwrite), -v, -silent.
        var force = false;
        var i = 0;
        for (; i < arguments.Count && IsOption(arguments[i]) && Verb(arguments[i]) is "f" or "v" or "silent"; i++) force |= Verb(arguments[i]) == "f";
        if (host.FileSystem is not { } disk || i >= arguments.Count || !IsOption(arguments[i])) return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
        var verb = Verb(arguments[i]);
        var operands = arguments.Skip(i + 1).ToList();
        var cd = host.Facts.GetValueOrDefault("cd") ?? @"C:\";
        switch (verb)
        {
            case "hashfile" when operands.Count is 1 or 2:
            {
                var algorithm = operands.Count == 2 ? operands[1].ToUpperInvariant() : "SHA1";
                if (algorithm is "MD2" or "MD4") return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
                if (algorithm is not ("MD5" or "SHA1" or "SHA256" or "SHA384" or "SHA512"))
                {
                    return await FailedAsync(host, verb, BadAlgorithm, "(-2146893816 NTE_BAD_ALGID)", "Invalid algorithm specified.", cancellationToken).ConfigureAwait(false);
                }

                var (content, code) = Read(disk, operands[0], cd);
                if (code == 1) return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
                if (content is null) return await FileFailedAsync(host, verb, code, cancellationToken).ConfigureAwait(false);
                var hash = algorithm switch
                {
                    "MD5" => MD5.HashData(content),
                    "SHA1" => SHA1.HashData(content),
                    "SHA256" => SHA256.HashData(content),
                    "SHA384" => SHA384.HashData(content),
                    _ => SHA512.HashData(content),
                };
                await host.WriteTextAsync(WinRsStreams.Stdout, $"{algorithm} hash of {operands[0]}:\r\n{Convert.ToHexStringLower(hash)}\r\n{Succeeded(verb)}", cancellationToken).ConfigureAwait(false);
                return 0;
            }

            case "encode" or "decode" when operands.Count == 2:
            {
                var (content, code) = Read(disk, operands[0], cd);
                if (code == 1) return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
                if (content is null) return await FileFailedAsync(host, verb, code, cancellationToken).ConfigureAwait(false);
                byte[] output;
                if (verb == "encode")
                {
                    output = Encoding.ASCII.GetBytes(Encode(content));
                }
                else if (Decode(content) is { } decoded)
                {
                    output = decoded;
                }
                else
                {
                    return await FailedAsync(host, verb, InvalidData, "(WIN32: 13 ERROR_INVALID_DATA)", "The data is invalid.", cancellationToken).ConfigureAwait(false);
                }

                var target = VirtualFileSystem.FullPath(operands[1], cd, out _);
                if (target is null) return await FileFailedAsync(host, verb, PathNotFound, cancellationToken).ConfigureAwait(false);
                if (disk.Get(target) is { } existing)
                {
                    if (!force || existing.IsDirectory) return await FileFailedAsync(host, verb, existing.IsDirectory ? AccessDenied : FileExists, cancellationToken).ConfigureAwait(false);
                }

                var written = disk.Write(target, output, FileWriteMode.Create);
                if (written != FileSystemFailure.None)
                {
                    return await FileFailedAsync(host, verb, written is FileSystemFailure.ParentNotFound or FileSystemFailure.DriveNotFound or FileSystemFailure.InvalidPath ? PathNotFound : AccessDenied, cancellationToken).ConfigureAwait(false);
                }

                await host.WriteTextAsync(WinRsStreams.Stdout, $"Input Length = {content.Length}\r\nOutput Length = {output.Length}\r\n{Succeeded(verb)}", cancellationToken).ConfigureAwait(false);
                return 0;
            }

            default:
                return await NotEmulatedAsync(host, cancellationToken).ConfigureAwait(false);
        }
    }

    // A file's bytes; else null and the HRESULT of why (1: a program whose bytes the emulator does not hold).
    private static (byte[]? Content, int Code) Read(VirtualFileSystem disk, string given, string cd)
    {
        var path = VirtualFileSystem.FullPath(given, cd, out _);
        if (path is null) return (null, PathNotFound);
        return disk.Read(path, out var content) switch
        {
            FileSystemFailure.None => (content, 0),
            FileSystemFailure.ContentNotHeld => (null, 1),
            FileSystemFailure.NotFound => (null, FileNotFound),
            FileSystemFailure.IsDirectory => (null, AccessDenied),
            _ => (null, PathNotFound),
        };
    }

    private static string Encode(byte[] content)
    {
        var base64 = Convert.ToBase64String(content);
        var text = new StringBuilder("-----BEGIN CERTIFICATE-----\r\n");
        for (var at = 0; at < base64.Length; at += 64) text.Append(base64, at, Math.Min(64, base64.Length - at)).Append("\r\n");
        return text.Append("-----END CERTIFICATE-----\r\n").ToString();
    }

    // The base64 between a -----BEGIN ...----- line and its -----END ...----- line, or the whole text without one.
    private static byte[]? Decode(byte[] content)
    {
        var text = Encoding.ASCII.GetString(content);
        var lines = text.Split('\n').Select(l => l.Trim()).ToList();
        var begin = lines.FindIndex(l => l.StartsWith("-----BEGIN ", StringComparison.Ordinal) && l.EndsWith("-----", StringComparison.Ordinal));
        if (begin >= 0)
        {
            var end = lines.FindIndex(begin + 1, l => l.StartsWith("-----END ", StringComparison.Ordinal));
            lines = lines.GetRange(begin + 1, (end < 0 ? lines.Count : end) - begin - 1);
        }

        var base64 = string.Concat(lines).Replace(" ", string.Empty, StringComparison.Ordinal).Replace("\t", string.Empty, StringComparison.Ordinal);
        var bytes = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, bytes, out var length) ? bytes[..length] : null;
    }

    private static bool IsOption(string argument) => argument.Length > 1 && argument[0] is '-' or '/';

    private static string Verb(string argument) => argument[1..].ToLowerInvariant();

    private static string Succeeded(string verb) => $"CertUtil: -{verb} command completed successfully.\r\n";

    private static Task<int> FileFailedAsync(ICommandLineHost host, string verb, int code, CancellationToken cancellationToken) => code switch
    {
        FileNotFound => FailedAsync(host, verb, code, "(WIN32: 2 ERROR_FILE_NOT_FOUND)", "The system cannot find the file specified.", cancellationToken),
        AccessDenied => FailedAsync(host, verb, code, "(WIN32: 5 ERROR_ACCESS_DENIED)", "Access is denied.", cancellationToken),
        FileExists => FailedAsync(host, verb, code, "(WIN32: 80 ERROR_FILE_EXISTS)", "The file exists.", cancellationToken),
        _ => FailedAsync(host, verb, PathNotFound, "(WIN32: 3 ERROR_PATH_NOT_FOUND)", "The system cannot find the path specified.", cancellationToken),
    };

    private static async Task<int> FailedAsync(ICommandLineHost host, string verb, int code, string reason, string message, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stdout, $"CertUtil: -{verb} command FAILED: 0x{code:x8} {reason}\r\nCertUtil: {message}\r\n", cancellationToken).ConfigureAwait(false);
        return code;
    }

    private async Task<int> NotEmulatedAsync(ICommandLineHost host, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor(line.Trim()), cancellationToken).ConfigureAwait(false);
        return 1;
    }
}
