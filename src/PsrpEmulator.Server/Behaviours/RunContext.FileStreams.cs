using System.Runtime.CompilerServices;
using System.Text;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// .NET's file API on the computer's disk, as scripts call it (winrmcp's restore script, pypsrp-style uploads):
/// <c>[System.IO.File]</c> (Exists, ReadAll*, WriteAll*, AppendAllText, Delete, Copy, Move, OpenText, OpenWrite,
/// OpenRead, Create, CreateText, AppendText), <c>[System.IO.Directory]</c> (Exists, CreateDirectory, Delete, GetFiles,
/// GetDirectories), <c>[System.IO.Path]</c>'s GetFullPath, GetTempPath and GetTempFileName, and the StreamReader,
/// StreamWriter and FileStream they return. Failures are .NET Framework's exceptions as PowerShell wraps them
/// (MethodInvocationException). A relative path is relative to the process's directory, which PowerShell never moves
/// with its location: wsmprovhost.exe's, C:\Windows\system32 (inferred: the WinRM service starts it there; UNVERIFIED).
/// </summary>
internal sealed partial class RunContext
{
    internal const string FileTypeName = "System.IO.File", DirectoryTypeName = "System.IO.Directory";

    /// <summary>
    /// <c>$xml.Save(path)</c>: the document's bytes written on the computer's disk, a relative path against the
    /// process's directory as .NET resolves it (not the session's location: the well-known surprise); a failure is
    /// .NET's exception through PowerShell's "Exception calling".
    /// </summary>
    private PsValue SaveXmlDocument(System.Xml.XmlDocument document, IReadOnlyList<PsValue> arguments)
    {
        const string member = "Save";
        var disk = Disk("XmlDocument.Save");
        var text = PipelineVariables.Display(arguments[0]);
        if (text.Length == 0) throw DotNetFailure(member, 1, "The path is not of a legal form.", typeof(ArgumentException));
        var path = VirtualFileSystem.FullPath(text, ProcessDirectory, out var failure) ?? throw PathFailureOf(member, 1, failure, text);
        var written = disk.Write(path, XmlNodes.SavedBytes(document), FileWriteMode.Create);
        return written == FileSystemFailure.None ? PsNil.Instance : throw FailureOf(member, 1, written, path);
    }

    /// <summary>
    /// <c>$xml.Load(path)</c>'s text: the file on the computer's disk (a relative path against the process's directory),
    /// decoded as XmlDocument.Load reads a stream (a byte order mark, else UTF-8); a failure is .NET's exception.
    /// </summary>
    private string ReadXmlFile(PsValue argument)
    {
        const string member = "Load";
        var disk = Disk("XmlDocument.Load");
        var text = PipelineVariables.Display(argument);
        if (text.Length == 0) throw DotNetFailure(member, 1, "The path is not of a legal form.", typeof(ArgumentException));
        var path = VirtualFileSystem.FullPath(text, ProcessDirectory, out var failure) ?? throw PathFailureOf(member, 1, failure, text);
        var read = disk.Read(path, out var bytes);
        if (read != FileSystemFailure.None) throw FailureOf(member, 1, read, path);
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>.NET's current directory in a remote session's process (<c>[Environment]::CurrentDirectory</c>).</summary>
    private const string ProcessDirectory = @"C:\Windows\system32";

    internal const string StreamReaderTypeName = "System.IO.StreamReader", StreamWriterTypeName = "System.IO.StreamWriter";
    private static readonly string[] StreamReaderTypeNames = ["System.IO.StreamReader", "System.IO.TextReader", "System.MarshalByRefObject", "System.Object"];
    private static readonly string[] StreamWriterTypeNames = ["System.IO.StreamWriter", "System.IO.TextWriter", "System.MarshalByRefObject", "System.Object"];
    private static readonly string[] FileStreamTypeNames = ["System.IO.FileStream", "System.IO.Stream", "System.MarshalByRefObject", "System.Object"];

    /// <summary>An open file: where it is, what a reader read of it, where the next read or write goes.</summary>
    private sealed class FileHandle(VirtualFileSystem disk, string path, Encoding? encoding)
    {
        public VirtualFileSystem Disk => disk;
        public string Path => path;
        public Encoding? Encoding => encoding;
        public string? Text;      // a StreamReader's text (read at open)
        public byte[]? Bytes;     // a reading FileStream's bytes (read at open)
        public long Position;
        public bool CanRead;
        public bool CanWrite;
        public bool Closed;
    }

    // The handles of the objects the session holds (an object dropped is forgotten with it).
    private static readonly ConditionalWeakTable<PsObject, FileHandle> Handles = [];

    // .NET's own names, for the texts of its exceptions.
    private static string DotNetName(string member) => member.ToUpperInvariant() switch
    {
        "EXISTS" => "Exists", "READALLTEXT" => "ReadAllText", "READALLLINES" => "ReadAllLines", "READLINES" => "ReadLines", "READALLBYTES" => "ReadAllBytes",
        "WRITEALLTEXT" => "WriteAllText", "WRITEALLLINES" => "WriteAllLines", "WRITEALLBYTES" => "WriteAllBytes", "APPENDALLTEXT" => "AppendAllText",
        "DELETE" => "Delete", "COPY" => "Copy", "MOVE" => "Move", "OPENTEXT" => "OpenText", "OPENWRITE" => "OpenWrite", "OPENREAD" => "OpenRead",
        "CREATE" => "Create", "CREATETEXT" => "CreateText", "APPENDTEXT" => "AppendText", "CREATEDIRECTORY" => "CreateDirectory",
        "GETFILES" => "GetFiles", "GETDIRECTORIES" => "GetDirectories", "GETFULLPATH" => "GetFullPath", "GETTEMPFILENAME" => "GetTempFileName",
        "READLINE" => "ReadLine", "READTOEND" => "ReadToEnd", "WRITE" => "Write", "WRITELINE" => "WriteLine", "READ" => "Read", "WRITEBYTE" => "WriteByte",
        "SEEK" => "Seek", "OPEN" => "Open",
        _ => member,
    };

    private static ScriptExpressionException DotNetFailure(string member, int count, string message, Type exception) =>
        new(ScriptedError.MethodInvocation(DotNetName(member), count, message, exception));

    /// <summary>
    /// A path the disk cannot hold, as .NET Framework's file methods fail on it: a UNC path of another computer's share
    /// is "Access to the path '...' is denied." where the double hop reaches a share that refuses it, else "The network
    /// path was not found." (ERROR_BAD_NETPATH's IOException); anything else as <see cref="FailureOf"/> says.
    /// </summary>
    private ScriptExpressionException PathFailureOf(string member, int count, FileSystemFailure failure, string text) =>
        failure == FileSystemFailure.InvalidPath && UncShareReachable(text, literal: true) is { } reachable
            ? reachable
                ? DotNetFailure(member, count, $"Access to the path '{text}' is denied.", typeof(UnauthorizedAccessException))
                : DotNetFailure(member, count, "The network path was not found.\r\n", typeof(IOException))
            : FailureOf(member, count, failure, text);

    /// <summary>
    /// Path.GetFullPath of a UNC path (<c>\\server\share\...</c>): backslashes, "." and ".." resolved below the share, as
    /// .NET Framework keeps a UNC path's root; null for another path (or a server or share name .NET refuses).
    /// </summary>
    private static string? UncFullPath(string text)
    {
        var parts = text.Replace('/', '\\').Split('\\');
        if (parts.Length < 4 || parts[0].Length != 0 || parts[1].Length != 0 || parts[2].Length == 0 || parts[3].Length == 0 ||
            text.AsSpan().IndexOfAny("<>|\"*?") >= 0 || text.Any(char.IsControl))
        {
            return null;
        }

        var kept = new List<string> { parts[2], parts[3] };
        foreach (var part in parts.Skip(4))
        {
            if (part is "." or "") continue;
            if (part == "..")
            {
                if (kept.Count > 2) kept.RemoveAt(kept.Count - 1);
                continue;
            }

            kept.Add(part);
        }

        return @"\\" + string.Join('\\', kept) + (text.EndsWith('\\') || text.EndsWith('/') ? "\\" : string.Empty);
    }

    private static ScriptExpressionException FailureOf(string member, int count, FileSystemFailure failure, string path) => failure switch
    {
        FileSystemFailure.NotFound => DotNetFailure(member, count, $"Could not find file '{path}'.", typeof(FileNotFoundException)),
        FileSystemFailure.ParentNotFound => DotNetFailure(member, count, $"Could not find a part of the path '{path}'.", typeof(DirectoryNotFoundException)),
        FileSystemFailure.IsDirectory or FileSystemFailure.Root or FileSystemFailure.AccessDenied => DotNetFailure(member, count, $"Access to the path '{path}' is denied.", typeof(UnauthorizedAccessException)),
        FileSystemFailure.ContentNotHeld => new ScriptExpressionException(ProgramContentNotEmulated(DotNetName(member), path)),
        FileSystemFailure.AlreadyExists => DotNetFailure(member, count, $"The file '{path}' already exists.", typeof(IOException)),
        FileSystemFailure.DiskFull => DotNetFailure(member, count, "There is not enough space on the disk.\r\n", typeof(IOException)),
        FileSystemFailure.DirectoryNotEmpty => DotNetFailure(member, count, "The directory is not empty.\r\n", typeof(IOException)),
        FileSystemFailure.DriveNotFound => DotNetFailure(member, count, $"Could not find a part of the path '{path}'.", typeof(DirectoryNotFoundException)),
        FileSystemFailure.IsFile => DotNetFailure(member, count, $"Cannot create \"{path}\" because a file or directory with the same name already exists.", typeof(IOException)),
        _ => DotNetFailure(member, count, "Illegal characters in path.", typeof(ArgumentException)),
    };

    /// <summary>A static member of File, Directory or Path this class answers with the disk; null for another.</summary>
    internal const string FileInfoTypeName = "System.IO.FileInfo", PathIntrinsicsTypeName = "System.Management.Automation.PathIntrinsics";

    /// <summary>
    /// <c>New-Object System.IO.FileInfo path</c>, <c>[IO.FileInfo]::new(path)</c> and <c>[IO.FileInfo]'path'</c> (and the
    /// same of DirectoryInfo, <paramref name="directory"/>): the item as Get-Item shows it (its text the path as given,
    /// as .NET's ToString is), or for a path with nothing of that kind there one whose Exists is false. A relative path
    /// is the process's (C:\Windows\system32), as .NET's.
    /// </summary>
    private PsObject NewFileSystemInfo(PsValue pathValue, bool directory, string errorId = "ConstructorInvokedThrowException,Microsoft.PowerShell.Commands.NewObjectCommand")
    {
        var given = PipelineVariables.Display(pathValue);
        if (given.Length == 0)
        {
            throw new ScriptExpressionException(new ScriptedError("Exception calling \".ctor\" with \"1\" argument(s): \"The path is not of a legal form.\"",
                errorId, ErrorCategory.InvalidOperation, "System.Management.Automation.MethodInvocationException")
            {
                InnerExceptionType = typeof(ArgumentException).FullName,
            });
        }

        var disk = Disk($"New-Object {(directory ? DirectoryInfoTypeName : FileInfoTypeName)}");
        var full = VirtualFileSystem.FullPath(given, ProcessDirectory, out _) ?? given;
        if (disk.Get(full) is { } item && item.IsDirectory == directory)
        {
            var existing = DotNetItemObject(item, nameText: false);
            existing.ToStringValue = given;
            return existing;
        }

        var name = VirtualFileSystem.NameOf(full);
        var parent = VirtualFileSystem.ParentOf(full) ?? string.Empty;
        var dot = name.LastIndexOf('.');
        var extension = dot >= 0 ? name[dot..] : string.Empty;
        if (directory)
        {
            return new PsObject(RunContext.DirectoryInfoTypeNames) { ToStringValue = given }
                .With("Name", name)
                .With("FullName", full)
                .With("Parent", parent.Length == 0 ? PsNil.Instance : DirectoryObject(parent, VirtualFileSystem.NameOf(parent)))
                .With("Exists", false)
                .With("Extension", extension)
                .With("BaseName", name);
        }

        return new PsObject(RunContext.FileInfoTypeNames) { ToStringValue = given }
            .With("Name", name)
            .With("FullName", full)
            .With("DirectoryName", parent)
            .With("Extension", extension)
            .With("BaseName", dot >= 0 ? name[..dot] : name)
            .With("Exists", false);
    }

    internal const string DirectoryInfoTypeName = "System.IO.DirectoryInfo";

    /// <summary>
    /// A FileInfo's methods (OpenRead, OpenText, Delete) on the disk, and PathIntrinsics' GetUnresolvedProviderPathFromPSPath
    /// (<c>$ExecutionContext.SessionState.Path</c>, and PSCmdlet's of the same name, <c>$PSCmdlet</c>: a path made full
    /// from the session's location, whether or not anything is there); null for another method.
    /// </summary>
    private PsValue? FileInfoOrPathMethod(PsObject value, string name, IReadOnlyList<PsValue> arguments)
    {
        if (value.TypeNames is [PathIntrinsicsTypeName or ScriptParameters.ScriptCmdletTypeName, ..])
        {
            if (!name.Equals("GetUnresolvedProviderPathFromPSPath", StringComparison.OrdinalIgnoreCase) || arguments.Count != 1) return null;
            var path = PipelineVariables.Display(arguments[0]);
            return VirtualFileSystem.FullPath(path, CurrentDirectory, out var failure) is { } full
                ? PsPrimitive.String(full)
                : throw new ScriptExpressionException(failure == FileSystemFailure.DriveNotFound
                    ? ScriptedError.MethodInvocation(name, 1, $"Cannot find drive. A drive with the name '{path.Split(':')[0]}' does not exist.", typeof(DriveNotFoundException))
                    : ScriptedError.MethodInvocation(name, 1, "Illegal characters in path.", typeof(ArgumentException)));
        }

        // FileInfo/DirectoryInfo.GetAccessControl(): the item's security, as Get-Acl reads it (serverspec's owner check
        // reads its Owner, a code property of the type table's). The sections argument is taken and not applied.
        if (name.Equals("GetAccessControl", StringComparison.OrdinalIgnoreCase) && arguments.Count <= 1 && value["FullName"] is { } secured)
        {
            var path = PipelineVariables.Display(secured);
            return FileAccessControl.View(Disk("GetAccessControl"), path, Accounts) is { } view ? AclObject(view)
                : throw DotNetFailure("GetAccessControl", arguments.Count, $"Could not find file '{path}'.", typeof(FileNotFoundException));
        }

        if (value.TypeNames is [DirectoryInfoTypeName, ..] && value["FullName"] is { } folder && DirectoryInfoListing(PipelineVariables.Display(folder), name, arguments) is { } listed) return listed;

        // A directory's other methods are not these file ones.
        if (value.TypeNames is [DirectoryInfoTypeName, ..] || value["FullName"] is not { } fullName || arguments.Count != 0) return null;
        var method = name.ToUpperInvariant() switch
        {
            "OPENREAD" => "OpenRead",
            "OPENTEXT" => "OpenText",
            "DELETE" => "Delete",
            _ => null,
        };
        if (method is null) return null;
        try
        {
            return FileSystemStaticMember(FileTypeName, method, [fullName]);
        }
        catch (ScriptExpressionException e) when (e.Error.Message.StartsWith($"Exception calling \"{method}\" with \"1\"", StringComparison.Ordinal))
        {
            // The instance method takes no argument: .NET's text counts none.
            throw new ScriptExpressionException(e.Error with { Message = $"Exception calling \"{method}\" with \"0\"" + e.Error.Message[$"Exception calling \"{method}\" with \"1\"".Length..] });
        }
    }

    /// <summary>
    /// DirectoryInfo's GetFiles, GetDirectories and GetFileSystemInfos (and their Enumerate forms): the items on the disk
    /// as .NET makes them (no provider notes, each one's text its name), a search pattern matched against the names,
    /// SearchOption AllDirectories going through the subfolders; a folder not there is .NET's DirectoryNotFoundException.
    /// Null for another method.
    /// </summary>
    private PsObject? DirectoryInfoListing(string folder, string method, IReadOnlyList<PsValue> arguments)
    {
        var kind = method.ToUpperInvariant() switch
        {
            "GETFILES" or "ENUMERATEFILES" => "FileInfo",
            "GETDIRECTORIES" or "ENUMERATEDIRECTORIES" => "DirectoryInfo",
            "GETFILESYSTEMINFOS" or "ENUMERATEFILESYSTEMINFOS" => "FileSystemInfo",
            _ => null,
        };
        if (kind is null || arguments.Count > 2) return null;
        var pattern = arguments.Count > 0 ? VirtualFileSystem.Wildcard(PipelineVariables.Display(arguments[0])) : null;
        var found = FolderItems(Disk($"DirectoryInfo.{method}"), folder, arguments.Count == 2 && IsAllDirectories(arguments[1])) ??
            throw FailureOf(method, arguments.Count, FileSystemFailure.ParentNotFound, folder);
        var items = new List<PsValue>();
        foreach (var child in found)
        {
            if ((kind == "FileInfo" && child.IsDirectory) || (kind == "DirectoryInfo" && !child.IsDirectory) || (pattern is not null && !pattern.IsMatch(child.Name))) continue;
            items.Add(DotNetItemObject(child, nameText: true));
        }

        return PsObjects.List(items, [$"System.IO.{kind}[]", "System.Array", "System.Object"]);
    }

    // A FileInfo or DirectoryInfo as .NET makes it: no provider notes, only the type table's members (Mode, VersionInfo, BaseName, ...).
    private PsObject DotNetItemObject(FileSystemItem item, bool nameText)
    {
        var o = ItemObject(item, nameText);
        o.ExtendedProperties.RemoveAll(p => p.Name.StartsWith("PS", StringComparison.Ordinal));
        return o;
    }

    // SearchOption.AllDirectories, by its name or its number.
    private static bool IsAllDirectories(PsValue option) =>
        PipelineVariables.Display(option) is var text && (text.Equals("AllDirectories", StringComparison.OrdinalIgnoreCase) || text == "1");

    // A folder's items, and with recurse its subfolders' after them (breadth first, at most 100,000); null when the
    // folder is not there.
    private static List<FileSystemItem>? FolderItems(VirtualFileSystem disk, string folder, bool recurse)
    {
        if (disk.List(folder, includeHidden: true) is not { } top) return null;
        var items = new List<FileSystemItem>(top);
        for (var i = 0; recurse && i < items.Count && items.Count < 100_000; i++)
        {
            if (items[i].IsDirectory && disk.List(items[i].FullName, includeHidden: true) is { } inner) items.AddRange(inner);
        }

        return items;
    }

    /// <summary>
    /// New-Object IO.FileStream(...): the constructor's exception (a MethodInvocationException, or the MethodException of
    /// an argument that does not convert) as New-Object reports it, ConstructorInvokedThrowException.
    /// </summary>
    private PsValue NewFileStream(IReadOnlyList<PsValue> arguments) => NewObjectConstructed(() => FileSystemStaticMember(ScriptExpressions.FileStreamTypeName, "new", arguments)!);

    /// <summary>New-Object's call of a constructor: the constructor's exception as New-Object reports it, ConstructorInvokedThrowException.</summary>
    private static PsValue NewObjectConstructed(Func<PsValue> construct)
    {
        try
        {
            return construct();
        }
        catch (ScriptExpressionException e) when (e.Error.FullyQualifiedErrorId is not "PsrpEmulator.ScenarioError")
        {
            throw new ScriptExpressionException(new ScriptedError(e.Error.Message, "ConstructorInvokedThrowException,Microsoft.PowerShell.Commands.NewObjectCommand",
                ErrorCategory.InvalidOperation, e.Error.ExceptionType) { InnerExceptionType = e.Error.InnerExceptionType });
        }
    }

    /// <summary>
    /// <c>[IO.Compression.ZipFile]::ExtractToDirectory(zip, folder)</c> and <c>CreateFromDirectory(folder, zip)</c> on the
    /// computer's disk (winrm-fs unpacks its uploads so): .NET Framework 4.5's behaviour, an entry whose file exists an
    /// IOException ("The file '...' already exists."), a zip file that exists for CreateFromDirectory likewise.
    /// </summary>
    private async ValueTask<PsValue?> ZipFileStaticMemberAsync(string member, IReadOnlyList<PsValue> arguments)
    {
        var method = member.ToUpperInvariant() switch { "EXTRACTTODIRECTORY" => "ExtractToDirectory", "CREATEFROMDIRECTORY" => "CreateFromDirectory", _ => null };
        if (method is null) return null;
        var disk = Disk($"[System.IO.Compression.ZipFile]::{method}");
        string PathOf(int i)
        {
            var text = PipelineVariables.Display(arguments[i]);
            if (text.Length == 0) throw DotNetFailure(method, 2, "The path is not of a legal form.", typeof(ArgumentException));
            return VirtualFileSystem.FullPath(text, ProcessDirectory, out var failure) ?? throw PathFailureOf(method, 2, failure, text);
        }

        if (method == "ExtractToDirectory")
        {
            var zipPath = PathOf(0);
            var folder = PathOf(1);
            if (disk.Read(zipPath, out var zip) != FileSystemFailure.None) throw DotNetFailure(method, 2, $"Could not find file '{zipPath}'.", typeof(FileNotFoundException));
            System.IO.Compression.ZipArchive archive;
            try
            {
                archive = new System.IO.Compression.ZipArchive(new MemoryStream(zip, writable: false), System.IO.Compression.ZipArchiveMode.Read);
            }
            catch (InvalidDataException)
            {
                throw DotNetFailure(method, 2, "End of Central Directory record could not be found.", typeof(InvalidDataException));
            }

            using (archive)
            {
                disk.CreateDirectory(folder);
                foreach (var entry in archive.Entries)
                {
                    var target = EntryTarget(entry, folder)
                        ?? throw DotNetFailure(method, 2, "Extracting Zip entry would have resulted in a file outside the specified destination directory.", typeof(IOException));
                    if (entry.FullName.EndsWith('/'))
                    {
                        disk.CreateDirectory(target);
                        continue;
                    }

                    if (disk.Get(target) is not null) throw DotNetFailure(method, 2, $"The file '{target}' already exists.", typeof(IOException));
                    if (VirtualFileSystem.ParentOf(target) is { } parent) disk.CreateDirectory(parent);
                    var content = await EntryWithinRoomAsync(disk, entry, target) ?? throw DotNetFailure(method, 2, "There is not enough space on the disk.\r\n", typeof(IOException));
                    var written = disk.Write(target, content, FileWriteMode.Create);
                    if (written != FileSystemFailure.None) throw FailureOf(method, 2, written, target);
                }
            }

            return PsNil.Instance;
        }

        var source = PathOf(0);
        var destination = PathOf(1);
        if (disk.Get(source) is not { IsDirectory: true }) throw DotNetFailure(method, 2, $"Could not find a part of the path '{source}'.", typeof(DirectoryNotFoundException));
        if (disk.Get(destination) is not null) throw DotNetFailure(method, 2, $"The file '{destination}' already exists.", typeof(IOException));
        using var zipped = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(zipped, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var current in disk.FolderTree(source, includeHidden: true))
            {
                foreach (var child in disk.List(current, includeHidden: true) ?? [])
                {
                    var name = child.FullName[(source.TrimEnd('\\').Length + 1)..].Replace('\\', '/');
                    if (child.IsDirectory)
                    {
                        // An empty folder is an entry of its own; the others come with their files.
                        if (disk.List(child.FullName, includeHidden: true) is { Count: 0 }) archive.CreateEntry(name + "/");
                        continue;
                    }

                    if (disk.Read(child.FullName, out var bytes) != FileSystemFailure.None) continue;
                    using var entry = archive.CreateEntry(name).Open();
                    entry.Write(bytes);
                }
            }
        }

        var failure = disk.Write(destination, zipped.ToArray(), FileWriteMode.CreateNew);
        if (failure != FileSystemFailure.None) throw FailureOf(method, 2, failure, destination);
        return PsNil.Instance;
    }

    /// <summary>
    /// <c>[System.Diagnostics.FileVersionInfo]::GetVersionInfo(path)</c>: a program of Windows' (System32's, by its image on
    /// the disk) has Windows Server 2019's version resource (10.0.17763.1, a core file the cumulative update replaced
    /// 10.0.17763.4974; Microsoft's names; its FileDescription is not
    /// emulated: null); any other file has none (its versions null, their parts 0), as .NET reads a file without one; a
    /// file that is not there is .NET's FileNotFoundException, whose message is the path.
    /// </summary>
    private PsObject FileVersionInfo(string pathText)
    {
        var disk = Disk("[System.Diagnostics.FileVersionInfo]::GetVersionInfo");
        var path = pathText.Length == 0 ? null : VirtualFileSystem.FullPath(pathText, ProcessDirectory, out _);
        if (path is null || disk.Get(path) is not { IsDirectory: false } file)
        {
            throw DotNetFailure("GetVersionInfo", 1, path ?? pathText, typeof(System.IO.FileNotFoundException));
        }

        return FileVersionInfoOfFile(path, file.Name);
    }

    /// <summary>The FileVersionInfo of a file that is there (a FileInfo's VersionInfo): a Windows program's version resource, else none.</summary>
    internal static PsObject FileVersionInfoOfFile(string path, string? fileName = null)
    {
        var windows = WindowsCommands.ProgramOfPath(path) is not null ||
            WindowsCommands.ProgramImages.Concat(WindowsCommands.WindowsFolderImages).Any(image => image.Path.Equals(path, StringComparison.OrdinalIgnoreCase));
        return FileVersionInfoObject(path, fileName ?? path[(path.LastIndexOf('\\') + 1)..], windows);
    }

    /// <summary>
    /// A file's FileVersionInfo: a Windows program's version resource (<paramref name="windows"/>; a core file the
    /// cumulative update replaced at its revision), else none (null texts, parts 0).
    /// </summary>
    internal static PsObject FileVersionInfoObject(string path, string fileName, bool windows)
    {
        var file = (Name: fileName, Path: path);
        var serviced = WindowsCommands.SystemImages.Any(image => image.Path.Equals(path, StringComparison.OrdinalIgnoreCase));
        windows |= serviced;
        // A Windows program's version resource (a core file the cumulative update replaced at its revision); another file has none (null texts, parts 0).
        string? Of(string value) => windows ? value : null;
        var windowsRevision = serviced ? WindowsCommands.ServicedRevision : 1;
        var (internalName, originalFilename) = (Of(System.IO.Path.GetFileNameWithoutExtension(file.Name)), Of(file.Name.ToUpperInvariant() + ".MUI"));
        var (fileVersion, productVersion, productName, language) =
            (Of($"10.0.17763.{windowsRevision} (WinBuild.160101.0800)"), Of($"10.0.17763.{windowsRevision}"), Of("Microsoft® Windows® Operating System"), Of("English (United States)"));
        var (major, build, revision) = windows ? (10, 17763, windowsRevision) : (0, 0, 0);
        PsValue Text(string? value) => value is null ? PsNil.Instance : PsPrimitive.String(value);

        // ToString() is .NET's: its fields a line each.
        var o = new PsObject([ScriptExpressions.FileVersionInfoTypeName, "System.Object"])
        {
            ToStringValue = $"File:             {path}\r\nInternalName:     {internalName}\r\nOriginalFilename: {originalFilename}\r\n" +
                $"FileVersion:      {fileVersion}\r\nFileDescription:  \r\nProduct:          {productName}\r\nProductVersion:   {productVersion}\r\n" +
                "Debug:            False\r\nPatched:          False\r\nPreRelease:       False\r\nPrivateBuild:     False\r\nSpecialBuild:     False\r\n" +
                $"Language:         {language}\r\n",
        };
        o.With("Comments", Text(Of(string.Empty))).With("CompanyName", Text(Of("Microsoft Corporation")))
            .With("FileBuildPart", PsPrimitive.Int32(build)).With("FileDescription", PsNil.Instance)
            .With("FileMajorPart", PsPrimitive.Int32(major)).With("FileMinorPart", PsPrimitive.Int32(0)).With("FileName", path)
            .With("FilePrivatePart", PsPrimitive.Int32(revision)).With("FileVersion", Text(fileVersion)).With("InternalName", Text(internalName))
            .With("IsDebug", false).With("IsPatched", false).With("IsPrivateBuild", false).With("IsPreRelease", false).With("IsSpecialBuild", false)
            .With("Language", Text(language)).With("LegalCopyright", Text(Of("© Microsoft Corporation. All rights reserved.")))
            .With("LegalTrademarks", Text(Of(string.Empty))).With("OriginalFilename", Text(originalFilename))
            .With("PrivateBuild", Text(Of(string.Empty))).With("ProductBuildPart", PsPrimitive.Int32(build))
            .With("ProductMajorPart", PsPrimitive.Int32(major)).With("ProductMinorPart", PsPrimitive.Int32(0))
            .With("ProductName", Text(productName)).With("ProductPrivatePart", PsPrimitive.Int32(revision))
            .With("ProductVersion", Text(productVersion)).With("SpecialBuild", Text(Of(string.Empty)));
        // They are .NET's properties, no notes: written in Props, and a FileInfo's VersionInfo at depth 0 is its text alone.
        o.AdaptedProperties.AddRange(o.ExtendedProperties);
        o.ExtendedProperties.Clear();
        return o;
    }

    private PsValue? FileSystemStaticMember(string typeName, string member, IReadOnlyList<PsValue>? arguments)
    {
        if (typeName == "System.IO.Path")
        {
            return (member.ToUpperInvariant(), arguments?.Count ?? -1) switch
            {
                ("GETFULLPATH", 1) => VirtualFileSystem.FullPath(Arg(0), ProcessDirectory, out var failure) is { } full
                    ? PsPrimitive.String(full + (Arg(0).EndsWith('\\') || Arg(0).EndsWith('/') ? "\\" : string.Empty))
                    : failure == FileSystemFailure.DriveNotFound ? PsPrimitive.String(Arg(0).Replace('/', '\\'))
                    : UncFullPath(Arg(0)) is { } unc ? PsPrimitive.String(unc) : throw FailureOf(member, 1, failure, Arg(0)),
                ("GETTEMPPATH", 0) => PsPrimitive.String(TempDirectory + "\\"),
                ("GETTEMPFILENAME", 0) => TempFileName(),
                ("GETRANDOMFILENAME", 0) => PsPrimitive.String(RandomFileName()),
                _ => null,
            };
        }

        if (arguments is null || typeName is not (FileTypeName or DirectoryTypeName or ScriptExpressions.FileStreamTypeName or StreamReaderTypeName or StreamWriterTypeName)) return null;
        var disk = Disk($"[{typeName}]::{member}");
        var count = arguments.Count;
        string Path(int i)
        {
            var text = Arg(i);
            if (text.Length == 0) throw DotNetFailure(member, count, "The path is not of a legal form.", typeof(ArgumentException));
            return VirtualFileSystem.FullPath(text, ProcessDirectory, out var failure) ?? throw PathFailureOf(member, count, failure, text);
        }

        PsValue Checked(FileSystemFailure failure, string path, PsValue result) => failure == FileSystemFailure.None ? result : throw FailureOf(member, count, failure, path);

        if (typeName is StreamReaderTypeName or StreamWriterTypeName)
        {
            if (!member.Equals("new", StringComparison.OrdinalIgnoreCase) || count is < 1 or > 3 || arguments[0] is PsObject) return null;
            var path = Path(0);
            if (typeName == StreamReaderTypeName)
            {
                // StreamReader(path[, detectEncoding | encoding]): a byte order mark decides, else UTF-8 (or the encoding given).
                var failure = disk.Read(path, out var bytes);
                if (failure != FileSystemFailure.None) throw FailureOf(".ctor", count, failure, path);
                var encoding = count >= 2 && arguments[1] is not PsPrimitive { Value: bool } ? EncodingArgument(arguments[1]) : Encoding.UTF8;
                var handle = new FileHandle(disk, path, encoding) { Text = DecodeText(bytes, encoding), CanRead = true };
                return Opened(StreamReaderTypeNames, handle).With("EndOfStream", handle.Text.Length == 0);
            }

            // StreamWriter(path[, append[, encoding]]): UTF-8 without a byte order mark unless an encoding says;
            // append keeps what the file holds.
            var append = count >= 2 && ScriptExpressions.IsTrue(arguments[1]);
            var writerEncoding = count == 3 ? EncodingArgument(arguments[2]) : new UTF8Encoding(false);
            var empty = !append || disk.Get(path) is not { Length: > 0 };
            var written = disk.Write(path, empty ? writerEncoding.GetPreamble() : [], append ? FileWriteMode.Append : FileWriteMode.Create);
            if (written != FileSystemFailure.None) throw FailureOf(".ctor", count, written, path);
            return Opened(StreamWriterTypeNames, new FileHandle(disk, path, writerEncoding) { Position = disk.Get(path)!.Length });
        }

        if (typeName == ScriptExpressions.FileStreamTypeName)
        {
            return member.Equals("new", StringComparison.OrdinalIgnoreCase) && count is >= 2 and <= 4 ? OpenFileStream(disk, ".ctor", arguments, Path) : null;
        }

        if (typeName == FileTypeName)
        {
            switch (member.ToUpperInvariant(), count)
            {
                case ("OPEN", >= 2 and <= 4):
                    return OpenFileStream(disk, member, arguments, Path);
                case ("EXISTS", 1):
                    return PsPrimitive.Boolean(Arg(0).Length > 0 && VirtualFileSystem.FullPath(Arg(0), ProcessDirectory, out _) is { } existing && disk.Get(existing) is { IsDirectory: false });
                case ("READALLTEXT", 1 or 2):
                {
                    var path = Path(0);
                    return Checked(disk.Read(path, out var bytes), path, PsPrimitive.String(DecodeText(bytes, count == 2 ? EncodingArgument(arguments[1]) : Encoding.UTF8)));
                }

                // ReadLines' lazy enumerable enumerates as ReadAllLines' array (the file read at the call here).
                case ("READALLLINES" or "READLINES", 1 or 2):
                {
                    var path = Path(0);
                    var failure = disk.Read(path, out var bytes);
                    return Checked(failure, path, PsObjects.List([.. SplitLines(DecodeText(bytes, count == 2 ? EncodingArgument(arguments[1]) : Encoding.UTF8)).Select(l => (PsValue)PsPrimitive.String(l))],
                        ["System.String[]", "System.Array", "System.Object"]));
                }

                case ("READALLBYTES", 1):
                {
                    var path = Path(0);
                    var failure = disk.Read(path, out var bytes);
                    return Checked(failure, path, failure == FileSystemFailure.None ? ScriptExpressions.ByteArray(bytes) : PsNil.Instance);
                }

                case ("WRITEALLTEXT" or "APPENDALLTEXT", 2 or 3):
                {
                    var path = Path(0);
                    var encoding = count == 3 ? EncodingArgument(arguments[2]) : new UTF8Encoding(false);
                    var append = member.Equals("AppendAllText", StringComparison.OrdinalIgnoreCase);
                    var preamble = !append || disk.Get(path) is not { Length: > 0 } ? encoding.GetPreamble() : [];
                    return Checked(disk.Write(path, [.. preamble, .. encoding.GetBytes(Arg(1))], append ? FileWriteMode.Append : FileWriteMode.Create), path, PsNil.Instance);
                }

                case ("WRITEALLLINES", 2 or 3):
                {
                    var path = Path(0);
                    var encoding = count == 3 ? EncodingArgument(arguments[2]) : new UTF8Encoding(false);
                    var text = string.Concat(ScriptExpressions.Enumerate(arguments[1]).Select(l => PipelineVariables.Display(l) + "\r\n"));
                    return Checked(disk.Write(path, [.. encoding.GetPreamble(), .. encoding.GetBytes(text)], FileWriteMode.Create), path, PsNil.Instance);
                }

                case ("WRITEALLBYTES", 2):
                {
                    var path = Path(0);
                    return Checked(disk.Write(path, ScriptExpressions.BytesOf(arguments[1]), FileWriteMode.Create), path, PsNil.Instance);
                }

                case ("DELETE", 1):
                {
                    // .NET: a missing file is no error, a missing folder on the way is.
                    var path = Path(0);
                    if (disk.Get(path) is { IsDirectory: true }) throw FailureOf(member, count, FileSystemFailure.IsDirectory, path);
                    if (disk.Get(VirtualFileSystem.ParentOf(path)!) is not { IsDirectory: true }) throw FailureOf(member, count, FileSystemFailure.ParentNotFound, path);
                    // A read-only file (or a program image) is UnauthorizedAccessException, as DeleteFile refuses it.
                    var deleted = disk.Delete(path, recurse: false);
                    if (deleted is not (FileSystemFailure.None or FileSystemFailure.NotFound)) throw FailureOf(member, count, deleted, path);
                    return PsNil.Instance;
                }

                case ("COPY", 2 or 3):
                {
                    var (from, into) = (Path(0), Path(1));
                    var overwrite = count == 3 && ScriptExpressions.IsTrue(arguments[2]);
                    var failure = disk.CopyFile(from, into, overwrite);
                    return Checked(failure, failure == FileSystemFailure.NotFound ? from : into, PsNil.Instance);
                }

                case ("MOVE", 2):
                {
                    var (from, into) = (Path(0), Path(1));
                    if (disk.Get(from) is not { IsDirectory: false }) throw FailureOf(member, count, FileSystemFailure.NotFound, from);
                    var failure = disk.Move(from, into, overwrite: false);
                    return Checked(failure == FileSystemFailure.AlreadyExists ? FileSystemFailure.AlreadyExists : failure, into, PsNil.Instance);
                }

                case ("OPENTEXT", 1):
                {
                    var path = Path(0);
                    var failure = disk.Read(path, out var bytes);
                    if (failure != FileSystemFailure.None) throw FailureOf(member, count, failure, path);
                    var handle = new FileHandle(disk, path, Encoding.UTF8) { Text = DecodeText(bytes, Encoding.UTF8), CanRead = true };
                    return Opened(StreamReaderTypeNames, handle).With("EndOfStream", handle.Text.Length == 0);
                }

                case ("OPENREAD", 1):
                {
                    var path = Path(0);
                    var failure = disk.Read(path, out var bytes);
                    if (failure != FileSystemFailure.None) throw FailureOf(member, count, failure, path);
                    return StreamObject(new FileHandle(disk, path, null) { Bytes = bytes, CanRead = true });
                }

                case ("OPENWRITE" or "CREATE", 1):
                {
                    var path = Path(0);
                    var create = member.Equals("Create", StringComparison.OrdinalIgnoreCase);
                    // OpenWrite keeps what the file holds (writes overwrite it from the start); Create empties it.
                    var failure = create || disk.Get(path) is null ? disk.Write(path, [], FileWriteMode.Create) : disk.Get(path)!.IsDirectory ? FileSystemFailure.IsDirectory : FileSystemFailure.None;
                    if (failure != FileSystemFailure.None) throw FailureOf(member, count, failure, path);
                    return StreamObject(new FileHandle(disk, path, null) { CanWrite = true });
                }

                case ("CREATETEXT" or "APPENDTEXT", 1):
                {
                    var path = Path(0);
                    var append = member.Equals("AppendText", StringComparison.OrdinalIgnoreCase);
                    var failure = disk.Write(path, [], append ? FileWriteMode.Append : FileWriteMode.Create);
                    if (failure != FileSystemFailure.None) throw FailureOf(member, count, failure, path);
                    return Opened(StreamWriterTypeNames, new FileHandle(disk, path, new UTF8Encoding(false)) { Position = disk.Get(path)!.Length });
                }
            }

            return null;
        }

        switch (member.ToUpperInvariant(), count)
        {
            case ("EXISTS", 1):
                return PsPrimitive.Boolean(Arg(0).Length > 0 && VirtualFileSystem.FullPath(Arg(0), ProcessDirectory, out _) is { } existing && disk.Get(existing) is { IsDirectory: true });
            case ("CREATEDIRECTORY", 1):
            {
                var path = Path(0);
                var failure = disk.CreateDirectory(path);
                return Checked(failure == FileSystemFailure.AlreadyExists ? FileSystemFailure.None : failure, path, ItemObject(disk.Get(path) ?? new FileSystemItem(path, VirtualFileSystem.NameOf(path), true, 0, default, default), nameText: true));
            }

            case ("DELETE", 1 or 2):
            {
                var path = Path(0);
                if (disk.Get(path) is not { IsDirectory: true }) throw FailureOf(member, count, FileSystemFailure.ParentNotFound, path);
                return Checked(disk.Delete(path, count == 2 && ScriptExpressions.IsTrue(arguments[1])), path, PsNil.Instance);
            }

            case ("GETFILES" or "GETDIRECTORIES", 1 or 2 or 3):
            {
                var path = Path(0);
                var pattern = count >= 2 ? VirtualFileSystem.Wildcard(Arg(1)) : null;
                var directories = member.Equals("GetDirectories", StringComparison.OrdinalIgnoreCase);
                var found = FolderItems(disk, path, count == 3 && IsAllDirectories(arguments[2])) ?? throw FailureOf(member, count, FileSystemFailure.ParentNotFound, path);
                return PsObjects.List([.. found.Where(c => c.IsDirectory == directories && (pattern is null || pattern.IsMatch(c.Name))).Select(c => (PsValue)PsPrimitive.String(c.FullName))],
                    ["System.String[]", "System.Array", "System.Object"]);
            }

            case ("GETCURRENTDIRECTORY", 0):
                return PsPrimitive.String(ProcessDirectory);
        }

        return null;

        string Arg(int i) => i < arguments!.Count && !ScriptExpressions.IsNull(arguments[i]) ? PipelineVariables.Display(arguments[i]) : string.Empty;
    }

    private string TempDirectory => host.EnvironmentVariable("TEMP") ?? (host.EnvironmentVariable("USERPROFILE") ?? @"C:\Users\Default") + @"\AppData\Local\Temp";

    // .NET Framework's GetTempFileName: an empty tmpXXXX.tmp file made in the user's temp folder.
    private PsValue TempFileName()
    {
        var disk = Disk("[System.IO.Path]::GetTempFileName");
        disk.CreateDirectory(TempDirectory);
        for (var n = Random.Shared.Next(0x10000); ; n = (n + 1) & 0xFFFF)
        {
            var path = $"{TempDirectory}\\tmp{n:X4}.tmp";
            var failure = disk.Write(path, [], FileWriteMode.CreateNew);
            if (failure == FileSystemFailure.None) return PsPrimitive.String(path);
            if (failure != FileSystemFailure.AlreadyExists) throw FailureOf("GetTempFileName", 0, failure, path);
        }
    }

    private static string RandomFileName()
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz012345";
        Span<char> name = stackalloc char[12];
        for (var i = 0; i < name.Length; i++) name[i] = i == 8 ? '.' : Alphabet[Random.Shared.Next(Alphabet.Length)];
        return new string(name);
    }

    // An encoding argument ([Text.Encoding]::UTF8, or its name): what ScriptExpressions' Encoding objects name.
    private static Encoding EncodingArgument(PsValue value)
    {
        var name = value is PsObject o && o["WebName"] is { } web ? PipelineVariables.Display(web) : PipelineVariables.Display(value);
        var preamble = ScriptExpressions.WritesPreamble(value);
        try
        {
            return name.ToUpperInvariant() switch
            {
                "UTF-8" or "UTF8" => new UTF8Encoding(preamble),
                "UTF-16" or "UNICODE" => new UnicodeEncoding(false, preamble),
                "UTF-16BE" => new UnicodeEncoding(true, preamble),
                "UTF-32" => new UTF32Encoding(false, preamble),
                "US-ASCII" or "ASCII" => Encoding.ASCII,
                _ => Encoding.GetEncoding(name),
            };
        }
        catch (ArgumentException)
        {
            return Encoding.UTF8;
        }
    }

    /// <summary>
    /// <c>[IO.File]::Open(path, mode[, access[, share]])</c> and FileStream's constructor (<c>New-Object IO.FileStream(...)</c>,
    /// <c>[IO.FileStream]::new</c>): .NET's modes and accesses on the disk. The share is read and not enforced: handles
    /// never lock one another here.
    /// </summary>
    private static PsObject OpenFileStream(VirtualFileSystem disk, string member, IReadOnlyList<PsValue> arguments, Func<int, string> pathOf)
    {
        var count = arguments.Count;
        var method = member == ".ctor" ? ".ctor" : "Open";
        var mode = ScriptExpressions.EnumArgument<FileMode>(arguments[1], "mode", method);
        var access = count > 2 ? ScriptExpressions.EnumArgument<FileAccess>(arguments[2], "access", method) : mode == FileMode.Append ? FileAccess.Write : FileAccess.ReadWrite;
        if (count > 3) ScriptExpressions.EnumArgument<FileShare>(arguments[3], "share", method);
        if ((access & FileAccess.Write) == 0 && mode is FileMode.Create or FileMode.CreateNew or FileMode.Truncate or FileMode.Append)
        {
            throw DotNetFailure(member, count, $"Combining FileMode: {mode} with FileAccess: {access} is invalid.\r\nParameter name: access", typeof(ArgumentException));
        }

        if (mode == FileMode.Append && access != FileAccess.Write)
        {
            throw DotNetFailure(member, count, "Append access can be requested only in write-only mode.\r\nParameter name: mode", typeof(ArgumentException));
        }

        var path = pathOf(0);
        var item = disk.Get(path);
        if (item is { IsDirectory: true }) throw FailureOf(member, count, FileSystemFailure.IsDirectory, path);
        if (item is null && mode is FileMode.Open or FileMode.Truncate)
        {
            throw FailureOf(member, count, disk.Get(VirtualFileSystem.ParentOf(path) ?? path) is { IsDirectory: true } ? FileSystemFailure.NotFound : FileSystemFailure.ParentNotFound, path);
        }

        if (item is not null && mode == FileMode.CreateNew) throw FailureOf(member, count, FileSystemFailure.AlreadyExists, path);
        if (item is null || mode is FileMode.Create or FileMode.Truncate)
        {
            var failure = disk.Write(path, [], FileWriteMode.Create);
            if (failure != FileSystemFailure.None) throw FailureOf(member, count, failure, path);
        }

        var handle = new FileHandle(disk, path, null)
        {
            CanRead = (access & FileAccess.Read) != 0,
            CanWrite = (access & FileAccess.Write) != 0,
            Position = mode == FileMode.Append ? disk.Get(path)!.Length : 0,
        };
        // A stream only read sees the file as it was opened; one also written reads what is on the disk.
        if (access == FileAccess.Read && disk.Read(path, out var bytes) == FileSystemFailure.None) handle.Bytes = bytes;
        return StreamObject(handle);
    }

    private const string FromBase64TransformTypeName = "System.Security.Cryptography.FromBase64Transform";
    private const string CryptoStreamTypeName = "System.Security.Cryptography.CryptoStream";

    /// <summary>
    /// New-Object of a FromBase64Transform, or of a CryptoStream reading a FileStream through one (winrm-fs decodes its
    /// uploads so): a stream of the decoded bytes of what the file had left to read. Another CryptoStream (writing, over
    /// another stream or transform) is a scenario error; null for any other type.
    /// </summary>
    private static PsValue? NewCryptoObject(string typeName, IReadOnlyList<PsValue> arguments)
    {
        var full = typeName.StartsWith("System.", StringComparison.OrdinalIgnoreCase) ? typeName : "System." + typeName;
        if (full.Equals(FromBase64TransformTypeName, StringComparison.OrdinalIgnoreCase) && arguments.Count == 0)
        {
            return new PsObject([FromBase64TransformTypeName, "System.Object"]) { ToStringValue = FromBase64TransformTypeName }
                .With("InputBlockSize", 1).With("OutputBlockSize", 3).With("CanTransformMultipleBlocks", false).With("CanReuseTransform", true);
        }

        if (!full.Equals(CryptoStreamTypeName, StringComparison.OrdinalIgnoreCase)) return null;
        if (arguments is not [PsObject stream, PsObject { TypeNames: [FromBase64TransformTypeName, ..] }, var mode] || !Handles.TryGetValue(stream, out var source) ||
            PipelineVariables.Display(mode) is not ("Read" or "0") || !source.CanRead || source.Bytes is not { } bytes)
        {
            throw new ScriptExpressionException(ScriptedError.ScenarioFault(
                "New-Object CryptoStream is emulated only to read a FileStream opened for reading through a FromBase64Transform: give the command a rule"));
        }

        if (source.Closed) throw DotNetFailure("CryptoStream", 3, "Cannot access a closed file.", typeof(ObjectDisposedException));
        // FromBase64Transform skips white space; what is left must be base64.
        var text = new string([.. bytes.Skip((int)Math.Min(source.Position, bytes.Length)).Select(b => (char)b).Where(c => !char.IsWhiteSpace(c))]);
        byte[] decoded;
        try
        {
            decoded = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw DotNetFailure("Read", 3, "Invalid character in a Base-64 string.", typeof(FormatException));
        }

        source.Position = bytes.Length;
        var handle = new FileHandle(source.Disk, source.Path, null) { CanRead = true, Bytes = decoded };
        return Opened([CryptoStreamTypeName, "System.IO.Stream", "System.MarshalByRefObject", "System.Object"], handle)
            .With("CanRead", true).With("CanWrite", false).With("CanSeek", false);
    }

    private static PsObject Opened(string[] typeNames, FileHandle handle)
    {
        var o = new PsObject(typeNames) { ToStringValue = typeNames[0] };
        Handles.AddOrUpdate(o, handle);
        return o;
    }

    private static PsObject StreamObject(FileHandle handle) =>
        Opened(FileStreamTypeNames, handle)
            .With("Name", handle.Path)
            .With("CanRead", handle.CanRead)
            .With("CanWrite", handle.CanWrite)
            .With("CanSeek", true)
            .With("Length", PsPrimitive.Int64(handle.Bytes?.Length ?? handle.Disk.Get(handle.Path)?.Length ?? 0))
            .With("Position", PsPrimitive.Int64(handle.Position));

    /// <summary>A method of a StreamReader, StreamWriter or FileStream this class opened; null for another object.</summary>
    private static PsValue? FileHandleMethod(PsObject value, string name, IReadOnlyList<PsValue> arguments)
    {
        if (!Handles.TryGetValue(value, out var handle)) return null;
        var count = arguments.Count;
        var method = name.ToUpperInvariant();
        if (method is "CLOSE" or "DISPOSE" && count == 0)
        {
            handle.Closed = true;
            return PsNil.Instance;
        }

        if (method == "FLUSH" && count == 0) return PsNil.Instance;
        if (handle.Closed)
        {
            throw DotNetFailure(name, count, handle.Text is not null ? "Cannot read from a closed TextReader." : handle.Encoding is not null ? "Cannot write to a closed TextWriter." : "Cannot access a closed file.",
                typeof(ObjectDisposedException));
        }

        PsValue result;
        if (handle.Text is { } text)
        {
            var position = (int)handle.Position;
            switch (method, count)
            {
                case ("READLINE", 0):
                {
                    if (position >= text.Length)
                    {
                        result = PsNil.Instance;
                        break;
                    }

                    var end = text.IndexOfAny(['\r', '\n'], position);
                    var line = end < 0 ? text[position..] : text[position..end];
                    handle.Position = end < 0 ? text.Length : end + (text[end] == '\r' && end + 1 < text.Length && text[end + 1] == '\n' ? 2 : 1);
                    result = PsPrimitive.String(line);
                    break;
                }

                case ("READTOEND", 0):
                    handle.Position = text.Length;
                    result = PsPrimitive.String(text[position..]);
                    break;
                case ("PEEK", 0):
                    result = PsPrimitive.Int32(position < text.Length ? text[position] : -1);
                    break;
                case ("READ", 0):
                    handle.Position = Math.Min(text.Length, position + 1);
                    result = PsPrimitive.Int32(position < text.Length ? text[position] : -1);
                    break;
                default:
                    return null;
            }

            value.With("EndOfStream", handle.Position >= text.Length);
            return result;
        }

        if (handle.Encoding is { } encoding)
        {
            // A StreamWriter: each write goes to the file at once.
            string? written = (method, count) switch
            {
                ("WRITE", 1) => PipelineVariables.Display(arguments[0]),
                ("WRITELINE", 1) => PipelineVariables.Display(arguments[0]) + "\r\n",
                ("WRITELINE", 0) => "\r\n",
                _ => null,
            };
            if (written is null) return null;
            var failure = handle.Disk.Write(handle.Path, encoding.GetBytes(written), FileWriteMode.Append);
            if (failure != FileSystemFailure.None) throw FailureOf(name, count, failure, handle.Path);
            return PsNil.Instance;
        }

        // A FileStream.
        switch (method, count)
        {
            case ("WRITE", 3):
            {
                var bytes = ScriptExpressions.BytesOf(arguments[0]);
                var offset = (int)(ScriptExpressions.AsNumber(arguments[1]) ?? 0);
                var length = (int)(ScriptExpressions.AsNumber(arguments[2]) ?? 0);
                if (offset < 0 || length < 0 || offset + length > bytes.Length)
                {
                    throw DotNetFailure(name, count, "Offset and length were out of bounds for the array or count is greater than the number of elements from index to the end of the source collection.", typeof(ArgumentException));
                }

                if (!handle.CanWrite) throw DotNetFailure(name, count, "Stream does not support writing.", typeof(NotSupportedException));
                var failure = handle.Disk.Write(handle.Path, bytes.AsSpan(offset, length), FileWriteMode.Overwrite, handle.Position);
                if (failure != FileSystemFailure.None) throw FailureOf(name, count, failure, handle.Path);
                handle.Position += length;
                result = PsNil.Instance;
                break;
            }

            case ("WRITEBYTE", 1):
            {
                if (!handle.CanWrite) throw DotNetFailure(name, count, "Stream does not support writing.", typeof(NotSupportedException));
                var failure = handle.Disk.Write(handle.Path, [(byte)(ScriptExpressions.AsNumber(arguments[0]) ?? 0)], FileWriteMode.Overwrite, handle.Position);
                if (failure != FileSystemFailure.None) throw FailureOf(name, count, failure, handle.Path);
                handle.Position++;
                result = PsNil.Instance;
                break;
            }

            case ("READ", 3) when !handle.CanRead:
                throw DotNetFailure(name, count, "Stream does not support reading.", typeof(NotSupportedException));
            case ("READ", 3) when arguments[0] is PsObject buffer:
            {
                byte[] source;
                if (handle.Bytes is { } snapshot) source = snapshot;
                else if (handle.Disk.Read(handle.Path, out var current) == FileSystemFailure.None) source = current;
                else throw FailureOf(name, count, FileSystemFailure.NotFound, handle.Path);
                var offset = (int)(ScriptExpressions.AsNumber(arguments[1]) ?? 0);
                var length = (int)(ScriptExpressions.AsNumber(arguments[2]) ?? 0);
                if (offset < 0 || length < 0 || offset + length > buffer.Items.Count)
                {
                    throw DotNetFailure(name, count, "Offset and length were out of bounds for the array or count is greater than the number of elements from index to the end of the source collection.", typeof(ArgumentException));
                }

                var read = (int)Math.Max(0, Math.Min(length, source.Length - handle.Position));
                for (var i = 0; i < read && offset + i < buffer.Items.Count; i++) buffer.Items[offset + i] = PsPrimitive.Byte(source[handle.Position + i]);
                handle.Position += read;
                result = PsPrimitive.Int32(read);
                break;
            }

            case ("SEEK", 2):
            {
                var offset = (long)(ScriptExpressions.AsNumber(arguments[0]) ?? 0);
                var origin = ScriptExpressions.EnumArgument<SeekOrigin>(arguments[1], "origin", "Seek");
                var length = handle.Bytes?.Length ?? handle.Disk.Get(handle.Path)?.Length ?? 0;
                var position = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => handle.Position + offset, _ => length + offset };
                if (position < 0) throw DotNetFailure(name, count, "An attempt was made to move the position before the beginning of the stream.", typeof(IOException));
                handle.Position = position;
                result = PsPrimitive.Int64(position);
                break;
            }

            default:
                return null;
        }

        value.With("Position", PsPrimitive.Int64(handle.Position)).With("Length", PsPrimitive.Int64(handle.Bytes?.Length ?? handle.Disk.Get(handle.Path)?.Length ?? 0));
        return result;
    }
}
