using System.Management.Automation;
using System.Text;
using PsrpEmulator.Benchmarks.Clixml;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Interop.Tests;

/// <summary>
/// Our CLIXML and PowerShell's PSSerializer read each other's XML (issue 7): for each benchmark case, what PowerShell
/// understands from our output equals what it understands from its own, and our reader round-trips PowerShell's.
/// </summary>
public sealed class ClixmlInteropTests
{
    private const string ObjsStart = "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">";

    public static IEnumerable<string> Cases => ClixmlCase.Names;

    [OneTimeSetUp]
    public void OptOut() => Environment.SetEnvironmentVariable("POWERSHELL_TELEMETRY_OPTOUT", "1");

    [TestCaseSource(nameof(Cases))]
    public void PowerShell_reads_our_xml_as_it_reads_its_own(string name)
    {
        var c = ClixmlCase.Create(name);
        var fromOurs = PSSerializer.Deserialize(ObjsStart + c.OurXml + "</Objs>");
        var fromItsOwn = PSSerializer.Deserialize(c.PowerShellXml);

        Assert.That(PSSerializer.Serialize(fromOurs, c.Depth), Is.EqualTo(PSSerializer.Serialize(fromItsOwn, c.Depth)));
    }

    [TestCaseSource(nameof(Cases))]
    public void We_read_PowerShell_xml_and_write_it_back_unchanged(string name)
    {
        var c = ClixmlCase.Create(name);
        var fromPowerShell = ClixmlDeserializer.Deserialize(c.PowerShellUtf8);
        var fromOurs = ClixmlDeserializer.Deserialize(c.OurUtf8);

        Assert.That(Encoding.UTF8.GetString(ClixmlSerializer.Serialize(fromOurs)), Is.EqualTo(c.OurXml));
        Assert.That(Encoding.UTF8.GetString(ClixmlSerializer.Serialize(fromPowerShell)), Is.EqualTo(c.OurXml));
    }

    [Test]
    public void Values_read_from_PowerShell_xml_are_the_values_PowerShell_wrote()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ClixmlCase.Create("String").Value.AsString(), Is.EqualTo(ClixmlCase.Create("String").PowerShellObject));
            Assert.That(ClixmlCase.Create("Int32").Value.AsInt32(), Is.EqualTo(1234567));

            var custom = ClixmlCase.Create("CustomObject20").Value.AsObject()!;
            Assert.That(custom.TypeNames, Does.Contain(PsObjects.PSCustomObjectTypeName));
            Assert.That(custom.ExtendedProperties, Has.Count.EqualTo(20));
            Assert.That(custom["Property01"].AsInt32(), Is.EqualTo(1000));
            Assert.That(custom["Property19"].AsObject()!.ExtendedProperties, Has.Count.EqualTo(5));

            var error = ClixmlCase.Create("ErrorRecord").Value.AsObject()!;
            Assert.That(error.TypeNames![0], Is.EqualTo("System.Management.Automation.ErrorRecord"));
            Assert.That(error["FullyQualifiedErrorId"].AsString(), Is.EqualTo("Emulator.Benchmark.Error"));

            var list = ClixmlCase.Create("List10000").Value.AsObject()!;
            Assert.That(list.Items, Has.Count.EqualTo(10_000));
            Assert.That(list.Items[9_999].AsString(), Is.EqualTo("item 9999"));
        });
    }
    [TestCase(-1, -1, false)]
    [TestCase((int)ConsoleColor.Green, -1, false)]
    [TestCase((int)ConsoleColor.Yellow, (int)ConsoleColor.DarkBlue, true)]
    public void Write_Host_s_message_is_written_and_read_as_PowerShell_serializes_a_HostInformationMessage(int foreground, int background, bool noNewLine)
    {
        ConsoleColor? fg = foreground < 0 ? null : (ConsoleColor)foreground;
        ConsoleColor? bg = background < 0 ? null : (ConsoleColor)background;
        var ours = new PsrpEmulator.Protocol.Psrp.HostInformationMessage("hi <there> & 'you'", noNewLine, fg, bg);
        // Depth 1: what PowerShell's remoting serializer uses (the Fragmentor's SerializationContext; the record's
        // property bag does not count), so the colours come as their names.
        var theirs = PSSerializer.Serialize(
            new System.Management.Automation.HostInformationMessage { Message = ours.Message, NoNewLine = noNewLine, ForegroundColor = fg, BackgroundColor = bg }, 1);

        // PowerShell understands ours as it understands its own...
        var fromOurs = PSSerializer.Deserialize(ObjsStart + Encoding.UTF8.GetString(ClixmlSerializer.Serialize(ours.ToPsValue())) + "</Objs>");
        Assert.That(PSSerializer.Serialize(fromOurs, 1), Is.EqualTo(PSSerializer.Serialize(PSSerializer.Deserialize(theirs), 1)));
        // ...and we read its own as we wrote ours.
        Assert.That(PsrpEmulator.Protocol.Psrp.HostInformationMessage.TryRead(ClixmlDeserializer.Deserialize(Encoding.UTF8.GetBytes(theirs))), Is.EqualTo(ours));
    }
}
