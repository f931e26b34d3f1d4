using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Get-Member (<c>gm</c>) as GetMemberCommand writes it: a MemberDefinition per member, each type once (by its first
/// type name), sorted by member type's name then name, for each <c>-Name</c> pattern in turn; <c>-MemberType</c> and
/// <c>-View</c> filter. Of the objects a script makes (PSCustomObjects, Select-Object's "Selected." objects): object's
/// four methods (Equals, GetHashCode, GetType, ToString) and their notes ("int a=1": the value's type as
/// PSNoteProperty names it, 5.1's accelerators for primitives, then the value's ToString, "null" for none). Of values
/// and objects of the .NET types in <see cref="DotNetMembers"/> (strings, numbers, dates, services, processes, files,
/// registry keys...): as PSObject.Members merges them, the object's own notes (a provider's PSPath, Get-Date's
/// DisplayHint, Add-Member's), then the type data's members (<see cref="ExtendedTypeMembers"/>), then the .NET
/// adapter's, a name taken hiding later members. Nothing piped is its NoObjectInGetMember error.
/// UNVERIFIED: a note whose value came from a command (PowerShell then wraps it and names its full type,
/// System.String); the emulator does not tell the two apart and names a primitive's accelerator.
/// <c>-Static</c>: the static members and constructors ("new") of a type literal's type or of the object's.
/// Of a CimInstance: its notes, its type data's members, CimInstance's nine methods and CimInstanceAdapter's
/// properties ("uint16 OSType {get;}", a date "CimInstance#DateTime LastBootUpTime {get;}", PSComputerName), every
/// property read-only (UNVERIFIED for a writable one, which Windows shows {get;set;}).
/// Get-Member of deserialized and other .NET objects and <c>-Force</c> are scenario errors.
/// </summary>
internal sealed partial class RunContext
{
    private const string MemberDefinitionTypeName = "Microsoft.PowerShell.Commands.MemberDefinition";

    // PSMemberTypes: its names in the binder's order and their flags.
    private static readonly (string Name, int Value)[] MemberTypeFlags =
    [
        ("AliasProperty", 1), ("CodeProperty", 2), ("Property", 4), ("NoteProperty", 8), ("ScriptProperty", 16), ("Properties", 31),
        ("PropertySet", 32), ("Method", 64), ("CodeMethod", 128), ("ScriptMethod", 256), ("Methods", 448), ("ParameterizedProperty", 512),
        ("MemberSet", 1024), ("Event", 2048), ("Dynamic", 4096), ("All", 8191),
    ];

    private const int NotePropertyFlag = 8;
    private const int MethodFlag = 64;

    // PSMemberViewTypes.
    private const int ExtendedView = 1;
    private const int AdaptedView = 2;
    private const int BaseView = 4;

    // The methods every PSCustomObject has (System.Object's, as the .NET adapter writes them).
    private static readonly (string Name, string Definition)[] CustomObjectMethods =
    [
        ("Equals", "bool Equals(System.Object obj)"), ("GetHashCode", "int GetHashCode()"), ("GetType", "type GetType()"), ("ToString", "string ToString()"),
    ];

    private sealed record GetMemberSpec(IReadOnlyList<string> Names, int MemberTypes, bool Static);

    private async ValueTask<GetMemberSpec> GetMemberSpecAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        const string Command = "Get-Member";
        if (arguments.Has("Force"))
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault("Get-Member -Force (hidden members: PSBase, PSObject, accessors...) is not emulated: give the command a rule"));
        }

        var nameWord = arguments["Name"] ?? arguments.Positional.FirstOrDefault();
        IReadOnlyList<string> names = nameWord is null ? ["*"] : await ArgumentTextsAsync(nameWord, to, blockNesting);
        var memberTypes = 8191;
        if (arguments["MemberType"] is { } typeWord)
        {
            memberTypes = 0;
            foreach (var text in await ArgumentTextsAsync(typeWord, to, blockNesting))
            {
                foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    var flag = MemberTypeFlags.FirstOrDefault(f => f.Name.Equals(part, StringComparison.OrdinalIgnoreCase));
                    if (flag.Name is null) throw new StatementTerminatedException(EnumParameterError(Command, "MemberType", part, "System.Management.Automation.PSMemberTypes", MemberTypeFlags.Select(f => f.Name)));
                    memberTypes |= flag.Value;
                }
            }
        }

        var view = AdaptedView | ExtendedView;
        if (arguments["View"] is { } viewWord)
        {
            view = 0;
            string[] viewNames = ["Extended", "Adapted", "Base", "All"];
            foreach (var text in await ArgumentTextsAsync(viewWord, to, blockNesting))
            {
                foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    view |= part.ToUpperInvariant() switch
                    {
                        "EXTENDED" => ExtendedView,
                        "ADAPTED" => AdaptedView,
                        "BASE" => BaseView,
                        "ALL" => ExtendedView | AdaptedView | BaseView,
                        _ => throw new StatementTerminatedException(EnumParameterError(Command, "View", part, "System.Management.Automation.PSMemberViewTypes", viewNames)),
                    };
                }
            }
        }

        // GetMemberCommand: notes are the extended view's, methods the adapted (or base) view's.
        if ((view & ExtendedView) == 0) memberTypes &= ~(1 | 2 | 1024 | NotePropertyFlag | 32 | 256 | 16 | 128);
        if ((view & (AdaptedView | BaseView)) == 0) memberTypes &= ~(4 | 512 | MethodFlag | 2048);
        return new GetMemberSpec(names, memberTypes, arguments.Has("Static"));
    }

    /// <summary>Get-Member's state over its input: the type names shown already.</summary>
    private sealed class MemberLister(GetMemberSpec spec)
    {
        private readonly HashSet<string> _shown = new(StringComparer.Ordinal);

        public bool ShowedAny => _shown.Count > 0;

        public IEnumerable<PsObject> Members(PsValue? item)
        {
            if (item is null or PsNil) return [];
            if (spec.Static) return StaticMembers(item);
            // A deserialized PSCustomObject (an argument, input, $using: value) lists as a live one under its own type name;
            // a deserialized object with adapted properties (Import-Clixml of a process) is another matter.
            if (item is PsObject custom && PipelineVariables.IsCustomObject(custom) &&
                (!custom.TypeNames![0].StartsWith("Deserialized.", StringComparison.Ordinal) || custom.AdaptedProperties.Count == 0))
            {
                return CustomObjectMembers(custom);
            }

            // A deserialized object with adapted properties (a client's FileInfo or service piped in, Import-Clixml's).
            if (item is PsObject bag && ScriptExpressions.DeserializedRuntimeType(bag) == "System.Management.Automation.PSObject") return DeserializedObjectMembers(bag);

            // An object of a class the session defined: the class's members.
            if (item is PsObject { TypeNames: [var className, ..] } && ScriptTypes.Current?.Class(className) is { } scriptClass) return ClassObjectMembers(scriptClass);

            // A CimInstance: CimInstanceAdapter's properties, CimInstance's methods, the type data's members.
            if (item is PsObject { TypeNames: [var cimType, ..] } cim && cimType.StartsWith(CimClassMetadata.CimPrefix, StringComparison.Ordinal)) return CimInstanceMembersOf(cim);

            // The .NET members are those of the first type name that is a .NET type (Get-EventLog's entries are
            // "System.Diagnostics.EventLogEntry#System/Service Control Manager/1073748860" first).
            var typeNames = DotNetMembers.TypeNamesOf(item);
            // Every enum the emulator makes is over Int32, and such enums share their members (System.Enum's): the table's
            // DayOfWeek stands for the others, a script's own too.
            var adapted = DotNetMembers.OfFirst(typeNames) ?? (typeNames is [_, "System.Enum", ..] ? DotNetMembers.Of("System.DayOfWeek") : null) ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault(
                $"Get-Member of a {typeNames[0]} is not emulated (only of the .NET types in the emulator's member table and of the objects a script makes, such as PSCustomObjects): give the command a rule"));
            if (!_shown.Add(typeNames[0])) return [];

            // PSObject.Members: the object's own notes, then the type table's members of each of its type names, then
            // the .NET adapter's; a name already taken hides the later member (ServiceController's ToString script
            // method hides the .NET method).
            var members = new List<(string Name, string Type, int Flag, string Definition)>();
            var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var note in InstanceNotes(item, typeNames, adapted))
            {
                if (!taken.Add(note.Name)) continue;
                // Get-Acl's brokered code properties (SecurityDescriptorCommandsBase.AddBrokeredProperties) are the object's own too.
                if (typeNames.Contains("System.Security.AccessControl.ObjectSecurity") && BrokeredAclProperties.FirstOrDefault(b => b.Name.Equals(note.Name, StringComparison.OrdinalIgnoreCase)) is { Name: not null } brokered)
                {
                    members.Add((brokered.Name, "CodeProperty", 2, brokered.Definition));
                    continue;
                }

                members.Add((note.Name, "NoteProperty", NotePropertyFlag, InstanceNoteDefinition(note)));
            }

            foreach (var name in typeNames)
            {
                foreach (var member in ExtendedTypeMembers.Of(name))
                {
                    if (taken.Add(member.Name)) members.Add((member.Name, member.MemberType, FlagOf(member.MemberType), member.Definition));
                }
            }

            foreach (var member in adapted)
            {
                if (taken.Add(member.Name)) members.Add((member.Name, member.MemberType, FlagOf(member.MemberType), member.Definition));
            }

            return Listed(typeNames[0], members);
        }

        // CimInstance's .NET methods, as the .NET adapter lists them beside CimInstanceAdapter's properties.
        private static readonly (string Name, string Definition)[] CimInstanceMethods =
        [
            ("Clone", "System.Object ICloneable.Clone()"), ("Dispose", "void Dispose(), void IDisposable.Dispose()"), ("Equals", "bool Equals(System.Object obj)"),
            ("GetCimSessionComputerName", "string GetCimSessionComputerName()"), ("GetCimSessionInstanceId", "guid GetCimSessionInstanceId()"),
            ("GetHashCode", "int GetHashCode()"),
            ("GetObjectData", "void GetObjectData(System.Runtime.Serialization.SerializationInfo info, System.Runtime.Serialization.StreamingContext context), void ISerializable.GetObjectData(System.Runtime.Serialization.SerializationInfo info, System.Runtime.Serialization.StreamingContext context)"),
            ("GetType", "type GetType()"), ("ToString", "string ToString()"),
        ];

        // A CimInstance's members: its own notes, the type data's (Win32_Process's ProcessName alias, property sets),
        // CimInstance's methods, and CimInstanceAdapter's properties, each "type Name {get;}" in the adapter's type
        // names (uint16, string[], a date CimInstance#DateTime) with PSComputerName. CimClass, CimInstanceProperties and
        // CimSystemProperties are the base object's, which Get-Member leaves out.
        private IEnumerable<PsObject> CimInstanceMembersOf(PsObject cim)
        {
            var typeNames = cim.TypeNames!;
            if (!_shown.Add(typeNames[0])) return [];
            var members = new List<(string Name, string Type, int Flag, string Definition)>();
            var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var note in cim.ExtendedProperties.Where(p => !ExtendedTypeMembers.Has(typeNames, p.Name)))
            {
                if (taken.Add(note.Name)) members.Add((note.Name, "NoteProperty", NotePropertyFlag, NoteDefinition(note.Name, note.Value)));
            }

            foreach (var name in typeNames)
            {
                foreach (var member in ExtendedTypeMembers.Of(name))
                {
                    if (taken.Add(member.Name)) members.Add((member.Name, member.MemberType, FlagOf(member.MemberType), member.Definition));
                }
            }

            foreach (var (name, definition) in CimInstanceMethods)
            {
                if (taken.Add(name)) members.Add((name, "Method", MethodFlag, definition));
            }

            var className = CimClassMetadata.Classes(typeNames) is [var (_, leaf), ..] ? leaf : typeNames[0][CimClassMetadata.CimPrefix.Length..];
            var types = CimClassMetadata.PropertyTypes(className, cim).ToDictionary(
                t => t.Name, t => t.EmbeddedClass is null ? t.Type : t.Type.EndsWith("[]", StringComparison.Ordinal) ? "instance[]" : "instance", StringComparer.OrdinalIgnoreCase);
            foreach (var property in cim.AdaptedProperties)
            {
                if (CimInstanceMembers.IsMember(property.Name) || !taken.Add(property.Name)) continue;
                var type = property.Name.Equals("PSComputerName", StringComparison.OrdinalIgnoreCase) ? "string" : CimPropertyTypeName(types.GetValueOrDefault(property.Name) ?? "string");
                members.Add((property.Name, "Property", FlagOf("Property"), $"{type} {property.Name} {{get;}}"));
            }

            return Listed(typeNames[0], members);
        }

        // CimInstanceAdapter.GetPropertyTypeName: a date, a reference or an instance (or an array of them) as
        // "CimInstance#DateTime"..., another CIM type as its .NET type's short name (uint16, int, bool, string[]).
        private static string CimPropertyTypeName(string cimType)
        {
            var isArray = cimType.EndsWith("[]", StringComparison.Ordinal);
            var scalar = isArray ? cimType[..^2] : cimType;
            var name = scalar switch
            {
                "datetime" => "CimInstance#DateTime",
                "instance" => "CimInstance#Instance",
                "reference" => "CimInstance#Reference",
                "boolean" => "bool",
                "uint8" => "byte",
                "sint8" => "sbyte",
                "uint16" => "uint16",
                "sint16" => "int16",
                "uint32" => "uint32",
                "sint32" => "int",
                "uint64" => "uint64",
                "sint64" => "long",
                "real32" => "float",
                "real64" => "double",
                "char16" => "char",
                _ => "string",
            };
            return !isArray ? name : name.StartsWith("CimInstance#", StringComparison.Ordinal) ? name + "Array" : name + "[]";
        }

        private static readonly (string Name, string Definition)[] BrokeredAclProperties =
        [
            ("CentralAccessPolicyId", "System.Security.Principal.SecurityIdentifier CentralAccessPolicyId{get=GetCentralAccessPolicyId;}"),
            ("CentralAccessPolicyName", "System.String CentralAccessPolicyName{get=GetCentralAccessPolicyName;}"),
            ("Audit", "System.Security.AccessControl.AuthorizationRuleCollection Audit{get=GetAudit;}"),
            ("AllCentralAccessPolicies", "System.String[] AllCentralAccessPolicies{get=GetAllCentralAccessPolicies;}"),
        ];

        // A provider's PSDrive and PSProvider notes hold its PSDriveInfo and ProviderInfo (the emulator keeps their names).
        private static string InstanceNoteDefinition(PsProperty note) => (note.Name, note.Value) switch
        {
            ("PSDrive", PsPrimitive or PsObject) => $"PSDriveInfo PSDrive={note.Value.ToDisplayString()}",
            ("PSProvider", PsPrimitive or PsObject) => $"ProviderInfo PSProvider={note.Value.ToDisplayString()}",
            _ => NoteDefinition(note.Name, note.Value),
        };

        // -Static: the static members and constructors of a type literal's type ([math] | Get-Member -Static) or of the
        // object's .NET type; no type data, no notes.
        private IEnumerable<PsObject> StaticMembers(PsValue item)
        {
            IReadOnlyList<string> typeNames = item is PsObject { TypeNames: [ScriptExpressions.RuntimeTypeName, ..], ToStringValue: { } literal } ? [literal] : DotNetMembers.TypeNamesOf(item);
            var (typeName, members) = typeNames.Select(t => (Name: t, Members: DotNetMembers.StaticOf(t))).FirstOrDefault(t => t.Members is not null);
            if (members is null)
            {
                throw new ScriptExpressionException(ScriptedError.ScenarioFault(
                    $"Get-Member -Static of {typeNames[0]} is not emulated (only of the .NET types in the emulator's static member table): give the command a rule"));
            }

            if (!_shown.Add(typeName)) return [];
            return Listed(typeName, [.. members.Select(m => (m.Name, m.MemberType, FlagOf(m.MemberType), m.Definition))]);
        }

        private IEnumerable<PsObject> CustomObjectMembers(PsObject custom)
        {
            var typeName = custom.TypeNames![0];
            if (!_shown.Add(typeName)) return [];
            var members = CustomObjectMethods.Select(m => (m.Name, Type: "Method", Flag: MethodFlag, m.Definition))
                .Concat(custom.ExtendedProperties.Select(p => (p.Name, Type: "NoteProperty", Flag: NotePropertyFlag, Definition: NoteDefinition(p.Name, p.Value))))
                .Concat(ScriptMembers.All(custom).Select(ScriptMemberOf))
                .ToList();
            return Listed(typeName, members);
        }

        // Add-Member's script and alias members, each with its PSMemberInfo.ToString as its definition.
        private static (string Name, string Type, int Flag, string Definition) ScriptMemberOf(ScriptMembers.Member member)
        {
            var type = member.Kind switch { ScriptMembers.Kind.Alias => "AliasProperty", ScriptMembers.Kind.Method => "ScriptMethod", _ => "ScriptProperty" };
            return (member.Name, type, FlagOf(type), ScriptMembers.Definition(member));
        }

        // A deserialized property bag's members as InternalDeserializer makes them: GetType bound to the PSObject, the
        // PSObject's ToString when the object carried its text, the notes it carried (MS), and its adapted properties
        // (Props) as deserialized PSProperty objects, whose definition is the value's type name and "{get;set;}"
        // (PSProperty.ToString, TypeNameOfValue: the value's first type name, its .NET type, nothing for null). No
        // Equals or GetHashCode: ReadProperties empties the CLR members.
        private IEnumerable<PsObject> DeserializedObjectMembers(PsObject bag)
        {
            var typeName = bag.TypeNames![0];
            if (!_shown.Add(typeName)) return [];
            var members = new List<(string Name, string Type, int Flag, string Definition)> { ("GetType", "Method", MethodFlag, "type GetType()") };
            if (bag.ToStringValue is not null) members.Add(("ToString", "Method", MethodFlag, DeserializedToStringDefinition));
            var taken = new HashSet<string>(members.Select(m => m.Name), StringComparer.OrdinalIgnoreCase);
            foreach (var note in bag.ExtendedProperties.Where(n => taken.Add(n.Name))) members.Add((note.Name, "NoteProperty", NotePropertyFlag, DeserializedNoteDefinition(note.Name, note.Value)));
            foreach (var property in bag.AdaptedProperties.Where(p => taken.Add(p.Name))) members.Add((property.Name, "Property", FlagOf("Property"), DeserializedTypeNameOfValue(property.Value) + " {get;set;}"));
            return Listed(typeName, members);
        }

        // A script class's object: Object's four methods and the class's (and its bases') instance methods, each name's
        // overloads in one definition, and its properties, as the .NET adapter shows the emitted type (hidden members
        // left out, as Get-Member leaves them without -Force).
        private IEnumerable<PsObject> ClassObjectMembers(ScriptClass scriptClass)
        {
            if (!_shown.Add(scriptClass.Name)) return [];
            var overloads = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, definition) in CustomObjectMethods) overloads[name] = [definition];
            var own = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var method in scriptClass.Chain.SelectMany(c => c.Definition.Methods).Where(m => !m.IsStatic && !m.IsHidden))
            {
                var signature = $"{ClassTypeDisplay(method.ReturnType ?? "void")} {method.Name}({string.Join(", ", method.Parameters.Select(p => ClassTypeDisplay(p.TypeName) + " " + p.Name))})";
                // A class's own method replaces Object's of its name; a base's overload of a signature already listed is hidden.
                if (own.Add(method.Name)) overloads[method.Name] = [];
                if (!overloads[method.Name].Contains(signature, StringComparer.OrdinalIgnoreCase)) overloads[method.Name].Add(signature);
            }

            var members = overloads.Select(o => (Name: o.Key, Type: "Method", Flag: MethodFlag, Definition: string.Join(", ", o.Value))).ToList();
            var properties = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in scriptClass.Chain.SelectMany(c => c.Definition.Properties).Where(p => !p.IsStatic && !p.IsHidden))
            {
                if (properties.Add(property.Name)) members.Add((property.Name, "Property", FlagOf("Property"), $"{ClassTypeDisplay(property.TypeName)} {property.Name} {{get;set;}}"));
            }

            return Listed(scriptClass.Name, members);
        }

        // A type as the .NET adapter writes it in a definition: the accelerator of a common type (string, int, bool...),
        // a script's own type by its name, another as written; none written is System.Object.
        private static string ClassTypeDisplay(string? written)
        {
            if (written is null) return "System.Object";
            var full = ScriptExpressions.ResolveType(written)?.FullName;
            return full switch
            {
                "System.String" => "string",
                "System.Int32" => "int",
                "System.Int64" => "long",
                "System.Boolean" => "bool",
                "System.Double" => "double",
                "System.Decimal" => "decimal",
                "System.Char" => "char",
                "System.Byte" => "byte",
                "System.DateTime" => "datetime",
                "System.TimeSpan" => "timespan",
                "System.Collections.Hashtable" => "hashtable",
                "System.Object" => "System.Object",
                "System.String[]" => "string[]",
                "System.Int32[]" => "int[]",
                "System.Object[]" => "System.Object[]",
                "System.Void" => "void",
                // A generic as written in the script (System.Collections.Generic.List[string]), as 5.1 shows one.
                not null when full.Contains('`', StringComparison.Ordinal) => written,
                null when written.Equals("void", StringComparison.OrdinalIgnoreCase) => "void",
                null => written,
                _ => full,
            };
        }

        private IEnumerable<PsObject> Listed(string typeName, List<(string Name, string Type, int Flag, string Definition)> members) =>
            spec.Names.SelectMany(pattern => members
                .Where(m => (m.Flag & spec.MemberTypes) != 0 && ScriptExpressions.Like(m.Name, pattern))
                .OrderBy(m => m.Type, StringComparer.OrdinalIgnoreCase).ThenBy(m => m.Name, StringComparer.OrdinalIgnoreCase)
                .Select(m => MemberDefinition(typeName, m.Name, m.Type, m.Flag, m.Definition)));

        private static int FlagOf(string memberType) => MemberTypeFlags.First(f => f.Name == memberType).Value;

        // The notes an object carries of its own: those of its properties that are neither its type's .NET members nor
        // its type table's (a provider's PSPath, Get-Date's DisplayHint, Add-Member's notes). A collection's entries
        // and items are no members.
        private static IEnumerable<PsProperty> InstanceNotes(PsValue item, IReadOnlyList<string> typeNames, IReadOnlyList<DotNetMembers.Member> adapted)
        {
            if (DateDisplayHints.Of(item) is { } hint) yield return new PsProperty("DisplayHint", hint);
            if (item is not PsObject { CollectionKind: PsCollectionKind.None } o) yield break;
            foreach (var property in o.ExtendedProperties.Concat(o.AdaptedProperties))
            {
                if (adapted.Any(m => m.Name.Equals(property.Name, StringComparison.OrdinalIgnoreCase)) || ExtendedTypeMembers.Has(typeNames, property.Name)) continue;
                yield return property;
            }
        }
    }

    private static PsObject MemberDefinition(string typeName, string name, string memberType, int flag, string definition) =>
        new PsObject([MemberDefinitionTypeName, "System.Object"]) { ToStringValue = definition }
            .With("TypeName", typeName)
            .With("Name", name)
            .With("MemberType", PsObjects.Enum("System.Management.Automation.PSMemberTypes", memberType, flag))
            .With("Definition", definition);

    // PSObject's ToString overloads, as the .NET adapter writes the method the deserializer adds for a carried text.
    private const string DeserializedToStringDefinition =
        "string ToString(), string ToString(string format, System.IFormatProvider formatProvider), string IFormattable.ToString(string format, System.IFormatProvider formatProvider)";

    // PSProperty.TypeNameOfValue of a deserialized property: nothing for null, an object's first type name (an enum the
    // client sent, kept with its own names here, is as deserialized as the rest), a primitive's .NET type.
    private static string DeserializedTypeNameOfValue(PsValue? value) => value switch
    {
        null or PsNil => "",
        PsObject { TypeNames: [var first, ..] } => first.StartsWith(ScriptExpressions.DeserializedPrefix, StringComparison.Ordinal) ? first : ScriptExpressions.DeserializedPrefix + first,
        _ => ScriptExpressions.TypeName(value),
    };

    // PSNoteProperty.ToString of a note the deserializer read: an object value is a PSObject, named by its first type
    // name in full (GetDisplayTypeNameOfValue), and a list's text is its items' (PSObject.ToString of an ArrayList).
    private static string DeserializedNoteDefinition(string name, PsValue? value) => value switch
    {
        PsObject { CollectionKind: PsCollectionKind.List or PsCollectionKind.Enumerable } list =>
            $"{DeserializedTypeNameOfValue(list)} {name}={string.Join(' ', list.Items.Select(PipelineVariables.Display))}",
        PsObject { TypeNames: [_, ..] } o when !PipelineVariables.IsCustomObject(o) => $"{DeserializedTypeNameOfValue(o)} {name}={NoteValueText(o)}",
        _ => NoteDefinition(name, value),
    };

    // PSNoteProperty.ToString: the value's display type name, the name, '=', the value's ToString ("null" for none).
    private static string NoteDefinition(string name, PsValue? value) => $"{NoteTypeName(value)} {name}={NoteValueText(value)}";

    private static string NoteTypeName(PsValue? value) => value switch
    {
        null or PsNil => "object",
        PsPrimitive p => p.Type switch
        {
            PsPrimitiveType.String => "string",
            PsPrimitiveType.Boolean => "bool",
            PsPrimitiveType.Int32 => "int",
            PsPrimitiveType.Int64 => "long",
            PsPrimitiveType.Double => "double",
            PsPrimitiveType.Decimal => "decimal",
            PsPrimitiveType.DateTime => "datetime",
            PsPrimitiveType.Char => "char",
            PsPrimitiveType.Byte => "byte",
            PsPrimitiveType.SByte => "sbyte",
            PsPrimitiveType.Int16 => "int16",
            PsPrimitiveType.UInt16 => "uint16",
            PsPrimitiveType.UInt32 => "uint32",
            PsPrimitiveType.UInt64 => "uint64",
            PsPrimitiveType.Single => "float",
            PsPrimitiveType.Guid => "guid",
            PsPrimitiveType.Duration => "timespan",
            PsPrimitiveType.Version => "version",
            PsPrimitiveType.Uri => "uri",
            PsPrimitiveType.XmlDocument => "xml",
            PsPrimitiveType.ScriptBlock => "scriptblock",
            PsPrimitiveType.SecureString => "securestring",
            PsPrimitiveType.ByteArray => "byte[]",
            _ => ScriptExpressions.TypeName(p),
        },
        // A hashtable or an array is the .NET object itself: its type without its namespace ([hashtable]'s accelerator).
        PsObject { CollectionKind: not PsCollectionKind.None } collection => ScriptExpressions.TypeName(collection) switch
        {
            "System.Collections.Hashtable" => "hashtable",
            // An array of an accelerated type is named with the accelerator (a registry key's "string[] Property").
            "System.String[]" => "string[]",
            "System.Int32[]" => "int[]",
            var full => ShortTypeName(full),
        },
        // An enum is a .NET property's value as it is: its type without its namespace.
        PsObject { BaseValue: not null, TypeNames: [var enumType, ..] } => ShortTypeName(enumType),
        // An object (a PSCustomObject, a command's output) is a PSObject: its first type name.
        _ => ScriptExpressions.TypeName(value),
    };

    private static string ShortTypeName(string fullName)
    {
        var end = fullName.IndexOfAny(['`', '[']);
        var head = end < 0 ? fullName : fullName[..end];
        var dot = head.LastIndexOf('.');
        return fullName[(dot + 1)..];
    }

    private static string NoteValueText(PsValue? value) => value switch
    {
        null or PsNil => "null",
        PsObject { CollectionKind: not PsCollectionKind.None } collection => ScriptExpressions.TypeName(collection),
        PsObject custom when PipelineVariables.IsCustomObject(custom) => PipelineVariables.Display(custom),
        _ => PipelineVariables.Display(ScriptExpressions.Method(value, "ToString", [])),
    };

    /// <summary>Get-Member after a pipe: each piped object's members, then the error when nothing came.</summary>
    private sealed class GetMemberStage(RunContext context, IPipelineHost output, GetMemberSpec spec) : Stage
    {
        private readonly MemberLister _lister = new(spec);

        // An object whose members the emulator does not know ends the statement with the scenario's error, once.
        private bool _failed;

        public override async ValueTask ProcessAsync(PsValue item)
        {
            if (_failed) return;
            IEnumerable<PsObject> members;
            try
            {
                members = [.. _lister.Members(item)];
            }
            catch (ScriptExpressionException e)
            {
                _failed = true;
                await context.WriteStatementErrorAsync(e.Error, output);
                return;
            }

            foreach (var member in members) await Emit(member);
        }

        public override async ValueTask EndAsync()
        {
            if (!_lister.ShowedAny && !_failed) await context.WriteErrorAsync(NoObjectInGetMember(), output);
            await EndNext();
        }
    }

    /// <summary>Get-Member on its own: -InputObject's value as one object (an array's own members), else its error.</summary>
    private async ValueTask GetMemberAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var spec = await GetMemberSpecAsync(arguments, to, blockNesting);
        var lister = new MemberLister(spec);
        if (arguments["InputObject"] is { } inputWord)
        {
            foreach (var member in lister.Members(await ArgumentAsync(inputWord, to, blockNesting))) await output.WriteAsync(new PipelineOutput(member), cancellationToken);
        }

        if (!lister.ShowedAny) await WriteErrorAsync(NoObjectInGetMember(), output);
    }

    private static ScriptedError NoObjectInGetMember() => new(
        "You must specify an object for the Get-Member cmdlet.", "NoObjectInGetMember,Microsoft.PowerShell.Commands.GetMemberCommand",
        ErrorCategory.CloseError, "System.InvalidOperationException");
}
