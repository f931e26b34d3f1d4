using PsrpEmulator.Protocol.Clixml;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// A PowerShell script file on the computer's disk that a script runs (<c>&amp; C:\deploy\setup.ps1 -Name x</c>,
/// <c>.\check.ps1</c>, <c>. .\helpers.ps1</c>), as PowerShell runs an ExternalScriptInfo: its text read (a byte order
/// mark's encoding, else ANSI, as Windows PowerShell reads a script), its arguments bound to its <c>param()</c> block,
/// <c>$PSScriptRoot</c> and <c>$PSCommandPath</c> its own; <c>exit N</c> ends the script, not the caller, and sets
/// <c>$LASTEXITCODE</c> (<c>$?</c> false when N is not 0). Dot-sourced, its functions and variables stay in the caller's
/// scope. A name without a folder (<c>setup.ps1</c>) is not looked for in the current folder, as PowerShell does not;
/// a rule for the statement's text still wins.
/// </summary>
internal sealed partial class RunContext
{
    /// <summary>The script file a statement runs: its full path, the arguments' text and whether it is dot-sourced; null for any other statement.</summary>
    private (string Path, string Arguments, bool DotSourced)? ScriptFileCall(string text)
    {
        var dotSourced = text.Length > 2 && text[0] == '.' && text[1] is ' ' or '\t';
        var rest = dotSourced ? text[2..].TrimStart() : text;
        if (rest.Length == 0 || rest[0] is not ('.' or '\'' or '"' or '\\' or '/') && !(rest.Length > 2 && char.IsAsciiLetter(rest[0]) && rest[1] == ':')) return null;
        var words = Statements.SplitArguments(rest);
        if (words.Count == 0) return null;
        var token = words[0];
        // A quoted name is the name as written when nothing in it expands.
        var name = token.Length >= 2 && (token[0] == '\'' && token[^1] == '\'' || token[0] == '"' && token[^1] == '"' && !token.Contains('$', StringComparison.Ordinal)) ? token[1..^1] : token;
        if (!name.EndsWith(".ps1", StringComparison.OrdinalIgnoreCase) || name.AsSpan().IndexOfAny(@"\/") < 0) return null;
        if (VirtualFileSystem.FullPath(name, CurrentDirectory, out _) is not { } path || Host.FileSystem?.Get(path) is not { IsDirectory: false }) return null;
        var at = rest.IndexOf(token, StringComparison.Ordinal);
        return (path, rest[(at + token.Length)..], dotSourced);
    }

    /// <summary>
    /// A script file's $MyInvocation: MyCommand its ExternalScriptInfo (Name the file's name, Path and Definition its
    /// path: <c>Split-Path $MyInvocation.MyCommand.Path</c>), InvocationName how it was called.
    /// </summary>
    internal static PsObject ScriptInvocation(string path, string invocationName, string line)
    {
        var command = new PsObject(["System.Management.Automation.ExternalScriptInfo", "System.Management.Automation.CommandInfo", "System.Object"]) { ToStringValue = path[(path.LastIndexOf('\\') + 1)..] }
            .With("Name", path[(path.LastIndexOf('\\') + 1)..])
            .With("CommandType", PsObjects.Enum(["System.Management.Automation.CommandTypes", "System.Enum", "System.ValueType", "System.Object"], "ExternalScript", 16))
            .With("Path", path)
            .With("Definition", path)
            .With("Source", path);
        return new PsObject(["System.Management.Automation.InvocationInfo", "System.Object"]) { ToStringValue = "System.Management.Automation.InvocationInfo" }
            .With("MyCommand", command)
            .With("InvocationName", invocationName)
            .With("Line", line.Trim())
            .With("ScriptName", string.Empty)
            .With("PSScriptRoot", string.Empty)
            .With("PSCommandPath", string.Empty)
            .With("CommandOrigin", "Internal");
    }

    private async ValueTask RunScriptFileAsync(string path, string arguments, bool dotSourced, IPipelineHost? to, int blockNesting)
    {
        if (Host.FileSystem is not { } disk || disk.Read(path, out var bytes) != FileSystemFailure.None)
        {
            await WriteStatementErrorAsync(ScriptedError.CommandNotFound(path), to ?? host);
            return;
        }

        if (ExecutionPolicyRefusal(path) is { } refusal)
        {
            await WriteStatementErrorAsync(refusal, to ?? host);
            return;
        }

        var decoded = DecodeText(bytes, Ansi);
        var text = Statements.Code(decoded).Trim();
        var variables = scope.Variables;
        var outerRoot = variables.Get("PSScriptRoot");
        var outerPath = variables.Get("PSCommandPath");
        variables.SetLocal("PSScriptRoot", PsPrimitive.String(VirtualFileSystem.ParentOf(path) ?? path));
        variables.SetLocal("PSCommandPath", PsPrimitive.String(path));
        var files = Seldom;
        var outerFile = files.ScriptFile;
        var file = files.ScriptFile = new ScriptFileText(path, Statements.CodeKeepingLines(decoded), decoded);
        var outerInvocation = variables.Get("MyInvocation");
        files.ScriptFileDepth++;
        try
        {
            // Dot-sourced: its statements in the caller's scope (its functions and variables stay defined), its
            // parameters bound there too when it has a param block or arguments.
            if (dotSourced && arguments.Trim().Length == 0 && !ScriptParameters.HasParamBlock(text))
            {
                variables.SetLocal("MyInvocation", ScriptInvocation(path, ".", "." + arguments));
                var frame = variables.PushFrame(CallStackFrame.ScriptBlockName, file.Code, file);
                var completed = false;
                try
                {
                    await RunStatementAsync(text, to, blockNesting + 1);
                    completed = true;
                }
                finally
                {
                    variables.PopFrame(frame, completed);
                }
            }
            else
            {
                files.ScriptFileBody = text;
                await RunFunctionAsync("&" + arguments, text, to, blockNesting, dotSourced);
            }
        }
        catch (ScriptExitException exit)
        {
            variables.SetGlobal("LASTEXITCODE", PsPrimitive.Int32(exit.Code));
            if (exit.Code != 0) variables.ErrorsWritten++;
        }
        catch (ScriptReturnException)
        {
            // return at a script file's top level leaves the file.
        }
        finally
        {
            files.ScriptFileDepth--;
            files.ScriptFile = outerFile;
            if (dotSourced && outerInvocation is not null) variables.SetLocal("MyInvocation", outerInvocation);
            variables.SetLocal("PSScriptRoot", outerRoot ?? PsPrimitive.String(string.Empty));
            variables.SetLocal("PSCommandPath", outerPath ?? PsPrimitive.String(string.Empty));
        }
    }
}
