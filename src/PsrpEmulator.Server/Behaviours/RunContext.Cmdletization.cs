using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// What the CIM-based modules' functions (NetSecurity, DnsClient, ScheduledTasks: CDXML cmdletization) and the other
/// value commands over a computer's state have in common: parameters the emulation does not cover, the cmdletization's
/// not-found error, a function's missing mandatory parameter, and an optional parameter's texts.
/// </summary>
internal sealed partial class RunContext
{
    /// <summary>Any of <paramref name="parameters"/> given is the scenario error, before the command changes anything.</summary>
    private static void RefuseNotEmulated(string command, StageArguments arguments, params string[] parameters)
    {
        foreach (var unsupported in parameters)
        {
            if (arguments.Has(unsupported)) throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} -{unsupported} is not emulated: give the command a rule"));
        }
    }

    /// <summary>
    /// The cmdletization's error for a query value that matched no instance (a name, not a pattern: a pattern that
    /// matches none is nothing): a CimJobException, as captured Get-Disk, Get-Partition and Get-NetTCPConnection errors show.
    /// </summary>
    private static ScriptedError CimNotFound(string command, string cimClass, string property, string value) => new(
        $"No {cimClass} objects found with property '{property}' equal to '{value}'.  Verify the value of the property and retry.",
        $"CmdletizationQuery_NotFound_{property},{command}", ErrorCategory.ObjectNotFound, "Microsoft.PowerShell.Cmdletization.Cim.CimJobException", value)
    {
        Activity = command,
    };

    /// <summary>
    /// A NetTCPIP cmdletization query that found nothing: CmdletizationQuery_NotFound with the WHERE clause of the
    /// conditions the module wrote (<paramref name="where"/>, joined by AND).
    /// </summary>
    private static ScriptedError CimQueryNotFound(string command, string cimClass, IEnumerable<string> where) => new(
        $"No matching {cimClass} objects found by CIM query for instances of the ROOT/StandardCimv2/{cimClass} class on the  CIM server: SELECT * FROM {cimClass}  WHERE {string.Join(" AND ", where)}. Verify query parameters and retry.",
        $"CmdletizationQuery_NotFound,{command}", ErrorCategory.ObjectNotFound, "Microsoft.PowerShell.Cmdletization.Cim.CimJobException")
    {
        Activity = command,
    };

    /// <summary>
    /// A NetTCPIP cmdlet's -AddressFamily values as families (true: IPv6), their names or numbers (2, 23); null when not
    /// given; another value is the binder's error for the module's generated enum <paramref name="enumType"/>.
    /// </summary>
    private async ValueTask<List<bool>?> AddressFamiliesAsync(string command, StageArguments arguments, string enumType, IPipelineHost? to, int blockNesting) =>
        await OptionalTextsAsync(arguments, "AddressFamily", to, blockNesting) is not { } families ? null :
        [
            .. families.Select(family => family.Trim().ToUpperInvariant() switch
            {
                "IPV4" or "2" => false,
                "IPV6" or "23" => true,
                _ => throw new StatementTerminatedException(EnumParameterError(command, "AddressFamily", family, $"Microsoft.PowerShell.Cmdletization.GeneratedTypes.{enumType}.AddressFamily", ["IPv4", "IPv6"])),
            }),
        ];

    /// <summary>A module function's missing mandatory parameter (its id qualified by the function's name, not a cmdlet class).</summary>
    private static ScriptedError FunctionMissingParameter(string command, string parameter) => new(
        $"Cannot process command because of one or more missing mandatory parameters: {parameter}.", $"MissingMandatoryParameter,{command}",
        ErrorCategory.InvalidArgument, "System.Management.Automation.ParameterBindingException")
    {
        Activity = command,
    };

    /// <summary>A parameter's texts (an array's items), or null when the call does not give it.</summary>
    private async ValueTask<List<string>?> OptionalTextsAsync(StageArguments arguments, string parameter, IPipelineHost? to, int blockNesting) =>
        arguments[parameter] is { } word ? await ArgumentTextsAsync(word, to, blockNesting) : null;
}
