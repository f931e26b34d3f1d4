using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Behaviours.Formatting;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// ConvertTo-Json and ConvertFrom-Json as Windows PowerShell 5.1 has them. The pretty layout's expected text is 5.1's
/// own output quoted in PowerShell issue #2736; the escapes and dates are JavaScriptSerializer's.
/// </summary>
public class JsonTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static PsObject Table(params (string Key, PsValue Value)[] entries) =>
        PsObjects.Dictionary(entries.Select(e => new KeyValuePair<PsValue, PsValue>(PsPrimitive.String(e.Key), e.Value)));

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string text)
    {
        var host = new RecordingHost { Runspace = new RunspaceState() };
        var outcome = await Default.Resolve(Behaviour.Script(text)).RunTestAsync(host, new FakeTimeProvider());
        return (host, outcome);
    }

    [Test]
    public void Nested_objects_are_indented_under_their_values_column_as_51_prints_them()
    {
        var inner = Table(("second", PsPrimitive.String("bbbbbbbb")), ("first", PsPrimitive.String("a")));
        var value = Table(("dan", PsPrimitive.Int32(15)), ("foo", inner), ("barbarbarbar", inner));

        Assert.That(Json.ConvertTo(value), Is.EqualTo(string.Join("\r\n",
            "{",
            "    \"dan\":  15,",
            "    \"foo\":  {",
            "                \"second\":  \"bbbbbbbb\",",
            "                \"first\":  \"a\"",
            "            },",
            "    \"barbarbarbar\":  {",
            "                         \"second\":  \"bbbbbbbb\",",
            "                         \"first\":  \"a\"",
            "                     }",
            "}")));
    }

    [Test]
    public void Arrays_put_each_item_on_its_own_line_and_empty_containers_keep_an_empty_line()
    {
        var value = Table(("Tags", PsObjects.List([PsPrimitive.String("Web"), PsPrimitive.Int32(2)])), ("None", PsObjects.List([])), ("Empty", Table()));

        Assert.That(Json.ConvertTo(value), Is.EqualTo(string.Join("\r\n",
            "{",
            "    \"Tags\":  [",
            "                 \"Web\",",
            "                 2",
            "             ],",
            "    \"None\":  [",
            "",
            "             ],",
            "    \"Empty\":  {",
            "",
            "              }",
            "}")));
    }

    [Test]
    public void Strings_dates_enums_and_numbers_are_written_as_javascriptserializer_writes_them()
    {
        var value = PsObjects.CustomObject()
            .With("Text", PsPrimitive.String("it's <b> & \"q\"\\\n"))
            .With("When", PsPrimitive.DateTime(DateTimeOffset.FromUnixTimeMilliseconds(1543000000000)))
            .With("Status", PsObjects.Enum("System.ServiceProcess.ServiceControllerStatus", "Running", 4))
            .With("Ratio", PsPrimitive.Double(0.5))
            .With("Big", PsPrimitive.Int64(9007199254740993))
            .With("Flag", PsPrimitive.Boolean(true))
            .With("Nothing", PsNil.Instance);

        Assert.That(Json.ConvertTo(value, compress: true), Is.EqualTo(
            "{\"Text\":\"it\\u0027s \\u003cb\\u003e \\u0026 \\\"q\\\"\\\\\\n\",\"When\":\"\\/Date(1543000000000)\\/\",\"Status\":4,\"Ratio\":0.5," +
            "\"Big\":9007199254740993,\"Flag\":true,\"Nothing\":null}"));
    }

    /// <summary>
    /// Get-Date's date carries its DisplayHint note and the DateTime script property, so 5.1's ConvertTo-Json writes it
    /// as an object ({"value":..., "DisplayHint":2, "DateTime":...}), the well-known 5.1 surprise; [datetime]::UtcNow is
    /// the plain date string.
    /// </summary>
    [Test]
    public async Task A_date_Get_Date_wrote_is_its_value_DisplayHint_and_DateTime_as_51_writes_it()
    {
        var (host, _) = await RunAsync("Get-Date -Date '2024-01-02 03:04:05' | ConvertTo-Json -Compress; @{ t = Get-Date -Date '2024-01-02' -DisplayHint Date } | ConvertTo-Json -Compress; [datetime]::UtcNow | ConvertTo-Json");

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "{\"value\":\"\\/Date(1704164645000)\\/\",\"DisplayHint\":2,\"DateTime\":\"Tuesday, January 2, 2024 3:04:05 AM\"}",
            "{\"t\":{\"value\":\"\\/Date(1704153600000)\\/\",\"DisplayHint\":0,\"DateTime\":\"Tuesday, January 2, 2024\"}}",
            "\"\\/Date(946684800000)\\/\"",
        }));
    }

    [Test]
    public void Objects_deeper_than_depth_are_their_text()
    {
        var value = Table(("a", Table(("b", Table(("c", Table(("d", PsPrimitive.Int32(1)))))))));

        Assert.Multiple(() =>
        {
            Assert.That(Json.ConvertTo(value, compress: true), Is.EqualTo("{\"a\":{\"b\":{\"c\":\"System.Collections.Hashtable\"}}}"));
            Assert.That(Json.ConvertTo(value, depth: 0, compress: true), Is.EqualTo("{\"a\":\"System.Collections.Hashtable\"}"));
            Assert.That(Json.ConvertTo(value, depth: 5, compress: true), Is.EqualTo("{\"a\":{\"b\":{\"c\":{\"d\":1}}}}"));
            Assert.That(Json.ConvertTo(PsObjects.CustomObject().With("o", PsObjects.CustomObject().With("p", PsObjects.CustomObject().With("q", 1).With("r", 2))), depth: 1, compress: true),
                Is.EqualTo("{\"o\":{\"p\":\"@{q=1; r=2}\"}}"));
        });
    }

    [Test]
    public void Json_is_read_into_custom_objects_with_javascriptserializer_types()
    {
        var value = Json.ConvertFrom("{ \"a\": 1, \"b\": [1, 2.5], \"c\": \"\\/Date(0)\\/\", \"d\": null, \"e\": 3000000000, \"f\": { \"g\": true } }", out var error);

        Assert.That(error, Is.Null);
        var o = (PsObject)value!;
        Assert.Multiple(() =>
        {
            Assert.That(o.ExtendedProperties.Select(p => p.Name), Is.EqualTo(new[] { "a", "b", "c", "d", "e", "f" }));
            Assert.That(o["a"], Is.EqualTo(PsPrimitive.Int32(1)));
            Assert.That(((PsObject)o["b"]!).Items, Is.EqualTo(new PsValue[] { PsPrimitive.Int32(1), PsPrimitive.Decimal(2.5m) }));
            Assert.That(o["c"], Is.EqualTo(PsPrimitive.DateTime(DateTimeOffset.UnixEpoch)));
            Assert.That(o["d"], Is.SameAs(PsNil.Instance));
            Assert.That(o["e"], Is.EqualTo(PsPrimitive.Int64(3000000000)));
            Assert.That(((PsObject)o["f"]!)["g"], Is.EqualTo(PsPrimitive.Boolean(true)));
        });
    }

    [TestCase("not json", "Invalid JSON primitive: not.")]
    [TestCase("{ \"a\": tru }", "Invalid JSON primitive: tru.")]
    public void Text_that_is_not_json_gives_javascriptserializers_reason(string text, string reason)
    {
        Assert.That(Json.ConvertFrom(text, out var error), Is.Null);
        Assert.That(error, Is.EqualTo(reason));
    }

    [Test]
    public void An_object_shared_over_and_over_is_refused_past_the_emulators_budget_not_converted_for_ever()
    {
        PsValue value = PsPrimitive.Int32(1);
        for (var i = 0; i < 60; i++) value = PsObjects.List([value, value, value, value]);

        Assert.Throws<ScenarioRuntimeException>(() => Json.ConvertTo(value, depth: 100));
    }

    [Test]
    public void A_json_array_nested_past_the_limit_is_refused_not_a_crash()
    {
        Assert.That(Json.ConvertFrom(new string('[', 100_000) + new string(']', 100_000), out var error), Is.Null);
        Assert.That(error, Is.Not.Null);
    }

    // Status is an enum: 5.1's ConvertTo-Json writes its number (Running is 4).
    [TestCase("Get-Service WinRM | Select-Object Name, Status | ConvertTo-Json", "{\r\n    \"Name\":  \"WinRM\",\r\n    \"Status\":  4\r\n}")]
    [TestCase("(1/3), 0.5, [single]0.1 | ConvertTo-Json -Compress", "[0.33333333333333331,0.5,0.1]")]
    [TestCase("1, 'two' | ConvertTo-Json -Compress", "[1,\"two\"]")]
    [TestCase("ConvertTo-Json -InputObject @(1) -Compress", "[1]")]
    [TestCase("ConvertTo-Json @{ a = @{ b = 1 } } -Depth 0 -Compress", "{\"a\":\"System.Collections.Hashtable\"}")]
    [TestCase("'[1,2]' | ConvertFrom-Json | ForEach-Object { \"item $_\" }", "item 1 2")]
    [TestCase("$o = '{\"a\":{\"b\":2}}' | ConvertFrom-Json; $o.a.b + 1", "3")]
    [TestCase("(ConvertFrom-Json '{\"name\":\"x\",\"n\":5}').name", "x")]
    [TestCase("'{\"a\":', '1}' | ConvertFrom-Json | ForEach-Object a", "1")]
    [TestCase("'{\"a\":1}', '{\"a\":2}' | ConvertFrom-Json | ForEach-Object a", "1|2")]
    [TestCase("@() | ConvertTo-Json", "")]
    public async Task The_cmdlets_run_in_scripts(string script, string expected)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors, Is.Empty, () => string.Join("; ", host.Errors.Select(e => e.Message)));
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [Test]
    public async Task ConvertFrom_Json_of_text_that_is_not_json_is_an_argument_error_and_the_script_goes_on()
    {
        var (host, outcome) = await RunAsync("'{oops' | ConvertFrom-Json; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "System.ArgumentException,Microsoft.PowerShell.Commands.ConvertFromJsonCommand" }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [TestCase("ConvertTo-Json", "MissingMandatoryParameter,Microsoft.PowerShell.Commands.ConvertToJsonCommand")]
    [TestCase("1 | ConvertTo-Json -Depth 101", "ParameterArgumentValidationError,Microsoft.PowerShell.Commands.ConvertToJsonCommand")]
    public async Task Binding_errors_are_powershells(string script, string id)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { id }));
    }
}
