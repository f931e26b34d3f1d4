using System.Globalization;
using PsrpEmulator.Protocol.Clixml;
using PsrpEmulator.Protocol.Psrp;

namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The Storage module's Get-Disk, Get-PhysicalDisk, Get-Partition and Get-Volume over the computer's one disk, as a Hyper-V VM of Windows
/// Server 2019 installed on BIOS has it: disk 0, a "Msft Virtual Disk" on SCSI with an MBR table of two partitions, the
/// 500 MB System Reserved one (active, no drive letter) and C:, whose size and free space are the computer's disk's
/// (<see cref="VirtualFileSystem.Size"/> and <see cref="VirtualFileSystem.FreeBytes"/>, what <c>dir</c> and Get-PSDrive report). Objects are the module's CIM
/// instances with the display values its types file gives (DriveType "Fixed", HealthStatus "Healthy", Type "IFS"),
/// in its tables; a value no instance has is the cmdletization's not-found error (a drive letter is a character each:
/// <c>-DriveLetter C:</c> looks for 'C' and ':'). Disks, partitions and volumes piped in choose what they hold. The
/// disk's serial, ids and the System Reserved volume's free space are UNVERIFIED; other disks, GPT layouts,
/// Initialize-Disk, New-Partition, Format-Volume and Resize-Partition are not emulated; Optimize-Volume of a volume it
/// has succeeds silently (image builders' -Defrag and -ReTrim).
/// </summary>
internal sealed partial class RunContext
{
    internal static readonly string[] StorageCommands = ["Get-Disk", "Get-PhysicalDisk", "Get-Partition", "Get-Volume", "Optimize-Volume"];

    private static readonly HashSet<string> StorageCommandNames = new(StorageCommands, StringComparer.Ordinal);

    private const string StorageNamespace = "ROOT/Microsoft/Windows/Storage";

    private const string DiskPath = @"\\?\scsi#disk&ven_msft&prod_virtual_disk#2&1f4adffe&0&000000#{53f56307-b6bf-11d0-94f2-00a0c91efb8b}";

    private const long ReservedOffset = 1_048_576, ReservedSize = 524_288_000, SystemOffset = ReservedOffset + ReservedSize;

    // What System Reserved has free (UNVERIFIED: a fresh server's boot files leave about a third of it).
    private const long ReservedFree = 170_790_912;

    // The volumes' GUIDs (their \\?\Volume{...}\ paths), the same on every computer as on VMs made from one image.
    private const string ReservedVolume = @"\\?\Volume{5b6f4c1e-0000-0000-0000-100000000000}\", SystemVolume = @"\\?\Volume{5b6f4c1e-0000-0000-0000-501f00000000}\";

    private sealed record StorageVolume(char? Letter, string Label, string Path, long Size, long Remaining, int Partition);

    private async ValueTask RunStorageCommandAsync(string command, StageArguments arguments, IPipelineHost? to, IPipelineHost output, int blockNesting)
    {
        if (await ForEachCimSessionAsync(command, arguments, to, output, blockNesting, (a, o) => RunStorageCommandAsync(command, a, to, o, blockNesting))) return;
        RefuseNotEmulated(command, arguments, "AsJob", "DiskImage", "FilePath", "VirtualDisk", "StorageSubSystem", "ObjectId", "UniqueId", "Path", "DiskId", "Offset");
        var disk = Host.FileSystem ?? throw new ScriptExpressionException(ScriptedError.ScenarioFault($"{command} needs a computer's session"));
        var size = disk.Size;
        StorageVolume[] volumes =
        [
            new(null, "System Reserved", ReservedVolume, ReservedSize, ReservedFree, 1),
            new('C', string.Empty, SystemVolume, size, disk.FreeBytes, 2),
        ];

        ValueTask Write(PsValue value) => output.WriteAsync(new PipelineOutput(CimInstanceMembers.WithNested(value, WmiServerName())), cancellationToken);

        ValueTask NotFound(string cimClass, string property, string value) => WriteErrorAsync(CimNotFound(command, cimClass, property, value), output);

        async ValueTask<List<string>?> Texts(string parameter) => await OptionalTextsAsync(arguments, parameter, to, blockNesting);

        // The drive letters asked for: each character of each value (a [char[]] parameter).
        async ValueTask<List<char>?> Letters() => await Texts("DriveLetter") is { } texts ? [.. texts.SelectMany(t => t)] : null;

        // The volumes (or their partitions) of drive letters, in the order asked; a letter none has is the not-found error.
        async ValueTask ByLettersAsync(List<char> letters, List<StorageVolume> chosen, string cimClass, Func<StorageVolume, PsObject> make)
        {
            foreach (var letter in letters)
            {
                if (chosen.FirstOrDefault(v => v.Letter is { } l && char.ToUpperInvariant(l) == char.ToUpperInvariant(letter)) is { } volume) await Write(make(volume));
                else await NotFound(cimClass, "DriveLetter", letter.ToString());
            }
        }

        // Piped or given objects: which volumes or partitions they are (by their paths in the instance's text).
        async ValueTask<List<int>?> PartitionsOf(string parameter)
        {
            if (await Texts(parameter) is not { } given) return null;
            // A disk holds both (a pipeline binds disks to the same parameter as volumes here).
            return [.. volumes.Where(v => given.Any(g => g.Contains("MSFT_Disk", StringComparison.Ordinal) || g.Contains(v.Path, StringComparison.OrdinalIgnoreCase) ||
                g.Contains(PartitionKey(v.Partition), StringComparison.OrdinalIgnoreCase))).Select(v => v.Partition)];
        }

        switch (command)
        {
            case "Optimize-Volume":
                {
                    // Defrag, ReTrim, Analyze, SlabConsolidate of a volume the computer has: done, writing nothing (its
                    // progress and verbose report are not emulated); a letter it has not is the not-found error.
                    if (await Letters() is { } toOptimize)
                    {
                        foreach (var letter in toOptimize.Where(l => !volumes.Any(v => v.Letter is { } own && char.ToUpperInvariant(own) == char.ToUpperInvariant(l))))
                        {
                            await NotFound("MSFT_Volume", "DriveLetter", letter.ToString());
                        }

                        return;
                    }

                    if (await PartitionsOf("Partition") is null && await Texts("FileSystemLabel") is null)
                    {
                        throw new StatementTerminatedException(FunctionMissingParameter(command, "DriveLetter"));
                    }

                    return;
                }

            case "Get-Volume":
                {
                    var chosen = volumes.ToList();
                    if (await PartitionsOf("Partition") is { } partitions) chosen = [.. chosen.Where(v => partitions.Contains(v.Partition))];
                    if (await Texts("FileSystemLabel") is { } labels)
                    {
                        foreach (var label in labels)
                        {
                            var pattern = VirtualFileSystem.Wildcard(label);
                            var matching = chosen.Where(v => pattern.IsMatch(v.Label)).ToList();
                            if (matching.Count == 0 && !VirtualFileSystem.HasWildcard(label)) await NotFound("MSFT_Volume", "FileSystemLabel", label);
                            foreach (var v in matching) await Write(VolumeObject(v));
                        }

                        return;
                    }

                    if (await Letters() is { } letters)
                    {
                        await ByLettersAsync(letters, chosen, "MSFT_Volume", VolumeObject);
                        return;
                    }

                    foreach (var volume in chosen) await Write(VolumeObject(volume));
                    return;
                }

            case "Get-PhysicalDisk":
                {
                    RefuseNotEmulated(command, arguments, "Usage", "Description", "Manufacturer", "Model", "CanPool", "HealthStatus", "StoragePool", "StorageNode", "StorageEnclosure",
                        "PhysicallyConnected", "HasAllocations", "SelectedForUse", "NoRedundancy");
                    // The disk as the storage subsystem's physical disk (DeviceId 0), by friendly name or serial number.
                    foreach (var (parameter, value) in new[] { ("FriendlyName", "Msft Virtual Disk"), ("SerialNumber", string.Empty) })
                    {
                        if (await Texts(parameter) is not { } names) continue;
                        foreach (var name in names)
                        {
                            if (VirtualFileSystem.Wildcard(name).IsMatch(value)) await Write(PhysicalDiskObject(size));
                            else if (!VirtualFileSystem.HasWildcard(name)) await NotFound("MSFT_PhysicalDisk", parameter, name);
                        }

                        return;
                    }

                    await Write(PhysicalDiskObject(size));
                    return;
                }

            case "Get-Disk":
                {
                    if (await Texts("Number") is { } numbers)
                    {
                        foreach (var number in numbers)
                        {
                            if (number == "0") await Write(DiskObject(size));
                            else await NotFound("MSFT_Disk", "Number", number);
                        }

                        return;
                    }

                    foreach (var (parameter, value) in new[] { ("FriendlyName", "Msft Virtual Disk"), ("SerialNumber", string.Empty) })
                    {
                        if (await Texts(parameter) is not { } names) continue;
                        foreach (var name in names)
                        {
                            if (VirtualFileSystem.Wildcard(name).IsMatch(value)) await Write(DiskObject(size));
                            else if (!VirtualFileSystem.HasWildcard(name)) await NotFound("MSFT_Disk", parameter, name);
                        }

                        return;
                    }

                    if (await PartitionsOf("Partition") is { Count: 0 }) return;
                    await Write(DiskObject(size));
                    return;
                }

            default:
                {
                    var chosen = volumes.ToList();
                    if (await PartitionsOf("Volume") is { } ofVolumes) chosen = [.. chosen.Where(v => ofVolumes.Contains(v.Partition))];
                    if (await Texts("Disk") is { } disks && !disks.Any(d => d.Contains("MSFT_Disk", StringComparison.Ordinal))) chosen = [];
                    if (await Letters() is { } letters)
                    {
                        await ByLettersAsync(letters, chosen, "MSFT_Partition", PartitionObject);
                        return;
                    }

                    if (await Texts("DiskNumber") is { } diskNumbers)
                    {
                        var missing = diskNumbers.FirstOrDefault(n => n != "0");
                        if (missing is not null)
                        {
                            await NotFound("MSFT_Partition", "DiskNumber", missing);
                            return;
                        }
                    }

                    if (await Texts("PartitionNumber") is { } partitionNumbers)
                    {
                        foreach (var number in partitionNumbers)
                        {
                            if (chosen.FirstOrDefault(v => v.Partition.ToString(CultureInfo.InvariantCulture) == number) is { } volume) await Write(PartitionObject(volume));
                            else await NotFound("MSFT_Partition", "PartitionNumber", number);
                        }

                        return;
                    }

                    foreach (var volume in chosen) await Write(PartitionObject(volume));
                    return;
                }
        }
    }

    // What a partition's ids hold of it: its offset, as the provider's ids do.
    private static string PartitionKey(int partition) => $"{{00000000-0000-0000-0000-{(partition == 2 ? SystemOffset : ReservedOffset):x12}}}";

    private static string[] StorageTypeNames(string cimClass) =>
    [
        $"Microsoft.Management.Infrastructure.CimInstance#{StorageNamespace}/{cimClass}", $"Microsoft.Management.Infrastructure.CimInstance#{StorageNamespace}/MSFT_StorageObject",
        $"Microsoft.Management.Infrastructure.CimInstance#{cimClass}", "Microsoft.Management.Infrastructure.CimInstance#MSFT_StorageObject",
        "Microsoft.Management.Infrastructure.CimInstance", "System.Object",
    ];

    private string StorageObjectId(string kind, string id) => $"{{1}}\\\\{ComputerName.ToUpperInvariant()}\\root/Microsoft/Windows/Storage/Providers_v2\\WSP_{kind}.ObjectId=\"{id}\"";

    private PsObject VolumeObject(StorageVolume volume)
    {
        var objectId = StorageObjectId("Volume", $"{{5b6f4c1e-0000-0000-0000-000000000000}}:VO:{volume.Path}");
        var o = new PsObject(StorageTypeNames("MSFT_Volume")) { ToStringValue = $"MSFT_Volume (ObjectId = \"{objectId.Replace("\"", "\\\"", StringComparison.Ordinal)}\")" };
        o.AdaptedProperties.AddRange(
        [
            new("AllocationUnitSize", PsPrimitive.UInt32(4096)),
            new("DedupMode", PsPrimitive.String("NotAvailable")),
            new("DriveLetter", volume.Letter is { } letter ? PsPrimitive.Char(letter) : PsNil.Instance),
            new("DriveType", PsPrimitive.String("Fixed")),
            new("FileSystem", PsPrimitive.String("NTFS")),
            new("FileSystemLabel", PsPrimitive.String(volume.Label)),
            new("FileSystemType", PsPrimitive.String("NTFS")),
            new("HealthStatus", PsPrimitive.String("Healthy")),
            new("OperationalStatus", PsPrimitive.String("OK")),
            new("Path", PsPrimitive.String(volume.Path)),
            new("Size", PsPrimitive.UInt64((ulong)volume.Size)),
            new("SizeRemaining", PsPrimitive.UInt64((ulong)Math.Max(0, volume.Remaining))),
            new("PSComputerName", PsNil.Instance),
            new("ObjectId", PsPrimitive.String(objectId)),
            new("UniqueId", PsPrimitive.String(volume.Path)),
        ]);
        return o;
    }

    private PsObject DiskObject(long systemSize)
    {
        var objectId = StorageObjectId("Disk", "{5b6f4c1e-0000-0000-0000-000000000000}:DI:" + DiskPath);
        var size = SystemOffset + systemSize;
        var o = new PsObject(StorageTypeNames("MSFT_Disk")) { ToStringValue = $"MSFT_Disk (ObjectId = \"{objectId.Replace("\"", "\\\"", StringComparison.Ordinal)}\")" };
        o.AdaptedProperties.AddRange(
        [
            new("DiskNumber", PsPrimitive.UInt32(0)),
            new("PartitionStyle", PsPrimitive.String("MBR")),
            new("ProvisioningType", PsPrimitive.String("Fixed")),
            new("OperationalStatus", PsPrimitive.String("Online")),
            new("HealthStatus", PsPrimitive.String("Healthy")),
            new("BusType", PsPrimitive.String("SCSI")),
            new("UniqueIdFormat", PsPrimitive.String("Vendor Specific")),
            new("OfflineReason", PsNil.Instance),
            new("ObjectId", PsPrimitive.String(objectId)),
            new("PassThroughClass", PsNil.Instance),
            new("UniqueId", PsPrimitive.String("600224807E1B1A6F1D0C8F2A3B4C5D6E")),
            new("AdapterSerialNumber", PsPrimitive.String(string.Empty)),
            new("AllocatedSize", PsPrimitive.UInt64((ulong)size)),
            new("BootFromDisk", PsPrimitive.Boolean(true)),
            new("FirmwareVersion", PsPrimitive.String("1.0")),
            new("FriendlyName", PsPrimitive.String("Msft Virtual Disk")),
            new("Guid", PsNil.Instance),
            new("IsBoot", PsPrimitive.Boolean(true)),
            new("IsClustered", PsPrimitive.Boolean(false)),
            new("IsHighlyAvailable", PsPrimitive.Boolean(false)),
            new("IsOffline", PsPrimitive.Boolean(false)),
            new("IsReadOnly", PsPrimitive.Boolean(false)),
            new("IsScaleOut", PsPrimitive.Boolean(false)),
            new("IsSystem", PsPrimitive.Boolean(true)),
            new("LargestFreeExtent", PsPrimitive.UInt64(0)),
            new("Location", PsPrimitive.String("Integrated : Adapter 0 : Port 0 : Target 0 : LUN 0")),
            new("LogicalSectorSize", PsPrimitive.UInt32(512)),
            new("Manufacturer", PsPrimitive.String("Msft    ")),
            new("Model", PsPrimitive.String("Virtual Disk    ")),
            new("Number", PsPrimitive.UInt32(0)),
            new("NumberOfPartitions", PsPrimitive.UInt32(2)),
            new("Path", PsPrimitive.String(DiskPath)),
            new("PhysicalSectorSize", PsPrimitive.UInt32(4096)),
            new("SerialNumber", PsPrimitive.String(string.Empty)),
            new("Signature", PsPrimitive.UInt32(0x5B6F4C1E)),
            new("Size", PsPrimitive.UInt64((ulong)size)),
            new("PSComputerName", PsNil.Instance),
        ]);
        return o;
    }

    // The disk as Get-PhysicalDisk writes it (MSFT_PhysicalDisk: a virtual disk cannot be pooled, its media type unspecified).
    private PsObject PhysicalDiskObject(long systemSize)
    {
        var objectId = StorageObjectId("PhysicalDisk", "{5b6f4c1e-0000-0000-0000-000000000000}:PD:{600224807E1B1A6F1D0C8F2A3B4C5D6E}");
        var size = SystemOffset + systemSize;
        var o = new PsObject(StorageTypeNames("MSFT_PhysicalDisk")) { ToStringValue = $"MSFT_PhysicalDisk (ObjectId = \"{objectId.Replace("\"", "\\\"", StringComparison.Ordinal)}\")" };
        o.AdaptedProperties.AddRange(
        [
            new("ClassName", PsPrimitive.String("MSFT_PhysicalDisk")),
            new("DeviceId", PsPrimitive.String("0")),
            new("FriendlyName", PsPrimitive.String("Msft Virtual Disk")),
            new("SerialNumber", PsPrimitive.String(string.Empty)),
            new("MediaType", PsPrimitive.String("Unspecified")),
            new("CanPool", PsPrimitive.Boolean(false)),
            new("CannotPoolReason", PsPrimitive.String("Insufficient Capacity")),
            new("OperationalStatus", PsPrimitive.String("OK")),
            new("HealthStatus", PsPrimitive.String("Healthy")),
            new("Usage", PsPrimitive.String("Auto-Select")),
            new("BusType", PsPrimitive.String("SCSI")),
            new("SpindleSpeed", PsPrimitive.UInt32(uint.MaxValue)),
            new("Manufacturer", PsPrimitive.String("Msft")),
            new("Model", PsPrimitive.String("Virtual Disk")),
            new("FirmwareVersion", PsPrimitive.String("1.0")),
            new("PhysicalLocation", PsPrimitive.String("Integrated : Adapter 0 : Port 0 : Target 0 : LUN 0")),
            new("LogicalSectorSize", PsPrimitive.UInt64(512)),
            new("PhysicalSectorSize", PsPrimitive.UInt64(4096)),
            new("AllocatedSize", PsPrimitive.UInt64((ulong)size)),
            new("Size", PsPrimitive.UInt64((ulong)size)),
            new("IsPartial", PsPrimitive.Boolean(false)),
            new("ObjectId", PsPrimitive.String(objectId)),
            new("UniqueId", PsPrimitive.String("600224807E1B1A6F1D0C8F2A3B4C5D6E")),
            new("PSComputerName", PsNil.Instance),
        ]);
        return o;
    }

    private PsObject PartitionObject(StorageVolume volume)
    {
        var system = volume.Partition == 2;
        var offset = system ? SystemOffset : ReservedOffset;
        var objectId = StorageObjectId("Partition", $"{{5b6f4c1e-0000-0000-0000-000000000000}}:PR:{PartitionKey(volume.Partition)}{DiskPath}");
        var o = new PsObject(StorageTypeNames("MSFT_Partition")) { ToStringValue = $"MSFT_Partition (ObjectId = \"{objectId.Replace("\"", "\\\"", StringComparison.Ordinal)}\")" };
        o.AdaptedProperties.AddRange(
        [
            new("OperationalStatus", PsPrimitive.String("Online")),
            new("Type", PsPrimitive.String("IFS")),
            new("DiskPath", PsPrimitive.String(DiskPath)),
            new("ObjectId", PsPrimitive.String(objectId)),
            new("UniqueId", PsPrimitive.String(PartitionKey(volume.Partition) + "600224807E1B1A6F1D0C8F2A3B4C5D6E")),
            new("AccessPaths", PsObjects.List([.. (volume.Letter is { } l ? new[] { $"{l}:\\", volume.Path } : [volume.Path]).Select(p => (PsValue)PsPrimitive.String(p))],
                ["System.String[]", "System.Array", "System.Object"])),
            new("DiskId", PsPrimitive.String(DiskPath)),
            new("DiskNumber", PsPrimitive.UInt32(0)),
            new("DriveLetter", PsPrimitive.Char(volume.Letter ?? '\0')),
            new("GptType", PsNil.Instance),
            new("Guid", PsNil.Instance),
            new("IsActive", PsPrimitive.Boolean(!system)),
            new("IsBoot", PsPrimitive.Boolean(system)),
            new("IsHidden", PsPrimitive.Boolean(false)),
            new("IsOffline", PsPrimitive.Boolean(false)),
            new("IsReadOnly", PsPrimitive.Boolean(false)),
            new("IsShadowCopy", PsPrimitive.Boolean(false)),
            new("IsDAX", PsPrimitive.Boolean(false)),
            new("IsSystem", PsPrimitive.Boolean(!system)),
            new("NoDefaultDriveLetter", PsPrimitive.Boolean(!system)),
            new("Offset", PsPrimitive.UInt64((ulong)offset)),
            new("PartitionNumber", PsPrimitive.UInt32((uint)volume.Partition)),
            new("Size", PsPrimitive.UInt64((ulong)volume.Size)),
            new("TransitionState", PsPrimitive.UInt16(1)),
            new("PSComputerName", PsNil.Instance),
        ]);
        return o;
    }
}
