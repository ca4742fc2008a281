<#
.SYNOPSIS
    Runs the benchmark workloads (bench/*.Bench.ps1), each against its own local server, and writes docs/benchmarks.md.
    Started by ./build.ps1 -Task Bench after a build; not part of Test.
.PARAMETER Workload
    Names of workloads to run (Scan, Import, ...); all by default.
#>
param([string[]] $Workload = '*')
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent

$sections = foreach ($script in Get-ChildItem $PSScriptRoot -Filter *.Bench.ps1 | Where-Object { $name = $_.Name -replace '\.Bench\.ps1$'; $Workload | Where-Object { $name -like $_ } }) {
    Write-Host "Running $($script.Name)..."
    $section = (& $script.FullName) -join "`n"
    Write-Host $section # shown as soon as it is measured
    $section
    ''
}

$versions = @(
    "AwsGuard $((Import-PowerShellDataFile (Join-Path $root 'out/AwsGuard/AwsGuard.psd1')).ModuleVersion)",
    "PowerShell $($PSVersionTable.PSVersion)",
    (& aws --version 2>&1),
    "boto3 $(& python3 -c 'import boto3; print(boto3.__version__)')",
    "moto $(& python3 -c 'import moto; print(moto.__version__)')"
) -join ', '
$memory = [math]::Round([double]((Get-Content /proc/meminfo -TotalCount 1) -replace '\D') / 1MB, 1)
$report = @(
    '# Benchmarks'
    ''
    "Measured $(Get-Date -Format 'yyyy-MM-dd') on $([Environment]::ProcessorCount) cores and $memory GiB, Linux; $versions."
    'Reproduce: `dotnet tool restore && dotnet pwsh ./build.ps1 -Task Bench` (or `-Workload Scan` etc. through bench/Invoke-Bench.ps1).'
    'Wall and CPU are medians; CPU is the client process tree''s own user + sys time (bench/measure.py); VsAwsGuard is the tool''s wall time over AwsGuard''s.'
    ''
) + $sections
$report -join "`n" | Set-Content (Join-Path $root 'docs/benchmarks.md')
$report -join "`n"
