using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Client.Psrp;

/// <summary>
/// What Invoke-Command sends: the script block's text as one script command, its -ArgumentList values as positional
/// arguments, and pipeline input (null: none, CREATE_PIPELINE NoInput; a list, even empty: each object as
/// PIPELINE_INPUT, then END_OF_PIPELINE_INPUT). A string converts to a script without arguments or input.
/// </summary>
public sealed record RemoteScript(string Text)
{
    public IReadOnlyList<PsValue> Arguments { get; init; } = [];

    public IReadOnlyList<PsValue>? Input { get; init; }

    /// <summary>
    /// Input still to come: NoInput is false and END_OF_PIPELINE_INPUT is not sent with <see cref="Input"/>; the caller
    /// sends each object as it arrives (<see cref="PowerShellPipeline.SendInputAsync"/>) and then ends the input, as
    /// Invoke-Command does with piped input.
    /// </summary>
    public bool KeepInputOpen { get; init; }

    public static implicit operator RemoteScript(string text) => new(text);
}
