using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>Shortcut files as [MS-SHLLINK] lays them out: written, read back, and anything else read as none.</summary>
public class ShellLinkFileTests
{
    private static readonly ShellLink Tool = new(@"C:\Tools\tool.exe", "--fast", "The tool", @"C:\Tools", @"C:\Tools\tool.exe", 2, 7, 0);

    [Test]
    public void A_written_shortcut_reads_back_the_same()
    {
        Assert.That(ShellLinkFile.Read(ShellLinkFile.Write(Tool)), Is.EqualTo(Tool));
        var bare = new ShellLink(@"C:\a.exe", string.Empty, string.Empty, string.Empty, string.Empty, 0, 1, 0);
        Assert.That(ShellLinkFile.Read(ShellLinkFile.Write(bare)), Is.EqualTo(bare));
    }

    /// <summary>The header's flags say which parts follow: LinkInfo and the four strings, Unicode; the LinkInfo's local base path is the target.</summary>
    [Test]
    public void The_file_carries_the_header_flags_and_the_target_s_local_base_path()
    {
        var file = ShellLinkFile.Write(Tool);

        Assert.That(BitConverter.ToUInt32(file, 20), Is.EqualTo(0x2u | 0x4 | 0x10 | 0x20 | 0x40 | 0x80));
        Assert.That(BitConverter.ToInt32(file, 60), Is.EqualTo(7), "ShowCommand");
        Assert.That(System.Text.Encoding.Latin1.GetString(file), Does.Contain(@"C:\Tools\tool.exe" + "\0"));
        Assert.That(file[^4..], Is.EqualTo(new byte[4]), "the terminal block");
    }

    [Test]
    public void What_is_not_a_whole_shortcut_reads_as_none_and_never_throws()
    {
        var file = ShellLinkFile.Write(Tool);
        Assert.That(ShellLinkFile.Read("not a shortcut at all, just text that is long enough to pass the size check....."u8.ToArray()), Is.Null);
        for (var length = 0; length < file.Length - 4; length++)
        {
            Assert.That(() => ShellLinkFile.Read(file.AsSpan(0, length)), Throws.Nothing, $"cut at {length}");
        }

        var random = new Random(7);
        for (var i = 0; i < 2_000; i++)
        {
            var mutated = (byte[])file.Clone();
            mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            Assert.That(() => ShellLinkFile.Read(mutated), Throws.Nothing);
        }
    }
}
