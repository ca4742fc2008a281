# AwsGuard's build tasks. build.ps1 is a thin front over Invoke-AwsGuardTask.
Set-StrictMode -Version 3
$ErrorActionPreference = 'Stop'

$Root = Split-Path $PSScriptRoot -Parent
$ModuleOut = Join-Path $Root 'out/AwsGuard'
$Frameworks = 'net8.0', 'netstandard2.0'
# Assemblies that stay in PowerShell's default load context; everything else goes to Dependencies/.
$DefaultContextAssemblies = 'AwsGuard.dll', 'AwsGuard.Contracts.dll'

function Invoke-AwsGuardTask {
    param([string] $Task, [string] $Configuration, [string] $Filter)
    switch ($Task) {
        'Build' { Build-Module $Configuration; return 0 }
        'Test' { Build-Module $Configuration; New-ModulePackage; return (Invoke-Tests $Configuration $Filter) }
        'Demo' { Build-Module $Configuration; return (Invoke-Demo) }
        'Package' { Build-Module $Configuration; New-ModulePackage; return 0 }
        'Bench' { Build-Module $Configuration; return (Invoke-Pwsh -File (Join-Path $Root 'bench/Invoke-Bench.ps1')) }
        'Clean' { Clear-BuildOutput; return 0 }
    }
}

function Invoke-Native {
    # Runs a native command and fails the task when it fails.
    param([string] $Command, [string[]] $Arguments)
    & $Command @Arguments | Out-Host # never into a task's result, which is its exit code
    if ($LASTEXITCODE -ne 0) { throw "$Command $($Arguments -join ' ') failed with exit code $LASTEXITCODE." }
}

function Build-Module {
    param([string] $Configuration)
    Invoke-Native dotnet @('build', (Join-Path $Root 'src/AwsGuard/AwsGuard.csproj'), '-c', $Configuration, '--nologo', '-v', 'q', '-clp:ErrorsOnly')

    if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
    $null = New-Item $ModuleOut -ItemType Directory
    foreach ($framework in $Frameworks) {
        $built = Join-Path $Root "src/AwsGuard/bin/$Configuration/$framework"
        $bin = Join-Path $ModuleOut "bin/$framework"
        $dependencies = Join-Path $bin 'Dependencies'
        $null = New-Item $dependencies -ItemType Directory -Force
        foreach ($assembly in Get-ChildItem $built -Filter *.dll) {
            $target = if ($assembly.Name -in $DefaultContextAssemblies) { $bin } else { $dependencies }
            Copy-Item $assembly.FullName $target
        }
    }
    Copy-Item (Join-Path $Root 'src/AwsGuard/AwsGuard.psm1'), (Join-Path $Root 'src/AwsGuard/AwsGuard.Format.ps1xml'), (Join-Path $Root 'src/AwsGuard/AwsGuard.Types.ps1xml') $ModuleOut
    $version = ([xml](Get-Content (Join-Path $Root 'Directory.Build.props') -Raw)).Project.PropertyGroup.Version | Select-Object -First 1
    (Get-Content (Join-Path $Root 'AwsGuard.psd1') -Raw) -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion        = '$version'" |
        Set-Content (Join-Path $ModuleOut 'AwsGuard.psd1') -NoNewline
    $aboutDir = Join-Path $ModuleOut 'en-US'
    $null = New-Item $aboutDir -ItemType Directory -Force
    Copy-Item (Join-Path $Root 'docs/about_AwsGuard.help.txt') $aboutDir
    if (Invoke-Pwsh -File (Join-Path $PSScriptRoot 'New-MamlHelp.ps1') -Arguments @('-ModulePath', $ModuleOut, '-HelpSource', (Join-Path $Root 'docs/help'))) {
        throw 'Writing the help failed.'
    }
    Write-Host "Built $ModuleOut (version $version)."
}

function Get-PwshCommand {
    <# The command line that starts this same PowerShell afresh: pwsh itself, or dotnet with pwsh.dll under 'dotnet pwsh'. #>
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { return $process, (Join-Path $PSHOME 'pwsh.dll') }
    return , $process
}

function Invoke-Pwsh {
    # A fresh PowerShell process of the same version, so nothing the build imported leaks into it.
    param([string] $File, [string[]] $Arguments = @())
    $pwsh = Get-PwshCommand
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $File @Arguments | Out-Host
    return $LASTEXITCODE
}

function Start-LoopbackServer {
    <# Starts a local server on a free loopback port and polls $HealthPath until it answers; Stop-LoopbackServer stops it. #>
    param([string] $Name, [string] $FilePath, [scriptblock] $Arguments, [string] $HealthPath)
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    $log = Join-Path ([IO.Path]::GetTempPath()) "awsguard-$Name-$port.log"
    $process = Start-Process $FilePath -ArgumentList (& $Arguments $port) -PassThru -RedirectStandardOutput $log -RedirectStandardError "$log.err"
    $url = "http://127.0.0.1:$port/"
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($process.HasExited) { throw "$Name exited with code $($process.ExitCode); see $log.err" }
        try {
            $null = Invoke-WebRequest "$url$HealthPath" -TimeoutSec 2 -UseBasicParsing
            return [pscustomobject]@{ Url = $url; Process = $process }
        }
        catch { Start-Sleep -Milliseconds 100 } # polling a condition, bounded by the deadline
    }
    Stop-LoopbackServer ([pscustomobject]@{ Process = $process })
    throw "$Name did not answer on $url within 60 s; see $log.err"
}

function Start-LocalAws {
    <# Starts moto's server on a free loopback port and waits until it answers. #>
    if (-not (Get-Command moto_server -ErrorAction SilentlyContinue)) {
        throw "moto_server was not found: the tests and the demo need it as their local AWS. Install it with: pip install ""moto[server]"""
    }
    Start-LoopbackServer 'moto' 'moto_server' { param($port) '-H', '127.0.0.1', '-p', $port } 'moto-api/'
}

function Start-StorageGatewayDouble {
    <# Starts tests/doubles/storage_gateway_double.py (moto has no Storage Gateway) on a free loopback port. #>
    if (-not (Get-Command python3 -ErrorAction SilentlyContinue)) { throw 'python3 was not found: the Storage Gateway double needs it.' }
    $script = Join-Path $Root 'tests/doubles/storage_gateway_double.py'
    Start-LoopbackServer 'sgw-double' 'python3' { param($port) $script, '--port', $port } '_double/health'
}

function Start-Ec2ImportDouble {
    <# Starts tests/doubles/ec2_import_double.py (moto has no ImportImage) on a free loopback port; every other EC2 call goes on to moto. #>
    param([Parameter(Mandatory)] [string] $ForwardUrl)
    if (-not (Get-Command python3 -ErrorAction SilentlyContinue)) { throw 'python3 was not found: the EC2 import double needs it.' }
    $script = Join-Path $Root 'tests/doubles/ec2_import_double.py'
    Start-LoopbackServer 'ec2-double' 'python3' { param($port) $script, '--port', $port, '--forward', $ForwardUrl } '_double/health'
}

function Stop-LoopbackServer {
    <# Stops a server Start-LoopbackServer started (moto, the Storage Gateway and EC2 import doubles). #>
    param($Server)
    if ($Server -and -not $Server.Process.HasExited) {
        $Server.Process.Kill($true)
        $Server.Process.WaitForExit()
    }
}

function Invoke-Tests {
    <# Every test, or with -Filter those xunit classes and Pester files whose names contain it. #>
    param([string] $Configuration, [string] $Filter)
    $aws = Start-LocalAws
    $sgw = $null
    $ec2 = $null
    $env:AWSGUARD_MOTO_URL = $aws.Url
    $env:AWSGUARD_MODULE = Join-Path $ModuleOut 'AwsGuard.psd1'
    $env:AWSGUARD_PACKAGES = Join-Path $Root 'out/packages'
    try {
        $sgw = Start-StorageGatewayDouble
        $env:AWSGUARD_SGW_URL = $sgw.Url
        $ec2 = Start-Ec2ImportDouble $aws.Url
        $env:AWSGUARD_EC2_URL = $ec2.Url
        $results = Join-Path $Root 'out/TestResults'
        $xunit = Invoke-Xunit $Configuration $results $Filter
        $pester = Invoke-PesterSuite $results $Filter
    }
    finally {
        Stop-LoopbackServer $aws
        if ($sgw) { Stop-LoopbackServer $sgw }
        if ($ec2) { Stop-LoopbackServer $ec2 }
        Remove-Item Env:AWSGUARD_MOTO_URL, Env:AWSGUARD_SGW_URL, Env:AWSGUARD_EC2_URL, Env:AWSGUARD_MODULE, Env:AWSGUARD_NUGET_PACKAGES, Env:AWSGUARD_PACKAGES -ErrorAction SilentlyContinue
    }
    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed
    Write-Host ''
    Write-Host "xunit:  $($xunit.Passed) passed, $($xunit.Failed) failed"
    Write-Host "Pester: $($pester.Passed) passed, $($pester.Failed) failed"
    Write-Host "Total: $passed passed, $failed failed"
    $ranNothing = if ($Filter) { $passed + $failed -eq 0 } else { $xunit.Passed -eq 0 -or $pester.Passed -eq 0 }
    if ($ranNothing) { Write-Host 'A runner ran no test: that is a failure.'; return 1 }
    return [int]($failed -gt 0 -or $xunit.ExitCode -ne 0 -or $pester.ExitCode -ne 0)
}

function Invoke-Xunit {
    param([string] $Configuration, [string] $Results, [string] $Filter)
    $trx = Join-Path $Results 'xunit.trx'
    Remove-Item $trx -ErrorAction SilentlyContinue
    $only = if ($Filter) { '--filter', "FullyQualifiedName~$Filter" } else { @() }
    & dotnet test (Join-Path $Root 'tests/AwsGuard.Engine.Tests/AwsGuard.Engine.Tests.csproj') -c $Configuration --nologo `
        --logger 'console;verbosity=normal' --logger "trx;LogFileName=$trx" --results-directory $Results @only | Out-Host
    $exit = $LASTEXITCODE
    $counters = if (Test-Path $trx) { ([xml](Get-Content $trx -Raw)).TestRun.ResultSummary.Counters } else { $null }
    [pscustomobject]@{
        Passed   = if ($counters) { [int]$counters.passed } else { 0 }
        Failed   = if ($counters) { [int]$counters.failed + [int]$counters.error + [int]$counters.timeout } else { 0 }
        ExitCode = $exit
    }
}

function Invoke-PesterSuite {
    <# The suites under tests/Pester with Pester 5; the examples' tests (examples/) with Pester 5 and Pester 6, since
       script authors use either. Counts are summed over the runs. #>
    param([string] $Results, [string] $Filter)
    $packages = Restore-TestTools
    $env:AWSGUARD_NUGET_PACKAGES = $packages # the coexistence tests load another AWSSDK from there
    $suites = Get-ChildItem (Join-Path $Root 'tests/Pester') -Filter "*$Filter*.Tests.ps1"
    $examples = Get-ChildItem (Join-Path $Root 'examples') -Filter "*$Filter*.Tests.ps1" -Recurse
    $runs = @(
        @{ Version = '5.7.1'; Files = @($suites) + @($examples) }
        @{ Version = '6.2.0'; Files = @($examples) }
    )
    $total = [pscustomobject]@{ Passed = 0; Failed = 0; ExitCode = 0 }
    foreach ($run in $runs | Where-Object { $_.Files }) {
        $pester = Join-Path $packages "pester/$($run.Version)/tools/Pester.psd1"
        if (-not (Test-Path $pester)) { throw "Pester $($run.Version) was not restored to $pester." }
        $summary = Join-Path $Results "pester-$($run.Version).json"
        Remove-Item $summary -ErrorAction SilentlyContinue
        $exit = Invoke-Pwsh -File (Join-Path $PSScriptRoot 'Invoke-PesterTests.ps1') -Arguments @(
            '-PesterPath', $pester, '-TestPath', ($run.Files.FullName -join ','), '-SummaryPath', $summary)
        $counts = if (Test-Path $summary) { Get-Content $summary -Raw | ConvertFrom-Json } else { [pscustomobject]@{ Passed = 0; Failed = 0 } }
        $total.Passed += [int]$counts.Passed
        $total.Failed += [int]$counts.Failed
        if ($exit) { $total.ExitCode = $exit }
    }
    $total
}

function Restore-TestTools {
    <# Pester and the other AWSSDK line come as NuGet packages through the SDK's own restore (tests/tools/Tools.csproj); returns the package folder. #>
    Invoke-Native dotnet @('restore', (Join-Path $Root 'tests/tools/Tools.csproj'), '--nologo', '-v', 'q')
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
}

function Invoke-Demo {
    $aws = Start-LocalAws
    $sgw = $null
    $ec2 = $null
    try {
        # The demo finds the Storage Gateway double (Set-/Get-GatewayChap) in AWSGUARD_SGW_URL, the EC2 import double
        # (Import-VmImage) in AWSGUARD_EC2_URL.
        $sgw = Start-StorageGatewayDouble
        $env:AWSGUARD_SGW_URL = $sgw.Url
        $ec2 = Start-Ec2ImportDouble $aws.Url
        $env:AWSGUARD_EC2_URL = $ec2.Url
        return Invoke-Pwsh -File (Join-Path $Root 'demo/Start-Demo.ps1') -Arguments @('-ModulePath', (Join-Path $ModuleOut 'AwsGuard.psd1'), '-EndpointUrl', $aws.Url)
    }
    finally {
        Stop-LoopbackServer $aws
        if ($sgw) { Stop-LoopbackServer $sgw }
        if ($ec2) { Stop-LoopbackServer $ec2 }
        Remove-Item Env:AWSGUARD_SGW_URL, Env:AWSGUARD_EC2_URL -ErrorAction SilentlyContinue
    }
}

function New-ModulePackage {
    <# out/AwsGuard.<version>.nupkg, installable with Install-PSResource from a folder repository. #>
    $packages = Join-Path $Root 'out/packages'
    if (Test-Path $packages) { Remove-Item $packages -Recurse -Force }
    # .NET ignores XDG_DATA_HOME unless the folder exists.
    $scratch = (New-Item (Join-Path ([IO.Path]::GetTempPath()) "awsguard-package-$([guid]::NewGuid())") -ItemType Directory).FullName
    $saved = $env:XDG_DATA_HOME
    $env:XDG_DATA_HOME = $scratch
    try {
        if (Invoke-Pwsh -File (Join-Path $PSScriptRoot 'New-ModulePackage.ps1') -Arguments @('-ModulePath', $ModuleOut, '-OutputFolder', $packages)) {
            throw 'Packaging failed.'
        }
    }
    finally {
        if ($null -eq $saved) { Remove-Item Env:XDG_DATA_HOME } else { $env:XDG_DATA_HOME = $saved }
        Remove-Item $scratch -Recurse -Force -ErrorAction SilentlyContinue
    }
    Write-Host "Packaged $((Get-ChildItem $packages -Filter *.nupkg).FullName)."
}

function Clear-BuildOutput {
    foreach ($folder in @('out') + (Get-ChildItem $Root -Recurse -Directory -Include bin, obj | ForEach-Object FullName)) {
        $path = if ([IO.Path]::IsPathRooted($folder)) { $folder } else { Join-Path $Root $folder }
        if (Test-Path $path) { Remove-Item $path -Recurse -Force }
    }
}

Export-ModuleMember -Function Invoke-AwsGuardTask, Start-LocalAws, Start-StorageGatewayDouble, Start-Ec2ImportDouble, Stop-LoopbackServer, Get-PwshCommand
