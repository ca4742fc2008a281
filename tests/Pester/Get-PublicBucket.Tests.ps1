# Get-PublicBucket as a user drives it: pipeline input of every shape, streaming output, errors per bucket.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $local = Get-LocalAwsParameters
    $env:AWS_ACCESS_KEY_ID = $TestAccessKey; $env:AWS_SECRET_ACCESS_KEY = $TestSecretKey; $env:AWS_DEFAULT_REGION = 'us-east-1'
    function New-Bucket([string] $Prefix, [string[]] $AwsArguments) {
        $name = "$Prefix-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
        $output = & aws --endpoint-url $local.EndpointUrl s3api create-bucket --bucket $name @AwsArguments 2>&1
        if ($LASTEXITCODE) { throw "create-bucket $name failed: $output" }
        $name
    }
    $public = New-Bucket 'pester-public' @('--acl', 'public-read')
    $private = New-Bucket 'pester-private' @()
    $object = New-Bucket 'pester-object' @()
    & aws --endpoint-url $local.EndpointUrl s3api put-object --bucket $object --key 'reports/q3.csv' --acl public-read | Out-Null
}

Describe 'Get-PublicBucket' {
    It 'takes names by position and writes only the public bucket by default' {
        $result = @(Get-PublicBucket $public, $private @local)
        $result.BucketName | Should -Be @($public)
        $result[0] | Should -BeOfType ([AwsGuard.BucketExposure])
        $result[0].Status | Should -Be 'Public'
        $result[0].PublicRead | Should -BeTrue
        $result[0].Reasons.Source | Should -Contain 'Acl'
    }

    It 'writes one result per bucket with -IncludeNotPublic' {
        $result = @($public, $private | Get-PublicBucket @local -IncludeNotPublic)
        ($result | Sort-Object BucketName).BucketName | Should -Be (@($public, $private) | Sort-Object)
        ($result | Where-Object BucketName -EQ $private).Status | Should -Be 'NotPublic'
    }

    It 'binds AWS.Tools-shaped objects and CloudTrail records by property name' {
        $awsTools = [pscustomobject]@{ BucketName = $private; CreationDate = Get-Date }
        $trail = [pscustomobject]@{ EventName = 'PutObjectAcl'; BucketName = $object; ObjectKey = 'reports/q3.csv' }
        $result = @($awsTools, $trail | Get-PublicBucket @local -IncludeNotPublic)
        $result.Count | Should -Be 2
        $checked = $result | Where-Object BucketName -EQ $object
        $checked.ObjectKey | Should -Be 'reports/q3.csv'
        $checked.Status | Should -Be 'Public'
        $checked.Reasons.Source | Should -Contain 'ObjectAcl'
    }

    It 'reports an invalid name before any AWS call and a missing bucket as not found, and goes on' {
        $text = Get-AllStreams { 'Invalid_Name!', "missing-$([guid]::NewGuid().ToString('N'))", $public | Get-PublicBucket @local -Verbose }
        $errors = @()
        $result = @('Invalid_Name!', "missing-$([guid]::NewGuid().ToString('N'))", $public | Get-PublicBucket @local -ErrorVariable errors -ErrorAction SilentlyContinue)
        $result.BucketName | Should -Be @($public)
        $errors.Count | Should -Be 2
        $invalid = $errors | Where-Object TargetObject -EQ 'Invalid_Name!'
        $invalid.CategoryInfo.Category | Should -Be 'InvalidArgument'
        ($errors | Where-Object TargetObject -Like 'missing-*').CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $text | Should -Not -Match 'Invalid_Name!.*-> \d{3}'
        $text | Should -Not -Match ([regex]::Escape($TestSecretKey))
    }

    It 'scans every bucket of the account when no name is given' {
        $all = @(Get-PublicBucket @local -IncludeNotPublic)
        $all.BucketName | Should -Contain $public
        $all.BucketName | Should -Contain $private
    }

    It 'does nothing for an empty pipeline: <Case>' -TestCases @(
        @{ Case = '@()'; Source = { @() } }
        @{ Case = 'Where-Object filtering every name out'; Source = { 'prod-a', 'prod-b' | Where-Object { $_ -like 'test-*' } } }
        @{ Case = 'a log window without CloudTrail events'; Source = {
                $group = New-UniqueName 'CloudTrail/Empty'
                $null = & aws --endpoint-url $local.EndpointUrl logs create-log-group --log-group-name $group 2>&1
                Get-CwLogEvent $group -StartTime 15m @local } }
    ) {
        $text = Get-AllStreams { & $Source | Get-PublicBucket @local -IncludeNotPublic -Verbose }
        $text | Should -Not -Match 'AWS S3 '
        @(& $Source | Get-PublicBucket @local -IncludeNotPublic).Count | Should -Be 0
    }

    It 'finds a legacy us-east-1 bucket (capitals, underscores) by name and by property, as the account scan does' {
        $legacy = 'Legacy_' + (New-UniqueName 'Bucket')
        $null = & aws --endpoint-url $local.EndpointUrl s3api create-bucket --bucket $legacy --acl public-read 2>&1
        (Get-PublicBucket @local | Where-Object BucketName -EQ $legacy).Status | Should -Be 'Public'
        (Get-PublicBucket $legacy @local).Status | Should -Be 'Public'
        ([pscustomobject]@{ BucketName = $legacy } | Get-PublicBucket @local).Status | Should -Be 'Public'
    }

    It 'says which rules a refused bucket name breaks' {
        Get-PublicBucket 'my bucket!' @local -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'InvalidBucketName,AwsGuard.Commands.GetPublicBucketCommand'
        $failures[0].Exception.Message | Should -Match "it contains U\+0020, '!', and bucket names use only letters, digits, '\.', '-' and '_'"
    }

    It 'stops AWS paging as soon as the pipeline has enough' {
        $first = @(Get-PublicBucket @local -IncludeNotPublic -ThrottleLimit 1 | Select-Object -First 1)
        $first.Count | Should -Be 1
    }
}
