using System.Globalization;
using System.Text;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// secedit.exe over the computer's local security policy (<see cref="SecurityPolicy"/>): <c>/export /cfg FILE
/// [/areas SECURITYPOLICY USER_RIGHTS]</c> writes the INF template (UTF-16 with a BOM, as secedit writes it: InSpec's
/// security_policy and the CIS/STIG profiles read it back), <c>/configure /db SDB /cfg FILE [/areas ...]</c> applies a
/// template's account policy, audit categories, user rights and registry values (Ansible's win_security_policy and
/// hardening scripts edit an export and configure it); the database file is made empty (its content is not emulated),
/// /log and /quiet are taken. /analyze, /import, /validate and /generaterollback are not emulated. The console's lines
/// are secedit's as remembered (UNVERIFIED).
/// </summary>
internal sealed class SeceditScript(string verb, IReadOnlyDictionary<string, string> options, IReadOnlySet<string>? areas) : ICommandLineScript
{
    private const string Completed = "\r\nThe task has completed successfully.\r\nSee log %windir%\\security\\logs\\scesrv.log for detail info.\r\n";

    // The [Registry Values] secedit exports (its sceregvl list) with a Windows Server 2019's values where the registry lacks
    // one: type 4 a DWORD, 1 a string, 7 a multi-string (comma-separated), 3 binary. UNVERIFIED beyond the documented defaults.
    private static readonly (string Path, int Type, string Default)[] RegistryValues =
    [
        (@"Software\Microsoft\Windows NT\CurrentVersion\Setup\RecoveryConsole\SecurityLevel", 4, "0"),
        (@"Software\Microsoft\Windows NT\CurrentVersion\Setup\RecoveryConsole\SetCommand", 4, "0"),
        (@"Software\Microsoft\Windows NT\CurrentVersion\Winlogon\CachedLogonsCount", 1, "\"10\""),
        (@"Software\Microsoft\Windows NT\CurrentVersion\Winlogon\ForceUnlockLogon", 4, "0"),
        (@"Software\Microsoft\Windows NT\CurrentVersion\Winlogon\PasswordExpiryWarning", 4, "5"),
        (@"Software\Microsoft\Windows NT\CurrentVersion\Winlogon\ScRemoveOption", 1, "\"0\""),
        (@"Software\Microsoft\Windows\CurrentVersion\Policies\System\ConsentPromptBehaviorAdmin", 4, "5"),
        (@"Software\Microsoft\Windows\CurrentVersion\Policies\System\ConsentPromptBehaviorUser", 4, "3"),
        (@"Software\Microsoft\Windows\CurrentVersion\Policies\System\DontDisplayLastUserName", 4, "0"),
        (@"Software\Microsoft\Windows\CurrentVersion\Policies\System\EnableInstallerDetection", 4, "1"),
        (@"Software\Microsoft\Windows\CurrentVersion\Policies\System\EnableLUA", 4, "1"),
        (@"Software\Microsoft\Windows\CurrentVersion\Policies\System\EnableSecureUIAPaths", 4, "1"),
        (@"Software\Microsoft\Windows\CurrentVersion\Policies\System\EnableUIADesktopToggle", 4, "0"),
        (@"Software\Microsoft\Windows\CurrentVersion\Policies\System\EnableVirtualization", 4, "1"),
        (@"Software\Microsoft\Windows\CurrentVersion\Policies\System\LegalNoticeCaption", 1, "\"\""),
        (@"Software\Microsoft\Windows\CurrentVersion\Policies\System\LegalNoticeText", 7, string.Empty),
        (@"Software\Microsoft\Windows\CurrentVersion\Policies\System\PromptOnSecureDesktop", 4, "1"),
        (@"Software\Microsoft\Windows\CurrentVersion\Policies\System\ScForceOption", 4, "0"),
        (@"Software\Microsoft\Windows\CurrentVersion\Policies\System\ShutdownWithoutLogon", 4, "0"),
        (@"Software\Microsoft\Windows\CurrentVersion\Policies\System\UndockWithoutLogon", 4, "1"),
        (@"Software\Microsoft\Windows\CurrentVersion\Policies\System\ValidateAdminCodeSignatures", 4, "0"),
        (@"Software\Policies\Microsoft\Windows\Safer\CodeIdentifiers\AuthenticodeEnabled", 4, "0"),
        (@"System\CurrentControlSet\Control\Lsa\AuditBaseObjects", 4, "0"),
        (@"System\CurrentControlSet\Control\Lsa\CrashOnAuditFail", 4, "0"),
        (@"System\CurrentControlSet\Control\Lsa\DisableDomainCreds", 4, "0"),
        (@"System\CurrentControlSet\Control\Lsa\EveryoneIncludesAnonymous", 4, "0"),
        (@"System\CurrentControlSet\Control\Lsa\FIPSAlgorithmPolicy\Enabled", 4, "0"),
        (@"System\CurrentControlSet\Control\Lsa\ForceGuest", 4, "0"),
        (@"System\CurrentControlSet\Control\Lsa\FullPrivilegeAuditing", 3, "0"),
        (@"System\CurrentControlSet\Control\Lsa\LimitBlankPasswordUse", 4, "1"),
        (@"System\CurrentControlSet\Control\Lsa\MSV1_0\NTLMMinClientSec", 4, "536870912"),
        (@"System\CurrentControlSet\Control\Lsa\MSV1_0\NTLMMinServerSec", 4, "536870912"),
        (@"System\CurrentControlSet\Control\Lsa\NoLMHash", 4, "1"),
        (@"System\CurrentControlSet\Control\Lsa\RestrictAnonymous", 4, "0"),
        (@"System\CurrentControlSet\Control\Lsa\RestrictAnonymousSAM", 4, "1"),
        (@"System\CurrentControlSet\Control\Print\Providers\LanMan Print Services\Servers\AddPrinterDrivers", 4, "0"),
        (@"System\CurrentControlSet\Control\SecurePipeServers\Winreg\AllowedExactPaths\Machine", 7,
            @"System\CurrentControlSet\Control\ProductOptions,System\CurrentControlSet\Control\Server Applications,Software\Microsoft\Windows NT\CurrentVersion"),
        (@"System\CurrentControlSet\Control\Session Manager\Kernel\ObCaseInsensitive", 4, "1"),
        (@"System\CurrentControlSet\Control\Session Manager\Memory Management\ClearPageFileAtShutdown", 4, "0"),
        (@"System\CurrentControlSet\Control\Session Manager\ProtectionMode", 4, "1"),
        (@"System\CurrentControlSet\Control\Session Manager\SubSystems\optional", 7, string.Empty),
        (@"System\CurrentControlSet\Services\LanManServer\Parameters\AutoDisconnect", 4, "15"),
        (@"System\CurrentControlSet\Services\LanManServer\Parameters\EnableForcedLogOff", 4, "1"),
        (@"System\CurrentControlSet\Services\LanManServer\Parameters\EnableSecuritySignature", 4, "0"),
        (@"System\CurrentControlSet\Services\LanManServer\Parameters\NullSessionPipes", 7, string.Empty),
        (@"System\CurrentControlSet\Services\LanManServer\Parameters\RequireSecuritySignature", 4, "0"),
        (@"System\CurrentControlSet\Services\LanManServer\Parameters\RestrictNullSessAccess", 4, "1"),
        (@"System\CurrentControlSet\Services\LanmanWorkstation\Parameters\EnablePlainTextPassword", 4, "0"),
        (@"System\CurrentControlSet\Services\LanmanWorkstation\Parameters\EnableSecuritySignature", 4, "1"),
        (@"System\CurrentControlSet\Services\LanmanWorkstation\Parameters\RequireSecuritySignature", 4, "0"),
        (@"System\CurrentControlSet\Services\LDAP\LDAPClientIntegrity", 4, "1"),
        (@"System\CurrentControlSet\Services\Netlogon\Parameters\DisablePasswordChange", 4, "0"),
        (@"System\CurrentControlSet\Services\Netlogon\Parameters\MaximumPasswordAge", 4, "30"),
        (@"System\CurrentControlSet\Services\Netlogon\Parameters\RequireSignOrSeal", 4, "1"),
        (@"System\CurrentControlSet\Services\Netlogon\Parameters\RequireStrongKey", 4, "1"),
        (@"System\CurrentControlSet\Services\Netlogon\Parameters\SealSecureChannel", 4, "1"),
        (@"System\CurrentControlSet\Services\Netlogon\Parameters\SignSecureChannel", 4, "1"),
    ];

    private static readonly HashSet<string> KnownAreas = new(StringComparer.OrdinalIgnoreCase) { "SECURITYPOLICY", "GROUP_MGMT", "USER_RIGHTS", "REGKEYS", "FILESTORE", "SERVICES" };

    public string Description => "secedit " + verb;

    public static bool TryParse(string line, out SeceditScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count == 0 || !(tokens[0].Value.Equals("secedit", StringComparison.OrdinalIgnoreCase) || tokens[0].Value.Equals("secedit.exe", StringComparison.OrdinalIgnoreCase))) return false;
        var verb = tokens.Count > 1 ? tokens[1].Value.TrimStart('/', '-').ToLowerInvariant() : string.Empty;
        // Another verb (/analyze, /import, /validate, /generaterollback) is the scenario error of a command not emulated.
        if (verb is not ("export" or "configure")) return false;
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        HashSet<string>? areas = null;
        for (var i = 2; i < tokens.Count; i++)
        {
            var word = tokens[i].Value;
            if (word.Length < 2 || word[0] is not ('/' or '-'))
            {
                options["?" + word] = word;
                continue;
            }

            var name = word[1..].ToLowerInvariant();
            if (name == "areas")
            {
                areas ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                while (i + 1 < tokens.Count && tokens[i + 1].Value is { Length: > 0 } area && area[0] is not ('/' or '-')) areas.Add(tokens[++i].Value);
                continue;
            }

            options[name] = name is "db" or "cfg" or "log" && i + 1 < tokens.Count ? tokens[++i].Value : string.Empty;
        }

        script = new SeceditScript(verb, options, areas);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        if (host.LocalAccounts is not { } accounts || host.FileSystem is not { } disk)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor("secedit"), cancellationToken).ConfigureAwait(false);
            return 1;
        }

        var stray = options.Keys.FirstOrDefault(k => k.StartsWith('?') || k is not ("db" or "cfg" or "log" or "quiet" or "overwrite" or "mergedpolicy"));
        var unknownArea = areas?.FirstOrDefault(a => !KnownAreas.Contains(a));
        if (stray is not null || unknownArea is not null || !options.TryGetValue("cfg", out var cfg) || cfg.Length == 0 || (verb == "configure" && !options.ContainsKey("db")))
        {
            // The usage secedit answers a line it cannot take (UNVERIFIED wording).
            await host.WriteTextAsync(WinRsStreams.Stdout, $"\r\nThe parameter is incorrect.\r\n\r\nUsage: secedit /{verb} {(verb == "configure" ? "/db filename " : string.Empty)}/cfg filename [/areas area1 area2...] [/log filename] [/quiet]\r\n", cancellationToken).ConfigureAwait(false);
            return 87;
        }

        var cd = host.Facts.GetValueOrDefault("cd") ?? @"C:\";
        if (VirtualFileSystem.FullPath(cfg, cd, out _) is not { } cfgPath) return await FailAsync(host, "The filename, directory name, or volume label syntax is incorrect.", cancellationToken).ConfigureAwait(false);
        var areaSet = areas is null ? null : new HashSet<string>(areas, StringComparer.OrdinalIgnoreCase);
        if (verb == "export")
        {
            var text = accounts.Policy.Export(accounts, CurrentRegistryValues(host.Registry), areaSet);
            var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(text)).ToArray();
            if (disk.Write(cfgPath, bytes, FileWriteMode.Create) != FileSystemFailure.None) return await FailAsync(host, "The system cannot find the path specified.", cancellationToken).ConfigureAwait(false);
            await host.WriteTextAsync(WinRsStreams.Stdout, Completed, cancellationToken).ConfigureAwait(false);
            return 0;
        }

        if (disk.Read(cfgPath, out var content) != FileSystemFailure.None) return await FailAsync(host, "The system cannot find the file specified.", cancellationToken).ConfigureAwait(false);
        if (SecurityPolicy.ParseTemplate(Decode(content)) is not { } template)
        {
            return await FailAsync(host, $"The template {cfg} is not a valid security template: its [Version] section needs signature=\"$CHICAGO$\".", cancellationToken).ConfigureAwait(false);
        }

        accounts.Policy.Configure(template, accounts, areaSet);
        if ((areaSet is null || areaSet.Contains("SECURITYPOLICY")) && host.Registry is { } registry && template.TryGetValue("Registry Values", out var values)) SetRegistryValues(registry, values);
        // The database secedit configures through: made, its content not emulated.
        if (VirtualFileSystem.FullPath(options["db"], cd, out _) is { } dbPath && disk.Get(dbPath) is null) disk.Write(dbPath, [], FileWriteMode.Create);
        await host.WriteTextAsync(WinRsStreams.Stdout, Completed, cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> FailAsync(ICommandLineHost host, string reason, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stdout, $"\r\nTask failed. {reason}\r\nSee log %windir%\\security\\logs\\scesrv.log for detail info.\r\n", cancellationToken).ConfigureAwait(false);
        return 1;
    }

    // A template's text: UTF-16 (with or without its BOM, as secedit and Out-File write one), UTF-8, or ANSI.
    private static string Decode(byte[] content)
    {
        if (content.Length >= 2 && content[0] == 0xFF && content[1] == 0xFE) return Encoding.Unicode.GetString(content, 2, content.Length - 2);
        if (content.Length >= 3 && content[0] == 0xEF && content[1] == 0xBB && content[2] == 0xBF) return Encoding.UTF8.GetString(content, 3, content.Length - 3);
        if (content.Length >= 2 && content[1] == 0 && content[0] != 0) return Encoding.Unicode.GetString(content);
        return Encoding.Latin1.GetString(content);
    }

    /// <summary>[Registry Values] as secedit exports them now: the registry's value where it has one, else Windows' default.</summary>
    internal static IReadOnlyList<(string Name, string Value)> CurrentRegistryValues(VirtualRegistry? registry)
    {
        var values = new List<(string Name, string Value)>(RegistryValues.Length);
        foreach (var (path, type, fallback) in RegistryValues)
        {
            var slash = path.LastIndexOf('\\');
            var found = registry?.Get(VirtualRegistry.LocalMachine, null, path[..slash])?.Values.FirstOrDefault(v => v.Name.Equals(path[(slash + 1)..], StringComparison.OrdinalIgnoreCase));
            var text = found switch
            {
                null => fallback,
                { Kind: RegistryValueKind.DWord, Data: int number } => number.ToString(CultureInfo.InvariantCulture),
                { Kind: RegistryValueKind.MultiString, Data: string[] lines } => string.Join(',', lines),
                { Kind: RegistryValueKind.String or RegistryValueKind.ExpandString, Data: string s } => "\"" + s + "\"",
                _ => fallback,
            };
            values.Add(("MACHINE\\" + path, $"{type.ToString(CultureInfo.InvariantCulture)},{text}"));
        }

        return values;
    }

    // secedit /configure's [Registry Values]: MACHINE\path\name=type,value into HKLM (DWORD, string, multi-string; binary left).
    private static void SetRegistryValues(VirtualRegistry registry, List<(string Key, string Value)> values)
    {
        foreach (var (key, value) in values)
        {
            var comma = value.IndexOf(',', StringComparison.Ordinal);
            var slash = key.LastIndexOf('\\');
            if (!key.StartsWith("MACHINE\\", StringComparison.OrdinalIgnoreCase) || comma < 0 || slash <= 8) continue;
            var path = key[8..slash];
            var name = key[(slash + 1)..];
            var data = value[(comma + 1)..];
            RegistryValue? entry = value[..comma].Trim() switch
            {
                "4" when int.TryParse(data, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => new RegistryValue(name, RegistryValueKind.DWord, number),
                "1" => new RegistryValue(name, RegistryValueKind.String, data.Trim().Trim('"')),
                "2" => new RegistryValue(name, RegistryValueKind.ExpandString, data.Trim().Trim('"')),
                "7" => new RegistryValue(name, RegistryValueKind.MultiString, data.Length == 0 ? Array.Empty<string>() : data.Split(',')),
                _ => null,
            };
            if (entry is null) continue;
            registry.CreateKey(VirtualRegistry.LocalMachine, null, path, createParents: true);
            registry.SetValue(VirtualRegistry.LocalMachine, null, path, entry);
        }
    }
}

/// <summary>
/// <c>net accounts</c>: the computer's account policy (<see cref="SecurityPolicy"/>) as net lists it, and its options
/// /MINPWLEN, /MAXPWAGE (days or UNLIMITED), /MINPWAGE, /UNIQUEPW, /FORCELOGOFF (minutes or NO), /LOCKOUTTHRESHOLD,
/// /LOCKOUTDURATION, /LOCKOUTWINDOW, which set it. A value out of its range is System error 87; /DOMAIN is not emulated.
/// (UNVERIFIED: the ranges, and that net checks every option before it sets any.)
/// The list's layout is net's as remembered (UNVERIFIED spacing).
/// </summary>
internal sealed class NetAccountsPolicyScript(IReadOnlyList<string> options) : ICommandLineScript
{
    public string Description => "net accounts";

    public static bool TryParse(string line, out NetAccountsPolicyScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count < 2 || !(tokens[0].Value.Equals("net", StringComparison.OrdinalIgnoreCase) || tokens[0].Value.Equals("net.exe", StringComparison.OrdinalIgnoreCase)) ||
            !tokens[1].Value.Equals("accounts", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // /DOMAIN (a domain's policy) is the scenario error of a command not emulated.
        if (tokens.Skip(2).Any(t => t.Value.Equals("/domain", StringComparison.OrdinalIgnoreCase))) return false;
        script = new NetAccountsPolicyScript([.. tokens.Skip(2).Select(t => t.Value)]);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        if (host.LocalAccounts is not { } accounts)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor("net"), cancellationToken).ConfigureAwait(false);
            return 1;
        }

        var policy = accounts.Policy;
        if (options.Count == 0)
        {
            var text = new StringBuilder();
            void Line(string label, string value) => text.Append((label + ":").PadRight(54)).Append(value).Append("\r\n");
            static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);
            var forceLogoff = policy.Access("ForceLogoffWhenHourExpire");
            var maximum = policy.Access("MaximumPasswordAge");
            var history = policy.Access("PasswordHistorySize");
            var threshold = policy.Access("LockoutBadCount");
            Line("Force user logoff how long after time expires?", forceLogoff == 0 ? "Never" : Number(forceLogoff));
            Line("Minimum password age (days)", Number(policy.Access("MinimumPasswordAge")));
            Line("Maximum password age (days)", maximum <= 0 ? "Unlimited" : Number(maximum));
            Line("Minimum password length", Number(policy.Access("MinimumPasswordLength")));
            Line("Length of password history maintained", history == 0 ? "None" : Number(history));
            Line("Lockout threshold", threshold == 0 ? "Never" : Number(threshold));
            Line("Lockout duration (minutes)", Number(policy.Access("LockoutDuration")));
            Line("Lockout observation window (minutes)", Number(policy.Access("ResetLockoutCount")));
            Line("Computer role", "SERVER");
            text.Append("The command completed successfully.\r\n\r\n");
            await host.WriteTextAsync(WinRsStreams.Stdout, text.ToString(), cancellationToken).ConfigureAwait(false);
            return 0;
        }

        // Every option is checked before any takes effect, as net does.
        var changes = new List<(string Key, int Value)>();
        foreach (var option in options)
        {
            var colon = option.IndexOf(':', StringComparison.Ordinal);
            var name = (colon < 0 ? option : option[..colon]).ToUpperInvariant();
            var value = colon < 0 ? string.Empty : option[(colon + 1)..];
            (string Key, int Min, int Max, string? Word, int WordValue)? known = name switch
            {
                "/MINPWLEN" => ("MinimumPasswordLength", 0, 14, null, 0),
                "/MAXPWAGE" => ("MaximumPasswordAge", 1, 999, "UNLIMITED", -1),
                "/MINPWAGE" => ("MinimumPasswordAge", 0, 998, null, 0),
                "/UNIQUEPW" => ("PasswordHistorySize", 0, 24, null, 0),
                "/FORCELOGOFF" => ("ForceLogoffWhenHourExpire", 0, 99_999, "NO", 0),
                "/LOCKOUTTHRESHOLD" => ("LockoutBadCount", 0, 999, null, 0),
                "/LOCKOUTDURATION" => ("LockoutDuration", 0, 99_999, null, 0),
                "/LOCKOUTWINDOW" => ("ResetLockoutCount", 1, 99_999, null, 0),
                _ => null,
            };
            if (known is not { } k || value.Length == 0)
            {
                await host.WriteTextAsync(WinRsStreams.Stderr, "The syntax of this command is:\r\n\r\nNET ACCOUNTS\r\n[/FORCELOGOFF:{minutes | NO}] [/MINPWLEN:length]\r\n              [/MAXPWAGE:{days | UNLIMITED}] [/MINPWAGE:days]\r\n              [/UNIQUEPW:number] [/DOMAIN]\r\n\r\n", cancellationToken).ConfigureAwait(false);
                return 1;
            }

            int number;
            if (k.Word is not null && value.Equals(k.Word, StringComparison.OrdinalIgnoreCase)) number = k.WordValue;
            else if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number < k.Min || number > k.Max)
            {
                await host.WriteTextAsync(WinRsStreams.Stderr, "System error 87 has occurred.\r\n\r\nThe parameter is incorrect.\r\n\r\n", cancellationToken).ConfigureAwait(false);
                return 2;
            }

            changes.Add((k.Key, number));
        }

        foreach (var (key, value) in changes) policy.SetAccess(key, value);
        await host.WriteTextAsync(WinRsStreams.Stdout, "The command completed successfully.\r\n\r\n", cancellationToken).ConfigureAwait(false);
        return 0;
    }
}

/// <summary>
/// auditpol.exe over the computer's advanced audit policy (<see cref="SecurityPolicy.AuditSubcategories"/>):
/// <c>/get /category:*|NAME[,NAME] [/r]</c> and <c>/get /subcategory:NAME[,NAME] [/r]</c> (a name or its {GUID}; /r the
/// CSV InSpec's audit_policy reads), <c>/set /subcategory:NAME|/category:NAME [/success:enable|disable]
/// [/failure:enable|disable]</c>. An unknown name is error 0x57. /list, /backup, /restore, /clear, /remove and per-user
/// policy are not emulated. Layout as remembered (UNVERIFIED: the setting column at 42, the CSV's trailing blank line).
/// </summary>
internal sealed class AuditpolScript(string verb, IReadOnlyList<(string Name, string Value)> options) : ICommandLineScript
{
    private const string Incorrect = "Error 0x00000057 occurred:\r\nThe parameter is incorrect.\r\n\r\n";

    public string Description => "auditpol /" + verb;

    public static bool TryParse(string line, out AuditpolScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count == 0 || !(tokens[0].Value.Equals("auditpol", StringComparison.OrdinalIgnoreCase) || tokens[0].Value.Equals("auditpol.exe", StringComparison.OrdinalIgnoreCase))) return false;
        var verb = tokens.Count > 1 ? tokens[1].Value.TrimStart('/', '-').ToLowerInvariant() : string.Empty;
        var options = new List<(string Name, string Value)>();
        foreach (var (value, _) in tokens.Skip(2))
        {
            var colon = value.IndexOf(':', StringComparison.Ordinal);
            var name = (colon < 0 ? value : value[..colon]).TrimStart('/', '-').ToLowerInvariant();
            options.Add((name, colon < 0 ? string.Empty : value[(colon + 1)..]));
        }

        // /list, /backup, /restore, /clear, /remove and per-user policy are the scenario error of a command not emulated.
        if (verb is not ("get" or "set") || options.Any(o => o.Name is "user" or "include" or "exclude")) return false;
        script = new AuditpolScript(verb, options);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        if (host.LocalAccounts is not { } accounts)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor("auditpol"), cancellationToken).ConfigureAwait(false);
            return 1;
        }

        var policy = accounts.Policy;
        var selected = Selected();
        if (selected is null || options.Any(o => o.Name is not ("category" or "subcategory" or "r" or "success" or "failure")))
        {
            await host.WriteTextAsync(WinRsStreams.Stdout, Incorrect, cancellationToken).ConfigureAwait(false);
            return 87;
        }

        if (verb == "set")
        {
            bool? Switch(string name) => options.FirstOrDefault(o => o.Name == name).Value?.ToLowerInvariant() switch
            {
                null => null,
                "enable" => true,
                "disable" => false,
                _ => throw new FormatException(),
            };

            bool? success, failure;
            try
            {
                (success, failure) = (Switch("success"), Switch("failure"));
            }
            catch (FormatException)
            {
                await host.WriteTextAsync(WinRsStreams.Stdout, Incorrect, cancellationToken).ConfigureAwait(false);
                return 87;
            }

            foreach (var subcategory in selected) policy.SetSubcategoryAudit(subcategory, success, failure);
            await host.WriteTextAsync(WinRsStreams.Stdout, "The command was successfully executed.\r\n", cancellationToken).ConfigureAwait(false);
            return 0;
        }

        var text = new StringBuilder();
        if (options.Any(o => o.Name == "r"))
        {
            var machine = host.Environment.FirstOrDefault(v => v.Key.Equals("COMPUTERNAME", StringComparison.OrdinalIgnoreCase)).Value ?? accounts.ComputerName;
            text.Append("Machine Name,Policy Target,Subcategory,Subcategory GUID,Inclusion Setting,Exclusion Setting\r\n");
            foreach (var s in selected)
            {
                text.Append(CultureInfo.InvariantCulture, $"{machine},System,{s.Name},{{{s.Id.ToString().ToUpperInvariant()}}},{SecurityPolicy.AuditSettingText(policy.SubcategoryAudit(s))},\r\n");
            }

            text.Append("\r\n");
        }
        else
        {
            text.Append("System audit policy\r\n").Append("Category/Subcategory".PadRight(42)).Append("Setting\r\n");
            string? category = null;
            foreach (var s in selected)
            {
                if (s.Category != category) text.Append((category = s.Category) + "\r\n");
                text.Append(("  " + s.Name).PadRight(42)).Append(SecurityPolicy.AuditSettingText(policy.SubcategoryAudit(s))).Append("\r\n");
            }
        }

        await host.WriteTextAsync(WinRsStreams.Stdout, text.ToString(), cancellationToken).ConfigureAwait(false);
        return 0;
    }

    // The subcategories the /category or /subcategory option names (a name, its {GUID}, or * for every one); null for an unknown one.
    private List<SecurityPolicy.AuditSubcategory>? Selected()
    {
        var all = SecurityPolicy.AuditSubcategories;
        var byCategory = options.Where(o => o.Name == "category").Select(o => o.Value).ToList();
        var bySubcategory = options.Where(o => o.Name == "subcategory").Select(o => o.Value).ToList();
        if (byCategory.Count + bySubcategory.Count != 1) return null;
        var names = (byCategory.Count == 1 ? byCategory[0] : bySubcategory[0]).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(n => n.Trim('"', '\'')).ToList();
        if (names.Count == 0) return null;
        if (names is ["*"]) return [.. all];
        var selected = new List<SecurityPolicy.AuditSubcategory>();
        foreach (var name in names)
        {
            var matches = byCategory.Count == 1
                ? all.Where(s => s.Category.Equals(name, StringComparison.OrdinalIgnoreCase)).ToList()
                : all.Where(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase) || (Guid.TryParse(name, out var id) && id == s.Id)).ToList();
            if (matches.Count == 0) return null;
            selected.AddRange(matches);
        }

        // auditpol lists in its own order, whatever the order of the names.
        return [.. all.Where(selected.Contains)];
    }
}
