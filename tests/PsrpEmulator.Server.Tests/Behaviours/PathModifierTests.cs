using PsrpEmulator.Server.Behaviours;
using PsrpEmulator.Server.Behaviours.CommandLines;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>cmd.exe's %~ modifiers on values that are folders, roots, names without an extension, quoted names and names not there.</summary>
public class PathModifierTests
{
    private static FakeCommandLineHost Host()
    {
        var disk = new VirtualFileSystem(TimeProvider.System, 1 << 20);
        disk.CreateDirectory(@"C:\Users\psrp\logs");
        disk.Write(@"C:\Users\psrp\README", "12345"u8, FileWriteMode.Create);
        return FakeCommandLineHost.OnDisk(disk);
    }

    [TestCase("README", "x", "")]
    [TestCase("README", "n", "README")]
    [TestCase("README", "z", "5")]
    [TestCase("logs", "a", "d----------")]
    [TestCase("logs", "z", "")]
    [TestCase("logs", "nx", "logs")]
    [TestCase("logs", "dp", @"C:\Users\psrp\")]
    [TestCase(".", "f", @"C:\Users\psrp")]
    [TestCase("..\\..", "f", @"C:\")]
    [TestCase("C:\\", "p", @"\")]
    [TestCase("C:\\", "nx", "")]
    [TestCase("\"my file.txt\"", "", "my file.txt")]
    [TestCase("\"my file.txt\"", "nx", "my file.txt")]
    [TestCase("missing.log", "a", "")]
    [TestCase("missing.log", "fz", @"C:\Users\psrp\missing.log")]
    [TestCase("D:\\data\\x.txt", "n", "x")]
    [TestCase("D:\\data\\x.txt", "dp", "D:\\data\\")]
    [TestCase("D:\\data\\x.txt", "z", "")]
    [TestCase("", "f", "")]
    public void A_modifier_takes_the_value_apart_as_cmd_does(string value, string modifiers, string expected) =>
        Assert.That(CommandLinePathModifiers.Apply(value, modifiers, Host()), Is.EqualTo(expected));

    [TestCase("%~nf", "f", "n", 'f')]
    [TestCase("%~ff", "f", "f", 'f')]
    [TestCase("%~dpnxI", "I", "dpnx", 'I')]
    [TestCase("%~$PATH:I", "I", "$PATH:", 'I')]
    [TestCase("%~1", "1", "", '1')]
    public void The_variable_ends_the_longest_run_of_modifiers_that_leaves_one(string text, string variables, string modifiers, char variable)
    {
        Assert.That(CommandLinePathModifiers.TryRead(text, 2, variables.Contains, out var read, out var found, out var end), Is.True);
        Assert.That((read, found, end), Is.EqualTo((modifiers, variable, text.Length)));
    }

    [TestCase("%~q")]
    [TestCase("%~$PA TH:I")]
    [TestCase("%~")]
    public void A_modifier_run_without_a_variable_is_not_read(string text) =>
        Assert.That(CommandLinePathModifiers.TryRead(text, 2, c => c == 'I', out _, out _, out _), Is.False);
}
