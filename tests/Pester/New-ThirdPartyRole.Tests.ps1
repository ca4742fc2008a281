# New-ThirdPartyRole as a user drives it against moto's IAM: the seed's scenario read back by the AWS CLI and judged by
# Get-RoleTrust, -WhatIf, and bad input refused before any AWS call.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $local = Get-LocalAwsParameters
    $env:AWS_ACCESS_KEY_ID = $TestAccessKey; $env:AWS_SECRET_ACCESS_KEY = $TestSecretKey; $env:AWS_DEFAULT_REGION = 'us-east-1'
    $ec2 = 'ec2:DescribeInstances', 'ec2:StartInstances', 'ec2:StopInstances'

    function Invoke-Iam([string[]] $Arguments) {
        $output = & aws --endpoint-url $local.EndpointUrl iam @Arguments --output json 2>&1
        if ($LASTEXITCODE) { throw "aws iam $($Arguments[0]) failed: $output" }
        $output | Out-String | ConvertFrom-Json
    }
}

Describe 'New-ThirdPartyRole' {
    It 'creates the third party''s EC2 role as intended, and Get-RoleTrust finds nothing High in it' {
        $name = New-UniqueName 'pester-vendor-'
        $warnings = @()
        $role = New-ThirdPartyRole -RoleName $name -ThirdPartyAccountId 999988887777 -ThirdPartyExternalId 'Vendor-8c1f+2e' -Action $ec2 `
            -MaxSessionDuration 2h -Tag @{ vendor = 'scheduler' } -Confirm:$false @local -WarningVariable warnings -WarningAction SilentlyContinue
        $role | Should -BeOfType ([AwsGuard.ThirdPartyRole])
        $role.RoleArn | Should -Be "arn:aws:iam::123456789012:role/$name"
        $role.ExternalId | Should -BeExactly 'Vendor-8c1f+2e'
        ($warnings -join "`n") | Should -Match 'ec2:StartInstances, ec2:StopInstances may change every resource'

        $read = (Invoke-Iam @('get-role', '--role-name', $name)).Role
        $statement = @($read.AssumeRolePolicyDocument.Statement)
        $statement.Count | Should -Be 1
        $statement[0].Principal.AWS | Should -Be 'arn:aws:iam::999988887777:root'
        $statement[0].Action | Should -Be 'sts:AssumeRole'
        $statement[0].Condition.StringEquals.'sts:ExternalId' | Should -BeExactly 'Vendor-8c1f+2e'
        $read.MaxSessionDuration | Should -Be 7200
        ($read.Tags | Where-Object Key -EQ 'vendor').Value | Should -Be 'scheduler'
        (Invoke-Iam @('list-role-policies', '--role-name', $name)).PolicyNames | Should -Be @('ThirdPartyAccess')
        $permission = (Invoke-Iam @('get-role-policy', '--role-name', $name, '--policy-name', 'ThirdPartyAccess')).PolicyDocument
        @($permission.Statement).Count | Should -Be 1
        $permission.Statement[0].Action | Should -Be $ec2
        $permission.Statement[0].Resource | Should -Be '*'
        $permission | ConvertTo-Json -Depth 10 -Compress | Should -Be ($role.PermissionPolicy | ConvertFrom-Json | ConvertTo-Json -Depth 10 -Compress)

        $trust = Get-RoleTrust $name @local
        $trust.Relationship | Should -Be 'External'
        $trust.ExternalIdRequired | Should -BeTrue
        $trust.Risk | Should -BeIn 'None', 'Low', 'Medium'
    }

    It 'prints both policy documents under -WhatIf and creates nothing' {
        $name = New-UniqueName 'pester-vendor-'
        $text = Get-HostText { New-ThirdPartyRole $name -ThirdPartyAccountId 999988887777 -ThirdPartyExternalId 'Vendor-8c1f2e' -Action $ec2 -WhatIf @local }
        $text | Should -Match 'Trust policy:'
        $text | Should -Match '"sts:ExternalId": "Vendor-8c1f2e"'
        $text | Should -Match 'Permission policy \(ThirdPartyAccess\):'
        $text | Should -Match '"ec2:StopInstances"'
        & aws --endpoint-url $local.EndpointUrl iam get-role --role-name $name 2>&1 | Out-String | Should -Match 'NoSuchEntity'
    }

    It 'refuses <Case> before any AWS call' -TestCases @(
        @{ Case = 'an account id of 11 digits'; Arguments = @{ ThirdPartyAccountId = '99998888777'; ThirdPartyExternalId = 'Vendor-8c1f2e'; Action = 'ec2:StartInstances' }; Id = 'InvalidAccountId' }
        @{ Case = 'an empty external id'; Arguments = @{ ThirdPartyAccountId = '999988887777'; ThirdPartyExternalId = ''; Action = 'ec2:StartInstances' }; Id = 'InvalidExternalId' }
        @{ Case = 'an external id with a space'; Arguments = @{ ThirdPartyAccountId = '999988887777'; ThirdPartyExternalId = 'has space'; Action = 'ec2:StartInstances' }; Id = 'InvalidExternalId' }
        @{ Case = 'a wildcard action'; Arguments = @{ ThirdPartyAccountId = '999988887777'; ThirdPartyExternalId = 'Vendor-8c1f2e'; Action = 'ec2:*' }; Id = 'WildcardAction' }
        @{ Case = 'an action without a service'; Arguments = @{ ThirdPartyAccountId = '999988887777'; ThirdPartyExternalId = 'Vendor-8c1f2e'; Action = 'StartInstances' }; Id = 'InvalidAction' }
    ) {
        $name = New-UniqueName 'pester-vendor-'
        # Nothing listens on the endpoint: any AWS call would fail as ConnectionFailed instead.
        $failure = $null
        try { New-ThirdPartyRole $name @Arguments -Confirm:$false @local -EndpointUrl 'http://127.0.0.1:9/' } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -Match "^$Id,"
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'takes -MaxSessionDuration as typed (<Value>) and refuses less than an hour' -TestCases @(
        @{ Value = '90m'; Seconds = 5400 }, @{ Value = '14400'; Seconds = 14400 }, @{ Value = '03:00:00'; Seconds = 10800 }
    ) {
        $name = New-UniqueName 'pester-vendor-'
        New-ThirdPartyRole $name -ThirdPartyAccountId 999988887777 -ThirdPartyExternalId 'Vendor-8c1f2e' -Action ec2:DescribeInstances -MaxSessionDuration $Value -Confirm:$false @local | Out-Null
        (Invoke-Iam @('get-role', '--role-name', $name)).Role.MaxSessionDuration | Should -Be $Seconds
        { New-ThirdPartyRole $name -ThirdPartyAccountId 999988887777 -ThirdPartyExternalId 'Vendor-8c1f2e' -Action ec2:DescribeInstances -MaxSessionDuration 30m -Confirm:$false @local } |
            Should -Throw -ErrorId 'ParameterArgumentTransformationError,AwsGuard.Commands.NewThirdPartyRoleCommand'
    }

    It 'refuses a role name that exists as ResourceExists and changes nothing' {
        $name = New-UniqueName 'pester-vendor-'
        New-ThirdPartyRole $name -ThirdPartyAccountId 999988887777 -ThirdPartyExternalId 'Vendor-8c1f2e' -Action ec2:DescribeInstances -Confirm:$false @local | Out-Null
        $failure = $null
        try { New-ThirdPartyRole $name -ThirdPartyAccountId 111100002222 -ThirdPartyExternalId 'other-id' -Action s3:GetObject -Confirm:$false @local -ErrorAction Stop } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -Match '^EntityAlreadyExists'
        $failure.CategoryInfo.Category | Should -Be 'ResourceExists'
        (Invoke-Iam @('get-role', '--role-name', $name)).Role.AssumeRolePolicyDocument.Statement[0].Principal.AWS | Should -Be 'arn:aws:iam::999988887777:root'
    }

    It 'shows its result in a table within 80 columns' {
        $name = New-UniqueName 'pester-vendor-'
        $lines = New-ThirdPartyRole $name -ThirdPartyAccountId 999988887777 -ThirdPartyExternalId 'Vendor-8c1f2e' -Action ec2:DescribeInstances -Confirm:$false @local |
            Format-Table | Out-String -Width 80 -Stream | Where-Object { $_.Trim() }
        $lines[0] | Should -Match '^ExternalId\s+RoleArn'
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
    }
}

Describe 'New-ThirdPartyRole per piped account' {
    It 'creates the role in each piped account through its own role; an account where it exists is its own error' {
        $org = New-TestOrganization -Accounts 2 -BucketsPerAccount 0 -PublicPerAccount 0
        $management = $org.ManagementSession
        $members = @($org.Members.AccountId)
        $name = New-UniqueName 'pester-vendor-'
        $vendor = @{ ThirdPartyAccountId = 999988887777; ThirdPartyExternalId = 'Vendor-8c1f2e'; Action = $ec2; Confirm = $false }
        $first = New-ThirdPartyRole $name @vendor -AssumeRoleArn "arn:aws:iam::$($members[0]):role/OrganizationAccountAccessRole" @management
        $first.AccountId | Should -Be $members[0]
        $created = @(Get-AwsGuardAccount -RoleName OrganizationAccountAccessRole -AccountId $members @management |
                New-ThirdPartyRole $name @vendor @management -ErrorVariable failed -ErrorAction SilentlyContinue)
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'EntityAlreadyExists*'
        $created.AccountId | Should -Be $members[1] -Because 'the account after the failing one goes on'
        $created.RoleArn | Should -Be "arn:aws:iam::$($members[1]):role/$name"
        foreach ($member in $members) {
            $read = @(Get-RoleTrust $name -AssumeRoleArn "arn:aws:iam::${member}:role/OrganizationAccountAccessRole" @management)
            $read.AccountId | Should -Be $member
            $read.TrustedAccountId | Should -Be '999988887777'
        }
        { Get-RoleTrust $name @management -ErrorAction Stop } | Should -Throw -ErrorId 'NoSuchEntity,*' -Because 'the caller''s own account was not piped'
    }
}
