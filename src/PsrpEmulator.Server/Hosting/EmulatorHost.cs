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
    /// What is wrong with addresses to listen on, checked before Kestrel sees them: Kestrel's own complaints come only
    /// when it binds, as an unhandled FormatException or ArgumentOutOfRangeException with a stack trace.
    /// </summary>
    public static IReadOnlyList<string> ListenAddressFailures(IEnumerable<string> urls)
    {
        var failures = new List<string>();
        foreach (var url in urls)
        {
            Microsoft.AspNetCore.Http.BindingAddress address;
            try
            {
                address = Microsoft.AspNetCore.Http.BindingAddress.Parse(url);
            }
            catch (FormatException)
            {
                failures.Add($"'{url}' is not an address to listen on (http://HOST:PORT or https://HOST:PORT).");
                continue;
            }

            if (address.IsNamedPipe || address.IsUnixPipe) continue;
            if (!address.Scheme.Equals("http", StringComparison.OrdinalIgnoreCase) && !address.Scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"'{url}': the scheme must be http or https.");
            }
            else if (address.Port is < 0 or > 65535)
            {
                failures.Add($"'{url}': the port must be 0 to 65535.");
            }
            else if (address.PathBase.Length > 0)
            {
                // Kestrel refuses a path in an address; the emulator serves /wsman (and the computers' paths) itself.
                failures.Add($"'{url}': an address to listen on has no path (the emulator serves /wsman on it).");
            }
        }

        return failures;
    }

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
        if (ListenAddressFailures(listen) is { Count: > 0 } failures)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(nameof(EmulatorOptions), typeof(EmulatorOptions), failures);
        }

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
