@{
    RootModule        = 'PsrpEmulator.PowerShell.dll'
    ModuleVersion     = '0.1.0'
    GUID              = '6f0f5a43-3b7e-4d0e-9a51-2f6c1d7b8e21'
    Author            = 'PsrpEmulator'
    Description       = 'PowerShell remoting cmdlets (New-, Get-, Connect-, Disconnect-, Receive-, Remove-PSSession, Invoke-Command) over the PsrpEmulator WS-Man client, for PowerShell 7 on any platform.'
    PowerShellVersion = '7.4'
    CompatiblePSEditions = @('Core')
    CmdletsToExport   = @(
        'New-PSSession', 'Get-PSSession', 'Connect-PSSession', 'Disconnect-PSSession',
        'Receive-PSSession', 'Remove-PSSession', 'Invoke-Command'
    )
    FunctionsToExport = @()
    AliasesToExport   = @()
    VariablesToExport = @()
    FormatsToProcess  = @('PsrpEmulator.PowerShell.format.ps1xml')
}
