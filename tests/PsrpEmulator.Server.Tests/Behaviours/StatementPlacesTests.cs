using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

public class StatementPlacesTests
{
    [TestCase("Get-Item a; 'x'; Get-Item a", 0, 0)]
    [TestCase("Get-Item a; 'x'; Get-Item a", 1, 17)]
    [TestCase("Get-Item a; 'x'; Get-Item a", 27, 0)]
    public void The_first_place_from_a_point_is_preferred_else_the_first_from_the_start(string text, int from, int expected) =>
        Assert.That(StatementPlaces.Find(text, 0, text.Length, "Get-Item a", from), Is.EqualTo(expected));

    [Test]
    public void A_call_is_found_where_it_starts_a_statement_not_after_the_function_keyword()
    {
        const string text = "function f { 1 }\nf";

        Assert.That(StatementPlaces.Find(text, 0, text.Length, "f"), Is.EqualTo(17));
    }

    [Test]
    public void A_statement_not_in_the_window_is_not_found()
    {
        Assert.That(StatementPlaces.Find("abc", 0, 3, "x"), Is.EqualTo(-1));
        Assert.That(StatementPlaces.Find("abc", 1, 2, "ab"), Is.EqualTo(-1));
        Assert.That(StatementPlaces.Find("abc", 0, 3, string.Empty), Is.EqualTo(-1));
    }
}
