using System.Globalization;
using System.Text.RegularExpressions;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Get-PSCallStack (<c>gcs</c>): the frames the statement runs in, innermost first, as CallStackFrame objects in 5.1's
/// table (Command, Arguments, Location). The frames and their lines are those an error raised here would list in its
/// ScriptStackTrace (the host places the statement as it places records), so a function's frame is at its statement
/// calling Get-PSCallStack, the script's at its statement calling the function.
/// </summary>
internal sealed partial class RunContext
{
    private const string CallStackFrameTypeName = "System.Management.Automation.CallStackFrame";

    // One line of a ScriptStackTrace: "at Get-Thing, <No file>: line 4", "at <ScriptBlock>, C:\t\tool.ps1: line 5".
    [GeneratedRegex(@"^at (?<name>.+?), (?<file>.+?): line (?<line>\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex StackTraceLine();

    private async ValueTask GetPSCallStackAsync(IPipelineHost output)
    {
        // A record the statement would raise, placed as the host places one but never written: its stack is this one.
        var probe = Host.PlaceUnsent(errorRecords(new ScriptedError("Get-PSCallStack", "GetPSCallStack", ErrorCategory.NotSpecified, ScriptedError.RuntimeExceptionType) { Activity = "Get-PSCallStack" }));
        var trace = probe["ErrorDetails_ScriptStackTrace"] is PsPrimitive { Value: string text } && text.Length > 0 ? text : "at <ScriptBlock>, <No file>: line 1";
        var lines = trace.Split("\r\n");
        // The calls' own frames, innermost first, each a line of the trace before the script's: their arguments.
        var frames = new List<CallStackFrame>();
        for (var frame = scope.Variables.Frame; frame is not null; frame = frame.Parent) frames.Add(frame);
        var matched = lines.Length == frames.Count + 1;
        for (var i = 0; i < lines.Length; i++)
        {
            if (StackTraceLine().Match(lines[i]) is not { Success: true } m) continue;
            var file = m.Groups["file"].Value == "<No file>" ? null : m.Groups["file"].Value;
            var lineNumber = int.Parse(m.Groups["line"].Value, CultureInfo.InvariantCulture);
            var arguments = matched && i < frames.Count ? ArgumentsText(frames[i].Arguments) : "{}";
            await output.WriteAsync(new PipelineOutput(CallStackFrameObject(m.Groups["name"].Value, file, lineNumber, lines[i], arguments)), cancellationToken);
        }
    }

    /// <summary>
    /// A call's arguments as types.ps1xml's CallStackFrame.Arguments writes them: "{" the bound parameters
    /// (<c>Name=value</c>, the value's text when it is true) and then the unbound arguments (<c>$null</c> for a false one),
    /// comma-separated, "}".
    /// </summary>
    private static string ArgumentsText((PsValue? Bound, PsValue? Unbound) arguments)
    {
        var parts = new List<string>();
        if (arguments.Bound is PsObject { CollectionKind: PsCollectionKind.Dictionary } bound)
        {
            foreach (var entry in bound.Entries)
            {
                parts.Add(PipelineVariables.Display(entry.Key) + "=" + (ScriptExpressions.IsTrue(entry.Value) ? PipelineVariables.Display(entry.Value) : string.Empty));
            }
        }

        if (arguments.Unbound is PsObject { CollectionKind: PsCollectionKind.List } unbound)
        {
            parts.AddRange(unbound.Items.Select(a => ScriptExpressions.IsTrue(a) ? PipelineVariables.Display(a) : "$null"));
        }

        return "{" + string.Join(", ", parts) + "}";
    }

    /// <summary>
    /// A CallStackFrame as 5.1 lists one: its .NET properties (ScriptName, ScriptLineNumber, InvocationInfo, Position,
    /// FunctionName; the invocation and the extent are not emulated: null) and types.ps1xml's Command (the function's
    /// name), Location (GetScriptLocation: "&lt;No file&gt;", else "tool.ps1: line 5") and Arguments (the call's bound
    /// parameters and unbound arguments, "{x=5, extra}"); its text is the stack trace's line.
    /// </summary>
    private static PsObject CallStackFrameObject(string function, string? file, int line, string text, string arguments)
    {
        var frame = new PsObject([CallStackFrameTypeName, "System.Object"]) { ToStringValue = text };
        frame.AdaptedProperties.AddRange(
        [
            new("ScriptName", file is null ? PsNil.Instance : PsPrimitive.String(file)), new("ScriptLineNumber", PsPrimitive.Int32(line)),
            new("InvocationInfo", PsNil.Instance), new("Position", PsNil.Instance), new("FunctionName", PsPrimitive.String(function)),
        ]);
        return frame.With("Command", function)
            .With("Location", file is null ? "<No file>" : string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(file.Replace('\\', '/'))}: line {line}"))
            .With("Arguments", arguments);
    }
}
