# Get-AwsGuardAccount against an organization seeded in moto (a management account of its own, members reached through
# OrganizationAccountAccessRole), and every cmdlet run per piped account and region.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $org = New-TestOrganization 4 3 1
    # The management account's credentials, as a runbook there would have them; the region comes from the parameter.
    $management = $org.ManagementParameters
    # The same credentials without -Region, for cmdlets that take the region from each piped item.
    $managementAnyRegion = $management.Clone(); $managementAnyRegion.Remove('Region')
    $role = 'OrganizationAccountAccessRole'
}

Describe 'Get-AwsGuardAccount' {
    It 'lists every active account with its role, OU path and the caller''s own account without a role' {
        $accounts = @(Get-AwsGuardAccount -RoleName $role @management)
        $accounts.AccountId | Sort-Object | Should -Be (@($org.Members.AccountId) + $org.Management | Sort-Object)
        $org.Suspended | Should -Not -BeIn $accounts.AccountId -Because 'suspended accounts are left out by default'
        foreach ($member in $org.Members) {
            $item = $accounts | Where-Object AccountId -EQ $member.AccountId
            $item.AssumeRoleArn | Should -Be "arn:aws:iam::$($member.AccountId):role/$role"
            $item.OrganizationalUnitPath | Should -Be $member.Path
            $item.AccountName | Should -Be $member.Name
            $item.Status | Should -Be 'ACTIVE'
            $item.Region | Should -BeNullOrEmpty
        }
        ($accounts | Where-Object AccountId -EQ $org.Management).AssumeRoleArn | Should -BeNullOrEmpty
    }

    It 'lists the accounts under an OU recursively, with -ExcludeAccountId and -AccountId' {
        $under = @($org.Members | Where-Object Path -Like 'Root/Security*')
        $found = @(Get-AwsGuardAccount -RoleName $role -OrganizationalUnitId $org.Security @management)
        $found.AccountId | Sort-Object | Should -Be ($under.AccountId | Sort-Object)
        ($found | Where-Object AccountId -EQ ($under | Where-Object Path -EQ 'Root/Security/Audit')[0].AccountId).OrganizationalUnitPath |
            Should -Be 'Root/Security/Audit'
        $excluded = @(Get-AwsGuardAccount -RoleName $role -OrganizationalUnitId $org.Security -ExcludeAccountId $under[0].AccountId @management)
        $excluded.AccountId | Should -Not -Contain $under[0].AccountId
        $excluded.Count | Should -Be ($under.Count - 1)
        @(Get-AwsGuardAccount -RoleName $role -AccountId $org.Members[0].AccountId @management).AccountId | Should -Be $org.Members[0].AccountId
    }

    It 'includes suspended accounts with -IncludeSuspended' {
        $all = @(Get-AwsGuardAccount -RoleName $role -IncludeSuspended @management)
        ($all | Where-Object AccountId -EQ $org.Suspended).Status | Should -Be 'SUSPENDED'
    }

    It 'writes one item per account and region with -TargetRegion, and the external id for member accounts' {
        $items = @(Get-AwsGuardAccount -RoleName $role -RoleExternalId 'ext-1234' -TargetRegion us-east-1, eu-west-1 -AccountId $org.Members[0].AccountId, $org.Management @management)
        $items.Count | Should -Be 4
        ($items | Where-Object AccountId -EQ $org.Members[0].AccountId).Region | Sort-Object | Should -Be 'eu-west-1', 'us-east-1'
        ($items | Where-Object AccountId -EQ $org.Members[0].AccountId).ExternalId | Sort-Object -Unique | Should -Be 'ext-1234'
        ($items | Where-Object AccountId -EQ $org.Management | Where-Object ExternalId) | Should -BeNullOrEmpty
    }

    It 'lists each account''s enabled regions with -AllRegions (EC2 DescribeRegions through its role)' {
        $calls = (Get-AwsGuardAccount -RoleName $role -AllRegions -AccountId $org.Members[0].AccountId @management -Verbose 4>&1 |
                Where-Object { $_ -is [Management.Automation.VerboseRecord] }).Message
        $items = @(Get-AwsGuardAccount -RoleName $role -AllRegions -AccountId $org.Members[0].AccountId @management)
        $items.Region | Should -Contain 'us-east-1'
        $items.Region | Should -Contain 'eu-west-1'
        ($items.Region | Sort-Object -Unique).Count | Should -Be $items.Count
        @($calls -match '^AWS EC2 DescribeRegions').Count | Should -Be 1
    }

    It 'refuses a bad role name and account id before any call' {
        { Get-AwsGuardAccount -RoleName 'bad role' @management -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidRoleName,*'
        { Get-AwsGuardAccount -RoleName $role -AccountId 12345 @management -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidAccountId,*'
    }

    It 'names an account that is not in the organization' {
        Get-AwsGuardAccount -RoleName $role -AccountId 999999999999 @management -ErrorVariable failed -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'AccountNotInOrganization,*'
        $failed[0].TargetObject | Should -Be '999999999999'
    }

    It 'shows accounts in a table that fits 80 columns' {
        $lines = Get-AwsGuardAccount -RoleName $role -TargetRegion ap-southeast-2 @management | Format-Table | Out-String -Width 80 -Stream | Where-Object { $_.Trim() }
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
    }
}

Describe 'Every cmdlet per piped account' {
    It 'scans each account with its own role: the results per account id are exactly the seeded buckets' {
        $results = @(Get-AwsGuardAccount -RoleName $role @management | Get-PublicBucket -IncludeNotPublic @management)
        foreach ($member in $org.Members) {
            $mine = @($results | Where-Object AccountId -EQ $member.AccountId)
            $mine.BucketName | Sort-Object | Should -Be ($member.Buckets | Sort-Object)
            @($mine | Where-Object Status -EQ Public).BucketName | Sort-Object | Should -Be ($member.PublicBuckets | Sort-Object)
        }
        # No result is attributed to another account: every bucket name carries its account id (seeded so).
        foreach ($result in $results) { $result.BucketName | Should -Match "-$($result.AccountId)-" }
        $results.Count | Should -Be @($org.Members.Buckets).Count
    }

    It 'acts in each piped account and region: Get-AwsGuardIdentity answers as each account''s role' {
        $items = @(Get-AwsGuardAccount -RoleName $role -TargetRegion us-east-1, eu-west-1 -AccountId $org.Members[0].AccountId, $org.Members[1].AccountId @management)
        $identities = @($items | Get-AwsGuardIdentity @managementAnyRegion)
        $identities.Count | Should -Be 4
        foreach ($identity in $identities) {
            $identity.Arn | Should -BeLike "arn:aws:sts::$($identity.AccountId):assumed-role/$role/*"
        }
        $identities | ForEach-Object { "$($_.AccountId) $($_.Region)" } | Sort-Object |
            Should -Be (@($items | ForEach-Object { "$($_.AccountId) $($_.Region)" }) | Sort-Object)
    }

    It 'acts in the caller''s own account for an item without a role, even right after an item with one' {
        # PowerShell leaves a pipeline-bound parameter in BoundParameters for the next record: the role must not carry over.
        $items = [pscustomobject]@{ AssumeRoleArn = "arn:aws:iam::$($org.Members[0].AccountId):role/$role"; Region = 'us-east-1' },
            [pscustomobject]@{ Region = 'us-east-1' }
        $identities = @($items | Get-AwsGuardIdentity @managementAnyRegion)
        $identities.AccountId | Should -Be $org.Members[0].AccountId, $org.Management
    }

    It 'refuses a piped AssumeRoleArn that contradicts -AssumeRoleArn (ConflictingSessionValue), and the others go on' {
        $given = "arn:aws:iam::$($org.Members[0].AccountId):role/$role"
        $piped = [pscustomobject]@{ BucketName = $org.Members[1].Buckets[0]; AssumeRoleArn = "arn:aws:iam::$($org.Members[1].AccountId):role/$role" },
            [pscustomobject]@{ BucketName = $org.Members[0].Buckets[0]; AssumeRoleArn = $given }
        $results = @($piped | Get-PublicBucket -IncludeNotPublic -AssumeRoleArn $given @management -ErrorVariable failed -ErrorAction SilentlyContinue)
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'ConflictingSessionValue,*'
        $failed[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $results.BucketName | Should -Be $org.Members[0].Buckets[0]
    }

    It 'refuses a piped Region that contradicts -Region' {
        $items = Get-AwsGuardAccount -RoleName $role -TargetRegion eu-west-1 -AccountId $org.Members[0].AccountId @management
        $items | Get-PublicBucket @management -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'ConflictingSessionValue,*'
    }

    It 'makes a role that cannot be assumed one error with the account id as target, goes on, and warns at the end' {
        # An external id the role's session cannot carry (moto checks its format as STS does) stands in for a denied role.
        $bad = [pscustomobject]@{ AssumeRoleArn = "arn:aws:iam::$($org.Members[0].AccountId):role/$role"; ExternalId = 'x'; Region = 'us-east-1' },
            [pscustomobject]@{ AssumeRoleArn = "arn:aws:iam::$($org.Members[0].AccountId):role/$role"; ExternalId = 'x'; Region = 'eu-west-1' },
            [pscustomobject]@{ AssumeRoleArn = "arn:aws:iam::$($org.Members[1].AccountId):role/$role"; Region = 'us-east-1' }
        $identities = @($bad | Get-AwsGuardIdentity @managementAnyRegion -ErrorVariable failed -ErrorAction SilentlyContinue -WarningVariable warned -WarningAction SilentlyContinue)
        $failed.Count | Should -Be 1 -Because 'one error per account, not per region'
        $failed[0].TargetObject | Should -Be $org.Members[0].AccountId
        $identities.AccountId | Should -Be $org.Members[1].AccountId
        $warned | Should -Match '1 account\(s\) could not be reached'
    }
}
