using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// <c>[xml]</c> documents as scripts edit configuration files with them: navigation by element and attribute names,
/// XPath, changes through properties and methods, and Save on the computer's disk. Expected values are what PowerShell
/// 7.6.9 printed for the same scripts.
/// </summary>
public class XmlDocumentTests
{
    private const string Config = "[xml]$x = '<configuration><appSettings><add key=\"A\" value=\"1\"/><add key=\"B\" value=\"2\"/></appSettings><name>svc</name><empty/></configuration>'; ";

    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<(RecordingHost Host, PipelineOutcome Outcome)> RunAsync(string text)
    {
        var host = new RecordingHost { Runspace = new RunspaceState() };
        var outcome = await Default.Resolve(Behaviour.Script(text)).RunTestAsync(host, new FakeTimeProvider());
        return (host, outcome);
    }

    private static async Task<string> OutputOfAsync(string text)
    {
        var (host, outcome) = await RunAsync(text);
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => outcome.ErrorRecord?.ToDisplayString() ?? string.Empty);
        Assert.That(host.Errors, Is.Empty, () => string.Join("; ", host.Errors.Select(e => e.Message)));
        return string.Join("|", host.OutputTexts);
    }

    [TestCase("\"[$($x.configuration)]\"; $x.configuration.name; $x.configuration.name.GetType().Name; \"[$($x.configuration.empty)]\"", "[System.Xml.XmlElement]|svc|String|[]")]
    [TestCase("$x.configuration.appSettings.add.Count; ($x.configuration.appSettings.add | Where-Object key -eq B).value; $x.configuration.appSettings.add[0].key", "2|2|A")]
    // A child element named "name" hides XmlNode's Name, as the adapter's properties come first.
    [TestCase("$x.GetType().FullName; $x.configuration.GetType().FullName; $x.DocumentElement.Name; $x.DocumentElement.LocalName; $x.configuration.ChildNodes.Count", "System.Xml.XmlDocument|System.Xml.XmlElement|svc|configuration|3")]
    [TestCase("$x.SelectNodes('//add').Count; $x.SelectSingleNode(\"//add[@key='B']\").GetAttribute('value'); $x.SelectSingleNode('//nope') -eq $null", "2|2|True")]
    public async Task An_xml_document_reads_by_element_and_attribute_names(string script, string expected) =>
        Assert.That(await OutputOfAsync(Config + script), Is.EqualTo(expected));

    [TestCase("$n = $x.SelectSingleNode(\"//add[@key='A']\"); $n.value = '9'; $x.configuration.appSettings.add[0].value; $x.configuration.name = 'new'; $x.configuration.name",
        "9|new")]
    [TestCase("$x.configuration.appSettings.add[1].value = 5; $x.configuration.appSettings.OuterXml", "<appSettings><add key=\"A\" value=\"1\" /><add key=\"B\" value=\"5\" /></appSettings>")]
    [TestCase("$e = $x.CreateElement('add'); $e.SetAttribute('key', 'C'); [void]$x.configuration.appSettings.AppendChild($e); $x.configuration.appSettings.add.Count; [void]$x.configuration.RemoveChild($x.configuration.SelectSingleNode('empty')); $x.OuterXml",
        "3|<configuration><appSettings><add key=\"A\" value=\"1\" /><add key=\"B\" value=\"2\" /><add key=\"C\" /></appSettings><name>svc</name></configuration>")]
    public async Task Changes_through_properties_and_methods_are_the_document_s(string script, string expected) =>
        Assert.That(await OutputOfAsync(Config + script), Is.EqualTo(expected));

    /// <summary>A file of several lines (Get-Content's object[]) and an array of lines cast to [xml] read as one text.</summary>
    [Test]
    public async Task Xml_of_several_lines_reads_them_as_one_document()
    {
        var output = await OutputOfAsync(
            "Set-Content C:\\web.config '<configuration>', '  <appSettings>', '    <add key=\"Mode\" value=\"dev\" />', '  </appSettings>', '</configuration>'; " +
            "[xml]$cfg = Get-Content C:\\web.config; $cfg.configuration.appSettings.add.value; (Get-Content C:\\web.config).GetType().Name; ([xml]@('<a>', '<b>1</b>', '</a>')).a.b");

        Assert.That(output, Is.EqualTo("dev|Object[]|1"));
    }

    [Test]
    public async Task A_config_file_read_changed_and_saved_is_written_indented_with_its_declaration()
    {
        var output = await OutputOfAsync(
            "New-Item C:\\app -ItemType Directory | Out-Null; Set-Content C:\\app\\web.config '<?xml version=\"1.0\" encoding=\"utf-8\"?><configuration><appSettings><add key=\"Mode\" value=\"dev\"/></appSettings></configuration>'; " +
            "$path = 'C:\\app\\web.config'; [xml]$cfg = Get-Content $path; $cfg.configuration.appSettings.add.value = 'prod'; $new = $cfg.CreateElement('add'); $new.SetAttribute('key', 'Port'); $new.SetAttribute('value', '80'); " +
            "[void]$cfg.configuration.appSettings.AppendChild($new); $cfg.Save($path); Get-Content $path; [IO.File]::ReadAllBytes($path)[0..2] -join ','; $cfg.xml");

        Assert.That(output.Split('|'), Is.EqualTo(new[]
        {
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>", "<configuration>", "  <appSettings>", "    <add key=\"Mode\" value=\"prod\" />", "    <add key=\"Port\" value=\"80\" />", "  </appSettings>", "</configuration>",
            "239,187,191", "version=\"1.0\" encoding=\"utf-8\"",
        }));
    }

    /// <summary>
    /// Select-Xml over a document, piped nodes, text with a namespace and files on the disk: SelectXmlInfo objects whose
    /// Path is "InputStream" or the file, whose text is the node's value or inner XML (after "path:" for a file).
    /// </summary>
    [Test]
    public async Task A_new_element_s_InnerText_and_InnerXml_are_set_on_it()
    {
        var output = await OutputOfAsync("[xml]$d = '<r/>'; $n = $d.CreateElement('n'); $n.InnerText = 'v'; [void]$d.DocumentElement.AppendChild($n); $m = $d.CreateElement('m'); $m.InnerXml = '<i>1</i>'; [void]$d.r.AppendChild($m); $d.OuterXml");

        Assert.That(output, Is.EqualTo("<r><n>v</n><m><i>1</i></m></r>"));
    }

    [Test]
    public async Task Select_Xml_queries_documents_text_and_files_with_XPath()
    {
        var output = await OutputOfAsync(Config +
            "Select-Xml -Xml $x -XPath '//add' | % { $_.Node.key }; ($x | Select-Xml \"//add[@key='B']/@value\").ToString(); (Select-Xml -Xml $x -XPath '//name').PSObject.TypeNames[0]; " +
            "Select-Xml -Content '<r xmlns=\"urn:x\"><i>1</i><i>2</i></r>' -XPath '//x:i' -Namespace @{ x = 'urn:x' } | % { \"$_ $($_.Path) $($_.Pattern)\" }; " +
            "Set-Content C:\\c.xml '<cfg><add key=\"k\" value=\"v\"/></cfg>'; \"$(Select-Xml -Path C:\\c.xml -XPath '//add/@value')\"; Select-Xml '//add' C:\\c.xml | % Path; " +
            "Get-Item C:\\c.xml | Select-Xml -XPath '//cfg' | % { $_.Node.add.key }");

        Assert.That(output.Split('|'), Is.EqualTo(new[]
        {
            "A", "B", "2", "Microsoft.PowerShell.Commands.SelectXmlInfo", "1 InputStream //x:i", "2 InputStream //x:i", "C:\\c.xml:v", "C:\\c.xml", "k",
        }));
    }

    [Test]
    public async Task Select_Xml_of_a_missing_file_is_PathNotFound_and_a_bad_XPath_the_statement_s_error()
    {
        var (host, _) = await RunAsync(Config + "Select-Xml -Path C:\\nope.xml -XPath '//a'; Select-Xml -Xml $x -XPath '//add['; 'after'");

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[]
        {
            "PathNotFound,Microsoft.PowerShell.Commands.SelectXmlCommand", "System.Xml.XPath.XPathException,Microsoft.PowerShell.Commands.SelectXmlCommand",
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
    }

    /// <summary>The deployment scripts' form: New-Object System.Xml.XmlDocument, Load(path) from the disk, change, Save.</summary>
    [Test]
    public async Task A_new_document_loads_a_file_and_an_xml_text_in_place()
    {
        var output = await OutputOfAsync(
            "Set-Content C:\\web.config '<configuration><appSettings><add key=\"Mode\" value=\"dev\"/></appSettings></configuration>'; " +
            "$doc = New-Object System.Xml.XmlDocument; $same = $doc; $doc.Load('C:\\web.config'); $same.configuration.appSettings.add.value; " +
            "$doc.SelectSingleNode('//add').SetAttribute('value', 'prod'); $doc.Save('C:\\web.config'); (Get-Content C:\\web.config) -join ''; " +
            "$x = [xml]::new(); $x.LoadXml('<a><b>1</b></a>'); $x.a.b; $x.DocumentElement.Name");

        Assert.That(output, Is.EqualTo("dev|<configuration>  <appSettings>    <add key=\"Mode\" value=\"prod\" />  </appSettings></configuration>|1|a"));
    }

    [Test]
    public async Task Loading_text_that_is_not_xml_is_the_methods_error_and_a_missing_file_the_dotnet_one()
    {
        var (host, _) = await RunAsync("$d = New-Object Xml.XmlDocument; $d.LoadXml('not xml'); $d.Load('C:\\nope.xml'); 'next'");

        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[]
        {
            "Exception calling \"LoadXml\" with \"1\" argument(s): \"Data at the root level is invalid. Line 1, position 1.\"",
            "Exception calling \"Load\" with \"1\" argument(s): \"Could not find file 'C:\\nope.xml'.\"",
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [Test]
    public async Task Save_to_a_relative_path_writes_in_the_process_s_directory_not_the_session_s_location() =>
        Assert.That(await OutputOfAsync(Config + "Set-Location C:\\; $x.Save('out.xml'); Test-Path C:\\out.xml; Test-Path C:\\Windows\\system32\\out.xml"), Is.EqualTo("False|True"));

    [TestCase("[xml]'<a>'", "InvalidCastToXmlDocument", "Cannot convert value \"<a>\" to type \"System.Xml.XmlDocument\". Error: \"Data at the root level is invalid. Line 1, position 1.\"")]
    [TestCase(Config + "$x.configuration.appSettings.add[0].nope = 1", "ExceptionWhenSetting", "Exception setting \"nope\": \"The property 'nope' cannot be found on this object. Verify that the property exists and can be set.\"")]
    [TestCase(Config + "$x.SelectNodes('//[')", "XPathException", "Exception calling \"SelectNodes\" with \"1\" argument(s): \"Expression must evaluate to a node-set.\"")]
    public async Task Bad_xml_a_missing_property_or_a_bad_XPath_is_the_statement_s_error_and_the_script_goes_on(string statement, string id, string message)
    {
        var (host, outcome) = await RunAsync(statement + "; 'next'");

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[] { (id, message) }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    /// <summary>A DTD is refused, entities and all (the emulator's parsers prohibit DTDs; PowerShell would expand this one).</summary>
    [Test]
    public async Task A_document_type_definition_is_refused()
    {
        var (host, _) = await RunAsync("[xml]'<!DOCTYPE x [<!ENTITY e \"v\">]><x>&e;</x>'");

        Assert.That(host.Errors.Single().FullyQualifiedErrorId, Is.EqualTo("InvalidCastToXmlDocument"));
        Assert.That(host.Errors.Single().Message, Does.Contain("DTD is prohibited"));
    }

    [Test]
    public async Task A_document_nested_deeper_than_the_emulator_reads_is_the_scenario_error()
    {
        var (host, _) = await RunAsync("[xml](('<a>' * 300) + ('</a>' * 300)); [xml](('<a>' * 200) + ('</a>' * 200)) | ForEach-Object { $_.OuterXml.Length }");

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("PsrpEmulator.ScenarioError", "[xml]: the document nests deeper than 256 levels, more than the emulator reads"),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "1400" }));
    }
}
