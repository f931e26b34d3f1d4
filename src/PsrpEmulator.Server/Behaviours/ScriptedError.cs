using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// An error a behaviour reports, as data. It becomes a serialized ErrorRecord only when written to the host
/// (<see cref="ToErrorRecord"/>), so everything before that step is testable without the CLIXML layer.
/// </summary>
internal sealed partial record ScriptedError(string Message, string FullyQualifiedErrorId, ErrorCategory Category, string ExceptionType, string? TargetName = null)
{
    /// <summary>What Write-Error uses when the scenario does not say otherwise.</summary>
    public const string WriteErrorId = "Microsoft.PowerShell.Commands.WriteErrorException";

    public const string RuntimeExceptionType = "System.Management.Automation.RuntimeException";

    /// <summary>
    /// The .NET exception PowerShell's own exception wraps (its InnerException), which a <c>catch [Type]</c> is matched
    /// against first: <c>catch [DivideByZeroException]</c> takes <c>1/0</c>. Not serialized.
    /// </summary>
    public string? InnerExceptionType { get; init; }

    /// <summary>
    /// A parse error found in one statement's text: where in the whole script it is (its extent's start and length),
    /// when the script shows it certainly; null for none. Its message then starts with that place. Not serialized.
    /// </summary>
    public Func<string, (int Offset, int Length)?>? ParsePlace { get; init; }

    /// <summary>
    /// The exception PowerShell throws around the record's own (a thrown .NET exception travels in a RuntimeException),
    /// which a catch is matched against after it. Not serialized.
    /// </summary>
    public string? WrappingExceptionType { get; init; }

    /// <summary>
    /// The command that wrote the error (its CategoryInfo's Activity: "NotSpecified: (:) [Write-Error], ..."); null for
    /// an error no command wrote (throw, an unknown command, an expression's).
    /// </summary>
    public string? Activity { get; init; }

    /// <summary>
    /// The function or script file Write-Error ran in, whose InvocationInfo the record takes (null: the script's top
    /// level, or another command's error). Not serialized: the shell places the record by it.
    /// </summary>
    public ScriptCaller? Caller { get; init; }

    /// <summary>
    /// The exception itself, when the script threw one it made (<c>throw [IO.FileNotFoundException]::new('m', 'f')</c>):
    /// the record carries that object, with its own properties (FileName, ParamName, InnerException), not a copy made
    /// from its type and message.
    /// </summary>
    public PsObject? Exception { get; init; }

    /// <summary>The record's ErrorDetails message, which PowerShell shows instead of the exception's (a provider's "Cannot remove item ...").</summary>
    public string? DetailsMessage { get; init; }

    /// <summary>The TargetObject when it is not the TargetName's text (Write-Error -TargetObject 5: an Int32).</summary>
    public PsValue? TargetObject { get; init; }

    /// <summary>What Write-Error's -CategoryReason, -CategoryTargetType and -RecommendedAction set (null: the defaults).</summary>
    public string? Reason { get; init; }

    public string? TargetType { get; init; }

    public string? RecommendedAction { get; init; }

    /// <summary>Properties of the exception's own type it carries (ServiceCommandException's ServiceName); none by default.</summary>
    public IReadOnlyList<PsProperty>? ExceptionProperties { get; init; }

    /// <summary>Whether a value is an ErrorRecord (as the session made it, or deserialized).</summary>
    public static bool IsErrorRecord(PsValue? value) =>
        value is PsObject { TypeNames: [var first, ..] } && first is "System.Management.Automation.ErrorRecord" or "Deserialized.System.Management.Automation.ErrorRecord";

    /// <summary>The error an error record describes, to write or throw it again as it is (<c>throw $_</c>, Write-Error -ErrorRecord).</summary>
    public static ScriptedError FromRecord(PsObject record)
    {
        var info = ErrorRecords.Read(record);
        return new(info.Message, info.FullyQualifiedErrorId, info.Category, info.ExceptionType ?? RuntimeExceptionType, info.TargetName is { Length: > 0 } name ? name : null)
        {
            Activity = info.ActivityName is { Length: > 0 } activity ? activity : null,
            Reason = info.CategoryReason is { Length: > 0 } reason ? reason : null,
            TargetObject = record["TargetObject"] is { } target and not PsNil ? target : null,
        };
    }

    /// <summary>The production factory: PowerShell's serialized ErrorRecord.</summary>
    public static PsObject ToErrorRecord(ScriptedError error)
    {
        var record = ErrorRecords.Create(
            error.Message, error.FullyQualifiedErrorId, error.Category, error.ExceptionType, error.TargetName, error.Activity,
            targetObject: error.TargetObject ?? (error.TargetName is null ? null : PsPrimitive.String(error.TargetName)),
            exceptionBaseTypes: ExceptionTypes.BasesOf(error.ExceptionType));
        if (error.Caller is { } caller) ScriptCaller.Remember(record, caller);
        if (error.Exception is not null) record.With("Exception", error.Exception);
        else if (error.InnerExceptionType is { } innerType && record["Exception"] is PsObject { } outer)
        {
            // The .NET exception PowerShell's wraps is the exception's InnerException ($_.Exception.InnerException.Message),
            // its message the part of the outer one that quotes it.
            var properties = outer.AdaptedProperties;
            var at = properties.FindIndex(p => p.Name == "InnerException");
            if (at >= 0) properties[at] = new PsProperty("InnerException", ErrorRecords.CreateException(InnerMessage(error.Message), innerType, ExceptionTypes.BasesOf(innerType)));
        }
        if (error.ExceptionProperties is { } extra && error.Exception is null && record["Exception"] is PsObject { } own)
        {
            foreach (var property in extra) own.With(property.Name, property.Value);
        }

        if (error.DetailsMessage is not null)
        {
            // ErrorRecord.ToString is the ErrorDetails' message when it has one ("$_", the serialized ToString).
            record.With("ErrorDetails_Message", error.DetailsMessage);
            record.ToStringValue = error.DetailsMessage;
        }

        if (error.Reason is null && error.TargetType is null && error.RecommendedAction is null) return record;

        // CategoryInfo set field by field, and its text again from them, as ErrorCategoryInfo.GetMessage reads them.
        if (error.Reason is not null) record.With("ErrorCategory_Reason", error.Reason);
        if (error.TargetType is not null) record.With("ErrorCategory_TargetType", error.TargetType);
        record.With("ErrorCategory_Message",
            $"{error.Category}: ({record["ErrorCategory_TargetName"].AsString()}:{record["ErrorCategory_TargetType"].AsString()}) [{record["ErrorCategory_Activity"].AsString()}], {record["ErrorCategory_Reason"].AsString()}");
        if (error.RecommendedAction is not null)
        {
            // Write-Error -RecommendedAction gives the record ErrorDetails whose message is the record's own (ErrorRecord.ToString:
            // the ErrorDetails' message it has already, else the exception's).
            record.With("ErrorDetails_Message", error.DetailsMessage ?? error.Message).With("ErrorDetails_RecommendedAction", error.RecommendedAction);
        }

        return record;
    }

    // The wrapped exception's message: the quoted part of 'Exception calling "M" with "n" argument(s): "..."', what follows
    // "due to the following error: ", else the message itself.
    private static string InnerMessage(string message) =>
        WrappedMessage().Match(message) is { Success: true } wrapped ? wrapped.Groups["inner"].Value : message;

    [System.Text.RegularExpressions.GeneratedRegex(@"\A(?:Exception (?:calling|setting|getting) ""[^""]*""(?: with ""\d+"" argument\(s\))?: ""(?<inner>.*)""|.*? due to the following error: (?<inner>.*))\z", System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex WrappedMessage();

    /// <summary>
    /// Windows PowerShell 5.1's answer to an unknown command name (one line; PowerShell 7 says "as a name of ...
    /// executable program." and puts the advice on a line of its own).
    /// </summary>
    public static ScriptedError CommandNotFound(string name) => new(
        $"The term '{name}' is not recognized as the name of a cmdlet, function, script file, or operable program. " +
        "Check the spelling of the name, or if a path was included, verify that the path is correct and try again.",
        "CommandNotFoundException", ErrorCategory.ObjectNotFound, "System.Management.Automation.CommandNotFoundException", name);

    /// <summary>
    /// A command no rule answers: one Windows has (<see cref="WindowsCommands"/>: Test-Path, Get-ChildItem, ipconfig) is
    /// one the emulator does not emulate, which a scenario error says; any other is PowerShell's CommandNotFoundException.
    /// </summary>
    public static ScriptedError UnknownCommand(string name) => WindowsCommands.Has(name) ? NotEmulatedCommand(name) : CommandNotFound(name);

    /// <summary>The scenario error of a command Windows has that no rule answers.</summary>
    public static ScriptedError NotEmulatedCommand(string name) =>
        ScenarioFault($"{name} is a command Windows has that the emulator does not emulate as written: give the command a rule (match: its whole text)");

    /// <summary>
    /// What a statement nothing answers gets: a type in brackets PowerShell would not find (<c>[Foo]</c>, <c>[Foo]::Bar</c>,
    /// <c>[Foo]$x</c>) is TypeNotFound; a known type's member the emulator does not emulate is MethodNotFound (a method)
    /// or says so (a property); anything else is an unknown command (<see cref="UnknownCommand"/>): <paramref name="commandName"/>,
    /// else the text's first word.
    /// </summary>
    public static ScriptedError NotAnswered(string text, string? commandName = null)
    {
        if (ScriptExpressions.TypeExpression(text) is var (typeName, after))
        {
            if (ScriptExpressions.ResolveType(typeName) is not { } type)
            {
                // A .NET type a Windows server has ([System.Net.Dns]) is one the emulator does not emulate, not one
                // PowerShell would not find.
                return ScriptExpressions.IsDotNetTypeName(typeName)
                    ? ScenarioFault($"[{typeName}] is a .NET type the emulator does not emulate: give the command a rule (match: its whole text)")
                    : new($"Unable to find type [{typeName}].", "TypeNotFound", ErrorCategory.InvalidOperation, RuntimeExceptionType, typeName);
            }

            // A method is PowerShell's MethodNotFound only on a type whose every member the emulator answers; on
            // another ([Environment], [System.Net.Dns]) .NET may well have it.
            ScriptedError StaticMethodError(string method) => ScriptExpressions.AnswersEveryStaticMember(type)
                ? MethodNotFound(method, type.FullName)
                : ScenarioFault($"[{type.FullName}]::{method}() is not emulated: give the command a rule (match: its whole text)");

            if (ScriptExpressions.StaticMemberSyntax(after) is var (member, arguments))
            {
                return arguments is null ? ScenarioFault($"the emulator does not know the static property [{type.FullName}]::{member}") : StaticMethodError(member);
            }

            // [Environment]::Foo().Count: a static method's result read further is the method's own error.
            if (StaticMethodChain().Match(after) is { Success: true } call) return StaticMethodError(call.Groups["member"].Value);

            // [Environment]::OSVersion.Version: a static property the emulator does not know, read further.
            if (StaticPropertyChain().Match(after) is { Success: true } chain)
            {
                return ScenarioFault($"the emulator does not know the static property [{type.FullName}]::{chain.Groups["member"].Value}");
            }

            // [IntPtr]5: a known type the emulator makes no value of.
            if (type.FullName == "System.IntPtr" && after.Trim().Length > 0)
            {
                return ScenarioFault($"[{typeName}] is a .NET type the emulator does not emulate: give the command a rule (match: its whole text)");
            }
        }

        // Keywords of Windows PowerShell 5.1's language the emulator does not run: what PowerShell would parse is not
        // an unknown command (CommandNotFoundException would say Windows has no such thing).
        if (NotEmulatedKeyword().Match(text) is { Success: true } keyword)
        {
            var what = keyword.Groups["keyword"].Value.ToLowerInvariant() switch
            {
                "configuration" => "A DSC configuration",
                _ => "'using " + keyword.Groups["what"].Value.ToLowerInvariant() + "'",
            };
            return ScenarioFault($"{what} is PowerShell the emulator does not run: give the script a rule (match: its whole text)");
        }

        // A statement that leaves a parameter without its argument fails in the binder before anything runs.
        return RunContext.MissingArgumentOf(text) ?? UnknownCommand(commandName ?? UnknownCommandScript.FirstWordOf(text));
    }

    // using module/assembly, configuration Name { } (DSC).
    [System.Text.RegularExpressions.GeneratedRegex(
        @"^\s*(?:(?<keyword>using)\s+(?<what>module|assembly)\b|(?<keyword>configuration)\s+\w+\s*\{)",
        System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex NotEmulatedKeyword();

    /// <summary>The reason PowerShell gives for a pipeline stopped by the client (Ctrl+C / Stop()).</summary>
    public static readonly ScriptedError PipelineStopped = new(
        "The pipeline has been stopped.", "PipelineStopped", ErrorCategory.OperationStopped,
        "System.Management.Automation.PipelineStoppedException");

    /// <summary>A script PowerShell's parser refuses (the reason of the failed pipeline).</summary>
    public static ScriptedError ParseError(string message, string id, Func<string, (int Offset, int Length)?>? place = null) => new(
        message, id, ErrorCategory.ParserError, "System.Management.Automation.ParseException") { ParsePlace = place };

    /// <summary>
    /// PowerShell's WildcardPatternException for a pattern with a '[' set that is not closed or is empty (<c>'a' -like
    /// 'a[b'</c>); escaping from an operator it is a RuntimeException, OperationStopped (UNVERIFIED category).
    /// </summary>
    public static ScriptedError InvalidWildcardPattern(string pattern) => new(
        $"The specified wildcard character pattern is not valid: {pattern}", "RuntimeException", ErrorCategory.OperationStopped, "System.Management.Automation.WildcardPatternException", null);

    /// <summary><c>-match</c> (or <c>-like</c>) with a pattern .NET cannot use: the statement's terminating error.</summary>
    public static ScriptedError InvalidRegularExpression(string pattern) => new(
        $"The regular expression pattern {pattern} is not valid.", "InvalidRegularExpression", ErrorCategory.InvalidOperation, RuntimeExceptionType, pattern)
    {
        // .NET Framework's Regex throws ArgumentException (.NET 7 and later: RegexParseException, derived from it).
        InnerExceptionType = "System.ArgumentException",
    };

    /// <summary>A client's pattern that ran past the emulator's match timeout (PowerShell would go on matching).</summary>
    public static ScriptedError RegularExpressionTimedOut(string pattern) => new(
        $"The emulator stopped matching the regular expression pattern {pattern} after one second.", "RegularExpressionTimedOut", ErrorCategory.OperationTimeout, RuntimeExceptionType, pattern);

    /// <summary>Arithmetic with a value that is no number (<c>1 + 'abc'</c>), as PowerShell words it.</summary>
    public static ScriptedError CannotConvertToNumber(string value) => new(
        $"Cannot convert value \"{value}\" to type \"System.Int32\". Error: \"Input string was not in a correct format.\"",
        "InvalidCastFromStringToInteger", ErrorCategory.InvalidArgument, RuntimeExceptionType, value)
    {
        InnerExceptionType = "System.Management.Automation.PSInvalidCastException",
    };

    /// <summary>
    /// <c>-f</c> with a format its arguments do not fit (<c>'{1}' -f 'a'</c>): PowerShell's "Error formatting a string: {0}."
    /// around .NET's message, which has its own period (pwsh 7.6: "...argument list..").
    /// </summary>
    public static ScriptedError FormatError(string reason) => new(
        $"Error formatting a string: {reason}.", "FormatError", ErrorCategory.InvalidOperation, RuntimeExceptionType)
    {
        InnerExceptionType = "System.FormatException",
    };

    /// <summary>Function calls nested past PowerShell's limit.</summary>
    public static ScriptedError CallDepthOverflow(int limit) => new(
        $"The script failed due to call depth overflow.  The call depth reached {limit + 1} and the maximum is {limit}.", "CallDepthOverflow",
        ErrorCategory.InvalidOperation, "System.Management.Automation.ScriptCallDepthException");

    /// <summary>
    /// PowerShell's parse error for a statement that starts with a literal and has another token after it ('a' 'b', 3 4);
    /// null for any other statement.
    /// </summary>
    public static ScriptedError? UnexpectedTokenAfterLiteral(string statement) =>
        Statements.TokenAfterLiteralAt(statement) is var (text, start, end) && Statements.Split(statement).Count <= 1 && !ScriptExpressions.HasPipeline(statement)
            // On the token, where the statement's text is in the script once (a subexpression's or an argument's too).
            ? ParseError($"Unexpected token '{text[start..end]}' in expression or statement.", "UnexpectedToken", script => Statements.PlaceInStatement(script, text, start, end - start))
            : null;

    /// <summary>
    /// A .NET method's argument its parameter's type does not take (PowerShell's MethodException), named by the
    /// parameter or, for an operator's op_ method, its position; <paramref name="reason"/> is the conversion's own error.
    /// </summary>
    public static ScriptedError MethodArgumentConversion(string parameter, string value, string method, string typeName, string reason) => new(
        $"Cannot convert argument \"{parameter}\", with value: \"{value}\", for \"{method}\" to type \"{typeName}\": \"{reason}\"",
        "MethodArgumentConversionInvalidCastArgument", ErrorCategory.NotSpecified, "System.Management.Automation.MethodException");

    /// <summary>An index into $null (RuntimeException, NullArray).</summary>
    public static ScriptedError NullArray => new("Cannot index into a null array.", "NullArray", ErrorCategory.InvalidOperation, RuntimeExceptionType);

    /// <summary>A method the value has not (for the emulator: one it does not emulate), as PowerShell words it.</summary>
    public static ScriptedError MethodNotFound(string method, string typeName) => new(
        $"Method invocation failed because [{typeName}] does not contain a method named '{method}'.", "MethodNotFound",
        ErrorCategory.InvalidOperation, RuntimeExceptionType);

    /// <summary>A .NET method called with a number of arguments none of its overloads takes (PowerShell's MethodException).</summary>
    public static ScriptedError MethodCount(string method, int count) => new(
        $"Cannot find an overload for \"{method}\" and the argument count: \"{count}\".", "MethodCountCouldNotFindBest",
        ErrorCategory.NotSpecified, "System.Management.Automation.MethodException");

    /// <summary>A .NET method that threw, as PowerShell reports it.</summary>
    public static ScriptedError MethodInvocation(string method, int count, string reason, Type exception) =>
        MethodInvocation(method, count, reason, exception.FullName!);

    /// <summary>A method that threw an exception of PowerShell's own (<paramref name="exceptionType"/>, its full name), as PowerShell reports it.</summary>
    public static ScriptedError MethodInvocation(string method, int count, string reason, string exceptionType) => new(
        $"Exception calling \"{method}\" with \"{count}\" argument(s): \"{reason}\"", exceptionType[(exceptionType.LastIndexOf('.') + 1)..],
        ErrorCategory.NotSpecified, "System.Management.Automation.MethodInvocationException")
    {
        InnerExceptionType = exceptionType,
    };

    /// <summary>Division (or remainder) by zero.</summary>
    public static readonly ScriptedError DivideByZero = new(
        "Attempted to divide by zero.", "RuntimeException", ErrorCategory.NotSpecified, RuntimeExceptionType)
    {
        InnerExceptionType = "System.DivideByZeroException",
    };

    /// <summary>A scenario that could only be found wrong while running (e.g. a capture that is not a number).</summary>
    public static ScriptedError ScenarioFault(string message) => new(
        message, "PsrpEmulator.ScenarioError", ErrorCategory.InvalidData, "System.InvalidOperationException");

    [System.Text.RegularExpressions.GeneratedRegex(@"^::(?<member>\w+)\.\w", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex StaticPropertyChain();

    [System.Text.RegularExpressions.GeneratedRegex(@"^::(?<member>\w+)\(", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex StaticMethodChain();
}
