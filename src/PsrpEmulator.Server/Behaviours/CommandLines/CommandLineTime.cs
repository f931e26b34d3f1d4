using PsrpEmulator.Protocol.Psrp;
using static PsrpEmulator.Server.Behaviours.CommandLines.ComputerPowerShell;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// The clock's programs: <c>tzutil /g</c> (the time zone's ID, "UTC" as Get-TimeZone says, with no line end, as tzutil
/// writes it), <c>tzutil /s "UTC"</c> (silent, exit code 0: the zone the computers keep) and w32tm's queries of a workgroup computer that has never reached its NTP server (the computers have no
/// Internet: time.windows.com does not resolve): <c>w32tm /query /status</c> (not synchronized, source the Local CMOS
/// Clock), <c>/query /source</c>, and <c>/resync</c> ("no time data was available"). With the Windows Time service
/// stopped (Stop-Service W32Time, net stop) each says the service has not been started (0x80070426).
/// UNVERIFIED: /resync's exit code and which stream w32tm writes its errors to (stdout here). tzutil /s of another zone and /l, w32tm
/// /config, /tz and /stripchart are not emulated.
/// </summary>
internal sealed class ClockCommandScript(BehaviourCatalog catalog, string program, string query) : ICommandLineScript
{
    public string Description => program + " " + query;

    // w32tm's exit code for an HRESULT failure is the HRESULT (0x80070426: ERROR_SERVICE_NOT_ACTIVE).
    private const int ServiceNotActive = unchecked((int)0x80070426);

    public static bool TryParse(BehaviourCatalog catalog, string line, out ClockCommandScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count < 2) return false;
        var words = tokens.Skip(1).Select(t => t.Value.ToLowerInvariant().Replace('-', '/')).ToList();
        string? query = null;
        if (CommandLineText.IsProgram(tokens[0].Value, "tzutil"))
        {
            // tzutil /s of UTC (with or without "_dstoff", which UTC has no daylight time to turn off) keeps the zone the
            // computers have; another zone is not emulated (they keep UTC).
            if (words is ["/g"]) query = "/g";
            else if (words is ["/s", var zone] && zone.Trim('"') is "utc" or "utc_dstoff") query = "/s";
        }
        else if (CommandLineText.IsProgram(tokens[0].Value, "w32tm"))
        {
            query = words switch
            {
                ["/query", "/status"] or ["/query", "/status", "/verbose"] => "/query /status",
                ["/query", "/source"] => "/query /source",
                ["/resync"] or ["/resync", "/force"] or ["/resync", "/nowait"] or ["/resync", "/rediscover"] => "/resync",
                _ => null,
            };
        }

        if (query is null) return false;
        script = new ClockCommandScript(catalog, CommandLineText.IsProgram(tokens[0].Value, "tzutil") ? "tzutil" : "w32tm", query);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        if (program == "tzutil" && query == "/s") return 0;
        if (program == "tzutil")
        {
            await host.WriteTextAsync(WinRsStreams.Stdout, "UTC", cancellationToken).ConfigureAwait(false);
            return 0;
        }

        var services = await ServicesAsync(catalog, host, time, cancellationToken).ConfigureAwait(false);
        var w32time = services.FirstOrDefault(s => Text(s, "Name").Equals("W32Time", StringComparison.OrdinalIgnoreCase));
        var status = w32time is null ? null : host.ServiceStates?.Status("W32Time") ?? Text(w32time, "Status");
        if (!"Running".Equals(status, StringComparison.OrdinalIgnoreCase))
        {
            var prefix = query == "/resync" ? "Sending resync command to local computer\r\n" : string.Empty;
            await host.WriteTextAsync(WinRsStreams.Stdout, prefix + "The following error occurred: The service has not been started. (0x80070426)\r\n", cancellationToken).ConfigureAwait(false);
            return ServiceNotActive;
        }

        switch (query)
        {
            case "/query /source":
                await host.WriteTextAsync(WinRsStreams.Stdout, "Local CMOS Clock\r\n", cancellationToken).ConfigureAwait(false);
                return 0;
            case "/query /status":
                await host.WriteTextAsync(WinRsStreams.Stdout,
                    "Leap Indicator: 3(not synchronized)\r\nStratum: 0 (unspecified)\r\nPrecision: -23 (119.209ns per tick)\r\n" +
                    "Root Delay: 0.0000000s\r\nRoot Dispersion: 0.0000000s\r\nReferenceId: 0x00000000 (unspecified)\r\n" +
                    "Last Successful Sync Time: unspecified\r\nSource: Local CMOS Clock\r\nPoll Interval: 10 (1024s)\r\n\r\n", cancellationToken).ConfigureAwait(false);
                return 0;
            default:
                await host.WriteTextAsync(WinRsStreams.Stdout,
                    "Sending resync command to local computer\r\nThe computer did not resync because no time data was available.\r\n", cancellationToken).ConfigureAwait(false);
                return 1;
        }
    }
}
