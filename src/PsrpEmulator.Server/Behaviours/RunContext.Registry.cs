using System.Globalization;
using System.Text.RegularExpressions;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The Registry provider on the computer's registry (<see cref="VirtualRegistry"/>): Get-ItemProperty (gp),
/// Get-ItemPropertyValue (gpv), Set-ItemProperty (sp), New-ItemProperty, Remove-ItemProperty (rp),
/// Rename-ItemProperty (rnp), and Test-Path, Get-Item, Get-ChildItem, New-Item and Remove-Item on HKLM:\ and HKCU:\
/// paths (and Registry::HKEY_LOCAL_MACHINE\...). Wildcards in a path choose among existing keys. Values come back as
/// .NET reads them (REG_DWORD an Int32, REG_QWORD an Int64, REG_MULTI_SZ a String[], REG_BINARY a Byte[], REG_EXPAND_SZ
/// expanded with the session's environment); a value set without -Type keeps the type it had, or takes one from the
/// .NET type of what is set (Int32 a DWord, String[] a MultiString, Byte[] Binary, anything else a String), as
/// RegistryKey.SetValue does. What a command changes is the computer's: other sessions, reg.exe and later sessions see
/// it.
/// </summary>
internal sealed partial class RunContext
{
    /// <summary>The item-property cmdlets (registry only here).</summary>
    internal static readonly HashSet<string> RegistryCommandNames = new(StringComparer.Ordinal)
    {
        "Get-ItemProperty", "Get-ItemPropertyValue", "Set-ItemProperty", "New-ItemProperty", "Remove-ItemProperty", "Rename-ItemProperty",
    };

    private static readonly HashSet<string> RegistryPathCommands = new(StringComparer.Ordinal) { "Test-Path", "Get-Item", "Get-ChildItem", "New-Item", "Remove-Item" };

    private static readonly string[] RegistryKeyTypeNames = ["Microsoft.Win32.RegistryKey", "System.MarshalByRefObject", "System.Object"];

    /// <summary>Whether the file command's path is on the registry (by its text, or a variable's value): the registry provider runs it.</summary>
    private bool IsRegistryCommand(string command, StageArguments arguments)
    {
        if (RegistryCommandNames.Contains(command)) return true;
        if (!RegistryPathCommands.Contains(command) || (arguments["LiteralPath"] ?? arguments["Path"]) is not { } word) return false;
        if (RegistryDrive().IsMatch(word)) return true;
        // $key or "$key\sub": the variable's text; $key.PSPath: that property's (a key's provider path, Registry::...).
        if (RegistryVariable().Match(word) is not { Success: true } variable || scope.Variables.Get(variable.Groups["name"].Value) is not { } value || value is PsNil) return false;
        if (variable.Groups["member"].Success) value = value is PsObject item && item[variable.Groups["member"].Value] is { } property ? property : PsNil.Instance;
        return value is not PsNil && RegistryDrive().IsMatch(PipelineVariables.Display(value));
    }

    [GeneratedRegex(@"^[""'(]*(?:HKLM:|HKCU:|(?:Microsoft\.PowerShell\.Core\\)?Registry::)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RegistryDrive();

    [GeneratedRegex(@"^""?\$(?<name>\w+)(?:\.(?<member>\w+))?", RegexOptions.CultureInvariant)]
    private static partial Regex RegistryVariable();

    private VirtualRegistry RegistryOf(string command) => Host.Registry
        ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} needs the computer's registry, which this host has not: give the command a rule"));

    // HKCU is the session user's own hive, told apart by the user's profile folder (as the kept environment is).
    private string? RegistryUser => Host.EnvironmentVariable("USERPROFILE");

    private async ValueTask RunRegistryCommandAsync(string command, StageArguments arguments, IReadOnlyList<PsValue> piped, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        if (command == "Set-ItemProperty" && Host.FileSystem is { } disk && await FileSystemTargetsAsync(command, arguments, piped, to, blockNesting) is { } targets)
        {
            await SetFileItemPropertyAsync(disk, arguments, targets, to, output, blockNesting);
            return;
        }

        // Get-ItemProperty of a file or folder: without -Name the item itself (its FileInfo or DirectoryInfo properties:
        // train's "(Get-ItemProperty -Path x).attributes"), with -Name an object of those properties and the provider's notes.
        if (command == "Get-ItemProperty" && Host.FileSystem is { } fileDisk && await FileSystemTargetsAsync(command, arguments, piped, to, blockNesting) is { } files)
        {
            var wanted = arguments["Name"] is { } wantedWord ? await ArgumentTextsAsync(wantedWord, to, blockNesting) : null;
            foreach (var path in await ExistingPathsAsync(fileDisk, command, files.Words, files.Literal, output))
            {
                var item = ItemObject(fileDisk.Get(path)!, nameText: false);
                if (wanted is null)
                {
                    await output.WriteAsync(new PipelineOutput(item), cancellationToken);
                    continue;
                }

                var picked = PsObjects.CustomObject();
                foreach (var name in wanted)
                {
                    if (item[name] is not { } value) throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} -Name {name} of a file or folder is not emulated: give the command a rule"));
                    picked.With(item.AdaptedProperties.Concat(item.ExtendedProperties).First(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Name, value);
                }

                foreach (var note in (ReadOnlySpan<string>)["PSPath", "PSParentPath", "PSChildName", "PSDrive", "PSProvider"])
                {
                    if (item[note] is { } noteValue) picked.With(note, noteValue);
                }

                await output.WriteAsync(new PipelineOutput(picked), cancellationToken);
            }

            return;
        }

        var registry = RegistryOf(command);
        var keys = await RegistryKeysAsync(registry, command, arguments, piped, to, output, blockNesting);
        switch (command)
        {
            case "Test-Path":
            {
                // Keys are containers: -PathType Leaf finds none.
                var leaf = arguments["PathType"] is { } typeWord && PipelineVariables.Display(await ArgumentAsync(typeWord, to, blockNesting)).Equals("Leaf", StringComparison.OrdinalIgnoreCase);
                foreach (var (path, _) in keys) await output.WriteAsync(new PipelineOutput(PsPrimitive.Boolean(!leaf && registry.Get(path.Hive, RegistryUser, path.Path) is not null)), cancellationToken);
                return;
            }

            case "New-Item":
                foreach (var (path, given) in keys) await NewRegistryKeyAsync(registry, arguments, path, given, to, output, blockNesting);
                return;
        }

        // The other commands work on keys that exist: a missing one is PathNotFound (a wildcard that matched nothing, nothing).
        var names = arguments["Name"] is { } nameWord && command is not ("Get-ChildItem" or "Get-Item" or "Remove-Item") ? await ArgumentTextsAsync(nameWord, to, blockNesting) : null;
        var yesToAll = false;
        foreach (var (path, given) in keys)
        {
            if (registry.Get(path.Hive, RegistryUser, path.Path) is not { } key)
            {
                await WriteErrorAsync(PathNotFound(command, given ?? path.FullName), output);
                continue;
            }

            switch (command)
            {
                case "Get-ItemProperty":
                    await GetItemPropertyAsync(key, path, names, output);
                    break;
                case "Get-ItemPropertyValue":
                    await GetItemPropertyValueAsync(key, names, output);
                    break;
                case "Set-ItemProperty" or "New-ItemProperty":
                    await SetItemPropertyAsync(registry, command, arguments, path, names, given, to, output, blockNesting);
                    break;
                case "Remove-ItemProperty":
                    foreach (var name in names ?? throw MissingRegistryParameter(command, "Name"))
                    {
                        if (await WhatIfAsync(arguments, "Remove Property", $"Item: {path.FullName} Property: {name}")) continue;
                        // The name as given: "(default)" names no value here (the provider compares the raw names, the default's being "").
                        if (registry.DeleteValue(path.Hive, RegistryUser, path.Path, name) == RegistryFailure.ValueNotFound) await WriteErrorAsync(PropertyNotFound(command, name, key.Name), output);
                    }

                    break;
                case "Rename-ItemProperty":
                    await RenameItemPropertyAsync(registry, arguments, path, names, given, to, output, blockNesting);
                    break;
                case "Get-Item":
                    await output.WriteAsync(new PipelineOutput(RegistryKeyObject(key, path)), cancellationToken);
                    break;
                case "Get-ChildItem":
                    await GetRegistryChildrenAsync(registry, key, path, arguments.Has("Recurse"), output, 0);
                    break;
                case "Remove-Item":
                    // A key with subkeys and no -Recurse: Remove-Item asks first, as for a folder (-Force does not skip it).
                    if (key.SubKeys.Count > 0 && !arguments.Has("Recurse") && !yesToAll)
                    {
                        var (go, toAll) = await ShouldRemoveChildrenAsync(given ?? path.DriveName + ":\\" + path.Path);
                        if (!go) break;
                        yesToAll = toAll;
                    }

                    if (await WhatIfAsync(arguments, "Remove Key", path.FullName)) break;
                    registry.DeleteKey(path.Hive, RegistryUser, path.Path, recurse: true);
                    break;
            }
        }
    }

    private static StatementTerminatedException MissingRegistryParameter(string command, string parameter) =>
        new(ParameterError(command, $"Cannot process command because of one or more missing mandatory parameters: {parameter}.", "MissingMandatoryParameter"));

    /// <summary>
    /// The keys the command's -Path, -LiteralPath or piped items name, each with the text the user gave (errors show
    /// it; null for a key a wildcard found): a wildcard path gives every existing key it matches. A path that is not on
    /// the registry is the scenario's error (another provider is not emulated for these commands).
    /// </summary>
    // Wildcards: the keys below the hive matched segment by segment, in the registry's (sorted) order.
    private List<RegistryPath> MatchingRegistryKeys(VirtualRegistry registry, RegistryPath path)
    {
        var current = new List<RegistryPath> { path with { Path = string.Empty } };
        foreach (var segment in path.Path.Split('\\'))
        {
            var next = new List<RegistryPath>();
            var regex = VirtualFileSystem.HasWildcard(segment) ? VirtualFileSystem.Wildcard(segment) : null;
            foreach (var parent in current)
            {
                if (registry.Get(parent.Hive, RegistryUser, parent.Path) is not { } key) continue;
                foreach (var sub in key.SubKeys) if (regex?.IsMatch(sub) ?? sub.Equals(segment, StringComparison.OrdinalIgnoreCase)) next.Add(parent.Child(sub));
            }

            current = next;
        }

        return current;
    }

    private async ValueTask<List<(RegistryPath Path, string? Given)>> RegistryKeysAsync(VirtualRegistry registry, string command, StageArguments arguments, IReadOnlyList<PsValue> piped, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var literal = arguments["LiteralPath"] is not null;
        List<string> texts;
        if (arguments["LiteralPath"] is null && arguments["Path"] is null && piped.Count > 0)
        {
            // Piped keys (Get-ChildItem HKLM:\...\Uninstall | Get-ItemProperty): their provider path.
            texts = [.. piped.Select(item => item is PsObject o && o["PSPath"] is { } pspath ? PipelineVariables.Display(pspath) : PipelineVariables.Display(item))];
        }
        else
        {
            (texts, literal) = await PathWordsAsync(command, arguments, to, blockNesting);
        }

        var keys = new List<(RegistryPath, string?)>();
        foreach (var text in texts)
        {
            if (RegistryPath.Parse(text) is not { } path)
            {
                throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} {text}: only the registry (HKLM:, HKCU:) is emulated for this command: give the command a rule"));
            }

            if (literal || !VirtualFileSystem.HasWildcard(path.Path) || command == "New-Item")
            {
                keys.Add((path, text));
                continue;
            }

            // Test-Path answers once for the path as given (whether anything matches), the others work on each match.
            var matches = MatchingRegistryKeys(registry, path);
            if (command == "Test-Path") keys.Add((matches.Count > 0 ? matches[0] : path, text));
            else foreach (var match in matches) keys.Add((match, null));
        }

        return keys;
    }

    // "(default)" names the key's default value (the empty name).
    private static string ValueName(string name) => name.Equals("(default)", StringComparison.OrdinalIgnoreCase) ? string.Empty : name;

    private static string ShownName(string name) => name.Length == 0 ? "(default)" : name;

    /// <summary>A value as the provider writes it: REG_EXPAND_SZ expanded with the session's environment variables.</summary>
    private PsValue RegistryData(RegistryValue value) => value.Data switch
    {
        string text when value.Kind == RegistryValueKind.ExpandString => PsPrimitive.String(ExpandEnvironment(text)),
        string text => PsPrimitive.String(text),
        int number => PsPrimitive.Int32(number),
        long number => PsPrimitive.Int64(number),
        string[] texts => PsObjects.List([.. texts.Select(t => (PsValue)PsPrimitive.String(t))], ["System.String[]", "System.Array", "System.Object"]),
        byte[] bytes => ScriptExpressions.ByteArray(bytes),
        _ => PsNil.Instance,
    };

    // %NAME% replaced by the session's variable; an unknown name stays as written (ExpandEnvironmentVariables).
    private string ExpandEnvironment(string text) => PersistentEnvironment.Expand(text, scope.Variables.EnvironmentVariable);

    /// <summary>The provider's PS* note properties of an item at <paramref name="path"/> (PSDrive only when the path was written on a drive).</summary>
    private static PsObject WithRegistryItemProperties(PsObject o, RegistryPath path)
    {
        o.With("PSPath", path.ProviderPath)
            .With("PSParentPath", path.Parent is { } parent ? parent.ProviderPath : string.Empty)
            .With("PSChildName", path.Leaf);
        // The drive and the provider as a 5.1 export of Get-ChildItem HKLM:\... has them (PSDriveInfo, ProviderInfo).
        if (path.Drive)
        {
            var description = SessionDrives.FirstOrDefault(d => d.Name.Equals(path.DriveName, StringComparison.OrdinalIgnoreCase)).Description ?? string.Empty;
            o.With("PSDrive", DriveInfoObject(path.DriveName, RegistryProvider, path.Hive, description, string.Empty, null));
        }

        return o.With("PSProvider", ProviderInfoObject(RegistryProvider, "Microsoft.PowerShell.Commands.RegistryProvider", "System.Management.Automation.dll-Help.xml", "Registry",
            PsPrimitive.String("Microsoft.PowerShell.Core"), "Microsoft.PowerShell.Core", PsNil.Instance, "ShouldProcess, Transactions", string.Empty, o["PSDrive"] ?? PsPrimitive.String("HKLM")));
    }

    /// <summary>
    /// A RegistryKey as Get-Item, Get-ChildItem and New-Item write it: its text the full name, Property the value names.
    /// Its methods (GetValue, GetValueNames, GetSubKeyNames, GetValueKind) read the key as it was when the object was made.
    /// </summary>
    private PsObject RegistryKeyObject(RegistryKeySnapshot key, RegistryPath path)
    {
        var o = RegistryKeyObjectOf(key, path);
        RegistryKeyMethods.Remember(o, new RegistryKeyMethods.KeyData(RegistryOf("RegistryKey"), path, RegistryUser, RegistryData, RegistryKeyObjectOf));
        return o;
    }

    /// <summary>
    /// <c>[Microsoft.Win32.Registry]</c>'s <c>LocalMachine</c> and <c>CurrentUser</c> (RegistryKeys to open subkeys of),
    /// <c>GetValue(keyName, valueName, default)</c> (null when the key is missing, the default when the value is) and
    /// <c>SetValue(keyName, valueName, value[, kind])</c> (the key made if missing), on full key names
    /// (HKEY_LOCAL_MACHINE\...); <c>[Microsoft.Win32.RegistryKey]::OpenBaseKey('LocalMachine', view)</c>. Null for another member.
    /// </summary>
    private PsValue? RegistryStaticMember(string typeName, string member, IReadOnlyList<PsValue>? arguments)
    {
        if (Host.Registry is not { } registry) return null;
        PsValue Root(string hive) => registry.Get(hive, RegistryUser, string.Empty) is { } root
            ? RegistryKeyObject(root, new RegistryPath(hive, string.Empty, Drive: false)) : PsNil.Instance;
        string Text(int i) => ScriptExpressions.IsNull(arguments![i]) ? string.Empty : PipelineVariables.Display(arguments[i]);
        RegistryPath KeyName(string method)
        {
            var text = Text(0);
            // .NET takes the full base key names only (HKLM is no base key name for it).
            return text.StartsWith("HKEY_", StringComparison.OrdinalIgnoreCase) && RegistryPath.Parse(text, slashSeparates: false) is { } parsed
                ? parsed
                : throw new ScriptExpressionException(ScriptedError.MethodInvocation(method, arguments!.Count, "Registry key name must start with a valid base key name.", typeof(ArgumentException)));
        }

        if (typeName == "Microsoft.Win32.RegistryKey")
        {
            if (!member.Equals("OpenBaseKey", StringComparison.OrdinalIgnoreCase) || arguments is not { Count: 2 }) return null;
            return Text(0).ToUpperInvariant() switch
            {
                "LOCALMACHINE" or "-2147483646" => Root(VirtualRegistry.LocalMachine),
                "CURRENTUSER" or "-2147483647" => Root(VirtualRegistry.CurrentUser),
                _ => null,
            };
        }

        switch (member.ToUpperInvariant(), arguments?.Count)
        {
            case ("LOCALMACHINE", null):
                return Root(VirtualRegistry.LocalMachine);
            case ("CURRENTUSER", null):
                return Root(VirtualRegistry.CurrentUser);
            case ("GETVALUE", 3):
            {
                var key = KeyName("GetValue");
                if (registry.Get(key.Hive, RegistryUser, key.Path) is not { } found) return PsNil.Instance;
                var wanted = Text(1);
                return found.Values.FirstOrDefault(v => v.Name.Equals(wanted, StringComparison.OrdinalIgnoreCase)) is { } value ? RegistryData(value) : arguments![2];
            }

            case ("SETVALUE", 3 or 4):
            {
                var key = KeyName("SetValue");
                RegistryValueKind? kind = arguments!.Count == 4 && !Text(3).Equals("Unknown", StringComparison.OrdinalIgnoreCase) && Enum.TryParse<RegistryValueKind>(Text(3), true, out var parsed) ? parsed : null;
                registry.CreateKey(key.Hive, RegistryUser, key.Path, createParents: true);
                try
                {
                    registry.SetValue(key.Hive, RegistryUser, key.Path, RegistryValueOf(Text(1), arguments[2], kind));
                }
                catch (Exception e) when (e is FormatException or ArgumentException)
                {
                    throw new ScriptExpressionException(ScriptedError.MethodInvocation("SetValue", arguments.Count, "The type of the value object did not match the specified RegistryValueKind or the object could not be properly converted.", typeof(ArgumentException)));
                }

                return PsNil.Instance;
            }

            default:
                return null;
        }
    }


    private const string RegistryProvider = @"Microsoft.PowerShell.Core\Registry";

    // A RegistryKey's Handle: an open SafeRegistryHandle (remoting writes it as its type's name).
    private static PsObject RegistryHandle()
    {
        var handle = new PsObject(["Microsoft.Win32.SafeHandles.SafeRegistryHandle", "Microsoft.Win32.SafeHandles.SafeHandleZeroOrMinusOneIsInvalid",
            "System.Runtime.InteropServices.SafeHandle", "System.Runtime.ConstrainedExecution.CriticalFinalizerObject", "System.Object"]) { ToStringValue = "Microsoft.Win32.SafeHandles.SafeRegistryHandle" };
        handle.AdaptedProperties.AddRange([new("IsInvalid", PsPrimitive.Boolean(false)), new("IsClosed", PsPrimitive.Boolean(false))]);
        return handle;
    }

    private static PsObject RegistryKeyObjectOf(RegistryKeySnapshot key, RegistryPath path)
    {
        var o = new PsObject(RegistryKeyTypeNames) { ToStringValue = key.Name };
        o.With("Property", PsObjects.List([.. key.Values.Select(v => (PsValue)PsPrimitive.String(ShownName(v.Name)))], ["System.String[]", "System.Array", "System.Object"]));
        WithRegistryItemProperties(o, path with { Path = key.Name.Length > path.Hive.Length ? key.Name[(path.Hive.Length + 1)..] : string.Empty });
        o.With("PSIsContainer", true);
        o.AdaptedProperties.Add(new PsProperty("SubKeyCount", PsPrimitive.Int32(key.SubKeys.Count)));
        o.AdaptedProperties.Add(new PsProperty("View", PsObjects.Enum(["Microsoft.Win32.RegistryView", "System.Enum", "System.ValueType", "System.Object"], "Default", 0)));
        o.AdaptedProperties.Add(new PsProperty("Handle", RegistryHandle()));
        o.AdaptedProperties.Add(new PsProperty("ValueCount", PsPrimitive.Int32(key.Values.Count)));
        o.AdaptedProperties.Add(new PsProperty("Name", PsPrimitive.String(key.Name)));
        return o;
    }

    private async ValueTask GetRegistryChildrenAsync(VirtualRegistry registry, RegistryKeySnapshot key, RegistryPath path, bool recurse, IPipelineHost output, int depth)
    {
        foreach (var name in key.SubKeys)
        {
            var child = path.Child(name);
            if (registry.Get(child.Hive, RegistryUser, child.Path) is not { } sub) continue;
            await output.WriteAsync(new PipelineOutput(RegistryKeyObject(sub, child)), cancellationToken);
            if (recurse && depth < 64) await GetRegistryChildrenAsync(registry, sub, child, recurse, output, depth + 1);
        }
    }

    private async ValueTask GetItemPropertyAsync(RegistryKeySnapshot key, RegistryPath path, List<string>? names, IPipelineHost output)
    {
        var chosen = new List<RegistryValue>();
        foreach (var name in names ?? [])
        {
            var wildcard = VirtualFileSystem.HasWildcard(name) ? VirtualFileSystem.Wildcard(name) : null;
            var matched = key.Values.Where(v => wildcard?.IsMatch(ShownName(v.Name)) ?? v.Name.Equals(ValueName(name), StringComparison.OrdinalIgnoreCase)).ToList();
            if (matched.Count == 0 && wildcard is null) await WriteErrorAsync(PropertyNotFound("Get-ItemProperty", name, key.Name), output);
            chosen.AddRange(matched.Where(m => !chosen.Contains(m)));
        }

        // A key without values (or none of the names) writes nothing.
        if (names is not null ? chosen.Count == 0 : key.Values.Count == 0) return;
        var o = PsObjects.CustomObject();
        foreach (var value in names is null ? key.Values : chosen) o.With(ShownName(value.Name), RegistryData(value));
        await output.WriteAsync(new PipelineOutput(WithRegistryItemProperties(o, path)), cancellationToken);
    }

    /// <summary>The values alone; a name the key has not ends the statement (the provider's error thrown), and nothing is written.</summary>
    private async ValueTask GetItemPropertyValueAsync(RegistryKeySnapshot key, List<string>? names, IPipelineHost output)
    {
        var values = new List<PsValue>();
        foreach (var name in names ?? throw MissingRegistryParameter("Get-ItemPropertyValue", "Name"))
        {
            values.Add(key.Values.FirstOrDefault(v => v.Name.Equals(ValueName(name), StringComparison.OrdinalIgnoreCase)) is { } value
                ? RegistryData(value)
                : throw new StatementTerminatedException(PropertyNotFound("Get-ItemPropertyValue", name, key.Name)));
        }

        foreach (var value in values) await output.WriteAsync(new PipelineOutput(value), cancellationToken);
    }

    private static ScriptedError PropertyNotFound(string command, string name, string path) => new(
        $"Property {name} does not exist at path {path}.", $"System.Management.Automation.PSArgumentException,{CmdletClass(command)}",
        ErrorCategory.InvalidArgument, "System.Management.Automation.PSArgumentException", name)
    { Activity = command };

    private async ValueTask SetItemPropertyAsync(VirtualRegistry registry, string command, StageArguments arguments, RegistryPath path, List<string>? names, string? given, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        if (names is null) throw MissingRegistryParameter(command, "Name");
        var hasValue = arguments["Value"] is not null;
        if (command == "Set-ItemProperty" && !hasValue) throw MissingRegistryParameter(command, "Value");
        var value = arguments["Value"] is { } valueWord ? await ArgumentAsync(valueWord, to, blockNesting) : PsNil.Instance;
        var kind = await RegistryKindAsync(command, arguments["PropertyType"] ?? arguments["Type"], to, blockNesting);

        var current = registry.Get(path.Hive, RegistryUser, path.Path);
        foreach (var name in names)
        {
            var valueName = ValueName(name);
            var existing = current?.Values.FirstOrDefault(v => v.Name.Equals(valueName, StringComparison.OrdinalIgnoreCase));
            // New-ItemProperty compares the name as given ("(default)" is no value's name there, so it overwrites the default).
            if (command == "New-ItemProperty" && !arguments.Has("Force") && current?.Values.Any(v => v.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) == true)
            {
                await WriteErrorAsync(new ScriptedError("The property already exists.", $"System.IO.IOException,{CmdletClass(command)}",
                    ErrorCategory.ResourceExists, "System.IO.IOException", path.FullName) { Activity = command }, output);
                continue;
            }

            if (await WhatIfAsync(arguments, command == "New-ItemProperty" ? "New Property" : "Set Property", $"Item: {path.FullName} Property: {ShownName(valueName)}")) continue;
            RegistryValue set;
            try
            {
                // Without a type a value keeps the type it had, if what is set converts to it; else its own .NET type decides.
                set = kind is { } explicitKind ? RegistryValueOf(valueName, value, explicitKind)
                    : existing is not null && TryRegistryValueOf(valueName, value, existing.Kind) is { } kept ? kept
                    : RegistryValueOf(valueName, value, null);
            }
            catch (FormatException)
            {
                await WriteErrorAsync(new ScriptedError($"Cannot convert value \"{PipelineVariables.Display(value)}\" to type \"System.{(kind == RegistryValueKind.QWord ? "UInt64" : kind == RegistryValueKind.DWord ? "UInt32" : "Byte[]")}\". Error: \"Input string was not in a correct format.\"",
                    $"System.Management.Automation.PSInvalidCastException,{CmdletClass(command)}", ErrorCategory.WriteError, "System.Management.Automation.PSInvalidCastException", path.FullName) { Activity = command }, output);
                continue;
            }
            catch (ArgumentException e)
            {
                await WriteErrorAsync(new ScriptedError(e.Message, $"System.ArgumentException,{CmdletClass(command)}", ErrorCategory.WriteError, "System.ArgumentException", path.FullName) { Activity = command }, output);
                continue;
            }

            if (registry.SetValue(path.Hive, RegistryUser, path.Path, set) == RegistryFailure.TooLarge)
            {
                throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command}: the computer's registry holds at most {VirtualRegistry.MaxValueBytes} bytes of values in the emulator"));
            }

            // New-ItemProperty always writes the property it made; Set-ItemProperty with -PassThru.
            if (command == "New-ItemProperty" || arguments.Has("PassThru"))
            {
                var o = PsObjects.CustomObject().With(ShownName(set.Name), RegistryData(set));
                await output.WriteAsync(new PipelineOutput(WithRegistryItemProperties(o, path)), cancellationToken);
            }
        }
    }

    /// <summary>
    /// -Type (Set-ItemProperty's RegistryValueKind parameter) or -PropertyType (New-ItemProperty's text, which the
    /// provider parses): the kind, or null for Unknown and none.
    /// </summary>
    private async ValueTask<RegistryValueKind?> RegistryKindAsync(string command, string? word, IPipelineHost? to, int blockNesting)
    {
        if (word is null) return null;
        var typeName = PipelineVariables.Display(await ArgumentAsync(word, to, blockNesting)).Trim();
        if (typeName.Equals("Unknown", StringComparison.OrdinalIgnoreCase) || typeName.Equals("None", StringComparison.OrdinalIgnoreCase)) return null;
        if (!int.TryParse(typeName, out _) && Enum.TryParse<RegistryValueKind>(typeName, ignoreCase: true, out var kind)) return kind;
        if (command == "New-ItemProperty")
        {
            throw new StatementTerminatedException(new ScriptedError(
                $"Could not bind parameter 'Type'. Could not convert \"{typeName}\" to \"Microsoft.Win32.RegistryValueKind\". The possible enumeration values are \"String, ExpandString, Binary, DWord, MultiString, QWord, Unknown\".",
                $"System.ArgumentException,{CmdletClass(command)}", ErrorCategory.InvalidArgument, "System.ArgumentException", typeName) { Activity = command });
        }

        throw new StatementTerminatedException(new ScriptedError(
            $"Cannot bind parameter 'Type'. Cannot convert value \"{typeName}\" to type \"Microsoft.Win32.RegistryValueKind\". Error: \"Unable to match the identifier name {typeName} to a valid enumerator name. Specify one of the following enumerator names and try again:\r\nString, ExpandString, Binary, DWord, MultiString, QWord, Unknown, None\"",
            $"CannotConvertArgumentNoMessage,{CmdletClass(command)}", ErrorCategory.InvalidArgument, "System.Management.Automation.ParameterBindingException"));
    }

    private static RegistryValue? TryRegistryValueOf(string name, PsValue value, RegistryValueKind kind)
    {
        try
        {
            return RegistryValueOf(name, value, kind);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// What the provider stores for <paramref name="value"/>: converted to <paramref name="kind"/> (as PowerShell
    /// converts: "1" to a DWord 1; a number that does not fit an Int32 as a UInt32's bits), or, with no kind, typed by
    /// its .NET type as RegistryKey.SetValue types it. FormatException when the text is no number.
    /// </summary>
    internal static RegistryValue RegistryValueOf(string name, PsValue value, RegistryValueKind? kind)
    {
        var nil = ScriptExpressions.IsNull(value);
        switch (kind)
        {
            case RegistryValueKind.DWord:
                return new(name, RegistryValueKind.DWord, nil ? 0 : unchecked((int)(uint)Integer(value, uint.MaxValue)));
            case RegistryValueKind.QWord:
                return new(name, RegistryValueKind.QWord, nil ? 0L : unchecked((long)(ulong)Integer(value, ulong.MaxValue)));
            case RegistryValueKind.String or RegistryValueKind.ExpandString:
                return new(name, kind.Value, nil ? string.Empty : PipelineVariables.Display(value));
            case RegistryValueKind.MultiString:
                return new(name, RegistryValueKind.MultiString, nil ? Array.Empty<string>() : ScriptExpressions.Enumerate(value).Select(PipelineVariables.Display).ToArray());
            case RegistryValueKind.Binary:
                return new(name, RegistryValueKind.Binary, nil ? Array.Empty<byte>() : value is PsPrimitive { Value: byte[] raw } ? raw : ScriptExpressions.Enumerate(value).Select(b => (byte)Integer(b, byte.MaxValue)).ToArray());
        }

        // No type: the provider's guess from the .NET type (Int32 a DWord, Int64 a QWord, String[] a MultiString,
        // Byte[] Binary), else RegistryKey.SetValue's (its text; an array of another type is refused).
        return value switch
        {
            PsPrimitive { Value: int number } => new(name, RegistryValueKind.DWord, number),
            PsPrimitive { Value: long number } => new(name, RegistryValueKind.QWord, number),
            PsPrimitive { Value: byte[] bytes } => new(name, RegistryValueKind.Binary, bytes),
            PsObject { TypeNames: ["System.String[]", ..] } => new(name, RegistryValueKind.MultiString, ScriptExpressions.Enumerate(value).Select(PipelineVariables.Display).ToArray()),
            PsObject { TypeNames: ["System.Byte[]", ..] } => new(name, RegistryValueKind.Binary, ScriptExpressions.Enumerate(value).Select(b => (byte)Integer(b, byte.MaxValue)).ToArray()),
            PsObject { CollectionKind: not PsCollectionKind.None and not PsCollectionKind.Dictionary } list =>
                throw new ArgumentException($"RegistryKey.SetValue does not support arrays of type '{(list.TypeNames is [var type, ..] ? type : "System.Object[]")}'. Only Byte[] and String[] are supported."),
            _ => new(name, RegistryValueKind.String, nil ? string.Empty : PipelineVariables.Display(value)),
        };
    }

    // A number as PowerShell converts a value to an integer type (text in decimal or 0x hex, rounding a fraction to even).
    private static decimal Integer(PsValue value, decimal max)
    {
        decimal number;
        if (value is PsPrimitive { Value: string text })
        {
            var trimmed = text.Trim();
            if (trimmed.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && ulong.TryParse(trimmed.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex)) number = hex;
            else if (!decimal.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out number)) throw new FormatException(text);
        }
        else if (value is PsPrimitive { Value: IConvertible convertible } && convertible is not bool and not string)
        {
            number = Convert.ToDecimal(convertible, CultureInfo.InvariantCulture);
        }
        else if (value is PsPrimitive { Value: bool flag })
        {
            number = flag ? 1 : 0;
        }
        else
        {
            throw new FormatException(PipelineVariables.Display(value));
        }

        number = Math.Round(number, MidpointRounding.ToEven);
        // A negative number keeps its bits (an Int32 -1 is the DWord 0xFFFFFFFF).
        if (number < 0 && number >= (max == uint.MaxValue ? int.MinValue : long.MinValue)) return max == uint.MaxValue ? unchecked((uint)(int)number) : unchecked((ulong)(long)number);
        if (number < 0 || number > max) throw new FormatException(PipelineVariables.Display(value));
        return number;
    }

    private async ValueTask RenameItemPropertyAsync(VirtualRegistry registry, StageArguments arguments, RegistryPath path, List<string>? names, string? given, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string Command = "Rename-ItemProperty";
        if (names is not [var name]) throw MissingRegistryParameter(Command, "Name");
        if (arguments["NewName"] is not { } newWord) throw MissingRegistryParameter(Command, "NewName");
        var newName = PipelineVariables.Display(await ArgumentAsync(newWord, to, blockNesting));
        if (await WhatIfAsync(arguments, "Rename Property", $"Item: {path.FullName} Source Property: {name} Destination Property: {newName}")) return;
        switch (registry.RenameValue(path.Hive, RegistryUser, path.Path, ValueName(name), ValueName(newName)))
        {
            case RegistryFailure.ValueNotFound:
                await WriteErrorAsync(PropertyNotFound(Command, name, path.FullName), output);
                return;
            case RegistryFailure.ValueExists:
                await WriteErrorAsync(new ScriptedError("The property already exists.", $"System.IO.IOException,{CmdletClass(Command)}",
                    ErrorCategory.ResourceExists, "System.IO.IOException", path.ProviderPath) { Activity = Command }, output);
                return;
        }

        if (arguments.Has("PassThru") && registry.Get(path.Hive, RegistryUser, path.Path)?.Values.FirstOrDefault(v => v.Name.Equals(ValueName(newName), StringComparison.OrdinalIgnoreCase)) is { } renamed)
        {
            await output.WriteAsync(new PipelineOutput(WithRegistryItemProperties(PsObjects.CustomObject().With(ShownName(renamed.Name), RegistryData(renamed)), path)), cancellationToken);
        }
    }

    private async ValueTask NewRegistryKeyAsync(VirtualRegistry registry, StageArguments arguments, RegistryPath path, string? given, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string Command = "New-Item";
        if (arguments["Name"] is { } nameWord) path = path.Child(PipelineVariables.Display(await ArgumentAsync(nameWord, to, blockNesting)));
        if (await WhatIfAsync(arguments, "New Item", "Item: " + path.FullName)) return;
        var force = arguments.Has("Force");
        var failure = registry.CreateKey(path.Hive, RegistryUser, path.Path, createParents: force);
        if (failure == RegistryFailure.KeyExists && force)
        {
            // -Force on a key that exists deletes it (its values and subkeys) and makes it anew.
            registry.DeleteKey(path.Hive, RegistryUser, path.Path, recurse: true);
            failure = registry.CreateKey(path.Hive, RegistryUser, path.Path, createParents: true);
        }

        switch (failure)
        {
            case RegistryFailure.KeyExists:
                await WriteErrorAsync(new ScriptedError("A key in this path already exists.", $"System.IO.IOException,{CmdletClass(Command)}",
                    ErrorCategory.ResourceExists, "System.IO.IOException", path.FullName) { Activity = Command }, output);
                return;
            case RegistryFailure.ParentNotFound:
                await WriteErrorAsync(new ScriptedError("The registry key at the specified path does not exist.", $"System.ArgumentException,{CmdletClass(Command)}",
                    ErrorCategory.InvalidArgument, "System.ArgumentException", path.Parent?.FullName ?? path.Hive) { Activity = Command }, output);
                return;
            case RegistryFailure.TooLarge:
                throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{Command}: the computer's registry holds at most {VirtualRegistry.MaxKeys} keys in the emulator"));
        }

        // -Value sets the new key's default value, of the kind -ItemType names (else the value's own).
        if (arguments["Value"] is { } valueWord)
        {
            var kind = await RegistryKindAsync("New-ItemProperty", arguments["ItemType"] ?? arguments["Type"], to, blockNesting);
            try
            {
                registry.SetValue(path.Hive, RegistryUser, path.Path, RegistryValueOf(string.Empty, await ArgumentAsync(valueWord, to, blockNesting), kind));
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                // The key stays; the provider says its default value could not be set, and writes no key.
                await WriteErrorAsync(new ScriptedError($"Key {path.FullName} has been created, but a default value could not be set.", $"System.Management.Automation.PSInvalidCastException,{CmdletClass(Command)}",
                    ErrorCategory.WriteError, "System.Management.Automation.PSInvalidCastException", path.FullName) { Activity = Command }, output);
                return;
            }
        }

        if (registry.Get(path.Hive, RegistryUser, path.Path) is { } key) await output.WriteAsync(new PipelineOutput(RegistryKeyObject(key, path)), cancellationToken);
    }
}

/// <summary>
/// The methods scripts call on a RegistryKey in the session (<c>(Get-Item $key).GetValue('Name')</c>,
/// <c>[Microsoft.Win32.Registry]::LocalMachine.OpenSubKey('SOFTWARE\x')</c>): they read and change the computer's
/// registry now, through what is kept beside the object (never on the wire: a RegistryKey sent to the client is its
/// properties only). A key deleted meanwhile reads as empty, as a .NET handle to a deleted key does.
/// </summary>
internal static class RegistryKeyMethods
{
    /// <summary>The key an object stands for, and how its values read (REG_EXPAND_SZ expanded in the session).</summary>
    internal sealed record KeyData(VirtualRegistry Registry, RegistryPath Path, string? User, Func<RegistryValue, PsValue> Data, Func<RegistryKeySnapshot, RegistryPath, PsObject> Object);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<PsObject, KeyData> Keys = [];

    public static void Remember(PsObject key, KeyData data) => Keys.AddOrUpdate(key, data);

    private static readonly string[] ValueKindTypeNames = ["Microsoft.Win32.RegistryValueKind", "System.Enum", "System.ValueType", "System.Object"];

    private static PsValue Strings(IEnumerable<string> names) => PsObjects.List([.. names.Select(n => (PsValue)PsPrimitive.String(n))], ["System.String[]", "System.Array", "System.Object"]);

    private static string Name(PsValue argument) => ScriptExpressions.IsNull(argument) ? string.Empty : PipelineVariables.Display(argument);

    /// <summary>The method's result; null when the object is no RegistryKey read here or the method is not one of these.</summary>
    public static PsValue? Call(PsObject key, string name, IReadOnlyList<PsValue> arguments)
    {
        if (!Keys.TryGetValue(key, out var data)) return null;
        var now = data.Registry.Get(data.Path.Hive, data.User, data.Path.Path);
        RegistryValue? Find(PsValue argument) => now?.Values.FirstOrDefault(v => v.Name.Equals(Name(argument), StringComparison.OrdinalIgnoreCase));
        PsValue Open(string sub, bool create)
        {
            var child = data.Path.Child(string.Join('\\', sub.Split('\\', StringSplitOptions.RemoveEmptyEntries)));
            if (create) data.Registry.CreateKey(child.Hive, data.User, child.Path, createParents: true);
            return data.Registry.Get(child.Hive, data.User, child.Path) is { } opened ? Wrap(opened, child) : PsNil.Instance;
        }

        PsObject Wrap(RegistryKeySnapshot snapshot, RegistryPath path)
        {
            var o = data.Object(snapshot, path);
            Remember(o, data with { Path = path });
            return o;
        }

        switch (name.ToUpperInvariant(), arguments.Count)
        {
            case ("GETVALUE", 1 or 2 or 3):
                // RegistryValueOptions.DoNotExpandEnvironmentNames (1): a REG_EXPAND_SZ as stored.
                var raw = arguments.Count == 3 && Name(arguments[2]) is var options && (options.Contains("DoNotExpand", StringComparison.OrdinalIgnoreCase) || options == "1");
                return Find(arguments[0]) is { } value
                    ? raw && value is { Kind: RegistryValueKind.ExpandString, Data: string stored } ? PsPrimitive.String(stored) : data.Data(value)
                    : arguments.Count > 1 ? arguments[1] : PsNil.Instance;
            case ("GETVALUENAMES", 0):
                return Strings(now?.Values.Select(v => v.Name) ?? []);
            case ("GETSUBKEYNAMES", 0):
                return Strings(now?.SubKeys ?? []);
            case ("GETVALUEKIND", 1):
                // A value the key has not: .NET's IOException, as PowerShell reports it.
                return Find(arguments[0]) is { } kind
                    ? PsObjects.Enum(ValueKindTypeNames, kind.Kind.ToString(), kind.Kind switch
                    {
                        RegistryValueKind.String => 1, RegistryValueKind.ExpandString => 2, RegistryValueKind.Binary => 3, RegistryValueKind.DWord => 4, RegistryValueKind.MultiString => 7, _ => 11,
                    })
                    : throw new ScriptExpressionException(ScriptedError.MethodInvocation(name, 1, "The system cannot find the file specified.", typeof(IOException)));
            case ("OPENSUBKEY", 1 or 2):
                return Open(Name(arguments[0]), create: false);
            case ("CREATESUBKEY", 1 or 2):
                return Open(Name(arguments[0]), create: true);
            case ("SETVALUE", 2 or 3):
                var kindName = arguments.Count == 3 ? Name(arguments[2]) : null;
                RegistryValueKind? given = kindName is null || kindName.Equals("Unknown", StringComparison.OrdinalIgnoreCase) ? null
                    : Enum.TryParse<RegistryValueKind>(kindName, ignoreCase: true, out var parsed) ? parsed
                    : throw new ScriptExpressionException(ScriptedError.MethodInvocation(name, 3, $"Cannot convert argument \"valueKind\", with value: \"{kindName}\", for \"SetValue\" to type \"Microsoft.Win32.RegistryValueKind\"", typeof(ArgumentException)));
                try
                {
                    data.Registry.SetValue(data.Path.Hive, data.User, data.Path.Path, RunContext.RegistryValueOf(Name(arguments[0]), arguments[1], given));
                }
                catch (Exception e) when (e is FormatException or ArgumentException)
                {
                    throw new ScriptExpressionException(ScriptedError.MethodInvocation(name, arguments.Count, "The type of the value object did not match the specified RegistryValueKind or the object could not be properly converted.", typeof(ArgumentException)));
                }

                return PsNil.Instance;
            case ("DELETEVALUE", 1 or 2):
                if (data.Registry.DeleteValue(data.Path.Hive, data.User, data.Path.Path, Name(arguments[0])) == RegistryFailure.ValueNotFound && (arguments.Count == 1 || ScriptExpressions.IsTrue(arguments[1])))
                {
                    throw new ScriptExpressionException(ScriptedError.MethodInvocation(name, arguments.Count, "No value exists with that name.", typeof(ArgumentException)));
                }

                return PsNil.Instance;
            case ("DELETESUBKEY" or "DELETESUBKEYTREE", 1 or 2):
                var sub = data.Path.Child(Name(arguments[0]));
                var failure = data.Registry.DeleteKey(sub.Hive, data.User, sub.Path, recurse: name.Equals("DeleteSubKeyTree", StringComparison.OrdinalIgnoreCase));
                if (failure == RegistryFailure.HasSubKeys)
                {
                    throw new ScriptExpressionException(ScriptedError.MethodInvocation(name, arguments.Count, "Registry key has subkeys and recursive removes are not supported by this method.", typeof(InvalidOperationException)));
                }

                if (failure == RegistryFailure.KeyNotFound && (arguments.Count == 1 || ScriptExpressions.IsTrue(arguments[1])))
                {
                    throw new ScriptExpressionException(ScriptedError.MethodInvocation(name, arguments.Count, "Cannot delete a subkey tree because the subkey does not exist.", typeof(ArgumentException)));
                }

                return PsNil.Instance;
            case ("CLOSE" or "DISPOSE" or "FLUSH", 0):
                return PsNil.Instance;
            default:
                return null;
        }
    }
}
