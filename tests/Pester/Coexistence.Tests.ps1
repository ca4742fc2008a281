# AwsGuard beside another AWSSDK line (as AWS.Tools brings it), in either load order, each in a new process.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    if (-not $env:AWSGUARD_NUGET_PACKAGES) { throw 'AWSGUARD_NUGET_PACKAGES is not set: run the tests with ./build.ps1 -Task Test.' }
    $group = "/coexist/$(New-UniqueName 'g')"
    $env:AWS_ACCESS_KEY_ID = $TestAccessKey; $env:AWS_SECRET_ACCESS_KEY = $TestSecretKey; $env:AWS_DEFAULT_REGION = 'us-east-1'
    $null = & aws --endpoint-url (Get-LocalAwsUrl) logs create-log-group --log-group-name $group 2>&1
    $null = & aws --endpoint-url (Get-LocalAwsUrl) logs create-log-stream --log-group-name $group --log-stream-name s 2>&1
    $null = & aws --endpoint-url (Get-LocalAwsUrl) logs put-log-events --log-group-name $group --log-stream-name s --log-events "timestamp=$([DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()),message=hello" 2>&1
    $otherCore = Join-Path $env:AWSGUARD_NUGET_PACKAGES 'awssdk.core/4.0.102.19/lib/net8.0/AWSSDK.Core.dll'
    $otherS3 = Join-Path $env:AWSGUARD_NUGET_PACKAGES 'awssdk.s3/4.0.104.12/lib/net8.0/AWSSDK.S3.dll'
    # Shared by both orders: load the other SDK, make a bucket with it, and use AwsGuard with that SDK's credentials.
    $prelude = @"
`$ErrorActionPreference = 'Stop'
`$endpoint = '$(Get-LocalAwsUrl)'
`$bucket = 'coexist-' + [guid]::NewGuid().ToString('N').Substring(0, 12)
function Use-OtherSdk {
    Add-Type -Path '$otherCore', '$otherS3'
    `$credential = [Amazon.Runtime.BasicAWSCredentials]::new('$TestAccessKey', '$TestSecretKey')
    `$config = [Amazon.S3.AmazonS3Config]@{ ServiceURL = `$endpoint; ForcePathStyle = `$true; AuthenticationRegion = 'us-east-1' }
    `$client = [Amazon.S3.AmazonS3Client]::new(`$credential, `$config)
    `$null = `$client.PutBucketAsync(`$bucket).GetAwaiter().GetResult()
    'other SDK ' + [Amazon.Runtime.AWSCredentials].Assembly.GetName().Version
    `$credential
}
function Use-AwsGuard(`$Credential) {
    Import-Module '$(Get-TestModulePath)'
    `$result = Get-PublicBucket -BucketName `$bucket -IncludeNotPublic -Credential `$Credential -EndpointUrl `$endpoint -Region us-east-1
    'AwsGuard ' + `$result.BucketName + ' ' + `$result.Status
    'logs ' + (Get-CwLogEvent '$group' -StartTime 1h -Credential `$Credential -EndpointUrl `$endpoint -Region us-east-1).Message
}
"@
}

Describe 'AwsGuard beside AWSSDK.Core 4.0.102.19' {
    It 'works when the other AWSSDK loaded first, and takes its credentials object' {
        $output = Invoke-FreshPwsh ($prelude + @'
$other = Use-OtherSdk
$other[0]
Use-AwsGuard $other[1]
'@)
        $output | Should -Contain 'other SDK 4.0.0.0'
        $output -match '^AwsGuard coexist-\w+ NotPublic$' | Should -Not -BeNullOrEmpty
        $output | Should -Contain 'logs hello'
    }

    It 'works when AwsGuard loaded first and the other AWSSDK after it' {
        $output = Invoke-FreshPwsh ($prelude + @'
Import-Module $env:AWSGUARD_MODULE
$null = Get-AwsGuardIdentity -EndpointUrl $endpoint -AccessKey AKIAFIRST00000000001 -SecretKey s -Region us-east-1
$other = Use-OtherSdk
$other[0]
Use-AwsGuard $other[1]
'@)
        $output | Should -Contain 'other SDK 4.0.0.0'
        $output -match '^AwsGuard coexist-\w+ NotPublic$' | Should -Not -BeNullOrEmpty
        $output | Should -Contain 'logs hello'
    }

    It 'loads AWSSDK.EC2 (the VM import cmdlets) into AwsGuard''s own load context, beside the other AWSSDK' {
        $output = Invoke-FreshPwsh ($prelude + @"
`$other = Use-OtherSdk
`$env:AWS_ENDPOINT_URL = `$endpoint; `$env:AWS_ENDPOINT_URL_EC2 = '$(Get-Ec2ImportDoubleUrl)'
Import-Module `$env:AWSGUARD_MODULE
'tasks ' + @(Get-VmImportTask -Credential `$other[1] -Region us-east-1).Count
foreach (`$context in [Runtime.Loader.AssemblyLoadContext]::All) {
    if (`$context.Assemblies | Where-Object { `$_.GetName().Name -eq 'AWSSDK.EC2' }) { 'EC2 in ' + `$context.Name }
}
"@)
        $output -match '^tasks \d+$' | Should -Not -BeNullOrEmpty
        $output | Should -Contain 'EC2 in AwsGuard'
        $output -match '^EC2 in ' | Should -HaveCount 1
    }
}
