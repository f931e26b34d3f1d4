using System.Text;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>Why a file system operation failed; the cmdlets, [System.IO.File] and cmd.exe turn it into Windows' own error.</summary>
public enum FileSystemFailure
{
    None,
    /// <summary>The path's drive is not one the computer has (only C: exists).</summary>
    DriveNotFound,
    /// <summary>Characters Windows refuses in a path (<c>&lt;&gt;|"</c>, wildcards, control characters), or a UNC path.</summary>
    InvalidPath,
    /// <summary>Nothing at the path.</summary>
    NotFound,
    /// <summary>A directory on the way is missing (or is a file).</summary>
    ParentNotFound,
    /// <summary>The path is a directory where a file was wanted.</summary>
    IsDirectory,
    /// <summary>The path is a file where a directory was wanted.</summary>
    IsFile,
    /// <summary>Something exists at the path already.</summary>
    AlreadyExists,
    /// <summary>A directory with children, removed without recursing.</summary>
    DirectoryNotEmpty,
    /// <summary>The computer's disk (<see cref="VirtualFileSystem.Capacity"/>) is full.</summary>
    DiskFull,
    /// <summary>A drive's root, which cannot be removed, moved or written.</summary>
    Root,
    /// <summary>A file Windows protects (a program of System32, TrustedInstaller's): not written, moved or removed.</summary>
    AccessDenied,
    /// <summary>A program file whose bytes the emulator does not hold: its size and times are there, its content is not emulated.</summary>
    ContentNotHeld,
}

/// <summary>A file or directory as a listing sees it at one moment.</summary>
public sealed record FileSystemItem(string FullName, string Name, bool IsDirectory, long Length, DateTimeOffset CreationTime, DateTimeOffset LastWriteTime, bool IsReadOnly = false)
{
    /// <summary>Hidden (ProgramData): listed only with -Force.</summary>
    public bool IsHidden { get; init; }

    /// <summary>The directory the item is in (<c>C:\</c> for a top-level one); empty for the root.</summary>
    public string ParentPath => VirtualFileSystem.ParentOf(FullName) ?? string.Empty;
}

/// <summary>
/// The disk of one virtual computer: an in-memory C: drive shared by its PowerShell sessions and cmd shells, so a file
/// one command writes another reads (winrmcp's upload, a script's log). Windows' rules: names compare without case and
/// keep the case they were made with, <c>/</c> is <c>\</c>, trailing dots and spaces of a name are dropped. Its size is
/// bounded by <see cref="Capacity"/> (a full disk is Windows' "There is not enough space on the disk."). Every
/// operation takes one lock: commands of a computer are few, and their file work is small next to a round trip.
/// </summary>
public sealed class VirtualFileSystem
{
    // The folders a Windows Server 2019 has that scripts look for or write into (besides the programs' own): where modules,
    // .NET Framework and 32-bit programs go, the logs and fonts. Their times are the computer's first.
    private static readonly string[] SeededFolders =
    [
        @"Program Files\Common Files", @"Program Files\Internet Explorer", @"Program Files\Windows Defender", @"Program Files\Windows NT",
        @"Program Files\WindowsPowerShell\Modules",
        @"Program Files (x86)\Common Files", @"Program Files (x86)\Internet Explorer", @"Program Files (x86)\Windows Defender",
        @"Program Files (x86)\WindowsPowerShell\Modules",
        @"ProgramData\Microsoft",
        @"Users\Public",
        @"Windows\Fonts", @"Windows\INF", @"Windows\Logs", @"Windows\Microsoft.NET\Framework\v4.0.30319", @"Windows\Microsoft.NET\Framework64\v4.0.30319",
        @"Windows\Panther", @"Windows\servicing", @"Windows\System32", @"Windows\SysWOW64", @"Windows\Temp", @"Windows\WinSxS",
        // Where image builders' cleanup scripts empty Windows Update's downloads and the prefetch files.
        @"Windows\debug", @"Windows\Help", @"Windows\Installer", @"Windows\Prefetch", @"Windows\SoftwareDistribution\DataStore",
        @"Windows\SoftwareDistribution\Download", @"Windows\Web",
    ];

    private sealed class Node(string name, bool isDirectory, DateTimeOffset now)
    {
        public string Name = name;
        public readonly bool IsDirectory = isDirectory;
        public Node? Parent;
        public Dictionary<string, Node>? Children = isDirectory ? new(StringComparer.OrdinalIgnoreCase) : null;
        public byte[] Content = [];
        public int Length;
        public DateTimeOffset Created = now;
        public DateTimeOffset Written = now;
        public bool ReadOnly;
        public bool Hidden;
        // A program image of Windows: its length without its bytes (protected: TrustedInstaller's).
        public bool Image;
        // Made with the computer (Windows' own), not by a script: TrustedInstaller's under Windows and Program Files.
        public bool Installed;
        // Its own owner, group, protection and explicit entries, once a script set them (Set-Acl, icacls).
        public FileSecurityDescriptor? Security;
    }

    /// <summary>The user profiles' folders Windows makes at a user's first logon.</summary>
    private static readonly string[] ProfileFolders = ["Desktop", "Documents", "Downloads", @"AppData\Local\Temp", @"AppData\Roaming"];

    private readonly object _gate = new();
    private readonly Node _root;
    private readonly TimeProvider _time;
    private readonly HashSet<string> _profiles = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="capacity">The bytes scripts' files may hold together (the emulator keeps them in memory).</param>
    /// <param name="size">The C: volume's size Windows reports; <paramref name="capacity"/> when not given.</param>
    /// <param name="freeAtStart">The free bytes Windows reports before any file is written; <paramref name="capacity"/> when not given.</param>
    public VirtualFileSystem(TimeProvider time, long capacity, long? size = null, long? freeAtStart = null)
    {
        _time = time;
        Capacity = capacity;
        Size = size ?? capacity;
        _freeAtStart = freeAtStart ?? capacity;
        _root = new Node("C:", isDirectory: true, time.GetUtcNow());
        // A Windows Server 2019's top level, as the default scenario's computers show it (Program Files and Users read-only).
        foreach (var (folder, written, readOnly) in new[]
        {
            ("PerfLogs", new DateTimeOffset(2018, 9, 15, 7, 19, 0, TimeSpan.Zero), false),
            ("Program Files", new DateTimeOffset(2026, 1, 12, 9, 41, 0, TimeSpan.Zero), true),
            ("Program Files (x86)", new DateTimeOffset(2018, 9, 15, 9, 6, 0, TimeSpan.Zero), false),
            ("ProgramData", new DateTimeOffset(2026, 1, 12, 9, 39, 0, TimeSpan.Zero), false),
            ("Users", new DateTimeOffset(2026, 1, 12, 9, 38, 0, TimeSpan.Zero), true),
            ("Windows", new DateTimeOffset(2026, 1, 12, 10, 2, 0, TimeSpan.Zero), false),
        })
        {
            // Their folders first: making one changes its parent's time.
            foreach (var inner in SeededFolders) if (inner.StartsWith(folder + "\\", StringComparison.Ordinal)) CreateDirectory(@"C:\" + inner);
            CreateDirectory(@"C:\" + folder);
            var node = _root.Children![folder];
            node.Created = node.Written = written;
            node.ReadOnly = readOnly;
        }

        // The hosts file every Windows has (provisioning scripts read it and add lines to it): Windows' own 824 bytes.
        // Its time is the release build's (UNVERIFIED, as PerfLogs'); it is made before System32's time is set below.
        CreateDirectory(@"C:\Windows\System32\drivers\etc");
        Write(@"C:\Windows\System32\drivers\etc\hosts", Encoding.ASCII.GetBytes(HostsFile), FileWriteMode.Create);
        foreach (var path in new[] { @"C:\Windows\System32\drivers\etc\hosts", @"C:\Windows\System32\drivers\etc", @"C:\Windows\System32\drivers" })
        {
            var seeded = Find(path)!;
            seeded.Created = seeded.Written = new DateTimeOffset(2018, 9, 15, 7, 31, 0, TimeSpan.Zero);
        }

        // Windows' 16-bit compatibility files, the classic ones scripts and tests read (win.ini's 92 bytes, system.ini's
        // 219, as every Windows since 8 has them); writing them leaves the Windows folder's own time as it was.
        var windows = _root.Children!["Windows"];
        var (windowsCreated, windowsWritten) = (windows.Created, windows.Written);
        Write(@"C:\Windows\win.ini", Encoding.ASCII.GetBytes(WinIni), FileWriteMode.Create);
        Write(@"C:\Windows\system.ini", Encoding.ASCII.GetBytes(SystemIni), FileWriteMode.Create);
        foreach (var ini in new[] { "win.ini", "system.ini" })
        {
            var seeded = windows.Children![ini];
            seeded.Created = seeded.Written = ProgramImageTime;
        }

        (windows.Created, windows.Written) = (windowsCreated, windowsWritten);

        // System32's programs (those a script runs: cmd, ipconfig, ping...) and its core files, their sizes without their bytes.
        foreach (var (path, length) in WindowsCommands.ProgramImages.Concat(WindowsCommands.SystemImages).Concat(WindowsCommands.WindowsFolderImages))
        {
            CreateDirectory(ParentOf(path)!);
            var parent = Find(ParentOf(path)!)!;
            parent.Children![NameOf(path)] = new Node(NameOf(path), isDirectory: false, ProgramImageTime) { Parent = parent, Length = length, Image = true };
        }

        foreach (var folder in new[] { @"C:\Windows\System32\WindowsPowerShell\v1.0", @"C:\Windows\System32\WindowsPowerShell", @"C:\Windows\System32\wbem" })
        {
            var seeded = Find(folder)!;
            seeded.Created = seeded.Written = ProgramImageTime;
        }

        Write(@"C:\setup.log", Encoding.ASCII.GetBytes(SetupLog()), FileWriteMode.Create);
        var log = _root.Children!["setup.log"];
        log.Created = log.Written = new DateTimeOffset(2026, 1, 12, 9, 40, 0, TimeSpan.Zero);
        // ProgramData is hidden on Windows: Get-ChildItem C:\ lists it only with -Force.
        _root.Children["ProgramData"].Hidden = true;
        MarkInstalled(_root);
    }

    /// <summary>Puts a program Windows installs (a feature's) on the disk, its size without its bytes, protected as System32's are.</summary>
    public void AddProgramImage(string fullPath, int length)
    {
        lock (_gate)
        {
            if (Find(fullPath) is not null || CreateDirectory(ParentOf(fullPath)!) is not (FileSystemFailure.None or FileSystemFailure.AlreadyExists)) return;
            var parent = Find(ParentOf(fullPath)!)!;
            parent.Children![NameOf(fullPath)] = new Node(NameOf(fullPath), isDirectory: false, _time.GetUtcNow()) { Parent = parent, Length = length, Image = true, Installed = true };
        }
    }

    private static void MarkInstalled(Node node)
    {
        node.Installed = true;
        if (node.Children is { } children) foreach (var child in children.Values) MarkInstalled(child);
    }

    // When Windows Server 2019's release wrote its programs (UNVERIFIED, as PerfLogs' time).
    private static readonly DateTimeOffset ProgramImageTime = new(2018, 9, 15, 7, 28, 0, TimeSpan.Zero);

    /// <summary>The bytes the files may hold together: past it a write fails as a full disk does.</summary>
    public long Capacity { get; }

    /// <summary>The C: volume's size as Windows reports it (dir, Get-PSDrive, Get-Volume, Win32_LogicalDisk).</summary>
    public long Size { get; }

    private readonly long _freeAtStart;

    /// <summary>
    /// The free bytes Windows reports: what was free before any file was written, less what the files hold now (so
    /// free space falls as scripts write); 0 at the least.
    /// </summary>
    public long FreeBytes => Math.Max(0, _freeAtStart - UsedBytes);

    /// <summary>The bytes the files hold now.</summary>
    public long UsedBytes { get; private set; }

    private const string WinIni = "; for 16-bit app support\r\n[fonts]\r\n[extensions]\r\n[mci extensions]\r\n[files]\r\n[Mail]\r\nMAPI=1\r\n";

    private const string SystemIni =
        "; for 16-bit app support\r\n[386Enh]\r\nwoafont=dosapp.fon\r\nEGA80WOA.FON=EGA80WOA.FON\r\nEGA40WOA.FON=EGA40WOA.FON\r\n" +
        "CGA80WOA.FON=CGA80WOA.FON\r\nCGA40WOA.FON=CGA40WOA.FON\r\n\r\n[drivers]\r\nwave=mmdrv.dll\r\ntimer=timer.drv\r\n\r\n[mci]\r\n";

    private const string HostsFile =
        "# Copyright (c) 1993-2009 Microsoft Corp.\r\n#\r\n# This is a sample HOSTS file used by Microsoft TCP/IP for Windows.\r\n#\r\n" +
        "# This file contains the mappings of IP addresses to host names. Each\r\n# entry should be kept on an individual line. The IP address should\r\n" +
        "# be placed in the first column followed by the corresponding host name.\r\n# The IP address and the host name should be separated by at least one\r\n" +
        "# space.\r\n#\r\n# Additionally, comments (such as these) may be inserted on individual\r\n# lines or following the machine name denoted by a '#' symbol.\r\n" +
        "#\r\n# For example:\r\n#\r\n#      102.54.94.97     rhino.acme.com          # source server\r\n#       38.25.63.10     x.acme.com              # x client host\r\n" +
        "\r\n# localhost name resolution is handled within DNS itself.\r\n#\t127.0.0.1       localhost\r\n#\t::1             localhost\r\n";

    // 2048 bytes of a setup log, the size the default scenario's listing gives C:\setup.log.
    private static string SetupLog()
    {
        var text = new StringBuilder();
        for (var line = 1; text.Length < 2048; line++) text.Append(CultureInfoInvariant($"[2026-01-12 09:40:{line % 60:00}] setup: step {line} completed\r\n"));
        return text.ToString(0, 2048);

        static string CultureInfoInvariant(FormattableString s) => s.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The user's profile (<c>C:\Users\name</c> with Desktop, Documents, AppData\Local\Temp...), made at the user's first session.</summary>
    public void EnsureProfile(string profile)
    {
        lock (_gate)
        {
            if (!_profiles.Add(profile)) return;
        }

        // Made as at the user's first logon: C:\Users keeps its time.
        var users = Get(@"C:\Users")?.LastWriteTime;
        foreach (var folder in ProfileFolders) CreateDirectory(profile + "\\" + folder);
        lock (_gate)
        {
            if (users is { } time && Find(@"C:\Users") is { } node) node.Written = time;
        }
    }

    /// <summary>
    /// The full path Windows makes of <paramref name="path"/> (<c>[IO.Path]::GetFullPath</c>): relative to
    /// <paramref name="currentDirectory"/>, <c>.</c> and <c>..</c> resolved, <c>/</c> as <c>\</c>, a provider prefix
    /// (<c>Microsoft.PowerShell.Core\FileSystem::</c>) removed. Null with the failure for a path that cannot be one.
    /// </summary>
    public static string? FullPath(string path, string currentDirectory, out FileSystemFailure failure)
    {
        failure = FileSystemFailure.None;
        var separator = path.IndexOf("::", StringComparison.Ordinal);
        if (separator > 0 && path[..separator] is var provider &&
            (provider.Equals("FileSystem", StringComparison.OrdinalIgnoreCase) || provider.Equals(@"Microsoft.PowerShell.Core\FileSystem", StringComparison.OrdinalIgnoreCase)))
        {
            path = path[(separator + 2)..];
        }

        path = path.Replace('/', '\\');
        if (path.Length == 0 || path.StartsWith(@"\\", StringComparison.Ordinal) || path.AsSpan().IndexOfAny("<>|\"*?") >= 0 || path.Any(char.IsControl))
        {
            failure = FileSystemFailure.InvalidPath;
            return null;
        }

        string rest;
        if (path.Length >= 2 && path[1] == ':')
        {
            if (!char.IsAsciiLetter(path[0]) || path.IndexOf(':', 2) >= 0)
            {
                failure = FileSystemFailure.InvalidPath;
                return null;
            }

            if (char.ToUpperInvariant(path[0]) != 'C')
            {
                failure = FileSystemFailure.DriveNotFound;
                return null;
            }

            // C:x is relative to the drive's current directory (the current one, on the only drive).
            rest = path.Length > 2 && path[2] == '\\' ? path[3..] : currentDirectory[3..] + "\\" + path[2..];
        }
        else if (path.Contains(':', StringComparison.Ordinal))
        {
            failure = FileSystemFailure.InvalidPath;
            return null;
        }
        else
        {
            rest = path[0] == '\\' ? path[1..] : currentDirectory[3..] + "\\" + path;
        }

        var parts = new List<string>();
        foreach (var segment in rest.Split('\\'))
        {
            // Windows drops a name's trailing dots and spaces ("a." is "a"); "." stays put and ".." goes up.
            if (segment.Length == 0 || segment == ".") continue;
            if (segment == "..")
            {
                if (parts.Count > 0) parts.RemoveAt(parts.Count - 1);
                continue;
            }

            var trimmed = segment.TrimEnd('.', ' ');
            if (trimmed.Length > 0) parts.Add(trimmed);
        }

        return @"C:\" + string.Join('\\', parts);
    }

    /// <summary>Whether a path has PowerShell's wildcards (<c>*</c>, <c>?</c>, <c>[...]</c>).</summary>
    public static bool HasWildcard(string path) => path.AsSpan().IndexOfAny("*?[") >= 0;

    /// <summary>
    /// <see cref="FullPath"/> of a path whose names may hold wildcards (<c>*</c>, <c>?</c>, which a path refuses): the
    /// full path with the wildcards in place.
    /// </summary>
    public static string? FullPattern(string path, string currentDirectory, out FileSystemFailure failure) =>
        FullPath(path.Replace('*', '\uE001').Replace('?', '\uE002'), currentDirectory, out failure)?.Replace('\uE001', '*').Replace('\uE002', '?');

    /// <summary>
    /// A wildcard pattern as PowerShell's WildcardPattern reads it, without case: <c>*</c>, <c>?</c>, <c>[a-z]</c>, and
    /// <c>`</c> escaping the next character.
    /// </summary>
    public static System.Text.RegularExpressions.Regex Wildcard(string pattern) => new(ScriptExpressions.WildcardRegexText(pattern),
        // Linear time whatever the stars (PowerShell's matcher does not backtrack either): '*a*a*a*b' against an event's
        // 32 KB message cannot time out.
        System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.Singleline |
        System.Text.RegularExpressions.RegexOptions.NonBacktracking);

    /// <summary>
    /// cmd.exe's wildcards over a name (a program's, dir's, copy's): <c>*</c> and <c>?</c> only; every other character,
    /// <c>[</c> included, is itself (PowerShell's <see cref="Wildcard"/> reads <c>[a-z]</c> as a set).
    /// </summary>
    public static System.Text.RegularExpressions.Regex CmdWildcard(string pattern) => new(
        "^" + string.Concat(pattern.Select(c => c switch { '*' => ".*", '?' => ".", _ => System.Text.RegularExpressions.Regex.Escape(c.ToString()) })) + "$",
        // Linear time whatever the stars: no timeout to meet.
        System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.Singleline |
        System.Text.RegularExpressions.RegexOptions.NonBacktracking);

    /// <summary>The directory a full path is in; null for a root.</summary>
    public static string? ParentOf(string fullPath)
    {
        if (fullPath.Length <= 3) return null;
        var last = fullPath.LastIndexOf('\\');
        return last <= 2 ? fullPath[..3] : fullPath[..last];
    }

    /// <summary>The last name of a full path (<c>C:\</c> for the root).</summary>
    public static string NameOf(string fullPath) => fullPath.Length <= 3 ? fullPath : fullPath[(fullPath.LastIndexOf('\\') + 1)..];

    // The node at a full path (C:\a\b); null when something on the way is missing or a file.
    private Node? Find(string fullPath)
    {
        var node = _root;
        if (fullPath.Length <= 3) return node;
        foreach (var name in fullPath[3..].Split('\\'))
        {
            if (node.Children is null || !node.Children.TryGetValue(name, out var child)) return null;
            node = child;
        }

        return node;
    }

    private static string PathOf(Node node)
    {
        if (node.Parent is null) return @"C:\";
        var names = new Stack<string>();
        for (var n = node; n.Parent is not null; n = n.Parent) names.Push(n.Name);
        return @"C:\" + string.Join('\\', names);
    }

    private static FileSystemItem ItemOf(Node node) =>
        new(PathOf(node), node.Parent is null ? @"C:\" : node.Name, node.IsDirectory, node.IsDirectory ? 0 : node.Length, node.Created, node.Written, node.ReadOnly) { IsHidden = node.Hidden };

    /// <summary>
    /// A folder and every folder below it, depth first in name order (cmd's for /r, dir /s, a zip of a folder): the
    /// top one first, hidden ones only with <paramref name="includeHidden"/>, at most <paramref name="maxFolders"/>;
    /// nothing when <paramref name="top"/> is not a folder.
    /// </summary>
    public IEnumerable<string> FolderTree(string? top, bool includeHidden = false, int maxFolders = 10_000)
    {
        if (top is null || Get(top) is not { IsDirectory: true }) yield break;
        var pending = new Stack<string>();
        pending.Push(top);
        var visited = 0;
        while (pending.Count > 0 && visited++ < maxFolders)
        {
            var current = pending.Pop();
            yield return current;
            foreach (var sub in (List(current, includeHidden) ?? []).Where(f => f.IsDirectory).Reverse()) pending.Push(sub.FullName);
        }
    }

    /// <summary>The item at a full path; null when there is none.</summary>
    public FileSystemItem? Get(string fullPath)
    {
        lock (_gate)
        {
            return Find(fullPath) is { } node ? ItemOf(node) : null;
        }
    }

    /// <summary>A directory's children sorted by name (as NTFS lists them), hidden ones only with <paramref name="includeHidden"/>; null when the path is not a directory.</summary>
    public IReadOnlyList<FileSystemItem>? List(string fullPath, bool includeHidden = false)
    {
        lock (_gate)
        {
            return Find(fullPath) is { Children: { } children }
                ? [.. children.Values.Where(n => includeHidden || !n.Hidden).OrderBy(n => n.Name, StringComparer.OrdinalIgnoreCase).Select(ItemOf)]
                : null;
        }
    }

    /// <summary>A file's bytes (a copy).</summary>
    public FileSystemFailure Read(string fullPath, out byte[] content)
    {
        content = [];
        lock (_gate)
        {
            switch (Find(fullPath))
            {
                case null:
                    return Find(ParentOf(fullPath) ?? fullPath) is { IsDirectory: true } ? FileSystemFailure.NotFound : FileSystemFailure.ParentNotFound;
                case { IsDirectory: true }:
                    return FileSystemFailure.IsDirectory;
                case { Image: true }:
                    return FileSystemFailure.ContentNotHeld;
                case var file:
                    content = file.Content.AsSpan(0, file.Length).ToArray();
                    return FileSystemFailure.None;
            }
        }
    }

    /// <summary>
    /// Writes a file: <see cref="FileWriteMode.Create"/> replaces it (making it when missing), <see cref="FileWriteMode.Append"/>
    /// adds to its end, <see cref="FileWriteMode.CreateNew"/> fails when it exists, <see cref="FileWriteMode.Overwrite"/> writes
    /// at <paramref name="position"/> keeping what lies beyond (a FileStream of OpenWrite). Its directory must exist.
    /// </summary>
    public FileSystemFailure Write(string fullPath, ReadOnlySpan<byte> data, FileWriteMode mode, long position = 0)
    {
        if (fullPath.Length <= 3) return FileSystemFailure.Root;
        lock (_gate)
        {
            if (Find(ParentOf(fullPath)!) is not { IsDirectory: true } parent) return FileSystemFailure.ParentNotFound;
            var name = NameOf(fullPath);
            parent.Children!.TryGetValue(name, out var file);
            if (file is { IsDirectory: true }) return FileSystemFailure.IsDirectory;
            // A program image, or a read-only file (Windows opens neither for writing: UnauthorizedAccessException).
            if (file is { Image: true } or { ReadOnly: true }) return file.Image || mode != FileWriteMode.CreateNew ? FileSystemFailure.AccessDenied : FileSystemFailure.AlreadyExists;
            if (file is not null && mode == FileWriteMode.CreateNew) return FileSystemFailure.AlreadyExists;
            var start = file is null ? 0 : mode switch
            {
                FileWriteMode.Append => file.Length,
                FileWriteMode.Overwrite => (int)Math.Min(position, file.Length),
                _ => 0,
            };
            var oldLength = file?.Length ?? 0;
            var newLength = mode is FileWriteMode.Append or FileWriteMode.Overwrite ? Math.Max(oldLength, (long)start + data.Length) : data.Length;
            if (newLength > int.MaxValue || UsedBytes - oldLength + newLength > Capacity) return FileSystemFailure.DiskFull;
            var now = _time.GetUtcNow();
            if (file is null)
            {
                file = new Node(name, isDirectory: false, now) { Parent = parent };
                parent.Children[name] = file;
                parent.Written = now;
            }

            if (file.Content.Length < newLength)
            {
                // Appends grow the array by doubling (winrmcp appends thousands of chunks).
                var grown = new byte[Math.Max(newLength, Math.Min((long)file.Content.Length * 2, int.MaxValue))];
                file.Content.AsSpan(0, file.Length).CopyTo(grown);
                file.Content = grown;
            }

            data.CopyTo(file.Content.AsSpan(start));
            UsedBytes += newLength - oldLength;
            file.Length = (int)newLength;
            file.Written = now;
            return FileSystemFailure.None;
        }
    }

    /// <summary>Makes a directory and the missing ones above it; <see cref="FileSystemFailure.AlreadyExists"/> when it exists, <see cref="FileSystemFailure.IsFile"/> when a file is in the way.</summary>
    public FileSystemFailure CreateDirectory(string fullPath)
    {
        lock (_gate)
        {
            var node = _root;
            if (fullPath.Length <= 3) return FileSystemFailure.AlreadyExists;
            var made = false;
            foreach (var name in fullPath[3..].Split('\\'))
            {
                if (!node.IsDirectory) return FileSystemFailure.IsFile;
                if (!node.Children!.TryGetValue(name, out var child))
                {
                    var now = _time.GetUtcNow();
                    child = new Node(name, isDirectory: true, now) { Parent = node };
                    node.Children[name] = child;
                    node.Written = now;
                    made = true;
                }

                node = child;
            }

            return !node.IsDirectory ? FileSystemFailure.IsFile : made ? FileSystemFailure.None : FileSystemFailure.AlreadyExists;
        }
    }

    /// <summary>
    /// Removes a file, or a directory (with what it holds when <paramref name="recurse"/>). A read-only file is
    /// refused (Windows' DeleteFile: access denied) unless <paramref name="force"/>, which clears the attribute first
    /// (Remove-Item -Force, del /F, robocopy).
    /// </summary>
    public FileSystemFailure Delete(string fullPath, bool recurse, bool force = false)
    {
        lock (_gate)
        {
            if (Find(fullPath) is not { } node) return FileSystemFailure.NotFound;
            if (node.Parent is null) return FileSystemFailure.Root;
            if (node.Children is { Count: > 0 } && !recurse) return FileSystemFailure.DirectoryNotEmpty;
            if (HoldsImage(node) || !force && node is { IsDirectory: false, ReadOnly: true }) return FileSystemFailure.AccessDenied;
            Detach(node);
            return FileSystemFailure.None;
        }
    }

    // Whether the node is, or holds, a program image (Windows refuses to remove or move those).
    private static bool HoldsImage(Node node) => node.Image || node.Children is { } children && children.Values.Any(HoldsImage);

    private void Detach(Node node)
    {
        UsedBytes -= Size(node);
        node.Parent!.Children!.Remove(node.Name);
        node.Parent.Written = _time.GetUtcNow();
        node.Parent = null;

        static long Size(Node n) => n.Children is { } children ? children.Values.Sum(Size) : n.Image ? 0 : n.Length;
    }

    /// <summary>
    /// Moves (renames) an item to a new full path whose directory exists; <see cref="FileSystemFailure.AlreadyExists"/>
    /// when something is there (unless <paramref name="overwrite"/> and both are files).
    /// </summary>
    public FileSystemFailure Move(string fromPath, string toPath, bool overwrite)
    {
        lock (_gate)
        {
            if (Find(fromPath) is not { } node) return FileSystemFailure.NotFound;
            if (node.Parent is null || toPath.Length <= 3) return FileSystemFailure.Root;
            if (HoldsImage(node)) return FileSystemFailure.AccessDenied;
            if (Find(ParentOf(toPath)!) is not { IsDirectory: true } parent) return FileSystemFailure.ParentNotFound;
            // A directory cannot go into itself.
            for (var p = parent; p is not null; p = p.Parent) if (ReferenceEquals(p, node)) return FileSystemFailure.InvalidPath;
            var name = NameOf(toPath);
            if (parent.Children!.TryGetValue(name, out var existing) && !ReferenceEquals(existing, node))
            {
                if (!overwrite || existing.IsDirectory || node.IsDirectory) return FileSystemFailure.AlreadyExists;
                if (existing.Image) return FileSystemFailure.AccessDenied;
                Detach(existing);
            }

            node.Parent!.Children!.Remove(node.Name);
            node.Parent.Written = _time.GetUtcNow();
            node.Name = name;
            node.Parent = parent;
            parent.Children[name] = node;
            return FileSystemFailure.None;
        }
    }

    /// <summary>
    /// Sets an item's read-only and hidden attributes (null leaves one as it is), as attrib and Set-ItemProperty do.
    /// Windows' own folders and program images keep theirs (TrustedInstaller's): <see cref="FileSystemFailure.AccessDenied"/>.
    /// </summary>
    public FileSystemFailure SetAttributes(string fullPath, bool? readOnly, bool? hidden)
    {
        lock (_gate)
        {
            if (Find(fullPath) is not { } node) return FileSystemFailure.NotFound;
            if (node.Parent is null) return FileSystemFailure.Root;
            if (HoldsImage(node) && !node.IsDirectory) return FileSystemFailure.AccessDenied;
            if (readOnly is { } r) node.ReadOnly = r;
            if (hidden is { } h) node.Hidden = h;
            return FileSystemFailure.None;
        }
    }

    /// <summary>
    /// An item's own security (null when it has none of its own: it inherits and has its creator's owner), whether it
    /// is a folder, and whether Windows made it; null when nothing is at the path.
    /// </summary>
    public (FileSecurityDescriptor? Own, bool IsDirectory, bool Installed)? SecurityOf(string fullPath)
    {
        lock (_gate)
        {
            return Find(fullPath) is { } node ? (node.Security, node.IsDirectory, node.Installed) : null;
        }
    }

    /// <summary>Sets an item's own security (Set-Acl, icacls); a program image of Windows keeps TrustedInstaller's: <see cref="FileSystemFailure.AccessDenied"/>.</summary>
    public FileSystemFailure SetSecurity(string fullPath, FileSecurityDescriptor security)
    {
        lock (_gate)
        {
            if (Find(fullPath) is not { } node) return FileSystemFailure.NotFound;
            if (node.Image) return FileSystemFailure.AccessDenied;
            node.Security = security;
            return FileSystemFailure.None;
        }
    }

    /// <summary>Sets an item's last write or creation time (null leaves one as it is).</summary>
    public FileSystemFailure SetTimes(string fullPath, DateTimeOffset? created, DateTimeOffset? written)
    {
        lock (_gate)
        {
            if (Find(fullPath) is not { } node) return FileSystemFailure.NotFound;
            if (node.Parent is null) return FileSystemFailure.Root;
            if (node.Image) return FileSystemFailure.AccessDenied;
            if (created is { } c) node.Created = c;
            if (written is { } w) node.Written = w;
            return FileSystemFailure.None;
        }
    }

    /// <summary>
    /// Copies a file to a new full path (replacing a file there when <paramref name="overwrite"/>). The copy keeps the
    /// source's last write time, as Windows' CopyFile does (Copy-Item, [IO.File]::Copy, copy, xcopy and robocopy use
    /// it; robocopy compares the time on its next run); its creation time is the copy's.
    /// </summary>
    public FileSystemFailure CopyFile(string fromPath, string toPath, bool overwrite)
    {
        var failure = Read(fromPath, out var content);
        if (failure != FileSystemFailure.None) return failure;
        failure = Write(toPath, content, overwrite ? FileWriteMode.Create : FileWriteMode.CreateNew);
        if (failure != FileSystemFailure.None) return failure;
        lock (_gate)
        {
            if (Find(fromPath) is { } from && Find(toPath) is { } to) to.Written = from.Written;
        }

        return failure;
    }
}

/// <summary>How <see cref="VirtualFileSystem.Write"/> treats a file that exists.</summary>
public enum FileWriteMode
{
    Create,
    CreateNew,
    Append,
    Overwrite,
}
