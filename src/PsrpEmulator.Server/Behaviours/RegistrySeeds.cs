using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>A registry key a scenario puts on the computers before any session starts, with its values.</summary>
internal sealed record RegistrySeed(string Hive, string Path, IReadOnlyList<RegistryValue> Values, string? Computer);

/// <summary>
/// Reads the <c>registry:</c> section of a scenario: items with <c>key:</c> (HKLM:\..., HKCU:\..., or
/// HKEY_LOCAL_MACHINE\...; an HKCU key is in every user's hive), <c>values:</c> (name: data) and <c>computer:</c> (that
/// computer only). A value's type follows its YAML: a plain number is a REG_DWORD (a QWORD when it does not fit in 32
/// bits), any other text a REG_SZ, a list a REG_MULTI_SZ; or it is said: <c>{ dword: 1 }</c>, <c>{ qword: 1 }</c>,
/// <c>{ string: '1' }</c>, <c>{ expand: '%SystemRoot%\x' }</c>, <c>{ multi: [a, b] }</c>, <c>{ binary: base64 }</c>.
/// The name <c>(default)</c> is the key's default value. Complaints name the file, line and column.
/// </summary>
internal static class RegistrySeedParser
{
    private static readonly string[] Keys = ["key", "values", "computer"];
    private static readonly string[] Kinds = ["dword", "qword", "string", "expand", "multi", "binary"];

    public static List<RegistrySeed> Parse(string yaml, string source)
    {
        if (YamlText.Section(yaml, "registry") is not { } value) return [];
        if (value is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" }) return [];
        if (value is not YamlSequenceNode items) throw Error(source, value, "'registry:' is a list of keys, each with 'key:' and 'values:'");
        return [.. items.Children.Select(item => Read(source, item))];
    }

    private static RegistrySeed Read(string source, YamlNode node)
    {
        if (node is not YamlMappingNode map) throw Error(source, node, "a registry key is a mapping with 'key:' (HKLM:\\... or HKCU:\\...) and 'values:'");
        string? name = null, computer = null;
        YamlMappingNode? values = null;
        YamlNode keyNode = map;
        foreach (var (key, value) in map.Children)
        {
            var field = key is YamlScalarNode k ? k.Value : null;
            if (field is null || !Keys.Contains(field)) throw Error(source, key, $"unknown registry key field '{field}'; expected one of: {string.Join(", ", Keys)}");
            switch (field)
            {
                case "key":
                    name = (value as YamlScalarNode)?.Value ?? throw Error(source, value, "'key' takes a single value (HKLM:\\SOFTWARE\\...)");
                    keyNode = value;
                    break;
                case "computer":
                    computer = (value as YamlScalarNode)?.Value ?? throw Error(source, value, "'computer' takes a single value");
                    break;
                default:
                    if (value is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" }) break;
                    values = value as YamlMappingNode ?? throw Error(source, value, "'values' is a mapping of value names to data");
                    break;
            }
        }

        if (name is null) throw Error(source, map, "a registry key needs 'key:' (such as 'HKLM:\\SOFTWARE\\Contoso')");
        if (RegistryPath.Parse(name, slashSeparates: false) is not { } path || path.Path.Length == 0)
        {
            throw Error(source, keyNode, $"'{name}' is not a key of HKEY_LOCAL_MACHINE or HKEY_CURRENT_USER (HKLM:\\SOFTWARE\\..., HKCU:\\Software\\...)");
        }

        var read = new List<RegistryValue>();
        foreach (var (key, data) in values?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
        {
            var valueName = (key as YamlScalarNode)?.Value ?? throw Error(source, key, "a value's name is text");
            if (valueName.Equals("(default)", StringComparison.OrdinalIgnoreCase)) valueName = string.Empty;
            if (read.Exists(v => v.Name.Equals(valueName, StringComparison.OrdinalIgnoreCase))) throw Error(source, key, $"the value '{valueName}' is given twice");
            read.Add(Value(source, valueName, data));
        }

        return new RegistrySeed(path.Hive, path.Path, read, computer);
    }

    private static RegistryValue Value(string source, string name, YamlNode node)
    {
        switch (node)
        {
            case YamlSequenceNode list:
                return new(name, RegistryValueKind.MultiString, Strings(source, list));
            case YamlScalarNode { Style: ScalarStyle.Plain } plain when Number(plain.Value) is { } number:
                return number is >= int.MinValue and <= uint.MaxValue
                    ? new(name, RegistryValueKind.DWord, unchecked((int)number))
                    : new(name, RegistryValueKind.QWord, number);
            case YamlScalarNode scalar:
                return new(name, RegistryValueKind.String, scalar.Value ?? string.Empty);
            case YamlMappingNode { Children.Count: 1 } typed when typed.Children.First() is var (kindNode, data) && kindNode is YamlScalarNode { Value: { } kind } && Kinds.Contains(kind):
                var text = (data as YamlScalarNode)?.Value;
                switch (kind)
                {
                    case "multi":
                        return new(name, RegistryValueKind.MultiString, data is YamlSequenceNode items ? Strings(source, items) : throw Error(source, data, "'multi' takes a list of texts"));
                    case "string" or "expand":
                        return new(name, kind == "string" ? RegistryValueKind.String : RegistryValueKind.ExpandString, text ?? throw Error(source, data, $"'{kind}' takes a text"));
                    case "binary":
                        try
                        {
                            return new(name, RegistryValueKind.Binary, Convert.FromBase64String(text ?? throw Error(source, data, "'binary' takes base64")));
                        }
                        catch (FormatException)
                        {
                            throw Error(source, data, "'binary' takes base64");
                        }

                    default:
                        var dword = kind == "dword";
                        if (Number(text) is not { } value || (dword && value is < int.MinValue or > uint.MaxValue))
                        {
                            throw Error(source, data, $"'{kind}' takes a {(dword ? "32" : "64")}-bit number (decimal, or hex as 0x...)");
                        }

                        return dword ? new(name, RegistryValueKind.DWord, unchecked((int)value)) : new(name, RegistryValueKind.QWord, value);
                }

            default:
                throw Error(source, node, $"a value is text, a number, a list, or one of {{ {string.Join(" | ", Kinds)}: data }}");
        }
    }

    private static string[] Strings(string source, YamlSequenceNode list) =>
        [.. list.Children.Select(item => (item as YamlScalarNode)?.Value ?? throw Error(source, item, "a REG_MULTI_SZ holds texts"))];

    // A decimal or 0x hex number (a QWORD's bits as a long: 0xFFFFFFFFFFFFFFFF is -1).
    private static long? Number(string? text)
    {
        if (text is null) return null;
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) ? unchecked((long)hex) : null;
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? number : null;
    }

    private static BehaviourLoadException Error(string source, YamlNode node, string message) => YamlText.LoadError(source, node, message);
}

/// <summary>
/// A registry key's path as PowerShell and reg.exe write it: <c>HKLM:\x</c>, <c>HKCU:\x</c>,
/// <c>Registry::HKEY_LOCAL_MACHINE\x</c> (and <c>Microsoft.PowerShell.Core\Registry::</c>), <c>HKLM\x</c>,
/// <c>HKEY_CURRENT_USER\x</c>: the hive's full name and the path below it (no leading or trailing backslash).
/// <see cref="Drive"/> says it was written on a PowerShell drive (HKLM:, HKCU:).
/// </summary>
internal sealed record RegistryPath(string Hive, string Path, bool Drive)
{
    /// <param name="slashSeparates">
    /// Whether a <c>/</c> separates keys, as PowerShell reads a path; for reg.exe, .NET's API and the scenario's keys it
    /// is part of a key's name (SCHANNEL's <c>Ciphers\RC4 128/128</c>).
    /// </param>
    public static RegistryPath? Parse(string text, bool slashSeparates = true)
    {
        var rest = text.Trim();
        var drive = false;
        if (rest.StartsWith(@"Microsoft.PowerShell.Core\Registry::", StringComparison.OrdinalIgnoreCase)) rest = rest[@"Microsoft.PowerShell.Core\Registry::".Length..];
        else if (rest.StartsWith("Registry::", StringComparison.OrdinalIgnoreCase)) rest = rest["Registry::".Length..];
        else if (rest.Length >= 5 && rest[4] == ':' && (rest.StartsWith("HKLM", StringComparison.OrdinalIgnoreCase) || rest.StartsWith("HKCU", StringComparison.OrdinalIgnoreCase)))
        {
            drive = true;
            // HKLM:SOFTWARE\x is drive-relative: below the drive's location, its root (Packer's reboot checks write it so).
            rest = rest[..4] + (rest.Length > 5 && rest[5] is not ('\\' or '/') ? "\\" : string.Empty) + rest[5..];
        }

        if (slashSeparates) rest = rest.Replace('/', '\\');
        var slash = rest.IndexOf('\\');
        var first = slash < 0 ? rest : rest[..slash];
        var below = slash < 0 ? string.Empty : string.Join('\\', rest[(slash + 1)..].Split('\\', StringSplitOptions.RemoveEmptyEntries));
        var hive = first.ToUpperInvariant() switch
        {
            "HKLM" or "HKEY_LOCAL_MACHINE" => VirtualRegistry.LocalMachine,
            "HKCU" or "HKEY_CURRENT_USER" => VirtualRegistry.CurrentUser,
            _ => null,
        };
        return hive is null ? null : new RegistryPath(hive, below, drive);
    }

    /// <summary>The short drive name of the hive (HKLM, HKCU).</summary>
    public string DriveName => Hive == VirtualRegistry.LocalMachine ? "HKLM" : "HKCU";

    /// <summary>The full name, as reg.exe and a RegistryKey's Name write it: HKEY_LOCAL_MACHINE\SOFTWARE\x.</summary>
    public string FullName => Path.Length == 0 ? Hive : Hive + "\\" + Path;

    /// <summary>The provider path PowerShell gives items: Microsoft.PowerShell.Core\Registry::HKEY_LOCAL_MACHINE\x.</summary>
    public string ProviderPath => @"Microsoft.PowerShell.Core\Registry::" + FullName;

    public RegistryPath Child(string name) => this with { Path = Path.Length == 0 ? name : Path + "\\" + name };

    public RegistryPath? Parent => Path.Length == 0 ? null : this with { Path = VirtualRegistry.ParentPath(Path) };

    public string Leaf => Path.Length == 0 ? Hive : Path[(Path.LastIndexOf('\\') + 1)..];
}
