# The ErrorIds the help documents are the ones the code raises. The rule: every `AwsGuardException(ErrorKind.X, "Id"`
# in the source, with its kind as the category; a source file belongs to the session (about_AwsGuard lists its ids)
# or to one cmdlet's area (that cmdlet's help lists them in NOTES). AWS failures carry the AWS error code instead,
# which the help describes as a rule, not a list.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $cmdlets = @(Get-Command -Module AwsGuard -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    $root = Join-Path $PSScriptRoot '../..'
    $session = 'src/AwsGuard.Engine/Sessions', 'src/AwsGuard/Commands/SessionBinding.cs', 'src/AwsGuard/Commands/AwsCmdlet.cs',
        'src/AwsGuard.Engine/Errors/AwsErrors.cs', 'src/AwsGuard.Engine/Wire/Json11Protocol.cs',
        'src/AwsGuard.Engine/Wire/RestJsonProtocol.cs'
    $areas = @{
        'Copy-S3Quiet'         = 'src/AwsGuard.Engine/Transfer', 'src/AwsGuard/Commands/CopyS3QuietCommand.cs', 'src/AwsGuard.Contracts/SseCustomerKey.cs'
        'Get-PublicBucket'     = 'src/AwsGuard.Engine/PublicAccess', 'src/AwsGuard.Engine/Policies', 'src/AwsGuard.Engine/Wire/S3ControlClient.cs'
        'Revoke-RoleSession'   = 'src/AwsGuard.Engine/Roles/RoleSessionRevoker.cs', 'src/AwsGuard.Engine/Roles/RoleReference.cs', 'src/AwsGuard/Commands/RevokeRoleSessionCommand.cs'
        'Get-RoleTrust'        = 'src/AwsGuard.Engine/Roles/RoleTrustReader.cs', 'src/AwsGuard.Engine/Roles/RoleReference.cs', 'src/AwsGuard.Engine/Policies'
        'New-ThirdPartyRole'   = 'src/AwsGuard.Engine/Roles/ThirdPartyRolePlan.cs', 'src/AwsGuard.Engine/Roles/ThirdPartyRoleCreator.cs', 'src/AwsGuard.Engine/Roles/RoleReference.cs'
        'Get-CwLogEvent'       = @('src/AwsGuard.Engine/Logs')
        'Set-GatewayChap'      = @('src/AwsGuard.Engine/Gateways/ChapChange.cs')
        'Block-PublicBucket'   = 'src/AwsGuard.Engine/Remediation', 'src/AwsGuard/Commands/BlockPublicBucketCommand.cs', 'src/AwsGuard/Commands/ChangeFolders.cs'
        'Unblock-PublicBucket' = @('src/AwsGuard/Commands/UnblockPublicBucketCommand.cs')
        'Get-GatewayChap'      = @()
        'Get-AwsGuardIdentity' = @()
        'Get-EfsPerformance'   = 'src/AwsGuard.Engine/FileSystems', 'src/AwsGuard/Commands/GetEfsPerformanceCommand.cs'
        'Install-PublicBucketGuard'   = 'src/AwsGuard.Engine/Guard', 'src/AwsGuard/Commands/InstallPublicBucketGuardCommand.cs', 'src/AwsGuard/Commands/PublicBucketGuardCommand.cs'
        'Get-PublicBucketGuard'       = @('src/AwsGuard/Commands/PublicBucketGuardCommand.cs')
        'Uninstall-PublicBucketGuard' = @('src/AwsGuard/Commands/PublicBucketGuardCommand.cs')
        'Test-VmImport'        = 'src/AwsGuard.Engine/VmImport', 'src/AwsGuard/Commands/TestVmImportCommand.cs'
        'Import-VmImage'       = 'src/AwsGuard.Engine/VmImport', 'src/AwsGuard/Commands/ImportVmImageCommand.cs', 'src/AwsGuard/Commands/VmImportFollow.cs'
        'Get-VmImportTask'     = 'src/AwsGuard/Commands/VmImportFollow.cs', 'src/AwsGuard/Commands/GetVmImportTaskCommand.cs'
        'Stop-VmImportTask'    = @()
        'Get-DdosReadiness'    = @('src/AwsGuard.Engine/Ddos')
        'Get-AwsGuardAccount'  = 'src/AwsGuard.Engine/Organizations', 'src/AwsGuard.Engine/Wire/OrganizationsClient.cs'
    }
    $raise = [regex] 'AwsGuardException\(\s*ErrorKind\.(\w+),\s*"(\w+)"'

    function Get-RaisingFile([string[]] $Paths) {
        # An empty path would be the repository's root, which holds every file.
        foreach ($path in $Paths | Where-Object { $_ }) { Get-ChildItem (Join-Path $root $path) -Recurse -Filter *.cs | Where-Object { $raise.IsMatch((Get-Content $_ -Raw)) } }
    }
    function Get-RaisedId([string[]] $Paths) {
        # "Id (Category)" per id, categories joined with / when one id has several, as the help writes them.
        $found = @{}
        foreach ($file in Get-RaisingFile $Paths) {
            foreach ($match in $raise.Matches((Get-Content $file -Raw))) { $found[$match.Groups[2].Value] += @($match.Groups[1].Value) }
        }
        foreach ($id in $found.Keys | Sort-Object) { "$id ($(($found[$id] | Sort-Object -Unique) -join '/'))" }
    }
    function ConvertFrom-IdList([string] $Text) {
        if ($Text -eq 'none') { return @() }
        @($Text -replace '\s+', ' ' -split ', ' | Sort-Object)
    }
}

Describe 'Documented ErrorIds' {
    It 'assigns every file that raises an ErrorId to the session or to one cmdlet' {
        # Each area is an array of paths: flatten them, or an area of two paths would become one path joined by a space.
        $assigned = @(Get-RaisingFile ($session + @($areas.Values | ForEach-Object { $_ }))).FullName
        Get-RaisingFile 'src' | Where-Object FullName -NotIn $assigned | Should -BeNullOrEmpty
    }

    It 'lists in about_AwsGuard exactly the session''s ErrorIds' {
        $about = Get-Content (Join-Path $root 'docs/about_AwsGuard.help.txt') -Raw
        $listed = [regex]::Match($about, 'Session ErrorIds: (.*?)\.\r?\n', 'Singleline').Groups[1].Value
        ConvertFrom-IdList $listed | Should -Be @(Get-RaisedId $session)
    }

    It '<Name> has an area and its help lists exactly its ErrorIds' -ForEach $cmdlets {
        $areas.Contains($Name) | Should -BeTrue -Because 'a new cmdlet gets its source area in this test'
        $help = Get-Content (Join-Path $root "docs/help/$Name.md") -Raw
        $listed = [regex]::Match($help, 'ErrorIds of its own: (.*?)\. ').Groups[1].Value
        $listed | Should -Not -BeNullOrEmpty -Because "docs/help/$Name.md says which ErrorIds it raises"
        ConvertFrom-IdList $listed | Should -Be @(Get-RaisedId $areas[$Name])
    }
}
