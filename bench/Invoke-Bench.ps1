<#
.SYNOPSIS
    Runs the benchmark workloads (bench/*.Bench.ps1), each against its own local server, and writes docs/benchmarks.md.
    Started by ./build.ps1 -Task Bench after a build; not part of Test.
.PARAMETER Workload
    Names of workloads to run (Copy, Import, Logs, Org, Scan, Trust); all by default.
.PARAMETER Settings
    Parameters for the workloads, each given to those that take it, e.g. @{ LargeSize = 256MB; Runs = 2 }; shown in the report.
#>
param([string[]] $Workload = '*', [hashtable] $Settings = @{})
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent

$versions = @(
    "AwsGuard $((Import-PowerShellDataFile (Join-Path $root 'out/AwsGuard/AwsGuard.psd1')).ModuleVersion)",
    "PowerShell $($PSVersionTable.PSVersion)",
    (& aws --version 2>&1),
    "boto3 $(& python3 -c 'import boto3; print(boto3.__version__)')",
    "moto $(& python3 -c 'import moto; print(moto.__version__)')"
) -join ', '
$memory = [math]::Round([double]((Get-Content /proc/meminfo -TotalCount 1) -replace '\D') / 1MB, 1)
$header = @(
    '# Benchmarks'
    ''
    "Measured $(Get-Date -Format 'yyyy-MM-dd') on $([Environment]::ProcessorCount) cores and $memory GiB, Linux; $versions."
    'Reproduce: `dotnet tool restore && dotnet pwsh ./build.ps1 -Task Bench` (or `-Workload Scan` etc. through bench/Invoke-Bench.ps1).'
    $(if ($Settings.Count) { "This run's settings, other than the workloads' defaults: $(($Settings.GetEnumerator() | ForEach-Object { "-$($_.Key) $($_.Value)" }) -join ', ')." })
    'All figures are medians. WallS and CpuS are cold: a new process doing the work once, its start and imports included (PowerShell''s and the module''s for AwsGuard, Python''s for the peers).'
    'WarmWallS and WarmCpuS: the work''s third run in that process, after two (bench/warm.py): the steady state, once .NET has recompiled the hot code. CPU is the client''s own user + sys time, from getrusage (bench/measure.py); the server''s is in no figure.'
    'PeakMiB is the client process''s peak resident set; VsAwsGuard is the tool''s cold wall time over AwsGuard''s. moto runs on the same 2 cores, so client CPU slows the server too.'
    'Where the time and CPU go, what was fixed and what limits the rest: [performance.md](performance.md).'
    ''
)
# The report keeps the sections of workloads not run this time (## 1. to ## 4.), so one workload can be measured again alone.
$report = Join-Path $root 'docs/benchmarks.md'
$sections = [ordered]@{}
if (Test-Path $report) {
    foreach ($old in ((Get-Content $report -Raw) -split '(?m)^(?=## \d)' | Select-Object -Skip 1)) { $sections[$old.Substring(0, 5)] = $old.TrimEnd() + "`n" }
}
foreach ($script in Get-ChildItem $PSScriptRoot -Filter *.Bench.ps1 | Where-Object { $name = $_.Name -replace '\.Bench\.ps1$'; $Workload | Where-Object { $name -like $_ } }) {
    Write-Host "Running $($script.Name)..."
    $parameters = @{}
    foreach ($name in $Settings.Keys) { if ((Get-Command $script.FullName).Parameters.ContainsKey($name)) { $parameters[$name] = $Settings[$name] } }
    $section = (& $script.FullName @parameters) -join "`n"
    Write-Host $section
    $sections[$section.Substring(0, 5)] = $section + "`n"
    # Written after each workload, so that what is measured is kept even if a later one fails.
    ($header + ($sections.Keys | Sort-Object | ForEach-Object { $sections[$_] })) -join "`n" | Set-Content $report
}
