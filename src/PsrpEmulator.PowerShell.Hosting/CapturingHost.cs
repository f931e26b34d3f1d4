using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text;

namespace PsrpEmulator.PowerShell.Hosting;

/// <summary>A console-like host whose screen is a text buffer; credential prompts are answered by a callback.</summary>
public sealed class CapturingHost : PSHost
{
    private readonly CapturingHostUserInterface _ui;

    public CapturingHost(string name, Func<string, string?, System.Management.Automation.PSCredential?>? credentialPrompt = null)
    {
        Name = name;
        _ui = new CapturingHostUserInterface(credentialPrompt);
    }

    public override string Name { get; }

    public override Version Version { get; } = new(7, 6, 9);

    public override Guid InstanceId { get; } = Guid.NewGuid();

    public override PSHostUserInterface UI => _ui;

    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;

    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;

    /// <summary>Everything written to the screen so far.</summary>
    public string Text => _ui.Text;

    /// <summary>Returns the screen text and clears it.</summary>
    public string TakeText() => _ui.TakeText();

    /// <summary>Every progress record shown so far, with the source id it came with.</summary>
    public IReadOnlyList<(long SourceId, ProgressRecord Record)> Progress => _ui.Progress;

    /// <summary>Lines the user will type: each ReadLine, and each field of a Prompt, takes the next one.</summary>
    public void Type(params string[] lines) => _ui.Type(lines);

    public override void SetShouldExit(int exitCode)
    {
    }

    public override void EnterNestedPrompt() => throw new NotSupportedException();

    public override void ExitNestedPrompt() => throw new NotSupportedException();

    public override void NotifyBeginApplication()
    {
    }

    public override void NotifyEndApplication()
    {
    }
}

internal sealed class CapturingHostUserInterface(Func<string, string?, System.Management.Automation.PSCredential?>? credentialPrompt) : PSHostUserInterface
{
    private readonly StringBuilder _text = new();
    private readonly Lock _sync = new();
    private readonly RawUserInterface _raw = new();

    public override PSHostRawUserInterface RawUI => _raw;

    public string Text
    {
        get
        {
            lock (_sync) return _text.ToString();
        }
    }

    public string TakeText()
    {
        lock (_sync)
        {
            var text = _text.ToString();
            _text.Clear();
            return text;
        }
    }

    private void Append(string value)
    {
        lock (_sync) _text.Append(value);
    }

    public override void Write(string value) => Append(value);

    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Append(value);

    public override void WriteLine(string value) => Append(value + "\n");

    public override void WriteErrorLine(string value) => Append(value + "\n");

    public override void WriteWarningLine(string message) => Append("WARNING: " + message + "\n");

    public override void WriteVerboseLine(string message) => Append("VERBOSE: " + message + "\n");

    public override void WriteDebugLine(string message) => Append("DEBUG: " + message + "\n");

    public override void WriteInformation(InformationRecord record)
    {
    }

    private readonly List<(long, ProgressRecord)> _progress = [];

    public IReadOnlyList<(long SourceId, ProgressRecord Record)> Progress
    {
        get
        {
            lock (_sync) return [.. _progress];
        }
    }

    // Shown as a console shows a bar: not in the text.
    public override void WriteProgress(long sourceId, ProgressRecord record)
    {
        lock (_sync) _progress.Add((sourceId, record));
    }

    private readonly Queue<string> _typed = new();

    public void Type(string[] lines)
    {
        lock (_sync)
        {
            foreach (var line in lines) _typed.Enqueue(line);
        }
    }

    private string? NextTyped()
    {
        lock (_sync) return _typed.TryDequeue(out var line) ? line : null;
    }

    /// <summary>The next typed line (echoed with its new line, as a console shows it); empty when nothing was typed.</summary>
    public override string ReadLine()
    {
        var line = NextTyped() ?? string.Empty;
        Append(line + "\n");
        return line;
    }

    public override SecureString ReadLineAsSecureString() => new();

    /// <summary>
    /// Shows each field's name as the console host does (<c>Name: </c>) and answers it with the next typed line; with
    /// nothing typed it refuses, as a host that cannot prompt does.
    /// </summary>
    public override Dictionary<string, PSObject> Prompt(string caption, string message, System.Collections.ObjectModel.Collection<FieldDescription> descriptions)
    {
        var answers = new Dictionary<string, PSObject>();
        foreach (var field in descriptions)
        {
            var line = NextTyped() ?? throw new NotSupportedException("The hosted engine does not answer prompts.");
            Append($"{field.Name}: {line}\n");
            answers[field.Name] = PSObject.AsPSObject(line);
        }

        return answers;
    }

    /// <summary>
    /// Shows the question (e.g. -Confirm's) on the screen and takes the next typed line as the answer: a choice's hot
    /// key (<c>N</c> for <c>&amp;No</c>), its label without the <c>&amp;</c>, or its index; nothing typed, or an empty
    /// line, is the default choice.
    /// </summary>
    public override int PromptForChoice(string caption, string message, System.Collections.ObjectModel.Collection<ChoiceDescription> choices, int defaultChoice)
    {
        Append($"{caption}\n{message}\n");
        var typed = NextTyped()?.Trim();
        if (string.IsNullOrEmpty(typed)) return defaultChoice;
        Append(typed + "\n");
        if (PsrpEmulator.Protocol.Psrp.RemoteHostCalls.ChoiceIndex([.. choices.Select(c => c.Label)], typed) is { } chosen) return chosen;
        return int.TryParse(typed, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var index) ? index : defaultChoice;
    }

    public override System.Management.Automation.PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
        PromptForCredential(caption, message, userName, targetName, PSCredentialTypes.Default, PSCredentialUIOptions.Default);

    public override System.Management.Automation.PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
        PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options)
    {
        Append($"{caption}\n{message}\n");
        return credentialPrompt?.Invoke(userName, targetName) ?? throw new PSInvalidOperationException($"No password is known for {userName}.");
    }

    private sealed class RawUserInterface : PSHostRawUserInterface
    {
        public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;

        public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;

        public override Coordinates CursorPosition { get; set; }

        public override Coordinates WindowPosition { get; set; }

        public override int CursorSize { get; set; }

        public override Size BufferSize { get; set; } = new(120, 9999);

        public override Size WindowSize { get; set; } = new(120, 50);

        public override Size MaxWindowSize => new(120, 50);

        public override Size MaxPhysicalWindowSize => new(120, 50);

        public override bool KeyAvailable => false;

        public override string WindowTitle { get; set; } = string.Empty;

        public override void FlushInputBuffer()
        {
        }

        public override BufferCell[,] GetBufferContents(Rectangle rectangle) => new BufferCell[0, 0];

        public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException();

        public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill)
        {
        }

        public override void SetBufferContents(Coordinates origin, BufferCell[,] contents)
        {
        }

        public override void SetBufferContents(Rectangle rectangle, BufferCell fill)
        {
        }
    }
}
