using System.Management.Automation;
using BenchmarkDotNet.Attributes;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Benchmarks.Clixml;

/// <summary>Benchmark 1: serialize the same content with our writer and with PowerShell's PSSerializer (baseline).</summary>
[MemoryDiagnoser]
public class ClixmlSerializeBenchmarks
{
    private ClixmlCase _case = null!;

    [ParamsSource(nameof(Cases))]
    public string Case { get; set; } = "String";

    public static IEnumerable<string> Cases => ClixmlCase.Names;

    [GlobalSetup]
    public void Setup() => _case = ClixmlCase.Create(Case);

    [Benchmark(Baseline = true)]
    public string PSSerializer_Serialize() => PSSerializer.Serialize(_case.PowerShellObject, _case.Depth);

    [Benchmark]
    public byte[] Ours_Serialize() => ClixmlSerializer.Serialize(_case.Value);
}

/// <summary>Benchmark 1: deserialize PowerShell's own document with our reader and with PSSerializer (baseline).</summary>
[MemoryDiagnoser]
public class ClixmlDeserializeBenchmarks
{
    private ClixmlCase _case = null!;

    [ParamsSource(nameof(Cases))]
    public string Case { get; set; } = "String";

    public static IEnumerable<string> Cases => ClixmlCase.Names;

    [GlobalSetup]
    public void Setup() => _case = ClixmlCase.Create(Case);

    [Benchmark(Baseline = true)]
    public object PSSerializer_Deserialize() => PSSerializer.Deserialize(_case.PowerShellXml);

    [Benchmark]
    public PsValue Ours_Deserialize() => ClixmlDeserializer.Deserialize(_case.PowerShellUtf8);
}
