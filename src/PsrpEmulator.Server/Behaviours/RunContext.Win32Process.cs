using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// <c>Get-CimInstance Win32_Process</c> (<c>gcim</c>; <c>-ClassName</c>, <c>-Filter</c>, <c>-Query</c>) over the processes
/// Get-Process lists (the default scenario's or a scenario's rule), so the two agree: ProcessId is Id (the session's
/// own wsmprovhost.exe is $PID), WorkingSetSize WS, HandleCount Handles, SessionId SI, ExecutablePath Path, Name the
/// image's file name ("System Idle Process" and "System" as WMI names them). A filter is WQL, read as WMI over WS-Man
/// reads it. Another class no rule answers is still a command the emulator does not emulate.
/// </summary>
internal sealed partial class RunContext
{
    private const string CimPrefix = "Microsoft.Management.Infrastructure.CimInstance#";

    private async ValueTask GetCimInstanceAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        RefuseNotEmulated("Get-CimInstance", arguments, "ResourceUri", "InputObject", "OperationTimeoutSec");
        if (arguments["Namespace"] is { } namespaceWord && PipelineVariables.Display(await ArgumentAsync(namespaceWord, to, blockNesting)) is var ns &&
            !ns.Replace('\\', '/').Equals("root/cimv2", StringComparison.OrdinalIgnoreCase))
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Get-CimInstance -Namespace {ns} is not emulated: give the command a rule (match: its whole text)"));
        }

        // -ComputerName (this computer, by any of its names): a CIM session over WS-Man to each name, whose instances
        // carry that name as their PSComputerName (the session's computer) and the PSShowComputerName note a session
        // other than the default one adds (CimSessionProxy.AddShowComputerNameMarker), so tables show the computer.
        // -CimSession: New-CimSession's sessions, each its computer's. Another computer is WinRM's client error
        // (RunContext.CimConnections), written for it before the next computer is asked.
        var computers = await CimComputersAsync(arguments, to, blockNesting);
        if (computers is { Count: > 0 })
        {
            var rest = arguments.Without("ComputerName").Without("CimSession");
            foreach (var computer in computers)
            {
                if (!ReachesThisComputer(computer))
                {
                    var asked = arguments["ClassName"] is { } askedWord ? PipelineVariables.Display(await ArgumentAsync(askedWord, to, blockNesting)) : null;
                    await WriteErrorAsync(CimConnectionError("Get-CimInstance", computer, asked is null ? @"root\cimv2" : $@"root\cimv2:{asked}", credential: false)!, output);
                    continue;
                }

                await GetCimInstanceAsync(rest, to, new EmittingHost(output, value => output.WriteAsync(new PipelineOutput(OfCimSession(value, computer)), cancellationToken)), blockNesting);
            }

            return;
        }

        var className = arguments["ClassName"] is { } classWord ? PipelineVariables.Display(await ArgumentAsync(classWord, to, blockNesting)) : null;
        // The cmdlet enumerates a class without a filter; with one, or -Query, it sends WQL (UNVERIFIED: an empty -Filter as none).
        var filter = arguments["Filter"] is { } filterWord ? PipelineVariables.Display(await ArgumentAsync(filterWord, to, blockNesting)) : null;
        var text = arguments["Query"] is { } queryWord ? PipelineVariables.Display(await ArgumentAsync(queryWord, to, blockNesting))
            : className is not null && !string.IsNullOrEmpty(filter) ? $"SELECT * FROM {className} WHERE {filter}" : null;
        WqlQuery? query = null;
        if (text is not null)
        {
            if (await CmdletWqlAsync("Get-CimInstance", text, output) is not { } read) return;
            query = read;
            className = query.ClassName;
        }

        // -Property (Ansible's win_reboot reads LastBootUpTime so): the instance with those properties, the others null.
        // -KeyOnly: the instances with their keys only, the other properties null, as -Property of none gives them.
        IReadOnlyList<string>? properties = arguments["Property"] is { } propertyWord
            ? [.. ScriptExpressions.Enumerate(await ArgumentAsync(propertyWord, to, blockNesting)).Select(v => PipelineVariables.Display(v).Trim())]
            : arguments.Has("KeyOnly") ? [] : null;
        // -Shallow: the class's own instances, not its subclasses' (a superclass of the computer's classes has none).
        if (arguments.Has("Shallow") && className is not null && ComputerWmi.EnumeratesDeep(className)) return;
        if (className is not null && className.Equals("Win32_Process", StringComparison.OrdinalIgnoreCase))
        {
            await WriteCimProcessesAsync(query, properties, output, blockNesting);
            return;
        }

        // A superclass of the computer's classes (CIM_LogicalDisk): its subclasses' instances (RunContext.CimClasses).
        if (className is not null && await WriteSubclassInstancesAsync(className, query, cim: true, output, properties, blockNesting)) return;

        // Another class the computer's WMI has (the rules answer the classes they know first).
        if (className is null || Wmi.Find("root/cimv2", className) is not { } seed) throw new ScriptExpressionException(ScriptedError.UnknownCommand("Get-CimInstance"));
        await WriteWmiInstancesAsync(seed, query, cim: true, output, properties, blockNesting);
    }

    // Win32_Process's instances the query keeps, as Get-CimInstance writes them: with -Property, the others (not the key) null.
    private async ValueTask WriteCimProcessesAsync(WqlQuery? query, IReadOnlyList<string>? properties, IPipelineHost output, int blockNesting)
    {
        foreach (var instance in await Win32ProcessesAsync(query, blockNesting))
        {
            if (properties is not null)
            {
                foreach (var property in instance.AdaptedProperties.Where(p => p.Name is not ("Handle" or "PSComputerName") && !properties.Contains(p.Name, StringComparer.OrdinalIgnoreCase)).ToList())
                {
                    instance.AdaptedProperties[instance.AdaptedProperties.IndexOf(property)] = new PsProperty(property.Name, PsNil.Instance);
                }

                instance.ToStringValue = WmiInstances.CimInstanceText("Win32_Process", instance.AdaptedProperties, ["Handle"]);
                WithProcessAliases(instance);
            }

            await output.WriteAsync(new PipelineOutput(instance), cancellationToken);
        }
    }

    // An instance as a CIM session to <paramref name="computer"/> returns it: that computer its PSComputerName, shown.
    private static PsValue OfCimSession(PsValue value, string computer)
    {
        if (value is not PsObject instance) return value;
        var index = instance.AdaptedProperties.FindIndex(p => p.Name.Equals("PSComputerName", StringComparison.OrdinalIgnoreCase));
        if (index >= 0) instance.AdaptedProperties[index] = new PsProperty("PSComputerName", PsPrimitive.String(computer));
        return instance.With("PSShowComputerName", true);
    }

    /// <summary>
    /// The Win32_Process instances (Get-Process's list and running tasks' programs) the query keeps; all without one. In
    /// the order WMI enumerates them, the order the system made them: the boot's by id, then the session's own
    /// wsmprovhost.exe, then the programs started since.
    /// </summary>
    private async ValueTask<List<PsObject>> Win32ProcessesAsync(WqlQuery? query, int blockNesting)
    {
        var own = Host.AutomaticVariable("PID") is PsPrimitive { Value: int pid } ? pid : -1;
        var processes = ScriptExpressions.Enumerate(await CaptureAsync("Get-Process", null, blockNesting + 1)).OfType<PsObject>().Where(p => ProcessId(p) is not null)
            .OrderBy(p => ProcessId(p) == own).ThenBy(p => ProcessId(p))
            .Concat(RunningTaskProcesses());
        return [.. processes.Select(Win32Process).Where(instance => query is null || query.Matches(WmiPropertiesOf(instance)))];
    }

    // A Get-Process object as the CIM cmdlets read Win32_Process (UInt32 numbers, the working set a UInt64).
    private PsObject Win32Process(PsObject process)
    {
        var id = ProcessId(process)!.Value;
        var processName = ProcessName(process);
        var path = process["Path"] is { } p && !p.IsNil() ? PipelineVariables.Display(p) : null;
        var name = id switch
        {
            0 => "System Idle Process",
            4 => "System",
            // The Registry process has no image file.
            88 when processName == "Registry" => "Registry",
            _ => processName + ".exe",
        };
        // The command lines of the default computer's processes (as its WMI class lists them); another's is its path.
        // A process a running service runs in (not the default svchost) has the service's command line, and services.exe for its parent.
        var hosting = id == ListeningSockets.ServiceHostId ? null : ServiceProcesses.Running(Services).FirstOrDefault(h => h.Id == id);
        // Windows' own processes (smss, csrss...): their image and command line as WMI reads them, also for a protected one.
        var windows = WindowsProcesses.Find(id) is { } os && os.Name.Equals(processName, StringComparison.OrdinalIgnoreCase) ? os : null;
        if (windows is not null) path = windows.Path;
        var commandLine = process["CommandLine"] is PsPrimitive { Value: string given } ? given : processName.ToLowerInvariant() switch
        {
            _ when windows is not null => windows.CommandLine,
            _ when hosting is not null => ServiceProcesses.Expanded(hosting.Services[0].BinaryPathName),
            _ when path is null => null,
            "svchost" => path + " -k NetworkService -p",
            "wsmprovhost" => path + " -Embedding",
            _ => path,
        };
        // svchost.exe runs under services.exe (620), lsass.exe under wininit.exe, wsmprovhost.exe under the DCOM
        // launcher's svchost (UNVERIFIED for a scenario's own processes: 0).
        var parent = processName.ToLowerInvariant() switch
        {
            _ when windows is not null => (uint)windows.ParentId,
            "lsass" => (uint)WindowsProcesses.WininitId,
            _ when hosting is not null => (uint)WindowsProcesses.ServicesId,
            "svchost" => (uint)WindowsProcesses.ServicesId,
            "wsmprovhost" => 1868u,
            _ => 0u,
        };
        static PsValue UInt32(PsValue? v) => v is not null && ScriptExpressions.AsNumberOrNull(v) is { } n ? PsPrimitive.UInt32((uint)Math.Max(0, n)) : PsNil.Instance;
        static PsValue UInt64(PsValue? v) => v is not null && ScriptExpressions.AsNumberOrNull(v) is { } n ? PsPrimitive.UInt64((ulong)Math.Max(0, n)) : PsNil.Instance;
        var computer = Host.EnvironmentVariable("COMPUTERNAME") ?? string.Empty;
        var instance = new PsObject(WmiInstances.CimTypeNames("Win32_Process"))
            .With("Caption", name)
            .With("CommandLine", commandLine is null ? PsNil.Instance : PsPrimitive.String(commandLine))
            .With("CreationDate", process["StartTime"]?.AsDateTime() is { } started ? PsPrimitive.DateTime(started) : PsNil.Instance)
            .With("CSName", computer)
            .With("Description", name)
            .With("ExecutablePath", path is null ? PsNil.Instance : PsPrimitive.String(path))
            .With("Handle", id.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .With("HandleCount", UInt32(process["Handles"]))
            .With("Name", name)
            .With("ParentProcessId", PsPrimitive.UInt32(parent))
            .With("ProcessId", PsPrimitive.UInt32((uint)id))
            .With("SessionId", UInt32(process["SI"]))
            .With("WorkingSetSize", UInt64(process["WS"]))
            // Get-Process's other readings as WMI has them: VirtualSize and PrivatePageCount in bytes, PageFileUsage in
            // kilobytes, the threads, the base priority; the classes and the system it runs on.
            .With("VirtualSize", UInt64(process["VM"]))
            .With("PrivatePageCount", UInt64(process["PM"]))
            .With("PageFileUsage", process["PM"] is { } pm && ScriptExpressions.AsNumberOrNull(pm) is { } paged ? PsPrimitive.UInt32((uint)Math.Max(0, paged / 1024)) : PsNil.Instance)
            .With("ThreadCount", process["Threads"] is PsObject { CollectionKind: not PsCollectionKind.None } threads ? PsPrimitive.UInt32((uint)threads.Items.Count) : PsNil.Instance)
            .With("Priority", UInt32(process["BasePriority"]))
            .With("CreationClassName", "Win32_Process")
            .With("CSCreationClassName", "Win32_ComputerSystem")
            .With("OSCreationClassName", "Win32_OperatingSystem")
            .With("OSName", @"Microsoft Windows Server 2019 Datacenter|C:\Windows|\Device\Harddisk0\Partition2")
            .With("WindowsVersion", "10.0.17763");
        // The class's other properties (KernelModeTime, ReadOperationCount...) are not emulated: null.
        foreach (var other in WmiSchema.Properties("Win32_Process") ?? [])
        {
            if (instance[other] is null) instance.ExtendedProperties.Add(new PsProperty(other, PsNil.Instance));
        }

        // A CIM instance's properties are adapted ones (<Props>), as the rules' CIM objects have them.
        // In CIM's order (CIM_ManagedSystemElement's Caption, Description, Name first), shown as CimInstance.ToString() shows it.
        instance.AdaptedProperties.AddRange(WmiSchema.CimOrder("Win32_Process", instance.ExtendedProperties, p => p.Name));
        instance.ExtendedProperties.Clear();
        // The CIM adapter's PSComputerName, last: none for the local computer.
        instance.AdaptedProperties.Add(new PsProperty("PSComputerName", PsNil.Instance));
        instance.ToStringValue = WmiInstances.CimInstanceText("Win32_Process", instance.AdaptedProperties, ["Handle"]);
        // types.ps1xml's aliases of Get-Process's names (ProcessName, Handles, VM, WS, Path), as members; the
        // CimInstance's own CimClass, CimInstanceProperties and CimSystemProperties.
        return CimInstanceMembers.With(WithProcessAliases(instance), WmiServerName(), ["Handle"]);
    }

    // Win32_Process's type-table members (ExtendedTypeMembers), carried as notes with their values.
    private static PsObject WithProcessAliases(PsObject instance) => instance
        .With("ProcessName", instance["Name"] ?? PsNil.Instance)
        .With("Handles", instance["HandleCount"] ?? PsNil.Instance)
        .With("VM", instance["VirtualSize"] ?? PsNil.Instance)
        .With("WS", instance["WorkingSetSize"] ?? PsNil.Instance)
        .With("Path", instance["ExecutablePath"] ?? PsNil.Instance);

    // The instance's properties as WQL reads them (numbers and text as their text, $null as NULL).
    private static List<WmiProperty> WmiPropertiesOf(PsObject instance) =>
    [
        .. instance.ExtendedProperties.Concat(instance.AdaptedProperties).Where(p => !CimInstanceMembers.IsMember(p.Name)).Select(p => p.Value is PsNil or null
            ? new WmiProperty(p.Name, WmiValueKind.Null, [])
            : new WmiProperty(p.Name, WmiValueKind.Text, [PipelineVariables.Display(p.Value)])),
    ];
}
