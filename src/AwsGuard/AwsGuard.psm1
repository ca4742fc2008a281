# Loads the cmdlet assembly built for this edition: net8.0 for PowerShell 7.4+, netstandard2.0 for Windows PowerShell 5.1.
$framework = if ($PSEdition -eq 'Core') { 'net8.0' } else { 'netstandard2.0' }
$bin = [IO.Path]::Combine($PSScriptRoot, 'bin', $framework)
# The output types, loaded now into the default load context so [AwsGuard.BucketExposure] resolves from the first line
# of a script or test; the engine and the SDK still load when a cmdlet first needs them.
Add-Type -Path ([IO.Path]::Combine($bin, 'AwsGuard.Contracts.dll')) -ErrorAction Stop
$cmdlets = Import-Module -Name ([IO.Path]::Combine($bin, 'AwsGuard.dll')) -PassThru -ErrorAction Stop
Export-ModuleMember -Cmdlet ([string[]] $cmdlets.ExportedCmdlets.Keys)
