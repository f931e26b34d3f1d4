using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Emit;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The types a session's scripts define and the namespaces they use: enums (<c>enum Name { }</c>) as Windows
/// PowerShell 5.1 defines them, real .NET enums over Int32 emitted into a dynamic assembly of their own (collectible:
/// gone with the session), so that every enum operation the emulator does with .NET's Enum applies to them unchanged;
/// classes (<c>class Name { }</c>, <see cref="ScriptClass"/>), whose objects the interpreter makes and whose methods it
/// runs; <c>using namespace</c>'s namespaces. A name resolves to the session's own type before one of the emulator's,
/// as a script's types come first in PowerShell's type resolution. Nothing is shared between sessions.
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

    private readonly ConcurrentDictionary<string, ScriptClass> _classes = new(StringComparer.OrdinalIgnoreCase);

    private readonly Lock _namespacesGate = new();

    // Replaced whole under the gate, read without it.
    private volatile string[] _namespaces = [];

    // The assemblies Add-Type -AssemblyName loaded, replaced whole under the gate, read without it.
    private volatile string[] _assemblies = [];

    /// <summary>Add-Type -AssemblyName: the session finds the assembly's types from now on.</summary>
    internal void Load(string assembly)
    {
        lock (_namespacesGate)
        {
            if (_assemblies.Contains(assembly, StringComparer.OrdinalIgnoreCase) || _assemblies.Length >= MaxTypes) return;
            _assemblies = [.. _assemblies, assembly];
        }
    }

    /// <summary>Whether Add-Type -AssemblyName loaded the assembly in the session.</summary>
    internal bool HasLoaded(string assembly) => _assemblies.Contains(assembly, StringComparer.OrdinalIgnoreCase);

    /// <summary><c>using namespace Name</c>: the session's types resolve in it from now on.</summary>
    internal void Use(string name)
    {
        lock (_namespacesGate)
        {
            if (_namespaces.Contains(name, StringComparer.OrdinalIgnoreCase)) return;
            if (_namespaces.Length >= MaxTypes) throw new ScenarioRuntimeException($"a session names at most {MaxTypes} namespaces in the emulator");
            _namespaces = [.. _namespaces, name];
        }
    }

    /// <summary>A type of the name in one of the namespaces used, by the lookup given; null when none has it.</summary>
    internal T? InNamespaces<T>(string name, Func<string, T?> lookup) where T : class
    {
        foreach (var ns in _namespaces)
        {
            if (lookup(ns + "." + name) is { } found) return found;
        }

        return null;
    }

    /// <summary>The session's enum of that name; null for another name.</summary>
    internal Type? Enum(string name) => _enums.TryGetValue(name, out var defined) ? defined.Type : null;

    /// <summary>The session's class of that name; null for another name.</summary>
    internal ScriptClass? Class(string name) => _classes.IsEmpty ? null : _classes.GetValueOrDefault(name);

    /// <summary>The session's enum or class of that name as the expression code knows types; null for another name.</summary>
    internal ScriptExpressions.KnownType? Known(string name) =>
        _enums.TryGetValue(name, out var defined) ? defined.Known : Class(name)?.Known;

    /// <summary>
    /// Defines the class (again: a later definition of the name replaces the earlier, and objects made of the earlier
    /// go on with the later's members, a simplification); its base class must be one the session defined before.
    /// </summary>
    internal ScriptClass Define(Statements.ClassStatement definition)
    {
        ScriptClass? baseClass = null;
        if (definition.BaseName is { } baseName && (baseClass = Class(baseName)) is null)
        {
            throw new ScriptExpressionException(ScriptExpressions.IsDotNetTypeName(baseName)
                ? ScriptedError.ScenarioFault($"the class {definition.Name} derives from {baseName}: deriving from a .NET type is not emulated: give the script a rule (match: its whole text)")
                : new ScriptedError($"Unable to find type [{baseName}].", "TypeNotFound", Protocol.Psrp.ErrorCategory.InvalidOperation, ScriptedError.RuntimeExceptionType, baseName));
        }

        if (!_classes.ContainsKey(definition.Name) && _enums.Count + _classes.Count >= MaxTypes)
        {
            throw new ScenarioRuntimeException($"a session defines at most {MaxTypes} types in the emulator");
        }

        var defined = new ScriptClass(definition, baseClass);
        _enums.TryRemove(definition.Name, out _);
        _classes[definition.Name] = defined;
        return defined;
    }

    /// <summary>
    /// Defines the enum (again: a later definition of the name replaces the earlier, as a script run again defines its
    /// types anew; the same definition keeps its type, so values made earlier still are of it).
    /// </summary>
    internal Type Define(EnumDefinition definition)
    {
        if (_enums.TryGetValue(definition.Name, out var existing) && existing.Definition == definition) return existing.Type;
        if (!_enums.ContainsKey(definition.Name) && _enums.Count + _classes.Count >= MaxTypes)
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
        _classes.TryRemove(definition.Name, out _);
        _enums[definition.Name] = new Defined(definition, type, new ScriptExpressions.KnownType(definition.Name));
        return type;
    }
}

/// <summary>
/// A class a session's script defined: its definition, its base class (one the session defined too), and its static
/// properties' values. Its objects are PsObjects of its type names with its properties as .NET properties, as
/// PowerShell's serializer writes a class's object; its methods and constructors run their script bodies.
/// </summary>
internal sealed class ScriptClass(Statements.ClassStatement definition, ScriptClass? baseClass)
{
    public Statements.ClassStatement Definition => definition;

    public string Name => definition.Name;

    public ScriptClass? Base => baseClass;

    public ScriptExpressions.KnownType Known { get; } = new(definition.Name);

    /// <summary>The static properties' values, set when the class is defined and by assignments.</summary>
    public ConcurrentDictionary<string, Protocol.Clixml.PsValue> Statics { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The type names of its objects: the class, its bases, System.Object.</summary>
    public IReadOnlyList<string> TypeNames
    {
        get
        {
            var names = new List<string>();
            for (var c = this; c is not null; c = c.Base) names.Add(c.Name);
            names.Add("System.Object");
            return names;
        }
    }

    /// <summary>The classes from this one to its root base, most derived first.</summary>
    public IEnumerable<ScriptClass> Chain
    {
        get
        {
            for (var c = this; c is not null; c = c.Base) yield return c;
        }
    }

    /// <summary>The property of that name (a derived class's before its base's); null when none has it.</summary>
    public Statements.ClassProperty? Property(string name, bool isStatic) =>
        Chain.SelectMany(c => c.Definition.Properties).FirstOrDefault(p => p.IsStatic == isStatic && p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The class declaring a static property of that name, most derived first; null when none does.</summary>
    public ScriptClass? StaticOwner(string name) =>
        Chain.FirstOrDefault(c => c.Definition.Properties.Any(p => p.IsStatic && p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)));

    /// <summary>The methods of that name (a derived class's hiding its base's of the same argument count).</summary>
    public IReadOnlyList<Statements.ClassMethod> Methods(string name, bool isStatic) =>
        [.. Chain.SelectMany(c => c.Definition.Methods).Where(m => m.IsStatic == isStatic && m.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            .DistinctBy(m => m.Parameters.Count)];
}
