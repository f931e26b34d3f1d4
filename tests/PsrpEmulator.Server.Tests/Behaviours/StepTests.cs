using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

public class StepTests
{
    private static Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string steps, string command = "go", params PsValue[] input)
    {
        var yaml = "behaviours:\n  - regex: '(?<cmd>go)(?: (?<arg>.*))?'\n    steps:\n" +
                   string.Join("\n", steps.Split('\n').Select(l => "      " + l));
        return BehaviourCatalog.Parse(yaml).RunScriptAsync(command, input);
    }

    private static PsPrimitive Primitive(PsValue value) => value as PsPrimitive ?? throw new AssertionException($"expected a primitive, got {value.GetType().Name}");

    [TestCase("hello", PsPrimitiveType.String, "hello")]
    [TestCase("'42'", PsPrimitiveType.String, "42")]
    [TestCase("\"true\"", PsPrimitiveType.String, "true")]
    [TestCase("42", PsPrimitiveType.Int32, 42)]
    [TestCase("-7", PsPrimitiveType.Int32, -7)]
    [TestCase("2147483647", PsPrimitiveType.Int32, int.MaxValue)]
    [TestCase("2147483648", PsPrimitiveType.Int64, 2147483648L)]
    [TestCase("0x10", PsPrimitiveType.Int32, 16)]
    [TestCase("1.5", PsPrimitiveType.Double, 1.5)]
    [TestCase("1e3", PsPrimitiveType.Double, 1000.0)]
    [TestCase(".5", PsPrimitiveType.Double, 0.5)]
    [TestCase("true", PsPrimitiveType.Boolean, true)]
    [TestCase("False", PsPrimitiveType.Boolean, false)]
    [TestCase("1.2.3", PsPrimitiveType.String, "1.2.3")]
    [TestCase("12abc", PsPrimitiveType.String, "12abc")]
    [TestCase("!!str 42", PsPrimitiveType.String, "42")]
    [TestCase("!!int '7'", PsPrimitiveType.Int32, 7)]
    [TestCase("!!float '7'", PsPrimitiveType.Double, 7.0)]
    [TestCase("!!bool 'True'", PsPrimitiveType.Boolean, true)]
    [TestCase("'@{a=1}'", PsPrimitiveType.String, "@{a=1}")]
    [TestCase("x{a b}y{", PsPrimitiveType.String, "x{a b}y{")]
    [TestCase("'{{literal}}'", PsPrimitiveType.String, "{literal}")]
    public async Task Output_scalars_are_typed_by_their_form(string yaml, PsPrimitiveType type, object value)
    {
        var (host, _) = await RunAsync("- output: " + yaml);
        var p = Primitive(host.Outputs.Single());
        Assert.That(p.Type, Is.EqualTo(type));
        Assert.That(p.Value, Is.EqualTo(value));
    }

    [TestCase("!!timestamp 2018-09-15T07:19:00Z", "DT", "2018-09-15T07:19:00.0000000Z")]
    [TestCase("!!timestamp 2018-09-15", "DT", "2018-09-15T00:00:00.0000000+00:00")]
    [TestCase("!!timestamp 2018-09-15 07:19:00", "DT", "2018-09-15T07:19:00.0000000+00:00")]
    [TestCase("!datetime 2018-09-15T07:19:00.5-05:00", "DT", "2018-09-15T07:19:00.5000000-05:00")]
    [TestCase("!timespan 1.02:03:04", "TS", "P1DT2H3M4S")]
    [TestCase("!TimeSpan 00:30:00", "TS", "PT30M")]
    [TestCase("!timespan PT1M30S", "TS", "PT1M30S")]
    [TestCase("!guid 9ed8f0a1-52bb-4a5a-a3e0-5d0a4f04c1b2", "G", "9ed8f0a1-52bb-4a5a-a3e0-5d0a4f04c1b2")]
    [TestCase("!version 10.0.17763.1", "Version", "10.0.17763.1")]
    [TestCase("!semver 7.6.9-preview.1", "SemanticVersion", "7.6.9-preview.1")]
    [TestCase("!uri https://server01:5986/wsman", "URI", "https://server01:5986/wsman")]
    [TestCase("!char A", "C", "65")]
    [TestCase("!byte 255", "By", "255")]
    [TestCase("!sbyte -1", "SB", "-1")]
    [TestCase("!int16 -300", "I16", "-300")]
    [TestCase("!uint16 65535", "U16", "65535")]
    [TestCase("!int 42", "I32", "42")]
    [TestCase("!uint32 4294967295", "U32", "4294967295")]
    [TestCase("!long 42", "I64", "42")]
    [TestCase("!uint64 18446744073709551615", "U64", "18446744073709551615")]
    [TestCase("!single 1.5", "Sg", "1.5")]
    [TestCase("!double 2", "Db", "2")]
    [TestCase("!decimal 19.99", "D", "19.99")]
    [TestCase("!!binary AQID", "BA", "AQID")]
    [TestCase("!bytes AQID", "BA", "AQID")]
    public async Task Output_tags_name_the_CLIXML_primitive_a_scalar_becomes(string yaml, string tag, string wireText)
    {
        var (host, _) = await RunAsync("- output: " + yaml);
        var xml = ClixmlSerializer.SerializeToString(host.Outputs.Single());
        Assert.That(xml, Is.EqualTo($"<{tag}>{wireText}</{tag}>"));
    }

    [Test]
    public async Task A_tagged_placeholder_converts_when_the_rule_runs_and_a_bad_value_fails_the_pipeline()
    {
        var (host, outcome) = await RunAsync("- output: !datetime \"{arg}\"", "go 2026-01-12T09:35:00Z");
        Assert.That(ClixmlSerializer.SerializeToString(host.Outputs.Single()), Is.EqualTo("<DT>2026-01-12T09:35:00.0000000Z</DT>"));
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));

        var (bad, failed) = await RunAsync("- output: !datetime \"{arg}\"", "go soon");
        Assert.That(bad.Outputs, Is.Empty);
        Assert.That(failed.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(failed.OutcomeError().Message, Does.Contain("value 'soon' is not a date and time"));
    }

    [TestCase("~")]
    [TestCase("null")]
    [TestCase("")]
    public async Task Output_null_is_nil(string yaml)
    {
        var (host, _) = await RunAsync("- output: " + yaml);
        Assert.That(host.Outputs.Single(), Is.SameAs(PsNil.Instance));
    }

    [Test]
    public async Task Output_placeholders_make_strings_unless_a_tag_says_otherwise()
    {
        var (host, _) = await RunAsync("- output: \"{arg}\"\n- output: x{arg}\n- output: !!int \"{arg}\"", "go 12");
        Assert.That(host.Outputs.Select(o => (Primitive(o).Type, Primitive(o).Value)), Is.EqualTo(new[]
        {
            (PsPrimitiveType.String, (object)"12"), (PsPrimitiveType.String, "x12"), (PsPrimitiveType.Int32, 12),
        }));
    }

    [TestCase("{a + b}", "5")]
    [TestCase("{a - b}", "-1")]
    [TestCase("{a * b}", "6")]
    [TestCase("{a+b*a}", "8")]
    [TestCase("{a*b-a}", "4")]
    [TestCase("{ a }", "2")]
    public async Task Placeholders_do_integer_arithmetic(string template, string expected)
    {
        var catalog = BehaviourCatalog.Parse($"behaviours: [ {{ regex: '(?<a>\\d+),(?<b>\\d+)', steps: [ output: '{template}' ] }} ]");
        Assert.That((await catalog.RunScriptAsync("2,3")).Host.OutputTexts, Is.EqualTo(new[] { expected }));
    }

    [Test]
    public async Task Mapping_output_is_a_PSCustomObject_with_properties_in_MS()
    {
        var (host, _) = await RunAsync("""
            - output:
                Name: "{arg}"
                Count: 3
                Nested: { Flag: true, Ratio: 0.5 }
                Items: [a, 1]
            """, "go thing");
        var obj = (PsObject)host.Outputs.Single();
        Assert.That(obj.TypeNames, Is.EqualTo(new[] { "System.Management.Automation.PSCustomObject", "System.Object" }));
        Assert.That(obj.AdaptedProperties, Is.Empty);
        Assert.That(obj.ExtendedProperties.Select(p => p.Name), Is.EqualTo(new[] { "Name", "Count", "Nested", "Items" }));
        Assert.That(obj["Name"], Is.EqualTo(PsPrimitive.String("thing")));
        Assert.That(obj["Count"], Is.EqualTo(PsPrimitive.Int32(3)));
        var nested = (PsObject)obj["Nested"]!;
        Assert.That(nested.TypeNames![0], Is.EqualTo("System.Management.Automation.PSCustomObject"));
        Assert.That(nested["Flag"], Is.EqualTo(PsPrimitive.Boolean(true)));
        Assert.That(nested["Ratio"], Is.EqualTo(PsPrimitive.Double(0.5)));
        var items = (PsObject)obj["Items"]!;
        Assert.That(items.CollectionKind, Is.EqualTo(PsCollectionKind.List));
        Assert.That(items.TypeNames, Is.EqualTo(new[] { "System.Object[]", "System.Array", "System.Object" }));
        Assert.That(items.Items, Is.EqualTo(new PsValue[] { PsPrimitive.String("a"), PsPrimitive.Int32(1) }));
    }

    [Test]
    public async Task Mapping_with_type_names_puts_properties_in_Props()
    {
        var (host, _) = await RunAsync("- output: { $type: [My.Thing, System.Object], $tostring: 'thing {arg}', Id: 1 }", "go 7");
        var obj = (PsObject)host.Outputs.Single();
        Assert.That(obj.TypeNames, Is.EqualTo(new[] { "My.Thing", "System.Object" }));
        Assert.That(obj.ToStringValue, Is.EqualTo("thing 7"));
        Assert.That(obj.ExtendedProperties, Is.Empty);
        Assert.That(obj.AdaptedProperties.Single(), Is.EqualTo(new PsProperty("Id", PsPrimitive.Int32(1))));
    }

    [Test]
    public async Task Mapping_with_a_value_wraps_that_primitive_as_an_enum_is_serialized()
    {
        var (host, _) = await RunAsync("- output: { $type: [My.Status, System.Enum, System.ValueType, System.Object], $tostring: Running, $value: 4 }");
        var status = (PsObject)host.Outputs.Single();
        Assert.That((status.TypeNames![0], status.ToStringValue, status.BaseValue), Is.EqualTo(("My.Status", "Running", PsPrimitive.Int32(4))));
        Assert.That(status.AdaptedProperties, Is.Empty);
    }

    [Test]
    public async Task Each_write_builds_a_fresh_object()
    {
        var (host, _) = await RunAsync("- loop: { from: 1, to: 2, steps: [ output: { N: '{_}' } ] }");
        Assert.That(host.Outputs[0], Is.Not.SameAs(host.Outputs[1]));
        Assert.That(host.Outputs.Select(o => ((PsObject)o)["N"]!.ToDisplayString()), Is.EqualTo(new[] { "1", "2" }));
    }

    [Test]
    public async Task Top_level_list_output_writes_one_object_per_item()
    {
        var (host, _) = await RunAsync("- output: [1, two, { Three: 3 }]");
        Assert.That(host.Outputs, Has.Count.EqualTo(3));
        Assert.That(host.Outputs[0], Is.EqualTo(PsPrimitive.Int32(1)));
        Assert.That(host.Outputs[1], Is.EqualTo(PsPrimitive.String("two")));
        Assert.That(((PsObject)host.Outputs[2])["Three"], Is.EqualTo(PsPrimitive.Int32(3)));
    }

    [Test]
    public async Task Error_short_form_uses_Write_Error_defaults()
    {
        var (host, outcome) = await RunAsync("- error: 'bad {arg}'\n- output: after", "go thing");
        Assert.That(host.Errors.Single(), Is.EqualTo(new ScriptedError("bad thing", "Microsoft.PowerShell.Commands.WriteErrorException",
            ErrorCategory.NotSpecified, "Microsoft.PowerShell.Commands.WriteErrorException")));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }), "an error step is non-terminating");
        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
    }

    [Test]
    public async Task Error_long_form_sets_every_field()
    {
        var (host, _) = await RunAsync("""
            - error:
                message: "Cannot find path '{arg}'."
                fqid: PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand
                category: objectnotfound
                exception: System.Management.Automation.ItemNotFoundException
                target: "{arg}"
            """, "go C:\\nope");
        Assert.That(host.Errors.Single(), Is.EqualTo(new ScriptedError("Cannot find path 'C:\\nope'.", "PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand",
            ErrorCategory.ObjectNotFound, "System.Management.Automation.ItemNotFoundException", "C:\\nope")));
    }

    [Test]
    public async Task Warning_verbose_and_debug_write_their_records_in_order()
    {
        var (host, _) = await RunAsync("- warning: w {arg}\n- verbose: v\n- debug: d\n- output: o", "go 1");
        Assert.That(host.Records, Is.EqualTo(new IPsrpMessageBody[]
        {
            new WarningRecordMessage("w 1"), new VerboseRecordMessage("v"), new DebugRecordMessage("d"), new PipelineOutput(PsPrimitive.String("o")),
        }));
    }

    [Test]
    public async Task Information_carries_the_value_as_message_data()
    {
        var (host, _) = await RunAsync("- information: note {arg}\n- information: { Key: 1 }", "go x");
        var infos = host.Records.Cast<InformationRecordMessage>().ToList();
        Assert.That(infos[0].MessageData, Is.EqualTo(PsPrimitive.String("note x")));
        Assert.That(infos[0].Source, Is.EqualTo("Write-Information"));
        Assert.That(infos[0].Tags, Is.Empty);
        Assert.That(((PsObject)infos[1].MessageData)["Key"], Is.EqualTo(PsPrimitive.Int32(1)));
    }

    [Test]
    public async Task Host_writes_what_Write_Host_writes_an_information_record_tagged_PSHOST()
    {
        var (host, _) = await RunAsync("""
            - host: hi {arg}
            - host: { message: "no end", no-newline: true, foreground: green, background: "{arg}" }
            - host: { message: "", no-newline: "", foreground: "" }
            """, "go DarkBlue");
        var records = host.Records.Cast<InformationRecordMessage>().ToList();
        Assert.That(records.Select(r => HostInformationMessage.TryRead(r.MessageData)), Is.EqualTo(new[]
        {
            new HostInformationMessage("hi DarkBlue"),
            new HostInformationMessage("no end", true, ConsoleColor.Green, ConsoleColor.DarkBlue),
            new HostInformationMessage(string.Empty),
        }));
        Assert.That(records.Select(r => r.Source), Is.All.EqualTo("Write-Host"));
        Assert.That(records.Select(r => r.Tags), Is.All.EqualTo(new[] { "PSHOST" }));
        // The session's computer and logon (the test host's environment), not the emulator's own.
        Assert.That(records.Select(r => (r.Computer, r.User)), Is.All.EqualTo(("TESTHOST01", "tester")));

        // As PowerShell's remoting serializer writes it: a colour at that depth is its name.
        var data = (PsObject)records[1].MessageData;
        Assert.That(data.TypeNames, Is.EqualTo(new[] { "System.Management.Automation.HostInformationMessage", "System.Object" }));
        Assert.That(data.ToStringValue, Is.EqualTo("no end"));
        Assert.That(data.AdaptedProperties.Select(p => p.Name), Is.EqualTo(new[] { "Message", "NoNewLine", "ForegroundColor", "BackgroundColor" }));
        Assert.That(data["ForegroundColor"], Is.EqualTo(PsPrimitive.String("Green")));
        Assert.That(((PsObject)records[0].MessageData)["BackgroundColor"], Is.SameAs(PsNil.Instance));
    }

    [Test]
    public async Task Record_texts_may_be_values_shown_as_text()
    {
        var (host, _) = await RunAsync("""
            - set: { name: n, value: x }
            - set: { name: list, value: [ 1, two, 3 ] }
            - warning: { $expand: "w $n" }
            - verbose: { $variable: list }
            - host: { $expand: "h $n" }
            - host: { message: { $variable: list }, no-newline: true }
            - error: { $expand: "e $n" }
            - error: { message: { $variable: n }, fqid: Custom.Id }
            """);
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[] { ("e x", ScriptedError.WriteErrorId), ("x", "Custom.Id") }));
        Assert.That(host.Records.OfType<WarningRecordMessage>().Single().Message, Is.EqualTo("w x"));
        Assert.That(host.Records.OfType<VerboseRecordMessage>().Single().Message, Is.EqualTo("1 two 3"));
        Assert.That(host.Records.OfType<InformationRecordMessage>().Select(r => HostInformationMessage.TryRead(r.MessageData)), Is.EqualTo(new[]
        {
            new HostInformationMessage("h x"),
            new HostInformationMessage("1 two 3", true),
        }));
    }

    [Test]
    public async Task Information_records_carry_the_session_s_computer_and_domain_logon()
    {
        var host = new RecordingHost();
        host.Environment["USERDOMAIN"] = "CONTOSO";
        await BehaviourCatalog.Parse("behaviours:\n  - match: go\n    steps:\n      - information: i\n      - host: h\n").Resolve(Behaviour.Script("go")).RunTestAsync(host);
        Assert.That(host.Records.Cast<InformationRecordMessage>().Select(r => (r.Computer, r.User)), Is.All.EqualTo(("TESTHOST01", "CONTOSO\\tester")));
    }

    [TestCase("go Purple", "'Purple' is not a console colour")]
    [TestCase("go 99", "'99' is not a console colour")]
    public async Task Host_with_a_colour_that_is_none_fails_the_pipeline(string command, string message)
    {
        var (host, outcome) = await RunAsync("- host: { message: x, foreground: \"{arg}\" }", command);
        Assert.That(host.Records, Is.Empty);
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(outcome.OutcomeError().Message, Does.Contain(message));
    }

    [Test]
    public async Task Progress_long_and_short_forms()
    {
        var (host, _) = await RunAsync("""
            - progress: Copying
            - progress: { activity: Copying, status: "file {arg}", percent: 50, id: 2, parent: 1, operation: op, seconds: 9 }
            - progress: { activity: Copying, completed: true }
            """, "go 3");
        Assert.That(host.Records, Is.EqualTo(new IPsrpMessageBody[]
        {
            new ProgressRecordMessage("Copying", 0, "Processing"),
            new ProgressRecordMessage("Copying", 2, "file 3", "op", 1, 50, ProgressRecordType.Processing, 9),
            new ProgressRecordMessage("Copying", 0, "Processing", RecordType: ProgressRecordType.Completed),
        }));
    }

    [Test]
    public async Task Input_echo_writes_every_input_object_back()
    {
        var (host, _) = await RunAsync("- output: first\n- input: echo\n- output: last", "go", PsPrimitive.Int32(1), PsPrimitive.String("two"));
        Assert.That(host.Outputs, Is.EqualTo(new PsValue[] { PsPrimitive.String("first"), PsPrimitive.Int32(1), PsPrimitive.String("two"), PsPrimitive.String("last") }));
    }

    [Test]
    public async Task Input_echo_without_input_writes_nothing()
    {
        var (host, outcome) = await RunAsync("- input: echo");
        Assert.That(host.Records, Is.Empty);
        Assert.That(outcome, Is.EqualTo(PipelineOutcome.Completed));
    }

    [Test]
    public async Task Loop_counts_inclusively_and_down_like_a_PowerShell_range()
    {
        var (host, _) = await RunAsync("- loop: { from: 1, to: 3, steps: [ output: '{_}' ] }\n- loop: { from: 2, to: 0, steps: [ output: '{_}' ] }\n- loop: { from: 5, to: 5, steps: [ output: '{_}' ] }");
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "1", "2", "3", "2", "1", "0", "5" }));
    }

    [Test]
    public async Task Loop_bounds_may_be_captures()
    {
        var catalog = BehaviourCatalog.Parse("""
            behaviours:
              - regex: 'count (?<from>-?\d+) to (\d+)'
                steps:
                  - loop: { from: "{from}", to: "{1}", var: i, steps: [ output: "item {i}" ] }
            """);
        Assert.That((await catalog.RunScriptAsync("count -1 to 2")).Host.OutputTexts, Is.EqualTo(new[] { "item -1", "item 0", "item 1", "item 2" }));
    }

    [Test]
    public async Task Nested_loops_see_their_own_and_outer_variables()
    {
        var (host, _) = await RunAsync("""
            - loop:
                from: 1
                to: 2
                var: i
                steps:
                  - loop:
                      from: 1
                      to: 2
                      var: j
                      steps: [ output: "{i}.{j}={_} p={i*j}" ]
            """);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "1.1=1 p=1", "1.2=2 p=2", "2.1=1 p=2", "2.2=2 p=4" }));
    }

    [Test]
    public async Task A_loop_s_dollar_underscore_is_its_number_restored_after_an_inner_loop_and_replaced_by_an_assignment()
    {
        var (host, _) = await RunAsync("""
            - loop:
                from: 1
                to: 2
                steps:
                  - output: "a{$_}"
                  - loop: { from: 5, to: 6, steps: [ output: "b{$_}" ] }
                  - output: "c{$_}"
                  - set: { name: _, value: z }
                  - output: "d{$_}"
            """);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "a1", "b5", "b6", "c1", "dz", "a2", "b5", "b6", "c2", "dz" }));
    }

    [Test]
    public async Task A_loop_s_dollar_underscore_is_an_Int32_each_time_it_is_read()
    {
        var (host, _) = await RunAsync("- loop: { from: 3, to: 4, steps: [ output: { $variable: _ }, output: { $variable: _ } ] }");
        Assert.That(host.Outputs.Select(o => Primitive(o).Value), Is.EqualTo(new object[] { 3, 3, 4, 4 }));
        Assert.That(host.Outputs.Select(o => Primitive(o).Type), Is.All.EqualTo(PsPrimitiveType.Int32));
    }

    [Test]
    public async Task Loop_bound_that_is_not_a_number_at_run_time_fails_the_pipeline()
    {
        var (host, outcome) = await RunAsync("- output: before\n- loop: { from: 1, to: '{arg}', steps: [ output: x ] }", "go many");
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "before" }));
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(outcome.OutcomeError().Message, Does.Contain("loop to 'many' is not an integer").And.Contain("line"));
    }

    [Test]
    public async Task An_output_template_s_arithmetic_that_fails_in_a_loop_fails_the_pipeline_after_the_outputs_before_it()
    {
        var (host, outcome) = await RunAsync("- loop: { from: 1, to: 3, steps: [ output: 'n {_}', output: '{_ * arg}' ] }", "go many");
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "n 1" }));
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(outcome.OutcomeError().Message, Does.Contain("'{arg}' 'many' is not an integer"));
    }

    [Test]
    public async Task State_Failed_with_reason_text_is_like_throw()
    {
        var (host, outcome) = await RunAsync("- output: partial\n- state: Failed\n  reason: 'boom {arg}'", "go now");
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "partial" }));
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(outcome.OutcomeError(), Is.EqualTo(new ScriptedError("boom now", "boom now", ErrorCategory.OperationStopped, "System.Management.Automation.RuntimeException", "boom now")),
            "the thrown text is also the target, as PowerShell's (boom now:String)");
    }

    [Test]
    public async Task State_Failed_with_reason_mapping()
    {
        var (_, outcome) = await RunAsync("- state: failed\n  reason: { message: denied, fqid: NoAccess, category: PermissionDenied, exception: System.UnauthorizedAccessException }");
        Assert.That(outcome.OutcomeError(), Is.EqualTo(new ScriptedError("denied", "NoAccess", ErrorCategory.PermissionDenied, "System.UnauthorizedAccessException")));
    }

    [Test]
    public async Task State_Failed_without_reason_still_carries_an_error_record()
    {
        var (_, outcome) = await RunAsync("- state: Failed");
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(outcome.OutcomeError().Message, Is.EqualTo("The scenario failed the pipeline."));
    }

    [Test]
    public async Task State_Stopped_reports_PipelineStopped()
    {
        var (_, outcome) = await RunAsync("- state: Stopped");
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Stopped));
        Assert.That(outcome.OutcomeError(), Is.EqualTo(new ScriptedError("The pipeline has been stopped.", "PipelineStopped",
            ErrorCategory.OperationStopped, "System.Management.Automation.PipelineStoppedException")));
    }

    [Test]
    public async Task State_Completed_and_no_steps_complete()
    {
        Assert.That((await RunAsync("- state: Completed")).Outcome, Is.EqualTo(PipelineOutcome.Completed));
        var catalog = BehaviourCatalog.Parse("behaviours: [ { match: go } ]");
        Assert.That((await catalog.RunScriptAsync("go")).Outcome, Is.EqualTo(PipelineOutcome.Completed));
    }

    [Test]
    public async Task Zero_and_empty_sleep_do_not_wait()
    {
        var (host, _) = await RunAsync("- sleep: 0\n- sleep: '{arg}'\n- output: done");
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "done" }));
    }

    [Test]
    public async Task Captured_text_is_inserted_verbatim_and_never_re_expanded()
    {
        var (host, _) = await RunAsync("- output: '<{arg}>'", "go {cmd} {{x}}");
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "<{cmd} {{x}}>" }));
    }
}
