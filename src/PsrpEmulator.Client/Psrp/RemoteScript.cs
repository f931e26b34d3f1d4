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

    /// <summary>
    /// The values of the script's <c>$using:</c> expressions, keyed as PowerShell 5 and later key them
    /// (<see cref="UsingKey"/>): sent after the arguments as the parameter <c>--%</c> whose value is a Hashtable, as
    /// Invoke-Command sends them to a PSv5 or later endpoint (PSExecutionCmdlet.GetPowerShellForPSv3OrLater).
    /// </summary>
    public IReadOnlyDictionary<string, PsValue>? UsingValues { get; init; }

    /// <summary>The parameter name PowerShell sends the <c>$using:</c> values under (Parser.VERBATIM_ARGUMENT).</summary>
    public const string UsingParameterName = "--%";

    /// <summary>
    /// PowerShell's key for a <c>$using:</c> expression (PsUtils.GetUsingExpressionKey): the expression's text, in lower
    /// case when it is a plain variable (<c>$using:name</c>), as base64 of its UTF-16 bytes.
    /// </summary>
    public static string UsingKey(string usingExpressionText, bool isVariable = true) =>
        Convert.ToBase64String(System.Text.Encoding.Unicode.GetBytes(isVariable ? usingExpressionText.ToLowerInvariant() : usingExpressionText));

    public IReadOnlyList<PsValue>? Input { get; init; }

    /// <summary>
    /// Input still to come: NoInput is false and END_OF_PIPELINE_INPUT is not sent with <see cref="Input"/>; the caller
    /// sends each object as it arrives (<see cref="PowerShellPipeline.SendInputAsync"/>) and then ends the input, as
    /// Invoke-Command does with piped input.
    /// </summary>
    public bool KeepInputOpen { get; init; }

    public static implicit operator RemoteScript(string text) => new(text);
}
