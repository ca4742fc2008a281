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
