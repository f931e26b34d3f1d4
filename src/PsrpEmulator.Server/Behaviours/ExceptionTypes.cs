using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The exception types the emulator knows: what each derives from (for <c>catch [Type]</c> and the type names of a
/// serialized exception), and the ones a script can make (<c>[ArgumentException]::new('x')</c>,
/// <c>[IO.FileNotFoundException] 'x'</c>, <c>New-Object Exception 'x'</c>) to throw, with .NET Framework's messages.
/// </summary>
internal static class ExceptionTypes
{
    /// <summary>
    /// The type <paramref name="type"/> derives from; null for System.Exception. Another PowerShell type derives from
    /// RuntimeException, any other type from System.Exception.
    /// </summary>
    public static string? BaseOf(string type) => type switch
    {
        "System.Exception" => null,
        _ when ExceptionBases.TryGetValue(type, out var known) => known,
        _ when type.StartsWith("System.Management.Automation.", StringComparison.Ordinal) => ScriptedError.RuntimeExceptionType,
        _ => "System.Exception",
    };

    private static readonly Dictionary<string, string> ExceptionBases = new(StringComparer.Ordinal)
    {
        ["System.SystemException"] = "System.Exception",
        // The CIM cmdlets' failures: a method's (CimException) and the cmdletization's query matching nothing (CimJobException).
        ["Microsoft.Management.Infrastructure.CimException"] = "System.SystemException",
        ["Microsoft.PowerShell.Cmdletization.Cim.CimJobException"] = "System.SystemException",
        // The WMI cmdlets' (System.Management's).
        ["System.Management.ManagementException"] = "System.SystemException",
        ["System.NotImplementedException"] = "System.SystemException",
        ["System.ArithmeticException"] = "System.SystemException",
        ["System.DivideByZeroException"] = "System.ArithmeticException",
        ["System.OverflowException"] = "System.ArithmeticException",
        ["System.ArgumentException"] = "System.SystemException",
        ["System.ArgumentOutOfRangeException"] = "System.ArgumentException",
        ["System.ArgumentNullException"] = "System.ArgumentException",
        ["System.Text.RegularExpressions.RegexParseException"] = "System.ArgumentException",
        ["System.FormatException"] = "System.SystemException",
        ["System.InvalidCastException"] = "System.SystemException",
        ["System.InvalidOperationException"] = "System.SystemException",
        ["System.NotSupportedException"] = "System.SystemException",
        ["System.IndexOutOfRangeException"] = "System.SystemException",
        ["System.Collections.Generic.KeyNotFoundException"] = "System.SystemException",
        ["System.IO.IOException"] = "System.SystemException",
        ["System.IO.FileNotFoundException"] = "System.IO.IOException",
        ["System.IO.DirectoryNotFoundException"] = "System.IO.IOException",
        ["System.UnauthorizedAccessException"] = "System.SystemException",
        ["System.TimeoutException"] = "System.SystemException",
        ["System.Management.Automation.RuntimeException"] = "System.SystemException",
        ["System.Management.Automation.PSInvalidCastException"] = "System.InvalidCastException",
        ["System.Management.Automation.MethodInvocationException"] = "System.Management.Automation.MethodException",
        ["System.Management.Automation.ItemNotFoundException"] = "System.Management.Automation.SessionStateException",
        ["System.Management.Automation.DriveNotFoundException"] = "System.Management.Automation.SessionStateException",
        ["System.Management.Automation.ScriptCallDepthException"] = "System.SystemException",
        ["System.Management.Automation.PSArgumentException"] = "System.ArgumentException",
        ["System.Management.Automation.PSArgumentNullException"] = "System.ArgumentNullException",
        ["System.Management.Automation.PSArgumentOutOfRangeException"] = "System.ArgumentOutOfRangeException",
        ["System.Management.Automation.PSInvalidOperationException"] = "System.InvalidOperationException",
        ["System.Management.Automation.PSNotSupportedException"] = "System.NotSupportedException",
        ["Microsoft.PowerShell.Commands.WriteErrorException"] = "System.SystemException",
    };

    /// <summary>The types <paramref name="type"/> derives from, nearest first, down to System.Exception.</summary>
    public static IReadOnlyList<string> BasesOf(string type)
    {
        var bases = new List<string>();
        for (var current = BaseOf(type); current is not null && bases.Count < 16; current = BaseOf(current)) bases.Add(current);
        return bases;
    }

    /// <summary>
    /// The exceptions a script can make, with the message of their constructor without arguments (.NET Framework's
    /// texts, as on a Windows PowerShell 5.1 server).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Constructible = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["System.Exception"] = "Exception of type 'System.Exception' was thrown.",
        ["System.SystemException"] = "System error.",
        ["System.ApplicationException"] = "Error in the application.",
        ["System.ArgumentException"] = "Value does not fall within the expected range.",
        ["System.ArgumentNullException"] = "Value cannot be null.",
        ["System.ArgumentOutOfRangeException"] = "Specified argument was out of the range of valid values.",
        ["System.InvalidOperationException"] = "Operation is not valid due to the current state of the object.",
        ["System.NotImplementedException"] = "The method or operation is not implemented.",
        ["System.NotSupportedException"] = "Specified method is not supported.",
        ["System.TimeoutException"] = "The operation has timed out.",
        ["System.FormatException"] = "One of the identified items was in an invalid format.",
        ["System.InvalidCastException"] = "Specified cast is not valid.",
        ["System.UnauthorizedAccessException"] = "Attempted to perform an unauthorized operation.",
        ["System.IO.IOException"] = "I/O error occurred.",
        ["System.IO.FileNotFoundException"] = "Unable to find the specified file.",
        ["System.IO.DirectoryNotFoundException"] = "Attempted to access a path that is not on the disk.",
        ["System.Collections.Generic.KeyNotFoundException"] = "The given key was not present in the dictionary.",
        ["System.Management.Automation.RuntimeException"] = "Exception of type 'System.Management.Automation.RuntimeException' was thrown.",
    };

    /// <summary>
    /// A new exception of <paramref name="type"/> from a constructor's arguments: none (the default message), a
    /// message, or a message and an inner exception (<paramref name="innerException"/>, the second argument when it is
    /// an exception). ArgumentNullException and ArgumentOutOfRangeException take a parameter name first (and a message
    /// second), ArgumentException a message and a parameter name, which .NET Framework puts on a line of its own;
    /// FileNotFoundException a message and a file name. The type's own properties come after Message, as reflection
    /// lists them (the type's declarations before its bases'), and HResult is the type's.
    /// </summary>
    public static PsObject Create(string type, IReadOnlyList<string> arguments, PsValue? innerException = null)
    {
        var withInner = innerException is not null && arguments.Count == 2;
        var message = (type, arguments.Count) switch
        {
            (_, 0) => Constructible[type],
            _ when withInner => arguments[0],
            ("System.ArgumentNullException" or "System.ArgumentOutOfRangeException", 1) => WithParameter(Constructible[type], arguments[0]),
            ("System.ArgumentNullException" or "System.ArgumentOutOfRangeException", _) => WithParameter(arguments[1], arguments[0]),
            ("System.ArgumentException", >= 2) => WithParameter(arguments[0], arguments[1]),
            _ => arguments[0],
        };
        var exception = ErrorRecords.CreateException(message, type, BasesOf(type));
        var properties = exception.AdaptedProperties;
        if (withInner) Set(properties, "InnerException", innerException!);
        if (HResults.TryGetValue(type, out var hresult)) Set(properties, "HResult", PsPrimitive.Int32(unchecked((int)hresult)));
        PsValue Text(int index) => withInner || arguments.Count <= index || arguments[index].Length == 0 ? PsNil.Instance : PsPrimitive.String(arguments[index]);
        PsProperty[] own = type switch
        {
            "System.IO.FileNotFoundException" => [new("FileName", Text(1)), new("FusionLog", PsNil.Instance)],
            "System.ArgumentException" => [new("ParamName", Text(1))],
            "System.ArgumentNullException" => [new("ParamName", Text(0))],
            "System.ArgumentOutOfRangeException" => [new("ActualValue", PsNil.Instance), new("ParamName", Text(0))],
            _ => [],
        };
        properties.InsertRange(properties.FindIndex(p => p.Name == "Message") + 1, own);
        return exception;

        static string WithParameter(string message, string parameter) => parameter.Length == 0 ? message : $"{message}\r\nParameter name: {parameter}";

        static void Set(List<PsProperty> properties, string name, PsValue value)
        {
            var index = properties.FindIndex(p => p.Name == name);
            if (index >= 0) properties[index] = new PsProperty(name, value);
        }
    }

    /// <summary>The HResult each constructible type sets (.NET Framework's; RuntimeException keeps SystemException's).</summary>
    private static readonly Dictionary<string, uint> HResults = new(StringComparer.Ordinal)
    {
        ["System.Exception"] = 0x80131500,
        ["System.SystemException"] = 0x80131501,
        ["System.ApplicationException"] = 0x80131600,
        ["System.ArgumentException"] = 0x80070057,
        ["System.ArgumentNullException"] = 0x80004003,
        ["System.ArgumentOutOfRangeException"] = 0x80131502,
        ["System.InvalidOperationException"] = 0x80131509,
        ["System.NotImplementedException"] = 0x80004001,
        ["System.NotSupportedException"] = 0x80131515,
        ["System.TimeoutException"] = 0x80131505,
        ["System.FormatException"] = 0x80131537,
        ["System.InvalidCastException"] = 0x80004002,
        ["System.UnauthorizedAccessException"] = 0x80070005,
        ["System.IO.IOException"] = 0x80131620,
        ["System.IO.FileNotFoundException"] = 0x80070002,
        ["System.IO.DirectoryNotFoundException"] = 0x80070003,
        ["System.Collections.Generic.KeyNotFoundException"] = 0x80131577,
    };

    /// <summary>Whether a value is an exception (its type names end in System.Exception, System.Object).</summary>
    public static bool IsException(PsValue value) =>
        value is PsObject { TypeNames: [.., "System.Exception", "System.Object"] } exception && exception["Message"] is PsPrimitive;
}
