@{
    RootModule           = 'AwsGuard.psm1'
    # The build writes the version from Directory.Build.props into the built copy of this file.
    ModuleVersion        = '0.1.0'
    GUID                 = '5d3c8f0e-6b1f-4a58-9d7e-2f4b6c1a9e37'
    Author               = 'AwsGuard contributors'
    CompanyName          = 'AwsGuard'
    Copyright            = '(c) AwsGuard contributors. Apache-2.0.'
    Description          = 'AWS admin cmdlets that are correct where others guess and quiet where others chatter: public S3 buckets and why, CloudWatch Logs as typed events, quiet fast S3 copies, Storage Gateway CHAP, and revoking role sessions.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Core', 'Desktop')
    FormatsToProcess     = @('AwsGuard.Format.ps1xml')
    TypesToProcess       = @('AwsGuard.Types.ps1xml')
    CmdletsToExport      = @('Block-PublicBucket', 'Copy-S3Quiet', 'Get-AwsGuardAccount', 'Get-AwsGuardIdentity', 'Get-CwLogEvent', 'Get-DdosReadiness', 'Get-EfsPerformance', 'Get-GatewayChap', 'Get-PublicBucket', 'Get-PublicBucketGuard', 'Get-RoleTrust', 'Get-VmImportTask', 'Import-VmImage', 'Install-PublicBucketGuard', 'New-ThirdPartyRole', 'Revoke-RoleSession', 'Set-GatewayChap', 'Stop-VmImportTask', 'Test-VmImport', 'Unblock-PublicBucket', 'Uninstall-PublicBucketGuard')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('AWS', 'S3', 'CloudWatch', 'Security', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://www.apache.org/licenses/LICENSE-2.0'
            ProjectUri   = 'https://github.com/awsguard/awsguard'
            ReleaseNotes = 'See README.md.'
        }
    }
}
