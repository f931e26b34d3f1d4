using System.Text;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Server.Behaviours.CommandLines;
using PsrpEmulator.Server.Shells.WinRs;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// <c>New-Object -ComObject WScript.Shell</c> (WSH's WshShell), as scripts of the VBScript era still use it from
/// PowerShell: <c>ExpandEnvironmentStrings(text)</c> (the session's variables; an unknown <c>%NAME%</c> stays),
/// <c>RegRead(name)</c>, <c>RegWrite(name, value[, type])</c> and <c>RegDelete(name)</c> on the computer's registry
/// (<c>HKLM\key\value</c>, a trailing backslash for a key or its default value; REG_SZ, REG_EXPAND_SZ unexpanded,
/// REG_DWORD as Int32, REG_MULTI_SZ as an array), <c>Environment(type)</c> (SYSTEM, USER, PROCESS, VOLATILE: its
/// <c>Item(name)</c>, "" for none, and <c>Count</c>), <c>SpecialFolders(name)</c> and the <c>SpecialFolders</c>
/// collection's <c>Item(name)</c> (the session user's folders, "" for an unknown name), <c>CurrentDirectory</c> (the
/// process's, when the object is made) and <c>Run(command[, style[, wait]])</c> (environment variables expanded; run as
/// Start-Process runs a program: with wait its exit code, else 0 at once). WSH's errors are COMExceptions in PowerShell's
/// MethodInvocationException: "Unable to open registry key "..." for reading.", "Invalid root in registry key "...".",
/// "Unable to remove registry key "...".". Other members (Popup, SendKeys...), HKCR, HKEY_USERS,
/// HKEY_CURRENT_CONFIG and the types RegWrite is not emulated for are scenario errors. <c>CreateShortcut(path)</c> makes a
/// WshShortcut (.lnk: TargetPath, Arguments, Description, WorkingDirectory, IconLocation, WindowStyle) or WshURLShortcut
/// (.url: TargetPath) whose <c>Save()</c> writes a shell link file (<see cref="ShellLinkFile"/>) or an Internet shortcut,
/// read back when the path is made again; another extension is "The shortcut pathname must end with .lnk or .url.".
/// <c>Exec(command)</c> runs the command line to its end at once and gives a finished WshScriptExec whose StdOut and
/// StdErr are what it wrote. UNVERIFIED: the COM interface ids
/// PowerShell names the objects by, that RegRead leaves REG_EXPAND_SZ unexpanded, Run's error text.
/// </summary>
internal sealed partial class RunContext
{
    // IWshShell3, IWshEnvironment, IWshCollection.
    private const string WshShellInterfaceId = "41904400-be18-11d3-a28b-00104bd35090";
    private const string WshEnvironmentInterfaceId = "f935dc29-1cf0-11d0-adb9-00c04fd58a0b";
    private const string WshCollectionInterfaceId = "f935dc27-1cf0-11d0-adb9-00c04fd58a0b";
    private const string WshShortcutInterfaceId = "f935dc23-1cf0-11d0-adb9-00c04fd58a0b";
    private const string WshUrlShortcutInterfaceId = "f935dc2b-1cf0-11d0-adb9-00c04fd58a0b";
    private const string WshExecInterfaceId = "08fed190-be19-11d3-a28b-00104bd35090";
    private const string TextStreamInterfaceId = "53bad8c1-e718-11cf-893d-00a0c9054228";

    // COM's ERROR_FILE_NOT_FOUND, for a program Run or Exec does not find.
    private const string FileNotFoundText = "The system cannot find the file specified. (Exception from HRESULT: 0x80070002)";

    // How far a script has read an Exec's StdOut or StdErr.
    private sealed class TextStreamReader(string text)
    {
        public string Text => text;
        public int Position;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<PsObject, TextStreamReader> TextStreams = [];

    // The volatile environment Windows keeps for a logged-on user (HKCU\Volatile Environment).
    private static readonly string[] VolatileEnvironmentNames = ["LOGONSERVER", "USERDOMAIN", "USERNAME", "USERPROFILE", "HOMEPATH", "HOMEDRIVE", "APPDATA", "LOCALAPPDATA", "USERDOMAIN_ROAMINGPROFILE"];

    private PsObject NewWshShell()
    {
        var shell = ComObject(new ComState(ComKind.WshShell, null, time), WshShellInterfaceId)
            .With("CurrentDirectory", ProcessDirectory);
        return shell.With("SpecialFolders", ComObject(new ComState(ComKind.WshSpecialFolders, null, time), WshCollectionInterfaceId).With("Count", SpecialFolderNames.Length));
    }

    /// <summary>A method of a WSH object the emulator made (<see cref="ComKind.WshShell"/> and its collections).</summary>
    private async ValueTask<PsValue> WshMethodAsync(PsObject target, ComState state, string name, IReadOnlyList<PsValue> arguments)
    {
        string Text(int index) => PipelineVariables.Display(arguments[index]);
        switch (state.Kind, name.ToUpperInvariant(), arguments.Count)
        {
            case (ComKind.WshShell, "EXPANDENVIRONMENTSTRINGS", 1):
                return PsPrimitive.String(ExpandEnvironment(Text(0)));
            case (ComKind.WshShell, "REGREAD", 1):
                return RegRead(Text(0));
            case (ComKind.WshShell, "REGWRITE", 2 or 3):
                RegWrite(Text(0), arguments[1], arguments.Count == 3 ? Text(2) : null, arguments.Count);
                return PsNil.Instance;
            case (ComKind.WshShell, "REGDELETE", 1):
                RegDelete(Text(0));
                return PsNil.Instance;
            case (ComKind.WshShell, "ENVIRONMENT", 0 or 1):
            {
                var type = arguments.Count == 0 ? "SYSTEM" : Text(0).ToUpperInvariant();
                if (type is not ("SYSTEM" or "USER" or "PROCESS" or "VOLATILE")) throw ComError(name, arguments.Count, "Invalid procedure call or argument");
                return ComObject(state with { Kind = ComKind.WshEnvironment, Path = type }, WshEnvironmentInterfaceId).With("Count", WshEnvironmentVariables(type).Count);
            }

            case (ComKind.WshEnvironment, "ITEM", 1):
                return PsPrimitive.String(WshEnvironmentVariables(state.Path).FirstOrDefault(v => v.Key.Equals(Text(0), StringComparison.OrdinalIgnoreCase)).Value ?? string.Empty);
            case (ComKind.WshShell, "SPECIALFOLDERS", 1):
            case (ComKind.WshSpecialFolders, "ITEM", 1):
                return PsPrimitive.String(SpecialFolder(Text(0)) ?? string.Empty);
            case (ComKind.WshShell, "CREATESHORTCUT", 1):
                return CreateShortcut(Text(0));
            case (ComKind.WshShortcut or ComKind.WshUrlShortcut, "SAVE", 0):
                SaveShortcut(target, state);
                return PsNil.Instance;
            case (ComKind.WshShell, "EXEC", 1):
                return await WshExecAsync(Text(0));
            case (ComKind.WshTextStream, "READALL" or "READLINE" or "SKIPLINE", 0):
                return ReadTextStream(target, name);
            case (ComKind.WshTextStream, "CLOSE", 0):
            case (ComKind.WshScriptExec, "TERMINATE", 0):
                // The program has ended already (it ran to its end when Exec was called).
                return PsNil.Instance;
            case (ComKind.WshShell, "RUN", >= 1 and <= 3):
                return PsPrimitive.Int32(await WshRunAsync(name, ExpandEnvironment(Text(0)), wait: arguments.Count == 3 && ScriptExpressions.IsTrue(arguments[2]), arguments.Count));
            default:
                throw new ScriptExpressionException(ScriptedError.ScenarioFault(
                    $"WScript.Shell's {(state.Kind == ComKind.WshShell ? string.Empty : state.Kind + " ")}method {name} (with {arguments.Count} argument(s)) is not emulated: give the script a rule"));
        }
    }

    // A WshEnvironment's variables: the session process's, or as the registry keeps the machine's, the user's and the
    // volatile ones (REG_EXPAND_SZ values as written).
    private List<KeyValuePair<string, string>> WshEnvironmentVariables(string type)
    {
        var profile = Host.EnvironmentVariable("USERPROFILE") ?? string.Empty;
        return type switch
        {
            "PROCESS" => [.. EnvironmentNow()],
            "VOLATILE" => [.. VolatileEnvironmentNames.Select(n => KeyValuePair.Create(n, scope.Variables.EnvironmentVariable(n) ?? string.Empty)).Where(v => v.Value.Length > 0)],
            _ when Host.PersistentEnvironment is { } persistent =>
                [.. persistent.List(type == "SYSTEM" ? EnvironmentScope.Machine : EnvironmentScope.User, profile).Select(v => KeyValuePair.Create(v.Name, v.Text))],
            _ => throw new ScriptExpressionException(ScriptedError.ScenarioFault($"WScript.Shell's Environment(\"{type}\") needs the computer's kept environment, which this host has not")),
        };
    }

    // WshShell.SpecialFolders' names and the session user's folders; null for a name WSH does not know.
    private static readonly string[] SpecialFolderNames =
    [
        "AllUsersDesktop", "AllUsersStartMenu", "AllUsersPrograms", "AllUsersStartup", "Desktop", "Favorites", "Fonts", "MyDocuments", "NetHood",
        "PrintHood", "Programs", "Recent", "SendTo", "StartMenu", "Startup", "Templates",
    ];

    private string? SpecialFolder(string name)
    {
        var profile = Host.EnvironmentVariable("USERPROFILE") ?? @"C:\Users\" + (Host.EnvironmentVariable("USERNAME") ?? "Default");
        var roaming = profile + @"\AppData\Roaming\Microsoft\Windows";
        const string common = @"C:\ProgramData\Microsoft\Windows\Start Menu";
        return name.ToUpperInvariant() switch
        {
            "ALLUSERSDESKTOP" => @"C:\Users\Public\Desktop",
            "ALLUSERSSTARTMENU" => common,
            "ALLUSERSPROGRAMS" => common + @"\Programs",
            "ALLUSERSSTARTUP" => common + @"\Programs\Startup",
            "DESKTOP" => profile + @"\Desktop",
            "FAVORITES" => profile + @"\Favorites",
            "FONTS" => @"C:\Windows\Fonts",
            "MYDOCUMENTS" => profile + @"\Documents",
            "NETHOOD" => roaming + @"\Network Shortcuts",
            "PRINTHOOD" => roaming + @"\Printer Shortcuts",
            "PROGRAMS" => roaming + @"\Start Menu\Programs",
            "RECENT" => roaming + @"\Recent",
            "SENDTO" => roaming + @"\SendTo",
            "STARTMENU" => roaming + @"\Start Menu",
            "STARTUP" => roaming + @"\Start Menu\Programs\Startup",
            "TEMPLATES" => roaming + @"\Templates",
            _ => null,
        };
    }

    /// <summary>A WSH registry name: its hive, key and value name ("" for the key's default value: a trailing backslash).</summary>
    private (string Hive, string Key, string Value) WshRegistryName(string method, int count, string name)
    {
        var slash = name.IndexOf('\\');
        var root = (slash < 0 ? name : name[..slash]).ToUpperInvariant();
        string? hive = root switch
        {
            "HKLM" or "HKEY_LOCAL_MACHINE" => VirtualRegistry.LocalMachine,
            "HKCU" or "HKEY_CURRENT_USER" => VirtualRegistry.CurrentUser,
            _ => null,
        };
        if (hive is null)
        {
            if (root is "HKCR" or "HKEY_CLASSES_ROOT" or "HKEY_USERS" or "HKEY_CURRENT_CONFIG")
            {
                throw new ScriptExpressionException(ScriptedError.ScenarioFault($"WScript.Shell's {method} of {root}: the emulator's registry has HKLM and HKCU only"));
            }

            throw ComError(method, count, $"Invalid root in registry key \"{name}\".");
        }

        var rest = slash < 0 ? string.Empty : name[(slash + 1)..];
        var last = rest.LastIndexOf('\\');
        var key = string.Join('\\', (last < 0 ? string.Empty : rest[..last]).Split('\\', StringSplitOptions.RemoveEmptyEntries));
        return (hive, key, last < 0 ? rest : rest[(last + 1)..]);
    }

    private PsValue RegRead(string name)
    {
        var (hive, key, valueName) = WshRegistryName("RegRead", 1, name);
        var value = RegistryOf("WScript.Shell's RegRead").Get(hive, RegistryUser, key)?.Values.FirstOrDefault(v => v.Name.Equals(valueName, StringComparison.OrdinalIgnoreCase));
        return value?.Data switch
        {
            null => throw ComError("RegRead", 1, $"Unable to open registry key \"{name}\" for reading."),
            string text => PsPrimitive.String(text),
            int number => PsPrimitive.Int32(number),
            string[] texts => PsObjects.List([.. texts.Select(t => (PsValue)PsPrimitive.String(t))], ["System.Object[]", "System.Array", "System.Object"]),
            _ => throw new ScriptExpressionException(ScriptedError.ScenarioFault($"WScript.Shell's RegRead of a {value.Kind} value is not emulated: give the script a rule")),
        };
    }

    private void RegWrite(string name, PsValue value, string? type, int count)
    {
        var (hive, key, valueName) = WshRegistryName("RegWrite", count, name);
        // An integer is REG_DWORD, anything else REG_SZ, unless the type says.
        var kind = (type?.ToUpperInvariant() ?? (value is PsPrimitive { Value: int or short or byte or long } ? "REG_DWORD" : "REG_SZ")) switch
        {
            "REG_SZ" => RegistryValueKind.String,
            "REG_EXPAND_SZ" => RegistryValueKind.ExpandString,
            "REG_DWORD" => RegistryValueKind.DWord,
            _ => throw new ScriptExpressionException(ScriptedError.ScenarioFault($"WScript.Shell's RegWrite of type {type} is not emulated: give the script a rule")),
        };
        object data = kind == RegistryValueKind.DWord
            ? ScriptExpressions.AsNumberOrNull(value) is { } number ? unchecked((int)(long)number) : throw ComError("RegWrite", count, "Type mismatch")
            : PipelineVariables.Display(value);
        var registry = RegistryOf("WScript.Shell's RegWrite");
        if (key.Length > 0 && registry.CreateKey(hive, RegistryUser, key, createParents: true) is not (RegistryFailure.None or RegistryFailure.KeyExists) ||
            registry.SetValue(hive, RegistryUser, key, new RegistryValue(valueName, kind, data)) != RegistryFailure.None)
        {
            throw ComError("RegWrite", count, $"Unable to save registry key \"{name}\".");
        }
    }

    private void RegDelete(string name)
    {
        var (hive, key, valueName) = WshRegistryName("RegDelete", 1, name);
        var registry = RegistryOf("WScript.Shell's RegDelete");
        // A trailing backslash names the key (one without subkeys, as RegDeleteKey removes), else a value.
        var failure = valueName.Length == 0 && name.EndsWith('\\')
            ? key.Length == 0 ? RegistryFailure.KeyNotFound : registry.DeleteKey(hive, RegistryUser, key, recurse: false)
            : registry.DeleteValue(hive, RegistryUser, key, valueName);
        if (failure != RegistryFailure.None) throw ComError("RegDelete", 1, $"Unable to remove registry key \"{name}\".");
    }

    /// <summary>
    /// WshShell.CreateShortcut: a WshShortcut (.lnk) or WshURLShortcut (.url) of that path, with what the file holds when
    /// it is there (a shortcut this emulator or Windows wrote), else empty; nothing is written until Save.
    /// </summary>
    private PsObject CreateShortcut(string path)
    {
        var url = path.EndsWith(".url", StringComparison.OrdinalIgnoreCase);
        if (!url && !path.EndsWith(".lnk", StringComparison.OrdinalIgnoreCase)) throw ComError("CreateShortcut", 1, "The shortcut pathname must end with .lnk or .url.");
        var full = VirtualFileSystem.FullPath(path, ProcessDirectory, out _) ?? throw ComError("CreateShortcut", 1, "The shortcut pathname must end with .lnk or .url.");
        var disk = Disk("WScript.Shell's CreateShortcut");
        var content = disk.Read(full, out var bytes) == FileSystemFailure.None ? bytes : null;
        if (url)
        {
            // An Internet shortcut is INI text: its URL= line.
            var target = content is null ? string.Empty : Encoding.Latin1.GetString(content).Split('\n').Select(l => l.TrimEnd('\r'))
                .FirstOrDefault(l => l.StartsWith("URL=", StringComparison.OrdinalIgnoreCase))?[4..] ?? string.Empty;
            return ComObject(new ComState(ComKind.WshUrlShortcut, null, time, full), WshUrlShortcutInterfaceId).With("FullName", full).With("TargetPath", target);
        }

        var link = (content is null ? null : ShellLinkFile.Read(content)) ?? new ShellLink(string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, 0, 1, 0);
        return ComObject(new ComState(ComKind.WshShortcut, null, time, full), WshShortcutInterfaceId)
            .With("FullName", full)
            .With("Arguments", link.Arguments)
            .With("Description", link.Description)
            .With("Hotkey", string.Empty)
            .With("IconLocation", $"{link.IconPath},{link.IconIndex}")
            .With("RelativePath", string.Empty)
            .With("TargetPath", link.TargetPath)
            .With("WindowStyle", link.WindowStyle)
            .With("WorkingDirectory", link.WorkingDirectory);
    }

    // WshShortcut.Save: the properties as they are now, written to the shortcut's file (whose folder must be there).
    private void SaveShortcut(PsObject shortcut, ComState state)
    {
        string Property(string name) => shortcut[name] is { } value and not PsNil ? PipelineVariables.Display(value) : string.Empty;
        byte[] content;
        if (state.Kind == ComKind.WshUrlShortcut)
        {
            content = Encoding.Latin1.GetBytes($"[InternetShortcut]\r\nURL={Property("TargetPath")}\r\n");
        }
        else
        {
            var icon = Property("IconLocation");
            var comma = icon.LastIndexOf(',');
            var iconIndex = comma >= 0 && int.TryParse(icon[(comma + 1)..].Trim(), System.Globalization.CultureInfo.InvariantCulture, out var index) ? index : 0;
            var style = ScriptExpressions.AsNumberOrNull(shortcut["WindowStyle"]) is { } number ? (int)number : 1;
            content = ShellLinkFile.Write(new ShellLink(Property("TargetPath"), Property("Arguments"), Property("Description"), Property("WorkingDirectory"),
                comma >= 0 ? icon[..comma] : icon, iconIndex, style, 0));
        }

        if (Disk("WScript.Shell's Save").Write(state.Path, content, FileWriteMode.Create) != FileSystemFailure.None)
        {
            throw ComError("Save", 0, $"Unable to save shortcut \"{state.Path}\".");
        }
    }

    /// <summary>
    /// WshShell.Exec: the command line run to its end at once (Windows runs it beside the script, which polls Status):
    /// a WshScriptExec that is finished (Status 1) with its ExitCode, ProcessID and its StdOut and StdErr as TextStreams
    /// of what it wrote (ReadAll, ReadLine, SkipLine, AtEndOfStream); nothing reaches its StdIn.
    /// </summary>
    private async ValueTask<PsObject> WshExecAsync(string commandLine)
    {
        var script = ProgramScript(commandLine) ?? throw ComError("Exec", 1, FileNotFoundText);

        var console = new CapturedProcessHost(new NativeCommandHost(this, Host, null));
        var exitCode = await script.RunAsync(console, time, cancellationToken).ConfigureAwait(false);
        PsObject Stream(string text)
        {
            var stream = ComObject(new ComState(ComKind.WshTextStream, null, time), TextStreamInterfaceId).With("AtEndOfStream", text.Length == 0).With("Line", 1);
            TextStreams.Add(stream, new TextStreamReader(text));
            return stream;
        }

        return ComObject(new ComState(ComKind.WshScriptExec, null, time), WshExecInterfaceId)
            .With("Status", 1)
            .With("ExitCode", exitCode)
            .With("ProcessID", ScheduledTaskRunner.NextProcessId())
            .With("StdOut", Stream(console.Text(WinRsStreams.Stdout)))
            .With("StdErr", Stream(console.Text(WinRsStreams.Stderr)))
            .With("StdIn", ComObject(new ComState(ComKind.WshTextStream, null, time), TextStreamInterfaceId));
    }

    // A TextStream's ReadAll (the rest), ReadLine (the next line, without its line break) or SkipLine, its AtEndOfStream and Line kept up.
    private static PsValue ReadTextStream(PsObject stream, string method)
    {
        if (!TextStreams.TryGetValue(stream, out var reader)) throw ComError(method, 0, "Bad file mode");
        var rest = reader.Text.AsSpan(reader.Position);
        string read;
        if (method.Equals("ReadAll", StringComparison.OrdinalIgnoreCase))
        {
            read = rest.ToString();
            reader.Position = reader.Text.Length;
        }
        else
        {
            if (rest.IsEmpty) throw ComError(method, 0, "Input past end of file");
            var end = rest.IndexOfAny('\r', '\n');
            read = end < 0 ? rest.ToString() : rest[..end].ToString();
            var next = end < 0 ? rest.Length : end + (rest[end] == '\r' && end + 1 < rest.Length && rest[end + 1] == '\n' ? 2 : 1);
            reader.Position += next;
        }

        stream.With("AtEndOfStream", reader.Position >= reader.Text.Length)
            .With("Line", 1 + reader.Text.AsSpan(0, reader.Position).Count('\n'));
        return method.Equals("SkipLine", StringComparison.OrdinalIgnoreCase) ? PsNil.Instance : PsPrimitive.String(read);
    }

    /// <summary>A program's console whose output a script reads afterwards (Exec's StdOut and StdErr), in the console's code page.</summary>
    private sealed class CapturedProcessHost(ICommandLineHost inner) : ForwardingCommandLineHost(inner)
    {
        private readonly MemoryStream _stdout = new(), _stderr = new();

        public override ValueTask WriteAsync(string stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            (stream == WinRsStreams.Stderr ? _stderr : _stdout).Write(data.Span);
            return ValueTask.CompletedTask;
        }

        public string Text(string stream) => Encoding.GetString((stream == WinRsStreams.Stderr ? _stderr : _stdout).ToArray());
    }

    /// <summary>WshShell.Run: the command line run as Start-Process runs a program; with wait its exit code, else 0 at once.</summary>
    private async ValueTask<int> WshRunAsync(string method, string commandLine, bool wait, int count)
    {
        var script = ProgramScript(commandLine) ?? throw ComError(method, count, FileNotFoundText);

        var console = new StartedProcessHost(new NativeCommandHost(this, Host, null), Host.FileSystem, null, null, null);
        if (!wait)
        {
            _ = RunDetachedAsync(script, console, time, cancellationToken);
            return 0;
        }

        return await script.RunAsync(console, time, cancellationToken).ConfigureAwait(false);
    }
}
