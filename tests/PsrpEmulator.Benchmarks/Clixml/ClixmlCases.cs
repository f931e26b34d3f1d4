using System.Management.Automation;
using System.Text;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Benchmarks.Clixml;

/// <summary>The object sets of issue 7 benchmark 1, as PowerShell objects and as our PsValues.</summary>
/// <remarks>
/// Both sides work on the same content: the PowerShell object is serialized with <see cref="PSSerializer"/> and our
/// PsValue is read from that very document, so both serializers write the same data and both deserializers read the
/// same bytes.
/// </remarks>
public sealed class ClixmlCase
{
    private ClixmlCase(string name, object powerShellObject, int depth, int objectCount)
    {
        Name = name;
        PowerShellObject = powerShellObject;
        Depth = depth;
        ObjectCount = objectCount;
        PowerShellXml = PSSerializer.Serialize(powerShellObject, depth);
        PowerShellUtf8 = Encoding.UTF8.GetBytes(PowerShellXml);
        Value = ClixmlDeserializer.Deserialize(PowerShellUtf8);
        OurUtf8 = ClixmlSerializer.Serialize(Value);
        OurXml = Encoding.UTF8.GetString(OurUtf8);
    }

    public string Name { get; }

    /// <summary>What PSSerializer serializes.</summary>
    public object PowerShellObject { get; }

    /// <summary>PSSerializer's depth for this case.</summary>
    public int Depth { get; }

    /// <summary>Objects in one message (for allocations per object).</summary>
    public int ObjectCount { get; }

    /// <summary>PSSerializer's output (an &lt;Objs&gt; document).</summary>
    public string PowerShellXml { get; }

    public byte[] PowerShellUtf8 { get; }

    /// <summary>The same content as our object model.</summary>
    public PsValue Value { get; }

    /// <summary>Our serializer's output (one element).</summary>
    public byte[] OurUtf8 { get; }

    public string OurXml { get; }

    /// <summary>True for single primitives (the deserialize target is 1.5× there, 2× for object-bearing messages).</summary>
    public bool IsPrimitive => Value is PsPrimitive;

    public override string ToString() => Name;

    public static readonly string[] Names = ["String", "Int32", "CustomObject20", "ErrorRecord", "List10000"];

    public static ClixmlCase Create(string name) => name switch
    {
        "String" => new ClixmlCase(name, "The quick brown fox jumps over the lazy dog: C:\\Windows\\System32 & <more>", 1, 1),
        "Int32" => new ClixmlCase(name, 1234567, 1, 1),
        "CustomObject20" => new ClixmlCase(name, CustomObject(20, nested: true), 2, 2),
        "ErrorRecord" => new ClixmlCase(name, ErrorRecord(), 2, 1),
        "List10000" => new ClixmlCase(name, Enumerable.Range(0, 10_000).Select(i => (object)(i % 2 == 0 ? i : $"item {i}")).ToArray(), 1, 10_000),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    /// <summary>A PSCustomObject with <paramref name="count"/> note properties of mixed types, one of them a nested PSCustomObject.</summary>
    public static PSObject CustomObject(int count, bool nested)
    {
        var o = new PSObject();
        for (var i = 0; i < count; i++)
        {
            object? value = (i % 5) switch
            {
                0 => $"value number {i}",
                1 => i * 1000,
                2 => i % 2 == 0,
                3 => i * 1.25,
                _ => new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddMinutes(i),
            };
            if (nested && i == count - 1) value = CustomObject(5, nested: false);
            o.Properties.Add(new PSNoteProperty($"Property{i:00}", value));
        }

        return o;
    }

    public static ErrorRecord ErrorRecord()
    {
        var exception = new InvalidOperationException("The operation is not valid for the current state of the object.");
        var record = new ErrorRecord(exception, "Emulator.Benchmark.Error", ErrorCategory.InvalidOperation, "target-object")
        {
            ErrorDetails = new ErrorDetails("Details of the error for the benchmark."),
        };
        return record;
    }
}
