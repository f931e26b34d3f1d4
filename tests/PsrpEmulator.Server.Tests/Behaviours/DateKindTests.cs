using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// System.DateTime's Kind as scripts meet it on a Windows computer whose zone is UTC: Get-Date is Local, UtcNow and
/// ToUniversalTime Utc, parsed text without a zone Unspecified; the zone ISO 8601 texts show, and the zone the dates carry
/// on the wire, follow it.
/// </summary>
public class DateKindTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 30, 15, TimeSpan.Zero);

    private static async Task<RecordingHost> RunAsync(string script)
    {
        var host = new RecordingHost { Runspace = new RunspaceState(new FakeTimeProvider(Now)), FileSystem = new VirtualFileSystem(new FakeTimeProvider(Now), 1 << 20) };
        var outcome = await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider(Now));
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => $"ended {outcome.State}: {outcome.ErrorRecord?.ToDisplayString()}");
        Assert.That(host.Errors, Is.Empty, () => string.Join("; ", host.Errors.Select(e => e.Message)));
        return host;
    }

    private static async Task<string> OutputOfAsync(string script) => string.Join("|", (await RunAsync(script)).OutputTexts);

    [TestCase("(Get-Date).ToString('o')", "2026-12-01T09:30:15.0000000+00:00")]
    [TestCase("Get-Date -Format o", "2026-12-01T09:30:15.0000000+00:00")]
    [TestCase("(Get-Date).ToUniversalTime().ToString('o')", "2026-12-01T09:30:15.0000000Z")]
    [TestCase("[datetime]::UtcNow.ToString('o')", "2026-12-01T09:30:15.0000000Z")]
    [TestCase("[datetime]::UtcNow.ToString('yyyy-MM-ddTHH:mm:ssK zzz')", "2026-12-01T09:30:15Z +00:00")]
    [TestCase("[datetime]::Now.ToString('yyyy-MM-ddTHH:mm:ssK')", "2026-12-01T09:30:15+00:00")]
    [TestCase("([datetime]'2020-01-02').ToString('o')", "2020-01-02T00:00:00.0000000")]
    [TestCase("([datetime]'2020-01-02').ToString('HH:mm K|zzz')", "00:00 |+00:00")]
    [TestCase("[datetime]::Parse('2020-01-02T03:04:05Z').ToString('o')", "2020-01-02T03:04:05.0000000+00:00")]
    [TestCase("'{0:o}' -f [datetime]::UtcNow", "2026-12-01T09:30:15.0000000Z")]
    [TestCase("'{0:o}' -f (Get-Date)", "2026-12-01T09:30:15.0000000+00:00")]
    [TestCase("'{0}' -f (Get-Date)", "12/1/2026 9:30:15 AM")]
    [TestCase("(Get-Date).ToString()", "12/1/2026 9:30:15 AM")]
    [TestCase("\"$(Get-Date)\"", "12/01/2026 09:30:15")]
    [TestCase("[datetime]::SpecifyKind((Get-Date), 'Utc').ToString('o')", "2026-12-01T09:30:15.0000000Z")]
    public async Task A_dates_ISO_text_shows_the_zone_its_Kind_gives(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("(Get-Date).Kind", "Local")]
    [TestCase("[datetime]::Now.Kind", "Local")]
    [TestCase("[datetime]::Today.Kind", "Local")]
    [TestCase("[datetime]::UtcNow.Kind", "Utc")]
    [TestCase("(Get-Date).ToUniversalTime().Kind", "Utc")]
    [TestCase("[datetime]::UtcNow.ToLocalTime().Kind", "Local")]
    [TestCase("([datetime]'2020-01-02').Kind", "Unspecified")]
    [TestCase("([datetime]'2020-01-02T00:00:00Z').Kind", "Local")]
    [TestCase("[datetime]::UtcNow.AddDays(1).Kind", "Utc")]
    [TestCase("[datetime]::UtcNow.Date.Kind", "Utc")]
    [TestCase("([datetime]::UtcNow + (New-TimeSpan -Hours 1)).Kind", "Utc")]
    [TestCase("(Get-Item C:\\).LastWriteTimeUtc.Kind; (Get-Item C:\\).LastWriteTime.Kind", "Utc|Local")]
    [TestCase("[datetime]::UtcNow.Kind -eq [DateTimeKind]::Utc", "True")]
    // Get-Date -Date moves the DateTime it is given, Kind and all; a text is converted first (Unspecified).
    [TestCase("(Get-Date -Date ([datetime]::UtcNow)).Kind; (Get-Date ([datetime]::UtcNow) -Hour 3).Kind; (Get-Date -Date '2020-01-02').Kind; (Get-Date -Date (Get-Date)).Kind", "Utc|Utc|Unspecified|Local")]
    public async Task A_dates_Kind_is_the_one_Windows_gives(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [Test]
    public async Task Dates_of_each_Kind_compare_by_their_time_as_DateTime_does()
    {
        Assert.That(await OutputOfAsync("[datetime]::UtcNow -eq [datetime]::Now; (Get-Date).ToUniversalTime() -lt (Get-Date).AddSeconds(1)"), Is.EqualTo("True|True"));
    }

    [Test]
    public async Task The_wire_carries_a_Local_dates_offset_a_Utc_dates_Z_and_an_Unspecified_dates_no_zone()
    {
        var host = await RunAsync("Get-Date; [datetime]::UtcNow; [datetime]'2020-01-02'");

        Assert.That(host.Outputs.Select(o => ClixmlSerializer.SerializeToString(o)), Is.EqualTo(new[]
        {
            "<DT>2026-12-01T09:30:15.0000000+00:00</DT>",
            "<DT>2026-12-01T09:30:15.0000000Z</DT>",
            "<DT>2020-01-02T00:00:00.0000000</DT>",
        }));
    }

    [TestCase("$h = @{ key = 'v' }; \"x $($h[\"key\"]) y\"", "x v y")]
    [TestCase("\"$(([datetime]\"2020-01-02\").Kind) and $('a' + \"b\")\"", "Unspecified and ab")]
    [TestCase("\"n $((\"a\", \"b\").Count)\"; 'next'", "n 2|next")]
    public async Task A_string_statements_subexpression_may_hold_double_quoted_strings(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [Test]
    public void A_string_of_many_unclosed_subexpressions_is_read_in_one_pass()
    {
        // Each unclosed $( would otherwise scan the rest of the text again (200,000 of them: minutes of one core).
        var text = "\"" + string.Concat(Enumerable.Repeat("$( ", 200_000)) + "\"; 'next'";

        var statements = Statements.Split(text);

        Assert.That(statements, Has.Count.EqualTo(2));
        Assert.That(statements[1].Trim(), Is.EqualTo("'next'"));

        // So do many strings, each with a subexpression that runs to the end of the text.
        var many = string.Concat(Enumerable.Repeat("\"$(\" ", 100_000));
        Assert.That(Statements.Split(many + "; 'next'"), Is.Not.Empty);
    }

    [Test]
    public async Task Subexpressions_nested_past_the_limit_end_in_an_error_not_a_crashed_process()
    {
        var script = string.Concat(Enumerable.Repeat("\"$(", 5_000)) + "1" + string.Concat(Enumerable.Repeat(")\"", 5_000));
        var host = new RecordingHost { Runspace = new RunspaceState() };

        var outcome = await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider());

        Assert.That(outcome.State is PSInvocationState.Completed or PSInvocationState.Failed, Is.True);
    }
}
