using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Protocol.Psrp;

/// <summary>
/// The host methods a server may ask the client's host to run (MS-PSRP 2.2.3.17, PowerShell's RemoteHostMethodId):
/// the number is what goes on the wire, the name is the enum's ToString.
/// </summary>
public enum RemoteHostMethodId
{
    GetName = 1, GetVersion = 2, GetInstanceId = 3, GetCurrentCulture = 4, GetCurrentUICulture = 5, SetShouldExit = 6,
    EnterNestedPrompt = 7, ExitNestedPrompt = 8, NotifyBeginApplication = 9, NotifyEndApplication = 10,
    ReadLine = 11, ReadLineAsSecureString = 12, Write1 = 13, Write2 = 14, WriteLine1 = 15, WriteLine2 = 16, WriteLine3 = 17,
    WriteErrorLine = 18, WriteDebugLine = 19, WriteProgress = 20, WriteVerboseLine = 21, WriteWarningLine = 22,
    Prompt = 23, PromptForCredential1 = 24, PromptForCredential2 = 25, PromptForChoice = 26,
    GetForegroundColor = 27, SetForegroundColor = 28, GetBackgroundColor = 29, SetBackgroundColor = 30,
    GetCursorPosition = 31, SetCursorPosition = 32, GetWindowPosition = 33, SetWindowPosition = 34,
    GetCursorSize = 35, SetCursorSize = 36, GetBufferSize = 37, SetBufferSize = 38, GetWindowSize = 39, SetWindowSize = 40,
    GetWindowTitle = 41, SetWindowTitle = 42, GetMaxWindowSize = 43, GetMaxPhysicalWindowSize = 44, GetKeyAvailable = 45,
    ReadKey = 46, FlushInputBuffer = 47, SetBufferContents1 = 48, SetBufferContents2 = 49, GetBufferContents = 50,
    ScrollBufferContents = 51, PushRunspace = 52, PopRunspace = 53, GetIsRunspacePushed = 54, GetRunspace = 55,
    PromptForChoiceMultipleSelection = 56,
}

/// <summary>What the host-call messages carry besides the call itself: the call ids, the objects in parameters.</summary>
public static class RemoteHostCalls
{
    /// <summary>
    /// The call id of a method that returns nothing (ServerDispatchTable.VoidCallId): no response is expected. Calls
    /// that return something are numbered 1, 2, ... per pipeline.
    /// </summary>
    public const long VoidCallId = -100;

    public const string MethodIdTypeName = "System.Management.Automation.Remoting.RemoteHostMethodId";

    /// <summary>The type names of the ArrayList RemoteHostEncoder makes of the parameters and of a Collection&lt;T&gt;.</summary>
    public static readonly IReadOnlyList<string> ArrayListTypeNames = ["System.Collections.ArrayList", "System.Object"];

    /// <summary>True for the methods whose caller waits for a PIPELINE_HOST_RESPONSE (those that return something).</summary>
    public static bool ExpectsResponse(RemoteHostMethodId method) => method is RemoteHostMethodId.ReadLine or RemoteHostMethodId.ReadLineAsSecureString
        or RemoteHostMethodId.Prompt or RemoteHostMethodId.PromptForCredential1 or RemoteHostMethodId.PromptForCredential2
        or RemoteHostMethodId.PromptForChoice or RemoteHostMethodId.ReadKey or RemoteHostMethodId.PromptForChoiceMultipleSelection;

    /// <summary>The <c>mi</c> enum object.</summary>
    public static PsObject MethodIdObject(RemoteHostMethodId method) => PsrpObjects.Enum(MethodIdTypeName, method.ToString(), (int)method);

    /// <summary>An ArrayList (<c>LST</c>), the form of the parameters and of every Collection&lt;T&gt; in them.</summary>
    public static PsObject ArrayList(IEnumerable<PsValue> items) => PsrpObjects.List(ArrayListTypeNames, items);

    /// <summary>
    /// A FieldDescription as RemoteHostEncoder writes it: a bag of its private fields (no type names), the attributes
    /// dropped (<c>metadata</c> always an empty list), <c>defaultValue</c> only when there is one.
    /// </summary>
    public static PsObject FieldDescription(string name, FieldType type, string label = "", string helpMessage = "", bool isMandatory = true, PsValue? defaultValue = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        var field = new PsObject()
            .With("name", name)
            .With("label", label)
            .With("parameterTypeName", type.Name)
            .With("parameterTypeFullName", type.FullName)
            .With("parameterAssemblyFullName", type.AssemblyQualifiedName)
            .With("helpMessage", helpMessage)
            .With("isMandatory", isMandatory);
        if (defaultValue is not null) field.With("defaultValue", defaultValue);
        return field
            .With("metadata", ArrayList([]))
            .With("modifiedByRemotingProtocol", false)
            .With("isFromRemoteHost", false);
    }

    /// <summary>A ChoiceDescription: its <c>label</c> (with the <c>&amp;</c> before the hot key) and <c>helpMessage</c>.</summary>
    public static PsObject ChoiceDescription(string label, string helpMessage = "") => new PsObject().With("label", label).With("helpMessage", helpMessage);

    /// <summary>
    /// The fields a Prompt's FieldDescription carries back on the client: name, label, help message and the type's
    /// full name (System.String when absent, as the getters of FieldDescription default it).
    /// </summary>
    public static (string Name, string Label, string HelpMessage, string TypeFullName) ReadFieldDescription(PsValue value)
    {
        if (value is not PsObject field) throw new PsrpPayloadException(PsrpMessageType.PipelineHostCall, $"A FieldDescription should be an object, got {Payload.Describe(value)}.");
        var p = Payload.Of(field, PsrpMessageType.PipelineHostCall);
        return (p.OptionalString("name") ?? string.Empty, p.OptionalString("label") ?? string.Empty, p.OptionalString("helpMessage") ?? string.Empty,
            p.OptionalString("parameterTypeFullName") ?? FieldType.String.FullName);
    }

    /// <summary>The hot key a ChoiceDescription's label marks with <c>&amp;</c> (<c>&amp;No</c>: N), upper case; empty without one.</summary>
    public static string HotKey(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        return label.IndexOf('&', StringComparison.Ordinal) is var at and >= 0 && at + 1 < label.Length ? char.ToUpperInvariant(label[at + 1]).ToString() : string.Empty;
    }

    /// <summary>
    /// The line a console host asks a choice with: <c>[Y] Yes  [N] No  [?] Help (default is "Y"): </c> (the default
    /// only when it is one of the choices).
    /// </summary>
    public static string ChoicesLine(IReadOnlyList<string> labels, int defaultChoice)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var line = new System.Text.StringBuilder();
        foreach (var label in labels) line.Append('[').Append(HotKey(label)).Append("] ").Append(label.Replace("&", string.Empty, StringComparison.Ordinal)).Append("  ");
        line.Append("[?] Help");
        if (defaultChoice >= 0 && defaultChoice < labels.Count) line.Append(" (default is \"").Append(HotKey(labels[defaultChoice])).Append("\")");
        return line.Append(": ").ToString();
    }

    /// <summary>The choice a typed answer names by its hot key or its label without the <c>&amp;</c> (any case); null for none.</summary>
    public static int? ChoiceIndex(IReadOnlyList<string> labels, string typed)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(typed);
        for (var i = 0; i < labels.Count; i++)
        {
            if (typed.Equals(HotKey(labels[i]), StringComparison.OrdinalIgnoreCase) ||
                typed.Equals(labels[i].Replace("&", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return null;
    }

    /// <summary>A ChoiceDescription's label and help message.</summary>
    public static (string Label, string HelpMessage) ReadChoiceDescription(PsValue value)
    {
        var p = Payload.Of(value, PsrpMessageType.PipelineHostCall);
        return (p.OptionalString("label") ?? string.Empty, p.OptionalString("helpMessage") ?? string.Empty);
    }

    /// <summary>The items of an ArrayList parameter (a Collection&lt;T&gt;); Nil is no items.</summary>
    public static IReadOnlyList<PsValue> Items(PsValue? value) => value switch
    {
        null or PsNil => [],
        PsObject { CollectionKind: PsCollectionKind.List or PsCollectionKind.Stack or PsCollectionKind.Queue } list => list.Items,
        _ => throw new PsrpPayloadException(PsrpMessageType.PipelineHostCall, $"A host call's collection should be a list, got {Payload.Describe(value)}."),
    };

    /// <summary>ReadKey's answer: a KeyInfo as RemoteHostEncoder writes the struct (its private fields).</summary>
    public static PsObject KeyInfo(int virtualKeyCode, char character, int controlKeyState, bool keyDown) => new PsObject()
        .With("virtualKeyCode", virtualKeyCode)
        .With("character", PsPrimitive.Char(character))
        .With("controlKeyState", controlKeyState)
        .With("keyDown", keyDown);

    /// <summary>A KeyInfo's fields (missing ones zero); <see cref="PsrpPayloadException"/> when it is no object.</summary>
    public static (int VirtualKeyCode, char Character, int ControlKeyState, bool KeyDown) ReadKeyInfo(PsValue value)
    {
        var p = Payload.Of(value, PsrpMessageType.PipelineHostResponse);
        var character = p.Get("character") switch
        {
            PsPrimitive { Value: char c } => c,
            PsPrimitive { Value: string { Length: 1 } s } => s[0],
            _ => '\0',
        };
        return (p.OptionalInt32("virtualKeyCode") ?? 0, character, p.OptionalInt32("controlKeyState") ?? 0, p.OptionalBool("keyDown") ?? false);
    }

    /// <summary>Prompt's answer: a Hashtable of each field's name and the value the user gave.</summary>
    public static PsObject PromptResult(IEnumerable<KeyValuePair<string, PsValue>> values) =>
        PsObjects.Dictionary(values.Select(v => new KeyValuePair<PsValue, PsValue>(PsPrimitive.String(v.Key), v.Value)));
}

/// <summary>The .NET type a FieldDescription asks for, in the three names it carries (the .NET Framework's for a 5.1 server).</summary>
public sealed record FieldType(string Name, string FullName, string AssemblyQualifiedName)
{
    public static readonly FieldType String = Of("System.String");
    public static readonly FieldType SecureString = Of("System.Security.SecureString");

    /// <summary>A type of mscorlib (the .NET Framework's, as a 5.1 server names it) by its full name.</summary>
    public static FieldType Of(string fullName)
    {
        ArgumentException.ThrowIfNullOrEmpty(fullName);
        return new(fullName[(fullName.LastIndexOf('.') + 1)..], fullName, fullName + ", mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089");
    }
}

/// <summary>
/// PIPELINE_HOST_CALL (2.2.2.27): the server asks the client's host to run a method for a pipeline. <c>ci</c> is the
/// call id (<see cref="RemoteHostCalls.VoidCallId"/> for a method that returns nothing), <c>mi</c> the method and
/// <c>mp</c> its parameters (an ArrayList).
/// </summary>
public sealed record PipelineHostCall(long CallId, RemoteHostMethodId MethodId, IReadOnlyList<PsValue> Parameters) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.PipelineHostCall;

    /// <summary>Whether the caller waits for a PIPELINE_HOST_RESPONSE: a numbered call of a method that returns something.</summary>
    public bool ExpectsResponse => CallId != RemoteHostCalls.VoidCallId && RemoteHostCalls.ExpectsResponse(MethodId);

    public PsValue ToPsValue() => new PsObject()
        .With("ci", PsPrimitive.Int64(CallId))
        .With("mi", RemoteHostCalls.MethodIdObject(MethodId))
        .With("mp", RemoteHostCalls.ArrayList(Parameters));

    public static PipelineHostCall FromPsValue(PsValue value)
    {
        var p = Payload.Of(value, PsrpMessageType.PipelineHostCall);
        var method = p.OptionalEnum("mi") ?? throw p.Missing("mi");
        var parameters = p.Get("mp") switch
        {
            null or PsNil => [],
            PsObject { CollectionKind: PsCollectionKind.List } list => list.Items,
            var other => throw p.Wrong("mp", "a list", other),
        };
        return new(p.RequireInt64("ci"), (RemoteHostMethodId)method, parameters);
    }
}

/// <summary>
/// PIPELINE_HOST_RESPONSE (2.2.2.28): the client's answer to a call, sent on the command's <c>pr</c> stream:
/// <c>mr</c> the return value (left out when null), <c>me</c> the error the host threw (an ErrorRecord bag), then
/// <c>ci</c> and <c>mi</c> of the call.
/// </summary>
public sealed record PipelineHostResponse(long CallId, RemoteHostMethodId MethodId, PsValue? ReturnValue = null, PsObject? Exception = null) : IPsrpMessageBody
{
    public PsrpMessageType MessageType => PsrpMessageType.PipelineHostResponse;

    public PsValue ToPsValue()
    {
        var obj = new PsObject();
        if (ReturnValue is not null and not PsNil) obj.With("mr", ReturnValue);
        if (Exception is not null) obj.With("me", Exception);
        return obj.With("ci", PsPrimitive.Int64(CallId)).With("mi", RemoteHostCalls.MethodIdObject(MethodId));
    }

    public static PipelineHostResponse FromPsValue(PsValue value)
    {
        var p = Payload.Of(value, PsrpMessageType.PipelineHostResponse);
        var method = p.OptionalEnum("mi") ?? throw p.Missing("mi");
        var returned = p.Get("mr") is { } mr and not PsNil ? mr : null;
        return new(p.RequireInt64("ci"), (RemoteHostMethodId)method, returned, p.OptionalObject("me"));
    }
}
