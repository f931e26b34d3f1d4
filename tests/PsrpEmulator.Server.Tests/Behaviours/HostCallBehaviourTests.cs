using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

public class HostCallBehaviourTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    // $Host and the other automatic variables, as a server's session has them.
    private static readonly Func<string, PsValue?> Automatic = RecordingHost.ServerAutomaticVariables();

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string script, Func<PipelineHostCall, PipelineHostResponse>? ui)
    {
        var host = new RecordingHost { HostUI = ui, Automatic = Automatic };
        var outcome = await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider());
        return (host, outcome);
    }

    // What a user types: each prompt's field answered with the text, a ReadLine with it.
    private static Func<PipelineHostCall, PipelineHostResponse> Typing(params string[] lines)
    {
        var next = 0;
        return call => call.MethodId == RemoteHostMethodId.Prompt
            ? new PipelineHostResponse(call.CallId, call.MethodId, RemoteHostCalls.PromptResult(
                RemoteHostCalls.Items(call.Parameters[2]).Select(f => new KeyValuePair<string, PsValue>(RemoteHostCalls.ReadFieldDescription(f).Name, PsPrimitive.String(lines[next++])))))
            : new PipelineHostResponse(call.CallId, call.MethodId, PsPrimitive.String(lines[next++]));
    }

    [Test]
    public async Task Read_Host_with_a_prompt_asks_the_client_s_Prompt_for_one_String_field_named_after_it()
    {
        var (host, outcome) = await RunAsync("$name = Read-Host 'Your name'; \"Hello $name\"", Typing("Ada"));
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Hello Ada" }));
        var call = host.HostCalls.Single();
        Assert.That((call.CallId, call.MethodId), Is.EqualTo((1L, RemoteHostMethodId.Prompt)));
        Assert.That(call.Parameters.Take(2).Select(p => p.AsString()), Is.EqualTo(new[] { "", "" }));
        Assert.That(RemoteHostCalls.ReadFieldDescription(RemoteHostCalls.Items(call.Parameters[2]).Single()), Is.EqualTo(("Your name", "", "", "System.String")));
    }

    [Test]
    public async Task Read_Host_s_prompt_takes_the_remaining_arguments_and_joins_the_non_empty_ones_with_spaces()
    {
        var (host, _) = await RunAsync("Read-Host Enter the server name; Read-Host -Prompt 'a','','b'", Typing("x", "y"));
        Assert.That(host.HostCalls.Select(c => RemoteHostCalls.ReadFieldDescription(RemoteHostCalls.Items(c.Parameters[2])[0]).Name), Is.EqualTo(new[] { "Enter the server name", "a b" }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "x", "y" }));
    }

    [Test]
    public async Task Read_Host_without_a_prompt_calls_ReadLine_and_writes_the_line()
    {
        var (host, _) = await RunAsync("$a = Read-Host; $b = Read-Host; \"$b-$a\".ToUpper()", Typing("one", "two"));
        Assert.That(host.HostCalls.Select(c => (c.CallId, c.MethodId, c.Parameters.Count)), Is.EqualTo(new[] { (1L, RemoteHostMethodId.ReadLine, 0), (2L, RemoteHostMethodId.ReadLine, 0) }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "TWO-ONE" }));
    }

    [Test]
    public async Task A_prompt_answered_with_a_number_writes_its_text_and_an_empty_answer_writes_nothing()
    {
        var (number, _) = await RunAsync("(Read-Host 'n').GetType().Name", call => new PipelineHostResponse(call.CallId, call.MethodId,
            RemoteHostCalls.PromptResult([new("n", PsPrimitive.Int32(5))])));
        Assert.That(number.OutputTexts, Is.EqualTo(new[] { "String" }));
        var (empty, _) = await RunAsync("$x = Read-Host 'n'; $null -eq $x", call => new PipelineHostResponse(call.CallId, call.MethodId, RemoteHostCalls.PromptResult([])));
        Assert.That(empty.OutputTexts, Is.EqualTo(new[] { "True" }));
    }

    [Test]
    public async Task A_client_without_a_host_UI_gets_no_host_call_and_Read_Host_fails_with_HostFunctionNotImplemented()
    {
        var (host, _) = await RunAsync("Read-Host; Read-Host 'Name'; 'after'", ui: null);
        Assert.That(host.HostCalls, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Category, e.ExceptionType)), Is.All.EqualTo(
            ("HostFunctionNotImplemented,Microsoft.PowerShell.Commands.ReadHostCommand", ErrorCategory.NotImplemented, "System.Management.Automation.Host.HostException")));
        Assert.That(host.Errors[0].Message, Does.StartWith("A command that prompts the user failed because the host program or the command type does not support user interaction. Try a host program"));
        Assert.That(host.Errors[1].Message, Does.EndWith("The host was attempting to request confirmation with the following message: "));
    }

    [Test]
    public async Task The_error_the_client_s_host_threw_fails_Read_Host_with_its_message_and_try_catches_it()
    {
        var thrown = ErrorRecords.Create("PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.", "ReadFailsOnNonInteractiveFlag",
            ErrorCategory.InvalidOperation, "System.Management.Automation.PSInvalidOperationException");
        var (host, outcome) = await RunAsync("try { Read-Host 'x' } catch { \"caught: $_ [$($_.FullyQualifiedErrorId)]\" }",
            call => new PipelineHostResponse(call.CallId, call.MethodId, null, thrown));
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "caught: PowerShell is in NonInteractive mode. Read and Prompt functionality is not available. [ReadFailsOnNonInteractiveFlag]" }));
    }

    [Test]
    public async Task A_prompt_answered_with_nothing_or_with_no_dictionary_fails_as_the_server_s_decoding_does()
    {
        var (none, _) = await RunAsync("Read-Host 'x'", call => new PipelineHostResponse(call.CallId, call.MethodId));
        Assert.That(none.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("System.NullReferenceException,Microsoft.PowerShell.Commands.ReadHostCommand"));
        var (text, _) = await RunAsync("Read-Host 'x'", call => new PipelineHostResponse(call.CallId, call.MethodId, PsPrimitive.String("x")));
        Assert.That(text.Errors.Single().Message, Is.EqualTo("A failure occurred while decoding data from the remote host. There was an error in the network data."));
    }

    [Test]
    public async Task Read_Host_AsSecureString_asks_for_a_SecureString_and_writes_it_as_it_came()
    {
        var encrypted = PsPrimitive.SecureString("c2VjcmV0IGJ5dGVz");
        var (line, _) = await RunAsync("$s = Read-Host -AsSecureString; $s.GetType().FullName; $s", call => new PipelineHostResponse(call.CallId, call.MethodId, encrypted));
        Assert.That(line.HostCalls.Single().MethodId, Is.EqualTo(RemoteHostMethodId.ReadLineAsSecureString));
        Assert.That(line.Outputs, Is.EqualTo(new PsValue[] { PsPrimitive.String("System.Security.SecureString"), encrypted }));

        var (prompt, _) = await RunAsync("Read-Host 'Password' -AsSecureString", call => new PipelineHostResponse(call.CallId, call.MethodId,
            RemoteHostCalls.PromptResult([new("Password", encrypted)])));
        var field = RemoteHostCalls.ReadFieldDescription(RemoteHostCalls.Items(prompt.HostCalls.Single().Parameters[2])[0]);
        Assert.That(field, Is.EqualTo(("Password", "", "", "System.Security.SecureString")));
        Assert.That(prompt.Outputs, Is.EqualTo(new PsValue[] { encrypted }));
    }

    private static PsObject Credential(string user, string password) =>
        new PsObject(["System.Management.Automation.PSCredential", "System.Object"]) { ToStringValue = "System.Management.Automation.PSCredential" }
            .With("UserName", user).With("Password", PsPrimitive.SecureString(password));

    [Test]
    public async Task Get_Credential_asks_the_client_s_PromptForCredential_and_writes_the_credential()
    {
        var (host, outcome) = await RunAsync("$c = Get-Credential 'Domain01\\Admin01'; $c.UserName; Get-Credential -UserName x -Message 'For the share'",
            call => new PipelineHostResponse(call.CallId, call.MethodId, Credential(call.Parameters[2].AsString() ?? "none", "AAAA")));
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.HostCalls.Select(c => (c.MethodId, string.Join("|", c.Parameters.Select(p => p.AsString() ?? "(null)")))), Is.EqualTo(new[]
        {
            (RemoteHostMethodId.PromptForCredential1, "Windows PowerShell credential request|Enter your credentials.|Domain01\\Admin01|"),
            // 5.1 has no -Title (PowerShell 6 added it): the caption is always its own.
            (RemoteHostMethodId.PromptForCredential1, "Windows PowerShell credential request|For the share|x|"),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Domain01\\Admin01", "System.Management.Automation.PSCredential" }));
    }

    [Test]
    public async Task Get_Credential_writes_a_given_credential_and_nothing_for_a_cancelled_prompt_and_fails_without_a_host_UI()
    {
        var (cancelled, _) = await RunAsync("@(Get-Credential).Count", call => new PipelineHostResponse(call.CallId, call.MethodId));
        Assert.That(cancelled.OutputTexts, Is.EqualTo(new[] { "0" }));
        var (noUI, _) = await RunAsync("Get-Credential", ui: null);
        Assert.That(noUI.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("HostFunctionNotImplemented,Microsoft.PowerShell.Commands.GetCredentialCommand"));
        Assert.That(noUI.Errors.Single().Message, Does.EndWith("with the following message: Enter your credentials."));
    }

    /// <summary>
    /// exit tells the host first, as PowerShell's pipeline does on its ExitException: a void SetShouldExit call with the
    /// code, which is how pypsrp's host (and Ansible's psrp connection) reads a remote script's exit code. So does
    /// $Host.SetShouldExit. Without a host UI nothing is sent.
    /// </summary>
    [TestCase("'before'; exit 3; 'never'", 3, "before")]
    [TestCase("function f { exit 7 }; f; 'never'", 7, "")]
    [TestCase("$Host.SetShouldExit(4); 'after'", 4, "after")]
    public async Task Exit_sends_the_hosts_SetShouldExit_with_its_code(string script, int code, string output)
    {
        var (host, outcome) = await RunAsync(script, Typing());

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(output));
        Assert.That(host.HostCalls.Select(c => (c.CallId, c.MethodId, c.Parameters.Single())), Is.EqualTo(new[]
        {
            (RemoteHostCalls.VoidCallId, RemoteHostMethodId.SetShouldExit, (PsValue)PsPrimitive.Int32(code)),
        }));

        var (noUI, _) = await RunAsync(script, ui: null);
        Assert.That(noUI.HostCalls, Is.Empty);
    }

    /// <summary>
    /// Exit-PSSession inside a session: the session's host has no runspace pushed, so PopRunspace goes to the client's
    /// host as a void call (ServerRemoteHost.PopRunspace); nothing is written, and the script goes on.
    /// </summary>
    [TestCase("Exit-PSSession; 'after'")]
    [TestCase("exsn\n'after'")]
    public async Task Exit_PSSession_sends_the_client_s_host_PopRunspace(string script)
    {
        var (host, outcome) = await RunAsync(script, Typing());

        Assert.That((outcome.State, string.Join("|", host.OutputTexts)), Is.EqualTo((PSInvocationState.Completed, "after")));
        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.HostCalls.Select(c => (c.CallId, c.MethodId, c.Parameters.Count)), Is.EqualTo(new[] { (RemoteHostCalls.VoidCallId, RemoteHostMethodId.PopRunspace, 0) }));

        var (noUI, _) = await RunAsync(script, ui: null);
        Assert.That((noUI.HostCalls.Count, noUI.Errors.Count), Is.EqualTo((0, 0)));
    }

    /// <summary>
    /// A RawUI property the client's host did not send: ServerRemoteHostRawUserInterface's getter throws
    /// RemoteHostMethodNotImplemented, which PowerShell reports as the read's error; the script goes on. A name RawUI
    /// has not is no property: $null.
    /// </summary>
    [Test]
    public async Task A_RawUI_property_the_host_did_not_send_is_the_getters_not_implemented_error()
    {
        var (host, outcome) = await RunAsync("$Host.UI.RawUI.WindowTitle; $null -eq $Host.UI.RawUI.Frob; 'after'", Typing());

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[]
        {
            ("Exception getting \"WindowTitle\": \"Remote host method get_WindowTitle is not implemented.\"", "ExceptionWhenGetting"),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True", "after" }));
    }

    /// <summary>
    /// Select-Object, Sort-Object and Group-Object read a property through PSPropertyExpression, which keeps a getter's
    /// exception in its result: the value is null and no error is written.
    /// </summary>
    [Test]
    public async Task Select_Object_of_a_RawUI_property_the_host_did_not_send_is_empty_without_an_error()
    {
        var (host, outcome) = await RunAsync("$s = $Host.UI.RawUI | Select-Object WindowTitle; $null -eq $s.WindowTitle; @($Host.UI.RawUI | Sort-Object KeyAvailable).Count; 'after'", Typing());

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True", "1", "after" }));
    }

    /// <summary>As ServerRemoteHostRawUserInterface's setter: the void SetWindowTitle call, dropped without a host UI.</summary>
    [Test]
    public async Task Setting_the_RawUI_WindowTitle_sends_the_hosts_void_SetWindowTitle()
    {
        var (host, outcome) = await RunAsync("$Host.UI.RawUI.WindowTitle = \"deploy $(1 + 1)\"; 'after'", Typing());

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
        Assert.That(host.HostCalls.Select(c => (c.CallId, c.MethodId, c.Parameters.Single())), Is.EqualTo(new[]
        {
            (RemoteHostCalls.VoidCallId, RemoteHostMethodId.SetWindowTitle, (PsValue)PsPrimitive.String("deploy 2")),
        }));
    }

    /// <summary>
    /// The other setters, as ServerRemoteHostRawUserInterface's: void calls with the value as RemoteHostEncoder encodes
    /// it (a ConsoleColor's number; a Size or Coordinates as an object of the struct's fields).
    /// </summary>
    [Test]
    public async Task Setting_RawUI_colours_sizes_and_positions_sends_the_hosts_void_setters()
    {
        var (host, outcome) = await RunAsync(
            "$r = $Host.UI.RawUI; $r.ForegroundColor = 'Red'; $r.BackgroundColor = 1; $r.CursorSize = 25; " +
            "$r.BufferSize = [pscustomobject]@{ Width = 200; Height = 3000 }; $r.CursorPosition = [pscustomobject]@{ X = 0; Y = 5 }; 'after'", Typing());

        Assert.That((outcome.State, host.OutputTexts.Single()), Is.EqualTo((PSInvocationState.Completed, "after")));
        Assert.That(host.HostCalls.Select(c => (c.CallId, c.MethodId)), Is.EqualTo(new[]
        {
            (RemoteHostCalls.VoidCallId, RemoteHostMethodId.SetForegroundColor), (RemoteHostCalls.VoidCallId, RemoteHostMethodId.SetBackgroundColor),
            (RemoteHostCalls.VoidCallId, RemoteHostMethodId.SetCursorSize), (RemoteHostCalls.VoidCallId, RemoteHostMethodId.SetBufferSize),
            (RemoteHostCalls.VoidCallId, RemoteHostMethodId.SetCursorPosition),
        }));
        Assert.That(host.HostCalls.Take(3).Select(c => c.Parameters.Single()), Is.EqualTo(new PsValue[] { PsPrimitive.Int32(12), PsPrimitive.Int32(1), PsPrimitive.Int32(25) }));
        var size = (PsObject)host.HostCalls[3].Parameters.Single();
        Assert.That(size.ExtendedProperties.Select(p => (p.Name, p.Value.ToDisplayString())), Is.EqualTo(new[] { ("width", "200"), ("height", "3000") }));
        var position = (PsObject)host.HostCalls[4].Parameters.Single();
        Assert.That(position.ExtendedProperties.Select(p => (p.Name, p.Value.ToDisplayString())), Is.EqualTo(new[] { ("x", "0"), ("y", "5") }));
    }

    [Test]
    public async Task Windows_PowerShell_s_drive_and_cd_functions_run_in_a_session()
    {
        var (host, outcome) = await RunAsync(@"Set-Location C:\Windows\System32; cd..; (Get-Location).Path; cd\; (Get-Location).Path; C:; (Get-Location).Path; ${function:cd..}; (Get-Command cd.., C:).CommandType -join ','; Remove-Item function:cd..; @(Get-Command cd.. -ErrorAction Ignore).Count", Typing());

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { @"C:\Windows", @"C:\", @"C:\", "Set-Location ..", "Function,Function", "0" }));
    }

    [Test]
    public async Task A_value_a_RawUI_property_cannot_take_is_the_assignments_error_and_the_script_goes_on()
    {
        var (host, outcome) = await RunAsync("$Host.UI.RawUI.ForegroundColor = 'Purple'; $Host.UI.RawUI.WindowSize = 'big'; 'after'", Typing());

        Assert.That((outcome.State, host.OutputTexts.Single()), Is.EqualTo((PSInvocationState.Completed, "after")));
        Assert.That(host.HostCalls, Is.Empty);
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "ExceptionWhenSetting", "ExceptionWhenSetting" }));
        Assert.That(host.Errors[1].Message, Is.EqualTo("Exception setting \"WindowSize\": \"Cannot convert the \"big\" value of type \"System.String\" to type \"System.Management.Automation.Host.Size\".\""));
    }

    [Test]
    public async Task Setting_a_read_only_RawUI_property_is_PowerShells_assignment_error_and_the_script_goes_on()
    {
        var (host, outcome) = await RunAsync("$Host.UI.RawUI.maxwindowsize = [pscustomobject]@{ Width = 1; Height = 1 }; 'after'", Typing());

        Assert.That(host.HostCalls, Is.Empty);
        Assert.That((outcome.State, host.OutputTexts.Single()), Is.EqualTo((PSInvocationState.Completed, "after")));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[] { ("'MaxWindowSize' is a ReadOnly property.", "PropertyAssignmentException") }));
    }

    [Test]
    public async Task Setting_a_property_RawUI_has_not_is_PropertyNotFound()
    {
        var (host, outcome) = await RunAsync("$Host.UI.RawUI.Frob = 1; 'after'", Typing());

        Assert.That(host.HostCalls, Is.Empty);
        Assert.That((outcome.State, host.OutputTexts.Single()), Is.EqualTo((PSInvocationState.Completed, "after")));
        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("PropertyNotFound"));
    }

    [Test]
    public async Task WhatIf_writes_ShouldProcess_s_What_if_line_with_the_client_host_s_WriteLine_and_nothing_without_a_host_UI()
    {
        const string Script = "function Remove-Thing { [CmdletBinding(SupportsShouldProcess)] param($Name) if ($PSCmdlet.ShouldProcess($Name)) { \"removed $Name\" } }; " +
            "function Stop-Thing { [CmdletBinding(SupportsShouldProcess)] param() if ($PSCmdlet.ShouldProcess('db01', 'Stop')) { 'stopped' } }; " +
            "Remove-Thing x -WhatIf; Stop-Thing -WhatIf; Remove-Thing y";
        var (host, _) = await RunAsync(Script, Typing());
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "removed y" }));
        Assert.That(host.HostCalls.Select(c => (c.CallId, c.MethodId, c.Parameters.Single().AsString())), Is.EqualTo(new[]
        {
            (RemoteHostCalls.VoidCallId, RemoteHostMethodId.WriteLine2, "What if: Performing the operation \"Remove-Thing\" on target \"x\"."),
            (RemoteHostCalls.VoidCallId, RemoteHostMethodId.WriteLine2, "What if: Performing the operation \"Stop\" on target \"db01\"."),
        }));

        var (noUI, _) = await RunAsync(Script, ui: null);
        Assert.That((noUI.OutputTexts.Count, noUI.HostCalls.Count, noUI.Errors.Count), Is.EqualTo((1, 0, 0)));
    }

    /// <summary>
    /// Write-Information's -InformationAction, else $InformationPreference: Ignore writes nothing, SilentlyContinue the
    /// record only, Continue the record and its text with the host's WriteLine (MshCommandRuntime.WriteInformation),
    /// Stop the record and then ActionPreferenceStop; the record carries the object itself and its -Tags.
    /// </summary>
    [Test]
    public async Task Write_Information_does_what_its_InformationAction_or_the_preference_says()
    {
        var (host, outcome) = await RunAsync(
            "Write-Information 'quiet' -Tags a,b; Write-Information -MessageData 'ignored' -InformationAction Ignore; " +
            "Write-Information (1 + 1) -InformationAction Continue; $InformationPreference = 'Continue'; Write-Information shown; " +
            "Write-Information last -InformationAction Stop; 'not reached'", Typing());

        var records = host.Records.OfType<InformationRecordMessage>().ToList();
        Assert.That(records.Select(r => r.MessageData.ToDisplayString()), Is.EqualTo(new[] { "quiet", "2", "shown", "last" }));
        Assert.That(records[0].Tags, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(records[1].MessageData, Is.EqualTo(PsPrimitive.Int32(2)), "the object, not its text");
        Assert.That(records.Select(r => r.Source).Distinct(), Is.EqualTo(new[] { "Write-Information" }));
        // The text the host gets under Continue rides on the record: the pipeline makes the WriteLine call when the
        // record reaches it (HostEchoTests), a redirection takes both.
        Assert.That(records.Select(r => r.HostText), Is.EqualTo(new[] { null, "2", "shown", null }));
        Assert.That(host.OutputTexts, Is.Empty);
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(outcome.ErrorRecord?.ToDisplayString(), Does.Contain("is set to Stop: last"));

        // The default rules' plain form follows the preference too.
        var (ignored, _) = await RunAsync("$InformationPreference = 'Ignore'; Write-Information 'x'; 'after'", Typing());
        Assert.That((ignored.Records.OfType<InformationRecordMessage>().Count(), ignored.OutputTexts.Single()), Is.EqualTo((0, "after")));
    }

    // A script that is Write-Information alone in a form no rule answers runs as the statement does in a longer script.
    [TestCase("Write-Information -MessageData 'x' -Tags a", "x")]
    [TestCase("Write-Information (Get-Service WinRM).Name", "WinRM")]
    [TestCase("Write-Information -MessageData (1 + 2) -InformationAction SilentlyContinue", "3")]
    public async Task Write_Information_alone_in_a_script_writes_its_record(string script, string expected)
    {
        var (host, _) = await RunAsync(script, Typing());

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.Records.OfType<InformationRecordMessage>().Select(r => r.MessageData.ToDisplayString()), Is.EqualTo(new[] { expected }));
    }

    [Test]
    public async Task ChoiceDescriptions_are_made_as_PromptForChoice_s_scripts_make_them()
    {
        var (host, _) = await RunAsync("$c = [System.Management.Automation.Host.ChoiceDescription[]]('&Yes', '&No'); $c.Count; $c[1].Label; $c[0].GetType().FullName; " +
            "([Management.Automation.Host.ChoiceDescription]::new('&A', 'h')).HelpMessage; (New-Object System.Management.Automation.Host.ChoiceDescription '&B').Label; " +
            "(New-Object System.Management.Automation.Host.ChoiceDescription '&C', 'help').HelpMessage", ui: null);
        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "2", "&No", "System.Management.Automation.Host.ChoiceDescription", "h", "&B", "help" }));
    }

    private const string RemoveThing = "function Remove-Thing { [CmdletBinding(SupportsShouldProcess)] param([string[]]$Name) foreach ($n in $Name) { if ($PSCmdlet.ShouldProcess($n)) { \"removed $n\" } } }; ";

    // A host whose user answers each PromptForChoice with the next index.
    private static Func<PipelineHostCall, PipelineHostResponse> Choosing(params int[] answers)
    {
        var next = 0;
        return call => new PipelineHostResponse(call.CallId, call.MethodId, call.MethodId == RemoteHostMethodId.PromptForChoice ? PsPrimitive.Int32(answers[next++]) : null);
    }

    [Test]
    public async Task Confirm_asks_the_client_s_PromptForChoice_with_5_1_s_confirmation_and_its_four_choices()
    {
        var (host, _) = await RunAsync(RemoveThing + "Remove-Thing a -Confirm; Remove-Thing b; Remove-Thing c -Confirm", Choosing(0, 2));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "removed a", "removed b" }));
        var call = host.HostCalls[0];
        Assert.That((host.HostCalls.Count, call.MethodId, call.Parameters[0].AsString(), call.Parameters[1].AsString(), call.Parameters[3].AsPrimitive()?.Value),
            Is.EqualTo((2, RemoteHostMethodId.PromptForChoice, "Confirm", "Are you sure you want to perform this action?\r\nPerforming the operation \"Remove-Thing\" on target \"a\".", (object)0)));
        Assert.That(RemoteHostCalls.Items(call.Parameters[2]).Select(RemoteHostCalls.ReadChoiceDescription), Is.EqualTo(new[]
        {
            ("&Yes", "Continue with only the next step of the operation."), ("Yes to &All", "Continue with all the steps of the operation."),
            ("&No", "Skip this operation and proceed with the next operation."), ("No to A&ll", "Skip this operation and all subsequent operations."),
        }));
    }

    [TestCase(1, "removed a|removed b|removed c", 1)]
    [TestCase(3, "", 1)]
    [TestCase(0, "removed a|removed b|removed c", 3)]
    public async Task Yes_to_All_and_No_to_All_answer_the_rest_of_the_invocation(int answer, string outputs, int prompts)
    {
        var (host, _) = await RunAsync(RemoveThing + "Remove-Thing a, b, c -Confirm", Choosing(answer, answer, answer));
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(outputs));
        Assert.That(host.HostCalls.Count, Is.EqualTo(prompts));
    }

    [Test]
    public async Task ConfirmImpact_High_asks_without_Confirm_and_Confirm_false_or_ConfirmPreference_None_does_not()
    {
        const string Stop = "function Stop-Db { [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')] param() if ($PSCmdlet.ShouldProcess('db01', 'Stop')) { 'stopped' } }; ";
        var (host, _) = await RunAsync(Stop + "Stop-Db; Stop-Db -Confirm:$false; $ConfirmPreference = 'None'; Stop-Db", Choosing(2));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "stopped", "stopped" }));
        Assert.That(host.HostCalls.Single().Parameters[1].AsString(), Does.EndWith("Performing the operation \"Stop\" on target \"db01\"."));
    }

    [Test]
    public async Task ShouldContinue_always_asks_Yes_or_No()
    {
        const string Script = "function Reset-It { [CmdletBinding()] param() if ($PSCmdlet.ShouldContinue('Reset everything?', 'Reset')) { 'reset' } else { 'kept' } }; Reset-It; Reset-It";
        var (host, _) = await RunAsync(Script, Choosing(0, 1));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "reset", "kept" }));
        Assert.That(host.HostCalls.Select(c => (c.Parameters[0].AsString(), c.Parameters[1].AsString(), RemoteHostCalls.Items(c.Parameters[2]).Count)),
            Is.All.EqualTo(("Reset", "Reset everything?", 2)));
    }

    [Test]
    public async Task A_confirmation_without_a_host_UI_or_answered_with_no_choice_fails_the_call()
    {
        var (noUI, _) = await RunAsync(RemoveThing + "try { Remove-Thing a -Confirm } catch { $_.FullyQualifiedErrorId; \"$_\" }", ui: null);
        Assert.That(noUI.OutputTexts[0], Is.EqualTo("HostException"));
        Assert.That(noUI.OutputTexts[1], Does.StartWith("Exception calling \"ShouldProcess\" with \"1\" argument(s): \"A command that prompts the user failed").And.Contain("Are you sure"));
        var (outOfRange, _) = await RunAsync(RemoveThing + "try { Remove-Thing a -Confirm } catch { $_.FullyQualifiedErrorId }", Choosing(7));
        Assert.That(outOfRange.OutputTexts, Is.EqualTo(new[] { "ArgumentOutOfRangeException" }));
    }

    [Test]
    public async Task A_missing_mandatory_parameter_is_asked_of_the_client_s_host_as_PowerShell_s_binder_asks()
    {
        const string Script = "function Get-Thing { param([Parameter(Mandatory, HelpMessage = 'The thing')][string]$Name, [Parameter(Mandatory)][int]$Count, " +
            "[Parameter(Mandatory)]$Path, [Parameter(Mandatory)][switch]$PassThru) \"$Name x$($Count + 1) at $Path\" }; Get-Thing -PassThru";
        var (host, outcome) = await RunAsync(Script, call => new PipelineHostResponse(call.CallId, call.MethodId, RemoteHostCalls.PromptResult(
            RemoteHostCalls.Items(call.Parameters[2]).Select(f => RemoteHostCalls.ReadFieldDescription(f).Name).Select(name =>
                new KeyValuePair<string, PsValue>(name, PsPrimitive.String(name switch { "Name" => "box", "Count" => "3", _ => "C:\\" }))))));

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "box x4 at C:\\" }));
        var call = host.HostCalls.Single();
        Assert.That((call.MethodId, call.Parameters[0].AsString(), call.Parameters[1].AsString()),
            Is.EqualTo((RemoteHostMethodId.Prompt, "cmdlet Get-Thing at command pipeline position 1", "Supply values for the following parameters:")));
        Assert.That(RemoteHostCalls.Items(call.Parameters[2]).Select(RemoteHostCalls.ReadFieldDescription), Is.EqualTo(new[]
        {
            ("Name", "&Name", "The thing", "System.String"), ("Count", "&Count", "", "System.Int32"), ("Path", "&Path", "", "System.Object"),
        }));
    }

    [Test]
    public async Task A_missing_parameter_answered_with_nothing_keeps_the_binding_error()
    {
        const string Script = "function f { param([Parameter(Mandatory)]$Path, [Parameter(Mandatory)]$PassThru) 'ran' }; f";
        var (host, _) = await RunAsync(Script, call => new PipelineHostResponse(call.CallId, call.MethodId, RemoteHostCalls.PromptResult([])));
        Assert.That(host.OutputTexts, Is.Empty);
        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("MissingMandatoryParameter,f"));
        Assert.That(RemoteHostCalls.Items(host.HostCalls.Single().Parameters[2]).Select(f => RemoteHostCalls.ReadFieldDescription(f).Label), Is.EqualTo(new[] { "&Path", "Pass&Thru" }));
    }

    [TestCase(0, "after")]
    [TestCase(1, "after")]
    [TestCase(2, "")]
    public async Task Debug_asks_after_each_Write_Debug_and_Halt_Command_stops_the_script(int answer, string outputs)
    {
        var (host, outcome) = await RunAsync("function f { [CmdletBinding()] param() Write-Debug 'step 1'; 'after' }; f -Debug", Choosing(answer));
        Assert.That(host.Records.OfType<DebugRecordMessage>().Select(d => d.Message), Is.EqualTo(new[] { "step 1" }));
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(outputs));
        var call = host.HostCalls.Single();
        Assert.That((call.Parameters[0].AsString(), call.Parameters[1].AsString()), Is.EqualTo(("Confirm", "Continue with this operation?")));
        Assert.That(RemoteHostCalls.Items(call.Parameters[2]).Select(c => RemoteHostCalls.ReadChoiceDescription(c).Label), Is.EqualTo(new[] { "&Yes", "Yes to &All", "&Halt Command" }));
        if (answer == 2) Assert.That((outcome.State, outcome.OutcomeError().FullyQualifiedErrorId), Is.EqualTo((PSInvocationState.Failed, "ActionPreferenceStop")));
    }

    [Test]
    public async Task Debug_without_a_host_UI_writes_the_record_and_goes_on()
    {
        var (host, _) = await RunAsync("function f { [CmdletBinding()] param() Write-Debug 'step 1'; 'after' }; f -Debug; Write-Debug 'top' -Debug", ui: null);
        Assert.That(host.Records.OfType<DebugRecordMessage>().Select(d => d.Message), Is.EqualTo(new[] { "step 1", "top" }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
    }

    [Test]
    public async Task A_cmdlet_the_emulator_runs_asks_for_its_missing_mandatory_parameter_too()
    {
        var (host, _) = await RunAsync("Write-Warning; New-Object", Typing("disk almost full", "System.Collections.ArrayList"));
        Assert.That(host.Records.OfType<WarningRecordMessage>().Select(w => w.Message), Is.EqualTo(new[] { "disk almost full" }));
        Assert.That(host.Outputs.Count, Is.EqualTo(1));
        Assert.That(host.HostCalls.Select(c => (c.Parameters[0].AsString(), RemoteHostCalls.ReadFieldDescription(RemoteHostCalls.Items(c.Parameters[2]).Single()))), Is.EqualTo(new[]
        {
            ("cmdlet Write-Warning at command pipeline position 1", ("Message", "&Message", "", "System.String")),
            ("cmdlet New-Object at command pipeline position 1", ("TypeName", "&TypeName", "", "System.String")),
        }));

        var (none, _) = await RunAsync("Write-Warning", call => new PipelineHostResponse(call.CallId, call.MethodId, RemoteHostCalls.PromptResult([])));
        Assert.That(none.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("MissingMandatoryParameter,Microsoft.PowerShell.Commands.WriteWarningCommand"));
    }

    /// <summary>
    /// Start-Sleep with no argument lacks its default parameter set's Seconds (DefaultParameterSetName = "Seconds"):
    /// asked of the host, the typed seconds are slept on the session's clock; nothing typed is MissingMandatoryParameter
    /// (it was AmbiguousParameterSet).
    /// </summary>
    [Test]
    public async Task Start_sleep_without_an_argument_asks_for_its_seconds()
    {
        var (host, _) = await RunAsync("Start-Sleep; 'awake'", Typing("0"));
        Assert.That(host.HostCalls.Select(c => (c.Parameters[0].AsString(), RemoteHostCalls.ReadFieldDescription(RemoteHostCalls.Items(c.Parameters[2]).Single()))), Is.EqualTo(new[]
        {
            ("cmdlet Start-Sleep at command pipeline position 1", ("Seconds", "&Seconds", "", "System.Int32")),
        }));
        Assert.That((host.Errors.Count, host.OutputTexts.Single()), Is.EqualTo((0, "awake")));

        var (none, _) = await RunAsync("Start-Sleep; 'next'", call => new PipelineHostResponse(call.CallId, call.MethodId, RemoteHostCalls.PromptResult([])));
        Assert.That(none.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[]
        {
            ("Cannot process command because of one or more missing mandatory parameters: Seconds.", "MissingMandatoryParameter,Microsoft.PowerShell.Commands.StartSleepCommand"),
        }));
        Assert.That(none.OutputTexts, Is.EqualTo(new[] { "next" }));

        var (headless, _) = await RunAsync("Start-Sleep", ui: null);
        Assert.That(headless.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("MissingMandatoryParameter,Microsoft.PowerShell.Commands.StartSleepCommand"));
    }

    /// <summary>
    /// Once a session has script members, a member chain is looked at for objects with them before it is read; RawUI
    /// properties the host did not send are still the getters' errors, each reported once, and the script goes on.
    /// </summary>
    [Test]
    public async Task RawUI_properties_read_the_same_after_the_session_added_script_members()
    {
        const string Reads = "$Host.UI.RawUI.WindowTitle; $Host.UI.RawUI.BufferSize.Width; $Host.UI.RawUI.ForegroundColor.value__; 'after'";
        var (plain, _) = await RunAsync(Reads, Typing());
        var (host, outcome) = await RunAsync("$o = [pscustomobject]@{a=1}; $o | Add-Member ScriptProperty b { 1 }; " + Reads, Typing());

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.OutputTexts, Is.EqualTo(plain.OutputTexts).And.Contains("after"));
        Assert.That(host.Errors.Select(e => e.Message).ToList(), Is.EqualTo(plain.Errors.Select(e => e.Message).ToList()).And.Count.EqualTo(3));
    }
}
