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
                    throw new ScenarioRuntimeException($"the attribute [{attribute.Value}] of an enum definition is not emulated: give the script a rule (match: its whole text)");
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
            throw new ScriptParseException(ScriptedError.ParseError("Missing name after enum keyword.", "MissingNameAfterKeyword"));
        }

        var enumName = text[nameStart..i];
        i = SkipBlank(text, i);
        if (i >= text.Length || text[i] != '{')
        {
            throw new ScriptParseException(ScriptedError.ParseError($"Missing opening '{{' in enum definition '{enumName}'.", "MissingTypeBody"));
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
                throw new ScriptParseException(ScriptedError.ParseError($"Unexpected token '{Word(member, 0)}' in enum definition.", "UnexpectedToken"));
            }

            var memberName = m.Groups["name"].Value;
            if (!names.Add(memberName)) throw new ScriptParseException(ScriptedError.ParseError($"Member '{memberName}' is already defined.", "MemberAlreadyDefined"));
            if (members.Count >= ScriptTypes.MaxMembers) throw new ScenarioRuntimeException($"an enum has at most {ScriptTypes.MaxMembers} members in the emulator");
            members.Add((memberName, m.Groups["value"].Success ? m.Groups["value"].Value.Trim() : null));
        }

        return new EnumStatement(enumName, flags, members);
    }

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

    // What a constant may hold: numbers (hex, multipliers, type suffixes), quoted text, [type]::Member, [type] casts, operators.
    [GeneratedRegex(@"0x[0-9a-f]+[lu]*|\d+(?:\.\d+)?(?:e[+-]?\d+)?(?:[dlu]|kb|mb|gb|tb|pb)?|'[^']*'|""[^""$`]*""|\[[A-Za-z_][\w.]*\](?:::[A-Za-z_]\w*)?|-[A-Za-z]+\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ConstantPart();

    [GeneratedRegex(@"[\s()+\-*/%!]")]
    private static partial Regex NonConstantPart();
}
