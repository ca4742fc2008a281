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
Invoke-Aws s3api create-bucket --bucket demo-invoices
Invoke-Aws s3api put-bucket-policy --bucket demo-invoices --policy '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::demo-invoices/*","Condition":{"StringLike":{"aws:SourceVpc":"vpc-*"}}}]}'
Invoke-Aws s3api create-bucket --bucket demo-backups --acl public-read
Invoke-Aws s3api put-public-access-block --bucket demo-backups --public-access-block-configuration 'BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true'
Invoke-Aws s3api create-bucket --bucket demo-private
Invoke-Aws logs create-log-group --log-group-name /demo/app
Invoke-Aws logs create-log-stream --log-group-name /demo/app --log-stream-name web-1
Invoke-Aws iam create-role --role-name DemoAuditor --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"demo-external-id"}}}]}'
Write-Host 'Buckets demo-website (public ACL), demo-invoices (policy with a wildcard VPC condition), demo-backups (public ACL, blocked), demo-private; log group /demo/app; role DemoAuditor.'

Import-Module $ModulePath
$PSDefaultParameterValues['*-AwsGuard*:EndpointUrl'] = $EndpointUrl
$PSDefaultParameterValues['Get-PublicBucket:EndpointUrl'] = $EndpointUrl
$PSDefaultParameterValues['Revoke-RoleSession:EndpointUrl'] = $EndpointUrl

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
'Not_A_Bucket', 'demo-website' | Get-PublicBucket -ErrorAction Continue | Format-Table BucketName, Status | Out-Host

Show-Step 'Revoke-RoleSession: what would change (-WhatIf), then cut off every session of DemoAuditor issued before now'
Revoke-RoleSession DemoAuditor -WhatIf
Revoke-RoleSession DemoAuditor -Force -PassThru | Format-Table | Out-Host

Show-Step 'The same role by its assumed-role session ARN, with an earlier time: the later time already set is kept'
Revoke-RoleSession -RoleArn 'arn:aws:sts::123456789012:assumed-role/DemoAuditor/leaked' -Before (Get-Date).AddHours(-1) -Force -PassThru |
    Format-Table | Out-Host

Write-Host "`nDemo finished." -ForegroundColor Green
