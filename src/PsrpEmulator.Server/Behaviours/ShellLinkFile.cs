using System.Buffers.Binary;
using System.Text;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>What a shortcut (.lnk) holds that WshShortcut reads and writes.</summary>
internal sealed record ShellLink(string TargetPath, string Arguments, string Description, string WorkingDirectory, string IconPath, int IconIndex, int WindowStyle, ushort Hotkey);

/// <summary>
/// Shortcut files in the Shell Link Binary File Format ([MS-SHLLINK]), as far as WshShortcut uses it: the header, a
/// LinkInfo with the target's local path on a fixed drive, and the Unicode StringData (description, working directory,
/// arguments, icon location). Written so that Windows' shell would read the file, and read back, tolerating a
/// LinkTargetIDList and ExtraData blocks it skips. Bounded: a file that is not a shortcut, or that claims more than it
/// holds, reads as none.
/// </summary>
internal static class ShellLinkFile
{
    private const int HeaderSize = 0x4C;
    private const uint HasLinkTargetIdList = 0x1, HasLinkInfo = 0x2, HasName = 0x4, HasRelativePath = 0x8, HasWorkingDir = 0x10, HasArguments = 0x20, HasIconLocation = 0x40, IsUnicode = 0x80;
    private const uint FileAttributeArchive = 0x20;

    // The Shell Link class id, 00021401-0000-0000-C000-000000000046, as the header stores it.
    private static readonly byte[] LinkClsid = [0x01, 0x14, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46];

    public static byte[] Write(ShellLink link)
    {
        var flags = IsUnicode | (link.TargetPath.Length > 0 ? HasLinkInfo : 0) | (link.Description.Length > 0 ? HasName : 0) |
            (link.WorkingDirectory.Length > 0 ? HasWorkingDir : 0) | (link.Arguments.Length > 0 ? HasArguments : 0) | (link.IconPath.Length > 0 ? HasIconLocation : 0);
        using var stream = new MemoryStream();
        Span<byte> header = stackalloc byte[HeaderSize];
        header.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(header, HeaderSize);
        LinkClsid.CopyTo(header[4..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], link.TargetPath.Length > 0 ? FileAttributeArchive : 0);
        BinaryPrimitives.WriteInt32LittleEndian(header[56..], link.IconIndex);
        BinaryPrimitives.WriteInt32LittleEndian(header[60..], link.WindowStyle);
        BinaryPrimitives.WriteUInt16LittleEndian(header[64..], link.Hotkey);
        stream.Write(header);
        if (link.TargetPath.Length > 0) stream.Write(LinkInfo(link.TargetPath));
        Span<byte> count = stackalloc byte[2];
        foreach (var text in new[] { link.Description, link.WorkingDirectory, link.Arguments, link.IconPath })
        {
            if (text.Length == 0) continue;
            BinaryPrimitives.WriteUInt16LittleEndian(count, (ushort)Math.Min(text.Length, ushort.MaxValue));
            stream.Write(count);
            stream.Write(Encoding.Unicode.GetBytes(text.Length > ushort.MaxValue ? text[..ushort.MaxValue] : text));
        }

        // The TerminalBlock: no ExtraData.
        stream.Write([0, 0, 0, 0]);
        return stream.ToArray();
    }

    // LinkInfo: a VolumeID of a fixed drive without a label, the local base path (ANSI) and an empty common path suffix.
    private static byte[] LinkInfo(string targetPath)
    {
        const int linkInfoHeaderSize = 0x1C, volumeIdSize = 0x11;
        var basePath = Encoding.Latin1.GetBytes(targetPath);
        var size = linkInfoHeaderSize + volumeIdSize + basePath.Length + 1 + 1;
        var info = new byte[size];
        BinaryPrimitives.WriteInt32LittleEndian(info, size);
        BinaryPrimitives.WriteInt32LittleEndian(info.AsSpan(4), linkInfoHeaderSize);
        BinaryPrimitives.WriteInt32LittleEndian(info.AsSpan(8), 1); // VolumeIDAndLocalBasePath
        BinaryPrimitives.WriteInt32LittleEndian(info.AsSpan(12), linkInfoHeaderSize);
        BinaryPrimitives.WriteInt32LittleEndian(info.AsSpan(16), linkInfoHeaderSize + volumeIdSize);
        BinaryPrimitives.WriteInt32LittleEndian(info.AsSpan(24), linkInfoHeaderSize + volumeIdSize + basePath.Length + 1);
        var volume = info.AsSpan(linkInfoHeaderSize);
        BinaryPrimitives.WriteInt32LittleEndian(volume, volumeIdSize);
        BinaryPrimitives.WriteInt32LittleEndian(volume[4..], 3); // DRIVE_FIXED
        BinaryPrimitives.WriteInt32LittleEndian(volume[12..], 0x10); // the (empty) label right after the VolumeID's fields
        basePath.CopyTo(info, linkInfoHeaderSize + volumeIdSize);
        return info;
    }

    /// <summary>The shortcut a file holds; null for a file that is not one (or not one this reader follows).</summary>
    public static ShellLink? Read(ReadOnlySpan<byte> file)
    {
        if (file.Length < HeaderSize + 4 || BinaryPrimitives.ReadUInt32LittleEndian(file) != HeaderSize || !file.Slice(4, 16).SequenceEqual(LinkClsid)) return null;
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(file[20..]);
        var iconIndex = BinaryPrimitives.ReadInt32LittleEndian(file[56..]);
        var windowStyle = BinaryPrimitives.ReadInt32LittleEndian(file[60..]);
        var hotkey = BinaryPrimitives.ReadUInt16LittleEndian(file[64..]);
        var at = HeaderSize;
        if ((flags & HasLinkTargetIdList) != 0)
        {
            if (at + 2 > file.Length) return null;
            at += 2 + BinaryPrimitives.ReadUInt16LittleEndian(file[at..]);
        }

        var target = string.Empty;
        if ((flags & HasLinkInfo) != 0)
        {
            if (at + 28 > file.Length) return null;
            var info = file[at..];
            var size = BinaryPrimitives.ReadInt32LittleEndian(info);
            if (size < 28 || size > info.Length) return null;
            info = info[..size];
            if ((BinaryPrimitives.ReadInt32LittleEndian(info[8..]) & 1) != 0)
            {
                var basePath = AnsiAt(info, BinaryPrimitives.ReadInt32LittleEndian(info[16..]));
                var suffix = AnsiAt(info, BinaryPrimitives.ReadInt32LittleEndian(info[24..]));
                if (basePath is null || suffix is null) return null;
                target = basePath + suffix;
            }

            at += size;
        }

        string?[] texts = new string?[5];
        var present = new[] { HasName, HasRelativePath, HasWorkingDir, HasArguments, HasIconLocation };
        for (var i = 0; i < present.Length; i++)
        {
            if ((flags & present[i]) == 0) continue;
            if (at + 2 > file.Length) return null;
            var count = BinaryPrimitives.ReadUInt16LittleEndian(file[at..]);
            var bytes = (flags & IsUnicode) != 0 ? count * 2 : count;
            if (at + 2 + bytes > file.Length) return null;
            texts[i] = (flags & IsUnicode) != 0 ? Encoding.Unicode.GetString(file.Slice(at + 2, bytes)) : Encoding.Latin1.GetString(file.Slice(at + 2, bytes));
            at += 2 + bytes;
        }

        return new ShellLink(target, texts[3] ?? string.Empty, texts[0] ?? string.Empty, texts[2] ?? string.Empty, texts[4] ?? string.Empty, iconIndex, windowStyle, hotkey);
    }

    // A null-terminated ANSI string at an offset of a LinkInfo; null past its end.
    private static string? AnsiAt(ReadOnlySpan<byte> info, int offset)
    {
        if (offset < 0 || offset >= info.Length) return null;
        var end = info[offset..].IndexOf((byte)0);
        return end < 0 ? null : Encoding.Latin1.GetString(info.Slice(offset, end));
    }
}
