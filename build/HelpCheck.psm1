<#
Checks a cmdlet's help against what PowerShell itself knows of the cmdlet. The build runs the syntax check after
writing the help (New-MamlHelp.ps1), and tests/Pester/Module.Tests.ps1 runs both checks on the built module.
Each function returns one line per difference; none means the help tells the truth.
#>
Set-StrictMode -Version 3

function Get-HelpSyntaxDifference([string] $Name) {
    <# (Get-Help X).syntax as PowerShell shows it, against Get-Command X -Syntax, parameter set by parameter set. #>
    $lines = { param($Text) @(($Text -split '\r?\n') | ForEach-Object Trim | Where-Object { $_ }) }
    $help = @(& $lines ((Get-Help $Name).syntax | Out-String -Width 10000))
    $command = @(& $lines (Get-Command $Name -Syntax | Out-String -Width 10000))
    for ($i = 0; $i -lt [Math]::Max($help.Count, $command.Count); $i++) {
        $shown = if ($i -lt $help.Count) { $help[$i] } else { '(nothing)' }
        $real = if ($i -lt $command.Count) { $command[$i] } else { '(nothing)' }
        if ($shown -cne $real) { "$Name syntax $($i + 1): the help shows '$shown'; Get-Command shows '$real'." }
    }
}

function Get-HelpInputDifference([string] $Name) {
    <#
    The INPUTS section against the pipeline binding that Get-Command reports. The rule:
    - By value: every entry whose heading is one type name (no comma, no "any object with") is a type that binds by
      value; these are exactly the element types (System.String for String[]) of the parameters that take pipeline
      input by value.
    - By property name: when some parameter binds by property name, exactly one entry's heading says "any object with
      <names>"; every name there is such a parameter or one of its aliases, and the entry's heading and text name every
      such parameter (by name or alias). AwsGuard types the heading lists have a property of one of those names.
    - No pipeline input at all: one entry, None.
    #>
    $command = Get-Command $Name
    $entries = @((Get-Help $Name).inputTypes.inputType | ForEach-Object {
            [pscustomobject]@{ Heading = "$($_.type.name)".Trim(); Text = ($_.description | Out-String).Trim() } })
    $sets = foreach ($p in $command.Parameters.Values) { foreach ($set in $p.ParameterSets.Values) { [pscustomobject]@{ Parameter = $p; Set = $set } } }
    $byValue = @($sets | Where-Object { $_.Set.ValueFromPipeline } | ForEach-Object {
            $type = $_.Parameter.ParameterType; if ($type.IsArray) { $type.GetElementType().FullName } else { $type.FullName } } | Sort-Object -Unique)
    $byName = @($sets | Where-Object { $_.Set.ValueFromPipelineByPropertyName } | ForEach-Object Parameter | Sort-Object Name -Unique)

    if (-not $byValue -and -not $byName) {
        if (($entries.Heading -join '|') -ne 'None') { "$Name takes no pipeline input, so its INPUTS are None, not '$($entries.Heading -join "', '")'." }
        return
    }
    $typeEntries = @($entries | Where-Object { $_.Heading -notmatch ',|any object with' } | ForEach-Object Heading | Sort-Object -Unique)
    if (($typeEntries -join '|') -ne ($byValue -join '|')) {
        "$Name's INPUTS list '$($typeEntries -join "', '")' as piped by value; what binds by value is '$($byValue -join "', '")'."
    }
    $propertyEntries = @($entries | Where-Object Heading -Match 'any object with')
    if (-not $byName) {
        if ($propertyEntries) { "$Name's INPUTS say '$($propertyEntries[0].Heading)', but no parameter binds by property name." }
        return
    }
    if ($propertyEntries.Count -ne 1) { return "$Name has parameters that bind by property name; its INPUTS need one entry 'any object with <names>'." }
    $entry = $propertyEntries[0]
    $known = @($byName | ForEach-Object { $_.Name; $_.Aliases })
    $listed = [regex]::Matches(($entry.Heading -split 'any object with', 2)[1], '[A-Za-z]\w*').Value | Where-Object { $_ -cnotin 'or', 'and' }
    foreach ($word in $listed) {
        if ($word -notin $known) { "$Name's INPUTS name '$word', which no parameter binds by property name." }
    }
    foreach ($parameter in $byName) {
        $names = @($parameter.Name) + $parameter.Aliases
        if (-not ($names | Where-Object { "$($entry.Heading) $($entry.Text)" -match "\b$([regex]::Escape($_))\b" })) {
            "$Name's INPUTS do not say that -$($parameter.Name) binds by property name ($($names -join ', '))."
        }
    }
    foreach ($typeName in ($entry.Heading -split ',\s*' | Where-Object { $_ -like 'AwsGuard.*' })) {
        $type = $typeName -as [type]
        if (-not $type) { "$Name's INPUTS name $typeName, which is not a type."; continue }
        if (-not ($type.GetProperties().Name | Where-Object { $_ -in $known })) { "$Name's INPUTS name $typeName, which has no property that binds." }
    }
}

Export-ModuleMember -Function Get-HelpSyntaxDifference, Get-HelpInputDifference
