using System.Globalization;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Shells;

/// <summary>
/// Where in the client's script a record was written, as Windows PowerShell 5.1 says it: an ErrorRecord's
/// InvocationInfo and ScriptStackTrace, and the InvocationInfo an InformationalRecord carries when the pipeline's
/// RemoteStreamOptions ask for it.
/// </summary>
/// <remarks>
/// What the emulator knows is the client's script, the top-level statement running (the interpreter reports each) and
/// the command that wrote the error (its CategoryInfo's Activity). From those, as Windows gives them:
/// <list type="bullet">
/// <item>Write-Error takes the InvocationInfo of its caller (<c>$MyInvocation</c>): at a script's top level, the script
/// itself (MyCommand the script's text, CommandType Script, no position); a terminating one (-ErrorAction Stop) is placed
/// at the statement. In a function or a script file, that command's call (MyCommand its name, CommandType Function or
/// ExternalScript), placed at the call in the statement, and the function's frame first in the ScriptStackTrace;
/// $PSCmdlet.ThrowTerminatingError's record too (<see cref="ScriptCaller"/>).</item>
/// <item>Another cmdlet's error: the cmdlet (MyCommand its name, CommandType Cmdlet), placed at the command in the
/// statement ("At line:1 char:5" and the tildes under it), with the name it was called by.</item>
/// <item>An error no command wrote (throw, an unknown command, an expression's): no MyCommand, placed at the statement
/// (an unknown command at its own name).</item>
/// <item>An error raised inside a function, a script block or a script file (<see cref="ErrorOrigin"/>): placed at its
/// statement there when the script defines it, with a frame of the ScriptStackTrace for each call, innermost first.</item>
/// <item>A cmdlet or unknown command the statement does not name otherwise (it ran in a job, a rule's steps, a function
/// an earlier script defined): no position, rather than the statement's.</item>
/// <item>ScriptStackTrace: "at &lt;ScriptBlock&gt;, &lt;No file&gt;: line N" for a script; none for a command sent as a command.</item>
/// </list>
/// Not emulated (documented): a cmdlet's Definition is its syntax on Windows and its name here; a record inside a script
/// file is placed at the top-level statement; HistoryId is the session's next history id.
/// </remarks>
internal static class ErrorPlacement
{
    /// <summary>
    /// The InvocationInfo of the pipeline's own first command (an InformationalRecord's): a script's <c>$MyInvocation</c>
    /// (CommandType Script, no name), or a command sent as a command; from the runspace, first of the pipeline.
    /// </summary>
    public static InvocationInfo PipelineInvocation(string scriptOrCommand, bool isScript, int commandCount, long historyId) => new()
    {
        CommandName = isScript ? string.Empty : scriptOrCommand,
        CommandType = isScript ? CommandTypes.Script : CommandTypes.Cmdlet,
        Definition = scriptOrCommand,
        InvocationName = isScript ? string.Empty : scriptOrCommand,
        HistoryId = historyId,
        FromRunspace = true,
        PipelineLength = commandCount,
        PipelinePosition = 1,
        BoundParametersOfCommand = true,
        PipelineIterationInfo = Iterations(commandCount),
    };

    /// <summary>A PipelineIterationInfo of a pipeline of <paramref name="commandCount"/> commands: a count for each and one more.</summary>
    public static int[] Iterations(int commandCount) => new int[Math.Max(commandCount, 1) + 1];

    /// <summary>
    /// The error record as the server sends it: placed, its ScriptStackTrace added, and (when
    /// <paramref name="serializeExtendedInfo"/>) the InvocationInfo's notes. A record that is placed already (a remote
    /// job's, deserialized) or that no PowerShell command made (the emulator's scenario faults, a parse error, a stop)
    /// is returned as it is.
    /// </summary>
    /// <param name="script">The client's script, or the command's name when <paramref name="isScript"/> is false.</param>
    /// <param name="statementStart">Where the running top-level statement starts in <paramref name="script"/>; -1: the whole script is one.</param>
    public static PsObject Place(PsObject record, string script, bool isScript, int commandCount, int statementStart, int statementLength,
        bool serializeExtendedInfo, bool errorStream, long historyId = 1)
    {
        if (ErrorRecords.HasInvocationInfo(record) || !IsPlaceable(record)) return record;
        var activity = record["ErrorCategory_Activity"] is PsPrimitive { Value: string a } && a.Length > 0 ? a : null;
        if (!isScript)
        {
            // A command sent as a command has no script position; its errors name it.
            var command = new InvocationInfo { CommandName = activity ?? script, Definition = activity ?? script, InvocationName = activity ?? script, HistoryId = historyId };
            return ErrorRecords.WithInvocation(record, command, null, serializeExtendedInfo, Iterations(commandCount), errorStream);
        }

        // The statement: the one the interpreter reported, else the whole script (a script of one statement).
        var (start, length) = statementStart >= 0 && statementLength >= 0 && statementStart <= script.Length - statementLength
            ? (statementStart, statementLength)
            : TrimmedWhole(script);
        var named = activity ?? UnknownCommandName(record);
        // Raised inside a function or script block: at its statement there, when the script defines it.
        var origin = ErrorOrigin.Of(record);
        var (placeStart, placeLength) = origin is not null && Locate(script, origin.Frame, origin.Statement, start, length) is { } inner ? inner : (start, length);
        var (elementStart, elementLength, invocationName) = CommandElement(script, placeStart, placeLength, named);
        // A command the statement does not name ran elsewhere (a function's body, a job, a rule's own steps): its place
        // is not the statement's, so it is given none rather than a wrong one.
        var placed = named is null || invocationName is not null;
        var stackTrace = origin is not null
            ? StackTrace(script, origin, start, length)
            : string.Create(CultureInfo.InvariantCulture, $"at <ScriptBlock>, <No file>: line {LineNumber(script, elementStart)}");
        var terminating = !errorStream;
        InvocationInfo invocation;
        var caller = ScriptCaller.Of(record);
        if (caller is not null)
        {
            // Write-Error in a function or script file (and $PSCmdlet.ThrowTerminatingError): that command's call, placed
            // where the statement calls it, or the statement of the frame that called it (not found there: no place).
            // A program's stderr record names the program (its ApplicationInfo), placed at it in the statement that ran it.
            var (siteStart, siteLength) = caller.CommandType == CommandTypes.Application ? (placeStart, placeLength)
                : origin?.Frame is { Parent: { } parent } frame && frame.Name.Equals(caller.Name, StringComparison.OrdinalIgnoreCase) &&
                    Locate(script, parent, frame.CallerStatement, start, length) is { } site ? site : (start, length);
            var (callStart, callLength, calledBy) = CommandElement(script, siteStart, siteLength, caller.InvocationName);
            invocation = Positioned(new InvocationInfo { CommandName = caller.Name, CommandType = caller.CommandType, Definition = caller.Definition, InvocationName = calledBy ?? caller.InvocationName },
                script, calledBy is not null ? callStart : -1, callLength);
            // Its frames come with its origin (every run that calls functions stamps its records); without one, the script's.
            if (origin is null) stackTrace = string.Create(CultureInfo.InvariantCulture, $"at <ScriptBlock>, <No file>: line {LineNumber(script, calledBy is not null ? callStart : start)}");
        }
        else if (activity is not null && activity.Equals("Write-Error", StringComparison.OrdinalIgnoreCase))
        {
            // Write-Error's record takes its caller's InvocationInfo: the script, placed only when it ends the script.
            invocation = Positioned(new InvocationInfo { CommandName = string.Empty, CommandType = CommandTypes.Script, Definition = script },
                script, terminating ? elementStart : -1, elementLength);
        }
        else if (activity is not null)
        {
            invocation = Positioned(new InvocationInfo { CommandName = activity, CommandType = CommandTypes.Cmdlet, Definition = activity, InvocationName = invocationName ?? activity },
                script, placed ? elementStart : -1, elementLength);
        }
        else
        {
            // An unknown command's record names it as it was called (the console shows "doit : The term 'doit' ...").
            invocation = Positioned(new InvocationInfo { InvocationName = named is not null ? invocationName ?? string.Empty : string.Empty }, script, placed ? elementStart : -1, elementLength);
        }

        var withInvocation = ErrorRecords.WithInvocation(record, invocation with { HistoryId = historyId }, stackTrace, serializeExtendedInfo, Iterations(commandCount), errorStream);
        // The session's copy ($Error, a catch's $_) makes the function's own CommandInfo by it.
        if (caller is not null) ScriptCaller.Remember(withInvocation, caller);
        return withInvocation;
    }

    /// <summary>
    /// Where an inner statement is: its text within the top-level statement, else anywhere in the script (a function's
    /// body defined earlier); not found (or none), the top-level statement's place.
    /// </summary>
    public static (int Start, int Length) InnerStatement(string script, int statementStart, int statementLength, string? statement)
    {
        if (string.IsNullOrEmpty(statement)) return (statementStart, statementLength);
        if (statementStart >= 0 && statementStart <= script.Length - statementLength)
        {
            var within = script.IndexOf(statement, statementStart, statementLength, StringComparison.Ordinal);
            if (within >= 0) return WithParameters(within);
        }

        var anywhere = script.IndexOf(statement, StringComparison.Ordinal);
        return anywhere >= 0 ? WithParameters(anywhere) : (statementStart, statementLength);

        // The interpreter runs a command without the common parameters it took off (-ErrorAction Stop): the statement
        // as written goes on to the end of its pipeline element.
        (int, int) WithParameters(int at)
        {
            var end = at + statement.Length;
            var next = end;
            while (next < script.Length && script[next] is ' ' or '\t') next++;
            if (next >= script.Length || script[next] != '-') return (at, statement.Length);
            var lineEnd = script.IndexOf('\n', next);
            return (at, ElementEnd(script, next, lineEnd < 0 ? script.Length : lineEnd) - at);
        }
    }

    // The emulator's own faults and the engine's (a parse error, a stop) have no command and no place here.
    private static bool IsPlaceable(PsObject record) => record["FullyQualifiedErrorId"] is PsPrimitive { Value: string id } &&
        id is not ("PsrpEmulator.ScenarioError" or "PipelineStopped" or "EmulatorBehaviourFailed") &&
        !(record["ErrorCategory_Category"] is PsPrimitive { Value: int category } && category == (int)ErrorCategory.ParserError);

    // An unknown command's error is placed at its name (CommandNotFoundException's TargetName).
    private static string? UnknownCommandName(PsObject record) =>
        record["FullyQualifiedErrorId"] is PsPrimitive { Value: "CommandNotFoundException" } && record["ErrorCategory_TargetName"] is PsPrimitive { Value: string name } && name.Length > 0
            ? name
            : null;

    /// <summary>
    /// A ScriptStackTrace of the frames an error was raised in, innermost first, each at the line of its statement
    /// running (the innermost's the one that raised it, an outer one's the call of the frame inside it), then the
    /// script's own frame at its statement calling them.
    /// </summary>
    private static string StackTrace(string script, ErrorOrigin origin, int start, int length)
    {
        var trace = new System.Text.StringBuilder();
        var statement = origin.Statement;
        for (var frame = origin.Frame; frame is not null; frame = frame.Parent)
        {
            trace.Append(CultureInfo.InvariantCulture, $"at {frame.Name}, {frame.File ?? "<No file>"}: line {FrameLine(script, frame, statement)}\r\n");
            statement = frame.CallerStatement;
        }

        // The script's frame: the call within the top-level statement, else the statement's first line.
        var at = start;
        if (statement is { Length: > 0 } && start >= 0 && start <= script.Length - length)
        {
            var found = FindStatement(script, start, length, statement);
            if (found >= 0) at = found;
        }

        return trace.Append(CultureInfo.InvariantCulture, $"at <ScriptBlock>, <No file>: line {LineNumber(script, at)}").ToString();
    }

    /// <summary>
    /// Where <paramref name="statement"/> of <paramref name="frame"/> (null: the top-level statement at
    /// <paramref name="start"/>) is in the script, with the parameters it was written with; null when the script does
    /// not define the frame or the statement is not found in it.
    /// </summary>
    private static (int Start, int Length)? Locate(string script, CallStackFrame? frame, string? statement, int start, int length)
    {
        if (statement is not { Length: > 0 }) return null;
        int at;
        if (frame is null)
        {
            if (start < 0 || start > script.Length - length) return null;
            at = FindStatement(script, start, length, statement);
        }
        else
        {
            if (Definition(script, frame) is not { } definition) return null;
            at = FindStatement(script, definition, frame.Definition.Length, statement);
        }

        return at < 0 ? null : InnerStatement(script, at, statement.Length, statement);
    }

    // The line of a frame's statement: in the script when the script defines the frame; else within the frame's own
    // text (a script file's lines are the file's; a function an earlier script defined is counted from its body).
    private static int FrameLine(string script, CallStackFrame frame, string? statement)
    {
        if (Definition(script, frame) is { } definition)
        {
            var at = statement is { Length: > 0 } ? FindStatement(script, definition, frame.Definition.Length, statement) : -1;
            return LineNumber(script, at >= 0 ? at : definition);
        }

        var within = statement is { Length: > 0 } ? FindStatement(frame.Definition, 0, frame.Definition.Length, statement) : -1;
        return LineNumber(frame.Definition, Math.Max(within, 0));
    }

    private static int? Definition(string script, CallStackFrame frame)
    {
        if (frame.File is not null || frame.Definition.Length == 0) return null;
        // A function's body after its definition's keyword (the same text may stand elsewhere in the script too).
        var declared = frame.Name == CallStackFrame.ScriptBlockName ? -1 : script.IndexOf("function " + frame.Name, StringComparison.OrdinalIgnoreCase);
        var at = declared >= 0 ? script.IndexOf(frame.Definition, declared, StringComparison.Ordinal) : -1;
        if (at < 0) at = script.IndexOf(frame.Definition, StringComparison.Ordinal);
        return at >= 0 ? at : null;
    }

    // A statement's text within a region: where it stands as a statement (not inside a longer word), else anywhere.
    private static int FindStatement(string text, int start, int length, string statement)
    {
        var end = start + length;
        var first = -1;
        for (var at = text.IndexOf(statement, start, length, StringComparison.Ordinal); at >= 0; at = NextFrom(at + 1))
        {
            if (first < 0) first = at;
            var after = at + statement.Length;
            if ((at == start || IsStatementBoundary(text[at - 1])) && (after >= end || IsStatementBoundary(text[after]) || !char.IsLetterOrDigit(statement[^1]))) return at;
        }

        return first;

        int NextFrom(int from) => from >= end ? -1 : text.IndexOf(statement, from, end - from, StringComparison.Ordinal);
    }

    private static bool IsStatementBoundary(char c) => char.IsWhiteSpace(c) || c is ';' or '{' or '}' or '(' or ')' or '|' or '=';

    private static InvocationInfo Positioned(InvocationInfo invocation, string script, int start, int length)
    {
        if (start < 0 || start > script.Length) return invocation;
        var lineStart = start == 0 ? 0 : script.LastIndexOf('\n', start - 1) + 1;
        var lineEnd = script.IndexOf('\n', start);
        var line = script[lineStart..(lineEnd < 0 ? script.Length : lineEnd)].TrimEnd('\r');
        return invocation with
        {
            ScriptLineNumber = LineNumber(script, start),
            OffsetInLine = start - lineStart + 1,
            Line = line,
            PositionMessage = ScriptPosition.Text(script, start, Math.Min(length, Math.Max(line.Length - (start - lineStart), 0))),
        };
    }

    private static int LineNumber(string script, int offset) => 1 + script.AsSpan(0, Math.Clamp(offset, 0, script.Length)).Count('\n');

    private static (int Start, int Length) TrimmedWhole(string script)
    {
        var start = 0;
        while (start < script.Length && char.IsWhiteSpace(script[start])) start++;
        var end = script.Length;
        while (end > start && char.IsWhiteSpace(script[end - 1])) end--;
        return (start, end - start);
    }

    /// <summary>
    /// The command <paramref name="name"/> (or an alias of it) within the statement: from its name to the end of its
    /// pipeline element, and the name it was called by. Not found: the statement, and no name.
    /// </summary>
    private static (int Start, int Length, string? InvocationName) CommandElement(string script, int start, int length, string? name)
    {
        if (name is null) return (start, length, null);
        var end = start + length;
        for (var i = start; i < end; i++)
        {
            if (i > start && !IsCommandBoundary(script[i - 1])) continue;
            var wordEnd = i;
            while (wordEnd < end && !char.IsWhiteSpace(script[wordEnd]) && script[wordEnd] is not (';' or '|' or '(' or ')' or '{' or '}')) wordEnd++;
            if (wordEnd == i) continue;
            var word = script[i..wordEnd];
            if (!word.Equals(name, StringComparison.OrdinalIgnoreCase) && !string.Equals(WindowsCommands.AliasTarget(word), name, StringComparison.OrdinalIgnoreCase)) continue;
            var elementEnd = ElementEnd(script, wordEnd, end);
            return (i, elementEnd - i, word);
        }

        return (start, length, null);
    }

    private static bool IsCommandBoundary(char c) => char.IsWhiteSpace(c) || c is ';' or '|' or '(' or '{' or '=' or '&' or '.';

    // A pipeline element ends at the next '|' or ';' outside quotes and brackets, or where a line or the statement does.
    private static int ElementEnd(string script, int from, int end)
    {
        var depth = 0;
        char quote = '\0';
        for (var i = from; i < end; i++)
        {
            var c = script[i];
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                continue;
            }

            switch (c)
            {
                case '\'' or '"':
                    quote = c;
                    break;
                case '(' or '{' or '[':
                    depth++;
                    break;
                case ')' or '}' or ']':
                    if (depth == 0) return TrimEnd(script, from, i);
                    depth--;
                    break;
                case '|' or ';' or '\n' when depth == 0:
                    return TrimEnd(script, from, i);
            }
        }

        return TrimEnd(script, from, end);
    }

    private static int TrimEnd(string script, int from, int end)
    {
        while (end > from && char.IsWhiteSpace(script[end - 1])) end--;
        return end;
    }
}
