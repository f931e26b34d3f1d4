using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// Text in the order a Windows server's culture comparisons give it (NLS, en-US: punctuation before digits before
/// letters, case and accents after the letters, the hyphen and apostrophe last), not .NET's ordinal order, which is
/// what culture comparisons are here without ICU; and the list methods that sort with it.
/// </summary>
public class TextOrderTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<IReadOnlyList<string>> OutputOfAsync(string text)
    {
        var host = new RecordingHost { Runspace = new RunspaceState() };
        var create = new CreatePipeline([new PipelineCommand(text, IsScript: true, [])], NoInput: true);
        var outcome = await Default.Resolve(create).RunTestAsync(host, new FakeTimeProvider());
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => $"'{text}' ended {outcome.State}: {outcome.ErrorRecord?.ToDisplayString()}");
        Assert.That(host.Errors, Is.Empty, () => $"'{text}' wrote {string.Join("; ", host.Errors.Select(e => e.Message))}");
        return host.OutputTexts;
    }

    [TestCase("_x", "a")]
    [TestCase("!", "1")]
    [TestCase("1", "a")]
    [TestCase("a", "B")]
    [TestCase("B", "c")]
    [TestCase("a", "A")]
    [TestCase("abc", "a-c")]
    [TestCase("coop", "co-op")]
    [TestCase("co-op", "cop")]
    [TestCase("file10", "file2")]
    [TestCase("e", "é")]
    [TestCase("é", "f")]
    [TestCase("Apple", "apple pie")]
    public void The_first_comes_before_the_second(string first, string second)
    {
        Assert.That(WindowsCollation.Compare(first, second, ignoreCase: false), Is.LessThan(0));
        Assert.That(WindowsCollation.Compare(second, first, ignoreCase: false), Is.GreaterThan(0));
    }

    [TestCase("a", "A", 0)]
    [TestCase("Straße", "STRASSE", 1)]
    [TestCase("É", "é", 0)]
    [TestCase("x", "x", 0)]
    public void Ignoring_case_only_case_makes_no_difference(string left, string right, int sign)
    {
        Assert.That(Math.Sign(WindowsCollation.Compare(left, right, ignoreCase: true)), Is.EqualTo(sign));
        Assert.That(WindowsCollation.IgnoreCase.Equals(left, right), Is.EqualTo(sign == 0));
        if (sign == 0) Assert.That(WindowsCollation.IgnoreCase.GetHashCode(left), Is.EqualTo(WindowsCollation.IgnoreCase.GetHashCode(right)));
    }

    [TestCase("'b', 'a', 'C', '_x', 'a1', 'a-b' | Sort-Object", "_x,a,a1,a-b,b,C")]
    [TestCase("'b', 'a', 'C' | Sort-Object -Descending", "C,b,a")]
    [TestCase("'a' -clt 'B'; 'a' -clt 'A'; '_' -lt 'a'; 'Z' -lt '_'", "True,True,True,False")]
    [TestCase("'b'.CompareTo('C'); 'a'.CompareTo('A')", "-1,-1")]
    public async Task Sorting_and_comparing_text_follow_windows_order(string script, string expected)
    {
        Assert.That(string.Join(",", await OutputOfAsync(script)), Is.EqualTo(expected));
    }

    [TestCase("$l = [System.Collections.Generic.List[string]]::new(); 'b', 'a', 'C' | ForEach-Object { $l.Add($_) }; $l.Sort(); $l -join ','", "a,b,C")]
    [TestCase("$l = New-Object System.Collections.ArrayList; $l.AddRange(@(10, 2, 33)); $l.Sort(); $l -join ','", "2,10,33")]
    [TestCase("$l = [System.Collections.Generic.List[int]]::new(); $l.AddRange([int[]](3, 1, 2)); $l.Reverse(); $l -join ','", "2,1,3")]
    [TestCase("$l = [System.Collections.Generic.List[int]]::new(); $l.AddRange([int[]](1, 2, 3, 4)); $l.GetRange(1, 2) -join ','; $l.RemoveRange(0, 3); $l -join ','; $l.LastIndexOf(4)", "2,3,4,0")]
    [TestCase("$a = 3, 1, 2; [Array]::Sort($a); $a -join ','; [Array]::Reverse($a); $a -join ','; [array]::IndexOf($a, 1)", "1,2,3,3,2,1,2")]
    public async Task List_and_array_methods_sort_reverse_and_take_ranges_in_place(string script, string expected)
    {
        Assert.That(string.Join(",", await OutputOfAsync(script)), Is.EqualTo(expected));
    }

    [Test]
    public async Task A_range_past_the_list_is_the_methods_exception()
    {
        var host = new RecordingHost { Runspace = new RunspaceState() };
        var create = new CreatePipeline([new PipelineCommand("$l = New-Object System.Collections.ArrayList; $l.AddRange(@(1, 2)); $l.GetRange(1, 5); 'next'", IsScript: true, [])], NoInput: true);
        await Default.Resolve(create).RunTestAsync(host, new FakeTimeProvider());

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("ArgumentException", "Exception calling \"GetRange\" with \"2\" argument(s): \"Offset and length were out of bounds for the array or count is greater than the number of elements from index to the end of the source collection.\""),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }
}
