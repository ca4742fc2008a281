<#
.SYNOPSIS
    Workload 5: the whole organization. `Get-AwsGuardAccount | Get-PublicBucket` over 50 member accounts of 10 buckets
    each, against the boto3 loop admins write today (ListAccounts, assume the role, the per-bucket checks in a thread pool
    of 10), both on the same moto; the public buckets each finds must be the same set. Writes a markdown section.
#>
param([int] $Accounts = 50, [int] $BucketsPerAccount = 10, [int] $Runs = 3)
Import-Module (Join-Path $PSScriptRoot 'Bench.psm1') -Force

$aws = Start-LocalAws
try {
    $url = $aws.Url
    $seeded = & python3 (Join-Path $PSScriptRoot '../tests/Pester/seed_organization.py') $url $Accounts $BucketsPerAccount 3
    if ($LASTEXITCODE) { throw 'Seeding failed.' }
    $org = $seeded | ConvertFrom-Json
    # Both tools act with the management account's keys, from the environment, and the same role into each member.
    $env:AWS_ACCESS_KEY_ID = $org.ManagementKeys.AccessKey; $env:AWS_SECRET_ACCESS_KEY = $org.ManagementKeys.SecretKey
    $env:AWS_SESSION_TOKEN = $org.ManagementKeys.SessionToken
    $role = 'OrganizationAccountAccessRole'
    $guardOut = Join-Path ([IO.Path]::GetTempPath()) "awsguard-org-$([guid]::NewGuid()).txt"
    $botoOut = Join-Path ([IO.Path]::GetTempPath()) "boto3-org-$([guid]::NewGuid()).txt"
    $pipeline = "Get-AwsGuardAccount -RoleName $role -EndpointUrl '$url' | Get-PublicBucket -EndpointUrl '$url'"
    $scan = "$pipeline | ForEach-Object { `"`$(`$_.AccountId) `$(`$_.BucketName)`" } | Sort-Object | Set-Content '$guardOut'"
    $tools = [ordered]@{
        'AwsGuard (Get-AwsGuardAccount into Get-PublicBucket)' = Get-AwsGuardCommand $scan -Warm
        'boto3 loop, thread pool of 10 per account'       = @('python3', (Join-Path $PSScriptRoot 'org_boto3.py'), $url, $role, $botoOut)
    }
    $rows = @(Compare-Tool -Tools $tools -Runs $Runs)

    $guardSet = @(Get-Content $guardOut | Where-Object { $_ })
    $botoSet = @(Get-Content $botoOut | Where-Object { $_ })
    $expected = @($org.Members | ForEach-Object { $m = $_; $m.PublicBuckets | ForEach-Object { "$($m.AccountId) $_" } } | Sort-Object)
    if (Compare-Object $guardSet $botoSet) { throw "The two tools found different public buckets: $(Compare-Object $guardSet $botoSet | Out-String)" }
    if (Compare-Object $guardSet $expected) { throw "AwsGuard's public buckets differ from the seeded ones." }

    $counting = Get-AwsGuardCommand "& { `$VerbosePreference = 'Continue'; $pipeline } 4>&1 | Where-Object { `$_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message | Write-Host"
    $log = @(& $counting[0] @($counting | Select-Object -Skip 1) 6>&1 | Where-Object { "$_" -like 'AWS *' })
}
finally {
    Stop-LoopbackServer $aws
    Remove-Item Env:AWS_SESSION_TOKEN -ErrorAction SilentlyContinue
    Remove-Item $guardOut, $botoOut -ErrorAction SilentlyContinue
}

$buckets = $Accounts * $BucketsPerAccount
$byService = $log | ForEach-Object { ("$_" -split ' ')[1] } | Group-Object | Sort-Object Name | ForEach-Object { "$($_.Name) $($_.Count)" }
"## 6. The whole organization: $Accounts accounts of $BucketsPerAccount buckets"
''
"An organization seeded in moto (tests/Pester/seed_organization.py): $Accounts member accounts under an OU tree, $BucketsPerAccount buckets each, 3 of them public by policy; the management account scans through each member's OrganizationAccountAccessRole."
'Wall and Cpu: a new process per run; Warm: the third scan in that process.'
''
ConvertTo-MarkdownTable $rows
''
"- Result sets: identical, $($guardSet.Count) public buckets, each attributed to its own account (checked against the seed on every run of this workload)."
"- AWS calls (AwsGuard, from its call log): $($log.Count), $([math]::Round($log.Count / $buckets, 2)) a bucket; by service: $($byService -join ', '). The boto3 loop makes 3 a bucket (ACL, policy, Block Public Access) plus ListAccounts, and AssumeRole and ListBuckets per account, $([math]::Round((3 * $buckets + 1 + 2 * $Accounts) / $buckets, 2)) a bucket, but judges less (no ownership controls, policy status, account-level Block Public Access or conditions)."
"- Load average at the end of the run: $((Get-Content /proc/loadavg) -split ' ' | Select-Object -First 3) (the machine's 2 cores are shared; figures taken under load are noisy)."
