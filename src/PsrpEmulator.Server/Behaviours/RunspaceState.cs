using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// What one remote runspace (a RunspacePool's shell) remembers between pipelines: the variables behaviours set
/// (<c>$x = 5</c>) and the background jobs they started (<c>Start-Job</c>). Nothing is shared between shells.
/// </summary>
public sealed class RunspaceState(TimeProvider? time = null)
{
    /// <summary>The clock background jobs run on (the server's); null: the clock of the pipeline that starts them.</summary>
    internal TimeProvider? Time => time;

    /// <summary>When the runspace was opened (its wsmprovhost.exe's start, as Get-Process's StartTime of $PID).</summary>
    internal DateTimeOffset Opened { get; } = (time ?? TimeProvider.System).GetUtcNow();

    // Most shells never set a variable nor start a job: the stores (and the token source jobs watch) exist only once used.
    private Lock? _lock;
    private Dictionary<string, PsValue>? _variables;
    private List<BackgroundJob>? _jobs;
    private CancellationTokenSource? _closed;
    private bool _isClosed;

    private byte[]? _sessionKey;

    /// <summary>
    /// The AES-256 key SecureStrings of this session are encrypted with; null until the session first needs one.
    /// </summary>
    internal byte[]? SessionKey => Volatile.Read(ref _sessionKey);

    /// <summary>
    /// The session key, made at the first need and kept, as PowerShell's server crypto helper does: a SecureString the
    /// session serializes for a client of protocol 2.2 or later (GenerateSessionKey: the server never starts the
    /// exchange with such a client), or the client's first PUBLIC_KEY. A later PUBLIC_KEY (another client connecting
    /// to the session) gets the same key, so what was sent before the exchange still decrypts after it.
    /// </summary>
    internal byte[] EnsureSessionKey()
    {
        if (Volatile.Read(ref _sessionKey) is { } key) return key;
        Interlocked.CompareExchange(ref _sessionKey, System.Security.Cryptography.RandomNumberGenerator.GetBytes(SessionKeys.SessionKeyLength), null);
        return _sessionKey!;
    }

    /// <summary>The RawUI values the pool's host sent ahead in INIT_RUNSPACEPOOL (<c>$Host.UI.RawUI</c> answers them); null when it sent none.</summary>
    internal HostRawUI? PoolRawUI { get; set; }

    /// <summary>The .NET static properties the session's scripts set (<c>[Net.ServicePointManager]::SecurityProtocol</c>): its process's.</summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<string, PsValue> StaticProperties { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The script each function came from (by its body): a script file (its $PSScriptRoot inside, its frame's lines), or
    /// the client's script that defined it (a later pipeline's call places its errors there).
    /// </summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<string, ScriptFileText> FunctionSources { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Keeps <paramref name="source"/> as the text of the function whose body is <paramref name="body"/>, within bounds:
    /// at most 10,000 functions and <see cref="MaxFunctionSourceChars"/> characters of the clients' scripts kept for
    /// them (a script past the budget leaves its functions without a place, as before).
    /// </summary>
    internal void RememberFunctionSource(string body, ScriptFileText source)
    {
        lock (Gate)
        {
            if (FunctionSources.Count >= 10_000 && !FunctionSources.ContainsKey(body)) return;
            if (source.Path is null && !ReferenceEquals(source.Text, _lastFunctionSource))
            {
                if (_functionSourceChars + source.Text.Length > MaxFunctionSourceChars) return;
                _functionSourceChars += source.Text.Length;
                _lastFunctionSource = source.Text;
            }

            FunctionSources[body] = source;
        }
    }

    /// <summary>How many characters of the clients' scripts a session keeps for the places of its functions' errors.</summary>
    internal const int MaxFunctionSourceChars = 4 * 1024 * 1024;

    private long _functionSourceChars;
    private string? _lastFunctionSource;

    /// <summary>
    /// Set-StrictMode's version: 0 off, 1, 2, or 3 (3.0 and later, and Latest, check what 3.0 checks). Kept for the
    /// session, not per scope (UNVERIFIED simplification: PowerShell scopes it to where it was set and below).
    /// </summary>
    internal int StrictModeVersion { get; set; }

    /// <summary>The runspace's CIM sessions (New-CimSession) as CimCmdlets keep them, in creation order.</summary>
    internal List<PsrpEmulator.Protocol.Clixml.PsObject> CimSessions { get; } = [];

    /// <summary>The next CIM session's Id: from 1, never reused (CimSessionState's counter).</summary>
    internal uint NextCimSessionId { get; set; } = 1;

    /// <summary>The session's location (Set-Location); null: where a remote session starts, the user's Documents folder.</summary>
    internal string? Location { get; set; }

    /// <summary>Push-Location's stack of locations.</summary>
    internal Stack<string>? LocationStack { get; set; }

    /// <summary>Start-Transcript's files, the latest last; null: the host is not transcribing.</summary>
    internal List<string>? Transcripts { get; set; }

    private ScriptTypes? _types;

    /// <summary>The types the session's scripts defined (<c>enum Name { }</c>); null until the first.</summary>
    internal ScriptTypes? Types => Volatile.Read(ref _types);

    /// <summary>The session's defined types, made at the first definition.</summary>
    internal ScriptTypes EnsureTypes() => LazyInitializer.EnsureInitialized(ref _types);

    /// <summary>
    /// Whether a variable of the session has ever been given a type or a validation attribute (<c>[int]$x = ...</c>,
    /// <c>[ValidateRange(1,5)]$x = ...</c>): until then no assignment looks for one.
    /// </summary>
    internal bool HasTypeConstraints { get; set; }

    /// <summary>Whether a variable was given options (New-Variable -Option ReadOnly): assignments check them then.</summary>
    internal bool HasVariableOptions { get; set; }
    private int _nextJobId = 1;

    private Lock Gate => LazyInitializer.EnsureInitialized(ref _lock);

    /// <summary>Cancelled when the runspace closes: its jobs stop.</summary>
    internal CancellationToken Closed
    {
        get
        {
            lock (Gate)
            {
                if (_isClosed) return new CancellationToken(canceled: true);
                return (_closed ??= new CancellationTokenSource()).Token;
            }
        }
    }

    internal bool TryGetVariable(string name, out PsValue value)
    {
        // No variable set yet (most runspaces): nothing to look up, and no lock made for it.
        if (Volatile.Read(ref _variables) is null)
        {
            value = null!;
            return false;
        }

        lock (Gate)
        {
            if (_variables is { } variables) return variables.TryGetValue(name, out value!);
            value = null!;
            return false;
        }
    }

    /// <summary>
    /// The environment variables the session set (<c>$env:NAME = value</c>; kept as <c>env:NAME</c>), as they are now:
    /// a removed one (<c>$null</c>, <c>''</c>) as null. A job's process inherits the session's environment when it starts.
    /// </summary>
    internal Dictionary<string, string?> EnvironmentSetBySession()
    {
        var set = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (Volatile.Read(ref _variables) is null) return set;
        lock (Gate)
        {
            foreach (var (name, value) in _variables!)
            {
                if (name.StartsWith("env:", StringComparison.OrdinalIgnoreCase)) set[name[4..]] = PipelineVariables.EnvironmentText(value);
            }
        }

        return set;
    }

    /// <summary>The session's variables whose names start with <paramref name="prefix"/> (<c>function:</c>: its functions), as they are now.</summary>
    internal List<KeyValuePair<string, PsValue>> VariablesStartingWith(string prefix)
    {
        if (Volatile.Read(ref _variables) is null) return [];
        lock (Gate) return [.. _variables!.Where(v => v.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))];
    }

    internal void SetVariable(string name, PsValue value)
    {
        lock (Gate) (_variables ??= new Dictionary<string, PsValue>(StringComparer.OrdinalIgnoreCase))[name] = value;
    }

    /// <summary>
    /// RESET_RUNSPACE_STATE (PowerShell's LocalRunspace.ResetRunspaceState): the session's variables, functions, types
    /// and <c>$Error</c> gone, the location back where a session starts. The process's environment variables stay (they
    /// are the process's, not the session state's), and so do the jobs.
    /// </summary>
    internal void ResetSessionState()
    {
        lock (Gate)
        {
            if (_variables is { } variables)
            {
                foreach (var name in variables.Keys.Where(n => !n.StartsWith("env:", StringComparison.OrdinalIgnoreCase)).ToList()) variables.Remove(name);
            }

            Location = null;
            LocationStack = null;
            HasTypeConstraints = false;
            HasVariableOptions = false;
        }
    }

    /// <summary>Remove-Variable: the variable (and any type it kept) gone; false when there was none.</summary>
    internal bool RemoveVariable(string name)
    {
        if (Volatile.Read(ref _variables) is null) return false;
        lock (Gate)
        {
            if (_variables is not { } variables) return false;
            variables.Remove(PipelineVariables.ConstraintKey(name));
            variables.Remove(PipelineVariables.ValidationKey(name));
            return variables.Remove(name);
        }
    }

    // The modules the session imported (Import-Module), made at the first.
    private List<string>? _modules;

    /// <summary>Import-Module: the module joins the session's (once).</summary>
    internal void ImportModule(string name)
    {
        lock (Gate)
        {
            var modules = _modules ??= [];
            if (!modules.Contains(name, StringComparer.OrdinalIgnoreCase)) modules.Add(name);
        }
    }

    /// <summary>Remove-Module: the module leaves the session; false when the session had not imported it.</summary>
    internal bool RemoveModule(string name)
    {
        if (Volatile.Read(ref _modules) is null) return false;
        lock (Gate) return _modules!.RemoveAll(m => m.Equals(name, StringComparison.OrdinalIgnoreCase)) > 0;
    }

    /// <summary>The modules the session imported, in the order it imported them.</summary>
    internal List<string> ImportedModules()
    {
        if (Volatile.Read(ref _modules) is null) return [];
        lock (Gate) return [.. _modules!];
    }

    /// <summary>$MaximumErrorCount: the error records <c>$Error</c> keeps.</summary>
    internal const int MaximumErrorCount = 256;

    /// <summary>Windows PowerShell 5.1's $MaximumHistoryCount: the oldest entries go beyond it.</summary>
    internal const int MaximumHistoryCount = 4096;

    // The session's history (pipelines the client asked to add to it), made at the first entry.
    private List<HistoryEntry>? _history;
    private long _lastHistoryId;

    /// <summary>
    /// A finished pipeline the client asked to add to the history (CREATE_PIPELINE's AddToHistory), as LocalPipeline
    /// adds it: the next id, its command line, how it ended, and when it started and ended.
    /// </summary>
    internal void AddHistory(string commandLine, PSInvocationState status, DateTimeOffset start, DateTimeOffset end)
    {
        lock (Gate)
        {
            var history = _history ??= [];
            history.Add(new HistoryEntry(++_lastHistoryId, commandLine, status, start, end));
            if (history.Count > MaximumHistoryCount) history.RemoveAt(0);
        }
    }

    // $^ and $$'s state (the parser's _previousFirstTokenText and _previousLastTokenText) is the shell's (Shell.ParsedForHistory):
    // the first script parsed for the history, as its text, and from the second on a KeptTokens.
    internal sealed class KeptTokens(string pending)
    {
        /// <summary>The last script with tokens parsed for the history, whose tokens the next one's $^ and $$ take.</summary>
        public string Pending { get; set; } = pending;

        public string? First { get; set; }

        public string? Last { get; set; }
    }

    /// <summary>
    /// A script with tokens that the client asked to add to the history is about to run, after another such script
    /// (<paramref name="state"/>: its text, or the KeptTokens of those before): <c>$^</c> and <c>$$</c> become the first
    /// and last token of the one before, and this one is kept for the next, as the parser's SetPreviousFirstLastToken
    /// does. A token that is <c>$^</c> or <c>$$</c> itself leaves the kept one as it was.
    /// </summary>
    internal void ParsedForHistory(ref object? state, string script)
    {
        lock (Gate)
        {
            if (state is string previous) state = new KeptTokens(previous);
            var kept = (KeptTokens)state!;
            if (HistoryTokens.Of(kept.Pending) is var (first, last))
            {
                if (!first.IsDollarHatOrDollarDollar) kept.First = first.Text;
                if (!last.IsDollarHatOrDollarDollar) kept.Last = last.Text;
            }

            kept.Pending = script;
            var variables = _variables ??= new Dictionary<string, PsValue>(StringComparer.OrdinalIgnoreCase);
            variables["^"] = kept.First is null ? PsNil.Instance : PsPrimitive.String(kept.First);
            variables["$"] = kept.Last is null ? PsNil.Instance : PsPrimitive.String(kept.Last);
        }
    }

    /// <summary>The id the next history entry gets (an InvocationInfo's HistoryId, as InvocationInfo takes GetNextHistoryId).</summary>
    internal long NextHistoryId
    {
        get
        {
            if (Volatile.Read(ref _history) is null) return 1;
            lock (Gate) return _lastHistoryId + 1;
        }
    }

    /// <summary>The history's entries, oldest first.</summary>
    internal List<HistoryEntry> History()
    {
        if (Volatile.Read(ref _history) is null) return [];
        lock (Gate) return [.. _history!];
    }

    /// <summary>Clear-History: the entries <paramref name="remove"/> picks from the list, oldest first, go.</summary>
    internal void ClearHistory(Func<IReadOnlyList<HistoryEntry>, IEnumerable<HistoryEntry>> remove)
    {
        if (Volatile.Read(ref _history) is null) return;
        lock (Gate)
        {
            var gone = remove(_history!).ToHashSet();
            _history!.RemoveAll(gone.Contains);
        }
    }

    /// <summary>
    /// An error record the session saw, most recent first in <c>$Error</c> (an ArrayList, made at the first error),
    /// as PowerShell keeps it: written ones, hidden ones (-ErrorAction SilentlyContinue), caught ones and the reason a
    /// pipeline failed; at most <see cref="MaximumErrorCount"/>.
    /// </summary>
    internal void RecordError(PsValue record)
    {
        lock (Gate)
        {
            var variables = _variables ??= new Dictionary<string, PsValue>(StringComparer.OrdinalIgnoreCase);
            if (!variables.TryGetValue("Error", out var held) || held is not PsObject { CollectionKind: PsCollectionKind.List } errors)
            {
                errors = PsObjects.List([], ScriptExpressions.ArrayListTypeNames);
                variables["Error"] = errors;
            }

            // Held as the session holds it: its command a CommandInfo ($Error[0].InvocationInfo.MyCommand.Name).
            errors.Items.Insert(0, record is PsObject kept ? CommandInfos.WithCommandInfo(kept) : record);
            if (errors.Items.Count > MaximumErrorCount) errors.Items.RemoveAt(errors.Items.Count - 1);
        }
    }

    /// <summary>A new job's Id: PowerShell gives the parent job one Id and its child job the next, so Start-Job hands out 1, 3, 5...</summary>
    internal BackgroundJob AddJob(string command, string? name, TimeProvider time, Func<string, string?>? environment = null, Func<string, PsValue?>? automaticVariables = null)
    {
        lock (Gate)
        {
            var id = _nextJobId;
            _nextJobId += 2;
            var job = new BackgroundJob(id, string.IsNullOrEmpty(name) ? "Job" + id.ToString(System.Globalization.CultureInfo.InvariantCulture) : name, command, time.GetUtcNow())
            {
                SessionEnvironment = environment,
                SessionAutomaticVariables = automaticVariables,
            };
            (_jobs ??= []).Add(job);
            return job;
        }
    }

    internal IReadOnlyList<BackgroundJob> Jobs
    {
        get
        {
            lock (Gate) return _jobs is { } jobs ? [.. jobs] : [];
        }
    }

    internal void RemoveJob(BackgroundJob job)
    {
        lock (Gate) _jobs?.Remove(job);
    }

    /// <summary>The runspace closes (shell deleted): running jobs are stopped.</summary>
    internal void Close()
    {
        CancellationTokenSource? closed;
        lock (Gate)
        {
            _isClosed = true;
            closed = _closed;
        }

        closed?.Cancel();
    }
}


/// <summary>
/// A <c>Start-Job</c> job inside a remote runspace: its command runs as a behaviour in the background (on the
/// server's clock) and what it writes is kept until a <c>Receive-Job</c> takes it.
/// </summary>
internal sealed class BackgroundJob(int id, string name, string command, DateTimeOffset beginTime) : IPipelineHost
{
    /// <summary>The type names of a Start-Job job (PSJobTypeName BackgroundJob).</summary>
    public static readonly string[] TypeNames = ["System.Management.Automation.PSRemotingJob", "System.Management.Automation.Job", "System.Object"];

    private readonly Lock _lock = new();
    private readonly List<IPsrpMessageBody> _results = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _version;

    public int Id => id;
    public string Name => name;
    public string Command => command;

    /// <summary>
    /// The environment of the session process that started the job: a job's process is its child and inherits it
    /// ($env:COMPUTERNAME, USERNAME...); null: none (a job started outside a session).
    /// </summary>
    public Func<string, string?>? SessionEnvironment { get; init; }

    public string? EnvironmentVariable(string name) => SessionEnvironment?.Invoke(name);

    /// <summary>The session's automatic variables ($PSVersionTable...): the job's process runs the same PowerShell.</summary>
    public Func<string, PsValue?>? SessionAutomaticVariables { get; init; }

    public PsValue? AutomaticVariable(string name) => SessionAutomaticVariables?.Invoke(name);

    /// <summary>The disk of the session's computer: a job's process is on the same computer.</summary>
    public VirtualFileSystem? FileSystem { get; set; }
    public Guid InstanceId { get; } = Guid.NewGuid();
    public DateTimeOffset BeginTime => beginTime;
    public DateTimeOffset? EndTime { get; private set; }
    public JobState State { get; private set; } = JobState.Running;
    public bool IsFinished => State is JobState.Completed or JobState.Failed or JobState.Stopped;

    public bool HasMoreData
    {
        get
        {
            lock (_lock) return _results.Count > 0;
        }
    }

    /// <summary>Results written and not yet taken (for tests and diagnostics).</summary>
    public int ResultCount
    {
        get
        {
            lock (_lock) return _results.Count;
        }
    }

    /// <summary>Stops the job (Stop-Job, or the runspace closing).</summary>
    public CancellationTokenSource Stop { get; } = new();

    /// <summary>
    /// Results a job holds before its writes wait for a Receive-Job to take some (PowerShell's are unbounded; the
    /// emulator's must not let one command fill the memory, nor run a long loop inline).
    /// </summary>
    public const int MaxResults = 10_000;

    private TaskCompletionSource _taken = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Where the job's running top-level statement is in its command (-1: not found as written), to place its records:
    // the job's process runs the block's text as its script, so its records are placed in that text ("At line:1 char:7").
    private int _statementStart = -1;
    private int _statementLength;
    private StatementCursor? _statements;

    public string? ScriptText => command;

    public void StatementStarting(string statement, int nesting)
    {
        if (statement.Length == 0) return;
        (_statementStart, _statementLength) = Shells.ErrorPlacement.NextStatement(ref _statements, command, statement, nesting);
    }

    public PsObject PlaceCaught(PsObject record, string? statement) =>
        Shells.ErrorPlacement.PlaceCaught(record, command, isScript: true, commandCount: 1, _statementStart, _statementLength, statement);

    public PsObject PlaceUnsent(PsObject record) => Placed(record, errorStream: true);

    public PsObject PlaceMerged(PsObject record) => Placed(record, errorStream: true);

    private PsObject Placed(PsObject record, bool errorStream) =>
        Shells.ErrorPlacement.Place(record, command, isScript: true, commandCount: 1, _statementStart, _statementLength, serializeExtendedInfo: false, errorStream);

    public async ValueTask WriteAsync(IPsrpMessageBody record, CancellationToken cancellationToken)
    {
        if (record is ErrorRecordMessage { Record: var error }) record = new ErrorRecordMessage(Placed(error, errorStream: true));
        while (true)
        {
            Task taken;
            lock (_lock)
            {
                if (_results.Count < MaxResults)
                {
                    _results.Add(record);
                    break;
                }

                taken = _taken.Task;
            }

            await taken.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        Signal();
    }

    // A background job has no pipeline input.
    public ValueTask<PsValue?> ReadInputAsync(CancellationToken cancellationToken) => ValueTask.FromResult<PsValue?>(null);

    public void Finish(PipelineOutcome outcome, DateTimeOffset now)
    {
        lock (_lock)
        {
            // A job that failed reports its reason as an error record to Receive-Job.
            if (outcome is { State: PSInvocationState.Failed, ErrorRecord: { } reason }) _results.Add(new ErrorRecordMessage(Placed(reason, errorStream: false)));
            State = outcome.State switch
            {
                PSInvocationState.Failed => JobState.Failed,
                PSInvocationState.Stopped => JobState.Stopped,
                _ => JobState.Completed,
            };
            EndTime = now;
        }

        Signal();
    }

    /// <summary>
    /// What Receive-Job gets now: with <paramref name="keep"/> everything from <paramref name="cursor"/> on (kept for the
    /// next Receive-Job), without it everything not yet received (then gone).
    /// </summary>
    public IReadOnlyList<IPsrpMessageBody> Take(bool keep, ref int cursor) => Take(keep, ref cursor, out _);

    /// <summary>As <see cref="Take(bool, ref int)"/>; <paramref name="version"/> is what <see cref="WaitForChangeAsync"/> waits past.</summary>
    public IReadOnlyList<IPsrpMessageBody> Take(bool keep, ref int cursor, out long version)
    {
        lock (_lock)
        {
            version = _version;
            if (keep)
            {
                var kept = _results.Skip(cursor).ToList();
                cursor = _results.Count;
                return kept;
            }

            var taken = _results.ToList();
            _results.Clear();
            cursor = 0;
            var released = _taken;
            _taken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            released.TrySetResult();
            return taken;
        }
    }

    /// <summary>The current change count (writes and the end), for <see cref="WaitForChangeAsync"/>.</summary>
    public long Version
    {
        get
        {
            lock (_lock) return _version;
        }
    }

    /// <summary>Completes when the job has written or finished since <paramref name="version"/> (at once when it already has).</summary>
    public Task WaitForChangeAsync(long version, CancellationToken cancellationToken)
    {
        lock (_lock) return IsFinished || _version != version ? Task.CompletedTask : _changed.Task.WaitAsync(cancellationToken);
    }

    private void Signal()
    {
        TaskCompletionSource previous;
        lock (_lock)
        {
            _version++;
            previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }

    /// <summary>The job as PowerShell serializes a PSRemotingJob (the properties its Get-Job table shows, and a few more).</summary>
    public PsObject ToPsObject(JobState? state = null)
    {
        var shown = state ?? State;
        var obj = new PsObject(TypeNames) { ToStringValue = TypeNames[0] };
        void Add(string n, PsValue v) => obj.AdaptedProperties.Add(new PsProperty(n, v));
        Add("Command", PsPrimitive.String(command));
        Add("JobStateInfo", new PsObject(["System.Management.Automation.JobStateInfo", "System.Object"]) { ToStringValue = shown.ToString() }
            .With("State", JobStateValue(shown)).With("Reason", PsNil.Instance));
        Add("InstanceId", PsPrimitive.Guid(InstanceId));
        Add("Id", PsPrimitive.Int32(id));
        Add("Name", PsPrimitive.String(name));
        Add("PSJobTypeName", PsPrimitive.String("BackgroundJob"));
        Add("State", JobStateValue(shown));
        Add("HasMoreData", PsPrimitive.Boolean(HasMoreData));
        Add("StatusMessage", PsPrimitive.String(string.Empty));
        Add("Location", PsPrimitive.String("localhost"));
        Add("PSBeginTime", PsPrimitive.DateTime(beginTime));
        Add("PSEndTime", state is null && EndTime is { } end ? PsPrimitive.DateTime(end) : PsNil.Instance);
        return obj;
    }

    private static PsObject JobStateValue(JobState state) => PsObjects.Enum("System.Management.Automation.JobState", state.ToString(), (int)state);
}

/// <summary>One entry of the session's history (Get-History's HistoryInfo).</summary>
internal sealed record HistoryEntry(long Id, string CommandLine, PSInvocationState Status, DateTimeOffset Start, DateTimeOffset End);
