using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Remoting;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Cli;

/// <summary>
/// `invoke`'s host: a remote command's prompts (Read-Host, -Confirm, Get-Credential, missing parameters) asked on the
/// console as PowerShell's console host asks them, each answer a line of standard input (the end of input: an empty
/// answer, the default choice); its writes on the console. A SecureString answer goes encrypted with the session key.
/// </summary>
internal sealed class ConsoleHostCalls(TextReader input, TextWriter output, TextWriter error)
{
    /// <summary>Runs <paramref name="call"/> and sends its answer (a call that returns nothing is only run).</summary>
    public async Task AnswerAsync(PowerShellPipeline pipeline, PipelineHostCall call, CancellationToken cancellationToken)
    {
        var parameters = call.Parameters;
        string Text(int i) => i < parameters.Count ? parameters[i].AsString() ?? string.Empty : string.Empty;
        if (call.CallId == RemoteHostCalls.VoidCallId || !RemoteHostCalls.ExpectsResponse(call.MethodId))
        {
            switch (call.MethodId)
            {
                case RemoteHostMethodId.Write1 or RemoteHostMethodId.Write2: await output.WriteAsync(Text(parameters.Count - 1)); break;
                case RemoteHostMethodId.WriteErrorLine: await error.WriteLineAsync(Text(0)); break;
                case RemoteHostMethodId.WriteWarningLine: await error.WriteLineAsync("WARNING: " + Text(0)); break;
                case RemoteHostMethodId.WriteVerboseLine: await error.WriteLineAsync("VERBOSE: " + Text(0)); break;
                case RemoteHostMethodId.WriteDebugLine: await error.WriteLineAsync("DEBUG: " + Text(0)); break;
                case RemoteHostMethodId.WriteLine1 or RemoteHostMethodId.WriteLine2 or RemoteHostMethodId.WriteLine3: await output.WriteLineAsync(parameters.Count == 0 ? string.Empty : Text(parameters.Count - 1)); break;
            }

            return;
        }

        var context = new RemoteHostCallContext(RemoteHostCallContext.NeedsSessionKey(call) ? await pipeline.Pool.GetSessionKeyAsync(cancellationToken) : null);
        PipelineHostResponse response;
        try
        {
            response = new PipelineHostResponse(call.CallId, call.MethodId, await AnswerAsync(call, context));
        }
        catch (Exception e) when (e is PsrpPayloadException or NotSupportedException)
        {
            response = new PipelineHostResponse(call.CallId, call.MethodId, null,
                ErrorRecords.Create(e.Message, "RemoteHostExecutionException", ErrorCategory.NotSpecified, e.GetType().FullName ?? "System.Exception"));
        }

        await pipeline.SendHostResponseAsync(response, cancellationToken);
    }

    private async Task<PsValue?> AnswerAsync(PipelineHostCall call, RemoteHostCallContext context)
    {
        var parameters = call.Parameters;
        string Text(int i) => i < parameters.Count ? parameters[i].AsString() ?? string.Empty : string.Empty;
        switch (call.MethodId)
        {
            case RemoteHostMethodId.ReadLine:
                return await input.ReadLineAsync() is { } line ? PsPrimitive.String(line) : null;
            case RemoteHostMethodId.ReadLineAsSecureString:
                return context.SecureString(await input.ReadLineAsync() ?? string.Empty);
            case RemoteHostMethodId.Prompt:
            {
                await QuestionAsync(Text(0), Text(1));
                var answers = new List<KeyValuePair<string, PsValue>>();
                foreach (var item in RemoteHostCalls.Items(parameters.Count > 2 ? parameters[2] : null))
                {
                    var field = RemoteHostCalls.ReadFieldDescription(item);
                    await output.WriteAsync(field.Name + ": ");
                    var typed = await input.ReadLineAsync() ?? string.Empty;
                    answers.Add(new(field.Name, field.TypeFullName == "System.Security.SecureString" ? context.SecureString(typed) : PsPrimitive.String(typed)));
                }

                return RemoteHostCalls.PromptResult(answers);
            }

            case RemoteHostMethodId.PromptForChoice:
            {
                await QuestionAsync(Text(0), Text(1));
                var choices = RemoteHostCalls.Items(parameters.Count > 2 ? parameters[2] : null).Select(c => RemoteHostCalls.ReadChoiceDescription(c).Label).ToList();
                var defaultChoice = parameters.Count > 3 && parameters[3].AsPrimitive()?.Value is int d ? d : -1;
                return PsPrimitive.Int32(await ChooseAsync(choices, defaultChoice));
            }

            case RemoteHostMethodId.PromptForCredential1 or RemoteHostMethodId.PromptForCredential2:
            {
                await QuestionAsync(Text(0), Text(1));
                var userName = Text(2);
                if (userName.Length == 0)
                {
                    await output.WriteAsync("User: ");
                    userName = await input.ReadLineAsync() ?? string.Empty;
                }

                await output.WriteAsync($"Password for user {userName}: ");
                return context.Credential(userName, await input.ReadLineAsync() ?? string.Empty);
            }

            case RemoteHostMethodId.ReadKey:
            {
                // A key of a line of input: its first character, or Enter for an empty line (or the end of input).
                var typed = await input.ReadLineAsync();
                return typed is { Length: > 0 } ? RemoteHostCalls.KeyInfo(char.ToUpperInvariant(typed[0]), typed[0], 0, true) : RemoteHostCalls.KeyInfo(13, '\r', 0, true);
            }

            default:
                throw new NotSupportedException($"The remote host method {call.MethodId} is not supported by psrp-emulator invoke.");
        }
    }

    private async Task QuestionAsync(string caption, string message)
    {
        if (caption.Length > 0) await output.WriteLineAsync(caption);
        if (message.Length > 0) await output.WriteLineAsync(message);
    }

    // The console host's choices line, asked again until a line names a choice (its hot key or its label); an empty
    // line or the end of input is the default.
    private async Task<int> ChooseAsync(IReadOnlyList<string> labels, int defaultChoice)
    {
        var line = RemoteHostCalls.ChoicesLine(labels, defaultChoice);
        while (true)
        {
            await output.WriteAsync(line);
            var typed = (await input.ReadLineAsync())?.Trim();
            if (string.IsNullOrEmpty(typed)) return defaultChoice;
            if (RemoteHostCalls.ChoiceIndex(labels, typed) is { } chosen) return chosen;
        }
    }
}
