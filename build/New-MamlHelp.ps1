<#
Writes AwsGuard's MAML help (platyPS is not obtainable here) from two sources: docs/help/<Cmdlet>.md for
the words (synopsis, description, examples, parameter text, inputs, outputs, notes) and Get-Command for
the facts (types, positions, pipeline input, aliases), so the help cannot drift from the code.
docs/help/SessionParameters.md documents the parameters every cmdlet shares, once.
#>
param([string] $ModulePath, [string] $HelpSource)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3

function Get-Sections([string] $Text, [string] $Level) {
    # Splits markdown into an ordered map of heading -> body at one heading level.
    $sections = [ordered]@{}
    $pattern = "(?m)^$Level (.+)$"
    $matches_ = [regex]::Matches($Text, $pattern)
    for ($i = 0; $i -lt $matches_.Count; $i++) {
        $start = $matches_[$i].Index + $matches_[$i].Length
        $end = if ($i + 1 -lt $matches_.Count) { $matches_[$i + 1].Index } else { $Text.Length }
        $sections[$matches_[$i].Groups[1].Value.Trim()] = $Text.Substring($start, $end - $start).Trim()
    }
    $sections
}

function Write-Paras($Writer, [string] $Text) {
    foreach ($para in ($Text -split '\r?\n\s*\r?\n')) {
        if ($para.Trim()) { $Writer.WriteElementString('maml', 'para', $MamlNs, ($para.Trim() -replace '\s*\r?\n\s*', ' ')) }
    }
}

function Write-Description($Writer, [string] $Text) {
    $Writer.WriteStartElement('maml', 'description', $MamlNs); Write-Paras $Writer $Text; $Writer.WriteEndElement()
}

function Write-Parameter($Writer, $Parameter, $Set, [string] $Text) {
    $Writer.WriteStartElement('command', 'parameter', $CommandNs)
    $Writer.WriteAttributeString('required', "$($Set.IsMandatory)".ToLower())
    $Writer.WriteAttributeString('position', $(if ($Set.Position -ge 0) { "$($Set.Position)" } else { 'named' }))
    $pipeline = @(if ($Set.ValueFromPipeline) { 'ByValue' }; if ($Set.ValueFromPipelineByPropertyName) { 'ByPropertyName' })
    $Writer.WriteAttributeString('pipelineInput', $(if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }))
    $Writer.WriteAttributeString('globbing', 'false')
    $Writer.WriteAttributeString('variableLength', 'true')
    $Writer.WriteAttributeString('aliases', $(if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }))
    $Writer.WriteElementString('maml', 'name', $MamlNs, $Parameter.Name)
    if ($null -ne $Text) { Write-Description $Writer $Text }
    $typeName = if ($Parameter.ParameterType -eq [switch]) { 'SwitchParameter' } else { $Parameter.ParameterType.Name }
    $Writer.WriteElementString('command', 'parameterValue', $CommandNs, $typeName)
    $Writer.WriteStartElement('dev', 'type', $DevNs); $Writer.WriteElementString('maml', 'name', $MamlNs, $Parameter.ParameterType.FullName); $Writer.WriteEndElement()
    $Writer.WriteEndElement()
}

$MamlNs = 'http://schemas.microsoft.com/maml/2004/10'
$CommandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$DevNs = 'http://schemas.microsoft.com/maml/dev/2004/10'
$common = [System.Management.Automation.Internal.CommonParameters].GetProperties().Name +
    [System.Management.Automation.Internal.ShouldProcessParameters].GetProperties().Name +
    [System.Management.Automation.PagingParameters].GetProperties().Name

$module = Import-Module $ModulePath -PassThru -Force
$shared = Get-Sections (Get-Content (Join-Path $HelpSource 'SessionParameters.md') -Raw) '###'
$settings = [Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [Text.UTF8Encoding]::new($false) }
$helpFile = Join-Path $module.ModuleBase 'en-US/AwsGuard.dll-Help.xml'
$null = New-Item (Split-Path $helpFile) -ItemType Directory -Force
$writer = [Xml.XmlWriter]::Create($helpFile, $settings)
$writer.WriteStartElement('helpItems', 'http://msh'); $writer.WriteAttributeString('schema', 'maml')

foreach ($command in Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name) {
    $source = Join-Path $HelpSource "$($command.Name).md"
    if (-not (Test-Path $source)) { throw "No help source for $($command.Name): write $source." }
    $doc = Get-Sections (Get-Content $source -Raw) '##'
    $paramText = Get-Sections $doc['PARAMETERS'] '###'
    foreach ($key in $shared.Keys) { if (-not $paramText.Contains($key)) { $paramText[$key] = $shared[$key] } }
    $parameters = $command.Parameters.Values | Where-Object Name -NotIn $common

    $writer.WriteStartElement('command', 'command', $CommandNs)
    $writer.WriteAttributeString('xmlns', 'maml', $null, $MamlNs)
    $writer.WriteAttributeString('xmlns', 'dev', $null, $DevNs)
    $writer.WriteStartElement('command', 'details', $CommandNs)
    $writer.WriteElementString('command', 'name', $CommandNs, $command.Name)
    Write-Description $writer $doc['SYNOPSIS']
    $writer.WriteElementString('command', 'verb', $CommandNs, $command.Verb)
    $writer.WriteElementString('command', 'noun', $CommandNs, $command.Noun)
    $writer.WriteEndElement()
    Write-Description $writer $doc['DESCRIPTION']

    $writer.WriteStartElement('command', 'syntax', $CommandNs)
    foreach ($set in $command.ParameterSets) {
        $writer.WriteStartElement('command', 'syntaxItem', $CommandNs)
        $writer.WriteElementString('maml', 'name', $MamlNs, $command.Name)
        foreach ($p in $set.Parameters | Where-Object Name -NotIn $common) {
            $metadata = $command.Parameters[$p.Name].ParameterSets[$set.Name]
            if (-not $metadata) { $metadata = $command.Parameters[$p.Name].ParameterSets['__AllParameterSets'] }
            Write-Parameter $writer $command.Parameters[$p.Name] $metadata $null
        }
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'parameters', $CommandNs)
    foreach ($p in $parameters) {
        $key = "-$($p.Name)"
        if (-not $paramText.Contains($key)) { throw "$source does not document the parameter $key." }
        Write-Parameter $writer $p ($p.ParameterSets.Values | Select-Object -First 1) $paramText[$key]
    }
    $writer.WriteEndElement()

    foreach ($kind in @(@('INPUTS', 'inputTypes', 'inputType'), @('OUTPUTS', 'returnValues', 'returnValue'))) {
        $writer.WriteStartElement('command', $kind[1], $CommandNs)
        $entries = Get-Sections $doc[$kind[0]] '###'
        foreach ($type in $entries.Keys) {
            $writer.WriteStartElement('command', $kind[2], $CommandNs)
            $writer.WriteStartElement('dev', 'type', $DevNs); $writer.WriteElementString('maml', 'name', $MamlNs, $type); $writer.WriteEndElement()
            Write-Description $writer $entries[$type]
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()
    }

    if ($doc.Contains('NOTES')) {
        $writer.WriteStartElement('maml', 'alertSet', $MamlNs); $writer.WriteStartElement('maml', 'alert', $MamlNs)
        Write-Paras $writer $doc['NOTES']
        $writer.WriteEndElement(); $writer.WriteEndElement()
    }

    $writer.WriteStartElement('command', 'examples', $CommandNs)
    $examples = Get-Sections $doc['EXAMPLES'] '###'
    if ($examples.Count -lt 3) { throw "$source has $($examples.Count) examples; every cmdlet shows at least three." }
    foreach ($title in $examples.Keys) {
        $match = [regex]::Match($examples[$title], '(?s)```powershell\r?\n(.*?)\r?\n```(.*)')
        if (-not $match.Success) { throw "Example '$title' in $source has no powershell code block." }
        $writer.WriteStartElement('command', 'example', $CommandNs)
        $writer.WriteElementString('maml', 'title', $MamlNs, "-------------------------- $title --------------------------")
        $writer.WriteElementString('dev', 'code', $DevNs, $match.Groups[1].Value)
        $writer.WriteStartElement('dev', 'remarks', $DevNs); Write-Paras $writer $match.Groups[2].Value; $writer.WriteEndElement()
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()
    $writer.WriteEndElement()
}
$writer.WriteEndElement()
$writer.Dispose()

# PowerShell looks for a binary module's help beside the cmdlet assembly of each edition.
foreach ($bin in Get-ChildItem (Join-Path $module.ModuleBase 'bin') -Directory) {
    $null = New-Item (Join-Path $bin.FullName 'en-US') -ItemType Directory -Force
    Copy-Item $helpFile (Join-Path $bin.FullName 'en-US')
}
