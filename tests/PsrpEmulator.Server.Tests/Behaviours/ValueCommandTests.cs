using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// New-Object, Join-Path, Split-Path and New-TimeSpan: cmdlets that make a value from their arguments alone, as Windows
/// PowerShell 5.1's do on a server (paths with backslashes; the drives a server has).
/// </summary>
public class ValueCommandTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string text)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 30, 0, TimeSpan.Zero));
        var host = new RecordingHost { Runspace = new RunspaceState(time) };
        var create = new CreatePipeline([new PipelineCommand(text, IsScript: true, [])], NoInput: true);
        var outcome = await Default.Resolve(create).RunTestAsync(host, time);
        return (host, outcome);
    }

    private static async Task<string> OutputOfAsync(string text)
    {
        var (host, outcome) = await RunAsync(text);
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => $"'{text}' ended {outcome.State}: {outcome.ErrorRecord?.ToDisplayString()}");
        Assert.That(host.Errors, Is.Empty, () => $"'{text}' wrote {string.Join("; ", host.Errors.Select(e => e.Message))}");
        return string.Join("|", host.OutputTexts);
    }

    /// <summary>
    /// Measure-Command runs its block in the script's scope with the output dropped and gives the time on the session's
    /// clock (a clock nobody moves here: zero); Get-Host is $Host.
    /// </summary>
    [TestCase("$t = Measure-Command { 'dropped'; $x = 5 }; $t.GetType().FullName; $t.Ticks; $x", "System.TimeSpan|0|5")]
    [TestCase("Measure-Command -Expression { 1..3 } | ForEach-Object { $_.TotalSeconds }", "0")]
    [TestCase("$b = { 'x' }; (Measure-Command $b).TotalMilliseconds", "0")]
    public async Task Measure_command_and_get_host_give_their_values(string script, string expected)
    {
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));
    }

    [Test]
    public async Task Get_host_is_the_sessions_host()
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), Automatic = RecordingHost.ServerAutomaticVariables() };
        var create = new CreatePipeline([new PipelineCommand("(Get-Host).Name; (Get-Host).InstanceId -eq $Host.InstanceId", IsScript: true, [])], NoInput: true);
        await Default.Resolve(create).RunTestAsync(host, new FakeTimeProvider());

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "ServerRemoteHost", "True" }));
    }

    [Test]
    public async Task Measure_command_writes_its_blocks_errors()
    {
        var (host, outcome) = await RunAsync("(Measure-Command { Write-Error 'inside' }).Ticks");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { "inside" }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "0" }));
    }

    // Expected orders are CompareObjectCommand's (Windows PowerShell 5.1): difference-only objects held back are written
    // at the end before reference-only ones; a match as it is found.
    private const string Sides = " | ForEach-Object { \"$($_.InputObject)$($_.SideIndicator)\" }";

    [TestCase("Compare-Object @(1,2,3) @(2,3,4)" + Sides, "4=>|1<=")]
    [TestCase("Compare-Object -ReferenceObject 'a','b' -DifferenceObject 'B','c' -IncludeEqual" + Sides, "b==|c=>|a<=")]
    [TestCase("Compare-Object 'a','b' 'B','c' -CaseSensitive" + Sides, "B=>|c=>|a<=|b<=")]
    [TestCase("'b','c' | Compare-Object 'a','b'" + Sides, "c=>|a<=")]
    [TestCase("Compare-Object 1,2,3 3,2,1 -SyncWindow 0" + Sides, "3=>|1<=|1=>|3<=")]
    [TestCase("Compare-Object 1,2,3 3,2,1" + Sides, "")]
    [TestCase("Compare-Object @() 1,2" + Sides + "; Compare-Object 1 @()" + Sides, "1=>|2=>|1<=")]
    [TestCase("(Compare-Object 1,2 1,2).Count; (Compare-Object 1,2 1,3 -ExcludeDifferent).Count; (Compare-Object 1,2 1,3 -ExcludeDifferent -IncludeEqual).InputObject", "0|0|1")]
    [TestCase("(Compare-Object '1' 1).Count; (Compare-Object 1 '01').Count", "0|0")]
    [TestCase("Compare-Object 'x' 'y' -PassThru | ForEach-Object { \"$_ $($_.SideIndicator)\" }", "y =>|x <=")]
    [TestCase("diff 1 2 | Select-Object -ExpandProperty SideIndicator", "=>|<=")]
    public async Task Compare_Object_matches_and_orders_as_CompareObjectCommand(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("(Compare-Object (Get-Service Spooler) (Get-Service WinRM)).Count", "0")]
    [TestCase("Compare-Object (Get-Service Spooler) (Get-Service WinRM) -Property Name, Status | ForEach-Object { \"$($_.Name) $($_.Status) $($_.SideIndicator)\" }", "WinRM Running =>|Spooler Stopped <=")]
    [TestCase("(Compare-Object ([pscustomobject]@{ a = 1 }) ([pscustomobject]@{ a = 2 })).Count; (Compare-Object ([pscustomobject]@{ a = 1 }) ([pscustomobject]@{ a = 1 })).Count", "2|0")]
    public async Task Compare_Object_compares_objects_by_their_text_without_Property_as_Windows_does(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("Compare-Object $null 1", "ParameterArgumentValidationErrorNullNotAllowed,Microsoft.PowerShell.Commands.CompareObjectCommand")]
    [TestCase("Compare-Object 1", "MissingMandatoryParameter,Microsoft.PowerShell.Commands.CompareObjectCommand")]
    [TestCase("Compare-Object 1 2 -SyncWindow -1", "ParameterArgumentValidationError,Microsoft.PowerShell.Commands.CompareObjectCommand")]
    [TestCase("3 | Compare-Object 1 2", "InputObjectNotBound,Microsoft.PowerShell.Commands.CompareObjectCommand")]
    public async Task Compare_Object_with_arguments_it_cannot_bind_is_the_statements_error(string script, string errorId)
    {
        var (host, outcome) = await RunAsync(script + "; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo(errorId));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [TestCase("Compare-Object (1..5001) 1")]
    [TestCase("1..5001 | Compare-Object 1")]
    public async Task Compare_Object_past_the_emulators_bound_fails_with_a_scenario_error_instead_of_running_for_minutes(string script)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(outcome.ErrorRecord!.ToDisplayString(), Does.Contain("Compare-Object compares at most 5000 objects a side"));
        Assert.That(host.OutputTexts, Is.Empty);
    }

    [TestCase("$o = [pscustomobject]@{ a = 1; b = $null; c = @(1, 2); d = 'x y' }; \"$o\"; $o.ToString().Length", "@{a=1; b=; c=System.Object[]; d=x y}|0")]
    [TestCase("\"$(Get-Service WinRM | Select-Object Name, Status)\"", "@{Name=WinRM; Status=Running}")]
    [TestCase("\"$([pscustomobject]@{ a = [pscustomobject]@{ b = 1 } })\"", "@{a=@{b=1}}")]
    [TestCase("([pscustomobject]@{ a = 1 }, [pscustomobject]@{ a = 2 }) -join ','", "@{a=1},@{a=2}")]
    public async Task A_PSCustomObject_in_a_string_is_its_properties_in_braces_and_its_ToString_is_empty(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("(1..3).ToString(); \"$(1..3)\"; (1..3) -join ','", "System.Object[]|1 2 3|1,2,3")]
    [TestCase("([System.Collections.ArrayList]@(1, 2)).ToString(); @{ a = 1 }.Keys.ToString(); [string](1, 2)", "System.Collections.ArrayList|System.Collections.Hashtable+KeyCollection|1 2")]
    public async Task A_collections_ToString_is_its_type_s_name_while_strings_join_its_items(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("[BitConverter]::GetBytes(258) -join ','; [BitConverter]::GetBytes([int64]1).Count; [BitConverter]::GetBytes($true) -join ','; [BitConverter]::ToString([BitConverter]::GetBytes([int16]-2))", "2,1,0,0|8|1|FE-FF")]
    [TestCase("$b = [BitConverter]::GetBytes(1.5); [BitConverter]::ToDouble($b, 0); [BitConverter]::ToInt32([byte[]](1, 1, 0, 0, 9), 0); [BitConverter]::ToUInt16([byte[]](0, 255, 1), 1)", "1.5|257|511")]
    public async Task BitConverter_gets_and_reads_the_bytes_of_numbers_little_endian(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [Test]
    public async Task A_date_is_never_in_daylight_saving_time_on_computers_that_keep_UTC() =>
        Assert.That(await OutputOfAsync("(Get-Date).IsDaylightSavingTime(); ([datetime]'2024-07-01 12:00').IsDaylightSavingTime(); [datetime]::UtcNow.IsDaylightSavingTime()"), Is.EqualTo("False|False|False"));

    [Test]
    public async Task BitConverter_reading_past_the_bytes_is_NET_Framework_s_error_named_by_NET_s_method_name()
    {
        var (host, _) = await RunAsync("[BitConverter]::ToInt32([byte[]](1, 2), 0); [BitConverter]::toint32([byte[]](1, 2), 5); [bool]::parse('x'); 'after'");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[]
        {
            "Exception calling \"ToInt32\" with \"2\" argument(s): \"Destination array is not long enough to copy all the items in the collection. Check array index and length.\"",
            "Exception calling \"ToInt32\" with \"2\" argument(s): \"Index was out of range. Must be non-negative and less than the size of the collection.\r\nParameter name: startIndex\"",
            "Exception calling \"Parse\" with \"1\" argument(s): \"String was not recognized as a valid Boolean.\"",
        }));
    }

    [TestCase("$o = New-Object PSObject -Property @{ Name = 'a'; Size = 5 }; $o.Name; $o.Size", "a|5")]
    [TestCase("(New-Object PSObject -Property @{ Name = 'a' }).GetType().FullName", "System.Management.Automation.PSCustomObject")]
    [TestCase("New-Object PSCustomObject -Property @{ Name = 'a'; Size = 5 } | Select-Object -ExpandProperty Size", "5")]
    [TestCase("New-Object -TypeName PSObject -Prop @{ a = 1 } | ForEach-Object { $_.a + 1 }", "2")]
    [TestCase("$l = New-Object System.Collections.ArrayList; [void]$l.Add(3); [void]$l.Add(4); $l.Count", "2")]
    [TestCase("$h = New-Object Hashtable; $h['k'] = 'v'; $h.k", "v")]
    [TestCase("(New-Object System.Version '1.2.3').Minor", "2")]
    [TestCase("(New-Object -TypeName Version -ArgumentList '4.5').Major", "4")]
    public async Task New_Object_makes_objects_collections_and_known_types(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase(@"Join-Path C:\a b", @"C:\a\b")]
    [TestCase(@"Join-Path C:\a\ \b\c", @"C:\a\b\c")]
    [TestCase(@"Join-Path -Path C:/a -ChildPath b/c.txt", @"C:\a\b\c.txt")]
    [TestCase(@"Join-Path 'C:\x', 'C:\y' z", @"C:\x\z|C:\y\z")]
    [TestCase(@"Join-Path HKLM:\SOFTWARE Microsoft", @"HKLM:\SOFTWARE\Microsoft")]
    [TestCase(@"Split-Path C:\a\b\c.txt", @"C:\a\b")]
    [TestCase(@"Split-Path C:\a\b\ -Parent", @"C:\a")]
    [TestCase(@"Split-Path C:\a", @"C:\")]
    [TestCase(@"Split-Path C:\a\b\c.txt -Leaf", "c.txt")]
    [TestCase(@"Split-Path C:\a\b -Qualifier; Split-Path C:\a\b -NoQualifier", @"C:|\a\b")]
    [TestCase(@"Split-Path C:\a -IsAbsolute; Split-Path a\b -IsAbsolute; Split-Path \\server\share -IsAbsolute", "True|False|True")]
    [TestCase(@"Split-Path \\server\share\x.txt", @"\\server\share")]
    public async Task Join_Path_and_Split_Path_work_on_the_text_as_the_FileSystem_provider_does(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("(New-TimeSpan -Minutes 5).TotalSeconds", "300")]
    [TestCase("$t = New-TimeSpan -Days 1 -Hours 2 -Minutes 3 -Seconds 4; $t.Days; $t.Hours; $t.Minutes; $t.Seconds", "1|2|3|4")]
    [TestCase("(New-TimeSpan -Start (Get-Date).AddHours(-3)).TotalHours", "3")]
    [TestCase("(New-TimeSpan -End (Get-Date).AddMinutes(90)).TotalMinutes", "90")]
    [TestCase("(New-TimeSpan '2024-01-01' '2024-03-01').Days", "60")]
    public async Task New_TimeSpan_counts_from_its_arguments_or_the_sessions_clock(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("New-Object Foo.Bar", "TypeNotFound,Microsoft.PowerShell.Commands.NewObjectCommand", "Cannot find type [Foo.Bar]: verify that the assembly containing this type is loaded.")]
    [TestCase(@"Join-Path X:\a b", "DriveNotFound,Microsoft.PowerShell.Commands.JoinPathCommand", "Cannot find drive. A drive with the name 'X' does not exist.")]
    [TestCase(@"Split-Path a\b -Qualifier", "ParsePathFailed,Microsoft.PowerShell.Commands.SplitPathCommand", @"Cannot parse path because path 'a\b' does not contain a qualifier.")]
    [TestCase(@"Join-Path C:\a b -Foo", "NamedParameterNotFound,Microsoft.PowerShell.Commands.JoinPathCommand", "A parameter cannot be found that matches parameter name 'Foo'.")]
    [TestCase(@"Join-Path C:\a", "MissingMandatoryParameter,Microsoft.PowerShell.Commands.JoinPathCommand", "Cannot process command because of one or more missing mandatory parameters: ChildPath.")]
    [TestCase("New-TimeSpan -Days 1 -Start (Get-Date)", "AmbiguousParameterSet,Microsoft.PowerShell.Commands.NewTimeSpanCommand", "Parameter set cannot be resolved using the specified named parameters.")]
    [TestCase("1..3 | Select-Object -Index 1 -First 1", "AmbiguousParameterSet,Microsoft.PowerShell.Commands.SelectObjectCommand", "Parameter set cannot be resolved using the specified named parameters.")]
    public async Task Bad_arguments_are_the_cmdlets_errors_and_the_script_goes_on(string statement, string id, string message)
    {
        var (host, outcome) = await RunAsync(statement + "; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[] { (id, message) }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [Test]
    public async Task Write_Progress_writes_progress_records_as_5_1_fills_them()
    {
        var (host, outcome) = await RunAsync("foreach ($i in 1..2) { Write-Progress -Activity Copying -Status \"File $i\" -PercentComplete ($i * 50) }; " +
            "Write-Progress Copying -Completed; Write-Progress -Activity Child -Id 2 -ParentId 1 -CurrentOperation op -SecondsRemaining 9; 'done'");

        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "done" }));
        Assert.That(host.Records.OfType<ProgressRecordMessage>(), Is.EqualTo(new[]
        {
            new ProgressRecordMessage("Copying", 0, "File 1", null, -1, 50),
            new ProgressRecordMessage("Copying", 0, "File 2", null, -1, 100),
            new ProgressRecordMessage("Copying", 0, "Processing", null, -1, -1, ProgressRecordType.Completed),
            new ProgressRecordMessage("Child", 2, "Processing", "op", 1, -1, ProgressRecordType.Processing, 9),
        }));
    }

    [TestCase("Write-Progress -Activity a -PercentComplete 150", "ParameterArgumentValidationError,Microsoft.PowerShell.Commands.WriteProgressCommand",
        "Cannot validate argument on parameter 'PercentComplete'. The 150 argument is greater than the maximum allowed range of 100. Supply an argument that is less than or equal to 100 and then try the command again.")]
    [TestCase("Write-Progress -Status s", "MissingMandatoryParameter,Microsoft.PowerShell.Commands.WriteProgressCommand",
        "Cannot process command because of one or more missing mandatory parameters: Activity.")]
    public async Task Write_Progress_with_bad_arguments_is_its_parameter_error(string statement, string id, string message)
    {
        var (host, outcome) = await RunAsync(statement + "; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[] { (id, message) }));
        Assert.That(host.Records.OfType<ProgressRecordMessage>(), Is.Empty);
    }

    [TestCase("$o = [pscustomobject]@{ a = 1 }; $o | Add-Member -NotePropertyName b -NotePropertyValue 2; $o.b", "2")]
    [TestCase("$o = [pscustomobject]@{ a = 1 }; $o | Add-Member NoteProperty c 3 -PassThru | ForEach-Object c; $o.c", "3|3")]
    [TestCase("$o = [pscustomobject]@{ a = 1 }; Add-Member -InputObject $o -MemberType NoteProperty -Name a -Value 9 -Force; $o.a", "9")]
    [TestCase("$o = New-Object PSObject; $o | Add-Member -NotePropertyMembers @{ x = 1; y = 2 }; $o.x + $o.y", "3")]
    [TestCase("$o = [pscustomobject]@{ a = 1 }; $o | Add-Member -TypeName My.Thing; $o.GetType().Name; $o -is [My.Thing]", "PSCustomObject|True")]
    [TestCase("'text' | Add-Member -NotePropertyName n -NotePropertyValue 5 -PassThru | ForEach-Object { \"$_ $($_.n)\" }", "text 5")]
    public async Task Add_Member_adds_note_properties_in_place_and_hands_on_with_PassThru(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("$o = [pscustomobject]@{ a = 1 }; Add-Member -InputObject $o -MemberType NoteProperty -Name a -Value 9", "MemberAlreadyExists,Microsoft.PowerShell.Commands.AddMemberCommand",
        "Cannot add a member with the name \"a\" because a member with that name already exists. To overwrite the member anyway, add the Force parameter to your command.")]
    [TestCase("Get-Random -Minimum 5 -Maximum 5", "MinGreaterThanOrEqualMax,Microsoft.PowerShell.Commands.GetRandomCommand",
        "The Minimum value (5) cannot be greater than or equal to the Maximum value (5).")]
    [TestCase("[pscustomobject]@{} | Add-Member -MemberType Bogus -Name n -Value 1", "CannotConvertArgumentNoMessage,Microsoft.PowerShell.Commands.AddMemberCommand",
        "Cannot bind parameter 'MemberType'. Cannot convert value \"Bogus\" to type \"System.Management.Automation.PSMemberTypes\". Error: \"Unable to match the identifier name Bogus to a valid enumerator name. Specify one of the following enumerator names and try again:\r\nAliasProperty, CodeProperty, Property, NoteProperty, ScriptProperty, Properties, PropertySet, Method, CodeMethod, ScriptMethod, Methods, ParameterizedProperty, MemberSet, Event, Dynamic, All\"")]
    public async Task Add_Member_and_Get_Random_errors_are_PowerShells(string statement, string id, string message)
    {
        var (host, outcome) = await RunAsync(statement + "; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[] { (id, message) }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [Test]
    public async Task Get_Random_picks_within_its_bounds_and_from_its_input_and_a_seed_repeats_the_sequence()
    {
        var numbers = (await OutputOfAsync("1..200 | ForEach-Object { Get-Random -Minimum 5 -Maximum 8 }")).Split('|').Select(int.Parse).ToList();
        Assert.That(numbers, Is.All.InRange(5, 7));
        Assert.That(numbers.Distinct().Count(), Is.EqualTo(3), "200 draws from three values see all three");

        var picked = (await OutputOfAsync("'a', 'b', 'c', 'd' | Get-Random -Count 3")).Split('|');
        Assert.That(picked, Has.Length.EqualTo(3).And.Unique.And.All.AnyOf("a", "b", "c", "d"));
        Assert.That((await OutputOfAsync("1..5 | Get-Random -Count 9 | Measure-Object -Sum | ForEach-Object Sum")), Is.EqualTo("15"), "every object once, no more");
        Assert.That(double.Parse(await OutputOfAsync("Get-Random -Minimum 0.5 -Maximum 1.5"), System.Globalization.CultureInfo.InvariantCulture), Is.InRange(0.5, 1.5));

        const string Seeded = "Get-Random -SetSeed 7 -Maximum 1000000; Get-Random -Maximum 1000000; Get-Random -InputObject (1..100)";
        var first = await OutputOfAsync(Seeded);
        var second = await OutputOfAsync(Seeded);
        Assert.That(second, Is.EqualTo(first), "another session seeded alike draws the same");
    }

    [TestCase("Out-Null; Out-Null -InputObject (Get-Service); 'after'", "after")]
    [TestCase("Invoke-Expression '1 + 2'; iex \"'x' * 2\"", "3|xx")]
    [TestCase("$cmd = 'Get-Service WinRM'; (Invoke-Expression $cmd).Name", "WinRM")]
    [TestCase("Invoke-Expression '$made = 5'; $made + 1", "6")]
    public async Task Invoke_Expression_runs_the_text_as_the_scripts_own_statements(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    // The text's parse error leaves the cmdlet as its ParseException: the id qualified by the cmdlet's type, as Windows
    // PowerShell 5.1 reports it ("ParserError: (:) [Invoke-Expression], ParseException"); the script goes on.
    [Test]
    public async Task Invoke_Expression_of_text_that_does_not_parse_is_the_cmdlets_ParseException()
    {
        var (host, _) = await RunAsync("iex '1 +'; try { Invoke-Expression 'x (' } catch { $_.FullyQualifiedErrorId }; 'next'");

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "ExpectedExpression,Microsoft.PowerShell.Commands.InvokeExpressionCommand", "next",
        }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "ExpectedValueExpression,Microsoft.PowerShell.Commands.InvokeExpressionCommand" }));
    }

    [TestCase("Set-Variable -Name v -Value 5; $v; Get-Variable v -ValueOnly; (Get-Variable v).Name; sv w 6; $w", "5|5|v|6")]
    [TestCase("$v = 1; Remove-Variable v; $null -eq $v; $c = 3; Clear-Variable c; $null -eq $c", "True|True")]
    [TestCase("function f { Set-Variable -Name g -Value 7 -Scope Global; Set-Variable -Name l -Value 8 }; f; $g; $null -eq $l", "7|True")]
    [TestCase("New-Variable n 1; New-Variable n 2 -Force; $n", "2")]
    public async Task The_variable_cmdlets_work_on_the_variables_scripts_read(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("Get-Variable nope", "VariableNotFound,Microsoft.PowerShell.Commands.GetVariableCommand", "Cannot find a variable with the name 'nope'.")]
    [TestCase("Remove-Variable nope", "VariableNotFound,Microsoft.PowerShell.Commands.RemoveVariableCommand", "Cannot find a variable with the name 'nope'.")]
    [TestCase("New-Variable n 2", "VariableAlreadyExists,Microsoft.PowerShell.Commands.NewVariableCommand", "A variable with name 'n' already exists.")]
    public async Task A_variable_cmdlets_error_is_non_terminating_as_PowerShell_writes_it(string statement, string id, string message)
    {
        // Not caught by a try (PowerShell's WriteError), hidden by -ErrorAction SilentlyContinue, caught with Stop.
        var (host, outcome) = await RunAsync($"$n = 1; try {{ {statement} }} catch {{ 'caught' }}; {statement} -ErrorAction SilentlyContinue; " +
            $"try {{ {statement} -ErrorAction Stop }} catch {{ 'stopped' }}; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[] { (id, message) }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "stopped", "next" }));
    }

    [Test]
    public async Task A_rule_for_the_same_text_still_answers_it()
    {
        var catalog = BehaviourCatalog.Combine(BehaviourCatalog.Parse("""
            behaviours:
              - match: Join-Path C:\a b
                steps:
                  - output: from the rule
            """), Default);
        var host = new RecordingHost { Runspace = new RunspaceState() };
        var outcome = await catalog.Resolve(new CreatePipeline([new PipelineCommand(@"Join-Path C:\a b", IsScript: true, [])], NoInput: true)).RunTestAsync(host, new FakeTimeProvider());

        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "from the rule" }));
    }

    [TestCase("Set-StrictMode -Version Latest; 'ok'")]
    [TestCase("Set-StrictMode -Version 2.0; 'ok'")]
    [TestCase("Set-StrictMode -Version 2; 'ok'")]
    [TestCase("Set-StrictMode -v 5.1; 'ok'")]
    [TestCase("Set-StrictMode -Off; 'ok'")]
    public async Task Set_StrictMode_binds_as_PowerShells_and_writes_nothing(string script) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo("ok"));

    [TestCase("Set-StrictMode -Version 6.0", "ParameterArgumentValidationError,Microsoft.PowerShell.Commands.SetStrictModeCommand",
        "Cannot validate argument on parameter 'Version'. The \"6.0\" argument does not contain a valid Windows PowerShell version. Supply a valid version number and then try the command again.")]
    [TestCase("Set-StrictMode", "AmbiguousParameterSet,Microsoft.PowerShell.Commands.SetStrictModeCommand", "Parameter set cannot be resolved using the specified named parameters.")]
    [TestCase("Set-StrictMode -Version abc", "CannotConvertArgumentNoMessage,Microsoft.PowerShell.Commands.SetStrictModeCommand",
        "Cannot bind parameter 'Version'. Cannot convert value \"abc\" to type \"System.Version\". Error: \"Version string portion was too short or too long.\"")]
    public async Task Set_StrictMode_with_a_version_PowerShell_refuses_is_the_statements_error(string statement, string id, string message)
    {
        var (host, outcome) = await Default.RunScriptAsync(statement + "; 'next'");

        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo(id));
        Assert.That(host.Errors.Single().Message, Is.EqualTo(message));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [Test]
    public async Task Write_Host_of_variables_expressions_and_several_objects_writes_their_text_as_WriteHostCommand()
    {
        var (host, outcome) = await RunAsync("$n = 'x'; Write-Host Processing $n; Write-Host ('a' + 'b') -NoNewline; Write-Host $null; Write-Host 1 2 3; " +
                                             "Write-Host -Object @(1, @(2, 3)) -Separator ',' -ForegroundColor darkred; $m = 'msg'; Write-Host $m -BackgroundColor Blue");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        var messages = host.Records.OfType<InformationRecordMessage>().Select(r => HostInformationMessage.TryRead(r.MessageData)!).ToList();
        Assert.That(messages.Select(m => m.Message), Is.EqualTo(new[] { "Processing x", "ab", string.Empty, "1 2 3", "1,2,3", "msg" }));
        Assert.That(messages.Select(m => m.NoNewLine), Is.EqualTo(new[] { false, true, false, false, false, false }));
        Assert.That((messages[4].ForegroundColor, messages[5].BackgroundColor), Is.EqualTo(((ConsoleColor?)ConsoleColor.DarkRed, (ConsoleColor?)ConsoleColor.Blue)));
        Assert.That(host.Records.OfType<InformationRecordMessage>().All(r => r.Tags.Contains(HostInformationMessage.HostTag)), Is.True);
    }

    [Test]
    public async Task Write_Warning_of_an_expression_writes_its_text()
    {
        var (host, outcome) = await RunAsync("$m = 'careful'; Write-Warning ('a' + 'b'); Write-Warning -Message $m.ToUpper(); Write-Warning");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Records.OfType<WarningRecordMessage>().Select(w => w.Message), Is.EqualTo(new[] { "ab", "CAREFUL" }));
        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("MissingMandatoryParameter,Microsoft.PowerShell.Commands.WriteWarningCommand"));
    }

    [Test]
    public async Task Write_Host_with_a_colour_ConsoleColor_has_not_is_the_statements_binding_error() =>
        Assert.That((await RunAsync("Write-Host x -ForegroundColor Purple; 'next'")).Host.Errors.Single().FullyQualifiedErrorId,
            Is.EqualTo("CannotConvertArgumentNoMessage,Microsoft.PowerShell.Commands.WriteHostCommand"));

    [TestCase("Write-Output `#x a`tb", "#x|a\tb")]
    [TestCase("$x = 'v'; Write-Output pre$x pre${x}post", "prev|prevpost")]
    [TestCase("function f { param($a) \"[$a]\" }; $n = 'q'; f a$n", "[aq]")]
    public async Task A_bare_word_argument_expands_its_variables_and_escapes_as_a_double_quoted_string(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("Write-Output WinRM, Spooler", "WinRM|Spooler")]
    [TestCase("Write-Output 'a', \"b\",3 | ForEach-Object { $_.GetType().Name }", "String|String|Int32")]
    [TestCase("Write-Output 'a,b'", "a,b")]
    [TestCase("Write-Output -NoEnumerate x, y | ForEach-Object { $_.Count }", "2")]
    [TestCase("function f($x) { $x.Count; $x[1] }; f a, b, c", "3|b")]
    public async Task A_comma_between_command_arguments_makes_one_array_argument(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("Write-Output -NoEnumerate @(1, 2) | ForEach-Object { $_.Count }", "2")]
    [TestCase("Write-Output -NoEnumerate 1 2 | ForEach-Object { $_.Count }", "2")]
    [TestCase("Write-Output -NoE 'a' | ForEach-Object { $_ }", "a")]
    [TestCase("Write-Output @(1, 2) | ForEach-Object { $_.Count }", "1|1")]
    public async Task Write_Output_NoEnumerate_writes_a_collection_as_one_object(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [Test]
    public async Task The_unknown_command_of_a_pipeline_is_not_a_stage_a_rule_answers_under_ErrorAction()
    {
        var (host, _) = await Default.RunScriptAsync("Get-Service -Name WinRM -ErrorAction Stop | Restart-Frob");

        Assert.That(host.Errors.Single().TargetName, Is.EqualTo("Restart-Frob"));
    }
}
