using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PsrpEmulator.Protocol.Clixml;

/// <summary>
/// Text CLIXML carries as it is, byte for byte: printable ASCII (U+0020–U+007E) without XML markup (&lt;, &gt;, &amp;)
/// and without the underscore (it could start an <c>_xHHHH_</c> escape with what follows). The check and the copy to
/// UTF-8 in one pass over the text, vectorized: an output loop writes every object's pieces this way (a general
/// character search plus a separate narrowing pass read each piece twice, once per step).
/// </summary>
internal static class VerbatimText
{
    /// <summary>The characters, as a list (the reference the fast checks are tested against).</summary>
    public const string Characters = " !\"#$%'()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^`abcdefghijklmnopqrstuvwxyz{|}~";

    // The characters below 128 as two 64-bit sets (short texts and tails, a character at a time): U+0020-U+003F
    // but & < >, and U+0040-U+007E but _. Constants, so the always-optimized methods below need no static init check.
    private const ulong Low = 0xFFFF_FFFF_0000_0000UL & ~(1UL << '&') & ~(1UL << '<') & ~(1UL << '>');
    private const ulong High = 0x7FFF_FFFF_FFFF_FFFFUL & ~(1UL << ('_' - 64));

    /// <summary>True when CLIXML carries <paramref name="c"/> as it is.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Is(char c) => c < 128 && ((c < 64 ? Low : High) >> (c & 63) & 1) != 0;

    /// <summary>True when CLIXML carries all of <paramref name="text"/> as it is.</summary>
    // Always optimized: at tier 0 (and in the instrumented tier dynamic PGO adds) every vector operation is a call,
    // many times slower than the precompiled library search this replaces, and a busy server's hot methods were
    // seen to stay in those tiers for seconds.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool IsAll(ReadOnlySpan<char> text)
    {
        ref var source = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
        var length = (nuint)text.Length;
        // Each size in as few vector loads as cover it: the last load overlaps the one before it rather than
        // leaving a tail (the pieces of an output template are mostly short: a number, a few words).
        if (Vector512.IsHardwareAccelerated && length >= (nuint)Vector512<ushort>.Count)
        {
            var last = length - (nuint)Vector512<ushort>.Count;
            for (nuint i = 0; ; i += (nuint)Vector512<ushort>.Count)
            {
                if (i > last) i = last;
                if (Outside(Vector512.LoadUnsafe(ref source, i)) != Vector512<ushort>.Zero) return false;
                if (i == last) return true;
            }
        }

        if (Vector256.IsHardwareAccelerated && length >= (nuint)Vector256<ushort>.Count)
        {
            var last = length - (nuint)Vector256<ushort>.Count;
            for (nuint i = 0; ; i += (nuint)Vector256<ushort>.Count)
            {
                if (i > last) i = last;
                if (Outside(Vector256.LoadUnsafe(ref source, i)) != Vector256<ushort>.Zero) return false;
                if (i == last) return true;
            }
        }

        if (Vector128.IsHardwareAccelerated && length >= (nuint)Vector128<ushort>.Count)
        {
            var last = length - (nuint)Vector128<ushort>.Count;
            for (nuint i = 0; ; i += (nuint)Vector128<ushort>.Count)
            {
                if (i > last) i = last;
                if (Outside(Vector128.LoadUnsafe(ref source, i)) != Vector128<ushort>.Zero) return false;
                if (i == last) return true;
            }
        }

        if (Vector128.IsHardwareAccelerated && length >= 4)
        {
            // 4 to 7 characters: the first four and the last four (overlapping) in one vector.
            return Outside(Quads(ref source, length)) == Vector128<ushort>.Zero;
        }

        for (nuint i = 0; i < length; i++)
        {
            if (!Is((char)Unsafe.Add(ref source, i))) return false;
        }

        return true;
    }

    /// <summary>
    /// Copies <paramref name="text"/> into <paramref name="destination"/> as UTF-8 (one byte per character, exactly
    /// <c>text.Length</c> bytes) when CLIXML carries all of it as it is; false otherwise, with <paramref name="destination"/>
    /// partly written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryCopy(ReadOnlySpan<char> text, Span<byte> destination)
    {
        if (destination.Length < text.Length) throw new ArgumentException("The destination is shorter than the text.", nameof(destination));
        ref var source = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
        ref var target = ref MemoryMarshal.GetReference(destination);
        var length = (nuint)text.Length;
        // As IsAll, each block narrowed and stored once checked; an overlapping last block writes some bytes twice.
        if (Vector512.IsHardwareAccelerated && length >= (nuint)Vector512<ushort>.Count)
        {
            var last = length - (nuint)Vector512<ushort>.Count;
            for (nuint i = 0; ; i += (nuint)Vector512<ushort>.Count)
            {
                if (i > last) i = last;
                var block = Vector512.LoadUnsafe(ref source, i);
                if (Outside(block) != Vector512<ushort>.Zero) return false;
                Vector512.Narrow(block, block).GetLower().StoreUnsafe(ref target, i);
                if (i == last) return true;
            }
        }

        if (Vector256.IsHardwareAccelerated && length >= (nuint)Vector256<ushort>.Count)
        {
            var last = length - (nuint)Vector256<ushort>.Count;
            for (nuint i = 0; ; i += (nuint)Vector256<ushort>.Count)
            {
                if (i > last) i = last;
                var block = Vector256.LoadUnsafe(ref source, i);
                if (Outside(block) != Vector256<ushort>.Zero) return false;
                Vector256.Narrow(block, block).GetLower().StoreUnsafe(ref target, i);
                if (i == last) return true;
            }
        }

        if (Vector128.IsHardwareAccelerated && length >= (nuint)Vector128<ushort>.Count)
        {
            var last = length - (nuint)Vector128<ushort>.Count;
            for (nuint i = 0; ; i += (nuint)Vector128<ushort>.Count)
            {
                if (i > last) i = last;
                var block = Vector128.LoadUnsafe(ref source, i);
                if (Outside(block) != Vector128<ushort>.Zero) return false;
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref target, i), Vector128.Narrow(block, block).AsUInt64().ToScalar());
                if (i == last) return true;
            }
        }

        if (Vector128.IsHardwareAccelerated && length >= 4)
        {
            var quads = Quads(ref source, length);
            if (Outside(quads) != Vector128<ushort>.Zero) return false;
            var bytes = Vector128.Narrow(quads, quads).AsUInt32();
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref target, length - 4), bytes.GetElement(1));
            Unsafe.WriteUnaligned(ref target, bytes.ToScalar());
            return true;
        }

        for (nuint i = 0; i < length; i++)
        {
            var c = (char)Unsafe.Add(ref source, i);
            if (!Is(c)) return false;
            Unsafe.Add(ref target, i) = (byte)c;
        }

        return true;
    }

    // The first four characters and the last four (4 to 7 in all) as the two halves of one vector.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ushort> Quads(ref ushort source, nuint length) => Vector128.Create(
        Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<ushort, byte>(ref source)),
        Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<ushort, byte>(ref Unsafe.Add(ref source, length - 4)))).AsUInt16();

    // All bits set in the lanes whose character CLIXML does not carry as it is: outside U+0020–U+007E, or one of
    // & (0x26), < (0x3C), > (0x3E), _ (0x5F). The range check is one unsigned comparison; c | 2 is 0x3E for < and >.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ushort> Outside(Vector512<ushort> c) =>
        Vector512.GreaterThan(c - Vector512.Create((ushort)0x20), Vector512.Create((ushort)(0x7E - 0x20)))
        | Vector512.Equals(c, Vector512.Create((ushort)'&'))
        | Vector512.Equals(c | Vector512.Create((ushort)2), Vector512.Create((ushort)'>'))
        | Vector512.Equals(c, Vector512.Create((ushort)'_'));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ushort> Outside(Vector256<ushort> c) =>
        Vector256.GreaterThan(c - Vector256.Create((ushort)0x20), Vector256.Create((ushort)(0x7E - 0x20)))
        | Vector256.Equals(c, Vector256.Create((ushort)'&'))
        | Vector256.Equals(c | Vector256.Create((ushort)2), Vector256.Create((ushort)'>'))
        | Vector256.Equals(c, Vector256.Create((ushort)'_'));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ushort> Outside(Vector128<ushort> c) =>
        Vector128.GreaterThan(c - Vector128.Create((ushort)0x20), Vector128.Create((ushort)(0x7E - 0x20)))
        | Vector128.Equals(c, Vector128.Create((ushort)'&'))
        | Vector128.Equals(c | Vector128.Create((ushort)2), Vector128.Create((ushort)'>'))
        | Vector128.Equals(c, Vector128.Create((ushort)'_'));
}
