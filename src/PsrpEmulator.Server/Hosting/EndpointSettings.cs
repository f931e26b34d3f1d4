using YamlDotNet.RepresentationModel;

namespace PsrpEmulator.Server.Hosting;

/// <summary>Per-endpoint (session configuration) overrides; unset values fall back to the emulator-wide options.</summary>
public sealed class EndpointOptions
{
    public OutputBufferMode? BufferMode { get; set; }

    /// <summary>Output buffer per pipeline, in PSRP data objects.</summary>
    public int? OutputBufferCapacity { get; set; }

    public TimeSpan? IdleTimeout { get; set; }

    public TimeSpan? MaxIdleTimeout { get; set; }

    /// <summary>PowerShell's MaximumReceivedDataSizePerCommandMB; negative: unlimited.</summary>
    public int? MaximumReceivedDataSizePerCommandMB { get; set; }

    /// <summary>PowerShell's MaximumReceivedObjectSizeMB; negative: unlimited.</summary>
    public int? MaximumReceivedObjectSizeMB { get; set; }

    internal EndpointOptions OverlaidBy(EndpointOptions? other) => other is null ? this : new EndpointOptions
    {
        BufferMode = other.BufferMode ?? BufferMode,
        OutputBufferCapacity = other.OutputBufferCapacity ?? OutputBufferCapacity,
        IdleTimeout = other.IdleTimeout ?? IdleTimeout,
        MaxIdleTimeout = other.MaxIdleTimeout ?? MaxIdleTimeout,
        MaximumReceivedDataSizePerCommandMB = other.MaximumReceivedDataSizePerCommandMB ?? MaximumReceivedDataSizePerCommandMB,
        MaximumReceivedObjectSizeMB = other.MaximumReceivedObjectSizeMB ?? MaximumReceivedObjectSizeMB,
    };
}

/// <summary>
/// What one endpoint uses, all values resolved. <paramref name="MaximumReceivedDataSizePerCommand"/> and
/// <paramref name="MaximumReceivedObjectSize"/> are in bytes, -1 for unlimited.
/// </summary>
public sealed record EndpointSettings(string Name, OutputBufferMode BufferMode, int OutputBufferCapacity, TimeSpan IdleTimeout, TimeSpan MaxIdleTimeout,
    int MaximumReceivedDataSizePerCommand = EndpointSettings.DefaultMaximumReceivedDataSizePerCommandMB << 20,
    int MaximumReceivedObjectSize = EndpointSettings.DefaultMaximumReceivedObjectSizeMB << 20)
{
    /// <summary>PowerShell's default MaximumReceivedDataSizePerCommandMB (BaseTransportManager: 50 MB).</summary>
    public const int DefaultMaximumReceivedDataSizePerCommandMB = 50;

    /// <summary>PowerShell's default MaximumReceivedObjectSizeMB (BaseTransportManager: 10 MB).</summary>
    public const int DefaultMaximumReceivedObjectSizeMB = 10;

    /// <summary>The largest size in MB: PowerShell holds these quotas in bytes, in an int.</summary>
    public const int MaximumMB = int.MaxValue >> 20;

    /// <summary>A size in MB as PowerShell reads it (MB × 1024 × 1024); negative: unlimited (-1).</summary>
    public static int Bytes(int megabytes) => megabytes < 0 ? -1 : checked(megabytes << 20);
}

/// <summary>
/// The <c>endpoints:</c> section of a scenario file:
/// <code>
/// endpoints:
///   ITTasks: { bufferMode: Drop, outputBufferCapacity: 50, idleTimeoutSeconds: 600, maxIdleTimeoutSeconds: 3600,
///              maximumReceivedDataSizePerCommandMB: 1, maximumReceivedObjectSizeMB: 1 }
/// </code>
/// A scenario's endpoints are served in addition to the configured ones. Precedence, later wins: emulator-wide
/// options, the scenario's endpoint settings, the options' <c>Endpoints</c> entry.
/// </summary>
public sealed class ScenarioSettings
{
    public static readonly ScenarioSettings Empty = new(new Dictionary<string, EndpointOptions>(StringComparer.OrdinalIgnoreCase));

    private ScenarioSettings(IReadOnlyDictionary<string, EndpointOptions> endpoints) => Endpoints = endpoints;

    public IReadOnlyDictionary<string, EndpointOptions> Endpoints { get; }

    public static ScenarioSettings Parse(string yaml, string sourceName = "scenario")
    {
        YamlStream stream;
        try
        {
            stream = Behaviours.YamlText.Load(yaml);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new Behaviours.BehaviourLoadException($"{sourceName}, line {e.Start.Line}: {e.Message}", e);
        }

        var endpoints = new Dictionary<string, EndpointOptions>(StringComparer.OrdinalIgnoreCase);
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root) return new ScenarioSettings(endpoints);
        if (!root.Children.TryGetValue(new YamlScalarNode("endpoints"), out var section)) return new ScenarioSettings(endpoints);
        if (section is not YamlMappingNode map) throw Error(sourceName, section, "'endpoints' must be a mapping of endpoint names to settings");

        foreach (var (key, value) in map.Children)
        {
            var name = ((YamlScalarNode)key).Value ?? string.Empty;
            if (value is not YamlMappingNode settings) throw Error(sourceName, value, $"endpoint '{name}' must be a mapping");
            var endpoint = new EndpointOptions();
            foreach (var (k, v) in settings.Children)
            {
                var text = (v as YamlScalarNode)?.Value ?? string.Empty;
                switch (((YamlScalarNode)k).Value)
                {
                    case "bufferMode":
                        endpoint.BufferMode = Enum.TryParse<OutputBufferMode>(text, ignoreCase: true, out var mode) ? mode : throw Error(sourceName, v, $"bufferMode '{text}' is not Block or Drop");
                        break;
                    case "outputBufferCapacity":
                        endpoint.OutputBufferCapacity = int.TryParse(text, out var capacity) && capacity > 0 ? capacity : throw Error(sourceName, v, $"outputBufferCapacity '{text}' is not a positive number");
                        break;
                    case "idleTimeoutSeconds":
                        endpoint.IdleTimeout = Seconds(sourceName, v, text);
                        // WinRM's minimum (a lower one would be raised at every Create, as the option's start check says).
                        if (endpoint.IdleTimeout < TimeSpan.FromSeconds(60)) throw Error(sourceName, v, $"idleTimeoutSeconds '{text}' is below WinRM's minimum of 60");
                        break;
                    case "maxIdleTimeoutSeconds":
                        endpoint.MaxIdleTimeout = Seconds(sourceName, v, text);
                        break;
                    case "maximumReceivedDataSizePerCommandMB":
                        endpoint.MaximumReceivedDataSizePerCommandMB = Megabytes(sourceName, v, "maximumReceivedDataSizePerCommandMB", text);
                        break;
                    case "maximumReceivedObjectSizeMB":
                        endpoint.MaximumReceivedObjectSizeMB = Megabytes(sourceName, v, "maximumReceivedObjectSizeMB", text);
                        break;
                    default:
                        throw Error(sourceName, k, $"unknown endpoint setting '{((YamlScalarNode)k).Value}' (known: bufferMode, outputBufferCapacity, idleTimeoutSeconds, maxIdleTimeoutSeconds, maximumReceivedDataSizePerCommandMB, maximumReceivedObjectSizeMB)");
                }
            }

            endpoints[name] = endpoint;
        }

        return new ScenarioSettings(endpoints);
    }

    private static int Megabytes(string source, YamlNode node, string key, string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var megabytes) && megabytes is >= -1 and <= EndpointSettings.MaximumMB
            ? megabytes
            : throw Error(source, node, $"{key} '{text}' is not a whole number of MB from -1 (unlimited) to {EndpointSettings.MaximumMB}");

    private static TimeSpan Seconds(string source, YamlNode node, string text) =>
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0 && s <= int.MaxValue
            ? TimeSpan.FromSeconds(s)
            : throw Error(source, node, $"'{text}' is not a positive number of seconds (at most {int.MaxValue})");

    private static Behaviours.BehaviourLoadException Error(string source, YamlNode node, string message) =>
        new($"{source}, line {node.Start.Line}, column {node.Start.Column}: {message}");
}
