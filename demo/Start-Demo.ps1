<#
.SYNOPSIS
    AwsGuard against a local AWS: seeds a small scene with the AWS CLI, then runs each cmdlet as a user would.
    Started by ./build.ps1 -Task Demo, which starts and stops moto's server; needs no AWS account.
#>
param([string] $ModulePath, [string] $EndpointUrl)
$ErrorActionPreference = 'Stop'

# Demo-only credentials for the local AWS, for the AWS CLI and AwsGuard alike.
$env:AWS_ACCESS_KEY_ID = 'AKIADEMO000000000001'
$env:AWS_SECRET_ACCESS_KEY = 'demo-secret-key'
$env:AWS_DEFAULT_REGION = 'us-east-1'
$env:AWS_EC2_METADATA_DISABLED = 'true'
Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue

function Invoke-Aws {
    $output = & aws --endpoint-url $EndpointUrl --output json @args 2>&1
    if ($LASTEXITCODE -ne 0) { throw "aws $($args -join ' ') failed: $output" }
}

function Show-Step([string] $Text) { Write-Host "`n=== $Text" -ForegroundColor Cyan }

Show-Step "Seeding the local AWS at $EndpointUrl"
Invoke-Aws s3api create-bucket --bucket demo-website --acl public-read
Invoke-Aws s3api put-object --bucket demo-website --key index.html --acl public-read
Invoke-Aws s3api create-bucket --bucket demo-invoices
Invoke-Aws s3api put-bucket-policy --bucket demo-invoices --policy '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::demo-invoices/*","Condition":{"StringLike":{"aws:SourceVpc":"vpc-*"}}}]}'
Invoke-Aws s3api create-bucket --bucket demo-backups --acl public-read
Invoke-Aws s3api put-public-access-block --bucket demo-backups --public-access-block-configuration 'BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true'
Invoke-Aws s3api create-bucket --bucket demo-private
Invoke-Aws logs create-log-group --log-group-name /demo/app
Invoke-Aws logs create-log-stream --log-group-name /demo/app --log-stream-name web-1
$ms = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()
$trail = '{"eventVersion":"1.09","eventSource":"s3.amazonaws.com","eventName":"PutObject","awsRegion":"us-east-1","requestParameters":{"bucketName":"demo-website","key":"index.html","x-amz-acl":"public-read"}}'
$events = New-TemporaryFile
ConvertTo-Json @(@{ timestamp = $ms - 120000; message = 'GET /index.html 200' }, @{ timestamp = $ms - 60000; message = $trail }, @{ timestamp = $ms - 1000; message = 'GET /missing 404' }) |
    Set-Content $events
Invoke-Aws logs put-log-events --log-group-name /demo/app --log-stream-name web-1 --log-events "file://$events"
Invoke-Aws iam create-role --role-name DemoAuditor --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"demo-external-id"}}}]}'
Write-Host 'Buckets demo-website (public ACL), demo-invoices (policy with a wildcard VPC condition), demo-backups (public ACL, blocked), demo-private; log group /demo/app; role DemoAuditor.'

Import-Module $ModulePath
$PSDefaultParameterValues['*-AwsGuard*:EndpointUrl'] = $EndpointUrl
$PSDefaultParameterValues['*-PublicBucket:EndpointUrl'] = $EndpointUrl
$PSDefaultParameterValues['Revoke-RoleSession:EndpointUrl'] = $EndpointUrl
$PSDefaultParameterValues['Copy-S3Quiet:EndpointUrl'] = $EndpointUrl
$PSDefaultParameterValues['Get-CwLogEvent:EndpointUrl'] = $EndpointUrl

Show-Step 'Who does AwsGuard act as? (credentials from AWS_ACCESS_KEY_ID, region from AWS_DEFAULT_REGION)'
Get-AwsGuardIdentity | Format-List Account, Arn, CredentialSource, Region, RegionSource | Out-Host

Show-Step 'The same, through a cross-account role with an external id (-Verbose shows each AWS call)'
Get-AwsGuardIdentity -AssumeRoleArn arn:aws:iam::123456789012:role/DemoAuditor -ExternalId demo-external-id -Verbose |
    Format-Table Account, Arn | Out-Host

Show-Step 'Which buckets can anyone reach, and why? (every bucket, with -IncludeNotPublic)'
Get-PublicBucket -IncludeNotPublic | Format-Table -AutoSize | Out-Host

Show-Step 'Why is demo-invoices public? Its policy pins aws:SourceVpc only with a wildcard'
Get-PublicBucket demo-invoices | Select-Object -ExpandProperty Reasons | Format-List Source, Principal, Permissions, Detail | Out-Host

Show-Step 'A name that is not a bucket name is an error before any AWS call; the other names go on'
'not a bucket!', 'demo-website' | Get-PublicBucket -ErrorAction Continue | Format-Table BucketName, Status | Out-Host

Show-Step 'Block-PublicBucket: what would close each public bucket (-WhatIf sends no change)'
Get-PublicBucket | Block-PublicBucket -WhatIf

$changes = Join-Path ([IO.Path]::GetTempPath()) "awsguard-demo-changes-$PID"
Show-Step "Close them (records to $changes), then ask Get-PublicBucket again"
Get-PublicBucket | Block-PublicBucket -Force -PassThru -BackupPath $changes | Format-Table | Out-Host
Get-PublicBucket -IncludeNotPublic | Format-Table BucketName, Status | Out-Host

Show-Step 'Unblock-PublicBucket from the JSON records: every bucket exactly as it was'
Get-ChildItem $changes | Unblock-PublicBucket -Force -PassThru | Format-Table | Out-Host
Get-PublicBucket | Format-Table BucketName, Status | Out-Host
Remove-Item $changes -Recurse -Force

Show-Step 'The last 15 minutes of /demo/app as typed events (local times; the CLI prints epoch milliseconds)'
Get-CwLogEvent /demo/app -StartTime 15m | Out-Host

Show-Step 'The newest 2 events, oldest first'
Get-CwLogEvent /demo/app -Tail 2 | Out-Host

Show-Step 'A CloudTrail record binds into Get-PublicBucket by BucketName and ObjectKey'
Get-CwLogEvent /demo/app -FilterPattern PutObject | Get-PublicBucket -IncludeNotPublic | Format-Table BucketName, ObjectKey, Status | Out-Host

Show-Step 'Copy a folder to S3 quietly (one progress bar, nothing on the pipeline), then back with -PassThru'
Invoke-Aws s3api create-bucket --bucket demo-copy
$tree = New-Item (Join-Path ([IO.Path]::GetTempPath()) "awsguard-demo-$([guid]::NewGuid().ToString('N'))") -ItemType Directory
1..50 | ForEach-Object { Set-Content (Join-Path (New-Item "$tree/dir$($_ % 5)" -ItemType Directory -Force) "file$_.txt") "line $_" }
Copy-S3Quiet $tree s3://demo-copy/tree/ -Recurse
Copy-S3Quiet s3://demo-copy/tree/ "$tree-back" -Recurse -PassThru | Select-Object -First 5 | Format-Table | Out-Host

Show-Step 'SSE-C: your own 256-bit key, sent with every request that needs it, never shown'
$key = [byte[]]::new(32); [Security.Cryptography.RandomNumberGenerator]::Fill($key)
Copy-S3Quiet $tree s3://demo-copy/secret/ -Recurse -SseCustomerKey $key -PassThru | Select-Object -First 3 | Format-Table | Out-Host
Remove-Item $tree, "$tree-back" -Recurse -Force

Show-Step 'Revoke-RoleSession: what would change (-WhatIf), then cut off every session of DemoAuditor issued before now'
Revoke-RoleSession DemoAuditor -WhatIf
Revoke-RoleSession DemoAuditor -Force -PassThru | Format-Table | Out-Host

Show-Step 'The same role by its assumed-role session ARN, with an earlier time: the later time already set is kept'
Revoke-RoleSession -RoleArn 'arn:aws:sts::123456789012:assumed-role/DemoAuditor/leaked' -Before (Get-Date).AddHours(-1) -Force -PassThru |
    Format-Table | Out-Host

Show-Step "Seeding the Storage Gateway double at $env:AWSGUARD_SGW_URL (moto has no Storage Gateway)"
$seed = @{ gateways = @(@{ region = 'us-east-1'; name = 'demo-volumes'; type = 'STORED'; volumes = @(
            @{ target = 'finance' },
            @{ target = 'archive'; chap = @(@{ initiator = 'iqn.1991-05.com.microsoft:fileserver1'; initiatorSecret = 'OldSecret-001' }) }) }) }
$gateway = (Invoke-RestMethod "$($env:AWSGUARD_SGW_URL)_double/seed" -Method Post -ContentType 'application/json' -Body ($seed | ConvertTo-Json -Depth 8)).Gateways[0]
$PSDefaultParameterValues['*-GatewayChap:EndpointUrl'] = $env:AWSGUARD_SGW_URL
$finance = $gateway.Volumes[0].TargetARN
$initiator = 'iqn.1991-05.com.microsoft:fileserver1'
# Demo only: in real use, Read-Host -AsSecureString keeps secrets out of history.
$initiatorSecret = ConvertTo-SecureString 'DemoInit-2026' -AsPlainText -Force
$targetSecret = ConvertTo-SecureString 'DemoTarget-26' -AsPlainText -Force

Show-Step 'Get-GatewayChap: every iSCSI target of the gateway, with CHAP set or not, mutual or not'
Get-GatewayChap -GatewayArn $gateway.GatewayARN | Format-Table | Out-Host

Show-Step 'Set-GatewayChap: what would change (-WhatIf changes nothing), then mutual CHAP on the finance target'
Set-GatewayChap -TargetArn $finance -InitiatorName $initiator -InitiatorSecret $initiatorSecret -TargetSecret $targetSecret -WhatIf
Set-GatewayChap -TargetArn $finance -InitiatorName $initiator -InitiatorSecret $initiatorSecret -TargetSecret $targetSecret -Force -PassThru | Format-Table | Out-Host

Show-Step 'A 12-character secret of 24 bytes is refused before any call: the error says the rule and the length, not the secret'
Set-GatewayChap -TargetArn $finance -InitiatorName $initiator -InitiatorSecret (ConvertTo-SecureString 'ÄÖÜäöüÄÖÜäöü' -AsPlainText -Force) -Force -ErrorAction Continue

Show-Step 'Rotate every CHAP entry of the gateway through the pipeline, then audit again'
Get-GatewayChap -GatewayArn $gateway.GatewayARN | Where-Object ChapEnabled |
    Set-GatewayChap -InitiatorSecret (ConvertTo-SecureString 'Rotated-00001' -AsPlainText -Force) -TargetSecret (ConvertTo-SecureString 'RotatedTgt-01' -AsPlainText -Force) -Force
Get-GatewayChap -GatewayArn $gateway.GatewayARN | Format-Table | Out-Host

Show-Step 'The whole organization: a management account of its own with three member accounts, seeded through each account''s role'
$org = & python3 (Join-Path $PSScriptRoot '../tests/Pester/seed_organization.py') $EndpointUrl 3 2 1 | ConvertFrom-Json
if ($LASTEXITCODE) { throw 'Seeding the organization failed.' }
$management = @{ AccessKey = $org.ManagementKeys.AccessKey; SecretKey = $org.ManagementKeys.SecretKey; SessionToken = $org.ManagementKeys.SessionToken }
Get-AwsGuardAccount -RoleName OrganizationAccountAccessRole @management | Format-Table | Out-Host

Show-Step 'Every public bucket of every account, each scanned through its own role; AccountId says whose'
Get-AwsGuardAccount -RoleName OrganizationAccountAccessRole @management | Get-PublicBucket @management |
    Format-Table AccountId, BucketName, Status, Reason | Out-Host

Write-Host "`nDemo finished." -ForegroundColor Green
