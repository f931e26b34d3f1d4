using System.Text;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours.Formatting;

/// <summary>
/// Windows PowerShell 5.1's Out-Default as text: what powershell.exe prints to a redirected console, and what Out-String
/// returns. The first object that is not a scalar chooses the view of the whole output; the objects that view applies
/// to follow it (every object, when it is a table or list without a view of its type), scalars are written as their
/// text where they come, and objects of another type are written "out of band" as lists of their own.
/// </summary>
/// <remarks>
/// <para>Layout, as 5.1's TableWriter, ListWriter and output commands write it (in PowerShell 6 and later the trailing
/// spaces and some blank lines went):</para>
/// <list type="bullet">
/// <item>A table: a blank line, the labels, dashes under each label, the rows, two blank lines. Columns are one space
/// apart, every cell is padded to its column's width (rows end in spaces), text too long for its column is cut to the
/// width with "..." (at its start when the column is right-aligned), a value with a line break is cut there.</item>
/// <item>Column widths: a view's; a column without one takes what is left of the screen. A table whose first column
/// has no width (a table without a view) waits for the objects that come within 300 ms of its first, on the session's
/// clock, as PowerShell's output group queue does, and sizes every column to its longest label or text among them;
/// later rows keep those widths. Too wide for the screen, the last columns shrink, then go.</item>
/// <item>Without a view, numbers, booleans and enums of the first object align right, the rest left.</item>
/// <item>A list: two blank lines, each object's entries as "Label : value" (labels padded to the longest, values
/// wrapped at words under their first character) followed by a blank line, and two more blank lines at the end.</item>
/// <item>A view that groups its objects (files by directory) starts each group with a blank line, the group's line and
/// two blank lines, and ends it with a blank line.</item>
/// </list>
/// </remarks>
internal sealed class OutDefaultWriter(int width, TimeProvider? time = null)
{
    /// <summary>How long PowerShell's output group queue collects objects to size a table by.</summary>
    public static readonly TimeSpan GroupingWindow = TimeSpan.FromMilliseconds(300);

    /// <summary>The most objects held to size one table (PowerShell holds what its window brings; this bounds it).</summary>
    private const int MaxHeldObjects = 10_000;

    /// <summary>
    /// Collections inside collections are enumerated too, to this depth and this many items per object written
    /// (beyond them a collection is written as its text): a collection holding itself many times over, through CLIXML
    /// references or repeated arrays, would otherwise make one object's output endless.
    /// </summary>
    private const int MaxEnumerationDepth = 8, MaxEnumeratedItems = 1_000_000;

    private int _enumerated;

    /// <summary>The screen's usable width: PowerShell never writes the console's last column.</summary>
    private readonly int _columns = Math.Max(2, width);

    private FormatView? _view;
    private string? _group;
    private bool _viewAppliesToAll;
    private List<PsValue>? _held;

    // Out-of-band text (an error or a stream's record) that came while table rows were held: written after the rows
    // before it when the table is released, in the order PowerShell's formatting cache keeps.
    private List<(int AfterRows, string Text)>? _heldOutOfBand;
    private DateTimeOffset _groupStart;
    private int[]? _widths;
    private ColumnAlignment[]? _alignments;

    /// <summary>
    /// The view of each object (Format-Table, Format-List; null for one written as its text): the view of the first
    /// applies to all, each list entry showing its own object's properties.
    /// </summary>
    public Func<PsValue, FormatView?>? ForcedView { get; init; }

    /// <summary>Sizes a table by all its objects (Format-Table -AutoSize), not by those of the first 300 ms.</summary>
    public bool AutoSize { get; init; }

    /// <summary>Writes a table's rows without its labels and dashes (Format-Table -HideTableHeaders).</summary>
    public bool HideTableHeaders { get; init; }

    /// <summary>Wraps text too long for its column onto more lines instead of cutting it (Format-Table -Wrap).</summary>
    public bool Wrap { get; init; }

    /// <summary>$FormatEnumerationLimit as the cmdlet read it: the items of a collection a cell shows (negative: all).</summary>
    public int EnumerationLimit { get; init; } = FormatViews.EnumerationLimit;

    /// <summary>Text as the lines a Format cmdlet or <c>Out-String -Stream</c> writes (each line's break removed).</summary>
    public static IEnumerable<string> Lines(string text)
    {
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf("\r\n", start, StringComparison.Ordinal);
            if (end < 0)
            {
                yield return text[start..];
                yield break;
            }

            yield return text[start..end];
            start = end + 2;
        }
    }

    /// <summary>Adds one object; returns the text to write now (empty while a table waits for its window).</summary>
    public string Add(PsValue value)
    {
        using var limit = FormatViews.WithEnumerationLimit(EnumerationLimit);
        var text = new StringBuilder();
        _enumerated = 0;
        AddTo(text, value);
        return text.ToString();
    }

    /// <summary>Ends the output: the held table and the blank lines that close the view.</summary>
    public string Complete()
    {
        if (_view is null) return string.Empty;
        using var limit = FormatViews.WithEnumerationLimit(EnumerationLimit);
        var text = new StringBuilder();
        if (_view.Shape == FormatShape.Table && _widths is null) ReleaseTable(text);
        // The group's end and the format's end: a blank line each.
        text.Append("\r\n\r\n");

        _view = null;
        _held = null;
        _widths = null;
        return text.ToString();
    }

    /// <summary>All of Out-String's text for these objects.</summary>
    public static string Format(IEnumerable<PsValue> values, int width, Func<PsValue, FormatView?>? forcedView = null, bool autoSize = false)
    {
        var writer = new OutDefaultWriter(width) { ForcedView = forcedView, AutoSize = autoSize };
        using var limit = FormatViews.WithEnumerationLimit(writer.EnumerationLimit);
        var text = new StringBuilder();
        foreach (var value in values)
        {
            writer._enumerated = 0;
            writer.AddTo(text, value);
        }

        return text.Append(writer.Complete()).ToString();
    }

    private void AddTo(StringBuilder text, PsValue value, int depth = 0)
    {
        // Out-Default enumerates what it is given: an array's items, a hashtable's entries.
        var expand = depth < MaxEnumerationDepth && _enumerated < MaxEnumeratedItems;
        if (expand && value is PsObject { CollectionKind: PsCollectionKind.List or PsCollectionKind.Enumerable or PsCollectionKind.Stack or PsCollectionKind.Queue } list)
        {
            _enumerated += list.Items.Count;
            foreach (var item in list.Items) AddTo(text, item, depth + 1);
            return;
        }

        if (expand && value is PsObject { CollectionKind: PsCollectionKind.Dictionary } table)
        {
            foreach (var entry in table.Entries) AddTo(text, ScriptExpressions.EnumeratedEntry(table, entry.Key, entry.Value), depth + 1);
            return;
        }

        if (value is PsNil) return;
        // A table or list without a view takes every later object with properties as it is: no view to look up.
        var view = _view is { } current && _viewAppliesToAll && ForcedView is null && FormatViews.IsPlainObject(value)
            ? current
            : ForcedView?.Invoke(value) ?? FormatViews.For(value);
        if (view.Shape == FormatShape.Scalar)
        {
            // Between the rows of a table held for its widths it keeps its place, as PowerShell's cache of formatted
            // objects keeps their order (a Format-List's lines after a table came before it).
            var line = FormatViews.CellText(value) + "\r\n";
            if (_held is not null && _view is { Shape: FormatShape.Table }) (_heldOutOfBand ??= []).Add((_held.Count, line));
            else text.Append(line);
            return;
        }

        if (view.Shape == FormatShape.OutOfBand)
        {
            // An ErrorRecord: the console's error lines, wrapped at this writer's columns.
            // An ErrorRecord: the console's error lines; a stream's record merged into the output: its message's line.
            var band = view.Key != FormatViews.ErrorRecordTypeName ? view.Columns[0].Text(value) + "\r\n"
                : value is PsObject record ? ConsoleErrorView.Text(record, width + 1) : view.Columns[0].Text(value);
            if (_held is not null && _view is { Shape: FormatShape.Table }) (_heldOutOfBand ??= []).Add((_held.Count, band));
            else text.Append(band);
            return;
        }

        if (_view is null)
        {
            Start(text, view, value);
        }
        else if (!_viewAppliesToAll && view.Key != _view.Key && _view.EntryOf?.Invoke(value) is null)
        {
            WriteOutOfBand(text, value, view);
            return;
        }

        switch (_view!.Shape)
        {
            case FormatShape.Custom:
                text.Append(_view.Columns[0].Text(value)).Append("\r\n");
                break;
            case FormatShape.List:
                // Format-List -GroupBy: a new group's line after the last entry's blank line.
                if (_view.GroupHeader is { } listHeader && listHeader(value) is var listGroup && listGroup != _group) StartGroup(text, listGroup);
                // Format-List lists each object's own properties; Out-Default's list those of the first object.
                var entry = ForcedView is not null && view.Shape == FormatShape.List ? view : _view.EntryOf?.Invoke(value) ?? _view;
                WriteListEntry(text, entry, value, LabelWidth(entry));
                text.Append("\r\n");
                break;
            case FormatShape.Table when _widths is not null:
                if (_view.GroupHeader is { } header && header(value) is var group && group != _group) StartNextGroup(text, group);
                WriteRow(text, _view, value);
                break;
            case FormatShape.Table:
                _held!.Add(value);
                var late = !AutoSize && time is not null && time.GetUtcNow() - _groupStart > GroupingWindow;
                if (late || _held.Count >= MaxHeldObjects) ReleaseTable(text);
                break;
        }
    }

    // A table's next group: the last one ends with a blank line, this one starts with its line and the labels (the
    // columns keep their widths).
    private void StartNextGroup(StringBuilder text, string group)
    {
        text.Append("\r\n");
        StartGroup(text, group);
        if (!HideTableHeaders) text.Append(Header(_view!.Columns));
    }

    // A group's start: a blank line, its line, and the blank lines 5.1's complex writer leaves after it.
    private void StartGroup(StringBuilder text, string header)
    {
        _group = header;
        text.Append("\r\n").Append(header).Append("\r\n");
        for (var i = 0; i < _view!.GroupBlankLines; i++) text.Append("\r\n");
    }

    private void Start(StringBuilder text, FormatView view, PsValue first)
    {
        _group = null;
        _view = view;
        // A table or list chosen by property count (no view of the type), or forced, takes every later object.
        _viewAppliesToAll = ForcedView is not null || view.ByProperties;
        _groupStart = time?.GetUtcNow() ?? default;
        _widths = null;
        _held = null;
        _heldOutOfBand = null;
        text.Append("\r\n");
        switch (view.Shape)
        {
            case FormatShape.Table:
                if (view.GroupHeader is { } header) StartGroup(text, header(first));
                if (AutoSize || view.Columns.Count == 0 || view.Columns[0].Width == 0) _held = [];
                else ReleaseTable(text, first);
                break;
            case FormatShape.List:
                if (view.GroupHeader is null) text.Append("\r\n");
                break;
        }
    }

    // An object the view does not apply to: a list of its own properties between blank lines, written where it comes.
    private void WriteOutOfBand(StringBuilder text, PsValue value, FormatView view)
    {
        if (view.Shape == FormatShape.Custom)
        {
            text.Append(view.Columns[0].Text(value)).Append("\r\n");
            return;
        }

        var list = FormatViews.ListOf(value);
        text.Append("\r\n");
        WriteListEntry(text, list, value, LabelWidth(list));
        text.Append("\r\n");
    }

    // The window closed (or the output ended): size the columns, write the header and the held rows.
    // A column's alignment, when neither its view nor its property says, is its first object's value's (numbers right):
    // the held objects' first, or the first object of a table written as it comes.
    private void ReleaseTable(StringBuilder text, PsValue? first = null)
    {
        var view = _view!;
        var held = _held ?? [];
        var alignedBy = held.Count > 0 ? held[0] : first;
        var columns = view.Columns;
        _widths = new int[columns.Count];
        _alignments = new ColumnAlignment[columns.Count];
        var sized = _held is not null;
        for (var c = 0; c < columns.Count; c++)
        {
            var column = columns[c];
            _alignments[c] = column.Alignment ?? (alignedBy is not null && column.Property is { } p && FirstValue(alignedBy, p) is { } firstValue && FormatViews.AlignsRight(firstValue)
                ? ColumnAlignment.Right
                : ColumnAlignment.Left);
            // A column's own width (a view's, a calculated property's Width) stands unless -AutoSize sizes them all.
            if (!sized || column.Width > 0 && !AutoSize)
            {
                _widths[c] = column.Width;
                continue;
            }

            // The held objects' widths replace the view's, as PowerShell's auto-size hint does.
            var w = column.Label.Length;
            // A wrapping view's cell counts whole, its line breaks as cells (a PSMethod's overloads take the screen).
            foreach (var value in held) w = Math.Max(w, view.Wrap ? column.Text(value).Length : CellLength(column.Text(value)));
            _widths[c] = w;
        }

        FitToScreen(_widths);
        if (!HideTableHeaders) text.Append(Header(columns));
        var bands = _heldOutOfBand ?? [];
        var nextBand = 0;
        for (var row = 0; row < held.Count; row++)
        {
            var value = held[row];
            // Objects held for the table's widths may start groups of their own (Format-Table -GroupBy).
            if (view.GroupHeader is { } header && _group is not null && header(value) is var group && group != _group) StartNextGroup(text, group);
            WriteRow(text, view, value);
            for (; nextBand < bands.Count && bands[nextBand].AfterRows <= row + 1; nextBand++) text.Append(bands[nextBand].Text);
        }

        for (; nextBand < bands.Count; nextBand++) text.Append(bands[nextBand].Text);
        _held = null;
        _heldOutOfBand = null;
    }

    // A property of the table's first object, whose type aligns the column (a primitive's own: a date's Day).
    private static PsValue? FirstValue(PsValue first, string property) => first switch
    {
        PsObject o => o[property],
        PsPrimitive primitive => VariableValueTemplate.Member(primitive, property),
        _ => null,
    };

    // A cell's text up to its first line break (the rest is cut).
    private static int CellLength(string text)
    {
        var newline = text.AsSpan().IndexOfAny('\r', '\n');
        return newline < 0 ? text.Length : newline + 3;
    }

    /// <summary>
    /// ColumnWidthManager: columns without a width share what is left of the screen (one cell at a time, in turn);
    /// too wide, the last visible column shrinks, and goes (-1) when it would fall under one cell.
    /// </summary>
    private void FitToScreen(int[] widths)
    {
        var unsized = Enumerable.Range(0, widths.Length).Where(c => widths[c] <= 0).ToList();
        foreach (var c in unsized) widths[c] = 1;
        var spare = _columns - Used(widths);
        for (var i = 0; spare > 0 && unsized.Count > 0; i++, spare--) widths[unsized[i % unsized.Count]]++;

        while (Used(widths) > _columns)
        {
            var last = Array.FindLastIndex(widths, w => w > 0);
            if (last < 0) break;
            var excess = Used(widths) - _columns;
            if (widths[last] - excess >= 1) widths[last] -= excess;
            else if (last == 0) widths[0] = _columns;
            else widths[last] = -1;
        }
    }

    private static int Used(int[] widths)
    {
        var total = 0;
        var visible = 0;
        foreach (var w in widths)
        {
            if (w <= 0) continue;
            total += w;
            visible++;
        }

        return total + Math.Max(0, visible - 1);
    }

    // The labels (a label wider than its column goes on over more lines) and the dashes under them.
    private string Header(IReadOnlyList<FormatColumn> columns)
    {
        // A label too long for its column goes on over more lines, broken at a space as 5.1's table writer breaks it
        // ("Interface Index" in 9 columns: "Interface", "Index"), else cut.
        var labels = columns.Select((column, c) => _widths![c] > 0 ? WrapText(column.Label, _widths[c]) : [string.Empty]).ToList();
        var text = new StringBuilder();
        var lines = labels.Select(l => l.Count).DefaultIfEmpty(1).Max();
        var alignments = columns.Select((column, c) => column.HeaderAlignment ?? _alignments![c]).ToArray();
        for (var line = 0; line < lines; line++)
        {
            AppendLine(text, [.. labels.Select(l => line < l.Count ? l[line] : string.Empty)], cut: false, alignments);
        }

        AppendLine(text, [.. columns.Select((column, c) => new string('-', Math.Min(column.Label.Length, Math.Max(0, _widths![c]))))], cut: false);
        return text.ToString();
    }

    private void WriteRow(StringBuilder text, FormatView view, PsValue value)
    {
        var cells = view.Columns.Select(c => c.Text(value)).ToList();
        if (!Wrap && !view.Wrap)
        {
            AppendLine(text, cells, cut: true);
            return;
        }

        // -Wrap (and views whose rows wrap): each cell's lines, wrapped at words to its width, side by side; a row is
        // as many lines as its tallest cell.
        var parts = new List<string>[cells.Count];
        var height = 1;
        for (var c = 0; c < cells.Count; c++)
        {
            parts[c] = _widths![c] > 0 ? WrapText(cells[c], _widths[c]) : [string.Empty];
            height = Math.Max(height, parts[c].Count);
        }

        for (var line = 0; line < height; line++)
        {
            AppendLine(text, [.. parts.Select(p => line < p.Count ? p[line] : string.Empty)], cut: false);
        }
    }

    private void AppendLine(StringBuilder text, IReadOnlyList<string> cells, bool cut, ColumnAlignment[]? alignments = null)
    {
        alignments ??= _alignments!;
        var first = true;
        for (var c = 0; c < cells.Count; c++)
        {
            var w = _widths![c];
            if (w <= 0) continue;
            if (!first) text.Append(' ');
            first = false;
            var cell = cells[c];
            var right = alignments[c] == ColumnAlignment.Right;
            if (cut)
            {
                var newline = cell.AsSpan().IndexOfAny('\r', '\n');
                if (newline >= 0) cell = cell[..newline] + "...";
                if (cell.Length > w) cell = w <= 3 ? cell[..w] : right ? "..." + cell[^(w - 3)..] : cell[..(w - 3)] + "...";
            }

            text.Append(right ? cell.PadLeft(w) : cell.PadRight(w));
        }

        text.Append("\r\n");
    }

    private int LabelWidth(FormatView view) =>
        view.Columns.Count == 0 ? 0 : Math.Min(view.Columns.Max(c => c.Label.Length), Math.Max(1, _columns - 3 - 1));

    private void WriteListEntry(StringBuilder text, FormatView view, PsValue value, int labelWidth)
    {
        var room = Math.Max(1, _columns - labelWidth - 3);
        foreach (var column in view.Columns)
        {
            var label = column.Label.Length > labelWidth ? column.Label[..labelWidth] : column.Label.PadRight(labelWidth);
            var lines = WrapText(column.Text(value), room);
            text.Append(label).Append(" : ").Append(lines[0]).Append("\r\n");
            for (var i = 1; i < lines.Count; i++) text.Append(' ', labelWidth + 3).Append(lines[i]).Append("\r\n");
        }
    }

    /// <summary>A list value's lines: its own line breaks kept, each line wrapped at the last space that fits (or cut).</summary>
    internal static List<string> WrapText(string value, int room)
    {
        var lines = new List<string>();
        foreach (var line in value.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var rest = line;
            while (rest.Length > room)
            {
                var space = rest.LastIndexOf(' ', room);
                if (space > 0)
                {
                    lines.Add(rest[..space]);
                    rest = rest[(space + 1)..];
                }
                else
                {
                    lines.Add(rest[..room]);
                    rest = rest[room..];
                }
            }

            lines.Add(rest);
        }

        return lines;
    }
}
