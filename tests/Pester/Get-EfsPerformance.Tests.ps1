# Get-EfsPerformance as a user drives it, against moto: file systems made and metrics put with the AWS CLI.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $region = 'eu-south-1'
    $local = Get-LocalAwsParameters
    $local.Region = $region
    $noRegion = $local.Clone(); $noRegion.Remove('Region')
    $env:AWS_ACCESS_KEY_ID = $TestAccessKey; $env:AWS_SECRET_ACCESS_KEY = $TestSecretKey
    function New-TestFileSystem([string] $Name, [string[]] $Arguments) {
        & aws --endpoint-url $local.EndpointUrl --region $region efs create-file-system --creation-token (New-UniqueName $Name) `
            --tags "Key=Name,Value=$Name" --query FileSystemId --output text @Arguments
    }
    $maxIo = New-TestFileSystem 'maxio' '--performance-mode', 'maxIO'
    $empty = New-TestFileSystem 'empty' @()
    $quiet = New-TestFileSystem 'quiet' @()
    $elsewhere = & aws --endpoint-url $local.EndpointUrl --region 'ap-northeast-3' efs create-file-system --creation-token (New-UniqueName 'far') --query FileSystemId --output text
    $at = [DateTime]::UtcNow.AddHours(-2).ToString('yyyy-MM-ddTHH:mm:ssZ')
    $data = ConvertTo-Json -Compress -Depth 5 @(
        @{ MetricName = 'BurstCreditBalance'; Dimensions = @(@{ Name = 'FileSystemId'; Value = $empty }); Timestamp = $at; Value = 0 }
        @{ MetricName = 'PercentIOLimit'; Dimensions = @(@{ Name = 'FileSystemId'; Value = $empty }); Timestamp = $at; Value = 12 })
    $null = & aws --endpoint-url $local.EndpointUrl --region $region cloudwatch put-metric-data --namespace AWS/EFS --metric-data $data
    function Get-CallCount([scriptblock] $Script, [string] $Operation) {
        @(& $Script 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -match "^AWS \S+ $Operation " }).Count
    }
}

Describe 'Get-EfsPerformance' {
    It 'judges every file system of the region, each with its account, region and reasons' {
        $result = @(Get-EfsPerformance @local -Days 1)
        $result | Should -BeOfType ([AwsGuard.EfsPerformance])
        $byId = @{}; foreach ($r in $result) { $byId[$r.FileSystemId] = $r }
        $byId[$maxIo].Recommendation | Should -Be 'MigrateToGeneralPurpose'
        $byId[$maxIo].Reasons -join ' ' | Should -Match 'DataSync'
        $byId[$empty].Recommendation | Should -Be 'UseElasticThroughput'
        $byId[$empty].Reasons -join ' ' | Should -Match 'fell to 0 B over 1 days'
        $byId[$empty].PercentIOLimitMax | Should -Be 12
        $byId[$quiet].Recommendation | Should -Be 'InsufficientData'
        $byId[$quiet].AccountId | Should -Be '123456789012'
        $byId[$quiet].Region | Should -Be $region
        $byId[$quiet].Name | Should -Be 'quiet'
    }

    It 'binds ids by value and by property name, and reads a repeated id once' {
        @($maxIo | Get-EfsPerformance @local).Recommendation | Should -Be 'MigrateToGeneralPurpose'
        @([pscustomobject]@{ FileSystemId = $empty } | Get-EfsPerformance @local).FileSystemId | Should -Be $empty
        $again = @(Get-EfsPerformance @local -FileSystemId $quiet | Get-EfsPerformance @local)
        $again.FileSystemId | Should -Be $quiet
        Get-CallCount { Get-EfsPerformance @local -FileSystemId $quiet, $quiet, $maxIo -Verbose } 'DescribeFileSystems' | Should -Be 2
        Get-CallCount { Get-EfsPerformance @local -FileSystemId $quiet, $maxIo -Verbose } 'GetMetricData' | Should -Be 1
    }

    It 'refuses a malformed id before any call and goes on with the others' {
        $calls = @(Get-EfsPerformance @local -FileSystemId 'fs-nothex!' -Verbose -ErrorVariable failures -ErrorAction SilentlyContinue 4>&1)
        $calls | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -match '^AWS ' } | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -Be 'InvalidFileSystemId,AwsGuard.Commands.GetEfsPerformanceCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $result = @(Get-EfsPerformance @local -FileSystemId 'bad', $maxIo -ErrorAction SilentlyContinue)
        $result.FileSystemId | Should -Be $maxIo
    }

    It 'writes FileSystemNotFound for a file system that does not exist, and goes on' {
        $result = @(Get-EfsPerformance @local -FileSystemId 'fs-0000000000000000', $maxIo -ErrorVariable failures -ErrorAction SilentlyContinue)
        $failures[0].FullyQualifiedErrorId | Should -Be 'FileSystemNotFound,AwsGuard.Commands.GetEfsPerformanceCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].TargetObject | Should -Be 'fs-0000000000000000'
        $result.FileSystemId | Should -Be $maxIo
    }

    It 'refuses <Case> before any call' -TestCases @(
        @{ Case = '-Region with -AllRegions'; Script = { Get-EfsPerformance @local -AllRegions -ErrorAction Stop }; Id = 'RegionWithAllRegions' }
        @{ Case = 'an id with -AllRegions'; Script = { Get-EfsPerformance $maxIo @noRegion -AllRegions -ErrorAction Stop }; Id = 'FileSystemIdWithAllRegions' }
        @{ Case = '-Days 0'; Script = { Get-EfsPerformance @local -Days 0 -ErrorAction Stop }; Id = 'ParameterArgumentValidationError' }
    ) {
        { & $Script } | Should -Throw -ErrorId "$Id,AwsGuard.Commands.GetEfsPerformanceCommand"
    }

    It 'reads every region with -AllRegions' {
        # moto answers 500 in the few regions its EFS does not know: those are errors of their own, and the others go on.
        $result = @(Get-EfsPerformance @noRegion -AllRegions -Days 1 -ErrorVariable failures -ErrorAction SilentlyContinue)
        $failures | ForEach-Object { $_.TargetObject | Should -Match '^[a-z]+(-[a-z]+)+-\d$' }
        ($result | Where-Object FileSystemId -EQ $maxIo).Region | Should -Be $region
        ($result | Where-Object FileSystemId -EQ $elsewhere).Region | Should -Be 'ap-northeast-3'
    }

    It 'reads each piped account in its own session, each result with its account; -AllRegions with a piped Region is that record''s error' {
        $org = New-TestOrganization -Accounts 2 -BucketsPerAccount 0 -PublicPerAccount 0
        $members = $org.Members.AccountId
        $management = $org.ManagementSession
        $anyRegion = $management.Clone(); $anyRegion.Remove('Region')
        $expected = foreach ($at in @{ Account = $members[0]; Region = 'us-east-1' }, @{ Account = $members[1]; Region = 'us-west-2' }) {
            $keys = (& aws --endpoint-url $local.EndpointUrl --region us-east-1 sts assume-role --output json --role-session-name efs `
                --role-arn "arn:aws:iam::$($at.Account):role/OrganizationAccountAccessRole" | Out-String | ConvertFrom-Json).Credentials
            $env:AWS_ACCESS_KEY_ID = $keys.AccessKeyId; $env:AWS_SECRET_ACCESS_KEY = $keys.SecretAccessKey; $env:AWS_SESSION_TOKEN = $keys.SessionToken
            try { $id = & aws --endpoint-url $local.EndpointUrl --region $at.Region efs create-file-system --creation-token (New-UniqueName 'member') --query FileSystemId --output text }
            finally { $env:AWS_ACCESS_KEY_ID = $TestAccessKey; $env:AWS_SECRET_ACCESS_KEY = $TestSecretKey; Remove-Item Env:AWS_SESSION_TOKEN }
            "$($at.Account) $($at.Region) $id"
        }

        $perRegion = Get-AwsGuardAccount -RoleName OrganizationAccountAccessRole -AccountId $members -TargetRegion us-east-1, us-west-2 @anyRegion
        @($perRegion | Get-EfsPerformance @anyRegion -Days 1) | ForEach-Object { "$($_.AccountId) $($_.Region) $($_.FileSystemId)" } | Sort-Object |
            Should -Be ($expected | Sort-Object)

        $accounts = Get-AwsGuardAccount -RoleName OrganizationAccountAccessRole -AccountId $members @anyRegion
        @($accounts | Get-EfsPerformance @anyRegion -AllRegions -Days 1 -ErrorAction SilentlyContinue) |
            ForEach-Object { "$($_.AccountId) $($_.Region) $($_.FileSystemId)" } | Sort-Object | Should -Be ($expected | Sort-Object)

        $refused = @($perRegion | Get-EfsPerformance @anyRegion -AllRegions -ErrorVariable failures -ErrorAction SilentlyContinue)
        $refused | Should -BeNullOrEmpty
        $failures.Count | Should -Be $perRegion.Count
        $failures | ForEach-Object { $_.FullyQualifiedErrorId | Should -Be 'RegionWithAllRegions,AwsGuard.Commands.GetEfsPerformanceCommand' }
    }

    It 'does nothing for an empty pipeline: <Case>' -TestCases @(
        @{ Case = '@()'; Source = { @() } }
        @{ Case = 'Where-Object filtering everything out'; Source = { [pscustomobject]@{ FileSystemId = $maxIo } | Where-Object FileSystemId -Like 'none*' } }
    ) {
        Get-CallCount { & $Source | Get-EfsPerformance @local -Verbose } '\S+' | Should -Be 0
    }

    It 'fits its table in 80 columns and writes Reasons as one text to CSV' {
        $result = Get-EfsPerformance @local -FileSystemId $maxIo, $empty
        $lines = $result | Format-Table | Out-String -Width 80 -Stream
        $lines | Where-Object { $_.Length -gt 80 } | Should -BeNullOrEmpty
        $lines -join "`n" | Should -Match 'FileSystemId\s+Mode\s+Throughput\s+IO95%\s+Peak%\s+Recommendation'
        $lines -join "`n" | Should -Match "$maxIo\s+MaxIO\s+bursting\s+MigrateToGeneralPurpose"
        ($result | ConvertTo-Csv | ConvertFrom-Csv | Where-Object FileSystemId -EQ $maxIo).Reasons | Should -Match '^Performance mode is Max I/O'
    }
}
