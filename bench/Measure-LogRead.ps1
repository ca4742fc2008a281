<#
.SYNOPSIS
    Reads N log events (default 1,000,000) from a local moto server with Get-CwLogEvent and reports events per second and
    memory (managed heap and working set, sampled every 10,000 events), beside the AWS CLI paging the same data from the
    same server (get-log-events following nextForwardToken; filter-log-events with the CLI's own paginator).
    Not a test: run on demand. Seeding 1,000,000 events into moto takes a few minutes and moto holds about 1 GB.
.EXAMPLE
    dotnet pwsh ./bench/Measure-LogRead.ps1 -Count 1000000
#>
param([int] $Count = 1000000, [switch] $SkipCli, [switch] $SkipFilter)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
Import-Module (Join-Path $root 'build/AwsGuard.Build.psm1') -Force
$aws = Start-LocalAws
try {
    $env:AWS_ACCESS_KEY_ID = 'AKIABENCH00000000001'; $env:AWS_SECRET_ACCESS_KEY = 'bench-secret'; $env:AWS_DEFAULT_REGION = 'us-east-1'
    $group = '/bench/logs'
    # One stream (GetLogEvents) holding every event; 10,000 events of ~100 bytes per PutLogEvents call (AWS's batch limit).
    python3 -c @"
import boto3, time
c = boto3.client('logs', endpoint_url='$($aws.Url)')
base = int(time.time() * 1000) - 3600000
c.create_log_group(logGroupName='$group')
c.create_log_stream(logGroupName='$group', logStreamName='app')
for k in range(0, $Count, 10000):
    c.put_log_events(logGroupName='$group', logStreamName='app',
        logEvents=[{'timestamp': base + j // 300, 'message': 'INFO request %08d served in 12 ms by worker-7 path=/api/v1/orders status=200' % j} for j in range(k, min(k + 10000, $Count))])
"@
    if ($LASTEXITCODE) { throw 'Seeding failed.' }
    Import-Module (Join-Path $root 'out/AwsGuard/AwsGuard.psd1')
    $local = @{ EndpointUrl = $aws.Url; Region = 'us-east-1' }
    $null = Get-CwLogEvent $group app -First 1 @local # warm-up: load the module's assemblies once
    $process = [Diagnostics.Process]::GetCurrentProcess()

    function Measure-Read([string] $Name, [scriptblock] $Read) {
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
        $heapStart = [GC]::GetTotalMemory($true)
        $samples = [Collections.Generic.List[long]]::new()
        $peakSet = 0L
        $n = 0
        $clock = [Diagnostics.Stopwatch]::StartNew()
        & $Read | ForEach-Object {
            $n++
            if ($n % 10000 -eq 0) {
                $samples.Add([GC]::GetTotalMemory($false))
                $process.Refresh(); $peakSet = [math]::Max($peakSet, $process.WorkingSet64)
            }
        }
        $clock.Stop()
        $firstHalf = $samples | Select-Object -First ([math]::Max(1, [int]($samples.Count / 2)))
        $secondHalf = $samples | Select-Object -Skip ([int]($samples.Count / 2))
        [pscustomobject]@{
            Reader            = $Name
            Events            = $n
            Seconds           = [math]::Round($clock.Elapsed.TotalSeconds, 1)
            EventsPerSec      = [math]::Round($n / $clock.Elapsed.TotalSeconds)
            HeapStartMB       = [math]::Round($heapStart / 1MB, 1)
            HeapMax1stHalfMB  = [math]::Round(($firstHalf | Measure-Object -Maximum).Maximum / 1MB, 1)
            HeapMax2ndHalfMB  = [math]::Round(($secondHalf | Measure-Object -Maximum).Maximum / 1MB, 1)
            PeakWorkingSetMB  = [math]::Round($peakSet / 1MB)
        }
    }

    $results = @(
        Measure-Read 'Get-CwLogEvent (GetLogEvents, one stream)' { Get-CwLogEvent $group app @local }
        # A prefix makes it FilterLogEvents (moto ignores the prefix). AwsGuard asks for interleaved results, which moto
        # implements by sorting every event of the group on every page: on moto this path measures moto's sort.
        if (-not $SkipFilter) { Measure-Read 'Get-CwLogEvent (FilterLogEvents, group)' { Get-CwLogEvent $group -LogStreamNamePrefix a @local } }
    )
    if (-not $SkipCli) {
        $endpoint = $aws.Url.TrimEnd('/')
        # The CLI's get-log-events has no paginator: follow nextForwardToken by hand, as admins do, and count the events.
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $n = 0; $token = $null
        while ($true) {
            $tokenArgs = @(if ($token) { '--next-token', $token } else { '--start-from-head' }) # @() keeps one flag an array for splatting
            $page = aws logs get-log-events --endpoint-url $endpoint --log-group-name $group --log-stream-name app @tokenArgs --output json | ConvertFrom-Json
            $n += $page.events.Count
            if ($page.nextForwardToken -eq $token) { break }
            $token = $page.nextForwardToken
        }
        $clock.Stop()
        $results += [pscustomobject]@{ Reader = 'aws logs get-log-events (token loop)'; Events = $n; Seconds = [math]::Round($clock.Elapsed.TotalSeconds, 1); EventsPerSec = [math]::Round($n / $clock.Elapsed.TotalSeconds) }
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $n = @(aws logs filter-log-events --endpoint-url $endpoint --log-group-name $group --output text --query 'events[].[eventId]').Count
        $clock.Stop()
        $lines = $n
        $results += [pscustomobject]@{ Reader = 'aws logs filter-log-events (CLI paginator, text)'; Events = $lines; Seconds = [math]::Round($clock.Elapsed.TotalSeconds, 1); EventsPerSec = [math]::Round($lines / $clock.Elapsed.TotalSeconds) }
    }
    $results | Format-List | Out-Host
}
finally { Stop-LocalAws $aws }
