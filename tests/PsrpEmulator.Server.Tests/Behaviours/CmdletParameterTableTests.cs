using System.Reflection;
using System.Runtime.CompilerServices;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// The emulator's table of cmdlet parameters (cmdlet-parameters.tsv) against PowerShell 7.6.9's assemblies with Windows
/// PowerShell 5.1's differences. To regenerate it after changing the generator, run this fixture with
/// PSRPEMU_REGENERATE_CMDLET_TABLE=1, then review the diff like code.
/// </summary>
public class CmdletParameterTableTests
{
    private static string PackageRoot() =>
        typeof(CmdletParameterTableTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NuGetPackageRoot").Value!;

    private static string TablePath([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "src", "PsrpEmulator.Server", "Behaviours", "cmdlet-parameters.tsv"));

    [Test]
    public void The_table_is_what_PowerShell_s_assemblies_give_with_Windows_PowerShell_5_1_s_differences()
    {
        GeneratedTable.AssertEmbeddedMatches(CmdletParameterTableGenerator.Generate(PackageRoot()), CmdletParameters.EmbeddedText(), TablePath(), "PSRPEMU_REGENERATE_CMDLET_TABLE", "the assemblies");
    }
}
