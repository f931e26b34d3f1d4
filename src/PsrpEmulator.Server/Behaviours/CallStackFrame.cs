using System.Runtime.CompilerServices;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// A frame of the script's call stack, as PowerShell's CallStackFrame: a function, a script block run whole (<c>&amp; { }</c>,
/// ForEach-Object's) or a script file, called from <paramref name="CallerStatement"/> of <paramref name="Parent"/> (null
/// parent: the script's top level). An error's ScriptStackTrace lists the frames it was raised in, innermost first
/// ("at Get-Thing, &lt;No file&gt;: line 3"), and places the error at the statement in the innermost one.
/// </summary>
/// <param name="Name">The function's name; <c>&lt;ScriptBlock&gt;</c> for a script block or a script file.</param>
/// <param name="Definition">The frame's text (the function's body, the block's, the file's), to find its statements by.</param>
/// <param name="CallerStatement">The statement of the parent frame that called it, as the interpreter ran it.</param>
/// <param name="File">
/// The script whose text holds the frame: the script file it runs (<paramref name="Definition"/> is then the file's
/// code), or the script file or client's script (no path: <c>&lt;No file&gt;</c>) that defined the function; null: the
/// running script or unknown.
/// </param>
/// <remarks>
/// Immutable but for where the call's statements stand (its own cursor, moving as they run), so that a snapshot of the
/// stack where an error was raised is a reference; the raising statement's place goes with the record (ErrorOrigin).
/// </remarks>
internal sealed record CallStackFrame(string Name, string Definition, string? CallerStatement, CallStackFrame? Parent, ScriptFileText? File = null)
{
    public const string ScriptBlockName = "<ScriptBlock>";

    /// <summary>Whether the frame runs its script file whole (not a function the file defined).</summary>
    public bool RunsFile => File is not null && ReferenceEquals(Definition, File.Code);

    /// <summary>Where in <see cref="Definition"/> the caller's statement stands (its statement calling this frame); -1: not known.</summary>
    public int CallerOffset { get; init; } = -1;

    /// <summary>The call's $PSBoundParameters and $args (null: none), which Get-PSCallStack writes as its Arguments.</summary>
    public (PsValue? Bound, PsValue? Unbound) Arguments { get; init; }

    // Where this call's statements stand (made at its first statement). The frame is one call's, so it is its own.
    private StatementCursor? _cursor;

    /// <summary>
    /// A statement of this frame starts at statement depth <paramref name="depth"/>: where in <see cref="Definition"/>
    /// it stands (<see cref="StatementCursor.Advance"/>); -1 when its text is not there as written.
    /// </summary>
    public int Advance(string statement, int depth) => (_cursor ??= new StatementCursor(Definition)).Advance(statement, depth);

    /// <summary>The statement at statement depth <paramref name="depth"/> ended.</summary>
    public void Ended(int depth) => _cursor?.Ended(depth);
}

/// <summary>
/// A script as its frames read it: a script file's path (null: a script a client sent), its code with every character
/// where it was written (comments blanked, line breaks kept: statements are found in it) and its text as written (the
/// lines an error's position shows).
/// </summary>
internal sealed record ScriptFileText(string? Path, string Code, string Text);

/// <summary>
/// Where an error record was made: the frame of the call stack (null: the script's top level) and the statement running
/// in it. The shell places the record by it (its InvocationInfo's position, its ScriptStackTrace's frames). The record
/// travels as PowerShell's serialized object, which has no room for it, so a side table lets it go with the record.
/// </summary>
/// <param name="Offset">Where <paramref name="Statement"/> stands in the frame's Definition (-1: not known, it is looked for).</param>
internal sealed record ErrorOrigin(CallStackFrame? Frame, string? Statement, int Offset = -1)
{
    private static readonly ConditionalWeakTable<PsObject, ErrorOrigin> s_records = new();

    /// <summary>Remembers that <paramref name="record"/> was made where <paramref name="origin"/> says.</summary>
    public static void Remember(PsObject record, ErrorOrigin origin) => s_records.AddOrUpdate(record, origin);

    /// <summary>Forgets where <paramref name="record"/> was made (a run that does not know).</summary>
    public static void Forget(PsObject record) => s_records.Remove(record);

    /// <summary>Where <paramref name="record"/> was made, when inside a frame of the call stack.</summary>
    public static ErrorOrigin? Of(PsObject record) => s_records.TryGetValue(record, out var origin) ? origin : null;
}

/// <summary>
/// Where the statements running in one text (a call's Definition, a script a host places records in) stand, as they
/// start and end: each is looked for inside the statement running around it (a loop's body runs again inside the
/// loop), the first place after the end of the last statement that ended there preferred, else the first there (the
/// loop's body from its top again). So a statement written twice is found at the one that runs.
/// </summary>
internal sealed class StatementCursor(string text)
{
    // The statements running now, outermost first: where each stands (-1: its text was not found), its extent (the one
    // around it when not found) and its statement depth.
    private readonly List<(int At, int Start, int Length, int Depth)> _running = [];
    private int _lastEndedEnd = -1;

    /// <summary>A statement starts at statement depth <paramref name="depth"/>: where in the text it stands; -1 when it is not there as written.</summary>
    public int Advance(string statement, int depth)
    {
        // Those at its depth or deeper ended (a host told only of starts learns it so).
        Ended(depth);
        var running = _running;
        var (start, length) = running.Count > 0 ? (running[^1].Start, running[^1].Length) : (0, text.Length);
        var from = _lastEndedEnd > start && _lastEndedEnd <= start + length ? _lastEndedEnd : start;
        var at = StatementPlaces.Find(text, start, length, statement, from);
        if (at < 0 && running.Count > 0) at = StatementPlaces.Find(text, 0, text.Length, statement, from);
        running.Add(at >= 0 ? (at, at, statement.Length, depth) : (-1, start, length, depth));
        return at;
    }

    /// <summary>The statement at statement depth <paramref name="depth"/> ended (and any inside it).</summary>
    public void Ended(int depth)
    {
        var running = _running;
        while (running.Count > 0 && running[^1].Depth >= depth)
        {
            if (running[^1].At >= 0) _lastEndedEnd = running[^1].At + running[^1].Length;
            running.RemoveAt(running.Count - 1);
        }
    }
}
