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
Invoke-Aws iam create-role --role-name DemoGitHubDeploy --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}}]}'
Invoke-Aws iam create-role --role-name DemoVendorLegacy --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"sts:AssumeRole","Condition":{"StringEqualsIfExists":{"sts:ExternalId":"legacy"}}}]}'
Write-Host 'Buckets demo-website (public ACL), demo-invoices (policy with a wildcard VPC condition), demo-backups (public ACL, blocked), demo-private; log group /demo/app; roles DemoAuditor, DemoGitHubDeploy (no sub condition), DemoVendorLegacy (external id IfExists).'

Import-Module $ModulePath
$PSDefaultParameterValues['*-AwsGuard*:EndpointUrl'] = $EndpointUrl
$PSDefaultParameterValues['*-PublicBucket:EndpointUrl'] = $EndpointUrl
$PSDefaultParameterValues['*-PublicBucketGuard:EndpointUrl'] = $EndpointUrl
$PSDefaultParameterValues['Revoke-RoleSession:EndpointUrl'] = $EndpointUrl
$PSDefaultParameterValues['Get-RoleTrust:EndpointUrl'] = $EndpointUrl
$PSDefaultParameterValues['New-ThirdPartyRole:EndpointUrl'] = $EndpointUrl
$PSDefaultParameterValues['Copy-S3Quiet:EndpointUrl'] = $EndpointUrl
$PSDefaultParameterValues['Get-CwLogEvent:EndpointUrl'] = $EndpointUrl
$PSDefaultParameterValues['Get-EfsPerformance:EndpointUrl'] = $EndpointUrl
$PSDefaultParameterValues['Get-DdosReadiness:EndpointUrl'] = $EndpointUrl

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

Show-Step 'Seeding three EFS file systems with a day of hourly metrics (Max I/O; Bursting with draining credits; Provisioned and idle)'
function New-DemoFileSystem([string] $Name) {
    $id = & aws --endpoint-url $EndpointUrl efs create-file-system --creation-token "demo-$Name-$([guid]::NewGuid().ToString('N').Substring(0, 6))" `
        --tags "Key=Name,Value=demo-$Name" --query FileSystemId --output text @args
    if ($LASTEXITCODE -ne 0) { throw "create-file-system $Name failed: $id" }
    $id
}
$efsIds = @((New-DemoFileSystem 'maxio' --performance-mode maxIO), (New-DemoFileSystem 'home'),
    (New-DemoFileSystem 'builds' --throughput-mode provisioned --provisioned-throughput-in-mibps 256))
$metrics = New-TemporaryFile
ConvertTo-Json -Depth 5 @(foreach ($hour in 1..24) {
        $at = [DateTime]::UtcNow.AddHours(-$hour).ToString('yyyy-MM-ddTHH:mm:ssZ')
        $point = { param($Id, $Name, $Value) @{ MetricName = $Name; Dimensions = @(@{ Name = 'FileSystemId'; Value = $Id }); Timestamp = $at; Value = $Value } }
        & $point $efsIds[0] 'ClientConnections' 400
        & $point $efsIds[1] 'BurstCreditBalance' (300GB + $hour * 20GB)   # 480 GiB a day gone, 320 GiB left
        & $point $efsIds[1] 'PercentIOLimit' 35
        & $point $efsIds[1] 'ClientConnections' 120
        & $point $efsIds[2] 'PercentIOLimit' 8
        & $point $efsIds[2] 'PercentageOfPermittedThroughputUtilization' ($(if ($hour -eq 6) { 22 } else { 3 }))
    }) | Set-Content $metrics
$env:AWS_DISABLE_REQUEST_COMPRESSION = 'true' # the CLI gzips bodies over 10 KB, which moto's CloudWatch cannot read
Invoke-Aws cloudwatch put-metric-data --namespace AWS/EFS --metric-data "file://$metrics"
Remove-Item $metrics

Show-Step 'Get-EfsPerformance: each file system judged from its own metrics (many clients alone are no reason for Max I/O)'
Get-EfsPerformance -Days 2 | Where-Object FileSystemId -In $efsIds | Format-Table | Out-Host
Get-EfsPerformance $efsIds -Days 2 | Format-List FileSystemId, Name, Recommendation, Reasons | Out-Host

Show-Step 'Get-RoleTrust: who outside can assume our roles (one line per trust; moto has no organization here, so outside is External)'
Get-RoleTrust -ExternalOnly | Sort-Object Risk -Descending | Format-Table | Out-Host

Show-Step 'Why is DemoGitHubDeploy Critical? Any repository on GitHub can assume it'
Get-RoleTrust DemoGitHubDeploy | Select-Object -ExpandProperty Findings | Format-List | Out-Host

Show-Step 'New-ThirdPartyRole: a vendor that starts and stops EC2 instances; -WhatIf prints both policy documents'
New-ThirdPartyRole DemoVendorEc2 -ThirdPartyAccountId 999988887777 -ThirdPartyExternalId 'Vendor-8c1f2e' -Action ec2:DescribeInstances, ec2:StartInstances, ec2:StopInstances -WhatIf

Show-Step 'Create it, then judge it: nothing High (the whole vendor account is trusted, with the external id: Low)'
New-ThirdPartyRole DemoVendorEc2 -ThirdPartyAccountId 999988887777 -ThirdPartyExternalId 'Vendor-8c1f2e' -Action ec2:DescribeInstances, ec2:StartInstances, ec2:StopInstances -Confirm:$false |
    Format-List RoleArn, ExternalId | Out-Host
Get-RoleTrust DemoVendorEc2 | Format-Table | Out-Host

Show-Step 'A wildcard action is refused before any AWS call'
try { New-ThirdPartyRole DemoVendorAll -ThirdPartyAccountId 999988887777 -ThirdPartyExternalId 'Vendor-8c1f2e' -Action 'ec2:*' -Confirm:$false }
catch { Write-Host "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" -ForegroundColor Yellow }
Show-Step 'Install-PublicBucketGuard: what AWS itself would watch, notify and fix in the buckets'' region (-WhatIf)'
Install-PublicBucketGuard -Remediate -WhatIf

Show-Step 'Install it (EventBridge rule, SNS topic, runbook target, two roles); a second run changes nothing'
Install-PublicBucketGuard -Remediate -WarningAction SilentlyContinue | Format-Table | Out-Host
Install-PublicBucketGuard -Remediate -WarningAction SilentlyContinue -Verbose 4>&1 | Where-Object { $_ -match 'nothing changed' } | Out-Host

Show-Step 'Someone disables the rule: Get-PublicBucketGuard names the missing piece; Uninstall removes only what AwsGuard tagged'
Invoke-Aws events disable-rule --name AwsGuard-PublicBucketGuard
Get-PublicBucketGuard | Format-List Region, Status, Missing | Out-Host
Uninstall-PublicBucketGuard -Force | Format-Table | Out-Host

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

Show-Step "VM Import: S3, IAM and STS on the local AWS, EC2 on the import double at $env:AWSGUARD_EC2_URL (moto has no ImportImage)"
$env:AWS_ENDPOINT_URL = $EndpointUrl
$env:AWS_ENDPOINT_URL_EC2 = $env:AWSGUARD_EC2_URL
Invoke-Aws s3api create-bucket --bucket demo-vm-imports
# An OVA as vSphere exports it: a tar archive whose first entry is the .ovf descriptor.
$ova = Join-Path ([IO.Path]::GetTempPath()) 'demo-web01.ova'
$bytes = [byte[]]::new(1MB)
[Text.Encoding]::ASCII.GetBytes('web01.ovf').CopyTo($bytes, 0)
[Text.Encoding]::ASCII.GetBytes('ustar').CopyTo($bytes, 257)
[IO.File]::WriteAllBytes($ova, $bytes)

Show-Step 'Test-VmImport: the disk by its content, the bucket, the vmimport role (missing), the caller'
Test-VmImport -Path $ova -Bucket demo-vm-imports | Format-Table | Out-Host

Show-Step 'Test-VmImport -CreateRole: the role with the documented trust and a policy for the bucket, then every check passes'
Test-VmImport -Path $ova -Bucket demo-vm-imports -CreateRole -Confirm:$false | Format-Table | Out-Host

Show-Step 'Import-VmImage -Wait: upload, ImportImage, and every stage of the task to its AMI'
Import-VmImage -Path $ova -Bucket demo-vm-imports -Platform Linux -Wait -PollInterval 1 | Format-Table | Out-Host
Get-VmImportTask | Format-Table | Out-Host
Remove-Item $ova
Remove-Item Env:AWS_ENDPOINT_URL, Env:AWS_ENDPOINT_URL_EC2

Show-Step 'Get-DdosReadiness: a load balancer behind CloudFront, its WAF and Shield, and the way around CloudFront'
function Invoke-AwsJson { & aws --endpoint-url $EndpointUrl --output json @args | Out-String | ConvertFrom-Json }
$vpc = (Invoke-AwsJson ec2 create-vpc --cidr-block 10.0.0.0/16).Vpc.VpcId
$subnets = foreach ($zone in 'a', 'b') { (Invoke-AwsJson ec2 create-subnet --vpc-id $vpc --cidr-block "10.0.$([int][char]$zone).0/24" --availability-zone "us-east-1$zone").Subnet.SubnetId }
$open = (Invoke-AwsJson ec2 create-security-group --group-name demo-web --description 'open to all' --vpc-id $vpc).GroupId
Invoke-Aws ec2 authorize-security-group-ingress --group-id $open --protocol tcp --port 443 --cidr 0.0.0.0/0
$shop = (Invoke-AwsJson elbv2 create-load-balancer --name demo-shop --subnets @subnets --security-groups $open).LoadBalancers[0]
$targets = (Invoke-AwsJson elbv2 create-target-group --name demo-web --protocol HTTP --port 80 --vpc-id $vpc).TargetGroups[0].TargetGroupArn
Invoke-Aws elbv2 create-listener --load-balancer-arn $shop.LoadBalancerArn --protocol HTTPS --port 443 --default-actions "Type=forward,TargetGroupArn=$targets"
$rules = ConvertTo-Json -Depth 8 @(
    @{ Name = 'rate'; Priority = 1; Statement = @{ RateBasedStatement = @{ Limit = 1000; AggregateKeyType = 'IP' } }; Action = @{ Block = @{} }; VisibilityConfig = @{ SampledRequestsEnabled = $true; CloudWatchMetricsEnabled = $true; MetricName = 'rate' } },
    @{ Name = 'sqli'; Priority = 2; Statement = @{ ManagedRuleGroupStatement = @{ VendorName = 'AWS'; Name = 'AWSManagedRulesSQLiRuleSet' } }; OverrideAction = @{ Count = @{} }; VisibilityConfig = @{ SampledRequestsEnabled = $true; CloudWatchMetricsEnabled = $true; MetricName = 'sqli' } })
$rulesFile = New-TemporaryFile
Set-Content $rulesFile $rules
$acl = (Invoke-AwsJson wafv2 create-web-acl --name demo-shop --scope REGIONAL --default-action 'Allow={}' --visibility-config 'SampledRequestsEnabled=true,CloudWatchMetricsEnabled=true,MetricName=demo' --rules "file://$rulesFile").Summary.ARN
Invoke-Aws wafv2 associate-web-acl --web-acl-arn $acl --resource-arn $shop.LoadBalancerArn
$distribution = @{ CallerReference = 'demo'; Comment = 'demo'; Enabled = $true
    Origins = @{ Quantity = 1; Items = @(@{ Id = 'shop'; DomainName = $shop.DNSName; CustomOriginConfig = @{ HTTPPort = 80; HTTPSPort = 443; OriginProtocolPolicy = 'https-only' } }) }
    DefaultCacheBehavior = @{ TargetOriginId = 'shop'; ViewerProtocolPolicy = 'https-only'; MinTTL = 0; ForwardedValues = @{ QueryString = $false; Cookies = @{ Forward = 'none' } } } }
Set-Content $rulesFile (ConvertTo-Json -Depth 8 $distribution)
Invoke-Aws cloudfront create-distribution --distribution-config "file://$rulesFile"
Remove-Item $rulesFile
Write-Host 'Load balancer demo-shop (web ACL: rate limit, SQL injection group set to Count; port 443 open to all) behind a CloudFront distribution without a web ACL.'
$ddos = Get-DdosReadiness
$ddos | Format-Table | Out-Host
$ddos | Where-Object ResourceType -EQ ApplicationLoadBalancer | Select-Object -ExpandProperty Findings | Format-List | Out-Host
Show-Step 'The whole organization: a management account of its own with three member accounts, seeded through each account''s role'
$org = & python3 (Join-Path $PSScriptRoot '../tests/Pester/seed_organization.py') $EndpointUrl 3 2 1 | ConvertFrom-Json
if ($LASTEXITCODE) { throw 'Seeding the organization failed.' }
$management = @{ AccessKey = $org.ManagementKeys.AccessKey; SecretKey = $org.ManagementKeys.SecretKey; SessionToken = $org.ManagementKeys.SessionToken }
Get-AwsGuardAccount -RoleName OrganizationAccountAccessRole @management | Format-Table | Out-Host

Show-Step 'Every public bucket of every account, each scanned through its own role; AccountId says whose'
Get-AwsGuardAccount -RoleName OrganizationAccountAccessRole @management | Get-PublicBucket @management |
    Format-Table AccountId, BucketName, Status, Reason | Out-Host

Write-Host "`nDemo finished." -ForegroundColor Green
