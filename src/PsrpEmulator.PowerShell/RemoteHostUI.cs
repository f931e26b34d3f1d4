using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using ErrorCategory = PsrpEmulator.Protocol.Psrp.ErrorCategory;

namespace PsrpEmulator.PowerShell;

/// <summary>
/// Runs a remote command's host calls on the local PowerShell host, as PowerShell's ClientMethodExecutor does: the
/// prompts on <see cref="PSHostUserInterface"/>, their answers and the host's exceptions sent back.
/// </summary>
internal static class RemoteHostUI
{
    /// <summary>Runs <paramref name="call"/> on <paramref name="host"/>: the answer, or the error the host threw as the answer's <c>me</c>.</summary>
    public static PipelineHostResponse Run(PSHost? host, PipelineHostCall call, Client.Remoting.RemoteHostCallContext context)
    {
        if (host?.UI is not { } ui) return NoHost(call);
        try
        {
            return new PipelineHostResponse(call.CallId, call.MethodId, Invoke(ui, call, context));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // RemoteHostEncoder: the exception's own error record when it has one, else RemoteHostExecutionException.
            var record = (e as IContainsErrorRecord)?.ErrorRecord;
            return new PipelineHostResponse(call.CallId, call.MethodId, null, ErrorRecords.Create(e.Message,
                record?.FullyQualifiedErrorId is { Length: > 0 } id ? id : "RemoteHostExecutionException",
                record is null ? ErrorCategory.NotSpecified : (ErrorCategory)(int)record.CategoryInfo.Category, e.GetType().FullName ?? "System.Exception"));
        }
    }

    /// <summary>The answer of a client with no host to run the call (emulator's wording).</summary>
    public static PipelineHostResponse NoHost(PipelineHostCall call) => new(call.CallId, call.MethodId, null, ErrorRecords.Create(
        $"The remote host method {call.MethodId} cannot run: no command of this PowerShell is receiving the remote command's results.", "RemoteHostNullClientHost",
        ErrorCategory.NotImplemented, "System.Management.Automation.Remoting.PSRemotingDataStructureException"));

    private static string Plain(System.Security.SecureString secure) => new System.Net.NetworkCredential(string.Empty, secure).Password;

    private static PsValue? Invoke(PSHostUserInterface ui, PipelineHostCall call, Client.Remoting.RemoteHostCallContext context)
    {
        var p = call.Parameters;
        string Text(int i) => i < p.Count ? p[i].AsString() ?? string.Empty : string.Empty;
        // A ConsoleColor as RemoteHostEncoder sends it: its number (-1, no colour, from a console that has none).
        ConsoleColor Color(int i) => (ConsoleColor)(i < p.Count && p[i].AsPrimitive()?.Value is int n ? n : -1);
        // A Size's or Coordinates' field, as RemoteHostEncoder writes the struct: an object of its fields.
        int Field(int i, string name) => i < p.Count && p[i] is PsObject o && o[name]?.AsPrimitive()?.Value is int n ? n : 0;
        switch (call.MethodId)
        {
            case RemoteHostMethodId.ReadLine:
                return ui.ReadLine() is { } line ? PsPrimitive.String(line) : null;
            case RemoteHostMethodId.ReadLineAsSecureString:
                return ui.ReadLineAsSecureString() is { } secureLine ? context.SecureString(Plain(secureLine)) : null;
            case RemoteHostMethodId.PromptForCredential1 or RemoteHostMethodId.PromptForCredential2:
                string? Optional(int i) => i < p.Count ? p[i].AsString() : null;
                var credential = call.MethodId == RemoteHostMethodId.PromptForCredential1 || p.Count < 6
                    ? ui.PromptForCredential(Text(0), Text(1), Optional(2), Optional(3))
                    : ui.PromptForCredential(Text(0), Text(1), Optional(2), Optional(3),
                        (PSCredentialTypes)(p[4].AsPrimitive()?.Value as int? ?? (int)PSCredentialTypes.Default),
                        (PSCredentialUIOptions)(p[5].AsPrimitive()?.Value as int? ?? (int)PSCredentialUIOptions.Default));
                return credential is null ? null : context.Credential(credential.UserName, Plain(credential.Password));
            case RemoteHostMethodId.Prompt:
                var fields = new Collection<FieldDescription>();
                foreach (var item in RemoteHostCalls.Items(p.Count > 2 ? p[2] : null))
                {
                    var (name, label, help, type) = RemoteHostCalls.ReadFieldDescription(item);
                    var field = new FieldDescription(name) { Label = label, HelpMessage = help };
                    // Text, or a SecureString (sent encrypted with the session key); other types are asked for as text.
                    field.SetParameterType(type == "System.Security.SecureString" ? typeof(System.Security.SecureString) : typeof(string));
                    fields.Add(field);
                }

                var answers = ui.Prompt(Text(0), Text(1), fields);
                return answers is null ? null : RemoteHostCalls.PromptResult(answers.Select(a => new KeyValuePair<string, PsValue>(a.Key, a.Value?.BaseObject switch
                {
                    null => PsNil.Instance,
                    System.Security.SecureString secure => context.SecureString(Plain(secure)),
                    var value => PsPrimitive.String(value.ToString() ?? string.Empty),
                })));
            case RemoteHostMethodId.PromptForChoice:
                var choices = new Collection<ChoiceDescription>();
                foreach (var item in RemoteHostCalls.Items(p.Count > 2 ? p[2] : null))
                {
                    var (label, help) = RemoteHostCalls.ReadChoiceDescription(item);
                    choices.Add(new ChoiceDescription(label, help));
                }

                var defaultChoice = p.Count > 3 && p[3].AsPrimitive()?.Value is int d ? d : -1;
                return PsPrimitive.Int32(ui.PromptForChoice(Text(0), Text(1), choices, defaultChoice));
            case RemoteHostMethodId.ReadKey:
                var key = ui.RawUI.ReadKey((ReadKeyOptions)(p.Count > 0 && p[0].AsPrimitive()?.Value is int options ? options : (int)ReadKeyOptions.IncludeKeyDown));
                return RemoteHostCalls.KeyInfo(key.VirtualKeyCode, key.Character, (int)key.ControlKeyState, key.KeyDown);
            case RemoteHostMethodId.FlushInputBuffer:
                ui.RawUI.FlushInputBuffer();
                return null;
            case RemoteHostMethodId.WriteLine1:
                ui.WriteLine();
                return null;
            case RemoteHostMethodId.WriteLine2:
                ui.WriteLine(Text(0));
                return null;
            case RemoteHostMethodId.WriteLine3:
                ui.WriteLine(Color(0), Color(1), Text(2));
                return null;
            case RemoteHostMethodId.Write1:
                ui.Write(Text(0));
                return null;
            case RemoteHostMethodId.Write2:
                ui.Write(Color(0), Color(1), Text(2));
                return null;
            case RemoteHostMethodId.WriteVerboseLine:
                ui.WriteVerboseLine(Text(0));
                return null;
            case RemoteHostMethodId.WriteDebugLine:
                ui.WriteDebugLine(Text(0));
                return null;
            case RemoteHostMethodId.WriteProgress:
                var sent = ProgressRecordMessage.FromPsValue(p.Count > 1 ? p[1] : PsNil.Instance);
                var progress = RemoteData.ToProgressRecord(sent);
                progress.RecordType = sent.RecordType == PsrpEmulator.Protocol.Psrp.ProgressRecordType.Completed
                    ? System.Management.Automation.ProgressRecordType.Completed : System.Management.Automation.ProgressRecordType.Processing;
                ui.WriteProgress(p.Count > 0 && p[0].AsPrimitive()?.Value is long sourceId ? sourceId : 0, progress);
                return null;
            case RemoteHostMethodId.WriteErrorLine:
                ui.WriteErrorLine(Text(0));
                return null;
            case RemoteHostMethodId.WriteWarningLine:
                ui.WriteWarningLine(Text(0));
                return null;
            // The remote $Host.UI.RawUI's setters: this host's raw UI takes the value, as ClientMethodExecutor runs them
            // on the client's host (a remote script's WindowTitle is this console's).
            case RemoteHostMethodId.SetForegroundColor:
                ui.RawUI.ForegroundColor = Color(0);
                return null;
            case RemoteHostMethodId.SetBackgroundColor:
                ui.RawUI.BackgroundColor = Color(0);
                return null;
            case RemoteHostMethodId.SetCursorPosition:
                ui.RawUI.CursorPosition = new Coordinates(Field(0, "x"), Field(0, "y"));
                return null;
            case RemoteHostMethodId.SetWindowPosition:
                ui.RawUI.WindowPosition = new Coordinates(Field(0, "x"), Field(0, "y"));
                return null;
            case RemoteHostMethodId.SetCursorSize:
                ui.RawUI.CursorSize = p.Count > 0 && p[0].AsPrimitive()?.Value is int cursorSize ? cursorSize : 0;
                return null;
            case RemoteHostMethodId.SetBufferSize:
                ui.RawUI.BufferSize = new Size(Field(0, "width"), Field(0, "height"));
                return null;
            case RemoteHostMethodId.SetWindowSize:
                ui.RawUI.WindowSize = new Size(Field(0, "width"), Field(0, "height"));
                return null;
            case RemoteHostMethodId.SetWindowTitle:
                ui.RawUI.WindowTitle = Text(0);
                return null;
            default:
                throw new NotSupportedException($"The remote host method {call.MethodId} is not supported by this client.");
        }
    }
}
