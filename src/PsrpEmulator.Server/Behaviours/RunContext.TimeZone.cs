using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Set-TimeZone as 5.1's SetTimeZoneCommand resolves its zone: <c>-Id</c> is a system time zone's ID (case ignored;
/// another is .NET's TimeZoneNotFoundException), <c>-Name</c> (position 0) a standard or daylight name
/// (TimeZoneNameNotFound otherwise: <c>Set-TimeZone UTC</c> fails, UTC's name being "Coordinated Universal Time"), then
/// ShouldProcess on "Local System" and with -PassThru the zone. The emulated computers keep UTC (every local time they
/// give is UTC), so setting UTC succeeds and changes nothing; another zone Windows knows is a scenario error, not a
/// silently wrong clock. A name with wildcards and -InputObject are scenario errors too.
/// </summary>
internal sealed partial class RunContext
{
    private const string UtcZoneId = "UTC";
    private const string UtcZoneName = "Coordinated Universal Time";

    private async ValueTask SetTimeZoneAsync(StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string Command = "Set-TimeZone";
        async Task<string?> Text(string name) => arguments[name] is { } word && await ArgumentAsync(word, to, blockNesting) is { } value and not PsNil ? PipelineVariables.Display(value) : null;
        var id = await Text("Id");
        var name = await Text("Name");
        if (arguments["InputObject"] is not null) throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{Command} -InputObject is not emulated: give -Id"));
        if (id is null && name is null)
        {
            throw new StatementTerminatedException(ParameterError(Command, "Cannot process command because of one or more missing mandatory parameters: Name.", "MissingMandatoryParameter"));
        }

        ScriptedError NotFound(string message, string target) =>
            new(message, $"TimeZoneNotFound,{CmdletClass(Command)}", ErrorCategory.InvalidArgument, "System.TimeZoneNotFoundException", target) { Activity = Command };
        if (id is not null)
        {
            if (!id.Equals(UtcZoneId, StringComparison.OrdinalIgnoreCase))
            {
                if (!IsWindowsTimeZoneId(id)) throw new StatementTerminatedException(NotFound($"The time zone ID '{id}' was not found on the local computer.", "Id"));
                throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{Command} -Id '{id}' is not emulated: the emulated computers keep UTC (set -Id UTC)"));
            }
        }
        else if (name!.IndexOfAny(['*', '?', '[']) >= 0)
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{Command} -Name with wildcards ('{name}') is not emulated: give the zone's standard name or -Id"));
        }
        else if (!name.Equals(UtcZoneName, StringComparison.OrdinalIgnoreCase))
        {
            // Most Windows zones' standard name is their ID ("Pacific Standard Time"); a name that is none is not found.
            if (!(IsWindowsTimeZoneId(name) && name.EndsWith("Standard Time", StringComparison.OrdinalIgnoreCase))) throw new StatementTerminatedException(NotFound($"The time zone name '{name}' was not found on the local computer.", "Name"));
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{Command} -Name '{name}' is not emulated: the emulated computers keep UTC (set -Id UTC)"));
        }

        // Under -WhatIf -PassThru still writes the zone it would have set: UTC either way.
        await WhatIfAsync(arguments, Command, "Local System");
        if (arguments.Has("PassThru")) await output.WriteAsync(new PipelineOutput(ScriptExpressions.UtcTimeZoneInfo()), cancellationToken);
    }

    /// <summary>Whether Windows has a time zone of this ID (the registry's Time Zones keys; case ignored, as the registry does).</summary>
    internal static bool IsWindowsTimeZoneId(string id) => WindowsTimeZoneIds.Contains(id);

    // The zones of Windows Server 2019 as updated (the registry's Time Zones keys); the process runs with invariant
    // globalization, so .NET's own Windows-ID table is not there to ask.
    private static readonly HashSet<string> WindowsTimeZoneIds = new(StringComparer.OrdinalIgnoreCase)
    {
        "Dateline Standard Time", "UTC-11", "Aleutian Standard Time", "Hawaiian Standard Time",
        "Marquesas Standard Time", "Alaskan Standard Time", "UTC-09", "Pacific Standard Time (Mexico)", "UTC-08",
        "Pacific Standard Time", "US Mountain Standard Time", "Mountain Standard Time (Mexico)",
        "Mountain Standard Time", "Yukon Standard Time", "Central America Standard Time", "Central Standard Time",
        "Easter Island Standard Time", "Central Standard Time (Mexico)", "Canada Central Standard Time",
        "SA Pacific Standard Time", "Eastern Standard Time (Mexico)", "Eastern Standard Time", "Haiti Standard Time",
        "Cuba Standard Time", "US Eastern Standard Time", "Turks And Caicos Standard Time", "Paraguay Standard Time",
        "Atlantic Standard Time", "Venezuela Standard Time", "Central Brazilian Standard Time",
        "SA Western Standard Time", "Pacific SA Standard Time", "Newfoundland Standard Time",
        "Tocantins Standard Time", "E. South America Standard Time", "SA Eastern Standard Time",
        "Argentina Standard Time", "Greenland Standard Time", "Montevideo Standard Time", "Magallanes Standard Time",
        "Saint Pierre Standard Time", "Bahia Standard Time", "UTC-02", "Mid-Atlantic Standard Time",
        "Azores Standard Time", "Cape Verde Standard Time", "UTC", "GMT Standard Time", "Greenwich Standard Time",
        "Sao Tome Standard Time", "Morocco Standard Time", "W. Europe Standard Time", "Central Europe Standard Time",
        "Romance Standard Time", "Central European Standard Time", "W. Central Africa Standard Time",
        "Jordan Standard Time", "GTB Standard Time", "Middle East Standard Time", "Egypt Standard Time",
        "E. Europe Standard Time", "Syria Standard Time", "West Bank Standard Time", "South Africa Standard Time",
        "FLE Standard Time", "Israel Standard Time", "South Sudan Standard Time", "Kaliningrad Standard Time",
        "Sudan Standard Time", "Libya Standard Time", "Namibia Standard Time", "Arabic Standard Time",
        "Turkey Standard Time", "Arab Standard Time", "Belarus Standard Time", "Russian Standard Time",
        "E. Africa Standard Time", "Volgograd Standard Time", "Iran Standard Time", "Arabian Standard Time",
        "Astrakhan Standard Time", "Azerbaijan Standard Time", "Russia Time Zone 3", "Mauritius Standard Time",
        "Saratov Standard Time", "Georgian Standard Time", "Caucasus Standard Time", "Afghanistan Standard Time",
        "West Asia Standard Time", "Ekaterinburg Standard Time", "Pakistan Standard Time", "Qyzylorda Standard Time",
        "India Standard Time", "Sri Lanka Standard Time", "Nepal Standard Time", "Central Asia Standard Time",
        "Bangladesh Standard Time", "Omsk Standard Time", "Myanmar Standard Time", "SE Asia Standard Time",
        "Altai Standard Time", "W. Mongolia Standard Time", "North Asia Standard Time",
        "N. Central Asia Standard Time", "Tomsk Standard Time", "China Standard Time",
        "North Asia East Standard Time", "Singapore Standard Time", "W. Australia Standard Time",
        "Taipei Standard Time", "Ulaanbaatar Standard Time", "Aus Central W. Standard Time",
        "Transbaikal Standard Time", "Tokyo Standard Time", "North Korea Standard Time", "Korea Standard Time",
        "Yakutsk Standard Time", "Cen. Australia Standard Time", "AUS Central Standard Time",
        "E. Australia Standard Time", "AUS Eastern Standard Time", "West Pacific Standard Time",
        "Tasmania Standard Time", "Vladivostok Standard Time", "Lord Howe Standard Time",
        "Bougainville Standard Time", "Russia Time Zone 10", "Magadan Standard Time", "Norfolk Standard Time",
        "Sakhalin Standard Time", "Central Pacific Standard Time", "Russia Time Zone 11",
        "New Zealand Standard Time", "UTC+12", "Fiji Standard Time", "Kamchatka Standard Time",
        "Chatham Islands Standard Time", "UTC+13", "Tonga Standard Time", "Samoa Standard Time",
        "Line Islands Standard Time",
    };
}
