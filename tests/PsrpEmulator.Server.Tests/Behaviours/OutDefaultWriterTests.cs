using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Server.Behaviours.Formatting;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// Windows PowerShell 5.1's Out-Default as text (powershell.exe on a redirected console, Out-String). Expected texts
/// are 5.1's: the Get-Service table as Ansible and pywinrm users see it (a blank line, padded rows, "..." at 38
/// columns, two blank lines), the layout rules of 5.1's TableWriter, ListWriter and ColumnWidthManager otherwise.
/// </summary>
public class OutDefaultWriterTests
{
    private const int Width = 119;

    private static PsObject Service(string status, string name, string displayName) =>
        new PsObject(["System.ServiceProcess.ServiceController", "System.ComponentModel.Component", "System.MarshalByRefObject", "System.Object"])
        {
            ToStringValue = "System.ServiceProcess.ServiceController",
        }.With("Name", name).With("DisplayName", displayName).With("Status", status);

    private static PsObject Custom(params (string Name, PsValue Value)[] properties)
    {
        var o = PsObjects.CustomObject();
        foreach (var (name, value) in properties) o.With(name, value);
        return o;
    }

    private static string Lines(params string[] lines) => string.Concat(lines.Select(l => l + "\r\n"));

    [Test]
    public void Services_are_the_service_view_table_with_padded_rows_and_cut_display_names()
    {
        var text = OutDefaultWriter.Format([Service("Running", "winrm", "Windows Remote Management (WS-Management)"), Service("Stopped", "Spooler", "Print Spooler")], Width);

        Assert.That(text, Is.EqualTo(Lines(
            "",
            "Status   Name               DisplayName                           ",
            "------   ----               -----------                           ",
            "Running  winrm              Windows Remote Management (WS-Manag...",
            "Stopped  Spooler            Print Spooler                         ",
            "",
            "")));
    }

    [Test]
    public void A_table_without_a_view_fits_its_columns_to_the_values_and_aligns_numbers_right()
    {
        var text = OutDefaultWriter.Format(
            [Custom(("Name", PsPrimitive.String("a")), ("Count", PsPrimitive.Int32(1234567)), ("N", PsPrimitive.Int32(5))),
             Custom(("Name", PsPrimitive.String("longer name")), ("Count", PsPrimitive.Int32(2)), ("N", PsPrimitive.Int32(10)))], Width);

        Assert.That(text, Is.EqualTo(Lines(
            "",
            "Name          Count  N",
            "----          -----  -",
            "a           1234567  5",
            "longer name       2 10",
            "",
            "")));
    }

    [Test]
    public void Five_properties_make_a_list_with_labels_padded_to_the_longest()
    {
        var one = Custom(("a", PsPrimitive.Int32(1)), ("bb", PsPrimitive.Int32(2)), ("c", PsPrimitive.Int32(3)), ("d", PsPrimitive.Int32(4)), ("eeeee", PsPrimitive.String("five")));
        var text = OutDefaultWriter.Format([one, one], Width);

        var entry = Lines("a     : 1", "bb    : 2", "c     : 3", "d     : 4", "eeeee : five", "");
        Assert.That(text, Is.EqualTo("\r\n\r\n" + entry + entry + "\r\n\r\n"));
    }

    /// <summary>A hashtable inside a hashtable or an object shows its keys, as .NET Framework's DictionaryEntry has no text of its own.</summary>
    [Test]
    public void A_nested_hashtable_shows_its_keys()
    {
        var inner = PsObjects.Dictionary([new(PsPrimitive.String("b"), PsPrimitive.Int32(1)), new(PsPrimitive.String("c"), PsPrimitive.Int32(2))]);
        var table = PsObjects.Dictionary([new(PsPrimitive.String("a"), inner)]);

        var text = OutDefaultWriter.Format([table], 79);
        var list = OutDefaultWriter.Format([Custom(("x", inner))], 79);

        Assert.That(text, Does.Contain("a".PadRight(31) + "{b, c}".PadRight(48)));
        Assert.That(list, Does.Contain("{b, c}"));
        Assert.That(list, Does.Not.Contain("["));
    }

    [Test]
    public void A_hashtable_is_its_entries_in_the_dictionary_view_whose_value_column_takes_the_rest_of_the_screen()
    {
        var table = PsObjects.Dictionary([new(PsPrimitive.String("PSVersion"), PsPrimitive.Version("5.1.17763.1"))]);

        var text = OutDefaultWriter.Format([table], 79);

        // Name is 30 wide; Value gets 79 - 31 = 48 columns, and is padded to them.
        Assert.That(text, Is.EqualTo(Lines(
            "",
            "Name".PadRight(31) + "Value".PadRight(48),
            "----".PadRight(31) + "-----".PadRight(48),
            "PSVersion".PadRight(31) + "5.1.17763.1".PadRight(48),
            "",
            "")));
    }

    [Test]
    public void Text_too_long_is_cut_with_dots_at_its_end_or_at_its_start_when_the_column_aligns_right()
    {
        var process = new PsObject(["System.Diagnostics.Process", "System.Object"])
            .With("Handles", PsPrimitive.Int32(12345678)).With("Id", PsPrimitive.Int32(7)).With("SI", PsPrimitive.Int32(1))
            .With("ProcessName", PsPrimitive.String("a-process-name-longer-than-the-rest-of-the-screen"));

        var row = Formatting(process, 79).Split("\r\n")[3];

        // Handles is 7 wide and right-aligned: "..." then the last 4 digits. ProcessName has 79 - 58 = 21 columns.
        Assert.That(row, Is.EqualTo("...5678" + new string(' ', 45) + "7   1 a-process-name-lon..."));
    }

    [Test]
    public void A_value_with_a_line_break_is_cut_there()
    {
        var text = OutDefaultWriter.Format([Custom(("Text", PsPrimitive.String("first line\nsecond line")), ("N", PsPrimitive.Int32(1)))], Width);

        Assert.That(OutDefaultWriter.Lines(text).ToList()[3], Is.EqualTo("first line... 1"));
    }

    [Test]
    public void Objects_within_300_ms_size_the_table_and_a_later_longer_value_is_cut()
    {
        var time = new FakeTimeProvider();
        var writer = new OutDefaultWriter(Width, time);

        var first = writer.Add(Custom(("Name", PsPrimitive.String("ab"))));
        time.Advance(TimeSpan.FromMilliseconds(100));
        var second = writer.Add(Custom(("Name", PsPrimitive.String("abcdef"))));
        time.Advance(TimeSpan.FromMilliseconds(250));
        var third = writer.Add(Custom(("Name", PsPrimitive.String("abcdefghij"))));
        var fourth = writer.Add(Custom(("Name", PsPrimitive.String("abcdefghijkl"))));
        var end = writer.Complete();

        Assert.Multiple(() =>
        {
            // The first two wait; the third comes 350 ms after the first, so the three size the column (and it is cut no more).
            Assert.That(first, Is.EqualTo("\r\n"));
            Assert.That(second, Is.Empty);
            Assert.That(third, Is.EqualTo(Lines("Name      ", "----      ", "ab        ", "abcdef    ", "abcdefghij")));
            Assert.That(fourth, Is.EqualTo(Lines("abcdefg...")));
            Assert.That(end, Is.EqualTo("\r\n\r\n"));
        });
    }

    [Test]
    public void Scalars_keep_their_place_after_the_rows_of_a_table_that_waits()
    {
        var writer = new OutDefaultWriter(Width);

        var text = writer.Add(Custom(("A", PsPrimitive.String("x")))) + writer.Add(PsPrimitive.String("a string")) + writer.Add(PsPrimitive.Int32(42))
            + writer.Add(PsNil.Instance) + writer.Add(Custom(("A", PsPrimitive.String("y")))) + writer.Complete();

        // PowerShell's cache of formatted objects keeps their order (pwsh 7.6.9: the table's row, then the string, 42
        // and the next row); they came before the table.
        Assert.That(text, Is.EqualTo(Lines("", "A", "-", "x", "a string", "42", "y", "", "")));
    }

    [Test]
    public void An_object_of_another_type_after_a_view_is_written_out_of_band_as_a_list_of_its_default_properties()
    {
        var process = new PsObject(["System.Diagnostics.Process", "System.Object"])
            .With("Name", "svchost").With("Id", PsPrimitive.Int32(1032)).With("Handles", PsPrimitive.Int32(742)).With("CPU", PsPrimitive.Double(25.13)).With("SI", PsPrimitive.Int32(0));

        var text = OutDefaultWriter.Format([Service("Running", "WinRM", "Windows Remote Management"), process], Width);

        Assert.That(text, Is.EqualTo(Lines(
            "",
            "Status   Name               DisplayName                           ",
            "------   ----               -----------                           ",
            "Running  WinRM              Windows Remote Management             ",
            "",
            "Id      : 1032",
            "Handles : 742",
            "CPU     : 25.13",
            "SI      : 0",
            "Name    : svchost",
            "",
            "",
            "")));
    }

    [Test]
    public void After_a_table_without_a_view_every_object_is_a_row_of_its_columns()
    {
        var text = OutDefaultWriter.Format([Custom(("A", PsPrimitive.String("x"))), Custom(("B", PsPrimitive.String("y"))), Service("Running", "WinRM", "WinRM")], Width);

        Assert.That(text, Is.EqualTo(Lines("", "A", "-", "x", " ", " ", "", "")));
    }

    [Test]
    public void A_date_is_its_long_date_and_time_between_blank_lines()
    {
        var text = OutDefaultWriter.Format([PsPrimitive.DateTime(new DateTimeOffset(2026, 11, 29, 8, 31, 6, TimeSpan.Zero))], Width);

        Assert.That(text, Is.EqualTo(Lines("", "Sunday, November 29, 2026 8:31:06 AM", "", "")));
    }

    [Test]
    public void A_long_list_value_wraps_at_words_under_its_first_character()
    {
        var text = OutDefaultWriter.Format([Custom(("a", PsPrimitive.Int32(1)), ("b", PsPrimitive.Int32(2)), ("c", PsPrimitive.Int32(3)), ("d", PsPrimitive.Int32(4)),
            ("Message", PsPrimitive.String("one two three four five six")))], 30);

        // 30 columns less "Message : " leaves 20 for the value.
        Assert.That(text, Does.Contain(Lines("Message : one two three four", "          five six")));
    }

    [Test]
    public void An_array_is_written_item_by_item_and_a_cell_shows_a_collection_up_to_four_items()
    {
        var numbers = PsObjects.List([.. Enumerable.Range(1, 6).Select(i => (PsValue)PsPrimitive.Int32(i))]);
        var text = OutDefaultWriter.Format([PsObjects.List([PsPrimitive.String("a"), Custom(("Items", numbers))])], Width);

        Assert.That(text, Is.EqualTo(Lines("a", "", "Items".PadRight(15), "-----".PadRight(15), "{1, 2, 3, 4...}", "", "")));
    }

    [Test]
    public void Columns_wider_than_the_screen_shrink_from_the_last_and_go_when_nothing_is_left()
    {
        var wide = new string('x', 30);
        var text = OutDefaultWriter.Format([Custom(("A", PsPrimitive.String(wide)), ("B", PsPrimitive.String(wide)), ("C", PsPrimitive.String(wide)))], 40);

        // A and B take 30 + 1 + 9 = 40 (B cut to 9); C has no room left and is not shown.
        Assert.That(OutDefaultWriter.Lines(text).ToList()[3], Is.EqualTo(wide + " xxxxxx..."));
    }

    [Test]
    public void An_error_record_in_the_output_is_its_console_error_text_where_it_comes()
    {
        var record = PsrpEmulator.Protocol.Psrp.ErrorRecords.Create("Cannot find path 'C:\\x' because it does not exist.", "PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand",
            PsrpEmulator.Protocol.Psrp.ErrorCategory.ObjectNotFound, "System.Management.Automation.ItemNotFoundException", targetName: "C:\\x");

        var text = OutDefaultWriter.Format([Service("Running", "WinRM", "WinRM"), record], Width);

        Assert.That(text, Is.EqualTo(Lines(
            "",
            "Status   Name               DisplayName                           ",
            "------   ----               -----------                           ",
            "Running  WinRM              WinRM                                 ",
            "Cannot find path 'C:\\x' because it does not exist.",
            "    + CategoryInfo          : ObjectNotFound: (C:\\x:String) [], ItemNotFoundException",
            "    + FullyQualifiedErrorId : PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand",
            " ",
            "",
            "")));
    }

    private static PsObject Item(string type, string mode, string when, string name, string parent, long? length = null)
    {
        var o = new PsObject([type, "System.IO.FileSystemInfo", "System.MarshalByRefObject", "System.Object"]) { ToStringValue = name }
            .With("Name", name).With("Mode", mode).With("LastWriteTime", PsPrimitive.DateTime(DateTimeOffset.Parse(when, System.Globalization.CultureInfo.InvariantCulture)))
            .With("PSParentPath", "Microsoft.PowerShell.Core\\FileSystem::" + parent);
        return length is { } l ? o.With("Length", PsPrimitive.Int64(l)) : o;
    }

    [Test]
    public void Files_and_directories_are_the_children_view_grouped_by_their_directory()
    {
        var text = OutDefaultWriter.Format(
        [
            Item("System.IO.DirectoryInfo", "d-----", "2019-09-28T17:22:00Z", "inetpub", "C:\\"),
            Item("System.IO.FileInfo", "-a----", "2026-01-12T09:40:00Z", "setup.log", "C:\\", 2048),
            Item("System.IO.FileInfo", "-a----", "2026-01-12T09:40:00Z", "x.txt", "C:\\inetpub", 5),
        ], Width);

        // The header and the directory row as a redirected powershell.exe printed them in a real capture (rundeck
        // py-winrm-plugin issue 39): Name takes the rest of a 120-column console.
        Assert.That(text, Is.EqualTo(Lines(
            "",
            "",
            "    Directory: C:\\",
            "",
            "",
            "Mode                LastWriteTime         Length Name".PadRight(Width),
            "----                -------------         ------ ----".PadRight(Width),
            "d-----        9/28/2019   5:22 PM                inetpub".PadRight(Width),
            "-a----        1/12/2026   9:40 AM           2048 setup.log".PadRight(Width),
            "",
            "",
            "    Directory: C:\\inetpub",
            "",
            "",
            "Mode                LastWriteTime         Length Name".PadRight(Width),
            "----                -------------         ------ ----".PadRight(Width),
            "-a----        1/12/2026   9:40 AM              5 x.txt".PadRight(Width),
            "",
            "")));
    }

    private static PsObject Event(string provider, string when, int id, string message) =>
        new PsObject(["System.Diagnostics.Eventing.Reader.EventLogRecord", "System.Diagnostics.Eventing.Reader.EventRecord", "System.Object"])
            .With("ProviderName", provider).With("Id", PsPrimitive.Int32(id)).With("LevelDisplayName", "Information").With("Message", message)
            .With("TimeCreated", PsPrimitive.DateTime(DateTimeOffset.Parse(when, System.Globalization.CultureInfo.InvariantCulture)));

    [Test]
    public void Event_records_are_Event_format_ps1xml_s_table_grouped_by_provider_under_a_label_line()
    {
        var text = OutDefaultWriter.Format(
        [
            Event("Service Control Manager", "2026-11-29T10:30:00Z", 7036, "The WinRM service entered the running state."),
            Event("Microsoft-Windows-Kernel-General", "2026-11-29T09:05:07Z", 12, "The operating system started."),
        ], Width);

        // TimeCreated 26 wide, Id 8 right-aligned, LevelDisplayName 16, Message the rest; a GroupBy label's line has one
        // blank line after it (a custom control's, Get-ChildItem's directory, two).
        Assert.That(text, Is.EqualTo(Lines(
            "",
            "",
            "   ProviderName: Service Control Manager",
            "",
            "TimeCreated                      Id LevelDisplayName Message".PadRight(Width),
            "-----------                      -- ---------------- -------".PadRight(Width),
            "11/29/2026 10:30:00 AM         7036 Information      The WinRM service entered the running state.".PadRight(Width),
            "",
            "",
            "   ProviderName: Microsoft-Windows-Kernel-General",
            "",
            "TimeCreated                      Id LevelDisplayName Message".PadRight(Width),
            "-----------                      -- ---------------- -------".PadRight(Width),
            "11/29/2026 9:05:07 AM            12 Information      The operating system started.".PadRight(Width),
            "",
            "")));
    }

    [Test]
    public void Hot_fixes_are_the_Win32_QuickFixEngineering_table()
    {
        var hotFix = new PsObject([@"System.Management.ManagementObject#root\cimv2\Win32_QuickFixEngineering", "System.Management.ManagementObject", "System.Object"])
            .With("Source", "SERVER01").With("Description", "Security Update").With("HotFixID", "KB5031361").With("InstalledBy", "NT AUTHORITY\\SYSTEM")
            .With("InstalledOn", PsPrimitive.DateTime(new DateTimeOffset(2023, 10, 11, 0, 0, 0, TimeSpan.Zero)));

        var text = OutDefaultWriter.Format([hotFix], Width);

        Assert.That(text, Is.EqualTo(Lines(
            "",
            "Source        Description      HotFixID      InstalledBy          InstalledOn".PadRight(Width),
            "------        -----------      --------      -----------          -----------".PadRight(Width),
            "SERVER01      Security Update  KB5031361     NT AUTHORITY\\SYSTEM  10/11/2023 12:00:00 AM".PadRight(Width),
            "",
            "")));
    }

    [Test]
    public void Wrap_puts_text_too_long_for_its_column_on_more_lines_at_words()
    {
        var writer = new OutDefaultWriter(20) { Wrap = true, AutoSize = true };

        var text = writer.Add(Custom(("N", PsPrimitive.Int32(7)), ("Text", PsPrimitive.String("one two three four five")))) + writer.Complete();

        // N is 1 wide, Text takes the other 18 columns; its words go on as many lines as they need, N's cell blank there.
        Assert.That(text, Is.EqualTo(Lines(
            "",
            "N Text".PadRight(20),
            "- ----".PadRight(20),
            "7 one two three four",
            "  five".PadRight(20),
            "",
            "")));
    }

    [Test]
    public void A_long_file_name_wraps_in_the_children_view()
    {
        var text = OutDefaultWriter.Format([Item("System.IO.FileInfo", "-a----", "2026-01-12T09:40:00Z", "a-rather-long-file-name-for-a-narrow-console.txt", "C:\\", 1)], 79);

        // Name has 79 - 49 = 30 columns: the name goes on over two lines instead of ending in "...".
        Assert.That(OutDefaultWriter.Lines(text).Skip(7).Take(2), Is.EqualTo(new[]
        {
            "-a----        1/12/2026   9:40 AM              1 a-rather-long-file-name-for-a-",
            new string(' ', 49) + "narrow-console.txt".PadRight(30),
        }));
    }

    private static string Formatting(PsValue value, int width) => OutDefaultWriter.Format([value], width);
}

/// <summary>Random objects at random widths: the writer always answers, and a table never runs past the screen.</summary>
public class OutDefaultWriterRandomTests
{
    private static PsValue RandomValue(Random random, int depth) => random.Next(depth > 1 ? 6 : 9) switch
    {
        0 => PsPrimitive.String(new string((char)('a' + random.Next(26)), random.Next(0, 300))),
        1 => PsPrimitive.Int32(random.Next(int.MinValue, int.MaxValue)),
        2 => PsPrimitive.Double(random.NextDouble() * 1e6),
        3 => PsNil.Instance,
        4 => PsPrimitive.String("line one\r\nline two\nthree"),
        5 => PsPrimitive.DateTime(DateTimeOffset.UnixEpoch.AddSeconds(random.Next())),
        6 => PsObjects.List([.. Enumerable.Range(0, random.Next(0, 7)).Select(_ => RandomValue(random, depth + 1))]),
        7 => PsObjects.Dictionary([.. Enumerable.Range(0, random.Next(0, 4)).Select(i => new KeyValuePair<PsValue, PsValue>(PsPrimitive.String("k" + i), RandomValue(random, depth + 1)))]),
        _ => RandomObject(random, depth + 1),
    };

    private static PsObject RandomObject(Random random, int depth)
    {
        string[][] types = [["System.ServiceProcess.ServiceController", "System.Object"], ["System.Diagnostics.Process", "System.Object"], [PsObjects.PSCustomObjectTypeName, "System.Object"], ["Deserialized.Some.Type", "Deserialized.System.Object"],
            ["System.Diagnostics.Eventing.Reader.EventLogRecord", "System.Object"], ["System.IO.FileInfo", "System.Object"], [@"System.Management.ManagementObject#root\cimv2\Win32_QuickFixEngineering", "System.Object"]];
        var o = new PsObject(types[random.Next(types.Length)]);
        var names = new[] { "Name", "Status", "DisplayName", "Id", "Handles", "CPU", "A", "B", "C", "A-very-long-property-label-indeed" };
        for (var i = random.Next(0, 8); i > 0; i--) o.With(names[random.Next(names.Length)], RandomValue(random, depth));
        return o;
    }

    [Test]
    public void Any_objects_at_any_width_are_written_without_failing()
    {
        var seed = Environment.GetEnvironmentVariable("PSRP_FUZZ_SEED") is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : 20261129;
        var random = new Random(seed);
        for (var run = 0; run < 2_000; run++)
        {
            var width = random.Next(2, 200);
            var values = Enumerable.Range(0, random.Next(1, 6)).Select(_ => RandomValue(random, 0)).ToList();
            var time = new FakeTimeProvider();
            var writer = new OutDefaultWriter(width, time) { AutoSize = random.Next(2) == 0 };
            var text = new System.Text.StringBuilder();
            foreach (var value in values)
            {
                text.Append(writer.Add(value));
                time.Advance(TimeSpan.FromMilliseconds(random.Next(0, 400)));
            }

            text.Append(writer.Complete());
            Assert.That(text.ToString(), Does.Not.Contain("\r\r").And.Not.Contain("\n\n\n\n\n\n"), $"seed {seed} run {run}");
            var table = OutDefaultWriter.Format([RandomObject(random, 0), RandomObject(random, 0)], width, value => FormatViews.TableOf(value, ["Name", "DisplayName", "A-very-long-property-label-indeed"]));
            Assert.That(OutDefaultWriter.Lines(table).Max(l => l.Length), Is.LessThanOrEqualTo(Math.Max(width, 3)), $"seed {seed} run {run} width {width}:\n{table}");

            // Groups (Format-Table / Format-List -GroupBy) over held and released rows, a group's line never cut.
            var grouped = random.Next(2) == 0;
            var groupedText = OutDefaultWriter.Format([.. Enumerable.Range(0, random.Next(1, 6)).Select(_ => RandomObject(random, 0))], width,
                value => (grouped ? FormatViews.TableOf(value, ["Name", "Id"]) : FormatViews.ListOf(value, ["Name", "Id"])) is { } view
                    ? FormatViews.GroupedBy(view, "Status")
                    : null, autoSize: random.Next(2) == 0);
            Assert.That(groupedText, Does.Contain("   Status: ").And.Not.Contain("\r\r"), $"seed {seed} run {run}");
        }
    }
}

public class OutDefaultWriterDepthTests
{
    [Test]
    public void Arrays_nested_thousands_deep_are_enumerated_to_a_depth_and_then_written_as_text()
    {
        PsValue value = PsPrimitive.String("leaf");
        for (var i = 0; i < 100_000; i++) value = PsObjects.List([value]);

        var text = OutDefaultWriter.Format([value], 119);

        Assert.That(text, Is.EqualTo("{System.Object[]}\r\n"));
    }

    [Test]
    public void An_array_holding_itself_over_and_over_is_enumerated_within_a_budget()
    {
        PsValue value = PsPrimitive.String("x");
        for (var i = 0; i < 40; i++) value = PsObjects.List([value, value, value, value]);

        var lines = OutDefaultWriter.Lines(OutDefaultWriter.Format([value], 119)).Count();

        // Eight levels of four (65,536 lines) at most, not 4^40.
        Assert.That(lines, Is.EqualTo(65_536));
    }

    [Test]
    public void Objects_nested_thousands_deep_or_shared_many_times_are_written_with_their_text_cut()
    {
        // Each level holds the one below four times (CLIXML references can share an object so): 4^2500 paths.
        PsValue value = PsPrimitive.Int32(1);
        for (var i = 0; i < 5_000; i++) value = i % 2 == 0 ? PsObjects.CustomObject().With("x", value) : PsObjects.List([value, value, value, value]);

        var list = OutDefaultWriter.Format([PsObjects.CustomObject().With("Deep", value).With("b", 2).With("c", 3).With("d", 4).With("e", 5)], 119);

        Assert.That(list, Does.StartWith("\r\n\r\nDeep : {@{x=@{x=@{x=").And.Contain("System.Object[]"));
        // Each of the four items a cell shows is cut at about 10,000 characters.
        Assert.That(list.Length, Is.LessThan(4 * 12_000));
    }
}
