using System.Globalization;
using System.Text.RegularExpressions;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Types in expressions: casts (<c>[int]$x</c>, <c>[void]</c>), <c>-is</c> / <c>-isnot</c> / <c>-as</c>, static members
/// scripts use most (<c>[Math]::Round(...)</c>, <c>[string]::IsNullOrEmpty(...)</c>, <c>[int]::MaxValue</c>,
/// <c>[DateTime]::Now</c>), and the bitwise operators. Only the types listed here are known; a cast or a static member
/// of another type is left to the rules (a scenario can answer it), and <c>-is</c> compares another type's name with
/// the object's type names.
/// </summary>
internal static partial class ScriptExpressions
{
    private static PsObject CharArray(IEnumerable<char> chars) => PsObjects.List([.. chars.Select(c => (PsValue)PsPrimitive.Char(c))], ["System.Char[]", "System.Array", "System.Object"]);

    internal const string CultureInfoTypeName = "System.Globalization.CultureInfo";

    /// <summary>The culture a provider argument names: .NET's invariant one for [cultureinfo]::InvariantCulture, else the session's en-US.</summary>
    internal static CultureInfo ProviderCulture(PsValue provider) =>
        provider is PsObject { TypeNames: [CultureInfoTypeName, ..], ToStringValue: "" } ? CultureInfo.InvariantCulture : EnglishUnitedStates.Culture;
    internal const string IPAddressTypeName = "System.Net.IPAddress";

    /// <summary>
    /// <c>[cultureinfo]'en-US'</c>, <c>[cultureinfo]::GetCultureInfo(name)</c>, <c>New-Object Globalization.CultureInfo name</c>: en-US
    /// (or 1033) and the invariant culture ('' or 127), the ones the emulator formats with; another culture is a scenario
    /// error (Windows has it; the emulator has no other culture's data).
    /// </summary>
    internal static PsObject CultureNamed(PsValue value)
    {
        var text = PipelineVariables.Display(value).Trim();
        return text.Equals("en-US", StringComparison.OrdinalIgnoreCase) || text == "1033" ? CultureInfoObject("en-US", 1033, "English (United States)", "en", "eng")
            : text.Length == 0 || text == "127" ? CultureInfoObject(string.Empty, 127, "Invariant Language (Invariant Country)", "iv", "ivl")
            : throw new ScriptExpressionException(ScriptedError.ScenarioFault($"The culture '{text}' is not emulated (only en-US and the invariant culture are): give the command a rule"));
    }

    private static PsObject CultureInfoObject(string name, int lcid, string displayName, string twoLetters, string threeLetters)
    {
        // The .NET Framework's en-US (or invariant) formats: what scripts read to format and parse dates and numbers.
        var culture = name.Length == 0 ? CultureInfo.InvariantCulture : EnglishUnitedStates.Culture;
        var dates = culture.DateTimeFormat;
        var dateTimeFormat = new PsObject(["System.Globalization.DateTimeFormatInfo", "System.Object"]) { ToStringValue = "System.Globalization.DateTimeFormatInfo" }
            .With("AMDesignator", dates.AMDesignator).With("DateSeparator", dates.DateSeparator)
            .With("FirstDayOfWeek", PsObjects.Enum("System.DayOfWeek", dates.FirstDayOfWeek.ToString(), (int)dates.FirstDayOfWeek))
            .With("FullDateTimePattern", dates.FullDateTimePattern).With("LongDatePattern", dates.LongDatePattern).With("LongTimePattern", dates.LongTimePattern)
            .With("MonthDayPattern", dates.MonthDayPattern).With("PMDesignator", dates.PMDesignator).With("RFC1123Pattern", dates.RFC1123Pattern)
            .With("ShortDatePattern", dates.ShortDatePattern).With("ShortTimePattern", dates.ShortTimePattern).With("SortableDateTimePattern", dates.SortableDateTimePattern)
            .With("TimeSeparator", dates.TimeSeparator).With("UniversalSortableDateTimePattern", dates.UniversalSortableDateTimePattern).With("YearMonthPattern", dates.YearMonthPattern)
            .With("DayNames", PsObjects.List([.. dates.DayNames.Select(d => (PsValue)PsPrimitive.String(d))], StringArrayTypeNames))
            .With("MonthNames", PsObjects.List([.. dates.MonthNames.Select(m => (PsValue)PsPrimitive.String(m))], StringArrayTypeNames));
        var numbers = culture.NumberFormat;
        var numberFormat = new PsObject(["System.Globalization.NumberFormatInfo", "System.Object"]) { ToStringValue = "System.Globalization.NumberFormatInfo" }
            .With("CurrencyDecimalDigits", numbers.CurrencyDecimalDigits).With("CurrencyDecimalSeparator", numbers.CurrencyDecimalSeparator)
            .With("CurrencyGroupSeparator", numbers.CurrencyGroupSeparator).With("CurrencySymbol", numbers.CurrencySymbol)
            .With("NaNSymbol", numbers.NaNSymbol).With("NegativeSign", numbers.NegativeSign).With("NumberDecimalDigits", numbers.NumberDecimalDigits)
            .With("NumberDecimalSeparator", numbers.NumberDecimalSeparator).With("NumberGroupSeparator", numbers.NumberGroupSeparator)
            .With("PercentSymbol", numbers.PercentSymbol).With("PositiveSign", numbers.PositiveSign);
        var textInfo = new PsObject([TextInfoTypeName, "System.Object"]) { ToStringValue = "TextInfo - " + (name.Length == 0 ? "" : name) }
            .With("ANSICodePage", 1252).With("OEMCodePage", 437).With("MacCodePage", 10000).With("EBCDICCodePage", 37).With("LCID", lcid)
            .With("CultureName", name).With("IsReadOnly", true).With("ListSeparator", ",").With("IsRightToLeft", false);
        return new PsObject([CultureInfoTypeName, "System.Object"]) { ToStringValue = name }
            .With("LCID", PsPrimitive.Int32(lcid)).With("Name", name).With("DisplayName", displayName).With("IetfLanguageTag", name)
            .With("ThreeLetterISOLanguageName", threeLetters).With("TwoLetterISOLanguageName", twoLetters).With("IsNeutralCulture", false)
            .With("TextInfo", textInfo).With("DateTimeFormat", dateTimeFormat).With("NumberFormat", numberFormat);
    }

    internal const string TextInfoTypeName = "System.Globalization.TextInfo";

    /// <summary>A TextInfo's methods (<c>(Get-Culture).TextInfo.ToTitleCase('hello world')</c>): en-US's; null for another.</summary>
    internal static PsValue? TextInfoMethod(PsObject textInfo, string method, IReadOnlyList<PsValue> arguments)
    {
        if (textInfo.TypeNames is not [TextInfoTypeName, ..] || arguments.Count != 1) return null;
        var text = Text(arguments[0]);
        var info = EnglishUnitedStates.Culture.TextInfo;
        return method.ToUpperInvariant() switch
        {
            "TOTITLECASE" => PsPrimitive.String(info.ToTitleCase(text)),
            "TOUPPER" => PsPrimitive.String(info.ToUpper(text)),
            "TOLOWER" => PsPrimitive.String(info.ToLower(text)),
            _ => null,
        };
    }

    /// <summary>The computers' time zone as a TimeZoneInfo (Get-TimeZone's, [TimeZoneInfo]::Local): UTC, the clock the emulator's dates are in.</summary>
    internal static PsObject UtcTimeZoneInfo() => new PsObject(["System.TimeZoneInfo", "System.Object"]) { ToStringValue = "(UTC) Coordinated Universal Time" }
        .With("Id", "UTC").With("DisplayName", "(UTC) Coordinated Universal Time").With("StandardName", "Coordinated Universal Time")
        .With("DaylightName", "Coordinated Universal Time").With("BaseUtcOffset", PsPrimitive.Duration(TimeSpan.Zero)).With("SupportsDaylightSavingTime", false);

    /// <summary>A type the emulator converts to and tests for: its full .NET name.</summary>
    internal sealed record KnownType(string FullName, string? ElementType = null)
    {
        public bool IsArray => ElementType is not null && !IsGenericList && !IsGenericDictionary && !IsGenericQueueOrStack(FullName) || FullName == "System.Object[]";

        /// <summary>The name <see cref="ResolveType"/> reads back as this type: a generic one's with its arguments in brackets (<c>System.Collections.Generic.List[System.String]</c>), where its full name has the arity only.</summary>
        public string ScriptName => TypeArguments is { } typeArguments && FullName.IndexOf('`', StringComparison.Ordinal) is var arity and > 0
            ? $"{FullName[..arity]}[{string.Join(',', typeArguments)}]"
            : (IsGenericList || IsGenericDictionary || IsGenericQueueOrStack(FullName)) && FullName.IndexOf('`', StringComparison.Ordinal) is var tick and > 0
            ? $"{FullName[..tick]}[{(IsGenericDictionary ? KeyType + "," : string.Empty)}{ElementType}]"
            : FullName;

        /// <summary>System.Collections.Generic.Dictionary[K,V]: <see cref="KeyType"/> is K, <see cref="ElementType"/> V.</summary>
        public bool IsGenericDictionary { get; init; }

        /// <summary>A generic dictionary's key type.</summary>
        public string? KeyType { get; init; }

        /// <summary>System.Tuple[T1,...]: its type arguments, each as a script names it; null for another type.</summary>
        public IReadOnlyList<string>? TypeArguments { get; init; }

        /// <summary>Queue or Stack for System.Collections.Queue/Stack and their generic forms (items in enumeration order: a queue's front, a stack's top first); None for another type.</summary>
        public PsCollectionKind QueueOrStack => FullName switch
        {
            QueueTypeName or GenericQueueTypeName or ConcurrentQueueTypeName => PsCollectionKind.Queue,
            StackTypeName or GenericStackTypeName or ConcurrentStackTypeName or ConcurrentBagTypeName => PsCollectionKind.Stack,
            _ => PsCollectionKind.None,
        };

        /// <summary>A new empty queue or stack of this type.</summary>
        public PsObject NewQueueOrStack() => new(ElementType is null ? [FullName, "System.Object"] : ObjectTypeNames) { CollectionKind = QueueOrStack };

        /// <summary>A new empty Dictionary[K,V]: its text is .NET's type name (<c>"$d"</c> is <c>System.Collections.Generic.Dictionary`2[System.String,System.Int32]</c>).</summary>
        public PsObject NewDictionary()
        {
            var dictionary = PsObjects.Dictionary([], ObjectTypeNames);
            dictionary.ToStringValue = TypeToString(ObjectTypeNames[0]);
            return dictionary;
        }

        /// <summary>An exception a script can make and throw (<see cref="ExceptionTypes.Constructible"/>).</summary>
        public bool IsException { get; init; }

        /// <summary>System.Collections.Generic.List[T] (<see cref="ElementType"/> is T): a list that grows in place, as ArrayList.</summary>
        public bool IsGenericList { get; init; }

        /// <summary>The type names an object of this type carries (a generic list's as Windows PowerShell 5.1 writes them).</summary>
        public IReadOnlyList<string> ObjectTypeNames => TypeArguments is { } typeArguments
            ? [$"{FullName}[{string.Join(',', typeArguments.Select(QualifiedTypeArgument))}]", "System.Object"]
            : IsGenericList || (ElementType is not null && IsGenericQueueOrStack(FullName))
            ? [$"{FullName}[{QualifiedTypeArgument(ElementType!)}]", "System.Object"]
            : IsGenericDictionary
            ? [$"{FullName}[{QualifiedTypeArgument(KeyType!)},{QualifiedTypeArgument(ElementType!)}]", "System.Object"]
            : [FullName, "System.Object"];

        /// <summary>System.Collections.Generic.HashSet[T]: a generic list (<see cref="IsGenericList"/>) whose items are distinct.</summary>
        public bool IsHashSet => IsGenericList && FullName is HashSetTypeName or SortedSetTypeName;

        /// <summary>The type's runtime name, as its objects' GetType().FullName gives it: a generic one's with its arguments and their assemblies.</summary>
        public string RuntimeName => IsGenericList || IsGenericDictionary || (ElementType is not null && QueueOrStack != PsCollectionKind.None) ? ObjectTypeNames[0] : FullName;
    }


    internal const string FileStreamTypeName = "System.IO.FileStream";
    internal const string ZipFileTypeName = "System.IO.Compression.ZipFile";
    internal const string FileVersionInfoTypeName = "System.Diagnostics.FileVersionInfo";
    internal const string StopwatchTypeName = "System.Diagnostics.Stopwatch";
    internal const string ServicePointManagerTypeName = "System.Net.ServicePointManager";

    /// <summary>
    /// The enums scripts name in the arguments of the emulated .NET calls (<c>[IO.FileMode]::Open</c>), with .NET's own
    /// members: fixed here, never a type a client names.
    /// </summary>
    private static readonly Dictionary<string, Type> EnumTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["System.IO.FileMode"] = typeof(System.IO.FileMode),
        ["System.IO.FileAccess"] = typeof(System.IO.FileAccess),
        ["System.IO.FileShare"] = typeof(System.IO.FileShare),
        ["System.IO.SeekOrigin"] = typeof(System.IO.SeekOrigin),
        ["System.Reflection.BindingFlags"] = typeof(System.Reflection.BindingFlags),
        // The string methods' comparisons and Split's options ('a'.StartsWith('A', [StringComparison]::OrdinalIgnoreCase)).
        ["System.StringComparison"] = typeof(StringComparison),
        ["System.StringSplitOptions"] = typeof(StringSplitOptions),
        // [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12.
        ["System.Net.SecurityProtocolType"] = typeof(System.Net.SecurityProtocolType),
        // [datetime]::SpecifyKind($date, [DateTimeKind]::Utc), $date.Kind -eq [DateTimeKind]::Local.
        ["System.DateTimeKind"] = typeof(DateTimeKind),
        // [math]::Round(2.5, [MidpointRounding]::AwayFromZero).
        ["System.MidpointRounding"] = typeof(MidpointRounding),
        // [Environment]::SetEnvironmentVariable('X', 'y', [EnvironmentVariableTarget]::Machine).
        ["System.EnvironmentVariableTarget"] = typeof(EnvironmentVariableTarget),
        // $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator).
        ["System.Security.Principal.WindowsBuiltInRole"] = typeof(System.Security.Principal.WindowsBuiltInRole),
        // New-Object System.Security.Principal.SecurityIdentifier([Security.Principal.WellKnownSidType]::BuiltinAdministratorsSid, $null).
        ["System.Security.Principal.WellKnownSidType"] = typeof(WellKnownSidKind),
        // $items.Where({ ... }, [System.Management.Automation.WhereOperatorSelectionMode]::Split).
        ["System.Management.Automation.WhereOperatorSelectionMode"] = typeof(WhereOperatorSelectionMode),
        // [Environment]::GetFolderPath([Environment+SpecialFolder]::MyDocuments).
        ["System.Environment+SpecialFolder"] = typeof(Environment.SpecialFolder),
        // New-Object System.Security.Cryptography.CryptoStream $in, $transform, [System.Security.Cryptography.CryptoStreamMode]::Read.
        ["System.Security.Cryptography.CryptoStreamMode"] = typeof(System.Security.Cryptography.CryptoStreamMode),
        // New-Object System.Security.AccessControl.FileSystemAccessRule($who, [System.Security.AccessControl.FileSystemRights]::Modify, ...).
        ["System.Security.AccessControl.FileSystemRights"] = typeof(System.Security.AccessControl.FileSystemRights),
        ["System.Security.AccessControl.InheritanceFlags"] = typeof(System.Security.AccessControl.InheritanceFlags),
        ["System.Security.AccessControl.PropagationFlags"] = typeof(System.Security.AccessControl.PropagationFlags),
        ["System.Security.AccessControl.AccessControlType"] = typeof(System.Security.AccessControl.AccessControlType),
        // (Get-Service X).Status -eq [System.ServiceProcess.ServiceControllerStatus]::Running, $svc.WaitForStatus([ServiceProcess.ServiceControllerStatus]::Stopped, ...).
        ["System.ServiceProcess.ServiceControllerStatus"] = typeof(ServiceControllerStatusKind),
        ["System.ServiceProcess.ServiceStartMode"] = typeof(ServiceStartModeKind),
        ["System.ServiceProcess.ServiceType"] = typeof(ServiceTypeKind),
        // (Get-Date).DayOfWeek -eq [DayOfWeek]::Sunday, Write-Host -ForegroundColor ([ConsoleColor]::Red), $item.Attributes -band [IO.FileAttributes]::Hidden.
        ["System.DayOfWeek"] = typeof(DayOfWeek),
        ["System.ConsoleColor"] = typeof(ConsoleColor),
        ["System.IO.FileAttributes"] = typeof(System.IO.FileAttributes),
        // [IO.Directory]::GetFiles($path, '*', [IO.SearchOption]::AllDirectories).
        ["System.IO.SearchOption"] = typeof(System.IO.SearchOption),
        // [System.Management.Automation.ErrorRecord]::new($exception, 'Id', [System.Management.Automation.ErrorCategory]::InvalidOperation, $target).
        ["System.Management.Automation.ErrorCategory"] = typeof(Protocol.Psrp.ErrorCategory),
    };

    internal const string EnumTypeNameOfEnum = "System.Enum";

    /// <summary>An enum by name: the session's own (<c>enum Name { }</c>) before the emulator's table.</summary>
    private static bool TryGetEnumType(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? type)
    {
        type = ScriptTypes.Current?.Enum(name);
        return type is not null || EnumTypes.TryGetValue(name, out type);
    }

    internal static bool IsEnumType(string name) => TryGetEnumType(name, out _);

    /// <summary>An enum's value of that number: its member's name, or the number itself where no member has it (an enum's default).</summary>
    internal static PsObject EnumCastOrNumber(string typeName, int value) =>
        TryGetEnumType(typeName, out var type) ? PsObjects.Enum(EnumTypeName(type), Enum.ToObject(type, value).ToString()!, value) : PsObjects.Enum(typeName, value.ToString(CultureInfo.InvariantCulture), value);

    // [char]::IsDigit(c) / (s, index): the character; null for text of another length or an index outside it.
    private static char? CharArgument(IReadOnlyList<PsValue> arguments)
    {
        if (arguments[0] is PsPrimitive { Value: char c } && arguments.Count == 1) return c;
        var text = Text(arguments[0]);
        if (arguments.Count == 1) return text.Length == 1 ? text[0] : null;
        return AsNumber(arguments[1]) is { } index && index >= 0 && index < text.Length ? text[(int)index] : null;
    }

    // [enum]::X([SomeEnum], ...)'s type argument: an enum the emulator knows; another type is the emulator's scenario error.
    private static Type EnumTypeArgument(PsValue value, string method) =>
        value is PsObject { TypeNames: [..] } typeObject && typeObject["FullName"] is { } fullName && TryGetEnumType(Text(fullName), out var type) ? type
        : TryGetEnumType(Text(value), out var named) ? named
        : throw new ScriptExpressionException(ScriptedError.ScenarioFault($"[enum]::{method} of {Text(value)}: an enum type the emulator does not emulate: give the command a rule"));

    // An enum's name as Windows has it: the key it is listed under (the emulator's own stand-in types have others).
    private static string EnumTypeName(Type type) => EnumTypes.FirstOrDefault(e => e.Value == type).Key ?? type.FullName!;

    // After EnumTypes: static fields are set in the order they are written, and BuildTypes reads it.
    private static readonly Dictionary<string, KnownType> Types = BuildTypes();

    // A value as a member of the enum type: the enum's own value, its number, or its name(s); null when it is none.
    private static object? EnumValue(Type type, PsValue? value)
    {
        var flags = type.IsDefined(typeof(FlagsAttribute), false);
        if (value is PsObject { BaseValue: { Value: int number } } && (flags || Enum.IsDefined(type, number))) return Enum.ToObject(type, number);
        if (AsNumber(value) is { } n && n == Math.Floor(n) && n is >= int.MinValue and <= int.MaxValue && (flags || Enum.IsDefined(type, (int)n))) return Enum.ToObject(type, (int)n);
        var text = Text(value);
        // Names only (Enum.TryParse would take "7" for any number): "Tls11, Tls12" is two of them.
        return text.Length > 0 && !text.Split(',').Any(part => double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) &&
            Enum.TryParse(type, text, ignoreCase: true, out var parsed) ? parsed : null;
    }

    /// <summary>A cast to an enum the emulator knows (<c>[Reflection.BindingFlags]'NonPublic, Instance'</c>): its value as PowerShell shows one.</summary>
    internal static PsObject? EnumCast(string typeName, PsValue? value)
    {
        if (!TryGetEnumType(typeName, out var type)) return null;
        var converted = EnumValue(type, value) ?? throw new ScriptExpressionException((UndefinedEnumValue(type, typeName, value) ?? new ScriptedError(
            $"Cannot convert value \"{Text(value)}\" to type \"{typeName}\". Error: \"Unable to match the identifier name {Text(value)} to a valid enumerator name. Specify one of the following enumerator names and try again:\r\n{string.Join(", ", Enum.GetNames(type))}\"",
            "InvalidCastFromStringToEnum", Protocol.Psrp.ErrorCategory.InvalidArgument, ScriptedError.RuntimeExceptionType)) with { InnerExceptionType = "System.Management.Automation.PSInvalidCastException" });
        return PsObjects.Enum(typeName, converted.ToString()!, Convert.ToInt32(converted, CultureInfo.InvariantCulture));
    }

    // A number no member of a (non-flags) enum has: LanguagePrimitives' UndefinedIntegerToEnum for an integer,
    // EnumParseUndefined for a number in text or a double; null for a value that is no number (a name).
    private static ScriptedError? UndefinedEnumValue(Type type, string typeName, PsValue? value)
    {
        var integer = (value is PsObject { BaseValue: { } b } ? b : value) is PsPrimitive { Value: int or long or short or byte or sbyte or ushort or uint or ulong };
        if (!integer && AsNumber(value) is null) return null;
        return new ScriptedError(
            $"Cannot convert value \"{Text(value)}\" to type \"{typeName}\" due to enumeration values that are not valid. Specify one of the following enumeration values and try again. The possible enumeration values are \"{string.Join(",", Enum.GetNames(type))}\".",
            integer ? "UndefinedIntegerToEnum" : "EnumParseUndefined", Protocol.Psrp.ErrorCategory.InvalidArgument, ScriptedError.RuntimeExceptionType);
    }

    /// <summary>A member of an enum the emulator knows (<see cref="EnumTypes"/>), as PowerShell shows one; null for another name.</summary>
    private static PsObject? EnumMember(string typeName, string member) =>
        TryGetEnumType(typeName, out var type) && Enum.GetNames(type).FirstOrDefault(n => n.Equals(member, StringComparison.OrdinalIgnoreCase)) is { } name
            ? PsObjects.Enum(typeName, name, Convert.ToInt32(Enum.Parse(type, name), CultureInfo.InvariantCulture))
            : null;

    /// <summary>
    /// An argument for a parameter of enum type <typeparamref name="T"/>, converted as PowerShell converts one: the enum's
    /// value, its number, or its name (names joined by commas for a flags enum).
    /// </summary>
    internal static T EnumArgument<T>(PsValue value, string parameter, string method) where T : struct, Enum
    {
        if (EnumValue(typeof(T), value) is { } converted) return (T)converted;
        var text = Text(value);
        throw new ScriptExpressionException(new ScriptedError(
            $"Cannot convert argument \"{parameter}\", with value: \"{text}\", for \"{method}\" to type \"{EnumTypeName(typeof(T))}\": \"Cannot convert value \"{text}\" to type \"{EnumTypeName(typeof(T))}\". Error: \"Unable to match the identifier name {text} to a valid enumerator name. Specify one of the following enumerator names and try again:\r\n{string.Join(", ", Enum.GetNames<T>())}\"\"",
            "MethodArgumentConversionInvalidCastArgument", Protocol.Psrp.ErrorCategory.NotSpecified, "System.Management.Automation.MethodException"));
    }

    private static Dictionary<string, KnownType> BuildTypes()
    {
        var types = new Dictionary<string, KnownType>(StringComparer.OrdinalIgnoreCase);
        void Add(string fullName, params string[] aliases)
        {
            var type = new KnownType(fullName);
            types[fullName] = type;
            if (fullName.StartsWith("System.", StringComparison.Ordinal)) types[fullName[7..]] = type;
            foreach (var alias in aliases) types[alias] = type;
        }

        Add("System.Int32", "int");
        Add("System.Int64", "long");
        Add("System.Int16", "short");
        Add("System.Byte", "byte");
        Add("System.UInt32", "uint");
        Add("System.UInt64", "ulong");
        Add("System.Double", "double");
        Add("System.Single", "float", "single");
        Add("System.Decimal", "decimal");
        Add("System.String", "string");
        Add("System.Boolean", "bool");
        Add("System.Char", "char");
        Add("System.DateTime", "datetime");
        Add("System.TimeSpan", "timespan");
        Add("System.Guid", "guid");
        Add("System.Version", "version");
        Add("System.Object", "object");
        Add(VariableReferences.TypeName, "ref");
        Add("System.ValueType");
        Add("System.Array", "array");
        Add("System.Collections.Hashtable", "hashtable");
        Add(OrderedDictionaryTypeName);
        Add("System.Collections.ArrayList");
        Add(QueueTypeName);
        Add(StackTypeName);
        Add(SortedListTypeName);
        Add(StringBuilderTypeName);
        Add(DateTimeOffsetTypeName, "datetimeoffset");
        Add(UriTypeName, "uri");
        Add(ErrorRecordTypeName);
        types["Management.Automation.ErrorRecord"] = types[ErrorRecordTypeName];
        Add(WebUtilityTypeName);
        types["Net.WebUtility"] = types[WebUtilityTypeName];
        Add(HttpUtilityTypeName);
        types["Web.HttpUtility"] = types[HttpUtilityTypeName];
        Add("System.Management.Automation.PSCustomObject", "pscustomobject");
        Add("System.Management.Automation.PSObject", "psobject");
        Add("System.Management.Automation.ScriptBlock", "scriptblock");
        Add("System.Void", "void");
        Add("System.Math");
        Add(TupleTypeName);
        Add(RunContext.PowerShellTypeName, "powershell");
        Add(RunContext.RunspaceFactoryTypeName, "runspacefactory");
        Add(RunContext.InitialSessionStateTypeName, "initialsessionstate");
        Add(RunContext.SessionStateVariableEntryTypeName);
        Add(RunContext.SessionStateFunctionEntryTypeName);
        Add("System.Environment");
        Add("System.IntPtr");
        Add(RunContext.ConsoleTypeName);
        foreach (var encoding in ConstructedEncodingTypeNames)
        {
            Add(encoding);
            types[encoding["System.".Length..]] = types[encoding];
        }

        Add("System.IO.Path");
        Add(ConvertTypeName);
        Add(EncodingTypeName);
        types["Text.Encoding"] = types[EncodingTypeName];
        Add(RegexTypeName, "regex");
        types["IO.Path"] = types["System.IO.Path"];
        foreach (var hash in RunContext.HashTypeNames)
        {
            Add(hash);
            types[hash["System.".Length..]] = types[hash];
        }

        Add("System.BitConverter");
        Add(PSCredentialTypeName, "pscredential");
        Add("System.Security.SecureString", "securestring");
        types["Security.SecureString"] = types["System.Security.SecureString"];
        types["Management.Automation.PSCredential"] = types[PSCredentialTypeName];
        Add(NetworkCredentialTypeName);
        types["Net.NetworkCredential"] = types[NetworkCredentialTypeName];
        Add(MarshalTypeName);
        Add(EnumTypeNameOfEnum, "enum");
        types["Runtime.InteropServices.Marshal"] = types[MarshalTypeName];
        Add("System.IO.File");
        Add("System.IO.Directory");
        Add(FileStreamTypeName);
        Add(ZipFileTypeName);
        types["IO.Compression.ZipFile"] = types[ZipFileTypeName];
        types["IO.FileStream"] = types[FileStreamTypeName];
        Add(RunContext.StreamReaderTypeName);
        types["IO.StreamReader"] = types[RunContext.StreamReaderTypeName];
        Add(RunContext.StreamWriterTypeName);
        types["IO.StreamWriter"] = types[RunContext.StreamWriterTypeName];
        Add(StopwatchTypeName);
        Add("System.Threading.Thread");
        Add(StringComparerTypeName);
        Add(RunContext.EventLogTypeName);
        Add("System.TimeZoneInfo");
        Add(CultureInfoTypeName, "cultureinfo");
        Add(IPAddressTypeName, "ipaddress");
        Add(RunContext.PingTypeName);
        Add(RunContext.WebClientTypeName);
        Add(RunContext.WebRequestTypeName);
        Add(RunContext.CredentialCacheTypeName);
        Add(RunContext.TcpClientTypeName);
        Add(FileVersionInfoTypeName);
        Add(RunContext.DirectoryEntryTypeName, "adsi");
        Add(RunContext.ManagementClassTypeName, "wmiclass");
        Add(RunContext.ManagementObjectTypeName, "wmi");
        types["DirectoryServices.DirectoryEntry"] = types[RunContext.DirectoryEntryTypeName];
        types["Diagnostics.FileVersionInfo"] = types[FileVersionInfoTypeName];
        Add(RunContext.FileSystemAccessRuleTypeName);
        types["Security.AccessControl.FileSystemAccessRule"] = types[RunContext.FileSystemAccessRuleTypeName];
        Add(RunContext.NTAccountTypeName);
        types["Security.Principal.NTAccount"] = types[RunContext.NTAccountTypeName];
        Add(RunContext.SecurityIdentifierTypeName);
        types["Security.Principal.SecurityIdentifier"] = types[RunContext.SecurityIdentifierTypeName];
        Add(ServicePointManagerTypeName);
        types["Net.ServicePointManager"] = types[ServicePointManagerTypeName];
        types["Diagnostics.Stopwatch"] = types[StopwatchTypeName];
        Add("Microsoft.Win32.Registry");
        Add("Microsoft.Win32.RegistryKey");
        Add("System.Net.Dns");
        types["Net.Dns"] = types["System.Net.Dns"];
        Add("System.IO.FileInfo");
        Add(XmlNodes.DocumentTypeName, "xml", "xmldocument");
        types["Xml.XmlDocument"] = types[XmlNodes.DocumentTypeName];
        Add(WindowsIdentityTypeName);
        types["Security.Principal.WindowsIdentity"] = types[WindowsIdentityTypeName];
        Add(WindowsPrincipalTypeName);
        types["Security.Principal.WindowsPrincipal"] = types[WindowsPrincipalTypeName];
        types["IO.FileInfo"] = types["System.IO.FileInfo"];
        Add(RunContext.DirectoryInfoTypeName);
        types["IO.DirectoryInfo"] = types[RunContext.DirectoryInfoTypeName];
        foreach (var enumType in EnumTypes.Keys)
        {
            Add(enumType);
            types[enumType[7..]] = types[enumType];
        }

        types["IO.File"] = types["System.IO.File"];
        types["IO.Directory"] = types["System.IO.Directory"];
        foreach (var exception in ExceptionTypes.Constructible.Keys)
        {
            var type = new KnownType(exception) { IsException = true };
            types[exception] = type;
            types[exception[7..]] = type;
        }

        // The choices of $Host.UI.PromptForChoice: [ChoiceDescription]'&Yes', [ChoiceDescription[]]('&Yes', '&No'),
        // New-Object ... ChoiceDescription '&Yes', 'help', [ChoiceDescription]::new('&Yes', 'help').
        Add(ChoiceDescriptionTypeName);
        types[ChoiceDescriptionTypeName + "[]"] = types[ChoiceDescriptionTypeName[7..] + "[]"] = new KnownType(ChoiceDescriptionTypeName + "[]", ChoiceDescriptionTypeName);
        types["object[]"] = types["System.Object[]"] = new KnownType("System.Object[]");
        foreach (var element in new[] { "System.String", "System.Int32", "System.Int64", "System.Double", "System.Char", "System.Byte", "System.Boolean", "System.Decimal" })
        {
            var array = new KnownType(element + "[]", element);
            types[element + "[]"] = array;
            types[element[7..] + "[]"] = array;
        }

        types["string[]"] = types["System.String[]"];
        types["int[]"] = types["System.Int32[]"];
        types["long[]"] = types["System.Int64[]"];
        types["double[]"] = types["System.Double[]"];
        types["char[]"] = types["System.Char[]"];
        types["byte[]"] = types["System.Byte[]"];
        types["bool[]"] = types["System.Boolean[]"];
        types["decimal[]"] = types["System.Decimal[]"];
        return types;
    }

    /// <summary>
    /// Whether a name the emulator does not know is still a .NET type a Windows server has: in the System or Microsoft
    /// namespaces (<c>System.</c> may be left off, as PowerShell allows: <c>[IO.File]</c>), or a type of an assembly
    /// already loaded. Looked up only: no assembly is loaded and nothing is made for a name a client sent.
    /// </summary>
    public static bool IsDotNetTypeName(string name)
    {
        var t = name.Trim();
        // A type the emulator has of an assembly the session has not loaded: not found, as in PowerShell.
        if (AssemblyToLoad(t) is not null) return false;
        if (t.StartsWith("System.", StringComparison.OrdinalIgnoreCase) || t.StartsWith("Microsoft.", StringComparison.OrdinalIgnoreCase)) return true;
        if (UnemulatedAccelerators.Contains(t)) return true;
        // A name in one of System's namespaces without its "System." ([Security.Principal.NTAccount], [Net.WebClient]),
        // which PowerShell finds by that prefix, also in an assembly this process has not loaded.
        if (t.IndexOf('.', StringComparison.Ordinal) is var dot and > 0 && SystemNamespaces.Contains(t[..dot])) return true;
        // A name without a namespace is System's when System has it ([Convert], [StringSplitOptions]), as PowerShell
        // looks it up; another ([Foo]) is TypeNotFound.
        if (t.Length > 256 || !t.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_')) return false;
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (assembly.IsDynamic) continue;
            if (assembly.GetType("System." + t, throwOnError: false, ignoreCase: true) is not null) return true;
        }

        return false;
    }

    // The namespaces under System that scripts name without it.
    private static readonly HashSet<string> SystemNamespaces = new(StringComparer.OrdinalIgnoreCase)
    {
        "Security", "Net", "IO", "Text", "Collections", "Diagnostics", "Management", "Web", "Xml", "Data", "DirectoryServices", "Windows",
        "Threading", "Reflection", "Runtime", "Globalization", "ServiceProcess", "Drawing", "Configuration", "Transactions", "Timers",
        "Numerics", "Linq", "Resources", "ComponentModel", "Buffers", "IdentityModel", "Printing", "Messaging", "Deployment",
    };

    // Windows PowerShell 5.1's type accelerators for types the emulator does not emulate as a type expression ([adsi] is
    // System.DirectoryServices.DirectoryEntry): the list a real Server 2019 has (PSScriptAnalyzer's compatibility
    // profile), the attributes' among them ([CmdletBinding], [ValidateSet]: a param block reads them itself).
    private static readonly HashSet<string> UnemulatedAccelerators = new(StringComparer.OrdinalIgnoreCase)
    {
        "mailaddress", "scriptblock", "wmisearcher", "adsi", "adsisearcher",
        "uri", "ciminstance", "cimsession", "cimclass", "cimtype", "bigint", "type", "sbyte", "single",
        "X509Certificate", "X500DistinguishedName", "wildcardpattern", "psmoduleinfo", "powershell", "runspace", "runspacefactory",
        "psprimitivedictionary", "PSTypeName", "psvariable", "psreference", "ref",
        "cimconverter", "IPEndpoint", "PhysicalAddress", "NullString", "ObjectSecurity", "PSDefaultValue", "pslistmodifier", "switch",
        "initialsessionstate", "psscriptmethod", "psscriptproperty", "psnoteproperty", "psaliasproperty", "psvariableproperty",
        "Alias", "AllowEmptyCollection", "AllowEmptyString", "AllowNull", "ArgumentCompleter", "CmdletBinding", "OutputType", "Parameter",
        "PSTypeNameAttribute", "SupportsWildcards", "ValidateCount", "ValidateDrive", "ValidateLength", "ValidateNotNull", "ValidateNotNullOrEmpty",
        "ValidatePattern", "ValidateRange", "ValidateScript", "ValidateSet", "ValidateTrustedData", "ValidateUserDrive",
        "DscResource", "DscProperty", "DscLocalConfigurationManager",
    };

    /// <summary>A type name the emulator knows (an accelerator such as <c>int</c>, the name with or without <c>System.</c>).</summary>
    public static KnownType? ResolveType(string name) =>
        Loaded(ScriptTypes.Current?.Known(name.Trim()) ?? Types.GetValueOrDefault(name.Trim()) ?? GenericListType(name.Trim()) ?? EnumOrClassArrayType(name.Trim()) ??
        // using namespace System.Text: [StringBuilder] is System.Text.StringBuilder.
        ScriptTypes.Current?.InNamespaces(name.Trim(), n => Types.GetValueOrDefault(n) ?? GenericListType(n)));

    // A type of an assembly Windows PowerShell 5.1 does not load by itself is found once the session's Add-Type
    // -AssemblyName loaded it (System.Web's HttpUtility); before, PowerShell's TypeNotFound.
    private static KnownType? Loaded(KnownType? type) =>
        type is not null && AssemblyToLoad(type.FullName) is { } assembly && ScriptTypes.Current?.HasLoaded(assembly) != true ? null : type;

    /// <summary>The assembly a session must load before it finds the type (System.Web for HttpUtility); null for one it always finds.</summary>
    internal static string? AssemblyToLoad(string fullName) => fullName.Equals(HttpUtilityTypeName, StringComparison.OrdinalIgnoreCase) || fullName.Equals("Web.HttpUtility", StringComparison.OrdinalIgnoreCase) ? "System.Web" : null;

    // [DayOfWeek[]], [Color[]], [Person[]]: an array of an enum the emulator or the session knows, or of the session's class.
    private static KnownType? EnumOrClassArrayType(string name) =>
        name.EndsWith("[]", StringComparison.Ordinal) && name.Length > 2 && ResolveType(name[..^2]) is { } element &&
        (IsEnumType(element.FullName) || ScriptTypes.Current?.Class(element.FullName) is not null)
            ? new KnownType(element.FullName + "[]", element.FullName)
            : null;

    internal const string HashSetTypeName = "System.Collections.Generic.HashSet`1";
    internal const string SortedSetTypeName = "System.Collections.Generic.SortedSet`1";
    internal const string GenericDictionaryTypeName = "System.Collections.Generic.Dictionary`2";
    internal const string ConcurrentDictionaryTypeName = "System.Collections.Concurrent.ConcurrentDictionary`2";
    internal const string QueueTypeName = "System.Collections.Queue";
    internal const string StackTypeName = "System.Collections.Stack";
    internal const string GenericQueueTypeName = "System.Collections.Generic.Queue`1";
    internal const string GenericStackTypeName = "System.Collections.Generic.Stack`1";
    internal const string ConcurrentQueueTypeName = "System.Collections.Concurrent.ConcurrentQueue`1";
    internal const string ConcurrentStackTypeName = "System.Collections.Concurrent.ConcurrentStack`1";
    internal const string ConcurrentBagTypeName = "System.Collections.Concurrent.ConcurrentBag`1";

    /// <summary>Queue[T], Stack[T] and the concurrent ones (a ConcurrentBag is a stack to one thread: last in, first out).</summary>
    internal static bool IsGenericQueueOrStack(string fullName) =>
        fullName is GenericQueueTypeName or GenericStackTypeName or ConcurrentQueueTypeName or ConcurrentStackTypeName or ConcurrentBagTypeName;

    /// <summary>Whether the collection is a ConcurrentQueue[T], ConcurrentStack[T] or ConcurrentBag[T] the script made.</summary>
    internal static bool IsConcurrentQueueOrStack(PsObject collection) =>
        collection.TypeNames is [var first, ..] && (first.StartsWith(ConcurrentQueueTypeName + "[[", StringComparison.Ordinal) ||
                                                    first.StartsWith(ConcurrentStackTypeName + "[[", StringComparison.Ordinal) || first.StartsWith(ConcurrentBagTypeName + "[[", StringComparison.Ordinal));

    /// <summary>A Dictionary[K,V] (or SortedDictionary) the script made: K and V; null for another table.</summary>
    internal static (KnownType Key, KnownType Value)? GenericDictionaryTypes(PsObject table) =>
        table.TypeNames is [var first, ..] && (first.StartsWith("System.Collections.Generic.", StringComparison.Ordinal) || IsConcurrentDictionary(table)) && first.Contains("`2[[", StringComparison.Ordinal) &&
        GenericTypeArguments(first) is [var keyName, var valueName] && ResolveType(keyName) is { } key && ResolveType(valueName) is { } value
            ? (key, value)
            : null;

    /// <summary>Whether the table is a ConcurrentDictionary[K,V] the script made.</summary>
    internal static bool IsConcurrentDictionary(PsObject table) =>
        table.TypeNames is [var first, ..] && first.StartsWith(ConcurrentDictionaryTypeName + "[[", StringComparison.Ordinal);

    /// <summary>
    /// A type argument as a generic type's runtime name writes it: the type's runtime name and its assembly in brackets
    /// (<c>[System.String, mscorlib, ...]</c>; a generic argument's own arguments likewise, nested).
    /// </summary>
    internal static string QualifiedTypeArgument(string scriptName)
    {
        var runtimeName = ResolveType(scriptName)?.RuntimeName ?? scriptName;
        // [pscustomobject] as a type is PSObject, as PowerShell's accelerator is.
        if (runtimeName == "System.Management.Automation.PSCustomObject") runtimeName = "System.Management.Automation.PSObject";
        return $"[{runtimeName}, {AssemblyOf(runtimeName)}]";
    }

    // The .NET Framework assembly a type is in, as its assembly-qualified name writes it: mscorlib's core types, System's
    // and System.Core's collections and the like, PowerShell's own, a script class's dynamic assembly (UNVERIFIED: 5.1's
    // name of it for a script that is no file).
    private static string AssemblyOf(string runtimeName)
    {
        var name = runtimeName.IndexOf('[', StringComparison.Ordinal) is var bracket and > 0 ? runtimeName[..bracket] : runtimeName;
        const string Framework = ", Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089";
        if (name.StartsWith("System.Management.Automation.", StringComparison.Ordinal)) return "System.Management.Automation, Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35";
        if (name.StartsWith("Microsoft.Management.Infrastructure.", StringComparison.Ordinal)) return "Microsoft.Management.Infrastructure, Version=1.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35";
        if (name == HashSetTypeName) return "System.Core" + Framework;
        if (name.StartsWith("System.Xml.", StringComparison.Ordinal)) return "System.Xml" + Framework;
        if (name is GenericQueueTypeName or GenericStackTypeName or ConcurrentBagTypeName or "System.Collections.Generic.SortedDictionary`2" or "System.Collections.Generic.LinkedList`1" or SortedSetTypeName or
                UriTypeName or "System.Diagnostics.Process" or "System.Diagnostics.Stopwatch" ||
            name.StartsWith("System.Text.RegularExpressions.", StringComparison.Ordinal) || name.StartsWith("System.Net.", StringComparison.Ordinal) ||
            name.StartsWith("System.Collections.Specialized.", StringComparison.Ordinal)) return "System" + Framework;
        if (ScriptTypes.Current?.Known(name) is not null && !name.Contains('.', StringComparison.Ordinal)) return "powershell, Version=0.0.0.0, Culture=neutral, PublicKeyToken=null";
        return "mscorlib" + Framework;
    }

    /// <summary>
    /// A generic type's arguments from its runtime name (<c>Dictionary`2[[System.String, mscorlib, ...],[System.Collections.Generic.List`1[[System.Int32, ...]], ...]]</c>),
    /// each as a script writes it (<c>System.Collections.Generic.List[System.Int32]</c>); empty for a name with none.
    /// </summary>
    internal static List<string> GenericTypeArguments(string runtimeName) => [.. RuntimeTypeArguments(runtimeName).Select(ScriptNameOfRuntime)];

    // A runtime type name as a script writes it: a generic's arguments in plain brackets, each likewise.
    private static string ScriptNameOfRuntime(string runtimeName) =>
        runtimeName.Contains("[[", StringComparison.Ordinal) && runtimeName.IndexOf('`', StringComparison.Ordinal) is var tick and > 0
            ? $"{runtimeName[..tick]}[{string.Join(',', RuntimeTypeArguments(runtimeName).Select(ScriptNameOfRuntime))}]"
            : runtimeName;

    // A generic type's arguments from its runtime name, each its own runtime name (without its assembly).
    private static List<string> RuntimeTypeArguments(string runtimeName)
    {
        var arguments = new List<string>();
        var open = runtimeName.IndexOf("[[", StringComparison.Ordinal);
        if (open < 0 || !runtimeName.EndsWith("]]", StringComparison.Ordinal)) return arguments;
        var i = open + 1;
        while (i < runtimeName.Length && runtimeName[i] == '[')
        {
            // One argument: [Name, Assembly], its name up to the first comma outside brackets.
            var depth = 0;
            var nameEnd = -1;
            var j = i + 1;
            for (; j < runtimeName.Length; j++)
            {
                var c = runtimeName[j];
                if (c == '[') depth++;
                else if (c == ']' && depth-- == 0) break;
                else if (c == ',' && depth == 0 && nameEnd < 0) nameEnd = j;
            }

            if (j >= runtimeName.Length) return [];
            arguments.Add(runtimeName[(i + 1)..(nameEnd < 0 ? j : nameEnd)].Trim());
            i = j + 1;
            if (i < runtimeName.Length && runtimeName[i] == ',') i++;
        }

        return arguments;
    }

    // List[T] and HashSet[T] (also Collections.Generic.X[T], System.Collections.Generic.X[T]) of a type the emulator knows.
    private static KnownType? GenericListType(string name)
    {
        if (!name.EndsWith(']') || name.IndexOf('[', StringComparison.Ordinal) is not (var open and > 0)) return null;
        var generic = name[..open].Trim();
        if (generic.StartsWith("System.", StringComparison.OrdinalIgnoreCase)) generic = generic["System.".Length..];
        if (generic.StartsWith("Collections.Generic.", StringComparison.OrdinalIgnoreCase)) generic = generic["Collections.Generic.".Length..];
        // The concurrent collections by their full names (System.Collections.Concurrent is not among PowerShell's default namespaces).
        if (generic.StartsWith("Collections.Concurrent.Concurrent", StringComparison.OrdinalIgnoreCase)) generic = generic["Collections.Concurrent.".Length..];
        else if (generic.StartsWith("Concurrent", StringComparison.OrdinalIgnoreCase)) return null;
        if (generic.ToUpperInvariant() is "CONCURRENTQUEUE" or "CONCURRENTSTACK" or "CONCURRENTBAG")
        {
            return ElementTypeOf(name[(open + 1)..^1]) is { } concurrentItem
                ? new KnownType(generic.ToUpperInvariant() switch { "CONCURRENTQUEUE" => ConcurrentQueueTypeName, "CONCURRENTSTACK" => ConcurrentStackTypeName, _ => ConcurrentBagTypeName }, concurrentItem.ScriptName)
                : null;
        }

        if (generic.ToUpperInvariant() is "DICTIONARY" or "SORTEDDICTIONARY" or "CONCURRENTDICTIONARY")
        {
            // Dictionary[string,int], Dictionary[[string],[int]]: K and V, types the emulator knows.
            // V may be an array or a generic type itself (Dictionary[string,string[]], Dictionary[string,List[int]]).
            var parts = Statements.SplitTopLevel(name[(open + 1)..^1], c => c == ',').Select(p => p.Trim()).Select(p => p is ['[', .., ']'] ? p[1..^1].Trim() : p).ToList();
            if (parts.Count != 2 || ElementTypeOf(parts[0]) is not { IsArray: false } key || ElementTypeOf(parts[1]) is not { } value) return null;
            var dictionary = generic.ToUpperInvariant() switch
            {
                "DICTIONARY" => GenericDictionaryTypeName,
                "CONCURRENTDICTIONARY" => ConcurrentDictionaryTypeName,
                _ => "System.Collections.Generic.SortedDictionary`2",
            };
            return new KnownType(dictionary, value.ScriptName) { IsGenericDictionary = true, KeyType = key.ScriptName };
        }

        if (generic.Equals("KeyValuePair", StringComparison.OrdinalIgnoreCase))
        {
            // KeyValuePair[string,int]: what a Dictionary[K,V] enumerates, made by its constructor.
            var pair = Statements.SplitTopLevel(name[(open + 1)..^1], c => c == ',').Select(p => ElementTypeOf(p)).ToList();
            return pair is [{ } key, { } value] ? new KnownType(KeyValuePairTypeName) { TypeArguments = [key.ScriptName, value.ScriptName] } : null;
        }

        if (generic.Equals("Tuple", StringComparison.OrdinalIgnoreCase))
        {
            // Tuple[int,string]: one to seven items of types the emulator knows (an eighth, TRest, is not emulated).
            var items = Statements.SplitTopLevel(name[(open + 1)..^1], c => c == ',').Select(p => ElementTypeOf(p)).ToList();
            return items.Count is >= 1 and <= MaxTupleItems && items.TrueForAll(t => t is not null)
                ? new KnownType($"{TupleTypeName}`{items.Count}") { TypeArguments = [.. items.Select(t => t!.ScriptName)] }
                : null;
        }

        if (generic.ToUpperInvariant() is "QUEUE" or "STACK")
        {
            return ElementTypeOf(name[(open + 1)..^1]) is { } item
                ? new KnownType(generic.Equals("Queue", StringComparison.OrdinalIgnoreCase) ? GenericQueueTypeName : GenericStackTypeName, item.ScriptName)
                : null;
        }

        var fullName = generic.ToUpperInvariant() switch
        {
            "LIST" => "System.Collections.Generic.List`1",
            "HASHSET" => HashSetTypeName,
            "SORTEDSET" => SortedSetTypeName,
            _ => null,
        };
        if (fullName is null) return null;
        // The element may be a type the session's script defined (List[Person]), an array (List[string[]]) or a generic
        // type itself (List[List[int]]).
        return ElementTypeOf(name[(open + 1)..^1]) is { } element
            ? new KnownType(fullName, element.ScriptName) { IsGenericList = true }
            : null;

        // A type argument, bracketed or not ([[string]], [string]).
        static KnownType? ElementTypeOf(string argument)
        {
            var a = argument.Trim();
            if (a is ['[', .., ']'] && Statements.MatchingClose(a, 0, ']') == a.Length - 1) a = a[1..^1].Trim();
            // [pscustomobject] as a type is PSObject (the accelerator's type): a hashtable added stays a hashtable.
            return a.Length == 0 ? null : ResolveType(a) is { FullName: "System.Management.Automation.PSCustomObject" } ? ResolveType("psobject") : ResolveType(a);
        }
    }

    /// <summary>
    /// An expression that starts with a type in brackets: the type's name and what follows it (empty for a bare type,
    /// <c>::Member...</c> for a static member, an operand for a cast); null for anything else, and for the
    /// <c>[PSCustomObject]@{}</c> / <c>[ordered]@{}</c> forms the hashtable literal reads.
    /// </summary>
    public static (string TypeName, string After)? TypeExpression(string text)
    {
        var t = text.Trim();
        if (t.Length < 3 || t[0] != '[') return null;
        var close = Statements.MatchingClose(t, 0, ']');
        if (close < 2) return null;
        var name = t[1..close].Trim();
        if (!IsTypeNameSyntax(name)) return null;
        var rest = t[(close + 1)..].Trim();
        if (rest.StartsWith("@{", StringComparison.Ordinal) && (name.Equals("ordered", StringComparison.OrdinalIgnoreCase) || name.EndsWith("PSCustomObject", StringComparison.OrdinalIgnoreCase))) return null;
        return (name, rest);
    }

    /// <summary>
    /// A known type on its own (its type object), a cast of an operand to one, or a static member this class answers:
    /// the type and what follows it (empty for the type alone); null for anything else (another type's or another
    /// member: the rules').
    /// </summary>
    public static (KnownType Type, string After)? TypeOperation(string text)
    {
        if (TypeExpression(text) is not var (name, after) || ResolveType(name) is not { } type) return null;
        if (StaticMemberSyntax(after) is var (member, _)) return AnswersStaticMember(type, member) ? (type, after) : null;
        // [IntPtr] is known for its Size; a pointer made from a number is not emulated (the rules').
        if (type.FullName == "System.IntPtr" && after.Trim().Length > 0 && !after.TrimStart().StartsWith('.')) return null;
        // [int].Name is a member of the type itself (MemberAccess reads it), not a cast of ".Name".
        return after.StartsWith("::", StringComparison.Ordinal) || after is ['.', var c, ..] && (char.IsLetter(c) || c == '_') ? null : (type, after);
    }

    /// <summary>Whether the emulator answers every static member of the type, so that one it does not is PowerShell's error (not a gap).</summary>
    internal static bool AnswersEveryStaticMember(KnownType type) => StaticTypes.Contains(type.FullName) || IsEnumType(type.FullName) || type.FullName == EnumTypeNameOfEnum ||
        ScriptTypes.Current?.Class(type.FullName) is not null;

    // Every member of these types is this class's (a missing one is PowerShell's error); of the others, the ones listed.
    private static bool AnswersStaticMember(KnownType type, string member) =>
        StaticTypes.Contains(type.FullName) || IsEnumType(type.FullName) || type.FullName == EnumTypeNameOfEnum || ScriptTypes.Current?.Class(type.FullName) is not null ||
        (type.FullName is FileStreamTypeName or RunContext.StreamReaderTypeName or RunContext.StreamWriterTypeName or RunContext.FileSystemAccessRuleTypeName or RunContext.NTAccountTypeName or RunContext.SecurityIdentifierTypeName or RunContext.PingTypeName or RunContext.TcpClientTypeName && member.Equals("new", StringComparison.OrdinalIgnoreCase)) ||
        (type.FullName, member.ToUpperInvariant()) is (StopwatchTypeName, "STARTNEW" or "NEW" or "GETTIMESTAMP" or "FREQUENCY" or "ISHIGHRESOLUTION") or (StringBuilderTypeName, "NEW") or
            (DateTimeOffsetTypeName, "NOW" or "UTCNOW" or "MINVALUE" or "MAXVALUE" or "FROMUNIXTIMESECONDS" or "FROMUNIXTIMEMILLISECONDS" or "PARSE" or "NEW") or
            (XmlNodes.DocumentTypeName, "NEW") or (RunContext.WebClientTypeName, "NEW") or (RunContext.WebRequestTypeName, "CREATE" or "CREATEHTTP" or "GETSYSTEMWEBPROXY" or "DEFAULTWEBPROXY") or
            (RunContext.CredentialCacheTypeName, "DEFAULTCREDENTIALS" or "DEFAULTNETWORKCREDENTIALS") or (WebUtilityTypeName, "URLENCODE" or "URLDECODE" or "HTMLENCODE" or "HTMLDECODE") or (HttpUtilityTypeName, "URLENCODE" or "URLDECODE" or "HTMLENCODE" or "HTMLDECODE" or "HTMLATTRIBUTEENCODE") or (UriTypeName, "ESCAPEDATASTRING" or "UNESCAPEDATASTRING" or "ESCAPEURISTRING" or "ISWELLFORMEDURISTRING" or "CHECKHOSTNAME" or "NEW") or (FileVersionInfoTypeName, "GETVERSIONINFO") or (RunContext.FileInfoTypeName or RunContext.DirectoryInfoTypeName or ErrorRecordTypeName, "NEW") or (RunContext.DirectoryEntryTypeName, "EXISTS") or
            (RunContext.EventLogTypeName, "EXISTS" or "SOURCEEXISTS" or "LOGNAMEFROMSOURCENAME" or "CREATEEVENTSOURCE" or "DELETEEVENTSOURCE" or "DELETE" or "GETEVENTLOGS" or "WRITEENTRY") ||
        (type.FullName == ServicePointManagerTypeName && RunContext.ServicePointManagerDefaults.ContainsKey(member)) ||
        (type.FullName == RunContext.ConsoleTypeName && RunContext.ConsoleDefaults.ContainsKey(member)) ||
        (RunContext.HashTypeNames.Contains(type.FullName) && (member.Equals("Create", StringComparison.OrdinalIgnoreCase) || member.Equals("new", StringComparison.OrdinalIgnoreCase))) ||
        (type.FullName, member.ToUpperInvariant()) is ("System.Environment", "NEWLINE" or "GETENVIRONMENTVARIABLE" or "GETENVIRONMENTVARIABLES" or "SETENVIRONMENTVARIABLE" or "EXPANDENVIRONMENTVARIABLES" or "OSVERSION" or "VERSION" or "PROCESSORCOUNT" or "IS64BITOPERATINGSYSTEM" or "IS64BITPROCESS" or "USERINTERACTIVE" or "COMMANDLINE" or "USERDOMAINNAME" or "SYSTEMDIRECTORY" or "CURRENTDIRECTORY" or "GETFOLDERPATH" or "TICKCOUNT" or "HASSHUTDOWNSTARTED") or
            ("System.Int32" or "System.Int64" or "System.Int16" or "System.Byte" or "System.UInt32" or "System.UInt64" or "System.Double", "MAXVALUE" or "MINVALUE") or ("System.IntPtr", "SIZE") or
            ("System.TimeZoneInfo", "LOCAL" or "UTC") or (CultureInfoTypeName, "INVARIANTCULTURE" or "CURRENTCULTURE" or "CURRENTUICULTURE" or "INSTALLEDUICULTURE" or "GETCULTUREINFO" or "NEW" or "CREATESPECIFICCULTURE") or (IPAddressTypeName, "PARSE" or "ANY" or "LOOPBACK" or "IPV6LOOPBACK" or "BROADCAST" or "NONE") or ("System.Boolean", "PARSE") or ("System.TimeSpan", "FROMDAYS" or "FROMHOURS" or "FROMMINUTES" or "FROMSECONDS" or "FROMMILLISECONDS" or "FROMTICKS" or "ZERO" or "NEW") or ("System.Net.Dns", "GETHOSTNAME" or "GETHOSTADDRESSES" or "GETHOSTENTRY" or "GETHOSTBYNAME") or (WindowsIdentityTypeName, "GETCURRENT") or (WindowsPrincipalTypeName, "NEW") or ("System.Management.Automation.ScriptBlock", "CREATE") or
            ("Microsoft.Win32.Registry", "GETVALUE" or "SETVALUE" or "LOCALMACHINE" or "CURRENTUSER") or ("Microsoft.Win32.RegistryKey", "OPENBASEKEY") or
            ("System.Int32" or "System.Int64" or "System.Double", "PARSE") or
            ("System.Decimal", "ROUND" or "FLOOR" or "CEILING" or "TRUNCATE" or "NEGATE" or "ADD" or "SUBTRACT" or "MULTIPLY" or "DIVIDE" or "REMAINDER" or "PARSE" or "MAXVALUE" or "MINVALUE" or "ONE" or "ZERO" or "MINUSONE") or
            ("System.Double", "NAN" or "POSITIVEINFINITY" or "NEGATIVEINFINITY" or "EPSILON" or "ISNAN" or "ISINFINITY") or
            ("System.Char", "ISDIGIT" or "ISLETTER" or "ISLETTERORDIGIT" or "ISWHITESPACE" or "ISUPPER" or "ISLOWER" or "ISPUNCTUATION" or "ISNUMBER" or "ISCONTROL" or "ISSYMBOL" or "ISSEPARATOR" or "TOUPPER" or "TOLOWER") or ("System.Version", "PARSE" or "NEW") or
            ("System.Int32" or "System.Int64" or "System.Double" or "System.DateTime" or IPAddressTypeName or "System.Version" or "System.Boolean", "TRYPARSE") or
            ("System.Array", "SORT" or "REVERSE" or "INDEXOF" or "CREATEINSTANCE") or (TupleTypeName, "CREATE") or
            ("System.Collections.Hashtable" or "System.Collections.ArrayList" or QueueTypeName or StackTypeName, "SYNCHRONIZED") or
            (RunContext.PowerShellTypeName, "CREATE") or (RunContext.RunspaceFactoryTypeName, "CREATERUNSPACEPOOL" or "CREATERUNSPACE") or
            (RunContext.InitialSessionStateTypeName, "CREATEDEFAULT" or "CREATEDEFAULT2" or "CREATE") or (RunContext.SessionStateVariableEntryTypeName or RunContext.SessionStateFunctionEntryTypeName, "NEW") or
            (ZipFileTypeName, "EXTRACTTODIRECTORY" or "CREATEFROMDIRECTORY") or ("System.Threading.Thread", "SLEEP") or
            ("System.Collections.ArrayList" or "System.Collections.Hashtable" or OrderedDictionaryTypeName or SortedListTypeName or ChoiceDescriptionTypeName or PSCredentialTypeName or NetworkCredentialTypeName, "NEW") or
            (StringComparerTypeName, "ORDINAL" or "ORDINALIGNORECASE" or "INVARIANTCULTURE" or "INVARIANTCULTUREIGNORECASE" or "CURRENTCULTURE" or "CURRENTCULTUREIGNORECASE") ||
        ((type.IsGenericList || type.IsGenericDictionary || type.QueueOrStack != PsCollectionKind.None || type.IsException || ConstructedEncodingTypeNames.Contains(type.FullName) || type.TypeArguments is not null ||
            type.IsArray && type.ElementType is not null) && member.Equals("new", StringComparison.OrdinalIgnoreCase));

    // A type name as a type literal writes it: a dotted name (a nested type after '+'), generic arguments in brackets,
    // each a type name itself, bare or bracketed (List[Dictionary[string,int[]]], Dictionary[[string],[int]]), then
    // array brackets.
    private static bool IsTypeNameSyntax(string name)
    {
        var i = 0;
        return TypeNameAt(name, ref i, depth: 0) && SkipBlanks(name, i) == name.Length;

        static bool TypeNameAt(string text, ref int i, int depth)
        {
            if (depth > 8) return false;
            i = SkipBlanks(text, i);
            if (i >= text.Length || !(char.IsAsciiLetter(text[i]) || text[i] == '_')) return false;
            while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '.')) i++;
            if (i < text.Length && text[i] == '+')
            {
                i++;
                if (i >= text.Length || !(char.IsAsciiLetter(text[i]) || text[i] == '_')) return false;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
            }

            var at = SkipBlanks(text, i);
            if (at < text.Length && text[at] == '[' && SkipBlanks(text, at + 1) is var first && first < text.Length && text[first] != ']')
            {
                // Generic arguments.
                i = at + 1;
                while (true)
                {
                    i = SkipBlanks(text, i);
                    var bracketed = i < text.Length && text[i] == '[';
                    if (bracketed) i++;
                    if (!TypeNameAt(text, ref i, depth + 1)) return false;
                    i = SkipBlanks(text, i);
                    if (bracketed)
                    {
                        if (i >= text.Length || text[i] != ']') return false;
                        i = SkipBlanks(text, i + 1);
                    }

                    if (i < text.Length && text[i] == ',') { i++; continue; }
                    if (i < text.Length && text[i] == ']') { i++; break; }
                    return false;
                }
            }

            // Array brackets: [], [,].
            while (SkipBlanks(text, i) is var open && open < text.Length && text[open] == '[')
            {
                var close = open + 1;
                while (close < text.Length && text[close] is ',' or ' ') close++;
                if (close >= text.Length || text[close] != ']') break;
                i = close + 1;
            }

            return true;
        }

        static int SkipBlanks(string text, int i)
        {
            while (i < text.Length && text[i] == ' ') i++;
            return i;
        }
    }

    internal const string ChoiceDescriptionTypeName = "System.Management.Automation.Host.ChoiceDescription";
    internal const string PSCredentialTypeName = "System.Management.Automation.PSCredential";
    internal const string ErrorRecordTypeName = "System.Management.Automation.ErrorRecord";
    internal const string NetworkCredentialTypeName = "System.Net.NetworkCredential";
    internal const string MarshalTypeName = "System.Runtime.InteropServices.Marshal";
    internal const string WindowsIdentityTypeName = "System.Security.Principal.WindowsIdentity";
    internal const string WindowsPrincipalTypeName = "System.Security.Principal.WindowsPrincipal";

    /// <summary>
    /// <c>[Security.Principal.WindowsPrincipal]$identity</c> (or its constructor): the principal of a WindowsIdentity the
    /// emulator made (<c>[Security.Principal.WindowsIdentity]::GetCurrent()</c>), its Identity that one.
    /// </summary>
    internal static PsObject WindowsPrincipal(PsValue? identity)
    {
        if (identity is not PsObject { TypeNames: [WindowsIdentityTypeName, ..] } windowsIdentity)
        {
            throw CannotConvert(identity, Types[WindowsPrincipalTypeName], null, "ConvertToFinalInvalidCastException", withError: false);
        }

        return new PsObject([WindowsPrincipalTypeName, "System.Security.Claims.ClaimsPrincipal", "System.Object"]) { ToStringValue = WindowsPrincipalTypeName }
            .With("Identity", windowsIdentity);
    }

    /// <summary>A ChoiceDescription as a script sees one (Label, HelpMessage), for $Host.UI.PromptForChoice.</summary>
    internal static PsObject ChoiceDescription(string label, string helpMessage) =>
        new PsObject([ChoiceDescriptionTypeName, "System.Object"]) { ToStringValue = ChoiceDescriptionTypeName }.With("Label", label).With("HelpMessage", helpMessage);

    internal const string RuntimeTypeName = "System.RuntimeType";

    // [ordered]@{}'s type, which New-Object and ::new() make empty too.
    internal const string OrderedDictionaryTypeName = "System.Collections.Specialized.OrderedDictionary";

    /// <summary>System.Collections.SortedList: a table whose keys stay in order (Comparer.Default's), with case.</summary>
    internal const string SortedListTypeName = "System.Collections.SortedList";

    private static readonly string[] RuntimeTypeNames = [RuntimeTypeName, "System.Reflection.TypeInfo", "System.Type", "System.Reflection.MemberInfo", "System.Object"];

    /// <summary>
    /// A type as a value (<c>[int]</c>, <c>(5).GetType()</c>): System.RuntimeType as PowerShell's serializer writes it
    /// (its ToString the full name), with the members scripts read, in .NET's order. A type the emulator does not know
    /// (an object's first type name) is a public, serializable class whose base type is its next type name.
    /// </summary>
    public static PsObject TypeObject(string fullName, string? baseTypeName = null)
    {
        var (baseType, valueType, primitive, flags) = TypeFacts(fullName, baseTypeName);
        // A generic's name and namespace come before its arguments (List`1[[System.Int32, mscorlib, ...]]).
        var generic = fullName.IndexOf("[[", StringComparison.Ordinal);
        var core = generic > 0 ? fullName[..generic] : fullName;
        var name = core[(core.LastIndexOf('.', core.EndsWith("[]", StringComparison.Ordinal) ? core.Length - 3 : core.Length - 1) + 1)..];
        // A nested type's Name is its own, after the '+' (Hashtable+SyncHashtable is SyncHashtable).
        if (name.LastIndexOf('+') is var plus and >= 0) name = name[(plus + 1)..];
        // An array of a generic type: KeyValuePair`2[] (its brackets come after the arguments).
        if (generic > 0 && fullName.EndsWith("][]", StringComparison.Ordinal)) name += "[]";
        var dot = core.LastIndexOf('.');
        var type = new PsObject(RuntimeTypeNames) { ToStringValue = fullName };
        void Add(string property, PsValue value) => type.AdaptedProperties.Add(new PsProperty(property, value));
        Add("FullName", PsPrimitive.String(fullName));
        Add("Namespace", dot > 0 ? PsPrimitive.String(core[..dot]) : PsNil.Instance);
        Add("IsEnum", PsPrimitive.Boolean(IsEnumType(fullName)));
        Add("IsGenericType", PsPrimitive.Boolean(generic > 0));
        Add("Name", PsPrimitive.String(name));
        Add("BaseType", baseType is null ? PsNil.Instance : PsPrimitive.String(baseType));
        Add("IsInterface", PsPrimitive.Boolean(false));
        Add("IsArray", PsPrimitive.Boolean(fullName.EndsWith("[]", StringComparison.Ordinal)));
        Add("IsAbstract", PsPrimitive.Boolean(flags.Contains('a')));
        Add("IsSealed", PsPrimitive.Boolean(flags.Contains('s') || valueType));
        Add("IsClass", PsPrimitive.Boolean(!valueType));
        Add("IsNotPublic", PsPrimitive.Boolean(false));
        Add("IsPublic", PsPrimitive.Boolean(true));
        Add("IsPrimitive", PsPrimitive.Boolean(primitive));
        Add("IsValueType", PsPrimitive.Boolean(valueType));
        Add("IsSerializable", PsPrimitive.Boolean(!flags.Contains('n')));
        return type;
    }

    /// <summary>
    /// The .NET type of an object PowerShell's deserializer made (its first type name begins "Deserialized."), as
    /// InternalDeserializer builds it: a list (LST, IE) is an ArrayList, a stack a Stack, a queue a Queue, a table a
    /// Hashtable (an OrderedDictionary when it was one); an object with adapted properties answers GetType() with
    /// PSObject (ReadProperties binds GetType to the wrapper), one with notes only is a PSCustomObject. Null for an
    /// object that is not deserialized.
    /// </summary>
    internal static string? DeserializedRuntimeType(PsObject value)
    {
        if (value.TypeNames is not [var first, ..] || !first.StartsWith(DeserializedPrefix, StringComparison.Ordinal) || value.BaseValue is not null) return null;
        return value.CollectionKind switch
        {
            PsCollectionKind.List or PsCollectionKind.Enumerable => "System.Collections.ArrayList",
            PsCollectionKind.Stack => "System.Collections.Stack",
            PsCollectionKind.Queue => "System.Collections.Queue",
            PsCollectionKind.Dictionary => first == DeserializedPrefix + "System.Collections.Specialized.OrderedDictionary"
                ? "System.Collections.Specialized.OrderedDictionary" : "System.Collections.Hashtable",
            _ => value.AdaptedProperties.Count > 0 ? "System.Management.Automation.PSObject" : PsObjects.PSCustomObjectTypeName,
        };
    }

    /// <summary>The type of a value, as <c>.GetType()</c> answers it.</summary>
    public static PsObject TypeOf(PsValue value) => value switch
    {
        PsObject deserialized when DeserializedRuntimeType(deserialized) is { } runtime => TypeObject(runtime),
        // A deserialized enum (or primitive with type names) is its number: PowerShell's deserializer keeps the base value.
        PsObject wrapper when WrappedPrimitive(wrapper) is { } inner => TypeOf(inner),
        PsObject { TypeNames: { } names } when names.Contains(PsObjects.PSCustomObjectTypeName) => TypeObject(PsObjects.PSCustomObjectTypeName),
        // A name such as ManagementObject#root\cimv2\Win32_OperatingSystem is PowerShell's decoration of the .NET type before the '#'.
        PsObject { BaseValue: null, TypeNames: [var first, ..] } o when first.Contains('#', StringComparison.Ordinal) =>
            TypeObject(first[..first.IndexOf('#', StringComparison.Ordinal)], o.TypeNames.Skip(1).FirstOrDefault(n => !n.Contains('#', StringComparison.Ordinal) && n != first[..first.IndexOf('#', StringComparison.Ordinal)])),
        PsObject { BaseValue: null, TypeNames: [var first, var next, ..] } => TypeObject(first, next),
        _ => TypeObject(TypeName(value)),
    };

    /// <summary>A type object's text in a string or a comparison: PowerShell's name for it (<c>"$([int])"</c> is <c>int</c>).</summary>
    public static string? TypeObjectText(PsObject value) =>
        value.TypeNames is [RuntimeTypeName, ..] && value.ToStringValue is { } fullName ? PowerShellTypeText(fullName) : null;

    // PowerShell's text of a type: an accelerator's name where there is one, a generic's arguments likewise in brackets
    // (System.Collections.Generic.List[int]).
    private static string PowerShellTypeText(string fullName)
    {
        if (fullName.Contains("[[", StringComparison.Ordinal) && fullName.IndexOf('`', StringComparison.Ordinal) is var tick and > 0)
        {
            return $"{fullName[..tick]}[{string.Join(',', RuntimeTypeArguments(fullName).Select(PowerShellTypeText))}]";
        }

        var array = fullName.EndsWith("[]", StringComparison.Ordinal);
        var element = array ? fullName[..^2] : fullName;
        var alias = Aliases.GetValueOrDefault(element) ?? element;
        return array ? alias + "[]" : alias;
    }

    // PowerShell's accelerator names, as its type-to-string conversion writes them.
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["System.Int32"] = "int", ["System.Int64"] = "long", ["System.Int16"] = "short", ["System.Byte"] = "byte",
        ["System.UInt32"] = "uint32", ["System.UInt64"] = "uint64", ["System.Double"] = "double", ["System.Single"] = "float",
        ["System.Decimal"] = "decimal", ["System.String"] = "string", ["System.Boolean"] = "bool", ["System.Char"] = "char",
        ["System.DateTime"] = "datetime", ["System.TimeSpan"] = "timespan", ["System.Guid"] = "guid", ["System.Version"] = "version",
        ["System.Object"] = "System.Object", ["System.Array"] = "array", ["System.Collections.Hashtable"] = "hashtable",
        ["System.Management.Automation.PSObject"] = "psobject", ["System.Management.Automation.PSCustomObject"] = "System.Management.Automation.PSCustomObject",
        ["System.Management.Automation.ScriptBlock"] = "scriptblock", ["System.Void"] = "void",
        ["System.Text.RegularExpressions.Regex"] = "regex", ["System.Xml.XmlDocument"] = "xml",
    };

    // Base type, value type, primitive, and flags: a(bstract), s(ealed), n(ot serializable). The .NET Framework's answers
    // for the types the emulator knows.
    private static (string? BaseType, bool ValueType, bool Primitive, string Flags) TypeFacts(string fullName, string? baseTypeName) => fullName switch
    {
        "System.Object" => (null, false, false, ""),
        "System.Int32" or "System.Int64" or "System.Int16" or "System.Byte" or "System.UInt32" or "System.UInt64" or "System.Double" or "System.Single"
            or "System.Boolean" or "System.Char" or "System.SByte" or "System.UInt16" or "System.IntPtr" => ("System.ValueType", true, true, ""),
        "System.Decimal" or "System.DateTime" or "System.TimeSpan" or "System.Guid" or "System.Void" => ("System.ValueType", true, false, ""),
        "System.ValueType" => ("System.Object", false, false, "a"),
        "System.Array" => ("System.Object", false, false, "a"),
        "System.String" or "System.Version" => ("System.Object", false, false, "s"),
        "System.Math" or "System.Environment" => ("System.Object", false, false, "asn"),
        "System.Management.Automation.PSObject" or "System.Management.Automation.PSCustomObject" or "System.Management.Automation.ScriptBlock"
            => ("System.Object", false, false, "n"),
        _ when fullName.EndsWith("[]", StringComparison.Ordinal) => ("System.Array", false, false, ""),
        // An enum: a sealed value type, serializable (.NET Framework's Type.IsSerializable is true of every enum).
        _ when IsEnumType(fullName) => ("System.Enum", true, false, ""),
        _ => (baseTypeName ?? "System.Object", false, false, ""),
    };


    /// <summary>
    /// <c>::Name</c> or <c>::Name(arguments)</c> after a type, whole: the member's name and its argument text (null for a
    /// property); null when the text is anything else.
    /// </summary>
    public static (string Member, string? Arguments)? StaticMemberSyntax(string rest)
    {
        if (!rest.StartsWith("::", StringComparison.Ordinal)) return null;
        var end = 2;
        while (end < rest.Length && (char.IsLetterOrDigit(rest[end]) || rest[end] == '_')) end++;
        if (end == 2) return null;
        var member = rest[2..end];
        if (end == rest.Length) return (member, null);
        if (rest[end] != '(' || Statements.MatchingClose(rest, end, ')') != rest.Length - 1) return null;
        return (member, rest[(end + 1)..^1]);
    }

    /// <summary>
    /// <c>[Type]::Member</c> / <c>[Type]::Method(arguments)</c> for the members <see cref="TypeOperation"/> takes; a
    /// member of Math, String, DateTime or Guid the emulator does not know is PowerShell's MethodNotFound.
    /// </summary>
    public static PsValue StaticMember(KnownType type, string member, IReadOnlyList<PsValue>? arguments, DateTimeOffset now)
    {
        double Arg(int i) => i < arguments!.Count ? arguments[i] is PsNil ? 0 : AsNumber(arguments[i]) ?? throw new ScriptExpressionException(ScriptedError.CannotConvertToNumber(Text(arguments[i]))) : 0;
        // An argument of a Math method with one overload of doubles: a value that is no number is the method's
        // argument conversion error, with the parameter's name (Sqrt(double d), Pow(double x, double y)).
        double DoubleArg(int i, string method, string parameter)
        {
            if (arguments![i] is PsNil) return 0;
            if (AsNumber(arguments[i]) is { } number) return number;
            string reason;
            try
            {
                return AsNumber(ConvertTo(arguments[i], ResolveType("System.Double")!)) ?? 0;
            }
            catch (ScriptExpressionException e)
            {
                reason = e.Error.Message;
            }

            throw new ScriptExpressionException(ScriptedError.MethodArgumentConversion(parameter, Text(arguments[i]), method, "System.Double", reason));
        }

        // An Int32 parameter: a number rounded to even as PowerShell converts it, one out of range the conversion's error.
        int Int32Arg(int i, string method, string parameter)
        {
            var number = DoubleArg(i, method, parameter);
            var rounded = Math.Round(number, MidpointRounding.ToEven);
            return rounded is >= int.MinValue and <= int.MaxValue
                ? (int)rounded
                : throw new ScriptExpressionException(ScriptedError.MethodArgumentConversion(parameter, Text(arguments![i]), method, "System.Int32", "Value was either too large or too small for an Int32."));
        }

        var name = member.ToUpperInvariant();
        var count = arguments?.Count ?? -1;
        if (DecimalMember(type.FullName, name, member, arguments) is { } decimalResult) return decimalResult;
        // [int[]]::new(3): an array of that length holding the element type's default, as New-Object int[] 3.
        if (type.IsArray && type.ElementType is not null && name == "NEW")
        {
            if (count != 1) throw new ScriptExpressionException(ScriptedError.MethodCount("new", Math.Max(count, 0)));
            return NewArray(type, AsNumber(arguments![0]) ?? throw new ScriptExpressionException(
                ScriptedError.MethodArgumentConversion("length", Text(arguments[0]), "new", "System.Int32", "Input string was not in a correct format.")));
        }

        PsValue? result = (type.FullName, name, count) switch
        {
            ("System.Math", "PI", -1) => PsPrimitive.Double(Math.PI),
            ("System.Math", "E", -1) => PsPrimitive.Double(Math.E),
            ("System.Math", "ROUND", 1) => PsPrimitive.Double(Math.Round(Arg(0))),
            // A MidpointRounding (the enum, or its name) is the mode, not a number of digits.
            ("System.Math", "ROUND", 2) when RoundingMode(arguments![1]) is { } mode => PsPrimitive.Double(Math.Round(Arg(0), mode)),
            ("System.Math", "ROUND", 3) when RoundingMode(arguments![2]) is { } mode3 =>
                Arg(1) is < 0 or > 15 ? throw MethodError(member, count, new ArgumentOutOfRangeException("digits", "Rounding digits must be between 0 and 15, inclusive.")) : PsPrimitive.Double(Math.Round(Arg(0), (int)Arg(1), mode3)),
            ("System.Math", "ROUND", 2) => Arg(1) is < 0 or > 15 ? throw MethodError(member, count, new ArgumentOutOfRangeException("digits", "Rounding digits must be between 0 and 15, inclusive.")) : PsPrimitive.Double(Math.Round(Arg(0), (int)Arg(1))),
            ("System.Math", "FLOOR", 1) => PsPrimitive.Double(Math.Floor(Arg(0))),
            ("System.Math", "CEILING", 1) => PsPrimitive.Double(Math.Ceiling(Arg(0))),
            ("System.Math", "TRUNCATE", 1) => PsPrimitive.Double(Math.Truncate(Arg(0))),
            ("System.Math", "SQRT", 1) => PsPrimitive.Double(Math.Sqrt(DoubleArg(0, "Sqrt", "d"))),
            ("System.Math", "POW", 2) => PsPrimitive.Double(Math.Pow(DoubleArg(0, "Pow", "x"), DoubleArg(1, "Pow", "y"))),
            ("System.Math", "ABS", 1) => SameKind(arguments![0], Math.Abs(Arg(0))),
            ("System.Math", "MAX", 2) => SameKind(arguments![0], Math.Max(Arg(0), Arg(1)), arguments[1]),
            ("System.Math", "MIN", 2) => SameKind(arguments![0], Math.Min(Arg(0), Arg(1)), arguments[1]),
            ("System.Math", "SIGN", 1) => PsPrimitive.Int32(Math.Sign(Arg(0))),
            ("System.Math", "LOG10", 1) => PsPrimitive.Double(Math.Log10(DoubleArg(0, "Log10", "d"))),
            ("System.Math", "LOG", 1) => PsPrimitive.Double(Math.Log(DoubleArg(0, "Log", "d"))),
            ("System.Math", "LOG", 2) => PsPrimitive.Double(Math.Log(DoubleArg(0, "Log", "a"), DoubleArg(1, "Log", "newBase"))),
            ("System.Math", "EXP", 1) => PsPrimitive.Double(Math.Exp(DoubleArg(0, "Exp", "d"))),
            // The trigonometric functions of .NET Framework 4.8's Math, each one overload of doubles.
            ("System.Math", "SIN", 1) => PsPrimitive.Double(Math.Sin(DoubleArg(0, "Sin", "a"))),
            ("System.Math", "COS", 1) => PsPrimitive.Double(Math.Cos(DoubleArg(0, "Cos", "d"))),
            ("System.Math", "TAN", 1) => PsPrimitive.Double(Math.Tan(DoubleArg(0, "Tan", "a"))),
            ("System.Math", "ASIN", 1) => PsPrimitive.Double(Math.Asin(DoubleArg(0, "Asin", "d"))),
            ("System.Math", "ACOS", 1) => PsPrimitive.Double(Math.Acos(DoubleArg(0, "Acos", "d"))),
            ("System.Math", "ATAN", 1) => PsPrimitive.Double(Math.Atan(DoubleArg(0, "Atan", "d"))),
            ("System.Math", "ATAN2", 2) => PsPrimitive.Double(Math.Atan2(DoubleArg(0, "Atan2", "y"), DoubleArg(1, "Atan2", "x"))),
            ("System.Math", "SINH", 1) => PsPrimitive.Double(Math.Sinh(DoubleArg(0, "Sinh", "value"))),
            ("System.Math", "COSH", 1) => PsPrimitive.Double(Math.Cosh(DoubleArg(0, "Cosh", "value"))),
            ("System.Math", "TANH", 1) => PsPrimitive.Double(Math.Tanh(DoubleArg(0, "Tanh", "value"))),
            ("System.Math", "IEEEREMAINDER", 2) => PsPrimitive.Double(Math.IEEERemainder(DoubleArg(0, "IEEERemainder", "x"), DoubleArg(1, "IEEERemainder", "y"))),
            // BigMul(int a, int b): the whole product as an Int64.
            ("System.Math", "BIGMUL", 2) => PsPrimitive.Int64(Math.BigMul(Int32Arg(0, "BigMul", "a"), Int32Arg(1, "BigMul", "b"))),
            // [Tuple]::Create(1, 'x'): a Tuple of the items' own types (generic inference from each argument's type).
            (TupleTypeName, "CREATE", >= 1 and <= MaxTupleItems) => NewTuple(arguments!.Select(a => TupleItemType(a, count)).ToList(), arguments!),
            (KeyValuePairTypeName, "NEW", 2) when type.TypeArguments is [var keyName, var valueName] && ResolveType(keyName) is { } keyType && ResolveType(valueName) is { } valueType =>
                KeyValuePairOf(ConvertTo(arguments![0], keyType), ConvertTo(arguments[1], valueType), keyType, valueType),
            (KeyValuePairTypeName, "NEW", _) => throw new ScriptExpressionException(ScriptedError.MethodCount("new", Math.Max(count, 0))),
            (_, "NEW", >= 1) when type.TypeArguments is { } tupleItems => tupleItems.Count == count
                ? NewTuple(tupleItems, [.. arguments!.Select((a, i) => ConvertTo(a, ResolveType(tupleItems[i])!))])
                : throw new ScriptExpressionException(ScriptedError.MethodCount("new", count)),
            // [array]::CreateInstance([int], 3): an array of the type's default, as [int[]]::new(3).
            ("System.Array", "CREATEINSTANCE", 2) when arguments![0] is PsObject { TypeNames: [RuntimeTypeName, ..], ToStringValue: { } elementName } && ResolveType(elementName + "[]") is { IsArray: true } arrayType =>
                NewArray(arrayType, AsNumber(arguments[1]) ?? throw new ScriptExpressionException(
                    ScriptedError.MethodArgumentConversion("length", Text(arguments[1]), "CreateInstance", "System.Int32", "Input string was not in a correct format."))),
            // [string]::new('=', 40): a character repeated (a rule line under a heading).
            ("System.String", "NEW", 2) when Text(arguments![0]) is [var repeated] && AsNumber(arguments[1]) is { } times and >= 0 and <= MaxArithmeticLength =>
                PsPrimitive.String(new string(repeated, (int)times)),
            ("System.String", "EQUALS", 2) => PsPrimitive.Boolean(string.Equals(Text(arguments![0]), Text(arguments[1]), StringComparison.Ordinal)),
            ("System.String", "EQUALS", 3) when Enum.TryParse<StringComparison>(Text(arguments![2]).Trim(), ignoreCase: true, out var comparison) && Enum.IsDefined(comparison) =>
                PsPrimitive.Boolean(string.Equals(Text(arguments[0]), Text(arguments[1]), comparison)),
            ("System.DateTime", "DAYSINMONTH", 2) when AsNumber(arguments![0]) is { } year and >= 1 and <= 9999 && AsNumber(arguments[1]) is { } month and >= 1 and <= 12 =>
                PsPrimitive.Int32(DateTime.DaysInMonth((int)year, (int)month)),
            ("System.DateTime", "ISLEAPYEAR", 1) when AsNumber(arguments![0]) is { } leapYear and >= 1 and <= 9999 => PsPrimitive.Boolean(DateTime.IsLeapYear((int)leapYear)),
            ("System.Int32", "MAXVALUE", -1) => PsPrimitive.Int32(int.MaxValue),
            ("System.Int32", "MINVALUE", -1) => PsPrimitive.Int32(int.MinValue),
            ("System.Int64", "MAXVALUE", -1) => PsPrimitive.Int64(long.MaxValue),
            ("System.Int64", "MINVALUE", -1) => PsPrimitive.Int64(long.MinValue),
            ("System.Byte", "MAXVALUE", -1) => PsPrimitive.Byte(byte.MaxValue),
            ("System.Byte", "MINVALUE", -1) => PsPrimitive.Byte(byte.MinValue),
            ("System.UInt32", "MAXVALUE", -1) => PsPrimitive.UInt32(uint.MaxValue),
            ("System.UInt32", "MINVALUE", -1) => PsPrimitive.UInt32(uint.MinValue),
            ("System.UInt64", "MAXVALUE", -1) => PsPrimitive.UInt64(ulong.MaxValue),
            ("System.UInt64", "MINVALUE", -1) => PsPrimitive.UInt64(ulong.MinValue),
            ("System.Int16", "MAXVALUE", -1) => PsPrimitive.Int16(short.MaxValue),
            ("System.Int16", "MINVALUE", -1) => PsPrimitive.Int16(short.MinValue),
            // A FILETIME (AD's lastLogonTimestamp, pwdLastSet): local time (the server's zone is UTC) or UTC.
            ("System.DateTime", "FROMFILETIME" or "FROMFILETIMEUTC", 1) when AsNumber(arguments![0]) is { } fileTime && fileTime >= 0 && fileTime <= DateTime.MaxValue.ToFileTimeUtc() =>
                PsPrimitive.DateTime(new DateTimeOffset(DateTime.FromFileTimeUtc((long)fileTime), TimeSpan.Zero), name == "FROMFILETIME" ? DateTimeKind.Local : DateTimeKind.Utc),
            ("System.Double", "NAN", -1) => PsPrimitive.Double(double.NaN),
            ("System.Double", "POSITIVEINFINITY", -1) => PsPrimitive.Double(double.PositiveInfinity),
            ("System.Double", "NEGATIVEINFINITY", -1) => PsPrimitive.Double(double.NegativeInfinity),
            ("System.Double", "EPSILON", -1) => PsPrimitive.Double(double.Epsilon),
            ("System.Double", "ISNAN", 1) => PsPrimitive.Boolean(AsNumber(arguments![0]) is { } nan && double.IsNaN(nan)),
            ("System.Double", "ISINFINITY", 1) => PsPrimitive.Boolean(AsNumber(arguments![0]) is { } infinite && double.IsInfinity(infinite)),
            // [char]::IsDigit('5'), IsLetter, IsWhiteSpace... of a character (or a string's character at an index).
            ("System.Char", "ISDIGIT" or "ISLETTER" or "ISLETTERORDIGIT" or "ISWHITESPACE" or "ISUPPER" or "ISLOWER" or "ISPUNCTUATION" or "ISNUMBER" or "ISCONTROL" or "ISSYMBOL" or "ISSEPARATOR", 1 or 2)
                when CharArgument(arguments!) is { } c => PsPrimitive.Boolean(name switch
                {
                    "ISDIGIT" => char.IsDigit(c), "ISLETTER" => char.IsLetter(c), "ISLETTERORDIGIT" => char.IsLetterOrDigit(c), "ISWHITESPACE" => char.IsWhiteSpace(c),
                    "ISUPPER" => char.IsUpper(c), "ISLOWER" => char.IsLower(c), "ISPUNCTUATION" => char.IsPunctuation(c), "ISNUMBER" => char.IsNumber(c),
                    "ISCONTROL" => char.IsControl(c), "ISSYMBOL" => char.IsSymbol(c), _ => char.IsSeparator(c),
                }),
            ("System.Char", "TOUPPER" or "TOLOWER", 1) when CharArgument(arguments!) is { } letter => PsPrimitive.Char(name == "TOUPPER" ? char.ToUpperInvariant(letter) : char.ToLowerInvariant(letter)),
            // [string]::Compare(a, b[, ignoreCase]): Windows' culture order (a before B, a before A), -1, 0 or 1.
            ("System.String", "COMPARE", 2 or 3) when count == 2 || arguments![2] is PsPrimitive { Value: bool } =>
                PsPrimitive.Int32(Math.Sign(WindowsCollation.Compare(IsNull(arguments![0]) ? null : Text(arguments[0]), IsNull(arguments[1]) ? null : Text(arguments[1]), count == 3 && IsTrue(arguments[2])))),
            ("System.Double", "MAXVALUE", -1) => PsPrimitive.Double(double.MaxValue),
            ("System.Double", "MINVALUE", -1) => PsPrimitive.Double(double.MinValue),
            ("System.String", "EMPTY", -1) => PsPrimitive.String(string.Empty),
            ("System.String", "ISNULLOREMPTY", 1) => PsPrimitive.Boolean(Text(arguments![0]).Length == 0),
            ("System.String", "ISNULLORWHITESPACE", 1) => PsPrimitive.Boolean(string.IsNullOrWhiteSpace(Text(arguments![0]))),
            ("System.String", "JOIN", >= 2) => PsPrimitive.String(string.Join(Text(arguments![0]), (count == 2 ? Enumerate(arguments[1]) : arguments.Skip(1)).Select(Text))),
            ("System.String", "CONCAT", >= 1) => PsPrimitive.String(string.Concat((count == 1 ? Enumerate(arguments![0]) : arguments!).Select(Text))),
            // Format(IFormatProvider, format, args...): the culture's formats (en-US's or the invariant culture's, the same numbers and dates here).
            ("System.String", "FORMAT", >= 2) when arguments![0] is PsObject { TypeNames: [CultureInfoTypeName, ..] } =>
                Format(arguments[1], PsObjects.List(count == 3 && IsCollection(arguments[2]) ? Enumerate(arguments[2]) : arguments.Skip(2), ListValueTemplate.ArrayTypeNames)),
            ("System.String", "FORMAT", >= 1) => Format(arguments![0], PsObjects.List(count == 2 && IsCollection(arguments[1]) ? Enumerate(arguments[1]) : arguments.Skip(1), ListValueTemplate.ArrayTypeNames)),
            ("System.DateTime", "NOW", -1) => PsPrimitive.DateTime(now, DateTimeKind.Local),
            ("System.DateTime", "UTCNOW", -1) => PsPrimitive.DateTime(now, DateTimeKind.Utc),
            ("System.DateTime", "SPECIFYKIND", 2) when arguments![0] is PsPrimitive { Value: DateTimeOffset date } =>
                PsPrimitive.DateTime(date, Enum.TryParse<DateTimeKind>(Text(arguments[1]).Trim(), ignoreCase: true, out var kind) && Enum.IsDefined(kind) ? kind
                    : throw new ScriptExpressionException(ScriptedError.MethodInvocation("SpecifyKind", 2,
                        $"Cannot convert argument \"kind\", with value: \"{Text(arguments[1])}\", for \"SpecifyKind\" to type \"System.DateTimeKind\"", typeof(ArgumentException)))),
            ("System.DateTime", "MINVALUE", -1) => PsPrimitive.DateTime(new DateTimeOffset(DateTime.MinValue, TimeSpan.Zero), DateTimeKind.Unspecified),
            ("System.DateTime", "MAXVALUE", -1) => PsPrimitive.DateTime(new DateTimeOffset(DateTime.MaxValue, TimeSpan.Zero), DateTimeKind.Unspecified),
            ("System.DateTime", "TODAY", -1) => PsPrimitive.DateTime(new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero)),
            ("System.DateTime", "PARSE" or "PARSEEXACT", _) or ("System.Int32" or "System.Int64" or "System.Double", "PARSE", 1) => Parse(type.FullName, name, arguments!),
            // [double]::Parse(text, [cultureinfo]::InvariantCulture): the provider named.
            ("System.Int32" or "System.Int64" or "System.Double", "PARSE", 2) when arguments![1] is PsObject { TypeNames: [CultureInfoTypeName, ..] } => Parse(type.FullName, name, arguments),
            ("System.Guid", "NEWGUID", 0) => PsPrimitive.Guid(Guid.NewGuid()),
            // [version]::Parse('2.0.1'), [version]::new(1, 2[, 3[, 4]]) / [version]::new('1.2'): .NET's Version.
            ("System.Version", "PARSE", 1) => Version.TryParse(Text(arguments![0]).Trim(), out var parsedVersion) ? PsPrimitive.Version(parsedVersion.ToString())
                : throw new ScriptExpressionException(ScriptedError.MethodInvocation("Parse", 1, "Version string portion was too short or too long.", typeof(ArgumentException))),
            ("System.Version", "NEW", 1) => Version.TryParse(Text(arguments![0]).Trim(), out var textVersion) ? PsPrimitive.Version(textVersion.ToString())
                : throw new ScriptExpressionException(ScriptedError.MethodInvocation("new", 1, "Version string portion was too short or too long.", typeof(ArgumentException))),
            ("System.Version", "NEW", 2 or 3 or 4) when arguments!.Select(AsNumber).ToList() is var versionParts && versionParts.All(p => p is >= 0 and <= int.MaxValue) =>
                PsPrimitive.Version(string.Join('.', versionParts.Select(p => ((int)p!).ToString(CultureInfo.InvariantCulture)))),
            ("System.Management.Automation.ScriptBlock", "CREATE", 1) => PsPrimitive.ScriptBlock(Text(arguments![0])),
            ("System.Guid", "EMPTY", -1) => PsPrimitive.Guid(Guid.Empty),
            ("System.Environment", "NEWLINE", -1) => PsPrimitive.String("\r\n"),
            // The default computers' Windows Server 2019 (as their Win32_OperatingSystem), two processors, 64-bit.
            ("System.Environment", "OSVERSION", -1) => new PsObject(["System.OperatingSystem", "System.Object"]) { ToStringValue = "Microsoft Windows NT 10.0.17763.0" }
                .With("Platform", PsObjects.Enum("System.PlatformID", "Win32NT", 2))
                .With("ServicePack", string.Empty)
                .With("Version", PsPrimitive.Version("10.0.17763.0"))
                .With("VersionString", "Microsoft Windows NT 10.0.17763.0"),
            ("System.Environment", "PROCESSORCOUNT", -1) => PsPrimitive.Int32(2),
            // TimeSpan's factories and constructors, as retry loops and timeouts write them; DateTime's of a date (and time),
            // its Kind Unspecified, as the computers' dates are UTC. Past their ranges: .NET's errors.
            ("System.TimeSpan", "FROMDAYS" or "FROMHOURS" or "FROMMINUTES" or "FROMSECONDS" or "FROMMILLISECONDS" or "FROMTICKS", 1) when AsNumber(arguments![0]) is { } amount =>
                PsPrimitive.Duration(TimeSpanOf(name.ToUpperInvariant(), amount)),
            ("System.TimeSpan", "ZERO", -1) => PsPrimitive.Duration(TimeSpan.Zero),
            ("System.TimeSpan", "NEW", 1 or 3 or 4 or 5) when arguments!.Select(AsNumber).ToList() is var parts && parts.All(p => p is not null) =>
                PsPrimitive.Duration(parts.Count switch
                {
                    1 => new TimeSpan((long)parts[0]!),
                    3 => new TimeSpan((int)parts[0]!, (int)parts[1]!, (int)parts[2]!),
                    4 => new TimeSpan((int)parts[0]!, (int)parts[1]!, (int)parts[2]!, (int)parts[3]!),
                    _ => new TimeSpan((int)parts[0]!, (int)parts[1]!, (int)parts[2]!, (int)parts[3]!, (int)parts[4]!),
                }),
            ("System.DateTime", "NEW", 3 or 6) when arguments!.Select(AsNumber).ToList() is var fields && fields.All(f => f is not null) =>
                PsPrimitive.DateTime(new DateTimeOffset(fields.Count == 3
                    ? new DateTime((int)fields[0]!, (int)fields[1]!, (int)fields[2]!)
                    : new DateTime((int)fields[0]!, (int)fields[1]!, (int)fields[2]!, (int)fields[3]!, (int)fields[4]!, (int)fields[5]!), TimeSpan.Zero), DateTimeKind.Unspecified),
            // [enum]::GetNames([DayOfWeek]), GetValues, Parse(type, text[, ignoreCase]) (case-sensitive by default, as .NET), IsDefined.
            (EnumTypeNameOfEnum, "GETNAMES", 1) => EnumNames(EnumTypeArgument(arguments![0], name)),
            (EnumTypeNameOfEnum, "GETVALUES", 1) => EnumValues(EnumTypeArgument(arguments![0], name)),
            (EnumTypeNameOfEnum, "PARSE", 2 or 3) when EnumTypeArgument(arguments![0], name) is var parsedType =>
                Enum.TryParse(parsedType, Text(arguments[1]).Trim(), ignoreCase: arguments.Count == 3 && IsTrue(arguments[2]), out var parsedValue) && !double.TryParse(Text(arguments[1]), NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                    ? EnumMember(EnumTypeName(parsedType), parsedValue.ToString()!) ?? PsObjects.Enum(EnumTypeName(parsedType), parsedValue.ToString()!, Convert.ToInt32(parsedValue, CultureInfo.InvariantCulture))
                    : throw new ScriptExpressionException(ScriptedError.MethodInvocation("Parse", arguments.Count, $"Requested value '{Text(arguments[1])}' was not found.", typeof(ArgumentException))),
            (EnumTypeNameOfEnum, "ISDEFINED", 2) when EnumTypeArgument(arguments![0], name) is var definedType =>
                PsPrimitive.Boolean(AsNumber(arguments[1]) is { } definedNumber ? Enum.IsDefined(definedType, (int)definedNumber) : Enum.GetNames(definedType).Contains(Text(arguments[1]), StringComparer.Ordinal)),
            // The server's time zone, Get-TimeZone's: UTC (the clock the emulator's dates are in).
            ("System.TimeZoneInfo", "LOCAL" or "UTC", -1) => UtcTimeZoneInfo(),
            // The session's culture, en-US (Get-Culture's), and the invariant one, which ParseExact and ToString take
            // as their provider (the emulator formats and parses in en-US, the same for the numeric and ISO formats).
            (CultureInfoTypeName, "CURRENTCULTURE" or "CURRENTUICULTURE" or "INSTALLEDUICULTURE", -1) => CultureInfoObject("en-US", 1033, "English (United States)", "en", "eng"),
            (IPAddressTypeName, "PARSE", 1) => System.Net.IPAddress.TryParse(Text(arguments![0]).Trim(), out var parsedAddress) ? RunContext.IPAddressObject(parsedAddress.ToString())
                : throw MethodError("Parse", 1, new FormatException("An invalid IP address was specified.")),
            (IPAddressTypeName, "ANY", -1) => RunContext.IPAddressObject("0.0.0.0"),
            (IPAddressTypeName, "LOOPBACK", -1) => RunContext.IPAddressObject("127.0.0.1"),
            (IPAddressTypeName, "IPV6LOOPBACK", -1) => RunContext.IPAddressObject("::1"),
            (IPAddressTypeName, "BROADCAST" or "NONE", -1) => RunContext.IPAddressObject("255.255.255.255"),
            (CultureInfoTypeName, "INVARIANTCULTURE", -1) => CultureInfoObject(string.Empty, 127, "Invariant Language (Invariant Country)", "iv", "ivl"),
            (CultureInfoTypeName, "GETCULTUREINFO" or "NEW" or "CREATESPECIFICCULTURE", 1) => CultureNamed(arguments![0]),
            // The CLR Windows PowerShell 5.1 runs on: .NET Framework 4.7's (4.0.30319.42000 for every 4.6 and later).
            ("System.Environment", "VERSION", -1) => PsPrimitive.Version("4.0.30319.42000"),
            // A remote session's process is 64-bit: `[IntPtr]::Size -eq 8` is how scripts ask.
            ("System.IntPtr", "SIZE", -1) => PsPrimitive.Int32(8),
            ("System.Environment", "IS64BITOPERATINGSYSTEM" or "IS64BITPROCESS", -1) => PsPrimitive.Boolean(true),
            // wsmprovhost runs in a non-interactive window station (session 0), as a service does.
            ("System.Environment", "USERINTERACTIVE", -1) => PsPrimitive.Boolean(false),
            ("System.Environment", "COMMANDLINE", -1) => PsPrimitive.String(@"C:\Windows\system32\wsmprovhost.exe -Embedding"),
            (RegexTypeName, "NEW", 1 or 2) => NewRegexOrError(arguments!),
            (DateTimeOffsetTypeName, _, _) when DateTimeOffsetStaticMember(name, arguments, now) is { } offset => offset,
            (UriTypeName, _, _) when UriStaticMember(name, arguments) is { } uri => uri,
            (WebUtilityTypeName, _, _) when WebUtilityStaticMember(name, arguments) is { } web => web,
            (HttpUtilityTypeName, _, _) when HttpUtilityStaticMember(name, arguments) is { } http => http,
            (XmlNodes.DocumentTypeName, "NEW", 0) => XmlNodes.NewDocument(),
            (RegexTypeName, _, _) when RegexStaticMember(name, arguments) is { } regexResult => regexResult,
            (ConvertTypeName, _, _) when ConvertStaticMember(name, arguments) is { } converted => converted,
            (EncodingTypeName, _, _) when EncodingStaticMember(name, arguments) is { } encoding => encoding,
            (_, "NEW", >= 0) when ConstructedEncodingTypeNames.Contains(type.FullName) && NewEncoding(type.FullName, arguments!) is { } constructed => constructed,
            ("System.IO.Path", _, >= 1) when WindowsPath.Method(name, arguments!.Select(Text).ToList()) is { } path => path,
            // Windows' separators, and the characters .NET Framework refuses in a file name or a path.
            ("System.IO.Path", "DIRECTORYSEPARATORCHAR", -1) => PsPrimitive.Char('\\'),
            ("System.IO.Path", "ALTDIRECTORYSEPARATORCHAR", -1) => PsPrimitive.Char('/'),
            ("System.IO.Path", "PATHSEPARATOR", -1) => PsPrimitive.Char(';'),
            ("System.IO.Path", "VOLUMESEPARATORCHAR", -1) => PsPrimitive.Char(':'),
            ("System.IO.Path", "GETINVALIDFILENAMECHARS", 0) => CharArray(['"', '<', '>', '|', .. Enumerable.Range(0, 32).Select(c => (char)c), ':', '*', '?', '\\', '/']),
            ("System.IO.Path", "GETINVALIDPATHCHARS", 0) => CharArray(['"', '<', '>', '|', .. Enumerable.Range(0, 32).Select(c => (char)c)]),
            ("System.Boolean", "PARSE", 1) => Text(arguments![0]).Trim() is var flag && bool.TryParse(flag, out var parsedFlag) ? PsPrimitive.Boolean(parsedFlag)
                : throw MethodError("Parse", 1, new FormatException("String was not recognized as a valid Boolean.")),
            ("System.Collections.ArrayList", "NEW", 0) => PsObjects.List([], ArrayListTypeNames),
            // [hashtable]::Synchronized($h) and its kin: a thread-safe wrapper over the same collection.
            ("System.Collections.Hashtable" or "System.Collections.ArrayList" or QueueTypeName or StackTypeName, "SYNCHRONIZED", 1) => Synchronized(type.FullName, arguments![0]),
            (StringBuilderTypeName, "NEW", >= 0) => NewStringBuilder(arguments!) ?? throw new ScriptExpressionException(ScriptedError.MethodCount("new", arguments!.Count)),
            // [Array]::Sort($a), [Array]::Reverse($a): the array itself, in place; IndexOf the first equal item's index.
            ("System.Array", "SORT", 1) when arguments![0] is PsObject { CollectionKind: PsCollectionKind.List } array => SortInPlace(array.Items),
            ("System.Array", "REVERSE", 1) when arguments![0] is PsObject { CollectionKind: PsCollectionKind.List } array => ReverseInPlace(array.Items),
            ("System.Array", "INDEXOF", 2) when arguments![0] is PsObject { CollectionKind: PsCollectionKind.List } array =>
                PsPrimitive.Int32(array.Items.FindIndex(item => ScalarEquals(item, arguments[1], caseSensitive: true))),
            // BitConverter.ToString: the bytes as upper-case hex pairs joined with dashes.
            ("System.BitConverter", "TOSTRING", 1) => PsPrimitive.String(string.Join('-', BytesOf(arguments![0]).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)))),
            // GetBytes of a number, a Boolean or a Char by its own type's overload (little-endian); the ToInt32 family reads one back.
            ("System.BitConverter", "GETBYTES", 1) when BitConverterBytes(arguments![0]) is { } converted => ByteArray(converted),
            ("System.BitConverter", var reader, 2) when BitConverterReaders.TryGetValue(reader, out var read) => BitConverterRead(BytesOf(arguments![0]), arguments[1], read),
            (_, "CREATE" or "NEW", 0) when RunContext.NewHashAlgorithm(type.FullName) is { } algorithm => algorithm,
            (_, "NEW", 1 or 2) when type.IsGenericList || type.IsGenericDictionary || (type.ElementType is not null && type.QueueOrStack != PsCollectionKind.None) => NewGenericCollection(type, arguments!),
            ("System.Collections.Hashtable", "NEW", 1) when NewHashtable(arguments!) is { } sized => sized,
            (StringComparerTypeName, _, -1) when StringComparerStaticMember(name) is { } stringComparer => stringComparer,
            (_, "NEW", 0) when type.IsGenericList => PsObjects.List([], type.ObjectTypeNames),
            (_, "NEW", 0) when type.IsGenericDictionary => type.NewDictionary(),
            (_, "NEW", 0) when type.QueueOrStack != PsCollectionKind.None => type.NewQueueOrStack(),
            (_, "NEW", >= 0 and <= 2) when type.IsException => ExceptionTypes.Create(type.FullName, [.. arguments!.Select(Text)],
                arguments is [_, var inner] && ExceptionTypes.IsException(inner) ? inner : null),
            (ChoiceDescriptionTypeName, "NEW", 1 or 2) => ChoiceDescription(Text(arguments![0]), arguments.Count > 1 ? Text(arguments[1]) : string.Empty),
            ("System.Collections.Hashtable", "NEW", 0) => PsObjects.Dictionary([]),
            (OrderedDictionaryTypeName, "NEW", 0) => PsObjects.Dictionary([], [OrderedDictionaryTypeName, "System.Object"]),
            (SortedListTypeName, "NEW", 0) => NewSortedList([]),
            // A SortedList of another dictionary's entries (its IDictionary constructor).
            (SortedListTypeName, "NEW", 1) when arguments![0] is PsObject { CollectionKind: PsCollectionKind.Dictionary } source => NewSortedList(source.Entries),
            (_, _, -1) when EnumMember(type.FullName, member) is { } enumMember => enumMember,
            // Not a member of the enum: PowerShell reads a static property that is not there as $null.
            (_, _, -1) when IsEnumType(type.FullName) => PsNil.Instance,
            _ => null,
        };
        if (result is not null) return result;
        if (count < 0 && DotNetMembers.StaticOf(type.FullName) is { } statics)
        {
            // [math]::Round: the method's PSMethod; a name the type has no static member of reads as $null.
            if (DotNetMembers.MethodOf(statics, member, isInstance: false) is { } method) return method;
            if (!statics.Any(m => m.Name.Equals(member, StringComparison.OrdinalIgnoreCase))) return PsNil.Instance;
        }

        throw new ScriptExpressionException(count < 0
            ? ScriptedError.ScenarioFault($"the emulator does not know the static property [{type.FullName}]::{member}")
            : ScriptedError.MethodNotFound(member, type.FullName));

        // Max, Min and Abs keep integers integers, as their Int32 overloads do.
        static PsValue SameKind(PsValue first, double value, PsValue? second = null) =>
            first is PsPrimitive { Value: int } && (second is null || second is PsPrimitive { Value: int }) && value is >= int.MinValue and <= int.MaxValue
                ? PsPrimitive.Int32((int)value)
                : PsPrimitive.Double(value);
    }

    internal static readonly string[] ArrayListTypeNames = ["System.Collections.ArrayList", "System.Object"];

    private static readonly HashSet<string> StaticTypes = new(StringComparer.Ordinal) { "System.Math", "System.String", "System.DateTime", "System.Guid", "System.IO.Path", "System.IO.File", "System.IO.Directory", MarshalTypeName, "System.BitConverter", RegexTypeName, ConvertTypeName, EncodingTypeName };

    /// <summary>
    /// <c>[int]::Parse(s)</c> (long, double) and <c>[datetime]::Parse(s)</c> / <c>ParseExact(s, format, $null)</c> in
    /// the server's culture (en-US: PowerShell passes the current culture to a method, unlike its casts); a dateless
    /// result is the session's UTC. Failures are the method's error with .NET Framework's texts.
    /// </summary>
    private static PsValue Parse(string typeName, string method, IReadOnlyList<PsValue> arguments)
    {
        // The provider given (the last argument a CultureInfo: the invariant one or en-US), else the session's en-US.
        var culture = arguments.Count > 1 ? ProviderCulture(arguments[^1]) : EnglishUnitedStates.Culture;
        var name = method == "PARSE" ? "Parse" : "ParseExact";
        if (arguments.Count == 0) throw new ScriptExpressionException(ScriptedError.MethodNotFound(name, typeName));
        var text = Text(arguments[0]);
        try
        {
            switch (typeName, arguments.Count)
            {
                case ("System.Int32", _):
                    return PsPrimitive.Int32(int.Parse(text, NumberStyles.Integer, culture));
                case ("System.Int64", _):
                    return PsPrimitive.Int64(long.Parse(text, NumberStyles.Integer, culture));
                case ("System.Double", _):
                    return PsPrimitive.Double(double.Parse(text, NumberStyles.Float | NumberStyles.AllowThousands, culture));
                case (_, 1 or 2) when method == "PARSE":
                    return DateKinds.Parsed(DateTime.Parse(text, culture, DateTimeStyles.AdjustToUniversal));
                case (_, 3) when method == "PARSEEXACT":
                    return DateKinds.Parsed(DateTime.ParseExact(text, Text(arguments[1]), culture, DateTimeStyles.AdjustToUniversal));
                default:
                    throw new ScriptExpressionException(ScriptedError.MethodNotFound(name, typeName));
            }
        }
        catch (FormatException)
        {
            throw MethodError(name, arguments.Count, new FormatException(typeName == "System.DateTime" ? "String was not recognized as a valid DateTime." : "Input string was not in a correct format."));
        }
        catch (OverflowException e)
        {
            throw MethodError(name, arguments.Count, e);
        }
    }

    // A value's bytes as BitConverter.GetBytes gives them for its .NET type; null for a type with no overload here.
    private static byte[]? BitConverterBytes(PsValue value) => (value is PsObject { BaseValue: { } inner } ? inner : value) switch
    {
        PsPrimitive { Value: int i } => BitConverter.GetBytes(i),
        PsPrimitive { Value: long l } => BitConverter.GetBytes(l),
        PsPrimitive { Value: short h } => BitConverter.GetBytes(h),
        PsPrimitive { Value: uint ui } => BitConverter.GetBytes(ui),
        PsPrimitive { Value: ulong ul } => BitConverter.GetBytes(ul),
        PsPrimitive { Value: ushort uh } => BitConverter.GetBytes(uh),
        PsPrimitive { Value: double d } => BitConverter.GetBytes(d),
        PsPrimitive { Value: float f } => BitConverter.GetBytes(f),
        PsPrimitive { Value: bool b } => BitConverter.GetBytes(b),
        PsPrimitive { Value: char c } => BitConverter.GetBytes(c),
        _ => null,
    };

    // BitConverter's readers by name: .NET's name for the method, how many bytes it takes and the value it makes of them.
    private static readonly Dictionary<string, (string Name, int Size, Func<byte[], int, PsValue> Read)> BitConverterReaders = new(StringComparer.Ordinal)
    {
        ["TOINT16"] = ("ToInt16", 2, (b, i) => PsPrimitive.Int16(BitConverter.ToInt16(b, i))),
        ["TOUINT16"] = ("ToUInt16", 2, (b, i) => PsPrimitive.UInt16(BitConverter.ToUInt16(b, i))),
        ["TOINT32"] = ("ToInt32", 4, (b, i) => PsPrimitive.Int32(BitConverter.ToInt32(b, i))),
        ["TOUINT32"] = ("ToUInt32", 4, (b, i) => PsPrimitive.UInt32(BitConverter.ToUInt32(b, i))),
        ["TOINT64"] = ("ToInt64", 8, (b, i) => PsPrimitive.Int64(BitConverter.ToInt64(b, i))),
        ["TOUINT64"] = ("ToUInt64", 8, (b, i) => PsPrimitive.UInt64(BitConverter.ToUInt64(b, i))),
        ["TODOUBLE"] = ("ToDouble", 8, (b, i) => PsPrimitive.Double(BitConverter.ToDouble(b, i))),
        ["TOSINGLE"] = ("ToSingle", 4, (b, i) => PsPrimitive.Single(BitConverter.ToSingle(b, i))),
        ["TOBOOLEAN"] = ("ToBoolean", 1, (b, i) => PsPrimitive.Boolean(BitConverter.ToBoolean(b, i))),
    };

    // A BitConverter reader at a start index, with the .NET Framework's checks and messages.
    private static PsValue BitConverterRead(byte[] bytes, PsValue startValue, (string Name, int Size, Func<byte[], int, PsValue> Read) reader)
    {
        var start = AsNumber(startValue) is { } n ? (int)n : -1;
        if (start < 0 || start >= bytes.Length)
        {
            throw MethodError(reader.Name, 2, new ArgumentOutOfRangeException(null, "Index was out of range. Must be non-negative and less than the size of the collection.\r\nParameter name: startIndex"));
        }

        if (start > bytes.Length - reader.Size)
        {
            throw MethodError(reader.Name, 2, new ArgumentException("Destination array is not long enough to copy all the items in the collection. Check array index and length."));
        }

        return reader.Read(bytes, start);
    }

    /// <summary>
    /// <c>[decimal]::Round(2.345, 2)</c> and Decimal's other static members, and Math's methods given a Decimal first
    /// (<c>[math]::Round([decimal]2.345, 2)</c>: the binder picks the Decimal overload): the result a Decimal, exact, as
    /// PowerShell's; null for any other member.
    /// </summary>
    private static PsValue? DecimalMember(string typeName, string name, string member, IReadOnlyList<PsValue>? arguments)
    {
        var count = arguments?.Count ?? -1;
        if (typeName == "System.Decimal")
        {
            if (count < 0)
            {
                return name switch
                {
                    "MAXVALUE" => PsPrimitive.Decimal(decimal.MaxValue),
                    "MINVALUE" => PsPrimitive.Decimal(decimal.MinValue),
                    "ONE" => PsPrimitive.Decimal(decimal.One),
                    "ZERO" => PsPrimitive.Decimal(decimal.Zero),
                    "MINUSONE" => PsPrimitive.Decimal(decimal.MinusOne),
                    _ => null,
                };
            }
        }
        else if (typeName != "System.Math" || arguments is not [PsPrimitive { Value: decimal }, ..] || name is not ("ROUND" or "FLOOR" or "CEILING" or "TRUNCATE" or "ABS" or "SIGN"))
        {
            return null;
        }

        decimal Arg(int i) => arguments![i] is PsNil ? 0m : Cast(arguments[i], ResolveType("System.Decimal")!) is PsPrimitive { Value: decimal d } ? d : 0m;
        int Digits(int i) => AsNumber(arguments![i]) is { } n and >= 0 and <= 28 ? (int)n
            : throw MethodError(member, count, new ArgumentOutOfRangeException("decimals", "Decimal can only round to between 0 and 28 digits of precision."));
        try
        {
            return (name, count) switch
            {
                ("ROUND", 1) => PsPrimitive.Decimal(Math.Round(Arg(0))),
                ("ROUND", 2) when RoundingMode(arguments![1]) is { } mode => PsPrimitive.Decimal(Math.Round(Arg(0), mode)),
                ("ROUND", 2) => PsPrimitive.Decimal(Math.Round(Arg(0), Digits(1))),
                ("ROUND", 3) when RoundingMode(arguments![2]) is { } mode3 => PsPrimitive.Decimal(Math.Round(Arg(0), Digits(1), mode3)),
                ("FLOOR", 1) => PsPrimitive.Decimal(Math.Floor(Arg(0))),
                ("CEILING", 1) => PsPrimitive.Decimal(Math.Ceiling(Arg(0))),
                ("TRUNCATE", 1) => PsPrimitive.Decimal(Math.Truncate(Arg(0))),
                ("ABS", 1) => PsPrimitive.Decimal(Math.Abs(Arg(0))),
                ("SIGN", 1) => PsPrimitive.Int32(Math.Sign(Arg(0))),
                ("NEGATE", 1) => PsPrimitive.Decimal(-Arg(0)),
                ("ADD", 2) => PsPrimitive.Decimal(Arg(0) + Arg(1)),
                ("SUBTRACT", 2) => PsPrimitive.Decimal(Arg(0) - Arg(1)),
                ("MULTIPLY", 2) => PsPrimitive.Decimal(Arg(0) * Arg(1)),
                ("DIVIDE", 2) => PsPrimitive.Decimal(Arg(0) / Arg(1)),
                ("REMAINDER", 2) => PsPrimitive.Decimal(Arg(0) % Arg(1)),
                ("PARSE", 1) when arguments![0] is PsPrimitive { Value: string text } =>
                    PsPrimitive.Decimal(decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture)),
                _ => null,
            };
        }
        catch (Exception e) when (e is OverflowException or DivideByZeroException or FormatException)
        {
            throw MethodError(member, count, e);
        }
    }

    private static ScriptExpressionException MethodError(string method, int count, Exception e) =>
        new(ScriptedError.MethodInvocation(method, count, WindowsText.FrameworkMessage(e), e.GetType()));

    /// <summary>
    /// <c>[Type]value</c>: PowerShell's conversion (LanguagePrimitives.ConvertTo) for the known types. Numbers from
    /// strings parse in the invariant culture, doubles round to even into integers, anything is true or false by
    /// IsTrue, collections convert item by item into typed arrays; what does not convert is PowerShell's
    /// InvalidCast error (or $null for <c>-as</c>).
    /// </summary>
    // TimeSpan.FromDays ... FromTicks of a number (a fraction of a unit kept, as .NET 4.7's millisecond rounding aside).
    private static TimeSpan TimeSpanOf(string factory, double amount) => factory switch
    {
        "FROMDAYS" => TimeSpan.FromDays(amount),
        "FROMHOURS" => TimeSpan.FromHours(amount),
        "FROMMINUTES" => TimeSpan.FromMinutes(amount),
        "FROMSECONDS" => TimeSpan.FromSeconds(amount),
        "FROMMILLISECONDS" => TimeSpan.FromMilliseconds(amount),
        _ => TimeSpan.FromTicks((long)amount),
    };

    /// <summary>
    /// <c>New-Object byte[] 1024</c>, <c>[byte[]]::new(1024)</c>: an array of that length holding the element type's
    /// default (0, or $null for strings and objects). A byte[] may be as long as <see cref="MaxByteArrayItems"/>, another
    /// array as <see cref="MaxCollectionItems"/>.
    /// </summary>
    // A MidpointRounding argument: the enum's value, or a text naming one of the .NET Framework's two (ToEven, AwayFromZero).
    private static MidpointRounding? RoundingMode(PsValue value) => value switch
    {
        PsObject { TypeNames: ["System.MidpointRounding", ..], BaseValue: { } number } when AsNumber(number) is { } n => (MidpointRounding)(int)n,
        PsPrimitive { Value: string text } when Enum.TryParse<MidpointRounding>(text.Trim(), ignoreCase: true, out var named) && named is MidpointRounding.ToEven or MidpointRounding.AwayFromZero => named,
        _ => null,
    };

    /// <summary>The default value of a value type the emulator knows (0, false, '\0'); $null for a reference type.</summary>
    public static PsValue DefaultValue(KnownType type) => DefaultOf(type.FullName);

    private static PsValue DefaultOf(string? typeName) => typeName switch
    {
        "System.Byte" => PsPrimitive.Byte(0),
        "System.Decimal" => new PsPrimitive(PsPrimitiveType.Decimal, 0m),
        "System.Int32" => PsPrimitive.Int32(0),
        "System.Int64" => PsPrimitive.Int64(0),
        "System.Double" => PsPrimitive.Double(0),
        "System.Boolean" => PsPrimitive.Boolean(false),
        "System.Char" => PsPrimitive.Char('\0'),
        _ => PsNil.Instance,
    };

    internal const string SyncHashtableTypeName = "System.Collections.Hashtable+SyncHashtable";

    // The wrapper each Synchronized method returns (.NET Framework's nested classes), by the collection's type.
    private static readonly Dictionary<string, string> SynchronizedWrappers = new(StringComparer.Ordinal)
    {
        ["System.Collections.Hashtable"] = SyncHashtableTypeName,
        ["System.Collections.ArrayList"] = "System.Collections.ArrayList+SyncArrayList",
        [QueueTypeName] = "System.Collections.Queue+SynchronizedQueue",
        [StackTypeName] = "System.Collections.Stack+SyncStack",
    };

    /// <summary>Whether the collection is a Synchronized method's wrapper (its IsSynchronized is true).</summary>
    internal static bool IsSynchronizedWrapper(PsObject collection) =>
        collection.TypeNames is [var first, var second, ..] && SynchronizedWrappers.TryGetValue(second, out var wrapper) && wrapper == first;

    /// <summary>
    /// <c>[hashtable]::Synchronized($h)</c> (ArrayList's, Queue's, Stack's): the wrapper .NET makes, which reads and writes
    /// the collection it wraps. The emulator's wrapper is that collection itself under the wrapper's type name (so a
    /// script that keeps using the original sees every change, as through .NET's wrapper; UNVERIFIED difference: the
    /// original then reports the wrapper's type and IsSynchronized too). $null is the method's ArgumentNullException;
    /// another collection, the argument's conversion error.
    /// </summary>
    private static PsValue Synchronized(string collectionType, PsValue argument)
    {
        const string method = "Synchronized";
        var parameter = collectionType switch { "System.Collections.Hashtable" => "table", "System.Collections.ArrayList" => "list", QueueTypeName => "queue", _ => "stack" };
        if (IsNull(argument))
        {
            throw new ScriptExpressionException(ScriptedError.MethodInvocation(method, 1, $"Value cannot be null.\r\nParameter name: {parameter}", typeof(ArgumentNullException)));
        }

        var wrapper = SynchronizedWrappers[collectionType];
        if (argument is PsObject { TypeNames: [var first, ..] } collection && (first == collectionType || (first == wrapper && IsSynchronizedWrapper(collection))))
        {
            if (first == collectionType) collection.TypeNames = [wrapper, .. collection.TypeNames];
            return collection;
        }

        // ArrayList's has a second overload, of an IList (an array's wrapper, SyncIList: not emulated); no other value fits either.
        if (collectionType == "System.Collections.ArrayList")
        {
            throw new ScriptExpressionException(argument is PsObject { CollectionKind: PsCollectionKind.List }
                ? ScriptedError.ScenarioFault("[System.Collections.ArrayList]::Synchronized() of an IList that is no ArrayList is not emulated: give the statement a rule")
                : ScriptedError.MethodCount(method, 1));
        }

        throw new ScriptExpressionException(ScriptedError.MethodArgumentConversion(parameter, Text(argument), method, collectionType,
            $"Cannot convert the \"{Text(argument)}\" value of type \"{TypeName(argument)}\" to type \"{collectionType}\"."));
    }

    internal const string TupleTypeName = "System.Tuple";
    internal const string KeyValuePairTypeName = "System.Collections.Generic.KeyValuePair`2";

    // Tuple`1 to Tuple`7 (Tuple`8's eighth item is a Tuple of the rest: not emulated).
    private const int MaxTupleItems = 7;

    /// <summary>
    /// A System.Tuple of those item types holding the items: Item1, Item2... read-only properties, its text "(1, x)" of
    /// the items' own texts (a collection's its type's name, $null nothing), as Tuple.ToString writes it.
    /// </summary>
    internal static PsObject NewTuple(IReadOnlyList<string> itemTypes, IReadOnlyList<PsValue> items)
    {
        var type = new KnownType($"{TupleTypeName}`{items.Count}") { TypeArguments = itemTypes };
        var tuple = new PsObject(type.ObjectTypeNames) { ToStringValue = $"({string.Join(", ", items.Select(ItemText))})" };
        for (var i = 0; i < items.Count; i++) tuple.AdaptedProperties.Add(new PsProperty("Item" + (i + 1).ToString(CultureInfo.InvariantCulture), items[i]));
        return tuple;

        static string ItemText(PsValue item) => item is PsObject { CollectionKind: not PsCollectionKind.None } collection ? CollectionToString(collection) : PipelineVariables.Display(item);
    }

    // A Create argument's type as generic inference takes it: the value's own type, a PSCustomObject PSObject; $null has
    // none, so no overload fits (PowerShell's MethodCountCouldNotFindBest).
    private static string TupleItemType(PsValue argument, int count) => argument switch
    {
        PsNil => throw new ScriptExpressionException(ScriptedError.MethodCount("Create", count)),
        PsObject o when PipelineVariables.IsCustomObject(o) => "System.Management.Automation.PSObject",
        _ => ScriptNameOfRuntime(TypeName(argument)),
    };

    public static PsObject NewArray(KnownType type, double length)
    {
        var limit = type.ElementType == "System.Byte" ? MaxByteArrayItems : MaxCollectionItems;
        if (length < 0 || length != Math.Floor(length))
        {
            throw new ScriptExpressionException(ScriptedError.MethodInvocation(".ctor", 1, "Arithmetic operation resulted in an overflow.", typeof(OverflowException)));
        }

        if (length > limit) throw new ScenarioRuntimeException($"a {type.FullName} holds at most {limit} items in the emulator");
        var element = DefaultOf(type.ElementType);
        var items = new List<PsValue>((int)length);
        for (var i = 0; i < (int)length; i++) items.Add(element);
        return PsObjects.List(items, type.ElementType is null ? ListValueTemplate.ArrayTypeNames : [type.FullName, "System.Array", "System.Object"]);
    }

    public static PsValue Cast(PsValue? value, KnownType type, bool orNull = false)
    {
        try
        {
            return ConvertTo(value, type);
        }
        catch (ScriptExpressionException) when (orNull)
        {
            return PsNil.Instance;
        }
    }

    private static PsValue ConvertTo(PsValue? value, KnownType type)
    {
        // [ref]5: a reference holding the value ([ref]$name, a variable's, is the evaluator's: it knows the scopes).
        if (type.FullName == VariableReferences.TypeName) return VariableReferences.OfValue(value ?? PsNil.Instance);
        // A primitive in a wrapper converts as its base value ([datetime] of a client's Get-Date with its DisplayHint,
        // [int] of a string given notes); [object] and [psobject] keep the wrapper.
        if (type.FullName is not ("System.Object" or "System.Management.Automation.PSObject" or "System.Management.Automation.PSCustomObject")) value = BaseOfWrapper(value);
        // [IO.FileNotFoundException] 'x': PowerShell calls the constructor that takes the value (an exception of the
        // type, or one deriving from it, stays itself).
        if (type.IsException)
        {
            if (value is PsObject { TypeNames: { } names } && ExceptionTypes.IsException(value) && names.Contains(type.FullName)) return value;
            return IsNull(value) ? PsNil.Instance : ExceptionTypes.Create(type.FullName, [Text(value)]);
        }

        if (type.FullName == DateTimeOffsetTypeName) return ToDateTimeOffset(value);
        if (type.FullName == UriTypeName) return ToUri(value);

        // [regex]'\d+': a Regex of the pattern (no options: case-sensitive, unlike -match).
        if (type.FullName == RegexTypeName)
        {
            if (IsNull(value)) return PsNil.Instance;
            if (value is PsObject { TypeNames: [RegexTypeName, ..] }) return value;
            return NewRegexOrError([PsPrimitive.String(Text(value))]);
        }

        // [System.Text.StringBuilder]'abc': PowerShell's conversion by the constructor that takes a string (an int, the
        // capacity); a builder stays itself.
        if (type.FullName == StringBuilderTypeName)
        {
            if (IsNull(value) || IsStringBuilder(value)) return value ?? PsNil.Instance;
            if (value is PsPrimitive { Value: string or int } && NewStringBuilder([value]) is { } built) return built;
        }

        // A value already of the generic type is itself (a typed variable assigned it refers to the same list).
        if ((type.IsGenericList || type.IsGenericDictionary || type.QueueOrStack != PsCollectionKind.None) && value is PsObject { TypeNames: [var own, ..] } && own == type.ObjectTypeNames[0]) return value;
        if (type.IsGenericList)
        {
            var element = ResolveType(type.ElementType!)!;
            var converted = Enumerate(value).Select(item => ConvertTo(item, element)).ToList();
            // A HashSet keeps the first of equal items (the default comparer: text with case).
            if (type.IsHashSet) converted = converted.Where((item, i) => converted.FindIndex(o => ScalarEquals(o, item, caseSensitive: true)) == i).ToList();
            return PsObjects.List(converted, type.ObjectTypeNames);
        }

        if (type.IsArray)
        {
            // [char[]]'abc': a string's characters (a string converts to a char array, not to one element).
            var items = type.ElementType == "System.Char" && value is PsPrimitive { Value: string chars }
                ? [.. chars.Select(c => (PsValue)PsPrimitive.Char(c))]
                : Enumerate(value);
            if (type.ElementType is null) return PsObjects.List(items, ListValueTemplate.ArrayTypeNames);
            var element = ResolveType(type.ElementType)!;
            return PsObjects.List(items.Select(item => ConvertTo(item, element)).ToList(), [type.FullName, "System.Array", "System.Object"]);
        }

        switch (type.FullName)
        {
            case "System.Void":
                return PsNil.Instance;
            case "System.Object":
                return value ?? PsNil.Instance;
            case "System.Boolean":
                return PsPrimitive.Boolean(IsTrue(value));
            case "System.String":
                return IsNull(value) ? PsPrimitive.String(string.Empty) : PsPrimitive.String(Text(value));
        }

        if (type.FullName == "System.Collections.ArrayList") return PsObjects.List([.. Enumerate(value)], ArrayListTypeNames);
        // [System.Security.Principal.NTAccount]'BUILTIN\Users': an account by its name (not looked up until used).
        if (type.FullName == RunContext.NTAccountTypeName && !IsNull(value)) return value is PsObject { TypeNames: [RunContext.NTAccountTypeName, ..] } ? value : RunContext.NTAccountObject(Text(value));
        // [System.Security.Principal.SecurityIdentifier]'S-1-5-32-544': the string constructor's SID.
        if (type.FullName == RunContext.SecurityIdentifierTypeName && !IsNull(value))
        {
            if (value is PsObject { TypeNames: [RunContext.SecurityIdentifierTypeName, ..] }) return value;
            return SecurityIdentifiers.Parse(Text(value)) is { } sid ? RunContext.SecurityIdentifierObject(sid) : throw new ScriptExpressionException(new ScriptedError(
                $"Cannot convert value \"{Text(value)}\" to type \"{RunContext.SecurityIdentifierTypeName}\". Error: \"Value was invalid.\r\nParameter name: sddlForm\"",
                "InvalidCastConstructorException", Protocol.Psrp.ErrorCategory.InvalidArgument, ScriptedError.RuntimeExceptionType));
        }

        // [array]1 is an object[] of one item; an array stays itself; $null stays $null.
        // An ArrayList or a List of T is no array: [array] copies its items into an object[].
        if (type.FullName == "System.Array")
        {
            return IsNull(value) ? PsNil.Instance
                : value is PsObject list && (IsListNoArray(list) || list.CollectionKind is PsCollectionKind.Stack or PsCollectionKind.Queue) ? PsObjects.List([.. Enumerate(list)], ListValueTemplate.ArrayTypeNames)
                : IsCollection(value) ? value!
                : PsObjects.List([value!], ListValueTemplate.ArrayTypeNames);
        }

        // [xml] of lines (Get-Content's object[]): PowerShell's conversion reads them as one text.
        if (type.FullName == XmlNodes.DocumentTypeName && IsCollection(value)) return XmlNodes.Parse(value);

        // A single-item collection converts as its item; a longer one does not convert to a scalar.
        if (IsCollection(value))
        {
            var items = Enumerate(value);
            if (items.Count != 1) throw CannotConvert(value, type, $"Cannot convert the \"{Text(value)}\" value of type \"{(value is PsObject { TypeNames: [var listType, ..] } ? listType : "System.Object[]")}\" to type \"{type.FullName}\".", "ConvertToFinalInvalidCastException", withError: false);
            value = items[0];
        }

        if (!IsNull(value) && EnumCast(type.FullName, value) is { } enumValue) return enumValue;
        // A date, a TimeSpan, a Version or a Guid is no number, though some hold a number's text ([int][version]'1.0').
        if (type.FullName is "System.Int32" or "System.Int64" or "System.Int16" or "System.Byte" or "System.UInt32" or "System.UInt64" or "System.Double"
            or "System.Single" or "System.Decimal" && IsNumberless(value))
        {
            throw NotNumeric(value, type);
        }

        switch (type.FullName)
        {
            case "System.Int32" or "System.Int64" or "System.Int16" or "System.Byte" or "System.UInt32" or "System.UInt64":
                return Integer(value, type);
            case "System.Double" or "System.Single" or "System.Decimal":
            {
                if (IsNull(value)) return Floating(0, type);
                if (value is PsPrimitive { Value: string s })
                {
                    return double.TryParse(s.Trim(), NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var parsed) && s.Trim().Length > 0
                        ? Floating(parsed, type)
                        : throw CannotConvert(value, type, "Input string was not in a correct format.", "InvalidCastFromStringToDoubleOrSingle");
                }

                return AsNumber(value) is { } n ? Floating(n, type) : throw NotNumeric(value, type);
            }

            case "System.Char":
                if (value is PsPrimitive { Value: char }) return value;
                if (value is PsPrimitive { Value: string one }) return one.Length == 1 ? PsPrimitive.Char(one[0]) : throw CannotConvert(value, type, "String must be exactly one character long.", "InvalidCastParseTargetInvocation");
                if (AsNumber(value) is { } code && code is >= 0 and <= char.MaxValue && code == Math.Floor(code)) return PsPrimitive.Char((char)code);
                throw CannotConvert(value, type, null, "InvalidCastIConvertible");
            case "System.DateTime":
                if (value is PsPrimitive { Value: DateTimeOffset }) return value;
                if (value is PsPrimitive { Value: string date } &&
                    DateTimeOffset.TryParse(date, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var parsedDate))
                {
                    return PsPrimitive.DateTime(parsedDate, DateKinds.ParsedKind(date, CultureInfo.InvariantCulture));
                }

                // An integer is ticks ([datetime]1 is the first tick of year 1), of no kind.
                if (value is PsPrimitive { Value: int or long } dateTicks && Convert.ToInt64(dateTicks.Value, CultureInfo.InvariantCulture) is var tickCount && tickCount >= 0 && tickCount <= DateTime.MaxValue.Ticks)
                {
                    return PsPrimitive.DateTime(new DateTimeOffset(tickCount, TimeSpan.Zero), DateTimeKind.Unspecified);
                }

                if (value is PsPrimitive { Type: PsPrimitiveType.Boolean or PsPrimitiveType.Char } convertible)
                {
                    throw CannotConvert(value, type, $"Invalid cast from '{convertible.Type}' to 'DateTime'.", "InvalidCastIConvertible");
                }

                if (IsNumberless(value)) throw CannotConvert(value, type, null, "ConvertToFinalInvalidCastException", withError: false);
                throw CannotConvert(value, type, "String was not recognized as a valid DateTime.", "InvalidCastParseTargetInvocationWithFormatProvider");
            case "System.TimeSpan":
                if (value is PsPrimitive { Value: TimeSpan }) return value;
                if (value is PsPrimitive { Value: string span } && TimeSpan.TryParse(span, CultureInfo.InvariantCulture, out var parsedSpan)) return PsPrimitive.Duration(parsedSpan);
                if (value is PsPrimitive { Value: int or long } ticks) return PsPrimitive.Duration(TimeSpan.FromTicks(Convert.ToInt64(ticks.Value, CultureInfo.InvariantCulture)));
                // A double converts through its text ([timespan]2.0 is two days); a date, a bool or a char is .NET's
                // IConvertible refusal.
                if (value is PsPrimitive { Value: double or float } && TimeSpan.TryParse(Text(value), CultureInfo.InvariantCulture, out var fromText)) return PsPrimitive.Duration(fromText);
                if (value is PsPrimitive { Type: PsPrimitiveType.DateTime or PsPrimitiveType.Boolean or PsPrimitiveType.Char })
                {
                    throw CannotConvert(value, type, $"Invalid cast from '{TypeName(value)}' to 'System.TimeSpan'.", "InvalidCastIConvertible");
                }

                throw CannotConvert(value, type, "String was not recognized as a valid TimeSpan.", "InvalidCastParseTargetInvocationWithFormatProvider");
            case "System.Guid":
                if (value is PsPrimitive { Value: Guid }) return value;
                if (value is PsPrimitive { Value: string guid } && Guid.TryParse(guid, out var parsedGuid)) return PsPrimitive.Guid(parsedGuid);
                throw CannotConvert(value, type, "Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).", "InvalidCastParseTargetInvocation");
            case IPAddressTypeName:
                // [ipaddress]'10.0.0.5' (and -as [ipaddress], how scripts check an address): .NET's parse, which takes
                // "1" as 0.0.0.1 as .NET Framework does.
                if (value is PsObject { TypeNames: [IPAddressTypeName, ..] }) return value;
                if (value is PsPrimitive { Value: string ipText } && System.Net.IPAddress.TryParse(ipText.Trim(), out var ip)) return RunContext.IPAddressObject(ip.ToString());
                if (value is PsPrimitive { Value: int or long or uint } ipNumber && Convert.ToInt64(ipNumber.Value, CultureInfo.InvariantCulture) is var bits and >= 0 and <= uint.MaxValue)
                {
                    return RunContext.IPAddressObject(new System.Net.IPAddress(bits).ToString());
                }

                throw CannotConvert(value, type, "An invalid IP address was specified.", "InvalidCastParseTargetInvocation");
            case "System.Version":
                if (value is PsPrimitive { Type: PsPrimitiveType.Version }) return value;
                if (value is PsPrimitive { Value: string version } && Version.TryParse(version.Trim(), out var parsedVersion)) return PsPrimitive.Version(parsedVersion.ToString());
                throw CannotConvert(value, type, "Version string portion was too short or too long.", "InvalidCastParseTargetInvocation");
            case ChoiceDescriptionTypeName:
                // ChoiceDescription(string label): a text becomes a choice with no help message.
                if (value is PsObject { TypeNames: [ChoiceDescriptionTypeName, ..] }) return value;
                if (value is PsPrimitive { Value: string label }) return ChoiceDescription(label, string.Empty);
                throw CannotConvert(value, type, null, "ConvertToFinalInvalidCastException", withError: false);
            case XmlNodes.DocumentTypeName:
                return XmlNodes.Parse(value);
            case WindowsPrincipalTypeName:
                return value is PsObject { TypeNames: [WindowsPrincipalTypeName, ..] } ? value : WindowsPrincipal(value);
            case "System.Collections.ArrayList":
                // A new list of the items, which Add and Remove change in place.
                return PsObjects.List([.. Enumerate(value)], ArrayListTypeNames);
            case "System.Management.Automation.PSCustomObject" when value is PsObject { CollectionKind: PsCollectionKind.Dictionary } table:
            {
                // [PSCustomObject]$hashtable: an object with the entries as its properties, in the table's order; a
                // PSTypeName entry is no property but the object's first type name, as PowerShell's conversion reads it.
                var custom = PsObjects.CustomObject();
                foreach (var (key, entry) in table.Entries)
                {
                    if (Text(key).Equals("PSTypeName", StringComparison.OrdinalIgnoreCase) && !IsNull(entry))
                    {
                        custom.TypeNames = [Text(entry), .. custom.TypeNames!];
                        continue;
                    }

                    custom.ExtendedProperties.Add(new PsProperty(Text(key), entry));
                }

                return custom;
            }

            case "System.Management.Automation.PSCustomObject" or "System.Management.Automation.PSObject":
                // Anything else is wrapped as it is: the same value.
                return value ?? PsNil.Instance;
            case "System.Collections.Hashtable":
                if (value is PsObject { CollectionKind: PsCollectionKind.Dictionary }) return value;
                throw CannotConvert(value, type, null, "ConvertToFinalInvalidCastException", withError: false);
            case SortedListTypeName:
                // [System.Collections.SortedList]@{ ... }: a SortedList of the table's entries (its IDictionary constructor).
                if (value is PsObject { CollectionKind: PsCollectionKind.Dictionary } dictionary) return dictionary.TypeNames is [SortedListTypeName, ..] ? dictionary : NewSortedList(dictionary.Entries);
                throw CannotConvert(value, type, null, "ConvertToFinalInvalidCastException", withError: false);
            default:
                // The rest (ValueType, Array, ScriptBlock, SecureString, PSCredential...): a value is taken as it is when
                // it is one; these are classes, so $null converts to $null ([securestring]$null).
                if (IsNull(value) && type.FullName is not ("System.Math" or "System.Environment")) return PsNil.Instance;
                return Is(value, type.FullName) ? value ?? PsNil.Instance : throw CannotConvert(value, type, null, "ConvertToFinalInvalidCastException", withError: false);
        }
    }

    private static PsValue Integer(PsValue? value, KnownType type)
    {
        // A 64-bit target from an integer (or a string of one) converts exactly: a double would lose digits past 2^53.
        if (type.FullName is "System.Int64" or "System.UInt64" && ExactInteger(value) is { } exact)
        {
            if (type.FullName == "System.Int64" && exact is >= long.MinValue and <= long.MaxValue) return PsPrimitive.Int64((long)exact);
            if (type.FullName == "System.UInt64" && exact is >= ulong.MinValue and <= ulong.MaxValue) return PsPrimitive.UInt64((ulong)exact);
        }

        double number;
        switch (value)
        {
            case null or PsNil:
                number = 0;
                break;
            case PsPrimitive { Value: char c }:
                // [int][char]'A' is 65.
                number = c;
                break;
            case PsPrimitive { Value: string s }:
            {
                var t = s.Trim();
                if (t.Length == 0) { number = 0; break; }
                if (NumberLiteral(t) is { } literal && Number(literal) is { } n) { number = n; break; }
                throw CannotConvert(value, type, "Input string was not in a correct format.", "InvalidCastFromStringToInteger");
            }

            default:
                number = AsNumber(value) ?? throw NotNumeric(value, type);
                break;
        }

        // PowerShell rounds to even ([int]2.5 is 2, [int]3.5 is 4).
        var rounded = Math.Round(number, MidpointRounding.ToEven);
        var (min, max) = type.FullName switch
        {
            "System.Int32" => ((double)int.MinValue, (double)int.MaxValue),
            "System.Int16" => (short.MinValue, short.MaxValue),
            "System.Byte" => (byte.MinValue, byte.MaxValue),
            "System.UInt32" => (uint.MinValue, uint.MaxValue),
            "System.UInt64" => (0, ulong.MaxValue),
            _ => (long.MinValue, long.MaxValue),
        };
        if (double.IsNaN(rounded) || rounded < min || rounded > max)
        {
            throw CannotConvert(value, type, $"Value was either too large or too small for {Article(type.FullName[7..])} {type.FullName[7..]}.", "InvalidCastIConvertible");
        }

        return type.FullName switch
        {
            "System.Int32" => PsPrimitive.Int32((int)rounded),
            "System.Int16" => PsPrimitive.Int16((short)rounded),
            "System.Byte" => PsPrimitive.Byte((byte)rounded),
            "System.UInt32" => PsPrimitive.UInt32((uint)rounded),
            "System.UInt64" => PsPrimitive.UInt64((ulong)rounded),
            _ => PsPrimitive.Int64((long)rounded),
        };

        static string Article(string name) => name.StartsWith('I') || name.StartsWith('U') ? "an" : "a";
    }

    // An integer value as it is (Int64, UInt64 and the smaller ones, a decimal without a fraction, a string of decimal
    // digits); null for anything else, which converts through a double as before.
    private static decimal? ExactInteger(PsValue? value)
    {
        switch (value)
        {
            case PsPrimitive { Value: long l }: return l;
            case PsPrimitive { Value: ulong u }: return u;
            case PsPrimitive { Value: int i }: return i;
            case PsPrimitive { Value: uint ui }: return ui;
            case PsPrimitive { Value: short sh }: return sh;
            case PsPrimitive { Value: byte b }: return b;
            case PsPrimitive { Value: decimal d } when d == decimal.Truncate(d): return d;
            case PsPrimitive { Value: string s } when s.Trim() is { Length: > 15 and < 28 } t && decimal.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed):
                return parsed;
            default: return null;
        }
    }

    private static PsPrimitive Floating(double value, KnownType type) => type.FullName switch
    {
        "System.Single" => PsPrimitive.Single((float)value),
        "System.Decimal" => value is > (double)decimal.MaxValue or < (double)decimal.MinValue || double.IsNaN(value)
            ? throw CannotConvert(PsPrimitive.Double(value), type, "Value was either too large or too small for a Decimal.", "InvalidCastIConvertible")
            : PsPrimitive.Decimal((decimal)value),
        _ => PsPrimitive.Double(value),
    };

    // A value no number converts from: an IConvertible (a date, a boolean) fails in its Convert call (InvalidCastIConvertible);
    // an object that is none (a PSCustomObject, a deserialized object) finds no conversion at all, and PowerShell names
    // its first type name (ConvertNoConversion: "Cannot convert the "@{a=1}" value of type "...PSCustomObject"").
    private static ScriptExpressionException NotNumeric(PsValue? value, KnownType type) => value switch
    {
        // A date is IConvertible, and refuses in .NET's own words (short type names); the other primitives without a
        // number have no conversion at all.
        PsPrimitive { Type: PsPrimitiveType.DateTime } => CannotConvert(value, type, $"Invalid cast from 'DateTime' to '{type.FullName["System.".Length..]}'.", "InvalidCastIConvertible"),
        _ when IsNumberless(value) => CannotConvert(value, type, null, "ConvertToFinalInvalidCastException", withError: false),
        PsObject { BaseValue: null, CollectionKind: PsCollectionKind.None, TypeNames: [_, ..] } => CannotConvert(value, type, null, "ConvertToFinalInvalidCastException", withError: false),
        _ => CannotConvert(value, type, null, "InvalidCastIConvertible"),
    };

    // A primitive of a type that is neither a number nor a string, a bool or a char.
    private static bool IsNumberless(PsValue? value) => value is PsPrimitive { Type: PsPrimitiveType.DateTime or PsPrimitiveType.Duration or PsPrimitiveType.Guid
        or PsPrimitiveType.Uri or PsPrimitiveType.Version or PsPrimitiveType.SemanticVersion or PsPrimitiveType.ScriptBlock or PsPrimitiveType.XmlDocument
        or PsPrimitiveType.SecureString };

    // PowerShell's InvalidCast error, a RuntimeException around PSInvalidCastException.
    private static ScriptExpressionException CannotConvert(PsValue? value, KnownType type, string? reason, string id, bool withError = true)
    {
        var shown = Text(value);
        // PowerShell's ConvertToFinalInvalidCastException text, when the caller gives none.
        var message = !withError ? reason ?? $"Cannot convert the \"{shown}\" value of type \"{TypeName(value)}\" to type \"{type.FullName}\"." : reason is null
            ? $"Cannot convert value \"{shown}\" to type \"{type.FullName}\"."
            : $"Cannot convert value \"{shown}\" to type \"{type.FullName}\". Error: \"{reason}\"";
        return new ScriptExpressionException(new ScriptedError(message, id, Protocol.Psrp.ErrorCategory.InvalidArgument, ScriptedError.RuntimeExceptionType, shown)
        {
            InnerExceptionType = "System.Management.Automation.PSInvalidCastException",
        });
    }

    /// <summary>
    /// <c>value -is [Type]</c>: a primitive by its .NET type (numbers, strings, booleans and dates are also ValueType
    /// or Object as their types derive), a collection as an array, an object by its type names; $null is of no type.
    /// </summary>
    public static bool Is(PsValue? value, string typeName)
    {
        if (IsNull(value)) return false;
        var full = ResolveType(typeName)?.FullName ?? typeName.Trim();
        if (full == "System.Object") return true;
        // A wrapped primitive (a string with notes) is of the primitive's types, and a PSObject.
        if (WrappedPrimitive(value) is { } inner && full != "System.Management.Automation.PSObject") return Is(inner, typeName);
        if (ImplementsInterface(value!, full) is { } implements) return implements;
        // A deserialized object is of its runtime type (an ArrayList, a Hashtable, a PSCustomObject), not of the types its
        // names recall: a Deserialized.System.Diagnostics.Process is no Process, a deserialized array no [array].
        if (value is PsObject deserialized && DeserializedRuntimeType(deserialized) is { } runtime)
        {
            return full == "System.Management.Automation.PSObject" || string.Equals(full, runtime, StringComparison.OrdinalIgnoreCase) ||
                   (deserialized.CollectionKind == PsCollectionKind.None && full == PsObjects.PSCustomObjectTypeName);
        }

        var own = TypeName(value);
        if (value is PsPrimitive primitive)
        {
            if (string.Equals(own, full, StringComparison.OrdinalIgnoreCase)) return true;
            return full == "System.ValueType" && primitive.Value is not string && primitive.Type is not (PsPrimitiveType.ByteArray or PsPrimitiveType.ScriptBlock or PsPrimitiveType.SecureString
                or PsPrimitiveType.XmlDocument or PsPrimitiveType.Uri or PsPrimitiveType.Version or PsPrimitiveType.SemanticVersion);
        }

        if (IsCollection(value) && full is "System.Array" or "System.Object[]") return true;
        // Every object is a PSObject; a literal (a primitive) is not wrapped in one.
        if (full == "System.Management.Automation.PSObject") return value is PsObject;
        // A type the emulator does not know by name matches a type name in full, or by its last part (short names, as
        // the script wrote them: [ServiceController]).
        return value is PsObject { TypeNames: { } names } && names.Any(n => string.Equals(n, full, StringComparison.OrdinalIgnoreCase) ||
                                                          string.Equals(n, "Deserialized." + full, StringComparison.OrdinalIgnoreCase) ||
                                                          n.EndsWith("." + full, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Whether the value's .NET type implements one of the interfaces scripts test for (<c>$x -is [Collections.IDictionary]</c>
    /// to tell a table from a list, <c>[IComparable]</c>, <c>[IFormattable]</c>): as .NET's types do (a string is
    /// IEnumerable but no ICollection, a HashSet no IList); null for a name that is none of them.
    /// </summary>
    private static bool? ImplementsInterface(PsValue value, string full)
    {
        var name = full.StartsWith("System.", StringComparison.OrdinalIgnoreCase) ? full["System.".Length..] : full;
        if (name.StartsWith("Collections.", StringComparison.OrdinalIgnoreCase)) name = "System." + name;
        var kind = value is PsObject { CollectionKind: var k } ? k : PsCollectionKind.None;
        var isString = value is PsPrimitive { Value: string };
        var isTable = kind == PsCollectionKind.Dictionary;
        var isList = kind is PsCollectionKind.List or PsCollectionKind.Stack or PsCollectionKind.Queue;
        var number = value is PsPrimitive { Value: byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal };
        var primitive = value as PsPrimitive;
        var isEnum = value is PsObject enumObject && ValueProperties.IsEnum(enumObject);
        return name.ToUpperInvariant() switch
        {
            "SYSTEM.COLLECTIONS.IENUMERABLE" or "IENUMERABLE" => isString || isTable || isList || kind == PsCollectionKind.Enumerable,
            "SYSTEM.COLLECTIONS.ICOLLECTION" or "ICOLLECTION" => isTable || isList,
            "SYSTEM.COLLECTIONS.ILIST" or "ILIST" => kind == PsCollectionKind.List && !(value is PsObject { TypeNames: [var set, ..] } && (set.StartsWith(HashSetTypeName, StringComparison.Ordinal) || set.StartsWith(SortedSetTypeName, StringComparison.Ordinal))),
            "SYSTEM.COLLECTIONS.IDICTIONARY" or "IDICTIONARY" or "SYSTEM.COLLECTIONS.SPECIALIZED.IORDEREDDICTIONARY" => isTable,
            "ICOMPARABLE" => isString || number || isEnum || primitive?.Value is char or bool or DateTimeOffset or TimeSpan or Guid || primitive?.Type == PsPrimitiveType.Version,
            "IFORMATTABLE" => number || isEnum || primitive?.Value is DateTimeOffset or TimeSpan or Guid,
            "ICONVERTIBLE" => isString || number || isEnum || primitive?.Value is char or bool or DateTimeOffset,
            "ICLONEABLE" => isString || isTable || (isList && value is PsObject { TypeNames: [var arrayType, ..] } && !arrayType.StartsWith("System.Collections.Generic.", StringComparison.Ordinal)),
            _ => null,
        };
    }

    /// <summary>Bitwise <c>-band</c>, <c>-bor</c>, <c>-bxor</c>, <c>-shl</c>, <c>-shr</c> over integers (Int32 unless an operand is wider).</summary>
    public static PsValue Bitwise(PsValue? left, string op, PsValue? right)
    {
        var (l, lIntegral, lWide) = Numeric(left);
        var (r, rIntegral, rWide) = Numeric(right);
        var a = lIntegral ? (long)l : (long)Math.Round(l, MidpointRounding.ToEven);
        var b = rIntegral ? (long)r : (long)Math.Round(r, MidpointRounding.ToEven);
        var wide = lWide || rWide || a is < int.MinValue or > int.MaxValue || b is < int.MinValue or > int.MaxValue;
        if (op is "shl" or "shr")
        {
            // The shift count is masked as .NET masks it: 31 for Int32, 63 for Int64.
            wide = lWide || a is < int.MinValue or > int.MaxValue;
            var shift = (int)(b & (wide ? 63 : 31));
            if (!wide) return PsPrimitive.Int32(op == "shl" ? (int)a << shift : (int)a >> shift);
            return PsPrimitive.Int64(op == "shl" ? a << shift : a >> shift);
        }

        var result = op switch
        {
            "band" => a & b,
            "bor" => a | b,
            _ => a ^ b,
        };
        // An enum on the left gives its own type, as PowerShell's enum operators do (Tls12 -bor 768 is "Tls11, Tls12").
        if (left is PsObject { TypeNames: [var enumType, ..] } && IsEnumType(enumType) && result is >= int.MinValue and <= int.MaxValue &&
            EnumCast(enumType, PsPrimitive.Int32((int)result)) is { } flags)
        {
            return flags;
        }

        return wide ? PsPrimitive.Int64(result) : PsPrimitive.Int32((int)result);
    }

    /// <summary>Unary <c>-bnot</c>.</summary>
    public static PsValue BitwiseNot(PsValue? operand)
    {
        var (n, integral, wide) = Numeric(operand);
        var value = integral ? (long)n : (long)Math.Round(n, MidpointRounding.ToEven);
        return wide || value is < int.MinValue or > int.MaxValue ? PsPrimitive.Int64(~value) : PsPrimitive.Int32(~(int)value);
    }

    /// <summary>
    /// PowerShell's ordering of two values (Sort-Object's): the left one's type decides, $null first; two that do not
    /// compare as that type compare as their texts (ObjectCommandComparer's fallback), never an error.
    /// </summary>
    public static int Order(PsValue? left, PsValue? right, bool caseSensitive)
    {
        try
        {
            return ScalarCompare(left, right, caseSensitive);
        }
        catch (ScriptExpressionException)
        {
            return TextCompare(left, right, caseSensitive);
        }
    }

    /// <summary>A value as a number, when it is one (a numeric string too); null otherwise.</summary>
    public static double? AsNumberOrNull(PsValue? value) => AsNumber(value);

    /// <summary>
    /// Sets an element in place: a hashtable's entry (by index or member name; added when new), an array's item (a
    /// negative index counts from the end), an object's property. What PowerShell refuses gets its error: no such
    /// property, an index outside the array, a null container.
    /// </summary>
    public static void SetElement(PsValue? container, PsValue key, bool isIndex, PsValue value)
    {
        switch (container)
        {
            case PsObject { CollectionKind: PsCollectionKind.Dictionary } table:
            {
                var entries = table.Entries;
                // A Dictionary[K,V]'s key and value are converted to K and V, as its indexer's parameters.
                if (GenericDictionaryTypes(table) is var (keyType, valueType))
                {
                    key = Cast(key, keyType);
                    value = Cast(value, valueType);
                }

                if (FindEntry(table, key) is var at and >= 0)
                {
                    entries[at] = new(entries[at].Key, value);
                    return;
                }

                if (entries.Count >= MaxTableEntries) throw TableTooLarge();
                try
                {
                    TableKeys.Add(table, key, value);
                }
                catch (InvalidOperationException e)
                {
                    // A SortedList's key that does not compare with its keys: the indexer's own exception, as the statement's error.
                    throw new ScriptExpressionException(new ScriptedError(e.Message, "System.InvalidOperationException", Protocol.Psrp.ErrorCategory.OperationStopped, "System.InvalidOperationException"));
                }

                return;
            }

            case PsObject list when isIndex && IsCollection(list):
            {
                var number = AsNumber(key) ?? throw new ScriptExpressionException(ScriptedError.CannotConvertToNumber(Text(key)));
                var index = (long)Math.Floor(number);
                if (index < 0) index += list.Items.Count;
                if (index < 0 || index >= list.Items.Count)
                {
                    throw new ScriptExpressionException(new ScriptedError("Index was outside the bounds of the array.", "System.IndexOutOfRangeException",
                        Protocol.Psrp.ErrorCategory.OperationStopped, "System.IndexOutOfRangeException"));
                }

                list.Items[(int)index] = value;
                return;
            }

            case PsObject xml when !isIndex && XmlNodes.TryGet(xml, out var node):
                XmlNodes.SetMember(node, Text(key), value);
                return;
            case PsObject builder when !isIndex && SetStringBuilderMember(builder, Text(key), value):
                return;
            // A Tuple's items and a KeyValuePair's Key and Value are get-only properties.
            case PsObject { TypeNames: [var pairType, ..] } pair when !isIndex &&
                                                                    (pairType.StartsWith(TupleTypeName + "`", StringComparison.Ordinal) || pairType.StartsWith(KeyValuePairTypeName + "[", StringComparison.Ordinal)) &&
                                                                    pair.AdaptedProperties.Find(p => p.Name.Equals(Text(key), StringComparison.OrdinalIgnoreCase)) is { } item:
                throw ReadOnlyProperty(item.Name);
            case PsObject obj when !isIndex:
            {
                var name = Text(key);
                // A property of a class the session defined takes its declared type, and its validation attributes check the
                // value (PowerShell's SetValueInvocationException when one refuses it; wording UNVERIFIED).
                if (obj.TypeNames is [var className, ..] && ScriptTypes.Current?.Class(className)?.Property(name, isStatic: false) is { } classProperty)
                {
                    if (classProperty.TypeName is { } propertyType && ResolveType(propertyType) is { } declared) value = Cast(value, declared);
                    foreach (var attribute in classProperty.Validations ?? [])
                    {
                        if (ScriptParameters.PropertyValidationFailure(attribute, value) is { } failure)
                        {
                            throw new ScriptExpressionException(new ScriptedError($"Exception setting \"{classProperty.Name}\": \"{failure}\"", "ExceptionWhenSetting",
                                Protocol.Psrp.ErrorCategory.NotSpecified, "System.Management.Automation.SetValueInvocationException"));
                        }
                    }
                }

                foreach (var properties in (List<PsProperty>[])[obj.ExtendedProperties, obj.AdaptedProperties])
                {
                    for (var i = 0; i < properties.Count; i++)
                    {
                        if (string.Equals(properties[i].Name, name, StringComparison.OrdinalIgnoreCase))
                        {
                            properties[i] = new PsProperty(properties[i].Name, value);
                            return;
                        }
                    }
                }

                throw PropertyNotFound(name);
            }

            case null or PsNil when isIndex:
                throw new ScriptExpressionException(ScriptedError.NullArray);
            case PsObject or PsPrimitive when isIndex:
                throw new ScriptExpressionException(new ScriptedError($"Unable to index into an object of type {TypeName(container)}.", "CannotIndex",
                    Protocol.Psrp.ErrorCategory.InvalidOperation, ScriptedError.RuntimeExceptionType));
            // A .NET value's property that has no setter (a string's Length, a date's Year): PowerShell's assignment error.
            case PsPrimitive when DotNetMembers.Of(TypeName(container))?.FirstOrDefault(m => m.MemberType == "Property" && m.Name.Equals(Text(key), StringComparison.OrdinalIgnoreCase)) is { } getOnly &&
                                  !getOnly.Definition.EndsWith("set;}", StringComparison.Ordinal):
                throw ReadOnlyProperty(getOnly.Name);
            default:
                throw PropertyNotFound(Text(key));
        }

        static ScriptExpressionException ReadOnlyProperty(string name) => new(new ScriptedError($"'{name}' is a ReadOnly property.", "PropertyAssignmentException",
            Protocol.Psrp.ErrorCategory.InvalidOperation, ScriptedError.RuntimeExceptionType));

        static ScriptExpressionException PropertyNotFound(string name) => new(new ScriptedError(
            $"The property '{name}' cannot be found on this object. Verify that the property exists and can be set.", "PropertyNotFound",
            Protocol.Psrp.ErrorCategory.InvalidOperation, ScriptedError.RuntimeExceptionType));
    }

    /// <summary>
    /// A copy of a value that shares nothing mutable with it: what a session may change in place (a hashtable's entries,
    /// an array's items, an object's properties) without changing what other sessions read.
    /// </summary>
    public static PsValue DeepCopy(PsValue value)
    {
        if (value is not PsObject o) return value;
        var copy = new PsObject(o.TypeNames) { ToStringValue = o.ToStringValue, BaseValue = o.BaseValue, CollectionKind = o.CollectionKind };
        foreach (var p in o.AdaptedProperties) copy.AdaptedProperties.Add(new PsProperty(p.Name, DeepCopy(p.Value)));
        foreach (var p in o.ExtendedProperties) copy.ExtendedProperties.Add(new PsProperty(p.Name, DeepCopy(p.Value)));
        foreach (var item in o.Items) copy.Items.Add(DeepCopy(item));
        foreach (var (key, entry) in o.Entries) copy.Entries.Add(new(DeepCopy(key), DeepCopy(entry)));
        return copy;
    }

    public static bool IsBitwise(string op) => op is "band" or "bor" or "bxor" or "shl" or "shr";
}
