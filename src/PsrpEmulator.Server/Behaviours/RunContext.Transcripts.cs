using System.Globalization;
using System.Text;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Start-Transcript and Stop-Transcript in a remote session (Windows PowerShell 5.1 transcribes there too): the file on
/// the computer's disk gets 5.1's header (the user, the configuration, the machine, wsmprovhost.exe, the versions) and,
/// at Stop-Transcript, its end; "Transcript started, output file is ..." is the command's output. What a remote
/// session's commands write between them is not recorded in the file here (UNVERIFIED what Windows records there: the
/// output goes to the client, not through the server's host).
/// </summary>
internal sealed partial class RunContext
{
    private const string TranscriptRule = "**********************";

    private async ValueTask StartTranscriptAsync(VirtualFileSystem disk, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string command = "Start-Transcript";
        var given = (arguments["Path"] ?? arguments["LiteralPath"]) is { } pathWord ? PipelineVariables.Display(await ArgumentAsync(pathWord, to, blockNesting)) : null;
        var now = time.GetUtcNow();
        if (given is null)
        {
            // PSHostUserInterface.GetTranscriptPath: PowerShell_transcript.COMPUTER.random8.yyyyMMddHHmmss.txt in the
            // output directory, else in the user's Documents.
            var directory = arguments["OutputDirectory"] is { } directoryWord
                ? PipelineVariables.Display(await ArgumentAsync(directoryWord, to, blockNesting))
                : (host.EnvironmentVariable("USERPROFILE") ?? @"C:\Users\Default") + @"\Documents";
            var random = Convert.ToHexString(Guid.NewGuid().ToByteArray().AsSpan(0, 4)).ToLowerInvariant();
            given = directory.TrimEnd('\\') + "\\PowerShell_transcript." + (host.EnvironmentVariable("COMPUTERNAME") ?? "localhost") + "." + random + "." +
                now.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + ".txt";
        }

        var path = VirtualFileSystem.FullPath(given, CurrentDirectory, out var invalid);
        ScriptedError CannotStart(string reason) => new($"Transcription cannot be started due to the error: {reason}",
            $"CannotStartTranscription,Microsoft.PowerShell.Commands.StartTranscriptCommand", ErrorCategory.InvalidOperation, "System.Management.Automation.PSInvalidOperationException")
        {
            Activity = command,
        };
        if (path is null) throw new StatementTerminatedException(CannotStart($"The given path's format is not supported."));
        var existing = disk.Get(path);
        if (existing is { IsDirectory: true }) throw new StatementTerminatedException(CannotStart($"Access to the path '{path}' is denied."));
        var append = arguments.Has("Append");
        if (existing is not null && arguments.Has("NoClobber") && !append)
        {
            throw new StatementTerminatedException(new ScriptedError($"File {path} already exists and NoClobber was specified.",
                "NoClobber,Microsoft.PowerShell.Commands.StartTranscriptCommand", ErrorCategory.ResourceExists, "System.UnauthorizedAccessException", path) { Activity = command });
        }

        // The transcript's folder is made when missing, as the host's transcription does.
        if (VirtualFileSystem.ParentOf(path) is { } parent && disk.Get(parent) is null && disk.CreateDirectory(parent) is not FileSystemFailure.None and var made)
        {
            throw new StatementTerminatedException(CannotStart(FileSystemMessage(made, parent)));
        }

        var user = host.EnvironmentVariable("USERDOMAIN") is { } domain ? $"{domain}\\{host.EnvironmentVariable("USERNAME")}" : host.EnvironmentVariable("USERNAME") ?? string.Empty;
        var computer = host.EnvironmentVariable("COMPUTERNAME") ?? "localhost";
        var configuration = host.AutomaticVariable("PSSenderInfo") is PsObject sender && sender["ConfigurationName"].AsString() is { } name ? name : "Microsoft.PowerShell";
        var processId = host.AutomaticVariable("PID") is PsPrimitive { Value: int pid } ? pid : 0;
        var header = new StringBuilder()
            .Append(TranscriptRule).Append("\r\n")
            .Append("Windows PowerShell transcript start\r\n")
            .Append("Start time: ").Append(now.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("Username: ").Append(user).Append("\r\n")
            .Append("RunAs User: ").Append(user).Append("\r\n")
            .Append("Configuration Name: ").Append(configuration).Append("\r\n")
            .Append("Machine: ").Append(computer).Append(" (Microsoft Windows NT 10.0.17763.0)\r\n")
            .Append("Host Application: C:\\Windows\\system32\\wsmprovhost.exe -Embedding\r\n")
            .Append("Process ID: ").Append(processId.ToString(CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("PSVersion: 5.1.17763.1\r\nPSEdition: Desktop\r\nPSCompatibleVersions: 1.0, 2.0, 3.0, 4.0, 5.0, 5.1.17763.1\r\nBuildVersion: 10.0.17763.1\r\n")
            .Append("CLRVersion: 4.0.30319.42000\r\nWSManStackVersion: 3.0\r\nPSRemotingProtocolVersion: 2.3\r\nSerializationVersion: 1.1.0.1\r\n")
            .Append(TranscriptRule).Append("\r\n")
            .ToString();
        // UTF-8 with a byte order mark, as the host's StreamWriter writes the file; -Append adds to what is there.
        var bytes = existing is not null && append ? Encoding.UTF8.GetBytes(header) : [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(header)];
        var written = disk.Write(path, bytes, existing is not null && append ? FileWriteMode.Append : FileWriteMode.Create);
        if (written != FileSystemFailure.None) throw new StatementTerminatedException(CannotStart(FileSystemMessage(written, path)));
        (scope.Variables.Runspace.Transcripts ??= []).Add(path);
        await output.WriteAsync(new PipelineOutput(PsPrimitive.String($"Transcript started, output file is {given}")), cancellationToken);
    }

    private async ValueTask StopTranscriptAsync(VirtualFileSystem disk, IPipelineHost output)
    {
        var runspace = scope.Variables.Runspace;
        if (runspace.Transcripts is not { Count: > 0 } transcripts)
        {
            throw new StatementTerminatedException(new ScriptedError("An error occurred stopping transcription: The host is not currently transcribing.",
                "CannotStopTranscription,Microsoft.PowerShell.Commands.StopTranscriptCommand", ErrorCategory.InvalidOperation, "System.Management.Automation.PSInvalidOperationException")
            {
                Activity = "Stop-Transcript",
            });
        }

        var path = transcripts[^1];
        transcripts.RemoveAt(transcripts.Count - 1);
        if (transcripts.Count == 0) runspace.Transcripts = null;
        var footer = $"{TranscriptRule}\r\nWindows PowerShell transcript end\r\nEnd time: {time.GetUtcNow().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}\r\n{TranscriptRule}\r\n";
        disk.Write(path, Encoding.UTF8.GetBytes(footer), FileWriteMode.Append);
        await output.WriteAsync(new PipelineOutput(PsPrimitive.String($"Transcript stopped, output file is {path}")), cancellationToken);
    }

    // A disk failure in .NET's words, for the transcription's error.
    private static string FileSystemMessage(FileSystemFailure failure, string path) => failure switch
    {
        FileSystemFailure.DiskFull => "There is not enough space on the disk.",
        FileSystemFailure.AccessDenied => $"Access to the path '{path}' is denied.",
        _ => $"Could not find a part of the path '{path}'.",
    };
}
