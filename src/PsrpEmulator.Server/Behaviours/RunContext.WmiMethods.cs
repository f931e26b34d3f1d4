using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours.CommandLines;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// WMI methods of the computer's classes, however a script calls them: on a Get-WmiObject object
/// (<c>$svc.StopService()</c>), with Invoke-WmiMethod (<c>iwmi</c>: <c>-Class</c>/<c>-Name</c>/<c>-ArgumentList</c>,
/// <c>-Path</c>, <c>-InputObject</c> or piped ManagementObjects) or Invoke-CimMethod (<c>icim</c>: <c>-ClassName</c>,
/// <c>-Query</c>, <c>-InputObject</c> or piped CimInstances, <c>-MethodName</c>, <c>-Arguments @{...}</c>). Win32_Service's
/// StartService, StopService, PauseService, ResumeService (the Service Control Manager's rules: RunContext.ServiceControl),
/// ChangeStartMode and Delete (of a service a command installed); Win32_Process's Create (the command line runs as
/// Start-Process runs it, without a window; a program that is not there is 9, "Path Not Found") and Terminate (as
/// Stop-Process ends it); Win32_ComputerSystem.Rename and Win32_Process.GetOwner/GetOwnerSid (RunContext.WmiObjects).
/// The answer is WMI's out-parameters: a __PARAMETERS object from a ManagementObject and Invoke-WmiMethod, a
/// CimMethodResult (ReturnValue and the others, PSComputerName) from Invoke-CimMethod. A method the class does not
/// have is the emulator's scenario error (WMI's "Method not found" is not emulated), as are other classes' methods.
/// </summary>
internal sealed partial class RunContext
{
    private const string CimMethodResultTypeName = "Microsoft.Management.Infrastructure.CimMethodResult";
    internal const string ManagementClassTypeName = "System.Management.ManagementClass";
    internal const string ManagementObjectTypeName = "System.Management.ManagementObject";

    /// <summary>
    /// A WMI object path's namespace-relative part and class: <c>\\.\root\cimv2:Win32_Service.Name="Spooler"</c> is
    /// (<c>Win32_Service.Name="Spooler"</c>, Win32_Service); another namespace is a scenario error.
    /// </summary>
    private static (string Relative, string ClassName) WmiPath(string path)
    {
        var colon = path.LastIndexOf(':');
        if (colon > 0 && !path[..colon].Replace('/', '\\').TrimEnd('\\').EndsWith(@"root\cimv2", StringComparison.OrdinalIgnoreCase))
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"The WMI path {path}: a namespace other than root\\cimv2 is not emulated: give the command a rule"));
        }

        var relative = (colon >= 0 ? path[(colon + 1)..] : path).Trim();
        var dot = relative.IndexOfAny(['.', '=']);
        return (relative, (dot < 0 ? relative : relative[..dot]).Trim());
    }

    /// <summary>[wmiclass]"Win32_Process": the class, whose static methods a script calls (<c>.Create("...")</c>).</summary>
    private PsObject WmiClassObject(string path)
    {
        var (_, className) = WmiPath(path);
        if (!className.Equals("Win32_Process", StringComparison.OrdinalIgnoreCase) && !WmiSchema.Knows(className) && Wmi.Find("root/cimv2", className) is null)
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"[wmiclass]\"{path}\": the computer's WMI has no such class (WMI's \"Not found\" is not emulated); give the command a rule or the scenario a wmi: class"));
        }

        return ManagementClassOf(WmiSchema.Spelling(className));
    }

    // The class as a ManagementClass of this computer: the schema's properties, or those the computer's instances have.
    private PsObject ManagementClassOf(string className)
    {
        var properties = WmiSchema.Properties(className) ?? Wmi.Find("root/cimv2", className)?.PropertyNames ?? [];
        return WmiInstances.ManagementClass(WmiServerName(), className, properties, WmiMethods.Of(className));
    }

    /// <summary>[wmi]"Win32_Service.Name='Spooler'": the instance the path names (Get-WmiObject's), or WMI's "Not found".</summary>
    private async ValueTask<PsValue> WmiObjectAtPathAsync(string path, int blockNesting) =>
        await FindWmiObjectAsync(path, blockNesting) ?? throw new ScriptExpressionException(new ScriptedError($"Cannot convert value \"{path}\" to type \"System.Management.ManagementObject\". Error: \"Not found \"",
            "InvalidCastToWMI", ErrorCategory.InvalidArgument, "System.Management.Automation.RuntimeException"));

    // The instance a WMI path's keys name (Key="value"[,Key2="value"]), as Get-WmiObject lists it; null when none.
    private async ValueTask<PsObject?> FindWmiObjectAsync(string path, int blockNesting)
    {
        var (relative, className) = WmiPath(path);
        if (relative.Length <= className.Length + 1) return null;
        var keys = relative[(className.Length + 1)..].Replace('"', '\'').Replace(",", " AND ", StringComparison.Ordinal);
        return ScriptExpressions.Enumerate(await CaptureAsync($"Get-WmiObject -Class {className} -Filter \"{keys.Replace("\"", "`\"", StringComparison.Ordinal)}\"", null, blockNesting + 1))
            .OfType<PsObject>().FirstOrDefault();
    }

    // The methods the emulator runs (RunWmiMethodAsync), each with its in-parameters in the class's order
    // (Invoke-WmiMethod -ArgumentList and $object.Method(...) give them by position) and whether it is static (called on
    // the class, not an instance), as the class declares them (WmiMethodData).
    private static readonly Dictionary<string, (string[] Parameters, bool Static)> WmiMethodSignatures = new[]
    {
        "Win32_Service.StartService", "Win32_Service.StopService", "Win32_Service.PauseService", "Win32_Service.ResumeService", "Win32_Service.ChangeStartMode",
        "Win32_Service.Delete", "Win32_Process.Create", "Win32_Process.Terminate", "Win32_Process.GetOwner", "Win32_Process.GetOwnerSid", "Win32_ComputerSystem.Rename",
    }.ToDictionary(key => key, DeclaredSignature, StringComparer.OrdinalIgnoreCase);

    private static (string[] Parameters, bool Static) DeclaredSignature(string classAndMethod)
    {
        var dot = classAndMethod.IndexOf('.', StringComparison.Ordinal);
        var declared = WmiMethods.Of(classAndMethod[..dot]).First(m => m.Name.Equals(classAndMethod[(dot + 1)..], StringComparison.OrdinalIgnoreCase));
        return ([.. declared.Parameters.Where(p => p.Direction.Contains("in", StringComparison.OrdinalIgnoreCase)).Select(p => p.Name)], declared.Static);
    }

    /// <summary>The WMI class an instance is of (a ManagementObject's or a CimInstance's), or null for another object.</summary>
    private static string? WmiClassOf(PsObject instance) => instance.TypeNames is [var first, ..]
        ? first.StartsWith(@"System.Management.ManagementObject#root\cimv2\", StringComparison.OrdinalIgnoreCase) ? first[@"System.Management.ManagementObject#root\cimv2\".Length..]
        : first.StartsWith(CimPrefix + "root/cimv2/", StringComparison.OrdinalIgnoreCase) ? first[(CimPrefix + "root/cimv2/").Length..]
        : null
        : null;

    /// <summary>
    /// Runs one WMI method of the class (on the instance, or the class itself for a static one) with its in-parameters by
    /// name: its ReturnValue and other out-parameters; null when the emulator has no such method.
    /// </summary>
    private async ValueTask<(uint ReturnValue, (string Name, PsValue Value)[] Outputs)?> RunWmiMethodAsync(string className, PsObject? instance, string method, IReadOnlyDictionary<string, PsValue> given)
    {
        if (!WmiMethodSignatures.ContainsKey(className + "." + method)) return null;
        string? Text(string parameter) => given.TryGetValue(parameter, out var value) && value is not PsNil ? PipelineVariables.Display(value) : null;
        switch (className.ToUpperInvariant(), method.ToUpperInvariant())
        {
            case ("WIN32_SERVICE", var control and ("STARTSERVICE" or "STOPSERVICE" or "PAUSESERVICE" or "RESUMESERVICE")):
            {
                var name = ServiceNameOfInstance(instance);
                var outcome = ControlService(name, control switch
                {
                    "STARTSERVICE" => ServiceControl.Start,
                    "STOPSERVICE" => ServiceControl.Stop,
                    "PAUSESERVICE" => ServiceControl.Pause,
                    _ => ServiceControl.Continue,
                }, stopDependents: false);
                return (WmiServiceReturnValue(outcome), []);
            }

            case ("WIN32_SERVICE", "CHANGESTARTMODE"):
            {
                var name = ServiceNameOfInstance(instance);
                var mode = Text("StartMode");
                // ChangeServiceConfig: a service's start is Automatic, Manual or Disabled (Boot and System are drivers'):
                // anything else is 21, "Status Invalid Parameter".
                if (mode is null || !(mode.Equals("Automatic", StringComparison.OrdinalIgnoreCase) || mode.Equals("Manual", StringComparison.OrdinalIgnoreCase) || mode.Equals("Disabled", StringComparison.OrdinalIgnoreCase)))
                {
                    return (21u, []);
                }

                var states = Host.ServiceStates ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault("Win32_Service.ChangeStartMode needs a computer's session"));
                states.SetStartType(name, char.ToUpperInvariant(mode[0]) + mode[1..].ToLowerInvariant());
                return (0u, []);
            }

            case ("WIN32_SERVICE", "DELETE"):
            {
                var name = ServiceNameOfInstance(instance);
                if (Host.ServiceStates?.FindInstalled(name) is null)
                {
                    throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Win32_Service.Delete of {name}, one of Windows' own services, is not emulated: give the script's command a rule"));
                }

                Host.ServiceStates.Uninstall(name);
                return (0u, []);
            }

            case ("WIN32_PROCESS", "CREATE"):
                return CreateProcess(Text("CommandLine"), Text("CurrentDirectory"));

            case ("WIN32_PROCESS", "TERMINATE"):
            {
                var id = instance?["ProcessId"] is { } pid && ScriptExpressions.AsNumberOrNull(pid) is { } n ? (int)n : -1;
                return EndProcess(id) switch
                {
                    ProcessEnd.Ended => (0u, []),
                    ProcessEnd.AccessDenied => (2u, []),
                    _ => throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Win32_Process.Terminate of process {id} is not emulated: the emulated computers' processes do not end; give the script's command a rule")),
                };
            }

            default:
                // GetOwner, GetOwnerSid and Rename are the ManagementObject's (WmiMethod), by position.
                if (instance is null) return null;
                var signature = WmiMethodSignatures[className + "." + method].Parameters;
                var positional = signature.TakeWhile(given.ContainsKey).Select(p => given[p]).ToList();
                return await WmiMethodAsync(instance, method, positional) is PsObject result && result["ReturnValue"] is PsPrimitive { Value: uint code }
                    ? (code, [.. result.AdaptedProperties.Where(p => !p.Name.StartsWith("__", StringComparison.Ordinal) && p.Name is not ("ReturnValue" or "PSComputerName")).Select(p => (p.Name, p.Value))])
                    : null;
        }

        static string ServiceNameOfInstance(PsObject? instance) => instance?["Name"] is { } name ? PipelineVariables.Display(name)
            : throw new ScriptExpressionException(ScriptedError.ScenarioFault("A Win32_Service method needs an instance"));
    }

    /// <summary>
    /// Win32_Process.Create: the command line runs on the computer as Start-Process runs a program (detached, its console
    /// nowhere), in CurrentDirectory if given; ProcessId its new id. 9 when the program is not there.
    /// </summary>
    private (uint, (string, PsValue)[]) CreateProcess(string? commandLine, string? currentDirectory)
    {
        if (string.IsNullOrWhiteSpace(commandLine)) return (21u, []);
        if (ProgramScript(commandLine) is not { } script) return (9u, []);

        var directory = currentDirectory is null ? null : VirtualFileSystem.FullPath(currentDirectory, CurrentDirectory, out _);
        if (currentDirectory is not null && (directory is null || Host.FileSystem is { } disk && disk.Get(directory) is not { IsDirectory: true })) return (9u, []);
        var id = ScheduledTaskRunner.NextProcessId();
        var console = new StartedProcessHost(new NativeCommandHost(this, Host, null), Host.FileSystem, null, null, directory);
        _ = RunDetachedAsync(script, console, time, cancellationToken);
        return (0u, [("ProcessId", PsPrimitive.UInt32((uint)id))]);
    }

    // A method's in-parameters given by position ($object.Method(a, b), Invoke-WmiMethod -ArgumentList), by name.
    private static Dictionary<string, PsValue> ByPosition(string[] parameters, IReadOnlyList<PsValue> arguments)
    {
        var given = new Dictionary<string, PsValue>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < arguments.Count && i < parameters.Length; i++) given[parameters[i]] = arguments[i];
        return given;
    }

    /// <summary>Invoke-WmiMethod and Invoke-CimMethod.</summary>
    private async ValueTask InvokeWmiMethodCommandAsync(string command, StageArguments arguments, IReadOnlyList<PsValue> piped, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var cim = command == "Invoke-CimMethod";
        RefuseNotEmulated(command, arguments, cim ? ["CimSession", "ResourceUri", "OperationTimeoutSec", "QueryDialect"] : ["AsJob", "Credential", "Impersonation", "Authentication", "Locale", "EnableAllPrivileges", "Authority", "ThrottleLimit"]);
        // Invoke-CimMethod of other computers: WinRM's client error for each (RunContext.CimConnections), nothing invoked.
        if (cim && await OtherComputersOnlyAsync(arguments, to, blockNesting) is { } others)
        {
            var asked = arguments["ClassName"] is { } askedWord ? PipelineVariables.Display(await ArgumentAsync(askedWord, to, blockNesting)) : null;
            foreach (var computer in others) await WriteErrorAsync(CimConnectionError(command, computer, asked is null ? null : $@"root\cimv2:{asked}", credential: false)!, output);
            return;
        }

        await RefuseOtherComputerAsync(command, arguments, to, blockNesting);
        if (arguments["Namespace"] is { } namespaceWord && PipelineVariables.Display(await ArgumentAsync(namespaceWord, to, blockNesting)) is var ns &&
            !ns.Replace('\\', '/').Trim('/').Equals("root/cimv2", StringComparison.OrdinalIgnoreCase))
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} -Namespace {ns} is not emulated: give the command a rule (match: its whole text)"));
        }

        var methodParameter = cim ? "MethodName" : "Name";
        var method = (arguments[methodParameter] ?? arguments["Name"]) is { } methodWord ? PipelineVariables.Display(await ArgumentAsync(methodWord, to, blockNesting))
            : throw new StatementTerminatedException(ParameterError(command, $"Cannot process command because of one or more missing mandatory parameters: {methodParameter}.", "MissingMandatoryParameter"));

        // The targets: instances (given, piped, a query's, a path's) or the class itself (a static method).
        var instances = new List<PsObject>();
        string? className = null;
        if ((arguments["InputObject"] ?? (cim ? arguments["CimInstance"] : null)) is { } inputWord) instances.AddRange(ScriptExpressions.Enumerate(await ArgumentAsync(inputWord, to, blockNesting)).OfType<PsObject>());
        // -CimClass (Get-CimClass's declaration, given or piped): the class itself, for its static methods.
        var classes = piped.OfType<PsObject>().Where(IsCimClassDeclaration).ToList();
        if (cim && arguments["CimClass"] is { } cimClassWord) classes.AddRange(ScriptExpressions.Enumerate(await ArgumentAsync(cimClassWord, to, blockNesting)).OfType<PsObject>());
        instances.AddRange(piped.OfType<PsObject>().Where(p => !IsCimClassDeclaration(p)));
        if (classes.Count > 0)
        {
            className = classes[0]["CimSystemProperties"] is PsObject system && system["ClassName"] is PsPrimitive { Value: string name } ? name
                : PipelineVariables.Display(classes[0]["CimClassName"] ?? PsNil.Instance);
        }
        else if (arguments["Query"] is { } queryWord)
        {
            var text = PipelineVariables.Display(await ArgumentAsync(queryWord, to, blockNesting));
            // A query WMI refuses is the cmdlet's own error (the CIM cmdlets' HRESULT 0x80041017), and nothing runs.
            if (await CmdletWqlAsync(command, text, output) is not { } query) return;
            className = query.ClassName;
            instances.AddRange(ScriptExpressions.Enumerate(await CaptureAsync("Get-CimInstance -Query '" + text.Replace("'", "''", StringComparison.Ordinal) + "'", null, blockNesting + 1)).OfType<PsObject>());
        }
        else if (arguments["Path"] is { } pathWord)
        {
            // A WMI object path: Class.Key="value" (a class alone for its static methods).
            var path = PipelineVariables.Display(await ArgumentAsync(pathWord, to, blockNesting));
            var (relative, pathClass) = WmiPath(path);
            className = pathClass;
            if (relative.Length > pathClass.Length)
            {
                if (await FindWmiObjectAsync(path, blockNesting) is not { } found)
                {
                    throw new StatementTerminatedException(new ScriptedError("Not found ", $"InvokeWMIManagementException,{CmdletClass(command)}", ErrorCategory.InvalidOperation, "System.Management.ManagementException") { Activity = command });
                }

                instances.Add(found);
            }
        }
        else if (arguments[cim ? "ClassName" : "Class"] is { } classWord)
        {
            className = PipelineVariables.Display(await ArgumentAsync(classWord, to, blockNesting)).Trim();
        }

        // In-parameters: Invoke-CimMethod's -Arguments by name, Invoke-WmiMethod's -ArgumentList by position.
        var given = new Dictionary<string, PsValue>(StringComparer.OrdinalIgnoreCase);
        PsValue? argumentValue = arguments[cim ? "Arguments" : "ArgumentList"] is { } argumentWord ? await ArgumentAsync(argumentWord, to, blockNesting) : null;
        if (cim && argumentValue is PsObject { CollectionKind: PsCollectionKind.Dictionary } table)
        {
            foreach (var (key, value) in table.Entries) given[PipelineVariables.Display(key)] = value;
        }

        var targets = instances.Count > 0 ? instances.Select(i => (Class: WmiClassOf(i) ?? className ?? string.Empty, Instance: (PsObject?)i)).ToList()
            : className is not null ? [(Class: className, Instance: null)]
            : throw new StatementTerminatedException(ParameterError(command, "Parameter set cannot be resolved using the specified named parameters.", "AmbiguousParameterSet"));
        foreach (var (targetClass, instance) in targets)
        {
            var key = targetClass + "." + method;
            if (!WmiMethodSignatures.TryGetValue(key, out var signature))
            {
                throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} of the WMI method {targetClass}.{method} is not emulated: give the command a rule (match: its whole text)"));
            }

            if (signature.Static != (instance is null))
            {
                // A static method of an instance, an instance method of the class: WMI refuses (UNVERIFIED wording).
                throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command}: {targetClass}.{method} is {(signature.Static ? "a static method, called on the class" : "an instance method, called on an instance")}; WMI's refusal is not emulated"));
            }

            if (!cim && argumentValue is not null) given = ByPosition(signature.Parameters, [.. ScriptExpressions.Enumerate(argumentValue)]);

            var target = instance is null ? targetClass : $"{targetClass} ({WmiInstanceKey(instance)})";
            if (await WhatIfAsync(arguments, command, $"{target}, {method}")) continue;
            var result = await RunWmiMethodAsync(targetClass, instance, method, given)
                ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} of the WMI method {targetClass}.{method} is not emulated: give the command a rule (match: its whole text)"));
            await output.WriteAsync(new PipelineOutput(cim ? CimMethodResult(targetClass, method, result.ReturnValue, result.Outputs) : WmiMethodResult(result.ReturnValue, result.Outputs)), cancellationToken);
        }
    }

    // A CimClass (Get-CimClass's), not an instance.
    private static bool IsCimClassDeclaration(PsObject value) => value.TypeNames is [var first, ..] &&
        (first.Equals("Microsoft.Management.Infrastructure.CimClass", StringComparison.Ordinal) || first.Equals("Deserialized.Microsoft.Management.Infrastructure.CimClass", StringComparison.Ordinal));

    private static string WmiInstanceKey(PsObject instance) =>
        instance["__RELPATH"] is PsPrimitive { Value: string relative } ? relative : PipelineVariables.Display(instance["Name"] ?? instance["ProcessId"] ?? PsNil.Instance);

    // Invoke-CimMethod's answer: the out-parameters (ReturnValue among them, in WMI's alphabetical order) and PSComputerName.
    private static PsObject CimMethodResult(string className, string method, uint returnValue, (string Name, PsValue Value)[] outputs)
    {
        var o = new PsObject([$"{CimMethodResultTypeName}#{className}#{method}", CimMethodResultTypeName, "System.Object"]) { ToStringValue = CimMethodResultTypeName };
        var properties = outputs.Select(p => new PsProperty(p.Name, p.Value)).Append(new PsProperty("ReturnValue", PsPrimitive.UInt32(returnValue)));
        o.AdaptedProperties.AddRange(properties.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase));
        o.AdaptedProperties.Add(new PsProperty("PSComputerName", PsNil.Instance));
        return o;
    }
}
