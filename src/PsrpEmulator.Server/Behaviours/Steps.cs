using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>Everything a running step needs.</summary>
internal sealed partial class RunContext(IPipelineHost host, TimeProvider time, Func<ScriptedError, PsObject> errorRecords, RunScope scope, CancellationToken cancellationToken,
    BehaviourCatalog? catalog = null, int depth = 0, string? activity = null)
{
    /// <summary>How deep `run:` / `set: command:` / Start-Job may nest behaviours (a rule running itself must not loop forever).</summary>
    public const int MaxDepth = 32;

    public IPipelineHost Host => host;

    // The scope's value templates read the scenario's services ({ $services: ... }) through its variables. (A bool,
    // as the field exists only to run the assignment: it packs beside the other flags.)
    private readonly bool _catalogShared = (scope.Variables.Catalog ??= catalog) is not null;

    /// <summary>
    /// What only some scripts need (a catch block's error, a function call's own -ErrorAction, a script file), made on
    /// first use: a disconnected shell's sleeping pipeline keeps its RunContext, so each field of its own costs every
    /// shell (issue 7's memory per disconnected shell).
    /// </summary>
    private sealed class SeldomState
    {
        // The errors the catch blocks running now took, innermost last: a bare throw in one throws its error again.
        public List<PsObject>? Caught;

        // The function call whose own -ErrorAction / -WarningAction the statement took off (its bare text), until it binds.
        public (string Text, string? ErrorAction, string? WarningAction)? CallActions;

        // Script files running now: an exit inside one ends the file, and is not the host's SetShouldExit.
        public int ScriptFileDepth;

        // The script file running now (its functions remember it; its call's $MyInvocation names it; its frame reads its
        // lines).
        public ScriptFileText? ScriptFile;

        // The client's script as the functions it defines keep it (ClientScriptSource).
        public ScriptFileText? ClientScript;

        // The script file's text about to be called (BindFunctionAsync gives that call the file's $MyInvocation).
        public string? ScriptFileBody;

        // The history entries Invoke-History is running now (one that invokes itself again is its loop error).
        public HashSet<long>? InvokedHistory;
    }

    private SeldomState? _seldom;

    private SeldomState Seldom => _seldom ??= new SeldomState();

    /// <summary>The services the session's computer has now (the scenario's and those commands installed).</summary>
    public ComputerServices Services => Catalog.ServicesOf(scope.Variables.EnvironmentVariable("COMPUTERNAME"), host.ServiceStates);

    /// <summary>The statement is commands sent as commands: one nothing answers fails the pipeline (<see cref="StatementsScript.UnansweredFails"/>).</summary>
    public bool UnansweredFails { get; init; }
    public BehaviourCatalog Catalog => catalog ?? BehaviourCatalog.Empty;
    public Func<ScriptedError, PsObject> ErrorRecords => errorRecords;
    public int Depth => depth;

    /// <summary>The cmdlet whose rule runs here, which its error steps name as their Activity (null: none).</summary>
    public string? Activity => activity;

    /// <summary>
    /// The cmdlet a rule answering <paramref name="text"/> stands for, as PowerShell names the command that wrote an
    /// error: the statement's first word when it is a Verb-Noun name, spelt as the rule's name spells it when that
    /// starts with the same name (write-error: Write-Error). An alias or anything else: null, as the emulator cannot
    /// say which cmdlet it is.
    /// </summary>
    public static string? ActivityOf(string text, BehaviourRule rule)
    {
        var word = UnknownCommandScript.FirstWordOf(text.TrimStart());
        var dash = word.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || dash == word.Length - 1 || !word.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')) return null;
        var name = rule.Name;
        return name.StartsWith(word, StringComparison.OrdinalIgnoreCase) && (name.Length == word.Length || name[word.Length] == ' ')
            ? name[..word.Length]
            : word;
    }
    public TimeProvider Time => time;
    public RunScope Scope => scope;
    public CancellationToken CancellationToken => cancellationToken;

    public ValueTask WriteAsync(IPsrpMessageBody record) => host.WriteAsync(record, cancellationToken);

    public ValueTask WriteErrorAsync(ScriptedError error) => WriteErrorAsync(error, host);

    /// <summary>A non-terminating error record, to <paramref name="to"/>; it makes <c>$?</c> false after the statement.</summary>
    public ValueTask WriteErrorAsync(ScriptedError error, IPipelineHost to)
    {
        scope.Variables.ErrorsWritten++;
        return to.WriteAsync(new ErrorRecordMessage(errorRecords(ByCaller(error))), cancellationToken);
    }

    // Write-Error's record takes its caller's InvocationInfo ($MyInvocation): in a function or a script file, that
    // command's, so ErrorRecord.FullyQualifiedErrorId ends in its name ("...WriteErrorException,Get-Thing").
    private ScriptedError ByCaller(ScriptedError error) =>
        error is { Caller: null, Activity: { } activity } && activity.Equals("Write-Error", StringComparison.OrdinalIgnoreCase) && error.FullyQualifiedErrorId.Length > 0 &&
        ScriptCaller.FromInvocation(scope.Variables.Get("MyInvocation")) is { } caller
            ? error with { FullyQualifiedErrorId = error.FullyQualifiedErrorId + "," + caller.Name, Caller = caller }
            : error;

    public PsObject ErrorRecord(ScriptedError error) => errorRecords(error);

    /// <summary>
    /// Runs <paramref name="text"/> as a statement of this pipeline: the first rule matching it runs with its own
    /// captures and this pipeline's variables (output to <paramref name="to"/>, else this pipeline). No rule: the
    /// unknown-command error record, as a script reports it. A rule ending Failed or Stopped ends the whole pipeline.
    /// </summary>
    public async ValueTask RunStatementAsync(string text, IPipelineHost? to = null) => await RunStatementAsync(text, to, blockNesting: 0);

    /// <summary>A command argument's value as command mode reads it (<c>-ArgumentList C:\x, $y</c>: a bare word a string, commas an array).</summary>
    public ValueTask<PsValue> ArgumentValueAsync(string text, IPipelineHost? to = null) => ArgumentAsync(text.Trim(), to, blockNesting: 0);

    /// <summary>
    /// PowerShell parses a whole script before it runs any of it: a statement its parser refuses fails the script with
    /// nothing run, even in a branch that would never run. The same parse, ahead of the run (throwing the
    /// <see cref="ScriptParseException"/> the run would raise on reaching the statement): the statements, the value of
    /// each assignment, the blocks and conditions of keywords (function bodies too) and expressions. A statement
    /// another rule answers is the scenario's, and is not looked into; nor are the script blocks given to commands
    /// (they are parsed when they run), nor what lies past the run's own limits, which answer when reached.
    /// </summary>
    /// <param name="script">The script as the client wrote it (comments, param block and all), whose places a parse error names; the text when null.</param>
    /// <summary>
    /// The parse errors found by scanning the whole script rather than its statements: PowerShell 7's operators, the
    /// redirections 5.1 refuses, invalid variable references, parameter lists' errors and pipes with no command. Also
    /// checked for a script a default rule answers whole: they are the language's, not a scenario's.
    /// </summary>
    public static void CheckScriptWide(string script)
    {
        if (Statements.NewerSyntax(script) is { } newer) throw new ScriptParseException(newer);
        if (Statements.Redirections(script) is { } redirection) throw new ScriptParseException(redirection);
        if (Statements.InvalidVariableReference(script) is { } variable) throw new ScriptParseException(variable);
        if (Statements.ParameterListError(script) is { } parameters) throw new ScriptParseException(parameters);
        if (Statements.PipelineFormError(script) is { } pipelineForm) throw new ScriptParseException(pipelineForm);
    }

    public static void CheckSyntax(string text, BehaviourCatalog catalog, string? script = null)
    {
        if (Statements.UnclosedToken(script ?? text) is { } unclosed) throw new ScriptParseException(unclosed);
        CheckScriptWide(script ?? text);
        try
        {
            CheckStatement(text, catalog, 0);
        }
        catch (ScriptParseException e) when (e.Error.ParsePlace is { } place)
        {
            // A statement's error, placed in the whole script when its place there is certain.
            var whole = script ?? text;
            var error = e.Error with { ParsePlace = null };
            if (place(whole) is var (offset, length)) error = error with { Message = ScriptPosition.Message(whole, offset, length, error.Message) };
            throw new ScriptParseException(error);
        }
    }

    private static void CheckStatement(string text, BehaviourCatalog catalog, int nesting)
    {
        text = Statements.BracedVariables(text.Trim());
        if (text.Length == 0 || !CanCheck(nesting)) return;
        if (Statements.Split(text) is { Count: > 1 } statements)
        {
            foreach (var statement in statements) CheckStatement(statement, catalog, nesting + 1);
            return;
        }

        // An assignment with nothing after it ends where a ';' or the line ends ($x = ; 'after').
        if (Statements.EmptyAssignment(text) is { } empty) throw new ScriptParseException(empty);
        if (catalog.Find(text) is null)
        {
            Statements.CheckSplatting(text);
            Statements.CheckUnaryOperatorAlone(text);
            Statements.CheckCallOperatorAlone(text);
            Statements.CheckTypeLiteral(text);
            Statements.CheckIncompleteAccessor(text);
            // A parse error before SemanticChecks' (1 b = 2 is UnexpectedToken 'b').
            Statements.CheckTokenAfterValue(text);
            Statements.CheckAssignmentTarget(text);
            Statements.CheckTrailingArgumentComma(text);
        }

        // An enum definition: PowerShell's parser checks its members and that each value is a constant.
        if (text[0] is '[' or 'e' or 'E' && catalog.Find(text) is null && Checked(Statements.ParseEnum, text) is { } enumStatement)
        {
            if (enumStatement.Members.Any(m => m.Value is not null && !Statements.IsConstantExpression(m.Value)))
            {
                throw new ScriptParseException(ScriptedError.ParseError(EnumeratorValueMustBeConstant, "EnumeratorValueMustBeConstant"));
            }

            return;
        }

        // A class definition: PowerShell's parser checks its members and their bodies, as a function's.
        if (text[0] is 'c' or 'C' && catalog.Find(text) is null && Checked(Statements.ParseClass, text) is { } classStatement)
        {
            foreach (var method in classStatement.Methods.Concat(classStatement.Constructors))
            {
                ScriptParameters.Bind(method.Block, [], out var methodBody);
                CheckStatement(methodBody, catalog, nesting + 1);
            }

            return;
        }

        // An assignment's value is a statement of its own (the default rules' set: runs it as one).
        if (Statements.AssignedValue(text) is { } assigned)
        {
            CheckStatement(assigned, catalog, nesting + 1);
            return;
        }

        // A string a rule answers ("text $(...)") is read by the parser all the same.
        CheckStringSubexpressions(text, catalog, nesting);
        if (catalog.Find(text) is not null) return;
        Statements.CheckPipelineElements(text);
        if (Statements.ScriptBlockBody(text) is { } block)
        {
            CheckStatement(block, catalog, nesting + 1);
            return;
        }

        var keyword = Statements.ParseKeyword(text);
        if (keyword is null) Statements.CheckKeywordWithoutItsParts(text);
        switch (keyword)
        {
            case Statements.FunctionDefinition definition:
                ScriptParameters.Bind(definition.Body, [], out var body);
                CheckStatement(body, catalog, nesting + 1);
                return;
            case List<Statements.IfClause> clauses:
                foreach (var clause in clauses)
                {
                    if (clause.Condition is not null) CheckExpression(clause.Condition, catalog, nesting + 1);
                    CheckStatement(clause.Body, catalog, nesting + 1);
                }

                return;
            case Statements.ForeachStatement foreachLoop:
                if (ScriptExpressions.IntegerRange(foreachLoop.Collection) is null) CheckExpression(foreachLoop.Collection, catalog, nesting + 1);
                CheckStatement(foreachLoop.Body, catalog, nesting + 1);
                return;
            case Statements.LoopStatement loop:
                if (loop.Initializer is not null) CheckStatement(loop.Initializer, catalog, nesting + 1);
                if (loop.Condition is { Length: > 0 } condition) CheckExpression(condition, catalog, nesting + 1);
                if (loop.Iterator is not null) CheckStatement(loop.Iterator, catalog, nesting + 1);
                CheckStatement(loop.Body, catalog, nesting + 1);
                return;
            case Statements.TryStatement tryStatement:
                CheckStatement(tryStatement.Body, catalog, nesting + 1);
                foreach (var handler in tryStatement.Catches) CheckStatement(handler.Body, catalog, nesting + 1);
                if (tryStatement.Finally is not null) CheckStatement(tryStatement.Finally, catalog, nesting + 1);
                // SemanticChecks', after the blocks parse.
                Statements.CheckFinallyFlow(text, tryStatement);
                return;
            case Statements.SwitchStatement switchStatement:
                CheckExpression(switchStatement.Value, catalog, nesting + 1);
                foreach (var clause in switchStatement.Clauses)
                {
                    if (clause.IsCondition) CheckExpression(clause.Test, catalog, nesting + 1);
                    CheckStatement(clause.Body, catalog, nesting + 1);
                }

                return;
        }

        if (Statements.IsReturnChain(text, out var returned))
        {
            CheckStatement(returned, catalog, nesting + 1);
            return;
        }

        if (Statements.IsThrow(text, out var thrown))
        {
            if (thrown.Length > 0) CheckExpression(thrown, catalog, nesting + 1);
            return;
        }

        if (Statements.CompoundAssignment(text) is { Value: { } value })
        {
            CheckExpression(value, catalog, nesting + 1);
            return;
        }

        if (Statements.TypedAssignment(text) is var (_, _, typedValue))
        {
            CheckStatement(typedValue, catalog, nesting + 1);
            return;
        }

        if (Statements.AttributedAssignment(text) is var (_, _, _, attributedValue))
        {
            CheckStatement(attributedValue, catalog, nesting + 1);
            return;
        }

        if (Statements.MultipleAssignment(text) is var (_, _, _, multipleValue))
        {
            CheckStatement(multipleValue, catalog, nesting + 1);
            return;
        }

        if (Statements.StaticPropertyAssignment(text) is var (_, _, _, staticValue))
        {
            CheckStatement(staticValue, catalog, nesting + 1);
            return;
        }

        if (Statements.ElementAssignmentOf(text) is { } element)
        {
            CheckExpression(element.TargetText, catalog, nesting + 1);
            CheckStatement(element.Value, catalog, nesting + 1);
            return;
        }

        if (ScriptExpressions.HasPipeline(text) && PipelineStages(text, null) is { } pipeline)
        {
            // The first command, and the script blocks the pipeline's cmdlets get.
            CheckStatement(pipeline.First, catalog, nesting + 1);
            foreach (var word in pipeline.Stages.SelectMany(stage => stage.Arguments))
            {
                if (Statements.ScriptBlockText(word) is { } stageBlock) CheckStatement(stageBlock, catalog, nesting + 1);
            }

            return;
        }

        if (ScriptExpressions.IsExpression(text))
        {
            CheckExpression(text, catalog, nesting + 1);
            return;
        }

        // A command's arguments in parentheses, $( ) or @( ) hold statements the parser reads with the script's
        // (Write-Output (1 2) is its parse error, placed on the 2).
        if (ScriptExpressions.IsCommandMode(text))
        {
            foreach (var word in Statements.SplitArguments(text).Skip(1))
            {
                var open = word.StartsWith('(') ? 0 : word.StartsWith("$(", StringComparison.Ordinal) || word.StartsWith("@(", StringComparison.Ordinal) ? 1 : -1;
                if (open >= 0 && Statements.MatchingClose(word, open, ')') == word.Length - 1) CheckStatement(word[(open + 1)..^1], catalog, nesting + 1);
                else CheckStringSubexpressions(word, catalog, nesting);
            }
        }
    }

    // A double-quoted string's $( ) subexpressions hold statements the parser reads with the script's ("a $(1 2) b").
    private static void CheckStringSubexpressions(string text, BehaviourCatalog catalog, int nesting)
    {
        if (text.Length < 2 || text[0] != '"' || text[^1] != '"') return;
        for (var i = 1; i < text.Length - 2; i++)
        {
            if (text[i] == '`')
            {
                i++;
                continue;
            }

            if (text[i] != '$' || text[i + 1] != '(') continue;
            var close = Statements.MatchingClose(text, i + 1, ')');
            if (close < 0 || close >= text.Length - 1) return;
            CheckStatement(Statements.SubexpressionCode(text[(i + 2)..close]), catalog, nesting + 1);
            i = close;
        }
    }

    // The parse side of EvaluateAsync: the same steps, nothing evaluated.
    private static void CheckExpression(string text, BehaviourCatalog catalog, int nesting)
    {
        text = text.Trim();
        if (text.Length == 0 || !CanCheck(nesting)) return;
        if (ScriptExpressions.Parenthesized(text) is { } inner)
        {
            CheckExpression(inner, catalog, nesting + 1);
            return;
        }

        Statements.CheckSplatting(text);
        Statements.CheckUnaryOperatorAlone(text);
        Statements.CheckTypeLiteral(text);
        Statements.CheckIncompleteAccessor(text);
        CheckStringSubexpressions(text, catalog, nesting);

        if (ScriptExpressions.IsCommandMode(text) || ScriptExpressions.HasPipeline(text))
        {
            CheckStatement(text, catalog, nesting + 1);
            return;
        }

        if (ScriptExpressions.NumberLiteral(text) is not null) return;
        if (ScriptExpressions.Tokenize(text) is { } tokens)
        {
            ExpressionNode node;
            try
            {
                node = ParseExpression(tokens);
            }
            catch (ScenarioRuntimeException)
            {
                return; // more operators than the emulator takes: the run says so when it gets there
            }

            CheckNode(node, nesting + 1);
            return;
        }

        if (text.StartsWith('!'))
        {
            CheckExpression(text[1..], catalog, nesting + 1);
            return;
        }

        if (ScriptExpressions.HashtableLiteral(text) is var (entries, _))
        {
            foreach (var (_, entryValue, _) in entries) CheckExpression(entryValue, catalog, nesting + 1);
            return;
        }

        if (ScriptExpressions.TypeOperation(text) is var (_, after))
        {
            if (after.Length == 0) return;
            if (ScriptExpressions.StaticMemberSyntax(after) is not var (_, arguments)) CheckExpression(after, catalog, nesting + 1);
            else if (arguments is not null) foreach (var argument in ScriptExpressions.ArrayElements(arguments) ?? [arguments]) CheckExpression(argument, catalog, nesting + 1);
            return;
        }

        if (ScriptExpressions.MemberAccess(text) is var (head, accessors))
        {
            CheckExpression(head, catalog, nesting + 1);
            foreach (var step in accessors)
            {
                if (step.IsIndex || step.IsDynamic) CheckExpression(step.Text, catalog, nesting + 1);
                else if (step.Arguments is { } arguments && arguments.Trim().Length > 0)
                {
                    foreach (var argument in ScriptExpressions.ArrayElements(arguments) ?? [arguments]) CheckExpression(argument, catalog, nesting + 1);
                }
            }

            return;
        }

        if (text.Length > 1 && text[0] == '-' && !char.IsDigit(text[1]) && !char.IsLetter(text[1]))
        {
            CheckExpression(text[1..], catalog, nesting + 1);
            return;
        }

        if (ScriptExpressions.Subexpression(text) is ({ } subexpression, _))
        {
            CheckStatement(subexpression, catalog, nesting + 1);
            return;
        }

        if (ScriptExpressions.ArrayElements(text) is { } elements)
        {
            // A leading comma is the unary comma operator (,$x), not a missing expression.
            for (var i = elements[0].Length == 0 ? 1 : 0; i < elements.Count; i++)
            {
                if (elements[i].Length == 0) throw new ScriptParseException(Statements.MissingArrayElement(text, i));
                CheckExpression(elements[i], catalog, nesting + 1);
            }

            return;
        }

        CheckStatement(text, catalog, nesting + 1);

        void CheckNode(ExpressionNode node, int depth)
        {
            if (!CanCheck(depth)) return;
            switch (node)
            {
                case OperandNode operand:
                    CheckExpression(operand.Text, catalog, depth + 1);
                    break;
                case UnaryNode unary:
                    CheckNode(unary.Operand, depth + 1);
                    break;
                case BinaryNode binary:
                    CheckNode(binary.Left, depth + 1);
                    CheckNode(binary.Right, depth + 1);
                    break;
            }
        }
    }

    // Deeper than the run goes (or than the stack allows), the run's own limit answers when it gets there.
    private static bool CanCheck(int nesting) =>
        nesting < MaxLanguageNesting && System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack();

    /// <summary>
    /// The value an assignment takes from <paramref name="text"/>: an expression's value as it is (<c>@()</c> stays an
    /// empty array, a cast to ArrayList stays one list), else the statement's output collected (none is $null, one is
    /// itself, more an array). Null when the expression failed: its error is written and nothing is assigned.
    /// </summary>
    public ValueTask<PsValue?> AssignedValueAsync(string text) => AssignedValueAsync(text, null, 0);

    private async ValueTask<PsValue?> AssignedValueAsync(string text, IPipelineHost? to, int blockNesting)
    {
        text = text.Trim();
        if (HeldVariable(text) is { } held) return held;
        // $a = $b = 5 (also $a = $b += 1): the inner assignment runs, and its variable's value is the outer's.
        if (text.Length > 0 && text[0] == '$' && Statements.AssignedVariable(text) is { } inner)
        {
            await RunStatementAsync(text, to, blockNesting + 1);
            return scope.Variables.Get(VariableValueTemplate.VariableName(inner[1..])) ?? PsNil.Instance;
        }

        if (ScriptExpressions.IsExpression(text) && Catalog.Find(text) is null)
        {
            try
            {
                return await EvaluateAsync(text, to, blockNesting + 1);
            }
            catch (ScriptExpressionException e)
            {
                await WriteStatementErrorAsync(e.Error, to ?? host);
                return null;
            }
        }

        // The right side's pipeline failing as a statement ($a = Get-Item x -Foo) fails the assignment: $a keeps its value.
        try
        {
            return await CaptureExpressionAsync(text, to, blockNesting);
        }
        catch (ScriptExpressionException e)
        {
            await WriteStatementErrorAsync(e.Error, to ?? host);
            return null;
        }
    }

    /// <summary>
    /// The command an alias stands for where the alias must be replaced: one the session defined, or a default alias a
    /// function of the same name would otherwise hide (PowerShell looks up aliases before functions: after
    /// <c>function h { }</c>, <c>h</c> is still Get-History).
    /// </summary>
    private string? AliasedCommand(string word) =>
        scope.Variables.SessionAlias(word) ?? (WindowsCommands.AliasTarget(word) is { } target && scope.Variables.Function(word) is not null ? target : null);

    /// <summary>
    /// The statement with the aliases the session defined replaced by their commands, at the start of the statement and
    /// of each of its pipeline's stages; null when there is none (or the text is more than one statement).
    /// </summary>
    private string? SessionAliased(string text)
    {
        if (text.Length == 0) return null;
        if (!text.Contains('|', StringComparison.Ordinal))
        {
            // One command (the common case): its first word only, without splitting.
            if (!char.IsLetter(text[0])) return null;
            var first = UnknownCommandScript.FirstWordOf(text);
            return AliasedCommand(first) is { } only && Statements.Split(text).Count <= 1 ? only + text[first.Length..] : null;
        }

        var cuts = Statements.TopLevelPositions(text, c => c == '|').ToList();
        var result = new System.Text.StringBuilder();
        var changed = false;
        var start = 0;
        foreach (var end in cuts.Append(text.Length))
        {
            var stage = text[start..end];
            var lead = stage.Length - stage.TrimStart().Length;
            var word = UnknownCommandScript.FirstWordOf(stage.TrimStart());
            if (word.Length > 0 && AliasedCommand(word) is { } command)
            {
                result.Append(stage, 0, lead).Append(command).Append(stage, lead + word.Length, stage.Length - lead - word.Length);
                changed = true;
            }
            else
            {
                result.Append(stage);
            }

            if (end < text.Length) result.Append('|');
            start = end + 1;
        }

        return changed && Statements.Split(text).Count <= 1 ? result.ToString() : null;
    }

    /// <summary>
    /// <c>$a, $b = value</c>: the value's items to the variables in turn, the last one taking the rest (an array when
    /// more than one is left, $null when none), as PowerShell's multiple assignment does.
    /// </summary>
    // Runs work that names a variable of the statement's holding a value (what the variable had is put back after).
    private async ValueTask<PsValue> HoldingAsync(string name, PsValue value, Func<ValueTask<PsValue>> work)
    {
        var saved = scope.Variables.Get(name);
        scope.Variables.SetLocal(name, value);
        try
        {
            return await work();
        }
        finally
        {
            scope.Variables.SetLocal(name, saved);
        }
    }

    private async ValueTask RunMultipleAssignmentAsync(List<string> variables, List<string?> types, List<string> accessors, string valueText, IPipelineHost? to, int blockNesting)
    {
        try
        {
            // A type constraint converts the variable's value and stays with it, as a typed assignment's.
            var known = types.Select(t => t is null ? null : ScriptExpressions.ResolveType(t) ?? throw new ScriptExpressionException(ScriptedError.NotAnswered("[" + t + "]"))).ToList();
            // The whole right side is worked out first: $arr[0], $arr[2] = $arr[2], $arr[0] swaps.
            if (await AssignedValueAsync(valueText, to, blockNesting) is not { } value) return;
            var items = ScriptExpressions.Enumerate(value);
            var left = items.Skip(variables.Count - 1).ToList();
            for (var i = 0; i < variables.Count; i++)
            {
                var item = i < variables.Count - 1 ? (i < items.Count ? items[i] : PsNil.Instance)
                    : left.Count switch { 0 => PsNil.Instance, 1 => left[0], _ => PsObjects.List(left, ListValueTemplate.ArrayTypeNames) };
                if (accessors[i].Length == 0)
                {
                    scope.Variables.SetScoped(variables[i], item, known[i]);
                    continue;
                }

                // A property or element target is assigned as its own assignment would be, the value held meanwhile; its
                // failure ends the whole assignment (the later targets keep their values), as PowerShell's exception does.
                if (known[i] is { } type) item = ScriptExpressions.Cast(item, type);
                const string Held = "PsrpEmulatorMultipleAssignmentValue";
                var target = $"${variables[i]}{accessors[i]} = ${Held}";
                await HoldingAsync(Held, item, () => CaptureExpressionAsync(target, to, blockNesting + 1));
            }
        }
        catch (ScriptExpressionException e)
        {
            await WriteStatementErrorAsync(e.Error, to ?? host);
        }
    }

    /// <summary>
    /// The code of <c>exit VALUE</c>: none is 0, an integer is itself, <c>$name</c> is the variable's value as an
    /// integer ($LASTEXITCODE, never set by a native program here, is $null: 0); anything else, or out of range, 0.
    /// </summary>
    private int ExitCodeOf(string value)
    {
        if (value.Length == 0) return 0;
        if (int.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var code)) return code;
        if (value.Length > 1 && value[0] == '$' && scope.Variables.Get(value[1..]) is PsPrimitive p &&
            int.TryParse(p.ToDisplayString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        return 0;
    }

    /// <summary>
    /// A command's <c>@name</c> arguments (outside quotes and brackets) written out as PowerShell binds them: a
    /// hashtable's entries as <c>-Key value</c> (a Boolean as <c>-Key:$true</c>, for a switch), an array's items as
    /// positional arguments, an unset variable as nothing. Strings and numbers are written as literals, so rules match
    /// <c>Get-Service -Name 'WinRM'</c>; other values go through a variable of the statement's. Null when the text
    /// splats nothing.
    /// </summary>
    private string? ExpandSplatting(string text)
    {
        if (!ScriptExpressions.IsCommandMode(text)) return null;
        System.Text.StringBuilder? expanded = null;
        var copied = 0;
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\'' or '"' or '`')
            {
                i = Statements.SkipQuotedOrEscaped(text, i) - (c == '`' ? 1 : 0);
                continue;
            }

            if (c is '(' or '{' or '[') depth++;
            else if (c is ')' or '}' or ']') depth--;
            if (c != '@' || depth != 0 || i == 0 || !char.IsWhiteSpace(text[i - 1]) || i + 1 >= text.Length || !(char.IsLetter(text[i + 1]) || text[i + 1] == '_')) continue;
            var end = i + 1;
            while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_')) end++;
            if (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] != '|' && text[end] != ';') continue;
            expanded ??= new System.Text.StringBuilder(text.Length + 32);
            expanded.Append(text, copied, i - copied).Append(SplatText(scope.Variables.Get(text[(i + 1)..end])));
            copied = end;
            i = end - 1;
        }

        return expanded?.Append(text, copied, text.Length - copied).ToString().TrimEnd();
    }

    private string SplatText(PsValue? value)
    {
        var words = new List<string>();
        switch (value)
        {
            case PsObject { CollectionKind: PsCollectionKind.Dictionary } table:
                foreach (var (key, entry) in table.Entries)
                {
                    var name = PipelineVariables.Display(key);
                    words.Add(entry is PsPrimitive { Value: bool flag } ? $"-{name}:${(flag ? "true" : "false")}" : $"-{name} {ArgumentText(entry)}");
                }

                break;
            case PsObject { CollectionKind: PsCollectionKind.List or PsCollectionKind.Enumerable } list:
                // A parameter name $args holds (a simple function's -Name) splats as that parameter.
                foreach (var item in list.Items) words.Add(ScriptParameters.CommandParameterName(item) is { } parameterName ? "-" + parameterName : ArgumentText(item));
                break;
            case null or PsNil:
                break;
            default:
                words.Add(ArgumentText(value));
                break;
        }

        return string.Join(" ", words);
    }

    // A value as a command argument: a literal when it has one, else a variable of the statement's that holds it.
    private string ArgumentText(PsValue value)
    {
        switch (value)
        {
            case PsNil:
                return "$null";
            // A script block is no string (its Value is its text): written as a block.
            case PsPrimitive { Type: PsPrimitiveType.ScriptBlock, Value: string block }:
                // A closure given to a command (Invoke-Command -ScriptBlock $c) runs in the scope it captured.
                scope.Variables.ScriptBlockInvoked(value);
                return "{" + block + "}";
            case PsPrimitive { Value: string s }:
                return "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";
            case PsPrimitive { Value: bool b }:
                return b ? "$true" : "$false";
            case PsPrimitive { Value: int or long or double or decimal or short or byte } number:
                return Convert.ToString(number.Value, System.Globalization.CultureInfo.InvariantCulture)!;
            default:
                var name = "__splat" + (++_splatCount).ToString(System.Globalization.CultureInfo.InvariantCulture);
                scope.Variables.SetLocal(name, value);
                return "$" + name;
        }
    }

    private int _splatCount;

    /// <summary>
    /// A command with its variable arguments (<c>$name</c>, <c>$svc.Name</c>, <c>$list[0]</c>, a double-quoted string with
    /// variables; also after <c>-Name:</c>) replaced by their values as literals; null when the statement is no such
    /// command, an argument runs something (<c>$(...)</c>, a method call), or a value has no literal (an object) or fails.
    /// </summary>
    private async ValueTask<string?> BoundArgumentsAsync(string text, IPipelineHost? to, int blockNesting)
    {
        if (!ScriptExpressions.IsCommandMode(text) || ScriptExpressions.HasPipeline(text) || Statements.Split(text).Count > 1) return null;
        var words = Statements.SplitArguments(text);
        if (words.Count < 2 || scope.Variables.Function(words[0]) is not null) return null;
        var changed = false;
        for (var i = 1; i < words.Count; i++)
        {
            var word = words[i];
            var colon = IsParameterToken(word) ? word.IndexOf(':', StringComparison.Ordinal) : -1;
            var argument = colon > 0 ? word[(colon + 1)..] : word;
            if (argument.Length < 2 || !(argument[0] == '$' || (argument[0] == '"' && argument.Contains('$', StringComparison.Ordinal)))) continue;
            // Variables and their members only: reading them twice (the statement may be bound again) changes nothing.
            if (argument.Contains("$(", StringComparison.Ordinal) || argument.Contains('(', StringComparison.Ordinal) && argument[0] == '$') return null;
            PsValue value;
            try
            {
                value = await ArgumentAsync(argument, to, blockNesting);
            }
            catch (Exception e) when (e is ScriptExpressionException or StatementTerminatedException)
            {
                return null;
            }

            if (LiteralText(value) is not { } literal) return null;
            words[i] = colon > 0 ? word[..(colon + 1)] + literal : literal;
            changed = true;
        }

        return changed ? string.Join(" ", words) : null;

        // A value written as PowerShell would read it back: strings quoted, numbers and Booleans as literals, an array
        // of them comma-separated; null for anything else.
        string? LiteralText(PsValue value) => value switch
        {
            PsNil => "$null",
            PsPrimitive { Type: PsPrimitiveType.ScriptBlock, Value: string block } => Closed(value, block),
            PsPrimitive { Value: string s } => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
            PsPrimitive { Value: bool b } => b ? "$true" : "$false",
            PsPrimitive { Value: int or long or double or decimal or short or byte } number => Convert.ToString(number.Value, System.Globalization.CultureInfo.InvariantCulture),
            // An array of scalars only (an array in an array, or one holding itself, is no literal here).
            PsObject { CollectionKind: PsCollectionKind.List } list when list.Items.Count is > 0 and <= 64 && list.Items.All(i => i is PsPrimitive or PsNil) =>
                string.Join(",", list.Items.Select(LiteralText)),
            _ => null,
        };

        // A closure given to a command (Invoke-Command -ScriptBlock $c) runs in the scope it captured.
        string Closed(PsValue value, string block)
        {
            scope.Variables.ScriptBlockInvoked(value);
            return "{" + block + "}";
        }
    }

    /// <summary>
    /// <c>&amp; name arguments</c> where the name is a bare word, a quoted string, a variable or a parenthesized expression whose value is a string: the
    /// statement as that command's (<c>ipconfig arguments</c>); a name with white space in it is no command the
    /// emulator has (CommandNotFoundException). Null for anything else (a script block, a variable holding one).
    /// </summary>
    private async ValueTask<(string Text, ScriptedError? Error)?> CalledCommandAsync(string text, IPipelineHost? to, int blockNesting)
    {
        var rest = text[1..].TrimStart();
        if (rest.Length == 0 || rest[0] is '{' or '&') return null;
        var words = Statements.SplitArguments(rest);
        if (words.Count == 0) return null;
        var token = words[0];
        // A pipe right after the name ends it (& "C:\x\tool.exe"| Select ...), as PowerShell's tokenizer ends a word there.
        if (Statements.SplitTopLevel(token, c => c == '|') is [{ Length: > 0 } beforePipe, ..] && beforePipe.Length < token.Length) token = beforePipe;
        var after = rest[(rest.IndexOf(token, StringComparison.Ordinal) + token.Length)..];
        string name;
        // & (Join-Path $dir 'task.ps1') args: the parenthesized expression's value names the command (Puppet Bolt runs tasks so).
        if (token[0] is '$' or '\'' or '"' or '(')
        {
            PsValue value;
            try
            {
                value = await ArgumentAsync(token, to, blockNesting);
            }
            catch (ScriptExpressionException e)
            {
                return (text, e.Error);
            }

            // $null (an unset variable, an expression giving nothing) is PowerShell's BadExpression, as an empty name is.
            if (value is PsNil) name = string.Empty;
            // A CommandInfo (& (Get-Command Get-Date), & $command): the command it describes; a script's by its path.
            else if (value is PsObject { TypeNames: { } typeNames } info && typeNames.Any(t => t.EndsWith("System.Management.Automation.CommandInfo", StringComparison.Ordinal)) &&
                info["Name"] is { } commandName and not PsNil)
            {
                name = info["CommandType"] is { } kind && PipelineVariables.Display(kind) == "ExternalScript" && (info["Path"] ?? info["Source"]) is { } scriptPath and not PsNil
                    ? PipelineVariables.Display(scriptPath)
                    : PipelineVariables.Display(commandName);
            }
            else if (value is not PsPrimitive { Value: string s }) return null;
            // The string is the name as it is, blanks and all: code in a string (a script block a client sent arrives as
            // its text) names no command.
            else name = s;
        }
        else
        {
            name = token;
        }

        if (name.Length == 0)
        {
            return (text, new ScriptedError("The expression after '&' in a pipeline element produced an object that was not valid. It must result in a command name, a script block, or a CommandInfo object.",
                "BadExpression", ErrorCategory.InvalidOperation, ScriptedError.RuntimeExceptionType));
        }

        // A script file's path may hold blanks (& 'C:\my scripts\setup.ps1').
        if (name.EndsWith(".ps1", StringComparison.OrdinalIgnoreCase) && "'" + name.Replace("'", "''", StringComparison.Ordinal) + "'" + after is var quoted && ScriptFileCall(quoted) is not null)
        {
            return (quoted, null);
        }

        if (name.AsSpan().IndexOfAny(" \t\r\n;|&'\"{}()$") >= 0) return (text, ScriptedError.CommandNotFound(name));
        return (name + after, null);
    }

    /// <summary>
    /// <c>. expression arguments</c> where the expression (a variable, an expandable string, a parenthesized expression)
    /// is a script file's path: the statement as <c>. 'path' arguments</c>; a path to no file is PowerShell's
    /// CommandNotFoundException for it. Null for anything else (a script block, a bare path, a function's name).
    /// </summary>
    private async ValueTask<(string Text, ScriptedError? Error)?> DotSourcedPathAsync(string text, IPipelineHost? to, int blockNesting)
    {
        var rest = text[1..].TrimStart();
        if (rest.Length == 0 || rest[0] is not ('$' or '"' or '(')) return null;
        var words = Statements.SplitArguments(rest);
        if (words.Count == 0) return null;
        var token = words[0];
        if (token[0] == '"' && !token.Contains('$', StringComparison.Ordinal)) return null;
        PsValue value;
        try
        {
            value = await ArgumentAsync(token, to, blockNesting);
        }
        catch (ScriptExpressionException e)
        {
            return (text, e.Error);
        }

        if (value is not PsPrimitive { Value: string path } || path.Trim() is not { Length: > 0 } name || name.AsSpan().IndexOfAny(@"\/") < 0) return null;
        var quoted = ". '" + name.Replace("'", "''", StringComparison.Ordinal) + "'" + rest[(rest.IndexOf(token, StringComparison.Ordinal) + token.Length)..];
        return ScriptFileCall(quoted) is not null ? (quoted, null) : (text, ScriptedError.CommandNotFound(name));
    }

    // "& $sb args" / ". $sb" with $sb holding a ScriptBlock: "& { its text } args" / ". { its text }"; null otherwise
    // (a variable holding a command's name is CalledCommandAsync's).
    private string? ScriptBlockVariableCall(string text)
    {
        if (text.Length < 3 || (text[0] == '.' && !char.IsWhiteSpace(text[1]))) return null;
        var rest = text[1..].TrimStart();
        if (rest is not ['$', ..] || Statements.SplitArguments(rest) is not [var token, ..]) return null;
        if (HeldVariable(token) is not PsPrimitive { Type: PsPrimitiveType.ScriptBlock, Value: string body } block) return null;
        scope.Variables.ScriptBlockInvoked(block);
        return text[0] + " {" + body + "}" + rest[token.Length..];
    }

    // "& $blocks.deploy args" / "& $steps['x']": the script block a member or element holds, invoked as if written there;
    // null for anything else (its value no block, or the expression failing: the statement's usual path reports it).
    private async ValueTask<string?> ScriptBlockMemberCallAsync(string text, IPipelineHost? to, int blockNesting)
    {
        if (text.Length < 4 || (text[0] == '.' && !char.IsWhiteSpace(text[1]))) return null;
        var rest = text[1..].TrimStart();
        if (rest is not ['$', ..] || Statements.SplitArguments(rest) is not [var token, ..] || token.IndexOfAny(['.', '[']) < 0 ||
            (ScriptExpressions.MemberAccess(token) ?? ScriptExpressions.MemberAccessForAssignment(token)) is null) return null;
        try
        {
            if (await EvaluateAsync(token, to, blockNesting + 1) is not PsPrimitive { Type: PsPrimitiveType.ScriptBlock, Value: string body } block) return null;
            scope.Variables.ScriptBlockInvoked(block);
            return text[0] + " {" + body + "}" + rest[token.Length..];
        }
        catch (ScriptExpressionException)
        {
            return null;
        }
    }

    // The keywords whose parenthesis is their own (if (...), foreach (...)), not a command's argument.
    private static readonly HashSet<string> ParenthesisKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "if", "elseif", "foreach", "for", "while", "switch", "until", "catch", "param", "function", "filter", "workflow", "return", "throw", "exit", "trap", "data",
    };

    // "Name(args) rest" with a space after the command's name when it is a command (a letter starts it, no keyword); null otherwise.
    private string? CommandCalledAsMethod(string text)
    {
        if (text.Length < 3 || !char.IsLetter(text[0])) return null;
        var name = UnknownCommandScript.FirstWordOf(text);
        if (name.Length == 0 || name.Length >= text.Length || text[name.Length] != '(' || ParenthesisKeywords.Contains(name) || name.Contains('.') ||
            Catalog.Find(text) is not null)
        {
            return null;
        }

        return name + " " + text[name.Length..];
    }

    // A statement notes its block nesting while that tells errors apart, and gives the outer one back when it ends:
    // commands sent as commands (their own statement-terminating error fails the invocation, as a PowerShell invocation
    // of commands fails on a ParameterBindingException, not a script block's they run), a pipeline's first command
    // (RunPipelineHeadAsync) and an expression's pipeline (CaptureExpressionAsync).
    private ValueTask RunStatementAsync(string text, IPipelineHost? to, int blockNesting) =>
        UnansweredFails || _pipelineHeadNesting >= 0 || _propagateNesting >= 0 ? RunTrackedStatementAsync(text, to, blockNesting) : RunStatementBodyAsync(text, to, blockNesting);

    // The block nesting of the statement running now (-1: none), kept while RunStatementAsync tracks it.
    private int _statementNesting = -1;

    // The block nesting of the first command of the pipeline whose first command is running now (-1: none, or its
    // output is with the commands after it), and whether that command wrote a statement-terminating error.
    private int _pipelineHeadNesting = -1;
    private bool _pipelineHeadFailed;

    // The block nesting of the pipeline an expression runs now, whose statement-terminating error is the expression's (-1: none).
    private int _propagateNesting = -1;

    private async ValueTask RunTrackedStatementAsync(string text, IPipelineHost? to, int blockNesting)
    {
        var outer = _statementNesting;
        _statementNesting = blockNesting;
        try
        {
            await RunStatementBodyAsync(text, to, blockNesting);
        }
        finally
        {
            _statementNesting = outer;
        }
    }

    /// <summary>
    /// The PSSession cmdlets no rule answers, in a session whose runspace has no PSSession (New-PSSession to another
    /// computer fails there, as a workgroup computer's WinRM client refuses it): <c>Get-PSSession</c> alone writes
    /// nothing, and <c>Invoke-Command -Session $s</c> with $s $null or empty is Invoke-Command's ValidateNotNullOrEmpty
    /// refusal, a statement's error, as after a failed New-PSSession on Windows. False for anything else (a session
    /// object a rule made: the scenario's to answer).
    /// </summary>
    private async ValueTask<bool> NoSessionsAsync(string text, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var words = Statements.SplitArguments(text.Trim());
        if (words.Count == 0) return false;
        var command = WindowsCommands.AliasTarget(words[0]) ?? words[0];
        if (command.Equals("Get-PSSession", StringComparison.OrdinalIgnoreCase) && words.Count == 1) return true;
        if (words.Count is 2 or 3 && LocalSessionCommands.FirstOrDefault(c => c.Equals(command, StringComparison.OrdinalIgnoreCase)) is { } sessionCommand)
        {
            return await NoSessionMatchesAsync(sessionCommand, words, to, output, blockNesting);
        }

        if (command.Equals("Exit-PSSession", StringComparison.OrdinalIgnoreCase) && words.Count == 1)
        {
            // The session's host (ServerRemoteHost) has no runspace pushed: PopRunspace goes to the client's host as a
            // void host call (what the client does with it is its own: a console host out of Enter-PSSession ignores it).
            await Host.SendHostCallAsync(RemoteHostMethodId.PopRunspace, [], cancellationToken);
            return true;
        }

        if (!command.Equals("Invoke-Command", StringComparison.OrdinalIgnoreCase)) return false;
        for (var i = 1; i < words.Count; i++)
        {
            var word = words[i];
            var colon = word.IndexOf(':', StringComparison.Ordinal);
            var name = colon > 0 ? word[..colon] : word;
            if (!name.Equals("-Session", StringComparison.OrdinalIgnoreCase)) continue;
            var argument = colon > 0 ? word[(colon + 1)..] : i + 1 < words.Count ? words[i + 1] : null;
            if (argument is null || argument.StartsWith('-')) return false;
            var value = await ArgumentAsync(argument, to, blockNesting);
            if (value is not PsNil && ScriptExpressions.Enumerate(value).Any()) return false;
            throw new StatementTerminatedException(SessionNullOrEmpty("Invoke-Command"));
        }

        return false;
    }

    /// <summary>
    /// Whether a statement is one <see cref="NoSessionsAsync"/> may answer (Get-PSSession or Exit-PSSession alone, a
    /// PSSession cmdlet with one -Id, -Name, -InstanceId or -Session), so a script of it alone runs as statements.
    /// </summary>
    internal static bool IsSessionStatement(string text)
    {
        var words = Statements.SplitArguments(text.Trim());
        if (words.Count == 0) return false;
        var command = WindowsCommands.AliasTarget(words[0]) ?? words[0];
        return words.Count == 1 ? command.Equals("Get-PSSession", StringComparison.OrdinalIgnoreCase) || command.Equals("Exit-PSSession", StringComparison.OrdinalIgnoreCase)
            : words.Count is 2 or 3 && LocalSessionCommands.Contains(command, StringComparer.OrdinalIgnoreCase) && words[1].StartsWith('-');
    }

    // [ValidateNotNullOrEmpty]'s refusal of a -Session given $null or nothing (Invoke-, Connect-, Disconnect-, Receive-PSSession).
    private static ScriptedError SessionNullOrEmpty(string command) => ParameterError(command,
        "Cannot validate argument on parameter 'Session'. The argument is null or empty. Provide an argument that is not null or empty, and then try the command again.",
        "ParameterArgumentValidationError") with { Activity = command };

    // The PSSession cmdlets that find the runspace's own sessions by -Id, -Name or -InstanceId.
    private static readonly string[] LocalSessionCommands = ["Get-PSSession", "Remove-PSSession", "Connect-PSSession", "Disconnect-PSSession", "Receive-PSSession"];

    /// <summary>
    /// The PSSession cmdlets by -Id, -Name or -InstanceId inside a session, where no PSSession exists:
    /// PSRunspaceCmdlet's not-available error for each value (a name with wildcards matches nothing silently), written
    /// and gone on from; Receive-PSSession takes one value and finds none for a wildcard either (GetSessionByName).
    /// -Session with $null or an empty array is the binder's refusal, the statement's error: of a mandatory parameter for
    /// Remove-PSSession, ValidateNotNullOrEmpty's for the others. False for another form (a value that is no Id, several
    /// for Receive-PSSession, a session object).
    /// </summary>
    private async ValueTask<bool> NoSessionMatchesAsync(string command, List<string> words, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var word = words[1];
        var colon = word.IndexOf(':', StringComparison.Ordinal);
        var parameter = colon > 0 ? word[..colon] : word;
        var argument = colon > 0 ? word[(colon + 1)..] : words.Count == 3 ? words[2] : null;
        if (argument is null || argument.Length == 0 || (colon > 0) == (words.Count == 3) || argument.StartsWith('-')) return false;
        var kind = parameter.ToUpperInvariant() switch
        {
            "-ID" => "Id",
            "-NAME" => "Name",
            "-INSTANCEID" => "InstanceId",
            "-SESSION" when command != "Get-PSSession" => "Session",
            _ => null,
        };
        if (kind is null) return false;
        var value = await ArgumentAsync(argument, to, blockNesting);
        var values = value is PsNil ? [] : ScriptExpressions.Enumerate(value).ToList();
        var receive = command == "Receive-PSSession";
        if (receive && kind != "Session" && values.Count != 1) return false;
        if (kind == "Session")
        {
            if (values.Count > 0 && value is not PsNil || receive && value is not PsNil) return false;
            // Remove-PSSession's -Session is only mandatory; the others' also [ValidateNotNullOrEmpty], whose refusal comes first.
            throw new StatementTerminatedException(command == "Remove-PSSession"
                ? ParameterError(command,
                    value is PsNil ? "Cannot bind argument to parameter 'Session' because it is null." : "Cannot bind argument to parameter 'Session' because it is an empty array.",
                    value is PsNil ? "ParameterArgumentValidationErrorNullNotAllowed" : "ParameterArgumentValidationErrorEmptyArrayNotAllowed") with { Activity = command }
                : SessionNullOrEmpty(command));
        }

        var errors = new List<ScriptedError>(values.Count);
        foreach (var item in values)
        {
            var text = PipelineVariables.Display(item);
            switch (kind)
            {
                case "Id" when int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var id):
                    errors.Add(new ScriptedError($"The remote session with the session ID {id} is not available.", $"RemoteRunspaceNotAvailableForSpecifiedSessionId,{CmdletClass(command)}",
                        ErrorCategory.InvalidArgument, "System.ArgumentException", text) { TargetType = "Int32", Activity = command });
                    break;
                case "InstanceId" when Guid.TryParse(text, out var instanceId):
                    errors.Add(new ScriptedError($"Remote session is not available for {instanceId}.", $"RemoteRunspaceNotAvailableForSpecifiedRunspaceId,{CmdletClass(command)}",
                        ErrorCategory.InvalidArgument, "System.ArgumentException", instanceId.ToString()) { TargetType = "Guid", Activity = command });
                    break;
                case "Name":
                    if (receive || !VirtualFileSystem.HasWildcard(text))
                    {
                        errors.Add(new ScriptedError($"The remote session with the name {text}  is not available.", $"RemoteRunspaceNotAvailableForSpecifiedName,{CmdletClass(command)}",
                            ErrorCategory.InvalidArgument, "System.ArgumentException", text) { Activity = command });
                    }

                    break;
                default:
                    // Not an Int32 or a Guid: the binder's conversion error, left to the scenario.
                    return false;
            }
        }

        foreach (var error in errors) await WriteErrorAsync(error, output);
        return true;
    }

    private async ValueTask RunStatementBodyAsync(string text, IPipelineHost? to, int blockNesting)
    {
        var variables = scope.Variables;
        if (!variables.BeginStatement(blockNesting > 0))
        {
            await RunStatementCoreAsync(text, to, blockNesting);
            return;
        }

        try
        {
            await RunStatementCoreAsync(text, to, blockNesting);
        }
        finally
        {
            variables.EndStatement();
        }
    }

    private async ValueTask RunStatementCoreAsync(string text, IPipelineHost? to, int blockNesting)
    {
        text = Statements.BracedVariables(text.Trim());
        // A statement's own trailing ';' ("Write-Host "x";", the last of a block's) separates it from nothing.
        if (text.EndsWith(';') && Statements.Split(text) is [var single]) text = single;
        if (text.Length == 0) return;
        scope.Variables.EnterStatement(text, blockNesting > 0);
        if (depth >= MaxDepth) throw new ScenarioRuntimeException($"behaviours nest deeper than {MaxDepth} levels running '{text}'");
        // A backstop for every path into a statement: a stack overflow would end the emulator's process.
        CheckNesting(blockNesting, "statements");
        // The session's own types (enum Name { }) for the expression code, which is static and reads them from the flow.
        ScriptTypes.Current = scope.Variables.DefinedTypes;
        // enum Name { ... } (a rule for the whole text still wins): the type, defined in the session.
        if (text[0] is '[' or 'e' or 'E' or 'c' or 'C' or 'u' or 'U' && await TypeDefinitionAsync(text, to, blockNesting)) return;

        // Splatting (Get-Service @params): the arguments written out before anything matches the text.
        // One statement at a time: a script's later statement splats what its earlier ones set.
        if (text.Contains('@', StringComparison.Ordinal) && Statements.Split(text).Count <= 1 && ExpandSplatting(text) is { } splatted) text = splatted;
        // A bare throw in a catch block throws the caught error again, as it was (the rules' bare throw is ScriptHalted).
        if (_seldom?.Caught is { Count: > 0 } caught && text.Trim().Equals("throw", StringComparison.OrdinalIgnoreCase))
        {
            throw new PipelineTerminatedException(PSInvocationState.Failed, ScriptedError.FromRecord(caught[^1]));
        }

        // $h[$_]++, $o.Count--, ++$a[0]: the element or property stepped, as its compound assignment ($h[$_] += 1).
        if (Statements.SteppedMember(text) is { } stepped) text = stepped;
        // Get-Content("x") / Write-Host('y'): a command's name ends at the parenthesis, which starts its first argument,
        // as PowerShell's tokenizer reads a command written as a method call (train's 'Get-Content("path") | Out-String').
        if (CommandCalledAsMethod(text) is { } spaced) text = spaced;
        // An alias the session defined (Set-Alias rpp Resolve-Path) stands for its command where a command's name stands.
        if (SessionAliased(text) is { } aliased) text = aliased;
        // & $block arguments, . $block: the script block the variable holds, invoked as if written there.
        if (text[0] is '&' or '.' && Statements.Split(text).Count <= 1 && (ScriptBlockVariableCall(text) ?? await ScriptBlockMemberCallAsync(text, to, blockNesting)) is { } written) text = written;
        // . $path, . "$PSScriptRoot\lib.ps1", . (Join-Path $dir x.ps1): the script file the expression names, dot-sourced.
        if (text is ['.', ' ' or '\t', ..] && Statements.Split(text).Count <= 1 && await DotSourcedPathAsync(text, to, blockNesting) is { } dotSourcing)
        {
            if (dotSourcing.Error is { } missing)
            {
                await WriteStatementErrorAsync(missing, to ?? host);
                return;
            }

            text = dotSourcing.Text;
        }

        // The call operator with a command's name (& ipconfig, & 'cmd.exe' /c ..., & $program args): that command.
        var calledByOperator = false;
        if (text[0] == '&' && Statements.Split(text).Count <= 1 && Catalog.Find(text) is null && await CalledCommandAsync(text, to, blockNesting) is { } called)
        {
            calledByOperator = true;
            if (called.Error is { } notFound)
            {
                await WriteStatementErrorAsync(notFound, to ?? host);
                return;
            }

            text = called.Text;
        }

        NoteModuleCommands(text);

        // A script file on the disk (.\setup.ps1 -Name x, . .\helpers.ps1): it runs as PowerShell runs one.
        if ((text[0] is '.' or '\'' or '"' or '\\' or '/' || text.Length > 2 && text[1] == ':') && text.Contains(".ps1", StringComparison.OrdinalIgnoreCase))
        {
            if (Statements.Split(text).Count <= 1 && !ScriptExpressions.HasPipeline(text) && ScriptFileCall(text) is var (scriptPath, scriptArguments, dotSourced) &&
                (calledByOperator || Catalog.Find(text) is null))
            {
                await RunScriptFileAsync(scriptPath, scriptArguments, dotSourced, to, blockNesting);
                return;
            }
        }

        // Redirections (> file, >> file, 2>$null, 2>&1, *>&1): the statement runs with its streams sent where they say
        // (a rule for the whole text still wins).
        // A pipeline's redirection belongs to its element (the first command's runs as a statement of its own), and an
        // assignment's to the statement it assigns.
        if (text.Contains('>', StringComparison.Ordinal) && Statements.SplitRedirections(LastPipelineElement(text)) is not null &&
            Statements.SplitRedirections(text) is var (redirectedText, redirections) && !AssignmentStatement().IsMatch(text) &&
            redirectedText.Length > 0 && Statements.Split(text).Count <= 1 && Catalog.Find(text) is null)
        {
            await RunRedirectedAsync(redirectedText, redirections, to, blockNesting);
            return;
        }

        var output = to ?? host;
        // -ErrorAction / -WarningAction of a command the rules or a function answer (taken off the text: rules match
        // the command without them), else $ErrorActionPreference / $WarningPreference set in the session: applied to
        // what one statement writes (the wrapper is made once, around the statement itself).
        var actions = Statements.ActionPreferences(text, name => scope.Variables.Function(name) is not null);
        // A simple function (no [CmdletBinding()], no [Parameter()]) has no common parameters: -ErrorAction Stop and the
        // rest are two more of its $args, and change nothing of what it writes.
        if (actions is not null && scope.Variables.Function(UnknownCommandScript.FirstWordOf(text)) is { } calledBody && !ScriptParameters.IsAdvanced(calledBody)) actions = null;
        // -OutVariable (-ErrorVariable...) of a pipeline's first command keeps that command's objects, not what comes out
        // of the pipeline's end (f -OutVariable ov | Out-Null): the first element applies its own parameters as it runs.
        if (actions is { HasVariables: true } && ScriptExpressions.HasPipeline(text)) actions = null;
        if (output is not ActionPreferenceHost || actions is not null)
        {
            var errorPreference = Preference("ErrorActionPreference");
            var warningPreference = Preference("WarningPreference");
            if ((actions is not null || errorPreference is not null || warningPreference is not null) && Statements.Split(text).Count <= 1)
            {
                var own = actions is { Bare: var bare } && (Catalog.Find(bare) is not null || scope.Variables.Function(UnknownCommandScript.FirstWordOf(bare)) is not null ||
                    ValueCommand(bare) is not null || Statements.IsWriteOutput(bare) ||
                    (bare.Contains('$', StringComparison.Ordinal) && await BoundArgumentsAsync(bare, to, blockNesting) is { } bound && Catalog.Find(bound) is not null));
                var errorAction = (own ? actions!.ErrorAction : null) ?? errorPreference;
                var warningAction = (own ? actions!.WarningAction : null) ?? warningPreference;
                // A statement the preferences already wrap is wrapped again only for its own parameters: wrapping a
                // command no rule answers (whose -ErrorAction is no parameter of anything) again would never end.
                if ((own || errorAction is not null || warningAction is not null) && (own || output is not ActionPreferenceHost))
                {
                    // A command's own parameter inside a statement the preferences already wrap answers to the
                    // statement's output, not to that wrapper.
                    var underlying = output is ActionPreferenceHost wrapped ? wrapped.Inner : output;
                    var preferences = new ActionPreferenceHost(underlying, errorAction, warningAction, own && actions!.HasVariables ? actions : null,
                        cmdlet: own && scope.Variables.Function(UnknownCommandScript.FirstWordOf(actions!.Bare)) is null);
                    var verboseBefore = _verboseSwitch;
                    _verboseSwitch = own && actions!.Verbose;
                    // A function's own -ErrorAction / -WarningAction are its preference variables too (BindFunctionAsync).
                    var callBefore = _seldom?.CallActions;
                    (string, string?, string?)? callNow = own && scope.Variables.Function(UnknownCommandScript.FirstWordOf(actions!.Bare)) is not null
                        ? (actions!.Bare, actions.ErrorAction, actions.WarningAction)
                        : null;
                    if (callNow is not null || callBefore is not null) Seldom.CallActions = callNow;
                    try
                    {
                        await RunStatementAsync(own ? actions!.Bare : text, preferences, blockNesting + 1);
                    }
                    finally
                    {
                        if (_seldom is not null) _seldom.CallActions = callBefore;
                        _verboseSwitch = verboseBefore;
                        // -ErrorVariable and the like are set when the command ends, also when it ends in an error.
                        preferences.AssignVariables(scope.Variables);
                    }

                    return;
                }
            }
        }

        // $o.Name as a statement where $o, or an object its members lead to, has a ScriptProperty (Add-Member): its
        // getter's value (the rules' $x.Prop reads values only).
        if (ScriptMembers.Any && ScriptExpressions.MemberAccessForAssignment(text) is var (memberHead, memberSteps) && HeldVariable(memberHead) is { } scripted &&
            ChainReadsThroughScript(scripted, memberSteps))
        {
            try
            {
                foreach (var item in ScriptExpressions.Enumerate(await EvaluateAsync(text, to, blockNesting + 1))) await (to ?? host).WriteAsync(new PipelineOutput(item), cancellationToken);
            }
            catch (ScriptExpressionException e)
            {
                await WriteStatementErrorAsync(e.Error, to ?? host);
            }

            return;
        }

        // [Net.ServicePointManager]::SecurityProtocol = ... (a rule for the whole text still wins).
        if (Statements.StaticPropertyAssignment(text) is var (staticType, staticMember, staticOperator, staticText) && Statements.Split(text).Count == 1 && Catalog.Find(text) is null)
        {
            try
            {
                await SetStaticPropertyAsync(staticType, staticMember, staticOperator, staticText, to, blockNesting);
            }
            catch (ScriptExpressionException e)
            {
                await WriteStatementErrorAsync(e.Error, to ?? host);
            }

            return;
        }

        // $a, $b = value (a rule for the whole text still wins): the whole right-hand side, a pipeline too, is the value.
        if (Statements.MultipleAssignment(text) is var (variables, types, accessors, multipleText) && Statements.Split(text).Count == 1 && Catalog.Find(text) is null)
        {
            await RunMultipleAssignmentAsync(variables, types, accessors, multipleText, to, blockNesting);
            return;
        }

        // A pipeline into ForEach-Object, Where-Object, Select-Object, Sort-Object, Measure-Object or Out-Null (a rule
        // for the whole text still wins): its first command is any statement, a function's call too.
        if (ScriptExpressions.HasPipeline(text) && Statements.Split(text).Count == 1 && PipelineStages(text, scope.Variables) is { } pipeline && Catalog.Find(text) is null)
        {
            await RunPipelineAsync(pipeline, to, blockNesting);
            return;
        }

        // & { param($x) ... } 21: the block runs as a function called with the arguments; . { param($x) ... } 21 binds
        // them in this scope.
        if (Statements.ScriptBlockCall(text) is var (blockBody, blockArguments) && Statements.Split(text).Count <= 1 && Catalog.Find(text) is null)
        {
            await RunFunctionAsync("& " + blockArguments, blockBody, to, blockNesting, dotSourced: text[0] == '.');
            return;
        }

        // A function the session defined wins over the rules, as a function shadows a cmdlet in PowerShell (a call is
        // one statement: "f; 'next'" is two).
        if (scope.Variables.Function(UnknownCommandScript.FirstWordOf(text)) is { } function && Statements.Split(text).Count <= 1)
        {
            await RunFunctionAsync(text, function, to, blockNesting);
            return;
        }

        // . name args: the function dot-sourced (its parameters, variables and functions stay in this scope).
        if (text is ['.', ' ' or '\t', ..] && scope.Variables.Function(UnknownCommandScript.FirstWordOf(text[1..].TrimStart())) is { } dotted && Statements.Split(text).Count <= 1)
        {
            await RunFunctionAsync(text[1..].TrimStart(), dotted, to, blockNesting, dotSourced: true);
            return;
        }

        // . program args / . cmdlet args: dot-sourcing what is no script runs it as a plain call (Vagrant's reboot check
        // runs ". shutdown.exe -f -r -t 60"); a script's path, a block, a variable or a quoted name go their own ways.
        if (text is ['.', ' ' or '\t', ..] && text[1..].TrimStart() is { Length: > 0 } dottedCall && char.IsLetter(dottedCall[0]) &&
            UnknownCommandScript.FirstWordOf(dottedCall) is var dottedName && dottedName.IndexOfAny(['\\', '/', ':']) < 0 &&
            !dottedName.EndsWith(".ps1", StringComparison.OrdinalIgnoreCase) && Catalog.Find(text) is null && Statements.Split(text).Count <= 1)
        {
            await RunStatementAsync(dottedCall, to, blockNesting + 1);
            return;
        }

        if (Catalog.Find(text) is not { } found)
        {
            // A command whose arguments are variables or expressions (Get-Service -Name $name): PowerShell binds their
            // values, so a rule for the values written out answers it (Get-Service -Name 'WinRM').
            if (text.Contains('$', StringComparison.Ordinal) && await BoundArgumentsAsync(text, to, blockNesting) is { } bound && Catalog.Find(bound) is not null)
            {
                await RunStatementAsync(bound, to, blockNesting + 1);
                return;
            }

            // $? alone: whether the statement before this one wrote no error.
            if (text == "$?")
            {
                await output.WriteAsync(new PipelineOutput(PsPrimitive.Boolean(scope.Variables.LastSucceeded)), cancellationToken);
                return;
            }

            // $^ or $$ alone: the token it holds, nothing while it holds none.
            if (text is "$^" or "$$")
            {
                if (await EvaluateAsync(text, to, blockNesting + 1) is not PsNil and var token) await output.WriteAsync(new PipelineOutput(token), cancellationToken);
                return;
            }

            // A script block invoked whole (& { ... }, . { ... }): its statements, as the statement's own; & runs them
            // in a child scope (its assignments are its own, as a function's), . dot-sources them into this one.
            if (blockNesting < Statements.MaxScriptBlockNesting && Statements.ScriptBlockBody(text) is { } body)
            {
                var childScope = text.TrimStart()[0] == '&';
                // A block with a param block, called without arguments: its parameters take their defaults.
                if (ScriptParameters.HasParamBlock(body))
                {
                    await RunFunctionAsync("&", body, to, blockNesting, dotSourced: !childScope);
                    return;
                }

                // A block is a script command of its own: what its statements wrote does not fail this statement.
                var status = scope.Variables.BeginScriptCommand();
                var frame = scope.Variables.PushFrame(CallStackFrame.ScriptBlockName, body);
                var completed = false;
                // A closure runs in (a child of, with &) the scope it captured, not the caller's.
                var closure = scope.Variables.TakeClosure(body);
                var callers = closure is null ? null : scope.Variables.EnterClosure(closure);
                if (childScope) scope.Variables.PushFunctionScope();
                try
                {
                    await RunStatementAsync(body, to, blockNesting + 1);
                    completed = true;
                }
                catch (ScriptReturnException)
                {
                    // return leaves the block, not the script.
                    completed = true;
                }
                finally
                {
                    scope.Variables.PopFrame(frame, completed);
                    if (childScope) scope.Variables.PopFunctionScope();
                    if (closure is not null) scope.Variables.LeaveClosure(callers);
                    scope.Variables.EndScriptCommand(status);
                }

                return;
            }

            // No rule for the whole text: its statements one by one, when it has several.
            if (Statements.Split(text) is { Count: > 1 } statements)
            {
                // The scope's trap statements (wherever they stand) take the terminating errors of all its statements.
                var traps = statements.Any(t => t.StartsWith("trap", StringComparison.OrdinalIgnoreCase))
                    ? statements.Select(Statements.ParseTrap).OfType<Statements.CatchClause>().ToList()
                    : [];
                // PowerShell defines a script's enums and classes as it parses the script: they are known above their
                // definitions, and a class may come before its base.
                if (statements.Exists(t => Statements.IsTypeDefinition(t.TrimStart())))
                {
                    await DefineTypesAheadAsync(statements, to, blockNesting);
                }

                foreach (var statement in statements)
                {
                    if (traps.Count > 0 && Statements.ParseTrap(statement) is not null) continue;
                    // The script's own statements (not a function's or a script block's, which stand elsewhere in the
                    // text, or again and again): where the shell places records.
                    if (to is null) TopLevelStatementStarting(statement, blockNesting);
                    scope.Variables.StatementStarting();
                    if (traps.Count > 0) await RunTrappedAsync(statement, traps, to, blockNesting);
                    else await RunStatementAsync(statement, to, blockNesting);
                }

                return;
            }

            // A trap alone traps nothing.
            if (text.StartsWith("trap", StringComparison.OrdinalIgnoreCase) && Statements.ParseTrap(text) is not null) return;

            // Keywords (if, foreach, while, do, for, try, switch, function): their blocks run as this pipeline's
            // statements. A statement PowerShell's parser refuses fails the script with its ParseException.
            // :label foreach/for/while/do/switch: the loop, which a "break label" or "continue label" inside it names.
            string? loopLabel = null;
            if (Statements.LoopLabel(text) is var (label, labelled))
            {
                loopLabel = label;
                text = labelled;
            }

            object? keyword;
            try
            {
                keyword = Statements.ParseKeyword(text);
            }
            catch (ScriptParseException e)
            {
                throw new PipelineTerminatedException(PSInvocationState.Failed, e.Error);
            }

            switch (keyword)
            {
                case Statements.FunctionDefinition definition:
                    // Kept in the session, as PowerShell keeps a script's functions in the remote session; one defined in
                    // a function or a & { } block is that scope's own, as PowerShell's (unless global: or script:).
                    if (definition.Global) scope.Variables.SetGlobal("function:" + definition.Name, PsPrimitive.ScriptBlock(definition.Body));
                    else scope.Variables.Set("function:" + definition.Name, PsPrimitive.ScriptBlock(definition.Body));
                    // A function a script file defines has that file's $PSScriptRoot / $PSCommandPath when it runs; one the
                    // client's script defines keeps that script, where a later pipeline's call places its errors.
                    if ((_seldom?.ScriptFile ?? (host.ScriptText is { } clientScript ? ClientScriptSource(clientScript) : null)) is { } definedIn)
                    {
                        scope.Variables.Runspace.RememberFunctionSource(definition.Body, definedIn);
                    }
                    // The function's [Alias('n')] attribute (before its param block) names it too, as PowerShell defines
                    // the aliases with the function.
                    foreach (var alias in FunctionAliases(definition.Body))
                    {
                        if (definition.Global) scope.Variables.SetGlobal("alias:" + alias, PsPrimitive.String(definition.Name));
                        else scope.Variables.Set("alias:" + alias, PsPrimitive.String(definition.Name));
                    }

                    return;
                case List<Statements.IfClause> clauses:
                    await RunIfAsync(clauses, to, blockNesting);
                    return;
                case Statements.ForeachStatement foreachLoop:
                    await RunForeachAsync(foreachLoop, to, blockNesting, loopLabel);
                    return;
                case Statements.LoopStatement conditionLoop:
                    await RunLoopAsync(conditionLoop, to, blockNesting, loopLabel);
                    return;
                case Statements.TryStatement tryStatement:
                    await RunTryAsync(tryStatement, to, blockNesting);
                    return;
                case Statements.SwitchStatement switchStatement:
                    await RunSwitchAsync(switchStatement, to, blockNesting, loopLabel);
                    return;
            }

            if (Statements.LoopControl(text) is var (control, target)) throw new LoopControlException(control == "continue", target);

            // exit is a keyword: the script ends here, Completed, with the statement's code for powershell.exe. As
            // PowerShell's pipeline does on its ExitException, the host is told first (SetShouldExit): a remote session's
            // host sends it to the client's, which is how pypsrp and Ansible's psrp connection read a script's exit code.
            if (Statements.IsExit(text, out var value))
            {
                var code = ExitCodeOf(value);
                // In a script file, exit ends the file (RunScriptFileAsync), not the host's run.
                if ((_seldom?.ScriptFileDepth ?? 0) == 0) await Host.SendHostCallAsync(RemoteHostMethodId.SetShouldExit, [PsPrimitive.Int32(code)], cancellationToken);
                throw new ScriptExitException(code);
            }

            // return too: its value is written, then the script (or the block, or run:'s body) ends.
            // "return return ... x" returns x: the words are taken off in one pass, not by recursion without bound.
            if (Statements.IsReturnChain(text, out var returned))
            {
                if (returned.Length > 0)
                {
                    CheckNesting(blockNesting + 1, "statements");
                    // In a class's method only what return gives is its value.
                    if ((to ?? host) is ClassMethodHost method) method.Returning = true;
                    await RunStatementAsync(returned, to, blockNesting + 1);
                }

                throw new ScriptReturnException();
            }

            // throw of what the default rules do not answer (a quoted string): a value, as PowerShell's
            // ConvertToException makes it an error.
            if (Statements.IsThrow(text, out var thrownText))
            {
                PsValue thrown;
                try
                {
                    thrown = thrownText.Length == 0 ? PsNil.Instance : await EvaluateAsync(thrownText, to, blockNesting);
                }
                catch (ScriptExpressionException e)
                {
                    throw new PipelineTerminatedException(PSInvocationState.Failed, e.Error);
                }

                throw new PipelineTerminatedException(PSInvocationState.Failed, RecordOfException(thrown) is { } original ? ScriptedError.FromRecord(original) : ThrownError(thrown));
            }

            // $x += 1, $x -= 2 (and *=, /=, %=), $x++, ++$x, $x--: the variable set to the arithmetic's result.
            if (Statements.CompoundAssignment(text) is { } assignment)
            {
                try
                {
                    var operand = assignment.Value is null ? PsPrimitive.Int32(1) : await EvaluateAsync(assignment.Value, to, blockNesting);
                    if (assignment.Variable.StartsWith("env:", StringComparison.OrdinalIgnoreCase))
                    {
                        // $env:Path += ';C:\tools': the process variable's text (nothing when unset) and the value; the result as text.
                        var name = assignment.Variable[4..];
                        var current = scope.Variables.EnvironmentVariable(name) is { } currentText ? PsPrimitive.String(currentText) : (PsValue)PsNil.Instance;
                        var result = Arithmetic(current, assignment.Operator, operand);
                        scope.Variables.SetGlobal("env:" + name, result is PsNil ? result : PsPrimitive.String(PipelineVariables.Display(result)));
                    }
                    else
                    {
                        // Under strict mode the assignment reads the variable first: one never set is VariableIsUndefined.
                        var variableName = VariableValueTemplate.VariableName(assignment.Variable);
                        var current = scope.Variables.Get(variableName);
                        if (current is null && scope.Variables.Runspace.StrictModeVersion > 0 && scope.Variables.StrictModeUnset(variableName))
                        {
                            throw new ScriptExpressionException(PipelineVariables.VariableIsUndefined(variableName));
                        }

                        var result = Arithmetic(current, assignment.Operator, operand);
                        await ValidateKeptScriptsAsync(assignment.Variable, result, blockNesting);
                        scope.Variables.SetScoped(assignment.Variable, result);
                    }
                }
                catch (ScriptExpressionException e)
                {
                    await WriteStatementErrorAsync(e.Error, output);
                }

                return;
            }

            // $h['key'] = value, $list[0] = value, $obj.Name = value: an element set in place.
            if (Statements.ElementAssignmentOf(text) is { } element)
            {
                await AssignElementAsync(element, to, output, blockNesting);
                return;
            }

            // [ValidateRange(1,5)][int]$x = value: the value converted and validated, then assigned; the variable keeps the
            // attributes (and the type) for later assignments, in place of any it had.
            if (Statements.AttributedAssignment(text) is var (validations, attributedType, attributedVariable, attributedText))
            {
                try
                {
                    var knownType = attributedType is null ? null : ScriptExpressions.ResolveType(attributedType) ?? throw new ScriptExpressionException(ScriptedError.NotAnswered($"[{attributedType}]"));
                    if (await AssignedValueAsync(attributedText, to, blockNesting) is { } attributedValue)
                    {
                        await ValidateVariableScriptsAsync(attributedVariable, attributedValue, knownType, validations, blockNesting);
                        scope.Variables.SetScoped(attributedVariable, attributedValue, knownType, validations);
                    }
                }
                catch (ScriptExpressionException e)
                {
                    await WriteStatementErrorAsync(e.Error, output);
                }

                return;
            }

            // [int]$x = value: the value converted, then assigned; the variable keeps the type for later assignments.
            if (Statements.TypedAssignment(text) is var (typeName, variable, valueText) && ScriptExpressions.ResolveType(typeName) is { } assignedType)
            {
                try
                {
                    if (await AssignedValueAsync(valueText, to, blockNesting) is { } typedValue) scope.Variables.SetScoped(variable, typedValue, assignedType);
                }
                catch (ScriptExpressionException e)
                {
                    await WriteStatementErrorAsync(e.Error, output);
                }

                return;
            }

            // An expression with operators ($x -gt 2, 'a' -like 'A*', !$x, 1,2,3): its value.
            if (ScriptExpressions.IsExpression(text))
            {
                PsValue result;
                try
                {
                    result = await EvaluateAsync(text, to, blockNesting);
                }
                catch (ScriptExpressionException e)
                {
                    await WriteStatementErrorAsync(e.Error, output);
                    return;
                }

                foreach (var item in ScriptExpressions.Enumerate(result)) await output.WriteAsync(new PipelineOutput(item), cancellationToken);
                return;
            }

            // A double-quoted string with $( ... ) in it (the rules expand only variables): its text.
            if (Statements.DoubleQuotedBody(text) is { } quoted && quoted.Contains("$(", StringComparison.Ordinal))
            {
                await output.WriteAsync(new PipelineOutput(PsPrimitive.String(await ExpandAsync(quoted, to, blockNesting))), cancellationToken);
                return;
            }

            // A pipeline the pipeline cmdlets do not run has a command nobody answers (reported below): its first command
            // is no statement of its own, with the rest of the pipeline for its arguments.
            var piped = ScriptExpressions.HasPipeline(text);

            // Start-Sleep in the forms no rule answers (-Milliseconds, a variable, an expression).
            if (!piped && Statements.IsStartSleep(text))
            {
                await StartSleepAsync(text, to, output, blockNesting);
                return;
            }

            // Write-Verbose / Write-Debug no rule answers: written as their preference says (remotely, by default, not).
            if (!piped && Statements.WriteStreamCommand(text) is { } stream)
            {
                await WriteVerboseOrDebugAsync(text, stream, to, output, blockNesting);
                return;
            }

            // Write-Information in the forms no rule answers (-Tags, -InformationAction, an expression).
            if (!piped && Statements.IsWriteInformation(text))
            {
                await WriteInformationAsync(text, to, output, blockNesting);
                return;
            }

            // ConvertTo-Json / ConvertFrom-Json given their input as an argument (-InputObject, or first).
            if (!piped && Statements.JsonCommand(text) is { } jsonCommand)
            {
                await RunJsonCommandAsync(jsonCommand, text, to, output, blockNesting);
                return;
            }

            // The cmdlets the language runs itself (RunContext.ValueCommands): New-Object, Join-Path, Split-Path,
            // New-TimeSpan, Write-Progress, Add-Member, Get-Random, Invoke-Expression, the variable cmdlets, Out-Null.
            if (ValueCommand(text) is { } valueCommand)
            {
                await RunValueCommandAsync(valueCommand, text, to, output, blockNesting);
                return;
            }

            // Write-Output (echo, write) of what no rule answers: its arguments' values, each enumerated one level.
            if (!piped && Statements.IsWriteOutput(text))
            {
                await WriteOutputAsync(text, to, output, blockNesting);
                return;
            }

            // $jobs | Wait-Job | Receive-Job | Sort-Object, Get-Job | Wait-Job | Out-Null: the job cmdlets' part as the
            // rules answer it, its objects then piped to the stages after it.
            if (JobPipelineWithMore(text) is var (jobStages, after))
            {
                var results = await CaptureAsync(jobStages, to, blockNesting);
                var outerResults = scope.Variables.Get(PipedJobResultsVariable);
                scope.Variables.SetLocal(PipedJobResultsVariable, results);
                try
                {
                    await RunStatementAsync(results is PsNil ? $"@() | {after}" : $"${PipedJobResultsVariable} | {after}", to, blockNesting + 1);
                }
                finally
                {
                    scope.Variables.SetLocal(PipedJobResultsVariable, outerResults);
                }

                return;
            }

            // Start-Job { } | Wait-Job | Receive-Job, Get-Job | Remove-Job: the first command's jobs, then the job
            // cmdlets on them, as the rules answer "$j | Wait-Job | ...".
            if (JobPipeline(text) is var (first, rest))
            {
                var jobs = await CaptureAsync(first, to, blockNesting);
                // No jobs (Get-Job of none): the job cmdlets get no input and do nothing.
                if (jobs is PsNil) return;
                await HoldingAsync(PipedJobsVariable, jobs, async () =>
                {
                    await RunStatementAsync($"${PipedJobsVariable} | {rest}", to, blockNesting + 1);
                    return PsNil.Instance;
                });
                return;
            }

            // 5.1's more function with paths: `Get-Content $file | more.com` for each (without, more is a pipeline stage).
            if (!piped && Statements.SplitArguments(text.Trim()) is [var more, .. var paths] && paths.Count > 0 &&
                more.Equals("more", StringComparison.OrdinalIgnoreCase) && !paths.Any(p => p.StartsWith('-')) && scope.Variables.Function("more") is null)
            {
                foreach (var path in paths) await RunStatementAsync($"Get-Content {path} | more", to, blockNesting + 1);
                return;
            }

            // A program no rule answers as PowerShell (ipconfig, cmd /c ...): the computer's command-line rules run it.
            if (!piped && await TryRunNativeCommandAsync(text, to, output, blockNesting)) return;

            // 'a' 'b', 3 4: a literal then another token is PowerShell's parse error (the script fails), no command.
            if (ScriptedError.UnexpectedTokenAfterLiteral(text) is { } parseError) throw new PipelineTerminatedException(PSInvocationState.Failed, parseError);

            // The PSSession cmdlets inside a session, where no PSSession exists (a second hop's New-PSSession fails):
            // Get-PSSession lists none; Invoke-Command -Session given $null or nothing is the binder's refusal;
            // Exit-PSSession sends the client's host PopRunspace.
            try
            {
                if (!piped && await NoSessionsAsync(text, to, output, blockNesting)) return;
            }
            catch (StatementTerminatedException e) when (scope.Variables.TryDepth == 0)
            {
                // A statement's error: the script goes on (under try, the catch takes it).
                await WriteStatementErrorAsync(e.Error, output);
                return;
            }

            var unanswered = ScriptedError.NotAnswered(text,
                RunContext.UnknownCommandOf(text, stage => Catalog.Find(stage) is not null || scope.Variables.Function(UnknownCommandScript.FirstWordOf(stage)) is not null));
            // A command sent as a command that nothing answers fails the pipeline (WriteStatementErrorAsync).
            await WriteStatementErrorAsync(unanswered, output);
            return;
        }

        var nested = new RunContext(output, time, errorRecords, new RunScope(found.Captures, scope.Variables), cancellationToken, catalog, depth + 1, ActivityOf(text, found.Rule));
        // Indexed: a foreach over the interface boxes an enumerator that a waiting step keeps alive.
        var steps = found.Rule.Steps;
        try
        {
            for (var i = 0; i < steps.Count; i++) await steps[i].RunAsync(nested);
        }
        catch (ScriptExpressionException e) when (e.Error.FullyQualifiedErrorId is "VariableIsUndefined" or "UsingWithoutInvokeCommand")
        {
            // Set-StrictMode's unset variable, or a $using: variable with no value sent, in what a rule reads ("text $x",
            // $x.Name): the statement's error, as PowerShell's.
            await WriteStatementErrorAsync(e.Error, output);
            return;
        }

        if (found.Rule.Final.State != PSInvocationState.Completed)
        {
            throw new PipelineTerminatedException(found.Rule.Final.State, found.Rule.Final.Reason?.Build(nested.Scope) ?? ScriptedError.PipelineStopped);
        }
    }

    /// <summary>
    /// The error record a RuntimeException belongs to, when the session has it (<c>$_</c>, <c>$Error</c>): PowerShell
    /// throws such an exception again with its own record (<c>throw $_.Exception</c> keeps the id and the target).
    /// </summary>
    private PsObject? RecordOfException(PsValue thrown)
    {
        if (thrown is not PsObject { TypeNames: { } names } exception || !ExceptionTypes.IsException(thrown) ||
            !names.Contains(ScriptedError.RuntimeExceptionType)) return null;
        if (scope.Variables.Get("_") is PsObject current && ReferenceEquals(current["Exception"], exception)) return current;
        return scope.Variables.Get("Error") is PsObject { Items: { } errors }
            ? errors.OfType<PsObject>().FirstOrDefault(record => ReferenceEquals(record["Exception"], exception))
            : null;
    }

    // The record a function's MshCommandRuntime throws, with the function's InvocationInfo: ErrorRecord.FullyQualifiedErrorId
    // is the id and, for a script command (an advanced function), its name after a comma ("MyId,Get-Thing"); the
    // CategoryInfo's Activity, unless the record set one, is that name too.
    private ScriptedError ThrownByFunction(ScriptedError error) =>
        error.FullyQualifiedErrorId.Length > 0 && ScriptCaller.FromInvocation(scope.Variables.Get("MyInvocation")) is { } caller
            ? error with { FullyQualifiedErrorId = error.FullyQualifiedErrorId + "," + caller.Name, Caller = caller, Activity = error.Activity ?? caller.Name }
            : error;

    // The variable a $PSCmdlet write method's argument is read from by the statement that writes it.
    private const string CmdletWriteVariable = "PsrpEmulatorCmdletWrite";

    // The statement that writes what a PSCmdlet write method does (null: no such method); its overloads' argument counts
    // (WriteObject takes one or two, the others one), else the binder's MethodCountCouldNotFindBest.
    private static string? CmdletWriteStatement(string method, IReadOnlyList<PsValue> arguments)
    {
        var command = method.ToUpperInvariant() switch
        {
            "WRITEOBJECT" => arguments.Count == 2 && ScriptExpressions.IsTrue(arguments[1]) ? "Write-Output" : "Write-Output -NoEnumerate",
            "WRITEWARNING" => "Write-Warning -Message",
            "WRITEVERBOSE" => "Write-Verbose -Message",
            "WRITEDEBUG" => "Write-Debug -Message",
            _ => null,
        };
        if (command is null) return null;
        if (arguments.Count is 0 or > 2 || (arguments.Count == 2 && !method.Equals("WriteObject", StringComparison.OrdinalIgnoreCase)))
        {
            throw new ScriptExpressionException(ScriptedError.MethodCount(method, arguments.Count));
        }

        return $"{command} ${CmdletWriteVariable}";
    }

    // $PSCmdlet.WriteError / ThrowTerminatingError of something other than an ErrorRecord: the method binder's conversion error.
    private static ScriptedError NotAnErrorRecord(string method, PsValue value) => new(
        $"Cannot convert argument \"errorRecord\", with value: \"{PipelineVariables.Display(value)}\", for \"{method}\" to type \"{ScriptExpressions.ErrorRecordTypeName}\": \"Cannot convert the \"{PipelineVariables.Display(value)}\" value of type \"{ScriptExpressions.TypeName(value)}\" to type \"{ScriptExpressions.ErrorRecordTypeName}\".\"",
        "MethodArgumentConversionInvalidCastArgument", ErrorCategory.NotSpecified, "System.Management.Automation.MethodException");

    /// <summary>
    /// <c>[System.Management.Automation.ErrorRecord]::new(exception, errorId, category, targetObject)</c> (New-Object's
    /// too): the record of that exception (its message and type), id, category and target, as the session's records are.
    /// </summary>
    private static PsObject NewErrorRecord(IReadOnlyList<PsValue> arguments)
    {
        if (!ExceptionTypes.IsException(arguments[0]))
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault("[System.Management.Automation.ErrorRecord]::new of something other than an exception is not emulated: give the statement a rule"));
        }

        var exception = (PsObject)arguments[0];
        var category = ScriptExpressions.EnumArgument<ErrorCategory>(arguments[2], "errorCategory", ".ctor");
        var id = ScriptExpressions.IsNull(arguments[1]) ? string.Empty : PipelineVariables.Display(arguments[1]);
        var target = ScriptExpressions.IsNull(arguments[3]) ? null : arguments[3];
        // PowerShell's own record, whatever the host writes its errors as: the script holds it and may throw it.
        return ScriptedError.ToErrorRecord(new ScriptedError(exception["Message"].AsString() ?? string.Empty, id, category, exception.TypeNames![0],
            target is PsPrimitive { Value: string name } ? name : null)
        {
            Exception = exception,
            TargetObject = target,
        });
    }

    /// <summary>
    /// The error <c>throw value</c> raises, as PowerShell's ConvertToException makes it: nothing (or an empty string) is
    /// ScriptHalted; an error record is thrown again as it is (<c>throw $_</c>); an exception is the record's exception,
    /// its message the id, OperationStopped; anything else is a RuntimeException of its text, the value its target.
    /// </summary>
    internal static ScriptedError ThrownError(PsValue value)
    {
        if (value is PsNil || value is PsPrimitive { Value: "" }) return new("ScriptHalted", "ScriptHalted", ErrorCategory.OperationStopped, ScriptedError.RuntimeExceptionType);
        if (ScriptedError.IsErrorRecord(value)) return ScriptedError.FromRecord((PsObject)value);

        if (ExceptionTypes.IsException(value))
        {
            var exception = (PsObject)value;
            var message = exception["Message"].AsString() ?? string.Empty;
            // PowerShell throws a RuntimeException wrapping it, which a catch [RuntimeException] takes too.
            return new(message, message, ErrorCategory.OperationStopped, exception.TypeNames![0])
            {
                WrappingExceptionType = ScriptedError.RuntimeExceptionType,
                Exception = exception,
            };
        }

        var text = PipelineVariables.Display(value);
        return new(text, text, ErrorCategory.OperationStopped, ScriptedError.RuntimeExceptionType) { TargetObject = value };
    }

    /// <summary>How deep statements, expressions and function calls may nest while they run here.</summary>
    internal const int MaxLanguageNesting = 1024;

    /// <summary>PowerShell's own limit on nested function calls (Windows PowerShell's call depth).</summary>
    internal const int MaxCallDepth = 100;

    private static void CheckNesting(int blockNesting, string what)
    {
        // Client text nested deeper is refused, so that the nesting cannot exhaust the stack (checked as well, for
        // levels that take more of it than most).
        if (blockNesting >= MaxLanguageNesting || !System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new ScenarioRuntimeException($"{what} nest deeper than the emulator allows ({MaxLanguageNesting} levels)");
        }
    }

    /// <summary>The first clause whose condition is true (else: the last, conditionless), its block as statements.</summary>
    private async ValueTask RunIfAsync(List<Statements.IfClause> clauses, IPipelineHost? to, int blockNesting)
    {
        CheckNesting(blockNesting, "statements");
        foreach (var clause in clauses)
        {
            if (clause.Condition is not null)
            {
                bool holds;
                try
                {
                    holds = ScriptExpressions.IsTrue(await EvaluateAsync(clause.Condition, to, blockNesting + 1));
                }
                catch (ScriptExpressionException e)
                {
                    // A terminating error in the condition ends the if statement; the script goes on.
                    await WriteStatementErrorAsync(e.Error, to ?? host);
                    return;
                }

                if (!holds) continue;
            }

            await RunStatementAsync(clause.Body, to, blockNesting + 1);
            return;
        }
    }

    /// <summary>
    /// A call of a function the session defined: its arguments (quoted strings, numbers, variables, expressions in
    /// parentheses, bare words as strings; <c>-Name value</c> named, <c>-Switch</c> alone $true) bound to its param
    /// block or $args, then its body's statements; return leaves it. Its variables are not a scope of their own.
    /// </summary>
    // The automatic variables a dot-sourced call sets for its run only, as PowerShell's CompiledScriptBlock backs them
    // up and restores them when dotting; its parameters and assignments stay in the caller's scope.
    private static readonly HashSet<string> DottedAutomaticVariables = new(["_", "args", "input", "this", "PSCmdlet", "PSBoundParameters", "MyInvocation"], StringComparer.OrdinalIgnoreCase);

    private async ValueTask RunFunctionAsync(string text, string body, IPipelineHost? to, int blockNesting, bool dotSourced = false)
    {
        CheckNesting(blockNesting, "function calls");
        if (scope.Variables.CallDepth >= MaxCallDepth)
        {
            throw new PipelineTerminatedException(PSInvocationState.Failed, ScriptedError.CallDepthOverflow(MaxCallDepth));
        }

        IReadOnlyDictionary<string, PsValue> locals;
        string statements;
        try
        {
            (locals, statements) = await BindFunctionAsync(text, body, to, blockNesting);
        }
        catch (StatementTerminatedException e) when (scope.Variables.TryDepth == 0)
        {
            // A binding error ends the call, not the script (inside a try, the catch takes it); the call's own
            // -ErrorAction does not hide it.
            await WriteStatementErrorAsync(e.Error, to ?? host, passesOwnAction: true);
            return;
        }

        var variables = scope.Variables;
        // The parameters are the function's own scope's, with their types and validation attributes (a dot-sourced
        // call's are plain variables of the caller's).
        Dictionary<string, PsValue>? ownScope = null;
        if (locals.Count > 0)
        {
            var parameters = new Dictionary<string, PsValue>(locals, StringComparer.OrdinalIgnoreCase);
            if (!dotSourced) ownScope = variables.FunctionScopeOf(parameters);
            else PipelineVariables.RemoveAttributeKeys(parameters);
            locals = parameters;
        }

        var outer = locals.Keys.Where(name => !dotSourced || DottedAutomaticVariables.Contains(name)).Select(name => (name, variables.SavedLocal(name))).ToList();
        foreach (var (name, value) in locals)
        {
            if (dotSourced && !DottedAutomaticVariables.Contains(name)) variables.Set(name, value);
            else variables.SetLocal(name, value);
        }

        var status = variables.BeginScriptCommand();
        ScriptedError? terminated = null;
        var frame = PushFrame(locals.GetValueOrDefault("MyInvocation"), body, FrameArguments(locals));
        var completed = false;
        variables.CallDepth++;
        var closure = variables.TakeClosure(body);
        var callers = closure is null ? null : variables.EnterClosure(closure);
        if (!dotSourced) variables.PushFunctionScope(ownScope);
        try
        {
            if (Statements.NamedBlocks(statements) is var (begin, process, end))
            {
                // Called without pipeline input: begin, process once, end, as PowerShell runs them.
                foreach (var block in new[] { begin, process, end })
                {
                    if (block is not null) await RunStatementAsync(block, to, blockNesting + 1);
                }
            }
            else
            {
                await RunStatementAsync(statements, to, blockNesting + 1);
            }

            completed = true;
        }
        catch (ScriptReturnException)
        {
            // return leaves the function.
            completed = true;
        }
        catch (FunctionTerminatedException e) when (e.CallDepth == variables.CallDepth)
        {
            // $PSCmdlet.ThrowTerminatingError: the call ends, and the caller's statement with it (written below, in the
            // caller's scope; the script goes on).
            terminated = e.Error;
        }
        finally
        {
            variables.PopFrame(frame, completed);
            if (!dotSourced) variables.PopFunctionScope();
            if (closure is not null) variables.LeaveClosure(callers);
            variables.CallDepth--;
            foreach (var (name, value) in outer) variables.SetLocal(name, value);
            variables.EndScriptCommand(status);
        }

        if (terminated is not null) await WriteStatementErrorAsync(terminated, to ?? host, passesOwnAction: true);
    }

    /// <summary>
    /// A statement of the script's own starts (not a function's or a script block's, which stand elsewhere in the text,
    /// or again and again): the shell places records at it.
    /// </summary>
    /// <param name="nesting">The blocks of the script's own statements it is in (0: a top-level statement).</param>
    internal void TopLevelStatementStarting(string statement, int nesting = 0)
    {
        if ((depth == 0 || JobScript) && scope.Variables.Frame is null) host.StatementStarting(statement, nesting);
    }

    /// <summary>A background job's own run: its script's statements are its top level (its job places its records by them).</summary>
    public bool JobScript { get; init; }

    /// <summary>
    /// The frame of a function, a script block with parameters or a script file, by the <c>$MyInvocation</c> its call
    /// made: a function by its name, a script file (its lines the file's) and a script block as <c>&lt;ScriptBlock&gt;</c>.
    /// </summary>
    internal CallStackFrame PushFrame(PsValue? invocation, string body, (PsValue?, PsValue?) arguments = default) => ScriptCaller.FromInvocation(invocation) switch
    {
        { CommandType: CommandTypes.Function, Name: var name } =>
            scope.Variables.PushFrame(name, body, scope.Variables.Runspace.FunctionSources.GetValueOrDefault(body), arguments),
        { CommandType: CommandTypes.ExternalScript } when Seldom.ScriptFile is { } file => scope.Variables.PushFrame(CallStackFrame.ScriptBlockName, file.Code, file, arguments),
        _ => scope.Variables.PushFrame(CallStackFrame.ScriptBlockName, body, arguments: arguments),
    };

    // A call's $PSBoundParameters and $args, kept by its frame for Get-PSCallStack (written only when asked for).
    internal static (PsValue?, PsValue?) FrameArguments(IReadOnlyDictionary<string, PsValue> locals) =>
        (locals.GetValueOrDefault("PSBoundParameters"), locals.GetValueOrDefault("args"));

    /// <summary>
    /// A function call's words bound to the function's param block and <c>$args</c>: the locals and the statements
    /// after the param block.
    /// </summary>
    // The names a function's [Alias('a', 'b')] attribute gives it: the attributes before its param block.
    private static IEnumerable<string> FunctionAliases(string body)
    {
        var param = FunctionParamKeyword().Match(body);
        if (!param.Success) yield break;
        foreach (System.Text.RegularExpressions.Match alias in FunctionAliasAttribute().Matches(body[..param.Index]))
        {
            foreach (System.Text.RegularExpressions.Match name in QuotedName().Matches(alias.Groups["names"].Value)) yield return name.Groups["name"].Value;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?i)\bparam\s*\(", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex FunctionParamKeyword();

    [System.Text.RegularExpressions.GeneratedRegex(@"(?i)\[\s*Alias\s*\((?<names>[^)]*)\)\s*\]", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex FunctionAliasAttribute();

    [System.Text.RegularExpressions.GeneratedRegex(@"'(?<name>[^']+)'|""(?<name>[^""]+)""", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex QuotedName();

    private static readonly string[] ActionPreferenceNames = ["SilentlyContinue", "Stop", "Continue", "Inquire", "Ignore", "Suspend"];

    // An ActionPreference by the name Statements.ActionPreferences gives it (a number is a name there already); null
    // for none or another value (a variable's).
    private static PsObject? ActionPreferenceValue(string? name)
    {
        var index = name is null ? -1 : Array.FindIndex(ActionPreferenceNames, n => n.Equals(name, StringComparison.OrdinalIgnoreCase));
        return index < 0 ? null : PsObjects.Enum(["System.Management.Automation.ActionPreference", "System.Enum", "System.ValueType", "System.Object"], ActionPreferenceNames[index], index);
    }

    private async ValueTask<(IReadOnlyDictionary<string, PsValue> Locals, string Statements)> BindFunctionAsync(string text, string body, IPipelineHost? to, int blockNesting, bool pipelineInput = false)
    {
        var words = Statements.SplitArguments(text);
        // F($x) / F("a", "b"): the name ends at the parenthesis, which is the first argument (an array for a comma list),
        // as PowerShell's tokenizer reads a command name written as a method call.
        if (words.Count > 0 && UnknownCommandScript.FirstWordOf(text.TrimStart()) is var functionName && words[0].Length > functionName.Length &&
            words[0].StartsWith(functionName, StringComparison.Ordinal) && words[0][functionName.Length] == '(')
        {
            words = [functionName, words[0][functionName.Length..], .. words.Skip(1)];
        }

        var arguments = new List<PipelineArgument>();
        var switches = ScriptParameters.SwitchParameters(body);
        for (var i = 1; i < words.Count; i++)
        {
            var word = words[i];
            if (IsParameterToken(word))
            {
                // -Name value, -Name:value (a switch's only way to take one), or a switch alone.
                var colon = word.IndexOf(':', StringComparison.Ordinal);
                if (colon > 1 && colon < word.Length - 1)
                {
                    arguments.Add(new PipelineArgument(word[1..colon], await ArgumentAsync(word[(colon + 1)..], to, blockNesting)));
                    continue;
                }

                var name = word[1..].TrimEnd(':');
                var isSwitch = switches.Any(s => s.Equals(name, StringComparison.OrdinalIgnoreCase));
                var hasValue = !isSwitch && i + 1 < words.Count && !IsParameterToken(words[i + 1]);
                arguments.Add(new PipelineArgument(name, hasValue ? await ArgumentAsync(words[++i], to, blockNesting) : ScriptParameters.SwitchGiven));
            }
            else
            {
                arguments.Add(new PipelineArgument(null, await ArgumentAsync(word, to, blockNesting)));
            }
        }

        var locals = ScriptParameters.Bind(body, arguments, out var statements, out var bindingError, out var scriptValidations, pipelineInput, keepAttributes: true);
        if (_seldom?.CallActions is var (callText, callError, callWarning) && callText.Trim() == text.Trim() && locals.ContainsKey("PSCmdlet"))
        {
            // An advanced function's -ErrorAction / -WarningAction set its own $ErrorActionPreference / $WarningPreference
            // (MshCommandRuntime sets them in the function's scope), which its body reads.
            _seldom!.CallActions = null;
            var withPreferences = new Dictionary<string, PsValue>(locals, StringComparer.OrdinalIgnoreCase);
            if (ActionPreferenceValue(callError) is { } error) withPreferences["ErrorActionPreference"] = error;
            if (ActionPreferenceValue(callWarning) is { } warning) withPreferences["WarningPreference"] = warning;
            locals = withPreferences;
        }

        if (bindingError is { Id: "MissingMandatoryParameter", Missing.Count: > 0 } missing && Host.HasHostUI &&
            await PromptForMissingParametersAsync(words.Count > 0 ? words[0] : string.Empty, missing.Missing) is { Count: > 0 } supplied)
        {
            // What the user typed binds as -Name:value, then the call binds again (PowerShell's binder does the same).
            arguments.AddRange(supplied);
            locals = ScriptParameters.Bind(body, arguments, out statements, out bindingError, out scriptValidations, pipelineInput, keepAttributes: true);
        }

        foreach (var validation in scriptValidations)
        {
            if (bindingError is not null) break;
            bindingError = await ValidateScriptAsync(validation, blockNesting);
        }

        if (bindingError is { } refused)
        {
            // The call's binding error, as PowerShell's binder raises it for the function (MissingMandatoryParameter,f).
            var function = words.Count > 0 ? words[0] : string.Empty;
            throw new StatementTerminatedException(new ScriptedError(refused.Message, $"{refused.Id},{function}",
                ParameterErrorCategory(refused.Id), ParameterErrorException(refused.Id), refused.Parameter)
            {
                Activity = function,
            });
        }

        // $MyInvocation: the call as the function sees it (MyCommand's Name, InvocationName, BoundParameters, Line).
        var invoked = words.Count > 0 ? words[0] : string.Empty;
        if (invoked == "&" && _seldom?.ScriptFile?.Path is { } scriptPath && body == _seldom.ScriptFileBody)
        {
            // A script file's call: its ExternalScriptInfo, and the BoundParameters as bound.
            _seldom.ScriptFileBody = null;
            var scriptInvocation = ScriptInvocation(scriptPath, "&", text)
                .With("BoundParameters", locals.TryGetValue("PSBoundParameters", out var scriptBound) ? scriptBound : PsNil.Instance);
            if (locals.TryGetValue("PSCmdlet", out var scriptCmdletValue) && scriptCmdletValue is PsObject scriptFileCmdlet && scriptFileCmdlet["MyInvocation"] is null)
            {
                scriptFileCmdlet.With("MyInvocation", scriptInvocation);
                WithSessionState(scriptFileCmdlet);
            }
            return (new Dictionary<string, PsValue>(locals, StringComparer.OrdinalIgnoreCase) { ["MyInvocation"] = scriptInvocation }, statements);
        }

        if (scope.Variables.Runspace.FunctionSources.TryGetValue(body, out var definedIn) && definedIn.Path is { } definedFile)
        {
            // A function a script file defined: that file's $PSScriptRoot and $PSCommandPath inside it.
            locals = new Dictionary<string, PsValue>(locals, StringComparer.OrdinalIgnoreCase)
            {
                ["PSScriptRoot"] = PsPrimitive.String(VirtualFileSystem.ParentOf(definedFile) ?? definedFile),
                ["PSCommandPath"] = PsPrimitive.String(definedFile),
            };
        }

        // A script block called with & is no function: its MyCommand is a ScriptInfo with no name (its text its Definition).
        var block = invoked == "&";
        var command = new PsObject([block ? "System.Management.Automation.ScriptInfo" : "System.Management.Automation.FunctionInfo", "System.Management.Automation.CommandInfo", "System.Object"])
            {
                ToStringValue = block ? body : invoked,
            }
            .With("Name", block ? string.Empty : invoked)
            .With("CommandType", PsObjects.Enum(["System.Management.Automation.CommandTypes", "System.Enum", "System.ValueType", "System.Object"], block ? "Script" : "Function", block ? 64 : 2))
            .With("Definition", block ? body : body.Trim());
        var invocation = new PsObject(["System.Management.Automation.InvocationInfo", "System.Object"]) { ToStringValue = "System.Management.Automation.InvocationInfo" }
            .With("MyCommand", command)
            .With("InvocationName", invoked)
            .With("BoundParameters", locals.TryGetValue("PSBoundParameters", out var boundParameters) ? boundParameters : PsNil.Instance)
            .With("UnboundArguments", PsObjects.List(locals.TryGetValue("args", out var unbound) ? ScriptExpressions.Enumerate(unbound) : [], ScriptParameters.ObjectListTypeNames))
            .With("Line", text.Trim())
            .With("ScriptName", string.Empty)
            .With("CommandOrigin", "Internal");
        var withInvocation = new Dictionary<string, PsValue>(locals, StringComparer.OrdinalIgnoreCase) { ["MyInvocation"] = invocation };
        // An advanced function's $PSCmdlet.MyInvocation is its $MyInvocation.
        if (locals.TryGetValue("PSCmdlet", out var cmdlet) && cmdlet is PsObject scriptCmdlet && scriptCmdlet["MyInvocation"] is null)
        {
            scriptCmdlet.With("MyInvocation", invocation);
            WithSessionState(scriptCmdlet);
        }
        return (withInvocation, statements);
    }

    // The client's script as a function it defines keeps it: one instance per script, shared by its functions.
    private ScriptFileText ClientScriptSource(string script) =>
        Seldom.ClientScript is { } known && ReferenceEquals(known.Text, script) ? known : Seldom.ClientScript = new ScriptFileText(null, script, script);

    // $PSCmdlet.SessionState: the session state $ExecutionContext gives (its Path and PSVariable answer for the scope
    // running), as a script cmdlet's is its scope's session state.
    private void WithSessionState(PsObject cmdlet)
    {
        if (scope.Variables.Get("ExecutionContext") is PsObject { } engine && engine["SessionState"] is { } sessionState) cmdlet.With("SessionState", sessionState);
    }

    /// <summary>
    /// A ValidateScript attribute's check of a bound argument, element by element with <c>$_</c> the element (in the
    /// caller's scope): the binder's validation error when the block returns something not true, or throws (its message).
    /// </summary>
    /// <summary>
    /// A plain or compound assignment's value checked by the ValidateScript attributes its variable keeps (the others the
    /// variable's setter checks): their failure is the variable's validation error, and the variable keeps its value.
    /// </summary>
    internal async ValueTask ValidateKeptScriptsAsync(string written, PsValue value, int blockNesting = 0)
    {
        if (scope.Variables.KeptScriptValidations(written) is not { Scripts.Count: > 0 } kept) return;
        await ValidateVariableScriptsAsync(written, value, kept.Type, kept.Scripts, blockNesting, adding: false);
    }

    /// <summary>
    /// The ValidateScript attributes an assignment gives a variable (or it keeps), run on the value (converted to the
    /// type): their failure is the variable's validation error.
    /// </summary>
    private async ValueTask ValidateVariableScriptsAsync(string written, PsValue value, ScriptExpressions.KnownType? type, IReadOnlyList<string> validations, int blockNesting, bool? adding = null)
    {
        if (!validations.Any(ScriptParameters.IsScriptValidation)) return;
        PsValue converted;
        try
        {
            converted = type is null ? value : ScriptExpressions.Cast(value, type);
        }
        catch (ScriptExpressionException)
        {
            return; // the assignment's own conversion reports it
        }

        var name = VariableValueTemplate.VariableName(written);
        var bare = name[(name.IndexOf(':', StringComparison.Ordinal) + 1)..];
        foreach (var attribute in validations)
        {
            var open = attribute.IndexOf('{', StringComparison.Ordinal);
            var close = attribute.LastIndexOf('}');
            if (!ScriptParameters.IsScriptValidation(attribute) || open < 0 || close <= open) continue;
            if (await ValidateScriptAsync(new ScriptParameters.ScriptValidation(bare, converted, attribute[(open + 1)..close]), blockNesting) is not null)
            {
                throw new ScriptExpressionException(PipelineVariables.VariableValidationFailure(bare, converted, adding: adding ?? scope.Variables.Get(name) is null));
            }
        }
    }

    private async ValueTask<ScriptParameters.BindingError?> ValidateScriptAsync(ScriptParameters.ScriptValidation validation, int blockNesting)
    {
        var elements = validation.Value is PsNil ? [] : ScriptParameters.ValidatedElements(validation.Value);
        if (elements.Count == 0)
        {
            return new ScriptParameters.BindingError($"Cannot validate argument on parameter '{validation.Parameter}'. The argument is null. Provide a valid value for the argument, and then try running the command again.",
                "ParameterArgumentValidationError", validation.Parameter);
        }

        var variables = scope.Variables;
        foreach (var element in elements)
        {
            var outerItem = variables.Get("_");
            var outerPsItem = variables.Get("PSItem");
            variables.SetLocal("_", element);
            variables.SetLocal("PSItem", element);
            var capture = new CapturingHost(host);
            GuardedOutcome outcome;
            try
            {
                outcome = await RunGuardedAsync(validation.Script, capture, blockNesting + 1);
            }
            catch (ScriptReturnException)
            {
                outcome = default;
            }
            finally
            {
                variables.SetLocal("_", outerItem);
                variables.SetLocal("PSItem", outerPsItem);
            }

            var message = outcome.Caught is { } caught ? ScriptParameters.ScriptValidationError(validation.Parameter, caught.Message)
                : outcome.Stopped is { } stopped ? ScriptParameters.ScriptValidationError(validation.Parameter, PsrpEmulator.Protocol.Psrp.ErrorRecords.Read(stopped.Record).Message)
                : ScriptExpressions.IsTrue(capture.Value) ? null
                : ScriptParameters.ScriptValidationFailure(validation.Parameter, element, validation.Script);
            if (message is not null) return new ScriptParameters.BindingError(message, "ParameterArgumentValidationError", validation.Parameter);
        }

        return null;
    }

    private const string ThreadTypeName = "System.Threading.Thread";

    /// <summary>
    /// Start-Sleep with <c>-Seconds</c> / <c>-s</c> (also positional) or <c>-Milliseconds</c> / <c>-m</c>, from any
    /// argument (a variable, an expression): sleeps on the session's clock; a value outside the parameter's range is
    /// PowerShell's validation error, and nothing is slept.
    /// </summary>
    private async ValueTask StartSleepAsync(string text, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var words = Statements.SplitArguments(text);
        string parameter = "Seconds";
        string? valueWord = null;
        for (var i = 1; i < words.Count; i++)
        {
            var word = words[i];
            if (IsParameterToken(word))
            {
                var name = word[1..].TrimEnd(':');
                if ("Milliseconds".StartsWith(name, StringComparison.OrdinalIgnoreCase)) parameter = "Milliseconds";
                else if ("Seconds".StartsWith(name, StringComparison.OrdinalIgnoreCase)) parameter = "Seconds";
                else
                {
                    await WriteStatementErrorAsync(ParameterError("Start-Sleep", $"A parameter cannot be found that matches parameter name '{name}'.", "NamedParameterNotFound"), output);
                    return;
                }

                if (!word.EndsWith(':') && (i + 1 >= words.Count || IsParameterToken(words[i + 1])))
                {
                    await WriteStatementErrorAsync(MissingArgument("Start-Sleep", parameter, _ => "System.Int32"), output);
                    return;
                }

                continue;
            }

            valueWord ??= word;
        }

        PsValue? typed = null;
        if (valueWord is null)
        {
            // No argument at all: the default parameter set (Seconds) lacks its mandatory parameter, which PowerShell's
            // binder asks of the client's host; nothing typed (or no host) is MissingMandatoryParameter.
            if (Host.HasHostUI && await PromptForMissingParametersAsync("Start-Sleep", [new ScriptParameters.MissingParameter(parameter, "System.Int32", null)]) is [var answer, ..])
            {
                typed = answer.Value;
                valueWord = PipelineVariables.Display(answer.Value);
            }
            else
            {
                await WriteStatementErrorAsync(ParameterError("Start-Sleep", $"Cannot process command because of one or more missing mandatory parameters: {parameter}.", "MissingMandatoryParameter"), output);
                return;
            }
        }

        double value;
        try
        {
            value = ScriptExpressions.AsNumberOrNull(typed ?? await ArgumentAsync(valueWord, to, blockNesting)) ?? double.NaN;
        }
        catch (ScriptExpressionException e)
        {
            await WriteStatementErrorAsync(e.Error, output);
            return;
        }

        var maximum = parameter == "Seconds" ? int.MaxValue / 1000 : int.MaxValue;
        if (double.IsNaN(value))
        {
            await WriteStatementErrorAsync(ParameterError("Start-Sleep",
                $"Cannot bind parameter '{parameter}'. Cannot convert value \"{valueWord}\" to type \"System.Int32\". Error: \"Input string was not in a correct format.\"",
                "CannotConvertArgumentNoMessage"), output);
            return;
        }

        if (value < 0 || value > maximum)
        {
            var bound = value < 0 ? "less than the minimum allowed range of 0. Supply an argument that is greater than or equal to 0" : $"greater than the maximum allowed range of {maximum}. Supply an argument that is less than or equal to {maximum}";
            await WriteStatementErrorAsync(new ScriptedError($"Cannot validate argument on parameter '{parameter}'. The {valueWord} argument is {bound} and then try the command again.",
                "ParameterArgumentValidationError,Microsoft.PowerShell.Commands.StartSleepCommand", ErrorCategory.InvalidData, "System.Management.Automation.ParameterBindingValidationException"), output);
            return;
        }

        var seconds = parameter == "Seconds" ? value : value / 1000;
        if (seconds > 0) await (to ?? host).SleepAsync(Shells.LongDelays.FromSeconds(seconds), time, cancellationToken);
    }

    /// <summary>
    /// Write-Information [-MessageData] data [[-Tags] tags] [-InformationAction a] [-InformationVariable v]: the
    /// information record (its MessageData the object itself), as -InformationAction (else $InformationPreference,
    /// SilentlyContinue by default) says: Ignore writes nothing; Continue also writes the data's text to the host
    /// (WriteLine, a void host call for a client with a host UI); Stop writes the record, then ends the script with
    /// PowerShell's ActionPreferenceStop error. -InformationVariable is taken and not kept.
    /// </summary>
    private async ValueTask WriteInformationAsync(string text, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string command = "Write-Information";
        PsValue? data = null;
        var tags = new List<string>();
        var tagsGiven = false;
        string? preference = null;
        try
        {
            var words = Statements.SplitArguments(text);
            for (var i = 1; i < words.Count; i++)
            {
                var word = words[i];
                string? Value() => ++i < words.Count ? words[i] : null;
                if (word.StartsWith('-') && word.Length > 1 && !char.IsDigit(word[1]))
                {
                    var name = word[1..].TrimEnd(':');
                    if ("MessageData".StartsWith(name, StringComparison.OrdinalIgnoreCase) || name.Equals("Msg", StringComparison.OrdinalIgnoreCase))
                    {
                        data = Value() is { } dataWord ? await ArgumentAsync(dataWord, to, blockNesting) : null;
                    }
                    else if ("Tags".StartsWith(name, StringComparison.OrdinalIgnoreCase))
                    {
                        tagsGiven = true;
                        if (Value() is { } tagWord) tags.AddRange(ScriptExpressions.Enumerate(await ArgumentAsync(tagWord, to, blockNesting)).Select(PipelineVariables.Display));
                    }
                    else if (name.Equals("InformationAction", StringComparison.OrdinalIgnoreCase) || name.Equals("infa", StringComparison.OrdinalIgnoreCase))
                    {
                        preference = Value() is { } actionWord ? PipelineVariables.Display(await ArgumentAsync(actionWord, to, blockNesting)) : null;
                    }
                    else if (name.Equals("InformationVariable", StringComparison.OrdinalIgnoreCase) || name.Equals("iv", StringComparison.OrdinalIgnoreCase))
                    {
                        Value();
                    }
                    else
                    {
                        await WriteStatementErrorAsync(ParameterError(command, $"A parameter cannot be found that matches parameter name '{name}'.", "NamedParameterNotFound", name), output);
                        return;
                    }
                }
                else if (data is null)
                {
                    data = await ArgumentAsync(word, to, blockNesting);
                }
                else if (!tagsGiven)
                {
                    tagsGiven = true;
                    tags.AddRange(ScriptExpressions.Enumerate(await ArgumentAsync(word, to, blockNesting)).Select(PipelineVariables.Display));
                }
                else
                {
                    await WriteStatementErrorAsync(ParameterError(command, $"A positional parameter cannot be found that accepts argument '{word}'.", "PositionalParameterNotFound", word), output);
                    return;
                }
            }
        }
        catch (ScriptExpressionException e)
        {
            await WriteStatementErrorAsync(e.Error, output);
            return;
        }

        if (data is null)
        {
            // A remote session cannot prompt for the mandatory MessageData.
            await WriteStatementErrorAsync(ParameterError(command, "Cannot process command because of one or more missing mandatory parameters: MessageData.", "MissingMandatoryParameter"), output);
            return;
        }

        await WriteInformationAsync(data, tags, preference, output);
    }

    /// <summary>
    /// One Write-Information: as <paramref name="preference"/> (its -InformationAction), else $InformationPreference,
    /// says (see <see cref="WriteInformationAsync(string, IPipelineHost?, IPipelineHost, int)"/>).
    /// </summary>
    internal async ValueTask WriteInformationAsync(PsValue data, IReadOnlyList<string> tags, string? preference, IPipelineHost output)
    {
        preference ??= scope.Variables.Get("InformationPreference") is { } set and not PsNil ? PipelineVariables.Display(set) : "SilentlyContinue";
        if (preference.Equals("Ignore", StringComparison.OrdinalIgnoreCase)) return;
        var shown = PipelineVariables.Display(data);
        // Under Continue the text goes to the host too, once the record reaches it: a redirection (6>&1, 6>$null)
        // takes the record, and nothing is shown.
        var show = preference.Equals("Continue", StringComparison.OrdinalIgnoreCase) || preference.Equals("Inquire", StringComparison.OrdinalIgnoreCase);
        await output.WriteAsync(InformationStep.Record(this, data, InformationStep.Source, tags) with { HostText = show ? shown : null }, cancellationToken);
        if (preference.Equals("Stop", StringComparison.OrdinalIgnoreCase))
        {
            throw new ErrorActionStopException(errorRecords(new ScriptedError(
                $"The running command stopped because the preference variable \"InformationPreference\" or common parameter is set to Stop: {shown}",
                "ActionPreferenceStop", ErrorCategory.OperationStopped, "System.Management.Automation.ActionPreferenceStopException")));
        }
    }

    /// <summary>
    /// Write-Verbose / Write-Debug: the record is written only when the command's <c>-Verbose</c> / <c>-Debug</c>
    /// switch, or else <c>$VerbosePreference</c> / <c>$DebugPreference</c>, is Continue or Inquire (both
    /// SilentlyContinue in a remote session); Stop ends the script with PowerShell's ActionPreferenceStop error.
    /// </summary>
    private async ValueTask WriteVerboseOrDebugAsync(string text, string stream, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var command = "Write-" + stream;
        string? message = null;
        string? preference = null;
        try
        {
            var words = Statements.SplitArguments(text);
            for (var i = 1; i < words.Count; i++)
            {
                var word = words[i];
                if (word.StartsWith("-" + stream, StringComparison.OrdinalIgnoreCase) && (word.Length == stream.Length + 1 || word[stream.Length + 1] == ':'))
                {
                    // -Verbose, -Verbose:$true, -Verbose:$false. A cmdlet's -Debug is Inquire in 5.1 (Continue for a client
                    // without a host UI, below).
                    var value = word.Length == stream.Length + 1 || ScriptExpressions.IsTrue(await ArgumentAsync(word[(stream.Length + 2)..], to, blockNesting));
                    preference = !value ? "SilentlyContinue" : stream == "Debug" ? "Inquire" : "Continue";
                }
                else if (word.Equals("-Message", StringComparison.OrdinalIgnoreCase) || word.Equals("-m", StringComparison.OrdinalIgnoreCase))
                {
                    if (++i < words.Count) message = PipelineVariables.Display(await ArgumentAsync(words[i], to, blockNesting));
                }
                else if (message is null)
                {
                    message = PipelineVariables.Display(await ArgumentAsync(word, to, blockNesting));
                }
                else
                {
                    await WriteStatementErrorAsync(ParameterError(command, $"A positional parameter cannot be found that accepts argument '{word}'.", "PositionalParameterNotFound", word), output);
                    return;
                }
            }
        }
        catch (ScriptExpressionException e)
        {
            await WriteStatementErrorAsync(e.Error, output);
            return;
        }

        if (message is null)
        {
            // A remote session cannot prompt for the mandatory Message.
            await WriteStatementErrorAsync(ParameterError(command, "Cannot process command because of one or more missing mandatory parameters: Message.", "MissingMandatoryParameter"), output);
            return;
        }

        preference ??= scope.Variables.Get(stream + "Preference") is { } set and not PsNil ? PipelineVariables.Display(set) : "SilentlyContinue";
        if (preference.Equals("Continue", StringComparison.OrdinalIgnoreCase) || preference.Equals("Inquire", StringComparison.OrdinalIgnoreCase))
        {
            await output.WriteAsync(stream == "Verbose" ? new VerboseRecordMessage(message) : new DebugRecordMessage(message), cancellationToken);
            // Inquire then asks the client's host whether to go on (5.1 takes Inquire as Continue when it has no UI).
            if (preference.Equals("Inquire", StringComparison.OrdinalIgnoreCase) && Host.HasHostUI) await InquireAsync(command);
        }
        else if (preference.Equals("Stop", StringComparison.OrdinalIgnoreCase))
        {
            throw new ErrorActionStopException(errorRecords(new ScriptedError(
                $"The running command stopped because the preference variable \"{stream}Preference\" or common parameter is set to Stop: {message}",
                "ActionPreferenceStop", ErrorCategory.OperationStopped, "System.Management.Automation.ActionPreferenceStopException")));
        }
    }

    private async ValueTask WriteOutputAsync(string text, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        PsValue[] values;
        var noEnumerate = false;
        try
        {
            var given = Statements.SplitArguments(text);
            var named = given.FindIndex(w => w.Equals("-InputObject", StringComparison.OrdinalIgnoreCase));
            if (named > 0 && (named + 1 >= given.Count || IsParameterToken(given[named + 1])))
            {
                await WriteStatementErrorAsync(MissingArgument("Write-Output", "InputObject", _ => "System.Management.Automation.PSObject[]"), output);
                return;
            }

            var words = given.Skip(1).Where(w => !w.Equals("-InputObject", StringComparison.OrdinalIgnoreCase)).ToList();
            // -OutBuffer n (-ob), a common parameter that changes nothing written: not an object to write; nor is
            for (var i = words.Count - 1; i >= 0; i--)
            {
                var common = words[i].Split(':', 2);
                // -PipelineVariable name (-pv) alone: no command after it reads the variable (a pipeline's is taken off
                // by the pipeline, which sets it).
                if (!common[0].Equals("-OutBuffer", StringComparison.OrdinalIgnoreCase) && !common[0].Equals("-ob", StringComparison.OrdinalIgnoreCase) &&
                    !common[0].Equals("-PipelineVariable", StringComparison.OrdinalIgnoreCase) && !common[0].Equals("-pv", StringComparison.OrdinalIgnoreCase)) continue;
                words.RemoveRange(i, common.Length == 1 && i + 1 < words.Count ? 2 : 1);
            }

            // -NoEnumerate (a unique prefix, -NoE): the argument is written as one object, a collection whole.
            noEnumerate = words.RemoveAll(w => w.Length >= 4 && w[0] == '-' && "NoEnumerate".StartsWith(w[1..], StringComparison.OrdinalIgnoreCase)) > 0;
            values = new PsValue[words.Count];
            for (var i = 0; i < words.Count; i++) values[i] = await ArgumentAsync(words[i], to, blockNesting);
        }
        catch (ScriptExpressionException e)
        {
            await WriteStatementErrorAsync(e.Error, output);
            return;
        }

        if (noEnumerate)
        {
            if (values.Length > 0) await output.WriteAsync(new PipelineOutput(values.Length == 1 ? values[0] : PsObjects.List(values, ListValueTemplate.ArrayTypeNames)), cancellationToken);
            return;
        }

        foreach (var value in values)
        {
            foreach (var item in ScriptExpressions.Enumerate(value)) await output.WriteAsync(new PipelineOutput(item), cancellationToken);
        }
    }

    /// <summary>
    /// <see cref="ScriptExpressions.Arithmetic"/>, where a string plus an array takes the array's items joined by $OFS
    /// (<c>'x' + $list</c>, <c>$s += $list</c>), as PowerShell converts the array to a string.
    /// </summary>
    private PsValue Arithmetic(PsValue? left, string op, PsValue? right) =>
        op == "+" && left is PsPrimitive { Value: string } && PipelineVariables.IsJoinedList(right)
            ? ScriptExpressions.Arithmetic(left, op, PsPrimitive.String(scope.Variables.DisplayInString(right!)))
            : ScriptExpressions.Arithmetic(left, op, right);

    /// <summary>
    /// A double-quoted string's text: $( ... ) subexpressions run as statements and their output takes their place
    /// (several objects joined by spaces); variables and backtick escapes expand as <see cref="PipelineVariables.Expand"/>.
    /// </summary>
    private async ValueTask<string> ExpandAsync(string text, IPipelineHost? to, int blockNesting)
    {
        if (!text.Contains("$(", StringComparison.Ordinal)) return scope.Variables.Expand(text);
        CheckNesting(blockNesting, "subexpressions");
        var result = new System.Text.StringBuilder(text.Length);
        var segment = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '`')
            {
                i++; // an escaped character stays in the segment, for Expand
                continue;
            }

            if (text[i] != '$' || i + 1 >= text.Length || text[i + 1] != '(') continue;
            var close = Statements.MatchingClose(text, i + 1, ')');
            if (close < 0) break; // unclosed: the rest is text, as Expand leaves it
            result.Append(scope.Variables.Expand(text[segment..i]));
            var value = await CaptureAsync(Statements.SubexpressionCode(text[(i + 2)..close]), to, blockNesting);
            result.Append(scope.Variables.DisplayInString(value));
            if (result.Length > ScriptExpressions.MaxArithmeticLength) throw new ScenarioRuntimeException("an expanded string is limited to 10000000 characters in the emulator");
            segment = close + 1;
            i = close;
        }

        result.Append(scope.Variables.Expand(text[segment..]));
        return result.ToString();
    }

    /// <summary>
    /// An EnvironmentVariableTarget argument ('Machine', [EnvironmentVariableTarget]::User, 2): the store it names; null
    /// for Process. Anything else is PowerShell's conversion error.
    /// </summary>
    private static EnvironmentScope? EnvironmentTarget(PsValue value, string method)
    {
        var text = PipelineVariables.Display(value).Trim();
        if (text.Equals("Process", StringComparison.OrdinalIgnoreCase) || text == "0") return null;
        if (text.Equals("User", StringComparison.OrdinalIgnoreCase) || text == "1") return EnvironmentScope.User;
        if (text.Equals("Machine", StringComparison.OrdinalIgnoreCase) || text == "2") return EnvironmentScope.Machine;
        throw new ScriptExpressionException(new ScriptedError(
            $"Cannot convert argument \"target\", with value: \"{text}\", for \"{method}\" to type \"System.EnvironmentVariableTarget\": \"Cannot convert value \"{text}\" to type \"System.EnvironmentVariableTarget\". " +
            $"Error: \"Unable to match the identifier name {text} to a valid enumerator name. Specify one of the following enumerator names and try again:\r\nProcess, User, Machine\"\"",
            "MethodArgumentConversionInvalidCastArgument", ErrorCategory.NotSpecified, "System.Management.Automation.MethodException"));
    }

    // A command argument's value, as command mode reads it: a bare word is a string.
    private async ValueTask<PsValue> ArgumentAsync(string word, IPipelineHost? to, int blockNesting)
    {
        if (word.Length == 0) return PsPrimitive.String(string.Empty);
        // a, 'b', 3: an array of the elements, each read as an argument (a bare word a string).
        if (word.Contains(',', StringComparison.Ordinal) && ScriptExpressions.ArrayElements(word) is { Count: > 1 } elements)
        {
            var items = new PsValue[elements.Count];
            for (var i = 0; i < items.Length; i++) items[i] = await ArgumentAsync(elements[i].Trim(), to, blockNesting);
            return PsObjects.List(items, ListValueTemplate.ArrayTypeNames);
        }

        if (word.Length >= 2 && word[0] == '\'' && word[^1] == '\'') return PsPrimitive.String(word[1..^1].Replace("''", "'", StringComparison.Ordinal));
        if (word.Length >= 2 && word[0] == '"' && word[^1] == '"') return PsPrimitive.String(await ExpandAsync(word[1..^1], to, blockNesting));
        if (ScriptExpressions.NumberLiteral(word) is { } number) return number;
        // $env:SystemRoot\System32\cmd.exe, $dir\logs, $name-old: a variable with more text after it (neither a member, an
        // index nor a method call) is an expandable string in argument mode, as PowerShell's tokenizer reads it.
        if (word[0] == '$' && ArgumentVariable().Match(word) is { Success: true } variable && variable.Length < word.Length && word[variable.Length] is not ('.' or '[' or '(' or ','))
        {
            return PsPrimitive.String(await ExpandAsync(word, to, blockNesting));
        }

        if (word[0] is '$' or '(' or '@') return await EvaluateAsync(word, to, blockNesting + 1);
        // { ... }: a script block (a function's [scriptblock] parameter, one it runs with &), not text.
        if (word[0] == '{' && Statements.ScriptBlockText(word) is { } block) return PsPrimitive.ScriptBlock(block);
        // A bare word is expandable, as a double-quoted string without its quotes: a$x, C:\Users\$env:USERNAME, a`tb;
        // quoted parts in it are strings of their own kind, their quotes gone (/C:"OS Name" is /C:OS Name).
        if (word.AsSpan().IndexOfAny('"', '\'') >= 0) return PsPrimitive.String(await BareWordAsync(word, to, blockNesting));
        if (word.AsSpan().IndexOfAny('$', '`') >= 0) return PsPrimitive.String(await ExpandAsync(word, to, blockNesting));
        return PsPrimitive.String(word);
    }

    // A variable's name at the start of an argument: $x, $env:Path, $script:x, ${a b}.
    [System.Text.RegularExpressions.GeneratedRegex(@"^\$(?:\{[^}]*\}|(?:\w+:)?\w+)", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex ArgumentVariable();

    // A bare word with quoted parts (/C:"OS Name", a'b c'd): each part's value, joined, as PowerShell's tokenizer reads
    // a generic token: a double-quoted part expanded, a single-quoted one literal, the rest expandable.
    private async ValueTask<string> BareWordAsync(string word, IPipelineHost? to, int blockNesting)
    {
        var text = new System.Text.StringBuilder(word.Length);
        var start = 0;
        for (var i = 0; i < word.Length; i++)
        {
            if (word[i] == '`')
            {
                i++;
                continue;
            }

            if (word[i] is not ('"' or '\'')) continue;
            if (i > start) text.Append(await ExpandAsync(word[start..i], to, blockNesting));
            var close = Math.Min(Statements.SkipQuotedOrEscaped(word, i), word.Length - 1);
            var inner = close > i ? word[(i + 1)..close] : string.Empty;
            text.Append(word[i] == '"' ? await ExpandAsync(inner, to, blockNesting) : inner.Replace("''", "'", StringComparison.Ordinal));
            start = i = close + 1;
            i--;
        }

        if (start < word.Length) text.Append(await ExpandAsync(word[start..], to, blockNesting));
        return text.ToString();
    }

    /// <summary>
    /// switch: for each item of the value, every clause whose test holds runs, with $_ the item (default when none
    /// did); a test is equality (without case unless -CaseSensitive), a wildcard (-Wildcard), a regular expression
    /// (-Regex) or a script block's condition. break ends the switch, continue goes to the next item.
    /// </summary>
    private async ValueTask RunSwitchAsync(Statements.SwitchStatement statement, IPipelineHost? to, int blockNesting, string? label = null)
    {
        CheckNesting(blockNesting, "statements");
        PsValue value;
        try
        {
            value = statement.File is { } fileWord ? await SwitchFileLinesAsync(fileWord, to, blockNesting) : await EvaluateAsync(statement.Value, to, blockNesting + 1);
        }
        catch (ScriptExpressionException e)
        {
            await WriteStatementErrorAsync(e.Error, to ?? host);
            return;
        }

        var variables = scope.Variables;
        var outer = variables.Get("_");
        try
        {
            // A copy of the items: a clause may change the collection in place. $null is one item (no enumerator:
            // the value itself, so "$null { }" and default run), an empty array none.
            foreach (var item in value is PsNil ? [PsNil.Instance] : ScriptExpressions.Enumerate(value).ToArray())
            {
                cancellationToken.ThrowIfCancellationRequested();
                variables.SetLocal("_", item);
                var matched = false;
                try
                {
                    foreach (var clause in statement.Clauses)
                    {
                        if (clause.IsDefault || !await TestAsync(clause, item)) continue;
                        matched = true;
                        await RunStatementAsync(clause.Body, to, blockNesting + 1);
                    }

                    if (!matched && statement.Clauses.FirstOrDefault(c => c.IsDefault) is { } fallback) await RunStatementAsync(fallback.Body, to, blockNesting + 1);
                }
                catch (LoopControlException control) when (control.Targets(label))
                {
                    if (!control.IsContinue) return;
                }
                catch (ScriptExpressionException e)
                {
                    // A terminating error in a test ends the switch; the script goes on.
                    await WriteStatementErrorAsync(e.Error, to ?? host);
                    return;
                }
            }
        }
        finally
        {
            variables.SetLocal("_", outer);
        }

        async ValueTask<bool> TestAsync(Statements.SwitchClause clause, PsValue item)
        {
            if (clause.IsCondition) return ScriptExpressions.IsTrue(await EvaluateAsync(clause.Test, to, blockNesting + 1));
            var test = await ArgumentAsync(clause.Test, to, blockNesting);
            var op = (statement.CaseSensitive ? "c" : "i") + (statement.Regex ? "match" : statement.Wildcard ? "like" : "eq");
            var holds = ScriptExpressions.IsTrue(ScriptExpressions.Compare(item, op, test));
            // A -Regex clause that matches sets $Matches for its block, as -match does.
            if (holds && statement.Regex && ScriptExpressions.MatchTable(item, op, test) is { } matches) scope.Variables.Set("Matches", matches);
            return holds;
        }
    }

    // A preference variable's value when the session set one other than Continue (the default); null otherwise.
    private string? Preference(string name) =>
        scope.Variables.Get(name) is PsPrimitive { Value: string value } && !value.Equals("Continue", StringComparison.OrdinalIgnoreCase) ? value : null;

    /// <summary>A statement-terminating error of a step's statement (inside a try, it goes to the catch).</summary>
    internal ValueTask StatementErrorAsync(ScriptedError error) => WriteStatementErrorAsync(error, host);

    /// <summary>A statement-terminating error of a step's own statement (see the overload).</summary>
    internal ValueTask WriteStatementErrorAsync(ScriptedError error) => WriteStatementErrorAsync(error, host);

    /// <summary>
    /// A statement-terminating error: inside a try block it goes to the catch (PowerShell catches an unknown command
    /// or an expression's error there); elsewhere it is written and the script goes on.
    /// </summary>
    private ValueTask WriteStatementErrorAsync(ScriptedError error, IPipelineHost output, bool passesOwnAction = false)
    {
        scope.Variables.ErrorsWritten++;
        // The first command of a pipeline failed as a statement: the commands after it are not ended (RunPipelineAsync).
        if (_pipelineHeadNesting >= 0 && _statementNesting == _pipelineHeadNesting) _pipelineHeadFailed = true;
        // A pipeline inside an expression ((Get-Item x -Foo).Count, $a = Get-Item x -Foo): its error ends the statement
        // around it too, which writes it (CaptureExpressionAsync).
        if (_propagateNesting >= 0 && _statementNesting == _propagateNesting && scope.Variables.TryDepth == 0) throw new PropagatedStatementException(error);
        if (scope.Variables.TryDepth > 0) throw new StatementTerminatedException(error);
        if (UnansweredFails && depth == 0 && _statementNesting <= 0) throw new PipelineTerminatedException(PSInvocationState.Failed, error);
        // $ErrorActionPreference = 'Stop' makes it terminating for the script too.
        var preference = Preference("ErrorActionPreference");
        if (string.Equals(preference, "Stop", StringComparison.OrdinalIgnoreCase)) throw new PipelineTerminatedException(PSInvocationState.Failed, error);
        var record = errorRecords(error);
        if (output is ActionPreferenceHost own && (own.ForCmdlet || passesOwnAction))
        {
            // A command's -ErrorAction does not hide its terminating error (Get-Date -Date x -ErrorAction
            // SilentlyContinue still shows the binding error); $ErrorActionPreference = 'SilentlyContinue' does.
            output = own.PassTerminating(record);
            if (ActionPreferenceHost.Drops(preference))
            {
                if (string.Equals(preference, "SilentlyContinue", StringComparison.OrdinalIgnoreCase)) output.Runspace?.RecordError(output.PlaceUnsent(record));
                return ValueTask.CompletedTask;
            }
        }

        return output.WriteAsync(new ErrorRecordMessage(record), cancellationToken);
    }

    /// <summary>
    /// try { } catch { } finally { }: an error the body raises (a throw, a rule ending Failed, a statement-terminating
    /// error) runs the first catch naming its exception type (or none), with $_ the error record; finally runs
    /// whatever happened. An error no catch takes goes on as it would have without the try.
    /// </summary>
    private async ValueTask RunTryAsync(Statements.TryStatement statement, IPipelineHost? to, int blockNesting)
    {
        CheckNesting(blockNesting, "statements");
        try
        {
            var (caught, stopped, endsScript) = await RunGuardedAsync(statement.Body, to, blockNesting + 1);
            if (stopped is not null)
            {
                var stopHandler = StopHandler(statement.Catches, stopped);
                if (stopHandler is null) throw stopped;
                await RunCatchAsync(stopHandler, stopped.Record, to, blockNesting);
                return;
            }

            if (caught is null) return;
            var handler = ErrorHandler(statement.Catches, caught);
            if (handler is null)
            {
                // No catch takes it: it goes on as it would have without this try (a throw fails the script, a
                // statement-terminating error is written or goes to an outer try), after the finally below.
                if (endsScript) throw new PipelineTerminatedException(PSInvocationState.Failed, caught);
                await WriteStatementErrorAsync(caught, to ?? host);
                return;
            }

            await RunCatchAsync(handler, errorRecords(caught), to, blockNesting);
        }
        finally
        {
            if (!string.IsNullOrEmpty(statement.Finally)) await RunStatementAsync(statement.Finally, to, blockNesting + 1);
        }
    }

    /// <summary>The terminating error a statement run inside a try (or under traps) raised: none, an error, or -ErrorAction Stop's.</summary>
    private readonly record struct GuardedOutcome(ScriptedError? Caught, ErrorActionStopException? Stopped, bool EndsScript);

    private async ValueTask<GuardedOutcome> RunGuardedAsync(string statement, IPipelineHost? to, int blockNesting)
    {
        scope.Variables.TryDepth++;
        try
        {
            await RunStatementAsync(statement, to, blockNesting);
            return default;
        }
        catch (StatementTerminatedException e)
        {
            return new(e.Error, null, false);
        }
        catch (PipelineTerminatedException e) when (e.State == PSInvocationState.Failed)
        {
            return new(e.Reason, null, true);
        }
        catch (ErrorActionStopException e)
        {
            // -ErrorAction Stop: the command's own error record, as ActionPreferenceStopException.
            return new(null, e, false);
        }
        finally
        {
            scope.Variables.TryDepth--;
        }
    }

    // ActionPreferenceStopException, then the exception of the error record it stopped on, as Windows PowerShell's
    // FindMatchingHandler: catch [ItemNotFoundException] takes Get-Item's error under -ErrorAction Stop.
    private static Statements.CatchClause? StopHandler(IReadOnlyList<Statements.CatchClause> catches, ErrorActionStopException stopped) =>
        FindHandler(catches, "System.Management.Automation.ActionPreferenceStopException", PsrpEmulator.Protocol.Psrp.ErrorRecords.Read(stopped.Record).ExceptionType);

    private static Statements.CatchClause? ErrorHandler(IReadOnlyList<Statements.CatchClause> catches, ScriptedError caught) =>
        FindHandler(catches, caught.InnerExceptionType, caught.ExceptionType, caught.WrappingExceptionType);

    /// <summary>
    /// A statement of a scope with <c>trap</c> statements: a terminating error it raises (a throw, a statement-terminating
    /// error, -ErrorAction Stop) runs the first trap that takes its type, with <c>$_</c> the error record; then, as in
    /// PowerShell, <c>continue</c> in the trap goes on with the next statement, <c>break</c> ends the script with the
    /// error, and neither writes the error and goes on. An error no trap takes goes on as without them.
    /// </summary>
    private async ValueTask RunTrappedAsync(string statement, IReadOnlyList<Statements.CatchClause> traps, IPipelineHost? to, int blockNesting)
    {
        var (caught, stopped, endsScript) = await RunGuardedAsync(statement, to, blockNesting);

        Statements.CatchClause? trap;
        PsObject record;
        if (stopped is not null)
        {
            trap = StopHandler(traps, stopped);
            if (trap is null) throw stopped;
            record = stopped.Record;
        }
        else if (caught is null)
        {
            return;
        }
        else
        {
            trap = ErrorHandler(traps, caught);
            if (trap is null)
            {
                if (endsScript) throw new PipelineTerminatedException(PSInvocationState.Failed, caught);
                await WriteStatementErrorAsync(caught, to ?? host);
                return;
            }

            record = errorRecords(caught);
        }

        try
        {
            await RunCatchAsync(trap, record, to, blockNesting);
        }
        catch (LoopControlException control)
        {
            if (control.IsContinue) return;
            if (stopped is not null) throw stopped;
            throw new PipelineTerminatedException(PSInvocationState.Failed, caught!);
        }

        scope.Variables.ErrorsWritten++;
        await (to ?? host).WriteAsync(new ErrorRecordMessage(record), cancellationToken);
    }

    // A catch block, with $_ and $PSItem the error record.
    private async ValueTask RunCatchAsync(Statements.CatchClause handler, PsObject record, IPipelineHost? to, int blockNesting)
    {
        // Placed where it was raised, as the engine sets a terminating error's InvocationInfo before the catch sees it.
        record = CommandInfos.WithCommandInfo(host.PlaceCaught(record, scope.Variables.InnermostStatement), ScriptCaller.Of(record));
        var variables = scope.Variables;
        // A caught error is in $Error too, as PowerShell keeps it.
        variables.Runspace.RecordError(record);
        var outerItem = variables.Get("_");
        var outerPsItem = variables.Get("PSItem");
        variables.SetLocal("_", record);
        variables.SetLocal("PSItem", record);
        (Seldom.Caught ??= []).Add(record);
        try
        {
            await RunStatementAsync(handler.Body, to, blockNesting + 1);
        }
        finally
        {
            _seldom!.Caught!.RemoveAt(_seldom.Caught.Count - 1);
            variables.SetLocal("_", outerItem);
            variables.SetLocal("PSItem", outerPsItem);
        }
    }

    /// <summary>
    /// The catch clause for an error, as Windows PowerShell's FindMatchingHandler searches: the first clause naming a
    /// type the first exception is (the wrapped .NET exception before PowerShell's own), then the next exception's;
    /// the catch-all clause when no typed one takes any.
    /// </summary>
    private static Statements.CatchClause? FindHandler(IReadOnlyList<Statements.CatchClause> catches, params string?[] exceptionTypes)
    {
        foreach (var exceptionType in exceptionTypes)
        {
            if (exceptionType is null) continue;
            foreach (var clause in catches)
            {
                if (clause.Types.Any(type => Catches(type, exceptionType))) return clause;
            }
        }

        return catches.FirstOrDefault(c => c.Types.Count == 0);
    }

    /// <summary>
    /// Whether <c>catch [type]</c> takes an exception of <paramref name="exceptionType"/>: the type or one it derives
    /// from, by full name, without <c>System.</c>, or by its short name. The emulator knows the derivation of the
    /// exceptions it raises and of the common .NET ones; another PowerShell type derives from RuntimeException, and
    /// any other type from System.Exception.
    /// </summary>
    private static bool Catches(string type, string exceptionType)
    {
        var name = type.Trim();
        if (name.StartsWith("System.", StringComparison.OrdinalIgnoreCase)) name = name[7..];
        for (var current = exceptionType; current is not null; current = ExceptionTypes.BaseOf(current))
        {
            var bare = current.StartsWith("System.", StringComparison.Ordinal) ? current[7..] : current;
            if (name.Equals(bare, StringComparison.OrdinalIgnoreCase) || name.Equals(current[(current.LastIndexOf('.') + 1)..], StringComparison.OrdinalIgnoreCase)) return true;
        }

        return false;
    }


    /// <summary>
    /// A while, do or for loop: the body while the condition holds (until it holds, for do-until), tested before
    /// the body (while, for) or after it (do). break and continue work as in foreach.
    /// </summary>
    private async ValueTask RunLoopAsync(Statements.LoopStatement loop, IPipelineHost? to, int blockNesting, string? label = null)
    {
        CheckNesting(blockNesting, "statements");
        if (!string.IsNullOrEmpty(loop.Initializer)) await RunStatementAsync(loop.Initializer, to, blockNesting + 1);
        var slice = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var i = 0L; ; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if ((i & 0xFF) == 0xFF && System.Diagnostics.Stopwatch.GetElapsedTime(slice) > LoopStep.LoopTimeSlice)
            {
                // As a loop step: a long loop with no wait in it gives its thread back now and then.
                await Task.Yield();
                slice = System.Diagnostics.Stopwatch.GetTimestamp();
            }

            if (loop.ConditionFirst && !await HoldsAsync()) return;
            try
            {
                await RunStatementAsync(loop.Body, to, blockNesting + 1);
            }
            catch (LoopControlException control) when (control.Targets(label))
            {
                if (!control.IsContinue) return;
            }

            if (!string.IsNullOrEmpty(loop.Iterator)) await RunStatementAsync(loop.Iterator, to, blockNesting + 1);
            if (!loop.ConditionFirst && await HoldsAsync() == loop.Until) return;
        }

        async ValueTask<bool> HoldsAsync()
        {
            if (loop.Condition is null) return true;
            try
            {
                return ScriptExpressions.IsTrue(await EvaluateAsync(loop.Condition, to, blockNesting + 1));
            }
            catch (ScriptExpressionException e)
            {
                // A terminating error in the condition ends the loop; the script goes on.
                await WriteStatementErrorAsync(e.Error, to ?? host);
                return loop.Until;
            }
        }
    }

    /// <summary>The block once per item of the collection, the variable set to it (it stays set afterwards, as in PowerShell).</summary>
    private async ValueTask RunForeachAsync(Statements.ForeachStatement loop, IPipelineHost? to, int blockNesting, string? label = null)
    {
        CheckNesting(blockNesting, "statements");
        PsValue collection = PsNil.Instance;
        // A range is counted, not made: PowerShell's foreach goes over 1..1000000 without an array of a million.
        var range = ScriptExpressions.IntegerRange(loop.Collection);
        try
        {
            if (range is null) collection = await EvaluateAsync(loop.Collection, to, blockNesting + 1);
        }
        catch (ScriptExpressionException e)
        {
            await WriteStatementErrorAsync(e.Error, to ?? host);
            return;
        }

        // A copy of the items: the body may change the collection in place ($a[0] = x).
        var items = ScriptExpressions.Enumerate(collection).ToArray();
        var growable = collection is PsObject list && ScriptExpressions.IsGrowable(list) ? list : null;
        // As a loop step: a long loop with no wait in it gives its thread back now and then.
        var slice = System.Diagnostics.Stopwatch.GetTimestamp();
        var count = range is { } r ? Math.Abs((long)r.Last - r.First) + 1 : items.Length;
        for (var i = 0L; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if ((i & 0xFF) == 0xFF && System.Diagnostics.Stopwatch.GetElapsedTime(slice) > LoopStep.LoopTimeSlice)
            {
                await Task.Yield();
                slice = System.Diagnostics.Stopwatch.GetTimestamp();
            }

            scope.Variables.Set(loop.Variable, range is { } bounds
                ? PsPrimitive.Int32((int)(bounds.First + (bounds.First <= bounds.Last ? i : -i)))
                : items[(int)i]);
            try
            {
                await RunStatementAsync(loop.Body, to, blockNesting + 1);
            }
            catch (LoopControlException control) when (control.Targets(label))
            {
                if (!control.IsContinue) return;
            }

            // An ArrayList whose body added or removed items: .NET's enumerator (PowerShell's foreach) refuses to go on.
            if (growable is not null && growable.Items.Count != items.Length && i + 1 < count)
            {
                await WriteStatementErrorAsync(new ScriptedError("Collection was modified; enumeration operation may not execute.", "System.InvalidOperationException",
                    ErrorCategory.OperationStopped, "System.InvalidOperationException"), to ?? host);
                return;
            }
        }
    }

    /// <summary>
    /// A condition's or a collection's value: an expression with operators is evaluated here, its operands (and
    /// anything else: a variable, a literal, a pipeline in parentheses or on its own) run as statements through the
    /// behaviours, their output the value (none is $null, one is itself, more an array).
    /// </summary>
    private async ValueTask<PsValue> EvaluateAsync(string text, IPipelineHost? to, int blockNesting)
    {
        CheckNesting(blockNesting, "expressions");
        text = text.Trim();
        if (ScriptExpressions.Parenthesized(text) is { } inner)
        {
            // ($x = 5): the assignment runs, and the expression's value is what it assigned, as in PowerShell
            // (winrm-fs passes ($decoded = "$in.ps1") as an argument and uses $decoded after).
            if (Statements.AssignedVariable(inner) is { } assigned && Statements.Split(inner).Count == 1)
            {
                await RunStatementAsync(inner, to, blockNesting + 1);
                return await EvaluateAsync(assigned, to, blockNesting + 1);
            }

            return await EvaluateAsync(inner, to, blockNesting + 1);
        }

        // { statements }: a ScriptBlock, run later by & or . (or shown as its text).
        if (ScriptExpressions.ScriptBlockLiteral(text) is { } block) return PsPrimitive.ScriptBlock(block);
        // An operand that is a variable: its value as held (an empty array is still an array: @() -is [array]).
        if (HeldVariable(text) is { } held) return held;
        // Under Set-StrictMode, reading a variable never set is an error (the statement's), not $null.
        if (scope.Variables.Runspace.StrictModeVersion > 0 && VariableHead(text.Trim()) is { } unset && scope.Variables.StrictModeUnset(unset))
        {
            throw new ScriptExpressionException(PipelineVariables.VariableIsUndefined(unset));
        }
        if (text == "$?") return PsPrimitive.Boolean(scope.Variables.LastSucceeded);
        // $^ and $$ before the first script for the history: not set yet, $null.
        if (text is "$^" or "$$") return PsNil.Instance;
        // $type::Member / $type::Method(...): a static member through a variable holding a type ($t = [IO.Path];
        // Add-Type -PassThru's), as [Type]::Member; through $null a method call is InvokeMethodOnNull, a property $null.
        if (text.Length > 3 && text[0] == '$' && ScriptExpressions.StaticMemberOfVariable().Match(text) is { Success: true } viaVariable &&
            ScriptExpressions.StaticMemberSyntax(viaVariable.Groups["rest"].Value) is var (_, staticArguments))
        {
            var holder = await EvaluateAsync(viaVariable.Groups["v"].Value, to, blockNesting + 1);
            if (holder is PsObject { TypeNames: [ScriptExpressions.RuntimeTypeName, ..], ToStringValue: { } heldType })
            {
                return await EvaluateAsync("[" + heldType + "]" + viaVariable.Groups["rest"].Value, to, blockNesting + 1);
            }

            if (ScriptExpressions.IsNull(holder))
            {
                if (staticArguments is null) return PsNil.Instance;
                throw new ScriptExpressionException(new ScriptedError("You cannot call a method on a null-valued expression.", "InvokeMethodOnNull",
                    ErrorCategory.InvalidOperation, ScriptedError.RuntimeExceptionType));
            }
        }

        var expression = !ScriptExpressions.IsCommandMode(text) && !ScriptExpressions.HasPipeline(text);
        // A number written out (3.5, 0x10, 1e-5, 2GB) is its value; a rule that matches it whole still wins below.
        if (expression && ScriptExpressions.NumberLiteral(text) is { } number && Catalog.Find(text) is null) return number;
        if (expression && ScriptExpressions.Tokenize(text) is { } tokens) return await EvaluateAsync(ParseExpression(tokens), to, blockNesting + 1);
        // 'it''s': a literal no rule answered (the rules take the ones without a doubled quote).
        if (expression && Statements.SingleQuotedLiteral(text) is { } literal && Catalog.Find(text) is null) return PsPrimitive.String(literal);
        if (!expression) return await CaptureExpressionAsync(text, to, blockNesting);
        if (text.StartsWith('!')) return PsPrimitive.Boolean(!ScriptExpressions.IsTrue(await EvaluateAsync(text[1..], to, blockNesting + 1)));
        if (ScriptExpressions.HashtableLiteral(text) is var (entries, cast))
        {
            // @{ ... } is a Hashtable, [ordered]@{ ... } an OrderedDictionary; [PSCustomObject]@{ ... } an object with
            // those properties, in order.
            var customObject = cast == "PSCustomObject";
            var table = customObject ? PsObjects.CustomObject()
                : cast == "ordered" ? PsObjects.Dictionary([], ["System.Collections.Specialized.OrderedDictionary", "System.Object"])
                : PsObjects.Dictionary([]);
            HashSet<string>? literalKeys = null;
            // A literal is a Hashtable made for its number of pairs, whose size places a number key (HashtableOrder).
            if (!customObject && cast != "ordered" && entries.Exists(e => !e.Quoted && (ScriptExpressions.NumberLiteral(e.Key) is not null || !ScriptExpressions.IsBareHashtableKey(e.Key))))
            {
                HashtableOrder.Reserve(table, entries.Count);
            }

            foreach (var (written, valueText, quoted) in entries)
            {
                // A key written as an expression ($k, "pre$k", ($a + 'x')) is its value: a string key of its text, or the value itself.
                PsValue? keyValue = !quoted && !ScriptExpressions.IsBareHashtableKey(written) ? await EvaluateAsync(written, to, blockNesting + 1) : null;
                var key = keyValue is null ? written : PipelineVariables.Display(keyValue);
                // The same literal key twice (any case) is PowerShell's parse error (here when the literal is evaluated).
                if (keyValue is null && !(literalKeys ??= new(StringComparer.OrdinalIgnoreCase)).Add(key))
                {
                    throw new ScriptParseException(ScriptedError.ParseError($"Duplicate keys '{key}' are not allowed in hash literals.", "DuplicateKeyInHashLiteral"));
                }

                var entryValue = await EvaluateAsync(valueText, to, blockNesting + 1);
                if (customObject)
                {
                    // PSTypeName = 'Contoso.Server' names the object's type (its first type name), as PowerShell reads it.
                    if (key.Equals("PSTypeName", StringComparison.OrdinalIgnoreCase) && !ScriptExpressions.IsNull(entryValue)) table.TypeNames = [PipelineVariables.Display(entryValue), .. table.TypeNames!];
                    else table.ExtendedProperties.Add(new PsProperty(key, entryValue));
                    continue;
                }

                // A bare number is a number key (@{ 1 = 'a' } is found by $h[1], not $h['1']); other keys are strings.
                PsValue tableKey = keyValue is not null && !ScriptExpressions.IsNull(keyValue) ? keyValue
                    : !quoted && ScriptExpressions.NumberLiteral(key) is { } numberKey ? numberKey : PsPrimitive.String(key);
                TableKeys.Add(table, tableKey, entryValue);
            }

            return table;
        }

        // [version]'1.0', [version]'2.0': the cast binds closer than the comma, so this is an array of two (below).
        if (ScriptExpressions.TypeOperation(text) is var (type, after) && ScriptExpressions.ArrayElements(text) is null)
        {
            // [int] alone: the type itself, a System.RuntimeType.
            if (after.Length == 0) return ScriptExpressions.TypeObject(type.RuntimeName);
            if (ScriptExpressions.StaticMemberSyntax(after) is not var (member, argumentText))
            {
                // [ref]$c: a reference to the variable itself (PowerShell's error when there is none).
                if (type.FullName == VariableReferences.TypeName && RefArgument().Match("[ref]" + after) is { Success: true } referenced)
                {
                    return OutReference(referenced.Groups["var"].Value);
                }

                // [int]$x, [string]42, [void]$list.Add(1): the operand converted (the cast binds after its members);
                // [string] of an array joins its items with $OFS.
                var operand = await EvaluateAsync(after, to, blockNesting + 1);
                if (ScriptTypes.Current?.Class(type.FullName) is { } castClass) return await CastToClassAsync(castClass, operand, to, blockNesting);
                // [ADSI]"WinNT://...": the WinNT provider's entry for the path (RunContext.Adsi).
                if (type.FullName == RunContext.DirectoryEntryTypeName) return AdsiEntryOf(operand) ?? AdsiEntry(PipelineVariables.Display(operand));
                if (type.FullName == ScriptExpressions.CultureInfoTypeName && operand is PsPrimitive) return ScriptExpressions.CultureNamed(operand);
                // [IO.FileInfo]'C:\x.txt', [IO.DirectoryInfo]$path: PowerShell converts a string through the type's constructor.
                if (type.FullName is FileInfoTypeName or DirectoryInfoTypeName && operand is PsPrimitive { Value: string infoText })
                {
                    return infoText.Length > 0 ? NewFileSystemInfo(operand, directory: type.FullName == DirectoryInfoTypeName) : throw new ScriptExpressionException(new ScriptedError(
                        $"Cannot convert value \"\" to type \"{type.FullName}\". Error: \"The path is not of a legal form.\"",
                        "InvalidCastConstructorException", ErrorCategory.InvalidArgument, ScriptedError.RuntimeExceptionType));
                }

                // [wmiclass]"Win32_Process", [wmi]"Win32_Service.Name='Spooler'" (RunContext.WmiMethods).
                if (type.FullName == RunContext.ManagementClassTypeName) return WmiClassObject(PipelineVariables.Display(operand));
                if (type.FullName == RunContext.ManagementObjectTypeName) return operand is PsObject { TypeNames: [var managed, ..] } given && managed.StartsWith(RunContext.ManagementObjectTypeName, StringComparison.Ordinal)
                    ? given : await WmiObjectAtPathAsync(PipelineVariables.Display(operand), blockNesting);
                return type.FullName == "System.String" && PipelineVariables.IsJoinedList(operand)
                    ? PsPrimitive.String(scope.Variables.DisplayInString(operand))
                    : ScriptExpressions.Cast(operand, type);
            }

            // [int]::TryParse('5', [ref]$n): Parse's answer into the variable (0, or DateTime's MinValue, when it
            // fails) and whether it parsed, as the .NET method through PowerShell's [ref].
            if (member.Equals("TryParse", StringComparison.OrdinalIgnoreCase) && argumentText is not null &&
                ScriptExpressions.ArrayElements(argumentText) is [var parsedText, var referenceText] &&
                RefArgument().Match(referenceText) is { Success: true } reference)
            {
                var parsed = await EvaluateAsync(parsedText, to, blockNesting + 1);
                var target = OutReference(reference.Groups["var"].Value);
                PsValue result;
                var success = true;
                try
                {
                    result = ScriptExpressions.StaticMember(type, "Parse", [parsed], time.GetUtcNow());
                }
                catch (ScriptExpressionException)
                {
                    success = false;
                    result = type.FullName switch
                    {
                        "System.Int64" => PsPrimitive.Int64(0),
                        "System.Double" => PsPrimitive.Double(0),
                        "System.DateTime" => PsPrimitive.DateTime(new DateTimeOffset(DateTime.MinValue, TimeSpan.Zero)),
                        // Reference types' TryParse leaves null; Boolean's false.
                        ScriptExpressions.IPAddressTypeName or "System.Version" => PsNil.Instance,
                        "System.Boolean" => PsPrimitive.Boolean(false),
                        _ => PsPrimitive.Int32(0),
                    };
                }

                VariableReferences.TryWrite(target, "Value", result);
                return PsPrimitive.Boolean(success);
            }

            // [datetime]::TryParseExact(text, format, provider, styles, [ref]$d): ParseExact's answer (DateTime's MinValue
            // when it fails) into the variable, and whether it parsed.
            if (member.Equals("TryParseExact", StringComparison.OrdinalIgnoreCase) && type.FullName == "System.DateTime" && argumentText is not null &&
                ScriptExpressions.ArrayElements(argumentText) is [var exactText, var formatText, var providerText, _, var exactReference] &&
                RefArgument().Match(exactReference) is { Success: true } exactVariable)
            {
                var exactTarget = OutReference(exactVariable.Groups["var"].Value);
                PsValue parsedExact;
                var parsedOk = true;
                try
                {
                    parsedExact = ScriptExpressions.StaticMember(type, "ParseExact",
                        [await EvaluateAsync(exactText, to, blockNesting + 1), await EvaluateAsync(formatText, to, blockNesting + 1), await EvaluateAsync(providerText, to, blockNesting + 1)], time.GetUtcNow());
                }
                catch (ScriptExpressionException)
                {
                    parsedOk = false;
                    parsedExact = PsPrimitive.DateTime(new DateTimeOffset(DateTime.MinValue, TimeSpan.Zero));
                }

                VariableReferences.TryWrite(exactTarget, "Value", parsedExact);
                return PsPrimitive.Boolean(parsedOk);
            }

            // [Math]::Round(2.5), [string]::IsNullOrEmpty($x), [int]::MaxValue, [DateTime]::Now (the session's clock).
            var arguments = argumentText is null ? null : await CallArgumentsAsync(argumentText, to, blockNesting);

            // A class the session defined: its static members, constructors and methods.
            if (ScriptTypes.Current?.Class(type.FullName) is { } scriptClass) return await ClassStaticMemberAsync(scriptClass, member, arguments, to, blockNesting);

            // [Environment]::GetEnvironmentVariable('NAME'[, 'Process']): the session process's variable, as $env:NAME
            // reads it; with 'Machine' or 'User', what the computer keeps for its later processes.
            if (type.FullName == "System.Environment" && member.Equals("GetEnvironmentVariable", StringComparison.OrdinalIgnoreCase) && arguments is { Count: 1 or 2 })
            {
                var name = PipelineVariables.Display(arguments[0]);
                var target = arguments.Count == 2 ? EnvironmentTarget(arguments[1], "GetEnvironmentVariable") : null;
                var value = target is { } persistentScope
                    ? Host.PersistentEnvironment?.Get(persistentScope, host.EnvironmentVariable("USERPROFILE") ?? string.Empty, name, host.EnvironmentVariable)
                    : scope.Variables.EnvironmentVariable(name);
                return value is not null ? PsPrimitive.String(value) : PsNil.Instance;
            }

            // [Environment]::GetEnvironmentVariables(['Machine' | 'User' | 'Process']): a Hashtable of them all, the
            // process's as $env: reads them, the machine's or user's as their registry keys hold them (expanded).
            if (type.FullName == "System.Environment" && member.Equals("GetEnvironmentVariables", StringComparison.OrdinalIgnoreCase) && arguments is { Count: 0 or 1 })
            {
                var target = arguments.Count == 1 ? EnvironmentTarget(arguments[0], "GetEnvironmentVariables") : null;
                IEnumerable<KeyValuePair<string, string>> variables = EnvironmentNow();
                if (target is { } persistentScope)
                {
                    var persistent = Host.PersistentEnvironment ?? throw new ScenarioRuntimeException("[Environment]::GetEnvironmentVariables for the machine or a user needs a computer's session");
                    variables = persistent.List(persistentScope, host.EnvironmentVariable("USERPROFILE") ?? string.Empty)
                        .Select(v => KeyValuePair.Create(v.Name, v.Expand ? PersistentEnvironment.Expand(v.Text, host.EnvironmentVariable) : v.Text));
                }

                return PsObjects.Dictionary(variables.Select(v => KeyValuePair.Create<PsValue, PsValue>(PsPrimitive.String(v.Key), PsPrimitive.String(v.Value))),
                    ["System.Collections.Hashtable", "System.Object"]);
            }

            // [Environment]::SetEnvironmentVariable('NAME', 'value'[, 'Machine' | 'User' | 'Process']): the session process's
            // variable ($env:NAME), or the machine's or user's for the processes started later (not this one, as on Windows).
            if (type.FullName == "System.Environment" && member.Equals("SetEnvironmentVariable", StringComparison.OrdinalIgnoreCase) && arguments is { Count: 2 or 3 })
            {
                var name = PipelineVariables.Display(arguments[0]);
                if (name.Length == 0 || name.Contains('=', StringComparison.Ordinal))
                {
                    throw new ScriptExpressionException(ScriptedError.MethodInvocation("SetEnvironmentVariable", 3,
                        name.Length == 0 ? "String cannot be of zero length.\r\nParameter name: variable" : "Environment variable name or value is too long.", typeof(ArgumentException)));
                }

                var value = arguments[1] is PsNil ? null : PipelineVariables.Display(arguments[1]);
                if (arguments.Count == 3 && EnvironmentTarget(arguments[2], "SetEnvironmentVariable") is { } persistentScope)
                {
                    if (Host.PersistentEnvironment is not { } persistent) throw new ScenarioRuntimeException("[Environment]::SetEnvironmentVariable for the machine or a user needs a computer's session");
                    // .NET writes REG_SZ: a Path that was REG_EXPAND_SZ keeps its text but its references are not expanded any more.
                    if (!persistent.Set(persistentScope, host.EnvironmentVariable("USERPROFILE") ?? string.Empty, name, value))
                    {
                        throw new ScriptExpressionException(ScriptedError.MethodInvocation("SetEnvironmentVariable", 3, "Environment variable name or value is too long.", typeof(ArgumentException)));
                    }
                }
                else
                {
                    scope.Variables.SetGlobal("env:" + name, value is null ? PsNil.Instance : PsPrimitive.String(value));
                }

                return PsNil.Instance;
            }

            // [Security.Principal.WindowsIdentity]::GetCurrent(): the session's logon.
            if (WindowsIdentityStaticMember(type.FullName, member, arguments) is { } identity) return identity;

            // [System.Net.Dns]::GetHostName(): the computer's name.
            if (type.FullName == "System.Net.Dns" && member.Equals("GetHostName", StringComparison.OrdinalIgnoreCase) && arguments is { Count: 0 })
            {
                return PsPrimitive.String(scope.Variables.EnvironmentVariable("COMPUTERNAME") ?? "localhost");
            }

            // [System.Net.Dns]::GetHostAddresses / GetHostEntry: the names the computer resolves.
            if (type.FullName == "System.Net.Dns" && DnsStaticMember(member, arguments) is { } resolved) return resolved;

            // [Environment]::UserDomainName, SystemDirectory, CurrentDirectory (wsmprovhost's: system32, not the
            // session's location) and GetFolderPath('ProgramFiles'): the session's user's and Windows' folders.
            if (type.FullName == "System.Environment" && EnvironmentStaticMember(member, arguments) is { } environment) return environment;

            // [Environment]::ExpandEnvironmentVariables('%TEMP%\x'): the session process's variables; an unknown %NAME% stays.
            if (type.FullName == "System.Environment" && member.Equals("ExpandEnvironmentVariables", StringComparison.OrdinalIgnoreCase) && arguments is { Count: 1 })
            {
                return PsPrimitive.String(PersistentEnvironment.Expand(PipelineVariables.Display(arguments[0]), scope.Variables.EnvironmentVariable));
            }

            // [Microsoft.Win32.Registry]::GetValue / SetValue / LocalMachine: the computer's registry.
            if (type.FullName is "Microsoft.Win32.Registry" or "Microsoft.Win32.RegistryKey" && RegistryStaticMember(type.FullName, member, arguments) is { } inRegistry) return inRegistry;

            // [System.IO.File]::ReadAllText, [IO.Directory]::Exists, [IO.Path]::GetFullPath: the computer's disk.
            if (type.FullName is "System.IO.File" or "System.IO.Directory" or "System.IO.Path" or ScriptExpressions.FileStreamTypeName or StreamReaderTypeName or StreamWriterTypeName && FileSystemStaticMember(type.FullName, member, arguments) is { } onDisk) return onDisk;
            if (type.FullName == RunContext.DirectoryEntryTypeName && member.Equals("Exists", StringComparison.OrdinalIgnoreCase) && arguments is [var entryPath])
            {
                return PsPrimitive.Boolean(AdsiExists(PipelineVariables.Display(entryPath)));
            }

            if (type.FullName == ScriptExpressions.ErrorRecordTypeName && member.Equals("new", StringComparison.OrdinalIgnoreCase) && arguments is { Count: 4 }) return NewErrorRecord(arguments);
            // [IO.FileInfo]::new(path), [IO.DirectoryInfo]::new(path): the item on the disk, or one whose Exists is false.
            if (type.FullName is FileInfoTypeName or DirectoryInfoTypeName && member.Equals("new", StringComparison.OrdinalIgnoreCase) && arguments is [var infoPath])
            {
                return NewFileSystemInfo(infoPath, directory: type.FullName == DirectoryInfoTypeName, errorId: "ArgumentException");
            }

            if (type.FullName == ScriptExpressions.FileVersionInfoTypeName && member.Equals("GetVersionInfo", StringComparison.OrdinalIgnoreCase) && arguments is [var versioned])
            {
                return FileVersionInfo(PipelineVariables.Display(versioned));
            }

            if (type.FullName == ScriptExpressions.ZipFileTypeName && arguments is { Count: 2 } && await ZipFileStaticMemberAsync(member, arguments) is { } zipped) return zipped;
            // [System.Threading.Thread]::Sleep(milliseconds | TimeSpan): Start-Sleep's wait on the session's clock (-1,
            // Timeout.Infinite, waits until the pipeline is stopped).
            if (type.FullName == ThreadTypeName && member.Equals("Sleep", StringComparison.OrdinalIgnoreCase) && arguments is [var delay])
            {
                var span = delay is PsPrimitive { Value: TimeSpan given }
                    ? given
                    : TimeSpan.FromMilliseconds((int)((PsPrimitive)ScriptExpressions.Cast(delay, ScriptExpressions.ResolveType("int")!)).Value);
                if (span == TimeSpan.FromMilliseconds(-1)) span = TimeSpan.FromMilliseconds(int.MaxValue);
                if (span < TimeSpan.Zero || span.TotalMilliseconds > int.MaxValue)
                {
                    throw new ScriptExpressionException(ScriptedError.MethodInvocation("Sleep", 1,
                        delay is PsPrimitive { Value: TimeSpan } ? "Number must be either non-negative and less than or equal to Int32.MaxValue or -1.\r\nParameter name: timeout"
                            : "Number must be either non-negative and less than or equal to Int32.MaxValue or -1.\r\nParameter name: millisecondsTimeout", typeof(ArgumentOutOfRangeException)));
                }

                if (span > TimeSpan.Zero) await (to ?? host).SleepAsync(span, time, cancellationToken);
                return PsNil.Instance;
            }

            if (type.FullName == ScriptExpressions.StopwatchTypeName && StopwatchStaticMember(member, arguments) is { } watch) return watch;
            if (type.FullName is PowerShellTypeName or RunspaceFactoryTypeName or InitialSessionStateTypeName or SessionStateVariableEntryTypeName or SessionStateFunctionEntryTypeName &&
                PowerShellApiStaticMember(type.FullName, member, arguments) is { } created) return created;
            if (type.FullName == EventLogTypeName && EventLogStaticMember(member, arguments) is { } logged) return logged;
            if (type.FullName == FileSystemAccessRuleTypeName && member.Equals("new", StringComparison.OrdinalIgnoreCase) && arguments is not null)
            {
                return NewAccessRule(arguments) ?? throw new ScriptExpressionException(ScriptedError.MethodCount("new", arguments.Count));
            }

            if (type.FullName == SecurityIdentifierTypeName && member.Equals("new", StringComparison.OrdinalIgnoreCase) && arguments is not null) return NewSecurityIdentifier(arguments);
            if (type.FullName == PingTypeName && member.Equals("new", StringComparison.OrdinalIgnoreCase) && arguments is { Count: 0 }) return NewPing();
            // [regex]::Replace(input, pattern, { param($m) ... } [, options]): the block is the MatchEvaluator.
            if (type.FullName == ScriptExpressions.RegexTypeName && member.Equals("Replace", StringComparison.OrdinalIgnoreCase) && arguments is { Count: 3 or 4 } &&
                arguments[2] is PsPrimitive { Type: PsPrimitiveType.ScriptBlock, Value: string evaluator })
            {
                return await RegexEvaluatorReplaceAsync(arguments, evaluator, to, blockNesting);
            }
            if (type.FullName is WebClientTypeName or WebRequestTypeName or CredentialCacheTypeName && WebStaticMember(type.FullName, member, arguments) is { } web) return web;
            if (type.FullName == TcpClientTypeName && member.Equals("new", StringComparison.OrdinalIgnoreCase) && arguments is { Count: 0 or 2 }) return NewTcpClient(arguments);
            if (type.FullName == NTAccountTypeName && member.Equals("new", StringComparison.OrdinalIgnoreCase) && arguments is { Count: 1 or 2 })
            {
                return NTAccountObject(string.Join('\\', arguments.Select(PipelineVariables.Display)));
            }
            if (arguments is null && KeptStaticProperty(type.FullName, member) is { } setting) return setting;
            if (type.FullName == ScriptExpressions.MarshalTypeName && member.Equals("ReleaseComObject", StringComparison.OrdinalIgnoreCase) && ReleaseComObject(arguments) is { } released) return released;
            // [pscredential]::new, [Net.NetworkCredential]::new, [Runtime.InteropServices.Marshal]'s SecureString methods.
            if (SecureStringStaticMember(type.FullName, member, arguments) is { } secure) return secure;
            if (type.FullName is "System.IO.File" or "System.IO.Directory")
            {
                // A method .NET Framework has, called with a count none of its overloads takes (File.Move with .NET
                // Core's overwrite flag): Windows PowerShell 5.1's error.
                if (arguments is not null && FrameworkOverloads.TryGetValue(type.FullName + "::" + member, out var counts) && !counts.Contains(arguments.Count))
                {
                    throw new ScriptExpressionException(ScriptedError.MethodCount(member, arguments.Count));
                }

                throw new ScriptExpressionException(ScriptedError.ScenarioFault($"[{type.FullName}]::{member}{(arguments is null ? string.Empty : $" with {arguments.Count} argument(s)")} is not emulated: give the statement a rule"));
            }

            return ScriptExpressions.StaticMember(type, member, arguments, time.GetUtcNow());
        }

        // $using:list[1], $using:a.Length: Invoke-Command sent the whole expression's value.
        if (text.StartsWith("$using:", StringComparison.OrdinalIgnoreCase) && scope.Variables.UsingExpression(text[1..]) is { } sent) return sent;

        // $o.Name where $o has a ScriptProperty (Add-Member), or an object its members lead to does ($w.inner.Name): its
        // getter runs (the rules' $x.Prop reads values only).
        if (ScriptMembers.Any && ScriptExpressions.MemberAccessForAssignment(text) is var (memberHead, memberSteps) && HeldVariable(memberHead) is { } scripted &&
            ChainReadsThroughScript(scripted, memberSteps))
        {
            return await ApplyAccessorsAsync(scripted, memberSteps, to, blockNesting);
        }

        if (ScriptExpressions.MemberAccess(text) is var (head, accessors))
        {
            // ([Base]$this).Method(): the base class's own method, as PowerShell calls it for this cast (not the override).
            if (accessors is [{ IsMethod: true } baseStep, ..] && ScriptTypes.Current is { } sessionTypes && BaseMethodCall().Match(head) is { Success: true } baseCall &&
                sessionTypes.Class(baseCall.Groups["type"].Value) is { } baseClass && HeldVariable("$this") is PsObject self &&
                self.TypeNames?.Contains(baseClass.Name, StringComparer.OrdinalIgnoreCase) == true)
            {
                var baseValue = await CallClassMethodAsync(baseClass, baseStep.Text, await CallArgumentsAsync(baseStep.Arguments!, to, blockNesting), self, to, blockNesting)
                    ?? throw new ScriptExpressionException(ScriptedError.MethodNotFound(baseStep.Text, baseClass.Name));
                return await ApplyAccessorsAsync(baseValue, accessors[1..], to, blockNesting);
            }

            // (expression).Count, @(...).Length, $list[0], $Matches[1], $h['key']: members and indexes of the value. A
            // variable is read as it is held (through the rules an array would be written out and collected anew: a
            // copy, on which $list.Add(1) would change nothing).
            var headValue = HeldVariable(head) ?? await EvaluateAsync(head, to, blockNesting + 1);
            return await ApplyAccessorsAsync(headValue, accessors, to, blockNesting);
        }

        if (text.Length > 1 && text[0] == '-' && !char.IsDigit(text[1]) && !char.IsLetter(text[1]))
        {
            // -$x: the negated number (a literal -5 is the rules' integer).
            return ScriptExpressions.Arithmetic(PsPrimitive.Int32(0), "-", await EvaluateAsync(text[1..], to, blockNesting + 1));
        }

        if (ScriptExpressions.Subexpression(text) is ({ } statements, var isArray))
        {
            // $( ... ) and @( ... ): the statements' output; @() is always an array, even of none or one.
            var output = new CapturingHost(to ?? host);
            if (statements.Length > 0) await RunStatementAsync(statements, output, blockNesting + 1);
            return isArray && output.Output.Count < 2 ? PsObjects.List(output.Output, ListValueTemplate.ArrayTypeNames) : output.Value;
        }

        if (ScriptExpressions.ArrayElements(text) is { } elements)
        {
            // The unary comma (,$x; return ,$list): an array of one item, the value as it is (an array stays one item);
            // ,$a, $b is that array, then $b.
            if (elements is ["", var only] && only.Length > 0) return PsObjects.List([await EvaluateAsync(only, to, blockNesting + 1)], ListValueTemplate.ArrayTypeNames);

            // An array: each element's value (an element that is itself an array stays one item, as in PowerShell).
            var items = new List<PsValue>(elements.Count);
            for (var i = 0; i < elements.Count; i++)
            {
                if (i == 0 && elements[0].Length == 0 && elements[1].Length > 0)
                {
                    items.Add(PsObjects.List([await EvaluateAsync(elements[1], to, blockNesting + 1)], ListValueTemplate.ArrayTypeNames));
                    i++;
                    continue;
                }

                if (elements[i].Length == 0) throw new ScriptParseException(Statements.MissingArrayElement(text, i));
                items.Add(await EvaluateAsync(elements[i], to, blockNesting + 1));
            }

            return PsObjects.List(items, ListValueTemplate.ArrayTypeNames);
        }

        return await CaptureExpressionAsync(text, to, blockNesting);
    }

    // The variable a member access starts with ($x, $script:x), when it is one the session holds; null for $env:,
    // $true, $false, $null and anything else.
    private static string? VariableHead(string head)
    {
        if (head.Length < 2 || head[0] != '$' || head.StartsWith("$env:", StringComparison.OrdinalIgnoreCase) || head.StartsWith("${env:", StringComparison.OrdinalIgnoreCase)) return null;
        // $^ and $$: the first and last token of the script before (RunspaceState.ParsedForHistory).
        if (head is "$^" or "$$") return head[1..];
        var name = VariableValueTemplate.VariableName(head);
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        var plain = colon > 0 && name[..colon] is "using" or "function" or "alias" ? name[(colon + 1)..] : name;
        // ${name} may hold any character (${function:Get-Thing}); a bare name only letters, digits and _.
        return plain.Length == 0 || (head[1] != '{' && !plain.All(c => char.IsLetterOrDigit(c) || c == '_')) || plain is "true" or "false" or "null" ? null : name;
    }

    /// <summary>
    /// The value of <paramref name="text"/> when it is a variable the session holds, as it is held (a reference: not
    /// written out and collected anew, as the rules' <c>$x</c> would); null otherwise.
    /// </summary>
    private PsValue? HeldVariable(string text) =>
        VariableHead(text.Trim()) is { } name && scope.Variables.Get(name) is { } held ? VariableValueTemplate.Current(held, scope.Variables.Runspace) : null;

    private PsValue? EnvironmentStaticMember(string member, IReadOnlyList<PsValue>? arguments)
    {
        switch (member.ToUpperInvariant(), arguments?.Count ?? -1)
        {
            case ("USERDOMAINNAME", -1):
                return PsPrimitive.String(scope.Variables.EnvironmentVariable("USERDOMAIN") ?? scope.Variables.EnvironmentVariable("COMPUTERNAME") ?? string.Empty);
            case ("SYSTEMDIRECTORY", -1) or ("CURRENTDIRECTORY", -1):
                return PsPrimitive.String(@"C:\Windows\system32");
            case ("TICKCOUNT", -1):
                // Milliseconds since the computer booted, an Int32 that wraps (negative after 24.9 days), as .NET's.
                var up = time.GetUtcNow() - (Host.Power?.LastBoot ?? EventLogs.DefaultBoot);
                return PsPrimitive.Int32(unchecked((int)(long)Math.Max(up.TotalMilliseconds, 0)));
            case ("HASSHUTDOWNSTARTED", -1):
                return PsPrimitive.Boolean(false);
            case ("GETFOLDERPATH", 1):
                var folder = PipelineVariables.Display(arguments![0]);
                var profile = scope.Variables.EnvironmentVariable("USERPROFILE") ?? @"C:\Users\" + (scope.Variables.EnvironmentVariable("USERNAME") ?? "Default");
                // Environment.SpecialFolder's names (or numbers) for the folders a Windows Server 2019 has.
                string? path = folder.ToUpperInvariant() switch
                {
                    "DESKTOP" or "0" or "DESKTOPDIRECTORY" or "16" => profile + @"\Desktop",
                    "MYDOCUMENTS" or "PERSONAL" or "5" => profile + @"\Documents",
                    "APPLICATIONDATA" or "26" => profile + @"\AppData\Roaming",
                    "LOCALAPPLICATIONDATA" or "28" => profile + @"\AppData\Local",
                    "USERPROFILE" or "40" => profile,
                    "PROGRAMFILES" or "38" => @"C:\Program Files",
                    "PROGRAMFILESX86" or "42" => @"C:\Program Files (x86)",
                    "COMMONPROGRAMFILES" or "43" => @"C:\Program Files\Common Files",
                    "COMMONAPPLICATIONDATA" or "35" => @"C:\ProgramData",
                    "WINDOWS" or "36" => @"C:\Windows",
                    "SYSTEM" or "37" => @"C:\Windows\system32",
                    "SYSTEMX86" or "41" => @"C:\Windows\SysWOW64",
                    "COMMONDESKTOPDIRECTORY" or "25" => @"C:\Users\Public\Desktop",
                    "COMMONDOCUMENTS" or "46" => @"C:\Users\Public\Documents",
                    "FONTS" or "20" => @"C:\Windows\Fonts",
                    "STARTMENU" or "11" => profile + @"\AppData\Roaming\Microsoft\Windows\Start Menu",
                    "PROGRAMS" or "2" => profile + @"\AppData\Roaming\Microsoft\Windows\Start Menu\Programs",
                    "STARTUP" or "7" => profile + @"\AppData\Roaming\Microsoft\Windows\Start Menu\Programs\Startup",
                    "COMMONSTARTMENU" or "22" => @"C:\ProgramData\Microsoft\Windows\Start Menu",
                    "COMMONPROGRAMS" or "23" => @"C:\ProgramData\Microsoft\Windows\Start Menu\Programs",
                    "COMMONSTARTUP" or "24" => @"C:\ProgramData\Microsoft\Windows\Start Menu\Programs\Startup",
                    _ => null,
                };
                return path is null
                    ? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"[Environment]::GetFolderPath('{folder}') is not emulated: give the command a rule (match: its whole text)"))
                    : PsPrimitive.String(path);
            default:
                return null;
        }
    }

    /// <summary>
    /// A List[T]'s methods that take a Predicate (a script block PowerShell converts to one, the item its argument):
    /// Find (the first match or nothing), FindLast, FindAll (a list of the matches), FindIndex, Exists, TrueForAll and
    /// RemoveAll (how many it took out). Null for another argument (the ordinary method lookup answers).
    /// </summary>
    private async ValueTask<PsValue?> ListPredicateAsync(PsObject list, ScriptExpressions.Accessor step, IPipelineHost? to, int blockNesting)
    {
        if (step.Arguments!.Trim().Length == 0 || await EvaluateAsync(step.Arguments, to, blockNesting + 1) is not PsPrimitive { Type: PsPrimitiveType.ScriptBlock, Value: string block }) return null;
        var items = list.Items.ToArray();
        // The block as a Predicate delegate runs it: the item its only argument ($args[0], or its param block's first
        // parameter), $_ not set, its output's truth the answer.
        var matched = new List<int>();
        for (var i = 0; i < items.Length; i++)
        {
            if (ScriptExpressions.IsTrue(await InvokeBlockAsync(block, [items[i]], null, to, blockNesting))) matched.Add(i);
        }

        switch (step.Text.ToUpperInvariant())
        {
            case "FIND":
                return matched.Count > 0 ? items[matched[0]] : PsNil.Instance;
            case "FINDLAST":
                return matched.Count > 0 ? items[matched[^1]] : PsNil.Instance;
            case "FINDALL":
                return PsObjects.List([.. matched.Select(i => items[i])], list.TypeNames);
            case "FINDINDEX":
                return PsPrimitive.Int32(matched.Count > 0 ? matched[0] : -1);
            case "EXISTS":
                return PsPrimitive.Boolean(matched.Count > 0);
            case "TRUEFORALL":
                return PsPrimitive.Boolean(matched.Count == items.Length);
            default:
                // RemoveAll: the matching items out, last first so the indexes hold; how many.
                for (var m = matched.Count - 1; m >= 0; m--) list.Items.RemoveAt(matched[m]);
                return PsPrimitive.Int32(matched.Count);
        }
    }

    // Members, indexes and method calls after a value, in order.
    /// <summary>
    /// PowerShell 3's member enumeration of a method: one a collection has not is called on each element
    /// (<c>(Get-Content f).Trim()</c>, <c>('a', 'b').ToUpper()</c>), the results collected as the pipeline collects
    /// them (a collection's items one by one, nothing for void); null when an element has no such method either (the
    /// collection's MethodNotFound stands).
    /// </summary>
    private async ValueTask<PsValue?> MemberEnumeratedMethodAsync(PsObject collection, string name, IReadOnlyList<PsValue> arguments, IPipelineHost? to, int blockNesting)
    {
        var results = new List<PsValue>();
        foreach (var element in collection.Items.ToArray())
        {
            PsValue result;
            try
            {
                result = await CallMethodWithValuesAsync(element, name, arguments, to, blockNesting);
            }
            catch (ScriptExpressionException e) when (e.Error.FullyQualifiedErrorId is "MethodNotFound" or "InvokeMethodOnNull")
            {
                return null;
            }

            if (ReferenceEquals(result, PsNil.AutomationNull)) continue;
            if (result is PsObject { CollectionKind: PsCollectionKind.List } inner && !ValueProperties.IsHashtable(inner)) results.AddRange(inner.Items);
            else results.Add(result);
        }

        return results.Count == 1 ? results[0] : PsObjects.List(results, ListValueTemplate.ArrayTypeNames);
    }

    /// <summary>
    /// <c>item.name(arguments)</c> as a script writes the call, its arguments values already (read from a variable of the
    /// call's own, never text to parse again), through every method the emulator knows.
    /// </summary>
    private async ValueTask<PsValue> CallMethodWithValuesAsync(PsValue item, string name, IReadOnlyList<PsValue> arguments, IPipelineHost? to, int blockNesting)
    {
        const string Held = "PsrpEmulatorMethodArguments";
        var previous = scope.Variables.Get(Held);
        scope.Variables.SetLocal(Held, PsObjects.List(arguments, ListValueTemplate.ArrayTypeNames));
        try
        {
            var call = new ScriptExpressions.Accessor(false, name, string.Join(", ", Enumerable.Range(0, arguments.Count).Select(i => $"${Held}[{i}]")));
            return await ApplyAccessorsAsync(item, [call], to, blockNesting);
        }
        finally
        {
            scope.Variables.SetLocal(Held, previous);
        }
    }

    private async ValueTask<PsValue> ApplyAccessorsAsync(PsValue value, IEnumerable<ScriptExpressions.Accessor> accessors, IPipelineHost? to, int blockNesting)
    {
        foreach (var given in accessors)
        {
            var step = await NamedAccessorAsync(given, to, blockNesting);
            if (step.IsMethod && step.Text.ToUpperInvariant() is "WHERE" or "FOREACH" && await IntrinsicMethodAsync(value, step, to, blockNesting) is { } intrinsic)
            {
                value = intrinsic;
                continue;
            }

            if (step.IsMethod && value is PsObject { TypeNames: [var listType, ..] } genericList && listType.StartsWith("System.Collections.Generic.List`1", StringComparison.Ordinal) &&
                step.Text.ToUpperInvariant() is "FIND" or "FINDALL" or "FINDLAST" or "FINDINDEX" or "EXISTS" or "TRUEFORALL" or "REMOVEALL" &&
                await ListPredicateAsync(genericList, step, to, blockNesting) is { } predicated)
            {
                value = predicated;
                continue;
            }

            // $regex.Replace(input, { param($m) ... }): the block is the MatchEvaluator.
            if (step.IsMethod && step.Text.Equals("Replace", StringComparison.OrdinalIgnoreCase) && value is PsObject { TypeNames: [ScriptExpressions.RegexTypeName, ..] } regexObject &&
                ScriptExpressions.ArrayElements(step.Arguments!) is [var inputText, var evaluatorText] &&
                await EvaluateAsync(evaluatorText, to, blockNesting + 1) is PsPrimitive { Type: PsPrimitiveType.ScriptBlock, Value: string instanceEvaluator })
            {
                var (pattern, options) = ScriptExpressions.RegexArguments(regexObject);
                value = await RegexEvaluatorReplaceAsync([await EvaluateAsync(inputText, to, blockNesting + 1), pattern, PsNil.Instance, options], instanceEvaluator, to, blockNesting);
                continue;
            }

            // $d.TryGetValue(key, [ref]$v): a Dictionary's value into the variable (V's default when absent) and whether it was there.
            if (step.IsMethod && step.Text.Equals("TryGetValue", StringComparison.OrdinalIgnoreCase) && value is PsObject { CollectionKind: PsCollectionKind.Dictionary } table &&
                ScriptExpressions.ArrayElements(step.Arguments!) is [var keyText, var referenceText] && RefArgument().Match(referenceText) is { Success: true } reference)
            {
                var types = ScriptExpressions.GenericDictionaryTypes(table);
                var key = await EvaluateAsync(keyText, to, blockNesting + 1);
                var foundTarget = OutReference(reference.Groups["var"].Value);
                var at = ScriptExpressions.FindEntry(table, types is var (keyType, _) ? ScriptExpressions.Cast(key, keyType) : key);
                PsValue found = at >= 0 ? table.Entries[at].Value : types is var (_, valueType) ? ScriptExpressions.DefaultValue(valueType) : PsNil.Instance;
                VariableReferences.TryWrite(foundTarget, "Value", found);
                value = PsPrimitive.Boolean(at >= 0);
                continue;
            }

            // A concurrent queue's, stack's or bag's TryDequeue, TryPop, TryTake and TryPeek([ref]$v): the item into the
            // variable (T's default when empty) and whether there was one.
            if (step.IsMethod && value is PsObject { CollectionKind: PsCollectionKind.Queue or PsCollectionKind.Stack } queued && ScriptExpressions.IsConcurrentQueueOrStack(queued) &&
                step.Text.ToUpperInvariant() is var tryMethod && ConcurrentTakes(queued, tryMethod) is { } removes &&
                RefArgument().Match(step.Arguments!.Trim()) is { Success: true } taken)
            {
                var target = OutReference(taken.Groups["var"].Value);
                var element = ScriptExpressions.GenericTypeArguments(queued.TypeNames![0]) is [var elementName] ? ScriptExpressions.ResolveType(elementName) : null;
                var any = queued.Items.Count > 0;
                VariableReferences.TryWrite(target, "Value", any ? queued.Items[0] : element is null ? PsNil.Instance : ScriptExpressions.DefaultValue(element));
                if (any && removes) queued.Items.RemoveAt(0);
                value = PsPrimitive.Boolean(any);
                continue;
            }

            // A ConcurrentDictionary's TryRemove(key, [ref]$v) and the methods that call a script block as their factory.
            if (step.IsMethod && value is PsObject { CollectionKind: PsCollectionKind.Dictionary } concurrent && ScriptExpressions.IsConcurrentDictionary(concurrent) &&
                await ConcurrentDictionaryStepAsync(concurrent, step, to, blockNesting) is { } concurrentResult)
            {
                value = concurrentResult;
                continue;
            }

            if (step.IsMethod)
            {
                var arguments = await CallArgumentsAsync(step.Arguments!, to, blockNesting);

                // $PSCmdlet.ThrowTerminatingError(record): a statement-terminating error of the function's call (inside a
                // try, the catch takes it; in the script's own [CmdletBinding()], the script ends).
                if (value is PsObject { TypeNames: [ScriptParameters.ScriptCmdletTypeName, ..] } &&
                    step.Text.Equals("ThrowTerminatingError", StringComparison.OrdinalIgnoreCase) && arguments is [var terminating])
                {
                    var error = ScriptedError.IsErrorRecord(terminating) ? ThrownByFunction(ScriptedError.FromRecord((PsObject)terminating))
                        : throw new ScriptExpressionException(NotAnErrorRecord("ThrowTerminatingError", terminating));
                    if (scope.Variables.TryDepth > 0) throw new StatementTerminatedException(error);
                    if (scope.Variables.CallDepth == 0) throw new PipelineTerminatedException(PSInvocationState.Failed, error);
                    throw new FunctionTerminatedException(error, scope.Variables.CallDepth);
                }

                // $PSCmdlet.WriteError(record): a non-terminating error of the function, as MshCommandRuntime.WriteError
                // writes it: with the function's InvocationInfo (its id suffixed with the name, as ThrowTerminatingError's).
                if (value is PsObject { TypeNames: [ScriptParameters.ScriptCmdletTypeName, ..] } &&
                    step.Text.Equals("WriteError", StringComparison.OrdinalIgnoreCase) && arguments is [var writtenRecord])
                {
                    if (!ScriptedError.IsErrorRecord(writtenRecord)) throw new ScriptExpressionException(NotAnErrorRecord("WriteError", writtenRecord));
                    await WriteErrorAsync(ThrownByFunction(ScriptedError.FromRecord((PsObject)writtenRecord)), to ?? host);
                    // The function's own runtime wrote it: its call's statement fails ($? false after it), as Write-Error's does not.
                    scope.Variables.WroteRuntimeError();
                    value = PsNil.AutomationNull;
                    continue;
                }

                // $PSCmdlet.WriteObject(o[, enumerate]), WriteWarning/WriteVerbose/WriteDebug(text): written as Write-Output
                // (-NoEnumerate unless asked to enumerate), Write-Warning, Write-Verbose and Write-Debug write, under the
                // function's own preferences.
                if (value is PsObject { TypeNames: [ScriptParameters.ScriptCmdletTypeName, ..] } && CmdletWriteStatement(step.Text, arguments) is { } writeStatement)
                {
                    var outerArgument = scope.Variables.Get(CmdletWriteVariable);
                    scope.Variables.SetLocal(CmdletWriteVariable, arguments[0]);
                    try
                    {
                        await RunStatementAsync(writeStatement, to, blockNesting + 1);
                    }
                    finally
                    {
                        scope.Variables.SetLocal(CmdletWriteVariable, outerArgument);
                    }

                    value = PsNil.AutomationNull;
                    continue;
                }

                // $PSCmdlet.ShouldProcess(...) / ShouldContinue(...): -WhatIf, -Confirm and the client's host decide (RunContext.HostCalls).
                if (value is PsObject { TypeNames: [ScriptParameters.ScriptCmdletTypeName, ..] } cmdlet &&
                    (step.Text.Equals("ShouldProcess", StringComparison.OrdinalIgnoreCase) || step.Text.Equals("ShouldContinue", StringComparison.OrdinalIgnoreCase)))
                {
                    value = PsPrimitive.Boolean(step.Text.Equals("ShouldProcess", StringComparison.OrdinalIgnoreCase)
                        ? await ShouldProcessAsync(cmdlet, arguments)
                        : await ShouldContinueAsync(arguments));
                    continue;
                }

                // $PSCmdlet.GetVariableValue(name[, default]): the variable as the function's scope sees it (its
                // SessionState.PSVariable.GetValue), the default (else $null) when it has none.
                if (value is PsObject { TypeNames: [ScriptParameters.ScriptCmdletTypeName, ..] } && step.Text.Equals("GetVariableValue", StringComparison.OrdinalIgnoreCase))
                {
                    if (arguments.Count is 0 or > 2) throw new ScriptExpressionException(ScriptedError.MethodCount(step.Text, arguments.Count));
                    value = scope.Variables.Get(PipelineVariables.Display(arguments[0])) is { } found and not PsNil ? found : arguments.Count == 2 ? arguments[1] : PsNil.Instance;
                    continue;
                }

                // $ExecutionContext.SessionState.PSVariable (and $PSCmdlet.SessionState's): PSVariableIntrinsics' methods.
                if (value is PsObject { TypeNames: [PSVariableIntrinsicsTypeName, ..] } && PSVariableMethod(step.Text, arguments) is { } variableAnswer)
                {
                    value = variableAnswer;
                    continue;
                }

                // $sb.GetNewClosure(): the block bound to a copy of this scope's variables (ScriptBlockClosures).
                if (value is PsPrimitive { Type: PsPrimitiveType.ScriptBlock, Value: string closed } && arguments.Count == 0 &&
                    step.Text.Equals("GetNewClosure", StringComparison.OrdinalIgnoreCase))
                {
                    value = ScriptBlockClosures.Make(closed, scope.Variables.CaptureLocals());
                    continue;
                }

                // $sb.Invoke(args) / $sb.InvokeReturnAsIs(args): the block run with the arguments (in $args or its param
                // block), in a child scope; Invoke collects what it writes, InvokeReturnAsIs gives it as a pipeline would.
                if (value is PsPrimitive { Type: PsPrimitiveType.ScriptBlock, Value: string scriptBlock } &&
                    step.Text.ToUpperInvariant() is "INVOKE" or "INVOKERETURNASIS")
                {
                    const string Splatted = "PsrpEmulatorScriptBlockArguments";
                    scope.Variables.ScriptBlockInvoked(value);
                    var written = await HoldingAsync(Splatted, PsObjects.List(arguments), () => CaptureAsync("& {" + scriptBlock + "} @" + Splatted, to, blockNesting));

                    value = step.Text.Equals("Invoke", StringComparison.OrdinalIgnoreCase)
                        ? PsObjects.List([.. ScriptExpressions.Enumerate(written)], ["System.Collections.ObjectModel.Collection`1[[System.Management.Automation.PSObject, System.Management.Automation]]", "System.Object"])
                        : written;
                    continue;
                }

                // A method of a class the session defined: its body with $this the object.
                if (value is PsObject { TypeNames: [var className, ..] } classObject && ScriptTypes.Current?.Class(className) is { } objectClass &&
                    await CallClassMethodAsync(objectClass, step.Text, arguments, classObject, to, blockNesting) is { } methodValue)
                {
                    value = methodValue;
                    continue;
                }

                // A ScriptMethod Add-Member added: its block with $this the object.
                if (ScriptMembers.Find(value, step.Text, ScriptMembers.Kind.Method) is { } scriptMethod)
                {
                    value = await InvokeBlockAsync(scriptMethod.Body, arguments, (PsObject)value, to, blockNesting);
                    continue;
                }

                // $Host.SetShouldExit(n): the void host call, to the client's host.
                if (value is PsObject { TypeNames: ["System.Management.Automation.Internal.Host.InternalHost", ..] } &&
                    step.Text.Equals("SetShouldExit", StringComparison.OrdinalIgnoreCase) && arguments.Count == 1)
                {
                    var exitCode = (int)((PsPrimitive)ScriptExpressions.Cast(arguments[0], ScriptExpressions.ResolveType("int")!)).Value;
                    await Host.SendHostCallAsync(RemoteHostMethodId.SetShouldExit, [PsPrimitive.Int32(exitCode)], cancellationToken);
                    value = PsNil.Instance;
                    continue;
                }

                if (value is PsObject { TypeNames: [HostUserInterfaceTypeName or HostRawUserInterfaceTypeName, ..] } ui &&
                    await HostUserInterfaceMethodAsync(step.Text, arguments, raw: ui.TypeNames[0] == HostRawUserInterfaceTypeName) is { } answered)
                {
                    value = answered;
                    continue;
                }

                if (PrincipalMethod(value, step.Text, arguments) is { } inRole)
                {
                    value = inRole;
                    continue;
                }

                if (CredentialMethod(value, step.Text, arguments) is { } networkCredential)
                {
                    value = networkCredential;
                    continue;
                }

                if (value is PsObject algorithm && HashMethod(algorithm, step.Text, arguments) is { } hashed)
                {
                    value = hashed;
                    continue;
                }

                if (value is PsObject secured && AccessControlMethod(secured, step.Text, arguments) is { } controlled)
                {
                    value = controlled;
                    continue;
                }

                if (value is PsObject directoryEntry && AdsiMethod(directoryEntry, step.Text, arguments) is { } adsiResult)
                {
                    value = adsiResult;
                    continue;
                }

                if (value is PsObject textInfo && ScriptExpressions.TextInfoMethod(textInfo, step.Text, arguments) is { } cased)
                {
                    value = cased;
                    continue;
                }

                // $ExecutionContext.InvokeCommand.ExpandString(text): the text expanded as a double-quoted string in this
                // scope; InvokeScript(text): what the script writes, as a collection.
                if (value is PsObject { TypeNames: [CommandInvocationIntrinsicsTypeName, ..] } && arguments.Count == 1 &&
                    (step.Text.Equals("ExpandString", StringComparison.OrdinalIgnoreCase) || step.Text.Equals("InvokeScript", StringComparison.OrdinalIgnoreCase)))
                {
                    var source = PipelineVariables.Display(arguments[0]);
                    value = step.Text.Equals("ExpandString", StringComparison.OrdinalIgnoreCase)
                        ? PsPrimitive.String(PipelineVariables.Display(await EvaluateAsync("\"" + source.Replace("\"", "`\"", StringComparison.Ordinal) + "\"", to, blockNesting + 1)))
                        : PsObjects.List([.. ScriptExpressions.Enumerate(await CaptureAsync(source, to, blockNesting + 1))], ["System.Collections.ObjectModel.Collection`1[[System.Management.Automation.PSObject, System.Management.Automation, Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]", "System.Object"]);
                    continue;
                }

                // Exception.GetBaseException(): the innermost InnerException (itself without one).
                if (value is PsObject thrown && ExceptionTypes.IsException(thrown) && step.Text.Equals("GetBaseException", StringComparison.OrdinalIgnoreCase) && arguments.Count == 0)
                {
                    var innermost = thrown;
                    for (var depth = 0; depth < 64 && innermost["InnerException"] is PsObject inner && ExceptionTypes.IsException(inner); depth++) innermost = inner;
                    value = innermost;
                    continue;
                }

                if (value is PsObject controller && await ServiceControllerMethodAsync(controller, step.Text, arguments) is { } serviceResult)
                {
                    value = serviceResult;
                    continue;
                }

                if (value is PsObject managed && await WmiMethodAsync(managed, step.Text, arguments) is { } wmiResult)
                {
                    value = wmiResult;
                    continue;
                }

                if (value is PsObject eventRecord && EventRecordMethod(eventRecord, step.Text, arguments) is { } recordResult)
                {
                    value = recordResult;
                    continue;
                }

                if (value is PsObject com && await ComObjectMethodAsync(com, step.Text, arguments) is { } scheduled)
                {
                    value = scheduled;
                    continue;
                }

                if (value is PsObject networked && NetworkObjectMethod(networked, step.Text, arguments) is { } reached)
                {
                    value = reached;
                    continue;
                }

                if (value is PsObject webObject && WebObjectMethod(webObject, step.Text, arguments) is { } webResult)
                {
                    value = webResult;
                    continue;
                }

                if (value is PsObject watched && StopwatchMethod(watched, step.Text, arguments) is { } timed)
                {
                    value = timed;
                    continue;
                }

                if (value is PsObject { TypeNames: [var apiType, ..] } api && IsPowerShellApiType(apiType) &&
                    await PowerShellApiMethodAsync(api, step.Text, arguments) is { } apiResult)
                {
                    value = apiResult;
                    continue;
                }

                if (value is PsObject handle && FileHandleMethod(handle, step.Text, arguments) is { } handled)
                {
                    value = handled;
                    continue;
                }

                if (value is PsObject { TypeNames: [FileInfoTypeName or PathIntrinsicsTypeName or "System.IO.DirectoryInfo" or ScriptParameters.ScriptCmdletTypeName, ..] } info &&
                    FileInfoOrPathMethod(info, step.Text, arguments) is { } answered2)
                {
                    value = answered2;
                    continue;
                }

                if (XmlNodes.TryGet(value, out var xmlNode) && xmlNode is System.Xml.XmlDocument xmlDocument && step.Text.Equals("Save", StringComparison.OrdinalIgnoreCase) && arguments.Count == 1)
                {
                    value = SaveXmlDocument(xmlDocument, arguments);
                    continue;
                }

                if (XmlNodes.TryGet(value, out var loadedNode) && loadedNode is System.Xml.XmlDocument loaded && value is PsObject documentObject && arguments.Count == 1 &&
                    (step.Text.Equals("Load", StringComparison.OrdinalIgnoreCase) || step.Text.Equals("LoadXml", StringComparison.OrdinalIgnoreCase)))
                {
                    value = step.Text.Equals("LoadXml", StringComparison.OrdinalIgnoreCase)
                        ? XmlNodes.Load(documentObject, loaded, PipelineVariables.Display(arguments[0]), "LoadXml")
                        : XmlNodes.Load(documentObject, loaded, ReadXmlFile(arguments[0]), "Load");
                    continue;
                }

                ScriptExpressionException? notFound = null;
                try
                {
                    value = ScriptExpressions.Method(value, step.Text, arguments);
                }
                catch (ScriptExpressionException e) when (e.Error.FullyQualifiedErrorId == "MethodNotFound" && value is PsObject { CollectionKind: PsCollectionKind.List or PsCollectionKind.Enumerable, Items.Count: > 0 })
                {
                    notFound = e;
                }

                if (notFound is not null)
                {
                    value = await MemberEnumeratedMethodAsync((PsObject)value, step.Text, arguments, to, blockNesting) ?? throw notFound;
                }

                continue;
            }

            // $null has no indexer: "Cannot index into a null array." whatever the index, strict mode or not.
            if (step.IsIndex && ScriptExpressions.IsNull(value)) throw new ScriptExpressionException(ScriptedError.NullArray);

            if (step.IsIndex && ScriptExpressions.Tokenize(step.Text) is [{ IsOperator: false } from, { IsOperator: true, Text: ".." }, { IsOperator: false } upTo])
            {
                // $buffer[0..($read - 1)]: a slice, taken without making the range (a 512 KB buffer's is half a million).
                var (first, last) = ScriptExpressions.RangeBounds(await EvaluateAsync(from.Text, to, blockNesting + 1), await EvaluateAsync(upTo.Text, to, blockNesting + 1));
                value = ScriptExpressions.IndexRange(value, first, last);
                continue;
            }

            // A ScriptProperty Add-Member added: its getter's output (also the Value of its PSScriptProperty from
            // $o.PSObject.Properties). An error ending the getter (a throw) ends the statement reading it, as
            // PSScriptProperty's GetValueInvocationException does ("Exception getting ...").
            var listedProperty = !step.IsIndex && step.Text.Equals("Value", StringComparison.OrdinalIgnoreCase) ? ScriptMembers.PropertyInfoOf(value) : null;
            if (!step.IsIndex && (listedProperty?.Member ?? ScriptMembers.Find(value, step.Text, ScriptMembers.Kind.Property)) is { } scriptProperty)
            {
                try
                {
                    value = await InvokeBlockAsync(scriptProperty.Body, [], listedProperty?.Owner ?? (PsObject)value, to, blockNesting);
                }
                catch (Exception e) when (e is PipelineTerminatedException { State: PSInvocationState.Failed } or ErrorActionStopException)
                {
                    throw new ScriptExpressionException(new ScriptedError($"Exception getting \"{scriptProperty.Name}\": \"{e.Message}\"", "ScriptGetValueRuntimeException",
                        ErrorCategory.NotSpecified, "System.Management.Automation.GetValueInvocationException"));
                }

                continue;
            }

            if (step.IsIndex)
            {
                var index = await EvaluateAsync(step.Text, to, blockNesting + 1);
                if (scope.Variables.Runspace.StrictModeVersion >= 3 && StrictMembers.IsOutOfRange(value, index)) throw new ScriptExpressionException(StrictMembers.IndexOutOfRange());
                value = ScriptExpressions.Index(value, index);
                continue;
            }

            // Member enumeration ($list.Name) over items with that script property: each one's getter runs.
            if (value is PsObject { CollectionKind: PsCollectionKind.List } listed && listed.Items.Exists(i => ScriptMembers.Find(i, step.Text, ScriptMembers.Kind.Property) is not null))
            {
                var values = listed.ShallowCopy();
                for (var i = 0; i < values.Items.Count; i++)
                {
                    if (ScriptMembers.Find(values.Items[i], step.Text, ScriptMembers.Kind.Property) is { } itemProperty)
                        values.Items[i] = ((PsObject)values.Items[i]).ShallowCopy().With(itemProperty.Name, await InvokeBlockAsync(itemProperty.Body, [], (PsObject)values.Items[i], to, blockNesting));
                }

                value = VariableValueTemplate.Member(values, step.Text);
                continue;
            }

            var read = VariableValueTemplate.Member(value, step.Text);
            // A method named without its call: the PSMethod, which shows its overloads.
            if (read is PsNil && StrictMembers.MethodReference(value, step.Text) is { } method)
            {
                value = method;
                continue;
            }

            value = StrictMembers.Checked(value, step.Text, read, scope.Variables.Runspace.StrictModeVersion);
        }

        return value;
    }

    /// <summary>A call's argument list (<c>1, 'a', $x</c>, the text inside its parentheses): each argument's value, in order.</summary>
    private async ValueTask<List<PsValue>> CallArgumentsAsync(string text, IPipelineHost? to, int blockNesting)
    {
        var arguments = new List<PsValue>();
        if (text.Trim().Length == 0) return arguments;
        foreach (var argument in ScriptExpressions.ArrayElements(text) ?? [text]) arguments.Add(await EvaluateAsync(argument, to, blockNesting + 1));
        return arguments;
    }

    /// <summary>
    /// An object with script or alias properties as a reader of its properties sees it (Select-Object, the Format
    /// cmdlets, ConvertTo-Json, Export-Csv, the serializer): a copy whose those properties are note properties holding
    /// their values now, each where it stands among the object's properties; the object itself when it has none. A getter
    /// that fails gives $null (those cmdlets keep the failure to themselves, but for $Error), or, with
    /// <paramref name="omitFailing"/>, no property at all (the serializer's GetPropertyValueInThreadSafeManner skips one
    /// whose value it cannot get).
    /// </summary>
    internal async ValueTask<PsValue> WithScriptPropertyValuesAsync(PsValue item, IPipelineHost? to, int blockNesting, bool omitFailing = false, int nestedDepth = 0) =>
        nestedDepth > 0 && ScriptMembers.HasPropertiesWithin(item, nestedDepth)
            ? await NestedScriptPropertyValuesAsync(item, to, blockNesting, omitFailing, nestedDepth, new Dictionary<PsObject, PsValue?>(ReferenceEqualityComparer.Instance))
            : await OwnScriptPropertyValuesAsync(item, to, blockNesting, omitFailing);

    // The object as WithScriptPropertyValuesAsync gives it, and each object it holds likewise down to depth levels below
    // it: a container copied only when something in it changed. An object met twice is one copy (the serializer writes
    // the second as a Ref to the first, its getters run once); one still being read further up (a graph that refers to
    // itself: null in made) is left as it is there.
    private async ValueTask<PsValue> NestedScriptPropertyValuesAsync(PsValue item, IPipelineHost? to, int blockNesting, bool omitFailing, int depth, Dictionary<PsObject, PsValue?> made)
    {
        if (item is not PsObject original) return item;
        if (made.TryGetValue(original, out var already)) return already ?? item;
        made[original] = null;
        var done = await ReadNestedAsync();
        made[original] = done;
        return done;

        async ValueTask<PsValue> ReadNestedAsync()
        {
            var result = await OwnScriptPropertyValuesAsync(item, to, blockNesting, omitFailing);
            if (depth <= 0) return result;
            var source = (PsObject)result;
            var copy = ReferenceEquals(result, item) ? null : source;
            for (var i = 0; i < source.ExtendedProperties.Count; i++)
            {
                var property = source.ExtendedProperties[i];
                if (await NestedScriptPropertyValuesAsync(property.Value, to, blockNesting, omitFailing, depth - 1, made) is var value && !ReferenceEquals(value, property.Value))
                    (copy ??= source.ShallowCopy()).ExtendedProperties[i] = property with { Value = value };
            }

            for (var i = 0; i < source.AdaptedProperties.Count; i++)
            {
                var property = source.AdaptedProperties[i];
                if (await NestedScriptPropertyValuesAsync(property.Value, to, blockNesting, omitFailing, depth - 1, made) is var value && !ReferenceEquals(value, property.Value))
                    (copy ??= source.ShallowCopy()).AdaptedProperties[i] = property with { Value = value };
            }

            for (var i = 0; i < source.Items.Count; i++)
            {
                var element = source.Items[i];
                if (await NestedScriptPropertyValuesAsync(element, to, blockNesting, omitFailing, depth - 1, made) is var value && !ReferenceEquals(value, element))
                    (copy ??= source.ShallowCopy()).Items[i] = value;
            }

            for (var i = 0; i < source.Entries.Count; i++)
            {
                var (key, entry) = source.Entries[i];
                var newKey = await NestedScriptPropertyValuesAsync(key, to, blockNesting, omitFailing, depth - 1, made);
                var newEntry = await NestedScriptPropertyValuesAsync(entry, to, blockNesting, omitFailing, depth - 1, made);
                if (!ReferenceEquals(newKey, key) || !ReferenceEquals(newEntry, entry)) (copy ??= source.ShallowCopy()).Entries[i] = new(newKey, newEntry);
            }

            return copy ?? result;
        }
    }

    // The object's own script and alias properties as values (a copy), or the object itself when it has none.
    private async ValueTask<PsValue> OwnScriptPropertyValuesAsync(PsValue item, IPipelineHost? to, int blockNesting, bool omitFailing)
    {
        if (!ScriptMembers.HasAny(item) || ScriptMembers.Properties((PsObject)item) is not { Count: > 0 } members) return item;
        var scripted = (PsObject)item;
        var copy = scripted.ShallowCopy();
        var properties = copy.ExtendedProperties;
        foreach (var member in members)
        {
            PsValue value;
            if (member.Kind == ScriptMembers.Kind.Alias) value = VariableValueTemplate.Member(scripted, member.Body);
            else if (await ScriptPropertyGetAsync(scripted, member, to, blockNesting) is { } got) value = got;
            else if (omitFailing) continue;
            else value = PsNil.Instance;

            if (copy[member.Name] is null) properties.Insert(Math.Min(member.Position, properties.Count), new PsProperty(member.Name, value));
            else copy.With(member.Name, value);
        }

        return copy;
    }

    /// <summary>
    /// A property of the object by name as a cmdlet reads it (PSPropertyExpression: Sort-Object's and Group-Object's
    /// keys, Where-Object's property, ForEach-Object's member): a script property's getter run (one that fails gives
    /// $null), else the member's value.
    /// </summary>
    internal async ValueTask<PsValue> PropertyValueAsync(PsValue item, string name, IPipelineHost? to, int blockNesting) =>
        ScriptMembers.Find(item, name, ScriptMembers.Kind.Property) is { } member
            ? await ScriptPropertyGetAsync((PsObject)item, member, to, blockNesting) ?? PsNil.Instance
            : VariableValueTemplate.Member(item, name);

    // A script property's getter's value; null when the getter fails, its error in $Error all the same (the engine
    // records the throw before the reader sees it).
    private async ValueTask<PsValue?> ScriptPropertyGetAsync(PsObject item, ScriptMembers.Member member, IPipelineHost? to, int blockNesting)
    {
        try
        {
            return await InvokeBlockAsync(member.Body, [], item, to, blockNesting);
        }
        catch (Exception e) when (e is PipelineTerminatedException { State: PSInvocationState.Failed } or ErrorActionStopException or ScriptExpressionException)
        {
            scope.Variables.Runspace.RecordError(e switch
            {
                ErrorActionStopException stopped => stopped.Record,
                PipelineTerminatedException terminated => errorRecords(terminated.Reason),
                _ => errorRecords(((ScriptExpressionException)e).Error),
            });
            return null;
        }
    }

    /// <summary>
    /// An object with script or alias properties as the serializer writes it to a client (<see cref="WithScriptPropertyValuesAsync"/>,
    /// a failing getter's property left out). The getters run in the session's global scope with the pipeline as their
    /// host: a context made for them only when such an object goes, so that no pipeline keeps one for the purpose.
    /// </summary>
    internal static ValueTask<PsValue> ScriptPropertyValuesForClientAsync(PsObject scripted, IPipelineHost host, TimeProvider time, BehaviourCatalog catalog, CancellationToken cancellationToken) =>
        new RunContext(host, time, ScriptedError.ToErrorRecord, new RunScope(new Dictionary<string, string>(), new PipelineVariables(host)), cancellationToken, catalog)
            .WithScriptPropertyValuesAsync(scripted, null, 0, omitFailing: true, nestedDepth: RemotingDepth.MaxDepthBelowTopLevel);

    /// <summary>
    /// Runs a script block called as a delegate (a ScriptMethod or ScriptProperty with <c>$this</c> the object
    /// <paramref name="self"/>, a Predicate, a MatchEvaluator): the arguments its $args (or its param block's), $_ not
    /// set, its output the value (none $null, one itself, more an array).
    /// </summary>
    private async ValueTask<PsValue> InvokeBlockAsync(string block, IReadOnlyList<PsValue> arguments, PsObject? self, IPipelineHost? to, int blockNesting, ClassMethodHost? method = null)
    {
        const string ArgumentVariable = "PsrpEmulatorBlockArgument";
        var variables = scope.Variables;
        var names = Enumerable.Range(0, arguments.Count).Select(i => ArgumentVariable + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var saved = (self is null ? names : names.Append("this")).Select(name => (name, variables.Get(name))).ToList();
        try
        {
            if (self is not null) variables.SetLocal("this", self);
            for (var i = 0; i < names.Count; i++) variables.SetLocal(names[i], arguments[i]);
            // A class's method keeps only what return gives (ClassMethodHost); any other block, all it writes.
            var capture = method is null ? new CapturingHost(to ?? host) : null;
            await RunFunctionAsync(string.Concat(names.Select(n => " $" + n).Prepend("&")), block, (IPipelineHost?)method ?? capture, blockNesting + 1);
            return method?.Value ?? capture!.Value;
        }
        finally
        {
            foreach (var (name, value) in saved) variables.SetLocal(name, value ?? PsNil.Instance);
        }
    }

    // Each match replaced by what the evaluator block writes for it (its Match object the block's argument), as .NET's
    // Regex.Replace calls a MatchEvaluator.
    private async ValueTask<PsValue> RegexEvaluatorReplaceAsync(IReadOnlyList<PsValue> arguments, string evaluator, IPipelineHost? to, int blockNesting)
    {
        var input = PipelineVariables.Display(arguments[0]);
        var result = new System.Text.StringBuilder(input.Length);
        var last = 0;
        foreach (var (index, length, match) in ScriptExpressions.EvaluatorMatches(arguments))
        {
            var replacement = await InvokeBlockAsync(evaluator, [match], null, to, blockNesting);
            result.Append(input, last, index - last).Append(scope.Variables.DisplayInString(replacement));
            last = index + length;
            if (result.Length > ScriptExpressions.MaxArithmeticLength) throw new ScenarioRuntimeException($"a replacement is limited to {ScriptExpressions.MaxArithmeticLength} characters in the emulator");
        }

        return PsPrimitive.String(result.Append(input, last, input.Length - last).ToString());
    }

    /// <summary>
    /// ConcurrentDictionary[K,V]'s methods that need the script: <c>TryRemove(key, [ref]$v)</c> (the value removed, or V's
    /// default, into the variable; whether it was there), <c>GetOrAdd(key, { param($k) ... })</c> and
    /// <c>AddOrUpdate(key, addValue or { param($k) ... }, { param($k, $old) ... })</c> (a script block as the .NET
    /// delegate: its output the value, converted to V). Null for another method, or arguments of another form.
    /// </summary>
    private async ValueTask<PsValue?> ConcurrentDictionaryStepAsync(PsObject table, ScriptExpressions.Accessor step, IPipelineHost? to, int blockNesting)
    {
        if (ScriptExpressions.GenericDictionaryTypes(table) is not var (keyType, valueType)) return null;
        var method = step.Text.ToUpperInvariant();
        if (method == "TRYREMOVE" && ScriptExpressions.ArrayElements(step.Arguments!) is [var keyText, var referenceText] && RefArgument().Match(referenceText) is { Success: true } reference)
        {
            var target = OutReference(reference.Groups["var"].Value);
            var at = ScriptExpressions.FindEntry(table, ConcurrentKeyOf(await EvaluateAsync(keyText, to, blockNesting + 1)));
            VariableReferences.TryWrite(target, "Value", at >= 0 ? table.Entries[at].Value : ScriptExpressions.DefaultValue(valueType));
            if (at >= 0) TableKeys.RemoveAt(table, at);
            return PsPrimitive.Boolean(at >= 0);
        }

        if (method is not ("GETORADD" or "ADDORUPDATE")) return null;
        var arguments = await CallArgumentsAsync(step.Arguments!, to, blockNesting);
        static string? Block(PsValue value) => value is PsPrimitive { Type: PsPrimitiveType.ScriptBlock, Value: string block } ? block : null;
        switch (method, arguments.Count)
        {
            case ("GETORADD", 2) when Block(arguments[1]) is { } factory:
            {
                var key = ConcurrentKeyOf(arguments[0]);
                if (ScriptExpressions.FindEntry(table, key) is var at and >= 0) return table.Entries[at].Value;
                return ScriptExpressions.AddEntry(table, key, ScriptExpressions.Cast(await InvokeBlockAsync(factory, [key], null, to, blockNesting), valueType));
            }

            case ("ADDORUPDATE", 3) when Block(arguments[2]) is { } update:
            {
                var key = ConcurrentKeyOf(arguments[0]);
                var at = ScriptExpressions.FindEntry(table, key);
                PsValue result;
                if (at >= 0)
                {
                    result = ScriptExpressions.Cast(await InvokeBlockAsync(update, [key, table.Entries[at].Value], null, to, blockNesting), valueType);
                    table.Entries[at] = new(table.Entries[at].Key, result);
                }
                else
                {
                    result = ScriptExpressions.AddEntry(table, key,
                        ScriptExpressions.Cast(Block(arguments[1]) is { } add ? await InvokeBlockAsync(add, [key], null, to, blockNesting) : arguments[1], valueType));
                }

                return result;
            }

            default:
                // The arguments are evaluated once: the method of the values themselves.
                return ScriptExpressions.Method(table, step.Text, arguments);
        }

        PsValue ConcurrentKeyOf(PsValue key)
        {
            try
            {
                return ScriptExpressions.ConcurrentKey(key, keyType);
            }
            catch (ArgumentNullException)
            {
                throw new ScriptExpressionException(ScriptedError.MethodInvocation(step.Text, ScriptExpressions.ArrayElements(step.Arguments!)?.Count ?? 1,
                    "Value cannot be null.\r\nParameter name: key", typeof(ArgumentNullException)));
            }
        }
    }

    // A concurrent queue's, stack's or bag's Try method: whether it takes the item (TryDequeue, TryPop, TryTake) or only
    // reads it (TryPeek); null for another name, or one the collection has not (a queue's TryPop).
    private static bool? ConcurrentTakes(PsObject collection, string method)
    {
        var typeName = collection.TypeNames![0];
        var kind = typeName.StartsWith(ScriptExpressions.ConcurrentQueueTypeName, StringComparison.Ordinal) ? "TRYDEQUEUE"
            : typeName.StartsWith(ScriptExpressions.ConcurrentStackTypeName, StringComparison.Ordinal) ? "TRYPOP" : "TRYTAKE";
        return method == kind ? true : method == "TRYPEEK" ? false : null;
    }

    // Whether reading the steps from the value may run a script: the value, or an object its plain member steps lead to
    // before the last, has script members (or holds an item that has).
    private static bool ChainReadsThroughScript(PsValue value, List<ScriptExpressions.Accessor> steps)
    {
        for (var i = 0; ; i++)
        {
            // A list's items are read by an index or by member enumeration ($w.list.Name).
            if (ScriptMembers.ReadsThroughScript(value) || (value is PsObject { CollectionKind: PsCollectionKind.List } list && list.Items.Exists(ScriptMembers.ReadsThroughScript))) return true;
            if (i >= steps.Count - 1 || steps[i] is { IsIndex: true } or { IsMethod: true } or { IsDynamic: true }) return false;
            try
            {
                value = VariableValueTemplate.Member(value, steps[i].Text);
            }
            catch (ScriptExpressionException)
            {
                // A member whose reading is an error ($Host.UI.RawUI.BufferSize, when the client's host did not send it):
                // the statement reads it as any other, and reports it.
                return false;
            }
        }
    }

    /// <summary>A dynamic member step ($o.$name, $o.($expr)) as the member its expression's value names; another step as it is.</summary>
    private async ValueTask<ScriptExpressions.Accessor> NamedAccessorAsync(ScriptExpressions.Accessor step, IPipelineHost? to, int blockNesting) =>
        step.IsDynamic
            ? new ScriptExpressions.Accessor(false, PipelineVariables.Display(await EvaluateAsync(step.Text, to, blockNesting + 1)), step.Arguments)
            : step;

    /// <summary>
    /// <c>$h['key'] = value</c>, <c>$list[1] = value</c>, <c>$obj.Name = value</c> (also <c>+=</c> and the other compound
    /// operators, and deeper targets such as <c>$h.a[0].b</c>): the element of the variable's value set in place, as
    /// PowerShell sets it (hashtables, arrays and objects are references: every variable holding one sees the change).
    /// </summary>
    private async ValueTask AssignElementAsync(Statements.ElementAssignment assignment, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        try
        {
            var (head, accessors) = assignment.Target;
            // The variable's own value (through the rules an array would be written out and collected anew: a copy), or
            // a parenthesized expression's.
            var root = head.StartsWith('(') ? await EvaluateAsync(head, to, blockNesting + 1) : HeldVariable(head) ?? PsNil.Instance;
            var container = await ApplyAccessorsAsync(root, accessors.Take(accessors.Count - 1), to, blockNesting);
            var last = await NamedAccessorAsync(accessors[^1], to, blockNesting);
            var key = last.IsIndex ? await EvaluateAsync(last.Text, to, blockNesting + 1) : PsPrimitive.String(last.Text);
            if (await AssignedValueAsync(assignment.Value, to, blockNesting) is not { } value) return;
            if (assignment.Operator is { } op)
            {
                var current = last.IsIndex ? ScriptExpressions.Index(container, key) : VariableValueTemplate.Member(container, last.Text);
                value = Arithmetic(current, op, value);
            }

            if (!last.IsIndex && ScriptMembers.Find(container, last.Text, ScriptMembers.Kind.Property) is { } scriptProperty)
            {
                // A ScriptProperty's setter gets the value as its argument; without one, PowerShell's error.
                if (scriptProperty.Setter is not { } setter)
                {
                    throw new ScriptExpressionException(new ScriptedError($"Set accessor for property \"{scriptProperty.Name}\" is unavailable.", "SetWithoutSetterFromScriptProperty",
                        ErrorCategory.InvalidOperation, "System.Management.Automation.SetValueException"));
                }

                await InvokeBlockAsync(setter, [value], (PsObject)container, to, blockNesting);
                return;
            }

            // A [ref]'s Value: its variable set.
            if (!last.IsIndex && VariableReferences.TryWrite(container, last.Text, value)) return;

            if (!last.IsIndex && container is PsObject { TypeNames: [RunContext.HostRawUserInterfaceTypeName, ..] } rawUI)
            {
                await SetRawUIPropertyAsync(rawUI, last.Text, value);
                return;
            }

            if (!last.IsIndex && container is PsObject { TypeNames: ["System.IO.FileInfo" or "System.IO.DirectoryInfo", ..] } fileItem && SetItemProperty(fileItem, last.Text, value))
            {
                return;
            }

            ScriptExpressions.SetElement(container, key, last.IsIndex, value);
            if (!last.IsIndex && container is PsObject { TypeNames: [var className, ..] } classObject && ScriptTypes.Current?.Class(className) is { } objectClass)
            {
                await RefreshClassTextAsync(classObject, objectClass, to, blockNesting);
            }
        }
        catch (ScriptExpressionException e)
        {
            await WriteStatementErrorAsync(e.Error, output);
        }
    }

    /// <summary>
    /// Setting a <c>$Host.UI.RawUI</c> property, as ServerRemoteHostRawUserInterface does: a void host call to the
    /// client's host (dropped when it has no UI) with the value as RemoteHostEncoder encodes it: WindowTitle a string,
    /// ForegroundColor and BackgroundColor the ConsoleColor's number, CursorSize an Int32, BufferSize and WindowSize a Size
    /// (width, height), CursorPosition and WindowPosition Coordinates (x, y), each an object of its fields. A value that is
    /// not one is the assignment's error ("Exception setting ..."); a read-only property (MaxWindowSize,
    /// MaxPhysicalWindowSize, KeyAvailable) PowerShell's "is a ReadOnly property", any other PropertyNotFound.
    /// </summary>
    private async ValueTask SetRawUIPropertyAsync(PsObject rawUI, string property, PsValue value)
    {
        const string Size = "System.Management.Automation.Host.Size", Coordinates = "System.Management.Automation.Host.Coordinates";
        var title = ScriptExpressions.IsNull(value) ? null : PipelineVariables.Display(value);
        // The setter's call, its argument as RemoteHostEncoder encodes it, and the host data with the value set.
        (RemoteHostMethodId Method, PsValue Argument, Func<HostRawUI, HostRawUI> Update) call = property.ToUpperInvariant() switch
        {
            "WINDOWTITLE" => (RemoteHostMethodId.SetWindowTitle, title is null ? PsNil.Instance : PsPrimitive.String(title), raw => raw with { WindowTitle = title }),
            "FOREGROUNDCOLOR" => Number(RemoteHostMethodId.SetForegroundColor, RawUIColor(property, value), (raw, color) => raw with { ForegroundColor = color }),
            "BACKGROUNDCOLOR" => Number(RemoteHostMethodId.SetBackgroundColor, RawUIColor(property, value), (raw, color) => raw with { BackgroundColor = color }),
            "CURSORSIZE" => Number(RemoteHostMethodId.SetCursorSize, ScriptExpressions.AsNumberOrNull(value) is { } size && size == Math.Floor(size) && size is >= int.MinValue and <= int.MaxValue
                ? (int)size : throw RawUISetError(property, value, "System.Int32"), (raw, cursorSize) => raw with { CursorSize = cursorSize }),
            "BUFFERSIZE" => Pair(RemoteHostMethodId.SetBufferSize, RawUIPair(property, value, "Width", "Height", Size), "width", "height", (raw, buffer) => raw with { BufferSize = buffer }),
            "WINDOWSIZE" => Pair(RemoteHostMethodId.SetWindowSize, RawUIPair(property, value, "Width", "Height", Size), "width", "height", (raw, window) => raw with { WindowSize = window }),
            "CURSORPOSITION" => Pair(RemoteHostMethodId.SetCursorPosition, RawUIPair(property, value, "X", "Y", Coordinates), "x", "y", (raw, cursor) => raw with { CursorPosition = cursor }),
            "WINDOWPOSITION" => Pair(RemoteHostMethodId.SetWindowPosition, RawUIPair(property, value, "X", "Y", Coordinates), "x", "y", (raw, window) => raw with { WindowPosition = window }),
            // PSHostRawUserInterface's get-only properties: PowerShell's assignment error.
            "MAXWINDOWSIZE" or "MAXPHYSICALWINDOWSIZE" or "KEYAVAILABLE" => throw new ScriptExpressionException(new ScriptedError(
                $"'{ReadOnlyRawUIName(property)}' is a ReadOnly property.", "PropertyAssignmentException", ErrorCategory.InvalidOperation, ScriptedError.RuntimeExceptionType)),
            // PSHostRawUserInterface has no other property.
            _ => throw new ScriptExpressionException(new ScriptedError(
                $"The property '{property}' cannot be found on this object. Verify that the property exists and can be set.", "PropertyNotFound",
                ErrorCategory.InvalidOperation, ScriptedError.RuntimeExceptionType)),
        };

        // The host's data takes the value first (a later read answers it, also through this RawUI object), then the
        // client's host is told.
        Host.UpdateRawUI(call.Update);
        if (Host.HasHostUI) FillRawUI(rawUI, call.Update(new HostRawUI()));
        await Host.SendHostCallAsync(call.Method, [call.Argument], cancellationToken);

        static (RemoteHostMethodId, PsValue, Func<HostRawUI, HostRawUI>) Number(RemoteHostMethodId method, int number, Func<HostRawUI, int, HostRawUI> set) =>
            (method, PsPrimitive.Int32(number), raw => set(raw, number));

        // A Size or Coordinates is encoded as an object of the struct's fields.
        static (RemoteHostMethodId, PsValue, Func<HostRawUI, HostRawUI>) Pair(RemoteHostMethodId method, (int, int) pair, string firstField, string secondField,
            Func<HostRawUI, (int, int), HostRawUI> set) =>
            (method, new PsObject().With(firstField, pair.Item1).With(secondField, pair.Item2), raw => set(raw, pair));
    }

    private static string ReadOnlyRawUIName(string property) => property.ToUpperInvariant() switch
    {
        "MAXWINDOWSIZE" => "MaxWindowSize",
        "MAXPHYSICALWINDOWSIZE" => "MaxPhysicalWindowSize",
        _ => "KeyAvailable",
    };

    // A ConsoleColor by name or number, as PowerShell converts the value it is given.
    private static int RawUIColor(string property, PsValue value)
    {
        if (ScriptExpressions.AsNumberOrNull(value) is { } number && number == Math.Floor(number) && Enum.IsDefined((ConsoleColor)(int)Math.Clamp(number, -1, 16))) return (int)number;
        var name = PipelineVariables.Display(value);
        return HostInformationMessage.ParseColor(name) is { } color ? (int)color : throw new ScriptExpressionException(new ScriptedError(
            $"Exception setting \"{property}\": \"Cannot convert value \"{name}\" to type \"System.ConsoleColor\". Error: \"Unable to match the identifier name {name} to a valid enumerator name. Specify one of the following enumerator names and try again:\r\nBlack, DarkBlue, DarkGreen, DarkCyan, DarkRed, DarkMagenta, DarkYellow, Gray, DarkGray, Blue, Green, Cyan, Red, Magenta, Yellow, White\"\"",
            "ExceptionWhenSetting", ErrorCategory.NotSpecified, "System.Management.Automation.SetValueInvocationException"));
    }

    // A Size or Coordinates: an object with the two properties (one the RawUI gave, or made with them).
    // A hashtable converts as PowerShell converts one to a struct: a field per key, a missing one 0 (@{X=0;Y=0}, Clear-Host's).
    private static (int, int) RawUIPair(string property, PsValue value, string first, string second, string typeName)
    {
        if (RawUIFields(value, [first, second]) is [var a, var b]) return (a, b);
        throw RawUISetError(property, value, typeName);
    }

    /// <summary>
    /// The integer fields of a RawUI struct (Size, Coordinates, Rectangle) from an object that has them or a hashtable
    /// whose keys are among them (a missing one 0, as PowerShell's conversion leaves it); null when the value is neither.
    /// </summary>
    internal static int[]? RawUIFields(PsValue value, string[] names)
    {
        if (value is not PsObject o) return null;
        var fields = new int[names.Length];
        if (o.CollectionKind == PsCollectionKind.Dictionary)
        {
            foreach (var entry in o.Entries)
            {
                var at = Array.FindIndex(names, n => n.Equals(PipelineVariables.Display(entry.Key), StringComparison.OrdinalIgnoreCase));
                if (at < 0 || WholeInt(entry.Value) is not { } number) return null;
                fields[at] = number;
            }

            return fields;
        }

        for (var i = 0; i < names.Length; i++)
        {
            if (WholeInt(o[names[i]] ?? PsNil.Instance) is not { } number) return null;
            fields[i] = number;
        }

        return fields;

        static int? WholeInt(PsValue v) => ScriptExpressions.AsNumberOrNull(v) is { } n && n == Math.Floor(n) && n is >= int.MinValue and <= int.MaxValue ? (int)n : null;
    }

    private static ScriptExpressionException RawUISetError(string property, PsValue value, string typeName) => new(new ScriptedError(
        $"Exception setting \"{property}\": \"Cannot convert the \"{PipelineVariables.Display(value)}\" value of type \"{ScriptExpressions.DotNetTypeName(value)}\" to type \"{typeName}\".\"",
        "ExceptionWhenSetting", ErrorCategory.NotSpecified, "System.Management.Automation.SetValueInvocationException"));

    // Holds the jobs a command pipes to the job cmdlets while they run (JobPipeline).
    private const string PipedJobsVariable = "PsrpEmulatorPipedJobs";

    /// <summary>
    /// A pipeline whose first command is not a variable and whose second is a job cmdlet (Wait-Job, Receive-Job,
    /// Stop-Job, Remove-Job): the first command and the rest; null for anything else.
    /// </summary>
    internal static (string First, string Later)? JobPipeline(string text)
    {
        if (!ScriptExpressions.HasPipeline(text)) return null;
        var stages = Statements.SplitTopLevel(text, c => c == '|');
        if (stages.Count < 2) return null;
        var first = stages[0].Trim();
        if (first.Length == 0 || first[0] == '$') return null;
        var second = UnknownCommandScript.FirstWordOf(stages[1].Trim());
        if (!(second.Equals("Wait-Job", StringComparison.OrdinalIgnoreCase) || second.Equals("Receive-Job", StringComparison.OrdinalIgnoreCase) ||
              second.Equals("Stop-Job", StringComparison.OrdinalIgnoreCase) || second.Equals("Remove-Job", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        return (first, string.Join("|", stages.Skip(1)).Trim());
    }

    // Holds what a pipeline's job cmdlets wrote while the stages after them run.
    private const string PipedJobResultsVariable = "PsrpEmulatorJobResults";

    private static bool IsJobCmdlet(string stage) => UnknownCommandScript.FirstWordOf(stage.Trim()) is var word &&
        (word.Equals("Wait-Job", StringComparison.OrdinalIgnoreCase) || word.Equals("Receive-Job", StringComparison.OrdinalIgnoreCase) ||
         word.Equals("Stop-Job", StringComparison.OrdinalIgnoreCase) || word.Equals("Remove-Job", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A pipeline whose second command is a job cmdlet and that goes on after its job cmdlets (<c>$jobs | Wait-Job |
    /// Receive-Job | Sort-Object</c>): its job part and the stages after it; null for anything else.
    /// </summary>
    internal static (string Jobs, string After)? JobPipelineWithMore(string text)
    {
        if (!ScriptExpressions.HasPipeline(text)) return null;
        var stages = Statements.SplitTopLevel(text, c => c == '|');
        if (stages.Count < 3 || stages[0].Trim().Length == 0 || !IsJobCmdlet(stages[1])) return null;
        var last = 1;
        while (last + 1 < stages.Count && IsJobCmdlet(stages[last + 1])) last++;
        if (last + 1 >= stages.Count) return null;
        return (string.Join("|", stages.Take(last + 1)).Trim(), string.Join("|", stages.Skip(last + 1)).Trim());
    }

    /// <summary>
    /// A pipeline an expression runs for its value ((Get-Item x).Count, an if's condition, an assignment's right side):
    /// its statement-terminating error is not written there but ends the expression, as PowerShell's exception goes on
    /// to the statement around it (a ScriptExpressionException here); a $( ) or @( ) has statements of its own.
    /// </summary>
    private async ValueTask<PsValue> CaptureExpressionAsync(string text, IPipelineHost? to, int blockNesting)
    {
        var outer = _propagateNesting;
        _propagateNesting = blockNesting + 1;
        try
        {
            return await CaptureAsync(text, to, blockNesting);
        }
        catch (PropagatedStatementException e)
        {
            throw new ScriptExpressionException(e.Error);
        }
        finally
        {
            _propagateNesting = outer;
        }
    }

    /// <summary>A statement's output as a value (none is $null, one is itself, more an array).</summary>
    private async ValueTask<PsValue> CaptureAsync(string text, IPipelineHost? to, int blockNesting)
    {
        var capture = new CapturingHost(to ?? host);
        await RunStatementAsync(text, capture, blockNesting + 1);
        return capture.Value;
    }

    private async ValueTask<PsValue> EvaluateAsync(ExpressionNode node, IPipelineHost? to, int blockNesting) => node switch
    {
        OperandNode operand => await EvaluateAsync(operand.Text, to, blockNesting + 1),
        UnaryNode { Operator: "not" } not => PsPrimitive.Boolean(!ScriptExpressions.IsTrue(await EvaluateAsync(not.Operand, to, blockNesting + 1))),
        UnaryNode { Operator: "bnot" } bnot => ScriptExpressions.BitwiseNot(await EvaluateAsync(bnot.Operand, to, blockNesting + 1)),
        UnaryNode unary => ScriptExpressions.UnaryString(unary.Operator, await EvaluateAsync(unary.Operand, to, blockNesting + 1)),
        BinaryNode { Operator: "f" } format => ScriptExpressions.Format(
            await EvaluateAsync(format.Left, to, blockNesting + 1), await EvaluateAsync(format.Right, to, blockNesting + 1)),
        // -and and -or stop at the first operand that decides, as PowerShell's do.
        BinaryNode { Operator: "and" } and => PsPrimitive.Boolean(
            ScriptExpressions.IsTrue(await EvaluateAsync(and.Left, to, blockNesting + 1)) && ScriptExpressions.IsTrue(await EvaluateAsync(and.Right, to, blockNesting + 1))),
        BinaryNode { Operator: "or" } or => PsPrimitive.Boolean(
            ScriptExpressions.IsTrue(await EvaluateAsync(or.Left, to, blockNesting + 1)) || ScriptExpressions.IsTrue(await EvaluateAsync(or.Right, to, blockNesting + 1))),
        BinaryNode { Operator: "xor" } xor => PsPrimitive.Boolean(
            ScriptExpressions.IsTrue(await EvaluateAsync(xor.Left, to, blockNesting + 1)) ^ ScriptExpressions.IsTrue(await EvaluateAsync(xor.Right, to, blockNesting + 1))),
        BinaryNode arithmetic when ScriptExpressions.ArithmeticLevel(arithmetic.Operator) > 0 => Arithmetic(
            await EvaluateAsync(arithmetic.Left, to, blockNesting + 1), arithmetic.Operator, await EvaluateAsync(arithmetic.Right, to, blockNesting + 1)),
        BinaryNode { Operator: "match" or "imatch" or "cmatch" } match => await MatchAsync(match, to, blockNesting),
        BinaryNode { Operator: "is" or "isnot" or "as" } typeTest => await TypeTestAsync(typeTest, to, blockNesting),
        BinaryNode { Operator: "split" or "isplit" or "csplit" } split => await SplitAsync(split, to, blockNesting),
        BinaryNode bitwise when ScriptExpressions.IsBitwise(bitwise.Operator) => ScriptExpressions.Bitwise(
            await EvaluateAsync(bitwise.Left, to, blockNesting + 1), bitwise.Operator, await EvaluateAsync(bitwise.Right, to, blockNesting + 1)),
        BinaryNode comparison => ScriptExpressions.Compare(
            await EvaluateAsync(comparison.Left, to, blockNesting + 1), comparison.Operator, await EvaluateAsync(comparison.Right, to, blockNesting + 1)),
        _ => throw new InvalidOperationException("unknown expression node"),
    };

    // text -split pattern, or -split { predicate }[, count]: a script block splits at each character it is true for.
    private async ValueTask<PsValue> SplitAsync(BinaryNode split, IPipelineHost? to, int blockNesting)
    {
        var left = await EvaluateAsync(split.Left, to, blockNesting + 1);
        var right = await EvaluateAsync(split.Right, to, blockNesting + 1);
        var arguments = ScriptExpressions.Enumerate(right);
        if (arguments is not [PsPrimitive { Type: PsPrimitiveType.ScriptBlock, Value: string predicate }, ..]) return ScriptExpressions.Compare(left, split.Operator, right);
        if (arguments.Count > 2 && arguments[2] is not PsNil && (arguments[2] is not PsPrimitive { Value: string options } || options.Length > 0))
        {
            throw new ScriptExpressionException(new ScriptedError("Options are not allowed on the -split operator with a predicate.", "InvalidSplitOptionWithPredicate",
                ErrorCategory.ParserError, "System.Management.Automation.ParseException"));
        }

        var limit = arguments.Count > 1 && ScriptExpressions.AsNumber(arguments[1]) is { } n ? (int)Math.Clamp(n, int.MinValue, int.MaxValue) : 0;
        var pieces = new List<PsValue>();
        foreach (var item in ScriptExpressions.Enumerate(left))
        {
            var text = PipelineVariables.Display(item);
            // ParserOps.SplitWithPredicate: $_ each character (a string), $args the text and the index.
            if (limit == 1)
            {
                pieces.Add(PsPrimitive.String(text));
                continue;
            }

            var found = new List<string>();
            var piece = new System.Text.StringBuilder();
            for (var i = 0; i < text.Length; i++)
            {
                if (ScriptExpressions.IsTrue(await InvokeBlockWithItemAsync(predicate, PsPrimitive.String(text[i].ToString()), [PsPrimitive.String(text), PsPrimitive.Int32(i)], to, blockNesting)))
                {
                    found.Add(piece.ToString());
                    piece.Clear();
                    if (limit > 0 && found.Count >= limit - 1)
                    {
                        found.Add(text[(i + 1)..]);
                        break;
                    }

                    if (i == text.Length - 1) found.Add(string.Empty);
                }
                else
                {
                    piece.Append(text[i]);
                }
            }

            if (piece.Length > 0 && (limit <= 0 || found.Count < limit)) found.Add(piece.ToString());
            pieces.AddRange(found.Select(p => (PsValue)PsPrimitive.String(p)));
        }

        return PsObjects.List(pieces, ListValueTemplate.ArrayTypeNames);
    }

    // A script block run with $_ (and $PSItem) the item and its arguments as $args: -split's predicate.
    private ValueTask<PsValue> InvokeBlockWithItemAsync(string block, PsValue item, IReadOnlyList<PsValue> arguments, IPipelineHost? to, int blockNesting) =>
        HoldingAsync("_", item, () => HoldingAsync("PSItem", item, () => InvokeBlockAsync(block, arguments, null, to, blockNesting)));

    // value -is [Type], -isnot, -as: the right operand is a type written in brackets, or text naming one.
    private async ValueTask<PsValue> TypeTestAsync(BinaryNode test, IPipelineHost? to, int blockNesting)
    {
        var value = await EvaluateAsync(test.Left, to, blockNesting + 1);
        var typeName = test.Right is OperandNode { Text: var text } && ScriptExpressions.TypeExpression(text) is (var name, { Length: 0 })
            ? name
            : PipelineVariables.Display(await EvaluateAsync(test.Right, to, blockNesting + 1));
        return test.Operator switch
        {
            "is" => PsPrimitive.Boolean(ScriptExpressions.Is(value, typeName)),
            "isnot" => PsPrimitive.Boolean(!ScriptExpressions.Is(value, typeName)),
            // A type the emulator does not convert to: $null, as -as answers a value it cannot convert.
            _ => ScriptExpressions.ResolveType(typeName) is { } type ? ScriptExpressions.Cast(value, type, orNull: true) : PsNil.Instance,
        };
    }

    // -match, and $Matches set as PowerShell sets it: after a scalar matched.
    private async ValueTask<PsValue> MatchAsync(BinaryNode match, IPipelineHost? to, int blockNesting)
    {
        var left = await EvaluateAsync(match.Left, to, blockNesting + 1);
        var right = await EvaluateAsync(match.Right, to, blockNesting + 1);
        var result = ScriptExpressions.Compare(left, match.Operator, right);
        if (ScriptExpressions.MatchTable(left, match.Operator, right) is { } matches) scope.Variables.Set("Matches", matches);
        return result;
    }

    /// <summary>Operators one expression may have here (PowerShell has no such limit; scripts stay far below it).</summary>
    private const int MaxOperators = 64;

    private abstract record ExpressionNode;

    private sealed record OperandNode(string Text) : ExpressionNode;

    /// <summary>-not (or !), unary -split, unary -join.</summary>
    private sealed record UnaryNode(string Operator, ExpressionNode Operand) : ExpressionNode;

    private sealed record BinaryNode(ExpressionNode Left, string Operator, ExpressionNode Right) : ExpressionNode;

    /// <summary>
    /// Operators in PowerShell's precedence: -not, unary -split and -join bind closest, then -f, * / %, + -, the
    /// comparisons (with -replace, -split and -join), then -and, -or and -xor (equal, left to right). A missing operand
    /// is the parse error PowerShell gives.
    /// </summary>
    private static ExpressionNode ParseExpression(List<ScriptExpressions.Token> tokens)
    {
        // Each operator is a level of the tree the evaluation recurses through: client text is bounded here.
        if (tokens.Count > 2 * MaxOperators + 1) throw new ScenarioRuntimeException($"an expression has more than {MaxOperators} operators in the emulator");
        var position = 0;
        var node = Logical();
        if (position < tokens.Count) throw Unexpected(tokens[position]);
        return node;

        ExpressionNode Logical()
        {
            var left = Bitwise();
            while (position < tokens.Count && tokens[position].IsOperator && ScriptExpressions.IsLogical(tokens[position].Text))
            {
                var op = tokens[position++].Text;
                left = new BinaryNode(left, op, Bitwise(op));
            }

            return left;
        }

        // -band, -bor, -bxor, -shl, -shr bind closer than the logical operators and looser than the comparisons, as
        // PowerShell's parser ranks them (BinaryPrecedenceBitwise).
        ExpressionNode Bitwise(string? after = null)
        {
            var left = Comparison(after);
            while (position < tokens.Count && tokens[position].IsOperator && ScriptExpressions.IsBitwise(tokens[position].Text))
            {
                var op = tokens[position++].Text;
                left = new BinaryNode(left, op, Comparison(op));
            }

            return left;
        }

        ExpressionNode Comparison(string? after = null)
        {
            var left = Arithmetic(1, after);
            while (position < tokens.Count && tokens[position].IsOperator && tokens[position].Text is not ("not" or "bnot") && !ScriptExpressions.IsLogical(tokens[position].Text) &&
                   !ScriptExpressions.IsBitwise(tokens[position].Text) && ScriptExpressions.ArithmeticLevel(tokens[position].Text) == 0)
            {
                var op = tokens[position++].Text;
                left = new BinaryNode(left, op, Arithmetic(1, op));
            }

            return left;
        }

        // + and - (level 1) over * / % (level 2) over -f (level 3) over .. (level 4), each left to right, all binding
        // closer than the comparisons (and the comma closer than any of them: its arrays are operands here).
        ExpressionNode Arithmetic(int level, string? after)
        {
            var left = level == 4 ? Unary(after) : Arithmetic(level + 1, after);
            while (position < tokens.Count && tokens[position].IsOperator && ScriptExpressions.ArithmeticLevel(tokens[position].Text) == level)
            {
                var op = tokens[position++].Text;
                left = new BinaryNode(left, op, level == 4 ? Unary(op) : Arithmetic(level + 1, op));
            }

            return left;
        }

        // after: the operator before this operand; unaryBefore: whether it is a unary one (-not), whose missing operand
        // is MissingExpressionAfterOperator rather than a binary operator's ExpectedValueExpression.
        ExpressionNode Unary(string? after, bool unaryBefore = false)
        {
            if (position >= tokens.Count) throw unaryBefore && after is not null ? new ScriptParseException(Statements.MissingExpressionAfterUnaryOperator(OperatorText(after))) : MissingOperand(after);
            var token = tokens[position++];
            if (!token.IsOperator)
            {
                // 3.Count after a binary operator is one generic word to the tokenizer, no value: the operator's missing operand.
                if (after is not null && !unaryBefore && Statements.IsNumberWord(token.Text))
                {
                    throw new ScriptParseException(ScriptedError.ParseError($"You must provide a value expression following the '{OperatorText(after)}' operator.", "ExpectedValueExpression",
                        script => Statements.PlaceAfterOperatorBefore(script, OperatorText(after), token.Text.Trim())));
                }

                return new OperandNode(token.Text);
            }

            if (token.Text == "not")
            {
                // -not -not ... x: what counts is whether there is an odd number of them.
                var odd = true;
                while (position < tokens.Count && tokens[position] is { IsOperator: true, Text: "not" })
                {
                    position++;
                    odd = !odd;
                }

                var operand = Unary("not", unaryBefore: true);
                return odd ? new UnaryNode("not", operand) : new UnaryNode("not", new UnaryNode("not", operand));
            }

            if (token.Text is "split" or "join" or "bnot") return new UnaryNode(token.Text, Unary(token.Text, unaryBefore: true));
            position--;
            throw after is null ? Unexpected(token) : MissingOperand(after);
        }

        static ScriptParseException MissingOperand(string? op) => new(op is null
            ? ScriptedError.ParseError("An expression was expected after '('.", "ExpectedExpression")
            : ScriptedError.ParseError($"You must provide a value expression following the '{OperatorText(op)}' operator.", "ExpectedValueExpression",
                script => Statements.PlaceAfterOperatorWithoutOperand(script, OperatorText(op))));

        static ScriptParseException Unexpected(ScriptExpressions.Token token) => new(ScriptedError.ParseError(
            $"Unexpected token '{OperatorText(token.Text)}' in expression or statement.", "UnexpectedToken"));

        // An operator as the script wrote it: a word one with its dash (-eq), a symbol as itself (+).
        static string OperatorText(string op) => op.Length > 0 && char.IsLetter(op[0]) ? "-" + op : op;
    }
}

internal sealed partial class RunContext
{
    internal const string CommandInvocationIntrinsicsTypeName = "System.Management.Automation.CommandInvocationIntrinsics";

    internal const string PSVariableIntrinsicsTypeName = "System.Management.Automation.PSVariableIntrinsics";

    /// <summary>
    /// PSVariableIntrinsics' Get(name) (the PSVariable, $null when there is none), GetValue(name[, default]), Set(name,
    /// value) / Set(variable) and Remove(name) / Remove(variable), on the variables the running scope sees, as the
    /// session state's do: a name may carry a scope or the env: drive (<c>global:x</c>, <c>env:PATH</c>), Set sets the
    /// current scope's, Remove of a variable that is not there does nothing. Null for another method.
    /// </summary>
    private PsValue? PSVariableMethod(string method, IReadOnlyList<PsValue> arguments)
    {
        var kind = method.ToUpperInvariant();
        if (kind is not ("GET" or "GETVALUE" or "SET" or "REMOVE")) return null;
        var canonical = kind switch { "GET" => "Get", "GETVALUE" => "GetValue", "SET" => "Set", _ => "Remove" };
        if (arguments.Count == 0 || arguments.Count > 2 || (arguments.Count == 2 && kind is "GET" or "REMOVE"))
        {
            throw new ScriptExpressionException(ScriptedError.MethodCount(canonical, arguments.Count));
        }

        // Set(PSVariable) and Remove(PSVariable) take the variable's Name (and Value).
        var variable = arguments[0] is PsObject { TypeNames: ["System.Management.Automation.PSVariable", ..] } given ? given : null;
        if (arguments[0] is PsNil || (variable is null && arguments.Count == 1 && kind == "SET"))
        {
            throw new ScriptExpressionException(ScriptedError.MethodInvocation(canonical, arguments.Count,
                $"Value cannot be null.\r\nParameter name: {(variable is null && kind != "SET" ? "name" : "variable")}", typeof(ArgumentNullException)));
        }

        var name = PipelineVariables.Display(variable?["Name"] ?? arguments[0]);
        var variables = scope.Variables;
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        var environment = colon > 0 && name[..colon].Equals("env", StringComparison.OrdinalIgnoreCase);
        var bare = QualifiedVariableName(name).Name;
        switch (kind)
        {
            case "GET":
                if (name.Length == 0) return PsNil.Instance;
                return Read() is { } found ? PSVariableObject(environment ? name[(colon + 1)..] : bare, found) : PsNil.Instance;
            case "GETVALUE":
                return Read() is { } current and not PsNil ? current : arguments.Count == 2 ? arguments[1] : PsNil.Instance;
            case "SET":
                try
                {
                    variables.SetScoped(name, variable is not null ? variable["Value"] ?? PsNil.Instance : arguments[1]);
                }
                catch (ScriptExpressionException e) when (e.Error.FullyQualifiedErrorId == "VariableNotWritable")
                {
                    throw new ScriptExpressionException(ScriptedError.MethodInvocation("Set", arguments.Count, e.Error.Message, "System.Management.Automation.SessionStateUnauthorizedAccessException"));
                }

                return PsNil.AutomationNull;
            default:
                if (variables.Options(bare) is { } options && options.Contains("Constant", StringComparison.OrdinalIgnoreCase))
                {
                    throw new ScriptExpressionException(ScriptedError.MethodInvocation("Remove", 1,
                        $"Cannot remove variable {bare} because it is constant or read-only. If the variable is read-only, try the operation again specifying the Force option.",
                        "System.Management.Automation.SessionStateUnauthorizedAccessException"));
                }

                variables.Unset(bare);
                return PsNil.AutomationNull;
        }

        PsValue? Read() => environment
            ? variables.EnvironmentVariable(name[(colon + 1)..]) is { } text ? PsPrimitive.String(text) : null
            : variables.Get(bare);
    }

    // The argument counts of .NET Framework 4.8's overloads of the File and Directory methods scripts use most.
    private static readonly Dictionary<string, int[]> FrameworkOverloads = new(StringComparer.OrdinalIgnoreCase)
    {
        ["System.IO.File::Move"] = [2], ["System.IO.File::Copy"] = [2, 3], ["System.IO.File::Delete"] = [1], ["System.IO.File::Exists"] = [1],
        ["System.IO.File::ReadAllText"] = [1, 2], ["System.IO.File::ReadAllLines"] = [1, 2], ["System.IO.File::ReadLines"] = [1, 2], ["System.IO.File::ReadAllBytes"] = [1],
        ["System.IO.File::WriteAllText"] = [2, 3], ["System.IO.File::WriteAllLines"] = [2, 3], ["System.IO.File::WriteAllBytes"] = [2],
        ["System.IO.File::AppendAllText"] = [2, 3], ["System.IO.File::OpenText"] = [1], ["System.IO.File::OpenRead"] = [1], ["System.IO.File::OpenWrite"] = [1],
        ["System.IO.File::Open"] = [2, 3, 4], ["System.IO.File::Create"] = [1, 2, 3, 4], ["System.IO.File::CreateText"] = [1], ["System.IO.File::AppendText"] = [1],
        ["System.IO.Directory::Exists"] = [1], ["System.IO.Directory::CreateDirectory"] = [1, 2], ["System.IO.Directory::Delete"] = [1, 2],
        ["System.IO.Directory::GetFiles"] = [1, 2, 3], ["System.IO.Directory::GetDirectories"] = [1, 2, 3], ["System.IO.Directory::GetCurrentDirectory"] = [0],
    };

    // $x = ..., [int]$x = ..., $a.b = ...: a statement that assigns (not ==, -eq).
    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*(?:\[[\w.\[\]]+\]\s*)?\$[\w:.\[\]'""]+\s*(?:[-+*/%]|\?\?)?=(?!=)", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex AssignmentStatement();

    private static string LastPipelineElement(string text) =>
        ScriptExpressions.HasPipeline(text) ? Statements.SplitTopLevel(text, c => c == '|')[^1] : text;

    // [ref] of a variable that is not there (VariableOps.GetVariableAsRef).
    private static readonly ScriptedError NonExistingVariableReference = new("[ref] cannot be applied to a variable that does not exist.", "NonExistingVariableReference",
        ErrorCategory.InvalidOperation, ScriptedError.RuntimeExceptionType);

    // [ref]$name: the variable where it lives (a cast's, or an out parameter's, which the .NET method sets through it);
    // one not there is PowerShell's error, and the method is not called.
    private PsObject OutReference(string variable) => scope.Variables.ReferenceTo(variable) ?? throw new ScriptExpressionException(NonExistingVariableReference);

    // [ref]$name, the variable a .NET method's out parameter writes (TryParse).
    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*\[ref\]\s*\$(?<var>(?:(?:global|script|local|private):)?\w+)\s*$", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex RefArgument();

    [System.Text.RegularExpressions.GeneratedRegex(@"\A\(\s*\[(?<type>[A-Za-z_]\w*)\]\s*\$this\s*\)\z", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex BaseMethodCall();
}

/// <summary>An <c>exit</c> statement ended the script (its code, as powershell.exe exits with it).</summary>
internal sealed class ScriptExitException(int code) : Exception("exit " + code.ToString(System.Globalization.CultureInfo.InvariantCulture))
{
    public int Code => code;
}

/// <summary>A statement-terminating error of a pipeline an expression runs, on its way to the expression (CaptureExpressionAsync).</summary>
internal sealed class PropagatedStatementException(ScriptedError error) : Exception(error.Message)
{
    public ScriptedError Error => error;
}

/// <summary>
/// <c>$PSCmdlet.ThrowTerminatingError(record)</c> outside a try: the error ends the call of the advanced function whose
/// $PSCmdlet it is (<paramref name="callDepth"/>), and the caller's statement with it, as a statement-terminating error.
/// </summary>
internal sealed class FunctionTerminatedException(ScriptedError error, int callDepth) : Exception(error.Message)
{
    public ScriptedError Error => error;

    public int CallDepth => callDepth;
}

/// <summary>A statement-terminating error raised inside a try block, on its way to the catch.</summary>
internal sealed class StatementTerminatedException(ScriptedError error) : Exception(error.Message)
{
    public ScriptedError Error => error;
}

/// <summary>
/// <c>break</c> or <c>continue</c>: the innermost loop ends or goes round, or with a label (<c>break outer</c>) the loop
/// of that label (<c>:outer foreach</c>), the loops inside it ending; outside loops the script ends.
/// </summary>
internal sealed class LoopControlException(bool isContinue, string? label = null) : Exception(isContinue ? "continue" : "break")
{
    public bool IsContinue => isContinue;

    /// <summary>The loop's label it names; null for the innermost loop.</summary>
    public string? Label => label;

    /// <summary>Whether the loop of <paramref name="loopLabel"/> is the one it ends or goes round.</summary>
    public bool Targets(string? loopLabel) => label is null || label.Equals(loopLabel, StringComparison.OrdinalIgnoreCase);
}

/// <summary>A <c>return</c> statement ended the script, the script block or the <c>run:</c> body it was in.</summary>
internal sealed class ScriptReturnException() : Exception("return");

/// <summary>A nested statement ended the pipeline (its rule ended Failed or Stopped).</summary>
internal sealed class PipelineTerminatedException(PSInvocationState state, ScriptedError reason) : Exception(reason.Message)
{
    public PSInvocationState State => state;
    public ScriptedError Reason => reason;
}

/// <summary>
/// A command's -ErrorAction and -WarningAction: passes everything through, except the error records it drops
/// (SilentlyContinue, Ignore) or stops at (Stop: the first one ends the command as a terminating error), and the
/// warnings it drops.
/// </summary>
internal sealed class ActionPreferenceHost(IPipelineHost inner, string? errorAction, string? warningAction, Statements.CommonParameters? variables = null, bool cmdlet = false) : ForwardingHost(inner)
{
    /// <summary>
    /// The wrapper is a cmdlet's own -ErrorAction: the cmdlet's terminating errors (a parameter binding error,
    /// ThrowTerminatingError) pass it, as in PowerShell, where -ErrorAction governs only the errors a command writes.
    /// </summary>
    public bool ForCmdlet => cmdlet;

    /// <summary>
    /// A terminating error of the command passes its -ErrorAction; its -ErrorVariable keeps it all the same (even under
    /// Ignore: MshCommandRuntime.ManageException appends it to the error variables). Returns the host it goes on to.
    /// </summary>
    public IPipelineHost PassTerminating(PsObject record)
    {
        if (_errors is not null) Keep(_errors, record, null);
        return Inner;
    }

    // What -ErrorVariable, -WarningVariable and -OutVariable keep (as PowerShell's MshCommandRuntime: an error or a
    // warning the preference hides too, unless it is Ignore; every output object).
    private readonly List<PsValue>? _errors = variables?.ErrorVariable is null ? null : [];
    private readonly List<PsValue>? _warnings = variables?.WarningVariable is null ? null : [];
    private readonly List<PsValue>? _outputs = variables?.OutVariable is null ? null : [];

    /// <summary>Whether the preference hides an error or warning: SilentlyContinue or Ignore.</summary>
    internal static bool Drops(string? action) =>
        action is not null && (action.Equals("SilentlyContinue", StringComparison.OrdinalIgnoreCase) || action.Equals("Ignore", StringComparison.OrdinalIgnoreCase));

    /// <summary>Sets the command's -ErrorVariable, -WarningVariable and -OutVariable: ArrayLists, added to with a <c>+</c>.</summary>
    public void AssignVariables(PipelineVariables scope)
    {
        if (variables is null) return;
        Assign(variables.ErrorVariable, _errors);
        Assign(variables.WarningVariable, _warnings);
        Assign(variables.OutVariable, _outputs);

        void Assign(string? name, List<PsValue>? kept)
        {
            if (name is null || kept is null) return;
            var append = name.StartsWith('+');
            if (append) name = name[1..];
            var items = new List<PsValue>();
            if (append && scope.Get(name) is { } earlier and not PsNil) items.AddRange(ScriptExpressions.Enumerate(earlier));
            items.AddRange(kept);
            scope.SetScoped(name, PsObjects.List(items, ["System.Collections.ArrayList", "System.Object"]));
        }
    }

    private static void Keep(List<PsValue>? kept, PsValue value, string? action)
    {
        if (kept is null || (action is not null && action.Equals("Ignore", StringComparison.OrdinalIgnoreCase))) return;
        if (kept.Count >= ScriptExpressions.MaxCollectionItems) throw new ScenarioRuntimeException($"a stream variable keeps at most {ScriptExpressions.MaxCollectionItems} objects in the emulator");
        kept.Add(value);
    }

    public override ValueTask WriteAsync(IPsrpMessageBody record, CancellationToken cancellationToken)
    {
        switch (record)
        {
            case ErrorRecordMessage kept when _errors is not null:
                Keep(_errors, kept.Record, errorAction);
                return WriteUnkeptAsync(record, cancellationToken);
            case WarningRecordMessage kept when _warnings is not null:
                Keep(_warnings, kept.ToPsValue(), warningAction);
                return WriteUnkeptAsync(record, cancellationToken);
            case PipelineOutput kept when _outputs is not null:
                Keep(_outputs, kept.Value, null);
                return WriteUnkeptAsync(record, cancellationToken);
            default:
                return WriteUnkeptAsync(record, cancellationToken);
        }
    }

    private ValueTask WriteUnkeptAsync(IPsrpMessageBody record, CancellationToken cancellationToken)
    {
        switch (record)
        {
            case ErrorRecordMessage error when string.Equals(errorAction, "Stop", StringComparison.OrdinalIgnoreCase):
                throw new ErrorActionStopException(error.Record);
            case ErrorRecordMessage hidden when Drops(errorAction):
                // SilentlyContinue hides the record but keeps it in $Error; Ignore keeps it nowhere.
                if (errorAction!.Equals("SilentlyContinue", StringComparison.OrdinalIgnoreCase)) Inner.Runspace?.RecordError(Inner.PlaceUnsent(hidden.Record));
                return ValueTask.CompletedTask;
            case WarningRecordMessage when Drops(warningAction):
                return ValueTask.CompletedTask;
            default:
                return Inner.WriteAsync(record, cancellationToken);
        }
    }

    public override ValueTask WriteStringOutputAsync(ReadOnlySpan<string?> pieces, ulong verbatimPieces, CancellationToken cancellationToken)
    {
        if (_outputs is not null) Keep(_outputs, PsPrimitive.String(string.Concat(pieces)), null);
        return Inner.WriteStringOutputAsync(pieces, verbatimPieces, cancellationToken);
    }


    // Its statements are one command's, not the script's top-level ones.
    public override void StatementStarting(string statement, int nesting)
    {
    }
}

/// <summary>
/// An error record a command wrote under -ErrorAction Stop: a terminating error (ActionPreferenceStopException in
/// PowerShell) that a try catches and that otherwise fails the script with that record.
/// </summary>
internal sealed class ErrorActionStopException(PsObject record) : Exception("The running command stopped because the preference variable \"ErrorActionPreference\" or common parameter is set to Stop.")
{
    public PsObject Record => record;
}

/// <summary>Passes everything through except output, which it keeps (the right-hand side of an assignment).</summary>
internal sealed class CapturingHost(IPipelineHost inner) : ForwardingHost(inner)
{
    /// <summary>
    /// Objects one assignment keeps (PowerShell's are bounded by memory only): past this the pipeline fails instead
    /// of growing the emulator's memory without end (<c>$x = 1..999999999 | % { $_ }</c>).
    /// </summary>
    public const int MaxValues = 100_000;

    public List<PsValue> Output { get; } = [];

    public override ValueTask WriteAsync(IPsrpMessageBody record, CancellationToken cancellationToken)
    {
        if (record is PipelineOutput output)
        {
            // An empty pipeline's result written on ($x = & {}; $x) is no object.
            if (ReferenceEquals(output.Value, PsNil.AutomationNull)) return ValueTask.CompletedTask;
            if (Output.Count >= MaxValues) throw new ScenarioRuntimeException($"an assignment keeps at most {MaxValues} objects in the emulator");
            Output.Add(output.Value);
            return ValueTask.CompletedTask;
        }

        return Inner.WriteAsync(record, cancellationToken);
    }

    /// <summary>What PowerShell assigns: nothing is $null (AutomationNull: @() of it is empty), one object is itself, more are an object[].</summary>
    public PsValue Value => Output.Count switch
    {
        0 => PsNil.AutomationNull,
        1 => Output[0],
        _ => PsObjects.List(Output, ListValueTemplate.ArrayTypeNames),
    };

    // Its statements are an expression's, not the script's top-level ones.
    public override void StatementStarting(string statement, int nesting)
    {
    }
}

internal abstract class Step
{
    public abstract ValueTask RunAsync(RunContext context);
}

internal sealed class OutputStep(ValueTemplate value) : Step
{
    // Decided once: a string template of few pieces goes to the host as its pieces (see RunAsync).
    private readonly bool enumerates = value.EnumeratesInPipeline;
    private readonly TextTemplate? text = value is ScalarValueTemplate { StringTemplate: { PieceCount: <= TextTemplate.Pieces.Count } t } ? t : null;

    public override ValueTask RunAsync(RunContext context)
    {
        if (enumerates) return WriteAllAsync(context);
        // One value (the usual case, once per object in an output loop): no enumerator, no async state machine. A
        // failure (a placeholder's arithmetic) throws here, into the async method awaiting the step, as other steps' do.
        if (text is not null)
        {
            // A string template: its pieces go to the host, which may serialize them without making the string
            // (its literal pieces known to need no CLIXML escaping).
            var few = default(TextTemplate.Pieces);
            Span<string?> pieces = few;
            pieces = pieces[..text.PieceCount];
            var verbatim = text.EvaluatePieces(context.Scope, pieces);
            return context.Host.WriteStringOutputAsync(pieces, verbatim, context.CancellationToken);
        }

        PsValue built;
        try
        {
            built = value.Build(context.Scope);
        }
        catch (ScriptExpressionException e)
        {
            // Reading the value failed ($Host.UI.RawUI.KeyAvailable's getter): the statement's error, as in PowerShell.
            return context.WriteStatementErrorAsync(e.Error);
        }

        return context.WriteAsync(new PipelineOutput(built));
    }

    private async ValueTask WriteAllAsync(RunContext context)
    {
        // The values are built as they are written (an expanded string's variable read when its turn comes): a failure
        // of any is the statement's error, after what went before it.
        IEnumerator<PsValue> items;
        try
        {
            items = value.BuildForPipeline(context.Scope).GetEnumerator();
        }
        catch (ScriptExpressionException e)
        {
            await context.WriteStatementErrorAsync(e.Error);
            return;
        }

        using (items)
        {
            while (true)
            {
                try
                {
                    if (!items.MoveNext()) return;
                }
                catch (ScriptExpressionException e)
                {
                    await context.WriteStatementErrorAsync(e.Error);
                    return;
                }

                await context.WriteAsync(new PipelineOutput(items.Current));
            }
        }
    }
}

/// <summary>An <c>error:</c> step (non-terminating, like Write-Error) or a Failed state's reason.</summary>
/// <param name="fullyQualifiedErrorId">Null: the message (throw's).</param>
/// <param name="targetIsMessage">
/// No target given for a Failed state's reason: <c>throw "text"</c>'s, whose TargetObject is the thrown string
/// (<c>OperationStopped: (text:String) [], RuntimeException</c>).
/// </param>
internal sealed class ErrorTemplate(MessageText message, TextTemplate? fullyQualifiedErrorId, ErrorCategory category, TextTemplate exceptionType, TextTemplate? targetName,
    bool targetIsMessage = false)
{
    /// <summary>The CategoryInfo's TargetType (<c>target-type:</c>), when the target is no string (null: its type).</summary>
    public TextTemplate? TargetType { get; init; }

    /// <summary>The CategoryInfo's Activity (<c>activity:</c>; empty for none); null: the command that wrote it.</summary>
    public TextTemplate? Activity { get; init; }

    /// <summary>
    /// <c>unless-service:</c> a service name: when the computer has a service of that name (the scenario's <c>services:</c>,
    /// or one a command installed: New-Service, sc create), its ServiceController is written instead of the error.
    /// </summary>
    public TextTemplate? UnlessService { get; init; }

    /// <summary>
    /// <c>trusted-host:</c> a computer name looked up in the computer's WinRM client TrustedHosts
    /// (WSMan:\localhost\Client\TrustedHosts, <c>winrm set winrm/config/client</c>); when it is there,
    /// <see cref="WhenTrusted"/> (<c>when-trusted:</c>) is written instead of this error.
    /// </summary>
    public TextTemplate? TrustedHost { get; init; }

    /// <summary><c>when-trusted:</c> the error written when <see cref="TrustedHost"/> is in TrustedHosts.</summary>
    public ErrorTemplate? WhenTrusted { get; init; }

    /// <summary>
    /// <c>terminating: true</c>: a statement-terminating error, as a cmdlet's exception is (the statement ends, the script
    /// goes on; inside a try the catch takes it); false: written, and the rule's next steps run.
    /// </summary>
    public bool Terminating { get; init; }

    public ScriptedError Build(RunScope scope)
    {
        var text = message.Evaluate(scope);
        var target = targetName?.Evaluate(scope) ?? (targetIsMessage ? text : null);
        return new(text, fullyQualifiedErrorId?.Evaluate(scope) ?? text, category, exceptionType.Evaluate(scope), target is { Length: > 0 } ? target : null)
        {
            TargetType = TargetType?.Evaluate(scope) is { Length: > 0 } targetType ? targetType : null,
            Activity = Activity?.Evaluate(scope),
        };
    }
}

internal sealed class ErrorStep(ErrorTemplate error) : Step
{
    /// <summary>Whether the error ends its statement (<see cref="ErrorTemplate.Terminating"/>).</summary>
    public bool Terminating => error.Terminating;

    public override ValueTask RunAsync(RunContext context)
    {
        if (error.UnlessService is { } service && context.Services is var services && services.Find(service.Evaluate(context.Scope).Trim()) is { } found)
        {
            return context.WriteAsync(new PipelineOutput(ServicesValueTemplate.ServiceController(found, services)));
        }

        var written = error;
        if (error is { TrustedHost: { } host, WhenTrusted: { } whenTrusted } &&
            TrustedHosts.Matches(context.Host.WsManConfiguration?.FirstOrDefault(e => e.Path.Equals(TrustedHosts.Path, StringComparison.OrdinalIgnoreCase))?.Value, host.Evaluate(context.Scope).Trim()))
        {
            written = whenTrusted;
        }

        var built = written.Build(context.Scope);
        if (written.Activity is null) built = built with { Activity = context.Activity };
        return written.Terminating ? context.StatementErrorAsync(built) : context.WriteErrorAsync(built);
    }
}

internal enum TextStream
{
    Warning,
    Verbose,
    Debug,
}

/// <summary>
/// A record's text: a template (<c>warning: "text {name}"</c>), or a value shown as PowerShell shows it in a string
/// (<c>warning: { $expand: "text $name" }</c>, <c>{ $variable: x }</c>: an array's items joined with spaces).
/// </summary>
internal sealed class MessageText
{
    private readonly TextTemplate? text;
    private readonly ValueTemplate? value;

    public MessageText(TextTemplate text) => this.text = text;

    public MessageText(ValueTemplate value) => this.value = value;

    public string Evaluate(RunScope scope) => text?.Evaluate(scope) ?? PipelineVariables.Display(value!.Build(scope));
}

internal sealed class TextRecordStep(TextStream stream, MessageText text) : Step
{
    public override ValueTask RunAsync(RunContext context)
    {
        var message = text.Evaluate(context.Scope);
        return context.WriteAsync(stream switch
        {
            TextStream.Warning => new WarningRecordMessage(message),
            TextStream.Verbose => new VerboseRecordMessage(message),
            _ => new DebugRecordMessage(message),
        });
    }
}

internal sealed class InformationStep(ValueTemplate data) : Step
{
    /// <summary>The Source PowerShell reports for Write-Information.</summary>
    public const string Source = "Write-Information";

    public override async ValueTask RunAsync(RunContext context)
    {
        // As $InformationPreference says: under Continue MshCommandRuntime.WriteInformation also writes the record's
        // text to the host (WriteLine), which on a client host with a UI is the void host call.
        await context.WriteInformationAsync(data.Build(context.Scope), [], null, context.Host);
    }

    /// <summary>
    /// An INFORMATION_RECORD as the session's process makes it: User is its logon as Windows gives it
    /// (USERDOMAIN\USERNAME), Computer the virtual computer's name and ProcessId its process (not the emulator's own
    /// machine, account and process).
    /// </summary>
    public static InformationRecordMessage Record(RunContext context, PsrpEmulator.Protocol.Clixml.PsValue data, string source, IReadOnlyList<string> tags)
    {
        var host = context.Host;
        var user = host.EnvironmentVariable("USERNAME") is { } name
            ? host.EnvironmentVariable("USERDOMAIN") is { Length: > 0 } domain ? domain + "\\" + name : name
            : Environment.UserName;
        var computer = host.EnvironmentVariable("COMPUTERNAME") ?? Environment.MachineName;
        // The session's process ($PID: the emulated wsmprovhost's or powershell.exe's), not the emulator's own.
        var processId = host.AutomaticVariable("PID") is PsrpEmulator.Protocol.Clixml.PsPrimitive { Value: int pid } ? (uint)pid : (uint)Environment.ProcessId;
        return new InformationRecordMessage(data, source, context.Time.GetUtcNow(), tags, user, computer, processId);
    }
}

/// <summary>Write-Host: an INFORMATION_RECORD tagged PSHOST whose MessageData is a HostInformationMessage.</summary>
internal sealed class HostStep(MessageText message, TextTemplate? noNewLine, TextTemplate? foreground, TextTemplate? background) : Step
{
    private static readonly string[] Tags = [HostInformationMessage.HostTag];

    public override ValueTask RunAsync(RunContext context)
    {
        var s = context.Scope;
        // A colour not given is the host's current one (ConsoleColorCmdlet reads $Host.UI.RawUI), as the client sent it.
        var (hostForeground, hostBackground) = context.Host.HostConsoleColors;
        var text = new HostInformationMessage(
            message.Evaluate(s),
            noNewLine is null ? false : ParseNoNewLine(noNewLine.Evaluate(s)) ?? throw new ScenarioRuntimeException($"{noNewLine.Location}: no-newline must be true or false"),
            Color(foreground, s) ?? (ConsoleColor?)hostForeground,
            Color(background, s) ?? (ConsoleColor?)hostBackground);
        return context.WriteAsync(InformationStep.Record(context, text.ToPsValue(), HostInformationMessage.WriteHostSource, Tags));
    }

    /// <summary>true/false; empty (an optional capture that did not take part) is false, the switch as captured (-NoNewline) true.</summary>
    public static bool? ParseNoNewLine(string text) =>
        string.IsNullOrWhiteSpace(text) ? false
        : string.Equals(text.Trim(), "-NoNewline", StringComparison.OrdinalIgnoreCase) ? true
        : ValueTemplate.ParseBoolean(text);

    /// <summary>A ConsoleColor by name (any case) or number; empty is none.</summary>
    public static bool TryParseColor(string text, out ConsoleColor? color)
    {
        color = string.IsNullOrWhiteSpace(text) ? null : HostInformationMessage.ParseColor(text);
        return color is not null || string.IsNullOrWhiteSpace(text);
    }

    private static ConsoleColor? Color(TextTemplate? template, RunScope scope)
    {
        if (template is null) return null;
        var text = template.Evaluate(scope);
        return TryParseColor(text, out var color) ? color
            : throw new ScenarioRuntimeException($"{template.Location}: '{text}' is not a console colour (Black, DarkBlue, ..., White)");
    }
}

internal sealed class ProgressStep(
    TextTemplate activity, TextTemplate status, TextTemplate? operation, TextTemplate id, TextTemplate parent,
    TextTemplate percent, TextTemplate seconds, TextTemplate completed) : Step
{
    public override ValueTask RunAsync(RunContext context)
    {
        var s = context.Scope;
        var isCompleted = ValueTemplate.ParseBoolean(completed.Evaluate(s))
            ?? throw new ScenarioRuntimeException($"{completed.Location}: completed must be true or false");
        return context.WriteAsync(new ProgressRecordMessage(
            activity.Evaluate(s),
            (int)id.EvaluateInteger(s, "id"),
            status.Evaluate(s),
            operation?.Evaluate(s),
            (int)parent.EvaluateInteger(s, "parent"),
            (int)Math.Clamp(percent.EvaluateInteger(s, "percent"), -1, 100),
            isCompleted ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            (int)seconds.EvaluateInteger(s, "seconds")));
    }
}

/// <summary>Waits through the injected clock. An empty value (an optional capture that did not take part) waits not at all.</summary>
internal sealed class SleepStep(TextTemplate seconds) : Step
{
    // Not async: the delay's own task is what the pipeline waits on, so a sleeping pipeline keeps no state machine for this step.
    public override ValueTask RunAsync(RunContext context)
    {
        var text = seconds.Evaluate(context.Scope);
        if (string.IsNullOrWhiteSpace(text)) return ValueTask.CompletedTask;
        var value = TextTemplate.ParseDouble(text, "sleep", seconds.Location);
        if (value < 0) throw new ScenarioRuntimeException($"{seconds.Location}: sleep '{text}' is negative");
        if (value == 0) return ValueTask.CompletedTask;
        return context.Host.SleepAsync(Shells.LongDelays.FromSeconds(value), context.Time, context.CancellationToken);
    }
}

/// <summary>An inclusive range like PowerShell's <c>from..to</c> (counting down when from &gt; to).</summary>
internal sealed class LoopStep(TextTemplate from, TextTemplate to, string variable, IReadOnlyList<Step> steps) : Step
{
    internal static readonly TimeSpan LoopTimeSlice = TimeSpan.FromMilliseconds(0.25);

    // An array: the loop calls its steps once per iteration (no interface calls to count and index them).
    private readonly Step[] steps = [.. steps];

    public override async ValueTask RunAsync(RunContext context)
    {
        var scope = context.Scope;
        var cancellationToken = context.CancellationToken;
        var first = from.EvaluateInteger(scope, "loop from");
        var last = to.EvaluateInteger(scope, "loop to");
        var step = first <= last ? 1 : -1;
        // The default loop variable is also PowerShell's $_ (an integer), for statements the loop runs.
        var dollarUnder = variable == "_";
        var outer = dollarUnder ? scope.Variables.Get("_") : null;
        var current = scope.Push(variable, string.Empty);
        // A loop with no wait in it (1..999999999 | % { $x = $_ }) gives its thread back now and then: it must not
        // hold the request that started it inline. CPU time, not behaviour time, so the real clock; short loops
        // still run straight through. A short slice: Windows answers the Command at once and the pipeline runs on,
        // so a long loop's output is produced while the client receives (with 50 ms, 100,000 outputs were all made
        // inside the Command request before the first Receive could start; with 2 ms, the client still waited that
        // long for the Command's response with one core idle: 100,000 small outputs end to end took 12 % longer
        // than with a quarter of a millisecond).
        var slice = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            for (var i = first; ; i += step)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (((i - first) & 0x3FF) == 0x3FF && System.Diagnostics.Stopwatch.GetElapsedTime(slice) > LoopTimeSlice)
                {
                    await Task.Yield();
                    slice = System.Diagnostics.Stopwatch.GetTimestamp();
                }

                current.Value = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (dollarUnder) scope.Variables.SetDollarUnder(i);
                foreach (var s in steps) await s.RunAsync(context);
                if (i == last) break;
            }
        }
        finally
        {
            scope.Pop();
            if (dollarUnder) scope.Variables.SetLocal("_", outer);
        }
    }
}

/// <summary><c>input: echo</c>: every pipeline input object, written back as output.</summary>
internal sealed class EchoInputStep : Step
{
    public override async ValueTask RunAsync(RunContext context)
    {
        while (await context.Host.ReadInputAsync(context.CancellationToken) is { } input)
        {
            await context.WriteAsync(new PipelineOutput(input));
        }
    }
}

/// <summary><c>input: {steps}</c>: the steps once per pipeline input object, as ForEach-Object: {_} its text, $_ the object.</summary>
internal sealed class InputLoopStep(IReadOnlyList<Step> steps) : Step
{
    public override async ValueTask RunAsync(RunContext context)
    {
        var variables = context.Scope.Variables;
        var outer = variables.Get("_");
        var current = context.Scope.Push("_", string.Empty);
        try
        {
            while (await context.Host.ReadInputAsync(context.CancellationToken) is { } input)
            {
                current.Value = PipelineVariables.Display(input);
                variables.SetLocal("_", input);
                for (var s = 0; s < steps.Count; s++) await steps[s].RunAsync(context);
            }
        }
        finally
        {
            context.Scope.Pop();
            variables.SetLocal("_", outer);
        }
    }
}

/// <summary><c>run: text</c>: the text as a statement of this pipeline, through the behaviours.</summary>
internal sealed class RunStep(TextTemplate command) : Step
{
    public override async ValueTask RunAsync(RunContext context)
    {
        try
        {
            var text = command.Evaluate(context.Scope);
            // A ForEach-Object body with a param block: called without arguments, its parameters take their defaults.
            if (ScriptParameters.HasParamBlock(text)) await context.RunParamBlockAsync(text);
            else await context.RunStatementAsync(text);
        }
        catch (ScriptReturnException)
        {
            // return in a ForEach-Object body ends that body (the next item runs), as in PowerShell.
        }
    }
}

/// <summary><c>set: {name, value | command}</c>: a runspace variable, kept for the session's later pipelines.</summary>
internal sealed class SetStep(TextTemplate name, ValueTemplate? value, TextTemplate? command) : Step
{
    public override async ValueTask RunAsync(RunContext context)
    {
        var written = name.Evaluate(context.Scope);
        var variable = VariableValueTemplate.VariableName(written);
        if (variable.Length == 0) throw new ScenarioRuntimeException($"{name.Location}: set: the variable name is empty");
        PsValue result;
        List<string> rest = [];
        if (command is not null)
        {
            // The right-hand side is one statement: in "$x = 5; $x" the assignment takes 5, then "$x" runs.
            var statements = Statements.Split(command.Evaluate(context.Scope));
            rest = statements.Skip(1).ToList();
            // The script's statements (the assignment, then the rest): where the shell places their records.
            if (statements.Count > 0) context.TopLevelStatementStarting(statements[0]);
            if (statements.Count > 0 && await context.AssignedValueAsync(statements[0]) is { } assigned)
            {
                result = assigned;
            }
            else if (statements.Count > 0)
            {
                // The value's expression failed (its error is written): the variable keeps what it had, as in PowerShell.
                foreach (var statement in rest)
                {
                    context.TopLevelStatementStarting(statement);
                    context.Scope.Variables.StatementStarting();
                    await context.RunStatementAsync(statement);
                }

                return;
            }
            else
            {
                result = PsNil.Instance;
            }
        }
        else
        {
            result = value!.Build(context.Scope);
        }

        // $global:x and $script:x are the session's; a plain name in a function is the function's own. A value the
        // variable's type ([int]$x) refuses is the statement's error; the variable keeps what it had.
        try
        {
            await context.ValidateKeptScriptsAsync(written, result);
            context.Scope.Variables.SetScoped(written, result);
        }
        catch (ScriptExpressionException e)
        {
            await context.StatementErrorAsync(e.Error);
        }

        foreach (var statement in rest)
        {
            context.TopLevelStatementStarting(statement);
            context.Scope.Variables.StatementStarting();
            await context.RunStatementAsync(statement);
        }
    }
}

/// <summary>How a rule ends: <c>state:</c> as its last step (default Completed).</summary>
internal sealed record FinalState(PSInvocationState State, ErrorTemplate? Reason)
{
    public static readonly FinalState Completed = new(PSInvocationState.Completed, null);
}
