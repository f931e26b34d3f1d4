using System.Text.RegularExpressions;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The session-state drives Function:, Variable: and Alias: under the item cmdlets (Test-Path, Get-Item, Get-ChildItem,
/// Get-Content, New-Item, Set-Item, Remove-Item), as PowerShell's SessionStateProviderBase serves them: a drive's items
/// are what the current scope sees (a running function's own functions and variables too), listed in name order; a name
/// after the drive may carry wildcards, and a scope (<c>function:global:Name</c>). Function items are FunctionInfo
/// objects (their ScriptBlock), Variable items PSVariables, Alias items AliasInfo objects (Windows PowerShell 5.1's
/// default aliases and the session's Set-Alias and New-Alias ones).
/// </summary>
internal sealed partial class RunContext
{
    [GeneratedRegex(@"^['""]?(?<drive>function|variable|alias):", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SessionStateDrive();

    // InitialSessionState's Clear-Host on Windows: the client's console is cleared through the RawUI's host calls.
    private const string ClearHostText = "\r\n$RawUI = $Host.UI.RawUI\r\n$RawUI.CursorPosition = @{X=0;Y=0}\r\n$RawUI.SetBufferContents(\r\n" +
        "    @{Top = -1; Bottom = -1; Right = -1; Left = -1},\r\n    @{Character = ' '; ForegroundColor = $rawui.ForegroundColor; BackgroundColor = $rawui.BackgroundColor})\r\n" +
        "# .Link\r\n# https://go.microsoft.com/fwlink/?LinkID=225747\r\n# .ExternalHelp System.Management.Automation.dll-help.xml\r\n";

    /// <summary>
    /// Windows PowerShell 5.1's own functions in every session (InitialSessionState's built-in functions: the drive
    /// letters, <c>cd..</c>, <c>cd\</c> and the rest), with the definitions known here (the others' texts are not
    /// recorded: their Definition is empty).
    /// </summary>
    private static readonly (string Name, string Definition)[] BuiltInFunctions =
    [
        .. Enumerable.Range('A', 26).Select(letter => ($"{(char)letter}:", "Set-Location $MyInvocation.MyCommand.Name")),
        ("cd..", "Set-Location .."), ("cd\\", "Set-Location \\"), ("Clear-Host", ClearHostText), ("Get-Verb", string.Empty), ("help", string.Empty),
        ("ImportSystemModules", string.Empty), ("mkdir", string.Empty), ("more", string.Empty), ("oss", string.Empty),
        ("Pause", "$null = Read-Host 'Press Enter to continue...'"), ("prompt", string.Empty), ("TabExpansion2", string.Empty),
    ];

    /// <summary>
    /// A Windows Server 2019 remote session's drives (Get-PSDrive in the Microsoft.PowerShell endpoint), in name order:
    /// name, provider, root and description (the descriptions are UNVERIFIED).
    /// </summary>
    private static readonly (string Name, string Provider, string Root, string Description)[] SessionDrives =
    [
        ("Alias", @"Microsoft.PowerShell.Core\Alias", string.Empty, "Drive containing a view of the aliases stored in session state."),
        ("C", @"Microsoft.PowerShell.Core\FileSystem", @"C:\", string.Empty),
        ("Cert", @"Microsoft.PowerShell.Security\Certificate", @"\", "X509 Certificate Provider"),
        ("Env", @"Microsoft.PowerShell.Core\Environment", string.Empty, "Drive containing a view of the environment variables for the process."),
        ("Function", @"Microsoft.PowerShell.Core\Function", string.Empty, "Drive containing a view of the functions stored in session state."),
        ("HKCU", @"Microsoft.PowerShell.Core\Registry", "HKEY_CURRENT_USER", "The software settings for the current user"),
        ("HKLM", @"Microsoft.PowerShell.Core\Registry", "HKEY_LOCAL_MACHINE", "The configuration settings for the local computer"),
        ("Variable", @"Microsoft.PowerShell.Core\Variable", string.Empty, "Drive containing a view of the variables stored in session state."),
        ("WSMan", @"Microsoft.WSMan.Management\WSMan", string.Empty, "Root of WSMan Config Storage."),
    ];

    /// <summary>
    /// Windows PowerShell 5.1's approved verbs as its Get-Verb function lists them: the Verbs* classes in the assembly's
    /// order (Common, Data, Lifecycle, Diagnostic, Communications, Security, Other), each one's verbs by name, as
    /// Get-Member sorts their static properties; 98 in all (PowerShell 6 added Build and Deploy).
    /// </summary>
    private static readonly (string Group, string[] Verbs)[] ApprovedVerbs =
    [
        ("Common", ["Add", "Clear", "Close", "Copy", "Enter", "Exit", "Find", "Format", "Get", "Hide", "Join", "Lock", "Move", "New", "Open", "Optimize", "Pop", "Push",
            "Redo", "Remove", "Rename", "Reset", "Resize", "Search", "Select", "Set", "Show", "Skip", "Split", "Step", "Switch", "Undo", "Unlock", "Watch"]),
        ("Data", ["Backup", "Checkpoint", "Compare", "Compress", "Convert", "ConvertFrom", "ConvertTo", "Dismount", "Edit", "Expand", "Export", "Group", "Import",
            "Initialize", "Limit", "Merge", "Mount", "Out", "Publish", "Restore", "Save", "Sync", "Unpublish", "Update"]),
        ("Lifecycle", ["Approve", "Assert", "Complete", "Confirm", "Deny", "Disable", "Enable", "Install", "Invoke", "Register", "Request", "Restart", "Resume", "Start",
            "Stop", "Submit", "Suspend", "Uninstall", "Unregister", "Wait"]),
        ("Diagnostic", ["Debug", "Measure", "Ping", "Repair", "Resolve", "Test", "Trace"]),
        ("Communications", ["Connect", "Disconnect", "Read", "Receive", "Send", "Write"]),
        ("Security", ["Block", "Grant", "Protect", "Revoke", "Unblock", "Unprotect"]),
        ("Other", ["Use"]),
    ];

    private static readonly string[] VerbTypeNames = ["Selected.Microsoft.PowerShell.Commands.MemberDefinition", PsObjects.PSCustomObjectTypeName, "System.Object"];

    /// <summary>
    /// Get-Verb [[-Verb] patterns] (5.1's built-in function): an object per approved verb the patterns match (Verb,
    /// Group), each pattern's matches in the list's order; a pattern matching none writes nothing.
    /// </summary>
    private async ValueTask GetVerbAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var patterns = arguments["Verb"] is { } verbWord ? await ArgumentTextsAsync(verbWord, to, blockNesting) : ["*"];
        foreach (var pattern in patterns)
        {
            var like = VirtualFileSystem.Wildcard(pattern);
            foreach (var (group, verbs) in ApprovedVerbs)
            {
                foreach (var verb in verbs.Where(v => like.IsMatch(v)))
                {
                    await output.WriteAsync(new PipelineOutput(new PsObject(VerbTypeNames).With("Verb", verb).With("Group", group)), cancellationToken);
                }
            }
        }
    }

    /// <summary>
    /// A 5.1 session's providers in the order Get-PSProvider lists them (Core's as InitialSessionState adds them, then the
    /// Security and WSMan modules'; those two's order is UNVERIFIED): name, qualified name, implementing type, help file,
    /// module and capabilities.
    /// </summary>
    private static readonly (string Name, string Qualified, string ImplementingType, string HelpFile, string Module, string Capabilities)[] SessionProviders =
    [
        ("Registry", RegistryProvider, "Microsoft.PowerShell.Commands.RegistryProvider", "System.Management.Automation.dll-Help.xml", "Microsoft.PowerShell.Core", "ShouldProcess, Transactions"),
        ("Alias", @"Microsoft.PowerShell.Core\Alias", "Microsoft.PowerShell.Commands.AliasProvider", "System.Management.Automation.dll-Help.xml", "Microsoft.PowerShell.Core", "ShouldProcess"),
        ("Environment", EnvironmentProvider, "Microsoft.PowerShell.Commands.EnvironmentProvider", "System.Management.Automation.dll-Help.xml", "Microsoft.PowerShell.Core", "ShouldProcess"),
        ("FileSystem", @"Microsoft.PowerShell.Core\FileSystem", "Microsoft.PowerShell.Commands.FileSystemProvider", "System.Management.Automation.dll-Help.xml", "Microsoft.PowerShell.Core", "Filter, ShouldProcess, Credentials"),
        ("Function", @"Microsoft.PowerShell.Core\Function", "Microsoft.PowerShell.Commands.FunctionProvider", "System.Management.Automation.dll-Help.xml", "Microsoft.PowerShell.Core", "ShouldProcess"),
        ("Variable", @"Microsoft.PowerShell.Core\Variable", "Microsoft.PowerShell.Commands.VariableProvider", "System.Management.Automation.dll-Help.xml", "Microsoft.PowerShell.Core", "ShouldProcess"),
        ("Certificate", CertificateProvider, "Microsoft.PowerShell.Commands.CertificateProvider", "Microsoft.PowerShell.Security.dll-Help.xml", "Microsoft.PowerShell.Security", "ShouldProcess"),
        ("WSMan", WsManProvider, "Microsoft.WSMan.Management.WSManConfigProvider", "Microsoft.WSMan.Management.dll-Help.xml", "Microsoft.WSMan.Management", "Credentials"),
    ];

    /// <summary>
    /// Get-PSProvider [[-PSProvider] names] (wildcards): ProviderInfo objects in 5.1's table (Name, Capabilities, Drives),
    /// each with its drives (Registry's HKLM and HKCU). A name no provider has is ProviderNotFound, written and gone on from.
    /// </summary>
    private async ValueTask GetPSProviderAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var names = arguments["PSProvider"] is { } nameWord ? await ArgumentTextsAsync(nameWord, to, blockNesting) : ["*"];
        foreach (var name in names)
        {
            var pattern = VirtualFileSystem.Wildcard(name);
            var found = SessionProviders.Where(p => pattern.IsMatch(p.Name) || pattern.IsMatch(p.Qualified)).ToList();
            if (found.Count == 0 && !VirtualFileSystem.HasWildcard(name))
            {
                await WriteErrorAsync(new ScriptedError($"Cannot find a provider with the name '{name}'.", "ProviderNotFound,Microsoft.PowerShell.Commands.GetPSProviderCommand",
                    ErrorCategory.ObjectNotFound, "System.Management.Automation.ProviderNotFoundException", name) { Activity = "Get-PSProvider" }, output);
                continue;
            }

            foreach (var provider in found)
            {
                var core = provider.Module == "Microsoft.PowerShell.Core";
                var drives = SessionDrives.Where(d => d.Provider == provider.Qualified)
                    .Select(d => (PsValue)DriveInfoObject(d.Name, d.Provider, d.Root, d.Description, string.Empty, null)).ToList();
                if (provider.Name == "Registry") drives.Reverse();
                var info = ProviderInfoObject(provider.Qualified, provider.ImplementingType, provider.HelpFile, provider.Name, core ? PsPrimitive.String(provider.Module) : PsNil.Instance,
                    provider.Module, core ? PsNil.Instance : PsPrimitive.String(provider.Module), provider.Capabilities,
                    provider.Name == "FileSystem" ? host.EnvironmentVariable("USERPROFILE") ?? @"C:\Users\Default" : string.Empty, [.. drives]);
                await output.WriteAsync(new PipelineOutput(info), cancellationToken);
            }
        }
    }

    /// <summary>
    /// Get-PSDrive (<c>gdr</c>): PSDriveInfo objects of the session's drives (<c>-Name</c>, wildcards; <c>-PSProvider</c>,
    /// a provider's name or qualified name). The C: drive's Used and Free are the computer's disk's (what <c>dir</c> reports
    /// free), its CurrentLocation the session's location under it; the other drives have neither. A name no drive has is
    /// DriveNotFound, a provider no drive has ProviderNotFound, each written and gone on from.
    /// </summary>
    private async ValueTask GetPSDriveAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string command = "Get-PSDrive";
        var names = (arguments["Name"] ?? arguments["LiteralName"]) is { } nameWord ? await ArgumentTextsAsync(nameWord, to, blockNesting) : ["*"];
        var literal = arguments["LiteralName"] is not null;
        var provider = arguments["PSProvider"] is { } providerWord ? PipelineVariables.Display(await ArgumentAsync(providerWord, to, blockNesting)) : null;
        // A provider by its name or its qualified name (Microsoft.PowerShell.Core\FileSystem), as GetSingleProvider finds one.
        var drives = provider is null ? SessionDrives
            : [.. SessionDrives.Where(d => d.Provider.Equals(provider, StringComparison.OrdinalIgnoreCase) || d.Provider.EndsWith("\\" + provider, StringComparison.OrdinalIgnoreCase))];
        var disk = Host.FileSystem;
        var location = CurrentDirectory;
        foreach (var name in names)
        {
            if (drives.Length == 0)
            {
                // GetPSDriveCommand reports the ProviderNotFoundException under the drive's error id.
                await WriteErrorAsync(new ScriptedError($"Cannot find a provider with the name '{provider}'.", "GetLocationNoMatchingDrive,Microsoft.PowerShell.Commands.GetPSDriveCommand",
                    ErrorCategory.ObjectNotFound, "System.Management.Automation.ProviderNotFoundException", provider) { Activity = command }, output);
                continue;
            }

            var wild = !literal && VirtualFileSystem.HasWildcard(name);
            var pattern = wild ? VirtualFileSystem.Wildcard(name) : null;
            var found = drives.Where(d => pattern?.IsMatch(d.Name) ?? d.Name.Equals(name.TrimEnd(':'), StringComparison.OrdinalIgnoreCase)).ToList();
            if (found.Count == 0 && !wild)
            {
                await WriteErrorAsync(new ScriptedError($"Cannot find drive. A drive with the name '{name}' does not exist.", "GetLocationNoMatchingDrive,Microsoft.PowerShell.Commands.GetPSDriveCommand",
                    ErrorCategory.ObjectNotFound, "System.Management.Automation.DriveNotFoundException", name) { Activity = command }, output);
                continue;
            }

            foreach (var (driveName, driveProvider, root, description) in found)
            {
                var fileSystem = driveProvider.EndsWith("\\FileSystem", StringComparison.Ordinal) && disk is not null;
                var current = fileSystem && location.StartsWith(root, StringComparison.OrdinalIgnoreCase) ? location[root.Length..] : string.Empty;
                await output.WriteAsync(new PipelineOutput(new PsObject(["System.Management.Automation.PSDriveInfo", "System.Object"]) { ToStringValue = driveName }
                    .With("Used", fileSystem ? PsPrimitive.Int64(disk!.Size - disk.FreeBytes) : PsNil.Instance)
                    .With("Free", fileSystem ? PsPrimitive.Int64(disk!.FreeBytes) : PsNil.Instance)
                    .With("CurrentLocation", current)
                    .With("Name", driveName)
                    .With("Provider", driveProvider)
                    .With("Root", root)
                    .With("Description", description)
                    .With("MaximumSize", PsNil.Instance)
                    .With("Credential", "System.Management.Automation.PSCredential")
                    .With("DisplayRoot", PsNil.Instance)), cancellationToken);
            }
        }
    }

    private static bool IsSessionStateDriveCommand(string command, StageArguments arguments) =>
        command is "Test-Path" or "Get-Item" or "Get-ChildItem" or "Get-Content" or "Remove-Item" or "New-Item" or "Set-Item" &&
        (arguments["LiteralPath"] ?? arguments["Path"]) is { } word && SessionStateDrive().IsMatch(word);

    private async ValueTask SessionStateDriveAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var literal = arguments["LiteralPath"] is not null;
        foreach (var path in await ArgumentTextsAsync(arguments["LiteralPath"] ?? arguments["Path"], to, blockNesting))
        {
            var colon = path.IndexOf(':', StringComparison.Ordinal);
            var drive = path[..colon].ToUpperInvariant();
            var name = path[(colon + 1)..].TrimStart('\\', '/');
            // New-Item -Path function: -Name x: the item's name in the drive.
            if (name.Length == 0 && command is "New-Item" && arguments["Name"] is { } nameWord) name = PipelineVariables.Display(await ArgumentAsync(nameWord, to, blockNesting));
            var (plain, scopeName) = QualifiedVariableName(name);
            var session = scopeName is not null && (scopeName.Equals("Global", StringComparison.OrdinalIgnoreCase) || scopeName.Equals("Script", StringComparison.OrdinalIgnoreCase));
            if (command is "New-Item" or "Set-Item")
            {
                await SetSessionStateItemAsync(command, drive, plain, session, arguments, to, output, blockNesting);
                continue;
            }

            var wild = !literal && VirtualFileSystem.HasWildcard(plain);
            var pattern = wild ? VirtualFileSystem.Wildcard(plain) : null;
            var items = SessionStateItems(drive)
                .Where(item => plain.Length == 0 || (pattern?.IsMatch(item.Name) ?? item.Name.Equals(plain, StringComparison.OrdinalIgnoreCase)))
                .OrderBy(item => item.Name, StringComparer.CurrentCultureIgnoreCase)
                .ToList();
            if (command == "Test-Path")
            {
                await output.WriteAsync(new PipelineOutput(PsPrimitive.Boolean(plain.Length == 0 || items.Count > 0)), cancellationToken);
                continue;
            }

            if (items.Count == 0 && !wild && plain.Length > 0)
            {
                await WriteErrorAsync(PathNotFound(command, SessionStateMissingPath(command, DriveName(drive), plain)), output);
                continue;
            }

            foreach (var (itemName, value) in items)
            {
                switch (command)
                {
                    case "Get-Content":
                        // A function's content is its ScriptBlock, a variable's its value, an alias's the command it stands for.
                        await output.WriteAsync(new PipelineOutput(value), cancellationToken);
                        break;
                    case "Remove-Item":
                        if (drive == "ALIAS") throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Remove-Item {path}: changing the Alias: drive is not emulated: give the command a rule"));
                        if (await WhatIfAsync(arguments, "Remove Item", $"Item: {itemName}")) break;
                        if (!scope.Variables.Unset(drive == "FUNCTION" ? "function:" + itemName : itemName) && drive == "FUNCTION" && IsBuiltInFunction(itemName))
                        {
                            // A built-in function the session has not redefined: gone for the rest of the session.
                            scope.Variables.Runspace.SetVariable("function:" + itemName, PsNil.Instance);
                        }

                        break;
                    default:
                        await output.WriteAsync(new PipelineOutput(SessionStateItemObject(drive, itemName, value)), cancellationToken);
                        break;
                }
            }
        }
    }

    // New-Item / Set-Item function:Name -Value { ... } (a function defined by a script that builds its name), and
    // variable:Name -Value x (New-Item refuses one that exists without -Force, as New-Variable).
    private async ValueTask SetSessionStateItemAsync(string command, string drive, string name, bool session, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        if (drive == "ALIAS" || name.Length == 0 || VirtualFileSystem.HasWildcard(name))
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} {drive.ToLowerInvariant()}:{name}: only one named function or variable can be set: give the command a rule"));
        }

        var value = arguments["Value"] is { } valueWord ? await ArgumentAsync(valueWord, to, blockNesting) : PsNil.Instance;
        var key = drive == "FUNCTION" ? "function:" + name : name;
        if (drive == "FUNCTION")
        {
            if (value is PsNil)
            {
                await WriteErrorAsync(new ScriptedError("Value cannot be null.\r\nParameter name: value", $"NewItemValueNotSpecified,{CmdletClass(command)}",
                    ErrorCategory.InvalidArgument, "System.ArgumentNullException", name) { Activity = command }, output);
                return;
            }

            // A string value is the function's text, as FunctionProvider makes a ScriptBlock of it.
            value = PsPrimitive.ScriptBlock(
                arguments["Value"] is { } blockWord && ScriptExpressions.ScriptBlockLiteral(blockWord) is { } literal ? literal
                : value is PsPrimitive { Type: PsPrimitiveType.ScriptBlock, Value: string body } ? body
                : PipelineVariables.Display(value));
        }

        if (command == "New-Item" && scope.Variables.Get(key) is { } existing && existing is not PsNil && !arguments.Has("Force"))
        {
            await WriteErrorAsync(new ScriptedError($"The item at path '{name}' already exists.", $"NewItemAlreadyExists,{CmdletClass(command)}",
                ErrorCategory.ResourceExists, "System.Management.Automation.SessionStateException", name) { Activity = command }, output);
            return;
        }

        if (await WhatIfAsync(arguments, command == "New-Item" ? "New Item" : "Set Item", $"Item: {name} Value: {PipelineVariables.Display(value)}")) return;
        if (session) scope.Variables.SetGlobal(key, value);
        else scope.Variables.Set(key, value);
        if (command == "New-Item" || arguments.Has("PassThru")) await output.WriteAsync(new PipelineOutput(SessionStateItemObject(drive, name, value)), cancellationToken);
    }

    private static string DriveName(string drive) => drive switch
    {
        "FUNCTION" => "Function",
        "VARIABLE" => "Variable",
        _ => "Alias",
    };

    /// <summary>
    /// The path a session-state drive's "Cannot find path" names: Get-ChildItem the name as given, the other item
    /// cmdlets the drive-qualified path (PowerShell 7.6 on Linux: 'Env:/nope'; Windows' separator is \).
    /// </summary>
    private static string SessionStateMissingPath(string command, string drive, string name) => command == "Get-ChildItem" ? name : $"{drive}:\\{name}";

    // The provider's notes on an item it writes, as PowerShell's WriteItemObject adds them (PSDrive and PSProvider as the
    // serializer writes them at depth 1: their text).
    private static PsObject WithProviderNotes(PsObject item, string drive, string name) => item
        .With("PSPath", $"Microsoft.PowerShell.Core\\{drive}::{name}")
        .With("PSDrive", drive)
        .With("PSProvider", $"Microsoft.PowerShell.Core\\{drive}")
        .With("PSIsContainer", PsPrimitive.Boolean(false));

    private static bool IsBuiltInFunction(string name) => BuiltInFunctions.Any(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The text of a built-in function the emulator knows and runs; null for another name or one whose text is not recorded.</summary>
    internal static string? BuiltInFunctionText(string name) =>
        Array.Find(BuiltInFunctions, f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Definition is { Length: > 0 } text ? text : null;

    /// <summary>A drive's items as the current scope sees them (FUNCTION, VARIABLE, ALIAS): names and values.</summary>
    private IEnumerable<(string Name, PsValue Value)> SessionStateItems(string drive)
    {
        switch (drive)
        {
            case "FUNCTION":
            {
                var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var (variable, body) in scope.Variables.VisibleFunctions())
                {
                    var name = variable["function:".Length..];
                    // A removed built-in function is held as $null.
                    if (seen.Add(name) && body is not PsNil) yield return (name, body);
                }

                foreach (var (name, definition) in BuiltInFunctions)
                {
                    if (seen.Add(name)) yield return (name, PsPrimitive.ScriptBlock(definition));
                }

                break;
            }

            case "VARIABLE":
                foreach (var item in scope.Variables.VisibleVariables(SessionVariables)) yield return item;
                break;
            default:
            {
                // The aliases the session set (Set-Alias, New-Alias), then Windows PowerShell 5.1's defaults.
                var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var (variable, target) in scope.Variables.Runspace.VariablesStartingWith("alias:"))
                {
                    if (target is PsPrimitive { Value: string { Length: > 0 } } && seen.Add(variable["alias:".Length..])) yield return (variable["alias:".Length..], target);
                }

                foreach (var (alias, target) in WindowsCommands.Aliases)
                {
                    if (seen.Add(alias)) yield return (alias, PsPrimitive.String(target));
                }

                break;
            }
        }
    }

    /// <summary>
    /// Get-Alias [[-Name] patterns] [-Definition patterns] [-Exclude patterns]: the Alias: drive's items that match, in
    /// name order; a name without wildcards that none matches is PowerShell's ItemNotFoundException.
    /// </summary>
    private async ValueTask GetAliasAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        async ValueTask<List<string>> Patterns(string parameter) => arguments[parameter] is { } word
            ? [.. ScriptExpressions.Enumerate(await ArgumentAsync(word, to, blockNesting)).Select(PipelineVariables.Display)]
            : [];
        var names = await Patterns("Name");
        var definitions = await Patterns("Definition");
        var excluded = await Patterns("Exclude");
        if (names.Count == 0) names.Add("*");
        var items = SessionStateItems("ALIAS").OrderBy(item => item.Name, StringComparer.CurrentCultureIgnoreCase).ToList();
        bool Matches(string text, IEnumerable<string> patterns) => patterns.Any(p => VirtualFileSystem.Wildcard(p).IsMatch(text));
        var written = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pattern in names)
        {
            var found = items.Where(i => Matches(i.Name, [pattern]) && (definitions.Count == 0 || Matches(PipelineVariables.Display(i.Value), definitions)) && !Matches(i.Name, excluded)).ToList();
            if (found.Count == 0 && !VirtualFileSystem.HasWildcard(pattern) && definitions.Count == 0)
            {
                await WriteErrorAsync(new ScriptedError($"This command cannot find a matching alias because an alias with the name '{pattern}' does not exist.",
                    "ItemNotFoundException,Microsoft.PowerShell.Commands.GetAliasCommand", ErrorCategory.ObjectNotFound, "System.Management.Automation.ItemNotFoundException", pattern), output);
                continue;
            }

            foreach (var (name, value) in found)
            {
                if (written.Add(name)) await output.WriteAsync(new PipelineOutput(SessionStateItemObject("ALIAS", name, value)), cancellationToken);
            }
        }
    }

    private static PsObject SessionStateItemObject(string drive, string name, PsValue value) => WithProviderNotes(drive switch
    {
        "FUNCTION" => CommandInfoObject(name, FunctionCommandType, null, null, PipelineVariables.Display(value)).With("ScriptBlock", value),
        "VARIABLE" => PSVariableObject(name, value),
        _ => CommandInfoObject(name, AliasCommandType, null, null, PipelineVariables.Display(value)),
    }, DriveName(drive), name);
}
