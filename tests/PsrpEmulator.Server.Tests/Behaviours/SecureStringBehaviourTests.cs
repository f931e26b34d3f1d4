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
    // A DPAPI blob of another computer or user (its master key is not this one's): DPAPI's refusal.
    [TestCase("ConvertTo-SecureString ('01000000d08c9ddf0115d1118c7a00c04fc297eb01000000' + '12' * 16 + 'ab' * 32)", "ImportSecureString_InvalidArgument_CryptographicError,Microsoft.PowerShell.Commands.ConvertToSecureStringCommand")]
    [TestCase("ConvertTo-SecureString 'not hex'", "ImportSecureString_InvalidArgument,Microsoft.PowerShell.Commands.ConvertToSecureStringCommand")]
    [TestCase("ConvertFrom-SecureString (ConvertTo-SecureString 'x' -AsPlainText -Force) -Key (1..5)", "Argument,Microsoft.PowerShell.Commands.ConvertFromSecureStringCommand")]
    [TestCase("[Runtime.InteropServices.Marshal]::SizeOf(1)", "PsrpEmulator.ScenarioError")]
    public async Task What_cannot_be_made_or_is_not_emulated_says_so(string script, string id)
    {
        var (host, _) = await Default.RunScriptAsync(script + "; 'next'");

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { id }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    /// <summary>
    /// The stored-credential idiom: a password piped through ConvertTo-SecureString, ConvertFrom-SecureString to a file
    /// (DPAPI: only this computer and user read it back) or with -Key (PowerShell's AES export, its well-known header,
    /// which a Windows box with the key reads), and back.
    /// </summary>
    [Test]
    public async Task ConvertFrom_SecureString_exports_what_ConvertTo_SecureString_reads_back_with_DPAPI_or_a_key()
    {
        // A fixed export (key 1..32) for the wrong key: AES-CBC with a wrong key fails its padding check only most of the
        // time (about 1 in 256 random IVs decrypt to valid padding), so a fresh export would make the test flaky.
        const string Wrong = "76492d1116743f0423413b16050a5345MgB8ADYAKwAwAGgANABzAHkARgBPAFAAMwBFAC8AagB0AEUAOAAzAHkAYQB3AEEAPQA9AHwANwBkAGQAYgA4ADkAMABlADQAMgBkADAAZgBkADcANQA0ADgAMAA1ADAAZQBhADUANgAxADYAMAA3ADcAMgBkADgAYgA5AGQANQA0AGIAYQAyAGQAMAAzADgAMwBhADkANgAwADkAYwAxADYAYgA1AGQAYQBkADEAZABiAGQANgA=";
        var (host, _) = await Default.RunScriptAsync(
            $"$wrong = '{Wrong}'; " +
            "$s = 'P@ssw0rd' | ConvertTo-SecureString -AsPlainText -Force; $s | ConvertFrom-SecureString | Set-Content C:\\cred.txt; $text = Get-Content C:\\cred.txt; " +
            "$text.StartsWith('01000000d08c9ddf0115d1118c7a00c04fc297eb01000000'); $text -match '^[0-9a-f]+$'; [pscredential]::new('u', ($text | ConvertTo-SecureString)).GetNetworkCredential().Password; " +
            "$key = [byte[]](1..32); $e = ConvertFrom-SecureString -SecureString $s -Key $key; $e.Substring(0, 36); $e -ne (ConvertFrom-SecureString $s -Key $key); " +
            "[pscredential]::new('u', (ConvertTo-SecureString $e -Key $key)).GetNetworkCredential().Password; try { ConvertTo-SecureString $wrong -Key ([byte[]](32..1)) } catch { $_.FullyQualifiedErrorId }");

        Assert.That(host.Errors, Is.Empty, () => string.Join("; ", host.Errors.Select(e => e.Message)));
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "True", "True", "P@ssw0rd", "76492d1116743f0423413b16050a5345MgB8", "True", "P@ssw0rd",
            "ImportSecureString_InvalidArgument_CryptographicError,Microsoft.PowerShell.Commands.ConvertToSecureStringCommand",
        }));
    }

    /// <summary>The -Key export is PowerShell's own format: .NET's AES with the same key reads the package.</summary>
    [Test]
    public async Task A_key_export_decrypts_with_AES_as_PowerShell_s_SecureStringHelper_wrote_it()
    {
        var (host, _) = await Default.RunScriptAsync("ConvertFrom-SecureString (ConvertTo-SecureString 'secret' -AsPlainText -Force) -Key (1..16)");
        var export = host.OutputTexts.Single();

        var package = System.Text.Encoding.Unicode.GetString(Convert.FromBase64String(export["76492d1116743f0423413b16050a5345".Length..])).Split('|');
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = [.. Enumerable.Range(1, 16).Select(i => (byte)i)];
        var plain = aes.DecryptCbc(Convert.FromHexString(package[2]), Convert.FromBase64String(package[1]));

        Assert.That(package[0], Is.EqualTo("2"));
        Assert.That(System.Text.Encoding.Unicode.GetString(plain), Is.EqualTo("secret"));
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
