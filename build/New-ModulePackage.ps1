# Writes AwsGuard.<version>.nupkg (the PowerShell Gallery format) with PSResourceGet's own Publish-PSResource.
# Runs in a process whose XDG_DATA_HOME is a scratch folder, so no repository registration of the user's is touched.
param([string] $ModulePath, [string] $OutputFolder)
$ErrorActionPreference = 'Stop'
$null = New-Item $OutputFolder -ItemType Directory -Force
Register-PSResourceRepository -Name AwsGuardBuild -Uri $OutputFolder -Trusted
Publish-PSResource -Path $ModulePath -Repository AwsGuardBuild -SkipDependenciesCheck
Get-ChildItem $OutputFolder -Filter 'AwsGuard.*.nupkg' | ForEach-Object FullName
