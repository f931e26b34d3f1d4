using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Commands that ask the user: on a remote session they run on the client's host through PIPELINE_HOST_CALL and wait
/// for its PIPELINE_HOST_RESPONSE (however long: a disconnected session's prompt waits for a client to connect).
/// A client whose HostInfo has no UI is never called: the server's own host refuses, as PowerShell's
/// InternalHostUserInterface does.
/// </summary>
internal sealed partial class RunContext
{
    private const string ReadHostCommandClass = "Microsoft.PowerShell.Commands.ReadHostCommand";

    // HostInterfaceExceptionsStrings: HostFunctionNotImplemented (ReadLine), HostFunctionPromptNotImplemented (the prompts).
    internal const string HostFunctionNotImplementedMessage =
        "A command that prompts the user failed because the host program or the command type does not support user interaction. Try a host program that " +
        "supports user interaction, such as the Windows PowerShell Console or Windows PowerShell ISE, and remove prompt-related commands from command types " +
        "that do not support user interaction, such as Windows PowerShell workflows.";

    internal const string HostFunctionPromptNotImplementedMessage =
        "A command that prompts the user failed because the host program or the command type does not support user interaction. The host was attempting " +
        "to request confirmation with the following message: ";

    /// <summary>
    /// Read-Host as 5.1's ReadHostCommand: with -Prompt the host's Prompt (caption and message empty, one String field
    /// named after the prompt's text: the non-empty elements joined with spaces), writing every value of the answer;
    /// without it ReadLine, writing the line (null too).
    /// </summary>
    private async ValueTask<List<PsValue>> ReadHostAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        string? prompt = null;
        if (arguments["Prompt"] is { } word)
        {
            var value = await ArgumentAsync(word, to, blockNesting);
            IEnumerable<PsValue> elements = value is PsObject { CollectionKind: PsCollectionKind.List } list ? list.Items : [value];
            prompt = string.Join(' ', elements.Select(PipelineVariables.Display).Where(text => text.Length > 0));
        }

        // -AsSecureString: the client's host answers a SecureString, encrypted with the session key it exchanges first
        // (PUBLIC_KEY, answered by the shell); it is written as it came.
        var secure = arguments.Has("AsSecureString");
        if (!Host.HasHostUI)
        {
            throw new StatementTerminatedException(new ScriptedError(prompt is null ? HostFunctionNotImplementedMessage : HostFunctionPromptNotImplementedMessage,
                "HostFunctionNotImplemented," + ReadHostCommandClass, ErrorCategory.NotImplemented, "System.Management.Automation.Host.HostException"));
        }

        if (prompt is null)
        {
            var line = await CallHostAsync(secure ? RemoteHostMethodId.ReadLineAsSecureString : RemoteHostMethodId.ReadLine, []);
            return [line ?? PsNil.Instance];
        }

        var answer = await CallHostAsync(RemoteHostMethodId.Prompt,
            [PsPrimitive.String(string.Empty), PsPrimitive.String(string.Empty), RemoteHostCalls.ArrayList([RemoteHostCalls.FieldDescription(prompt, secure ? FieldType.SecureString : FieldType.String)])]);
        return answer switch
        {
            // ServerRemoteHostUserInterface.Prompt looks the fields up in the answer without checking it for null.
            null => throw new StatementTerminatedException(new ScriptedError("Object reference not set to an instance of an object.",
                "System.NullReferenceException," + ReadHostCommandClass, ErrorCategory.NotSpecified, "System.NullReferenceException")),
            PsObject { CollectionKind: PsCollectionKind.Dictionary } fields => [.. fields.Entries.Select(entry => secure ? entry.Value : PromptValue(entry, prompt))],
            _ => throw new StatementTerminatedException(new ScriptedError("A failure occurred while decoding data from the remote host. There was an error in the network data.",
                "System.Management.Automation.Remoting.PSRemotingDataStructureException," + ReadHostCommandClass, ErrorCategory.NotSpecified,
                "System.Management.Automation.Remoting.PSRemotingDataStructureException")),
        };

        // The value of the prompt's own field converts to its String type (LanguagePrimitives.TryConvertTo); any other
        // entry is written as it came.
        static PsValue PromptValue(KeyValuePair<PsValue, PsValue> entry, string field) =>
            entry.Key.AsString() == field && entry.Value is PsPrimitive { Value: not string } primitive ? PsPrimitive.String(primitive.ToWindowsText()) : entry.Value;
    }

    // UtilsStrings.PromptForCredential_DefaultCaption / _DefaultMessage of Windows PowerShell 5.1 (UNVERIFIED wording).
    internal const string CredentialCaption = "Windows PowerShell credential request", CredentialMessage = "Enter your credentials.";

    /// <summary>
    /// Get-Credential as 5.1's GetCredentialCommand: a given PSCredential is written as it is; otherwise the host's
    /// PromptForCredential (caption -Title, message -Message, the user name -UserName or a bare word, target empty) and
    /// the credential it answers (nothing for none). The password comes encrypted with the session key.
    /// </summary>
    private async ValueTask<List<PsValue>> GetCredentialAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        async ValueTask<string?> TextOf(string name) => arguments[name] is { } word ? PipelineVariables.Display(await ArgumentAsync(word, to, blockNesting)) : null;
        if (arguments["Credential"] is { } credentialWord && await ArgumentAsync(credentialWord, to, blockNesting) is PsObject given &&
            given.TypeNames is { } names && names.Any(n => n.EndsWith("System.Management.Automation.PSCredential", StringComparison.Ordinal)))
        {
            return [given];
        }

        // A bare word is the user name (the [Credential] attribute prompts for that user's password).
        var userName = await TextOf("UserName") ?? await TextOf("Credential");
        // 5.1's Get-Credential has no -Title (PowerShell 6 added it): its caption is always its own.
        var caption = CredentialCaption;
        var message = arguments.Has("Message") ? await TextOf("Message") ?? string.Empty : CredentialMessage;
        if (!Host.HasHostUI)
        {
            throw new StatementTerminatedException(new ScriptedError(HostFunctionPromptNotImplementedMessage + message,
                "HostFunctionNotImplemented,Microsoft.PowerShell.Commands.GetCredentialCommand", ErrorCategory.NotImplemented, "System.Management.Automation.Host.HostException"));
        }

        var credential = await CallHostAsync(RemoteHostMethodId.PromptForCredential1,
            [PsPrimitive.String(caption), PsPrimitive.String(message), userName is null ? PsNil.Instance : PsPrimitive.String(userName), PsPrimitive.String(string.Empty)]);
        return credential is null or PsNil ? [] : [credential];
    }

    // CommandBaseStrings: the confirmation's caption, its message (ShouldProcessWarningFallback: the line break as 5.1's
    // compiled resource holds it is UNVERIFIED, CRLF taken) and the four choices a remote session offers (no Suspend:
    // IsSuspendPromptAllowed is false for a ServerRemoteHost).
    internal const string ConfirmCaption = "Confirm", ConfirmMessage = "Are you sure you want to perform this action?\r\n", ContinueMessage = "Continue with this operation?";

    private static readonly (string Label, string Help)[] ConfirmChoices =
    [
        ("&Yes", "Continue with only the next step of the operation."),
        ("Yes to &All", "Continue with all the steps of the operation."),
        ("&No", "Skip this operation and proceed with the next operation."),
        ("No to A&ll", "Skip this operation and all subsequent operations."),
    ];

    /// <summary>
    /// <c>$PSCmdlet.ShouldProcess(...)</c> as 5.1's MshCommandRuntime.DoShouldProcess: an earlier Yes to All / No to All
    /// of this invocation answers; under -WhatIf the "What if:" line goes to the host (WriteLine) and the answer is no;
    /// the host is asked (PromptForChoice: Yes, Yes to All, No, No to All) only when $ConfirmPreference is not None and at
    /// most the command's ConfirmImpact (-Confirm makes it Low); otherwise yes.
    /// </summary>
    private async ValueTask<bool> ShouldProcessAsync(PsObject cmdlet, IReadOnlyList<PsValue> arguments)
    {
        var state = ScriptParameters.ShouldProcessStates.GetValue(cmdlet, _ => new ScriptParameters.ShouldProcessState(2));
        if (state.ToAll is { } all) return all;
        string Text(int i) => ArgumentText(arguments, i);
        var description = WhatIfDescription(arguments);
        if (ScriptExpressions.IsTrue(scope.Variables.Get("WhatIfPreference") ?? PsPrimitive.Boolean(false)))
        {
            await Host.SendHostCallAsync(RemoteHostMethodId.WriteLine2, [PsPrimitive.String("What if: " + description)], cancellationToken);
            return false;
        }

        var preference = ScriptParameters.ConfirmImpactLevel(scope.Variables.Get("ConfirmPreference")) ?? 3;
        if (preference == 0 || preference > state.ConfirmImpact) return true;
        var message = arguments.Count >= 3 && Text(1).Length > 0 ? Text(1) : ConfirmMessage + description;
        var caption = arguments.Count >= 3 && Text(2).Length > 0 ? Text(2) : ConfirmCaption;
        switch (await PromptForChoiceAsync("ShouldProcess", arguments.Count, caption, message, ConfirmChoices, 0))
        {
            case 0:
                return true;
            case 1:
                state.ToAll = true;
                return true;
            case 2:
                return false;
            default:
                state.ToAll = false;
                return false;
        }
    }

    /// <summary>
    /// A record written under the Inquire preference (Write-Debug with <c>-Debug</c> or <c>$DebugPreference</c> Inquire):
    /// 5.1's InquireHelper asks "Continue with this operation?" with Yes, Yes to All and Halt Command (each Write-Debug is
    /// a command of its own, so Yes to All asks again next time); Halt stops the script (ActionPreferenceStop).
    /// </summary>
    private async ValueTask InquireAsync(string command)
    {
        var answer = await PromptForChoiceAsync(command, 1, ConfirmCaption, ContinueMessage,
            [ConfirmChoices[0], ConfirmChoices[1], ("&Halt Command", "Stop this command.")], 0);
        if (answer == 2)
        {
            throw new ErrorActionStopException(errorRecords(new ScriptedError("The running command stopped because the user selected the Stop option.",
                "ActionPreferenceStop", ErrorCategory.OperationStopped, "System.Management.Automation.ActionPreferenceStopException")));
        }
    }

    /// <summary>
    /// <c>$PSCmdlet.ShouldContinue(query, caption)</c>: always asks (neither -WhatIf nor $ConfirmPreference is read), Yes
    /// or No; the query and caption default to "Continue with this operation?" and "Confirm".
    /// </summary>
    private async ValueTask<bool> ShouldContinueAsync(IReadOnlyList<PsValue> arguments)
    {
        string Text(int i) => ArgumentText(arguments, i);
        var message = Text(0) is { Length: > 0 } query ? query : ContinueMessage;
        var caption = Text(1) is { Length: > 0 } given ? given : ConfirmCaption;
        return await PromptForChoiceAsync("ShouldContinue", arguments.Count, caption, message, [ConfirmChoices[0], ConfirmChoices[2]], 0) == 0;
    }

    /// <summary>
    /// What ShouldProcess's "What if:" line and its question say (CommandBaseStrings.ShouldProcessMessage): for a
    /// target, the operation is the command's name; with an action, that; with a verbose description (three or four
    /// arguments), the description itself.
    /// </summary>
    private string WhatIfDescription(IReadOnlyList<PsValue> arguments)
    {
        string Text(int i) => ArgumentText(arguments, i);
        if (arguments.Count >= 3) return Text(0);
        var action = arguments.Count == 2 ? Text(1)
            : scope.Variables.Get("MyInvocation") is PsObject invocation && invocation["MyCommand"] is PsObject command && command["Name"] is { } name ? name.ToDisplayString() : string.Empty;
        return $"Performing the operation \"{action}\" on target \"{Text(0)}\".";
    }

    /// <summary>
    /// A PromptForChoice of a .NET method (<paramref name="method"/>) on the client's host: the index answered. Without
    /// a host UI, or for an index that is no choice (InquireHelper reads the choice before it checks), the method's
    /// exception as PowerShell wraps it (MethodInvocationException).
    /// </summary>
    private async ValueTask<int> PromptForChoiceAsync(string method, int argumentCount, string caption, string message, IReadOnlyList<(string Label, string Help)> choices, int defaultChoice)
    {
        if (!Host.HasHostUI) throw MethodFailure(method, argumentCount, HostFunctionPromptNotImplementedMessage + message, "HostException");
        var answer = await CallHostAsync(RemoteHostMethodId.PromptForChoice,
            [PsPrimitive.String(caption), PsPrimitive.String(message), RemoteHostCalls.ArrayList(choices.Select(c => (PsValue)RemoteHostCalls.ChoiceDescription(c.Label, c.Help))),
                PsPrimitive.Int32(defaultChoice)]);
        return answer.AsPrimitive()?.Value is int index && index >= 0 && index < choices.Count
            ? index
            : throw MethodFailure(method, argumentCount, "Index was out of range. Must be non-negative and less than the size of the collection.\r\nParameter name: index", "ArgumentOutOfRangeException");
    }

    /// <summary>A .NET method's exception as PowerShell wraps it for the script (MethodInvocationException, the inner exception's id).</summary>
    private static ScriptExpressionException MethodFailure(string method, int argumentCount, string inner, string id) => new(new ScriptedError(
        $"Exception calling \"{method}\" with \"{argumentCount}\" argument(s): \"{inner}\"", id, ErrorCategory.NotSpecified, "System.Management.Automation.MethodInvocationException"));

    /// <summary>A method argument's text (empty past the last one).</summary>
    private static string ArgumentText(IReadOnlyList<PsValue> arguments, int i) => i < arguments.Count ? PipelineVariables.Display(arguments[i]) : string.Empty;

    // ParameterBinderStrings.PromptCaption and PromptMessage.
    internal const string MissingParametersMessage = "Supply values for the following parameters:";

    /// <summary>
    /// The values of a call's missing mandatory parameters, asked of the client's host as PowerShell's binder asks them
    /// (PromptForMissingMandatoryParameters): a Prompt captioned "cmdlet f at command pipeline position 1" (the position
    /// is taken as 1), one field per parameter (its name, a label with a hot key, its HelpMessage, its type). Empty: the
    /// host answered nothing (the call's MissingMandatoryParameter stands); no dictionary at all fails as 5.1's server
    /// fails on it.
    /// </summary>
    private async ValueTask<List<PipelineArgument>> PromptForMissingParametersAsync(string command, IReadOnlyList<ScriptParameters.MissingParameter> missing)
    {
        var hotKeys = new HashSet<char>();
        var fields = missing.Select(parameter => (PsValue)RemoteHostCalls.FieldDescription(parameter.Name, FieldType.Of(parameter.TypeFullName),
            label: Label(parameter.Name, hotKeys), helpMessage: parameter.HelpMessage ?? string.Empty)).ToList();
        var answer = await CallHostAsync(RemoteHostMethodId.Prompt,
            [PsPrimitive.String($"cmdlet {command} at command pipeline position 1"), PsPrimitive.String(MissingParametersMessage), RemoteHostCalls.ArrayList(fields)]);
        if (answer is not PsObject { CollectionKind: PsCollectionKind.Dictionary } values)
        {
            throw new StatementTerminatedException(new ScriptedError("Object reference not set to an instance of an object.", "System.NullReferenceException",
                ErrorCategory.NotSpecified, "System.NullReferenceException"));
        }

        return [.. values.Entries.Select(entry => new PipelineArgument(PipelineVariables.Display(entry.Key), entry.Value))];

        // BuildLabel: '&' before the first capital not yet a hot key, else the first such lower-case letter, else the
        // first such other character, else at the start.
        static string Label(string name, HashSet<char> used)
        {
            int Find(Func<char, bool> kind)
            {
                for (var i = 0; i < name.Length; i++)
                {
                    if (kind(name[i]) && !used.Contains(char.ToUpperInvariant(name[i]))) return i;
                }

                return -1;
            }

            var at = Find(char.IsUpper) is var upper and >= 0 ? upper : Find(char.IsLower) is var lower and >= 0 ? lower : Find(c => !char.IsLetter(c)) is var other and >= 0 ? other : 0;
            if (name.Length > 0) used.Add(char.ToUpperInvariant(name[at]));
            return name.Insert(at, "&");
        }
    }

    private const string MissingParametersText = "Cannot process command because of one or more missing mandatory parameters: ";

    /// <summary>The parameters a cmdlet's MissingMandatoryParameter error names (its message lists them); empty for another error.</summary>
    private static List<string> MissingParameterNames(ScriptedError error) =>
        error.FullyQualifiedErrorId.StartsWith("MissingMandatoryParameter", StringComparison.Ordinal) && error.Message.StartsWith(MissingParametersText, StringComparison.Ordinal)
            ? [.. error.Message[MissingParametersText.Length..].TrimEnd('.').Split(' ', StringSplitOptions.RemoveEmptyEntries)]
            : [];

    /// <summary>The type of <c>$Host.UI</c>: its methods run on the client's host.</summary>
    internal const string HostUserInterfaceTypeName = "System.Management.Automation.Internal.Host.InternalHostUserInterface";

    /// <summary>
    /// <c>$Host.UI.RawUI</c>'s properties from the host's values (those it has): the colours as ConsoleColor, the
    /// positions as Coordinates (X, Y), the sizes as Size (Width, Height), their text "x,y" as theirs is.
    /// </summary>
    internal static void FillRawUI(PsObject rawUI, HostRawUI raw)
    {
        static PsObject Pair(string type, string first, string second, (int A, int B) value)
        {
            var pair = new PsObject([type, "System.ValueType", "System.Object"]) { ToStringValue = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{value.A},{value.B}") };
            pair.AdaptedProperties.Add(new(first, PsPrimitive.Int32(value.A)));
            pair.AdaptedProperties.Add(new(second, PsPrimitive.Int32(value.B)));
            return pair;
        }

        static PsObject Color(int value) => PsObjects.Enum("System.ConsoleColor",
            Enum.IsDefined((ConsoleColor)value) ? ((ConsoleColor)value).ToString() : value.ToString(System.Globalization.CultureInfo.InvariantCulture), value);

        const string Size = "System.Management.Automation.Host.Size", Coordinates = "System.Management.Automation.Host.Coordinates";
        if (raw.ForegroundColor is { } foreground) rawUI.With("ForegroundColor", Color(foreground));
        if (raw.BackgroundColor is { } background) rawUI.With("BackgroundColor", Color(background));
        if (raw.CursorPosition is { } cursor) rawUI.With("CursorPosition", Pair(Coordinates, "X", "Y", cursor));
        if (raw.WindowPosition is { } window) rawUI.With("WindowPosition", Pair(Coordinates, "X", "Y", window));
        if (raw.CursorSize is { } cursorSize) rawUI.With("CursorSize", cursorSize);
        if (raw.BufferSize is { } buffer) rawUI.With("BufferSize", Pair(Size, "Width", "Height", buffer));
        if (raw.WindowSize is { } windowSize) rawUI.With("WindowSize", Pair(Size, "Width", "Height", windowSize));
        if (raw.MaxWindowSize is { } max) rawUI.With("MaxWindowSize", Pair(Size, "Width", "Height", max));
        if (raw.MaxPhysicalWindowSize is { } physical) rawUI.With("MaxPhysicalWindowSize", Pair(Size, "Width", "Height", physical));
        if (raw.WindowTitle is { } title) rawUI.With("WindowTitle", title);
    }

    /// <summary>The type of <c>$Host.UI.RawUI</c>: its ReadKey and FlushInputBuffer run on the client's host.</summary>
    internal const string HostRawUserInterfaceTypeName = "System.Management.Automation.Internal.Host.InternalHostRawUserInterface";

    private static readonly string[] RectangleFields = ["Left", "Top", "Right", "Bottom"];

    // A Rectangle as RemoteHostEncoder encodes a struct: an object of its fields (left, top, right, bottom).
    private static PsObject RectangleArgument(int[] fields) =>
        new PsObject().With("left", fields[0]).With("top", fields[1]).With("right", fields[2]).With("bottom", fields[3]);

    /// <summary>
    /// A BufferCell (a hashtable of Character, ForegroundColor, BackgroundColor, BufferCellType, or an object with them)
    /// as RemoteHostEncoder encodes it: its fields, the character a Char and the enums their numbers. A value that is
    /// none is the method's argument conversion error.
    /// </summary>
    private static PsObject BufferCellArgument(string method, PsValue value)
    {
        PsValue? Field(string name) => value switch
        {
            PsObject { CollectionKind: PsCollectionKind.Dictionary } table => TableKeys.Find(table, PsPrimitive.String(name)) is var at and >= 0 ? table.Entries[at].Value : null,
            PsObject o => o[name],
            _ => null,
        };

        int Color(string name) => Field(name) is { } color && HostInformationMessage.ParseColor(PipelineVariables.Display(color)) is { } parsed ? (int)parsed : 0;
        var character = Field("Character") is { } c && PipelineVariables.Display(c) is { Length: 1 } one ? one[0] : value is PsObject ? ' '
            : throw new ScriptExpressionException(new ScriptedError($"Cannot convert argument \"fill\", with value: \"{PipelineVariables.Display(value)}\", for \"{method}\" to type \"System.Management.Automation.Host.BufferCell\".",
                "MethodArgumentConversionInvalidCastArgument", ErrorCategory.NotSpecified, "System.Management.Automation.MethodException"));
        var type = Field("BufferCellType") is { } t ? PipelineVariables.Display(t).ToUpperInvariant() switch { "LEADING" or "1" => 1, "TRAILING" or "2" => 2, _ => 0 } : 0;
        return new PsObject().With("character", PsPrimitive.Char(character)).With("foregroundColor", Color("ForegroundColor"))
            .With("backgroundColor", Color("BackgroundColor")).With("bufferCellType", type);
    }

    // ReadKeyOptions: AllowCtrlC 1, NoEcho 2, IncludeKeyDown 4, IncludeKeyUp 8 (ReadKey() is IncludeKeyDown).
    private static readonly string[] ReadKeyOptionNames = ["AllowCtrlC", "NoEcho", "IncludeKeyDown", "IncludeKeyUp"];

    // A ReadKeyOptions value: a number, or names joined with commas ('NoEcho,IncludeKeyDown'); another is PowerShell's conversion error.
    private static int ReadKeyOptions(PsValue value, string method)
    {
        if (value.AsPrimitive()?.Value is int number) return number;
        var flags = 0;
        foreach (var name in ArgumentText([value], 0).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var bit = Array.FindIndex(ReadKeyOptionNames, n => n.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (bit < 0)
            {
                throw new ScriptExpressionException(new ScriptedError($"Cannot convert argument \"options\", with value: \"{ArgumentText([value], 0)}\", for \"{method}\" to type \"System.Management.Automation.Host.ReadKeyOptions\".",
                    "MethodArgumentConversionInvalidCastArgument", ErrorCategory.NotSpecified, "System.Management.Automation.MethodException"));
            }

            flags |= 1 << bit;
        }

        return flags;
    }

    // KeyInfo as a script sees the answer to ReadKey.
    private static PsObject KeyInfoOf(PsValue? answer)
    {
        var (virtualKeyCode, character, controlKeyState, keyDown) = answer is null ? (0, '\0', 0, false) : RemoteHostCalls.ReadKeyInfo(answer);
        return new PsObject(["System.Management.Automation.Host.KeyInfo", "System.ValueType", "System.Object"]) { ToStringValue = $"{virtualKeyCode},{character},{controlKeyState},{keyDown}" }
            .With("VirtualKeyCode", virtualKeyCode)
            .With("Character", PsPrimitive.Char(character))
            .With("ControlKeyState", PsObjects.Enum(["System.Management.Automation.Host.ControlKeyStates", "System.Enum", "System.ValueType", "System.Object"],
                controlKeyState == 0 ? "0" : controlKeyState.ToString(System.Globalization.CultureInfo.InvariantCulture), controlKeyState))
            .With("KeyDown", keyDown);
    }

    /// <summary>
    /// <c>$Host.UI</c>'s methods in a remote session, as ServerRemoteHostUserInterface makes them host calls: ReadLine,
    /// ReadLineAsSecureString, PromptForChoice and PromptForCredential wait for the client's answer; WriteLine, Write
    /// and the Write*Line of the streams are void calls (nothing without a host UI). A prompt without a host UI fails as
    /// a .NET method's exception does (MethodInvocationException around the HostException). Null: not one of these.
    /// </summary>
    private async ValueTask<PsValue?> HostUserInterfaceMethodAsync(string name, IReadOnlyList<PsValue> arguments, bool raw = false)
    {
        if (raw)
        {
            // $Host.UI.RawUI: ReadKey([options]) waits for a key of the client's host, FlushInputBuffer() is a void call.
            if (name.Equals("FlushInputBuffer", StringComparison.OrdinalIgnoreCase) && arguments.Count == 0)
            {
                await Host.SendHostCallAsync(RemoteHostMethodId.FlushInputBuffer, [], cancellationToken);
                return PsNil.Instance;
            }

            // SetBufferContents(Rectangle, BufferCell) fills a region (-1s: the whole buffer, Clear-Host's), a void call.
            if (name.Equals("SetBufferContents", StringComparison.OrdinalIgnoreCase) && arguments.Count == 2 && RawUIFields(arguments[0], RectangleFields) is { } rectangle)
            {
                await Host.SendHostCallAsync(RemoteHostMethodId.SetBufferContents2, [RectangleArgument(rectangle), BufferCellArgument(name, arguments[1])], cancellationToken);
                return PsNil.Instance;
            }

            if (!name.Equals("ReadKey", StringComparison.OrdinalIgnoreCase) || arguments.Count > 1) return null;
            var options = arguments.Count == 0 ? 4 : ReadKeyOptions(arguments[0], name);
            if (!Host.HasHostUI) throw MethodFailure(name, arguments.Count, HostFunctionNotImplementedMessage, "HostException");
            return KeyInfoOf(await CallHostAsync(RemoteHostMethodId.ReadKey, [PsPrimitive.Int32(options)]));
        }

        string Text(int i) => ArgumentText(arguments, i);
        // A colour by name or number (ConsoleColor goes as its number); another value is PowerShell's conversion error.
        PsValue Color(int i) => HostInformationMessage.ParseColor(Text(i)) is { } color ? PsPrimitive.Int32((int)color)
            : throw new ScriptExpressionException(new ScriptedError($"Cannot convert argument \"{(i == 0 ? "foregroundColor" : "backgroundColor")}\", with value: \"{Text(i)}\", for \"{name}\" to type \"System.ConsoleColor\".",
                "MethodArgumentConversionInvalidCastArgument", ErrorCategory.NotSpecified, "System.Management.Automation.MethodException"));
        RemoteHostMethodId? voidMethod = (name.ToUpperInvariant(), arguments.Count) switch
        {
            ("WRITELINE", 0) => RemoteHostMethodId.WriteLine1,
            ("WRITELINE", 1) => RemoteHostMethodId.WriteLine2,
            ("WRITELINE", 3) => RemoteHostMethodId.WriteLine3,
            ("WRITE", 1) => RemoteHostMethodId.Write1,
            ("WRITE", 3) => RemoteHostMethodId.Write2,
            ("WRITEERRORLINE", 1) => RemoteHostMethodId.WriteErrorLine,
            ("WRITEWARNINGLINE", 1) => RemoteHostMethodId.WriteWarningLine,
            ("WRITEVERBOSELINE", 1) => RemoteHostMethodId.WriteVerboseLine,
            ("WRITEDEBUGLINE", 1) => RemoteHostMethodId.WriteDebugLine,
            _ => null,
        };
        if (voidMethod is { } write)
        {
            IReadOnlyList<PsValue> parameters = arguments.Count switch
            {
                0 => [],
                1 => [PsPrimitive.String(Text(0))],
                _ => [Color(0), Color(1), PsPrimitive.String(Text(2))],
            };
            await Host.SendHostCallAsync(write, parameters, cancellationToken);
            return PsNil.Instance;
        }

        (RemoteHostMethodId Method, IReadOnlyList<PsValue> Parameters)? call = (name.ToUpperInvariant(), arguments.Count) switch
        {
            ("READLINE", 0) => (RemoteHostMethodId.ReadLine, []),
            ("READLINEASSECURESTRING", 0) => (RemoteHostMethodId.ReadLineAsSecureString, []),
            ("PROMPTFORCHOICE", 4) => (RemoteHostMethodId.PromptForChoice, [PsPrimitive.String(Text(0)), PsPrimitive.String(Text(1)),
                RemoteHostCalls.ArrayList(ScriptExpressions.Enumerate(arguments[2]).Select(ChoiceOf)),
                PsPrimitive.Int32(ScriptExpressions.AsNumberOrNull(arguments[3]) is { } d ? (int)d : -1)]),
            ("PROMPTFORCREDENTIAL", 4) => (RemoteHostMethodId.PromptForCredential1, [PsPrimitive.String(Text(0)), PsPrimitive.String(Text(1)),
                arguments[2] is PsNil ? PsNil.Instance : PsPrimitive.String(Text(2)), arguments[3] is PsNil ? PsNil.Instance : PsPrimitive.String(Text(3))]),
            _ => null,
        };
        if (call is not { } prompt) return null;
        if (!Host.HasHostUI)
        {
            var inner = prompt.Method is RemoteHostMethodId.ReadLine or RemoteHostMethodId.ReadLineAsSecureString
                ? HostFunctionNotImplementedMessage
                : HostFunctionPromptNotImplementedMessage + Text(1);
            throw MethodFailure(name, arguments.Count, inner, "HostException");
        }

        var answer = await CallHostAsync(prompt.Method, prompt.Parameters);
        return prompt.Method == RemoteHostMethodId.PromptForChoice && answer.AsPrimitive() is { Value: not int } other
            ? PsPrimitive.Int32(ScriptExpressions.AsNumberOrNull(other) is { } n ? (int)n : -1)
            : answer ?? PsNil.Instance;

        // A ChoiceDescription (or a text, its label) as RemoteHostEncoder writes one.
        static PsValue ChoiceOf(PsValue choice) => choice is PsObject { TypeNames: [ScriptExpressions.ChoiceDescriptionTypeName, ..] } described
            ? RemoteHostCalls.ChoiceDescription(described["Label"].AsString() ?? string.Empty, described["HelpMessage"].AsString() ?? string.Empty)
            : RemoteHostCalls.ChoiceDescription(PipelineVariables.Display(choice));
    }

    /// <summary>
    /// One host method on the client's host: its return value (null when it returned none). The error its host threw
    /// (<c>me</c>) fails the command as PowerShell rethrows it: a RemoteException with the client's message, its record's
    /// id and category (UNVERIFIED on the wire: the id the rethrown record keeps).
    /// </summary>
    private async ValueTask<PsValue?> CallHostAsync(RemoteHostMethodId method, IReadOnlyList<PsValue> parameters)
    {
        Host.Publish();
        var response = await Host.CallHostAsync(method, parameters, cancellationToken);
        if (response.Exception is not { } thrown) return response.ReturnValue;
        var error = PsrpEmulator.Protocol.Psrp.ErrorRecords.Read(thrown);
        var id = error.FullyQualifiedErrorId is { Length: > 0 } fqid ? fqid : "RemoteHostExecutionException";
        var exceptionType = Host.HostIsLocal && error.ExceptionType is { Length: > 0 } own ? own : "System.Management.Automation.RemoteException";
        throw new StatementTerminatedException(new ScriptedError(error.Message, id, error.Category, exceptionType));
    }
}
