using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Compare-Object, as Windows PowerShell 5.1's CompareObjectCommand matches and orders: each difference object is
/// matched against the next reference object, then against the reference objects held back, while each reference
/// object is matched against the difference objects held back (at most SyncWindow of each; unmatched ones leave the
/// window oldest first); what is left is written at the end, difference objects (<c>=&gt;</c>) before reference
/// objects (<c>&lt;=</c>). Objects compare as PowerShell's ObjectCommandComparer does: numbers and strings by value
/// (strings without case unless -CaseSensitive), other objects by their text (so two services are equal without
/// -Property, as on Windows). <c>-ExcludeDifferent</c> alone writes nothing: 5.1 does not turn -IncludeEqual on for it
/// (PowerShell 7 does).
/// </summary>
internal sealed partial class RunContext
{
    private sealed class ObjectComparison(IReadOnlyList<PsValue> reference, IReadOnlyList<string> properties, int syncWindow,
        bool includeEqual, bool excludeDifferent, bool passThru, bool caseSensitive)
    {
        private sealed record Entry(PsValue Input, PsValue[] Keys);

        /// <summary>Objects a side: matching is quadratic (as in PowerShell), so the emulator bounds it.</summary>
        public const int MaxObjects = 5_000;

        private readonly List<Entry> _referenceEntries = reference.Count > MaxObjects
            ? throw new ScenarioRuntimeException($"Compare-Object compares at most {MaxObjects} objects a side in the emulator")
            : [.. reference.Select(r => Key(r, properties))];
        private int _differences;
        private readonly List<Entry> _referenceBacklog = [];
        private readonly List<Entry> _differenceBacklog = [];
        private int _next;

        /// <summary>One difference object (null: none, to take the next reference object alone): what it makes written.</summary>
        public List<PsValue> Process(PsValue? difference)
        {
            var written = new List<PsValue>();
            if (difference is not null && ++_differences > MaxObjects)
            {
                throw new ScenarioRuntimeException($"Compare-Object compares at most {MaxObjects} objects a side in the emulator");
            }

            var differenceEntry = difference is null ? null : Key(difference, properties);
            var referenceEntry = _next < _referenceEntries.Count ? _referenceEntries[_next++] : null;
            if (referenceEntry is not null && differenceEntry is not null && Same(referenceEntry, differenceEntry))
            {
                Match(referenceEntry, written);
                return written;
            }

            if (MatchAndRemove(differenceEntry, _referenceBacklog) is { } heldReference)
            {
                Match(heldReference, written);
                differenceEntry = null;
            }

            if (MatchAndRemove(referenceEntry, _differenceBacklog) is not null)
            {
                Match(referenceEntry!, written);
                referenceEntry = null;
            }

            if (differenceEntry is not null) Hold(differenceEntry, _differenceBacklog, "=>", written);
            if (referenceEntry is not null) Hold(referenceEntry, _referenceBacklog, "<=", written);
            return written;
        }

        /// <summary>The end of the input: the reference objects not yet taken, then what both windows still hold.</summary>
        public List<PsValue> End()
        {
            var written = new List<PsValue>();
            while (_next < _referenceEntries.Count) written.AddRange(Process(null));
            foreach (var entry in _differenceBacklog) Different(entry, "=>", written);
            foreach (var entry in _referenceBacklog) Different(entry, "<=", written);
            _differenceBacklog.Clear();
            _referenceBacklog.Clear();
            return written;
        }

        private void Hold(Entry entry, List<Entry> backlog, string side, List<PsValue> written)
        {
            if (syncWindow == 0)
            {
                Different(entry, side, written);
                return;
            }

            while (backlog.Count >= syncWindow)
            {
                Different(backlog[0], side, written);
                backlog.RemoveAt(0);
            }

            backlog.Add(entry);
        }

        private Entry? MatchAndRemove(Entry? entry, List<Entry> backlog)
        {
            if (entry is null) return null;
            var at = backlog.FindIndex(held => Same(entry, held));
            if (at < 0) return null;
            var found = backlog[at];
            backlog.RemoveAt(at);
            return found;
        }

        private bool Same(Entry a, Entry b)
        {
            for (var k = 0; k < a.Keys.Length; k++)
            {
                // Objects that are not comparable compare by their text: a PSCustomObject's "@{a=1}", another's ToString.
                var same = a.Keys[k] is PsObject { BaseValue: null } x && b.Keys[k] is PsObject { BaseValue: null } y
                    ? string.Equals(PipelineVariables.Display(x), PipelineVariables.Display(y), caseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase)
                    : ScriptExpressions.Order(a.Keys[k], b.Keys[k], caseSensitive) == 0;
                if (!same) return false;
            }

            return true;
        }

        private void Match(Entry entry, List<PsValue> written)
        {
            if (includeEqual) written.Add(Result(entry, "=="));
        }

        private void Different(Entry entry, string side, List<PsValue> written)
        {
            if (!excludeDifferent) written.Add(Result(entry, side));
        }

        // A PSCustomObject of InputObject (or the -Property values) and SideIndicator; with -PassThru the object itself
        // with a SideIndicator note (a primitive in a wrapper that carries it).
        private PsValue Result(Entry entry, string side)
        {
            PsObject result;
            if (passThru)
            {
                result = entry.Input switch
                {
                    PsObject o => o,
                    PsPrimitive p => Wrapped(p),
                    _ => PsObjects.CustomObject(),
                };
                result.ExtendedProperties.RemoveAll(p => p.Name.Equals("SideIndicator", StringComparison.OrdinalIgnoreCase));
            }
            else
            {
                result = PsObjects.CustomObject();
                if (properties.Count == 0) result.With("InputObject", entry.Input);
                for (var k = 0; k < properties.Count; k++)
                {
                    if (result[properties[k]] is null) result.With(properties[k], entry.Keys[k]);
                }
            }

            return result.With("SideIndicator", side);
        }

        private static Entry Key(PsValue item, IReadOnlyList<string> properties) =>
            new(item, properties.Count == 0 ? [item] : [.. properties.Select(p => VariableValueTemplate.Member(item, p))]);
    }

    /// <summary>Compare-Object's parameters other than DifferenceObject, bound and checked as CompareObjectCommand's.</summary>
    private async ValueTask<ObjectComparison> ObjectComparisonAsync(StageArguments arguments, string? referenceWord, IPipelineHost? to, int blockNesting)
    {
        const string command = "Compare-Object";
        if (referenceWord is null)
        {
            throw new StatementTerminatedException(ParameterError(command, "Cannot process command because of one or more missing mandatory parameters: ReferenceObject.", "MissingMandatoryParameter"));
        }

        var reference = await ArgumentAsync(referenceWord, to, blockNesting);
        if (reference is PsNil)
        {
            throw new StatementTerminatedException(ParameterError(command, "Cannot bind argument to parameter 'ReferenceObject' because it is null.", "ParameterArgumentValidationErrorNullNotAllowed"));
        }

        var properties = await ArgumentTextsAsync(arguments["Property"], to, blockNesting);

        var syncWindow = int.MaxValue;
        if (arguments["SyncWindow"] is { } windowWord)
        {
            var window = ScriptExpressions.AsNumberOrNull(await ArgumentAsync(windowWord, to, blockNesting));
            if (window is not { } w || w < 0 || w > int.MaxValue || w != Math.Floor(w))
            {
                throw new StatementTerminatedException(ParameterError(command,
                    $"Cannot validate argument on parameter 'SyncWindow'. The {windowWord} argument is less than the minimum allowed range of 0. Supply an argument that is greater than or equal to 0 and then try the command again.",
                    "ParameterArgumentValidationError"));
            }

            syncWindow = (int)w;
        }

        return new ObjectComparison([.. ScriptExpressions.Enumerate(reference)], properties, syncWindow,
            arguments.Has("IncludeEqual"), arguments.Has("ExcludeDifferent"), arguments.Has("PassThru"), arguments.Has("CaseSensitive"));
    }

    /// <summary>Compare-Object with both sets as arguments: the difference objects in one go, then the end.</summary>
    private async ValueTask<List<PsValue>> CompareObjectAsync(StageArguments arguments, IPipelineHost? to, int blockNesting)
    {
        var comparison = await ObjectComparisonAsync(arguments, arguments["ReferenceObject"], to, blockNesting);
        if (arguments["DifferenceObject"] is not { } differenceWord)
        {
            throw new StatementTerminatedException(ParameterError("Compare-Object", "Cannot process command because of one or more missing mandatory parameters: DifferenceObject.", "MissingMandatoryParameter"));
        }

        var difference = await ArgumentAsync(differenceWord, to, blockNesting);
        if (difference is PsNil)
        {
            throw new StatementTerminatedException(ParameterError("Compare-Object", "Cannot bind argument to parameter 'DifferenceObject' because it is null.", "ParameterArgumentValidationErrorNullNotAllowed"));
        }

        var written = new List<PsValue>();
        foreach (var item in ScriptExpressions.Enumerate(difference)) written.AddRange(comparison.Process(item));
        written.AddRange(comparison.End());
        return written;
    }

    /// <summary><c>... | Compare-Object $reference</c>: each piped object is a difference object.</summary>
    /// <remarks>Without any piped object it writes nothing: 5.1 sets its reference objects up on the first one.</remarks>
    private sealed class CompareObjectStage(ObjectComparison comparison) : Stage
    {
        private bool _started;

        public override async ValueTask ProcessAsync(PsValue item)
        {
            _started = true;
            foreach (var written in comparison.Process(item)) await Emit(written);
        }

        public override async ValueTask EndAsync()
        {
            if (_started)
            {
                foreach (var written in comparison.End()) await Emit(written);
            }

            await EndNext();
        }
    }
}
