using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

public class ZzProbeTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    [TestCase("$PID")]
    [TestCase("$HOME")]
    [TestCase("$PSHOME")]
    [TestCase("$Host.Name")]
    [TestCase("$PSCulture; $PSUICulture")]
    [TestCase("$ExecutionContext.SessionState.LanguageMode")]
    [TestCase("$PSSenderInfo.ConnectedUser")]
    [TestCase("$PSSenderInfo.ConnectionString")]
    [TestCase("[Environment]::UserName")]
    [TestCase("$ErrorActionPreference")]
    [TestCase("$PSSessionApplicationName; $PSSessionConfigurationName")]
    [TestCase("[Environment]::Is64BitProcess; [Environment]::ProcessorCount")]
    [TestCase("$MaximumHistoryCount")]
    [TestCase("Get-Process -Id $PID | % Name")]
    public async Task Probe(string text)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 30, 0, TimeSpan.Zero));
        var host = new RecordingHost { Runspace = new RunspaceState(time) }; host.Environment["USERPROFILE"] = "C:\\Users\\psrp";
        var create = new CreatePipeline([new PipelineCommand(text, IsScript: true, [])], NoInput: true);
        var outcome = await ((BehaviourScript)Default.Resolve(create)).RunAsync(host, time, ScriptedError.ToErrorRecord, CancellationToken.None);
        TestContext.Out.WriteLine($"PROBE {text.Replace("\n", "\\n")} => {outcome.State} out=[{string.Join("|", host.OutputTexts)}] errors=[{string.Join("|", host.Records.Select(r => r is ErrorRecordMessage e ? e.Record["FullyQualifiedErrorId"].AsString() + ":" + e.Record.ToStringValue : r is InformationRecordMessage i ? "INFO:" + i.MessageData.ToDisplayString() : r.GetType().Name))}] reason={(outcome.ErrorRecord is null ? "" : outcome.ErrorRecord.ToStringValue + " / " + outcome.ErrorRecord["FullyQualifiedErrorId"].AsString())}");
    }
}
