using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Behaviours.CommandLines;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>netsh's WinHTTP proxy: shown, set and reset, kept in the registry value Windows keeps it in.</summary>
public class NetshWinHttpTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private const string Direct = "\r\nCurrent WinHTTP proxy settings:\r\n\r\n    Direct access (no proxy server).\r\n\r\n";

    private static async Task<(string Stdout, string Stderr, int ExitCode)> RunAsync(FakeCommandLineHost host, string line)
    {
        var before = (host.Stdout.Length, host.Stderr.Length);
        var code = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None);
        return (host.Stdout[before.Item1..], host.Stderr[before.Item2..], code);
    }

    [Test]
    public async Task A_fresh_computer_has_direct_access()
    {
        var host = new FakeCommandLineHost { Encoding = System.Text.Encoding.ASCII };

        Assert.That(await RunAsync(host, "netsh winhttp show proxy"), Is.EqualTo((Direct, string.Empty, 0)));
    }

    [Test]
    public async Task A_proxy_set_by_position_is_shown_kept_in_WinHttpSettings_and_reset_to_direct_access()
    {
        var host = new FakeCommandLineHost { Encoding = System.Text.Encoding.ASCII };
        const string Proxied = "\r\nCurrent WinHTTP proxy settings:\r\n\r\n    Proxy Server(s) :  proxy.contoso.com:8080\r\n    Bypass List     :  <local>;*.contoso.com\r\n\r\n";

        var set = await RunAsync(host, "netsh winhttp set proxy proxy.contoso.com:8080 \"<local>;*.contoso.com\"");
        var shown = await RunAsync(host, "netsh winhttp show proxy");
        var value = (byte[])host.Registry!.Get(VirtualRegistry.LocalMachine, null, NetshWinHttpScript.ConnectionsKey)!.Values.Single(v => v.Name == "WinHttpSettings").Data;
        var reset = await RunAsync(host, "netsh winhttp reset proxy");
        var after = (byte[])host.Registry!.Get(VirtualRegistry.LocalMachine, null, NetshWinHttpScript.ConnectionsKey)!.Values.Single(v => v.Name == "WinHttpSettings").Data;

        Assert.That(set, Is.EqualTo((Proxied, string.Empty, 0)));
        Assert.That(shown, Is.EqualTo((Proxied, string.Empty, 0)));
        Assert.That(Convert.ToHexString(value[..16]), Is.EqualTo("180000000000000003000000" + "16000000"));
        Assert.That(reset.Stdout, Is.EqualTo(Direct));
        Assert.That(Convert.ToHexString(after), Is.EqualTo("1800000000000000010000000000000000000000"), "Microsoft's documented direct access value");
    }

    [Test]
    public async Task A_proxy_set_by_name_without_a_bypass_list_shows_none()
    {
        var host = new FakeCommandLineHost { Encoding = System.Text.Encoding.ASCII };

        var (stdout, _, code) = await RunAsync(host, "netsh winhttp set proxy proxy-server=\"http=p:80;https=p:443\"");

        Assert.That(code, Is.Zero);
        Assert.That(stdout, Does.EndWith("    Proxy Server(s) :  http=p:80;https=p:443\r\n    Bypass List     :  (none)\r\n\r\n"));
    }

    [TestCase("netsh winhttp import proxy source=ie")]
    [TestCase("netsh winhttp set proxy")]
    [TestCase("netsh winhttp show proxy extra")]
    public async Task Another_form_is_not_emulated(string line)
    {
        var host = new FakeCommandLineHost { Encoding = System.Text.Encoding.ASCII };

        var (_, stderr, code) = await RunAsync(host, line);

        Assert.That(stderr, Does.Contain("emulator does not emulate"));
        Assert.That(code, Is.Not.Zero);
    }

    [Test]
    public void A_value_another_tool_wrote_is_read_and_a_truncated_one_is_direct_access()
    {
        Assert.That(NetshWinHttpScript.Decode(NetshWinHttpScript.Encode("p:3128", "*.local")), Is.EqualTo(("p:3128", "*.local")));
        Assert.That(NetshWinHttpScript.Decode(Convert.FromHexString("1800000000000000030000000A000000703A")), Is.EqualTo(((string?)null, (string?)null)));
        Assert.That(NetshWinHttpScript.Decode(null), Is.EqualTo(((string?)null, (string?)null)));
    }
}
