using Microsoft.Extensions.Time.Testing;
using PsrpEmulator.Protocol.Psrp;
using PsrpEmulator.Server.Behaviours;

namespace PsrpEmulator.Server.Tests.Behaviours;

/// <summary>
/// The Storage module's Get-Disk, Get-Partition and Get-Volume over the computer's one disk (a BIOS Hyper-V VM's:
/// System Reserved and C:), C: being the computer's virtual disk, with the module's display values, tables and
/// cmdletization errors, and disks, partitions and volumes piped from one to another.
/// </summary>
public class StorageTests
{
    private static readonly BehaviourCatalog Default = BehaviourCatalog.LoadDefault();

    private static async Task<RecordingHost> RunAsync(string script, VirtualFileSystem? disk = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));
        var host = new RecordingHost { Runspace = new RunspaceState(time), FileSystem = disk ?? new VirtualFileSystem(time, 64L * 1024 * 1024) };
        await Default.Resolve(Behaviour.Script(script)).RunTestAsync(host, time);
        return host;
    }

    /// <summary>Get-PhysicalDisk: the same disk as the storage subsystem's physical disk (its size Get-Disk's), by name or serial, in its table.</summary>
    [Test]
    public async Task Get_PhysicalDisk_is_the_computer_s_disk_as_a_physical_disk()
    {
        var host = await RunAsync("$p = Get-PhysicalDisk; \"$($p.DeviceId) $($p.FriendlyName) $($p.MediaType) $($p.CanPool) $($p.HealthStatus) $($p.BusType)\"; $p.Size -eq (Get-Disk).Size; " +
            "@(Get-PhysicalDisk Msft*).Count; @(Get-PhysicalDisk -FriendlyName Other*).Count; Get-PhysicalDisk -FriendlyName nope -ErrorAction SilentlyContinue; $Error[0].FullyQualifiedErrorId; " +
            "(Get-PhysicalDisk | Out-String).Split([string[]]\"`r`n\", 'RemoveEmptyEntries')[0].TrimEnd()");

        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "0 Msft Virtual Disk Unspecified False Healthy SCSI", "True", "1", "0", "CmdletizationQuery_NotFound_FriendlyName,Get-PhysicalDisk",
            "Number FriendlyName      SerialNumber MediaType   CanPool OperationalStatus HealthStatus Usage         Size",
        }));
    }

    [Test]
    public async Task C_s_volume_is_the_computer_s_disk_and_its_free_space_falls_as_files_are_written()
    {
        var disk = new VirtualFileSystem(TimeProvider.System, 64L * 1024 * 1024);
        var before = (await RunAsync("(Get-Volume C).SizeRemaining", disk)).OutputTexts.Single();

        var host = await RunAsync("Set-Content C:\\big.txt ('x' * 1MB); $v = Get-Volume -DriveLetter C; $v.Size; $v.SizeRemaining; $v.DriveLetter.GetType().Name; " +
            "\"$($v.FileSystemType) $($v.DriveType) $($v.HealthStatus) $($v.OperationalStatus)\"; (Get-PSDrive C).Free -eq $v.SizeRemaining", disk);

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "67108864", (long.Parse(before, System.Globalization.CultureInfo.InvariantCulture) - 1024 * 1024 - 2).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "Char", "NTFS Fixed Healthy OK", "True",
        }));
    }

    [Test]
    public async Task The_disk_holds_System_Reserved_and_C_in_an_MBR_table_and_each_leads_to_the_others_through_the_pipeline()
    {
        var host = await RunAsync("Get-Partition | ForEach-Object { \"$($_.PartitionNumber) $([int]$_.DriveLetter) $($_.Offset) $($_.Size) $($_.Type) $($_.IsActive) $($_.IsBoot)\" }; " +
            "$d = Get-Disk; \"$($d.Number) $($d.FriendlyName) $($d.PartitionStyle) $($d.BusType) $($d.Size) $($d.NumberOfPartitions)\"; " +
            "Get-Disk 0 | Get-Partition | ForEach-Object PartitionNumber; Get-Partition -DriveLetter C | Get-Volume | ForEach-Object DriveLetter; " +
            "Get-Volume -FileSystemLabel 'System*' | Get-Partition | ForEach-Object Offset; (Get-Partition -DriveLetter C | Get-Disk).FriendlyName; Get-Partition 0 2 | ForEach-Object AccessPaths");

        Assert.That(host.Errors, Is.Empty);
        Assert.That(host.OutputTexts, Is.EqualTo(new[]
        {
            "1 0 1048576 524288000 IFS True False", "2 67 525336576 67108864 IFS False True",
            "0 Msft Virtual Disk MBR SCSI 592445440 2", "1", "2", "C", "1048576", "Msft Virtual Disk",
            "C:\\", @"\\?\Volume{5b6f4c1e-0000-0000-0000-501f00000000}\",
        }));
    }

    [TestCase("Get-Volume -DriveLetter Z", "CmdletizationQuery_NotFound_DriveLetter,Get-Volume", "No MSFT_Volume objects found with property 'DriveLetter' equal to 'Z'.  Verify the value of the property and retry.")]
    [TestCase("Get-Volume -FileSystemLabel Data", "CmdletizationQuery_NotFound_FileSystemLabel,Get-Volume", "No MSFT_Volume objects found with property 'FileSystemLabel' equal to 'Data'.  Verify the value of the property and retry.")]
    [TestCase("Get-Disk 1", "CmdletizationQuery_NotFound_Number,Get-Disk", "No MSFT_Disk objects found with property 'Number' equal to '1'.  Verify the value of the property and retry.")]
    [TestCase("Get-Partition -DiskNumber 4", "CmdletizationQuery_NotFound_DiskNumber,Get-Partition", "No MSFT_Partition objects found with property 'DiskNumber' equal to '4'.  Verify the value of the property and retry.")]
    [TestCase("Get-Partition -DriveLetter D", "CmdletizationQuery_NotFound_DriveLetter,Get-Partition", "No MSFT_Partition objects found with property 'DriveLetter' equal to 'D'.  Verify the value of the property and retry.")]
    public async Task A_value_no_instance_has_is_the_cmdletization_s_not_found_error(string script, string fullyQualifiedErrorId, string message)
    {
        var host = await RunAsync(script);

        Assert.That(host.Errors.Select(e => (e.FullyQualifiedErrorId, e.Message, e.Category, e.ExceptionType)),
            Is.EqualTo(new[] { (fullyQualifiedErrorId, message, ErrorCategory.ObjectNotFound, "Microsoft.PowerShell.Cmdletization.Cim.CimJobException") }));
        Assert.That(host.Outputs, Is.Empty);
    }

    [Test]
    public async Task A_drive_letter_with_its_colon_finds_the_volume_and_not_the_colon()
    {
        var host = await RunAsync("Get-Volume -DriveLetter C: | ForEach-Object DriveLetter");

        Assert.That(host.OutputTexts, Is.EqualTo(new[] { "C" }));
        Assert.That(host.Errors.Select(e => e.Message), Is.EqualTo(new[] { "No MSFT_Volume objects found with property 'DriveLetter' equal to ':'.  Verify the value of the property and retry." }));
    }

    [Test]
    public async Task Out_Default_shows_the_Storage_module_s_tables()
    {
        var host = await RunAsync("Get-Volume | Out-String; Get-Partition | Out-String");

        Assert.That(host.Errors, Is.Empty);
        var lines = string.Join("\r\n", host.OutputTexts).Split("\r\n").Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();
        Assert.That(lines, Is.EqualTo(new[]
        {
            "DriveLetter FriendlyName    FileSystemType DriveType HealthStatus OperationalStatus SizeRemaining   Size",
            "----------- ------------    -------------- --------- ------------ ----------------- -------------   ----",
            "            System Reserved NTFS           Fixed     Healthy      OK                    162.88 MB 500 MB",
            "C                           NTFS           Fixed     Healthy      OK                        64 MB  64 MB",
            @"   DiskPath: \\?\scsi#disk&ven_msft&prod_virtual_disk#2&1f4adffe&0&000000#{53f56307-b6bf-11d0-94f2-00a0c91efb8b}",
            "PartitionNumber  DriveLetter Offset                                         Size Type",
            "---------------  ----------- ------                                         ---- ----",
            "1                            1048576                                      500 MB IFS",
            "2                C           525336576                                     64 MB IFS",
        }));
    }
}
