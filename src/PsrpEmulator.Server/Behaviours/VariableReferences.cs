using System.Runtime.CompilerServices;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// PowerShell's <c>[ref]</c> (PSReference): <c>[ref]$c</c> refers to the variable itself, wherever it lives (a
/// function's scope or the session's), so <c>$r.Value</c> reads its current value and <c>$r.Value = 5</c> (or
/// <c>$r.Value++</c>) sets it, from a function the reference was passed to too; <c>[ref]5</c> holds a value of its own.
/// The emulator's objects carry no behaviour: what each reference refers to is noted beside it, weakly.
/// </summary>
internal static class VariableReferences
{
    /// <summary>Windows PowerShell 5.1's type (pwsh 6+ names a generic PSReference`1).</summary>
    public const string TypeName = "System.Management.Automation.PSReference";

    private static readonly string[] TypeNames = [TypeName, "System.Object"];

    // A variable's place (a function's scope, or the session's variables), or a value of the reference's own.
    private sealed class Target
    {
        public required string Name { get; init; }
        public Dictionary<string, PsValue>? Scope { get; init; }
        public RunspaceState? Session { get; init; }
        public PipelineVariables? Variables { get; init; }
        public PsValue Held { get; set; } = PsNil.Instance;
    }

    private static readonly ConditionalWeakTable<PsObject, Target> Targets = new();

    /// <summary>Whether the value is a reference (a [ref] argument a parameter typed [ref] takes).</summary>
    public static bool IsReference(PsValue? value) => value is PsObject { TypeNames: [TypeName, ..] };

    /// <summary><c>[ref]value</c>: a reference holding the value (a reference stays itself).</summary>
    public static PsValue OfValue(PsValue value)
    {
        if (IsReference(value)) return value;
        var reference = New(value);
        Targets.AddOrUpdate(reference, new Target { Name = string.Empty, Held = value });
        return reference;
    }

    /// <summary><c>[ref]$name</c>: a reference to the variable in <paramref name="scope"/> (a function's), or the session's.</summary>
    public static PsObject OfVariable(string name, PsValue current, PipelineVariables variables, Dictionary<string, PsValue>? scope, RunspaceState? session)
    {
        var reference = New(current);
        Targets.AddOrUpdate(reference, new Target { Name = name, Scope = scope, Session = session, Variables = variables });
        return reference;
    }

    private static PsObject New(PsValue value)
    {
        var reference = new PsObject(TypeNames) { ToStringValue = TypeName };
        reference.AdaptedProperties.Add(new PsProperty("Value", value));
        return reference;
    }

    /// <summary><c>$r.Value</c>: the variable's value now (or the value held); null for any other member, or another object.</summary>
    public static PsValue? Read(PsValue value, string property)
    {
        if (value is not PsObject reference || !property.Equals("Value", StringComparison.OrdinalIgnoreCase) || !Targets.TryGetValue(reference, out var target)) return null;
        var current = target.Scope is { } scope ? scope.GetValueOrDefault(target.Name) ?? PsNil.Instance
            : target.Session is { } session ? session.TryGetVariable(target.Name, out var found) ? found : PsNil.Instance
            : target.Held;
        Refresh(reference, current);
        return current;
    }

    /// <summary><c>$r.Value = value</c>: the variable set (or the value held); false for any other member, or another object.</summary>
    public static bool TryWrite(PsValue value, string property, PsValue assigned)
    {
        if (value is not PsObject reference || !property.Equals("Value", StringComparison.OrdinalIgnoreCase) || !Targets.TryGetValue(reference, out var target)) return false;
        if (target.Scope is not null || target.Session is not null) target.Variables!.SetReferenced(target.Name, assigned, target.Scope);
        else target.Held = assigned;
        Refresh(reference, assigned);
        return true;
    }

    // The object's Value property as last read or set (what it shows, and what goes to the client).
    private static void Refresh(PsObject reference, PsValue current)
    {
        var properties = reference.AdaptedProperties;
        if (properties.Count == 1) properties[0] = new PsProperty("Value", current);
    }
}
