using System.Reflection;
using System.Runtime.CompilerServices;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// The emulator's table of .NET members (dotnet-members.tsv) against the .NET Framework 4.8 reference assemblies.
/// To regenerate it after changing the generator or its type list, run this fixture with
/// PSRPEMU_REGENERATE_MEMBER_TABLE=1, then review the diff like code.
/// </summary>
public class DotNetMemberTableTests
{
    private static string ReferenceDirectory() =>
        typeof(DotNetMemberTableTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NetFrameworkReferenceAssemblies").Value!;

    private static string TablePath([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "src", "PsrpEmulator.Server", "Behaviours", "dotnet-members.tsv"));

    private static string EmbeddedTable()
    {
        using var stream = typeof(DotNetMembers).Assembly.GetManifestResourceStream("PsrpEmulator.Server.dotnet-members.tsv")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [Test]
    public void The_table_is_what_the_reference_assemblies_give_as_Windows_PowerShell_renders_them()
    {
        GeneratedTable.AssertEmbeddedMatches(DotNetMemberTableGenerator.Generate(ReferenceDirectory()), EmbeddedTable(), TablePath(), "PSRPEMU_REGENERATE_MEMBER_TABLE", "the reference assemblies");
    }

    [Test]
    public void Every_type_of_the_generator_is_in_the_table_with_object_s_methods()
    {
        foreach (var name in DotNetMemberTableGenerator.TypeNames)
        {
            var members = DotNetMembers.Of(name);
            Assert.That(members, Is.Not.Null, name);
            Assert.That(members!.Where(m => m.MemberType == "Method").Select(m => m.Name), Is.SupersetOf(new[] { "Equals", "GetHashCode", "GetType", "ToString" }), name);
        }
    }

    [Test]
    public void Known_definitions_are_rendered_as_Windows_PowerShell_5_1_shows_them()
    {
        // As `'' | Get-Member` and `Get-Service | Get-Member` print them on Windows PowerShell 5.1.
        Assert.That(Definition("System.String", "Clone"), Is.EqualTo("System.Object Clone(), System.Object ICloneable.Clone()"));
        Assert.That(Definition("System.String", "Length"), Is.EqualTo("int Length {get;}"));
        Assert.That(Definition("System.String", "Chars"), Is.EqualTo("char Chars(int index) {get;}"));
        Assert.That(Definition("System.String", "Split"), Does.StartWith("string[] Split(Params char[] separator), string[] Split(char[] separator, int count)"));
        Assert.That(Definition("System.String", "ToBoolean"), Is.EqualTo("bool IConvertible.ToBoolean(System.IFormatProvider provider)"));
        Assert.That(Definition("System.String", "GetEnumerator"), Is.EqualTo(
            "System.CharEnumerator GetEnumerator(), System.Collections.IEnumerator IEnumerable.GetEnumerator(), System.Collections.Generic.IEnumerator[char] IEnumerable[char].GetEnumerator()"));
        Assert.That(Definition("System.ServiceProcess.ServiceController", "WaitForStatus"), Is.EqualTo(
            "void WaitForStatus(System.ServiceProcess.ServiceControllerStatus desiredStatus), void WaitForStatus(System.ServiceProcess.ServiceControllerStatus desiredStatus, timespan timeout)"));
        Assert.That(Definition("System.ServiceProcess.ServiceController", "Disposed"), Is.EqualTo("System.EventHandler Disposed(System.Object, System.EventArgs)"));
        Assert.That(Definition("System.ServiceProcess.ServiceController", "DisplayName"), Is.EqualTo("string DisplayName {get;set;}"));
        Assert.That(Definition("System.Diagnostics.Process", "OutputDataReceived"), Is.EqualTo(
            "System.Diagnostics.DataReceivedEventHandler OutputDataReceived(System.Object, System.Diagnostics.DataReceivedEventArgs)"));
        Assert.That(DotNetMembers.Of("System.String")!.Any(m => m.Name.StartsWith("get_", StringComparison.Ordinal)), Is.False, "accessors are hidden without -Force");
    }

    [Test]
    public void A_malformed_table_line_is_refused()
    {
        Assert.That(() => DotNetMembers.Parse(new StringReader("[System.String]\nMethod\tClone\n")), Throws.InstanceOf<InvalidDataException>());
    }

    private static string Definition(string type, string name) => DotNetMembers.Of(type)!.Single(m => m.Name == name).Definition;
}
