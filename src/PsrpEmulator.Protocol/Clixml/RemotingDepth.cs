namespace PsrpEmulator.Protocol.Clixml;

/// <summary>
/// How deep PowerShell's serializer writes an object for remoting (InternalSerializer with
/// Fragmentor.SerializationDepthForRemoting = 1 and SerializationOptions.RemotingOptions): an object's adapted
/// properties (<c>Props</c>) are written one level less deep, its instance members (<c>MS</c>: a PSCustomObject's
/// notes, Add-Member's) at its own depth; containers (LST, DCT, ...) do not count, their items are written at the
/// container's depth; a complex object with no depth left is its text (<c>&lt;S&gt;</c>), or that text with its notes
/// around it (an <c>Obj</c> wrapping the string); an enum is such an object too. So Windows sends <c>(Get-Service WinRM).RequiredServices</c> as
/// texts, and a PSCustomObject's nested PSCustomObjects whole. Some objects choose their own depth whatever the
/// current one (GetDepthOfSerialization): CIM instances and PSCredentials 1, PSSenderInfo 4, the SerializationDepth of
/// the built-in types.ps1xml and typesv3.ps1xml (a FileSystemSecurity 1, so Get-Acl's Access rules go as texts; a Job
/// 2...), and a deserialized object at least 1. Past 50 levels below the top the serializer writes a fixed text
/// instead of the object.
/// </summary>
public static class RemotingDepth
{
    /// <summary>Fragmentor.SerializationDepthForRemoting.</summary>
    public const int ForRemoting = 1;

    /// <summary>InternalSerializer.MaxDepthBelowTopLevel.</summary>
    public const int MaxDepthBelowTopLevel = 50;

    /// <summary>What the serializer writes at <see cref="MaxDepthBelowTopLevel"/> (Serialization.resx's DeserializationTooDeep).</summary>
    public const string TooDeepText = "Serialized XML is nested too deeply.";

    // The SerializationDepth of the built-in type data (types.ps1xml, typesv3.ps1xml; GetEvent.types.ps1xml has none),
    // by type name: the first of an object's type names that has one gives it, as TypeTable.GetSerializationDepth.
    private static readonly Dictionary<string, int> TypeDepths = new(StringComparer.OrdinalIgnoreCase)
    {
        ["System.Net.IPAddress"] = 1, ["System.Management.Automation.Signature"] = 2, ["System.Management.Automation.Job"] = 2,
        ["System.Management.Automation.JobStateInfo"] = 1, ["System.Net.Mail.MailAddress"] = 1, ["System.Globalization.CultureInfo"] = 1,
        ["System.Management.Automation.PSCredential"] = 1, ["System.Management.Automation.PSPrimitiveDictionary"] = 1,
        ["System.Management.Automation.SwitchParameter"] = 1, ["System.Management.Automation.PSListModifier"] = 2,
        ["System.Security.Cryptography.X509Certificates.X509Certificate2"] = 1, ["System.Security.Cryptography.X509Certificates.X500DistinguishedName"] = 1,
        ["System.Security.AccessControl.RegistrySecurity"] = 1, ["System.Security.AccessControl.FileSystemSecurity"] = 1, ["HelpInfo"] = 1,
        ["System.Management.Automation.ExtendedTypeDefinition"] = 1, ["System.Management.Automation.FormatViewDefinition"] = 1,
        ["System.Management.Automation.PSControl"] = 1, ["System.Management.Automation.PSControlGroupBy"] = 2, ["System.Management.Automation.EntrySelectedBy"] = 1,
        ["System.Management.Automation.DisplayEntry"] = 1, ["System.Management.Automation.TableControlColumnHeader"] = 1,
        ["System.Management.Automation.TableControlRow"] = 1, ["System.Management.Automation.TableControlColumn"] = 1,
        ["System.Management.Automation.ListControlEntry"] = 1, ["System.Management.Automation.ListControlEntryItem"] = 1,
        ["System.Management.Automation.WideControlEntryItem"] = 1, ["System.Management.Automation.CustomControlEntry"] = 1,
        ["System.Management.Automation.CustomItemBase"] = 1, ["Microsoft.PowerShell.Commands.Internal.Format.FormatInfoData"] = 1,
        ["Deserialized.Microsoft.PowerShell.Commands.Internal.Format.FormatInfoData"] = 1, ["System.Management.ManagementEventArgs"] = 2,
        ["Deserialized.System.Management.ManagementEventArgs"] = 2, ["Microsoft.Management.Infrastructure.CimCmdlets.CimIndicationEventInstanceEventArgs"] = 1,
        ["System.Management.Automation.Breakpoint"] = 1, ["System.Management.Automation.BreakpointUpdatedEventArgs"] = 2,
        ["System.Management.Automation.DebuggerCommand"] = 1, ["System.Management.Automation.DebuggerCommandResults"] = 1,
        ["System.Management.Automation.CompletionResult"] = 1, ["System.Management.Automation.CommandCompletion"] = 1,
        ["Microsoft.PowerShell.Commands.ModuleSpecification"] = 1, ["System.Management.Automation.JobStateEventArgs"] = 2, ["System.Exception"] = 1,
        ["System.Management.Automation.Remoting.PSSessionOption"] = 1, ["System.Management.Automation.DebuggerStopEventArgs"] = 2,
    };

    // Types whose types.ps1xml says SerializationMethod SpecificProperties: of their properties only these are written
    // (an instance's notes still are, the type table's own members not), as a 5.1 export of a certificate shows.
    private static readonly Dictionary<string, (string[] Keep, string[] TypeMembers)> SpecificProperties = new(StringComparer.OrdinalIgnoreCase)
    {
        ["System.Security.Cryptography.X509Certificates.X509Certificate2"] =
            (["RawData"], ["EnhancedKeyUsageList", "DnsNameList", "SendAsTrustedIssuer", "EnrollmentPolicyEndPoint", "EnrollmentServerEndPoint", "PolicyId"]),
        ["System.Security.Cryptography.X509Certificates.X500DistinguishedName"] = (["RawData"], []),
    };

    /// <summary>
    /// <paramref name="value"/> as a Windows endpoint would write it to depth <paramref name="depth"/>: the same
    /// instance when nothing in it is cut. <paramref name="text"/> gives a complex object's ToString;
    /// <paramref name="wrapped"/>, when given, a primitive's PSObject when PowerShell added instance members to it
    /// (Get-Date's DisplayHint), else null. <paramref name="typeMembers"/> names the properties the type table
    /// (types.ps1xml: alias, script, code and note properties) gives a type name: the serializer writes those with the
    /// adapted properties, one level less deep than an instance's notes, so a Get-Acl object's Access goes as its rules'
    /// texts while its PSDrive note goes whole (as a 5.1 export of one shows). The wire format cannot know them: the
    /// caller's type data does (none when null).
    /// </summary>
    public static PsValue Apply(PsValue value, Func<PsObject, string> text, int depth = ForRemoting, Func<PsPrimitive, PsObject?>? wrapped = null,
        Func<string, IReadOnlyList<string>>? typeMembers = null) =>
        value is PsObject || (wrapped is not null && value is PsPrimitive) ? new Walker(text, wrapped, typeMembers).Write(value, depth, 0) : value;

    /// <summary>
    /// <paramref name="owner"/> with its instance member <paramref name="name"/> cut as the serializer writes a note of
    /// an object at depth <paramref name="depth"/> (a note keeps its owner's depth): an ErrorRecord's TargetObject,
    /// which ErrorRecord.ToPSObjectForRemoting adds as a note. The same instance when nothing is cut, else a shallow
    /// copy (the owner may be kept whole elsewhere, as in <c>$Error</c>).
    /// </summary>
    public static PsObject ApplyToNote(PsObject owner, string name, Func<PsObject, string> text, int depth = ForRemoting, Func<PsPrimitive, PsObject?>? wrapped = null,
        Func<string, IReadOnlyList<string>>? typeMembers = null)
    {
        ArgumentNullException.ThrowIfNull(owner);
        for (var i = 0; i < owner.ExtendedProperties.Count; i++)
        {
            var property = owner.ExtendedProperties[i];
            if (property.Value is not (PsObject or PsPrimitive) || !string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase)) continue;
            var written = new Walker(text, wrapped, typeMembers).Write(property.Value, depth, 1);
            if (ReferenceEquals(written, property.Value)) return owner;
            var copy = owner.ShallowCopy();
            copy.ExtendedProperties[i] = property with { Value = written };
            return copy;
        }

        return owner;
    }

    private sealed class Walker(Func<PsObject, string> text, Func<PsPrimitive, PsObject?>? wrapped, Func<string, IReadOnlyList<string>>? typeMembersOf)
    {
        // Objects already written, by reference: a second occurrence (or a cycle) is the first one's result, as the
        // serializer writes a <Ref> to it. Made at the first nested object, so a flat object costs nothing.
        private Dictionary<PsObject, PsValue>? _written;
        private PsObject? _top;

        public PsValue Write(PsValue value, int depth, int level)
        {
            // The serializer counts every value it writes but $null; the top is level 1 to it.
            if (value is PsNil) return value;
            if (level + 1 >= MaxDepthBelowTopLevel) return PsPrimitive.String(TooDeepText);
            if (value is PsPrimitive primitive && wrapped?.Invoke(primitive) is { } members) value = members;
            if (value is not PsObject obj) return value;
            if (level == 0) _top = obj;
            else if (Written.TryGetValue(obj, out var done)) return done;
            else Written[obj] = obj;

            depth = DepthOf(obj, depth);
            if (SpecificOf(obj) is var (keep, dropped))
            {
                var specific = obj.ShallowCopy();
                specific.AdaptedProperties.RemoveAll(p => !Array.Exists(keep, k => string.Equals(k, p.Name, StringComparison.OrdinalIgnoreCase)));
                specific.ExtendedProperties.RemoveAll(p => Array.Exists(dropped, m => string.Equals(m, p.Name, StringComparison.OrdinalIgnoreCase)));
                if (level == 0) _top = specific;
                Written[obj] = specific;
                obj = specific;
            }

            // An enum is no primitive to the serializer: with no depth left it is its name, like any complex object.
            if (obj.CollectionKind == PsCollectionKind.None && (obj.BaseValue is null || IsEnum(obj)) && depth <= 0) return AsText(obj, level);
            PsObject? copy = null;
            for (var i = 0; i < obj.Items.Count; i++)
            {
                var item = Write(obj.Items[i], depth, level + 1);
                if (!ReferenceEquals(item, obj.Items[i])) (copy ??= Copy(obj)).Items[i] = item;
            }

            for (var i = 0; i < obj.Entries.Count; i++)
            {
                var (key, entry) = (obj.Entries[i].Key, obj.Entries[i].Value);
                var (newKey, newEntry) = (Write(key, depth, level + 1), Write(entry, depth, level + 1));
                if (!ReferenceEquals(newKey, key) || !ReferenceEquals(newEntry, entry)) (copy ??= Copy(obj)).Entries[i] = new(newKey, newEntry);
            }

            // A container with no depth left keeps its items only.
            if (obj.CollectionKind != PsCollectionKind.None && depth <= 0)
            {
                if (obj.AdaptedProperties.Count == 0 && obj.ExtendedProperties.Count == 0) return copy ?? obj;
                copy ??= Copy(obj);
                copy.AdaptedProperties.Clear();
                copy.ExtendedProperties.Clear();
                return copy;
            }

            for (var i = 0; i < obj.AdaptedProperties.Count; i++)
            {
                var property = obj.AdaptedProperties[i];
                var written = Write(property.Value, depth - 1, level + 1);
                if (!ReferenceEquals(written, property.Value)) (copy ??= Copy(obj)).AdaptedProperties[i] = property with { Value = written };
            }

            var typeMembers = TypeMembersOf(obj);
            for (var i = 0; i < obj.ExtendedProperties.Count; i++)
            {
                var property = obj.ExtendedProperties[i];
                var fromTypeTable = typeMembers is not null && typeMembers.Exists(m => string.Equals(m, property.Name, StringComparison.OrdinalIgnoreCase));
                var written = Write(property.Value, fromTypeTable ? depth - 1 : depth, level + 1);
                if (!ReferenceEquals(written, property.Value)) (copy ??= Copy(obj)).ExtendedProperties[i] = property with { Value = written };
            }

            return copy ?? obj;
        }

        private Dictionary<PsObject, PsValue> Written
        {
            get
            {
                if (_written is null)
                {
                    _written = new Dictionary<PsObject, PsValue>(ReferenceEqualityComparer.Instance);
                    if (_top is not null) _written[_top] = _top;
                }

                return _written;
            }
        }

        private int DepthOf(PsObject obj, int depth)
        {
            if (obj.TypeNames is not { Count: > 0 } names) return depth;
            // The serializer's own choices, by the base object's type (a deserialized one is no CimInstance).
            foreach (var name in names)
            {
                if (name is "Microsoft.Management.Infrastructure.CimInstance" or "System.Management.Automation.PSCredential" or "System.Management.Automation.SwitchParameter") return 1;
                if (name is "System.Management.Automation.Remoting.PSSenderInfo") return 4;
            }

            foreach (var name in names)
            {
                if (TypeDepths.TryGetValue(name, out var typed)) return typed;
            }

            return names[0].StartsWith("Deserialized.", StringComparison.Ordinal) && depth <= 0 ? 1 : depth;
        }

        // A complex object with no depth left: its text, with its notes (at no depth) around it when it has any.
        private PsValue AsText(PsObject obj, int level)
        {
            var shown = PsPrimitive.String(text(obj));
            // Only instance notes go around the text (PSObjectHasNotes): the type table's members (a DirectoryInfo's
            // Mode and BaseName) do not, so a FileInfo's Directory is a plain <S>.
            var typeMembers = TypeMembersOf(obj);
            bool IsNote(PsProperty property) => typeMembers is null || !typeMembers.Exists(m => string.Equals(m, property.Name, StringComparison.OrdinalIgnoreCase));
            if (!obj.ExtendedProperties.Exists(IsNote)) return Remember(obj, shown);
            var wrapped = new PsObject(IsSelected(obj) ? obj.TypeNames : null) { BaseValue = shown };
            Remember(obj, wrapped);
            foreach (var property in obj.ExtendedProperties)
            {
                if (IsNote(property)) wrapped.ExtendedProperties.Add(property with { Value = Write(property.Value, 0, level + 1) });
            }

            return wrapped;
        }

        private static (string[] Keep, string[] TypeMembers)? SpecificOf(PsObject obj)
        {
            if (obj.TypeNames is not { Count: > 1 } names) return null;
            foreach (var name in names)
            {
                if (SpecificProperties.TryGetValue(name, out var specific)) return specific;
            }

            return null;
        }

        // The type table's properties of all the object's type names (a FileInfo's own and its base types').
        private List<string>? TypeMembersOf(PsObject obj)
        {
            if (typeMembersOf is null || obj.TypeNames is not { Count: > 1 } names) return null;
            List<string>? members = null;
            foreach (var name in names)
            {
                if (typeMembersOf(name) is { Count: > 0 } found) (members ??= []).AddRange(found);
            }

            return members;
        }

        private static bool IsEnum(PsObject obj) => obj.TypeNames is { } names && names.Contains("System.Enum");

        // Select-Object's type names are added to the object's own, so the serializer writes them (a modified TN).
        private static bool IsSelected(PsObject obj) => obj.TypeNames is [var first, ..] && first.StartsWith("Selected.", StringComparison.Ordinal);

        private PsValue Remember(PsObject obj, PsValue written)
        {
            Written[obj] = written;
            return written;
        }

        // A shallow copy, which later references to the original get.
        private PsObject Copy(PsObject obj)
        {
            var copy = obj.ShallowCopy();
            Written[obj] = copy;
            return copy;
        }
    }
}
