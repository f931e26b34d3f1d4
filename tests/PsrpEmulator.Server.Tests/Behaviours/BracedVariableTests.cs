using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// Braced variables (<c>${name}</c>) outside strings, as scripts write the one environment variable no other syntax
/// reaches: <c>${env:ProgramFiles(x86)}</c>, and names with characters a bare name cannot have (<c>${my var}</c>,
/// <c>${function:Get-Thing}</c>). Expected values are what PowerShell prints for the same scripts.
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
    [TestCase("${my var}", "$_ǂmyǂ0020var")]
    [TestCase("${global:a-b} = 1", "$global:_ǂaǂ002db = 1")]
    [TestCase("${C:\\temp\\a.txt}", "(Get-Content -LiteralPath 'C:\\temp\\a.txt' -ErrorAction Ignore)")]
    [TestCase("${C:\\temp\\a.txt} = 'x'", "Set-Content -LiteralPath 'C:\\temp\\a.txt' -Value ('x')")]
    [TestCase("${C:\\a.txt} = 'x'; 'next'", "${C:\\a.txt} = 'x'; 'next'")]
    [TestCase("${unclosed", "${unclosed")]
    [TestCase("Write-Output pre${x}post C:\\${x}", "Write-Output pre${x}post C:\\${x}")]
    public void Braced_variables_are_rewritten_outside_strings_only(string statement, string expected) =>
        Assert.That(Statements.BracedVariables(statement), Is.EqualTo(expected));

    [TestCase("${a-b} = 5; ${a-b}; ${a-b} * 2", "5|10")]
    [TestCase("${my var} = 3; \"v=${my var}\"; ${my var} + 1; (Get-Variable 'my var').Value; (Get-Variable -Name 'my var').Name", "v=3|4|3|my var")]
    [TestCase("Set-Variable -Name 'p.q' -Value 7; ${p.q}; ${p.q}.GetType().Name", "7|Int32")]
    [TestCase("${my list} = 1, 2, 3; ${my list}.Count; ${my list}[1]; foreach ($i in ${my list}) { $i }", "3|2|1|2|3")]
    [TestCase("${global:x y} = 'g'; ${x y}; $global:n = 1; ${n}", "g|1")]
    [TestCase("$h = @{}; ${k-1} = 'v'; $h[${k-1}] = 1; $h.Keys", "v")]
    public async Task A_braced_name_with_any_characters_is_one_variable(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    // A script that writes errors: the host that recorded them and its output.
    private static async Task<RecordingHost> RunWritingErrorsAsync(string script)
    {
        var host = new RecordingHost { Runspace = new RunspaceState() };
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider());
        return host;
    }

    [Test]
    public async Task An_unset_braced_name_under_strict_mode_is_named_as_written()
    {
        var host = await RunWritingErrorsAsync("Set-StrictMode -Version 2; ${no such}");
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)),
            Is.EqualTo(new[] { ("The variable '$no such' cannot be retrieved because it has not been set.", "VariableIsUndefined") }));
    }

    // FunctionProvider.SetSessionStateItem: a script block is the body, a string its text, $null removes the function.
    [TestCase("${function:Get-Bar} = { 'bar' }; Get-Bar", "bar")]
    [TestCase("${function:Get-Baz} = 'param($n) \"baz $n\"'; Get-Baz 3; ${function:Get-Baz} -is [scriptblock]", "baz 3|True")]
    [TestCase("$function:GetQ = { 'q' }; GetQ; $function:GetQ = $null; Test-Path function:GetQ", "q|False")]
    [TestCase("$variable:vv = 4; $vv; $alias:gg = 'Get-Date'; (Get-Alias gg).Definition", "4|Get-Date")]
    [TestCase("& { param($def) ${function:Do-It} = $def; Do-It } 'Write-Output \"did it\"'", "did it")]
    public async Task Assigning_a_function_drive_item_defines_the_function(string script, string expected) =>
        Assert.That(await OutputOfAsync(script), Is.EqualTo(expected));

    [Test]
    public async Task A_function_item_given_a_number_is_FunctionProvider_s_argument_error()
    {
        var host = await RunWritingErrorsAsync("$function:x = 5; 'next'");
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Category)), Is.EqualTo(new[] { ("Argument", ErrorCategory.InvalidArgument) }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }
}
