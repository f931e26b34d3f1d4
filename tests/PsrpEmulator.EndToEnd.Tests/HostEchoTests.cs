using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.EndToEnd.Tests;

/// <summary>
/// A warning, verbose or debug message and Write-Host's text reach a client host with a UI twice, as Windows sends
/// them: the record, then the void host call the server's InternalHostUserInterface makes for it (which is how
/// PowerShell's own client and Ruby's WinRM show them). A client without a host UI, and a redirected stream, get the
/// record only.
/// </summary>
public sealed class HostEchoTests : EmulatorTestBase
{
    private const string Script = "Write-Warning 'w1'; Write-Verbose 'v1' -Verbose; $DebugPreference = 'Continue'; Write-Debug 'd1'; " +
        "Write-Host 'plain'; Write-Host 'green' -ForegroundColor Green -NoNewline; Write-Progress -Activity 'copy' -PercentComplete 50; 'out'";

    private static async Task<List<PipelineEvent>> RunAsync(RunspacePoolClient pool, string script)
    {
        var pipeline = await pool.StartAsync(script);
        var events = new List<PipelineEvent>();
        await foreach (var e in pipeline.ReadAllAsync()) events.Add(e);
        return events;
    }

    private static string Describe(PipelineEvent e) => e switch
    {
        // A record merged into the output (3>&1) comes as that record, its text the message.
        OutputEvent { Value: PsObject { TypeNames: [var type, ..], ToStringValue: var text } } => $"output {type} {text}",
        OutputEvent output => "output " + output.Value.AsString(),
        InformationalEvent record => record.Stream + " " + record.Message,
        InformationEvent information => "information " + string.Join(",", information.Record.Tags),
        ProgressEvent progress => $"progress {progress.Record.Activity} {progress.Record.PercentComplete}",
        HostCallEvent { Call: var call } => $"call {call.CallId} {call.MethodId} " + string.Join("|", call.Parameters.Select(p => p.AsPrimitive()?.Value?.ToString())),
        StateEvent state => "state " + state.State,
        _ => e.GetType().Name,
    };

    [Test]
    public async Task With_a_client_host_UI_each_message_is_its_record_then_the_host_call_that_writes_it()
    {
        using var transport = CreateTransport();
        // The host's colours as the default data gives them: Write-Host without a colour takes them (WriteLine3).
        await using var pool = await RunspacePoolClient.OpenAsync(transport, new RunspacePoolOptions
        {
            HostInfo = HostInfoData.ForHost(new HostRawUI { ForegroundColor = (int)ConsoleColor.Gray, BackgroundColor = (int)ConsoleColor.DarkBlue }),
        });

        var events = await RunAsync(pool, Script);

        Assert.That(events.Select(Describe), Is.EqualTo(new[]
        {
            "WarningRecord w1", "call -100 WriteWarningLine w1",
            "VerboseRecord v1", "call -100 WriteVerboseLine v1",
            "DebugRecord d1", "call -100 WriteDebugLine d1",
            "information PSHOST", "call -100 WriteLine3 7|1|plain",
            "information PSHOST", "call -100 Write2 10|1|green",
            "progress copy 50", "call -100 WriteProgress 0|",
            "output out",
            "state Completed",
        }));
    }

    [Test]
    public async Task Write_Information_s_text_goes_to_the_host_only_under_Continue_and_not_when_redirected()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport, new RunspacePoolOptions { HostInfo = HostInfoData.ForHost(new HostRawUI()) });

        var events = await RunAsync(pool, "Write-Information 'quiet'; Write-Information 'asked' -Tags t -InformationAction Continue; " +
            "Write-Information 'none' -InformationAction Ignore; Write-Information 'dropped' -InformationAction Continue 6>$null; " +
            "$InformationPreference = 'Continue'; Write-Information 'shown'; Write-Information 'merged' 6>&1");

        // A redirection takes the record and with it what the host would have shown (6>$null, 6>&1).
        Assert.That(events.Select(Describe), Is.EqualTo(new[]
        {
            "information ", "information t", "call -100 WriteLine2 asked", "information ", "call -100 WriteLine2 shown",
            "output System.Management.Automation.InformationRecord merged", "state Completed",
        }));
    }

    /// <summary>Write-Progress passes its -SourceId to the host's WriteProgress, which the PROGRESS_RECORD does not carry.</summary>
    [Test]
    public async Task Write_Progress_passes_its_SourceId_to_the_hosts_WriteProgress()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport, new RunspacePoolOptions { HostInfo = HostInfoData.ForHost(new HostRawUI()) });

        var events = await RunAsync(pool, "Write-Progress -Activity copy -PercentComplete 10 -SourceId 42; Write-Progress -Activity copy -PercentComplete 20");

        Assert.That(events.Select(Describe), Is.EqualTo(new[]
        {
            "progress copy 10", "call -100 WriteProgress 42|", "progress copy 20", "call -100 WriteProgress 0|", "state Completed",
        }));
    }

    [Test]
    public async Task Without_a_host_UI_or_with_the_stream_redirected_only_the_record_comes()
    {
        using var transport = CreateTransport();
        await using var withoutHost = await RunspacePoolClient.OpenAsync(transport, new RunspacePoolOptions());
        var events = await RunAsync(withoutHost, Script);
        Assert.That(events.OfType<HostCallEvent>(), Is.Empty);
        Assert.That(events.OfType<InformationalEvent>().Select(e => e.Message), Is.EqualTo(new[] { "w1", "v1", "d1" }));
        Assert.That(events.OfType<ProgressEvent>().Count(), Is.EqualTo(1));

        await using var withHost = await RunspacePoolClient.OpenAsync(transport, new RunspacePoolOptions { HostInfo = HostInfoData.ForHost(new HostRawUI()) });
        // A host without colours in its default data: Write-Host writes with WriteLine2, Write-Output's text is not the host's.
        var redirected = await RunAsync(withHost, "Write-Warning 'w2' 3>&1; $v = Write-Verbose 'v2' -Verbose 4>&1; Write-Host 'h2'; " +
            "$ProgressPreference = 'SilentlyContinue'; Write-Progress -Activity 'quiet'");
        Assert.That(redirected.Select(Describe), Is.EqualTo(new[]
        {
            "output System.Management.Automation.WarningRecord w2",
            "information PSHOST", "call -100 WriteLine2 h2",
            "state Completed",
        }));
    }
}
