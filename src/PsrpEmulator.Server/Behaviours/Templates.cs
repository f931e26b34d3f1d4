using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>The names a template may use at one place in a scenario: the rule's captures and the enclosing loop variables.</summary>
internal sealed class NameScope
{
    private readonly HashSet<string> names;

    private NameScope(HashSet<string> names, bool inLoop)
    {
        this.names = names;
        InLoop = inLoop;
    }

    public bool InLoop { get; }

    public static NameScope ForCaptures(IEnumerable<string> captureNames) =>
        new(new HashSet<string>(captureNames, StringComparer.OrdinalIgnoreCase) { "0" }, inLoop: false);

    public NameScope WithLoopVariable(string name) =>
        new(new HashSet<string>(names, StringComparer.OrdinalIgnoreCase) { name, "_" }, inLoop: true);

    /// <summary>These names and one more (a value a step sets for the steps after it).</summary>
    public NameScope With(string name) =>
        new(new HashSet<string>(names, StringComparer.OrdinalIgnoreCase) { name }, InLoop);

    public bool Contains(string name) => names.Contains(name);

    public string Describe() => string.Join(", ", names.Order(StringComparer.OrdinalIgnoreCase).Select(n => "{" + n + "}"));
}

/// <summary>The values bound while a behaviour runs: captures, then loop variables (innermost wins).</summary>
internal sealed class RunScope
{
    private readonly IReadOnlyDictionary<string, string> captures;
    // Made by the first loop and dropped when the last one ends: a sleeping pipeline keeps none.
    private List<LoopVariable>? loopVariables;

    public RunScope(IReadOnlyDictionary<string, string> captures, PipelineVariables? variables = null)
    {
        this.captures = captures;
        Variables = variables ?? new PipelineVariables(new RunspaceState());
    }

    /// <summary>The PowerShell variables the running pipeline sees ($args, parameters, $_, then the runspace's).</summary>
    public PipelineVariables Variables { get; }

    /// <summary>A loop's variable, innermost until <see cref="Pop"/>; the loop sets its <see cref="LoopVariable.Value"/> each time round.</summary>
    public LoopVariable Push(string name, string value)
    {
        var variable = new LoopVariable(name, value);
        (loopVariables ??= []).Add(variable);
        return variable;
    }

    public void Pop()
    {
        loopVariables!.RemoveAt(loopVariables.Count - 1);
        if (loopVariables.Count == 0) loopVariables = null;
    }

    public string Lookup(string name)
    {
        if (name.StartsWith('$')) return LookupVariable(name[1..]);
        if (name == "_") return LookupDollarUnder();
        var loops = loopVariables;
        for (var i = (loops?.Count ?? 0) - 1; i >= 0; i--)
        {
            if (string.Equals(loops![i].Name, name, StringComparison.OrdinalIgnoreCase)) return loops[i].Value;
        }

        return captures.TryGetValue(name, out var value) ? value : string.Empty;
    }

    /// <summary><c>{_}</c>: the innermost loop's variable whatever its name; outside loops, a capture named _.</summary>
    public string LookupDollarUnder() =>
        loopVariables is { Count: > 0 } loops ? loops[^1].Value : captures.TryGetValue("_", out var value) ? value : string.Empty;

    /// <summary><c>{$name}</c> (<paramref name="name"/> without the $): the PowerShell variable's text.</summary>
    public string LookupVariable(string name) =>
        Variables.Get(name) is { } variable ? Variables.DisplayInString(variable)
        // Set-StrictMode -Version 2 and later: a variable never set is an error in a string too.
        : Variables.Runspace.StrictModeVersion >= 2 && Variables.StrictModeUnset(name) ? throw new ScriptExpressionException(PipelineVariables.VariableIsUndefined(name))
        : string.Empty;
}

/// <summary>One loop's variable: its name and its value this time round.</summary>
internal sealed class LoopVariable(string name, string value)
{
    public string Name { get; } = name;

    public string Value { get; set; } = value;
}

/// <summary>Raised while running a scenario step whose text turned out not to fit (a non-numeric loop bound...).</summary>
internal sealed class ScenarioRuntimeException(string message) : Exception(message);

/// <summary>
/// Step text with placeholders: <c>{name}</c>, <c>{1}</c>, <c>{_}</c>, and integer arithmetic <c>{a + b}</c>,
/// <c>{a - b}</c>, <c>{a * b}</c>. <c>{{</c> and <c>}}</c> are literal braces; a brace whose content is not a
/// placeholder (e.g. <c>@{a=1}</c>) is literal text too.
/// </summary>
internal sealed partial class TextTemplate
{
    private readonly object[] parts; // string literal or Expression
    // Bit i: parts[i] is literal text CLIXML carries as it is (checked once here, not once per object written).
    private readonly ulong verbatimParts;

    private TextTemplate(object[] parts, string location)
    {
        this.parts = parts;
        Location = location;
        Constant = parts.Length switch
        {
            0 => string.Empty,
            1 when parts[0] is string s => s,
            _ => null,
        };
        for (var i = 0; i < parts.Length && i < 64; i++)
        {
            if (parts[i] is string literal && PsrpEmulator.Protocol.Clixml.ClixmlString.IsVerbatim(literal)) verbatimParts |= 1UL << i;
        }
    }

    /// <summary>The text when it has no placeholders; null otherwise.</summary>
    public string? Constant { get; }

    /// <summary>Where it was written, for runtime messages.</summary>
    public string Location { get; }

    [GeneratedRegex(@"^\s*(?<op>\$?\w+)(?:\s*(?<sign>[-+*])\s*(?<op>\$?\w+))*\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderSyntax();

    public static TextTemplate Parse(string text, NameScope names, string location, Func<string, Exception> error)
    {
        var parts = new List<object>();
        var literal = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if ((c == '{' || c == '}') && i + 1 < text.Length && text[i + 1] == c)
            {
                literal.Append(c);
                i++;
                continue;
            }

            if (c == '{')
            {
                var close = text.IndexOf('}', i + 1);
                var m = close < 0 ? null : PlaceholderSyntax().Match(text, i + 1, close - i - 1);
                if (m is { Success: true })
                {
                    var operands = m.Groups["op"].Captures.Select(x => x.Value).ToArray();
                    foreach (var name in operands)
                    {
                        // {$name} is a PowerShell variable, known only while running.
                        if (!name.StartsWith('$') && !names.Contains(name))
                        {
                            throw error($"'{{{name}}}' names no capture or loop variable here (known: {names.Describe()}); write '{{{{' for a literal brace");
                        }
                    }

                    if (literal.Length > 0)
                    {
                        parts.Add(literal.ToString());
                        literal.Clear();
                    }

                    parts.Add(new Expression(operands, m.Groups["sign"].Captures.Select(x => x.Value[0]).ToArray()));
                    i = close;
                    continue;
                }
            }

            literal.Append(c);
        }

        if (literal.Length > 0) parts.Add(literal.ToString());
        return new TextTemplate([.. parts], location);
    }

    public static TextTemplate Literal(string text, string location) => new(text.Length == 0 ? [] : [text], location);

    public string Evaluate(RunScope scope)
    {
        if (Constant is not null) return Constant;
        if (parts.Length == 1) return parts[0] as string ?? ((Expression)parts[0]).Evaluate(scope, Location);
        // The pieces first (on the stack when there are few), then one string of the exact length: an output loop
        // evaluates this once per object.
        var few = default(FewParts);
        Span<string?> values = parts.Length <= FewParts.Count ? few : new string?[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            values[i] = parts[i] as string ?? ((Expression)parts[i]).Evaluate(scope, Location);
        }

        return string.Concat((ReadOnlySpan<string?>)values[..parts.Length]);
    }

    /// <summary>How many pieces <see cref="EvaluatePieces"/> gives.</summary>
    public int PieceCount => parts.Length;

    /// <summary>
    /// The pieces whose concatenation <see cref="Evaluate"/> returns, into <paramref name="pieces"/> (<see cref="PieceCount"/>
    /// long). Returns the pieces (bit i for piece i) that are literal text CLIXML carries as it is
    /// (<see cref="PsrpEmulator.Protocol.Clixml.ClixmlString.IsVerbatim"/>), known since the template was read.
    /// </summary>
    public ulong EvaluatePieces(RunScope scope, Span<string?> pieces)
    {
        var all = parts;
        pieces = pieces[..all.Length];
        for (var i = 0; i < pieces.Length; i++)
        {
            pieces[i] = all[i] as string ?? ((Expression)all[i]).Evaluate(scope, Location);
        }

        return verbatimParts;
    }

    /// <summary>Room on the stack for the pieces of a template with few placeholders.</summary>
    [System.Runtime.CompilerServices.InlineArray(Count)]
    public struct Pieces
    {
        public const int Count = 8;
        private string? _element;
    }

    public long EvaluateInteger(RunScope scope, string what) => ParseInteger(Evaluate(scope), what, Location);

    public double EvaluateDouble(RunScope scope, string what) => ParseDouble(Evaluate(scope), what, Location);

    public static long ParseInteger(string text, string what, string location) =>
        TryParseInteger(text, out var value) ? value : throw new ScenarioRuntimeException($"{location}: {what} '{text}' is not an integer");

    public static double ParseDouble(string text, string what, string location) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new ScenarioRuntimeException($"{location}: {what} '{text}' is not a number");

    public static bool TryParseInteger(string text, out long value) =>
        long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out value);

    [System.Runtime.CompilerServices.InlineArray(Count)]
    private struct FewParts
    {
        public const int Count = 8;
        private string? _element;
    }

    /// <summary>One placeholder: a single name (its text as is) or integer arithmetic over names.</summary>
    private sealed class Expression(string[] operands, char[] signs)
    {
        // A lone operand (the usual placeholder, once per object in an output loop), looked up by its kind without
        // comparing names: {_}, {$name}, or a capture or loop variable.
        private readonly OperandKind single = operands.Length != 1 ? OperandKind.None
            : operands[0] == "_" ? OperandKind.DollarUnder
            : operands[0].StartsWith('$') ? OperandKind.Variable
            : OperandKind.Name;

        private readonly string variableName = operands.Length == 1 && operands[0].StartsWith('$') ? operands[0][1..] : string.Empty;

        private enum OperandKind
        {
            None,
            DollarUnder,
            Variable,
            Name,
        }

        public string Evaluate(RunScope scope, string location)
        {
            switch (single)
            {
                case OperandKind.DollarUnder:
                    return scope.LookupDollarUnder();
                case OperandKind.Variable:
                    return scope.LookupVariable(variableName);
                case OperandKind.Name:
                    return scope.Lookup(operands[0]);
            }

            long Operand(int i) => ParseInteger(scope.Lookup(operands[i]), $"'{{{operands[i]}}}'", location);
            try
            {
                checked
                {
                    // Sum of products, left to right.
                    long sum = 0, product = Operand(0);
                    var sign = 1L;
                    for (var i = 0; i < signs.Length; i++)
                    {
                        var next = Operand(i + 1);
                        if (signs[i] == '*')
                        {
                            product *= next;
                            continue;
                        }

                        sum += sign * product;
                        sign = signs[i] == '-' ? -1 : 1;
                        product = next;
                    }

                    sum += sign * product;
                    return sum.ToString(CultureInfo.InvariantCulture);
                }
            }
            catch (OverflowException)
            {
                throw new ScenarioRuntimeException($"{location}: arithmetic overflow");
            }
        }
    }
}

/// <summary>
/// The PowerShell variables of one pipeline: its own ($args, param-block names, $_ of an input loop) in front of
/// the runspace's (what <c>$x = ...</c> set earlier in the session). Assignments go to the runspace.
/// </summary>
internal sealed class PipelineVariables
{
    // The runspace, or the host to take it from when first needed (a pipeline that never sets a variable makes none).
    private RunspaceState? runspace;
    private readonly IPipelineHost? host;

    /// <param name="environment">Whose environment <c>$env:</c> reads (a background job: its own, inherited), if any.</param>
    public PipelineVariables(RunspaceState runspace, IPipelineHost? environment = null)
    {
        this.runspace = runspace;
        host = environment;
    }

    /// <summary>The host's runspace, or a fresh one for this run when the host has none.</summary>
    public PipelineVariables(IPipelineHost host) => this.host = host;

    private RunspaceState? Existing => runspace ?? host!.ExistingRunspace;

    // $args, parameters and $_: made when the first is set, dropped when the last goes (a loop's $_ is restored to none).
    private Dictionary<string, PsrpEmulator.Protocol.Clixml.PsValue>? locals;

    public RunspaceState Runspace => runspace ??= host!.Runspace ?? new RunspaceState();

    /// <summary>The types the session's scripts defined, if any (without making the runspace).</summary>
    public ScriptTypes? DefinedTypes => Existing?.Types;

    // What only the language's statements use (try and call depth, function scopes, $?): made when first needed, so
    // that the pipelines of thousands of idle shells, which run rules, do not each carry it.
    private sealed class ScriptState
    {
        public int TryDepth;
        public int CallDepth;
        public List<Dictionary<string, PsrpEmulator.Protocol.Clixml.PsValue>>? FunctionScopes;
        public long ErrorsWritten;
        public long ErrorsAtStatementStart;
        public long RuntimeErrors;
        public bool LastSucceeded = true;
        public string? InnermostStatement;
        public CallStackFrame? Frame;
        public CallStackFrame? InnermostFrame;
        public (string Body, Dictionary<string, PsrpEmulator.Protocol.Clixml.PsValue> Scope)? PendingClosure;
        // Where InnermostStatement stands in its frame's Definition (-1: not known, or the top level).
        public int InnermostOffset = -1;
        // Statements running now, one inside another (a block's, a rule's steps running a statement's text).
        public int StatementDepth;
    }

    private ScriptState? script;

    private ScriptState Script => script ??= new ScriptState();

    /// <summary>
    /// The try blocks the pipeline's script is inside now: a statement-terminating error (an unknown command, an
    /// expression's error) raised in one goes to its catch instead of the error stream.
    /// </summary>
    public int TryDepth
    {
        get => script?.TryDepth ?? 0;
        set => Script.TryDepth = value;
    }

    /// <summary>
    /// The statement that started last (once the script has used a try block or a function), at any depth and in any
    /// rule's steps: where a caught error was raised.
    /// </summary>
    public string? InnermostStatement => script?.InnermostStatement;

    /// <summary>
    /// A statement starts: it is the innermost one (where an error raised now is placed), in the frame of the call
    /// stack running now.
    /// </summary>
    /// <param name="nested">In a block (an if's, a loop's): the top-level statement the shell knows is not the place.</param>
    public void EnterStatement(string text, bool nested)
    {
        // Not for a plain script's own statements (no block, no try, no function yet), which the shell places by itself;
        // nor for an operand the interpreter evaluates as a statement ("x" of [int]::Parse("x")), which PowerShell places
        // at the statement around it.
        if (IsOperand(text) || (script is null && !nested)) return;
        var state = Script;
        state.InnermostStatement = text;
        state.InnermostFrame = state.Frame;
        state.InnermostOffset = state.Frame?.Advance(text, state.StatementDepth) ?? -1;
    }

    /// <summary>
    /// A statement's run starts (at any depth, before <see cref="EnterStatement"/>): counted while it runs, so that the
    /// run entering it again is not taken for the next statement written the same way. False: not counted (a plain
    /// script's own statement, as <see cref="EnterStatement"/> leaves it), and <see cref="EndStatement"/> is not called.
    /// </summary>
    /// <param name="nested">In a block: counted, as <see cref="EnterStatement"/> keeps it.</param>
    public bool BeginStatement(bool nested)
    {
        if (script is null && !nested) return false;
        Script.StatementDepth++;
        return true;
    }

    /// <summary>The statement <see cref="BeginStatement"/> counted ended.</summary>
    public void EndStatement()
    {
        var state = Script;
        state.Frame?.Ended(state.StatementDepth);
        state.StatementDepth--;
    }

    // A literal, a parenthesized expression or a variable: never a statement of its own in a script's text that raises.
    private static bool IsOperand(string text) =>
        text.Length > 0 && (text[0] is '"' or '\'' or '(' || char.IsAsciiDigit(text[0]) || (text[0] == '$' && !text.AsSpan(1).ContainsAny(" \t=")));

    /// <summary>The frame of the call stack running now (null: the script's top level).</summary>
    public CallStackFrame? Frame => script?.Frame;

    /// <summary>The frame <see cref="InnermostStatement"/> ran in (null: the top level).</summary>
    public CallStackFrame? InnermostFrame => script?.InnermostFrame;

    /// <summary>
    /// A function, script block or script file starts: its frame, called from the innermost statement, goes on top of
    /// the call stack until <see cref="PopFrame"/>.
    /// </summary>
    public CallStackFrame PushFrame(string name, string definition, ScriptFileText? file = null, (PsrpEmulator.Protocol.Clixml.PsValue?, PsrpEmulator.Protocol.Clixml.PsValue?) arguments = default)
    {
        var state = Script;
        var frame = new CallStackFrame(name, definition, state.InnermostStatement, state.Frame, file)
        {
            CallerOffset = ReferenceEquals(state.InnermostFrame, state.Frame) ? state.InnermostOffset : -1,
            Arguments = arguments,
        };
        state.Frame = frame;
        return frame;
    }

    /// <summary>
    /// The frame ended. <paramref name="completed"/>: it returned, so the caller's statement is the innermost again; an
    /// error leaving it keeps the frame where it was raised, for its record.
    /// </summary>
    public void PopFrame(CallStackFrame frame, bool completed)
    {
        var state = Script;
        state.Frame = frame.Parent;
        if (!completed) return;
        state.InnermostFrame = frame.Parent;
        state.InnermostStatement = frame.CallerStatement;
        state.InnermostOffset = frame.CallerOffset;
    }

    /// <summary>
    /// The error records <paramref name="records"/> makes, each remembering the frame and statement it was raised in
    /// (<see cref="ErrorOrigin"/>) when the run knows it (inside a block, a try, a function, a script block or a script file).
    /// </summary>
    public Func<ScriptedError, PsrpEmulator.Protocol.Clixml.PsObject> Stamping(Func<ScriptedError, PsrpEmulator.Protocol.Clixml.PsObject> records) => error =>
    {
        var record = records(error);
        // This run's own place, also over one an outer run's factory gave (a job's records are not its caller's).
        if (script is { InnermostStatement: { } statement } state) ErrorOrigin.Remember(record, new ErrorOrigin(state.InnermostFrame, statement, state.InnermostOffset));
        else ErrorOrigin.Forget(record);
        return record;
    };

    /// <summary>The function calls the pipeline's script is inside now (PowerShell bounds them).</summary>
    public int CallDepth
    {
        get => script?.CallDepth ?? 0;
        set => Script.CallDepth = value;
    }

    /// <summary>Error records the pipeline's statements have written so far (what <c>$?</c> is worked out from).</summary>
    public long ErrorsWritten
    {
        get => script?.ErrorsWritten ?? 0;
        set => Script.ErrorsWritten = value;
    }

    /// <summary>
    /// A script command (a function, a script block, a script file) starts: where <c>$?</c>'s counting stands, for
    /// <see cref="EndScriptCommand"/>.
    /// </summary>
    public ErrorStatus BeginScriptCommand()
    {
        if (script is not { } state) return default;
        var mark = new ErrorStatus(state.ErrorsWritten, state.ErrorsAtStatementStart, state.RuntimeErrors);
        state.RuntimeErrors = 0;
        return mark;
    }

    /// <summary>
    /// The script command ended: what its statements wrote does not fail the caller's statement (PowerShell's <c>$?</c>
    /// stays true after a function whose Write-Error wrote: the error went through the function's inner pipeline), only
    /// what its own command runtime wrote (<see cref="WroteRuntimeError"/>) and a terminating error that leaves it.
    /// </summary>
    public void EndScriptCommand(ErrorStatus mark)
    {
        if (script is not { } state) return;
        state.ErrorsWritten = mark.ErrorsWritten + state.RuntimeErrors;
        state.ErrorsAtStatementStart = mark.ErrorsAtStatementStart;
        state.RuntimeErrors = mark.RuntimeErrors;
    }

    /// <summary>The running script command's own runtime wrote an error (<c>$PSCmdlet.WriteError</c>, ThrowTerminatingError): its call fails.</summary>
    public void WroteRuntimeError() => Script.RuntimeErrors++;

    /// <summary><c>$?</c>: whether the statement before the current one wrote no error.</summary>
    public bool LastSucceeded => script?.LastSucceeded ?? true;

    /// <summary>A statement of a sequence starts: <c>$?</c> becomes the outcome of the one before it.</summary>
    public void StatementStarting()
    {
        // No error written yet: $? is true, as it starts.
        if (script is not { } state) return;
        state.LastSucceeded = state.ErrorsWritten == state.ErrorsAtStatementStart;
        state.ErrorsAtStatementStart = state.ErrorsWritten;
    }

    /// <summary>
    /// The body of the function <paramref name="name"/> the session defined (kept as PowerShell's function: drive
    /// names it, <c>function:name</c>, among the runspace's variables); null when there is none.
    /// </summary>
    public string? Function(string name)
    {
        if (name.Length == 0 || !char.IsLetter(name[0])) return null;
        // A function defined in a function (or a & { } block) running now first, the innermost scope's, then the session's.
        var body = Scoped("function:" + name) ?? (Existing is { } r && r.TryGetVariable("function:" + name, out var session) ? session : null);
        // Windows PowerShell's own functions (C:, cd.., Clear-Host...) whose text is known run as any other, by a default
        // alias too (cls, clear), unless the session removed one (held as $null) or defined its own.
        return body is PsrpEmulator.Protocol.Clixml.PsPrimitive { Value: string text } ? text : body is null && Existing is not null ? RunContext.BuiltInFunctionText(name) ?? (WindowsCommands.AliasTarget(name) is { } target ? RunContext.BuiltInFunctionText(target) : null) : null;
    }

    /// <summary>
    /// The command an alias the session defined (Set-Alias, New-Alias: <c>alias:name</c> among the runspace's
    /// variables) stands for; null for any other name, Windows' default aliases too (their commands run under them).
    /// </summary>
    public string? SessionAlias(string name)
    {
        if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_')) return null;
        var target = Scoped("alias:" + name) ?? (Existing is { } r && r.TryGetVariable("alias:" + name, out var session) ? session : null);
        return target is PsrpEmulator.Protocol.Clixml.PsPrimitive { Value: string text } && text.Length > 0 ? text : null;
    }

    /// <summary>
    /// The functions a command sees now (<c>function:</c> names and bodies): those of the running function scopes,
    /// innermost first, then the session's, each name once (an inner one hides an outer one).
    /// </summary>
    public IEnumerable<(string Variable, PsrpEmulator.Protocol.Clixml.PsValue Body)> VisibleFunctions()
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (functionScopes is { } scopes)
        {
            for (var i = scopes.Count - 1; i >= 0; i--)
            {
                foreach (var (variable, body) in scopes[i])
                {
                    if (variable.StartsWith("function:", StringComparison.OrdinalIgnoreCase) && seen.Add(variable)) yield return (variable, body);
                }
            }
        }

        foreach (var (variable, body) in Runspace.VariablesStartingWith("function:"))
        {
            if (seen.Add(variable)) yield return (variable, body);
        }
    }

    /// <summary>What commands changed of the computer's services; null when the host keeps none.</summary>
    public ServiceStates? ServiceStates => host?.ServiceStates;

    /// <summary>The scenario whose rules run here (its <c>services:</c> are the computer's own); null outside a run.</summary>
    public BehaviourCatalog? Catalog { get; set; }

    /// <summary>The services the session's computer has now (the scenario's and those commands installed).</summary>
    public ComputerServices Services => (Catalog ?? BehaviourCatalog.Empty).ServicesOf(EnvironmentVariable("COMPUTERNAME"), ServiceStates);

    /// <summary>The computer's restarts (its last boot); null when the host has none.</summary>
    public IComputerPower? Power => host?.Power;

    /// <summary>The computer's disk; null when the host has none.</summary>
    public VirtualFileSystem? FileSystem => host?.FileSystem;

    /// <summary>
    /// The error of reading a drive-qualified variable whose provider keeps no content (<c>${HKLM:\SOFTWARE}</c>):
    /// GetVariableValueFromProvider's ProviderCannotBeUsedAsVariable, the provider's NotSupportedException inside. Null
    /// for any other name, and for a registry key that is not there (ItemNotFound reads $null, as an unknown drive does).
    /// </summary>
    /// <remarks>The Certificate and WSMan drives' paths are not looked up: any is the error.</remarks>
    public ScriptedError? ProviderVariableError(string name)
    {
        var decoded = BracedVariableNames.Decode(name);
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 2) return null;
        var path = decoded[(colon + 1)..].Trim('\\', '/').Replace('/', '\\');
        var provider = decoded[..colon].ToUpperInvariant() switch
        {
            "HKLM" when host?.Registry is { } registry && registry.Get(VirtualRegistry.LocalMachine, null, path) is not null => "Registry",
            "HKCU" when host?.Registry is { } registry && registry.Get(VirtualRegistry.CurrentUser, EnvironmentVariable("USERPROFILE"), path) is not null => "Registry",
            "CERT" => "Certificate",
            "WSMAN" => "WSMan",
            _ => null,
        };
        return provider is null ? null : new ScriptedError(
            $"The provider '{provider}' cannot be used to get or set data using the variable syntax. Cannot use interface. The IContentCmdletProvider interface is not implemented by this provider.",
            "ProviderCannotBeUsedAsVariable", PsrpEmulator.Protocol.Psrp.ErrorCategory.NotSpecified, "System.Management.Automation.ProviderInvocationException");
    }

    /// <summary>The computer's network; null when the host keeps none.</summary>
    public NetworkSettings? Network => host?.NetworkSettings;

    /// <summary>
    /// An environment variable of the session's process (<c>$env:NAME</c>): one the session set (kept among the runspace's
    /// variables as <c>env:NAME</c>, removed by <c>$null</c> or an empty string), else the host's; null when unset.
    /// </summary>
    public string? EnvironmentVariable(string name)
    {
        if (Existing is { } r && r.TryGetVariable("env:" + name, out var set)) return EnvironmentText(set);
        return host?.EnvironmentVariable(name);
    }

    /// <summary>The text of a value the session gave an environment variable (<c>env:NAME</c>); null when it removed it ($null or '').</summary>
    public static string? EnvironmentText(PsrpEmulator.Protocol.Clixml.PsValue set)
    {
        var text = set is PsrpEmulator.Protocol.Clixml.PsNil ? string.Empty : Display(set);
        return text.Length == 0 ? null : text;
    }

    // A counting loop's $_ (in front of any "_" in locals) as its number: made into a value only when a statement
    // reads it, not once per iteration (an output loop of 100,000 objects boxed 100,000 integers nobody read). Null
    // outside counting loops (one field for the pipelines of thousands of idle shells).
    private LoopNumber? dollarUnder;

    private sealed class LoopNumber
    {
        public long Value;
        public PsrpEmulator.Protocol.Clixml.PsPrimitive? Made;
    }

    // The variables of the function calls running now, innermost last: a function's assignments are its own, as in
    // PowerShell's scopes (null outside functions, as almost always).
    private List<Dictionary<string, PsrpEmulator.Protocol.Clixml.PsValue>>? functionScopes
    {
        get => script?.FunctionScopes;
        set => Script.FunctionScopes = value;
    }

    /// <summary>
    /// A function call starts: its assignments go to a scope of its own (<paramref name="scope"/>: one kept between the
    /// blocks of a function in a pipeline) until <see cref="PopFunctionScope"/>.
    /// </summary>
    public void PushFunctionScope(Dictionary<string, PsrpEmulator.Protocol.Clixml.PsValue>? scope = null) =>
        (functionScopes ??= []).Add(scope ?? new(StringComparer.OrdinalIgnoreCase));

    // The value of the innermost running function scope that has the name; null outside functions or when none has it.
    // A Private variable of a caller's scope ($private:x, -Option Private) is not seen from here: the lookup goes on outward.
    private PsrpEmulator.Protocol.Clixml.PsValue? Scoped(string name)
    {
        var scopes = functionScopes;
        for (var i = (scopes?.Count ?? 0) - 1; i >= 0; i--)
        {
            if (scopes![i].TryGetValue(name, out var scoped) && (i == scopes.Count - 1 || !IsPrivateIn(scopes[i], name))) return scoped;
        }

        return null;
    }

    private bool IsPrivateIn(Dictionary<string, PsrpEmulator.Protocol.Clixml.PsValue> scope, string name) =>
        Runspace.HasVariableOptions && scope.TryGetValue(OptionKey(name), out var options) && IsPrivate(PipelineVariables.Display(options));

    private static bool IsPrivate(string options) => options.Contains("Private", StringComparison.OrdinalIgnoreCase);

    // The session's variable is Private and the lookup comes from a function's or script block's scope.
    private bool HiddenSessionVariable(string name) =>
        functionScopes is not null && Runspace.HasVariableOptions && Runspace.TryGetVariable(OptionKey(name), out var options) && IsPrivate(Display(options));

    /// <summary>
    /// A closure (<see cref="ScriptBlockClosures"/>) is about to run: the invocation of its body that comes next runs in
    /// <paramref name="captured"/> (<see cref="TakeClosure"/>).
    /// </summary>
    public void ClosureInvoked(string body, Dictionary<string, PsrpEmulator.Protocol.Clixml.PsValue> captured) => Script.PendingClosure = (body, captured);

    /// <summary>A script block value is about to be invoked as its text: when it is a closure, <see cref="ClosureInvoked(string, Dictionary{string, PsrpEmulator.Protocol.Clixml.PsValue})"/>.</summary>
    public void ScriptBlockInvoked(PsrpEmulator.Protocol.Clixml.PsValue block)
    {
        if (ScriptBlockClosures.ScopeOf(block) is { } captured && block is PsrpEmulator.Protocol.Clixml.PsPrimitive { Value: string body }) ClosureInvoked(body, captured);
    }

    /// <summary>The captured scope of the closure whose body <paramref name="body"/> is being invoked now; null for any other block.</summary>
    public Dictionary<string, PsrpEmulator.Protocol.Clixml.PsValue>? TakeClosure(string body)
    {
        if (script?.PendingClosure is not { } pending || !pending.Body.AsSpan().Trim().SequenceEqual(body.AsSpan().Trim())) return null;
        script.PendingClosure = null;
        return pending.Scope;
    }

    /// <summary>
    /// A closure's run starts: its captured scope stands for the scopes of the calls running now (which it does not see,
    /// as its module's scope has the session's for its parent) until <see cref="LeaveClosure"/> puts them back.
    /// </summary>
    public List<Dictionary<string, PsrpEmulator.Protocol.Clixml.PsValue>>? EnterClosure(Dictionary<string, PsrpEmulator.Protocol.Clixml.PsValue> captured)
    {
        var callers = functionScopes;
        functionScopes = [captured];
        return callers;
    }

    public void LeaveClosure(List<Dictionary<string, PsrpEmulator.Protocol.Clixml.PsValue>>? callers) => functionScopes = callers;

    /// <summary>
    /// GetNewClosure's copy of the current scope's variables (PSModuleInfo.CaptureLocals): a function's or block's own,
    /// at the top level the session's (its global scope).
    /// </summary>
    public Dictionary<string, PsrpEmulator.Protocol.Clixml.PsValue> CaptureLocals()
    {
        if (functionScopes is [.., var own]) return new(own, StringComparer.OrdinalIgnoreCase);
        var captured = new Dictionary<string, PsrpEmulator.Protocol.Clixml.PsValue>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in Runspace.VariablesStartingWith(string.Empty))
        {
            if (!name.Contains(':', StringComparison.Ordinal)) captured[name] = value;
        }

        return captured;
    }

    public void PopFunctionScope()
    {
        functionScopes!.RemoveAt(functionScopes.Count - 1);
        if (functionScopes.Count == 0) functionScopes = null;
    }

    /// <summary>
    /// The variables the current scope sees (the Variable: drive), each name once: the call's own, the running function
    /// scopes' innermost first, the session's, then those of <paramref name="automatic"/> (automatic and preference
    /// variables).
    /// </summary>
    public IEnumerable<(string Name, PsrpEmulator.Protocol.Clixml.PsValue Value)> VisibleVariables(IEnumerable<string> automatic)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        // A name with a colon is a function, an environment variable, a type constraint or a $using: value, kept beside them.
        static bool IsVariable(string name) => !name.Contains(':', StringComparison.Ordinal);
        foreach (var (name, value) in locals ?? [])
        {
            if (IsVariable(name) && seen.Add(name)) yield return (name, Get(name) ?? value);
        }

        for (var i = (functionScopes?.Count ?? 0) - 1; i >= 0; i--)
        {
            foreach (var (name, value) in functionScopes![i])
            {
                if (IsVariable(name) && (i == functionScopes.Count - 1 || !IsPrivateIn(functionScopes[i], name)) && seen.Add(name)) yield return (name, value);
            }
        }

        foreach (var (name, value) in Runspace.VariablesStartingWith(string.Empty))
        {
            if (IsVariable(name) && !HiddenSessionVariable(name) && seen.Add(name)) yield return (name, value);
        }

        foreach (var name in automatic)
        {
            var value = name.ToUpperInvariant() switch
            {
                "TRUE" => PsrpEmulator.Protocol.Clixml.PsPrimitive.Boolean(true),
                "FALSE" => PsrpEmulator.Protocol.Clixml.PsPrimitive.Boolean(false),
                "NULL" => PsrpEmulator.Protocol.Clixml.PsNil.Instance,
                // Every session has them; the few this runspace holds no value for read as $null.
                _ => Get(name) ?? PsrpEmulator.Protocol.Clixml.PsNil.Instance,
            };
            if (seen.Add(name)) yield return (name, value);
        }
    }

    /// <summary>
    /// Whether reading <paramref name="name"/> is Set-StrictMode's VariableIsUndefined error: a variable never set ($null
    /// is set), other than those PowerShell defines wherever they are read ($_, $args, $input...) and the drives'
    /// items ($function:f, $using:x).
    /// </summary>
    public bool StrictModeUnset(string name) =>
        BracedVariableNames.Decode(name) is var decoded && decoded.IndexOf(':', StringComparison.Ordinal) < 0 && !AlwaysDefined.Contains(decoded) && Get(decoded) is null;

    private static readonly HashSet<string> AlwaysDefined = new(StringComparer.OrdinalIgnoreCase)
    {
        "_", "PSItem", "args", "input", "this", "null", "true", "false", "PSBoundParameters", "MyInvocation", "PSScriptRoot", "PSCommandPath",
        // Defined in every 5.1 session, whose values the emulator does not make ($PSSessionOption's options object;
        // $PSEmailServer and $StackTrace hold nothing until set).
        "PSSessionOption", "PSEmailServer", "StackTrace",
        // $^ and $$: set (to null at first) by every script parsed for the history, as PowerShell's own client sends
        // each (UNVERIFIED for a client that never adds to the history: there they are not set yet).
        "^", "$",
    };

    /// <summary>A <c>$using:</c> variable read where no value was sent for it: the engine's RuntimeException, as 5.1 words it.</summary>
    public static readonly ScriptedError UsingWithoutInvokeCommand = new(
        "A Using variable cannot be retrieved. A Using variable can be used only with Invoke-Command, Start-Job, or InlineScript in the script workflow. " +
        "When it is used with Invoke-Command, the Using variable is valid only if the script block is invoked on a remote computer.",
        "UsingWithoutInvokeCommand", PsrpEmulator.Protocol.Psrp.ErrorCategory.InvalidOperation, ScriptedError.RuntimeExceptionType);

    /// <summary>Set-StrictMode's error for a variable never set, as the engine's VariableIsUndefined RuntimeException.</summary>
    public static ScriptedError VariableIsUndefined(string name) => UndefinedVariable(BracedVariableNames.Decode(name));

    private static ScriptedError UndefinedVariable(string name) =>
        new($"The variable '${name}' cannot be retrieved because it has not been set.", "VariableIsUndefined", PsrpEmulator.Protocol.Psrp.ErrorCategory.InvalidOperation, ScriptedError.RuntimeExceptionType, name);

    public PsrpEmulator.Protocol.Clixml.PsValue? Get(string name)
    {
        name = BracedVariableNames.Decode(name);
        // $true and $false are constants wherever they are read, a member path's head too ($true.PSObject, $false.Count).
        if (name.Equals("true", StringComparison.OrdinalIgnoreCase)) return PsrpEmulator.Protocol.Clixml.PsPrimitive.Boolean(true);
        if (name.Equals("false", StringComparison.OrdinalIgnoreCase)) return PsrpEmulator.Protocol.Clixml.PsPrimitive.Boolean(false);
        // $PSItem is $_ wherever $_ is set (a pipeline's block, switch, catch, a range's items).
        if (name.Equals("PSItem", StringComparison.OrdinalIgnoreCase)) name = "_";
        if (dollarUnder is { } number && name == "_") return number.Made ??= ValueTemplate.Integer(number.Value);
        if (name.StartsWith("using:", StringComparison.OrdinalIgnoreCase))
        {
            // $using:x: the value Invoke-Command sent for it. A client that sent none (a script pypsrp sends as text)
            // finds none on Windows either: VariableOps.GetUsingValue's UsingWithoutInvokeCommand, the statement's error.
            // A value sent for a whole expression on it ($using:list[1], $using:a.Length) is read as that expression's, after
            // this lookup of its head: no value here then, and no error.
            if (locals is not null && locals.TryGetValue(name, out var sent)) return sent;
            return locals is not null && locals.Keys.Any(key => key.Length > name.Length && key.StartsWith(name, StringComparison.OrdinalIgnoreCase) && key[name.Length] is '[' or '.')
                ? null
                : throw new ScriptExpressionException(UsingWithoutInvokeCommand);
        }

        if (locals is not null && locals.TryGetValue(name, out var local)) return local;
        // A function sees its own variables, then its callers', then the session's.
        if (Scoped(name) is { } scoped) return scoped;
        // $alias:dir: the command the alias stands for (Windows PowerShell 5.1's default aliases; one the session set is
        // among its variables, read below).
        if (name.StartsWith("alias:", StringComparison.OrdinalIgnoreCase) &&
            WindowsCommands.Aliases.FirstOrDefault(a => a.Key.Equals(name[6..], StringComparison.OrdinalIgnoreCase)).Value is { } target)
        {
            return PsrpEmulator.Protocol.Clixml.PsPrimitive.String(target);
        }

        if (Existing is { } r && r.TryGetVariable(name, out var value) && !HiddenSessionVariable(name)) return value;
        // ${function:cd..}: a built-in function's script block, until the session removes or redefines it.
        if (name.StartsWith("function:", StringComparison.OrdinalIgnoreCase) && Existing is not null && RunContext.BuiltInFunctionText(name[9..]) is { } builtIn)
        {
            return PsrpEmulator.Protocol.Clixml.PsPrimitive.ScriptBlock(builtIn);
        }

        if (name.Equals("PSDefaultParameterValues", StringComparison.OrdinalIgnoreCase))
        {
            // The session's own, empty until a script adds to it ($PSDefaultParameterValues['*:Encoding'] = 'utf8'): kept,
            // so that what a script puts in it is there the next time it reads it. UNVERIFIED beyond its existence:
            // the emulator does not apply its defaults to the commands it answers.
            var defaults = PsrpEmulator.Protocol.Clixml.PsObjects.Dictionary([], ["System.Management.Automation.DefaultParameterDictionary", "System.Collections.Hashtable", "System.Object"]);
            Runspace.SetVariable("PSDefaultParameterValues", defaults);
            return defaults;
        }

        return host?.AutomaticVariable(name) is { } automatic ? WithCurrentLocation(name, automatic) : WorkingLocation(name) ?? ScriptFileVariable(name);
    }

    // $ExecutionContext.SessionState.Path.CurrentLocation: the session's location now, a PathInfo as $PWD is (the host's
    // object copied, so that a later Set-Location is seen by a later read).
    private PsrpEmulator.Protocol.Clixml.PsValue WithCurrentLocation(string name, PsrpEmulator.Protocol.Clixml.PsValue automatic)
    {
        if (!name.Equals("ExecutionContext", StringComparison.OrdinalIgnoreCase) || automatic is not PsrpEmulator.Protocol.Clixml.PsObject engine ||
            engine["SessionState"] is not PsrpEmulator.Protocol.Clixml.PsObject sessionState || sessionState["Path"] is not PsrpEmulator.Protocol.Clixml.PsObject path ||
            WorkingLocation("PWD") is not { } location)
        {
            return automatic;
        }

        return engine.ShallowCopy().With("SessionState", sessionState.ShallowCopy().With("Path", path.ShallowCopy().With("CurrentLocation", location)));
    }

    // $PSScriptRoot and $PSCommandPath outside a script file: empty strings, as ScriptBlock.SetPSScriptRootAndPSCommandPath
    // sets them for a script block that has no file (a remote command's), not $null.
    private static PsrpEmulator.Protocol.Clixml.PsValue? ScriptFileVariable(string name) =>
        name.Equals("PSScriptRoot", StringComparison.OrdinalIgnoreCase) || name.Equals("PSCommandPath", StringComparison.OrdinalIgnoreCase)
            ? PsrpEmulator.Protocol.Clixml.PsPrimitive.String(string.Empty)
            : null;

    // $PWD: the session's location (Set-Location), else where a remote session starts, the user's Documents folder, as
    // the PathInfo PowerShell's Get-Location writes (its Drive and Provider as their text, as a serializer writes them at depth 1).
    private PsrpEmulator.Protocol.Clixml.PsValue? WorkingLocation(string name)
    {
        if (!name.Equals("PWD", StringComparison.OrdinalIgnoreCase)) return null;
        var path = Existing?.Location ?? (host?.EnvironmentVariable("USERPROFILE") is { Length: > 0 } profile ? profile.TrimEnd('\\') + "\\Documents" : null);
        return path is null ? null : PathInfo(path);
    }

    /// <summary>A FileSystem path as Get-Location, Resolve-Path and Set-Location -PassThru write it.</summary>
    public static PsrpEmulator.Protocol.Clixml.PsObject PathInfo(string path) =>
        new PsrpEmulator.Protocol.Clixml.PsObject(["System.Management.Automation.PathInfo", "System.Object"]) { ToStringValue = path }
            .With("Drive", path[..1])
            .With("Provider", "Microsoft.PowerShell.Core\\FileSystem")
            .With("ProviderPath", path)
            .With("Path", path);

    /// <summary>
    /// The value Invoke-Command sent for a whole <c>$using:</c> expression (<c>using:list[1]</c>, <c>using:a.Length</c>:
    /// its text after the <c>$</c>); null when none was sent.
    /// </summary>
    public PsrpEmulator.Protocol.Clixml.PsValue? UsingExpression(string text) =>
        text.StartsWith("using:", StringComparison.OrdinalIgnoreCase) && locals is not null && locals.TryGetValue(text, out var sent) ? sent : null;

    public void SetLocal(string name, PsrpEmulator.Protocol.Clixml.PsValue? value)
    {
        name = BracedVariableNames.Decode(name);
        if (name == "_") ClearDollarUnder();
        if (value is not null) (locals ??= new(StringComparer.OrdinalIgnoreCase))[name] = value;
        else Remove(name);
    }

    /// <summary>
    /// What a call's locals hold for the name now, to put back when the call ends: the local value ($_ and $PSItem: the
    /// value read, a counting loop's number too); null when there is none, a variable of a scope or the session's
    /// staying where it is (put back as a local, it hid what the call assigned there: <c>$global:c = 5</c>).
    /// </summary>
    public PsrpEmulator.Protocol.Clixml.PsValue? SavedLocal(string name) =>
        name is "_" || name.Equals("PSItem", StringComparison.OrdinalIgnoreCase) ? Get(name) : locals?.GetValueOrDefault(BracedVariableNames.Decode(name));

    /// <summary>$_ is the integer <paramref name="value"/> (a counting loop's), until the next <see cref="SetLocal"/> or <see cref="Set"/> of $_.</summary>
    public void SetDollarUnder(long value)
    {
        var number = dollarUnder ??= new LoopNumber();
        number.Value = value;
        number.Made = null;
    }

    private void ClearDollarUnder() => dollarUnder = null;

    private void Remove(string name)
    {
        if (locals is null) return;
        locals.Remove(name);
        if (locals.Count == 0) locals = null;
    }

    /// <summary>
    /// Remove-Variable: the variable of the innermost scope that has it (a function's own, else the session's) is gone;
    /// false when none has it.
    /// </summary>
    public bool Unset(string name)
    {
        name = BracedVariableNames.Decode(name);
        if (locals is not null && locals.Remove(name))
        {
            if (locals.Count == 0) locals = null;
            // A function's parameter is its scope's too, with any type and attributes it kept.
            if (functionScopes is [.., var own] && own.Remove(name))
            {
                own.Remove(ConstraintKey(name));
                own.Remove(ValidationKey(name));
            }

            return true;
        }

        if (functionScopes is not null)
        {
            for (var i = functionScopes.Count - 1; i >= 0; i--)
            {
                if (functionScopes[i].Remove(name))
                {
                    functionScopes[i].Remove(ConstraintKey(name));
                    functionScopes[i].Remove(ValidationKey(name));
                    return true;
                }
            }
        }

        return Existing?.RemoveVariable(name) ?? false;
    }

    // A variable's type constraint ([int]$x = ...) is kept beside it, under a name no script variable can have.
    internal static string ConstraintKey(string name) => ConstraintPrefix + name;

    private const string ConstraintPrefix = "type:";
    private const string ValidationPrefix = "validate:";

    // Its validation attributes ([ValidateRange(1,5)]$x = ...) the same way: their texts, a line each.
    internal static string ValidationKey(string name) => ValidationPrefix + name;

    // A function's parameter's type is kept with this mark: its conversion's failure is the cast's own error, as for the
    // function's typed local it is in PowerShell, not the variable's ArgumentTransformationMetadataException.
    private const string ParameterTypeMark = "parameter ";

    /// <summary>What a function's scope keeps for its parameter of <paramref name="type"/> (under <see cref="ConstraintKey"/>; the mark alone for an untyped one).</summary>
    internal static PsrpEmulator.Protocol.Clixml.PsValue ParameterConstraint(ScriptExpressions.KnownType? type) => PsrpEmulator.Protocol.Clixml.PsPrimitive.String(ParameterTypeMark + type?.ScriptName);

    /// <summary>
    /// The .NET types of the attributes the variable the current scope sees keeps (PSVariable.Attributes): a function's
    /// parameter's ParameterAttribute (one with a validation attribute), its type's ArgumentTypeConverterAttribute, then
    /// its validation attributes in order (<c>ValidateRangeAttribute</c>).
    /// </summary>
    public IReadOnlyList<string> AttributeTypeNames(string name)
    {
        name = BracedVariableNames.Decode(name);
        if (!Runspace.HasTypeConstraints && functionScopes is null) return [];
        PsrpEmulator.Protocol.Clixml.PsValue? type = null, validations = null;
        for (var i = (functionScopes?.Count ?? 0) - 1; i >= 0 && type is null && validations is null; i--)
        {
            if (!functionScopes![i].ContainsKey(name)) continue;
            type = functionScopes[i].GetValueOrDefault(ConstraintKey(name));
            validations = functionScopes[i].GetValueOrDefault(ValidationKey(name));
            if (type is null && validations is null) return [];
        }

        if (type is null && validations is null && Existing is { } session)
        {
            session.TryGetVariable(ConstraintKey(name), out type);
            session.TryGetVariable(ValidationKey(name), out validations);
        }

        // A parameter with no attribute but its type has none at all (pwsh 7.6.9: the compiler's typed local, no PSVariable's).
        if (VariableAttributes.Kept(type, validations) is not { } kept || kept.ParameterType && kept.Validations is not { Count: > 0 }) return [];
        List<string> names = [];
        if (kept.ParameterType) names.Add("System.Management.Automation.ParameterAttribute");
        if (kept.Type is not null) names.Add("System.Management.Automation.ArgumentTypeConverterAttribute");
        foreach (var attribute in kept.Validations ?? []) names.Add("System.Management.Automation." + ScriptParameters.AttributeName(attribute) + "Attribute");

        return names;
    }

    /// <summary>
    /// <c>[ref]$name</c>: a reference to the variable where the current scope finds it (a function's parameter in that
    /// function's scope); null when there is none (PowerShell's NonExistingVariableReference).
    /// </summary>
    public PsrpEmulator.Protocol.Clixml.PsObject? ReferenceTo(string written)
    {
        var name = BracedVariableNames.Decode(written.Trim().TrimStart('$'));
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        var prefix = colon > 0 ? name[..colon] : string.Empty;
        var session = prefix.Equals("global", StringComparison.OrdinalIgnoreCase) || prefix.Equals("script", StringComparison.OrdinalIgnoreCase);
        if (colon > 0 && (session || prefix.Equals("local", StringComparison.OrdinalIgnoreCase) || prefix.Equals("private", StringComparison.OrdinalIgnoreCase))) name = name[(colon + 1)..];
        else if (colon > 0) return null;
        if (name.Equals("null", StringComparison.OrdinalIgnoreCase)) return VariableReferences.OfVariable(name, PsrpEmulator.Protocol.Clixml.PsNil.Instance, this, new(StringComparer.OrdinalIgnoreCase), null);
        if (!session)
        {
            // A function's parameter is in its scope too (the call's locals are read first); a variable there, or in a caller's.
            for (var i = (functionScopes?.Count ?? 0) - 1; i >= 0; i--)
            {
                if (functionScopes![i].TryGetValue(name, out var scoped))
                {
                    return VariableReferences.OfVariable(name, locals?.GetValueOrDefault(name) ?? scoped, this, functionScopes[i], null);
                }
            }

            // A top-level script's own parameter (Invoke-Command's param block) is one of its locals, outside any function.
            if ((functionScopes?.Count ?? 0) == 0 && locals is not null && locals.TryGetValue(name, out var local))
            {
                return VariableReferences.OfVariable(name, local, this, locals, null);
            }
        }

        var runspace = Runspace;
        return runspace.TryGetVariable(name, out var value) ? VariableReferences.OfVariable(name, value, this, null, runspace) : null;
    }

    /// <summary>
    /// A reference's variable set: in its function's scope (and the call's locals, when that scope is the innermost one
    /// with the name: they are the same parameter) or the session's.
    /// </summary>
    internal void SetReferenced(string name, PsrpEmulator.Protocol.Clixml.PsValue value, Dictionary<string, PsrpEmulator.Protocol.Clixml.PsValue>? scope)
    {
        if (scope is null)
        {
            Runspace.SetVariable(name, value);
            return;
        }

        scope[name] = value;
        if (locals is null || !locals.ContainsKey(name)) return;
        for (var i = (functionScopes?.Count ?? 0) - 1; i >= 0; i--)
        {
            if (!functionScopes![i].ContainsKey(name)) continue;
            if (ReferenceEquals(functionScopes[i], scope)) locals[name] = value;
            return;
        }
    }

    /// <summary>
    /// The ValidateScript attributes (as written) and the type the variable an assignment to <paramref name="written"/>
    /// would set keeps (a function's own, or the session's): an assignment runs them on its value before it sets it (this
    /// class runs no script); none for almost every variable.
    /// </summary>
    public (IReadOnlyList<string> Scripts, ScriptExpressions.KnownType? Type) KeptScriptValidations(string written)
    {
        if (!Runspace.HasTypeConstraints) return ([], null);
        var bare = BracedVariableNames.Decode(written).Trim().TrimStart('$');
        var colon = bare.IndexOf(':', StringComparison.Ordinal);
        var prefix = colon > 0 ? bare[..colon] : string.Empty;
        var name = bare[(colon + 1)..];
        var session = prefix.Equals("global", StringComparison.OrdinalIgnoreCase) || prefix.Equals("script", StringComparison.OrdinalIgnoreCase);
        if (colon > 0 && !session && !prefix.Equals("local", StringComparison.OrdinalIgnoreCase) && !prefix.Equals("private", StringComparison.OrdinalIgnoreCase)) return ([], null);
        PsrpEmulator.Protocol.Clixml.PsValue? type = null, validations = null;
        if (!session && functionScopes is [.., var own])
        {
            type = own.GetValueOrDefault(ConstraintKey(name));
            validations = own.GetValueOrDefault(ValidationKey(name));
        }
        else
        {
            Runspace.TryGetVariable(ConstraintKey(name), out type);
            Runspace.TryGetVariable(ValidationKey(name), out validations);
        }

        if (VariableAttributes.Kept(type, validations) is not { Validations: { } kept } attributes) return ([], null);
        List<string>? scripts = null;
        foreach (var attribute in kept)
        {
            if (ScriptParameters.IsScriptValidation(attribute)) (scripts ??= []).Add(attribute);
        }

        return scripts is null ? ([], null) : (scripts, attributes.Type);
    }

    /// <summary>Whether the name is one a variable's kept type or validation attributes are under, not a variable's.</summary>
    internal static bool IsAttributeKey(string name) => name.StartsWith(ConstraintPrefix, StringComparison.Ordinal) || name.StartsWith(ValidationPrefix, StringComparison.Ordinal);

    /// <summary>
    /// A function call's own scope, made from its bound parameters (and automatic variables): they are its scope's
    /// variables, with the types and validation attributes they kept (its assignments find them there, a function it
    /// calls does not, and an assignment by that function leaves them as they were). The attributes are taken out of
    /// <paramref name="locals"/>, which the call still reads first.
    /// </summary>
    internal Dictionary<string, PsrpEmulator.Protocol.Clixml.PsValue> FunctionScopeOf(Dictionary<string, PsrpEmulator.Protocol.Clixml.PsValue> locals)
    {
        var scope = new Dictionary<string, PsrpEmulator.Protocol.Clixml.PsValue>(locals, StringComparer.OrdinalIgnoreCase);
        if (!RemoveAttributeKeys(locals) || Runspace.HasTypeConstraints) return scope;
        // Assignments look for kept attributes from now on only when a parameter has a type or a validation (an untyped
        // one's mark is for its PSVariable's ParameterAttribute alone).
        foreach (var (name, value) in scope)
        {
            if (name.StartsWith(ValidationPrefix, StringComparison.Ordinal) ||
                name.StartsWith(ConstraintPrefix, StringComparison.Ordinal) && value is PsrpEmulator.Protocol.Clixml.PsPrimitive { Value: string kept } && kept != ParameterTypeMark)
            {
                Runspace.HasTypeConstraints = true;
                break;
            }
        }

        return scope;
    }

    /// <summary>The kept types and validation attributes taken out of a call's locals (a dot-sourced call's are the caller's plain variables); true when there were any.</summary>
    internal static bool RemoveAttributeKeys(Dictionary<string, PsrpEmulator.Protocol.Clixml.PsValue> locals)
    {
        List<string>? keys = null;
        foreach (var name in locals.Keys)
        {
            if (IsAttributeKey(name)) (keys ??= []).Add(name);
        }

        if (keys is null) return false;
        foreach (var name in keys) locals.Remove(name);
        return true;
    }

    // A variable's options (ReadOnly, Constant) are kept beside it the same way.
    private static string OptionKey(string name) => "option:" + name;

    /// <summary>The options of the variable an assignment here would change (New-Variable -Option ReadOnly); null for none.</summary>
    public string? Options(string name, bool session = false)
    {
        name = BracedVariableNames.Decode(name);
        if (!Runspace.HasVariableOptions) return null;
        if (!session && functionScopes is not null)
        {
            return functionScopes[^1].TryGetValue(OptionKey(name), out var own) ? PipelineVariables.Display(own) : null;
        }

        return Runspace.TryGetVariable(OptionKey(name), out var kept) ? PipelineVariables.Display(kept) : null;
    }

    /// <summary>Gives the variable (the scope's own, or the session's) options; "None" clears them.</summary>
    public void SetOptions(string name, string options, bool session)
    {
        name = BracedVariableNames.Decode(name);
        var value = PsrpEmulator.Protocol.Clixml.PsPrimitive.String(options);
        Runspace.HasVariableOptions = true;
        if (!session && functionScopes is not null) functionScopes[^1][OptionKey(name)] = value;
        else Runspace.SetVariable(OptionKey(name), value);
    }

    // An assignment to a ReadOnly or Constant variable: PowerShell's VariableNotWritable (the value stays).
    private void CheckWritable(string name, bool session)
    {
        if (Options(name, session) is { } options && (options.Contains("ReadOnly", StringComparison.OrdinalIgnoreCase) || options.Contains("Constant", StringComparison.OrdinalIgnoreCase)))
        {
            throw new ScriptExpressionException(new ScriptedError($"Cannot overwrite variable {name} because it is read-only or constant.", "VariableNotWritable",
                PsrpEmulator.Protocol.Psrp.ErrorCategory.WriteError, "System.Management.Automation.SessionStateUnauthorizedAccessException", name));
        }
    }

    /// <summary>An assignment: in a function, to the function's own scope; else to the session's.</summary>
    /// <exception cref="ScriptExpressionException">The variable has a type (<c>[int]$x</c>) the value does not convert to, or a validation attribute it fails.</exception>
    /// <param name="type">The type the assignment gives the variable (<c>[int]$x = ...</c>).</param>
    /// <param name="force">Set-Variable -Force: a ReadOnly variable changes too (a Constant one never).</param>
    /// <param name="validations">The validation attributes the assignment gives the variable (<c>[ValidateRange(1,5)]$x = ...</c>), as written.</param>
    public void Set(string name, PsrpEmulator.Protocol.Clixml.PsValue value, ScriptExpressions.KnownType? type = null, bool force = false, IReadOnlyList<string>? validations = null)
    {
        name = BracedVariableNames.Decode(name);
        if (Runspace.HasVariableOptions && !(force && Options(name)?.Contains("Constant", StringComparison.OrdinalIgnoreCase) != true)) CheckWritable(name, session: false);
        if (name == "_") ClearDollarUnder();
        if (functionScopes is not null)
        {
            var own = functionScopes[^1];
            var attributes = new VariableAttributes(type, validations);
            if (attributes.Given || Runspace.HasTypeConstraints)
            {
                // Converted and validated first: refused, the variable (a parameter's too) keeps its value.
                var kept = attributes.Given ? null : VariableAttributes.Kept(own.GetValueOrDefault(ConstraintKey(name)), own.GetValueOrDefault(ValidationKey(name)));
                value = Constrained(name, value, attributes, kept, existed: own.ContainsKey(name) || locals?.ContainsKey(name) == true);
            }

            Remove(name);
            own[name] = value;
            if (!attributes.Given) return;
            attributes.Keep(own, name);
            Runspace.HasTypeConstraints = true;
            return;
        }

        SetSession(name, value, type, validations);
        Remove(name);
    }

    /// <summary><c>$global:x = ...</c> / <c>$script:x = ...</c>: the session's variable, from inside a function too.</summary>
    public void SetGlobal(string name, PsrpEmulator.Protocol.Clixml.PsValue value, ScriptExpressions.KnownType? type = null, bool force = false, IReadOnlyList<string>? validations = null)
    {
        name = BracedVariableNames.Decode(name);
        if (Runspace.HasVariableOptions && !(force && Options(name, session: true)?.Contains("Constant", StringComparison.OrdinalIgnoreCase) != true)) CheckWritable(name, session: true);
        if (name == "_") ClearDollarUnder();
        Remove(name);
        if (functionScopes is not null)
        {
            foreach (var scope in functionScopes) scope.Remove(name);
        }

        SetSession(name, value, type, validations);
    }

    private void SetSession(string name, PsrpEmulator.Protocol.Clixml.PsValue value, ScriptExpressions.KnownType? type, IReadOnlyList<string>? validations)
    {
        var runspace = Runspace;
        var attributes = new VariableAttributes(type, validations);
        if (!attributes.Given && !runspace.HasTypeConstraints)
        {
            runspace.SetVariable(name, value);
            return;
        }

        var kept = attributes.Given ? null : VariableAttributes.Kept(
            runspace.TryGetVariable(ConstraintKey(name), out var constraint) ? constraint : null,
            runspace.TryGetVariable(ValidationKey(name), out var validation) ? validation : null);
        runspace.SetVariable(name, Constrained(name, value, attributes, kept, existed: attributes.Given && runspace.TryGetVariable(name, out _)));
        if (!attributes.Given) return;
        runspace.SetVariable(ConstraintKey(name), attributes.TypeText);
        runspace.SetVariable(ValidationKey(name), attributes.ValidationText);
        runspace.HasTypeConstraints = true;
    }

    /// <summary>
    /// The attributes an assignment gives a variable (<c>[ValidateRange(1,5)][int]$x = ...</c>), which replace any it had,
    /// or those it kept from such an assignment.
    /// </summary>
    private readonly record struct VariableAttributes(ScriptExpressions.KnownType? Type, IReadOnlyList<string>? Validations, bool ParameterType = false)
    {
        /// <summary>Whether the assignment gave any (then they replace the variable's, none given included).</summary>
        public bool Given => Type is not null || Validations is not null;

        public PsrpEmulator.Protocol.Clixml.PsValue TypeText => Type is null ? PsrpEmulator.Protocol.Clixml.PsNil.Instance : PsrpEmulator.Protocol.Clixml.PsPrimitive.String(Type.ScriptName);

        public PsrpEmulator.Protocol.Clixml.PsValue ValidationText => Validations is not { Count: > 0 } ? PsrpEmulator.Protocol.Clixml.PsNil.Instance : PsrpEmulator.Protocol.Clixml.PsPrimitive.String(string.Join('\n', Validations));

        /// <summary>The variable's own, from the texts kept beside it.</summary>
        public static VariableAttributes? Kept(PsrpEmulator.Protocol.Clixml.PsValue? type, PsrpEmulator.Protocol.Clixml.PsValue? validations)
        {
            var typeName = type is PsrpEmulator.Protocol.Clixml.PsPrimitive { Value: string text } ? text : null;
            var parameter = typeName is not null && typeName.StartsWith(ParameterTypeMark, StringComparison.Ordinal);
            var keptTypeName = parameter ? typeName![ParameterTypeMark.Length..] : typeName;
            var keptType = string.IsNullOrEmpty(keptTypeName) ? null : ScriptExpressions.ResolveType(keptTypeName);
            string[]? keptValidations = validations is PsrpEmulator.Protocol.Clixml.PsPrimitive { Value: string lines } ? lines.Split('\n') : null;
            return keptType is null && keptValidations is null && !parameter ? null : new VariableAttributes(keptType, keptValidations, parameter);
        }

        /// <summary>Kept beside the variable in a function's scope (none removes what it had).</summary>
        public void Keep(Dictionary<string, PsrpEmulator.Protocol.Clixml.PsValue> scope, string name)
        {
            if (Type is null) scope.Remove(ConstraintKey(name));
            else scope[ConstraintKey(name)] = TypeText;
            if (Validations is not { Count: > 0 }) scope.Remove(ValidationKey(name));
            else scope[ValidationKey(name)] = ValidationText;
        }
    }

    // The value as the variable holds it: converted to a type given now ([int]$x = '5'), else to the type the variable
    // kept from such an assignment, as PowerShell's ArgumentTypeConverterAttribute on the variable converts it (its
    // failure either way ArgumentTransformationMetadataException, MetadataError: pwsh 7.6 for [int]$x = 'abc'); then
    // checked by the validation attributes given now or kept (PSVariable.IsValidValue): a variable made by this
    // assignment refuses the attribute (PSVariableAttributeCollection's InvalidMetadataForCurrentValue, and it is not
    // made), any other the value (Metadata.InvalidValueFailure, the value kept), both ValidateSetFailure, MetadataError.
    private static PsrpEmulator.Protocol.Clixml.PsValue Constrained(string name, PsrpEmulator.Protocol.Clixml.PsValue value, VariableAttributes given, VariableAttributes? kept, bool existed)
    {
        var attributes = given.Given ? given : kept ?? default;
        var converted = value;
        if (attributes.Type is { } constraint)
        {
            try
            {
                converted = ScriptExpressions.Cast(value, constraint);
            }
            catch (ScriptExpressionException e) when (attributes.ParameterType)
            {
                throw new ScriptExpressionException(e.Error with { TargetName = null });
            }
            catch (ScriptExpressionException e)
            {
                throw new ScriptExpressionException(e.Error with
                {
                    FullyQualifiedErrorId = "RuntimeException",
                    Category = PsrpEmulator.Protocol.Psrp.ErrorCategory.MetadataError,
                    ExceptionType = "System.Management.Automation.ArgumentTransformationMetadataException",
                    TargetName = null,
                });
            }
        }

        foreach (var attribute in attributes.Validations ?? [])
        {
            if (ScriptParameters.PropertyValidationFailure(attribute, converted) is not null) throw new ScriptExpressionException(VariableValidationFailure(name, converted, adding: given.Given && !existed));
        }

        return converted;
    }

    /// <summary>
    /// A value a variable's validation attribute refuses: <paramref name="adding"/>, the assignment that gives a new
    /// variable its attributes (PSVariableAttributeCollection's InvalidMetadataForCurrentValue), else Metadata's
    /// InvalidValueFailure; both ValidateSetFailure, MetadataError, with the value's ToString().
    /// </summary>
    internal static ScriptedError VariableValidationFailure(string name, PsrpEmulator.Protocol.Clixml.PsValue value, bool adding)
    {
        var shown = value is PsrpEmulator.Protocol.Clixml.PsNil ? null : Display(ScriptExpressions.Method(value, "ToString", []));
        return new ScriptedError(
            adding
                ? $"The attribute cannot be added because variable {name} with value {shown} would no longer be valid."
                : $"The variable cannot be validated because the value {shown ?? "$null"} is not a valid value for the {name} variable.",
            "ValidateSetFailure", PsrpEmulator.Protocol.Psrp.ErrorCategory.MetadataError, "System.Management.Automation.ValidationMetadataException");
    }

    /// <summary>
    /// An assignment to <paramref name="written"/> as the script wrote the name (<c>x</c>, <c>global:x</c>,
    /// <c>script:x</c>, <c>local:x</c>, <c>private:x</c>: the current scope's, which its children do not see in
    /// PowerShell; here they do).
    /// </summary>
    public void SetScoped(string written, PsrpEmulator.Protocol.Clixml.PsValue value, ScriptExpressions.KnownType? type = null, IReadOnlyList<string>? validations = null)
    {
        written = BracedVariableNames.Decode(written);
        var bare = written.Trim().TrimStart('$');
        var colon = bare.IndexOf(':', StringComparison.Ordinal);
        var prefix = colon > 0 ? bare[..colon] : string.Empty;
        var name = bare[(colon + 1)..];
        if (prefix.Equals("global", StringComparison.OrdinalIgnoreCase) || prefix.Equals("script", StringComparison.OrdinalIgnoreCase)) SetGlobal(name, value, type, validations: validations);
        else if (prefix.Equals("function", StringComparison.OrdinalIgnoreCase)) SetFunctionItem(name, value);
        else if (prefix.Equals("alias", StringComparison.OrdinalIgnoreCase)) Set("alias:" + name, PsrpEmulator.Protocol.Clixml.PsPrimitive.String(Display(value)));
        else Set(name, value, type, validations: validations);
        // $private:x = ...: the scope's own variable, which the scopes it calls do not see (a later $x = ... keeps it so).
        if (prefix.Equals("private", StringComparison.OrdinalIgnoreCase) && !IsPrivate(Options(name) ?? string.Empty))
        {
            SetOptions(name, Options(name) is { } options && !options.Equals("None", StringComparison.OrdinalIgnoreCase) ? options + ", Private" : "Private", session: false);
        }
    }

    // $function:name = value, as FunctionProvider.SetSessionStateItem takes it: a script block is the function's body, a
    // string its text (ScriptBlock.Create; a body a client sent as an argument arrives as one), $null removes the function;
    // any other value is its ArgumentException.
    private void SetFunctionItem(string name, PsrpEmulator.Protocol.Clixml.PsValue value)
    {
        switch (value)
        {
            case PsrpEmulator.Protocol.Clixml.PsNil:
                Unset("function:" + name);
                return;
            case PsrpEmulator.Protocol.Clixml.PsPrimitive { Type: PsrpEmulator.Protocol.Clixml.PsPrimitiveType.ScriptBlock }:
                Set("function:" + name, value);
                return;
            case PsrpEmulator.Protocol.Clixml.PsPrimitive { Value: string text }:
                Set("function:" + name, PsrpEmulator.Protocol.Clixml.PsPrimitive.ScriptBlock(text));
                return;
            default:
                throw new ScriptExpressionException(new ScriptedError(
                    "Cannot process argument because the value of argument \"value\" is not valid. Change the value of the \"value\" argument and run the operation again.",
                    "Argument", PsrpEmulator.Protocol.Psrp.ErrorCategory.InvalidArgument, "System.Management.Automation.PSArgumentException", null));
        }
    }

    // A PSCustomObject (made by [pscustomobject], Select-Object, New-Object PSObject -Property...) without a text of its
    // own: PowerShell writes it into a string as "@{Name=WinRM; Status=Running}" (PSObject's ToString of an object with
    // no base object).
    internal static bool IsCustomObject(PsrpEmulator.Protocol.Clixml.PsObject o) =>
        o is { CollectionKind: PsrpEmulator.Protocol.Clixml.PsCollectionKind.None, BaseValue: null, ToStringValue: null or "" } &&
        o.TypeNames is { } names && (names.Contains(PsrpEmulator.Protocol.Clixml.PsObjects.PSCustomObjectTypeName) ||
                                     names.Contains("Deserialized." + PsrpEmulator.Protocol.Clixml.PsObjects.PSCustomObjectTypeName));

    private static string CustomObjectText(PsrpEmulator.Protocol.Clixml.PsObject o, int depth)
    {
        var text = new StringBuilder("@{");
        var first = true;
        // Add-Member's script and alias properties where they stand among the notes: a script property as its
        // PSScriptProperty's type name, as PSObject's ToString does not run a getter; an alias as its member's value.
        var names = Formatting.FormatViews.DisplayProperties(o).Select(name => (Name: name, Script: (ScriptMembers.Member?)null)).ToList();
        foreach (var member in ScriptMembers.Properties(o)) names.Insert(Math.Min(member.Position, names.Count), (member.Name, member));
        foreach (var (name, script) in names)
        {
            if (!first) text.Append("; ");
            first = false;
            text.Append(name).Append('=');
            if (script is { Kind: ScriptMembers.Kind.Property })
            {
                text.Append("System.Management.Automation.PSScriptProperty");
                continue;
            }

            var property = script is null ? o[name] : VariableValueTemplate.Member(o, script.Body);
            text.Append(property switch
            {
                null or PsrpEmulator.Protocol.Clixml.PsNil => string.Empty,
                // Nested ones as their own text (bounded: an object that holds itself stops at the depth).
                PsrpEmulator.Protocol.Clixml.PsObject nested when IsCustomObject(nested) => depth < 8 ? CustomObjectText(nested, depth + 1) : string.Empty,
                PsrpEmulator.Protocol.Clixml.PsObject { CollectionKind: not PsrpEmulator.Protocol.Clixml.PsCollectionKind.None } collection =>
                    collection.ToStringValue ?? (collection.TypeNames is [var typeName, ..] ? typeName : "System.Object[]"),
                _ => Display(property),
            });
            if (text.Length > ScriptExpressions.MaxArithmeticLength) throw new ScenarioRuntimeException($"an expanded string is limited to {ScriptExpressions.MaxArithmeticLength} characters in the emulator");
        }

        return text.Append('}').ToString();
    }

    /// <summary>
    /// A value as PowerShell puts it in a string: an array's items joined with spaces ($OFS), $null as nothing. The items
    /// are their ToString, not their own items, as in PowerShell (<c>"$(1, (2, 3))"</c> is <c>1 System.Object[]</c>): so
    /// a list that holds itself, or one array many times over, is a string of bounded work.
    /// </summary>
    public static string Display(PsrpEmulator.Protocol.Clixml.PsValue value) => Display(value, " ");

    /// <summary><see cref="Display(PsrpEmulator.Protocol.Clixml.PsValue)"/> with the items joined by <paramref name="separator"/> ($OFS in a string).</summary>
    public static string Display(PsrpEmulator.Protocol.Clixml.PsValue value, string separator)
    {
        if (!IsJoinedList(value) || value is not PsrpEmulator.Protocol.Clixml.PsObject list)
        {
            if (value is PsrpEmulator.Protocol.Clixml.PsObject custom && IsCustomObject(custom)) return CustomObjectText(custom, 0);
            // A hashtable's ToString is its type's name ("$h" is System.Collections.Hashtable), as any .NET object without its own.
            if (value is PsrpEmulator.Protocol.Clixml.PsObject { CollectionKind: PsrpEmulator.Protocol.Clixml.PsCollectionKind.Dictionary, ToStringValue: null, TypeNames: [var tableType, ..] }) return tableType;
            return value is PsrpEmulator.Protocol.Clixml.PsObject type && ScriptExpressions.TypeObjectText(type) is { } typeText ? typeText : value.ToWindowsText();
        }

        var text = new StringBuilder();
        for (var i = 0; i < list.Items.Count; i++)
        {
            if (i > 0) text.Append(separator);
            text.Append(ItemText(list.Items[i]));
            if (text.Length > ScriptExpressions.MaxArithmeticLength)
            {
                throw new ScenarioRuntimeException($"an expanded string is limited to {ScriptExpressions.MaxArithmeticLength} characters in the emulator");
            }
        }

        return text.ToString();

        static string ItemText(PsrpEmulator.Protocol.Clixml.PsValue item) => item is PsrpEmulator.Protocol.Clixml.PsObject { CollectionKind: not PsrpEmulator.Protocol.Clixml.PsCollectionKind.None } nested
            ? ScriptExpressions.CollectionToString(nested)
            : item.ToWindowsText();
    }

    /// <summary>
    /// $OFS: what joins an array's items when a string takes it (<c>"$list"</c>, <c>"$(...)"</c>); a space when it is
    /// not set or $null.
    /// </summary>
    public string OutputFieldSeparator => Get("OFS") is { } separator and not PsrpEmulator.Protocol.Clixml.PsNil ? Display(separator) : " ";

    /// <summary>A value as a string takes it: <see cref="Display(PsrpEmulator.Protocol.Clixml.PsValue)"/>, a list's items joined by $OFS.</summary>
    public string DisplayInString(PsrpEmulator.Protocol.Clixml.PsValue value) => IsJoinedList(value) ? Display(value, OutputFieldSeparator) : Display(value);

    /// <summary>Whether a string takes the value's items joined (an array or enumerable without a text of its own).</summary>
    public static bool IsJoinedList(PsrpEmulator.Protocol.Clixml.PsValue? value) =>
        value is PsrpEmulator.Protocol.Clixml.PsObject { CollectionKind: PsrpEmulator.Protocol.Clixml.PsCollectionKind.List or PsrpEmulator.Protocol.Clixml.PsCollectionKind.Enumerable
            or PsrpEmulator.Protocol.Clixml.PsCollectionKind.Queue or PsrpEmulator.Protocol.Clixml.PsCollectionKind.Stack, ToStringValue: null };

    /// <summary>
    /// PowerShell's expansion of a double-quoted string's text: $name, ${name} and $? become the variables' text;
    /// backtick escapes (`n, `t, `$, ``) are honoured. $(...) subexpressions and $x.Property are not evaluated.
    /// </summary>
    public string Expand(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '`' && i + 1 < text.Length)
            {
                var next = text[++i];
                sb.Append(next switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '0' => '\0', 'a' => '\a', _ => next });
                continue;
            }

            // "" inside a double-quoted string is one quote.
            if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
            {
                sb.Append('"');
                i++;
                continue;
            }

            if (c == '$' && i + 1 < text.Length)
            {
                // "$?": whether the last statement succeeded, as True or False.
                if (text[i + 1] == '?')
                {
                    sb.Append(LastSucceeded ? "True" : "False");
                    i++;
                    continue;
                }

                string? name = null;
                var end = i;
                if (text[i + 1] is '^' or '$')
                {
                    // "$^", "$$": the first and last token of the script before (set per history script).
                    name = text[(i + 1)..(i + 2)];
                    end = i + 1;
                }
                else if (text[i + 1] == '{')
                {
                    var close = text.IndexOf('}', i + 2);
                    if (close > i + 2)
                    {
                        name = text[(i + 2)..close];
                        end = close;
                    }
                }
                else
                {
                    var j = ScanName(text, i + 1);
                    if (j < text.Length - 1 && text[j] == ':' && (IsScope(text[(i + 1)..j]) || IsEnvironment(text[(i + 1)..j]) || IsItemDrive(text[(i + 1)..j])) && char.IsLetter(text[j + 1])) j = ScanName(text, j + 1);
                    if (j > i + 1)
                    {
                        name = text[(i + 1)..j];
                        end = j - 1;
                    }
                }

                if (name is not null)
                {
                    var colon = name.IndexOf(':', StringComparison.Ordinal);
                    // "${C:\x.txt}": the file's content, its lines joined as an array's in a string (nothing when it is not there).
                    if (text[i + 1] == '{' && Statements.IsFileSystemVariablePath(name))
                    {
                        if (FileSystem is { } disk && VirtualFileSystem.FullPath(name, @"C:\", out _) is { } file && disk.Read(file, out var bytes) == FileSystemFailure.None)
                        {
                            sb.AppendJoin(OutputFieldSeparator, RunContext.SplitLines(RunContext.DecodeText(bytes, RunContext.Ansi)));
                        }

                        i = end;
                        continue;
                    }

                    // "${HKLM:\SOFTWARE}": the provider keeps no content, as outside a string.
                    if (text[i + 1] == '{' && ProviderVariableError(name) is { } providerError) throw new ScriptExpressionException(providerError);

                    if (colon > 0 && IsEnvironment(name[..colon]))
                    {
                        // "$env:COMPUTERNAME", "${env:USERNAME}": the session process's environment.
                        sb.Append(EnvironmentVariable(name[(colon + 1)..]));
                        i = end;
                        continue;
                    }

                    // "$global:x" is $x; "$function:f", "$alias:gci", "$variable:x" read those drives' items, as outside a string.
                    if (colon > 0 && (IsScope(name[..colon]) || IsItemDrive(name[..colon]))) name = VariableValueTemplate.VariableName(name);
                    // "$true", "$false": the constants' text, True and False (they are variables PowerShell defines).
                    if (name.Equals("true", StringComparison.OrdinalIgnoreCase) || name.Equals("false", StringComparison.OrdinalIgnoreCase)) sb.Append(name.Length == 4 ? "True" : "False");
                    else if (Get(name) is { } value) sb.Append(DisplayInString(value));
                    // Set-StrictMode -Version 2 and later: a variable never set is an error in a string too.
                    else if (Runspace.StrictModeVersion >= 2 && StrictModeUnset(name)) throw new ScriptExpressionException(VariableIsUndefined(name));
                    i = end;
                    continue;
                }
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    private static int ScanName(string text, int start)
    {
        var j = start;
        while (j < text.Length && (char.IsLetterOrDigit(text[j]) || text[j] == '_')) j++;
        return j;
    }

    private static bool IsEnvironment(string prefix) => prefix.Equals("env", StringComparison.OrdinalIgnoreCase);

    private static bool IsItemDrive(string prefix) =>
        prefix.Equals("function", StringComparison.OrdinalIgnoreCase) || prefix.Equals("alias", StringComparison.OrdinalIgnoreCase) ||
        prefix.Equals("variable", StringComparison.OrdinalIgnoreCase);

    // $global:x, $script:x, $local:x, $private:x, $using:x name the same variable here.
    private static bool IsScope(string prefix) =>
        prefix.Equals("global", StringComparison.OrdinalIgnoreCase) || prefix.Equals("script", StringComparison.OrdinalIgnoreCase) ||
        prefix.Equals("local", StringComparison.OrdinalIgnoreCase) || prefix.Equals("private", StringComparison.OrdinalIgnoreCase) ||
        prefix.Equals("using", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Where <c>$?</c>'s counting stood when a script command started (<see cref="PipelineVariables.BeginScriptCommand"/>).</summary>
internal readonly record struct ErrorStatus(long ErrorsWritten, long ErrorsAtStatementStart, long RuntimeErrors);
