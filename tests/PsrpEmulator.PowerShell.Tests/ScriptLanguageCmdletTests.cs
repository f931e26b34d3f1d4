namespace PsrpEmulator.PowerShell.Tests;

/// <summary>
/// Script blocks with PowerShell's language around their commands (if, foreach, operators), sent by the module's
/// Invoke-Command as PowerShell sends them, answered by the emulator's behaviours.
/// </summary>
public class ScriptLanguageCmdletTests : HostedEngineTestBase
{
    [Test]
    public async Task A_script_block_with_foreach_if_and_comparisons_runs_remotely_and_keeps_its_variables()
    {
        var host = await NewHostAsync();
        var opened = await RunAsync(host, "$s = New-PSSession -ComputerName Server01");
        Assert.That(opened.Errors, Is.Empty, string.Join("\n", opened.Errors));

        var result = await RunAsync(host, """
            Invoke-Command -Session $s {
                $found = 'none'
                foreach ($name in 'Server01', 'Server02', 'Server03') {
                    if ($name -like '*02') {
                        $found = $name
                        continue
                    }
                    elseif ($name -eq 'Server03') {
                        break
                    }
                    "checked $name"
                }
            }
            Invoke-Command -Session $s { $found; $found -ne 'none' }
            """);

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "checked Server01", "Server02", "True" }));
    }

    [Test]
    public async Task Remote_dates_arrive_in_PowerShell_with_the_Kind_Windows_gives_them()
    {
        var host = await NewHostAsync();

        // Get-Date travels with the computer's offset (a Local DateTime here), UtcNow with Z (Utc), parsed text without a
        // zone (Unspecified): PowerShell's deserializer makes them so.
        var result = await RunAsync(host, """
            $dates = Invoke-Command -ComputerName Server01 { Get-Date; [datetime]::UtcNow; [datetime]'2020-01-02' }
            $dates | ForEach-Object { $_.Kind.ToString() }
            $dates[2].ToString('yyyy-MM-dd HH:mm')
            """);

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "Local", "Utc", "Unspecified", "2020-01-02 00:00" }));
    }

    [Test]
    public async Task A_remote_Get_Date_s_DisplayHint_reaches_PowerShell_as_the_date_s_note()
    {
        var host = await NewHostAsync();

        // PowerShell's deserializer rebuilds the note (a Deserialized DisplayHintType, its name as ToString). Observed:
        // PowerShell 7.6's DateTime script property and view still show the date and the time for it (the note's
        // -ieq "Time" test does not match the rebuilt enum, it seems), so no formatting is asserted here.
        var result = await RunAsync(host, """
            $d = Invoke-Command -ComputerName Server01 { Get-Date -DisplayHint Time; [datetime]::UtcNow }
            $d[0].DisplayHint.ToString()
            $d[0] -is [datetime]
            $null -eq $d[1].DisplayHint
            """);

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "Time", "True", "True" }));
    }

    [Test]
    public async Task Remote_Select_Object_star_and_ExpandProperty_with_notes_reach_PowerShell_as_it_would_read_Windows_output()
    {
        var host = await NewHostAsync();

        // A string with notes comes as <Obj><S>..</S><MS>..</MS></Obj>: PowerShell rebuilds a string carrying the note.
        var result = await RunAsync(host, """
            $m = Invoke-Command -ComputerName Server01 { [pscustomobject]@{ Name = 'admins'; Members = 'ann', 'bob' } | Select-Object Name -ExpandProperty Members }
            $m[1]
            $m[1] -is [string]
            $m[1].Name
            $s = Invoke-Command -ComputerName Server01 { 'abc' | Select-Object * }
            $s.Length
            $s.PSObject.TypeNames[0]
            """);

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "bob", "True", "admins", "3", "Deserialized.Selected.System.String" }));
    }

    [Test]
    public async Task A_commented_script_block_runs_remotely_as_its_code_and_PowerShell_7_operators_fail_on_the_5_1_endpoint()
    {
        var host = await NewHostAsync();

        // The module sends the block's text as written: comment-based help, line comments and all.
        var result = await RunAsync(host, """
            Invoke-Command -ComputerName Server01 {
                <#
                .SYNOPSIS
                    Reports the remoting service.
                #>
                param($name = 'WinRM')   # the service to look at
                # one line of its own
                (Get-Service $name).Status.ToString()
            }
            try { Invoke-Command -ComputerName Server01 { $null ?? 'fallback' } -ErrorAction Stop } catch { $_.FullyQualifiedErrorId }
            """);

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "Running", "UnexpectedToken" }));
    }

    [Test]
    public async Task A_second_hop_from_a_session_to_another_computer_is_refused_as_a_workgroup_computer_refuses_it()
    {
        var host = await NewHostAsync();

        var result = await RunAsync(host, """
            Invoke-Command -ComputerName Server01 { Invoke-Command -ComputerName Server02 { hostname }; 'after' } -ErrorVariable failed
            $failed[0].FullyQualifiedErrorId
            $failed[0].CategoryInfo.Reason
            """);

        Assert.That(Lines(result), Is.EqualTo(new[] { "after", "ServerNotTrusted,PSSessionStateBroken", "PSRemotingTransportException" }));
        Assert.That(result.Errors.Single().ToString(), Does.StartWith("Connecting to remote server Server02 failed with the following error message : The WinRM client cannot process the request."));
    }

    [Test]
    public async Task Remote_Out_String_fits_the_width_of_the_console_of_the_host_that_opened_the_session()
    {
        var host = await NewHostAsync();

        // This test host's console buffer is 120 wide; New-PSSession sends it, and the remote Out-String writes 119 columns.
        var result = await RunAsync(host, "Invoke-Command -ComputerName Server01 { Get-Service WinRM | Select-Object Name, @{ n = 'Description'; e = { 'x' * 200 } } | Out-String -Stream }");

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result)[3], Is.EqualTo("WinRM " + new string('x', 110) + "..."));
    }

    [Test]
    public async Task A_remote_list_that_holds_itself_arrives_without_endless_conversion()
    {
        var host = await NewHostAsync();

        var result = await RunAsync(host, "$r = Invoke-Command -ComputerName Server01 { $l = [System.Collections.ArrayList]::new(); [void]$l.Add(1); [void]$l.Add($l); $l }; $r.Count; 'done'");

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result)[^1], Is.EqualTo("done"));
    }

    [Test]
    public async Task A_PSCustomObject_made_remotely_arrives_as_an_object_with_its_properties()
    {
        var host = await NewHostAsync();
        await RunAsync(host, "$s = New-PSSession -ComputerName Server01");

        var result = await RunAsync(host, """
            $o = Invoke-Command -Session $s { foreach ($i in 1..2) { [PSCustomObject]@{ Index = $i; Square = $i * $i } } }
            $o.Count; $o[1].Square; $o[0].PSComputerName; ($o[0].PSObject.Properties.Name -join ',')
            """);

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "2", "4", "Server01", "Index,Square,PSComputerName,RunspaceId,PSShowComputerName" }));
    }

    [Test]
    public async Task A_remote_pipeline_filters_sorts_and_converts_the_scenario_s_objects()
    {
        var host = await NewHostAsync();
        await RunAsync(host, "$s = New-PSSession -ComputerName Server01");

        var result = await RunAsync(host, """
            $names = Invoke-Command -Session $s { Get-Service W* | Where-Object Status -eq 'Running' | Sort-Object Name -Descending | Select-Object -ExpandProperty Name }
            $names -join ','
            Invoke-Command -Session $s {
                $total = (Get-Process | Measure-Object -Property Handles -Sum).Sum
                try { [int]'many' } catch [System.InvalidCastException] { "handles: $([int]$total -band 0xFFFF)" }
            }
            """);

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "WpnService,WinRM,Winmgmt,WinHttpAutoProxySvc,WinDefend,WdNisSvc,Wcmsvc,W32Time", "handles: 12601" }));
    }

    [Test]
    public async Task A_remote_Get_Acl_reaches_PowerShell_with_its_rules_as_texts_and_is_shown_by_its_view()
    {
        var host = await NewHostAsync();

        // FileSystemSecurity's serialization depth is 1: the Access rules travel as their text, AccessToString whole.
        var result = await RunAsync(host, """
            $acl = Invoke-Command -ComputerName Server01 { Get-Acl C:\Windows }
            $acl.PSObject.TypeNames[0]
            @($acl.Access)[0]
            $acl.Owner
            ($acl.AccessToString -split "`n")[2]
            ($acl | Out-String -Width 200).Trim()
            """);

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        var lines = Lines(result);
        Assert.That(lines.Take(4), Is.EqualTo(new[]
        {
            "Deserialized.System.Security.AccessControl.DirectorySecurity", "System.Security.AccessControl.FileSystemAccessRule",
            @"NT SERVICE\TrustedInstaller", @"NT AUTHORITY\SYSTEM Allow  Modify, Synchronize",
        }));
        // PowerShell's own FileSecurityTable view: grouped by the parent, the leaf as Path, the first rule cut.
        Assert.That(lines.Skip(4).SelectMany(l => l.Split('\n')).Select(l => l.Trim()), Is.SupersetOf(new[]
        {
            @"Directory: C:\", @"Windows NT SERVICE\TrustedInstaller NT SERVICE\TrustedInstaller Allow  FullControl…",
        }));
    }

    [Test]
    public async Task A_remote_certificate_travels_as_its_raw_data_and_PowerShell_rebuilds_it()
    {
        var host = await NewHostAsync();

        // X509Certificate2's serialization is SpecificProperties (RawData) with the provider's notes; PowerShell's
        // deserializer makes a certificate of it again.
        var result = await RunAsync(host, """
            $made = Invoke-Command -ComputerName Server01 { (New-SelfSignedCertificate -DnsName web01.contoso.com -CertStoreLocation Cert:\LocalMachine\My).Thumbprint }
            $cert = Invoke-Command -ComputerName Server01 { Get-ChildItem Cert:\LocalMachine\My }
            $cert.GetType().FullName
            $cert.Thumbprint -eq $made
            $cert.Subject
            $cert.PSParentPath
            """);

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[]
        {
            "System.Security.Cryptography.X509Certificates.X509Certificate2", "True", "CN=web01.contoso.com", @"Microsoft.PowerShell.Security\Certificate::LocalMachine\My",
        }));
    }

    [Test]
    public async Task A_session_s_own_enum_and_class_serve_its_later_commands_and_their_objects_reach_PowerShell_deserialized()
    {
        var host = await NewHostAsync();
        var opened = await RunAsync(host, "$s = New-PSSession -ComputerName Server01");
        Assert.That(opened.Errors, Is.Empty, string.Join("\n", opened.Errors));

        var result = await RunAsync(host, """
            Invoke-Command -Session $s {
                enum Level { Low; High = 5 }
                class Job {
                    [string]$Name
                    [Level]$Level = 'High'
                    Job([string]$n) { $this.Name = $n }
                    [string] Describe() { return "$($this.Name) at $($this.Level)" }
                }
            }
            $j = Invoke-Command -Session $s { $job = [Job]::new('backup'); $job.Describe(); $job }
            $j[0]
            $j[1].PSObject.TypeNames[0]
            $j[1].Name
            "$($j[1].Level)"
            Invoke-Command -Session $s { [int][Level]'High' }
            """);

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "backup at High", "Deserialized.Job", "backup", "High", "5" }));
    }

    [Test]
    public async Task An_enum_argument_is_its_number_under_deserialized_type_names_on_the_server()
    {
        var host = await NewHostAsync();

        // InternalDeserializer keeps the type names it read (decorated) over the base value, the enum's Int32: it compares
        // as a number, not by its name, and has no value__; its text is the name it arrived with.
        var result = await RunAsync(host, """
            Invoke-Command -ComputerName Server01 -ArgumentList ([DayOfWeek]::Monday) {
                param($e)
                $e.pstypenames[0]; "$e"; $e.ToString(); $e -eq 'Monday'; $e -eq 1; $e.GetType().FullName; $e -is [int]; $null -eq $e.value__; $e + 1
            } | ForEach-Object { "$_" }
            """);

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "Deserialized.System.DayOfWeek", "Monday", "Monday", "False", "True", "System.Int32", "True", "True", "2" }));
    }

    [Test]
    public async Task A_script_block_argument_arrives_as_its_text_and_defines_a_function_through_the_function_drive()
    {
        var host = await NewHostAsync();

        // Remoting deserializes without DeserializeScriptBlocks: the SBK is a string on the server. The idiom that carries
        // a local function over sets ${function:name} to that text, which FunctionProvider makes a script block of.
        var result = await RunAsync(host, """
            function Get-Greeting { param($Name) "hello $Name" }
            Invoke-Command -ComputerName Server01 -ArgumentList ${function:Get-Greeting}, { 'unused' } {
                param($definition, $block)
                $definition.GetType().FullName; $block -is [scriptblock]
                ${function:Get-Greeting} = $definition
                Get-Greeting -Name remote
            }
            """);

        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(Lines(result), Is.EqualTo(new[] { "System.String", "False", "hello remote" }));
    }

    [Test]
    public async Task ThrowTerminatingError_of_an_advanced_function_carries_the_record_it_was_given()
    {
        var host = await NewHostAsync();

        var result = await RunAsync(host, """
            Invoke-Command -ComputerName Server01 {
                function Get-Thing {
                    [CmdletBinding()] param($Name)
                    $record = [System.Management.Automation.ErrorRecord]::new([System.InvalidOperationException]::new("no $Name"), 'NoThing', 'ObjectNotFound', $Name)
                    $PSCmdlet.ThrowTerminatingError($record)
                    'not reached'
                }
                try { Get-Thing -Name disk } catch { $_.FullyQualifiedErrorId; $_.Exception.GetType().FullName; $_.Exception.Message; $_.TargetObject; "$($_.CategoryInfo.Category)" }
                Get-Thing -Name net; 'after'
            } -ErrorVariable failed 2>$null
            $failed.Count; $failed[0].FullyQualifiedErrorId
            """);

        Assert.That(Lines(result), Is.EqualTo(new[] { "NoThing,Get-Thing", "System.InvalidOperationException", "no disk", "disk", "ObjectNotFound", "after", "1", "NoThing,Get-Thing" }));
    }
}
