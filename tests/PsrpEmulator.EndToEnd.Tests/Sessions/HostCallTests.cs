using PsrpEmulator.Client.Remoting;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.EndToEnd.Tests.Sessions;

/// <summary>Read-Host on the endpoint runs on the client's host: PIPELINE_HOST_CALL out, PIPELINE_HOST_RESPONSE back on pr.</summary>
public class HostCallTests : SessionTestBase
{
    private const string Greeting = "$name = Read-Host 'Your name'; \"Hello $name\"";

    // A host whose user types the given lines, recording the calls it answered.
    private sealed class TypingHost(params string[] lines)
    {
        private int _next;

        public List<PipelineHostCall> Calls { get; } = [];

        public Task<PipelineHostResponse> AnswerAsync(PipelineHostCall call, RemoteHostCallContext context, CancellationToken cancellationToken)
        {
            lock (Calls) Calls.Add(call);
            PsValue answer = call.MethodId switch
            {
                RemoteHostMethodId.Prompt => RemoteHostCalls.PromptResult([new(RemoteHostCalls.ReadFieldDescription(RemoteHostCalls.Items(call.Parameters[2])[0]).Name, PsPrimitive.String(lines[_next++]))]),
                RemoteHostMethodId.ReadLineAsSecureString => context.SecureString(lines[_next++]),
                RemoteHostMethodId.PromptForCredential1 => context.Credential(call.Parameters[2].AsString() ?? "nobody", lines[_next++]),
                _ => PsPrimitive.String(lines[_next++]),
            };
            return Task.FromResult(new PipelineHostResponse(call.CallId, call.MethodId, answer));
        }
    }

    private PSRemotingClient NewClient(TypingHost? host) => new(new PSRemotingClientOptions { TimeProvider = Clock!, HostCalls = host is null ? null : host.AnswerAsync });

    [Test]
    public async Task Read_Host_prompts_on_the_client_s_host_and_the_script_goes_on_with_the_answer()
    {
        var host = new TypingHost("Ada", "second line");
        var client = NewClient(host);
        var session = await NewSessionAsync(client);

        var results = await AdvanceAsync(client.InvokeAsync(session, Greeting + "; Read-Host"));

        Assert.That(results.OutputText, Is.EqualTo(new[] { "Hello Ada", "second line" }));
        Assert.That(results.Error, Is.Empty);
        Assert.That(host.Calls.Select(c => (c.CallId, c.MethodId)), Is.EqualTo(new[] { (1L, RemoteHostMethodId.Prompt), (2L, RemoteHostMethodId.ReadLine) }));
    }

    [Test]
    public async Task A_client_without_a_host_UI_is_never_called_and_Read_Host_fails_on_the_server()
    {
        var client = NewClient(host: null);
        var session = await NewSessionAsync(client);

        var results = await AdvanceAsync(client.InvokeAsync(session, Greeting));

        Assert.That(results.OutputText, Is.EqualTo(new[] { "Hello " }));
        var error = results.Error.Single();
        Assert.That((error.FullyQualifiedErrorId, error.Category, error.ExceptionType),
            Is.EqualTo(("HostFunctionNotImplemented,Microsoft.PowerShell.Commands.ReadHostCommand", ErrorCategory.NotImplemented, "System.Management.Automation.Host.HostException")));

        // $Host.UI: a prompt fails as a .NET method's exception; a write goes nowhere.
        var ui = await AdvanceAsync(client.InvokeAsync(session, "try { $Host.UI.ReadLine() } catch { $_.FullyQualifiedErrorId; $_.Exception.Message }; $Host.UI.WriteLine('x'); 'done'"));
        Assert.That(ui.OutputText, Is.EqualTo(new[] { "HostException", "Exception calling \"ReadLine\" with \"0\" argument(s): \"A command that prompts the user failed because the host program or the command type does not support user interaction. Try a host program that supports user interaction, such as the Windows PowerShell Console or Windows PowerShell ISE, and remove prompt-related commands from command types that do not support user interaction, such as Windows PowerShell workflows.\"", "done" }));
    }

    [Test]
    public async Task A_prompt_made_while_disconnected_waits_and_a_second_client_answers_it_when_it_receives()
    {
        var first = NewClient(new TypingHost());
        var session = await first.InvokeInDisconnectedSessionAsync(Target, Credential, "'before'; " + Greeting, "Asking", sessionOption: Option);

        // Half an hour later the command still waits for its answer: the shell is there, busy, with its output held.
        Clock!.Advance(TimeSpan.FromMinutes(30));
        var found = (await NewClient(null).GetRemoteSessionsAsync(Target, Credential, sessionOption: Option)).Single();
        Assert.That((found.State, found.Availability), Is.EqualTo((RunspaceState.Disconnected, Client.Remoting.RunspaceAvailability.None)));

        var answering = new TypingHost("Grace");
        var second = NewClient(answering);
        var received = await AdvanceAsync(second.ReceiveAsync(Target, Credential, name: "Asking", sessionOption: Option));

        Assert.That(received!.Results!.OutputText, Is.EqualTo(new[] { "before", "Hello Grace" }));
        Assert.That(answering.Calls.Single().MethodId, Is.EqualTo(RemoteHostMethodId.Prompt));
    }

    [Test]
    public async Task The_error_the_client_s_host_throws_goes_back_and_fails_Read_Host_with_its_message()
    {
        var client = new PSRemotingClient(new PSRemotingClientOptions
        {
            TimeProvider = Clock!,
            HostCalls = (_, _, _) => throw new InvalidOperationException("PowerShell is in NonInteractive mode. Read and Prompt functionality is not available."),
        });
        var session = await NewSessionAsync(client);

        var results = await AdvanceAsync(client.InvokeAsync(session, "try { Read-Host 'x' } catch { \"caught: $($_.Exception.Message)\" }; 'after'"));

        Assert.That(results.OutputText, Is.EqualTo(new[] { "caught: PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.", "after" }));
    }

    [Test]
    public async Task Stopping_a_command_that_waits_for_its_prompt_ends_it_stopped()
    {
        var client = NewClient(new TypingHost());
        var session = await NewSessionAsync(client);
        var pipeline = await client.StartAsync(session, "Read-Host 'never answered'");
        var events = pipeline.ReadAllAsync().GetAsyncEnumerator();

        Assert.That(await AdvanceAsync(events.MoveNextAsync().AsTask()), Is.True);
        Assert.That(events.Current, Is.TypeOf<Client.Psrp.HostCallEvent>());
        await pipeline.StopAsync();
        Assert.That(await AdvanceAsync(events.MoveNextAsync().AsTask()), Is.True);
        Assert.That(events.Current, Is.TypeOf<Client.Psrp.StateEvent>().With.Property("State").EqualTo(PSInvocationState.Stopped));
        await events.DisposeAsync();
    }

    [Test]
    public async Task A_SecureString_answer_is_encrypted_with_the_session_key_the_client_exchanges_first()
    {
        var client = NewClient(new TypingHost("s3cret", "P@ssw0rd-01"));
        var session = await NewSessionAsync(client);

        var results = await AdvanceAsync(client.InvokeAsync(session, "Read-Host -AsSecureString; Get-Credential 'Domain01\\Admin01'"));

        Assert.That(results.Error, Is.Empty);
        var key = await session.Pool!.GetSessionKeyAsync();
        var line = results.Output[0] as PsObject;
        Assert.That(SessionKeys.DecryptSecureString(key, (string)(line?.BaseValue ?? (PsPrimitive)results.Output[0]).Value), Is.EqualTo("s3cret"));
        var credential = (PsObject)results.Output[1];
        Assert.That(credential["UserName"].AsString(), Is.EqualTo("Domain01\\Admin01"));
        Assert.That(SessionKeys.DecryptSecureString(key, credential["Password"].AsString()!), Is.EqualTo("P@ssw0rd-01"));
        // One exchange for the session: PUBLIC_KEY in a pool-level Send, ENCRYPTED_SESSION_KEY in a pool-level Receive.
        var journal = Emulator.Journal.Snapshot();
        Assert.That(journal.Count(e => e.RequestMessages.Contains(PsrpMessageType.PublicKey)), Is.EqualTo(1));
        Assert.That(journal.Count(e => e.ResponseMessages.Contains(PsrpMessageType.EncryptedSessionKey)), Is.EqualTo(1));
    }

    [Test]
    public async Task A_public_key_that_is_none_is_refused_with_a_fault()
    {
        var client = NewClient(null);
        var session = await NewSessionAsync(client);
        var pool = session.Pool!;
        var message = PsrpMessage.Create(PsrpDestination.Server, pool.Id, Guid.Empty, new PublicKey(Convert.ToBase64String(new byte[] { 6, 2, 0, 0 })));
        var fragment = FragmentCodec.Split(1000, message.ToArray(), 32000)[0];
        var e = await Assert.ThrowsAsync<Client.Transport.WsManFaultException>(() => pool.Transport.SendAsync(pool.ShellHeader(Protocol.WsMan.WsManActions.Send),
            new Protocol.WsMan.SendBody([new Protocol.WsMan.ShellStream("stdin", null, fragment)])));
        Assert.That(e!.Message, Does.Contain("PUBLIC_KEY"));
    }

    [Test]
    public async Task Host_UI_methods_run_on_the_client_s_host_PromptForChoice_with_the_script_s_choices()
    {
        var calls = new List<PipelineHostCall>();
        var client = new PSRemotingClient(new PSRemotingClientOptions
        {
            TimeProvider = Clock!,
            HostCalls = (call, _, _) =>
            {
                lock (calls) calls.Add(call);
                PsValue? answer = call.MethodId switch
                {
                    RemoteHostMethodId.PromptForChoice => PsPrimitive.Int32(2),
                    RemoteHostMethodId.ReadLine => PsPrimitive.String("typed"),
                    _ => null,
                };
                return Task.FromResult(new PipelineHostResponse(call.CallId, call.MethodId, answer));
            },
        });
        var session = await NewSessionAsync(client);

        var results = await AdvanceAsync(client.InvokeAsync(session,
            "$choices = [System.Management.Automation.Host.ChoiceDescription[]]('&Yes', '&No'); " +
            "$maybe = New-Object System.Management.Automation.Host.ChoiceDescription '&Maybe', 'Not sure'; " +
            "$i = $Host.UI.PromptForChoice('Reboot', 'Reboot now?', ($choices + $maybe), 1); \"chose $i\"; " +
            "$Host.UI.WriteLine('a line'); $Host.UI.WriteLine('Red', 'Black', 'red line'); \"read $($Host.UI.ReadLine())\""));

        Assert.That(results.Error, Is.Empty);
        Assert.That(results.OutputText, Is.EqualTo(new[] { "chose 2", "read typed" }));
        Assert.That(calls.Select(c => (c.CallId, c.MethodId)), Is.EqualTo(new[]
        {
            (1L, RemoteHostMethodId.PromptForChoice), (RemoteHostCalls.VoidCallId, RemoteHostMethodId.WriteLine2),
            (RemoteHostCalls.VoidCallId, RemoteHostMethodId.WriteLine3), (2L, RemoteHostMethodId.ReadLine),
        }));
        var choice = calls[0].Parameters;
        Assert.That((choice[0].AsString(), choice[1].AsString(), choice[3].AsPrimitive()?.Value), Is.EqualTo(("Reboot", "Reboot now?", (object)1)));
        Assert.That(RemoteHostCalls.Items(choice[2]).Select(RemoteHostCalls.ReadChoiceDescription), Is.EqualTo(new[] { ("&Yes", ""), ("&No", ""), ("&Maybe", "Not sure") }));
        Assert.That(calls[1].Parameters.Single().AsString(), Is.EqualTo("a line"));
        Assert.That(calls[2].Parameters.Select(p => p.AsPrimitive()?.Value), Is.EqualTo(new object?[] { 12, 0, "red line" }));
    }

    [Test]
    public async Task A_job_is_Blocked_while_its_prompt_waits_for_the_host_and_runs_on_once_answered()
    {
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = new TaskCompletionSource<PipelineHostResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var client = new PSRemotingClient(new PSRemotingClientOptions
        {
            TimeProvider = Clock!,
            HostCalls = (call, _, _) =>
            {
                asked.TrySetResult();
                return answer.Task.ContinueWith(t => t.Result with { CallId = call.CallId, MethodId = call.MethodId }, TaskScheduler.Default);
            },
        });
        var session = await NewSessionAsync(client);
        var job = await client.InvokeAsJobAsync(session, "'first'; Read-Host; 'last'");

        await AdvanceAsync(asked.Task);
        Assert.That(job.State, Is.EqualTo(Protocol.Psrp.JobState.Blocked));
        answer.SetResult(new PipelineHostResponse(0, RemoteHostMethodId.ReadLine, PsPrimitive.String("typed")));
        await AdvanceAsync(job.WaitAsync(force: false, CancellationToken.None));

        Assert.That(job.State, Is.EqualTo(Protocol.Psrp.JobState.Completed));
        Assert.That(job.ReceiveJob().OutputText, Is.EqualTo(new[] { "first", "typed", "last" }));
    }

    [Test]
    public async Task Queued_job_host_calls_wait_in_the_results_in_order_and_a_prompt_blocks_the_job_until_answered()
    {
        var client = new PSRemotingClient(new PSRemotingClientOptions
        {
            TimeProvider = Clock!,
            HostCalls = (call, _, _) => throw new AssertionException($"{call.MethodId} ran as it came instead of waiting in the job's results"),
            QueueJobHostCalls = true,
        });
        var session = await NewSessionAsync(client);
        var job = await client.InvokeAsJobAsync(session, "'first'; $Host.UI.WriteLine('shown'); Read-Host; 'last'");

        await AdvanceAsync(WaitForAsync(() => job.State == Protocol.Psrp.JobState.Blocked));
        var waiting = job.ReceiveJob();
        Assert.That(waiting.InOrder(), Is.EqualTo(new[] { (PSDataStream.Output, 0), (PSDataStream.HostCall, 0), (PSDataStream.HostCall, 1) }));
        Assert.That(waiting.HostCalls.Select(c => (c.Call.MethodId, c.ExpectsResponse)),
            Is.EqualTo(new[] { (RemoteHostMethodId.WriteLine2, false), (RemoteHostMethodId.ReadLine, true) }));
        Assert.That(waiting.HostCalls[0].Answer(new PipelineHostResponse(-100, RemoteHostMethodId.WriteLine2)), Is.False, "a void call takes no answer");

        Assert.That(waiting.HostCalls[1].Answer(new PipelineHostResponse(0, RemoteHostMethodId.ReadLine, PsPrimitive.String("typed"))), Is.True);
        Assert.That(waiting.HostCalls[1].Answer(new PipelineHostResponse(0, RemoteHostMethodId.ReadLine, PsPrimitive.String("again"))), Is.False, "only the first answer counts");
        await AdvanceAsync(job.WaitAsync(force: false, CancellationToken.None));

        Assert.That(job.State, Is.EqualTo(Protocol.Psrp.JobState.Completed));
        Assert.That(job.ReceiveJob().OutputText, Is.EqualTo(new[] { "typed", "last" }));
    }

    [Test]
    public async Task Stopping_a_job_whose_queued_prompt_is_unanswered_stops_it_and_the_prompt_takes_no_answer()
    {
        var client = new PSRemotingClient(new PSRemotingClientOptions
        {
            TimeProvider = Clock!,
            HostCalls = (call, _, _) => throw new AssertionException($"{call.MethodId} ran as it came"),
            QueueJobHostCalls = true,
        });
        var session = await NewSessionAsync(client);
        var job = await client.InvokeAsJobAsync(session, "Read-Host; 'never'");
        await AdvanceAsync(WaitForAsync(() => job.State == Protocol.Psrp.JobState.Blocked));

        await AdvanceAsync(job.StopAsync());

        Assert.That(job.State, Is.EqualTo(Protocol.Psrp.JobState.Stopped));
        var results = job.ReceiveJob();
        Assert.That(results.OutputText, Is.Empty);
        Assert.That(results.HostCalls.Single().Answer(new PipelineHostResponse(0, RemoteHostMethodId.ReadLine, PsPrimitive.String("late"))), Is.False);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        while (!condition()) await Task.Delay(5);
    }

    [Test]
    public async Task RawUI_ReadKey_waits_for_a_key_of_the_client_s_host_and_FlushInputBuffer_is_a_void_call()
    {
        var calls = new List<PipelineHostCall>();
        var client = new PSRemotingClient(new PSRemotingClientOptions
        {
            TimeProvider = Clock!,
            HostCalls = (call, _, _) =>
            {
                lock (calls) calls.Add(call);
                return Task.FromResult(new PipelineHostResponse(call.CallId, call.MethodId, call.MethodId == RemoteHostMethodId.ReadKey ? RemoteHostCalls.KeyInfo(65, 'a', 0, true) : null));
            },
        });
        var session = await NewSessionAsync(client);

        var results = await AdvanceAsync(client.InvokeAsync(session,
            "'Press any key'; $k = $Host.UI.RawUI.ReadKey('NoEcho,IncludeKeyDown'); $k.Character; $k.VirtualKeyCode; $k.KeyDown; $Host.UI.RawUI.FlushInputBuffer(); 'after'"));

        Assert.That(results.Error, Is.Empty);
        Assert.That(results.OutputText, Is.EqualTo(new[] { "Press any key", "a", "65", "True", "after" }));
        Assert.That(calls.Select(c => (c.MethodId, c.Parameters.Select(p => p.AsPrimitive()?.Value).FirstOrDefault())),
            Is.EqualTo(new (RemoteHostMethodId, object?)[] { (RemoteHostMethodId.ReadKey, 6), (RemoteHostMethodId.FlushInputBuffer, null) }));

        var noHost = NewClient(null);
        var refused = await AdvanceAsync(noHost.InvokeAsync(await NewSessionAsync(noHost), "try { $Host.UI.RawUI.ReadKey() } catch { $_.FullyQualifiedErrorId }"));
        Assert.That(refused.OutputText, Is.EqualTo(new[] { "HostException" }));
    }
}
