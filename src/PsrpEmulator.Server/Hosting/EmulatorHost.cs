using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PsrpEmulator.Server.Hosting;

/// <summary>Builds a ready-to-run emulator web application (used by the CLI and the test fixture).</summary>
public static class EmulatorHost
{
    /// <summary>
    /// Creates the application. Configuration layers, later wins: the <c>PsrpEmulator</c> section of
    /// <paramref name="configuration"/>, <c>PSRPEMU_</c> environment variables, then <paramref name="configure"/>.
    /// </summary>
    public static WebApplication Create(
        IEnumerable<string> urls,
        Action<EmulatorOptions>? configure = null,
        TimeProvider? timeProvider = null,
        Action<ILoggingBuilder>? logging = null,
        IConfiguration? configuration = null,
        Action<IServiceCollection>? services = null)
    {
        // No appsettings.json reload: its file watcher would watch the whole current folder, recursively (every
        // bin and obj of a source tree), for each emulator a test or scenario starts; its sources are cleared anyway.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Configuration.Sources.Clear();
        if (configuration is not null) builder.Configuration.AddConfiguration(configuration.GetSection(EmulatorOptions.SectionName));
        builder.Configuration.AddEnvironmentVariables("PSRPEMU_");
        builder.Logging.ClearProviders();
        if (logging is not null) logging(builder.Logging);

        // Virtual computers that claim a port are listened on too, beside the first address's host.
        var probe = new EmulatorOptions();
        builder.Configuration.Bind(probe);
        configure?.Invoke(probe);
        var listen = urls.ToList();
        if (listen.Count > 0 && Uri.TryCreate(listen[0], UriKind.Absolute, out var first))
        {
            foreach (var computer in probe.Computers.Values)
            {
                if (computer.Port is { } port and > 0) listen.Add($"{first.Scheme}://{first.Host}:{port}");
            }
        }

        builder.WebHost.UseUrls([.. listen.Distinct()]);
        if (listen.Any(u => u.StartsWith("https:", StringComparison.OrdinalIgnoreCase)))
        {
            var certificate = EmulatorCertificate.Load(probe);
            builder.Services.AddSingleton(certificate);
            builder.WebHost.UseKestrelHttpsConfiguration();
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                // HTTP/1.1 only, as WinRM clients speak: Negotiate/NTLM (and its sealing) is bound to one connection,
                // which HTTP/2 would share between concurrent requests (HTTP.sys answers HTTP_1_1_REQUIRED there).
                kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1);
                kestrel.ConfigureHttpsDefaults(https =>
                {
                    https.ServerCertificate = certificate.Certificate;
                    if (probe.CertificateMappings.Count > 0)
                    {
                        // Certificate authentication: ask for a client certificate; the mappings decide who it is.
                        https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate;
                        https.AllowAnyClientCertificate();
                    }
                });
            });
        }

        // A virtual clock starts at the real time and then moves only when told (admin API, scenario steps).
        timeProvider ??= probe.VirtualTime ? new VirtualClock(DateTimeOffset.UtcNow) : null;
        if (timeProvider is not null) builder.Services.AddSingleton(timeProvider);
        // Registrations made here win over the defaults (e.g. a BehaviourCatalog built in a test).
        services?.Invoke(builder.Services);
        builder.Services.AddRouting();
        // Held Receives end when stopping; whatever is still running after a second is not worth waiting for.
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1));
        builder.Services.AddPsrpEmulator(builder.Configuration, configure);
        var app = builder.Build();
        app.MapWsMan();
        app.MapEmulatorAdmin();
        return app;
    }

    /// <summary>The addresses Kestrel actually bound (port 0 resolved).</summary>
    public static IReadOnlyList<Uri> BoundAddresses(this WebApplication app) =>
        [.. app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Select(a => new Uri(a))];
}
