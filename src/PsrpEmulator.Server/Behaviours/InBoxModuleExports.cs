namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The commands the in-box modules of a Windows Server 2019 export, whole, so that Get-Command, Get-Module's
/// ExportedCommands and a script calling one of them see what Windows has (a command the emulator does not emulate is
/// its scenario error, not "not recognized"). Sources, per module: the names are Microsoft's Windows Server 2019 docs
/// (MicrosoftDocs/windows-powershell-docs, docset/winserver2019-ps/&lt;module&gt;: one page per command); whether each
/// is a function or a cmdlet comes from the module's manifest (FunctionsToExport, CmdletsToExport) where one was found,
/// else from PSScriptAnalyzer's compatibility profile of a real Server 2019 (CrossCompatibility/profiles/win-8_x64_10.0.17763.0_5.1.17763.134...),
/// else from the docs page's help file (a .cdxml or .psm1 help file is a function's, a .dll one a cmdlet's). Where the
/// profile of the real Server 2019 lists a command the docs have no page for, the profile wins (ConfigCI's
/// Set-CIPolicySetting, StartLayout's Export-StartLayoutEdgeAssets, EventTracingManagement's Update-AutologgerConfig,
/// whose Set- name is an alias). Left out: commands newer manifests have that the Server 2019 docs do not (NetAdapter's
/// PacketDirect, SmbShare's SmbGlobalMapping, Storage's fault-domain ones), Defender's performance recording (a later
/// module), Appx's NonRemovableAppsPolicy pair and Reset-AppxPackage and Dism's ReservedStorageState pair (later Windows:
/// without them the counts are the profile's, 13 Appx cmdlets, as it counts), and modules the profile does not list (AssignedAccess, Provisioning, WindowsDiagnosticData: Windows 10's, which
/// a Server 2019 has not) or lists without commands (PSWorkflowUtility, whose Invoke-AsWorkflow is a workflow). The
/// few modules the docs have no folder for (NetDiagnostics, PlatformIdentifier, SecurityCmdlets, Whea,
/// WindowsDeveloperLicense) are real tables' rows that list all their commands, as many as the profile counts; AppvClient,
/// DeliveryOptimization, IscsiTarget, NFS, PersistentMemory, RemoteDesktop (its manifest's RD prefix added, as
/// ServerManagerTasks' SM), StorageBusCache, UEV and WindowsUpdateProvider are the profile's own lists;
/// SoftwareInventoryLogging's are its docs' with Get-SilComputerIdentity, which a real Server 2016 table lists too (all
/// functions, as the profile counts no cmdlet).
/// </summary>
internal static class InBoxModuleExports
{
    // One line per module and kind: "Module F:" functions, "Module C:" cmdlets, names as Windows spells them.
    private const string Table = """
        AppBackgroundTask C: Disable-AppBackgroundTaskDiagnosticLog Enable-AppBackgroundTaskDiagnosticLog Set-AppBackgroundTaskResourcePolicy
        AppBackgroundTask F: Get-AppBackgroundTask Start-AppBackgroundTask Unregister-AppBackgroundTask
        AppLocker C: Get-AppLockerFileInformation Get-AppLockerPolicy New-AppLockerPolicy Set-AppLockerPolicy Test-AppLockerPolicy
        Appx C: Add-AppxPackage Add-AppxVolume Dismount-AppxVolume Get-AppxDefaultVolume Get-AppxPackage Get-AppxPackageManifest Get-AppxVolume Invoke-CommandInDesktopPackage Mount-AppxVolume Move-AppxPackage Remove-AppxPackage Remove-AppxVolume Set-AppxDefaultVolume
        Appx F: Get-AppxLastError Get-AppxLog
        BestPractices C: Get-BpaModel Get-BpaResult Invoke-BpaModel Set-BpaResult
        BitLocker F: Add-BitLockerKeyProtector Backup-BitLockerKeyProtector Clear-BitLockerAutoUnlock Disable-BitLocker Disable-BitLockerAutoUnlock Enable-BitLocker Enable-BitLockerAutoUnlock Get-BitLockerVolume Lock-BitLocker Remove-BitLockerKeyProtector Resume-BitLocker Suspend-BitLocker Unlock-BitLocker
        BitsTransfer C: Add-BitsFile Complete-BitsTransfer Get-BitsTransfer Remove-BitsTransfer Resume-BitsTransfer Set-BitsTransfer Start-BitsTransfer Suspend-BitsTransfer
        BranchCache F: Add-BCDataCacheExtension Clear-BCCache Disable-BC Disable-BCDowngrading Disable-BCServeOnBattery Enable-BCDistributed Enable-BCDowngrading Enable-BCHostedClient Enable-BCHostedServer Enable-BCLocal Enable-BCServeOnBattery Export-BCCachePackage Export-BCSecretKey Get-BCClientConfiguration Get-BCContentServerConfiguration Get-BCDataCache Get-BCDataCacheExtension Get-BCHashCache Get-BCHostedCacheServerConfiguration Get-BCNetworkConfiguration Get-BCStatus Import-BCCachePackage Import-BCSecretKey Publish-BCFileContent Publish-BCWebContent Remove-BCDataCacheExtension Reset-BC Set-BCAuthentication Set-BCCache Set-BCDataCacheEntryMaxAge Set-BCMinSMBLatency Set-BCSecretKey
        ConfigCI C: Add-SignerRule ConvertFrom-CIPolicy Edit-CIPolicyRule Get-CIPolicy Get-CIPolicyIdInfo Get-CIPolicyInfo Get-SystemDriver Merge-CIPolicy New-CIPolicy New-CIPolicyRule Remove-CIPolicyRule Set-CIPolicyIdInfo Set-CIPolicySetting Set-CIPolicyVersion Set-HVCIOptions Set-RuleOption
        Defender F: Add-MpPreference Get-MpComputerStatus Get-MpPreference Get-MpThreat Get-MpThreatCatalog Get-MpThreatDetection Remove-MpPreference Remove-MpThreat Set-MpPreference Start-MpScan Start-MpWDOScan Update-MpSignature
        DirectAccessClientComponents F: Disable-DAManualEntryPointSelection Enable-DAManualEntryPointSelection Get-DAClientExperienceConfiguration Get-DAEntryPointTableItem New-DAEntryPointTableItem Remove-DAEntryPointTableItem Rename-DAEntryPointTableItem Reset-DAClientExperienceConfiguration Reset-DAEntryPointTableItem Set-DAClientExperienceConfiguration Set-DAEntryPointTableItem
        Dism C: Add-AppxProvisionedPackage Add-WindowsCapability Add-WindowsDriver Add-WindowsImage Add-WindowsPackage Clear-WindowsCorruptMountPoint Disable-WindowsOptionalFeature Dismount-WindowsImage Enable-WindowsOptionalFeature Expand-WindowsCustomDataImage Expand-WindowsImage Export-WindowsDriver Export-WindowsImage Get-AppxProvisionedPackage Get-WIMBootEntry Get-WindowsCapability Get-WindowsDriver Get-WindowsEdition Get-WindowsImage Get-WindowsImageContent Get-WindowsOptionalFeature Get-WindowsPackage Mount-WindowsImage New-WindowsCustomImage New-WindowsImage Optimize-WindowsImage Remove-AppxProvisionedPackage Remove-WindowsCapability Remove-WindowsDriver Remove-WindowsImage Remove-WindowsPackage Repair-WindowsImage Save-WindowsImage Set-AppXProvisionedDataFile Set-WindowsEdition Set-WindowsProductKey Split-WindowsImage Update-WIMBootEntry Use-WindowsUnattend
        DnsClient C: Resolve-DnsName
        DnsClient F: Add-DnsClientNrptRule Clear-DnsClientCache Get-DnsClient Get-DnsClientCache Get-DnsClientGlobalSetting Get-DnsClientNrptGlobal Get-DnsClientNrptPolicy Get-DnsClientNrptRule Get-DnsClientServerAddress Register-DnsClient Remove-DnsClientNrptRule Set-DnsClient Set-DnsClientGlobalSetting Set-DnsClientNrptGlobal Set-DnsClientNrptRule Set-DnsClientServerAddress
        EventTracingManagement F: Add-EtwTraceProvider Get-AutologgerConfig Get-EtwTraceProvider Get-EtwTraceSession New-AutologgerConfig New-EtwTraceSession Remove-AutologgerConfig Remove-EtwTraceProvider Save-EtwTraceSession Send-EtwTraceSession Set-EtwTraceProvider Start-EtwTraceSession Stop-EtwTraceSession Update-AutologgerConfig Update-EtwTraceSession
        International C: Get-WinAcceptLanguageFromLanguageListOptOut Get-WinCultureFromLanguageListOptOut Get-WinDefaultInputMethodOverride Get-WinHomeLocation Get-WinLanguageBarOption Get-WinSystemLocale Get-WinUILanguageOverride Get-WinUserLanguageList New-WinUserLanguageList Set-Culture Set-WinAcceptLanguageFromLanguageListOptOut Set-WinCultureFromLanguageListOptOut Set-WinDefaultInputMethodOverride Set-WinHomeLocation Set-WinLanguageBarOption Set-WinSystemLocale Set-WinUILanguageOverride Set-WinUserLanguageList
        iSCSI F: Connect-IscsiTarget Disconnect-IscsiTarget Get-IscsiConnection Get-IscsiSession Get-IscsiTarget Get-IscsiTargetPortal New-IscsiTargetPortal Register-IscsiSession Remove-IscsiTargetPortal Set-IscsiChapSecret Unregister-IscsiSession Update-IscsiTarget Update-IscsiTargetPortal
        Kds C: Add-KdsRootKey Clear-KdsCache Get-KdsConfiguration Get-KdsRootKey Set-KdsConfiguration Test-KdsRootKey
        Microsoft.PowerShell.ODataUtils F: Export-ODataEndpointProxy
        Microsoft.PowerShell.Operation.Validation F: Get-OperationValidation Invoke-OperationValidation
        MMAgent F: Debug-MMAppPrelaunch Disable-MMAgent Enable-MMAgent Get-MMAgent Set-MMAgent
        MsDtc C: Complete-DtcDiagnosticTransaction Join-DtcDiagnosticResourceManager New-DtcDiagnosticTransaction Receive-DtcDiagnosticTransaction Send-DtcDiagnosticTransaction Start-DtcDiagnosticResourceManager Stop-DtcDiagnosticResourceManager Undo-DtcDiagnosticTransaction
        MsDtc F: Add-DtcClusterTMMapping Get-Dtc Get-DtcAdvancedHostSetting Get-DtcAdvancedSetting Get-DtcClusterDefault Get-DtcClusterTMMapping Get-DtcDefault Get-DtcLog Get-DtcNetworkSetting Get-DtcTransaction Get-DtcTransactionsStatistics Get-DtcTransactionsTraceSession Get-DtcTransactionsTraceSetting Install-Dtc Remove-DtcClusterTMMapping Reset-DtcLog Set-DtcAdvancedHostSetting Set-DtcAdvancedSetting Set-DtcClusterDefault Set-DtcClusterTMMapping Set-DtcDefault Set-DtcLog Set-DtcNetworkSetting Set-DtcTransaction Set-DtcTransactionsTraceSession Set-DtcTransactionsTraceSetting Start-Dtc Start-DtcTransactionsTraceSession Stop-Dtc Stop-DtcTransactionsTraceSession Test-Dtc Uninstall-Dtc Write-DtcTransactionsTraceSession
        NetAdapter F: Disable-NetAdapter Disable-NetAdapterBinding Disable-NetAdapterChecksumOffload Disable-NetAdapterEncapsulatedPacketTaskOffload Disable-NetAdapterIPsecOffload Disable-NetAdapterLso Disable-NetAdapterPowerManagement Disable-NetAdapterQos Disable-NetAdapterRdma Disable-NetAdapterRsc Disable-NetAdapterRss Disable-NetAdapterSriov Disable-NetAdapterVmq Enable-NetAdapter Enable-NetAdapterBinding Enable-NetAdapterChecksumOffload Enable-NetAdapterEncapsulatedPacketTaskOffload Enable-NetAdapterIPsecOffload Enable-NetAdapterLso Enable-NetAdapterPowerManagement Enable-NetAdapterQos Enable-NetAdapterRdma Enable-NetAdapterRsc Enable-NetAdapterRss Enable-NetAdapterSriov Enable-NetAdapterVmq Get-NetAdapter Get-NetAdapterAdvancedProperty Get-NetAdapterBinding Get-NetAdapterChecksumOffload Get-NetAdapterEncapsulatedPacketTaskOffload Get-NetAdapterHardwareInfo Get-NetAdapterIPsecOffload Get-NetAdapterLso Get-NetAdapterPowerManagement Get-NetAdapterQos Get-NetAdapterRdma Get-NetAdapterRsc Get-NetAdapterRss Get-NetAdapterSriov Get-NetAdapterSriovVf Get-NetAdapterStatistics Get-NetAdapterVmq Get-NetAdapterVmqQueue Get-NetAdapterVPort New-NetAdapterAdvancedProperty Remove-NetAdapterAdvancedProperty Rename-NetAdapter Reset-NetAdapterAdvancedProperty Restart-NetAdapter Set-NetAdapter Set-NetAdapterAdvancedProperty Set-NetAdapterBinding Set-NetAdapterChecksumOffload Set-NetAdapterEncapsulatedPacketTaskOffload Set-NetAdapterIPsecOffload Set-NetAdapterLso Set-NetAdapterPowerManagement Set-NetAdapterQos Set-NetAdapterRdma Set-NetAdapterRsc Set-NetAdapterRss Set-NetAdapterSriov Set-NetAdapterVmq
        NetConnection F: Get-NetConnectionProfile Set-NetConnectionProfile
        NetEventPacketCapture F: Add-NetEventNetworkAdapter Add-NetEventPacketCaptureProvider Add-NetEventProvider Add-NetEventVmNetworkAdapter Add-NetEventVmSwitch Add-NetEventWFPCaptureProvider Get-NetEventNetworkAdapter Get-NetEventPacketCaptureProvider Get-NetEventProvider Get-NetEventSession Get-NetEventVmNetworkAdapter Get-NetEventVmSwitch Get-NetEventWFPCaptureProvider New-NetEventSession Remove-NetEventNetworkAdapter Remove-NetEventPacketCaptureProvider Remove-NetEventProvider Remove-NetEventSession Remove-NetEventVmNetworkAdapter Remove-NetEventVmSwitch Remove-NetEventWFPCaptureProvider Set-NetEventPacketCaptureProvider Set-NetEventProvider Set-NetEventSession Set-NetEventWFPCaptureProvider Start-NetEventSession Stop-NetEventSession
        NetLbfo F: Add-NetLbfoTeamMember Add-NetLbfoTeamNic Get-NetLbfoTeam Get-NetLbfoTeamMember Get-NetLbfoTeamNic New-NetLbfoTeam Remove-NetLbfoTeam Remove-NetLbfoTeamMember Remove-NetLbfoTeamNic Rename-NetLbfoTeam Set-NetLbfoTeam Set-NetLbfoTeamMember Set-NetLbfoTeamNic
        NetNat F: Add-NetNatExternalAddress Add-NetNatStaticMapping Get-NetNat Get-NetNatExternalAddress Get-NetNatGlobal Get-NetNatSession Get-NetNatStaticMapping New-NetNat Remove-NetNat Remove-NetNatExternalAddress Remove-NetNatStaticMapping Set-NetNat Set-NetNatGlobal
        NetQos F: Get-NetQosPolicy New-NetQosPolicy Remove-NetQosPolicy Set-NetQosPolicy
        NetSecurity C: Get-DAPolicyChange New-NetIPsecAuthProposal New-NetIPsecMainModeCryptoProposal New-NetIPsecQuickModeCryptoProposal
        NetSecurity F: Copy-NetFirewallRule Copy-NetIPsecMainModeCryptoSet Copy-NetIPsecMainModeRule Copy-NetIPsecPhase1AuthSet Copy-NetIPsecPhase2AuthSet Copy-NetIPsecQuickModeCryptoSet Copy-NetIPsecRule Disable-NetFirewallRule Disable-NetIPsecMainModeRule Disable-NetIPsecRule Enable-NetFirewallRule Enable-NetIPsecMainModeRule Enable-NetIPsecRule Find-NetIPsecRule Get-NetFirewallAddressFilter Get-NetFirewallApplicationFilter Get-NetFirewallInterfaceFilter Get-NetFirewallInterfaceTypeFilter Get-NetFirewallPortFilter Get-NetFirewallProfile Get-NetFirewallRule Get-NetFirewallSecurityFilter Get-NetFirewallServiceFilter Get-NetFirewallSetting Get-NetIPsecDospSetting Get-NetIPsecMainModeCryptoSet Get-NetIPsecMainModeRule Get-NetIPsecMainModeSA Get-NetIPsecPhase1AuthSet Get-NetIPsecPhase2AuthSet Get-NetIPsecQuickModeCryptoSet Get-NetIPsecQuickModeSA Get-NetIPsecRule New-NetFirewallRule New-NetIPsecDospSetting New-NetIPsecMainModeCryptoSet New-NetIPsecMainModeRule New-NetIPsecPhase1AuthSet New-NetIPsecPhase2AuthSet New-NetIPsecQuickModeCryptoSet New-NetIPsecRule Open-NetGPO Remove-NetFirewallRule Remove-NetIPsecDospSetting Remove-NetIPsecMainModeCryptoSet Remove-NetIPsecMainModeRule Remove-NetIPsecMainModeSA Remove-NetIPsecPhase1AuthSet Remove-NetIPsecPhase2AuthSet Remove-NetIPsecQuickModeCryptoSet Remove-NetIPsecQuickModeSA Remove-NetIPsecRule Rename-NetFirewallRule Rename-NetIPsecMainModeCryptoSet Rename-NetIPsecMainModeRule Rename-NetIPsecPhase1AuthSet Rename-NetIPsecPhase2AuthSet Rename-NetIPsecQuickModeCryptoSet Rename-NetIPsecRule Save-NetGPO Set-NetFirewallAddressFilter Set-NetFirewallApplicationFilter Set-NetFirewallInterfaceFilter Set-NetFirewallInterfaceTypeFilter Set-NetFirewallPortFilter Set-NetFirewallProfile Set-NetFirewallRule Set-NetFirewallSecurityFilter Set-NetFirewallServiceFilter Set-NetFirewallSetting Set-NetIPsecDospSetting Set-NetIPsecMainModeCryptoSet Set-NetIPsecMainModeRule Set-NetIPsecPhase1AuthSet Set-NetIPsecPhase2AuthSet Set-NetIPsecQuickModeCryptoSet Set-NetIPsecRule Show-NetFirewallRule Show-NetIPsecRule Sync-NetIPsecRule Update-NetIPsecRule
        NetSwitchTeam F: Add-NetSwitchTeamMember Get-NetSwitchTeam Get-NetSwitchTeamMember New-NetSwitchTeam Remove-NetSwitchTeam Remove-NetSwitchTeamMember Rename-NetSwitchTeam
        NetTCPIP F: Find-NetRoute Get-NetCompartment Get-NetIPAddress Get-NetIPConfiguration Get-NetIPInterface Get-NetIPv4Protocol Get-NetIPv6Protocol Get-NetNeighbor Get-NetOffloadGlobalSetting Get-NetPrefixPolicy Get-NetRoute Get-NetTCPConnection Get-NetTCPSetting Get-NetTransportFilter Get-NetUDPEndpoint Get-NetUDPSetting New-NetIPAddress New-NetNeighbor New-NetRoute New-NetTransportFilter Remove-NetIPAddress Remove-NetNeighbor Remove-NetRoute Remove-NetTransportFilter Set-NetIPAddress Set-NetIPInterface Set-NetIPv4Protocol Set-NetIPv6Protocol Set-NetNeighbor Set-NetOffloadGlobalSetting Set-NetRoute Set-NetTCPSetting Set-NetUDPSetting Test-NetConnection
        NetworkConnectivityStatus F: Get-DAConnectionStatus Get-NCSIPolicyConfiguration Reset-NCSIPolicyConfiguration Set-NCSIPolicyConfiguration
        NetworkSwitchManager F: Disable-NetworkSwitchEthernetPort Disable-NetworkSwitchFeature Disable-NetworkSwitchVlan Enable-NetworkSwitchEthernetPort Enable-NetworkSwitchFeature Enable-NetworkSwitchVlan Get-NetworkSwitchEthernetPort Get-NetworkSwitchFeature Get-NetworkSwitchGlobalData Get-NetworkSwitchVlan New-NetworkSwitchVlan Remove-NetworkSwitchEthernetPortIPAddress Remove-NetworkSwitchVlan Restore-NetworkSwitchConfiguration Save-NetworkSwitchConfiguration Set-NetworkSwitchEthernetPortIPAddress Set-NetworkSwitchPortMode Set-NetworkSwitchPortProperty Set-NetworkSwitchVlanProperty
        NetworkTransition F: Add-NetIPHttpsCertBinding Disable-NetDnsTransitionConfiguration Disable-NetIPHttpsProfile Disable-NetNatTransitionConfiguration Enable-NetDnsTransitionConfiguration Enable-NetIPHttpsProfile Enable-NetNatTransitionConfiguration Get-Net6to4Configuration Get-NetDnsTransitionConfiguration Get-NetDnsTransitionMonitoring Get-NetIPHttpsConfiguration Get-NetIPHttpsState Get-NetIsatapConfiguration Get-NetNatTransitionConfiguration Get-NetNatTransitionMonitoring Get-NetTeredoConfiguration Get-NetTeredoState New-NetIPHttpsConfiguration New-NetNatTransitionConfiguration Remove-NetIPHttpsCertBinding Remove-NetIPHttpsConfiguration Remove-NetNatTransitionConfiguration Rename-NetIPHttpsConfiguration Reset-Net6to4Configuration Reset-NetDnsTransitionConfiguration Reset-NetIPHttpsConfiguration Reset-NetIsatapConfiguration Reset-NetTeredoConfiguration Set-Net6to4Configuration Set-NetDnsTransitionConfiguration Set-NetIPHttpsConfiguration Set-NetIsatapConfiguration Set-NetNatTransitionConfiguration Set-NetTeredoConfiguration
        PcsvDevice F: Clear-PcsvDeviceLog Get-PcsvDevice Get-PcsvDeviceLog Restart-PcsvDevice Set-PcsvDeviceBootConfiguration Set-PcsvDeviceNetworkConfiguration Set-PcsvDeviceUserPassword Start-PcsvDevice Stop-PcsvDevice
        PKI C: Add-CertificateEnrollmentPolicyServer Export-Certificate Export-PfxCertificate Get-Certificate Get-CertificateAutoEnrollmentPolicy Get-CertificateEnrollmentPolicyServer Get-CertificateNotificationTask Get-PfxData Import-Certificate Import-PfxCertificate New-CertificateNotificationTask New-SelfSignedCertificate Remove-CertificateEnrollmentPolicyServer Remove-CertificateNotificationTask Set-CertificateAutoEnrollmentPolicy Switch-Certificate Test-Certificate
        PnpDevice F: Disable-PnpDevice Enable-PnpDevice Get-PnpDevice Get-PnpDeviceProperty
        PrintManagement F: Add-Printer Add-PrinterDriver Add-PrinterPort Get-PrintConfiguration Get-Printer Get-PrinterDriver Get-PrinterPort Get-PrinterProperty Get-PrintJob Read-PrinterNfcTag Remove-Printer Remove-PrinterDriver Remove-PrinterPort Remove-PrintJob Rename-Printer Restart-PrintJob Resume-PrintJob Set-PrintConfiguration Set-Printer Set-PrinterProperty Suspend-PrintJob Write-PrinterNfcTag
        ProcessMitigations C: ConvertTo-ProcessMitigationPolicy Get-ProcessMitigation Set-ProcessMitigation
        PSDiagnostics F: Disable-PSTrace Disable-PSWSManCombinedTrace Disable-WSManTrace Enable-PSTrace Enable-PSWSManCombinedTrace Enable-WSManTrace Get-LogProperties Set-LogProperties Start-Trace Stop-Trace
        PSReadline C: Get-PSReadLineKeyHandler Get-PSReadLineOption Remove-PSReadLineKeyHandler Set-PSReadLineKeyHandler Set-PSReadLineOption
        PSReadline F: PSConsoleHostReadLine
        PSWorkflow C: New-PSWorkflowExecutionOption
        PSWorkflow F: New-PSWorkflowSession
        ScheduledTasks F: Disable-ScheduledTask Enable-ScheduledTask Export-ScheduledTask Get-ClusteredScheduledTask Get-ScheduledTask Get-ScheduledTaskInfo New-ScheduledTask New-ScheduledTaskAction New-ScheduledTaskPrincipal New-ScheduledTaskSettingsSet New-ScheduledTaskTrigger Register-ClusteredScheduledTask Register-ScheduledTask Set-ClusteredScheduledTask Set-ScheduledTask Start-ScheduledTask Stop-ScheduledTask Unregister-ClusteredScheduledTask Unregister-ScheduledTask
        SecureBoot C: Confirm-SecureBootUEFI Format-SecureBootUEFI Get-SecureBootPolicy Get-SecureBootUEFI Set-SecureBootUEFI
        ServerCore F: Get-DisplayResolution Set-DisplayResolution
        ServerManager C: Get-WindowsFeature Install-WindowsFeature Uninstall-WindowsFeature
        ServerManager F: Disable-ServerManagerStandardUserRemoting Enable-ServerManagerStandardUserRemoting
        ServerManagerTasks F: Get-SMCounterSample Get-SMPerformanceCollector Get-SMServerBpaResult Get-SMServerClusterName Get-SMServerEvent Get-SMServerFeature Get-SMServerInventory Get-SMServerService Remove-SMServerPerformanceLog Start-SMPerformanceCollector Stop-SMPerformanceCollector
        SmbShare F: Block-SmbShareAccess Close-SmbOpenFile Close-SmbSession Disable-SmbDelegation Enable-SmbDelegation Get-SmbBandwidthLimit Get-SmbClientConfiguration Get-SmbClientNetworkInterface Get-SmbConnection Get-SmbDelegation Get-SmbMapping Get-SmbMultichannelConnection Get-SmbMultichannelConstraint Get-SmbOpenFile Get-SmbServerConfiguration Get-SmbServerNetworkInterface Get-SmbSession Get-SmbShare Get-SmbShareAccess Grant-SmbShareAccess New-SmbMapping New-SmbMultichannelConstraint New-SmbShare Remove-SmbBandwidthLimit Remove-SmbMapping Remove-SmbMultichannelConstraint Remove-SmbShare Revoke-SmbShareAccess Set-SmbBandwidthLimit Set-SmbClientConfiguration Set-SmbPathAcl Set-SmbServerConfiguration Set-SmbShare Unblock-SmbShareAccess Update-SmbMultichannelConnection
        SmbWitness F: Get-SmbWitnessClient Move-SmbWitnessClient
        StartLayout C: Export-StartLayout Export-StartLayoutEdgeAssets Import-StartLayout
        StartLayout F: Get-StartApps
        Storage F: Add-InitiatorIdToMaskingSet Add-PartitionAccessPath Add-PhysicalDisk Add-TargetPortToMaskingSet Add-VirtualDiskToMaskingSet Block-FileShareAccess Clear-Disk Clear-FileStorageTier Connect-VirtualDisk Debug-FileShare Debug-StorageSubSystem Debug-Volume Disable-PhysicalDiskIdentification Disable-StorageEnclosureIdentification Disable-StorageHighAvailability Disable-StorageMaintenanceMode Disconnect-VirtualDisk Dismount-DiskImage Enable-PhysicalDiskIdentification Enable-StorageEnclosureIdentification Enable-StorageHighAvailability Enable-StorageMaintenanceMode Format-Volume Get-DedupProperties Get-Disk Get-DiskImage Get-DiskStorageNodeView Get-FileIntegrity Get-FileShare Get-FileShareAccessControlEntry Get-FileStorageTier Get-InitiatorId Get-InitiatorPort Get-MaskingSet Get-OffloadDataTransferSetting Get-Partition Get-PartitionSupportedSize Get-PhysicalDisk Get-PhysicalDiskStorageNodeView Get-PhysicalExtent Get-PhysicalExtentAssociation Get-ResiliencySetting Get-StorageAdvancedProperty Get-StorageDiagnosticInfo Get-StorageEnclosure Get-StorageEnclosureStorageNodeView Get-StorageEnclosureVendorData Get-StorageFaultDomain Get-StorageFileServer Get-StorageFirmwareInformation Get-StorageHealthAction Get-StorageHealthReport Get-StorageHealthSetting Get-StorageJob Get-StorageNode Get-StoragePool Get-StorageProvider Get-StorageReliabilityCounter Get-StorageSetting Get-StorageSubSystem Get-StorageTier Get-StorageTierSupportedSize Get-SupportedClusterSizes Get-SupportedFileSystems Get-TargetPort Get-TargetPortal Get-VirtualDisk Get-VirtualDiskSupportedSize Get-Volume Get-VolumeCorruptionCount Get-VolumeScrubPolicy Grant-FileShareAccess Hide-VirtualDisk Initialize-Disk Mount-DiskImage New-FileShare New-MaskingSet New-Partition New-StorageFileServer New-StoragePool New-StorageSubsystemVirtualDisk New-StorageTier New-VirtualDisk New-VirtualDiskClone New-VirtualDiskSnapshot New-Volume Optimize-StoragePool Optimize-Volume Register-StorageSubsystem Remove-FileShare Remove-InitiatorId Remove-InitiatorIdFromMaskingSet Remove-MaskingSet Remove-Partition Remove-PartitionAccessPath Remove-PhysicalDisk Remove-StorageFileServer Remove-StorageHealthSetting Remove-StoragePool Remove-StorageTier Remove-TargetPortFromMaskingSet Remove-VirtualDisk Remove-VirtualDiskFromMaskingSet Rename-MaskingSet Repair-FileIntegrity Repair-VirtualDisk Repair-Volume Reset-PhysicalDisk Reset-StorageReliabilityCounter Resize-Partition Resize-StorageTier Resize-VirtualDisk Revoke-FileShareAccess Set-Disk Set-FileIntegrity Set-FileShare Set-FileStorageTier Set-InitiatorPort Set-Partition Set-PhysicalDisk Set-ResiliencySetting Set-StorageFileServer Set-StorageHealthSetting Set-StoragePool Set-StorageProvider Set-StorageSetting Set-StorageSubSystem Set-StorageTier Set-VirtualDisk Set-Volume Set-VolumeScrubPolicy Show-VirtualDisk Start-StorageDiagnosticLog Stop-StorageDiagnosticLog Stop-StorageJob Unblock-FileShareAccess Unregister-StorageSubsystem Update-Disk Update-HostStorageCache Update-StorageFirmware Update-StoragePool Update-StorageProviderCache Write-VolumeCache
        TLS C: Disable-TlsCipherSuite Disable-TlsEccCurve Disable-TlsSessionTicketKey Enable-TlsCipherSuite Enable-TlsEccCurve Enable-TlsSessionTicketKey Export-TlsSessionTicketKey Get-TlsCipherSuite Get-TlsEccCurve New-TlsSessionTicketKey
        TroubleshootingPack C: Get-TroubleshootingPack Invoke-TroubleshootingPack
        TrustedPlatformModule C: Clear-Tpm ConvertTo-TpmOwnerAuth Disable-TpmAutoProvisioning Enable-TpmAutoProvisioning Get-Tpm Get-TpmEndorsementKeyInfo Get-TpmSupportedFeature Import-TpmOwnerAuth Initialize-Tpm Set-TpmOwnerAuth Unblock-Tpm
        UserAccessLogging F: Disable-Ual Enable-Ual Get-Ual Get-UalDailyAccess Get-UalDailyDeviceAccess Get-UalDailyUserAccess Get-UalDeviceAccess Get-UalDns Get-UalHyperV Get-UalOverview Get-UalServerDevice Get-UalServerUser Get-UalSystemId Get-UalUserAccess
        VpnClient F: Add-VpnConnection Add-VpnConnectionRoute Add-VpnConnectionTriggerApplication Add-VpnConnectionTriggerDnsConfiguration Add-VpnConnectionTriggerTrustedNetwork Get-VpnConnection Get-VpnConnectionTrigger New-EapConfiguration New-VpnServerAddress Remove-VpnConnection Remove-VpnConnectionRoute Remove-VpnConnectionTriggerApplication Remove-VpnConnectionTriggerDnsConfiguration Remove-VpnConnectionTriggerTrustedNetwork Set-VpnConnection Set-VpnConnectionIPsecConfiguration Set-VpnConnectionProxy Set-VpnConnectionTriggerDnsConfiguration Set-VpnConnectionTriggerTrustedNetwork
        Wdac F: Add-OdbcDsn Disable-OdbcPerfCounter Disable-WdacBidTrace Enable-OdbcPerfCounter Enable-WdacBidTrace Get-OdbcDriver Get-OdbcDsn Get-OdbcPerfCounter Get-WdacBidTrace Remove-OdbcDsn Set-OdbcDriver Set-OdbcDsn
        WindowsErrorReporting C: Disable-WindowsErrorReporting Enable-WindowsErrorReporting Get-WindowsErrorReporting
        WindowsSearch C: Get-WindowsSearchSetting Set-WindowsSearchSetting
        WindowsUpdate F: Get-WindowsUpdateLog
        NetDiagnostics F: Get-NetView
        PlatformIdentifier F: Get-PlatformIdentifier
        SecurityCmdlets C: Backup-AuditPolicy Backup-SecurityPolicy Restore-AuditPolicy Restore-SecurityPolicy
        Whea C: Get-WheaMemoryPolicy Set-WheaMemoryPolicy
        WindowsDeveloperLicense C: Get-WindowsDeveloperLicense Show-WindowsDeveloperLicenseRegistration Unregister-WindowsDeveloperLicense
        AppvClient C: Add-AppvClientConnectionGroup Add-AppvClientPackage Add-AppvPublishingServer Disable-Appv Disable-AppvClientConnectionGroup Enable-Appv Enable-AppvClientConnectionGroup Get-AppvClientApplication Get-AppvClientConfiguration Get-AppvClientConnectionGroup Get-AppvClientMode Get-AppvClientPackage Get-AppvPublishingServer Get-AppvStatus Mount-AppvClientConnectionGroup Mount-AppvClientPackage Publish-AppvClientPackage Remove-AppvClientConnectionGroup Remove-AppvClientPackage Remove-AppvPublishingServer Repair-AppvClientConnectionGroup Repair-AppvClientPackage Send-AppvClientReport Set-AppvClientConfiguration Set-AppvClientMode Set-AppvClientPackage Set-AppvPublishingServer Stop-AppvClientConnectionGroup Stop-AppvClientPackage Sync-AppvPublishingServer Unpublish-AppvClientPackage
        AppvClient F: Get-AppvVirtualProcess Start-AppvVirtualProcess
        DeliveryOptimization C: Get-DeliveryOptimizationLog Get-DeliveryOptimizationPerfSnap Get-DeliveryOptimizationPerfSnapThisMonth Get-DeliveryOptimizationStatus Get-DOConfig Get-DODownloadMode Get-DOPercentageMaxBackgroundBandwidth Get-DOPercentageMaxForegroundBandwidth Set-DODownloadMode Set-DOPercentageMaxBackgroundBandwidth Set-DOPercentageMaxForegroundBandwidth
        IscsiTarget C: Add-IscsiVirtualDiskTargetMapping Checkpoint-IscsiVirtualDisk Convert-IscsiVirtualDisk Dismount-IscsiVirtualDiskSnapshot Export-IscsiVirtualDiskSnapshot Get-IscsiServerTarget Get-IscsiTargetServerSetting Get-IscsiVirtualDisk Get-IscsiVirtualDiskSnapshot Import-IscsiVirtualDisk Mount-IscsiVirtualDiskSnapshot New-IscsiServerTarget New-IscsiVirtualDisk Remove-IscsiServerTarget Remove-IscsiVirtualDisk Remove-IscsiVirtualDiskSnapshot Remove-IscsiVirtualDiskTargetMapping Resize-IscsiVirtualDisk Restore-IscsiVirtualDisk Set-IscsiServerTarget Set-IscsiTargetServerSetting Set-IscsiVirtualDisk Set-IscsiVirtualDiskSnapshot Stop-IscsiVirtualDiskOperation
        IscsiTarget F: Export-IscsiTargetServerConfiguration Import-IscsiTargetServerConfiguration
        NFS C: Get-NfsMappedIdentity Get-NfsNetgroup Install-NfsMappingStore New-NfsMappedIdentity New-NfsNetgroup Remove-NfsMappedIdentity Remove-NfsNetgroup Set-NfsMappedIdentity Set-NfsNetgroup Test-NfsMappedIdentity
        NFS F: Disconnect-NfsSession Get-NfsClientConfiguration Get-NfsClientgroup Get-NfsClientLock Get-NfsMappingStore Get-NfsMountedClient Get-NfsNetgroupStore Get-NfsOpenFile Get-NfsServerConfiguration Get-NfsSession Get-NfsShare Get-NfsSharePermission Get-NfsStatistics Grant-NfsSharePermission New-NfsClientgroup New-NfsShare Remove-NfsClientgroup Remove-NfsShare Rename-NfsClientgroup Reset-NfsStatistics Resolve-NfsMappedIdentity Revoke-NfsClientLock Revoke-NfsMountedClient Revoke-NfsOpenFile Revoke-NfsSharePermission Set-NfsClientConfiguration Set-NfsClientgroup Set-NfsMappingStore Set-NfsNetgroupStore Set-NfsServerConfiguration Set-NfsShare Test-NfsMappingStore
        PersistentMemory C: Get-PmemDisk Get-PmemPhysicalDevice Get-PmemUnusedRegion Initialize-PmemPhysicalDevice New-PmemDisk Remove-PmemDisk
        RemoteDesktop F: Add-RDServer Add-RDSessionHost Add-RDVirtualDesktopToCollection Disable-RDVirtualDesktopADMachineAccountReuse Disconnect-RDUser Enable-RDVirtualDesktopADMachineAccountReuse Export-RDPersonalSessionDesktopAssignment Export-RDPersonalVirtualDesktopAssignment Get-RDAvailableApp Get-RDCertificate Get-RDConnectionBrokerHighAvailability Get-RDDeploymentGatewayConfiguration Get-RDFileTypeAssociation Get-RDLicenseConfiguration Get-RDPersonalSessionDesktopAssignment Get-RDPersonalVirtualDesktopAssignment Get-RDPersonalVirtualDesktopPatchSchedule Get-RDRemoteApp Get-RDRemoteDesktop Get-RDServer Get-RDSessionCollection Get-RDSessionCollectionConfiguration Get-RDSessionHost Get-RDUserSession Get-RDVirtualDesktop Get-RDVirtualDesktopCollection Get-RDVirtualDesktopCollectionConfiguration Get-RDVirtualDesktopCollectionJobStatus Get-RDVirtualDesktopConcurrency Get-RDVirtualDesktopIdleCount Get-RDVirtualDesktopTemplateExportPath Get-RDWorkspace Grant-RDOUAccess Import-RDPersonalSessionDesktopAssignment Import-RDPersonalVirtualDesktopAssignment Invoke-RDUserLogoff Move-RDVirtualDesktop New-RDCertificate New-RDPersonalVirtualDesktopPatchSchedule New-RDRemoteApp New-RDSessionCollection New-RDSessionDeployment New-RDVirtualDesktopCollection New-RDVirtualDesktopDeployment Remove-RDDatabaseConnectionString Remove-RDPersonalSessionDesktopAssignment Remove-RDPersonalVirtualDesktopAssignment Remove-RDPersonalVirtualDesktopPatchSchedule Remove-RDRemoteApp Remove-RDServer Remove-RDSessionCollection Remove-RDSessionHost Remove-RDVirtualDesktopCollection Remove-RDVirtualDesktopFromCollection Send-RDUserMessage Set-RDActiveManagementServer Set-RDCertificate Set-RDClientAccessName Set-RDConnectionBrokerHighAvailability Set-RDDatabaseConnectionString Set-RDDeploymentGatewayConfiguration Set-RDFileTypeAssociation Set-RDLicenseConfiguration Set-RDPersonalSessionDesktopAssignment Set-RDPersonalVirtualDesktopAssignment Set-RDPersonalVirtualDesktopPatchSchedule Set-RDRemoteApp Set-RDRemoteDesktop Set-RDSessionCollectionConfiguration Set-RDSessionHost Set-RDVirtualDesktopCollectionConfiguration Set-RDVirtualDesktopConcurrency Set-RDVirtualDesktopIdleCount Set-RDVirtualDesktopTemplateExportPath Set-RDWorkspace Stop-RDVirtualDesktopCollectionJob Test-RDOUAccess Test-RDVirtualDesktopADMachineAccountReuse Update-RDVirtualDesktopCollection
        SoftwareInventoryLogging F: Get-SilComputer Get-SilComputerIdentity Get-SilData Get-SilLogging Get-SilSoftware Get-SilUalAccess Get-SilWindowsUpdate Publish-SilData Set-SilLogging Start-SilLogging Stop-SilLogging
        StorageBusCache F: Clear-StorageBusDisk Disable-StorageBusCache Disable-StorageBusDisk Enable-StorageBusCache Enable-StorageBusDisk Get-StorageBusBinding Get-StorageBusDisk New-StorageBusBinding New-StorageBusCacheStore Remove-StorageBusBinding Resume-StorageBusDisk Set-StorageBusProfile Suspend-StorageBusDisk
        UEV C: Clear-UevAppxPackage Clear-UevConfiguration Disable-Uev Disable-UevAppxPackage Disable-UevTemplate Enable-Uev Enable-UevAppxPackage Enable-UevTemplate Export-UevConfiguration Export-UevPackage Get-UevAppxPackage Get-UevConfiguration Get-UevStatus Get-UevTemplate Get-UevTemplateProgram Import-UevConfiguration Register-UevTemplate Repair-UevTemplateIndex Restore-UevBackup Restore-UevUserSetting Set-UevConfiguration Set-UevTemplateProfile Test-UevTemplate Unregister-UevTemplate Update-UevTemplate
        WindowsUpdateProvider F: Get-WUAVersion Get-WUIsPendingReboot Get-WULastInstallationDate Get-WULastScanSuccessDate Install-WUUpdates Start-WUScan
        PSScheduledJob C: Add-JobTrigger Disable-JobTrigger Disable-ScheduledJob Enable-JobTrigger Enable-ScheduledJob Get-JobTrigger Get-ScheduledJob Get-ScheduledJobOption New-JobTrigger New-ScheduledJobOption Register-ScheduledJob Remove-JobTrigger Set-JobTrigger Set-ScheduledJob Set-ScheduledJobOption Unregister-ScheduledJob
        """;

    // The first commands of a module's ExportedCommands as Windows lists them (the manifest's order, cmdlets before
    // functions), from real Get-Module -ListAvailable tables of a Windows Server 2016 and a later Windows 10 (the rows'
    // first three or four names; BitLocker's, ProcessMitigations' and StartLayout's from Windows 10, PSReadline's from its 1.2); the module's other
    // cmdlets, then its functions, follow by name (UNVERIFIED past the rows). Modules not here list theirs so from the start.
    private const string Orders = """
        AppBackgroundTask: Disable-AppBackgroundTaskDiagnosticLog Enable-AppBackgroundTaskDiagnosticLog Set-AppBackgroundTaskResourcePolicy
        Appx: Add-AppxPackage Get-AppxPackage Get-AppxPackageManifest Remove-AppxPackage
        ConfigCI: Get-SystemDriver New-CIPolicyRule New-CIPolicy Get-CIPolicy
        Defender: Get-MpPreference Set-MpPreference Add-MpPreference Remove-MpPreference
        Dism: Add-AppxProvisionedPackage Add-WindowsDriver Add-WindowsCapability Add-WindowsImage
        BitLocker: Unlock-BitLocker Suspend-BitLocker Resume-BitLocker
        DnsClient: Resolve-DnsName Clear-DnsClientCache Get-DnsClient Get-DnsClientCache
        International: Get-WinDefaultInputMethodOverride Set-WinDefaultInputMethodOverride Get-WinHomeLocation
        iSCSI: Get-IscsiTargetPortal New-IscsiTargetPortal Remove-IscsiTargetPortal Update-IscsiTargetPortal
        Kds: Add-KdsRootKey Get-KdsRootKey Test-KdsRootKey Set-KdsConfiguration
        Microsoft.PowerShell.Diagnostics: Get-WinEvent Get-Counter Import-Counter Export-Counter
        Microsoft.PowerShell.Management: Add-Content Clear-Content Clear-ItemProperty Join-Path
        Microsoft.PowerShell.Security: Get-Acl Set-Acl Get-PfxCertificate Get-Credential
        Microsoft.PowerShell.Utility: Format-List Format-Custom Format-Table Format-Wide
        Microsoft.WSMan.Management: Disable-WSManCredSSP Enable-WSManCredSSP Get-WSManCredSSP Set-WSManQuickConfig
        MMAgent: Disable-MMAgent Enable-MMAgent Set-MMAgent Get-MMAgent
        MsDtc: New-DtcDiagnosticTransaction Complete-DtcDiagnosticTransaction Join-DtcDiagnosticResourceManager
        NFS: Get-NfsMappedIdentity Get-NfsNetgroup Install-NfsMappingStore New-NfsMappedIdentity
        NetEventPacketCapture: New-NetEventSession Remove-NetEventSession Get-NetEventSession Set-NetEventSession
        NetNat: Get-NetNat Get-NetNatExternalAddress Get-NetNatStaticMapping Get-NetNatSession
        NetQos: Get-NetQosPolicy Set-NetQosPolicy Remove-NetQosPolicy New-NetQosPolicy
        NetSecurity: Get-DAPolicyChange New-NetIPsecAuthProposal New-NetIPsecMainModeCryptoProposal New-NetIPsecQuickModeCryptoProposal
        NetSwitchTeam: New-NetSwitchTeam Remove-NetSwitchTeam Get-NetSwitchTeam Rename-NetSwitchTeam
        NetTCPIP: Get-NetIPAddress Get-NetIPInterface Get-NetIPv4Protocol Get-NetIPv6Protocol
        NetworkSwitchManager: Disable-NetworkSwitchEthernetPort Enable-NetworkSwitchEthernetPort Get-NetworkSwitchEthernetPort Remove-NetworkSwitchEthernetPortIPAddress
        PackageManagement: Find-Package Get-Package Get-PackageProvider Get-PackageSource
        PcsvDevice: Get-PcsvDevice Start-PcsvDevice Stop-PcsvDevice Restart-PcsvDevice
        PnpDevice: Get-PnpDevice Get-PnpDeviceProperty Enable-PnpDevice Disable-PnpDevice
        PowerShellGet: Install-Module Find-Module Save-Module Update-Module
        ProcessMitigations: Get-ProcessMitigation Set-ProcessMitigation ConvertTo-ProcessMitigationPolicy
        PSReadline: Get-PSReadLineKeyHandler Set-PSReadLineKeyHandler Remove-PSReadLineKeyHandler Get-PSReadLineOption
        PSScheduledJob: New-JobTrigger Add-JobTrigger Remove-JobTrigger Get-JobTrigger
        RemoteDesktop: Get-RDCertificate Set-RDCertificate New-RDCertificate New-RDVirtualDesktopDeployment
        ScheduledTasks: Get-ScheduledTask Set-ScheduledTask Register-ScheduledTask Unregister-ScheduledTask
        SecureBoot: Confirm-SecureBootUEFI Set-SecureBootUEFI Get-SecureBootUEFI Format-SecureBootUEFI
        ServerManager: Get-WindowsFeature Install-WindowsFeature Uninstall-WindowsFeature Enable-ServerManagerStandardUserRemoting
        ServerManagerTasks: Get-SMCounterSample Get-SMPerformanceCollector Start-SMPerformanceCollector Stop-SMPerformanceCollector
        SecurityCmdlets: Backup-SecurityPolicy Restore-SecurityPolicy Backup-AuditPolicy Restore-AuditPolicy
        SoftwareInventoryLogging: Get-SilComputer Get-SilComputerIdentity Get-SilSoftware Get-SilWindowsUpdate
        SmbShare: Get-SmbShare Remove-SmbShare Set-SmbShare Block-SmbShareAccess
        StartLayout: Export-StartLayout Import-StartLayout Export-StartLayoutEdgeAssets Get-StartApps
        TLS: New-TlsSessionTicketKey Enable-TlsSessionTicketKey Disable-TlsSessionTicketKey Export-TlsSessionTicketKey
        TrustedPlatformModule: Get-Tpm Initialize-Tpm Clear-Tpm Unblock-Tpm
        UEV: Clear-UevConfiguration Clear-UevAppxPackage Restore-UevBackup Set-UevTemplateProfile
        UserAccessLogging: Enable-Ual Disable-Ual Get-Ual Get-UalDns
        VpnClient: Add-VpnConnection Set-VpnConnection Remove-VpnConnection Get-VpnConnection
        Wdac: Get-OdbcDriver Set-OdbcDriver Get-OdbcDsn Add-OdbcDsn
        WindowsDeveloperLicense: Get-WindowsDeveloperLicense Unregister-WindowsDeveloperLicense Show-WindowsDeveloperLicenseRegistration
        WindowsErrorReporting: Enable-WindowsErrorReporting Disable-WindowsErrorReporting Get-WindowsErrorReporting
        WindowsUpdateProvider: Get-WUAVersion Get-WULastInstallationDate Get-WULastScanSuccessDate
        """;

    private static readonly Dictionary<string, string[]> OrderByModule =
        Lines(Orders).ToDictionary(words => words[0].TrimEnd(':'), words => words[1..], StringComparer.OrdinalIgnoreCase);

    // A table's lines, each as its words.
    private static IEnumerable<string[]> Lines(string table) =>
        table.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>
    /// Where a command stands in its module's ExportedCommands: its place among the known first ones (from 1); after
    /// them the module's other cmdlets, then its functions (PSModuleInfo lists a module's cmdlets before its functions),
    /// each by name.
    /// </summary>
    public static int Position(string module, string name, bool isFunction) =>
        OrderByModule.TryGetValue(module, out var first) && Array.FindIndex(first, n => n.Equals(name, StringComparison.OrdinalIgnoreCase)) is var at && at >= 0
            ? at + 1
            : isFunction ? int.MaxValue : int.MaxValue - 1;

    /// <summary>Each command: its name, its module and whether it is a function (else a cmdlet).</summary>
    public static readonly IReadOnlyList<(string Name, string Module, bool IsFunction)> Commands = Parse();

    private static List<(string Name, string Module, bool IsFunction)> Parse()
    {
        var commands = new List<(string, string, bool)>();
        foreach (var words in Lines(Table))
        {
            var isFunction = words[1] switch
            {
                "F:" => true,
                "C:" => false,
                _ => throw new InvalidOperationException($"InBoxModuleExports: '{words[1]}' is neither F: nor C: in the line of {words[0]}"),
            };
            foreach (var name in words.Skip(2)) commands.Add((name, words[0], isFunction));
        }

        return commands;
    }
}
