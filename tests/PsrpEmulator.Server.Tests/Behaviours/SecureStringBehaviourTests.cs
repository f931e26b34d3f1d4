using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>SecureStrings and credentials a script makes and reads (the session's own key: no client exchanged one).</summary>
public class SecureStringBehaviourTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    [TestCase("$s = ConvertTo-SecureString 'P@ss' -AsPlainText -Force; $c = New-Object System.Management.Automation.PSCredential('DOM\\bob', $s); $c.UserName; $n = $c.GetNetworkCredential(); $n.Password; $n.UserName; $n.Domain", "DOM\\bob|P@ss|bob|DOM")]
    [TestCase("$s = ConvertTo-SecureString 'P@ss' -AsPlainText -Force; $b = [Runtime.InteropServices.Marshal]::SecureStringToBSTR($s); [Runtime.InteropServices.Marshal]::PtrToStringAuto($b); [Runtime.InteropServices.Marshal]::ZeroFreeBSTR($b)", "P@ss")]
    [TestCase("$s = ConvertTo-SecureString 'P@ss' -AsPlainText -Force; (New-Object System.Net.NetworkCredential('', $s)).Password; [pscredential]::new('u', $s).GetNetworkCredential().Password; [Net.NetworkCredential]::new('a', 'plain').Password", "P@ss|P@ss|plain")]
    [TestCase("$s = ConvertTo-SecureString 'x' -AsPlainText -Force; $s.GetType().FullName; $s -is [securestring]; [pscredential]::new('u', $s) -is [pscredential]", "System.Security.SecureString|True|True")]
    [TestCase("$null -eq [securestring]$null; $null -eq [pscredential]$null; $null -eq [scriptblock]$null; [securestring]$s = $null; $null -eq $s", "True|True|True|True")]
    public async Task A_script_makes_and_reads_SecureStrings_and_credentials(string script, string expected)
    {
        var (host, _) = await Default.RunScriptAsync(script);

        Assert.That(host.Errors, Is.Empty, () => string.Join("; ", host.Errors.Select(e => e.Message)));
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [TestCase("ConvertTo-SecureString 'x' -AsPlainText", "ImportSecureString_ForceRequired,Microsoft.PowerShell.Commands.ConvertToSecureStringCommand")]
    [TestCase("[pscredential]::new('u', 'plain')", "MethodArgumentConversionInvalidCastArgument")]
    [TestCase("ConvertTo-SecureString '01000000d08c9ddf'", "PsrpEmulator.ScenarioError")]
    [TestCase("[Runtime.InteropServices.Marshal]::SizeOf(1)", "PsrpEmulator.ScenarioError")]
    public async Task What_cannot_be_made_or_is_not_emulated_says_so(string script, string id)
    {
        var (host, _) = await Default.RunScriptAsync(script + "; 'next'");

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { id }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [Test]
    public async Task A_SecureString_that_no_key_of_the_session_decrypts_is_a_scenario_error_naming_the_key_exchange()
    {
        var (host, _) = await Default.RunScriptAsync("$input | ForEach-Object { $_.GetNetworkCredential().Password }",
            new PsrpEmulator.Protocol.Clixml.PsObject(["System.Management.Automation.PSCredential", "System.Object"])
                .With("UserName", "u").With("Password", PsrpEmulator.Protocol.Clixml.PsPrimitive.SecureString("AAAAAAAAAAAAAAAAAAAAAA==")));

        Assert.That(host.Errors.Select(e => e.Message), Has.Some.Contains("does not decrypt with the session key"));
    }
}
