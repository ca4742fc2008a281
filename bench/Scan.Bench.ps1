<#
.SYNOPSIS
    Workload 1: a public-bucket scan. Get-PublicBucket against the runbook admins write today (a shell loop of
    aws s3api get-bucket-acl / get-bucket-policy / get-public-access-block per bucket) and against a boto3 thread pool
    of 10 doing the same calls, on the same moto server; plus the server's ceiling and AwsGuard's growth with bucket count.
    Writes a markdown section to the output.
#>
param([int] $Buckets = 300, [int] $Runs = 3, [int[]] $Scale = @(100, 300, 1000))
Import-Module (Join-Path $PSScriptRoot 'Bench.psm1') -Force

function Start-SeededAws([int] $Count) {
    $aws = Start-LocalAws
    & python3 (Join-Path $PSScriptRoot 'seed_buckets.py') $aws.Url $Count
    if ($LASTEXITCODE) { Stop-LoopbackServer $aws; throw 'Seeding failed.' }
    $aws
}

function Get-ScanCommand([string] $Url, [switch] $Warm) { Get-AwsGuardCommand "Get-PublicBucket -EndpointUrl '$Url' -IncludeNotPublic" -Warm:$Warm }

$aws = Start-SeededAws $Buckets
try {
    $url = $aws.Url
    $loop = "for b in `$(aws --endpoint-url $url s3api list-buckets --query 'Buckets[].Name' --output text); do " +
        "aws --endpoint-url $url s3api get-bucket-acl --bucket `$b >/dev/null; " +
        "aws --endpoint-url $url s3api get-bucket-policy --bucket `$b >/dev/null 2>&1 || true; " +
        "aws --endpoint-url $url s3api get-public-access-block --bucket `$b >/dev/null 2>&1 || true; done"
    $tools = [ordered]@{
        'AwsGuard Get-PublicBucket'       = Get-ScanCommand $url -Warm
        'boto3, thread pool of 10'        = @('python3', (Join-Path $PSScriptRoot 'scan_boto3.py'), $url)
        'aws CLI loop (3 calls a bucket)' = @('bash', '-c', $loop)
    }
    $rows = @(Compare-Tool -Tools $tools -Runs $Runs -RunsOf @{ 'aws CLI loop (3 calls a bucket)' = 1 })

    # The calls AwsGuard makes, counted from its call log, and the same calls sent raw: the server's ceiling.
    $log = Get-AwsGuardCallLog "Get-PublicBucket -EndpointUrl '$url' -IncludeNotPublic"
    $calls = $log.Count
    $locating = @($log | Where-Object { "$_" -like '*GetBucketLocation*' }).Count
    $requests = @(
        @{ Path = '/?max-buckets=1000' }
        @{ Path = '/?bucket-region=us-east-1&max-buckets=1000' } # moto's listing names no region: the home region's buckets, listed
        @{ Path = '/'; Service = 'sts'; Method = 'POST'; Body = 'Action=GetCallerIdentity&Version=2011-06-15' }
        @{ Path = '/v20180820/configuration/publicAccessBlock'; Service = 's3'; Headers = 'x-amz-account-id: 123456789012' }
        foreach ($i in 0..($Buckets - 1)) {
            $b = 'bench-{0:d4}' -f $i
            foreach ($query in 'policy', 'acl', 'publicAccessBlock', 'ownershipControls') { @{ Path = "/$b`?$query" } }
            if ($i % 4 -eq 1) { @{ Path = "/$b`?policyStatus" } } # public by policy: its status is asked
        }
    )
    $ceiling = Invoke-Ceiling -Url $url -Requests $requests
}
finally { Stop-LoopbackServer $aws }

$growth = foreach ($count in $Scale) {
    $server = Start-SeededAws $count
    try {
        $run = Invoke-Measured (Get-ScanCommand $server.Url)
        [pscustomobject]@{ Buckets = $count; WallS = $run.wall; CpuS = $run.cpu; PeakMiB = $run.peak_mib; MsPerBucket = [math]::Round(1000 * $run.wall / $count, 1) }
    }
    finally { Stop-LoopbackServer $server }
}

$guard, $boto = $rows[0], $rows[1]
"## 1. Public-bucket scan of $Buckets buckets"
''
'A quarter public by ACL, a quarter by policy, a quarter public but blocked, a quarter private (bench/seed_buckets.py).'
"Wall and Cpu: a new process per run (PowerShell's start and the module's import in AwsGuard's figures, Python's in the peers'); Warm: the third scan in that process."
''
ConvertTo-MarkdownTable $rows
''
"- Server ceiling (curl, $($ceiling.Parallel) at a time, the same $($ceiling.Requests) requests AwsGuard makes): $($ceiling.Wall) s. AwsGuard's cold wall time is $([math]::Round($guard.WallS / $ceiling.Wall, 2))x the ceiling, its warm $([math]::Round($guard.WarmWallS / $ceiling.Wall, 2))x (target: at most 1.2x)."
"- AWS calls: $calls, $([math]::Round($calls / $Buckets, 2)) a bucket (target: at most 5), $locating of them GetBucketLocation: AWS names each bucket's region in AwsGuard's paginated ListBuckets; moto does not, so one more ListBuckets, filtered by the home region, places the buckets there."
"- Client CPU, AwsGuard over boto3: cold $([math]::Round($guard.CpuS / $boto.CpuS, 2)), warm $([math]::Round($guard.WarmCpuS / $boto.WarmCpuS, 2)) (target: at most 0.33)."
''
'Growth with bucket count (AwsGuard, one new process each, a fresh server each):'
''
ConvertTo-MarkdownTable $growth
