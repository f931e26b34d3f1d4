using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;
using Formatting = PsrpEmulator.Server.Behaviours.Formatting;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// Pipelines no rule answers whole: the first command's objects (here the default rules' Get-Service, Get-Process and
/// ranges) stream through ForEach-Object, Where-Object, Select-Object, Sort-Object, Measure-Object and Out-Null.
/// Expected values are what PowerShell prints for the same objects.
/// </summary>
public class PipelineCmdletTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static readonly Func<string, PsrpEmulator.Protocol.Clixml.PsValue?> Automatic = RecordingHost.ServerAutomaticVariables();

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string text)
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), Automatic = Automatic };
        var outcome = await Default.Resolve(Behaviour.Script(text)).RunTestAsync(host, new FakeTimeProvider());
        return (host, outcome);
    }

    private static async Task<string> OutputOfAsync(string text)
    {
        var (host, outcome) = await RunAsync(text);
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => $"'{text}' ended {outcome.State}");
        Assert.That(host.Errors, Is.Empty, () => $"'{text}' wrote {string.Join("; ", host.Errors.Select(e => e.Message))}");
        return string.Join("|", host.OutputTexts);
    }

    [TestCase("Get-Service EventLog, Spooler, WinRM | Where-Object { $_.Status -eq 'Running' } | ForEach-Object { $_.Name }", "EventLog|WinRM")]
    [TestCase("Get-Service EventLog, Spooler, WinRM | Where-Object Status -eq Running | Select-Object -First 1 -ExpandProperty Name", "EventLog")]
    [TestCase("Get-Service EventLog, Spooler, WinRM | ? Status -NE 'Running' | % Name", "Spooler")]
    [TestCase("Get-Service EventLog, Spooler, WinRM | Where-Object -Property Name -Like 'Win*' | ForEach-Object -MemberName DisplayName", "Windows Remote Management (WS-Management)")]
    [TestCase("Get-Process | Sort-Object CPU -Descending | Select-Object -First 2 -ExpandProperty Name", "System|svchost")]
    [TestCase("Get-Process | Sort-Object -Property Name | Select -Last 1 -Exp Id", "4242")]
    [TestCase("Get-Process -Id 0, 4, 1868, $PID | Measure-Object -Property Handles -Sum -Maximum | ForEach-Object { \"$($_.Count) $($_.Sum) $($_.Maximum)\" }", "4 4256 3125")]
    [TestCase("Get-Service EventLog, Spooler, WinRM | Measure-Object | ForEach-Object Count", "3")]
    [TestCase("Get-Service EventLog, Spooler, WinRM | Tee-Object -Variable all | Where-Object Status -eq Stopped | ForEach-Object Name; $all.Count; $all[0].Name", "Spooler|3|EventLog")]
    [TestCase("Get-ChildItem C:\\ | Where-Object { -not $_.PSIsContainer } | ForEach-Object { \"$($_.Name) $($_.Length)\" }", "setup.log 2048")]
    [TestCase("dir 'C:\\' | Measure-Object | ForEach-Object Count", "6")]
    [TestCase("1..5 | Where-Object { $_ % 2 } | ForEach-Object { $_ * 10 }", "10|30|50")]
    [TestCase("'b', 'a', 'c', 'a' | Sort-Object -Unique", "a|b|c")]
    [TestCase("3, 1, 2 | Sort-Object -Descending", "3|2|1")]
    // -Name:value in one word: a switch given $false (or 0) is off, another value on; another parameter takes the value.
    [TestCase("3, 1, 2 | Sort-Object -Descending:$false; 1, 2, 2 | Sort-Object -Unique:$true", "1|2|3|1|2")]
    [TestCase("'one', 'two' | Select-String -Pattern 'o$' -SimpleMatch:$false | ForEach-Object LineNumber; 1..5 | Select-Object -Last:2 -Skip:0", "2|4|5")]
    [TestCase("'ccc', 'a', 'bb' | Sort-Object { $_.Length } -Descending", "ccc|bb|a")]
    // Status is an enum, sorted by its number: Running (4) before Stopped (1) when descending.
    [TestCase("Get-Service EventLog, Spooler, WinRM | Sort-Object @{ Expression = 'Status'; Descending = $true }, Name | ForEach-Object Name", "EventLog|WinRM|Spooler")]
    [TestCase("Get-Service EventLog, Spooler, WinRM | Sort-Object Status, Name | ForEach-Object Name", "Spooler|EventLog|WinRM")]
    [TestCase("Get-Service EventLog, Spooler, WinRM | Where-Object Status -eq 'running' | ForEach-Object Name; Get-Service EventLog, Spooler, WinRM | Where-Object { $_.Status -eq 1 } | ForEach-Object Name", "EventLog|WinRM|Spooler")]
    [TestCase("1..10 | Select-Object -Skip 2 -First 3", "3|4|5")]
    [TestCase("1..10 | Select-Object -Last 2", "9|10")]
    // SelectObjectQueue: -Skip counts from the end with -Last alone; -First and -Last both write; -Unique after the
    // selection, at the end; $null is not taken (pwsh 7.6.9 and 5.1's SelectObjectCommand).
    [TestCase("1..10 | Select-Object -Skip 2 -Last 3", "6|7|8")]
    [TestCase("1..10 | Select-Object -Last 3 -Skip 9", "1")]
    [TestCase("1..10 | Select-Object -First 3 -Last 2", "1|2|3|9|10")]
    [TestCase("1..10 | Select-Object -First 2 -Skip 1 -Last 2", "2|3|9|10")]
    [TestCase("1, 1, 2 | Select-Object -Unique -First 2", "1")]
    [TestCase("1, 1, 2, 2, 3 | Select-Object -Unique -Last 2", "2|3")]
    [TestCase("$null, 1, $null | Select-Object; 'a' | Select-Object -First 0", "1")]
    [TestCase("$n = 0; 1..5 | Select-Object @{ n = 'x'; e = { $script:n++; $_ } } -Last 1 | % x; $n", "5|1")]
    [TestCase("5..1 | Select-Object -First 3 | Sort-Object | Select-Object -First 1; 'next'", "3|next")]
    [TestCase("1..3 | ForEach-Object { 10..15 | Select-Object -First 2 } | Select-Object -First 3; 'next'", "10|11|10|next")]
    [TestCase("Get-Service EventLog, Spooler, WinRM | Select-Object Name, Status | ForEach-Object { \"$($_.Name)=$($_.Status)\" }", "EventLog=Running|Spooler=Stopped|WinRM=Running")]
    [TestCase("1..3 | ForEach-Object -Begin { 'start' } -Process { $_ } -End { 'end' }", "start|1|2|3|end")]
    [TestCase("$running = Get-Service EventLog, Spooler, WinRM | Where-Object Status -eq 'Running'; $running.Count", "2")]
    [TestCase("Get-Service EventLog, Spooler, WinRM | Out-Null; 'after'", "after")]
    [TestCase("function Forever { while ($true) { 'tick' } }; Forever | Select-Object -First 2; 'done'", "tick|tick|done")]
    [TestCase("function Double { process { $_ * 2 } }; 1..3 | Double", "2|4|6")]
    [TestCase("function Total { begin { $sum = 0 } process { $sum += $_ } end { \"total $sum\" } }; 1..4 | Total; \"[$sum]\"", "total 10|[]")]
    [TestCase("Get-Process -Id 0, 4, 1868, $PID | Select-Object Name, @{ Name = 'Double'; Expression = { $_.Handles * 2 } } -First 2 | ForEach-Object { \"$($_.Name):$($_.Double)\" }", "Idle:0|svchost:1484")]
    [TestCase("Get-Service EventLog, Spooler, WinRM | Select-Object @{ n = 'Service'; e = 'Name' } | ForEach-Object Service", "EventLog|Spooler|WinRM")]
    [TestCase("Get-Service EventLog, Spooler, WinRM | Group-Object Status | ForEach-Object { \"$($_.Name)=$($_.Count)\" }", "Running=2|Stopped=1")]
    // The keys are the enum values, which a string does not find (PowerShell's gotcha); -AsString makes them strings.
    [TestCase("$byStatus = Get-Service EventLog, Spooler, WinRM | Group-Object -Property Status -AsHashTable -AsString; $byStatus['Stopped'].Name", "Spooler")]
    [TestCase("$byStatus = Get-Service EventLog, Spooler, WinRM | Group-Object -Property Status -AsHashTable; $byStatus['Stopped'] -eq $null; $byStatus.Count", "True|2")]
    [TestCase("'a', 'B', 'b', 'A', 'c' | Group-Object | ForEach-Object { \"$($_.Name)$($_.Count)\" }", "a2|B2|c1")]
    [TestCase("switch -Regex ('x') { 'y' { 'no' } default { 'fallback' } }", "fallback")]
    [TestCase("function Show { param([Parameter(ValueFromPipeline = $true)] $Item, $Suffix = '!') process { \"$Item$Suffix\" } }; 'a', 'b' | Show", "a!|b!")]
    [TestCase("function Show-Name { [CmdletBinding()] param([Parameter(Mandatory, ValueFromPipelineByPropertyName)] [string] $Name) process { \"svc $Name\" } }; Get-Service EventLog, Spooler, WinRM | Show-Name", "svc EventLog|svc Spooler|svc WinRM")]
    [TestCase("(1..6).Where({ $_ % 2 -eq 0 }) -join ','; (Get-Service EventLog, Spooler, WinRM).Where({ $_.Status -eq 'Stopped' }).Name; (1, 2).ForEach({ $_ * 3 }) -join ','", "2,4,6|Spooler|3,6")]
    [TestCase("filter Even { if ($_ % 2 -eq 0) { $_ } }; 1..6 | Even | ForEach-Object { $_ * 10 }", "20|40|60")]
    [TestCase("function Steps { begin { 'b' } process { 'p' } end { 'e' } }; Steps", "b|p|e")]
    [TestCase("function Count-All { $n = 0; foreach ($i in $input) { $n++ }; \"got $n\" }; Get-Service EventLog, Spooler, WinRM | Count-All", "got 3")]
    [TestCase("function Tag($Prefix) { process { \"$Prefix$_\" } }; 'a', 'b' | Tag -Prefix x- | Sort-Object -Descending", "x-b|x-a")]
    public async Task Objects_stream_through_the_pipeline_cmdlets(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [Test]
    public async Task A_pipeline_into_a_function_defined_by_an_earlier_pipeline_runs_it()
    {
        var host = new RecordingHost { Runspace = new RunspaceState() };
        var defined = await Default.Resolve(Behaviour.Script("function Shout { process { $_.ToUpper() } }")).RunTestAsync(host, new FakeTimeProvider());
        var outcome = await Default.Resolve(Behaviour.Script("'a', 'b' | Shout")).RunTestAsync(host, new FakeTimeProvider());

        Assert.That((defined.State, outcome.State), Is.EqualTo((PSInvocationState.Completed, PSInvocationState.Completed)));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "A", "B" }));
    }

    [Test]
    public async Task Unique_selection_and_grouping_keep_every_one_of_many_distinct_objects()
    {
        // 100,000 distinct keys (compared pairwise, as first written, these were 5e9 comparisons: minutes of a core).
        var (host, outcome) = await RunAsync("(1..100000 | Select-Object -Unique | Measure-Object).Count; (1..100000 | Group-Object | Measure-Object).Count");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "100000", "100000" }));
    }

    [Test]
    public async Task A_pipeline_sent_as_commands_with_parameters_runs_through_the_same_cmdlets()
    {
        // As pypsrp's add_cmdlet chain or PowerShell's GetPowerShell of a simple block sends it: commands, not a script.
        var pipeline = new CreatePipeline(
        [
            new PipelineCommand("Get-Service", IsScript: false, []),
            new PipelineCommand("Where-Object", IsScript: false, [new("FilterScript", Protocol.Clixml.PsPrimitive.ScriptBlock("$_.Status -eq 'Running' -and $_.Name -like 'W*'"))]),
            new PipelineCommand("Sort-Object", IsScript: false, [new("Property", Protocol.Clixml.PsPrimitive.String("Name")), new("Descending", Protocol.Clixml.PsPrimitive.Boolean(true))]),
            new PipelineCommand("Select-Object", IsScript: false, [new("ExpandProperty", Protocol.Clixml.PsPrimitive.String("Name"))]),
        ], NoInput: true);
        var host = new RecordingHost { Runspace = new RunspaceState() };

        var outcome = await Default.Resolve(pipeline).RunTestAsync(host, new FakeTimeProvider());

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "WpnService", "WinRM", "Winmgmt", "WinHttpAutoProxySvc", "WinDefend", "WdNisSvc", "Wcmsvc", "W32Time",
        }));
    }

    [Test]
    public async Task A_command_pipeline_whose_first_command_is_unknown_still_fails_as_PowerShell_s()
    {
        var pipeline = new CreatePipeline([new PipelineCommand("Get-Frob", IsScript: false, []), new PipelineCommand("Select-Object", IsScript: false, [])], NoInput: true);

        var outcome = await Default.Resolve(pipeline).RunTestAsync(new RecordingHost { Runspace = new RunspaceState() }, new FakeTimeProvider());

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(TestErrors.Read((Protocol.Clixml.PsObject)outcome.ErrorRecord!).FullyQualifiedErrorId, Is.EqualTo("CommandNotFoundException"));
    }

    [TestCase("Get-Process | Get-Frob -X 1", "Get-Frob")]
    [TestCase("Get-Service EventLog, Spooler, WinRM | Where-Object Status -eq Running | Get-Frob", "Get-Frob")]
    [TestCase("Get-ChildItem 'C:\\' | Frob", "Frob")]
    [TestCase("Write-Output 1 | Get-Frob", "Get-Frob")]
    [TestCase("echo 1 2 | Frob-It -Now", "Frob-It")]
    [TestCase("ConvertTo-Json 1 | Get-Frob", "Get-Frob")]
    [TestCase("Start-Sleep -Milliseconds $n | Get-Frob", "Get-Frob")]
    [TestCase("Write-Verbose 'v' | Get-Frob", "Get-Frob")]
    [TestCase("New-Object PSObject | Get-Frob", "Get-Frob")]
    public async Task A_script_pipeline_with_an_unknown_later_command_reports_that_command_not_found(string script, string unknown)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(host.OutputTexts, Is.Empty, "PowerShell finds every command before the pipeline runs");
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "CommandNotFoundException" }));
        Assert.That(host.Errors[0].Message, Does.StartWith($"The term '{unknown}' is not recognized"));
    }

    [TestCase("Get-Process | Out-GridView", "Out-GridView")]
    [TestCase("Get-ChildItem 'C:\\' | Format-Custom Name", "Format-Custom")]
    [TestCase("Get-Service EventLog, Spooler, WinRM | ogv -Title Services", "ogv")]
    public async Task A_script_pipeline_with_a_windows_command_not_emulated_says_so_by_its_name(string script, string command)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(host.OutputTexts, Is.Empty);
        Assert.That(host.Errors.Select(e => e.Message).Single(), Does.StartWith($"{command} is a command Windows has that the emulator does not emulate"));
    }

    [Test]
    public async Task Each_object_goes_through_every_stage_before_the_next_starts()
    {
        var (host, outcome) = await RunAsync("1..3 | ForEach-Object { Write-Warning \"a$_\"; $_ } | ForEach-Object { Write-Warning \"b$_\" }");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Records.OfType<WarningRecordMessage>().Select(w => w.Message), Is.EqualTo(new[] { "a1", "b1", "a2", "b2", "a3", "b3" }));
    }

    [TestCase("Get-Service EventLog, Spooler, WinRM | Select-Object -Frob 1", "NamedParameterNotFound,Microsoft.PowerShell.Commands.SelectObjectCommand", "A parameter cannot be found that matches parameter name 'Frob'.")]
    // The matches in the cmdlet's metadata's order (WhereObjectCommand declares EQ, CEQ, NE, CNE, GT, CGT, LT, CLT, GE, CGE...).
    [TestCase("Get-Service EventLog, Spooler, WinRM | Where-Object -C Name", "AmbiguousParameter,Microsoft.PowerShell.Commands.WhereObjectCommand", "Parameter cannot be processed because the parameter name 'C' is ambiguous. Possible matches include: -CEQ -CNE -CGT -CLT -CGE -CLE -CLike -CNotLike -CMatch -CNotMatch -Contains -CContains -CNotContains -CIn -CNotIn.")]
    [TestCase("Get-Service EventLog, Spooler, WinRM | Select-Object -ExpandProperty Frob", "ExpandPropertyNotFound,Microsoft.PowerShell.Commands.SelectObjectCommand", "Property \"Frob\" cannot be found.")]
    public async Task A_pipeline_cmdlet_s_binding_error_is_the_statement_s_and_the_script_goes_on(string statement, string id, string message)
    {
        var (host, outcome) = await RunAsync(statement + "; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)).First(), Is.EqualTo((id, message)));
        Assert.That(host.OutputTexts, Does.Contain("next"));
    }

    [Test]
    public async Task A_script_block_given_to_a_pipeline_cmdlet_is_parsed_with_the_script()
    {
        var (host, outcome) = await RunAsync("'before'; Get-Service EventLog, Spooler, WinRM | Where-Object { $_.Status -eq }");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(TestErrors.Read((Protocol.Clixml.PsObject)outcome.ErrorRecord!).FullyQualifiedErrorId, Is.EqualTo("ExpectedValueExpression"));
        Assert.That(host.Records, Is.Empty);
    }

    [Test]
    public async Task A_pipeline_whose_later_command_is_not_one_of_these_is_still_the_rules()
    {
        var (host, outcome) = await RunAsync("Get-Service EventLog, Spooler, WinRM | Format-Custom");

        // Format-Custom is Windows' (not emulated): the emulator's scenario error says so, as for any command it lacks.
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "PsrpEmulator.ScenarioError" }));
    }

    // Out-String and the Format cmdlets write what Windows PowerShell 5.1's Out-Default prints (see OutDefaultWriterTests),
    // at 120 columns: a remote session whose client sent no host has no console to measure.
    private static string Lines(params string[] lines) => string.Concat(lines.Select(l => l + "\r\n"));

    [Test]
    public async Task Out_String_writes_one_string_of_the_service_view_table()
    {
        var (host, outcome) = await RunAsync("Get-Service EventLog, Spooler, WinRM | Out-String");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            Lines(
                "",
                "Status   Name               DisplayName                           ",
                "------   ----               -----------                           ",
                "Running  EventLog           Windows Event Log                     ",
                "Stopped  Spooler            Print Spooler                         ",
                "Running  WinRM              Windows Remote Management (WS-Manag...",
                "",
                ""),
        }));
    }

    [Test]
    public async Task Out_String_Stream_writes_a_string_per_line_of_a_table_sized_by_its_values()
    {
        var output = await OutputOfAsync("Get-Service EventLog, Spooler, WinRM | Select-Object Name, Status | Out-String -Stream");

        // Status, an enum, aligns right (5.1 aligns numbers and enums right in a table without a view).
        Assert.That(output.Split('|'), Is.EqualTo(new[] { "", "Name      Status", "----      ------", "EventLog Running", "Spooler  Stopped", "WinRM    Running", "", "" }));
    }

    [Test]
    public async Task Process_ids_agree_between_Get_Process_PID_and_the_services_WMI_reports()
    {
        // The session's own process is the wsmprovhost Get-Process lists, and a service's ProcessId is a listed svchost:
        // scripts join them by id.
        Assert.That(await OutputOfAsync("(Get-Process | Where-Object Id -eq $PID).Name"), Is.EqualTo("wsmprovhost"));
        Assert.That(await OutputOfAsync("$p = (Get-CimInstance Win32_Service | Where-Object Name -eq 'WinRM').ProcessId; (Get-Process -Id $p).Name"), Is.EqualTo("svchost"));
        Assert.That(await OutputOfAsync("$p = (Get-WmiObject Win32_Service | Where-Object Name -eq 'EventLog').ProcessId; (Get-Process | Where-Object Id -eq $p).ProcessName"), Is.EqualTo("svchost"));
    }

    [Test]
    public async Task Format_Table_with_properties_and_a_calculated_column_writes_text_lines_numbers_aligned_right()
    {
        var output = await OutputOfAsync("Get-Process -Id 0, 4, 1868, $PID | Format-Table Name, Id, @{Label = 'WS(MB)'; Expression = { $_.WS / 1MB }} -AutoSize");

        Assert.That(output.Split('|'), Is.EqualTo(new[]
        {
            "",
            "Name          Id    WS(MB)",
            "----          --    ------",
            "Idle           0 0.0078125",
            "svchost     1868 19.484375",
            "System         4  0.140625",
            "wsmprovhost 4242        60",
            "",
            "",
        }));
    }

    [Test]
    public async Task Format_Table_GroupBy_starts_a_group_under_a_label_line_each_time_the_value_changes()
    {
        var output = await OutputOfAsync("Get-Service EventLog, Spooler, WinRM | Format-Table Name -GroupBy Status -AutoSize");

        // Not sorted: Running, Stopped, Running again, as PowerShell groups what comes; the columns keep their widths.
        Assert.That(output.Split('|'), Is.EqualTo(new[]
        {
            "", "", "   Status: Running", "", "Name    ", "----    ", "EventLog",
            "", "", "   Status: Stopped", "", "Name    ", "----    ", "Spooler ",
            "", "", "   Status: Running", "", "Name    ", "----    ", "WinRM   ",
            "", "",
        }));
    }

    [Test]
    public async Task Format_List_GroupBy_writes_each_groups_entries_under_its_label_line()
    {
        var output = await OutputOfAsync("Get-Service EventLog, Spooler, WinRM | Sort-Object Status | Format-List Name -GroupBy Status | Out-String");

        Assert.That(output, Is.EqualTo(Lines("", "", "   Status: Stopped", "", "Name : Spooler", "", "", "   Status: Running", "",
            "Name : EventLog", "", "Name : WinRM", "", "", "")));
    }

    [Test]
    public async Task Format_Table_of_files_keeps_the_views_directory_groups()
    {
        var output = await OutputOfAsync("Get-ChildItem C:\\ | Select-Object -First 1 | Format-Table");

        Assert.That(output.Split('|').Take(6), Is.EqualTo(new[] { "", "", "    Directory: C:\\", "", "", "Mode                LastWriteTime         Length Name".PadRight(120) }));
    }

    // Format-Wide at the default width of 120: two columns share it as ColumnWidthManager shares it (60 and 59, one
    // space apart), three 40, 39 and 39, five 24 and 23 each.
    [TestCase("Get-Service EventLog, Spooler, WinRM | Format-Wide", new[] { "EventLog", "Spooler", "WinRM", "" }, 2)]
    [TestCase("Get-Service EventLog, Spooler, WinRM | fw -Column 3", new[] { "EventLog", "Spooler", "WinRM" }, 3)]
    [TestCase("Get-Service EventLog, Spooler, WinRM | Format-Wide -Property DisplayName -AutoSize", new[] { "Windows Event Log", "Print Spooler", "Windows Remote Management (WS-Management)", "" }, 2)]
    [TestCase("Get-Service EventLog, Spooler, WinRM | Format-Wide Disp* -Column 5", new[] { "Windows Event Log", "Print Spooler", "Windows Remote Manag...", "", "" }, 5)]
    [TestCase("Get-Service EventLog, Spooler, WinRM | Format-Wide { $_.Name.ToUpper() } -Column 3", new[] { "EVENTLOG", "SPOOLER", "WINRM" }, 3)]
    [TestCase("'abc', 'de' | Format-Wide Length -Force", new[] { "3", "2" }, 2)]
    [TestCase("[pscustomobject]@{ Size = 1; ServerId = 'a1' }, [pscustomobject]@{ Size = 2; ServerId = 'b2' } | Format-Wide", new[] { "a1", "b2" }, 2)]
    public async Task Format_Wide_writes_one_property_of_each_object_side_by_side_in_equal_columns(string script, string[] items, int columns)
    {
        var output = await OutputOfAsync(script);

        var widths = Formatting.WideWriter.ColumnWidths(columns, 120);
        var rows = items.Chunk(columns).Select(row => string.Join(" ", row.Select((item, i) => item.PadRight(widths[i]))));
        Assert.That(widths.Sum() + columns - 1, Is.EqualTo(120));
        Assert.That(output.Split('|'), Is.EqualTo(new[] { "", "" }.Concat(rows).Concat(["", ""])));
    }

    [Test]
    public void Format_Wide_columns_share_the_width_as_ColumnWidthManager_does()
    {
        Assert.That(Formatting.WideWriter.ColumnWidths(2, 120), Is.EqualTo(new[] { 60, 59 }));
        Assert.That(Formatting.WideWriter.ColumnWidths(3, 120), Is.EqualTo(new[] { 40, 39, 39 }));
        Assert.That(Formatting.WideWriter.ColumnWidths(5, 120), Is.EqualTo(new[] { 24, 23, 23, 23, 23 }));
        // -AutoSize: as many of the widest item as fit with a space between (41 * 3 + 2 = 125 does not fit in 120).
        Assert.That(Formatting.WideWriter.BestItemsPerRow(41, 120), Is.EqualTo(2));
        Assert.That(Formatting.WideWriter.BestItemsPerRow(8, 120), Is.EqualTo(13));
        Assert.That(Formatting.WideWriter.BestItemsPerRow(130, 120), Is.EqualTo(1));
    }

    [Test]
    public async Task Format_Wide_of_files_keeps_the_views_directory_group_and_brackets_directories()
    {
        var output = await OutputOfAsync("Get-ChildItem C:\\ | Select-Object -First 2 | Format-Wide");

        Assert.That(output.Split('|'), Is.EqualTo(new[]
        {
            "", "", "    Directory: C:\\", "", "", "", "[PerfLogs]".PadRight(60) + " " + "[Program Files]".PadRight(59), "", "",
        }));
    }

    [TestCase("Get-Service EventLog, Spooler, WinRM | Format-Wide -AutoSize -Column 2", "FormatCannotSpecifyAutosizeAndColumns")]
    public async Task Format_Wide_says_what_it_does_not_emulate(string script, string reason)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(host.OutputTexts.Where(t => t.Length > 0), Is.Empty);
        var errors = host.Errors.Select(e => e.Message).ToList();
        if (outcome.ErrorRecord is PsrpEmulator.Protocol.Clixml.PsObject failure) errors.Add(TestErrors.Read(failure).Message);
        Assert.That(errors.Single(), Does.Contain(reason));
    }

    // A string, number, Boolean or enum is written as its text, a line each, whatever the properties named, unless
    // -Force (OutOfBandFormatViewManager's DefaultScalarTypes; pwsh 7.6.9 checked); a date, time span or GUID is an item.
    [TestCase("'abc', 'de' | Format-Wide", "abc|de")]
    [TestCase("'abc', 'de' | Format-Wide Length", "abc|de")]
    [TestCase("1..3 | fw -Column 3", "1|2|3")]
    [TestCase("'abc', 'de' | Format-Table Length", "abc|de")]
    [TestCase("'abc' | Format-List *", "abc")]
    [TestCase("5 | Format-Table @{ n = 'x'; e = { $_ * 2 } }", "5")]
    [TestCase("[DayOfWeek]::Monday, $true | Format-List", "Monday|True")]
    [TestCase("[pscustomobject]@{ a = 1 }, 'x' | Format-Table a", "|a|-|1|x||")]
    [TestCase("[datetime]'2020-01-01 13:14:15' | Format-Wide", "||1/1/2020 12:00:00 AM||")]
    [TestCase("[timespan]'1:00' | Format-Wide", "||36000000000||")]
    public async Task A_Format_cmdlet_writes_a_scalar_as_its_text(string script, string expected) =>
        Assert.That(string.Join("|", (await OutputOfAsync(script)).Split('|').Select(line => line.TrimEnd())), Is.EqualTo(expected));

    [TestCase("Get-Service EventLog, Spooler, WinRM | Select-Object { $_.Name.ToUpper() } | ForEach-Object { $_.' $_.Name.ToUpper() ' }", "EVENTLOG|SPOOLER|WINRM")]
    [TestCase("Get-Service WinRM | Select-Object Name, {$_.Status} | ForEach-Object { ($_.PSObject.Properties.Name -join ',') + ' ' + $_.'$_.Status' }", "Name,$_.Status Running")]
    public async Task Select_Object_of_a_script_block_alone_makes_a_property_named_by_its_text(string script, string expected)
    {
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));
    }

    [Test]
    public async Task Format_Wide_Column_below_one_is_a_parameter_validation_error()
    {
        var (host, _) = await RunAsync("Get-Service EventLog, Spooler, WinRM | Format-Wide -Column 0");

        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("ParameterArgumentValidationError,Microsoft.PowerShell.Commands.FormatWideCommand"));
    }

    [Test]
    public async Task Format_List_writes_each_object_as_labelled_lines()
    {
        var output = await OutputOfAsync("Get-Service WinRM | Format-List Name, Status | Out-String");

        Assert.That(output, Is.EqualTo(Lines("", "", "Name   : WinRM", "Status : Running", "", "", "")));
    }

    [Test]
    public async Task Format_List_without_properties_lists_each_objects_own()
    {
        var output = await OutputOfAsync("[pscustomobject]@{ a = 1 }, [pscustomobject]@{ bb = 2; c = 3 } | Format-List | Out-String");

        Assert.That(output, Is.EqualTo(Lines("", "", "a : 1", "", "bb : 2", "c  : 3", "", "", "")));
    }

    [Test]
    public async Task Out_String_of_strings_and_numbers_is_their_lines()
    {
        var output = await OutputOfAsync("'a', 'b', 42 | Out-String");

        Assert.That(output, Is.EqualTo("a\r\nb\r\n42\r\n"));
    }

    /// <summary>
    /// The idiom against truncation: Format-* feeding Out-String -Width (or Out-File -Width) is laid out at that width, as
    /// PowerShell's output command lays out the formatting objects (not at the console's 120).
    /// </summary>
    [Test]
    public async Task Format_Table_and_Format_List_feeding_Out_String_Width_are_laid_out_at_that_width()
    {
        var wide = await OutputOfAsync("[pscustomobject]@{ A = 'a' * 70; B = 'b' * 70 } | Format-Table -AutoSize | Out-String -Width 4096");
        var narrow = await OutputOfAsync("[pscustomobject]@{ A = 'a' * 70 } | Format-List | Out-String -Width 50");
        var file = await OutputOfAsync("[pscustomobject]@{ A = 'a' * 70; B = 'b' * 70 } | ft -AutoSize | Out-File C:\\w.txt -Width 300; (Get-Content C:\\w.txt)[3].Length");

        Assert.That(wide.Split("\r\n")[3], Is.EqualTo(new string('a', 70) + " " + new string('b', 70)));
        Assert.That(narrow.Split("\r\n")[2..4], Is.EqualTo(new[] { "A : " + new string('a', 46), "    " + new string('a', 24) }));
        Assert.That(file, Is.EqualTo("141"));
    }

    [Test]
    public async Task Out_String_Width_narrows_the_table_by_cutting_its_last_column()
    {
        var output = await OutputOfAsync("Get-Service Spooler | Out-String -Width 40");

        // 8 + 1 + 18 + 1 leaves 12 of DisplayName's 38 columns: "Print Spooler" is cut with dots.
        Assert.That(output, Is.EqualTo(Lines("", "Status   Name               DisplayName ", "------   ----               ----------- ", "Stopped  Spooler            Print Spo...", "", "")));
    }

    [Test]
    public async Task Out_String_Width_below_two_is_a_parameter_validation_error()
    {
        var (host, outcome) = await RunAsync("Get-Service EventLog, Spooler, WinRM | Out-String -Width 1; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "ParameterArgumentValidationError,Microsoft.PowerShell.Commands.OutStringCommand" }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [TestCase("'alpha', 'beta', 'gamma' | Select-String 'm' | ForEach-Object { \"$($_.LineNumber):$($_.Line):$($_.Pattern)\" }", "3:gamma:m")]
    [TestCase("'a.b', 'axb' | Select-String -SimpleMatch '.' | ForEach-Object Line", "a.b")]
    [TestCase("'Abc', 'abc' | Select-String -CaseSensitive 'abc' | ForEach-Object Line", "abc")]
    [TestCase("'Abc', 'abc' | sls 'ABC' | ForEach-Object Line", "Abc|abc")]
    [TestCase("'one', 'two' | Select-String -NotMatch 'one' | ForEach-Object Line", "two")]
    [TestCase("'x1y2' | Select-String '\\d' -AllMatches | ForEach-Object { $_.Matches.Count; $_.Matches[1].Value }", "2|2")]
    [TestCase("'Port=8080' | Select-String 'Port=(\\d+)' | ForEach-Object { $_.Matches[0].Groups[1].Value }", "8080")]
    [TestCase("'a', 'b' | Select-String 'z' -Quiet; 'a', 'b' | Select-String 'b' -Quiet", "False|True")]
    [TestCase("'x', 'y' | Select-String 'q', 'y' | ForEach-Object Pattern", "y")]
    public async Task Select_String_writes_a_match_info_per_matching_line(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    // -Context as pwsh 7.6 gives it (checked side by side): PreContext and PostContext every line around, the Display
    // ones each line once (a match takes over the lines after it), "> " the match and "  " its context in the text.
    [TestCase("1", "  a\n> B1\n  c;a;c;a;c|  d\n> B2;d;B3;d;|> B3\n  e;B2;e;;e")]
    [TestCase("0,1", "> B1\n  c;;c;;c|> B2;;B3;;|> B3\n  e;;e;;e")]
    [TestCase("2", "  a\n> B1\n  c\n  d;a;c d;a;c d|> B2;c d;B3 e;;|> B3\n  e\n  f;d B2;e f;;e f")]
    public async Task Select_String_Context_keeps_the_lines_around_each_match_and_shows_each_line_once(string context, string expected)
    {
        var output = await OutputOfAsync("'a','B1','c','d','B2','B3','e','f' | Select-String -CaseSensitive 'B' -Context " + context +
            " | % { $c = $_.Context; ($_.ToString() -replace \"`r\", ''), ($c.PreContext -join ' '), ($c.PostContext -join ' '), ($c.DisplayPreContext -join ' '), ($c.DisplayPostContext -join ' ') -join ';' }");

        Assert.That(output, Is.EqualTo(expected));
    }

    [Test]
    public async Task Select_String_output_prints_its_lines_between_blank_lines()
    {
        var output = await OutputOfAsync("'abc', 'xyz', 'bcd' | Select-String b | Out-String");

        Assert.That(output, Is.EqualTo(Lines("", "abc", "bcd", "", "")));
    }

    [Test]
    public async Task Select_String_with_a_pattern_that_is_not_a_regular_expression_is_the_statements_error()
    {
        var (host, outcome) = await RunAsync("'a' | Select-String '('; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "InvalidRegex,Microsoft.PowerShell.Commands.SelectStringCommand" }));
        Assert.That(host.Errors[0].Message, Does.StartWith("The string '(' is not a valid regular expression: "));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    // Windows PowerShell 5.1's CSV: a #TYPE line unless -NoTypeInformation, every field quoted but a $null one (which
    // EscapeAndAppendString leaves empty), values as their ToString, no empty line from ConvertTo-Csv.
    [TestCase("Get-Service EventLog, Spooler, WinRM | Select-Object Name, Status | ConvertTo-Csv -NoTypeInformation", "\"Name\",\"Status\"|\"EventLog\",\"Running\"|\"Spooler\",\"Stopped\"|\"WinRM\",\"Running\"")]
    [TestCase("Get-Service WinRM | Select-Object Name | ConvertTo-Csv", "#TYPE Selected.System.ServiceProcess.ServiceController|\"Name\"|\"WinRM\"")]
    [TestCase("[pscustomobject]@{ a = 'x\"y'; b = $null; c = 1, 2 } | ConvertTo-Csv -NoTypeInformation -Delimiter ';'", "\"a\";\"b\";\"c\"|\"x\"\"y\";;\"System.Object[]\"")]
    [TestCase("[pscustomobject]@{ a = $null }, [pscustomobject]@{ a = '' } | ConvertTo-Csv -NoTypeInformation", "\"a\"|\"\"")]
    [TestCase("5, 6 | ConvertTo-Csv", "#TYPE System.Int32")]
    [TestCase("[version]'1.2.3' | ConvertTo-Csv", "#TYPE System.Version|\"Major\",\"Minor\",\"Build\",\"Revision\",\"MajorRevision\",\"MinorRevision\"|\"1\",\"2\",\"3\",\"-1\",\"-1\",\"-1\"")]
    [TestCase("[timespan]'01:00:00' | ConvertTo-Csv", "#TYPE System.TimeSpan|\"Ticks\",\"Days\",\"Hours\",\"Milliseconds\",\"Minutes\",\"Seconds\",\"TotalDays\",\"TotalHours\",\"TotalMilliseconds\",\"TotalMinutes\",\"TotalSeconds\"|\"36000000000\",\"0\",\"1\",\"0\",\"0\",\"0\",\"0.0416666666666667\",\"1\",\"3600000\",\"60\",\"3600\"")]
    [TestCase("@{ a = 1 } | ConvertTo-Csv -NoTypeInformation", "\"IsReadOnly\",\"IsFixedSize\",\"IsSynchronized\",\"Keys\",\"Values\",\"SyncRoot\",\"Count\"|\"False\",\"False\",\"False\",\"System.Collections.Hashtable+KeyCollection\",\"System.Collections.Hashtable+ValueCollection\",\"System.Object\",\"1\"")]
    [TestCase("ConvertTo-Csv -InputObject (1, 2)", "#TYPE System.Object[]|\"Count\",\"Length\",\"LongLength\",\"Rank\",\"SyncRoot\",\"IsReadOnly\",\"IsFixedSize\",\"IsSynchronized\"|\"2\",\"2\",\"2\",\"1\",\"System.Object[]\",\"False\",\"True\",\"False\"")]
    [TestCase("(Get-Service WinRM).Status | ConvertTo-Csv", "#TYPE System.ServiceProcess.ServiceControllerStatus|\"value__\"|\"4\"")]
    [TestCase("Get-Date -Date '2024-01-02' | ConvertTo-Csv -NoTypeInformation | Select-Object -First 1", "\"DisplayHint\",\"DateTime\",\"Date\",\"Day\",\"DayOfWeek\",\"DayOfYear\",\"Hour\",\"Kind\",\"Millisecond\",\"Minute\",\"Month\",\"Second\",\"Ticks\",\"TimeOfDay\",\"Year\"")]
    [TestCase("Set-Content C:\\Windows\\Temp\\c.txt 'one'; Get-Content C:\\Windows\\Temp\\c.txt | ConvertTo-Csv -NoTypeInformation",
        "\"PSPath\",\"PSParentPath\",\"PSChildName\",\"PSDrive\",\"PSProvider\",\"ReadCount\",\"Length\"|\"C:\\Windows\\Temp\\c.txt\",\"C:\\Windows\\Temp\",\"c.txt\",\"C\",\"Microsoft.PowerShell.Core\\FileSystem\",\"1\",\"3\"")]
    [TestCase("5 | Export-Csv C:\\Windows\\Temp\\n.csv; (Get-Content C:\\Windows\\Temp\\n.csv) -join '/'", "#TYPE System.Int32//")]
    [TestCase("'\"a\",\"b\"', '\"1\",\"x,y\"' | ConvertFrom-Csv | ForEach-Object { \"$($_.a) $($_.b)\" }", "1 x,y")]
    [TestCase("Get-Process | Select-Object Name, Id | ConvertTo-Csv | ConvertFrom-Csv | Where-Object Id -eq 4 | ForEach-Object Name", "System")]
    [TestCase("'1,2', '3' | ConvertFrom-Csv -Header x, y | ForEach-Object { $_.x + $_.y; $null -eq $_.y }", "12|False|3|True")]
    public async Task Csv_is_written_and_read_as_windows_powershell_does(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    // GetUniqueCommand: only adjacent repeats go, compared case-sensitively as objects, as text (-AsString) or by type (-OnType).
    [TestCase("1, 1, 2, 1 | Get-Unique", "1|2|1")]
    [TestCase("'a', 'A', 'a', 'a' | Get-Unique", "a|A|a")]
    [TestCase("1, '1', 1 | Get-Unique -AsString", "1")]
    [TestCase("1, '1', 2.0, 3, 4 | gu -OnType", "1|1|2|3")]
    [TestCase("3, 1, 3, 2, 1 | Sort-Object | Get-Unique", "1|2|3")]
    [TestCase("(Get-Unique -InputObject (1, 1)).Count", "2")]
    public async Task Get_Unique_drops_an_object_equal_to_the_one_before_it(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [Test]
    public async Task Group_Object_output_prints_in_the_group_info_view()
    {
        var output = await OutputOfAsync("'a', 'bb', 'cc', 'd' | Group-Object Length | Out-String");

        // Count 5 and Name 25 wide; Group takes the rest of Out-String's 120 columns (no host console).
        Assert.That(output, Is.EqualTo(Lines(
            "",
            "Count Name                      Group".PadRight(120),
            "----- ----                      -----".PadRight(120),
            "    2 1                         {a, d}".PadRight(120),
            "    2 2                         {bb, cc}".PadRight(120),
            "",
            "")));
    }

    [Test]
    public async Task Wildcard_property_names_stand_for_the_properties_they_match()
    {
        Assert.That(await OutputOfAsync("Get-Service EventLog, Spooler, WinRM | Select-Object -Last 1 | Select-Object *Name | ConvertTo-Json -Compress"),
            Is.EqualTo("{\"Name\":\"WinRM\",\"DisplayName\":\"Windows Remote Management (WS-Management)\",\"MachineName\":\".\",\"ServiceName\":\"WinRM\"}"));
        Assert.That(await OutputOfAsync("Get-Service EventLog, Spooler, WinRM | Select-Object -Last 1 | Format-List Disp*, Stat? | Out-String"), Is.EqualTo(Lines("", "", "DisplayName : Windows Remote Management (WS-Management)", "", "", "")));
        Assert.That(await OutputOfAsync("Get-Service EventLog, Spooler, WinRM | Select-Object -Last 1 | Format-List Disp*, Stat* | Out-String"),
            Is.EqualTo(Lines("", "", "DisplayName : Windows Remote Management (WS-Management)", "Status      : Running", "", "", "")));
    }

    [TestCase("1, 2, 3, 4, 5, 6 | Group-Object { $_ % 2 } | ForEach-Object { \"$($_.Name):$($_.Count)\" }", "1:3|0:3")]
    [TestCase("'a', 'bb', 'cc' | Group-Object @{ e = { $_.Length } } -NoElement | ForEach-Object { \"$($_.Name)=$($_.Count)\" }", "1=1|2=2")]
    [TestCase("$g = Get-Process | Group-Object { $_.SI -eq 0 } -AsHashTable -AsString; $g['True'].Count", "17")]
    public async Task Group_Object_groups_by_script_blocks_too(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [Test]
    public async Task A_calculated_column_s_Width_stands_beside_columns_sized_by_their_values()
    {
        var output = await OutputOfAsync("1..2 | % { [pscustomobject]@{ Id = $_; Sq = $_ * $_ } } | Format-Table Id, @{ Label = 'Square'; Expression = { $_.Sq }; Align = 'Right'; Width = 10 } | Out-String");

        Assert.That(output.Split("\r\n").Where(l => l.Length > 0), Is.EqualTo(new[] { "Id     Square", "--     ------", " 1          1", " 2          4" }));
    }

    [Test]
    public async Task Select_Object_of_Count_or_Length_an_object_has_not_is_empty_not_the_intrinsic_one() =>
        Assert.That(await OutputOfAsync(
            "$s = [pscustomobject]@{ a = 1 } | Select-Object a, Length, Count; $null -eq $s.Length; $null -eq $s.Count; ([pscustomobject]@{ a = 1 }).Count; ('abc' | Select-Object Length).Length"),
            Is.EqualTo("True|True|1|3"));

    // PSPropertyExpression looks among a number's properties: Int32 has neither, whatever (5).Count says.
    [Test]
    public async Task Select_Object_of_a_numbers_Count_or_Length_is_empty_and_Measure_Object_finds_no_such_property()
    {
        var (host, _) = await RunAsync(
            "$s = 5 | Select-Object Length, Count; $null -eq $s.Length; $null -eq $s.Count; (5).Count; 1, 22 | Sort-Object Length -Descending | Select-Object -First 1; 1..3 | Measure-Object -Property Length | % Count");

        // The property no object has is reported instead of its count.
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True", "True", "1", "1" }));
        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { "The property \"Length\" cannot be found in the input for any objects." }));
    }

    [Test]
    public async Task ConvertTo_Html_writes_the_page_a_line_at_a_time_with_the_objects_as_a_table_or_a_list()
    {
        var page = await OutputOfAsync("$o = 1..2 | % { [pscustomobject]@{ Id = $_; Name = \"<b>$_</b>\" } }; $o | ConvertTo-Html -Title Report -PreContent '<h1>Hi</h1>' -PostContent done");
        var fragment = await OutputOfAsync("$o = 1..2 | % { [pscustomobject]@{ Id = $_; Sq = $_ * $_ } }; $o | ConvertTo-Html -Property Id, @{ Label = 'Double'; Expression = { $_.Id * 2 } } -Fragment");
        var list = await OutputOfAsync("1..2 | % { [pscustomobject]@{ Id = $_ } } | ConvertTo-Html -As List -Fragment; 'a', 'bb' | ConvertTo-Html -Fragment | Select-Object -Skip 2");

        Assert.That(page, Is.EqualTo(string.Join("|",
            "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\"  \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">", "<html xmlns=\"http://www.w3.org/1999/xhtml\">", "<head>",
            "<title>Report</title>", "</head><body>", "<h1>Hi</h1>", "<table>", "<colgroup><col/><col/></colgroup>", "<tr><th>Id</th><th>Name</th></tr>",
            "<tr><td>1</td><td>&lt;b&gt;1&lt;/b&gt;</td></tr>", "<tr><td>2</td><td>&lt;b&gt;2&lt;/b&gt;</td></tr>", "</table>", "done", "</body></html>")));
        Assert.That(fragment, Is.EqualTo("<table>|<colgroup><col/><col/></colgroup>|<tr><th>Id</th><th>Double</th></tr>|<tr><td>1</td><td>2</td></tr>|<tr><td>2</td><td>4</td></tr>|</table>"));
        Assert.That(list, Is.EqualTo("<table>|<tr><td>Id:</td><td>1</td></tr>|<tr><td><hr></td></tr>|<tr><td>Id:</td><td>2</td></tr>|</table>|<tr><th>Length</th></tr>|<tr><td>1</td></tr>|<tr><td>2</td></tr>|</table>"));
    }

    [Test]
    public async Task Format_Table_columns_take_width_alignment_and_format_string()
    {
        var output = await OutputOfAsync("Get-Process -Id 0, 4, 1868, $PID | Format-Table @{ Label = 'Name'; Expression = { $_.Name }; Width = 12 }, @{ Label = 'CPU'; Expression = { $_.CPU }; FormatString = 'N1'; Alignment = 'Right'; Width = 8 } | Out-String");

        Assert.That(output, Is.EqualTo(Lines(
            "",
            "Name              CPU",
            "----              ---",
            "Idle              0.0",
            "svchost          25.1",
            "System          812.5",
            "wsmprovhost       1.2",
            "",
            "")));
    }

    // Without an Alignment a column takes its first object's (a number's right), and a script block without a name is
    // its label as written, blanks and all (pwsh 7.6.9 side by side).
    [Test]
    public async Task Format_Table_columns_of_a_width_align_as_their_first_value_and_an_unnamed_block_is_its_label()
    {
        var output = await OutputOfAsync("[pscustomobject]@{ a = 1; s = 'x' } | Format-Table @{ e = 'a'; Width = 6 }, @{ e = { $_.a }; Width = 8 }, @{ e = 's'; Width = 3 } | Out-String");

        Assert.That(output, Is.EqualTo(Lines(
            "",
            "     a    $_.a  s  ",
            "     -   ------ -  ",
            "     1        1 x  ",
            "",
            "")));
    }

    [TestCase("Get-Process | Format-Table @{ e = 'Name'; Width = 0 }", "DictionaryKeyIllegalValue,Microsoft.PowerShell.Commands.FormatTableCommand")]
    [TestCase("Get-Process | Format-Table @{ e = 'Name'; Align = 'Up' }", "DictionaryKeyIllegalValue,Microsoft.PowerShell.Commands.FormatTableCommand")]
    [TestCase("Get-Process | Select-Object @{ e = 'Name'; Width = 5 }", "DictionaryKeyUnknownType,Microsoft.PowerShell.Commands.SelectObjectCommand")]
    [TestCase("Get-Process | Format-List @{ e = 'Name'; Width = 5 }", "DictionaryKeyUnknownType,Microsoft.PowerShell.Commands.FormatListCommand")]
    public async Task Calculated_property_keys_a_cmdlet_does_not_take_are_its_errors(string script, string id)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { id }));
    }

    [TestCase("", "{1, 2, 3, 4...}")]
    [TestCase("$FormatEnumerationLimit = 2; ", "{1, 2...}")]
    [TestCase("$FormatEnumerationLimit = -1; ", "{1, 2, 3, 4, 5, 6}")]
    [TestCase("$FormatEnumerationLimit = 0; ", "{...}")]
    [TestCase("$FormatEnumerationLimit = 6; ", "{1, 2, 3, 4, 5, 6}")]
    [TestCase("$FormatEnumerationLimit = '1'; ", "{1, 2, 3, 4...}")]
    public async Task FormatEnumerationLimit_decides_how_many_items_a_cell_shows(string setting, string cell)
    {
        var table = await OutputOfAsync(setting + "[pscustomobject]@{ a = 1..6 } | Format-Table | Out-String");
        var list = await OutputOfAsync(setting + "[pscustomobject]@{ a = 1..6 } | Format-List | Out-String -Stream | Where-Object { $_ }");
        var text = await OutputOfAsync(setting + "[pscustomobject]@{ a = 1..6 } | Out-String");

        Assert.That(table, Does.Contain(cell), "Format-Table");
        Assert.That(list, Is.EqualTo("a : " + cell), "Format-List");
        Assert.That(text, Does.Contain(cell), "Out-String");
    }

    [TestCase("$a = 1, 2, 3; \"$a\"", "1 2 3")]
    [TestCase("$OFS = '-'; $a = 1, 2, 3; \"$a\"", "1-2-3")]
    [TestCase("$OFS = '-'; \"[$(1, 2, 3)]\"", "[1-2-3]")]
    [TestCase("$OFS = ''; $a = 'a', 'b'; \"$a\"", "ab")]
    [TestCase("$OFS = $null; $a = 1, 2; \"$a\"", "1 2")]
    [TestCase("$OFS = '-'; $a = 1, 2; $a -join '+'", "1+2")]
    [TestCase("$OFS = '-'; $a = 1, 2; [string]$a", "1-2")]
    [TestCase("$a = 1, 2; [string]$a; [string](3, 4)", "1 2|3 4")]
    [TestCase("$OFS = '-'; $a = 1, 2; 'x' + $a; $s = 'y'; $s += $a; $s", "x1-2|y1-2")]
    [TestCase("$OFS = '-'; $a = 1, 2; ($a + 'z') -join ','", "1,2,z")]
    public async Task OFS_joins_an_array_s_items_where_a_string_takes_it(string script, string expected)
    {
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));
    }

    /// <summary>5.1's list views: Get-Service | Format-List shows nine properties, Get-Process | Format-List five; -Property * all of them.</summary>
    [Test]
    public async Task Format_List_of_services_and_processes_is_their_list_views()
    {
        var (host, _) = await RunAsync("Get-Service WinRM | Format-List | Out-String; (Get-Service WinRM | Format-List * | Out-String) -split \"`r`n\" | Where-Object { $_ } | Measure-Object | ForEach-Object Count; Get-Process -Id 4 | Format-List | Out-String; 'WinRM' | Get-Service | ForEach-Object Status");

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts[0], Is.EqualTo("\r\n\r\nName                : WinRM\r\nDisplayName         : Windows Remote Management (WS-Management)\r\nStatus              : Running\r\n" +
            "DependentServices   : {}\r\nServicesDependedOn  : {RPCSS, HTTP}\r\nCanPauseAndContinue : False\r\nCanShutdown         : True\r\nCanStop             : True\r\n" +
            "ServiceType         : Win32ShareProcess\r\n\r\n\r\n\r\n"));
        Assert.That(int.Parse(host.OutputTexts[1], System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThan(9));
        Assert.That(host.OutputTexts[2], Is.EqualTo("\r\n\r\nId      : 4\r\nHandles : 3125\r\nCPU     : 812.5\r\nSI      : 0\r\nName    : System\r\n\r\n\r\n\r\n"));
        Assert.That(host.OutputTexts[3], Is.EqualTo("Running"));
    }

    /// <summary>The top-memory one-liner: processes sorted and summed by their .NET WorkingSet64 (WS's value).</summary>
    [Test]
    public async Task Processes_have_the_dotnet_memory_properties_their_aliases_show()
    {
        var (host, _) = await RunAsync("Get-Process | Sort-Object WorkingSet64 -Descending | Select-Object -First 1 | ForEach-Object { \"$($_.Name) $($_.WorkingSet64 -eq $_.WS) $($_.HandleCount -eq $_.Handles) $($_.PrivateMemorySize64.GetType().Name)\" }; (Get-Process -Id 0, 4, 1868, $PID | Measure-Object WorkingSet64 -Sum).Sum");

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "wsmprovhost True True Int64", "83501056" }));
    }

    /// <summary>
    /// A statement-terminating error of a pipeline's first command (its parameter binding, an expression's exception)
    /// ends the pipeline: no later command ends, so Measure-Object writes no count; the script goes on. A statement the
    /// first command runs (a script block's, a ForEach-Object block's downstream) failing does not, nor does a
    /// non-terminating error.
    /// </summary>
    [TestCase("Get-Item C:\\Windows -Foo | Measure-Object | % Count; 'next'", 1, "next")]
    [TestCase("Get-Service -Name | Measure-Object | % Count; 'next'", 1, "next")]
    [TestCase("[int]::Parse('x') | Measure-Object | % Count; 'next'", 1, "next")]
    [TestCase("Get-Date -Date nope | Sort-Object | Measure-Object | % Count; 'next'", 1, "next")]
    [TestCase("& { Get-Date -Date nope; 5 } | Measure-Object | % Count", 1, "1")]
    [TestCase("Get-Service WinRM, BITS | % { Get-Date -Date nope; $_.Name } | Measure-Object | % Count", 2, "2")]
    [TestCase("Get-ChildItem C:\\nope | Measure-Object | % Count", 1, "0")]
    [TestCase("1..3 | Select-Object -First | Measure-Object | % Count; 'next'", 1, "next")]
    public async Task A_first_command_s_terminating_error_ends_the_pipeline(string script, int errors, string outputs)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(host.Errors, Has.Count.EqualTo(errors));
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(outputs));
    }

    /// <summary>
    /// A pipeline inside an expression (parentheses, an assignment's right side, a condition, a foreach's collection)
    /// that fails as a statement ends the statement around it, which writes the error once: no .Count of nothing, no
    /// half-built string, no assignment. $( ) and @( ) hold statements of their own, which write their error and go on;
    /// so does a script block's statement.
    /// </summary>
    [TestCase("(Get-Item -Foo).Count; 'after'", "after")]
    [TestCase("'n=' + (Get-Date -Date nope); 'after'", "after")]
    [TestCase("$a = 5; $a = (Get-Item -Foo); \"after $a\"", "after 5")]
    [TestCase("$a = 5; $a = Get-Item -Foo; \"after $a\"", "after 5")]
    [TestCase("((Get-Date -Date nope)); 'after'", "after")]
    [TestCase("foreach ($i in Get-Item -Foo) { 'i' }; 'after'", "after")]
    [TestCase("if (Get-Item -Foo) { 'yes' } else { 'no' }; 'after'", "after")]
    [TestCase("\"x: $(Get-Date -Date nope)\"; 'after'", "x: |after")]
    [TestCase("@(Get-Item -Foo).Count; 'after'", "0|after")]
    [TestCase("$x = & { Get-Date -Date nope; 5 }; \"x=$x\"", "x=5")]
    [TestCase("$a = 5; $a = Get-ChildItem C:\\nope; \"after [$a]\"", "after []")]
    public async Task A_pipeline_failing_inside_an_expression_ends_the_statement_around_it(string script, string outputs)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(host.Errors, Has.Count.EqualTo(1));
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(outputs));
    }

    [Test]
    public async Task A_pipeline_failing_inside_an_expression_under_try_goes_to_the_catch_with_its_own_error()
    {
        var (host, _) = await RunAsync("try { (Get-Item -Foo).Count; 'not here' } catch { \"caught $($_.FullyQualifiedErrorId)\" }");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "caught NamedParameterNotFound,Microsoft.PowerShell.Commands.GetItemCommand" }));
    }

    // -InputObject with nothing piped in: the value is one object, not enumerated (the cmdlets' ProcessRecord gets it so).
    [TestCase("Measure-Object -InputObject (1..10) | ForEach-Object Count", "1")]
    [TestCase("(Measure-Object -InputObject 'abc' -Character).Characters", "3")]
    [TestCase("Sort-Object -InputObject (3, 1, 2) | ForEach-Object { $_ -join ',' }; @(Sort-Object -InputObject (3, 1, 2)).Count", "3,1,2|1")]
    [TestCase("ForEach-Object -InputObject (1..3) { $_.Count }; ForEach-Object -InputObject 5 -Begin { 'b' } -Process { $_ * 2 } -End { 'e' }", "3|b|10|e")]
    [TestCase("Select-Object -InputObject (1..3) -First 1 | ForEach-Object Count; (Select-Object -InputObject ([pscustomobject]@{ a = 1; b = 2 }) -Property b).b", "3|2")]
    [TestCase("Where-Object -InputObject (1..3) { $_.Count -eq 3 } | ForEach-Object { $_ -join ',' }; Where-Object -InputObject 5 { $_ -gt 9 }; 'end'", "1,2,3|end")]
    [TestCase("$g = Group-Object -InputObject (1, 1, 2); $g.Count; $g.Name", "1|1 1 2")]
    public async Task An_object_cmdlet_given_InputObject_takes_the_value_as_one_object(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    // The formatting cmdlets and ConvertFrom-Csv take an -InputObject collection's elements; ConvertTo-Html, ConvertTo-Csv
    // and Tee-Object take the value as one object, as a first command as in a pipeline's first stage.
    [TestCase("Out-String -InputObject (1, 2)", "1\r\n2\r\n")]
    [TestCase("(Format-Table -InputObject ([pscustomobject]@{ a = 1 }) | Out-String).Trim()", "a\r\n-\r\n1")]
    [TestCase("(Format-List -InputObject ([pscustomobject]@{ a = 1 }, [pscustomobject]@{ a = 2 }) | Out-String).Trim()", "a : 1\r\n\r\na : 2")]
    [TestCase("ConvertTo-Csv -InputObject ([pscustomobject]@{ a = 1 }) -NoTypeInformation", "\"a\"|\"1\"")]
    [TestCase("ConvertTo-Html -InputObject ([pscustomobject]@{ a = 1 }) -Fragment", "<table>|<colgroup><col/></colgroup>|<tr><th>a</th></tr>|<tr><td>1</td></tr>|</table>")]
    [TestCase("ConvertFrom-Csv -InputObject 'a', '1', '2' | ForEach-Object a", "1|2")]
    [TestCase("Tee-Object -InputObject (1, 2) -Variable t | ForEach-Object Count; $t.Count", "2|2")]
    public async Task A_formatting_or_conversion_cmdlet_given_InputObject_runs_as_the_first_command(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    // A pipeline's first command with nothing to take: ProcessRecord runs once with AutomationNull, which ForEach-Object
    // runs its blocks with ($_ null, a member name writes null) and the others skip.
    [TestCase("Get-Unique; gu; Sort-Object; sort -Descending; Select-Object -First 1; Where-Object { $true }; Group-Object; Format-Table; 'end'", "end")]
    [TestCase("$m = Measure-Object; $m.Count; $null -eq $m.Sum", "0|True")]
    [TestCase("ForEach-Object { \"once:$($null -eq $_)\" }", "once:True")]
    [TestCase("% -Begin { 'b' } -Process { 'p' } -End { 'e' }", "b|p|e")]
    [TestCase("@(ForEach-Object Name).Count; $r = ForEach-Object Name; $null -eq $r", "1|True")]
    [TestCase("Tee-Object -Variable t; $t.Count; 'end'", "0|end")]
    public async Task An_object_cmdlet_alone_runs_on_no_object(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("ConvertTo-Csv", "Microsoft.PowerShell.Commands.ConvertToCsvCommand")]
    [TestCase("ConvertFrom-Csv", "Microsoft.PowerShell.Commands.ConvertFromCsvCommand")]
    public async Task A_csv_cmdlet_alone_misses_its_mandatory_InputObject(string script, string command)
    {
        var (host, outcome) = await RunAsync(script + "; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        var error = host.Records.OfType<ErrorRecordMessage>().Single().Record;
        Assert.That(error["FullyQualifiedErrorId"].AsString(), Is.EqualTo("MissingMandatoryParameter," + command));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [Test]
    public async Task Measure_Object_sums_an_InputObject_array_as_one_non_numeric_object()
    {
        var (host, _) = await RunAsync("$m = Measure-Object -InputObject (1..10) -Sum; $m.Count; $null -eq $m.Sum");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "1", "True" }));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[]
        {
            ("Input object \"System.Object[]\" is not numeric.", "NonNumericInputObject,Microsoft.PowerShell.Commands.MeasureObjectCommand"),
        }));
    }
}
