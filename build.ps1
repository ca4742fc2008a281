<#
.SYNOPSIS
    Builds, tests and demonstrates AwsGuard. The tasks live in build/AwsGuard.Build.psm1.
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task Test
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Test -Filter CwLogEvent   # a focused run while working on one cmdlet
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Package', 'Bench', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Test only: runs the xunit classes and Pester files whose names contain this word (for example Copy).
    [string] $Filter
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'build/AwsGuard.Build.psm1') -Force
# [int] refuses anything but one exit code, so stray output can never turn a failure into success.
exit [int](Invoke-AwsGuardTask -Task $Task -Configuration $Configuration -Filter $Filter)
