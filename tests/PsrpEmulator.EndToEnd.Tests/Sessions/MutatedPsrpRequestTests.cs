using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Protocol.WsMan;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.EndToEnd.Tests.Sessions;

/// <summary>
/// Seeded mutations of the PSRP messages inside PowerShell requests (the CLIXML of SESSION_CAPABILITY,
/// INIT_RUNSPACEPOOL, CREATE_PIPELINE, pipeline input and pool calls; their message headers; their fragments), sent
/// over HTTP to a live emulator: each gets WinRM's answer or fault, never the InternalError of an exception the
/// emulator did not expect, and the emulator still serves a well-behaved client afterwards.
/// </summary>
public sealed partial class MutatedPsrpRequestTests : EmulatorTestBase
{
    protected override void Configure(EmulatorOptions options)
    {
        // Receives that find nothing come back at once: the test sends hundreds of them.
        options.MaxReceiveHold = TimeSpan.FromMilliseconds(10);
        options.MaxShellsPerUser = 10_000;
    }

    private static readonly string[] Tags =
    [
        "S", "I32", "I64", "U8", "U16", "U32", "U64", "By", "SB", "I16", "Db", "Sg", "D", "B", "C", "DT", "TS", "G", "URI", "Version", "XD", "SBK", "SS", "PR", "BA",
        "Nil", "Obj", "Ref", "TN", "TNRef", "T", "ToString", "MS", "Props", "LST", "DCT", "IE", "QUE", "STK", "En", "Key", "Value",
    ];

    private static readonly string[] Texts = ["", "-1", "0", "2147483648", "99999999999999999999999", "NaN", "1e400", "P9999999DT99H", "9999-99-99T99:99:99", "not-a-guid", "_x0000_", "_xD800_", "AAAA=", "%", "1.2.3.4.5", "\u00e9"];

    [GeneratedRegex("<(/?)([A-Za-z]+)")]
    private static partial Regex TagPattern();

    [GeneratedRegex("(RefId|N)=\"[^\"]*\"")]
    private static partial Regex AttributePattern();

    [GeneratedRegex(">([^<]+)<")]
    private static partial Regex TextPattern();

    private static readonly byte[] Noise = "<>\"&/=09aZ_ \u0001\u00ff"u8.ToArray();

    private static byte[] MutateClixml(byte[] data, Random random)
    {
        var text = Encoding.UTF8.GetString(data);
        if (text.Length == 0) return "<S>x</S>"u8.ToArray();
        switch (random.Next(9))
        {
            case 0:
            {
                var tags = TagPattern().Matches(text);
                if (tags.Count == 0) break;
                var tag = tags[random.Next(tags.Count)];
                text = string.Concat(text.AsSpan(0, tag.Groups[2].Index), Tags[random.Next(Tags.Length)], text.AsSpan(tag.Groups[2].Index + tag.Groups[2].Length));
                break;
            }
            case 1:
            {
                var attributes = AttributePattern().Matches(text);
                if (attributes.Count == 0) break;
                var attribute = attributes[random.Next(attributes.Count)];
                var value = random.Next(4) switch { 0 => "-1", 1 => "999999999999", 2 => random.Next(0, 8).ToString(System.Globalization.CultureInfo.InvariantCulture), _ => "" };
                text = string.Concat(text.AsSpan(0, attribute.Index), $"{attribute.Groups[1].Value}=\"{value}\"", text.AsSpan(attribute.Index + attribute.Length));
                break;
            }
            case 2:
            {
                var texts = TextPattern().Matches(text);
                if (texts.Count == 0) break;
                var t = texts[random.Next(texts.Count)].Groups[1];
                text = string.Concat(text.AsSpan(0, t.Index), Texts[random.Next(Texts.Length)], text.AsSpan(t.Index + t.Length));
                break;
            }
            case 3:
            {
                // Cut out a stretch (often an element's end, or a whole property).
                var start = random.Next(text.Length);
                text = text.Remove(start, Math.Min(text.Length - start, random.Next(1, 40)));
                break;
            }
            case 4:
            {
                // Repeat a stretch (a property twice, an element opened twice).
                var start = random.Next(text.Length);
                var length = Math.Min(text.Length - start, random.Next(1, 120));
                text = text.Insert(start, text.Substring(start, length));
                break;
            }
            case 5:
            {
                // Cut the document short.
                text = text[..random.Next(text.Length)];
                break;
            }
            case 6:
            {
                // Remove an attribute's name or value quotes, or an element's '>'.
                var index = text.IndexOfAny(['"', '>', '='], random.Next(text.Length));
                if (index >= 0) text = text.Remove(index, 1);
                break;
            }
            case 7:
            {
                // Deep nesting where a value goes (the parsers' depth limits).
                var tags = TagPattern().Matches(text);
                if (tags.Count == 0) break;
                var at = tags[random.Next(tags.Count)].Index;
                var depth = random.Next(50, 3000);
                var open = string.Concat(Enumerable.Repeat("<Obj RefId=\"77\"><LST>", depth));
                var close = random.Next(3) == 0 ? string.Empty : string.Concat(Enumerable.Repeat("</LST></Obj>", depth));
                text = text.Insert(at, open + close);
                break;
            }

            default:
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                for (var n = random.Next(1, 4); n > 0; n--) bytes[random.Next(bytes.Length)] = Noise[random.Next(Noise.Length)];
                return bytes;
            }
        }

        return Encoding.UTF8.GetBytes(text);
    }

    private static readonly PsrpMessageType[] MessageTypes = Enum.GetValues<PsrpMessageType>();

    /// <summary>A mutated message: mostly its CLIXML, sometimes its header.</summary>
    internal static byte[] Mutate(PsrpMessage message, Random random)
    {
        var choice = random.Next(10);
        if (choice < 7) return new PsrpMessage(message.Destination, message.MessageType, message.RunspacePoolId, message.PipelineId, MutateClixml(message.Data.ToArray(), random)).ToArray();
        var bytes = message.ToArray();
        switch (choice)
        {
            case 7:
                BitConverter.TryWriteBytes(bytes.AsSpan(4, 4), (uint)MessageTypes[random.Next(MessageTypes.Length)]);
                break;
            case 8:
                bytes[random.Next(0, PsrpMessage.HeaderLength)] ^= (byte)(1 << random.Next(8));
                break;
            default:
                return bytes[..random.Next(bytes.Length)];
        }

        return bytes;
    }

    /// <summary>Fragments of a message, sometimes with a damaged fragment header.</summary>
    private static byte[] Fragments(ulong objectId, byte[] message, Random random)
    {
        var fragments = FragmentCodec.Split(objectId, message, random.Next(4) == 0 ? 64 : 32 * 1024).SelectMany(f => f).ToArray();
        if (random.Next(8) == 0) fragments[random.Next(0, Math.Min(21, fragments.Length))] ^= (byte)(1 << random.Next(8));
        return fragments;
    }

    private static byte[] Whole(ulong objectId, byte[] message) => [.. FragmentCodec.Split(objectId, message, 32 * 1024).SelectMany(f => f)];

    private static PsObject Nested(int depth) =>
        depth == 0 ? PsObjects.CustomObject().With("Leaf", "x") : PsObjects.CustomObject().With("Name", "n" + depth).With("Child", Nested(depth - 1)).With("Count", depth);

    private static IEnumerable<PsrpMessage> PipelineSeeds(Guid pool, Guid pipeline)
    {
        yield return PsrpMessage.Create(PsrpDestination.Server, pool, pipeline, new CreatePipeline([new PipelineCommand("\"hello\"", IsScript: true, [])], HostInfo: HostInfoData.WithConsoleColors(7, 0)));
        yield return PsrpMessage.Create(PsrpDestination.Server, pool, pipeline, new CreatePipeline(
        [
            new PipelineCommand("Write-Output", IsScript: false,
            [
                new PipelineArgument("InputObject", PsObjects.List([PsPrimitive.Int32(1), PsPrimitive.String("two"), Nested(3)])),
                new PipelineArgument(null, PsObjects.Dictionary([new(PsPrimitive.String("k"), PsPrimitive.Guid(Guid.NewGuid()))])),
            ]) { MergeMyResult = PipelineResultTypes.Error, MergeToResult = PipelineResultTypes.Output },
            new PipelineCommand("Select-Object", IsScript: false, [new PipelineArgument("First", PsPrimitive.Int32(2))]),
        ], NoInput: true, AddToHistory: true));
        yield return PsrpMessage.Create(PsrpDestination.Server, pool, pipeline, new GetCommandMetadata(["Get-*", "Write-Output"], 8, ["Microsoft.PowerShell.Utility"], [PsPrimitive.String("x")]));
    }

    private static IEnumerable<PsrpMessage> InputSeeds(Guid pool, Guid pipeline)
    {
        yield return PsrpMessage.Create(PsrpDestination.Server, pool, pipeline, new PipelineInput(Nested(4)));
        yield return PsrpMessage.Create(PsrpDestination.Server, pool, pipeline, new PipelineInput(PsPrimitive.DateTime(DateTimeOffset.UnixEpoch)));
        yield return PsrpMessage.Create(PsrpDestination.Server, pool, pipeline, EndOfPipelineInput.Instance);
    }

    private static IEnumerable<PsrpMessage> PoolSeeds(Guid pool)
    {
        yield return PsrpMessage.Create(PsrpDestination.Server, pool, Guid.Empty, new SetMaxRunspaces(1, 4));
        yield return PsrpMessage.Create(PsrpDestination.Server, pool, Guid.Empty, new SetMinRunspaces(2, 1));
        yield return PsrpMessage.Create(PsrpDestination.Server, pool, Guid.Empty, new GetAvailableRunspaces(3));
        yield return PsrpMessage.Create(PsrpDestination.Server, pool, Guid.Empty, new ResetRunspaceState(4));
    }

    [Test]
    public async Task Mutated_psrp_messages_get_winrm_answers_and_no_internal_error()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("psrp:psrp"u8));
        async Task<WsManEnvelope?> PostAsync(WsManHeader header, WsManBody body)
        {
            using var content = new ByteArrayContent(WsManEnvelopeWriter.Write(new WsManEnvelope(header, body)));
            content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/soap+xml;charset=UTF-8");
            using var response = await http.PostAsync(Emulator.WsManUri, content);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            return bytes.Length == 0 ? null : WsManEnvelopeReader.Read(bytes);
        }

        WsManHeader Header(string action, string? shellId) => new()
        {
            Action = action,
            To = Emulator.WsManUri.ToString(),
            MessageId = "uuid:" + Guid.NewGuid().ToString().ToUpperInvariant(),
            ReplyTo = WsManAddresses.Anonymous,
            ResourceUri = "http://schemas.microsoft.com/powershell/Microsoft.PowerShell",
            Selectors = shellId is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["ShellId"] = shellId },
            Options = shellId is null ? [new WsManOption("protocolversion", "2.3", MustComply: true)] : [],
            MaxEnvelopeSize = 512000,
            OperationTimeout = TimeSpan.FromSeconds(1),
        };

        async Task ReceiveAsync(string shellId, string? commandId)
        {
            for (var i = 0; i < 3; i++)
            {
                var response = await PostAsync(Header(WsManActions.Receive, shellId), new ReceiveBody(commandId is null ? "stdout" : "stdout", commandId));
                if (response?.Body is not ReceiveResponseBody { Streams.Count: > 0 }) return;
            }
        }

        var random = new Random(Fuzz.Seed(5985));
        var objectId = 1UL;
        var capability = PsrpMessage.Create(PsrpDestination.Server, Guid.Empty, Guid.Empty, new SessionCapability("2.3", "2.0", "1.1.0.1"));
        var init = PsrpMessage.Create(PsrpDestination.Server, Guid.Empty, Guid.Empty, new InitRunspacePool(1, 1, HostInfo: HostInfoData.WithConsoleColors(7, 0)));

        async Task<string?> CreateAsync(byte[] creationXml)
        {
            var shellId = Guid.NewGuid();
            var response = await PostAsync(Header(WsManActions.Create, null), new ShellCreateBody(shellId.ToString().ToUpperInvariant(), null, "stdin pr", "stdout", null, null, creationXml));
            return response?.Body is CreateResponseBody created ? created.ResourceCreated.Selectors["ShellId"] : null;
        }

        byte[] WithPool(PsrpMessage message, Guid pool, Guid pipeline) =>
            new PsrpMessage(message.Destination, message.MessageType, pool, pipeline, message.Data).ToArray();

        var runs = Fuzz.Runs(480);
        for (var i = 0; i < runs; i++)
        {
            var pool = Guid.NewGuid();
            switch (i % 4)
            {
                case 0:
                {
                    // The open: one of the two messages mutated.
                    var mutateCapability = random.Next(2) == 0;
                    var first = mutateCapability ? Mutate(new PsrpMessage(capability.Destination, capability.MessageType, pool, Guid.Empty, capability.Data), random) : WithPool(capability, pool, Guid.Empty);
                    var second = mutateCapability ? WithPool(init, pool, Guid.Empty) : Mutate(new PsrpMessage(init.Destination, init.MessageType, pool, Guid.Empty, init.Data), random);
                    var shellId = await CreateAsync([.. Fragments(objectId++, first, random), .. Fragments(objectId++, second, random)]);
                    if (shellId is not null)
                    {
                        await ReceiveAsync(shellId, null);
                        await PostAsync(Header(WsManActions.Delete, shellId), EmptyBody.Instance);
                    }

                    break;
                }

                default:
                {
                    var shellId = await CreateAsync([.. Whole(objectId++, WithPool(capability, pool, Guid.Empty)), .. Whole(objectId++, WithPool(init, pool, Guid.Empty))]);
                    Assert.That(shellId, Is.Not.Null, "a well-formed open");
                    await ReceiveAsync(shellId!, null);
                    var pipeline = Guid.NewGuid();
                    var commandId = pipeline.ToString().ToUpperInvariant();
                    if (i % 4 == 1)
                    {
                        // The command itself mutated.
                        var seeds = PipelineSeeds(pool, pipeline).ToList();
                        var arguments = Fragments(objectId++, Mutate(seeds[random.Next(seeds.Count)], random), random);
                        await PostAsync(Header(WsManActions.Command, shellId), new CommandLineBody(commandId, " ", arguments));
                        await ReceiveAsync(shellId!, commandId);
                    }
                    else if (i % 4 == 2)
                    {
                        // Input to a command that waits for it.
                        var create = PsrpMessage.Create(PsrpDestination.Server, pool, pipeline, new CreatePipeline([new PipelineCommand("$input | ForEach-Object { $_ }", IsScript: true, [])], NoInput: false));
                        await PostAsync(Header(WsManActions.Command, shellId), new CommandLineBody(commandId, " ", Whole(objectId++, create.ToArray())));
                        var seeds = InputSeeds(pool, pipeline).ToList();
                        var data = Fragments(objectId++, Mutate(seeds[random.Next(seeds.Count)], random), random);
                        await PostAsync(Header(WsManActions.Send, shellId), new SendBody([new ShellStream("stdin", commandId, data)]));
                        await ReceiveAsync(shellId!, commandId);
                    }
                    else
                    {
                        // A pool call.
                        var seeds = PoolSeeds(pool).ToList();
                        var data = Fragments(objectId++, Mutate(seeds[random.Next(seeds.Count)], random), random);
                        await PostAsync(Header(WsManActions.Send, shellId), new SendBody([new ShellStream("stdin", null, data)]));
                        await ReceiveAsync(shellId!, null);
                    }

                    await PostAsync(Header(WsManActions.Delete, shellId), EmptyBody.Instance);
                    break;
                }
            }
        }

        var journal = Emulator.Journal.Snapshot();
        Assert.That(journal.Count(e => e.Fault == WsManFaultReason.InvalidPsrpData), Is.GreaterThan(runs * 100 / 480), "mutations refused as bad PSRP data");
        Assert.That(journal.Count(e => e.Action == "Command" && e.Fault is null), Is.GreaterThan(runs * 100 / 480), "mutated commands that still run");
        var internalErrors = journal.Where(e => e.Fault == WsManFaultReason.InternalError).ToList();
        Assert.That(internalErrors.Select(e => e.ToString()), Is.Empty);

        // Still a working endpoint.
        using var transport = CreateTransport();
        var healthy = await RunspacePoolClient.OpenAsync(transport);
        Assert.That(Outputs(await healthy.InvokeAsync("'still here'")), Is.EqualTo(new[] { "still here" }));
        await healthy.CloseAsync();
    }
}
