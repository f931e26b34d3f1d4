using System.Globalization;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The execution policy as 5.1's SecuritySupport keeps it: MachinePolicy and UserPolicy from Group Policy's registry
/// values (Software\Policies\Microsoft\Windows\PowerShell: EnableScripts 0 is Restricted, 1 takes ExecutionPolicy),
/// Process from the session's <c>PSExecutionPolicyPreference</c> environment variable (powershell.exe's
/// <c>-ExecutionPolicy</c> sets it for its own process), CurrentUser and LocalMachine from the ShellIds key's
/// ExecutionPolicy value in HKCU and HKLM (a fresh Windows Server has RemoteSigned there); the effective policy is the
/// first of those that is not Undefined, else Restricted. Get-ExecutionPolicy (<c>-Scope</c>, <c>-List</c>) and
/// Set-ExecutionPolicy (no prompt in a remote session: 5.1 asks only in an interactive console; <c>-WhatIf</c>,
/// <c>-Confirm</c>; ExecutionPolicyOverride when a more specific scope wins) read and write them, and a script file the
/// session runs is refused under Restricted and AllSigned (no file here is signed), as Windows refuses it.
/// </summary>
internal sealed partial class RunContext
{
    internal static readonly string[] ExecutionPolicyCommands = ["Get-ExecutionPolicy", "Set-ExecutionPolicy"];

    private static readonly HashSet<string> ExecutionPolicyCommandNames = new(ExecutionPolicyCommands, StringComparer.Ordinal);

    // Microsoft.PowerShell.ExecutionPolicy by value (Default is Restricted's 3), and ExecutionPolicyScope by value.
    private static readonly string[] PolicyNames = ["Unrestricted", "RemoteSigned", "AllSigned", "Restricted", "Bypass", "Undefined"];
    private static readonly string[] PolicyEnumNames = ["Unrestricted", "RemoteSigned", "AllSigned", "Restricted", "Default", "Bypass", "Undefined"];
    private static readonly string[] ScopeNames = ["Process", "CurrentUser", "LocalMachine", "UserPolicy", "MachinePolicy"];

    private const int RemoteSigned = 1, AllSigned = 2, Restricted = 3, Undefined = 5;
    private const int ProcessScope = 0, CurrentUserScope = 1, LocalMachineScope = 2, UserPolicyScope = 3, MachinePolicyScope = 4;

    // SecuritySupport.ExecutionPolicyScopePreferences: the most specific first.
    private static readonly int[] ScopePreferences = [MachinePolicyScope, UserPolicyScope, ProcessScope, CurrentUserScope, LocalMachineScope];

    internal const string ShellIdsKey = @"SOFTWARE\Microsoft\PowerShell\1\ShellIds\Microsoft.PowerShell";
    private const string GroupPolicyKey = @"SOFTWARE\Policies\Microsoft\Windows\PowerShell";
    internal const string PolicyEnvironmentVariable = "PSExecutionPolicyPreference";

    // ExecutionPolicyCommands and Authenticode resources as 5.1 has them (its link has the one slash 5.1 prints).
    private const string ExecutionPoliciesLink = "https:/go.microsoft.com/fwlink/?LinkID=135170";

    private static PsObject PolicyObject(int policy) =>
        PsObjects.Enum(["Microsoft.PowerShell.ExecutionPolicy", "System.Enum", "System.ValueType", "System.Object"], PolicyNames[policy], policy);

    private static PsObject ScopeObject(int scope) =>
        PsObjects.Enum(["Microsoft.PowerShell.ExecutionPolicyScope", "System.Enum", "System.ValueType", "System.Object"], ScopeNames[scope], scope);

    // SecuritySupport.ParseExecutionPolicy: any other text is Default (Restricted).
    private static int ParsePolicy(string? text) =>
        text is null ? Undefined : Array.FindIndex(PolicyNames, n => n.Equals(text.Trim(), StringComparison.OrdinalIgnoreCase)) is var i and >= 0 and < Undefined ? i : Restricted;

    /// <summary>The policy one scope sets (Undefined when it sets none).</summary>
    private int ExecutionPolicyAt(int at) =>
        ExecutionPolicyAt(Host.Registry, RegistryUser, scope.Variables.EnvironmentVariable(PolicyEnvironmentVariable), at);

    /// <summary>The policy in effect: the most specific scope's that is not Undefined, else Restricted.</summary>
    private int EffectiveExecutionPolicy() =>
        EffectiveExecutionPolicy(Host.Registry, RegistryUser, scope.Variables.EnvironmentVariable(PolicyEnvironmentVariable));

    /// <summary>
    /// The policy one scope sets on a computer (<paramref name="registry"/>, HKCU being <paramref name="user"/>'s) for a
    /// process whose PSExecutionPolicyPreference is <paramref name="process"/>; Undefined when it sets none.
    /// </summary>
    private static int ExecutionPolicyAt(VirtualRegistry? registry, string? user, string? process, int at)
    {
        string? Value(string hive, string path, string name) =>
            registry?.Get(hive, user, path)?.Values.FirstOrDefault(v => v.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Data is { } data
                ? Convert.ToString(data, CultureInfo.InvariantCulture)
                : null;

        switch (at)
        {
            case ProcessScope:
                return process is { Length: > 0 } ? ParsePolicy(process) : Undefined;
            case LocalMachineScope when registry is null:
                // A host without the computer's registry (a test's) has a fresh server's RemoteSigned.
                return RemoteSigned;
            case CurrentUserScope or LocalMachineScope:
                var hive = at == CurrentUserScope ? VirtualRegistry.CurrentUser : VirtualRegistry.LocalMachine;
                return Value(hive, ShellIdsKey, "ExecutionPolicy") is { Length: > 0 } local ? ParsePolicy(local) : Undefined;
            default:
                // Utils.GetGroupPolicySetting and GetGroupPolicyValue: EnableScripts 0 is Restricted, 1 takes ExecutionPolicy.
                var policyHive = at == UserPolicyScope ? VirtualRegistry.CurrentUser : VirtualRegistry.LocalMachine;
                return Value(policyHive, GroupPolicyKey, "EnableScripts") switch
                {
                    "0" => Restricted,
                    "1" when Value(policyHive, GroupPolicyKey, "ExecutionPolicy") is { Length: > 0 } policy => ParsePolicy(policy),
                    _ => Undefined,
                };
        }
    }

    private static int EffectiveExecutionPolicy(VirtualRegistry? registry, string? user, string? process)
    {
        foreach (var at in ScopePreferences)
        {
            if (ExecutionPolicyAt(registry, user, process, at) is var policy and not Undefined) return policy;
        }

        return Restricted;
    }

    /// <summary>
    /// Whether a process may run script files on a computer (powershell.exe -File asks before it reads its file):
    /// not under Restricted or AllSigned.
    /// </summary>
    internal static bool ExecutionPolicyAllowsScripts(VirtualRegistry? registry, string? user, string? process) =>
        EffectiveExecutionPolicy(registry, user, process) is not (Restricted or AllSigned);

    /// <summary>
    /// Why the session may not run a script file: under Restricted and AllSigned (PSSecurityException, UnauthorizedAccess,
    /// the statement's error); null under RemoteSigned, Unrestricted and Bypass, which run every file here, none being
    /// marked as downloaded.
    /// </summary>
    private ScriptedError? ExecutionPolicyRefusal(string path)
    {
        var message = EffectiveExecutionPolicy() switch
        {
            Restricted => $"File {path} cannot be loaded because running scripts is disabled on this system. For more information, see about_Execution_Policies at {ExecutionPoliciesLink}.",
            AllSigned => $"File {path} cannot be loaded. The file {path} is not digitally signed. You cannot run this script on the current system. For more information about running scripts and setting execution policy, see about_Execution_Policies at {ExecutionPoliciesLink}.",
            _ => null,
        };
        return message is null ? null : new ScriptedError(message, "UnauthorizedAccess", ErrorCategory.SecurityError, "System.Management.Automation.PSSecurityException");
    }

    private async ValueTask RunExecutionPolicyCommandAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        ValueTask Write(PsValue value) => output.WriteAsync(new PipelineOutput(value), cancellationToken);

        async ValueTask<int?> EnumArgument(string parameter, string typeName, string[] names)
        {
            if (arguments[parameter] is not { } word) return null;
            var value = await ArgumentAsync(word, to, blockNesting);
            if (value.AsPrimitive()?.Value is int number && number >= 0 && number < names.Length) return number;
            var text = PipelineVariables.Display(value).Trim();
            var index = Array.FindIndex(names, n => n.Equals(text, StringComparison.OrdinalIgnoreCase));
            return index >= 0 ? index : throw new StatementTerminatedException(EnumParameterError(command, parameter, text, typeName, names));
        }

        var scopeGiven = await EnumArgument("Scope", "Microsoft.PowerShell.ExecutionPolicyScope", ScopeNames);
        if (command == "Get-ExecutionPolicy")
        {
            if (arguments.Has("List") && scopeGiven is not null)
            {
                throw new StatementTerminatedException(new ScriptedError("Cannot get execution policy. Specify only the List or Scope parameters.",
                    $"ListAndScopeSpecified,{CmdletClass(command)}", ErrorCategory.InvalidOperation, "System.InvalidOperationException"));
            }

            if (arguments.Has("List"))
            {
                foreach (var at in ScopePreferences)
                {
                    await Write(new PsObject(["System.Management.Automation.PSCustomObject", "System.Object"]).With("Scope", ScopeObject(at)).With("ExecutionPolicy", PolicyObject(ExecutionPolicyAt(at))));
                }
            }
            else
            {
                await Write(PolicyObject(scopeGiven is { } one ? ExecutionPolicyAt(one) : EffectiveExecutionPolicy()));
            }

            return;
        }

        // Set-ExecutionPolicy [-ExecutionPolicy] <policy> [[-Scope] <scope>] [-Force]: Default is Restricted.
        var requested = await EnumArgument("ExecutionPolicy", "Microsoft.PowerShell.ExecutionPolicy", PolicyEnumNames)
            ?? throw new StatementTerminatedException(ParameterError(command, "Cannot process command because of one or more missing mandatory parameters: ExecutionPolicy.", "MissingMandatoryParameter"));
        var policy = PolicyEnumNames[requested] switch { "Default" => Restricted, var name => Array.IndexOf(PolicyNames, name) };
        var target = scopeGiven ?? LocalMachineScope;
        if (target is UserPolicyScope or MachinePolicyScope)
        {
            throw new StatementTerminatedException(new ScriptedError("Cannot set execution policy. Execution policies at the MachinePolicy or UserPolicy scopes must be set through Group Policy.",
                $"CantSetGroupPolicy,{CmdletClass(command)}", ErrorCategory.InvalidOperation, "System.InvalidOperationException"));
        }

        // ShouldProcess(policy): -WhatIf and -Confirm only (ConfirmImpact Medium); the console's "Execution Policy
        // Change" question is asked only of an interactive console, never in a remote session.
        if (await WhatIfAsync(arguments, command, PolicyNames[policy])) return;
        if (target == ProcessScope)
        {
            scope.Variables.Runspace.SetVariable("env:" + PolicyEnvironmentVariable, policy == Undefined ? PsNil.Instance : PsPrimitive.String(PolicyNames[policy]));
        }
        else
        {
            var registry = RegistryOf(command);
            var hive = target == CurrentUserScope ? VirtualRegistry.CurrentUser : VirtualRegistry.LocalMachine;
            if (policy == Undefined)
            {
                registry.DeleteValue(hive, RegistryUser, ShellIdsKey, "ExecutionPolicy");
                // CleanKeyParents: empty keys on the way up go, short of SOFTWARE\Microsoft.
                for (var path = ShellIdsKey; path.Count(c => c == '\\') >= 2; path = VirtualRegistry.ParentPath(path))
                {
                    if (registry.Get(hive, RegistryUser, path) is not { Values.Count: 0, SubKeys.Count: 0 }) break;
                    registry.DeleteKey(hive, RegistryUser, path, recurse: false);
                }
            }
            else
            {
                registry.CreateKey(hive, RegistryUser, ShellIdsKey, createParents: true);
                registry.SetValue(hive, RegistryUser, ShellIdsKey, new RegistryValue("ExecutionPolicy", RegistryValueKind.String, PolicyNames[policy]));
            }
        }

        if (policy != Undefined && EffectiveExecutionPolicy() is var effective && effective != policy)
        {
            throw new StatementTerminatedException(new ScriptedError(
                $"Windows PowerShell updated your execution policy successfully, but the setting is overridden by a policy defined at a more specific scope.  Due to the override, your shell will retain its current effective execution policy of {PolicyNames[effective]}. Type \"Get-ExecutionPolicy -List\" to view your execution policy settings. For more information please see \"Get-Help Set-ExecutionPolicy\".",
                $"ExecutionPolicyOverride,{CmdletClass(command)}", ErrorCategory.PermissionDenied, "System.Security.SecurityException")
            {
                RecommendedAction = "Contact your system administrator.",
            });
        }
    }
}
