using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// The parameters the emulator binds for Windows PowerShell 5.1's cmdlets and the in-box modules' functions are
/// parameters those commands have (cmdlet-parameters.tsv, module-command-parameters.tsv).
/// </summary>
public class CmdletParameterNamesTests
{
    // The dynamic parameters of the providers other than the FileSystem (the table holds the FileSystem's): the WSMan
    // provider's listener and plugin items, the Certificate provider's filters, the Registry provider's value kind.
    private static readonly HashSet<string> OtherProvidersDynamicParameters =
    [
        "New-Item -Transport", "New-Item -Address", "New-Item -HostName", "New-Item -Enabled", "New-Item -URLPrefix", "New-Item -CertificateThumbPrint", "New-Item -Port",
        "Set-Item -Concatenate", "Remove-Item -DeleteKey", "Get-ChildItem -DnsName", "Get-ChildItem -SSLServerAuthentication", "Get-ChildItem -ExpiringInDays",
        "Get-ChildItem -CodeSigningCert", "Get-ChildItem -DocumentEncryptionCert", "Get-ChildItem -Eku", "Set-ItemProperty -Type",
    ];

    [Test]
    public void Every_parameter_name_the_emulator_binds_is_one_the_5_1_cmdlet_has()
    {
        var invented = new List<string>();
        foreach (var (command, names) in RunContext.BoundParameterNames)
        {
            if (CmdletParameters.Of(command) is not { } cmdlet) continue;
            var real = cmdlet.Parameters.SelectMany(p => p.Aliases.Prepend(p.Name)).ToHashSet(StringComparer.OrdinalIgnoreCase);
            invented.AddRange(names.Where(n => !real.Contains(n)).Select(n => $"{command} -{n}").Where(n => !OtherProvidersDynamicParameters.Contains(n)));
        }

        Assert.That(invented, Is.Empty, string.Join("\n", invented));
    }

    [Test]
    public void A_malformed_table_line_is_refused()
    {
        Assert.That(() => CmdletParameters.Parse(new StringReader("[Get-X]\tX\t\t\nName\tSystem.String\tstring\n")), Throws.InstanceOf<InvalidDataException>());
        Assert.That(() => CmdletParameters.Parse(new StringReader("[Get-X]\tX\t\t\nName\tSystem.String\tstring\t\tAll\t\n")), Throws.InstanceOf<InvalidDataException>());
    }

    /// <summary>Windows PowerShell 5.1's cmdlets, not PowerShell 7's: the parameters only one of them has.</summary>
    [TestCase("Get-Process", "ComputerName", true)]
    [TestCase("Get-Service", "ComputerName", true)]
    [TestCase("Test-Connection", "Source", true)]
    [TestCase("Test-Connection", "TargetName", false)]
    [TestCase("Get-WmiObject", "Class", true)]
    [TestCase("Get-EventLog", "LogName", true)]
    [TestCase("ForEach-Object", "Parallel", false)]
    [TestCase("Where-Object", "Not", false)]
    [TestCase("Get-ChildItem", "FollowSymlink", false)]
    [TestCase("Get-ChildItem", "File", true)]
    [TestCase("Get-Content", "AsByteStream", false)]
    [TestCase("ConvertFrom-Json", "AsHashtable", false)]
    [TestCase("Invoke-WebRequest", "TimeoutSec", true)]
    [TestCase("Invoke-WebRequest", "SkipCertificateCheck", false)]
    [TestCase("Add-Type", "CodeDomProvider", true)]
    [TestCase("Resolve-Path", "Relative", true)]
    public void The_table_has_the_parameters_of_5_1_s_cmdlets(string cmdlet, string parameter, bool has)
    {
        Assert.That(CmdletParameters.Of(cmdlet)!.Parameters.Any(p => p.Name == parameter), Is.EqualTo(has));
    }

    [Test]
    public void A_5_1_parameter_s_type_is_5_1_s()
    {
        Assert.That(CmdletParameters.Of("Get-Content")!.Parameters.Single(p => p.Name == "Encoding").TypeName, Is.EqualTo("Microsoft.PowerShell.Commands.FileSystemCmdletProviderEncoding"));
        Assert.That(CmdletParameters.Of("Out-File")!.Parameters.Single(p => p.Name == "Encoding").TypeName, Is.EqualTo("System.String"));
        Assert.That(CmdletParameters.Of("Write-Output")!.Parameters.Single(p => p.Name == "InputObject").TypeName, Is.EqualTo("System.Management.Automation.PSObject[]"));
        Assert.That(CmdletParameters.Of("Get-Date")!.SetNames, Is.EqualTo(new[] { "DateAndFormat", "DateAndUFormat" }));
    }

    /// <summary>
    /// The n-th positional argument the emulator binds is a parameter 5.1's cmdlet has at position n in one of its sets
    /// (the emulator binds one order for all sets).
    /// </summary>
    [Test]
    public void Every_positional_order_the_emulator_binds_is_the_5_1_cmdlet_s()
    {
        var wrong = new List<string>();
        foreach (var (command, _) in RunContext.BoundParameterNames.DistinctBy(c => c.Command))
        {
            if (CmdletParameters.Of(command) is not { } cmdlet) continue;
            var order = RunContext.PositionalOrder(command);
            if (order is ["Start", "End"] && command != "New-TimeSpan") continue;
            for (var i = 0; i < order.Length; i++)
            {
                var parameter = cmdlet.Parameters.FirstOrDefault(p => p.Name.Equals(order[i], StringComparison.OrdinalIgnoreCase));
                if (parameter is not null && PositionLost(parameter) && cmdlet.FromModuleProfile) continue;
                if (parameter is null || !parameter.Sets.Any(s => s.Position is { } position && position == i + (order.Length > 0 && PositionsStartAtOne(cmdlet) && !FirstPositionLost(cmdlet, order) ? 1 : 0)))
                {
                    wrong.Add($"{command} #{i} {order[i]} ({(parameter is null ? "no such parameter" : string.Join(",", parameter.Sets.Select(s => $"{s.Name}@{s.Position}")))})");
                }
            }
        }

        Assert.That(wrong, Is.Empty, string.Join("\n", wrong));
    }

    // The module commands' profile leaves out a parameter's entry for all sets, its position with it (Test-NetConnection
    // -ComputerName, at 0 on Windows): its other positions are as given.
    private static bool PositionLost(CmdletParameter parameter) => parameter.Sets is [{ Name: CmdletParameter.AllParameterSets, Position: null }];

    private static bool FirstPositionLost(CmdletDefinition cmdlet, string[] order) =>
        cmdlet.FromModuleProfile && order.Length > 0 && cmdlet.Parameters.FirstOrDefault(p => p.Name.Equals(order[0], StringComparison.OrdinalIgnoreCase)) is { } first && PositionLost(first);

    // The reference pages give some cmdlets' positions from 1 (no parameter of theirs is at 0).
    private static bool PositionsStartAtOne(CmdletDefinition cmdlet) => !cmdlet.Parameters.Any(p => p.Sets.Any(s => s.Position == 0));
}
