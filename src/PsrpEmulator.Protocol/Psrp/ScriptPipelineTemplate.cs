using System.Text;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Protocol.Psrp;

/// <summary>
/// The CLIXML of a CREATE_PIPELINE whose only variable part is one command's text, serialized once: every such
/// message is the same bytes but for that text, which goes between them when CLIXML carries it as it is (printable
/// ASCII without markup or underscore). A client opening a pool and invoking a script per cycle serialized the
/// whole object graph (host info, merge settings, type names) every time. The bytes are immutable, only copied out of.
/// </summary>
public sealed class ScriptPipelineTemplate
{
    // Verbatim CLIXML text (no underscore, no markup) that no other part of a CREATE_PIPELINE contains.
    private const string Placeholder = "PsrpEmulatorScriptTextPlaceholder";

    private readonly Func<string, CreatePipeline> _shape;
    private readonly byte[] _before;
    private readonly byte[] _after;

    /// <summary>
    /// What this emulator's client sends to run a script without input (Invoke-Command -ScriptBlock): one IsScript
    /// command, NoInput, AddToHistory, the null host's HostInfo.
    /// </summary>
    public static ScriptPipelineTemplate InvokeScript { get; } = new(script =>
        new CreatePipeline([new PipelineCommand(script, IsScript: true, [])], NoInput: true, AddToHistory: true, HostInfo: PsrpObjects.DefaultHostInfo()));

    /// <param name="shape">The message for a given command text; called once, with a placeholder.</param>
    /// <param name="writeBom">Whether the CLIXML starts with a UTF-8 BOM (PowerShell's does).</param>
    public ScriptPipelineTemplate(Func<string, CreatePipeline> shape, bool writeBom = true)
    {
        ArgumentNullException.ThrowIfNull(shape);
        _shape = shape;
        var data = ClixmlSerializer.Serialize(shape(Placeholder).ToPsValue(), writeBom);
        var marker = Encoding.ASCII.GetBytes(Placeholder);
        var at = data.AsSpan().IndexOf(marker);
        if (at < 0 || data.AsSpan(at + marker.Length).IndexOf(marker) >= 0)
        {
            throw new ArgumentException("The shape must carry the command text exactly once.", nameof(shape));
        }

        _before = data[..at];
        _after = data[(at + marker.Length)..];
    }

    /// <summary>
    /// The CLIXML the shape serializes to for <paramref name="text"/>; null when the text is empty or CLIXML would
    /// escape some of it (serialize the message itself then).
    /// </summary>
    public byte[]? TryEncode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0 || !ClixmlString.IsVerbatim(text)) return null;
        var result = GC.AllocateUninitializedArray<byte>(_before.Length + text.Length + _after.Length);
        _before.CopyTo(result, 0);
        Ascii.FromUtf16(text, result.AsSpan(_before.Length), out _);
        _after.CopyTo(result, _before.Length + text.Length);
        return result;
    }

    /// <summary>
    /// The message <paramref name="data"/> (CLIXML) carries when it is exactly this template's bytes around a command
    /// text CLIXML carries as it is (what <see cref="TryEncode"/> makes): a new object from the shape, as
    /// <see cref="CreatePipeline.FromPsValue"/> of those bytes gives, without reading them as CLIXML. Null for any
    /// other bytes (read them then).
    /// </summary>
    public CreatePipeline? TryDecode(ReadOnlySpan<byte> data)
    {
        var length = data.Length - _before.Length - _after.Length;
        if (length <= 0 || !data.StartsWith(_before) || !data.EndsWith(_after)) return null;
        var text = data.Slice(_before.Length, length);
        if (text.IndexOfAnyExcept(ClixmlSerializer.VerbatimBytes) >= 0) return null;
        return _shape(Encoding.ASCII.GetString(text));
    }
}
