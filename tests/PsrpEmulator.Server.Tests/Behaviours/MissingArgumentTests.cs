using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// A parameter given without its argument is the binder's MissingArgument, naming the parameter's type as 5.1's cmdlet
/// declares it, whether or not the emulator emulates the statement: PowerShell fails it before the cmdlet runs.
/// </summary>
public class MissingArgumentTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    [TestCase("Get-Service -Name", "Name", "System.String[]", "Microsoft.PowerShell.Commands.GetServiceCommand")]
    [TestCase("gci -Path", "Path", "System.String[]", "Microsoft.PowerShell.Commands.GetChildItemCommand")]
    [TestCase("Get-Process -Name -Id 4", "Name", "System.String[]", "Microsoft.PowerShell.Commands.GetProcessCommand")]
    [TestCase("1..3 | Select-Object -First", "First", "System.Int32", "Microsoft.PowerShell.Commands.SelectObjectCommand")]
    [TestCase("Start-Sleep -Seconds", "Seconds", "System.Int32", "Microsoft.PowerShell.Commands.StartSleepCommand")]
    [TestCase("Write-Output -InputObject", "InputObject", "System.Management.Automation.PSObject[]", "Microsoft.PowerShell.Commands.WriteOutputCommand")]
    // Statements the emulator does not emulate as written get the binder's answer, not the scenario error.
    [TestCase("Invoke-Command -ScriptBlock { 1 } -ComputerName", "ComputerName", "System.String[]", "Microsoft.PowerShell.Commands.InvokeCommandCommand")]
    [TestCase("icm { 2 } -ArgumentList", "ArgumentList", "System.Object[]", "Microsoft.PowerShell.Commands.InvokeCommandCommand")]
    [TestCase("Test-ComputerSecureChannel -Server -Repair", "Server", "System.String", "Microsoft.PowerShell.Commands.TestComputerSecureChannelCommand")]
    public async Task A_parameter_without_its_argument_is_the_binder_s_missing_argument(string statement, string parameter, string type, string cmdletClass)
    {
        var (host, _) = await Default.RunScriptAsync(statement + "; 'next'");

        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId, e.Category)), Is.EqualTo(new[]
        {
            ($"Missing an argument for parameter '{parameter}'. Specify a parameter of type '{type}' and try again.", "MissingArgument," + cmdletClass, ErrorCategory.InvalidArgument),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }), "the statement fails, the script goes on");
    }

    /// <summary>A function's parameter that is not a switch, named without its argument: MissingArgument with the declared type (Object when none), the function its command.</summary>
    [TestCase("function f { param($a, [int]$n) \"a=$a n=$n\" }; f -a", "a", "System.Object", "f")]
    [TestCase("function f { param($a, [int]$n) \"a=$a n=$n\" }; f -n -a 1", "n", "System.Int32", "f")]
    [TestCase("function g { [CmdletBinding()] param([string[]]$Name, [switch]$All) $Name }; g -All -Name", "Name", "System.String[]", "g")]
    public async Task A_function_parameter_without_its_argument_is_the_binder_s_missing_argument(string script, string parameter, string type, string function)
    {
        var (host, _) = await Default.RunScriptAsync(script + "; 'next'");

        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[]
        {
            ($"Missing an argument for parameter '{parameter}'. Specify a parameter of type '{type}' and try again.", "MissingArgument," + function),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [Test]
    public async Task A_switch_or_a_name_no_parameter_takes_still_binds_as_before()
    {
        var (host, _) = await Default.RunScriptAsync("function g { [CmdletBinding()] param([switch]$All) \"all=$All\" }; g -All; function s { \"args=$args\" }; s -Loose");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "all=True", "args=-Loose" }));
    }

    /// <summary>A switch needs no argument, and a name the cmdlet's metadata does not resolve (a provider's dynamic parameter) is left to the scenario.</summary>
    [TestCase("Test-ComputerSecureChannel -Repair")]
    [TestCase("Test-ComputerSecureChannel -Verbose -Repair")]
    [TestCase("Test-ComputerSecureChannel -Bogus")]
    public async Task What_binds_or_is_not_known_is_not_a_missing_argument(string statement)
    {
        var (host, _) = await Default.RunScriptAsync(statement);

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Has.None.StartsWith("MissingArgument"));
    }
}
