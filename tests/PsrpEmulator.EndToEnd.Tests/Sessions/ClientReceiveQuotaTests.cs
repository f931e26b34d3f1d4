using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Remoting;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.EndToEnd.Tests.Sessions;

/// <summary>
/// PSSessionOption.MaximumReceivedObjectSize (PowerShell's default 200 MB) and MaximumReceivedDataSizePerCommand
/// (unlimited by default) on the client: past either the command fails with JobFailure and PowerShell's text; the
/// session goes on.
/// </summary>
public class ClientReceiveQuotaTests : SessionTestBase
{
    private static readonly string Big = new('x', 100_000);

    protected override string? ScenarioYaml => $$"""
        behaviours:
          - match: Get-Big
            steps:
              - output: "{{Big}}"
          - regex: 'Get-Many (?<n>\d+)'
            steps:
              - loop: { from: 1, to: "{n}", steps: [ { output: "item {_} of many small outputs" } ] }
        """;

    [Test]
    public async Task An_object_past_MaximumReceivedObjectSize_fails_the_command_with_PowerShells_text_and_its_size()
    {
        var client = NewClient();
        var session = await NewSessionAsync(client, option: Option with { MaximumReceivedObjectSize = 64 * 1024 });

        var results = await AdvanceAsync(client.InvokeAsync(session, "Get-Big"));

        var error = results.Error.Single();
        Assert.That((error.FullyQualifiedErrorId, error.Category), Is.EqualTo(("JobFailure", ErrorCategory.OperationStopped)));
        Assert.That(error.Message, Does.Match(
            @"^The current deserialized object size of the data received from the remote server exceeded the allowed maximum object size\. " +
            @"The current deserialized object size is (\d+)\. The allowed maximum object size is 65536\.$"));
        var size = long.Parse(System.Text.RegularExpressions.Regex.Match(error.Message, @"size is (\d+)\.").Groups[1].Value);
        Assert.That(size, Is.GreaterThan(65536).And.LessThan(65536 + 64 * 1024), "the object's fragments so far, headers counted");
        Assert.That(results.OutputText, Is.Empty);
        Assert.That((await AdvanceAsync(client.InvokeAsync(session, "Get-Many 2"))).OutputText, Has.Length.EqualTo(2), "the session goes on");
    }

    [Test]
    public async Task By_default_the_limits_are_PowerShells_200_MB_per_object_and_none_per_command()
    {
        var client = NewClient();
        var session = await NewSessionAsync(client, option: PSSessionOption.Default with { OperationTimeout = Option.OperationTimeout });
        Assert.That((session.Pool!.Options.MaximumReceivedObjectSize, session.Pool.Options.MaximumReceivedDataSizePerCommand), Is.EqualTo(((int?)(200 << 20), (int?)null)));

        var results = await AdvanceAsync(client.InvokeAsync(session, "Get-Big"));

        Assert.That(results.Error, Is.Empty);
        Assert.That(results.OutputText, Is.EqualTo(new[] { Big }));
    }

    [Test]
    public async Task A_MaximumReceivedObjectSize_of_0_lets_no_object_through_and_is_no_crash()
    {
        var client = NewClient();

        // Even the pool's first messages are too large: the session cannot open.
        var e = await Assert.ThrowsAsync<PSRemotingException>(() => AdvanceAsync(NewSessionAsync(client, option: Option with { MaximumReceivedObjectSize = 0 })));

        Assert.That((e!.FullyQualifiedErrorId, e.Category), Is.EqualTo(("PSSessionOpenFailed", ErrorCategory.OpenError)));
        Assert.That(e.Message, Does.EndWith("The allowed maximum object size is 0."));
    }

    [Test]
    public async Task Output_past_MaximumReceivedDataSizePerCommand_fails_the_command_after_the_output_before_it()
    {
        var client = NewClient();
        var session = await NewSessionAsync(client, option: Option with { MaximumReceivedDataSizePerCommand = 100_000 });

        var results = await AdvanceAsync(client.InvokeAsync(session, "Get-Many 3000"));

        var error = results.Error.Single();
        Assert.That((error.FullyQualifiedErrorId, error.Message), Is.EqualTo(("JobFailure",
            "The total data received from the remote server exceeded the allowed maximum. The allowed maximum is 100000.")));
        Assert.That(results.OutputText, Has.Length.GreaterThan(0).And.Length.LessThan(3000), "what came before the response that passed it");
        Assert.That(results.OutputText[0], Is.EqualTo("item 1 of many small outputs"));
        Assert.That((await AdvanceAsync(client.InvokeAsync(session, "Get-Many 2"))).OutputText, Has.Length.EqualTo(2), "counted per command");
    }
}
