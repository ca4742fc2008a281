# Every output type serialises cleanly: no SDK type anywhere in it, no secret, times in ISO 8601 UTC.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $local = Get-LocalAwsParameters
    $env:AWS_ACCESS_KEY_ID = $TestAccessKey; $env:AWS_SECRET_ACCESS_KEY = $TestSecretKey; $env:AWS_DEFAULT_REGION = 'us-east-1'

    function Get-Types($Value, [int] $Depth = 5) {
        # The types of every value reachable through public properties, as ConvertTo-Json -Depth 5 walks them.
        if ($null -eq $Value -or $Depth -lt 0) { return }
        $Value.GetType()
        if ($Value -is [string] -or $Value.GetType().IsPrimitive -or $Value -is [enum] -or $Value -is [datetime]) { return }
        if ($Value -is [Collections.IEnumerable]) { foreach ($item in $Value) { Get-Types $item ($Depth - 1) }; return }
        foreach ($property in $Value.GetType().GetProperties()) { if (-not $property.GetIndexParameters()) { Get-Types $property.GetValue($Value) ($Depth - 1) } }
    }

    $bucket = New-UniqueName 'json-'
    $null = & aws --endpoint-url $local.EndpointUrl s3api create-bucket --bucket $bucket --acl public-read 2>&1
    $role = New-UniqueName 'json-role-'
    $null = & aws --endpoint-url $local.EndpointUrl iam create-role --role-name $role --assume-role-policy-document '{"Version":"2012-10-17","Statement":[]}' 2>&1
    $gateway = New-TestGateway -Region 'us-east-1' -Volume @{ target = (New-UniqueName 'json'); chap = @(@{ initiator = 'iqn.1991-05.com.microsoft:json'; initiatorSecret = 'JsonSecret-01'; targetSecret = 'JsonTarget-01' }) }
    $sgw = @{ EndpointUrl = (Get-StorageGatewayDoubleUrl); AccessKey = $TestAccessKey; SecretKey = $TestSecretKey; Region = 'us-east-1' }

    $group = "/json/$(New-UniqueName 'g')"
    $null = & aws --endpoint-url $local.EndpointUrl logs create-log-group --log-group-name $group 2>&1
    $null = & aws --endpoint-url $local.EndpointUrl logs create-log-stream --log-group-name $group --log-stream-name s 2>&1
    $trail = '{"eventVersion":"1.09","eventSource":"s3.amazonaws.com","eventName":"PutObject","awsRegion":"us-east-1","requestParameters":{"bucketName":"b","key":"k"}}'
    $now = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()
    $events = New-TemporaryFile
    ConvertTo-Json @(@{ timestamp = $now - 2000; message = 'plain' }, @{ timestamp = $now - 1000; message = $trail }) | Set-Content $events
    $null = & aws --endpoint-url $local.EndpointUrl logs put-log-events --log-group-name $group --log-stream-name s --log-events "file://$events" 2>&1
    $file = New-TemporaryFile
    Set-Content $file 'json'

    $outputs = @(
        Get-AwsGuardIdentity @local
        Get-PublicBucket $bucket @local
        Revoke-RoleSession $role @local -Force -PassThru
        Get-GatewayChap -GatewayArn $gateway.GatewayARN @sgw
        Get-CwLogEvent $group -StartTime 1h @local
        Copy-S3Quiet $file.FullName "s3://$bucket/json.txt" @local -PassThru
    )
    $secrets = $TestSecretKey, 'JsonSecret-01', 'JsonTarget-01'
}

Describe 'ConvertTo-Json of AwsGuard output' {
    It 'covers every kind of output produced here' {
        ($outputs | ForEach-Object { $_.GetType().Name } | Sort-Object -Unique) |
            Should -Be @('BucketExposure', 'CallerIdentity', 'ChapCredential', 'CloudTrailEvent', 'CopyResult', 'LogEvent', 'RoleSessionRevocation')
    }

    It 'reaches no SDK type' {
        foreach ($output in $outputs) {
            Get-Types $output | Where-Object { $_.Assembly.GetName().Name -like 'AWSSDK*' -or $_.Assembly.GetName().Name -eq 'AwsGuard.Engine' } |
                Should -BeNullOrEmpty -Because "$($output.GetType().Name) is AwsGuard's own"
        }
    }

    It 'holds no secret and writes times in ISO 8601 UTC' {
        foreach ($output in $outputs) {
            $json = $output | ConvertTo-Json -Depth 5
            foreach ($secret in $secrets) { $json | Should -Not -Match ([regex]::Escape($secret)) }
            foreach ($time in [regex]::Matches($json, '"(\d{4}-\d\d-\d\dT[^"]*)"')) { $time.Groups[1].Value | Should -Match 'Z$' }
        }
        ($outputs | Where-Object { $_ -is [AwsGuard.RoleSessionRevocation] } | ConvertTo-Json) | Should -Match '"RevokedBefore": "\d{4}-\d\d-\d\dT[\d:.]+Z"'
    }
}
