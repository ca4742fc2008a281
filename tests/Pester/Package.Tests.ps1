# The package as a user installs it: Install-PSResource from a folder repository, then import by name in a new process.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    if (-not $env:AWSGUARD_PACKAGES) { throw 'AWSGUARD_PACKAGES is not set: run the tests with ./build.ps1 -Task Test.' }
    $version = (Import-PowerShellDataFile (Get-TestModulePath)).ModuleVersion
    # A scratch XDG_DATA_HOME holds the user's module folder and PSResourceGet's repository list for these processes.
    $savedDataHome = $env:XDG_DATA_HOME
    # .NET ignores XDG_DATA_HOME unless the folder exists.
    $env:XDG_DATA_HOME = (New-Item (Join-Path ([IO.Path]::GetTempPath()) "awsguard-install-$([guid]::NewGuid())") -ItemType Directory).FullName
}

AfterAll {
    Remove-Item $env:XDG_DATA_HOME -Recurse -Force -ErrorAction SilentlyContinue
    Set-EnvironmentValue XDG_DATA_HOME $savedDataHome
}

Describe 'The AwsGuard package' {
    It 'is a versioned PowerShell Gallery package' {
        Join-Path $env:AWSGUARD_PACKAGES "AwsGuard.$version.nupkg" | Should -Exist
    }

    It 'installs with Install-PSResource into AwsGuard/<version>, imports by name and runs' {
        $installed = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name AwsGuardLocal -Uri '$env:AWSGUARD_PACKAGES' -Trusted
Install-PSResource -Name AwsGuard -Repository AwsGuardLocal -Scope CurrentUser -TrustRepository -Quiet
(Get-Module -ListAvailable -Name AwsGuard).ModuleBase
"@
        $installed | Select-Object -Last 1 | Should -BeLike "*/powershell/Modules/AwsGuard/$version"

        $used = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module AwsGuard
(Get-Module AwsGuard).Version.ToString()
(Get-AwsGuardIdentity -EndpointUrl '$(Get-LocalAwsUrl)' -AccessKey '$TestAccessKey' -SecretKey '$TestSecretKey' -Region us-east-1).Account
"@
        $used | Should -Be @($version, '123456789012')
    }
}
