using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// A WMI class a scenario gives the computers (its <c>wmi:</c> section): its namespace, name, key properties and
/// instances, each a list of properties in WinRM's order (by name, case ignored, as WinRM writes them).
/// </summary>
internal sealed record WmiClassSeed(string Namespace, string ClassName, string? Computer, IReadOnlyList<string> Keys, IReadOnlyList<IReadOnlyList<WmiProperty>> Instances)
{
    /// <summary>The instances are the computer's as they are now (made from its state), not a scenario's to bring up to date.</summary>
    public bool IsLive { get; init; }

    /// <summary>The class's property names (the first instance's; every instance has them all).</summary>
    public IReadOnlyList<string> PropertyNames { get; } = Instances.Count == 0 ? [] : [.. Instances[0].Select(p => p.Name)];
}

/// <summary>
/// Reads the <c>wmi:</c> section of a scenario: items with <c>class:</c>, <c>namespace:</c> (default <c>root/cimv2</c>),
/// <c>computer:</c> (that computer only), <c>keys:</c> (the key properties a Get's selectors name) and
/// <c>instances:</c>, each a mapping of property names to values: a scalar (text as WinRM writes it; <c>true</c>,
/// <c>42</c>), <c>null</c> (<c>xsi:nil</c>), a list (an array), <c>!datetime</c> / <c>!!timestamp</c> (a
/// <c>cim:Datetime</c>) or <c>!timespan</c> (a <c>cim:Interval</c>). <c>{computername}</c> in a value is the computer's
/// name. A property an instance leaves out is null in it. Complaints name the file, line and column.
/// </summary>
internal static class WmiClassParser
{
    private static readonly string[] Keys = ["class", "namespace", "computer", "keys", "instances"];

    public static List<WmiClassSeed> Parse(string yaml, string source)
    {
        if (YamlText.Section(yaml, "wmi") is not { } value) return [];
        if (value is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" }) return [];
        if (value is not YamlSequenceNode items) throw Error(source, value, "'wmi:' is a list of classes with 'class:' and 'instances:'");
        return [.. items.Children.Select(item => Read(source, item))];
    }

    private static WmiClassSeed Read(string source, YamlNode node)
    {
        if (node is not YamlMappingNode map) throw Error(source, node, "a WMI class is a mapping with 'class:' and 'instances:'");
        string? className = null, wmiNamespace = null, computer = null;
        List<string> keys = [];
        YamlSequenceNode? instances = null;
        foreach (var (key, value) in map.Children)
        {
            var name = key is YamlScalarNode k ? k.Value : null;
            if (name is null || !Keys.Contains(name)) throw Error(source, key, $"unknown WMI class key '{name}'; expected one of: {string.Join(", ", Keys)}");
            switch (name)
            {
                case "class": className = Scalar(source, value, name); break;
                case "namespace": wmiNamespace = Scalar(source, value, name).Replace('\\', '/').Trim('/'); break;
                case "computer": computer = Scalar(source, value, name); break;
                case "keys":
                    keys = value is YamlSequenceNode list
                        ? [.. list.Children.Select(c => Scalar(source, c, "keys"))]
                        : [Scalar(source, value, name)];
                    break;
                default:
                    instances = value as YamlSequenceNode ?? throw Error(source, value, "'instances:' is a list of mappings of property names to values");
                    break;
            }
        }

        if (className is null || !IsName(className)) throw Error(source, map, $"a WMI class needs 'class:' with a class name (letters, digits, '_'), such as Win32_Service");
        if (wmiNamespace is { Length: 0 } || (wmiNamespace is not null && !wmiNamespace.Split('/').All(IsName)))
        {
            throw Error(source, map, $"'namespace: {wmiNamespace}' is not a WMI namespace such as root/cimv2");
        }

        var read = new List<Dictionary<string, WmiProperty>>();
        var names = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var instance in instances?.Children ?? [])
        {
            if (instance is not YamlMappingNode properties) throw Error(source, instance, "an instance is a mapping of property names to values");
            var values = new Dictionary<string, WmiProperty>(StringComparer.OrdinalIgnoreCase);
            foreach (var (key, value) in properties.Children)
            {
                var name = key is YamlScalarNode k ? k.Value : null;
                if (name is null || !IsName(name)) throw Error(source, key, $"'{name}' is not a property name (letters, digits, '_')");
                if (!values.TryAdd(name, Property(source, name, value))) throw Error(source, key, $"the property '{name}' is given twice");
                names.TryAdd(name, name);
            }

            read.Add(values);
        }

        foreach (var key in keys)
        {
            if (!names.ContainsKey(key)) throw Error(source, map, $"the key '{key}' is not a property of the instances of {className}");
        }

        // Every instance has every property, in WinRM's order; one an instance leaves out is null in it.
        IReadOnlyList<IReadOnlyList<WmiProperty>> ordered = [.. read.Select(values => (IReadOnlyList<WmiProperty>)[.. names.Values.Select(n =>
            values.TryGetValue(n, out var p) ? p with { Name = n } : new WmiProperty(n, WmiValueKind.Null, []))])];
        return new WmiClassSeed(wmiNamespace ?? "root/cimv2", className, computer, [.. keys.Select(k => names[k])], ordered);
    }

    private static WmiProperty Property(string source, string name, YamlNode node)
    {
        if (node is YamlSequenceNode list)
        {
            var items = list.Children.Select(c => Property(source, name, c)).ToList();
            if (items.Any(i => i.Kind == WmiValueKind.Null)) throw Error(source, node, $"an array ('{name}') holds no nulls");
            var kind = items.Count == 0 ? WmiValueKind.Text : items[0].Kind;
            if (items.Any(i => i.Kind != kind)) throw Error(source, node, $"an array ('{name}') holds values of one kind");
            return new WmiProperty(name, items.Count == 0 ? WmiValueKind.Null : kind, [.. items.SelectMany(i => i.Values)]) { IsArray = true };
        }

        if (node is not YamlScalarNode scalar) throw Error(source, node, $"'{name}' takes a value or a list of values");
        if (scalar.Style == ScalarStyle.Plain && scalar.Tag.IsEmpty && scalar.Value is null or "~" or "null" or "Null" or "NULL")
        {
            return new WmiProperty(name, WmiValueKind.Null, []);
        }

        var text = scalar.Value ?? string.Empty;
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value.TrimStart('!');
        switch (tag?.ToLowerInvariant())
        {
            case null or "str" or "tag:yaml.org,2002:str" or "tag:yaml.org,2002:int" or "tag:yaml.org,2002:bool" or "tag:yaml.org,2002:float":
                return new WmiProperty(name, WmiValueKind.Text, [text]);
            case "datetime" or "timestamp" or "tag:yaml.org,2002:timestamp":
                if (!DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var date))
                {
                    throw Error(source, node, $"'{text}' is not a date and time ('{name}')");
                }

                return new WmiProperty(name, WmiValueKind.Datetime, [System.Xml.XmlConvert.ToString(date)]);
            case "timespan" or "interval":
                try
                {
                    var span = text.StartsWith('P') ? System.Xml.XmlConvert.ToTimeSpan(text) : TimeSpan.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
                    return new WmiProperty(name, WmiValueKind.Interval, [XsDuration.FormatDayTime(span)]);
                }
                catch (Exception e) when (e is FormatException or OverflowException)
                {
                    throw Error(source, node, $"'{text}' is not a time span ('{name}')");
                }

            default:
                throw Error(source, node, $"'!{tag}' is not a WMI value's tag; use none (text), !datetime or !timespan");
        }
    }

    private static string Scalar(string source, YamlNode node, string key) =>
        node is YamlScalarNode { Value: { Length: > 0 } value } ? value : throw Error(source, node, $"'{key}' takes a single value");

    private static bool IsName(string text) => text.Length > 0 && !char.IsDigit(text[0]) && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static BehaviourLoadException Error(string source, YamlNode node, string message) => YamlText.LoadError(source, node, message);
}
