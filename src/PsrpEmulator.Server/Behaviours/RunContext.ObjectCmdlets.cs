using System.Runtime.CompilerServices;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Add-Member and Get-Random, in a pipeline (<c>$o | Add-Member ...</c>, <c>1..10 | Get-Random</c>) and on their own
/// (<c>Add-Member -InputObject $o ...</c>, <c>Get-Random -Maximum 10</c>), Invoke-Expression and the variable cmdlets
/// (Get-, Set-, New-, Remove-, Clear-Variable): Windows PowerShell 5.1's semantics for what scripts use them for.
/// </summary>
internal sealed partial class RunContext
{
    /// <summary>What Add-Member adds to each object: note properties, a type name in front; -Force and -PassThru.</summary>
    private sealed record AddMemberSpec(IReadOnlyList<(string Name, PsValue Value)> Notes, string? TypeName, bool Force, bool PassThru)
    {
        /// <summary>The ScriptMethod, ScriptProperty and AliasProperty members to add.</summary>
        public IReadOnlyList<ScriptMembers.Member> Scripted { get; init; } = [];
    }

    // Add-Member's parameter sets: -NotePropertyMembers @{...}; -NotePropertyName n -NotePropertyValue v; -MemberType
    // NoteProperty -Name n -Value v (also positional, in that order); -TypeName alone or with any of them.
    private async ValueTask<AddMemberSpec> AddMemberSpecAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        const string Command = "Add-Member";
        var positional = new Queue<string>(arguments.Positional);
        var notes = new List<(string, PsValue)>();
        var scripted = new List<ScriptMembers.Member>();
        async ValueTask<string?> TextAsync(string? word) => word is null ? null : PipelineVariables.Display(await ArgumentAsync(word, to, blockNesting));
        var typeName = await TextAsync(arguments["TypeName"]);
        if (arguments["NotePropertyMembers"] is { } membersWord)
        {
            if (await ArgumentAsync(membersWord, to, blockNesting) is not PsObject { CollectionKind: PsCollectionKind.Dictionary } members)
            {
                throw new StatementTerminatedException(ParameterError(Command, $"Cannot bind parameter 'NotePropertyMembers'. Cannot convert the \"{membersWord}\" value to type \"System.Collections.IDictionary\".", "CannotConvertArgumentNoMessage"));
            }

            foreach (var (key, value) in members.Entries) notes.Add((PipelineVariables.Display(key), value));
        }
        else if (arguments["NotePropertyName"] is { } noteWord)
        {
            var valueWord = arguments["NotePropertyValue"] ?? (positional.TryDequeue(out var v) ? v : null);
            notes.Add((await TextAsync(noteWord) ?? string.Empty, valueWord is null ? PsNil.Instance : await ArgumentAsync(valueWord, to, blockNesting)));
        }
        else
        {
            var memberType = await TextAsync(arguments["MemberType"] ?? (positional.TryDequeue(out var t) ? t : null));
            var name = await TextAsync(arguments["Name"] ?? (positional.TryDequeue(out var n) ? n : null));
            var valueWord = arguments["Value"] ?? (positional.TryDequeue(out var v) ? v : null);
            if (memberType is null)
            {
                if (typeName is null)
                {
                    throw new StatementTerminatedException(ParameterError(Command, "Parameter set cannot be resolved using the specified named parameters.", "AmbiguousParameterSet"));
                }
            }
            else if (!memberType.Equals("NoteProperty", StringComparison.OrdinalIgnoreCase))
            {
                if (!KnownMemberTypes.Contains(memberType))
                {
                    throw new StatementTerminatedException(ParameterError(Command,
                        $"Cannot bind parameter 'MemberType'. Cannot convert value \"{memberType}\" to type \"System.Management.Automation.PSMemberTypes\". Error: \"Unable to match the identifier name {memberType} to a valid enumerator name. Specify one of the following enumerator names and try again:\r\nAliasProperty, CodeProperty, Property, NoteProperty, ScriptProperty, Properties, PropertySet, Method, CodeMethod, ScriptMethod, Methods, ParameterizedProperty, MemberSet, Event, Dynamic, All\"",
                        "CannotConvertArgumentNoMessage"));
                }

                var kind = memberType.ToUpperInvariant() switch
                {
                    "SCRIPTMETHOD" => ScriptMembers.Kind.Method,
                    "SCRIPTPROPERTY" => ScriptMembers.Kind.Property,
                    "ALIASPROPERTY" => ScriptMembers.Kind.Alias,
                    _ => throw new ScriptExpressionException(ScriptedError.ScenarioFault($"Add-Member -MemberType {memberType} is not emulated (NoteProperty, ScriptMethod, ScriptProperty and AliasProperty are): give the command a rule")),
                };
                if (name is null)
                {
                    throw new StatementTerminatedException(ParameterError(Command, "Cannot process command because of one or more missing mandatory parameters: Name.", "MissingMandatoryParameter"));
                }

                var value = valueWord is null ? PsNil.Instance : await ArgumentAsync(valueWord, to, blockNesting);
                var secondWord = arguments["SecondValue"] ?? (positional.TryDequeue(out var s2) ? s2 : null);
                var second = secondWord is null ? null : await ArgumentAsync(secondWord, to, blockNesting);
                string? BlockOf(PsValue? given) => given switch
                {
                    null or PsNil => null,
                    PsPrimitive { Type: PsPrimitiveType.ScriptBlock, Value: string body } => body,
                    _ => throw new StatementTerminatedException(new ScriptedError(
                        $"Cannot convert the \"{PipelineVariables.Display(given)}\" value of type \"{ScriptExpressions.TypeName(given)}\" to type \"System.Management.Automation.ScriptBlock\".",
                        "ConvertToFinalInvalidCastException,Microsoft.PowerShell.Commands.AddMemberCommand", Protocol.Psrp.ErrorCategory.InvalidArgument,
                        "System.Management.Automation.PSInvalidCastException") { Activity = Command }),
                };
                // Add-Member's InvalidOperation errors of a member without the values its type needs.
                StatementTerminatedException Needs(string message, string id) => new(new ScriptedError(message, id + ",Microsoft.PowerShell.Commands.AddMemberCommand",
                    Protocol.Psrp.ErrorCategory.InvalidOperation, "System.InvalidOperationException") { Activity = Command });
                switch (kind)
                {
                    case ScriptMembers.Kind.Alias:
                        if (value is PsNil) throw Needs("The Value parameter is required for a member of type \"AliasProperty\".", "Value1ShouldNotBeNull");
                        scripted.Add(new ScriptMembers.Member(name, kind, PipelineVariables.Display(value)));
                        break;
                    case ScriptMembers.Kind.Method:
                        scripted.Add(new ScriptMembers.Member(name, kind, BlockOf(value) ?? throw Needs("The Value parameter is required for a member of type \"ScriptMethod\".", "Value1ShouldNotBeNull")));
                        break;
                    default:
                        // A ScriptProperty's -Value is its getter, its -SecondValue its setter (either may be missing, not both).
                        var getter = BlockOf(value);
                        var setter = BlockOf(second);
                        if (getter is null && setter is null)
                        {
                            throw Needs("The Value and SecondValue parameters cannot both be null for a member of type \"ScriptProperty\".", "ValueAndSecondValueAreNotBothNull");
                        }

                        scripted.Add(new ScriptMembers.Member(name, kind, getter ?? string.Empty, setter));
                        break;
                }
            }
            else if (name is null)
            {
                throw new StatementTerminatedException(ParameterError(Command, "Cannot process command because of one or more missing mandatory parameters: Name.", "MissingMandatoryParameter"));
            }
            else
            {
                notes.Add((name, valueWord is null ? PsNil.Instance : await ArgumentAsync(valueWord, to, blockNesting)));
            }
        }

        return new AddMemberSpec(notes, typeName, arguments.Has("Force"), arguments.Has("PassThru")) { Scripted = scripted };
    }

    private static readonly HashSet<string> KnownMemberTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "AliasProperty", "CodeProperty", "Property", "NoteProperty", "ScriptProperty", "Properties", "PropertySet", "Method", "CodeMethod", "ScriptMethod",
        "Methods", "ParameterizedProperty", "MemberSet", "Event", "Dynamic", "All",
    };

    /// <summary>
    /// A primitive in a PSObject wrapper, which can carry note properties (Add-Member, Compare-Object -PassThru,
    /// Select-Object -ExpandProperty with -Property). Its type names and text are the primitive's, so it has none of
    /// its own: the serializer writes such a PSObject as <c>&lt;Obj&gt;&lt;S&gt;…&lt;/S&gt;&lt;MS&gt;…</c>, without TN or ToString.
    /// </summary>
    private static PsObject Wrapped(PsPrimitive primitive) => new() { BaseValue = primitive };

    /// <summary>
    /// Adds the members to <paramref name="item"/> in place (an object, as PowerShell's PSObject is shared by every
    /// variable that holds it); a primitive gets a wrapper with them, which only -PassThru hands on. A member the object
    /// has already is PowerShell's MemberAlreadyExists unless -Force (then it is replaced).
    /// </summary>
    private static PsValue AddMembers(PsValue item, AddMemberSpec spec)
    {
        var target = item switch
        {
            PsObject o => o,
            PsPrimitive p => Wrapped(p),
            _ => throw new StatementTerminatedException(ParameterError("Add-Member", "Cannot bind argument to parameter 'InputObject' because it is null.", "ParameterArgumentValidationErrorNullNotAllowed")),
        };
        foreach (var (name, value) in spec.Notes)
        {
            if (target[name] is not null && !spec.Force)
            {
                throw new CmdletErrorException(new ScriptedError(
                    $"Cannot add a member with the name \"{name}\" because a member with that name already exists. To overwrite the member anyway, add the Force parameter to your command.",
                    "MemberAlreadyExists,Microsoft.PowerShell.Commands.AddMemberCommand", ErrorCategory.InvalidOperation, "System.InvalidOperationException", target.ToDisplayString()));
            }

            target.AdaptedProperties.RemoveAll(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            target.With(name, value);
        }

        foreach (var member in spec.Scripted)
        {
            if ((target[member.Name] is not null || ScriptMembers.Has(target, member.Name)) && !spec.Force)
            {
                throw new CmdletErrorException(new ScriptedError(
                    $"Cannot add a member with the name \"{member.Name}\" because a member with that name already exists. To overwrite the member anyway, add the Force parameter to your command.",
                    "MemberAlreadyExists,Microsoft.PowerShell.Commands.AddMemberCommand", ErrorCategory.InvalidOperation, "System.InvalidOperationException", target.ToDisplayString()));
            }

            target.AdaptedProperties.RemoveAll(p => string.Equals(p.Name, member.Name, StringComparison.OrdinalIgnoreCase));
            ScriptMembers.Add(target, member);
        }

        if (spec.TypeName is { Length: > 0 } typeName) target.TypeNames = [typeName, .. target.TypeNames ?? []];
        return target;
    }

    private sealed class AddMemberStage(RunContext context, IPipelineHost output, AddMemberSpec spec) : Stage
    {
        public override async ValueTask ProcessAsync(PsValue item)
        {
            PsValue result;
            try
            {
                result = AddMembers(item, spec);
            }
            catch (CmdletErrorException e)
            {
                // This object's error; the next ones go on.
                await context.WriteErrorAsync(e.Error with { Activity = "Add-Member" }, output);
                return;
            }

            if (spec.PassThru) await Emit(result);
        }
    }

    // A session's generator after Get-Random -SetSeed (PowerShell keeps the seeded one for the session); the shared one
    // otherwise. Kept beside the runspace, not in it: a shell that never seeds carries nothing.
    private static readonly ConditionalWeakTable<RunspaceState, Random> SeededRandoms = [];

    private Random RandomOf(int? seed)
    {
        var runspace = scope.Variables.Runspace;
        if (seed is { } s)
        {
            var seeded = new Random(s);
            SeededRandoms.AddOrUpdate(runspace, seeded);
            return seeded;
        }

        return SeededRandoms.TryGetValue(runspace, out var kept) ? kept : Random.Shared;
    }

    /// <summary>Get-Random over input: <paramref name="count"/> of the objects (each once), in a random order.</summary>
    private sealed class GetRandomStage(RunContext context, int count) : Stage
    {
        private readonly List<PsValue> _items = [];

        public override ValueTask ProcessAsync(PsValue item)
        {
            Hold(_items, item, "Get-Random");
            return ValueTask.CompletedTask;
        }

        public override async ValueTask EndAsync()
        {
            foreach (var item in Pick(context.RandomOf(null), _items, count)) await Emit(item);
            await EndNext();
        }
    }

    private static IEnumerable<PsValue> Pick(Random random, List<PsValue> items, int count)
    {
        var picked = items.ToArray();
        var n = Math.Min(Math.Max(count, 0), picked.Length);
        // A partial Fisher-Yates shuffle: the first n places are a random choice in a random order.
        for (var i = 0; i < n; i++)
        {
            var j = random.Next(i, picked.Length);
            (picked[i], picked[j]) = (picked[j], picked[i]);
        }

        return picked.Take(n);
    }

    /// <summary>
    /// Get-Random on its own: a number in [Minimum, Maximum) (0 and Int32.MaxValue when not given; a Double when either
    /// bound is one), or -InputObject's items as over input; -SetSeed seeds the session's generator.
    /// </summary>
    private async ValueTask<IReadOnlyList<PsValue>> GetRandomAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        const string Command = "Get-Random";
        async ValueTask<PsValue?> ValueAsync(string name) => arguments[name] is { } word ? await ArgumentAsync(word, to, blockNesting) : null;
        int? seed = await ValueAsync("SetSeed") is { } seedValue ? (int)((PsPrimitive)ScriptExpressions.Cast(seedValue, ScriptExpressions.ResolveType("int")!)).Value! : null;
        var random = RandomOf(seed);
        if (arguments["InputObject"] is { } inputWord)
        {
            var count = await ValueAsync("Count") is { } c ? (int)((PsPrimitive)ScriptExpressions.Cast(c, ScriptExpressions.ResolveType("int")!)).Value! : 1;
            return [.. Pick(random, await ArgumentValuesAsync(inputWord, to, blockNesting), count)];
        }

        var minimum = await ValueAsync("Minimum");
        var maximum = await ValueAsync("Maximum");
        var floating = minimum is PsPrimitive { Value: double or float or decimal } || maximum is PsPrimitive { Value: double or float or decimal };
        double Number(PsValue? value, double fallback) => value is null ? fallback : ScriptExpressions.AsNumberOrNull(value) ?? throw new StatementTerminatedException(ParameterError(Command,
            $"Cannot convert value \"{PipelineVariables.Display(value)}\" to type \"System.Int32\". Error: \"Input string was not in a correct format.\"", "CannotConvertArgumentNoMessage"));
        var low = Number(minimum, 0);
        var high = Number(maximum, floating ? double.MaxValue : int.MaxValue);
        if (low >= high)
        {
            throw new ScriptExpressionException(new ScriptedError(
                $"The Minimum value ({PipelineVariables.Display(minimum ?? PsPrimitive.Int32(0))}) cannot be greater than or equal to the Maximum value ({PipelineVariables.Display(maximum ?? PsPrimitive.Int32(int.MaxValue))}).",
                "MinGreaterThanOrEqualMax,Microsoft.PowerShell.Commands.GetRandomCommand", ErrorCategory.InvalidArgument, "System.ArgumentException"));
        }

        if (floating) return [PsPrimitive.Double(low + (random.NextDouble() * (high - low)))];
        return high - low <= int.MaxValue
            ? [PsPrimitive.Int32((int)(low + random.Next(0, (int)(high - low))))]
            : [PsPrimitive.Int64((long)low + random.NextInt64(0, (long)(high - low)))];
    }

    /// <summary>Invoke-Expression: the text run as the script's own statements (its variables are the script's).</summary>
    private async ValueTask InvokeExpressionAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        if (arguments["Command"] is not { } word)
        {
            throw new StatementTerminatedException(ParameterError("Invoke-Expression", "Cannot process command because of one or more missing mandatory parameters: Command.", "MissingMandatoryParameter"));
        }

        var text = PipelineVariables.Display(await ArgumentAsync(word, to, blockNesting));
        try
        {
            RunContext.CheckSyntax(text, Catalog);
        }
        catch (ScriptParseException e)
        {
            // The ParseException leaves the cmdlet: its id qualified by the cmdlet's type, as 5.1 reports it
            // (UnexpectedToken,Microsoft.PowerShell.Commands.InvokeExpressionCommand; [Invoke-Expression], ParseException).
            throw new ScriptExpressionException(e.Error with
            {
                FullyQualifiedErrorId = e.Error.FullyQualifiedErrorId + ",Microsoft.PowerShell.Commands.InvokeExpressionCommand",
                Activity = "Invoke-Expression",
            });
        }

        await RunStatementAsync(text, to, blockNesting + 1);
    }
    /// <summary>
    /// Get-Variable, Set-Variable, New-Variable, Remove-Variable and Clear-Variable: the variables a script reads as
    /// <c>$name</c> (one name each; Get-Variable without a name or with wildcards lists, see VariablePatternAsync); <c>-Scope Global</c> or <c>Script</c> is the session's, anything else
    /// the current scope. Get-Variable writes a PSVariable (Name, Value, ...) or, with -ValueOnly, the value.
    /// </summary>
    private async ValueTask<PsValue?> VariableCommandAsync(string command, StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        var cmdletName = CmdletClass(command);
        if (arguments["Name"] is not { } nameWord)
        {
            throw new StatementTerminatedException(ParameterError(command, "Cannot process command because of one or more missing mandatory parameters: Name.", "MissingMandatoryParameter"));
        }

        var name = PipelineVariables.Display(await ArgumentAsync(nameWord, to, blockNesting)).TrimStart('$');
        var scopeName = arguments["Scope"] is { } scopeWord ? PipelineVariables.Display(await ArgumentAsync(scopeWord, to, blockNesting)) : null;
        // A name may carry the Variable: drive and a scope, as a VariablePath does (Packer: -name variable:global:ProgressPreference).
        (name, var qualifiedScope) = QualifiedVariableName(name);
        scopeName ??= qualifiedScope;
        var session = scopeName is not null && (scopeName.Equals("Global", StringComparison.OrdinalIgnoreCase) || scopeName.Equals("Script", StringComparison.OrdinalIgnoreCase));
        var variables = scope.Variables;
        var current = variables.Get(name);
        CmdletErrorException NotFound() => new(new ScriptedError($"Cannot find a variable with the name '{name}'.", "VariableNotFound," + cmdletName,
            ErrorCategory.ObjectNotFound, "System.Management.Automation.ItemNotFoundException", name));
        switch (command)
        {
            case "Get-Variable":
                if (current is null) throw NotFound();
                if (arguments.Has("ValueOnly")) return current;
                return PSVariableObject(name, current, variables.AttributeTypeNames(name), variables.Options(name, session));
            case "New-Variable" when current is not null && !arguments.Has("Force"):
                throw new CmdletErrorException(new ScriptedError($"A variable with name '{name}' already exists.", "VariableAlreadyExists," + cmdletName,
                    ErrorCategory.ResourceExists, "System.Management.Automation.SessionStateException", name));
            case "Set-Variable" or "New-Variable":
            {
                var value = arguments["Value"] is { } valueWord ? await ArgumentAsync(valueWord, to, blockNesting) : PsNil.Instance;
                var force = arguments.Has("Force");
                try
                {
                    if (session) variables.SetGlobal(name, value, force: force);
                    else variables.Set(name, value, force: force);
                }
                catch (ScriptExpressionException e) when (e.Error.FullyQualifiedErrorId == "VariableNotWritable")
                {
                    // The cmdlet's own error (VariableNotWritable,Microsoft.PowerShell.Commands.SetVariableCommand).
                    throw new CmdletErrorException(e.Error with { FullyQualifiedErrorId = "VariableNotWritable," + cmdletName, Activity = command });
                }

                // -Option ReadOnly / Constant (AllScope, Private and None are taken as given).
                if (arguments["Option"] is { } optionWord) variables.SetOptions(name, PipelineVariables.Display(await ArgumentAsync(optionWord, to, blockNesting)), session);
                return arguments.Has("PassThru") ? await VariableCommandAsync("Get-Variable", new StageArguments(new(StringComparer.OrdinalIgnoreCase) { ["Name"] = "'" + name.Replace("'", "''", StringComparison.Ordinal) + "'" }, []), to, blockNesting) : null;
            }

            case "Clear-Variable":
                if (current is null) throw NotFound();
                if (session) variables.SetGlobal(name, PsNil.Instance);
                else variables.Set(name, PsNil.Instance);
                return null;
            default:
                if (variables.Options(name, session) is { } options && (options.Contains("Constant", StringComparison.OrdinalIgnoreCase) ||
                    options.Contains("ReadOnly", StringComparison.OrdinalIgnoreCase) && !arguments.Has("Force")))
                {
                    throw new CmdletErrorException(new ScriptedError(
                        $"Cannot remove variable {name} because it is constant or read-only. If the variable is read-only, try the operation again specifying the Force option.",
                        "VariableNotRemovable," + cmdletName, ErrorCategory.WriteError, "System.Management.Automation.SessionStateUnauthorizedAccessException", name));
                }

                if (!variables.Unset(name)) throw NotFound();
                if (variables.Options(name, session) is not null) variables.SetOptions(name, "None", session);
                return null;
        }
    }

    /// <summary>
    /// The variable cmdlets over their names: Get-, Remove- and Clear-Variable take several (<c>Remove-Variable a, b</c>),
    /// each on its own (one not found is its error, and the next goes on); Get-Variable without a name, or with
    /// wildcards, lists the variables the scope sees by name (none matching is no error).
    /// </summary>
    private async ValueTask VariableCommandsAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        if (command is "Set-Variable" or "New-Variable" || (arguments["Name"] is { } nameWord ? await ArgumentTextsAsync(nameWord, to, blockNesting) : (command == "Get-Variable" ? ["*"] : null)) is not { } names)
        {
            if (await VariableCommandAsync(command, arguments, to, blockNesting) is { } value) await output.WriteAsync(new PipelineOutput(value), cancellationToken);
            return;
        }

        foreach (var written in names)
        {
            var name = QualifiedVariableName(written.TrimStart('$')).Name;
            if (command == "Get-Variable" && VirtualFileSystem.HasWildcard(name))
            {
                var pattern = VirtualFileSystem.Wildcard(name);
                foreach (var (listedName, listedValue) in scope.Variables.VisibleVariables(SessionVariables).Where(v => pattern.IsMatch(v.Name)).OrderBy(v => v.Name, StringComparer.CurrentCultureIgnoreCase))
                {
                    await output.WriteAsync(new PipelineOutput(arguments.Has("ValueOnly") ? listedValue : PSVariableObject(listedName, listedValue, scope.Variables.AttributeTypeNames(listedName), scope.Variables.Options(listedName))), cancellationToken);
                }

                continue;
            }

            var one = new StageArguments(new(arguments.Named, StringComparer.OrdinalIgnoreCase) { ["Name"] = "'" + written.Replace("'", "''", StringComparison.Ordinal) + "'" }, []);
            try
            {
                if (await VariableCommandAsync(command, one, to, blockNesting) is { } value) await output.WriteAsync(new PipelineOutput(value), cancellationToken);
            }
            catch (CmdletErrorException e) when (names.Count > 1)
            {
                await WriteErrorAsync(e.Error with { Activity = command }, output);
            }
        }
    }

    /// <summary>A PSVariable as Get-Variable and the Variable: drive write it, with the .NET types of the attributes it keeps.</summary>
    private static PsObject PSVariableObject(string name, PsValue value, IReadOnlyList<string>? attributes = null, string? options = null) =>
        new PsObject(["System.Management.Automation.PSVariable", "System.Object"]) { ToStringValue = "System.Management.Automation.PSVariable" }
            .With("Name", name).With("Description", string.Empty).With("Value", value)
            .With("Visibility", PsObjects.Enum(["System.Management.Automation.SessionStateEntryVisibility", "System.Enum", "System.ValueType", "System.Object"], "Public", 0))
            .With("Module", (string?)null).With("ModuleName", string.Empty)
            .With("Options", ScopedItemOptions(options))
            .With("Attributes", PsObjects.List([.. (attributes ?? []).Select(AttributeObject)], ["System.Management.Automation.PSVariableAttributeCollection", "System.Object"]));

    // A variable's options (New-Variable -Option, $private:) as the ScopedItemOptions flags, named in their order ("ReadOnly, Private").
    private static PsObject ScopedItemOptions(string? options)
    {
        (string Name, int Value)[] flags = [("ReadOnly", 1), ("Constant", 2), ("Private", 4), ("AllScope", 8), ("Unspecified", 16)];
        var set = flags.Where(f => options is not null && System.Text.RegularExpressions.Regex.IsMatch(options, $@"\b{f.Name}\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase)).ToArray();
        return PsObjects.Enum(["System.Management.Automation.ScopedItemOptions", "System.Enum", "System.ValueType", "System.Object"],
            set.Length == 0 ? "None" : string.Join(", ", set.Select(f => f.Name)), set.Sum(f => f.Value));
    }

    // An attribute a variable keeps, as its type and what it derives from (its ToString is its type's name).
    private static PsValue AttributeObject(string typeName) =>
        new PsObject([typeName, typeName switch
            {
                "System.Management.Automation.ParameterAttribute" => "System.Management.Automation.Internal.ParsingBaseAttribute",
                "System.Management.Automation.ArgumentTypeConverterAttribute" => "System.Management.Automation.ArgumentTransformationAttribute",
                _ => "System.Management.Automation.ValidateArgumentsAttribute",
            },
            "System.Management.Automation.Internal.CmdletMetadataAttribute", "System.Attribute", "System.Object"]) { ToStringValue = typeName };

    /// <summary>A variable's name without the <c>Variable:</c> drive and the scope before it (<c>variable:global:x</c>, <c>global:x</c>, <c>variable:\x</c>), and that scope.</summary>
    internal static (string Name, string? Scope) QualifiedVariableName(string written)
    {
        var name = written;
        if (name.StartsWith("variable:", StringComparison.OrdinalIgnoreCase)) name = name[9..].TrimStart('\\', '/');
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && name[..colon].ToUpperInvariant() is "GLOBAL" or "SCRIPT" or "LOCAL" or "PRIVATE") return (name[(colon + 1)..], name[..colon]);
        return (name, null);
    }

    // Variables every session has before a script sets anything (automatic and preference variables): those a real
    // Server 2019's session lists (PSScriptAnalyzer's compatibility profile; its script's own locals aside), with the
    // remote session's PSSenderInfo. $OFS and $PSModuleAutoLoadingPreference are read as $null but are not variables
    // until a script sets them.
    private static readonly HashSet<string> SessionVariables = new(StringComparer.OrdinalIgnoreCase)
    {
        "ProgressPreference", "ErrorActionPreference", "WarningPreference", "VerbosePreference", "DebugPreference", "InformationPreference",
        "ConfirmPreference", "WhatIfPreference", "ErrorView", "FormatEnumerationLimit", "OutputEncoding", "PSVersionTable", "PSEdition", "HOME",
        "Host", "PID", "PWD", "PSHOME", "ShellId", "true", "false", "null", "Error", "ExecutionContext", "MaximumHistoryCount", "PSCulture",
        "PSUICulture", "PSSessionOption", "PSSenderInfo", "PSDefaultParameterValues", "NestedPromptLevel", "?", "^", "$",
        "MaximumAliasCount", "MaximumDriveCount", "MaximumErrorCount", "MaximumFunctionCount", "MaximumVariableCount", "PSEmailServer",
        "PSSessionApplicationName", "PSSessionConfigurationName", "ConsoleFileName",
    };
}
