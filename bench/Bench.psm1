# Shared by the benchmark workloads: run a command with its cost measured, run tools alternately, and tabulate.
Set-StrictMode -Version 3
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../build/AwsGuard.Build.psm1') -Function Get-PwshCommand, Start-LocalAws, Stop-LocalAws

# Every tool of every workload acts with the same local credentials, from the environment.
$env:AWS_ACCESS_KEY_ID = 'AKIABENCH00000000001'; $env:AWS_SECRET_ACCESS_KEY = 'bench-secret-key'
$env:AWS_DEFAULT_REGION = 'us-east-1'; $env:AWS_EC2_METADATA_DISABLED = 'true'
Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue

function Invoke-Measured([string[]] $Command) {
    <# One run: wall seconds, the process tree's CPU seconds and peak MiB (bench/measure.py). #>
    $result = & python3 (Join-Path $PSScriptRoot 'measure.py') @Command | ConvertFrom-Json
    if ($result.exit -ne 0) { throw "'$($Command -join ' ')' failed with exit code $($result.exit)." }
    $result
}

function Get-AwsGuardCommand([string] $Script) {
    <# A new PowerShell process that imports the built module and runs $Script: what a runbook pays. #>
    $module = Join-Path $PSScriptRoot '../out/AwsGuard/AwsGuard.psd1'
    @(Get-PwshCommand) + @('-NoProfile', '-NonInteractive', '-Command', "Import-Module '$module'; $Script")
}

function Compare-Tool {
    <# Runs each tool $Runs times (or $RunsOf[tool]), alternating; medians per tool, and the ratio of each tool's wall time to the first's. #>
    param([System.Collections.Specialized.OrderedDictionary] $Tools, [int] $Runs = 3, [hashtable] $RunsOf = @{})
    $samples = @{}
    foreach ($name in $Tools.Keys) {
        # A warm-up run (disk cache, JIT, .pyc) for every tool measured more than once.
        if (-not $RunsOf.ContainsKey($name) -or $RunsOf[$name] -gt 1) { $null = Invoke-Measured $Tools[$name] }
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
        $wall = Get-Median $samples[$name].wall
        if ($null -eq $first) { $first = $wall }
        [pscustomobject]@{
            Tool       = $name
            Runs       = $samples[$name].Count
            WallS      = $wall
            CpuS       = Get-Median $samples[$name].cpu
            PeakMiB    = ($samples[$name].peak_mib | Measure-Object -Maximum).Maximum
            VsAwsGuard = [math]::Round($wall / $first, 2)
        }
    }
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

Export-ModuleMember -Function Invoke-Measured, Get-AwsGuardCommand, Compare-Tool, Get-Median, ConvertTo-MarkdownTable, Get-PwshCommand, Start-LocalAws, Stop-LocalAws
