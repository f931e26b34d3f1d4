using System.Text.RegularExpressions;

namespace PsrpEmulator.Server.Behaviours;

internal static partial class Statements
{
    /// <summary>
    /// An <c>enum Name { A; B = 5 }</c> definition as written: its name, whether a <c>[Flags()]</c> attribute marks
    /// it, and its members with their value expressions (null: the previous member's value plus one).
    /// </summary>
    internal sealed record EnumStatement(string Name, bool Flags, IReadOnlyList<(string Name, string? Value)> Members);

    /// <summary>
    /// The enum definition, or null when the statement is not one (it does not start with <c>enum</c>, after
    /// attributes); one Windows PowerShell 5.1's parser refuses throws its <see cref="ScriptParseException"/>.
    /// </summary>
    public static EnumStatement? ParseEnum(string statement)
    {
        var text = statement.Trim();
        if (text.Length < 4 || text[0] is not ('[' or 'e' or 'E')) return null;
        var flags = false;
        var i = 0;
        // The definition's attributes: [Flags()] (FlagsAttribute, with or without its namespace and suffix) is the one a
        // script's enum takes; another attribute is one the emulator does not emulate.
        var attributes = EnumAttributes().Match(text);
        if (attributes.Success)
        {
            foreach (Capture attribute in attributes.Groups["attribute"].Captures)
            {
                var name = attribute.Value;
                if (name.StartsWith("System.", StringComparison.OrdinalIgnoreCase)) name = name[7..];
                if (!(name.Equals("Flags", StringComparison.OrdinalIgnoreCase) || name.Equals("FlagsAttribute", StringComparison.OrdinalIgnoreCase)))
                {
                    throw new ScriptExpressionException(ScriptedError.ScenarioFault($"the attribute [{attribute.Value}] of an enum definition is not emulated: give the script a rule (match: its whole text)"));
                }

                flags = true;
            }

            i = attributes.Length;
        }

        if (!StartsWithKeyword(text.AsSpan(i), "enum")) return null;
        i = SkipBlank(text, i + 4);
        var nameStart = i;
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
        if (i == nameStart || char.IsAsciiDigit(text[nameStart]))
        {
            throw new ScriptParseException(ScriptedError.ParseError("Missing name after enum keyword.", "MissingNameAfterKeyword", script => PlaceAfterKeyword(script, "enum")));
        }

        var enumName = text[nameStart..i];
        i = SkipBlank(text, i);
        if (i >= text.Length || text[i] != '{')
        {
            throw new ScriptParseException(ScriptedError.ParseError("Missing 'enum' body in 'enum' declaration.", "MissingTypeBody"));
        }

        var close = MatchingClose(text, i, '}');
        if (close < 0) throw new ScriptParseException(ScriptedError.ParseError("Missing closing '}' in statement block or type definition.", "MissingEndCurlyBrace"));
        // More after the definition: a script of several statements, this its first.
        if (SkipBlank(text, close + 1) < text.Length) return null;

        var members = new List<(string, string?)>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in SplitTopLevel(text[(i + 1)..close], c => c is ';' or '\n'))
        {
            var member = part.Trim();
            if (member.Length == 0) continue;
            var m = EnumMemberSyntax().Match(member);
            if (!m.Success)
            {
                // PowerShell's EnumMemberRule: no name ends the members (the '}' is then missing); a name followed by
                // anything but '= value' (A, B) wants its terminator; '=' wants a value.
                throw new ScriptParseException(EnumMemberName().Match(member) is not { Success: true } named
                    ? ScriptedError.ParseError("Missing closing '}' in statement block or type definition.", "MissingEndCurlyBrace")
                    : member[named.Length..].TrimStart() is "="
                        ? ScriptedError.ParseError("You must provide a value expression following the '=' operator.", "ExpectedValueExpression", script => PlaceAfterOperatorWithoutOperand(script, "="))
                        : ScriptedError.ParseError("Missing ';' or end-of-line in property definition.", "MissingPropertyTerminator"));
            }

            var memberName = m.Groups["name"].Value;
            if (!names.Add(memberName)) throw MemberAlreadyDefined(memberName);
            if (members.Count >= ScriptTypes.MaxMembers) throw new ScenarioRuntimeException($"an enum has at most {ScriptTypes.MaxMembers} members in the emulator");
            members.Add((memberName, m.Groups["value"].Success ? m.Groups["value"].Value.Trim() : null));
        }

        return new EnumStatement(enumName, flags, members);
    }

    /// <summary><c>using namespace Name</c>: the namespace; null for any other statement.</summary>
    internal static string? UsingNamespace(string text) =>
        StartsWithKeyword(text, "using") && UsingNamespaceSyntax().Match(text) is { Success: true } m ? m.Groups["name"].Value : null;

    [GeneratedRegex(@"\Ausing\s+namespace\s+(?<name>[A-Za-z_][\w.]*)\s*\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UsingNamespaceSyntax();

    /// <summary>Whether the statement is an enum definition (<c>enum</c>, perhaps after attributes), well formed or not.</summary>
    internal static bool IsEnumDefinition(string text) => StartsWithKeyword(text, "enum") || text.StartsWith('[') && EnumAttributes().IsMatch(text);

    /// <summary>
    /// Whether an enum member's value expression is a constant PowerShell's parser folds: numbers, quoted text, static
    /// members of types (<c>[int]::MaxValue</c>, another enum's member), casts, parentheses and operators; no variable,
    /// command or block.
    /// </summary>
    internal static bool IsConstantExpression(string expression) =>
        NonConstantPart().Replace(ConstantPart().Replace(expression, " "), string.Empty).Length == 0;

    // [Flags()] / [System.FlagsAttribute()] / [Flags] before the keyword, each perhaps on its own line.
    [GeneratedRegex(@"\A(?:\[\s*(?<attribute>[A-Za-z_][\w.]*)\s*(?:\(\s*\))?\s*\]\s*)+(?=enum\b)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EnumAttributes();

    [GeneratedRegex(@"\A(?<name>[A-Za-z_]\w*)\s*(?:=\s*(?<value>\S.*))?\z", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex EnumMemberSyntax();

    [GeneratedRegex(@"\A[A-Za-z_]\w*", RegexOptions.CultureInvariant)]
    private static partial Regex EnumMemberName();

    // PowerShell's MemberAlreadyDefined, for an enum's member and a class's property.
    private static ScriptParseException MemberAlreadyDefined(string name) =>
        new(ScriptedError.ParseError($"The member '{name}' is already defined.", "MemberAlreadyDefined"));

    // What a constant may hold: numbers (hex, multipliers, type suffixes), quoted text, [type]::Member, [type] casts, operators.
    [GeneratedRegex(@"0x[0-9a-f]+[lu]*|\d+(?:\.\d+)?(?:e[+-]?\d+)?(?:[dlu]|kb|mb|gb|tb|pb)?|'[^']*'|""[^""$`]*""|\[[A-Za-z_][\w.]*\](?:::[A-Za-z_]\w*)?|-[A-Za-z]+\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ConstantPart();

    [GeneratedRegex(@"[\s()+\-*/%!]")]
    private static partial Regex NonConstantPart();

    /// <summary>A class's property as written: <c>[hidden] [static] [type] $Name [= initializer]</c>.</summary>
    /// <param name="Validations">Its validation attributes as written (<c>[ValidateRange(1, 10)]</c>), checked on each assignment.</param>
    internal sealed record ClassProperty(string Name, string? TypeName, string? Initializer, bool IsStatic, bool IsHidden, IReadOnlyList<string>? Validations = null);

    /// <summary>
    /// A class's method or constructor as written: its name, return type (null: none written, a constructor's case),
    /// parameters (name and type), body, and for a constructor the arguments of its <c>: base(...)</c> call.
    /// </summary>
    internal sealed record ClassMethod(string Name, string? ReturnType, IReadOnlyList<(string Name, string? TypeName)> Parameters, string Body,
        bool IsStatic, bool IsHidden, IReadOnlyList<string>? BaseArguments = null, bool IsConstructor = false)
    {
        /// <summary>The body as a script block's, its parameters a param block (typed as declared).</summary>
        public string Block => "param(" + string.Join(", ", Parameters.Select(p => (p.TypeName is null ? string.Empty : "[" + p.TypeName + "]") + "$" + p.Name)) + ")\n" + Body;
    }

    /// <summary>A <c>class Name [: Base] { }</c> definition as written: its properties, methods and constructors.</summary>
    /// <param name="StaticConstructor">The <c>static Name() { }</c> that runs once, when the class is defined.</param>
    internal sealed record ClassStatement(string Name, string? BaseName, IReadOnlyList<ClassProperty> Properties, IReadOnlyList<ClassMethod> Methods,
        IReadOnlyList<ClassMethod> Constructors, ClassMethod? StaticConstructor = null);

    /// <summary>
    /// The class definition, or null when the statement is not one (it does not start with <c>class</c>, or more follows
    /// it); one Windows PowerShell 5.1's parser refuses throws its <see cref="ScriptParseException"/>, one the emulator
    /// does not run (an attribute, interfaces) a <see cref="ScriptExpressionException"/> of the scenario error.
    /// </summary>
    public static ClassStatement? ParseClass(string statement)
    {
        var text = statement.Trim();
        if (!StartsWithKeyword(text, "class")) return null;
        var header = ClassHeader().Match(text);
        if (!header.Success) throw new ScriptParseException(ScriptedError.ParseError("Missing name after class keyword.", "MissingNameAfterKeyword", script => PlaceAfterKeyword(script, "class")));
        var name = header.Groups["name"].Value;
        var i = header.Length;
        string? baseName = null;
        if (i < text.Length && text[i] == ':')
        {
            var open = text.IndexOf('{', i);
            if (open < 0) throw new ScriptParseException(ScriptedError.ParseError("Missing 'class' body in 'class' declaration.", "MissingTypeBody"));
            var bases = text[(i + 1)..open].Split(',', StringSplitOptions.TrimEntries);
            if (bases.Length != 1 || !IdentifierSyntax().IsMatch(bases[0]))
            {
                throw new ScriptExpressionException(ScriptedError.ScenarioFault($"the class {name} derives from {text[(i + 1)..open].Trim()}: a class implementing interfaces or deriving from a .NET type is not emulated: give the script a rule (match: its whole text)"));
            }

            baseName = bases[0];
            i = open;
        }

        if (i >= text.Length || text[i] != '{') throw new ScriptParseException(ScriptedError.ParseError("Missing 'class' body in 'class' declaration.", "MissingTypeBody"));
        var close = MatchingClose(text, i, '}');
        if (close < 0) throw new ScriptParseException(ScriptedError.ParseError("Missing closing '}' in statement block or type definition.", "MissingEndCurlyBrace"));
        if (SkipBlank(text, close + 1) < text.Length) return null;

        var properties = new List<ClassProperty>();
        var methods = new List<ClassMethod>();
        var constructors = new List<ClassMethod>();
        ClassMethod? staticConstructor = null;
        var propertyNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var member in ClassMembers(text[(i + 1)..close], text, i))
        {
            if (properties.Count + methods.Count + constructors.Count >= ScriptTypes.MaxMembers) throw new ScenarioRuntimeException($"a class has at most {ScriptTypes.MaxMembers} members in the emulator");
            var m = ClassMemberSyntax().Match(member);
            if (!m.Success) throw new ScriptParseException(ScriptedError.ParseError($"Unexpected token '{Word(member, 0)}' in expression or statement.", "UnexpectedToken"));
            // A property's validation attributes are checked on assignment; any other attribute is not emulated.
            string[] validations = [.. m.Groups["attribute"].Captures.Select(c => c.Value)];
            foreach (var attribute in validations)
            {
                if (!m.Groups["property"].Success || !ScriptParameters.IsPropertyValidation(attribute))
                {
                    throw new ScriptExpressionException(ScriptedError.ScenarioFault($"the attribute {attribute} of a class member is not emulated: give the script a rule (match: its whole text)"));
                }
            }

            var modifiers = m.Groups["modifier"].Captures.Select(c => c.Value.ToLowerInvariant()).ToList();
            var isStatic = modifiers.Contains("static");
            var isHidden = modifiers.Contains("hidden");
            var type = m.Groups["type"].Success ? m.Groups["type"].Value.Trim() : null;
            if (m.Groups["property"].Success)
            {
                var propertyName = m.Groups["property"].Value;
                if (!propertyNames.Add(propertyName)) throw MemberAlreadyDefined(propertyName);
                properties.Add(new ClassProperty(propertyName, type, m.Groups["value"].Success ? m.Groups["value"].Value.Trim() : null, isStatic, isHidden,
                    validations.Length == 0 ? null : validations));
                continue;
            }

            var methodName = m.Groups["method"].Value;
            if (MethodParts(member, m.Groups["rest"].Index) is not var (parameterText, baseText, bodyText))
            {
                throw new ScriptParseException(ScriptedError.ParseError($"Unexpected token '{Word(member, 0)}' in expression or statement.", "UnexpectedToken"));
            }

            var parameters = new List<(string, string?)>();
            foreach (var parameter in SplitTopLevel(parameterText, c => c == ','))
            {
                if (parameter.Trim().Length == 0) continue;
                var p = MethodParameterSyntax().Match(parameter.Trim());
                if (!p.Success) throw new ScriptParseException(ScriptedError.ParseError($"Unexpected token '{Word(parameter.Trim(), 0)}' in expression or statement.", "UnexpectedToken"));
                parameters.Add((p.Groups["name"].Value, p.Groups["type"].Success ? p.Groups["type"].Value.Trim() : null));
            }

            var isConstructor = methodName.Equals(name, StringComparison.OrdinalIgnoreCase) && type is null;
            IReadOnlyList<string>? baseArguments = null;
            if (baseText is not null)
            {
                if (!isConstructor) throw new ScriptParseException(ScriptedError.ParseError("Unexpected token ':' in expression or statement.", "UnexpectedToken"));
                baseArguments = [.. SplitTopLevel(baseText, c => c == ',').Select(a => a.Trim()).Where(a => a.Length > 0)];
            }

            var method = new ClassMethod(methodName, type, parameters, bodyText, isStatic, isHidden, baseArguments, isConstructor);
            if (isConstructor && isStatic)
            {
                // A static constructor takes no parameters and there is one at most, as PowerShell's parser requires.
                if (parameters.Count > 0 || staticConstructor is not null) throw new ScriptParseException(ScriptedError.ParseError("A static constructor cannot have any parameters.", "StaticConstructorCantHaveParameters"));
                staticConstructor = method;
                continue;
            }

            (isConstructor ? constructors : methods).Add(method);
        }

        return new ClassStatement(name, baseName, properties, methods, constructors, staticConstructor);
    }

    // A method's "(parameters) [: base(arguments)] { body }" from the '(' at start: its parameters' text, its base call's
    // arguments (null: none), its body; null when the text is not that whole.
    private static (string Parameters, string? Base, string Body)? MethodParts(string member, int start)
    {
        var close = MatchingClose(member, start, ')');
        if (close < 0) return null;
        var parameters = member[(start + 1)..close];
        var i = SkipBlank(member, close + 1);
        string? baseArguments = null;
        if (i < member.Length && member[i] == ':')
        {
            i = SkipBlank(member, i + 1);
            if (!StartsWithKeyword(member.AsSpan(i), "base")) return null;
            i = SkipBlank(member, i + 4);
            if (i >= member.Length || member[i] != '(' || MatchingClose(member, i, ')') is var baseClose && baseClose < 0) return null;
            baseArguments = member[(i + 1)..baseClose];
            i = SkipBlank(member, baseClose + 1);
        }

        if (i >= member.Length || member[i] != '{') return null;
        var end = MatchingClose(member, i, '}');
        return end < 0 || SkipBlank(member, end + 1) < member.Length ? null : (parameters, baseArguments, member[(i + 1)..end]);
    }

    /// <summary>Whether the statement is an enum or class definition, well formed or not.</summary>
    internal static bool IsTypeDefinition(string text) => text.Length > 0 && text[0] is '[' or 'e' or 'E' or 'c' or 'C' && (IsEnumDefinition(text) || IsClassDefinition(text));

    /// <summary>Whether the statement is a class definition, well formed or not.</summary>
    internal static bool IsClassDefinition(string text) => StartsWithKeyword(text, "class");

    // A class body's members: split at its top-level line ends and ';', a member's attributes or modifiers on lines
    // of their own joined to it, and a method's block opening on the line after its signature joined to it.
    private static IEnumerable<string> ClassMembers(string body, string statement, int brace)
    {
        var pending = string.Empty;
        foreach (var part in MemberParts(body, statement, brace))
        {
            var member = part.Trim();
            if (member.Length == 0) continue;
            if (pending.Length > 0 && (member[0] == '{' || ClassMemberPrefixOnly().IsMatch(pending)))
            {
                pending += "\n" + member;
                continue;
            }

            if (pending.Length > 0) yield return pending;
            pending = member;
        }

        if (pending.Length > 0) yield return pending;
    }

    // The class body's parts: at top-level ';' and line ends, and after a block that closes at the top level (a method's
    // body: "[int] F() { return 1 } [int] G() { return 2 }" is two members on one line, as PowerShell's parser reads it).
    // A ';' stands only after a property (5.1's parser skips the property's terminators): one at the body's start or after
    // a method's block ends the class body there ("class P { [int] F() { return 1 }; }": MissingEndCurlyBrace).
    private static List<string> MemberParts(string body, string statement, int brace)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        var afterProperty = false;
        for (var i = 0; i < body.Length; i++)
        {
            switch (body[i])
            {
                case '\'' or '"' or '`':
                    i = SkipQuotedOrEscaped(body, i);
                    break;
                case '(' or '[' or '{':
                    depth++;
                    break;
                case ')' or ']':
                    if (depth > 0) depth--;
                    break;
                case '}':
                    if (depth > 0) depth--;
                    if (depth == 0)
                    {
                        parts.Add(body[start..(i + 1)]);
                        // A property's value may end with a block ([hashtable]$h = @{ a = 1 }); a method's body does.
                        afterProperty = PropertyAssignmentStart().IsMatch(body[start..(i + 1)]);
                        start = i + 1;
                    }

                    break;
                case ';' or '\n' when depth == 0:
                    var part = body[start..i];
                    if (part.Trim().Length > 0) afterProperty = true;
                    else if (body[i] == ';' && !afterProperty)
                    {
                        // Just after the class's '{', where the parser reports the body it could not close.
                        throw new ScriptParseException(ScriptedError.ParseError("Missing closing '}' in statement block or type definition.", "MissingEndCurlyBrace",
                            script => PlaceInStatement(script, statement, brace + 1, 0)));
                    }

                    parts.Add(part);
                    start = i + 1;
                    break;
            }
        }

        if (start < body.Length) parts.Add(body[start..]);
        return parts;
    }

    [GeneratedRegex(@"\A\s*(?:\[[^\]]*\]\s*|(?:static|hidden)\s+)*\$\w+\s*=", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PropertyAssignmentStart();

    [GeneratedRegex(@"\Aclass\s+(?<name>[A-Za-z_]\w*)\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ClassHeader();

    [GeneratedRegex(@"\A[A-Za-z_][\w.]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierSyntax();

    // Attributes and modifiers alone (a member's first lines): the member goes on below.
    [GeneratedRegex(@"\A(?:\s*(?:\[[A-Za-z_][\w.]*\s*\(.*?\)\s*\]|hidden|static))+\s*\z", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex ClassMemberPrefixOnly();

    // [attribute(...)]* [hidden|static]* [type]? then $property [= value], or Method(parameters) [: base(arguments)] { body }.
    [GeneratedRegex(@"\A(?:\s*(?<attribute>\[[A-Za-z_][\w.]*\s*\(.*?\)\s*\])|\s*(?<modifier>hidden|static)\b)*\s*(?:\[(?<type>[A-Za-z_][\w.\[\],` ]*?)\]\s*)?" +
        @"(?:\$(?<property>[A-Za-z_]\w*)\s*(?:=\s*(?<value>\S.*))?\s*\z|(?<method>[A-Za-z_]\w*)\s*(?<rest>\(.*))",
        RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex ClassMemberSyntax();

    [GeneratedRegex(@"\A(?:\[(?<type>[A-Za-z_][\w.\[\],` ]*?)\]\s*)?\$(?<name>[A-Za-z_]\w*)\z", RegexOptions.CultureInvariant)]
    private static partial Regex MethodParameterSyntax();
}
