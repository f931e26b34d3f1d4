using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Hosting;

// psrp-emulator: a thin shell over PsrpEmulator.Server (serve) and PsrpEmulator.Client (invoke).
var urls = new Option<string[]>("--urls") { Description = "Addresses to listen on (loopback unless told otherwise).", DefaultValueFactory = _ => ["http://127.0.0.1:5985"], AllowMultipleArgumentsPerToken = true };
var users = new Option<string[]>("--user") { Description = "Allowed user as NAME:PASSWORD (repeatable; default psrp:psrp)." };
var scenario = new Option<string?>("--scenario") { Description = "Scenario YAML file with command behaviours." };
var computerName = new Option<string?>("--computer-name") { Description = "The virtual computer's name (default SERVER01)." };
var configurations = new Option<string[]>("--configuration") { Description = "Session configuration (endpoint) to serve (repeatable; default Microsoft.PowerShell)." };
var configFile = new Option<string?>("--config") { Description = "JSON settings file (section PsrpEmulator)." };
var verbose = new Option<bool>("--verbose") { Description = "Log every request." };
var authSchemes = new Option<WsManAuthScheme[]>("--auth") { Description = "Authentication scheme offered: Basic, Negotiate, Ntlm (repeatable; default Basic and Negotiate)." };
var allowUnencrypted = new Option<bool?>("--allow-unencrypted") { Description = "Accept plain SOAP bodies over HTTP (default true; Windows' default is false)." };
var cbtHardeningLevel = new Option<PsrpEmulator.Protocol.Ntlm.CbtHardeningLevel?>("--cbt-hardening-level") { Description = "Channel binding check of Negotiate/NTLM over HTTPS: None, Relaxed (default, as Windows), Strict." };

var record = new Option<string?>("--record") { Description = "Write every request (decrypted) and its response to this YAML file, in the layout of pypsrp's recorded fixtures." };
var world = new Option<string?>("--world") { Description = "Scenario file whose world (computers, endpoints, users, behaviours) is served; its setup steps run first." };
var serve = new Command("serve", "Run the emulator.") { urls, users, scenario, computerName, configurations, configFile, verbose, world, authSchemes, allowUnencrypted, cbtHardeningLevel, record };
serve.SetAction(async (parse, cancellationToken) =>
{
    if (parse.GetValue(world) is { } worldFile)
    {
        return await PsrpEmulator.Cli.ScenarioCommands.ServeWorldAsync(worldFile, parse.GetValue(urls) ?? [], parse.GetValue(record), cancellationToken);
    }

    Microsoft.AspNetCore.Builder.WebApplication app;
    try
    {
        IConfiguration? configuration = null;
        if (parse.GetValue(configFile) is { } file)
        {
            configuration = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(file), optional: false).Build();
        }

        app = EmulatorHost.Create(
            parse.GetValue(urls) ?? [],
            options =>
            {
                if (parse.GetValue(users) is { Length: > 0 } u) options.Users = [.. u];
                if (parse.GetValue(scenario) is { } s) options.ScenarioFile = Path.GetFullPath(s);
                if (parse.GetValue(computerName) is { } c) options.ComputerName = c;
                if (parse.GetValue(configurations) is { Length: > 0 } cfg) options.Configurations = [.. cfg];
                if (parse.GetValue(authSchemes) is { Length: > 0 } schemes) options.Authentication = [.. schemes];
                if (parse.GetValue(allowUnencrypted) is { } allow) options.AllowUnencrypted = allow;
                if (parse.GetValue(cbtHardeningLevel) is { } cbt) options.CbtHardeningLevel = cbt;
                if (parse.GetValue(record) is { } recordFile) options.RecordFile = Path.GetFullPath(recordFile);
            },
            logging: builder => builder.AddSimpleConsole(o => o.SingleLine = true)
                .SetMinimumLevel(parse.GetValue(verbose) ? LogLevel.Debug : LogLevel.Information)
                .AddFilter("Microsoft", parse.GetValue(verbose) ? LogLevel.Information : LogLevel.Warning)
                // "Hosting failed to start" with a stack trace: the reason is printed below, once, without one.
                .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", parse.GetValue(verbose) ? LogLevel.Information : LogLevel.None),
            configuration: configuration);
        await app.StartAsync(cancellationToken);
    }
    catch (Exception e) when (PsrpEmulator.Cli.StartFailure.Of(e) is var (line, exitCode))
    {
        Console.Error.WriteLine(line);
        return exitCode;
    }
    catch (InvalidOperationException e) when (e.InnerException is FormatException or ArgumentException or OverflowException)
    {
        // The configuration binder: a value that is not of its option's type ("Failed to convert configuration value 'abc' at 'IdleTimeout' ...").
        Console.Error.WriteLine($"psrp-emulator: invalid options: {e.Message} {e.InnerException.Message}");
        return 2;
    }
    catch (IOException e) when (e.Message.StartsWith("Cannot write the record file", StringComparison.Ordinal))
    {
        Console.Error.WriteLine($"psrp-emulator: {e.Message}");
        return 2;
    }
    catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
    {
        // The --config file: missing, or not JSON.
        Console.Error.WriteLine($"psrp-emulator: invalid options: {e.Message}{(e.InnerException?.InnerException ?? e.InnerException) switch { { } inner => " " + inner.Message, null => string.Empty }}");
        return 2;
    }

    foreach (var address in app.BoundAddresses())
    {
        Console.WriteLine($"psrp-emulator listening on {address}wsman");
        // Kestrel binds a host name other than localhost (and * or +) to every interface: say so, the default being loopback.
        if (address.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && System.Net.IPAddress.TryParse(address.IdnHost, out var ip) && !System.Net.IPAddress.IsLoopback(ip))
        {
            Console.Error.WriteLine($"psrp-emulator: warning: {address} is reachable from other machines, not only from this one.");
        }
    }
    if (app.Services.GetService(typeof(EmulatorCertificate)) is EmulatorCertificate certificate)
    {
        Console.WriteLine($"psrp-emulator HTTPS certificate thumbprint {certificate.Thumbprint}{(certificate.Generated ? " (self-signed, generated at start)" : string.Empty)}");
    }
    await app.WaitForShutdownAsync(cancellationToken);
    return 0;
});

var uri = new Option<string>("--uri") { Description = "WS-Man endpoint, e.g. http://127.0.0.1:5985/wsman.", Required = true };
var user = new Option<string>("--user") { Description = "User name.", DefaultValueFactory = _ => "psrp" };
var password = new Option<string>("--password") { Description = "Password.", DefaultValueFactory = _ => "psrp" };
var command = new Option<string>("--command") { Description = "Script text to run, as Invoke-Command sends it.", Required = true };
var authentication = new Option<WsManAuthenticationMechanism>("--authentication") { Description = "Basic, Negotiate or Ntlm (default Basic).", DefaultValueFactory = _ => WsManAuthenticationMechanism.Basic };
var configurationName = new Option<string>("--configuration-name") { Description = "Session configuration.", DefaultValueFactory = _ => "Microsoft.PowerShell" };
var format = new Option<bool>("--format")
{
    Description = "Print the output as PowerShell's console formats it (tables, lists): the script piped to Out-String -Stream on the server, in the same pipeline, as Ruby's WinRM gem runs it. Without it each object is one line of its text.",
};
var invoke = new Command("invoke", "Open a session, run a script, print its output and errors, close.") { uri, user, password, command, configurationName, authentication, format };
invoke.SetAction(async (parse, cancellationToken) =>
{
    if (Endpoint(parse.GetValue(uri)) is not { } connectionUri) return 2;

    using var transport = new WsManTransport(new WsManClientOptions
    {
        ConnectionUri = connectionUri,
        UserName = parse.GetValue(user)!,
        Password = parse.GetValue(password)!,
        Authentication = parse.GetValue(authentication),
    });
    try
    {
        // A host with a UI: the command's prompts are asked on this console (ConsoleHostCalls), its answers read from stdin.
        await using var pool = await RunspacePoolClient.OpenAsync(transport, new RunspacePoolOptions
        {
            ConfigurationName = parse.GetValue(configurationName)!,
            HostInfo = HostInfoData.ForHost(new HostRawUI()),
        }, cancellationToken);
        var exit = 0;
        var host = new PsrpEmulator.Cli.ConsoleHostCalls(Console.In, Console.Out, Console.Error);
        var script = parse.GetValue(command)!;
        var pipeline = parse.GetValue(format)
            // A second command of the same pipeline, not text appended to the script: the script's own statements and
            // errors stay as they are, and only its output goes through the server's formatter.
            ? await pool.StartAsync(new CreatePipeline(
                [new PipelineCommand(script, IsScript: true, []), new PipelineCommand("Out-String", IsScript: false, [new PipelineArgument("Stream", PsPrimitive.Boolean(true))])],
                NoInput: true, AddToHistory: true, HostInfo: PsrpObjects.DefaultHostInfo()), script, cancellationToken: cancellationToken)
            : await pool.StartAsync(script, cancellationToken: cancellationToken);
        await foreach (var e in pipeline.ReadAllAsync(cancellationToken))
        {
            switch (e)
            {
                case HostCallEvent call:
                    await host.AnswerAsync(pipeline, call.Call, cancellationToken);
                    break;
                case OutputEvent output:
                    Console.WriteLine(PsrpEmulator.Cli.OutputText.Line(output.Value));
                    break;
                case ErrorEvent error:
                    Console.Error.WriteLine(error.Error.Message);
                    Console.Error.WriteLine($"    + CategoryInfo          : {error.Error.Category}");
                    Console.Error.WriteLine($"    + FullyQualifiedErrorId : {error.Error.FullyQualifiedErrorId}");
                    exit = 1;
                    break;
                // Warning, verbose and debug records and Write-Host's: the server also calls this host for each
                // (WriteWarningLine, WriteLine3, ...), which ConsoleHostCalls shows, as PowerShell shows them once.
                case StateEvent { State: PSInvocationState.Failed or PSInvocationState.Stopped } state:
                    Console.Error.WriteLine(state.Reason?.Message ?? $"The pipeline {state.State}.");
                    // A console shows the reason as any error record (a parse error's ParserError and its id).
                    if (state.Reason is { } reason)
                    {
                        Console.Error.WriteLine($"    + CategoryInfo          : {reason.Category}");
                        Console.Error.WriteLine($"    + FullyQualifiedErrorId : {reason.FullyQualifiedErrorId}");
                    }

                    exit = 1;
                    break;
            }
        }

        return exit;
    }
    catch (Exception e) when (e is WsManFaultException or WsManTransportException or PsrpClientException)
    {
        Console.Error.WriteLine($"psrp-emulator: {e.Message}");
        return 1;
    }
});

var runPaths = new Argument<string[]>("PATH") { Description = "Scenario files or folders (default: scenarios).", Arity = ArgumentArity.ZeroOrMore };
var runVerbose = new Option<bool>("--verbose") { Description = "Also print what every step printed." };
var run = new Command("run", "Run scenario files (YAML): a pass/fail line per step, a summary; exit code 0 only if all pass.") { runPaths, runVerbose };
run.SetAction(async (parse, cancellationToken) => await PsrpEmulator.Cli.ScenarioCommands.RunAsync(parse.GetValue(runPaths) ?? [], parse.GetValue(runVerbose), Console.Out));

var replayFile = new Argument<string>("recording") { Description = "A recording (serve --record, or pypsrp's fixture layout)." };
var replayUri = new Option<string>("--uri") { Description = "WS-Man endpoint to replay against, e.g. https://server01:5986/wsman.", Required = true };
var replayMessages = new Option<bool>("--compare-messages") { Description = "Also compare each PSRP message's CLIXML (times, GUIDs and process ids scrubbed)." };
var replaySkipCertificateCheck = new Option<bool>("--skip-certificate-check") { Description = "Accept any HTTPS certificate (a test server's self-signed one)." };
var replayIgnore = new Option<string[]>("--ignore")
{
    Description = "A difference not to report: its kind (value, psrp messages, element order...) or kind:subject (value:Shell/ShellRunTime). Repeatable.",
    AllowMultipleArgumentsPerToken = false,
};
var replay = new Command("replay", "Send a recording's requests in order to an endpoint (this emulator, or Windows) and report where its responses differ from the recorded ones.")
{
    replayFile, replayUri, user, password, authentication, replayMessages, replaySkipCertificateCheck, replayIgnore,
};
replay.SetAction(async (parse, cancellationToken) =>
{
    var file = parse.GetValue(replayFile)!;
    if (Endpoint(parse.GetValue(replayUri)) is not { } target) return 2;

    PsrpEmulator.Client.Replay.RecordedExchange recording;
    try
    {
        recording = PsrpEmulator.Client.Replay.RecordedExchange.Parse(Path.GetFileName(file), await File.ReadAllTextAsync(file, cancellationToken));
    }
    catch (InvalidDataException e)
    {
        Console.Error.WriteLine($"psrp-emulator: {e.Message}");
        return 2;
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine($"psrp-emulator: {file}: {e.Message}");
        return 2;
    }

    using var transport = new WsManTransport(new WsManClientOptions
    {
        ConnectionUri = target,
        UserName = parse.GetValue(user)!,
        Password = parse.GetValue(password)!,
        Authentication = parse.GetValue(authentication),
        RobustConnection = false,
        ServerCertificateValidation = parse.GetValue(replaySkipCertificateCheck) ? (_, _, _, _) => true : null,
    });
    var report = await PsrpEmulator.Client.Replay.Replayer.ReplayAsync(recording, transport, parse.GetValue(replayMessages), cancellationToken);
    // What the user expects to differ (a Windows server's own facts): left out of the report and of the exit code.
    var ignored = parse.GetValue(replayIgnore) ?? [];
    bool Reported(PsrpEmulator.Client.Replay.Difference d) =>
        !ignored.Any(i => i.Equals(d.Kind, StringComparison.OrdinalIgnoreCase) || i.Equals($"{d.Kind}:{d.Subject}", StringComparison.OrdinalIgnoreCase));
    var differing = 0;
    foreach (var request in report.Requests)
    {
        if (request.Error is { } error) Console.WriteLine($"#{request.Index} {request.Action}: not compared: {error}");
        var shown = request.Differences.Where(Reported).ToList();
        if (shown.Count > 0) differing++;
        foreach (var difference in shown) Console.WriteLine($"#{request.Index} {request.Action}: {difference}");
    }

    Console.WriteLine($"{report.Name}: {report.Requests.Count} of {report.Recorded} requests replayed, {differing} with differences.");
    return report.Requests.Any(r => r.Error is not null) || report.Requests.Count < report.Recorded ? 2 : differing == 0 ? 0 : 1;
});

var scrubFile = new Argument<string>("file") { Description = "A recording written by serve --record." };
var scrubOut = new Option<string?>("--out") { Description = "Where to write the scrubbed recording (default: the file itself)." };
var scrub = new Command("scrub-recording", "Number the GUIDs and zero the times of a recording, to keep it as a golden file.") { scrubFile, scrubOut };
scrub.SetAction(parse =>
{
    var file = parse.GetValue(scrubFile)!;
    try
    {
        var original = File.ReadAllText(file);
        if (!original.Contains("\n- request: \"", StringComparison.Ordinal))
        {
            // pypsrp's own files write their envelopes as plain scalars, which the scrubber does not rewrite.
            Console.Error.WriteLine($"psrp-emulator: {file} has no exchange written by serve --record (- request: \"...\"): nothing scrubbed.");
            return 2;
        }

        var scrubbed = PsrpEmulator.Server.Diagnostics.RecordingScrubber.Scrub(original);
        File.WriteAllText(parse.GetValue(scrubOut) ?? file, scrubbed, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return 0;
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException or YamlDotNet.Core.YamlException)
    {
        Console.Error.WriteLine($"psrp-emulator: {file}: {e.Message}");
        return 2;
    }
});

var root = new RootCommand("PsrpEmulator: a WinRM/PowerShell remoting endpoint emulator and client.") { serve, invoke, run, scrub, replay };
// No response files: a script starting with @ ("@(1, 2)") is a --command value, not a file name.
return await root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null }).InvokeAsync();

// The endpoint of --uri: an absolute http or https URI, else one line saying so (null).
static Uri? Endpoint(string? text)
{
    if (Uri.TryCreate(text, UriKind.Absolute, out var endpoint) && endpoint.Scheme is "http" or "https") return endpoint;
    Console.Error.WriteLine($"psrp-emulator: --uri '{text}' is not an http or https URI.");
    return null;
}
