using System.Xml;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// Select-Xml: an XPath query (<c>-XPath</c>, with <c>-Namespace @{ prefix = 'uri' }</c>) over XML documents or nodes
/// (<c>-Xml</c>, piped nodes), files on the computer's disk (<c>-Path</c> with wildcards, <c>-LiteralPath</c>, piped
/// files) or text (<c>-Content</c>). Each match is a SelectXmlInfo (Node, Path: the file's full path or "InputStream",
/// Pattern), whose text is the node's value or inner XML (with "path:" before it for a file), as SelectXmlInfo.ToString
/// gives it. A file that is not there is the cmdlet's PathNotFound, one that is not XML its InvalidArgument error with
/// .NET's reason; an XPath .NET refuses is the statement's error (XPathException) as 5.1 reports it.
/// </summary>
internal sealed partial class RunContext
{
    private const string SelectXmlInfoTypeName = "Microsoft.PowerShell.Commands.SelectXmlInfo";

    private async ValueTask SelectXmlAsync(StageArguments arguments, IReadOnlyList<PsValue> piped, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        const string Command = "Select-Xml";
        var xpath = arguments["XPath"] is { } xpathWord ? PipelineVariables.Display(await ArgumentAsync(xpathWord, to, blockNesting))
            : throw new StatementTerminatedException(ParameterError(Command, "Cannot process command because of one or more missing mandatory parameters: XPath.", "MissingMandatoryParameter"));
        var namespaces = arguments["Namespace"] is { } namespaceWord && await ArgumentAsync(namespaceWord, to, blockNesting) is PsObject { CollectionKind: PsCollectionKind.Dictionary } table
            ? table.Entries.Select(e => (Prefix: PipelineVariables.Display(e.Key), Uri: PipelineVariables.Display(e.Value))).ToList()
            : [];

        // The inputs, each a node to query and the path its matches report.
        var inputs = new List<(XmlNode Node, string Path)>();
        var pathsGiven = new List<(string Path, bool Literal)>();
        if (arguments["Xml"] is { } xmlWord)
        {
            // A node binds to -Xml; text at its position is -Path (a string needs no conversion to string[]).
            foreach (var value in ScriptExpressions.Enumerate(await ArgumentAsync(xmlWord, to, blockNesting)))
            {
                if (XmlNodes.TryGet(value, out var given)) inputs.Add((given, "InputStream"));
                else if (value is PsPrimitive { Value: string text }) pathsGiven.Add((text, false));
                else throw new StatementTerminatedException(ParameterError(Command, "Cannot bind argument to parameter 'Xml' because it is null.", "ParameterArgumentValidationErrorNullNotAllowed"));
            }
        }

        if (arguments["Content"] is { } contentWord)
        {
            foreach (var value in ScriptExpressions.Enumerate(await ArgumentAsync(contentWord, to, blockNesting)))
            {
                if (await XmlDocumentOfAsync(PipelineVariables.Display(value), "InputStream", output) is { } document) inputs.Add((document, "InputStream"));
            }
        }

        var paths = pathsGiven;
        foreach (var (parameter, literal) in new[] { ("Path", false), ("LiteralPath", true) })
        {
            if (arguments[parameter] is not { } pathWord) continue;
            paths.AddRange(ScriptExpressions.Enumerate(await ArgumentAsync(pathWord, to, blockNesting)).Select(v => (PipelineVariables.Display(v), literal)));
        }

        foreach (var item in piped)
        {
            // A node binds to -Xml; a file (Get-ChildItem's) to -Path through its PSPath/FullName.
            if (XmlNodes.TryGet(item, out var node)) inputs.Add((node, "InputStream"));
            else if (item is PsObject file && (file["FullName"] ?? file["PSPath"]) is { } fullName) paths.Add((PipelineVariables.Display(fullName), true));
            else throw new StatementTerminatedException(ParameterError(Command, "The input object cannot be bound to any parameters for the command either because the command does not take pipeline input or the input and its properties do not match any of the parameters that take pipeline input.", "InputObjectNotBound"));
        }

        if (paths.Count > 0)
        {
            var disk = Disk(Command);
            foreach (var (path, literal) in paths)
            {
                var expanded = ExpandPath(disk, Command, path, literal, out var error);
                foreach (var full in expanded)
                {
                    if (disk.Read(full, out var bytes) != FileSystemFailure.None)
                    {
                        await WriteErrorAsync(PathNotFound(Command, full), output);
                        continue;
                    }

                    if (await XmlDocumentOfAsync(DecodeText(bytes, System.Text.Encoding.UTF8), full, output) is { } document) inputs.Add((document, full));
                }

                if (error is not null) await WriteErrorAsync(error, output);
            }
        }

        foreach (var (node, path) in inputs)
        {
            XmlNodeList? found;
            try
            {
                var manager = new XmlNamespaceManager((node as XmlDocument ?? node.OwnerDocument)?.NameTable ?? new NameTable());
                foreach (var (prefix, uri) in namespaces) manager.AddNamespace(prefix, uri);
                found = node.SelectNodes(xpath, manager);
            }
            catch (System.Xml.XPath.XPathException e)
            {
                throw new StatementTerminatedException(new ScriptedError(e.Message, "System.Xml.XPath.XPathException,Microsoft.PowerShell.Commands.SelectXmlCommand",
                    ErrorCategory.InvalidArgument, "System.Xml.XPath.XPathException") { Activity = Command });
            }

            foreach (var match in found?.Cast<XmlNode>() ?? [])
            {
                var text = (match.Value ?? match.InnerXml).Trim();
                var info = new PsObject([SelectXmlInfoTypeName, "System.Object"]) { ToStringValue = path == "InputStream" ? text : $"{path}:{text}" };
                info.AdaptedProperties.Add(new PsProperty("Node", XmlNodes.Wrap(match)));
                info.AdaptedProperties.Add(new PsProperty("Path", PsPrimitive.String(path)));
                info.AdaptedProperties.Add(new PsProperty("Pattern", PsPrimitive.String(xpath)));
                await output.WriteAsync(new PipelineOutput(info), cancellationToken);
            }
        }

    }

    // A document read from text; not XML: Select-Xml's non-terminating error with .NET's reason, and null.
    private async ValueTask<XmlDocument?> XmlDocumentOfAsync(string text, string path, IPipelineHost output)
    {
        try
        {
            return XmlNodes.TryGet(XmlNodes.Parse(PsPrimitive.String(text)), out var node) ? node as XmlDocument : null;
        }
        catch (ScriptExpressionException e)
        {
            var reason = e.Error.Message is var message && message.IndexOf("Error: \"", StringComparison.Ordinal) is var at and >= 0 ? message[(at + 8)..].TrimEnd('"') : message;
            await WriteErrorAsync(new ScriptedError(path == "InputStream" ? reason : $"Cannot process the input file '{path}'. {reason}",
                "ProcessingFile,Microsoft.PowerShell.Commands.SelectXmlCommand", ErrorCategory.InvalidArgument, "System.Xml.XmlException") { Activity = "Select-Xml", TargetObject = PsPrimitive.String(path) }, output);
            return null;
        }
    }
}
