using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// The properties of a primitive, an enum and a Hashtable as PowerShell lists them: Select-Object * and a wildcard copy
/// them into a Selected object, Format-List and Format-Table show them, and .PSObject.Properties names them, in
/// Windows PowerShell 5.1's order.
/// </summary>
public class ValuePropertyTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 30, 15, TimeSpan.Zero);

    private static async Task<RecordingHost> RunAsync(string script)
    {
        var host = new RecordingHost { Runspace = new RunspaceState(new FakeTimeProvider(Now)) };
        var outcome = await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider(Now));
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => $"ended {outcome.State}: {outcome.ErrorRecord?.ToDisplayString()}");
        Assert.That(host.Errors, Is.Empty, () => string.Join("; ", host.Errors.Select(e => e.Message)));
        return host;
    }

    private static PsObject Single(RecordingHost host) => host.Outputs.Single() as PsObject ?? throw new AssertionException("not an object: " + host.Outputs.Single());

    private static string Names(PsObject selected) => string.Join(",", selected.ExtendedProperties.Select(p => p.Name));

    [TestCase("'abc' | Select-Object *", "Selected.System.String", "Length")]
    [TestCase("Get-Date | Select-Object *", "Selected.System.DateTime",
        "DisplayHint,DateTime,Date,Day,DayOfWeek,DayOfYear,Hour,Kind,Millisecond,Minute,Month,Second,Ticks,TimeOfDay,Year")]
    [TestCase("[datetime]::Now | Select-Object *", "Selected.System.DateTime",
        "DateTime,Date,Day,DayOfWeek,DayOfYear,Hour,Kind,Millisecond,Minute,Month,Second,Ticks,TimeOfDay,Year")]
    [TestCase("New-TimeSpan -Minutes 90 | Select-Object *", "Selected.System.TimeSpan",
        "Ticks,Days,Hours,Milliseconds,Minutes,Seconds,TotalDays,TotalHours,TotalMilliseconds,TotalMinutes,TotalSeconds")]
    [TestCase("[version]'5.1.17763.1' | Select-Object *", "Selected.System.Version", "Major,Minor,Build,Revision,MajorRevision,MinorRevision")]
    [TestCase("[guid]::Empty | Select-Object *", "Selected.System.Guid", "Guid")]
    [TestCase("5 | Select-Object *", "Selected.System.Int32", "")]
    [TestCase("$true | Select-Object *", "Selected.System.Boolean", "")]
    [TestCase("Get-Date | Select-Object Day*", "Selected.System.DateTime", "Day,DayOfWeek,DayOfYear")]
    [TestCase("'abc' | Select-Object L*, Nope*", "Selected.System.String", "Length")]
    public async Task Select_Object_star_copies_a_primitive_s_properties_in_PowerShell_s_order(string script, string typeName, string names)
    {
        var selected = Single(await RunAsync(script));

        Assert.That(selected.TypeNames![0], Is.EqualTo(typeName));
        Assert.That(Names(selected), Is.EqualTo(names));
    }

    /// <summary>A note's MemberType is PSMemberTypes.NoteProperty, 8 (it was 2, CodeProperty's number), as pwsh 7.6.9 writes it.</summary>
    [Test]
    public async Task A_note_s_MemberType_is_the_NoteProperty_flag()
    {
        var host = await RunAsync("$o = [pscustomobject]@{ a = 1 }; [int]$o.PSObject.Properties['a'].MemberType; ($o.PSObject.Properties | Where-Object { $_.MemberType -band 8 }).Name");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "8", "a" }));
    }

    [Test]
    public async Task The_copied_properties_hold_the_values_the_primitive_has()
    {
        var host = await RunAsync(
            "$s = 'abc' | Select-Object *; $s.Length; " +
            "$d = Get-Date -DisplayHint Date | Select-Object *; $d.DisplayHint; $d.DateTime; $d.DayOfWeek; $d.TimeOfDay.ToString(); $d.Ticks.GetType().Name; " +
            "$v = [version]'1.2.3.65539' | Select-Object *; $v.MajorRevision; $v.MinorRevision; $v.MinorRevision.GetType().Name; " +
            "$w = [version]'1.2' | Select-Object *; $w.Build; $w.MajorRevision; $w.MinorRevision");

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "3", "Date", "Tuesday, December 1, 2026", "Tuesday", "09:30:15", "Int64", "1", "3", "Int16", "-1", "-1", "-1",
        }));
    }

    [Test]
    public async Task Format_List_star_lists_a_string_s_Length_only_with_Force_and_otherwise_shows_the_text()
    {
        // OutOfBandFormatViewManager writes a DefaultScalarTypes value as its text unless -Force (pwsh 7.6.9 checked).
        var forced = await RunAsync("'abc' | Format-List * -Force | Out-String");
        var star = await RunAsync("'abc' | Format-List * | Out-String");
        var alone = await RunAsync("'abc' | Format-List | Out-String");

        Assert.That(forced.OutputTexts.Single().Trim(), Is.EqualTo("Length : 3"));
        Assert.That(star.OutputTexts.Single().Trim(), Is.EqualTo("abc"));
        Assert.That(alone.OutputTexts.Single().Trim(), Is.EqualTo("abc"));
    }

    [Test]
    public async Task Format_List_star_of_a_version_lists_its_parts()
    {
        var host = await RunAsync("[version]'5.1.17763.1' | Format-List * | Out-String");

        var lines = host.OutputTexts.Single().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Is.EqualTo(new[]
        {
            "Major         : 5", "Minor         : 1", "Build         : 17763", "Revision      : 1", "MajorRevision : 0", "MinorRevision : 1",
        }));
    }

    [Test]
    public async Task Format_List_alone_lists_a_date_s_NET_properties_first_and_its_note_and_script_property_last()
    {
        var host = await RunAsync("Get-Date -DisplayHint Date | Format-List | Out-String");

        var lines = host.OutputTexts.Single().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Is.EqualTo(new[]
        {
            "Date        : 12/1/2026 12:00:00 AM", "Day         : 1", "DayOfWeek   : Tuesday", "DayOfYear   : 335", "Hour        : 9",
            "Kind        : Local", "Millisecond : 0", "Minute      : 30", "Month       : 12", "Second      : 15", "Ticks       : 639317142150000000",
            "TimeOfDay   : 09:30:15", "Year        : 2026", "DisplayHint : Date", "DateTime    : Tuesday, December 1, 2026",
        }));
    }

    [TestCase("[guid]::Empty | Format-List | Out-String", "Guid : 00000000-0000-0000-0000-000000000000")]
    [TestCase("[version]'1.2' | Format-List | Out-String", "Major         : 1|Minor         : 2|Build         : -1|Revision      : -1|MajorRevision : -1|MinorRevision : -1")]
    [TestCase("'abc' | Format-List | Out-String", "abc")]
    public async Task Format_List_alone_lists_a_primitive_without_a_list_view_and_shows_a_scalar_s_text(string script, string expected)
    {
        var host = await RunAsync(script);

        Assert.That(string.Join("|", host.OutputTexts.Single().Split("\r\n", StringSplitOptions.RemoveEmptyEntries)), Is.EqualTo(expected));
    }

    [TestCase("([guid]::Empty).PSObject.Properties | ForEach-Object { \"$($_.MemberType) $($_.IsInstance) $_\" }", "ScriptProperty False System.Object Guid {get=$this.ToString();}")]
    [TestCase("(Get-Date).PSObject.Properties.Name -join ','",
        "DisplayHint,DateTime,Date,Day,DayOfWeek,DayOfYear,Hour,Kind,Millisecond,Minute,Month,Second,Ticks,TimeOfDay,Year")]
    [TestCase("'abc'.PSObject.Properties | ForEach-Object { \"$($_.Name)=$($_.Value) $($_.MemberType) $($_.IsSettable)\" }", "Length=3 Property False")]
    [TestCase("(Get-Date).PSObject.Properties | Select-Object -First 2 | ForEach-Object { \"$($_.MemberType) $($_.IsInstance)\" }", "NoteProperty True|ScriptProperty False")]
    [TestCase("'abc'.PSObject.Properties | ForEach-Object { $_.ToString() }", "int Length {get;}")]
    [TestCase("(Get-Date).PSObject.TypeNames -join ','", "System.DateTime,System.ValueType,System.Object")]
    [TestCase("'abc'.PSObject.TypeNames -join ','; 'abc'.PSObject.BaseObject", "System.String,System.Object|abc")]
    [TestCase("@((5).PSObject.Properties).Count", "0")]
    public async Task PSObject_of_a_primitive_names_the_same_properties(string script, string expected)
    {
        var host = await RunAsync(script);

        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [Test]
    public async Task A_number_s_Selected_object_has_no_properties_and_prints_as_an_empty_custom_object()
    {
        var host = await RunAsync("5 | Select-Object * | Out-String; \"[$(5 | Select-Object *)]\"; (Get-Service WinRM | Select-Object Name | Format-Table @{ n = 'S'; e = { $_ } } | Out-String).Trim()");

        Assert.That(host.OutputTexts[0].Trim(), Is.EqualTo("@{}"), "as [pscustomobject]@{} prints here, not its type name");
        Assert.That(host.OutputTexts[1], Is.EqualTo("[@{}]"));
        Assert.That(host.OutputTexts[2], Does.EndWith("@{Name=WinRM}"), "a Selected object in a cell is its @{...} text");
    }

    [TestCase("@(1, 2) | Select-Object * | ForEach-Object { $_.PSObject.TypeNames[0] }", "Selected.System.Int32|Selected.System.Int32")]
    [TestCase(",@(1, 2) | Select-Object * | ForEach-Object { $_.GetType().Name; $_.PSObject.TypeNames[0] }", "PSCustomObject|Selected.System.Object[]")]
    [TestCase(",@(1, 2) | Select-Object * | ForEach-Object { ($_.PSObject.Properties.Name -join ','); $_.Count; $_.LongLength; $_.Rank; $_.SyncRoot -join '+'; $_.IsFixedSize }",
        "Count,Length,LongLength,Rank,SyncRoot,IsReadOnly,IsFixedSize,IsSynchronized|2|2|1|1+2|True")]
    [TestCase(",[System.Collections.ArrayList]@(1, 2) | Select-Object * | ForEach-Object { $_.GetType().Name }", "ArrayList")]
    public async Task Each_item_of_a_pipeline_is_projected_and_a_nested_array_to_its_own_properties(string script, string expected)
    {
        var host = await RunAsync(script);

        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [Test]
    public async Task An_enum_s_one_property_is_its_value__field()
    {
        var host = await RunAsync(
            "$s = (Get-Service WinRM).Status; $s.value__; ($s | Select-Object *).value__; ($s | Select-Object *).PSObject.TypeNames[0]; " +
            "$s.PSObject.Properties | ForEach-Object { \"$($_.Name) $($_.MemberType) $_\" }; ($s | Format-List * -Force | Out-String).Trim(); ($s | Format-List * | Out-String).Trim(); ($s | Format-List | Out-String).Trim()");

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "4", "4", "Selected.System.ServiceProcess.ServiceControllerStatus", "value__ Property int value__ {get;set;}", "value__ : 4", "Running", "Running",
        }));
    }

    [Test]
    public async Task Format_Table_of_a_date_shows_its_first_ten_properties_numbers_and_enums_right_aligned()
    {
        var host = await RunAsync("Get-Date | Format-Table | Out-String -Width 200");

        var lines = host.OutputTexts.Single().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Is.EqualTo(new[]
        {
            "Date                  Day DayOfWeek DayOfYear Hour  Kind Millisecond Minute Month Second",
            "----                  --- --------- --------- ----  ---- ----------- ------ ----- ------",
            "12/1/2026 12:00:00 AM   1   Tuesday       335    9 Local           0     30    12     15",
        }));
    }

    [Test]
    public async Task Select_Object_star_of_a_hashtable_gives_its_NET_properties_not_its_keys()
    {
        var host = await RunAsync(
            "$s = @{ a = 1; b = 2 } | Select-Object *; $s.PSObject.Properties.Name -join ','; $s.PSObject.TypeNames[0]; " +
            "$s.IsReadOnly; $s.Count; $s.Keys -join ','; \"$($s.SyncRoot)\"; @{ IsReadOnly = 'key' }.IsReadOnly; ([ordered]@{ a = 1 } | Select-Object *).GetType().Name");

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "IsReadOnly,IsFixedSize,IsSynchronized,Keys,Values,SyncRoot,Count", "Selected.System.Collections.Hashtable", "False", "2", "a,b",
            "System.Object", "key", "OrderedDictionary",
        }));
    }

    [TestCase("$o = [pscustomobject]@{ a = 1 }; $o.PSObject.Properties['A'].Value; $null -eq $o.PSObject.Properties['zz']; if ($o.PSObject.Properties['a']) { 'has a' }", "1|True|has a")]
    [TestCase("$o = [pscustomobject]@{ a = 1 }; $o.PSObject.Properties.Item('a').Value", "1")]
    [TestCase("(Get-Date).PSObject.Properties['Year'].Value; (Get-Date).PSObject.Properties.Match('Day*').Name -join ','", "2026|Day,DayOfWeek,DayOfYear")]
    [TestCase("(Get-Service WinRM).PSObject.Properties.Match('*Name').Count", "4")]
    [TestCase("$o = [pscustomobject]@{ a = 1; b = 2 }; $o.PSObject.Properties.Remove('A'); $o.PSObject.Properties.Remove('zz'); \"$o\"; $o.PSObject.Properties.Name -join ','", "@{b=2}|b")]
    [TestCase("$s = Get-Service WinRM; $s.PSObject.Properties.Remove('Status'); $s.Status", "Running")]
    public async Task A_PSObject_s_properties_are_found_by_name_and_matched_by_pattern(string script, string expected)
    {
        var host = await RunAsync(script);

        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }
}
