using System.Net.Http.Json;
using PsrpEmulator.PowerShell.Hosting;

namespace PsrpEmulator.PowerShell.Tests;

/// <summary>
/// Receive-PSSession, one test per parameter set and per parameter of the reference page, against PowerShell 7.6's
/// ReceivePSSessionCommand (protocol-notes 10).
/// </summary>
public class ReceivePSSessionParameterTests : HostedEngineTestBase
{
    private const string Cmdlet = ",Microsoft.PowerShell.Commands.ReceivePSSessionCommand";

    private static readonly string[] FiveLines = ["line1", "line2", "line3", "line4", "line5"];

    /// <summary>Starts <see cref="HostedEngineTestBase.FiveSlowLines"/> on Server01 in a session that is disconnected from the start; it stays in <paramref name="host"/>'s repository.</summary>
    private async Task StartDisconnectedAsync(ClientHost host, string sessionName, string parameters = "", string script = FiveSlowLines)
    {
        var started = await RunAsync(host, $"$null = Invoke-Command -ComputerName Server01 -InDisconnectedSession -SessionName {sessionName} {parameters} {{ {script} }}");
        Assert.That(started.Errors, Is.Empty, string.Join("\n", started.Errors));
    }

    /// <summary>A session from another PowerShell process: the receiving host has none in its repository.</summary>
    private async Task<ClientHost> ElsewhereAsync(string sessionName, string parameters = "", string script = FiveSlowLines)
    {
        await StartDisconnectedAsync(await NewHostAsync("elsewhere"), sessionName, parameters, script);
        return await NewHostAsync("receiver");
    }

    private static void AssertNoErrors(ScriptResult result) => Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));

    private static string[] ErrorIds(ScriptResult result) => [.. result.Errors.Select(e => e.FullyQualifiedErrorId)];

    private string[] ActionsSince(int count) => [.. Emulator.Journal.Snapshot().Skip(count).Select(e => e.Action)];

    private static readonly string[] QueryActions = ["Enumerate", "Pull"];

    // ---------------------------------------------------------------------------------------------------------------
    // Parameter sets

    [Test]
    public async Task Session_set_connects_the_session_and_writes_its_command_output_to_the_host()
    {
        var host = await NewHostAsync();
        await StartDisconnectedAsync(host, "Local");

        var result = await RunAsync(host, "$s = Get-PSSession -Name Local; Receive-PSSession -Session $s");

        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(FiveLines));
        Assert.That(result.Output.Select(o => o.Properties["PSComputerName"].Value), Is.All.EqualTo("Server01"));
        Assert.That(Lines(await RunAsync(host, "\"$($s.State) $($s.Availability)\"; @(Get-Job).Count")), Is.EqualTo(new[] { "Opened Available", "0" }));
    }

    [Test]
    public async Task Session_set_re_queries_the_server_when_the_connect_fails_then_writes_ReceivePSSessionCannotConnectSession()
    {
        var host = await NewHostAsync();
        await StartDisconnectedAsync(host, "Vanished");
        var removed = await RunAsync(await NewHostAsync("other"), "Get-PSSession -ComputerName Server01 -Name Vanished | Remove-PSSession");
        AssertNoErrors(removed);
        var before = Emulator.Journal.Snapshot().Count;

        var result = await RunAsync(host, "Receive-PSSession -Name Vanished");

        Assert.That(result.Output, Is.Empty);
        Assert.That(ErrorIds(result), Is.EqualTo(new[] { "ReceivePSSessionCannotConnectSession" + Cmdlet }));
        Assert.That(result.Errors[0].Exception.Message, Is.EqualTo(
            "Cannot connect PSSession \"Vanished\", either because it is not in the Disconnected state, or it is not available for connection."));
        Assert.That(result.Errors[0].CategoryInfo.Category, Is.EqualTo(System.Management.Automation.ErrorCategory.InvalidOperation));
        var actions = ActionsSince(before);
        Assert.That(actions.TakeWhile(a => a != "Enumerate"), Does.Contain("Reconnect"), "this client disconnected it: a reconnect is tried first");
        Assert.That(actions, Does.Contain("Enumerate"), "then the server is asked for the session (TryGetSessionFromServer)");
    }

    [Test]
    public async Task Id_set_finds_the_session_by_its_local_Id_also_positionally()
    {
        var host = await NewHostAsync();
        await StartDisconnectedAsync(host, "ById");

        var result = await RunAsync(host, "Receive-PSSession (Get-PSSession -Name ById).Id");

        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(FiveLines));
    }

    [Test]
    public async Task SessionName_set_takes_the_first_local_session_whose_name_matches_the_wildcard()
    {
        var host = await NewHostAsync();
        await StartDisconnectedAsync(host, "Nightly");

        var result = await RunAsync(host, "Receive-PSSession -Name night*");

        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(FiveLines));
    }

    [Test]
    public async Task InstanceId_set_finds_the_session_by_its_InstanceId()
    {
        var host = await NewHostAsync();
        await StartDisconnectedAsync(host, "ByGuid");

        var result = await RunAsync(host, "Receive-PSSession -InstanceId (Get-PSSession -Name ByGuid).InstanceId");

        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(FiveLines));
    }

    [Test]
    public async Task Local_sets_write_an_invalid_argument_error_when_no_session_matches_a_wildcard_name_included()
    {
        var host = await NewHostAsync();
        var missing = Guid.NewGuid();

        var result = await RunAsync(host, $"Receive-PSSession -Name Nothing*; Receive-PSSession -InstanceId {missing}");

        Assert.That(ErrorIds(result), Is.EqualTo(new[] { "RemoteRunspaceNotAvailableForSpecifiedName" + Cmdlet, "RemoteRunspaceNotAvailableForSpecifiedRunspaceId" + Cmdlet }));
        Assert.That(result.Errors.Select(e => e.Exception.Message), Is.EqualTo(new[]
        {
            "The remote session with the name Nothing*  is not available.",
            $"Remote session is not available for {missing}.",
        }));
        Assert.That(result.Errors.Select(e => e.CategoryInfo.Category), Is.All.EqualTo(System.Management.Automation.ErrorCategory.InvalidArgument));
    }

    [Test]
    public async Task ComputerName_and_Name_set_matches_the_name_exactly_ignoring_case_and_without_wildcards()
    {
        var host = await ElsewhereAsync("ITTask");
        var before = Emulator.Journal.Snapshot().Count;

        var wildcard = await RunAsync(host, "Receive-PSSession -ComputerName Server01 -Name IT*");
        Assert.That(wildcard.Output, Is.Empty);
        Assert.That(wildcard.Errors, Is.Empty, "nothing matched: PowerShell writes nothing");
        Assert.That(ActionsSince(before), Is.All.AnyOf(QueryActions));

        var result = await RunAsync(host, "Receive-PSSession -ComputerName Server01 -Name ittask");
        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(FiveLines));
    }

    [Test]
    public async Task ComputerName_and_InstanceId_set_finds_the_session_by_its_InstanceId_on_the_server()
    {
        var first = await NewHostAsync("first");
        await StartDisconnectedAsync(first, "Guid1");
        var id = Lines(await RunAsync(first, "(Get-PSSession -Name Guid1).InstanceId"))[0];
        var second = await NewHostAsync("second");

        var result = await RunAsync(second, $"Receive-PSSession -ComputerName Server01 -InstanceId {id}");

        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(FiveLines));
        Assert.That(Lines(await RunAsync(second, "(Get-PSSession).InstanceId")), Is.EqualTo(new[] { id }));
    }

    [Test]
    public async Task ConnectionUri_and_Name_set_reaches_the_computer_named_in_the_uri()
    {
        var host = await ElsewhereAsync("UriName");
        var before = Emulator.Journal.Snapshot().Count;

        var result = await RunAsync(host, "Receive-PSSession -ConnectionUri http://Server01:5985/wsman -Name UriName");

        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(FiveLines));
        Assert.That(Emulator.Journal.Snapshot().Skip(before).Select(e => e.Computer), Is.All.EqualTo("Server01"));
    }

    [Test]
    public async Task ConnectionUri_and_InstanceId_set_finds_the_session_by_its_InstanceId()
    {
        var first = await NewHostAsync("first");
        await StartDisconnectedAsync(first, "UriGuid");
        var id = Lines(await RunAsync(first, "(Get-PSSession -Name UriGuid).InstanceId"))[0];
        var second = await NewHostAsync("second");

        var result = await RunAsync(second, $"Receive-PSSession -ConnectionUri http://Server01:5985/wsman -InstanceId {id}");

        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(FiveLines));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // -OutTarget (protocol-notes 10.2)

    [Test]
    public async Task OutTarget_Default_on_the_ComputerName_set_is_Job_when_the_session_is_in_the_local_repository()
    {
        var host = await NewHostAsync();
        await StartDisconnectedAsync(host, "Mine");

        var result = await RunAsync(host, "$j = Receive-PSSession -ComputerName Server01 -Name Mine; $j.PSJobTypeName; $null = Wait-Job $j; Receive-Job $j");

        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(new[] { "RemoteJob" }.Concat(FiveLines)));
    }

    [Test]
    public async Task OutTarget_Default_on_the_ComputerName_set_is_Host_when_the_session_is_not_in_the_local_repository()
    {
        var host = await ElsewhereAsync("NotMine");

        var result = await RunAsync(host, "Receive-PSSession -ComputerName Server01 -Name NotMine; @(Get-Job).Count");

        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(FiveLines.Append("0")));
    }

    [Test]
    public async Task OutTarget_Host_on_the_ComputerName_set_writes_to_the_host_even_for_a_session_of_the_local_repository()
    {
        var host = await NewHostAsync();
        await StartDisconnectedAsync(host, "MineToHost");

        var result = await RunAsync(host, "Receive-PSSession -ComputerName Server01 -Name MineToHost -OutTarget Host; @(Get-Job).Count");

        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(FiveLines.Append("0")));
    }

    [Test]
    public async Task OutTarget_Job_on_the_ComputerName_set_returns_a_new_RemoteJob_for_a_session_of_another_process()
    {
        var host = await ElsewhereAsync("AsJob");

        var result = await RunAsync(host, "$j = Receive-PSSession -ComputerName Server01 -Name AsJob -OutTarget Job; \"$($j.PSJobTypeName) $($j.Location)\"; $null = Wait-Job $j; Receive-Job $j");

        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(new[] { "RemoteJob Server01" }.Concat(FiveLines)));
    }

    [Test]
    public async Task OutTarget_Job_on_the_Session_set_without_a_job_creates_one()
    {
        var host = await NewHostAsync();
        await StartDisconnectedAsync(host, "ToJob");

        var result = await RunAsync(host, "$j = Receive-PSSession -Name ToJob -OutTarget Job; $j.PSJobTypeName; $null = Wait-Job $j; Receive-Job $j");

        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(new[] { "RemoteJob" }.Concat(FiveLines)));
    }

    [Test]
    public async Task OutTarget_Host_on_the_Session_set_streams_the_results_of_the_session_s_disconnected_job_to_the_host()
    {
        var host = await NewHostAsync();
        await RunAsync(host, $"$s = New-PSSession -ComputerName Server01 -Name WithJob; $j = Invoke-Command -Session $s {{ {FiveSlowLines} }} -AsJob; $null = $s | Disconnect-PSSession");

        var result = await RunAsync(host, "Receive-PSSession $s -OutTarget Host");

        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(FiveLines));
        Assert.That(Lines(await RunAsync(host, "$j.State")), Is.EqualTo(new[] { "Completed" }));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // -JobName (source: used only when a new job is created)

    [Test]
    public async Task JobName_is_ignored_when_the_session_s_own_job_is_reconnected()
    {
        var host = await NewHostAsync();
        await RunAsync(host, $"$s = New-PSSession -ComputerName Server01 -Name Named; $j = Invoke-Command -Session $s {{ {FiveSlowLines} }} -AsJob -JobName Original; $null = $s | Disconnect-PSSession");

        var result = await RunAsync(host, "$j2 = Receive-PSSession $s -JobName Renamed; [object]::ReferenceEquals($j, $j2); $j2.Name; @(Get-Job -Name Renamed -ErrorAction SilentlyContinue).Count");

        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(new[] { "True", "Original", "0" }));
    }

    [Test]
    public async Task JobName_names_the_job_Receive_PSSession_creates()
    {
        var host = await NewHostAsync();
        await StartDisconnectedAsync(host, "Fresh");

        var result = await RunAsync(host, "$j = Receive-PSSession -Name Fresh -OutTarget Job -JobName FreshJob; $j.Name; (Get-Job -Name FreshJob).Id -eq $j.Id");

        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(new[] { "FreshJob", "True" }));
    }

    [Test]
    public async Task JobName_without_a_job_to_return_changes_nothing_output_goes_to_the_host()
    {
        var host = await NewHostAsync();
        await StartDisconnectedAsync(host, "NoJob");

        var result = await RunAsync(host, "Receive-PSSession -Name NoJob -JobName Unused; @(Get-Job).Count");

        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(FiveLines.Append("0")));
    }

    [Test]
    public async Task JobName_names_the_new_job_on_the_ComputerName_set()
    {
        var host = await ElsewhereAsync("Remote");

        var result = await RunAsync(host, "$j = Receive-PSSession -ComputerName Server01 -Name Remote -OutTarget Job -JobName RemoteJob1; $j.Name; $null = Wait-Job $j; @(Receive-Job $j).Count");

        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(new[] { "RemoteJob1", "5" }));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // -ConfigurationName, -ApplicationName: they select, they never change the session

    [Test]
    public async Task ConfigurationName_selects_among_sessions_of_the_same_name_on_different_endpoints()
    {
        var first = await NewHostAsync("first");
        await StartDisconnectedAsync(first, "Twin", "-ConfigurationName ITTasks", "'from ITTasks'");
        await StartDisconnectedAsync(first, "Twin", string.Empty, "'from Microsoft.PowerShell'");
        var second = await NewHostAsync("second");
        var before = Emulator.Journal.Snapshot().Count;

        var none = await RunAsync(second, "Receive-PSSession -ComputerName Server01 -Name Twin -ConfigurationName NoSuchEndpoint");
        Assert.That(none.Output, Is.Empty);
        Assert.That(none.Errors, Is.Empty);
        Assert.That(ActionsSince(before), Is.All.AnyOf(QueryActions));

        var result = await RunAsync(second, "Receive-PSSession -ComputerName Server01 -Name Twin -ConfigurationName http://schemas.microsoft.com/powershell/ITTasks; (Get-PSSession).ConfigurationName");
        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(new[] { "from ITTasks", "ITTasks" }));

        var third = await NewHostAsync("third");
        var left = await RunAsync(third, "Get-PSSession -ComputerName Server01 -Name Twin | ForEach-Object { \"$($_.ConfigurationName) $($_.State) $($_.Availability)\" }");
        Assert.That(Lines(left), Is.EquivalentTo(new[] { "ITTasks Disconnected Busy", "Microsoft.PowerShell Disconnected None" }));
    }

    [Test]
    public async Task ApplicationName_selects_the_WS_Management_application_of_the_url()
    {
        var host = await ElsewhereAsync("App");

        var wrong = await RunAsync(host, "Receive-PSSession -ComputerName Server01 -Name App -ApplicationName NotWsMan");
        Assert.That(wrong.Output, Is.Empty);
        Assert.That(ErrorIds(wrong), Has.Length.EqualTo(1));
        Assert.That(ErrorIds(wrong)[0], Does.EndWith("ReceivePSSessionQueryForSessionFailed" + Cmdlet));
        Assert.That(wrong.Errors[0].Exception.Message, Does.StartWith("The remote session query failed for Server01 with the following error message:"));

        var result = await RunAsync(host, "Receive-PSSession -ComputerName Server01 -Name App -ApplicationName WSMAN");
        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(FiveLines));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // -AllowRedirection

    [Test]
    public async Task AllowRedirection_is_a_parameter_of_the_ConnectionUri_sets_only()
    {
        var host = await ElsewhereAsync("Redirectable");

        var onComputerName = await RunAsync(host, "Receive-PSSession -ComputerName Server01 -Name Redirectable -AllowRedirection");
        Assert.That(ErrorIds(onComputerName), Is.EqualTo(new[] { "AmbiguousParameterSet" + Cmdlet }));

        var onUri = await RunAsync(host, "Receive-PSSession -ConnectionUri http://Server01:5985/wsman -Name Redirectable -AllowRedirection");
        AssertNoErrors(onUri);
        Assert.That(Lines(onUri), Is.EqualTo(FiveLines));
    }

    [Test]
    public async Task A_redirected_query_is_not_followed_without_AllowRedirection()
    {
        var host = await ElsewhereAsync("Moved");
        using (var admin = new HttpClient { BaseAddress = Emulator.BaseUri })
        {
            using var added = await admin.PostAsJsonAsync("/_emulator/redirects", new { computer = "Server01", actions = new[] { "Enumerate" }, location = "http://Server02:5985/wsman" });
            Assert.That(added.IsSuccessStatusCode, Is.True, await added.Content.ReadAsStringAsync());
        }

        var before = Emulator.Journal.Snapshot().Count;

        var result = await RunAsync(host, "Receive-PSSession -ConnectionUri http://Server01:5985/wsman -Name Moved");

        Assert.That(result.Output, Is.Empty);
        Assert.That(ErrorIds(result), Has.Length.EqualTo(1));
        Assert.That(ErrorIds(result)[0], Does.EndWith("ReceivePSSessionQueryForSessionFailed" + Cmdlet));
        Assert.That(Emulator.Journal.Snapshot().Skip(before).Select(e => e.Computer), Is.All.EqualTo("Server01"));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // -Authentication, -CertificateThumbprint, -Credential

    [TestCase("Default")]
    [TestCase("Basic")]
    public async Task Authentication_Default_and_Basic_receive(string mechanism)
    {
        var host = await ElsewhereAsync("Auth");

        var result = await RunAsync(host, $"Receive-PSSession -ComputerName Server01 -Name Auth -Authentication {mechanism}");

        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(FiveLines));
    }

    [TestCase("Kerberos")]
    [TestCase("Credssp")]
    [TestCase("Digest")]
    public async Task Authentication_the_server_does_not_offer_fails_as_a_failed_session_query(string mechanism)
    {
        var host = await ElsewhereAsync("Auth");

        var result = await RunAsync(host, $"Receive-PSSession -ComputerName Server01 -Name Auth -Authentication {mechanism}");

        Assert.That(result.Output, Is.Empty);
        Assert.That(ErrorIds(result), Is.EqualTo(new[] { "ReceivePSSessionQueryForSessionFailed" + Cmdlet }));
        Assert.That(result.Errors[0].CategoryInfo.Category, Is.EqualTo(System.Management.Automation.ErrorCategory.InvalidOperation));
        Assert.That(result.Errors[0].Exception.Message, Does.StartWith(
            "The remote session query failed for Server01 with the following error message: The WinRM client cannot process the request. " +
            "The authentication mechanism requested by the client is not supported by the server"));
        Assert.That(Lines(await RunAsync(await NewHostAsync("check"), "(Get-PSSession -ComputerName Server01 -Name Auth).Availability")), Is.EqualTo(new[] { "None" }));
    }

    [Test]
    public async Task CertificateThumbprint_not_in_the_store_fails_the_query_naming_it_and_sends_nothing()
    {
        var host = await ElsewhereAsync("Cert");
        var before = Emulator.Journal.Snapshot().Count;

        var result = await RunAsync(host, "Receive-PSSession -ComputerName Server01 -Name Cert -CertificateThumbprint 0123456789ABCDEF0123456789ABCDEF01234567");

        Assert.That(Emulator.Journal.Snapshot(), Has.Count.EqualTo(before), "no request without the certificate");
        Assert.That(result.Output, Is.Empty);
        Assert.That(ErrorIds(result), Is.EqualTo(new[] { "CannotConnect,ReceivePSSessionQueryForSessionFailed" + Cmdlet }));
        Assert.That(result.Errors[0].Exception.Message, Does.Contain("0123456789ABCDEF0123456789ABCDEF01234567"));
    }

    [TestCase("-Credential $c", "A CertificateThumbPrint cannot be specified when Credential is specified.")]
    [TestCase("-Authentication Basic", "A CertificateThumbPrint cannot be specified when Basic is specified.")]
    public async Task CertificateThumbprint_with_a_credential_or_a_mechanism_is_a_binding_error(string other, string message)
    {
        var host = await NewHostAsync();

        var result = await RunAsync(host, $"$c = [pscredential]::new('{OtherUser}', (ConvertTo-SecureString '{OtherPassword}' -AsPlainText -Force)); " +
            $"Receive-PSSession -ComputerName Server01 -Name X {other} -CertificateThumbprint 0123456789ABCDEF0123456789ABCDEF01234567");

        Assert.That(ErrorIds(result), Is.EqualTo(new[] { "ParameterBindingFailed" + Cmdlet }));
        Assert.That(result.Errors[0].Exception.Message, Is.EqualTo($"Cannot bind parameter 'CertificateThumbprint' to the target. Exception setting \"CertificateThumbprint\": \"{message}\""));
        Assert.That(Emulator.Journal.Snapshot(), Is.Empty);
    }

    [Test]
    public async Task Credential_as_a_PSCredential_queries_and_connects_as_that_user()
    {
        const string credential = $"$c = [pscredential]::new('{OtherUser}', (ConvertTo-SecureString '{OtherPassword}' -AsPlainText -Force))";
        var first = await NewHostAsync("first");
        await RunAsync(first, credential);
        await StartDisconnectedAsync(first, "AsAdmin", "-Credential $c");
        var second = await NewHostAsync("second");
        await RunAsync(second, credential);
        var before = Emulator.Journal.Snapshot().Count;

        var asDefaultUser = await RunAsync(second, "Receive-PSSession -ComputerName Server01 -Name AsAdmin");
        Assert.That(asDefaultUser.Output, Is.Empty, "another user's session is not listed");

        var result = await RunAsync(second, "Receive-PSSession -ComputerName Server01 -Name AsAdmin -Credential $c");
        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(FiveLines));
        Assert.That(Emulator.Journal.Snapshot().Skip(before).Where(e => e.Action != "Enumerate" && e.Action != "Pull").Select(e => e.User), Is.All.EqualTo(OtherUser));
    }

    [Test]
    public async Task Credential_as_a_user_name_prompts_for_the_password_through_the_host()
    {
        var prompted = new List<string>();
        var first = await NewHostAsync("first");
        await RunAsync(first, $"$c = [pscredential]::new('{OtherUser}', (ConvertTo-SecureString '{OtherPassword}' -AsPlainText -Force))");
        await StartDisconnectedAsync(first, "Prompted", "-Credential $c");
        var second = await NewHostAsync("second", (userName, _) =>
        {
            prompted.Add(userName);
            return userName == OtherUser ? new System.Management.Automation.PSCredential(userName, Secure(OtherPassword)) : null;
        });

        var result = await RunAsync(second, $"Receive-PSSession -ComputerName Server01 -Name Prompted -Credential {OtherUser}");

        AssertNoErrors(result);
        Assert.That(prompted, Is.EqualTo(new[] { OtherUser }));
        Assert.That(result.HostText, Does.Contain("Enter your credentials."));
        Assert.That(Lines(result), Is.EqualTo(FiveLines));
    }

    [Test]
    public async Task Credential_with_a_wrong_password_is_an_AccessDenied_query_failure()
    {
        var host = await ElsewhereAsync("Denied");

        var result = await RunAsync(host, "Receive-PSSession -ComputerName Server01 -Name Denied -Credential ([pscredential]::new('psrp', (ConvertTo-SecureString 'wrong' -AsPlainText -Force)))");

        Assert.That(ErrorIds(result), Is.EqualTo(new[] { "AccessDenied,ReceivePSSessionQueryForSessionFailed" + Cmdlet }));
    }

    private static System.Security.SecureString Secure(string text)
    {
        var secure = new System.Security.SecureString();
        foreach (var c in text) secure.AppendChar(c);
        secure.MakeReadOnly();
        return secure;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // -Port, -UseSSL, -SessionOption

    [Test]
    public async Task Port_is_the_port_a_computer_name_is_reached_on()
    {
        await StartDisconnectedAsync(await NewHostAsync("elsewhere"), "Ported");

        // This host knows Server01's address but not its port: -Port supplies it.
        var host = await NewHostAsync("receiver", hosts: $"Server01={Emulator.WsManUri.Host}");
        var result = await RunAsync(host, $"Receive-PSSession -ComputerName Server01 -Name Ported -Port {Emulator.WsManUri.Port}");

        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(FiveLines));
        var outOfRange = await RunAsync(host, "Receive-PSSession -ComputerName Server01 -Name Ported -Port 0");
        Assert.That(ErrorIds(outOfRange), Is.EqualTo(new[] { "ParameterArgumentValidationError" + Cmdlet }));
    }

    [Test]
    public async Task UseSSL_queries_and_connects_over_https()
    {
        await using var https = await Testing.EmulatorInstance.StartAsync(options => options.ComputerName = "Server01", Clock, useHttps: true);
        var hosts = $"Server01={https.WsManUri.Host}:{https.WsManUri.Port}";
        const string options = "$o = New-PSSessionOption -SkipCACheck -SkipCNCheck; $o.OperationTimeout = [timespan]::FromSeconds(20)";
        var first = await NewHostAsync("first", hosts: hosts);
        var started = await RunAsync(first, $"{options}; $null = Invoke-Command -ComputerName Server01 -UseSSL -SessionOption $o -InDisconnectedSession -SessionName Tls {{ {FiveSlowLines} }}");
        AssertNoErrors(started);
        var second = await NewHostAsync("second", hosts: hosts);
        await RunAsync(second, options);

        var plain = await RunAsync(second, "Receive-PSSession -ComputerName Server01 -Name Tls -SessionOption $o");
        Assert.That(plain.Output, Is.Empty);
        Assert.That(ErrorIds(plain), Has.Length.EqualTo(1).And.All.EndWith("ReceivePSSessionQueryForSessionFailed" + Cmdlet));

        // As in PowerShell, Receive-PSSession does not read $PSSessionOption: its SkipCACheck does not help.
        var preference = await RunAsync(second, "$PSSessionOption.SkipCACheck = $true; $PSSessionOption.SkipCNCheck = $true; Receive-PSSession -ComputerName Server01 -Name Tls -UseSSL");
        Assert.That(preference.Output, Is.Empty);
        Assert.That(ErrorIds(preference), Is.EqualTo(new[] { "12175,ReceivePSSessionQueryForSessionFailed" + Cmdlet }));

        var result = await RunAsync(second, "Receive-PSSession -ComputerName Server01 -Name Tls -UseSSL -SessionOption $o");
        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(FiveLines));
        Assert.That(Lines(await RunAsync(second, "(Get-PSSession).ConnectionUri.Scheme")), Is.EqualTo(new[] { "https" }));
    }

    [Test]
    public async Task SessionOption_IdleTimeout_is_ignored_the_session_keeps_its_own()
    {
        var host = await ElsewhereAsync("Idle");

        var result = await RunAsync(host, "$s = Receive-PSSession -ComputerName Server01 -Name Idle -OutTarget Job -SessionOption @{ IdleTimeout = [timespan]::FromSeconds(60); OperationTimeout = [timespan]::FromSeconds(20) } | " +
            "ForEach-Object { $null = Wait-Job $_ }; $s = Get-PSSession -Name Idle; $null = $s | Disconnect-PSSession");
        AssertNoErrors(result);

        // With a 60 s idle timeout the disconnected shell would be gone after 3 minutes; it keeps the default (2 h).
        Clock.Advance(TimeSpan.FromMinutes(3));
        var other = await NewHostAsync("other");
        Assert.That(Lines(await RunAsync(other, "(Get-PSSession -ComputerName Server01 -Name Idle).State")), Is.EqualTo(new[] { "Disconnected" }));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // -WhatIf, -Confirm

    [Test]
    public async Task WhatIf_on_the_Session_set_sends_nothing()
    {
        var host = await NewHostAsync();
        await StartDisconnectedAsync(host, "Careful");
        var before = Emulator.Journal.Snapshot().Count;

        var result = await RunAsync(host, "Receive-PSSession -Name Careful -WhatIf; (Get-PSSession -Name Careful).State");

        Assert.That(Lines(result), Is.EqualTo(new[] { "Disconnected" }));
        Assert.That(result.HostText, Does.Contain("What if: Performing the operation \"Receive\" on target \"Careful\"."));
        Assert.That(Emulator.Journal.Snapshot(), Has.Count.EqualTo(before));
    }

    [Test]
    public async Task WhatIf_on_the_ComputerName_set_only_queries_and_names_the_session_found()
    {
        var host = await ElsewhereAsync("ITTask");
        var before = Emulator.Journal.Snapshot().Count;

        // PowerShell asks ShouldProcess after the query, with the session's own name as target.
        var result = await RunAsync(host, "Receive-PSSession -ComputerName Server01 -Name ittask -WhatIf");

        Assert.That(result.Output, Is.Empty);
        Assert.That(result.HostText, Does.Contain("What if: Performing the operation \"Receive\" on target \"ITTask\"."));
        Assert.That(ActionsSince(before), Is.Not.Empty.And.All.AnyOf(QueryActions));
    }

    [Test]
    public async Task WhatIf_on_the_ComputerName_set_asks_for_every_session_of_that_name()
    {
        var first = await NewHostAsync("first");
        await StartDisconnectedAsync(first, "Twin", "-ConfigurationName ITTasks", "'from ITTasks'");
        await StartDisconnectedAsync(first, "Twin", string.Empty, "'from Microsoft.PowerShell'");
        var second = await NewHostAsync("second");

        var result = await RunAsync(second, "Receive-PSSession -ComputerName Server01 -Name Twin -WhatIf");

        var whatIf = result.HostText.Split('\n').Where(l => l.StartsWith("What if:", StringComparison.Ordinal)).ToList();
        Assert.That(whatIf, Is.EqualTo(new[] { "What if: Performing the operation \"Receive\" on target \"Twin\".", "What if: Performing the operation \"Receive\" on target \"Twin\"." }));
    }

    [Test]
    public async Task Confirm_asks_the_host_and_receives_on_its_answer()
    {
        var host = await NewHostAsync();
        await StartDisconnectedAsync(host, "Asked");

        var result = await RunAsync(host, "Receive-PSSession -Name Asked -Confirm");

        AssertNoErrors(result);
        Assert.That(result.HostText, Does.Contain("Performing the operation \"Receive\" on target \"Asked\"."));
        Assert.That(Lines(result), Is.EqualTo(FiveLines));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Pipeline input

    [Test]
    public async Task Pipeline_input_binds_sessions_ids_guids_and_names_to_their_parameter_sets()
    {
        var host = await NewHostAsync();
        foreach (var name in new[] { "P1", "P2", "P3", "P4" }) await StartDisconnectedAsync(host, name, string.Empty, $"'from {name}'");

        var result = await RunAsync(host,
            "Get-PSSession -Name P1 | Receive-PSSession; " +
            "(Get-PSSession -Name P2).Id | Receive-PSSession; " +
            "(Get-PSSession -Name P3).InstanceId | Receive-PSSession; " +
            "'P4' | Receive-PSSession");

        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(new[] { "from P1", "from P2", "from P3", "from P4" }));
    }

    [Test]
    public async Task Pipeline_input_by_property_name_binds_ComputerName_beside_a_given_Name()
    {
        var host = await ElsewhereAsync("ByProperty");

        // -Name of the ComputerName sets does not come from the pipeline; -ComputerName does, by property name.
        var fromPipeline = await RunAsync(host, "[pscustomobject]@{ Name = 'ByProperty' } | Receive-PSSession -ComputerName Server01");
        Assert.That(ErrorIds(fromPipeline), Is.EqualTo(new[] { "AmbiguousParameterSet" + Cmdlet }));

        var result = await RunAsync(host, "[pscustomobject]@{ ComputerName = 'Server01' } | Receive-PSSession -Name ByProperty");
        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(FiveLines));
    }

    [Test]
    public async Task Pipeline_input_by_property_name_with_ComputerName_and_Name_binds_the_SessionName_set()
    {
        // PowerShell's parameter metadata (ours is the same): both sets take the object, the binder picks the
        // SessionName set, which looks in the local repository only.
        var host = await ElsewhereAsync("ByProperty");

        var result = await RunAsync(host, "[pscustomobject]@{ ComputerName = 'Server01'; Name = 'ByProperty' } | Receive-PSSession");

        Assert.That(result.Output, Is.Empty);
        Assert.That(ErrorIds(result), Is.EqualTo(new[] { "RemoteRunspaceNotAvailableForSpecifiedName" + Cmdlet }));
    }

    [Test]
    public async Task Several_sessions_in_the_pipeline_are_received_one_after_the_other()
    {
        var host = await NewHostAsync();
        await StartDisconnectedAsync(host, "S1", string.Empty, "'one'");
        await StartDisconnectedAsync(host, "S2", string.Empty, "'two'");

        var result = await RunAsync(host, "Get-PSSession | Receive-PSSession");

        AssertNoErrors(result);
        Assert.That(Lines(result), Is.EqualTo(new[] { "one", "two" }));
    }
}
