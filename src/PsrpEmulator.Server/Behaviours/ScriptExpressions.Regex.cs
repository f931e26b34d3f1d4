using System.Text.RegularExpressions;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// <c>[regex]</c>'s static methods scripts use: Escape, Unescape, IsMatch, Match, Matches, Replace and Split, with .NET's
/// semantics (case-sensitive unless the options say IgnoreCase, unlike <c>-match</c>), each match under the same time
/// limit as the operators. A Match is an object with .NET's properties (Success, Value, Index, Length, Groups, ...),
/// its groups a list (by number: <c>.Groups[1].Value</c>).
/// </summary>
internal static partial class ScriptExpressions
{
    internal const string RegexTypeName = "System.Text.RegularExpressions.Regex";

    /// <summary><c>$t::Member</c> or <c>$t::Method(...)</c>: a variable (scope-qualified or not) then a static member, whole.</summary>
    [GeneratedRegex(@"^(?<v>\$(?:(?:global|script|local|private):)?\w+)(?<rest>::\w+(?:\(.*\))?)$", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    internal static partial Regex StaticMemberOfVariable();

    private static readonly string[] MatchTypeNames = ["System.Text.RegularExpressions.Match", "System.Text.RegularExpressions.Group", "System.Text.RegularExpressions.Capture", "System.Object"];
    private static readonly string[] GroupTypeNames = ["System.Text.RegularExpressions.Group", "System.Text.RegularExpressions.Capture", "System.Object"];
    private static readonly string[] MatchCollectionTypeNames = ["System.Text.RegularExpressions.MatchCollection", "System.Object"];
    internal static readonly string[] StringArrayTypeNames = ["System.String[]", "System.Array", "System.Object"];
    private static readonly string[] GroupCollectionTypeNames = ["System.Text.RegularExpressions.GroupCollection", "System.Object"];

    private static PsValue? RegexStaticMember(string method, IReadOnlyList<PsValue>? arguments)
    {
        if (arguments is null) return null;
        var count = arguments.Count;
        try
        {
            return (method, count) switch
            {
                ("ESCAPE", 1) => PsPrimitive.String(Regex.Escape(Text(arguments[0]))),
                ("UNESCAPE", 1) => PsPrimitive.String(Regex.Unescape(Text(arguments[0]))),
                ("ISMATCH", 2 or 3) => PsPrimitive.Boolean(RegexOf(arguments).IsMatch(Text(arguments[0]))),
                ("MATCH", 2 or 3) => MatchObject(RegexOf(arguments).Match(Text(arguments[0]))),
                ("MATCHES", 2 or 3) => PsObjects.List(RegexOf(arguments).Matches(Text(arguments[0])).Select(MatchObject).ToList(), MatchCollectionTypeNames),
                ("REPLACE", 3 or 4) => PsPrimitive.String(RegexOf(arguments, optionsAt: 3).Replace(Text(arguments[0]), Text(arguments[2]))),
                ("SPLIT", 2 or 3) => PsObjects.List(RegexOf(arguments).Split(Text(arguments[0])).Select(PsPrimitive.String).ToList<PsValue>(), StringArrayTypeNames),
                _ => null,
            };
        }
        catch (RegexMatchTimeoutException)
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"[regex]::{method} ran past the emulator's time limit for a pattern"));
        }
        catch (ArgumentException e)
        {
            // A pattern .NET refuses: the method's error, as PowerShell reports an exception a .NET method throws, in
            // .NET Framework's words (an ArgumentException "parsing "(" - Not enough )'s.").
            throw MethodError(RegexMethodNames.GetValueOrDefault(method, method), count, FrameworkPatternError(e));
        }
    }

    // A pattern .NET refuses, in .NET Framework's words.
    private static ArgumentException FrameworkPatternError(ArgumentException e) =>
        e is RegexParseException && InvalidPatternMessage().Match(e.Message) is { Success: true } m
            ? new ArgumentException($"parsing \"{m.Groups["pattern"].Value}\" - {m.Groups["reason"].Value}")
            : e;

    /// <summary><see cref="NewRegex"/>, a pattern .NET refuses being the constructor's error.</summary>
    internal static PsObject NewRegexOrError(IReadOnlyList<PsValue> arguments)
    {
        try
        {
            return NewRegex(arguments);
        }
        catch (ArgumentException e)
        {
            throw MethodError(".ctor", arguments.Count, FrameworkPatternError(e));
        }
    }

    private static readonly Dictionary<string, string> RegexMethodNames = new(StringComparer.Ordinal)
    {
        ["ESCAPE"] = "Escape", ["UNESCAPE"] = "Unescape", ["ISMATCH"] = "IsMatch", ["MATCH"] = "Match", ["MATCHES"] = "Matches", ["REPLACE"] = "Replace", ["SPLIT"] = "Split",
    };

    [GeneratedRegex(@"^Invalid pattern '(?<pattern>.*)' at offset \d+\. (?<reason>.*)$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex InvalidPatternMessage();

    // The pattern is the second argument; the options (a name or names, "IgnoreCase, Multiline") the one after.
    private static Regex RegexOf(IReadOnlyList<PsValue> arguments, int optionsAt = 2)
    {
        var options = RegexOptions.CultureInvariant;
        if (arguments.Count > optionsAt && !IsNull(arguments[optionsAt]))
        {
            var text = Text(arguments[optionsAt]);
            if (!Enum.TryParse<RegexOptions>(text, ignoreCase: true, out var given) || (given & ~(RegexOptions.IgnoreCase | RegexOptions.Multiline | RegexOptions.Singleline | RegexOptions.ExplicitCapture | RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant | RegexOptions.None)) != 0)
            {
                throw new ArgumentException($"Cannot convert value \"{text}\" to type \"System.Text.RegularExpressions.RegexOptions\".");
            }

            options |= given;
        }

        return new Regex(Text(arguments[1]), options, MatchTimeout);
    }

    /// <summary>
    /// A Regex object (<c>[regex]'\d+'</c>, <c>[regex]::new(p, 'IgnoreCase')</c>, <c>New-Object regex p</c>): its pattern as
    /// its text, its Options, MatchTimeout and RightToLeft as .NET's; its methods are the static ones of its pattern.
    /// </summary>
    internal static PsObject NewRegex(IReadOnlyList<PsValue> arguments)
    {
        // Built once here so that a pattern .NET refuses is the constructor's error, as .NET's.
        var regex = RegexOf([PsPrimitive.String(string.Empty), .. arguments], optionsAt: 2);
        var options = regex.Options & ~RegexOptions.CultureInvariant;
        return new PsObject([RegexTypeName, "System.Object"]) { ToStringValue = regex.ToString() }
            .With("Options", PsObjects.Enum(["System.Text.RegularExpressions.RegexOptions", "System.Enum", "System.ValueType", "System.Object"], options.ToString(), (int)options))
            .With("MatchTimeout", PsPrimitive.Duration(System.Threading.Timeout.InfiniteTimeSpan))
            .With("RightToLeft", false);
    }

    // A Regex object's method: the static method of its pattern and options on the input (and the replacement).
    private static PsValue? RegexInstanceMethod(PsObject regex, string name, IReadOnlyList<PsValue> arguments)
    {
        var pattern = PsPrimitive.String(regex.ToStringValue ?? string.Empty);
        var options = regex["Options"] is PsObject { BaseValue: PsPrimitive { Value: int number } } ? PsPrimitive.String(((RegexOptions)number).ToString()) : (PsValue)PsNil.Instance;
        var method = name.ToUpperInvariant();
        return (method, arguments.Count) switch
        {
            ("ISMATCH" or "MATCH" or "MATCHES" or "SPLIT", 1) => RegexStaticMember(method, [arguments[0], pattern, options]),
            ("REPLACE", 2) => RegexStaticMember(method, [arguments[0], pattern, arguments[1], options]),
            ("GETGROUPNAMES", 0) => PsObjects.List(new Regex(pattern.Value.ToString()!, RegexOptions.None, MatchTimeout).GetGroupNames().Select(n => (PsValue)PsPrimitive.String(n)).ToList(), StringArrayTypeNames),
            ("ISMATCH" or "MATCH" or "MATCHES" or "SPLIT" or "REPLACE", var count) => throw new ScriptExpressionException(ScriptedError.MethodCount(RegexMethodNames[method], count)),
            _ => null,
        };
    }

    /// <summary>
    /// The matches a <c>[regex]::Replace(input, pattern, { evaluator } [, options])</c> replaces: each one's place in the
    /// input and its Match object (the script block, a MatchEvaluator, gives each one's replacement).
    /// </summary>
    internal static IReadOnlyList<(int Index, int Length, PsObject Match)> EvaluatorMatches(IReadOnlyList<PsValue> arguments)
    {
        try
        {
            return [.. RegexOf(arguments, optionsAt: 3).Matches(Text(arguments[0])).Select(m => (m.Index, m.Length, MatchObject(m)))];
        }
        catch (RegexMatchTimeoutException)
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault("[regex]::Replace ran past the emulator's time limit for a pattern"));
        }
        catch (ArgumentException e)
        {
            throw MethodError("Replace", arguments.Count, FrameworkPatternError(e));
        }
    }

    /// <summary>A Regex object's pattern and options as the static methods' arguments after the input (for its Replace with an evaluator).</summary>
    internal static (PsValue Pattern, PsValue Options) RegexArguments(PsObject regex) =>
        (PsPrimitive.String(regex.ToStringValue ?? string.Empty),
         regex["Options"] is PsObject { BaseValue: PsPrimitive { Value: int number } } ? PsPrimitive.String(((RegexOptions)number).ToString()) : PsNil.Instance);

    private static PsObject MatchObject(Match match)
    {
        var groups = PsObjects.List(match.Groups.Cast<Group>().Select(g => (PsValue)CaptureObject(g, GroupTypeNames)).ToList(), GroupCollectionTypeNames);
        return CaptureObject(match, MatchTypeNames).With("Groups", groups);
    }

    private static PsObject CaptureObject(Group group, string[] typeNames) => new PsObject(typeNames) { ToStringValue = group.Value }
        .With("Success", group.Success)
        .With("Name", group.Name)
        .With("Index", group.Index)
        .With("Length", group.Length)
        .With("Value", group.Value);
}
