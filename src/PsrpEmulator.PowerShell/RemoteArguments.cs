using System.Management.Automation;
using System.Management.Automation.Language;
using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.PowerShell;

/// <summary>Invoke-Command's -ArgumentList and piped input, as PowerShell sends them to the remote command.</summary>
internal static class RemoteArguments
{
    /// <summary>
    /// An argument or input object serialized as remoting does (PowerShell's own serializer, depth 1). A SecureString in
    /// it, which PowerShell's serializer writes in this platform's protected form (DPAPI on Windows, hex elsewhere), is
    /// handed to the client as text, which sends it encrypted with the session key as PowerShell's remoting does.
    /// </summary>
    public static PsValue ToPsValue(object? value)
    {
        if (value is null || (value is PSObject { BaseObject: null }) || ReferenceEquals(value, System.Management.Automation.Internal.AutomationNull.Value)) return PsNil.Instance;
        var xml = PSSerializer.Serialize(value);
        if (!xml.Contains("<SS", StringComparison.Ordinal)) return ClixmlDeserializer.Deserialize(xml);
        var plain = new Dictionary<string, string>(StringComparer.Ordinal);
        var marked = RemoteData.SecureStringElement().Replace(xml, m =>
        {
            var marker = "\uE000" + plain.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\uE000";
            plain[marker] = PSSerializer.Deserialize(RemoteData.ObjsStart + "<SS>" + m.Groups["text"].Value + "</SS></Objs>") is System.Security.SecureString secure
                ? new System.Net.NetworkCredential(string.Empty, secure).Password
                : string.Empty;
            return m.Groups["open"].Value + marker + "</SS>";
        });
        return WithPlainSecureStrings(ClixmlDeserializer.Deserialize(marked), plain);
    }

    // The SecureStrings marked while reading, as PlainSecureStrings (in place: the value is this call's own).
    private static PsValue WithPlainSecureStrings(PsValue value, Dictionary<string, string> plain)
    {
        switch (value)
        {
            case PsPrimitive { Type: PsPrimitiveType.SecureString, Value: string text } when plain.TryGetValue(text, out var secret):
                return PsrpEmulator.Client.Psrp.PlainSecureStrings.Create(secret);
            case PsObject o:
                for (var i = 0; i < o.AdaptedProperties.Count; i++) o.AdaptedProperties[i] = o.AdaptedProperties[i] with { Value = WithPlainSecureStrings(o.AdaptedProperties[i].Value, plain) };
                for (var i = 0; i < o.ExtendedProperties.Count; i++) o.ExtendedProperties[i] = o.ExtendedProperties[i] with { Value = WithPlainSecureStrings(o.ExtendedProperties[i].Value, plain) };
                for (var i = 0; i < o.Items.Count; i++) o.Items[i] = WithPlainSecureStrings(o.Items[i], plain);
                for (var i = 0; i < o.Entries.Count; i++) o.Entries[i] = new(o.Entries[i].Key, WithPlainSecureStrings(o.Entries[i].Value, plain));
                return o;
            default:
                return value;
        }
    }


    /// <summary>
    /// The values of the script block's <c>$using:</c> expressions, read in the caller's session state and keyed as
    /// PowerShell keys them (PSExecutionCmdlet.GetUsingVariableValues for a PSv5 or later endpoint); null when it has
    /// none. A variable the caller has not set is PowerShell's UsingVariableIsUndefined, a terminating error.
    /// </summary>
    public static IReadOnlyDictionary<string, PsValue>? UsingValues(ScriptBlock scriptBlock, SessionState sessionState, PSCmdlet cmdlet)
    {
        var usings = scriptBlock.Ast.FindAll(a => a is UsingExpressionAst, searchNestedScriptBlocks: true).Cast<UsingExpressionAst>().ToList();
        if (usings.Count == 0) return null;
        var values = new Dictionary<string, PsValue>(StringComparer.Ordinal);
        foreach (var usingAst in usings)
        {
            var isVariable = usingAst.SubExpression is VariableExpressionAst;
            var key = PsrpEmulator.Client.Psrp.RemoteScript.UsingKey(usingAst.ToString(), isVariable);
            if (values.ContainsKey(key)) continue;
            object? value;
            if (usingAst.SubExpression is VariableExpressionAst variable)
            {
                if (sessionState.PSVariable.Get(variable.VariablePath.UserPath) is not { } set)
                {
                    cmdlet.ThrowTerminatingError(new ErrorRecord(new RuntimeException(
                        $"The value of the using variable '{usingAst.Extent.Text}' cannot be retrieved because it has not been set in the local session."),
                        "UsingVariableIsUndefined", ErrorCategory.InvalidOperation, usingAst.Extent.Text));
                    return null;
                }

                value = set.Value;
            }
            else
            {
                // $using:a[0]: the expression with its variable read locally.
                var local = System.Text.RegularExpressions.Regex.Replace(usingAst.SubExpression.Extent.Text, @"\$using:", "$",
                    System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant);
                var results = sessionState.InvokeCommand.InvokeScript(sessionState, System.Management.Automation.ScriptBlock.Create(local));
                value = results.Count == 1 ? results[0] : results.Count == 0 ? null : results.ToArray();
            }

            values.Add(key, ToPsValue(value));
        }

        return values;
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
