using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

public class ScriptPositionTests
{
    [TestCase("$a ?? 1", 3, 2, "At line:1 char:4\r\n+ $a ?? 1\r\n+    ~~")]
    [TestCase("x\r\ny &&\r\n", 5, 2, "At line:2 char:3\r\n+ y &&\r\n+   ~~")]
    [TestCase("a\n\n", 2, 0, "At line:2 char:1\r\n+ ")]
    [TestCase("ab", 2, 0, "At line:1 char:3\r\n+ ab\r\n+   ~")]
    public void The_position_names_the_line_and_column_and_marks_the_token(string script, int offset, int length, string expected) =>
        Assert.That(ScriptPosition.Text(script, offset, length), Is.EqualTo(expected));

    [Test]
    public void In_a_script_file_the_position_names_the_file_instead_of_line() =>
        Assert.That(ScriptPosition.Text("'a'\r\nGet-Item x\r\n", 5, 10, "C:\\t\\tool.ps1"), Is.EqualTo("At C:\\t\\tool.ps1:2 char:1\r\n+ Get-Item x\r\n+ ~~~~~~~~~~"));

    [Test]
    public void A_token_at_the_start_of_a_long_line_shows_the_line_cut_after_it()
    {
        var line = "&&" + new string('x', 100);

        var text = ScriptPosition.Text(line, 0, 2);

        Assert.That(text, Is.EqualTo("At line:1 char:1\r\n+ &&" + new string('x', 67) + " ...\r\n+ ~~"));
    }

    [Test]
    public void Any_offset_and_length_in_any_text_gives_a_position_without_throwing()
    {
        var random = new Random(20261129);
        const string Alphabet = "ab \t\r\n&?$'";
        for (var run = 0; run < 5000; run++)
        {
            var script = new string(Enumerable.Range(0, random.Next(0, 160)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
            var offset = random.Next(0, script.Length + 1);
            var length = random.Next(0, 8);

            var text = ScriptPosition.Text(script, offset, length);

            Assert.That(text, Does.StartWith("At line:"), script);
            var lines = text.Split("\r\n");
            Assert.That(lines.Skip(1).All(l => l.StartsWith("+ ", StringComparison.Ordinal) && l.Length <= 2 + 4 + 69 + 4), Is.True, () => $"{script} → {text}");
        }
    }
}
