using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The FileSystem provider's cmdlets on the computer's disk (<see cref="VirtualFileSystem"/>), as Windows PowerShell 5.1
/// runs them when no rule answers the text: Test-Path, Get-Content, Set-Content, Add-Content, Out-File (and the
/// <c>&gt;</c> / <c>&gt;&gt;</c> redirections), New-Item (mkdir, md), Remove-Item, Get-ChildItem, Get-Item,
/// Copy-Item, Move-Item, Rename-Item, Get-FileHash. Relative paths are relative to the session's location, the
/// user's Documents folder. Encodings as 5.1's: Set-Content and Add-Content write the ANSI code page (1252) unless
/// -Encoding says otherwise, Out-File and redirections UTF-16 with a byte order mark, Get-Content reads a byte order
/// mark or else ANSI.
/// </summary>
internal sealed partial class RunContext
{
    internal static readonly string[] FileInfoTypeNames = ["System.IO.FileInfo", "System.IO.FileSystemInfo", "System.MarshalByRefObject", "System.Object"];
    internal static readonly string[] DirectoryInfoTypeNames = ["System.IO.DirectoryInfo", "System.IO.FileSystemInfo", "System.MarshalByRefObject", "System.Object"];

    private static readonly HashSet<string> FileCommandNames = new(StringComparer.Ordinal)
    {
        "Test-Path", "Get-Content", "Set-Content", "Add-Content", "Out-File", "New-Item", "Remove-Item", "Get-ChildItem", "Get-Item",
        "Copy-Item", "Move-Item", "Rename-Item", "Get-FileHash", "Set-Location", "Push-Location", "Pop-Location", "Resolve-Path", "Convert-Path",
        "Export-Csv", "Import-Csv", "Export-Clixml", "Import-Clixml", "Select-String", "Set-Item", "Expand-Archive", "Compress-Archive", "New-TemporaryFile", "Clear-Content", "Unblock-File",
        "Get-ItemProperty", "Get-ItemPropertyValue", "Set-ItemProperty", "New-ItemProperty", "Remove-ItemProperty", "Rename-ItemProperty",
        "Get-Acl", "Set-Acl", "Start-Transcript", "Stop-Transcript",
    };

    // Their parameters, added to the value commands' (the common parameters are taken off before binding).
    private static readonly Dictionary<string, string[]> FileCommandParameters = new(StringComparer.Ordinal)
    {
        ["Test-Path"] = ["Path", "LiteralPath", "PathType", "IsValid", "Filter", "Include", "Exclude", "Credential", "OlderThan", "NewerThan"],
        ["Start-Transcript"] = ["Path", "LiteralPath", "OutputDirectory", "Append", "Force", "NoClobber", "IncludeInvocationHeader"],
        ["Stop-Transcript"] = [],
        ["Get-Content"] = ["Path", "LiteralPath", "TotalCount", "First", "Head", "Tail", "Last", "Raw", "Encoding", "ReadCount", "Delimiter", "Wait", "Filter", "Include", "Exclude", "Force", "Credential", "Stream"],
        ["Set-Content"] = ["Path", "LiteralPath", "Value", "Encoding", "NoNewline", "Force", "PassThru", "Filter", "Include", "Exclude", "Credential", "Stream", "WhatIf"],
        ["Add-Content"] = ["Path", "LiteralPath", "Value", "Encoding", "NoNewline", "Force", "PassThru", "Filter", "Include", "Exclude", "Credential", "Stream", "WhatIf"],
        ["Out-File"] = ["FilePath", "LiteralPath", "Encoding", "Append", "Force", "NoClobber", "Width", "NoNewline", "InputObject"],
        ["New-Item"] = ["Path", "Name", "ItemType", "Type", "Value", "Force", "Credential", "Transport", "Address", "HostName", "Enabled", "URLPrefix", "CertificateThumbPrint", "Port"],
        ["Remove-Item"] = ["Path", "LiteralPath", "Recurse", "Force", "Filter", "Include", "Exclude", "Credential", "Stream", "DeleteKey"],
        ["Get-ChildItem"] = ["Path", "LiteralPath", "Filter", "Include", "Exclude", "Recurse", "Depth", "Force", "Name", "File", "Directory", "Hidden", "ReadOnly", "System", "Attributes",
            "DnsName", "SSLServerAuthentication", "ExpiringInDays", "CodeSigningCert", "DocumentEncryptionCert", "Eku"],
        ["Get-Item"] = ["Path", "LiteralPath", "Filter", "Include", "Exclude", "Force", "Credential", "Stream"],
        ["Copy-Item"] = ["Path", "LiteralPath", "Destination", "Recurse", "Force", "PassThru", "Container", "Filter", "Include", "Exclude", "Credential"],
        ["Move-Item"] = ["Path", "LiteralPath", "Destination", "Force", "PassThru", "Filter", "Include", "Exclude", "Credential"],
        ["Rename-Item"] = ["Path", "LiteralPath", "NewName", "Force", "PassThru", "Credential"],
        ["Get-FileHash"] = ["Path", "LiteralPath", "Algorithm", "InputStream"],
        ["Set-Location"] = ["Path", "LiteralPath", "PassThru", "StackName"],
        ["Push-Location"] = ["Path", "LiteralPath", "PassThru", "StackName"],
        ["Pop-Location"] = ["PassThru", "StackName"],
        ["Resolve-Path"] = ["Path", "LiteralPath", "Relative", "Credential"],
        ["Convert-Path"] = ["Path", "LiteralPath"],
        ["Export-Csv"] = ["Path", "LiteralPath", "InputObject", "Delimiter", "NoTypeInformation", "Encoding", "Append", "Force", "NoClobber", "UseCulture"],
        ["Import-Csv"] = ["Path", "LiteralPath", "Delimiter", "Header", "Encoding", "UseCulture"],
        ["Export-Clixml"] = ["Path", "LiteralPath", "InputObject", "Depth", "Force", "NoClobber", "Encoding"],
        ["New-TemporaryFile"] = [],
        ["Clear-Content"] = ["Path", "LiteralPath", "Filter", "Include", "Exclude", "Force", "Credential", "Stream"],
        ["Unblock-File"] = ["Path", "LiteralPath", "WhatIf", "Confirm"],
        ["Expand-Archive"] = ["Path", "LiteralPath", "DestinationPath", "Force", "PassThru"],
        ["Compress-Archive"] = ["Path", "LiteralPath", "DestinationPath", "CompressionLevel", "Update", "Force", "PassThru"],
        ["Set-Item"] = ["Path", "LiteralPath", "Value", "Force", "PassThru", "Credential", "Concatenate"],
        ["Select-String"] = ["Pattern", "Path", "LiteralPath", "SimpleMatch", "CaseSensitive", "NotMatch", "AllMatches", "Quiet", "List", "Encoding", "Include", "Exclude", "Context", "InputObject"],
        ["Import-Clixml"] = ["Path", "LiteralPath", "First", "Skip", "IncludeTotalCount"],
        ["Get-ItemProperty"] = ["Path", "LiteralPath", "Name", "Filter", "Include", "Exclude", "Credential"],
        ["Get-ItemPropertyValue"] = ["Path", "LiteralPath", "Name", "Filter", "Include", "Exclude", "Credential"],
        ["Set-ItemProperty"] = ["Path", "LiteralPath", "Name", "Value", "Type", "InputObject", "PassThru", "Force", "Filter", "Include", "Exclude", "Credential"],
        ["New-ItemProperty"] = ["Path", "LiteralPath", "Name", "PropertyType", "Type", "Value", "Force", "Filter", "Include", "Exclude", "Credential"],
        ["Remove-ItemProperty"] = ["Path", "LiteralPath", "Name", "Force", "Filter", "Include", "Exclude", "Credential"],
        ["Rename-ItemProperty"] = ["Path", "LiteralPath", "Name", "NewName", "PassThru", "Force", "Filter", "Include", "Exclude", "Credential"],
        ["Get-Acl"] = ["Path", "LiteralPath", "InputObject", "Audit", "AllCentralAccessPolicies", "Filter", "Include", "Exclude"],
        ["Set-Acl"] = ["Path", "LiteralPath", "InputObject", "AclObject", "Passthru", "ClearCentralAccessPolicy", "Filter", "Include", "Exclude", "WhatIf"],
    };

    private static readonly HashSet<string> FileSwitches = new(StringComparer.Ordinal)
    {
        "IsValid", "Raw", "Wait", "NoNewline", "PassThru", "Append", "NoClobber", "Recurse", "Name", "File", "Directory", "Hidden", "ReadOnly", "System", "Container", "Relative", "NoTypeInformation", "UseCulture", "Update", "SimpleMatch", "CaseSensitive", "NotMatch", "AllMatches", "Quiet", "List",
        "Audit", "AllCentralAccessPolicies", "Passthru", "ClearCentralAccessPolicy", "DeleteKey", "SSLServerAuthentication", "CodeSigningCert", "DocumentEncryptionCert", "Concatenate",
    };

    // Their default aliases in Windows PowerShell 5.1 (mkdir and md are the mkdir function: New-Item -ItemType Directory).
    private static string? FileCommandAlias(string word) => word.ToUpperInvariant() switch
    {
        "GC" or "CAT" or "TYPE" => "Get-Content",
        "SC" => "Set-Content",
        "AC" => "Add-Content",
        "NI" => "New-Item",
        "RM" or "DEL" or "ERASE" or "RI" or "RD" or "RMDIR" => "Remove-Item",
        "GCI" or "LS" or "DIR" => "Get-ChildItem",
        "GI" => "Get-Item",
        "CP" or "COPY" or "CPI" => "Copy-Item",
        "MV" or "MOVE" or "MI" => "Move-Item",
        "REN" or "RNI" => "Rename-Item",
        "GP" => "Get-ItemProperty",
        "GPV" => "Get-ItemPropertyValue",
        "SP" => "Set-ItemProperty",
        "RP" => "Remove-ItemProperty",
        "RNP" => "Rename-ItemProperty",
        "CD" or "SL" or "CHDIR" => "Set-Location",
        "PUSHD" => "Push-Location",
        "POPD" => "Pop-Location",
        "RVPA" => "Resolve-Path",
        "CVPA" => "Convert-Path",
        "EPCSV" => "Export-Csv",
        "IPCSV" => "Import-Csv",
        _ => null,
    };

    /// <summary>The session's location (<c>$PWD</c>): Set-Location's, else the user's Documents folder, where a remote session starts.</summary>
    private string CurrentDirectory => scope.Variables.Runspace.Location ?? (host.EnvironmentVariable("USERPROFILE") ?? @"C:\Users\Default") + @"\Documents";

    private VirtualFileSystem Disk(string command) => host.FileSystem ??
        throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} needs the computer's disk, which this host has not: give the command a rule"));

    // ANSI (Windows-1252), what 5.1's FileSystem provider writes and reads by default.
    internal static Encoding Ansi => PsrpEmulator.Protocol.WsMan.WinRsCodePages.TryGet(1252) ?? Encoding.Latin1;

    private static readonly string[] EncodingNames = ["Unknown", "String", "Unicode", "Byte", "BigEndianUnicode", "UTF8", "UTF7", "UTF32", "Ascii", "Default", "Oem", "BigEndianUTF32"];

    /// <summary>-Encoding's value as 5.1's FileSystemCmdletProviderEncoding; null for Byte.</summary>
    private static Encoding? ContentEncoding(string command, string name) => name.ToUpperInvariant() switch
    {
        "UNKNOWN" or "STRING" or "UNICODE" => new UnicodeEncoding(bigEndian: false, byteOrderMark: true),
        "BIGENDIANUNICODE" => new UnicodeEncoding(bigEndian: true, byteOrderMark: true),
        "UTF8" => new UTF8Encoding(encoderShouldEmitUTF8Identifier: true),
        "UTF7" => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        "UTF32" => new UTF32Encoding(bigEndian: false, byteOrderMark: true),
        "BIGENDIANUTF32" => new UTF32Encoding(bigEndian: true, byteOrderMark: true),
        "ASCII" => Encoding.ASCII,
        "DEFAULT" => Ansi,
        "OEM" => PsrpEmulator.Protocol.WsMan.WinRsCodePages.TryGet(437) ?? Encoding.ASCII,
        "BYTE" => null,
        _ => throw new StatementTerminatedException(new ScriptedError(
            $"Cannot bind parameter 'Encoding'. Cannot convert value \"{name}\" to type \"Microsoft.PowerShell.Commands.FileSystemCmdletProviderEncoding\". Error: \"Unable to match the identifier name {name} to a valid enumerator name. Specify one of the following enumerator names and try again:\r\n{string.Join(", ", EncodingNames)}\"",
            $"CannotConvertArgumentNoMessage,{CmdletClass(command)}", ErrorCategory.InvalidArgument, "System.Management.Automation.ParameterBindingException")),
    };

    private async ValueTask RunFileCommandAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        // HKLM:\ and HKCU:\ (and the item-property cmdlets): the computer's registry.
        if (IsRegistryCommand(command, arguments))
        {
            await RunRegistryCommandAsync(command, arguments, [], to, output, blockNesting);
            return;
        }

        // The Env: drive (Test-Path env:CI, Get-ChildItem env:, Remove-Item env:X): the session's environment variables.
        if (command is "Test-Path" or "Get-Item" or "Get-ChildItem" or "Get-Content" or "Remove-Item" or "New-Item" or "Set-Item" &&
            (arguments["LiteralPath"] ?? arguments["Path"]) is { } envWord && EnvironmentDrive().IsMatch(envWord))
        {
            await EnvironmentDriveAsync(command, arguments, to, output, blockNesting);
            return;
        }

        // WSMan: (Get-Item WSMan:\localhost\MaxEnvelopeSizekb): the computer's WinRM configuration, read-only.
        if (IsWsManDriveCommand(command, arguments))
        {
            await WsManDriveAsync(command, arguments, to, output, blockNesting);
            return;
        }

        // Cert: (Get-ChildItem Cert:\LocalMachine\My): the computer's certificate stores.
        if (IsCertificateDriveCommand(command, arguments))
        {
            await CertificateDriveAsync(command, arguments, to, output, blockNesting);
            return;
        }

        // Function:, Variable: and Alias: (Test-Path function:Name, Get-ChildItem variable:, Packer's
        // Test-Path variable:global:ProgressPreference): what the current scope sees.
        if (IsSessionStateDriveCommand(command, arguments))
        {
            await SessionStateDriveAsync(command, arguments, to, output, blockNesting);
            return;
        }

        if (command == "Set-Item")
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault("Set-Item is emulated on the Env:, Function: and Variable: drives only: give the command a rule"));
        }

        var disk = Disk(command);
        switch (command)
        {
            case "Test-Path":
                foreach (var result in await TestPathAsync(disk, arguments, to, output, blockNesting)) await output.WriteAsync(new PipelineOutput(PsPrimitive.Boolean(result)), cancellationToken);
                return;
            case "Get-Content":
                await GetContentAsync(disk, arguments, to, output, blockNesting);
                return;
            case "Set-Content" or "Add-Content":
            {
                var values = arguments["Value"] is { } valueWord ? [.. ScriptExpressions.Enumerate(await ArgumentAsync(valueWord, to, blockNesting))] : new List<PsValue>();
                if (arguments["Value"] is null)
                {
                    throw new StatementTerminatedException(ParameterError(command, "Cannot process command because of one or more missing mandatory parameters: Value.", "MissingMandatoryParameter"));
                }

                await SetContentAsync(disk, command, arguments, values, to, output, blockNesting);
                return;
            }

            case "Out-File":
            {
                var values = arguments["InputObject"] is { } input ? [await ArgumentAsync(input, to, blockNesting)] : new List<PsValue>();
                await OutFileAsync(disk, arguments, values, to, output, blockNesting);
                return;
            }

            case "New-Item":
                await NewItemAsync(disk, arguments, to, output, blockNesting);
                return;
            case "Remove-Item":
                await RemoveItemAsync(disk, arguments, [], to, output, blockNesting);
                return;
            case "Get-ChildItem":
                await GetChildItemAsync(disk, arguments, to, output, blockNesting);
                return;
            case "Get-Item":
                foreach (var path in await PathsAsync(disk, command, arguments, to, output, blockNesting))
                {
                    await output.WriteAsync(new PipelineOutput(ItemObject(disk.Get(path)!, nameText: false)), cancellationToken);
                }

                return;
            case "Copy-Item" or "Move-Item":
                await CopyOrMoveAsync(disk, command, arguments, to, output, blockNesting);
                return;
            case "Rename-Item":
                await RenameItemAsync(disk, arguments, to, output, blockNesting);
                return;
            case "Get-FileHash":
                await GetFileHashAsync(disk, arguments, to, output, blockNesting);
                return;
            case "Get-Acl":
                await GetAclAsync(disk, arguments, [], to, output, blockNesting);
                return;
            case "Set-Acl":
                await SetAclAsync(disk, arguments, [], to, output, blockNesting);
                return;
            case "Set-Location" or "Push-Location" or "Pop-Location":
                await SetLocationAsync(disk, command, arguments, to, output, blockNesting);
                return;
            case "Export-Csv":
            {
                var values = arguments["InputObject"] is { } input ? [.. ScriptExpressions.Enumerate(await ArgumentAsync(input, to, blockNesting))] : new List<PsValue>();
                await ExportCsvAsync(disk, arguments, values, to, output, blockNesting);
                return;
            }

            case "Import-Csv":
                await ImportCsvAsync(disk, arguments, to, output, blockNesting);
                return;
            case "Export-Clixml":
                await ExportClixmlAsync(disk, arguments, arguments["InputObject"] is { } clixmlInput ? [await ArgumentAsync(clixmlInput, to, blockNesting)] : [], to, output, blockNesting);
                return;
            case "Import-Clixml":
                await ImportClixmlAsync(disk, arguments, to, output, blockNesting);
                return;
            case "Select-String":
                await SelectStringFilesAsync(disk, arguments, to, output, blockNesting);
                return;
            case "Start-Transcript":
                await StartTranscriptAsync(disk, arguments, to, output, blockNesting);
                return;
            case "Stop-Transcript":
                await StopTranscriptAsync(disk, output);
                return;
            case "New-TemporaryFile":
                // An empty tmpXXXX.tmp in the user's temp folder, as [IO.Path]::GetTempFileName makes it.
                await output.WriteAsync(new PipelineOutput(ItemObject(disk.Get(PipelineVariables.Display(TempFileName()))!, nameText: false)), cancellationToken);
                return;
            case "Clear-Content":
                foreach (var path in await PathsAsync(disk, command, arguments, to, output, blockNesting))
                {
                    if (await WhatIfAsync(arguments, "Clear Content", "Item: " + path)) continue;
                    var failure = disk.Get(path) is { IsDirectory: true } ? FileSystemFailure.IsDirectory : disk.Write(path, [], FileWriteMode.Create);
                    if (failure != FileSystemFailure.None) await WriteErrorAsync(IoError(command, "ClearContent", failure, path), output);
                }

                return;
            case "Unblock-File":
                // The files' Zone.Identifier streams go (the emulated disk keeps none: nothing else changes). A missing
                // path is UnblockFileCommand's FileNotFound (ItemNotFoundException's text); a folder FileNotFoundException's,
                // whose message is the path alone (5.1's IsValidFileForUnblocking).
                foreach (var path in await PathsAsync(disk, command, arguments, to, output, blockNesting, notFound: p => new ScriptedError($"Cannot find path '{p}' because it does not exist.",
                    "FileNotFound,Microsoft.PowerShell.Commands.UnblockFileCommand", ErrorCategory.ObjectNotFound, "System.Management.Automation.ItemNotFoundException", p) { Activity = command }))
                {
                    if (disk.Get(path) is { IsDirectory: true })
                    {
                        await WriteErrorAsync(new ScriptedError(path, "FileNotFound,Microsoft.PowerShell.Commands.UnblockFileCommand", ErrorCategory.ObjectNotFound, "System.IO.FileNotFoundException", path) { Activity = command }, output);
                        continue;
                    }

                    await WhatIfAsync(arguments, "Unblock-File", path);
                }

                return;
            case "Expand-Archive" or "Compress-Archive":
                try
                {
                    if (command == "Expand-Archive") await ExpandArchiveAsync(disk, arguments, to, output, blockNesting);
                    else await CompressArchiveAsync(disk, arguments, to, output, blockNesting);
                }
                catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
                {
                    // A damaged archive (an entry that does not inflate, a bad header): .NET's exception as the statement's error.
                    throw new StatementTerminatedException(ArchiveError(command, e.Message, e.GetType().Name, ErrorCategory.InvalidData, string.Empty));
                }

                return;
            case "Resolve-Path" or "Convert-Path":
                foreach (var path in await PathsAsync(disk, command, arguments, to, output, blockNesting))
                {
                    await output.WriteAsync(new PipelineOutput(command == "Convert-Path" ? PsPrimitive.String(path)
                        : arguments.Has("Relative") ? PsPrimitive.String(RelativePath(CurrentDirectory, path))
                        : PipelineVariables.PathInfo(path)), cancellationToken);
                }

                return;
        }
    }

    // Resolve-Path -Relative: the path from the location, as .\x or ..\x.
    private static string RelativePath(string from, string to)
    {
        var relative = Path.GetRelativePath(from.Replace('\\', '/'), to.Replace('\\', '/')).Replace('/', '\\');
        return relative.StartsWith("..", StringComparison.Ordinal) ? relative : ".\\" + relative;
    }

    /// <summary>
    /// Set-Location (cd, sl, chdir), Push-Location (pushd) and Pop-Location (popd) on the C: drive: the session's location
    /// lasts for the session. A path that is not a folder is the cmdlet's PathNotFound; another drive (HKLM:, Cert:...)
    /// is not emulated.
    /// </summary>
    private async ValueTask SetLocationAsync(VirtualFileSystem disk, string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var runspace = scope.Variables.Runspace;
        string? target;
        if (command == "Pop-Location")
        {
            // Nothing pushed: 5.1's Pop-Location does nothing.
            if (runspace.LocationStack is not { Count: > 0 } stack) return;
            target = stack.Pop();
        }
        else
        {
            var word = arguments["LiteralPath"] ?? arguments["Path"];
            var given = word is null ? null : PipelineVariables.Display(await ArgumentAsync(word, to, blockNesting));
            // Without a path 5.1 stays where it is (PowerShell 6.2 and later go home); ~ is the home folder ($HOME).
            if (given is null) given = CurrentDirectory;
            else if (given.StartsWith('~')) given = (host.EnvironmentVariable("USERPROFILE") ?? @"C:\") + given[1..];
            CheckDiskDrive(command, given);

            if (UncAccessDenied(command, given, arguments["LiteralPath"] is not null) is { } denied) await WriteErrorAsync(denied, output);
            var expanded = ExpandPath(disk, command, given, arguments["LiteralPath"] is not null, out var error);
            if (error is not null)
            {
                await WriteErrorAsync(error, output);
                return;
            }

            target = expanded.FirstOrDefault(p => disk.Get(p) is { IsDirectory: true });
            if (target is null)
            {
                await WriteErrorAsync(PathNotFound(command, expanded.FirstOrDefault() ?? given), output);
                return;
            }

            if (command == "Push-Location") (runspace.LocationStack ??= new Stack<string>()).Push(CurrentDirectory);
        }

        runspace.Location = target;
        if (arguments.Has("PassThru")) await output.WriteAsync(new PipelineOutput(PipelineVariables.PathInfo(target)), cancellationToken);
    }

    // ---- -WhatIf ----

    /// <summary>The file cmdlets that take -WhatIf here (the FileSystem provider's ShouldProcess calls).</summary>
    private static readonly HashSet<string> WhatIfCommands = new(StringComparer.Ordinal)
    {
        "Set-Content", "Add-Content", "Out-File", "New-Item", "Remove-Item", "Copy-Item", "Move-Item", "Rename-Item", "Clear-Content",
        "Set-ItemProperty", "New-ItemProperty", "Remove-ItemProperty", "Rename-ItemProperty", "Set-Acl", "Unblock-File",
    };

    // The Yes to All / No to All one invocation answered (-Confirm asks once for all its items then).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<StageArguments, System.Runtime.CompilerServices.StrongBox<bool>> ConfirmedToAll = [];

    /// <summary>
    /// The provider's ShouldProcess before a change: under -WhatIf (or <c>$WhatIfPreference</c>) its "What if:" line goes
    /// to the host and the change is skipped (true); under -Confirm the host is asked (Yes, Yes to All, No, No to All:
    /// 5.1's confirmation, no Suspend remotely) and No skips it; otherwise false.
    /// </summary>
    private async ValueTask<bool> WhatIfAsync(StageArguments arguments, string operation, string target)
    {
        var description = $"Performing the operation \"{operation}\" on target \"{target}\".";
        var whatIf = arguments.Named.TryGetValue("WhatIf", out var given) ? given is null : ScriptExpressions.IsTrue(scope.Variables.Get("WhatIfPreference") ?? PsPrimitive.Boolean(false));
        if (whatIf)
        {
            await Host.SendHostCallAsync(RemoteHostMethodId.WriteLine2, [PsPrimitive.String("What if: " + description)], cancellationToken);
            return true;
        }

        if (arguments.Has("Confirm") && !await ConfirmAsync(arguments, description)) return true;
        // -Verbose: the operation, as ShouldProcess writes it before the cmdlet acts.
        if (_verboseSwitch) await Host.WriteAsync(new VerboseRecordMessage(description), cancellationToken);
        return false;
    }

    // The statement running now was given -Verbose (its ShouldProcess writes verbose records).
    private bool _verboseSwitch;

    /// <summary>
    /// A cmdlet's ShouldProcess at ConfirmImpact High (Unregister-ScheduledTask): the host is asked unless
    /// <c>-Confirm:$false</c> was given or <c>$ConfirmPreference</c> is None (-Confirm asks whatever the preference);
    /// true when the change goes ahead.
    /// </summary>
    /// <param name="providerWording">The question in a CIM provider's own words ("Performing operation 'X' on Target 'Y'."), as SMB's.</param>
    private async ValueTask<bool> ShouldProcessHighImpactAsync(StageArguments arguments, string operation, string target, bool providerWording = false)
    {
        if (arguments.Named.TryGetValue("Confirm", out var given))
        {
            if (given is not null) return true;
        }
        else if (ScriptParameters.ConfirmImpactLevel(scope.Variables.Get("ConfirmPreference")) is 0)
        {
            return true;
        }

        return await ConfirmAsync(arguments, providerWording ? $"Performing operation '{operation}' on Target '{target}'." : $"Performing the operation \"{operation}\" on target \"{target}\".");
    }

    /// <summary>
    /// Asks the host (Yes, Yes to All, No, No to All: 5.1's confirmation, no Suspend remotely) and says whether to go on;
    /// a Yes to All or No to All answers the rest of the invocation's items. No host UI: HostException, as 5.1's.
    /// </summary>
    private async ValueTask<bool> ConfirmAsync(StageArguments arguments, string description)
    {
        if (ConfirmedToAll.TryGetValue(arguments, out var all)) return all.Value;
        if (!Host.HasHostUI)
        {
            throw new StatementTerminatedException(new ScriptedError(HostFunctionPromptNotImplementedMessage + ConfirmMessage + description,
                "HostFunctionNotImplemented", ErrorCategory.NotImplemented, "System.Management.Automation.Host.HostException"));
        }

        switch (await PromptForChoiceAsync("ShouldProcess", 1, ConfirmCaption, ConfirmMessage + description, ConfirmChoices, 0))
        {
            case 1:
                ConfirmedToAll.AddOrUpdate(arguments, new(true));
                return true;
            case 2:
                return false;
            case 3:
                ConfirmedToAll.AddOrUpdate(arguments, new(false));
                return false;
            default:
                return true;
        }
    }

    // ---- paths ----

    // Another PowerShell drive (HKLM:, Cert:...) has no disk behind it here: a rule must answer.
    private static void CheckDiskDrive(string command, string path)
    {
        if (path.IndexOf(':', StringComparison.Ordinal) is var colon and > 1 && !path.Contains("::", StringComparison.Ordinal) && Drives.Contains(path[..colon]))
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} {path}: the {path[..colon]}: drive is not emulated: give the command a rule"));
        }
    }

    /// <summary>
    /// The full paths a path names: itself when it has no wildcard (whether or not it exists), else the items its
    /// wildcards match, in the disk's order. Null with the error for a path on a drive the computer lacks.
    /// </summary>
    private List<string> ExpandPath(VirtualFileSystem disk, string command, string path, bool literal, out ScriptedError? error)
    {
        // WSMan:\localhost\..., Cert:\...: not a missing file but a drive the emulator has no items for.
        CheckDiskDrive(command, path);
        error = null;
        var wild = !literal && VirtualFileSystem.HasWildcard(path);
        var full = wild ? VirtualFileSystem.FullPattern(path, CurrentDirectory, out var failure) : VirtualFileSystem.FullPath(path, CurrentDirectory, out failure);
        if (full is null)
        {
            error = failure == FileSystemFailure.DriveNotFound
                ? DriveError(command, path)
                : PathNotFound(command, path);
            return [];
        }

        if (!wild) return [full];
        // Wildcards: the full path's segments matched one by one.
        var segments = full[3..].Split('\\', StringSplitOptions.RemoveEmptyEntries);
        var current = new List<string> { @"C:\" };
        foreach (var segment in segments)
        {
            var next = new List<string>();
            var regex = VirtualFileSystem.HasWildcard(segment) ? VirtualFileSystem.Wildcard(segment) : null;
            foreach (var parent in current)
            {
                if (regex is not null)
                {
                    foreach (var child in disk.List(parent) ?? []) if (regex.IsMatch(child.Name)) next.Add(child.FullName);
                }
                else if (disk.Get(parent.Length <= 3 ? parent + segment : parent + "\\" + segment) is { } item)
                {
                    next.Add(item.FullName);
                }
            }

            current = next;
        }

        return current;
    }

    private static string ParentPathText(string fullPath) => VirtualFileSystem.ParentOf(fullPath) ?? fullPath;

    // SMB's port (the File and Printer Sharing (SMB-In) firewall rule's).
    private const int SmbPort = 445;

    /// <summary>
    /// A UNC path to a share of another computer, from inside a session: true when it is another of the emulator's
    /// computers whose firewall lets SMB in (the double hop: the session's network logon holds no credentials to pass
    /// on, so SMB connects anonymously and the share refuses it), false when the computer does not resolve or drops
    /// SMB (no network path); null for a path that is no UNC path of a share, names this computer, or has wildcards
    /// (unless literal).
    /// </summary>
    private bool? UncShareReachable(string path, bool literal)
    {
        var unc = path.Replace('/', '\\');
        var provider = unc.IndexOf("::", StringComparison.Ordinal);
        if (provider > 0) unc = unc[(provider + 2)..];
        if (!unc.StartsWith(@"\\", StringComparison.Ordinal) || (!literal && VirtualFileSystem.HasWildcard(unc))) return null;
        var end = unc.IndexOf('\\', 2);
        if (end <= 2 || end + 1 >= unc.Length || unc[end + 1] == '\\') return null;
        var server = unc[2..end];
        if (ReachesThisComputer(server)) return null;
        return ResolveForTcp(server, SmbPort) is (_, true);
    }

    /// <summary>
    /// The FileSystem provider's "Access is denied" (ItemExistsUnauthorizedAccessError, PermissionDenied) for a share
    /// the double hop cannot open (<see cref="UncShareReachable"/>), which it writes as it checks the path, before the
    /// cmdlet's own not-found error; null for any other path (one Windows finds no network path for is only not found).
    /// </summary>
    private ScriptedError? UncAccessDenied(string command, string path, bool literal)
    {
        if (UncShareReachable(path, literal) != true) return null;
        return new ScriptedError("Access is denied", $"ItemExistsUnauthorizedAccessError,{CmdletClass(command)}", ErrorCategory.PermissionDenied,
            "System.UnauthorizedAccessException", path) { Activity = command };
    }

    private static ScriptedError PathNotFound(string command, string path) => new(
        $"Cannot find path '{path}' because it does not exist.", $"PathNotFound,{CmdletClass(command)}", ErrorCategory.ObjectNotFound,
        "System.Management.Automation.ItemNotFoundException", path)
    { Activity = command };

    private static ScriptedError DriveError(string command, string path)
    {
        var drive = path.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 ? path[..colon] : path;
        return new ScriptedError($"Cannot find drive. A drive with the name '{drive}' does not exist.", $"DriveNotFound,{CmdletClass(command)}",
            ErrorCategory.ObjectNotFound, "System.Management.Automation.DriveNotFoundException", drive) { Activity = command };
    }

    // A provider's .NET failure as the cmdlet writes it (IOException and its kin, with .NET Framework's texts).
    private static ScriptedError IoError(string command, string id, FileSystemFailure failure, string fullPath)
    {
        if (failure == FileSystemFailure.ContentNotHeld) return ProgramContentNotEmulated(command, fullPath);
        var (message, exception, category) = failure switch
        {
            FileSystemFailure.ParentNotFound => ($"Could not find a part of the path '{fullPath}'.", "System.IO.DirectoryNotFoundException", ErrorCategory.ObjectNotFound),
            FileSystemFailure.IsDirectory or FileSystemFailure.Root or FileSystemFailure.AccessDenied => ($"Access to the path '{fullPath}' is denied.", "System.UnauthorizedAccessException", ErrorCategory.PermissionDenied),
            FileSystemFailure.DiskFull => ("There is not enough space on the disk.\r\n", "System.IO.IOException", ErrorCategory.WriteError),
            FileSystemFailure.AlreadyExists => ("Cannot create a file when that file already exists.\r\n", "System.IO.IOException", ErrorCategory.WriteError),
            FileSystemFailure.NotFound => ($"Could not find file '{fullPath}'.", "System.IO.FileNotFoundException", ErrorCategory.ObjectNotFound),
            _ => ($"The filename, directory name, or volume label syntax is incorrect.\r\n", "System.IO.IOException", ErrorCategory.WriteError),
        };
        var suffix = exception switch
        {
            "System.IO.DirectoryNotFoundException" => "DirectoryNotFoundError",
            "System.UnauthorizedAccessException" => "UnauthorizedAccessError",
            _ => "IOError",
        };
        return new ScriptedError(message, $"{id}{suffix},{CmdletClass(command)}", category, exception, fullPath) { Activity = command };
    }

    /// <summary>The scenario error for the bytes of one of Windows' program files, which the emulator does not hold.</summary>
    internal static ScriptedError ProgramContentNotEmulated(string command, string fullPath) =>
        ScriptedError.ScenarioFault($"{command}: the content of {fullPath} (a program file of Windows) is not emulated: give the command a rule");

    /// <summary>The words of -Path (or -LiteralPath), their texts.</summary>
    private async ValueTask<(List<string> Paths, bool Literal)> PathWordsAsync(string command, StageArguments arguments, IPipelineHost? to, int blockNesting, string pathParameter = "Path", string? fallback = null)
    {
        var literal = arguments["LiteralPath"] is not null;
        var word = arguments["LiteralPath"] ?? arguments[pathParameter];
        if (word is null)
        {
            if (fallback is not null) return ([fallback], false);
            throw new StatementTerminatedException(ParameterError(command, $"Cannot process command because of one or more missing mandatory parameters: {pathParameter}.", "MissingMandatoryParameter"));
        }

        // A mandatory -Path is checked as the binder checks it (Test-Path $null); an optional one (Get-ChildItem's) given
        // $null or nothing is as if not given.
        var parameter = literal ? "LiteralPath" : pathParameter;
        var values = fallback is null ? await MandatoryValuesAsync(command, parameter, word, to, blockNesting) : await ArgumentValuesAsync(word, to, blockNesting);
        if (values.Count == 0 || values is [var only] && ScriptExpressions.IsNull(only)) return ([fallback!], false);
        var paths = new List<string>(values.Count);
        foreach (var value in values)
        {
            if (ScriptExpressions.IsNull(value)) throw BindingValidation(command, parameter, "null", "Null");
            var text = value is PsObject item && item["FullName"] is { } fullName ? PipelineVariables.Display(fullName) : PipelineVariables.Display(value);
            if (text.Length == 0) throw BindingValidation(command, parameter, "an empty string", "EmptyString");

            paths.Add(text);
        }

        return (paths, literal);
    }

    /// <summary>The existing items the command's paths name; a path naming none is the cmdlet's PathNotFound error, written and gone on from.</summary>
    private async ValueTask<List<string>> PathsAsync(VirtualFileSystem disk, string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting, string? fallback = null, string? resolvedBy = null,
        Func<string, ScriptedError>? notFound = null)
    {
        var (words, literal) = await PathWordsAsync(command, arguments, to, blockNesting, fallback: fallback);
        return await ExistingPathsAsync(disk, command, words, literal, output, resolvedBy, notFound);
    }

    /// <summary>
    /// The existing items path words name (wildcards expanded); a missing one's error written (the cmdlet's
    /// PathNotFound, or <paramref name="notFound"/>'s for a cmdlet with an id of its own).
    /// </summary>
    private async ValueTask<List<string>> ExistingPathsAsync(VirtualFileSystem disk, string command, List<string> words, bool literal, IPipelineHost output, string? resolvedBy = null,
        Func<string, ScriptedError>? notFound = null)
    {
        var found = new List<string>();
        foreach (var path in words)
        {
            if (UncAccessDenied(resolvedBy ?? command, path, literal) is { } denied) await WriteErrorAsync(denied, output);
            var expanded = ExpandPath(disk, command, path, literal, out var error);
            if (error is not null)
            {
                await WriteErrorAsync(error, output);
                continue;
            }

            var existing = expanded.Where(p => disk.Get(p) is not null).ToList();
            if (existing.Count == 0 && (literal || !VirtualFileSystem.HasWildcard(path)))
            {
                var shown = expanded.FirstOrDefault() ?? path;
                await WriteErrorAsync(notFound?.Invoke(shown) ?? PathNotFound(resolvedBy ?? command, shown), output);
            }

            found.AddRange(existing);
        }

        return found;
    }

    // ---- items ----

    /// <summary>
    /// A FileInfo or DirectoryInfo as 5.1 writes one (two real exports agree): the .NET properties adapted (Props: a
    /// FileInfo's Name, Length, DirectoryName, Directory, IsReadOnly, Exists, FullName, Extension, the times, Attributes;
    /// a DirectoryInfo's Name, FullName, Parent, Exists, Root, Extension, the times, Attributes), then the provider's
    /// notes (PSPath, PSParentPath, PSChildName, PSDrive and PSProvider as objects, PSIsContainer) and the type table's
    /// Mode, VersionInfo (a file's), BaseName, Target and LinkType (MS), which the serializer writes one level less
    /// deep (VersionInfo as its text, Target an empty List`1). Its text is the name (<paramref name="nameText"/>:
    /// Get-ChildItem's items) or the full path.
    /// </summary>
    internal PsObject ItemObject(FileSystemItem item, bool nameText)
    {
        var provider = @"Microsoft.PowerShell.Core\FileSystem::";
        var parent = item.ParentPath;
        var extension = item.IsDirectory || item.Name.LastIndexOf('.') is not (var dot and >= 0) ? string.Empty : item.Name[dot..];
        var o = new PsObject(item.IsDirectory ? DirectoryInfoTypeNames : FileInfoTypeNames) { ToStringValue = nameText ? item.Name : item.FullName };
        var times = new PsProperty[]
        {
            new("Extension", PsPrimitive.String(extension)),
            new("CreationTime", PsPrimitive.DateTime(item.CreationTime)),
            new("CreationTimeUtc", PsPrimitive.DateTime(item.CreationTime, DateTimeKind.Utc)),
            new("LastAccessTime", PsPrimitive.DateTime(item.LastWriteTime)),
            new("LastAccessTimeUtc", PsPrimitive.DateTime(item.LastWriteTime, DateTimeKind.Utc)),
            new("LastWriteTime", PsPrimitive.DateTime(item.LastWriteTime)),
            new("LastWriteTimeUtc", PsPrimitive.DateTime(item.LastWriteTime, DateTimeKind.Utc)),
            new("Attributes", PsObjects.Enum(["System.IO.FileAttributes", "System.Enum", "System.ValueType", "System.Object"],
                string.Join(", ", new[] { item.IsReadOnly ? "ReadOnly" : null, item.IsHidden ? "Hidden" : null, item.IsDirectory ? "Directory" : "Archive" }.OfType<string>()),
                (item.IsReadOnly ? 1 : 0) | (item.IsHidden ? 2 : 0) | (item.IsDirectory ? 16 : 32))),
        };
        if (!item.IsDirectory)
        {
            // Directory (Parent, Root) is an object in the session (.Directory.FullName); remoting writes it as its text.
            o.AdaptedProperties.AddRange(
            [
                new("Name", PsPrimitive.String(item.Name)), new("Length", PsPrimitive.Int64(item.Length)), new("DirectoryName", PsPrimitive.String(parent)),
                new("Directory", DirectoryObject(parent, parent)), new("IsReadOnly", PsPrimitive.Boolean(item.IsReadOnly)), new("Exists", PsPrimitive.Boolean(true)),
                new("FullName", PsPrimitive.String(item.FullName)),
            ]);
        }
        else
        {
            o.AdaptedProperties.AddRange(
            [
                new("Name", PsPrimitive.String(item.Name)), new("FullName", PsPrimitive.String(item.FullName)),
                new("Parent", parent.Length == 0 ? PsNil.Instance : DirectoryObject(parent, VirtualFileSystem.NameOf(parent))),
                new("Exists", PsPrimitive.Boolean(true)), new("Root", DirectoryObject(@"C:\", @"C:\")),
            ]);
        }

        o.AdaptedProperties.AddRange(times);
        o.With("PSPath", provider + item.FullName)
            .With("PSParentPath", parent.Length == 0 ? string.Empty : provider + parent)
            .With("PSChildName", item.Name)
            .With("PSDrive", FileSystemDriveObject())
            .With("PSProvider", FileSystemProviderObject((PsObject)o["PSDrive"]!))
            .With("PSIsContainer", item.IsDirectory)
            .With("Mode", (item.IsDirectory ? "d" : "-") + (item.IsDirectory ? "-" : "a") + (item.IsReadOnly ? "r" : "-") + (item.IsHidden ? "h" : "-") + "--");
        if (!item.IsDirectory) o.With("VersionInfo", FileVersionInfoOfFile(item.FullName, item.Name));
        return o.With("BaseName", item.IsDirectory ? item.Name : item.Name[..(item.Name.Length - extension.Length)])
            .With("Target", PsObjects.List([], LinkTargetTypeNames))
            .With("LinkType", PsNil.Instance);
    }

    // A FileSystemInfo's Target: .NET Framework's List<string> of a link's targets, empty for a plain file or folder.
    private static readonly string[] LinkTargetTypeNames =
        ["System.Collections.Generic.List`1[[System.String, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]", "System.Object"];

    /// <summary>
    /// A FileInfo's Directory or a DirectoryInfo's Parent and Root: a DirectoryInfo as .NET makes it (no provider notes),
    /// its text what .NET Framework's ToString gives (the full path for Directory, the name for Parent), so that remoting
    /// sends that text while a script reads <c>.Directory.FullName</c> or <c>.Parent.FullName</c>. Its own Parent is the
    /// text of the one above (a chain of objects is not made).
    /// </summary>
    private static PsObject DirectoryObject(string fullName, string text)
    {
        var name = VirtualFileSystem.NameOf(fullName);
        var above = VirtualFileSystem.ParentOf(fullName);
        // .NET's properties adapted, the type table's Mode and BaseName as members: remoting writes it as its text alone.
        var directory = new PsObject(DirectoryInfoTypeNames) { ToStringValue = text };
        directory.AdaptedProperties.AddRange(
        [
            new("Name", PsPrimitive.String(name.Length == 0 ? fullName : name)), new("FullName", PsPrimitive.String(fullName)),
            new("Parent", above is { Length: > 0 } ? PsPrimitive.String(VirtualFileSystem.NameOf(above) is { Length: > 0 } aboveName ? aboveName : above) : PsNil.Instance),
            new("Exists", PsPrimitive.Boolean(true)), new("Root", PsPrimitive.String(@"C:\")), new("Extension", PsPrimitive.String(string.Empty)),
        ]);
        return directory.With("Mode", "d-----").With("BaseName", name.Length == 0 ? fullName : name);
    }

    // ---- Test-Path ----

    private async ValueTask<List<bool>> TestPathAsync(VirtualFileSystem disk, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var (paths, literal) = await PathWordsAsync("Test-Path", arguments, to, blockNesting);
        var pathType = arguments["PathType"] is { } typeWord ? PipelineVariables.Display(await ArgumentAsync(typeWord, to, blockNesting)) : "Any";
        if (!pathType.Equals("Any", StringComparison.OrdinalIgnoreCase) && !pathType.Equals("Leaf", StringComparison.OrdinalIgnoreCase) && !pathType.Equals("Container", StringComparison.OrdinalIgnoreCase))
        {
            throw new StatementTerminatedException(ParameterError("Test-Path",
                $"Cannot bind parameter 'PathType'. Cannot convert value \"{pathType}\" to type \"Microsoft.PowerShell.Commands.TestPathType\". Error: \"Unable to match the identifier name {pathType} to a valid enumerator name. Specify one of the following enumerator names and try again:\r\nAny, Container, Leaf\"",
                "CannotConvertArgumentNoMessage"));
        }

        var results = new List<bool>(paths.Count);
        foreach (var path in paths)
        {
            CheckDiskDrive("Test-Path", path);

            if (arguments.Has("IsValid"))
            {
                results.Add(VirtualFileSystem.FullPath(path, CurrentDirectory, out var invalid) is not null || invalid == FileSystemFailure.DriveNotFound);
                continue;
            }

            if (UncAccessDenied("Test-Path", path, literal) is { } denied) await WriteErrorAsync(denied, output);
            var items = ExpandPath(disk, "Test-Path", path, literal, out _).Select(disk.Get).Where(i => i is not null).ToList();
            results.Add(items.Any(i => pathType.ToUpperInvariant() switch
            {
                "LEAF" => !i!.IsDirectory,
                "CONTAINER" => i!.IsDirectory,
                _ => true,
            }));
        }

        return results;
    }

    // ---- content ----

    /// <summary>A file's text as Get-Content reads it: a byte order mark's encoding, else <paramref name="fallback"/>.</summary>
    internal static string DecodeText(byte[] bytes, Encoding fallback) =>
        MarkedEncoding(bytes) is { } marked ? marked.GetString(bytes.AsSpan(marked.Preamble.Length)) : fallback.GetString(bytes);

    /// <summary>The encoding a file's byte order mark names; null without one.</summary>
    private static Encoding? MarkedEncoding(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? new UTF8Encoding(true)
        : bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]) ? new UTF32Encoding(false, true)
        : bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) ? new UnicodeEncoding(false, true)
        : bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ? new UnicodeEncoding(true, true)
        : null;

    /// <summary>Lines as a StreamReader's ReadLine splits them (CR, LF or CRLF; a final line end makes no empty line).</summary>
    internal static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is not ('\r' or '\n')) continue;
            lines.Add(text[start..i]);
            if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
            start = i + 1;
        }

        if (start < text.Length) lines.Add(text[start..]);
        return lines;
    }

    private async ValueTask GetContentAsync(VirtualFileSystem disk, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string command = "Get-Content";
        var encodingName = arguments["Encoding"] is { } encodingWord ? PipelineVariables.Display(await ArgumentAsync(encodingWord, to, blockNesting)) : "Default";
        var encoding = ContentEncoding(command, encodingName);
        var totalWord = arguments["TotalCount"] ?? arguments["First"] ?? arguments["Head"];
        var total = totalWord is null ? -1 : await IntegerArgumentAsync(totalWord, to, blockNesting);
        var tailWord = arguments["Tail"] ?? arguments["Last"];
        var tail = tailWord is null ? -1 : await IntegerArgumentAsync(tailWord, to, blockNesting);
        var readCount = arguments["ReadCount"] is { } readCountWord ? Math.Max(0, await IntegerArgumentAsync(readCountWord, to, blockNesting)) : 1;
        foreach (var path in await PathsAsync(disk, command, arguments, to, output, blockNesting))
        {
            var failure = disk.Read(path, out var bytes);
            if (failure != FileSystemFailure.None)
            {
                await WriteErrorAsync(IoError(command, "GetContentReader", failure, path), output);
                continue;
            }

            var notes = new ContentNotes(this, path);
            long read = 0;
            if (encoding is null)
            {
                // -Encoding Byte: the bytes one by one (-Raw: one byte[]).
                if (arguments.Has("Raw"))
                {
                    await output.WriteAsync(new PipelineOutput(notes.Attach(bytes.Length <= ScriptExpressions.MaxByteArrayItems ? ScriptExpressions.ByteArray(bytes) : PsPrimitive.ByteArray(bytes), 1)), cancellationToken);
                    continue;
                }

                IEnumerable<byte> selected = total >= 0 ? bytes.Take(total) : tail >= 0 ? bytes.TakeLast(tail) : bytes;
                foreach (var b in selected) await output.WriteAsync(new PipelineOutput(notes.Attach(PsPrimitive.Byte(b), ++read)), cancellationToken);
                continue;
            }

            var text = DecodeText(bytes, encoding);
            if (arguments.Has("Raw"))
            {
                // An empty file gives nothing, as 5.1's -Raw does.
                if (text.Length > 0) await output.WriteAsync(new PipelineOutput(notes.Attach(PsPrimitive.String(text), 1)), cancellationToken);
                continue;
            }

            // -Delimiter: the text in pieces each ending with the delimiter (5.1 keeps it; "`0", no NUL in the file, is
            // the pre-Raw idiom for the whole text at once), the rest after the last one a piece of its own.
            IEnumerable<string> lines = arguments["Delimiter"] is { } delimiterWord && PipelineVariables.Display(await ArgumentAsync(delimiterWord, to, blockNesting)) is { Length: > 0 } delimiter
                ? DelimitedPieces(text, delimiter)
                : SplitLines(text);
            if (total >= 0) lines = lines.Take(total);
            else if (tail >= 0) lines = lines.TakeLast(tail);
            if (readCount != 1)
            {
                // -ReadCount N: the lines N at a time, each block one array down the pipeline (0: all of them in one).
                var all = lines.Select(l => (PsValue)PsPrimitive.String(l)).ToList();
                foreach (var block in readCount <= 0 ? [all] : all.Chunk(readCount).Select(c => c.ToList()))
                {
                    if (block.Count == 0) continue;
                    read += block.Count;
                    await output.WriteAsync(new PipelineOutput(notes.Attach(PsObjects.List(block, ListValueTemplate.ArrayTypeNames), read)), cancellationToken);
                }

                continue;
            }

            foreach (var line in lines) await output.WriteAsync(new PipelineOutput(notes.Attach(PsPrimitive.String(line), ++read)), cancellationToken);
        }
    }

    /// <summary>
    /// The notes Get-Content attaches to everything it writes (ContentCommandBase.WriteContentObject): the file's PSPath
    /// (its path on the drive, as the PathInfo's Path is), PSParentPath, PSChildName, the PSDrive and PSProvider objects,
    /// shared by all of a file's items as PowerShell caches them, and ReadCount: how many items had been read when it
    /// was written (a line's number; an array's last line's). So <c>(Get-Content f)[2].ReadCount</c> is 3, remoting
    /// carries the notes with every line, and 5.1's ConvertTo-Csv and ConvertTo-Json of lines show them.
    /// </summary>
    private sealed class ContentNotes(RunContext context, string path)
    {
        private readonly PsObject _drive = context.FileSystemDriveObject();
        private PsObject? _provider;

        public PsObject Attach(PsValue content, long readCount)
        {
            var item = content as PsObject ?? new PsObject { BaseValue = (PsPrimitive)content };
            item.With("PSPath", path)
                .With("PSParentPath", VirtualFileSystem.ParentOf(path) ?? string.Empty)
                .With("PSChildName", VirtualFileSystem.NameOf(path))
                .With("PSDrive", _drive)
                .With("PSProvider", _provider ??= context.FileSystemProviderObject(_drive))
                .With("ReadCount", PsPrimitive.Int64(readCount));
            return item;
        }
    }

    private static List<string> DelimitedPieces(string text, string delimiter)
    {
        var pieces = new List<string>();
        var start = 0;
        for (var at = text.IndexOf(delimiter, StringComparison.Ordinal); at >= 0; at = text.IndexOf(delimiter, start, StringComparison.Ordinal))
        {
            pieces.Add(text[start..(at + delimiter.Length)]);
            start = at + delimiter.Length;
        }

        if (start < text.Length) pieces.Add(text[start..]);
        return pieces;
    }

    /// <summary>Set-Content / Add-Content: each value's text and a line end (none with -NoNewline), in the encoding asked (ANSI by default).</summary>
    private async ValueTask SetContentAsync(VirtualFileSystem disk, string command, StageArguments arguments, IReadOnlyList<PsValue> values, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var encodingName = arguments["Encoding"] is { } encodingWord ? PipelineVariables.Display(await ArgumentAsync(encodingWord, to, blockNesting)) : "Default";
        var encoding = ContentEncoding(command, encodingName);
        byte[] data;
        if (encoding is null)
        {
            data = [.. values.Select(v => ScriptExpressions.AsNumber(v) is { } n and >= 0 and <= 255 ? (byte)n : throw new StatementTerminatedException(new ScriptedError(
                $"Cannot convert value \"{PipelineVariables.Display(v)}\" to type \"System.Byte\".", $"InvalidCastFromStringToInteger,{CmdletClass(command)}", ErrorCategory.InvalidArgument, "System.Management.Automation.PSInvalidCastException")))];
        }
        else
        {
            data = encoding.GetBytes(ContentText(values, arguments.Has("NoNewline")));
        }

        var (paths, literal) = await PathWordsAsync(command, arguments, to, blockNesting);
        foreach (var path in paths)
        {
            var targets = ExpandPath(disk, command, path, literal, out var error);
            if (error is not null)
            {
                await WriteErrorAsync(error, output);
                continue;
            }

            if (VirtualFileSystem.HasWildcard(path) && !literal && targets.Count == 0)
            {
                await WriteErrorAsync(PathNotFound(command, path), output);
                continue;
            }

            foreach (var target in targets)
            {
                if (await WhatIfAsync(arguments, command == "Add-Content" ? "Add Content" : "Set Content", "Path: " + target)) continue;
                var append = command == "Add-Content";
                var existing = disk.Get(target);
                var bytes = data;
                if (append && encoding is not null && existing is { Length: > 0, IsDirectory: false } && disk.Read(target, out var present) == FileSystemFailure.None && MarkedEncoding(present) is { } marked)
                {
                    // The provider reads the file's byte order mark and appends in its encoding, whatever -Encoding says.
                    bytes = marked.GetBytes(ContentText(values, arguments.Has("NoNewline")));
                }

                var preamble = encoding is not null && (!append || existing is null || existing.Length == 0) ? encoding.GetPreamble() : [];
                // -Force writes a read-only file: the provider's writer clears the attribute and puts it back when it closes.
                var forced = arguments.Has("Force") && existing is { IsDirectory: false, IsReadOnly: true } && disk.SetAttributes(target, false, null) == FileSystemFailure.None;
                var failure = disk.Write(target, [.. preamble, .. bytes], append ? FileWriteMode.Append : FileWriteMode.Create);
                if (forced) disk.SetAttributes(target, true, null);
                if (failure != FileSystemFailure.None)
                {
                    await WriteErrorAsync(IoError(command, "GetContentWriter", failure, target), output);
                    continue;
                }

                if (arguments.Has("PassThru")) foreach (var value in values) await output.WriteAsync(new PipelineOutput(value), cancellationToken);
            }
        }
    }

    /// <summary>
    /// The file a writing cmdlet (Out-File, Export-Csv, Export-Clixml) names, in full; null when the path cannot be one
    /// (its error written: DriveNotFound, PathNotFound).
    /// </summary>
    private async ValueTask<string?> OutputFileAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting, string pathParameter = "Path")
    {
        var (paths, _) = await PathWordsAsync(command, arguments, to, blockNesting, pathParameter);
        var target = VirtualFileSystem.FullPath(paths[0], CurrentDirectory, out var failure);
        if (target is null) await WriteStatementErrorAsync(failure == FileSystemFailure.DriveNotFound ? DriveError(command, paths[0]) : PathNotFound(command, paths[0]), output);
        return target;
    }

    private static ScriptedError NoClobberError(string command, string target) =>
        new($"The file '{target}' already exists.", $"NoClobber,{CmdletClass(command)}", ErrorCategory.ResourceExists, "System.IO.IOException", target) { Activity = command };

    // 5.1's FileOpenFailure, the statement's error, with .NET's text for the failure.
    private static ScriptedError FileOpenFailure(string command, FileSystemFailure failure, string target) =>
        IoError(command, string.Empty, failure, target) with { FullyQualifiedErrorId = $"FileOpenFailure,{CmdletClass(command)}", Category = ErrorCategory.OpenError };

    // Set-Content's text: each value's and a line end, or the values run together (-NoNewline).
    private static string ContentText(IEnumerable<PsValue> values, bool noNewline) =>
        noNewline ? string.Concat(values.Select(PipelineVariables.Display)) : string.Concat(values.Select(v => PipelineVariables.Display(v) + "\r\n"));

    /// <summary>
    /// Out-File (and <c>&gt;</c>, <c>&gt;&gt;</c>): the objects as the console would show them (Out-Default's text,
    /// the host's width), UTF-16 with a byte order mark unless -Encoding says otherwise.
    /// </summary>
    private async ValueTask OutFileAsync(VirtualFileSystem disk, StageArguments arguments, IReadOnlyList<PsValue> values, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string command = "Out-File";
        var encodingName = arguments["Encoding"] is { } encodingWord ? PipelineVariables.Display(await ArgumentAsync(encodingWord, to, blockNesting)) : "Unicode";
        var encoding = ContentEncoding(command, encodingName) ?? new UnicodeEncoding(false, true);
        var width = arguments["Width"] is { } widthWord ? await IntegerArgumentAsync(widthWord, to, blockNesting) : FormatWidth(to) + 1;
        if (await OutputFileAsync(command, arguments, to, output, blockNesting, "FilePath") is not { } target) return;

        if (await WhatIfAsync(arguments, "Output to File", target)) return;
        await WriteOutFileAsync(disk, target, values, encoding, arguments.Has("Append"), arguments.Has("NoClobber"), arguments.Has("NoNewline"), width, output);
    }

    /// <summary>What Out-File writes to <paramref name="target"/> (a full path): the values' text in <paramref name="encoding"/>.</summary>
    private async ValueTask WriteOutFileAsync(VirtualFileSystem disk, string target, IReadOnlyList<PsValue> values, Encoding encoding, bool append, bool noClobber, bool noNewline, int width, IPipelineHost output)
    {
        const string command = "Out-File";
        string text;
        if (noNewline)
        {
            text = string.Concat(values.Select(PipelineVariables.Display));
        }
        else
        {
            var writer = new Formatting.OutDefaultWriter(width - 1, time) { EnumerationLimit = FormatEnumerationLimit() };
            var builder = new StringBuilder();
            foreach (var value in values) builder.Append(writer.Add(value));
            text = builder.Append(writer.Complete()).ToString().Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);
        }

        var existing = disk.Get(target);
        if (existing is not null && noClobber && !append)
        {
            await WriteStatementErrorAsync(NoClobberError(command, target), output);
            return;
        }

        // The writer's byte order mark goes out with its first flush, which any object (even $null) makes; with no
        // object at all the file is made empty.
        var preamble = (!append || existing is null || existing.Length == 0) && (values.Count > 0 || text.Length > 0) ? encoding.GetPreamble() : [];
        var written = disk.Write(target, [.. preamble, .. encoding.GetBytes(text)], append ? FileWriteMode.Append : FileWriteMode.Create);
        if (written != FileSystemFailure.None)
        {
            await WriteStatementErrorAsync(FileOpenFailure(command, written, target), output);
        }
    }

    /// <summary>
    /// A statement with redirections (<c>&gt; file</c>, <c>2&gt;$null</c>, <c>2&gt;&amp;1</c>...): it runs with its
    /// streams sent where they say; what went to a file is written at its end, as Out-File writes it (UTF-16).
    /// </summary>
    private async ValueTask RunRedirectedAsync(string bare, List<Statements.Redirection> redirections, IPipelineHost? to, int blockNesting)
    {
        var output = to ?? host;
        var sinks = new List<RedirectionSink>(redirections.Count);
        foreach (var redirection in redirections)
        {
            if (redirection.Target is null)
            {
                sinks.Add(new RedirectionSink(redirection.Stream, Merge: true, null, false));
                continue;
            }

            var target = await ArgumentAsync(redirection.Target, to, blockNesting);
            if (ScriptExpressions.IsNull(target))
            {
                sinks.Add(new RedirectionSink(redirection.Stream, Merge: false, null, false));
                continue;
            }

            var text = PipelineVariables.Display(target);
            var path = VirtualFileSystem.FullPath(text, CurrentDirectory, out var failure);
            if (path is null)
            {
                await WriteStatementErrorAsync(failure == FileSystemFailure.DriveNotFound ? DriveError("Out-File", text) : PathNotFound("Out-File", text), output);
                return;
            }

            _ = Disk("A redirection to a file");
            sinks.Add(new RedirectionSink(redirection.Stream, Merge: false, path, redirection.Append));
        }

        try
        {
            await RunStatementAsync(bare, new RedirectingHost(output, sinks), blockNesting + 1);
        }
        finally
        {
            foreach (var sink in sinks.Where(s => s.Path is not null))
            {
                await WriteOutFileAsync(host.FileSystem!, sink.Path!, sink.Values, new UnicodeEncoding(false, true), sink.Append, noClobber: false, noNewline: false, FormatWidth(to) + 1, output);
            }
        }
    }

    /// <summary>Where one redirected stream goes: merged into the output, dropped (<c>$null</c>), or collected for a file.</summary>
    private sealed record RedirectionSink(char Stream, bool Merge, string? Path, bool Append)
    {
        public List<PsValue> Values { get; } = [];
    }

    /// <summary>The host of a redirected statement: each record goes where its stream's redirection says.</summary>
    private sealed class RedirectingHost(IPipelineHost inner, List<RedirectionSink> sinks) : ForwardingHost(inner)
    {
        public override bool RedirectsErrors => sinks.Any(s => s.Stream is '2' or '*') || Inner.RedirectsErrors;

        public override ValueTask WriteAsync(IPsrpMessageBody record, CancellationToken cancellationToken)
        {
            var stream = record switch
            {
                PipelineOutput => '1',
                ErrorRecordMessage => '2',
                WarningRecordMessage => '3',
                VerboseRecordMessage => '4',
                DebugRecordMessage => '5',
                InformationRecordMessage => '6',
                _ => '0',
            };
            if (stream == '0') return Inner.WriteAsync(record, cancellationToken);
            var sink = sinks.LastOrDefault(s => s.Stream == stream || s.Stream == '*');
            if (sink is null) return Inner.WriteAsync(record, cancellationToken);
            // A redirected error is still the session's: $Error keeps it (2>$null, 2>&1, 2> file), as MshCommandRuntime
            // appends it before the pipe it goes to.
            if (record is ErrorRecordMessage redirected) Inner.Runspace?.RecordError(Inner.PlaceUnsent(redirected.Record));
            var value = record switch
            {
                PipelineOutput o => o.Value,
                // Placed, as the record merged into the output or written to the file is the one the command wrote.
                ErrorRecordMessage e => sink.Path is null && !sink.Merge ? e.Record : Inner.PlaceMerged(e.Record),
                // The other streams' records as the objects PowerShell puts in the output or the file (their text the message).
                _ => InformationalRecords.Of(record) ?? (PsValue)PsNil.Instance,
            };
            if (sink.Merge)
            {
                // 2>&1: the record joins the output, where the output's own redirection (> file) takes it.
                if (stream == '1') return Inner.WriteAsync(record, cancellationToken);
                var output = sinks.LastOrDefault(s => !s.Merge && (s.Stream == '1' || s.Stream == '*'));
                if (output is null) return Inner.WriteAsync(new PipelineOutput(value), cancellationToken);
                sink = output;
            }

            if (sink.Path is not null)
            {
                if (sink.Values.Count >= MaxStageObjects) throw new ScenarioRuntimeException($"a redirection to a file keeps at most {MaxStageObjects} objects in the emulator");
                sink.Values.Add(value);
            }

            return ValueTask.CompletedTask;
        }
    }

    // A stage's -Verbose (-vb, -Verbose:$true; not -Verbose:$false).
    private static bool VerboseSwitch(List<string> words) => words.Any(w =>
        w.Split(':')[0] is var name && (name.Equals("-Verbose", StringComparison.OrdinalIgnoreCase) || name.Equals("-vb", StringComparison.OrdinalIgnoreCase)) &&
        (!w.Contains(':', StringComparison.Ordinal) || w.EndsWith(":$true", StringComparison.OrdinalIgnoreCase)));

    // The common parameters a stage's words may carry, which its binding does not know (-ErrorAction is the statement's;
    // -Verbose and -Debug change nothing the emulated cmdlets write).
    private static List<string> StripCommonParameters(List<string> words)
    {
        var kept = new List<string>(words.Count);
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            if (word.StartsWith("-ErrorAction", StringComparison.OrdinalIgnoreCase) || word.Equals("-ea", StringComparison.OrdinalIgnoreCase) ||
                word.StartsWith("-ErrorA", StringComparison.OrdinalIgnoreCase))
            {
                if (!word.Contains(':', StringComparison.Ordinal)) i++;
                continue;
            }

            // -Verbose, -Verbose:$false, -Debug: the emulated cmdlets write no verbose or debug records.
            var name = word.Split(':')[0];
            if (name.Equals("-Verbose", StringComparison.OrdinalIgnoreCase) || name.Equals("-vb", StringComparison.OrdinalIgnoreCase) ||
                name.Equals("-Debug", StringComparison.OrdinalIgnoreCase) || name.Equals("-db", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            kept.Add(word);
        }

        return kept;
    }

    /// <summary>
    /// Set-Content, Add-Content, Out-File and Remove-Item in a pipeline: the objects piped in are the content (the
    /// items or paths to remove), written when the input ends.
    /// </summary>
    private sealed class FileInputStage(RunContext context, string command, StageArguments arguments, IPipelineHost? to, int blockNesting, bool verbose) : Stage
    {
        /// <summary>The cmdlets this stage runs on what is piped to them.</summary>
        public static readonly HashSet<string> Commands = new(StringComparer.Ordinal)
        {
            "Set-Content", "Add-Content", "Out-File", "Remove-Item", "Copy-Item", "Move-Item", "Export-Csv", "Export-Clixml",
            "Get-ItemProperty", "Get-ItemPropertyValue", "Set-ItemProperty", "New-ItemProperty", "Remove-ItemProperty", "Rename-ItemProperty",
            "Get-Acl", "Set-Acl",
        };

        private readonly List<PsValue> _items = [];

        public override ValueTask ProcessAsync(PsValue item)
        {
            Hold(_items, item, command);
            return ValueTask.CompletedTask;
        }

        // The cmdlets whose paths come from the pipeline: with none piped and none given they never run (a cleanup's
        // "Get-ChildItem ... | Where-Object ... | Remove-Item" that found nothing), as PowerShell binds them per object.
        private static readonly HashSet<string> PathFromPipeline = new(StringComparer.Ordinal)
        {
            "Remove-Item", "Copy-Item", "Move-Item", "Get-ItemProperty", "Get-ItemPropertyValue", "Set-ItemProperty", "New-ItemProperty",
            "Remove-ItemProperty", "Rename-ItemProperty", "Get-Acl",
        };

        public override async ValueTask EndAsync()
        {
            if (_items.Count == 0 && PathFromPipeline.Contains(command) && arguments["Path"] is null && arguments["LiteralPath"] is null && arguments.Positional.Count == 0)
            {
                await EndNext();
                return;
            }

            // The stage's own -Verbose: its ShouldProcess writes the operations (... | Remove-Item -Verbose).
            var verboseBefore = context._verboseSwitch;
            context._verboseSwitch |= verbose;
            try
            {
                await RunAsync();
            }
            finally
            {
                context._verboseSwitch = verboseBefore;
            }

            await EndNext();
        }

        private async ValueTask RunAsync()
        {
            var output = new EmittingHost(to ?? context.Host, Emit);
            // Registry keys piped (Get-ChildItem HKLM:\...\Uninstall | Get-ItemProperty, | Remove-Item): the registry's.
            if (RegistryCommandNames.Contains(command) ||
                command == "Remove-Item" && _items.Count > 0 && _items.All(i => i is PsObject o && o["PSPath"] is { } p && RegistryDrive().IsMatch(PipelineVariables.Display(p))))
            {
                await context.RunRegistryCommandAsync(command, arguments, _items, to, output, blockNesting);
                return;
            }

            var disk = context.Disk(command);
            switch (command)
            {
                case "Set-Content" or "Add-Content":
                    await context.SetContentAsync(disk, command, arguments, _items, to, output, blockNesting);
                    break;
                case "Out-File":
                    await context.OutFileAsync(disk, arguments, _items, to, output, blockNesting);
                    break;
                case "Export-Csv":
                    await context.ExportCsvAsync(disk, arguments, _items, to, output, blockNesting);
                    break;
                case "Export-Clixml":
                    await context.ExportClixmlAsync(disk, arguments, _items, to, output, blockNesting);
                    break;
                case "Get-Acl":
                    await context.GetAclAsync(disk, arguments, _items, to, output, blockNesting);
                    break;
                case "Set-Acl":
                    await context.SetAclAsync(disk, arguments, _items, to, output, blockNesting);
                    break;
                case "Remove-Item" when _items.Count > 0 && _items.All(i => i is PsObject { TypeNames: [X509Certificate2TypeName, ..] } o && o["PSPath"] is not null):
                    // Certificates piped in (Get-ChildItem Cert:\LocalMachine\My | Remove-Item): each by its path.
                    foreach (var item in _items)
                    {
                        var named = new Dictionary<string, string?>(arguments.Named, StringComparer.OrdinalIgnoreCase) { ["LiteralPath"] = "'" + PipelineVariables.Display(((PsObject)item)["PSPath"]!).Replace("'", "''", StringComparison.Ordinal) + "'" };
                        named.Remove("Path");
                        await context.CertificateDriveAsync("Remove-Item", new StageArguments(named, []), to, output, blockNesting);
                    }

                    break;
                case "Remove-Item":
                    await context.RemoveItemAsync(disk, arguments, [.. PipedPaths(_items).Select(p => VirtualFileSystem.FullPath(p, context.CurrentDirectory, out _) ?? p)], to, output, blockNesting);
                    break;
                case "Copy-Item" or "Move-Item":
                {
                    // Items piped in (Get-ChildItem $dir | Copy-Item -Destination $to): each as the -LiteralPath; a
                    // destination written without its name is the first positional word (our reading, UNVERIFIED).
                    var named = new Dictionary<string, string?>(arguments.Named, StringComparer.OrdinalIgnoreCase);
                    if (!named.ContainsKey("Destination") && arguments.Positional.Count > 0) named["Destination"] = arguments.Positional[0];
                    foreach (var item in _items)
                    {
                        var path = item is PsObject o && o["FullName"] is { } full ? PipelineVariables.Display(full) : PipelineVariables.Display(item);
                        named["LiteralPath"] = "'" + path.Replace("'", "''", StringComparison.Ordinal) + "'";
                        named.Remove("Path");
                        await context.CopyOrMoveAsync(disk, command, new StageArguments(new Dictionary<string, string?>(named, StringComparer.OrdinalIgnoreCase), []), to, output, blockNesting);
                    }

                    break;
                }
            }
        }
    }

    // ---- CSV ----

    private async ValueTask<char> CsvDelimiterAsync(string command, StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        if (arguments.Has("UseCulture")) return ',';
        if (arguments["Delimiter"] is not { } word) return ',';
        var text = PipelineVariables.Display(await ArgumentAsync(word, to, blockNesting));
        return text.Length == 1 ? text[0] : throw new StatementTerminatedException(ParameterError(command,
            $"Cannot bind parameter 'Delimiter'. Cannot convert value \"{text}\" to type \"System.Char\". Error: \"String must be exactly one character long.\"", "CannotConvertArgumentNoMessage"));
    }

    /// <summary>
    /// Export-Csv: ConvertTo-Csv's lines (the #TYPE line unless -NoTypeInformation, the header, a row per object) in
    /// ASCII unless -Encoding says otherwise (5.1's default); -Append adds the rows alone to a file that has some.
    /// </summary>
    private async ValueTask ExportCsvAsync(VirtualFileSystem disk, StageArguments arguments, IReadOnlyList<PsValue> values, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string command = "Export-Csv";
        var delimiter = await CsvDelimiterAsync(command, arguments, to, blockNesting);
        var encoding = ContentEncoding(command, arguments["Encoding"] is { } encodingWord ? PipelineVariables.Display(await ArgumentAsync(encodingWord, to, blockNesting)) : "ASCII") ?? Encoding.ASCII;
        if (await OutputFileAsync(command, arguments, to, output, blockNesting) is not { } target) return;

        var existing = disk.Get(target);
        var append = arguments.Has("Append") && existing is { Length: > 0 };
        if (existing is not null && arguments.Has("NoClobber") && !arguments.Has("Append"))
        {
            await WriteStatementErrorAsync(NoClobberError(command, target), output);
            return;
        }

        var text = new StringBuilder();
        List<string>? header = null;
        foreach (var given in values)
        {
            // Script and alias properties are columns too (PSObject.Properties holds them).
            var value = await WithScriptPropertyValuesAsync(given, to, blockNesting);
            if (header is null)
            {
                header = Formatting.Csv.Header(value);
                if (!append)
                {
                    if (!arguments.Has("NoTypeInformation")) text.Append(Formatting.Csv.TypeLine(value)).Append("\r\n");
                    text.Append(Formatting.Csv.HeaderLine(header, delimiter)).Append("\r\n");
                }
            }

            text.Append(Formatting.Csv.Line(value, header, delimiter)).Append("\r\n");
        }

        var written = disk.Write(target, [.. append ? [] : encoding.GetPreamble(), .. encoding.GetBytes(text.ToString())], append ? FileWriteMode.Append : FileWriteMode.Create);
        if (written != FileSystemFailure.None)
        {
            await WriteStatementErrorAsync(FileOpenFailure(command, written, target), output);
        }
    }

    /// <summary>Import-Csv: the file's text (its byte order mark's encoding, else ANSI) read as ConvertFrom-Csv reads it.</summary>
    private async ValueTask ImportCsvAsync(VirtualFileSystem disk, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string command = "Import-Csv";
        var delimiter = await CsvDelimiterAsync(command, arguments, to, blockNesting);
        var header = arguments["Header"] is { } headerWord ? await ArgumentTextsAsync(headerWord, to, blockNesting) : null;
        foreach (var path in await PathsAsync(disk, command, arguments, to, output, blockNesting))
        {
            var failure = disk.Read(path, out var bytes);
            if (failure != FileSystemFailure.None)
            {
                await WriteErrorAsync(IoError(command, "ImportCsv", failure, path), output);
                continue;
            }

            var rows = new ConvertFromCsvStage(delimiter, header) { Emit = row => output.WriteAsync(new PipelineOutput(row), cancellationToken) };
            await rows.ProcessAsync(PsPrimitive.String(DecodeText(bytes, Ansi)));
        }
    }

    // ---- the Env: drive ----

    [GeneratedRegex(@"^['""]?env:", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentDrive();

    /// <summary>The session's environment variables as they are now (Windows' and the session's own), by name.</summary>
    private List<KeyValuePair<string, string>> EnvironmentNow()
    {
        var all = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in host.EnvironmentVariables) all[name] = value;
        foreach (var (name, value) in scope.Variables.Runspace.EnvironmentSetBySession())
        {
            if (value is null) all.Remove(name);
            else all[name] = value;
        }

        return [.. all];
    }

    private const string EnvironmentProvider = @"Microsoft.PowerShell.Core\Environment";

    /// <summary>
    /// An environment variable as the Environment provider writes it: a DictionaryEntry with the container provider's
    /// notes (PSPath, PSDrive, PSProvider, PSIsContainer; no parent or child path, Env: has no levels).
    /// UNVERIFIED: the ProviderInfo's help file, capabilities and home.
    /// </summary>
    private static PsObject EnvironmentItem(string name, string value)
    {
        // The notes first, as PSObject lists an object's own members before its type's (Format-List *).
        var entry = Formatting.FormatViews.DictionaryEntryOf(PsPrimitive.String(name), PsPrimitive.String(value));
        var properties = entry.ExtendedProperties.ToArray();
        entry.ExtendedProperties.Clear();
        entry.With("PSPath", EnvironmentProvider + "::" + name)
            .With("PSDrive", DriveInfoObject("Env", EnvironmentProvider, string.Empty, "Drive containing a view of the environment variables for the process.", string.Empty, null))
            .With("PSProvider", ProviderInfoObject(EnvironmentProvider, "Microsoft.PowerShell.Commands.EnvironmentProvider", "System.Management.Automation.dll-Help.xml", "Environment",
                PsPrimitive.String("Microsoft.PowerShell.Core"), "Microsoft.PowerShell.Core", PsNil.Instance, "ShouldProcess", string.Empty, PsPrimitive.String("Env")))
            .With("PSIsContainer", false);
        entry.ExtendedProperties.AddRange(properties);
        return entry;
    }

    /// <summary>
    /// The FileSystem cmdlets on <c>Env:</c>: Test-Path, Get-Item and Get-ChildItem (DictionaryEntry items, wildcards),
    /// Get-Content (the value), New-Item / Set-Item (sets one for the session's process), Remove-Item (removes it).
    /// </summary>
    private async ValueTask EnvironmentDriveAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var literal = arguments["LiteralPath"] is not null;
        var paths = await ArgumentTextsAsync(arguments["LiteralPath"] ?? arguments["Path"], to, blockNesting);
        foreach (var path in paths)
        {
            var name = path.Length > 4 && path[4] is '\\' or '/' ? path[5..] : path[4..];
            // New-Item -Path env: -Name X (pypsrp's execute_ps sets variables so): the item's name in the drive.
            if (name.Length == 0 && command == "New-Item" && arguments["Name"] is { } nameWord) name = PipelineVariables.Display(await ArgumentAsync(nameWord, to, blockNesting));
            var pattern = name.Length == 0 ? "*" : name;
            var regex = !literal && VirtualFileSystem.HasWildcard(pattern) ? VirtualFileSystem.Wildcard(pattern) : null;
            var matches = EnvironmentNow().Where(v => regex?.IsMatch(v.Key) ?? v.Key.Equals(pattern, StringComparison.OrdinalIgnoreCase)).ToList();
            switch (command)
            {
                case "Test-Path":
                    await output.WriteAsync(new PipelineOutput(PsPrimitive.Boolean(matches.Count > 0)), cancellationToken);
                    continue;
                case "New-Item" or "Set-Item":
                {
                    var value = arguments["Value"] is { } valueWord ? PipelineVariables.Display(await ArgumentAsync(valueWord, to, blockNesting)) : string.Empty;
                    if (command == "New-Item" && matches.Count > 0 && !arguments.Has("Force"))
                    {
                        await WriteErrorAsync(new ScriptedError($"A variable with name '{name}' already exists.", $"NewItemAlreadyExists,{CmdletClass(command)}",
                            ErrorCategory.ResourceExists, "System.Management.Automation.SessionStateException", name) { Activity = command }, output);
                        continue;
                    }

                    scope.Variables.Runspace.SetVariable("env:" + name, PsPrimitive.String(value));
                    if (command == "New-Item" || arguments.Has("PassThru"))
                    {
                        await output.WriteAsync(new PipelineOutput(EnvironmentItem(name, value)), cancellationToken);
                    }

                    continue;
                }
            }

            if (matches.Count == 0 && (literal || !VirtualFileSystem.HasWildcard(pattern)) && name.Length > 0)
            {
                await WriteErrorAsync(PathNotFound(command, SessionStateMissingPath(command, "Env", name)), output);
                continue;
            }

            foreach (var (key, value) in matches)
            {
                switch (command)
                {
                    case "Get-Content":
                        await output.WriteAsync(new PipelineOutput(PsPrimitive.String(value)), cancellationToken);
                        break;
                    case "Remove-Item":
                        scope.Variables.Runspace.SetVariable("env:" + key, PsNil.Instance);
                        break;
                    default:
                        await output.WriteAsync(new PipelineOutput(EnvironmentItem(key, value)), cancellationToken);
                        break;
                }
            }
        }
    }

    /// <summary><c>switch -File path</c>: the file's lines on the computer's disk (a missing file is the statement's error).</summary>
    private async ValueTask<PsValue> SwitchFileLinesAsync(string fileWord, IPipelineHost? to, int blockNesting)
    {
        var disk = Disk("switch -File");
        var given = PipelineVariables.Display(await ArgumentAsync(fileWord, to, blockNesting));
        var path = VirtualFileSystem.FullPath(given, CurrentDirectory, out _);
        byte[] bytes = [];
        var failure = path is null ? FileSystemFailure.InvalidPath : disk.Read(path, out bytes);
        if (failure == FileSystemFailure.ContentNotHeld) throw new ScriptExpressionException(ProgramContentNotEmulated("switch -File", path!));
        if (failure != FileSystemFailure.None)
        {
            // The switch statement's own error for a file it cannot open (UNVERIFIED id).
            throw new ScriptExpressionException(new ScriptedError($"Cannot find path '{path ?? given}' because it does not exist.", "FileReadError",
                ErrorCategory.ReadError, "System.Management.Automation.RuntimeException", path ?? given));
        }

        return PsObjects.List([.. SplitLines(DecodeText(bytes, Ansi)).Select(line => (PsValue)PsPrimitive.String(line))], ["System.Object[]", "System.Array", "System.Object"]);
    }

    // ---- Select-String -Path ----

    /// <summary>
    /// Select-String on files (-Path, wildcards): each file's lines (its byte order mark's encoding, else ANSI), numbered
    /// from 1; a MatchInfo names its file. Without -Path its -InputObject is the one line, as 5.1 reads it.
    /// </summary>
    private async ValueTask SelectStringFilesAsync(VirtualFileSystem disk, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string command = "Select-String";
        var patterns = arguments["Pattern"] is { } patternWord ? await ArgumentTextsAsync(patternWord, to, blockNesting) : [];
        if (patterns.Count == 0)
        {
            throw new StatementTerminatedException(ParameterError(command, "Cannot process command because of one or more missing mandatory parameters: Pattern.", "MissingMandatoryParameter"));
        }

        var stage = SelectStringStage.Create(this, to, patterns, arguments.Has("SimpleMatch"), arguments.Has("CaseSensitive"), arguments.Has("NotMatch"),
            arguments.Has("AllMatches"), arguments.Has("Quiet"), await SelectStringContextAsync(arguments, to, blockNesting), arguments.Has("List"));
        stage.Emit = value => output.WriteAsync(new PipelineOutput(value), cancellationToken);
        if (arguments["Path"] is null && arguments["LiteralPath"] is null)
        {
            if (arguments["InputObject"] is { } input) await stage.ProcessAsync(await ArgumentAsync(input, to, blockNesting));
        }
        else
        {
            foreach (var path in await PathsAsync(disk, command, arguments, to, output, blockNesting))
            {
                // A folder among the files is skipped, as 5.1 skips it; a Windows program file's bytes are not held here.
                var failure = disk.Read(path, out var bytes);
                if (failure == FileSystemFailure.ContentNotHeld) throw new StatementTerminatedException(ProgramContentNotEmulated(command, path));
                if (failure != FileSystemFailure.None) continue;
                await stage.ProcessFileAsync(path, SplitLines(DecodeText(bytes, Ansi)));
            }
        }

        await stage.EndAsync();
    }

    // ---- archives ----

    private static ScriptedError ArchiveError(string command, string message, string id, ErrorCategory category, string target) =>
        new(message, $"{id},{(command == "Expand-Archive" ? "Expand-Archive" : "Compress-Archive")}", category, "System.IO.IOException", target) { Activity = command };

    /// <summary>
    /// Expand-Archive (Microsoft.PowerShell.Archive 1.0.1, as 5.1 has it): the zip file's entries written under
    /// -DestinationPath (made when missing; the current folder without it); a file there already is 5.1's error unless
    /// -Force. An entry that would land outside the destination is refused; what is written counts against the disk.
    /// </summary>
    private async ValueTask ExpandArchiveAsync(VirtualFileSystem disk, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string command = "Expand-Archive";
        var (paths, _) = await PathWordsAsync(command, arguments, to, blockNesting);
        var source = VirtualFileSystem.FullPath(paths[0], CurrentDirectory, out _);
        byte[] zip = [];
        var sourceRead = source is null ? FileSystemFailure.InvalidPath : disk.Read(source, out zip);
        if (sourceRead == FileSystemFailure.ContentNotHeld) throw new StatementTerminatedException(ProgramContentNotEmulated(command, source!));
        if (source is null || sourceRead != FileSystemFailure.None)
        {
            throw new StatementTerminatedException(ArchiveError(command, $"The path '{paths[0]}' either does not exist or is not a valid file system path.",
                "ArchiveCmdletPathNotFound", ErrorCategory.InvalidArgument, paths[0]));
        }

        var destinationText = arguments["DestinationPath"] is { } destinationWord ? PipelineVariables.Display(await ArgumentAsync(destinationWord, to, blockNesting)) : CurrentDirectory;
        var destination = VirtualFileSystem.FullPath(destinationText, CurrentDirectory, out _)
            ?? throw new StatementTerminatedException(ArchiveError(command, $"The path '{destinationText}' is not a valid file system path.", "InvalidDirectoryPath", ErrorCategory.InvalidArgument, destinationText));
        System.IO.Compression.ZipArchive archive;
        try
        {
            archive = new System.IO.Compression.ZipArchive(new MemoryStream(zip, writable: false), System.IO.Compression.ZipArchiveMode.Read);
        }
        catch (InvalidDataException)
        {
            throw new StatementTerminatedException(ArchiveError(command, $".zip is the only supported archive file format. {source} is not a valid archive.",
                "NotSupportedArchiveFileExtension", ErrorCategory.InvalidArgument, source));
        }

        using (archive)
        {
            disk.CreateDirectory(destination);
            foreach (var entry in archive.Entries)
            {
                if (EntryTarget(entry, destination) is not { } target)
                {
                    await WriteErrorAsync(ArchiveError(command, $"The archive entry '{entry.FullName}' is outside the destination '{destination}'.", "ArchiveEntryOutsideDestination", ErrorCategory.InvalidData, entry.FullName), output);
                    continue;
                }

                if (entry.FullName.EndsWith('/') || entry.FullName.EndsWith('\\'))
                {
                    disk.CreateDirectory(target);
                    continue;
                }

                if (disk.Get(target) is not null && !arguments.Has("Force"))
                {
                    await WriteErrorAsync(ArchiveError(command, $"Failed to create file '{target}' while expanding the archive file '{source}' contents as the file '{target}' already exists. Use the -Force parameter if you want to overwrite the existing directory '{destination}' contents when expanding the archive file.",
                        "ExpandArchiveFileExists", ErrorCategory.ResourceExists, target), output);
                    continue;
                }

                if (await EntryWithinRoomAsync(disk, entry, target) is not { } content)
                {
                    await WriteErrorAsync(IoError(command, "ExpandArchive", FileSystemFailure.DiskFull, target), output);
                    return;
                }

                disk.CreateDirectory(VirtualFileSystem.ParentOf(target)!);
                var failure = disk.Write(target, content, FileWriteMode.Create);
                if (failure != FileSystemFailure.None) await WriteErrorAsync(IoError(command, "ExpandArchive", failure, target), output);
                else if (arguments.Has("PassThru")) await output.WriteAsync(new PipelineOutput(ItemObject(disk.Get(target)!, nameText: false)), cancellationToken);
            }
        }
    }

    /// <summary>Where an archive entry goes below <paramref name="folder"/>; null for one whose name leads outside it.</summary>
    private static string? EntryTarget(System.IO.Compression.ZipArchiveEntry entry, string folder) =>
        VirtualFileSystem.FullPath(entry.FullName.Replace('/', '\\'), folder, out _) is { } target &&
        (target + "\\").StartsWith(folder.TrimEnd('\\') + "\\", StringComparison.OrdinalIgnoreCase) ? target : null;

    /// <summary>
    /// An entry's bytes, read at most to what the disk still holds for <paramref name="target"/> (an entry's declared
    /// length may lie: more is a full disk, null).
    /// </summary>
    private async ValueTask<byte[]?> EntryWithinRoomAsync(VirtualFileSystem disk, System.IO.Compression.ZipArchiveEntry entry, string target)
    {
        var room = disk.Capacity - disk.UsedBytes + (disk.Get(target)?.Length ?? 0);
        using var content = new MemoryStream();
        await using var stream = entry.Open();
        var buffer = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (content.Length + read > room) return null;
            content.Write(buffer, 0, read);
        }

        return content.ToArray();
    }

    /// <summary>
    /// Compress-Archive: the files and folders of -Path (wildcards) into the zip file -DestinationPath (".zip" added when
    /// missing); an existing one is 5.1's error unless -Force (replaced) or -Update (entries added or replaced).
    /// </summary>
    private async ValueTask CompressArchiveAsync(VirtualFileSystem disk, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string command = "Compress-Archive";
        // 5.1's GetResolvedPathHelper: a path that resolves to nothing stops the command (ArchiveCmdletPathNotFound).
        var (words, literal) = await PathWordsAsync(command, arguments, to, blockNesting);
        foreach (var word in words)
        {
            if (ExpandPath(disk, command, word, literal, out var invalid) is var expanded && (invalid is not null || !expanded.Any(p => disk.Get(p) is not null)))
            {
                throw new StatementTerminatedException(new ScriptedError($"The path '{word}' either does not exist or is not a valid file system path.",
                    $"ArchiveCmdletPathNotFound,{command}", ErrorCategory.InvalidArgument, "System.InvalidOperationException", word) { Activity = command });
            }
        }

        var sources = await PathsAsync(disk, command, arguments, to, output, blockNesting);
        var destinationText = arguments["DestinationPath"] is { } destinationWord ? PipelineVariables.Display(await ArgumentAsync(destinationWord, to, blockNesting))
            : throw new StatementTerminatedException(ParameterError(command, "Cannot process command because of one or more missing mandatory parameters: DestinationPath.", "MissingMandatoryParameter"));
        if (!destinationText.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)) destinationText += ".zip";
        var destination = VirtualFileSystem.FullPath(destinationText, CurrentDirectory, out _)
            ?? throw new StatementTerminatedException(ArchiveError(command, $"The path '{destinationText}' is not a valid file system path.", "InvalidArchiveFilePath", ErrorCategory.InvalidArgument, destinationText));
        var update = arguments.Has("Update");
        if (disk.Get(destination) is not null && !update && !arguments.Has("Force"))
        {
            throw new StatementTerminatedException(ArchiveError(command, $"The archive file {destination} already exists. Use the -Update parameter to update the existing archive file or use the -Force parameter to overwrite the existing archive file.",
                "ArchiveFileExists", ErrorCategory.InvalidArgument, destination));
        }

        using var zip = new MemoryStream();
        if (update && disk.Read(destination, out var existing) == FileSystemFailure.None)
        {
            zip.Write(existing);
            zip.Position = 0;
        }

        using (var archive = new System.IO.Compression.ZipArchive(zip, update && zip.Length > 0 ? System.IO.Compression.ZipArchiveMode.Update : System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var source in sources)
            {
                var item = disk.Get(source)!;
                if (!item.IsDirectory)
                {
                    Add(archive, source, item.Name);
                    continue;
                }

                // A folder goes in under its own name, with what it holds.
                void AddFolder(string folder, string prefix)
                {
                    foreach (var child in disk.List(folder, includeHidden: true) ?? [])
                    {
                        if (child.IsDirectory) AddFolder(child.FullName, prefix + child.Name + "/");
                        else Add(archive, child.FullName, prefix + child.Name);
                    }
                }

                AddFolder(source, item.Name + "/");
            }
        }

        void Add(System.IO.Compression.ZipArchive archive, string path, string name)
        {
            if (archive.Mode == System.IO.Compression.ZipArchiveMode.Update) archive.GetEntry(name)?.Delete();
            if (disk.Read(path, out var bytes) == FileSystemFailure.ContentNotHeld) throw new StatementTerminatedException(ProgramContentNotEmulated(command, path));
            var entry = archive.CreateEntry(name, System.IO.Compression.CompressionLevel.Optimal);
            entry.LastWriteTime = disk.Get(path)!.LastWriteTime;
            using var stream = entry.Open();
            stream.Write(bytes);
        }

        var failure = disk.Write(destination, zip.ToArray(), FileWriteMode.Create);
        if (failure != FileSystemFailure.None) await WriteStatementErrorAsync(IoError(command, "CompressArchive", failure, destination), output);
        else if (arguments.Has("PassThru")) await output.WriteAsync(new PipelineOutput(ItemObject(disk.Get(destination)!, nameText: false)), cancellationToken);
    }

    // ---- CLIXML ----

    /// <summary>
    /// Export-Clixml: the objects as PowerShell's serializer writes them, in one <c>&lt;Objs&gt;</c> document, UTF-16
    /// with a byte order mark unless -Encoding says otherwise, indented as 5.1's XmlWriter writes it, its objects through
    /// one serializer (a SecureString keeps the session's encryption, not DPAPI's).
    /// </summary>
    private async ValueTask ExportClixmlAsync(VirtualFileSystem disk, StageArguments arguments, IReadOnlyList<PsValue> values, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string command = "Export-Clixml";
        var encoding = ContentEncoding(command, arguments["Encoding"] is { } encodingWord ? PipelineVariables.Display(await ArgumentAsync(encodingWord, to, blockNesting)) : "Unicode")
            ?? new UnicodeEncoding(false, true);
        if (await OutputFileAsync(command, arguments, to, output, blockNesting) is not { } target) return;

        if (disk.Get(target) is not null && arguments.Has("NoClobber"))
        {
            await WriteStatementErrorAsync(NoClobberError(command, target), output);
            return;
        }

        // The serializer writes script and alias properties' values (one whose getter fails, not at all).
        var serialized = new List<PsValue>(values.Count);
        foreach (var value in values) serialized.Add(await WithScriptPropertyValuesAsync(value, to, blockNesting, omitFailing: true, nestedDepth: RemotingDepth.MaxDepthBelowTopLevel));
        var text = ClixmlSerializer.SerializeDocument(serialized, "\r\n");
        var written = disk.Write(target, [.. encoding.GetPreamble(), .. encoding.GetBytes(text)], FileWriteMode.Create);
        if (written != FileSystemFailure.None)
        {
            await WriteStatementErrorAsync(FileOpenFailure(command, written, target), output);
        }
    }

    /// <summary>
    /// Import-Clixml: each object of the file's document, as deserialized objects (their type names "Deserialized."
    /// before; lists and hashtables as themselves); a file that is no CLIXML is 5.1's XmlException error.
    /// </summary>
    private async ValueTask ImportClixmlAsync(VirtualFileSystem disk, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string command = "Import-Clixml";
        var skip = arguments["Skip"] is { } skipWord ? await IntegerArgumentAsync(skipWord, to, blockNesting) : 0;
        var first = arguments["First"] is { } firstWord ? await IntegerArgumentAsync(firstWord, to, blockNesting) : int.MaxValue;
        foreach (var path in await PathsAsync(disk, command, arguments, to, output, blockNesting))
        {
            var failure = disk.Read(path, out var bytes);
            if (failure != FileSystemFailure.None)
            {
                await WriteErrorAsync(IoError(command, "ImportClixml", failure, path), output);
                continue;
            }

            IReadOnlyList<PsValue> objects;
            try
            {
                objects = ClixmlDeserializer.DeserializeAll(Encoding.UTF8.GetBytes(DecodeText(bytes, Encoding.UTF8)));
            }
            catch (ClixmlException e)
            {
                // XmlDocument's own text, as 5.1 reports it.
                throw new StatementTerminatedException(new ScriptedError(e.InnerException is System.Xml.XmlException xml ? xml.Message : e.Message,
                    $"System.Xml.XmlException,{CmdletClass(command)}", ErrorCategory.NotSpecified, "System.Xml.XmlException") { Activity = command });
            }

            // The same InternalDeserializer as for a client's values: names decorated at every depth, an enum over its
            // number, a PSCredential rehydrated.
            foreach (var value in objects.Skip(skip).Take(first)) await output.WriteAsync(new PipelineOutput(ScriptExpressions.FromClient(value)), cancellationToken);
        }
    }

    // ---- New-Item ----

    private async ValueTask NewItemAsync(VirtualFileSystem disk, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string command = "New-Item";
        var (paths, _) = await PathWordsAsync(command, arguments, to, blockNesting, fallback: arguments["Name"] is not null ? "." : null);
        var name = arguments["Name"] is { } nameWord ? PipelineVariables.Display(await ArgumentAsync(nameWord, to, blockNesting)) : null;
        var typeWord = arguments["ItemType"] ?? arguments["Type"];
        var type = typeWord is null ? "File" : PipelineVariables.Display(await ArgumentAsync(typeWord, to, blockNesting));
        // The provider takes any prefix of its types' names (-ItemType d is a directory).
        var directory = type.Length > 0 && ("Directory".StartsWith(type, StringComparison.OrdinalIgnoreCase) || "Container".StartsWith(type, StringComparison.OrdinalIgnoreCase));
        if (type.Length > 0 && new[] { "SymbolicLink", "Junction", "HardLink" }.Any(link => link.StartsWith(type, StringComparison.OrdinalIgnoreCase)))
        {
            // The provider's link types: the disk keeps no links.
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"New-Item -ItemType {type} (a link) is not emulated: the computer's disk keeps no links; give the command a rule"));
        }

        if (!directory && (type.Length == 0 || !"File".StartsWith(type, StringComparison.OrdinalIgnoreCase)))
        {
            throw new StatementTerminatedException(new ScriptedError("The type is not a known type for the file system. Only \"file\",\"directory\" or \"symboliclink\" can be specified.",
                $"Argument,{CmdletClass(command)}", ErrorCategory.InvalidArgument, "System.ArgumentException") { Activity = command });
        }

        var value = arguments["Value"] is { } valueWord ? await ArgumentAsync(valueWord, to, blockNesting) : null;
        var force = arguments.Has("Force");
        foreach (var given in paths)
        {
            var full = VirtualFileSystem.FullPath(name is null ? given : given.TrimEnd('\\', '/') + "\\" + name, CurrentDirectory, out var invalid);
            if (full is null)
            {
                await WriteErrorAsync(invalid == FileSystemFailure.DriveNotFound ? DriveError(command, given) : PathNotFound(command, given), output);
                continue;
            }

            var existing = disk.Get(full);
            if (await WhatIfAsync(arguments, directory ? "Create Directory" : "Create File", "Destination: " + full)) continue;
            if (directory)
            {
                if (existing is not null && (!force || !existing.IsDirectory))
                {
                    await WriteErrorAsync(new ScriptedError($"An item with the specified name {full} already exists.", $"DirectoryExist,{CmdletClass(command)}",
                        ErrorCategory.ResourceExists, "System.IO.IOException", full) { Activity = command }, output);
                    continue;
                }

                var made = existing is { IsDirectory: true } ? FileSystemFailure.None : disk.CreateDirectory(full);
                if (made is not (FileSystemFailure.None or FileSystemFailure.AlreadyExists))
                {
                    await WriteErrorAsync(IoError(command, "CreateDirectory", made == FileSystemFailure.IsFile ? FileSystemFailure.AlreadyExists : made, full), output);
                    continue;
                }
            }
            else
            {
                if (existing is not null && (!force || existing.IsDirectory))
                {
                    await WriteErrorAsync(new ScriptedError(existing.IsDirectory ? $"Access to the path '{full}' is denied." : $"The file '{full}' already exists.",
                        $"NewItemIOError,{CmdletClass(command)}", ErrorCategory.WriteError, existing.IsDirectory ? "System.UnauthorizedAccessException" : "System.IO.IOException", full) { Activity = command }, output);
                    continue;
                }

                // -Force makes the folders on the way, as the provider does.
                if (force) disk.CreateDirectory(VirtualFileSystem.ParentOf(full)!);
                var written = disk.Write(full, value is null ? [] : Ansi.GetBytes(PipelineVariables.Display(value)), FileWriteMode.Create);
                if (written != FileSystemFailure.None)
                {
                    await WriteErrorAsync(IoError(command, "NewItem", written, full), output);
                    continue;
                }
            }

            await output.WriteAsync(new PipelineOutput(ItemObject(disk.Get(full)!, nameText: false)), cancellationToken);
        }
    }

    // ---- Remove-Item ----

    private const string ChildrenQuery = "The item at {0} has children and the Recurse parameter was not specified. If you continue, all children will be removed with the item. Are you sure you want to continue?";

    /// <summary>
    /// The provider's ShouldContinue before Remove-Item takes an item's children without -Recurse (a folder's files, a
    /// registry key's subkeys): whether to go on (Yes, Yes to All), and whether the answer was Yes to All, which the
    /// invocation's later items take without asking. Without a host UI the prompt's exception escapes the cmdlet: the
    /// statement's error, nothing removed.
    /// </summary>
    private async ValueTask<(bool Go, bool YesToAll)> ShouldRemoveChildrenAsync(string path)
    {
        var query = string.Format(System.Globalization.CultureInfo.InvariantCulture, ChildrenQuery, path);
        if (!Host.HasHostUI)
        {
            throw new StatementTerminatedException(new ScriptedError(HostFunctionPromptNotImplementedMessage + query,
                "HostFunctionNotImplemented", ErrorCategory.NotImplemented, "System.Management.Automation.Host.HostException") { Activity = "Remove-Item" });
        }

        var choice = await PromptForChoiceAsync("ShouldContinue", 2, ConfirmCaption, query, ConfirmChoices, 0);
        return (choice is not (2 or 3), choice == 1);
    }

    // Windows PowerShell 5.1's FileSystemProviderStrings.PermissionError.
    private const string PermissionError = "You do not have sufficient access rights to perform this operation.";

    /// <summary>
    /// Remove-Item's refusal as the provider writes it: RemoveFileSystemItemUnAuthorizedAccess, PermissionDenied, the
    /// item itself the target, and ErrorDetails "Cannot remove item {path}: {message}" (CannotRemoveItem), which is
    /// what PowerShell shows.
    /// </summary>
    private ScriptedError RemoveItemError(FileSystemItem item, string message, string exceptionType) =>
        new(message, "RemoveFileSystemItemUnAuthorizedAccess,Microsoft.PowerShell.Commands.RemoveItemCommand", ErrorCategory.PermissionDenied, exceptionType, item.FullName)
        {
            Activity = "Remove-Item",
            TargetObject = ItemObject(item, nameText: false),
            DetailsMessage = $"Cannot remove item {item.FullName}: {message}",
        };

    // Whether a folder, or anything below it, is read-only or hidden (Remove-Item without -Force then goes item by item).
    // (Each folder below is a child of the one above it: listing each folder's children covers them all.)
    private static bool HoldsProtected(VirtualFileSystem disk, FileSystemItem folder) =>
        folder.IsReadOnly || folder.IsHidden || disk.FolderTree(folder.FullName, includeHidden: true)
            .Any(path => (disk.List(path, includeHidden: true) ?? []).Any(i => i.IsReadOnly || i.IsHidden));

    /// <summary>
    /// Remove-Item of a folder without -Force, as FileSystemProvider.RemoveDirectoryInfoItem goes: each subfolder the same
    /// way, then each file (a read-only or hidden one refused, RemoveFileSystemItemUnAuthorizedAccess), then the folder
    /// itself: DirectoryNotEmpty while something is left in it, refused when it is read-only or hidden.
    /// </summary>
    private async ValueTask RemoveFolderItemByItemAsync(VirtualFileSystem disk, FileSystemItem folder, IPipelineHost output)
    {
        var children = disk.List(folder.FullName, includeHidden: true) ?? [];
        foreach (var sub in children.Where(c => c.IsDirectory)) await RemoveFolderItemByItemAsync(disk, sub, output);
        foreach (var file in children.Where(c => !c.IsDirectory))
        {
            if (file.IsReadOnly || file.IsHidden) await WriteErrorAsync(RemoveItemError(file, PermissionError, "System.IO.IOException"), output);
            else if (disk.Delete(file.FullName, recurse: false) != FileSystemFailure.None) await WriteErrorAsync(RemoveItemError(file, $"Access to the path '{file.FullName}' is denied.", "System.UnauthorizedAccessException"), output);
        }

        if ((disk.List(folder.FullName, includeHidden: true) ?? []).Count > 0)
        {
            await WriteErrorAsync(new ScriptedError($"Directory {folder.FullName} cannot be removed because it is not empty.", "DirectoryNotEmpty,Microsoft.PowerShell.Commands.RemoveItemCommand",
                ErrorCategory.WriteError, "System.IO.IOException", folder.FullName) { Activity = "Remove-Item", TargetObject = ItemObject(folder, nameText: false) }, output);
        }
        else if (folder.IsReadOnly || folder.IsHidden)
        {
            await WriteErrorAsync(RemoveItemError(folder, PermissionError, "System.IO.IOException"), output);
        }
        else if (disk.Delete(folder.FullName, recurse: false) != FileSystemFailure.None)
        {
            await WriteErrorAsync(RemoveItemError(folder, $"Access to the path '{folder.FullName}' is denied.", "System.UnauthorizedAccessException"), output);
        }
    }

    /// <summary>Remove-Item of the paths (or of <paramref name="piped"/> items' paths, in a pipeline).</summary>
    private async ValueTask RemoveItemAsync(VirtualFileSystem disk, StageArguments arguments, IReadOnlyList<string> piped, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string command = "Remove-Item";
        var paths = piped.Count > 0 ? [.. piped] : await PathsAsync(disk, command, arguments, to, output, blockNesting);
        var recurse = arguments.Has("Recurse");
        var yesToAll = false;
        var force = arguments.Has("Force");
        foreach (var path in paths)
        {
            if (disk.Get(path) is { } doomed && await WhatIfAsync(arguments, doomed.IsDirectory ? "Remove Directory" : "Remove File", path)) continue;
            if (!force && disk.Get(path) is { } item && (item.IsDirectory ? HoldsProtected(disk, item) : item.IsReadOnly || item.IsHidden))
            {
                if (!item.IsDirectory)
                {
                    // As FileSystemProvider.RemoveFileSystemItem: a read-only or hidden item needs -Force.
                    await WriteErrorAsync(RemoveItemError(item, PermissionError, "System.IO.IOException"), output);
                    continue;
                }

                // A folder that is, or holds, a read-only or hidden item: removed item by item, as the provider does.
                if (!recurse && !yesToAll && (disk.List(path, includeHidden: true) ?? []).Count > 0)
                {
                    var (go, toAll) = await ShouldRemoveChildrenAsync(path);
                    if (!go) continue;
                    yesToAll |= toAll;
                }

                await RemoveFolderItemByItemAsync(disk, item, output);
                continue;
            }

            var failure = disk.Delete(path, recurse || yesToAll, force);
            if (failure == FileSystemFailure.DirectoryNotEmpty)
            {
                // As the provider: ask the host before removing what the directory holds.
                var (go, toAll) = await ShouldRemoveChildrenAsync(path);
                if (!go) continue;
                yesToAll |= toAll;
                failure = disk.Delete(path, recurse: true, force);
            }

            if (failure == FileSystemFailure.NotFound) await WriteErrorAsync(PathNotFound(command, path), output);
            else if (failure is FileSystemFailure.AccessDenied or FileSystemFailure.Root && disk.Get(path) is { } refused)
            {
                await WriteErrorAsync(RemoveItemError(refused, $"Access to the path '{path}' is denied.", "System.UnauthorizedAccessException"), output);
            }
            else if (failure != FileSystemFailure.None) await WriteErrorAsync(IoError(command, "RemoveFileSystemItem", failure, path), output);
        }
    }

    // ---- Set-ItemProperty on the FileSystem provider ----

    /// <summary>
    /// Set-ItemProperty's files and folders, when its items are such: piped FileInfo/DirectoryInfo (their full names), or
    /// path words none of which is on the registry (with whether they are literal); null for the registry's.
    /// </summary>
    private async ValueTask<(List<string> Words, bool Literal)?> FileSystemTargetsAsync(string command, StageArguments arguments, IReadOnlyList<PsValue> piped, IPipelineHost? to, int blockNesting)
    {
        if (arguments["LiteralPath"] is null && arguments["Path"] is null)
        {
            return piped.Count > 0 && piped.All(item => item is PsObject o && o["PSProvider"] is { } provider && PipelineVariables.Display(provider).EndsWith("FileSystem", StringComparison.Ordinal))
                ? ([.. piped.OfType<PsObject>().Select(item => PipelineVariables.Display(item["FullName"] ?? PsNil.Instance))], true)
                : null;
        }

        var (texts, literal) = await PathWordsAsync(command, arguments, to, blockNesting);
        return texts.All(text => RegistryPath.Parse(text) is null && !RegistryDrive().IsMatch(text)) ? (texts, literal) : null;
    }

    /// <summary>
    /// Set-ItemProperty of a file or folder, as the FileSystem provider sets its .NET properties: <c>IsReadOnly</c> (a
    /// file's), <c>Attributes</c> (ReadOnly, Hidden, Normal, Archive, Directory; names joined with commas, or the
    /// number), <c>LastWriteTime</c> and <c>CreationTime</c>. -PassThru writes the item. Another property is not
    /// emulated (a scenario error).
    /// </summary>
    private async ValueTask SetFileItemPropertyAsync(VirtualFileSystem disk, StageArguments arguments, (List<string> Words, bool Literal) targets, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string command = "Set-ItemProperty";
        var names = arguments["Name"] is { } nameWord ? await ArgumentTextsAsync(nameWord, to, blockNesting) : null;
        if (names is not [var name]) throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} of a file needs one -Name: give the command a rule"));
        var value = arguments["Value"] is { } valueWord ? await ArgumentAsync(valueWord, to, blockNesting) : PsNil.Instance;
        foreach (var path in await ExistingPathsAsync(disk, command, targets.Words, targets.Literal, output))
        {
            var item = disk.Get(path)!;

            if (await WhatIfAsync(arguments, "Set Property", $"Item: {path} Property: {name} Value: {PipelineVariables.Display(value)}")) continue;
            var failure = SetKeptProperty(disk, item, name, value, $"{command} -Name {name} -Value {PipelineVariables.Display(value)}")
                ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} -Name {name} of a file or folder is not emulated: give the command a rule"));
            if (failure != FileSystemFailure.None)
            {
                await WriteErrorAsync(IoError(command, "SetProperty", failure, path), output);
                continue;
            }

            if (arguments.Has("PassThru")) await output.WriteAsync(new PipelineOutput(ItemObject(disk.Get(path)!, nameText: false)), cancellationToken);
        }
    }

    /// <summary>
    /// Get-ChildItem's -Attributes, as PowerShell's FlagsExpression reads it: <c>ReadOnly,Hidden</c> (either),
    /// <c>Directory+Hidden</c> (both), <c>!Directory</c> (not); the test of an item, and whether the expression names
    /// Hidden (hidden items are then listed without -Force). A name the disk does not keep (System, Temporary...) holds
    /// for no item; one FileAttributes has not is the scenario's error.
    /// </summary>
    private static (Func<FileSystemItem, bool> Test, bool NamesHidden) AttributesFilter(string expression)
    {
        var terms = new List<List<(bool Not, string Name)>>();
        foreach (var term in expression.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var factors = new List<(bool, string)>();
            foreach (var factor in term.Split('+', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var negated = factor.StartsWith('!');
                var name = factor.TrimStart('!').Trim();
                if (!KnownFileAttributes.Contains(name))
                {
                    throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Get-ChildItem -Attributes {expression}: '{name}' is not a FileAttributes name the emulator knows: give the command a rule"));
                }

                factors.Add((negated, name.ToUpperInvariant()));
            }

            terms.Add(factors);
        }

        static bool Has(FileSystemItem item, string name) => name switch
        {
            "READONLY" => item.IsReadOnly,
            "HIDDEN" => item.IsHidden,
            "DIRECTORY" => item.IsDirectory,
            "ARCHIVE" => !item.IsDirectory,
            _ => false,
        };

        return (item => terms.Any(factors => factors.All(f => Has(item, f.Name) != f.Not)),
            terms.Any(factors => factors.Any(f => !f.Not && f.Name == "HIDDEN")));
    }

    private static readonly HashSet<string> KnownFileAttributes = new(StringComparer.OrdinalIgnoreCase)
    {
        "ReadOnly", "Hidden", "System", "Directory", "Archive", "Device", "Normal", "Temporary", "SparseFile", "ReparsePoint",
        "Compressed", "Offline", "NotContentIndexed", "Encrypted", "IntegrityStream", "NoScrubData",
    };

    /// <summary>
    /// An assignment to a FileInfo's or DirectoryInfo's property that the disk keeps (<c>$f.IsReadOnly = $true</c>,
    /// <c>$f.Attributes = 'Hidden'</c>, <c>$f.LastWriteTime = $date</c>): the item on the disk changes, as the .NET setter
    /// changes the file, and the object reads the new values. False for another property (set on the object alone).
    /// </summary>
    private bool SetItemProperty(PsObject item, string property, PsValue value)
    {
        if (Host.FileSystem is not { } disk || item["FullName"] is not { } fullName || disk.Get(PipelineVariables.Display(fullName)) is not { } current ||
            SetKeptProperty(disk, current, property, value, $"setting a file's {property} to {PipelineVariables.Display(value)}") is not { } failure) return false;
        var path = current.FullName;
        if (failure != FileSystemFailure.None)
        {
            throw new ScriptExpressionException(new ScriptedError($"Exception setting \"{property}\": \"Access to the path '{path}' is denied.\"",
                "ExceptionWhenSetting", ErrorCategory.NotSpecified, "System.Management.Automation.SetValueInvocationException"));
        }

        // The object reads what the disk now has (Mode, Attributes, IsReadOnly, the times).
        var fresh = ItemObject(disk.Get(path)!, nameText: false);
        foreach (var name in new[] { "Mode", "IsReadOnly", "Attributes", "LastWriteTime", "LastWriteTimeUtc", "CreationTime", "CreationTimeUtc" })
        {
            if (fresh[name] is { } updated && item[name] is not null) ScriptExpressions.SetElement(item, PsPrimitive.String(name), isIndex: false, updated);
        }

        return true;
    }

    /// <summary>
    /// Sets a property of an item that the disk keeps: a file's IsReadOnly, Attributes (<see cref="FileAttributesOf"/>),
    /// LastWriteTime, CreationTime. Null for another property (or a folder's IsReadOnly, which DirectoryInfo has not); a
    /// value the emulator cannot keep is the scenario's error, <paramref name="what"/> naming the attempt.
    /// </summary>
    private static FileSystemFailure? SetKeptProperty(VirtualFileSystem disk, FileSystemItem item, string property, PsValue value, string what)
    {
        var path = item.FullName;
        return property.ToUpperInvariant() switch
        {
            "ISREADONLY" when !item.IsDirectory => disk.SetAttributes(path, ScriptExpressions.IsTrue(value), null),
            "ATTRIBUTES" => FileAttributesOf(value) is var (readOnly, hidden) ? disk.SetAttributes(path, readOnly, hidden)
                : throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{what}: only ReadOnly, Hidden, Normal, Archive and Directory are emulated: give the command a rule")),
            "LASTWRITETIME" or "CREATIONTIME" => DateOfValue(value) is { } at
                ? disk.SetTimes(path, property.Equals("CreationTime", StringComparison.OrdinalIgnoreCase) ? at : null, property.Equals("LastWriteTime", StringComparison.OrdinalIgnoreCase) ? at : null)
                : throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{what}: a value that is not a date is not emulated: give the command a rule")),
            _ => null,
        };
    }

    private static DateTimeOffset? DateOfValue(PsValue value) => value.AsDateTime() ??
        (DateTimeOffset.TryParse(PipelineVariables.Display(value), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null);

    /// <summary>
    /// A FileAttributes value as the attributes the disk keeps: (read-only, hidden); null for one naming an attribute
    /// the emulator does not keep (System, Temporary, ...). Archive and Directory are what files and folders are anyway.
    /// </summary>
    private static (bool ReadOnly, bool Hidden)? FileAttributesOf(PsValue value)
    {
        if (value.AsPrimitive()?.Value is int or long or uint)
        {
            var bits = Convert.ToInt64(value.AsPrimitive()!.Value, System.Globalization.CultureInfo.InvariantCulture);
            return (bits & ~(1L | 2L | 16L | 32L | 128L)) != 0 ? null : ((bits & 1) != 0, (bits & 2) != 0);
        }

        bool readOnly = false, hidden = false;
        foreach (var part in PipelineVariables.Display(value).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            switch (part.ToUpperInvariant())
            {
                case "READONLY": readOnly = true; break;
                case "HIDDEN": hidden = true; break;
                case "NORMAL" or "ARCHIVE" or "DIRECTORY": break;
                default: return null;
            }
        }

        return (readOnly, hidden);
    }

    // ---- Get-ChildItem ----

    private async ValueTask GetChildItemAsync(VirtualFileSystem disk, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string command = "Get-ChildItem";
        var filter = arguments["Filter"] is { } filterWord ? VirtualFileSystem.Wildcard(PipelineVariables.Display(await ArgumentAsync(filterWord, to, blockNesting))) : null;
        var include = arguments["Include"] is { } includeWord ? (await ArgumentTextsAsync(includeWord, to, blockNesting)).Select(VirtualFileSystem.Wildcard).ToList() : null;
        var exclude = arguments["Exclude"] is { } excludeWord ? (await ArgumentTextsAsync(excludeWord, to, blockNesting)).Select(VirtualFileSystem.Wildcard).ToList() : null;
        var depth = arguments["Depth"] is { } depthWord ? await IntegerArgumentAsync(depthWord, to, blockNesting) : arguments.Has("Recurse") ? int.MaxValue : 0;
        var namesOnly = arguments.Has("Name");
        // -Attributes (FlagsExpression: terms joined by ',' any of which holds, factors joined by '+' all of which hold,
        // '!' negating one), -Hidden, -ReadOnly and -System (only such items; -System finds none here).
        (Func<FileSystemItem, bool> Test, bool NamesHidden)? attributes = arguments["Attributes"] is { } attributesWord
            ? AttributesFilter(PipelineVariables.Display(await ArgumentAsync(attributesWord, to, blockNesting)))
            : null;
        var hiddenToo = arguments.Has("Force") || arguments.Has("Hidden") || attributes?.NamesHidden == true;
        bool Wanted(FileSystemItem item) =>
            (filter is null || filter.IsMatch(item.Name)) &&
            (include is null || include.Any(r => r.IsMatch(item.Name))) &&
            (exclude is null || !exclude.Any(r => r.IsMatch(item.Name))) &&
            (!arguments.Has("File") || !item.IsDirectory) && (!arguments.Has("Directory") || item.IsDirectory) &&
            (!arguments.Has("Hidden") || item.IsHidden) && (!arguments.Has("ReadOnly") || item.IsReadOnly) && !arguments.Has("System") &&
            (attributes is null || attributes.Value.Test(item));

        foreach (var path in await PathsAsync(disk, command, arguments, to, output, blockNesting, fallback: "."))
        {
            var item = disk.Get(path)!;
            if (!item.IsDirectory)
            {
                // A file named itself: its FileInfo is made of the path, whose text it is.
                if (Wanted(item)) await output.WriteAsync(new PipelineOutput(namesOnly ? PsPrimitive.String(item.Name) : ItemObject(item, nameText: false)), cancellationToken);
                continue;
            }

            await ListAsync(path, string.Empty, 0);
        }

        // Directories before files, each in name order, then each directory's own (-Recurse), as the provider lists them.
        async ValueTask ListAsync(string directory, string relative, int level)
        {
            var children = disk.List(directory, includeHidden: hiddenToo) ?? [];
            var ordered = children.Where(c => c.IsDirectory).Concat(children.Where(c => !c.IsDirectory)).ToList();
            foreach (var child in ordered)
            {
                if (!Wanted(child)) continue;
                await output.WriteAsync(new PipelineOutput(namesOnly ? PsPrimitive.String(relative + child.Name) : ItemObject(child, nameText: true)), cancellationToken);
            }

            if (level >= depth) return;
            foreach (var child in ordered.Where(c => c.IsDirectory)) await ListAsync(child.FullName, relative + child.Name + "\\", level + 1);
        }
    }

    // ---- Copy-Item, Move-Item, Rename-Item ----

    private async ValueTask CopyOrMoveAsync(VirtualFileSystem disk, string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var destinationWord = arguments["Destination"];
        var sources = await PathsAsync(disk, command, arguments, to, output, blockNesting);
        var destination = destinationWord is null ? CurrentDirectory : PipelineVariables.Display(await ArgumentAsync(destinationWord, to, blockNesting));
        var target = VirtualFileSystem.FullPath(destination, CurrentDirectory, out var invalid);
        if (target is null)
        {
            await WriteErrorAsync(invalid == FileSystemFailure.DriveNotFound ? DriveError(command, destination) : PathNotFound(command, destination), output);
            return;
        }

        var force = arguments.Has("Force");
        foreach (var source in sources)
        {
            var item = disk.Get(source)!;
            // Into a directory that exists, under the item's own name; else to the path itself.
            var into = disk.Get(target) is { IsDirectory: true } && !string.Equals(target, source, StringComparison.OrdinalIgnoreCase)
                ? (target.Length <= 3 ? target : target + "\\") + item.Name
                : target;
            if (await WhatIfAsync(arguments, $"{(command == "Move-Item" ? "Move" : "Copy")} {(item.IsDirectory ? "Directory" : "File")}", $"Item: {source} Destination: {into}")) continue;
            FileSystemFailure failure;
            if (command == "Move-Item")
            {
                failure = disk.Move(source, into, overwrite: force);
            }
            else if (!item.IsDirectory)
            {
                failure = disk.CopyFile(source, into, overwrite: true);
                // As CopyFileInfoItem: with -Force a read-only or hidden destination loses those attributes, and the copy is tried again.
                if (failure == FileSystemFailure.AccessDenied && force && disk.Get(into) is { IsDirectory: false, IsReadOnly: true } && disk.SetAttributes(into, false, false) == FileSystemFailure.None)
                {
                    failure = disk.CopyFile(source, into, overwrite: true);
                }
            }
            else
            {
                failure = CopyDirectory(source, into, arguments.Has("Recurse"));
            }

            if (failure != FileSystemFailure.None)
            {
                await WriteErrorAsync(IoError(command, command == "Move-Item" ? (item.IsDirectory ? "MoveDirectoryItem" : "MoveFileInfoItem") : (item.IsDirectory ? "CopyDirectoryInfoItem" : "CopyFileInfoItem"), failure, failure == FileSystemFailure.ParentNotFound ? into : source), output);
                continue;
            }

            if (arguments.Has("PassThru")) await output.WriteAsync(new PipelineOutput(ItemObject(disk.Get(into)!, nameText: false)), cancellationToken);
        }

        FileSystemFailure CopyDirectory(string from, string into, bool recurse)
        {
            var made = disk.CreateDirectory(into);
            if (made is not (FileSystemFailure.None or FileSystemFailure.AlreadyExists)) return made;
            if (!recurse) return FileSystemFailure.None;
            foreach (var child in disk.List(from) ?? [])
            {
                var failure = child.IsDirectory ? CopyDirectory(child.FullName, into + "\\" + child.Name, recurse: true) : disk.CopyFile(child.FullName, into + "\\" + child.Name, overwrite: true);
                if (failure != FileSystemFailure.None) return failure;
            }

            return FileSystemFailure.None;
        }
    }

    private async ValueTask RenameItemAsync(VirtualFileSystem disk, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string command = "Rename-Item";
        var newName = arguments["NewName"] is { } nameWord ? PipelineVariables.Display(await ArgumentAsync(nameWord, to, blockNesting))
            : throw new StatementTerminatedException(ParameterError(command, "Cannot process command because of one or more missing mandatory parameters: NewName.", "MissingMandatoryParameter"));
        foreach (var source in await PathsAsync(disk, command, arguments, to, output, blockNesting))
        {
            if (newName.AsSpan().IndexOfAny("\\/") >= 0)
            {
                await WriteErrorAsync(new ScriptedError("Cannot rename the specified target, because it represents a path or device name.", $"Argument,{CmdletClass(command)}",
                    ErrorCategory.InvalidArgument, "System.Management.Automation.PSArgumentException", source) { Activity = command }, output);
                continue;
            }

            var into = VirtualFileSystem.ParentOf(source) is { } parent ? (parent.Length <= 3 ? parent : parent + "\\") + newName : source;
            if (await WhatIfAsync(arguments, disk.Get(source) is { IsDirectory: true } ? "Rename Directory" : "Rename File", $"Item: {source} Destination: {into}")) continue;
            var failure = disk.Move(source, into, overwrite: false);
            if (failure != FileSystemFailure.None)
            {
                await WriteErrorAsync(IoError(command, "RenameItem", failure, source), output);
                continue;
            }

            if (arguments.Has("PassThru")) await output.WriteAsync(new PipelineOutput(ItemObject(disk.Get(into)!, nameText: false)), cancellationToken);
        }
    }

    // ---- Get-FileHash ----

    private async ValueTask GetFileHashAsync(VirtualFileSystem disk, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string command = "Get-FileHash";
        var algorithm = arguments["Algorithm"] is { } algorithmWord ? PipelineVariables.Display(await ArgumentAsync(algorithmWord, to, blockNesting)).ToUpperInvariant() : "SHA256";
        Func<byte[], byte[]> hash = algorithm switch
        {
            "SHA1" => SHA1.HashData,
            "SHA256" => SHA256.HashData,
            "SHA384" => SHA384.HashData,
            "SHA512" => SHA512.HashData,
            "MD5" => MD5.HashData,
            "MACTRIPLEDES" or "RIPEMD160" => throw new StatementTerminatedException(ScriptedError.ScenarioFault(
                $"{command} -Algorithm {algorithm} is not emulated (.NET has no {algorithm} here): give the command a rule")),
            _ => throw new StatementTerminatedException(new ScriptedError(
                $"Cannot validate argument on parameter 'Algorithm'. The argument \"{algorithm}\" does not belong to the set \"SHA1,SHA256,SHA384,SHA512,MACTripleDES,MD5,RIPEMD160\" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.",
                $"ParameterArgumentValidationError,{CmdletClass(command)}", ErrorCategory.InvalidData, "System.Management.Automation.ParameterBindingValidationException")),
        };
        // 5.1's function resolves its paths with Resolve-Path, whose error a missing one is.
        foreach (var path in await PathsAsync(disk, command, arguments, to, output, blockNesting, resolvedBy: "Resolve-Path"))
        {
            // A folder is skipped, as 5.1's function skips it; a Windows program file's bytes are not held here.
            var failure = disk.Read(path, out var bytes);
            if (failure == FileSystemFailure.ContentNotHeld) throw new StatementTerminatedException(ProgramContentNotEmulated(command, path));
            if (failure != FileSystemFailure.None) continue;
            await output.WriteAsync(new PipelineOutput(new PsObject(["Microsoft.PowerShell.Commands.FileHashInfo", "System.Object"]) { ToStringValue = "Microsoft.PowerShell.Commands.FileHashInfo" }
                .With("Algorithm", algorithm)
                .With("Hash", Convert.ToHexString(hash(bytes)))
                .With("Path", path)), cancellationToken);
        }
    }
}
