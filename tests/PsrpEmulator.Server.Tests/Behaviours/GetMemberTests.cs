using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>Get-Member of the objects a script makes, as GetMemberCommand lists them.</summary>
public class GetMemberTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<RecordingHost> RunAsync(string script)
    {
        var host = new RecordingHost { Runspace = new RunspaceState() };
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, new FakeTimeProvider());
        return host;
    }

    /// <summary>
    /// A deserialized object with adapted properties (Import-Clixml's, a client's object piped in): GetType bound to the
    /// PSObject, the PSObject's ToString for its carried text, its notes named by their values' first type names, and its
    /// properties as deserialized PSProperty objects write them (the value's type name and "{get;set;}").
    /// </summary>
    [Test]
    public async Task A_deserialized_object_lists_its_carried_notes_and_properties_as_the_deserializer_made_them()
    {
        var host = await RunAsync("""
            Get-Service WinRM | Export-Clixml C:\s.xml; $s = Import-Clixml C:\s.xml
            $s | Get-Member | ForEach-Object { '{0}|{1}|{2}|{3}' -f $_.TypeName, $_.Name, $_.MemberType, $_.Definition }
            $s.GetType().FullName; $s -is [System.ServiceProcess.ServiceController]
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts.Select(t => t.Replace("Deserialized.System.ServiceProcess.ServiceController|", "")), Is.SupersetOf(new[]
        {
            "GetType|Method|type GetType()",
            "ToString|Method|string ToString(), string ToString(string format, System.IFormatProvider formatProvider), string IFormattable.ToString(string format, System.IFormatProvider formatProvider)",
            "Name|NoteProperty|string Name=WinRM",
            "RequiredServices|NoteProperty|Deserialized.System.ServiceProcess.ServiceController[] RequiredServices=System.ServiceProcess.ServiceController System.ServiceProcess.ServiceController",
            "CanStop|Property|System.Boolean {get;set;}",
            "DependentServices|Property|Deserialized.System.ServiceProcess.ServiceController[] {get;set;}",
            "Status|Property|Deserialized.System.ServiceProcess.ServiceControllerStatus {get;set;}",
            "Site|Property| {get;set;}",
        }));
        Assert.That(host.OutputTexts.Count(t => t.Contains("|Equals|", StringComparison.Ordinal)), Is.Zero, "the deserializer empties the CLR members");
        Assert.That(host.OutputTexts.TakeLast(2), Is.EqualTo(new[] { "System.Management.Automation.PSObject", "False" }));
    }

    [Test]
    public async Task A_custom_object_has_object_s_four_methods_then_its_notes_each_named_with_its_value_s_type_and_text()
    {
        var host = await RunAsync("""
            [pscustomobject]@{ Name = 'web01'; Port = 5985; Big = 5000000000; Ok = $true; Ratio = 0.5; None = $null; List = 1, 2; Table = @{ a = 1 }; Inner = [pscustomobject]@{ x = 1 } } |
                Get-Member | ForEach-Object { '{0}|{1}|{2}|{3}' -f $_.TypeName, $_.Name, $_.MemberType, $_.Definition }
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "System.Management.Automation.PSCustomObject|Equals|Method|bool Equals(System.Object obj)",
            "System.Management.Automation.PSCustomObject|GetHashCode|Method|int GetHashCode()",
            "System.Management.Automation.PSCustomObject|GetType|Method|type GetType()",
            "System.Management.Automation.PSCustomObject|ToString|Method|string ToString()",
            "System.Management.Automation.PSCustomObject|Big|NoteProperty|long Big=5000000000",
            "System.Management.Automation.PSCustomObject|Inner|NoteProperty|System.Management.Automation.PSCustomObject Inner=@{x=1}",
            "System.Management.Automation.PSCustomObject|List|NoteProperty|Object[] List=System.Object[]",
            "System.Management.Automation.PSCustomObject|Name|NoteProperty|string Name=web01",
            "System.Management.Automation.PSCustomObject|None|NoteProperty|object None=null",
            "System.Management.Automation.PSCustomObject|Ok|NoteProperty|bool Ok=True",
            "System.Management.Automation.PSCustomObject|Port|NoteProperty|int Port=5985",
            "System.Management.Automation.PSCustomObject|Ratio|NoteProperty|double Ratio=0.5",
            "System.Management.Automation.PSCustomObject|Table|NoteProperty|hashtable Table=System.Collections.Hashtable",
        }));
    }

    [Test]
    public async Task Each_type_is_listed_once_however_many_of_its_objects_come()
    {
        var host = await RunAsync("""
            $a = [pscustomobject]@{ x = 1 }, [pscustomobject]@{ x = 2 }
            $b = [pscustomobject]@{ PSTypeName = 'Contoso.Server'; y = 'z' }
            $a + $b | Get-Member -MemberType NoteProperty | ForEach-Object { "$($_.TypeName) $($_.Definition)" }
            Get-Service EventLog, Spooler, WinRM | Select-Object Name, Status | Get-Member -MemberType NoteProperty | ForEach-Object { "$($_.TypeName) $($_.Definition)" }
            """);

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "System.Management.Automation.PSCustomObject int x=1",
            "Contoso.Server string y=z",
            "Selected.System.ServiceProcess.ServiceController string Name=EventLog",
            "Selected.System.ServiceProcess.ServiceController ServiceControllerStatus Status=Running",
        }));
    }

    [Test]
    public async Task A_PSTypeName_entry_names_the_object_s_type_first_and_is_no_property()
    {
        var host = await RunAsync("""
            $literal = [pscustomobject]@{ PSTypeName = 'Contoso.Server'; Name = 'web01' }
            $table = @{ PSTypeName = 'Contoso.Disk' }
            $cast = [pscustomobject]$table
            $literal.pstypenames -join ','
            ($literal.PSObject.Properties | ForEach-Object Name) -join ','
            $cast.pstypenames[0]
            ([pscustomobject]@{ a = 1 }).pstypenames -join ','
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Contoso.Server,System.Management.Automation.PSCustomObject,System.Object", "Name", "Contoso.Disk", "System.Management.Automation.PSCustomObject,System.Object",
        }));
    }

    [Test]
    public async Task Name_patterns_are_listed_in_turn_and_member_type_and_view_filter()
    {
        var host = await RunAsync("""
            $o = [pscustomobject]@{ Beta = 1; Alpha = 2; Gamma = 3 }
            ($o | Get-Member -Name G*, A* | ForEach-Object Name) -join ','
            ($o | gm -MemberType Method | ForEach-Object Name) -join ','
            ($o | gm -MemberType 'NoteProperty, Method' ToString, Beta | ForEach-Object Name) -join ','
            ($o | gm -View Extended | ForEach-Object Name) -join ','
            ($o | gm -View Base | ForEach-Object Name) -join ','
            (Get-Member -InputObject $o -Name Alpha).Definition
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "GetHashCode,GetType,Gamma,Alpha", "Equals,GetHashCode,GetType,ToString", "ToString,Beta", "Alpha,Beta,Gamma", "Equals,GetHashCode,GetType,ToString", "int Alpha=2",
        }));
    }

    [Test]
    public async Task Nothing_piped_is_its_no_object_error_and_a_member_type_it_has_not_is_the_binder_s()
    {
        var host = await RunAsync("""
            $null | Get-Member
            Get-Member
            [pscustomobject]@{ a = 1 } | Get-Member -MemberType Notes
            """);

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[]
        {
            "NoObjectInGetMember,Microsoft.PowerShell.Commands.GetMemberCommand",
            "NoObjectInGetMember,Microsoft.PowerShell.Commands.GetMemberCommand",
            "CannotConvertArgumentNoMessage,Microsoft.PowerShell.Commands.GetMemberCommand",
        }));
        Assert.That(host.Errors[0].Message, Is.EqualTo("You must specify an object for the Get-Member cmdlet."));
        Assert.That(host.Errors[2].Message, Does.StartWith("Cannot bind parameter 'MemberType'. Cannot convert value \"Notes\" to type \"System.Management.Automation.PSMemberTypes\"."));
    }

    [Test]
    public async Task Out_String_groups_the_members_under_their_type_name_in_a_table_sized_to_its_rows()
    {
        var host = await RunAsync("[pscustomobject]@{ id = 7 } | Get-Member | Out-String");

        Assert.That(host.OutputTexts.Single(), Is.EqualTo(
            "\r\n\r\n   TypeName: System.Management.Automation.PSCustomObject\r\n\r\n" +
            "Name        MemberType   Definition                    \r\n" +
            "----        ----------   ----------                    \r\n" +
            "Equals      Method       bool Equals(System.Object obj)\r\n" +
            "GetHashCode Method       int GetHashCode()             \r\n" +
            "GetType     Method       type GetType()                \r\n" +
            "ToString    Method       string ToString()             \r\n" +
            "id          NoteProperty int id=7                      \r\n" +
            "\r\n\r\n"));
    }

    [TestCase("Get-Command Get-Date | Get-Member", "Get-Member of a System.Management.Automation.CmdletInfo is not emulated")]
    [TestCase("[pscustomobject]@{ a = 1 } | Get-Member -Force", "Get-Member -Force (hidden members")]
    [TestCase("[System.Xml.XmlDocument] | Get-Member -Static", "Get-Member -Static of System.Xml.XmlDocument is not emulated")]
    public async Task Members_the_emulator_does_not_know_whole_are_a_scenario_error(string script, string message)
    {
        var host = await RunAsync(script);

        Assert.That(host.Errors.Select(e => e.FullyQualifiedErrorId), Is.EqualTo(new[] { "PsrpEmulator.ScenarioError" }));
        Assert.That(host.Errors[0].Message, Does.StartWith(message));
    }

    private static IEnumerable<string> Rows(RecordingHost host) => host.OutputTexts;

    /// <summary>
    /// Add-Member's alias, script method and script property are members of the object, listed by member type then
    /// name and written as their PSMemberInfo.ToString writes them (pwsh 7.6.9 side by side).
    /// </summary>
    [Test]
    public async Task Add_Member_s_script_and_alias_members_are_listed_as_PowerShell_writes_them()
    {
        var host = await RunAsync("""
            $o = [pscustomobject]@{a=1}; $o | Add-Member ScriptProperty b { $this.a + 1 }; $o | Add-Member AliasProperty c a; $o | Add-Member ScriptMethod m { 2 }
            $o | Get-Member | ForEach-Object { "$($_.Name)|$($_.MemberType)|$($_.Definition)" }
            $o | Add-Member ScriptProperty C2 { $this.A } { $this.A = $args[0] }
            ($o | Get-Member -MemberType ScriptProperty -Name C2).Definition
            """);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(Rows(host), Is.EqualTo(new[]
        {
            "c|AliasProperty|c = a", "Equals|Method|bool Equals(System.Object obj)", "GetHashCode|Method|int GetHashCode()", "GetType|Method|type GetType()",
            "ToString|Method|string ToString()", "a|NoteProperty|int a=1", "m|ScriptMethod|System.Object m();", "b|ScriptProperty|System.Object b {get= $this.a + 1 ;}",
            "System.Object C2 {get= $this.A ;set= $this.A = $args[0] ;}",
        }));
    }

    /// <summary>
    /// A CimInstance lists its type data's members (Win32_Process's aliases and Path), CimInstance's nine methods and
    /// CimInstanceAdapter's properties in the adapter's type names (a date CimInstance#DateTime, an array uint16[]),
    /// PSComputerName among them; CimClass, CimInstanceProperties and CimSystemProperties, the base object's, are not.
    /// </summary>
    [Test]
    public async Task A_CimInstance_lists_the_adapter_s_properties_the_methods_of_CimInstance_and_its_type_data()
    {
        var host = await RunAsync("""
            $p = Get-CimInstance Win32_Process | Select-Object -First 1
            ($p | Get-Member -MemberType AliasProperty, ScriptProperty | ForEach-Object { "$($_.Name)|$($_.MemberType)" }) -join ','
            ($p | Get-Member -MemberType Method).Name -join ','
            ($p | Get-Member -Name CreationDate, HandleCount, PSComputerName, Cim*).Definition -join ','
            (Get-CimInstance Win32_OperatingSystem | Get-Member -Name MUILanguages).Definition
            (Get-CimInstance Win32_Process | Get-Member)[0].TypeName
            """);

        Assert.That(host.Errors.Select(e => e.Message), Is.Empty);
        Assert.That(Rows(host), Is.EqualTo(new[]
        {
            "Handles|AliasProperty,ProcessName|AliasProperty,VM|AliasProperty,WS|AliasProperty,Path|ScriptProperty",
            "Clone,Dispose,Equals,GetCimSessionComputerName,GetCimSessionInstanceId,GetHashCode,GetObjectData,GetType,ToString",
            "CimInstance#DateTime CreationDate {get;},uint32 HandleCount {get;},string PSComputerName {get;}",
            "string[] MUILanguages {get;}",
            "Microsoft.Management.Infrastructure.CimInstance#root/cimv2/Win32_Process",
        }));
    }

    [Test]
    public async Task A_service_has_its_type_data_aliases_and_script_method_over_the_dotnet_members_as_5_1_lists_them()
    {
        var host = await RunAsync("Get-Service WinRM | Get-Member | ForEach-Object { '{0}|{1}|{2}' -f $_.Name, $_.MemberType, $_.Definition }");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(Rows(host).Select(r => string.Join('|', r.Split('|').Take(2))), Is.EqualTo(new[]
        {
            "Name|AliasProperty", "RequiredServices|AliasProperty", "Disposed|Event",
            "Close|Method", "Continue|Method", "CreateObjRef|Method", "Dispose|Method", "Equals|Method", "ExecuteCommand|Method",
            "GetHashCode|Method", "GetLifetimeService|Method", "GetType|Method", "InitializeLifetimeService|Method", "Pause|Method",
            "Refresh|Method", "Start|Method", "Stop|Method", "WaitForStatus|Method",
            "CanPauseAndContinue|Property", "CanShutdown|Property", "CanStop|Property", "Container|Property", "DependentServices|Property",
            "DisplayName|Property", "MachineName|Property", "ServiceHandle|Property", "ServiceName|Property", "ServicesDependedOn|Property",
            "ServiceType|Property", "Site|Property", "StartType|Property", "Status|Property", "ToString|ScriptMethod",
        }), "the type data's ToString script method hides the .NET method; nothing of the object's is a note");
        Assert.That(Rows(host), Does.Contain("Name|AliasProperty|Name = ServiceName"));
        Assert.That(Rows(host), Does.Contain("ToString|ScriptMethod|System.Object ToString();"));
        Assert.That(Rows(host), Does.Contain("Dispose|Method|void Dispose(), void IDisposable.Dispose()"));
        Assert.That(Rows(host), Does.Contain("Status|Property|System.ServiceProcess.ServiceControllerStatus Status {get;}"));
    }

    [Test]
    public async Task A_process_has_its_aliases_script_properties_property_sets_and_noun_note()
    {
        var host = await RunAsync("Get-Process | Get-Member -MemberType AliasProperty, NoteProperty, PropertySet, ScriptProperty | ForEach-Object { '{0}|{1}' -f $_.MemberType, $_.Definition }");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(Rows(host), Is.EqualTo(new[]
        {
            "AliasProperty|Handles = Handlecount", "AliasProperty|Name = ProcessName", "AliasProperty|NPM = NonpagedSystemMemorySize64",
            "AliasProperty|PM = PagedMemorySize64", "AliasProperty|SI = SessionId", "AliasProperty|VM = VirtualMemorySize64", "AliasProperty|WS = WorkingSet64",
            "NoteProperty|string __NounName=Process",
            "PropertySet|PSConfiguration {Name, Id, PriorityClass, FileVersion}",
            "PropertySet|PSResources {Name, Id, Handlecount, WorkingSet, NonPagedMemorySize, PagedMemorySize, PrivateMemorySize, VirtualMemorySize, Threads.Count, TotalProcessorTime}",
            "ScriptProperty|System.Object Company {get=$this.Mainmodule.FileVersionInfo.CompanyName;}",
            "ScriptProperty|System.Object CPU {get=$this.TotalProcessorTime.TotalSeconds;}",
            "ScriptProperty|System.Object Description {get=$this.Mainmodule.FileVersionInfo.FileDescription;}",
            "ScriptProperty|System.Object FileVersion {get=$this.Mainmodule.FileVersionInfo.FileVersion;}",
            "ScriptProperty|System.Object Path {get=$this.Mainmodule.FileName;}",
            "ScriptProperty|System.Object Product {get=$this.Mainmodule.FileVersionInfo.ProductName;}",
            "ScriptProperty|System.Object ProductVersion {get=$this.Mainmodule.FileVersionInfo.ProductVersion;}",
        }));
    }

    [Test]
    public async Task A_file_has_the_provider_s_notes_with_their_types_and_the_file_system_s_code_and_script_properties()
    {
        var host = await RunAsync("Get-Item C:\\Windows\\win.ini | Get-Member -MemberType CodeProperty, NoteProperty, ScriptProperty | ForEach-Object { '{0}|{1}' -f $_.MemberType, $_.Definition }");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(Rows(host), Is.EqualTo(new[]
        {
            "CodeProperty|System.String LinkType{get=GetLinkType;}",
            "CodeProperty|System.String Mode{get=Mode;}",
            "CodeProperty|System.Collections.Generic.IEnumerable`1[[System.String, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]] Target{get=GetTarget;}",
            "NoteProperty|string PSChildName=win.ini",
            "NoteProperty|PSDriveInfo PSDrive=C",
            "NoteProperty|bool PSIsContainer=False",
            "NoteProperty|string PSParentPath=Microsoft.PowerShell.Core\\FileSystem::C:\\Windows",
            "NoteProperty|string PSPath=Microsoft.PowerShell.Core\\FileSystem::C:\\Windows\\win.ini",
            "NoteProperty|ProviderInfo PSProvider=Microsoft.PowerShell.Core\\FileSystem",
            "ScriptProperty|System.Object BaseName {get=if ($this.Extension.Length -gt 0){$this.Name.Remove($this.Name.Length - $this.Extension.Length)}else{$this.Name};}",
            "ScriptProperty|System.Object VersionInfo {get=[System.Diagnostics.FileVersionInfo]::GetVersionInfo($this.FullName);}",
        }));
    }

    [Test]
    public async Task Get_Date_s_date_has_its_display_hint_note_and_any_date_the_DateTime_script_property()
    {
        var host = await RunAsync("""
            Get-Date | Get-Member -MemberType NoteProperty, ScriptProperty | ForEach-Object { '{0}|{1}' -f $_.Name, $_.MemberType }
            [datetime]::Now | Get-Member -MemberType NoteProperty, ScriptProperty | ForEach-Object { '{0}|{1}' -f $_.Name, $_.MemberType }
            (Get-Date | Get-Member -Name Day).Definition
            (Get-Date | Get-Member -Name DateTime).Definition.Split("`n")[1]
            [guid]::Empty | Get-Member -MemberType ScriptProperty | ForEach-Object Definition
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(Rows(host), Is.EqualTo(new[]
        {
            "DisplayHint|NoteProperty", "DateTime|ScriptProperty", "DateTime|ScriptProperty", "int Day {get;}",
            "          {\r", "System.Object Guid {get=$this.ToString();}",
        }), "5.1's compiled type data: the script's lines end with CR LF; Guid has its Guid script property");
    }

    [Test]
    public async Task Strings_numbers_and_arrays_have_their_dotnet_members_and_an_array_its_Count_alias()
    {
        var host = await RunAsync("""
            'text' | Get-Member -MemberType Properties, ParameterizedProperty | ForEach-Object { '{0}|{1}|{2}|{3}' -f $_.TypeName, $_.Name, $_.MemberType, $_.Definition }
            ('text' | Get-Member -Name Clone).Definition
            (42 | Get-Member -Name CompareTo).Definition
            Get-Member -InputObject @(1, 2) -Name Count, Length | ForEach-Object { '{0}|{1}|{2}' -f $_.TypeName, $_.MemberType, $_.Definition }
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(Rows(host), Is.EqualTo(new[]
        {
            "System.String|Chars|ParameterizedProperty|char Chars(int index) {get;}",
            "System.String|Length|Property|int Length {get;}",
            "System.Object Clone(), System.Object ICloneable.Clone()",
            "int CompareTo(System.Object value), int CompareTo(int value), int IComparable.CompareTo(System.Object obj), int IComparable[int].CompareTo(int other)",
            "System.Object[]|AliasProperty|Count = Length",
            "System.Object[]|Property|int Length {get;}",
        }));
    }

    [Test]
    public async Task A_hashtable_s_keys_are_no_members_and_a_note_added_to_a_value_is()
    {
        var host = await RunAsync("""
            @{ Alpha = 1 } | Get-Member -Name Alpha, Keys | ForEach-Object { '{0}|{1}|{2}' -f $_.TypeName, $_.Name, $_.MemberType }
            'web01' | Add-Member -NotePropertyName Role -NotePropertyValue 'IIS' -PassThru | Get-Member -MemberType NoteProperty | ForEach-Object { '{0}|{1}' -f $_.TypeName, $_.Definition }
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(Rows(host), Is.EqualTo(new[] { "System.Collections.Hashtable|Keys|Property", "System.String|string Role=IIS" }));
    }

    [Test]
    public async Task An_object_with_a_type_name_of_its_own_before_its_dotnet_type_is_listed_under_it()
    {
        var host = await RunAsync("Get-EventLog -LogName System -Newest 1 | Get-Member -Name EventID, Message | ForEach-Object { '{0}|{1}|{2}' -f $_.TypeName, $_.MemberType, $_.Definition }");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(Rows(host).Select(r => r.Split('|')[0]).Distinct().Single(), Does.StartWith("System.Diagnostics.EventLogEntry#System/"));
        Assert.That(Rows(host).Select(r => string.Join('|', r.Split('|').Skip(1))), Is.EqualTo(new[]
        {
            "ScriptProperty|System.Object EventID {get=$this.get_EventID() -band 0xFFFF;}",
            "Property|string Message {get;}",
        }));
    }

    [Test]
    public async Task Static_lists_a_type_s_static_members_and_constructors_with_5_1_s_quirks()
    {
        var host = await RunAsync("""
            [datetime] | Get-Member -Static -Name Now, MaxValue, IsLeapYear, ReferenceEquals | ForEach-Object { '{0}|{1}|{2}|{3}' -f $_.TypeName, $_.Name, $_.MemberType, $_.Definition }
            ([datetime] | Get-Member -Static -Name new).Definition.StartsWith('datetime new(long ticks), datetime new(long ticks, System.DateTimeKind kind)')
            Get-Member -Static -InputObject ([math]) -Name Round | ForEach-Object { $_.Definition.Split(',')[0] }
            'text' | Get-Member -Static -Name IsNullOrEmpty | ForEach-Object { '{0}|{1}' -f $_.TypeName, $_.Definition }
            ([System.Environment] | Get-Member -Static -Name MachineName).Definition
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(Rows(host), Is.EqualTo(new[]
        {
            // A value type's static property is never marked static (PropertyCacheEntry's reflection branch); its fields are.
            "System.DateTime|Now|Property|datetime Now {get;}",
            "System.DateTime|MaxValue|Property|static datetime MaxValue {get;}",
            "System.DateTime|IsLeapYear|Method|static bool IsLeapYear(int year)",
            "System.DateTime|ReferenceEquals|Method|static bool ReferenceEquals(System.Object objA, System.Object objB)",
            "True",
            "static double Round(double a)",
            "System.String|static bool IsNullOrEmpty(string value)",
            "static string MachineName {get;}",
        }));
    }

    [Test]
    public async Task A_method_read_without_its_call_is_its_PSMethod_showing_the_overloads()
    {
        var host = await RunAsync("""
            $m = 'text'.Substring
            $m.GetType().FullName; $m.Name; $m.IsInstance; $m.OverloadDefinitions
            ([math]::Round).OverloadDefinitions[0]; ([math]::Round).IsInstance
            $null -eq [math]::NoSuchMember
            'text'.Substring | Out-String
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts.Take(8), Is.EqualTo(new[]
        {
            "System.Management.Automation.PSMethod", "Substring", "True", "string Substring(int startIndex)", "string Substring(int startIndex, int length)",
            "static double Round(double a)", "False", "True",
        }));
        var table = host.OutputTexts.Last().Split("\r\n").Select(l => l.TrimEnd()).Where(l => l.Length > 0);
        Assert.That(table, Is.EqualTo(new[] { "OverloadDefinitions", "-------------------", "string Substring(int startIndex)", "string Substring(int startIndex, int length)" }),
            "5.1's PSMethod view: one wrapped column, an overload a line");
    }

    [Test]
    public async Task An_environment_variable_item_has_the_container_provider_s_notes_before_its_entry()
    {
        var host = await RunAsync("""
            Get-Item Env:COMPUTERNAME | Get-Member -MemberType NoteProperty, AliasProperty | ForEach-Object { '{0}|{1}' -f $_.MemberType, $_.Definition }
            (Get-Item Env:COMPUTERNAME).psobject.Properties.Name -join ','
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "AliasProperty|Name = Key",
            "NoteProperty|PSDriveInfo PSDrive=Env",
            "NoteProperty|bool PSIsContainer=False",
            "NoteProperty|string PSPath=Microsoft.PowerShell.Core\\Environment::COMPUTERNAME",
            "NoteProperty|ProviderInfo PSProvider=Microsoft.PowerShell.Core\\Environment",
            "PSPath,PSDrive,PSProvider,PSIsContainer,Name,Key,Value",
        }));
    }

    [Test]
    public async Task PowerShell_s_own_MatchInfo_and_PSCredential_have_their_5_1_members_and_no_notes()
    {
        var host = await RunAsync("""
            'fonts' | Select-String fon | Get-Member | ForEach-Object { '{0}|{1}' -f $_.Name, $_.MemberType }
            New-Object System.Management.Automation.PSCredential('u', (ConvertTo-SecureString 'p' -AsPlainText -Force)) | Get-Member -MemberType Property | ForEach-Object Definition
            """);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Equals|Method", "GetHashCode|Method", "GetType|Method", "RelativePath|Method", "ToString|Method",
            "Context|Property", "Filename|Property", "IgnoreCase|Property", "Line|Property", "LineNumber|Property", "Matches|Property", "Path|Property", "Pattern|Property",
            "securestring Password {get;}", "string UserName {get;}",
        }));
    }

    [Test]
    public async Task Get_Acl_s_object_has_its_brokered_code_properties_the_type_data_s_and_the_provider_s_notes()
    {
        var host = await RunAsync("Get-Acl C:\\Windows | Get-Member -MemberType CodeProperty, ScriptProperty | ForEach-Object { '{0}|{1}' -f $_.Name, $_.Definition.Split(\"`r\")[0] }");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "Access|System.Security.AccessControl.AuthorizationRuleCollection Access{get=GetAccess;}",
            "CentralAccessPolicyId|System.Security.Principal.SecurityIdentifier CentralAccessPolicyId{get=GetCentralAccessPolicyId;}",
            "CentralAccessPolicyName|System.String CentralAccessPolicyName{get=GetCentralAccessPolicyName;}",
            "Group|System.String Group{get=GetGroup;}", "Owner|System.String Owner{get=GetOwner;}", "Path|System.String Path{get=GetPath;}", "Sddl|System.String Sddl{get=GetSddl;}",
            "AccessToString|System.Object AccessToString {get=$toString = \"\";", "AuditToString|System.Object AuditToString {get=$toString = \"\";",
        }));
    }
}
