<#
.SYNOPSIS
    Compares Copy-S3Quiet with `aws s3 cp --recursive --quiet` on one local moto server, side by side: many small
    files and one large file, each direction. Prints wall time, client CPU time and the ratios. Not a test: run on demand.
.DESCRIPTION
    Client CPU: for the AWS CLI, the CPU time of its process (user + system, from getrusage of the child, so Python's
    start-up is included); for Copy-S3Quiet, the CPU time this PowerShell process spent during the command (the module
    is loaded and warmed up first). moto runs on the same machine and its CPU is in neither figure, but it shares
    the cores, so wall times are those of a loaded loopback server, not of AWS.
    -ThrottleLimits runs the small-file copies once per value, to choose the default.
.EXAMPLE
    dotnet pwsh ./bench/Measure-Copy.ps1
.EXAMPLE
    dotnet pwsh ./bench/Measure-Copy.ps1 -LargeSize 256MB -ThrottleLimits 8, 16, 32, 64
#>
param([int] $SmallCount = 2000, [int] $SmallSize = 4KB, [long] $LargeSize = 1GB, [int] $ThrottleLimit = 0, [int[]] $ThrottleLimits = @())
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
Import-Module (Join-Path $root 'build/AwsGuard.Build.psm1') -Force
$aws = Start-LocalAws
$work = New-Item (Join-Path ([IO.Path]::GetTempPath()) "awsguard-bench-$([guid]::NewGuid().ToString('N'))") -ItemType Directory
try {
    $env:AWS_ACCESS_KEY_ID = 'AKIABENCH00000000001'; $env:AWS_SECRET_ACCESS_KEY = 'bench-secret'; $env:AWS_DEFAULT_REGION = 'us-east-1'
    $endpoint = $aws.Url
    & aws --endpoint-url $endpoint s3api create-bucket --bucket bench | Out-Null
    if ($LASTEXITCODE) { throw 'create-bucket failed.' }

    # The data: small files in 20 folders, and one large file, random content written 1 MB at a time.
    $small = New-Item (Join-Path $work 'small') -ItemType Directory
    $random = [Random]::new(1)
    $bytes = [byte[]]::new($SmallSize)
    for ($i = 0; $i -lt $SmallCount; $i++) {
        $random.NextBytes($bytes)
        $folder = Join-Path $small "d$($i % 20)"
        if (-not (Test-Path $folder)) { $null = New-Item $folder -ItemType Directory }
        [IO.File]::WriteAllBytes((Join-Path $folder "f$i.bin"), $bytes)
    }
    $large = New-Item (Join-Path $work 'large') -ItemType Directory
    $buffer = [byte[]]::new(1MB)
    $stream = [IO.File]::Create((Join-Path $large 'large.bin'))
    for ($left = $LargeSize; $left -gt 0; $left -= $buffer.Length) { $random.NextBytes($buffer); $stream.Write($buffer, 0, [Math]::Min($buffer.Length, $left)) }
    $stream.Dispose()

    Import-Module (Join-Path $root 'out/AwsGuard/AwsGuard.psd1')
    $session = @{ EndpointUrl = $endpoint }
    $warm = Join-Path $work 'warm.txt'; Set-Content $warm 'warm-up'
    Copy-S3Quiet $warm s3://bench/warm.txt @session # loads the module's assemblies and the client once
    $self = [Diagnostics.Process]::GetCurrentProcess()

    function Measure-Cli([string[]] $Arguments) {
        # getrusage of the child: the CLI's own CPU time, Python start-up included
        $line = python3 -c @'
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.call(sys.argv[1:])
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(code, wall, usage.ru_utime + usage.ru_stime)
'@ aws --endpoint-url $endpoint s3 cp @Arguments --recursive --quiet
        $code, $wall, $cpu = $line -split ' '
        if ($code -ne '0') { throw "aws s3 cp $Arguments failed with exit code $code." }
        [pscustomobject]@{ Wall = [double]$wall; Cpu = [double]$cpu }
    }
    function Measure-Quiet([string] $Source, [string] $Destination, [int] $Limit) {
        $extra = if ($Limit -gt 0) { @{ ThrottleLimit = $Limit } } else { @{} }
        $self.Refresh(); $cpu = $self.TotalProcessorTime
        $clock = [Diagnostics.Stopwatch]::StartNew()
        Copy-S3Quiet $Source $Destination -Recurse @session @extra -ErrorAction Stop
        $clock.Stop(); $self.Refresh()
        [pscustomobject]@{ Wall = $clock.Elapsed.TotalSeconds; Cpu = ($self.TotalProcessorTime - $cpu).TotalSeconds }
    }
    function Compare-Run([string] $Case, $Cli, $Quiet) {
        Write-Host "$Case done: CLI $([math]::Round($Cli.Wall, 2)) s, Copy-S3Quiet $([math]::Round($Quiet.Wall, 2)) s" # partial figures survive a stop
        [pscustomobject]@{
            Case         = $Case
            'CLI s'      = [math]::Round($Cli.Wall, 2)
            'Quiet s'    = [math]::Round($Quiet.Wall, 2)
            'Speed-up'   = [math]::Round($Cli.Wall / $Quiet.Wall, 2)
            'CLI CPU s'  = [math]::Round($Cli.Cpu, 2)
            'Quiet CPU s' = [math]::Round($Quiet.Cpu, 2)
            'CPU ratio'  = [math]::Round($Cli.Cpu / [math]::Max($Quiet.Cpu, 0.001), 2)
        }
    }

    $label = "$SmallCount x $([math]::Round($SmallSize / 1KB)) KB"
    $largeLabel = "1 x $([math]::Round($LargeSize / 1MB)) MB"
    $rows = @(
        Compare-Run "$label up" (Measure-Cli $small.FullName, 's3://bench/cli-small/') (Measure-Quiet $small.FullName 's3://bench/quiet-small/' $ThrottleLimit)
        Compare-Run "$label down" (Measure-Cli 's3://bench/cli-small/', (Join-Path $work 'cli-small')) (Measure-Quiet 's3://bench/cli-small/' (Join-Path $work 'quiet-small') $ThrottleLimit)
        Compare-Run "$largeLabel up" (Measure-Cli $large.FullName, 's3://bench/cli-large/') (Measure-Quiet $large.FullName 's3://bench/quiet-large/' $ThrottleLimit)
        Compare-Run "$largeLabel down" (Measure-Cli 's3://bench/cli-large/', (Join-Path $work 'cli-large')) (Measure-Quiet 's3://bench/cli-large/' (Join-Path $work 'quiet-large') $ThrottleLimit)
    )
    $rows | Format-Table -AutoSize | Out-Host

    if ($ThrottleLimits) {
        $limits = foreach ($limit in $ThrottleLimits) {
            $up = Measure-Quiet $small.FullName "s3://bench/limit-$limit/" $limit
            $down = Measure-Quiet 's3://bench/cli-small/' (Join-Path $work "limit-$limit") $limit
            Write-Host "-ThrottleLimit $limit done"
            [pscustomobject]@{ ThrottleLimit = $limit; 'Up s' = [math]::Round($up.Wall, 2); 'Down s' = [math]::Round($down.Wall, 2); 'Up files/s' = [math]::Round($SmallCount / $up.Wall); 'Down files/s' = [math]::Round($SmallCount / $down.Wall) }
        }
        $limits | Format-Table -AutoSize | Out-Host
    }
}
finally {
    Stop-LocalAws $aws
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}
