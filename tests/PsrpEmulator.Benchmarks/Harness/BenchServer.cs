using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Diagnostics;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.Benchmarks.Harness;

/// <summary>
/// The emulator on 127.0.0.1:0 (as EmulatorInstance starts it) plus test-only baseline endpoints in the same Kestrel
/// process, mapped on the benchmark's own WebApplication: <c>/baseline/replay</c> answers request i with recorded
/// response i, byte for byte, without any protocol work; <c>/baseline/echo</c> answers with a fixed small body.
/// </summary>
public sealed class BenchServer : IAsyncDisposable
{
    public const string User = "psrp";
    public const string Password = "psrp";

    private readonly WebApplication _app;
    private byte[][] _replay = [];
    private byte[] _echo = new byte[1024];

    private BenchServer(WebApplication app)
    {
        _app = app;
        BaseUri = app.BoundAddresses()[0];
        WsManUri = new Uri(BaseUri, "/wsman");
    }

    public Uri BaseUri { get; }
    public Uri WsManUri { get; }
    public Uri ReplayUri => new(BaseUri, "/baseline/replay");
    public Uri EchoUri => new(BaseUri, "/baseline/echo");
    public Journal Journal => _app.Services.GetRequiredService<Journal>();

    /// <summary>Recorded responses for the replay endpoint (index in the X-Replay header).</summary>
    public void SetReplay(IReadOnlyList<byte[]> responses) => _replay = [.. responses];

    public void SetEcho(byte[] body) => _echo = body;

    public static async Task<BenchServer> StartAsync(Action<EmulatorOptions>? configure = null, string? scenarioYaml = null, TimeProvider? time = null)
    {
        var app = EmulatorHost.Create(
            ["http://127.0.0.1:0"],
            configure,
            time,
            logging => logging.SetMinimumLevel(LogLevel.Error),
            services: services =>
            {
                if (scenarioYaml is not null)
                {
                    services.AddSingleton(BehaviourCatalog.Combine(BehaviourCatalog.Parse(scenarioYaml, "benchmark scenario"), BehaviourCatalog.LoadDefault()));
                    services.AddSingleton(ScenarioSettings.Parse(scenarioYaml, "benchmark scenario"));
                }
            });
        BenchServer? server = null;
        app.MapPost("/baseline/replay", async context =>
        {
            await DrainAsync(context.Request.Body).ConfigureAwait(false);
            var index = int.Parse(context.Request.Headers["X-Replay"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
            var body = server!._replay[index];
            context.Response.ContentType = "application/soap+xml;charset=UTF-8";
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body).ConfigureAwait(false);
        });
        app.MapPost("/baseline/echo", async context =>
        {
            await DrainAsync(context.Request.Body).ConfigureAwait(false);
            var body = server!._echo;
            context.Response.ContentType = "application/soap+xml;charset=UTF-8";
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body).ConfigureAwait(false);
        });
        await app.StartAsync().ConfigureAwait(false);
        server = new BenchServer(app);
        return server;
    }

    private static async Task DrainAsync(Stream body)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16384);
        try
        {
            while (await body.ReadAsync(buffer).ConfigureAwait(false) > 0)
            {
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public WsManTransport Transport(int maxEnvelopeSize = 512000) => new(new WsManClientOptions
    {
        ConnectionUri = WsManUri,
        UserName = User,
        Password = Password,
        MaxEnvelopeSize = maxEnvelopeSize,
    });

    public static HttpClient RawClient() => new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = 2048 })
    {
        Timeout = TimeSpan.FromMinutes(5),
    };

    public static string BasicAuthorization => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>Scenario rules the harness uses; objects are strings padded to a size.</summary>
public static class BenchScenario
{
    /// <summary><c>Stream-N-SIZE</c> rules: N outputs (N from the command) of about SIZE bytes of CLIXML each.</summary>
    public static string Yaml(params int[] sizes)
    {
        var sb = new StringBuilder("behaviours:\n");
        foreach (var size in sizes.Distinct())
        {
            sb.Append("  - name: stream-").Append(size).Append('\n');
            sb.Append("    regex: 'Stream-").Append(size).Append(@" (?<n>\d+)'").Append('\n');
            sb.Append("    steps:\n");
            sb.Append("      - loop:\n");
            sb.Append("          from: 1\n");
            sb.Append("          to: \"{n}\"\n");
            sb.Append("          steps:\n");
            // "<S>" + "obj {_} " + padding + "</S>" ≈ size bytes.
            sb.Append("            - output: \"obj {_} ").Append('x', Math.Max(1, size - 20)).Append("\"\n");
        }

        sb.Append("""
          - name: scale-shell
            match: Scale-Shell
            steps:
              - loop: { from: 1, to: 50, steps: [ { output: "some output {_} to receive and drain" } ] }
              - sleep: 36000
          - name: wait
            match: Wait-Long
            steps:
              - sleep: 36000

        """);
        return sb.ToString();
    }
}

/// <summary>Timing helpers.</summary>
public static class Stats
{
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.OrderBy(v => v).ToArray();
        var rank = p / 100 * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = (int)Math.Ceiling(rank);
        return sorted[lo] + ((sorted[hi] - sorted[lo]) * (rank - lo));
    }

    public static double Median(IReadOnlyList<double> values) => Percentile(values, 50);
}

/// <summary>A TimeProvider that records when the heartbeat timer (the only periodic timer) actually fires.</summary>
public sealed class ObservedTimeProvider(TimeSpan heartbeat) : TimeProvider
{
    private readonly ConcurrentQueue<long> _beats = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (period != heartbeat) return System.CreateTimer(callback, state, dueTime, period);
        return System.CreateTimer(s =>
        {
            _beats.Enqueue(System.GetTimestamp());
            callback(s);
        }, state, dueTime, period);
    }

    public void Reset() => _beats.Clear();

    /// <summary>Largest gap between two beats beyond the nominal interval, in ms.</summary>
    public double MaxLatenessMs()
    {
        var beats = _beats.ToArray();
        var worst = 0.0;
        for (var i = 1; i < beats.Length; i++)
        {
            worst = Math.Max(worst, System.GetElapsedTime(beats[i - 1], beats[i]).TotalMilliseconds - heartbeat.TotalMilliseconds);
        }

        return worst;
    }

    public int Beats => _beats.Count;
}
