using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Get-Member (<c>gm</c>) of the objects whose members the emulator knows whole: PSCustomObjects, Select-Object's
/// "Selected." objects and others a script made (their type name the first of theirs). As GetMemberCommand writes
/// them: a MemberDefinition per member, each type once (by its first type name), sorted by member type's name then
/// name, for each <c>-Name</c> pattern in turn; the object's four methods (Equals, GetHashCode, GetType, ToString) and
/// its notes ("int a=1": the value's type as PSNoteProperty names it, 5.1's accelerators for primitives, then the
/// value's ToString, "null" for none); <c>-MemberType</c> and <c>-View</c> filter. Nothing piped is its
/// NoObjectInGetMember error. UNVERIFIED: a note whose value came from a command (PowerShell then wraps it and names
/// its full type, System.String); the emulator does not tell the two apart and names a primitive's accelerator.
/// Get-Member of .NET, CIM and deserialized objects, strings and numbers (their full member tables), <c>-Force</c>
/// and <c>-Static</c> are scenario errors.
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

    private sealed record GetMemberSpec(IReadOnlyList<string> Names, int MemberTypes);

    private async ValueTask<GetMemberSpec> GetMemberSpecAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        const string Command = "Get-Member";
        if (arguments.Has("Force") || arguments.Has("Static"))
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault("Get-Member -Force and -Static (hidden and static members) are not emulated: give the command a rule"));
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
        if ((view & (AdaptedView | BaseView)) == 0) memberTypes &= ~(4 | 512 | MethodFlag);
        return new GetMemberSpec(names, memberTypes);
    }

    /// <summary>Get-Member's state over its input: the type names shown already.</summary>
    private sealed class MemberLister(GetMemberSpec spec)
    {
        private readonly HashSet<string> _shown = new(StringComparer.Ordinal);

        public bool ShowedAny => _shown.Count > 0;

        public IEnumerable<PsObject> Members(PsValue? item)
        {
            if (item is null or PsNil) return [];
            if (item is not PsObject custom || !PipelineVariables.IsCustomObject(custom) || custom.TypeNames![0].StartsWith("Deserialized.", StringComparison.Ordinal))
            {
                throw new ScriptExpressionException(ScriptedError.ScenarioFault(
                    $"Get-Member of a {ScriptExpressions.TypeName(item)} is not emulated (only of the objects a script makes, such as PSCustomObjects): give the command a rule"));
            }

            var typeName = custom.TypeNames![0];
            if (!_shown.Add(typeName)) return [];
            var members = CustomObjectMethods.Select(m => (m.Name, Type: "Method", Flag: MethodFlag, m.Definition))
                .Concat(custom.ExtendedProperties.Select(p => (p.Name, Type: "NoteProperty", Flag: NotePropertyFlag, Definition: NoteDefinition(p.Name, p.Value))))
                .ToList();
            return spec.Names.SelectMany(pattern => members
                .Where(m => (m.Flag & spec.MemberTypes) != 0 && ScriptExpressions.Like(m.Name, pattern))
                .OrderBy(m => m.Type, StringComparer.OrdinalIgnoreCase).ThenBy(m => m.Name, StringComparer.OrdinalIgnoreCase)
                .Select(m => MemberDefinition(typeName, m.Name, m.Type, m.Flag, m.Definition)));
        }
    }

    private static PsObject MemberDefinition(string typeName, string name, string memberType, int flag, string definition) =>
        new PsObject([MemberDefinitionTypeName, "System.Object"]) { ToStringValue = definition }
            .With("TypeName", typeName)
            .With("Name", name)
            .With("MemberType", PsObjects.Enum("System.Management.Automation.PSMemberTypes", memberType, flag))
            .With("Definition", definition);

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
