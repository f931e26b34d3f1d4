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

    // ConvertFrom-SecureString -Key's output starts with this header, then Base64 of UTF-16 "2|IV|hex" (PowerShell's
    // SecureStringHelper.SecureStringExportHeader): another Windows box with the key reads it.
    private const string SecureStringExportHeader = "76492d1116743f0423413b16050a5345";

    // A DPAPI blob's first bytes as hex (version 1, the provider GUID df9d8cd0-1501-11d1-8c7a-00c04fc297eb, master key version 1).
    private const string DpapiBlobHeader = "01000000d08c9ddf0115d1118c7a00c04fc297eb01000000";

    /// <summary>
    /// ConvertFrom-SecureString: with <c>-Key</c> (16, 24 or 32 bytes) or <c>-SecureKey</c>, PowerShell's AES export
    /// (the header, then "2|IV|hex of the AES-CBC cipher of the UTF-16 text"), which Windows reads back with the same key;
    /// without, a DPAPI blob as hex: here the blob's header, the computer's and user's master key id and an AES cipher
    /// under a key of that computer and user, so only ConvertTo-SecureString there reads it (DPAPI's rule, not its bytes).
    /// </summary>
    private async ValueTask<PsValue> ConvertFromSecureStringAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        const string Command = "ConvertFrom-SecureString";
        var value = arguments["SecureString"] is { } word ? await ArgumentAsync(word, to, blockNesting)
            : throw new StatementTerminatedException(ParameterError(Command, "Cannot process command because of one or more missing mandatory parameters: SecureString.", "MissingMandatoryParameter"));
        if (value is not PsPrimitive { Type: PsPrimitiveType.SecureString })
        {
            throw new StatementTerminatedException(ParameterError(Command, ScriptExpressions.IsNull(value)
                ? "Cannot bind argument to parameter 'SecureString' because it is null."
                : $"Cannot bind parameter 'SecureString'. Cannot convert the \"{PipelineVariables.Display(value)}\" value of type \"{ScriptExpressions.TypeName(value)}\" to type \"System.Security.SecureString\".",
                ScriptExpressions.IsNull(value) ? "ParameterArgumentValidationErrorNullNotAllowed" : "CannotConvertArgumentNoMessage"));
        }

        var text = SecureText(value, Command);
        var plain = System.Text.Encoding.Unicode.GetBytes(text);
        if (await ExportKeyAsync(Command, arguments, to, blockNesting) is { } key)
        {
            using var aes = Aes.Create();
            aes.Key = key;
            aes.GenerateIV();
            var cipher = aes.EncryptCbc(plain, aes.IV);
            var package = $"2|{Convert.ToBase64String(aes.IV)}|{Convert.ToHexStringLower(cipher)}";
            return PsPrimitive.String(SecureStringExportHeader + Convert.ToBase64String(System.Text.Encoding.Unicode.GetBytes(package)));
        }

        var (masterKeyId, userKey) = DpapiKeys();
        using var dpapi = Aes.Create();
        dpapi.Key = userKey;
        dpapi.GenerateIV();
        return PsPrimitive.String(DpapiBlobHeader + Convert.ToHexStringLower(masterKeyId) + Convert.ToHexStringLower(dpapi.IV) + Convert.ToHexStringLower(dpapi.EncryptCbc(plain, dpapi.IV)));
    }

    // -Key (bytes) or -SecureKey (a SecureString's UTF-16 bytes): AES's 128, 192 or 256 bits; null when neither is given.
    private async ValueTask<byte[]?> ExportKeyAsync(string command, StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        byte[]? key = arguments["Key"] is { } keyWord ? ScriptExpressions.BytesOf(await ArgumentAsync(keyWord, to, blockNesting))
            : arguments["SecureKey"] is { } secureWord ? System.Text.Encoding.Unicode.GetBytes(SecureText(await ArgumentAsync(secureWord, to, blockNesting), command))
            : null;
        if (key is not null && key.Length is not (16 or 24 or 32))
        {
            throw new StatementTerminatedException(new ScriptedError("The specified key is not valid. Valid key length settings are either 128 bits, 192 bits, or 256 bits.",
                $"Argument,{CmdletClass(command)}", ErrorCategory.InvalidArgument, "System.ArgumentException") { Activity = command });
        }

        return key;
    }

    // This computer's and user's DPAPI master key id and key (what makes a blob readable only here).
    private (byte[] MasterKeyId, byte[] Key) DpapiKeys()
    {
        var who = System.Text.Encoding.UTF8.GetBytes($"{ComputerName.ToUpperInvariant()}\\{(Host.EnvironmentVariable("USERNAME") ?? string.Empty).ToUpperInvariant()}");
        var key = SHA256.HashData([.. "PsrpEmulator DPAPI key "u8, .. who]);
        return (SHA256.HashData([.. "PsrpEmulator DPAPI id "u8, .. who])[..16], key);
    }

    // An encrypted standard string back to its text (-Key's export or this computer's and user's DPAPI hex); null when it
    // is neither; CryptographicException when the key or the computer is the wrong one.
    private string ImportSecureString(string text, byte[]? key)
    {
        if (key is not null)
        {
            if (!text.StartsWith(SecureStringExportHeader, StringComparison.Ordinal)) throw new FormatException("Input string was not in a correct format.");
            var package = System.Text.Encoding.Unicode.GetString(Convert.FromBase64String(text[SecureStringExportHeader.Length..])).Split('|');
            if (package is not ["2", var iv, var hex]) throw new FormatException("Input string was not in a correct format.");
            using var aes = Aes.Create();
            aes.Key = key;
            return System.Text.Encoding.Unicode.GetString(aes.DecryptCbc(Convert.FromHexString(hex), Convert.FromBase64String(iv)));
        }

        var blob = Convert.FromHexString(text);
        var header = Convert.FromHexString(DpapiBlobHeader);
        if (blob.Length < header.Length + 48 || !blob.AsSpan(0, header.Length).SequenceEqual(header)) throw new CryptographicException("Key not valid for use in specified state.");
        var (masterKeyId, userKey) = DpapiKeys();
        if (!blob.AsSpan(header.Length, 16).SequenceEqual(masterKeyId)) throw new CryptographicException("Key not valid for use in specified state.");
        using var dpapi = Aes.Create();
        dpapi.Key = userKey;
        return System.Text.Encoding.Unicode.GetString(dpapi.DecryptCbc(blob.AsSpan(header.Length + 32), blob.AsSpan(header.Length + 16, 16)));
    }

    /// <summary>
    /// ConvertTo-SecureString: <c>-AsPlainText -Force</c> makes a SecureString of the text; without -Force, 5.1's
    /// refusal; an encrypted standard string (ConvertFrom-SecureString's: with <c>-Key</c>/<c>-SecureKey</c> its AES
    /// export, without its DPAPI hex of this computer and user) is read back; one that does not decrypt is 5.1's
    /// ImportSecureString_InvalidArgument_CryptographicError ("Key not valid for use in specified state." for DPAPI's),
    /// text that is not one ImportSecureString_InvalidArgument.
    /// </summary>
    private async ValueTask<PsValue> ConvertToSecureStringAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        const string Command = "ConvertTo-SecureString";
        if (arguments["String"] is not { } word)
        {
            throw new StatementTerminatedException(ParameterError(Command, "Cannot process command because of one or more missing mandatory parameters: String.", "MissingMandatoryParameter"));
        }

        if (!arguments.Has("AsPlainText"))
        {
            var encrypted = PipelineVariables.Display(await ArgumentAsync(word, to, blockNesting));
            var key = await ExportKeyAsync(Command, arguments, to, blockNesting);
            try
            {
                return MakeSecure(ImportSecureString(encrypted.Trim(), key));
            }
            catch (CryptographicException e)
            {
                throw new StatementTerminatedException(new ScriptedError(e.Message, $"ImportSecureString_InvalidArgument_CryptographicError,{CmdletClass(Command)}",
                    ErrorCategory.InvalidArgument, "System.Security.Cryptography.CryptographicException") { Activity = Command });
            }
            catch (FormatException)
            {
                throw new StatementTerminatedException(new ScriptedError("Input string was not in a correct format.", $"ImportSecureString_InvalidArgument,{CmdletClass(Command)}",
                    ErrorCategory.InvalidArgument, "System.FormatException") { Activity = Command });
            }
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
