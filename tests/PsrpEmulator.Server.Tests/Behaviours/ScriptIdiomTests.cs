using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// Idioms real admin and provisioning scripts are full of, as Windows PowerShell 5.1 reads them: a variable with a path
/// after it as one argument, dot-sourcing a path an expression gives, ++ on an element, a script block's parameter
/// defaults, a parameter's aliases.
/// </summary>
public class ScriptIdiomTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<RecordingHost> RunAsync(string script)
    {
        var disk = Default.NewFileSystem("Server01", TimeProvider.System, 1L << 30);
        disk.EnsureProfile(@"C:\Users\psrp");
        var host = new RecordingHost { Runspace = new RunspaceState(), FileSystem = disk };
        host.Environment["SystemRoot"] = @"C:\Windows";
        host.Environment["TEMP"] = @"C:\Users\psrp\AppData\Local\Temp";
        var run = Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider());
        Assert.That(run.IsCompleted, Is.True, "the script waited where it should run straight through");
        await run;
        return host;
    }

    [TestCase(@"Test-Path $env:SystemRoot\System32", "True")]
    [TestCase(@"$d = 'C:\Windows'; Test-Path $d\System32\drivers", "True")]
    [TestCase(@"$n = 5; Write-Output $n-1", "5-1")]
    [TestCase(@"[IO.Path]::DirectorySeparatorChar; [IO.Path]::GetInvalidFileNameChars().Count; 'a:b?.txt'.IndexOfAny([IO.Path]::GetInvalidFileNameChars()); [bool]::Parse(' True '); [bool]::Parse('false')", @"\|41|1|True|False")]
    [TestCase(@"$g = New-Guid; $g.GetType().Name; $g.Guid -match '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$'; (New-Guid).ToString() -ne (New-Guid).ToString()", "Guid|True|True")]
    // A script block as a Predicate: the item is its argument, $_ is not set.
    [TestCase(@"$l = [System.Collections.Generic.List[int]]::new(); $l.AddRange([int[]](1, 5, 8, 12)); $l.Find({ $args[0] -gt 4 }); $null -eq $l.Find({ param($x) $x -gt 100 }); $l.FindAll({ $args[0] % 2 -eq 0 }) -join ','; $l.Exists({ $args[0] -eq 8 }); $l.FindIndex({ $args[0] -gt 6 }); $l.TrueForAll({ $args[0] -gt 0 }); $l.RemoveAll({ $args[0] -lt 6 }); $l -join ','; $l.Exists({ $null -ne $_ })",
        "5|True|8,12|True|2|True|2|8,12|False")]
    [TestCase(@"[bool]('10.0.0.5' -as [ipaddress]); $null -eq ('999.1.1.1' -as [ipaddress]); ([ipaddress]'1').IPAddressToString; [ipaddress]::Parse('::1').AddressFamily; [ipaddress]::Loopback.ToString()", "True|True|0.0.0.1|InterNetworkV6|127.0.0.1")]
    [TestCase(@"[string]::new('=', 5); [string]::Equals('a', 'A', 'OrdinalIgnoreCase'); [datetime]::DaysInMonth(2024, 2); [datetime]::IsLeapYear(2023); [math]::Sign(-3); [math]::Log10(1000)", "=====|True|29|False|-1|3")]
    // .NET Framework 4.8's Math: the trigonometric functions, IEEERemainder, BigMul's Int64 (pwsh 7.6.9 side by side).
    [TestCase(@"""$([Math]::Sin(1)) $([Math]::Cos(0)) $([Math]::Asin(0.5)) $([Math]::Atan2(1, 2)) $([Math]::Tanh(1)) $([Math]::IEEERemainder(7, 2))""; [Math]::BigMul(2147483647, 2); [Math]::BigMul(3, 4).GetType().Name",
        "0.841470984807897 1 0.523598775598299 0.463647609000806 0.761594155955765 -1|4294967294|Int64")]
    // System.Tuple: [Tuple]::Create infers the items' types, ::new and New-Object convert to the type's; Item1... are
    // get-only; its text is "(1, x)" (pwsh 7.6.9 side by side; 5.1 has no ITuple Length property to show).
    [TestCase(@"$t = [Tuple]::Create(1, 'x'); $t.Item1; $t.Item2; ""$t""; $t.GetType().Name; $t.Item1.GetType().Name; $u = [System.Tuple[int,string]]::new('7', 8); $u.Item1.GetType().Name; $u.Item2.GetType().Name; (New-Object 'Tuple[int,int,int]' 1, 2, 3).Item3; [Tuple]::Create([pscustomobject]@{a=1}, 2.5, 's', @(1,2)).ToString()",
        "1|x|(1, x)|Tuple`2|Int32|Int32|String|3|(@{a=1}, 2.5, s, System.Object[])")]
    [TestCase(@"$t = [Tuple]::Create(1, 'x'); try { $t.Item1 = 5 } catch { ""$_""; $_.FullyQualifiedErrorId }; $t.Item1; try { [Tuple]::Create($null, 1) } catch { ""$_"" }; try { [Tuple[int,string]]::new(1) } catch { ""$_"" }",
        "'Item1' is a ReadOnly property.|PropertyAssignmentException|1|Cannot find an overload for \"Create\" and the argument count: \"2\".|Cannot find an overload for \"new\" and the argument count: \"1\".")]
    // KeyValuePair[K,V]'s constructor: the pair a Dictionary[K,V] enumerates, its items converted, Key and Value get-only (pwsh 7.6.9 side by side).
    [TestCase(@"$k = [System.Collections.Generic.KeyValuePair[string,int]]::new('a', '1'); $k.Key; $k.Value.GetType().Name; ""$k""; $k.GetType().Name; $n = New-Object 'System.Collections.Generic.KeyValuePair[string,string]' 'x', 'y'; $n.ToString(); try { $n.Key = 'z' } catch { ""$_"" }; $d = [System.Collections.Generic.Dictionary[string,int]]::new(); $d['q'] = 1; ($d.GetEnumerator() | Select-Object -First 1).GetType().FullName -eq $k.GetType().FullName",
        "a|Int32|[a, 1]|KeyValuePair`2|[x, y]|'Key' is a ReadOnly property.|True")]
    // [hashtable]::Synchronized (the runspace scripts' shared table) and ArrayList's, Queue's, Stack's: the wrapper reads and
    // writes the collection it wraps, its type .NET's nested wrapper, IsSynchronized true; a Hashtable's order kept (pwsh 7.6.9 side by side).
    [TestCase(@"$o = @{}; $s = [hashtable]::Synchronized($o); $s.x = 1; $o.x; $s.GetType().Name; $s.GetType().FullName; $s.IsSynchronized; @{}.IsSynchronized; $s.ContainsKey('X'); $t = [hashtable]::Synchronized(@{}); 1..3 | ForEach-Object { $t[$_] = $_ }; $t.Keys -join ','",
        "1|SyncHashtable|System.Collections.Hashtable+SyncHashtable|True|False|True|3,2,1")]
    [TestCase(@"$l = [System.Collections.ArrayList]::Synchronized([System.Collections.ArrayList]::new()); [void]$l.Add(1); $l.AddRange(@(2, 3)); $l.Count; $l.IsSynchronized; $l.GetType().Name; $q = [System.Collections.Queue]::Synchronized([System.Collections.Queue]::new()); $q.Enqueue(5); $q.IsSynchronized; $q.Dequeue(); $k = [System.Collections.Stack]::Synchronized([System.Collections.Stack]::new()); $k.Push(1); $k.Push(2); $k.Pop(); $k.GetType().FullName",
        "3|True|SyncArrayList|True|5|2|System.Collections.Stack+SyncStack")]
    [TestCase(@"try { [hashtable]::Synchronized($null) } catch { ""$_"" }; try { [hashtable]::Synchronized('x') } catch { $_.FullyQualifiedErrorId }; try { [System.Collections.ArrayList]::Synchronized('x') } catch { $_.FullyQualifiedErrorId }",
        "Exception calling \"Synchronized\" with \"1\" argument(s): \"Value cannot be null.\r\nParameter name: table\"|MethodArgumentConversionInvalidCastArgument|MethodCountCouldNotFindBest")]
    // ConcurrentDictionary[K,V] (runspace scripts' other shared table): TryAdd, TryGetValue and TryRemove with [ref],
    // GetOrAdd, AddOrUpdate with a script block as the factory, TryUpdate, IsEmpty, ToArray; keys with case; Add is
    // IDictionary's explicit member, which 5.1 does not call (pwsh 7.6.9 side by side, but for Add).
    [TestCase(@"$d = [System.Collections.Concurrent.ConcurrentDictionary[string,int]]::new(); $d.IsEmpty; $d.TryAdd('a', 1); $d.TryAdd('a', 2); $d['a']; $d.IsEmpty; $v = 0; $d.TryGetValue('a', [ref]$v); $v; $d.TryRemove('a', [ref]$v); $v; $d.Count; $d.TryRemove('a', [ref]$v); $v",
        "True|True|False|1|False|True|1|True|1|0|False|0")]
    [TestCase(@"$d = [System.Collections.Concurrent.ConcurrentDictionary[string,int]]::new(); $d.GetOrAdd('k', 3); $d.GetOrAdd('k', 4); $d.AddOrUpdate('k', 1, { param($k, $old) $old + 10 }); $d.AddOrUpdate('n', 1, { param($k, $old) $old + 10 }); $d.GetOrAdd('zz', { param($k) $k.Length * 7 }); $d.TryUpdate('k', 20, 13); $d['k']; $d.ContainsKey('K'); $d.TryAdd($null, 9); $d[''];  $d.ToArray().GetType().Name; $d.GetType().Name; try { $d.Add('b', 2) } catch { $_.FullyQualifiedErrorId }",
        "3|3|13|1|14|True|20|False|True|9|KeyValuePair`2[]|ConcurrentDictionary`2|MethodNotFound")]
    // ConcurrentQueue[T], ConcurrentStack[T], ConcurrentBag[T]: Enqueue, Push, PushRange, Add, the Try methods with [ref]
    // (T's default when empty), IsEmpty, ToArray's T[]; Dequeue and a queue's Clear are not .NET Framework 4.8's (pwsh 7.6.9 side by side, but for Clear).
    [TestCase(@"$q = [System.Collections.Concurrent.ConcurrentQueue[string]]::new(); $q.Enqueue('x'); $q.Enqueue('y'); $q.IsEmpty; $o = $null; $q.TryPeek([ref]$o); $o; $q.TryDequeue([ref]$o); $o; $q.TryDequeue([ref]$o); $o; $q.TryDequeue([ref]$o); $null -eq $o; $q.IsEmpty; try { $q.Dequeue() } catch { $_.FullyQualifiedErrorId }; try { $q.Clear() } catch { $_.FullyQualifiedErrorId }",
        "False|True|x|True|x|True|y|False|True|True|MethodNotFound|MethodNotFound")]
    [TestCase(@"$s = New-Object 'System.Collections.Concurrent.ConcurrentStack[int]'; $s.Push(1); $s.PushRange([int[]](2, 3)); $s.ToArray() -join ','; $v = 0; $s.TryPop([ref]$v); $v; $s.Count; $s.GetType().Name; $b = [System.Collections.Concurrent.ConcurrentBag[int]]::new(); $b.Add(1); $b.Add(2); $t = 0; $b.TryTake([ref]$t); $t; $b.ToArray().GetType().Name; $b.TryTake([ref]$t); $b.TryTake([ref]$t); $t",
        "3,2,1|True|3|2|ConcurrentStack`1|True|2|Int32[]|True|False|0")]
    // A .NET value's get-only property (.NET Framework's member table): PowerShell's ReadOnly error; one it has not, PropertyNotFound (pwsh 7.6.9 side by side).
    [TestCase(@"$s = 'abc'; try { $s.length = 1 } catch { ""$_""; $_.FullyQualifiedErrorId }; $d = Get-Date; try { $d.Year = 5 } catch { ""$_"" }; $t = [timespan]::Zero; try { $t.Days = 1 } catch { ""$_"" }; $v = [version]'1.2'; try { $v.Major = 3 } catch { ""$_"" }; $n = 5; try { $n.Foo = 1 } catch { $_.FullyQualifiedErrorId }; $s",
        "'Length' is a ReadOnly property.|PropertyAssignmentException|'Year' is a ReadOnly property.|'Days' is a ReadOnly property.|'Major' is a ReadOnly property.|PropertyNotFound|abc")]
    // Queue[T]'s and Stack[T]'s ToArray is a T[], the non-generic ones' an Object[] (pwsh 7.6.9 side by side).
    [TestCase(@"$q = [System.Collections.Generic.Queue[int]]::new(); $q.Enqueue(1); $q.ToArray().GetType().Name; $k = [System.Collections.Generic.Stack[string]]::new(); $k.Push('a'); $k.ToArray().GetType().Name; $s = [System.Collections.Stack]::new(); $s.Push(1); $s.ToArray().GetType().Name",
        "Int32[]|String[]|Object[]")]
    [TestCase(@"$a = [array]::CreateInstance([string], 2); $a.Length; $a.GetType().FullName; $null -eq $a[0]; $b = [System.Array]::CreateInstance([int], 3); $b[1] = 5; $b -join ','", "2|System.String[]|True|0,5,0")]
    [TestCase(@"'xx--abc--xx'.Trim('x', '-'); '\\srv\share\'.TrimEnd('\', '/'); 'a-b_c'.IndexOfAny([char[]]'_-'); 'Hello'.Chars(1)", @"abc|\\srv\share|1|e")]
    [TestCase(@"$h = @{ a = 1; b = 2 }; foreach ($k in $h.Clone().Keys) { $h[$k] = $h[$k] * 10 }; $h.a + $h.b; $arr = 1, 2; $copy = $arr.Clone(); $copy[0] = 9; ""$arr $copy""", "30|1 2 9 2")]
    [TestCase(@"[datetime]::ParseExact('20240102', 'yyyyMMdd', [Globalization.CultureInfo]::InvariantCulture).Day; $c = [cultureinfo]::InvariantCulture; ""[$($c.Name)] $($c.LCID)""; [cultureinfo]::CurrentCulture.Name; (Get-Date '2024-03-05').ToString('yyyy-MM-dd', $c); (1234.5).ToString('N2', $c); [double]::Parse('1.5', $c)",
        "2|[] 127|en-US|2024-03-05|1,234.50|1.5")]
    [TestCase(@"Set-Content $env:TEMP\r.txt 1,2,3,4,5; (Get-Content $env:TEMP\r.txt -ReadCount 2 | ForEach-Object { $_.Count }) -join ','; Get-Content $env:TEMP\r.txt -ReadCount 0 | ForEach-Object { $_.Count }; (Get-Content $env:TEMP\r.txt).Count", "2,2,1|5|5")]
    [TestCase(@"('a.b.c' -split '.', 0, 'SimpleMatch') -join '|'; ('1.2' -split '.', 0, 'RegexMatch').Count", "a|b|c|4")]
    [TestCase(@"([char[]]'abc') -join '-'; ([char[]]'hello').Count; ([char[]]'hi')[1].GetType().Name", "a-b-c|5|Char")]
    [TestCase(@"$steps = @{ build = { 'built' }; test = { param($n) ""tested $n"" } }; & $steps.build; & $steps['test'] 3", "built|tested 3")]
    [TestCase(@"'[{0}]' -f $null; $n = $null; ""value: {0}"" -f $n", "[]|value: ")]
    [TestCase(@"function T { param([switch]$Force) ""$($Force.IsPresent)"" }; T -Force; T", "True|False")]
    [TestCase("\"x $true y $false z $null.\"; \"${true}\"", "x True y False z .|True")]
    [TestCase(@"Write-Output $env:SystemRoot.Length; if ($env:SystemRoot.Length -gt 5) { 'long' }", "10|long")]
    [TestCase(@"New-Item -ItemType Directory $env:TEMP\app | Out-Null; (Get-Item $env:TEMP\app).FullName", @"C:\Users\psrp\AppData\Local\Temp\app")]
    public async Task A_variable_with_a_path_after_it_is_one_expandable_argument(string script, string expected)
    {
        var host = await RunAsync(script);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [TestCase(@"$prop = 'Name'; $o = [pscustomobject]@{ Name = 'n' }; $x = $o.$prop; ""x=$x""; ""s=$($o.$prop)""; $o.($prop); $o.$prop = 'm'; $o.Name; foreach ($p in 'Name') { $o.$p }; $o.""$prop""", "x=n|s=n|n|m|m|m")]
    [TestCase(@"$h = @{ 'key with space' = 1 }; $k = 'key with space'; $h.$k; $m = 'ToUpper'; 'abc'.$m(); $n = 'Substring'; 'abcdef'.$n(2, 3)", "1|ABC|cde")]
    [TestCase(@"@(1) -is [System.Collections.IEnumerable]; @{} -is [System.Collections.IDictionary]; [ordered]@{} -is [Collections.IDictionary]; 'x' -is [IComparable]; 1 -is [System.IFormattable]; @() -is [System.Collections.IList]; 'x' -is [System.Collections.ICollection]; 'x' -is [System.Collections.IEnumerable]; [pscustomobject]@{} -is [System.Collections.IEnumerable]",
        "True|True|True|True|True|True|False|True|False")]
    [TestCase(@"[int]-3; $x = [int]-5; $x; [double]-1.5; [int]-2.5; 7 - 3; [int]'4' - 1", "-3|-5|-1.5|-2|4|3")]
    [TestCase(@"$h = @{ a = 1 }; ""h: $h""; [string]$h; $h.ToString(); ""$([ordered]@{})""", "h: System.Collections.Hashtable|System.Collections.Hashtable|System.Collections.Hashtable|System.Collections.Specialized.OrderedDictionary")]
    [TestCase(@"function f { param([Parameter(ValueFromPipeline)][int]$N) process { $N + 1 } }; '5' | f; function g { param([Parameter(ValueFromPipelineByPropertyName)][int]$Size) process { $Size * 2 } }; [pscustomobject]@{ Size = '21' } | g; function d { param([Parameter(ValueFromPipeline)][datetime]$D) process { $D.Year } }; '2021-05-06' | d",
        "6|42|2021")]
    [TestCase(@"function k { param([Parameter(ValueFromPipelineByPropertyName)][Alias('FullName')][string]$Path) process { $Path } }; Get-Item C:\Windows\win.ini | k", @"C:\Windows\win.ini")]
    [TestCase(@"1..3 | & { process { $_ * 2 } }; $sb = { $input | Measure-Object | ForEach-Object Count }; 1..4 | & $sb; 1..2 | . { process { ""d$_"" } }", "2|4|6|4|d1|d2")]
    [TestCase(@"$actions = @{ add = { param($a, $b) $a + $b }; two = { 1 + 1 } }; & $actions.add 2 3; & $actions.two", "5|2")]
    [TestCase(@"$o = [ordered]@{ b = 1; a = 2 }; $o[0]; $o[1]; $o['a']; $null -eq $o[5]", "1|2|2|True")]
    // An OrderedDictionary New-Object or ::new() makes: the keys in their order, indexable by position.
    [TestCase(@"$s = New-Object System.Collections.Specialized.OrderedDictionary; $s['b'] = 1; $s['a'] = 2; $s.Keys -join ','; $s[0]; $s.GetType().Name; $t = [System.Collections.Specialized.OrderedDictionary]::new(); $t.Add('z', 1); $t.Count; ([pscustomobject]$s).a",
        "b,a|1|OrderedDictionary|1|2")]
    [TestCase(@"$l = New-Object System.Collections.Generic.List[string]; $l.Add('a'); $l.Remove('a'); $l.Remove('zz'); $al = New-Object System.Collections.ArrayList; [void]$al.Add(1); $al.Remove(1); $al.Count", "True|False|0")]
    [TestCase(@"[datetime]::MinValue.Year; [datetime]::MaxValue.Year; $d = [datetime]::MinValue; [datetime]::TryParse('2020-01-02', [ref]$d) | Out-Null; $d.Year", "1|9999|2020")]
    [TestCase(@"function f { param([Parameter(ValueFromRemainingArguments = $true)]$Rest) ""count=$($Rest.Count)""; $Rest }; f a b c", "count=3|a|b|c")]
    [TestCase(@"function g { param([Parameter(ValueFromRemainingArguments)][string[]]$Rest, [string]$First) ""first=$First rest=$($Rest -join ',')"" }; g -First x a b c; g -First y", "first=x rest=a,b,c|first=y rest=")]
    [TestCase(@"function hh { [CmdletBinding()] param($A, [Parameter(ValueFromRemainingArguments)]$R) ""$A|$R|$($R.GetType().Name)"" }; hh 1 2 3", "1|2 3|List`1")]
    // The .NET Framework rounds a double's 15 significant digits half away from zero in N, F, P and C.
    [TestCase(@"'{0:N1}' -f 2.25; '{0:N2}' -f 2.675; (2.25).ToString('N1'); '{0:N0}' -f -1234.5; '{0:F0}' -f 0.5; '{0:F0}' -f 2.5; '{0:N2}' -f 0.125; '{0:P1}' -f 0.1234; '{0:F2}' -f [math]::PI",
        "2.3|2.68|2.3|-1,235|1|3|0.13|12.3 %|3.14")]
    // A Dictionary[K,V]: keys with case (the default comparer), K and V conversions, Remove's bool, TryGetValue, KeyValuePairs.
    [TestCase(@"$d = New-Object 'System.Collections.Generic.Dictionary[string,int]'; $d.Add('a', 1); $d['b'] = '2'; $d.ContainsKey('A'); $d.ContainsKey('a'); $d.Count; $d['b'].GetType().Name; $null -eq $d['missing']; $d.Remove('a'); $d.Remove('a'); ""$d""",
        "False|True|2|Int32|True|True|False|System.Collections.Generic.Dictionary`2[System.String,System.Int32]")]
    [TestCase(@"$d = [System.Collections.Generic.Dictionary[string,object]]::new(); $d['x'] = 'y'; $d.x; $v = $null; $d.TryGetValue('x', [ref]$v); $v; $d.TryGetValue('z', [ref]$v); $null -eq $v; foreach ($kv in $d.GetEnumerator()) { ""$($kv.Key)=$($kv.Value)"" }",
        "y|True|y|False|True|x=y")]
    [TestCase(@"$d = [Collections.Generic.Dictionary[[string],[int]]]::new(); $n = 5; $d.TryGetValue('none', [ref]$n); $n; $d -is [System.Collections.IDictionary]", "False|0|True")]
    // Generic types of arrays and of generic types: nested arguments, each converted to, and named as .NET Framework names them.
    [TestCase(@"$d = [System.Collections.Generic.Dictionary[string,System.Collections.Generic.List[string]]]::new(); $d['a'] = [System.Collections.Generic.List[string]]::new(); $d['a'].Add('x'); $d['a'].Add(2); $d['a'] -join ','; $d['a'][1].GetType().Name; ""$d""",
        "x,2|String|System.Collections.Generic.Dictionary`2[System.String,System.Collections.Generic.List`1[System.String]]")]
    [TestCase(@"$l = [System.Collections.Generic.List[string[]]]::new(); $l.Add(('a', 'b')); $l.Add(3); $l[1].GetType().Name; $l[1][0].GetType().Name; $l.Count; $l[0][1]; $d = [System.Collections.Generic.Dictionary[string,int[]]]::new(); $d['k'] = '1', 2; $d['k'][0].GetType().Name",
        "String[]|String|2|b|Int32")]
    [TestCase(@"$l = New-Object 'System.Collections.Generic.List[System.Collections.Generic.List[int]]'; $l.Add([System.Collections.Generic.List[int]]::new()); $l[0].Add('5'); $l[0][0] + 1; $l.GetType().Name; $q = [System.Collections.Generic.Queue[string[]]]::new(); $q.Enqueue(@('a', 'b')); $q.Peek().Count",
        "6|List`1|2")]
    [TestCase(@"[System.Collections.Generic.List[System.Collections.Generic.List[int]]]::new().GetType().FullName; [System.Collections.Generic.List[pscustomobject]]::new().GetType().FullName; [System.Collections.Generic.Dictionary[string,string[]]].FullName",
        "System.Collections.Generic.List`1[[System.Collections.Generic.List`1[[System.Int32, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]], mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]|" +
        "System.Collections.Generic.List`1[[System.Management.Automation.PSObject, System.Management.Automation, Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]|" +
        "System.Collections.Generic.Dictionary`2[[System.String, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089],[System.String[], mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]")]
    // A generic type's text: Type.ToString() without assemblies, PowerShell's own with accelerators' names.
    [TestCase(@"[System.Collections.Generic.List[int]].ToString(); ""$([System.Collections.Generic.Dictionary[string,System.Collections.Generic.List[int[]]]])""; [System.Collections.Generic.List[int]].Name",
        "System.Collections.Generic.List`1[System.Int32]|System.Collections.Generic.Dictionary[string,System.Collections.Generic.List[int[]]]|List`1")]
    // System.Web's HttpUtility once Add-Type loaded the assembly (5.1 does not load it by itself): .NET Framework's encodings.
    [TestCase("Add-Type -AssemblyName System.Web; [System.Web.HttpUtility]::UrlEncode('a b&c/ü(x)'); [Web.HttpUtility]::UrlDecode('a+b%26c'); [System.Web.HttpUtility]::HtmlEncode('<a>&\"'); $null -eq [System.Web.HttpUtility]::UrlEncode($null)",
        "a+b%26c%2f%c3%bc(x)|a b&c|&lt;a&gt;&amp;&quot;|True")]
    // Constructors with arguments, as .NET's overloads take them: a capacity (text that is a number too), a collection
    // of the element type, a comparer for a HashSet's or Dictionary's strings (pwsh 7.6.9 side by side).
    [TestCase("$l = [System.Collections.Generic.List[string]]::new('10'); $l.Count; $l = [System.Collections.Generic.List[int]]::new([int[]](3, 1)); $l -join ','; $l2 = [System.Collections.Generic.List[int]]::new($l); $l2.Add(4); $l.Count; $l2.Count; [System.Collections.Generic.List[object]]::new(@(1, 'a')).Count",
        "0|3,1|2|3|2")]
    [TestCase("$h = [System.Collections.Generic.HashSet[string]]::new([string[]]('a', 'A', 'b'), [StringComparer]::OrdinalIgnoreCase); $h.Count; $h.Contains('B'); $h.Add('B'); $s = New-Object 'System.Collections.Generic.HashSet[string]' ([StringComparer]::OrdinalIgnoreCase); $s.Add('a'); $s.Contains('A'); [System.Collections.Generic.HashSet[int]]::new([int[]](1, 2, 2)).Count",
        "2|True|False|True|True|2")]
    [TestCase("$d = [System.Collections.Generic.Dictionary[string,int]]::new([StringComparer]::InvariantCultureIgnoreCase); $d['x'] = 1; $d['X']; $d.ContainsKey('X'); $d.Count; $t = [hashtable]::new([StringComparer]::Ordinal); $t['a'] = 1; $t['A'] = 2; $t.Count; [System.Collections.Generic.Dictionary[string,int]]::new(10).Count",
        "1|True|1|2|0")]
    [TestCase("$q = [System.Collections.Generic.Queue[int]]::new([int[]](1, 2)); $q.Dequeue(); $s = [System.Collections.Generic.Stack[int]]::new([int[]](1, 2, 3)); $s.Peek(); $s -join ','", "1|3|3,2,1")]
    [TestCase("[StringComparer]::OrdinalIgnoreCase.Equals('a', 'A'); [StringComparer]::Ordinal.Equals('a', 'A'); [StringComparer]::Ordinal.Compare('a', 'b'); \"$([StringComparer]::Ordinal)\"; [StringComparer]::InvariantCulture.GetType().FullName",
        "True|False|-1|System.OrdinalComparer|System.CultureAwareComparer")]
    // [pscustomobject] as a type argument is PSObject: a hashtable added stays a hashtable.
    [TestCase(@"$l = [System.Collections.Generic.List[pscustomobject]]::new(); $l.Add(@{ b = 2 }); $l[0].GetType().Name", "Hashtable")]
    [TestCase(@"{ 'hi' }.Invoke(); { param($a) $a * 2 }.Invoke(21)", "hi|42")]
    // Queue and Stack, non-generic and generic: FIFO and LIFO, Count, enumeration in their order, T conversions.
    [TestCase(@"$q = New-Object System.Collections.Queue; $q.Enqueue(1); $q.Enqueue(2); $q.Peek(); $q.Dequeue(); $q.Count; $s = New-Object System.Collections.Stack; $s.Push(1); $s.Push(2); $s.Pop(); $s.Peek(); $s.Count",
        "1|1|1|2|1|1")]
    [TestCase(@"$g = [System.Collections.Generic.Queue[string]]::new(); $g.Enqueue(5); $g.Peek().GetType().Name; $t = New-Object System.Collections.Generic.Stack[int]; $t.Push('3'); $t.Push(4); ""$t""; ($t | ForEach-Object { $_ * 2 }) -join ','; $t.Contains(3); $t.ToArray().Count",
        "String|4 3|8,6|True|2")]
    [TestCase(@"(""x=1`ny = a	b`n# comment`n"" | ConvertFrom-StringData).y; (ConvertFrom-StringData -StringData 'k = v').k; $h = ConvertFrom-StringData ""a=1`nb=2""; $h.Count",
        "a	b|v|2")]
    [TestCase(@"$o = [pscustomobject]@{ A = 1 }; $c = $o.PSObject.Copy(); $c.A = 3; $o.A; $c.A", "1|3")]
    // A script block as Regex.Replace's MatchEvaluator: the Match its argument, its output the replacement.
    [TestCase(@"[regex]::Replace('abc', 'b', { param($m) $m.Value.ToUpper() }); [regex]::Replace('a1b22', '\d+', { [int]$args[0].Value * 2 }); $re = [regex]'(\w)(\d)'; $re.Replace('x1 y2', { param($m) $m.Groups[2].Value + $m.Groups[1].Value }); [regex]::Replace('Hello', 'L', { '_' }, 'IgnoreCase')",
        "aBc|a2b44|1x 2y|He__o")]
    [TestCase(@"'a,b,c'.Split(',', 2, [StringSplitOptions]::None).Count; 'a,,b'.Split(@(','), 5, 'RemoveEmptyEntries') -join '|'", "2|a|b")]
    [TestCase(@"[math]::Round(2.5, [MidpointRounding]::AwayFromZero); [math]::Round(2.5); [math]::Round(2.5, 'AwayFromZero'); [math]::Round(-2.5, 0, [MidpointRounding]::AwayFromZero); [math]::Round(2.567, 2)", "3|2|3|-3|2.57")]
    // Hex literals of up to 8 digits are Int32 with the high bit their sign (HRESULTs compare as 5.1 compares them).
    [TestCase(@"0xFFFFFFFF; 0x80070005; (0xFFFFFFFF).GetType().Name; -2147024891 -eq 0x80070005; 0x100000000; 0x10", "-1|-2147024891|Int32|True|4294967296|16")]
    [TestCase(@"[uint32]::MaxValue; [int16]::MinValue; [byte]::MinValue; (1..5 | Select-Object -SkipLast 3) -join ','", "4294967295|-32768|0|1,2")]
    // A number's own members, where the tokenizer ends the number at the dot (it has a point, an exponent, a hex
    // prefix, a suffix or a multiplier already); 1.Equals stays one word, a command's name.
    [TestCase(@"1e3.GetType().Name; 0x10.ToString(); 1kb.ToString(); 1.5.ToString(); 10L.GetType().Name; 1d.GetType().Name; 2.5e1.CompareTo(25.0); 1.5.ToString() + 'x'", "Double|16|1024|1.5|Int64|Decimal|0|1.5x")]
    public async Task Dynamic_members_interfaces_casts_of_negative_numbers_and_typed_pipeline_parameters_read_as_in_5_1(string script, string expected)
    {
        var host = await RunAsync(script);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    /// <summary>An object no pipeline parameter takes (its value does not convert to the parameter's type) is the binder's InputObjectNotBound error; the others run.</summary>
    [Test]
    public async Task Pipeline_input_that_does_not_convert_to_the_parameter_s_type_is_not_bound()
    {
        var host = await RunAsync("function hh { [CmdletBinding()] param([Parameter(Mandatory, ValueFromPipeline)][int]$N) process { $N } }; '7', 'x', 8 | hh");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "7", "8" }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "InputObjectNotBound,hh" }));
    }

    [Test]
    public async Task Dot_sourcing_a_path_from_a_variable_or_an_expandable_string_runs_the_file_in_this_scope()
    {
        var host = await RunAsync("""
            $lib = "$env:TEMP\lib.ps1"; Set-Content $lib 'function Get-Lib { "lib ok" }'
            Set-Content "$env:TEMP\vars.ps1" '$fromFile = 42'
            . $lib; Get-Lib
            . "$env:TEMP\vars.ps1"; "fromFile=$fromFile"
            . (Join-Path $env:TEMP 'vars.ps1'); 'joined'
            . "$env:TEMP\missing.ps1"; 'went on'
            """);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "lib ok", "fromFile=42", "joined", "went on" }));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[]
        {
            (@"The term 'C:\Users\psrp\AppData\Local\Temp\missing.ps1' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.",
                "CommandNotFoundException"),
        }));
    }

    // PowerShell picks the Object overload for an argument of another type: never equal, and CompareTo's .NET error.
    [TestCase("(5).CompareTo(3); (5).Equals(5); (5).Equals(5.0); (1.5).Equals(1.5); (5).Equals('5'); (5).Equals($null); $true.CompareTo($false); (5).CompareTo($null)",
        "1|True|False|True|False|False|1|1")]
    // Hashes as 64-bit .NET Framework computes them (no randomized string hashing in 5.1).
    [TestCase("(10).GetHashCode(); (-1L).GetHashCode(); $true.GetHashCode(); ''.GetHashCode(); 'a'.GetHashCode(); 'abc'.CompareTo($null)",
        "10|0|1|371857150|372029373|1")]
    public async Task Equals_CompareTo_and_GetHashCode_of_numbers_and_strings_are_NET_s(string script, string expected)
    {
        var host = await RunAsync(script);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [TestCase("(2.5).CompareTo(3)", "Object must be of type Double.")]
    [TestCase("(5L).CompareTo(7)", "Object must be of type Int64.")]
    [TestCase("(5).CompareTo('3')", "Object must be of type Int32.")]
    [TestCase("'a'.CompareTo([char]'b')", "Object must be of type String.")]
    public async Task CompareTo_with_an_argument_of_another_type_is_NET_s_ArgumentException(string script, string reason)
    {
        var host = await RunAsync(script);

        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[]
        {
            ($"Exception calling \"CompareTo\" with \"1\" argument(s): \"{reason}\"", "ArgumentException"),
        }));
    }

    [TestCase("[System.Collections.Generic.List[int]]::new(@(1, '2'))", "Cannot find an overload for \"new\" and the argument count: \"1\".", "MethodCountCouldNotFindBest")]
    [TestCase("[System.Collections.Generic.List[int]]::new(1, 2)", "Cannot find an overload for \"new\" and the argument count: \"2\".", "MethodCountCouldNotFindBest")]
    [TestCase("[System.Collections.Generic.List[string]]::new([StringComparer]::Ordinal)", "Cannot find an overload for \"new\" and the argument count: \"1\".", "MethodCountCouldNotFindBest")]
    [TestCase("[System.Collections.Generic.List[int]]::new(-1)", "Exception calling \".ctor\" with \"1\" argument(s): \"Non-negative number required.\r\nParameter name: capacity\"", "ArgumentOutOfRangeException")]
    [TestCase("New-Object 'System.Collections.Generic.List[int]' -ArgumentList 1, 2", "Cannot find an overload for \"List`1\" and the argument count: \"2\".", "ConstructorInvokedThrowException,Microsoft.PowerShell.Commands.NewObjectCommand")]
    public async Task A_generic_collections_constructor_no_overload_takes_is_PowerShells_error(string script, string message, string id)
    {
        var host = await RunAsync(script + "; 'went on'");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "went on" }));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[] { (message, id) }));
    }

    [Test]
    public async Task HttpUtility_before_Add_Type_loads_System_Web_is_TypeNotFound()
    {
        var host = await RunAsync("[System.Web.HttpUtility]::UrlEncode('a b'); 'went on'");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "went on" }));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[] { ("Unable to find type [System.Web.HttpUtility].", "TypeNotFound") }));
    }

    [Test]
    public async Task A_number_whose_dot_a_letter_follows_is_one_word_a_commands_name()
    {
        var host = await RunAsync("1.Equals(1); 'went on'");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "went on" }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "CommandNotFoundException" }));
        Assert.That(host.Errors[0].Message, Does.StartWith("The term '1.Equals' is not recognized"));
    }

    [Test]
    public async Task Plus_plus_and_minus_minus_step_an_element_or_a_property()
    {
        var host = await RunAsync("""
            $h = @{}; 'a', 'b', 'a' | ForEach-Object { $h[$_]++ }; "a=$($h.a) b=$($h.b)"
            $arr = @(1, 2); $arr[0]++; $arr[1]--; "$arr"
            $o = [pscustomobject]@{ N = 1 }; $o.N++; ++$o.N; $o.N
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "a=2 b=1", "2 1", "3" }));
    }

    [Test]
    public async Task A_script_block_called_without_arguments_gives_its_parameters_their_defaults()
    {
        var host = await RunAsync("""
            $sb = { param($x = 'd') "x=$x" }; & $sb; & $sb 5
            $multi = { param($y = 'e')
                "y=$y" }
            & $multi
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "x=d", "x=5", "y=e" }));
    }

    [Test]
    public async Task A_parameter_s_aliases_bind_it_as_its_name_does()
    {
        var host = await RunAsync("""
            function Get-Thing { [CmdletBinding()] param([Alias('CN', 'Server')][string]$ComputerName) "cn=$ComputerName" }
            Get-Thing -CN a; Get-Thing -Server b; Get-Thing -Comp c; Get-Thing -Serv d
            Get-Thing -Nope e
            """);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "cn=a", "cn=b", "cn=c", "cn=d" }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "NamedParameterNotFound,Get-Thing" }));
    }

    [Test]
    public async Task A_bare_throw_in_a_catch_block_throws_the_caught_error_again()
    {
        var host = await RunAsync("""
            function Invoke-Step { try { throw 'original failure' } catch { 'cleaning up'; throw } }
            try { Invoke-Step } catch { "outer caught: $_" }
            try { Get-Item C:\nope -ErrorAction Stop } catch { try { throw } catch { $_.FullyQualifiedErrorId } }
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "cleaning up", "outer caught: original failure", "PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand" }));
    }

    [Test]
    public async Task A_chained_assignment_sets_both_variables_and_switch_on_null_runs_its_null_and_default_clauses()
    {
        var host = await RunAsync("""
            $x = $y = 5; "$x $y"
            switch ($null) { $null { 'null matched' } default { 'default' } }
            $mode = $null; switch ($mode) { 'a' { 'a' } default { 'default only' } }
            switch (@()) { default { 'never' } }
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "5 5", "null matched", "default only" }));
    }

    [TestCase("function f { param([string]$s) $s.Length; $null -eq $s }; f", "0|False")]
    [TestCase("function g { param([int]$i, [bool]$b, [double]$d) \"$i $b $d\"; $null -eq $i }; g", "0 False 0|False")]
    [TestCase("function hh { param([string]$s) $s.GetType().Name }; hh $null", "String")]
    [TestCase("function b { param([bool]$b) $b }; b $true; b 0; b 1", "True|False|True")]
    // A simple function's named arguments no parameter takes are $args' (the name a parameter token that @args splats as one).
    [TestCase("function f { $args.Count; $args -join ',' }; f -a 1 -b 2; function g { param($p) \"$p|$($args -join ',')\" }; g -p 1 -q 2 z", "4|-a,1,-b,2|1|-q,2,z")]
    [TestCase("function ll { Get-ChildItem @args }; (ll C:\\Windows -Filter *.ini).Name -join ','", "system.ini,win.ini")]
    // A body without a param block has its own (empty) $PSBoundParameters, not its caller's.
    [TestCase("function f { $PSBoundParameters.Count }; function g { [CmdletBinding()] param($a, $b) f @PSBoundParameters }; g -a 1 -b 2", "0")]
    [TestCase("function k { param([string[]]$a, [hashtable]$t, $u) $null -eq $a; $null -eq $t; $null -eq $u }; k", "True|True|True")]
    public async Task A_typed_parameter_left_unbound_holds_null_converted_to_its_type(string script, string expected)
    {
        var host = await RunAsync(script);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo(expected));
    }

    [Test]
    public async Task A_mandatory_parameter_refuses_null_and_an_empty_string_unless_allowed()
    {
        var host = await RunAsync("function f { param([Parameter(Mandatory)][string]$Name) \"hi $Name\" }; f -Name ''; f -Name $null; " +
            "function g { param([Parameter(Mandatory)][AllowEmptyString()][string]$Name) \"g [$Name]\" }; g -Name ''; f -Name x");

        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[]
        {
            ("Cannot bind argument to parameter 'Name' because it is an empty string.", "ParameterArgumentValidationErrorEmptyStringNotAllowed,f"),
            ("Cannot bind argument to parameter 'Name' because it is null.", "ParameterArgumentValidationErrorNullNotAllowed,f"),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "g []", "hi x" }));
    }

    [Test]
    public async Task A_bool_parameter_refuses_text()
    {
        var host = await RunAsync("function b { param([bool]$b) $b }; b 'yes'; 'next'");

        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[]
        {
            ("Cannot process argument transformation on parameter 'b'. Cannot convert value \"System.String\" to type \"System.Boolean\". Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.",
                "ParameterArgumentTransformationError,b"),
        }));
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
    }

    [Test]
    public async Task An_advanced_function_s_PSCmdlet_MyInvocation_is_its_own_invocation()
    {
        var host = await RunAsync("function Get-Thing { [CmdletBinding()] param($Name) $PSCmdlet.MyInvocation.MyCommand.Name; $PSCmdlet.MyInvocation.BoundParameters['Name']; $PSCmdlet.MyInvocation.InvocationName }; Get-Thing -Name x");

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "Get-Thing", "x", "Get-Thing" }));
    }

    [Test]
    public async Task An_advanced_function_s_parameter_set_follows_the_parameters_given()
    {
        var host = await RunAsync("""
            function Get-Item2 {
                [CmdletBinding(DefaultParameterSetName = 'ByName')]
                param(
                    [Parameter(ParameterSetName = 'ByName', Mandatory)] [string]$Name,
                    [Parameter(ParameterSetName = 'ById', Mandatory)] [int]$Id,
                    [switch]$Detailed
                )
                "$($PSCmdlet.ParameterSetName) $Name$Id"
            }
            Get-Item2 -Name a; Get-Item2 -Id 4; Get-Item2 -Id 5 -Detailed
            function Plain { [CmdletBinding()] param($A) $PSCmdlet.ParameterSetName }; Plain -A 1
            Get-Item2 -Name a -Id 4
            """);

        // The [int] $Id left unbound is 0 (a typed parameter holds $null converted to its type), the [string] $Name ''.
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "ByName a0", "ById 4", "ById 5", "__AllParameterSets" }));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[]
        {
            ("Parameter set cannot be resolved using the specified named parameters.", "AmbiguousParameterSet,Get-Item2"),
        }));
    }

    [Test]
    public async Task A_HashSet_keeps_distinct_items_and_its_Add_and_Remove_tell_whether_it_changed()
    {
        var host = await RunAsync("""
            $seen = New-Object 'System.Collections.Generic.HashSet[string]'
            $seen.Add('a'); $seen.Add('a'); [void]$seen.Add('A'); $seen.Count
            $seen.Contains('a'); $seen.Contains('b'); $seen.Remove('A'); $seen.Remove('zz')
            $ids = [System.Collections.Generic.HashSet[int]]::new(); $null = $ids.Add('7'); $ids.UnionWith([int[]](7, 8, 9)); $ids.ExceptWith(@(9)); ($ids | Sort-Object) -join ','
            $ids.GetType().Name
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "True", "False", "2", "True", "False", "True", "False", "7,8", "HashSet`1" }));
    }

    [Test]
    public async Task Optimize_Volume_of_a_volume_the_computer_has_succeeds_silently()
    {
        var host = await RunAsync("""
            Optimize-Volume -DriveLetter C -Defrag; Optimize-Volume C -ReTrim -Verbose:$false; Get-Volume -DriveLetter C | Optimize-Volume -Analyze; 'done'
            Optimize-Volume -DriveLetter Q -Defrag
            """);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "done" }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "CmdletizationQuery_NotFound_DriveLetter,Optimize-Volume" }));
    }

    /// <summary>The RAW-disk one-liner finds no RAW disk: its Initialize-Disk, New-Partition and Format-Volume get nothing and do nothing.</summary>
    [Test]
    public async Task The_raw_disk_pipeline_without_a_raw_disk_does_nothing()
    {
        var host = await RunAsync("""
            Get-Disk | Where-Object PartitionStyle -eq RAW | Initialize-Disk -PartitionStyle GPT -PassThru | New-Partition -AssignDriveLetter -UseMaximumSize | Format-Volume -FileSystem NTFS -NewFileSystemLabel Data -Confirm:$false
            'done'
            Get-Disk | Initialize-Disk -PartitionStyle GPT
            """);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "done" }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "PsrpEmulator.ScenarioError" }));
    }

    [Test]
    public async Task Monitoring_scripts_read_a_process_s_WorkingSet_Company_and_TotalProcessorTime()
    {
        var host = await RunAsync("""
            (Get-Process | Sort-Object WorkingSet -Descending | Select-Object -First 1).Name
            $svc = Get-Process -Id 1868
            [math]::Round($svc.WorkingSet / 1MB, 1)
            $svc.Company
            $svc.TotalProcessorTime.TotalSeconds
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "wsmprovhost", "19.5", "Microsoft Corporation", "25.13" }));
    }

    /// <summary>No domain controller answers: Add-Computer fails as a workgroup server that cannot find the domain.</summary>
    [Test]
    public async Task Add_Computer_to_a_domain_fails_as_the_domain_cannot_be_contacted()
    {
        var host = await RunAsync("""
            $cred = New-Object PSCredential('corp\admin', (ConvertTo-SecureString 'x' -AsPlainText -Force))
            Add-Computer -DomainName corp.example.com -Credential $cred -Restart:$false
            'after'
            """);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "after" }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("FailToJoinDomainFromWorkgroup,Microsoft.PowerShell.Commands.AddComputerCommand",
                "Computer 'TESTHOST01' failed to join domain 'corp.example.com' from its current workgroup 'WORKGROUP' with following error message: The specified domain either does not exist or could not be contacted."),
        }));
    }

    /// <summary>Select-Object and the Format cmdlets read script and alias properties as properties, each getter run when the object comes (pwsh 7.6.9 side by side).</summary>
    [Test]
    public async Task Select_Object_and_the_Format_cmdlets_read_script_and_alias_properties()
    {
        var host = await RunAsync("""
            $o = [pscustomobject]@{ a = 1 } | Add-Member -MemberType ScriptProperty -Name Double -Value { $this.a * 2 } -PassThru | Add-Member -MemberType AliasProperty -Name Alpha -Value a -PassThru
            $o | Select-Object -ExpandProperty Double
            $o | Select-Object a, Double, Alpha | ConvertTo-Json -Compress
            ($o | Select-Object *).Double
            $o.a = 5
            $o | Select-Object -ExpandProperty Double
            $o | Format-List | Out-String -Stream | Where-Object { $_ }
            $o | Add-Member -MemberType ScriptProperty -Name Bad -Value { throw 'no' }
            ($o | Select-Object Bad).Bad -eq $null
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "2", "{\"a\":1,\"Double\":2,\"Alpha\":1}", "2", "10", "a      : 5", "Double : 10", "Alpha  : 5", "True" }));
    }

    /// <summary>
    /// ConvertTo-Json, ConvertTo-Csv, ConvertTo-Html, Export-Csv and Export-Clixml see script and alias properties where
    /// Add-Member put them among the object's properties; a failing getter is $null to the converters and left out by the
    /// serializer, its error in $Error each time (pwsh 7.6.9 side by side).
    /// </summary>
    [Test]
    public async Task Converters_and_Export_cmdlets_write_script_and_alias_properties_in_their_place()
    {
        var host = await RunAsync("""
            $o = [pscustomobject]@{ a = 1 }
            $o | Add-Member ScriptProperty b { $this.a + 1 }
            $o | Add-Member NoteProperty c 3
            $o | Add-Member AliasProperty d a
            $o | Add-Member ScriptProperty e { throw 'bad' }
            ($o | Select-Object *).psobject.Properties.Name -join ','
            $o | ConvertTo-Json -Compress
            ConvertTo-Json -InputObject $o -Compress
            $o | ConvertTo-Csv -NoTypeInformation
            $o | ConvertTo-Html -Fragment
            $o | Export-Clixml C:\x.xml; $i = Import-Clixml C:\x.xml; $i.psobject.Properties.Name -join ','; $i.b
            $o | Export-Csv C:\x.csv -NoTypeInformation; Get-Content C:\x.csv
            "$($Error.Count) $($Error[0])"
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "a,b,c,d,e",
            "{\"a\":1,\"b\":2,\"c\":3,\"d\":1,\"e\":null}",
            "{\"a\":1,\"b\":2,\"c\":3,\"d\":1,\"e\":null}",
            "\"a\",\"b\",\"c\",\"d\",\"e\"",
            "\"1\",\"2\",\"3\",\"1\",",
            "<table>",
            "<colgroup><col/><col/><col/><col/><col/></colgroup>",
            "<tr><th>a</th><th>b</th><th>c</th><th>d</th><th>e</th></tr>",
            "<tr><td>1</td><td>2</td><td>3</td><td>1</td><td></td></tr>",
            "</table>",
            "a,b,c,d",
            "2",
            "\"a\",\"b\",\"c\",\"d\",\"e\"",
            "\"1\",\"2\",\"3\",\"1\",",
            "7 bad",
        }));
    }

    /// <summary>
    /// An object held in another's note or in a list keeps its script properties: a member chain and member enumeration
    /// run the getter, ConvertTo-Json reads them down to -Depth (past it the object's text names the PSScriptProperty),
    /// Export-Clixml writes them and the object met twice as one (pwsh 7.6.9 side by side).
    /// </summary>
    [Test]
    public async Task A_nested_object_s_script_properties_are_read_through_members_ConvertTo_Json_and_Export_Clixml()
    {
        var host = await RunAsync("""
            $o = [pscustomobject]@{ a = 1 }
            $o | Add-Member ScriptProperty b { $this.a + 1 }
            $w = [pscustomobject]@{ inner = $o; list = @($o, $o) }
            $w.inner.b
            $w.list.b -join ','
            $w.list[1].b
            $w | ConvertTo-Json -Compress -Depth 3
            [pscustomobject]@{ x = $w } | ConvertTo-Json -Compress -Depth 1
            @{ k = $o } | Export-Clixml C:\n.xml; (Import-Clixml C:\n.xml).k.b
            $w | Export-Clixml C:\n2.xml; $i = Import-Clixml C:\n2.xml; $i.list[1].b
            (Get-Content C:\n2.xml) -match '<Ref RefId="\d+" />' -as [bool]
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "2", "2,2", "2",
            "{\"inner\":{\"a\":1,\"b\":2},\"list\":[{\"a\":1,\"b\":2},{\"a\":1,\"b\":2}]}",
            "{\"x\":{\"inner\":\"@{a=1; b=System.Management.Automation.PSScriptProperty}\",\"list\":\" \"}}",
            "2", "2", "True",
        }));
    }

    /// <summary>
    /// Sort-Object's and Group-Object's keys, Where-Object's property, ForEach-Object's member and Measure-Object's
    /// property read a script property by running its getter; the objects that go on are the objects themselves (pwsh
    /// 7.6.9 side by side, but for Group-Object's order, Windows PowerShell's: the keys as they first came; pwsh sorts them).
    /// </summary>
    [Test]
    public async Task Sort_Where_Group_ForEach_and_Measure_read_script_properties()
    {
        var host = await RunAsync("""
            $a = [pscustomobject]@{ n = 3 }, [pscustomobject]@{ n = 1 }, [pscustomobject]@{ n = 2 }
            $a | Add-Member ScriptProperty Twice { $this.n * 2 }
            ($a | Sort-Object Twice | ForEach-Object n) -join ','
            ($a | Where-Object Twice -gt 2 | ForEach-Object Twice) -join ','
            ($a | Group-Object { $_.Twice -gt 2 } | ForEach-Object Name) -join ','
            ($a | Group-Object Twice | ForEach-Object Name) -join ','
            ($a | Measure-Object Twice -Sum).Sum
            ($a | Sort-Object Twice)[0].Twice
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "1,2,3", "6,4", "True,False", "6,2,4", "12", "2" }));
    }

    /// <summary>
    /// An object's text lists its script and alias properties where they stand: a script property as its type's name,
    /// as PSObject's ToString does not run a getter, an alias as its member's value (pwsh 7.6.9 side by side; 5.1's
    /// ToStringEmptyBaseObject is the same).
    /// </summary>
    [Test]
    public async Task An_object_s_text_names_a_script_property_s_type_and_gives_an_alias_s_value()
    {
        var host = await RunAsync("""
            $o = [pscustomobject]@{a=1}; $o | Add-Member ScriptProperty b { throw 'not run' }; $o | Add-Member NoteProperty c 3; $o | Add-Member AliasProperty d a; $o | Add-Member ScriptMethod m { 1 }
            "$o"
            $Error.Count
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "@{a=1; b=System.Management.Automation.PSScriptProperty; c=3; d=1}", "0" }));
    }

    /// <summary>
    /// $o.PSObject.Properties lists script and alias properties where they stand, each as its PSPropertyInfo (Name,
    /// MemberType, IsSettable, its text), a script property's Value read through its getter (pwsh 7.6.9 side by side).
    /// </summary>
    [Test]
    public async Task PSObject_Properties_lists_script_and_alias_properties_in_their_place()
    {
        var host = await RunAsync("""
            $o = [pscustomobject]@{a=1}; $o | Add-Member ScriptProperty b { $this.a + 1 }; $o | Add-Member NoteProperty c 3; $o | Add-Member AliasProperty d a
            $o.psobject.Properties | ForEach-Object { "$($_.Name)|$($_.MemberType)|$($_.Value)|$($_.IsSettable)|$_" }
            $o | Add-Member ScriptProperty e { $this.a } { $this.a = $args[0] }
            $p = $o.psobject.Properties['e']; $p.IsSettable; $p.Value
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "a|NoteProperty|1|True|int a=1", "b|ScriptProperty|2|False|System.Object b {get= $this.a + 1 ;}", "c|NoteProperty|3|True|int c=3", "d|AliasProperty|1|True|d = a",
            "True", "1",
        }));
    }

    /// <summary>Add-Member's ScriptMethod, ScriptProperty (getter and setter) and AliasProperty, with $this the object.</summary>
    [Test]
    public async Task Script_methods_script_properties_and_alias_properties_run_with_this_the_object()
    {
        var host = await RunAsync("""
            $o = [pscustomobject]@{ A = 1 }
            $o | Add-Member -MemberType ScriptMethod -Name Double -Value { $this.A * 2 }
            $o | Add-Member ScriptMethod Add { param($x, $y) $this.A + $x + $y }
            $o | Add-Member -MemberType ScriptProperty -Name B -Value { $this.A + 10 }
            $o | Add-Member -MemberType ScriptProperty -Name C -Value { $this.A } -SecondValue { $this.A = $args[0] * 100 }
            $o | Add-Member -MemberType AliasProperty -Name Size -Value A
            $o.Double(); $o.Add(1, 2); $o.B
            $o.A = 5
            "b=$($o.B) size=$($o.Size)"
            $o.C = 3
            $o.A
            $o.B = 1
            $o | Add-Member -MemberType ScriptProperty -Name B -Value { 0 }
            """);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "2", "4", "11", "b=15 size=5", "300" }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "SetWithoutSetterFromScriptProperty", "MemberAlreadyExists,Microsoft.PowerShell.Commands.AddMemberCommand" }));
    }

    /// <summary>
    /// A ScriptProperty whose getter throws ends the statement reading it with PSScriptProperty's
    /// GetValueInvocationException, not the script: the assignment is not made and the next statement runs.
    /// </summary>
    [Test]
    public async Task A_script_property_whose_getter_throws_ends_the_reading_statement_with_Exception_getting()
    {
        var host = await RunAsync("""
            $o = [pscustomobject]@{}
            $o | Add-Member ScriptProperty Bad { throw 'bad' }
            $v = $o.Bad, 2
            "v=$v"
            try { $o.Bad } catch { "caught $($_.FullyQualifiedErrorId): $_" }
            """);

        Assert.That(string.Join("|", host.OutputTexts), Is.EqualTo("v=|caught ScriptGetValueRuntimeException: Exception getting \"Bad\": \"bad\""), string.Join("; ", host.Errors.Select(e => e.Message)));
        Assert.That(host.Errors.Select(e => (e.Message, e.FullyQualifiedErrorId)), Is.EqualTo(new[] { ("Exception getting \"Bad\": \"bad\"", "ScriptGetValueRuntimeException") }));
    }

    [Test]
    public async Task Adding_a_key_a_Dictionary_has_is_NET_s_error()
    {
        var host = await RunAsync("$d = [System.Collections.Generic.Dictionary[string,int]]::new(); $d.Add('a', 1); $d.Add('a', 2); $d.Add('A', 3); $d.Count");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "2" }));
        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { "Exception calling \"Add\" with \"2\" argument(s): \"An item with the same key has already been added.\"" }));
    }

    [Test]
    public async Task An_ordered_dictionary_inserts_and_removes_by_position_with_NET_s_checks()
    {
        var host = await RunAsync("""
            $o = [ordered]@{ b = 1; a = 2 }
            $o.Insert(0, 'z', 0); $o.Insert(3, 'y', 9); $o.Keys -join ','; $o[0]
            $o.RemoveAt(1); $o.Keys -join ','
            $o.Insert(9, 'x', 1); $o.Insert(0, 'A', 1); $o.RemoveAt(3); $o.Count
            """);

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "z,b,a,y", "0", "z,a,y", "3" }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("ArgumentOutOfRangeException", "Exception calling \"Insert\" with \"3\" argument(s): \"Specified argument was out of the range of valid values.\r\nParameter name: index\""),
            ("ArgumentException", "Exception calling \"Insert\" with \"3\" argument(s): \"Item has already been added. Key in dictionary: 'a'  Key being added: 'A'\""),
            ("ArgumentOutOfRangeException", "Exception calling \"RemoveAt\" with \"1\" argument(s): \"Specified argument was out of the range of valid values.\r\nParameter name: index\""),
        }));
    }

    [Test]
    public async Task The_call_operator_runs_the_command_a_CommandInfo_describes()
    {
        var host = await RunAsync("& (Get-Command Get-Date) -Date 2024-01-01 | % Year; $c = Get-Command Get-Date; & $c -Date 2024-03-01 | % Month; " +
            "function Inner { param($A, $B) \"A=$A B=$B\" }; & (Get-Command Inner) -B z");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "2024", "3", "A= B=z" }));
    }

    [Test]
    public async Task Calling_null_with_the_call_operator_is_PowerShell_s_BadExpression()
    {
        var host = await RunAsync("$n = $null; & $n; 'next'");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "BadExpression" }));
    }

    [Test]
    public async Task Popping_an_empty_stack_and_a_string_data_line_without_equals_are_their_errors()
    {
        var host = await RunAsync("[System.Collections.Stack]::new().Pop(); ConvertFrom-StringData 'no equals here'; 'next'");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("InvalidOperationException", "Exception calling \"Pop\" with \"0\" argument(s): \"Stack empty.\""),
            ("InvalidOperation,Microsoft.PowerShell.Commands.ConvertFromStringDataCommand", "Data line 'no equals here' is not in 'name=value' format."),
        }));
    }

    /// <summary>A String method called with an argument count none of its overloads takes is PowerShell's MethodCountCouldNotFindBest; a name String has not is MethodNotFound.</summary>
    [Test]
    public async Task A_string_method_with_the_wrong_argument_count_is_the_overload_error()
    {
        var host = await RunAsync("'hello'.Contains('L', [StringComparison]::OrdinalIgnoreCase); 'x'.Frobnicate(); 'next'");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "next" }));
        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message)), Is.EqualTo(new[]
        {
            ("MethodCountCouldNotFindBest", "Cannot find an overload for \"Contains\" and the argument count: \"2\"."),
            ("MethodNotFound", "Method invocation failed because [System.String] does not contain a method named 'Frobnicate'."),
        }));
    }
}
