using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using NUnit.Framework.Interfaces;
using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Diagnostics;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.Testing;

/// <summary>
/// An emulator running in-process on 127.0.0.1, port 0, for NUnit suites: start it with options and behaviours,
/// point a client at <see cref="WsManUri"/>, read the <see cref="Journal"/>, dispose to stop. Logs go to the
/// NUnit progress output; <see cref="WriteJournalIfFailed"/> writes the journal into a failed test's output.
/// </summary>
public sealed class EmulatorInstance : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmulatorInstance(WebApplication app)
    {
        _app = app;
        var address = app.BoundAddresses()[0];
        BaseUri = address;
        WsManUri = new Uri(address, "/wsman");
    }

    public Uri BaseUri { get; }

    public Uri WsManUri { get; }

    public IServiceProvider Services => _app.Services;

    public EmulatorOptions Options => _app.Services.GetRequiredService<IOptions<EmulatorOptions>>().Value;

    public Journal Journal => _app.Services.GetRequiredService<Journal>();

    /// <summary>The HTTPS certificate (null for an HTTP-only instance): pin its thumbprint in the client.</summary>
    public EmulatorCertificate? Certificate => _app.Services.GetService<EmulatorCertificate>();

    /// <summary>Starts an emulator. <paramref name="scenarioYaml"/> adds behaviours in front of the embedded default ones.</summary>
    public static async Task<EmulatorInstance> StartAsync(
        Action<EmulatorOptions>? configure = null,
        TimeProvider? timeProvider = null,
        string? scenarioYaml = null,
        LogLevel logLevel = LogLevel.Information,
        bool useHttps = false)
    {
        var app = EmulatorHost.Create(
            [useHttps ? "https://127.0.0.1:0" : "http://127.0.0.1:0"],
            configure,
            timeProvider,
            logging => logging.AddProvider(new NUnitLoggerProvider()).SetMinimumLevel(logLevel),
            services: services =>
            {
                if (scenarioYaml is not null)
                {
                    services.AddSingleton(BehaviourCatalog.Combine(BehaviourCatalog.Parse(scenarioYaml, "test scenario"), BehaviourCatalog.LoadDefault()));
                    services.AddSingleton(ScenarioSettings.Parse(scenarioYaml, "test scenario"));
                }
            });
        await app.StartAsync().ConfigureAwait(false);
        var instance = new EmulatorInstance(app);
        // Build the options now, on the test's thread, not lazily on a request thread (configure callbacks may read TestContext).
        _ = instance.Options;
        TestContext.Progress.WriteLine($"PsrpEmulator listening on {instance.WsManUri}");
        return instance;
    }

    /// <summary>Writes the journal to the current test's output when that test has failed.</summary>
    public void WriteJournalIfFailed()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status != TestStatus.Failed) return;
        TestContext.Out.WriteLine("---- PsrpEmulator journal ----");
        Journal.WriteTo(TestContext.Out);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class NUnitLoggerProvider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new NUnitLogger(categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class NUnitLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"[{logLevel}] {category}: {formatter(state, exception)}";
            if (exception is not null) line += Environment.NewLine + exception;
            TestContext.Progress.WriteLine(line);
        }
    }
}
