using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Remoting;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.EndToEnd.Tests.Sessions;

/// <summary>Client pieces that need no server.</summary>
public class ClientUnitTests
{
    private static byte[] Message(string text) =>
        PsrpMessage.Create(PsrpDestination.Client, Guid.Empty, Guid.Empty, new PipelineOutput(PsPrimitive.String(text))).ToArray();

    [Test]
    public void After_a_stream_connect_fragments_of_an_object_begun_elsewhere_are_skipped_until_an_object_starts()
    {
        // A new client connecting mid-object: it never saw the start fragment.
        var defragmenter = new StreamDefragmenter();
        defragmenter.PrepareForStreamConnect();
        var first = FragmentCodec.Split(1, Message(new string('a', 300)), 100);
        var rest = first.Skip(1).SelectMany(f => f).ToArray();
        var next = FragmentCodec.Split(2, Message("line3"), 1000)[0];

        var messages = defragmenter.Add(rest.Concat(next).ToArray());

        Assert.That(messages.Select(m => m.ReadData().ToDisplayString()), Is.EqualTo(new[] { "line3" }));
        Assert.That(defragmenter.DiscardedFragments, Is.EqualTo(first.Count - 1));
    }

    [Test]
    public void After_a_stream_connect_a_partial_object_whose_next_fragment_comes_is_completed_as_PowerShell_does()
    {
        var defragmenter = new StreamDefragmenter();
        var first = FragmentCodec.Split(1, Message(new string('a', 300)), 100);
        Assert.That(defragmenter.Add(first[0]), Is.Empty);

        defragmenter.PrepareForStreamConnect();
        var messages = defragmenter.Add(first.Skip(1).SelectMany(f => f).ToArray());

        Assert.That(messages.Select(m => m.ReadData().ToDisplayString()), Is.EqualTo(new[] { new string('a', 300) }));
        Assert.That(defragmenter.DiscardedFragments, Is.Zero);
    }

    [Test]
    public void Without_a_stream_connect_a_continuation_fragment_is_a_protocol_error()
    {
        var defragmenter = new StreamDefragmenter();
        var fragments = FragmentCodec.Split(1, Message(new string('a', 300)), 100);

        var error = Assert.Throws<FragmentException>(() => defragmenter.Add(fragments[1]));
        Assert.That(error!.Message, Is.EqualTo(StreamDefragmenter.ObjectIdsNotMatching));
    }

    [Test]
    public void A_repeated_middle_fragment_is_FragmentIdsNotInSequence_and_the_stream_goes_on_with_the_next_object()
    {
        var defragmenter = new StreamDefragmenter();
        var fragments = FragmentCodec.Split(1, Message(new string('a', 300)), 100);
        defragmenter.Add(fragments[0]);
        defragmenter.Add(fragments[1]);

        var error = Assert.Throws<FragmentException>(() => defragmenter.Add(fragments[1]));

        Assert.That(error!.Message, Is.EqualTo(StreamDefragmenter.FragmentIdsNotInSequence));
        Assert.That(defragmenter.Add(FragmentCodec.Split(2, Message("next"), 1000)[0]).Single().ReadData().ToDisplayString(), Is.EqualTo("next"));
    }

    [Test]
    public void A_repeated_whole_message_is_delivered_twice_and_a_repeated_start_fragment_restarts_the_object()
    {
        var defragmenter = new StreamDefragmenter();
        var whole = FragmentCodec.Split(1, Message("once"), 1000)[0];
        var big = FragmentCodec.Split(2, Message(new string('b', 300)), 100);

        var messages = defragmenter.Add(whole.Concat(whole).Concat(big[0]).Concat(big.SelectMany(f => f)).ToArray());

        Assert.That(messages.Select(m => m.ReadData().ToDisplayString()), Is.EqualTo(new[] { "once", "once", new string('b', 300) }));
    }

    [TestCase(59)]
    [TestCase(2147484)]
    public void Idle_timeouts_outside_sixty_seconds_to_the_server_maximum_are_refused(int seconds)
    {
        var error = Assert.Throws<PSRemotingException>(() =>
            RunspacePoolClient.ValidateIdleTimeout("S", TimeSpan.FromSeconds(seconds), TimeSpan.FromMilliseconds(int.MaxValue)));

        Assert.That(error!.FullyQualifiedErrorId, Is.EqualTo("CannotDisconnectSessionWithInvalidIdleTimeout"));
        Assert.That(error.Category, Is.EqualTo(ErrorCategory.InvalidArgument));
    }

    [TestCase(60)]
    [TestCase(2147483)]
    public void Idle_timeouts_within_the_range_are_accepted(int seconds) =>
        Assert.DoesNotThrow(() => RunspacePoolClient.ValidateIdleTimeout("S", TimeSpan.FromSeconds(seconds), TimeSpan.FromMilliseconds(int.MaxValue)));

    [Test]
    public void No_idle_timeout_means_the_server_default_and_is_not_checked() =>
        Assert.DoesNotThrow(() => RunspacePoolClient.ValidateIdleTimeout("S", null, TimeSpan.FromSeconds(61)));

    [TestCase("ITTask", "ittask", true)]
    [TestCase("IT*", "ITTask", true)]
    [TestCase("I?Task", "ITTask", true)]
    [TestCase("[A-J]TTask", "ITTask", true)]
    [TestCase("IT", "ITTask", false)]
    [TestCase("a.b", "axb", false)]
    public void Session_names_match_like_powershell_wildcards(string pattern, string name, bool expected) =>
        Assert.That(PSRemotingClient.WildcardMatch(pattern, name), Is.EqualTo(expected));

    [Test]
    public void Known_winrm_codes_become_fully_qualified_error_id_prefixes()
    {
        Assert.That(RemotingErrors.FullyQualifiedErrorIdFromTransportError(2150858843, "ReceivePSSessionQueryForSessionFailed"),
            Is.EqualTo("CannotConnectTargetSessionDoesNotExist,ReceivePSSessionQueryForSessionFailed"));
        Assert.That(RemotingErrors.FullyQualifiedErrorIdFromTransportError(0x80338000, "X"), Is.EqualTo("-2144108544,X"));
        Assert.That(RemotingErrors.FullyQualifiedErrorIdFromTransportError(0, "X"), Is.EqualTo("X"));
    }

    [Test]
    public void Computer_names_become_wsman_uris_with_the_default_ports()
    {
        Assert.That(RemoteTarget.FromComputerName("Server01").ConnectionUri, Is.EqualTo(new Uri("http://server01:5985/wsman")));
        Assert.That(RemoteTarget.FromComputerName("Server01", useSsl: true).ConnectionUri, Is.EqualTo(new Uri("https://server01:5986/wsman")));
        Assert.That(RemoteTarget.FromComputerName("Server01", 8080, applicationName: "custom").ConnectionUri, Is.EqualTo(new Uri("http://server01:8080/custom")));
        Assert.That(RemoteTarget.FromComputerName("Server01").ComputerName, Is.EqualTo("Server01"));
    }

    [Test]
    public void Remote_output_is_stamped_and_primitives_are_wrapped()
    {
        var runspaceId = Guid.NewGuid();

        var stamped = (PsObject)RemoteObjects.Stamp(PsPrimitive.String("x"), "Server01", runspaceId, showComputerName: false);

        Assert.That(stamped.ToDisplayString(), Is.EqualTo("x"));
        Assert.That(stamped[RemoteObjects.ComputerNameProperty]!.ToDisplayString(), Is.EqualTo("Server01"));
        Assert.That(stamped[RemoteObjects.RunspaceIdProperty].AsGuid(), Is.EqualTo(runspaceId));
        Assert.That(stamped[RemoteObjects.ShowComputerNameProperty].AsBoolean(), Is.False);
        Assert.That(RemoteObjects.Stamp(PsNil.Instance, "S", runspaceId, true), Is.SameAs(PsNil.Instance));
    }

    [Test]
    public void An_existing_show_computer_name_property_is_kept()
    {
        var obj = new PsObject().With(RemoteObjects.ShowComputerNameProperty, false).With(RemoteObjects.ComputerNameProperty, "Old");

        RemoteObjects.Stamp(obj, "New", Guid.Empty, showComputerName: true);

        Assert.That(obj[RemoteObjects.ShowComputerNameProperty].AsBoolean(), Is.False);
        Assert.That(obj[RemoteObjects.ComputerNameProperty]!.ToDisplayString(), Is.EqualTo("New"));
    }
}
