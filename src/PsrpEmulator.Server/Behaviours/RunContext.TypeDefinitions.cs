using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

internal sealed partial class RunContext
{
    // The definition the statement is, if it is one (enum, class); one PowerShell's parser refuses fails the script.
    private static T? Parsed<T>(Func<string, T?> parse, string text) where T : class
    {
        try
        {
            return parse(text);
        }
        catch (ScriptParseException e)
        {
            throw new PipelineTerminatedException(PSInvocationState.Failed, e.Error);
        }
    }

    // The definition for the syntax check ahead of the run: its parse errors are the check's; what the emulator does
    // not run (an attribute, a base type) is the run's to report, when it gets there.
    private static T? Checked<T>(Func<string, T?> parse, string text) where T : class
    {
        try
        {
            return parse(text);
        }
        catch (ScriptExpressionException)
        {
            return null;
        }
    }

    private const string EnumeratorValueMustBeConstant = "Enumerator value must be a constant value.";

    // 5.1's ParserStrings.EnumeratorValueTooLarge (later PowerShell's EnumeratorValueOutOfBounds says "either too large
    // or too small for {0}"): UNVERIFIED text.
    private const string EnumeratorValueTooLarge = "Enumerator value is too large for a System.Int32.";

    /// <summary>
    /// Defines the enum in the session, as Windows PowerShell 5.1's DefineEnumHelper does: Int32 underneath, each
    /// member's value its constant expression's (converted to Int32) or the previous member's plus one, starting at 0.
    /// </summary>
    private async ValueTask DefineEnumAsync(Statements.EnumStatement definition, IPipelineHost? to, int blockNesting)
    {
        var members = new List<(string Name, int Value)>(definition.Members.Count);
        var next = 0;
        var pastMaximum = false;
        foreach (var (name, valueText) in definition.Members)
        {
            if (valueText is not null)
            {
                if (!Statements.IsConstantExpression(valueText)) throw EnumParseError(EnumeratorValueMustBeConstant, "EnumeratorValueMustBeConstant");
                next = EnumeratorValue(await EvaluateAsync(valueText, to, blockNesting + 1));
            }
            else if (pastMaximum)
            {
                throw EnumParseError(EnumeratorValueTooLarge, "EnumeratorValueTooLarge");
            }

            members.Add((name, next));
            pastMaximum = next == int.MaxValue;
            if (!pastMaximum) next++;
        }

        SessionTypes().Define(new ScriptTypes.EnumDefinition(definition.Name, definition.Flags, members));
    }

    // A member's value as LanguagePrimitives converts it to Int32: a number in range (a fraction rounded to even), an
    // enum's value, text of a number; a number out of range is too large, anything else cannot be converted.
    private static int EnumeratorValue(Protocol.Clixml.PsValue value)
    {
        if (ScriptExpressions.AsNumber(value) is { } number && !double.IsNaN(number))
        {
            var rounded = Math.Round(number, MidpointRounding.ToEven);
            if (rounded is >= int.MinValue and <= int.MaxValue) return (int)rounded;
            throw EnumParseError(EnumeratorValueTooLarge, "EnumeratorValueTooLarge");
        }

        // 5.1's DefineEnumHelper names the type as ToStringCodeMethods.Type writes it.
        throw EnumParseError("Cannot convert the value to type \"int\".", "CannotConvertValue");
    }

    private static PipelineTerminatedException EnumParseError(string message, string id) =>
        new(PSInvocationState.Failed, ScriptedError.ParseError(message, id));

    // The session's types, made at its first definition, and the flow's from now on (the expression code reads them there).
    private ScriptTypes SessionTypes() => ScriptTypes.Current = scope.Variables.Runspace.EnsureTypes();

    // An enum or class definition, or using namespace (a rule for the whole text still wins): kept in the session.
    // False for any other statement.
    private async ValueTask<bool> TypeDefinitionAsync(string text, IPipelineHost? to, int blockNesting)
    {
        // Defined ahead with its script's other types: reached now, it is there already.
        if (_definedAhead?.Remove(text) == true) return true;
        try
        {
            if (Parsed(Statements.ParseEnum, text) is { } enumStatement && Catalog.Find(text) is null)
            {
                await DefineEnumAsync(enumStatement, to, blockNesting);
                return true;
            }

            if (Parsed(Statements.ParseClass, text) is { } classStatement && Catalog.Find(text) is null)
            {
                await DefineClassAsync(classStatement, to, blockNesting);
                return true;
            }

            // using namespace System.Text: the session's type names resolve in it (PowerShell keeps it for the session's
            // later commands too).
            if (text[0] is 'u' or 'U' && Statements.UsingNamespace(text) is { } usedNamespace && Catalog.Find(text) is null)
            {
                SessionTypes().Use(usedNamespace);
                return true;
            }
        }
        catch (ScriptExpressionException e)
        {
            // What the emulator does not run (a .NET base class, an attribute): the statement's error; the script goes on.
            await WriteStatementErrorAsync(e.Error, to ?? host);
            return true;
        }

        return false;
    }

    // The definitions DefineTypesAheadAsync made, by their statement's text, until the run reaches them.
    private HashSet<string>? _definedAhead;

    /// <summary>
    /// A script's enum and class definitions made before its first statement runs, as PowerShell makes them when it
    /// parses the script: the enums, then the classes each after its base (a class whose base is in no definition is
    /// left to its statement, which reports it). A definition that fails here fails again, and reports, when reached.
    /// </summary>
    private async ValueTask DefineTypesAheadAsync(List<string> statements, IPipelineHost? to, int blockNesting)
    {
        var classes = new List<(string Text, Statements.ClassStatement Definition)>();
        foreach (var statement in statements)
        {
            var text = Statements.BracedVariables(statement.Trim());
            if (text.Length == 0 || Catalog.Find(text) is not null) continue;
            try
            {
                if (Statements.ParseEnum(text) is { } enumStatement)
                {
                    await DefineEnumAsync(enumStatement, to, blockNesting);
                    (_definedAhead ??= new(StringComparer.Ordinal)).Add(text);
                }
                else if (Statements.ParseClass(text) is { } classStatement)
                {
                    classes.Add((text, classStatement));
                }
            }
            catch (Exception e) when (e is ScriptExpressionException or ScriptParseException or PipelineTerminatedException)
            {
                // Its own statement reports it when the run gets there.
            }
        }

        // Bases first: each pass defines the classes whose base is defined (or that have none).
        var types = SessionTypes();
        for (var progress = true; progress && classes.Count > 0;)
        {
            progress = false;
            foreach (var (text, definition) in classes.ToList())
            {
                if (definition.BaseName is { } baseName && types.Class(baseName) is null && classes.Exists(c => c.Definition.Name.Equals(baseName, StringComparison.OrdinalIgnoreCase))) continue;
                classes.Remove((text, definition));
                try
                {
                    await DefineClassAsync(definition, to, blockNesting);
                    (_definedAhead ??= new(StringComparer.Ordinal)).Add(text);
                    progress = true;
                }
                catch (ScriptExpressionException)
                {
                    // Its own statement reports it when the run gets there.
                }
            }
        }
    }

    /// <summary>Defines the class in the session and gives its static properties their initial values.</summary>
    private async ValueTask DefineClassAsync(Statements.ClassStatement definition, IPipelineHost? to, int blockNesting)
    {
        var defined = SessionTypes().Define(definition);
        foreach (var property in definition.Properties.Where(p => p.IsStatic))
        {
            defined.Statics[property.Name] = await PropertyInitialValueAsync(property, to, blockNesting);
        }

        if (definition.StaticConstructor is { } staticConstructor) await InvokeClassBodyAsync(staticConstructor, [], null, to, blockNesting);
    }

    // A property's value before any constructor: its initializer's, converted to its type, else its type's default
    // (0 of a number, False, an enum's 0; $null of a string, as a .NET field of a reference type starts).
    private async ValueTask<PsValue> PropertyInitialValueAsync(Statements.ClassProperty property, IPipelineHost? to, int blockNesting)
    {
        var type = property.TypeName is null ? null : ScriptExpressions.ResolveType(property.TypeName);
        if (property.Initializer is { } initializer) return Typed(await EvaluateAsync(initializer, to, blockNesting + 1), type);
        if (type is null) return PsNil.Instance;
        if (ScriptExpressions.IsEnumType(type.FullName)) return ScriptExpressions.EnumCastOrNumber(type.FullName, 0);
        return type.FullName switch
        {
            "System.Int32" or "System.Int64" or "System.Int16" or "System.Byte" or "System.UInt32" or "System.UInt64" or "System.Double" or "System.Single" or "System.Decimal"
                => ScriptExpressions.Cast(PsPrimitive.Int32(0), type),
            "System.Boolean" => PsPrimitive.Boolean(false),
            "System.DateTime" => PsPrimitive.DateTime(new DateTimeOffset(DateTime.MinValue, TimeSpan.Zero), DateTimeKind.Unspecified),
            "System.TimeSpan" => ScriptExpressions.Cast(PsPrimitive.String("00:00:00"), type),
            _ => PsNil.Instance,
        };
    }

    private static PsValue Typed(PsValue value, ScriptExpressions.KnownType? type) => type is null ? value : ScriptExpressions.Cast(value, type);

    /// <summary>
    /// <c>[Class]::new(arguments)</c>: an object of the class, its properties (the class's first, then its bases') at
    /// their initial values, then the constructor taking that many arguments run on it (its base's first, given the
    /// <c>: base(...)</c> arguments or none).
    /// </summary>
    private async ValueTask<PsObject> NewClassObjectAsync(ScriptClass scriptClass, IReadOnlyList<PsValue> arguments, IPipelineHost? to, int blockNesting)
    {
        CheckNesting(blockNesting, "constructor calls");
        var instance = new PsObject(scriptClass.TypeNames) { ToStringValue = scriptClass.Name };
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        List<string>? hidden = null;
        foreach (var property in scriptClass.Chain.SelectMany(c => c.Definition.Properties).Where(p => !p.IsStatic))
        {
            if (!taken.Add(property.Name)) continue;
            instance.AdaptedProperties.Add(new PsProperty(property.Name, await PropertyInitialValueAsync(property, to, blockNesting)));
            if (property.IsHidden) (hidden ??= []).Add(property.Name);
        }

        if (hidden is not null) HiddenProperties.Hide(instance, [.. hidden]);

        await ConstructAsync(scriptClass, instance, arguments, to, blockNesting);
        await RefreshClassTextAsync(instance, scriptClass, to, blockNesting);
        return instance;
    }

    /// <summary>
    /// The object's text (<c>"$object"</c>, its display) from its class's own <c>ToString()</c>, where the class (or a
    /// base) defines one: the emulator's values carry their text, so it is taken again after the constructor, a
    /// method call and a property assignment, the points where the object changes (a method of another object that
    /// changes this one is not seen).
    /// </summary>
    internal async ValueTask RefreshClassTextAsync(PsObject instance, ScriptClass scriptClass, IPipelineHost? to, int blockNesting)
    {
        if (_refreshingClassText || scriptClass.Methods("ToString", isStatic: false).FirstOrDefault(m => m.Parameters.Count == 0) is not { } toString) return;
        _refreshingClassText = true;
        try
        {
            var text = await InvokeClassBodyAsync(toString, [], instance, to, blockNesting);
            instance.ToStringValue = ScriptExpressions.IsNull(text) ? string.Empty : PipelineVariables.Display(text);
        }
        finally
        {
            _refreshingClassText = false;
        }
    }

    // Set while a ToString() runs: what it does to the object does not run it again.
    private bool _refreshingClassText;

    private async ValueTask ConstructAsync(ScriptClass scriptClass, PsObject instance, IReadOnlyList<PsValue> arguments, IPipelineHost? to, int blockNesting)
    {
        CheckNesting(blockNesting, "constructor calls");
        var constructors = scriptClass.Definition.Constructors;
        if (constructors.Count == 0)
        {
            // The default constructor: no arguments, the base's default constructor.
            if (arguments.Count != 0) throw new ScriptExpressionException(ScriptedError.MethodCount("new", arguments.Count));
            if (scriptClass.Base is { } implicitBase) await ConstructAsync(implicitBase, instance, [], to, blockNesting + 1);
            return;
        }

        var constructor = constructors.FirstOrDefault(c => c.Parameters.Count == arguments.Count)
            ?? throw new ScriptExpressionException(ScriptedError.MethodCount("new", arguments.Count));
        if (scriptClass.Base is { } baseClass)
        {
            // The base's constructor first, its arguments evaluated with the constructor's parameters bound.
            IReadOnlyList<PsValue> baseArguments = [];
            if (constructor.BaseArguments is { Count: > 0 } written)
            {
                var evaluated = await InvokeClassBodyAsync(constructor with { Body = "return ,@(" + string.Join(", ", written) + ")" }, arguments, instance, to, blockNesting);
                baseArguments = ScriptExpressions.Enumerate(evaluated);
            }

            await ConstructAsync(baseClass, instance, baseArguments, to, blockNesting + 1);
        }

        await InvokeClassBodyAsync(constructor, arguments, instance, to, blockNesting);
    }

    /// <summary>
    /// A method's call: the overload taking that many arguments (a derived class's first), its body run with
    /// <c>$this</c> the object (none for a static method), its value what <c>return</c> gives converted to its return
    /// type (nothing for [void]). Null when the class has no method of that name.
    /// </summary>
    private async ValueTask<PsValue?> CallClassMethodAsync(ScriptClass scriptClass, string name, IReadOnlyList<PsValue> arguments, PsObject? self, IPipelineHost? to, int blockNesting)
    {
        var overloads = scriptClass.Methods(name, isStatic: self is null);
        if (overloads.Count == 0) return null;
        var method = overloads.FirstOrDefault(m => m.Parameters.Count == arguments.Count) ?? throw new ScriptExpressionException(ScriptedError.MethodCount(name, arguments.Count));
        var value = await InvokeClassBodyAsync(method, arguments, self, to, blockNesting);
        if (self is not null) await RefreshClassTextAsync(self, scriptClass, to, blockNesting);
        if (method.ReturnType is null || method.ReturnType.Equals("void", StringComparison.OrdinalIgnoreCase)) return PsNil.AutomationNull;
        return ScriptExpressions.ResolveType(method.ReturnType) is { } returnType && value is not PsNil ? ScriptExpressions.Cast(value, returnType) : value;
    }

    /// <summary>
    /// <c>[Class]::Member</c>, <c>[Class]::Method(arguments)</c> and <c>[Class]::new(arguments)</c> of a class the session
    /// defined: a static property's value ($null for a name the class has none of, as PowerShell reads one), a static
    /// method's, a new object.
    /// </summary>
    private async ValueTask<PsValue> ClassStaticMemberAsync(ScriptClass scriptClass, string member, IReadOnlyList<PsValue>? arguments, IPipelineHost? to, int blockNesting)
    {
        if (arguments is null)
        {
            return scriptClass.StaticOwner(member) is { } owner && owner.Statics.TryGetValue(member, out var value) ? value : PsNil.Instance;
        }

        if (member.Equals("new", StringComparison.OrdinalIgnoreCase)) return await NewClassObjectAsync(scriptClass, arguments, to, blockNesting);
        return await CallClassMethodAsync(scriptClass, member, arguments, null, to, blockNesting)
            ?? throw new ScriptExpressionException(ScriptedError.MethodNotFound(member, scriptClass.Name));
    }

    /// <summary><c>[Class]::Property = value</c> (and its compound forms): the static property set, converted to its type.</summary>
    private async ValueTask<bool> SetClassStaticPropertyAsync(string typeText, string member, string op, string valueText, IPipelineHost? to, int blockNesting)
    {
        if (ScriptTypes.Current?.Class(typeText.Trim()) is not { } scriptClass) return false;
        if (scriptClass.StaticOwner(member) is not { } owner)
        {
            throw new ScriptExpressionException(new ScriptedError(
                $"The property '{member}' cannot be found on this object. Verify that the property exists and can be set.", "PropertyNotFound", ErrorCategory.InvalidOperation, ScriptedError.RuntimeExceptionType));
        }

        var value = await EvaluateAsync(valueText, to, blockNesting + 1);
        if (op != "=") value = ScriptExpressions.Arithmetic(owner.Statics.GetValueOrDefault(member), op[..1], value);
        var property = owner.Property(member, isStatic: true)!;
        owner.Statics[property.Name] = Typed(value, property.TypeName is null ? null : ScriptExpressions.ResolveType(property.TypeName));
        return true;
    }

    /// <summary>
    /// <c>[Class]$value</c>: an object of the class as it is; a hashtable or an object's properties set on a new object
    /// (PowerShell's conversion through the default constructor); any other value given to the constructor taking one
    /// argument.
    /// </summary>
    private async ValueTask<PsValue> CastToClassAsync(ScriptClass scriptClass, PsValue operand, IPipelineHost? to, int blockNesting)
    {
        if (operand is PsObject { TypeNames: { } names } && names.Contains(scriptClass.Name, StringComparer.OrdinalIgnoreCase)) return operand;
        if (operand is PsNil) return PsNil.Instance;
        if (operand is PsObject { CollectionKind: PsCollectionKind.Dictionary } table)
        {
            var made = await NewClassObjectAsync(scriptClass, [], to, blockNesting);
            foreach (var (key, value) in table.Entries) SetClassProperty(scriptClass, made, PipelineVariables.Display(key), value, operand);
            await RefreshClassTextAsync(made, scriptClass, to, blockNesting);
            return made;
        }

        if (scriptClass.Definition.Constructors.Any(c => c.Parameters.Count == 1)) return await NewClassObjectAsync(scriptClass, [operand], to, blockNesting);
        throw new ScriptExpressionException(new ScriptedError(
            $"Cannot convert the \"{PipelineVariables.Display(operand)}\" value of type \"{ScriptExpressions.TypeName(operand)}\" to type \"{scriptClass.Name}\".",
            "ConvertToFinalInvalidCastException", ErrorCategory.InvalidArgument, ScriptedError.RuntimeExceptionType));
    }

    private static void SetClassProperty(ScriptClass scriptClass, PsObject made, string name, PsValue value, PsValue operand)
    {
        if (scriptClass.Property(name, isStatic: false) is null)
        {
            var available = string.Join(" , ", scriptClass.Chain.SelectMany(c => c.Definition.Properties).Where(p => !p.IsStatic)
                .Select(p => $"[{p.Name} <{(p.TypeName is null ? "System.Object" : ScriptExpressions.ResolveType(p.TypeName)?.FullName ?? p.TypeName)}>]"));
            throw new ScriptExpressionException(new ScriptedError(
                $"Cannot convert value \"{PipelineVariables.Display(operand)}\" to type \"{scriptClass.Name}\". Error: \"Cannot create object of type \"{scriptClass.Name}\". The {name} property was not found for the {scriptClass.Name} object. The available property is: {available}\"",
                "ObjectCreationError", ErrorCategory.InvalidArgument, ScriptedError.RuntimeExceptionType));
        }

        ScriptExpressions.SetElement(made, PsPrimitive.String(name), false, value);
    }

    // The body of a method or constructor run as PowerShell runs a class's: its parameters bound (typed), $this the
    // object, and only what return gives as its value; what its other statements write to the pipeline is dropped.
    // An error does not wrap as a .NET method's would (PSInvokeMemberBinder leaves the exceptions of a class's
    // assembly, DynamicClassImplementationAssemblyAttribute, as they are; Windows PowerShell's class tests find the
    // throw's own line and a property initializer's own InvalidCastFromStringToInteger): a statement-terminating
    // error ends the body, as every exception ends a method, and is the calling statement's; a throw stays a throw,
    // which ends the calling script unless a try or trap takes it (CheckActionPreference's WasThrownFromThrowStatement).
    private async ValueTask<PsValue> InvokeClassBodyAsync(Statements.ClassMethod method, IReadOnlyList<PsValue> arguments, PsObject? self, IPipelineHost? to, int blockNesting)
    {
        var returned = new ClassMethodHost(to ?? host);
        // Inside the body a statement-terminating error is raised, as inside a try, rather than written.
        scope.Variables.TryDepth++;
        try
        {
            await InvokeBlockAsync(method.Block, arguments, self, to, blockNesting, returned);
        }
        catch (StatementTerminatedException e)
        {
            throw new ScriptExpressionException(e.Error);
        }
        catch (PipelineTerminatedException e) when (method.IsStatic && method.IsConstructor && e.State == PSInvocationState.Failed && e.Reason.FullyQualifiedErrorId != "CallDepthOverflow")
        {
            // The emulator runs a static constructor as the class is defined, not at the type's first use where .NET
            // raises TypeInitializationException; its failure stays this statement's error.
            throw new ScriptExpressionException(new ScriptedError(
                $"Exception calling \".cctor\" with \"0\" argument(s): \"{e.Reason.Message}\"", "RuntimeException",
                ErrorCategory.NotSpecified, "System.Management.Automation.MethodInvocationException")
            {
                InnerExceptionType = e.Reason.ExceptionType,
            });
        }
        finally
        {
            scope.Variables.TryDepth--;
        }

        return returned.Value;
    }
}

/// <summary>
/// The output of a class's method body: only a return statement's value is kept (<see cref="Returning"/> set as it
/// runs); the rest of what the body writes to the pipeline goes nowhere, as in PowerShell's class methods. Other
/// streams go on.
/// </summary>
internal sealed class ClassMethodHost(IPipelineHost inner) : ForwardingHost(inner)
{
    private readonly List<PsValue> _returned = [];

    /// <summary>Set by the return statement of the body itself while its value is written.</summary>
    public bool Returning { get; set; }

    public override ValueTask WriteAsync(PsrpEmulator.Protocol.Psrp.IPsrpMessageBody record, CancellationToken cancellationToken)
    {
        if (record is not PipelineOutput output) return Inner.WriteAsync(record, cancellationToken);
        if (Returning && !ReferenceEquals(output.Value, PsNil.AutomationNull))
        {
            if (_returned.Count >= CapturingHost.MaxValues) throw new ScenarioRuntimeException($"a method returns at most {CapturingHost.MaxValues} objects in the emulator");
            _returned.Add(output.Value);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>What the method returns: nothing ($null), the one object, or an array of them.</summary>
    public PsValue Value => _returned.Count switch
    {
        0 => PsNil.Instance,
        1 => _returned[0],
        _ => PsObjects.List(_returned, ListValueTemplate.ArrayTypeNames),
    };

    public override void StatementStarting(string statement, int nesting)
    {
    }
}
