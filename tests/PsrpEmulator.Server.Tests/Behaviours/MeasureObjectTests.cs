using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// Measure-Object as Windows PowerShell's MeasureObjectCommand: text measures (-Line, -Word, -Character,
/// -IgnoreWhiteSpace) give a TextMeasureInfo; several properties and wildcards give one result each; extremes of texts
/// and dates are kept as they are; a property no object has is an error; $null is not counted.
/// </summary>
public class MeasureObjectTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string text)
    {
        var host = new RecordingHost { Runspace = new RunspaceState(), Automatic = RecordingHost.ServerAutomaticVariables() };
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

    // Lines count line feeds, plus one for text that does not end with one; words are runs of non-white-space.
    [TestCase("\"hello world`nsecond  line here\" | Measure-Object -Line -Word -Character | % { \"$($_.Lines) $($_.Words) $($_.Characters)\" }", "2 5 29")]
    [TestCase("'a b', '', \"c`n\" | Measure-Object -Line | % Lines", "2")]
    [TestCase("'a b  c' | Measure-Object -Character -IgnoreWhiteSpace | % { \"$($_.Characters) [$($_.Lines)] [$($_.Words)]\" }", "3 [] []")]
    [TestCase("Set-Content C:\\f.txt \"one`ntwo`nthree\"; (Get-Content C:\\f.txt | Measure-Object -Line).Lines; (Get-Content C:\\f.txt -Raw | measure -Word).Words", "3|3")]
    [TestCase("[pscustomobject]@{ T = 'x y' }, [pscustomobject]@{ T = 'z' } | Measure-Object -Property T -Word | % { \"$($_.Property) $($_.Words)\" }", "T 3")]
    public async Task Text_is_measured_in_lines_words_and_characters(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [Test]
    public async Task A_text_measure_is_a_TextMeasureInfo_with_its_properties_in_order()
    {
        var (host, _) = await RunAsync("'a' | Measure-Object -Word");
        var info = (PsObject)host.Outputs.Single();
        Assert.That(info.TypeNames, Is.EqualTo(new[] { "Microsoft.PowerShell.Commands.TextMeasureInfo", "Microsoft.PowerShell.Commands.MeasureInfo", "System.Object" }));
        Assert.That(info.AdaptedProperties.Select(p => p.Name), Is.EqualTo(new[] { "Lines", "Words", "Characters", "Property" }));
    }

    [TestCase("[pscustomobject]@{ a = 1; ab = 2 }, [pscustomobject]@{ a = 3 } | Measure-Object -Property a* -Sum | % { \"$($_.Property)=$($_.Sum)/$($_.Count)\" }", "a=4/2|ab=2/1")]
    [TestCase("[pscustomobject]@{ x = 1; y = 5 }, [pscustomobject]@{ x = 2; y = 6 } | Measure-Object x, y -Maximum | % { \"$($_.Property)=$($_.Maximum)\" }", "x=2|y=6")]
    // The object's own spelling of the property is reported.
    [TestCase("Set-Content C:\\f.txt 'hello'; Get-Item C:\\f.txt | Measure-Object -Property length -Sum | % Property", "Length")]
    // A property whose value is $null counts (as 0 for the sum).
    [TestCase("[pscustomobject]@{ v = $null }, [pscustomobject]@{ v = 4 } | Measure-Object v -Sum -Average | % { \"$($_.Count) $($_.Sum) $($_.Average)\" }", "2 4 2")]
    public async Task Each_property_measured_gives_its_own_result(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("'pear', 'apple', 'fig' | Measure-Object -Maximum -Minimum | % { \"$($_.Maximum) $($_.Minimum)\" }", "pear apple")]
    [TestCase("'10', '9', '100' | Measure-Object -Maximum | % { $_.Maximum.GetType().Name + ' ' + $_.Maximum }", "Double 100")]
    [TestCase("[datetime]'2020-01-02', [datetime]'2021-05-06' | Measure-Object -Maximum | % { $_.Maximum.GetType().Name + ' ' + $_.Maximum.Year }", "DateTime 2021")]
    [TestCase("$null, 3, $null, 1 | Measure-Object -Minimum -Maximum | % { \"$($_.Count) $($_.Minimum) $($_.Maximum)\" }", "2 1 3")]
    public async Task Maximum_and_Minimum_compare_anything_comparable(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [Test]
    public async Task Extremes_that_are_not_numbers_give_a_GenericObjectMeasureInfo()
    {
        var (host, _) = await RunAsync("'b', 'a' | Measure-Object -Maximum");
        var info = (PsObject)host.Outputs.Single();
        Assert.That(info.TypeNames![0], Is.EqualTo("Microsoft.PowerShell.Commands.GenericObjectMeasureInfo"));
        Assert.That(info["Maximum"], Is.EqualTo(PsPrimitive.String("b")));
        Assert.That(info.AdaptedProperties.Select(p => p.Name), Is.EqualTo(new[] { "Count", "Average", "Sum", "Maximum", "Minimum", "Property" }));
    }

    [Test]
    public async Task A_value_that_is_no_number_is_an_error_and_leaves_no_sum_or_average()
    {
        var (host, outcome) = await RunAsync("1, 'x', 4 | Measure-Object -Sum -Average -Maximum | % { \"$($_.Count) [$($_.Sum)] [$($_.Average)] $($_.Maximum)\" }");
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId, e.Category)),
            Is.EqualTo(new[] { ("Input object \"x\" is not numeric.", "NonNumericInputObject,Microsoft.PowerShell.Commands.MeasureObjectCommand", ErrorCategory.InvalidType) }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "3 [] [] 4" }));
    }

    [Test]
    public async Task A_property_no_object_has_is_an_error_at_the_end_and_the_others_are_measured()
    {
        var (host, _) = await RunAsync("Set-Content C:\\f.txt 'hello'; Get-Item C:\\f.txt, C:\\Windows | Measure-Object -Property Length, Nope -Sum | % { \"$($_.Property) $($_.Count) $($_.Sum)\" }");
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId, e.Category)),
            Is.EqualTo(new[] { ("The property \"Nope\" cannot be found in the input for any objects.", "GenericMeasurePropertyNotFound,Microsoft.PowerShell.Commands.MeasureObjectCommand", ErrorCategory.InvalidArgument) }));
        // A folder has no Length (its intrinsic Length of 1 is no member), so one file is measured.
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Length 1 7" }));
    }

    [Test]
    public async Task A_missing_property_in_a_text_measure_has_its_own_error_id()
    {
        var (host, _) = await RunAsync("'a' | Measure-Object -Property Nope -Line");
        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("TextMeasurePropertyNotFound,Microsoft.PowerShell.Commands.MeasureObjectCommand"));
        Assert.That(host.Outputs, Is.Empty);
    }

    // Without input, only Measure-Object without -Property writes a (zero) result; $null is no input.
    [TestCase("@() | Measure-Object -Property Length -Sum | % { 'got one' }; 'end'", "end")]
    [TestCase("@() | Measure-Object | % Count; $null | Measure-Object | % Count; 1, $null, 2 | Measure-Object | % Count", "0|0|2")]
    [TestCase("@() | Measure-Object -Line -Word | % { \"[$($_.Lines)] [$($_.Words)]\" }", "[0] [0]")]
    public async Task Without_input_only_a_measure_of_the_objects_themselves_is_written(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("1, 2 | Measure-Object -Sum -Line")]
    [TestCase("1, 2 | Measure-Object -Maximum -IgnoreWhiteSpace")]
    public async Task Generic_and_text_measures_together_are_an_ambiguous_parameter_set(string script)
    {
        var (host, _) = await RunAsync(script);
        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("AmbiguousParameterSet,Microsoft.PowerShell.Commands.MeasureObjectCommand"));
        Assert.That(host.Outputs, Is.Empty);
    }

    [Test]
    public async Task An_array_measured_as_one_object_has_its_own_members_and_no_enumeration_of_its_items_properties()
    {
        // 5.1's ConvertFrom-Json writes an array as one object; PSObject's members of an array are Length, Count...
        var (host, _) = await RunAsync("""
            '[{"a":1},{"a":2}]' | ConvertFrom-Json | Measure-Object -Property a -Sum | Select-Object -ExpandProperty Sum
            ,@(1, 2, 3) | Measure-Object -Property Count -Sum | ForEach-Object Sum
            """);

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "GenericMeasurePropertyNotFound,Microsoft.PowerShell.Commands.MeasureObjectCommand" }));
        Assert.That(host.Errors[0].Message, Is.EqualTo("The property \"a\" cannot be found in the input for any objects."));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "3" }));
    }
}
