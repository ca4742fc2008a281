# Loads the cmdlet assembly built for this edition: net8.0 for PowerShell 7.4+, netstandard2.0 for Windows PowerShell 5.1.
$framework = if ($PSEdition -eq 'Core') { 'net8.0' } else { 'netstandard2.0' }
$cmdlets = Import-Module -Name ([IO.Path]::Combine($PSScriptRoot, 'bin', $framework, 'AwsGuard.dll')) -PassThru -ErrorAction Stop
Export-ModuleMember -Cmdlet ([string[]] $cmdlets.ExportedCmdlets.Keys)
