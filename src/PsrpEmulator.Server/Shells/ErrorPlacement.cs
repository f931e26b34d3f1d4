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
/// statement there when the script or a script file it ran defines it (in a file: "At C:\t\tool.ps1:5 char:1", the
/// InvocationInfo's ScriptName the file), with a frame of the ScriptStackTrace for each call, innermost first.</item>
/// <item>A cmdlet or unknown command the statement does not name otherwise (it ran in a job, a rule's steps, a function
/// an earlier script defined): no position, rather than the statement's.</item>
/// <item>ScriptStackTrace: "at &lt;ScriptBlock&gt;, &lt;No file&gt;: line N" for a script; none for a command sent as a command.</item>
/// </list>
/// Not emulated (documented): a cmdlet's Definition is its syntax on Windows and its name here; HistoryId is the
/// session's next history id.
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
        var statement = new Region(script, start, length);
        // Raised inside a function, a script block or a script file: at its statement there, when its text is known.
        var origin = ErrorOrigin.Of(record);
        var region = origin is not null && Locate(script, origin.Frame, origin.Statement, origin.Offset, start, length) is { } inner ? inner : statement;
        var (elementStart, elementLength, invocationName) = CommandElement(region.Code, region.Start, region.Length, named);
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
            var site = caller.CommandType == CommandTypes.Application ? region
                : origin?.Frame is { Parent: { } parent } frame && frame.Name.Equals(caller.Name, StringComparison.OrdinalIgnoreCase) &&
                    Locate(script, parent, frame.CallerStatement, frame.CallerOffset, start, length) is { } called ? called : statement;
            var (callStart, callLength, calledBy) = CommandElement(site.Code, site.Start, site.Length, caller.InvocationName);
            invocation = Positioned(new InvocationInfo { CommandName = caller.Name, CommandType = caller.CommandType, Definition = caller.Definition, InvocationName = calledBy ?? caller.InvocationName },
                site, calledBy is not null ? callStart : -1, callLength);
            // Its frames come with its origin (every run that calls functions stamps its records); without one, the script's.
            if (origin is null) stackTrace = string.Create(CultureInfo.InvariantCulture, $"at <ScriptBlock>, <No file>: line {LineNumber(script, calledBy is not null ? callStart : start)}");
        }
        else if (activity is not null && activity.Equals("Write-Error", StringComparison.OrdinalIgnoreCase))
        {
            // Write-Error's record takes its caller's InvocationInfo: the script, placed only when it ends the script.
            invocation = Positioned(new InvocationInfo { CommandName = string.Empty, CommandType = CommandTypes.Script, Definition = script },
                region, terminating ? elementStart : -1, elementLength);
        }
        else if (activity is not null)
        {
            invocation = Positioned(new InvocationInfo { CommandName = activity, CommandType = CommandTypes.Cmdlet, Definition = activity, InvocationName = invocationName ?? activity },
                region, placed ? elementStart : -1, elementLength);
        }
        else
        {
            // An unknown command's record names it as it was called (the console shows "doit : The term 'doit' ...").
            invocation = Positioned(new InvocationInfo { InvocationName = named is not null ? invocationName ?? string.Empty : string.Empty }, region, placed ? elementStart : -1, elementLength);
        }

        var withInvocation = ErrorRecords.WithInvocation(record, invocation with { HistoryId = historyId }, stackTrace, serializeExtendedInfo, Iterations(commandCount), errorStream);
        // The session's copy ($Error, a catch's $_) makes the function's own CommandInfo by it.
        if (caller is not null) ScriptCaller.Remember(withInvocation, caller);
        return withInvocation;
    }

    /// <summary>
    /// A statement of the script's own starts at <paramref name="nesting"/>: where it is, looked for by the script's
    /// <paramref name="cursor"/> (made at the first) after the last one that ended, inside the statement around it (a
    /// loop's block runs again inside the loop); (-1, 0) when the interpreter's text is not there as written (a
    /// here-string, a joined line), and records are placed by the whole script.
    /// </summary>
    public static (int Start, int Length) NextStatement(ref StatementCursor? cursor, string script, string statement, int nesting)
    {
        var at = (cursor ??= new StatementCursor(script)).Advance(statement, nesting);
        return at >= 0 ? (at, statement.Length) : (-1, 0);
    }

    /// <summary>
    /// A caught record (a catch's or trap's <c>$_</c>), placed as a terminating error at the inner statement that raised
    /// it; a function's record, or one raised in a frame of the call stack, by its call or its frame (<see cref="Place"/>)
    /// from the top-level statement.
    /// </summary>
    public static PsObject PlaceCaught(PsObject record, string script, bool isScript, int commandCount, int statementStart, int statementLength, string? statement, long historyId = 1)
    {
        if (ScriptCaller.Of(record) is not null || ErrorOrigin.Of(record) is not null) statement = null;
        var (start, length) = isScript ? InnerStatement(script, statementStart, statementLength, statement) : (-1, 0);
        return Place(record, script, isScript, commandCount, start, length, serializeExtendedInfo: false, errorStream: false, historyId);
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
        var offset = origin.Offset;
        for (var frame = origin.Frame; frame is not null; frame = frame.Parent)
        {
            var home = HomeOf(script, frame);
            trace.Append(CultureInfo.InvariantCulture, $"at {frame.Name}, {home?.File?.Path ?? "<No file>"}: line {FrameLine(frame, home, statement, offset)}");
            statement = frame.CallerStatement;
            offset = frame.CallerOffset;
            // A script block whose text is the whole script is the script's own frame (a job's block, run with its
            // arguments): PowerShell runs the block as the script, one frame.
            if (frame.Parent is null && frame.Name == CallStackFrame.ScriptBlockName && home is { File: null } region &&
                TrimmedWhole(script) is var (wholeStart, wholeLength) && region.Start <= wholeStart && region.Start + region.Length >= wholeStart + wholeLength)
            {
                return trace.ToString();
            }

            trace.Append("\r\n");
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
    /// <paramref name="start"/>) is, in the script or in the script file that holds the frame, with the parameters it was
    /// written with; null when the frame's text is not known or the statement is not found in it.
    /// </summary>
    /// <param name="offset">Where the run saw the statement in the frame's Definition (-1: not known, it is looked for).</param>
    private static Region? Locate(string script, CallStackFrame? frame, string? statement, int offset, int start, int length)
    {
        if (statement is not { Length: > 0 }) return null;
        Region within;
        if (frame is null)
        {
            if (start < 0 || start > script.Length - length) return null;
            within = new Region(script, start, length);
        }
        else if (HomeOf(script, frame) is { } home)
        {
            within = home;
        }
        else
        {
            return null;
        }

        var at = frame is not null && At(within, frame.Definition.Length, statement, offset) is { } seen ? seen : FindStatement(within.Code, within.Start, within.Length, statement);
        if (at < 0) return null;
        var (innerStart, innerLength) = InnerStatement(within.Code, at, statement.Length, statement);
        return within with { Start = innerStart, Length = innerLength };
    }

    /// <summary>
    /// Where a frame's text stands: a script file's text for the file it runs and for a function it defined; else a
    /// script file running below it that holds it (a script block the file runs); else the client's script when the
    /// script holds it. Null: none of them (a function an earlier script defined).
    /// </summary>
    private static Region? HomeOf(string script, CallStackFrame frame)
    {
        if (frame.Definition.Length == 0) return null;
        if (frame.File is { } file)
        {
            if (frame.RunsFile) return new Region(file.Code, 0, file.Code.Length, file);
            if (DefinitionIn(file.Code, frame) is { } defined) return new Region(file.Code, defined, frame.Definition.Length, file);
        }

        for (var outer = frame.Parent; outer is not null; outer = outer.Parent)
        {
            if (outer.File is { } running && DefinitionIn(running.Code, frame) is { } inFile) return new Region(running.Code, inFile, frame.Definition.Length, running);
        }

        return DefinitionIn(script, frame) is { } inScript ? new Region(script, inScript, frame.Definition.Length) : null;
    }

    // The line of a frame's statement: in the text that holds the frame when it is known; else within the frame's own
    // text (a function an earlier script defined is counted from its body).
    private static int FrameLine(CallStackFrame frame, Region? home, string? statement, int offset)
    {
        var region = home ?? new Region(frame.Definition, 0, frame.Definition.Length);
        var at = statement is not { Length: > 0 } ? -1 : At(region, frame.Definition.Length, statement, offset) ?? FindStatement(region.Code, region.Start, region.Length, statement);
        return LineNumber(region.Text, at >= 0 ? at : region.Start);
    }

    // Where the run saw the statement: its offset in the frame's Definition (of length textLength), which stands at the
    // region's start; null when not known or not the statement's text there.
    private static int? At(Region home, int textLength, string statement, int offset) =>
        offset >= 0 && offset <= textLength - statement.Length && home.Start + offset <= home.Code.Length - statement.Length &&
        string.CompareOrdinal(home.Code, home.Start + offset, statement, 0, statement.Length) == 0
            ? home.Start + offset
            : null;

    // Where a frame's text starts in a text: a function's body after its definition's keyword (the same text may stand
    // elsewhere too), else the first place it stands.
    private static int? DefinitionIn(string text, CallStackFrame frame)
    {
        var declared = frame.Name == CallStackFrame.ScriptBlockName ? -1 : text.IndexOf("function " + frame.Name, StringComparison.OrdinalIgnoreCase);
        var at = declared >= 0 ? text.IndexOf(frame.Definition, declared, StringComparison.Ordinal) : -1;
        if (at < 0) at = text.IndexOf(frame.Definition, StringComparison.Ordinal);
        return at >= 0 ? at : null;
    }

    private static int FindStatement(string text, int start, int length, string statement) => StatementPlaces.Find(text, start, length, statement);

    // Placed at start in the region's text: its line as written, and the script file it stands in.
    private static InvocationInfo Positioned(InvocationInfo invocation, Region region, int start, int length)
    {
        var text = region.Text;
        if (start < 0 || start > text.Length) return invocation;
        var lineStart = start == 0 ? 0 : text.LastIndexOf('\n', start - 1) + 1;
        var lineEnd = text.IndexOf('\n', start);
        var line = text[lineStart..(lineEnd < 0 ? text.Length : lineEnd)].TrimEnd('\r');
        return invocation with
        {
            ScriptLineNumber = LineNumber(text, start),
            OffsetInLine = start - lineStart + 1,
            Line = line,
            PositionMessage = ScriptPosition.Text(text, start, Math.Min(length, Math.Max(line.Length - (start - lineStart), 0)), region.File?.Path),
            ScriptName = region.File?.Path ?? string.Empty,
        };
    }

    /// <summary>
    /// A stretch of the client's script, or of a script file it ran (<paramref name="File"/>): statements are found in its
    /// code, and a record placed in it shows the line as written (the same offsets, comments and all).
    /// </summary>
    private readonly record struct Region(string Code, int Start, int Length, ScriptFileText? File = null)
    {
        public string Text => File?.Text ?? Code;
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
