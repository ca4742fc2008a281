<#
.SYNOPSIS
    Workload 4: module import time and the first call of each cmdlet in a new process, against the local server.
    Writes a markdown section to the output.
#>
param([int] $Runs = 5)
Import-Module (Join-Path $PSScriptRoot 'Bench.psm1') -Force
$aws = Start-LocalAws
try {
    $url = $aws.Url
    & aws --endpoint-url $url s3api create-bucket --bucket bench-first-call | Out-Null
    # Each figure is measured inside a new process, so PowerShell's own start is left out.
    $probes = [ordered]@{
        'Import-Module AwsGuard'                    = '$t = [Diagnostics.Stopwatch]::StartNew(); Import-Module $m; $t.Elapsed.TotalMilliseconds'
        'first Get-AwsGuardIdentity (import incl.)' = "`$t = [Diagnostics.Stopwatch]::StartNew(); Import-Module `$m; `$null = Get-AwsGuardIdentity -EndpointUrl '$url'; `$t.Elapsed.TotalMilliseconds"
        'first Get-PublicBucket (import incl.)'     = "`$t = [Diagnostics.Stopwatch]::StartNew(); Import-Module `$m; `$null = Get-PublicBucket bench-first-call -EndpointUrl '$url'; `$t.Elapsed.TotalMilliseconds"
    }
    $pwsh = Get-PwshCommand
    $module = Join-Path $PSScriptRoot '../out/AwsGuard/AwsGuard.psd1'
    $rows = foreach ($name in $probes.Keys) {
        $samples = foreach ($i in 1..$Runs) {
            [double](& $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command "`$m = '$module'; $($probes[$name])" | Select-Object -Last 1)
        }
        [pscustomobject]@{ Measure = $name; MedianMs = [math]::Round((Get-Median $samples), 0); MinMs = [math]::Round(($samples | Measure-Object -Minimum).Minimum, 0); MaxMs = [math]::Round(($samples | Measure-Object -Maximum).Maximum, 0) }
    }
}
finally { Stop-LocalAws $aws }

'## 4. Import and first call, in a new process'
''
"Median of $Runs new processes; credentials from AWS_ACCESS_KEY_ID, region from AWS_DEFAULT_REGION; targets: import under 500 ms, first call under 1 s."
''
ConvertTo-MarkdownTable @($rows)
