namespace PsrpEmulator.Scenarios.Tests;

/// <summary>How <c>winrs:</c> steps are read, and how their mistakes are reported.</summary>
public class WinRsStepParsingTests
{
    private static Scenario Parse(string steps) => ScenarioParser.Parse("name: t\nsteps:\n" + steps, "t.yaml");

    [Test]
    public void A_command_line_step_carries_its_shell_options_and_expectations()
    {
        var step = (WinRsStep)Parse("""
              - winrs: echo %X%
                shell: S
                codePage: 65001
                environment: { X: '1' }
                stdin: "a\r\n"
                signal: CTRL_C
                signalAfter: 30s
                expect: { stdout: "1\r\n", stdoutBytes: "31 0D 0A", exitCode: 0xC000013A, fault: InvalidSelectors }
            """).Steps.Single();

        Assert.That(step.Operation, Is.EqualTo(WinRsOperation.Run));
        Assert.That(step.CommandLine, Is.EqualTo("echo %X%"));
        Assert.That(step.CodePage, Is.EqualTo(65001));
        Assert.That(step.Environment.Single(), Is.EqualTo(new KeyValuePair<string, string>("X", "1")));
        Assert.That(step.Stdin, Is.EqualTo("a\r\n"));
        Assert.That((step.SignalCode, step.SignalAfter), Is.EqualTo(("ctrl_c", TimeSpan.FromSeconds(30))));
        Assert.That(step.Expect.StdoutBytes, Is.EqualTo(new byte[] { 0x31, 0x0D, 0x0A }));
        Assert.That(step.Expect.ExitCode, Is.EqualTo(-1073741510));
    }

    [Test]
    public void Operation_steps_name_the_command_or_the_shell()
    {
        var steps = Parse("""
              - winrs: { receive: C }
                shell: S
              - winrs: { signal: C, code: terminate }
                shell: S
              - winrs: { disconnect: S }
            """).Steps.Cast<WinRsStep>().ToList();

        Assert.That(steps.Select(s => (s.Operation, s.Command, s.Shell)), Is.EqualTo(new[]
        {
            (WinRsOperation.Receive, (string?)"C", (string?)"S"),
            (WinRsOperation.Signal, "C", "S"),
            (WinRsOperation.Disconnect, null, "S"),
        }));
    }

    [TestCase("  - winrs: x\n    signal: hup\n", "t.yaml:4:13: unknown signal 'hup'")]
    [TestCase("  - winrs: x\n    signalAfter: 3s\n", "'signalAfter:' goes with 'signal:'")]
    [TestCase("  - winrs: x\n    codePage: utf8\n", "codePage 'utf8' is a code page number")]
    [TestCase("  - winrs: x\n    expect: { stdoutBytes: 'zz' }\n", "is not hex bytes")]
    [TestCase("  - winrs: x\n    expect: { exitCode: one }\n", "exitCode 'one' is an integer")]
    [TestCase("  - winrs: { signal: C }\n    shell: S\n", "'signal:' needs 'code:'")]
    [TestCase("  - winrs: { receive: C }\n", "name their shell")]
    [TestCase("  - winrs: x\n    output: []\n", "unknown key 'output'")]
    [TestCase("  - winrs: x\n    name: C\n", "'name:' needs 'shell:'")]
    [TestCase("  - winrs: x\n    shell: S\n    receive: false\n    signal: ctrl_c\n", "not with 'receive: false'")]
    public void Mistakes_name_the_file_line_and_column(string steps, string expected)
    {
        var e = Assert.Throws<ScenarioFormatException>(() => Parse(steps));

        Assert.That(e!.Message, Does.StartWith("t.yaml:"));
        Assert.That(e.Message, Does.Contain(expected));
    }
}
