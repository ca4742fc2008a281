<#
Writes AwsGuard's MAML help (platyPS is not obtainable here) from two sources: docs/help/<Cmdlet>.md for
the words (synopsis, description, examples, parameter text, inputs, outputs, notes) and Get-Command for
the facts (types, positions, pipeline input, aliases), so the help cannot drift from the code.
docs/help/SessionParameters.md documents the parameters every cmdlet shares, once; docs/help/StandardParameters.md
the ShouldProcess and paging parameters, in PowerShell's own words.
A parameter's default value is the "Default: <value>." sentence of its text, else the cmdlet's initial property value,
else False for a switch, else None. Fails the build on a parameter without help, help for a parameter that does not
exist, fewer than three examples, and help syntax that differs from Get-Command -Syntax.
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

function Get-TypeName([type] $Type) {
    # The name Get-Command -Syntax shows: Nullable unwrapped, type accelerators, no namespaces.
    $shown = if ([Nullable]::GetUnderlyingType($Type)) { [Nullable]::GetUnderlyingType($Type) } else { $Type }
    [Microsoft.PowerShell.ToStringCodeMethods]::Type([psobject]$shown) -replace '\b(\w+\.)+', ''
}

function Get-DefaultValue($Command, $Parameter, [string] $Text) {
    if ($Text -match 'Default: (.+?)\.(\s|$)') { return $Matches[1] }
    if ($Parameter.SwitchParameter) { return 'False' }
    $property = $Command.ImplementingType.GetProperty($Parameter.Name)
    if ($property -and $Command.ImplementingType.GetConstructor([type]::EmptyTypes)) {
        $value = $property.GetValue([Activator]::CreateInstance($Command.ImplementingType))
        $unset = $null -eq $value -or "$value" -eq '' -or ($value -is [Collections.ICollection] -and $value.Count -eq 0) -or
            ($property.PropertyType.IsValueType -and $value -eq [Activator]::CreateInstance($property.PropertyType))
        if (-not $unset) { return [string]::Format([cultureinfo]::InvariantCulture, '{0}', $value) }
    }
    'None'
}

function Write-Parameter($Writer, $Command, $Parameter, $Set, [string] $Text, [switch] $InSyntax) {
    $Writer.WriteStartElement('command', 'parameter', $CommandNs)
    $Writer.WriteAttributeString('required', "$($Set.IsMandatory)".ToLower())
    $Writer.WriteAttributeString('position', $(if ($Set.Position -ge 0) { "$($Set.Position)" } else { 'named' }))
    $pipeline = @(if ($Set.ValueFromPipeline) { 'ByValue' }; if ($Set.ValueFromPipelineByPropertyName) { 'ByPropertyName' })
    $Writer.WriteAttributeString('pipelineInput', $(if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }))
    $Writer.WriteAttributeString('globbing', 'false')
    $Writer.WriteAttributeString('variableLength', 'true')
    $Writer.WriteAttributeString('aliases', $(if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }))
    $Writer.WriteElementString('maml', 'name', $MamlNs, $Parameter.Name)
    if (-not $InSyntax) { Write-Description $Writer $Text }
    # A switch takes no value: the syntax shows it bare, as Get-Command does, and its parameter entry as [<SwitchParameter>].
    if (-not ($InSyntax -and $Parameter.SwitchParameter)) {
        $Writer.WriteStartElement('command', 'parameterValue', $CommandNs)
        $Writer.WriteAttributeString('required', "$(-not $Parameter.SwitchParameter)".ToLower())
        $Writer.WriteString($(if ($Parameter.SwitchParameter) { 'SwitchParameter' } else { Get-TypeName $Parameter.ParameterType }))
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $DevNs); $Writer.WriteElementString('maml', 'name', $MamlNs, $Parameter.ParameterType.FullName); $Writer.WriteEndElement()
    if (-not $InSyntax) { $Writer.WriteElementString('dev', 'defaultValue', $DevNs, (Get-DefaultValue $Command $Parameter $Text)) }
    $Writer.WriteEndElement()
}

function Get-SyntaxOrder($Set) {
    # Get-Command -Syntax's order: positional parameters by position, then mandatory named ones, then the others.
    $parameters = @($Set.Parameters | Where-Object Name -NotIn $common)
    @($parameters | Where-Object Position -GE 0 | Sort-Object Position) +
        @($parameters | Where-Object { $_.Position -lt 0 -and $_.IsMandatory }) +
        @($parameters | Where-Object { $_.Position -lt 0 -and -not $_.IsMandatory })
}

$MamlNs = 'http://schemas.microsoft.com/maml/2004/10'
$CommandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$DevNs = 'http://schemas.microsoft.com/maml/dev/2004/10'
$common = [System.Management.Automation.Internal.CommonParameters].GetProperties().Name

$module = Import-Module $ModulePath -PassThru -Force
$shared = Get-Sections (Get-Content (Join-Path $HelpSource 'SessionParameters.md') -Raw) '###'
$standard = Get-Sections (Get-Content (Join-Path $HelpSource 'StandardParameters.md') -Raw) '###'
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
    foreach ($key in $paramText.Keys) {
        if (-not $command.Parameters.ContainsKey($key.TrimStart('-'))) { throw "$source documents $key, which $($command.Name) does not have." }
    }
    foreach ($texts in $shared, $standard) {
        foreach ($key in $texts.Keys) { if (-not $paramText.Contains($key)) { $paramText[$key] = $texts[$key] } }
    }
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
        foreach ($p in Get-SyntaxOrder $set) {
            $metadata = $command.Parameters[$p.Name].ParameterSets[$set.Name]
            if (-not $metadata) { $metadata = $command.Parameters[$p.Name].ParameterSets['__AllParameterSets'] }
            Write-Parameter $writer $command $command.Parameters[$p.Name] $metadata $null -InSyntax
        }
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'parameters', $CommandNs)
    foreach ($p in $parameters) {
        $key = "-$($p.Name)"
        if (-not $paramText.Contains($key)) { throw "$source does not document the parameter $key." }
        Write-Parameter $writer $command $p ($p.ParameterSets.Values | Select-Object -First 1) $paramText[$key]
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

# The help check: what Get-Help shows of each cmdlet's syntax is what Get-Command shows.
Import-Module (Join-Path $PSScriptRoot 'HelpCheck.psm1') -Force
$wrong = @(foreach ($command in Get-Command -Module $module.Name -CommandType Cmdlet) { Get-HelpSyntaxDifference $command.Name })
if ($wrong) { throw "The help does not match the cmdlets:`n$($wrong -join "`n")" }
