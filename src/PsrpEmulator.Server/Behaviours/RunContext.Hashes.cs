using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// .NET's hash algorithms as upload scripts use them (Ansible's put_file, pypsrp's copy): <c>[SHA1]::Create()</c>,
/// <c>[System.Security.Cryptography.SHA1CryptoServiceProvider]::Create()</c> (SHA256, SHA384, SHA512, MD5 alike, also
/// made with New-Object or <c>::new</c>) with TransformBlock, TransformFinalBlock, Hash and ComputeHash, and
/// <c>[System.BitConverter]::ToString(bytes)</c>.
/// </summary>
internal sealed partial class RunContext
{
    internal static readonly string[] HashTypeNames =
    [
        "System.Security.Cryptography.SHA1", "System.Security.Cryptography.SHA1CryptoServiceProvider", "System.Security.Cryptography.SHA1Managed",
        "System.Security.Cryptography.SHA256", "System.Security.Cryptography.SHA256CryptoServiceProvider", "System.Security.Cryptography.SHA256Managed",
        "System.Security.Cryptography.SHA384", "System.Security.Cryptography.SHA384CryptoServiceProvider", "System.Security.Cryptography.SHA384Managed",
        "System.Security.Cryptography.SHA512", "System.Security.Cryptography.SHA512CryptoServiceProvider", "System.Security.Cryptography.SHA512Managed",
        "System.Security.Cryptography.MD5", "System.Security.Cryptography.MD5CryptoServiceProvider",
    ];

    // The running hash of each algorithm object the session holds.
    private static readonly ConditionalWeakTable<PsObject, IncrementalHash> Hashes = [];

    private static HashAlgorithmName HashNameOf(string typeName) => typeName[(typeName.LastIndexOf('.') + 1)..].ToUpperInvariant() switch
    {
        var n when n.StartsWith("SHA1", StringComparison.Ordinal) => HashAlgorithmName.SHA1,
        var n when n.StartsWith("SHA256", StringComparison.Ordinal) => HashAlgorithmName.SHA256,
        var n when n.StartsWith("SHA384", StringComparison.Ordinal) => HashAlgorithmName.SHA384,
        var n when n.StartsWith("SHA512", StringComparison.Ordinal) => HashAlgorithmName.SHA512,
        _ => HashAlgorithmName.MD5,
    };

    /// <summary>A new algorithm object of the type (Create, ::new, New-Object); null for another type.</summary>
    internal static PsObject? NewHashAlgorithm(string typeName)
    {
        if (!HashTypeNames.Contains(typeName)) return null;
        // Create() of the abstract type gives .NET Framework's default implementation.
        var concrete = typeName.EndsWith("Provider", StringComparison.Ordinal) || typeName.EndsWith("Managed", StringComparison.Ordinal) ? typeName
            : typeName + (typeName.EndsWith("MD5", StringComparison.Ordinal) || typeName.EndsWith("SHA1", StringComparison.Ordinal) ? "CryptoServiceProvider" : "Managed");
        var o = new PsObject([concrete, "System.Security.Cryptography.HashAlgorithm", "System.Object"]) { ToStringValue = concrete }
            .With("HashSize", PsPrimitive.Int32(HashNameOf(typeName) == HashAlgorithmName.SHA1 ? 160 : HashNameOf(typeName) == HashAlgorithmName.SHA256 ? 256
                : HashNameOf(typeName) == HashAlgorithmName.SHA384 ? 384 : HashNameOf(typeName) == HashAlgorithmName.SHA512 ? 512 : 128))
            .With("Hash", PsNil.Instance);
        Hashes.AddOrUpdate(o, IncrementalHash.CreateHash(HashNameOf(typeName)));
        return o;
    }

    /// <summary>A method of an algorithm object this class made; null for another object or method.</summary>
    private static PsValue? HashMethod(PsObject value, string name, IReadOnlyList<PsValue> arguments)
    {
        if (!Hashes.TryGetValue(value, out var hash)) return null;
        byte[] Segment(int offsetAt, int countAt)
        {
            var bytes = ScriptExpressions.BytesOf(arguments[0]);
            var offset = (int)(ScriptExpressions.AsNumber(arguments[offsetAt]) ?? 0);
            var count = (int)(ScriptExpressions.AsNumber(arguments[countAt]) ?? 0);
            if (offset < 0 || count < 0 || offset + count > bytes.Length)
            {
                throw new ScriptExpressionException(ScriptedError.MethodInvocation(name, arguments.Count, "Value was invalid.", typeof(ArgumentException)));
            }

            return bytes[offset..(offset + count)];
        }

        switch (name.ToUpperInvariant(), arguments.Count)
        {
            case ("TRANSFORMBLOCK", 5):
            {
                var segment = Segment(1, 2);
                hash.AppendData(segment);
                return PsPrimitive.Int32(segment.Length);
            }

            case ("TRANSFORMFINALBLOCK", 3):
            {
                var segment = Segment(1, 2);
                hash.AppendData(segment);
                value.With("Hash", ScriptExpressions.ByteArray(hash.GetHashAndReset()));
                return ScriptExpressions.ByteArray(segment);
            }

            case ("COMPUTEHASH", 1) when arguments[0] is PsObject stream && Handles.TryGetValue(stream, out var file):
            {
                // ComputeHash(Stream): what the stream has left to read, read to its end (winrm-fs hashes (Get-Item $f).OpenRead()).
                if (file.Closed) throw DotNetFailure(name, 1, "Cannot access a closed file.", typeof(ObjectDisposedException));
                if (!file.CanRead || file.Bytes is not { } bytes) throw DotNetFailure(name, 1, "Stream does not support reading.", typeof(NotSupportedException));
                hash.AppendData(bytes.AsSpan((int)Math.Min(file.Position, bytes.Length)));
                file.Position = bytes.Length;
                var streamed = hash.GetHashAndReset();
                value.With("Hash", ScriptExpressions.ByteArray(streamed));
                return ScriptExpressions.ByteArray(streamed);
            }

            case ("COMPUTEHASH", 1):
            {
                hash.AppendData(ScriptExpressions.BytesOf(arguments[0]));
                var result = hash.GetHashAndReset();
                value.With("Hash", ScriptExpressions.ByteArray(result));
                return ScriptExpressions.ByteArray(result);
            }

            case ("DISPOSE" or "CLEAR" or "INITIALIZE", 0):
                return PsNil.Instance;
            default:
                return null;
        }
    }
}
