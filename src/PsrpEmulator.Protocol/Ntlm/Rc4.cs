namespace PsrpEmulator.Protocol.Ntlm;

/// <summary>RC4, a stream cipher with state: NTLM sealing keeps one handle per direction for the whole context.</summary>
public sealed class Rc4
{
    private readonly byte[] _s = new byte[256];
    private int _i;
    private int _j;

    public Rc4(ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty) throw new ArgumentException("RC4 needs a key.", nameof(key));
        for (var i = 0; i < 256; i++) _s[i] = (byte)i;
        for (int i = 0, j = 0; i < 256; i++)
        {
            j = (j + _s[i] + key[i % key.Length]) & 0xff;
            (_s[i], _s[j]) = (_s[j], _s[i]);
        }
    }

    /// <summary>Encrypts or decrypts (the same operation); input and output may be the same span.</summary>
    public void Transform(ReadOnlySpan<byte> input, Span<byte> output)
    {
        for (var k = 0; k < input.Length; k++)
        {
            _i = (_i + 1) & 0xff;
            _j = (_j + _s[_i]) & 0xff;
            (_s[_i], _s[_j]) = (_s[_j], _s[_i]);
            output[k] = (byte)(input[k] ^ _s[(_s[_i] + _s[_j]) & 0xff]);
        }
    }

    /// <summary>RC4K(key, data) of MS-NLMP: a one-shot encryption with a fresh handle.</summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        var output = new byte[data.Length];
        new Rc4(key).Transform(data, output);
        return output;
    }
}
