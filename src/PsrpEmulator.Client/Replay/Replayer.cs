using PsrpEmulator.Client.Transport;

namespace PsrpEmulator.Client.Replay;

/// <summary>One replayed request: what differed from the recorded response, or why it could not be compared.</summary>
/// <param name="Index">The request's position in the recording.</param>
/// <param name="Action">The last segment of its action (Create, Receive...).</param>
/// <param name="Differences">How the response differed (empty: as recorded).</param>
/// <param name="Error">Why no response could be compared (the replay stops there), or null.</param>
public sealed record ReplayedRequest(int Index, string Action, IReadOnlyList<Difference> Differences, string? Error = null);

/// <summary>A recording replayed: each request's outcome, in order, up to the first that could not be compared.</summary>
public sealed record ReplayReport(string Name, int Recorded, IReadOnlyList<ReplayedRequest> Requests)
{
    /// <summary>Every request replayed and every response as recorded.</summary>
    public bool Identical => Requests.Count == Recorded && Requests.All(r => r.Error is null && r.Differences.Count == 0);
}

/// <summary>
/// Replays a recording's requests in order against a server (the emulator, or a Windows machine) and compares each
/// response with the recorded one (<see cref="ResponseComparer"/>). Server-assigned ShellIds and CommandIds are learned
/// from the responses and put into the later requests; everything else is sent as recorded, the client's own ids
/// (a pypsrp ShellId, RunspacePool and pipeline ids, wsmv:SessionId) included, so a Reconnect stays a Reconnect.
/// </summary>
public static class Replayer
{
    /// <summary>Replays <paramref name="recording"/> through <paramref name="transport"/> (its authentication and sealing).</summary>
    /// <param name="compareMessages">Also compare each PSRP message's CLIXML (scrubbed of times, GUIDs, process ids).</param>
    public static Task<ReplayReport> ReplayAsync(RecordedExchange recording, WsManTransport transport, bool compareMessages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        return ReplayAsync(recording, transport.PostEnvelopeAsync, compareMessages, cancellationToken);
    }

    /// <summary>Replays <paramref name="recording"/> through <paramref name="post"/> (an envelope's text in, the HTTP status and response text out).</summary>
    public static async Task<ReplayReport> ReplayAsync(RecordedExchange recording, Func<string, CancellationToken, Task<(int Status, string Envelope)>> post,
        bool compareMessages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(post);
        var ids = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var results = new List<ReplayedRequest>();
        foreach (var message in recording.Messages)
        {
            string action;
            ResponseShape recorded;
            try
            {
                action = message.ActionName;
                recorded = ResponseShape.Parse(message.Response, message.TransportErrorCode ?? 200);
            }
            catch (System.Xml.XmlException e)
            {
                results.Add(new ReplayedRequest(message.Index, "(unreadable)", [], $"the recorded exchange is not XML: {e.Message}"));
                break;
            }

            ResponseShape actual;
            try
            {
                var (status, text) = await post(Substitute(message.Request, ids), cancellationToken).ConfigureAwait(false);
                actual = text.Length == 0 ? new ResponseShape { HttpStatus = status } : ResponseShape.Parse(text, status);
            }
            catch (Exception e) when (e is WsManTransportException or System.Xml.XmlException or HttpRequestException)
            {
                results.Add(new ReplayedRequest(message.Index, action, [], e.Message));
                break;
            }

            Learn(ids, recorded.CreatedShellId, actual.CreatedShellId);
            Learn(ids, recorded.CreatedCommandId, actual.CreatedCommandId);
            results.Add(new ReplayedRequest(message.Index, action, [.. ResponseComparer.Compare(recorded, actual, ids, message, compareMessages)]));
        }

        return new ReplayReport(recording.Name, recording.Messages.Count, results);
    }

    /// <summary>Remembers that the server assigned <paramref name="now"/> where the recording has <paramref name="recorded"/>.</summary>
    public static void Learn(Dictionary<string, string> ids, string? recorded, string? now)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (recorded is { Length: > 0 } && now is { Length: > 0 }) ids[recorded] = now;
    }

    /// <summary>The request with every learned id replaced (any case).</summary>
    public static string Substitute(string request, Dictionary<string, string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        foreach (var (recorded, now) in ids)
        {
            if (!string.Equals(recorded, now, StringComparison.OrdinalIgnoreCase)) request = request.Replace(recorded, now, StringComparison.OrdinalIgnoreCase);
        }

        return request;
    }
}
