using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// The computer's classic event logs: what the boot, services and scripts write, and Get-EventLog, Write-EventLog,
/// New-EventLog, Remove-EventLog, Clear-EventLog, Limit-EventLog and Get-WinEvent reading and changing them, with the
/// texts and ids of Windows PowerShell 5.1's EventLog.cs and GetEventCommand.cs.
/// </summary>
public class EventLogTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static async Task<RecordingHost> RunAsync(string script, EventLogs? logs = null, ServiceStates? services = null, bool hostUI = false)
    {
        var time = new FakeTimeProvider(Now);
        var host = new RecordingHost
        {
            Runspace = new RunspaceState(time), EventLogs = logs ?? new EventLogs(time, EventLogs.DefaultBoot), ServiceStates = services,
            HostUI = hostUI ? call => new PipelineHostResponse(call.CallId, call.MethodId, PsPrimitive.Int32(0)) : null,
        };
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, time);
        return host;
    }

    private static EventLogs NewLogs(IEnumerable<EventLogs.Seed>? seeds = null) => new(new FakeTimeProvider(Now), EventLogs.DefaultBoot, seeds);

    [Test]
    public async Task A_fresh_computer_s_System_log_holds_the_boot_s_entries_newest_first()
    {
        var host = await RunAsync("Get-EventLog System | ForEach-Object { \"$($_.Index) $($_.EntryType) $($_.Source) $($_.EventID) $($_.InstanceId) $($_.TimeGenerated.ToString('s'))\" }");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "3 Information Service Control Manager 7036 1073748860 2026-01-12T09:35:20",
            "2 Information EventLog 6005 2147489653 2026-01-12T09:35:00",
            "1 Information EventLog 6009 2147489657 2026-01-12T09:35:00",
        }));
    }

    [Test]
    public async Task An_entry_carries_PowerShell_s_type_names_with_its_log_source_and_InstanceId_unless_AsBaseObject()
    {
        var host = await RunAsync("$e = Get-EventLog System -Newest 1; $e.PSObject.TypeNames[0]; $e.PSObject.TypeNames[1]; $e.Category; $e.CategoryNumber.GetType().Name; " +
            "$e.ReplacementStrings -join '|'; (Get-EventLog System -Newest 1 -AsBaseObject).PSObject.TypeNames[0]");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "System.Diagnostics.EventLogEntry#System/Service Control Manager/1073748860", "System.Diagnostics.EventLogEntry#System/Service Control Manager",
            "(0)", "Int16", "Windows Remote Management (WS-Management)|running", "System.Diagnostics.EventLogEntry",
        }));
    }

    [Test]
    public async Task Write_EventLog_of_a_source_New_EventLog_registered_is_read_back_by_Get_EventLog_and_Get_WinEvent()
    {
        var logs = NewLogs();

        var writer = await RunAsync("New-EventLog -LogName Application -Source MyApp; Write-EventLog -LogName Application -Source MyApp -EventId 1000 -EntryType Error -Message 'It broke'; " +
            "Write-EventLog Application MyApp 1001 Warning 'Careful' -Category 3", logs);
        var reader = await RunAsync("Get-EventLog Application | ForEach-Object { \"$($_.Index) $($_.EntryType) $($_.InstanceId) $($_.Category) $($_.Message) $($_.TimeGenerated.ToString('s'))\" }; " +
            "Get-WinEvent -LogName Application -MaxEvents 1 -Oldest | ForEach-Object { \"$($_.Id) $($_.Level) $($_.LevelDisplayName) $($_.ProviderName) $($_.RecordId) $($_.Message)\" }", logs);

        Assert.That(writer.Errors, Is.Empty);
        Assert.That(reader.Errors, Is.Empty);
        Assert.That(reader.OutputTexts, Is.EqualTo(new[]
        {
            "2 Warning 1001 (3) Careful 2026-12-01T10:00:00", "1 Error 1000 (1) It broke 2026-12-01T10:00:00", "1000 2 Error MyApp 1 It broke",
        }));
    }

    /// <summary>
    /// Get-WinEvent knows the channels beside the classic logs scripts read (PowerShell's, WinRM's, Task Scheduler's...):
    /// -ListLog lists them among the classic logs by name, not classic, empty; reading one finds no events; Get-EventLog
    /// does not know them.
    /// </summary>
    [Test]
    public async Task Get_WinEvent_knows_the_operational_channels_and_Get_EventLog_does_not()
    {
        var host = await RunAsync(
            "Get-WinEvent -ListLog *PowerShell* | ForEach-Object { \"$($_.LogName) $($_.IsClassicLog) $($_.LogType) $($_.RecordCount)\" }; " +
            "(Get-WinEvent -ListLog 'Microsoft-Windows-WinRM/Operational').LogFilePath; " +
            "try { Get-WinEvent -LogName 'Microsoft-Windows-TaskScheduler/Operational' -MaxEvents 5 -ErrorAction Stop } catch { $_.FullyQualifiedErrorId }; " +
            "try { Get-EventLog -LogName 'Microsoft-Windows-PowerShell/Operational' -Newest 1 } catch { $_.FullyQualifiedErrorId }; @(Get-EventLog -List).Count");

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Microsoft-Windows-PowerShell/Admin False Administrative 0", "Microsoft-Windows-PowerShell/Operational False Operational 0", "Windows PowerShell True Administrative 0",
            @"%SystemRoot%\System32\Winevt\Logs\Microsoft-Windows-WinRM%4Operational.evtx",
            "NoMatchingEventsFound,Microsoft.PowerShell.Commands.GetWinEventCommand",
            "System.InvalidOperationException,Microsoft.PowerShell.Commands.GetEventLogCommand", "7",
        }));
    }

    /// <summary>
    /// A record's Properties are EventProperty objects with their Value (Data[n] of a monitoring script), shown by type
    /// name; ToXml() is the event's XML as the event log service renders a classic entry; FormatDescription() its message.
    /// </summary>
    [Test]
    public async Task Get_WinEvent_records_have_their_properties_values_and_their_xml()
    {
        var host = await RunAsync("$e = Get-WinEvent -LogName System -MaxEvents 1; $e.Properties[0].Value; $e.Properties.Count; \"$($e.Properties[1])\"; $e.ToXml(); " +
            "([xml]$e.ToXml()).Event.EventData.Data[1]; $e.FormatDescription() -eq $e.Message");

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Windows Remote Management (WS-Management)", "2", "System.Diagnostics.Eventing.Reader.EventProperty",
            "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Service Control Manager'/><EventID Qualifiers='16384'>7036</EventID>" +
            "<Version>0</Version><Level>4</Level><Task>0</Task><Opcode>0</Opcode><Keywords>0x80000000000000</Keywords><TimeCreated SystemTime='2026-01-12T09:35:20.000000000Z'/>" +
            "<EventRecordID>3</EventRecordID><Correlation/><Execution ProcessID='0' ThreadID='0'/><Channel>System</Channel><Computer>TESTHOST01</Computer><Security/></System>" +
            "<EventData><Data>Windows Remote Management (WS-Management)</Data><Data>running</Data></EventData></Event>",
            "running", "True",
        }));
    }

    [TestCase("Get-EventLog System -EntryType Warning, Error", "")]
    [TestCase("Get-EventLog System -Source Event*", "2|1")]
    [TestCase("Get-EventLog System -Source EventLog -Newest 1", "2")]
    [TestCase("Get-EventLog System 2147489657", "1")]
    [TestCase("Get-EventLog System -InstanceId 2147489657, 1073748860", "3|1")]
    [TestCase("Get-EventLog System -Index 2", "2")]
    [TestCase("Get-EventLog System -Message '*WS-Management*'", "3")]
    [TestCase("Get-EventLog System -Message 'WS-Management'", "")]
    [TestCase("Get-EventLog System -After '2026-01-12 09:35:00'", "3")]
    [TestCase("Get-EventLog System -Before '2026-01-12 09:35:10'", "2|1")]
    [TestCase("Get-EventLog System -Newest 0", "")]
    [TestCase("Get-EventLog Sys*", "3|2|1")]
    public async Task Get_EventLog_s_filters_choose_entries_as_EventLog_cs_does(string command, string indexes)
    {
        var host = await RunAsync($"{command} -ErrorAction SilentlyContinue | ForEach-Object Index");

        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(indexes));
    }

    [TestCase("Get-EventLog Foo", "System.InvalidOperationException,Microsoft.PowerShell.Commands.GetEventLogCommand", "The event log 'Foo' on computer '.' does not exist.")]
    [TestCase("Get-EventLog Application", "GetEventLogNoEntriesFound,Microsoft.PowerShell.Commands.GetEventLogCommand", "No matches found")]
    [TestCase("Get-EventLog System -EntryType Error", "GetEventLogNoEntriesFound,Microsoft.PowerShell.Commands.GetEventLogCommand", "No matches found")]
    [TestCase("Get-EventLog System -EntryType Bogus", "ParameterArgumentValidationError,Microsoft.PowerShell.Commands.GetEventLogCommand",
        "Cannot validate argument on parameter 'EntryType'. The argument \"Bogus\" does not belong to the set \"Error,Information,FailureAudit,SuccessAudit,Warning\" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.")]
    [TestCase("Get-EventLog System -Newest -1", "ParameterArgumentValidationError,Microsoft.PowerShell.Commands.GetEventLogCommand",
        "Cannot validate argument on parameter 'Newest'. The -1 argument is less than the minimum allowed range of 0. Supply an argument that is greater than or equal to 0 and then try the command again.")]
    [TestCase("Write-EventLog Application Nope 1 -Message 'x'", "Microsoft.PowerShell.Commands.WriteEventLogCommand", "The source name \"Nope\" does not exist on computer \"localhost\".")]
    [TestCase("Write-EventLog Nope EventLog 1 -Message 'x'", "Microsoft.PowerShell.Commands.WriteEventLogCommand", "The Log name \"Nope\" does not exist in the computer \"localhost\".")]
    [TestCase("Write-EventLog Application EventLog 1 -Message 'x'", "The source 'EventLog' is not registered in log 'Application' (it is registered in log 'System'). The Source and Log properties must be matched, or you may set Log to the empty string, and it will automatically be matched to the Source property.,Microsoft.PowerShell.Commands.WriteEventLogCommand",
        "The source 'EventLog' is not registered in log 'Application' (it is registered in log 'System'). The Source and Log properties must be matched, or you may set Log to the empty string, and it will automatically be matched to the Source property.")]
    [TestCase("Write-EventLog System EventLog 70000 -Message 'x'", "ParameterArgumentValidationError,Microsoft.PowerShell.Commands.WriteEventLogCommand",
        "Cannot validate argument on parameter 'EventId'. The 70000 argument is greater than the maximum allowed range of 65535. Supply an argument that is less than or equal to 65535 and then try the command again.")]
    [TestCase("Write-EventLog System EventLog", "MissingMandatoryParameter,Microsoft.PowerShell.Commands.WriteEventLogCommand", "Cannot process command because of one or more missing mandatory parameters: EventId Message.")]
    [TestCase("New-EventLog System 'Service Control Manager'", "Microsoft.PowerShell.Commands.NewEventLogCommand", "The \"Service Control Manager\" source is already registered on the \"localhost\" computer.")]
    [TestCase("Remove-EventLog -Source Nope", "Microsoft.PowerShell.Commands.RemoveEventLogCommand", "The source name \"Nope\" does not exist on computer \"localhost\".")]
    [TestCase("Clear-EventLog Nope", "Microsoft.PowerShell.Commands.ClearEventLogCommand", "The Log name \"Nope\" does not exist in the computer \"localhost\".")]
    [TestCase("Limit-EventLog System -RetentionDays 30", "Microsoft.PowerShell.Commands.LimitEventLogCommand", "Retention days is valid only if the overflow action is \"OverwriteOlder\". Please change  and try again.")]
    [TestCase("Limit-EventLog System -MaximumSize 1000", "ValueOutofRange,Microsoft.PowerShell.Commands.LimitEventLogCommand",
        "The value supplied for MaximumSize parameter has to be in the range of 64 KB to 4GB with an increment of 64 KB. Please enter a proper value and then retry.")]
    [TestCase("Get-WinEvent Nope", "NoMatchingLogsFound,Microsoft.PowerShell.Commands.GetWinEventCommand", "There is not an event log on the localhost computer that matches \"Nope\".")]
    [TestCase("Get-WinEvent Application", "NoMatchingEventsFound,Microsoft.PowerShell.Commands.GetWinEventCommand", "No events were found that match the specified selection criteria.")]
    [TestCase("Get-WinEvent @{ LogName = 'System'; Level = 2 }", "NoMatchingEventsFound,Microsoft.PowerShell.Commands.GetWinEventCommand", "No events were found that match the specified selection criteria.")]
    [TestCase("Get-WinEvent -FilterHashtable @{ Id = 7036 }", "LogProviderOrPathNeeded,Microsoft.PowerShell.Commands.GetWinEventCommand", "You must specify at least one Log, Provider or Path key-value pair.")]
    [TestCase("Get-WinEvent -FilterHashtable @{ LogName = 'System'; Id = $null }", "NullNotAllowedInHashtable,Microsoft.PowerShell.Commands.GetWinEventCommand", "A null value was encountered in the Id hash table key. Null values are not permitted.")]
    [TestCase("Get-WinEvent System -MaxEvents 0", "ParameterArgumentValidationError,Microsoft.PowerShell.Commands.GetWinEventCommand",
        "Cannot validate argument on parameter 'MaxEvents'. The 0 argument is less than the minimum allowed range of 1. Supply an argument that is greater than or equal to 1 and then try the command again.")]
    [TestCase("Get-WinEvent -ProviderName Nope", "NoMatchingProvidersFound,Microsoft.PowerShell.Commands.GetWinEventCommand", "There is not an event provider on the localhost computer that matches \"Nope\".")]
    public async Task Each_refusal_is_the_cmdlet_s_own_error(string script, string fullyQualifiedErrorId, string message)
    {
        var host = await RunAsync(script);

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[] { (fullyQualifiedErrorId, message) }));
        Assert.That(host.Outputs, Is.Empty);
    }

    [Test]
    public async Task Get_WinEvent_reads_newest_first_by_provider_and_by_hashtable_and_oldest_first_with_Oldest()
    {
        var host = await RunAsync("(Get-WinEvent System | ForEach-Object Id) -join ','; (Get-WinEvent System -Oldest -MaxEvents 2 | ForEach-Object Id) -join ','; " +
            "(Get-WinEvent -ProviderName EventLog | ForEach-Object RecordId) -join ','; " +
            "(Get-WinEvent -FilterHashtable @{ LogName = 'System'; ProviderName = 'Service Control Manager'; StartTime = [datetime]'2026-01-12 09:35:10' } | ForEach-Object Message) -join ','; " +
            "(Get-WinEvent -FilterHashtable @{ LogName = 'Sys*'; Id = 6005, 6009 } | ForEach-Object Id) -join ','; " +
            "(Get-WinEvent -FilterHashtable @{ LogName = 'System'; Data = 'running' } | ForEach-Object Id) -join ','; " +
            "$r = Get-WinEvent System -MaxEvents 1; $r.Qualifiers; $r.Keywords; $r.KeywordsDisplayNames -join ','; $r.Level.GetType().Name");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "7036,6005,6009", "6009,6005", "2,1", "The Windows Remote Management (WS-Management) service entered the running state.", "6005,6009", "7036",
            "16384", "36028797018963968", "Classic", "Byte",
        }));
    }

    [TestCase("*[System[(EventID=7036)]]", "7036")]
    [TestCase("Event[System[Provider[@Name='EventLog'] and (EventID=6005 or EventID = 6009)]]", "6005,6009")]
    [TestCase("*[System[Level=4 and EventRecordID>=2 and EventRecordID<4]]", "7036,6005")]
    [TestCase("*[System[TimeCreated[@SystemTime>='2026-01-12T09:35:10.000Z'] and Provider[@Name='Service Control Manager']]]", "7036")]
    [TestCase("*[System[TimeCreated[timediff(@SystemTime) <= 86400000]]]", "1000")]
    [TestCase("*", "1000,7036,6005,6009")]
    public async Task Get_WinEvent_FilterXPath_reads_the_System_element_s_tests(string xpath, string ids)
    {
        var logs = NewLogs();
        logs.Register("System", "Deploy");
        logs.Write("Deploy", 1000, EventLogs.EntryType.Information, 0, "now", [], null);

        var host = await RunAsync($"(Get-WinEvent -LogName System -FilterXPath \"{xpath}\" | ForEach-Object Id) -join ','", logs);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { ids }));
    }

    [Test]
    public async Task A_FilterXPath_the_emulator_does_not_read_is_a_scenario_error_and_one_matching_nothing_NoMatchingEventsFound()
    {
        var host = await RunAsync("Get-WinEvent System -FilterXPath \"*[EventData[Data='x']]\"; Get-WinEvent System -FilterXPath '*[System[Level=1]]'; 'next'");

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "PsrpEmulator.ScenarioError", "NoMatchingEventsFound,Microsoft.PowerShell.Commands.GetWinEventCommand" }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [Test]
    public async Task A_service_entering_another_state_is_Service_Control_Manager_s_7036_and_one_already_there_writes_none()
    {
        var logs = NewLogs();
        var services = new ServiceStates { Entered = logs.ServiceEntered };

        var host = await RunAsync("Stop-Service WinRM; Stop-Service WinRM; Start-Service WinRM; Get-EventLog System -Source 'Service Control Manager' | ForEach-Object Message", logs, services);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "The Windows Remote Management (WS-Management) service entered the running state.",
            "The Windows Remote Management (WS-Management) service entered the stopped state.",
            "The Windows Remote Management (WS-Management) service entered the running state.",
        }));
    }

    [Test]
    public async Task Out_Default_shows_entries_logs_and_ListLog_in_5_1_s_tables()
    {
        var host = await RunAsync("Get-EventLog System -Newest 2 | Out-String; Get-EventLog -List | Select-Object -First 3 | Out-String; Get-WinEvent -ListLog System | Out-String");

        Assert.That(host.Errors, Is.Empty);
        var lines = string.Join("\r\n", host.OutputTexts).Split("\r\n").Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();
        Assert.That(lines, Is.EqualTo(new[]
        {
            "   Index Time          EntryType   Source                 InstanceID Message",
            "   ----- ----          ---------   ------                 ---------- -------",
            "       3 Jan 12 09:35  Information Service Control M...   1073748860 The Windows Remote Management (WS-Management) se...",
            "       2 Jan 12 09:35  Information EventLog               2147489653 The Event log service was started.",
            "  Max(K) Retain OverflowAction        Entries Log",
            "  ------ ------ --------------        ------- ---",
            "  20,480      0 OverwriteAsNeeded           0 Application",
            "  20,480      0 OverwriteAsNeeded           0 HardwareEvents",
            "     512      7 OverwriteOlder              0 Internet Explorer",
            "LogMode   MaximumSizeInBytes RecordCount LogName",
            "-------   ------------------ ----------- -------",
            "Circular            20971520           3 System",
        }));
    }

    [Test]
    public async Task Clear_EventLog_empties_a_log_and_its_record_numbers_go_on_while_Remove_EventLog_takes_a_source_away()
    {
        var logs = NewLogs();

        var host = await RunAsync("New-EventLog -LogName Deploy -Source Installer; Write-EventLog Deploy Installer 1 -Message 'one'; Clear-EventLog Deploy; Write-EventLog Deploy Installer 2 -Message 'two'; " +
            "Get-EventLog Deploy | ForEach-Object { \"$($_.Index) $($_.Message)\" }; Remove-EventLog -Source Installer; Write-EventLog Deploy Installer 3 -Message 'three' -ErrorAction SilentlyContinue; " +
            "(Get-EventLog Deploy).Count; Remove-EventLog Deploy; Get-EventLog -List -AsString", logs);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "2 two", "1", "Application", "HardwareEvents", "Internet Explorer", "Key Management Service", "Security", "System", "Windows PowerShell",
        }));
    }

    [Test]
    public async Task A_message_pattern_of_many_stars_against_long_messages_matches_in_linear_time()
    {
        var logs = NewLogs();
        logs.Register("Big", "B");
        logs.Limit("Big", 4_096, null, null);
        var message = new string('a', 32_000);
        for (var i = 0; i < 20; i++) logs.Write("B", 1, EventLogs.EntryType.Information, 0, message, [], null);

        var host = await RunAsync("@(Get-EventLog Big -Message ('*a' * 30 + '*b')).Count; @(Get-EventLog Big -Message ('*a' * 30 + '*')).Count", logs);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "0", "20" }));
    }

    [Test]
    public async Task Clearing_a_log_is_the_System_log_s_104_naming_the_user_and_clearing_Security_its_own_audit_1102()
    {
        var host = await RunAsync("Clear-EventLog Application, Security; Get-EventLog System -Newest 1 | ForEach-Object { \"$($_.Source) $($_.EventID) $($_.UserName): $($_.Message)\" }; " +
            "Get-EventLog Security | ForEach-Object { \"$($_.EntryType) $($_.EventID) $($_.Message)\" }; Clear-EventLog System -WhatIf; (Get-EventLog System).Count");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            @"Microsoft-Windows-Eventlog 104 TESTHOST01\tester: The Application log file was cleared.", "SuccessAudit 1102 The audit log was cleared.", "4",
        }));
    }

    [Test]
    public async Task Limit_EventLog_changes_the_overflow_policy_and_size_as_ModifyOverflowPolicy_does_and_WhatIf_changes_nothing()
    {
        var logs = NewLogs();

        var host = await RunAsync("Limit-EventLog Application -OverflowAction OverwriteOlder -RetentionDays 30 -MaximumSize 65536; Limit-EventLog System -OverflowAction DoNotOverwrite; " +
            "Limit-EventLog Security -MaximumSize 1MB -WhatIf; Get-EventLog -List | Where-Object Log -in 'Application', 'System', 'Security' | ForEach-Object { \"$($_.Log) $($_.MaximumKilobytes) $($_.OverflowAction) $($_.MinimumRetentionDays)\" }", logs);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Application 64 OverwriteOlder 30", "Security 20480 OverwriteAsNeeded 0", "System 20480 DoNotOverwrite -1" }));
    }

    [Test]
    public void A_restart_writes_User32_s_1074_and_the_service_stopping_then_the_boot_s_entries()
    {
        var time = new FakeTimeProvider(Now);
        var logs = new EventLogs(time, EventLogs.DefaultBoot);

        logs.RestartRequested("server01", @"DOMAIN01\admin01", @"C:\Windows\system32\shutdown.exe");
        time.Advance(TimeSpan.FromSeconds(30));
        logs.Restarted(time.GetUtcNow());

        var newest = logs.Entries("System").Take(5).Select(e => (e.Source, e.EventId & 0xFFFF, e.TimeGenerated)).ToList();
        Assert.That(newest, Is.EqualTo(new[]
        {
            ("Service Control Manager", 7036, Now.AddSeconds(50)), ("EventLog", 6005, Now.AddSeconds(30)), ("EventLog", 6009, Now.AddSeconds(30)),
            ("EventLog", 6006, Now.AddSeconds(30)), ("User32", 1074, Now),
        }));
        Assert.That(logs.Entries("System")[4].Message, Does.StartWith(@"The process C:\Windows\system32\shutdown.exe (SERVER01) has initiated the restart of computer SERVER01 on behalf of user DOMAIN01\admin01"));
        Assert.That(logs.Entries("System")[4].UserName, Is.EqualTo(@"DOMAIN01\admin01"));
    }

    [Test]
    public void A_log_keeps_its_newest_entries_up_to_its_limit()
    {
        var logs = NewLogs();
        logs.Register("Flood", "Loop");
        logs.Limit("Flood", 20_480, null, null);

        for (var i = 0; i < EventLogs.MaxEntriesPerLog + 5; i++) logs.Write("Loop", 1, EventLogs.EntryType.Information, 0, "m", [], null);

        var entries = logs.Entries("Flood");
        Assert.That((entries.Count, entries[0].Index, entries[^1].Index), Is.EqualTo((EventLogs.MaxEntriesPerLog, EventLogs.MaxEntriesPerLog + 5, 6)));
    }

    [Test]
    public void A_log_keeps_its_Max_K_of_bytes_and_the_computer_s_logs_together_at_most_their_budget()
    {
        var logs = NewLogs();
        logs.Register("Small", "S");
        logs.Register("Big1", "B1");
        logs.Register("Big2", "B2");
        logs.Limit("Big1", 4 * 1024 * 1024, null, null);
        logs.Limit("Big2", 4 * 1024 * 1024, null, null);
        var message = new string('x', 30_000);

        for (var i = 0; i < 100; i++) logs.Write("S", 1, EventLogs.EntryType.Information, 0, message, [], null);
        for (var i = 0; i < 1_000; i++)
        {
            logs.Write("B1", 1, EventLogs.EntryType.Information, 0, message, [], null);
            logs.Write("B2", 1, EventLogs.EntryType.Information, 0, message, [], null);
        }

        // 120 KB an entry: Small's 512 KB hold 4; Big1 and Big2 share 32 MB less Small's (20 MB each would be more).
        var (small, big1, big2) = (logs.Entries("Small").Count, logs.Entries("Big1").Count, logs.Entries("Big2").Count);
        Assert.That(small, Is.EqualTo(4));
        Assert.That(big1 + big2, Is.InRange(260, 275));
        Assert.That(Math.Abs(big1 - big2), Is.LessThanOrEqualTo(1));
        Assert.That(logs.Entries("Big1")[0].Index, Is.EqualTo(1_000));
    }

    [Test]
    public async Task Scenario_entries_are_in_their_logs_in_time_order_with_their_sources_registered()
    {
        var seeds = EventLogSeedParser.Parse("""
            eventLog:
              - { log: Application, source: Contoso, id: 1001, type: Error, message: Nightly job failed, time: 2026-11-30T02:00:00Z }
              - { log: Application, source: Contoso, id: 1000, message: Nightly job started, time: 2026-11-30T01:00:00Z, category: 2 }
              - { log: Application, source: Other, id: 5, message: Elsewhere, computer: Server02 }
            """, "test.yaml");
        var logs = NewLogs(seeds.Where(s => s.Computer is null));

        var host = await RunAsync("Get-EventLog Application | ForEach-Object { \"$($_.Index) $($_.EntryType) $($_.Source) $($_.EventID) $($_.CategoryNumber) $($_.Message)\" }; Write-EventLog Application Contoso 7 -Message 'more'", logs);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "2 Error Contoso 1001 0 Nightly job failed", "1 Information Contoso 1000 2 Nightly job started" }));
        Assert.That(logs.Entries("Application")[0].Message, Is.EqualTo("more"));
    }

    /// <summary>Ansible's ConfigureRemotingForAnsible.ps1 registers its source through the class when SourceExists says it has none.</summary>
    [Test]
    public async Task The_EventLog_class_checks_registers_writes_and_deletes_over_the_computers_logs()
    {
        var logs = new EventLogs(new FakeTimeProvider(Now), EventLogs.DefaultBoot);

        var host = await RunAsync("""
            [System.Diagnostics.EventLog]::Exists('Application'); [Diagnostics.EventLog]::Exists('Nope')
            If ([System.Diagnostics.EventLog]::SourceExists('Setup Script') -eq $False) { [System.Diagnostics.EventLog]::CreateEventSource('Setup Script', 'Application') }
            [System.Diagnostics.EventLog]::SourceExists('Setup Script'); [System.Diagnostics.EventLog]::LogNameFromSourceName('Setup Script', '.')
            [System.Diagnostics.EventLog]::WriteEntry('Auto Source', 'written', 'Warning', 42)
            $e = Get-EventLog Application -Newest 1; "$($e.Source) $($e.EventID) $($e.EntryType) $($e.Message)"
            [System.Diagnostics.EventLog]::CreateEventSource('Setup Script', 'Application')
            [System.Diagnostics.EventLog]::DeleteEventSource('Setup Script'); [System.Diagnostics.EventLog]::SourceExists('Setup Script')
            [System.Diagnostics.EventLog]::Delete('Nope')
            ([System.Diagnostics.EventLog]::GetEventLogs() | Where-Object Log -eq 'System').Log
            [System.Diagnostics.EventLog]::SourceExists('x', 'server02')
            """, logs);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True", "False", "True", "Application", "Auto Source 42 Warning written", "False", "System" }));
        Assert.That(logs.LogOfSource("Auto Source"), Is.EqualTo("Application"), ".NET registers an unknown source to Application before it writes");
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("ArgumentException", "Exception calling \"CreateEventSource\" with \"2\" argument(s): \"Source Setup Script already exists on the local computer.\""),
            ("InvalidOperationException", "Exception calling \"Delete\" with \"1\" argument(s): \"The event log 'Nope' on computer '.' does not exist.\""),
            ("PsrpEmulator.ScenarioError", "[System.Diagnostics.EventLog]::SourceExists of computer 'server02': another computer's logs are not emulated"),
        }));
    }

    [TestCase("eventLog: { log: x }", "'eventLog:' is a list of entries")]
    [TestCase("eventLog:\n  - { log: Application, source: A, id: 1, colour: red }", "unknown event log entry key 'colour'")]
    [TestCase("eventLog:\n  - { log: Application, id: 1 }", "an event log entry needs 'source:'")]
    [TestCase("eventLog:\n  - { log: Application, source: A, id: x }", "'id' is a number")]
    [TestCase("eventLog:\n  - { log: Application, source: A, id: 1, type: Fatal }", "'type' is one of: Error, Warning, Information, SuccessAudit, FailureAudit")]
    [TestCase("eventLog:\n  - { log: Application, source: A, id: 1, time: yesterday }", "'time' is a date and time")]
    [TestCase("eventLog:\n  - { log: 'A\\B', source: A, id: 1 }", "is not a log name")]
    public void A_wrong_eventLog_entry_is_a_load_error_naming_its_place(string yaml, string complaint)
    {
        var error = Assert.Throws<BehaviourLoadException>(() => EventLogSeedParser.Parse(yaml, "bad.yaml"));
        Assert.That(error!.Message, Does.StartWith("bad.yaml, line ").And.Contain(complaint));
    }

    private static async Task<(string Stdout, string Stderr, int Code)> CmdAsync(string line, EventLogs logs)
    {
        var host = new FakeCommandLineHost
        {
            Encoding = System.Text.Encoding.ASCII, EventLogs = logs, Environment = [new("COMPUTERNAME", "SERVER01")],
            Facts = new Dictionary<string, string> { ["cd"] = @"C:\" },
        };
        var code = await Default.ResolveCommandLine(line).RunAsync(host, TimeProvider.System, CancellationToken.None);
        return (host.Stdout, host.Stderr, code);
    }

    [Test]
    public async Task Eventcreate_writes_to_Application_as_EventCreate_or_a_custom_source_and_refuses_an_installed_application_s()
    {
        var logs = NewLogs();

        var plain = await CmdAsync("eventcreate /t error /id 100 /d \"Backup failed\"", logs);
        var custom = await CmdAsync("eventcreate /T INFORMATION /ID 1000 /L APPLICATION /SO Nightly /D \"Nightly processing completed\"", logs);
        var again = await CmdAsync("eventcreate /T WARNING /ID 2 /L Application /SO Nightly /D again", logs);
        var installed = await CmdAsync("eventcreate /T ERROR /ID 1 /L System /SO \"Service Control Manager\" /D x", logs);
        var badId = await CmdAsync("eventcreate /T ERROR /ID 1001 /D x", logs);
        var noType = await CmdAsync("eventcreate /ID 1 /D x", logs);

        Assert.That(plain, Is.EqualTo(("SUCCESS: An event of type 'ERROR' was created in the 'Application' log with 'EventCreate' as the source.\r\n", "", 0)));
        Assert.That(custom, Is.EqualTo(("SUCCESS: An event of type 'INFORMATION' was created in the 'Application' log with 'Nightly' as the source.\r\n", "", 0)));
        Assert.That(again.Code, Is.EqualTo(0));
        Assert.That(installed, Is.EqualTo(("", "ERROR: Source parameter is used to identify custom applications/scripts only (not installed applications).\r\n", 1)));
        Assert.That(badId, Is.EqualTo(("", "ERROR: Invalid ID. The ID must be in the range of 1 - 1000.\r\n", 1)));
        Assert.That(noType, Is.EqualTo(("", "ERROR: Invalid syntax.\r\nType \"EVENTCREATE /?\" for usage.\r\n", 1)));
        Assert.That(logs.Entries("Application").Select(e => (e.Source, e.EventId, e.Type, e.Message)), Is.EqualTo(new[]
        {
            ("Nightly", 2, EventLogs.EntryType.Warning, "again"), ("Nightly", 1000, EventLogs.EntryType.Information, "Nightly processing completed"),
            ("EventCreate", 100, EventLogs.EntryType.Error, "Backup failed"),
        }));
    }

    [Test]
    public async Task Wevtutil_lists_clears_and_queries_the_classic_logs_in_its_text_layout()
    {
        var logs = NewLogs();

        var list = await CmdAsync("wevtutil el", logs);
        var query = await CmdAsync("wevtutil qe System /c:2 /rd:true /f:text", logs);
        var clear = await CmdAsync("wevtutil cl System", logs);
        var missing = await CmdAsync("wevtutil cl Microsoft-Windows-Foo/Debug", logs);
        var xml = await CmdAsync("wevtutil qe System /c:1", logs);

        Assert.That(list, Is.EqualTo(("Application\r\nHardwareEvents\r\nInternet Explorer\r\nKey Management Service\r\nSecurity\r\nSystem\r\nWindows PowerShell\r\n", "", 0)));
        Assert.That(query.Stdout, Is.EqualTo(
            "Event[0]:\r\n  Log Name: System\r\n  Source: Service Control Manager\r\n  Date: 2026-01-12T09:35:20.000\r\n  Event ID: 7036\r\n  Task: N/A\r\n  Level: Information\r\n" +
            "  Opcode: N/A\r\n  Keyword: Classic\r\n  User: N/A\r\n  User Name: N/A\r\n  Computer: SERVER01\r\n  Description: \r\nThe Windows Remote Management (WS-Management) service entered the running state.\r\n\r\n" +
            "Event[1]:\r\n  Log Name: System\r\n  Source: EventLog\r\n  Date: 2026-01-12T09:35:00.000\r\n  Event ID: 6005\r\n  Task: N/A\r\n  Level: Information\r\n" +
            "  Opcode: N/A\r\n  Keyword: Classic\r\n  User: N/A\r\n  User Name: N/A\r\n  Computer: SERVER01\r\n  Description: \r\nThe Event log service was started.\r\n\r\n"));
        Assert.That(clear, Is.EqualTo(("", "", 0)));
        Assert.That(logs.Entries("System").Select(e => (e.Source, e.EventId, e.Message)), Is.EqualTo(new[] { ("Microsoft-Windows-Eventlog", 104, "The System log file was cleared.") }));
        Assert.That(missing, Is.EqualTo(("", "Failed to clear log Microsoft-Windows-Foo/Debug. The specified channel could not be found.\r\n", 15007)));
        Assert.That((xml.Code, xml.Stderr), Is.EqualTo((1, NotEmulatedMessage("wevtutil qe /c"))));
    }

    private static string NotEmulatedMessage(string command) => PsrpEmulator.Server.Behaviours.CommandLines.NotEmulatedCommandScript.MessageFor(command);
}
