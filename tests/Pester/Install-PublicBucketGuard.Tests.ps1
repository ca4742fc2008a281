# Install-, Get- and Uninstall-PublicBucketGuard as a user drives them against moto: two regions, -WhatIf, a second run,
# bad input refused before any AWS call, and what EventBridge, SNS and IAM hold afterwards, read with the AWS CLI.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $local = Get-LocalAwsParameters
    $env:AWS_ACCESS_KEY_ID = $TestAccessKey; $env:AWS_SECRET_ACCESS_KEY = $TestSecretKey; $env:AWS_DEFAULT_REGION = 'us-east-1'
    $regions = 'ap-south-1', 'eu-central-1'

    function Invoke-Aws([string] $Region, [string[]] $Arguments) {
        $output = & aws --endpoint-url $local.EndpointUrl --region $Region @Arguments --output json 2>&1
        if ($LASTEXITCODE) { throw "aws $($Arguments[0..1] -join ' ') failed: $output" }
        if ($output) { $output | Out-String | ConvertFrom-Json }
    }
}

Describe 'Install-PublicBucketGuard' {
    It 'changes nothing under -WhatIf and lists every resource it would create' {
        $lines = Get-HostText { Install-PublicBucketGuard -TargetRegion $regions[0] -Remediate -WhatIf @local }
        foreach ($resource in 'create SNS topic', 'policy statement AwsGuardPublicBucketGuard', 'create rule AwsGuard-PublicBucketGuard',
            "create role AwsGuard-PublicBucketGuard-Automation-$($regions[0])", "create role AwsGuard-PublicBucketGuard-Events-$($regions[0])", 'put target AwsGuard-Remediate') {
            $lines | Should -Match ([regex]::Escape($resource))
        }
        (Get-PublicBucketGuard -TargetRegion $regions[0] @local).Status | Should -Be 'NotInstalled'
        (Invoke-Aws $regions[0] @('events', 'list-rules', '--name-prefix', 'AwsGuard-')).Rules | Should -BeNullOrEmpty
    }

    It 'installs in two regions, reads back as intended, a second run changes nothing, and Uninstall leaves nothing tagged' {
        $installed = Install-PublicBucketGuard -TargetRegion $regions -Remediate -WarningAction SilentlyContinue @local
        $installed.Count | Should -Be 2
        $installed | Should -BeOfType ([AwsGuard.PublicBucketGuard])
        $installed.Status | Should -Be @('Installed', 'Installed')
        $installed.AccountId | Should -Be @('123456789012', '123456789012')
        $installed.Region | Should -Be $regions

        foreach ($region in $regions) {
            $rule = Invoke-Aws $region @('events', 'describe-rule', '--name', 'AwsGuard-PublicBucketGuard')
            $rule.State | Should -Be 'ENABLED'
            ($rule.EventPattern | ConvertFrom-Json).'detail-type' | Should -Be 'AWS API Call via CloudTrail'
            $topic = "arn:aws:sns:${region}:123456789012:AwsGuard-PublicBucket"
            $policy = (Invoke-Aws $region @('sns', 'get-topic-attributes', '--topic-arn', $topic)).Attributes.Policy | ConvertFrom-Json
            $statement = $policy.Statement | Where-Object Sid -EQ 'AwsGuardPublicBucketGuard'
            $statement.Principal.Service | Should -Be 'events.amazonaws.com'
            $statement.Condition.ArnEquals.'aws:SourceArn' | Should -Be "arn:aws:events:${region}:123456789012:rule/AwsGuard-PublicBucketGuard"
            $role = (Invoke-Aws $region @('iam', 'get-role', '--role-name', "AwsGuard-PublicBucketGuard-Automation-$region")).Role
            $role.AssumeRolePolicyDocument.Statement.Principal.Service | Should -Be 'ssm.amazonaws.com'
            $actions = (Invoke-Aws $region @('iam', 'get-role-policy', '--role-name', $role.RoleName, '--policy-name', 'AwsGuard-PublicBucketGuard')).PolicyDocument.Statement.Action
            $actions | Should -Be @('s3:GetBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock')
        }

        $again = Install-PublicBucketGuard -TargetRegion $regions -Remediate -WarningAction SilentlyContinue -Verbose @local 4>&1
        ($again | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -match 'nothing changed' }).Count | Should -Be 2
        $results = $again | Where-Object { $_ -is [AwsGuard.PublicBucketGuard] }
        $results.Status | Should -Be @('Installed', 'Installed')
        $results | ForEach-Object { $_.Changes.Count } | Should -Be @(0, 0)

        $removed = Uninstall-PublicBucketGuard -TargetRegion $regions -Force @local
        $removed.Status | Should -Be @('NotInstalled', 'NotInstalled')
        foreach ($region in $regions) {
            (Invoke-Aws $region @('events', 'list-rules', '--name-prefix', 'AwsGuard-')).Rules | Should -BeNullOrEmpty
            (Invoke-Aws $region @('sns', 'list-topics')).Topics.TopicArn | Should -Not -Contain "arn:aws:sns:${region}:123456789012:AwsGuard-PublicBucket"
        }
        (Invoke-Aws 'us-east-1' @('iam', 'list-roles')).Roles.RoleName | Where-Object { $_ -like 'AwsGuard-PublicBucketGuard-*' } | Should -BeNullOrEmpty
    }

    It 'refuses <Case> before any AWS call' -ForEach @(
        @{ Case = 'a region name that is not one'; Arguments = @{ TargetRegion = 'mars-north-1' }; Id = 'UnknownRegion' }
        @{ Case = 'a topic ARN in another region'; Arguments = @{ TopicArn = 'arn:aws:sns:eu-west-1:123456789012:alerts'; TargetRegion = 'us-east-2' }; Id = 'TopicInOtherRegion' }
        @{ Case = 'something that is no topic ARN'; Arguments = @{ TopicArn = 'arn:aws:sqs:eu-west-1:123456789012:alerts' }; Id = 'InvalidTopicArn' }
        @{ Case = '-EnableObjectLogging without a trail'; Arguments = @{ EnableObjectLogging = $true; TargetRegion = 'us-east-2' }; Id = 'TrailNameRequired' }
        @{ Case = 'a trail without -EnableObjectLogging'; Arguments = @{ TrailName = 't'; TargetRegion = 'us-east-2' }; Id = 'ObjectLoggingRequired' }
    ) {
        $records = [Collections.Generic.List[object]]::new()
        $failure = $null
        try { Install-PublicBucketGuard @Arguments @local -Verbose 4>&1 | ForEach-Object { $records.Add($_) } } catch { $failure = $_ }
        @($records | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -match '^AWS \S+ \S+ ' }).Count | Should -Be 0
        $failure.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'refuses an unknown trail, naming the trails there, before any change' {
        $region = 'us-east-2'
        { Install-PublicBucketGuard -TargetRegion $region -EnableObjectLogging -TrailName 'no-such-trail' @local -ErrorAction Stop } |
            Should -Throw -ErrorId 'TrailNotFound,*'
        (Get-PublicBucketGuard -TargetRegion $region @local).Status | Should -Be 'NotInstalled'
    }

    It 'refuses a region name for Get- and Uninstall- as well' {
        { Get-PublicBucketGuard -TargetRegion 'mars-1' @local -ErrorAction Stop } | Should -Throw -ErrorId 'UnknownRegion,*'
        { Uninstall-PublicBucketGuard -TargetRegion 'mars-1' -Force @local -ErrorAction Stop } | Should -Throw -ErrorId 'UnknownRegion,*'
    }

    It 'shows Get-PublicBucketGuard in a table that fits 80 columns' {
        $lines = Get-PublicBucketGuard -TargetRegion 'ap-southeast-1', 'us-west-1' @local | Format-Table | Out-String -Width 80 -Stream | Where-Object { $_.Trim() }
        $lines[0] | Should -Match '^Region\s+Status\s+Fix\s+Trails\s+Missing'
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
    }
}

Describe 'Install-, Get- and Uninstall-PublicBucketGuard per piped account' {
    BeforeAll {
        $org = New-TestOrganization -Accounts 2 -BucketsPerAccount 1 -PublicPerAccount 0
        $management = $org.ManagementSession
        # Without -Region, so each piped account and region acts in the region it brings.
        $anyRegion = $management.Clone(); $anyRegion.Remove('Region')
        $role = 'OrganizationAccountAccessRole'
        $members = @($org.Members.AccountId)
        $perRegion = @(Get-AwsGuardAccount -RoleName $role -AccountId $members -TargetRegion eu-west-3, ap-northeast-1 @management)
        $accounts = @(Get-AwsGuardAccount -RoleName $role -AccountId $members @management)
        function Get-Place($Items) { $Items | ForEach-Object { "$($_.AccountId) $($_.Region)" } | Sort-Object }
    }

    It 'Install-PublicBucketGuard installs in each piped account, in the region each record brings' {
        $installed = @($perRegion | Install-PublicBucketGuard @anyRegion -WarningAction SilentlyContinue)
        Get-Place $installed | Should -Be (Get-Place $perRegion)
        $installed.Status | Sort-Object -Unique | Should -Be 'Installed'
        foreach ($guard in $installed) {
            $guard.RuleArn | Should -Be "arn:aws:events:$($guard.Region):$($guard.AccountId):rule/AwsGuard-PublicBucketGuard"
            $guard.TopicArn | Should -Be "arn:aws:sns:$($guard.Region):$($guard.AccountId):AwsGuard-PublicBucket"
        }
        (Get-PublicBucketGuard -TargetRegion eu-west-3 @management).Status | Should -Be 'NotInstalled' -Because 'the caller''s own account was not piped'
    }

    It 'Get-PublicBucketGuard reads each piped account: -TargetRegion in every account, else the regions of its buckets' {
        $read = @($accounts | Get-PublicBucketGuard -TargetRegion eu-west-3 @management)
        Get-Place $read | Should -Be ($members | ForEach-Object { "$_ eu-west-3" } | Sort-Object)
        $read.Status | Sort-Object -Unique | Should -Be 'Installed'
        # The seeded buckets are in us-east-1, where nothing was installed.
        $default = @($accounts | Get-PublicBucketGuard @management)
        Get-Place $default | Should -Be ($members | ForEach-Object { "$_ us-east-1" } | Sort-Object)
        $default.Status | Sort-Object -Unique | Should -Be 'NotInstalled'
    }

    It 'Uninstall-PublicBucketGuard removes the guard from each piped account and region' {
        $removed = @($perRegion | Uninstall-PublicBucketGuard -Force @anyRegion)
        Get-Place $removed | Should -Be (Get-Place $perRegion)
        $removed.Status | Sort-Object -Unique | Should -Be 'NotInstalled'
        (@($perRegion | Get-PublicBucketGuard @anyRegion).Status | Sort-Object -Unique) | Should -Be 'NotInstalled'
    }

    It 'refuses a piped region other than -TopicArn''s for that record, and installs the others' {
        $topicRegion = 'ap-northeast-1'
        $member = $members[0]
        $items = @($perRegion | Where-Object AccountId -EQ $member)
        $topic = "arn:aws:sns:${topicRegion}:${member}:pester-alerts"
        # The topic must exist in the member account: created through Install's own topic, then named by ARN.
        $null = $items | Where-Object Region -EQ $topicRegion | Install-PublicBucketGuard -TopicName pester-alerts @anyRegion -WarningAction SilentlyContinue
        $installed = @($items | Install-PublicBucketGuard -TopicArn $topic @anyRegion -WarningAction SilentlyContinue -ErrorVariable failed -ErrorAction SilentlyContinue)
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'TopicInOtherRegion,*'
        $installed.Region | Should -Be $topicRegion
        $installed.TopicArn | Should -Be $topic
    }
}
