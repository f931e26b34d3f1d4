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

    private static readonly Normalisation[] JobTable = [new("jobtable", null, string.Empty, NormalisationTarget.Run, "test")];

    [Test]
    public void Jobtable_drops_the_PSJobTypeName_and_Command_columns_of_PowerShell_7_job_tables()
    {
        const string printed =
            "Id     Name            PSJobTypeName   State         HasMoreData     Location             Command\n" +
            "--     ----            -------------   -----         -----------     --------             -------\n" +
            "16     ITTaskJob01     RemoteJob       Running       True            Server01             Get-Process RemoteJob\n" +
            "\n" +
            "line after the table RemoteJob";

        var text = Normaliser.Apply(printed, JobTable, NormalisationTarget.Run);

        Assert.That(text.Split('\n'), Is.EqualTo(new[]
        {
            "Id     Name            State         HasMoreData     Location",
            "--     ----            -----         -----------     --------",
            "16     ITTaskJob01     Running       True            Server01",
            string.Empty,
            "line after the table RemoteJob",
        }));
    }

    [Test]
    public void Jobtable_drops_PSJobTypeName_when_the_host_width_already_cut_the_command_column()
    {
        const string printed =
            "Id     Name            PSJobTypeName   State         HasMoreData     Location\n" +
            "--     ----            -------------   -----         -----------     --------\n" +
            "1      Job1            RemoteJob       Disconnected  True            Server01";

        Assert.That(Normaliser.Apply(printed, JobTable, NormalisationTarget.Run).Split('\n'), Is.EqualTo(new[]
        {
            "Id     Name            State         HasMoreData     Location",
            "--     ----            -----         -----------     --------",
            "1      Job1            Disconnected  True            Server01",
        }));
    }

    [Test]
    public void Jobtable_leaves_the_documentation_s_five_column_tables_alone()
    {
        const string page =
            "Id     Name           State         HasMoreData     Location\n" +
            "--     ----           -----         -----------     --------\n" +
            "16     Job1           Running       True            Server01";

        Assert.That(Normaliser.Apply(page, JobTable, NormalisationTarget.Run), Is.EqualTo(page));
    }
}
