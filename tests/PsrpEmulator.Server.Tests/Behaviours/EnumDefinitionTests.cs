using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// A script's own enums (<c>enum Name { }</c>), as Windows PowerShell 5.1 defines them: Int32 members numbered from 0
/// (or from a constant given), <c>[Flags()]</c>, the type used as .NET's enums are (literals, casts, parameters,
/// typed variables and arrays, [enum]'s methods), kept by the session that defined it and no other.
/// </summary>
public class EnumDefinitionTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string text, RunspaceState? runspace = null) => Default.RunInSessionAsync(text, runspace);

    private static Task<string> OutputOfAsync(string text, RunspaceState? runspace = null) => Default.OutputTextsInSessionAsync(text, runspace);

    [TestCase("enum Color { Red; Green = 5; Blue }; [Color]::Red; [int][Color]::Blue; [Color]::Green.value__; [Color]6; [Color]'green'", "Red|6|5|Blue|Green")]
    [TestCase("enum Size {\n  Small = 0x10\n  Medium = 2 * 16\n  Large = [int]::MaxValue\n}\n[int][Size]::Small; [int][Size]::Medium; [int][Size]::Large", "16|32|2147483647")]
    [TestCase("enum Color { Red; Green }\n$c = [Color]::Green; $c -eq 'green'; $c -eq 1; $c -is [Color]; $c.GetType().FullName; switch ($c) { Green { 'matched' } }", "True|True|True|Color|matched")]
    [TestCase("enum Level { Low = -1; Mid; High }\n[Level]::Mid -lt [Level]::High; [int][Level]::Mid; [Level]::High.ToString('D'); [Level]::High.ToString('X')", "True|0|1|00000001")]
    public async Task An_enum_s_members_number_from_zero_or_from_a_constant_and_read_as_NET_enums_do(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [Test]
    public async Task A_Flags_enum_written_over_two_lines_combines_its_members_by_name() =>
        Assert.That(await OutputOfAsync(
                "[Flags()]\nenum Access { Read = 1; Write = 2; Execute = 4 }\n" +
                "[Access]::Read -bor [Access]::Write; [Access]'Read, Execute'; [Access]7; ([Access]3).HasFlag([Access]::Write); ([Access]1).HasFlag([Access]::Write)"),
            Is.EqualTo("Read, Write|Read, Execute|Read, Write, Execute|True|False"));

    [Test]
    public async Task An_enum_parameter_binds_names_and_numbers_and_refuses_another_name_listing_the_members()
    {
        var (host, _) = await RunAsync("enum Color { Red; Green }\nfunction Paint([Color]$Color) { \"paint $Color\" }\nPaint Green; Paint 0; Paint Purple; 'next'");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "paint Green", "paint Red", "next" }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("ParameterArgumentTransformationError,Paint",
                "Cannot process argument transformation on parameter 'Color'. Cannot convert value \"Purple\" to type \"Color\". Error: \"Unable to match the identifier name Purple to a valid enumerator name. Specify one of the following enumerator names and try again:\r\nRed, Green\""),
        }));
    }

    [Test]
    public async Task Typed_variables_arrays_and_the_type_s_own_methods_take_the_enum() =>
        Assert.That(await OutputOfAsync(
                "enum Color { Red; Green; Blue }\n[Color]$v = 'Green'; $v = 2; $v; [Color[]]$all = 'Red', 1; $all[1]; $all.Count; " +
                "[Color].GetEnumNames() -join ','; ([enum]::GetValues([Color]) | ForEach-Object { [int]$_ }) -join ','; [enum]::GetNames([Color]).Count; " +
                "[Color].IsEnum; [Color].BaseType; [Color].GetEnumName(1); [Color].IsEnumDefined('Blue')"),
            Is.EqualTo("Blue|Green|2|Red,Green,Blue|0,1,2|3|True|System.Enum|Green|True"));

    [Test]
    public async Task An_enum_value_goes_to_the_client_as_PowerShell_serializes_one()
    {
        var (host, _) = await RunAsync("enum Color { Red; Green }; [Color]::Green");

        var value = host.Outputs.Single();
        Assert.That(value, Is.InstanceOf<PsObject>());
        var enumValue = (PsObject)value;
        Assert.That(enumValue.TypeNames, Is.EqualTo(new[] { "Color", "System.Enum", "System.ValueType", "System.Object" }));
        Assert.That(enumValue.ToStringValue, Is.EqualTo("Green"));
        Assert.That(enumValue.BaseValue, Is.EqualTo(PsPrimitive.Int32(1)));
    }

    [Test]
    public async Task The_session_keeps_its_enum_for_later_pipelines_and_another_session_does_not_know_it()
    {
        var session = new RunspaceState();
        await RunAsync("enum Color { Red; Green }", session);

        Assert.That(await OutputOfAsync("[Color]::Green; [int][Color]'Green'", session), Is.EqualTo("Green|1"));
        Assert.That(await OutputOfAsync("[Color]::Green", session), Is.EqualTo("Green"));
        var (other, _) = await RunAsync("[Color]::Green", new RunspaceState());
        Assert.That(other.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "TypeNotFound" }));
    }

    [Test]
    public async Task A_member_may_take_another_enum_s_member_as_its_value() =>
        Assert.That(await OutputOfAsync("enum Base { One = 1; Two }\nenum Derived { First = [Base]::Two; Second }\n[int][Derived]::First; [int][Derived]::Second"),
            Is.EqualTo("2|3"));

    [Test]
    public async Task A_background_job_does_not_know_the_session_s_enum()
    {
        var (host, _) = await RunAsync("enum Color { Red; Green }\n$j = Start-Job { [Color]::Red }; $null = Wait-Job $j; Receive-Job $j; [Color]::Green");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Green" }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "TypeNotFound" }));
    }

    [Test]
    public async Task The_emulator_s_own_enums_take_the_same_methods_and_array_types() =>
        Assert.That(await OutputOfAsync(
                "[DayOfWeek[]]$days = 'Monday', 5; $days -join ','; [DayOfWeek]::Friday.ToString('D'); [DayOfWeek].GetEnumNames().Count; " +
                "[IO.FileAttributes]::Hidden.ToString('X'); ([IO.FileAttributes]'Hidden, ReadOnly').HasFlag([IO.FileAttributes]::Hidden)"),
            Is.EqualTo("Monday,Friday|5|7|00000002|True"));

    [Test]
    public async Task Get_Member_of_an_enum_value_lists_System_Enum_s_members_under_the_enum_s_name() =>
        Assert.That(await OutputOfAsync(
                "enum Color { Red }\n[Color]::Red | Get-Member -MemberType Property | ForEach-Object { \"$($_.TypeName) $($_.Name) $($_.Definition)\" }; " +
                "([DayOfWeek]::Monday | Get-Member -Name HasFlag).Definition"),
            Is.EqualTo("Color value__ int value__ {get;set;}|bool HasFlag(System.Enum flag)"));

    [Test]
    public async Task A_definition_run_again_with_other_members_replaces_the_type()
    {
        var session = new RunspaceState();
        await RunAsync("enum Color { Red; Green }", session);

        Assert.That(await OutputOfAsync("enum Color { Cyan = 7 }; [int][Color]::Cyan; [enum]::GetNames([Color]).Count", session), Is.EqualTo("7|1"));
    }

    [TestCase("'before'; enum E { A; a }", "MemberAlreadyDefined", "The member 'a' is already defined.")]
    [TestCase("'before'; enum E { A, B }", "MissingPropertyTerminator", "Missing ';' or end-of-line in property definition.")]
    [TestCase("'before'; enum E { A = }", "ExpectedValueExpression", "You must provide a value expression following the '=' operator.")]
    [TestCase("'before'; enum E { [int]A }", "MissingEndCurlyBrace", "Missing closing '}' in statement block or type definition.")]
    [TestCase("'before'; enum E : byte { A }", "MissingTypeBody", "Missing 'enum' body in 'enum' declaration.")]
    [TestCase("'before'; enum E { A = $x }", "EnumeratorValueMustBeConstant", "Enumerator value must be a constant value.")]
    [TestCase("'before'; enum E { A = (Get-Random) }", "EnumeratorValueMustBeConstant", "Enumerator value must be a constant value.")]
    [TestCase("'before'; enum { A }", "MissingNameAfterKeyword", "Missing name after enum keyword.")]
    public async Task A_definition_the_parser_refuses_fails_the_script_before_anything_runs(string script, string id, string message)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        // The message after its place in the script ("At line:1 char:21", the line, the tildes) where the parser places it.
        Assert.That((outcome.OutcomeError().FullyQualifiedErrorId, outcome.OutcomeError().Message.Split("\r\n")[^1]), Is.EqualTo((id, message)));
        Assert.That(host.OutputTexts, Is.Empty);
    }

    [TestCase("enum E { A = 2147483648 }", "EnumeratorValueTooLarge")]
    [TestCase("enum E { A = 2147483647; B }", "EnumeratorValueTooLarge")]
    [TestCase("enum E { A = 'x' }", "CannotConvertValue")]
    public async Task A_value_that_is_no_Int32_fails_the_definition(string script, string id)
    {
        var (host, outcome) = await RunAsync(script + "; [E]::A");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(outcome.OutcomeError().FullyQualifiedErrorId, Is.EqualTo(id));
        Assert.That(host.OutputTexts, Is.Empty);
    }
}
