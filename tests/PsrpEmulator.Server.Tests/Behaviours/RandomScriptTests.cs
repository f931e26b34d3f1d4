using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// Seeded random scripts from PowerShell's pieces (quotes, braces, pipes, ranges, assignments, jobs) through the
/// default behaviours: each ends with an outcome (an error record at worst), never an exception or a hang.
/// </summary>
public class RandomScriptTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static readonly string[] Pieces =
    [
        "$x", "$y", "$_", "$input", "=", " = ", "|", " | ", "{", "}", "(", ")", "[", "]", "'", "\"", "`", ";", "\n", "#", "@(", "@{", " ",
        "1..3", "5..1", "-2..2", "ForEach-Object", "%", "Start-Job", "Receive-Job", "Get-Job", "-Wait", "-Keep", "Write-Output", "Write-Error",
        "'text'", "\"a $x b\"", "$_ * 2", "$_ + 1", "param($a)", "$args", "Start-Sleep 1", "Get-Date", "$true", "$null", "hostname", "42", "-1", " findstr a", "sort.exe", "ipconfig", "find /c",
        ".\\r.ps1", "& .\\r.ps1 ", ". .\\r.ps1", "& 'C:\\Users\\Default\\Documents\\r.ps1'", "exit 2", "-a", "$PSScriptRoot",
        "Start-Process cmd '/c exit 2' -Wait -PassThru", "start ", "-RedirectStandardOutput o.txt", "-Wait", "saps ping '-n 2 localhost'",
        "Stop-Service WinRM", "Start-Service", " Spooler", "| Restart-Service", "Set-Service Spooler -StartupType ", "Manual", "-PassThru", "-WhatIf", "Get-Service",
        "Install-WindowsFeature Web-Server", "Get-WindowsFeature", " Web-*", "Uninstall-WindowsFeature", "-IncludeAllSubFeature", "Test-Connection localhost -Count 1",
        "Get-ItemProperty ", "Set-ItemProperty ", "New-ItemProperty ", "gpv ", "Remove-ItemProperty ", "Rename-ItemProperty ", "New-Item ", "Remove-Item ", "Get-ChildItem ", "Test-Path ",
        " HKLM:\\SOFTWARE\\Contoso", " HKCU:\\Software\\*", " 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion'", " Registry::HKEY_LOCAL_MACHINE\\SOFTWARE", " -Name N", " -Name '(default)'",
        " -Value 5", " -Value 'a','b'", " -Type DWord", " -PropertyType QWord", " -PropertyType Nope", " -NewName M", " -Force", " -Recurse", ".GetValue('N')", ".'(default)'",
        "reg add HKLM\\SOFTWARE\\Contoso /v N /t REG_DWORD /d 1 /f", "reg query HKLM\\SOFTWARE /s", "reg delete HKLM\\SOFTWARE\\Contoso /f",
    ];

    [Test]
    public async Task Random_scripts_end_with_an_outcome_and_never_an_exception()
    {
        // Sleeps wait on a clock nobody moves: cancelling is how those end.
        await RunRandomScriptsAsync(Pieces, seed: PsrpEmulator.Tests.Fuzz.Seed(20261128), runs: PsrpEmulator.Tests.Fuzz.Runs(1500), maxPieces: 15, stopAfter: TimeSpan.FromMilliseconds(300));
    }

    private static readonly string[] RegistryPieces =
    [
        "; Get-ItemProperty", "; Set-ItemProperty", "; New-ItemProperty", "; gpv", "; Remove-ItemProperty", "; Rename-ItemProperty", "; New-Item", "; Remove-Item",
        "; Get-ChildItem", "; Get-Item", "; Test-Path", " | Get-ItemProperty", " | Remove-Item", " | Set-ItemProperty -Name N -Value 1", "; $k = Get-Item HKLM:\\SOFTWARE\\Contoso; $k",
        " HKLM:\\SOFTWARE\\Contoso", " HKLM:\\SOFTWARE\\Contoso\\Sub", " HKCU:\\Software\\*", " HKLM:\\", " HKLM:", " 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion'",
        " Registry::HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso", " HKLM:\\SOFTWARE\\[", " -LiteralPath HKLM:\\SOFTWARE\\C*", " -Name N", " -Name '(default)'", " -Name *", " N", " 5",
        " -Value 5", " -Value 'a','b'", " -Value $null", " -Value ([byte[]](1,2))", " -Value 4294967296", " -Value ''", " -Type DWord", " -Type Binary", " -Type MultiString", " -Type Nope",
        " -PropertyType QWord", " -PropertyType ExpandString", " -NewName M", " -Force", " -Recurse", " -PassThru", " -WhatIf", " -Confirm", " -ItemType String", " -PathType Leaf",
        ".GetValue('N')", ".GetValueKind('N')", ".GetSubKeyNames()", ".'(default)'", ".Property", "; reg add HKLM\\SOFTWARE\\Contoso /v N /t REG_BINARY /d 0g /f",
        "; reg query HKLM\\SOFTWARE /s", "; reg delete HKLM\\SOFTWARE\\Contoso /va /f", "; reg add HKCU\\x /ve /d 1",
    ];

    /// <summary>Seeded random registry statements (commands, paths, values, types, switches in any order): an outcome each time.</summary>
    [Test]
    public async Task Random_registry_statements_end_with_an_outcome_and_never_an_exception() =>
        await RunRandomScriptsAsync(RegistryPieces, seed: PsrpEmulator.Tests.Fuzz.Seed(20261130), runs: PsrpEmulator.Tests.Fuzz.Runs(1000), maxPieces: 8, stopAfter: TimeSpan.FromMilliseconds(300));

    private static readonly string[] TypeDefinitionPieces =
    [
        "enum", "class", " E", " C", " D", " : ", " : C", " : System.Exception", "{", "}", "(", ")", "[", "]", ";", "\n", " ", "=", " = ", ",", "'", "\"",
        " A", " B = 5", " B = 0x10", " A = $x", " A = 2147483648", " A = [int]::MaxValue", " A = [E]::B", "[Flags()]", "[Flags()]\n", "[Nope()]",
        "[string]$Name", "[int]$N = '7'", "static [int]$S = 1", "hidden $H", "[ValidateNotNull()]", " C([string]$n) { $this.Name = $n }", " C() : base() { }",
        " D() : base(1) { }", "[string] M() { return $this.Name }", "[void] V() { 'x' }", "static [int] S2([int]$a) { return $a * 2 }", "[int] R() { return $this.R() }",
        "[E]::A", "[E]'B'", "[E]7", "[C]::new()", "[C]::new('a')", "[C]::new().M()", "[C]::S", "[C]::S++", "[C]::S2(3)", "[C]@{ Name = 'x' }", "[C]@{ Nope = 1 }",
        "New-Object C", "$o = [C]::new('z'); $o.M(); $o.N = 'q'", "$o | Get-Member", "[enum]::GetNames([E])", "using namespace System.IO", "[Path]::GetExtension('a.b')",
    ];

    /// <summary>Seeded random enum and class definitions and uses (well formed or not): an outcome each time, never an exception.</summary>
    [Test]
    public async Task Random_type_definitions_end_with_an_outcome_and_never_an_exception() =>
        await RunRandomScriptsAsync(TypeDefinitionPieces, seed: PsrpEmulator.Tests.Fuzz.Seed(20261205), runs: PsrpEmulator.Tests.Fuzz.Runs(1000), maxPieces: 12, stopAfter: TimeSpan.FromMilliseconds(300));

    private static readonly string[] DnsClientPieces =
    [
        "; Get-DnsClientCache", "; Clear-DnsClientCache", "; Resolve-DnsName", "; Get-DnsClient", "; Set-DnsClient", "; ping -n 1", "; ipconfig /displaydns", "; ipconfig /flushdns",
        "; [Net.Dns]::GetHostAddresses('Server02')", "; Test-NetConnection Server02 -Port 5985", " | Set-DnsClient -RegisterThisConnectionsAddress 0", " | Out-String", " | Format-List *",
        " Server02", " server03", " nope.example", " localhost", " Server0*", " -Entry Server02", " -Name *", " -Data 10.0.0.5", " -Type A", " -Type AAAA", " -Type 28", " -Type MX",
        " -Type Bogus", " -Status NoRecords", " -Status 9501", " -Section Answer", " -Section 7", " -TimeToLive 5", " -InterfaceAlias Ethernet", " -InterfaceIndex 1", " -InterfaceIndex 9",
        " -ConnectionSpecificSuffix corp.example", " -ConnectionSpecificSuffix ''", " -ResetConnectionSpecificSuffix", " -UseSuffixWhenRegistering $true", " -RegisterThisConnectionsAddress 'no'",
        " -PassThru", " -WhatIf", " -Entry", " -Type", " $null", " @()", "; Get-DnsClientGlobalSetting", "; Set-DnsClientGlobalSetting", " -SuffixSearchList a.example,b.example",
        " -SuffixSearchList", " -DevolutionLevel -1", " -DevolutionLevel 3", " -UseDevolution 0", "; ipconfig /all", "; tasklist /v", "; tasklist /V /FO CSV /NH", "; tasklist /v /svc", "; tasklist /v /fo list /fi \"pid eq 4\"",
    ];

    /// <summary>Seeded random DNS client statements (the cache, the interfaces' settings, tasklist /V): an outcome each time.</summary>
    [Test]
    public async Task Random_dns_client_statements_end_with_an_outcome_and_never_an_exception() =>
        await RunRandomScriptsAsync(DnsClientPieces, seed: PsrpEmulator.Tests.Fuzz.Seed(20261206), runs: PsrpEmulator.Tests.Fuzz.Runs(400), maxPieces: 8, stopAfter: TimeSpan.FromMilliseconds(300),
            network: () => new NetworkSettings { Neighbours = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Server02"] = "10.0.0.5", ["Server03"] = "10.0.0.6" } });

    // Second hops from a session: remoting, WS-Man, SMB, DCOM and RPC to other computers, TrustedHosts changed on the way.
    private static readonly string[] SecondHopPieces =
    [
        "Invoke-Command -ComputerName Server02 { 1 }", "icm Server03, Nowhere { hostname }", "New-PSSession Server02", "nsn -cn 10.0.0.5 -Credential $c",
        "Invoke-Command Server02 { Get-Thing -Credential $c } -Cred:$c", "Set-Item WSMan:\\localhost\\Client\\TrustedHosts * -Force", "Set-Item WSMan:\\localhost\\Client\\TrustedHosts 'Server0*,*.example' -Force",
        "Set-Item WSMan:\\localhost\\Client\\TrustedHosts '' -Force", "winrm set winrm/config/client '@{TrustedHosts=\"Server02\"}'", "Test-WSMan Server02", "Test-WSMan -cn Nowhere -Authentication None",
        "Test-WSMan 10.0.0.6 -UseSSL", "Enter-PSSession Server02", "etsn -VMName x", "Start-BitsTransfer http://a/b C:\\b", "dir \\\\Server02\\c$", "Test-Path \\\\Server03\\d$\\x",
        "Get-Content '\\\\10.0.0.5\\share\\a.txt'", "cd \\\\Server02\\c$", "Copy-Item \\\\Server02\\c$\\a C:\\a", "gci \\\\Server02\\c$\\*.log", "net use Z: \\\\Server02\\c$",
        "net use \\\\Nowhere\\x", "Get-WmiObject Win32_BIOS -ComputerName Server02", "gwmi Win32_OperatingSystem -cn Server03 -Credential $c", "Get-WmiObject Win32_BIOS -ComputerName localhost, Server02",
        "Get-Service -ComputerName Server02", "Get-Service WinRM, Win* -ComputerName Server03", "Get-Service -cn Nowhere -Name a", "Get-Service -ComputerName Server02 -DisplayName x",
        "Get-PSSession -Id 1, 'x'", "Get-PSSession -Name a*, b", "Remove-PSSession -InstanceId 'nope'", "rsn -Session $null", "Remove-PSSession -Session:@()", "Exit-PSSession", "exsn; ",
        "try { ", " } catch { $_.FullyQualifiedErrorId }", " -ErrorAction Stop", " -ErrorAction SilentlyContinue", "; ", "; 'after'", "$c = $null; ", " | Out-Null", "$ErrorActionPreference = 'Stop'; ",
    ];

    /// <summary>Seeded random second hops (Invoke-Command, Test-WSMan, UNC paths, net use, Get-WmiObject, Get-Service to other computers): an outcome each time.</summary>
    [Test]
    public async Task Random_second_hop_statements_end_with_an_outcome_and_never_an_exception() =>
        await RunRandomScriptsAsync(SecondHopPieces, seed: PsrpEmulator.Tests.Fuzz.Seed(20261207), runs: PsrpEmulator.Tests.Fuzz.Runs(400), maxPieces: 8, stopAfter: TimeSpan.FromMilliseconds(300),
            network: () => new NetworkSettings
            {
                Neighbours = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Server02"] = "10.0.0.5", ["Server03"] = "10.0.0.6" },
                NeighbourAllows = (address, protocol, port) => protocol == "TCP" && (address == "10.0.0.5" ? port is 445 or 5985 : port is 135 or 5985),
            });

    /// <summary>
    /// <paramref name="runs"/> scripts of 1 to <paramref name="maxPieces"/> random pieces through the default behaviours,
    /// each cancelled after <paramref name="stopAfter"/> (as a Stop would end it): an outcome every time, no exception.
    /// </summary>
    private static async Task RunRandomScriptsAsync(string[] pieces, int seed, int runs, int maxPieces, TimeSpan stopAfter, Func<NetworkSettings>? network = null)
    {
        var random = new Random(seed);
        for (var i = 0; i < runs; i++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, maxPieces + 1)).Select(_ => pieces[random.Next(pieces.Length)]));
            var runspace = new RunspaceState();
            // Every other script runs for a client with a host UI, which answers each prompt in one of the ways a
            // client may (a value, nothing, an empty or odd answer, an error).
            var host = new RecordingHost([]) { Runspace = runspace, HostUI = i % 2 == 0 ? null : HostAnswers(random.Next()), ServiceStates = new ServiceStates(), WindowsFeatures = new WindowsFeatureStates(), LocalAccounts = new LocalAccounts("FUZZ01", ["tester"]), FirewallRules = new FirewallRules(), ScheduledTasks = new ScheduledTasks(), SmbShares = new SmbShares(), EventLogs = new EventLogs(TimeProvider.System, EventLogs.DefaultBoot), WsManConfiguration = FuzzWsManConfiguration, WsManSettings = new WsManSettings(), NetworkSettings = network?.Invoke() };
            // A script file that runs itself again (call depth ends it) and exits.
            host.FileSystem!.CreateDirectory(@"C:\Users\Default\Documents");
            host.FileSystem.Write(@"C:\Users\Default\Documents\r.ps1", "param($a) $a; $PSScriptRoot; if ($a) { & $PSCommandPath -a $a }; exit 3"u8, FileWriteMode.Create);
            using var stop = new CancellationTokenSource(stopAfter);
            try
            {
                var outcome = await Default.Resolve(Behaviour.Script(text)).RunTestAsync(host, new FakeTimeProvider(), stop.Token);
                Assert.That(outcome.State, Is.AnyOf(PSInvocationState.Completed, PSInvocationState.Failed, PSInvocationState.Stopped), text);
            }
            catch (Exception e)
            {
                Assert.Fail($"Iteration {i}: {e.GetType().Name} escaped for script <<{text}>>: {e}");
            }
            finally
            {
                runspace.Close();
            }
        }
    }

    private static Func<PipelineHostCall, PipelineHostResponse> HostAnswers(int seed)
    {
        var random = new Random(seed);
        return call => new PipelineHostResponse(call.CallId, call.MethodId, random.Next(6) switch
        {
            0 => Protocol.Clixml.PsPrimitive.String("typed"),
            1 => null,
            2 => RemoteHostCalls.PromptResult([new("Name", Protocol.Clixml.PsPrimitive.String("v"))]),
            3 => RemoteHostCalls.PromptResult([]),
            4 => Protocol.Clixml.PsPrimitive.Int32(7),
            _ => null,
        }, random.Next(6) == 5 ? ErrorRecords.Create("refused", "HostRefused") : null);
    }

    /// <summary>The language's pieces: keywords, operators, blocks and literals, in random order.</summary>
    private static readonly string[] LanguagePieces =
    [
        "if", "elseif", "else", "foreach", "while", "do", "until", "for", "try", "catch", "finally", "break", "continue", "in",
        " (", ")", " {", "}", "[", "]", ";", "\n", " ", "$i", "$x", "$_", "-eq", " -ne ", "-like", " -match ", "'('", " -and ", "-not ",
        "!", "+", " - ", "*", "/", "%", "+=", "++", "--", "=", "1,2", "0x10", "3.5", "1e-5", "2GB", "$(", "@(", "(1 -eq 1)",
        "throw 'x'", "Get-Frob", "'text'", "\"$i\"", "1..3", "$true", "$null", "0", "Get-Date", "[System.Exception]",
        "function f", "function g($a)", "f", "g 1", " -a ", "return", "param($a)", "'{0}' -f ", "-split", "-join", "-replace",
        "switch", "-Wildcard", "-Regex", "default", "(1,2).Count", "Write-Output", "echo", "\"a $(", "\"$($i)\"", "`", "[0]", "[-1]", "$Matches", "['k']", "@{", "[PSCustomObject]", "[ordered]", "a = 1", "=", " -ErrorAction Stop", " -EA SilentlyContinue", "Write-Error 'e'", "$ErrorActionPreference = 'Stop'", "$WarningPreference = 'Ignore'", ".Trim()", ".Substring(1)", ".Replace('a', 'b')", ".Frob()",
        "[int]", "[string[]]", "[void]", " -is ", " -as ", "[datetime]", "[Math]::Round(", "[Math]::Max(1, ", "[string]::Join(',', ", "[int]::MaxValue",
        "[DateTime]::Now", " -band ", " -shl ", "-bnot ", "'abc'.Length", "\"x\".ToUpper()", "[char]",
        "Get-Service", " | Where-Object { $_ -gt 1 }", " | Where Status -eq Running", " | Select-Object -First 1", " | select -Last 2 -Exp Name",
        " | Sort-Object", " | sort Name -Desc", " | % { $_ }", " | ForEach-Object Name", " | Measure-Object -Sum", " | Out-Null", " | ? ",
        "function p { process { $_ } }", "filter q { $_ }", " | p", " | q", "begin {", "process {", "end {",
        " | Group-Object", " | group Name -AsHashTable", " | select Name, @{ n = 'x'; e = { $_ } }", "@{ e = 'Name' }",
        "$x['k'] = 1", "$x[0] = ", "$x.Name = 2", "$x[-1] += 1", ".Add(1)", ".Remove('k')", ".ContainsKey('k')", ".Keys", "[System.Collections.ArrayList]",
        "$x = @{}", "$x = @()", "$y = $x", " | sort { $_ } -Desc", "$?", "if (-not $?) { 1 }", "Start-Sleep -Milliseconds 5", "sleep -s $x", ".Where({ $_ })", ".ForEach({ $_ })", ".Where({ $_ }, 'Split', 1)", ".Where{ $_ -gt 1 }", ", 'Last'", ".ForEach('Length')", ".ForEach([int])", ".ForEach('a', 1)", "$a, $b = ", "$a, $b, $c = 1", "Set-Alias q2 Get-Date; ", "sal q3 ", "New-Alias q2 x", " | q3", "q2", "($x = 1)", "f ($y = 2) { 'sb' }", "\"$alias:q2 $function:f\"", "Add-Type -AssemblyName System.Web", "[IO.Compression.ZipFile]::ExtractToDirectory(", " | Copy-Item -Destination C:\\d", " | Sort-Object @{ e = { $_ }; Descending = $true }",
        " | Select-Object *", " | select * -ExcludeProperty N*", " | select Name -ExpandProperty DependentServices", " -ExcludeProperty ", ".PSObject.TypeNames",
        " | Format-Table", " | ft Name, @{ l = 'L'; e = { $_ } } -AutoSize", " | ft -GroupBy Status", " | fl Name -GroupBy Length", " | Format-List *", " | fl", " | fw", " | Format-Wide -Column 3", " | fw { $_ } -AutoSize", " | select { $_.Length }", " | Out-String", " | Out-String -Stream -Width 3",
        " | ConvertTo-Json", " | ConvertTo-Json -Depth 0 -Compress", " | ConvertFrom-Json", "ConvertTo-Json ", "ConvertFrom-Json '{\"a\":[1,{\"b\":2}]}'", "'[1,'", " | Select-String 'a(b)?' -AllMatches", " | sls -NotMatch '[' -Quiet", " | Select-String b -Context 1", " -Context 0,2", " -Context -1", ".Context.PostContext",
        "switch ($x) { ($x -bor 1) { 'a' } (2) { 'b' } }", "New-Object System.Security.Principal.SecurityIdentifier(", "'S-1-5-32-544')", "[System.Security.Principal.SecurityIdentifier]'BA'", ".GetBinaryForm($b, 0)", "$b = New-Object byte[] 16",
        "([ADSI]'WinNT://./Guest,user').objectSid[0]", "([ADSI]'WinNT://./Administrators,group').Members() | % { $_.GetType().InvokeMember('Name', 'GetProperty', $null, $_, $null) }", "([ADSI]'WinNT://./Guest,user').Groups()", "[ADSI]$_",
        " | Write-Host", " | Write-Output", " | Out-Host", " | Out-Default", " | %{ $_ }", " | ?{ $_ }", "$x = & {}; @($x).Count", "[array] $n += ", "$f = for ($i = 0; $i -lt 2; $i++)\n{ $i }",
        "[System.Diagnostics.EventLog]::SourceExists('s')", "[System.Diagnostics.EventLog]::CreateEventSource('s', 'Application')", "[System.Diagnostics.EventLog]::WriteEntry('s', 'm')",
        "New-WSManInstance winrm/config/Listener -SelectorSet @{Transport='HTTP'; Address='*'}", "Get-WSManInstance winrm/config/listener -Enumerate", "Set-WSManInstance winrm/config/service/auth -ValueSet @{Basic=$true}",
        " -Verbose:$false", " -Verbose", "[System.Net.Dns]::GetHostAddresses('localhost')", "(New-Object System.Net.NetworkInformation.Ping).Send(", "New-Object System.Net.Sockets.TcpClient",
        ".BeginConnect('localhost', 5985, $null, $null)", ".AsyncWaitHandle.WaitOne(1, $false)", ".GetOwner()", "gwmi Win32_GroupUser", ".GetAccessControl()", "dir cert:\\ -rec", "Get-ChildItem Cert:\\LocalMachine\\Root",
        "secedit /export /cfg s.inf", "auditpol /get /subcategory:'Logon' /r", "netstat -anbo", "Get-WindowsOptionalFeature -Online -FeatureName ", "Enable-WindowsOptionalFeature -Online -NoRestart -All -FeatureName IIS-WebServer", "Get-WmiObject Win32_UserAccount", "Get-CimInstance Win32_Group", " | ConvertTo-Csv", " | ConvertFrom-Csv -Delimiter ';'",
        "Read-Host", "Read-Host 'Name'", " -Confirm", " -Debug", "Write-Debug 'd'", "[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')] param([Parameter(Mandatory)]$n) ", "$PSCmdlet.ShouldProcess('t')", "$PSCmdlet.ShouldContinue('q', 'c')", "Write-Warning", "New-Object", "[System.Management.Automation.Host.ChoiceDescription[]]", "[Management.Automation.Host.ChoiceDescription]::new(", "$Host.UI.PromptForChoice('c', 'm', ", "$Host.UI.ReadLine()", "$Host.UI.WriteLine(", " -AsSecureString", "Get-Credential ", " -UserName x", " -Message m", "Get-HotFix", "Get-HotFix -Id KB1", "gcim Win32_Service -Filter \"Name='WinRM'\"", "gwmi Win32_LogicalDisk -Filter 'x'", "gcim Win32_Processor", "gwmi Win32_Process -Filter \"Name='svchost.exe'\"", "Get-WmiObject -Query 'SELECT Name FROM Win32_NetworkAdapterConfiguration WHERE IPEnabled = TRUE'", "gcim Win32_QuickFixEngineering", ".__CLASS", "[Console]::OutputEncoding", "[IntPtr]::Size", "[ADSI]'WinNT://.'", ".Children", ".Create('User', 'u')", ".SetInfo()", "[ADSI]'WinNT://./Administrators,group'", ".Add('WinNT://./u')", "$t::GetFileName('a')", ":o foreach ($i in 1,2) { break o }", "continue o", "Get-Content('x')", "F1($v)", ". hostname", "Test-WSMan", "gwmi Win32_ComputerSystem", ".Rename('x')", "[Diagnostics.FileVersionInfo]::GetVersionInfo('C:\\Windows\\System32\\cmd.exe')", "Get-ItemProperty C:\\Windows", "if (1) { 'a' } 'b'", "$private:p = ", "& (Join-Path C:\\ 'x.ps1')", "Get-Command .\\x.ps1", "-ErrorAction 0", "$PSSenderInfo", "$PSCulture", "Get-ChildItem C:\\ -File", "Get-WinEvent System -MaxEvents 2", " -gt '2020-01-01'", "[version]'1.2'", " -lt [version]'1.10'", "[datetime]'2026-01-01', [datetime]'2025-01-01'", " ?? ", " && ",
        ".GetType()", "[Foo]", "[int].Name", "[object[]].BaseType", "(Get-Date).AddDays(", ".Year", ".TotalHours", "(Get-Date) - ", "$null.Frob()",
        "New-Object PSObject -Property ", "New-Object System.Collections.ArrayList", "New-Object ", "Join-Path C:\\a ", "Split-Path ", " -Leaf", " -Qualifier",
        "New-TimeSpan -Minutes ", "New-TimeSpan -Start ", "'a' | Out-File x", "Write-Progress -Activity a -PercentComplete ", "Write-Progress ", " -Completed", "$using:x", "[array]", "@\"\n", "\n\"@", "@'\n", "\n'@", "'it''s'", " @p", "$p = @{ Name = 'x' }; ", "[switch]$s", " | Add-Member -NotePropertyName n -NotePropertyValue ", " -PassThru", " | Get-Random -Count 2", " | Get-Member", " | gm -MemberType ", "NoteProperty", " -Name ", " -View Base", "Get-Member -InputObject ", "[pscustomobject]@{ PSTypeName = ", ".pstypenames", "wmic os get caption", "wmic service where name=", "certutil -hashfile ", "Get-Random -Maximum ", "Invoke-Expression ", "iex '$x'", "trap { ", "trap [Exception] { 'x'; continue }; ", "[int]$t = ", "Set-Variable -Name x -Value ", "Get-Variable x -ValueOnly", "$Error[0]", "Get-Service $x", "Get-Service W*", "[IO.Path]::GetFileName(", "[guid]::NewGuid().", "[DateTime]::Now.", ".ToString(",
        "throw ", "throw $_", "[ArgumentException]::new(", "[IO.FileNotFoundException] ", ".CategoryInfo", ".PSObject.Properties", "[regex]::Match(", "[regex]::Matches('a1', ", ".Groups[1]",
        "Write-Error -Category ", "-ErrorId e -TargetObject ", "Write-Error -ErrorRecord ", "Set-StrictMode -Version ", "Write-Output -NoEnumerate ", "& { param($a) $a } ", "Invoke-Command { $args } -ArgumentList ",
        " | Wait-Job", " | Receive-Job -Wait", "Start-Job { 1 } -ArgumentList ", "[int]::Parse(", "[datetime]::ParseExact(",
        "param([Parameter(Mandatory)][int]$n) ", "[ValidateSet('a')]", "$PSBoundParameters", "$MyInvocation.MyCommand", " -ErrorVariable e", " -ev +e", " -OutVariable o", " -wv w", "Compare-Object ", " -IncludeEqual", " -SyncWindow ", " | diff ", " -PassThru", "Get-Date -UFormat ", "$env:X = ", "$env:X", "[-2..-1]", "3..-1", "[Convert]::ToBase64String(", "[Convert]::FromBase64String(", "[Text.Encoding]::UTF8.GetBytes(", ".GetString(", "[xml]", "Write-Host ", " -Separator ", " -ForegroundColor Red", "Get-Date -Date ", " -Month ", " -Format FileDate", "%s", " | % ToUpper", "$b = $a++", "[pscustomobject]@{ a = 1 }", " ?? ", " ? ", " : ", " && ", " || ", "??=", "${x}?.", "$x?", " # ", "<# ", " #>", "#", ",\n", " =\n",
        "Set-Content C:\\f.txt ", "Get-Content C:\\f.txt", " -Raw", " > C:\\o.txt", " >> C:\\o.txt", " 2>&1", " 2>$null", " *>&1", " > $null", "Test-Path ", " -PathType Leaf",
        "Remove-Item C:\\* -Recurse", "Remove-Item ", "New-Item -ItemType Directory ", "mkdir C:\\d", "Get-ChildItem C:\\ -Recurse -Depth 1", "gci -Name", "[IO.File]::ReadAllText(",
        "[IO.File]::OpenText('C:\\setup.log').ReadLine()", "$w = [IO.File]::OpenWrite('C:\\w'); ", "$w.Write(", "$w.Close()", "[IO.File]::WriteAllBytes('C:\\b', ", "[IO.Directory]::GetFiles(",
        "Copy-Item C:\\setup.log ", "Move-Item ", "Rename-Item ", "Get-FileHash ", " -Encoding Byte", " -Encoding UTF8", "Out-File C:\\o.txt", " | Set-Content C:\\p", " | Add-Content ", " | Remove-Item", "C:\\*.log", "[IO.Path]::GetFullPath(",
        "cd C:\\Windows", "cd ..", "pushd C:\\", "popd", "Resolve-Path ", " -Resolve", "ConvertTo-SecureString 'x' -AsPlainText -Force", ".GetNetworkCredential()", "[pscredential]::new('u', ",
        "New-Object System.Net.NetworkCredential(", "[Runtime.InteropServices.Marshal]::SecureStringToBSTR(", "[Runtime.InteropServices.Marshal]::PtrToStringAuto(", "dir ",
        "begin { $n = 1 } ", "process { $_; $input } ", "end { $n } ", "[Security.Cryptography.SHA1]::Create()", ".TransformBlock(", ".TransformFinalBlock(", ".ComputeHash(", "[BitConverter]::ToString(",
        "Test-Path env:X", "Get-ChildItem env:", "Remove-Item env:X", "Set-Item env:X 1", "\"a\"\"b\"", "\"\"\"\"", "Select-String x C:\\*.log", "Export-Csv C:\\e.csv", "Import-Csv C:\\e.csv", "Export-Clixml C:\\x.xml", "Import-Clixml C:\\x.xml",
        "Compress-Archive C:\\setup.log C:\\a.zip", "Expand-Archive C:\\a.zip C:\\x", " -Update", " -WhatIf", "switch -File C:\\setup.log { ", "$w.Read(", "[IO.File]::OpenRead('C:\\setup.log')",
        "New-Object IO.FileStream(", "[IO.FileStream]::new(", "[IO.File]::Open(", "[IO.FileMode]::Open", "'Append'", ", [IO.FileAccess]::Read", ", [IO.FileShare]::ReadWrite", "[IO.SeekOrigin]::End", ".Seek(",
        "New-Object byte[] ", "New-Object -TypeName byte[] 1000000", "..", "0..($x - 1)", "$x..$i", "[0..($i - 1)]", "[$i..-1]", "If ($x)\n{", "\n{\n", "ElseIf ($i)\n", "Write-Host \"[DIR]\";",
        "$MyInvocation.UnboundArguments[0]", "$ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath(", "New-Object System.IO.FileInfo ", ".OpenRead()", ".Delete()",
        "[Environment]::ExpandEnvironmentVariables('%TEMP%')", "[Reflection.BindingFlags]'NonPublic, Instance'", "[IO.FileMode]", "[IO.File]::Move('C:\\a', 'C:\\b', $true)", ".GetType().GetProperty('x')", "Get-Command ", "gcm *-Acl", " -CommandType Cmdlet,Function", " -Module ", "Import-Module ", "ipmo Pester", "[Net.Dns]::GetHostName()", "Get-Culture", "Get-ExecutionPolicy",
        "ipconfig", "ipconfig /all", "cmd /c ", "cmd.exe /c \"echo a & echo b 1>&2\"", "'exit 3'", "exit /b ", "$LASTEXITCODE", "& ", "& cmd /c ", "& $x", "& 'a b'", "& ''", "netstat -an", "whoami", " 2>&1 | % { $_ }",
        "Get-Module -ListAvailable ", "Get-Module ", "Remove-Module ", " -PassThru", "Get-LocalUser ", "New-LocalUser x -NoPassword", "Add-LocalGroupMember Administrators ", "Remove-LocalGroupMember ",
        "Get-LocalGroupMember Users", "Set-LocalUser x -Description ", "net user ", "net user x /add", "net localgroup ", " /delete", " /active:no",
        "Get-ChildItem WSMan:\\localhost -Recurse", "Get-Item WSMan:\\localhost\\Shell\\", "Get-PSSessionConfiguration ", "winrm get winrm/config", "winrm e winrm/config/listener",
        "C:\\Windows\\System32\\", "cmd.exe", "& 'C:\\Windows\\System32\\whoami.exe'|", "$env:windir\\system32\\",
        "Get-NetAdapter ", "Get-NetIPAddress -AddressFamily IPv4 ", "-InterfaceAlias ", "Get-NetIPConfiguration", "Get-NetFirewallRule -DisplayGroup ", "New-NetFirewallRule -DisplayName ",
        " -LocalPort 80,443", "| Enable-NetFirewallRule", "| Get-NetFirewallPortFilter", "Remove-NetFirewallRule -Name ", "netsh advfirewall firewall show rule name=all", "netsh advfirewall firewall add rule name=x dir=in action=allow",
        "Set-NetFirewallProfile -Profile Domain,Public -Enabled False", "Get-NetFirewallProfile ", "netsh advfirewall show allprofiles", "netsh advfirewall set allprofiles state off",
        "New-ScheduledTaskAction -Execute cmd.exe", "New-ScheduledTaskTrigger -AtStartup", "Register-ScheduledTask x -Action ", "Get-ScheduledTask ", "| Unregister-ScheduledTask -Confirm:$false",
        "schtasks /create /tn x /tr cmd /sc onstart /f", "schtasks /query", "schtasks /delete /tn x /f",
        "Get-ComputerInfo", "Get-ComputerInfo -Property Os*", "(Get-ComputerInfo).OsUptime",
        "Get-EventLog System ", "Get-EventLog -List", " -Newest 2", " -EntryType Error", " -Source Event*", "Get-WinEvent System", "Get-WinEvent @{ LogName = 'System'; Id = 7036 }",
        "Get-Acl ", "Get-Acl C:\\Windows", "| Set-Acl C:\\x", "$acl.AddAccessRule(", "$acl.SetAccessRuleProtection($true, $false)", ".Access", ".AccessToString",
        "New-Object System.Security.AccessControl.FileSystemAccessRule('Users', 'Modify', 'ContainerInherit,ObjectInherit', 'None', 'Allow')", "[Security.Principal.NTAccount]'x'",
        "icacls C:\\x", "icacls C:\\ /T", " /grant Users:(OI)(CI)M", " /inheritance:r", " /remove Users",
        "Get-SmbShare ", "New-SmbShare x C:\\x", " -FullAccess ", "Grant-SmbShareAccess x -AccountName Users -AccessRight Full -Force", "| Remove-SmbShare -Force", "net share", "net share x=C:\\x",
        " -MaxEvents ", "Write-EventLog Application EventCreate 1 -Message ", "New-EventLog Application x", "Clear-EventLog ", "Limit-EventLog Application -OverflowAction ",
        "Remove-EventLog -Source ", "eventcreate /T ERROR /ID 1 /D ", "wevtutil qe System /f:text /c:", "wevtutil el", "Get-Volume ", "Get-Partition ", "Get-Disk ", "| Get-Volume", "| Get-Partition",
        " -FilterXPath '*[System[(EventID=7036 or Level=2)]]'", " -FilterXPath \"*[System[TimeCreated[timediff(@SystemTime) <= ", "Get-NetTCPConnection -LocalPort ", " -State Listen",
        "Get-Counter '\\Processor(*)\\% Processor Time'", " -MaxSamples ", "Resolve-DnsName ", " -Type A", "Select-Object -Index ",
    ];

    // A few items of each kind for the WSMan: drive, Get-PSSessionConfiguration and winrm get.
    private static readonly WsManConfigEntry[] FuzzWsManConfiguration =
    [
        new("MaxEnvelopeSizekb", "500"), new("Client", null), new(@"Client\TrustedHosts", string.Empty), new("Shell", null), new(@"Shell\IdleTimeout", "7200000"), new("Listener", null),
        new(@"Listener\Listener_1", null, ["Transport=HTTP"]), new(@"Listener\Listener_1\Port", "5985"), new("Plugin", null),
        new(@"Plugin\microsoft.powershell", null), new(@"Plugin\microsoft.powershell\Filename", "pwrshplugin.dll"), new(@"Plugin\microsoft.powershell\Name", ""),
    ];

    [Test]
    public async Task Random_language_statements_end_with_an_outcome_and_never_an_exception()
    {
        // PSRP_FUZZ_SEED / PSRP_FUZZ_RUNS run another or a longer campaign, as the other mutation tests do.
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PSRP_FUZZ_SEED"), out var s) ? s : 20261129;
        var runs = int.TryParse(Environment.GetEnvironmentVariable("PSRP_FUZZ_RUNS"), out var r) ? r : 1500;
        // An endless loop ends when cancelled, as a Stop would end it.
        await RunRandomScriptsAsync(LanguagePieces, seed, runs, maxPieces: 19, stopAfter: TimeSpan.FromMilliseconds(100));
    }
}
