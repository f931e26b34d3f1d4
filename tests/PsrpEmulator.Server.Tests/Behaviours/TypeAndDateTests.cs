using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Behaviours.Formatting;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// Types as values (<c>[int]</c>, <c>.GetType()</c>), DateTime and TimeSpan members and arithmetic, and a statement in
/// parentheses. Expected values are what PowerShell prints for the same script (checked in pwsh 7.6.9; the texts of
/// dates are en-US, a Windows server's usual culture).
/// </summary>
public class TypeAndDateTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string text)
    {
        // The session's clock, stopped at 10:30 UTC: Get-Date reads it.
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
    /// Windows PowerShell 5.1 runs on the .NET Framework, whose Double.ToString() gives 15 significant digits (Single:
    /// 7): Windows shows 0.333333333333333 and 49.9648722805149 (Ruby WinRM's own test expects that text) where
    /// PowerShell 7 shows 0.3333333333333333. The value sent as output keeps every digit.
    /// </summary>
    [TestCase("\"$(1/3)\"", "0.333333333333333")]
    [TestCase("(1/3).ToString()", "0.333333333333333")]
    [TestCase("[string](0.1 + 0.2)", "0.3")]
    [TestCase("'pi ' + [Math]::PI", "pi 3.14159265358979")]
    [TestCase("\"$([Math]::pow([Math]::PI * (4.5/2), 2))\"", "49.9648722805149")]
    [TestCase("(2/3 | Out-String).Trim()", "0.666666666666667")]
    [TestCase("(123456789012345678.0 | Out-String).Trim()", "1.23456789012346E+17")]
    [TestCase("\"$([single]1 / [single]3 -as [single])\"", "0.3333333")]
    [TestCase("'{0}|{0:N2}|{0,20}' -f (1/3)", "0.333333333333333|0.33|   0.333333333333333")]
    [TestCase("(1/3).ToString('R') + ' ' + (0.5).ToString('R') + ' ' + (1/3).ToString('G')", "0.33333333333333331 0.5 0.333333333333333")]
    [TestCase("([pscustomobject]@{ x = 1/3 } | Out-String).Trim()", "x\r\n                -\r\n0.333333333333333")]
    public async Task A_double_s_text_has_the_15_digits_of_the_NET_Framework(string text, string expected) =>
        Assert.That(await OutputOfAsync(text), Is.EqualTo(expected));

    [TestCase("[long]9007199254740993", "9007199254740993")]
    [TestCase("[int64]'9007199254740993'", "9007199254740993")]
    [TestCase("[uint64]'18446744073709551615'", "18446744073709551615")]
    [TestCase("@{ big = [long]9007199254740993 } | ConvertTo-Json -Compress", "{\"big\":9007199254740993}")]
    [TestCase("[long]2.5; [long]'12'; [long]-9223372036854775808", "2|12|-9223372036854775808")]
    public async Task A_64_bit_integer_cast_keeps_every_digit(string text, string expected) =>
        Assert.That(await OutputOfAsync(text), Is.EqualTo(expected));

    [TestCase("[version]::Parse('2.0.1').Build; [version]::new(1, 2, 3).ToString(); [version]::new('10.0').Major", "1|1.2.3|10")]
    [TestCase("(Get-Culture).TextInfo.ToTitleCase('hello wORLD of IIS'); (Get-Culture).TextInfo.ToUpper('abc')", "Hello World Of IIS|ABC")]
    [TestCase("$f = [cultureinfo]::CurrentCulture.DateTimeFormat; $f.ShortDatePattern; $f.LongTimePattern; (Get-Culture).NumberFormat.NumberDecimalSeparator", "M/d/yyyy|h:mm:ss tt|.")]
    [TestCase("$f = (Get-Culture).DateTimeFormat; $f.DayNames[1]; $f.DayNames.GetType().FullName; $f.MonthNames.Length", "Monday|System.String[]|13")]
    public async Task Version_factories_and_the_culture_s_text_and_format_infos_are_the_NET_Framework_s(string text, string expected) =>
        Assert.That(await OutputOfAsync(text), Is.EqualTo(expected));

    [TestCase("$a = @(1..3); $a.IsFixedSize; $a.Rank; $a.LongLength; $a.IsReadOnly; (New-Object System.Collections.ArrayList).IsFixedSize", "True|1|3|False|False")]
    public async Task An_array_has_System_Array_s_own_properties(string text, string expected) =>
        Assert.That(await OutputOfAsync(text), Is.EqualTo(expected));

    [TestCase("$s = ConvertTo-SecureString 'P@ss' -AsPlainText -Force; $s.Length; (ConvertTo-SecureString 'longer secret' -AsPlainText -Force).Length", "4|13")]
    public async Task A_SecureString_s_Length_is_its_text_s(string text, string expected) =>
        Assert.That(await OutputOfAsync(text), Is.EqualTo(expected));

    [TestCase("$o = [pscustomobject]@{ a = 1 }; $o.PSObject.TypeNames.Insert(0, 'My.Type'); $o.pstypenames.Add('Other.Type'); $o.pstypenames -join ','; $o.PSObject.TypeNames.Remove('Other.Type'); $o.pstypenames.Count; $o -is [pscustomobject]",
        "My.Type,System.Management.Automation.PSCustomObject,System.Object,Other.Type|True|3|True")]
    public async Task An_object_s_type_names_change_through_PSObject_TypeNames(string text, string expected) =>
        Assert.That(await OutputOfAsync(text), Is.EqualTo(expected));

    [TestCase("(5).pstypenames -join ','", "System.Int32,System.ValueType,System.Object")]
    [TestCase("'s'.pstypenames -join ','", "System.String,System.Object")]
    [TestCase("(Get-Date).pstypenames[0]; ([version]'1.2').pstypenames -join ','; $true.pstypenames[0]", "System.DateTime|System.Version,System.Object|System.Boolean")]
    [TestCase("$true.PSObject.TypeNames -join ','; $false.Count; $true.Length; $false.PSObject.BaseObject", "System.Boolean,System.ValueType,System.Object|1|1|False")]
    [TestCase("(5).Length; ([version]'1.2').Length; (New-TimeSpan -Minutes 1).Length; (Get-Date).Length; ([char]'a').Length; 'abc'.Length; $null.Length; $nothing.Count", "1|1|1|1|1|3|0|0")]
    [TestCase("([uri]'http://x/').pstypenames -join ','; ([regex]'a').pstypenames -join ','", "System.Uri,System.Object|System.Text.RegularExpressions.Regex,System.Object")]
    public async Task A_primitive_s_pstypenames_are_its_type_and_its_base_types(string text, string expected) =>
        Assert.That(await OutputOfAsync(text), Is.EqualTo(expected));

    /// <summary>A primitive with notes of its own (a client's Get-Date carries DisplayHint so) takes part in arithmetic as its base value.</summary>
    [TestCase("$d = [datetime]'2024-01-01' | Add-Member -NotePropertyName Tag -NotePropertyValue x -PassThru; ($d.AddDays(1) - $d).TotalHours; ($d - [datetime]'2023-12-31').Days; ($d + (New-TimeSpan -Hours 2)).Hour",
        "24|1|2")]
    [TestCase("$s = 'ab' | Add-Member -NotePropertyName Tag -NotePropertyValue x -PassThru; $s + 'c'; $n = 5 | Add-Member -NotePropertyName Tag -NotePropertyValue x -PassThru; $n * 2", "abc|10")]
    [TestCase("$d = [datetime]'2024-01-01' | Add-Member -NotePropertyName Tag -NotePropertyValue x -PassThru; [datetime]'2025-01-01' -gt $d; $d -eq [datetime]'2024-01-01'; ([datetime]$d).Year; $n = '7' | Add-Member -NotePropertyName Tag -NotePropertyValue x -PassThru; [int]$n + 1; 8 -gt $n",
        "True|True|2024|8|True")]
    [TestCase("$d = [datetime]'2024-03-05' | Add-Member -NotePropertyName Tag -NotePropertyValue x -PassThru; '{0:yyyy-MM}' -f $d; $n = 1.5 | Add-Member -NotePropertyName Tag -NotePropertyValue x -PassThru; '{0:N2}' -f $n", "2024-03|1.50")]
    public async Task A_primitive_with_notes_is_its_value_in_arithmetic(string text, string expected) =>
        Assert.That(await OutputOfAsync(text), Is.EqualTo(expected));

    [Test]
    public async Task A_double_sent_as_output_keeps_every_digit()
    {
        var (host, _) = await RunAsync("1/3");
        Assert.That(host.Outputs.Single(), Is.EqualTo(PsPrimitive.Double(1.0 / 3)));
    }

    [TestCase("[int]", "System.Int32")]
    [TestCase("[int].Name", "Int32")]
    [TestCase("[int].FullName", "System.Int32")]
    [TestCase("[int].ToString()", "System.Int32")]
    [TestCase("\"$([int])\"", "int")]
    [TestCase("\"$([hashtable]) $([string[]])\"", "hashtable string[]")]
    [TestCase("[object[]].BaseType", "System.Array")]
    [TestCase("[object].BaseType -eq $null", "True")]
    [TestCase("[string].IsValueType; [int].IsValueType; [int].IsPrimitive; [datetime].IsPrimitive", "False|True|True|False")]
    [TestCase("(5).GetType().FullName", "System.Int32")]
    [TestCase("'x'.GetType().Name", "String")]
    [TestCase("@(1, 2).GetType().FullName", "System.Object[]")]
    [TestCase("@{ a = 1 }.GetType().Name", "Hashtable")]
    [TestCase("([pscustomobject]@{ a = 1 }).GetType().FullName", "System.Management.Automation.PSCustomObject")]
    [TestCase("(Get-Service WinRM).GetType().FullName", "System.ServiceProcess.ServiceController")]
    [TestCase("(5).GetType() -eq [int]; [int] -eq [string]", "True|False")]
    [TestCase("$t = (5).GetType(); 7 -is $t; 'x' -is $t", "True|False")]
    [TestCase("$x = [string]; $x.Name", "String")]
    [TestCase("[array]$a = 1; $a.Count; ([array](1, 2)).Count; $null -eq [array]$null", "1|2|True")]
    [TestCase("[int][char]'A'; [char]([int][char]'a' + 1)", "65|b")]
    [TestCase("$a = [int]'1', '2'; $a[0].GetType().Name; $a[1].GetType().Name; ([string]5, 6)[1] + 1", "Int32|String|7")]
    [TestCase("[System.IO.Path]::Combine('C:\\a', 'b', 'c.txt'); [IO.Path]::Combine('C:\\a\\', 'D:\\x')", "C:\\a\\b\\c.txt|D:\\x")]
    [TestCase("[IO.Path]::GetFileName('C:\\a\\b.txt'); [IO.Path]::GetFileNameWithoutExtension('C:\\a\\b.txt'); [IO.Path]::GetExtension('x.tar.gz')", "b.txt|b|.gz")]
    [TestCase("[IO.Path]::GetDirectoryName('C:\\a\\b.txt'); [IO.Path]::GetDirectoryName('C:\\a'); $null -eq [IO.Path]::GetDirectoryName('C:\\')", "C:\\a|C:\\|True")]
    [TestCase("[IO.Path]::IsPathRooted('C:\\a'); [IO.Path]::IsPathRooted('a\\b'); [IO.Path]::GetPathRoot('\\\\srv\\share\\x'); [IO.Path]::ChangeExtension('a\\b.txt', 'log')", "True|False|\\\\srv\\share|a\\b.log")]
    [TestCase("'abc'.ToCharArray().Count; 'a-b-a'.LastIndexOf('a'); 'a-b-a'.IndexOf('a', 1); 'abc'.Insert(1, 'X'); 'abcdef'.Remove(2, 2); 'abcdef'.Remove(3); 'b'.CompareTo('a'); 'a'.Equals('A')", "3|4|4|aXbc|abef|abc|1|False")]
    [TestCase("[guid]::NewGuid().ToString().Length; [guid]::NewGuid().Guid.Length; [int]::MaxValue.GetType().Name", "36|36|Int32")]
    [TestCase("[DateTime]::Now.ToString('yyyy'); [DateTime]::UtcNow.AddDays(-1).Day; [Math]::Round(2.567, 1).ToString(); [string]::Join(',', @(1, 2)).Length", "2026|28|2.6|3")]
    public async Task A_type_is_a_value_with_its_members(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("$list = New-Object System.Collections.Generic.List[string]; $list.Add('a'); $list.Add(5); $list.Count; $list[1].GetType().Name", "2|String")]
    [TestCase("$l = [System.Collections.Generic.List[int]]::new(); $l.Add('7'); $l[0] + 1; $l.ToArray().GetType().Name; $l.GetType().Name", "8|Object[]|List`1")]
    [TestCase("[Collections.Generic.List[int]]@(1, '2') | ForEach-Object { $_.GetType().Name }; $a = [System.Collections.ArrayList]::new(); $a.Add('x')", "Int32|Int32|0")]
    [TestCase("$h = @{ b = 2; a = 1 }; $h.GetEnumerator() | Sort-Object Name | ForEach-Object { \"$($_.Name)=$($_.Value) $($_.Key)\" }", "a=1 a|b=2 b")]
    public async Task Generic_lists_grow_in_place_and_a_hashtable_enumerates_its_entries(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("$b = [Text.Encoding]::Unicode.GetBytes('ab'); $b.Count; $b.GetType().FullName; [Convert]::ToBase64String($b)", "4|System.Byte[]|YQBiAA==")]
    [TestCase("[System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('aGVsbG8='))", "hello")]
    [TestCase("[Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes('Get-Date'))", "RwBlAHQALQBEAGEAdABlAA==")]
    [TestCase("[Convert]::ToInt32('1F', 16); [Convert]::ToString(255, 2); [convert]::ToInt32('42')", "31|11111111|42")]
    [TestCase("[Text.Encoding]::UTF8.EncodingName; ([Text.Encoding]::ASCII.GetBytes('A'))[0]; [Text.Encoding]::BigEndianUnicode.GetBytes('a') -join ','", "Unicode (UTF-8)|65|0,97")]
    public async Task Convert_and_Text_Encoding_encode_text_as_dotnet(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("[System.Reflection.BindingFlags]'NonPublic, Instance'; [int][Reflection.BindingFlags]'Public,Static'", "Instance, NonPublic|24")]
    [TestCase("[IO.FileMode]'open'; [IO.FileAccess]3; [IO.SeekOrigin]'End' -is [enum]; [IO.FileShare]'Read, Write' -eq [IO.FileShare]::ReadWrite", "Open|ReadWrite|True|True")]
    public async Task The_enums_of_the_emulated_calls_convert_from_names_and_numbers(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("[Convert]::FromBase64String('!!')", "FormatException",
        "Exception calling \"FromBase64String\" with \"1\" argument(s): \"The input is not a valid Base-64 string as it contains a non-base 64 character, more than two padding characters, or an illegal character among the padding characters. \"")]
    [TestCase("[Convert]::ToInt32('zz', 16)", "FormatException", "Exception calling \"ToInt32\" with \"2\" argument(s): \"Could not find any recognizable digits.\"")]
    [TestCase("[Convert]::ToBase64String(@(1, 300))", "InvalidCastIConvertible", "Cannot convert value \"300\" to type \"System.Byte\". Error: \"Value was either too large or too small for an unsigned byte.\"")]
    [TestCase("[Foo]", "TypeNotFound", "Unable to find type [Foo].")]
    [TestCase("[Foo.Bar]::Baz()", "TypeNotFound", "Unable to find type [Foo.Bar].")]
    [TestCase("[System.Net.Sockets.UdpClient]::new('localhost', 80)", "PsrpEmulator.ScenarioError", "[System.Net.Sockets.UdpClient] is a .NET type the emulator does not emulate: give the command a rule (match: its whole text)")]
    [TestCase("[System.Net.Dns]::GetHostByAddress('127.0.0.1')", "PsrpEmulator.ScenarioError", "[System.Net.Dns]::GetHostByAddress() is not emulated: give the command a rule (match: its whole text)")]
    [TestCase("[Math]::Frobnicate(1)", "MethodNotFound", "Method invocation failed because [System.Math] does not contain a method named 'Frobnicate'.")]
    [TestCase("[Math]::Frobnicate(1).Length", "MethodNotFound", "Method invocation failed because [System.Math] does not contain a method named 'Frobnicate'.")]
    [TestCase("[Environment]::GetLogicalDrives().Count", "PsrpEmulator.ScenarioError", "[System.Environment]::GetLogicalDrives() is not emulated: give the command a rule (match: its whole text)")]
    [TestCase("[Text.StringWriter]::new()", "PsrpEmulator.ScenarioError", "[Text.StringWriter] is a .NET type the emulator does not emulate: give the command a rule (match: its whole text)")]
    [TestCase("[Console]::WriteLine('x')", "PsrpEmulator.ScenarioError", "[System.Console]::WriteLine() is not emulated: give the command a rule (match: its whole text)")]
    [TestCase("[System.IO.DriveType]::Fixed", "PsrpEmulator.ScenarioError", "[System.IO.DriveType] is a .NET type the emulator does not emulate: give the command a rule (match: its whole text)")]
    [TestCase("[Security.Cryptography.X509Certificates.X509Store]'My'", "PsrpEmulator.ScenarioError", "[Security.Cryptography.X509Certificates.X509Store] is a .NET type the emulator does not emulate: give the command a rule (match: its whole text)")]
    // System.Web is not loaded until Add-Type -AssemblyName System.Web.
    [TestCase("[Web.HttpUtility]::UrlEncode('a b')", "TypeNotFound", "Unable to find type [Web.HttpUtility].")]
    [TestCase("[wmisearcher]'SELECT * FROM Win32_Process'", "PsrpEmulator.ScenarioError", "[wmisearcher] is a .NET type the emulator does not emulate: give the command a rule (match: its whole text)")]
    // 5.1's accelerators a real Server 2019 lists ([IPEndpoint] is System.Net.IPEndPoint): Windows has them, so not TypeNotFound.
    [TestCase("[IPEndpoint]::new([ipaddress]'10.0.0.1', 80)", "PsrpEmulator.ScenarioError", "[IPEndpoint] is a .NET type the emulator does not emulate: give the command a rule (match: its whole text)")]
    [TestCase("[PhysicalAddress]::Parse('00-15-5D-0A-01-04')", "PsrpEmulator.ScenarioError", "[PhysicalAddress] is a .NET type the emulator does not emulate: give the command a rule (match: its whole text)")]
    [TestCase("$null.GetType()", "InvokeMethodOnNull", "You cannot call a method on a null-valued expression.")]
    [TestCase("$nothing.ToUpper()", "InvokeMethodOnNull", "You cannot call a method on a null-valued expression.")]
    [TestCase("[hashtable]5", "ConvertToFinalInvalidCastException", "Cannot convert the \"5\" value of type \"System.Int32\" to type \"System.Collections.Hashtable\".")]
    // A PSCustomObject is no IConvertible: no conversion is found, and the error names its first type name.
    [TestCase("[int][pscustomobject]@{ a = 1 }", "ConvertToFinalInvalidCastException", "Cannot convert the \"@{a=1}\" value of type \"System.Management.Automation.PSCustomObject\" to type \"System.Int32\".")]
    [TestCase("[double][pscustomobject]@{ a = 1 }", "ConvertToFinalInvalidCastException", "Cannot convert the \"@{a=1}\" value of type \"System.Management.Automation.PSCustomObject\" to type \"System.Double\".")]
    [TestCase("[int][System.Collections.ArrayList]@(1, 2)", "ConvertToFinalInvalidCastException", "Cannot convert the \"1 2\" value of type \"System.Collections.ArrayList\" to type \"System.Int32\".")]
    [TestCase("[scriptblock]'x'", "ConvertToFinalInvalidCastException", "Cannot convert the \"x\" value of type \"System.String\" to type \"System.Management.Automation.ScriptBlock\".")]
    public async Task A_statement_error_about_types_or_null_is_PowerShells_and_the_script_goes_on(string statement, string id, string message)
    {
        var (host, outcome) = await RunAsync(statement + "; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[] { (id, message) }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [TestCase("(Get-Date).Year; (Get-Date).Month; (Get-Date).Day; (Get-Date).Hour; (Get-Date).Minute", "2026|11|29|10|30")]
    [TestCase("\"$((Get-Date).DayOfWeek)\"; (Get-Date).DayOfYear", "Sunday|333")]
    [TestCase("(Get-Date).Date.Hour; (Get-Date).TimeOfDay.TotalMinutes", "0|630")]
    [TestCase("([datetime]'2024-01-02').AddDays(3).ToShortDateString()", "1/5/2024")]
    [TestCase("([datetime]'2024-01-31').AddMonths(1).ToLongDateString()", "Thursday, February 29, 2024")]
    [TestCase("([datetime]'2024-01-02 13:05:09').ToLongTimeString(); ([datetime]'2024-01-02 13:05:09').ToShortTimeString()", "1:05:09 PM|1:05 PM")]
    [TestCase("([datetime]'2024-03-01' - [datetime]'2024-02-01').Days", "29")]
    [TestCase("((Get-Date) - (Get-Date).AddHours(-2)).TotalHours", "2")]
    [TestCase("(Get-Date).AddMinutes(-5) -lt (Get-Date); ((Get-Date).AddDays(1) -lt (Get-Date))", "True|False")]
    [TestCase("((Get-Date) + ((Get-Date) - (Get-Date).AddSeconds(-90))).Minute", "31")]
    [TestCase("$span = [datetime]'2024-01-02 06:00' - [datetime]'2024-01-01'; $span.Days; $span.Hours; $span.TotalHours", "1|6|30")]
    [TestCase("Get-Date -Format D; Get-Date -Format F; (Get-Date).ToString('d'); (Get-Date).ToString('t')", "Sunday, November 29, 2026|Sunday, November 29, 2026 10:30:00 AM|11/29/2026|10:30 AM")]
    [TestCase("'{0:C}' -f 5; '{0:C}' -f -5; '{0:P0}' -f 0.256; '{0:N2}' -f 1234.567; (0.5).ToString('P')", "$5.00|($5.00)|26 %|1,234.57|50.00 %")]
    public async Task DateTime_and_TimeSpan_members_and_arithmetic_answer_as_NET(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("\"$(Get-Date)\"; [string](Get-Date); \"at $([datetime]'2024-01-02 13:05:09')\"", "11/29/2026 10:30:00|11/29/2026 10:30:00|at 01/02/2024 13:05:09")]
    [TestCase("(Get-Date) -gt '2020-01-01'; (Get-Date) -lt '2020-01-01'; [datetime]'2026-11-29 10:30' -eq '11/29/2026 10:30:00'", "True|False|True")]
    [TestCase("[datetime]'2025-12-31' -lt [datetime]'2026-01-01'; (Get-Date).AddDays(-400), (Get-Date) | Sort-Object | % Year", "True|2025|2026")]
    [TestCase("(Get-Date) -eq 'soon'; (Get-Date) -ne 'soon'", "False|True")]
    [TestCase("5 -eq 'abc'; 5 -gt ''; 5 -gt '4'; 3, 'b', 1, 'a' | Sort-Object", "False|True|True|1|3|a|b")]
    [TestCase("(New-TimeSpan -Days 1) -gt (New-TimeSpan -Hours 2); (New-TimeSpan -Days 1) -gt '02:00:00'", "True|True")]
    [TestCase("[version]'10.0.2' -lt [version]'10.0.10'; [version]'10.0.17763' -ge '10.0.14393'; [version]'1.2' -eq '1.2'", "True|True|True")]
    [TestCase("[version]'10.0.2', [version]'10.0.10', [version]'9.1' | Sort-Object | % { \"$_\" }", "9.1|10.0.2|10.0.10")]
    public async Task Dates_time_spans_and_versions_compare_and_sort_as_their_types_with_the_right_operand_converted(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("(Get-Date) -gt 'soon'", "Could not compare \"11/29/2026 10:30:00\" to \"soon\". Error: \"Cannot convert value \"soon\" to type \"System.DateTime\". Error: \"String was not recognized as a valid DateTime.\"\"")]
    [TestCase("5 -gt 'abc'", "Could not compare \"5\" to \"abc\". Error: \"Cannot convert value \"abc\" to type \"System.Int32\". Error: \"Input string was not in a correct format.\"\"")]
    [TestCase("[version]'1.0' -lt 'one'", "Could not compare \"1.0\" to \"one\". Error: \"Cannot convert value \"one\" to type \"System.Version\". Error: \"Version string portion was too short or too long.\"\"")]
    public async Task Ordering_a_date_or_version_against_text_that_is_none_is_PowerShells_ComparisonFailure(string statement, string message)
    {
        var (host, outcome) = await RunAsync(statement + "; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message, e.Category)), Is.EqualTo(new[] { ("ComparisonFailure", message, ErrorCategory.InvalidOperation) }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [TestCase("Get-ChildItem C:\\ | Sort-Object LastWriteTime | % Name", "PerfLogs|Program Files (x86)|Users|setup.log|Program Files|Windows")]
    [TestCase("Get-ChildItem C:\\ | Where-Object { $_.LastWriteTime -lt (Get-Date).AddYears(-5) } | % Name", "PerfLogs|Program Files (x86)")]
    [TestCase("(Get-ChildItem C:\\)[0].LastWriteTime -is [datetime]; (Get-ChildItem C:\\)[0].LastWriteTime.Year", "True|2018")]
    [TestCase("$os = Get-CimInstance Win32_OperatingSystem; ((Get-Date) - $os.LastBootUpTime).Days; \"$($os.LastBootUpTime)\"", "321|01/12/2026 09:35:00")]
    [TestCase("$e = Get-WinEvent System -MaxEvents 2; $e[0].TimeCreated -lt (Get-Date); \"$($e[1].TimeCreated)\"; $e[1].Level.GetType().Name", "True|01/12/2026 09:35:00|Byte")]
    public async Task The_default_scenarios_times_are_DateTimes_as_Windows_writes_them(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("(1 -lt 2)", "True")]
    [TestCase("((1) -lt 2)", "True")]
    [TestCase("('a', 'b')", "a|b")]
    [TestCase("(Get-Service WinRM).Status", "Running")]
    public async Task A_statement_in_parentheses_is_its_value(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [Test]
    public async Task Out_Default_writes_a_type_in_its_IsPublic_IsSerial_Name_BaseType_view()
    {
        var (host, _) = await RunAsync("[int]; [hashtable]");

        // Widths 8, 8 and 40; BaseType takes the rest of the 119 columns, padded as 5.1 pads a table's last column.
        Assert.That(OutDefaultWriter.Format(host.Outputs, 119), Is.EqualTo(string.Join("\r\n",
            "",
            "IsPublic IsSerial Name                                     " + "BaseType".PadRight(60),
            "-------- -------- ----                                     " + "--------".PadRight(60),
            "True     True     Int32                                    " + "System.ValueType".PadRight(60),
            "True     True     Hashtable                                " + "System.Object".PadRight(60),
            "",
            "") + "\r\n"));
    }

    [TestCase("[regex]::Match('id=42', '\\d+').Value", "42")]
    [TestCase("$m = [regex]::Match('id=42 x=7', '(\\w+)=(\\d+)'); $m.Success; $m.Groups[1].Value; $m.Groups[2].Value; $m.Index; $m.Groups.Count", "True|id|42|0|3")]
    [TestCase("[regex]::Matches('a1b22c333', '\\d+') | ForEach-Object { $_.Value }", "1|22|333")]
    [TestCase("([regex]::Matches('a1b22c333', '\\d+')).Count; ([regex]::Matches('abc', '\\d')).Count", "3|0")]
    [TestCase("[regex]::IsMatch('Hello', 'hello'); [regex]::IsMatch('Hello', 'hello', 'IgnoreCase')", "False|True")]
    [TestCase("[regex]::Replace('a-b-c', '-', '+'); [regex]::Replace('A-b', 'a', 'x', 'IgnoreCase')", "a+b+c|x-b")]
    [TestCase("[regex]::Split('a1b2c', '\\d') -join ','", "a,b,c")]
    [TestCase("[regex]::Escape('a.b*c'); [regex]::Unescape('a\\.b')", "a\\.b\\*c|a.b")]
    [TestCase("[regex]::Match('abc', 'z').Success", "False")]
    [TestCase("\"$([regex]::Match('id=42', '\\d+'))\"", "42")]
    [TestCase("[System.Text.RegularExpressions.Regex]::IsMatch('a', 'a'); [regex]", "True|System.Text.RegularExpressions.Regex")]
    [TestCase("[regex]::Match('x=1', '(?<key>\\w)=').Groups[1].Name", "key")]
    // System.Uri: a cast takes a relative one too (PowerShell's ConvertStringToUri); the properties are .NET's.
    [TestCase("$u = [uri]'https://Example.com:8443/a/b.txt?x=1&y=2#top'; $u.Host; $u.Port; $u.AbsolutePath; $u.Query; $u.Fragment; $u.Scheme; $u.Segments -join ','; $u.IsDefaultPort",
        "example.com|8443|/a/b.txt|?x=1&y=2|#top|https|/,a/,b.txt|False")]
    [TestCase("([uri]'http://srv/x y').AbsoluteUri; ([uri]'rel/path').IsAbsoluteUri; \"$([uri]'http://a/b')\"; (New-Object Uri 'http://a:80/').IsDefaultPort", "http://srv/x%20y|False|http://a/b|True")]
    [TestCase("[uri]::EscapeDataString('a b&c=d/é'); [uri]::UnescapeDataString('a%20b%2Fc'); [uri]::IsWellFormedUriString('http://a/b', 'Absolute'); [uri]::IsWellFormedUriString('not a uri', 'Absolute')",
        "a%20b%26c%3Dd%2F%C3%A9|a b/c|True|False")]
    // System.Net.WebUtility (System.dll's): a space is '+', hex upper-case, an apostrophe &#39;; $null stays $null.
    [TestCase("[System.Net.WebUtility]::UrlEncode('a b&c=d/é'); [Net.WebUtility]::UrlDecode('a+b%2fc'); [System.Net.WebUtility]::HtmlEncode(\"<a href='x'>&</a>\"); [System.Net.WebUtility]::HtmlDecode('&lt;&#39;&amp;'); $null -eq [System.Net.WebUtility]::UrlEncode($null)",
        "a+b%26c%3Dd%2F%C3%A9|a b/c|&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;|<'&|True")]
    [TestCase("([uri]::new([uri]'http://a/b/c', '../d')).AbsoluteUri; ([System.Uri]'file:///C:/x/y.txt').LocalPath", "http://a/d|C:\\x\\y.txt")]
    public async Task A_uri_takes_a_url_apart_as_dotnets_does(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    // DateTimeOffset for Unix times; the server's zone is UTC, so Now has offset +00:00.
    [TestCase("[DateTimeOffset]::UtcNow.ToUnixTimeSeconds(); [DateTimeOffset]::Now.Offset.TotalHours", "1795948200|0")]
    [TestCase("[DateTimeOffset]::FromUnixTimeSeconds(1700000000).UtcDateTime.ToString('o'); \"$([DateTimeOffset]::FromUnixTimeSeconds(0))\"", "2023-11-14T22:13:20.0000000Z|1/1/1970 12:00:00 AM +00:00")]
    [TestCase("([DateTimeOffset](Get-Date '2024-01-02 03:04:05')).ToUnixTimeMilliseconds(); ([datetimeoffset]'2020-01-01T00:00:00+02:00').UtcDateTime.Hour", "1704164645000|22")]
    [TestCase("$t = [DateTimeOffset]::FromUnixTimeMilliseconds(1500); $t.AddSeconds(1).ToUnixTimeMilliseconds(); $t.Year; $t.GetType().FullName", "2500|1970|System.DateTimeOffset")]
    public async Task A_DateTimeOffset_converts_Unix_times_as_dotnets_does(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [Test]
    public async Task Environment_TickCount_is_the_milliseconds_since_boot_wrapped_to_an_Int32()
    {
        var up = new DateTimeOffset(2026, 11, 29, 10, 30, 0, TimeSpan.Zero) - EventLogs.DefaultBoot;

        Assert.That(await OutputOfAsync("[Environment]::TickCount"), Is.EqualTo(unchecked((int)(long)up.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    // A Regex object: [regex]'p' (case-sensitive: no options), ::new(p, options), New-Object regex p; its methods are the static ones of its pattern.
    [TestCase("([regex]'\\d+').Match('ab12').Value; $r = [regex]'^a'; $r.IsMatch('A'); $r.IsMatch('abc'); \"$r\"", "12|False|True|^a")]
    [TestCase("$r = [regex]::new('^a', 'IgnoreCase'); $r.IsMatch('A'); $r.Options; $r.GetType().FullName", "True|IgnoreCase|System.Text.RegularExpressions.Regex")]
    [TestCase("$r = New-Object regex 'b+'; $r.Replace('abbbc', '-'); ($r.Matches('ab-bb') | ForEach-Object Value) -join ','; ([regex]'\\s*,\\s*').Split('a , b,c') -join '|'", "a-c|b,bb|a|b|c")]
    [TestCase("[regex]$p = '(?<n>\\d+)'; $p.Match('x7').Groups['n'].Value; $p.GetGroupNames() -join ','", "7|0,n")]
    public async Task Regex_static_methods_work_as_dotnets(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("[regex]::Match('x', '(')", "Exception calling \"Match\" with \"2\" argument(s): \"parsing \"(\" - Not enough )'s.\"")]
    [TestCase("[regex]::Frob('x')", "Method invocation failed because [System.Text.RegularExpressions.Regex] does not contain a method named 'Frob'.")]
    public async Task A_regex_method_error_is_the_statements_error_in_Windows_PowerShells_words(string script, string message)
    {
        var (host, outcome) = await RunAsync(script + "; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Single().Message, Is.EqualTo(message));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [TestCase("$o = [pscustomobject]@{ a = 1; b = 'x' }; $o.PSObject.Properties | ForEach-Object Name", "a|b")]
    [TestCase("$o = [pscustomobject]@{ a = 1; b = 'x' }; $o.PSObject.Properties | ForEach-Object { \"$($_.Name)=$($_.Value) $($_.MemberType) $($_.TypeNameOfValue)\" }",
        "a=1 NoteProperty System.Int32|b=x NoteProperty System.String")]
    [TestCase("$o = [pscustomobject]@{ a = 1 }; $o.PSObject.Properties | ForEach-Object { $_.ToString() }; $o.PSObject.TypeNames[0]; $o.PSObject.BaseObject.a",
        "int a=1|System.Management.Automation.PSCustomObject|1")]
    // ServiceController's properties in its order (Name, an alias in types.ps1xml, is not asked its MemberType).
    [TestCase("(Get-Service WinRM).PSObject.Properties.Name -join ','; (Get-Service WinRM).PSObject.Properties | Select-Object -Skip 2 -First 1 -ExpandProperty MemberType",
        "Name,RequiredServices,CanPauseAndContinue,CanShutdown,CanStop,DisplayName,DependentServices,MachineName,ServiceName,ServicesDependedOn,ServiceHandle,Status,ServiceType,StartType,Site,Container|Property")]
    [TestCase("$o = [pscustomobject]@{ a = 1; b = 2 }; foreach ($p in $o.PSObject.Properties) { $p.Name + '=' + $p.Value }", "a=1|b=2")]
    public async Task An_objects_PSObject_lists_its_properties(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("[int]::Parse('5') + 1; [int]::Parse(' -12 '); [long]::Parse('9000000000'); [double]::Parse('1,234.5')", "6|-12|9000000000|1234.5")]
    [TestCase("[datetime]::ParseExact('2024-01-02', 'yyyy-MM-dd', $null).Year; [datetime]::Parse('1/2/2024').Day; [datetime]::Parse('2024-01-02T10:00:00+02:00').Hour", "2024|2|8")]
    public async Task Parse_methods_read_text_in_the_servers_culture(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("[int]::Parse('abc')", "Exception calling \"Parse\" with \"1\" argument(s): \"Input string was not in a correct format.\"")]
    [TestCase("[int]::Parse('99999999999')", "Exception calling \"Parse\" with \"1\" argument(s): \"Value was either too large or too small for an Int32.\"")]
    [TestCase("[datetime]::ParseExact('2024', 'yyyy-MM-dd', $null)", "Exception calling \"ParseExact\" with \"3\" argument(s): \"String was not recognized as a valid DateTime.\"")]
    public async Task A_parse_of_text_that_is_not_a_value_is_the_methods_error(string script, string message)
    {
        var (host, outcome) = await RunAsync(script + "; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Single().Message, Is.EqualTo(message));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [TestCase("[Environment]::OSVersion.Version.Build; [System.Environment]::OSVersion.Platform; \"$([Environment]::OSVersion)\"", "17763|Win32NT|Microsoft Windows NT 10.0.17763.0")]
    [TestCase("[TimeZoneInfo]::Local.Id; [System.TimeZoneInfo]::Local.BaseUtcOffset.TotalHours; \"$([TimeZoneInfo]::Utc)\"", "UTC|0|(UTC) Coordinated Universal Time")]
    [TestCase("[Environment]::ProcessorCount; [Environment]::Is64BitOperatingSystem; [Environment]::Is64BitProcess", "2|True|True")]
    // A remote session's process is wsmprovhost.exe in session 0: not interactive, the command line its Win32_Process has.
    [TestCase("[Environment]::UserInteractive; [Environment]::CommandLine", "False|C:\\Windows\\system32\\wsmprovhost.exe -Embedding")]
    [TestCase("[IntPtr]::Size; if ([IntPtr]::Size -eq 8) { '64-bit' }; [System.IntPtr].IsPrimitive", "8|64-bit|True")]
    public async Task Environment_describes_the_default_computers_Windows(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    /// <summary>Puppet Bolt's wrapper: the console's encodings are the OEM code page's (no UTF-8), and what a script sets is kept.</summary>
    [Test]
    public async Task Console_encodings_are_the_OEM_code_page_and_keep_what_a_script_sets()
    {
        var (host, outcome) = await RunAsync("""
            [Console]::OutputEncoding.CodePage; [Console]::InputEncoding.WebName
            if ([Console]::OutputEncoding -eq [System.Text.Encoding]::UTF8) { 'utf8' } else { 'oem' }
            [Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $False
            $OutputEncoding = [Console]::OutputEncoding
            $OutputEncoding.CodePage
            [Console]::InputEncoding = 'x'
            """);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "437", "IBM437", "oem", "65001" }));
        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("PsrpEmulator.ScenarioError"));
    }

    [Test]
    public async Task A_pointer_made_from_a_number_is_a_scenario_error_not_a_cast_error()
    {
        var (host, _) = await RunAsync("[IntPtr]5; 'next'");

        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("PsrpEmulator.ScenarioError"));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [Test]
    public async Task A_static_property_the_emulator_does_not_know_read_further_is_a_scenario_error_not_an_unknown_command()
    {
        var (host, outcome) = await RunAsync("[Environment]::WorkingSet.ToString(); 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("PsrpEmulator.ScenarioError"));
        Assert.That(host.Errors.Single().Message, Does.Contain("[System.Environment]::WorkingSet"));
    }

    /// <summary>
    /// A TimeSpan's totals are Doubles as the .NET Framework writes them: 15 digits in its list view (pwsh 7.6 shows the
    /// same, 0.791666666666667), "R" (G17 when G15 does not read back) in 5.1's JSON.
    /// </summary>
    [Test]
    public async Task A_time_span_s_totals_are_written_as_the_NET_Framework_writes_doubles()
    {
        var list = await OutputOfAsync("(Get-Date '2020-01-01') - (Get-Date '2019-12-31 05:00') | Out-String");
        var json = await OutputOfAsync("[timespan]'19:00:00' | ConvertTo-Json -Compress");

        Assert.That(list, Does.Contain("TotalDays         : 0.791666666666667\r\n"));
        Assert.That(json, Does.Contain("\"TotalDays\":0.79166666666666663,"));
    }
}
