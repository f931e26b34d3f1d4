using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Get-SmbServerConfiguration and Set-SmbServerConfiguration (SmbShare's MSFT_SmbServerConfiguration), and the client's
/// Get-SmbClientConfiguration and Set-SmbClientConfiguration (MSFT_SmbClientConfiguration), as hardening and compliance
/// scripts use them (SMB1 off, signing required, no insecure guest logons). The settings live where the SMB server and
/// client keep them, in <c>HKLM\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters</c> and
/// <c>...\LanmanWorkstation\Parameters</c>, so a change lasts for the computer's later sessions and <c>reg query</c> sees
/// it: the documented value names (SMB1, SMB2, EnableSecuritySignature, RequireSecuritySignature, AutoShareServer,
/// AutoShareWks, autodisconnect, enableforcedlogoff, NullSessionPipes, NullSessionShares, srvcomment;
/// AllowInsecureGuestAuth), the others under their property's name (UNVERIFIED). A value not set is the default real
/// listings show (the server's: a Server 2016/2019's 42 properties; the client's: a Windows 10 1803's 24, the build
/// before Server 2019's), in their order (the classes' properties by name); EnableSMB1Protocol without an SMB1 value
/// follows the FS-SMB1 feature, which a Server 2019 does not install. Set asks first ("Performing operation 'Modify' on
/// Target 'SMB Server Configuration'." or "...'SMB Client Configuration'.", as recorded) unless -Force or
/// -Confirm:$false. -CimSession, -AsJob and -WhatIf are not emulated.
/// </summary>
internal sealed partial class RunContext
{
    internal static readonly string[] SmbConfigurationCommandNames =
        ["Get-SmbServerConfiguration", "Set-SmbServerConfiguration", "Get-SmbClientConfiguration", "Set-SmbClientConfiguration"];

    private const string LanmanServerParameters = @"SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters";
    private const string LanmanWorkstationParameters = @"SYSTEM\CurrentControlSet\Services\LanmanWorkstation\Parameters";

    private enum SmbSettingType
    {
        Boolean,
        UInt32,
        String,
        /// <summary>A comma-separated text the registry keeps as a REG_MULTI_SZ (the null-session pipes and shares).</summary>
        List,
    }

    /// <summary>A property of MSFT_SmbServerConfiguration or MSFT_SmbClientConfiguration: its type, its registry value's name and its default.</summary>
    private sealed record SmbSetting(string Name, SmbSettingType Type, string RegistryName, object Default);

    private static SmbSetting Flag(string name, bool value, string? registryName = null) => new(name, SmbSettingType.Boolean, registryName ?? name, value);

    private static SmbSetting Count(string name, uint value, string? registryName = null) => new(name, SmbSettingType.UInt32, registryName ?? name, value);

    // In a real Server 2016/2019 listing's order (the class's properties by name).
    private static readonly SmbSetting[] SmbServerSettings =
    [
        new("AnnounceComment", SmbSettingType.String, "srvcomment", string.Empty),
        Flag("AnnounceServer", false), Count("AsynchronousCredits", 64), Flag("AuditSmb1Access", false),
        Count("AutoDisconnectTimeout", 15, "autodisconnect"), Flag("AutoShareServer", true), Flag("AutoShareWorkstation", true, "AutoShareWks"),
        Count("CachedOpenLimit", 10), Count("DurableHandleV2TimeoutInSeconds", 180), Flag("EnableAuthenticateUserSharing", false),
        Flag("EnableDownlevelTimewarp", false), Flag("EnableForcedLogoff", true, "enableforcedlogoff"), Flag("EnableLeasing", true),
        Flag("EnableMultiChannel", true), Flag("EnableOplocks", true), Flag("EnableSecuritySignature", false),
        Flag("EnableSMB1Protocol", false, "SMB1"), Flag("EnableSMB2Protocol", true, "SMB2"), Flag("EnableStrictNameChecking", true),
        Flag("EncryptData", false), Count("IrpStackSize", 15), Count("KeepAliveTime", 2), Count("MaxChannelPerSession", 32),
        Count("MaxMpxCount", 50), Count("MaxSessionPerConnection", 16384), Count("MaxThreadsPerQueue", 20), Count("MaxWorkItems", 1),
        new("NullSessionPipes", SmbSettingType.List, "NullSessionPipes", string.Empty), new("NullSessionShares", SmbSettingType.List, "NullSessionShares", string.Empty),
        Count("OplockBreakWait", 35), Count("PendingClientTimeoutInSeconds", 120), Flag("RejectUnencryptedAccess", true),
        Flag("RequireSecuritySignature", false), Flag("ServerHidden", true), Count("Smb2CreditsMax", 2048), Count("Smb2CreditsMin", 128),
        Count("SmbServerNameHardeningLevel", 0), Flag("TreatHostAsStableStorage", false), Flag("ValidateAliasNotCircular", true),
        Flag("ValidateShareScope", true), Flag("ValidateShareScopeNotAliased", true), Flag("ValidateTargetName", true),
    ];

    // In a real Windows 10 1803 listing's order (the class's properties by name).
    private static readonly SmbSetting[] SmbClientSettings =
    [
        Count("ConnectionCountPerRssNetworkInterface", 4), Count("DirectoryCacheEntriesMax", 16), Count("DirectoryCacheEntrySizeMax", 65536),
        Count("DirectoryCacheLifetime", 10), Count("DormantFileLimit", 1023), Flag("EnableBandwidthThrottling", true), Flag("EnableByteRangeLockingOnReadOnlyFiles", true),
        Flag("EnableInsecureGuestLogons", false, "AllowInsecureGuestAuth"), Flag("EnableLargeMtu", true), Flag("EnableLoadBalanceScaleOut", true),
        Flag("EnableMultiChannel", true), Flag("EnableSecuritySignature", true), Count("ExtendedSessionTimeout", 1000), Count("FileInfoCacheEntriesMax", 64),
        Count("FileInfoCacheLifetime", 10), Count("FileNotFoundCacheEntriesMax", 128), Count("FileNotFoundCacheLifetime", 5), Count("KeepConn", 600),
        Count("MaxCmds", 50), Count("MaximumConnectionCountPerServer", 32), Flag("OplocksDisabled", false), Flag("RequireSecuritySignature", false),
        Count("SessionTimeout", 60), Flag("UseOpportunisticLocking", true), Count("WindowSizeThreshold", 8),
    ];

    /// <summary>The server's or the client's configuration: its class, where Windows keeps it, its settings and the confirmation's target.</summary>
    private static (string ClassName, string Key, SmbSetting[] Settings, string Target) SmbConfigurationOf(string command) =>
        command.Contains("Server", StringComparison.Ordinal)
            ? ("MSFT_SmbServerConfiguration", LanmanServerParameters, SmbServerSettings, "SMB Server Configuration")
            : ("MSFT_SmbClientConfiguration", LanmanWorkstationParameters, SmbClientSettings, "SMB Client Configuration");

    internal static string[] SmbConfigurationParameters(string command) => command.StartsWith("Get-", StringComparison.Ordinal)
        ? ["CimSession", "ThrottleLimit", "AsJob", "WhatIf", "Confirm"]
        : [.. SmbConfigurationOf(command).Settings.Select(s => s.Name), "Force", "CimSession", "ThrottleLimit", "AsJob", "WhatIf", "Confirm"];

    private async ValueTask RunSmbConfigurationCommandAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        var registry = Host.Registry ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} needs the computer's registry, which this host does not have"));
        RefuseNotEmulated(command, arguments, "CimSession", "AsJob", "WhatIf");
        var (className, key, settings, target) = SmbConfigurationOf(command);
        if (command.StartsWith("Get-", StringComparison.Ordinal))
        {
            await output.WriteAsync(new PipelineOutput(CimInstanceMembers.WithNested(SmbConfigurationObject(registry, className, key, settings), WmiServerName())), cancellationToken);
            return;
        }

        // Every value is bound before any is written, as the CIM call takes them together.
        var changes = new List<RegistryValue>();
        foreach (var setting in settings)
        {
            if (arguments[setting.Name] is not { } word) continue;
            var value = await ArgumentAsync(word, to, blockNesting);
            changes.Add(SmbSettingValue(command, setting, value));
        }

        if (changes.Count == 0) return;
        if (!arguments.Has("Force") && !await ShouldProcessHighImpactAsync(arguments, "Modify", target, providerWording: true)) return;
        registry.CreateKey(VirtualRegistry.LocalMachine, null, key, createParents: true);
        foreach (var value in changes) registry.SetValue(VirtualRegistry.LocalMachine, null, key, value);
    }

    // The registry value a parameter's argument sets; one its type cannot take is the binder's error.
    private static RegistryValue SmbSettingValue(string command, SmbSetting setting, PsValue value)
    {
        switch (setting.Type)
        {
            case SmbSettingType.Boolean:
                if (ScriptParameters.BooleanRefusal(setting.Name, value) is { } refusal)
                {
                    throw new StatementTerminatedException(new ScriptedError(refusal, $"ParameterArgumentTransformationError,{command}", ErrorCategory.InvalidData,
                        "System.Management.Automation.ParameterBindingArgumentTransformationException") { Activity = command });
                }

                return new(setting.RegistryName, RegistryValueKind.DWord, ScriptExpressions.IsTrue(value) ? 1 : 0);
            case SmbSettingType.UInt32:
                var text = PipelineVariables.Display(value);
                if (ScriptExpressions.AsNumberOrNull(value) is not { } number || number != Math.Floor(number) || number is < 0 or > uint.MaxValue)
                {
                    throw new StatementTerminatedException(ParameterError(command,
                        $"Cannot bind parameter '{setting.Name}'. Cannot convert value \"{text}\" to type \"System.UInt32\". Error: \"Input string was not in a correct format.\"", "CannotConvertArgumentNoMessage"));
                }

                return new(setting.RegistryName, RegistryValueKind.DWord, unchecked((int)(uint)number));
            case SmbSettingType.List:
                return new(setting.RegistryName, RegistryValueKind.MultiString,
                    PipelineVariables.Display(value).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            default:
                return new(setting.RegistryName, RegistryValueKind.String, PipelineVariables.Display(value));
        }
    }

    private PsObject SmbConfigurationObject(VirtualRegistry registry, string className, string key, SmbSetting[] settings)
    {
        var values = registry.Get(VirtualRegistry.LocalMachine, null, key)?.Values ?? [];
        var configuration = new PsObject(SmbTypeNames(className)) { ToStringValue = className };
        foreach (var setting in settings)
        {
            var stored = values.FirstOrDefault(v => v.Name.Equals(setting.RegistryName, StringComparison.OrdinalIgnoreCase));
            PsValue value = setting.Type switch
            {
                SmbSettingType.Boolean => PsPrimitive.Boolean(stored?.Data is int flag ? flag != 0 : setting.Name == "EnableSMB1Protocol" ? Smb1Installed() : (bool)setting.Default),
                SmbSettingType.UInt32 => PsPrimitive.UInt32(stored?.Data is int count ? unchecked((uint)count) : (uint)setting.Default),
                SmbSettingType.List => PsPrimitive.String(stored?.Data is string[] items ? string.Join(",", items) : (string)setting.Default),
                _ => PsPrimitive.String(stored?.Data as string ?? (string)setting.Default),
            };
            configuration.AdaptedProperties.Add(new(setting.Name, value));
        }

        configuration.AdaptedProperties.Add(new("PSComputerName", PsPrimitive.String(string.Empty)));
        return configuration;
    }

    // SMB 1.0 is a feature a Server 2019 does not install (FS-SMB1); installing it turns the protocol on.
    private bool Smb1Installed() =>
        Host.WindowsFeatures is { } features && WindowsFeatureStates.Find("FS-SMB1") is { } smb1 && features.IsInstalled(smb1);
}
