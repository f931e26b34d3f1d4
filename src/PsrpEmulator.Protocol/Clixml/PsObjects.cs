namespace PsrpEmulator.Protocol.Clixml;

/// <summary>Builders for the object shapes PowerShell puts on the wire.</summary>
public static class PsObjects
{
    public const string PSCustomObjectTypeName = "System.Management.Automation.PSCustomObject";
    public const string HashtableTypeName = "System.Collections.Hashtable";

    /// <summary>An enum as PowerShell serializes it: TN as given (most derived first), ToString = name, I32 base value.</summary>
    public static PsObject Enum(IEnumerable<string> typeNames, string name, int value) => new(typeNames)
    {
        ToStringValue = name,
        BaseValue = PsPrimitive.Int32(value),
    };

    /// <summary>An enum of <paramref name="enumTypeName"/>: TN {type, System.Enum, System.ValueType, System.Object}.</summary>
    public static PsObject Enum(string enumTypeName, string name, int value)
        => Enum([enumTypeName, "System.Enum", "System.ValueType", "System.Object"], name, value);

    /// <summary>A PSCustomObject: TN {PSCustomObject, System.Object}, no ToString; add properties with <see cref="PsObject.With(string, PsValue)"/> (MS).</summary>
    public static PsObject CustomObject() => new([PSCustomObjectTypeName, "System.Object"]);

    /// <summary>A property bag with no type names (<c>&lt;Obj RefId&gt;&lt;MS&gt;…&lt;/MS&gt;&lt;/Obj&gt;</c>), the shape of PSRP message bodies.</summary>
    public static PsObject Bag() => new();

    /// <summary>A list (<c>LST</c>) with the given type names (for example <c>System.Object[]</c>, <c>System.Array</c>, <c>System.Object</c>).</summary>
    public static PsObject List(IEnumerable<PsValue> items, IEnumerable<string>? typeNames = null)
    {
        var o = new PsObject(typeNames) { CollectionKind = PsCollectionKind.List };
        o.Items.AddRange(items);
        return o;
    }

    /// <summary>A dictionary (<c>DCT</c>); type names default to {System.Collections.Hashtable, System.Object}.</summary>
    public static PsObject Dictionary(IEnumerable<KeyValuePair<PsValue, PsValue>> entries, IEnumerable<string>? typeNames = null)
    {
        var o = new PsObject(typeNames ?? [HashtableTypeName, "System.Object"]) { CollectionKind = PsCollectionKind.Dictionary };
        o.Entries.AddRange(entries);
        return o;
    }
}

/// <summary>Typed accessors for <see cref="PsValue"/>; each returns null when the value is not of that kind.</summary>
public static class PsValueExtensions
{
    public static bool IsNil(this PsValue? value) => value is null or PsNil;

    /// <summary>The primitive itself, or an object's <see cref="PsObject.BaseValue"/> (enums, wrapped primitives).</summary>
    public static PsPrimitive? AsPrimitive(this PsValue? value) => value switch
    {
        PsPrimitive p => p,
        PsObject { BaseValue: { } b } => b,
        _ => null,
    };

    /// <summary>The text of any string-valued primitive (S, URI, Version, SemanticVersion, XD, SBK, SS).</summary>
    public static string? AsString(this PsValue? value) => value.AsPrimitive()?.Value as string;

    public static bool? AsBoolean(this PsValue? value) => value.AsPrimitive()?.Value is bool b ? b : null;

    /// <summary>An I32 value, or an enum's underlying I32.</summary>
    public static int? AsInt32(this PsValue? value) => value.AsPrimitive()?.Value is int i ? i : null;

    /// <summary>Any integral primitive that fits in a long (By, SB, U16, I16, U32, I32, U64 ≤ long.MaxValue, I64).</summary>
    public static long? AsInt64(this PsValue? value) => value.AsPrimitive()?.Value switch
    {
        byte v => v,
        sbyte v => v,
        ushort v => v,
        short v => v,
        uint v => v,
        int v => v,
        ulong v when v <= long.MaxValue => (long)v,
        long v => v,
        _ => null,
    };

    public static double? AsDouble(this PsValue? value) => value.AsPrimitive()?.Value switch
    {
        double d => d,
        float f => f,
        _ => null,
    };

    public static Guid? AsGuid(this PsValue? value) => value.AsPrimitive()?.Value is Guid g ? g : null;

    public static DateTimeOffset? AsDateTime(this PsValue? value) => value.AsPrimitive()?.Value is DateTimeOffset d ? d : null;

    public static TimeSpan? AsTimeSpan(this PsValue? value) => value.AsPrimitive()?.Value is TimeSpan t ? t : null;

    public static byte[]? AsByteArray(this PsValue? value) => value.AsPrimitive()?.Value as byte[];

    public static PsObject? AsObject(this PsValue? value) => value as PsObject;
}
