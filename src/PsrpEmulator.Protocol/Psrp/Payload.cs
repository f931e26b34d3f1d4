using System.Globalization;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Protocol.Psrp;

/// <summary>Reading helpers for typed payloads: each failure is a <see cref="PsrpPayloadException"/>.</summary>
internal readonly struct Payload
{
    private readonly PsObject _obj;

    private Payload(PsObject obj, PsrpMessageType type)
    {
        _obj = obj;
        Type = type;
    }

    public PsrpMessageType Type { get; }

    public PsObject Object => _obj;

    public static Payload Of(PsValue? value, PsrpMessageType type) => value is PsObject o
        ? new Payload(o, type)
        : throw new PsrpPayloadException(type, $"{Name(type)}: expected an object, got {Describe(value)}.");

    public static string Name(PsrpMessageType type) => Enum.IsDefined(type) ? type.ToString() : $"0x{(uint)type:x8}";

    public static string Describe(PsValue? value) => value switch
    {
        null => "nothing",
        PsNil => "Nil",
        PsPrimitive p => $"a {p.Type} primitive",
        PsObject o => o.TypeNames is { Count: > 0 } tn ? $"an object of type {tn[0]}" : "an object",
        _ => value.GetType().Name,
    };

    public PsValue? Get(string name) => _obj[name];

    public PsrpPayloadException Missing(string name) => new(Type, $"{Name(Type)}: required property '{name}' is missing.");

    public PsrpPayloadException Wrong(string name, string expected, PsValue? got)
        => new(Type, $"{Name(Type)}: property '{name}' should be {expected}, got {Describe(got)}.");

    public PsValue Require(string name) => Get(name) ?? throw Missing(name);

    public int RequireInt32(string name) => OptionalInt32(name) ?? throw Missing(name);

    public int? OptionalInt32(string name)
    {
        var v = Get(name);
        if (v is null or PsNil) return null;
        if (v is PsPrimitive p && TryInteger(p, out var l) && l is >= int.MinValue and <= int.MaxValue) return (int)l;
        throw Wrong(name, "an Int32", v);
    }

    public long RequireInt64(string name) => OptionalInt64(name) ?? throw Missing(name);

    public long? OptionalInt64(string name)
    {
        var v = Get(name);
        if (v is null or PsNil) return null;
        if (v is PsPrimitive p && TryInteger(p, out var l)) return l;
        throw Wrong(name, "an Int64", v);
    }

    public uint? OptionalUInt32(string name)
    {
        var v = Get(name);
        if (v is null or PsNil) return null;
        if (v is PsPrimitive p && TryInteger(p, out var l) && l is >= 0 and <= uint.MaxValue) return (uint)l;
        throw Wrong(name, "a UInt32", v);
    }

    public bool RequireBool(string name) => OptionalBool(name) ?? throw Missing(name);

    public bool? OptionalBool(string name)
    {
        var v = Get(name);
        if (v is null or PsNil) return null;
        if (v is PsPrimitive { Value: bool b }) return b;
        throw Wrong(name, "a Boolean", v);
    }

    public string RequireString(string name) => OptionalString(name) ?? throw Missing(name);

    /// <summary>A string (S); Nil and absence are null.</summary>
    public string? OptionalString(string name)
    {
        var v = Get(name);
        if (v is null or PsNil) return null;
        if (v is PsPrimitive { Type: PsPrimitiveType.String, Value: string s }) return s;
        throw Wrong(name, "a String", v);
    }

    /// <summary>A Version (or a string holding one).</summary>
    public string RequireVersion(string name)
    {
        var v = Get(name) ?? throw Missing(name);
        if (v is PsPrimitive { Type: PsPrimitiveType.Version or PsPrimitiveType.String, Value: string s }) return s;
        throw Wrong(name, "a Version", v);
    }

    /// <summary>An object (Nil and absence are null).</summary>
    public PsObject? OptionalObject(string name)
    {
        var v = Get(name);
        if (v is null or PsNil) return null;
        if (v is PsObject o) return o;
        throw Wrong(name, "an object", v);
    }

    public PsObject RequireObject(string name) => OptionalObject(name) ?? throw Missing(name);

    /// <summary>An enum: an object with an integer base value, or a bare integer.</summary>
    public int? OptionalEnum(string name)
    {
        var v = Get(name);
        if (v is null or PsNil) return null;
        if (PsrpObjects.TryGetEnumValue(v, out var value)) return value;
        throw Wrong(name, "an enum value", v);
    }

    public static bool TryInteger(PsPrimitive p, out long value)
    {
        switch (p.Value)
        {
            case int i: value = i; return true;
            case long l: value = l; return true;
            case short s: value = s; return true;
            case byte b: value = b; return true;
            case sbyte sb: value = sb; return true;
            case ushort us: value = us; return true;
            case uint ui: value = ui; return true;
            case ulong ul when ul <= long.MaxValue: value = (long)ul; return true;
            default: value = 0; return false;
        }
    }
}

/// <summary>Builders for the small objects PSRP payloads are made of.</summary>
public static class PsrpObjects
{
    /// <summary>Type names of <c>List`1[[PSObject]]</c> as PowerShell 7.6 writes them (Cmds, Args).</summary>
    public static readonly IReadOnlyList<string> PSObjectListTypeNames =
    [
        "System.Collections.Generic.List`1[[System.Management.Automation.PSObject, System.Management.Automation, Version=7.6.0.500, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]",
        "System.Object",
    ];

    /// <summary>Type names of a PowerShell 7 <c>List`1[[String]]</c> (InformationRecord Tags).</summary>
    public static readonly IReadOnlyList<string> StringListTypeNames =
    [
        "System.Collections.Generic.List`1[[System.String, System.Private.CoreLib, Version=10.0.0.0, Culture=neutral, PublicKeyToken=7cec85d7bea7798e]]",
        "System.Object",
    ];

    /// <summary>Type names of a PSPrimitiveDictionary.</summary>
    public static readonly IReadOnlyList<string> PrimitiveDictionaryTypeNames =
    [
        "System.Management.Automation.PSPrimitiveDictionary",
        "System.Collections.Hashtable",
        "System.Object",
    ];

    /// <summary>
    /// An enum value as PowerShell serializes one: TN {type, System.Enum, System.ValueType, System.Object},
    /// ToString = the name, an I32 base value.
    /// </summary>
    public static PsObject Enum(string typeName, string name, int value) => new([typeName, "System.Enum", "System.ValueType", "System.Object"])
    {
        ToStringValue = name,
        BaseValue = PsPrimitive.Int32(value),
    };

    /// <summary>Reads an enum: an object with an integer base value, or a bare integer primitive.</summary>
    public static bool TryGetEnumValue(PsValue? value, out int result)
    {
        var primitive = value switch
        {
            PsObject { BaseValue: { } b } => b,
            PsPrimitive p => p,
            _ => null,
        };
        if (primitive is not null && Payload.TryInteger(primitive, out var l) && l is >= int.MinValue and <= uint.MaxValue)
        {
            result = unchecked((int)l);
            return true;
        }

        result = 0;
        return false;
    }

    /// <summary>The HostInfo PowerShell sends when there is no host (all four flags true).</summary>
    public static PsObject DefaultHostInfo() => new PsObject()
        .With("_isHostNull", true)
        .With("_isHostUINull", true)
        .With("_isHostRawUINull", true)
        .With("_useRunspaceHost", true);

    /// <summary>A list object (<c>LST</c>) with the given type names.</summary>
    public static PsObject List(IReadOnlyList<string> typeNames, IEnumerable<PsValue> items)
    {
        var list = new PsObject(typeNames) { CollectionKind = PsCollectionKind.List };
        list.Items.AddRange(items);
        return list;
    }

    /// <summary>A PSPrimitiveDictionary (<c>DCT</c>) with string keys, in the given order.</summary>
    public static PsObject PrimitiveDictionary(IEnumerable<KeyValuePair<string, PsValue>> entries)
    {
        var dict = new PsObject(PrimitiveDictionaryTypeNames) { CollectionKind = PsCollectionKind.Dictionary };
        foreach (var (key, value) in entries) dict.Entries.Add(new(PsPrimitive.String(key), value));
        return dict;
    }

    /// <summary>Looks a dictionary entry up by string key (ordinal-ignore-case, as a Hashtable from PowerShell does).</summary>
    public static PsValue? GetEntry(PsObject dictionary, string key)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        foreach (var (k, v) in dictionary.Entries)
        {
            if (k is PsPrimitive { Value: string s } && string.Equals(s, key, StringComparison.OrdinalIgnoreCase)) return v;
        }

        return null;
    }

    internal static string EnumName(int value, params string[] names)
        => value >= 0 && value < names.Length ? names[value] : value.ToString(CultureInfo.InvariantCulture);
}
