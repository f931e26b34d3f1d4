using PsrpEmulator.Protocol.WsMan;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// A computer's services as its registry keeps them (HKLM\SYSTEM\CurrentControlSet\Services\name): each Win32_Service
/// instance's Type (16 own process, 32 share process), Start (2 Automatic, 3 Manual, 4 Disabled, as its start type is
/// now), ErrorControl 1, ImagePath (REG_EXPAND_SZ, the Windows folder as %SystemRoot%), ObjectName (its account) and
/// DisplayName; an installed service (New-Service, sc create) also its Description and DependOnService. A script that
/// writes Start changes the service's start type, as the Service Control Manager reads it. UNVERIFIED: Windows keeps
/// most of its own services' DisplayName as an indirect string (@%SystemRoot%\system32\x.dll,-100); here it is the
/// text. FailureActions, ServiceSidType, RequiredPrivileges and the like are not emulated.
/// </summary>
internal sealed class ServiceRegistryKeys(Func<ComputerWmi> wmi, ServiceStates states) : IServiceRegistry
{
    public IReadOnlyList<(string Name, IReadOnlyList<RegistryValue> Values)> Services()
    {
        var computer = wmi();
        if (computer.Services is { HasSeeded: true } listed) return [.. listed.AllWithDrivers().Select(s => (s.Name, Values(s, listed)))];
        if (computer.Find("root/cimv2", "Win32_Service") is not { } seed) return [];
        var services = new List<(string, IReadOnlyList<RegistryValue>)>();
        foreach (var instance in computer.Instances(seed))
        {
            string? Text(string name) => instance.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { Kind: not WmiValueKind.Null, Values: [var value] } ? value : null;
            if (Text("Name") is not { Length: > 0 } serviceName) continue;
            var values = new List<RegistryValue>();
            var installed = states.FindInstalled(serviceName);
            if (installed is { Description.Length: > 0 }) values.Add(new("Description", RegistryValueKind.String, installed.Description));
            if (Text("DisplayName") is { } display) values.Add(new("DisplayName", RegistryValueKind.String, display));
            values.Add(new("ErrorControl", RegistryValueKind.DWord, 1));
            if (Text("PathName") is { } path) values.Add(new("ImagePath", RegistryValueKind.ExpandString, SystemRootPath(path)));
            if (Text("StartName") is { } account) values.Add(new("ObjectName", RegistryValueKind.String, account));
            values.Add(new("Start", RegistryValueKind.DWord, Text("StartMode") switch
            {
                "Boot" => 0,
                "System" => 1,
                "Auto" or "Automatic" => 2,
                "Disabled" => 4,
                _ => 3,
            }));
            values.Add(new("Type", RegistryValueKind.DWord, Text("ServiceType") switch
            {
                "Kernel Driver" => 1,
                "File System Driver" => 2,
                "Own Process" => 16,
                _ => 32,
            }));
            if (installed is { DependsOn.Count: > 0 }) values.Add(new("DependOnService", RegistryValueKind.MultiString, installed.DependsOn.ToArray()));
            services.Add((serviceName, values));
        }

        return services;
    }

    // A service's values as the Service Control Manager keeps them (its start type as it is now).
    private static IReadOnlyList<RegistryValue> Values(ServiceDefinition service, ComputerServices listed)
    {
        var values = new List<RegistryValue>();
        if (service.DelayedAutoStart) values.Add(new("DelayedAutostart", RegistryValueKind.DWord, 1));
        if (service.Description.Length > 0) values.Add(new("Description", RegistryValueKind.String, service.Description));
        values.Add(new("DisplayName", RegistryValueKind.String, service.DisplayName));
        values.Add(new("ErrorControl", RegistryValueKind.DWord, 1));
        if (service.BinaryPathName.Length > 0) values.Add(new("ImagePath", RegistryValueKind.ExpandString, SystemRootPath(service.BinaryPathName)));
        if (service.StartName.Length > 0) values.Add(new("ObjectName", RegistryValueKind.String, service.StartName));
        values.Add(new("Start", RegistryValueKind.DWord, listed.CurrentStartType(service) switch
        {
            "Boot" => 0,
            "System" => 1,
            "Automatic" => 2,
            "Disabled" => 4,
            _ => 3,
        }));
        values.Add(new("Type", RegistryValueKind.DWord, service.ServiceTypeValue));
        if (service.DependsOn.Count > 0) values.Add(new("DependOnService", RegistryValueKind.MultiString, service.DependsOn.ToArray()));
        return values;
    }

    public void StartWritten(string name, int start)
    {
        if (start is 2 or 3 or 4) states.SetStartType(name, start switch { 2 => "Automatic", 3 => "Manual", _ => "Disabled" });
    }

    // Windows' own services' image paths are kept under %SystemRoot% (the registry's REG_EXPAND_SZ); another path as given.
    private static string SystemRootPath(string path) =>
        path.StartsWith(@"C:\Windows\", StringComparison.OrdinalIgnoreCase) ? @"%SystemRoot%\" + path[@"C:\Windows\".Length..] : path;
}
