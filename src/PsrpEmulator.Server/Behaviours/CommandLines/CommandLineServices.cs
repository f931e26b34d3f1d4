using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// net.exe's service commands in a cmd shell: <c>net start</c> lists the started services by display name,
/// <c>net start X</c> / <c>net stop X</c> start or stop one (by name or display name) as Start-Service and Stop-Service
/// do (<see cref="ServiceStates"/>), with net's messages: "The X service is starting." / "... was started successfully.",
/// and its errors on stderr with exit code 2 (already started: NET HELPMSG 2182; not started: 3521; no such service:
/// 2185; disabled: System error 1058). The services are those Get-Service lists (the PowerShell rules'). Other net
/// commands (user, use, localgroup...) are not emulated.
/// </summary>
internal sealed class NetServiceScript(BehaviourCatalog catalog, bool start, string service) : ICommandLineScript
{
    public string Description => $"net {(start ? "start" : "stop")} {service}";

    public static bool TryParse(BehaviourCatalog catalog, string line, out NetServiceScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count < 2 || !(tokens[0].Value.Equals("net", StringComparison.OrdinalIgnoreCase) || tokens[0].Value.Equals("net.exe", StringComparison.OrdinalIgnoreCase))) return false;
        var verb = tokens[1].Value.ToLowerInvariant();
        if (verb is not ("start" or "stop")) return false;
        var rest = tokens.Count > 2 ? line[tokens[2].Start..].Trim().Trim('"') : string.Empty;
        script = new NetServiceScript(catalog, verb == "start", rest);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var services = await ServicesAsync(catalog, host, time, cancellationToken).ConfigureAwait(false);
        var states = host.ServiceStates;
        string Status(PsObject s) => states?.Status(Text(s, "Name")) ?? Text(s, "Status");
        string StartType(PsObject s) => states?.StartType(Text(s, "Name")) ?? Text(s, "StartType");
        if (service.Length == 0)
        {
            if (!start) return await FailAsync(host, "The syntax of this command is:\r\n\r\nNET STOP\r\nservice\r\n\r\n", 1, cancellationToken).ConfigureAwait(false);
            var started = services.Where(s => Status(s).Equals("Running", StringComparison.OrdinalIgnoreCase)).Select(s => Text(s, "DisplayName")).Order(StringComparer.OrdinalIgnoreCase);
            await host.WriteTextAsync(WinRsStreams.Stdout, "These Windows services are started:\r\n\r\n" + string.Concat(started.Select(n => "   " + n + "\r\n")) +
                "\r\nThe command completed successfully.\r\n\r\n", cancellationToken).ConfigureAwait(false);
            return 0;
        }

        var target = services.FirstOrDefault(s => Text(s, "Name").Equals(service, StringComparison.OrdinalIgnoreCase) || Text(s, "DisplayName").Equals(service, StringComparison.OrdinalIgnoreCase));
        if (target is null) return await FailAsync(host, "The service name is invalid.\r\n\r\nMore help is available by typing NET HELPMSG 2185.\r\n\r\n", 2, cancellationToken).ConfigureAwait(false);
        var name = Text(target, "Name");
        var display = Text(target, "DisplayName");
        var running = Status(target).Equals("Running", StringComparison.OrdinalIgnoreCase);
        if (start && running) return await FailAsync(host, "The requested service has already been started.\r\n\r\nMore help is available by typing NET HELPMSG 2182.\r\n\r\n", 2, cancellationToken).ConfigureAwait(false);
        if (!start && !running) return await FailAsync(host, $"The {display} service is not started.\r\n\r\nMore help is available by typing NET HELPMSG 3521.\r\n\r\n", 2, cancellationToken).ConfigureAwait(false);
        if (start && StartType(target).Equals("Disabled", StringComparison.OrdinalIgnoreCase))
        {
            return await FailAsync(host, "System error 1058 has occurred.\r\n\r\nThe service cannot be started, either because it is disabled or because it has no enabled devices associated with it.\r\n\r\n", 2, cancellationToken).ConfigureAwait(false);
        }

        if (states is null) return await FailAsync(host, NotEmulatedCommandScript.MessageFor("net " + (start ? "start" : "stop")), 1, cancellationToken).ConfigureAwait(false);
        states.SetStatus(name, start ? "Running" : "Stopped");
        var (doing, done) = start ? ("starting", "started") : ("stopping", "stopped");
        await host.WriteTextAsync(WinRsStreams.Stdout, $"The {display} service is {doing}.\r\nThe {display} service was {done} successfully.\r\n\r\n", cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private static string Text(PsObject service, string property) => service[property] is { } value ? PipelineVariables.Display(value) : string.Empty;

    private static async Task<int> FailAsync(ICommandLineHost host, string message, int code, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stderr, message, cancellationToken).ConfigureAwait(false);
        return code;
    }

    /// <summary>The computer's services as its PowerShell lists them (Get-Service through the rules), in a runspace of their own.</summary>
    internal static async Task<List<PsObject>> ServicesAsync(BehaviourCatalog catalog, ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var runspace = new RunspaceState(time);
        try
        {
            var collector = new Collector(host, runspace);
            var script = catalog.Resolve(new CreatePipeline([new PipelineCommand("Get-Service", IsScript: true, [])], NoInput: true));
            await script.RunAsync(collector, time, cancellationToken).ConfigureAwait(false);
            return collector.Services;
        }
        finally
        {
            runspace.Close();
        }
    }

    private sealed class Collector(ICommandLineHost host, RunspaceState runspace) : IPipelineHost
    {
        public List<PsObject> Services { get; } = [];

        public RunspaceState? Runspace => runspace;

        public VirtualFileSystem? FileSystem => host.FileSystem;

        public ServiceStates? ServiceStates => host.ServiceStates;

        public IReadOnlyList<KeyValuePair<string, string>> EnvironmentVariables => host.Environment;

        public string? EnvironmentVariable(string name) => host.Environment.FirstOrDefault(v => v.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

        public ValueTask WriteAsync(IPsrpMessageBody record, CancellationToken cancellationToken)
        {
            if (record is PipelineOutput { Value: PsObject service } && service["Name"] is not null && Services.Count < 10_000) Services.Add(service);
            return ValueTask.CompletedTask;
        }

        public ValueTask<PsValue?> ReadInputAsync(CancellationToken cancellationToken) => ValueTask.FromResult<PsValue?>(null);
    }
}
