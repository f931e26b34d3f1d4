using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Protocol.Tests.Psrp;

public class HostInformationMessageTests
{
    private static PsObject Message(string typeName, PsValue message, PsValue? noNewLine = null, PsValue? foreground = null)
    {
        var o = new PsObject([typeName, "System.Object"]);
        o.AdaptedProperties.Add(new PsProperty("Message", message));
        if (noNewLine is not null) o.AdaptedProperties.Add(new PsProperty("NoNewLine", noNewLine));
        if (foreground is not null) o.AdaptedProperties.Add(new PsProperty("ForegroundColor", foreground));
        return o;
    }

    [Test]
    public void Written_and_read_back_it_is_the_same_message()
    {
        foreach (var m in new[] { new HostInformationMessage("hi"), new HostInformationMessage("x", true, ConsoleColor.Red, ConsoleColor.Black), new HostInformationMessage(string.Empty, null) })
        {
            var bytes = ClixmlSerializer.Serialize(m.ToPsValue());
            Assert.That(HostInformationMessage.TryRead(ClixmlDeserializer.Deserialize(bytes)), Is.EqualTo(m));
        }
    }

    [Test]
    public void A_colour_is_read_as_a_name_an_enum_object_or_a_number()
    {
        const string T = HostInformationMessage.TypeName;
        Assert.That(HostInformationMessage.TryRead(Message(T, PsPrimitive.String("a"), foreground: PsPrimitive.String("darkred")))?.ForegroundColor, Is.EqualTo(ConsoleColor.DarkRed));
        Assert.That(HostInformationMessage.TryRead(Message(T, PsPrimitive.String("a"), foreground: PsObjects.Enum("System.ConsoleColor", "Green", 10)))?.ForegroundColor, Is.EqualTo(ConsoleColor.Green));
        Assert.That(HostInformationMessage.TryRead(Message(T, PsPrimitive.String("a"), foreground: PsPrimitive.Int32(14)))?.ForegroundColor, Is.EqualTo(ConsoleColor.Yellow));
        // Not a colour: read as none (the host shows the text in its own colours).
        Assert.That(HostInformationMessage.TryRead(Message(T, PsPrimitive.String("a"), foreground: PsPrimitive.String("Purple")))?.ForegroundColor, Is.Null);
        Assert.That(HostInformationMessage.TryRead(Message(T, PsPrimitive.String("a"), foreground: PsPrimitive.Int32(99)))?.ForegroundColor, Is.Null);
        Assert.That(HostInformationMessage.TryRead(Message(T, PsPrimitive.String("a"), noNewLine: PsPrimitive.String("yes")))?.NoNewLine, Is.Null);
    }

    [Test]
    public void Only_a_HostInformationMessage_with_a_string_Message_is_one()
    {
        Assert.That(HostInformationMessage.TryRead(Message("Deserialized." + HostInformationMessage.TypeName, PsPrimitive.String("a"))), Is.EqualTo(new HostInformationMessage("a", null)));
        Assert.That(HostInformationMessage.TryRead(Message("System.Management.Automation.PSCustomObject", PsPrimitive.String("a"))), Is.Null);
        Assert.That(HostInformationMessage.TryRead(Message(HostInformationMessage.TypeName, PsPrimitive.Int32(1))), Is.Null);
        Assert.That(HostInformationMessage.TryRead(PsPrimitive.String("a")), Is.Null);
        Assert.That(HostInformationMessage.TryRead(new PsObject()), Is.Null);
    }
}
