using System.Management.Automation;
using System.Management.Automation.Language;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.PowerShell;

/// <summary>Invoke-Command's -ArgumentList and piped input, as PowerShell sends them to the remote command.</summary>
internal static class RemoteArguments
{
    /// <summary>An argument or input object serialized as remoting does (PowerShell's own serializer, depth 1).</summary>
    public static PsValue ToPsValue(object? value)
    {
        if (value is null || (value is PSObject { BaseObject: null }) || ReferenceEquals(value, System.Management.Automation.Internal.AutomationNull.Value)) return PsNil.Instance;
        return ClixmlDeserializer.Deserialize(PSSerializer.Serialize(value));
    }

    /// <summary>
    /// The script text PowerShell sends when Invoke-Command gets pipeline input (ScriptBlockAst
    /// GetWithInputHandlingForInvokeCommand): a single pipeline that starts with a command and does not use $input
    /// becomes "$input |" + the pipeline (after the param block, if any); anything else is sent as written.
    /// </summary>
    public static string WithInputHandling(ScriptBlock scriptBlock)
    {
        var text = scriptBlock.ToString();
        if (scriptBlock.Ast is not ScriptBlockAst ast) return text;
        if (ast.BeginBlock is not null || ast.ProcessBlock is not null || ast.CleanBlock is not null || ast.DynamicParamBlock is not null) return text;
        if (ast.EndBlock is not { Statements.Count: 1 } end || end.Traps is { Count: > 0 } || end.Statements[0] is not PipelineAst pipeline) return text;
        if (pipeline.PipelineElements[0] is CommandExpressionAst) return text;
        if (ast.Find(a => a is VariableExpressionAst v && v.VariablePath.UserPath.Equals("input", StringComparison.OrdinalIgnoreCase), searchNestedScriptBlocks: true) is not null) return text;
        return (ast.ParamBlock?.ToString() ?? string.Empty) + "$input |" + pipeline;
    }
}
