using System.Diagnostics;
using System.Text.RegularExpressions;

namespace PsrpEmulator.Scenarios.Tests;

/// <summary>`psrp-emulator invoke` is the remote command's host: its prompts asked on the console, answered from stdin.</summary>
public sealed class CliInvokeHostTests
{
    private static string Cli() => CliOptionErrorTests.Cli();

    [Test]
    [CancelAfter(120_000)]
    public async Task Invoke_asks_the_command_s_prompts_on_the_console_and_answers_them_from_stdin(CancellationToken cancellationToken)
    {
        var (stdout, stderr, exitCode) = await InvokeAsync(
            ["--command", "$n = Read-Host 'Name'; \"Hello $n\"; function f { [CmdletBinding(SupportsShouldProcess)] param() if ($PSCmdlet.ShouldProcess('db')) { 'done' } else { 'skipped' } }; f -Confirm; f -WhatIf; [pscustomobject]@{ Name = $n; Size = 3; Tags = [string[]]('a', 'b') }; [ordered]@{ Name = 'x'; Versions = 1..5; Three = 1..3 }"],
            "Ada\nmaybe\nn\n", cancellationToken);

        Assert.That(stdout, Is.EqualTo(
            "Name: Hello Ada\n" +
            "Confirm\nAre you sure you want to perform this action?\nPerforming the operation \"f\" on target \"db\".\n" +
            "[Y] Yes  [A] Yes to All  [N] No  [L] No to All  [?] Help (default is \"Y\"): " +
            "[Y] Yes  [A] Yes to All  [N] No  [L] No to All  [?] Help (default is \"Y\"): skipped\n" +
            "What if: Performing the operation \"f\" on target \"db\".\nskipped\n" +
            "@{Name=Ada; Size=3; Tags=System.String[]}\n" +
            "Name                           Value\n----                           -----\n" +
            "Name                           x\nVersions                       {1, 2, 3, 4...}\nThree                          {1, 2, 3}\n"), stderr);
        Assert.That(exitCode, Is.Zero);
    }

    /// <summary>
    /// --format pipes the script to Out-String -Stream in the same pipeline: objects print as the console's table,
    /// while the script's errors stay error records (stderr, exit code 1), not formatted text.
    /// </summary>
    [Test]
    [CancelAfter(120_000)]
    public async Task Invoke_with_format_prints_the_server_s_formatted_table_and_keeps_errors_apart(CancellationToken cancellationToken)
    {
        const string Script = "[pscustomobject]@{ Name = 'a'; Size = 1 }, [pscustomobject]@{ Name = 'bb'; Size = 22 }; Get-Item C:\\nope";

        var (formatted, errors, exitCode) = await InvokeAsync(["--format", "--command", Script], string.Empty, cancellationToken);
        var (plain, _, _) = await InvokeAsync(["--command", Script], string.Empty, cancellationToken);

        Assert.That(formatted, Is.EqualTo("\nName Size\n---- ----\na       1\nbb     22\n\n\n"), errors);
        Assert.That(plain, Is.EqualTo("@{Name=a; Size=1}\n@{Name=bb; Size=22}\n"));
        Assert.That(errors, Does.StartWith("Cannot find path 'C:\\nope' because it does not exist."));
        Assert.That(exitCode, Is.EqualTo(1));
    }

    /// <summary>A script the parser refuses fails as a whole: its reason printed as a console prints an error record, with its category and id.</summary>
    [Test]
    [CancelAfter(120_000)]
    public async Task Invoke_prints_a_failed_script_s_reason_with_its_category_and_id(CancellationToken cancellationToken)
    {
        var (stdout, stderr, exitCode) = await InvokeAsync(["--command", "'never'; 1 +"], string.Empty, cancellationToken);

        Assert.That(stdout, Is.Empty);
        Assert.That(stderr, Is.EqualTo(
            "At line:1 char:13\n+ 'never'; 1 +\n+             ~\nYou must provide a value expression following the '+' operator.\n" +
            "    + CategoryInfo          : ParserError\n    + FullyQualifiedErrorId : ExpectedValueExpression\n"));
        Assert.That(exitCode, Is.EqualTo(1));
    }

    // Runs `invoke` with these arguments against an emulator of its own (the default scenario) and this stdin.
    private static async Task<(string Stdout, string Stderr, int ExitCode)> InvokeAsync(string[] arguments, string stdin, CancellationToken cancellationToken)
    {
        var serve = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Cli(), "serve", "--urls", "http://127.0.0.1:0" }) serve.ArgumentList.Add(argument);
        using var server = Process.Start(serve)!;
        try
        {
            string? listening;
            do
            {
                listening = await server.StandardOutput.ReadLineAsync(cancellationToken);
            }
            while (listening is not null && !listening.StartsWith("psrp-emulator listening on ", StringComparison.Ordinal));

            var uri = Regex.Match(listening ?? string.Empty, @"http://\S+").Value;
            Assert.That(uri, Is.Not.Empty, "the emulator did not say where it listens");

            var invoke = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { Cli(), "invoke", "--uri", uri }.Concat(arguments)) invoke.ArgumentList.Add(argument);

            using var client = Process.Start(invoke)!;
            await client.StandardInput.WriteAsync(stdin);
            client.StandardInput.Close();
            var stdout = client.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = client.StandardError.ReadToEndAsync(cancellationToken);
            await client.WaitForExitAsync(cancellationToken);
            return ((await stdout).ReplaceLineEndings("\n"), (await stderr).ReplaceLineEndings("\n"), client.ExitCode);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
        }
    }
}
