using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// Braced variables (<c>${name}</c>) outside strings, as scripts write the one environment variable no other syntax
/// reaches: <c>${env:ProgramFiles(x86)}</c>.
/// </summary>
public class BracedVariableTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<string> OutputOfAsync(string script)
    {
        var host = new RecordingHost { Runspace = new RunspaceState() };
        host.Environment["ProgramFiles(x86)"] = @"C:\Program Files (x86)";
        var outcome = await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider());
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => $"ended {outcome.State}: {outcome.ErrorRecord?.ToDisplayString()}");
        Assert.That(host.Errors, Is.Empty, () => string.Join("; ", host.Errors.Select(e => e.Message)));
        return string.Join("|", host.OutputTexts);
    }

    [TestCase("${env:ProgramFiles(x86)}", @"C:\Program Files (x86)")]
    [TestCase("$p = ${env:ProgramFiles(x86)}; $p.Length", "22")]
    [TestCase("Join-Path ${env:ProgramFiles(x86)} 'Tools'", @"C:\Program Files (x86)\Tools")]
    [TestCase("\"${env:ProgramFiles(x86)}\\Tools\"", @"C:\Program Files (x86)\Tools")]
    [TestCase("${x} = 5; ${x} + 1; ${script:x}", "6|5")]
    [TestCase("${env:COMPUTERNAME}", "TESTHOST01")]
    [TestCase("'${env:ProgramFiles(x86)}'", "${env:ProgramFiles(x86)}")]
    [TestCase("if (${env:ProgramFiles(x86)} -like '*x86*') { 'x86' }", "x86")]
    public async Task A_braced_variable_reads_the_variable_it_names(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [TestCase("$a = 1", "$a = 1")]
    [TestCase("${a} = ${b}", "$a = $b")]
    [TestCase("'${a}' + \"${b}\"", "'${a}' + \"${b}\"")]
    [TestCase("${env:ProgramFiles(x86)}", "([Environment]::GetEnvironmentVariable('ProgramFiles(x86)'))")]
    [TestCase("${my var}", "${my var}")]
    [TestCase("${unclosed", "${unclosed")]
    [TestCase("Write-Output pre${x}post C:\\${x}", "Write-Output pre${x}post C:\\${x}")]
    public void Braced_variables_are_rewritten_outside_strings_only(string statement, string expected) =>
        Assert.That(Statements.BracedVariables(statement), Is.EqualTo(expected));
}
