using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// A Hashtable enumerates its keys in its buckets' order, last to first: integer, char, Boolean and double keys in
/// the order .NET's Hashtable gives them, strings (whose culture hash the emulator cannot know) first in the order
/// they were added. Expected outputs are what pwsh 7.6.9 printed for the same scripts (its Hashtable is .NET
/// Framework's algorithm, and these keys' hashes are the same on both).
/// </summary>
public class HashtableOrderTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<RecordingHost> RunAsync(string text)
    {
        var host = new RecordingHost { Runspace = new RunspaceState() };
        var create = new CreatePipeline([new PipelineCommand(text, IsScript: true, [])], NoInput: true);
        var outcome = await Default.Resolve(create).RunTestAsync(host, new FakeTimeProvider());
        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed), () => $"'{text}' ended {outcome.State}: {outcome.ErrorRecord?.ToDisplayString()}");
        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        return host;
    }

    [TestCase("@{1='a';2='b';3='c'}.Keys -join ','", "3,2,1")]
    [TestCase("@{5='a';1='b';3='c';10='d';2='e';7='f'}.Keys -join ','", "10,7,5,3,2,1")]
    [TestCase("@{-1='m';0='z'}.Keys -join ','", "-1,0")]
    [TestCase("@{100=1; 103=2}.Keys -join ','; @{103=2; 100=1}.Keys -join ','", "100,103|100,103")]
    [TestCase("@{[long]5='a';[long]3='b'}.Keys -join ','", "5,3")]
    [TestCase("@{[char]'a'=1;[char]'b'=2;$true=3;$false=4;1.5=5;2.5=6}.Keys -join ','", "1.5,2.5,True,a,b,False")]
    public async Task A_literal_enumerates_its_number_keys_in_the_order_of_its_buckets(string script, string expected) =>
        Assert.That(string.Join("|", (await RunAsync(script)).OutputTexts), Is.EqualTo(expected));

    [TestCase("$h = @{}; 10..1 | % { $h[$_] = $_ }; $h.Keys -join ','", "10,9,8,7,6,5,4,3,2,1")]
    [TestCase("$h = @{}; 1..30 | % { $h[$_ * 7] = $_ }; $h.Keys -join ','",
        "175,84,168,77,161,70,154,63,147,56,140,49,133,42,126,35,210,119,28,203,112,21,196,105,14,189,98,7,182,91")]
    [TestCase("$h = @{}; 1..20 | % { $h[$_] = $_ }; 3..9 | % { $h.Remove($_) }; 50..55 | % { $h[$_] = 1 }; $h.Keys -join ','",
        "54,55,50,51,20,19,18,17,16,15,14,13,12,11,10,52,53,2,1")]
    [TestCase("$h = @{1='a';2='b';3='c'}; $c = $h.Clone(); $c.Keys -join ','; $h.Remove(2); $h[2] = 'x'; $h.Keys -join ','", "3,2,1|3,2,1")]
    [TestCase("$h = @{5=1;6=2}; $h.Clear(); 1..3 | % { $h[$_] = 1 }; $h.Keys -join ','", "3,2,1")]
    [TestCase("$h = @{}; 1..5 | % { $h[[long]$_ * 4294967296] = $_ }; $h.Keys -join ','", "21474836480,17179869184,12884901888,8589934592,4294967296")]
    [TestCase("$h = @{}; foreach ($i in 1..2000) { $h[$i * 13 % 1777] = $i }; ($h.Keys | Select-Object -First 12) -join ','; $h.Count; $h[13]; $h[1776]",
        "1776,1775,1774,1773,1772,1771,1770,1769,1768,1767,1766,1765|1777|1778|410")]
    public async Task Keys_added_removed_and_cleared_keep_the_order_the_grown_table_gives_them(string script, string expected) =>
        Assert.That(string.Join("|", (await RunAsync(script)).OutputTexts), Is.EqualTo(expected));

    [Test]
    public async Task Matches_lists_named_groups_first_then_numbered_ones_from_the_last_to_group_0()
    {
        var host = await RunAsync(
            "'abcdefg' -match '(a)(b)(c)(d)(e)(f)(g)' | Out-Null; $Matches.Keys -join ','; " +
            "'was CONTOSO\\jsmith' -match 'was (?<domain>.+)\\\\(?<user>.+)' | Out-Null; $Matches.Keys -join ','; $Matches.user");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "7,6,5,4,3,2,1,0", "domain,user,0", "jsmith" }));
    }

    [TestCase("(1..10 | Group-Object { $_ % 4 } -AsHashTable).Keys -join ','", "3,2,1,0")]
    [TestCase("$h = @{a=1}; $h[2] = 'x'; $h['b'] = 3; $h[1] = 'y'; $h.Keys -join ','; $h['A']; $h[2]", "a,b,2,1|1|x")]
    [TestCase("$o = [ordered]@{3='c';1='a';2='b'}; $o.Keys -join ','", "3,1,2")]
    [TestCase("$s = [System.Collections.Generic.SortedDictionary[string,int]]::new(); 'b', 'B', 'a', 'A', 'c' | % { $s[$_] = 1 }; $s.Keys -join ','; $s.Remove('a') | Out-Null; $s['A']; $s.Keys -join ','", "a,A,b,B,c|1|A,b,B,c")]
    [TestCase("$n = [System.Collections.Generic.SortedDictionary[int,string]]::new(); 10, 2, 33 | % { $n.Add($_, 'x') }; $n.Keys -join ','", "2,10,33")]
    public async Task Other_tables_keep_their_order_and_strings_come_first_as_added(string script, string expected) =>
        Assert.That(string.Join("|", (await RunAsync(script)).OutputTexts), Is.EqualTo(expected));

    [Test]
    public async Task A_large_table_of_strings_and_numbers_finds_every_key()
    {
        var host = await RunAsync(
            "$h = @{}; foreach ($i in 1..300) { $h[\"k$i\"] = $i; $h[$i] = -$i }; $h.Count; $h['K150']; $h[150]; " +
            "$h.Remove('k7'); $h.Remove(7); $h.Count; $h.ContainsKey('k7'); $h.ContainsKey(7); $h['k8']; $h[8]; ($h.Keys | Select-Object -First 2) -join ','");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "600", "150", "-150", "598", "False", "False", "8", "-8", "k1,k2" }));
    }

    [Test]
    public async Task A_generic_dictionary_shows_its_KeyValuePairs_as_a_Key_and_Value_table()
    {
        var host = await RunAsync("$d = [System.Collections.Generic.Dictionary[string,int]]::new(); $d['a'] = 1; $d['bbbb'] = 22; $d | Out-String; @{ a = 1 } | Out-String");

        Assert.That(host.OutputTexts[0].Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()), Is.EqualTo(new[] { "Key  Value", "---  -----", "a        1", "bbbb    22" }));
        Assert.That(host.OutputTexts[1], Does.Contain("Name                           Value"));
    }

    /// <summary>
    /// System.Collections.SortedList: its keys in Comparer.Default's order and with case, its positional methods, its
    /// IDictionary constructor and cast, and .NET Framework's errors (a key added twice, keys that do not compare, an
    /// index out of range) as PowerShell reports them (pwsh 7.6.9 side by side).
    /// </summary>
    [Test]
    public async Task A_SortedList_keeps_its_keys_in_order_with_case()
    {
        var host = await RunAsync("""
            $sl = [System.Collections.SortedList]::new(); $sl['b'] = 2; $sl['a'] = 1; $sl['B'] = 3; $sl.Add('c', 4)
            $sl.Keys -join ','
            $sl.Values -join ','
            $sl.GetByIndex(0); $sl.GetKey(1); $sl.IndexOfKey('b'); $sl.ContainsKey('A'); $sl.ContainsValue(3)
            "$sl"
            try { $sl.Add('a', 9) } catch { "$_" }
            $sl.Remove('a'); $sl.Keys -join ','
            $s2 = New-Object System.Collections.SortedList; $s2[3] = 'x'; $s2[1] = 'y'; $s2.Keys -join ','
            try { $s2['z'] = 1 } catch { "$($_.FullyQualifiedErrorId): $_" }
            try { $s2.GetByIndex(5) } catch { "$_" }
            ([System.Collections.SortedList]@{ z = 1; y = 2 }).Keys -join ','
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "a,b,B,c", "1,2,3,4", "1", "b", "1", "False", "True", "System.Collections.SortedList",
            "Exception calling \"Add\" with \"2\" argument(s): \"Item has already been added. Key in dictionary: 'a'  Key being added: 'a'\"",
            "b,B,c", "1,3",
            "System.InvalidOperationException: Failed to compare two elements in the array.",
            "Exception calling \"GetByIndex\" with \"1\" argument(s): \"Index was out of range. Must be non-negative and less than the size of the collection.\r\nParameter name: index\"",
            "y,z",
        }));
    }

    /// <summary>
    /// SortedSet[T]: a HashSet whose items stay in the default comparer's order (text in Windows' order, with case), with
    /// Min and Max (default(T) when empty), from a collection of T too (pwsh 7.6.9 side by side).
    /// </summary>
    [Test]
    public async Task A_SortedSet_keeps_distinct_items_in_order()
    {
        var host = await RunAsync("""
            $s = [System.Collections.Generic.SortedSet[int]]::new(); $s.Add(3); $s.Add(1); $s.Add(3); $s -join ','
            $s.Min; $s.Max; $s.Count; $s.Contains(1)
            $t = [System.Collections.Generic.SortedSet[string]]::new([string[]]('b','B','a')); $t -join ','
            $t.Remove('B'); $t -join ','
            $t.UnionWith([string[]]('0','c')); $t -join ','
            $s -is [System.Collections.IList]
            $u = New-Object 'System.Collections.Generic.SortedSet[int]'; $u.Min; $u.Add(2) | Out-Null; $u.Count
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True", "True", "False", "1,3", "1", "3", "2", "True", "a,b,B", "True", "a,b", "0,a,b,c", "False", "0", "1" }));
    }

    [Test]
    public void Entries_removed_behind_the_buckets_back_are_simulated_again_not_misplaced()
    {
        var table = PsrpEmulator.Protocol.Clixml.PsObjects.Dictionary([]);
        foreach (var n in new[] { 1, 2, 3 }) TableKeys.Add(table, PsrpEmulator.Protocol.Clixml.PsPrimitive.Int32(n), PsrpEmulator.Protocol.Clixml.PsPrimitive.Int32(n));
        table.Entries.RemoveAt(0);
        table.Entries.RemoveAt(0);

        TableKeys.Add(table, PsrpEmulator.Protocol.Clixml.PsPrimitive.Int32(5), PsrpEmulator.Protocol.Clixml.PsPrimitive.Int32(5));

        Assert.That(table.Entries.Select(e => ((PsrpEmulator.Protocol.Clixml.PsPrimitive)e.Key).Value), Is.EqualTo(new object[] { 5, 1 }));
        Assert.That(TableKeys.Find(table, PsrpEmulator.Protocol.Clixml.PsPrimitive.Int32(1)), Is.EqualTo(1));
        Assert.That(TableKeys.Find(table, PsrpEmulator.Protocol.Clixml.PsPrimitive.Int32(3)), Is.EqualTo(-1));
    }

    [Test]
    public async Task ConvertTo_Json_of_a_table_whose_key_is_no_string_is_the_cmdlet_s_error_for_the_statement()
    {
        var host = new RecordingHost { Runspace = new RunspaceState() };
        var create = new CreatePipeline([new PipelineCommand("@{ 1 = 'a' } | ConvertTo-Json; 'after'; ConvertTo-Json @{ a = [ordered]@{ 2 = 1 } }; @{ a = 1 } | ConvertTo-Json -Compress", IsScript: true, [])], NoInput: true);
        var outcome = await Default.Resolve(create).RunTestAsync(host, new FakeTimeProvider());

        Assert.That(outcome.State, Is.EqualTo(PSInvocationState.Completed));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[]
        {
            ("The type 'System.Collections.Hashtable' is not supported for serialization or deserialization of a dictionary. Keys must be strings.", "NonStringKeyInDictionary,Microsoft.PowerShell.Commands.ConvertToJsonCommand"),
            ("The type 'System.Collections.Specialized.OrderedDictionary' is not supported for serialization or deserialization of a dictionary. Keys must be strings.", "NonStringKeyInDictionary,Microsoft.PowerShell.Commands.ConvertToJsonCommand"),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after", "{\"a\":1}" }));
    }
}
