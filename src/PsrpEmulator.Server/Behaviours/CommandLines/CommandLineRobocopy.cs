using System.Globalization;
using System.Text;

namespace PsrpEmulator.Server.Behaviours.CommandLines;

/// <summary>
/// robocopy.exe as deployment scripts run it (<c>robocopy C:\src C:\dst /MIR /NFL /NDL /NJH /NJS /NP</c>, then a test of
/// <c>$LASTEXITCODE -ge 8</c>) on the computer's disk: a source folder's files matching the file names given (<c>*.*</c>
/// when none) into the destination folder, made when missing; <c>/S</c> subfolders with files, <c>/E</c> every subfolder,
/// <c>/PURGE</c> removes what the destination has and the source has not, <c>/MIR</c> is <c>/E /PURGE</c>; <c>/MOV</c>
/// and <c>/MOVE</c> remove the copied files (and folders); <c>/L</c> only lists. As robocopy classifies a file both
/// folders have: the same size and last write time is "same" (skipped unless <c>/IS</c>), a later one in the source
/// "Newer" (skipped with <c>/XN</c>), an earlier one "Older" (<c>/XO</c>), another size "Changed" (<c>/XC</c>); a copy
/// keeps the source's last write time, so a second run finds the files the same. <c>/XF</c> and <c>/XD</c> exclude files
/// and folders by name (wildcards) or full path, <c>/XX</c> ignores extras. The exit code is robocopy's bits: 1 files
/// copied, 2 extra files or folders seen in the destination, 4 mismatched (a file where the source has a folder, or the
/// reverse), 8 copies that failed; 16 for a source folder that is not there (robocopy's ERROR 2 on stdout). Retries,
/// threads, copy flags, logging to the console (<c>/R</c>, <c>/W</c>, <c>/MT</c>, <c>/Z</c>, <c>/B</c>, <c>/J</c>,
/// <c>/COPY:</c>, <c>/DCOPY:</c>, <c>/COPYALL</c>, <c>/SEC</c>, <c>/FFT</c>, <c>/NP</c>, <c>/NS</c>, <c>/NC</c>, <c>/BYTES</c>,
/// <c>/FP</c>, <c>/V</c>, <c>/TEE</c>, <c>/ETA</c>, <c>/UNICODE</c>) are accepted and change nothing here; <c>/LOG:file</c>
/// and <c>/LOG+:file</c> write the log to that file instead of stdout. The log's layout (job header, one line per folder
/// and copied file, the summary table; <c>/NJH</c>, <c>/NJS</c>, <c>/NDL</c>, <c>/NFL</c> leave parts out) follows Windows'
/// robocopy, its spacing UNVERIFIED. Other switches are not emulated.
/// </summary>
internal sealed class RobocopyScript(IReadOnlyList<string> arguments) : ICommandLineScript
{
    public string Description => ("robocopy " + string.Join(' ', arguments)).Trim();

    private static readonly HashSet<string> Flags = new(StringComparer.OrdinalIgnoreCase)
    {
        "S", "E", "MIR", "PURGE", "MOV", "MOVE", "L", "IS", "XO", "XN", "XC", "XX", "NFL", "NDL", "NJH", "NJS",
        "NP", "NS", "NC", "BYTES", "FP", "V", "TEE", "ETA", "UNICODE", "Z", "B", "ZB", "J", "COPYALL", "SEC", "FFT", "NOOFFLOAD", "XJ",
    };

    // Switches with a value after a colon that change nothing here.
    private static readonly string[] ValuedSwitches = ["R:", "W:", "MT", "COPY:", "DCOPY:", "IPG:", "LEV:"];

    public static bool TryParse(string line, out RobocopyScript script)
    {
        script = null!;
        var tokens = CommandLineText.Tokenize(line);
        if (tokens.Count == 0 || !(tokens[0].Value.Equals("robocopy", StringComparison.OrdinalIgnoreCase) || tokens[0].Value.Equals("robocopy.exe", StringComparison.OrdinalIgnoreCase))) return false;
        script = new RobocopyScript([.. tokens.Skip(1).Select(t => t.Value)]);
        return true;
    }

    private sealed class Options
    {
        public readonly HashSet<string> Flags = new(StringComparer.OrdinalIgnoreCase);
        public readonly List<string> Paths = [];
        public readonly List<string> ExcludedFiles = [];
        public readonly List<string> ExcludedFolders = [];
        public string? Log;
        public bool AppendLog;
        public bool Has(string flag) => Flags.Contains(flag);
        public bool Recurse => Has("S") || Has("E") || Has("MIR");
        public bool EmptyFolders => Has("E") || Has("MIR");
        public bool Purge => (Has("PURGE") || Has("MIR")) && !Has("XX");
    }

    private Options? Parse()
    {
        var options = new Options();
        List<string>? excluding = null;
        foreach (var argument in arguments)
        {
            if (!argument.StartsWith('/'))
            {
                if (excluding is not null) excluding.Add(argument.Trim('"'));
                else options.Paths.Add(argument.Trim('"'));
                continue;
            }

            excluding = null;
            var name = argument[1..];
            if (name.Equals("XF", StringComparison.OrdinalIgnoreCase)) excluding = options.ExcludedFiles;
            else if (name.Equals("XD", StringComparison.OrdinalIgnoreCase)) excluding = options.ExcludedFolders;
            else if (Flags.Contains(name)) options.Flags.Add(name.ToUpperInvariant());
            else if (name.StartsWith("LOG:", StringComparison.OrdinalIgnoreCase) || name.StartsWith("LOG+:", StringComparison.OrdinalIgnoreCase))
            {
                options.AppendLog = name[3] == '+';
                options.Log = name[(name.IndexOf(':') + 1)..].Trim('"');
                if (options.Log.Length == 0) return null;
            }
            else if (!ValuedSwitches.Any(v => name.StartsWith(v, StringComparison.OrdinalIgnoreCase))) return null;
        }

        return options.Paths.Count >= 2 ? options : null;
    }

    // What a run found, by kind (robocopy's summary rows and the exit code's bits).
    private sealed class Tally
    {
        public int Dirs, DirsCopied, DirsExtra, DirsMismatch, Files, FilesCopied, FilesSkipped, FilesExtra, FilesMismatch, FilesFailed;
        public long Bytes, BytesCopied, BytesSkipped, BytesExtra, BytesFailed;
        public int ExitCode => (FilesCopied > 0 ? 1 : 0) | (FilesExtra + DirsExtra > 0 ? 2 : 0) |
            (FilesMismatch + DirsMismatch > 0 ? 4 : 0) | (FilesFailed > 0 ? 8 : 0);
    }

    public async Task<int> RunAsync(ICommandLineHost host, TimeProvider time, CancellationToken cancellationToken)
    {
        if (host.FileSystem is not { } disk || Parse() is not { } options)
        {
            await host.WriteTextAsync(WinRsStreams.Stderr, NotEmulatedCommandScript.MessageFor(Description), cancellationToken).ConfigureAwait(false);
            return 16;
        }

        var cd = host.Facts.GetValueOrDefault("cd") ?? @"C:\";
        var source = VirtualFileSystem.FullPath(options.Paths[0], cd, out _);
        var destination = VirtualFileSystem.FullPath(options.Paths[1], cd, out _);
        var patterns = options.Paths.Count > 2 ? options.Paths.Skip(2).ToList() : ["*.*"];
        var log = new StringBuilder();
        var now = time.GetUtcNow();
        if (!options.Has("NJH")) Header(log, source ?? options.Paths[0], destination ?? options.Paths[1], patterns, options, now);
        if (source is null || destination is null || disk.Get(source) is not { IsDirectory: true })
        {
            log.Append(CultureInfo.InvariantCulture, $"{now:yyyy'/'MM'/'dd HH:mm:ss} ERROR 2 (0x00000002) Accessing Source Directory {Slashed(source ?? options.Paths[0])}\r\n");
            log.Append("The system cannot find the file specified.\r\n\r\n");
            await WriteLogAsync(host, disk, cd, options, log, cancellationToken).ConfigureAwait(false);
            return 16;
        }

        var fileMatchers = patterns.Select(p => VirtualFileSystem.CmdWildcard(p == "*.*" ? "*" : p)).ToList();
        var tally = new Tally();
        Walk(disk, options, fileMatchers, source, destination, tally, log, depth: 0, destinationTop: destination);
        if (!options.Has("NJS")) Summary(log, tally, time.GetUtcNow());
        await WriteLogAsync(host, disk, cd, options, log, cancellationToken).ConfigureAwait(false);
        return tally.ExitCode;
    }

    private static void Walk(VirtualFileSystem disk, Options options, List<System.Text.RegularExpressions.Regex> matchers, string from, string to,
        Tally tally, StringBuilder log, int depth, string destinationTop)
    {
        var isTop = depth == 0;
        var list = options.Has("L");
        var sourceItems = disk.List(from, includeHidden: true) ?? [];
        var files = sourceItems.Where(i => !i.IsDirectory && Included(i, matchers, options)).ToList();
        var target = disk.Get(to);
        var newFolder = target is null;
        tally.Dirs++;
        if (target is { IsDirectory: false })
        {
            tally.DirsMismatch++;
            if (!options.Has("NDL")) log.Append(CultureInfo.InvariantCulture, $"\t*MISMATCH  {-1,10}\t{Slashed(from)}\r\n");
            return;
        }

        if (!options.Has("NDL")) log.Append(CultureInfo.InvariantCulture, $"\t{(newFolder ? "  New Dir  " : "           ")}{files.Count,10}\t{Slashed(from)}\r\n");
        if (newFolder)
        {
            tally.DirsCopied++;
            if (!list) disk.CreateDirectory(to);
        }

        var targetItems = newFolder ? [] : disk.List(to, includeHidden: true) ?? [];
        var byName = targetItems.ToDictionary(i => i.Name, StringComparer.OrdinalIgnoreCase);
        var sourceNames = new HashSet<string>(sourceItems.Select(i => i.Name), StringComparer.OrdinalIgnoreCase);

        // Extras first, as robocopy reports them before the folder's copies.
        foreach (var extra in targetItems.Where(i => !sourceNames.Contains(i.Name) && !Excluded(i, options)))
        {
            if (options.Has("XX")) continue;
            if (extra.IsDirectory)
            {
                if (!options.Recurse) continue;
                tally.DirsExtra++;
                if (!options.Has("NDL")) log.Append(CultureInfo.InvariantCulture, $"\t*EXTRA Dir {-1,10}\t{Slashed(extra.FullName)}\r\n");
            }
            else
            {
                if (!matchers.Any(m => m.IsMatch(extra.Name))) continue;
                tally.FilesExtra++;
                tally.BytesExtra += extra.Length;
                if (!options.Has("NFL")) log.Append(CultureInfo.InvariantCulture, $"\t\t*EXTRA File\t\t{Size(extra.Length, options),10}\t{Shown(extra, options)}\r\n");
            }

            if (options.Purge && !list) disk.Delete(extra.FullName, recurse: true, force: true);
        }

        foreach (var file in files)
        {
            tally.Files++;
            tally.Bytes += file.Length;
            byName.TryGetValue(file.Name, out var existing);
            if (existing is { IsDirectory: true })
            {
                tally.FilesMismatch++;
                if (!options.Has("NFL")) log.Append(CultureInfo.InvariantCulture, $"\t*Mismatch\t\t{Size(file.Length, options),10}\t{Shown(file, options)}\r\n");
                continue;
            }

            var kind = existing is null ? "New File" :
                file.LastWriteTime > existing.LastWriteTime ? "Newer" :
                file.LastWriteTime < existing.LastWriteTime ? "Older" :
                file.Length != existing.Length ? "Changed" : "same";
            var copy = kind switch
            {
                "same" => options.Has("IS"),
                "Newer" => !options.Has("XN"),
                "Older" => !options.Has("XO"),
                "Changed" => !options.Has("XC"),
                _ => true,
            };
            if (!copy)
            {
                tally.FilesSkipped++;
                tally.BytesSkipped += file.Length;
                continue;
            }

            if (!list)
            {
                var copyTo = XcopyScript.Join(to, file.Name);
                if (disk.CopyFile(file.FullName, copyTo, overwrite: true) != FileSystemFailure.None)
                {
                    tally.FilesFailed++;
                    tally.BytesFailed += file.Length;
                    continue;
                }

                if (options.Has("MOV") || options.Has("MOVE")) disk.Delete(file.FullName, recurse: false, force: true);
            }

            tally.FilesCopied++;
            tally.BytesCopied += file.Length;
            if (!options.Has("NFL")) log.Append(CultureInfo.InvariantCulture, $"\t    {(kind == "same" ? "Same" : kind),-10}\t\t{Size(file.Length, options),10}\t{Shown(file, options)}\r\n");
        }

        if (options.Recurse)
        {
            // A destination inside the source is not copied into itself (robocopy would nest copies until paths grow too
            // long); the walk stops at MaxDepth.
            foreach (var folder in sourceItems.Where(i => i.IsDirectory && !Excluded(i, options) && depth < MaxDepth &&
                !i.FullName.Equals(destinationTop, StringComparison.OrdinalIgnoreCase)))
            {
                var sub = XcopyScript.Join(to, folder.Name);
                // /S leaves out the folders with no file to copy anywhere below them.
                if (!options.EmptyFolders && !HasFiles(disk, folder.FullName, matchers, options, depth + 1)) continue;
                Walk(disk, options, matchers, folder.FullName, sub, tally, log, depth + 1, destinationTop);
            }
        }

        if (options.Has("MOVE") && !list && !isTop && (disk.List(from, includeHidden: true) ?? []).Count == 0) disk.Delete(from, recurse: false);
    }

    // Deeper than the trees scripts copy, and shallow enough for the recursion's stack.
    private const int MaxDepth = 256;

    private static bool HasFiles(VirtualFileSystem disk, string folder, List<System.Text.RegularExpressions.Regex> matchers, Options options, int depth) =>
        (disk.List(folder, includeHidden: true) ?? []).Any(i => i.IsDirectory
            ? depth < MaxDepth && !Excluded(i, options) && HasFiles(disk, i.FullName, matchers, options, depth + 1)
            : Included(i, matchers, options));

    private static bool Included(FileSystemItem file, List<System.Text.RegularExpressions.Regex> matchers, Options options) =>
        matchers.Any(m => m.IsMatch(file.Name)) && !Excluded(file, options);

    // /XF and /XD: a name (with wildcards) or a full path.
    private static bool Excluded(FileSystemItem item, Options options) =>
        (item.IsDirectory ? options.ExcludedFolders : options.ExcludedFiles).Any(x =>
            x.Contains('\\', StringComparison.Ordinal) ? x.TrimEnd('\\').Equals(item.FullName, StringComparison.OrdinalIgnoreCase) : VirtualFileSystem.CmdWildcard(x).IsMatch(item.Name));

    private static string Slashed(string path) => path.EndsWith('\\') ? path : path + "\\";

    private static string Shown(FileSystemItem file, Options options) => options.Has("FP") ? file.FullName : file.Name;

    // Sizes as robocopy prints them: bytes, or (without /BYTES) k, m and g with one decimal from 1,024 on.
    private static string Size(long bytes, Options options)
    {
        if (options.Has("BYTES") || bytes < 1024) return bytes.ToString(CultureInfo.InvariantCulture);
        string[] units = ["k", "m", "g", "t"];
        double value = bytes;
        var unit = -1;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return value.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[unit];
    }

    private static void Header(StringBuilder log, string source, string destination, List<string> patterns, Options options, DateTimeOffset now)
    {
        const string Rule = "-------------------------------------------------------------------------------";
        log.Append("\r\n").Append(Rule).Append("\r\n   ROBOCOPY     ::     Robust File Copy for Windows                              \r\n").Append(Rule).Append("\r\n\r\n");
        log.Append(CultureInfo.InvariantCulture, $"  Started : {now.ToString("dddd, MMMM d, yyyy h:mm:ss tt", CultureInfo.InvariantCulture)}\r\n");
        log.Append(CultureInfo.InvariantCulture, $"   Source : {Slashed(source)}\r\n     Dest : {Slashed(destination)}\r\n\r\n");
        log.Append(CultureInfo.InvariantCulture, $"    Files : {string.Join(' ', patterns)}\r\n\t    \r\n");
        var shown = string.Join(' ', options.Flags.Where(f => f is not ("NJH" or "NJS")).Select(f => "/" + f));
        log.Append(CultureInfo.InvariantCulture, $"  Options : {string.Join(' ', patterns)} {shown}{(shown.Length > 0 ? " " : string.Empty)}/DCOPY:DA /COPY:DAT /R:1000000 /W:30 \r\n\r\n");
        log.Append(Rule[..^1]).Append("\r\n\r\n");
    }

    private static void Summary(StringBuilder log, Tally t, DateTimeOffset now)
    {
        log.Append("\r\n------------------------------------------------------------------------------\r\n\r\n");
        log.Append("               Total    Copied   Skipped  Mismatch    FAILED    Extras\r\n");
        log.Append(CultureInfo.InvariantCulture, $"    Dirs : {t.Dirs,9} {t.DirsCopied,9} {t.Dirs - t.DirsCopied - t.DirsMismatch,9} {t.DirsMismatch,9} {0,9} {t.DirsExtra,9}\r\n");
        log.Append(CultureInfo.InvariantCulture, $"   Files : {t.Files,9} {t.FilesCopied,9} {t.FilesSkipped,9} {t.FilesMismatch,9} {t.FilesFailed,9} {t.FilesExtra,9}\r\n");
        log.Append(CultureInfo.InvariantCulture, $"   Bytes : {t.Bytes,9} {t.BytesCopied,9} {t.BytesSkipped,9} {0,9} {t.BytesFailed,9} {t.BytesExtra,9}\r\n");
        log.Append("   Times :   0:00:00   0:00:00                       0:00:00   0:00:00\r\n");
        log.Append(CultureInfo.InvariantCulture, $"   Ended : {now.ToString("dddd, MMMM d, yyyy h:mm:ss tt", CultureInfo.InvariantCulture)}\r\n\r\n");
    }

    private static async Task WriteLogAsync(ICommandLineHost host, VirtualFileSystem disk, string cd, Options options, StringBuilder log, CancellationToken cancellationToken)
    {
        var text = log.ToString();
        if (options.Log is { } file && VirtualFileSystem.FullPath(file, cd, out _) is { } path)
        {
            var bytes = Encoding.ASCII.GetBytes(text);
            disk.Write(path, bytes, options.AppendLog ? FileWriteMode.Append : FileWriteMode.Create);
            if (!options.Has("TEE"))
            {
                // robocopy names its log file on the console (UNVERIFIED wording).
                await host.WriteTextAsync(WinRsStreams.Stdout, $"\r\n Log File : {path}\r\n", cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        if (text.Length > 0) await host.WriteTextAsync(WinRsStreams.Stdout, text, cancellationToken).ConfigureAwait(false);
    }
}
