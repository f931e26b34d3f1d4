using System.Text.RegularExpressions;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Pipelines no rule answers whole: the first command's output (whatever answers it: a rule, a function, an
/// expression) streams through PowerShell's common pipeline cmdlets, one object at a time as PowerShell passes them:
/// ForEach-Object, Where-Object, Select-Object, Sort-Object, Group-Object, Measure-Object, Tee-Object, Out-Null,
/// Format-Table, Format-List, Out-String, Select-String and the JSON and CSV converters, and the session's functions
/// and filters. So a scenario gives <c>Get-Service</c> its objects and
/// <c>Get-Service | Where-Object Status -eq Running | Select-Object -First 1</c> works.
/// </summary>
internal sealed partial class RunContext
{
    /// <summary>Objects a stage that holds its input (Sort-Object, Group-Object, Select-Object -Last and -Unique, a function's $input) keeps.</summary>
    private const int MaxStageObjects = CapturingHost.MaxValues;

    /// <summary>
    /// The pipeline's stages after its first command, when every one of them is a cmdlet this class runs or a function;
    /// null otherwise (the statement is then the rules' as before).
    /// </summary>
    /// <remarks>
    /// With <paramref name="session"/>, a function the session defined is a stage too (its body then comes with it);
    /// without, only the cmdlets are known.
    /// </remarks>
    private static ParsedPipeline? PipelineStages(string text, PipelineVariables? session)
    {
        var elements = Statements.SplitTopLevel(text, c => c == '|');
        if (elements.Count < 2 || elements.Any(e => e.Trim().Length == 0)) return null;
        var stages = new List<(string, List<string>, string?)>(elements.Count - 1);
        for (var i = 1; i < elements.Count; i++)
        {
            // A brace ends a command's name: "%{ $_ }" and "where{ ... }" are the command and a script block.
            var element = elements[i].Trim();
            if (CommandNameBeforeBrace().Match(element) is { Success: true } glued) element = element.Insert(glued.Length - 1, " ");
            // So does the call operator: "&{ process { } }" is & and the block.
            if (element is ['&' or '.', '{', ..]) element = element.Insert(1, " ");
            var words = Statements.SplitArguments(element);
            if (words.Count == 0) return null;
            // A variable holding a script block (ForEach-Object $sb, Where-Object -FilterScript $sb): the block itself.
            for (var w = 1; w < words.Count && session is not null; w++)
            {
                if (words[w] is ['$', _, ..] variable && session.Get(variable[1..]) is PsPrimitive { Type: PsPrimitiveType.ScriptBlock, Value: string block } held)
                {
                    words[w] = "{" + block + "}";
                    // A closure's block runs in the scope it captured (RunWithItemAsync takes it for each object).
                    session.ScriptBlockInvoked(held);
                }
            }

            // A function shadows a cmdlet of the same name, as in PowerShell.
            if (session?.Function(words[0]) is { } body) stages.Add((words[0], words, body));
            // A script block invoked in the pipeline (| & { process { } }, | & $sb, | . { }): a function of that body.
            else if (words is [var invoke and ("&" or "."), ['{', .., '}'] block, ..]) stages.Add((invoke, [invoke, .. words.Skip(2)], block[1..^1]));
            else if (CanonicalCmdlet(words[0]) is { } command) stages.Add((command, words.GetRange(1, words.Count - 1), null));
            // A cmdlet that binds its path or name from each object piped in ("WinRM" | Get-Service, $paths | Test-Path).
            else if (PipelineBoundParameter(words[0]) is var (bound, parameter)) stages.Add((RerunStageCommand, [bound, parameter, .. words.Skip(1)], null));
            // A program (findstr, sort.exe): its whole text runs by the computer's command-line rules.
            else if (WindowsCommands.IsProgram(words[0]) || WindowsCommands.ProgramOfPath(words[0]) is not null) stages.Add((ProgramStageCommand, [elements[i].Trim()], null));
            // 5.1's more function without paths: `$input | more.com`, in the console's code page ($OutputEncoding set so).
            else if (words is [var more] && more.Equals("more", StringComparison.OrdinalIgnoreCase)) stages.Add((MoreStageCommand, ["more.com"], null));
            else return null;
        }

        return new ParsedPipeline(elements[0], stages);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:[%?]|[A-Za-z][\w-]*)\{", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex CommandNameBeforeBrace();

    /// <summary>The command of a stage run once per object piped in (its arguments: the cmdlet, the parameter bound, its own words).</summary>
    private const string RerunStageCommand = "(per object)";

    // The cmdlets the emulator runs as statements that bind a path or name from the pipeline by value or property, and that parameter.
    private static (string Command, string Parameter)? PipelineBoundParameter(string name) =>
        (WindowsCommands.AliasTarget(name) ?? name).ToUpperInvariant() switch
        {
            "TEST-PATH" => ("Test-Path", "Path"),
            "GET-ITEM" => ("Get-Item", "Path"),
            "GET-CONTENT" => ("Get-Content", "Path"),
            "GET-CHILDITEM" => ("Get-ChildItem", "Path"),
            "GET-FILEHASH" => ("Get-FileHash", "Path"),
            "SPLIT-PATH" => ("Split-Path", "Path"),
            "RESOLVE-PATH" => ("Resolve-Path", "Path"),
            "CONVERT-PATH" => ("Convert-Path", "Path"),
            "GET-SERVICE" => ("Get-Service", "Name"),
            "CONVERTTO-SECURESTRING" => ("ConvertTo-SecureString", "String"),
            "CONVERTFROM-SECURESTRING" => ("ConvertFrom-SecureString", "SecureString"),
            "JOIN-PATH" => ("Join-Path", "Path"),
            "RENAME-ITEM" or "REN" or "RNI" => ("Rename-Item", "Path"),
            "UNBLOCK-FILE" => ("Unblock-File", "Path"),
            "EXPAND-ARCHIVE" => ("Expand-Archive", "Path"),
            // Message and Date bind by value (ValueFromPipeline), the text or the object itself.
            "WRITE-WARNING" => ("Write-Warning", "Message"),
            "WRITE-VERBOSE" => ("Write-Verbose", "Message"),
            "WRITE-DEBUG" => ("Write-Debug", "Message"),
            "WRITE-ERROR" => ("Write-Error", "Message"),
            "GET-DATE" => ("Get-Date", "Date"),
            _ => null,
        };

    /// <summary>
    /// A cmdlet run once per object piped in, as PowerShell binds it: an item (a FileInfo, a registry key) as its
    /// -LiteralPath (its PSPath's provider path), a service as its -Name, anything else as the parameter's text.
    /// </summary>
    private sealed class PerObjectStage(RunContext context, string command, string parameter, List<string> words, IPipelineHost? to, int blockNesting) : Stage
    {
        private const string PipedVariable = "__psrpemu_piped";

        public override async ValueTask ProcessAsync(PsValue item)
        {
            // By property name first (an object's Name for -Name; an item's PSPath, as -LiteralPath, or a Path property for
            // -Path), else by value (its text).
            if (parameter is "SecureString" or "Date")
            {
                // The object itself (a SecureString has no text to quote), through a variable of the stage's own, gone after.
                var previous = context.SetLocalVariable(PipedVariable, item);
                try
                {
                    await context.RunStatementAsync($"{command} -{parameter} ${PipedVariable} {string.Join(' ', words)}", new EmittingHost(to ?? context.Host, Emit), blockNesting + 1);
                }
                finally
                {
                    context.SetLocalVariable(PipedVariable, previous);
                }

                return;
            }

            var (name, text) = item switch
            {
                // Join-Path binds its -Path by value (and an item's PSPath), never -LiteralPath.
                _ when command == "Join-Path" => (parameter, PipelineVariables.Display(item)),
                PsObject { BaseValue: null } named when parameter == "Name" && named["Name"] is { } value and not PsNil => ("Name", PipelineVariables.Display(value)),
                PsObject { BaseValue: null } o when parameter == "Path" && (o["FullName"] ?? o["PSPath"]) is { } path and not PsNil => ("LiteralPath", PipelineVariables.Display(path)),
                PsObject { BaseValue: null } o when parameter == "Path" && o["Path"] is { } path and not PsNil => ("Path", PipelineVariables.Display(path)),
                _ => (parameter, PipelineVariables.Display(item)),
            };
            var statement = $"{command} -{name} '{text.Replace("'", "''", StringComparison.Ordinal)}' {string.Join(' ', words)}";
            await context.RunStatementAsync(statement, new EmittingHost(to ?? context.Host, Emit), blockNesting + 1);
        }
    }

    // Sets a variable of this scope (null: removes it) and answers what it held before.
    private PsValue? SetLocalVariable(string name, PsValue? value)
    {
        var previous = scope.Variables.Get(name);
        scope.Variables.SetLocal(name, value);
        return previous;
    }

    /// <summary>The command of a stage that is a program (its one argument the stage's text).</summary>
    private const string ProgramStageCommand = "(program)";

    /// <summary>The command of a stage that is 5.1's <c>more</c> function (more.com fed in the console's code page).</summary>
    private const string MoreStageCommand = "(more)";

    /// <summary>A pipeline's first command (any statement) and its stages' commands, arguments and function bodies.</summary>
    private sealed record ParsedPipeline(string First, List<(string Command, List<string> Arguments, string? FunctionBody)> Stages);

    /// <summary>Whether the text is a pipeline this class runs (its later commands all among the cmdlets above).</summary>
    internal static bool IsCmdletPipeline(string text) => ScriptExpressions.HasPipeline(text) && PipelineStages(text, null) is not null;

    /// <summary>The first word of each element of a pipeline after its first (a function among them makes it one to run).</summary>
    internal static IReadOnlyList<string> LaterPipelineCommands(string text) =>
        [.. Statements.SplitTopLevel(text, c => c == '|').Skip(1).Select(e => UnknownCommandScript.FirstWordOf(e.Trim()))];

    /// <summary>
    /// The command PowerShell would call unknown in a statement nothing answers whole. It looks a pipeline's commands
    /// up left to right: the first element that is a command (not an expression such as <c>"a"</c> or <c>$x</c>) and
    /// neither a pipeline cmdlet the emulator runs nor one <paramref name="answered"/> knows (a rule's text, a
    /// function). Without one, the statement's first word.
    /// </summary>
    internal static string UnknownCommandOf(string text, Func<string, bool> answered)
    {
        if (!ScriptExpressions.HasPipeline(text)) return CommandNameOf(text.Trim());
        // A cmdlet the emulator runs as a statement but not fed by a pipeline ('C:\x' | New-Item, Get-Item x | Set-Item):
        // the one to name when every command is known (not the pipeline's first, which is fine alone).
        string? unfed = null;
        var elements = Statements.SplitTopLevel(text, c => c == '|');
        foreach (var element in elements)
        {
            var stage = element.Trim();
            if (!ScriptExpressions.IsCommandMode(stage)) continue;
            var name = UnknownCommandScript.FirstWordOf(stage);
            if (unfed is null && !ReferenceEquals(element, elements[0]) && CanonicalCmdlet(name) is null && PipelineBoundParameter(name) is null && ValueCommand(stage) is not null) unfed = name;
            // A stage with -ErrorAction (-WarningAction) is answered as the rules answer it without them.
            // So is a command the emulated cmdlets run (Get-ChildItem, Get-Process with their parameters), and one the
            // statements run themselves (Write-Output, Start-Sleep, Write-Verbose, ConvertTo-Json).
            if (CanonicalCmdlet(name) is null && ValueCommand(stage) is null && !Statements.IsStatementCommand(stage) && !answered(stage) &&
                !(Statements.ActionPreferences(stage) is { } bare && answered(bare.Bare))) return name;
        }

        return unfed ?? CommandNameOf(text.Trim());
    }

    // The command a statement names: its first word, or after the dot-source operator the path or name it runs
    // (`. C:\x.ps1` is "The term 'C:\x.ps1' is not recognized", not '.'), unquoted.
    private static string CommandNameOf(string statement)
    {
        if (statement is ['.', ' ' or '\t', ..] && Statements.SplitArguments(statement[1..].TrimStart()) is [var named, ..] && named.Length > 0 && named[0] is not ('{' or '$' or '('))
        {
            return named is ['\'' or '"', .., '\'' or '"'] && named.Length >= 2 ? named[1..^1] : named;
        }

        return UnknownCommandScript.FirstWordOf(statement);
    }

    private static string? CanonicalCmdlet(string name) => name.ToUpperInvariant() switch
    {
        "FOREACH-OBJECT" or "FOREACH" or "%" => "ForEach-Object",
        "WHERE-OBJECT" or "WHERE" or "?" => "Where-Object",
        "SELECT-OBJECT" or "SELECT" => "Select-Object",
        "SORT-OBJECT" or "SORT" => "Sort-Object",
        "GET-UNIQUE" or "GU" => "Get-Unique",
        "MEASURE-OBJECT" or "MEASURE" => "Measure-Object",
        "GROUP-OBJECT" or "GROUP" => "Group-Object",
        "OUT-NULL" => "Out-Null",
        "WRITE-HOST" => "Write-Host",
        "WRITE-OUTPUT" or "WRITE" or "ECHO" => "Write-Output",
        "OUT-HOST" or "OH" => "Out-Host",
        "OUT-DEFAULT" => "Out-Default",
        "FORMAT-TABLE" or "FT" => "Format-Table",
        "FORMAT-LIST" or "FL" => "Format-List",
        "FORMAT-WIDE" or "FW" => "Format-Wide",
        "OUT-STRING" => "Out-String",
        "CONVERTTO-JSON" => "ConvertTo-Json",
        "CONVERTTO-HTML" => "ConvertTo-Html",
        "CONVERTFROM-STRINGDATA" => "ConvertFrom-StringData",
        "CONVERTFROM-JSON" => "ConvertFrom-Json",
        "SELECT-STRING" or "SLS" => "Select-String",
        "CONVERTTO-CSV" => "ConvertTo-Csv",
        "CONVERTFROM-CSV" => "ConvertFrom-Csv",
        "TEE-OBJECT" or "TEE" => "Tee-Object",
        "ADD-MEMBER" => "Add-Member",
        "GET-MEMBER" or "GM" => "Get-Member",
        "GET-RANDOM" => "Get-Random",
        "COMPARE-OBJECT" or "COMPARE" or "DIFF" => "Compare-Object",
        "SET-CONTENT" or "SC" => "Set-Content",
        "EXPORT-CSV" or "EPCSV" => "Export-Csv",
        "EXPORT-CLIXML" => "Export-Clixml",
        "GET-ACL" => "Get-Acl",
        "SET-ACL" => "Set-Acl",
        "ADD-CONTENT" or "AC" => "Add-Content",
        "OUT-FILE" => "Out-File",
        "REMOVE-ITEM" or "RM" or "DEL" or "ERASE" or "RI" or "RD" or "RMDIR" => "Remove-Item",
        "REMOVE-PSSESSION" or "RSN" => "Remove-PSSession",
        "DISCONNECT-PSSESSION" or "DNSN" => "Disconnect-PSSession",
        "CONNECT-PSSESSION" or "CNSN" => "Connect-PSSession",
        "RECEIVE-PSSESSION" or "RCSN" => "Receive-PSSession",
        "COPY-ITEM" or "CP" or "COPY" or "CPI" => "Copy-Item",
        "MOVE-ITEM" or "MV" or "MOVE" or "MI" => "Move-Item",
        "GET-PROCESS" or "GPS" or "PS" => "Get-Process",
        "STOP-PROCESS" or "SPPS" or "KILL" => "Stop-Process",
        "WAIT-PROCESS" => "Wait-Process",
        "START-SERVICE" or "SASV" => "Start-Service",
        "STOP-SERVICE" or "SPSV" => "Stop-Service",
        "RESTART-SERVICE" => "Restart-Service",
        "SET-SERVICE" => "Set-Service",
        "SUSPEND-SERVICE" => "Suspend-Service",
        "INVOKE-CIMMETHOD" or "ICIM" => "Invoke-CimMethod",
        "INSTALL-WINDOWSFEATURE" or "ADD-WINDOWSFEATURE" => "Install-WindowsFeature",
        "UNINSTALL-WINDOWSFEATURE" or "REMOVE-WINDOWSFEATURE" => "Uninstall-WindowsFeature",
        "COMPRESS-ARCHIVE" => "Compress-Archive",
        "SELECT-XML" => "Select-Xml",
        "INVOKE-WMIMETHOD" or "IWMI" => "Invoke-WmiMethod",
        "RESUME-SERVICE" => "Resume-Service",
        "IMPORT-MODULE" or "IPMO" => "Import-Module",
        "REMOVE-MODULE" or "RMO" => "Remove-Module",
        "GET-LOCALUSER" or "GLU" => "Get-LocalUser",
        "GET-LOCALGROUP" or "GLG" => "Get-LocalGroup",
        "GET-LOCALGROUPMEMBER" or "GLGM" => "Get-LocalGroupMember",
        "REMOVE-LOCALUSER" or "RLU" => "Remove-LocalUser",
        "ENABLE-LOCALUSER" or "ELU" => "Enable-LocalUser",
        "DISABLE-LOCALUSER" or "DLU" => "Disable-LocalUser",
        "SET-LOCALUSER" or "SLU" => "Set-LocalUser",
        "REMOVE-LOCALGROUP" or "RLG" => "Remove-LocalGroup",
        "ADD-LOCALGROUPMEMBER" or "ALGM" => "Add-LocalGroupMember",
        "REMOVE-LOCALGROUPMEMBER" or "RLGM" => "Remove-LocalGroupMember",
        "SET-NETFIREWALLRULE" => "Set-NetFirewallRule",
        "REMOVE-NETFIREWALLRULE" => "Remove-NetFirewallRule",
        "ENABLE-NETFIREWALLRULE" => "Enable-NetFirewallRule",
        "DISABLE-NETFIREWALLRULE" => "Disable-NetFirewallRule",
        "GET-NETFIREWALLPORTFILTER" => "Get-NetFirewallPortFilter",
        "SET-NETFIREWALLPROFILE" => "Set-NetFirewallProfile",
        "UNREGISTER-SCHEDULEDTASK" => "Unregister-ScheduledTask",
        "ENABLE-SCHEDULEDTASK" => "Enable-ScheduledTask",
        "DISABLE-SCHEDULEDTASK" => "Disable-ScheduledTask",
        "START-SCHEDULEDTASK" => "Start-ScheduledTask",
        "GET-SCHEDULEDTASKINFO" => "Get-ScheduledTaskInfo",
        "EXPORT-SCHEDULEDTASK" => "Export-ScheduledTask",
        "SET-NETCONNECTIONPROFILE" => "Set-NetConnectionProfile",
        "SET-DNSCLIENT" => "Set-DnsClient",
        "GET-SMBSHARE" => "Get-SmbShare",
        "SET-SMBSHARE" => "Set-SmbShare",
        "REMOVE-SMBSHARE" => "Remove-SmbShare",
        "REMOVE-CIMSESSION" => "Remove-CimSession",
        "GET-SMBSHAREACCESS" => "Get-SmbShareAccess",
        "GRANT-SMBSHAREACCESS" => "Grant-SmbShareAccess",
        "REVOKE-SMBSHAREACCESS" => "Revoke-SmbShareAccess",
        "BLOCK-SMBSHAREACCESS" => "Block-SmbShareAccess",
        "UNBLOCK-SMBSHAREACCESS" => "Unblock-SmbShareAccess",
        "GET-VOLUME" => "Get-Volume",
        "OPTIMIZE-VOLUME" => "Optimize-Volume",
        // Disk provisioning stages (the RAW-disk one-liner): nothing to do without input; an object reaching one is not emulated.
        "INITIALIZE-DISK" => "Initialize-Disk",
        "NEW-PARTITION" => "New-Partition",
        "FORMAT-VOLUME" => "Format-Volume",
        "RESIZE-PARTITION" => "Resize-Partition",
        "SET-DISK" => "Set-Disk",
        "CLEAR-DISK" => "Clear-Disk",
        "GET-PARTITION" => "Get-Partition",
        "GET-DISK" => "Get-Disk",
        "GET-ITEMPROPERTY" or "GP" => "Get-ItemProperty",
        "GET-ITEMPROPERTYVALUE" or "GPV" => "Get-ItemPropertyValue",
        "SET-ITEMPROPERTY" or "SP" => "Set-ItemProperty",
        "NEW-ITEMPROPERTY" => "New-ItemProperty",
        "REMOVE-ITEMPROPERTY" or "RP" => "Remove-ItemProperty",
        "RENAME-ITEMPROPERTY" or "RNP" => "Rename-ItemProperty",
        _ => null,
    };

    private static readonly Dictionary<string, string[]> StageParameters = new(StringComparer.Ordinal)
    {
        ["ForEach-Object"] = ["Process", "Begin", "End", "MemberName", "ArgumentList", "InputObject"],
        ["Where-Object"] = ["FilterScript", "Property", "Value", "EQ", "NE", "GT", "GE", "LT", "LE", "Like", "NotLike", "Match", "NotMatch", "Contains",
            "NotContains", "In", "NotIn", "CEQ", "CNE", "CGT", "CGE", "CLT", "CLE", "CLike", "CNotLike", "CMatch", "CNotMatch", "CContains", "CNotContains",
            "CIn", "CNotIn", "Is", "IsNot", "InputObject"],
        ["Select-Object"] = ["Property", "ExpandProperty", "First", "Last", "Skip", "SkipLast", "Unique", "InputObject", "Index", "ExcludeProperty", "Wait"],
        ["Sort-Object"] = ["Property", "Descending", "Unique", "CaseSensitive", "InputObject"],
        ["Get-Unique"] = ["InputObject", "AsString", "OnType"],
        ["Measure-Object"] = ["Property", "Sum", "Average", "Maximum", "Minimum", "Line", "Word", "Character", "IgnoreWhiteSpace", "InputObject"],
        ["Group-Object"] = ["Property", "NoElement", "AsHashTable", "AsString", "CaseSensitive", "Culture", "InputObject"],
        ["Out-Null"] = ["InputObject"],
        ["Write-Host"] = ["Object", "NoNewline", "Separator", "ForegroundColor", "BackgroundColor"],
        ["Write-Output"] = ["InputObject", "NoEnumerate"],
        ["Out-Host"] = ["Paging", "InputObject"],
        ["Out-Default"] = ["Transcript", "InputObject"],
        ["Format-Table"] = ["Property", "AutoSize", "HideTableHeaders", "Wrap", "GroupBy", "Force", "InputObject"],
        ["Format-List"] = ["Property", "GroupBy", "Force", "InputObject"],
        ["Format-Wide"] = ["Property", "AutoSize", "Column", "Force", "InputObject"],
        ["Out-String"] = ["Stream", "Width", "InputObject"],
        ["ConvertTo-Json"] = ["InputObject", "Depth", "Compress"],
        ["ConvertFrom-StringData"] = ["StringData"],
        ["ConvertFrom-Json"] = ["InputObject"],
        ["Select-String"] = ["Pattern", "SimpleMatch", "CaseSensitive", "NotMatch", "AllMatches", "Quiet", "List", "Context", "InputObject"],
        ["ConvertTo-Csv"] = ["InputObject", "NoTypeInformation", "Delimiter"],
        ["ConvertTo-Html"] = ["Property", "As", "Title", "Head", "Body", "PreContent", "PostContent", "Fragment", "CssUri", "InputObject"],
        ["ConvertFrom-Csv"] = ["InputObject", "Delimiter", "Header"],
        ["Tee-Object"] = ["Variable", "FilePath", "LiteralPath", "Append", "InputObject"],
        ["Add-Member"] = ["MemberType", "Name", "Value", "SecondValue", "TypeName", "Force", "PassThru", "NotePropertyName", "NotePropertyValue", "NotePropertyMembers", "InputObject"],
        ["Get-Random"] = ["Maximum", "Minimum", "Count", "SetSeed", "InputObject"],
        ["Get-Member"] = ["Name", "MemberType", "View", "Static", "Force", "InputObject"],
        ["Compare-Object"] = ["ReferenceObject", "DifferenceObject", "SyncWindow", "Property", "ExcludeDifferent", "IncludeEqual", "PassThru", "Culture", "CaseSensitive"],
    };

    private static readonly HashSet<string> SwitchParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "Unique", "Descending", "CaseSensitive", "OnType", "Sum", "Average", "Maximum", "Minimum", "Not", "NoElement", "AsHashTable", "AsString",
        "AutoSize", "HideTableHeaders", "Stream", "Compress", "SimpleMatch", "NotMatch", "AllMatches", "Quiet", "NoTypeInformation", "Fragment", "Wrap",
        "Force", "PassThru", "IncludeEqual", "ExcludeDifferent", "Append", "Line", "Word", "Character", "IgnoreWhiteSpace", "Wait", "Static",
        "NoNewline", "NoEnumerate", "Paging", "Transcript", "List",
    };

    /// <summary>The statement that runs a command with these arguments (a stage that collected its input runs it once, bound).</summary>
    private static string StatementOf(string command, StageArguments arguments) =>
        string.Join(' ', [command, .. arguments.Named.Select(p => p.Value is null ? "-" + p.Key : p.Value is ['$', ..] && (p.Value.Equals("$true", StringComparison.OrdinalIgnoreCase) || p.Value.Equals("$false", StringComparison.OrdinalIgnoreCase))
            ? $"-{p.Key}:{p.Value}" : $"-{p.Key} {p.Value}"), .. arguments.Positional]);

    /// <summary>A stage's arguments bound: its named parameters (by full name) and its positional ones, in order.</summary>
    private sealed record StageArguments(Dictionary<string, string?> Named, List<string> Positional)
    {
        public string? this[string name] => Named.GetValueOrDefault(name);

        public bool Has(string name) => Named.ContainsKey(name);

        /// <summary>These arguments without the named one (a command that handles it itself, then runs as without it).</summary>
        public StageArguments Without(string name) =>
            new(Named.Where(n => !n.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).ToDictionary(n => n.Key, n => n.Value, Named.Comparer), Positional);
    }

    /// <summary>
    /// The parameter a typed name binds to, as PowerShell looks it up: the exact name, else the one name it is a
    /// prefix of; none or several are its NamedParameterNotFound / AmbiguousParameter errors.
    /// </summary>
    private static string ParameterName(string command, IReadOnlyList<string> parameters, string typed)
    {
        var matches = parameters.Where(p => p.Equals(typed, StringComparison.OrdinalIgnoreCase)).ToList();
        // The command's own metadata decides what the name means (the emulator binds a part of its parameters): one it
        // has that the emulator does not bind is not emulated, not NamedParameterNotFound; a prefix several of its
        // parameters begin with is ambiguous even if the emulator binds one of them. A name it lacks may be a
        // provider's dynamic parameter, which the emulator's list has.
        if (matches.Count == 0 && CmdletParameters.Of(command) is { } metadata)
        {
            var real = metadata.Matching(typed);
            if (real.Count > 1)
            {
                throw new StatementTerminatedException(ParameterError(command,
                    $"Parameter cannot be processed because the parameter name '{typed}' is ambiguous. Possible matches include: {string.Join(" ", real.Select(m => "-" + m.Name))}.", "AmbiguousParameter"));
            }

            if (real is [var one])
            {
                return parameters.FirstOrDefault(p => p.Equals(one.Name, StringComparison.OrdinalIgnoreCase))
                    ?? parameters.FirstOrDefault(p => one.Aliases.Contains(p, StringComparer.OrdinalIgnoreCase))
                    ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} -{one.Name} is not emulated: give the command a rule"));
            }
        }

        // A parameter's aliases (5.1's cmdlet metadata: Write-Host -Message, Get-Process -ProcessName) bind as its name
        // does, an exact one first, else by prefix with the names (MergedCommandParameterMetadata.GetMatchingParameter).
        var aliases = CmdletParameters.Of(command) is { } cmdlet
            ? cmdlet.Parameters.Where(p => parameters.Contains(p.Name, StringComparer.OrdinalIgnoreCase)).SelectMany(p => p.Aliases.Select(a => (Alias: a, p.Name))).ToList()
            : [];
        if (matches.Count == 0) matches = [.. aliases.Where(a => a.Alias.Equals(typed, StringComparison.OrdinalIgnoreCase)).Select(a => a.Name).Distinct(StringComparer.OrdinalIgnoreCase)];
        if (matches.Count == 0)
        {
            matches = [.. parameters.Where(p => p.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
                .Concat(aliases.Where(a => a.Alias.StartsWith(typed, StringComparison.OrdinalIgnoreCase)).Select(a => a.Name)).Distinct(StringComparer.OrdinalIgnoreCase)];
        }

        if (matches.Count == 1) return matches[0];
        throw new StatementTerminatedException(matches.Count == 0
            ? ParameterError(command, $"A parameter cannot be found that matches parameter name '{typed}'.", "NamedParameterNotFound")
            : ParameterError(command, $"Parameter cannot be processed because the parameter name '{typed}' is ambiguous. Possible matches include: {string.Join(" ", matches.Select(m => "-" + m))}.", "AmbiguousParameter"));
    }

    /// <summary>
    /// PowerShell's parameter binding for a stage's words: a name may be shortened to any unique prefix; switches take
    /// no value, unless joined with a colon (<c>-Unique:$false</c>, <c>-SimpleMatch:0</c> leave it off; another value
    /// than $false, 0 or $null, a variable too, sets it); other names take the next word, or the one after the colon
    /// (<c>-First:1</c>).
    /// </summary>
    private static StageArguments BindStage(string command, List<string> words)
    {
        var parameters = StageParameters[command];
        var named = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var positional = new List<string>();
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            if (IsParameterToken(word))
            {
                // -Name:value, one word.
                var colon = word.IndexOf(':', 1);
                var joined = colon > 1 && colon < word.Length - 1 ? word[(colon + 1)..] : null;
                var name = ParameterName(command, parameters, joined is null ? word[1..].TrimEnd(':') : word[1..colon]);
                if (SwitchParameters.Contains(name) || IsSwitchOf(command, name) || (command == "Where-Object" && name is not ("FilterScript" or "Property" or "Value" or "InputObject")))
                {
                    if (joined is null || joined.Trim() is not ("$false" or "0" or "$null")) named[name] = null;
                    else named.Remove(name);
                    continue;
                }

                if (joined is not null)
                {
                    named[name] = joined;
                    continue;
                }

                if (i + 1 >= words.Count || IsParameterToken(words[i + 1])) throw new StatementTerminatedException(MissingArgument(command, name, ParameterType));
                named[name] = words[++i];
                continue;
            }

            positional.Add(word);
        }

        return new StageArguments(named, positional);
    }

    /// <summary>Whether 5.1's cmdlet takes the parameter as a switch (a SwitchParameter in its metadata), which binds no value.</summary>
    private static bool IsSwitchOf(string command, string name) =>
        CmdletParameters.Of(command)?.Parameters.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { IsSwitch: true };

    /// <summary>
    /// The binder's MissingArgument for a parameter given without its argument, naming the parameter's type as 5.1's
    /// cmdlet declares it (Get-Service -Name: System.String[]), else as the emulator's binder knows it.
    /// </summary>
    private static ScriptedError MissingArgument(string command, string name, Func<string, string> knownType) =>
        ParameterError(command, $"Missing an argument for parameter '{name}'. Specify a parameter of type '" +
            (CmdletParameters.Of(command)?.Parameters.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.TypeName ?? knownType(name)) +
            "' and try again.", "MissingArgument");

    /// <summary>
    /// A statement of one of 5.1's cmdlets or in-box module commands that leaves a parameter without its argument (the
    /// statement's last word, or another parameter after it): the binder's MissingArgument, which PowerShell raises
    /// before the command runs, so a statement the emulator does not emulate gets it too. A module command's parameter
    /// name that none of its parameters has is NamedParameterNotFound, one several begin with AmbiguousParameter (the
    /// module table's commands have no dynamic parameters). Null for any other statement, and for a cmdlet's parameter
    /// name its metadata does not resolve to one parameter (a provider's dynamic parameter may be meant): the caller's error stands.
    /// </summary>
    internal static ScriptedError? MissingArgumentOf(string statement)
    {
        var words = Statements.SplitArguments(statement.Trim());
        // The first command of a pipeline: a later one's words are its own.
        if (words.IndexOf("|") is var pipe and >= 0) words = words.GetRange(0, pipe);
        if (words.Count < 2) return null;
        var command = WindowsCommands.AliasTarget(words[0]) ?? words[0];
        if (CmdletParameters.Of(command) is not { } cmdlet) return null;
        for (var i = 1; i < words.Count; i++)
        {
            if (!IsParameterToken(words[i])) continue;
            var colon = words[i].IndexOf(':', StringComparison.Ordinal);
            var typed = colon < 0 ? words[i][1..] : words[i][1..colon];
            var matches = cmdlet.Matching(typed);
            if (cmdlet.AllParametersKnown && matches.Count != 1)
            {
                return matches.Count == 0
                    ? ParameterError(cmdlet.Name, $"A parameter cannot be found that matches parameter name '{typed}'.", "NamedParameterNotFound")
                    : ParameterError(cmdlet.Name, $"Parameter cannot be processed because the parameter name '{typed}' is ambiguous. Possible matches include: {string.Join(" ", matches.Select(m => "-" + m.Name))}.", "AmbiguousParameter");
            }

            if (colon >= 0) continue;
            if (matches is not [var parameter]) return null;
            if (parameter.IsSwitch) continue;
            if (i + 1 >= words.Count || IsParameterToken(words[i + 1])) return MissingArgument(cmdlet.Name, parameter.Name, _ => parameter.TypeName);
            i++;
        }

        return null;
    }

    /// <summary>A word the binder reads as a parameter's name (<c>-Name</c>, not <c>-5</c>): it is no argument of the parameter before it.</summary>
    private static bool IsParameterToken(string word) => word.Length > 1 && word[0] == '-' && char.IsLetter(word[1]);

    private static string ParameterType(string name) => name switch
    {
        "First" or "Last" or "Skip" or "SkipLast" or "Width" or "Depth" => "System.Int32",
        "Process" or "Begin" or "End" or "FilterScript" => "System.Management.Automation.ScriptBlock",
        _ => "System.Object",
    };

    // A cmdlet's parameter binding error, as PowerShell words its id (NamedParameterNotFound,Microsoft...SelectObjectCommand).
    /// <summary>The .NET class of a cmdlet (New-Object: Microsoft.PowerShell.Commands.NewObjectCommand), which its error ids end in.</summary>
    // A function's errors name the function (5.1's Get-FileHash, New-Guid... are script functions), a cmdlet's its class.
    private static string CmdletClass(string command) => WindowsCommands.FindModuleCommand(command) is { IsFunction: true }
        ? command
        : command == "Resolve-DnsName" ? "Microsoft.DnsClient.Commands.ResolveDnsName"
        // The Dism module's and Server Manager's cmdlets are classes of their own namespaces (Install- is AddWindowsFeature).
        : OptionalFeatureCommandNames.Contains(command) ? $"Microsoft.Dism.Commands.{command.Replace("-", string.Empty, StringComparison.Ordinal)}Command"
        : command switch
        {
            "Get-WindowsFeature" => "Microsoft.Windows.ServerManager.Commands.GetWindowsFeatureCommand",
            "Install-WindowsFeature" => "Microsoft.Windows.ServerManager.Commands.AddWindowsFeatureCommand",
            "Uninstall-WindowsFeature" => "Microsoft.Windows.ServerManager.Commands.RemoveWindowsFeatureCommand",
            _ => null,
        } is { } serverManager ? serverManager
        // 5.1's own cmdlets by their classes (Microsoft.WSMan.Management.NewWSManInstanceCommand, ...CimCmdlets.GetCimInstanceCommand).
        : CmdletParameters.Of(command)?.ClassName ?? $"Microsoft.PowerShell.Commands.{command.Replace("-", string.Empty, StringComparison.Ordinal)}Command";

    private static ScriptedError ParameterError(string command, string message, string id, string? target = null) => new(
        message, $"{id},{CmdletClass(command)}", ParameterErrorCategory(id), ParameterErrorException(id), target);

    /// <summary>
    /// The binder's category of a binding error: a validation attribute's refusal or a failed argument transformation
    /// is InvalidData (ParameterBinderBase.BindParameter), anything else InvalidArgument.
    /// </summary>
    internal static ErrorCategory ParameterErrorCategory(string id) =>
        id.StartsWith("ParameterArgumentValidationError", StringComparison.Ordinal) || id == "ParameterArgumentTransformationError" ? ErrorCategory.InvalidData : ErrorCategory.InvalidArgument;

    /// <summary>The exception type of a binding error: ParameterBindingValidationException, ...ArgumentTransformationException, or ParameterBindingException.</summary>
    internal static string ParameterErrorException(string id) =>
        id.StartsWith("ParameterArgumentValidationError", StringComparison.Ordinal) ? "System.Management.Automation.ParameterBindingValidationException"
        : id == "ParameterArgumentTransformationError" ? "System.Management.Automation.ParameterBindingArgumentTransformationException"
        : "System.Management.Automation.ParameterBindingException";

    /// <summary>The binder's error for a cmdlet's enum parameter given a name the enum has not (CannotConvertArgumentNoMessage).</summary>
    private static ScriptedError EnumParameterError(string command, string parameter, string text, string typeName, IEnumerable<string> names) => ParameterError(command,
        $"Cannot bind parameter '{parameter}'. Cannot convert value \"{text}\" to type \"{typeName}\". Error: \"Unable to match the identifier name {text} to a valid enumerator name. Specify one of the following enumerator names and try again:\r\n{string.Join(", ", names)}\"",
        "CannotConvertArgumentNoMessage");

    /// <summary>One stage: takes objects one at a time, hands what it writes to the next, and ends after its input.</summary>
    private abstract class Stage
    {
        public Func<PsValue, ValueTask> Emit { get; set; } = _ => ValueTask.CompletedTask;

        public Func<ValueTask> EndNext { get; set; } = () => ValueTask.CompletedTask;

        public virtual ValueTask BeginAsync() => ValueTask.CompletedTask;

        public abstract ValueTask ProcessAsync(PsValue item);

        public virtual ValueTask EndAsync() => EndNext();

        /// <summary>Text as the strings a Format cmdlet or <c>Out-String -Stream</c> writes, one per line.</summary>
        protected async ValueTask EmitLinesAsync(string text)
        {
            foreach (var line in Formatting.OutDefaultWriter.Lines(text)) await Emit(PsPrimitive.String(line));
        }

        /// <summary>Keeps an object a stage writes only at its end, up to <see cref="MaxStageObjects"/>.</summary>
        protected static void Hold(List<PsValue> items, PsValue item, string command)
        {
            if (items.Count >= MaxStageObjects) throw new ScenarioRuntimeException($"{command} keeps at most {MaxStageObjects} objects in the emulator");
            items.Add(item);
        }
    }

    /// <summary>
    /// A command after a pipe that takes what is piped in by name (<c>Get-LocalUser tmp | Remove-LocalUser</c>,
    /// <c>Get-Module Net* | Remove-Module</c>): the objects' texts (a LocalUser's, a PSModuleInfo's: their names) are
    /// the <paramref name="parameter"/> it runs with, once, after its input.
    /// </summary>
    private sealed class NamesInputStage(string command, StageArguments arguments, string parameter, Func<StageArguments, IPipelineHost, ValueTask> run, IPipelineHost output, string? property = null) : Stage
    {
        private readonly List<PsValue> _items = [];

        public override ValueTask ProcessAsync(PsValue item)
        {
            Hold(_items, item, command);
            return ValueTask.CompletedTask;
        }

        public override async ValueTask EndAsync()
        {
            if (_items.Count > 0)
            {
                var named = new Dictionary<string, string?>(arguments.Named, StringComparer.OrdinalIgnoreCase)
                {
                    // An object's property (ValueFromPipelineByPropertyName: a feature's Name, a file's FullName), else its text.
                    [parameter] = string.Join(",", _items.Select(i => property is not null && i is PsObject { BaseValue: null } o && o[property] is { } value and not PsNil ? value : i)
                        .Select(i => "'" + PipelineVariables.Display(i).Replace("'", "''", StringComparison.Ordinal) + "'")),
                };
                await run(new StageArguments(named, []), new EmittingHost(output, Emit));
            }

            await EndNext();
        }
    }

    /// <summary>Select-Object -First has what it wants: the commands before it stop, as PowerShell's StopUpstreamCommandsException.</summary>
    private sealed class StopUpstreamException(Stage stage) : Exception("stop upstream")
    {
        public Stage Stage => stage;
    }

    private HeldInputStage HeldInput(string command, List<string> words, Func<StageArguments, IReadOnlyList<PsValue>, IPipelineHost, ValueTask> run, IPipelineHost? to, bool needsInput)
    {
        var arguments = BindValueCommand(command, StripCommonParameters(words));
        return new HeldInputStage(command, (items, output) => run(arguments, items, output), StageHost(command, words, to) ?? Host, needsInput);
    }

    /// <summary>
    /// A stage's own -ErrorAction / -WarningAction (the statement's are its first command's): what the stage writes
    /// answers to them (<c>Get-ChildItem ... -Recurse | Get-ItemProperty -Name Release -ErrorAction SilentlyContinue</c>).
    /// </summary>
    /// <param name="cmdlet">
    /// A cmdlet's (its terminating errors pass the wrapper); not a function's, whose statement-terminating errors answer
    /// to its $ErrorActionPreference, which the parameter sets.
    /// </param>
    private IPipelineHost? StageHost(string command, List<string> words, IPipelineHost? to, bool cmdlet = true) =>
        Statements.ActionPreferences(command + " " + string.Join(" ", words)) is { } own && (own.ErrorAction is not null || own.WarningAction is not null)
            ? new ActionPreferenceHost(to ?? Host, own.ErrorAction, own.WarningAction, cmdlet: cmdlet)
            : to;

    // An Out-String / Out-File stage's -Width (null without one, or one it refuses: its own stage reports that).
    private async ValueTask<int?> DownstreamWidthAsync(string command, List<string> words, IPipelineHost? to, int blockNesting)
    {
        try
        {
            var arguments = command == "Out-File" ? BindValueCommand(command, StripCommonParameters(words)) : BindStage(command, words);
            return arguments["Width"] is { } word && await IntegerArgumentAsync(word, to, blockNesting, (command, "Width")) is { } width and >= 2 ? width : null;
        }
        catch (Exception e) when (e is ScriptExpressionException or StatementTerminatedException)
        {
            return null;
        }
    }

    /// <summary>Runs <c>first | stage | stage ...</c>, as <see cref="PipelineStages"/> read it.</summary>
    private async ValueTask RunPipelineAsync(ParsedPipeline pipeline, IPipelineHost? to, int blockNesting)
    {
        var output = to ?? host;
        var stages = new List<Stage>(pipeline.Stages.Count);
        // -PipelineVariable (-pv) of any command but a simple function's (whose $args it is): each object the command
        // writes is the variable while the commands after it take it; it is gone once the pipeline is done.
        var pipelineVariables = new string?[pipeline.Stages.Count + 1];
        if (Statements.PipelineVariable(pipeline.First) is var (firstBare, firstVariable) &&
            !(scope.Variables.Function(UnknownCommandScript.FirstWordOf(firstBare)) is { } firstFunction && !ScriptParameters.IsAdvanced(firstFunction)))
        {
            pipeline = pipeline with { First = firstBare };
            pipelineVariables[0] = firstVariable;
        }

        try
        {
            for (var index = 0; index < pipeline.Stages.Count; index++)
            {
                var (command, words, function) = pipeline.Stages[index];
                if ((function is null || ScriptParameters.IsAdvanced(function)) && TakePipelineVariable(words) is var (stageWords, stageVariable))
                {
                    words = stageWords;
                    pipelineVariables[index + 1] = stageVariable;
                }

                _downstreamWidth = command is "Format-Table" or "Format-List" or "Format-Wide" && function is null && index + 1 < pipeline.Stages.Count &&
                    pipeline.Stages[index + 1] is { Command: "Out-String" or "Out-File", FunctionBody: null } next
                    ? await DownstreamWidthAsync(next.Command, next.Arguments, to, blockNesting) ?? 0
                    : 0;
                stages.Add(function is not null
                    // An advanced function's -ErrorAction / -WarningAction apply to what it writes (a simple one has no
                    // common parameters: they are two more of its $args).
                    ? new FunctionStage(this, string.Join(" ", words), function, ScriptParameters.IsAdvanced(function) ? StageHost(command, words, to, cmdlet: false) : to, blockNesting)
                    : command == ProgramStageCommand ? new ProgramStage(this, words[0], to, blockNesting)
                    : command == RerunStageCommand ? new PerObjectStage(this, words[0], words[1], words.GetRange(2, words.Count - 2), to, blockNesting)
                    : command == MoreStageCommand ? new ProgramStage(this, words[0], to, blockNesting) { InputEncoding = NativeEncoding }
                    : UnemulatedInputStage.Commands.Contains(command) ? new UnemulatedInputStage(command)
                    : FileInputStage.Commands.Contains(command) ? new FileInputStage(this, command, BindValueCommand(command, StripCommonParameters(words)), StageHost(command, words, to), blockNesting, VerboseSwitch(words))
                    : ProcessCommandNames.Contains(command) ? HeldInput(command, words, (a, items, output) => RunProcessCommandAsync(command, a, items, to, output, blockNesting), to, needsInput: true)
                    : command == "Select-Xml" ? HeldInput(command, words, (a, items, output) => SelectXmlAsync(a, items, to, output, blockNesting), to, needsInput: false)
                    : command is "Invoke-CimMethod" or "Invoke-WmiMethod" ? HeldInput(command, words, (a, items, output) => InvokeWmiMethodCommandAsync(command, a, items, to, output, blockNesting), to, needsInput: true)
                    : ServiceCommandNames.Contains(command) ? HeldInput(command, words, (a, items, output) => RunServiceCommandAsync(command, a, items, to, output, blockNesting), to, needsInput: false)
                    : LocalAccountCommandNames.Contains(command) ? new NamesInputStage(command, BindValueCommand(command, StripCommonParameters(words)),
                        command is "Add-LocalGroupMember" or "Remove-LocalGroupMember" ? "Member" : command is "Get-LocalUser" or "Get-LocalGroup" ? "Name" : command == "Get-LocalGroupMember" ? "Group" : "InputObject", (a, output) => RunLocalAccountCommandAsync(command, a, to, output, blockNesting), StageHost(command, words, to) ?? Host)
                    : ScheduledTaskCommandNames.Contains(command) && !command.StartsWith("New-", StringComparison.Ordinal) ? new NamesInputStage(command, BindValueCommand(command, StripCommonParameters(words)),
                        "InputObject", (a, output) => RunScheduledTaskCommandAsync(command, a, to, output, blockNesting), StageHost(command, words, to) ?? Host)
                    : SmbShareCommandNames.Contains(command) && command != "New-SmbShare" ? new NamesInputStage(command, BindValueCommand(command, StripCommonParameters(words)),
                        "InputObject", (a, output) => RunSmbShareCommandAsync(command, a, to, output, blockNesting), StageHost(command, words, to) ?? Host)
                    : command == "Set-DnsClient" ? new NamesInputStage(command, BindValueCommand(command, StripCommonParameters(words)),
                        "InputObject", (a, output) => RunDnsClientCommandAsync(command, a, to, output, blockNesting), StageHost(command, words, to) ?? Host, property: "InterfaceIndex")
                    : NetConnectionProfileCommandNames.Contains(command) ? new NamesInputStage(command, BindValueCommand(command, StripCommonParameters(words)),
                        "InputObject", (a, output) => RunNetConnectionProfileCommandAsync(command, a, to, output, blockNesting), StageHost(command, words, to) ?? Host)
                    : FirewallCommandNames.Contains(command) && command != "New-NetFirewallRule" ? new NamesInputStage(command, BindValueCommand(command, StripCommonParameters(words)),
                        command == "Get-NetFirewallPortFilter" ? "AssociatedNetFirewallRule" : "InputObject", (a, output) => RunFirewallCommandAsync(command, a, to, output, blockNesting), StageHost(command, words, to) ?? Host)
                    : StorageCommandNames.Contains(command) ? new NamesInputStage(command, BindValueCommand(command, StripCommonParameters(words)),
                        command == "Get-Partition" ? "Volume" : "Partition", (a, output) => RunStorageCommandAsync(command, a, to, output, blockNesting), StageHost(command, words, to) ?? Host)
                    // Features piped in are installed together (one result), files compressed into one archive.
                    : command == "Remove-CimSession" ? new NamesInputStage(command, BindValueCommand(command, StripCommonParameters(words)), "CimSession",
                        (a, output) => RunCimSessionCommandAsync(command, a, to, output, blockNesting), StageHost(command, words, to) ?? Host, property: "InstanceId")
                    : command is "Install-WindowsFeature" or "Uninstall-WindowsFeature" ? new NamesInputStage(command, BindValueCommand(command, StripCommonParameters(words)), "Name",
                        (a, output) => RunStatementAsync(StatementOf(command, a), output, blockNesting + 1), StageHost(command, words, to) ?? Host, property: "Name")
                    : command == "Compress-Archive" ? new NamesInputStage(command, BindValueCommand(command, StripCommonParameters(words)), "LiteralPath",
                        (a, output) => RunStatementAsync(StatementOf(command, a), output, blockNesting + 1), StageHost(command, words, to) ?? Host, property: "FullName")
                    : command is "Import-Module" or "Remove-Module" ? new NamesInputStage(command, BindValueCommand(command, StripCommonParameters(words)), "Name",
                        (a, output) => command == "Import-Module" ? ImportModuleAsync(a, to, output, blockNesting) : RemoveModuleAsync(a, to, output, blockNesting), StageHost(command, words, to) ?? Host)
                    : await BuildStageAsync(command, BindStage(command, words), to, blockNesting));
                _downstreamWidth = 0;
            }
        }
        catch (ScriptExpressionException e)
        {
            await WriteStatementErrorAsync(e.Error, output);
            return;
        }
        catch (StatementTerminatedException e) when (scope.Variables.TryDepth == 0)
        {
            await WriteStatementErrorAsync(e.Error, output);
            return;
        }

        for (var i = stages.Count - 1; i >= 0; i--)
        {
            if (i == stages.Count - 1)
            {
                stages[i].Emit = value => output.WriteAsync(new PipelineOutput(value), cancellationToken);
            }
            else
            {
                var next = stages[i + 1];
                stages[i].Emit = next.ProcessAsync;
                stages[i].EndNext = next.EndAsync;
            }

            if (pipelineVariables[i + 1] is { } name)
            {
                var emit = stages[i].Emit;
                stages[i].Emit = value =>
                {
                    scope.Variables.SetLocal(name, value);
                    return emit(value);
                };
            }
        }

        try
        {
            await RunStagesAsync(pipeline, stages, output, blockNesting, pipelineVariables[0]);
        }
        catch (FunctionTerminatedException e) when (e.CallDepth == scope.Variables.CallDepth + 1)
        {
            // $PSCmdlet.ThrowTerminatingError in a function this pipeline runs as a stage: the pipeline's statement ends with it.
            await WriteStatementErrorAsync(e.Error, output, passesOwnAction: true);
        }
        finally
        {
            foreach (var name in pipelineVariables)
            {
                if (name is not null) scope.Variables.SetLocal(name, null);
            }
        }
    }

    // A later command's -PipelineVariable name (-pv name, -PipelineVariable:name): its words without it, and the name.
    private static (List<string> Words, string Name)? TakePipelineVariable(List<string> words)
    {
        for (var i = 0; i < words.Count; i++)
        {
            var parts = words[i].Split(':', 2);
            if (!parts[0].Equals("-PipelineVariable", StringComparison.OrdinalIgnoreCase) && !parts[0].Equals("-pv", StringComparison.OrdinalIgnoreCase)) continue;
            if (parts.Length == 1 && i + 1 >= words.Count) return null; // the binder's MissingArgument, as without this
            var rest = new List<string>(words);
            rest.RemoveRange(i, parts.Length == 2 ? 1 : 2);
            return (rest, (parts.Length == 2 ? parts[1] : words[i + 1]).Trim('\'', '"'));
        }

        return null;
    }

    private async ValueTask RunStagesAsync(ParsedPipeline pipeline, List<Stage> stages, IPipelineHost output, int blockNesting, string? firstVariable = null)
    {
        foreach (var stage in stages) await stage.BeginAsync();
        // Select-Object -First stops what is before it, then ends itself and what is after it; a later one can stop
        // those in turn (while an earlier stage ends, as Sort-Object writes): each stop moves further down.
        Stage? stopped = null;
        for (var attempt = 0; attempt <= stages.Count; attempt++)
        {
            try
            {
                if (stopped is null)
                {
                    // A variable an empty pipeline was assigned to holds AutomationNull: piped, it is no object at all
                    // ($found = Get-ChildItem ... -Filter *.none; $found | Remove-Item does nothing), where $null is one.
                    // A statement-terminating error of the first command (its binding, an expression's exception) ends
                    // the pipeline: what it wrote before stays passed on, but no later command ends (Get-ChildItem -Foo
                    // | Measure-Object writes no count).
                    if (!await RunPipelineHeadAsync(pipeline.First, new EmittingHost(output, value =>
                            {
                                if (ReferenceEquals(value, PsNil.AutomationNull)) return ValueTask.CompletedTask;
                                if (firstVariable is not null) scope.Variables.SetLocal(firstVariable, value);
                                return DownstreamAsync(stages[0], value);
                            }),
                        blockNesting + 1))
                    {
                        break;
                    }

                    await stages[0].EndAsync();
                }
                else
                {
                    await stopped.EndAsync();
                }

                break;
            }
            catch (StopUpstreamException stop) when (stages.Contains(stop.Stage))
            {
                // A stop of an enclosing pipeline's stage (this one runs inside its ForEach-Object) goes on to it.
                stopped = stop.Stage;
            }
        }

    }

    /// <summary>Runs a pipeline's first command; false when it ended in a statement-terminating error of its own.</summary>
    private async ValueTask<bool> RunPipelineHeadAsync(string first, IPipelineHost emitting, int nesting)
    {
        var (outerNesting, outerFailed) = (_pipelineHeadNesting, _pipelineHeadFailed);
        (_pipelineHeadNesting, _pipelineHeadFailed) = (nesting, false);
        try
        {
            await RunStatementAsync(first, emitting, nesting);
            return !_pipelineHeadFailed;
        }
        finally
        {
            (_pipelineHeadNesting, _pipelineHeadFailed) = (outerNesting, outerFailed);
        }
    }

    // An object the first command passes on: the later commands' statements (a ForEach-Object block) are not the first command's.
    private async ValueTask DownstreamAsync(Stage stage, PsValue value)
    {
        var head = _pipelineHeadNesting;
        _pipelineHeadNesting = -1;
        try
        {
            await stage.ProcessAsync(value);
        }
        finally
        {
            _pipelineHeadNesting = head;
        }
    }

    /// <summary>An argument's values as text (a list's items each, elements of <c>a, b</c> each): names, patterns, headers.</summary>
    private async ValueTask<List<string>> ArgumentTextsAsync(string? word, IPipelineHost? to, int blockNesting)
    {
        if (word is null) return [];
        var texts = new List<string>();
        foreach (var element in ScriptExpressions.ArrayElements(word) ?? [word])
        {
            foreach (var value in ScriptExpressions.Enumerate(await ArgumentAsync(element, to, blockNesting))) texts.Add(PipelineVariables.Display(value));
        }

        return texts;
    }

    /// <summary>An argument converted to an Int32 parameter's value, as PowerShell's binder converts it.</summary>
    private async ValueTask<int> IntegerArgumentAsync(string word, IPipelineHost? to, int blockNesting, (string Command, string Parameter)? binding = null) =>
        (int)((PsPrimitive)BoundCast(await ArgumentAsync(word, to, blockNesting), "int", binding)).Value!;

    /// <summary>
    /// A cmdlet parameter's conversion: a value that does not convert is the binder's statement-terminating
    /// "Cannot bind parameter 'X'. Cannot convert value ..." (CannotConvertArgumentNoMessage); without a
    /// <paramref name="binding"/>, the plain conversion error.
    /// </summary>
    private static PsValue BoundCast(PsValue value, string type, (string Command, string Parameter)? binding)
    {
        try
        {
            return ScriptExpressions.Cast(value, ScriptExpressions.ResolveType(type)!);
        }
        catch (ScriptExpressionException e) when (binding is var (command, parameter))
        {
            throw new StatementTerminatedException(ParameterError(command, $"Cannot bind parameter '{parameter}'. {e.Error.Message}", "CannotConvertArgumentNoMessage"));
        }
    }

    /// <summary>
    /// An integer parameter's value as the binder converts it (to Int64), checked against the parameter's ValidateRange
    /// (the binder's ParameterArgumentValidationError outside it); null when the call does not give it.
    /// </summary>
    private async ValueTask<long?> RangedArgumentAsync(string command, StageArguments arguments, string parameter, long minimum, long maximum, IPipelineHost? to, int blockNesting)
    {
        if (arguments[parameter] is not { } word) return null;
        var value = await ArgumentAsync(word, to, blockNesting);
        var number = (long)Convert.ToDecimal(((PsPrimitive)ScriptExpressions.Cast(value, ScriptExpressions.ResolveType("long")!)).Value, System.Globalization.CultureInfo.InvariantCulture);
        if (number < minimum || number > maximum)
        {
            var bound = number < minimum
                ? $"less than the minimum allowed range of {minimum}. Supply an argument that is greater than or equal to {minimum}"
                : $"greater than the maximum allowed range of {maximum}. Supply an argument that is less than or equal to {maximum}";
            throw new StatementTerminatedException(ParameterError(command, $"Cannot validate argument on parameter '{parameter}'. The {number} argument is {bound} and then try the command again.", "ParameterArgumentValidationError"));
        }

        return number;
    }

    /// <summary>An argument converted to a DateTime parameter's value (a string in the invariant culture).</summary>
    private async ValueTask<DateTimeOffset?> DateArgumentAsync(string word, IPipelineHost? to, int blockNesting, (string Command, string Parameter)? binding = null) =>
        (await DatePrimitiveArgumentAsync(word, to, blockNesting, binding)).Value as DateTimeOffset?;

    // The argument as a [datetime], with its Kind (a parsed text's Unspecified, UtcNow's Utc).
    private async ValueTask<PsPrimitive> DatePrimitiveArgumentAsync(string word, IPipelineHost? to, int blockNesting, (string Command, string Parameter)? binding = null) =>
        (PsPrimitive)BoundCast(await ArgumentAsync(word, to, blockNesting), "datetime", binding);

    private async ValueTask<Stage> BuildStageAsync(string command, StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        async ValueTask<int?> IntegerAsync(string name) => arguments[name] is { } word ? await IntegerArgumentAsync(word, to, blockNesting, (command, name)) : null;

        ValueTask<List<string>> NamesAsync(string? word) => ArgumentTextsAsync(word, to, blockNesting);

        switch (command)
        {
            case "ForEach-Object":
            {
                var blocks = arguments.Positional.Select(Block).ToList();
                // A member name (first position or -MemberName), the positional words after it its -ArgumentList.
                if ((arguments.Positional.Count >= 1 && blocks.All(b => b is null)) || arguments["MemberName"] is not null)
                {
                    var words = arguments["MemberName"] is { } named ? [named, .. arguments.Positional] : arguments.Positional;
                    var memberArguments = new List<PsValue>();
                    if (arguments["ArgumentList"] is { } listed) memberArguments.AddRange(ScriptExpressions.Enumerate(await ArgumentAsync(listed, to, blockNesting)));
                    foreach (var word in words.Skip(1)) memberArguments.Add(await ArgumentAsync(word, to, blockNesting));
                    return new MemberStage(this, words[0].Trim('\'', '"'), memberArguments, to, blockNesting);
                }

                if (blocks.Any(b => b is null)) throw new StatementTerminatedException(ParameterError(command, "Cannot bind parameter 'Process'. Cannot convert the value to type \"System.Management.Automation.ScriptBlock\".", "CannotConvertArgumentNoMessage"));
                // One block is Process; several are Begin, Process (and more Process), End, as PowerShell binds them.
                string? begin = Block(arguments["Begin"]), end = Block(arguments["End"]);
                var process = Block(arguments["Process"]);
                if (blocks.Count == 1) process ??= blocks[0];
                else if (blocks.Count >= 2)
                {
                    begin ??= blocks[0];
                    process ??= blocks[1];
                    if (blocks.Count >= 3) end ??= blocks[^1];
                }

                return new ForEachStage(this, begin, process, end, to, blockNesting);
            }

            case "Where-Object":
            {
                if (Block(arguments["FilterScript"] ?? arguments.Positional.FirstOrDefault()) is { } filter) return new WhereStage(this, filter, null, null, null, to, blockNesting);
                // Positional words go to the positional parameters not named, in order: Property, then Value.
                var positional = new Queue<string>(arguments.Positional);
                var property = arguments["Property"] ?? (positional.TryDequeue(out var first) ? first : null);
                if (property is null) throw new StatementTerminatedException(ParameterError(command, "Cannot bind argument to parameter 'FilterScript' because it is null.", "ParameterArgumentValidationErrorNullNotAllowed"));
                var op = arguments.Named.Keys.FirstOrDefault(k => k is not ("Property" or "Value" or "InputObject" or "FilterScript"));
                var valueWord = arguments["Value"] ?? (positional.TryDequeue(out var second) ? second : null);
                PsValue? value = valueWord is null ? null : await ArgumentAsync(valueWord, to, blockNesting);
                return new WhereStage(this, null, property.Trim('\'', '"'), op?.ToLowerInvariant(), value, to, blockNesting);
            }

            case "Select-Object":
            {
                var properties = await SelectPropertiesAsync(arguments["Property"] ?? (arguments.Positional.Count > 0 ? string.Join(" ", arguments.Positional) : null));
                // -ExcludeProperty: names and patterns left out of what -Property picks, which it makes * when not given.
                List<string>? exclude = arguments["ExcludeProperty"] is { } excludeWord ? await NamesAsync(excludeWord) : null;
                if (exclude is not null && properties.Count == 0) properties = [new SelectProperty("*", null, null)];
                // -Index is a parameter set of its own (without -First, -Last, -Skip): the objects at those places, in input order.
                SortedSet<int>? indexes = null;
                if (arguments["Index"] is { } indexWord)
                {
                    if (arguments.Has("First") || arguments.Has("Last") || arguments.Has("Skip") || arguments.Has("SkipLast"))
                    {
                        throw new StatementTerminatedException(ParameterError(command, "Parameter set cannot be resolved using the specified named parameters.", "AmbiguousParameterSet"));
                    }

                    indexes = [];
                    foreach (var element in ScriptExpressions.ArrayElements(indexWord) ?? [indexWord])
                    {
                        foreach (var value in ScriptExpressions.Enumerate(await ArgumentAsync(element, to, blockNesting)))
                        {
                            indexes.Add((int)((PsPrimitive)ScriptExpressions.Cast(value, ScriptExpressions.ResolveType("int")!)).Value!);
                        }
                    }
                }

                // -SkipLast is a parameter set of its own too: every object but the last n.
                if (arguments.Has("SkipLast") && (arguments.Has("First") || arguments.Has("Last") || arguments.Has("Skip")))
                {
                    throw new StatementTerminatedException(ParameterError(command, "Parameter set cannot be resolved using the specified named parameters.", "AmbiguousParameterSet"));
                }

                return new SelectStage(this, properties, arguments["ExpandProperty"] is { } expand ? (await NamesAsync(expand)).FirstOrDefault() : null,
                    await IntegerAsync("First"), await IntegerAsync("Last"), await IntegerAsync("Skip") ?? 0, arguments.Has("Unique"), to, blockNesting)
                {
                    Indexes = indexes, Exclude = exclude, Wait = arguments.Has("Wait"), SkipLast = Math.Max(0, await IntegerAsync("SkipLast") ?? 0),
                };
            }

            case "Group-Object":
                // Keys as Sort-Object's: property names, script blocks ({ $_ % 2 }) and @{ Expression = ... }.
                return new GroupStage(this, await SortKeysAsync(arguments["Property"] ?? (arguments.Positional.Count > 0 ? string.Join(" ", arguments.Positional) : null)),
                    arguments.Has("NoElement"), arguments.Has("AsHashTable"), arguments.Has("AsString"), arguments.Has("CaseSensitive"), to, blockNesting);

            case "Get-Unique":
                return new GetUniqueStage(arguments.Has("AsString"), arguments.Has("OnType"));
            case "Sort-Object":
                return new SortStage(this, await SortKeysAsync(arguments["Property"] ?? (arguments.Positional.Count > 0 ? string.Join(" ", arguments.Positional) : null)),
                    arguments.Has("Descending"), arguments.Has("Unique"), arguments.Has("CaseSensitive"), to, blockNesting);
            case "Measure-Object":
            {
                var request = new MeasureRequest(arguments.Has("Sum"), arguments.Has("Average"), arguments.Has("Maximum"), arguments.Has("Minimum"),
                    arguments.Has("Line"), arguments.Has("Word"), arguments.Has("Character"), arguments.Has("IgnoreWhiteSpace"));
                if ((request.Sum || request.Average || request.Maximum || request.Minimum) && request.IsText)
                {
                    throw new StatementTerminatedException(ParameterError(command, "Parameter set cannot be resolved using the specified named parameters.", "AmbiguousParameterSet"));
                }

                var propertyText = arguments["Property"] ?? arguments.Positional.FirstOrDefault();
                return new MeasureStage(this, propertyText is null ? null : await NamesAsync(propertyText), request, to);
            }
            case "Format-Table" or "Format-List":
            {
                var properties = await SelectPropertiesAsync(arguments["Property"] ?? (arguments.Positional.Count > 0 ? string.Join(" ", arguments.Positional) : null));
                var groupBy = arguments["GroupBy"] is { } groupText ? (await NamesAsync(groupText)).FirstOrDefault() : null;
                return new FormatStage(this, command == "Format-Table", properties, arguments.Has("AutoSize"), arguments.Has("HideTableHeaders"), arguments.Has("Wrap"), FormatWidth(to), to, blockNesting)
                {
                    GroupBy = groupBy,
                    Force = arguments.Has("Force"),
                };
            }

            case "Format-Wide":
            {
                var columns = await IntegerAsync("Column");
                if (columns is < 1)
                {
                    throw new StatementTerminatedException(ParameterError(command,
                        $"Cannot validate argument on parameter 'Column'. The {columns} argument is less than the minimum allowed range of 1. Supply an argument that is greater than or equal to 1 and then try the command again.",
                        "ParameterArgumentValidationError", columns.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }

                // FormatWideCommand refuses both (FormatCannotSpecifyAutosizeAndColumns); its message text is not
                // known here, so the emulator says so instead of guessing it.
                if (columns is not null && arguments.Has("AutoSize"))
                {
                    throw new ScriptExpressionException(ScriptedError.ScenarioFault("Format-Wide -AutoSize with -Column is refused by PowerShell (FormatCannotSpecifyAutosizeAndColumns); the error's text is not emulated"));
                }

                var properties = await SelectPropertiesAsync(arguments["Property"] ?? (arguments.Positional.Count > 0 ? string.Join(" ", arguments.Positional) : null));
                var width = FormatWidth(to);
                return new WideStage(this, properties, new Formatting.WideWriter(width, columns, arguments.Has("AutoSize"), Formatting.FormatViews.WideGroupHeader), to, blockNesting)
                {
                    Force = arguments.Has("Force"),
                };
            }

            case "Write-Output":
                return new PassStage();
            case "Write-Host":
                return new WriteHostStage(this, arguments, to, blockNesting);
            case "Out-Host" or "Out-Default":
                if (arguments.Has("Paging")) throw new ScriptExpressionException(ScriptedError.ScenarioFault("Out-Host -Paging is not emulated (a remote host cannot page): give the command a rule"));
                return new OutHostStage(this, new Formatting.OutDefaultWriter(FormatWidth(to), time) { EnumerationLimit = FormatEnumerationLimit() });
            case "Out-String":
            {
                var width = await IntegerAsync("Width") ?? FormatWidth(to);
                if (width < 2)
                {
                    throw new StatementTerminatedException(ParameterError(command,
                        $"Cannot validate argument on parameter 'Width'. The {width} argument is less than the minimum allowed range of 2. Supply an argument that is greater than or equal to 2 and then try the command again.",
                        "ParameterArgumentValidationError", width.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }

                return new OutStringStage(new Formatting.OutDefaultWriter(width, time) { EnumerationLimit = FormatEnumerationLimit() }, arguments.Has("Stream"));
            }

            case "ConvertTo-Json":
            {
                // JsonObject reads a nested object's properties through PSObject.Properties too, down to -Depth.
                var depth = await JsonDepthAsync(arguments["Depth"], to, blockNesting);
                return ReadingScriptProperties(new ConvertToJsonStage(this, depth, arguments.Has("Compress"), to), to, blockNesting, nestedDepth: depth);
            }

            case "ConvertFrom-Json":
                return new ConvertFromJsonStage(this, to);
            case "ConvertFrom-StringData":
                return new ConvertFromStringDataStage();
            case "Tee-Object":
            {
                // -FilePath is the first position.
                if ((arguments["FilePath"] ?? arguments["LiteralPath"] ?? (arguments["Variable"] is null ? arguments.Positional.FirstOrDefault() : null)) is { } fileWord)
                {
                    // -FilePath: the objects go on and, at the end, into the file as Out-File writes them (UTF-16).
                    var file = PipelineVariables.Display(await ArgumentAsync(fileWord, to, blockNesting));
                    var target = VirtualFileSystem.FullPath(file, CurrentDirectory, out var failure) ?? throw new StatementTerminatedException(
                        failure == FileSystemFailure.DriveNotFound ? DriveError(command, file) : PathNotFound(command, file));
                    _ = Disk(command + " -FilePath");
                    return new TeeFileStage(this, target, arguments.Has("Append"), to);
                }

                var name = arguments["Variable"] ?? throw new StatementTerminatedException(ParameterError(command,
                    "Parameter set cannot be resolved using the specified named parameters.", "AmbiguousParameterSet"));
                return new TeeObjectStage(this, PipelineVariables.Display(await ArgumentAsync(name, to, blockNesting)).TrimStart('$'));
            }

            case "ConvertTo-Csv":
                return ReadingScriptProperties(new ConvertToCsvStage(await DelimiterAsync(), arguments.Has("NoTypeInformation")), to, blockNesting);
            case "ConvertTo-Html":
            {
                var shape = arguments["As"] is { } asWord ? PipelineVariables.Display(await ArgumentAsync(asWord, to, blockNesting)) : "Table";
                if (!shape.Equals("Table", StringComparison.OrdinalIgnoreCase) && !shape.Equals("List", StringComparison.OrdinalIgnoreCase))
                {
                    throw new StatementTerminatedException(ParameterError(command,
                        $"Cannot validate argument on parameter 'As'. The argument \"{shape}\" does not belong to the set \"Table,List\" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.",
                        "ParameterArgumentValidationError", shape));
                }

                var html = new ConvertToHtmlStage(
                    shape.Equals("List", StringComparison.OrdinalIgnoreCase), arguments.Has("Fragment"),
                    arguments["Title"] is { } titleWord ? PipelineVariables.Display(await ArgumentAsync(titleWord, to, blockNesting)) : "HTML TABLE",
                    arguments["Head"] is { } headWord ? await NamesAsync(headWord) : null, arguments["Body"] is { } bodyWord ? await NamesAsync(bodyWord) : null,
                    arguments["PreContent"] is { } preWord ? await NamesAsync(preWord) : null, arguments["PostContent"] is { } postWord ? await NamesAsync(postWord) : null,
                    arguments["CssUri"] is { } cssWord ? PipelineVariables.Display(await ArgumentAsync(cssWord, to, blockNesting)) : null);
                // -Property picks and computes the columns as Select-Object does (names, wildcards, @{ Label; Expression }).
                return arguments["Property"] is { } propertyWord
                    ? new ChainedStage(await BuildStageAsync("Select-Object", BindStage("Select-Object", ["-Property", propertyWord]), to, blockNesting), html)
                    : ReadingScriptProperties(html, to, blockNesting);
            }

            case "ConvertFrom-Csv":
                return new ConvertFromCsvStage(await DelimiterAsync(), arguments["Header"] is { } header ? await NamesAsync(header) : null);
            case "Select-String":
            {
                var patterns = await NamesAsync(arguments["Pattern"] ?? (arguments.Positional.Count > 0 ? string.Join(" ", arguments.Positional) : null));
                if (patterns.Count == 0)
                {
                    throw new StatementTerminatedException(ParameterError(command, "Cannot process command because of one or more missing mandatory parameters: Pattern.", "MissingMandatoryParameter"));
                }

                return SelectStringStage.Create(this, to, patterns, arguments.Has("SimpleMatch"), arguments.Has("CaseSensitive"), arguments.Has("NotMatch"),
                    arguments.Has("AllMatches"), arguments.Has("Quiet"), await SelectStringContextAsync(arguments, to, blockNesting), arguments.Has("List"));
            }
            case "Add-Member":
                return new AddMemberStage(this, to ?? host, await AddMemberSpecAsync(arguments, to, blockNesting));
            case "Get-Random":
                return new GetRandomStage(this, await IntegerAsync("Count") ?? 1);
            case "Get-Member":
                return new GetMemberStage(this, to ?? host, await GetMemberSpecAsync(arguments, to, blockNesting));
            case "Compare-Object":
                if (arguments.Has("DifferenceObject") || arguments.Positional.Count > 1)
                {
                    // Both sets given: the piped objects have no parameter to bind to (each is PowerShell's InputObjectNotBound).
                    throw new StatementTerminatedException(ParameterError(command,
                        "The input object cannot be bound to any parameters for the command either because the command does not take pipeline input or the input and its properties do not match any of the parameters that take pipeline input.",
                        "InputObjectNotBound"));
                }

                return new CompareObjectStage(await ObjectComparisonAsync(arguments, arguments["ReferenceObject"] ?? arguments.Positional.FirstOrDefault(), to, blockNesting));
            default:
                return new OutNullStage();
        }

        // Select-Object's properties: names (wildcards allowed), and calculated ones, @{ Name = ...; Expression = { ... } }
        // (also N, Label, L, E; an Expression that is a name copies that property), or a script block alone, whose
        // property is named by its text (Select-Object { $_.Name.ToUpper() }: " $_.Name.ToUpper() ").
        async ValueTask<List<SelectProperty>> SelectPropertiesAsync(string? word)
        {
            var properties = new List<SelectProperty>();
            if (word is null) return properties;
            foreach (var element in ScriptExpressions.ArrayElements(word) ?? [word])
            {
                if (Block(element) is { } calculated)
                {
                    properties.Add(new SelectProperty(PipelineVariables.Display(await ArgumentAsync(element, to, blockNesting)), calculated, null));
                    continue;
                }

                if (ScriptExpressions.HashtableLiteral(element) is var (entries, _))
                {
                    // Format-Table's columns also take Width, Alignment and FormatString (the error names the cmdlet).
                    var cmdletId = CmdletClass(command);
                    var formatKeys = command == "Format-Table";
                    string? name = null, expression = null, copied = null, formatString = null;
                    int? width = null;
                    Formatting.ColumnAlignment? alignment = null;
                    foreach (var (key, valueText, _) in entries)
                    {
                        switch (key.ToUpperInvariant())
                        {
                            case "NAME" or "N" or "LABEL" or "L":
                                name = PipelineVariables.Display(await ArgumentAsync(valueText, to, blockNesting));
                                break;
                            case "EXPRESSION" or "E":
                                if (Block(valueText) is { } block) expression = block;
                                else copied = PipelineVariables.Display(await ArgumentAsync(valueText, to, blockNesting));
                                break;
                            case "WIDTH" or "W" when formatKeys:
                                width = (int)((PsPrimitive)ScriptExpressions.Cast(await ArgumentAsync(valueText, to, blockNesting), ScriptExpressions.ResolveType("int")!)).Value;
                                if (width <= 0) throw new StatementTerminatedException(new ScriptedError($"The \"Width\" key has an invalid value: {width}. It must be greater than 0.", $"DictionaryKeyIllegalValue,{cmdletId}", ErrorCategory.InvalidArgument, "System.Management.Automation.NotSupportedException"));
                                break;
                            case "ALIGNMENT" or "ALIGN" or "A" when formatKeys:
                                var text = PipelineVariables.Display(await ArgumentAsync(valueText, to, blockNesting));
                                alignment = text.ToUpperInvariant() switch
                                {
                                    "LEFT" or "L" => Formatting.ColumnAlignment.Left,
                                    "RIGHT" or "R" => Formatting.ColumnAlignment.Right,
                                    // Centre is not kept: the emulator aligns it left.
                                    "CENTER" or "C" => Formatting.ColumnAlignment.Left,
                                    _ => throw new StatementTerminatedException(new ScriptedError($"The \"Alignment\" key has an invalid value: {text}.", $"DictionaryKeyIllegalValue,{cmdletId}", ErrorCategory.InvalidArgument, "System.Management.Automation.NotSupportedException")),
                                };
                                break;
                            case "FORMATSTRING" or "F" when formatKeys:
                                formatString = PipelineVariables.Display(await ArgumentAsync(valueText, to, blockNesting));
                                break;
                            default:
                                throw new StatementTerminatedException(new ScriptedError(
                                    $"The \"{key}\" key is not valid.", $"DictionaryKeyUnknownType,{cmdletId}",
                                    ErrorCategory.InvalidArgument, "System.Management.Automation.NotSupportedException"));
                        }
                    }

                    if (expression is null && copied is null)
                    {
                        throw new StatementTerminatedException(new ScriptedError("Missing the \"Expression\" key.", $"DictionaryKeyMissingExpression,{cmdletId}",
                            ErrorCategory.InvalidArgument, "System.Management.Automation.NotSupportedException"));
                    }

                    // Without a name, a script block's text is it, blanks and all (@{ e = { $_.a } } is " $_.a ").
                    properties.Add(new SelectProperty(name ?? copied ?? expression!, expression, copied) { Width = width, Alignment = alignment, FormatString = formatString });
                    continue;
                }

                foreach (var value in ScriptExpressions.Enumerate(await ArgumentAsync(element, to, blockNesting))) properties.Add(new SelectProperty(PipelineVariables.Display(value), null, null));
            }

            return properties;
        }

        // Sort-Object's keys: property names, script blocks ({ $_.Name.Length }) and hashtables
        // (@{ Expression = ...; Descending = $true }, also E and Ascending), each with its own direction when it says one.
        async ValueTask<List<SortKey>> SortKeysAsync(string? word)
        {
            var keys = new List<SortKey>();
            if (word is null) return keys;
            foreach (var element in ScriptExpressions.ArrayElements(word) ?? [word])
            {
                if (Block(element) is { } block)
                {
                    keys.Add(new SortKey(null, block, null));
                }
                else if (ScriptExpressions.HashtableLiteral(element) is var (entries, _))
                {
                    string? name = null, expression = null;
                    bool? descending = null;
                    foreach (var (key, valueText, _) in entries)
                    {
                        switch (key.ToUpperInvariant())
                        {
                            case "EXPRESSION" or "E":
                                if (Block(valueText) is { } keyBlock) expression = keyBlock;
                                else name = PipelineVariables.Display(await ArgumentAsync(valueText, to, blockNesting));
                                break;
                            case "DESCENDING":
                                descending = ScriptExpressions.IsTrue(await ArgumentAsync(valueText, to, blockNesting));
                                break;
                            case "ASCENDING":
                                descending = !ScriptExpressions.IsTrue(await ArgumentAsync(valueText, to, blockNesting));
                                break;
                            default:
                                throw new StatementTerminatedException(new ScriptedError(
                                    $"The \"{key}\" key is not valid.", "DictionaryKeyUnknownType,Microsoft.PowerShell.Commands.SortObjectCommand",
                                    ErrorCategory.InvalidArgument, "System.Management.Automation.NotSupportedException"));
                        }
                    }

                    keys.Add(new SortKey(name, expression, descending));
                }
                else
                {
                    foreach (var value in ScriptExpressions.Enumerate(await ArgumentAsync(element, to, blockNesting))) keys.Add(new SortKey(PipelineVariables.Display(value), null, null));
                }
            }

            return keys;
        }

        // A script block argument's statements; null when the word is not a script block.
        static string? Block(string? word) => word is null ? null : Statements.ScriptBlockText(word);

        // -Delimiter: one character (a comma without it).
        async ValueTask<char> DelimiterAsync()
        {
            if (arguments["Delimiter"] is not { } word) return ',';
            var text = PipelineVariables.Display(await ArgumentAsync(word, to, blockNesting));
            if (text.Length != 1)
            {
                throw new StatementTerminatedException(ParameterError(command,
                    $"Cannot bind parameter 'Delimiter'. Cannot convert value \"{text}\" to type \"System.Char\". Error: \"String must be exactly one character long.\"",
                    "CannotConvertArgumentNoMessage", text));
            }

            return text[0];
        }
    }

    /// <summary>Runs a script block's statements with $_ and $PSItem the item; return ends the block.</summary>
    /// <summary>
    /// A block with a param block run as ForEach-Object runs its block (dot-sourced, without arguments): its parameters
    /// take their defaults in this scope, then its statements run.
    /// </summary>
    internal ValueTask RunParamBlockAsync(string body) => RunFunctionAsync("&", body, null, 0, dotSourced: true);

    private async ValueTask RunWithItemAsync(string body, PsValue? item, IPipelineHost to, int blockNesting)
    {
        var variables = scope.Variables;
        var outerItem = variables.Get("_");
        var outerPsItem = variables.Get("PSItem");
        variables.SetLocal("_", item ?? PsNil.Instance);
        variables.SetLocal("PSItem", item ?? PsNil.Instance);
        // The block's statements run in their own pipelines (ScriptBlock.InvokeWithPipe writes their errors straight to
        // the current error pipe): what they write leaves the cmdlet's pipeline, and so $? after it, successful, as after
        // a function. A terminating error leaving the block fails it.
        var status = variables.BeginScriptCommand();
        var frame = variables.PushFrame(CallStackFrame.ScriptBlockName, body);
        var completed = false;
        var closure = variables.TakeClosure(body);
        var callers = closure is null ? null : variables.EnterClosure(closure);
        try
        {
            // A block with a param block (ForEach-Object $sb, where $sb = { param($a) ... }) is called without arguments:
            // its parameters take their defaults, in this scope, as the block runs dot-sourced.
            if (ScriptParameters.HasParamBlock(body)) await RunFunctionAsync("&", body, to, blockNesting, dotSourced: true);
            else await RunStatementAsync(body, to, blockNesting + 1);
            completed = true;
        }
        catch (ScriptReturnException)
        {
            // return leaves the block: the next object comes.
            completed = true;
        }
        finally
        {
            variables.PopFrame(frame, completed);
            if (closure is not null)
            {
                variables.LeaveClosure(callers);
                // The next object runs it in its scope again.
                variables.ClosureInvoked(body, closure);
            }

            variables.SetLocal("_", outerItem);
            variables.SetLocal("PSItem", outerPsItem);
            variables.EndScriptCommand(status);
        }
    }

    /// <summary>
    /// The host of a pipeline's command or of a stage's block: its output goes on to the next stage as it is written;
    /// everything else goes to the pipeline's host. <paramref name="input"/>: what <c>$input</c> reads (a function's
    /// objects), else the pipeline's own input.
    /// </summary>
    private sealed class EmittingHost(IPipelineHost inner, Func<PsValue, ValueTask> emit, IReadOnlyList<PsValue>? input = null) : ForwardingHost(inner)
    {
        private int _next;

        public override ValueTask WriteAsync(IPsrpMessageBody record, CancellationToken cancellationToken) =>
            record is PipelineOutput output ? emit(output.Value) : Inner.WriteAsync(record, cancellationToken);

        public override ValueTask<PsValue?> ReadInputAsync(CancellationToken cancellationToken) =>
            input is null ? Inner.ReadInputAsync(cancellationToken) : new(_next < input.Count ? input[_next++] : null);
    }

    private sealed class ForEachStage(RunContext context, string? begin, string? process, string? end, IPipelineHost? to, int blockNesting) : Stage
    {
        private IPipelineHost Output => new EmittingHost(to ?? context.Host, Emit);

        public override async ValueTask BeginAsync()
        {
            if (begin is not null) await context.RunWithItemAsync(begin, null, Output, blockNesting);
        }

        public override async ValueTask ProcessAsync(PsValue item)
        {
            if (process is not null) await context.RunWithItemAsync(process, item, Output, blockNesting);
        }

        public override async ValueTask EndAsync()
        {
            if (end is not null) await context.RunWithItemAsync(end, null, Output, blockNesting);
            await EndNext();
        }
    }

    /// <summary>ForEach-Object Name: each object's property (a collection's items', one level down).</summary>
    private sealed class MemberStage(RunContext context, string member, IReadOnlyList<PsValue> arguments, IPipelineHost? to, int blockNesting) : Stage
    {
        public override async ValueTask ProcessAsync(PsValue item)
        {
            // With arguments, a method call (% Split ','). Without, ForEach-Object's member: a property's value, else a
            // method of that name called without arguments; a name the object has neither writes $null (an error only
            // under strict mode 2), as ForEachObjectCommand does.
            if (arguments.Count > 0)
            {
                // Its result is unrolled into the pipeline, as WriteToPipelineWithUnrolling writes it.
                foreach (var result in ScriptExpressions.Enumerate(ScriptExpressions.Method(item, member, arguments))) await Emit(result);
                return;
            }

            var value = await context.PropertyValueAsync(item, member, to, blockNesting);
            if (value is PsNil && item is not PsNil && (item is not PsObject { CollectionKind: PsCollectionKind.None } plain || plain[member] is null))
            {
                try
                {
                    value = ScriptExpressions.Method(item, member, []);
                }
                catch (ScriptExpressionException e) when (e.Error.FullyQualifiedErrorId == "MethodNotFound")
                {
                    value = PsNil.Instance;
                }
            }

            // A collection is unrolled, as ForEachObjectCommand's WriteToPipelineWithUnrolling writes it (% Modules).
            if (value is PsObject { CollectionKind: not PsCollectionKind.None and not PsCollectionKind.Dictionary })
            {
                foreach (var element in ScriptExpressions.Enumerate(value)) await Emit(element);
                return;
            }

            await Emit(value);
        }
    }

    /// <summary>Where-Object { condition } or Where-Object Property -op Value (the property's truth without an operator).</summary>
    private sealed class WhereStage(RunContext context, string? filter, string? property, string? op, PsValue? value, IPipelineHost? to, int blockNesting) : Stage
    {
        public override async ValueTask ProcessAsync(PsValue item)
        {
            bool keep;
            if (filter is not null)
            {
                var capture = new CapturingHost(to ?? context.Host);
                await context.RunWithItemAsync(filter, item, capture, blockNesting);
                keep = ScriptExpressions.IsTrue(capture.Value);
            }
            else
            {
                var left = await context.PropertyValueAsync(item, property!, to, blockNesting);
                keep = op switch
                {
                    null => ScriptExpressions.IsTrue(left),
                    "not" => !ScriptExpressions.IsTrue(left),
                    "is" or "isnot" => ScriptExpressions.Is(left, PipelineVariables.Display(value ?? PsNil.Instance)) == (op == "is"),
                    _ => ScriptExpressions.IsTrue(ScriptExpressions.Compare(left, op, value)),
                };
            }

            if (keep) await Emit(item);
        }
    }

    /// <summary>A Select-Object property: a name, or a calculated one (its Expression a script block or another property's name).</summary>
    private sealed record SelectProperty(string Name, string? Expression, string? CopiedFrom)
    {
        /// <summary>Format-Table's column width, alignment and .NET format of the value; null when not given.</summary>
        public int? Width { get; init; }

        public Formatting.ColumnAlignment? Alignment { get; init; }

        public string? FormatString { get; init; }
    }

    /// <summary>
    /// Select-Object as Windows PowerShell 5.1's SelectObjectCommand runs it: its SelectObjectQueue takes each object and
    /// streams the first ones (-First, after -Skip), keeps the last ones (-Last, with -Skip counting from the end when
    /// there is no -First), and the rest comes at the end; the properties are worked out for the objects written only,
    /// and -Unique's objects are written at the end.
    /// </summary>
    private sealed class SelectStage(RunContext context, List<SelectProperty> properties, string? expand, int? first, int? last, int skip, bool unique,
        IPipelineHost? to, int blockNesting) : Stage
    {
        private readonly Queue<PsValue> _queue = new();
        // What -Unique has seen (each object's type and text: case-sensitive, as Select-Object compares), and the objects
        // it writes at the end, in the order they came.
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private readonly List<PsValue> _uniques = [];
        private int _skip = skip;
        private int _streamed;
        private int _index;
        private bool _finished;

        /// <summary>-Index: the places of the objects to write (a negative one selects nothing: UNVERIFIED for 5.1); null without it.</summary>
        public SortedSet<int>? Indexes { get; init; }

        /// <summary>-ExcludeProperty's names and patterns; null without it.</summary>
        public List<string>? Exclude { get; init; }

        /// <summary>-Wait: the commands before go on to their end after -First or -Index has what it wants (their output dropped).</summary>
        public bool Wait { get; init; }

        /// <summary>-SkipLast n: each object is written once n more came after it; the last n never are.</summary>
        public int SkipLast { get; init; }

        private bool _done;

        private bool FirstOrLast => first is not null || last is not null;

        private int First => first ?? 0;

        private int Last => last ?? 0;

        public override async ValueTask ProcessAsync(PsValue item)
        {
            // SelectObjectCommand takes no $null from the pipeline.
            if (_done || item is PsNil) return;
            if (Indexes is { } indexes)
            {
                var at = _index++;
                if (indexes.Count == 0 || at > indexes.Max) await StopAsync();
                else if (indexes.Contains(at))
                {
                    await WriteSelectedAsync(item);
                    if (at == indexes.Max) await StopAsync();
                }

                return;
            }

            // SelectObjectQueue.Enqueue: -Last keeps the last objects (and -Skip more when there is no -First).
            if (Last > 0 && _queue.Count >= Last + _skip && First == 0) _queue.Dequeue();
            else if (Last > 0 && _queue.Count >= Last && First != 0) _queue.Dequeue();
            _queue.Enqueue(item);
            if (_queue.Count > MaxStageObjects) throw new ScenarioRuntimeException($"Select-Object keeps at most {MaxStageObjects} objects in the emulator");

            // SelectObjectQueue.StreamingDequeue: what can be written now.
            PsValue? streamed = null;
            if (_skip == 0)
            {
                if (SkipLast > 0)
                {
                    if (_queue.Count > SkipLast) streamed = _queue.Dequeue();
                }
                else if (_streamed < First || !FirstOrLast)
                {
                    _streamed++;
                    streamed = _queue.Dequeue();
                }
                else if (Last == 0)
                {
                    _queue.Dequeue();
                }
            }
            else if (Last == 0 || First != 0)
            {
                _queue.Dequeue();
                _skip--;
            }

            if (streamed is not null) await WriteSelectedAsync(streamed);
            if (FirstOrLast && Last == 0 && First != 0 && _streamed >= First) await StopAsync();
        }

        // Stops the commands before (as SelectObjectCommand's StopUpstreamCommandsException, after its EndProcessing), or
        // with -Wait lets them run on while this stage drops what comes.
        private async ValueTask StopAsync()
        {
            _done = true;
            if (Wait) return;
            await FinishAsync();
            throw new StopUpstreamException(this);
        }

        // SelectObjectCommand.EndProcessing: the objects the queue kept (with -Last and no -First, but the -Skip last
        // ones), then -Unique's.
        private async ValueTask FinishAsync()
        {
            if (_finished) return;
            _finished = true;
            if (Indexes is null && SkipLast == 0)
            {
                while (_queue.Count > (First != 0 ? 0 : _skip)) await WriteSelectedAsync(_queue.Dequeue());
            }

            foreach (var kept in _uniques) await Emit(kept);
        }

        public override async ValueTask EndAsync()
        {
            await FinishAsync();
            await EndNext();
        }

        // ProcessObject and FilteredWriteObject: the object's selection written, or kept for -Unique's end when it is new.
        private async ValueTask WriteSelectedAsync(PsValue item)
        {
            // Script and alias properties (Add-Member) are properties to Select-Object too.
            item = await context.WithScriptPropertyValuesAsync(item, to, blockNesting);
            if (expand is not null && VariableValueTemplate.Member(item, expand) is PsNil)
            {
                // Each object without the property is an error of its own; the others go on.
                await context.WriteErrorAsync(new ScriptedError(
                    $"Property \"{expand}\" cannot be found.", "ExpandPropertyNotFound,Microsoft.PowerShell.Commands.SelectObjectCommand",
                    ErrorCategory.InvalidArgument, "System.Management.Automation.PSArgumentException", PipelineVariables.Display(item)), to ?? context.Host);
                return;
            }

            var selected = await SelectAsync(item);
            if (!unique)
            {
                await EmitAll(selected);
                return;
            }

            foreach (var each in expand is null ? [selected] : ScriptExpressions.Enumerate(selected))
            {
                var key = (each is PsPrimitive p ? p.Type.ToString() : "object") + "\0" + PipelineVariables.Display(each);
                if (_seen.Count >= MaxStageObjects) throw new ScenarioRuntimeException($"Select-Object -Unique keeps at most {MaxStageObjects} objects in the emulator");
                if (_seen.Add(key)) _uniques.Add(each);
            }
        }

        // -ExpandProperty writes a collection's items one by one.
        private async ValueTask EmitAll(PsValue value)
        {
            if (expand is null)
            {
                await Emit(value);
                return;
            }

            foreach (var item in ScriptExpressions.Enumerate(value)) await Emit(item);
        }

        private async ValueTask<PsValue> SelectAsync(PsValue item)
        {
            if (expand is not null) return properties.Count == 0 ? VariableValueTemplate.Member(item, expand) : await ExpandWithNotesAsync(item);
            if (properties.Count == 0) return item;
            // Select-Object * copies an object's properties into a Selected.Type object (which no type's view formats,
            // so it shows as a list of them all), a primitive's too ("abc" gives @{Length=3}, 5 an object without any).
            // An enum gives its value__, a Hashtable its .NET properties (IsReadOnly … Count, not its keys). Another
            // collection and a primitive whose properties are not modelled are written as they are.
            if (properties is [{ Name: "*", Expression: null }] && item is not PsObject { CollectionKind: PsCollectionKind.None, BaseValue: null } &&
                !(item is PsPrimitive primitive && ValueProperties.Of(primitive) is not null) && !(item is PsObject own && ValueProperties.Of(own) is not null)) return item;
            return await context.ProjectAsync(item, properties, to, blockNesting, Exclude);
        }

        // -Property with -ExpandProperty: each expanded value carries the selected properties as notes (a copy of an
        // object, a wrapper of a primitive, as PSObject.AsPSObject keeps them off the base object). A note the value
        // has already is AlreadyExistingUserSpecifiedPropertyExpand, once per note, and the value goes on without it.
        private async ValueTask<PsValue> ExpandWithNotesAsync(PsValue item)
        {
            var notes = await context.ProjectAsync(item, properties, to, blockNesting, Exclude);
            var expanded = VariableValueTemplate.Member(item, expand!);
            var values = new List<PsValue>();
            foreach (var value in ScriptExpressions.Enumerate(expanded))
            {
                if (value is PsNil) continue;
                var carrier = value switch
                {
                    PsPrimitive primitive => Wrapped(primitive),
                    PsObject { CollectionKind: PsCollectionKind.None } o => o.ShallowCopy(),
                    _ => null,
                };
                if (carrier is null)
                {
                    values.Add(value);
                    continue;
                }

                foreach (var note in notes.ExtendedProperties)
                {
                    var has = carrier[note.Name] is not null || carrier.BaseValue is PsPrimitive wrapped && ValueProperties.Of(wrapped) is { } own && own.Contains(note.Name, StringComparer.OrdinalIgnoreCase);
                    if (has)
                    {
                        await context.WriteErrorAsync(new ScriptedError(
                            $"The property cannot be processed because the property \"{note.Name}\" already exists.", "AlreadyExistingUserSpecifiedPropertyExpand,Microsoft.PowerShell.Commands.SelectObjectCommand",
                            ErrorCategory.InvalidOperation, "System.Management.Automation.PSArgumentException", PipelineVariables.Display(item)), to ?? context.Host);
                        continue;
                    }

                    carrier.ExtendedProperties.Add(new PsProperty(note.Name, note.Value));
                }

                values.Add(carrier);
            }

            return PsObjects.List(values, ListValueTemplate.ArrayTypeNames);
        }
    }

    /// <summary>
    /// $FormatEnumerationLimit as a Format or Out cmdlet reads it when it starts: an Int32 (negative for no limit), else
    /// the default 4, as InnerFormatShapeCommand takes only an int.
    /// </summary>
    private int FormatEnumerationLimit() =>
        scope.Variables.Get("FormatEnumerationLimit") is PsPrimitive { Value: int limit } ? limit : Formatting.FormatViews.EnumerationLimit;

    /// <summary>A value of an item: its script block's output (with $_ the item), else its property of that name.</summary>
    private async ValueTask<PsValue> ItemValueAsync(PsValue item, string? expression, string name, IPipelineHost? to, int blockNesting)
    {
        if (expression is null)
        {
            // A property name is looked up among the object's properties (PSPropertyExpression): the language's intrinsic
            // Count and Length of a single object are no properties (Select-Object Name, Length of a folder: empty; a
            // number's too: 5 | Select-Object Length).
            if ((item is PsObject { CollectionKind: PsCollectionKind.None, BaseValue: null } single && single[name] is null ||
                 item is PsPrimitive { Type: not (PsPrimitiveType.String or PsPrimitiveType.ByteArray or PsPrimitiveType.SecureString) }) &&
                (name.Equals("Count", StringComparison.OrdinalIgnoreCase) || name.Equals("Length", StringComparison.OrdinalIgnoreCase)) &&
                VariableValueTemplate.Member(item, name) is PsPrimitive { Value: 1 })
            {
                return PsNil.Instance;
            }

            try
            {
                return await PropertyValueAsync(item, name, to, blockNesting);
            }
            catch (ScriptExpressionException)
            {
                // A getter that throws (RawUI's KeyAvailable): PSPropertyExpression.GetValues keeps the exception in its
                // result, whose value is null, and Select-Object, Sort-Object and Group-Object take that null.
                return PsNil.Instance;
            }
        }

        var capture = new CapturingHost(to ?? host);
        await RunWithItemAsync(expression, item, capture, blockNesting);
        return capture.Value;
    }

    /// <summary>A Selected.Type object of <paramref name="item"/>'s properties: named ones copied, calculated ones worked out.</summary>
    private async ValueTask<PsObject> ProjectAsync(PsValue item, List<SelectProperty> properties, IPipelineHost? to, int blockNesting, List<string>? exclude = null)
    {
        var typeName = item is PsObject { TypeNames: [var own, ..] } ? own : item is PsPrimitive p ? ScriptExpressions.TypeName(p) : "System.Object";
        var selected = new PsObject(["Selected." + typeName, PsObjects.PSCustomObjectTypeName, "System.Object"]);
        // A name with a wildcard stands for the item's properties it matches (Select-Object Name, *Time).
        if (properties.Any(p => p.Expression is null && p.CopiedFrom is null && p.Name.IndexOfAny(['*', '?']) >= 0))
        {
            properties = [.. properties.SelectMany(p => p.Expression is null && p.CopiedFrom is null && p.Name.IndexOfAny(['*', '?']) >= 0
                ? ScriptExpressions.ExpandPropertyNames(item, [p.Name]).Select(n => new SelectProperty(n, null, null))
                : [p])];
        }

        foreach (var property in properties)
        {
            // -ExcludeProperty leaves out a property it matches, by the name it is read by (a calculated one's script is no name).
            if (exclude is not null && property.Expression is null && exclude.Any(pattern => ScriptExpressions.Like(property.CopiedFrom ?? property.Name, pattern))) continue;
            var value = await ItemValueAsync(item, property.Expression, property.CopiedFrom ?? property.Name, to, blockNesting);
            selected.ExtendedProperties.Add(new PsProperty(property.Name, value));
        }

        return selected;
    }

    /// <summary>
    /// Group-Object: a GroupInfo per distinct key (the properties' values; the objects themselves without one), in the
    /// order the keys first came (Windows PowerShell's); -AsHashTable a Hashtable of key to group instead.
    /// </summary>
    private sealed class GroupStage(RunContext context, List<SortKey> keys, bool noElement, bool asHashTable, bool asString, bool caseSensitive, IPipelineHost? to, int blockNesting) : Stage
    {
        private readonly List<(string Key, List<PsValue> Values, List<PsValue> Items)> _groups = [];
        private readonly Dictionary<string, int> _index = new(caseSensitive ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
        private int _count;

        public override async ValueTask ProcessAsync(PsValue item)
        {
            if (++_count > MaxStageObjects) throw new ScenarioRuntimeException($"Group-Object keeps at most {MaxStageObjects} objects in the emulator");
            var values = new List<PsValue>(Math.Max(keys.Count, 1));
            if (keys.Count == 0) values.Add(item);
            foreach (var groupKey in keys) values.Add(await context.ItemValueAsync(item, groupKey.Expression, groupKey.Name ?? string.Empty, to, blockNesting));

            var key = string.Join(", ", values.Select(PipelineVariables.Display));
            if (_index.TryGetValue(key, out var group))
            {
                _groups[group].Items.Add(item);
            }
            else
            {
                _index.Add(key, _groups.Count);
                _groups.Add((key, values, [item]));
            }
        }

        public override async ValueTask EndAsync()
        {
            if (asHashTable)
            {
                var table = PsObjects.Dictionary([]);
                foreach (var (key, values, items) in _groups)
                {
                    PsValue tableKey = asString || values.Count != 1 ? PsPrimitive.String(key) : values[0];
                    table.Entries.Add(new(tableKey, items.Count == 1 ? items[0] : PsObjects.List(items, ListValueTemplate.ArrayTypeNames)));
                }

                HashtableOrder.Arrange(table, 0);

                await Emit(table);
            }
            else
            {
                foreach (var (key, values, items) in _groups)
                {
                    var info = new PsObject([noElement ? "Microsoft.PowerShell.Commands.GroupInfoNoElement" : "Microsoft.PowerShell.Commands.GroupInfo", "System.Object"]);
                    info.AdaptedProperties.Add(new PsProperty("Values", PsObjects.List(values, ["System.Collections.ArrayList", "System.Object"])));
                    info.AdaptedProperties.Add(new PsProperty("Count", PsPrimitive.Int32(items.Count)));
                    info.AdaptedProperties.Add(new PsProperty("Group", noElement
                        ? PsObjects.List([], ["System.Collections.ObjectModel.Collection`1[[System.Management.Automation.PSObject, System.Management.Automation]]", "System.Object"])
                        : PsObjects.List(items, ["System.Collections.ObjectModel.Collection`1[[System.Management.Automation.PSObject, System.Management.Automation]]", "System.Object"])));
                    info.AdaptedProperties.Add(new PsProperty("Name", PsPrimitive.String(key)));
                    await Emit(info);
                }
            }

            await EndNext();
        }
    }

    /// <summary>A Sort-Object key: a property's name or a script block, and its own direction when it has one.</summary>
    private sealed record SortKey(string? Name, string? Expression, bool? Descending);

    private sealed class SortStage(RunContext context, List<SortKey> keys, bool descending, bool unique, bool caseSensitive, IPipelineHost? to, int blockNesting) : Stage
    {
        private readonly List<PsValue> _items = [];

        public override ValueTask ProcessAsync(PsValue item)
        {
            Hold(_items, item, "Sort-Object");
            return ValueTask.CompletedTask;
        }

        public override async ValueTask EndAsync()
        {
            // Each object's keys, worked out once (a script block runs once per object, not once per comparison).
            var rows = new List<(PsValue Item, PsValue[] Keys, int Index)>(_items.Count);
            for (var i = 0; i < _items.Count; i++)
            {
                var item = _items[i];
                var values = new PsValue[Math.Max(keys.Count, 1)];
                if (keys.Count == 0) values[0] = item;
                for (var k = 0; k < keys.Count; k++) values[k] = await context.ItemValueAsync(item, keys[k].Expression, keys[k].Name ?? string.Empty, to, blockNesting);

                rows.Add((item, values, i));
            }

            int Compare(PsValue[] a, PsValue[] b)
            {
                for (var k = 0; k < a.Length; k++)
                {
                    var order = ScriptExpressions.Order(a[k], b[k], caseSensitive);
                    if (order != 0) return (k < keys.Count ? keys[k].Descending ?? descending : descending) ? -order : order;
                }

                return 0;
            }

            // Stable, as PowerShell's sort keeps equal objects in their order.
            rows.Sort((x, y) => Compare(x.Keys, y.Keys) is var c && c != 0 ? c : x.Index.CompareTo(y.Index));
            PsValue[]? previous = null;
            foreach (var (item, rowKeys, _) in rows)
            {
                if (unique && previous is not null && Compare(previous, rowKeys) == 0) continue;
                previous = rowKeys;
                await Emit(item);
            }

            await EndNext();
        }
    }

    /// <summary>
    /// Get-Unique as GetUniqueCommand: an object goes on unless it equals the last one that went on, compared as objects
    /// (ObjectCommandComparer, case-sensitive: 'a', 'A' are two), as text with -AsString, or by type name with -OnType;
    /// so only adjacent repeats go (sort first for distinct values).
    /// </summary>
    private sealed class GetUniqueStage(bool asString, bool onType) : Stage
    {
        private PsValue? _last;

        public override async ValueTask ProcessAsync(PsValue item)
        {
            if (item is PsNil) return;
            if (_last is { } last)
            {
                var same = onType ? ScriptExpressions.TypeName(item) == ScriptExpressions.TypeName(last)
                    : asString ? string.Equals(PipelineVariables.Display(item), PipelineVariables.Display(last), StringComparison.Ordinal)
                    : ScriptExpressions.Order(item, last, caseSensitive: true) == 0;
                if (same) return;
            }

            _last = item;
            await Emit(item);
        }
    }

    /// <summary>The statistics Measure-Object keeps for one property (or for the objects themselves).</summary>
    private sealed class MeasureStatistics
    {
        public int Count;
        public double Sum;
        public PsValue? Maximum;
        public PsValue? Minimum;
        public int Lines;
        public int Words;
        public int Characters;
    }

    /// <summary>What Measure-Object measures: the generic statistics, or lines, words and characters of text.</summary>
    private sealed record MeasureRequest(bool Sum, bool Average, bool Maximum, bool Minimum, bool Line, bool Word, bool Character, bool IgnoreWhiteSpace)
    {
        // Text's parameter set (IgnoreWhiteSpace alone chooses it too).
        public bool IsText => Line || Word || Character || IgnoreWhiteSpace;
    }

    /// <summary>
    /// Measure-Object as Windows PowerShell's MeasureObjectCommand: one GenericMeasureInfo (or TextMeasureInfo, with
    /// -Line, -Word, -Character) per property measured, in the order first seen (wildcards stand for the object's
    /// properties), or one for the objects themselves. $null input is not counted. -Sum and -Average need numbers (one
    /// that is not is an error, and then neither is given); -Maximum and -Minimum take anything comparable: texts give a
    /// GenericObjectMeasureInfo that keeps them. A property no object had is an error at the end, and without input
    /// only Measure-Object without -Property writes a (zero) result.
    /// </summary>
    private sealed class MeasureStage(RunContext context, IReadOnlyList<string>? properties, MeasureRequest request, IPipelineHost? to) : Stage
    {
        private const string ObjectItself = "$_";
        private readonly Dictionary<string, MeasureStatistics> _statistics = new(StringComparer.OrdinalIgnoreCase);
        private readonly List<string> _order = [];
        private bool _nonNumeric;
        private int _total;

        public override async ValueTask ProcessAsync(PsValue item)
        {
            if (item is PsNil) return;
            _total++;
            if (properties is null)
            {
                await AnalyzeAsync(ObjectItself, item);
                return;
            }

            // Script and alias properties are properties to measure too.
            item = await context.WithScriptPropertyValuesAsync(item, to, 0);
            var counted = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in properties)
            {
                var isPattern = property.IndexOfAny(['*', '?']) >= 0;
                var resolved = isPattern ? ScriptExpressions.ExpandPropertyNames(item, [property]) : MemberName(item, property) is { } own ? [own] : [];
                if (resolved.Count == 0)
                {
                    // A name no object has is remembered, to be reported at the end; a pattern that matches nothing is not.
                    if (!isPattern) Entry(property);
                    continue;
                }

                foreach (var name in resolved)
                {
                    if (counted.Add(name)) await AnalyzeAsync(name, VariableValueTemplate.Member(item, name));
                }
            }
        }

        // The object's own spelling of a property it has (PowerShell reports "Length" for -Property length), or null.
        private static string? MemberName(PsValue item, string property)
        {
            // An object's intrinsic Count and Length are no members: a folder has no Length to measure.
            if (item is PsObject { CollectionKind: PsCollectionKind.None } obj && !XmlNodes.TryGet(item, out _))
            {
                return obj.AdaptedProperties.Concat(obj.ExtendedProperties).FirstOrDefault(p => p.Name.Equals(property, StringComparison.OrdinalIgnoreCase))?.Name;
            }

            // A collection is one object here (ConvertFrom-Json's array in 5.1, a comma-wrapped array): PSObject's
            // members are its type's (Length, Count...), with no member enumeration of its items' properties.
            if (item is PsObject { CollectionKind: PsCollectionKind.List or PsCollectionKind.Enumerable or PsCollectionKind.Stack or PsCollectionKind.Queue } collection)
            {
                var typeNames = DotNetMembers.TypeNamesOf(collection);
                var members = typeNames.SelectMany(ExtendedTypeMembers.Of).Concat(DotNetMembers.OfFirst(typeNames) ?? [])
                    .Where(m => m.MemberType.EndsWith("Property", StringComparison.Ordinal) && m.MemberType != "ParameterizedProperty");
                if (!members.Any()) members = [new DotNetMembers.Member("Property", "Count", ""), new DotNetMembers.Member("Property", "Length", "")];
                return members.FirstOrDefault(m => m.Name.Equals(property, StringComparison.OrdinalIgnoreCase))?.Name;
            }

            // Nor are a number's (1..3 | Measure-Object -Property Length finds no property).
            if (item is PsPrimitive { Type: not (PsPrimitiveType.String or PsPrimitiveType.ByteArray or PsPrimitiveType.SecureString) } &&
                (property.Equals("Count", StringComparison.OrdinalIgnoreCase) || property.Equals("Length", StringComparison.OrdinalIgnoreCase)))
            {
                return null;
            }

            return VariableValueTemplate.Member(item, property) is PsNil ? null : property;
        }

        private MeasureStatistics Entry(string name)
        {
            if (!_statistics.TryGetValue(name, out var statistics))
            {
                _statistics[name] = statistics = new MeasureStatistics();
                _order.Add(name);
            }

            return statistics;
        }

        private async ValueTask AnalyzeAsync(string name, PsValue value)
        {
            var statistics = Entry(name);
            statistics.Count++;
            if (request.IsText)
            {
                var text = value is PsNil ? string.Empty : value.ToWindowsText();
                if (request.Character) statistics.Characters += request.IgnoreWhiteSpace ? text.Count(c => !char.IsWhiteSpace(c)) : text.Length;
                if (request.Word) statistics.Words += Words(text);
                if (request.Line) statistics.Lines += Lines(text);
            }

            if (request.Sum || request.Average)
            {
                // $null counts as 0, as LanguagePrimitives converts it.
                if ((value is PsNil ? 0 : ScriptExpressions.AsNumberOrNull(value)) is not { } number)
                {
                    _nonNumeric = true;
                    // The message formats the object with .NET's ToString: an array is "System.Object[]".
                    var shown = value is PsObject { CollectionKind: not PsCollectionKind.None and not PsCollectionKind.Dictionary } ? PipelineVariables.Display(ScriptExpressions.Method(value, "ToString", [])) : PipelineVariables.Display(value);
                    await context.WriteErrorAsync(new ScriptedError(
                        $"Input object \"{shown}\" is not numeric.", "NonNumericInputObject,Microsoft.PowerShell.Commands.MeasureObjectCommand",
                        ErrorCategory.InvalidType, "System.Management.Automation.PSInvalidOperationException", shown), to ?? context.Host);
                    return;
                }

                statistics.Sum += number;
            }

            if (request.Minimum) statistics.Minimum = Pick(value, statistics.Minimum, minimum: true);
            if (request.Maximum) statistics.Maximum = Pick(value, statistics.Maximum, minimum: false);
        }

        // MeasureObjectCommand.Compare: numbers as numbers, values of different types by their texts; a null kept value
        // gives way to any, and $null is below everything (so it can become the minimum, and then gives way again).
        private static PsValue? Pick(PsValue value, PsValue? kept, bool minimum)
        {
            if (kept is null) return value is PsNil ? null : value;
            if (value is PsNil) return minimum ? null : kept;
            int comparison;
            if (ScriptExpressions.AsNumberOrNull(value) is { } number && ScriptExpressions.AsNumberOrNull(kept) is { } keptNumber) comparison = keptNumber.CompareTo(number);
            else if (value is PsPrimitive { Type: var type } && kept is PsPrimitive { Type: var keptType } && type == keptType) comparison = ScriptExpressions.DefaultComparer.Compare(kept, value);
            else comparison = WindowsCollation.Compare(PipelineVariables.Display(kept), PipelineVariables.Display(value), ignoreCase: false);
            return (minimum ? comparison : -comparison) > 0 ? value : kept;
        }

        // TextCountUtilities: words are runs of non-white-space; lines are line feeds, plus one for text not ending in one.
        private static int Words(string text)
        {
            var words = 0;
            var inWhiteSpace = true;
            foreach (var c in text)
            {
                if (char.IsWhiteSpace(c)) inWhiteSpace = true;
                else if (inWhiteSpace)
                {
                    words++;
                    inWhiteSpace = false;
                }
            }

            return words;
        }

        private static int Lines(string text) => text.Length == 0 ? 0 : text.Count(c => c == '\n') + (text[^1] == '\n' ? 0 : 1);

        public override async ValueTask EndAsync()
        {
            if (_total == 0 && properties is null) Entry(ObjectItself);
            foreach (var name in _order)
            {
                var statistics = _statistics[name];
                if (statistics.Count == 0 && properties is not null)
                {
                    await context.WriteErrorAsync(new ScriptedError(
                        $"The property \"{name}\" cannot be found in the input for any objects.",
                        (request.IsText ? "TextMeasurePropertyNotFound" : "GenericMeasurePropertyNotFound") + ",Microsoft.PowerShell.Commands.MeasureObjectCommand",
                        ErrorCategory.InvalidArgument, "System.Management.Automation.PSArgumentException"), to ?? context.Host);
                    continue;
                }

                var info = request.IsText ? TextInfo(statistics) : GenericInfo(statistics);
                info.AdaptedProperties.Add(new PsProperty("Property", properties is null ? PsNil.Instance : PsPrimitive.String(name)));
                await Emit(info);
            }

            await EndNext();
        }

        private PsObject GenericInfo(MeasureStatistics statistics)
        {
            // Extremes that are numbers are given as doubles (GenericMeasureInfo); others as they are (GenericObjectMeasureInfo).
            var numeric = statistics.Minimum is null or PsNil || ScriptExpressions.AsNumberOrNull(statistics.Minimum) is not null;
            numeric &= statistics.Maximum is null or PsNil || ScriptExpressions.AsNumberOrNull(statistics.Maximum) is not null;
            var info = new PsObject([numeric ? "Microsoft.PowerShell.Commands.GenericMeasureInfo" : "Microsoft.PowerShell.Commands.GenericObjectMeasureInfo",
                "Microsoft.PowerShell.Commands.MeasureInfo", "System.Object"]);
            PsValue Statistic(bool asked, double? value) => asked && !_nonNumeric && value is { } v ? PsPrimitive.Double(v) : PsNil.Instance;
            PsValue Extreme(bool asked, PsValue? value) => !asked || value is null ? PsNil.Instance
                : numeric ? PsPrimitive.Double(ScriptExpressions.AsNumberOrNull(value)!.Value) : value;
            info.AdaptedProperties.Add(new PsProperty("Count", PsPrimitive.Int32(statistics.Count)));
            info.AdaptedProperties.Add(new PsProperty("Average", Statistic(request.Average, statistics.Count > 0 ? statistics.Sum / statistics.Count : null)));
            info.AdaptedProperties.Add(new PsProperty("Sum", Statistic(request.Sum, statistics.Sum)));
            info.AdaptedProperties.Add(new PsProperty("Maximum", Extreme(request.Maximum, statistics.Maximum)));
            info.AdaptedProperties.Add(new PsProperty("Minimum", Extreme(request.Minimum, statistics.Minimum)));
            return info;
        }

        private PsObject TextInfo(MeasureStatistics statistics)
        {
            var info = new PsObject(["Microsoft.PowerShell.Commands.TextMeasureInfo", "Microsoft.PowerShell.Commands.MeasureInfo", "System.Object"]);
            PsValue Statistic(bool asked, int value) => asked ? PsPrimitive.Int32(value) : PsNil.Instance;
            info.AdaptedProperties.Add(new PsProperty("Lines", Statistic(request.Line, statistics.Lines)));
            info.AdaptedProperties.Add(new PsProperty("Words", Statistic(request.Word, statistics.Words)));
            info.AdaptedProperties.Add(new PsProperty("Characters", Statistic(request.Character, statistics.Characters)));
            return info;
        }
    }

    /// <summary>
    /// A function the session defined, as a pipeline stage: its <c>begin</c>, <c>process</c> (each object as $_) and
    /// <c>end</c> blocks, or, without named blocks, its body once at the end with every object in <c>$input</c>, as
    /// PowerShell runs a function in a pipeline. Its variables last from begin to end.
    /// </summary>
    private sealed class FunctionStage(RunContext context, string call, string body, IPipelineHost? to, int blockNesting) : Stage
    {
        private Dictionary<string, PsValue> _scope = new(StringComparer.OrdinalIgnoreCase);
        private Dictionary<string, PsValue> _locals = new(StringComparer.OrdinalIgnoreCase);
        private IReadOnlyList<ScriptParameters.PipelineParameter> _fromPipeline = [];
        private readonly Dictionary<string, PsValue> _bound = new(StringComparer.OrdinalIgnoreCase);
        private string? _begin;
        private string? _process;
        private string? _end;
        private List<PsValue>? _input;

        public override async ValueTask BeginAsync()
        {
            var (locals, statements) = await context.BindFunctionAsync(call, body, to, blockNesting, pipelineInput: true);
            _locals = new Dictionary<string, PsValue>(locals, StringComparer.OrdinalIgnoreCase);
            _scope = context.Scope.Variables.FunctionScopeOf(_locals);
            // An advanced function's -ErrorAction / -WarningAction are its own preference variables, as when it runs first.
            if (_locals.ContainsKey("PSCmdlet") && Statements.ActionPreferences(call) is { } own)
            {
                if (ActionPreferenceValue(own.ErrorAction) is { } error) _locals["ErrorActionPreference"] = error;
                if (ActionPreferenceValue(own.WarningAction) is { } warning) _locals["WarningPreference"] = warning;
            }
            _fromPipeline = ScriptParameters.PipelineParameters(body);
            if (Statements.NamedBlocks(statements) is { } blocks)
            {
                (_begin, _process, _end) = blocks;
            }
            else
            {
                _end = statements;
                _input = [];
            }

            if (_begin is not null) await RunBlockAsync(_begin, null, []);
        }

        public override async ValueTask ProcessAsync(PsValue item)
        {
            // Parameters that take pipeline input get each object (by value) or its property of their name, and keep
            // the last one bound: the end block (the body of a function without named blocks) sees that.
            // Each is converted to its declared type ("5" to an [int]); an object no parameter takes is the binder's
            // InputObjectNotBound error, and the function does not process it.
            var bound = false;
            foreach (var parameter in _fromPipeline)
            {
                if (parameter.ByValue && parameter.Converted(item) is { } converted)
                {
                    _bound[parameter.Name] = converted;
                    bound = true;
                }
                else if (parameter.ByPropertyName && PropertyFor(item, parameter) is { } property && parameter.Converted(property) is { } convertedProperty)
                {
                    _bound[parameter.Name] = convertedProperty;
                    bound = true;
                }
            }

            // $PSBoundParameters has them too, after the command line's, each the object it was bound last.
            if (bound && _locals.GetValueOrDefault("PSBoundParameters") is PsObject { CollectionKind: PsCollectionKind.Dictionary } boundParameters)
            {
                foreach (var parameter in _fromPipeline)
                {
                    if (!_bound.TryGetValue(parameter.Name, out var value)) continue;
                    var key = PsPrimitive.String(parameter.Name);
                    var at = TableKeys.Find(boundParameters, key);
                    if (at >= 0) boundParameters.Entries[at] = new(boundParameters.Entries[at].Key, value);
                    else TableKeys.Add(boundParameters, key, value);
                }
            }

            if (!bound && _fromPipeline.Count > 0)
            {
                var name = UnknownCommandScript.FirstWordOf(call);
                await context.WriteErrorAsync(new ScriptedError(
                    "The input object cannot be bound to any parameters for the command either because the command does not take pipeline input or the input and its properties do not match any of the parameters that take pipeline input.",
                    $"InputObjectNotBound,{name}", ErrorCategory.InvalidArgument, "System.Management.Automation.ParameterBindingException", PipelineVariables.Display(item)) { Activity = name }, to ?? context.Host);
                return;
            }

            if (_process is not null)
            {
                // In a process block $input is the object being processed.
                await RunBlockAsync(_process, item, [item]);
                return;
            }

            if (_input is { } input)
            {
                if (input.Count >= MaxStageObjects) throw new ScenarioRuntimeException($"a function's $input keeps at most {MaxStageObjects} objects in the emulator");
                input.Add(item);
            }
        }

        // The object's property of the parameter's name, else of one of its aliases; null when it has none.
        private static PsValue? PropertyFor(PsValue item, ScriptParameters.PipelineParameter parameter)
        {
            foreach (var name in parameter.Aliases.Prepend(parameter.Name))
            {
                if (VariableValueTemplate.Member(item, name) is var property && property is not PsNil) return property;
            }

            return null;
        }

        public override async ValueTask EndAsync()
        {
            if (_end is not null) await RunBlockAsync(_end, null, _input ?? []);
            await EndNext();
        }

        private async ValueTask RunBlockAsync(string block, PsValue? item, IReadOnlyList<PsValue> input)
        {
            var variables = context.Scope.Variables;
            if (variables.CallDepth >= MaxCallDepth) throw new PipelineTerminatedException(PSInvocationState.Failed, ScriptedError.CallDepthOverflow(MaxCallDepth));
            var outer = _locals.Keys.Append("_").Append("PSItem").Concat(_fromPipeline.Select(p => p.Name)).Select(name => (name, variables.SavedLocal(name))).ToList();
            // A parameter an earlier block assigned is that value still (the scope's), not the one bound.
            foreach (var (name, value) in _locals) variables.SetLocal(name, _scope.GetValueOrDefault(name) ?? value);
            if (item is not null)
            {
                variables.SetLocal("_", item);
                variables.SetLocal("PSItem", item);
            }

            foreach (var (name, value) in _bound) variables.SetLocal(name, value);

            var status = variables.BeginScriptCommand();
            var frame = context.PushFrame(_locals.GetValueOrDefault("MyInvocation"), body, FrameArguments(_locals));
            var completed = false;
            variables.CallDepth++;
            variables.PushFunctionScope(_scope);
            try
            {
                await context.RunStatementAsync(block, new EmittingHost(to ?? context.Host, Emit, input), blockNesting + 1);
                completed = true;
            }
            catch (ScriptReturnException)
            {
                // return leaves the block.
                completed = true;
            }
            finally
            {
                variables.PopFrame(frame, completed);
                // The blocks share the function's scope: a parameter a block set (a default evaluated before begin,
                // "$Path = Resolve-Path $Path" in begin) is what the next block sees (read while the scope is there:
                // an assignment moved it into the scope).
                foreach (var name in _locals.Keys.ToList()) _locals[name] = variables.Get(name) ?? PsNil.Instance;
                variables.PopFunctionScope();
                variables.CallDepth--;
                foreach (var (name, value) in outer) variables.SetLocal(name, value);
                variables.EndScriptCommand(status);
            }
        }
    }

    /// <summary>
    /// A stage the emulator does not run on input (Initialize-Disk, New-Partition, Format-Volume...): with nothing piped
    /// in it does nothing, as those cmdlets bind their disk from the pipeline (`Get-Disk | where PartitionStyle -eq RAW |
    /// Initialize-Disk ...` finds no RAW disk here); an object reaching it is a scenario error.
    /// </summary>
    /// <summary>
    /// A cmdlet whose piped objects the emulator does not take (a disk's, a partition's; a PSSession's, which no session
    /// has inside one): nothing piped, nothing done (<c>Get-PSSession | Remove-PSSession</c>); an object, a scenario error.
    /// </summary>
    private sealed class UnemulatedInputStage(string command) : Stage
    {
        public static readonly HashSet<string> Commands = new(StringComparer.Ordinal)
        {
            "Initialize-Disk", "New-Partition", "Format-Volume", "Resize-Partition", "Set-Disk", "Clear-Disk",
            "Remove-PSSession", "Disconnect-PSSession", "Connect-PSSession", "Receive-PSSession",
        };

        public override ValueTask ProcessAsync(PsValue item) =>
            throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} of a piped object is not emulated: give the command a rule"));
    }

    private sealed class OutNullStage : Stage
    {
        public override ValueTask ProcessAsync(PsValue item) => ValueTask.CompletedTask;
    }

    /// <summary><c>... | Write-Output</c>: each object goes on as it is.</summary>
    private sealed class PassStage : Stage
    {
        public override ValueTask ProcessAsync(PsValue item) => Emit(item);
    }

    /// <summary><c>... | Write-Host</c>: each object is a Write-Host record of its text (a collection's items joined by -Separator); nothing goes on.</summary>
    private sealed class WriteHostStage(RunContext context, StageArguments arguments, IPipelineHost? to, int blockNesting) : Stage
    {
        public override async ValueTask ProcessAsync(PsValue item) =>
            await (to ?? context.Host).WriteAsync(await context.WriteHostRecordAsync(arguments, to, blockNesting, item), context.CancellationToken);
    }

    /// <summary>
    /// <c>... | Out-Host</c> (and Out-Default): the objects formatted as Out-Default lays them out, each line written to the
    /// host (WriteLine, as a remote session's host is the client's); nothing goes on.
    /// </summary>
    private sealed class OutHostStage(RunContext context, Formatting.OutDefaultWriter writer) : Stage
    {
        public override ValueTask ProcessAsync(PsValue item) => WriteLinesAsync(writer.Add(item));

        public override async ValueTask EndAsync()
        {
            await WriteLinesAsync(writer.Complete());
            await EndNext();
        }

        private async ValueTask WriteLinesAsync(string text)
        {
            if (text.Length == 0) return;
            foreach (var line in Formatting.OutDefaultWriter.Lines(text))
            {
                await context.Host.SendHostCallAsync(Protocol.Psrp.RemoteHostMethodId.WriteLine2, [PsPrimitive.String(line)], context.CancellationToken);
            }
        }
    }

    /// <summary>ConvertTo-Json's -Depth: 2 without it; outside 0..100 PowerShell's validation error.</summary>
    private async ValueTask<int> JsonDepthAsync(string? word, IPipelineHost? to, int blockNesting)
    {
        if (word is null) return Formatting.Json.DefaultDepth;
        var depth = (int)((PsPrimitive)ScriptExpressions.Cast(await ArgumentAsync(word, to, blockNesting), ScriptExpressions.ResolveType("int")!)).Value;
        if (depth is < 0 or > Formatting.Json.MaxDepth)
        {
            throw new StatementTerminatedException(ParameterError("ConvertTo-Json", depth < 0
                    ? $"Cannot validate argument on parameter 'Depth'. The {depth} argument is less than the minimum allowed range of 0. Supply an argument that is greater than or equal to 0 and then try the command again."
                    : $"Cannot validate argument on parameter 'Depth'. The {depth} argument is greater than the maximum allowed range of 100. Supply an argument that is less than or equal to 100 and then try the command again.",
                "ParameterArgumentValidationError", depth.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return depth;
    }

    /// <summary>ConvertTo-Json: one JSON text of all its input at the end (one object as itself, more as an array; none, nothing).</summary>
    private sealed class ConvertToJsonStage(RunContext context, int depth, bool compress, IPipelineHost? to) : Stage
    {
        private readonly List<PsValue> _items = [];

        public override ValueTask ProcessAsync(PsValue item)
        {
            Hold(_items, item, "ConvertTo-Json");
            return ValueTask.CompletedTask;
        }

        public override async ValueTask EndAsync()
        {
            if (_items.Count > 0)
            {
                var value = _items.Count == 1 ? _items[0] : PsObjects.List(_items, ["System.Object[]", "System.Array", "System.Object"]);
                string json;
                try
                {
                    json = Formatting.Json.ConvertTo(value, depth, compress);
                }
                catch (StatementTerminatedException e)
                {
                    // The cmdlet's terminating error (a dictionary's key that is no string) ends this statement only.
                    await context.WriteStatementErrorAsync(e.Error, to ?? context.Host);
                    return;
                }

                await Emit(PsPrimitive.String(json));
            }

            await EndNext();
        }
    }

    /// <summary>ConvertFrom-StringData: each text piped in as one hashtable of its name=value lines.</summary>
    private sealed class ConvertFromStringDataStage : Stage
    {
        public override ValueTask ProcessAsync(PsValue item) => Emit(StringData(PipelineVariables.Display(item)));
    }

    /// <summary>
    /// A text's name=value lines as ConvertFromStringDataCommand reads them: blank and # lines skipped, each side trimmed,
    /// the value's escapes (\n, \t, \\) read as Regex.Unescape reads them; a line without '=' or a name given twice is
    /// its terminating error.
    /// </summary>
    internal static PsObject StringData(string data)
    {
        const string Command = "ConvertFrom-StringData";
        static StatementTerminatedException Refused(string message) => new(new ScriptedError(message, $"InvalidOperation,{CmdletClass(Command)}",
            ErrorCategory.InvalidOperation, "System.Management.Automation.PSInvalidOperationException") { Activity = Command });
        var table = PsObjects.Dictionary([]);
        foreach (var line in data.Split('\n'))
        {
            var s = line.Trim();
            if (s.Length == 0 || s[0] == '#') continue;
            var at = s.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0) throw Refused($"Data line '{line}' is not in 'name=value' format.");
            var name = s[..at].Trim();
            if (TableKeys.Find(table, PsPrimitive.String(name)) >= 0) throw Refused($"Data item '{name}' in line '{line}' is already defined.");

            string value;
            try
            {
                value = System.Text.RegularExpressions.Regex.Unescape(s[(at + 1)..].Trim());
            }
            catch (ArgumentException)
            {
                value = s[(at + 1)..].Trim();
            }

            TableKeys.Add(table, PsPrimitive.String(name), PsPrimitive.String(value));
        }

        return table;
    }

    /// <summary>
    /// ConvertFrom-Json as Windows PowerShell 5.1's: the input's texts are read at the end, each as its own JSON when
    /// the first is JSON alone, else all joined by line breaks as one; an array is written as one object (5.1 does not
    /// enumerate it); text that is not JSON ends the statement with ArgumentException.
    /// </summary>
    private sealed class ConvertFromJsonStage(RunContext context, IPipelineHost? to) : Stage
    {
        private readonly List<string> _texts = [];
        private long _length;

        public override ValueTask ProcessAsync(PsValue item)
        {
            var text = PipelineVariables.Display(item);
            _length += text.Length;
            if (_texts.Count >= MaxStageObjects || _length > ScriptExpressions.MaxArithmeticLength)
            {
                throw new ScenarioRuntimeException($"ConvertFrom-Json reads at most {MaxStageObjects} texts of {ScriptExpressions.MaxArithmeticLength} characters in all in the emulator");
            }

            _texts.Add(text);
            return ValueTask.CompletedTask;
        }

        public override async ValueTask EndAsync()
        {
            if (_texts.Count == 0)
            {
                await EndNext();
                return;
            }

            var values = new List<PsValue>();
            string? error = null;
            if (Formatting.Json.ConvertFrom(_texts[0], out var firstError) is { } first)
            {
                values.Add(first);
                for (var i = 1; i < _texts.Count && error is null; i++)
                {
                    if (Formatting.Json.ConvertFrom(_texts[i], out error) is { } next) values.Add(next);
                }
            }
            else if (_texts.Count == 1)
            {
                error = firstError;
            }
            else if (Formatting.Json.ConvertFrom(string.Join("\r\n", _texts), out error) is { } joined)
            {
                values.Add(joined);
            }

            foreach (var value in values) await Emit(value);
            if (error is not null)
            {
                await context.WriteStatementErrorAsync(JsonError(error), to ?? context.Host);
                return;
            }

            await EndNext();
        }
    }

    /// <summary>
    /// <c>ConvertTo-Json [-InputObject] value [-Depth n] [-Compress]</c> and <c>ConvertFrom-Json [-InputObject] text</c>
    /// as commands of their own: the value as it is (an array is one array, not its items).
    /// </summary>
    private async ValueTask RunJsonCommandAsync(string command, string text, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        string json;
        try
        {
            var arguments = BindStage(command, Statements.SplitArguments(text.Trim()).Skip(1).ToList());
            var word = arguments["InputObject"] ?? arguments.Positional.FirstOrDefault();
            if (word is null || arguments.Positional.Count > (arguments.Has("InputObject") ? 0 : 1))
            {
                throw new StatementTerminatedException(word is null
                    ? ParameterError(command, "Cannot process command because of one or more missing mandatory parameters: InputObject.", "MissingMandatoryParameter")
                    : ParameterError(command, $"A positional parameter cannot be found that accepts argument '{arguments.Positional[^1]}'.", "PositionalParameterNotFound"));
            }

            var value = await ArgumentAsync(word, to, blockNesting);
            if (command == "ConvertTo-Json")
            {
                value = await WithScriptPropertyValuesAsync(value, to, blockNesting);
                json = Formatting.Json.ConvertTo(value, await JsonDepthAsync(arguments["Depth"], to, blockNesting), arguments.Has("Compress"));
            }
            else
            {
                if (Formatting.Json.ConvertFrom(PipelineVariables.Display(value), out var error) is not { } parsed) throw new StatementTerminatedException(JsonError(error!));
                await output.WriteAsync(new PipelineOutput(parsed), cancellationToken);
                return;
            }
        }
        catch (ScriptExpressionException e)
        {
            await WriteStatementErrorAsync(e.Error, output);
            return;
        }
        catch (StatementTerminatedException e) when (scope.Variables.TryDepth == 0)
        {
            await WriteStatementErrorAsync(e.Error, output);
            return;
        }

        await output.WriteAsync(new PipelineOutput(PsPrimitive.String(json)), cancellationToken);
    }

    /// <summary>
    /// Select-String over pipeline input: a MatchInfo per line (each object's text) that a pattern matches (the first
    /// that does), its Matches the regex matches (all with -AllMatches); -NotMatch the lines none matches; -Quiet one
    /// Boolean at the end. Patterns are regular expressions (case-insensitive unless -CaseSensitive) or, with
    /// -SimpleMatch, text; a pattern that is not a regular expression is the statement's error.
    /// </summary>
    private sealed class SelectStringStage(RunContext context, IPipelineHost? to, List<(string Pattern, Regex Regex)> patterns, bool notMatch, bool allMatches, bool quiet, bool caseSensitive,
        (int Before, int After)? around, bool list) : Stage
    {
        private int _lineNumber;
        private bool _found;

        // -List: the file (or the input stream) has given its one match.
        private bool _listed;

        // -Context: the lines before a match (number and text), the matches still collecting lines after them, and the
        // last line a MatchInfo shows (a line is shown once: a match's DisplayPreContext starts after it).
        private readonly Queue<(int Number, string Line)> _before = new();
        private readonly List<PendingMatch> _pending = [];
        private int _lastShown;

        private sealed class PendingMatch(PsObject info, int number, string line, string[] preContext, string[] displayPreContext)
        {
            public PsObject Info => info;
            public int Number => number;
            public string Line => line;
            public string[] PreContext => preContext;
            public string[] DisplayPreContext => displayPreContext;
            public List<string> PostContext { get; } = [];
            public List<string> DisplayPostContext { get; } = [];
            public bool Showing { get; set; } = true;
        }

        public static SelectStringStage Create(RunContext context, IPipelineHost? to, List<string> patterns, bool simpleMatch, bool caseSensitive, bool notMatch, bool allMatches, bool quiet,
            (int Before, int After)? around = null, bool list = false)
        {
            var options = RegexOptions.CultureInvariant | (caseSensitive ? RegexOptions.None : RegexOptions.IgnoreCase);
            var compiled = new List<(string, Regex)>(patterns.Count);
            foreach (var pattern in patterns)
            {
                try
                {
                    compiled.Add((pattern, new Regex(simpleMatch ? Regex.Escape(pattern) : pattern, options, TimeSpan.FromSeconds(1))));
                }
                catch (ArgumentException e)
                {
                    throw new StatementTerminatedException(new ScriptedError($"The string '{pattern}' is not a valid regular expression: {e.Message}",
                        "InvalidRegex,Microsoft.PowerShell.Commands.SelectStringCommand", ErrorCategory.InvalidArgument, "System.ArgumentException", pattern));
                }
            }

            return new SelectStringStage(context, to, compiled, notMatch, allMatches, quiet, caseSensitive, around is (0, 0) ? null : around, list);
        }

        // Select-String -Path: the file the lines come from (its line numbers start at 1), else the input stream.
        private string? _path;

        /// <summary>The lines of a file (Select-String -Path): numbered from 1, the file named in each MatchInfo.</summary>
        public async ValueTask ProcessFileAsync(string path, IEnumerable<string> lines)
        {
            // A file's context is its own: the previous file's held matches end with it.
            if (around is { } window) await FlushContextAsync(window.After, atEnd: true);
            _before.Clear();
            _lastShown = 0;
            _path = path;
            _lineNumber = 0;
            _listed = false;
            foreach (var line in lines)
            {
                if (_listed) break;
                await ProcessAsync(PsPrimitive.String(line));
            }
        }

        public override async ValueTask ProcessAsync(PsValue item)
        {
            if (quiet && _found) return;
            if (list && _listed && item is not PsObject { TypeNames: [FileInfoTypeName, ..] }) return;
            // A file piped in (Get-ChildItem *.log | Select-String error): its lines, as -Path would read them.
            if (item is PsObject { TypeNames: [FileInfoTypeName, ..] } file && file["FullName"] is { } full)
            {
                var path = PipelineVariables.Display(full);
                var failure = context.Disk("Select-String").Read(path, out var bytes);
                if (failure == FileSystemFailure.ContentNotHeld) throw new StatementTerminatedException(ProgramContentNotEmulated("Select-String", path));
                if (failure == FileSystemFailure.None) await ProcessFileAsync(path, SplitLines(DecodeText(bytes, Ansi)));
                return;
            }

            var line = PipelineVariables.Display(item);
            _lineNumber++;
            (string Pattern, MatchCollection Matches)? hit = null;
            foreach (var (pattern, regex) in patterns)
            {
                MatchCollection matches;
                try
                {
                    matches = regex.Matches(line);
                    if (matches.Count == 0) continue;
                }
                catch (RegexMatchTimeoutException)
                {
                    // The line is the error's, as a pattern that takes too long is for -match.
                    await context.WriteErrorAsync(ScriptedError.RegularExpressionTimedOut(pattern), to ?? context.Host);
                    return;
                }

                hit = (pattern, matches);
                break;
            }

            var selected = hit is null != !notMatch;
            if (around is { } window && !quiet) await TrackContextAsync(window, line, selected);
            if (!selected) return;
            _found = true;
            _listed = list;
            if (quiet) return;
            var found = hit is { } h ? (allMatches ? h.Matches.Cast<Match>() : h.Matches.Cast<Match>().Take(1)).Select(MatchObject).ToList() : [];
            // A file's MatchInfo reads "path:line number:line" (MatchInfo.ToString without a directory to be relative to).
            var info = new PsObject(["Microsoft.PowerShell.Commands.MatchInfo", "System.Object"])
                {
                    ToStringValue = _path is null ? line : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{_path}:{_lineNumber}:{line}"),
                }
                .With("IgnoreCase", !caseSensitive)
                .With("LineNumber", _lineNumber)
                .With("Line", line)
                .With("Filename", _path is null ? "InputStream" : VirtualFileSystem.NameOf(_path))
                .With("Path", _path ?? "InputStream")
                .With("Pattern", hit?.Pattern ?? patterns[^1].Pattern)
                .With("Context", PsNil.Instance)
                .With("Matches", PsObjects.List(found, ["System.Text.RegularExpressions.Match[]", "System.Array", "System.Object"]));
            if (around is { } with)
            {
                // Held until the lines after it have come (its Context and text are set then).
                var pre = _before.Select(b => b.Line).ToArray();
                var shownPre = _before.Where(b => b.Number > _lastShown).Select(b => b.Line).ToArray();
                foreach (var earlier in _pending) earlier.Showing = false;
                _pending.Add(new PendingMatch(info, _lineNumber, line, pre, shownPre));
                _lastShown = _lineNumber;
                Remember(with, line);
                return;
            }

            await Emit(info);
        }

        // A line while -Context is on: it joins the held matches' lines after them (shown by the latest one only, and not
        // when it is a match itself), then the lines before the next match.
        private async ValueTask TrackContextAsync((int Before, int After) window, string line, bool selected)
        {
            foreach (var pending in _pending)
            {
                if (pending.PostContext.Count >= window.After) continue;
                pending.PostContext.Add(line);
                if (!selected && pending.Showing && pending.DisplayPostContext.Count < window.After)
                {
                    pending.DisplayPostContext.Add(line);
                    _lastShown = _lineNumber;
                }
            }

            await FlushContextAsync(window.After, atEnd: false);
            if (!selected) Remember(window, line);
        }

        private void Remember((int Before, int After) window, string line)
        {
            if (window.Before == 0) return;
            _before.Enqueue((_lineNumber, line));
            while (_before.Count > window.Before) _before.Dequeue();
        }

        // The held matches whose lines after them are all in (all of them at the end), in order.
        private async ValueTask FlushContextAsync(int after, bool atEnd)
        {
            while (_pending.Count > 0 && (atEnd || _pending[0].PostContext.Count >= after))
            {
                var done = _pending[0];
                _pending.RemoveAt(0);
                static PsObject Lines(IEnumerable<string> lines) => PsObjects.List([.. lines.Select(l => (PsValue)PsPrimitive.String(l))], ["System.String[]", "System.Array", "System.Object"]);
                var contextObject = new PsObject(["Microsoft.PowerShell.Commands.MatchInfoContext", "System.Object"]) { ToStringValue = "Microsoft.PowerShell.Commands.MatchInfoContext" }
                    .With("PreContext", Lines(done.PreContext))
                    .With("PostContext", Lines(done.PostContext))
                    .With("DisplayPreContext", Lines(done.DisplayPreContext))
                    .With("DisplayPostContext", Lines(done.DisplayPostContext));
                done.Info.With("Context", contextObject);
                // With a context a MatchInfo reads "> line", the lines around it "  line" (a file's with path and number).
                var number = done.Number;
                var shown = done.DisplayPreContext.Select((l, i) => Format("  ", l, number - done.DisplayPreContext.Length + i))
                    .Append(Format("> ", done.Line, number))
                    .Concat(done.DisplayPostContext.Select((l, i) => Format("  ", l, number + 1 + i)));
                done.Info.ToStringValue = string.Join("\r\n", shown);
                await Emit(done.Info);
            }
        }

        private string Format(string prefix, string line, int number) =>
            _path is null ? prefix + line : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{prefix}{_path}:{number}:{line}");

        public override async ValueTask EndAsync()
        {
            if (around is { } window) await FlushContextAsync(window.After, atEnd: true);
            if (quiet) await Emit(PsPrimitive.Boolean(_found));
            await EndNext();
        }

        private static PsValue MatchObject(Match match)
        {
            static PsObject Part(Group group, string[] typeNames) => new PsObject(typeNames) { ToStringValue = group.Value }
                .With("Success", group.Success).With("Name", group.Name).With("Index", group.Index).With("Length", group.Length).With("Value", group.Value);
            var groups = match.Groups.Cast<Group>().Select(g => (PsValue)Part(g, ["System.Text.RegularExpressions.Group", "System.Text.RegularExpressions.Capture", "System.Object"])).ToList();
            return Part(match, ["System.Text.RegularExpressions.Match", "System.Text.RegularExpressions.Group", "System.Text.RegularExpressions.Capture", "System.Object"])
                .With("Groups", PsObjects.List(groups, ["System.Text.RegularExpressions.GroupCollection", "System.Object"]));
        }
    }

    /// <summary>
    /// Select-String -Context N or N,M: the lines to keep before and after each match (one number both); null without
    /// it. A negative or non-numeric value is the parameter's conversion error, as for an Int32[].
    /// </summary>
    private async ValueTask<(int Before, int After)?> SelectStringContextAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        if (arguments["Context"] is not { } word) return null;
        var texts = await ArgumentTextsAsync(word, to, blockNesting);
        var numbers = new List<int>(texts.Count);
        foreach (var text in texts)
        {
            if (!int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 0 || texts.Count > 2)
            {
                throw new StatementTerminatedException(ParameterError("Select-String",
                    $"Cannot validate argument on parameter 'Context'. The argument \"{text}\" cannot be validated because its value is not greater than or equal to zero, or the count of values is not 1 or 2.",
                    "ParameterArgumentValidationError"));
            }

            numbers.Add(Math.Min(n, 10_000));
        }

        return numbers switch
        {
            [var both] => (both, both),
            [var before, var after] => (before, after),
            _ => null,
        };
    }

    /// <summary>Tee-Object -Variable: its input goes on down the pipeline, and the variable holds all of it at the end.</summary>
    private sealed class TeeObjectStage(RunContext context, string variable) : Stage
    {
        private readonly List<PsValue> _items = [];

        public override ValueTask ProcessAsync(PsValue item)
        {
            Hold(_items, item, "Tee-Object");
            return Emit(item);
        }

        public override async ValueTask EndAsync()
        {
            // One object is itself, more an array, none $null (an empty collection in PowerShell's variable).
            context.Scope.Variables.Set(variable, _items.Count switch
            {
                0 => PsNil.Instance,
                1 => _items[0],
                _ => PsObjects.List(_items, ["System.Collections.ObjectModel.Collection`1[[System.Management.Automation.PSObject]]", "System.Object"]),
            });
            await EndNext();
        }
    }

    /// <summary>Tee-Object -FilePath: each object goes on; at the end they are written to the file as Out-File writes them.</summary>
    private sealed class TeeFileStage(RunContext context, string path, bool append, IPipelineHost? to) : Stage
    {
        private readonly List<PsValue> _items = [];

        public override ValueTask ProcessAsync(PsValue item)
        {
            Hold(_items, item, "Tee-Object");
            return Emit(item);
        }

        public override async ValueTask EndAsync()
        {
            await context.WriteOutFileAsync(context.Disk("Tee-Object"), path, _items, new System.Text.UnicodeEncoding(false, true), append, noClobber: false, noNewline: false,
                context.FormatWidth(to) + 1, to ?? context.Host);
            await EndNext();
        }
    }

    /// <summary>Two stages as one: what the first emits goes to the second, whose output is this one's.</summary>
    /// <summary>A stage that reads its objects' properties by name, given each object's script and alias properties as values.</summary>
    private Stage ReadingScriptProperties(Stage stage, IPipelineHost? to, int blockNesting, int nestedDepth = 0) => new ChainedStage(new ScriptPropertyValuesStage(this, to, blockNesting, nestedDepth), stage);

    /// <summary>
    /// Each object on as a reader of its properties sees it: Add-Member's script and alias properties as note properties
    /// holding their values now (ConvertTo-Json, ConvertTo-Csv and ConvertTo-Html enumerate PSObject.Properties, which
    /// holds them; a getter that fails gives $null).
    /// </summary>
    private sealed class ScriptPropertyValuesStage(RunContext context, IPipelineHost? to, int blockNesting, int nestedDepth) : Stage
    {
        public override ValueTask ProcessAsync(PsValue item) => ScriptMembers.HasPropertiesWithin(item, nestedDepth) ? WithValuesAsync(item) : Emit(item);

        private async ValueTask WithValuesAsync(PsValue item) => await Emit(await context.WithScriptPropertyValuesAsync(item, to, blockNesting, nestedDepth: nestedDepth));
    }

    private sealed class ChainedStage(Stage first, Stage second) : Stage
    {
        private bool _wired;

        private void Wire()
        {
            if (_wired) return;
            _wired = true;
            first.Emit = second.ProcessAsync;
            first.EndNext = second.EndAsync;
            second.Emit = item => Emit(item);
            second.EndNext = () => EndNext();
        }

        public override async ValueTask BeginAsync()
        {
            Wire();
            await first.BeginAsync();
            await second.BeginAsync();
        }

        public override ValueTask ProcessAsync(PsValue item)
        {
            Wire();
            return first.ProcessAsync(item);
        }

        public override ValueTask EndAsync()
        {
            Wire();
            return first.EndAsync();
        }
    }

    /// <summary>
    /// ConvertTo-Html (ConvertHTMLCommand): the page's opening lines (a DOCTYPE, the head with the -Title, "HTML TABLE"
    /// by default, or the -Head lines, the -CssUri link, the -Body lines; none with -Fragment), the -PreContent and
    /// "&lt;table&gt;" at once; at the first object the colgroup and the header of its properties ("*": all of them; a
    /// string's Length), then a row per object, each value's text HTML-encoded; -As List a row per property ("Name:",
    /// value) and an &lt;hr&gt; row between objects; at the end "&lt;/table&gt;", the -PostContent and the page's end. One
    /// string per line, as the cmdlet writes them.
    /// </summary>
    private sealed class ConvertToHtmlStage(bool list, bool fragment, string title, List<string>? head, List<string>? body, List<string>? preContent, List<string>? postContent, string? cssUri) : Stage
    {
        private List<string>? _header;
        private int _objects;

        private ValueTask Line(string text) => Emit(PsPrimitive.String(text));

        public override async ValueTask BeginAsync()
        {
            if (!fragment)
            {
                await Line("<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\"  \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">");
                await Line("<html xmlns=\"http://www.w3.org/1999/xhtml\">");
                await Line("<head>");
                foreach (var line in head ?? ["<title>" + title + "</title>"]) await Line(line);
                if (cssUri is not null) await Line("<link rel=\"stylesheet\" type=\"text/css\" href=\"" + cssUri + "\" />");
                await Line("</head><body>");
                foreach (var line in body ?? []) await Line(line);
            }

            foreach (var line in preContent ?? []) await Line(line);
            await Line("<table>");
        }

        public override async ValueTask ProcessAsync(PsValue item)
        {
            if (item is PsNil) return;
            _objects++;
            if (list)
            {
                // Every object's own properties, with a rule between objects.
                if (_objects > 1) await Line("<tr><td><hr></td></tr>");
                foreach (var name in Formatting.Csv.Header(item))
                {
                    await Line("<tr><td>" + name + ":</td><td>" + System.Net.WebUtility.HtmlEncode(Formatting.Csv.ValueText(item, name)) + "</td></tr>");
                }

                return;
            }

            if (_header is null)
            {
                _header = Formatting.Csv.Header(item);
                if (_header.Count == 0) return;
                await Line("<colgroup>" + string.Concat(_header.Select(_ => "<col/>")) + "</colgroup>");
                await Line("<tr>" + string.Concat(_header.Select(n => "<th>" + n + "</th>")) + "</tr>");
            }

            await Line("<tr>" + string.Concat(_header.Select(n => "<td>" + System.Net.WebUtility.HtmlEncode(Formatting.Csv.ValueText(item, n)) + "</td>")) + "</tr>");
        }

        public override async ValueTask EndAsync()
        {
            await Line("</table>");
            foreach (var line in postContent ?? []) await Line(line);
            if (!fragment) await Line("</body></html>");
            await EndNext();
        }
    }

    /// <summary>
    /// ConvertTo-Csv: the #TYPE line and the header at the first object, then a line per object. 5.1's cmdlet writes no
    /// empty line: an object without properties (an integer) gives the #TYPE line alone, and a row whose only value is
    /// $null none (Export-Csv writes both).
    /// </summary>
    private sealed class ConvertToCsvStage(char delimiter, bool noTypeInformation) : Stage
    {
        private List<string>? _header;

        public override async ValueTask ProcessAsync(PsValue item)
        {
            if (item is PsNil) return;
            if (_header is null)
            {
                _header = Formatting.Csv.Header(item);
                if (!noTypeInformation) await Emit(PsPrimitive.String(Formatting.Csv.TypeLine(item)));
                if (Formatting.Csv.HeaderLine(_header, delimiter) is { Length: > 0 } header) await Emit(PsPrimitive.String(header));
            }

            if (Formatting.Csv.Line(item, _header, delimiter) is { Length: > 0 } line) await Emit(PsPrimitive.String(line));
        }
    }

    /// <summary>
    /// ConvertFrom-Csv: a #TYPE line is skipped, the first line is the header (unless -Header names the properties), and
    /// every later record a PSCustomObject of strings (a field missing is $null). Blank lines are skipped. A quoted field
    /// may hold line breaks (Export-Csv writes a multi-line value so): its record goes on over the next lines, and the
    /// value keeps them.
    /// </summary>
    private sealed class ConvertFromCsvStage(char delimiter, List<string>? header) : Stage
    {
        private List<string>? _header = header;

        // The records of a text: lines, but a line break inside quotes belongs to the field (its record's last "\r" goes).
        private static IEnumerable<string> Records(string text)
        {
            var start = 0;
            var quoted = false;
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] == '"') quoted = !quoted;
                else if (text[i] == '\n' && !quoted)
                {
                    yield return text[start..i].TrimEnd('\r');
                    start = i + 1;
                }
            }

            if (start < text.Length) yield return text[start..].TrimEnd('\r');
        }

        public override async ValueTask ProcessAsync(PsValue item)
        {
            foreach (var line in Records(PipelineVariables.Display(item)))
            {
                if (line.Trim().Length == 0) continue;
                if (_header is null)
                {
                    if (line.StartsWith("#TYPE", StringComparison.OrdinalIgnoreCase)) continue;
                    _header = Formatting.Csv.Fields(line, delimiter);
                    continue;
                }

                var fields = Formatting.Csv.Fields(line, delimiter);
                var o = PsObjects.CustomObject();
                for (var i = 0; i < _header.Count; i++) o.With(_header[i], i < fields.Count ? PsPrimitive.String(fields[i]) : PsNil.Instance);
                await Emit(o);
            }
        }
    }

    internal static ScriptedError JsonError(string message) => new(
        message, "System.ArgumentException,Microsoft.PowerShell.Commands.ConvertFromJsonCommand", ErrorCategory.ParserError, "System.ArgumentException");

    /// <summary>
    /// The width Out-String and the Format cmdlets fit their text to: the host's console buffer less its last column,
    /// else 120 (Out-String's width when the host has no RawUI, as a remote session whose client sent no host).
    /// </summary>
    private int FormatWidth(IPipelineHost? to) => _downstreamWidth > 0 ? _downstreamWidth : ((to ?? host).ConsoleWidth is { } columns ? columns - 1 : 120);

    // The -Width of the Out-String / Out-File a Format-* stage feeds, while that stage is built: PowerShell's output
    // command lays the formatting objects out at its own width, and the emulator's Format-* writes the text itself.
    // 0: none (an int, not int?, to keep RunContext small: see SeldomState).
    private int _downstreamWidth;

    /// <summary>
    /// Format-Table and Format-List: the text Out-Default would print for their input in that shape, as lines (strings).
    /// </summary>
    /// <remarks>
    /// PowerShell writes formatting objects (FormatStartData, FormatEntryData...) that an output command turns into
    /// text at its own width. The emulator writes the text at once, at the width Out-String would use, so
    /// <c>| Out-String</c>, powershell.exe's console and a PowerShell client show the same table; a client that reads
    /// the objects themselves gets strings.
    /// </remarks>
    private sealed class FormatStage : Stage
    {
        private readonly RunContext _context;
        private readonly List<SelectProperty> _properties;
        private readonly bool _calculated;
        private readonly IPipelineHost? _to;
        private readonly int _blockNesting;
        private readonly Formatting.OutDefaultWriter _writer;

        /// <summary>-GroupBy: the property whose value starts a new group ("   Status: Running") when it changes.</summary>
        public string? GroupBy { get; init; }

        /// <summary>-Force: a string, number or property-less object is formatted too, instead of written as its text (forceFormattingAlsoOnOutOfBand).</summary>
        public bool Force { get; init; }

        public FormatStage(RunContext context, bool table, List<SelectProperty> properties, bool autoSize, bool hideHeaders, bool wrap, int width, IPipelineHost? to, int blockNesting)
        {
            _context = context;
            _properties = properties;
            _calculated = properties.Any(p => p.Expression is not null || p.CopiedFrom is not null);
            _to = to;
            _blockNesting = blockNesting;
            var star = properties is [{ Name: "*", Expression: null, CopiedFrom: null }];
            IReadOnlyList<string>? names = properties.Count == 0 || star ? null : [.. properties.Select(p => p.Name)];
            // Names with wildcards stand for the properties of each object they match (Format-List Name, Disp*).
            var wildcards = names is not null && names.Any(n => n.IndexOfAny(['*', '?']) >= 0);
            // Columns with a Width, an Alignment or a FormatString of their own make a table of exactly those columns.
            var styled = table && properties.Any(p => p.Width is not null || p.Alignment is not null || p.FormatString is not null)
                ? new Formatting.FormatView("table|styled", Formatting.FormatShape.Table,
                    [.. properties.Select(p => new Formatting.FormatColumn(p.Name, p.Width ?? 0, p.Alignment, v => Formatting.FormatViews.PropertyText(v, p.Name, p.FormatString)) { Property = p.Name })])
                : null;
            _writer = new Formatting.OutDefaultWriter(width, context.Time)
            {
                EnumerationLimit = context.FormatEnumerationLimit(),
                ForcedView = value =>
                {
                    // A string, number, enum or property-less object is its text, out of band, whatever the names
                    // (OutOfBandFormatViewManager's DefaultScalarTypes), unless -Force.
                    if (!Force && Formatting.FormatViews.IsOutOfBandScalar(value)) return null;
                    // Format-List * -Force of a primitive lists its properties ("abc": Length).
                    var shownNames = wildcards ? ScriptExpressions.ExpandPropertyNames(value, names!)
                        : star && value is PsPrimitive primitive && ValueProperties.Of(primitive) is { Count: > 0 } own ? own
                        : star && value is PsObject enumValue && ValueProperties.Of(enumValue) is { } enumNames ? enumNames
                        // Format-Table * and Format-List * of an object: every property, as * resolves (no view).
                        : star && value is PsObject { BaseValue: null, CollectionKind: PsCollectionKind.None } starred ? Formatting.FormatViews.DisplayProperties(starred) : names;
                    var view = styled ?? (table ? Formatting.FormatViews.TableOf(value, shownNames)
                        : (shownNames ?? (star ? null : Formatting.FormatViews.ListViewOf(value)) ?? Formatting.FormatViews.AllProperties(value, star)) is { } shown ? Formatting.FormatViews.ListOf(value, shown) : null);
                    return GroupBy is { } group && view is not null ? Formatting.FormatViews.GroupedBy(view, group) : view;
                },
                AutoSize = autoSize,
                HideTableHeaders = hideHeaders,
                Wrap = wrap,
            };
        }

        public override async ValueTask ProcessAsync(PsValue item)
        {
            // Calculated properties are worked out per object; the table then shows the object they make (a scalar
            // written as its text has none).
            // Script and alias properties (Add-Member) show as properties.
            item = await _context.WithScriptPropertyValuesAsync(item, _to, _blockNesting);
            if (_calculated && (Force || !Formatting.FormatViews.IsOutOfBandScalar(item))) item = await _context.ProjectAsync(item, _properties, _to, _blockNesting);
            await EmitLinesAsync(_writer.Add(item));
        }

        public override async ValueTask EndAsync()
        {
            await EmitLinesAsync(_writer.Complete());
            await EndNext();
        }

    }

    /// <summary>Format-Wide: one property of each object, side by side (<see cref="Formatting.WideWriter"/>).</summary>
    private sealed class WideStage(RunContext context, List<SelectProperty> properties, Formatting.WideWriter writer, IPipelineHost? to, int blockNesting) : Stage
    {
        /// <summary>-Force: a scalar is an item too, instead of written as its text.</summary>
        public bool Force { get; init; }

        public override async ValueTask ProcessAsync(PsValue item)
        {
            string text;
            if (!Force && Formatting.FormatViews.IsOutOfBandScalar(item))
            {
                // A string, number or other scalar is written out of band, on its own line, as Format-Table writes it
                // (with -Property too: 'x' | Format-Wide Length is x).
                await EmitLinesAsync(Formatting.FormatViews.CellText(item) + "\r\n");
                return;
            }

            if (properties.Count == 0 && item is PsPrimitive value && (!Force || Formatting.FormatViews.For(item).Shape != Formatting.FormatShape.Scalar))
            {
                // A date, a time span, a GUID: no name-like property, so AssociationManager.ExpandAll's first, the
                // adapted ones before the extended ones (a date's Date, a time span's Ticks, a GUID's Guid).
                text = ValueProperties.ForList(value) is [var first, ..] ? Formatting.FormatViews.PropertyItem(item, first) : Formatting.FormatViews.CellText(item);
            }
            else if (properties.Count == 0)
            {
                text = Formatting.FormatViews.WideItem(item) ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault(
                    $"Format-Wide of a {ScriptExpressions.TypeName(item)} without -Property is not emulated: name the property (Format-Wide -Property), or give the command a rule (match: its whole text)"));
            }
            else if (properties[0] is { Expression: not null } or { CopiedFrom: not null })
            {
                // A calculated property (-Property { $_.Name.ToUpper() }): the first one is the item.
                var projected = await context.ProjectAsync(item, [properties[0]], to, blockNesting);
                text = Formatting.FormatViews.DisplayProperties(projected) is [var name, ..] ? Formatting.FormatViews.PropertyItem(projected, name) : string.Empty;
            }
            else
            {
                // The first property a name or pattern matches (WideViewGenerator takes the first association).
                var name = properties[0].Name.IndexOfAny(['*', '?']) >= 0 ? ScriptExpressions.ExpandPropertyNames(item, [properties[0].Name]).FirstOrDefault() : properties[0].Name;
                text = name is null ? string.Empty : Formatting.FormatViews.PropertyItem(item, name);
            }

            await EmitLinesAsync(writer.Add(item, text));
        }

        public override async ValueTask EndAsync()
        {
            await EmitLinesAsync(writer.Complete());
            await EndNext();
        }
    }

    /// <summary>Out-String: its input as Out-Default would print it, one string at the end, or a string per line with -Stream.</summary>
    private sealed class OutStringStage(Formatting.OutDefaultWriter writer, bool stream) : Stage
    {
        private System.Text.StringBuilder? _text = stream ? null : new();

        public override async ValueTask ProcessAsync(PsValue item)
        {
            var text = writer.Add(item);
            if (_text is not null)
            {
                if (_text.Length + text.Length > ScriptExpressions.MaxArithmeticLength) throw new ScenarioRuntimeException($"Out-String's text is limited to {ScriptExpressions.MaxArithmeticLength} characters in the emulator");
                _text.Append(text);
                return;
            }

            await EmitLinesAsync(text);
        }

        public override async ValueTask EndAsync()
        {
            var text = writer.Complete();
            if (_text is not null)
            {
                await Emit(PsPrimitive.String(_text.Append(text).ToString()));
                _text = null;
            }
            else
            {
                await EmitLinesAsync(text);
            }

            await EndNext();
        }
    }
}
