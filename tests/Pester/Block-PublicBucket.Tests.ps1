# Block-PublicBucket and Unblock-PublicBucket against moto: a zoo of public buckets, each blocked by both methods, checked by
# Get-PublicBucket and by the raw state the AWS CLI reads, and each undone to exactly that raw state.
BeforeDiscovery {
    # Every public kind of the zoo by both methods: 8 tests.
    $zoo = foreach ($case in 'acl', 'policy', 'both', 'object') { foreach ($method in 'BlockPublicAccess', 'RemovePublicGrants') { @{ Case = $case; Method = $method } } }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $local = Get-LocalAwsParameters
    $env:AWS_ACCESS_KEY_ID = $TestAccessKey; $env:AWS_SECRET_ACCESS_KEY = $TestSecretKey; $env:AWS_DEFAULT_REGION = 'us-east-1'
    $allUsers = 'uri=http://acs.amazonaws.com/groups/global/AllUsers'
    $authenticated = 'uri=http://acs.amazonaws.com/groups/global/AuthenticatedUsers'

    function Invoke-S3Api([string[]] $Arguments) {
        $output = & aws --endpoint-url $local.EndpointUrl s3api @Arguments --output json 2>&1
        if ($LASTEXITCODE) { throw "aws s3api $($Arguments[0]) failed: $output" }
        if ($output) { $output | Out-String | ConvertFrom-Json }
    }
    function New-Bucket {
        $name = New-UniqueName 'pester-block-'
        Invoke-S3Api @('create-bucket', '--bucket', $name) | Out-Null
        $name
    }
    function Get-OwnerGrant([string] $Bucket) { 'id=' + (Invoke-S3Api @('get-bucket-acl', '--bucket', $Bucket)).Owner.ID }
    function Set-PublicAcl([string] $Bucket) {
        # Explicit grants (moto's canned public-read-write loses WRITE): the owner keeps FULL_CONTROL, the public groups get more.
        Invoke-S3Api @('put-bucket-acl', '--bucket', $Bucket, '--grant-full-control', (Get-OwnerGrant $Bucket),
            '--grant-read', "$allUsers,$authenticated", '--grant-write', $allUsers) | Out-Null
    }
    function Set-PublicPolicy([string] $Bucket) {
        $policy = '{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::' + $Bucket + '/*"},' +
            '{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::' + $Bucket + '"}]}'
        Invoke-S3Api @('put-bucket-policy', '--bucket', $Bucket, '--policy', $policy) | Out-Null
    }
    function New-ZooBucket([string] $Case) {
        $bucket = New-Bucket
        $key = $null
        switch ($Case) {
            'acl' { Set-PublicAcl $bucket }
            'policy' { Set-PublicPolicy $bucket }
            'both' { Set-PublicAcl $bucket; Set-PublicPolicy $bucket }
            'object' {
                $key = 'reports/q3.csv'
                Invoke-S3Api @('put-object', '--bucket', $bucket, '--key', $key) | Out-Null
                Invoke-S3Api @('put-object-acl', '--bucket', $bucket, '--key', $key, '--grant-full-control', (Get-OwnerGrant $bucket), '--grant-read', $allUsers) | Out-Null
            }
            'allow-tagged' {
                Set-PublicAcl $bucket
                Invoke-S3Api @('put-bucket-tagging', '--bucket', $bucket, '--tagging', 'TagSet=[{Key=AwsGuard:AllowPublic,Value=website}]') | Out-Null
            }
            'already blocked' {
                Set-PublicAcl $bucket
                Invoke-S3Api @('put-public-access-block', '--bucket', $bucket, '--public-access-block-configuration',
                    'BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=false,RestrictPublicBuckets=false') | Out-Null
            }
        }
        [pscustomobject]@{ Bucket = $bucket; Key = $key }
    }
    function Get-RawState([string] $Bucket, [string] $Key) {
        # What the AWS CLI reads, as comparable text: grants sorted, the policy as S3 returns it, "none" where nothing is configured.
        $grants = { param($acl) @($acl.Grants | ForEach-Object { "$($_.Permission) $($_.Grantee.Type) $($_.Grantee.ID)$($_.Grantee.URI)" } | Sort-Object) -join '; ' }
        $policy = & aws --endpoint-url $local.EndpointUrl s3api get-bucket-policy --bucket $Bucket --query Policy --output text 2>$null
        if ($LASTEXITCODE) { $policy = 'none' }
        $block = & aws --endpoint-url $local.EndpointUrl s3api get-public-access-block --bucket $Bucket --output json 2>$null
        $block = if ($LASTEXITCODE) { 'none' } else { ($block | Out-String | ConvertFrom-Json).PublicAccessBlockConfiguration | ConvertTo-Json -Compress }
        [pscustomobject]@{
            Acl = & $grants (Invoke-S3Api @('get-bucket-acl', '--bucket', $Bucket))
            Policy = "$policy"
            BlockPublicAccess = $block
            ObjectAcl = if ($Key) { & $grants (Invoke-S3Api @('get-object-acl', '--bucket', $Bucket, '--key', $Key)) } else { 'no key' }
        } | ConvertTo-Json -Compress
    }
    function Get-Status([string] $Bucket, [string] $Key) {
        $arguments = @{ BucketName = $Bucket; IncludeNotPublic = $true }
        if ($Key) { $arguments.Key = $Key }
        (Get-PublicBucket @arguments @local).Status
    }
    $backup = Join-Path ([IO.Path]::GetTempPath()) (New-UniqueName 'awsguard-changes-')
}

AfterAll {
    Remove-Item $backup -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Block-PublicBucket and Unblock-PublicBucket' {
    It 'blocks a public bucket (<Case>) by <Method>, shows it first with -WhatIf, and undoes it exactly after Export-Clixml' -TestCases $zoo {
        $zooBucket = New-ZooBucket $Case
        $bucket = $zooBucket.Bucket; $key = $zooBucket.Key
        $keyArgument = if ($key) { @{ Key = $key } } else { @{} }
        Get-Status $bucket $key | Should -Be 'Public'
        $before = Get-RawState $bucket $key
        $folder = Join-Path $backup (New-UniqueName 'zoo-')

        $whatIf = Get-HostText { Block-PublicBucket $bucket @keyArgument -Method $Method -BackupPath $folder -WhatIf @local -Verbose }
        $whatIf | Should -Match ([regex]::Escape("What if: Blocking public access to bucket '$bucket"))
        $whatIf | Should -Match $(if ($Method -eq 'BlockPublicAccess') { 'PutPublicAccessBlock' } elseif ($Case -eq 'object') { 'PutObjectAcl' } elseif ($Case -eq 'acl') { 'PutBucketAcl' } else { 'PutBucketPolicy' })
        $whatIf | Should -Not -Match 'AWS S3 (Put|Delete)'
        Get-RawState $bucket $key | Should -Be $before
        $folder | Should -Not -Exist

        $change = Block-PublicBucket $bucket @keyArgument -Method $Method -BackupPath $folder -Force -PassThru @local
        $change | Should -BeOfType ([AwsGuard.BucketAccessChange])
        $change.Changed | Should -BeTrue
        $change.Method | Should -Be $Method
        $change.AccountId | Should -Be '123456789012'
        $change.ObjectKey | Should -Be $key
        Get-Status $bucket $key | Should -BeIn @('Blocked', 'NotPublic')
        $after = Get-RawState $bucket $key | ConvertFrom-Json
        if ($Method -eq 'BlockPublicAccess') {
            $flags = $after.BlockPublicAccess | ConvertFrom-Json
            $flags.IgnorePublicAcls | Should -Be ($Case -ne 'policy')
            $flags.BlockPublicAcls | Should -Be ($Case -ne 'policy')
            $flags.RestrictPublicBuckets | Should -Be ($Case -in 'policy', 'both')
            $flags.BlockPublicPolicy | Should -Be ($Case -in 'policy', 'both')
            $after.Acl | Should -Be ($before | ConvertFrom-Json).Acl
            $after.Policy | Should -Be ($before | ConvertFrom-Json).Policy
        }
        else {
            $after.BlockPublicAccess | Should -Be 'none'
            "$($after.Acl) $($after.ObjectAcl)" | Should -Not -Match 'AllUsers|AuthenticatedUsers'
            $after.Acl | Should -Match 'FULL_CONTROL CanonicalUser'
            if ($Case -in 'policy', 'both') {
                $after.Policy | Should -Not -Match 'PublicRead'
                ($after.Policy | ConvertFrom-Json).Statement.Sid | Should -Be 'Partner'
            }
        }
        $record = @(Get-ChildItem $folder -Filter *.json)
        $record.Count | Should -Be 1
        $record[0].FullName | Should -Be $change.RecordPath

        $file = Join-Path $folder 'blocked.xml'
        $change | Export-Clixml $file
        $restored = Import-Clixml $file | Unblock-PublicBucket -Confirm:$false -PassThru @local -ErrorVariable failures
        $failures | Should -BeNullOrEmpty
        $restored.Method | Should -Be 'Restore'
        $restored.Changed | Should -BeTrue
        Get-RawState $bucket $key | Should -Be $before
        Get-Status $bucket $key | Should -Be 'Public'
    }

    It 'skips a bucket tagged AwsGuard:AllowPublic with a warning naming the tag, and blocks it with -IgnoreAllowTag' {
        $bucket = (New-ZooBucket 'allow-tagged').Bucket
        $before = Get-RawState $bucket
        $warnings = @()
        @(Block-PublicBucket $bucket -Force -PassThru -BackupPath $backup @local -WarningVariable warnings -WarningAction SilentlyContinue).Count | Should -Be 0
        ($warnings -join "`n") | Should -Match "'$bucket'.*AwsGuard:AllowPublic.*-IgnoreAllowTag"
        Get-RawState $bucket | Should -Be $before
        (Block-PublicBucket $bucket -IgnoreAllowTag -Force -PassThru -BackupPath $backup @local).Changed | Should -BeTrue
        Get-Status $bucket | Should -Be 'Blocked'
    }

    It 'changes nothing on a bucket already blocked, by <Method>, and says Changed = $false' -TestCases @(@{ Method = 'BlockPublicAccess' }, @{ Method = 'RemovePublicGrants' }) {
        $bucket = (New-ZooBucket 'already blocked').Bucket
        $before = Get-RawState $bucket
        $folder = Join-Path $backup (New-UniqueName 'again-')
        $text = Get-AllStreams { Block-PublicBucket $bucket -Method $Method -Force -BackupPath $folder @local -Verbose }
        $text | Should -Not -Match 'AWS S3 (Put|Delete)'
        $change = Block-PublicBucket $bucket -Method $Method -Force -PassThru -BackupPath $folder @local
        $change.Changed | Should -BeFalse
        $change.Changes.Count | Should -Be 0
        Get-RawState $bucket | Should -Be $before
        $folder | Should -Not -Exist
    }

    It 'refuses the undo when the bucket changed after the block, naming what differs; -Force restores anyway' {
        $bucket = (New-ZooBucket 'both').Bucket
        $before = Get-RawState $bucket
        $change = Block-PublicBucket $bucket -Method RemovePublicGrants -Force -PassThru -BackupPath $backup @local
        Invoke-S3Api @('put-bucket-acl', '--bucket', $bucket, '--grant-full-control', (Get-OwnerGrant $bucket), '--grant-read-acp', (Get-OwnerGrant $bucket)) | Out-Null
        Invoke-S3Api @('delete-bucket-policy', '--bucket', $bucket) | Out-Null
        $changed = Get-RawState $bucket

        $change | Unblock-PublicBucket -Force:$false -Confirm:$false @local -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'ChangedSinceBlock,AwsGuard.Commands.UnblockPublicBucketCommand'
        $failures[0].Exception.Message | Should -Match 'bucket policy was deleted; the bucket ACL differs \(since then: add READ_ACP id='
        $failures[0].TargetObject | Should -Be $bucket
        Get-RawState $bucket | Should -Be $changed

        $change | Unblock-PublicBucket -Force @local
        Get-RawState $bucket | Should -Be $before
    }

    It 'undoes from the record files, by Get-ChildItem and by -Path relative to the current location' {
        $first = (New-ZooBucket 'acl').Bucket; $second = (New-ZooBucket 'policy').Bucket
        $before = @{ $first = Get-RawState $first; $second = Get-RawState $second }
        $folder = Join-Path $backup (New-UniqueName 'files-')
        $first, $second | Block-PublicBucket -Force -BackupPath $folder @local
        $files = @(Get-ChildItem $folder)
        $files.Count | Should -Be 2
        (Get-Content -Raw ($files | Where-Object Name -Like "*$first*").FullName | ConvertFrom-Json).Before.Acl | Should -Contain "READ $allUsers"
        $files | Where-Object Name -Like "*$first*" | Unblock-PublicBucket -Confirm:$false @local
        Push-Location $folder
        try { Unblock-PublicBucket -Path "*$second*.json" -Confirm:$false @local } finally { Pop-Location }
        Get-RawState $first | Should -Be $before[$first]
        Get-RawState $second | Should -Be $before[$second]
    }

    It 'refuses a record of another account, a file that is not a record and an invalid name, each before any call, and goes on' {
        $bucket = (New-ZooBucket 'acl').Bucket
        $before = Get-RawState $bucket
        $folder = Join-Path $backup (New-UniqueName 'bad-')
        $good = Block-PublicBucket $bucket -Force -PassThru -BackupPath $folder @local
        $foreign = Get-Content -Raw $good.RecordPath | ConvertFrom-Json
        $foreign.AccountId = '210987654321'
        $foreign | ConvertTo-Json -Depth 6 | Set-Content (Join-Path $folder 'foreign.json')
        '{"hello":"world"}' | Set-Content (Join-Path $folder 'other.json')
        $invalid = Get-Content -Raw $good.RecordPath | ConvertFrom-Json
        $invalid.BucketName = 'Invalid_Name!'
        $invalid | ConvertTo-Json -Depth 6 | Set-Content (Join-Path $folder 'invalid.json')

        $text = Get-AllStreams { Unblock-PublicBucket -Path (Join-Path $folder 'other.json'), (Join-Path $folder 'invalid.json') -Confirm:$false @local -Verbose }
        $text | Should -Not -Match 'AWS S3 '
        Unblock-PublicBucket -Path (Join-Path $folder '*.json') -Confirm:$false @local -ErrorVariable failures -ErrorAction SilentlyContinue
        ($failures.FullyQualifiedErrorId -replace ',.*' | Sort-Object) | Should -Be @('InvalidBucketName', 'NotAChangeRecord', 'RecordOfOtherAccount')
        ($failures | Where-Object { $_.FullyQualifiedErrorId -like 'NotAChangeRecord*' }).TargetObject | Should -BeLike '*other.json'
        Get-RawState $bucket | Should -Be $before
    }

    It 'refuses a -BackupPath that is not a file system path, before any call' {
        $text = Get-AllStreams { try { Block-PublicBucket 'any-bucket' -BackupPath 'Env:\AwsGuard' -Force @local -Verbose } catch { $_ } }
        $text | Should -Not -Match 'AWS (S3|STS) '
        { Block-PublicBucket 'any-bucket' -BackupPath 'Env:\AwsGuard' -Force @local } | Should -Throw -ErrorId 'NotAFileSystemPath,AwsGuard.Commands.BlockPublicBucketCommand'
    }

    It 'refuses a bucket whose exposure is Unknown, naming the failed analysis, and blocks the others' {
        $unknown = New-Bucket
        Invoke-S3Api @('put-bucket-policy', '--bucket', $unknown, '--policy', 'not a policy') | Out-Null
        $public = (New-ZooBucket 'acl').Bucket
        $changes = @($unknown, $public | Block-PublicBucket -Force -PassThru -BackupPath $backup @local -ErrorVariable failures -ErrorAction SilentlyContinue)
        $changes.BucketName | Should -Be @($public)
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'ExposureUnknown,AwsGuard.Commands.BlockPublicBucketCommand'
        $failures[0].Exception.Message | Should -Match 's3:GetBucketPolicy failed with MalformedPolicy'
    }

    It 'does nothing for an empty pipeline: <Case>' -TestCases @(
        @{ Case = 'Block-PublicBucket'; Script = { @() | Block-PublicBucket -Force -BackupPath $backup @local -Verbose } }
        @{ Case = 'Unblock-PublicBucket'; Script = { @() | Unblock-PublicBucket -Force @local -Verbose } }
        @{ Case = 'Get-PublicBucket writing nothing'; Script = { @() | Get-PublicBucket @local | Block-PublicBucket -Force -BackupPath $backup @local -Verbose } }
    ) {
        $text = Get-AllStreams $Script
        $text | Should -Not -Match 'AWS (S3|STS) '
        @(& $Script).Count | Should -Be 0
    }

    It 'blocks the object a CloudTrail PutObjectAcl record made public: Get-CwLogEvent | Get-PublicBucket | Block-PublicBucket' {
        $zooBucket = New-ZooBucket 'object'
        $group = New-UniqueName 'CloudTrail/DataEvents-'
        $stream = '123456789012_CloudTrail_us-east-1'
        $record = @{
            eventVersion = '1.10'; eventSource = 's3.amazonaws.com'; eventName = 'PutObjectAcl'; awsRegion = 'us-east-1'
            eventTime = [datetime]::UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"); eventType = 'AwsApiCall'; sourceIPAddress = '203.0.113.10'
            userAgent = '[aws-cli/2.15.0]'; eventID = [guid]::NewGuid().ToString(); readOnly = $false; managementEvent = $false
            userIdentity = @{ type = 'IAMUser'; principalId = 'AIDAEXAMPLE'; arn = 'arn:aws:iam::123456789012:user/deploy'; accountId = '123456789012' }
            requestParameters = @{ bucketName = $zooBucket.Bucket; key = $zooBucket.Key; acl = ''; Host = "$($zooBucket.Bucket).s3.amazonaws.com"
                AccessControlPolicy = @{ AccessControlList = @{ Grant = @(@{ Grantee = @{ URI = 'http://acs.amazonaws.com/groups/global/AllUsers' }; Permission = 'READ' }) } } }
            responseElements = $null; recipientAccountId = '123456789012'
            resources = @(@{ type = 'AWS::S3::Object'; ARN = "arn:aws:s3:::$($zooBucket.Bucket)/$($zooBucket.Key)" })
        } | ConvertTo-Json -Depth 10 -Compress
        $events = Join-Path $backup (New-UniqueName 'events-')
        $null = New-Item -ItemType Directory -Force $backup
        ConvertTo-Json -Depth 3 @(@{ timestamp = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds(); message = $record }) | Set-Content "$events.json"
        & aws --endpoint-url $local.EndpointUrl logs create-log-group --log-group-name $group
        & aws --endpoint-url $local.EndpointUrl logs create-log-stream --log-group-name $group --log-stream-name $stream
        & aws --endpoint-url $local.EndpointUrl logs put-log-events --log-group-name $group --log-stream-name $stream --log-events "file://$events.json" | Out-Null

        $changes = @(Get-CwLogEvent $group -StartTime 15m -FilterPattern '{ $.eventName = PutObjectAcl }' @local | Get-PublicBucket @local |
            Block-PublicBucket -Force -PassThru -BackupPath $backup @local)
        $changes.Count | Should -Be 1
        $changes[0].BucketName | Should -Be $zooBucket.Bucket
        $changes[0].ObjectKey | Should -Be $zooBucket.Key
        Get-Status $zooBucket.Bucket $zooBucket.Key | Should -Be 'Blocked'
    }

    It 'turns on the account-level Block Public Access (-Account) in a fresh account and restores its absence exactly' {
        # A fresh account of moto's, reached through an assumed role, so that no other test sees the account-level change.
        $account = '{0:D12}' -f (Get-Random -Minimum 100000000000 -Maximum 999999999999)
        $role = @{ AssumeRoleArn = "arn:aws:iam::${account}:role/SecurityResponse" }
        $keys = (& aws --endpoint-url $local.EndpointUrl sts assume-role --role-arn $role.AssumeRoleArn --role-session-name raw --output json | Out-String | ConvertFrom-Json).Credentials
        function Get-RawAccountBlock {
            # The AWS CLI puts the account in front of the host even with an endpoint URL, which does not resolve locally:
            # this is S3 Control's own GET, path-style, as the account's credentials (moto does not check signatures).
            $script = @"
import urllib.request, urllib.error
req = urllib.request.Request('$($local.EndpointUrl)/v20180820/configuration/publicAccessBlock', headers={'x-amz-account-id': '$account',
    'Authorization': 'AWS4-HMAC-SHA256 Credential=$($keys.AccessKeyId)/20240101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0'})
try:
    print(urllib.request.urlopen(req).read().decode())
except urllib.error.HTTPError as e:
    print('none' if e.code == 404 else 'HTTP %d' % e.code)
"@
            (& python3 -c $script) -join ''
        }
        Get-RawAccountBlock | Should -Be 'none'

        Block-PublicBucket -Account -BackupPath $backup -WhatIf @local @role
        Get-RawAccountBlock | Should -Be 'none'

        $change = Block-PublicBucket -Account -Force -PassThru -BackupPath $backup @local @role
        $change.AccountLevel | Should -BeTrue
        $change.AccountId | Should -Be $account
        $change.Before.BlockPublicAccess | Should -BeNullOrEmpty
        $raw = [xml](Get-RawAccountBlock)
        foreach ($flag in 'BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets') { $raw.PublicAccessBlockConfiguration.$flag | Should -Be 'true' }
        Test-Path $change.RecordPath | Should -BeTrue
        (Block-PublicBucket -Account -Force -PassThru -BackupPath $backup @local @role).Changed | Should -BeFalse

        $file = Join-Path $backup "$account.xml"
        $change | Export-Clixml $file
        Import-Clixml $file | Unblock-PublicBucket -Confirm:$false @local @role -ErrorVariable failures
        $failures | Should -BeNullOrEmpty
        Get-RawAccountBlock | Should -Be 'none'
        Import-Clixml $file | Unblock-PublicBucket -Confirm:$false @local -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'RecordOfOtherAccount,*'
    }

    It 'names the missing permission when IAM denies a change, and leaves the bucket as it was (moto enforcing IAM)' {
        # A moto of its own that enforces IAM after the setup's 9 calls; the denied user may read but change only the policy.
        $env:INITIAL_NO_AUTH_ACTION_COUNT = '9'
        try { $enforcing = Start-EnforcingMoto } finally { Remove-Item Env:INITIAL_NO_AUTH_ACTION_COUNT }
        try {
            $url = $enforcing.Url.TrimEnd('/')
            $bucket = New-UniqueName 'pester-denied-'
            $setup = { param([string[]] $Arguments) $null = & aws --endpoint-url $url @Arguments --output json; if ($LASTEXITCODE) { throw "aws $($Arguments[0..1]) failed" } }
            & $setup s3api, create-bucket, --bucket, $bucket
            & $setup s3api, put-bucket-acl, --bucket, $bucket, --acl, public-read
            & $setup s3api, put-bucket-policy, --bucket, $bucket, --policy, ('{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::' + $bucket + '/*"}]}')
            $keys = foreach ($user in @{ Name = 'limited'; Actions = '"s3:Get*","s3:List*","s3:PutBucketPolicy","s3:DeleteBucketPolicy","sts:GetCallerIdentity"' }, @{ Name = 'admin'; Actions = '"*"' }) {
                & $setup iam, create-user, --user-name, $user.Name
                & $setup iam, put-user-policy, --user-name, $user.Name, --policy-name, access, --policy-document, ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[' + $user.Actions + '],"Resource":"*"}]}')
                (& aws --endpoint-url $url iam create-access-key --user-name $user.Name --output json | Out-String | ConvertFrom-Json).AccessKey
            }
            $limited = @{ EndpointUrl = $url; AccessKey = $keys[0].AccessKeyId; SecretKey = $keys[0].SecretAccessKey; Region = 'us-east-1' }
            $env:AWS_ACCESS_KEY_ID = $keys[1].AccessKeyId; $env:AWS_SECRET_ACCESS_KEY = $keys[1].SecretAccessKey
            $raw = { (& aws --endpoint-url $url s3api get-bucket-acl --bucket $bucket --output json) + (& aws --endpoint-url $url s3api get-bucket-policy --bucket $bucket --output json) + (& aws --endpoint-url $url s3api get-public-access-block --bucket $bucket --output json 2>&1) -join '' }
            $before = & $raw
            $before | Should -Match 'AllUsers'

            foreach ($method in 'BlockPublicAccess', 'RemovePublicGrants') {
                $folder = Join-Path $backup (New-UniqueName 'denied-')
                Block-PublicBucket $bucket -Method $method -Force -BackupPath $folder @limited -ErrorVariable failures -ErrorAction SilentlyContinue
                $failures.Count | Should -Be 1
                $failures[0].FullyQualifiedErrorId | Should -Be 'AccessDenied,AwsGuard.Commands.BlockPublicBucketCommand'
                $failures[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
                $failures[0].TargetObject | Should -Be $bucket
                $denied = if ($method -eq 'BlockPublicAccess') { 's3:PutBucketPublicAccessBlock' } else { 's3:PutBucketAcl' }
                $failures[0].Exception.Message | Should -Match ([regex]::Escape("Could not call $denied on bucket '$bucket'"))
                $failures[0].ErrorDetails.RecommendedAction | Should -Match ([regex]::Escape("Allow $denied"))
                if ($method -eq 'RemovePublicGrants') {
                    # The policy went first and was allowed: it is put back, and the error says so.
                    $failures[0].Exception.Message | Should -Match ([regex]::Escape("The change already made was put back (DeleteBucketPolicy: remove statement(s) 'PublicRead')"))
                }
                else {
                    $failures[0].Exception.Message | Should -Match 'Nothing was changed\.$'
                }
                & $raw | Should -Be $before
                @(Get-ChildItem $folder -File -ErrorAction SilentlyContinue).Count | Should -Be 0 -Because 'a change that did not happen leaves no record (nor a temporary file)'
            }
        }
        finally {
            $env:AWS_ACCESS_KEY_ID = $TestAccessKey; $env:AWS_SECRET_ACCESS_KEY = $TestSecretKey
            $enforcing.Process.Kill($true); $enforcing.Process.WaitForExit()
        }
    }

    It 'shows a change in a table that fits 80 columns' {
        $bucket = (New-ZooBucket 'both').Bucket
        $shown = Block-PublicBucket $bucket -Method RemovePublicGrants -Force -PassThru -BackupPath $backup @local | Out-String -Width 80
        $shown -split '\r?\n' | Where-Object Length -GT 80 | Should -BeNullOrEmpty
        $shown | Should -Match "(?m)^$bucket +RemovePublicGrants +True +PutBucketPolicy:"
    }
}

Describe 'Block-PublicBucket per account' {
    BeforeAll {
        $org = New-TestOrganization 2 1 1
        $management = $org.ManagementSession
        $member = $org.Members[0]
        $arn = "arn:aws:iam::$($member.AccountId):role/OrganizationAccountAccessRole"
        $blockFolder = (New-Item (Join-Path ([IO.Path]::GetTempPath()) (New-UniqueName 'block-org-')) -ItemType Directory).FullName
    }
    AfterAll { Remove-Item $blockFolder -Recurse -Force }

    It 'refuses a piped exposure of another account (AccountMismatch) and changes nothing' {
        $exposures = @(Get-AwsGuardAccount -RoleName OrganizationAccountAccessRole -AccountId $member.AccountId @management | Get-PublicBucket @management)
        $exposures.BucketName | Should -Be $member.PublicBuckets
        $exposures | Block-PublicBucket -Force -BackupPath $blockFolder @management -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'AccountMismatch,*'
        $failed[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failed[0].TargetObject | Should -Be $member.PublicBuckets[0]
        $failed[0].Exception.Message | Should -Match $member.AccountId
        (Get-PublicBucket $member.PublicBuckets[0] -AssumeRoleArn $arn @management).Status | Should -Be 'Public'
    }

    It 'blocks the exposure in its own account, with that account''s role' {
        $changes = @(Get-PublicBucket -AssumeRoleArn $arn @management | Block-PublicBucket -AssumeRoleArn $arn -Force -PassThru -BackupPath $blockFolder @management)
        $changes.BucketName | Should -Be $member.PublicBuckets
        $changes.AccountId | Should -Be $member.AccountId
        $changes.Changed | Should -Be $true
        @(Get-PublicBucket $member.PublicBuckets[0] -AssumeRoleArn $arn @management) | Should -BeNullOrEmpty
    }
}
