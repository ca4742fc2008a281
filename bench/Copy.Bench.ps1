<#
.SYNOPSIS
    Workload 3: copies, each direction. Copy-S3Quiet against `aws s3 cp --recursive --quiet`: $SmallCount files of
    $SmallSize bytes, and one file of $LargeSize bytes, on the same moto server; plus the server's ceiling for the small
    files. Writes a markdown section to the output.
#>
param([int] $SmallCount = 2000, [int] $SmallSize = 4KB, [long] $LargeSize = 1GB, [int] $Runs = 3)
Import-Module (Join-Path $PSScriptRoot 'Bench.psm1') -Force

$aws = Start-LocalAws
$work = New-Item (Join-Path ([IO.Path]::GetTempPath()) "awsguard-bench-$([guid]::NewGuid().ToString('N'))") -ItemType Directory
try {
    $url = $aws.Url
    & aws --endpoint-url $url s3api create-bucket --bucket bench | Out-Null
    if ($LASTEXITCODE) { throw 'create-bucket failed.' }

    # The data: small files in 20 folders, and one large file, random content.
    $small = New-Item (Join-Path $work 'small') -ItemType Directory
    $random = [Random]::new(1)
    $bytes = [byte[]]::new($SmallSize)
    foreach ($i in 0..($SmallCount - 1)) {
        $random.NextBytes($bytes)
        $folder = Join-Path $small "d$($i % 20)"
        $null = New-Item $folder -ItemType Directory -Force
        [IO.File]::WriteAllBytes((Join-Path $folder "f$i.bin"), $bytes)
    }
    $large = Join-Path (New-Item (Join-Path $work 'large') -ItemType Directory) 'large.bin'
    $buffer = [byte[]]::new(1MB)
    $stream = [IO.File]::Create($large)
    for ($left = $LargeSize; $left -gt 0; $left -= $buffer.Length) { $random.NextBytes($buffer); $stream.Write($buffer, 0, [Math]::Min($buffer.Length, $left)) }
    $stream.Dispose()
    # What the downloads read: the same files, put there once by the CLI.
    & aws --endpoint-url $url s3 cp $small s3://bench/small/ --recursive --quiet
    & aws --endpoint-url $url s3 cp $large s3://bench/large/large.bin --quiet
    if ($LASTEXITCODE) { throw 'Seeding failed.' }

    function Compare-Copy([string] $Case, [string] $Source, [string] $Destination, [switch] $Large) {
        # A download starts from an empty folder each run; an upload overwrites the same keys.
        # (Directory.Delete, like rm -rf: Remove-Item's provider walk would cost AwsGuard's figures a second or two.)
        $fresh = if ($Destination -notlike 's3://*') { "if ([IO.Directory]::Exists('$Destination')) { [IO.Directory]::Delete('$Destination', `$true) }; [IO.File]::Delete('$Destination'); " } else { '' }
        $recurse = if ($Large) { '' } else { ' -Recurse' }
        $cli = "$(if ($fresh) { "rm -rf '$Destination' && " })aws --endpoint-url $url s3 cp '$Source' '$($Destination -replace 'quiet', 'cli')' $(if (-not $Large) { '--recursive ' })--quiet"
        $tools = [ordered]@{
            'AwsGuard Copy-S3Quiet'              = Get-AwsGuardCommand "$fresh Copy-S3Quiet '$Source' '$Destination'$recurse -EndpointUrl '$url'" -Warm:(-not $Large)
            'aws s3 cp --recursive --quiet'      = @('bash', '-c', $cli)
        }
        # The large file: one run each, no warm repeat (a 1 GB transfer dwarfs a process start).
        $rows = @(if ($Large) { Compare-Tool -Tools $tools -Runs 1 -NoWarmUp } else { Compare-Tool -Tools $tools -Runs $Runs })
        foreach ($row in $rows) { $row | Add-Member -NotePropertyName Case -NotePropertyValue $Case -PassThru | Select-Object Case, * -ErrorAction Ignore }
    }

    $label = "$SmallCount x $([math]::Round($SmallSize / 1KB)) KB"
    $largeLabel = "1 x $([math]::Round($LargeSize / 1MB)) MB"
    $rows = @(
        Compare-Copy "$label up" $small 's3://bench/quiet-small/'
        Compare-Copy "$label down" 's3://bench/small/' (Join-Path $work 'quiet-small')
        Compare-Copy "$largeLabel up" $large 's3://bench/quiet-large/large.bin' -Large
        Compare-Copy "$largeLabel down" 's3://bench/large/large.bin' (Join-Path $work 'quiet-large.bin') -Large
    )

    # The server's ceiling for the small files: the same PUTs and GETs, raw.
    $files = @(Get-ChildItem $small -Recurse -File)
    $puts = foreach ($file in $files) { @{ Path = "/bench/ceiling/$($file.Directory.Name)/$($file.Name)"; File = $file.FullName } }
    $gets = foreach ($file in $files) { @{ Path = "/bench/small/$($file.Directory.Name)/$($file.Name)" } }
    $ceilingUp = Invoke-Ceiling -Url $url -Requests $puts
    $ceilingDown = Invoke-Ceiling -Url $url -Requests $gets
}
finally {
    Stop-LoopbackServer $aws
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}

function Format-Ratio([string] $Case, [string] $Target) {
    $guard, $cli = $rows | Where-Object Case -eq $Case
    $warmCpu = if ($guard.WarmCpuS) { ", warm $([math]::Round($cli.CpuS / $guard.WarmCpuS, 2))x" } else { '' }
    "- ${Case}: AwsGuard $([math]::Round($cli.WallS / $guard.WallS, 2))x faster than the CLI; the CLI's client CPU over AwsGuard's: cold $([math]::Round($cli.CpuS / $guard.CpuS, 2))x$warmCpu ($Target)."
}

"## 3. Copies, each direction"
''
"Random content; the small files in 20 folders. Wall and Cpu: a new process per run (PowerShell's start and the import in AwsGuard's figures, Python's in the CLI's); Warm: the third copy in that process. A download starts from an empty folder."
''
ConvertTo-MarkdownTable ($rows | Select-Object Case, Tool, Runs, WallS, CpuS, WarmWallS, WarmCpuS, PeakMiB)
''
Format-Ratio "$label up" 'target: 1.5x faster, CPU 5x'
Format-Ratio "$label down" 'target: 1.5x faster, CPU 5x'
Format-Ratio "$largeLabel up" 'target: at least as fast'
Format-Ratio "$largeLabel down" 'target: at least as fast'
"- Server ceiling for the small files (curl, the same $SmallCount PUTs, then GETs, at the best of 8, 16 or 32 at a time): up $($ceilingUp.Wall) s ($($ceilingUp.Parallel) at a time), down $($ceilingDown.Wall) s ($($ceilingDown.Parallel))."
