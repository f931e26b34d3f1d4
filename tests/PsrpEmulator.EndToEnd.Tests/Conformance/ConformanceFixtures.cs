using PsrpEmulator.Client.Replay;
using PsrpEmulator.Server.Hosting;

namespace PsrpEmulator.EndToEnd.Tests.Conformance;

/// <summary>How the emulator is set up to replay one recorded fixture, and what is known to differ.</summary>
/// <param name="Name">The fixture's file name without <c>.yml</c>.</param>
/// <param name="Variant">Tells apart two setups replaying the same fixture (test names).</param>
/// <param name="Scenario">Behaviours producing the recorded outputs for the fixture's command texts (null: the defaults do).</param>
/// <param name="Configure">Options the recorded server had (protocol version, envelope size, endpoints).</param>
/// <param name="KnownIssue">When set, the response comparison is ignored with this reason: an emulator bug or limitation to fix.</param>
/// <param name="KnownValueIssue">The same for the comparison of element texts (fault messages, shell fields).</param>
/// <param name="KnownRequestIssues">
/// Emulator bugs that show at single requests: their differences are reported, not failed, so the rest of the
/// fixture stays checked (CONFORMANCE_RUN_KNOWN_ISSUES=1 fails them too).
/// </param>
/// <param name="AdvanceBefore">
/// Virtual time that passes before request #N (key), as the recording's timing says (idle timeouts, ShellInactivity);
/// the clock moves in 1 s steps so the emulator's heartbeat sees every second.
/// </param>
/// <param name="Folder">
/// Where the fixture is, relative to a folder above the test binaries: pypsrp's recordings from Windows (outside the
/// repository) or this repository's recordings of third-party clients against the emulator.
/// </param>
public sealed record ConformanceFixture(string Name, string? Variant = null, string? Scenario = null, Action<EmulatorOptions>? Configure = null, string? KnownIssue = null,
    string? KnownValueIssue = null, IReadOnlyList<KnownRequestIssue>? KnownRequestIssues = null, IReadOnlyDictionary<int, TimeSpan>? AdvanceBefore = null,
    string Folder = FixtureFolders.RealTraffic)
{
    /// <summary>True for a recording against the emulator (a regression check of a client's dialect), false for one from Windows.</summary>
    public bool RecordedFromEmulator => Folder == FixtureFolders.ThirdParty;

    public override string ToString() => Variant is null ? Name : $"{Name} ({Variant})";
}

/// <summary>An emulator bug or limitation seen at one request of a fixture.</summary>
/// <param name="Request">The request index.</param>
/// <param name="Issue">What differs: recorded vs emulator, and why it matters.</param>
/// <param name="Values">True when it concerns element texts (the value comparison), false for the responses' shape.</param>
public sealed record KnownRequestIssue(int Request, string Issue, bool Values = false);

/// <summary>A difference between the recorded and the emulator's response that is accepted, with the reason.</summary>
/// <param name="Fixture">The fixture it applies to, or null for all.</param>
/// <param name="Request">The request index it applies to, or null for all.</param>
/// <param name="Kind">The <see cref="Difference.Kind"/>.</param>
/// <param name="Subject">The <see cref="Difference.Subject"/> (an element path for element differences).</param>
public sealed record ToleratedDifference(string? Fixture, int? Request, string Kind, string Subject, string Reason)
{
    public bool Covers(string fixture, int request, Difference difference) =>
        (Fixture is null || Fixture == fixture) && (Request is null || Request == request) &&
        Kind == difference.Kind && Subject == difference.Subject;
}

/// <summary>The replayed fixtures: behaviours, options, known issues; and the tolerated differences.</summary>
public static class ConformanceFixtures
{
    /// <summary>Windows PowerShell 5.1 reports module analysis on the first command of a new runspace.</summary>
    private const string PreparingModules = """
              - progress: { activity: "Preparing modules for first use.", status: " ", completed: true }
        """;

    public static IReadOnlyList<ConformanceFixture> All { get; } =
    [
        new("test_psrp_open_runspace"),

        // `1+1` is answered by the default scenario's integer addition (<I32>2</I32>).
        new("test_psrp_multiple_invocations"),

        new("test_psrp_stream_output_invocation", Scenario: $$"""
            behaviours:
              - name: one record of every stream
                regex: |-
                  (?s)\$DebugPreference\s*=\s*'Continue'.*Write-Information 'information stream'
                steps:
            {{PreparingModules}}
                  - debug: debug stream
                  - verbose: verbose stream
                  - error: error stream
                  - output: output stream
                  - warning: warning stream
                  - information: information stream
            """),

        // pypsrp sends `Start-Sleep -Seconds 10; echo hi` as statements (a command with a parameter, then a script);
        // the emulator matches them joined with "; ". OperationTimeout is PT5S and Windows answered two Receives
        // with TimedOut: 12 s keeps the output clear of the 10 s and 15 s timeout boundaries.
        new("test_psrp_long_running_cmdlet", Scenario: """
            behaviours:
              - name: Start-Sleep -Seconds 10; echo hi
                regex: 'Start-Sleep -Seconds \d+; echo hi'
                steps:
                  - sleep: 12
                  - output: hi
            """),

        new("test_psrp_error_failed", Scenario: $$"""
            behaviours:
              - name: ErrorActionPreference Stop then Write-Error
                match: "$ErrorActionPreference = 'Stop'; Write-Output before; Write-Error error; Write-Output after"
                steps:
            {{PreparingModules}}
                  - output: before
                  - state: Failed
                    reason:
                      message: error
                      fqid: Microsoft.PowerShell.Commands.WriteErrorException
                      category: NotSpecified
                      exception: Microsoft.PowerShell.Commands.WriteErrorException
            """),

        // A Receive for a CommandId that was never created: no behaviour involved.
        new("test_psrp_receive_failure"),

        // Recorded from PowerShell 2.0 (protocol 2.1): no module-analysis progress record.
        new("test_psrp_run_protocol_version_2.1", Scenario: BeginProcessEnd(preparingModules: false), Configure: o => o.ProtocolVersion = "2.1"),

        new("test_psrp_run_protocol_version_2.3", Scenario: BeginProcessEnd(preparingModules: true)),

        new("test_psrp_with_input", Scenario: $$"""
            behaviours:
              - name: begin/process/end echoing $input
                regex: |-
                  (?s)begin\s*\{.*Write-Debug "Start Block"\s*\}\s*process\s*\{\s*\$input\s*\}\s*end\s*\{\s*Write-Debug "End Block"\s*\}
                steps:
            {{PreparingModules}}
                  - debug: Start Block
                  - input: echo
                  - debug: End Block
            """),

        // The recorded server's MaxEnvelopeSizekb was 32 (its config Get says so) and pypsrp used 32768.
        new("test_psrp_small_msg_size", Scenario: """
            behaviours:
              - name: a 30000-character variable written in two halves after the input
                regex: |-
                  (?s)begin\s*\{\s*\$big_var\s*=\s*'(?<head>a{20000})(?<tail>a{10000})'.*
                steps:
                  - input: echo
                  - output: "{head}"
                  - output: "{tail}"
            """, Configure: o => o.MaxEnvelopeSizeKb = 32),

        new("test_wsman_update_envelope_size_500"),

        // Pool-level GET_AVAILABLE_RUNSPACES / SET_MAX_RUNSPACES / SET_MIN_RUNSPACES: no behaviour involved.
        new("test_psrp_set_runspaces"),

        // JEA: Set-Item is not visible in the restricted runspace, so the second pipeline fails.
        new("test_psrp_with_jea_configuration", Scenario: """
            behaviours:
              - name: Get-Item -Path WSMan:\localhost\Service\AllowUnencrypted
                match: Get-Item -Path WSMan:\localhost\Service\AllowUnencrypted
                steps:
                  - output: { $type: [Microsoft.WSMan.Management.WSManConfigLeafElement, Microsoft.WSMan.Management.WSManConfigElement, System.Object],
                              Name: AllowUnencrypted, Value: "true", Type: System.String }
              - name: Set-Item is not allowed by the role
                regex: 'Get-Item -Path C:\\Windows; Set-Item .*'
                steps:
                  - error: { message: "The term 'Set-Item' is not recognized as the name of a cmdlet, function, script file, or operable program.", fqid: CommandNotFoundException, category: ObjectNotFound, exception: System.Management.Automation.CommandNotFoundException, target: Set-Item }
                  - state: Failed
                    reason: { message: "The term 'Set-Item' is not recognized as the name of a cmdlet, function, script file, or operable program.", fqid: CommandNotFoundException, category: ObjectNotFound, exception: System.Management.Automation.CommandNotFoundException }
            """,
            // The JEA endpoint's module loading delayed APPLICATION_PRIVATE_DATA to a second Receive.
            Configure: o =>
            {
                o.Configurations = ["Microsoft.PowerShell", "JEARole"];
                o.SeparateApplicationPrivateData = true;
            }),

        // Disconnected sessions. The requests keep their recorded wsmv:SessionId: disconnect_runspaces switches
        // clients before the Enumerate (#11), disconnected_commands uses one SessionId throughout.
        // The first pool's open was answered in three Receives, the second's in two, within one recording: Windows'
        // timing, not a rule. The emulator answers as the second (and test_psrp_open_runspace) did.
        new("test_psrp_disconnect_runspaces", KnownRequestIssues:
        [
            new(1, OpenSplitIssue),
            new(2, OpenSplitIssue),
            new(3, OpenSplitIssue + "; the emulator has nothing left for this Receive and answers w:TimedOut after the 20 s OperationTimeout"),
        ]),

        // Windows paused each disconnected pipeline (BufferMode Block) at its first output after the progress record:
        // the progress is object 4 (sent before the Connect), 'a' object 8, after the Connect's 5 and 6 and
        // APPLICATION_PRIVATE_DATA's 7. So module loading held 'a' back until after the Disconnect (the behaviour
        // waits 1 s there), 'a' waited for the Connect, and the 5 s sleep ran after it: #21 carries the progress
        // record and 'a', #22 'b', the final state and CommandState Done. The emulator pauses the same way
        // (BlockWhileDisconnected PauseAtNextOutput), whatever the buffer's capacity.
        // The recording's new client came a while after the Disconnects: 2 s pass before the first Connect (#13).
        new("test_psrp_disconnected_commands", Scenario: ASleepB, AdvanceBefore: new Dictionary<int, TimeSpan> { [13] = TimeSpan.FromSeconds(2) }),
        new("test_psrp_disconnected_commands", Variant: "output buffer of one object", Scenario: ASleepB, Configure: o => o.OutputBufferCapacity = 1,
            AdvanceBefore: new Dictionary<int, TimeSpan> { [13] = TimeSpan.FromSeconds(2) }),

        // IdleTimeOut PT60S; the second Get came 62 s after the Create (ShellRunTime and ShellInactivity P0DT0H1M2S):
        // the silent shell was auto-disconnected at 60 s.
        new("test_psrp_is_alive_state_disconnected", AdvanceBefore: new Dictionary<int, TimeSpan> { [4] = TimeSpan.FromSeconds(62) }),

        // The same, but the second Get came after the idle timeout passed twice: auto-disconnected at 60 s, deleted
        // at 120 s, so the Get names a shell that no longer exists.
        new("test_psrp_is_alive_invalid_selectors", AdvanceBefore: new Dictionary<int, TimeSpan> { [4] = TimeSpan.FromSeconds(125) }),

        // A Get with OperationTimeout PT-1S is refused by the header check; the shell is deleted normally after.
        new("test_psrp_is_alive_other_wsman_error"),

        .. WinRs,
    ];

    /// <summary>The recorded WinRS (cmd shell) exchanges.</summary>
    private static IEnumerable<ConformanceFixture> WinRs =>
    [
        // `cmd.exe /c echo hi` is answered by the default cmd rules; the Receive names a CommandId that does not exist.
        new("test_winrs_bad_cmd_id"),

        // A Receive without a CommandId: the cmd plugin's ERROR_INVALID_PARAMETER.
        new("test_winrs_fail_poll_process"),

        // WINRS_SKIP_CMD_SHELL: `powershell.exe` is not found without cmd.exe's PATH search; the full path runs
        // `Write-Host hi` (host text, then a bare "\n", as two chunks).
        new("test_winrs_no_cmd_shell", Scenario: """
            behaviours:
              - match: Write-Host hi
                steps:
                  - host: hi
            """),

        // OperationTimeout PT10S: the output after the sleep arrives in the third Receive after two TimedOut faults.
        // The emulator sleeps 25 s, not the recorded 30 s, to keep clear of the 30 s boundary of the third hold.
        new("test_winrs_operation_timeout", Scenario: """
            behaviours:
              - match: Write-Host hi; Start-Sleep 30; Write-Host hi again
                steps:
                  - host: hi
                  - sleep: 25
                  - host: hi again
            """),
    ];

    /// <summary>test_psrp_disconnected_commands' script, as the emulator sees it (one script command).</summary>
    private const string ASleepB = $$"""
        behaviours:
          - name: Write-Output 'a'; Start-Sleep 5; Write-Output 'b'
            regex: "^Write-Output 'a'; Start-Sleep (-Seconds )?5; Write-Output 'b'$"
            steps:
        {{PreparingModules}}
              - sleep: 1
              - output: a
              - sleep: 5
              - output: b
        """;

    // A property, not a field: All is initialized first, in text order.

    /// <summary>The JEA fixture's timing quirk, recorded again in test_psrp_disconnect_runspaces #1..#3.</summary>
    private const string OpenSplitIssue = "recorded timing the emulator does not copy (the JEA fixture's endpoint always did, and the emulator's SeparateApplicationPrivateData does): Windows " +
        "answered SESSION_CAPABILITY (#1), APPLICATION_PRIVATE_DATA (#2) and RUNSPACEPOOL_STATE (#3) in three Receives; the emulator sends the " +
        "first two in #1 and the state in #2";

    private static string BeginProcessEnd(bool preparingModules) => $$"""
        behaviours:
          - name: begin/process/end with the error stream merged into output
            regex: |-
              (?s)begin\s*\{.*Write-Debug "Start Block".*Write-Error "error"\s*\}\s*process\s*\{\s*\$input\s*\}\s*end\s*\{\s*Write-Debug "End Block"\s*\}
            steps:
        {{(preparingModules ? PreparingModules : string.Empty)}}
              - debug: Start Block
              - output: { $type: [System.Management.Automation.ErrorRecord, System.Object], $tostring: error,
                          FullyQualifiedErrorId: Microsoft.PowerShell.Commands.WriteErrorException }
              - input: echo
              - debug: End Block
        """;

    /// <summary>
    /// Differences accepted on purpose. Each is a recorded quirk or a documented property of the emulator, not a bug.
    /// The shell's real-time durations (disconnect_runspaces #0: ShellRunTime and ShellInactivity P0DT0H0M2S in the
    /// CreateResponse, the recording host starting wsmprovhost inside the Create) are within the comparer's own slack.
    /// </summary>
    /// <remarks>
    /// | Fixture / request | Difference | Why it is tolerated |
    /// |---|---|---|
    /// | run_protocol_version_2.1 #0 | emulator adds rsp:Shell to CreateResponse | recorded from PowerShell 2.0 (WinRM 2.0), whose CreateResponse has only x:ResourceCreated; the emulator is always a ≥2.2 endpoint and returns the shell fields PowerShell ≥3 reads |
    /// | run_protocol_version_2.1 #0, #3 | emulator returns the client's ShellId / CommandId | WinRM 2.0 chose its own ids; later requests are rewritten to the ids the emulator returned (identity map for the other fixtures) |
    /// | long_running_cmdlet #4 | recorded HTTP status 200 for a w:TimedOut fault | the fixture lacks `transport_error` on this one message only (#5, the same fault, has it); Windows sends every fault with HTTP 500 |
    /// | disconnect_runspaces #15, #17 | recorded RUNSPACEPOOL_STATE after the new-client Connect, emulator APPLICATION_PRIVATE_DATA | the README's hand-assembled part: RUNSPACEPOOL_STATE reuses object id 3 of the original open; test_psrp_disconnected_commands #14/#19 (ground truth) have APPLICATION_PRIVATE_DATA, as the emulator |
    /// | disconnected_commands #10 | shells enumerated in another order | WinRM documents no order (disconnect_runspaces #11 lists creation order, disconnected_commands #10 the reverse; both fit descending ShellId); clients match shells by ShellId |
    /// | small_msg_size #0, update_envelope_size_500 #0 | emulator's cfg:Config lacks MaxProviderRequests and the Client, Service, Winrs subtrees | they describe the recording host's WinRM configuration; clients read only cfg:MaxEnvelopeSizekb from this Get, the emulator answers the top-level limits |
    /// </remarks>
    /// <summary>
    /// Third-party clients' recordings against the emulator, with the default scenario and options unless said:
    /// every file of fixtures/third-party-clients must be listed here (a test checks), so none is left unreplayed.
    /// </summary>
    // The computer some third-party recordings were made against: the default scenario's services before it had a fresh
    // server's 196 (the flows check the client's requests and the emulator's answers' shape, not which services exist).
    private const string ServiceStatus = "[System.ServiceProcess.ServiceControllerStatus, System.Enum, System.ValueType, System.Object]";
    private const string ServiceController = "[System.ServiceProcess.ServiceController, System.ComponentModel.Component, System.MarshalByRefObject, System.Object]";

    private static readonly Dictionary<string, string> ThirdPartyWorlds = new()
    {
        ["ruby-winrm/powershell_objects_and_programs"] = $$"""
            behaviours:
              - match: Get-Service
                steps:
                  - output:
                      - { $type: {{ServiceController}}, Name: BITS, DisplayName: Background Intelligent Transfer Service, Status: { $type: {{ServiceStatus}}, $tostring: Stopped, $value: 1 } }
                      - { $type: {{ServiceController}}, Name: Dnscache, DisplayName: DNS Client, Status: { $type: {{ServiceStatus}}, $tostring: Running, $value: 4 } }
                      - { $type: {{ServiceController}}, Name: EventLog, DisplayName: Windows Event Log, Status: { $type: {{ServiceStatus}}, $tostring: Running, $value: 4 } }
            """,
        ["ruby-winrm/wql_and_cmd_pipes"] = """
            wmi:
              - class: Win32_Service
                keys: [Name]
                instances:
                  - { Name: BITS, State: Stopped }
                  - { Name: Dnscache, State: Running }
                  - { Name: EventLog, State: Running }
                  - { Name: LanmanServer, State: Running }
                  - { Name: LanmanWorkstation, State: Running }
                  - { Name: MpsSvc, State: Running }
                  - { Name: RemoteRegistry, State: Stopped }
                  - { Name: RpcSs, State: Running }
                  - { Name: Schedule, State: Running }
                  - { Name: Spooler, State: Stopped }
                  - { Name: W32Time, State: Running }
                  - { Name: WinDefend, State: Running }
                  - { Name: Winmgmt, State: Running }
                  - { Name: WinRM, State: Running }
                  - { Name: wuauserv, State: Stopped }
            """,
    };

    public static IReadOnlyList<ConformanceFixture> ThirdParty { get; } =
    [
        .. new[]
        {
            "pypsrp/pool_streams", "pypsrp/commands_arguments_input", "pypsrp/disconnect_connect_new_client",
            "pypsrp/disconnect_reconnect_same_client", "pypsrp/host_calls", "pypsrp/winrs_cmd", "pypsrp/client_copy_fetch",
            "pypsrp/pool_operations", "pypsrp/faults",
            "ruby-winrm/powershell_run", "ruby-winrm/powershell_objects_and_programs", "ruby-winrm/cmd_shell",
            "ruby-winrm/negotiate_encrypted", "ruby-winrm/wql_and_cmd_pipes",
        }.Select(name => new ConformanceFixture(name, Folder: FixtureFolders.ThirdParty, Scenario: ThirdPartyWorlds.GetValueOrDefault(name))),
    ];


    public static IReadOnlyList<ToleratedDifference> Tolerated { get; } =
    [
        .. new[] { "Shell", "Shell/ShellId", "Shell/ResourceUri", "Shell/Owner", "Shell/ClientIP", "Shell/ProcessId", "Shell/IdleTimeOut",
            "Shell/InputStreams", "Shell/OutputStreams", "Shell/MaxIdleTimeOut", "Shell/Locale", "Shell/DataLocale", "Shell/CompressionMode",
            "Shell/ProfileLoaded", "Shell/Encoding", "Shell/BufferMode", "Shell/State", "Shell/ShellRunTime", "Shell/ShellInactivity" }
            .Select(path => new ToleratedDifference("test_psrp_run_protocol_version_2.1", 0, "extra element", path,
                "PowerShell 2.0's CreateResponse has no rsp:Shell; the emulator is a >=2.2 endpoint")),
        new("test_psrp_long_running_cmdlet", 4, "http status", "status", "the fixture omits transport_error on this fault; Windows faults are HTTP 500"),
        .. new[] { 15, 17 }.Select(request => new ToleratedDifference("test_psrp_disconnect_runspaces", request, "psrp messages", "start fragments",
            "hand-assembled recording (README): RUNSPACEPOOL_STATE reuses object id 3 of the original open; test_psrp_disconnected_commands #14/#19 " +
            "show APPLICATION_PRIVATE_DATA after a new-client Connect, as the emulator sends")),
        new("test_psrp_disconnected_commands", 10, "item order", "Items",
            "WinRM documents no order for enumerated shells (creation order in disconnect_runspaces #11, the reverse here); clients match them by ShellId"),
        .. new[] { "Config/MaxProviderRequests", "Config/Client", "Config/Client/NetworkDelayms", "Config/Client/URLPrefix", "Config/Client/AllowUnencrypted",
            "Config/Client/Auth", "Config/Client/Auth/Basic", "Config/Client/Auth/Digest", "Config/Client/Auth/Kerberos", "Config/Client/Auth/Negotiate",
            "Config/Client/Auth/Certificate", "Config/Client/Auth/CredSSP", "Config/Client/DefaultPorts", "Config/Client/DefaultPorts/HTTP",
            "Config/Client/DefaultPorts/HTTPS", "Config/Client/TrustedHosts", "Config/Service", "Config/Service/RootSDDL",
            "Config/Service/MaxConcurrentOperations", "Config/Service/MaxConcurrentOperationsPerUser", "Config/Service/EnumerationTimeoutms",
            "Config/Service/MaxConnections", "Config/Service/MaxPacketRetrievalTimeSeconds", "Config/Service/AllowUnencrypted", "Config/Service/Auth",
            "Config/Service/Auth/Basic", "Config/Service/Auth/Kerberos", "Config/Service/Auth/Negotiate", "Config/Service/Auth/Certificate",
            "Config/Service/Auth/CredSSP", "Config/Service/Auth/CbtHardeningLevel", "Config/Service/DefaultPorts", "Config/Service/DefaultPorts/HTTP",
            "Config/Service/DefaultPorts/HTTPS", "Config/Service/IPv4Filter", "Config/Service/IPv6Filter", "Config/Service/EnableCompatibilityHttpListener",
            "Config/Service/EnableCompatibilityHttpsListener", "Config/Service/CertificateThumbprint", "Config/Service/AllowRemoteAccess", "Config/Winrs",
            "Config/Winrs/AllowRemoteShellAccess", "Config/Winrs/IdleTimeout", "Config/Winrs/MaxConcurrentUsers", "Config/Winrs/MaxShellRunTime",
            "Config/Winrs/MaxProcessesPerShell", "Config/Winrs/MaxMemoryPerShellMB", "Config/Winrs/MaxShellsPerUser" }
            .Select(path => new ToleratedDifference(null, 0, "missing element", path,
                "host WinRM configuration detail; clients read only cfg:MaxEnvelopeSizekb")),
    ];
}
