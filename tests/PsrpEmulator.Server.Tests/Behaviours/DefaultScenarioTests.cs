using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

public class DefaultScenarioTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    /// <summary>
    /// Every statement of a script is matched against every rule, at each level of its nesting: a rule that looks ahead
    /// through the whole text before its command name (<c>(?=.*-Credential)</c>) makes every long statement cost a scan
    /// per rule and level (thousands of nested blocks took 19 s). A rule's first lookahead must start with a literal word,
    /// so that another statement fails at its first character.
    /// </summary>
    [Test]
    public void No_default_rule_looks_ahead_through_a_statement_before_its_first_word()
    {
        var scanning = new List<string>();
        foreach (var rule in Default.Rules.Where(r => r.Regex is not null))
        {
            var pattern = rule.Regex!.ToString();
            pattern = pattern[@"\A(?:".Length..];
            var extended = false;
            while (System.Text.RegularExpressions.Regex.Match(pattern, @"^\(\?([imnsx]+)\)") is { Success: true } options)
            {
                extended |= options.Groups[1].Value.Contains('x');
                pattern = pattern[options.Length..];
            }

            if (extended) pattern = System.Text.RegularExpressions.Regex.Replace(pattern, @"\s+", string.Empty);
            // The first lookahead runs on every statement; those after it only where it held.
            if (pattern.StartsWith("(?=", StringComparison.Ordinal))
            {
                var inside = pattern[3..];
                if (inside.StartsWith("(?:", StringComparison.Ordinal)) inside = inside[3..];
                if (inside.Length == 0 || !char.IsAsciiLetter(inside[0])) scanning.Add(rule.Name);
            }
        }

        Assert.That(scanning, Is.Empty);
    }

    [Test]
    public void Default_scenario_is_embedded_and_loads()
    {
        Assert.That(BehaviourCatalog.ReadDefaultYaml(), Does.Contain("behaviours:"));
        Assert.That(Default.Count, Is.GreaterThan(10));
        Assert.That(BehaviourCatalog.LoadDefault(), Is.SameAs(Default));
    }

    // ── Commands that run straight through: text → outputs (display strings) ─────────────────────────────────
    [TestCase("'hello'", "hello")]
    [TestCase(" 'hello' ", "hello")]
    [TestCase("\"hello\"", "hello")]
    [TestCase("\"hello world\"", "hello world")]
    [TestCase("''", "")]
    [TestCase("'it has $_ and {braces}'", "it has $_ and {braces}")]
    [TestCase("1+1", "2")]
    [TestCase(" 40 + 2 ", "42")]
    [TestCase("7-10", "-3")]
    [TestCase("6*7", "42")]
    [TestCase("42", "42")]
    [TestCase("1..3", "1|2|3")]
    [TestCase("3..1", "3|2|1")]
    [TestCase("1..3 | ForEach-Object { \"Output $_\" }", "Output 1|Output 2|Output 3")]
    [TestCase("1..2 | % {\"[$_]\"}", "[1]|[2]")]
    [TestCase("1..2|%{\"$_\"}", "1|2")]
    [TestCase("1..2 | foreach { 'same' }", "same|same")]
    [TestCase("1..2 | ForEach-Object -Process { \"no var\" }", "no var|no var")]
    [TestCase("1..3 | % { $_ }", "1|2|3")]
    [TestCase("1..10 | Select-Object -Index 5, 2, 5 | % { \"<$_>\" }; 'a', 'b' | select -Index 7; (1..3 | Select-Object -Index 1 -Property @{ n = 'v'; e = { $_ * 10 } }).v", "<3>|<6>|20")]
    [TestCase("[pscustomobject]@{ a = 1, 2 }, [pscustomobject]@{ a = 3 } | ForEach-Object a | ForEach-Object { \"<$_>\" }", "<1>|<2>|<3>")]
    [TestCase("@{ k = 'v' } | ForEach-Object k; ([pscustomobject]@{ a = 'xy' } | ForEach-Object a).Length", "v|2")]
    [TestCase("Write-Output 'hi'", "hi")]
    [TestCase("Write-Output hi", "hi")]
    [TestCase("echo done.", "done.")]
    [TestCase("$x = 'kept'; Write-Output $x", "kept")]
    [TestCase("echo $env:COMPUTERNAME", "TESTHOST01")]
    [TestCase("echo \"hi\"", "hi")]
    [TestCase("hostname", "TESTHOST01")]
    [TestCase("$env:COMPUTERNAME", "TESTHOST01")]
    [TestCase("[Environment]::MachineName", "TESTHOST01")]
    [TestCase("$env:username", "tester")]
    [TestCase("[Environment]::UserName", "tester")]
    [TestCase("$env:NOT_SET", "")]
    [TestCase("\"on $env:COMPUTERNAME as ${env:USERNAME}!\"", "on TESTHOST01 as tester!")]
    [TestCase("\"[$env:NOT_SET]\"", "[]")]
    [TestCase("Get-Process", "System.Diagnostics.Process (csrss)|System.Diagnostics.Process (csrss)|System.Diagnostics.Process (dwm)|System.Diagnostics.Process (fontdrvhost)|System.Diagnostics.Process (fontdrvhost)|System.Diagnostics.Process (Idle)|System.Diagnostics.Process (LogonUI)|System.Diagnostics.Process (lsass)|System.Diagnostics.Process (msdtc)|System.Diagnostics.Process (MsMpEng)|System.Diagnostics.Process (NisSrv)|System.Diagnostics.Process (Registry)|System.Diagnostics.Process (services)|System.Diagnostics.Process (SgrmBroker)|System.Diagnostics.Process (smss)|System.Diagnostics.Process (svchost)|System.Diagnostics.Process (svchost)|System.Diagnostics.Process (System)|System.Diagnostics.Process (wininit)|System.Diagnostics.Process (winlogon)|System.Diagnostics.Process (WmiPrvSE)|System.Diagnostics.Process (wsmprovhost)")]
    [TestCase("Get-Process -Name svchost", "System.Diagnostics.Process (svchost)|System.Diagnostics.Process (svchost)")]
    [TestCase("gps sys*", "System.Diagnostics.Process (System)")]
    [TestCase("(Get-Service).Count; (Get-Service)[0].GetType().FullName; (Get-Service)[0].Name", "196|System.ServiceProcess.ServiceController|AJRouter")]
    [TestCase("Get-WinEvent -LogName System -MaxEvents 2", "System.Diagnostics.Eventing.Reader.EventLogRecord|System.Diagnostics.Eventing.Reader.EventLogRecord")]
    [TestCase("Get-WinEvent -LogName System", "System.Diagnostics.Eventing.Reader.EventLogRecord|System.Diagnostics.Eventing.Reader.EventLogRecord|System.Diagnostics.Eventing.Reader.EventLogRecord")]
    [TestCase("Get-ExecutionPolicy; (Get-ExecutionPolicy) -eq 'RemoteSigned'", "RemoteSigned|True")]
    [TestCase("(Get-Culture).Name; (Get-Culture).LCID; (Get-TimeZone).Id; (Get-TimeZone).BaseUtcOffset.TotalHours", "en-US|1033|UTC|0")]
    // A culture by name: en-US (the one formatted with) and the invariant culture; a file's date set from text (invariant parse).
    [TestCase("([cultureinfo]'en-US').Name; (New-Object Globalization.CultureInfo 'en-US').LCID; [cultureinfo]::GetCultureInfo('').LCID; (Get-Date '2026-01-02').ToString('d', [cultureinfo]'en-US'); " +
        "Set-Content C:\\n.txt x; $f = Get-Item C:\\n.txt; $f.LastWriteTime = '2020-01-01'; (Get-Item C:\\n.txt).LastWriteTime.Year; Set-ItemProperty C:\\n.txt -Name CreationTime -Value '2019-05-06'; (Get-Item C:\\n.txt).CreationTime.Month",
        "en-US|1033|127|1/2/2026|2020|5")]
    [TestCase("[System.Net.Dns]::GetHostName(); [Net.Dns]::GetHostName() -eq $env:COMPUTERNAME", "TESTHOST01|True")]
    [TestCase("Get-Culture | Out-String", "\r\nLCID             Name             DisplayName                             \r\n----             ----             -----------                             \r\n1033             en-US            English (United States)                 \r\n\r\n\r\n")]
    public async Task Default_scenario_answers(string command, string expectedOutputs)
    {
        var (host, outcome) = await Default.RunScriptAsync(command);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expectedOutputs));
        Assert.That(host.Errors, Is.Empty);
        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
    }

    [TestCase("'hello'", PsPrimitiveType.String)]
    [TestCase("1+1", PsPrimitiveType.Int32)]
    [TestCase("1..1", PsPrimitiveType.Int32)]
    [TestCase("1..1 | % { $_ }", PsPrimitiveType.Int32)]
    [TestCase("1..1 | % { \"$_\" }", PsPrimitiveType.String)]
    public async Task Default_scenario_types_outputs_as_PowerShell_does(string command, PsPrimitiveType type)
    {
        var (host, _) = await Default.RunScriptAsync(command);
        Assert.That(((PsPrimitive)host.Outputs.Single()).Type, Is.EqualTo(type));
    }

    // ── The documentation's family with sleeps: every spelling, on virtual time ───────────────────────────────
    [TestCase("1..3 | ForEach-Object { \"text$_\"; Start-Sleep -Seconds 1 }", "text", "", 3, 1.0)]
    [TestCase(" 1..3 | ForEach-Object { \"text$_\"; Start-Sleep -Seconds 1 } ", "text", "", 3, 1.0)]
    [TestCase("1..1500 | Foreach-Object {\"Return $_\"; sleep 30}", "Return ", "", 1500, 30.0)]
    [TestCase("1..10000 | ForEach-Object {\"Output $_\"; Start-Sleep 1}", "Output ", "", 10000, 1.0)]
    [TestCase("1..3 | foreach-object { \"x$_\" ; start-sleep -s 2 ; }", "x", "", 3, 2.0)]
    [TestCase("1..3|%{\"$_ done\";sleep 1}", "", " done", 3, 1.0)]
    [TestCase("1..3 | ForEach { \"n=$_\"; Start-Sleep -Seconds 0.5 }", "n=", "", 3, 0.5)]
    [TestCase("1..3 | ForEach-Object -Process { \"p$_\"; Start-Sleep 1 }", "p", "", 3, 1.0)]
    [TestCase("1 .. 3 | %   {   \"s$_\"  ;  sleep   1   }", "s", "", 3, 1.0)]
    public async Task Documentation_family_outputs_then_sleeps_each_item(string command, string prefix, string suffix, int count, double seconds)
    {
        var time = new FakeTimeProvider();
        var host = new RecordingHost();
        using var cts = new CancellationTokenSource();
        var run = Default.Resolve(Behaviour.Script(command)).RunTestAsync(host, time, cts.Token);
        var sleep = TimeSpan.FromSeconds(seconds);

        // Check the first three items step by step; for a long range, stop the pipeline as a client would.
        var checkedItems = Math.Min(count, 3);
        for (var i = 1; i <= checkedItems; i++)
        {
            await Behaviour.EventuallyAsync(() => host.OutputTexts.Count == i, $"item {i} is written");
            Assert.That(host.OutputTexts[^1], Is.EqualTo($"{prefix}{i}{suffix}"));
            Assert.That(run.IsCompleted, Is.False, $"sleeping after item {i}");
            time.Advance(sleep - TimeSpan.FromMilliseconds(1));
            await Task.Delay(5);
            Assert.That(host.OutputTexts, Has.Count.EqualTo(i), "not before the whole sleep elapsed");
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        if (count == checkedItems)
        {
            Assert.That(await run.WaitAsync(TimeSpan.FromSeconds(5)), Is.EqualTo(PipelineOutcome.Completed));
            Assert.That(host.OutputTexts, Has.Count.EqualTo(count));
        }
        else
        {
            await Behaviour.EventuallyAsync(() => host.OutputTexts.Count == checkedItems + 1, "the next item is written");
            Assert.That(run.IsCompleted, Is.False, "still running a long range");
            await cts.CancelAsync();
            Assert.That((await run.WaitAsync(TimeSpan.FromSeconds(5))).State, Is.EqualTo(PSInvocationState.Stopped));
        }
    }

    [Test]
    public async Task Documentation_family_with_single_quotes_does_not_expand()
    {
        var (host, _) = await Default.RunScriptAsync("1..2 | % { 'text$_' }");
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "text$_", "text$_" }));
    }

    [Test]
    public async Task Long_documentation_range_stops_on_cancellation()
    {
        var time = new FakeTimeProvider();
        var host = new RecordingHost();
        using var cts = new CancellationTokenSource();
        var run = Default.Resolve(Behaviour.Script("1..10000 | ForEach-Object {\"Output $_\"; Start-Sleep 1}")).RunTestAsync(host, time, cts.Token);
        time.Advance(TimeSpan.FromSeconds(1));
        await Behaviour.EventuallyAsync(() => host.OutputTexts.Count == 2, "Output 2 is written");
        await cts.CancelAsync();
        Assert.That((await run.WaitAsync(TimeSpan.FromSeconds(5))).State, Is.EqualTo(PSInvocationState.Stopped));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Output 1", "Output 2" }));
    }

    [Test]
    public async Task Start_Sleep_alone_waits_then_completes()
    {
        var time = new FakeTimeProvider();
        var host = new RecordingHost();
        var run = Default.Resolve(Behaviour.Script("Start-Sleep -Seconds 5")).RunTestAsync(host, time);
        time.Advance(TimeSpan.FromSeconds(4));
        await Task.Delay(5);
        Assert.That(run.IsCompleted, Is.False);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(await run.WaitAsync(TimeSpan.FromSeconds(5)), Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(host.Records, Is.Empty);
    }

    // ── Streams and failures ─────────────────────────────────────────────────────────────────────────────────
    [Test]
    public async Task Write_cmdlets_write_their_streams()
    {
        Assert.That((await Default.RunScriptAsync("Write-Warning 'careful'")).Host.Records, Is.EqualTo(new[] { new WarningRecordMessage("careful") }));
        Assert.That((await Default.RunScriptAsync("Write-Verbose \"v\" -Verbose")).Host.Records, Is.EqualTo(new[] { new VerboseRecordMessage("v") }));
        Assert.That((await Default.RunScriptAsync("Write-Debug 'd' -Debug")).Host.Records, Is.EqualTo(new[] { new DebugRecordMessage("d") }));
        var info = (InformationRecordMessage)(await Default.RunScriptAsync("Write-Information 'i'")).Host.Records.Single();
        Assert.That(info.MessageData, Is.EqualTo(PsPrimitive.String("i")));
        var (host, outcome) = await Default.RunScriptAsync("Write-Error 'bad'");
        Assert.That(host.Errors.Single().Message, Is.EqualTo("bad"));
        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        // One bare word is a string argument, as PowerShell binds it.
        Assert.That((await Default.RunScriptAsync("Write-Warning careful")).Host.Records, Is.EqualTo(new[] { new WarningRecordMessage("careful") }));
        Assert.That((await Default.RunScriptAsync("Write-Error bad")).Host.Errors.Single().Message, Is.EqualTo("bad"));
        Assert.That(((InformationRecordMessage)(await Default.RunScriptAsync("Write-Information i")).Host.Records.Single()).MessageData, Is.EqualTo(PsPrimitive.String("i")));
    }

    [TestCase("Write-Host hi", "hi", false, null, null)]
    [TestCase("Write-Host 'two words'", "two words", false, null, null)]
    [TestCase("Write-Host \"done.\" -ForegroundColor Green", "done.", false, ConsoleColor.Green, null)]
    [TestCase("Write-Host -Object x -NoNewline -BackgroundColor darkred -ForegroundColor White", "x", true, ConsoleColor.White, ConsoleColor.DarkRed)]
    [TestCase("Write-Host", "", false, null, null)]
    [TestCase("Write-Host hello world -ForegroundColor Cyan", "hello world", false, ConsoleColor.Cyan, null)]
    [TestCase("$n = 'x'; Write-Host \"c $n`t${n}\" -NoNewline", "c x\tx", true, null, null)]
    public async Task Write_Host_writes_a_PSHOST_information_record(string script, string message, bool noNewLine, ConsoleColor? foreground, ConsoleColor? background)
    {
        var (host, outcome) = await Default.RunScriptAsync(script);
        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        var record = (InformationRecordMessage)host.Records.Single();
        Assert.That(record.Tags, Is.EqualTo(new[] { "PSHOST" }));
        Assert.That(HostInformationMessage.TryRead(record.MessageData), Is.EqualTo(new HostInformationMessage(message, noNewLine, foreground, background)));
    }

    [Test]
    public async Task Write_cmdlets_expand_variables_in_a_double_quoted_string()
    {
        var (host, outcome) = await Default.RunScriptAsync("$n = 'x'; Write-Output \"o $n\"; Write-Warning \"w $n\"; Write-Information \"i $n\"; echo \"e ${n}\"");
        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "o x", "e x" }));
        Assert.That(host.Records.OfType<WarningRecordMessage>().Single().Message, Is.EqualTo("w x"));
        Assert.That(host.Records.OfType<InformationRecordMessage>().Single().MessageData, Is.EqualTo(PsPrimitive.String("i x")));
    }

    [Test]
    public async Task Throw_fails_the_pipeline_with_the_message_as_error_id()
    {
        var (host, outcome) = await Default.RunScriptAsync("throw 'no way'");
        Assert.That(host.Records, Is.Empty);
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(outcome.OutcomeError(), Is.EqualTo(new ScriptedError("no way", "no way", ErrorCategory.OperationStopped, "System.Management.Automation.RuntimeException", "no way")),
            "PowerShell: OperationStopped: (no way:String) [], RuntimeException");
    }

    [Test]
    public async Task Get_Service_of_a_name_the_computer_has_not_is_windows_error_and_a_pattern_lists_the_matching_services()
    {
        var (host, outcome) = await Default.RunScriptAsync("Get-Service Nope; Get-Service Win* | ForEach-Object Name; Get-Service 'zz*'; 'done'");

        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(host.Errors, Is.EqualTo(new[]
        {
            new ScriptedError("Cannot find any service with service name 'Nope'.", "NoServiceFoundForGivenName,Microsoft.PowerShell.Commands.GetServiceCommand",
                ErrorCategory.ObjectNotFound, "Microsoft.PowerShell.Commands.ServiceCommandException", "Nope"),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "WinDefend", "WinHttpAutoProxySvc", "Winmgmt", "WinRM", "done" }));
    }

    [TestCase("Get-Service -Name WinRM, Spooler | ForEach-Object Name", "Spooler|WinRM", 0)]
    [TestCase("gsv 'WinRM',\"EventLog\", 'winrm', 'Win*' | % Name", "EventLog|WinDefend|WinHttpAutoProxySvc|Winmgmt|WinRM", 0)]
    [TestCase("$names = 'Spooler', 'Nope'; Get-Service $names | ForEach-Object Name; 'done'", "Spooler|done", 1)]
    [TestCase("Get-Service Nope, Win*, Nix* | ForEach-Object Name; [bool](Get-Variable PsrpEmulatorServiceName* -ErrorAction Ignore)", "WinDefend|WinHttpAutoProxySvc|Winmgmt|WinRM|False", 1)]
    public async Task Get_Service_of_several_names_answers_each_service_once_sorted_by_name_as_GetServiceCommand(string script, string expected, int errors)
    {
        var (host, outcome) = await Default.RunScriptAsync(script);

        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(Enumerable.Repeat("NoServiceFoundForGivenName,Microsoft.PowerShell.Commands.GetServiceCommand", errors)));
    }

    [Test]
    public async Task Get_Service_of_several_names_writes_the_not_found_errors_before_the_services()
    {
        var (host, _) = await Default.RunScriptAsync("Get-Service WinRM, Nope, Spooler, Nix");

        Assert.That(host.Records.Select(r => r is ErrorRecordMessage ? "error" : "output"), Is.EqualTo(new[] { "error", "error", "output", "output" }));
        Assert.That(host.Errors.Select(e => e.TargetName), Is.EqualTo(new[] { "Nope", "Nix" }));
        Assert.That(host.Outputs.Select(o => ((PsObject)o)["Name"].AsString()), Is.EqualTo(new[] { "Spooler", "WinRM" }));
    }

    [Test]
    public async Task Get_Location_and_PWD_are_the_users_Documents_folder_where_a_remote_session_starts()
    {
        var host = new RecordingHost { Runspace = new RunspaceState() };
        host.Environment["USERPROFILE"] = "C:\\Users\\psrp";

        var outcome = await Default.Resolve(Behaviour.Script("Get-Location; $PWD.Path; \"$PWD\\x.txt\"; (gl).Drive; (pwd).GetType().FullName; pwd | Out-String"))
            .RunTestAsync(host, new Microsoft.Extensions.Time.Testing.FakeTimeProvider());

        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "C:\\Users\\psrp\\Documents", "C:\\Users\\psrp\\Documents", "C:\\Users\\psrp\\Documents\\x.txt", "C",
            "System.Management.Automation.PathInfo", "\r\nPath                   \r\n----                   \r\nC:\\Users\\psrp\\Documents\r\n\r\n\r\n",
        }));
    }

    [TestCase("[System.Environment]::MachineName")]
    [TestCase("hostname.exe")]
    public async Task The_computer_name_answers_under_each_of_its_spellings(string script)
    {
        var host = new RecordingHost();
        host.Environment["COMPUTERNAME"] = "SERVER01";

        var outcome = await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new Microsoft.Extensions.Time.Testing.FakeTimeProvider());

        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "SERVER01" }));
    }

    [Test]
    public async Task Whoami_writes_the_logon_in_lower_case_as_whoami_exe_does()
    {
        var host = new RecordingHost();
        host.Environment["USERDOMAIN"] = "SERVER01";
        host.Environment["USERNAME"] = "PsrpUser";

        var outcome = await Default.Resolve(Behaviour.Script("whoami")).RunTestAsync(host, new Microsoft.Extensions.Time.Testing.FakeTimeProvider());

        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "server01\\psrpuser" }));
    }

    [TestCase("(Get-CimInstance Win32_OperatingSystem).Caption; (Get-CimInstance -ClassName 'Win32_OperatingSystem').BuildNumber", "Microsoft Windows Server 2019 Datacenter|17763")]
    [TestCase("(gwmi win32_operatingsystem).Version; (Get-WmiObject -Class Win32_OperatingSystem).GetType().Name", "10.0.17763|ManagementObject")]
    [TestCase("(Get-CimInstance Win32_ComputerSystem).Domain; (Get-CimInstance Win32_ComputerSystem).PartOfDomain; (Get-CimInstance Win32_ComputerSystem).GetType().FullName",
        "WORKGROUP|False|Microsoft.Management.Infrastructure.CimInstance")]
    // CIM's answers agree with WMI's class: the install date, the workgroup, nobody at the console.
    [TestCase("$os = Get-CimInstance Win32_OperatingSystem; $os.InstallDate -eq (gwmi Win32_OperatingSystem).ConvertToDateTime((gwmi Win32_OperatingSystem).InstallDate); $os.ProductType; $os.CurrentTimeZone.GetType().Name; " +
        "$cs = gcim Win32_ComputerSystem; $cs.Workgroup; $null -eq $cs.UserName; $cs.SystemType", "True|3|Int16|WORKGROUP|True|x64-based PC")]
    [TestCase("Get-CimInstance Win32_LogicalDisk | % { '{0} {1} {2} {3}' -f $_.DeviceID, $_.Size, ($_.Size -eq (Get-Volume C).Size), ($_.FreeSpace -eq (Get-PSDrive C).Free) }", "C: 16777216 True True")]
    [TestCase("gcim -ClassName Win32_LogicalDisk -Filter \"DriveType=3\" | % DeviceID; $before = (gwmi Win32_LogicalDisk -Filter \"DeviceID='C:'\").FreeSpace; Set-Content C:\\f.txt ('x' * 998); $before - (gcim Win32_LogicalDisk).FreeSpace", "C:|1000")]
    [TestCase("(Get-CimInstance Win32_LogicalDisk -Filter 'DriveType=5' | Measure-Object).Count; (Get-WmiObject Win32_LogicalDisk).GetType().Name; (gcim Win32_LogicalDisk).Size.GetType().Name", "0|ManagementObject|UInt64")]
    [TestCase("(Get-CimInstance Win32_OperatingSystem).FreePhysicalMemory.GetType().Name; (Get-CimInstance Win32_OperatingSystem).NumberOfProcesses.GetType().Name", "UInt64|UInt32")]
    [TestCase("Get-CimInstance Win32_Service -Filter \"Name='WinRM'\" | % { $_.StartMode + ' ' + $_.State + ' ' + $_.StartName }", "Auto Running NT AUTHORITY\\NetworkService")]
    [TestCase("gwmi Win32_Service -Filter \"StartMode='Disabled'\" | % Name; Get-CimInstance Win32_Service -Filter \"State = 'Stopped'\" | Where-Object Name -like 'W*' | % Name",
        "AppVClient|CscService|NetTcpPortSharing|RemoteAccess|SCardSvr|shpamsvc|Spooler|ssh-agent|tzautoupdate|UevAgentService|WSearch|XblAuthManager|XblGameSave|" +
        "WaaSMedicSvc|WalletService|WarpJITSvc|wbengine|WbioSrvc|WdiServiceHost|WdiSystemHost|Wecsvc|WEPHOSTSVC|wercplsupport|WerSvc|WiaRpc|wisvc|wlidsvc|wmiApSrv|WPDBusEnum|WSearch|wuauserv|wudfsvc")]
    [TestCase("(gcim Win32_Service).Count; (Get-WmiObject Win32_Service)[1].GetType().Name; (gcim Win32_Service -Filter \"Name='Nope'\" | Measure-Object).Count", "196|ManagementObject|0")]
    [TestCase("Get-Service | Where-Object { $_.StartType -eq 'Automatic' -and $_.Status -ne 'Running' } | % Name; (Get-Service Spooler).StartType", "MapsBroker|RemoteRegistry|sppsvc|Disabled")]
    [TestCase("(gcim Win32_LogicalDisk -Filter \"DriveType=5\" | Measure-Object).Count; (gcim Win32_LogicalDisk -Filter \"DeviceID='D:'\" | Measure-Object).Count", "0|0")]
    [TestCase("(Get-CimInstance Win32_Processor).LoadPercentage; (gcim Win32_Processor | Measure-Object -Property LoadPercentage -Average).Average; (Get-CimInstance Win32_Processor).NumberOfCores.GetType().Name", "3|3|UInt32")]
    [TestCase("(Get-CimInstance Win32_BIOS).SerialNumber; (gcim Win32_BIOS).ReleaseDate.Year; (gcim Win32_ComputerSystem).TotalPhysicalMemory / 1GB -as [int]", "0000-0011-2233-4455-6677-8899-00|2018|8")]
    [TestCase("(Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion').ProductName; gpv \"HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\" ReleaseId",
        "Windows Server 2019 Datacenter|1809")]
    [TestCase("$v = gp -Path 'Registry::HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion'; '{0}.{1}.{2}.{3}' -f $v.CurrentMajorVersionNumber, $v.CurrentMinorVersionNumber, $v.CurrentBuild, $v.UBR; $v.UBR.GetType().Name; $v.PSChildName",
        "10.0.17763.4974|Int32|CurrentVersion")]
    [TestCase("$r = (Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full').Release; $r; $r -ge 461808; $r -ge 528040; $r.GetType().Name",
        "528049|True|True|Int32")]
    // Get-Variable lists a real Server 2019 session's variables: the Maximum*Count limits, PSEmailServer, the remoting
    // names; $OFS is not one until set, whatever reading it gives.
    [TestCase("$n = Get-Variable | ForEach-Object Name; ('MaximumErrorCount', 'MaximumVariableCount', 'PSSessionApplicationName', 'PSEmailServer', 'OFS', 'PSModuleAutoLoadingPreference' | ForEach-Object { $n -contains $_ }) -join ','; [bool](Get-Variable OFS -ErrorAction Ignore)",
        "True,True,True,True,False,False|False")]
    [TestCase("(Get-ItemProperty HKLM:\\SOFTWARE\\Microsoft\\PowerShell\\3\\PowerShellEngine).PowerShellVersion; (gp HKLM:\\SOFTWARE\\Microsoft\\PowerShell\\3).Install; (Get-Item HKLM:\\SOFTWARE\\Microsoft\\PowerShell\\3\\PowerShellEngine).Property -join ','",
        "5.1.17763.1|1|ApplicationBase,ConsoleHostAssemblyName,ConsoleHostModuleName,PowerShellVersion,PSCompatibleVersion,PSPluginWkrModuleName,RuntimeVersion")]
    public async Task The_commonest_CIM_classes_answer_as_a_Windows_Server_2019(string script, string expected)
    {
        var (host, outcome) = await Default.RunScriptAsync(script);

        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed), () => string.Join("; ", host.Errors.Select(e => e.Message)));
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    /// <summary>
    /// A pending-reboot check as scripts write it (Test-PendingReboot's keys: Component Based Servicing's RebootPending,
    /// Windows Update's RebootRequired, PendingFileRenameOperations, the pending computer name): nothing is pending on a
    /// fresh server, until a WMI rename writes the new name where Windows keeps it for the restart.
    /// </summary>
    /// <summary>
    /// Rename-Computer writes the pending name as WMI's Rename does and warns that a restart is needed; -PassThru writes
    /// the change's info; a bad name and the running name are its non-terminating errors; -WhatIf changes nothing.
    /// </summary>
    [Test]
    public async Task Rename_Computer_sets_the_pending_name_and_warns_that_a_restart_is_needed()
    {
        const string pending = "(Get-ItemProperty 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\ComputerName\\ComputerName').ComputerName";
        var host = new RecordingHost { Runspace = new RunspaceState() };
        var outcome = await Default.Resolve(Behaviour.Script(
            "Rename-Computer -NewName web01 -WhatIf; " + pending + "; Rename-Computer -NewName 'web 01'; Rename-Computer testhost01; " +
            "$r = Rename-Computer -NewName web01 -Force -PassThru; \"$r\"; $r.OldComputerName; " + pending + "; $env:COMPUTERNAME")).RunTestAsync(host, new Microsoft.Extensions.Time.Testing.FakeTimeProvider());

        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "TESTHOST01", "True:web01:TESTHOST01", "TESTHOST01", "WEB01", "TESTHOST01" }));
        Assert.That(host.Records.OfType<WarningRecordMessage>().Select(w => w.Message), Is.EqualTo(new[] { "The changes will take effect after you restart the computer TESTHOST01." }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[]
        {
            "InvalidNewName,Microsoft.PowerShell.Commands.RenameComputerCommand", "NewNameIsOldName,Microsoft.PowerShell.Commands.RenameComputerCommand",
        }));
        Assert.That(host.Errors[1].Message, Is.EqualTo("Skip computer 'TESTHOST01' with new name 'testhost01' because the new name is the same as the current name."));
    }

    [Test]
    public async Task A_pending_reboot_check_finds_none_until_the_computer_is_renamed()
    {
        const string check = "$cbs = Test-Path 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending'; " +
            "$wu = Test-Path 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired'; " +
            "$pfro = $null -ne (Get-ItemProperty 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Session Manager' -Name PendingFileRenameOperations -ErrorAction SilentlyContinue); " +
            "$active = (Get-ItemProperty 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\ComputerName\\ActiveComputerName').ComputerName; " +
            "$pending = (Get-ItemProperty 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\ComputerName\\ComputerName').ComputerName; " +
            "'{0} {1} {2} {3} {4} {5}' -f $cbs, $wu, $pfro, $active, $pending, ($cbs -or $wu -or $pfro -or ($active -ne $pending)); ";
        var host = new RecordingHost { Runspace = new RunspaceState(), Wmi = new ComputerWmi(Default, "TESTHOST01", null, null, null) };
        var outcome = await Default.Resolve(Behaviour.Script(
            "(Get-Item 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing').PSChildName; " + check +
            "(Get-WmiObject Win32_ComputerSystem).Rename('web01').ReturnValue; " + check)).RunTestAsync(host, new Microsoft.Extensions.Time.Testing.FakeTimeProvider());

        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Component Based Servicing", "False False False TESTHOST01 TESTHOST01 False", "0", "False False False TESTHOST01 WEB01 True",
        }));
    }

    /// <summary>A fresh server's TLS and install-time keys, as hardening and inventory scripts read them.</summary>
    [Test]
    public async Task The_registry_has_a_fresh_servers_SCHANNEL_and_install_time_values()
    {
        var (host, outcome) = await Default.RunScriptAsync(
            "Get-ChildItem 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL' | % PSChildName; " +
            "Get-ChildItem 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols' -Recurse | % Name; " +
            "Test-Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server'; " +
            "$v = Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion'; (Get-Date '1970-01-01').AddSeconds($v.InstallDate).ToString('yyyy-MM-dd HH:mm'); $v.ProductId; " +
            "$v.ProductId -eq (Get-CimInstance Win32_OperatingSystem).SerialNumber; Test-Path HKLM:\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall");

        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Ciphers", "CipherSuites", "Hashes", "KeyExchangeAlgorithms", "Protocols",
            "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\SSL 2.0",
            "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\SSL 2.0\\Client",
            "False", "2026-01-12 09:41", "00430-00000-00000-AA000", "True", "True",
        }));
    }

    /// <summary>
    /// Microsoft's own .NET version snippet: the keys without a Release value are passed over by the pipeline stage's own
    /// -ErrorAction (the statement's belongs to its first command), and -ErrorAction Stop there ends the statement.
    /// </summary>
    [Test]
    public async Task A_pipeline_stages_own_error_action_applies_to_what_it_writes()
    {
        var (host, outcome) = await Default.RunScriptAsync(
            "Get-ChildItem 'HKLM:\\SOFTWARE\\Microsoft\\NET Framework Setup\\NDP' -Recurse | Get-ItemProperty -Name Release -ErrorAction SilentlyContinue | % { $_.PSChildName + ' ' + $_.Release }; " +
            "try { Get-ChildItem 'HKLM:\\SOFTWARE\\Microsoft\\NET Framework Setup\\NDP' | Get-ItemProperty -Name Release -ErrorAction Stop; 'not here' } catch { 'caught ' + $_.FullyQualifiedErrorId }");

        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Client 528049", "Full 528049", "caught System.Management.Automation.PSArgumentException,Microsoft.PowerShell.Commands.GetItemPropertyCommand" }));
    }

    [TestCase("Get-ChildItem C:\\ -Directory | % Name", "PerfLogs|Program Files|Program Files (x86)|Users|Windows")]
    [TestCase("gci 'C:\\' -File | % Name; dir C:\\ -ad | Measure-Object | % Count; ls -Path C:\\ -af | % Length", "setup.log|5|2048")]
    public async Task Get_ChildItem_of_the_system_drive_takes_Directory_and_File(string script, string expected)
    {
        var (host, outcome) = await Default.RunScriptAsync(script);

        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed), () => string.Join("; ", host.Errors.Select(e => e.Message)));
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [TestCase("Get-HotFix | Sort-Object InstalledOn -Descending | Select-Object -First 1 -ExpandProperty HotFixID", "KB5031361")]
    [TestCase("Get-HotFix -Id KB5031361 | % { $_.InstalledOn.ToString('yyyy-MM-dd') }; (Get-HotFix KB1, 'KB5005112').HotFixID", "2023-10-11|KB5005112")]
    [TestCase("(Get-WmiObject Win32_QuickFixEngineering).Count; (Get-HotFix)[1].Description; (Get-HotFix)[0].InstalledOn -is [datetime]", "4|Update|True")]
    public async Task Get_HotFix_lists_the_updates_of_a_patched_Windows_Server_2019(string script, string expected)
    {
        var (host, outcome) = await Default.RunScriptAsync(script);

        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed), () => string.Join("; ", host.Errors.Select(e => e.Message)));
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [Test]
    public async Task Get_HotFix_of_updates_the_computer_has_not_is_GetHotFixCommands_one_error()
    {
        var (host, outcome) = await Default.RunScriptAsync("Get-HotFix -Id KB1, KB2; if (-not (Get-HotFix KB3 -ErrorAction SilentlyContinue)) { 'missing' }");

        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Category, e.ExceptionType, e.Message)), Is.EqualTo(new[]
        {
            ("GetHotFixNoEntriesFound,Microsoft.PowerShell.Commands.GetHotFixCommand", ErrorCategory.ObjectNotFound, "System.ArgumentException",
                "Cannot find the requested hotfix on the 'localhost' computer. Verify the input and run the command again."),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "missing" }));
    }

    [TestCase("gwmi Win32_LogicalDisk -Filter 'Name NOT LIKE \"C%\"'", "The WQL query 'select * from Win32_LogicalDisk where Name NOT LIKE \"C%\"': 'Name NOT' is not emulated; give the command a rule (match: its whole text)")]
    public async Task A_WQL_condition_the_emulator_does_not_read_is_a_scenario_error_not_an_empty_answer(string script, string message)
    {
        var (host, outcome) = await Default.RunScriptAsync(script + "; 'next'");

        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[] { ("PsrpEmulator.ScenarioError", message) }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [Test]
    public async Task Get_Process_Id_answers_a_listed_process_or_GetProcessCommands_error()
    {
        var (host, outcome) = await Default.RunScriptAsync("Get-Process -Id 1868 | % Name; gps -Id 99999; 'next'");

        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "svchost", "next" }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Category, e.ExceptionType, e.Message)), Is.EqualTo(new[]
        {
            ("NoProcessFoundForGivenId,Microsoft.PowerShell.Commands.GetProcessCommand", ErrorCategory.ObjectNotFound,
                "Microsoft.PowerShell.Commands.ProcessCommandException", "Cannot find a process with the process identifier 99999."),
        }));
    }

    [Test]
    public async Task Throw_without_a_value_fails_the_pipeline_with_ScriptHalted()
    {
        var (_, outcome) = await Default.RunScriptAsync("throw");
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(outcome.OutcomeError(), Is.EqualTo(new ScriptedError("ScriptHalted", "ScriptHalted", ErrorCategory.OperationStopped, "System.Management.Automation.RuntimeException")));
    }

    [Test]
    public async Task Write_Error_and_throw_expand_variables_in_a_double_quoted_string()
    {
        var (host, outcome) = await Default.RunScriptAsync("$app = 'web'; Write-Error \"no $app\"");
        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(host.Errors.Single(), Is.EqualTo(new ScriptedError("no web", ScriptedError.WriteErrorId, ErrorCategory.NotSpecified, ScriptedError.WriteErrorId)));

        (host, outcome) = await Default.RunScriptAsync("$app = 'web'; throw \"$app is down\"");
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(outcome.OutcomeError(), Is.EqualTo(new ScriptedError("web is down", "web is down", ErrorCategory.OperationStopped, "System.Management.Automation.RuntimeException", "web is down")));
    }

    [Test]
    public async Task Get_Process_objects_carry_the_Process_type_names_and_adapted_properties()
    {
        var (host, _) = await Default.RunScriptAsync("Get-Process");
        var svchost = (PsObject)host.Outputs[15];
        Assert.That(svchost.TypeNames, Is.EqualTo(new[] { "System.Diagnostics.Process", "System.ComponentModel.Component", "System.MarshalByRefObject", "System.Object" }));
        Assert.That(svchost["Name"], Is.EqualTo(PsPrimitive.String("svchost")));
        Assert.That(svchost["Id"], Is.EqualTo(PsPrimitive.Int32(1868)));
        Assert.That(svchost["CPU"], Is.EqualTo(PsPrimitive.Double(25.13)));
        Assert.That(svchost.AdaptedProperties, Is.Not.Empty);
    }

    [Test]
    public async Task Get_WinEvent_reads_the_System_log_newest_first_with_its_record_numbers()
    {
        var (host, _) = await Default.RunScriptAsync("Get-WinEvent -LogName \"System\" -MaxEvents 3");
        Assert.That(host.Outputs.Select(o => ((PsObject)o)["Message"]!.ToDisplayString()), Is.EqualTo(new[]
        {
            "The Windows Remote Management (WS-Management) service entered the running state.", "The Event log service was started.",
            "Microsoft (R) Windows (R) 10.00. 17763  Multiprocessor Free.",
        }));
        Assert.That(host.Outputs.Select(o => ((PsObject)o)["RecordId"]), Is.EqualTo(new[] { PsPrimitive.Int64(3), PsPrimitive.Int64(2), PsPrimitive.Int64(1) }));
    }

    [TestCase("Get-Nothing")]
    public async Task Unrecognised_scripts_get_CommandNotFound(string command)
    {
        var (host, outcome) = await Default.RunScriptAsync(command);
        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("CommandNotFoundException"));
        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
    }

    [Test]
    public async Task An_unknown_command_in_a_ForEach_Object_body_fails_once_per_item_as_in_PowerShell()
    {
        var (host, outcome) = await Default.RunScriptAsync("1..3 | ForEach-Object { Get-Thing $_ }");
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.TargetName)), Is.EqualTo(Enumerable.Repeat(("CommandNotFoundException", (string?)"Get-Thing"), 3)));
        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
    }

    [Test]
    public async Task Single_Get_Process_command_matches_too()
    {
        var host = new RecordingHost();
        var outcome = await Default.Resolve(Behaviour.Commands("Get-Process")).RunTestAsync(host);
        // The four the rule lists, the six processes the running services run in and Windows' own twelve.
        Assert.That(host.Outputs, Has.Count.EqualTo(22));
        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
    }
}
