using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>Get-Member of the objects a script makes, as GetMemberCommand lists them.</summary>
public class GetMemberTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<RecordingHost> RunAsync(string script)
    {
        var host = new RecordingHost { Runspace = new RunspaceState() };
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider());
        return host;
    }

    [Test]
    public async Task A_custom_object_has_object_s_four_methods_then_its_notes_each_named_with_its_value_s_type_and_text()
    {
        var host = await RunAsync("""
            [pscustomobject]@{ Name = 'web01'; Port = 5985; Big = 5000000000; Ok = $true; Ratio = 0.5; None = $null; List = 1, 2; Table = @{ a = 1 }; Inner = [pscustomobject]@{ x = 1 } } |
                Get-Member | ForEach-Object { '{0}|{1}|{2}|{3}' -f $_.TypeName, $_.Name, $_.MemberType, $_.Definition }
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "System.Management.Automation.PSCustomObject|Equals|Method|bool Equals(System.Object obj)",
            "System.Management.Automation.PSCustomObject|GetHashCode|Method|int GetHashCode()",
            "System.Management.Automation.PSCustomObject|GetType|Method|type GetType()",
            "System.Management.Automation.PSCustomObject|ToString|Method|string ToString()",
            "System.Management.Automation.PSCustomObject|Big|NoteProperty|long Big=5000000000",
            "System.Management.Automation.PSCustomObject|Inner|NoteProperty|System.Management.Automation.PSCustomObject Inner=@{x=1}",
            "System.Management.Automation.PSCustomObject|List|NoteProperty|Object[] List=System.Object[]",
            "System.Management.Automation.PSCustomObject|Name|NoteProperty|string Name=web01",
            "System.Management.Automation.PSCustomObject|None|NoteProperty|object None=null",
            "System.Management.Automation.PSCustomObject|Ok|NoteProperty|bool Ok=True",
            "System.Management.Automation.PSCustomObject|Port|NoteProperty|int Port=5985",
            "System.Management.Automation.PSCustomObject|Ratio|NoteProperty|double Ratio=0.5",
            "System.Management.Automation.PSCustomObject|Table|NoteProperty|hashtable Table=System.Collections.Hashtable",
        }));
    }

    [Test]
    public async Task Each_type_is_listed_once_however_many_of_its_objects_come()
    {
        var host = await RunAsync("""
            $a = [pscustomobject]@{ x = 1 }, [pscustomobject]@{ x = 2 }
            $b = [pscustomobject]@{ PSTypeName = 'Contoso.Server'; y = 'z' }
            $a + $b | Get-Member -MemberType NoteProperty | ForEach-Object { "$($_.TypeName) $($_.Definition)" }
            Get-Service EventLog, Spooler, WinRM | Select-Object Name, Status | Get-Member -MemberType NoteProperty | ForEach-Object { "$($_.TypeName) $($_.Definition)" }
            """);

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "System.Management.Automation.PSCustomObject int x=1",
            "Contoso.Server string y=z",
            "Selected.System.ServiceProcess.ServiceController string Name=EventLog",
            "Selected.System.ServiceProcess.ServiceController ServiceControllerStatus Status=Running",
        }));
    }

    [Test]
    public async Task A_PSTypeName_entry_names_the_object_s_type_first_and_is_no_property()
    {
        var host = await RunAsync("""
            $literal = [pscustomobject]@{ PSTypeName = 'Contoso.Server'; Name = 'web01' }
            $table = @{ PSTypeName = 'Contoso.Disk' }
            $cast = [pscustomobject]$table
            $literal.pstypenames -join ','
            ($literal.PSObject.Properties | ForEach-Object Name) -join ','
            $cast.pstypenames[0]
            ([pscustomobject]@{ a = 1 }).pstypenames -join ','
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Contoso.Server,System.Management.Automation.PSCustomObject,System.Object", "Name", "Contoso.Disk", "System.Management.Automation.PSCustomObject,System.Object",
        }));
    }

    [Test]
    public async Task Name_patterns_are_listed_in_turn_and_member_type_and_view_filter()
    {
        var host = await RunAsync("""
            $o = [pscustomobject]@{ Beta = 1; Alpha = 2; Gamma = 3 }
            ($o | Get-Member -Name G*, A* | ForEach-Object Name) -join ','
            ($o | gm -MemberType Method | ForEach-Object Name) -join ','
            ($o | gm -MemberType 'NoteProperty, Method' ToString, Beta | ForEach-Object Name) -join ','
            ($o | gm -View Extended | ForEach-Object Name) -join ','
            ($o | gm -View Base | ForEach-Object Name) -join ','
            (Get-Member -InputObject $o -Name Alpha).Definition
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "GetHashCode,GetType,Gamma,Alpha", "Equals,GetHashCode,GetType,ToString", "ToString,Beta", "Alpha,Beta,Gamma", "Equals,GetHashCode,GetType,ToString", "int Alpha=2",
        }));
    }

    [Test]
    public async Task Nothing_piped_is_its_no_object_error_and_a_member_type_it_has_not_is_the_binder_s()
    {
        var host = await RunAsync("""
            $null | Get-Member
            Get-Member
            [pscustomobject]@{ a = 1 } | Get-Member -MemberType Notes
            """);

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[]
        {
            "NoObjectInGetMember,Microsoft.PowerShell.Commands.GetMemberCommand",
            "NoObjectInGetMember,Microsoft.PowerShell.Commands.GetMemberCommand",
            "CannotConvertArgumentNoMessage,Microsoft.PowerShell.Commands.GetMemberCommand",
        }));
        Assert.That(host.Errors[0].Message, Is.EqualTo("You must specify an object for the Get-Member cmdlet."));
        Assert.That(host.Errors[2].Message, Does.StartWith("Cannot bind parameter 'MemberType'. Cannot convert value \"Notes\" to type \"System.Management.Automation.PSMemberTypes\"."));
    }

    [Test]
    public async Task Out_String_groups_the_members_under_their_type_name_in_a_table_sized_to_its_rows()
    {
        var host = await RunAsync("[pscustomobject]@{ id = 7 } | Get-Member | Out-String");

        Assert.That(host.OutputTexts.Single(), Is.EqualTo(
            "\r\n\r\n   TypeName: System.Management.Automation.PSCustomObject\r\n\r\n" +
            "Name        MemberType   Definition                    \r\n" +
            "----        ----------   ----------                    \r\n" +
            "Equals      Method       bool Equals(System.Object obj)\r\n" +
            "GetHashCode Method       int GetHashCode()             \r\n" +
            "GetType     Method       type GetType()                \r\n" +
            "ToString    Method       string ToString()             \r\n" +
            "id          NoteProperty int id=7                      \r\n" +
            "\r\n\r\n"));
    }

    [TestCase("'text' | Get-Member", "Get-Member of a System.String is not emulated")]
    [TestCase("Get-Process | Get-Member", "Get-Member of a System.Diagnostics.Process is not emulated")]
    [TestCase("[pscustomobject]@{ a = 1 } | Get-Member -Force", "Get-Member -Force and -Static")]
    public async Task Members_the_emulator_does_not_know_whole_are_a_scenario_error(string script, string message)
    {
        var host = await RunAsync(script);

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "PsrpEmulator.ScenarioError" }));
        Assert.That(host.Errors[0].Message, Does.StartWith(message));
    }
}
