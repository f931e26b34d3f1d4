using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.EndToEnd.Tests.Sessions;

/// <summary>
/// <c>$Host.UI.RawUI</c>'s properties answered from the host data the client sent ahead in its HostInfo, as Windows'
/// ServerRemoteHostRawUserInterface reads its HostDefaultData (pypsrp's host sends WindowTitle and the sizes).
/// </summary>
public class HostRawUITests : EmulatorTestBase
{
    private static readonly HostRawUI Raw = new()
    {
        WindowTitle = "pypsrp-title",
        BufferSize = (111, 3000),
        WindowSize = (100, 40),
        CursorPosition = (0, 12),
        ForegroundColor = 7,
        BackgroundColor = 0,
        CursorSize = 25,
    };

    private WsManTransport NewTransport() => new(new WsManClientOptions { ConnectionUri = Emulator.WsManUri, UserName = "psrp", Password = "psrp" });

    [Test]
    public async Task RawUI_properties_are_the_values_the_pools_host_sent()
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport, new RunspacePoolOptions { HostInfo = HostInfoData.ForHost(Raw) });

        var events = await pool.InvokeAsync(
            "$raw = $Host.UI.RawUI; $raw.WindowTitle; $raw.BufferSize.Width; $raw.BufferSize.Height; \"$($raw.WindowSize)\"; $raw.CursorPosition.Y; \"$($raw.ForegroundColor)\"; $raw.CursorSize");

        Assert.That(events.OfType<OutputEvent>().Select(o => o.Value.ToDisplayString()), Is.EqualTo(new[] { "pypsrp-title", "111", "3000", "100,40", "12", "Gray", "25" }));
    }

    /// <summary>
    /// A set property reads back as set, through $Host and through the RawUI object held, as ServerRemoteHostRawUserInterface's
    /// setters update HostDefaultData; the client's host gets the void setters.
    /// </summary>
    [Test]
    public async Task A_RawUI_property_set_reads_back_as_set_and_the_client_gets_the_setter()
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport, new RunspacePoolOptions { HostInfo = HostInfoData.ForHost(Raw) });

        var events = await pool.InvokeAsync(
            "$Host.UI.RawUI.WindowTitle = 'new title'; $Host.UI.RawUI.WindowTitle; $r = $Host.UI.RawUI; $r.ForegroundColor = 'Red'; \"$($r.ForegroundColor)\"; \"$($Host.UI.RawUI.ForegroundColor)\"");
        var later = await pool.InvokeAsync("$Host.UI.RawUI.WindowTitle");

        Assert.That(events.OfType<OutputEvent>().Select(o => o.Value.ToDisplayString()), Is.EqualTo(new[] { "new title", "Red", "Red" }));
        Assert.That(events.OfType<HostCallEvent>().Select(c => c.Call.MethodId), Is.EqualTo(new[] { RemoteHostMethodId.SetWindowTitle, RemoteHostMethodId.SetForegroundColor }));
        Assert.That(later.OfType<OutputEvent>().Single().Value.ToDisplayString(), Is.EqualTo("new title"), "the pool's host keeps it for later pipelines");
    }

    /// <summary>
    /// Clear-Host (cls, clear) is 5.1's built-in function: the cursor to 0,0 (a hashtable converted to Coordinates) and
    /// SetBufferContents of the whole buffer (-1s) with blanks in the host's colours, two void calls the client's console
    /// carries out.
    /// </summary>
    [TestCase("Clear-Host")]
    [TestCase("cls")]
    [TestCase("clear")]
    public async Task Clear_Host_moves_the_client_s_cursor_home_and_fills_its_buffer_with_blanks(string command)
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport, new RunspacePoolOptions { HostInfo = HostInfoData.ForHost(Raw) });

        var events = await pool.InvokeAsync($"{command}; 'after'");

        Assert.That(events.OfType<ErrorEvent>(), Is.Empty);
        Assert.That(events.OfType<OutputEvent>().Single().Value.ToDisplayString(), Is.EqualTo("after"));
        var calls = events.OfType<HostCallEvent>().Select(c => c.Call).ToList();
        Assert.That(calls.Select(c => c.MethodId), Is.EqualTo(new[] { RemoteHostMethodId.SetCursorPosition, RemoteHostMethodId.SetBufferContents2 }));
        var home = (PsObject)calls[0].Parameters.Single();
        Assert.That(home.ExtendedProperties.Select(p => (p.Name, p.Value.ToDisplayString())), Is.EqualTo(new[] { ("x", "0"), ("y", "0") }));
        var (rectangle, fill) = ((PsObject)calls[1].Parameters[0], (PsObject)calls[1].Parameters[1]);
        Assert.That(rectangle.ExtendedProperties.Select(p => (p.Name, p.Value.ToDisplayString())), Is.EqualTo(new[] { ("left", "-1"), ("top", "-1"), ("right", "-1"), ("bottom", "-1") }));
        Assert.That(fill.ExtendedProperties.Select(p => (p.Name, p.Value)), Is.EqualTo(new (string, PsValue)[]
        {
            ("character", PsPrimitive.Char(' ')), ("foregroundColor", PsPrimitive.Int32(7)), ("backgroundColor", PsPrimitive.Int32(0)), ("bufferCellType", PsPrimitive.Int32(0)),
        }));
    }

    /// <summary>A value the client's host did not send is not made up: the getter's RemoteHostMethodNotImplemented, as Windows throws it.</summary>
    [Test]
    public async Task A_RawUI_property_the_host_did_not_send_is_the_getters_not_implemented_error_not_a_guess()
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport, new RunspacePoolOptions { HostInfo = HostInfoData.ForHost(Raw) });

        var events = await pool.InvokeAsync("$Host.UI.RawUI.MaxPhysicalWindowSize");

        Assert.That(events.OfType<ErrorEvent>().Single().Error.Message, Is.EqualTo("Exception getting \"MaxPhysicalWindowSize\": \"Remote host method get_MaxPhysicalWindowSize is not implemented.\""));
        Assert.That(events.OfType<StateEvent>().Last().State, Is.EqualTo(PSInvocationState.Completed));
    }

    [Test]
    public async Task A_pipeline_with_a_host_of_its_own_answers_from_its_own_host_data()
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport, new RunspacePoolOptions { HostInfo = HostInfoData.ForHost(Raw) });
        var own = HostInfoData.ForHost(new HostRawUI { WindowTitle = "pipeline's own" });

        var pipeline = await pool.StartAsync(new CreatePipeline([new PipelineCommand("$Host.UI.RawUI.WindowTitle", IsScript: true, [])], HostInfo: own));
        var outputs = new List<string>();
        await foreach (var e in pipeline.ReadAllAsync())
        {
            if (e is OutputEvent output) outputs.Add(output.Value.ToDisplayString());
        }

        Assert.That(outputs, Is.EqualTo(new[] { "pipeline's own" }));
    }
}
