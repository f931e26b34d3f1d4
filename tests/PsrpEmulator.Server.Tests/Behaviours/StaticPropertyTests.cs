using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// .NET static properties bootstrap scripts set before they download: <c>[Net.ServicePointManager]::SecurityProtocol</c>
/// and its neighbours, kept for the session's process; another type's property set is a scenario error, not an unknown
/// command.
/// </summary>
public class StaticPropertyTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string script, RunspaceState? runspace = null)
    {
        var host = new RecordingHost { Runspace = runspace ?? new RunspaceState() };
        var outcome = await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider());
        return (host, outcome);
    }

    private static async Task<string> OutputOfAsync(string script, RunspaceState? runspace = null)
    {
        var (host, outcome) = await RunAsync(script, runspace);
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => $"ended {outcome.State}: {outcome.ErrorRecord?.ToDisplayString()}");
        Assert.That(host.Errors, Is.Empty, () => string.Join("; ", host.Errors.Select(e => e.Message)));
        return string.Join("|", host.OutputTexts);
    }

    [TestCase("[Net.ServicePointManager]::SecurityProtocol", "Ssl3, Tls")]
    [TestCase("[System.Net.ServicePointManager]::SecurityProtocol = [System.Net.SecurityProtocolType]::Tls12; [Net.ServicePointManager]::SecurityProtocol", "Tls12")]
    [TestCase("[System.Net.ServicePointManager]::SecurityProtocol = [System.Net.ServicePointManager]::SecurityProtocol -bor 3072; [int][Net.ServicePointManager]::SecurityProtocol", "3312")]
    [TestCase("[Net.ServicePointManager]::SecurityProtocol = 'Tls11, Tls12'; \"$([Net.ServicePointManager]::SecurityProtocol)\"", "Tls11, Tls12")]
    [TestCase("[Net.ServicePointManager]::SecurityProtocol = 3072; [Net.ServicePointManager]::SecurityProtocol += 768; [Net.ServicePointManager]::SecurityProtocol", "Tls11, Tls12")]
    [TestCase("([Net.SecurityProtocolType]::Tls12 -bor 768).GetType().Name; [Reflection.BindingFlags]::Public -bor [Reflection.BindingFlags]::Static", "SecurityProtocolType|Static, Public")]
    [TestCase("[Net.ServicePointManager]::ServerCertificateValidationCallback = { $true }; $null -ne [Net.ServicePointManager]::ServerCertificateValidationCallback", "True")]
    [TestCase("[Net.ServicePointManager]::Expect100Continue = $false; [Net.ServicePointManager]::Expect100Continue; [Net.ServicePointManager]::DefaultConnectionLimit = '10'; [Net.ServicePointManager]::DefaultConnectionLimit + 1", "False|11")]
    public async Task ServicePointManagers_properties_read_what_the_session_set(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [Test]
    public async Task A_setting_lasts_for_the_sessions_later_commands()
    {
        var runspace = new RunspaceState();
        await OutputOfAsync("[Net.ServicePointManager]::SecurityProtocol = 'Tls12'", runspace);

        Assert.That(await OutputOfAsync("[Net.ServicePointManager]::SecurityProtocol", runspace), Is.EqualTo("Tls12"));
        Assert.That(await OutputOfAsync("[Net.ServicePointManager]::SecurityProtocol"), Is.EqualTo("Ssl3, Tls"), "another session's process");
    }

    // LanguagePrimitives' errors for a number no member has, as pwsh 7.6.9 gives them: UndefinedIntegerToEnum for an
    // integer, EnumParseUndefined for one in text.
    [TestCase("[System.DayOfWeek]9", "UndefinedIntegerToEnum")]
    [TestCase("[System.DayOfWeek]'9'", "EnumParseUndefined")]
    public async Task A_number_no_member_of_the_enum_has_is_the_undefined_value_conversion_error(string cast, string id)
    {
        var (host, _) = await RunAsync(cast);

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            (id, "Cannot convert value \"9\" to type \"System.DayOfWeek\" due to enumeration values that are not valid. Specify one of the following enumeration values and try again. " +
                "The possible enumeration values are \"Sunday,Monday,Tuesday,Wednesday,Thursday,Friday,Saturday\"."),
        }));
    }

    [Test]
    public async Task A_name_the_enum_has_not_is_PowerShells_conversion_error_and_the_value_stays()
    {
        var (host, _) = await RunAsync("[Net.ServicePointManager]::SecurityProtocol = 'Tls99'; [Net.ServicePointManager]::SecurityProtocol");

        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("InvalidCastFromStringToEnum"));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Ssl3, Tls" }));
    }

    [Test]
    public async Task Setting_a_static_property_the_emulator_does_not_keep_is_a_scenario_error_and_the_script_goes_on()
    {
        var (host, _) = await RunAsync("[Environment]::CurrentDirectory = 'C:\\'; 'after'");

        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("PsrpEmulator.ScenarioError"));
        Assert.That(host.Errors.Single().Message, Does.StartWith("Setting [System.Environment]::CurrentDirectory is not emulated"));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
    }
}
