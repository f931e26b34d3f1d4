using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// SecureStrings a script reads: a PSCredential's <c>GetNetworkCredential().Password</c>, <c>New-Object
/// System.Net.NetworkCredential('', $secure).Password</c>, <c>[Runtime.InteropServices.Marshal]::PtrToStringAuto(
/// [Runtime.InteropServices.Marshal]::SecureStringToBSTR($secure))</c>, and ones it makes: <c>ConvertTo-SecureString
/// -AsPlainText -Force</c>, <c>New-Object PSCredential</c> / <c>[pscredential]::new</c>. A SecureString the client sent is
/// decrypted with the session key it exchanged (PUBLIC_KEY / ENCRYPTED_SESSION_KEY), as Windows PowerShell's
/// deserializer does; one the session makes is encrypted with that key too, made first if the client has exchanged
/// none yet (the key its later PUBLIC_KEY gets, as on Windows). A SecureString that does not decrypt is the
/// emulator's scenario error: the client sent it without the
/// exchange (the PowerShell module on Linux writes them as PowerShell's serializer does there).
/// </summary>
internal sealed partial class RunContext
{
    private static readonly string[] NetworkCredentialTypeNames = [ScriptExpressions.NetworkCredentialTypeName, "System.Object"];
    private static readonly string[] PSCredentialTypeNames = [ScriptExpressions.PSCredentialTypeName, "System.Object"];
    private static readonly string[] IntPtrTypeNames = ["System.IntPtr", "System.ValueType", "System.Object"];

    // The unmanaged copies SecureStringToBSTR made (an IntPtr the script holds), their text.
    private static readonly ConditionalWeakTable<PsObject, string> UnmanagedStrings = [];

    /// <summary>Whether a value is a PSCredential (made here or deserialized).</summary>
    private static bool IsCredential(PsValue? value) =>
        value is PsObject { TypeNames: [var first, ..] } && first is ScriptExpressions.PSCredentialTypeName or "Deserialized." + ScriptExpressions.PSCredentialTypeName;

    /// <summary>The text of a SecureString, decrypted with the session's key (or the one it made its own with).</summary>
    private string SecureText(PsValue value, string what)
    {
        if (value is not PsPrimitive { Type: PsPrimitiveType.SecureString, Value: string cipher })
        {
            if (ScriptExpressions.IsNull(value)) return string.Empty;
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{what}: {PipelineVariables.Display(value)} is not a SecureString"));
        }

        if (scope.Variables.Runspace.SessionKey is { } key)
        {
            try
            {
                return SessionKeys.DecryptSecureString(key, cipher);
            }
            catch (FormatException)
            {
                // Not made with this session's key: the scenario error below.
            }
        }

        throw new ScriptExpressionException(ScriptedError.ScenarioFault(
            $"{what}: the SecureString does not decrypt with the session key (the client sent it without a key exchange: PUBLIC_KEY / ENCRYPTED_SESSION_KEY)"));
    }

    /// <summary>A SecureString the session makes, encrypted as one the client sent would be.</summary>
    private PsPrimitive MakeSecure(string text)
    {
        var secure = PsPrimitive.SecureString(SessionKeys.EncryptSecureString(scope.Variables.Runspace.EnsureSessionKey(), text));
        SecureLengths.AddOrUpdate(secure, new StrongBox<int>(text.Length));
        return secure;
    }

    // The text's length of each SecureString the session made (SecureString.Length; the value holds only the cipher).
    private static readonly ConditionalWeakTable<PsPrimitive, StrongBox<int>> SecureLengths = [];

    /// <summary>A SecureString's Length: its text's, for one the session made; null for another value.</summary>
    internal static PsValue? SecureStringLength(PsValue value, string property) =>
        value is PsPrimitive { Type: PsPrimitiveType.SecureString } secure && property.Equals("Length", StringComparison.OrdinalIgnoreCase) &&
        SecureLengths.TryGetValue(secure, out var length) ? PsPrimitive.Int32(length.Value) : null;

    private static PsObject Credential(string userName, PsValue password) =>
        new PsObject(PSCredentialTypeNames) { ToStringValue = ScriptExpressions.PSCredentialTypeName }
            .With("UserName", userName)
            .With("Password", password);

    // A NetworkCredential as .NET makes it of a user name (DOMAIN\user splits) and a password.
    private static PsObject NetworkCredential(string userName, string password, PsValue secure, string? domain = null)
    {
        var slash = userName.IndexOf('\\', StringComparison.Ordinal);
        if (domain is null && slash > 0)
        {
            domain = userName[..slash];
            userName = userName[(slash + 1)..];
        }

        return new PsObject(NetworkCredentialTypeNames) { ToStringValue = ScriptExpressions.NetworkCredentialTypeName }
            .With("UserName", userName)
            .With("Password", password)
            .With("SecurePassword", secure)
            .With("Domain", domain ?? string.Empty);
    }

    /// <summary><c>$credential.GetNetworkCredential()</c>; null for another method or value.</summary>
    private PsValue? CredentialMethod(PsValue? value, string name, IReadOnlyList<PsValue> arguments)
    {
        if (!IsCredential(value) || !name.Equals("GetNetworkCredential", StringComparison.OrdinalIgnoreCase) || arguments.Count != 0) return null;
        var credential = (PsObject)value!;
        var password = credential["Password"] ?? PsNil.Instance;
        return NetworkCredential(PipelineVariables.Display(credential["UserName"] ?? PsNil.Instance), SecureText(password, "GetNetworkCredential()"), password);
    }

    /// <summary>
    /// <c>[pscredential]::new(user, secure)</c>, <c>[Net.NetworkCredential]::new(user, secure or text[, domain])</c> and
    /// Marshal's SecureString methods; null for another member.
    /// </summary>
    private PsValue? SecureStringStaticMember(string typeName, string member, IReadOnlyList<PsValue>? arguments)
    {
        var count = arguments?.Count ?? -1;
        switch (typeName, member.ToUpperInvariant(), count)
        {
            case (ScriptExpressions.PSCredentialTypeName, "NEW", 2):
                return NewCredential(arguments![0], arguments[1]);
            case (ScriptExpressions.NetworkCredentialTypeName, "NEW", 0 or 2 or 3):
                return NewNetworkCredential(arguments!);
            case (ScriptExpressions.MarshalTypeName, "SECURESTRINGTOBSTR" or "SECURESTRINGTOGLOBALALLOCUNICODE" or "SECURESTRINGTOCOTASKMEMUNICODE", 1):
            {
                var pointer = new PsObject(IntPtrTypeNames) { ToStringValue = Random.Shared.NextInt64(0x10000000, 0x7FFFFFFF).ToString(System.Globalization.CultureInfo.InvariantCulture) };
                UnmanagedStrings.AddOrUpdate(pointer, SecureText(arguments![0], $"[Marshal]::{member}"));
                return pointer;
            }

            case (ScriptExpressions.MarshalTypeName, "PTRTOSTRINGAUTO" or "PTRTOSTRINGBSTR" or "PTRTOSTRINGUNI", 1):
                return arguments![0] is PsObject pointerObject && UnmanagedStrings.TryGetValue(pointerObject, out var text)
                    ? PsPrimitive.String(text)
                    : throw new ScriptExpressionException(ScriptedError.ScenarioFault($"[Marshal]::{member} reads only what SecureStringToBSTR made in the emulator"));
            case (ScriptExpressions.MarshalTypeName, "ZEROFREEBSTR" or "FREEBSTR" or "ZEROFREEGLOBALALLOCUNICODE" or "ZEROFREECOTASKMEMUNICODE", 1):
                if (arguments![0] is PsObject freed) UnmanagedStrings.Remove(freed);
                return PsNil.Instance;
            case (ScriptExpressions.MarshalTypeName, _, _):
                throw new ScriptExpressionException(ScriptedError.ScenarioFault($"[System.Runtime.InteropServices.Marshal]::{member} is not emulated: give the statement a rule"));
            default:
                return null;
        }
    }

    private PsObject NewCredential(PsValue user, PsValue password)
    {
        if (password is not PsPrimitive { Type: PsPrimitiveType.SecureString })
        {
            // PowerShell's method argument conversion failure (MethodException), as [pscredential]::new reports it.
            throw new ScriptExpressionException(new ScriptedError(
                $"Cannot convert argument \"password\", with value: \"{PipelineVariables.Display(password)}\", for \"PSCredential\" to type \"System.Security.SecureString\": \"Cannot convert the \"{PipelineVariables.Display(password)}\" value of type \"{ScriptExpressions.TypeName(password)}\" to type \"System.Security.SecureString\".\"",
                "MethodArgumentConversionInvalidCastArgument", ErrorCategory.NotSpecified, "System.Management.Automation.MethodException"));
        }

        return Credential(PipelineVariables.Display(user), password);
    }

    private PsObject NewNetworkCredential(IReadOnlyList<PsValue> arguments)
    {
        if (arguments.Count == 0) return NetworkCredential(string.Empty, string.Empty, PsNil.Instance, string.Empty);
        var password = arguments[1];
        var text = password is PsPrimitive { Type: PsPrimitiveType.SecureString } ? SecureText(password, "NetworkCredential") : PipelineVariables.Display(password);
        var secure = password is PsPrimitive { Type: PsPrimitiveType.SecureString } ? password : MakeSecure(text);
        return NetworkCredential(PipelineVariables.Display(arguments[0]), text, secure, arguments.Count == 3 ? PipelineVariables.Display(arguments[2]) : string.Empty);
    }

    /// <summary>
    /// ConvertTo-SecureString: <c>-AsPlainText -Force</c> makes a SecureString of the text; without -Force, 5.1's
    /// refusal; an encrypted standard string (DPAPI, -Key) is not emulated.
    /// </summary>
    private async ValueTask<PsValue> ConvertToSecureStringAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        const string Command = "ConvertTo-SecureString";
        if (arguments["String"] is not { } word)
        {
            throw new StatementTerminatedException(ParameterError(Command, "Cannot process command because of one or more missing mandatory parameters: String.", "MissingMandatoryParameter"));
        }

        if (!arguments.Has("AsPlainText") || arguments.Has("Key") || arguments.Has("SecureKey"))
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{Command} of an encrypted standard string (DPAPI or -Key) is not emulated: give the command a rule"));
        }

        if (!arguments.Has("Force"))
        {
            // SecureStringCommands' ForceRequired (UNVERIFIED id).
            throw new StatementTerminatedException(new ScriptedError(
                "The system cannot protect plain text input. To suppress this warning and convert the plain text to a SecureString, reissue the command specifying the Force parameter. For more information ,type: get-help ConvertTo-SecureString.",
                $"ImportSecureString_ForceRequired,{CmdletClass(Command)}", ErrorCategory.InvalidArgument, "System.ArgumentException") { Activity = Command });
        }

        return MakeSecure(PipelineVariables.Display(await ArgumentAsync(word, to, blockNesting)));
    }
}
