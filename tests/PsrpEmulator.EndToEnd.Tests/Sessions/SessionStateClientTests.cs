using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Remoting;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.EndToEnd.Tests.Sessions;

/// <summary>Issue 4 over HTTP: arguments and input sent as PowerShell sends them, state kept per remote session.</summary>
public class SessionStateClientTests : SessionTestBase
{
    [Test]
    public async Task ArgumentList_values_reach_the_script_as_positional_arguments()
    {
        var client = NewClient();
        var session = await NewSessionAsync(client);
        var script = new RemoteScript("param($n) \"Hello $n\"") { Arguments = [PsPrimitive.String("World")] };

        var result = await AdvanceAsync(client.InvokeAsync(session, script));

        Assert.That(result.OutputText, Is.EqualTo(new[] { "Hello World" }));
        var command = Emulator.Journal.Snapshot().Single(e => e.Action == "Command");
        Assert.That(command.RequestMessages, Is.EqualTo(new[] { PsrpMessageType.CreatePipeline }));
    }

    /// <summary>
    /// A byte[] sent as an argument, a $using value or input (CLIXML's BA) is an array in the script, as PowerShell
    /// deserializes it: the file-copy idiom <c>Invoke-Command { param($b) [IO.File]::WriteAllBytes(...) } -ArgumentList (,$bytes)</c>.
    /// </summary>
    [Test]
    public async Task A_byte_array_argument_using_value_or_input_is_an_array_in_the_script()
    {
        var client = NewClient();
        var session = await NewSessionAsync(client);
        var bytes = PsPrimitive.ByteArray([7, 8, 9, 10]);
        var script = new RemoteScript("param($b) $b.Length; $b[1]; $b.GetType().FullName; [IO.File]::WriteAllBytes('C:\\copied.bin', $b); (Get-Item C:\\copied.bin).Length; $using:u.Count; @($input).Count")
        {
            Arguments = [bytes],
            UsingValues = new Dictionary<string, PsValue> { [RemoteScript.UsingKey("$using:u")] = bytes },
            Input = [bytes],
        };

        var result = await AdvanceAsync(client.InvokeAsync(session, script));

        Assert.That(result.Error.Select(e => e.Message), Is.Empty);
        Assert.That(result.OutputText, Is.EqualTo(new[] { "4", "8", "System.Byte[]", "4", "4", "1" }), "the input is one object, the array");
    }

    /// <summary>
    /// Objects the client sends arrive as PowerShell's deserializer leaves them (InternalDeserializer.ReadTypeNames puts
    /// "Deserialized." before every type name; a list is read into an ArrayList): an array argument is no [array] and
    /// has no Length of its own, a PSCustomObject's type name is the one PowerShell's conversion errors show, and the
    /// names go back on the wire as the server holds them.
    /// </summary>
    [Test]
    public async Task Objects_sent_by_the_client_are_deserialized_objects_in_the_script()
    {
        var client = NewClient();
        var session = await NewSessionAsync(client);
        var array = PsObjects.List([PsPrimitive.String("x"), PsPrimitive.String("yz")], ["System.Object[]", "System.Array", "System.Object"]);
        var custom = PsObjects.CustomObject().With("a", PsPrimitive.Int32(1)).With("sub", PsObjects.CustomObject().With("b", PsPrimitive.Int32(2)));
        var table = PsObjects.Dictionary([new(PsPrimitive.String("k"), PsPrimitive.Int32(1))], ["System.Collections.Hashtable", "System.Object"]);
        var script = new RemoteScript(
            "param($a, $o, $h) $a.GetType().FullName; $a -is [array]; $a -is [System.Collections.IList]; $a.pstypenames[0]; \"$($a.Length)\"; $a.Add('w'); " +
            "$o.GetType().FullName; $o.pstypenames -join ','; $o.sub.pstypenames[0]; $o -is [pscustomobject]; try { [int]$o } catch { $_.Exception.Message }; " +
            "$h.GetType().FullName; $h.pstypenames[0]; $h.k; ($using:u).pstypenames[0]; $input | ForEach-Object { $_.pstypenames[0] }; $o")
        {
            Arguments = [array, custom, table],
            UsingValues = new Dictionary<string, PsValue> { [RemoteScript.UsingKey("$using:u")] = custom },
            Input = [custom],
        };

        var result = await AdvanceAsync(client.InvokeAsync(session, script));

        Assert.That(result.Error.Select(e => e.Message), Is.Empty);
        Assert.That(result.OutputText[..^1], Is.EqualTo(new[]
        {
            "System.Collections.ArrayList", "False", "True", "Deserialized.System.Object[]", "1 2", "2",
            "System.Management.Automation.PSCustomObject", "Deserialized.System.Management.Automation.PSCustomObject,Deserialized.System.Object",
            "Deserialized.System.Management.Automation.PSCustomObject", "True",
            "Cannot convert the \"@{a=1; sub=@{b=2}}\" value of type \"Deserialized.System.Management.Automation.PSCustomObject\" to type \"System.Int32\".",
            "System.Collections.Hashtable", "Deserialized.System.Collections.Hashtable", "1",
            "Deserialized.System.Management.Automation.PSCustomObject", "Deserialized.System.Management.Automation.PSCustomObject",
        }));
        Assert.That(((PsObject)result.Output[^1]).TypeNames, Is.EqualTo(new[] { "Deserialized.System.Management.Automation.PSCustomObject", "Deserialized.System.Object" }),
            "the object goes back with the names the server holds, not decorated twice");
    }

    [Test]
    public async Task Pipeline_input_is_sent_after_the_command_and_ends_with_END_OF_PIPELINE_INPUT()
    {
        var client = NewClient();
        var session = await NewSessionAsync(client);
        var script = new RemoteScript("$input | ForEach-Object { $_ * 2 }") { Input = [PsPrimitive.Int32(1), PsPrimitive.Int32(2), PsPrimitive.Int32(3)] };

        var result = await AdvanceAsync(client.InvokeAsync(session, script));

        Assert.That(result.Output.Select(o => ((PsObject)o).BaseValue), Is.EqualTo(new[] { PsPrimitive.Int32(2), PsPrimitive.Int32(4), PsPrimitive.Int32(6) }),
            "integers (stamped with PSComputerName by the client)");
        var sent = Emulator.Journal.Snapshot().Where(e => e.Action == "Send").SelectMany(e => e.RequestMessages).ToList();
        Assert.That(sent, Is.EqualTo(new[] { PsrpMessageType.PipelineInput, PsrpMessageType.PipelineInput, PsrpMessageType.PipelineInput, PsrpMessageType.EndOfPipelineInput }));
    }

    [Test]
    public async Task Input_can_be_sent_object_by_object_to_a_started_command_before_it_is_read()
    {
        var client = NewClient();
        var session = await NewSessionAsync(client);
        var pipeline = await AdvanceAsync(client.StartAsync(session, "$input | ForEach-Object { \"got $_\" }"));
        await AdvanceAsync(client.SendInputAsync(session, pipeline, PsPrimitive.String("a")));
        await AdvanceAsync(client.SendInputAsync(session, pipeline, PsPrimitive.String("b")));

        var received = new List<string>();
        await AdvanceAsync(client.EndInputAsync(session, pipeline));
        await AdvanceAsync(client.ReadStreamingAsync(session, pipeline, chunk => received.AddRange(chunk.OutputText)));

        Assert.That(received, Is.EqualTo(new[] { "got a", "got b" }));
        var sent = Emulator.Journal.Snapshot().Where(e => e.Action is "Command" or "Send").Select(e => string.Join(",", e.RequestMessages));
        Assert.That(sent, Is.EqualTo(new[] { "CreatePipeline", "PipelineInput", "PipelineInput", "EndOfPipelineInput" }));
    }

    [Test]
    public async Task Without_input_nothing_is_sent_and_the_script_sees_no_input()
    {
        var client = NewClient();
        var session = await NewSessionAsync(client);

        var result = await AdvanceAsync(client.InvokeAsync(session, "$input"));

        Assert.That(result.Output, Is.Empty);
        Assert.That(Emulator.Journal.Snapshot().Where(e => e.Action == "Send"), Is.Empty, "NoInput: no Send at all");
    }

    [Test]
    public async Task A_variable_lives_in_its_session_only()
    {
        var client = NewClient();
        var first = await NewSessionAsync(client);
        var second = await NewSessionAsync(client);

        await AdvanceAsync(client.InvokeAsync(first, "$x = 5"));

        Assert.That((await AdvanceAsync(client.InvokeAsync(first, "$x"))).Output.Select(o => ((PsObject)o).BaseValue), Is.EqualTo(new[] { PsPrimitive.Int32(5) }));
        Assert.That((await AdvanceAsync(client.InvokeAsync(second, "$x"))).Output, Is.EqualTo(new PsValue[] { PsNil.Instance }), "unset: $null");
    }

    [Test]
    public async Task A_job_started_in_a_session_keeps_its_results_across_a_disconnect_for_a_client_that_connects_later()
    {
        var first = NewClient();
        var session = await NewSessionAsync(first, "Jobs");
        await AdvanceAsync(first.InvokeAsync(session, "$j = Start-Job { 1..3 | ForEach-Object { \"Return $_\"; Start-Sleep 60 } }"));
        await first.DisconnectAsync(session, idleTimeoutSec: 3600);

        // The job goes on while nobody is connected (each of its sleeps starts when the previous one ends).
        for (var i = 0; i < 30; i++)
        {
            Clock!.Advance(TimeSpan.FromSeconds(10));
            await Task.Delay(5);
        }

        var second = NewClient();
        var connected = (await AdvanceAsync(second.ConnectAsync(Target, Credential, name: "Jobs", sessionOption: Option))).Single();
        var results = await AdvanceAsync(second.InvokeAsync(connected, "Receive-Job $j"));

        Assert.That(results.OutputText, Is.EqualTo(new[] { "Return 1", "Return 2", "Return 3" }));
        var state = await AdvanceAsync(second.InvokeAsync(connected, "$j.State"));
        Assert.That(state.OutputText, Is.EqualTo(new[] { "Completed" }));
    }
}
