using System.Xml.Linq;
using PsrpEmulator.Client.Psrp;
using PsrpEmulator.Client.Replay;
using PsrpEmulator.Client.Transport;
using PsrpEmulator.EndToEnd.Tests.Conformance;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.EndToEnd.Tests.Sessions;

/// <summary>
/// Where a record was written, as Windows PowerShell 5.1 sends it: an ErrorRecord's InvocationInfo and ScriptStackTrace
/// always, and the InvocationInfo notes of errors, warnings, verbose and debug records when the pipeline's
/// RemoteStreamOptions ask for them (pypsrp sends AddInvocationInfo; PowerShell's Invoke-Command sends none). The
/// recorded Windows traffic is the reference: the same scripts give the same records.
/// </summary>
public class ErrorPlacementTests : EmulatorTestBase
{
    private static readonly XNamespace Rsp = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell";

    private WsManTransport NewTransport() => new(new WsManClientOptions { ConnectionUri = Emulator.WsManUri, UserName = "psrp", Password = "psrp" });

    [Test]
    public async Task A_terminating_Write_Error_is_placed_at_its_statement_as_Windows_placed_it()
    {
        var recorded = LoadRecorded("test_psrp_error_failed");
        var windowsReason = recorded.Responses.Select(m => m.ReadData()).OfType<PsObject>().Select(o => o["ExceptionAsErrorRecord"]).OfType<PsObject>().Single();

        var events = await RunAsync(recorded.Create);

        var state = events.OfType<StateEvent>().Last();
        Assert.That(state.State, Is.EqualTo(PSInvocationState.Failed));
        Assert.That(Canonical(state.ReasonRecord!), Is.EqualTo(Canonical(windowsReason)));
    }

    [Test]
    public async Task With_AddInvocationInfo_error_warning_verbose_and_debug_records_carry_the_scripts_invocation_as_Windows_sent_them()
    {
        var recorded = LoadRecorded("test_psrp_stream_output_invocation");
        Assert.That(recorded.Create.RemoteStreamOptions, Is.EqualTo(15), "the recorded pipeline asked for AddInvocationInfo");
        var windows = recorded.Responses
            .Where(m => m.MessageType is PsrpMessageType.ErrorRecord or PsrpMessageType.WarningRecord or PsrpMessageType.VerboseRecord or PsrpMessageType.DebugRecord)
            .Select(m => (m.MessageType, Canonical(m.ReadData())))
            .ToList();

        var events = await RunAsync(recorded.Create);

        var emulated = new List<(PsrpMessageType, string)>();
        foreach (var e in events)
        {
            if (e is ErrorEvent error) emulated.Add((PsrpMessageType.ErrorRecord, Canonical(error.Record)));
            if (e is InformationalEvent { Record: { } record } informational) emulated.Add((informational.Stream, Canonical(record)));
        }

        Assert.That(windows, Has.Count.EqualTo(4));
        Assert.That(emulated, Is.EqualTo(windows));
    }

    [Test]
    public async Task Without_RemoteStreamOptions_an_error_record_has_its_InvocationInfo_and_stack_trace_but_no_extended_notes()
    {
        var events = await RunAsync(Script("$WarningPreference = 'Continue'\nWrite-Warning 'careful'\nWrite-Error 'bad'", streamOptions: 0));

        var error = (PsObject)events.OfType<ErrorEvent>().Single().Record;
        Assert.That(error["SerializeExtendedInfo"]!.ToDisplayString(), Is.EqualTo("False"));
        Assert.That(error.ExtendedProperties.Select(p => p.Name), Has.None.StartsWith("InvocationInfo_").And.None.StartsWith("CommandInfo_"));
        Assert.That(error["ErrorDetails_ScriptStackTrace"]!.ToDisplayString(), Is.EqualTo("at <ScriptBlock>, <No file>: line 3"));
        Assert.That(((PsObject)error["InvocationInfo"]!)["MyCommand"]!.ToDisplayString(), Does.StartWith("$WarningPreference"), "Write-Error takes its caller's invocation: the script");
        var warning = (PsObject)events.OfType<InformationalEvent>().Single().Record!;
        Assert.That(warning["InformationalRecord_SerializeInvocationInfo"]!.ToDisplayString(), Is.EqualTo("False"));
        Assert.That(warning.ExtendedProperties.Select(p => p.Name), Has.None.StartsWith("InvocationInfo_"));
    }

    /// <summary>
    /// A cmdlet's error names the cmdlet (MyCommand, CommandInfo_Name: what pypsrp's command_name and Ansible's psrp
    /// error text read) and its place, with the name it was called by.
    /// </summary>
    [TestCase("$path = 'C:\\nope'\nGet-Item $path", 2, 1, "Get-Item", "Get-Item $path")]
    [TestCase("'first'; gi C:\\nope | Out-String", 1, 10, "gi", "gi C:\\nope")]
    public async Task A_cmdlet_error_names_the_cmdlet_and_its_place_in_the_script(string script, int line, int column, string invocationName, string extent)
    {
        var events = await RunAsync(Script(script, streamOptions: 15));

        var error = (PsObject)events.OfType<ErrorEvent>().Single().Record;
        var invocation = (PsObject)error["InvocationInfo"]!;
        var lineText = script.Split('\n')[line - 1];
        Assert.That(invocation["MyCommand"]!.ToDisplayString(), Is.EqualTo("Get-Item"));
        Assert.That(invocation["InvocationName"]!.ToDisplayString(), Is.EqualTo(invocationName));
        Assert.That((invocation["ScriptLineNumber"]!.ToDisplayString(), invocation["OffsetInLine"]!.ToDisplayString(), invocation["Line"]!.ToDisplayString()),
            Is.EqualTo((line.ToString(), column.ToString(), lineText)));
        Assert.That(invocation["PositionMessage"]!.ToDisplayString(),
            Is.EqualTo($"At line:{line} char:{column}\r\n+ {lineText}\r\n+ {new string(' ', column - 1)}{new string('~', extent.Length)}"));
        Assert.That((error["CommandInfo_Name"]!.ToDisplayString(), error["CommandInfo_CommandType"]!.ToDisplayString()), Is.EqualTo(("Get-Item", "Cmdlet")));
        Assert.That(error["InvocationInfo_PositionMessage"]!.ToDisplayString(), Is.EqualTo(invocation["PositionMessage"]!.ToDisplayString()));
        Assert.That(error["ErrorDetails_ScriptStackTrace"]!.ToDisplayString(), Is.EqualTo($"at <ScriptBlock>, <No file>: line {line}"));
    }

    /// <summary>
    /// Write-Error takes its caller's $MyInvocation: in a function, the function's call. Its record names the function
    /// (what the console's "Get-Thing : bad" prefix reads), is placed at the call, starts its stack trace with the
    /// function's frame, and its FullyQualifiedErrorId ends in the function's name (ErrorRecord.GetInvocationTypeName).
    /// </summary>
    [Test]
    public async Task Write_Error_in_a_function_names_the_function_placed_at_its_call_and_its_id_ends_in_the_name()
    {
        const string script = "function Get-Thing {\n  Write-Error 'bad'\n}\n'a'; Get-Thing";

        var events = await RunAsync(Script(script, streamOptions: 15));

        var error = (PsObject)events.OfType<ErrorEvent>().Single().Record;
        var invocation = (PsObject)error["InvocationInfo"]!;
        Assert.That(error["FullyQualifiedErrorId"]!.ToDisplayString(), Is.EqualTo("Microsoft.PowerShell.Commands.WriteErrorException,Get-Thing"));
        Assert.That(error["ErrorCategory_Activity"]!.ToDisplayString(), Is.EqualTo("Write-Error"));
        Assert.That((invocation["MyCommand"]!.ToDisplayString(), invocation["InvocationName"]!.ToDisplayString()), Is.EqualTo(("Get-Thing", "Get-Thing")));
        Assert.That((error["CommandInfo_Name"]!.ToDisplayString(), error["CommandInfo_CommandType"]!.ToDisplayString()), Is.EqualTo(("Get-Thing", "Function")));
        Assert.That(error["CommandInfo_Definition"]!.ToDisplayString(), Does.Contain("Write-Error 'bad'"));
        Assert.That(invocation["PositionMessage"]!.ToDisplayString(), Is.EqualTo("At line:4 char:6\r\n+ 'a'; Get-Thing\r\n+      ~~~~~~~~~"));
        Assert.That(error["ErrorDetails_ScriptStackTrace"]!.ToDisplayString(), Is.EqualTo("at Get-Thing, <No file>: line 2\r\nat <ScriptBlock>, <No file>: line 4"));
    }

    /// <summary>
    /// Write-Error in a function another function calls takes the inner function's <c>$MyInvocation</c>: placed at its call
    /// in the outer function's body, and both functions' frames start the stack trace.
    /// </summary>
    [Test]
    public async Task Write_Error_in_a_function_another_function_calls_is_placed_at_the_call_in_the_outer_body()
    {
        var events = await RunAsync(Script("function Inner { Write-Error 'deep' }\nfunction Outer { Inner }\nOuter", streamOptions: 0));

        var error = (PsObject)events.OfType<ErrorEvent>().Single().Record;
        var invocation = (PsObject)error["InvocationInfo"]!;
        Assert.That(error["FullyQualifiedErrorId"]!.ToDisplayString(), Is.EqualTo("Microsoft.PowerShell.Commands.WriteErrorException,Inner"));
        Assert.That(invocation["MyCommand"]!.ToDisplayString(), Is.EqualTo("Inner"));
        Assert.That(invocation["PositionMessage"]!.ToDisplayString(), Is.EqualTo("At line:2 char:18\r\n+ function Outer { Inner }\r\n+                  ~~~~~"));
        Assert.That(error["ErrorDetails_ScriptStackTrace"]!.ToDisplayString(),
            Is.EqualTo("at Inner, <No file>: line 1\r\nat Outer, <No file>: line 2\r\nat <ScriptBlock>, <No file>: line 3"));
    }

    /// <summary>
    /// An error raised inside a function (another cmdlet's, an expression's, a throw) is placed at its statement in the
    /// function's body, and its ScriptStackTrace has a frame for each call it was raised under, innermost first, as
    /// PowerShell's call stack gives it.
    /// </summary>
    [TestCase("function f {\n  Get-Item C:\\nope\n}\n'a'\nf",
        "At line:2 char:3\r\n+   Get-Item C:\\nope\r\n+   ~~~~~~~~~~~~~~~~", "at f, <No file>: line 2\r\nat <ScriptBlock>, <No file>: line 5")]
    [TestCase("function g {\n  $n = 1\n  [int]::Parse('x')\n}\ng",
        "At line:3 char:3\r\n+   [int]::Parse('x')\r\n+   ~~~~~~~~~~~~~~~~~", "at g, <No file>: line 3\r\nat <ScriptBlock>, <No file>: line 5")]
    [TestCase("function inner {\n  Get-Item C:\\nope\n}\nfunction outer {\n  'x'\n  inner\n}\nouter",
        "At line:2 char:3\r\n+   Get-Item C:\\nope\r\n+   ~~~~~~~~~~~~~~~~", "at inner, <No file>: line 2\r\nat outer, <No file>: line 6\r\nat <ScriptBlock>, <No file>: line 8")]
    [TestCase("1 | ForEach-Object {\n  Get-Item C:\\nope\n}",
        "At line:2 char:3\r\n+   Get-Item C:\\nope\r\n+   ~~~~~~~~~~~~~~~~", "at <ScriptBlock>, <No file>: line 2\r\nat <ScriptBlock>, <No file>: line 1")]
    public async Task An_error_inside_a_function_is_placed_in_its_body_with_a_frame_for_each_call(string script, string position, string stackTrace)
    {
        var events = await RunAsync(Script(script, streamOptions: 0));

        var error = (PsObject)events.OfType<ErrorEvent>().Single().Record;
        Assert.That(((PsObject)error["InvocationInfo"]!)["PositionMessage"]!.ToDisplayString(), Is.EqualTo(position));
        Assert.That(error["ErrorDetails_ScriptStackTrace"]!.ToDisplayString(), Is.EqualTo(stackTrace));
    }

    /// <summary>
    /// An error merged into the output (2&gt;&amp;1) is the record the command wrote, placed (MshCommandRuntime sets its
    /// InvocationInfo before the pipe it goes to) and marked as the error stream's: Out-String shows it as the console
    /// does, with the command's name and place; on the wire it has no extended notes, which only the error stream adds.
    /// </summary>
    [Test]
    public async Task An_error_merged_into_the_output_is_placed_as_the_command_wrote_it()
    {
        const string script = "$r = Get-Item C:\\nope 2>&1; $r.InvocationInfo.ScriptLineNumber; $r.InvocationInfo.OffsetInLine; $r.writeErrorStream\nGet-Item C:\\nope 2>&1 | Out-String\nGet-Item C:\\nope2 2>&1";

        var events = await RunAsync(Script(script, streamOptions: 15));

        var outputs = events.OfType<OutputEvent>().Select(o => o.Value).ToList();
        Assert.That(outputs.Take(3).Select(o => o.ToDisplayString()), Is.EqualTo(new[] { "1", "6", "True" }));
        Assert.That(outputs[3].ToDisplayString(), Does.StartWith("Get-Item : Cannot find path 'C:\\nope' because it does not exist.").And.Contains("At line:2 char:1"));
        var merged = (PsObject)outputs[4];
        Assert.That(((PsObject)merged["InvocationInfo"]!)["PositionMessage"]!.ToDisplayString(), Does.StartWith("At line:3 char:1"));
        Assert.That((merged["writeErrorStream"]?.ToDisplayString(), merged["SerializeExtendedInfo"]?.ToDisplayString(), merged["InvocationInfo_ScriptLineNumber"]),
            Is.EqualTo(("True", "False", (PsValue?)null)));
        Assert.That(events.OfType<ErrorEvent>(), Is.Empty);
    }

    /// <summary>
    /// A program's stderr record names the program as NativeCommandProcessor writes it: MyCommand its ApplicationInfo,
    /// called by the name the script used, placed at the command, so the console shows "cmd : File Not Found".
    /// </summary>
    [Test]
    public async Task A_programs_stderr_record_names_the_program_placed_at_its_command()
    {
        const string script = "'a'\ncmd /c \"dir C:\\nope\"\ncmd /c \"dir C:\\nope\" 2>&1 | Select-Object -Last 1 | Out-String";

        var events = await RunAsync(Script(script, streamOptions: 15));

        var error = (PsObject)events.OfType<ErrorEvent>().Single().Record;
        var invocation = (PsObject)error["InvocationInfo"]!;
        Assert.That((invocation["MyCommand"]!.ToDisplayString(), invocation["InvocationName"]!.ToDisplayString(), error["CommandInfo_CommandType"]!.ToDisplayString()),
            Is.EqualTo(("cmd.exe", "cmd", "Application")));
        Assert.That(invocation["PositionMessage"]!.ToDisplayString(), Is.EqualTo("At line:2 char:1\r\n+ cmd /c \"dir C:\\nope\"\r\n+ ~~~~~~~~~~~~~~~~~~~~"));
        Assert.That(events.OfType<OutputEvent>().Last().Value.ToDisplayString(), Does.StartWith("cmd : File Not Found"));
    }

    /// <summary>
    /// A script that starts with an assignment (which a rule of its own runs) places the records of its later statements
    /// at them, and its functions' records have their frames, as any other script's.
    /// </summary>
    [Test]
    public async Task A_script_starting_with_an_assignment_places_its_later_statements_records()
    {
        const string script = "$r = Get-Item C:\\nope2 -ErrorAction SilentlyContinue\nfunction f {\n  Get-Item C:\\nope\n}\n'y'\nf";

        var events = await RunAsync(Script(script, streamOptions: 0));

        var error = (PsObject)events.OfType<ErrorEvent>().Single().Record;
        Assert.That(((PsObject)error["InvocationInfo"]!)["ScriptLineNumber"]!.ToDisplayString(), Is.EqualTo("3"));
        Assert.That(error["ErrorDetails_ScriptStackTrace"]!.ToDisplayString(), Is.EqualTo("at f, <No file>: line 3\r\nat <ScriptBlock>, <No file>: line 6"));
    }

    /// <summary>
    /// A throw inside a block of the script's own (an if's) that ends the script is placed at the throw, the statement
    /// running, not at the block's first line; so is one after an assignment a rule of its own runs.
    /// </summary>
    [TestCase("'a'\nif ($true) {\n  'x'\n  throw 'stop'\n}", "4", "At line:4 char:3\r\n+   throw 'stop'\r\n+   ~~~~~~~~~~~~")]
    [TestCase("$a = 1\nif ($a) {\n  throw 'stop'\n}", "3", "At line:3 char:3\r\n+   throw 'stop'\r\n+   ~~~~~~~~~~~~")]
    public async Task A_throw_in_a_block_that_ends_the_script_is_placed_at_the_throw(string script, string line, string position)
    {
        var events = await RunAsync(Script(script, streamOptions: 0));

        var error = (PsObject)events.OfType<StateEvent>().Last().ReasonRecord!;
        var invocation = (PsObject)error["InvocationInfo"]!;
        Assert.That((invocation["ScriptLineNumber"]!.ToDisplayString(), invocation["PositionMessage"]!.ToDisplayString()), Is.EqualTo((line, position)));
        Assert.That(error["ErrorDetails_ScriptStackTrace"]!.ToDisplayString(), Is.EqualTo($"at <ScriptBlock>, <No file>: line {line}"));
    }

    [Test]
    public async Task A_throw_caught_outside_the_functions_it_left_keeps_their_frames_and_its_place()
    {
        const string script = "function inner {\n  throw 'deep'\n}\nfunction outer { inner }\ntry {\n  outer\n} catch { $_.ScriptStackTrace; $_.InvocationInfo.ScriptLineNumber }\n$Error[0].ScriptStackTrace";

        var events = await RunAsync(Script(script, streamOptions: 0));

        const string trace = "at inner, <No file>: line 2\r\nat outer, <No file>: line 4\r\nat <ScriptBlock>, <No file>: line 6";
        Assert.That(events.OfType<OutputEvent>().Select(o => o.Value.ToDisplayString()), Is.EqualTo(new[] { trace, "2", trace }));
    }

    [Test]
    public async Task A_throw_that_leaves_a_function_and_ends_the_script_is_placed_in_the_function()
    {
        var events = await RunAsync(Script("function f {\n  throw 'out'\n}\n'a'\nf", streamOptions: 0));

        var error = (PsObject)events.OfType<StateEvent>().Last().ReasonRecord!;
        Assert.That(((PsObject)error["InvocationInfo"]!)["ScriptLineNumber"]!.ToDisplayString(), Is.EqualTo("2"));
        Assert.That(error["ErrorDetails_ScriptStackTrace"]!.ToDisplayString(), Is.EqualTo("at f, <No file>: line 2\r\nat <ScriptBlock>, <No file>: line 5"));
    }

    [Test]
    public async Task A_script_files_frame_names_the_file_at_its_own_line()
    {
        const string script = "Set-Content C:\\Windows\\Temp\\frames.ps1 -Value \"<#`n  help`n#>`n`nthrow 'in file'\"\ntry { & C:\\Windows\\Temp\\frames.ps1 } catch { $_.ScriptStackTrace }";

        var events = await RunAsync(Script(script, streamOptions: 0));

        Assert.That(events.OfType<OutputEvent>().Select(o => o.Value.ToDisplayString()),
            Is.EqualTo(new[] { "at <ScriptBlock>, C:\\Windows\\Temp\\frames.ps1: line 5\r\nat <ScriptBlock>, <No file>: line 2" }));
    }

    [Test]
    public async Task A_record_raised_in_a_script_file_is_placed_at_its_line_in_the_file_as_written()
    {
        const string script = "Set-Content C:\\Windows\\Temp\\tool.ps1 -Value \"'a'`nGet-Item C:\\nope # look`nfunction f {`n  Get-Item C:\\gone`n}`nf\"\n& C:\\Windows\\Temp\\tool.ps1";

        var events = await RunAsync(Script(script, streamOptions: 0));

        var errors = events.OfType<ErrorEvent>().Select(e => (PsObject)e.Record).ToList();
        Assert.That(errors, Has.Count.EqualTo(2));
        var inFile = (PsObject)errors[0]["InvocationInfo"]!;
        Assert.That(inFile["PositionMessage"]!.ToDisplayString(), Is.EqualTo("At C:\\Windows\\Temp\\tool.ps1:2 char:1\r\n+ Get-Item C:\\nope # look\r\n+ ~~~~~~~~~~~~~~~~"));
        Assert.That(new[] { "ScriptName", "PSScriptRoot", "ScriptLineNumber", "Line" }.Select(n => inFile[n]!.ToDisplayString()),
            Is.EqualTo(new[] { "C:\\Windows\\Temp\\tool.ps1", "C:\\Windows\\Temp", "2", "Get-Item C:\\nope # look" }));
        Assert.That(errors[0]["ErrorDetails_ScriptStackTrace"]!.ToDisplayString(), Is.EqualTo("at <ScriptBlock>, C:\\Windows\\Temp\\tool.ps1: line 2\r\nat <ScriptBlock>, <No file>: line 2"));
        // The function's frame names the file, and the file's frame the line of the call (not `function f {`).
        Assert.That(((PsObject)errors[1]["InvocationInfo"]!)["PositionMessage"]!.ToDisplayString(), Does.StartWith("At C:\\Windows\\Temp\\tool.ps1:4 char:3\r\n+   Get-Item C:\\gone\r\n"));
        Assert.That(errors[1]["ErrorDetails_ScriptStackTrace"]!.ToDisplayString(),
            Is.EqualTo("at f, C:\\Windows\\Temp\\tool.ps1: line 4\r\nat <ScriptBlock>, C:\\Windows\\Temp\\tool.ps1: line 6\r\nat <ScriptBlock>, <No file>: line 2"));
    }

    [Test]
    public async Task A_function_a_dot_sourced_file_defined_is_placed_in_that_file_when_the_script_calls_it()
    {
        const string script = "Set-Content C:\\Windows\\Temp\\lib.ps1 -Value \"# tools`nfunction Get-Thing {`n  throw 'no thing'`n}\"\n. C:\\Windows\\Temp\\lib.ps1\ntry { Get-Thing } catch { $_.InvocationInfo.PositionMessage; $_.ScriptStackTrace; $_.InvocationInfo.ScriptName }";

        var events = await RunAsync(Script(script, streamOptions: 0));

        Assert.That(events.OfType<OutputEvent>().Select(o => o.Value.ToDisplayString()), Is.EqualTo(new[]
        {
            "At C:\\Windows\\Temp\\lib.ps1:3 char:3\r\n+   throw 'no thing'\r\n+   ~~~~~~~~~~~~~~~~",
            "at Get-Thing, C:\\Windows\\Temp\\lib.ps1: line 3\r\nat <ScriptBlock>, <No file>: line 3",
            "C:\\Windows\\Temp\\lib.ps1",
        }));
    }

    /// <summary>
    /// A statement written twice the same way in a function is placed at the one that ran: the run looks for each
    /// statement after the last that ended, inside the statement running around it (a loop's body runs again there).
    /// </summary>
    [Test]
    public async Task A_statement_written_twice_in_a_function_is_placed_at_the_one_that_ran()
    {
        const string script = "function f {\n  Get-Item C:\\a\n  'mid'\n  Get-Item C:\\a\n}\nf\n" +
            "function g {\n  foreach ($i in 1..2) {\n    Get-Item C:\\b\n  }\n  Get-Item C:\\b\n}\ng";

        var events = await RunAsync(Script(script, streamOptions: 0));

        var lines = events.OfType<ErrorEvent>().Select(e => ((PsObject)((PsObject)e.Record)["InvocationInfo"]!)["ScriptLineNumber"]!.ToDisplayString());
        Assert.That(lines, Is.EqualTo(new[] { "2", "4", "9", "9", "11" }));
        var traces = events.OfType<ErrorEvent>().Select(e => ((PsObject)e.Record)["ErrorDetails_ScriptStackTrace"]!.ToDisplayString().Split("\r\n")[0]);
        Assert.That(traces, Is.EqualTo(new[] { "at f, <No file>: line 2", "at f, <No file>: line 4", "at g, <No file>: line 9", "at g, <No file>: line 9", "at g, <No file>: line 11" }));
    }

    /// <summary>
    /// The script's own loop with a statement written twice in its block: each pass places each at its own line, and a
    /// statement written before the loop too is not taken for the loop's.
    /// </summary>
    [Test]
    public async Task A_statement_written_twice_in_a_loop_of_the_script_is_placed_at_the_one_that_ran_on_each_pass()
    {
        const string script = "Get-Item C:\\a\nforeach ($i in 1..2) {\n  Get-Item C:\\a\n  'x'\n  Get-Item C:\\a\n}";

        var events = await RunAsync(Script(script, streamOptions: 0));

        var lines = events.OfType<ErrorEvent>().Select(e => ((PsObject)((PsObject)e.Record)["InvocationInfo"]!)["ScriptLineNumber"]!.ToDisplayString());
        Assert.That(lines, Is.EqualTo(new[] { "1", "3", "5", "3", "5" }));
    }

    /// <summary>
    /// A function an earlier pipeline of the session defined keeps that script's text, as its script block keeps its
    /// extent: a later call's error is placed there (line and line text of the earlier script, <c>&lt;No file&gt;</c>).
    /// </summary>
    [Test]
    public async Task A_function_an_earlier_pipeline_defined_is_placed_in_that_pipelines_script()
    {
        var runs = await RunAsync([
            Script("# helpers\nfunction Get-Thing {\n  param($Path)\n  Get-Item $Path\n}", streamOptions: 0),
            Script("'x'\nGet-Thing C:\\nope", streamOptions: 0),
        ]);

        var record = (PsObject)runs[1].OfType<ErrorEvent>().Single().Record;
        var invocation = (PsObject)record["InvocationInfo"]!;
        Assert.That(invocation["PositionMessage"]!.ToDisplayString(), Is.EqualTo("At line:4 char:3\r\n+   Get-Item $Path\r\n+   ~~~~~~~~~~~~~~"));
        Assert.That(invocation["ScriptName"]!.ToDisplayString(), Is.Empty);
        Assert.That(record["ErrorDetails_ScriptStackTrace"]!.ToDisplayString(), Is.EqualTo("at Get-Thing, <No file>: line 4\r\nat <ScriptBlock>, <No file>: line 2"));
    }

    /// <summary>
    /// A background job's process runs the block's text as its script: its records are placed there (the block's
    /// leading space counts), not at the caller's statement that received them.
    /// </summary>
    [Test]
    public async Task A_jobs_error_records_are_placed_in_the_jobs_own_script_block()
    {
        const string script = "$j = Start-Job { 'a'; Get-Item C:\\nope }\n$null = Wait-Job $j\nReceive-Job $j\n" +
            "$k = Start-Job {\n  'b'\n  throw 'bad'\n}\n$null = Wait-Job $k\ntry { Receive-Job $k -ErrorAction Stop } catch { $_.InvocationInfo.PositionMessage; $_.ScriptStackTrace }";

        var events = await RunAsync(Script(script, streamOptions: 0));

        var received = (PsObject)events.OfType<ErrorEvent>().Single().Record;
        var invocation = (PsObject)received["InvocationInfo"]!;
        Assert.That(invocation["PositionMessage"]!.ToDisplayString(), Is.EqualTo("At line:1 char:7\r\n+  'a'; Get-Item C:\\nope\r\n+       ~~~~~~~~~~~~~~~~"));
        Assert.That(invocation["MyCommand"]!.ToDisplayString(), Is.EqualTo("Get-Item"));
        Assert.That(received["ErrorDetails_ScriptStackTrace"]!.ToDisplayString(), Is.EqualTo("at <ScriptBlock>, <No file>: line 1"));
        Assert.That(events.OfType<OutputEvent>().Select(o => o.Value.ToDisplayString()), Is.EqualTo(new[]
        {
            "a", "b", "At line:3 char:3\r\n+   throw 'bad'\r\n+   ~~~~~~~~~~~", "at <ScriptBlock>, <No file>: line 3",
        }));
    }

    /// <summary>A job given -ArgumentList runs its block with them as its script: placed in the block's text, one frame.</summary>
    [Test]
    public async Task A_jobs_error_with_arguments_is_placed_in_its_block_with_one_frame()
    {
        const string script = "$j = Start-Job { param($x) Get-Item $x } -ArgumentList C:\\nope\n$null = Wait-Job $j\nReceive-Job $j";

        var events = await RunAsync(Script(script, streamOptions: 0));

        var received = (PsObject)events.OfType<ErrorEvent>().Single().Record;
        Assert.That(((PsObject)received["InvocationInfo"]!)["PositionMessage"]!.ToDisplayString(), Is.EqualTo("At line:1 char:12\r\n+  param($x) Get-Item $x\r\n+            ~~~~~~~~~~~"));
        Assert.That(received["ErrorDetails_ScriptStackTrace"]!.ToDisplayString(), Is.EqualTo("at <ScriptBlock>, <No file>: line 1"));
        Assert.That(received["ErrorCategory_TargetName"]!.ToDisplayString(), Is.EqualTo("C:\\nope"));
    }

    [Test]
    public async Task A_caught_Write_Error_of_a_function_is_the_functions_own_record_placed_at_the_call()
    {
        const string script = "function f { Write-Error 'x' -ErrorAction Stop }\ntry { f } catch { $_.InvocationInfo.MyCommand.Name; $_.InvocationInfo.MyCommand.CommandType.ToString(); $_.FullyQualifiedErrorId; $_.InvocationInfo.OffsetInLine }";

        var events = await RunAsync(Script(script, streamOptions: 0));

        Assert.That(events.OfType<OutputEvent>().Select(o => o.Value.ToDisplayString()),
            Is.EqualTo(new[] { "f", "Function", "Microsoft.PowerShell.Commands.WriteErrorException,f", "7" }));
    }

    /// <summary>
    /// $Error keeps every error the session saw, as the session holds it: one SilentlyContinue hid or 2>$null redirected
    /// too (only Ignore is kept nowhere), placed as if written, its InvocationInfo's MyCommand the command's CommandInfo.
    /// </summary>
    [Test]
    public async Task Error_keeps_hidden_and_redirected_records_placed_with_their_commands_CommandInfo()
    {
        const string script = "$Error.Clear()\nGet-Item C:\\nope -ErrorAction SilentlyContinue\n$Error.Count; $Error[0].InvocationInfo.MyCommand.Name; $Error[0].InvocationInfo.ScriptLineNumber\n" +
            "function f { Write-Error 'fx' }; f 2>$null\n$Error.Count; $Error[0].FullyQualifiedErrorId; $Error[0].InvocationInfo.MyCommand.CommandType.ToString()\n" +
            "Get-Item C:\\n2 -ErrorAction Ignore; $Error.Count";

        var events = await RunAsync(Script(script, streamOptions: 0));

        Assert.That(events.OfType<ErrorEvent>(), Is.Empty);
        Assert.That(events.OfType<OutputEvent>().Select(o => o.Value.ToDisplayString()),
            Is.EqualTo(new[] { "1", "Get-Item", "2", "2", "Microsoft.PowerShell.Commands.WriteErrorException,f", "Function", "2" }));
    }

    [Test]
    public async Task ThrowTerminatingError_names_the_advanced_function_as_its_activity_and_command()
    {
        const string script = "function Get-Thing { [CmdletBinding()] param()\n  $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new([Exception]::new('no'), 'MyId', 'InvalidOperation', $null)) }\nGet-Thing; 'after'";

        var events = await RunAsync(Script(script, streamOptions: 0));

        var error = (PsObject)events.OfType<ErrorEvent>().Single().Record;
        Assert.That(error["FullyQualifiedErrorId"]!.ToDisplayString(), Is.EqualTo("MyId,Get-Thing"));
        Assert.That(error["ErrorCategory_Message"]!.ToDisplayString(), Is.EqualTo("InvalidOperation: (:) [Get-Thing], Exception"));
        Assert.That(((PsObject)error["InvocationInfo"]!)["MyCommand"]!.ToDisplayString(), Is.EqualTo("Get-Thing"));
        Assert.That(events.OfType<OutputEvent>().Select(o => o.Value.ToDisplayString()), Is.EqualTo(new[] { "after" }));
    }

    [Test]
    public async Task An_unknown_command_is_placed_at_its_name_without_a_command()
    {
        var events = await RunAsync(Script("'a'; Get-Nothing -X 1", streamOptions: 15));

        var error = (PsObject)events.OfType<ErrorEvent>().Single().Record;
        var invocation = (PsObject)error["InvocationInfo"]!;
        Assert.That(invocation["MyCommand"], Is.InstanceOf<PsNil>());
        Assert.That(invocation["OffsetInLine"]!.ToDisplayString(), Is.EqualTo("6"));
        Assert.That(error["CommandInfo_Name"], Is.Null, "no command: no CommandInfo notes");
    }

    [Test]
    public async Task A_command_sent_as_a_command_names_itself_without_a_script_position_or_stack_trace()
    {
        var create = new CreatePipeline([new PipelineCommand("Write-Error", IsScript: false, [new PipelineArgument("Message", PsPrimitive.String("bad"))])],
            HostInfo: PsrpObjects.DefaultHostInfo()) { RemoteStreamOptions = 15 };

        var events = await RunAsync(create);

        var error = (PsObject)events.OfType<ErrorEvent>().Single().Record;
        var invocation = (PsObject)error["InvocationInfo"]!;
        Assert.That((invocation["MyCommand"]!.ToDisplayString(), invocation["Line"]!.ToDisplayString(), invocation["PositionMessage"]!.ToDisplayString()), Is.EqualTo(("Write-Error", "", "")));
        Assert.That(error["ErrorDetails_ScriptStackTrace"], Is.Null);
        Assert.That(error["CommandInfo_Name"]!.ToDisplayString(), Is.EqualTo("Write-Error"), "no caller's $MyInvocation: Write-Error names itself");
    }

    private static CreatePipeline Script(string script, int streamOptions) =>
        new([new PipelineCommand(script, IsScript: true, [])], HostInfo: PsrpObjects.DefaultHostInfo()) { RemoteStreamOptions = streamOptions };

    private async Task<List<PipelineEvent>> RunAsync(CreatePipeline create) => (await RunAsync([create]))[^1];

    // The pipelines one after the other in one RunspacePool (a session): each one's events.
    private async Task<List<List<PipelineEvent>>> RunAsync(IReadOnlyList<CreatePipeline> creates)
    {
        using var transport = NewTransport();
        await using var pool = await RunspacePoolClient.OpenAsync(transport);
        var all = new List<List<PipelineEvent>>();
        foreach (var create in creates)
        {
            var pipeline = await pool.StartAsync(create);
            var events = new List<PipelineEvent>();
            await foreach (var e in pipeline.ReadAllAsync()) events.Add(e);
            all.Add(events);
        }

        return all;
    }

    // One serializer for both sides: the recorded XML read and written again, and the emulator's record written.
    private static string Canonical(PsValue value) => ClixmlSerializer.SerializeToString(value);

    private sealed record Recorded(CreatePipeline Create, IReadOnlyList<PsrpMessage> Responses);

    /// <summary>The recorded CREATE_PIPELINE (its script, options and host as pypsrp sent them) and every PSRP message Windows answered.</summary>
    private static Recorded LoadRecorded(string name)
    {
        if (FixtureFolders.Find() is not { } folder)
        {
            Assert.Ignore($"{FixtureFolders.RealTraffic} was not found above {AppContext.BaseDirectory}; the recorded traffic lives outside the repository.");
            throw new InvalidOperationException();
        }

        var exchange = RecordedExchange.Load(folder, name);
        var requests = new Defragmenter();
        var create = exchange.Messages
            .SelectMany(m => m.RequestXml.Descendants(Rsp + "Arguments"))
            .SelectMany(a => requests.Add(Convert.FromBase64String(a.Value)))
            .Where(m => m.MessageType == PsrpMessageType.CreatePipeline)
            .Select(m => CreatePipeline.FromPsValue(m.ReadData()))
            .Single();
        var responses = new Defragmenter();
        var messages = exchange.Messages
            .SelectMany(m => XDocument.Parse(m.Response).Descendants(Rsp + "Stream"))
            .Where(s => s.Value.Length > 0)
            .SelectMany(s => responses.Add(Convert.FromBase64String(s.Value)))
            .ToList();
        return new(create, messages);
    }
}
