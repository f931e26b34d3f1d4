using System.Text;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours.Formatting;

/// <summary>
/// Format-Wide's text as Windows PowerShell 5.1's Out-Default writes it (OutCommandInner's WideOutputContext over
/// TableWriter): items side by side, <c>-Column</c> of them a row (2 by default), or with <c>-AutoSize</c> as many as
/// the widest item fits (TableWriter.ComputeWideViewBestItemsPerRowFit). The columns share the line's width equally
/// (ColumnWidthManager with no widths: one character each, then round robin), one space apart; an item longer than its
/// column ends in "...". A row is written when full; the last one, short of items, at the group's end.
/// </summary>
internal sealed class WideWriter(int width, int? columns, bool autoSize, Func<PsValue, string?>? groupHeader = null, int groupBlankLines = 2)
{
    private const string Ellipsis = "...";

    // -AutoSize: every item is held until the end, to count the columns the widest one allows.
    private readonly List<string>? _held = autoSize ? [] : null;
    private readonly List<string> _row = [];
    private int[]? _widths;
    private bool _started;
    private string? _group;

    /// <summary>One object's item (its text, chosen by the caller); the lines it completes, if any.</summary>
    public string Add(PsValue value, string item)
    {
        var text = new StringBuilder();
        if (groupHeader?.Invoke(value) is { } group && group != _group)
        {
            if (_started)
            {
                // The group's end writes the short row; the next group's line follows, as a table's does.
                FlushRow(text);
            }

            StartGroup(text, group);
        }
        else if (!_started)
        {
            // FormatStartData's blank line, then WideOutputContext.GroupStart's.
            text.Append("\r\n\r\n");
        }

        _started = true;
        if (_held is not null)
        {
            _held.Add(item);
            return text.ToString();
        }

        AddToRow(text, item, columns ?? 2);
        return text.ToString();
    }

    /// <summary>Ends the output: the held items (-AutoSize), the last short row, the two blank lines that close the view.</summary>
    public string Complete()
    {
        if (!_started) return string.Empty;
        var text = new StringBuilder();
        if (_held is not null)
        {
            var widest = 0;
            foreach (var item in _held) widest = Math.Max(widest, Truncated(item).Length);
            var perRow = BestItemsPerRow(widest, width);
            foreach (var item in _held) AddToRow(text, item, perRow);
        }

        FlushRow(text);
        return text.Append("\r\n\r\n").ToString();
    }

    private void StartGroup(StringBuilder text, string group)
    {
        _group = group;
        // The group's line (a custom control: FileSystem.format.ps1xml's "Directory:" label) between blank lines, then
        // WideOutputContext.GroupStart's blank line.
        text.Append("\r\n\r\n").Append(group).Append("\r\n");
        for (var i = 0; i < groupBlankLines; i++) text.Append("\r\n");
        text.Append("\r\n");
    }

    private void AddToRow(StringBuilder text, string item, int perRow)
    {
        _widths ??= ColumnWidths(Math.Max(1, perRow), width);
        _row.Add(item);
        if (_row.Count == _widths.Length) FlushRow(text);
    }

    private void FlushRow(StringBuilder text)
    {
        if (_row.Count == 0 || _widths is null) return;
        for (var i = 0; i < _widths.Length; i++)
        {
            if (i > 0) text.Append(' ');
            text.Append(Field(i < _row.Count ? _row[i] : string.Empty, _widths[i]));
        }

        text.Append("\r\n");
        _row.Clear();
    }

    /// <summary>TableWriter.ComputeWideViewBestItemsPerRowFit: the most items of that width that fit, one space apart.</summary>
    internal static int BestItemsPerRow(int itemWidth, int screenColumns)
    {
        if (itemWidth <= 0 || screenColumns < 1 || itemWidth >= screenColumns) return 1;
        var count = 1;
        while (itemWidth * (count + 1) + count < screenColumns) count++;
        return count;
    }

    /// <summary>ColumnWidthManager for columns without widths: one character each, the rest handed out round robin.</summary>
    internal static int[] ColumnWidths(int count, int screenColumns)
    {
        var widths = new int[count];
        Array.Fill(widths, 1);
        var available = screenColumns - (count + (count - 1));
        for (var i = 0; available > 0; i = (i + 1) % count, available--) widths[i]++;
        return widths;
    }

    // The item's first line (TableWriter keeps one line a field).
    private static string Truncated(string item) => item.IndexOfAny(['\r', '\n']) is var end and >= 0 ? item[..end] : item;

    /// <summary>TableWriter.GenerateRowField, left-aligned: padded to the width, or cut to it with "..." at the end.</summary>
    internal static string Field(string item, int width)
    {
        var text = Truncated(item);
        if (text.Length < width) return text + new string(' ', width - text.Length);
        if (text.Length == width) return text;
        return width - Ellipsis.Length > 0 ? text[..(width - Ellipsis.Length)] + Ellipsis : text[..width];
    }
}
