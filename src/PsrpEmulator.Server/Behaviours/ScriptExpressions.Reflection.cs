using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Reflection on the non-public members of the server's own host, which scripts use to reach into the remoting layer:
/// <c>$Host.GetType().GetProperty('ExternalHost', [Reflection.BindingFlags]'NonPublic, Instance').GetValue($Host, $null)</c>,
/// then <c>GetField</c>, <c>GetValue</c> and <c>SetValue</c> along the chain. pypsrp's copy.ps1 lifts the
/// deserializer's memory limit so (<c>$Host.ExternalHost._transportManager.Fragmentor.DeserializationContext.
/// MaximumAllowedMemory = $null</c>); on Windows PowerShell 5.1 every step exists, so it writes no warning.
/// </summary>
/// <remarks>
/// The members are those of Windows PowerShell 5.1's System.Management.Automation (ServerRemoteHost's protected
/// <c>_transportManager</c>, BaseTransportManager's internal <c>Fragmentor</c>...); a pipeline's transport manager is
/// the WSMan plugin's command transport manager. Their values are opaque objects of those types: only reflection
/// reads them, and <c>SetValue</c> changes nothing in the emulator (its quotas are the endpoint's options). A non-public
/// member the table does not have is not there, as <c>GetProperty</c>/<c>GetField</c> answer for a missing one: $null.
/// Public members are not reflected (the emulator has no member table of .NET's types): GetProperty without
/// NonPublic stays an unknown method.
/// </remarks>
internal static partial class ScriptExpressions
{
    private static readonly string[] PropertyInfoTypeNames = ["System.Reflection.RuntimePropertyInfo", "System.Reflection.PropertyInfo", "System.Reflection.MemberInfo", "System.Object"];
    private static readonly string[] FieldInfoTypeNames = ["System.Reflection.RtFieldInfo", "System.Reflection.RuntimeFieldInfo", "System.Reflection.FieldInfo", "System.Reflection.MemberInfo", "System.Object"];

    private static readonly string[] ConsoleHostTypeNames = ["Microsoft.PowerShell.ConsoleHost", "System.Management.Automation.Host.PSHost", "System.Object"];

    private const string ServerRemoteHostTypeName = "System.Management.Automation.Remoting.ServerRemoteHost";
    private const string CommandTransportManagerTypeName = "System.Management.Automation.Remoting.WSManPluginCommandTransportManager";
    private const string FragmentorTypeName = "System.Management.Automation.Remoting.Fragmentor";
    private const string DeserializationContextTypeName = "System.Management.Automation.DeserializationContext";

    /// <summary>A non-public member: a field or a property, the type of its value (with its base types), null for a value-less one.</summary>
    private sealed record HiddenMember(bool IsField, string[]? ValueTypeNames, string MemberTypeName);

    private static readonly Dictionary<(string Type, string Member), HiddenMember> HiddenMembers = new()
    {
        [("System.Management.Automation.Internal.Host.InternalHost", "ExternalHost")] =
            new(false, [ServerRemoteHostTypeName, "System.Management.Automation.Host.PSHost", "System.Object"], "System.Management.Automation.Host.PSHost"),
        [(ServerRemoteHostTypeName, "_transportManager")] =
            new(true, [CommandTransportManagerTypeName, "System.Management.Automation.Remoting.WSManPluginServerTransportManager",
                "System.Management.Automation.Remoting.AbstractServerTransportManager", "System.Management.Automation.Remoting.BaseTransportManager", "System.Object"],
                "System.Management.Automation.Remoting.AbstractServerTransportManager"),
        [(CommandTransportManagerTypeName, "Fragmentor")] = new(false, [FragmentorTypeName, "System.Object"], FragmentorTypeName),
        [(FragmentorTypeName, "DeserializationContext")] = new(false, [DeserializationContextTypeName, "System.Object"], DeserializationContextTypeName),
        [(DeserializationContextTypeName, "MaximumAllowedMemory")] = new(false, null, "System.Nullable`1[[System.Int32, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]"),
    };

    private static readonly string[] MethodInfoTypeNames = ["System.Reflection.RuntimeMethodInfo", "System.Reflection.MethodInfo", "System.Reflection.MethodBase", "System.Reflection.MemberInfo", "System.Object"];

    /// <summary>The non-public static methods of 5.1's types scripts reach by reflection.</summary>
    private static readonly HashSet<(string Type, string Method)> HiddenStaticMethods = [("System.Management.Automation.ScriptBlock", "ClearScriptBlockCache")];

    /// <summary>The method infos of those methods this file made.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<PsObject, string> StaticMethodInfos = new();

    /// <summary>The member infos this file made, with what they stand for (a member info is a script's value like any other).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<PsObject, HiddenMember> MemberInfos = new();

    /// <summary>GetProperty/GetField/GetMethod on a type, GetValue/SetValue/Invoke on a member info this file made; null for anything else.</summary>
    private static PsValue? ReflectionMethod(PsObject value, string name, IReadOnlyList<PsValue> arguments)
    {
        if (value is { TypeNames: [RuntimeTypeName, ..], ToStringValue: { } typeName } &&
            (name.Equals("GetProperty", StringComparison.OrdinalIgnoreCase) || name.Equals("GetField", StringComparison.OrdinalIgnoreCase)) &&
            arguments.Count == 2 && Text(arguments[1]).Contains("NonPublic", StringComparison.OrdinalIgnoreCase))
        {
            var field = name.Equals("GetField", StringComparison.OrdinalIgnoreCase);
            var memberName = Text(arguments[0]);
            if (!HiddenMembers.TryGetValue((typeName, memberName), out var member) || member.IsField != field ||
                !Text(arguments[1]).Contains("Instance", StringComparison.OrdinalIgnoreCase))
            {
                return PsNil.Instance;
            }

            var info = new PsObject(field ? FieldInfoTypeNames : PropertyInfoTypeNames) { ToStringValue = $"{member.MemberTypeName} {memberName}" }
                .With("Name", memberName)
                .With("DeclaringType", typeName);
            MemberInfos.AddOrUpdate(info, member);
            return info;
        }

        if (value is { TypeNames: [RuntimeTypeName, ..], ToStringValue: { } staticOf } && name.Equals("GetMethod", StringComparison.OrdinalIgnoreCase) && arguments.Count == 2 &&
            Text(arguments[1]) is var flags && flags.Contains("NonPublic", StringComparison.OrdinalIgnoreCase) && flags.Contains("Static", StringComparison.OrdinalIgnoreCase))
        {
            // A non-public static method: ScriptBlock's ClearScriptBlockCache, which winrm-fs's uploads call between
            // chunks (PowerShell 5.1 has it); $null for another.
            var method = Text(arguments[0]);
            if (!HiddenStaticMethods.Contains((staticOf, method))) return PsNil.Instance;
            var info = new PsObject(MethodInfoTypeNames) { ToStringValue = "Void " + method + "()" }.With("Name", method).With("DeclaringType", staticOf);
            StaticMethodInfos.AddOrUpdate(info, method);
            return info;
        }

        // Invoke of such a method: it returns nothing, and in the emulator does nothing (it keeps no script block cache).
        if (StaticMethodInfos.TryGetValue(value, out _) && name.Equals("Invoke", StringComparison.OrdinalIgnoreCase) && arguments.Count == 2) return PsNil.Instance;

        if (value is { TypeNames: [RuntimeTypeName, ..], ToStringValue: { } ofType } && name.Equals("GetMethod", StringComparison.OrdinalIgnoreCase) && arguments.Count == 1)
        {
            // GetMethod('Dispose'), as winrm-fs's Cleanup asks before disposing: the methods every object has, and
            // Dispose of the disposable types the emulator makes (streams, readers, writers, hashes, transforms);
            // $null for any other (the emulator knows no other method infos).
            var method = Text(arguments[0]);
            var known = method.ToUpperInvariant() switch
            {
                "TOSTRING" or "GETTYPE" or "EQUALS" or "GETHASHCODE" => true,
                "DISPOSE" or "CLOSE" => IsDisposableTypeName(ofType),
                _ => false,
            };
            return known ? new PsObject(MethodInfoTypeNames)
            {
                ToStringValue = method.Equals("ToString", StringComparison.OrdinalIgnoreCase) ? "System.String ToString()" : "Void " + method,
            }.With("Name", method).With("DeclaringType", ofType) : PsNil.Instance;
        }

        if (!MemberInfos.TryGetValue(value, out var reflected)) return null;
        if (name.Equals("GetValue", StringComparison.OrdinalIgnoreCase) && arguments.Count is 1 or 2)
        {
            if (IsNull(arguments[0])) throw TargetRequired(name, arguments.Count, reflected.IsField);
            // powershell.exe (a WinRS command's) has the console host outside, which has no transport manager.
            var types = reflected.ValueTypeNames is [ServerRemoteHostTypeName, ..] && arguments[0] is PsObject { } target && target["Name"]?.ToDisplayString() == "ConsoleHost"
                ? ConsoleHostTypeNames
                : reflected.ValueTypeNames;
            return types is not null ? new PsObject(types) { ToStringValue = types[0] } : PsNil.Instance;
        }

        if (name.Equals("SetValue", StringComparison.OrdinalIgnoreCase) && arguments.Count is 2 or 3)
        {
            if (IsNull(arguments[0])) throw TargetRequired(name, arguments.Count, reflected.IsField);
            return PsNil.Instance;
        }

        return null;
    }

    private static bool IsDisposableTypeName(string typeName) =>
        typeName.EndsWith("Stream", StringComparison.Ordinal) || typeName.EndsWith("Reader", StringComparison.Ordinal) || typeName.EndsWith("Writer", StringComparison.Ordinal) ||
        typeName.EndsWith("CryptoServiceProvider", StringComparison.Ordinal) || typeName.EndsWith("Managed", StringComparison.Ordinal) ||
        typeName.EndsWith("Transform", StringComparison.Ordinal) || typeName.StartsWith("System.Security.Cryptography.HMAC", StringComparison.Ordinal);

    // .NET's TargetException for an instance member read from no object.
    private static ScriptExpressionException TargetRequired(string method, int count, bool field) => new(ScriptedError.MethodInvocation(
        method, count, field ? "Non-static field requires a target." : "Non-static method requires a target.", typeof(System.Reflection.TargetException)));
}
