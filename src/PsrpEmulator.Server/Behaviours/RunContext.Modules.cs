using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Modules by name, over the modules a Windows Server 2019 has (<see cref="WindowsModules"/>): Import-Module (ipmo),
/// Get-Module (gmo) of the session's modules or -ListAvailable of the computer's, and Remove-Module (rmo), with
/// PSModuleInfo objects as 5.1 serializes them. A session's modules are those it imported and those its commands
/// loaded on first use (<see cref="NoteModuleCommands"/>: a command where a statement, a pipeline element or an
/// assignment's value starts; one deeper in an expression loads nothing here). Module files and paths, other
/// sessions' and CIM sessions' modules are not emulated.
/// </summary>
internal sealed partial class RunContext
{
    private const string MscorlibString = "System.String, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089";
    private const string AutomationAssembly = "System.Management.Automation, Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35";

    /// <summary>
    /// Import-Module of modules by name: one a Windows Server 2019 has joins the session's modules (its commands are
    /// answered as before), and -PassThru writes it; another is 5.1's ModuleNotFound error, written and gone on from.
    /// </summary>
    private async ValueTask ImportModuleAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        if (arguments["Name"] is not { } nameWord)
        {
            throw new StatementTerminatedException(ParameterError("Import-Module", "Cannot process command because of one or more missing mandatory parameters: Name.", "MissingMandatoryParameter"));
        }

        if (arguments.Has("AsCustomObject"))
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault("Import-Module -AsCustomObject is not emulated: give the command a rule"));
        }

        foreach (var name in await ArgumentTextsAsync(nameWord, to, blockNesting))
        {
            CheckModuleName("Import-Module", name);
            if (WindowsCommands.HasModule(name))
            {
                var module = WindowsModules.Find(name);
                scope.Variables.Runspace.ImportModule(module?.Name ?? name);
                if (arguments.Has("PassThru") && module is not null) await output.WriteAsync(new PipelineOutput(ModuleInfoObject(module, listAvailable: false)), cancellationToken);
                continue;
            }

            await WriteErrorAsync(new ScriptedError(
                $"The specified module '{name}' was not loaded because no valid module file was found in any module directory.",
                "Modules_ModuleNotFound,Microsoft.PowerShell.Commands.ImportModuleCommand", ErrorCategory.ResourceUnavailable, "System.IO.FileNotFoundException", name)
            {
                Activity = "Import-Module",
            }, output);
        }
    }

    /// <summary>
    /// Get-Module: the session's modules (those it imported) by name; -ListAvailable the computer's, folder by folder
    /// in $env:PSModulePath's order, as ModuleInfoGrouping objects. A name no module has writes nothing (no error).
    /// </summary>
    private async ValueTask GetModuleAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        foreach (var unsupported in (string[])["PSSession", "CimSession", "FullyQualifiedName"])
        {
            if (arguments.Has(unsupported)) throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Get-Module -{unsupported} is not emulated: give the command a rule"));
        }

        var names = arguments["Name"] is { } nameWord ? await ArgumentTextsAsync(nameWord, to, blockNesting) : ["*"];
        foreach (var name in names) CheckModuleName("Get-Module", name);
        var patterns = names.Select(VirtualFileSystem.Wildcard).ToList();
        bool Matches(string moduleName) => patterns.Any(p => p.IsMatch(moduleName));

        if (arguments.Has("ListAvailable"))
        {
            foreach (var module in WindowsModules.All)
            {
                if (Matches(module.Name)) await output.WriteAsync(new PipelineOutput(ModuleInfoObject(module, listAvailable: true)), cancellationToken);
            }

            return;
        }

        // ModuleIntrinsics.GetModules: by name.
        var loaded = scope.Variables.Runspace.ImportedModules()
            .Select(WindowsModules.Find).OfType<WindowsModules.Module>()
            .Where(m => Matches(m.Name))
            .OrderBy(m => m.Name, WindowsCollation.WithCase);
        foreach (var module in loaded) await output.WriteAsync(new PipelineOutput(ModuleInfoObject(module, listAvailable: false)), cancellationToken);
    }

    /// <summary>
    /// Remove-Module: the session's modules of those names (wildcards too) leave it; when none did, RemoveModuleCommand's
    /// one error.
    /// </summary>
    private async ValueTask RemoveModuleAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        if (arguments["Name"] is not { } nameWord)
        {
            throw new StatementTerminatedException(ParameterError("Remove-Module", "Cannot process command because of one or more missing mandatory parameters: Name.", "MissingMandatoryParameter"));
        }

        var runspace = scope.Variables.Runspace;
        var removed = false;
        foreach (var name in await ArgumentTextsAsync(nameWord, to, blockNesting))
        {
            var pattern = VirtualFileSystem.Wildcard(name);
            foreach (var module in runspace.ImportedModules().Where(m => pattern.IsMatch(m))) removed |= runspace.RemoveModule(module);
        }

        if (!removed)
        {
            await WriteErrorAsync(new ScriptedError(
                "No modules were removed. Verify that the specification of modules to remove is correct and those modules exist in the runspace.",
                "Modules_NoModulesRemoved,Microsoft.PowerShell.Commands.RemoveModuleCommand", ErrorCategory.ResourceUnavailable, "System.InvalidOperationException")
            {
                Activity = "Remove-Module",
            }, output);
        }
    }

    /// <summary>
    /// PowerShell's module autoloading: a statement that starts with a command of a module (Get-Service, an alias of one),
    /// or has one as a pipeline element or as an assignment's value, loads the module into the session, as its first use
    /// does on Windows (Get-Module then lists it). Core's commands (a snap-in's) load nothing.
    /// </summary>
    private void NoteModuleCommands(string text)
    {
        NoteModuleCommand(UnknownCommandScript.FirstWordOf(text));
        // $x = Get-Service ...: the command after the assignment.
        if (text[0] == '$' && text.IndexOf('=', StringComparison.Ordinal) is var equals and > 0 && equals + 1 < text.Length && text[equals + 1] != '=')
        {
            NoteModuleCommand(UnknownCommandScript.FirstWordOf(text[(equals + 1)..].TrimStart()));
        }

        if (text.Contains('|', StringComparison.Ordinal))
        {
            foreach (var word in LaterPipelineCommands(text)) NoteModuleCommand(word);
        }
    }

    private void NoteModuleCommand(string word)
    {
        if (word.Length < 2 || !char.IsAsciiLetter(word[0])) return;
        var name = WindowsCommands.AliasTarget(word) ?? word;
        if (WindowsCommands.FindModuleCommand(name) is { Module: { } module } && module != "Microsoft.PowerShell.Core") scope.Variables.Runspace.ImportModule(module);
    }

    // A module file or folder named by its path is not emulated (the computer's disk has no module files).
    private static void CheckModuleName(string command, string name)
    {
        if (name.IndexOfAny(['\\', '/']) >= 0 || name.EndsWith(".psm1", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".psd1", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} of a module file ('{name}') is not emulated: give the command a rule"));
        }
    }

    /// <summary>
    /// A PSModuleInfo as a 5.1 server serializes it (depth 1: enums and objects as their text, collections as lists of
    /// their items' text); -ListAvailable's with ModuleInfoGrouping first among its type names and no session state.
    /// What the emulator does not know of a module's manifest (author, copyright, help URI...) is null.
    /// </summary>
    internal static PsObject ModuleInfoObject(WindowsModules.Module module, bool listAvailable)
    {
        var commands = WindowsModules.Commands(module);
        var functions = commands.Where(c => c.IsFunction).ToList();
        var cmdlets = commands.Where(c => !c.IsFunction).ToList();
        var info = new PsObject(listAvailable ? ["ModuleInfoGrouping", .. ModuleInfoTypeNames] : ModuleInfoTypeNames) { ToStringValue = module.Name };
        var pester = module.Name.Equals("Pester", StringComparison.OrdinalIgnoreCase);
        info.AdaptedProperties.AddRange(
        [
            new("LogPipelineExecutionDetails", PsPrimitive.Boolean(false)),
            new("Name", PsPrimitive.String(module.Name)),
            new("Path", PsPrimitive.String(module.Path)),
            new("ImplementingAssembly", PsNil.Instance),
            new("Definition", PsPrimitive.String(string.Empty)),
            new("Description", PsPrimitive.String(module.Description ?? string.Empty)),
            new("Guid", PsPrimitive.Guid(Guid.Parse(module.ManifestGuid))),
            new("HelpInfoUri", PsNil.Instance),
            new("ModuleBase", PsPrimitive.String(module.ModuleBase)),
            new("PrivateData", PsNil.Instance),
            new("Tags", StringList("System.Collections.Generic.List`1")),
            new("ProjectUri", PsNil.Instance),
            new("IconUri", PsNil.Instance),
            new("LicenseUri", PsNil.Instance),
            new("ReleaseNotes", PsNil.Instance),
            new("RepositorySourceLocation", PsNil.Instance),
            new("Version", PsPrimitive.Version(module.Version)),
            new("ModuleType", PsPrimitive.String(module.ModuleType)),
            new("Author", PsPrimitive.String(pester ? "Pester Team" : "Microsoft Corporation")),
            new("AccessMode", PsPrimitive.String("ReadWrite")),
            new("ClrVersion", PsNil.Instance),
            new("CompanyName", pester ? PsNil.Instance : PsPrimitive.String("Microsoft Corporation")),
            new("Copyright", PsNil.Instance),
            new("DotNetFrameworkVersion", PsNil.Instance),
            new("ExportedFunctions", CommandTable(functions, "System.Management.Automation.FunctionInfo")),
            new("Prefix", PsPrimitive.String(string.Empty)),
            new("ExportedCmdlets", CommandTable(cmdlets, "System.Management.Automation.CmdletInfo")),
            new("ExportedCommands", CommandTable([.. cmdlets, .. functions], "System.Management.Automation.CommandInfo")),
            new("FileList", StringList("System.Collections.Generic.List`1")),
            new("CompatiblePSEditions", StringList("System.Collections.Generic.List`1")),
            new("ModuleList", PsObjects.List([], [$"System.Collections.ObjectModel.Collection`1[[System.Object, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]", "System.Object"])),
            new("NestedModules", ModuleList()),
            new("PowerShellHostName", PsNil.Instance),
            new("PowerShellHostVersion", PsNil.Instance),
            new("PowerShellVersion", PsNil.Instance),
            new("ProcessorArchitecture", PsPrimitive.String("None")),
            new("Scripts", StringList("System.Collections.Generic.List`1")),
            new("RequiredAssemblies", StringList("System.Collections.ObjectModel.Collection`1")),
            new("RequiredModules", ModuleList()),
            new("RootModule", PsPrimitive.String(module.Path)),
            new("ExportedVariables", Table("System.Management.Automation.PSVariable")),
            new("ExportedAliases", Table("System.Management.Automation.AliasInfo")),
            new("ExportedWorkflows", Table("System.Management.Automation.FunctionInfo")),
            new("ExportedDscResources", StringList("System.Collections.ObjectModel.ReadOnlyCollection`1")),
            new("SessionState", listAvailable ? PsNil.Instance : PsPrimitive.String("System.Management.Automation.SessionState")),
            new("OnRemove", PsNil.Instance),
            new("ExportedFormatFiles", StringList("System.Collections.ObjectModel.ReadOnlyCollection`1")),
            new("ExportedTypeFiles", StringList("System.Collections.ObjectModel.ReadOnlyCollection`1")),
        ]);
        return info;

        static PsObject StringList(string generic) => PsObjects.List([], [$"{generic}[[{MscorlibString}]]", "System.Object"]);

        static PsObject ModuleList() =>
            PsObjects.List([], [$"System.Collections.ObjectModel.ReadOnlyCollection`1[[System.Management.Automation.PSModuleInfo, {AutomationAssembly}]]", "System.Object"]);

        static PsObject Table(string valueType) =>
            PsObjects.Dictionary([], [$"System.Collections.Generic.Dictionary`2[[{MscorlibString}],[{valueType}, {AutomationAssembly}]]", "System.Object"]);

        // A command table's entries: each command's name, and its CommandInfo as its text (the name too).
        static PsObject CommandTable(IEnumerable<WindowsCommands.ModuleCommand> commands, string valueType)
        {
            var table = Table(valueType);
            foreach (var command in commands) table.Entries.Add(new(PsPrimitive.String(command.Name), PsPrimitive.String(command.Name)));
            return table;
        }
    }

    private static readonly string[] ModuleInfoTypeNames = ["System.Management.Automation.PSModuleInfo", "System.Object"];
}
