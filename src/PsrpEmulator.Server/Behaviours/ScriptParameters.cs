using System.Text.RegularExpressions;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Binds a script's arguments as PowerShell does for <c>Invoke-Command -ArgumentList</c>: a leading
/// <c>param(...)</c> block (after an optional <c>[CmdletBinding()]</c>) is taken off the text rules match, its
/// names get the positional arguments in order (or a named argument of that name, or the literal default);
/// what is left over is <c>$args</c>.
/// </summary>
internal static partial class ScriptParameters
{
    public static readonly IReadOnlyDictionary<string, PsValue> None = new Dictionary<string, PsValue>();

    internal static readonly string[] ObjectListTypeNames =
        ["System.Collections.Generic.List`1[[System.Object, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]", "System.Object"];

    /// <summary>
    /// <c>$MyInvocation</c> of a script a client runs (PowerShell's AddScript): a ScriptInfo without a name as MyCommand,
    /// the parameters bound, and the arguments no parameter took as UnboundArguments (what <c>$args</c> holds).
    /// </summary>
    public static PsObject ScriptInvocation(string script, IReadOnlyDictionary<string, PsValue> locals)
    {
        var command = new PsObject(["System.Management.Automation.ScriptInfo", "System.Management.Automation.CommandInfo", "System.Object"]) { ToStringValue = string.Empty }
            .With("Name", string.Empty)
            .With("CommandType", PsObjects.Enum(["System.Management.Automation.CommandTypes", "System.Enum", "System.ValueType", "System.Object"], "Script", 64))
            .With("Definition", script);
        IReadOnlyList<PsValue> unbound = locals.TryGetValue("args", out var args) ? ScriptExpressions.Enumerate(args) : [];
        return new PsObject(["System.Management.Automation.InvocationInfo", "System.Object"]) { ToStringValue = "System.Management.Automation.InvocationInfo" }
            .With("MyCommand", command)
            .With("BoundParameters", locals.TryGetValue("PSBoundParameters", out var bound) ? bound : PsObjects.Dictionary([]))
            .With("UnboundArguments", PsObjects.List(unbound, ObjectListTypeNames))
            .With("ScriptLineNumber", 0)
            .With("OffsetInLine", 0)
            .With("ScriptName", string.Empty)
            .With("Line", string.Empty)
            .With("PositionMessage", string.Empty)
            .With("InvocationName", string.Empty)
            .With("PipelineLength", 1)
            .With("PipelinePosition", 1)
            .With("ExpectingInput", false)
            .With("CommandOrigin", "Runspace");
    }

    // param( after the script's attributes: [CmdletBinding(...)], [OutputType([string])], [OutputType([string[]])],
    // [OutputType([Collections.Generic.List[string]])] (two levels of brackets inside).
    [GeneratedRegex(@"\A\s*(?:\[\s*(?<attribute>\w+)\s*(?:\((?:[^()\[\]]|\[(?:[^\[\]]|\[[^\[\]]*\])*\])*\))?\s*\]\s*)*param\s*\(", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ParamStart();

    [GeneratedRegex(@"\$(?:[a-z]+:)?(?<name>\w+)\s*(?:=\s*(?<default>.+?))?\s*\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex ParameterTail();

    /// <summary>Whether a script's code starts with a <c>param()</c> block (after its attributes).</summary>
    public static bool HasParamBlock(string text) => text.Contains("param", StringComparison.OrdinalIgnoreCase) && ParamStart().IsMatch(text);

    public static IReadOnlyDictionary<string, PsValue> Bind(string text, IReadOnlyList<PipelineArgument> arguments, out string body) =>
        Bind(text, arguments, out body, out _);

    /// <summary>
    /// <see cref="Bind(string, IReadOnlyList{PipelineArgument}, out string)"/>, and the binding error PowerShell would
    /// raise for the block's attributes (null when none): a mandatory parameter without an argument, an argument outside
    /// its ValidateSet, one its type cannot take. A typed parameter gets its argument converted; <c>$PSBoundParameters</c>
    /// holds the parameters given.
    /// </summary>
    /// <param name="pipelineInput">The call takes pipeline input: a parameter bound from it is not missing when no argument gives it.</param>
    public static IReadOnlyDictionary<string, PsValue> Bind(string text, IReadOnlyList<PipelineArgument> arguments, out string body, out BindingError? error, bool pipelineInput = false) =>
        Bind(text, arguments, out body, out error, out _, pipelineInput);

    /// <summary>
    /// <see cref="Bind(string, IReadOnlyList{PipelineArgument}, out string, out BindingError?, bool)"/>, and the
    /// ValidateScript checks of the arguments given, in order, for the caller to run (they are scripts): none when
    /// binding failed already.
    /// </summary>
    public static IReadOnlyDictionary<string, PsValue> Bind(string text, IReadOnlyList<PipelineArgument> arguments, out string body, out BindingError? error,
        out IReadOnlyList<ScriptValidation> scriptValidations, bool pipelineInput = false, bool keepAttributes = false)
    {
        error = null;
        scriptValidations = [];
        var pendingScripts = new List<ScriptValidation>();
        body = text;
        // No arguments and no "param" anywhere (almost every script): nothing to bind, without running the regex.
        if (arguments.Count == 0 && !text.Contains("param", StringComparison.OrdinalIgnoreCase)) return None;
        var parameters = new List<(string Name, string? Default, bool IsSwitch, Attributes Attributes)>();
        var start = ParamStart().Match(text);
        var advanced = false;
        if (start.Success && FindClose(text, start.Length) is { } close)
        {
            // [CmdletBinding()] or a [Parameter()] attribute makes an advanced script: PowerShell's common parameters,
            // and no unknown named parameter.
            advanced = start.Groups["attribute"].Captures.Any(c => c.Value.Equals("CmdletBinding", StringComparison.OrdinalIgnoreCase)) ||
                       text.AsSpan(start.Length, close - start.Length).Contains("[Parameter", StringComparison.OrdinalIgnoreCase);
            foreach (var declaration in SplitTopLevel(text[start.Length..close]))
            {
                var m = ParameterTail().Match(StripAttributes(declaration));
                if (m.Success) parameters.Add((m.Groups["name"].Value, m.Groups["default"].Success ? m.Groups["default"].Value.Trim() : null, IsSwitchDeclaration(declaration), AttributesOf(declaration)));
            }

            body = text[(close + 1)..].Trim();
        }

        // An advanced script has $PSCmdlet even with an empty param block and no arguments.
        if (arguments.Count == 0 && parameters.Count == 0 && !advanced) return None;
        var locals = new Dictionary<string, PsValue>(StringComparer.OrdinalIgnoreCase);
        AddUsingValues(arguments, locals);
        var positional = new Queue<PsValue>(arguments.Where(a => string.IsNullOrEmpty(a.Name)).Select(a => a.Value));
        // A simple function's named arguments no parameter takes are $args' too, where they came: the name as PowerShell
        // writes it there ("-Name", a string marked as a parameter, which @args splats as one), then its value.
        var unmatchedNamed = new List<PipelineArgument>();
        var bound = new List<(string Name, PsValue Value)>();
        var missing = new List<string>();
        var missingFields = new List<MissingParameter>();
        var deferred = new List<string>();
        // Each named argument's parameter: the exact name, else the one it is a unique prefix of.
        var byParameter = new Dictionary<string, PipelineArgument>(StringComparer.OrdinalIgnoreCase);
        var commonBound = new List<(string Name, PsValue Value)>();
        // Where each named parameter's argument stands: the binder binds named arguments in the command line's order
        // (common parameters among them), then positional ones, and $PSBoundParameters keeps that order.
        var namedAt = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var argumentIndex = -1;
        foreach (var argument in arguments)
        {
            argumentIndex++;
            if (argument.Name is not { Length: > 0 } typed || typed == UsingParameterName) continue;
            typed = typed.TrimStart('-');
            // A parameter's [Alias()] names bind it too, exactly or by a prefix, as its own name does.
            var exact = parameters.FirstOrDefault(p => p.Name.Equals(typed, StringComparison.OrdinalIgnoreCase) ||
                (p.Attributes.Aliases?.Any(a => a.Equals(typed, StringComparison.OrdinalIgnoreCase)) ?? false)).Name;
            var prefixed = parameters.Where(p => p.Name.StartsWith(typed, StringComparison.OrdinalIgnoreCase) ||
                (p.Attributes.Aliases?.Any(a => a.StartsWith(typed, StringComparison.OrdinalIgnoreCase)) ?? false)).Select(p => p.Name).ToList();
            if ((exact ?? (prefixed.Count == 1 ? prefixed[0] : null)) is { } target)
            {
                // A parameter that is not a switch, named with nothing after it (or another parameter next): the binder's
                // MissingArgument, before anything is bound.
                if (ReferenceEquals(argument.Value, SwitchGiven) && parameters.First(p => p.Name == target) is { IsSwitch: false } valued && error is null)
                {
                    error = new BindingError($"Missing an argument for parameter '{target}'. Specify a parameter of type '{valued.Attributes.Type?.FullName ?? "System.Object"}' and try again.",
                        "MissingArgument", null);
                }

                byParameter.TryAdd(target, argument);
                namedAt.TryAdd(target, argumentIndex);
            }
            else if (advanced && CommonParameter(typed) is { } common)
            {
                // Bound too: $PSBoundParameters has them after the script's own (a switch as true or what -Name:value says).
                commonBound.Add((common, common is "Verbose" or "Debug" or "WhatIf" or "Confirm" ? PsPrimitive.Boolean(ScriptExpressions.IsTrue(argument.Value)) : argument.Value));
                namedAt.TryAdd(common, argumentIndex);
                // -Verbose and -WhatIf set the script's preferences (-Verbose:$false clears one).
                if (common == "Verbose") locals["VerbosePreference"] = PsObjects.Enum(ActionPreferenceTypeNames, ScriptExpressions.IsTrue(argument.Value) ? "Continue" : "SilentlyContinue", ScriptExpressions.IsTrue(argument.Value) ? 2 : 0);
                else if (common == "WhatIf") locals["WhatIfPreference"] = PsPrimitive.Boolean(ScriptExpressions.IsTrue(argument.Value));
                // -Debug: the script's $DebugPreference Inquire (its Write-Debug asks the host), -Debug:$false SilentlyContinue.
                else if (common == "Debug") locals["DebugPreference"] = PsObjects.Enum(ActionPreferenceTypeNames, ScriptExpressions.IsTrue(argument.Value) ? "Inquire" : "SilentlyContinue", ScriptExpressions.IsTrue(argument.Value) ? 3 : 0);
                // -Confirm: the script's $ConfirmPreference Low (its ShouldProcess asks, and so do the commands it calls); -Confirm:$false None.
                else if (common == "Confirm") locals["ConfirmPreference"] = ConfirmImpactValue(ScriptExpressions.IsTrue(argument.Value) ? 1 : 0);
            }
            else if (!advanced && prefixed.Count <= 1)
            {
                unmatchedNamed.Add(argument);
            }
            else if ((advanced || prefixed.Count > 1) && error is null)
            {
                error = prefixed.Count > 1
                    ? new BindingError($"Parameter cannot be processed because the parameter name '{typed}' is ambiguous. Possible matches include: {string.Join(" ", prefixed.Select(p => "-" + p))}.", "AmbiguousParameter", typed)
                    : new BindingError($"A parameter cannot be found that matches parameter name '{typed}'.", "NamedParameterNotFound", typed);
            }
        }

        // Positional arguments go to the positional parameters not named, in position order. As PowerShell's compiler
        // decides (GetParameterMetaData): every parameter but a switch, in the block's order, unless one of them names a
        // Position or a parameter set (then only those with a Position) or [CmdletBinding(PositionalBinding=$false)].
        var automatic = !parameters.Any(p => p.Attributes.CustomSet) && !(start.Success && PositionalBindingOff().IsMatch(text.AsSpan(0, start.Length)));
        var byPosition = new Dictionary<string, PsValue>(StringComparer.OrdinalIgnoreCase);
        var positionalParameters = automatic
            ? parameters.Where(p => !p.IsSwitch && !p.Attributes.RemainingArguments)
            : parameters.Where(p => !p.IsSwitch && p.Attributes.Position is not null).OrderBy(p => p.Attributes.Position);
        foreach (var parameter in positionalParameters)
        {
            if (!byParameter.ContainsKey(parameter.Name) && positional.TryDequeue(out var value)) byPosition[parameter.Name] = value;
        }

        // [Parameter(ValueFromRemainingArguments)]: the arguments no other parameter took, as one List[object].
        if (positional.Count > 0 && parameters.FirstOrDefault(p => p.Attributes.RemainingArguments && !byParameter.ContainsKey(p.Name) && !byPosition.ContainsKey(p.Name)).Name is { } rest)
        {
            byPosition[rest] = PsObjects.List([.. positional], [GenericObjectListTypeName, "System.Object"]);
            positional.Clear();
        }

        // The parameter set, as PowerShell's binder resolves it: the sets every parameter given is in; of several, the
        // default one, else the one whose mandatory parameters are all given; none, or still several, is
        // AmbiguousParameterSet. No set named: __AllParameterSets.
        var parameterSet = "__AllParameterSets";
        var declaredSets = parameters.SelectMany(p => p.Attributes.NamedSets).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (declaredSets.Count > 0)
        {
            var given = parameters.Where(p => byParameter.ContainsKey(p.Name) || byPosition.ContainsKey(p.Name)).ToList();
            var candidates = declaredSets.Where(set => given.All(p => p.Attributes.InSet(set))).ToList();
            var defaultSet = start.Success && DefaultParameterSetNameArgument().Match(text.AsSpan(0, start.Length).ToString()) is { Success: true } d ? (d.Groups[1].Success ? d.Groups[1].Value : d.Groups[2].Value) : null;
            if (candidates.Count > 1 && defaultSet is not null && candidates.FirstOrDefault(c => c.Equals(defaultSet, StringComparison.OrdinalIgnoreCase)) is { } chosen)
            {
                candidates = [chosen];
            }
            else if (candidates.Count > 1)
            {
                var complete = candidates.Where(set => parameters.All(p => !p.Attributes.MandatoryIn(set) || byParameter.ContainsKey(p.Name) || byPosition.ContainsKey(p.Name))).ToList();
                if (complete.Count == 1) candidates = complete;
            }

            if (candidates.Count == 1)
            {
                parameterSet = candidates[0];
            }
            else if (error is null)
            {
                error = new BindingError("Parameter set cannot be resolved using the specified named parameters.", "AmbiguousParameterSet", null);
            }
        }

        foreach (var (name, fallback, isSwitch, attributes) in parameters)
        {
            var named = byParameter.GetValueOrDefault(name);
            if (isSwitch)
            {
                // A switch takes no position: given, it is what -Name:value says (true without one); else false.
                locals[name] = PsPrimitive.Boolean(named is not null && ScriptExpressions.IsTrue(named.Value));
                if (named is not null) bound.Add((name, locals[name]));
                continue;
            }

            PsValue? given = named?.Value ?? byPosition.GetValueOrDefault(name);
            if (given is null)
            {
                if (attributes.MandatoryIn(parameterSet) && !(pipelineInput && attributes.FromPipeline))
                {
                    missing.Add(name);
                    missingFields.Add(new MissingParameter(name, attributes.Type?.FullName ?? "System.Object", attributes.HelpMessage));
                }

                if (IsDeferredDefault(fallback))
                {
                    // A default that is an expression ("$env:TEMP\x", @('a','b'), (Get-Date).Year, 5*2): evaluated when
                    // the body starts, in its scope, as PowerShell does, typed as the parameter is.
                    deferred.Add((attributes.Type is { } type ? "[" + type.FullName + "]" : string.Empty) + "$" + name + " = " + fallback);
                    locals[name] = PsNil.Instance;
                    continue;
                }

                locals[name] = ToParameterType(Literal(fallback), attributes.Type) ?? PsNil.Instance;
                continue;
            }

            if (attributes.ValidateSet is { } set && error is null &&
                !ScriptExpressions.Enumerate(given).All(item => set.Contains(PipelineVariables.Display(item), StringComparer.OrdinalIgnoreCase)))
            {
                var shown = PipelineVariables.Display(given);
                error = new BindingError(
                    $"Cannot validate argument on parameter '{name}'. The argument \"{shown}\" does not belong to the set \"{string.Join(",", set)}\" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.",
                    "ParameterArgumentValidationError", name);
            }

            if (attributes.Type?.FullName == "System.Boolean" && error is null && BooleanRefusal(name, given) is { } refusal)
            {
                error = new BindingError(refusal, "ParameterArgumentTransformationError", name);
            }

            var converted = ToParameterType(given, attributes.Type);
            if (converted is null && error is null)
            {
                error = new BindingError(
                    $"Cannot process argument transformation on parameter '{name}'. {ConversionFailure(given, attributes.Type!)}",
                    "ParameterArgumentTransformationError", name);
            }

            locals[name] = converted ?? given;
            bound.Add((name, locals[name]));
            // A mandatory parameter refuses $null and, as a string, '' (unless [AllowNull()] / [AllowEmptyString()]), as
            // PowerShell's binder checks the argument given or typed at its prompt.
            if (error is null && attributes.MandatoryIn(parameterSet))
            {
                if (given is PsNil && !attributes.AllowNull)
                {
                    error = new BindingError($"Cannot bind argument to parameter '{name}' because it is null.", "ParameterArgumentValidationErrorNullNotAllowed", name);
                }
                else if (locals[name] is PsPrimitive { Value: "" } && !attributes.AllowEmptyString && !attributes.AllowNull)
                {
                    error = new BindingError($"Cannot bind argument to parameter '{name}' because it is an empty string.", "ParameterArgumentValidationErrorEmptyStringNotAllowed", name);
                }
            }

            if (error is null && attributes.Validations is { } validations)
            {
                // The validation attributes, in order, on the converted value (PowerShell's binder coerces, then validates).
                foreach (var validation in validations)
                {
                    if (validation.Kind == ValidationKind.Script)
                    {
                        pendingScripts.Add(new ScriptValidation(name, locals[name], validation.Arguments[0]));
                    }
                    else if (Validate(validation, locals[name]) is { } failure)
                    {
                        error = new BindingError($"Cannot validate argument on parameter '{name}'. {failure}", "ParameterArgumentValidationError", name);
                        break;
                    }
                }
            }
        }

        if (missing.Count > 0 && error is null)
        {
            error = new BindingError($"Cannot process command because of one or more missing mandatory parameters: {string.Join(" ", missing)}.", "MissingMandatoryParameter", null)
            {
                Missing = missingFields,
            };
        }

        if (advanced && error is null && positional.TryPeek(out var extra))
        {
            // An advanced script has no $args: an argument no positional parameter takes is an error.
            error = new BindingError($"A positional parameter cannot be found that accepts argument '{PipelineVariables.Display(extra)}'.", "PositionalParameterNotFound", null);
        }

        if (error is null) scriptValidations = pendingScripts;
        if (deferred.Count > 0) body = WithDefaults(body, deferred);
        locals["args"] = PsObjects.List(unmatchedNamed.Count == 0 ? positional : ArgsInOrder(arguments, positional, unmatchedNamed), ListValueTemplate.ArrayTypeNames);
        if (advanced)
        {
            // $PSCmdlet: ShouldProcess is answered by the evaluator ($WhatIfPreference decides).
            var cmdlet = new PsObject([ScriptCmdletTypeName, "System.Management.Automation.PSCmdlet", "System.Management.Automation.Cmdlet",
                "System.Management.Automation.Internal.InternalCommand", "System.Object"]) { ToStringValue = ScriptCmdletTypeName }
                .With("ParameterSetName", parameterSet);
            ShouldProcessStates.Add(cmdlet, new ShouldProcessState(ConfirmImpactOf(start.Value)));
            locals["PSCmdlet"] = cmdlet;
        }

        // $PSBoundParameters: the parameters the call gave, in the order the binder bound them (named ones as the command
        // line has them, then positional ones by position); a body without a param block has its own, empty (not its
        // caller's: g's splatted @PSBoundParameters are f's $args).
        {
            var positionAt = byPosition.Keys.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.OrdinalIgnoreCase);
            int BindingOrder(string name) => namedAt.TryGetValue(name, out var at) ? at : arguments.Count + positionAt.GetValueOrDefault(name);
            var table = new PsObject(["System.Management.Automation.PSBoundParametersDictionary", "System.Collections.Generic.Dictionary`2[[System.String, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089],[System.Object, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]", "System.Object"])
            {
                CollectionKind = PsCollectionKind.Dictionary,
            };
            foreach (var (name, value) in bound.Concat(commonBound).OrderBy(b => BindingOrder(b.Name))) TableKeys.Add(table, PsPrimitive.String(name), value);
            locals["PSBoundParameters"] = table;
        }

        if (keepAttributes)
        {
            // A function's parameters stay its variables' attributes: an assignment in the body converts to the type and
            // is validated ($n = 'abc' for [int]$n is the conversion's error; 9 for [ValidateRange(1,5)] refused).
            foreach (var (name, _, isSwitch, attributes) in parameters)
            {
                if (!locals.ContainsKey(name)) continue;
                locals[PipelineVariables.ConstraintKey(name)] = PipelineVariables.ParameterConstraint(isSwitch ? null : attributes.Type);
                if (attributes.VariableValidations is { } kept) locals[PipelineVariables.ValidationKey(name)] = PsPrimitive.String(string.Join('\n', kept));
            }
        }

        return locals;
    }

    // A typed parameter's value converted as PowerShell's binder converts it; null when it cannot be.
    private static PsValue? ToParameterType(PsValue value, ScriptExpressions.KnownType? type)
    {
        if (type is null) return value;
        // A [ref] parameter takes only a reference ([ref]$c); a value is the binder's error.
        if (type.FullName == VariableReferences.TypeName) return value is PsNil || VariableReferences.IsReference(value) ? value : null;
        // A typed parameter left unbound, or bound to $null, holds $null converted to its type, as PowerShell's
        // type-constrained variable does: [string] '', the numbers 0, [bool] False (others, references, stay $null).
        if (value is PsNil) return NullAs(type.FullName) ?? value;
        try
        {
            return ScriptExpressions.Cast(value, type);
        }
        catch (ScriptExpressionException)
        {
            return null;
        }
    }

    /// <summary>The note PowerShell puts on a parameter name in $args (CommandParameterInternal's), which splatting reads.</summary>
    internal const string CommandParameterNameNote = "<CommandParameterName>";

    /// <summary>An argument given as a bare switch (-Recurse without a value), as the caller binds it.</summary>
    internal static readonly PsPrimitive SwitchGiven = new(PsPrimitiveType.Boolean, true);

    /// <summary>The parameter name of a $args item that is one; null for another value.</summary>
    internal static string? CommandParameterName(PsValue value) =>
        value is PsObject { BaseValue: not null } marked && marked.ExtendedProperties.FirstOrDefault(p => p.Name == CommandParameterNameNote)?.Value is PsPrimitive { Value: string name } ? name : null;

    // $args of a simple function: the positional arguments no parameter took and the unmatched named ones, in the call's order.
    private static List<PsValue> ArgsInOrder(IReadOnlyList<PipelineArgument> arguments, Queue<PsValue> leftover, List<PipelineArgument> unmatched)
    {
        var positionalCount = arguments.Count(a => string.IsNullOrEmpty(a.Name));
        var skip = positionalCount - leftover.Count;
        var result = new List<PsValue>();
        var seen = 0;
        foreach (var argument in arguments)
        {
            if (string.IsNullOrEmpty(argument.Name))
            {
                if (seen++ >= skip) result.Add(argument.Value);
                continue;
            }

            if (!unmatched.Contains(argument)) continue;
            var name = argument.Name.TrimStart('-');
            var token = new PsObject { BaseValue = PsPrimitive.String("-" + name) };
            token.ExtendedProperties.Add(new PsProperty(CommandParameterNameNote, PsPrimitive.String(name)));
            result.Add(token);
            if (!ReferenceEquals(argument.Value, SwitchGiven)) result.Add(argument.Value);
        }

        return result;
    }

    private static PsValue? NullAs(string typeName) => typeName switch
    {
        "System.String" => PsPrimitive.String(string.Empty),
        "System.Int32" => PsPrimitive.Int32(0),
        "System.Int64" => PsPrimitive.Int64(0),
        "System.Double" => PsPrimitive.Double(0),
        "System.Single" => PsPrimitive.Single(0),
        "System.Decimal" => PsPrimitive.Decimal(0),
        "System.Boolean" => PsPrimitive.Boolean(false),
        "System.Byte" => PsPrimitive.Byte(0),
        "System.SByte" => PsPrimitive.SByte(0),
        "System.Int16" => PsPrimitive.Int16(0),
        "System.UInt16" => PsPrimitive.UInt16(0),
        "System.UInt32" => PsPrimitive.UInt32(0),
        "System.UInt64" => PsPrimitive.UInt64(0),
        _ => null,
    };

    /// <summary>
    /// What ShouldProcess remembers of one invocation (PowerShell's MshCommandRuntime): the command's ConfirmImpact
    /// (CmdletBinding's, Medium by default: 0 None ... 3 High) and the last answer (Yes to All, No to All end the asking).
    /// </summary>
    internal sealed class ShouldProcessState(int confirmImpact)
    {
        public int ConfirmImpact => confirmImpact;

        public bool? ToAll { get; set; }
    }

    /// <summary>The ShouldProcess state of each advanced invocation's <c>$PSCmdlet</c>.</summary>
    internal static readonly System.Runtime.CompilerServices.ConditionalWeakTable<PsObject, ShouldProcessState> ShouldProcessStates = new();

    private static readonly string[] ConfirmImpactNames = ["None", "Low", "Medium", "High"];

    /// <summary>A ConfirmImpact value (the type of $ConfirmPreference).</summary>
    internal static PsObject ConfirmImpactValue(int level) =>
        PsObjects.Enum(["System.Management.Automation.ConfirmImpact", "System.Enum", "System.ValueType", "System.Object"], ConfirmImpactNames[level], level);

    /// <summary>The level of a ConfirmImpact value: an enum, a number or a name; null for none of these.</summary>
    internal static int? ConfirmImpactLevel(PsValue? value) => value.AsPrimitive()?.Value switch
    {
        int n when n is >= 0 and <= 3 => n,
        string name when Array.FindIndex(ConfirmImpactNames, n => n.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase)) is var i and >= 0 => i,
        _ => null,
    };

    // [CmdletBinding(ConfirmImpact = 'High')] or = [System.Management.Automation.ConfirmImpact]::High; Medium without.
    private static int ConfirmImpactOf(string attributes) =>
        ConfirmImpactAttribute().Match(attributes) is { Success: true } m && ConfirmImpactLevel(PsPrimitive.String(m.Groups["impact"].Value)) is { } level ? level : 2;

    [GeneratedRegex(@"\bConfirmImpact\s*=\s*(?:\[[^\]]*\]::)?['""]?(?<impact>\w+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ConfirmImpactAttribute();

    /// <summary>The type of an advanced script's <c>$PSCmdlet</c> (the evaluator answers its ShouldProcess).</summary>
    public const string ScriptCmdletTypeName = "System.Management.Automation.PSScriptCmdlet";

    private const string GenericObjectListTypeName = "System.Collections.Generic.List`1[[System.Object, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]";

    private static readonly string[] ActionPreferenceTypeNames = ["System.Management.Automation.ActionPreference", "System.Enum", "System.ValueType", "System.Object"];

    // An advanced script's common parameters (and their aliases), by their names.
    private static string? CommonParameter(string typed) => typed.ToUpperInvariant() switch
    {
        "VERBOSE" or "VB" => "Verbose",
        "DEBUG" or "DB" => "Debug",
        "WHATIF" or "WI" => "WhatIf",
        "CONFIRM" or "CF" => "Confirm",
        "ERRORACTION" or "EA" => "ErrorAction",
        "WARNINGACTION" or "WA" => "WarningAction",
        "INFORMATIONACTION" or "INFA" => "InformationAction",
        "ERRORVARIABLE" or "EV" => "ErrorVariable",
        "WARNINGVARIABLE" or "WV" => "WarningVariable",
        "INFORMATIONVARIABLE" or "IV" => "InformationVariable",
        "OUTVARIABLE" or "OV" => "OutVariable",
        "OUTBUFFER" or "OB" => "OutBuffer",
        "PIPELINEVARIABLE" or "PV" => "PipelineVariable",
        _ => null,
    };

    /// <summary>What a param block's declaration says besides the name: its type, Mandatory, a ValidateSet.</summary>
    /// <param name="Position">The <c>Position=</c> of its [Parameter()], when given.</param>
    /// <param name="CustomSet">It names a Position or a ParameterSetName other than all sets: positions are then only those given.</param>
    private sealed record Attributes(ScriptExpressions.KnownType? Type, bool Mandatory, IReadOnlyList<string>? ValidateSet, bool FromPipeline, string? HelpMessage = null,
        int? Position = null, bool CustomSet = false, IReadOnlyList<Validation>? Validations = null, IReadOnlyList<string>? Aliases = null,
        IReadOnlyList<(string? Set, bool Mandatory)>? Sets = null, bool RemainingArguments = false, bool AllowNull = false, bool AllowEmptyString = false,
        IReadOnlyList<string>? VariableValidations = null)
    {
        /// <summary>Whether the parameter is in the parameter set (one without a named set is in every set).</summary>
        public bool InSet(string set) => Sets is not { Count: > 0 } sets || sets.Any(s => s.Set is null || s.Set.Equals(set, StringComparison.OrdinalIgnoreCase));

        /// <summary>Whether the parameter is mandatory in the parameter set.</summary>
        public bool MandatoryIn(string set) => Sets is not { Count: > 0 } sets
            ? Mandatory
            : sets.Any(s => s.Mandatory && (s.Set is null || s.Set.Equals(set, StringComparison.OrdinalIgnoreCase)));

        /// <summary>The parameter sets it names; empty when it is in every set.</summary>
        public IEnumerable<string> NamedSets => Sets is { Count: > 0 } sets && sets.All(s => s.Set is not null) ? sets.Select(s => s.Set!) : [];
    }

    /// <summary>The validation attributes a parameter can carry besides ValidateSet (Windows PowerShell 5.1's).</summary>
    private enum ValidationKind
    {
        Range,
        Pattern,
        Length,
        Count,
        NotNull,
        NotNullOrEmpty,
        Script,
    }

    /// <summary>One validation attribute: its kind and its positional arguments' text (a ValidateScript's, the block's inside).</summary>
    private sealed record Validation(ValidationKind Kind, IReadOnlyList<string> Arguments);

    /// <summary>A ValidateScript to run on a bound argument: the parameter, its value, the block's text.</summary>
    internal sealed record ScriptValidation(string Parameter, PsValue Value, string Script);

    /// <summary>
    /// The message a ValidateScript's failure gives (Metadata.ValidateScriptFailure, after the binder's prefix): the
    /// block returned something not true for the element.
    /// </summary>
    internal static string ScriptValidationFailure(string parameter, PsValue element, string script) =>
        $"Cannot validate argument on parameter '{parameter}'. The \"{script}\" validation script for the argument with value \"{PipelineVariables.Display(element)}\" did not return a result of True. Determine why the validation script failed, and then try the command again.";

    /// <summary>The message a thrown error in a ValidateScript gives: the binder's prefix and the error's own message.</summary>
    internal static string ScriptValidationError(string parameter, string message) => $"Cannot validate argument on parameter '{parameter}'. {message}";

    /// <summary>The elements a ValidateEnumeratedArguments attribute checks one by one: a collection's items, else the value.</summary>
    internal static IReadOnlyList<PsValue> ValidatedElements(PsValue value) => ScriptExpressions.IsCollection(value) ? ScriptExpressions.Enumerate(value) : [value];

    private const string NotNullFailure = "The argument is null. Provide a valid value for the argument, and then try running the command again.";

    // Metadata.resx's failure texts of each attribute, as ValidationMetadataException carries them; null when the value passes.
    private static string? Validate(Validation validation, PsValue value)
    {
        var arguments = validation.Arguments;
        switch (validation.Kind)
        {
            case ValidationKind.NotNull:
                if (value is PsNil) return NotNullFailure;
                return ScriptExpressions.IsCollection(value) && ScriptExpressions.Enumerate(value).Any(e => e is PsNil)
                    ? "The argument has a null value, or an element of the argument collection contains a null value. Provide a collection that does not contain any null values, and then try the command again."
                    : null;
            case ValidationKind.NotNullOrEmpty:
                if (value is PsNil || value.AsString() is "") return "The argument is null or empty. Provide an argument that is not null or empty, and then try the command again.";
                return ScriptExpressions.IsCollection(value) && ScriptExpressions.Enumerate(value) is var items && (items.Count == 0 || items.Any(e => e is PsNil || e.AsString() is ""))
                    ? "The argument is null, empty, or an element of the argument collection contains a null value. Supply a collection that does not contain any null values and then try the command again."
                    : null;
            case ValidationKind.Count:
            {
                if (!ScriptExpressions.IsCollection(value) && value is not PsNil)
                {
                    return "The ValidateCount attribute cannot be applied to a non-array parameter. Either remove the attribute from the parameter or make the parameter an array parameter.";
                }

                if (arguments.Count < 2 || Integer(arguments[0]) is not { } min || Integer(arguments[1]) is not { } max) return null;
                var count = ScriptExpressions.Enumerate(value).Count;
                if (min == max && count != max) return $"The parameter requires exactly {max} value(s) - {count} value(s) were provided.";
                return count < min || count > max ? $"The parameter requires at least {min} value(s) and no more than {max} value(s) - {count} value(s) were provided." : null;
            }
        }

        if (value is PsNil) return NotNullFailure;
        foreach (var element in ValidatedElements(value))
        {
            if (element is PsNil) return NotNullFailure;
            var failure = validation.Kind switch
            {
                ValidationKind.Range => RangeFailure(arguments, element),
                ValidationKind.Pattern => PatternFailure(arguments, element),
                ValidationKind.Length => LengthFailure(arguments, element),
                _ => null,
            };
            if (failure is not null) return failure;
        }

        return null;

        static long? Integer(string text) => Literal(text) is PsPrimitive { Value: int or long or short or byte } number ? System.Convert.ToInt64(number.Value, System.Globalization.CultureInfo.InvariantCulture) : null;

        // Both limits' common type: Int32 when both are integers that fit, else Double (ValidateRangeAttribute.GetCommonType).
        static string? RangeFailure(IReadOnlyList<string> arguments, PsValue element)
        {
            if (arguments.Count < 2 || RangeLimit(arguments[0]) is not PsPrimitive { Value: not string and not bool } min || RangeLimit(arguments[1]) is not PsPrimitive { Value: not string and not bool } max) return null;
            var integral = min.Value is int && max.Value is int;
            var minimum = System.Convert.ToDouble(min.Value, System.Globalization.CultureInfo.InvariantCulture);
            var maximum = System.Convert.ToDouble(max.Value, System.Globalization.CultureInfo.InvariantCulture);
            if (ScriptExpressions.AsNumberOrNull(element) is not { } number)
            {
                var typeName = element is PsPrimitive { Value: string } ? "String" : element is PsPrimitive p ? p.Value.GetType().Name : "PSObject";
                var limitType = integral ? "Int32" : "Double";
                return $"The argument cannot be validated because its type \"{typeName}\" is not the same type ({limitType}) as the maximum and minimum limits of the parameter. Make sure the argument is of type {limitType} and then try the command again.";
            }

            if (integral) number = Math.Round(number, MidpointRounding.ToEven);
            var shown = integral ? ((long)number).ToString(System.Globalization.CultureInfo.InvariantCulture) : PipelineVariables.Display(PsPrimitive.Double(number));
            if (number < minimum) return $"The {shown} argument is less than the minimum allowed range of {PipelineVariables.Display(min)}. Supply an argument that is greater than or equal to {PipelineVariables.Display(min)} and then try the command again.";
            if (number > maximum) return $"The {shown} argument is greater than the maximum allowed range of {PipelineVariables.Display(max)}. Supply an argument that is less than or equal to {PipelineVariables.Display(max)} and then try the command again.";
            return null;
        }

        // A limit: a number, or a type's MinValue/MaxValue ([int]::MaxValue, the usual "no upper limit").
        static PsValue RangeLimit(string text) => RangeLimitMember().Match(text) is { Success: true } m
            ? (m.Groups["type"].Value.ToUpperInvariant(), m.Groups["member"].Value.ToUpperInvariant()) switch
            {
                ("INT" or "INT32" or "SYSTEM.INT32", "MAXVALUE") => PsPrimitive.Int32(int.MaxValue),
                ("INT" or "INT32" or "SYSTEM.INT32", _) => PsPrimitive.Int32(int.MinValue),
                ("LONG" or "INT64" or "SYSTEM.INT64", "MAXVALUE") => PsPrimitive.Int64(long.MaxValue),
                ("LONG" or "INT64" or "SYSTEM.INT64", _) => PsPrimitive.Int64(long.MinValue),
                ("DOUBLE" or "SYSTEM.DOUBLE", "MAXVALUE") => PsPrimitive.Double(double.MaxValue),
                ("DOUBLE" or "SYSTEM.DOUBLE", _) => PsPrimitive.Double(double.MinValue),
                _ => PsNil.Instance,
            }
            : Literal(text);

        static string? PatternFailure(IReadOnlyList<string> arguments, PsValue element)
        {
            if (arguments.Count < 1 || Literal(arguments[0]) is not PsPrimitive { Value: string pattern }) return null;
            var text = PipelineVariables.Display(element);
            try
            {
                if (Regex.IsMatch(text, pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))) return null;
            }
            catch (ArgumentException)
            {
                return null;
            }
            catch (RegexMatchTimeoutException)
            {
                return null;
            }

            return $"The argument \"{text}\" does not match the \"{pattern}\" pattern. Supply an argument that matches \"{pattern}\" and try the command again.";
        }

        static string? LengthFailure(IReadOnlyList<string> arguments, PsValue element)
        {
            if (element is not PsPrimitive { Value: string text })
            {
                return "The ValidateLength attribute cannot be applied to a parameter that is not a string or string[] parameter. Make the parameter a string or string[] parameter.";
            }

            if (arguments.Count < 2 || Integer(arguments[0]) is not { } min || Integer(arguments[1]) is not { } max) return null;
            if (text.Length < min) return $"The character length ({text.Length}) of the argument is too short. Specify an argument with a length that is greater than or equal to \"{min}\", and then try the command again.";
            if (text.Length > max) return $"The character length of the {text.Length} argument is too long. Shorten the character length of the argument so it is fewer than or equal to \"{max}\" characters, and then try the command again.";
            return null;
        }
    }

    /// <summary>
    /// A mandatory parameter no argument gave: what PowerShell's binder asks the host for (its name, its type's full name,
    /// System.Object when untyped, its help message).
    /// </summary>
    internal sealed record MissingParameter(string Name, string TypeFullName, string? HelpMessage);

    /// <summary>A binding error a param block's attributes raise (PowerShell's ParameterBindingException).</summary>
    internal sealed record BindingError(string Message, string Id, string? Parameter)
    {
        /// <summary>For MissingMandatoryParameter: the parameters missing, in the block's order.</summary>
        public IReadOnlyList<MissingParameter> Missing { get; init; } = [];
    }

    [GeneratedRegex(@"\bMandatory\b(?!\s*=\s*\$false)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MandatoryArgument();

    [GeneratedRegex(@"\bHelpMessage\s*=\s*(?:'((?:[^']|'')*)'|""([^""]*)"")", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HelpMessageArgument();

    [GeneratedRegex(@"'((?:[^']|'')*)'|""([^""]*)""", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedText();

    [GeneratedRegex(@"\bPosition\s*=\s*(\d{1,9})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PositionArgument();

    [GeneratedRegex(@"\bParameterSetName\s*=\s*(?:'([^']*)'|""([^""]*)"")", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ParameterSetNameArgument();

    [GeneratedRegex(@"\bValueFromRemainingArguments\b(?!\s*=\s*\$false)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RemainingArgumentsArgument();

    [GeneratedRegex(@"\bDefaultParameterSetName\s*=\s*(?:'([^']*)'|""([^""]*)"")", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DefaultParameterSetNameArgument();

    [GeneratedRegex(@"\[\s*CmdletBinding\s*\([^)]*\bPositionalBinding\s*=\s*\$false", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PositionalBindingOff();

    private static Attributes AttributesOf(string declaration)
    {
        ScriptExpressions.KnownType? type = null;
        var mandatory = false;
        var fromPipeline = false;
        var remaining = false;
        List<string>? validateSet = null;
        List<Validation>? validations = null;
        string? helpMessage = null;
        int? position = null;
        var customSet = false;
        List<string>? aliases = null;
        List<(string? Set, bool Mandatory)>? sets = null;
        bool allowNull = false, allowEmptyString = false;
        List<string>? variableValidations = null;
        foreach (var attribute in LeadingAttributes(declaration).Attributes)
        {
            var open = attribute.IndexOf('(', StringComparison.Ordinal);
            var attributeName = open < 0 ? attribute : attribute[..open].Trim();
            if (IsPropertyValidation(attribute)) (variableValidations ??= []).Add(attribute);
            allowNull |= attributeName.Equals("AllowNull", StringComparison.OrdinalIgnoreCase);
            allowEmptyString |= attributeName.Equals("AllowEmptyString", StringComparison.OrdinalIgnoreCase);
            if (attributeName.Equals("Parameter", StringComparison.OrdinalIgnoreCase))
            {
                mandatory |= MandatoryArgument().IsMatch(attribute);
                var setName = ParameterSetNameArgument().Match(attribute) is { Success: true } named ? (named.Groups[1].Success ? named.Groups[1].Value : named.Groups[2].Value) : null;
                (sets ??= []).Add((setName is null || setName.Equals("__AllParameterSets", StringComparison.OrdinalIgnoreCase) ? null : setName, MandatoryArgument().IsMatch(attribute)));
                fromPipeline |= attribute.Contains("ValueFromPipeline", StringComparison.OrdinalIgnoreCase);
                remaining |= RemainingArgumentsArgument().IsMatch(attribute);
                if (HelpMessageArgument().Match(attribute) is { Success: true } help)
                {
                    helpMessage = help.Groups[1].Success ? help.Groups[1].Value.Replace("''", "'", StringComparison.Ordinal) : help.Groups[2].Value;
                }

                if (PositionArgument().Match(attribute) is { Success: true } at && int.TryParse(at.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture, out var value))
                {
                    position = value;
                    customSet = true;
                }

                if (ParameterSetNameArgument().Match(attribute) is { Success: true } set &&
                    !(set.Groups[1].Success ? set.Groups[1].Value : set.Groups[2].Value).Equals("__AllParameterSets", StringComparison.OrdinalIgnoreCase))
                {
                    customSet = true;
                }
            }
            else if (attributeName.Equals("Alias", StringComparison.OrdinalIgnoreCase))
            {
                // [Alias('CN', 'Server')]: more names the parameter is bound by (-CN srv).
                aliases = [.. QuotedText().Matches(attribute).Select(m => m.Groups[1].Success ? m.Groups[1].Value.Replace("''", "'", StringComparison.Ordinal) : m.Groups[2].Value)];
            }
            else if (attributeName.Equals("ValidateSet", StringComparison.OrdinalIgnoreCase))
            {
                validateSet = [.. QuotedText().Matches(attribute).Select(m => m.Groups[1].Success ? m.Groups[1].Value.Replace("''", "'", StringComparison.Ordinal) : m.Groups[2].Value)];
            }
            else if (ValidationKindOf(attributeName) is { } kind)
            {
                // Positional arguments only (5.1 has no ErrorMessage); a ValidateScript's block as its inside text.
                var close = attribute.LastIndexOf(')');
                var inside = open < 0 || close <= open ? string.Empty : attribute[(open + 1)..close];
                List<string> arguments = [.. SplitTopLevel(inside).Select(a => a.Trim()).Where(a => a.Length > 0 && !NamedAttributeArgument().IsMatch(a))];
                if (kind == ValidationKind.Script)
                {
                    if (arguments.Count == 0 || !arguments[0].StartsWith('{') || !arguments[0].EndsWith('}')) continue;
                    arguments = [arguments[0][1..^1]];
                }

                (validations ??= []).Add(new Validation(kind, arguments));
            }
            else if (open < 0 && !attributeName.Equals("switch", StringComparison.OrdinalIgnoreCase) && ScriptExpressions.ResolveType(attributeName) is { } known)
            {
                type = known;
            }
        }

        return new Attributes(type, mandatory, validateSet, fromPipeline, helpMessage, position, customSet, validations, aliases, sets, remaining, allowNull, allowEmptyString, variableValidations);
    }

    /// <summary>Whether the attribute (<c>[ValidateRange(1, 10)]</c>) is a validation one a class's property can be checked by (not ValidateScript).</summary>
    internal static bool IsPropertyValidation(string attribute) =>
        AttributeName(attribute) is var name && (name.Equals("ValidateSet", StringComparison.OrdinalIgnoreCase) || ValidationKindOf(name) is { } kind && kind != ValidationKind.Script);

    /// <summary>
    /// A class property's validation attribute's check of a value assigned to it: Metadata's failure text (ValidateSet's
    /// without the binder's parameter prefix), or null when the value passes.
    /// </summary>
    internal static string? PropertyValidationFailure(string attribute, PsValue value)
    {
        var name = AttributeName(attribute);
        var open = attribute.IndexOf('(');
        var close = attribute.LastIndexOf(')');
        var inside = open < 0 || close <= open ? string.Empty : attribute[(open + 1)..close];
        if (name.Equals("ValidateSet", StringComparison.OrdinalIgnoreCase))
        {
            string[] set = [.. QuotedText().Matches(inside).Select(m => m.Groups[1].Success ? m.Groups[1].Value.Replace("''", "'", StringComparison.Ordinal) : m.Groups[2].Value)];
            return ValidatedElements(value).All(e => set.Contains(PipelineVariables.Display(e), StringComparer.OrdinalIgnoreCase))
                ? null
                : $"The argument \"{PipelineVariables.Display(value)}\" does not belong to the set \"{string.Join(",", set)}\" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.";
        }

        if (ValidationKindOf(name) is not { } kind || kind == ValidationKind.Script) return null;
        List<string> arguments = [.. SplitTopLevel(inside).Select(a => a.Trim()).Where(a => a.Length > 0 && !NamedAttributeArgument().IsMatch(a))];
        return Validate(new Validation(kind, arguments), value);
    }

    /// <summary>Whether the attribute is a ValidateScript, which a script runs (the others <see cref="PropertyValidationFailure"/> checks).</summary>
    internal static bool IsScriptValidation(string attribute) => ValidationKindOf(AttributeName(attribute)) == ValidationKind.Script;

    /// <summary>An attribute's name as written (<c>ValidateRange</c> of <c>[ValidateRange(1, 10)]</c>).</summary>
    internal static string AttributeName(string attribute)
    {
        var text = attribute.Trim().TrimStart('[').Trim();
        var end = text.IndexOfAny(['(', ']']);
        return (end < 0 ? text : text[..end]).Trim();
    }

    private static ValidationKind? ValidationKindOf(string attributeName) => attributeName.ToUpperInvariant() switch
    {
        "VALIDATERANGE" => ValidationKind.Range,
        "VALIDATEPATTERN" => ValidationKind.Pattern,
        "VALIDATELENGTH" => ValidationKind.Length,
        "VALIDATECOUNT" => ValidationKind.Count,
        "VALIDATENOTNULL" => ValidationKind.NotNull,
        "VALIDATENOTNULLOREMPTY" => ValidationKind.NotNullOrEmpty,
        "VALIDATESCRIPT" => ValidationKind.Script,
        _ => null,
    };

    [GeneratedRegex(@"^\[(?<type>[\w.]+)\]::(?<member>MaxValue|MinValue)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RangeLimitMember();

    [GeneratedRegex(@"^\w+\s*=", RegexOptions.CultureInvariant)]
    private static partial Regex NamedAttributeArgument();

    /// <summary>The parameter Invoke-Command sends a script's <c>$using:</c> values under (Parser.VERBATIM_ARGUMENT).</summary>
    public const string UsingParameterName = "--%";

    /// <summary>The local a <c>$using:name</c> value is kept under (a name no script variable can have).</summary>
    public static string UsingLocal(string name) => "using:" + name;


    // PowerShell 5 and later send the values of a script's $using: expressions as the parameter "--%", a Hashtable
    // whose keys are base64 of each expression's UTF-16 text (lower case for a plain variable: PsUtils.
    // GetUsingExpressionKey). Each value becomes the local "using:" + the text after "$using:" ($using:name reads
    // "using:name"; $using:a[0] and $using:a.Length are found whole). A key that is no such text is left out.
    private static void AddUsingValues(IReadOnlyList<PipelineArgument> arguments, Dictionary<string, PsValue> locals)
    {
        foreach (var argument in arguments)
        {
            if (argument.Name != UsingParameterName || argument.Value is not PsObject { CollectionKind: PsCollectionKind.Dictionary } table) continue;
            foreach (var (key, value) in table.Entries)
            {
                if (key.AsString() is not { Length: > 0 and <= 4096 } encoded) continue;
                var bytes = new byte[encoded.Length];
                if (!Convert.TryFromBase64String(encoded, bytes, out var written) || written % 2 != 0) continue;
                var text = System.Text.Encoding.Unicode.GetString(bytes, 0, written);
                if (text.Length > 7 && text.StartsWith("$using:", StringComparison.OrdinalIgnoreCase)) locals[UsingLocal(text[7..])] = value;
            }
        }
    }

    // [switch] (or [System.Management.Automation.SwitchParameter]) among the declaration's attributes.
    private static bool IsSwitchDeclaration(string declaration) =>
        declaration.Contains("[switch]", StringComparison.OrdinalIgnoreCase) || declaration.Contains("SwitchParameter]", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether a function's (or script block's) param block makes it advanced: [CmdletBinding()] or a [Parameter()] attribute.</summary>
    public static bool IsAdvanced(string text)
    {
        if (!text.Contains("param", StringComparison.OrdinalIgnoreCase)) return false;
        _ = Declared(text, out var advanced);
        return advanced;
    }

    /// <summary>
    /// The parameters a function's param block declares, in order: name, .NET type (System.Object when untyped,
    /// SwitchParameter for a switch), and whether the block makes it advanced (it then has the common parameters too).
    /// </summary>
    public static IReadOnlyList<(string Name, string TypeFullName)> Declared(string text, out bool advanced)
    {
        advanced = false;
        var start = ParamStart().Match(text);
        if (!start.Success || FindClose(text, start.Length) is not { } close) return [];
        advanced = start.Groups["attribute"].Captures.Any(c => c.Value.Equals("CmdletBinding", StringComparison.OrdinalIgnoreCase)) ||
                   text.AsSpan(start.Length, close - start.Length).Contains("[Parameter", StringComparison.OrdinalIgnoreCase);
        var declared = new List<(string, string)>();
        foreach (var declaration in SplitTopLevel(text[start.Length..close]))
        {
            if (ParameterTail().Match(StripAttributes(declaration)) is not { Success: true } m) continue;
            var type = IsSwitchDeclaration(declaration) ? "System.Management.Automation.SwitchParameter" : AttributesOf(declaration).Type?.FullName ?? "System.Object";
            declared.Add((m.Groups["name"].Value, type));
        }

        return declared;
    }

    /// <summary>The names of the switch parameters of a script's or function's param block (they take no value word).</summary>
    public static IReadOnlyList<string> SwitchParameters(string text)
    {
        if (!text.Contains("switch", StringComparison.OrdinalIgnoreCase) && !text.Contains("SwitchParameter", StringComparison.OrdinalIgnoreCase)) return [];
        var start = ParamStart().Match(text);
        if (!start.Success || FindClose(text, start.Length) is not { } close) return [];
        var names = new List<string>();
        foreach (var declaration in SplitTopLevel(text[start.Length..close]))
        {
            if (IsSwitchDeclaration(declaration) && ParameterTail().Match(StripAttributes(declaration)) is { Success: true } m) names.Add(m.Groups["name"].Value);
        }

        return names;
    }

    // A default that is a literal: 'text', "text", a number, $true/$false; anything else is $null here.
    // A default the binder cannot read as a literal: an expression, or a double-quoted string that expands.
    private static bool IsDeferredDefault(string? text) =>
        text is not null && !text.Equals("$null", StringComparison.OrdinalIgnoreCase) &&
        (text.Length >= 2 && text[0] == '"' && text.AsSpan(1, text.Length - 2).IndexOfAny('$', '`') >= 0 || Literal(text) is PsNil);

    // The body with the deferred defaults' assignments first (in a begin block when the body has named blocks).
    private static string WithDefaults(string body, List<string> assignments)
    {
        var text = string.Join("\n", assignments);
        if (Statements.NamedBlocks(body) is not var (begin, process, end)) return text + "\n" + body;
        var blocks = new System.Text.StringBuilder("begin {\n").Append(text).Append('\n').Append(begin).Append("\n}\n");
        if (process is not null) blocks.Append("process {\n").Append(process).Append("\n}\n");
        if (end is not null) blocks.Append("end {\n").Append(end).Append("\n}\n");
        return blocks.ToString();
    }

    private static PsValue Literal(string? text)
    {
        if (text is null) return PsNil.Instance;
        if (text.Length >= 2 && (text[0] == '\'' || text[0] == '"') && text[^1] == text[0]) return PsPrimitive.String(text[1..^1]);
        if (ValueTemplate.ParseBoolean(text) is { } b) return PsPrimitive.Boolean(b);
        return ScalarForms.TryLiteral(text) is PsPrimitive number && number.Value is not bool ? number : PsNil.Instance;
    }

    /// <summary>A parameter that takes pipeline input, with its declared type (null: any) and its [Alias()] names (also property names it binds from).</summary>
    public sealed record PipelineParameter(string Name, bool ByValue, bool ByPropertyName, ScriptExpressions.KnownType? Type, IReadOnlyList<string> Aliases)
    {
        /// <summary>The value converted to the parameter's type, as the binder coerces pipeline input; null when it does not convert.</summary>
        public PsValue? Converted(PsValue value) => ToParameterType(value, Type);
    }

    /// <summary>
    /// The parameters of a param block that take pipeline input: by value (<c>[Parameter(ValueFromPipeline)]</c>) or by
    /// the object's property of their name (<c>ValueFromPipelineByPropertyName</c>); <c>= $false</c> turns either off.
    /// </summary>
    public static IReadOnlyList<PipelineParameter> PipelineParameters(string text)
    {
        if (!text.Contains("ValueFromPipeline", StringComparison.OrdinalIgnoreCase)) return [];
        var start = ParamStart().Match(text);
        if (!start.Success || FindClose(text, start.Length) is not { } close) return [];
        var parameters = new List<PipelineParameter>();
        foreach (var declaration in SplitTopLevel(text[start.Length..close]))
        {
            var m = ParameterTail().Match(StripAttributes(declaration));
            if (!m.Success) continue;
            var byValue = PipelineAttribute(declaration, "ValueFromPipeline");
            var byName = PipelineAttribute(declaration, "ValueFromPipelineByPropertyName");
            if (byValue || byName)
            {
                var attributes = AttributesOf(declaration);
                parameters.Add(new PipelineParameter(m.Groups["name"].Value, byValue, byName, attributes.Type, attributes.Aliases ?? []));
            }
        }

        return parameters;

        static bool PipelineAttribute(string declaration, string name) =>
            Regex.IsMatch(declaration, $@"\b{name}\b(?!\s*=\s*\$false)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    // [Parameter(...)] [int] in front of the name.
    private static string StripAttributes(string declaration) => LeadingAttributes(declaration).Remainder;

    // The bracketed attributes in front of a declaration (their text inside the brackets) and what follows them; an
    // unclosed one leaves nothing.
    private static (List<string> Attributes, string Remainder) LeadingAttributes(string declaration)
    {
        var attributes = new List<string>();
        var s = declaration.Trim();
        while (s.StartsWith('['))
        {
            var depth = 0;
            var i = 0;
            for (; i < s.Length; i++)
            {
                if (s[i] == '[') depth++;
                else if (s[i] == ']' && --depth == 0) break;
            }

            if (i >= s.Length) return (attributes, string.Empty);
            attributes.Add(s[1..i].Trim());
            s = s[(i + 1)..].TrimStart();
        }

        return (attributes, s);
    }

    // The ')' closing the param block, skipping nested brackets and quoted strings.
    private static int? FindClose(string text, int from)
    {
        var depth = 1;
        for (var i = from; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\'' or '"')
            {
                var end = text.IndexOf(c, i + 1);
                if (end < 0) return null;
                i = end;
            }
            else if (c is '(' or '[' or '{') depth++;
            else if (c is ')' or ']' or '}' && --depth == 0) return c == ')' ? i : null;
        }

        return null;
    }

    private static IEnumerable<string> SplitTopLevel(string list)
    {
        var depth = 0;
        var start = 0;
        char? quote = null;
        for (var i = 0; i < list.Length; i++)
        {
            var c = list[i];
            if (quote is { } q)
            {
                if (c == q) quote = null;
                continue;
            }

            switch (c)
            {
                case '\'' or '"':
                    quote = c;
                    break;
                case '(' or '[' or '{':
                    depth++;
                    break;
                case ')' or ']' or '}':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return list[start..i];
                    start = i + 1;
                    break;
            }
        }

        if (list[start..].Trim().Length > 0) yield return list[start..];
    }

    // Why the argument does not convert to the parameter's type: an enum's own error (its names listed), else the
    // number parser's.
    private static string ConversionFailure(PsValue given, ScriptExpressions.KnownType type)
    {
        if (type.FullName == VariableReferences.TypeName) return "Reference type is expected in argument.";
        if (ScriptExpressions.IsEnumType(type.FullName))
        {
            try
            {
                ScriptExpressions.EnumCast(type.FullName, given);
            }
            catch (ScriptExpressionException e)
            {
                return e.Error.Message;
            }
        }

        // A class the session defined: PowerShell's conversion finds no way to make one of the value.
        if (ScriptTypes.Current?.Class(type.FullName) is not null)
        {
            return $"Cannot convert the \"{PipelineVariables.Display(given)}\" value of type \"{ScriptExpressions.TypeName(given)}\" to type \"{type.FullName}\".";
        }

        return $"Cannot convert value \"{PipelineVariables.Display(given)}\" to type \"{type.FullName}\". Error: \"Input string was not in a correct format.\"";
    }

    /// <summary>
    /// A [bool] parameter takes only Boolean values and numbers (PowerShell's BooleanParameter transformation): the
    /// binder's refusal of anything else, null when <paramref name="given"/> is one of those (or $null).
    /// </summary>
    internal static string? BooleanRefusal(string name, PsValue given) =>
        given is PsPrimitive { Value: bool } or PsNil || given is PsPrimitive { Value: not string } && ScriptExpressions.AsNumberOrNull(given) is not null ? null
        : $"Cannot process argument transformation on parameter '{name}'. Cannot convert value \"{ScriptExpressions.TypeName(given)}\" to type \"System.Boolean\". Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.";
}
