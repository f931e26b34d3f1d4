using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Diagnostics;
using PsrpEmulator.Server.Endpoint;
using PsrpEmulator.Server.Shells;

namespace PsrpEmulator.Server.Hosting;

public static class EmulatorServiceCollectionExtensions
{
    /// <summary>
    /// Adds the emulator's services. Options come from <paramref name="configuration"/> (if given) and then
    /// <paramref name="configure"/>; they are validated when the host starts. A <see cref="TimeProvider"/>
    /// registered before this call (a virtual clock in tests) is used everywhere time matters.
    /// </summary>
    public static IServiceCollection AddPsrpEmulator(this IServiceCollection services, IConfiguration? configuration = null, Action<EmulatorOptions>? configure = null)
    {
        var builder = services.AddOptions<EmulatorOptions>();
        if (configuration is not null) builder.Bind(configuration);
        if (configure is not null) builder.Configure(configure);
        builder.Validate(options => Validate(options, out _), "Invalid emulator options.")
               .ValidateOnStart();
        services.AddSingleton<IValidateOptions<EmulatorOptions>, EmulatorOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new Journal(sp.GetRequiredService<IOptions<EmulatorOptions>>().Value.JournalCapacity));
        services.TryAddSingleton(sp => LoadBehaviours(sp.GetRequiredService<IOptions<EmulatorOptions>>().Value));
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<EmulatorOptions>>().Value.ScenarioFile is { Length: > 0 } file
            ? ScenarioSettings.Parse(File.ReadAllText(file), file)
            : ScenarioSettings.Empty);
        services.TryAddSingleton(sp => new ShellServices(
            sp.GetRequiredService<IOptions<EmulatorOptions>>().Value,
            sp.GetRequiredService<BehaviourCatalog>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("PsrpEmulator"),
            sp.GetRequiredService<Journal>(),
            sp.GetRequiredService<ScenarioSettings>())
        {
            Stopping = sp.GetService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None,
        });
        services.TryAddSingleton<ShellRegistry>();
        services.TryAddSingleton(sp => new EnumerationStore(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<Heartbeat>();
        services.TryAddSingleton<ComputerRestarts>();
        services.AddHostedService(sp => sp.GetRequiredService<Heartbeat>());
        services.TryAddSingleton<WinRsOperations>();
        services.TryAddSingleton<ShellOperations>();
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<EmulatorOptions>>().Value;
            return new Injector(sp.GetRequiredService<TimeProvider>(), options.FaultSeed, options.Faults, options.Redirects);
        });
        services.TryAddSingleton(new ResponseCache());
        services.TryAddSingleton<WsManAuthentication>();
        services.TryAddSingleton(sp => new RecorderHolder(sp.GetRequiredService<IOptions<EmulatorOptions>>().Value.RecordFile is { Length: > 0 } path
            ? StartRecorder(path, sp.GetRequiredService<ILoggerFactory>().CreateLogger("PsrpEmulator"))
            : null));
        services.AddHostedService<RecorderStart>();
        services.TryAddSingleton<WsManEndpoint>();
        return services;
    }

    private static TrafficRecorder StartRecorder(string path, ILogger logger)
    {
        var recorder = new TrafficRecorder(Path.GetFullPath(path), logger);
        Diagnostics.Log.RecordingStarted(logger, Path.GetFullPath(path));
        return recorder;
    }

    /// <summary>Adds a fault rule to a running emulator (what the admin API's POST /faults does).</summary>
    public static void InjectFault(this IServiceProvider services, Endpoint.FaultRule rule) => services.GetRequiredService<Injector>().Add(rule);

    /// <summary>Adds a redirect rule to a running emulator (what the admin API's POST /redirects does).</summary>
    public static void InjectRedirect(this IServiceProvider services, Endpoint.RedirectRule rule) => services.GetRequiredService<Injector>().Add(rule);

    /// <summary>Maps the WS-Man endpoint (POST; any query string such as <c>?PSVersion=7.6.9</c> is accepted).</summary>
    public static IEndpointRouteBuilder MapWsMan(this IEndpointRouteBuilder endpoints, string pattern = "/wsman")
    {
        // The endpoint is a singleton: taken from the root provider once (on the first request, after the options
        // were validated at start), not through a request scope made for every request.
        WsManEndpoint? endpoint = null;
        endpoints.MapPost(pattern, context => (endpoint ??= endpoints.ServiceProvider.GetRequiredService<WsManEndpoint>()).HandleAsync(context));
        return endpoints;
    }

    /// <summary>Maps the admin API under <c>/_emulator</c> (health, shells, journal, clock, faults, reset).</summary>
    public static IEndpointRouteBuilder MapEmulatorAdmin(this IEndpointRouteBuilder endpoints)
    {
        AdminApi.Map(endpoints);
        return endpoints;
    }

    private static BehaviourCatalog LoadBehaviours(EmulatorOptions options)
    {
        var fallback = BehaviourCatalog.LoadDefault();
        if (options.ScenarioFile is not { Length: > 0 } file) return fallback;
        return BehaviourCatalog.Combine(BehaviourCatalog.Parse(File.ReadAllText(file), file), fallback);
    }

    internal static bool Validate(EmulatorOptions options, out List<ValidationResult> results)
    {
        results = [];
        return Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
    }

    private sealed class EmulatorOptionsValidator : IValidateOptions<EmulatorOptions>
    {
        public ValidateOptionsResult Validate(string? name, EmulatorOptions options) =>
            EmulatorServiceCollectionExtensions.Validate(options, out var results)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(results.Select(r => r.ErrorMessage ?? "invalid"));
    }
}
