using System.Globalization;
using System.Text;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours.Formatting;

/// <summary>How Out-Default lays an object out: as its text, as a row of a table, as a block of a list, or as one line of a custom view.</summary>
internal enum FormatShape
{
    Scalar,
    Table,
    List,
    Custom,
    /// <summary>A view of its own text, written where the object comes and never starting a table or list (ErrorRecord).</summary>
    OutOfBand,
}

internal enum ColumnAlignment
{
    Left,
    Right,
}

/// <summary>
/// A table column or list entry: its label, its width in a table (0: sized to its contents), its alignment (null: right
/// when the first object's value is a number, as for a table without a view), and its text.
/// </summary>
internal sealed record FormatColumn(string Label, int Width, ColumnAlignment? Alignment, Func<PsValue, string> Text)
{
    /// <summary>The property behind a column without a view, to align it by its first value.</summary>
    public string? Property { get; init; }

    /// <summary>The label's alignment when the view gives the header its own (DnsClient's left labels over right-aligned numbers); null: the column's.</summary>
    public ColumnAlignment? HeaderAlignment { get; init; }
}

/// <summary>
/// A view: the shape of a type's objects and their columns. <see cref="Key"/> tells objects apart that share a table:
/// a table goes on while objects of the same key come.
/// </summary>
internal sealed record FormatView(string Key, FormatShape Shape, IReadOnlyList<FormatColumn> Columns)
{
    /// <summary>A table or list of an object's properties, its type having no view: it takes every later object.</summary>
    public bool ByProperties { get; init; }

    /// <summary>
    /// The line a group of the view's objects starts with (Get-ChildItem's "    Directory: C:\x"); objects with
    /// another line start a new group. Null: the view does not group.
    /// </summary>
    public Func<PsValue, string>? GroupHeader { get; init; }

    /// <summary>
    /// Blank lines between the group's line and the table: two after a custom control's line (Get-ChildItem's
    /// directory), one after a GroupBy label's ("   ProviderName: x").
    /// </summary>
    public int GroupBlankLines { get; init; } = 2;

    /// <summary>The view's rows wrap text too long for a column onto more lines (the view's <c>&lt;Wrap/&gt;</c>).</summary>
    public bool Wrap { get; init; }

    /// <summary>
    /// A list view with an entry for each of several types (5.1's EntrySelectedBy): the entry an object of one of them
    /// gets; null for any other object. While the view is in use, an object it has an entry for is one of its entries
    /// whatever view its type would start.
    /// </summary>
    public Func<PsValue, FormatView?>? EntryOf { get; init; }
}

/// <summary>
/// Windows PowerShell 5.1's default views for the types a scenario's objects most often are (from its
/// DotNetTypes.format.ps1xml), and its choice for the others: strings and numbers as their text, objects of up to
/// four properties as a table, of five or more as a list.
/// </summary>
internal static class FormatViews
{
    /// <summary>$FormatEnumerationLimit's default: a collection in a cell shows this many items, then "...".</summary>
    public const int EnumerationLimit = 4;

    // The limit of the writer formatting on this thread now (OutDefaultWriter sets it around its synchronous work).
    [ThreadStatic]
    private static int? t_enumerationLimit;

    /// <summary>$FormatEnumerationLimit as the running Format or Out cmdlet read it at its start (negative: no limit).</summary>
    internal static int CurrentEnumerationLimit => t_enumerationLimit ?? EnumerationLimit;

    /// <summary>Formats with <paramref name="limit"/> until the result is disposed.</summary>
    internal static EnumerationLimitScope WithEnumerationLimit(int limit)
    {
        var previous = t_enumerationLimit;
        t_enumerationLimit = limit;
        return new EnumerationLimitScope(previous);
    }

    internal readonly struct EnumerationLimitScope(int? previous) : IDisposable
    {
        public void Dispose() => t_enumerationLimit = previous;
    }

    private static readonly CultureInfo EnglishUnitedStates = Behaviours.EnglishUnitedStates.Culture;

    private static readonly string[] TimeSpanProperties =
        ["Days", "Hours", "Minutes", "Seconds", "Milliseconds", "Ticks", "TotalDays", "TotalHours", "TotalMinutes", "TotalSeconds", "TotalMilliseconds"];

    private static readonly FormatView Service = new("System.ServiceProcess.ServiceController", FormatShape.Table,
    [
        new("Status", 8, ColumnAlignment.Left, o => Property(o, "Status")),
        new("Name", 18, ColumnAlignment.Left, o => Property(o, "Name")),
        new("DisplayName", 38, ColumnAlignment.Left, o => Property(o, "DisplayName")),
    ]);

    private static readonly FormatView Process = new("System.Diagnostics.Process", FormatShape.Table,
    [
        new("Handles", 7, ColumnAlignment.Right, o => Property(o, "Handles", "HandleCount")),
        new("NPM(K)", 7, ColumnAlignment.Right, o => Kilobytes(o, "NPM", "NonpagedSystemMemorySize64")),
        new("PM(K)", 8, ColumnAlignment.Right, o => Kilobytes(o, "PM", "PagedMemorySize64")),
        new("WS(K)", 10, ColumnAlignment.Right, o => Kilobytes(o, "WS", "WorkingSet64")),
        new("CPU(s)", 10, ColumnAlignment.Right, o => Number(o, "CPU")),
        new("Id", 6, ColumnAlignment.Right, o => Property(o, "Id")),
        new("SI", 3, ColumnAlignment.Right, o => Property(o, "SI", "SessionId")),
        new("ProcessName", 0, ColumnAlignment.Left, o => Property(o, "ProcessName", "Name")),
    ]);

    // Get-Process -IncludeUserName's (5.1's ProcessWithUserName view; the UserName column's width UNVERIFIED, PowerShell 7's).
    private static readonly FormatView ProcessWithUserName = new("System.Diagnostics.Process#IncludeUserName", FormatShape.Table,
    [
        new("Handles", 7, ColumnAlignment.Right, o => Property(o, "Handles", "HandleCount")),
        new("WS(K)", 10, ColumnAlignment.Right, o => Kilobytes(o, "WS", "WorkingSet64")),
        new("CPU(s)", 8, ColumnAlignment.Right, o => Number(o, "CPU")),
        new("Id", 6, ColumnAlignment.Right, o => Property(o, "Id")),
        new("UserName", 30, ColumnAlignment.Left, o => Property(o, "UserName")),
        new("ProcessName", 0, ColumnAlignment.Left, o => Property(o, "ProcessName", "Name")),
    ]);

    // A file's version resource (DotNetTypes.format.ps1xml's FileVersionInfo table: Get-Process -FileVersionInfo, (Get-Item x).VersionInfo).
    private static readonly FormatView FileVersionInfo = new("System.Diagnostics.FileVersionInfo", FormatShape.Table,
    [
        new("ProductVersion", 16, ColumnAlignment.Left, o => Property(o, "ProductVersion")),
        new("FileVersion", 16, ColumnAlignment.Left, o => Property(o, "FileVersion")),
        new("FileName", 0, ColumnAlignment.Left, o => Property(o, "FileName")),
    ]);

    // Get-Command's objects (5.1's CommandInfo view: an alias's name as "name -> definition").
    private static readonly FormatView CommandInfo = new("System.Management.Automation.CommandInfo", FormatShape.Table,
    [
        new("CommandType", 15, ColumnAlignment.Left, o => Property(o, "CommandType")),
        new("Name", 50, ColumnAlignment.Left, o => Property(o, "DisplayName", "Name")),
        new("Version", 10, ColumnAlignment.Left, o => Property(o, "Version")),
        new("Source", 0, ColumnAlignment.Left, o => Property(o, "Source")),
    ]);

    // Get-Module's modules: 5.1's "Module" table (ModuleType 10, Version 10, Name 35, $_.ExportedCommands.Keys).
    private static readonly FormatView Module = new("System.Management.Automation.PSModuleInfo", FormatShape.Table,
    [
        new("ModuleType", 10, ColumnAlignment.Left, o => Property(o, "ModuleType")),
        new("Version", 10, ColumnAlignment.Left, o => Property(o, "Version")),
        new("Name", 35, ColumnAlignment.Left, o => Property(o, "Name")),
        new("ExportedCommands", 0, ColumnAlignment.Left, ExportedCommandNames),
    ]);

    // Get-Module -ListAvailable's: the same table grouped by the module folder (the parent of the module's folder, or
    // of its version folder) under a "    Directory: " line.
    private static readonly FormatView ModuleInfoGrouping = Module with
    {
        Key = "ModuleInfoGrouping",
        GroupHeader = o => "    Directory: " + ModuleFolder(o),
    };

    // The LocalAccounts cmdlets' objects: LocalAccounts.format.ps1xml's tables (headers without labels or widths:
    // the property names, columns as wide as their contents).
    private static readonly FormatView LocalUser = new("Microsoft.PowerShell.Commands.LocalUser", FormatShape.Table,
    [
        new("Name", 0, ColumnAlignment.Left, o => Property(o, "Name")),
        new("Enabled", 0, ColumnAlignment.Left, o => Property(o, "Enabled")),
        new("Description", 0, ColumnAlignment.Left, o => Property(o, "Description")),
    ]);

    private static readonly FormatView LocalGroup = new("Microsoft.PowerShell.Commands.LocalGroup", FormatShape.Table,
    [
        new("Name", 0, ColumnAlignment.Left, o => Property(o, "Name")),
        new("Description", 0, ColumnAlignment.Left, o => Property(o, "Description")),
    ]);

    private static readonly FormatView LocalPrincipal = new("Microsoft.PowerShell.Commands.LocalPrincipal", FormatShape.Table,
    [
        new("ObjectClass", 0, ColumnAlignment.Left, o => Property(o, "ObjectClass")),
        new("Name", 0, ColumnAlignment.Left, o => Property(o, "Name")),
        new("PrincipalSource", 0, ColumnAlignment.Left, o => Property(o, "PrincipalSource")),
    ]);

    // The WSMan: drive's items: WSMan.format.ps1xml's tables, grouped by PSParentPath under "   WSManConfig: ...". The
    // leaf and container views share a key: a listing of both stays one table in its first object's view, as on Windows.
    private static FormatView WsManView(params FormatColumn[] columns) => new("WSManConfig|" + columns[0].Label + columns[1].Label, FormatShape.Table, columns)
    {
        GroupHeader = o => "   WSManConfig: " + Property(o, "PSParentPath"),
        GroupBlankLines = 1,
    };

    // Test-WSMan's answer: a list of its four elements (UNVERIFIED that a view makes it one; Microsoft's examples show a list).
    private static readonly FormatView IdentifyResponse = new(RunContext.IdentifyResponseTypeName, FormatShape.List,
        [.. new[] { "wsmid", "ProtocolVersion", "ProductVendor", "ProductVersion" }.Select(name => new FormatColumn(name, 0, null, o => Property(o, name)))]);

    private static readonly FormatView WsManLeaf = WsManView(
        new("Type", 15, ColumnAlignment.Left, o => Property(o, "TypeNameOfElement")),
        new("Name", 30, ColumnAlignment.Left, o => Property(o, "Name")),
        new("SourceOfValue", 15, ColumnAlignment.Left, o => Property(o, "SourceOfValue")),
        new("Value", 0, ColumnAlignment.Left, o => Property(o, "Value")));

    private static readonly FormatView WsManContainer = WsManLeaf with
    {
        Columns =
        [
            new("Type", 15, ColumnAlignment.Left, o => Property(o, "TypeNameOfElement")),
            new("Keys", 35, ColumnAlignment.Left, o => Property(o, "Keys")),
            new("Name", 0, ColumnAlignment.Left, o => Property(o, "Name")),
        ],
    };

    private static readonly FormatView WsManComputer = WsManView(
        new("ComputerName", 45, ColumnAlignment.Left, o => Property(o, "Name")),
        new("Type", 20, ColumnAlignment.Left, o => Property(o, "TypeNameOfElement")));

    private static readonly FormatView WsManInitParams = WsManView(
        new("ParamName", 30, ColumnAlignment.Left, o => Property(o, "Name")),
        new("ParamValue", 20, ColumnAlignment.Left, o => Property(o, "Value")));

    // Get-PSSessionConfiguration's endpoints: 5.1's list of Name, PSVersion, StartupScript, RunAsUser, Permission.
    private static readonly FormatView SessionConfiguration = new("Microsoft.PowerShell.Commands.PSSessionConfigurationCommands#PSSessionConfiguration", FormatShape.List,
        [.. ((string[])["Name", "PSVersion", "StartupScript", "RunAsUser", "Permission"]).Select(name => new FormatColumn(name, 0, null, o => Property(o, name)))]);

    // Get-Culture's view (DotNetTypes.format.ps1xml: LCID 16, Name 16, DisplayName 40).
    private static readonly FormatView Culture = new("System.Globalization.CultureInfo", FormatShape.Table,
    [
        new("LCID", 16, ColumnAlignment.Left, o => Property(o, "LCID")),
        new("Name", 16, ColumnAlignment.Left, o => Property(o, "Name")),
        new("DisplayName", 40, ColumnAlignment.Left, o => Property(o, "DisplayName")),
    ]);

    // A hashtable is written as its entries; each is a DictionaryEntry.
    private static readonly FormatView DictionaryEntry = new("System.Collections.DictionaryEntry", FormatShape.Table,
    [
        new("Name", 30, ColumnAlignment.Left, o => Property(o, "Name", "Key")),
        new("Value", 0, ColumnAlignment.Left, o => Property(o, "Value")),
    ]);

    private static readonly FormatView Version = new("System.Version", FormatShape.Table,
    [
        new("Major", 6, ColumnAlignment.Left, o => VersionPart(o, 0)),
        new("Minor", 6, ColumnAlignment.Left, o => VersionPart(o, 1)),
        new("Build", 6, ColumnAlignment.Left, o => VersionPart(o, 2)),
        new("Revision", 8, ColumnAlignment.Left, o => VersionPart(o, 3)),
    ]);

    private static readonly FormatView Guid = new("System.Guid", FormatShape.Table,
    [
        new("Guid", 0, ColumnAlignment.Left, o => o is PsPrimitive ? CellText(o) : Property(o, "Guid")),
    ]);

    // Get-Date: the DateTime script property, "Sunday, November 29, 2026 8:31:06 AM" (a part of it with -DisplayHint).
    private static readonly FormatView DateTime = new("System.DateTime", FormatShape.Custom,
    [
        new("DateTime", 0, null, o => o.AsPrimitive() is { Value: DateTimeOffset } d ? DateDisplayHints.DateTimeText(d) : Property(o, "DateTime")),
    ]);

    // TimeSpan: 5.1's list view of its parts and totals.
    private static readonly FormatView TimeSpanView = new("System.TimeSpan", FormatShape.List,
        [.. TimeSpanProperties.Select(name => new FormatColumn(name, 0, null, o => Property(o, name)))]);

    // An ErrorRecord in the output: 5.1's ErrorInstance view (out of band), the lines the console shows for an error.
    public const string ErrorRecordTypeName = "System.Management.Automation.ErrorRecord";

    private static readonly FormatView ErrorRecord = new(ErrorRecordTypeName, FormatShape.OutOfBand,
        [new("ErrorRecord", 0, null, ErrorText)]);

    // A warning, verbose, debug or information record merged into the output (3>&1...): its message alone, as Out-String
    // and Out-File write it (the console's "WARNING: " prefix is Out-Default's, not the view's).
    private static readonly FormatView[] StreamRecordViews =
    [
        .. new[] { InformationalRecords.WarningTypeName, InformationalRecords.VerboseTypeName, InformationalRecords.DebugTypeName }
            .Select(key => new FormatView(key, FormatShape.OutOfBand, [new("Message", 0, null, o => Property(o, "Message"))])),
        new FormatView(InformationalRecords.InformationTypeName, FormatShape.OutOfBand, [new("MessageData", 0, null, o => Property(o, "MessageData"))]),
    ];

    // The tables of classes Get-CimClass (CimClass) and Get-WmiObject -List (ManagementClass) write: the class's name
    // 35 wide, its methods 20, its properties the rest, grouped by namespace under "   NameSpace: x".
    private static FormatView ClassTable(string key, string name, string methods, string properties, Func<PsValue, string> ns) => new(key, FormatShape.Table,
    [
        new(name, 35, ColumnAlignment.Left, o => Property(o, name)),
        new(methods, 20, ColumnAlignment.Left, o => Property(o, methods)),
        new(properties, 0, ColumnAlignment.Left, o => Property(o, properties)),
    ])
    {
        GroupHeader = o => "   NameSpace: " + ns(o),
        GroupBlankLines = 1,
    };

    private static readonly FormatView CimClass = ClassTable("Microsoft.Management.Infrastructure.CimClass", "CimClassName", "CimClassMethods", "CimClassProperties",
        o => o is PsObject c && c["CimSystemProperties"] is PsObject system ? PipelineVariables.Display(system["Namespace"] ?? PsNil.Instance) : string.Empty);

    private static readonly FormatView ManagementClass = ClassTable("System.Management.ManagementClass", "Name", "Methods", "Properties", o => Property(o, "__NAMESPACE"));

    // Get-Member's members: PowerShellCore.format.ps1xml's MemberDefinition table (AutoSize: sized to its rows),
    // grouped by TypeName under a "   TypeName: x" line.
    private static readonly FormatView MemberDefinition = new("Microsoft.PowerShell.Commands.MemberDefinition", FormatShape.Table,
    [
        new("Name", 0, ColumnAlignment.Left, o => Property(o, "Name")),
        new("MemberType", 0, ColumnAlignment.Left, o => Property(o, "MemberType")),
        new("Definition", 0, ColumnAlignment.Left, o => Property(o, "Definition")),
    ])
    {
        GroupHeader = o => "   TypeName: " + Property(o, "TypeName"),
        GroupBlankLines = 1,
    };

    // A method read without its call: 5.1's PSMethod table, "$_.OverloadDefinitions | Out-String" in one wrapped column.
    private static readonly FormatView PsMethod = new(DotNetMembers.PsMethodTypeName, FormatShape.Table,
    [
        new("OverloadDefinitions", 0, ColumnAlignment.Left, o => o is PsObject { } m && m["OverloadDefinitions"] is PsObject { Items: { } overloads }
            ? string.Join("\r\n", overloads.Select(PipelineVariables.Display))
            : string.Empty),
    ])
    {
        Wrap = true,
    };

    // Get-Acl's FileSecurity and DirectorySecurity: 5.1's FileSecurityTable (FileSystem.format.ps1xml), grouped by
    // the parent directory as Get-ChildItem's items are, the Path column the item's name, Access its AccessToString.
    private static readonly FormatView FileSecurityTable = new("System.Security.AccessControl.FileSystemSecurity", FormatShape.Table,
    [
        new("Path", 0, ColumnAlignment.Left, o => Property(o, "PSChildName")),
        new("Owner", 0, ColumnAlignment.Left, o => Property(o, "Owner")),
        new("Access", 0, ColumnAlignment.Left, o => Property(o, "AccessToString")),
    ])
    {
        GroupHeader = o => "    Directory: " + ParentPath(o),
    };

    // Get-ChildItem's files and directories: 5.1's "children" view, grouped by the parent directory.
    private static readonly FormatView Children = new("children", FormatShape.Table,
    [
        new("Mode", 7, ColumnAlignment.Left, o => Property(o, "Mode")),
        new("LastWriteTime", 25, ColumnAlignment.Right, o => ShortDateTime(o is PsObject f ? f["LastWriteTime"] : null)),
        new("Length", 14, ColumnAlignment.Right, o => Property(o, "Length")),
        new("Name", 0, ColumnAlignment.Left, o => Property(o, "Name")),
    ])
    {
        GroupHeader = o => "    Directory: " + ParentPath(o),
        Wrap = true,
    };

    // Get-WinEvent's records: Event.format.ps1xml's table, grouped by the provider under a "   ProviderName: x" line.
    private static readonly FormatView EventLogRecord = GroupedBy(new("System.Diagnostics.Eventing.Reader.EventLogRecord", FormatShape.Table,
    [
        new("TimeCreated", 26, ColumnAlignment.Left, o => Property(o, "TimeCreated")),
        new("Id", 8, ColumnAlignment.Right, o => Property(o, "Id")),
        new("LevelDisplayName", 16, ColumnAlignment.Left, o => Property(o, "LevelDisplayName")),
        new("Message", 0, ColumnAlignment.Left, o => Property(o, "Message")),
    ]), "ProviderName");

    // Get-EventLog's entries: DotNetTypes.format.ps1xml's table (Time is TimeGenerated as "MMM dd HH:mm").
    private static readonly FormatView EventLogEntry = new("System.Diagnostics.EventLogEntry", FormatShape.Table,
    [
        new("Index", 8, ColumnAlignment.Right, o => Property(o, "Index")),
        new("Time", 13, ColumnAlignment.Left, o => o is PsObject e && e["TimeGenerated"].AsDateTime() is { } at
            ? at.ToString("MMM dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) : string.Empty),
        new("EntryType", 11, ColumnAlignment.Left, o => Property(o, "EntryType")),
        new("Source", 20, ColumnAlignment.Left, o => Property(o, "Source")),
        new("InstanceID", 12, ColumnAlignment.Right, o => Property(o, "InstanceId")),
        new("Message", 0, ColumnAlignment.Left, o => Property(o, "Message")),
    ]);

    // Get-EventLog -List's logs: Max(K) and Entries with thousands separators.
    private static readonly FormatView EventLog = new("System.Diagnostics.EventLog", FormatShape.Table,
    [
        new("Max(K)", 8, ColumnAlignment.Right, o => Thousands(o is PsObject e ? e["MaximumKilobytes"] : null)),
        new("Retain", 6, ColumnAlignment.Right, o => Property(o, "MinimumRetentionDays")),
        new("OverflowAction", 18, ColumnAlignment.Left, o => Property(o, "OverflowAction")),
        new("Entries", 10, ColumnAlignment.Right, o => Thousands(o is PsObject e && e["Entries"] is PsObject entries ? entries["Count"] : null)),
        new("Log", 0, ColumnAlignment.Left, o => Property(o, "Log")),
    ]);

    // Get-WinEvent -ListLog's logs.
    private static readonly FormatView EventLogConfiguration = new("System.Diagnostics.Eventing.Reader.EventLogConfiguration", FormatShape.Table,
    [
        new("LogMode", 9, ColumnAlignment.Left, o => Property(o, "LogMode")),
        new("MaximumSizeInBytes", 18, ColumnAlignment.Right, o => Property(o, "MaximumSizeInBytes")),
        new("RecordCount", 11, ColumnAlignment.Right, o => Property(o, "RecordCount")),
        new("LogName", 0, ColumnAlignment.Left, o => Property(o, "LogName")),
    ]);

    private const string StoragePrefix = CimInstancePrefix + "ROOT/Microsoft/Windows/Storage/";

    // The Storage module's tables (Storage.format.ps1xml): Get-Volume's sized to its rows (the view gives no widths).
    // Certificates: 5.1's ThumbprintTable (CertificateProvider.format.ps1xml), grouped by the store's provider path.
    private static readonly FormatView Certificate = new(RunContext.X509Certificate2TypeName, FormatShape.Table,
    [
        new("Thumbprint", 41, ColumnAlignment.Left, o => Property(o, "Thumbprint")),
        new("Subject", 0, ColumnAlignment.Left, o => Property(o, "Subject")),
    ])
    {
        GroupHeader = o => "   PSParentPath: " + (o is PsObject c ? c["PSParentPath"].AsString() : null),
        GroupBlankLines = 1,
    };

    // The provider's list (5.1's ThumbprintList): a store location's Location and StoreNames, a store's Name, and for a
    // certificate after them its names, thumbprint, dates and extensions (each extension shown as an Oid, as remembered
    // of 5.1's output, UNVERIFIED). A certificate on its own starts the table above instead.
    private static readonly FormatView StoreLocationEntry = new("Microsoft.PowerShell.Commands.X509StoreLocation", FormatShape.List,
    [
        new("Location", 0, ColumnAlignment.Left, o => Property(o, "Location")),
        new("StoreNames", 0, ColumnAlignment.Left, o => Property(o, "StoreNames")),
    ]);

    private static readonly FormatView StoreEntry = new("System.Security.Cryptography.X509Certificates.X509Store", FormatShape.List,
    [
        new("Name", 0, ColumnAlignment.Left, o => Property(o, "Name")),
    ]);

    private static readonly FormatView CertificateEntry = new(RunContext.X509Certificate2TypeName, FormatShape.List,
    [
        new("Subject", 0, ColumnAlignment.Left, o => Property(o, "Subject")),
        new("Issuer", 0, ColumnAlignment.Left, o => Property(o, "Issuer")),
        new("Thumbprint", 0, ColumnAlignment.Left, o => Property(o, "Thumbprint")),
        new("FriendlyName", 0, ColumnAlignment.Left, o => Property(o, "FriendlyName")),
        new("NotBefore", 0, ColumnAlignment.Left, o => Property(o, "NotBefore")),
        new("NotAfter", 0, ColumnAlignment.Left, o => Property(o, "NotAfter")),
        new("Extensions", 0, ColumnAlignment.Left, o => o is PsObject c && c["Extensions"] is PsObject { Items: { } extensions }
            ? CellText(PsObjects.List([.. extensions.Select(_ => (PsValue)PsPrimitive.String("System.Security.Cryptography.Oid"))]))
            : string.Empty),
    ]);

    private static readonly FormatView CertificateProviderList = new("ThumbprintList", FormatShape.List, StoreLocationEntry.Columns)
    {
        EntryOf = o => o is PsObject { TypeNames: { Count: > 0 } names } ? StripDeserialized(names[0]) switch
        {
            "Microsoft.PowerShell.Commands.X509StoreLocation" => StoreLocationEntry,
            "System.Security.Cryptography.X509Certificates.X509Store" => StoreEntry,
            RunContext.X509Certificate2TypeName => CertificateEntry,
            _ => null,
        } : null,
    };

    // The DISM module's lists (Dism.format.ps1xml, as remembered, UNVERIFIED): a feature's name and state, a feature
    // asked for by name with its descriptions, and the image a change reports (Path, Online, RestartNeeded).
    private static readonly FormatView DismBasicFeature = new("Microsoft.Dism.Commands.BasicFeatureObject", FormatShape.List,
    [
        new("FeatureName", 0, ColumnAlignment.Left, o => Property(o, "FeatureName")),
        new("State", 0, ColumnAlignment.Left, o => Property(o, "State")),
    ]);

    private static readonly FormatView DismAdvancedFeature = new("Microsoft.Dism.Commands.AdvancedFeatureObject", FormatShape.List,
    [
        new("FeatureName", 0, ColumnAlignment.Left, o => Property(o, "FeatureName")),
        new("DisplayName", 0, ColumnAlignment.Left, o => Property(o, "DisplayName")),
        new("Description", 0, ColumnAlignment.Left, o => Property(o, "Description")),
        new("RestartRequired", 0, ColumnAlignment.Left, o => Property(o, "RestartRequired")),
        new("State", 0, ColumnAlignment.Left, o => Property(o, "State")),
        new("CustomProperties", 0, ColumnAlignment.Left, o => Property(o, "CustomProperties")),
    ]);

    private static readonly FormatView DismImage = new("Microsoft.Dism.Commands.ImageObject", FormatShape.List,
    [
        new("Path", 0, ColumnAlignment.Left, o => Property(o, "Path")),
        new("Online", 0, ColumnAlignment.Left, o => Property(o, "Online")),
        new("RestartNeeded", 0, ColumnAlignment.Left, o => Property(o, "RestartNeeded")),
    ]);

    // The CIM cmdlets' tables of the Win32 classes scripts read most (Get-CimInstance's, where Get-WmiObject lists a
    // ManagementObject's default properties): sized to their rows, left-aligned.
    private static FormatView CimTable(string className, params string[] columns) => new(CimInstancePrefix + "root/cimv2/" + className, FormatShape.Table,
        [.. columns.Select(c => new FormatColumn(c, 0, ColumnAlignment.Left, o => Property(o, c)))]);

    private static readonly FormatView[] CimTables =
    [
        CimTable("Win32_OperatingSystem", "SystemDirectory", "Organization", "BuildNumber", "RegisteredUser", "SerialNumber", "Version"),
        CimTable("Win32_ComputerSystem", "Name", "PrimaryOwnerName", "Domain", "TotalPhysicalMemory", "Model", "Manufacturer"),
        CimTable("Win32_LogicalDisk", "DeviceID", "DriveType", "ProviderName", "VolumeName", "Size", "FreeSpace"),
        CimTable("Win32_Process", "ProcessId", "Name", "HandleCount", "WorkingSetSize", "VirtualSize"),
        CimTable("Win32_Service", "ProcessId", "Name", "StartMode", "State", "Status", "ExitCode"),
        CimTable("Win32_BIOS", "SMBIOSBIOSVersion", "Manufacturer", "Name", "SerialNumber", "Version"),
    ];

    // The SmbShare module's shares and their permissions: Smb.format.ps1xml's tables (no widths: as wide as their contents).
    private static readonly FormatView SmbShare = new("Microsoft.Management.Infrastructure.CimInstance#ROOT/Microsoft/Windows/SMB/MSFT_SmbShare", FormatShape.Table,
    [
        new("Name", 0, ColumnAlignment.Left, o => Property(o, "Name")),
        new("ScopeName", 0, ColumnAlignment.Left, o => Property(o, "ScopeName")),
        new("Path", 0, ColumnAlignment.Left, o => Property(o, "Path")),
        new("Description", 0, ColumnAlignment.Left, o => Property(o, "Description")),
    ]);

    private static readonly FormatView SmbShareAccess = new("Microsoft.Management.Infrastructure.CimInstance#ROOT/Microsoft/Windows/SMB/MSFT_SmbShareAccessControlEntry", FormatShape.Table,
    [
        new("Name", 0, ColumnAlignment.Left, o => Property(o, "Name")),
        new("ScopeName", 0, ColumnAlignment.Left, o => Property(o, "ScopeName")),
        new("AccountName", 0, ColumnAlignment.Left, o => Property(o, "AccountName")),
        new("AccessControlType", 0, ColumnAlignment.Left, o => Property(o, "AccessControlType")),
        new("AccessRight", 0, ColumnAlignment.Left, o => Property(o, "AccessRight")),
    ]);

    private static readonly FormatView Volume = new(StoragePrefix + "MSFT_Volume", FormatShape.Table,
    [
        new("DriveLetter", 0, ColumnAlignment.Left, o => Property(o, "DriveLetter")),
        new("FriendlyName", 0, ColumnAlignment.Left, o => Property(o, "FileSystemLabel")),
        new("FileSystemType", 0, ColumnAlignment.Left, o => Property(o, "FileSystemType")),
        new("DriveType", 0, ColumnAlignment.Left, o => Property(o, "DriveType")),
        new("HealthStatus", 0, ColumnAlignment.Left, o => Property(o, "HealthStatus")),
        new("OperationalStatus", 0, ColumnAlignment.Left, o => Property(o, "OperationalStatus")),
        new("SizeRemaining", 0, ColumnAlignment.Right, o => StorageSize(o, "SizeRemaining")),
        new("Size", 0, ColumnAlignment.Right, o => StorageSize(o, "Size")),
    ]);

    // The Storage module's table of physical disks (Windows Server 2019's columns as remembered, UNVERIFIED).
    private static readonly FormatView PhysicalDisk = new(StoragePrefix + "MSFT_PhysicalDisk", FormatShape.Table,
    [
        new("Number", 0, ColumnAlignment.Left, o => Property(o, "DeviceId")),
        new("FriendlyName", 0, ColumnAlignment.Left, o => Property(o, "FriendlyName")),
        new("SerialNumber", 0, ColumnAlignment.Left, o => Property(o, "SerialNumber")),
        new("MediaType", 0, ColumnAlignment.Left, o => Property(o, "MediaType")),
        new("CanPool", 0, ColumnAlignment.Left, o => Property(o, "CanPool")),
        new("OperationalStatus", 0, ColumnAlignment.Left, o => Property(o, "OperationalStatus")),
        new("HealthStatus", 0, ColumnAlignment.Left, o => Property(o, "HealthStatus")),
        new("Usage", 0, ColumnAlignment.Left, o => Property(o, "Usage")),
        new("Size", 0, ColumnAlignment.Right, o => StorageSize(o, "Size")),
    ]);

    private static readonly FormatView Disk = new(StoragePrefix + "MSFT_Disk", FormatShape.Table,
    [
        new("Number", 6, ColumnAlignment.Left, o => Property(o, "Number")),
        new("Friendly Name", 0, ColumnAlignment.Left, o => Property(o, "FriendlyName")),
        new("Serial Number", 32, ColumnAlignment.Left, o => Property(o, "SerialNumber")),
        new("HealthStatus", 20, ColumnAlignment.Left, o => Property(o, "HealthStatus")),
        new("OperationalStatus", 20, ColumnAlignment.Left, o => Property(o, "OperationalStatus")),
        new("Total Size", 12, ColumnAlignment.Right, o => StorageSize(o, "Size")),
        new("Partition Style", 10, ColumnAlignment.Left, o => Property(o, "PartitionStyle")),
    ]);

    private static readonly FormatView Partition = GroupedBy(new(StoragePrefix + "MSFT_Partition", FormatShape.Table,
    [
        new("PartitionNumber", 16, ColumnAlignment.Left, o => Property(o, "PartitionNumber")),
        new("DriveLetter", 11, ColumnAlignment.Left, o => o is PsObject p && p["DriveLetter"]?.AsPrimitive()?.Value is char c && c != '\0' ? c.ToString() : string.Empty),
        new("Offset", 0, ColumnAlignment.Left, o => Property(o, "Offset")),
        new("Size", 10, ColumnAlignment.Right, o => StorageSize(o, "Size")),
        new("Type", 0, ColumnAlignment.Left, o => Property(o, "Type")),
    ]), "DiskPath");

    // The Storage views' size script: the value in B, KB... PB (1024 each), rounded to two decimals (half to even), trailing zeros gone.
    private static string StorageSize(PsValue value, string name)
    {
        if (value is not PsObject o || o[name]?.AsPrimitive()?.Value is not { } raw || raw is string || raw is bool) return string.Empty;
        var size = Convert.ToDouble(raw, System.Globalization.CultureInfo.InvariantCulture);
        string[] postfixes = ["B", "KB", "MB", "GB", "TB", "PB"];
        var i = 0;
        for (; size >= 1024 && i < postfixes.Length; i++) size /= 1024;
        return WindowsText.Double(Math.Round(size, 2)) + " " + (i < postfixes.Length ? postfixes[i] : string.Empty);
    }

    // Resolve-DnsName's records (DnsClient's format file; IPAddress the A/AAAA records' column).
    private static readonly FormatView DnsRecord = new("Microsoft.DnsClient.Commands.DnsRecord", FormatShape.Table,
    [
        new("Name", 46, ColumnAlignment.Left, o => Property(o, "Name")),
        new("Type", 6, ColumnAlignment.Left, o => Property(o, "Type")),
        new("TTL", 5, ColumnAlignment.Left, o => Property(o, "TTL")),
        new("Section", 10, ColumnAlignment.Left, o => Property(o, "Section")),
        new("IPAddress", 0, ColumnAlignment.Left, o => Property(o, "IPAddress")),
    ]);

    // Get-Counter's sample sets: the Readings under a "CounterSamples" label, wrapped (Diagnostics.format.ps1xml).
    private static readonly FormatView CounterSampleSet = new("Microsoft.PowerShell.Commands.GetCounter.PerformanceCounterSampleSet", FormatShape.Table,
    [
        new("Timestamp", 26, ColumnAlignment.Left, o => Property(o, "Timestamp")),
        new("CounterSamples", 100, ColumnAlignment.Left, o => (o is PsObject set && set["Readings"]?.AsString() is { } readings && readings.EndsWith('\n') ? readings[..^1] : string.Empty)
            .Replace("\n", "\r\n", StringComparison.Ordinal)),
    ])
    {
        Wrap = true,
    };

    // A sample's DefaultDisplayPropertySet (Path, InstanceName, CookedValue) as a table sized to its rows.
    private static readonly FormatView CounterSample = new("Microsoft.PowerShell.Commands.GetCounter.PerformanceCounterSample", FormatShape.Table,
        [.. ((string[])["Path", "InstanceName", "CookedValue"]).Select(Column)]);

    // NetTCPIP's table of TCP connections (widths as Windows Server 2019 prints them, UNVERIFIED).
    private static readonly FormatView NetTcpConnection = new(CimInstancePrefix + "ROOT/StandardCimv2/MSFT_NetTCPConnection", FormatShape.Table,
    [
        new("LocalAddress", 35, ColumnAlignment.Left, o => Property(o, "LocalAddress")),
        new("LocalPort", 9, ColumnAlignment.Left, o => Property(o, "LocalPort")),
        new("RemoteAddress", 35, ColumnAlignment.Left, o => Property(o, "RemoteAddress")),
        new("RemotePort", 10, ColumnAlignment.Left, o => Property(o, "RemotePort")),
        new("State", 11, ColumnAlignment.Left, o => Property(o, "State")),
        new("AppliedSetting", 14, ColumnAlignment.Left, o => Property(o, "AppliedSetting")),
        new("OwningProcess", 0, ColumnAlignment.Left, o => Property(o, "OwningProcess")),
    ]);

    // NetTCPIP's table of routes (ifMetric the interface's metric; widths as remembered, UNVERIFIED).
    private static readonly FormatView NetRoute = new(CimInstancePrefix + "ROOT/StandardCimv2/MSFT_NetRoute", FormatShape.Table,
    [
        new("ifIndex", 7, ColumnAlignment.Left, o => Property(o, "ifIndex")),
        new("DestinationPrefix", 46, ColumnAlignment.Left, o => Property(o, "DestinationPrefix")),
        new("NextHop", 40, ColumnAlignment.Left, o => Property(o, "NextHop")),
        new("RouteMetric", 11, ColumnAlignment.Right, o => Property(o, "RouteMetric")),
        new("ifMetric", 8, ColumnAlignment.Left, o => Property(o, "ifMetric")),
        new("PolicyStore", 0, ColumnAlignment.Left, o => Property(o, "PolicyStore")),
    ]);

    // 5.1's table of Test-Connection's Win32_PingStatus replies (its WMI format file's columns; widths as remembered, UNVERIFIED).
    private static readonly FormatView PingStatus = new(@"System.Management.ManagementObject#root\cimv2\Win32_PingStatus", FormatShape.Table,
    [
        new("Source", 13, ColumnAlignment.Left, o => Property(o, "Source", "__SERVER")),
        new("Destination", 15, ColumnAlignment.Left, o => Property(o, "Address")),
        new("IPV4Address", 16, ColumnAlignment.Left, o => Property(o, "IPV4Address")),
        new("IPV6Address", 40, ColumnAlignment.Left, o => Property(o, "IPV6Address")),
        new("Bytes", 8, ColumnAlignment.Left, o => Property(o, "ReplySize", "BufferSize")),
        new("Time(ms)", 9, ColumnAlignment.Left, o => Property(o, "ResponseTime")),
    ]);

    // ServerManager's table of Windows features: each display name indented four spaces a level below the top, marked
    // [X] installed, [-] pending, [ ] available; the install state right-aligned (widths as remembered, UNVERIFIED).
    private static readonly FormatView WindowsFeature = new("Microsoft.Windows.ServerManager.Commands.Feature", FormatShape.Table,
    [
        new("Display Name", 55, ColumnAlignment.Left, o => FeatureDisplayName(o)),
        new("Name", 26, ColumnAlignment.Left, o => Property(o, "Name")),
        new("Install State", 13, ColumnAlignment.Right, o => Property(o, "InstallState")),
    ]);

    private static string FeatureDisplayName(PsValue value)
    {
        if (value is not PsObject o) return string.Empty;
        var depth = o["Depth"] is { } d && ScriptExpressions.AsNumberOrNull(d) is { } n ? (int)Math.Clamp(n, 1, 16) : 1;
        var state = Property(o, "InstallState");
        var mark = state.Equals("InstallPending", StringComparison.OrdinalIgnoreCase) ? "[-]" : Property(o, "Installed").Equals("True", StringComparison.OrdinalIgnoreCase) ? "[X]" : "[ ]";
        return new string(' ', 4 * (depth - 1)) + mark + " " + Property(o, "DisplayName");
    }

    // NetTCPIP's table of IP interfaces (widths as remembered, UNVERIFIED).
    private static readonly FormatView NetIPInterface = new(CimInstancePrefix + "ROOT/StandardCimv2/MSFT_NetIPInterface", FormatShape.Table,
    [
        new("ifIndex", 7, ColumnAlignment.Left, o => Property(o, "ifIndex")),
        new("InterfaceAlias", 31, ColumnAlignment.Left, o => Property(o, "InterfaceAlias")),
        new("AddressFamily", 13, ColumnAlignment.Left, o => Property(o, "AddressFamily")),
        new("NlMtu(Bytes)", 12, ColumnAlignment.Right, o => Property(o, "NlMtu")),
        new("InterfaceMetric", 15, ColumnAlignment.Right, o => Property(o, "InterfaceMetric")),
        new("Dhcp", 8, ColumnAlignment.Left, o => Property(o, "Dhcp")),
        new("ConnectionState", 15, ColumnAlignment.Left, o => Property(o, "ConnectionState")),
        new("PolicyStore", 0, ColumnAlignment.Left, o => Property(o, "PolicyStore")),
    ]);

    // NetAdapter's table of an adapter's traffic (widths as remembered, UNVERIFIED).
    private static readonly FormatView NetAdapterStatistics = new(CimInstancePrefix + "ROOT/StandardCimv2/MSFT_NetAdapterStatisticsSettingData", FormatShape.Table,
    [
        new("Name", 32, ColumnAlignment.Left, o => Property(o, "Name")),
        new("ReceivedBytes", 13, ColumnAlignment.Right, o => Property(o, "ReceivedBytes")),
        new("ReceivedUnicastPackets", 22, ColumnAlignment.Right, o => Property(o, "ReceivedUnicastPackets")),
        new("SentBytes", 15, ColumnAlignment.Right, o => Property(o, "SentBytes")),
        new("SentUnicastPackets", 18, ColumnAlignment.Right, o => Property(o, "SentUnicastPackets")),
    ]);

    // NetAdapter's table of bindings (widths as remembered, UNVERIFIED).
    private static readonly FormatView NetAdapterBinding = new(CimInstancePrefix + "ROOT/StandardCimv2/MSFT_NetAdapterBindingSettingData", FormatShape.Table,
    [
        new("Name", 30, ColumnAlignment.Left, o => Property(o, "Name")),
        new("DisplayName", 50, ColumnAlignment.Left, o => Property(o, "DisplayName")),
        new("ComponentID", 20, ColumnAlignment.Left, o => Property(o, "ComponentID")),
        new("Enabled", 0, ColumnAlignment.Left, o => Property(o, "Enabled")),
    ]);

    // A number's "N0" text (1,234); empty for none.
    private static string Thousands(PsValue? value) =>
        value?.AsPrimitive()?.Value is { } n and (int or long or short) ? Convert.ToInt64(n, System.Globalization.CultureInfo.InvariantCulture).ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : string.Empty;

    /// <summary>
    /// The view grouped by a property's value (a view's GroupBy label, Format-Table / Format-List -GroupBy): a group
    /// under a "   Property: value" line and one blank line, each time the value changes.
    /// </summary>
    public static FormatView GroupedBy(FormatView view, string property) =>
        view with { GroupHeader = o => "   " + property + ": " + Property(o, property), GroupBlankLines = 1 };

    // Get-HotFix's updates: 5.1's table of Win32_QuickFixEngineering (InstalledOn a DateTime's text).
    private static readonly FormatView HotFix = new(@"System.Management.ManagementObject#root\cimv2\Win32_QuickFixEngineering", FormatShape.Table,
    [
        new("Source", 13, ColumnAlignment.Left, o => Property(o, "Source", "__SERVER")),
        new("Description", 16, ColumnAlignment.Left, o => Property(o, "Description")),
        new("HotFixID", 13, ColumnAlignment.Left, o => Property(o, "HotFixID")),
        new("InstalledBy", 20, ColumnAlignment.Left, o => Property(o, "InstalledBy")),
        new("InstalledOn", 0, ColumnAlignment.Left, o => Property(o, "InstalledOn")),
    ]);

    // The network cmdlets' CIM instances (NetAdapter's and NetTCPIP's format files): Get-NetAdapter's table, the
    // MSFT_NetIPAddress list (a lifetime of TimeSpan.MaxValue shown as the view writes it) and Get-NetIPConfiguration's
    // lines (its objects' addresses, gateways' next hops and DNS servers, one per line). Widths UNVERIFIED.
    private const string CimInstancePrefix = "Microsoft.Management.Infrastructure.CimInstance#";

    private static readonly FormatView NetAdapter = new(CimInstancePrefix + "ROOT/StandardCimv2/MSFT_NetAdapter", FormatShape.Table,
    [
        new("Name", 25, ColumnAlignment.Left, o => Property(o, "Name")),
        new("InterfaceDescription", 39, ColumnAlignment.Left, o => Property(o, "InterfaceDescription")),
        new("ifIndex", 7, ColumnAlignment.Right, o => Property(o, "ifIndex", "InterfaceIndex")),
        new("Status", 12, ColumnAlignment.Left, o => Property(o, "Status")),
        new("MacAddress", 22, ColumnAlignment.Left, o => Property(o, "MacAddress")),
        new("LinkSpeed", 10, ColumnAlignment.Right, o => Property(o, "LinkSpeed")),
    ]);

    private static readonly FormatView NetIPAddress = new(CimInstancePrefix + "ROOT/StandardCimv2/MSFT_NetIPAddress", FormatShape.List,
    [
        .. ((string[])["IPAddress", "InterfaceIndex", "InterfaceAlias", "AddressFamily", "Type", "PrefixLength", "PrefixOrigin", "SuffixOrigin", "AddressState"])
            .Select(name => new FormatColumn(name, 0, null, o => Property(o, name))),
        new("ValidLifetime", 0, null, o => Lifetime(o, "ValidLifetime")),
        new("PreferredLifetime", 0, null, o => Lifetime(o, "PreferredLifetime")),
        new("SkipAsSource", 0, null, o => Property(o, "SkipAsSource")),
        new("PolicyStore", 0, null, o => Property(o, "PolicyStore")),
    ]);

    private static readonly FormatView NetIPConfiguration = new("NetIPConfiguration", FormatShape.List,
    [
        new("InterfaceAlias", 0, null, o => Property(o, "InterfaceAlias")),
        new("InterfaceIndex", 0, null, o => Property(o, "InterfaceIndex")),
        new("InterfaceDescription", 0, null, o => Property(o, "InterfaceDescription")),
        new("NetProfile.Name", 0, null, o => o is PsObject c && c["NetProfile"] is PsObject profile ? Property(profile, "Name") : string.Empty),
        new("IPv4Address", 0, null, o => Lines(o, "IPv4Address", "IPAddress")),
        new("IPv6DefaultGateway", 0, null, o => Lines(o, "IPv6DefaultGateway", "NextHop")),
        new("IPv4DefaultGateway", 0, null, o => Lines(o, "IPv4DefaultGateway", "NextHop")),
        new("DNSServer", 0, null, DnsServerLines),
    ]);

    // NetSecurity's lists of a firewall rule and of its port filter (the format file's properties, not the instance's all).
    private static readonly FormatView NetFirewallRule = new(CimInstancePrefix + "root/standardcimv2/MSFT_NetFirewallRule", FormatShape.List,
    [
        .. ((string[])["Name", "DisplayName", "Description", "DisplayGroup", "Group", "Enabled", "Profile", "Platform", "Direction", "Action",
            "EdgeTraversalPolicy", "LooseSourceMapping", "LocalOnlyMapping", "Owner", "PrimaryStatus", "Status", "EnforcementStatus", "PolicyStoreSource",
            "PolicyStoreSourceType"]).Select(name => new FormatColumn(name, 0, null, o => Property(o, name))),
    ]);

    private static readonly FormatView NetProtocolPortFilter = new(CimInstancePrefix + "root/standardcimv2/MSFT_NetProtocolPortFilter", FormatShape.List,
        [.. ((string[])["Protocol", "LocalPort", "RemotePort", "IcmpType", "DynamicTarget"]).Select(name => new FormatColumn(name, 0, null, o => Property(o, name)))]);

    private static readonly FormatView NetFirewallProfile = new(CimInstancePrefix + "root/standardcimv2/MSFT_NetFirewallProfile", FormatShape.List,
    [
        .. ((string[])["Name", "Enabled", "DefaultInboundAction", "DefaultOutboundAction", "AllowInboundRules", "AllowLocalFirewallRules", "AllowLocalIPsecRules",
            "AllowUserApps", "AllowUserPorts", "AllowUnicastResponseToMulticast", "NotifyOnListen", "EnableStealthModeForIPsec", "LogFileName", "LogMaxSizeKilobytes",
            "LogAllowed", "LogBlocked", "LogIgnored", "DisabledInterfaceAliases"]).Select(name => new FormatColumn(name, 0, null, o => Property(o, name))),
    ]);

    // ScheduledTasks' table of its tasks (widths UNVERIFIED).
    private static readonly FormatView ScheduledTask = new(CimInstancePrefix + "Root/Microsoft/Windows/TaskScheduler/MSFT_ScheduledTask", FormatShape.Table,
    [
        new("TaskPath", 46, ColumnAlignment.Left, o => Property(o, "TaskPath")),
        new("TaskName", 33, ColumnAlignment.Left, o => Property(o, "TaskName")),
        new("State", 0, ColumnAlignment.Left, o => Property(o, "State")),
    ]);

    // DnsClient's table of an interface's DNS servers per family (its AddressFamily number as the family's name); the
    // index's label is left-aligned over its right-aligned numbers ("Interface" / "Index    ").
    private static readonly FormatView DnsClientServerAddress = new(CimInstancePrefix + "ROOT/StandardCimv2/MSFT_DNSClientServerAddress", FormatShape.Table,
    [
        new("InterfaceAlias", 28, ColumnAlignment.Left, o => Property(o, "InterfaceAlias")),
        new("Interface Index", 9, ColumnAlignment.Right, o => Property(o, "InterfaceIndex")) { HeaderAlignment = ColumnAlignment.Left },
        new("Address Family", 7, ColumnAlignment.Left, o => Property(o, "AddressFamily") switch { "2" => "IPv4", "23" => "IPv6", var other => other }),
        new("ServerAddresses", 0, ColumnAlignment.Left, o => Property(o, "ServerAddresses")),
    ]);

    // DnsClient's list of the global settings.
    private static readonly FormatView DnsClientGlobalSettingView = new(CimInstancePrefix + "ROOT/StandardCimv2/MSFT_DNSClientGlobalSetting", FormatShape.List,
    [
        new("UseSuffixSearchList", 0, null, o => Property(o, "UseSuffixSearchList")),
        new("SuffixSearchList", 0, null, o => Property(o, "SuffixSearchList")),
        new("UseDevolution", 0, null, o => Property(o, "UseDevolution")),
        new("DevolutionLevel", 0, null, o => Property(o, "DevolutionLevel")),
    ]);

    // DnsClient's table of the interfaces' DNS client settings (RegisterThisConnectionsAddress cut over two lines).
    private static readonly FormatView DnsClientView = new(CimInstancePrefix + "ROOT/StandardCimv2/MSFT_DNSClient", FormatShape.Table,
    [
        new("InterfaceAlias", 28, ColumnAlignment.Left, o => Property(o, "InterfaceAlias")),
        new("Interface Index", 9, ColumnAlignment.Right, o => Property(o, "InterfaceIndex")) { HeaderAlignment = ColumnAlignment.Left },
        new("ConnectionSpecificSuffix", 24, ColumnAlignment.Left, o => Property(o, "ConnectionSpecificSuffix")),
        new("ConnectionSpecificSuffix SearchList", 24, ColumnAlignment.Left, o => Property(o, "ConnectionSpecificSuffixSearchList")),
        new("RegisterThisConnectionsAddress", 16, ColumnAlignment.Left, o => Property(o, "RegisterThisConnectionsAddress")),
        new("UseSuffixWhenRegistering", 13, ColumnAlignment.Left, o => Property(o, "UseSuffixWhenRegistering")),
    ]);

    // DnsClient's table of the DNS client cache: the record's type, status and section numbers by name.
    private static readonly FormatView DnsClientCacheView = new(CimInstancePrefix + "ROOT/StandardCimv2/MSFT_DNSClientCache", FormatShape.Table,
    [
        new("Entry", 25, ColumnAlignment.Left, o => Property(o, "Entry")),
        new("RecordName", 25, ColumnAlignment.Left, o => Property(o, "Name")),
        new("Record Type", 6, ColumnAlignment.Left, o => DnsCacheName(o, "Type")),
        new("Status", 9, ColumnAlignment.Left, o => DnsCacheName(o, "Status")),
        new("Section", 7, ColumnAlignment.Left, o => DnsCacheName(o, "Section")),
        new("TimeTo Live", 6, ColumnAlignment.Right, o => Property(o, "TimeToLive")) { HeaderAlignment = ColumnAlignment.Left },
        new("Data Length", 6, ColumnAlignment.Right, o => Property(o, "DataLength")) { HeaderAlignment = ColumnAlignment.Left },
        new("Data", 0, ColumnAlignment.Left, o => Property(o, "Data")),
    ]);

    // A cached record's number by its enumeration's name (DnsClientCache.Enumerations), else as it is.
    private static string DnsCacheName(PsValue value, string property) => Property(value, property) is var text &&
        uint.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) && DnsClientCache.NameOf(property, number) is { } name ? name : text;

    // "Infinite ([TimeSpan]::MaxValue)" for an address that does not expire, else the TimeSpan's text.
    private static string Lifetime(PsValue value, string name) =>
        value is PsObject o && o[name]?.AsTimeSpan() is { } span && span == TimeSpan.MaxValue ? "Infinite ([TimeSpan]::MaxValue)" : Property(value, name);

    // Get-NetIPConfiguration's DNS servers, a line each: the interface's IPv4 ones, then the IPv6 ones ipconfig /all shows
    // beside them (NetworkSettings.ShownIPv6Servers).
    private static string DnsServerLines(PsValue value)
    {
        if (value is not PsObject o || o["DNSServer"] is not PsObject items) return string.Empty;
        var families = (items.CollectionKind == PsCollectionKind.None ? [items] : items.Items).OfType<PsObject>()
            .Select(i => (IPv6: CellText(i["AddressFamily"]) == "23", Servers: i["ServerAddresses"] is PsObject { CollectionKind: not PsCollectionKind.None } list ? list.Items.Select(a => CellText(a)).ToList() : []))
            .ToList();
        var v4 = families.Where(f => !f.IPv6).SelectMany(f => f.Servers).ToList();
        var v6 = families.Where(f => f.IPv6).SelectMany(f => f.Servers).ToList();
        return string.Join("\r\n", v4.Concat(NetworkSettings.ShownIPv6Servers(v4, v6)));
    }

    // A property's objects' (or an object's) values of one property, each on a line of its own.
    private static string Lines(PsValue value, string name, string inner)
    {
        if (value is not PsObject o || o[name] is not PsObject items) return string.Empty;
        var values = new List<string>();
        foreach (var item in items.CollectionKind == PsCollectionKind.None ? [items] : items.Items)
        {
            if (item is not PsObject element || element[inner] is not { } v || v.IsNil()) continue;
            if (v is PsObject { CollectionKind: not PsCollectionKind.None } list) values.AddRange(list.Items.Select(i => CellText(i)));
            else values.Add(CellText(v));
        }

        return string.Join("\r\n", values);
    }

    // Group-Object's GroupInfo: Count, Name and the group's first items.
    private static readonly FormatView GroupInfo = new("Microsoft.PowerShell.Commands.GroupInfo", FormatShape.Table,
    [
        new("Count", 5, ColumnAlignment.Right, o => Property(o, "Count")),
        new("Name", 25, ColumnAlignment.Left, o => Property(o, "Name")),
        new("Group", 0, ColumnAlignment.Left, o => Property(o, "Group")),
    ]);

    private static readonly FormatView GroupInfoNoElement = new("Microsoft.PowerShell.Commands.GroupInfoNoElement", FormatShape.Table,
    [
        new("Count", 5, ColumnAlignment.Right, o => Property(o, "Count")),
        new("Name", 0, ColumnAlignment.Left, o => Property(o, "Name")),
    ]);

    // Get-History's HistoryInfo: Windows PowerShell 5.1's history view (PowerShell 7 added a Duration column).
    private static readonly FormatView HistoryInfo = new("Microsoft.PowerShell.Commands.HistoryInfo", FormatShape.Table,
    [
        new("Id", 4, ColumnAlignment.Right, o => Property(o, "Id")),
        new("CommandLine", 0, ColumnAlignment.Left, o => Property(o, "CommandLine")),
    ]);

    // Select-String's MatchInfo: its text (the line, for pipeline input) between blank lines.
    private static readonly FormatView MatchInfo = new("Microsoft.PowerShell.Commands.MatchInfo", FormatShape.Custom,
        [new("MatchInfo", 0, null, o => o.ToDisplayString())]);

    // A type ([int], (5).GetType()): IsPublic, IsSerial, Name and BaseType.
    private static readonly FormatView RuntimeType = new("System.RuntimeType", FormatShape.Table,
    [
        new("IsPublic", 8, ColumnAlignment.Left, o => Property(o, "IsPublic")),
        new("IsSerial", 8, ColumnAlignment.Left, o => Property(o, "IsSerializable")),
        new("Name", 40, ColumnAlignment.Left, o => Property(o, "Name")),
        new("BaseType", 0, ColumnAlignment.Left, o => Property(o, "BaseType")),
    ]);

    // Get-Location's PathInfo: 5.1's table of its Path alone.
    private static readonly FormatView PathInfo = new("System.Management.Automation.PathInfo", FormatShape.Table,
    [
        new("Path", 0, ColumnAlignment.Left, o => Property(o, "Path")),
    ]);

    // Get-PSDrive's objects (the "drive" view): Used and Free in GB for a drive that has them, the provider's name.
    private static readonly FormatView Drive = new("System.Management.Automation.PSDriveInfo", FormatShape.Table,
    [
        new("Name", 10, ColumnAlignment.Left, o => Property(o, "Name")),
        new("Used (GB)", 13, ColumnAlignment.Right, o => DriveGigabytes(o, "Used")),
        new("Free (GB)", 13, ColumnAlignment.Right, o => DriveGigabytes(o, "Free")),
        new("Provider", 13, ColumnAlignment.Left, o => Property(o, "Provider") is var provider ? provider[(provider.LastIndexOf('\\') + 1)..] : string.Empty),
        new("Root", 35, ColumnAlignment.Left, o => o is PsObject { } d && d["DisplayRoot"] is { } shown and not PsNil ? CellText(shown) : Property(o, "Root")),
        new("CurrentLocation", 0, ColumnAlignment.Right, o => Property(o, "CurrentLocation")),
    ]);

    // Get-PSProvider's ProviderInfos (the "provider" view): Name 20 wide, Capabilities and Drives sharing the rest.
    private static readonly FormatView Provider = new("System.Management.Automation.ProviderInfo", FormatShape.Table,
    [
        new("Name", 20, ColumnAlignment.Left, o => Property(o, "Name")),
        new("Capabilities", 0, ColumnAlignment.Left, o => Property(o, "Capabilities")),
        new("Drives", 0, ColumnAlignment.Left, o => Property(o, "Drives")),
    ]);

    // Get-PSCallStack's CallStackFrames: Command, Arguments and Location sharing the width.
    private static readonly FormatView CallStack = new("System.Management.Automation.CallStackFrame", FormatShape.Table,
    [
        new("Command", 0, ColumnAlignment.Left, o => Property(o, "Command")),
        new("Arguments", 0, ColumnAlignment.Left, o => Property(o, "Arguments")),
        new("Location", 0, ColumnAlignment.Left, o => Property(o, "Location")),
    ]);

    // Get-Variable's PSVariables: 5.1's table of Name (30) and Value.
    private static readonly FormatView Variable = new("System.Management.Automation.PSVariable", FormatShape.Table,
    [
        new("Name", 30, ColumnAlignment.Left, o => Property(o, "Name")),
        new("Value", 0, ColumnAlignment.Left, o => Property(o, "Value")),
    ]);

    private static readonly FormatView Scalar = new("scalar", FormatShape.Scalar, []);

    private static readonly Dictionary<string, FormatView> ByTypeName = new(StringComparer.OrdinalIgnoreCase)
    {
        [Service.Key] = Service,
        [Process.Key] = Process,
        [ProcessWithUserName.Key] = ProcessWithUserName,
        [FileVersionInfo.Key] = FileVersionInfo,
        [DictionaryEntry.Key] = DictionaryEntry,
        [Version.Key] = Version,
        [Guid.Key] = Guid,
        [DateTime.Key] = DateTime,
        [TimeSpanView.Key] = TimeSpanView,
        [ErrorRecord.Key] = ErrorRecord,
        [StreamRecordViews[0].Key] = StreamRecordViews[0],
        [StreamRecordViews[1].Key] = StreamRecordViews[1],
        [StreamRecordViews[2].Key] = StreamRecordViews[2],
        [StreamRecordViews[3].Key] = StreamRecordViews[3],
        [MatchInfo.Key] = MatchInfo,
        [GroupInfo.Key] = GroupInfo,
        [GroupInfoNoElement.Key] = GroupInfoNoElement,
        [HistoryInfo.Key] = HistoryInfo,
        [RuntimeType.Key] = RuntimeType,
        [PathInfo.Key] = PathInfo,
        [EventLogRecord.Key] = EventLogRecord,
        [EventLogEntry.Key] = EventLogEntry,
        [EventLog.Key] = EventLog,
        [EventLogConfiguration.Key] = EventLogConfiguration,
        [Volume.Key] = Volume,
        [SmbShare.Key] = SmbShare,
        [Certificate.Key] = Certificate,
        [DismBasicFeature.Key] = DismBasicFeature,
        [DismAdvancedFeature.Key] = DismAdvancedFeature,
        [DismImage.Key] = DismImage,
        [StoreLocationEntry.Key] = CertificateProviderList,
        [StoreEntry.Key] = CertificateProviderList,
        [SmbShareAccess.Key] = SmbShareAccess,
        [DnsRecord.Key] = DnsRecord,
        [CounterSampleSet.Key] = CounterSampleSet,
        [CounterSample.Key] = CounterSample,
        [NetTcpConnection.Key] = NetTcpConnection,
        [NetRoute.Key] = NetRoute,
        [NetAdapterStatistics.Key] = NetAdapterStatistics,
        [NetIPInterface.Key] = NetIPInterface,
        [PhysicalDisk.Key] = PhysicalDisk,
        [PingStatus.Key] = PingStatus,
        [WindowsFeature.Key] = WindowsFeature,
        [NetAdapterBinding.Key] = NetAdapterBinding,
        [Disk.Key] = Disk,
        [Partition.Key] = Partition,
        [HotFix.Key] = HotFix,
        [CommandInfo.Key] = CommandInfo,
        [Module.Key] = Module,
        [SessionConfiguration.Key] = SessionConfiguration,
        ["Microsoft.WSMan.Management.WSManConfigLeafElement"] = WsManLeaf,
        [IdentifyResponse.Key] = IdentifyResponse,
        ["Microsoft.WSMan.Management.WSManConfigContainerElement"] = WsManContainer,
        ["Microsoft.WSMan.Management.WSManConfigContainerElement#ComputerLevel"] = WsManComputer,
        ["Microsoft.WSMan.Management.WSManConfigLeafElement#InitParams"] = WsManInitParams,
        [NetAdapter.Key] = NetAdapter,
        [NetIPAddress.Key] = NetIPAddress,
        [NetIPConfiguration.Key] = NetIPConfiguration,
        [NetFirewallRule.Key] = NetFirewallRule,
        [NetProtocolPortFilter.Key] = NetProtocolPortFilter,
        [NetFirewallProfile.Key] = NetFirewallProfile,
        [ScheduledTask.Key] = ScheduledTask,
        [DnsClientServerAddress.Key] = DnsClientServerAddress,
        [DnsClientCacheView.Key] = DnsClientCacheView,
        [DnsClientView.Key] = DnsClientView,
        [DnsClientGlobalSettingView.Key] = DnsClientGlobalSettingView,
        [LocalUser.Key] = LocalUser,
        [LocalGroup.Key] = LocalGroup,
        [LocalPrincipal.Key] = LocalPrincipal,
        [ModuleInfoGrouping.Key] = ModuleInfoGrouping,
        [Culture.Key] = Culture,
        [Drive.Key] = Drive,
        [Provider.Key] = Provider,
        [CallStack.Key] = CallStack,
        [Variable.Key] = Variable,
        [FileSecurityTable.Key] = FileSecurityTable,
        [MemberDefinition.Key] = MemberDefinition,
        [CimClass.Key] = CimClass,
        [ManagementClass.Key] = ManagementClass,
        [PsMethod.Key] = PsMethod,
        ["System.IO.FileInfo"] = Children,
        ["System.IO.DirectoryInfo"] = Children,
    };

    static FormatViews()
    {
        foreach (var view in CimTables) ByTypeName[view.Key] = view;
    }

    /// <summary>
    /// Whether a Format cmdlet writes <paramref name="value"/> as its text, out of band, instead of formatting it
    /// (OutOfBandFormatViewManager.GenerateOutOfBandData): one of DefaultScalarTypes (a string, number, char, Boolean,
    /// decimal, an enum) or an object without properties; not a date, GUID, version or time span, which have properties.
    /// </summary>
    public static bool IsOutOfBandScalar(PsValue value) =>
        value is not PsNil and not PsPrimitive { Type: PsPrimitiveType.ScriptBlock or PsPrimitiveType.Uri or PsPrimitiveType.XmlDocument or PsPrimitiveType.ByteArray } &&
        For(value).Shape == FormatShape.Scalar;

    /// <summary>The view Out-Default uses for <paramref name="value"/>: its type's (most derived type name first), else by its property count.</summary>
    public static FormatView For(PsValue value)
    {
        switch (value)
        {
            case PsPrimitive { Type: PsPrimitiveType.DateTime }:
                return DateTime;
            case PsPrimitive { Type: PsPrimitiveType.Guid }:
                return Guid;
            case PsPrimitive { Type: PsPrimitiveType.Version } p when System.Version.TryParse(p.Value as string, out _):
                return Version;
            case PsPrimitive { Type: PsPrimitiveType.Duration } span:
                return TimeSpanView;
            case PsPrimitive or PsNil:
                return Scalar;
        }

        var o = (PsObject)value;
        foreach (var typeName in o.TypeNames ?? [])
        {
            if (ByTypeName.TryGetValue(StripDeserialized(typeName), out var view)) return ShowsComputerName(o) ? WithComputerName(view) : view;
        }

        // Enums and wrapped primitives (a string with notes) are their text.
        if (o.BaseValue is not null) return Scalar;
        // A type's DefaultDisplayPropertySet (a WMI class's) when it has one: up to four a table, more a list.
        var properties = WithComputerName(o, DefaultDisplaySet(o)?.ToList()) ?? ExpandAllProperties(o);
        if (properties.Count == 0) return Scalar;
        var key = (o.TypeNames is { Count: > 0 } names ? StripDeserialized(names[0]) : string.Empty) + "|" + string.Join("|", properties);
        var table = properties.Count <= 4;
        return new FormatView(key, table ? FormatShape.Table : FormatShape.List, [.. properties.Select(Column)]) { ByProperties = true };
    }

    /// <summary>
    /// Whether the object asks for its computer to be shown (PSObjectHelper.ShouldShowComputerNameProperty): it has a
    /// PSComputerName and a PSShowComputerName note that is true, as a remote command's output and a CIM session's
    /// instances (Get-CimInstance -ComputerName) have.
    /// </summary>
    public static bool ShowsComputerName(PsObject o) =>
        o["PSComputerName"] is not null && o["PSShowComputerName"] is { } show && ScriptExpressions.IsTrue(show);

    // A type's view for such an object (TableViewGenerator/ListViewGenerator.PrepareForRemoteObjects): a PSComputerName
    // column or entry after the view's own.
    private static FormatView WithComputerName(FormatView view) => view.Shape is FormatShape.Table or FormatShape.List
        ? view with { Key = view.Key + "|PSComputerName", Columns = [.. view.Columns, Column("PSComputerName")] }
        : view;

    // The default display set, with PSComputerName after it for such an object (AssociationManager.SetupActiveProperties).
    private static List<string>? WithComputerName(PsObject o, List<string>? displaySet) =>
        displaySet is not null && ShowsComputerName(o) && !displaySet.Contains("PSComputerName", StringComparer.OrdinalIgnoreCase) ? [.. displaySet, "PSComputerName"] : displaySet;

    /// <summary>
    /// Whether an object is one a view-less table or list takes as a row or entry: an object with properties, not a
    /// collection, a wrapped value or an error record (those are written on their own whatever the view).
    /// </summary>
    public static bool IsPlainObject(PsValue value) =>
        value is PsObject { BaseValue: null, CollectionKind: PsCollectionKind.None } o &&
        o.AdaptedProperties.Count + o.ExtendedProperties.Count > 0 &&
        !(o.TypeNames is { Count: > 0 } names && StripDeserialized(names[0]) is var first && (first == ErrorRecord.Key || StreamRecordViews.Any(v => v.Key == first)));

    /// <summary>A hashtable's entry as Out-Default enumerates it: a DictionaryEntry (Name is its Key).</summary>
    public static PsObject DictionaryEntryOf(PsValue key, PsValue value) =>
        new PsObject(["System.Collections.DictionaryEntry", "System.ValueType", "System.Object"]) { ToStringValue = "System.Collections.DictionaryEntry" }.With("Name", key).With("Key", key).With("Value", value);

    /// <summary>Every property of an object (Format-List without -Property shows them all); null for a scalar.</summary>
    public static IReadOnlyList<string>? AllProperties(PsValue value, bool star = false) => value switch
    {
        PsPrimitive when value.AsTimeSpan() is not null => TimeSpanProperties,
        // No list view for these (their views are a custom one and tables): all their properties, .NET ones first.
        PsPrimitive { Type: PsPrimitiveType.DateTime or PsPrimitiveType.Version or PsPrimitiveType.Guid } primitive => ValueProperties.ForList(primitive),
        // Format-List * resolves * against the members (extended first); Format-List alone shows the type's
        // DefaultDisplayPropertySet when it has one (AssociationManager.SetupActiveProperties: Get-WmiObject Win32_BIOS |
        // Format-List is its five properties), else expands all (.NET first).
        PsObject { BaseValue: null } o => star ? DisplayProperties(o) : DefaultDisplaySet(o)?.ToList() ?? ExpandAllProperties(o),
        _ => null,
    };

    // The types whose Format-List without properties is a list view of their own (5.1's DotNetTypes.format.ps1xml), not
    // every property.
    private static readonly Dictionary<string, string[]> ListViews = new(StringComparer.OrdinalIgnoreCase)
    {
        ["System.ServiceProcess.ServiceController"] =
            ["Name", "DisplayName", "Status", "DependentServices", "ServicesDependedOn", "CanPauseAndContinue", "CanShutdown", "CanStop", "ServiceType"],
        ["System.Diagnostics.Process"] = ["Id", "Handles", "CPU", "SI", "Name"],
    };

    /// <summary>The properties of a type's own list view (Format-List without -Property); null for a type without one.</summary>
    public static IReadOnlyList<string>? ListViewOf(PsValue value) =>
        value is PsObject { TypeNames: { } names } o ? (IReadOnlyList<string>?)names.Select(n => ListViews.GetValueOrDefault(StripDeserialized(n))).FirstOrDefault(v => v is not null) ??
            // A CIM class with a table lists the same properties (its default display set), and its computer when shown.
            (names.Count > 0 && CimTables.FirstOrDefault(t => t.Key.Equals(StripDeserialized(names[0]), StringComparison.OrdinalIgnoreCase)) is { } cim
                ? WithComputerName(o, [.. cim.Columns.Select(c => c.Label)]) : null)
            : null;

    /// <summary>A list of an object's properties (Format-List, and an object written out of band): its type's default display set, else all of them.</summary>
    public static FormatView ListOf(PsValue value, IReadOnlyList<string>? properties = null)
    {
        var names = properties ?? (value is PsObject shown ? WithComputerName(shown, DefaultDisplaySet(value)?.ToList()) : DefaultDisplaySet(value)) ??
            (value is PsObject o && o.BaseValue is null ? ExpandAllProperties(o) : []);
        return new FormatView("list|" + string.Join("|", names), FormatShape.List,
            [.. names.Select(Column)]);
    }

    /// <summary>
    /// Format-Table: a table of the given properties, else of the object's view when it is a table, else of its
    /// first ten properties; null for a scalar (written as its text).
    /// </summary>
    public static FormatView? TableOf(PsValue value, IReadOnlyList<string>? properties = null)
    {
        if (properties is null)
        {
            var view = For(value);
            if (view.Shape is FormatShape.Table or FormatShape.Scalar) return view.Shape == FormatShape.Table ? view : null;
            // No table view: the first ten properties, a date's as Format-List lists them (AssociationManager.ExpandAll).
            properties = value switch
            {
                PsObject { BaseValue: null } o => [.. ExpandAllProperties(o).Take(10)],
                PsPrimitive { Type: PsPrimitiveType.DateTime } date => [.. ValueProperties.ForList(date)!.Take(10)],
                _ => [],
            };
            if (properties.Count == 0) return null;
        }

        return new FormatView("table|" + string.Join("|", properties), FormatShape.Table,
            [.. properties.Select(Column)]);
    }

    private static FormatColumn Column(string name) => new(name, 0, null, v => Property(v, name)) { Property = name };

    /// <summary>
    /// Format-Wide's item for an object without -Property (WideViewGenerator): its type's wide view (FileSystem.format.ps1xml:
    /// a directory's Name in brackets, a file's Name), else its display name (PSObjectHelper.GetDisplayNameExpression: the
    /// first property named name, id, key, *key, *name or *id, the patterns in that order), else the first of its
    /// default display set, else its first property. Null for a value without properties of its own (a string, a
    /// number, an enum), whose item the emulator does not emulate.
    /// </summary>
    public static string? WideItem(PsValue value)
    {
        if (value is not PsObject { BaseValue: null, CollectionKind: PsCollectionKind.None } o) return null;
        if (IsFileSystemItem(o, out var directory)) return directory ? "[" + Property(o, "Name") + "]" : Property(o, "Name");
        var properties = DisplayProperties(o);
        foreach (var pattern in (string[])["name", "id", "key", "*key", "*name", "*id"])
        {
            var found = properties.FirstOrDefault(p => pattern[0] == '*'
                ? p.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase)
                : p.Equals(pattern, StringComparison.OrdinalIgnoreCase));
            if (found is not null) return Property(o, found);
        }

        var first = DefaultDisplaySet(o) is [var set, ..] ? set : properties.FirstOrDefault();
        return first is null ? null : Property(o, first);
    }

    /// <summary>Format-Wide's group line for an object: a file system item's "    Directory: C:\x" (its view groups by PSParentPath); else null.</summary>
    public static string? WideGroupHeader(PsValue value) =>
        value is PsObject o && IsFileSystemItem(o, out _) ? "    Directory: " + ParentPath(o) : null;

    private static bool IsFileSystemItem(PsObject o, out bool directory)
    {
        directory = false;
        foreach (var name in o.TypeNames ?? [])
        {
            switch (StripDeserialized(name))
            {
                case "System.IO.DirectoryInfo":
                    directory = true;
                    return true;
                case "System.IO.FileInfo":
                    return true;
            }
        }

        return false;
    }

    /// <summary>A property's text as a cell shows it (Format-Wide -Property's item).</summary>
    public static string PropertyItem(PsValue value, string name) => Property(value, name);

    // The PSStandardMembers DefaultDisplayPropertySet of types.ps1xml, for the types with a view here.
    private static IReadOnlyList<string>? DefaultDisplaySet(PsValue value)
    {
        if (value is not PsObject { TypeNames: { } names }) return value is PsPrimitive { Type: PsPrimitiveType.Duration } ? TimeSpanProperties : null;
        foreach (var name in names)
        {
            switch (StripDeserialized(name))
            {
                case "System.ServiceProcess.ServiceController": return ["Status", "Name", "DisplayName"];
                case "System.Diagnostics.Process": return ["Id", "Handles", "CPU", "SI", "Name"];
                case "Microsoft.PowerShell.Commands.GetCounter.PerformanceCounterSample": return ["Path", "InstanceName", "CookedValue"];
                case var wmi when wmi.StartsWith(ManagementObjectPrefix, StringComparison.OrdinalIgnoreCase) &&
                    WmiDisplaySets.TryGetValue(wmi[ManagementObjectPrefix.Length..], out var set):
                    return set;
            }
        }

        return null;
    }

    private const string ManagementObjectPrefix = @"System.Management.ManagementObject#root\cimv2\";

    // types.ps1xml's DefaultDisplayPropertySet of the WMI classes the computers have, as Get-WmiObject's objects show
    // (PowerShell's Types_Ps1Xml); Win32_Process has none, so all its properties show.
    private static readonly Dictionary<string, string[]> WmiDisplaySets = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Win32_BIOS"] = ["SMBIOSBIOSVersion", "Manufacturer", "Name", "SerialNumber", "Version"],
        ["Win32_ComputerSystem"] = ["Domain", "Manufacturer", "Model", "Name", "PrimaryOwnerName", "TotalPhysicalMemory"],
        ["Win32_ComputerSystemProduct"] = ["IdentifyingNumber", "Name", "Vendor", "Version", "Caption"],
        ["Win32_Processor"] = ["Caption", "DeviceID", "Manufacturer", "MaxClockSpeed", "Name", "SocketDesignation"],
        ["Win32_LogicalDisk"] = ["DeviceID", "DriveType", "ProviderName", "FreeSpace", "Size", "VolumeName"],
        ["Win32_NetworkAdapter"] = ["ServiceName", "MACAddress", "AdapterType", "DeviceID", "Name", "NetworkAddresses", "Speed"],
        ["Win32_NetworkAdapterConfiguration"] = ["DHCPEnabled", "IPAddress", "DefaultIPGateway", "DNSDomain", "ServiceName", "Description", "Index"],
        ["Win32_OperatingSystem"] = ["SystemDirectory", "Organization", "BuildNumber", "RegisteredUser", "SerialNumber", "Version"],
        ["Win32_QuickFixEngineering"] = ["Description", "FixComments", "HotFixID", "InstallDate", "InstalledBy", "InstalledOn", "Name", "ServicePackInEffect", "Status"],
        ["Win32_Service"] = ["ExitCode", "Name", "ProcessId", "StartMode", "State", "Status"],
        ["Win32_UserAccount"] = ["AccountType", "Caption", "Domain", "SID", "FullName", "Name"],
        ["Win32_Group"] = ["Caption", "Domain", "Name", "SID"],
    };

    /// <summary>
    /// Extended then adapted properties, as PSObject.Properties lists them (PSObject.GetMemberCollection: instance and
    /// type-table members before the adapter's), so <c>Get-Item file | Format-List *</c> starts PSPath, ..., Mode,
    /// VersionInfo, BaseName and then Name, Length; a deserialized object's notes (MS) before its Props.
    /// </summary>
    internal static List<string> DisplayProperties(PsObject o, bool expandPropertySets = true)
    {
        // Type data the emulator knows (ExtendedTypeMembers): its members come after the instance's own notes and before
        // the .NET properties, in types.ps1xml's order from the base type down, a property set as the properties it
        // names (PSPropertyExpression.ResolveNames expands it): Get-Process | Format-List * starts Name, Id,
        // PriorityClass, FileVersion, HandleCount, ... SI, Handles; PSObject.Properties (ConvertTo-Csv's header) has no
        // property sets: "Name","SI","Handles","VM",... An object whose notes hold .NET properties (the emulator's
        // processes) still lists those with the .NET ones.
        var typeData = o.TypeNames is { Count: > 0 } typeNames ? typeNames.Reverse().SelectMany(ExtendedTypeMembers.Of).ToList() : [];
        if (typeData.Count == 0) return Distinct(o.ExtendedProperties.Concat(o.AdaptedProperties), o);
        var dotNet = DotNetMembers.OfFirst(o.TypeNames!) ?? [];
        var names = new List<string>(o.AdaptedProperties.Count + o.ExtendedProperties.Count);
        void Add(string name)
        {
            if (!names.Contains(name, StringComparer.OrdinalIgnoreCase)) names.Add(name);
        }

        string? Own(string name) =>
            (o.ExtendedProperties.Find(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) ?? o.AdaptedProperties.Find(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)))?.Name;

        foreach (var note in o.ExtendedProperties)
        {
            if (!typeData.Exists(m => m.Name.Equals(note.Name, StringComparison.OrdinalIgnoreCase)) &&
                !dotNet.Any(m => m.MemberType == "Property" && m.Name.Equals(note.Name, StringComparison.OrdinalIgnoreCase)))
            {
                Add(note.Name);
            }
        }

        foreach (var member in typeData)
        {
            if (member.MemberType == "PropertySet")
            {
                if (!expandPropertySets) continue;
                foreach (var referenced in ExtendedTypeMembers.ReferencedProperties(member))
                {
                    if (Own(referenced) is { } own) Add(own);
                }
            }
            else if (member.MemberType.EndsWith("Property", StringComparison.Ordinal) && Own(member.Name) is { } own)
            {
                Add(own);
            }
        }

        // Then the .NET properties in the type's own order (reflection's: Process's BasePriority, ExitCode, HasExited...),
        // whether the object holds them as notes or adapted; then what else it has.
        foreach (var member in dotNet)
        {
            if (member.MemberType == "Property" && Own(member.Name) is { } own) Add(own);
        }

        foreach (var property in o.ExtendedProperties.Concat(o.AdaptedProperties)) Add(property.Name);
        return names;
    }

    /// <summary>
    /// Adapted then extended properties, as AssociationManager.ExpandAll lists an object formatted with no view and no
    /// properties named (Out-Default's list, Format-List alone): an Invoke-WmiMethod result ends with PSComputerName.
    /// PSShowComputerName is never shown, and PSComputerName only when it asks to be (HandleComputerNameProperties).
    /// </summary>
    internal static List<string> ExpandAllProperties(PsObject o)
    {
        var all = Distinct(o.AdaptedProperties.Concat(o.ExtendedProperties), o);
        if (o["PSShowComputerName"] is null) return all;
        var show = ShowsComputerName(o);
        all.RemoveAll(n => n.Equals("PSShowComputerName", StringComparison.OrdinalIgnoreCase) || (!show && n.Equals("PSComputerName", StringComparison.OrdinalIgnoreCase)));
        return all;
    }

    private static List<string> Distinct(IEnumerable<PsProperty> properties, PsObject o)
    {
        var names = new List<string>(o.AdaptedProperties.Count + o.ExtendedProperties.Count);
        var hides = HiddenProperties.Any(o);
        foreach (var p in properties)
        {
            if (!names.Contains(p.Name, StringComparer.OrdinalIgnoreCase) && !(hides && HiddenProperties.IsHidden(o, p.Name))) names.Add(p.Name);
        }

        return names;
    }

    private static string StripDeserialized(string typeName) =>
        typeName.StartsWith("Deserialized.", StringComparison.Ordinal) ? typeName["Deserialized.".Length..] : typeName;

    /// <summary>A property's text in a cell, through a .NET format when given (Format-Table's FormatString: N2, yyyy-MM-dd).</summary>
    public static string PropertyText(PsValue value, string name, string? format)
    {
        if (format is null || value is not PsObject o || o[name].AsPrimitive()?.Value is not IFormattable formattable) return Property(value, name);
        try
        {
            return formattable is DateTimeOffset d ? d.ToOffset(TimeSpan.Zero).ToString(format, EnglishUnitedStates) : formattable.ToString(format, EnglishUnitedStates);
        }
        catch (FormatException)
        {
            return Property(value, name);
        }
    }

    private static string Property(PsValue value, string name, string? alias = null)
    {
        if (value.AsTimeSpan() is { } span && value is PsPrimitive) return TimeSpanPart(span, name);
        // A primitive's own properties (Format-List * of a string: its Length).
        if (value is PsPrimitive primitive) return CellText(VariableValueTemplate.Member(primitive, name));
        if (value is not PsObject o) return string.Empty;
        if (ValueProperties.IsEnum(o) && name.Equals("value__", StringComparison.OrdinalIgnoreCase)) return CellText(o.BaseValue);
        var v = o[name] ?? (alias is null ? null : o[alias]);
        // A primitive with notes (a Get-Content line): its notes, then the primitive's own (Length).
        if (v is null && o is { CollectionKind: PsCollectionKind.None, BaseValue: PsPrimitive inner }) return Property(inner, name);
        return CellText(v);
    }

    // if ($_.Used -or $_.Free) { "{0:###0.00}" -f ($_.Used / 1GB) }: empty for a drive without either.
    private static string DriveGigabytes(PsValue value, string name)
    {
        if (value is not PsObject o || (o["Used"].AsInt64() ?? 0) == 0 && (o["Free"].AsInt64() ?? 0) == 0) return string.Empty;
        return ((o[name].AsInt64() ?? 0) / 1073741824.0).ToString("###0.00", EnglishUnitedStates);
    }

    private static string Kilobytes(PsValue value, string name, string alias)
    {
        if (value is not PsObject o || (o[name] ?? o[alias]).AsInt64() is not { } bytes) return string.Empty;
        // [long]($_.NPM / 1024): PowerShell rounds half to even.
        return ((long)Math.Round(bytes / 1024.0, MidpointRounding.ToEven)).ToString(EnglishUnitedStates);
    }

    private static string Number(PsValue value, string name)
    {
        if (value is not PsObject o || o[name] is not { } v || v.IsNil()) return string.Empty;
        var number = v.AsDouble() ?? v.AsInt64();
        return number is { } n ? n.ToString("N", EnglishUnitedStates) : CellText(v);
    }

    private static string VersionPart(PsValue value, int index)
    {
        if (value.AsString() is { } text && System.Version.TryParse(text, out var version))
        {
            var part = index switch { 0 => version.Major, 1 => version.Minor, 2 => version.Build, _ => version.Revision };
            return part.ToString(EnglishUnitedStates);
        }

        return Property(value, index switch { 0 => "Major", 1 => "Minor", 2 => "Build", _ => "Revision" });
    }

    // The totals are Doubles, as the .NET Framework writes them (15 digits: 0.791666666666667).
    private static string TimeSpanPart(TimeSpan span, string name) => name switch
    {
        "Days" => span.Days.ToString(EnglishUnitedStates),
        "Hours" => span.Hours.ToString(EnglishUnitedStates),
        "Minutes" => span.Minutes.ToString(EnglishUnitedStates),
        "Seconds" => span.Seconds.ToString(EnglishUnitedStates),
        "Milliseconds" => span.Milliseconds.ToString(EnglishUnitedStates),
        "Ticks" => span.Ticks.ToString(EnglishUnitedStates),
        "TotalDays" => WindowsText.Double(span.TotalDays),
        "TotalHours" => WindowsText.Double(span.TotalHours),
        "TotalMinutes" => WindowsText.Double(span.TotalMinutes),
        "TotalSeconds" => WindowsText.Double(span.TotalSeconds),
        "TotalMilliseconds" => WindowsText.Double(span.TotalMilliseconds),
        _ => string.Empty,
    };

    /// <summary>An error record as a console of 120 columns shows it (Out-Default lays it out at its own width).</summary>
    public static string ErrorText(PsValue value) => value is PsObject record ? ConsoleErrorView.Text(record, 120) : CellText(value) + "\r\n";

    // The children view's LastWriteTime: [String]::Format("{0,10}  {1,8}", short date, short time), en-US.
    private static string ShortDateTime(PsValue? value)
    {
        DateTimeOffset? time = value.AsDateTime();
        if (time is null && value.AsString() is { } text &&
            DateTimeOffset.TryParse(text, EnglishUnitedStates, DateTimeStyles.AssumeUniversal, out var parsed)) time = parsed;
        if (time is not { } t) return CellText(value);
        var utc = t.ToOffset(TimeSpan.Zero);
        return string.Format(EnglishUnitedStates, "{0,10}  {1,8}", utc.ToString("M/d/yyyy", EnglishUnitedStates), utc.ToString("h:mm tt", EnglishUnitedStates));
    }

    private static string ExportedCommandNames(PsValue value)
    {
        if (value is not PsObject o || o["ExportedCommands"] is not PsObject { Entries: var entries }) return string.Empty;
        return Enumeration(entries.Select(e => CellText(e.Key)), entries.Count);
    }

    // Split-Path -Parent $_.Path, past a version folder ([Version]::TryParse of its name), then its parent.
    private static string ModuleFolder(PsValue value)
    {
        if (value is not PsObject o || o["Path"].AsString() is not { } path) return string.Empty;
        static string Parent(string p) => p.LastIndexOf('\\') is var slash and > 0 ? p[..slash] : string.Empty;
        var folder = Parent(path);
        if (System.Version.TryParse(folder[(folder.LastIndexOf('\\') + 1)..], out _)) folder = Parent(folder);
        return Parent(folder);
    }

    // PSParentPath without its provider ("Microsoft.PowerShell.Core\FileSystem::C:\x" is "C:\x"), else the
    // directory of FullName.
    private static string ParentPath(PsValue value)
    {
        if (value is not PsObject o) return string.Empty;
        if (o["PSParentPath"].AsString() is { } parent)
        {
            var separator = parent.IndexOf("::", StringComparison.Ordinal);
            return separator >= 0 ? parent[(separator + 2)..] : parent;
        }

        if (o["FullName"].AsString() is { } full && full.LastIndexOf('\\') is var slash and > 0)
        {
            return slash == 2 && full[1] == ':' ? full[..3] : full[..slash];
        }

        return string.Empty;
    }

    /// <summary>
    /// A value as a table cell or list entry shows it: its text (en-US numbers and dates), a collection as
    /// <c>{a, b, c, d...}</c> up to $FormatEnumerationLimit, a PSCustomObject as <c>@{a=1; b=2}</c>.
    /// </summary>
    public static string CellText(PsValue? value, int depth = 0)
    {
        switch (value)
        {
            case null or PsNil:
                return string.Empty;
            case PsPrimitive p:
                return PrimitiveText(p);
            case PsObject { ToStringValue: { } text } o when o.CollectionKind == PsCollectionKind.None:
                return text;
            case PsObject o when o.CollectionKind is PsCollectionKind.List or PsCollectionKind.Enumerable or PsCollectionKind.Stack or PsCollectionKind.Queue:
                return depth > 0 ? (o.ToStringValue ?? "System.Object[]") : Enumeration(o.Items.Select(i => ItemName(i) ?? CellText(i, depth + 1)), o.Items.Count);
            // A dictionary in a cell shows its keys ({b, c}): .NET Framework's DictionaryEntry has no ToString of its own
            // (PowerShell 7 on .NET Core shows {[b, 1], [c, 2]}).
            case PsObject { CollectionKind: PsCollectionKind.Dictionary } o:
                return depth > 0 ? (o.ToStringValue ?? "System.Collections.Hashtable") : Enumeration(o.Entries.Select(e => CellText(e.Key, 1)), o.Entries.Count);
            case PsObject { BaseValue: { } b }:
                return PrimitiveText(b);
            // A PSCustomObject, a Select-Object one (Selected.Type first) too: PSObject's "@{Name=...}".
            case PsObject o when o.TypeNames is { Count: > 0 } names && names.Any(n => StripDeserialized(n) == PsObjects.PSCustomObjectTypeName):
            {
                var text = new StringBuilder();
                AppendObject(text, o, 0);
                return text.ToString();
            }
            case PsObject o:
                return o.ToWindowsText() is { Length: > 0 } shown ? shown : (o.TypeNames is { Count: > 0 } t ? StripDeserialized(t[0]) : string.Empty);
        }

        return value.ToWindowsText();
    }

    /// <summary>
    /// An item of a collection in a cell, when its type keeps Object's ToString (its text is its type's name): its name,
    /// as PowerShell's formatter shows one (GetObjectName: the first property matching name, id, key, *key, *name, *id),
    /// so a service's RequiredServices read {RPCSS, HTTP}. Null for other items, and for deserialized objects, whose
    /// ToString is the text they came with.
    /// </summary>
    private static string? ItemName(PsValue? item)
    {
        if (item is not PsObject { CollectionKind: PsCollectionKind.None, BaseValue: null, ToStringValue: { } text, TypeNames: [var typeName, ..] } o ||
            (text != typeName && !InheritsToString.Contains(typeName)) || typeName.StartsWith("Deserialized.", StringComparison.Ordinal))
        {
            return null;
        }

        var names = DisplayProperties(o);
        foreach (var pattern in NamePatterns)
        {
            if (names.FirstOrDefault(n => pattern[0] == '*' ? n.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase) : n.Equals(pattern, StringComparison.OrdinalIgnoreCase)) is { } name)
            {
                return CellText(o[name], 1);
            }
        }

        return null;
    }

    private static readonly string[] NamePatterns = ["name", "id", "key", "*key", "*name", "*id"];

    // Types whose ToString their base class declares, which GetObjectName passes over for the name as it does Object's:
    // a CimInstance's CimProperty (`Caption = "..."`) shows in {Caption, Description, ...} by its name, a method's
    // qualifiers (`Static = True`) in {Static} and a parameter's in {ID, In}.
    private static readonly HashSet<string> InheritsToString = new(StringComparer.Ordinal)
    {
        "Microsoft.Management.Infrastructure.Internal.Data.CimPropertyOfInstance",
        "Microsoft.Management.Infrastructure.Internal.Data.CimClassPropertyOfClass",
        "Microsoft.Management.Infrastructure.Internal.Data.CimMethodDeclarationOfClass",
        "Microsoft.Management.Infrastructure.Internal.Data.CimMethodParameterDeclarationOfMethod",
        "Microsoft.Management.Infrastructure.Internal.Data.CimQualifierOfProperty",
        "Microsoft.Management.Infrastructure.Internal.Data.CimQualifierOfMethod",
        "Microsoft.Management.Infrastructure.Internal.Data.CimQualifierOfParameter",
    };

    // Nested objects and arrays show in full, to a depth and a length that bound the work a deep or shared object
    // (CLIXML references can make one) can cause.
    private const int MaxTextDepth = 32, MaxTextLength = 10_000;

    private static void AppendObject(StringBuilder text, PsObject o, int depth)
    {
        if (depth > MaxTextDepth)
        {
            text.Append("@{...}");
            return;
        }

        text.Append("@{");
        var first = true;
        foreach (var name in DisplayProperties(o))
        {
            if (text.Length > MaxTextLength)
            {
                text.Append("...");
                break;
            }

            if (!first) text.Append("; ");
            first = false;
            text.Append(name).Append('=');
            AppendDisplay(text, o[name], depth + 1);
        }

        text.Append('}');
    }

    // A property value inside @{...}: PowerShell's string conversion (an array's items joined by spaces).
    private static void AppendDisplay(StringBuilder text, PsValue? value, int depth)
    {
        switch (value)
        {
            case null or PsNil:
                return;
            case PsPrimitive p:
                text.Append(PrimitiveText(p));
                return;
            case PsObject { CollectionKind: PsCollectionKind.List or PsCollectionKind.Enumerable, ToStringValue: null } list when depth <= MaxTextDepth:
                for (var i = 0; i < list.Items.Count; i++)
                {
                    if (text.Length > MaxTextLength)
                    {
                        text.Append("...");
                        return;
                    }

                    if (i > 0) text.Append(' ');
                    AppendDisplay(text, list.Items[i], depth + 1);
                }

                return;
            case PsObject o when o.CollectionKind == PsCollectionKind.None && o.BaseValue is null && o.ToStringValue is null &&
                                 o.TypeNames is { Count: > 0 } names && StripDeserialized(names[0]) == PsObjects.PSCustomObjectTypeName:
                AppendObject(text, o, depth);
                return;
            default:
                text.Append(CellText(value, 1));
                return;
        }
    }

    // PSObjectHelper.SmartToString: up to $FormatEnumerationLimit items, then "..." when more come; all of them when
    // the limit is negative.
    private static string Enumeration(IEnumerable<string> items, int count)
    {
        var limit = CurrentEnumerationLimit;
        if (limit < 0) return "{" + string.Join(", ", items) + "}";
        return "{" + string.Join(", ", items.Take(limit)) + (count > limit ? "...}" : "}");
    }

    public static string PrimitiveText(PsPrimitive p) => p.Value switch
    {
        bool b => b ? "True" : "False",
        DateTimeOffset d => d.ToOffset(TimeSpan.Zero).ToString("M/d/yyyy h:mm:ss tt", EnglishUnitedStates),
        double d => WindowsText.Double(d),
        float f => WindowsText.Single(f),
        byte[] bytes => Enumeration(bytes.Select(x => x.ToString(EnglishUnitedStates)), bytes.Length),
        _ => p.ToDisplayString(),
    };

    /// <summary>
    /// Whether a column without a view aligns right by its first value (ComputeDefaultAlignment): a scalar type other
    /// than a string (numbers, booleans, characters) or an enum.
    /// </summary>
    public static bool AlignsRight(PsValue? value) => value switch
    {
        PsPrimitive p => p.Type is PsPrimitiveType.Byte or PsPrimitiveType.SByte or PsPrimitiveType.Int16 or PsPrimitiveType.UInt16
            or PsPrimitiveType.Int32 or PsPrimitiveType.UInt32 or PsPrimitiveType.Int64 or PsPrimitiveType.UInt64 or PsPrimitiveType.Single
            or PsPrimitiveType.Double or PsPrimitiveType.Decimal or PsPrimitiveType.Boolean or PsPrimitiveType.Char,
        PsObject { BaseValue: not null, TypeNames: { } names } => names.Contains("System.Enum"),
        _ => false,
    };
}
