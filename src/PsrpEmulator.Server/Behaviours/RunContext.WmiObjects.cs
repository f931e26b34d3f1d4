using System.Globalization;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Get-WmiObject (<c>gwmi</c>; <c>[-Class] name</c>, <c>-Filter</c>, <c>-Query</c>, <c>-Property</c>) and
/// Get-CimInstance of the classes the computer's WMI has (the scenario's <c>wmi:</c>, what WMI over WS-Man and wmic read,
/// with what commands changed since), when no rule answers the command: scripts of the PowerShell 2–5 era ask
/// <c>Get-WmiObject Win32_Process -Filter "Name='app.exe'"</c> or <c>-Query "SELECT * FROM Win32_Service WHERE ..."</c>.
/// Win32_Process is Get-Process's list, as Get-CimInstance's. A Get-WmiObject object is a ManagementObject (its
/// <c>__CLASS</c>, <c>__PATH</c> and the class's properties; dates as DMTF text), a Get-CimInstance one a CimInstance (dates
/// as DateTime). The scenario gives values as text, not their CIM types: "true"/"false" are Booleans, whole numbers UInt32
/// (UInt64 past it), anything else a String, and Handle, BuildNumber, Version and the like stay text (UNVERIFIED for a
/// class's other properties). A class the computer does not have is WMI's "Invalid class" here as a scenario error;
/// <c>-List</c>, <c>-Namespace</c> other than root\cimv2, other computers and <c>-AsJob</c> are scenario errors.
/// </summary>
internal sealed partial class RunContext
{
    // Properties whose values are text though they are written as digits.
    private static readonly HashSet<string> WmiTextProperties = new(StringComparer.OrdinalIgnoreCase)
    {
        "Handle", "BuildNumber", "Version", "SerialNumber", "VolumeSerialNumber", "HotFixID", "DeviceID", "Caption", "Name", "Description",
        "CSDVersion", "OSLanguage", "CountryCode", "Locale", "CodeSet", "MUILanguages", "IPSubnet", "IPAddress", "ServiceName", "SettingID",
        "InstallDate", "SMBIOSBIOSVersion", "BIOSVersion", "ProcessorId", "Manufacturer", "Model",
    };

    // WMI's DCOM port: the RPC endpoint mapper (the WMI-RPCSS-In-TCP firewall rule's, off on a fresh server).
    private const int RpcEndpointMapperPort = 135;

    // How long a TCP connect to a computer that drops it takes to give up on Windows: the SYN and two retransmissions,
    // 3 + 6 + 12 s (TcpMaxConnectRetransmissions 2). UNVERIFIED that DCOM's RPC call gives up then.
    private static readonly TimeSpan DroppedConnectGiveUp = TimeSpan.FromSeconds(21);

    /// <summary>
    /// Get-WmiObject of another computer from inside a session (DCOM, not WinRM). WMI's firewall rules are off on a
    /// fresh server, so a computer that does not resolve or drops port 135 is "The RPC server is unavailable."
    /// (GetWMICOMException, the cmdlet's own error, after TCP gives up on a dropped connection). One that lets DCOM in
    /// is the double hop: the session's network logon has no credentials to pass on, and DCOM's E_ACCESSDENIED is an
    /// exception the cmdlet does not handle (statement-terminating). With -Credential it would connect: a scenario error.
    /// </summary>
    private async ValueTask WmiOfAnotherComputerAsync(string computer, bool credential, IPipelineHost? to, IPipelineHost output)
    {
        var resolved = ResolveForTcp(computer, RpcEndpointMapperPort);
        if (resolved is not (_, true))
        {
            if (resolved is not null) await (to ?? host).SleepAsync(DroppedConnectGiveUp, time, cancellationToken);
            await WriteErrorAsync(new ScriptedError("The RPC server is unavailable. (Exception from HRESULT: 0x800706BA)", "GetWMICOMException,Microsoft.PowerShell.Commands.GetWmiObjectCommand",
                ErrorCategory.InvalidOperation, "System.Runtime.InteropServices.COMException") { Activity = "Get-WmiObject" }, output);
            return;
        }

        if (credential)
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Get-WmiObject -ComputerName {computer} -Credential would connect to that computer's WMI: not emulated, give the command a rule (match: its whole text)"));
        }

        throw new StatementTerminatedException(new ScriptedError("Access is denied. (Exception from HRESULT: 0x80070005 (E_ACCESSDENIED))",
            "System.UnauthorizedAccessException,Microsoft.PowerShell.Commands.GetWmiObjectCommand", ErrorCategory.NotSpecified, "System.UnauthorizedAccessException") { Activity = "Get-WmiObject" });
    }

    // The computer's name as WMI writes it in __SERVER and paths (upper case).
    private string WmiServerName() => (Host.EnvironmentVariable("COMPUTERNAME") ?? string.Empty).ToUpperInvariant();

    // The computer's WMI: the host's; a host without one (a test's, a tool's) has the catalog's classes for its
    // computer, with its clock, last boot, disk and network as the session knows them.
    private ComputerWmi Wmi => Host.Wmi ?? new ComputerWmi(Catalog, Host.EnvironmentVariable("COMPUTERNAME") ?? "localhost", Host.ServiceStates, scope.Variables.Power?.LastBoot, Host.FileSystem)
    {
        Clock = time,
        Network = Host.NetworkSettings,
        Features = Host.WindowsFeatures,
    };

    private async ValueTask GetWmiObjectAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        RefuseNotEmulated("Get-WmiObject", arguments, "Recurse", "AsJob", "Amended");
        if (arguments["Namespace"] is { } namespaceWord && PipelineVariables.Display(await ArgumentAsync(namespaceWord, to, blockNesting)) is var ns &&
            !ns.Replace('/', '\\').TrimStart('\\').Equals(@"root\cimv2", StringComparison.OrdinalIgnoreCase))
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Get-WmiObject -Namespace {ns} is not emulated: give the command a rule (match: its whole text)"));
        }

        if (await OtherComputersOnlyAsync(arguments, to, blockNesting) is { } others)
        {
            foreach (var computer in others) await WmiOfAnotherComputerAsync(computer, arguments.Has("Credential"), to, output);
            return;
        }

        await RefuseOtherComputerAsync("Get-WmiObject", arguments, to, blockNesting);
        var className = arguments["Class"] is { } classWord ? PipelineVariables.Display(await ArgumentAsync(classWord, to, blockNesting)).Trim() : null;
        if (arguments.Has("List"))
        {
            // The classes (ManagementClass) whose names match -Class (all without it), as -List enumerates meta_class.
            foreach (var name in ChosenWmiClasses("Get-WmiObject -List", className ?? "*")) await output.WriteAsync(new PipelineOutput(ManagementClassOf(name)), cancellationToken);
            return;
        }

        string text;
        if (arguments["Query"] is { } queryWord)
        {
            text = PipelineVariables.Display(await ArgumentAsync(queryWord, to, blockNesting));
        }
        else if (className is null)
        {
            throw new StatementTerminatedException(ParameterError("Get-WmiObject", "Cannot process command because of one or more missing mandatory parameters: Class.", "MissingMandatoryParameter"));
        }
        else
        {
            // The query the cmdlet sends (GetWmiObjectCommand.GetQueryString): an empty filter adds no where.
            var filter = arguments["Filter"] is { } filterWord ? PipelineVariables.Display(await ArgumentAsync(filterWord, to, blockNesting)) : null;
            // -Property: the properties the query selects (GetQueryString joins them with ", "; "*" by default).
            var selected = arguments["Property"] is { } propertyWord
                ? string.Join(", ", ScriptExpressions.Enumerate(await ArgumentAsync(propertyWord, to, blockNesting)).Select(v => PipelineVariables.Display(v).Trim()))
                : "*";
            text = $"select {selected} from {className}" + (string.IsNullOrEmpty(filter) ? string.Empty : " where " + filter);
        }

        if (await CmdletWqlAsync("Get-WmiObject", text, output) is not { } query) return;
        className = query.ClassName;
        if (className.Equals("Win32_Process", StringComparison.OrdinalIgnoreCase))
        {
            await WriteWmiProcessesAsync(query, output, blockNesting);
            return;
        }

        // A superclass of the computer's classes (CIM_LogicalDisk): its subclasses' instances (RunContext.CimClasses).
        if (await WriteSubclassInstancesAsync(className, query, cim: false, output, null, blockNesting)) return;

        if (Wmi.Find("root/cimv2", className) is not { } seed)
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault(
                $"Get-WmiObject of the class {className}: the computer's WMI has no such class (WMI's \"Invalid class\" error is not emulated); give the command a rule or the scenario a wmi: class"));
        }

        await WriteWmiInstancesAsync(seed, query, cim: false, output, blockNesting: blockNesting);
    }

    // Win32_Process's instances the query keeps, as Get-WmiObject writes them: Get-CimInstance's, as ManagementObjects.
    private async ValueTask WriteWmiProcessesAsync(WqlQuery query, IPipelineHost output, int blockNesting)
    {
        foreach (var cim in await Win32ProcessesAsync(query, blockNesting))
        {
            // WMI's dates are DMTF text (CreationDate), as a ManagementObject has them.
            // In WMI's order (by name), the CIM adapter's PSComputerName not among them.
            var properties = cim.AdaptedProperties.Where(p => p.Name != "PSComputerName" && (query.Properties is null || query.Properties.Contains(p.Name, StringComparer.OrdinalIgnoreCase)))
                .OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
                .Select(p => new PsProperty(p.Name, p.Value is PsPrimitive { Type: PsPrimitiveType.DateTime } && p.Value.AsDateTime() is { } date
                ? PsPrimitive.String(date.ToUniversalTime().ToString("yyyyMMddHHmmss.ffffff'+000'", System.Globalization.CultureInfo.InvariantCulture))
                : p.Value)).ToList();
            var handle = PipelineVariables.Display(cim["Handle"] ?? PsNil.Instance);
            var projected = query.Properties is not null;
            var managementObject = WmiInstances.ManagementObject(WmiServerName(), "Win32_Process",
                projected && !query.Properties!.Contains("Handle", StringComparer.OrdinalIgnoreCase) ? null : $"Win32_Process.Handle=\"{handle}\"", properties, projected);
            // types.ps1xml's Path ($this.ExecutablePath) hides ManagementBaseObject's own Path.
            managementObject.AdaptedProperties.RemoveAll(p => p.Name == "Path");
            await output.WriteAsync(new PipelineOutput(WithProcessAliases(managementObject)), cancellationToken);
        }
    }

    // WMI's text for WBEM_E_INVALID_QUERY, with the blank its error texts end with.
    private const string WmiInvalidQueryText = "Invalid query ";

    /// <summary>
    /// The WQL a WMI cmdlet sends, read; null when WMI refuses it (WBEM_E_INVALID_QUERY), once the cmdlet's error is
    /// written: Get-WmiObject's ManagementException quoting the query (GetWmiObjectCommand's InvalidQuery case), a CIM
    /// cmdlet's CimException (as about_WQL shows Get-CimInstance's; Invoke-CimMethod -Query's by the CIM cmdlets' same
    /// HRESULT id, UNVERIFIED). WQL the emulator does not read is a scenario error.
    /// </summary>
    private async ValueTask<WqlQuery?> CmdletWqlAsync(string command, string text, IPipelineHost output)
    {
        try
        {
            return WqlQuery.Parse(text);
        }
        catch (WqlException e) when (e.Failure == WqlFailure.InvalidQuery)
        {
            await WriteInvalidQueryAsync(command, text, output);
            return null;
        }
        catch (WqlException e)
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"The WQL query '{text}': {e.Message}; give the command a rule (match: its whole text)"));
        }
    }

    // WMI's WBEM_E_INVALID_QUERY as the cmdlet writes it (see CmdletWqlAsync).
    private ValueTask WriteInvalidQueryAsync(string command, string text, IPipelineHost output) => WriteErrorAsync(command == "Get-WmiObject"
        ? new ScriptedError($"{WmiInvalidQueryText}\"{text}\"", "GetWMIManagementException,Microsoft.PowerShell.Commands.GetWmiObjectCommand",
            ErrorCategory.InvalidArgument, "System.Management.ManagementException") { Activity = command }
        : new ScriptedError(WmiInvalidQueryText, $"HRESULT 0x80041017,{CmdletClass(command)}",
            ErrorCategory.InvalidArgument, "Microsoft.Management.Infrastructure.CimException") { Activity = command }, output);

    /// <summary>The class's instances that the query keeps (all without one), as Get-CimInstance or Get-WmiObject writes them.</summary>
    private async ValueTask WriteWmiInstancesAsync(WmiClassSeed seed, WqlQuery? query, bool cim, IPipelineHost output, IReadOnlyList<string>? cimProperties = null, int blockNesting = 0)
    {
        // WMI refuses a property its class has not (Invalid query): one the schema does not declare; a class the schema
        // does not know may just not be given it by the scenario.
        var declared = WmiSchema.Properties(seed.ClassName);
        var known = declared is not null ? [.. seed.PropertyNames, .. declared] : seed.PropertyNames;
        if (query is not null && (seed.Instances.Count > 0 || declared is not null) && query.UnknownProperties(known).FirstOrDefault() is { } unknown)
        {
            if (declared is not null)
            {
                await WriteInvalidQueryAsync(cim ? "Get-CimInstance" : "Get-WmiObject", query.Text, output);
                return;
            }

            throw new ScriptExpressionException(ScriptedError.ScenarioFault(
                $"The WQL query names {unknown}, which the scenario's wmi: class {seed.ClassName} does not give: give the class the property, or the command a rule (match: its whole text)"));
        }

        var className = WmiSchema.Spelling(seed.ClassName);
        // Win32_OperatingSystem's NumberOfProcesses is the processes Get-Process lists now.
        var processCount = className.Equals("Win32_OperatingSystem", StringComparison.OrdinalIgnoreCase)
            ? ScriptExpressions.Enumerate(await CaptureAsync("Get-Process", null, blockNesting + 1)).Count().ToString(CultureInfo.InvariantCulture)
            : null;
        foreach (var given in Wmi.Instances(seed))
        {
            var instance = Complete(className, given);
            if (processCount is not null)
            {
                instance = [.. instance.Select(p => p.Name.Equals("NumberOfProcesses", StringComparison.OrdinalIgnoreCase) ? p with { Kind = WmiValueKind.Text, Values = [processCount] } : p)];
            }

            // The filter reads the whole instance; Get-CimInstance -Property then gives a partial one, its other properties (not the keys) null.
            if (query is not null && !query.Matches(instance)) continue;
            if (cimProperties is not null) instance = Partial(instance, cimProperties, seed.Keys);
            var keys = seed.Keys.Select(k => instance.FirstOrDefault(p => p.Name.Equals(k, StringComparison.OrdinalIgnoreCase))).OfType<WmiProperty>().ToList();
            // A projection: a ManagementObject of the selected properties; a CimInstance has the class's, the others (not the keys) null.
            var shown = query?.Properties is not { } selected ? instance : cim ? Partial(instance, selected, seed.Keys) : query.Project(instance);
            var properties = shown.Select(p => new PsProperty(p.Name, WmiValue(className, p, cim))).ToList();
            if (cim)
            {
                await output.WriteAsync(new PipelineOutput(WithInstalledOn(WmiInstances.CimInstance(className, properties, keys.Select(k => k.Name), WmiServerName(), seed.Namespace))), cancellationToken);
                continue;
            }

            // WMI's relative path: a number key bare, a string key quoted (Win32_BIOS.Name="...",SoftwareElementState=3,...);
            // a projection's only when it selected the keys.
            var projected = query?.Properties is not null;
            var relative = projected && (keys.Count == 0 || !keys.All(k => query!.Properties!.Contains(k.Name, StringComparer.OrdinalIgnoreCase))) ? null
                : className + (keys.Count == 0 ? "=@" : "." + string.Join(",", keys.Select(k => WmiValue(className, k, cim: false) is PsPrimitive { Value: string text }
                ? $"{k.Name}=\"{text}\"" : $"{k.Name}={k.Values.FirstOrDefault()}")));
            await output.WriteAsync(new PipelineOutput(WithInstalledOn(WmiInstances.ManagementObject(WmiServerName(), className, relative, properties, projected))), cancellationToken);
        }
    }

    // Win32_QuickFixEngineering's types.ps1xml script property InstalledOn (WMI's and CIM's alike): WMI's text
    // ("11/14/2018") read as a DateTime ([DateTime]::Parse(value, [DateTimeFormatInfo]::new())), hiding the class's own.
    private static PsObject WithInstalledOn(PsObject instance)
    {
        if (instance.TypeNames is not [var first, ..] || !first.EndsWith("Win32_QuickFixEngineering", StringComparison.OrdinalIgnoreCase)) return instance;
        return instance.With("InstalledOn", instance["InstalledOn"] is PsPrimitive { Value: string installed } &&
            DateTime.TryParse(installed, DateTimeFormatInfo.InvariantInfo, DateTimeStyles.None, out var day)
                ? PsPrimitive.DateTime(new DateTimeOffset(day, TimeSpan.Zero), DateTimeKind.Unspecified) : PsNil.Instance);
    }

    // A partial instance (CIM's answer to selected properties): the others, but the keys, null.
    private static IReadOnlyList<WmiProperty> Partial(IReadOnlyList<WmiProperty> instance, IReadOnlyList<string> selected, IReadOnlyList<string> keys) =>
        [.. instance.Select(p => selected.Contains(p.Name, StringComparer.OrdinalIgnoreCase) || keys.Contains(p.Name, StringComparer.OrdinalIgnoreCase)
            ? p : new WmiProperty(p.Name, WmiValueKind.Null, []))];

    // The instance with every property its class declares (WmiSchema), in WMI's order (by name); one a scenario leaves out is null.
    private static IReadOnlyList<WmiProperty> Complete(string className, IReadOnlyList<WmiProperty> instance)
    {
        if (WmiSchema.Properties(className) is not { } declared) return instance;
        var missing = declared.Where(name => !instance.Any(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))).ToList();
        if (missing.Count == 0) return instance;
        return [.. instance.Concat(missing.Select(name => new WmiProperty(name, WmiValueKind.Null, []))).OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase)];
    }


    // A WMI property's value as the cmdlets give it: typed as the class declares it (WmiSchema), else by its text (see
    // the class's remarks on types); a datetime a DateTime for the CIM cmdlets, DMTF text for a ManagementObject.
    private static PsValue WmiValue(string className, WmiProperty property, bool cim)
    {
        if (property.Kind == WmiValueKind.Null) return PsNil.Instance;
        var declared = WmiSchema.CimType(className, property.Name);
        var type = declared?.TrimEnd(']', '[');
        PsValue One(string text) => property.Kind switch
        {
            WmiValueKind.Datetime when cim && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) => PsPrimitive.DateTime(date),
            WmiValueKind.Datetime when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) =>
                PsPrimitive.String(DmtfText(date)),
            _ when type is not null && Typed(type, text) is { } typed => typed,
            _ when type is "string" or "datetime" || WmiTextProperties.Contains(property.Name) => PsPrimitive.String(text),
            _ when text.Equals("true", StringComparison.OrdinalIgnoreCase) => PsPrimitive.Boolean(true),
            _ when text.Equals("false", StringComparison.OrdinalIgnoreCase) => PsPrimitive.Boolean(false),
            _ when uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var small) => PsPrimitive.UInt32(small),
            _ when ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var large) => PsPrimitive.UInt64(large),
            _ => PsPrimitive.String(text),
        };
        if (property.IsArray || property.Values.Count > 1 || declared?.EndsWith("[]", StringComparison.Ordinal) == true)
        {
            var items = property.Values.Select(One).ToList();
            var arrayType = items is [PsPrimitive first, ..] ? ScriptExpressions.DotNetTypeName(first) : "System.String";
            return PsObjects.List([.. items], [arrayType + "[]", "System.Array", "System.Object"]);
        }

        return property.Values.Count == 0 ? PsNil.Instance : One(property.Values[0]);
    }

    // A value of a declared CIM type, as System.Management and the CIM cmdlets convert it; null when the text is not one.
    private static PsPrimitive? Typed(string cimType, string text)
    {
        const NumberStyles Integer = NumberStyles.AllowLeadingSign;
        var c = CultureInfo.InvariantCulture;
        return cimType switch
        {
            "boolean" when bool.TryParse(text, out var b) => PsPrimitive.Boolean(b),
            "uint8" when byte.TryParse(text, Integer, c, out var v) => PsPrimitive.Byte(v),
            "sint8" when sbyte.TryParse(text, Integer, c, out var v) => PsPrimitive.SByte(v),
            "uint16" when ushort.TryParse(text, Integer, c, out var v) => PsPrimitive.UInt16(v),
            "sint16" when short.TryParse(text, Integer, c, out var v) => PsPrimitive.Int16(v),
            "uint32" when uint.TryParse(text, Integer, c, out var v) => PsPrimitive.UInt32(v),
            "sint32" when int.TryParse(text, Integer, c, out var v) => PsPrimitive.Int32(v),
            "uint64" when ulong.TryParse(text, Integer, c, out var v) => PsPrimitive.UInt64(v),
            "sint64" when long.TryParse(text, Integer, c, out var v) => PsPrimitive.Int64(v),
            "real32" when float.TryParse(text, NumberStyles.Float, c, out var v) => PsPrimitive.Single(v),
            "real64" when double.TryParse(text, NumberStyles.Float, c, out var v) => PsPrimitive.Double(v),
            "char16" when text.Length == 1 => PsPrimitive.Char(text[0]),
            _ => null,
        };
    }

    // A ManagementObject's .NET methods (Get, Put, Delete, GetPropertyValue...), which are not the class's WMI methods.
    private static readonly HashSet<string> ManagementObjectMethods = new(StringComparer.OrdinalIgnoreCase)
    {
        "GetType", "ToString", "Equals", "GetHashCode", "Dispose", "Get", "Put", "Delete", "Clone", "CompareTo", "CopyTo", "GetPropertyValue",
        "SetPropertyValue", "GetQualifierValue", "SetQualifierValue", "GetPropertyQualifierValue", "GetMethodParameters", "GetRelated",
        "GetRelationships", "GetText", "InvokeMethod", "ConvertToDateTime", "ConvertFromDateTime",
    };

    /// <summary>
    /// A WMI method of a ManagementObject Get-WmiObject wrote: Win32_ComputerSystem's <c>Rename(name[, password, user])</c>
    /// answers as WMI does, a <c>__PARAMETERS</c> object whose ReturnValue is 0 (87 for a name that is no host name,
    /// UNVERIFIED code); the computer keeps its name after a restart (the virtual computers' names are fixed). Another
    /// class's method is a scenario error; null for another object or one of ManagementObject's own .NET methods.
    /// </summary>
    private async ValueTask<PsValue?> WmiMethodAsync(PsObject target, string name, IReadOnlyList<PsValue> arguments)
    {
        const string Prefix = @"System.Management.ManagementObject#root\cimv2\";
        // CimInstance's own: the computer of the CIM session it came from (none for the local computer's, as its
        // PSComputerName), and that session's id (UNVERIFIED: the empty Guid here for every session).
        if (target.TypeNames is [var cimType, ..] && cimType.StartsWith(CimPrefix, StringComparison.Ordinal) && arguments.Count == 0)
        {
            if (name.Equals("GetCimSessionComputerName", StringComparison.OrdinalIgnoreCase)) return target["PSComputerName"] ?? PsNil.Instance;
            if (name.Equals("GetCimSessionInstanceId", StringComparison.OrdinalIgnoreCase)) return PsPrimitive.Guid(Guid.Empty);
            if (name.Equals("Clone", StringComparison.OrdinalIgnoreCase)) return target.ShallowCopy();
            if (name.Equals("Dispose", StringComparison.OrdinalIgnoreCase)) return PsNil.AutomationNull;
        }

        if (target.TypeNames is [var classType, ..] && classType.StartsWith(ManagementClassTypeName + "#", StringComparison.Ordinal))
        {
            // [wmiclass]"Win32_Process": the class's static methods, their in-parameters by position.
            var staticClass = classType[(classType.LastIndexOf('\\') + 1)..];
            if (!WmiMethodSignatures.TryGetValue(staticClass + "." + name, out var staticSignature) || !staticSignature.Static || arguments.Count > staticSignature.Parameters.Length) return null;
            var (code, outs) = (await RunWmiMethodAsync(staticClass, null, name, ByPosition(staticSignature.Parameters, arguments)))!.Value;
            return WmiMethodResult(code, outs);
        }

        if (target.TypeNames is not [var first, ..] || !first.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) return null;
        var ofClass = first[Prefix.Length..];
        // Win32_Service's and Win32_Process's methods with their in-parameters by position (RunContext.WmiMethods); a
        // WMI method named as a ManagementObject's .NET one (Delete) is the class's.
        if ((ofClass.Equals("Win32_Service", StringComparison.OrdinalIgnoreCase) || ofClass.Equals("Win32_Process", StringComparison.OrdinalIgnoreCase) && name.Equals("Terminate", StringComparison.OrdinalIgnoreCase)) &&
            WmiMethodSignatures.TryGetValue(ofClass + "." + name, out var signature) && arguments.Count <= signature.Parameters.Length)
        {
            var (returnValue, outputs) = (await RunWmiMethodAsync(ofClass, target, name, ByPosition(signature.Parameters, arguments)))!.Value;
            return WmiMethodResult(returnValue, outputs);
        }

        // types.ps1xml's script methods of a ManagementObject: a DMTF date's DateTime and back (the uptime one-liner's
        // $os.ConvertToDateTime($os.LastBootUpTime)).
        if (name.Equals("ConvertToDateTime", StringComparison.OrdinalIgnoreCase) && arguments.Count == 1) return DmtfToDateTime(name, PipelineVariables.Display(arguments[0]));
        if (name.Equals("ConvertFromDateTime", StringComparison.OrdinalIgnoreCase) && arguments.Count == 1 && arguments[0] is PsPrimitive { Value: DateTime or DateTimeOffset } date)
        {
            return PsPrimitive.String(DmtfText(DateTimeOffsetOf(date)));
        }

        if (ManagementObjectMethods.Contains(name)) return null;
        var className = ofClass;
        if (className.Equals("Win32_ComputerSystem", StringComparison.OrdinalIgnoreCase) && name.Equals("Rename", StringComparison.OrdinalIgnoreCase) && arguments.Count is >= 1 and <= 3)
        {
            var newName = PipelineVariables.Display(arguments[0]);
            var valid = newName.Length is > 0 and <= 63 && newName.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && !newName.All(char.IsAsciiDigit);
            // The new name waits for the restart where Windows keeps it: ComputerName\ComputerName, while
            // ActiveComputerName keeps the running one (what pending-reboot checks compare).
            if (valid) Host.Registry?.SetValue(VirtualRegistry.LocalMachine, null, PendingComputerNameKey, new RegistryValue("ComputerName", RegistryValueKind.String, newName.ToUpperInvariant()));
            return WmiMethodResult(valid ? 0u : 87u);
        }

        // Win32_Process.GetOwner() / GetOwnerSid(): the account the process runs as, Get-Process -IncludeUserName's.
        if (className.Equals("Win32_Process", StringComparison.OrdinalIgnoreCase) && arguments.Count == 0 &&
            (name.Equals("GetOwner", StringComparison.OrdinalIgnoreCase) || name.Equals("GetOwnerSid", StringComparison.OrdinalIgnoreCase)))
        {
            var owner = ProcessOwner(target["ProcessId"] is { } pid && ScriptExpressions.AsNumberOrNull(pid) is { } n ? (int)n : -1,
                target["Name"] is { } processName ? PipelineVariables.Display(processName).Replace(".exe", string.Empty, StringComparison.OrdinalIgnoreCase) : string.Empty);
            // The Idle process has no owner to give: WMI answers access denied (2, UNVERIFIED).
            if (owner is null) return WmiMethodResult(2u);
            var slash = owner.IndexOf('\\');
            if (name.Equals("GetOwnerSid", StringComparison.OrdinalIgnoreCase))
            {
                var sid = Accounts?.Resolve(owner)?.Sid ?? string.Empty;
                return WmiMethodResult(0u, ("Sid", PsPrimitive.String(sid)));
            }

            return WmiMethodResult(0u, ("Domain", PsPrimitive.String(owner[..slash])), ("User", PsPrimitive.String(owner[(slash + 1)..])));
        }

        throw new ScriptExpressionException(ScriptedError.ScenarioFault($"The WMI method {className}.{name} is not emulated: give the script's command a rule"));
    }

    private const string PendingComputerNameKey = @"SYSTEM\CurrentControlSet\Control\ComputerName\ComputerName";

    // A time as WMI writes a DMTF date, in UTC (+000).
    private static string DmtfText(DateTimeOffset date) => date.UtcDateTime.ToString("yyyyMMddHHmmss.ffffff", CultureInfo.InvariantCulture) + "+000";

    /// <summary>A DMTF date (yyyyMMddHHmmss.ffffff+UUU, the offset in minutes) as ManagementDateTimeConverter.ToDateTime reads it.</summary>
    private static PsValue DmtfToDateTime(string method, string text)
    {
        if (text.Length == 25 && DateTime.TryParseExact(text[..21], "yyyyMMddHHmmss.ffffff", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local) &&
            int.TryParse(text[21..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var minutes))
        {
            return PsPrimitive.DateTime(new DateTimeOffset(local, TimeSpan.FromMinutes(minutes)).ToUniversalTime());
        }

        throw new ScriptExpressionException(ScriptedError.MethodInvocation(method, 1, "Specified argument was out of the range of valid values.\r\nParameter name: dmtfDate", typeof(ArgumentOutOfRangeException)));
    }

    private static DateTimeOffset DateTimeOffsetOf(PsPrimitive date) => date.Value switch
    {
        DateTimeOffset offset => offset,
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
        _ => default,
    };

    // What a WMI method returns: its out-parameters as a __PARAMETERS object, ReturnValue among them (the others in
    // WMI's order, alphabetical, around it).
    private static PsObject WmiMethodResult(uint returnValue, params (string Name, PsValue Value)[] outputs)
    {
        var o = new PsObject([@"System.Management.ManagementBaseObject#\__PARAMETERS", "System.Management.ManagementBaseObject", "System.ComponentModel.Component",
            "System.MarshalByRefObject", "System.Object"]) { ToStringValue = "System.Management.ManagementBaseObject" };
        o.AdaptedProperties.Add(new PsProperty("__GENUS", PsPrimitive.Int32(2)));
        o.AdaptedProperties.Add(new PsProperty("__CLASS", PsPrimitive.String("__PARAMETERS")));
        o.AdaptedProperties.Add(new PsProperty("__SUPERCLASS", PsNil.Instance));
        o.AdaptedProperties.Add(new PsProperty("__DYNASTY", PsPrimitive.String("__PARAMETERS")));
        o.AdaptedProperties.Add(new PsProperty("__RELPATH", PsNil.Instance));
        o.AdaptedProperties.Add(new PsProperty("__PROPERTY_COUNT", PsPrimitive.Int32(1 + outputs.Length)));
        o.AdaptedProperties.Add(new PsProperty("__DERIVATION", PsObjects.List([], ["System.String[]", "System.Array", "System.Object"])));
        o.AdaptedProperties.Add(new PsProperty("__SERVER", PsNil.Instance));
        o.AdaptedProperties.Add(new PsProperty("__NAMESPACE", PsNil.Instance));
        o.AdaptedProperties.Add(new PsProperty("__PATH", PsNil.Instance));
        var properties = outputs.Select(p => new PsProperty(p.Name, p.Value)).Append(new PsProperty("ReturnValue", PsPrimitive.UInt32(returnValue)));
        o.AdaptedProperties.AddRange(properties.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase));
        o.AdaptedProperties.Add(new PsProperty("PSComputerName", PsNil.Instance));
        return o;
    }
}
