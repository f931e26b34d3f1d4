using System.Management.Automation;
using System.Text;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Interop.Tests;

/// <summary>
/// Our remoting depth cuts an object as PowerShell's serializer does: what PowerShell writes at depth 1 is what we
/// make of what it writes deeper.
/// </summary>
public sealed class RemotingDepthInteropTests
{
    [OneTimeSetUp]
    public void OptOut() => Environment.SetEnvironmentVariable("POWERSHELL_TELEMETRY_OPTOUT", "1");

    private static PSObject Custom(params (string Name, object? Value)[] notes)
    {
        var custom = new PSObject();
        foreach (var (name, value) in notes) custom.Properties.Add(new PSNoteProperty(name, value));
        return custom;
    }

    private static PsValue Read(string xml) => ClixmlDeserializer.Deserialize(Encoding.UTF8.GetBytes(xml));

    private static string Written(PsValue value) => Encoding.UTF8.GetString(ClixmlSerializer.Serialize(value));

    [Test]
    public void An_object_cut_to_depth_1_is_what_PowerShell_writes_at_depth_1()
    {
        var temp = new DirectoryInfo(Path.GetTempPath());
        var source = Custom(
            ("nested", Custom(("inner", Custom(("c", 3))))),
            ("folder", temp),
            ("table", new System.Collections.Hashtable { ["k"] = temp.Parent }),
            ("list", new object[] { temp, 5, Custom(("z", temp)) }));

        var atDepth1 = PSSerializer.Serialize(source, 1);
        var deeper = PSSerializer.Serialize(source, 4);

        var ours = RemotingDepth.Apply(Read(deeper), o => o.ToStringValue ?? string.Empty);
        Assert.That(Written(ours), Is.EqualTo(Written(Read(atDepth1))));
        // The claim holds something to compare: the folder's Parent went as its text, the nested notes whole.
        var folder = (PsObject)((PsObject)ours)["folder"]!;
        Assert.That(folder["Parent"], Is.InstanceOf<PsPrimitive>());
        Assert.That(((PsObject)((PsObject)((PsObject)ours)["nested"]!)["inner"]!)["c"], Is.EqualTo(PsPrimitive.Int32(3)));
    }

    [Test]
    public void Values_nested_past_the_serializer_s_limit_are_its_text_as_PowerShell_writes_them()
    {
        object value = 7;
        for (var i = 0; i < 55; i++) value = Custom(("n", value));

        var theirs = Read(PSSerializer.Serialize(value, 1));
        var ours = RemotingDepth.Apply(Read(PSSerializer.Serialize(value, 1).Replace(
            "<S N=\"n\">" + RemotingDepth.TooDeepText + "</S>", "<I32 N=\"n\">7</I32>", StringComparison.Ordinal)), o => o.ToStringValue ?? string.Empty);

        Assert.That(Written(theirs), Does.Contain(RemotingDepth.TooDeepText), "PowerShell cut it");
        Assert.That(Written(ours), Is.EqualTo(Written(theirs)));
    }
}
