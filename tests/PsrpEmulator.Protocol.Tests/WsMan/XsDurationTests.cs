using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Protocol.Tests.WsMan;

public class XsDurationTests
{
    [TestCase("PT20S", 20_000)]
    [TestCase("PT180.000S", 180_000)]
    [TestCase("PT3M", 180_000)]
    [TestCase("P0DT0H1M2S", 62_000)]
    [TestCase("PT0.5S", 500)]
    [TestCase("P1D", 86_400_000)]
    [TestCase("PT7200.000S", 7_200_000)]
    [TestCase("PT2147483.647S", 2_147_483_647)]
    [TestCase("P0DT0H0M9S", 9_000)]
    [TestCase("PT1H", 3_600_000)]
    [TestCase(" PT60S ", 60_000)]
    public void Parse_accepts_every_xs_duration_form(string text, long milliseconds) =>
        Assert.That(XsDuration.Parse(text), Is.EqualTo(TimeSpan.FromMilliseconds(milliseconds)));

    [Test]
    public void Parse_gives_a_negative_value_for_a_leading_minus_sign() =>
        Assert.That(XsDuration.Parse("-PT1S"), Is.EqualTo(TimeSpan.FromSeconds(-1)));

    [TestCase("PT-1S")]
    [TestCase("")]
    [TestCase("P")]
    [TestCase("PT")]
    [TestCase("20")]
    [TestCase("PT20")]
    [TestCase("P1S")]
    [TestCase("pt20s")]
    [TestCase("P99999999999999D")]
    public void Parse_rejects_what_is_not_xs_duration(string text)
    {
        Assert.Throws<FormatException>(() => XsDuration.Parse(text));
        Assert.That(XsDuration.TryParse(text, out _), Is.False);
    }

    [Test]
    public void TryParse_of_null_is_false() => Assert.That(XsDuration.TryParse(null, out _), Is.False);

    [TestCase(7_200_000, "PT7200.000S")]
    [TestCase(2_147_483_647, "PT2147483.647S")]
    [TestCase(60_000, "PT60.000S")]
    [TestCase(0, "PT0.000S")]
    [TestCase(500, "PT0.500S")]
    public void FormatSeconds_writes_total_seconds_with_three_decimals(long milliseconds, string expected) =>
        Assert.That(XsDuration.FormatSeconds(TimeSpan.FromMilliseconds(milliseconds)), Is.EqualTo(expected));

    [TestCase(9_000, "P0DT0H0M9S")]
    [TestCase(62_000, "P0DT0H1M2S")]
    [TestCase(62_900, "P0DT0H1M2S")]
    [TestCase(0, "P0DT0H0M0S")]
    [TestCase(90_061_000, "P1DT1H1M1S")]
    public void FormatDayTime_writes_days_hours_minutes_and_whole_seconds(long milliseconds, string expected) =>
        Assert.That(XsDuration.FormatDayTime(TimeSpan.FromMilliseconds(milliseconds)), Is.EqualTo(expected));

    [TestCase(7_200_000)]
    [TestCase(123)]
    public void Formatted_values_parse_back(long milliseconds)
    {
        var value = TimeSpan.FromMilliseconds(milliseconds);
        Assert.That(XsDuration.Parse(XsDuration.FormatSeconds(value)), Is.EqualTo(value));
        Assert.That(XsDuration.Parse(XsDuration.FormatDayTime(value)), Is.EqualTo(TimeSpan.FromSeconds(Math.Floor(value.TotalSeconds))));
    }
}
