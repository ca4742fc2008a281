# What every AwsGuard Pester suite needs: the built module, the local AWS, and an environment sandbox.
Set-StrictMode -Version 3

function Get-TestModulePath {
    if (-not $env:AWSGUARD_MODULE) { throw 'AWSGUARD_MODULE is not set: run the tests with ./build.ps1 -Task Test.' }
    $env:AWSGUARD_MODULE
}

function Get-LocalAwsUrl {
    if (-not $env:AWSGUARD_MOTO_URL) { throw 'AWSGUARD_MOTO_URL is not set: run the tests with ./build.ps1 -Task Test.' }
    $env:AWSGUARD_MOTO_URL
}

function Get-StorageGatewayDoubleUrl {
    if (-not $env:AWSGUARD_SGW_URL) { throw 'AWSGUARD_SGW_URL is not set: run the tests with ./build.ps1 -Task Test.' }
    $env:AWSGUARD_SGW_URL
}

function New-TestGateway {
    <# Seeds one gateway in the Storage Gateway double; -Volume takes @{ target = 'name'; chap = @(@{ initiator; initiatorSecret; targetSecret }) }. #>
    param([string] $Region, [string] $Type = 'STORED', [hashtable[]] $Volume)
    $spec = @{ gateways = @(@{ region = $Region; type = $Type; volumes = @($Volume | Where-Object { $_ }) }) } | ConvertTo-Json -Depth 8
    (Invoke-RestMethod "$(Get-StorageGatewayDoubleUrl)_double/seed" -Method Post -Body $spec -ContentType 'application/json').Gateways[0]
}

function Get-Ec2ImportDoubleUrl {
    if (-not $env:AWSGUARD_EC2_URL) { throw 'AWSGUARD_EC2_URL is not set: run the tests with ./build.ps1 -Task Test.' }
    $env:AWSGUARD_EC2_URL
}

function Set-ImportOutcome {
    <# Makes the EC2 import double fail the import of an S3 key with -FailWith (after converting), or -Hold it at converting. #>
    param([string] $S3Key, [string] $FailWith, [switch] $Hold)
    $spec = if ($FailWith) { @{ s3Key = $S3Key; failWith = $FailWith } } else { @{ s3Key = $S3Key; hold = $Hold.IsPresent } }
    $null = Invoke-RestMethod "$(Get-Ec2ImportDoubleUrl)_double/outcome" -Method Post -Body ($spec | ConvertTo-Json) -ContentType 'application/json'
}

function Get-DoubleRequestCount {
    <# How many API calls (of -Operation alone, when given) a double (the Storage Gateway one unless -Url) has answered so far: compare before and after. #>
    param([string] $Operation, [string] $Url)
    if (-not $Url) { $Url = Get-StorageGatewayDoubleUrl }
    $requests = Invoke-RestMethod "$($Url)_double/requests"
    if (-not $Operation) { return $requests.count }
    $counted = $requests.operations.PSObject.Properties[$Operation]
    if ($counted) { $counted.Value } else { 0 }
}

function Wait-Until([scriptblock] $Condition) {
    <# Polls a condition until it holds, for at most 60 seconds, then asserts it. #>
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while (-not (& $Condition) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 } # polling a condition, bounded by the deadline
    & $Condition | Should -BeTrue
}

function New-UniqueName([string] $Prefix) { "$Prefix$([guid]::NewGuid().ToString('N').Substring(0, 10))" }

# Test credentials for moto; distinctive so a leak search cannot miss them.
$TestAccessKey = 'AKIAPESTERTEST000001'
$TestSecretKey = 'pester-secret-Zq8xW3vN5mK1pL7rT2yB'

function Get-LocalAwsParameters {
    <# Splat for every cmdlet: keys, region and the local endpoint. #>
    @{ EndpointUrl = (Get-LocalAwsUrl); AccessKey = $TestAccessKey; SecretKey = $TestSecretKey; Region = 'us-east-1' }
}

$AwsVariables = 'AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION',
    'AWS_DEFAULT_REGION', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE', 'AWS_EC2_METADATA_DISABLED',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'

function New-TestOrganization([int] $Accounts = 4, [int] $BucketsPerAccount = 3, [int] $PublicPerAccount = 1) {
    <#
    An organization seeded in moto by seed_organization.py (its facts as JSON), with ManagementParameters: a splat of the
    management account's credentials, as a runbook there would have them, the local endpoint and Region us-east-1.
    #>
    $url = Get-LocalAwsUrl
    $saved = $env:AWS_ACCESS_KEY_ID, $env:AWS_SECRET_ACCESS_KEY
    $env:AWS_ACCESS_KEY_ID = $TestAccessKey; $env:AWS_SECRET_ACCESS_KEY = $TestSecretKey
    try {
        $json = & python3 (Join-Path $PSScriptRoot 'seed_organization.py') $url $Accounts $BucketsPerAccount $PublicPerAccount 2>&1
        if ($LASTEXITCODE) { throw "seeding the organization failed: $json" }
    }
    finally { Set-EnvironmentValue AWS_ACCESS_KEY_ID $saved[0]; Set-EnvironmentValue AWS_SECRET_ACCESS_KEY $saved[1] }
    $org = $json | ConvertFrom-Json
    $keys = $org.ManagementKeys
    $org | Add-Member ManagementParameters @{ EndpointUrl = $url; Region = 'us-east-1'; AccessKey = $keys.AccessKey; SecretKey = $keys.SecretKey; SessionToken = $keys.SessionToken }
    $org
}

function Set-EnvironmentValue([string] $Name, $Value) {
    # PowerShell turns $null into an empty string for a string parameter, which sets an empty variable instead of removing it.
    if ($null -eq $Value) { Remove-Item "Env:$Name" -ErrorAction SilentlyContinue } else { Set-Item "Env:$Name" $Value }
}

function Enter-AwsSandbox {
    <# Clears every AWS variable and points the shared files at an empty folder; returns what to restore. #>
    $saved = @{}
    foreach ($name in $AwsVariables) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); Set-EnvironmentValue $name $null }
    $folder = New-Item (Join-Path ([IO.Path]::GetTempPath()) "awsguard-$([guid]::NewGuid())") -ItemType Directory
    $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $folder 'credentials'
    $env:AWS_CONFIG_FILE = Join-Path $folder 'config'
    $env:AWS_EC2_METADATA_DISABLED = 'true'
    [pscustomobject]@{ Saved = $saved; Folder = $folder.FullName }
}

function Exit-AwsSandbox($Sandbox) {
    foreach ($name in $Sandbox.Saved.Keys) { Set-EnvironmentValue $name $Sandbox.Saved[$name] }
    Remove-Item $Sandbox.Folder -Recurse -Force
}

function Get-HostText([scriptblock] $Script) {
    <# What if: lines go to the host, not to a stream: a transcript sees them, with every stream sent to the host too. #>
    $file = Join-Path ([IO.Path]::GetTempPath()) (New-UniqueName 'whatif-')
    Start-Transcript $file -Force | Out-Null
    try { & $Script *>&1 | Out-Host } finally { Stop-Transcript | Out-Null }
    Get-Content $file -Raw
    Remove-Item $file
}

function Get-AllStreams([scriptblock] $Script) {
    <# Runs a script with -Verbose/-Debug preferences on and returns every record of every stream as text. #>
    $VerbosePreference = 'Continue'; $DebugPreference = 'Continue'; $InformationPreference = 'Continue'
    $WarningPreference = 'Continue'; $ErrorActionPreference = 'Continue'
    (& $Script *>&1 | ForEach-Object { $_ | Out-String; if ($_ -is [Management.Automation.ErrorRecord]) { $_.Exception | Out-String } }) -join "`n"
}

function Invoke-FreshPwsh([string] $Script) {
    <# Runs a script in a new PowerShell process (load order matters per process); returns its output, throws on a non-zero exit. #>
    Import-Module (Join-Path $PSScriptRoot '../../build/AwsGuard.Build.psm1') -Function Get-PwshCommand
    $pwsh = Get-PwshCommand
    $file = Join-Path ([IO.Path]::GetTempPath()) "awsguard-$([guid]::NewGuid()).ps1"
    Set-Content $file $Script
    try {
        $output = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $file 2>&1
        if ($LASTEXITCODE) { throw "The fresh PowerShell failed with exit code $($LASTEXITCODE):`n$($output -join "`n")" }
        $output
    }
    finally { Remove-Item $file }
}

function Start-EnforcingMoto {
    # A moto server of the caller's own on a free loopback port, started with the caller's environment; waits until it answers.
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    $log = Join-Path ([IO.Path]::GetTempPath()) "awsguard-moto-iam-$port.log"
    $process = Start-Process moto_server -ArgumentList '-H', '127.0.0.1', '-p', $port -PassThru -RedirectStandardOutput $log -RedirectStandardError "$log.err"
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($process.HasExited) { throw "moto exited with code $($process.ExitCode); see $log.err" }
        try { $null = Invoke-WebRequest "http://127.0.0.1:$port/moto-api/" -TimeoutSec 2 -UseBasicParsing; return [pscustomobject]@{ Url = "http://127.0.0.1:$port/"; Process = $process } }
        catch { Start-Sleep -Milliseconds 100 } # polling a condition, bounded by the deadline
    }
    $process.Kill($true)
    throw "moto did not answer on port $port within 60 s; see $log.err"
}

Export-ModuleMember -Function * -Variable TestAccessKey, TestSecretKey
