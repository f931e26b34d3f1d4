using System.Text;
using System.Xml.Linq;
using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.EndToEnd.Tests.Wmi;

/// <summary>
/// WMI over WS-Man against the emulator over HTTP: WQL queries as Ruby WinRM's run_wql sends them, a class enumerated
/// and pulled, an instance got by its keys, and WMI's faults.
/// </summary>
public class WmiOverWsManTests : EmulatorTestBase
{
    private static readonly XNamespace N = "http://schemas.xmlsoap.org/ws/2004/09/enumeration";
    private static readonly XNamespace W = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd";
    private static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";
    private const string CimV2 = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/";

    private async Task<(int Status, XDocument Response)> PostAsync(string action, string resourceUri, WsManBody body, IReadOnlyDictionary<string, string>? selectors = null)
    {
        using var transport = CreateTransport();
        var header = new WsManHeader
        {
            Action = action,
            To = Emulator.WsManUri.ToString(),
            MessageId = "uuid:" + Guid.NewGuid().ToString().ToUpperInvariant(),
            ReplyTo = WsManAddresses.Anonymous,
            ResourceUri = resourceUri,
            MaxEnvelopeSize = 153600,
            OperationTimeout = TimeSpan.FromSeconds(60),
            Selectors = selectors ?? new Dictionary<string, string>(),
        };
        var (status, text) = await transport.PostEnvelopeAsync(Encoding.UTF8.GetString(WsManEnvelopeWriter.Write(new WsManEnvelope(header, body))));
        return (status, XDocument.Parse(text));
    }

    private static EnumerateBody Wql(string query, bool optimize = true) =>
        new(optimize, optimize ? 32000 : null, null) { FilterDialect = WmiResourceUris.WqlDialect, FilterText = query };

    private static string? FaultCode(XDocument response) =>
        response.Descendants(XName.Get("WSManFault", "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault")).SingleOrDefault()?.Attribute("Code")?.Value;

    private static List<XElement> Items(XDocument response) => [.. response.Descendants().Where(e => e.Name.LocalName == "Items").SelectMany(i => i.Elements())];

    private static string? Value(XElement instance, string property) => instance.Elements().FirstOrDefault(e => e.Name.LocalName == property)?.Value;

    [Test]
    public async Task A_WQL_query_returns_the_matching_instances_with_the_selected_properties_in_one_optimized_response()
    {
        var (status, response) = await PostAsync(WsManActions.Enumerate, CimV2 + "*", Wql("SELECT Name, State FROM Win32_Service WHERE State = 'Running' AND (Name = 'EventLog' OR Name = 'Spooler' OR Name LIKE 'WinR%')"));

        Assert.That(status, Is.EqualTo(200), response.ToString());
        var items = Items(response);
        Assert.That(items.Select(i => (i.Name.NamespaceName, i.Name.LocalName, (string?)i.Attribute(Xsi + "type"))), Is.All.EqualTo((CimV2 + "Win32_Service", "Win32_Service", "p:Win32_Service_Type")));
        Assert.That(items.Select(i => string.Join(",", i.Elements().Select(e => e.Name.LocalName + "=" + e.Value))), Is.EqualTo(new[] { "Name=EventLog,State=Running", "Name=WinRM,State=Running" }));
        Assert.That(response.Descendants(W + "EndOfSequence").Count(), Is.EqualTo(1));
        Assert.That(response.Descendants(N + "EnumerationContext").Single().Value, Is.Empty);
    }

    [Test]
    public async Task Win32_LogicalDisk_s_C_is_the_computer_s_disk_in_its_values_and_in_WQL_conditions()
    {
        var (_, all) = await PostAsync(WsManActions.Enumerate, CimV2 + "*", Wql("SELECT DeviceID, Size, FreeSpace FROM Win32_LogicalDisk"));
        var (_, roomy) = await PostAsync(WsManActions.Enumerate, CimV2 + "*", Wql("SELECT DeviceID FROM Win32_LogicalDisk WHERE FreeSpace > 100000000000"));
        var (_, huge) = await PostAsync(WsManActions.Enumerate, CimV2 + "*", Wql("SELECT DeviceID FROM Win32_LogicalDisk WHERE FreeSpace > 200000000000"));

        var disk = Items(all).Single();
        Assert.That((Value(disk, "DeviceID"), Value(disk, "Size")), Is.EqualTo(("C:", "136365211648")), "the emulator's default DiskSizeBytes, 127 GiB");
        Assert.That(long.Parse(Value(disk, "FreeSpace")!, System.Globalization.CultureInfo.InvariantCulture), Is.InRange(108L * 1024 * 1024 * 1024 - 1024 * 1024, 108L * 1024 * 1024 * 1024),
            "DiskFreeBytes, less the seeded files");
        Assert.That(Items(roomy).Select(i => Value(i, "DeviceID")), Is.EqualTo(new[] { "C:" }));
        Assert.That(Items(huge), Is.Empty, "a 127 GiB disk has not 200 GB free");
    }

    [Test]
    public async Task A_class_enumerated_without_optimization_is_pulled_an_instance_at_a_time()
    {
        var (_, start) = await PostAsync(WsManActions.Enumerate, CimV2 + "Win32_Process", new EnumerateBody(false, null, null));
        var context = start.Descendants(N + "EnumerationContext").Single().Value;
        Assert.That(Items(start), Is.Empty, "without OptimizeEnumeration the instances wait for Pulls");
        Assert.That(context, Does.StartWith("uuid:"));

        var names = new List<string?>();
        var ended = false;
        for (var i = 0; i < 30 && !ended; i++)
        {
            var (status, pulled) = await PostAsync(WsManActions.Pull, CimV2 + "Win32_Process", new PullBody(context, 1));
            Assert.That(status, Is.EqualTo(200), pulled.ToString());
            names.AddRange(Items(pulled).Select(item => Value(item, "Name")));
            ended = pulled.Descendants(N + "EndOfSequence").Any();
        }

        Assert.That(names, Is.EqualTo(new[]
        {
            "System Idle Process", "System", "Registry", "smss.exe", "csrss.exe", "wininit.exe", "csrss.exe", "winlogon.exe", "services.exe", "lsass.exe",
            "fontdrvhost.exe", "fontdrvhost.exe", "LogonUI.exe", "dwm.exe", "svchost.exe", "MsMpEng.exe", "svchost.exe", "WmiPrvSE.exe", "NisSrv.exe",
            "msdtc.exe", "SgrmBroker.exe", "wsmprovhost.exe",
        }));
        var (_, again) = await PostAsync(WsManActions.Pull, CimV2 + "Win32_Process", new PullBody(context, 1));
        Assert.That(FaultCode(again), Is.EqualTo("2150858771"), "the context ended with its last instance");
    }

    [Test]
    public async Task Get_returns_the_singleton_or_the_instance_its_key_selectors_name_with_nulls_and_dates_as_WinRM_writes_them()
    {
        var (_, os) = await PostAsync(WsManActions.Get, CimV2 + "Win32_OperatingSystem", EmptyBody.Instance);
        var (_, service) = await PostAsync(WsManActions.Get, CimV2 + "Win32_Service", EmptyBody.Instance, new Dictionary<string, string> { ["Name"] = "winrm" });
        var (_, process) = await PostAsync(WsManActions.Get, CimV2 + "Win32_Process", EmptyBody.Instance, new Dictionary<string, string> { ["Handle"] = "4" });

        var osInstance = os.Root!.Descendants().Single(e => e.Name.LocalName == "Win32_OperatingSystem");
        Assert.That(Value(osInstance, "Caption"), Is.EqualTo("Microsoft Windows Server 2019 Datacenter"));
        Assert.That(Value(osInstance, "CSName"), Is.Not.Empty.And.Not.Contain("{"));
        Assert.That(osInstance.Elements().Single(e => e.Name.LocalName == "LastBootUpTime").Elements().Single().Name,
            Is.EqualTo(XName.Get("Datetime", "http://schemas.dmtf.org/wbem/wscim/1/common")));
        Assert.That(Value(service.Root!.Descendants().Single(e => e.Name.LocalName == "Win32_Service"), "State"), Is.EqualTo("Running"));
        Assert.That((string?)process.Root!.Descendants().Single(e => e.Name.LocalName == "CommandLine").Attribute(Xsi + "nil"), Is.EqualTo("true"));
    }

    [Test]
    public async Task WMI_s_errors_are_faults_with_its_codes()
    {
        var unknownClass = await PostAsync(WsManActions.Enumerate, CimV2 + "*", Wql("select * from Win32_Nope"));
        var badQuery = await PostAsync(WsManActions.Enumerate, CimV2 + "*", Wql("select * from"));
        var unknownProperty = await PostAsync(WsManActions.Enumerate, CimV2 + "*", Wql("select Colour from Win32_Service"));
        var noFilter = await PostAsync(WsManActions.Enumerate, CimV2 + "*", new EnumerateBody(true, 32000, null));
        var noInstance = await PostAsync(WsManActions.Get, CimV2 + "Win32_Service", EmptyBody.Instance, new Dictionary<string, string> { ["Name"] = "Nope" });
        var noKey = await PostAsync(WsManActions.Get, CimV2 + "Win32_Service", EmptyBody.Instance);
        var otherNamespace = await PostAsync(WsManActions.Get, "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/other/Win32_OperatingSystem", EmptyBody.Instance);

        Assert.That(new[] { unknownClass, badQuery, unknownProperty, noFilter, noInstance, noKey, otherNamespace }.Select(r => (r.Status, FaultCode(r.Response))), Is.EqualTo(new[]
        {
            (500, "2147749904"), (500, "2147749911"), (500, "2147749911"), (500, "87"), (500, "2150858843"), (500, "2150858843"), (500, "2147749904"),
        }));
    }

    private static readonly byte[] Noise = "<>\"'&/=:#09aZ_- ()%[]*\u0001\u00ff"u8.ToArray();

    /// <summary>Seeded byte changes in WMI requests (WQL Enumerate, Pull, Get): each gets an answer or a fault, never the InternalError of an unexpected exception.</summary>
    [Test]
    public async Task Mutated_WMI_requests_get_answers_or_faults_and_no_internal_error()
    {
        string Envelope(string action, string resourceUri, WsManBody body, IReadOnlyDictionary<string, string>? selectors = null) =>
            Encoding.UTF8.GetString(WsManEnvelopeWriter.Write(new WsManEnvelope(new WsManHeader
            {
                Action = action,
                To = Emulator.WsManUri.ToString(),
                MessageId = "uuid:9E1F76E4-EB73-4A6C-AB89-2B1B1E0F7A25",
                ReplyTo = WsManAddresses.Anonymous,
                ResourceUri = resourceUri,
                MaxEnvelopeSize = 153600,
                OperationTimeout = TimeSpan.FromSeconds(60),
                Selectors = selectors ?? new Dictionary<string, string>(),
            }, body)));

        string[] requests =
        [
            Envelope(WsManActions.Enumerate, CimV2 + "*", Wql("SELECT Name, State FROM Win32_Service WHERE (State = 'Running' OR ProcessId > 10) AND NOT Name LIKE 'W[a-z]%'")),
            Envelope(WsManActions.Enumerate, CimV2 + "Win32_Process", new EnumerateBody(false, null, null)),
            Envelope(WsManActions.Get, CimV2 + "Win32_Service", EmptyBody.Instance, new Dictionary<string, string> { ["Name"] = "WinRM" }),
            Envelope(WsManActions.Get, CimV2 + "Win32_OperatingSystem", EmptyBody.Instance),
        ];
        using var transport = CreateTransport();
        var journalBefore = Emulator.Journal.Snapshot().Count;
        var random = new Random(Fuzz.Seed(20261130));
        for (var i = 0; i < Fuzz.Runs(400); i++)
        {
            var chars = requests[random.Next(requests.Length)].ToCharArray();
            for (var n = random.Next(1, 4); n > 0; n--) chars[random.Next(chars.Length)] = (char)Noise[random.Next(Noise.Length)];
            try
            {
                await transport.PostEnvelopeAsync(new string(chars));
            }
            catch (PsrpEmulator.Client.Transport.WsManTransportException)
            {
                // An answer that is no envelope (a 400 for bytes that are not XML at all) is an answer too.
            }
        }

        var journal = Emulator.Journal.Snapshot().Skip(journalBefore).ToList();
        Assert.That(journal.Count(e => e.Fault is not null), Is.GreaterThan(0).And.LessThan(journal.Count), "some mutations are refused, some still run");
        Assert.That(journal.Where(e => e.Fault == WsManFaultReason.InternalError).Select(e => e.ToString()), Is.Empty);
    }
}
