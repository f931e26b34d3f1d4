using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using PsrpEmulator.Server.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace PsrpEmulator.Server.Tests.Diagnostics;

public class TrafficRecorderTests
{
    private static YamlSequenceNode ReadMessages(string path)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(path)) yaml.Load(reader);
        return (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children[new YamlScalarNode("messages")];
    }

    private static string Text(YamlNode item, string key) => ((YamlScalarNode)((YamlMappingNode)item).Children[new YamlScalarNode(key)]).Value!;

    [TestCase("<s:Envelope a=\"1\">text</s:Envelope>")]
    [TestCase("line one\r\nline two\ttab \\ backslash # not a comment: not a key")]
    [TestCase("control \u0001\u001B\u007F\u0085 and breaks \u2028\u2029 and marks \uFEFF\uFFFE")]
    [TestCase("astral \U0001F600 and a lone surrogate \uD800 here")]
    [TestCase("  leading and trailing spaces  ")]
    [TestCase("")]
    public void A_text_written_double_quoted_reads_back_exactly(string value)
    {
        var text = new StringBuilder("key: ");
        TrafficRecorder.AppendDoubleQuoted(text, value);

        Assert.That(text.ToString(), Does.Not.Contain('\n').And.Not.Contain('\r'), "one line per scalar");
        var yaml = new YamlStream();
        yaml.Load(new StringReader(text.ToString()));
        var read = ((YamlScalarNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children[new YamlScalarNode("key")]).Value;
        Assert.That(read, Is.EqualTo(value));
    }

    [Test]
    public async Task Exchanges_are_written_in_order_with_the_HTTP_status_of_a_fault_and_read_back_as_sent()
    {
        var path = Path.Combine(Path.GetTempPath(), $"recorder-{Guid.NewGuid():N}.yml");
        try
        {
            var recorder = new TrafficRecorder(path, NullLogger.Instance);
            recorder.Record("<s:Envelope>first</s:Envelope>"u8, "<s:Envelope>answer \"1\"</s:Envelope>"u8, 200, "SERVER01", "Create");
            // WinRM takes UTF-16 envelopes with a byte order mark: recorded as their text.
            recorder.Record([0xFF, 0xFE, .. Encoding.Unicode.GetBytes("<s:Envelope>é</s:Envelope>")], "<s:Envelope>fault</s:Envelope>"u8, 500, "SERVER02", "Receive");
            await recorder.DisposeAsync();

            var messages = ReadMessages(path);
            Assert.That(messages.Children, Has.Count.EqualTo(2));
            Assert.That(Text(messages[0], "request"), Is.EqualTo("<s:Envelope>first</s:Envelope>"));
            Assert.That(Text(messages[0], "response"), Is.EqualTo("<s:Envelope>answer \"1\"</s:Envelope>"));
            Assert.That(((YamlMappingNode)messages[0]).Children.ContainsKey(new YamlScalarNode("transport_error")), Is.False);
            Assert.That(Text(messages[1], "request"), Is.EqualTo("<s:Envelope>é</s:Envelope>"));
            var error = (YamlMappingNode)((YamlMappingNode)messages[1]).Children[new YamlScalarNode("transport_error")];
            Assert.That(((YamlScalarNode)error.Children[new YamlScalarNode("code")]).Value, Is.EqualTo("500"));
            Assert.That(File.ReadAllText(path), Does.Contain("# 1 Receive (SERVER02)"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>An action's text is the client's: a line break in it cannot end the comment and write YAML of its own.</summary>
    [Test]
    public async Task A_clients_action_text_cannot_break_out_of_its_comment_line()
    {
        var path = Path.Combine(Path.GetTempPath(), $"recorder-{Guid.NewGuid():N}.yml");
        try
        {
            var recorder = new TrafficRecorder(path, NullLogger.Instance);
            recorder.Record("<a/>"u8, "<b/>"u8, 200, "SERVER01", "Receive\nmessages: []\r\u2028" + new string('x', 200));
            await recorder.DisposeAsync();

            var lines = File.ReadAllLines(path);
            Assert.That(lines[2], Does.StartWith("# 0 Receive?messages: []??xxx").And.EndWith(" (SERVER01)"));
            Assert.That(lines[2].Length, Is.LessThan(130));
            Assert.That(ReadMessages(path).Children, Has.Count.EqualTo(1));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed class CountingLogger : Microsoft.Extensions.Logging.ILogger
    {
        public int Errors { get; private set; }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == Microsoft.Extensions.Logging.LogLevel.Error) Errors++;
        }
    }

    /// <summary>A disk that is full (Linux's /dev/full) ends the recording with one logged error; requests and the stop go on.</summary>
    [Test]
    public async Task A_full_disk_ends_the_recording_with_one_logged_error_and_never_throws()
    {
        if (!File.Exists("/dev/full")) Assert.Ignore("needs Linux's /dev/full");
        var logger = new CountingLogger();
        var recorder = new TrafficRecorder("/dev/full", logger);

        for (var i = 0; i < 3; i++) recorder.Record("<a/>"u8, "<b/>"u8, 200, "SERVER01", "Receive");
        await recorder.DisposeAsync();

        Assert.That(logger.Errors, Is.EqualTo(1));
    }

    [Test]
    public async Task A_recording_without_exchanges_is_an_empty_message_list()
    {
        var path = Path.Combine(Path.GetTempPath(), $"recorder-{Guid.NewGuid():N}.yml");
        try
        {
            await new TrafficRecorder(path, NullLogger.Instance).DisposeAsync();

            var yaml = new YamlStream();
            using (var reader = new StreamReader(path)) yaml.Load(reader);
            var messages = ((YamlMappingNode)yaml.Documents[0].RootNode).Children[new YamlScalarNode("messages")];
            Assert.That(messages is YamlScalarNode { Value: null or "" or "~" } || messages is YamlSequenceNode { Children.Count: 0 }, Is.True, messages.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
