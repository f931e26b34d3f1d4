using System.Buffers.Binary;

namespace PsrpEmulator.Protocol.Ntlm;

/// <summary>MD4 (RFC 1320): NTOWF needs it and .NET has no public MD4.</summary>
public static class Md4
{
    public static byte[] HashData(ReadOnlySpan<byte> data)
    {
        uint a = 0x67452301, b = 0xefcdab89, c = 0x98badcfe, d = 0x10325476;
        var padded = new byte[((data.Length + 8) / 64 + 1) * 64];
        data.CopyTo(padded);
        padded[data.Length] = 0x80;
        BinaryPrimitives.WriteUInt64LittleEndian(padded.AsSpan(padded.Length - 8), (ulong)data.Length * 8);
        Span<uint> x = stackalloc uint[16];
        for (var block = 0; block < padded.Length; block += 64)
        {
            for (var i = 0; i < 16; i++) x[i] = BinaryPrimitives.ReadUInt32LittleEndian(padded.AsSpan(block + i * 4));
            uint aa = a, bb = b, cc = c, dd = d;
            ReadOnlySpan<int> s1 = [3, 7, 11, 19];
            for (var i = 0; i < 16; i++)
            {
                var t = a + ((b & c) | (~b & d)) + x[i];
                (a, b, c, d) = (d, uint.RotateLeft(t, s1[i % 4]), b, c);
            }

            ReadOnlySpan<int> s2 = [3, 5, 9, 13];
            for (var i = 0; i < 16; i++)
            {
                var k = (i % 4) * 4 + i / 4;
                var t = a + ((b & c) | (b & d) | (c & d)) + x[k] + 0x5a827999;
                (a, b, c, d) = (d, uint.RotateLeft(t, s2[i % 4]), b, c);
            }

            ReadOnlySpan<int> s3 = [3, 9, 11, 15];
            ReadOnlySpan<int> order = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15];
            for (var i = 0; i < 16; i++)
            {
                var t = a + (b ^ c ^ d) + x[order[i]] + 0x6ed9eba1;
                (a, b, c, d) = (d, uint.RotateLeft(t, s3[i % 4]), b, c);
            }

            a += aa;
            b += bb;
            c += cc;
            d += dd;
        }

        var hash = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(hash, a);
        BinaryPrimitives.WriteUInt32LittleEndian(hash.AsSpan(4), b);
        BinaryPrimitives.WriteUInt32LittleEndian(hash.AsSpan(8), c);
        BinaryPrimitives.WriteUInt32LittleEndian(hash.AsSpan(12), d);
        return hash;
    }
}
