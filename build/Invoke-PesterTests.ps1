# Runs the Pester suites in a process of their own and writes the counts for build.ps1.
param([string] $PesterPath, [string] $TestPath, [string] $SummaryPath)
# The suites run with PowerShell's default preferences, as a user's session has them.
Import-Module $PesterPath -Force -ErrorAction Stop
$config = New-PesterConfiguration
$config.Run.Path = $TestPath -split ',' # one or more files or folders
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $config
$null = New-Item (Split-Path $SummaryPath) -ItemType Directory -Force
@{ Passed = $result.PassedCount; Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount } |
    ConvertTo-Json | Set-Content $SummaryPath
exit ([int]($result.Result -ne 'Passed'))
