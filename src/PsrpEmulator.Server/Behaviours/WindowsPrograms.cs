namespace PsrpEmulator.Server.Behaviours;

/// <summary>
/// The programs on a fresh Windows Server 2019's PATH (System32, its Wbem folder, WindowsPowerShell\v1.0 and the
/// Windows folder), as its disk spells them: the NativeCommands of PSScriptAnalyzer's compatibility profile of a real
/// Windows Server 2019 Datacenter (CrossCompatibility/profiles/win-8_x64_10.0.17763.0_5.1.17763.134...). A script that
/// runs one the emulator does not emulate meets a scenario error, not "not recognized", and Get-Command names it as the
/// disk does (fltMC.exe, MBR2GPT.EXE). The OpenSSH client's folder (ssh.exe...) is on the PATH too, as build 1809 puts it
/// there.
/// </summary>
internal static class WindowsPrograms
{
    public static readonly IReadOnlyList<string> OnPath =
    [
        "AgentService.exe", "aitstatic.exe", "alg.exe", "AppHostRegistrationVerifier.exe", "appidcertstorecheck.exe", "appidpolicyconverter.exe",
        "appidtel.exe", "ApplicationFrameHost.exe", "ApplySettingsTemplateCatalog.exe", "ApplyTrustOffline.exe", "AppVClient.exe",
        "AppVDllSurrogate.exe", "AppVNice.exe", "AppVShNotify.exe", "appwiz.cpl", "ARP.EXE", "at.exe", "AtBroker.exe", "attrib.exe", "audiodg.exe",
        "auditpol.exe", "AuthHost.exe", "autochk.exe", "autoconv.exe", "autofmt.exe", "AxInstUI.exe", "azman.msc", "baaupdate.exe",
        "backgroundTaskHost.exe", "BackgroundTransferHost.exe", "bcdboot.exe", "bcdedit.exe", "bdechangepin.exe", "BdeHdCfg.exe", "BdeUISrv.exe",
        "bdeunlock.exe", "bfsvc.exe", "BitLockerWizard.exe", "BitLockerWizardElev.exe", "bitsadmin.exe", "bootcfg.exe", "bootim.exe",
        "bridgeunattend.exe", "browser_broker.exe", "browserexport.exe", "bthprops.cpl", "bthudtask.exe", "ByteCodeGenerator.exe", "cacls.exe",
        "calc.exe", "CallUxxProvider.vbs", "CameraSettingsUIHost.exe", "CastSrv.exe", "CertEnrollCtrl.exe", "certlm.msc", "certmgr.msc",
        "certoc.exe", "certreq.exe", "certutil.exe", "change.exe", "changepk.exe", "charmap.exe", "chcp.com", "CheckNetIsolation.exe",
        "chglogon.exe", "chgport.exe", "chgusr.exe", "chkdsk.exe", "chkntfs.exe", "choice.exe", "cipher.exe", "cleanmgr.exe", "cliconfg.exe",
        "clip.exe", "ClipUp.exe", "CloudExperienceHostBroker.exe", "cmd.exe", "cmdkey.exe", "cmdl32.exe", "cmmon32.exe", "cmstp.exe", "cofire.exe",
        "colorcpl.exe", "comexp.msc", "comp.exe", "compact.exe", "CompatTelRunner.exe", "compmgmt.msc", "CompMgmtLauncher.exe", "CompPkgSrv.exe",
        "ComputerDefaults.exe", "Configure-SMRemoting.exe", "conhost.exe", "consent.exe", "control.exe", "convert.exe", "convertvhd.exe",
        "coredpussvr.exe", "CredentialUIBroker.exe", "credwiz.exe", "cscript.exe", "csrss.exe", "ctfmon.exe", "cttune.exe", "cttunesvr.exe",
        "curl.exe", "dasHost.exe", "DataExchangeHost.exe", "DataStoreCacheDumpTool.exe", "dccw.exe", "dcgpofix.exe", "dcomcnfg.exe", "dcpromo.exe",
        "ddodiag.exe", "Defrag.exe", "desk.cpl", "desktopimgdownldr.exe", "DeviceCensus.exe", "DeviceCredentialDeployment.exe", "DeviceEject.exe",
        "DeviceEnroller.exe", "DevicePairingWizard.exe", "DeviceProperties.exe", "devmgmt.msc", "DevModeRunAsUserConfig.msc", "DFDWiz.exe",
        "dfrgui.exe", "dialer.exe", "DIMC.exe", "diskmgmt.msc", "diskpart.exe", "diskperf.exe", "diskraid.exe", "diskshadow.exe", "DiskSnapshot.exe",
        "Dism.exe", "dispdiag.exe", "DisplaySwitch.exe", "djoin.exe", "dllhost.exe", "dllhst3g.exe", "dmcertinst.exe", "dmcfghost.exe",
        "DmNotificationBroker.exe", "DmOmaCpMo.exe", "dnscacheugc.exe", "doskey.exe", "dpapimig.exe", "DpiScaling.exe", "dpnsvr.exe",
        "driverquery.exe", "drvcfg.exe", "drvinst.exe", "DsmUserTask.exe", "dsregcmd.exe", "dstokenclean.exe", "dvdplay.exe", "dwm.exe", "DWWIN.EXE",
        "dxdiag.exe", "dxgiadaptercache.exe", "Dxpserver.exe", "Eap3Host.exe", "EaseOfAccessDialog.exe", "easinvoker.exe", "EDPCleanup.exe",
        "edpnotify.exe", "efsui.exe", "EhStorAuthn.exe", "escUnattend.exe", "esentutl.exe", "eudcedit.exe", "eventcreate.exe", "eventvwr.exe",
        "eventvwr.msc", "expand.exe", "explorer.exe", "extrac32.exe", "fc.exe", "find.exe", "findstr.exe", "finger.exe", "Firewall.cpl",
        "fixmapi.exe", "fltMC.exe", "fodhelper.exe", "Fondue.exe", "fontdrvhost.exe", "fontview.exe", "forfiles.exe", "format.com", "fsavailux.exe",
        "FsIso.exe", "fsmgmt.msc", "fsquirt.exe", "fsutil.exe", "ftp.exe", "fvenotify.exe", "fveprompt.exe", "gatherNetworkInfo.vbs",
        "GenValObj.exe", "getmac.exe", "gpedit.msc", "gpresult.exe", "gpscript.exe", "gpupdate.exe", "grpconv.exe", "hdwwiz.cpl", "hdwwiz.exe",
        "help.exe", "HelpPane.exe", "hh.exe", "HOSTNAME.EXE", "hvax64.exe", "hvix64.exe", "iashost.exe", "icacls.exe", "IcsEntitlementHost.exe",
        "icsunattend.exe", "ie4uinit.exe", "ie4ushowIE.exe", "ieUnatt.exe", "iexpress.exe", "immersivetpmvscmgrsvr.exe", "inetcpl.cpl",
        "InfDefaultInstall.exe", "intl.cpl", "ipconfig.exe", "iscsicli.exe", "iscsicpl.exe", "isoburn.exe", "joy.cpl", "klist.exe", "ksetup.exe",
        "ktmutil.exe", "ktpass.exe", "label.exe", "LanguageComponentsInstallerComHandler.exe", "LaunchTM.exe", "LaunchWinApp.exe", "LbfoAdmin.exe",
        "LegacyNetUXHost.exe", "LicenseManagerShellext.exe", "licensingdiag.exe", "LicensingUI.exe", "LocationNotificationWindows.exe",
        "Locator.exe", "LockAppHost.exe", "LockScreenContentServer.exe", "lodctr.exe", "logagent.exe", "logman.exe", "logoff.exe", "LogonUI.exe",
        "lpkinstall.exe", "lpksetup.exe", "lpremove.exe", "LsaIso.exe", "lsass.exe", "lusrmgr.msc", "Magnify.exe", "main.cpl", "makecab.exe",
        "manage-bde.exe", "manage-bde.wsf", "mavinject.exe", "MbaeParserTask.exe", "mblctr.exe", "MBR2GPT.EXE", "mcbuilder.exe", "MDEServer.exe",
        "MDMAgent.exe", "MDMAppInstaller.exe", "MdmDiagnosticsTool.exe", "MdRes.exe", "MdSched.exe", "mfpmp.exe", "Microsoft.Uev.CscUnpinTool.exe",
        "Microsoft.Uev.SyncController.exe", "MicrosoftEdgeCP.exe", "MicrosoftEdgeSH.exe", "mmc.exe", "mmgaserver.exe", "mmsys.cpl", "mobsync.exe",
        "mode.com", "mofcomp.exe", "more.com", "mountvol.exe", "mpnotify.exe", "MpSigStub.exe", "MRINFO.EXE", "MSchedExe.exe", "msconfig.exe",
        "msdt.exe", "msdtc.exe", "msfeedssync.exe", "msg.exe", "mshta.exe", "msiexec.exe", "msinfo32.exe", "mspaint.exe", "MsSpellCheckingHost.exe",
        "mstsc.exe", "mtstocom.exe", "MuiUnattend.exe", "MultiDigiMon.exe", "MusNotification.exe", "MusNotificationUx.exe", "MusNotifyIcon.exe",
        "Narrator.exe", "nbtstat.exe", "ncpa.cpl", "ndadmin.exe", "net.exe", "net1.exe", "netbtugc.exe", "netcfg.exe", "NetCfgNotifyObjectHost.exe",
        "netdom.exe", "NetEvtFwdr.exe", "NetHost.exe", "netiougc.exe", "Netplwiz.exe", "netsh.exe", "NETSTAT.EXE", "newdev.exe", "nltest.exe",
        "notepad.exe", "nslookup.exe", "ntoskrnl.exe", "ntprint.exe", "odbcad32.exe", "odbcconf.exe", "omadmclient.exe", "omadmprc.exe",
        "openfiles.exe", "OpenWith.exe", "OptionalFeatures.exe", "osk.exe", "pacjsworker.exe", "PackagedCWALauncher.exe", "PackageInspector.exe",
        "PasswordOnWakeSettingFlyout.exe", "PATHPING.EXE", "pcalua.exe", "pcaui.exe", "pcwrun.exe", "perfmon.exe", "perfmon.msc",
        "phoneactivate.exe", "PickerHost.exe", "PING.EXE", "PkgMgr.exe", "PktMon.exe", "plasrv.exe", "PnPUnattend.exe", "pnputil.exe", "poqexec.exe",
        "powercfg.cpl", "powercfg.exe", "powershell.exe", "powershell_ise.exe", "PresentationHost.exe", "PresentationSettings.exe", "prevhost.exe",
        "print.exe", "PrintBrmUi.exe", "printfilterpipelinesvc.exe", "PrintIsolationHost.exe", "printmanagement.msc", "printui.exe", "proquota.exe",
        "prproc.exe", "psr.exe", "pwlauncher.exe", "qappsrv.exe", "qprocess.exe", "query.exe", "quser.exe", "qwinsta.exe", "rasautou.exe",
        "rasdial.exe", "rasphone.exe", "rdpclip.exe", "rdpinit.exe", "rdpinput.exe", "RdpSa.exe", "RdpSaProxy.exe", "RdpSaUacHelper.exe",
        "rdpshell.exe", "rdpsign.exe", "rdrleakdiag.exe", "RDSPnf.exe", "RDVGHelper.exe", "ReAgentc.exe", "recover.exe", "RecoveryDrive.exe",
        "refsutil.exe", "reg.exe", "regedit.exe", "regedt32.exe", "regini.exe", "Register-CimProvider.exe", "regsvr32.exe", "rekeywiz.exe",
        "relog.exe", "RelPost.exe", "RemotePosWorker.exe", "repair-bde.exe", "replace.exe", "reset.exe", "ResetEngine.exe", "resmon.exe",
        "RMActivate.exe", "RMActivate_isv.exe", "RMActivate_ssp.exe", "RMActivate_ssp_isv.exe", "RmClient.exe", "rmttpmvscmgrsvr.exe",
        "Robocopy.exe", "ROUTE.EXE", "RpcPing.exe", "rrinstaller.exe", "rsop.msc", "rsopprov.exe", "runas.exe", "rundll32.exe", "runexehelper.exe",
        "RunLegacyCPLElevated.exe", "runonce.exe", "RuntimeBroker.exe", "rwinsta.exe", "sacsess.exe", "sc.exe", "schtasks.exe", "sconfig.cmd",
        "scrcons.exe", "SCregEdit.wsf", "ScriptRunner.exe", "sdbinst.exe", "sdiagnhost.exe", "SDNDiagnosticsTask.exe", "SearchFilterHost.exe",
        "SearchIndexer.exe", "SearchProtocolHost.exe", "SecEdit.exe", "secinit.exe", "secpol.msc", "securekernel.exe", "SecurityHealthService.exe",
        "SecurityHealthSystray.exe", "SensorDataService.exe", "ServerManager.exe", "ServerManagerLauncher.exe", "services.exe", "services.msc",
        "sessionmsg.exe", "sethc.exe", "setres.exe", "setspn.exe", "SettingSyncHost.exe", "setupcl.exe", "setupugc.exe", "setx.exe", "sfc.exe",
        "SgrmBroker.exe", "SgrmLpac.exe", "shrpubw.exe", "shutdown.exe", "sigverif.exe", "SIHClient.exe", "sihost.exe", "silcollector.cmd",
        "SlideToShutDown.exe", "slmgr.vbs", "slui.exe", "smartscreen.exe", "smss.exe", "SndVol.exe", "SnippingTool.exe", "snmptrap.exe", "sort.exe",
        "SpaceAgent.exe", "spaceman.exe", "SpatialAudioLicenseSrv.exe", "splwow64.exe", "spoolsv.exe", "SppExtComObj.Exe", "sppsvc.exe",
        "SrvInitConfig.exe", "stordiag.exe", "subst.exe", "svchost.exe", "sxstrace.exe", "SyncAppvPublishingServer.exe",
        "SyncAppvPublishingServer.vbs", "SyncHost.exe", "sysdm.cpl", "SysResetErr.exe", "systeminfo.exe", "SystemPropertiesAdvanced.exe",
        "SystemPropertiesComputerName.exe", "SystemPropertiesDataExecutionPrevention.exe", "SystemPropertiesHardware.exe",
        "SystemPropertiesPerformance.exe", "SystemPropertiesProtection.exe", "SystemPropertiesRemote.exe", "systemreset.exe",
        "SystemSettingsAdminFlows.exe", "SystemSettingsBroker.exe", "SystemSettingsRemoveDevice.exe", "SystemUWPLauncher.exe", "systray.exe",
        "tabcal.exe", "TabletPC.cpl", "takeown.exe", "tapimgmt.msc", "TapiUnattend.exe", "tar.exe", "taskhostw.exe", "taskkill.exe", "tasklist.exe",
        "Taskmgr.exe", "taskschd.msc", "tcblaunch.exe", "tcmsetup.exe", "TCPSVCS.EXE", "telephon.cpl", "ThumbnailExtractionHost.exe",
        "TieringEngineService.exe", "timedate.cpl", "timeout.exe", "TokenBrokerCookies.exe", "tpm.msc", "TpmInit.exe", "tpmvscmgr.exe",
        "tpmvscmgrsvr.exe", "tracerpt.exe", "TRACERT.EXE", "tree.com", "tscon.exe", "tsdiscon.exe", "tsecimp.exe", "tskill.exe", "TSTheme.exe",
        "TSWbPrxy.exe", "ttdinject.exe", "tttracer.exe", "typeperf.exe", "tzsync.exe", "tzutil.exe", "ucsvc.exe", "UevAgentPolicyGenerator.exe",
        "UevAppMonitor.exe", "UevTemplateBaselineGenerator.exe", "UevTemplateConfigItemGenerator.exe", "UIMgrBroker.exe", "unlodctr.exe",
        "unregmp2.exe", "unsecapp.exe", "upfc.exe", "UpgradeResultsUI.exe", "upnpcont.exe", "UserAccountBroker.exe",
        "UserAccountControlSettings.exe", "userinit.exe", "UsoClient.exe", "Utilman.exe", "VaultCmd.exe", "vds.exe", "vdsldr.exe", "verclsid.exe",
        "verifier.exe", "verifiergui.exe", "vssadmin.exe", "VSSUIRUN.exe", "VSSVC.exe", "w32tm.exe", "waitfor.exe", "WallpaperHost.exe",
        "wbadmin.msc", "wbemtest.exe", "WebCache.exe", "wecutil.exe", "WerFault.exe", "WerFaultSecure.exe", "wermgr.exe", "wevtutil.exe",
        "wextract.exe", "WF.msc", "where.exe", "whoami.exe", "wiaacmgr.exe", "wiawow64.exe", "wimserv.exe", "win32calc.exe",
        "WinBioDataModelOOBE.exe", "Windows.Media.BackgroundPlayback.exe", "Windows.WARP.JITService.exe", "WindowsActionDialog.exe",
        "WindowsUpdateElevatedInstaller.exe", "winhlp32.exe", "wininit.exe", "winload.exe", "winlogon.exe", "WinMgmt.exe", "winresume.exe",
        "winrm.cmd", "winrm.vbs", "winrs.exe", "winrshost.exe", "WinSAT.exe", "winver.exe", "wkspbroker.exe", "wksprt.exe", "wlbadmin.msc",
        "wlrmdr.exe", "WMIADAP.exe", "WmiApSrv.exe", "WMIC.exe", "WmiMgmt.msc", "WmiPrvSE.exe", "WMPDMC.exe", "wowreg32.exe", "WPDShextAutoplay.exe",
        "wpr.exe", "write.exe", "WSCollect.exe", "wscript.exe", "WSManHTTPConfig.exe", "wsmprovhost.exe", "wsqmcons.exe", "WSReset.exe",
        "wuapihost.exe", "wuauclt.exe", "WUDFCompanionHost.exe", "WUDFHost.exe", "wusa.exe", "WWAHost.exe", "xcopy.exe", "xpsrchvw.exe",
        "xwizard.exe",
        // The OpenSSH client's folder.
        "scp.exe", "sftp.exe", "ssh.exe", "ssh-add.exe", "ssh-agent.exe", "ssh-keygen.exe", "ssh-keyscan.exe",
    ];

    // The few that are not System32's, as the profile places them: the Windows folder's and the Wbem folder's.
    private static readonly HashSet<string> InWindowsFolder = new(StringComparer.OrdinalIgnoreCase)
    {
        "bfsvc.exe", "explorer.exe", "HelpPane.exe", "hh.exe", "notepad.exe", "regedit.exe", "splwow64.exe", "winhlp32.exe", "write.exe",
    };

    private static readonly HashSet<string> InWbemFolder = new(StringComparer.OrdinalIgnoreCase)
    {
        "mofcomp.exe", "scrcons.exe", "unsecapp.exe", "wbemtest.exe", "WinMgmt.exe", "WMIADAP.exe", "WmiApSrv.exe", "WMIC.exe", "WmiPrvSE.exe",
    };

    /// <summary>The folder of the PATH a program file is in, as the PATH writes it (C:\Windows\system32 for most).</summary>
    public static string Folder(string file) =>
        InWindowsFolder.Contains(file) ? @"C:\Windows" : InWbemFolder.Contains(file) ? @"C:\Windows\System32\Wbem"
        : file.StartsWith("ssh", StringComparison.OrdinalIgnoreCase) || file is "scp.exe" or "sftp.exe" ? @"C:\Windows\System32\OpenSSH" : @"C:\Windows\system32";

    // PATHEXT's order: the extension PowerShell and cmd try first for a bare name.
    private static readonly string[] PathExtensions = [".com", ".exe", ".bat", ".cmd", ".vbs", ".vbe", ".js", ".jse", ".wsf", ".wsh", ".msc", ".cpl"];

    private static readonly Dictionary<string, string> ByName = OnPath.ToDictionary(p => p, p => p, StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="name"/> has one of PATHEXT's extensions.</summary>
    public static bool HasPathExtension(string name) => Array.Exists(PathExtensions, e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase) && name.Length > e.Length);

    /// <summary>
    /// The program file a name finds on the PATH, as the disk spells it: the name itself when it has an extension, else
    /// the first of PATHEXT's extensions the folder has (slmgr: slmgr.vbs); null for another name.
    /// </summary>
    public static string? Find(string name)
    {
        if (HasPathExtension(name)) return ByName.GetValueOrDefault(name);
        foreach (var extension in PathExtensions)
        {
            if (ByName.TryGetValue(name + extension, out var file)) return file;
        }

        return null;
    }
}
