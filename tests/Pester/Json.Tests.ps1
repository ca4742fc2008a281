# Every output type serialises cleanly: no SDK type anywhere in it, no secret, times in ISO 8601 UTC; in CSV every
# column holds text (no type name), and JSON keeps the structure.
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
    ConvertTo-Json @(@{ timestamp = $now - 2000; message = 'plain' }, @{ timestamp = $now - 1500; message = '{"status":500}' },
        @{ timestamp = $now - 1000; message = $trail }) | Set-Content $events
    $null = & aws --endpoint-url $local.EndpointUrl logs put-log-events --log-group-name $group --log-stream-name s --log-events "file://$events" 2>&1
    $file = New-TemporaryFile
    Set-Content $file 'json'

    $outputs = @(
        Get-AwsGuardIdentity @local
        Get-PublicBucket $bucket @local
        Revoke-RoleSession $role @local -Force -PassThru
        Get-GatewayChap -GatewayArn $gateway.GatewayARN @sgw
        Get-CwLogEvent $group -StartTime 1h -ParseJson @local
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

Describe 'Export-Csv of AwsGuard output' {
    BeforeAll {
        function ConvertTo-CsvRows($Items) { @($Items | ConvertTo-Csv | ConvertFrom-Csv) }
        # What Export-Csv writes for a value it cannot turn into text: a type name.
        $typeName = '^(System|AwsGuard|Amazon)\.[\w.`]+(\[.*\])?$'
    }

    It 'writes text, never a type name, in every column of <_>' -ForEach @('BucketExposure', 'CallerIdentity', 'ChapCredential', 'CloudTrailEvent', 'CopyResult', 'LogEvent', 'RoleSessionRevocation', 'ExposureReason') {
        $kind = $_
        $items = @(@($outputs) + @($outputs.Reasons) | Where-Object { $_ -and $_.GetType().Name -eq $kind })
        $items | Should -Not -BeNullOrEmpty
        foreach ($row in ConvertTo-CsvRows $items) {
            foreach ($cell in $row.PSObject.Properties) {
                # SecureStrings stay SecureStrings: their type name is the only safe text for a secret.
                if ($cell.Value -eq 'System.Security.SecureString') { continue }
                $cell.Value | Should -Not -Match $typeName -Because "$($cell.Name) of $kind must carry its content"
            }
        }
        $csv = $items | ConvertTo-Csv | Out-String
        foreach ($secret in $secrets) { $csv | Should -Not -Match ([regex]::Escape($secret)) }
    }

    It 'carries the reasons of a bucket as text: Reason and Reasons, and each reason''s Permissions' {
        $exposure = $outputs | Where-Object { $_ -is [AwsGuard.BucketExposure] }
        $row = ConvertTo-CsvRows $exposure
        $row.Reason | Should -Match 'grants READ to everyone \(AllUsers\)'
        $row.Reasons | Should -Match '^Acl: .*grants READ to everyone'
        (ConvertTo-CsvRows $exposure.Reasons)[0].Permissions | Should -Be 'READ'
    }

    It 'writes a CloudTrail record as its JSON, and parsed JSON data as JSON' {
        $trailEvent = $outputs | Where-Object { $_ -is [AwsGuard.CloudTrailEvent] }
        ((ConvertTo-CsvRows $trailEvent).Record | ConvertFrom-Json).requestParameters.bucketName | Should -Be 'b'
        $status = $outputs | Where-Object { $_ -is [AwsGuard.LogEvent] -and $_.Message -eq '{"status":500}' }
        (ConvertTo-CsvRows $status).Data | Should -Be '{"status":500}'
    }
}

Describe 'ConvertTo-Json keeps the structure' {
    It 'writes reasons and their permissions as arrays, and a CloudTrail record as an object' {
        $exposure = ($outputs | Where-Object { $_ -is [AwsGuard.BucketExposure] } | ConvertTo-Json -Depth 5 | ConvertFrom-Json)
        $exposure.Reasons[0].Permissions | Should -Be @('READ')
        $exposure.Reasons[0].Source | Should -Not -BeNullOrEmpty
        $trailEvent = ($outputs | Where-Object { $_ -is [AwsGuard.CloudTrailEvent] } | ConvertTo-Json -Depth 5 | ConvertFrom-Json)
        $trailEvent.Record.requestParameters.key | Should -Be 'k'
    }
}
