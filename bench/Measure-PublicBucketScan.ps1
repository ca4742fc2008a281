<#
.SYNOPSIS
    Scans N buckets of mixed configurations on a local moto server with Get-PublicBucket and reports wall time and
    AWS calls per bucket (counted from -Verbose, one line per call). Not a test: run on demand.
.EXAMPLE
    dotnet pwsh ./bench/Measure-PublicBucketScan.ps1 -Count 300
#>
param([int] $Count = 300, [int] $ThrottleLimit = 16)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
Import-Module (Join-Path $root 'build/AwsGuard.Build.psm1') -Force
$aws = Start-LocalAws
try {
    $env:AWS_ACCESS_KEY_ID = 'AKIABENCH00000000001'; $env:AWS_SECRET_ACCESS_KEY = 'bench-secret'; $env:AWS_DEFAULT_REGION = 'us-east-1'
    # Seed in one Python process: a quarter public by ACL, a quarter by policy, a quarter blocked, a quarter private.
    python3 -c @"
import boto3, json, sys
s3 = boto3.client('s3', endpoint_url='$($aws.Url)')
for i in range($Count):
    b = f'bench-{i:04d}'
    kind = i % 4
    s3.create_bucket(Bucket=b, **({'ACL': 'public-read'} if kind in (0, 2) else {}))
    if kind == 1:
        s3.put_bucket_policy(Bucket=b, Policy=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': '*', 'Action': 's3:GetObject', 'Resource': f'arn:aws:s3:::{b}/*'}]}))
    if kind == 2:
        s3.put_public_access_block(Bucket=b, PublicAccessBlockConfiguration={'BlockPublicAcls': True, 'IgnorePublicAcls': True, 'BlockPublicPolicy': True, 'RestrictPublicBuckets': True})
"@
    if ($LASTEXITCODE) { throw 'Seeding failed.' }
    Import-Module (Join-Path $root 'out/AwsGuard/AwsGuard.psd1')
    $null = Get-AwsGuardIdentity -EndpointUrl $aws.Url # warm-up: load the module's assemblies once
    $lines = [Collections.Generic.List[string]]::new()
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $results = @(Get-PublicBucket -EndpointUrl $aws.Url -IncludeNotPublic -ThrottleLimit $ThrottleLimit -Verbose 4>&1 |
            ForEach-Object { if ($_ -is [Management.Automation.VerboseRecord]) { $lines.Add($_.Message) } else { $_ } })
    $clock.Stop()
    $calls = @($lines | Where-Object { $_ -like 'AWS *' })
    [pscustomobject]@{
        Buckets        = $results.Count
        Seconds        = [math]::Round($clock.Elapsed.TotalSeconds, 2)
        BucketsPerSec  = [math]::Round($results.Count / $clock.Elapsed.TotalSeconds, 1)
        CallsPerBucket = [math]::Round($calls.Count / $results.Count, 2)
        Public         = @($results | Where-Object Status -EQ Public).Count
        Blocked        = @($results | Where-Object Status -EQ Blocked).Count
        NotPublic      = @($results | Where-Object Status -EQ NotPublic).Count
        Unknown        = @($results | Where-Object Status -EQ Unknown).Count
    }
    # Call lines read "AWS <service> <operation> <region> -> <status> in <ms> ms"; a service name may hold a space.
    $calls | ForEach-Object { $_ -replace '^AWS (.+) (\S+) \S+ -> .*$', '$1 $2' } | Group-Object | Sort-Object Count -Descending |
        Format-Table Count, Name | Out-Host
}
finally { Stop-LocalAws $aws }
