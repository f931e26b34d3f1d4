using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// What a script reads of an error record ($_ in catch, $Error[0]) and the command its CategoryInfo names, with the
/// production ErrorRecord factory (the serialized shape the client receives). Expected texts are Windows PowerShell
/// 5.1's; the Write-Error one is in the real traffic of ClixmlRealPayloadTests.
/// </summary>
public class ErrorRecordMemberTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string text, BehaviourCatalog? catalog = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 30, 0, TimeSpan.Zero));
        var host = new RecordingHost { Runspace = new RunspaceState(time) };
        var create = new CreatePipeline([new PipelineCommand(text, IsScript: true, [])], NoInput: true);
        var outcome = await ((BehaviourScript)(catalog ?? Default).Resolve(create)).RunAsync(host, time, ScriptedError.ToErrorRecord, CancellationToken.None);
        return (host, outcome);
    }

    [TestCase("try { throw 'boom' } catch { $_.CategoryInfo.Category }", "OperationStopped")]
    [TestCase("try { throw 'boom' } catch { $_.CategoryInfo }", "OperationStopped: (boom:String) [], RuntimeException")]
    [TestCase("try { throw 'boom' } catch { $_.CategoryInfo.Reason; $_.CategoryInfo.TargetName; $_.CategoryInfo.TargetType }", "RuntimeException|boom|String")]
    [TestCase("try { throw 'boom' } catch { $_.Exception.Message; $_.Exception.GetType().FullName }", "boom|System.Management.Automation.RuntimeException")]
    [TestCase("try { Get-Frob } catch { \"$($_.CategoryInfo)\" }", "ObjectNotFound: (Get-Frob:String) [], CommandNotFoundException")]
    [TestCase("try { Get-Frob } catch { $_.CategoryInfo.Category -eq 'ObjectNotFound'; $_.CategoryInfo.Category.GetType().FullName }", "True|System.Management.Automation.ErrorCategory")]
    [TestCase("try { Get-Frob } catch { $_.CategoryInfo.GetType().Name; $_.TargetObject }", "ErrorCategoryInfo|Get-Frob")]
    [TestCase("Write-Error 'x' -EA SilentlyContinue; $Error[0].CategoryInfo.ToString(); $Error[0].CategoryInfo.Activity", "NotSpecified: (:) [Write-Error], WriteErrorException|Write-Error")]
    [TestCase("write-error 'x' -EA SilentlyContinue; $Error[0].CategoryInfo.Activity", "Write-Error")]
    [TestCase("$Error.Clear(); Get-Item C:\\nope 2>$null; Write-Error 'merged' 2>&1 | Out-Null; Write-Error 'filed' 2> C:\\Windows\\Temp\\e.txt; $Error.Count; $Error[2].TargetObject; $Error[0].Exception.Message", "3|C:\\nope|filed")]
    [TestCase("'x'.CategoryInfo -eq $null", "True")]
    [TestCase("try { New-Object Frob.NoSuchType } catch { $_.CategoryInfo.Activity; $_.CategoryInfo.Category }", "New-Object|InvalidType")]
    [TestCase("try { New-Object -TypeName ([int]'x') } catch { $_.CategoryInfo.Activity -eq '' }", "True")]
    public async Task A_scripts_error_record_has_powershells_CategoryInfo(string script, string expected)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [TestCase("try { 'a'.Substring(5) } catch { $_.Exception.GetType().Name; $_.Exception.InnerException.GetType().FullName; $_.Exception.InnerException.Message }",
        "MethodInvocationException|System.ArgumentOutOfRangeException|startIndex cannot be larger than length of string.\r\nParameter name: startIndex")]
    [TestCase("try { [int]::Parse('x') } catch { $_.Exception.InnerException.GetType().Name; $_.Exception.InnerException.Message }",
        "FormatException|Input string was not in a correct format.")]
    [TestCase("try { throw 'plain' } catch { $null -eq $_.Exception.InnerException }", "True")]
    public async Task A_NET_method_s_error_carries_the_exception_it_wraps_as_InnerException(string script, string expected)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [TestCase("Write-Error -Message 'x' -Category InvalidArgument -ErrorId 'MyId' -TargetObject 5 -EA SilentlyContinue; $Error[0].FullyQualifiedErrorId; $Error[0].CategoryInfo; $Error[0].TargetObject.GetType().Name; $Error[0].Exception.Message",
        "MyId|InvalidArgument: (5:Int32) [Write-Error], WriteErrorException|Int32|x")]
    [TestCase("Write-Error 'x' -Category ObjectNotFound -EA SilentlyContinue; $Error[0].FullyQualifiedErrorId; $Error[0].CategoryInfo.Category",
        "Microsoft.PowerShell.Commands.WriteErrorException|ObjectNotFound")]
    [TestCase("Write-Error -Msg 'm' -CategoryActivity Act -CategoryReason Why -CategoryTargetName TN -CategoryTargetType TT -EA SilentlyContinue; \"$($Error[0].CategoryInfo)\"", "NotSpecified: (TN:TT) [Act], Why")]
    [TestCase("Write-Error 'm' -Activity Act -Reason Why -TargetName TN -TargetType TT -EA SilentlyContinue; \"$($Error[0].CategoryInfo)\"", "NotSpecified: (TN:TT) [Act], Why")]
    [TestCase("try { Get-Frob } catch { Write-Error -ErrorRecord $_ -EA SilentlyContinue }; \"$($Error[0].CategoryInfo)\"; $Error[0].FullyQualifiedErrorId",
        "ObjectNotFound: (Get-Frob:String) [Write-Error], CommandNotFoundException|CommandNotFoundException")]
    [TestCase("try { Write-Error -Message 'x' -ErrorId E -ErrorAction Stop } catch { \"caught $($_.FullyQualifiedErrorId) $($_.Exception.Message)\" }", "caught E x")]
    [TestCase("$m = 'oops'; Write-Error -Message $m -Category ObjectNotFound -EA SilentlyContinue; \"$($Error[0])\"", "oops")]
    [TestCase("Write-Error 'x' -RecommendedAction 'Do it' -EA SilentlyContinue; $Error[0].ErrorDetails_RecommendedAction", "Do it")]
    [TestCase("Write-Error 'x' -RecommendedAction 'Do it' -EA SilentlyContinue; $Error[0].ErrorDetails.RecommendedAction; \"[$($Error[0].ErrorDetails)]\"", "Do it|[x]")]
    [TestCase("Write-Error 'x' -EA SilentlyContinue; $null -eq $Error[0].ErrorDetails", "True")]
    [TestCase("Write-Error -Exception ([IO.FileNotFoundException]::new('nf', 'C:\\x.txt')) -EA SilentlyContinue; $e = $Error[0]; $e.FullyQualifiedErrorId; \"$($e.CategoryInfo)\"; $e.Exception.FileName; \"$e\"; $null -eq $e.ErrorDetails",
        "System.IO.FileNotFoundException|NotSpecified: (:) [Write-Error], FileNotFoundException|C:\\x.txt|nf|True")]
    [TestCase("Write-Error -Exception ([InvalidOperationException]::new('inner text')) -Message 'shown' -ErrorId Mine -Category InvalidData -EA SilentlyContinue; $e = $Error[0]; $e.FullyQualifiedErrorId; \"$($e.CategoryInfo)\"; $e.Exception.Message; $e.ErrorDetails.Message; \"$e\"",
        "Mine|InvalidData: (:) [Write-Error], InvalidOperationException|inner text|shown|shown")]
    [TestCase("try { Write-Error -Exception ([TimeoutException]::new('slow')) -ErrorAction Stop } catch [TimeoutException] { 'caught ' + $_.Exception.Message }", "caught slow")]
    [TestCase("try { 1 / 0 } catch { Write-Error -Exception $_.Exception -RecommendedAction 'Retry' -EA SilentlyContinue }; $Error[0].ErrorDetails.Message; $Error[0].ErrorDetails.RecommendedAction", "Attempted to divide by zero.|Retry")]
    public async Task Write_Error_builds_the_record_from_its_parameters_as_WriteErrorCommand_does(string script, string expected)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Records.OfType<ErrorRecordMessage>(), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [TestCase("Write-Error 'x' -Category Frob", "CannotConvertArgumentNoMessage,Microsoft.PowerShell.Commands.WriteErrorCommand")]
    [TestCase("Write-Error", "MissingMandatoryParameter,Microsoft.PowerShell.Commands.WriteErrorCommand")]
    [TestCase("Write-Error -Cat InvalidArgument 'x'", "AmbiguousParameter,Microsoft.PowerShell.Commands.WriteErrorCommand")]
    [TestCase("Write-Error -ErrorRecord 'text'", "CannotConvertArgumentNoMessage,Microsoft.PowerShell.Commands.WriteErrorCommand")]
    [TestCase("Write-Error -Exception 'x'", "CannotConvertArgumentNoMessage,Microsoft.PowerShell.Commands.WriteErrorCommand")]
    [TestCase("Write-Error 'a' \"b\"", "PositionalParameterNotFound,Microsoft.PowerShell.Commands.WriteErrorCommand")]
    public async Task Write_Error_with_parameters_it_cannot_bind_is_the_statements_error_and_the_script_goes_on(string script, string errorId)
    {
        var (host, outcome) = await RunAsync(script + "; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Records.OfType<ErrorRecordMessage>().Single().Record["FullyQualifiedErrorId"].AsString(), Is.EqualTo(errorId));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [TestCase("try { throw [System.ArgumentException]::new('bad') } catch [ArgumentException] { $_.Exception.Message; $_.FullyQualifiedErrorId; \"$($_.CategoryInfo)\"; $_.Exception.GetType().FullName }",
        "bad|bad|OperationStopped: (:) [], ArgumentException|System.ArgumentException")]
    [TestCase("try { throw [System.IO.FileNotFoundException] 'missing' } catch [System.IO.IOException] { $_.Exception.GetType().Name; $_.Exception.Message }", "FileNotFoundException|missing")]
    [TestCase("try { throw (New-Object System.Exception 'x') } catch { $_.Exception.Message; $_.FullyQualifiedErrorId }", "x|x")]
    [TestCase("try { throw [Exception]::new() } catch { $_.Exception.Message }", "Exception of type 'System.Exception' was thrown.")]
    [TestCase("try { throw [ArgumentNullException]::new('path') } catch [ArgumentException] { $_.Exception.Message -replace '\\r\\n', '/' }", "Value cannot be null./Parameter name: path")]
    [TestCase("try { throw [ArgumentException]::new('m', 'p') } catch { $_.Exception.Message -replace '\\r\\n', '/' }", "m/Parameter name: p")]
    [TestCase("try { throw $null } catch { $_.FullyQualifiedErrorId; \"$($_.CategoryInfo)\" }", "ScriptHalted|OperationStopped: (:) [], RuntimeException")]
    [TestCase("try { Get-Frob } catch { try { throw $_ } catch { $_.FullyQualifiedErrorId; \"$($_.CategoryInfo)\" } }", "CommandNotFoundException|ObjectNotFound: (Get-Frob:String) [], CommandNotFoundException")]
    [TestCase("try { throw 42 } catch { $_.TargetObject.GetType().Name; \"$($_.CategoryInfo)\" }", "Int32|OperationStopped: (42:Int32) [], RuntimeException")]
    [TestCase("$m = 'msg'; try { throw \"a $(1 + 1) $m\" } catch { $_.FullyQualifiedErrorId }", "a 2 msg")]
    [TestCase("try { throw [NotImplementedException]::new('todo') } catch [SystemException] { 'system' }", "system")]
    [TestCase("$e = [InvalidOperationException]::new('bad state'); $e.Message; $e -is [SystemException]; $e -is [ArgumentException]; $e.GetType().FullName", "bad state|True|False|System.InvalidOperationException")]
    [TestCase("function f { throw [TimeoutException]::new('slow') }; try { f } catch [TimeoutException] { 'timeout' }", "timeout")]
    [TestCase("[Exception]$null -eq $null", "True")]
    [TestCase("try { throw [ArgumentException]::new('x') } catch [IO.IOException] { 'io' } catch [RuntimeException] { 'the wrapper' }", "the wrapper")]
    [TestCase("try { throw [ArgumentException]::new('x') } catch [RuntimeException] { 'wrapper' } catch [ArgumentException] { 'own type first' }", "own type first")]
    [TestCase("try { try { throw 'a' } catch { throw $_.Exception } } catch { $_.FullyQualifiedErrorId; $_.TargetObject }", "a|a")]
    [TestCase("try { try { Get-Frob } catch { $e = $_.Exception; throw $e } } catch { $_.FullyQualifiedErrorId; $_.CategoryInfo.Category }", "CommandNotFoundException|ObjectNotFound")]
    [TestCase("try { try { throw [ArgumentException]::new('x') } catch { throw $_.Exception } } catch { $_.FullyQualifiedErrorId }", "x")]
    public async Task Throw_of_a_value_raises_the_error_PowerShells_ConvertToException_makes(string script, string expected)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Records.OfType<ErrorRecordMessage>(), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [TestCase("try { throw [IO.FileNotFoundException]::new('nope', 'C:\\x.txt') } catch { $_.Exception.FileName; $_.Exception.Message; $_.Exception.HResult }", "C:\\x.txt|nope|-2147024894")]
    [TestCase("$e = [IO.FileNotFoundException]::new('nope'); $null -eq $e.FileName; $null -eq $e.FusionLog", "True|True")]
    [TestCase("$e = [ArgumentException]::new('m', 'p'); $e.ParamName; $e.HResult", "p|-2147024809")]
    [TestCase("$e = [ArgumentNullException]::new('path'); $e.ParamName; $e.HResult", "path|-2147467261")]
    [TestCase("$e = [ArgumentOutOfRangeException]::new('n', 'too big'); $e.ParamName; $null -eq $e.ActualValue; $e.HResult", "n|True|-2146233086")]
    [TestCase("$e = [InvalidOperationException]::new('outer', [TimeoutException]::new('inner')); $e.Message; $e.InnerException.Message; $e.InnerException.GetType().Name", "outer|inner|TimeoutException")]
    [TestCase("$e = [ArgumentException]::new('outer', [Exception]::new('inner')); $e.Message; $null -eq $e.ParamName; $e.InnerException.Message", "outer|True|inner")]
    [TestCase("[Exception]::new().HResult; [IO.IOException]::new().HResult", "-2146233088|-2146232800")]
    public async Task An_exception_a_script_makes_has_its_types_own_properties_and_HResult(string script, string expected)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Records.OfType<ErrorRecordMessage>(), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [Test]
    public async Task A_FileNotFoundExceptions_properties_follow_reflections_order_declared_before_inherited()
    {
        var (host, _) = await RunAsync("[IO.FileNotFoundException]::new('nope', 'C:\\x.txt')");

        var exception = (PsObject)host.Outputs.Single();
        Assert.That(exception.AdaptedProperties.Select(p => p.Name), Is.EqualTo(new[]
        {
            "Message", "FileName", "FusionLog", "Data", "InnerException", "TargetSite", "StackTrace", "HelpLink", "Source", "HResult",
        }));
    }

    [Test]
    public async Task An_uncaught_thrown_exception_fails_the_pipeline_with_its_type_and_bases_on_the_record()
    {
        var (host, outcome) = await RunAsync("'before'; throw [System.IO.FileNotFoundException]::new('gone'); 'never'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "before" }));
        var exception = (PsObject)outcome.ErrorRecord!["Exception"]!;
        Assert.That(exception.TypeNames, Is.EqualTo(new[] { "System.IO.FileNotFoundException", "System.IO.IOException", "System.SystemException", "System.Exception", "System.Object" }));
        Assert.That(outcome.ErrorRecord["ErrorCategory_Message"].AsString(), Is.EqualTo("OperationStopped: (:) [], FileNotFoundException"));
        Assert.That(outcome.ErrorRecord["FullyQualifiedErrorId"].AsString(), Is.EqualTo("gone"));
    }

    [TestCase("Write-Error 'a' \"b\"", "b")]
    [TestCase("Write-Error 'a' 'it''s'", "it's")]
    public async Task A_positional_argument_no_parameter_takes_is_named_by_its_text(string script, string argument)
    {
        var (host, _) = await RunAsync(script);

        Assert.That(host.Records.OfType<ErrorRecordMessage>().Single().Record.ToDisplayString(),
            Is.EqualTo($"A positional parameter cannot be found that accepts argument '{argument}'."));
    }

    [Test]
    public async Task An_error_a_rule_writes_names_the_cmdlet_of_its_statement_and_an_alias_names_none()
    {
        var catalog = BehaviourCatalog.Combine(BehaviourCatalog.Parse("""
            behaviours:
              - regex: '(?:Get-Item|gi) C:\\missing'
                steps:
                  - error: { message: "Cannot find path 'C:\\missing' because it does not exist.", fqid: "PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand", category: ObjectNotFound, target: 'C:\missing', exception: System.Management.Automation.ItemNotFoundException }
            """), Default);

        var (cmdlet, _) = await RunAsync("Get-Item C:\\missing", catalog);
        var (alias, _) = await RunAsync("gi C:\\missing", catalog);
        var (newObject, _) = await RunAsync("New-Object -TypeName Frob.NoSuchType", catalog);

        Assert.That(Record(cmdlet)["ErrorCategory_Message"].AsString(), Is.EqualTo("ObjectNotFound: (C:\\missing:String) [Get-Item], ItemNotFoundException"));
        Assert.That(Record(alias)["ErrorCategory_Message"].AsString(), Is.EqualTo("ObjectNotFound: (C:\\missing:String) [], ItemNotFoundException"));
        Assert.That(Record(newObject)["ErrorCategory_Activity"].AsString(), Is.EqualTo("New-Object"));

        static PsObject Record(RecordingHost host) => host.Records.OfType<ErrorRecordMessage>().Single().Record;
    }

    [Test]
    public async Task An_error_step_may_name_its_activity_and_target_type()
    {
        var catalog = BehaviourCatalog.Combine(BehaviourCatalog.Parse("""
            behaviours:
              - match: Get-Thing
                steps:
                  - error: { message: "m", fqid: Id, category: OpenError, target: Some.Object, target-type: Object, activity: "" }
                  - error: { message: "n", activity: Other-Cmdlet }
            """), Default);

        var (host, _) = await RunAsync("Get-Thing", catalog);

        var records = host.Records.OfType<ErrorRecordMessage>().Select(r => r.Record["ErrorCategory_Message"].AsString());
        Assert.That(records, Is.EqualTo(new[] { "OpenError: (Some.Object:Object) [], WriteErrorException", "NotSpecified: (:) [Other-Cmdlet], WriteErrorException" }));
    }

    private const string NotTrusted = "The WinRM client cannot process the request. If the authentication scheme is different from Kerberos, or if the client computer is not joined to a domain, then HTTPS transport must be used or the destination machine must be added to the TrustedHosts configuration setting.";

    [TestCase("Invoke-Command -ComputerName Server02 { hostname }; 'after'", new[] { "Server02" })]
    [TestCase("icm Server02 -ScriptBlock { param($a) $a } -ArgumentList 1; 'after'", new[] { "Server02" })]
    [TestCase("$names = 'Server02', 'Server03'; Invoke-Command -ComputerName $names { hostname; 'x' }; 'after'", new[] { "Server02", "Server03" })]
    [TestCase("Invoke-Command -Cn 'Server02',Server03 -ScriptBlock { 1 }\n'after'", new[] { "Server02", "Server03" })]
    public async Task Invoke_Command_to_another_computer_from_a_session_is_refused_as_a_workgroup_computer_s_WinRM_client_refuses_it(string script, string[] computers)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
        var records = host.Records.OfType<ErrorRecordMessage>().Select(r => r.Record).ToList();
        Assert.That(records.Select(r => r.ToStringValue), Is.EqualTo(computers.Select(c => $"Connecting to remote server {c} failed with the following error message : {NotTrusted} Use winrm.cmd to configure TrustedHosts. Note that computers in the TrustedHosts list might not be authenticated. You can get more information about that by running the following command: winrm help config. For more information, see the about_Remote_Troubleshooting Help topic.")));
        Assert.That(records.Select(r => r["FullyQualifiedErrorId"].AsString()), Is.All.EqualTo("ServerNotTrusted,PSSessionStateBroken"));
        Assert.That(records.Select(r => r["ErrorCategory_Message"].AsString()), Is.EqualTo(computers.Select(c => $"OpenError: ({c}:String) [], PSRemotingTransportException")));
    }

    [Test]
    public async Task New_PSSession_to_another_computer_from_a_session_writes_its_open_failure_and_no_session()
    {
        var (host, outcome) = await RunAsync("$s = New-PSSession -ComputerName Server02; $null -eq $s");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True" }));
        var record = host.Records.OfType<ErrorRecordMessage>().Single().Record;
        Assert.That(record.ToStringValue, Does.StartWith("[Server02] Connecting to remote server Server02 failed with the following error message : " + NotTrusted));
        Assert.That(record["FullyQualifiedErrorId"].AsString(), Is.EqualTo("ServerNotTrusted,PSSessionOpenFailed"));
        Assert.That(record["ErrorCategory_Message"].AsString(), Is.EqualTo("OpenError: (System.Management.Automation.RemoteRunspace:RemoteRunspace) [New-PSSession], PSRemotingTransportException"));
    }

    /// <summary>
    /// Get-PSSession -ComputerName inside a session queries the other computer's WinRM, which the workgroup client
    /// refuses as it refuses a connection: GetPSSessionCommand's QueryForRunspacesFailed, its id from the transport's
    /// error, the connection info its target; a computer in TrustedHosts is the double hop's 1312; localhost is not a
    /// second hop.
    /// </summary>
    [Test]
    public async Task Get_PSSession_of_another_computer_from_a_session_writes_its_query_failure()
    {
        var (host, outcome) = await RunAsync("Get-PSSession -ComputerName Server02; gsn Server03 -Name Job1; 'after'");
        var trusted = await RunWithWinRmClientAsync(@"Set-Item WSMan:\localhost\Client\TrustedHosts -Value 'Server02' -Force; Get-PSSession -ComputerName Server02");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
        var records = host.Records.OfType<ErrorRecordMessage>().Select(r => r.Record).ToList();
        Assert.That(records.Select(r => r.ToStringValue), Is.EqualTo(new[] { "Server02", "Server03" }.Select(c => $"The remote session query failed for {c} with the following error message: {NotTrusted} Use winrm.cmd to configure TrustedHosts. Note that computers in the TrustedHosts list might not be authenticated. You can get more information about that by running the following command: winrm help config. For more information, see the about_Remote_Troubleshooting Help topic.")));
        Assert.That(records.Select(r => r["FullyQualifiedErrorId"].AsString()), Is.All.EqualTo("ServerNotTrusted,RemotePSSessionQueryFailed,Microsoft.PowerShell.Commands.GetPSSessionCommand"));
        Assert.That(records[0]["ErrorCategory_Message"].AsString(), Is.EqualTo("InvalidOperation: (System.Management.Automation.Runspaces.WSManConnectionInfo:WSManConnectionInfo) [Get-PSSession], RuntimeException"));
        var doubleHop = trusted.Records.OfType<ErrorRecordMessage>().Single().Record;
        Assert.That(doubleHop.ToStringValue, Does.StartWith("The remote session query failed for Server02 with the following error message: " + NoLogonSession));
        Assert.That(doubleHop["FullyQualifiedErrorId"].AsString(), Is.EqualTo("1312,RemotePSSessionQueryFailed,Microsoft.PowerShell.Commands.GetPSSessionCommand"));
    }

    private const string NoLogonSession = "WinRM cannot process the request. The following error with errorcode 0x8009030e occurred while using Negotiate authentication: A specified logon session does not exist. It may already have been terminated.  \r\n Possible causes are:\r\n";

    private static async Task<RecordingHost> RunWithWinRmClientAsync(string script)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 30, 0, TimeSpan.Zero));
        var host = new RecordingHost { Runspace = new RunspaceState(time), WsManConfiguration = [new("Client", null), new(@"Client\TrustedHosts", string.Empty)], WsManSettings = new WsManSettings() };
        var create = new CreatePipeline([new PipelineCommand(script, IsScript: true, [])], NoInput: true);
        await ((BehaviourScript)Default.Resolve(create)).RunAsync(host, time, ScriptedError.ToErrorRecord, CancellationToken.None);
        return host;
    }

    [Test]
    public async Task Invoke_Command_to_a_computer_in_TrustedHosts_from_a_session_fails_as_a_double_hop_and_one_not_there_is_still_not_trusted()
    {
        var host = await RunWithWinRmClientAsync(@"Set-Item WSMan:\localhost\Client\TrustedHosts -Value 'Server02' -Force; Invoke-Command -ComputerName Server02 { hostname }; icm Server03 { 1 }; 'after'");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
        var records = host.Records.OfType<ErrorRecordMessage>().Select(r => r.Record).ToList();
        Assert.That(records.Select(r => r["FullyQualifiedErrorId"].AsString()), Is.EqualTo(new[] { "1312,PSSessionStateBroken", "ServerNotTrusted,PSSessionStateBroken" }));
        Assert.That(records[0].ToStringValue, Does.StartWith("Connecting to remote server Server02 failed with the following error message : " + NoLogonSession));
        Assert.That(records[0].ToStringValue, Does.EndWith(" Note that computers in the TrustedHosts list might not be authenticated.\r\n   -For more information about WinRM configuration, run the following command: winrm help config. For more information, see the about_Remote_Troubleshooting Help topic."));
        Assert.That(records[0]["ErrorCategory_Message"].AsString(), Is.EqualTo("OpenError: (Server02:String) [], PSRemotingTransportException"));
        Assert.That(records[1].ToStringValue, Does.StartWith("Connecting to remote server Server03 failed with the following error message : " + NotTrusted));
    }

    [Test]
    public async Task New_PSSession_to_a_computer_a_TrustedHosts_wildcard_covers_fails_as_a_double_hop_with_its_own_open_failure()
    {
        var host = await RunWithWinRmClientAsync(@"Set-Item WSMan:\localhost\Client\TrustedHosts 'Other, *.contoso.com' -Force; $s = New-PSSession -ComputerName Server02.CONTOSO.com; $null -eq $s");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True" }));
        var record = host.Records.OfType<ErrorRecordMessage>().Single().Record;
        Assert.That(record.ToStringValue, Does.StartWith("[Server02.CONTOSO.com] Connecting to remote server Server02.CONTOSO.com failed with the following error message : " + NoLogonSession));
        Assert.That(record["FullyQualifiedErrorId"].AsString(), Is.EqualTo("1312,PSSessionOpenFailed"));
        Assert.That(record["ErrorCategory_Message"].AsString(), Is.EqualTo("OpenError: (System.Management.Automation.RemoteRunspace:RemoteRunspace) [New-PSSession], PSRemotingTransportException"));
    }

    [TestCase("Invoke-Command -ComputerName Server02 -Credential $c { hostname }")]
    [TestCase("icm Server02 { hostname } -Cred:$c")]
    [TestCase("New-PSSession Server02 -Credential (Get-Credential)")]
    public async Task A_second_hop_with_credentials_is_not_trusted_outside_TrustedHosts_and_left_to_the_scenario_inside(string statement)
    {
        var untrusted = await RunWithWinRmClientAsync(statement);
        var trusted = await RunWithWinRmClientAsync(@"Set-Item WSMan:\localhost\Client\TrustedHosts -Value '*' -Force; " + statement);

        Assert.That(untrusted.Records.OfType<ErrorRecordMessage>().Single().Record["FullyQualifiedErrorId"].AsString(), Does.StartWith("ServerNotTrusted,"));
        var record = trusted.Records.OfType<ErrorRecordMessage>().Single().Record;
        Assert.That(record["FullyQualifiedErrorId"].AsString(), Is.EqualTo("PsrpEmulator.ScenarioError"));
        Assert.That(record.ToStringValue, Does.StartWith("A second hop with -Credential to a computer in TrustedHosts would connect on Windows"));
    }

    [Test]
    public async Task A_credential_inside_the_script_block_does_not_make_a_second_hop_one_with_credentials()
    {
        var trusted = await RunWithWinRmClientAsync(@"Set-Item WSMan:\localhost\Client\TrustedHosts -Value '*' -Force; Invoke-Command Server02 { Get-Thing -Credential $c }");

        Assert.That(trusted.Records.OfType<ErrorRecordMessage>().Single().Record["FullyQualifiedErrorId"].AsString(), Is.EqualTo("1312,PSSessionStateBroken"));
    }

    private const string NotLoggedOn = "The operation being requested was not performed because the user has not logged on to the network. The specified service does not exist. (Exception from HRESULT: 0x800704DD)";

    [Test]
    public async Task Start_BitsTransfer_inside_a_session_fails_its_statement_with_the_BITS_service_s_not_logged_on_exception()
    {
        var (host, outcome) = await RunAsync(@"Start-BitsTransfer -Source http://files/a.zip -Destination C:\a.zip; 'after'; try { Start-BitsTransfer http://files/b.zip C:\b.zip; 'not here' } catch { ""caught: $($_.FullyQualifiedErrorId)"" }");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), outcome.ErrorRecord?.ToStringValue);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after", "caught: System.Runtime.InteropServices.COMException,Microsoft.BackgroundIntelligentTransfer.Management.NewBitsTransferCommand" }));
        var record = host.Records.OfType<ErrorRecordMessage>().Single().Record;
        Assert.That(record.ToStringValue, Is.EqualTo(NotLoggedOn));
        Assert.That(record["ErrorCategory_Message"].AsString(), Is.EqualTo("NotSpecified: (:) [Start-BitsTransfer], COMException"));
    }

    [TestCase("- error: { message: m, terminating: true }\n      - output: x", "it must be the rule's last step")]
    [TestCase("- loop: { from: 1, to: 2, steps: [ error: { message: m, terminating: true } ] }", "not in a loop's or input's")]
    [TestCase("- error: { message: m, terminating: yes please }", "'terminating:' is true or false")]
    [TestCase("- state: Failed\n        reason: { message: m, terminating: true }", "not a Failed state's reason")]
    public void A_terminating_error_ends_its_rule_s_own_steps(string steps, string expected)
    {
        var failure = Assert.Throws<BehaviourLoadException>(() => BehaviourCatalog.Parse($$"""
            behaviours:
              - match: Get-Thing
                steps:
                  {{steps}}
            """));
        Assert.That(failure!.Message, Does.Contain(expected));
    }

    [Test]
    public void An_error_s_trusted_host_needs_its_when_trusted_error_and_the_other_way_round()
    {
        foreach (var keys in new[] { "trusted-host: \"{0}\"", "when-trusted: { message: y }" })
        {
            var failure = Assert.Throws<BehaviourLoadException>(() => BehaviourCatalog.Parse($$"""
                behaviours:
                  - match: Get-Thing
                    steps:
                      - error: { message: x, {{keys}} }
                """));
            Assert.That(failure!.Message, Does.Contain("'trusted-host:' and 'when-trusted:' go together"));
        }
    }

    [TestCase("Enter-PSSession Server02; 'after'")]
    [TestCase("etsn -ComputerName 'Server02' -Credential $c; 'after'")]
    [TestCase("Enter-PSSession -Session $s\n'after'")]
    public async Task Enter_PSSession_inside_a_session_writes_that_the_remote_host_cannot_push_a_runspace(string script)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That((outcome.State, host.OutputTexts.ToArray()), Is.EqualTo((PSInvocationState.Completed, new[] { "after" })));
        var record = host.Records.OfType<ErrorRecordMessage>().Single().Record;
        Assert.That(record.ToStringValue, Is.EqualTo("You are currently in a Windows PowerShell PSSession and cannot use the Enter-PSSession cmdlet to enter another PSSession."));
        Assert.That(record["FullyQualifiedErrorId"].AsString(), Is.EqualTo("RemoteHostDoesNotSupportPushRunspace,Microsoft.PowerShell.Commands.EnterPSSessionCommand"));
        Assert.That(record["ErrorCategory_Message"].AsString(), Is.EqualTo("InvalidArgument: (:) [Enter-PSSession], ArgumentException"));
    }

    [Test]
    public async Task Enter_PSSession_to_a_virtual_machine_is_left_to_the_scenario()
    {
        var (host, _) = await RunAsync("Enter-PSSession -VMName vm1");

        Assert.That(host.Records.OfType<ErrorRecordMessage>().Single().Record["FullyQualifiedErrorId"].AsString(), Is.EqualTo("PsrpEmulator.ScenarioError"));
    }

    [TestCase("$s = New-PSSession -ComputerName Server02; Invoke-Command -Session $s { hostname }; Get-PSSession; 'after'", 2)]
    [TestCase("Invoke-Command -Session @() -ScriptBlock { hostname }; gsn; 'after'", 1)]
    [TestCase("icm -Session:$null { hostname }; 'after'", 1)]
    public async Task With_no_PSSession_in_the_session_Invoke_Command_Session_is_the_binder_s_refusal_and_Get_PSSession_lists_none(string script, int errors)
    {
        var (host, outcome) = await RunAsync(script);

        var records = host.Records.OfType<ErrorRecordMessage>().Select(r => r.Record).ToList();
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), string.Join(" | ", records.Select(r => r.ToStringValue)) + " / " + outcome.ErrorRecord?.ToStringValue);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
        Assert.That(records, Has.Count.EqualTo(errors));
        var refusal = records[^1];
        Assert.That(refusal.ToStringValue, Is.EqualTo("Cannot validate argument on parameter 'Session'. The argument is null or empty. Provide an argument that is not null or empty, and then try the command again."));
        Assert.That(refusal["FullyQualifiedErrorId"].AsString(), Is.EqualTo("ParameterArgumentValidationError,Microsoft.PowerShell.Commands.InvokeCommandCommand"));
        Assert.That(refusal["ErrorCategory_Message"].AsString(), Is.EqualTo("InvalidData: (:) [Invoke-Command], ParameterBindingValidationException"));
    }

    // A script of one such statement, as a client sends `Get-PSSession` alone, and the cleanup idiom's pipeline: nothing
    // to list, nothing piped to remove.
    [TestCase("Get-PSSession")]
    [TestCase("gsn")]
    [TestCase("Exit-PSSession")]
    [TestCase("Get-PSSession | Remove-PSSession")]
    [TestCase("Get-PSSession | Where-Object State -eq Broken | rsn")]
    [TestCase("Get-PSSession -Name Dep*")]
    public async Task A_script_of_a_PSSession_cmdlet_alone_finds_no_session_and_writes_nothing(string script)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), outcome.ErrorRecord?.ToStringValue);
        Assert.That(host.Records.OfType<ErrorRecordMessage>(), Is.Empty);
        Assert.That(host.Outputs, Is.Empty);
    }

    [TestCase("Remove-PSSession -Id 3", "RemoteRunspaceNotAvailableForSpecifiedSessionId,Microsoft.PowerShell.Commands.RemovePSSessionCommand")]
    [TestCase("'x' | Remove-PSSession", "PsrpEmulator.ScenarioError")]
    public async Task A_script_of_a_PSSession_cmdlet_given_something_to_find_says_why(string script, string errorId)
    {
        var (host, outcome) = await RunAsync(script);

        var records = host.Records.OfType<ErrorRecordMessage>().Select(r => r.Record).Append(outcome.ErrorRecord).OfType<PsObject>();
        Assert.That(records.Select(r => r["FullyQualifiedErrorId"].AsString()), Is.EqualTo(new[] { errorId }));
    }

    [Test]
    public async Task Get_and_Remove_PSSession_by_id_name_or_instance_id_find_no_session_in_a_session()
    {
        var (host, outcome) = await RunAsync("Get-PSSession -Id 1, 2; Get-PSSession -Name Deploy; Get-PSSession -Name Dep*; Remove-PSSession -InstanceId 6c7a1a34-0d2e-4a4f-9a46-7a9b1c2d3e4f; rsn -Id:3; 'after'");

        Assert.That((outcome.State, string.Join("|", host.OutputTexts)), Is.EqualTo((PSInvocationState.Completed, "after")));
        var records = host.Records.OfType<ErrorRecordMessage>().Select(r => r.Record).ToList();
        Assert.That(records.Select(r => r.ToStringValue), Is.EqualTo(new[]
        {
            "The remote session with the session ID 1 is not available.",
            "The remote session with the session ID 2 is not available.",
            "The remote session with the name Deploy  is not available.",
            "Remote session is not available for 6c7a1a34-0d2e-4a4f-9a46-7a9b1c2d3e4f.",
            "The remote session with the session ID 3 is not available.",
        }));
        Assert.That(records.Select(r => r["FullyQualifiedErrorId"].AsString()), Is.EqualTo(new[]
        {
            "RemoteRunspaceNotAvailableForSpecifiedSessionId,Microsoft.PowerShell.Commands.GetPSSessionCommand",
            "RemoteRunspaceNotAvailableForSpecifiedSessionId,Microsoft.PowerShell.Commands.GetPSSessionCommand",
            "RemoteRunspaceNotAvailableForSpecifiedName,Microsoft.PowerShell.Commands.GetPSSessionCommand",
            "RemoteRunspaceNotAvailableForSpecifiedRunspaceId,Microsoft.PowerShell.Commands.RemovePSSessionCommand",
            "RemoteRunspaceNotAvailableForSpecifiedSessionId,Microsoft.PowerShell.Commands.RemovePSSessionCommand",
        }));
        Assert.That(records[0]["ErrorCategory_Message"].AsString(), Is.EqualTo("InvalidArgument: (1:Int32) [Get-PSSession], ArgumentException"));
    }

    [TestCase("Connect-PSSession -Name Job*, Deploy", "RemoteRunspaceNotAvailableForSpecifiedName,Microsoft.PowerShell.Commands.ConnectPSSessionCommand")]
    [TestCase("dnsn -Id 4", "RemoteRunspaceNotAvailableForSpecifiedSessionId,Microsoft.PowerShell.Commands.DisconnectPSSessionCommand")]
    [TestCase("Receive-PSSession -Name Job*", "RemoteRunspaceNotAvailableForSpecifiedName,Microsoft.PowerShell.Commands.ReceivePSSessionCommand")]
    [TestCase("rcsn -Id 2", "RemoteRunspaceNotAvailableForSpecifiedSessionId,Microsoft.PowerShell.Commands.ReceivePSSessionCommand")]
    public async Task The_disconnected_session_cmdlets_by_id_or_name_find_no_session_in_a_session(string statement, string id)
    {
        var (host, outcome) = await RunAsync(statement + "; 'after'");

        Assert.That((outcome.State, string.Join("|", host.OutputTexts)), Is.EqualTo((PSInvocationState.Completed, "after")));
        Assert.That(host.Records.OfType<ErrorRecordMessage>().Select(r => r.Record["FullyQualifiedErrorId"].AsString()), Is.EqualTo(new[] { id }),
            "one error: a wildcard name matches nothing silently, except Receive-PSSession's");
    }

    [TestCase("Disconnect-PSSession -Session $null", "DisconnectPSSessionCommand")]
    [TestCase("cnsn -Session @()", "ConnectPSSessionCommand")]
    [TestCase("Receive-PSSession -Session:$null", "ReceivePSSessionCommand")]
    public async Task The_disconnected_session_cmdlets_refuse_no_session_as_ValidateNotNullOrEmpty_does(string statement, string cmdlet)
    {
        var (host, outcome) = await RunAsync(statement + "; 'after'");

        Assert.That((outcome.State, string.Join("|", host.OutputTexts)), Is.EqualTo((PSInvocationState.Completed, "after")));
        var record = host.Records.OfType<ErrorRecordMessage>().Single().Record;
        Assert.That(record.ToStringValue, Is.EqualTo("Cannot validate argument on parameter 'Session'. The argument is null or empty. Provide an argument that is not null or empty, and then try the command again."));
        Assert.That(record["FullyQualifiedErrorId"].AsString(), Is.EqualTo($"ParameterArgumentValidationError,Microsoft.PowerShell.Commands.{cmdlet}"));
    }

    [TestCase("Remove-PSSession -Session $null; 'after'", "Cannot bind argument to parameter 'Session' because it is null.", "ParameterArgumentValidationErrorNullNotAllowed")]
    [TestCase("$s = @(); Remove-PSSession -Session $s; 'after'", "Cannot bind argument to parameter 'Session' because it is an empty array.", "ParameterArgumentValidationErrorEmptyArrayNotAllowed")]
    public async Task Remove_PSSession_of_no_session_is_the_binder_s_refusal_of_its_mandatory_parameter(string script, string message, string id)
    {
        var (host, outcome) = await RunAsync(script);

        Assert.That((outcome.State, string.Join("|", host.OutputTexts)), Is.EqualTo((PSInvocationState.Completed, "after")));
        var record = host.Records.OfType<ErrorRecordMessage>().Single().Record;
        Assert.That(record.ToStringValue, Is.EqualTo(message));
        Assert.That(record["FullyQualifiedErrorId"].AsString(), Is.EqualTo(id + ",Microsoft.PowerShell.Commands.RemovePSSessionCommand"));
        Assert.That(record["ErrorCategory_Message"].AsString(), Is.EqualTo("InvalidData: (:) [Remove-PSSession], ParameterBindingValidationException"));
    }

    [Test]
    public async Task Invoke_Command_with_a_session_object_is_still_the_scenario_s_to_answer()
    {
        var (host, _) = await RunAsync("$s = [pscustomobject]@{ Id = 1 }; Invoke-Command -Session $s { hostname }");

        var record = host.Records.OfType<ErrorRecordMessage>().Single().Record;
        Assert.That(record["FullyQualifiedErrorId"].AsString(), Is.EqualTo("PsrpEmulator.ScenarioError"));
        Assert.That(record.ToStringValue, Does.StartWith("Invoke-Command is a command Windows has that the emulator does not emulate"));
    }

    [Test]
    public async Task Under_try_the_null_session_refusal_goes_to_the_catch()
    {
        var (host, outcome) = await RunAsync("try { Invoke-Command -Session $null { 1 }; 'not here' } catch { \"caught: $($_.FullyQualifiedErrorId)\" }");

        Assert.That((outcome.State, host.OutputTexts.Single()), Is.EqualTo((PSInvocationState.Completed, "caught: ParameterArgumentValidationError,Microsoft.PowerShell.Commands.InvokeCommandCommand")));
    }
}
