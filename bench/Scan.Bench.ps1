<#
.SYNOPSIS
    Workload 1: a public-bucket scan. Get-PublicBucket against the runbook admins write today (a shell loop of
    aws s3api get-bucket-acl / get-bucket-policy / get-public-access-block per bucket) and against a boto3 thread pool
    of 10 doing the same calls, on the same moto server; plus the server's ceiling and AwsGuard's growth with bucket count.
    Writes a markdown section to the output.
#>
param([int] $Buckets = 100, [int] $Runs = 3, [int[]] $Scale = @(100, 300, 1000))
Import-Module (Join-Path $PSScriptRoot 'Bench.psm1') -Force

function Start-SeededAws([int] $Count) {
    $aws = Start-LocalAws
    & python3 (Join-Path $PSScriptRoot 'seed_buckets.py') $aws.Url $Count
    if ($LASTEXITCODE) { Stop-LocalAws $aws; throw 'Seeding failed.' }
    $aws
}

function Get-ScanCommand([string] $Url) { Get-AwsGuardCommand "Get-PublicBucket -EndpointUrl '$Url' -IncludeNotPublic | Out-Null" }

$aws = Start-SeededAws $Buckets
try {
    $url = $aws.Url
    $loop = "for b in `$(aws --endpoint-url $url s3api list-buckets --query 'Buckets[].Name' --output text); do " +
        "aws --endpoint-url $url s3api get-bucket-acl --bucket `$b >/dev/null; " +
        "aws --endpoint-url $url s3api get-bucket-policy --bucket `$b >/dev/null 2>&1 || true; " +
        "aws --endpoint-url $url s3api get-public-access-block --bucket `$b >/dev/null 2>&1 || true; done"
    $tools = [ordered]@{
        'AwsGuard Get-PublicBucket'      = Get-ScanCommand $url
        'boto3, thread pool of 10'       = @('python3', (Join-Path $PSScriptRoot 'scan_boto3.py'), $url)
        'aws CLI loop (3 calls a bucket)' = @('bash', '-c', $loop)
    }
    $rows = @(Compare-Tool -Tools $tools -Runs $Runs -RunsOf @{ 'aws CLI loop (3 calls a bucket)' = 1 })

    # The same HTTP calls AwsGuard makes, raw: the server's ceiling for this workload.
    $paths = foreach ($i in 0..($Buckets - 1)) {
        $b = 'bench-{0:d4}' -f $i
        "/$b?location", "/$b?publicAccessBlock", "/$b?ownershipControls", "/$b?acl", "/$b?policy"
        if ($i % 4 -eq 1) { "/$b?policyStatus" }
    }
    $ceiling = & python3 (Join-Path $PSScriptRoot 'raw_ceiling.py') $url 16 @paths | ConvertFrom-Json
    $counting = Get-AwsGuardCommand "Get-PublicBucket -EndpointUrl '$url' -IncludeNotPublic -Verbose 4>&1 | Where-Object { `$_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message"
    $verbose = & $counting[0] @($counting | Select-Object -Skip 1)
    $calls = @($verbose | Where-Object { $_ -like 'AWS *' }).Count
}
finally { Stop-LocalAws $aws }

$growth = foreach ($count in $Scale) {
    $server = Start-SeededAws $count
    try {
        $run = Invoke-Measured (Get-ScanCommand $server.Url)
        [pscustomobject]@{ Buckets = $count; WallS = $run.wall; CpuS = $run.cpu; PeakMiB = $run.peak_mib; MsPerBucket = [math]::Round(1000 * $run.wall / $count, 1) }
    }
    finally { Stop-LocalAws $server }
}

"## 1. Public-bucket scan of $Buckets buckets"
''
"A quarter public by ACL, a quarter by policy, a quarter public but blocked, a quarter private (bench/seed_buckets.py)."
"Each run is a new process: PowerShell start and module import are in AwsGuard's figures, Python's start in the peers'."
''
ConvertTo-MarkdownTable $rows
''
"Server ceiling (bench/raw_ceiling.py: the same $($ceiling.calls) HTTP calls AwsGuard makes, unsigned, 16 threads): $($ceiling.wall) s."
"AwsGuard's wall time is $([math]::Round($rows[0].WallS / $ceiling.wall, 2))x the ceiling; it made $calls AWS calls, $([math]::Round($calls / $Buckets, 2)) a bucket."
''
'Growth with bucket count (AwsGuard, one run each, a fresh server each):'
''
ConvertTo-MarkdownTable $growth
