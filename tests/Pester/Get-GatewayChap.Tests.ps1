# Get-GatewayChap as a user drives it, against the Storage Gateway double: audits by target, by gateway, by region.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $sgw = @{ EndpointUrl = (Get-StorageGatewayDoubleUrl); AccessKey = $TestAccessKey; SecretKey = $TestSecretKey }
    $region = 'sa-east-1'
    $stored = New-TestGateway -Region $region -Volume @(
        @{ target = (New-UniqueName 'open') },
        @{ target = (New-UniqueName 'oneway'); chap = @(@{ initiator = 'iqn.1991-05.com.microsoft:a'; initiatorSecret = 'AuditSecret-1' }) },
        @{ target = (New-UniqueName 'mutual'); chap = @(
            @{ initiator = 'iqn.1991-05.com.microsoft:a'; initiatorSecret = 'AuditSecret-2'; targetSecret = 'AuditTarget-2' },
            @{ initiator = 'iqn.1991-05.com.microsoft:b'; initiatorSecret = 'AuditSecret-3' }) })
    $cached = New-TestGateway -Region $region -Type CACHED -Volume @{ target = (New-UniqueName 'cached') }
    $tape = New-TestGateway -Region $region -Type VTL
}

Describe 'Get-GatewayChap' {
    BeforeEach { $sandbox = Enter-AwsSandbox }
    AfterEach { Exit-AwsSandbox $sandbox }

    It 'audits a gateway with several volumes: every target, CHAP set or not, mutual or not' {
        $result = @(Get-GatewayChap @sgw -GatewayArn $stored.GatewayARN)
        $result.Count | Should -Be 4
        $result | Should -BeOfType ([AwsGuard.ChapCredential])
        $open = $result | Where-Object TargetArn -EQ $stored.Volumes[0].TargetARN
        $open.ChapEnabled | Should -BeFalse
        $open.InitiatorName | Should -BeNullOrEmpty
        $open.VolumeArn | Should -Be $stored.Volumes[0].VolumeARN
        ($result | Where-Object TargetArn -EQ $stored.Volumes[1].TargetARN).MutualChap | Should -BeFalse
        $mutual = $result | Where-Object TargetArn -EQ $stored.Volumes[2].TargetARN | Sort-Object InitiatorName
        $mutual.MutualChap | Should -Be @($true, $false)
        $result.GatewayArn | Select-Object -Unique | Should -Be $stored.GatewayARN
    }

    It 'audits every gateway of the region, naming tape gateways in a warning' {
        $result = @(Get-GatewayChap @sgw -Region $region -WarningVariable warnings -WarningAction SilentlyContinue)
        $result.TargetArn | Should -Contain $stored.Volumes[2].TargetARN
        $result.TargetArn | Should -Contain $cached.Volumes[0].TargetARN
        ($warnings -join "`n") | Should -Match ([regex]::Escape($tape.GatewayARN) + ' is a tape gateway')
    }

    It 'needs a region to list every gateway, and says where it looked' {
        { Get-GatewayChap @sgw -ErrorAction Stop } | Should -Throw -ErrorId 'NoRegion,AwsGuard.Commands.GetGatewayChapCommand'
    }

    It 'takes target ARNs and gateway objects by property name' {
        @(Get-GatewayChap @sgw -TargetArn $stored.Volumes[1].TargetARN).InitiatorName | Should -Be 'iqn.1991-05.com.microsoft:a'
        $viaGateway = @([pscustomobject]@{ GatewayARN = $cached.GatewayARN; GatewayName = 'as AWS.Tools has it' } | Get-GatewayChap @sgw)
        $viaGateway.TargetArn | Should -Be $cached.Volumes[0].TargetARN
    }

    It 'writes a clear error for a gateway that does not exist, and goes on' {
        $missing = $stored.GatewayARN -replace 'sgw-\w+$', 'sgw-00000000'
        $result = @(Get-GatewayChap @sgw -GatewayArn $missing, $cached.GatewayARN -ErrorVariable failures -ErrorAction SilentlyContinue)
        $failures[0].FullyQualifiedErrorId | Should -Be 'GatewayNotFound,AwsGuard.Commands.GetGatewayChapCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].TargetObject | Should -Be $missing
        $result.TargetArn | Should -Be $cached.Volumes[0].TargetARN
    }

    It 'keeps the secrets as SecureStrings that no view shows' {
        $result = Get-GatewayChap @sgw -TargetArn $stored.Volumes[2].TargetARN
        $result[0].InitiatorSecret | Should -BeOfType ([securestring])
        $result | Get-Member -MemberType Property | Where-Object Definition -Match '^string .*Secret' | Should -BeNullOrEmpty
        $shown = ($result | Out-String) + ($result | Format-List * | Out-String) + ($result | ConvertTo-Json | Out-String) + "$($result[0])"
        foreach ($secret in 'AuditSecret-2', 'AuditTarget-2', 'AuditSecret-3') { $shown | Should -Not -Match $secret }
        ($result | Out-String) | Should -Match 'TargetName\s+Chap\s+Mutual\s+InitiatorName'
    }

    It 'does nothing for an empty pipeline: <Case>' -TestCases @(
        @{ Case = '@()'; Source = { @() } }
        @{ Case = 'Where-Object filtering every gateway out'; Source = { [pscustomobject]@{ GatewayARN = $stored.GatewayARN } | Where-Object GatewayARN -Like 'none*' } }
    ) {
        $before = Get-DoubleRequestCount
        @(& $Source | Get-GatewayChap @sgw -Region $region).Count | Should -Be 0
        Get-DoubleRequestCount | Should -Be $before
    }
}
