using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Protocol.Tests.Clixml;

public class PsValueAccessorTests
{
    [Test]
    public void Typed_accessors_return_the_value_of_the_matching_kind()
    {
        Assert.That(PsPrimitive.String("s").AsString(), Is.EqualTo("s"));
        Assert.That(PsPrimitive.Version("2.3").AsString(), Is.EqualTo("2.3"));
        Assert.That(PsPrimitive.Boolean(true).AsBoolean(), Is.True);
        Assert.That(PsPrimitive.Int32(5).AsInt32(), Is.EqualTo(5));
        Assert.That(PsPrimitive.UInt32(5).AsInt64(), Is.EqualTo(5L));
        Assert.That(PsPrimitive.Single(1.5f).AsDouble(), Is.EqualTo(1.5));
        Assert.That(PsPrimitive.Guid(Guid.Empty).AsGuid(), Is.EqualTo(Guid.Empty));
        Assert.That(PsPrimitive.Duration(TimeSpan.FromSeconds(1)).AsTimeSpan(), Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(PsPrimitive.ByteArray([1]).AsByteArray(), Is.EqualTo(new byte[] { 1 }));
    }

    [Test]
    public void Typed_accessors_return_null_for_another_kind_or_nil()
    {
        Assert.That(PsPrimitive.Int32(5).AsString(), Is.Null);
        Assert.That(PsPrimitive.String("5").AsInt32(), Is.Null);
        Assert.That(PsPrimitive.UInt64(ulong.MaxValue).AsInt64(), Is.Null);
        Assert.That(PsNil.Instance.AsString(), Is.Null);
        Assert.That(((PsValue?)null).AsObject(), Is.Null);
        Assert.That(PsNil.Instance.IsNil(), Is.True);
        Assert.That(((PsValue?)null).IsNil(), Is.True);
        Assert.That(PsPrimitive.String("").IsNil(), Is.False);
    }

    [Test]
    public void Enum_object_reads_as_its_underlying_integer() =>
        Assert.That(PsObjects.Enum("My.Enum", "Two", 2).AsInt32(), Is.EqualTo(2));

    [Test]
    public void Enum_builder_uses_the_standard_enum_type_name_tail() =>
        Assert.That(PsObjects.Enum("My.Enum", "Two", 2).TypeNames,
            Is.EqualTo(new[] { "My.Enum", "System.Enum", "System.ValueType", "System.Object" }));
}
