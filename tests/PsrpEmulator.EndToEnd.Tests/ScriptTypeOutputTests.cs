using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.EndToEnd.Tests;

/// <summary>
/// A script's own enum and class, defined in one pipeline and used in a later one of the same RunspacePool, reach the
/// client over HTTP as PowerShell's serializer sends them.
/// </summary>
public class ScriptTypeOutputTests : EmulatorTestBase
{
    [Test]
    public async Task A_script_s_enum_and_class_objects_reach_the_client_from_a_later_pipeline_of_the_pool()
    {
        using var transport = CreateTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        await OutputsAsync(pool,
            "enum Level { Low; High = 5 }\n" +
            "class Job { [string]$Name; [Level]$Level = 'High'; Job([string]$n) { $this.Name = $n } [string] Describe() { return \"$($this.Name) at $($this.Level)\" } }");

        var outputs = await OutputsAsync(pool, "$j = [Job]::new('backup'); $j.Describe(); $j; [Level]::Low");

        Assert.That(outputs[0].ToDisplayString(), Is.EqualTo("backup at High"));
        var job = (PsObject)outputs[1];
        Assert.That(job.TypeNames, Is.EqualTo(new[] { "Job", "System.Object" }));
        Assert.That(job["Name"]?.ToDisplayString(), Is.EqualTo("backup"));
        Assert.That(job["Level"]?.ToDisplayString(), Is.EqualTo("High"));
        var level = (PsObject)outputs[2];
        Assert.That(level.TypeNames![0], Is.EqualTo("Level"));
        Assert.That(level.BaseValue, Is.EqualTo(PsPrimitive.Int32(0)));
    }

    private static async Task<List<PsValue>> OutputsAsync(RunspacePoolClient pool, string script)
    {
        var pipeline = await pool.StartAsync(new CreatePipeline([new PipelineCommand(script, IsScript: true, [])], NoInput: true));
        var outputs = new List<PsValue>();
        await foreach (var e in pipeline.ReadAllAsync())
        {
            if (e is OutputEvent output) outputs.Add(output.Value);
        }

        return outputs;
    }
}
