# Shared by the benchmark workloads: run a command with its cost measured, run tools alternately, and tabulate.
Set-StrictMode -Version 3
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../build/AwsGuard.Build.psm1') -Function Get-PwshCommand, Start-LocalAws, Start-StorageGatewayDouble, Stop-LoopbackServer

# Every tool of every workload acts with the same local credentials, from the environment.
$env:AWS_ACCESS_KEY_ID = 'AKIABENCH00000000001'; $env:AWS_SECRET_ACCESS_KEY = 'bench-secret-key'
$env:AWS_DEFAULT_REGION = 'us-east-1'; $env:AWS_EC2_METADATA_DISABLED = 'true'
Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue

function Invoke-Measured([string[]] $Command) {
    <# One run: cold (and warm) wall and CPU seconds, peak MiB (bench/measure.py). #>
    $result = & python3 (Join-Path $PSScriptRoot 'measure.py') @Command | ConvertFrom-Json
    if ($result.exit -ne 0) { throw "'$($Command -join ' ')' failed with exit code $($result.exit)." }
    $result
}

function Get-AwsGuardCommand([string] $Script, [switch] $Warm) {
    <#
    A new PowerShell process that imports the built module and runs $Script: what a runbook pays. With -Warm it repeats
    $Script twice in the same process and prints each repeat's own cost for bench/measure.py, which reports the last
    (see bench/warm.py): .NET recompiles the hot code with full optimization during the first repeat.
    #>
    $module = Join-Path $PSScriptRoot '../out/AwsGuard/AwsGuard.psd1'
    $body = if ($Warm) {
        "`$work = { $Script }; `$null = & `$work; `$self = [Diagnostics.Process]::GetCurrentProcess(); foreach (`$repeat in 1..2) { " +
        "`$self.Refresh(); `$cpu = `$self.TotalProcessorTime; `$clock = [Diagnostics.Stopwatch]::StartNew(); `$null = & `$work; `$clock.Stop(); `$self.Refresh(); " +
        "[ordered]@{ warm_wall = `$clock.Elapsed.TotalSeconds; warm_cpu = (`$self.TotalProcessorTime - `$cpu).TotalSeconds } | ConvertTo-Json -Compress }"
    }
    else { "`$null = & { $Script }" }
    @(Get-PwshCommand) + @('-NoProfile', '-NonInteractive', '-Command', "`$ErrorActionPreference = 'Stop'; Import-Module '$module'; $body")
}

function Get-AwsGuardCallLog([string] $Command) {
    <# The call log of one AwsGuard command run in a new process: its verbose "AWS <service> <operation> ..." lines. #>
    $counting = Get-AwsGuardCommand "$Command -Verbose 4>&1 | Where-Object { `$_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message | Write-Host"
    @(& $counting[0] @($counting | Select-Object -Skip 1) 6>&1 | Where-Object { "$_" -like 'AWS *' })
}

function Compare-Tool {
    <#
    Runs each tool $Runs times (or $RunsOf[tool]), alternating, each run a new process; medians per tool, and each
    tool's cold wall time over the first tool's (AwsGuard's). Warm figures appear for tools that report them.
    #>
    param([System.Collections.Specialized.OrderedDictionary] $Tools, [int] $Runs = 3, [hashtable] $RunsOf = @{}, [switch] $NoWarmUp)
    $samples = @{}
    foreach ($name in $Tools.Keys) {
        # A warm-up run (disk cache, .pyc, the server's first requests) for every tool measured more than once, unless
        # the workload is long enough for that not to matter (-NoWarmUp).
        if (-not $NoWarmUp -and (-not $RunsOf.ContainsKey($name) -or $RunsOf[$name] -gt 1)) { $null = Invoke-Measured $Tools[$name] }
        $samples[$name] = [Collections.Generic.List[object]]::new()
    }
    $most = [math]::Max($Runs, ($RunsOf.Values + 0 | Measure-Object -Maximum).Maximum)
    for ($i = 0; $i -lt $most; $i++) {
        foreach ($name in $Tools.Keys) {
            $limit = if ($RunsOf.ContainsKey($name)) { $RunsOf[$name] } else { $Runs }
            if ($i -lt $limit) { $samples[$name].Add((Invoke-Measured $Tools[$name])) }
        }
    }
    $first = $null
    foreach ($name in $Tools.Keys) {
        $measured = $samples[$name]
        $wall = Get-Median $measured.wall
        if ($null -eq $first) { $first = $wall }
        $warm = @($measured | Where-Object { $_.PSObject.Properties['warm_wall'] })
        [pscustomobject]@{
            Tool       = $name
            Runs       = $measured.Count
            WallS      = $wall
            CpuS       = Get-Median $measured.cpu
            WarmWallS  = if ($warm) { Get-Median $warm.warm_wall } else { '' }
            WarmCpuS   = if ($warm) { Get-Median $warm.warm_cpu } else { '' }
            PeakMiB    = ($measured.peak_mib | Measure-Object -Maximum).Maximum
            VsAwsGuard = [math]::Round($wall / $first, 2)
        }
    }
}

function Invoke-Ceiling {
    <#
    The local server's own ceiling for a workload: the same HTTP requests, unsigned (moto does not check signatures),
    sent by curl (C, next to no CPU of its own) $Parallel at a time, at each of the given levels. Each request is a
    hashtable: Path, and Service (s3 by default), Method, Body (text), File (to upload) and Headers as needed. After one
    warm-up pass (moto's first requests of a kind are slower), the median of $Runs passes per level; the best level wins.
    #>
    param([string] $Url, [hashtable[]] $Requests, [int[]] $Parallel = @(8, 16, 32), [int] $Runs = 2)
    $config = New-TemporaryFile
    try {
        $blocks = foreach ($request in $Requests) {
            $lines = @("url = `"$($Url.TrimEnd('/'))$($request['Path'])`"", 'output = "/dev/null"',
                # moto routes by the service in the credential scope
                "header = `"Authorization: AWS4-HMAC-SHA256 Credential=AKIABENCH00000000001/20260101/us-east-1/$(if ($request['Service']) { $request['Service'] } else { 's3' })/aws4_request`"")
            if ($request['Method']) { $lines += "request = `"$($request['Method'])`"" }
            if ($request['File']) { $lines += "upload-file = `"$($request['File'])`"" }
            if ($request['Body']) { $lines += "data-binary = `"$($request['Body'] -replace '"', '\"')`"" }
            foreach ($header in @($request['Headers'])) { if ($header) { $lines += "header = `"$header`"" } }
            $lines -join "`n"
        }
        Set-Content $config ($blocks -join "`nnext`n")
        $levels = foreach ($level in $Parallel) {
            $curl = @('curl', '--no-progress-meter', '--parallel', '--parallel-immediate', '--parallel-max', $level, '--config', $config.FullName)
            $null = Invoke-Measured $curl
            $passes = foreach ($i in 1..$Runs) { Invoke-Measured $curl }
            [pscustomobject]@{ Wall = Get-Median $passes.wall; Cpu = Get-Median $passes.cpu; Requests = $Requests.Count; Parallel = $level }
        }
        $levels | Sort-Object Wall | Select-Object -First 1
    }
    finally { Remove-Item $config }
}

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    $middle = [math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { return $sorted[$middle] }
    [math]::Round(($sorted[$middle - 1] + $sorted[$middle]) / 2, 3)
}

function ConvertTo-MarkdownTable([object[]] $Rows) {
    $columns = $Rows[0].PSObject.Properties.Name
    '| ' + ($columns -join ' | ') + ' |'
    '|' + (($columns | ForEach-Object { ' --- ' }) -join '|') + '|'
    foreach ($row in $Rows) { '| ' + (($columns | ForEach-Object { $row.$_ }) -join ' | ') + ' |' }
}

Export-ModuleMember -Function Invoke-Measured, Get-AwsGuardCommand, Get-AwsGuardCallLog, Compare-Tool, Invoke-Ceiling, Get-Median, ConvertTo-MarkdownTable, Get-PwshCommand, Start-LocalAws, Start-StorageGatewayDouble, Stop-LoopbackServer
