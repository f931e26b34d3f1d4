using System.Collections.Frozen;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The methods of the classes the schema knows (<see cref="WmiMethodData"/>), as a class declaration lists them
/// (CimClass.CimClassMethods): those of its root class first, then each subclass's own, each class's in its MOF order;
/// Win32_Process's start <c>{Create, Terminate, GetOwner, GetOwnerSid…}</c>, Win32_Service's
/// <c>{StartService, StopService, PauseService, ResumeService…}</c>, as Get-CimClass shows them on Windows.
/// </summary>
internal static class WmiMethods
{
    /// <summary>One method: its return type, whether it is static (called on the class), and its parameters in order.</summary>
    public sealed record Method(string DeclaringClass, string Name, string ReturnType, bool Static, IReadOnlyList<Parameter> Parameters);

    /// <summary>A parameter: its CIM type as the MOF gives it ("string", "uint32[]", an embedded object's class, "Class ref") and direction ("in", "out", "in,out").</summary>
    public sealed record Parameter(string Name, string Type, string Direction);

    private static readonly FrozenDictionary<string, Method[]> Own = WmiMethodData.Methods
        .GroupBy(m => m.ClassName, StringComparer.OrdinalIgnoreCase)
        .ToFrozenDictionary(g => g.Key, g => g.Select(m => new Method(m.ClassName, m.Method, m.ReturnType, m.Static,
            [.. m.Parameters.Select(p => new Parameter(p.Name, p.Type, p.Direction))])).ToArray(), StringComparer.OrdinalIgnoreCase);

    /// <summary>The class's methods, its superclasses' first (a name a subclass declares again keeps its first place).</summary>
    public static IReadOnlyList<Method> Of(string className)
    {
        var chain = new List<string> { className };
        chain.AddRange(WmiSchema.Derivation(className));
        var methods = new List<Method>();
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            foreach (var method in Own.GetValueOrDefault(chain[i]) ?? [])
            {
                var at = methods.FindIndex(m => m.Name.Equals(method.Name, StringComparison.OrdinalIgnoreCase));
                if (at >= 0) methods[at] = method;
                else methods.Add(method);
            }
        }

        return methods;
    }
}
