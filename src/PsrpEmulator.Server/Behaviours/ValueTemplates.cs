using System.Globalization;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>The CLIXML type a scalar becomes.</summary>
internal enum ScalarKind
{
    String,
    Integer, // I32 when it fits, else I64
    Double,
    Boolean,
    Null,
    Primitive, // any other CLIXML primitive, named by a tag (ScalarTags)
}

/// <summary>A value written by <c>output:</c> or <c>information:</c>, built afresh for every write.</summary>
internal abstract class ValueTemplate
{
    public abstract PsValue Build(RunScope scope);

    /// <summary>What a top-level <c>output:</c> writes: a list is enumerated, like PowerShell's pipeline.</summary>
    public virtual IEnumerable<PsValue> BuildForPipeline(RunScope scope)
    {
        yield return Build(scope);
    }

    /// <summary>
    /// False when <see cref="BuildForPipeline"/> is exactly <see cref="Build"/>'s one value (scalars and mappings say
    /// so, and an output step then writes it without an enumerator); true, the safe default, otherwise.
    /// </summary>
    public virtual bool EnumeratesInPipeline => true;

    public static PsValue Convert(string text, ScalarKind kind, string location, PsPrimitiveType primitive = PsPrimitiveType.String) => kind switch
    {
        ScalarKind.Primitive => ScalarTags.Convert(text, primitive, location),
        ScalarKind.String => PsPrimitive.String(text),
        ScalarKind.Null => PsNil.Instance,
        ScalarKind.Integer => Integer(TextTemplate.ParseInteger(text, "value", location)),
        ScalarKind.Double => PsPrimitive.Double(TextTemplate.ParseDouble(text, "value", location)),
        ScalarKind.Boolean => PsPrimitive.Boolean(ParseBoolean(text) ?? throw new ScenarioRuntimeException($"{location}: value '{text}' is not true or false")),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static PsPrimitive Integer(long value) =>
        value is >= int.MinValue and <= int.MaxValue ? PsPrimitive.Int32((int)value) : PsPrimitive.Int64(value);

    public static bool? ParseBoolean(string text) => text.Trim().ToLowerInvariant() switch
    {
        "true" or "$true" => true,
        "false" or "$false" => false,
        _ => null,
    };
}

internal sealed class ScalarValueTemplate(TextTemplate text, ScalarKind kind, PsPrimitiveType primitive = PsPrimitiveType.String) : ValueTemplate
{
    /// <summary>A string made from placeholders each time (not a constant): the text template that makes it; else null.</summary>
    public TextTemplate? StringTemplate { get; } = kind == ScalarKind.String && text.Constant is null ? text : null;

    private readonly PsValue? constant = text.Constant is { } c && kind != ScalarKind.Null ? Convert(c, kind, text.Location, primitive) : null;

    public override PsValue Build(RunScope scope) =>
        kind == ScalarKind.Null ? PsNil.Instance : constant ?? Convert(text.Evaluate(scope), kind, text.Location, primitive);

    public override bool EnumeratesInPipeline => false;
}

/// <summary>A mapping: a PSCustomObject (properties in MS), or, with <c>$type</c>, an object of those type names (properties in Props).</summary>
/// <param name="baseValue">
/// <c>$value</c>: the primitive the object wraps (an enum's number: <c>{ $type: [...Status, System.Enum, ...],
/// $tostring: Running, $value: 4 }</c>), serialized inside its Obj as PowerShell serializes an enum.
/// </param>
internal sealed class MappingValueTemplate(IReadOnlyList<KeyValuePair<string, ValueTemplate>> properties, IReadOnlyList<string>? typeNames, TextTemplate? toStringText,
    ValueTemplate? baseValue = null) : ValueTemplate
{
    public static readonly string[] PsCustomObjectTypeNames = ["System.Management.Automation.PSCustomObject", "System.Object"];

    public override bool EnumeratesInPipeline => false;

    public override PsValue Build(RunScope scope)
    {
        var obj = new PsObject(typeNames ?? PsCustomObjectTypeNames)
        {
            ToStringValue = toStringText?.Evaluate(scope) ?? (typeNames is { Count: > 0 } ? typeNames[0] : null),
            BaseValue = baseValue?.Build(scope) as PsPrimitive,
        };
        var target = typeNames is null ? obj.ExtendedProperties : obj.AdaptedProperties;
        foreach (var (name, value) in properties)
        {
            target.Add(new PsProperty(name, value.Build(scope)));
        }

        // A CimInstance (a scenario's Get-NetAdapter object) has its own CimClass, CimInstanceProperties and CimSystemProperties.
        return typeNames is [var first, ..] && first.StartsWith(CimClassMetadata.CimPrefix, StringComparison.Ordinal)
            ? (PsObject)CimInstanceMembers.WithNested(obj, (scope.Variables.EnvironmentVariable("COMPUTERNAME") ?? string.Empty).ToUpperInvariant())
            : obj;
    }
}

/// <summary>A sequence: an object[] (LST) when nested, one pipeline object per item when written by <c>output:</c>.</summary>
internal sealed class ListValueTemplate(IReadOnlyList<ValueTemplate> items) : ValueTemplate
{
    public static readonly string[] ArrayTypeNames = ["System.Object[]", "System.Array", "System.Object"];

    public override PsValue Build(RunScope scope)
    {
        var obj = new PsObject(ArrayTypeNames) { CollectionKind = PsCollectionKind.List };
        foreach (var item in items) obj.Items.Add(item.Build(scope));
        return obj;
    }

    public override IEnumerable<PsValue> BuildForPipeline(RunScope scope) => items.Select(i => i.Build(scope));
}

/// <summary>Classifies plain YAML scalars by their form (YAML 1.2 core schema, as PowerShell literals would type them).</summary>
internal static class ScalarForms
{
    public static PsValue? TryLiteral(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return PsNil.Instance;
            case "true" or "True" or "TRUE":
                return PsPrimitive.Boolean(true);
            case "false" or "False" or "FALSE":
                return PsPrimitive.Boolean(false);
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF":
                return PsPrimitive.Double(double.PositiveInfinity);
            case "-.inf" or "-.Inf" or "-.INF":
                return PsPrimitive.Double(double.NegativeInfinity);
            case ".nan" or ".NaN" or ".NAN":
                return PsPrimitive.Double(double.NaN);
        }

        if (IsInteger(text))
        {
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
                ? ValueTemplate.Integer(l)
                : PsPrimitive.Double(double.Parse(text, CultureInfo.InvariantCulture));
        }

        if (text.StartsWith("0x", StringComparison.Ordinal) && text.Length > 2 &&
            long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return ValueTemplate.Integer(hex);
        }

        if (IsFloat(text)) return PsPrimitive.Double(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
        return null;
    }

    private static bool IsInteger(string text)
    {
        var s = text.AsSpan();
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+')) s = s[1..];
        return s.Length > 0 && !s.ContainsAnyExceptInRange('0', '9');
    }

    private static bool IsFloat(string text)
    {
        // [-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
        var s = text.AsSpan();
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+')) s = s[1..];
        var digits = 0;
        while (s.Length > 0 && char.IsAsciiDigit(s[0])) { s = s[1..]; digits++; }
        if (s.Length > 0 && s[0] == '.')
        {
            s = s[1..];
            while (s.Length > 0 && char.IsAsciiDigit(s[0])) { s = s[1..]; digits++; }
        }

        if (digits == 0) return false;
        if (s.Length > 0 && (s[0] == 'e' || s[0] == 'E'))
        {
            s = s[1..];
            if (s.Length > 0 && (s[0] == '-' || s[0] == '+')) s = s[1..];
            if (s.Length == 0 || s.ContainsAnyExceptInRange('0', '9')) return false;
            s = [];
        }

        return s.Length == 0;
    }
}

/// <summary>A primitive known when the scenario is loaded.</summary>
internal sealed class ConstantValueTemplate(PsValue value) : ValueTemplate
{
    public PsValue Value => value;

    public override PsValue Build(RunScope scope) => value;
}

/// <summary>
/// <c>{ $variable: name }</c>: a PowerShell variable's value ($null when unset), or a property path of it
/// (<c>j.State</c>; over an array, each item's, as PowerShell's member enumeration). A job object written
/// earlier shows the job as it is now. Written to the pipeline, an array is enumerated.
/// </summary>
internal sealed class VariableValueTemplate(TextTemplate name) : ValueTemplate
{
    public override PsValue Build(RunScope scope)
    {
        var variable = VariableName(name.Evaluate(scope));
        // $using:list.Count: Invoke-Command sent the whole expression's value.
        if (variable.Contains('.', StringComparison.Ordinal) && scope.Variables.UsingExpression(variable) is { } sent) return sent;
        var path = variable.Split('.', StringSplitOptions.TrimEntries);
        if (scope.Variables.ProviderVariableError(path[0]) is { } providerError) throw new ScriptExpressionException(providerError);
        var found = scope.Variables.Get(path[0]);
        // Under Set-StrictMode, reading a variable never set ($x, $x.Name) is an error, not $null.
        if (found is null && scope.Variables.Runspace.StrictModeVersion > 0 && scope.Variables.StrictModeUnset(path[0]))
        {
            throw new ScriptExpressionException(PipelineVariables.VariableIsUndefined(path[0]));
        }

        var value = found is not null ? Refresh(found, scope.Variables.Runspace) : PsNil.Instance;
        foreach (var property in path.Skip(1)) value = StrictMembers.Checked(value, property, Member(value, property), scope.Variables.Runspace.StrictModeVersion);
        return value;
    }

    public override IEnumerable<PsValue> BuildForPipeline(RunScope scope)
    {
        var value = Build(scope);
        return value is PsObject { CollectionKind: PsCollectionKind.List or PsCollectionKind.Enumerable or PsCollectionKind.Queue or PsCollectionKind.Stack } list ? list.Items : [value];
    }

    /// <summary>
    /// "$x", "x" and "$global:x" name the variable x; "$using:x" is "using:x", which reads the value Invoke-Command sent
    /// for it, else x (<see cref="PipelineVariables.Get"/>).
    /// </summary>
    public static string VariableName(string text)
    {
        var name = text.Trim().TrimStart('$');
        // ${name}: the braced form of the same name.
        if (name is ['{', .., '}']) name = name[1..^1];
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        if (colon == 5 && name.StartsWith("using", StringComparison.OrdinalIgnoreCase)) return ScriptParameters.UsingLocal(name[(colon + 1)..]);
        // $function:name and $alias:name read those drives' items (kept under these names); $variable:x is $x.
        if (colon > 0 && IsItemDrive(name.AsSpan(0, colon))) return name[..colon].ToLowerInvariant() + name[colon..];
        return colon > 0 ? name[(colon + 1)..] : name;
    }

    private static bool IsItemDrive(ReadOnlySpan<char> drive) =>
        drive.Equals("function", StringComparison.OrdinalIgnoreCase) || drive.Equals("alias", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Member enumeration (EnumerableOps.PropertyGetter): each item's value, a collection's elements one by one
    /// ((Get-Process).Modules is one flat list), a $null property's value kept and an item without the property
    /// skipped; one value alone is that value, none at all $null, as PowerShell returns them.
    /// </summary>
    private static PsValue MemberEnumeration(PsObject list, string property)
    {
        var values = new List<PsValue>();
        foreach (var item in list.Items)
        {
            var value = Member(item, property);
            if (value is PsObject { CollectionKind: PsCollectionKind.List or PsCollectionKind.Enumerable } inner) values.AddRange(inner.Items);
            else if (value is not PsNil || HasProperty(item, property)) values.Add(value);
        }

        return values.Count switch
        {
            0 => PsNil.Instance,
            1 => values[0],
            _ => PsObjects.List(values, ListValueTemplate.ArrayTypeNames),
        };
    }

    // Whether an item surely has a property (a note, an adapted property, a dictionary's key), so a $null read is its value.
    private static bool HasProperty(PsValue item, string property) => item is PsObject o &&
        (o[property] is not null ||
         (o.CollectionKind == PsCollectionKind.Dictionary && TableKeys.Find(o, PsPrimitive.String(property)) >= 0));

    /// <summary>A member of a value as PowerShell reads it (properties, hashtable keys, a Version's parts, Count).</summary>
    internal static PsValue Member(PsValue value, string property) => value switch
    {
        // An [xml] node: its attributes and child elements, then XmlNode's own properties, read from the live node.
        PsObject when XmlNodes.TryGet(value, out var node) => XmlNodes.Member(node, property),
        // An AliasProperty Add-Member added: the member it names.
        PsObject aliased when ScriptMembers.Find(aliased, property, ScriptMembers.Kind.Alias) is { } alias => Member(aliased, alias.Body),
        PsObject stopwatch when RunContext.StopwatchProperty(stopwatch, property) is { } now => now,
        // A [ref]'s Value: its variable's value now.
        PsObject reference when VariableReferences.Read(reference, property) is { } referenced => referenced,
        // A file's VersionInfo: 5.1's script property ([Diagnostics.FileVersionInfo]::GetVersionInfo of its path), read
        // when asked for rather than carried by every item, by member access, ForEach-Object and Select-Object alike.
        PsObject { TypeNames: [RunContext.FileInfoTypeName, ..] } file when file[property] is null && property.Equals("VersionInfo", StringComparison.OrdinalIgnoreCase) &&
            file["FullName"] is { } versioned => RunContext.FileVersionInfoOfFile(PipelineVariables.Display(versioned)),
        PsObject scheduled when RunContext.TaskSchedulerProperty(scheduled, property) is { } current => current,
        PsObject started when RunContext.TaskProcessProperty(started, property) is { } exited => exited,
        // The intrinsic psbase: the object without its adapter's extras, the emulated object itself ($group.psbase.Invoke('Members'),
        // $hashtable.psbase.Count).
        PsObject based when based[property] is null && property.Equals("psbase", StringComparison.OrdinalIgnoreCase) => based,
        // The intrinsic pstypenames: the object's type names, the most derived first.
        PsObject { TypeNames: { Count: > 0 } names } typed when typed[property] is null && property.Equals("pstypenames", StringComparison.OrdinalIgnoreCase) =>
            TypeNamesOf(typed, names),
        // Count and Length of a collection are its size; every other value is one (PowerShell's intrinsic Count).
        // An array's own properties (System.Array's): fixed in size, writable, one rank; an ArrayList grows.
        // An array's SyncRoot is the array itself (Array.SyncRoot returns this); an ArrayList's a plain object.
        PsObject { CollectionKind: PsCollectionKind.List, TypeNames: { } arrayNames } array when array[property] is null && property.ToUpperInvariant() is "ISFIXEDSIZE" or "ISREADONLY" or "ISSYNCHRONIZED" or "RANK" or "LONGLENGTH" or "SYNCROOT" =>
            property.ToUpperInvariant() switch
            {
                "SYNCROOT" when arrayNames.Contains("System.Array") => array,
                "SYNCROOT" => new PsObject(["System.Object"]) { ToStringValue = "System.Object" },
                "ISFIXEDSIZE" => PsPrimitive.Boolean(arrayNames.Contains("System.Array")),
                "RANK" when arrayNames.Contains("System.Array") => PsPrimitive.Int32(1),
                "LONGLENGTH" when arrayNames.Contains("System.Array") => PsPrimitive.Int64(array.Items.Count),
                "RANK" or "LONGLENGTH" => PsNil.Instance,
                "ISSYNCHRONIZED" => PsPrimitive.Boolean(ScriptExpressions.IsSynchronizedWrapper(array)),
                _ => PsPrimitive.Boolean(false),
            },
        // A SortedSet's Min and Max: its first and last item (the element type's default when it is empty: 0 of a number).
        PsObject { CollectionKind: PsCollectionKind.List, TypeNames: [var sortedSet, ..] } set when set[property] is null && property.ToUpperInvariant() is "MIN" or "MAX" &&
            sortedSet.StartsWith(ScriptExpressions.SortedSetTypeName + "[[", StringComparison.Ordinal) =>
            set.Items.Count == 0 ? ScriptExpressions.ElementDefault(set) : property.Equals("Min", StringComparison.OrdinalIgnoreCase) ? set.Items[0] : set.Items[^1],
        // Length is an array's own: an ArrayList (a deserialized array too) or a List has Count only, so its Length
        // enumerates the items' (("x", "yz") as an ArrayList gives 1 and 2).
        // A queue's or stack's IsSynchronized: whether it is a Synchronized method's wrapper; a concurrent one's IsEmpty.
        // A BeginInvoke handle's IsCompleted, as the invocation is now.
        PsObject handle when property.Equals("IsCompleted", StringComparison.OrdinalIgnoreCase) && RunContext.BegunIsCompleted(handle) is { } completed => PsPrimitive.Boolean(completed),
        PsObject { CollectionKind: PsCollectionKind.Queue or PsCollectionKind.Stack } queue when queue[property] is null && property.Equals("IsSynchronized", StringComparison.OrdinalIgnoreCase) =>
            PsPrimitive.Boolean(ScriptExpressions.IsSynchronizedWrapper(queue)),
        PsObject { CollectionKind: PsCollectionKind.Queue or PsCollectionKind.Stack } concurrent when concurrent[property] is null && property.Equals("IsEmpty", StringComparison.OrdinalIgnoreCase) &&
            ScriptExpressions.IsConcurrentQueueOrStack(concurrent) => PsPrimitive.Boolean(concurrent.Items.Count == 0),
        PsObject { CollectionKind: PsCollectionKind.List or PsCollectionKind.Enumerable or PsCollectionKind.Queue or PsCollectionKind.Stack } sized when sized[property] is null &&
            (property.Equals("Count", StringComparison.OrdinalIgnoreCase) ||
             (property.Equals("Length", StringComparison.OrdinalIgnoreCase) && !ScriptExpressions.IsListNoArray(sized))) => Integer(sized.Items.Count),
        PsObject { CollectionKind: PsCollectionKind.Dictionary } entries when entries[property] is null && property.Equals("Count", StringComparison.OrdinalIgnoreCase) &&
            TableKeys.Find(entries, PsPrimitive.String(property)) < 0 => Integer(entries.Entries.Count),
        // about_Properties: Count and Length of zero objects are 0, of one object 1.
        PsNil when property.Equals("Count", StringComparison.OrdinalIgnoreCase) || property.Equals("Length", StringComparison.OrdinalIgnoreCase) => Integer(0),
        PsPrimitive when property.Equals("Count", StringComparison.OrdinalIgnoreCase) => Integer(1),
        PsPrimitive secure when RunContext.SecureStringLength(secure, property) is { } secureLength => secureLength,
        PsObject { CollectionKind: PsCollectionKind.List } list when list[property] is null => MemberEnumeration(list, property),
        // A hashtable's key reads as a property ($PSVersionTable.PSVersion), as in PowerShell; without such a key, Keys
        // and Values are its keys and values.
        PsObject { CollectionKind: PsCollectionKind.Dictionary } table when table[property] is null =>
            (TableKeys.Find(table, PsPrimitive.String(property)) is var at and >= 0 ? table.Entries[at].Value : null) ??
            (property.Equals("Keys", StringComparison.OrdinalIgnoreCase) ? PsObjects.List(table.Entries.Select(e => e.Key), ["System.Collections.Hashtable+KeyCollection", "System.Object"])
             : property.Equals("Values", StringComparison.OrdinalIgnoreCase) ? PsObjects.List(table.Entries.Select(e => e.Value), ["System.Collections.Hashtable+ValueCollection", "System.Object"])
             : ValueProperties.IsHashtable(table) ? HashtableProperty(property, ScriptExpressions.IsSynchronizedWrapper(table))
             : property.Equals("IsEmpty", StringComparison.OrdinalIgnoreCase) && ScriptExpressions.IsConcurrentDictionary(table) ? PsPrimitive.Boolean(table.Entries.Count == 0)
             : PsNil.Instance),
        PsObject { CollectionKind: PsCollectionKind.None } plain when plain[property] is null && property.Equals("PSObject", StringComparison.OrdinalIgnoreCase) => PSObjectView(plain),
        PsObject record when record[property] is null && property.Equals("CategoryInfo", StringComparison.OrdinalIgnoreCase) && ScriptedError.IsErrorRecord(record) => CategoryInfo(record),
        // $_.ScriptStackTrace: the stack the record was placed with ("at <ScriptBlock>, <No file>: line 2"), else empty.
        PsObject record when record[property] is null && property.Equals("ScriptStackTrace", StringComparison.OrdinalIgnoreCase) && ScriptedError.IsErrorRecord(record) =>
            record["ErrorDetails_ScriptStackTrace"] is PsPrimitive { Value: string } trace ? trace : PsPrimitive.String(string.Empty),
        // $_.ErrorDetails: the details the record carries (ErrorDetails_Message on the wire), or $null without them.
        PsObject record when record[property] is null && property.Equals("ErrorDetails", StringComparison.OrdinalIgnoreCase) && ScriptedError.IsErrorRecord(record) => ErrorDetails(record),
        // $Host.UI.RawUI's properties (WindowTitle, BufferSize...) are the values the client's host sent ahead (the
        // pipeline's $Host carries them, and a set one its new value). One it did not send (KeyAvailable never comes):
        // ServerRemoteHostRawUserInterface throws RemoteHostMethodNotImplemented from the getter, which PowerShell
        // reports as the read's error. Another name is no property: $null, as PowerShell reads a missing one.
        PsObject { TypeNames: [RunContext.HostRawUserInterfaceTypeName, ..] } rawUI when rawUI[property] is null =>
            RawUIPropertyName(property) is { } known
                ? throw new ScriptExpressionException(new ScriptedError(
                    $"Exception getting \"{known}\": \"Remote host method get_{known} is not implemented.\"", "ExceptionWhenGetting",
                    ErrorCategory.NotSpecified, "System.Management.Automation.GetValueInvocationException"))
                : PsNil.Instance,
        // Any other single object's intrinsic Count and Length are 1, as a scalar's ((Get-Item x).Count).
        PsObject { CollectionKind: PsCollectionKind.None, BaseValue: null } single when single[property] is null &&
            (property.Equals("Count", StringComparison.OrdinalIgnoreCase) || property.Equals("Length", StringComparison.OrdinalIgnoreCase)) => Integer(1),
        // An enum's value__ field: its number ((Get-Service WinRM).Status.value__ is 4).
        PsObject { BaseValue: { } number } enumValue when property.Equals("value__", StringComparison.OrdinalIgnoreCase) && ValueProperties.IsEnum(enumValue) => number,
        // A primitive in a wrapper (a string with notes): its notes, then the primitive's own members.
        PsObject { CollectionKind: PsCollectionKind.None, BaseValue: { } inner } wrapper when wrapper[property] is null => Member(inner, property),
        PsObject obj => obj[property] ?? PsNil.Instance,
        PsPrimitive primitive when property.Equals("PSObject", StringComparison.OrdinalIgnoreCase) && ValueProperties.Of(primitive) is { } names => PSObjectView(primitive, names),
        // A primitive's pstypenames: its type and the types it derives from ((5).pstypenames: System.Int32, System.ValueType, System.Object).
        PsPrimitive typedPrimitive when property.Equals("pstypenames", StringComparison.OrdinalIgnoreCase) => TypeNamesOf(typedPrimitive, PrimitiveTypeNames(typedPrimitive)),
        PsPrimitive { Type: PsPrimitiveType.String, Value: string s } when property.Equals("Length", StringComparison.OrdinalIgnoreCase) => Integer(s.Length),
        PsPrimitive { Value: byte[] bytes } when property.Equals("Length", StringComparison.OrdinalIgnoreCase) => Integer(bytes.Length),
        // Any other scalar's intrinsic Length is 1, as its Count ($true.Length, (5).Length).
        PsPrimitive when property.Equals("Length", StringComparison.OrdinalIgnoreCase) => Integer(1),
        PsPrimitive { Type: PsPrimitiveType.Version, Value: string v } when Version.TryParse(v, out var version) => VersionPart(version, property),
        PsPrimitive { Value: DateTimeOffset } date => DatePart(date, property),
        PsPrimitive { Value: TimeSpan span } => SpanPart(span, property),
        // PowerShell's Guid ETS property: the text.
        PsPrimitive { Value: Guid guid } when property.Equals("Guid", StringComparison.OrdinalIgnoreCase) => PsPrimitive.String(guid.ToString()),
        // A [switch] parameter is a Boolean here: its IsPresent is itself ($Force.IsPresent), as a SwitchParameter's.
        PsPrimitive { Value: bool } flag when property.Equals("IsPresent", StringComparison.OrdinalIgnoreCase) => flag,
        _ => PsNil.Instance,
    };

    // A Hashtable's other .NET properties: a hashtable a script makes is writable, growable and not synchronized (but
    // for [hashtable]::Synchronized's); its SyncRoot is a plain System.Object.
    private static PsValue HashtableProperty(string property, bool synchronized) => property.ToUpperInvariant() switch
    {
        "ISSYNCHRONIZED" => PsPrimitive.Boolean(synchronized),
        "ISREADONLY" or "ISFIXEDSIZE" => PsPrimitive.Boolean(false),
        "SYNCROOT" => new PsObject(["System.Object"]) { ToStringValue = "System.Object" },
        _ => PsNil.Instance,
    };

    // PSHostRawUserInterface's properties, as declared.
    private static readonly string[] RawUIProperties =
    [
        "ForegroundColor", "BackgroundColor", "CursorPosition", "WindowPosition", "CursorSize", "BufferSize", "WindowSize",
        "MaxWindowSize", "MaxPhysicalWindowSize", "KeyAvailable", "WindowTitle",
    ];

    private static string? RawUIPropertyName(string property) => Array.Find(RawUIProperties, p => p.Equals(property, StringComparison.OrdinalIgnoreCase));


    private static readonly string[] PSObjectTypeNames = ["System.Management.Automation.PSObject", "System.Object"];
    private static readonly string[] PropertyCollectionTypeNames = ["System.Management.Automation.PSMemberInfoIntegratingCollection`1[[System.Management.Automation.PSPropertyInfo, System.Management.Automation, Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]", "System.Object"];

    /// <summary>
    /// <c>$o.PSObject</c>: the object's PowerShell view, with what scripts read of it: Properties (each with Name, Value,
    /// MemberType, TypeNameOfValue, IsSettable, IsGettable; a PSCustomObject's are NoteProperties, another object's
    /// Properties), TypeNames and BaseObject. Changes through it (Properties.Add/Remove) are not emulated.
    /// </summary>
    private static PsObject PSObjectView(PsObject value)
    {
        var isCustom = value.TypeNames is [PsObjects.PSCustomObjectTypeName, ..];
        var hides = HiddenProperties.Any(value);
        IEnumerable<PsValue> properties = value.ExtendedProperties.Concat(value.AdaptedProperties)
            .DistinctBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
            .Where(p => !hides || !HiddenProperties.IsHidden(value, p.Name))
            .Select(p => OwnPropertyInfo(p, isCustom));
        if (ScriptMembers.HasProperties(value))
        {
            // Add-Member's script and alias properties where they stand: an alias with its member's value, a script
            // property whose Value runs its getter when a script reads it.
            var listed = properties.ToList();
            foreach (var member in ScriptMembers.Properties(value))
            {
                PsValue info;
                if (member.Kind == ScriptMembers.Kind.Alias)
                {
                    info = PropertyInfo(member.Name, Member(value, member.Body), AliasProperty, settable: true, ScriptMembers.Definition(member));
                }
                else
                {
                    info = PropertyInfo(member.Name, PsNil.Instance, ValueProperties.ScriptProperty, settable: member.Setter is not null, ScriptMembers.Definition(member));
                    ScriptMembers.AddPropertyInfo((PsObject)info, value, member);
                }

                listed.Insert(Math.Min(member.Position, listed.Count), info);
            }

            properties = listed;
        }

        // A primitive with notes (a Get-Content line): the primitive's own properties after its notes ("int Length {get;}").
        if (value is { BaseValue: { } wrapped } && !ValueProperties.IsEnum(value) && ValueProperties.Of(wrapped) is { } own)
        {
            properties = properties.Concat(own.Where(name => value[name] is null).Select(name => WrappedProperty(wrapped, name)));
        }

        // An enum's value__ field, a .NET property to PowerShell's adapter ("int value__ {get;set;}").
        if (ValueProperties.IsEnum(value))
        {
            properties = properties.Append(PropertyInfo("value__", value.BaseValue!, ValueProperties.DotNetProperty, settable: true, $"{ShortTypeName(ScriptExpressions.DotNetTypeName(value.BaseValue))} value__ {{get;set;}}"));
        }

        return PSObjectView(value, value.ToWindowsText(), properties, value.TypeNames ?? (value.BaseValue is { } inner ? PrimitiveTypeNames(inner) : []));
    }

    // A wrapped primitive's own property as its PSObject lists it: a .NET one, read-only.
    private static PsValue WrappedProperty(PsPrimitive wrapped, string name)
    {
        var member = Member(wrapped, name);
        return PropertyInfo(name, member, ValueProperties.MemberType(wrapped, name), settable: false, $"{ShortTypeName(ScriptExpressions.DotNetTypeName(member))} {name} {{get;}}");
    }

    /// <summary>
    /// <c>$value.PSObject</c> of a primitive: its properties (<see cref="ValueProperties"/>): .NET ones read-only
    /// ("int Day {get;}"), Get-Date's DisplayHint a note and DateTime types.ps1xml's script property.
    /// </summary>
    private static PsObject PSObjectView(PsPrimitive value, IReadOnlyList<string> names)
    {
        var properties = names.Select(name =>
        {
            var member = Member(value, name);
            var typeName = ScriptExpressions.DotNetTypeName(member);
            var kind = ValueProperties.MemberType(value, name);
            if (kind == ValueProperties.NoteProperty) return PropertyInfo(name, member, kind, settable: true, $"{typeName} {name}={PipelineVariables.Display(member)}");
            // PSScriptProperty's text: its getter script (types.ps1xml's; its whitespace there is UNVERIFIED).
            if (kind == ValueProperties.ScriptProperty) return PropertyInfo(name, member, kind, settable: false, $"System.Object {name} {{get={(name == "Guid" ? "$this.ToString()" : DateTimeGetter)};}}", instance: false);
            return PropertyInfo(name, member, kind, settable: false, $"{ShortTypeName(typeName)} {name} {{get;}}");
        });
        return PSObjectView(value, PipelineVariables.Display(value), properties, PrimitiveTypeNames(value));
    }

    // A primitive's type and the types it derives from, as its PSObject lists them.
    private static string[] PrimitiveTypeNames(PsPrimitive value) => value.Type switch
    {
        PsPrimitiveType.ByteArray => [ScriptExpressions.TypeName(value), "System.Array", "System.Object"],
        PsPrimitiveType.XmlDocument => [ScriptExpressions.TypeName(value), "System.Xml.XmlNode", "System.Object"],
        // Classes derive from Object alone; the rest are structs (ValueType).
        _ when value.Value is string || value.Type is PsPrimitiveType.Version or PsPrimitiveType.Uri or PsPrimitiveType.ScriptBlock or PsPrimitiveType.SecureString =>
            [ScriptExpressions.TypeName(value), "System.Object"],
        _ => [ScriptExpressions.TypeName(value), "System.ValueType", "System.Object"],
    };

    private const string DateTimeGetter = "if ((& { Set-StrictMode -Version 1; $this.DisplayHint }) -ieq  \"Date\") { \"{0}\" -f $this.ToLongDateString() } " +
        "elseif ((& { Set-StrictMode -Version 1; $this.DisplayHint }) -ieq \"Time\") { \"{0}\" -f  $this.ToLongTimeString() } " +
        "else { \"{0} {1}\" -f $this.ToLongDateString(), $this.ToLongTimeString() }";

    private static readonly (string Name, int Value, string InfoType) AliasProperty = ("AliasProperty", 1, "System.Management.Automation.PSAliasProperty");

    // A PSPropertyInfo as scripts read it: Name, Value, MemberType, TypeNameOfValue, IsSettable, IsGettable, IsInstance.
    private static PsValue PropertyInfo(string name, PsValue value, (string Name, int Value, string InfoType) kind, bool settable, string text, bool instance = true) =>
        new PsObject([kind.InfoType, "System.Management.Automation.PSPropertyInfo", "System.Management.Automation.PSMemberInfo", "System.Object"]) { ToStringValue = text }
            .With("Name", name)
            .With("Value", value)
            .With("MemberType", PsObjects.Enum("System.Management.Automation.PSMemberTypes", kind.Name, kind.Value))
            .With("TypeNameOfValue", ScriptExpressions.DotNetTypeName(value))
            .With("IsSettable", settable)
            .With("IsGettable", true)
            .With("IsInstance", instance);

    private static PsObject PSObjectView(PsValue value, string text, IEnumerable<PsValue> properties, IEnumerable<string> typeNames)
    {
        var collection = PsObjects.List([.. properties], PropertyCollectionTypeNames);
        if (value is PsObject owner) PropertyOwners.AddOrUpdate(collection, owner);
        return new PsObject(PSObjectTypeNames) { ToStringValue = text }
            .With("Properties", collection)
            .With("TypeNames", TypeNamesOf(value, typeNames))
            .With("BaseObject", value);
    }

    // An object's type names as the list scripts read and change ($o.PSObject.TypeNames.Insert(0, 'My.Type')).
    private static PsObject TypeNamesOf(PsValue value, IEnumerable<string> typeNames)
    {
        var list = PsObjects.List([.. typeNames.Select(PsPrimitive.String)], [ScriptExpressions.TypeNameCollectionTypeName, "System.Object"]);
        if (value is PsObject owner && owner.TypeNames is not null) ScriptExpressions.TypeNameOwners.AddOrUpdate(list, owner);
        return list;
    }

    // An object's own property as its PSObject lists it: a PSCustomObject's a note, another's a .NET property.
    private static PsValue OwnPropertyInfo(PsProperty p, bool isCustom) =>
        PropertyInfo(p.Name, p.Value, isCustom ? ValueProperties.NoteProperty : ValueProperties.DotNetProperty, settable: true, ShortTypeName(ScriptExpressions.DotNetTypeName(p.Value)) + $" {p.Name}={PipelineVariables.Display(p.Value)}");

    /// <summary>
    /// <c>.PSObject.Properties['h']</c> of a class's hidden property, which the collection does not list but its indexer
    /// finds (PSMemberInfoIntegratingCollection's lookup by name sees hidden members); null for any other name.
    /// </summary>
    internal static PsValue? HiddenMemberNamed(PsObject collection, string name) =>
        PropertyOwners.TryGetValue(collection, out var owner) && HiddenProperties.IsHidden(owner, name) &&
        owner.AdaptedProperties.Find(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } hidden
            ? OwnPropertyInfo(hidden, isCustom: false)
            : null;

    // The object whose .PSObject.Properties a collection is, so that its Remove changes that object.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<PsObject, PsObject> PropertyOwners = [];

    /// <summary>
    /// <c>$o.PSObject.Properties.Remove('name')</c>: removes the instance member of that name (a PSCustomObject's note,
    /// Add-Member's) from the object itself, as PSMemberInfoIntegratingCollection.Remove does; its .NET properties stay,
    /// and a name it does not have is no error. False when the collection belongs to no object (a primitive's).
    /// </summary>
    internal static bool RemoveProperty(PsObject collection, string name)
    {
        if (!PropertyOwners.TryGetValue(collection, out var owner)) return false;
        if (owner.ExtendedProperties.RemoveAll(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) > 0 &&
            owner[name] is null)
        {
            collection.Items.RemoveAll(i => i is PsObject info && string.Equals(info["Name"]?.ToDisplayString(), name, StringComparison.OrdinalIgnoreCase));
        }

        return true;
    }

    private static string ShortTypeName(string typeName) => typeName switch
    {
        "System.Int32" => "int",
        "System.Int64" => "long",
        "System.String" => "string",
        "System.Boolean" => "bool",
        "System.Double" => "double",
        "System.Decimal" => "decimal",
        "System.Char" => "char",
        "System.Byte" => "byte",
        "System.Object[]" => "Object[]",
        _ => typeName,
    };

    private static readonly string[] ErrorCategoryInfoTypeNames = ["System.Management.Automation.ErrorCategoryInfo", "System.Object"];

    /// <summary>
    /// An ErrorRecord's CategoryInfo, which its serialized form carries as the ErrorCategory_* properties: Category (an
    /// ErrorCategory), Activity, Reason, TargetName and TargetType, and its text, "ObjectNotFound: (x:String) [], ...".
    /// </summary>
    private static PsObject CategoryInfo(PsObject record)
    {
        var number = record["ErrorCategory_Category"] is PsPrimitive { Value: int n } ? n : 0;
        var name = Enum.IsDefined(typeof(ErrorCategory), number) ? ((ErrorCategory)number).ToString() : number.ToString(CultureInfo.InvariantCulture);
        return new PsObject(ErrorCategoryInfoTypeNames) { ToStringValue = record["ErrorCategory_Message"].AsString() ?? string.Empty }
            .With("Category", PsObjects.Enum("System.Management.Automation.ErrorCategory", name, number))
            .With("Activity", record["ErrorCategory_Activity"].AsString() ?? string.Empty)
            .With("Reason", record["ErrorCategory_Reason"].AsString() ?? string.Empty)
            .With("TargetName", record["ErrorCategory_TargetName"].AsString() ?? string.Empty)
            .With("TargetType", record["ErrorCategory_TargetType"].AsString() ?? string.Empty);
    }

    private static PsValue ErrorDetails(PsObject record) => record["ErrorDetails_Message"].AsString() is { } message
        ? new PsObject(["System.Management.Automation.ErrorDetails", "System.Object"]) { ToStringValue = message }
            .With("Message", message)
            .With("RecommendedAction", record["ErrorDetails_RecommendedAction"].AsString() ?? string.Empty)
        : PsNil.Instance;

    private static readonly string[] DayOfWeekTypeNames = ["System.DayOfWeek", "System.Enum", "System.ValueType", "System.Object"];

    // System.DateTime's properties (the emulated computers keep UTC, so a date's parts are its UTC parts; Date keeps
    // its Kind).
    private static PsValue DatePart(PsPrimitive value, string property)
    {
        var date = ((DateTimeOffset)value.Value).ToOffset(TimeSpan.Zero).DateTime;
        return property.ToUpperInvariant() switch
        {
            "YEAR" => Integer(date.Year),
            "MONTH" => Integer(date.Month),
            "DAY" => Integer(date.Day),
            "HOUR" => Integer(date.Hour),
            "MINUTE" => Integer(date.Minute),
            "SECOND" => Integer(date.Second),
            "MILLISECOND" => Integer(date.Millisecond),
            "DAYOFYEAR" => Integer(date.DayOfYear),
            "DAYOFWEEK" => PsObjects.Enum(DayOfWeekTypeNames, date.DayOfWeek.ToString(), (int)date.DayOfWeek),
            "DATE" => DateKinds.With(value, new DateTimeOffset(date.Date, TimeSpan.Zero)),
            "TIMEOFDAY" => PsPrimitive.Duration(date.TimeOfDay),
            "TICKS" => PsPrimitive.Int64(date.Ticks),
            "KIND" => DateKinds.KindValue(value.DateKind),
            // types.ps1xml's script property, and Get-Date's note.
            "DATETIME" => PsPrimitive.String(DateDisplayHints.DateTimeText(value)),
            "DISPLAYHINT" => (PsValue?)DateDisplayHints.Of(value) ?? PsNil.Instance,
            _ => PsNil.Instance,
        };
    }

    // System.TimeSpan's properties.
    private static PsValue SpanPart(TimeSpan span, string property) => property.ToUpperInvariant() switch
    {
        "DAYS" => Integer(span.Days),
        "HOURS" => Integer(span.Hours),
        "MINUTES" => Integer(span.Minutes),
        "SECONDS" => Integer(span.Seconds),
        "MILLISECONDS" => Integer(span.Milliseconds),
        "TICKS" => PsPrimitive.Int64(span.Ticks),
        "TOTALDAYS" => PsPrimitive.Double(span.TotalDays),
        "TOTALHOURS" => PsPrimitive.Double(span.TotalHours),
        "TOTALMINUTES" => PsPrimitive.Double(span.TotalMinutes),
        "TOTALSECONDS" => PsPrimitive.Double(span.TotalSeconds),
        "TOTALMILLISECONDS" => PsPrimitive.Double(span.TotalMilliseconds),
        _ => PsNil.Instance,
    };

    // System.Version's parts; an absent Build or Revision is -1, as .NET reports it.
    private static PsValue VersionPart(Version version, string property) => property.ToUpperInvariant() switch
    {
        "MAJOR" => Integer(version.Major),
        "MINOR" => Integer(version.Minor),
        "BUILD" => Integer(version.Build),
        "REVISION" => Integer(version.Revision),
        // Int16 halves of Revision (-1 without one, as .NET's casts give).
        "MAJORREVISION" => PsPrimitive.Int16((short)(version.Revision >> 16)),
        "MINORREVISION" => PsPrimitive.Int16((short)(version.Revision & 0xFFFF)),
        _ => PsNil.Instance,
    };

    /// <summary>A variable's value as a script reads it now (a job shows its state now; anything else is itself).</summary>
    internal static PsValue Current(PsValue value, RunspaceState runspace) => Refresh(value, runspace);

    // A job is a live object in PowerShell: $j shows its state now, not when Start-Job wrote it. A list is copied only
    // when it holds a job (else it is the same list: an array is a reference, changed in place by $a[0] = x).
    private static PsValue Refresh(PsValue value, RunspaceState runspace)
    {
        switch (value)
        {
            case PsObject { CollectionKind: PsCollectionKind.List } list when list.Items.Any(IsJob):
                var copy = PsObjects.List(list.Items.Select(i => Refresh(i, runspace)), list.TypeNames);
                return copy;
            case PsObject job when job.TypeNames is { Count: > 0 } names && names[0] == BackgroundJob.TypeNames[0] && job["InstanceId"].AsGuid() is { } id:
                return runspace.Jobs.FirstOrDefault(j => j.InstanceId == id)?.ToPsObject() ?? value;
            default:
                return value;
        }

        static bool IsJob(PsValue item) => item is PsObject { TypeNames: { Count: > 0 } names } && names[0] == BackgroundJob.TypeNames[0];
    }
}

/// <summary>
/// <c>{ $env: NAME }</c>: the session process's environment variable (a String), $null when unset. The variables are
/// those Windows gives the user's process on the shell's computer (COMPUTERNAME, USERNAME, USERPROFILE, TEMP...) and,
/// for powershell.exe in a cmd shell, the Create's.
/// </summary>
internal sealed class EnvironmentValueTemplate(TextTemplate name) : ValueTemplate
{
    public override PsValue Build(RunScope scope) =>
        scope.Variables.EnvironmentVariable(name.Evaluate(scope).Trim()) is { } value ? PsPrimitive.String(value) : PsNil.Instance;
}

/// <summary>
/// <c>{ $service: { name: Spooler, status: Stopped } }</c>: one facet of a service's state on the session's computer,
/// the given value until Start-Service, Stop-Service, Restart-Service or Set-Service changes it
/// (<see cref="Behaviours.ServiceStates"/>). Facets: <c>status</c> (a ServiceControllerStatus enum, as Get-Service
/// writes it), <c>startType</c> (a ServiceStartMode enum), and Win32_Service's <c>state</c> and <c>startMode</c> (text:
/// Running, Auto...) and <c>started</c> (a Boolean). ServiceController's <c>canStop</c>, <c>canShutdown</c> and
/// <c>canPauseAndContinue</c> say whether the service accepts that control, with its <c>status</c> until then: a
/// service that is not running accepts none (<c>{ $service: { name: WinRM, status: Running, canStop: true } }</c>).
/// </summary>
internal sealed class ServiceValueTemplate(TextTemplate name, string facet, string initial, string? initialStatus = null) : ValueTemplate
{
    internal static readonly string[] StatusTypeNames = ["System.ServiceProcess.ServiceControllerStatus", "System.Enum", "System.ValueType", "System.Object"];
    internal static readonly string[] StartModeTypeNames = ["System.ServiceProcess.ServiceStartMode", "System.Enum", "System.ValueType", "System.Object"];

    private static readonly Dictionary<string, int> Statuses = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Stopped"] = 1, ["StartPending"] = 2, ["StopPending"] = 3, ["Running"] = 4, ["ContinuePending"] = 5, ["PausePending"] = 6, ["Paused"] = 7,
    };

    private static readonly Dictionary<string, int> StartModes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Boot"] = 0, ["System"] = 1, ["Automatic"] = 2, ["Manual"] = 3, ["Disabled"] = 4,
    };

    public static bool IsFacet(string facet) => facet.ToUpperInvariant() is "STATUS" or "STARTTYPE" or "STATE" or "STARTMODE" or "STARTED" || IsControl(facet);

    /// <summary>Whether the facet is a control the service accepts while it runs (it needs the service's status).</summary>
    public static bool IsControl(string facet) => facet.ToUpperInvariant() is "CANSTOP" or "CANSHUTDOWN" or "CANPAUSEANDCONTINUE";

    public static bool IsValue(string facet, string value) => facet.ToUpperInvariant() switch
    {
        "STATUS" or "STATE" => Statuses.ContainsKey(value),
        "STARTTYPE" => StartModes.ContainsKey(value),
        "STARTMODE" => value.ToUpperInvariant() is "AUTO" or "MANUAL" or "DISABLED" or "BOOT" or "SYSTEM",
        _ => bool.TryParse(value, out _),
    };

    /// <summary>A ServiceControllerStatus as Get-Service writes it (its name, its number inside).</summary>
    public static PsObject Status(string status) =>
        new(StatusTypeNames) { ToStringValue = Canonical(Statuses, status), BaseValue = PsPrimitive.Int32(Statuses.GetValueOrDefault(status, 1)) };

    /// <summary>A ServiceStartMode as Get-Service writes it.</summary>
    public static PsObject StartMode(string startType) =>
        new(StartModeTypeNames) { ToStringValue = Canonical(StartModes, startType), BaseValue = PsPrimitive.Int32(StartModes.GetValueOrDefault(startType, 3)) };

    private static string Canonical(Dictionary<string, int> names, string value) => names.Keys.FirstOrDefault(k => k.Equals(value, StringComparison.OrdinalIgnoreCase)) ?? value;

    public override PsValue Build(RunScope scope)
    {
        var service = name.Evaluate(scope).Trim();
        var states = scope.Variables.ServiceStates;
        var status = states?.Status(service);
        var startType = states?.StartType(service);
        switch (facet.ToUpperInvariant())
        {
            case "STATUS":
                return Status(status ?? initial);
            case "STARTTYPE":
                return StartMode(startType ?? initial);
            case "STATE":
                return PsPrimitive.String(Canonical(Statuses, status ?? initial));
            case "STARTMODE":
                // Win32_Service says Auto where ServiceStartMode says Automatic.
                return PsPrimitive.String(startType is null ? initial : startType.Equals("Automatic", StringComparison.OrdinalIgnoreCase) ? "Auto" : Canonical(StartModes, startType));
            case "STARTED":
                return PsPrimitive.Boolean(status is null ? bool.Parse(initial) : status.Equals("Running", StringComparison.OrdinalIgnoreCase));
            default:
                // A stopped service accepts no control (ServiceController reads SERVICE_STATUS.dwControlsAccepted).
                return PsPrimitive.Boolean(bool.Parse(initial) && !(status ?? initialStatus ?? "Stopped").Equals("Stopped", StringComparison.OrdinalIgnoreCase));
        }
    }
}

/// <summary>
/// <c>{ $lastBootUpTime: 2026-01-12T09:35:00Z }</c>: when the session's computer booted, as a DateTime: the given time
/// until the computer restarts here (<c>shutdown /r</c>, Restart-Computer), then the restart's moment;
/// <c>{ $lastBootUpTime: { at: ..., format: "yyyyMMddHHmmss.ffffff'+000'" } }</c>: that time as text in a .NET date
/// format (Get-WmiObject's DMTF text).
/// </summary>
internal sealed class LastBootValueTemplate(DateTimeOffset initial, string? format) : ValueTemplate
{
    public override PsValue Build(RunScope scope)
    {
        var boot = scope.Variables.Power?.LastBoot ?? initial;
        return format is null ? PsPrimitive.DateTime(boot) : PsPrimitive.String(boot.ToUniversalTime().ToString(format, System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>
/// <c>{ $disk: size }</c> / <c>{ $disk: freeSpace }</c>: the session's computer's C: disk (<see cref="VirtualFileSystem"/>),
/// its capacity or what is left of it, as a UInt64 (Win32_LogicalDisk's Size and FreeSpace agree with dir, Get-PSDrive
/// and Get-Volume); 0 on a host without a disk.
/// </summary>
internal sealed class DiskValueTemplate(bool free) : ValueTemplate
{
    public override PsValue Build(RunScope scope) => PsPrimitive.UInt64(scope.Variables.FileSystem is { } disk
        ? (ulong)(free ? disk.FreeBytes : disk.Size)
        : 0);
}

/// <summary>
/// <c>{ $network: facet }</c>: the session's computer's Ethernet adapter's IPv4 configuration
/// (<see cref="NetworkSettings.IPv4"/>): ipv4Address and ipv4SubnetMask (strings), ipv4PrefixLength (a Byte, as
/// MSFT_NetIPAddress has it), ipv4DefaultGateway (a string, or null without one), ipv4DnsServers (the servers now, as
/// Set-DnsClientServerAddress left them: a string array), and its MAC address, macAddress (dashed) and permanentAddress (bare hex). A host without network settings has the default computer's.
/// </summary>
internal sealed class NetworkValueTemplate(string facet) : ValueTemplate
{
    /// <summary>The facets <c>$network</c> takes.</summary>
    public static readonly string[] Facets = ["ipv4Address", "ipv4SubnetMask", "ipv4PrefixLength", "ipv4DefaultGateway", "ipv4DnsServers", "macAddress", "permanentAddress"];

    public override PsValue Build(RunScope scope)
    {
        var network = scope.Variables.Network;
        var ipv4 = network?.IPv4 ?? NetworkSettings.IPv4Configuration.Default;
        return facet.ToUpperInvariant() switch
        {
            "IPV4ADDRESS" => PsPrimitive.String(ipv4.Address),
            "IPV4SUBNETMASK" => PsPrimitive.String(ipv4.SubnetMask),
            "IPV4PREFIXLENGTH" => PsPrimitive.Byte((byte)ipv4.PrefixLength),
            "IPV4DEFAULTGATEWAY" => ipv4.DefaultGateway is { } gateway ? PsPrimitive.String(gateway) : PsNil.Instance,
            "MACADDRESS" => PsPrimitive.String(network?.MacAddress ?? NetworkSettings.MacAddressOf(0)),
            "PERMANENTADDRESS" => PsPrimitive.String((network?.MacAddress ?? NetworkSettings.MacAddressOf(0)).Replace("-", string.Empty, StringComparison.Ordinal)),
            _ => Servers(network?.DnsServers(NetworkSettings.Interfaces[0], ipv6: false) ?? ipv4.DnsServers),
        };
    }

    private static PsObject Servers(IReadOnlyList<string> servers)
    {
        var list = new PsObject(["System.String[]", "System.Array", "System.Object"]) { CollectionKind = PsCollectionKind.List };
        foreach (var server in servers) list.Items.Add(PsPrimitive.String(server));
        return list;
    }
}

/// <summary>
/// <c>{ $now: ~ }</c>: the session's clock now (the emulator's clock: virtual when it is), as a DateTime, as Get-Date
/// returns it; <c>{ $now: "format" }</c>: that time as text in a .NET date format (Get-Date -Format), with the
/// invariant culture's English names (the emulator runs without culture data; en-US, a Windows server's usual
/// culture, names days and months the same). The emulated computers keep UTC.
/// </summary>
internal sealed class NowValueTemplate(TextTemplate? format, bool unixFormat = false) : ValueTemplate
{
    private static readonly System.Globalization.CultureInfo EnglishUnitedStates = Behaviours.EnglishUnitedStates.Culture;

    public override PsValue Build(RunScope scope)
    {
        var now = (scope.Variables.Runspace.Time ?? TimeProvider.System).GetUtcNow();
        if (format is null) return PsPrimitive.DateTime(now);
        if (unixFormat) return PsPrimitive.String(UFormat(now.ToOffset(TimeSpan.Zero), format.Evaluate(scope)));
        try
        {
            return PsPrimitive.String(Format(now, format.Evaluate(scope)));
        }
        catch (FormatException)
        {
            throw new ScenarioRuntimeException($"{format.Location}: '{format.Evaluate(scope)}' is not a date format .NET knows");
        }
    }

    /// <summary>
    /// Get-Date -Format: a .NET date format in en-US, a local time of a computer whose zone is UTC ("o" and "zzz" show
    /// +00:00); FileDate, FileDateUniversal, FileDateTime and FileDateTimeUniversal are GetDateCommand's ISO 8601 basic
    /// forms.
    /// </summary>
    /// <exception cref="FormatException">A format .NET refuses.</exception>
    internal static string Format(DateTimeOffset date, string format, DateTimeKind kind = DateTimeKind.Local)
    {
        var local = date.ToOffset(TimeSpan.Zero);
        return format.ToUpperInvariant() switch
        {
            "FILEDATE" => local.ToString("yyyyMMdd", EnglishUnitedStates),
            "FILEDATEUNIVERSAL" => local.ToString("yyyyMMdd", EnglishUnitedStates) + "Z",
            "FILEDATETIME" => local.ToString("yyyyMMdd'T'HHmmssffff", EnglishUnitedStates),
            "FILEDATETIMEUNIVERSAL" => local.ToString("yyyyMMdd'T'HHmmssffff", EnglishUnitedStates) + "Z",
            // The date's Kind decides what "o", "K" and "zzz" write: -Date '2021-03-04' (Unspecified) no zone, a Utc date Z.
            _ => DateKinds.Format(PsPrimitive.DateTime(local, kind), format, EnglishUnitedStates),
        };
    }

    /// <summary>
    /// Get-Date -UFormat as Windows PowerShell 5.1's GetDateCommand.UFormatDateString writes it (strftime's letters mapped
    /// to .NET formats, en-US): <c>%s</c> is the seconds since 1970 as a Double (with a fraction when there is one, as 5.1
    /// writes it; PowerShell 6.2 and later write whole seconds), <c>%Z</c> the offset (<c>+00</c>: the computers keep UTC),
    /// <c>%U</c>/<c>%W</c> the day of the year over 7 and <c>%V</c> one more, as 5.1 counts them; an unknown letter is itself.
    /// </summary>
    internal static string UFormat(DateTimeOffset date, string uformat)
    {
        var day = date.DateTime;
        var text = new System.Text.StringBuilder();
        for (var i = uformat.StartsWith('+') ? 1 : 0; i < uformat.Length; i++)
        {
            if (uformat[i] != '%' || i + 1 >= uformat.Length)
            {
                text.Append(uformat[i]);
                continue;
            }

            var letter = uformat[++i];
            text.Append(letter switch
            {
                'A' => day.ToString("dddd", EnglishUnitedStates),
                'a' => day.ToString("ddd", EnglishUnitedStates),
                'B' => day.ToString("MMMM", EnglishUnitedStates),
                'b' or 'h' => day.ToString("MMM", EnglishUnitedStates),
                'C' => (day.Year / 100).ToString(EnglishUnitedStates),
                'c' => day.ToString("ddd MMM ", EnglishUnitedStates) + day.Day.ToString(EnglishUnitedStates).PadLeft(2) + day.ToString(" HH:mm:ss yyyy", EnglishUnitedStates),
                'D' or 'x' => day.ToString("MM/dd/yy", EnglishUnitedStates),
                'd' => day.ToString("dd", EnglishUnitedStates),
                'e' => day.Day.ToString(EnglishUnitedStates).PadLeft(2),
                'H' or 'k' => day.ToString("HH", EnglishUnitedStates),
                'I' or 'l' => day.ToString("hh", EnglishUnitedStates),
                'j' => day.DayOfYear.ToString("000", EnglishUnitedStates),
                'M' => day.ToString("mm", EnglishUnitedStates),
                'm' => day.ToString("MM", EnglishUnitedStates),
                'n' => "\n",
                'p' => day.ToString("tt", EnglishUnitedStates),
                'R' => day.ToString("HH:mm", EnglishUnitedStates),
                'r' => day.ToString("hh:mm:ss tt", EnglishUnitedStates),
                'S' => day.ToString("ss", EnglishUnitedStates),
                // .NET Framework writes a Double with 15 significant digits.
                's' => (date.UtcDateTime - DateTime.UnixEpoch).TotalSeconds.ToString("G15", EnglishUnitedStates),
                'T' or 'X' => day.ToString("HH:mm:ss", EnglishUnitedStates),
                't' => "\t",
                'u' or 'w' => ((int)day.DayOfWeek).ToString(EnglishUnitedStates),
                'U' or 'W' => (day.DayOfYear / 7).ToString(EnglishUnitedStates),
                'V' => (day.DayOfYear / 7 + 1).ToString(EnglishUnitedStates),
                'G' or 'Y' => day.ToString("yyyy", EnglishUnitedStates),
                'g' or 'y' => day.ToString("yy", EnglishUnitedStates),
                'Z' => date.ToString("zz", EnglishUnitedStates),
                _ => letter.ToString(),
            });
        }

        return text.ToString();
    }
}

/// <summary><c>{ $expand: text }</c>: the text of a double-quoted PowerShell string, its $variables expanded (a String).</summary>
internal sealed class ExpandValueTemplate(TextTemplate text) : ValueTemplate
{
    public override PsValue Build(RunScope scope) => PsPrimitive.String(scope.Variables.Expand(text.Evaluate(scope)));
}

/// <summary>
/// <c>{ $services: ServiceController | Win32_Service | CimInstance }</c>: the services the session's computer has now
/// (<see cref="ComputerServices"/>: the scenario's <c>services:</c>, and those commands installed, by name) as
/// Get-Service, Get-WmiObject Win32_Service or Get-CimInstance writes them; <c>{ $installedServices: ... }</c> those
/// commands installed alone (New-Service, <c>sc create</c>: <see cref="ServiceStates.Installed"/>), for a scenario that
/// lists Windows' own itself. Their status and start type follow Start-Service, Set-Service... as they left them; a
/// running service accepts the controls its definition says (a stopped one none); Win32_Service's ExitCode is 1077
/// (ERROR_SERVICE_NEVER_STARTED) for an installed one until it has run.
/// </summary>
internal sealed class ServicesValueTemplate(string kind, bool installedOnly) : ValueTemplate
{
    private static readonly string[] ServiceControllerTypeNames = ["System.ServiceProcess.ServiceController", "System.ComponentModel.Component", "System.MarshalByRefObject", "System.Object"];

    private static readonly string[] ServiceTypeTypeNames = ["System.ServiceProcess.ServiceType", "System.Enum", "System.ValueType", "System.Object"];

    public override PsValue Build(RunScope scope) => PsObjects.List([.. BuildForPipeline(scope)]);

    public override IEnumerable<PsValue> BuildForPipeline(RunScope scope)
    {
        var services = scope.Variables.Services;
        if (installedOnly && services.States is null) yield break;
        foreach (var service in installedOnly ? services.States!.Installed() : services.All())
        {
            yield return kind switch
            {
                "ServiceController" => ServiceController(service, services),
                "CimInstance" => Win32Service(service, services, scope.Variables.EnvironmentVariable("COMPUTERNAME"), cim: true),
                _ => Win32Service(service, services, scope.Variables.EnvironmentVariable("COMPUTERNAME"), cim: false),
            };
        }
    }

    /// <summary>Win32_Service's StartMode for a ServiceStartMode name (Auto for Automatic).</summary>
    internal static string StartMode(string startType) => startType.Equals("Automatic", StringComparison.OrdinalIgnoreCase) ? "Auto" : startType;

    // A service another one names (RequiredServices, DependentServices): its name as the naming one spells it, its display
    // name and status now (a driver the computer has no definition of: running, as drivers are).
    private static PsObject Related(string name, ComputerServices services)
    {
        var found = services.Find(name);
        var o = new PsObject(ServiceControllerTypeNames) { ToStringValue = "System.ServiceProcess.ServiceController" };
        o.AdaptedProperties.AddRange(
        [
            new("Name", PsPrimitive.String(name)), new("DisplayName", PsPrimitive.String(found?.DisplayName ?? name)),
            new("ServiceName", PsPrimitive.String(name)), new("Status", ServiceValueTemplate.Status(found is null ? "Running" : services.CurrentStatus(found))),
        ]);
        return o;
    }

    private static readonly string[] ServiceControllerArrayTypeNames = ["System.ServiceProcess.ServiceController[]", "System.Array", "System.Object"];

    internal static PsObject ServiceController(ServiceDefinition service, ComputerServices services)
    {
        var status = services.CurrentStatus(service);
        var running = !status.Equals("Stopped", StringComparison.OrdinalIgnoreCase);
        // ServiceController[] properties: the serializer writes an array with its type names, as every array.
        var dependsOn = PsObjects.List([.. service.DependsOn.Select(name => (PsValue)Related(name, services))], ServiceControllerArrayTypeNames);
        var dependents = PsObjects.List([.. services.DependentsOf(service.Name).Select(s => (PsValue)Related(s.Name, services))], ServiceControllerArrayTypeNames);
        var handle = new PsObject(["SafeServiceHandle", "Microsoft.Win32.SafeHandles.SafeHandleZeroOrMinusOneIsInvalid", "System.Runtime.InteropServices.SafeHandle",
            "System.Runtime.ConstrainedExecution.CriticalFinalizerObject", "System.Object"]) { ToStringValue = "SafeServiceHandle" };
        var type = new PsObject(ServiceTypeTypeNames) { ToStringValue = service.ServiceType, BaseValue = PsPrimitive.Int32(service.ServiceTypeValue) };
        var o = new PsObject(ServiceControllerTypeNames) { ToStringValue = "System.ServiceProcess.ServiceController" };
        // Name and RequiredServices are types.ps1xml's alias properties: members (MS, before the .NET properties in
        // PSObject.Properties' order), written as the type table's are, one level less deep.
        o.With("Name", service.Name).With("RequiredServices", dependsOn);
        o.AdaptedProperties.AddRange(
        [
            new("CanPauseAndContinue", PsPrimitive.Boolean(running && service.AcceptsPauseAndContinue)),
            new("CanShutdown", PsPrimitive.Boolean(running && service.AcceptsShutdown)),
            new("CanStop", PsPrimitive.Boolean(running && service.AcceptsStop)),
            new("DisplayName", PsPrimitive.String(service.DisplayName)),
            new("DependentServices", dependents),
            new("MachineName", PsPrimitive.String(".")),
            new("ServiceName", PsPrimitive.String(service.Name)),
            new("ServicesDependedOn", dependsOn),
            new("ServiceHandle", handle),
            new("Status", ServiceValueTemplate.Status(status)),
            new("ServiceType", type),
            new("StartType", ServiceValueTemplate.StartMode(services.CurrentStartType(service))),
            new("Site", PsNil.Instance),
            new("Container", PsNil.Instance),
        ]);
        return o;
    }

    private static PsObject Win32Service(ServiceDefinition service, ComputerServices services, string? computer, bool cim)
    {
        var status = services.CurrentStatus(service);
        var running = !status.Equals("Stopped", StringComparison.OrdinalIgnoreCase);
        // The class's properties in CIM's order (Get-CimInstance Win32_Service | Select-Object *).
        List<PsProperty> properties =
        [
            new("Name", PsPrimitive.String(service.Name)),
            new("Status", PsPrimitive.String("OK")),
            new("ExitCode", PsPrimitive.UInt32(services.ExitCode(service))),
            new("DesktopInteract", PsPrimitive.Boolean(false)),
            new("ErrorControl", PsPrimitive.String("Normal")),
            new("PathName", PsPrimitive.String(service.BinaryPathName)),
            new("ServiceType", PsPrimitive.String(service.WmiServiceType)),
            new("StartMode", PsPrimitive.String(StartMode(services.CurrentStartType(service)))),
            new("Caption", PsPrimitive.String(service.DisplayName)),
            new("Description", service.Description.Length > 0 ? PsPrimitive.String(service.Description) : PsNil.Instance),
            new("InstallDate", PsNil.Instance),
            new("CreationClassName", PsPrimitive.String("Win32_Service")),
            new("Started", PsPrimitive.Boolean(running)),
            new("SystemCreationClassName", PsPrimitive.String("Win32_ComputerSystem")),
            new("SystemName", computer is null ? PsNil.Instance : PsPrimitive.String(computer)),
            new("AcceptPause", PsPrimitive.Boolean(running && service.AcceptsPauseAndContinue)),
            new("AcceptStop", PsPrimitive.Boolean(running && service.AcceptsStop)),
            new("DisplayName", PsPrimitive.String(service.DisplayName)),
            new("ServiceSpecificExitCode", PsPrimitive.UInt32(0)),
            new("StartName", PsPrimitive.String(service.StartName)),
            new("State", PsPrimitive.String(status)),
            new("TagId", PsPrimitive.UInt32(0)),
            new("CheckPoint", PsPrimitive.UInt32(0)),
            new("DelayedAutoStart", PsPrimitive.Boolean(service.DelayedAutoStart)),
            new("ProcessId", PsPrimitive.UInt32(running ? (uint)service.RunningProcessId : 0)),
            new("WaitHint", PsPrimitive.UInt32(0)),
        ];
        // As the cmdlets write the computer's WMI classes: a CimInstance, or a ManagementObject with its system
        // properties and the class's by name.
        return cim
            ? WmiInstances.CimInstance("Win32_Service", properties, ["Name"], (computer ?? ".").ToUpperInvariant())
            : WmiInstances.ManagementObject((computer ?? ".").ToUpperInvariant(), "Win32_Service", $@"Win32_Service.Name=""{service.Name}""",
                [.. properties.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase)]);
    }
}
