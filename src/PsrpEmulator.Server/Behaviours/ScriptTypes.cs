using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Emit;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The types a session's scripts define (<c>enum Name { }</c>), as Windows PowerShell 5.1 defines them: real .NET enums
/// over Int32, emitted into a dynamic assembly of their own (collectible: gone with the session), so that every
/// enum operation the emulator does with .NET's Enum applies to them unchanged. A name resolves to the session's own
/// type before one of the emulator's, as a script's types come first in PowerShell's type resolution. Nothing is
/// shared between sessions.
/// </summary>
internal sealed class ScriptTypes
{
    /// <summary>How many types one session may define (each is a dynamic assembly until the session goes).</summary>
    internal const int MaxTypes = 256;

    /// <summary>How many members one enum may have.</summary>
    internal const int MaxMembers = 4096;

    // The session whose statement runs now: the expression code is static, and reaches the session's types through it.
    private static readonly AsyncLocal<ScriptTypes?> CurrentSession = new();

    /// <summary>The types of the session whose statement runs on this flow; null when it has defined none.</summary>
    internal static ScriptTypes? Current
    {
        get => CurrentSession.Value;
        set
        {
            if (!ReferenceEquals(CurrentSession.Value, value)) CurrentSession.Value = value;
        }
    }

    private readonly ConcurrentDictionary<string, Defined> _enums = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>An enum to define: its name, whether it is a flags enum, its members with their values, in order.</summary>
    internal sealed record EnumDefinition(string Name, bool Flags, IReadOnlyList<(string Name, int Value)> Members)
    {
        public bool Equals(EnumDefinition? other) =>
            other is not null && Name == other.Name && Flags == other.Flags && Members.SequenceEqual(other.Members);

        public override int GetHashCode() => HashCode.Combine(Name, Flags, Members.Count);
    }

    private sealed record Defined(EnumDefinition Definition, Type Type, ScriptExpressions.KnownType Known);

    /// <summary>The session's enum of that name; null for another name.</summary>
    internal Type? Enum(string name) => _enums.TryGetValue(name, out var defined) ? defined.Type : null;

    /// <summary>The session's enum of that name as the expression code knows types; null for another name.</summary>
    internal ScriptExpressions.KnownType? Known(string name) => _enums.TryGetValue(name, out var defined) ? defined.Known : null;

    /// <summary>
    /// Defines the enum (again: a later definition of the name replaces the earlier, as a script run again defines its
    /// types anew; the same definition keeps its type, so values made earlier still are of it).
    /// </summary>
    internal Type Define(EnumDefinition definition)
    {
        if (_enums.TryGetValue(definition.Name, out var existing) && existing.Definition == definition) return existing.Type;
        if (!_enums.ContainsKey(definition.Name) && _enums.Count >= MaxTypes)
        {
            throw new ScenarioRuntimeException($"a session defines at most {MaxTypes} types in the emulator");
        }

        var assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("PowerShell Class Assembly"), AssemblyBuilderAccess.RunAndCollect);
        var builder = assembly.DefineDynamicModule("PowerShell Class Module").DefineEnum(definition.Name, TypeAttributes.Public, typeof(int));
        if (definition.Flags)
        {
            builder.SetCustomAttribute(new CustomAttributeBuilder(typeof(FlagsAttribute).GetConstructor(Type.EmptyTypes)!, []));
        }

        foreach (var (name, value) in definition.Members) builder.DefineLiteral(name, value);
        var type = builder.CreateType();
        _enums[definition.Name] = new Defined(definition, type, new ScriptExpressions.KnownType(definition.Name));
        return type;
    }
}
