using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Protocol.Tests.Psrp;

public class HostCallTests
{
    // MS-PSRP 2.2.2.15 and 2.2.2.16: the ReadLine call and the response of the specification's examples.
    private const string SpecReadLineCall =
        "<Obj RefId=\"0\"><MS><I64 N=\"ci\">1</I64><Obj N=\"mi\" RefId=\"1\"><TN RefId=\"0\"><T>System.Management.Automation.Remoting.RemoteHostMethodId</T>" +
        "<T>System.Enum</T><T>System.ValueType</T><T>System.Object</T></TN><ToString>ReadLine</ToString><I32>11</I32></Obj>" +
        "<Obj N=\"mp\" RefId=\"2\"><TN RefId=\"1\"><T>System.Collections.ArrayList</T><T>System.Object</T></TN><LST /></Obj></MS></Obj>";

    private const string SpecReadLineResponse =
        "<Obj RefId=\"11\"><MS><S N=\"mr\">Line read from the host</S><I64 N=\"ci\">1</I64><Obj N=\"mi\" RefId=\"12\"><TN RefId=\"4\">" +
        "<T>System.Management.Automation.Remoting.RemoteHostMethodId</T><T>System.Enum</T><T>System.ValueType</T><T>System.Object</T></TN>" +
        "<ToString>ReadLine</ToString><I32>11</I32></Obj></MS></Obj>";

    [Test]
    public void The_specification_s_ReadLine_call_and_response_read_as_such()
    {
        var call = PipelineHostCall.FromPsValue(ClixmlDeserializer.Deserialize(SpecReadLineCall));
        Assert.That((call.CallId, call.MethodId, call.Parameters.Count), Is.EqualTo((1L, RemoteHostMethodId.ReadLine, 0)));
        var response = PipelineHostResponse.FromPsValue(ClixmlDeserializer.Deserialize(SpecReadLineResponse));
        Assert.That((response.CallId, response.MethodId, response.ReturnValue.AsString(), response.Exception), Is.EqualTo((1L, RemoteHostMethodId.ReadLine, "Line read from the host", (PsObject?)null)));
    }

    [Test]
    public void A_call_is_written_as_the_specification_shows_it()
    {
        var xml = ClixmlSerializer.SerializeToString(new PipelineHostCall(1, RemoteHostMethodId.ReadLine, []).ToPsValue());
        Assert.That(xml, Is.EqualTo(SpecReadLineCall));
    }

    [Test]
    public void A_response_leaves_out_a_null_return_value_and_writes_the_error_it_carries()
    {
        var none = ClixmlSerializer.SerializeToString(new PipelineHostResponse(3, RemoteHostMethodId.ReadLine).ToPsValue());
        Assert.That(none, Does.Not.Contain("N=\"mr\"").And.Not.Contain("N=\"me\""));
        var error = new PsObject().With("FullyQualifiedErrorId", "RemoteHostExecutionException");
        var read = PipelineHostResponse.FromPsValue(ClixmlDeserializer.Deserialize(ClixmlSerializer.Serialize(new PipelineHostResponse(3, RemoteHostMethodId.Prompt, null, error).ToPsValue())));
        Assert.That((read.CallId, read.MethodId, read.ReturnValue, read.Exception?["FullyQualifiedErrorId"].AsString()),
            Is.EqualTo((3L, RemoteHostMethodId.Prompt, (PsValue?)null, "RemoteHostExecutionException")));
    }

    [Test]
    public void Read_Host_s_prompt_field_is_the_bag_of_FieldDescription_s_private_fields()
    {
        var call = new PipelineHostCall(1, RemoteHostMethodId.Prompt,
            [PsPrimitive.String(""), PsPrimitive.String(""), RemoteHostCalls.ArrayList([RemoteHostCalls.FieldDescription("Name", FieldType.String)])]);
        var xml = ClixmlSerializer.SerializeToString(call.ToPsValue());
        Assert.That(xml, Does.Contain("<ToString>Prompt</ToString><I32>23</I32>"));
        Assert.That(xml, Does.Contain("<Obj RefId=\"4\"><MS><S N=\"name\">Name</S><S N=\"label\"></S><S N=\"parameterTypeName\">String</S>" +
                                      "<S N=\"parameterTypeFullName\">System.String</S><S N=\"parameterAssemblyFullName\">System.String, mscorlib, Version=4.0.0.0, " +
                                      "Culture=neutral, PublicKeyToken=b77a5c561934e089</S><S N=\"helpMessage\"></S><B N=\"isMandatory\">true</B>" +
                                      "<Obj N=\"metadata\" RefId=\"5\"><TNRef RefId=\"1\" /><LST /></Obj><B N=\"modifiedByRemotingProtocol\">false</B>" +
                                      "<B N=\"isFromRemoteHost\">false</B></MS></Obj>"));
        var read = PipelineHostCall.FromPsValue(ClixmlDeserializer.Deserialize(xml));
        var fields = RemoteHostCalls.Items(read.Parameters[2]);
        Assert.That(RemoteHostCalls.ReadFieldDescription(fields[0]), Is.EqualTo(("Name", "", "", "System.String")));
    }

    [Test]
    public void A_call_without_a_method_or_with_parameters_that_are_no_list_is_a_payload_error()
    {
        Assert.That(() => PipelineHostCall.FromPsValue(new PsObject().With("ci", PsPrimitive.Int64(1))),
            Throws.TypeOf<PsrpPayloadException>().With.Message.Contains("'mi'"));
        Assert.That(() => PipelineHostCall.FromPsValue(new PsObject().With("ci", PsPrimitive.Int64(1)).With("mi", 11).With("mp", "x")),
            Throws.TypeOf<PsrpPayloadException>().With.Message.Contains("'mp' should be a list"));
        Assert.That(() => RemoteHostCalls.Items(PsPrimitive.String("x")), Throws.TypeOf<PsrpPayloadException>());
        Assert.That(() => PipelineHostResponse.FromPsValue(PsPrimitive.String("x")), Throws.TypeOf<PsrpPayloadException>());
    }

    [Test]
    public void Only_the_methods_that_return_something_wait_for_a_response()
    {
        var waiting = Enum.GetValues<RemoteHostMethodId>().Where(RemoteHostCalls.ExpectsResponse).Select(m => (int)m);
        Assert.That(waiting, Is.EquivalentTo(new[] { 11, 12, 23, 24, 25, 26, 46, 56 }));
    }
}
