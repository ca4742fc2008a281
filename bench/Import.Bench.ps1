<#
.SYNOPSIS
    Workload 4: module import time and the first call of each cmdlet in a new process, against the local server (and
    the Storage Gateway double). Writes a markdown section to the output.
#>
param([int] $Runs = 5)
Import-Module (Join-Path $PSScriptRoot 'Bench.psm1') -Force
$aws = Start-LocalAws
$sgw = Start-StorageGatewayDouble
$file = New-TemporaryFile
try {
    $url = $aws.Url
    & aws --endpoint-url $url s3api create-bucket --bucket bench-first-call | Out-Null
    & aws --endpoint-url $url logs create-log-group --log-group-name first-call | Out-Null
    & aws --endpoint-url $url iam create-role --role-name FirstCall --assume-role-policy-document '{"Version":"2012-10-17","Statement":[]}' | Out-Null
    $seed = @{ gateways = @(@{ region = 'us-east-1'; name = 'first-call'; type = 'STORED'; volumes = @(@{ target = 'first' }) }) } | ConvertTo-Json -Depth 8
    $gateway = (Invoke-RestMethod "$($sgw.Url)_double/seed" -Method Post -ContentType 'application/json' -Body $seed).Gateways[0]
    Set-Content $file 'first call'
    $secret = "(ConvertTo-SecureString 'FirstCall-0001' -AsPlainText -Force)"
    # Each figure is measured inside a new process, from just before Import-Module: PowerShell's own start is left out.
    $calls = [ordered]@{
        'Import-Module AwsGuard' = '$null'
        'Get-AwsGuardIdentity'   = "Get-AwsGuardIdentity -EndpointUrl '$url'"
        'Get-PublicBucket'       = "Get-PublicBucket bench-first-call -EndpointUrl '$url'"
        'Get-CwLogEvent'         = "Get-CwLogEvent first-call -EndpointUrl '$url'"
        'Copy-S3Quiet'           = "Copy-S3Quiet '$file' s3://bench-first-call/first.txt -EndpointUrl '$url'"
        'Get-GatewayChap'        = "Get-GatewayChap -GatewayArn '$($gateway.GatewayARN)' -EndpointUrl '$($sgw.Url)'"
        'Set-GatewayChap'        = "Set-GatewayChap -TargetArn '$($gateway.Volumes[0].TargetARN)' -InitiatorName iqn.1991-05.com.microsoft:bench -InitiatorSecret $secret -Force -EndpointUrl '$($sgw.Url)'"
        'Revoke-RoleSession'     = "Revoke-RoleSession FirstCall -Force -EndpointUrl '$url'"
    }
    $pwsh = Get-PwshCommand
    $module = Join-Path $PSScriptRoot '../out/AwsGuard/AwsGuard.psd1'
    $rows = foreach ($name in $calls.Keys) {
        $script = "`$ErrorActionPreference = 'Stop'; `$t = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$module'; `$null = $($calls[$name]); `$t.Elapsed.TotalMilliseconds"
        $samples = foreach ($i in 1..$Runs) {
            $ms = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $script | Select-Object -Last 1
            if ($LASTEXITCODE) { throw "$name failed in a new process." }
            [double]$ms
        }
        [pscustomobject]@{
            'First call (import included)' = $name
            MedianMs                       = [math]::Round((Get-Median $samples), 0)
            MinMs                          = [math]::Round(($samples | Measure-Object -Minimum).Minimum, 0)
            MaxMs                          = [math]::Round(($samples | Measure-Object -Maximum).Maximum, 0)
        }
    }
}
finally {
    Stop-LoopbackServer $aws
    Stop-LoopbackServer $sgw
    Remove-Item $file -ErrorAction SilentlyContinue
}

'## 4. Import and first call, in a new process'
''
"Median of $Runs new processes each, timed from just before Import-Module (PowerShell's own start left out); credentials from AWS_ACCESS_KEY_ID, region from AWS_DEFAULT_REGION; targets: import under 500 ms, first call under 1 s."
''
ConvertTo-MarkdownTable @($rows)
