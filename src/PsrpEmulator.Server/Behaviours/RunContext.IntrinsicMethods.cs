using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The intrinsic <c>.Where()</c> and <c>.ForEach()</c> of any value (PowerShell 4 and later), as Windows PowerShell 5.1's
/// EnumerableOps runs them: a single value is one item, a collection its items.
/// </summary>
internal sealed partial class RunContext
{
    private const string WhereModeTypeName = "System.Management.Automation.WhereOperatorSelectionMode";

    private const string PSObjectCollectionTypeName =
        "System.Collections.ObjectModel.Collection`1[[System.Management.Automation.PSObject, System.Management.Automation]]";

    /// <summary>
    /// <c>value.Where(...)</c> or <c>value.ForEach(...)</c>; null without an argument, for the ordinary method lookup to
    /// answer (PowerShell's error for the count).
    /// </summary>
    private async ValueTask<PsValue?> IntrinsicMethodAsync(PsValue value, ScriptExpressions.Accessor step, IPipelineHost? to, int blockNesting)
    {
        var text = step.Arguments!;
        if (text.Trim().Length == 0) return null;
        var pieces = ScriptExpressions.ArrayElements(text) ?? [text.Trim()];
        // The first argument: a script block (written there or held in a variable), a type, or a name.
        var first = await EvaluateAsync(pieces[0], to, blockNesting + 1);
        var block = first is PsPrimitive { Type: PsPrimitiveType.ScriptBlock, Value: string held } ? held : null;

        var rest = new List<PsValue>();
        foreach (var piece in pieces.Skip(1)) rest.Add(await EvaluateAsync(piece, to, blockNesting + 1));
        var items = ScriptExpressions.Enumerate(value).ToArray();
        if (step.Text.Equals("Where", StringComparison.OrdinalIgnoreCase))
        {
            if (rest.Count > 2) throw new ScriptExpressionException(ScriptedError.MethodCount("Where", pieces.Count));
            if (block is null)
            {
                // Where's one overload takes a script block; another value does not convert to one (the text UNVERIFIED).
                var given = PipelineVariables.Display(first);
                throw new ScriptExpressionException(new ScriptedError(
                    $"Cannot convert argument \"expression\", with value: \"{given}\", for \"Where\" to type \"System.Management.Automation.ScriptBlock\": \"Cannot convert the \"{given}\" value of type \"{ScriptExpressions.TypeOf(first).ToStringValue}\" to type \"System.Management.Automation.ScriptBlock\".\"",
                    "MethodArgumentConversionInvalidCastArgument", Protocol.Psrp.ErrorCategory.NotSpecified, "System.Management.Automation.MethodException"));
            }

            return await WhereAsync(items, block, rest, to, blockNesting);
        }

        if (block is not null) return await ForEachBlockAsync(items, block, rest, to, blockNesting);
        if (first is PsObject { TypeNames: [ScriptExpressions.RuntimeTypeName, ..], ToStringValue: { } typeName }) return ForEachType(items, typeName);
        // Any other value is a member's name, as ForEach converts it to a string.
        return await ForEachMemberAsync(items, PipelineVariables.Display(first), rest, to, blockNesting);
    }

    // Where(block [, mode [, numberToReturn]]): EnumerableOps.Where's loop, mode by mode.
    private async ValueTask<PsValue> WhereAsync(PsValue[] items, string block, List<PsValue> arguments, IPipelineHost? to, int blockNesting)
    {
        var mode = arguments.Count > 0 ? WhereMode(arguments[0]) : WhereOperatorSelectionMode.Default;
        var numberToReturn = arguments.Count > 1 ? (int)((PsPrimitive)ScriptExpressions.Cast(arguments[1], ScriptExpressions.ResolveType("int")!)).Value : 0;
        if (numberToReturn < 0)
        {
            // EnumerableOps.Where's ArgumentOutOfRangeException, with ParserStrings.NumberToReturnMustBeGreaterThanZero.
            throw new ScriptExpressionException(new ScriptedError(
                $"The 'numberToReturn' value provided to the third argument of the Where() operator must be greater than zero. Please correct the argument's value and try again.\r\nParameter name: numberToReturn\r\nActual value was {numberToReturn}.",
                "ArgumentOutOfRangeException", Protocol.Psrp.ErrorCategory.NotSpecified, "System.ArgumentOutOfRangeException"));
        }

        var matches = new List<PsValue>();
        var notMatched = new List<PsValue>();
        var returnTheRest = false;
        var index = 0;
        for (; index < items.Length; index++)
        {
            var item = items[index];
            if (returnTheRest)
            {
                // SkipUntil, after the first match: the rest untested.
                matches.Add(item);
                if (numberToReturn > 0 && matches.Count >= numberToReturn)
                {
                    index++;
                    break;
                }

                continue;
            }

            var capture = new CapturingHost(to ?? host);
            await RunWithItemAsync(block, item, capture, blockNesting);
            if (ScriptExpressions.IsTrue(capture.Value))
            {
                if (mode == WhereOperatorSelectionMode.Until)
                {
                    index++;
                    break;
                }

                if (mode == WhereOperatorSelectionMode.Last)
                {
                    // A window of the last numberToReturn matches (one by default).
                    if (matches.Count >= Math.Max(numberToReturn, 1)) matches.RemoveAt(0);
                    matches.Add(item);
                    continue;
                }

                matches.Add(item);
                if (mode == WhereOperatorSelectionMode.SkipUntil) returnTheRest = true;
                if ((numberToReturn == 0 && mode == WhereOperatorSelectionMode.First) || (numberToReturn != 0 && numberToReturn == matches.Count))
                {
                    index++;
                    break;
                }
            }
            else if (mode == WhereOperatorSelectionMode.Until)
            {
                matches.Add(item);
                if (numberToReturn > 0 && matches.Count >= numberToReturn)
                {
                    index++;
                    break;
                }
            }
            else if (mode == WhereOperatorSelectionMode.Split)
            {
                notMatched.Add(item);
            }

            if (matches.Count > CapturingHost.MaxValues) throw new ScenarioRuntimeException($"an assignment keeps at most {CapturingHost.MaxValues} objects in the emulator");
        }

        if (mode != WhereOperatorSelectionMode.Split) return PsObjects.List(matches, [PSObjectCollectionTypeName, "System.Object"]);

        // Split: the matches, then every other item (those after a numberToReturn cut too), as an object[] of the two.
        notMatched.AddRange(items.Skip(index));
        return PsObjects.List(
            [PsObjects.List(matches, [PSObjectCollectionTypeName, "System.Object"]), PsObjects.List(notMatched, [PSObjectCollectionTypeName, "System.Object"])],
            ListValueTemplate.ArrayTypeNames);
    }

    private static WhereOperatorSelectionMode WhereMode(PsValue argument)
    {
        var converted = ScriptExpressions.Cast(argument, ScriptExpressions.ResolveType(WhereModeTypeName)!);
        return converted is PsObject { BaseValue: PsPrimitive { Value: int number } } ? (WhereOperatorSelectionMode)number : WhereOperatorSelectionMode.Default;
    }

    // ForEach(block [, arguments...]): the block run in this scope for each item, $_ the item and $args the arguments.
    private async ValueTask<PsValue> ForEachBlockAsync(PsValue[] items, string block, List<PsValue> arguments, IPipelineHost? to, int blockNesting)
    {
        var results = new List<PsValue>();
        var variables = scope.Variables;
        var outerArgs = variables.Get("args");
        variables.SetLocal("args", PsObjects.List(arguments, ListValueTemplate.ArrayTypeNames));
        try
        {
            foreach (var item in items)
            {
                var capture = new CapturingHost(to ?? host);
                await RunWithItemAsync(block, item, capture, blockNesting);
                results.AddRange(capture.Output);
                if (results.Count > CapturingHost.MaxValues) throw new ScenarioRuntimeException($"an assignment keeps at most {CapturingHost.MaxValues} objects in the emulator");
            }
        }
        finally
        {
            variables.SetLocal("args", outerArgs);
        }

        return PsObjects.List(results, [PSObjectCollectionTypeName, "System.Object"]);
    }

    // ForEach([type]): each item converted; to an array or list type the whole collection at once.
    private static PsValue ForEachType(PsValue[] items, string typeName)
    {
        var type = ScriptExpressions.ResolveType(typeName) ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"the emulator does not convert values to [{typeName}]"));
        if (type.FullName.EndsWith("[]", StringComparison.Ordinal) || type.IsGenericList)
        {
            return ScriptExpressions.Cast(PsObjects.List([.. items], ListValueTemplate.ArrayTypeNames), type);
        }

        var converted = items.Select(item => ScriptExpressions.Cast(item, type)).ToList();
        return PsObjects.List(converted, [$"System.Collections.ObjectModel.Collection`1[[{type.FullName}, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]", "System.Object"]);
    }

    // ForEach('Name' [, arguments...]): a hashtable's key read or set, else the item's method called or property read or set.
    private async ValueTask<PsValue> ForEachMemberAsync(PsValue[] items, string name, List<PsValue> arguments, IPipelineHost? to, int blockNesting)
    {
        var results = new List<PsValue>();
        var newValue = arguments.Count == 1 ? arguments[0] : PsObjects.List(arguments, ListValueTemplate.ArrayTypeNames);
        foreach (var item in items)
        {
            if (item is PsObject { CollectionKind: PsCollectionKind.Dictionary } table)
            {
                if (arguments.Count == 0) results.Add(VariableValueTemplate.Member(table, name));
                else ScriptExpressions.SetElement(table, PsPrimitive.String(name), isIndex: false, newValue);
                continue;
            }

            if (ScriptExpressions.IsNull(item))
            {
                if (arguments.Count > 0)
                {
                    throw new ScriptExpressionException(ScriptedError.MethodInvocation(name, arguments.Count, "Object reference not set to an instance of an object.", typeof(NullReferenceException)));
                }

                results.Add(PsNil.Instance);
                continue;
            }

            if (item is PsObject record && record[name] is not null)
            {
                // A property: read without arguments, set with them (one as itself, more as an array).
                if (arguments.Count == 0) results.Add(VariableValueTemplate.Member(record, name));
                else ScriptExpressions.SetElement(record, PsPrimitive.String(name), isIndex: false, newValue);
                continue;
            }

            PsValue called;
            try
            {
                called = await CallMethodWithValuesAsync(item, name, arguments, to, blockNesting);
            }
            catch (ScriptExpressionException e) when (e.Error.FullyQualifiedErrorId == "MethodNotFound")
            {
                // No such method: a property the emulator reads (Length, Count...), else nothing there.
                var property = VariableValueTemplate.Member(item, name);
                if (property is PsNil && arguments.Count > 0)
                {
                    throw new ScriptExpressionException(new ScriptedError($"The property '{name}' cannot be found on this object. Verify that the property exists and can be set.",
                        "ForEachNonexistentMemberReference", Protocol.Psrp.ErrorCategory.InvalidOperation, ScriptedError.RuntimeExceptionType));
                }

                called = property;
            }

            results.Add(called);
        }

        return PsObjects.List(results, [PSObjectCollectionTypeName, "System.Object"]);
    }
}

/// <summary>PowerShell's System.Management.Automation.WhereOperatorSelectionMode: how <c>.Where()</c> selects.</summary>
internal enum WhereOperatorSelectionMode
{
    Default = 0,
    First = 1,
    Last = 2,
    SkipUntil = 3,
    Until = 4,
    Split = 5,
}
