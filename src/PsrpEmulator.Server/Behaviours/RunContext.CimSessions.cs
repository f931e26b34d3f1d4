using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// New-CimSession, Get-CimSession and Remove-CimSession of this computer (its names <c>.</c>, <c>localhost</c> and its
/// own; another computer is a scenario error, as Get-CimInstance -ComputerName), as CimCmdlets keep them per runspace
/// (CimSessionState): Ids from 1, never reused; Name CimSession&lt;Id&gt; unless given; the wrapper's notes Id, Name,
/// InstanceId, ComputerName and Protocol (WSMAN; DCOM for a session without -ComputerName, to localhost, UNVERIFIED).
/// Get-CimInstance -CimSession reads through them as through -ComputerName. A session asked for by a value none has
/// is "Could not find CimSession with the given Name = x" (ObjectNotFound; its FullyQualifiedErrorId UNVERIFIED).
/// </summary>
internal sealed partial class RunContext
{
    private static readonly HashSet<string> CimSessionCommandNames = new(StringComparer.Ordinal) { "New-CimSession", "Get-CimSession", "Remove-CimSession" };

    private const string CimSessionTypeName = "Microsoft.Management.Infrastructure.CimSession";

    private async ValueTask RunCimSessionCommandAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var runspace = scope.Variables.Runspace;
        switch (command)
        {
            case "New-CimSession":
            {
                RefuseNotEmulated(command, arguments, "CertificateThumbprint", "SessionOption");
                var name = arguments["Name"] is { } nameWord ? PipelineVariables.Display(await ArgumentAsync(nameWord, to, blockNesting)) : null;
                var computers = arguments["ComputerName"] is { } computerWord
                    ? [.. ScriptExpressions.Enumerate(await ArgumentAsync(computerWord, to, blockNesting)).Select(PipelineVariables.Display)]
                    : new List<string>();
                foreach (var (computer, protocol) in computers.Count == 0 ? [("localhost", "DCOM")] : computers.Select(c => (c, "WSMAN")))
                {
                    // Another computer: the session's test connection is WinRM's client error (RunContext.CimConnections),
                    // and no session; -SkipTestConnection makes the session without asking, its first use gets the error.
                    // One it would reach (-Credential to a computer in TrustedHosts that lets WinRM in) is not emulated.
                    if (!ReachesThisComputer(computer))
                    {
                        var error = CimConnectionError(command, computer, target: null, credential: arguments.Has("Credential"));
                        if (error is null)
                        {
                            throw new ScriptExpressionException(ScriptedError.ScenarioFault(
                                $"New-CimSession -ComputerName {computer} -Credential would connect to that computer's WinRM: not emulated, give the command a rule (match: its whole text)"));
                        }

                        if (!arguments.Has("SkipTestConnection"))
                        {
                            await WriteErrorAsync(error, output);
                            continue;
                        }
                    }

                    var id = runspace.NextCimSessionId++;
                    var session = new PsObject([CimSessionTypeName, "System.Object"]) { ToStringValue = $"CimSession: {computer}" }
                        .With("Id", PsPrimitive.UInt32(id))
                        .With("Name", name ?? $"CimSession{id}")
                        .With("InstanceId", PsPrimitive.Guid(Guid.NewGuid()))
                        .With("ComputerName", computer)
                        .With("Protocol", protocol);
                    runspace.CimSessions.Add(session);
                    await output.WriteAsync(new PipelineOutput(session), cancellationToken);
                }

                return;
            }

            case "Get-CimSession":
                foreach (var session in await ChosenCimSessionsAsync(command, arguments, to, output, blockNesting)) await output.WriteAsync(new PipelineOutput(session), cancellationToken);
                return;

            case "Remove-CimSession":
                foreach (var session in await ChosenCimSessionsAsync(command, arguments, to, output, blockNesting))
                {
                    runspace.CimSessions.RemoveAll(s => ReferenceEquals(s, session) || SameCimSession(s, session));
                }

                return;
        }
    }

    // The sessions a -Id, -Name, -ComputerName, -InstanceId or -CimSession chooses (all without one); a value none has
    // is CimCmdlets' "Could not find CimSession" error, the others still chosen.
    private async ValueTask<List<PsObject>> ChosenCimSessionsAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var all = scope.Variables.Runspace.CimSessions;
        foreach (var (parameter, property) in new[] { ("Id", "Id"), ("Name", "Name"), ("ComputerName", "ComputerName"), ("InstanceId", "InstanceId"), ("CimSession", "InstanceId") })
        {
            if (arguments[parameter] is not { } word) continue;
            var chosen = new List<PsObject>();
            foreach (var wanted in ScriptExpressions.Enumerate(await ArgumentAsync(word, to, blockNesting)))
            {
                var text = parameter == "CimSession" ? wanted is PsObject given && given["InstanceId"] is { } instanceId ? PipelineVariables.Display(instanceId) : PipelineVariables.Display(wanted) : PipelineVariables.Display(wanted);
                var found = all.Where(s => s[property] is { } value && (parameter is "Name" or "ComputerName"
                    ? ScriptExpressions.Like(PipelineVariables.Display(value), text)
                    : PipelineVariables.Display(value).Equals(text, StringComparison.OrdinalIgnoreCase))).ToList();
                if (found.Count == 0)
                {
                    await WriteErrorAsync(new ScriptedError($"Could not find CimSession with the given {property} = {text}", $"Microsoft.Management.Infrastructure.CimException,Microsoft.Management.Infrastructure.CimCmdlets.{command.Replace("-", string.Empty, StringComparison.Ordinal)}Command",
                        ErrorCategory.ObjectNotFound, "Microsoft.Management.Infrastructure.CimException") { Activity = command }, output);
                }

                chosen.AddRange(found.Where(f => !chosen.Contains(f)));
            }

            return chosen;
        }

        return [.. all];
    }

    private static bool SameCimSession(PsObject a, PsObject b) =>
        a["InstanceId"] is { } x && b["InstanceId"] is { } y && PipelineVariables.Display(x) == PipelineVariables.Display(y);

    /// <summary>
    /// A CDXML cmdlet's -CimSession (Get-ScheduledTask -CimSession $s): the command once per session, without it, its
    /// objects carrying the session's computer as PSComputerName and PSShowComputerName, as CimCmdlets mark a
    /// non-default session's results. False when the command has no -CimSession. A session of another computer (none
    /// New-CimSession makes here) is a scenario error.
    /// </summary>
    private async ValueTask<bool> ForEachCimSessionAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting,
        Func<StageArguments, IPipelineHost, ValueTask> run)
    {
        if (await CimSessionComputersAsync(arguments, to, blockNesting) is not { Count: > 0 } computers) return false;
        if (computers.FirstOrDefault(c => !ReachesThisComputer(c)) is { } other)
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} -CimSession of another computer ({other}) is not emulated: give the command a rule (match: its whole text)"));
        }

        var rest = arguments.Without("CimSession");
        foreach (var computer in computers)
        {
            await run(rest, new EmittingHost(output, value => output.WriteAsync(new PipelineOutput(OfCimSession(value, computer)), cancellationToken)));
        }

        return true;
    }

    /// <summary>The computers a CIM cmdlet's -CimSession or -ComputerName names (<see cref="CimSessionComputersAsync"/>); null for neither.</summary>
    private async ValueTask<List<string>?> CimComputersAsync(StageArguments arguments, IPipelineHost? to, int blockNesting) =>
        await CimSessionComputersAsync(arguments, to, blockNesting) ?? (arguments["ComputerName"] is { } computerWord
            ? [.. ScriptExpressions.Enumerate(await ArgumentAsync(computerWord, to, blockNesting)).Select(PipelineVariables.Display).Where(c => c.Length > 0)]
            : null);

    /// <summary>The computer names of Get-CimInstance's -CimSession: each session's (the runspace's session of its InstanceId).</summary>
    private async ValueTask<List<string>?> CimSessionComputersAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        if (arguments["CimSession"] is not { } word) return null;
        var computers = new List<string>();
        foreach (var value in ScriptExpressions.Enumerate(await ArgumentAsync(word, to, blockNesting)))
        {
            var session = value as PsObject;
            var known = session is null ? null : scope.Variables.Runspace.CimSessions.FirstOrDefault(s => SameCimSession(s, session));
            computers.Add(PipelineVariables.Display((known ?? session)?["ComputerName"] ?? PsPrimitive.String(PipelineVariables.Display(value))));
        }

        return computers;
    }
}
