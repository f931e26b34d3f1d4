using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Get-CimClass of root/cimv2 (<c>[-ClassName] pattern</c>, <c>-MethodName</c>, <c>-PropertyName</c>, <c>-ComputerName</c>
/// and <c>-CimSession</c> of this computer): the declarations (CimClass) of the classes the emulator knows, the schema's
/// (<see cref="WmiSchema"/>) and those the computer has instances of (the scenario's <c>wmi:</c>, its accounts, shares,
/// services and processes), each with its superclass chain, properties, keys and methods (<see cref="WmiMethods"/>).
/// A pattern lists the known classes that match, a parent before its subclasses (Windows has hundreds more in
/// root/cimv2; the emulator lists only these, and their order among siblings is by name, UNVERIFIED). A class named
/// without a wildcard that the emulator does not know is a scenario error, as Get-CimInstance's is: Windows may have it,
/// so CIM's "Not found" would not be honest. <c>-QualifierName</c> (the emulator has no class qualifiers) and another
/// namespace are scenario errors.
/// </summary>
internal sealed partial class RunContext
{
    private const string CimV2 = "root/cimv2";

    private async ValueTask GetCimClassAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        RefuseNotEmulated("Get-CimClass", arguments, "QualifierName");
        if (arguments["Namespace"] is { } namespaceWord && PipelineVariables.Display(await ArgumentAsync(namespaceWord, to, blockNesting)) is var ns &&
            !ns.Replace('\\', '/').Trim('/').Equals(CimV2, StringComparison.OrdinalIgnoreCase))
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Get-CimClass -Namespace {ns} is not emulated: give the command a rule (match: its whole text)"));
        }

        // Other computers: WinRM's client error for each (RunContext.CimConnections).
        if (await OtherComputersOnlyAsync(arguments, to, blockNesting) is { } others)
        {
            foreach (var computer in others) await WriteErrorAsync(CimConnectionError("Get-CimClass", computer, target: null, credential: false)!, output);
            return;
        }

        await RefuseOtherComputerAsync("Get-CimClass", arguments, to, blockNesting);
        // Each computer asked (all of them this one's names) answers with its classes; a class names no computer.
        var computers = await CimComputersAsync(arguments, to, blockNesting);
        var className = arguments["ClassName"] is { } classWord ? PipelineVariables.Display(await ArgumentAsync(classWord, to, blockNesting)).Trim() : "*";
        var methodName = arguments["MethodName"] is { } methodWord ? PipelineVariables.Display(await ArgumentAsync(methodWord, to, blockNesting)) : null;
        var propertyName = arguments["PropertyName"] is { } propertyWord ? PipelineVariables.Display(await ArgumentAsync(propertyWord, to, blockNesting)) : null;

        var chosen = ChosenWmiClasses("Get-CimClass", className);

        for (var round = 0; round < Math.Max(1, computers?.Count ?? 0); round++)
        {
            foreach (var name in chosen)
            {
                if (methodName is not null && !WmiMethods.Of(name).Any(m => ScriptExpressions.Like(m.Name, methodName))) continue;
                var declaration = await CimClassDeclarationAsync(name, blockNesting);
                if (propertyName is not null && !(declaration["CimClassProperties"] is PsObject { Items: var properties } &&
                    properties.Any(p => ScriptExpressions.Like(PipelineVariables.Display(p), propertyName))))
                {
                    continue;
                }

                await output.WriteAsync(new PipelineOutput(declaration), cancellationToken);
            }
        }
    }

    /// <summary>
    /// The known classes <paramref name="pattern"/> names: those it matches, or the one it names without a wildcard,
    /// which the emulator must know (Windows may have a class it does not: "Not found" or nothing would be a guess).
    /// </summary>
    private List<string> ChosenWmiClasses(string command, string pattern)
    {
        var known = Wmi.KnownClassNames();
        if (VirtualFileSystem.HasWildcard(pattern)) return [.. known.Where(name => ScriptExpressions.Like(name, pattern))];
        var chosen = known.Where(name => name.Equals(pattern, StringComparison.OrdinalIgnoreCase)).Take(1).ToList();
        return chosen.Count > 0 ? chosen : throw new ScriptExpressionException(ScriptedError.ScenarioFault(
            $"{command} of the class {pattern}: the emulator does not know it (Windows may have it, so CIM's \"Not found\" is not emulated); give the command a rule or the scenario a wmi: class"));
    }

    /// <summary>
    /// Get-CimInstance or Get-WmiObject of a superclass (<c>Get-CimInstance CIM_LogicalDisk</c>): WMI enumerates deep, so
    /// the answer is its subclasses' instances, each of its own class, the query (whose properties must be the queried
    /// class's: another is WMI's Invalid query) applied to each; false for a class that is not one of those superclasses.
    /// </summary>
    private async ValueTask<bool> WriteSubclassInstancesAsync(string className, WqlQuery? query, bool cim, IPipelineHost output, IReadOnlyList<string>? cimProperties, int blockNesting)
    {
        if (!ComputerWmi.EnumeratesDeep(className) || WmiSchema.Properties(className) is not { } declared) return false;
        if (query is not null && query.UnknownProperties(declared).Any())
        {
            await WriteInvalidQueryAsync(cim ? "Get-CimInstance" : "Get-WmiObject", query.Text, output);
            return true;
        }

        foreach (var subclass in Wmi.SubclassesOf(className))
        {
            if (subclass.Equals("Win32_Process", StringComparison.OrdinalIgnoreCase))
            {
                if (cim) await WriteCimProcessesAsync(query, cimProperties, output, blockNesting);
                else await WriteWmiProcessesAsync(query!, output, blockNesting);
            }
            else if (Wmi.Find(CimV2, subclass) is { } seed)
            {
                await WriteWmiInstancesAsync(seed, query, cim, output, cimProperties, blockNesting);
            }
        }

        return true;
    }

    // The class's declaration: a class the schema does not know takes its properties from an instance of it.
    private async ValueTask<PsObject> CimClassDeclarationAsync(string className, int blockNesting)
    {
        var isProcess = className.Equals("Win32_Process", StringComparison.OrdinalIgnoreCase);
        IReadOnlyList<string> keys = isProcess ? ["Handle"] : Wmi.Find(CimV2, className)?.Keys ?? [];
        PsObject? sample = null;
        if (!WmiSchema.Knows(className))
        {
            sample = ScriptExpressions.Enumerate(await CaptureAsync($"Get-CimInstance -ClassName {className}", null, blockNesting + 1)).OfType<PsObject>().FirstOrDefault();
        }

        // WMI spells the namespace of a class it returns ROOT/cimv2 (Get-CimClass's tables group under it).
        return CimInstanceMembers.ClassDeclaration("ROOT/cimv2", className, WmiServerName(), keys, sample);
    }
}
