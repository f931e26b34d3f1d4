using System.Collections.Frozen;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The public instance members of the .NET Framework 4.8 types the emulator's objects stand for (the framework
/// KB4486153 installs on Server 2019, as the registry's NDP keys say), as Windows PowerShell 5.1's .NET adapter names and defines them for Get-Member: properties and fields
/// ("int Length {get;}"), parameterized properties ("char Chars(int index) {get;}"), methods with every overload and
/// the public interfaces' methods ("System.Object Clone(), System.Object ICloneable.Clone()") and events. The table
/// (dotnet-members.tsv, embedded) is generated from the framework's reference assemblies by the Server tests, which
/// fail when it and the assemblies disagree: it is data, reviewed like code, never hand-edited. PowerShell's own types
/// (MatchInfo, PSCredential), in no framework assembly, are a small hand table beside it.
/// UNVERIFIED: the order of a method's overloads is the reference assemblies' metadata order; Windows reflects over
/// the implementation assemblies, whose order may differ.
/// </summary>
internal static class DotNetMembers
{
    internal sealed record Member(string MemberType, string Name, string Definition);

    private const string ResourceName = "PsrpEmulator.Server.dotnet-members.tsv";

    private static readonly Lazy<FrozenDictionary<string, Member[]>> Table = new(Load);

    private const string StaticPrefix = "static ";

    /// <summary>The members of a .NET type by its full name (an array's "System.Object[]"), null when not in the table.</summary>
    public static IReadOnlyList<Member>? Of(string typeName) =>
        Table.Value.TryGetValue(typeName, out var members) ? members : PowerShellTypes.GetValueOrDefault(typeName);

    // PowerShell's own types, which no framework reference assembly holds: written from 5.1's classes as the .NET
    // adapter renders them (Select-String's MatchInfo: its properties, RelativePath and ToString's two overloads; PSCredential).
    private static readonly Dictionary<string, Member[]> PowerShellTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Microsoft.PowerShell.Commands.MatchInfo"] =
        [
            new("Property", "Context", "Microsoft.PowerShell.Commands.MatchInfoContext Context {get;set;}"),
            new("Property", "Filename", "string Filename {get;}"),
            new("Property", "IgnoreCase", "bool IgnoreCase {get;set;}"),
            new("Property", "Line", "string Line {get;set;}"),
            new("Property", "LineNumber", "int LineNumber {get;set;}"),
            new("Property", "Matches", "System.Text.RegularExpressions.Match[] Matches {get;set;}"),
            new("Property", "Path", "string Path {get;set;}"),
            new("Property", "Pattern", "string Pattern {get;set;}"),
            new("Method", "RelativePath", "string RelativePath(string directory)"),
            new("Method", "ToString", "string ToString(), string ToString(string directory)"),
            new("Method", "Equals", "bool Equals(System.Object obj)"),
            new("Method", "GetHashCode", "int GetHashCode()"),
            new("Method", "GetType", "type GetType()"),
        ],
        ["System.Management.Automation.PSCredential"] =
        [
            new("Property", "UserName", "string UserName {get;}"),
            new("Property", "Password", "securestring Password {get;}"),
            new("Method", "GetObjectData", "void GetObjectData(System.Runtime.Serialization.SerializationInfo info, System.Runtime.Serialization.StreamingContext context), " +
                "void ISerializable.GetObjectData(System.Runtime.Serialization.SerializationInfo info, System.Runtime.Serialization.StreamingContext context)"),
            new("Method", "GetNetworkCredential", "System.Net.NetworkCredential GetNetworkCredential()"),
            new("Method", "ToString", "string ToString()"),
            new("Method", "Equals", "bool Equals(System.Object obj)"),
            new("Method", "GetHashCode", "int GetHashCode()"),
            new("Method", "GetType", "type GetType()"),
        ],
    };

    /// <summary>The members of the first of an object's type names the table has (an event log entry's own first name is not one).</summary>
    public static IReadOnlyList<Member>? OfFirst(IEnumerable<string> typeNames) => typeNames.Select(Of).FirstOrDefault(m => m is not null);

    /// <summary>
    /// The type names PowerShell looks a value's members up by: an object's own, the most derived first; a value's .NET
    /// type (a byte array's with System.Array's, whose type data gives it Count).
    /// </summary>
    public static IReadOnlyList<string> TypeNamesOf(PsValue item) => item switch
    {
        PsObject { TypeNames: [_, ..] names } => names,
        PsPrimitive { Type: PsPrimitiveType.ByteArray } => ["System.Byte[]", "System.Array", "System.Object"],
        _ => [ScriptExpressions.TypeName(item)],
    };

    /// <summary>The static members and constructors ("new") of a .NET type, null when not in the table.</summary>
    public static IReadOnlyList<Member>? StaticOf(string typeName) => Table.Value.TryGetValue(StaticPrefix + typeName, out var members) ? members : null;

    internal const string PsMethodTypeName = "System.Management.Automation.PSMethod";

    private static readonly string[] PsMethodTypeNames =
        [PsMethodTypeName, "System.Management.Automation.PSMethodInfo", "System.Management.Automation.PSMemberInfo", "System.Object"];

    /// <summary>
    /// A method read without being called (<c>'text'.Split</c>, <c>[math]::Round</c>): the PSMethod PowerShell gives, its
    /// overloads' definitions in OverloadDefinitions and its ToString; null when the type has no method of that name.
    /// </summary>
    public static PsObject? MethodOf(IReadOnlyList<Member>? members, string name, bool isInstance)
    {
        if (members?.FirstOrDefault(m => m.MemberType == "Method" && m.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is not { } method) return null;
        return new PsObject(PsMethodTypeNames) { ToStringValue = method.Definition }
            .With("MemberType", PsObjects.Enum("System.Management.Automation.PSMemberTypes", "Method", 64))
            .With("OverloadDefinitions", PsObjects.List(Overloads(method.Definition).Select(PsPrimitive.String),
                ["System.Collections.ObjectModel.Collection`1[[System.String, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]", "System.Object"]))
            .With("TypeNameOfValue", PsMethodTypeName)
            .With("Value", method.Definition)
            .With("Name", method.Name)
            .With("IsInstance", isInstance);
    }

    /// <summary>A method's definition split into its overloads (", " between them, never inside a parameter list).</summary>
    public static IEnumerable<string> Overloads(string definition)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < definition.Length; i++)
        {
            switch (definition[i])
            {
                case '(': depth++; break;
                case ')': depth--; break;
                case ',' when depth == 0 && i + 1 < definition.Length && definition[i + 1] == ' ':
                    yield return definition[start..i];
                    start = i + 2;
                    break;
            }
        }

        yield return definition[start..];
    }

    /// <summary>
    /// Reads the table's text: "[Type]" lines (and "[static Type]" ones), each followed by its members as
    /// "MemberType\tName\tDefinition".
    /// </summary>
    internal static FrozenDictionary<string, Member[]> Parse(TextReader reader)
    {
        var table = new Dictionary<string, Member[]>(StringComparer.OrdinalIgnoreCase);
        string? type = null;
        var members = new List<Member>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#') continue;
            if (line[0] == '[')
            {
                if (type is not null) table[type] = [.. members];
                type = line[1..^1];
                members.Clear();
                continue;
            }

            var parts = line.Split('\t');
            if (type is null || parts.Length != 3) throw new InvalidDataException($"dotnet-members.tsv: bad line '{line}'");
            members.Add(new Member(parts[0], parts[1], parts[2]));
        }

        if (type is not null) table[type] = [.. members];
        return table.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    private static FrozenDictionary<string, Member[]> Load()
    {
        using var stream = typeof(DotNetMembers).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        return Parse(reader);
    }
}
