<#
.SYNOPSIS
    Workload 2: reading a log group of 4 streams. Get-CwLogEvent against `aws logs filter-log-events` paging to a file
    and boto3's FilterLogEvents paginator, on the same moto server; the server's ceiling for AwsGuard's calls; and
    AwsGuard's memory from $Events to $LargeEvents events. Writes a markdown section to the output.
#>
param([int] $Events = 200000, [int] $LargeEvents = 1000000, [int] $Runs = 2)
Import-Module (Join-Path $PSScriptRoot 'Bench.psm1') -Force
$streams = 'app-1', 'app-2', 'app-3', 'app-4'
$group = '/bench/logs'

function Start-SeededAws([int] $Count) {
    $aws = Start-LocalAws
    & python3 (Join-Path $PSScriptRoot 'seed_logs.py') $aws.Url $group $Count $streams.Count
    if ($LASTEXITCODE) { Stop-LoopbackServer $aws; throw 'Seeding failed.' }
    $aws
}

function Get-ReadCommand([string] $Url, [int] $Expected, [switch] $Warm) {
    Get-AwsGuardCommand ("`$n = (Get-CwLogEvent '$group' -LogStreamName $($streams -join ',') -EndpointUrl '$Url' | Measure-Object).Count; " +
        "if (`$n -ne $Expected) { throw `"read `$n events, expected $Expected`" }") -Warm:$Warm
}

$aws = Start-SeededAws $Events
$out = New-TemporaryFile
try {
    $url = $aws.Url
    $cli = "aws --endpoint-url $url logs filter-log-events --log-group-name $group --log-stream-names $streams " +
        "--output text --query 'events[].[timestamp,message]' > $out && test `$(wc -l < $out) -eq $Events"
    $tools = [ordered]@{
        'AwsGuard Get-CwLogEvent'                  = Get-ReadCommand $url $Events -Warm
        'boto3 paginator (FilterLogEvents)'        = @('python3', (Join-Path $PSScriptRoot 'logs_boto3.py'), $url, $group, $Events) + $streams
        'aws logs filter-log-events, to a file'    = @('bash', '-c', $cli)
    }
    $rows = @(Compare-Tool -Tools $tools -Runs $Runs -NoWarmUp)

    # AwsGuard's calls: GetLogEvents from the head of each stream, following moto's forward tokens (f/<last index>).
    $until = [DateTimeOffset]::UtcNow.AddMinutes(1).ToUnixTimeMilliseconds()
    $perStream = [int][math]::Ceiling($Events / $streams.Count)
    $requests = foreach ($stream in $streams) {
        foreach ($last in @($null) + @(for ($i = 10000; $i -le $perStream; $i += 10000) { $i - 1 }) + @(if ($perStream % 10000) { $perStream - 1 })) {
            $body = [ordered]@{ logGroupName = $group; logStreamName = $stream; endTime = $until; startFromHead = $true }
            if ($null -ne $last) { $body.nextToken = 'f/{0:d56}' -f [long]$last }
            @{ Path = '/'; Service = 'logs'; Method = 'POST'; Body = ($body | ConvertTo-Json -Compress)
               Headers = 'X-Amz-Target: Logs_20140328.GetLogEvents', 'Content-Type: application/x-amz-json-1.1' }
        }
    }
    $ceiling = Invoke-Ceiling -Url $url -Requests $requests -Parallel $streams.Count
}
finally {
    Stop-LoopbackServer $aws
    Remove-Item $out -ErrorAction SilentlyContinue
}

# Memory: AwsGuard alone, the same read at $Events and at $LargeEvents events (a new server each).
$memory = foreach ($count in $Events, $LargeEvents) {
    $server = Start-SeededAws $count
    try {
        $run = Invoke-Measured (Get-ReadCommand $server.Url $count)
        [pscustomobject]@{ Events = $count; WallS = $run.wall; CpuS = $run.cpu; PeakMiB = $run.peak_mib; EventsPerS = [math]::Round($count / $run.wall) }
    }
    finally { Stop-LoopbackServer $server }
}

$guard, $boto = $rows[0], $rows[1]
"## 2. Reading $Events log events from $($streams.Count) streams"
''
"Events interleaved in time across the streams, ~100 bytes each (bench/seed_logs.py). AwsGuard: ``Get-CwLogEvent $group -LogStreamName $($streams -join ',')``"
'(GetLogEvents per stream, merged in time order); the peers: FilterLogEvents over the same streams, which moto answers by rebuilding and sorting every event of the group on every page.'
"Wall and Cpu: a new process per run; Warm: the third read in that process. Every tool's count of events is checked."
''
ConvertTo-MarkdownTable $rows
''
"- Events per second, AwsGuard over boto3: cold $([math]::Round($boto.WallS / $guard.WallS, 2))x, warm $([math]::Round($boto.WarmWallS / $guard.WarmWallS, 2))x (target: at least 2x)."
"- Client CPU per event, AwsGuard over boto3: cold $([math]::Round($guard.CpuS / $boto.CpuS, 2)), warm $([math]::Round($guard.WarmCpuS / $boto.WarmCpuS, 2)) (target: at most 0.5)."
"- Server ceiling (curl, $($ceiling.Parallel) at a time, AwsGuard's $($ceiling.Requests) GetLogEvents calls): $($ceiling.Wall) s; AwsGuard's warm read is $([math]::Round($guard.WarmWallS / $ceiling.Wall, 2))x that."
''
'Memory (AwsGuard, one new process each, a fresh server each; PeakMiB is the process''s peak resident set):'
''
ConvertTo-MarkdownTable @($memory)
