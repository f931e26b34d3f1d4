namespace PsrpEmulator.Scenarios.Tests;

public class NormaliserTests
{
    private static readonly Normalisation[] SessionTable = [new("sessiontable", null, string.Empty, NormalisationTarget.Run, "test")];

    [Test]
    public void Sessiontable_drops_the_Transport_and_ComputerType_columns_of_PowerShell_7_session_tables()
    {
        const string printed =
            " Id Name            Transport ComputerName    ComputerType    State         ConfigurationName     Availability\n" +
            " -- ----            --------- ------------    ------------    -----         -----------------     ------------\n" +
            "  1 AD              WSMan     Server01        RemoteMachine   Opened        ADEndpoint               Available\n" +
            "\n" +
            "line after the table WSMan RemoteMachine";

        var text = Normaliser.Apply(printed, SessionTable, NormalisationTarget.Run);

        Assert.That(text.Split('\n'), Is.EqualTo(new[]
        {
            " Id Name            ComputerName    State         ConfigurationName     Availability",
            " -- ----            ------------    -----         -----------------     ------------",
            "  1 AD              Server01        Opened        ADEndpoint               Available",
            string.Empty,
            "line after the table WSMan RemoteMachine",
        }));
    }

    [Test]
    public void Sessiontable_leaves_the_documentation_s_six_column_tables_alone()
    {
        const string page =
            "Id  Name   ComputerName    State        ConfigurationName     Availability\n" +
            "--  ----   ------------    -----        -----------------     ------------\n" +
            " 8  AD      Server01       Opened       ADEndpoint               Available";

        Assert.That(Normaliser.Apply(page, SessionTable, NormalisationTarget.Run), Is.EqualTo(page));
    }
}
