using System.Globalization;
using System.Text;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// net.exe's account commands over the computer's users and groups (<see cref="LocalAccounts"/>, what the LocalAccounts
/// cmdlets see): <c>net user</c> (the list, three names a row), <c>net user NAME</c> (its details), <c>net user NAME
/// [PASSWORD] /add</c> (a new user, in Users as NetUserAdd puts it), <c>net user NAME /delete</c>, <c>net user NAME
/// /active:yes|no</c>, <c>net user NAME PASSWORD</c>; <c>net localgroup</c>, <c>net localgroup NAME</c> (its members),
/// <c>net localgroup NAME [/comment:"text"] /add</c>, <c>/delete</c>, and <c>net localgroup NAME MEMBER... /add</c> or
/// <c>/delete</c>. Errors go to stderr with exit code 2 and net's messages (NET HELPMSG numbers, system errors). The
/// layout of the lists and details is net's as remembered (UNVERIFIED spacing); no password policy is enforced, and
/// <c>*</c> (a password prompt), /domain and the other options are not emulated.
/// </summary>
internal sealed class NetAccountsScript(bool group, IReadOnlyList<string> arguments, IReadOnlyList<string> options) : ICommandLineScript
{
    private const string Completed = "The command completed successfully.\r\n\r\n";
    private const string Rule = "-------------------------------------------------------------------------------\r\n";
    private static readonly CultureInfo EnUs = EnglishUnitedStates.Culture;

    public string Description => $"net {(group ? "localgroup" : "user")}";

    public static bool TryParse(string line, out NetAccountsScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count < 2 || !(tokens[0].Value.Equals("net", StringComparison.OrdinalIgnoreCase) || tokens[0].Value.Equals("net.exe", StringComparison.OrdinalIgnoreCase))) return false;
        var verb = tokens[1].Value.ToLowerInvariant();
        if (verb is not ("user" or "users" or "localgroup")) return false;
        var rest = tokens.Skip(2).Select(t => t.Value).ToList();
        script = new NetAccountsScript(verb == "localgroup", [.. rest.Where(t => !t.StartsWith('/'))], [.. rest.Where(t => t.StartsWith('/'))]);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        if (host.LocalAccounts is not { } accounts)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor("net " + (group ? "localgroup" : "user")), cancellationToken).ConfigureAwait(false);
            return 1;
        }

        var add = HasOption("/add");
        var delete = HasOption("/delete") || HasOption("/del");
        var unknown = options.FirstOrDefault(o => !IsKnownOption(o));
        if (unknown is not null || (add && delete))
        {
            return await FailAsync(host, $"The option {(unknown ?? "/delete").ToUpperInvariant()} is unknown.\r\n\r\nThe syntax of this command is:\r\n\r\nNET {(group ? "LOCALGROUP" : "USER")}\r\n\r\nMore help is available by typing NET HELPMSG 3506.\r\n\r\n", cancellationToken).ConfigureAwait(false);
        }

        var (text, code) = group ? await LocalGroupAsync(accounts, add, delete, host, cancellationToken).ConfigureAwait(false)
            : await UserAsync(accounts, add, delete, time, host, cancellationToken).ConfigureAwait(false);
        if (text is not null) await host.WriteTextAsync(WinRsStreams.Stdout, text, cancellationToken).ConfigureAwait(false);
        return code;
    }

    private bool HasOption(string name) => options.Any(o => o.Equals(name, StringComparison.OrdinalIgnoreCase));

    private string? OptionValue(string name) =>
        options.FirstOrDefault(o => o.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase)) is { } option ? option[(name.Length + 1)..] : null;

    private bool IsKnownOption(string option)
    {
        var name = option.Split(':')[0].ToLowerInvariant();
        return name is "/add" or "/delete" or "/del" || (group ? name is "/comment" : name is "/active" or "/comment" or "/fullname" or "/expires" or "/passwordreq" or "/passwordchg");
    }

    // net user ...: the text to write and the exit code (no text when an error was written).
    private async Task<(string? Text, int Code)> UserAsync(LocalAccounts accounts, bool add, bool delete, TimeProvider time, ICommandLineHost host, CancellationToken cancellationToken)
    {
        if (arguments.Count == 0)
        {
            if (add || delete) return await SyntaxAsync(host, cancellationToken).ConfigureAwait(false);
            return ($"\r\nUser accounts for \\\\{accounts.ComputerName}\r\n\r\n{Rule}{Columns(accounts.Users().Select(u => u.Name), 25, 3)}{Completed}", 0);
        }

        var name = arguments[0];
        if (arguments.Count > 2 || arguments.Count == 2 && arguments[1] == "*") return await SyntaxAsync(host, cancellationToken).ConfigureAwait(false);
        var password = arguments.Count == 2 ? arguments[1] : null;
        var comment = OptionValue("/comment");
        var fullName = OptionValue("/fullname");
        if (add)
        {
            if (!LocalAccounts.IsValidName(name))
            {
                return await SyntaxAsync(host, cancellationToken).ConfigureAwait(false);
            }

            var now = time.GetUtcNow();
            if (!accounts.TryAddUser(name, u => u with
            {
                Description = comment ?? string.Empty,
                FullName = fullName ?? string.Empty,
                PasswordLastSet = now,
                Password = password,
                Enabled = !string.Equals(OptionValue("/active"), "no", StringComparison.OrdinalIgnoreCase),
            }, out var user))
            {
                return await ErrorAsync(host, "The account already exists.\r\n\r\nMore help is available by typing NET HELPMSG 2224.\r\n\r\n", cancellationToken).ConfigureAwait(false);
            }

            // NetUserAdd puts a new user in Users (New-LocalUser does not).
            if (accounts.Resolve(name) is { } principal) accounts.AddMember("Users", principal);
            return (Completed, 0);
        }

        if (accounts.FindUser(name) is not { } existing)
        {
            return await ErrorAsync(host, "The user name could not be found.\r\n\r\nMore help is available by typing NET HELPMSG 2221.\r\n\r\n", cancellationToken).ConfigureAwait(false);
        }

        if (delete)
        {
            if (!accounts.RemoveUser(name))
            {
                return await ErrorAsync(host, "System error 1371 has occurred.\r\n\r\nCannot perform this operation on built-in accounts.\r\n\r\n", cancellationToken).ConfigureAwait(false);
            }

            return (Completed, 0);
        }

        var active = OptionValue("/active");
        if (password is null && active is null && comment is null && fullName is null) return (Details(accounts, existing), 0);
        accounts.TryUpdateUser(name, u => u with
        {
            PasswordLastSet = password is null ? u.PasswordLastSet : time.GetUtcNow(),
            Password = password ?? u.Password,
            Enabled = active is null ? u.Enabled : !active.Equals("no", StringComparison.OrdinalIgnoreCase),
            Description = comment ?? u.Description,
            FullName = fullName ?? u.FullName,
        }, out _);
        return (Completed, 0);
    }

    // net user NAME: its details, label column 29 wide, dates as en-US's general format.
    private static string Details(LocalAccounts accounts, LocalAccounts.User user)
    {
        static string Date(DateTimeOffset? value) => value is { } v ? v.ToOffset(TimeSpan.Zero).ToString("M/d/yyyy h:mm:ss tt", EnUs) : "Never";
        var expires = accounts.PasswordExpires(user);
        var groups = accounts.Groups();
        var memberships = accounts.GroupSidsOf(user).Select(sid => groups.First(g => g.Sid == sid).Name).ToList();
        var text = new StringBuilder();
        void Line(string label, string value) => text.Append(label.PadRight(29)).Append(value).Append("\r\n");
        Line("User name", user.Name);
        Line("Full Name", user.FullName);
        Line("Comment", user.Description);
        Line("User's comment", string.Empty);
        Line("Country/region code", "000 (System Default)");
        Line("Account active", user.Enabled ? "Yes" : "No");
        Line("Account expires", Date(user.AccountExpires));
        text.Append("\r\n");
        Line("Password last set", Date(user.PasswordLastSet));
        Line("Password expires", Date(expires));
        Line("Password changeable", Date(user.PasswordLastSet + accounts.Policy.MinimumPasswordAge));
        Line("Password required", user.PasswordRequired ? "Yes" : "No");
        Line("User may change password", user.UserMayChangePassword ? "Yes" : "No");
        text.Append("\r\n");
        Line("Workstations allowed", "All");
        Line("Logon script", string.Empty);
        Line("User profile", string.Empty);
        Line("Home directory", string.Empty);
        Line("Last logon", Date(user.LastLogon));
        text.Append("\r\n");
        Line("Logon hours allowed", "All");
        text.Append("\r\n");
        text.Append(Memberships("Local Group Memberships", memberships.Count == 0 ? ["None"] : memberships));
        text.Append(Memberships("Global Group memberships", ["None"]));
        return text.Append(Completed).ToString();

        // Two "*name" entries a line, each 22 wide, under a 29-wide label.
        static string Memberships(string label, IReadOnlyList<string> names)
        {
            var lines = new StringBuilder();
            for (var i = 0; i < names.Count; i += 2)
            {
                lines.Append((i == 0 ? label : string.Empty).PadRight(29));
                foreach (var name in names.Skip(i).Take(2)) lines.Append(("*" + name).PadRight(22));
                lines.Append("\r\n");
            }

            return lines.ToString();
        }
    }

    // net localgroup ...: the text to write and the exit code (no text when an error was written).
    private async Task<(string? Text, int Code)> LocalGroupAsync(LocalAccounts accounts, bool add, bool delete, ICommandLineHost host, CancellationToken cancellationToken)
    {
        if (arguments.Count == 0)
        {
            if (add || delete) return await SyntaxAsync(host, cancellationToken).ConfigureAwait(false);
            return ($"\r\nAliases for \\\\{accounts.ComputerName}\r\n\r\n{Rule}{string.Concat(accounts.Groups().Select(g => "*" + g.Name + "\r\n"))}{Completed}", 0);
        }

        var name = arguments[0];
        var members = arguments.Skip(1).ToList();
        if (members.Count == 0 && add)
        {
            if (!LocalAccounts.IsValidName(name, 256) || !accounts.TryAddGroup(name, OptionValue("/comment") ?? string.Empty, out _))
            {
                return await ErrorAsync(host, $"System error 1379 has occurred.\r\n\r\nThe specified local group already exists.\r\n\r\n", cancellationToken).ConfigureAwait(false);
            }

            return (Completed, 0);
        }

        if (accounts.FindGroup(name) is not { } target)
        {
            return await ErrorAsync(host, "System error 1376 has occurred.\r\n\r\nThe specified local group does not exist.\r\n\r\n", cancellationToken).ConfigureAwait(false);
        }

        if (members.Count == 0 && delete)
        {
            if (!accounts.RemoveGroup(target.Name))
            {
                return await ErrorAsync(host, "System error 1371 has occurred.\r\n\r\nCannot perform this operation on built-in accounts.\r\n\r\n", cancellationToken).ConfigureAwait(false);
            }

            return (Completed, 0);
        }

        if (members.Count == 0)
        {
            var list = accounts.Members(target.Name) ?? [];
            var prefix = accounts.ComputerName + "\\";
            // Members of the computer's own are shown by their bare names.
            var shown = list.Select(m => m.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? m.Name[prefix.Length..] : m.Name);
            return ($"Alias name     {name}\r\nComment        {target.Description}\r\n\r\nMembers\r\n\r\n{Rule}{string.Concat(shown.Select(m => m + "\r\n"))}{Completed}", 0);
        }

        if (!add && !delete) return await SyntaxAsync(host, cancellationToken).ConfigureAwait(false);
        foreach (var member in members)
        {
            if (accounts.Resolve(member) is not { } principal)
            {
                return await ErrorAsync(host, $"There is no such global user or group: {member}.\r\n\r\nMore help is available by typing NET HELPMSG 3783.\r\n\r\n", cancellationToken).ConfigureAwait(false);
            }

            if (add && !accounts.AddMember(target.Name, principal))
            {
                return await ErrorAsync(host, "System error 1378 has occurred.\r\n\r\nThe specified account name is already a member of the group.\r\n\r\n", cancellationToken).ConfigureAwait(false);
            }

            if (delete && !accounts.RemoveMember(target.Name, principal))
            {
                return await ErrorAsync(host, "System error 1377 has occurred.\r\n\r\nThe specified account name is not a member of the group.\r\n\r\n", cancellationToken).ConfigureAwait(false);
            }
        }

        return (Completed, 0);
    }

    // Names in rows of so many columns, each padded to the width.
    private static string Columns(IEnumerable<string> names, int width, int perRow)
    {
        var text = new StringBuilder();
        var column = 0;
        foreach (var name in names)
        {
            text.Append(name.PadRight(width));
            if (++column == perRow)
            {
                text.Append("\r\n");
                column = 0;
            }
        }

        if (column > 0) text.Append("\r\n");
        return text.ToString();
    }

    // A command net cannot read: its usage, exit code 1.
    private async Task<(string? Text, int Code)> SyntaxAsync(ICommandLineHost host, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stderr, $"The syntax of this command is:\r\n\r\nNET {(group ? "LOCALGROUP" : "USER")}\r\n\r\nMore help is available by typing NET HELPMSG 3505.\r\n\r\n", cancellationToken).ConfigureAwait(false);
        return (null, 1);
    }

    // An error net reports after trying: its message, exit code 2.
    private static async Task<(string? Text, int Code)> ErrorAsync(ICommandLineHost host, string message, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stderr, message, cancellationToken).ConfigureAwait(false);
        return (null, 2);
    }

    private static async Task<int> FailAsync(ICommandLineHost host, string message, CancellationToken cancellationToken)
    {
        await host.WriteTextAsync(WinRsStreams.Stderr, message, cancellationToken).ConfigureAwait(false);
        return 1;
    }
}

/// <summary>
/// <c>whoami /upn</c> and <c>whoami /fqdn</c>: the computers are in a workgroup and their users local, so whoami says it
/// cannot get the name, on stderr with exit code 1.
/// </summary>
internal sealed class WhoamiDomainNameScript(string what) : ICommandLineScript
{
    public string Description => "whoami " + what;

    public static bool TryParse(string line, out WhoamiDomainNameScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count != 2 || !CommandLineText.IsProgram(tokens[0].Value, "whoami")) return false;
        var what = tokens[1].Value.ToLowerInvariant();
        if (what is not ("/upn" or "/fqdn")) return false;
        script = new WhoamiDomainNameScript(what);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var name = what == "/upn" ? "User Principal Name (UPN)" : "Fully Qualified Distinguished Name (FQDN)";
        await host.WriteTextAsync(WinRsStreams.Stderr, $"ERROR: Unable to get {name} as the current logged-on user is not a domain user.\r\n", cancellationToken).ConfigureAwait(false);
        return 1;
    }
}

/// <summary>
/// whoami's token sections, each a table whose columns are as wide as their longest value: <c>/user</c> (USER
/// INFORMATION: the logon name, lower case, and its SID), <c>/groups</c> (GROUP INFORMATION: Everyone, the user's local
/// groups from <see cref="LocalAccounts"/>, the network logon's well-known groups, and its mandatory label, High for an
/// administrator: a remote session's token is not filtered by UAC, the S-1-16-12288 scripts look for to tell an
/// elevated one, else Medium), <c>/priv</c> (PRIVILEGES INFORMATION: an administrator's 24 privileges of Server 2019,
/// another's two, all Enabled as in a network logon), any of them together in that order, and <c>/all</c> (the three and
/// USER CLAIMS INFORMATION). UNVERIFIED: the groups' attributes wording, a non-administrator's privileges, the blank
/// lines between sections. <c>/fo table|list|csv</c> and <c>/nh</c> lay the sections out (UNVERIFIED: LIST's label
/// padding, what separates CSV sections, the claims line in LIST and CSV). <c>/upn</c> and <c>/fqdn</c> are
/// <see cref="WhoamiDomainNameScript"/>'s; <c>/logonid</c> is not emulated.
/// </summary>
internal sealed class WhoamiScript(bool user, bool groups, bool privileges, bool claims) : ICommandLineScript
{
    public string Description => "whoami" + (user ? " /user" : string.Empty) + (groups ? " /groups" : string.Empty) + (privileges ? " /priv" : string.Empty);

    private const string Enabled = "Mandatory group, Enabled by default, Enabled group";

    // An elevated administrator's privileges in token order, with LookupPrivilegeDisplayName's texts.
    private static readonly (string Name, string Description)[] AdministratorPrivileges =
    [
        ("SeIncreaseQuotaPrivilege", "Adjust memory quotas for a process"), ("SeSecurityPrivilege", "Manage auditing and security log"),
        ("SeTakeOwnershipPrivilege", "Take ownership of files or other objects"), ("SeLoadDriverPrivilege", "Load and unload device drivers"),
        ("SeSystemProfilePrivilege", "Profile system performance"), ("SeSystemtimePrivilege", "Change the system time"),
        ("SeProfileSingleProcessPrivilege", "Profile single process"), ("SeIncreaseBasePriorityPrivilege", "Increase scheduling priority"),
        ("SeCreatePagefilePrivilege", "Create a pagefile"), ("SeBackupPrivilege", "Back up files and directories"),
        ("SeRestorePrivilege", "Restore files and directories"), ("SeShutdownPrivilege", "Shut down the system"),
        ("SeDebugPrivilege", "Debug programs"), ("SeSystemEnvironmentPrivilege", "Modify firmware environment values"),
        ("SeChangeNotifyPrivilege", "Bypass traverse checking"), ("SeRemoteShutdownPrivilege", "Force shutdown from a remote system"),
        ("SeUndockPrivilege", "Remove computer from docking station"), ("SeManageVolumePrivilege", "Perform volume maintenance tasks"),
        ("SeImpersonatePrivilege", "Impersonate a client after authentication"), ("SeCreateGlobalPrivilege", "Create global objects"),
        ("SeIncreaseWorkingSetPrivilege", "Increase a process working set"), ("SeTimeZonePrivilege", "Change the time zone"),
        ("SeCreateSymbolicLinkPrivilege", "Create symbolic links"),
        ("SeDelegateSessionUserImpersonatePrivilege", "Obtain an impersonation token for another user in the same session"),
    ];

    private static readonly (string Name, string Description)[] UserPrivileges =
    [
        ("SeChangeNotifyPrivilege", "Bypass traverse checking"), ("SeIncreaseWorkingSetPrivilege", "Increase a process working set"),
    ];

    public static bool TryParse(string line, out WhoamiScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count < 2 || !CommandLineText.IsProgram(tokens[0].Value, "whoami")) return false;
        bool user = false, groups = false, privileges = false, all = false, noHeader = false;
        string? format = null;
        for (var i = 1; i < tokens.Count; i++)
        {
            switch (tokens[i].Value.ToLowerInvariant())
            {
                case "/user": user = true; break;
                case "/groups": groups = true; break;
                case "/priv": privileges = true; break;
                case "/all": all = true; break;
                case "/nh": noHeader = true; break;
                case "/fo" when i + 1 < tokens.Count && format is null: format = tokens[++i].Value.ToLowerInvariant(); break;
                default: return false;
            }
        }

        if (all && (user || groups || privileges) || !(all || user || groups || privileges)) return false;
        if (format is not (null or "table" or "list" or "csv")) return false;
        var layout = format switch { "list" => WhoamiFormat.List, "csv" => WhoamiFormat.Csv, _ => WhoamiFormat.Table };
        script = all ? new WhoamiScript(true, true, true, claims: true) { Format = layout, NoHeader = noHeader }
            : new WhoamiScript(user, groups, privileges, claims: false) { Format = layout, NoHeader = noHeader };
        return true;
    }

    /// <summary>/fo: TABLE (the default), LIST or CSV.</summary>
    public WhoamiFormat Format { get; private init; }

    /// <summary>/nh: no column headers (TABLE and CSV only).</summary>
    public bool NoHeader { get; private init; }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        if (NoHeader && Format == WhoamiFormat.List)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, "ERROR: Invalid syntax. /NH option is valid only for TABLE and CSV formats.\r\nType \"WHOAMI /?\" for usage.\r\n", cancellationToken).ConfigureAwait(false);
            return 1;
        }

        var name = host.Facts.GetValueOrDefault("username") ?? host.Environment.FirstOrDefault(e => e.Key.Equals("USERNAME", StringComparison.OrdinalIgnoreCase)).Value ?? string.Empty;
        var accounts = host.LocalAccounts;
        var account = accounts?.FindUser(name);
        IReadOnlyList<string> sids = account is not null ? accounts!.GroupSidsOf(account) : ["S-1-5-32-544", "S-1-5-32-545"];
        var administrator = sids.Contains("S-1-5-32-544");
        var sections = new List<string>();
        if (user)
        {
            var userSid = account is not null ? accounts!.UserSid(account) : (accounts?.ComputerSid ?? "S-1-5-21-0-0-0") + "-500";
            sections.Add(Section("USER INFORMATION", ["User Name", "SID"], [[host.LogonName().ToLowerInvariant(), userSid]]));
        }

        if (groups) sections.Add(Section("GROUP INFORMATION", ["Group Name", "Type", "SID", "Attributes"], GroupRows(accounts, sids, administrator)));
        if (privileges)
        {
            sections.Add(Section("PRIVILEGES INFORMATION", ["Privilege Name", "Description", "State"],
                [.. (administrator ? AdministratorPrivileges : UserPrivileges).Select(p => new[] { p.Name, p.Description, "Enabled" })]));
        }

        if (claims && Format != WhoamiFormat.Table) sections.Add(Format == WhoamiFormat.Csv ? "\r\nUser claims unknown.\r\n" : "\r\nUSER CLAIMS INFORMATION\r\n-----------------------\r\n\r\nUser claims unknown.\r\n");
        else if (claims) sections.Add("\r\nUSER CLAIMS INFORMATION\r\n-----------------------\r\n\r\nUser claims unknown.\r\n\r\nKerberos support for Dynamic Access Control on this device has been disabled.\r\n");
        await host.WriteTextAsync(WinRsStreams.Stdout, string.Join("\r\n", sections), cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private static List<string[]> GroupRows(LocalAccounts? accounts, IReadOnlyList<string> sids, bool administrator)
    {
        var rows = new List<string[]> { new[] { "Everyone", "Well-known group", "S-1-1-0", Enabled } };
        foreach (var sid in sids)
        {
            var group = accounts?.Groups().FirstOrDefault(g => g.Sid == sid);
            var name = group is null ? (sid == "S-1-5-32-544" ? "Administrators" : "Users") : group.Name;
            var builtIn = sid.StartsWith("S-1-5-32-", StringComparison.Ordinal);
            rows.Add([(builtIn ? "BUILTIN\\" : (accounts?.ComputerName ?? string.Empty) + "\\") + name, "Alias", sid, sid == "S-1-5-32-544" ? Enabled + ", Group owner" : Enabled]);
        }

        rows.Add([@"NT AUTHORITY\NETWORK", "Well-known group", "S-1-5-2", Enabled]);
        rows.Add([@"NT AUTHORITY\Authenticated Users", "Well-known group", "S-1-5-11", Enabled]);
        rows.Add([@"NT AUTHORITY\This Organization", "Well-known group", "S-1-5-15", Enabled]);
        rows.Add([@"NT AUTHORITY\Local account", "Well-known group", "S-1-5-113", Enabled]);
        if (administrator) rows.Add([@"NT AUTHORITY\Local account and member of Administrators group", "Well-known group", "S-1-5-114", Enabled]);
        rows.Add([@"NT AUTHORITY\NTLM Authentication", "Well-known group", "S-1-5-64-10", Enabled]);
        rows.Add(administrator ? [@"Mandatory Label\High Mandatory Level", "Label", "S-1-16-12288", string.Empty] : [@"Mandatory Label\Medium Mandatory Level", "Label", "S-1-16-8192", string.Empty]);
        return rows;
    }

    // A section in the /fo layout. TABLE: its title underlined, a blank line, the table (headers, '=' rules, rows;
    // trailing blanks trimmed). LIST: the title, then each row as "Header: value" lines, labels padded to the longest.
    // CSV: no title, every value quoted, the header line first (the line `whoami /groups /fo csv | ConvertFrom-Csv` reads).
    private string Section(string title, string[] headers, List<string[]> rows)
    {
        var text = new StringBuilder();
        switch (Format)
        {
            case WhoamiFormat.Csv:
                static string Csv(IEnumerable<string> cells) => string.Join(',', cells.Select(c => "\"" + c + "\"")) + "\r\n";
                if (!NoHeader) text.Append(Csv(headers));
                foreach (var row in rows) text.Append(Csv(row));
                return text.ToString();
            case WhoamiFormat.List:
                var label = headers.Max(h => h.Length) + 1;
                text.Append($"\r\n{title}\r\n{new string('-', title.Length)}\r\n");
                foreach (var row in rows)
                {
                    text.Append("\r\n");
                    for (var i = 0; i < headers.Length; i++) text.Append((headers[i] + ":").PadRight(label)).Append(' ').Append(row[i]).Append("\r\n");
                }

                return text.ToString();
            default:
                var widths = headers.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
                text.Append($"\r\n{title}\r\n{new string('-', title.Length)}\r\n\r\n");
                void Row(IEnumerable<string> cells) => text.Append(string.Join(' ', cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd()).Append("\r\n");
                if (!NoHeader)
                {
                    Row(headers);
                    Row(widths.Select(w => new string('=', w)));
                }

                foreach (var row in rows) Row(row);
                return text.ToString();
        }
    }
}

/// <summary>whoami's /fo layouts.</summary>
internal enum WhoamiFormat
{
    Table,
    List,
    Csv,
}

/// <summary>
/// <c>quser</c> / <c>query user</c> (<c>[name]</c>, <c>/server:</c> naming the computer itself): the terminal sessions'
/// users. A remote session's logon (WinRM's network logon) is no terminal session, and the emulated computers have no
/// console or Remote Desktop logons, so it is "No User exists for *" (or for the name) on stderr with exit code 1, as
/// on a server nobody has signed in to. A scenario models a signed-in user with a cmd rule.
/// </summary>
internal sealed class QueryUserScript(IReadOnlyList<string> arguments) : ICommandLineScript
{
    public string Description => ("quser " + string.Join(' ', arguments)).Trim();

    public static bool TryParse(string line, out QueryUserScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line).Select(t => t.Value).ToList();
        if (tokens.Count == 0) return false;
        if (CommandLineText.IsProgram(tokens[0], "quser"))
        {
            script = new QueryUserScript([.. tokens.Skip(1)]);
            return true;
        }

        if (tokens.Count >= 2 && CommandLineText.IsProgram(tokens[0], "query") && tokens[1].Equals("user", StringComparison.OrdinalIgnoreCase))
        {
            script = new QueryUserScript([.. tokens.Skip(2)]);
            return true;
        }

        return false;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var computer = host.EnvironmentVariable("COMPUTERNAME") ?? string.Empty;
        var names = new List<string>();
        foreach (var argument in arguments)
        {
            if (argument.StartsWith("/server:", StringComparison.OrdinalIgnoreCase) && CommandLineText.IsThisComputer(argument[8..], computer))
            {
                continue;
            }

            if (argument.StartsWith('/') || names.Count > 0)
            {
                await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor(Description), cancellationToken).ConfigureAwait(false);
                return 1;
            }

            names.Add(argument);
        }

        await host.WriteTextAsync(WinRsStreams.Stderr, $"No User exists for {(names.Count == 0 ? "*" : names[0])}\r\n", cancellationToken).ConfigureAwait(false);
        return 1;
    }
}

/// <summary>
/// <c>net session</c> and <c>net use</c> alone on a computer only remoted to: no SMB session is open to it (a WinRM
/// connection is none) and the logon maps no drives, so each says "There are no entries in the list." (net use after
/// its "New connections will be remembered." line; UNVERIFIED for a remote logon). Any argument is not emulated.
/// </summary>
internal sealed class NetSessionsScript(string verb) : ICommandLineScript
{
    public string Description => "net " + verb;

    public static bool TryParse(string line, out NetSessionsScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count != 2 || !(tokens[0].Value.Equals("net", StringComparison.OrdinalIgnoreCase) || tokens[0].Value.Equals("net.exe", StringComparison.OrdinalIgnoreCase))) return false;
        var verb = tokens[1].Value.ToLowerInvariant();
        if (verb is not ("session" or "sessions" or "use")) return false;
        script = new NetSessionsScript(verb);
        return true;
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        var text = (verb == "use" ? "New connections will be remembered.\r\n\r\n" : string.Empty) + "There are no entries in the list.\r\n\r\n";
        await host.WriteTextAsync(WinRsStreams.Stdout, text, cancellationToken).ConfigureAwait(false);
        return 0;
    }
}
