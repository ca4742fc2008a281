# Get-RoleTrust as a user drives it against moto's IAM: every way to name a role, the default of every role, filters,
# errors per role, the table view, and its output piped into Revoke-RoleSession by property name.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $local = Get-LocalAwsParameters
    $env:AWS_ACCESS_KEY_ID = $TestAccessKey; $env:AWS_SECRET_ACCESS_KEY = $TestSecretKey; $env:AWS_DEFAULT_REGION = 'us-east-1'

    function New-Role([string] $Trust) {
        $name = New-UniqueName 'pester-trust-'
        $output = & aws --endpoint-url $local.EndpointUrl iam create-role --role-name $name --assume-role-policy-document $Trust --output json 2>&1
        if ($LASTEXITCODE) { throw "aws iam create-role failed: $output" }
        ($output | Out-String | ConvertFrom-Json).Role
    }
    $vendorTrust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"sts:AssumeRole"}]}'
    $serviceTrust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
    $githubTrust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:*"}}}]}'
    $vendor = New-Role $vendorTrust
    $service = New-Role $serviceTrust
    $github = New-Role $githubTrust
}

Describe 'Get-RoleTrust' {
    It 'writes one RoleTrust per trusted principal with its relationship, risk and findings' {
        $trust = Get-RoleTrust $vendor.RoleName @local
        $trust | Should -BeOfType ([AwsGuard.RoleTrust])
        $trust.RoleArn | Should -Be $vendor.Arn
        $trust.AccountId | Should -Be '123456789012'
        $trust.PrincipalType | Should -Be 'AWS'
        $trust.TrustedAccountId | Should -Be '999988887777'
        $trust.Relationship | Should -Be 'External'
        $trust.Risk | Should -Be 'High'
        @($trust.Findings.Code | Sort-Object) | Should -Be @('ExternalIdMissing', 'ExternalWholeAccount')
        $trust.TopFinding.Code | Should -Be 'ExternalIdMissing'
        $trust.ExternalIdRequired | Should -BeFalse
        $trust.LastUsed | Should -BeNullOrEmpty
        "$($trust.Findings)" | Should -Match 'ExternalIdMissing \(High\): '
    }

    It 'binds names from the pipeline and RoleName or RoleArn by property name' {
        @($vendor.RoleName, $service.RoleName | Get-RoleTrust @local).RoleName | Sort-Object | Should -Be @($vendor.RoleName, $service.RoleName | Sort-Object) -Because 'roles are read eight at a time'
        ([pscustomobject]@{ RoleArn = $github.Arn } | Get-RoleTrust @local).Relationship | Should -Be 'OidcProvider'
        ([pscustomobject]@{ RoleName = $service.RoleName } | Get-RoleTrust @local).Relationship | Should -Be 'Service'
        (Get-RoleTrust -RoleArn $github.Arn @local).Findings.Code | Should -Be 'OidcSubjectNotPinned'
    }

    It 'reads every role of the account by default, and nothing for an empty pipeline' {
        $all = Get-RoleTrust @local
        $all.RoleName | Should -Contain $vendor.RoleName
        $all.RoleName | Should -Contain $github.RoleName
        $calls = Get-AllStreams { @() | Get-RoleTrust @local -Verbose }
        $calls | Should -Not -Match 'AWS IAM'
    }

    It 'keeps only outside trusts with -ExternalOnly and only risky ones with -MinimumRisk' {
        $names = $vendor.RoleName, $service.RoleName, $github.RoleName
        @($names | Get-RoleTrust -ExternalOnly @local).RoleName | Sort-Object | Should -Be @($vendor.RoleName, $github.RoleName | Sort-Object)
        @($names | Get-RoleTrust -MinimumRisk Critical @local).RoleName | Should -Be @($github.RoleName)
        @($names | Get-RoleTrust -MinimumRisk None @local).Count | Should -Be 3
    }

    It 'reports a missing role and a bad name as errors of their own and goes on' {
        $errors = @()
        $results = @('no-such-role-pester', 'not a name!', $service.RoleName | Get-RoleTrust @local -ErrorVariable errors -ErrorAction SilentlyContinue)
        $results.RoleName | Should -Be @($service.RoleName)
        ($errors | Where-Object TargetObject -EQ 'no-such-role-pester').FullyQualifiedErrorId | Should -Match '^NoSuchEntity'
        ($errors | Where-Object TargetObject -EQ 'no-such-role-pester').CategoryInfo.Category | Should -Be 'ObjectNotFound'
        ($errors | Where-Object TargetObject -EQ 'not a name!').FullyQualifiedErrorId | Should -Match '^InvalidRoleReference'
    }

    It 'pipes into Revoke-RoleSession by RoleName, and by RoleArn alone' {
        $byName = Get-RoleTrust $vendor.RoleName @local | Revoke-RoleSession -Force -PassThru @local
        $byName.RoleName | Should -Be $vendor.RoleName
        $byName.Action | Should -Be 'Created'
        $byArn = Get-RoleTrust $service.RoleName @local | Select-Object RoleArn | Revoke-RoleSession -Force -PassThru @local
        $byArn.RoleArn | Should -Be $service.Arn
        $byArn.Action | Should -Be 'Created'
    }

    It 'shows one line per trust, role, relationship, risk and top finding, within 80 columns' {
        $lines = $vendor.RoleName, $service.RoleName | Get-RoleTrust @local | Format-Table | Out-String -Width 80 -Stream | Where-Object { $_.Trim() }
        $lines[0] | Should -Match '^RoleName\s+Relationship\s+Risk\s+TopFinding'
        $lines | Where-Object { $_ -match $vendor.RoleName } | Should -Match 'External\s+High\s+ExternalIdMissing'
        $lines | Where-Object { $_ -match $service.RoleName } | Should -Match 'Service\s+None'
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
    }
}

Describe 'Get-RoleTrust per piped account' {
    It 'reads every role of each piped account through its own role, each trust attributed to its account' {
        $org = New-TestOrganization -Accounts 2 -BucketsPerAccount 0 -PublicPerAccount 0
        $management = $org.ManagementSession
        $members = @($org.Members.AccountId)
        $trusts = @(Get-AwsGuardAccount -RoleName OrganizationAccountAccessRole -AccountId $members @management | Get-RoleTrust @management)
        $trusts.AccountId | Sort-Object -Unique | Should -Be ($members | Sort-Object)
        foreach ($trust in $trusts) { $trust.RoleArn | Should -BeLike "arn:aws:iam::$($trust.AccountId):role/*" }
        foreach ($member in $members) {
            # Organizations made each member's access role, trusting the management account.
            $access = $trusts | Where-Object { $_.AccountId -eq $member -and $_.RoleName -eq 'OrganizationAccountAccessRole' }
            $access.TrustedAccountId | Should -Be $org.Management
        }
        $trusts.RoleName | Should -Not -Contain $vendor.RoleName -Because 'the caller''s own account is not one of the piped accounts'
    }
}
