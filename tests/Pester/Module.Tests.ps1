# The module as a user meets it: the manifest, the layout, and help for every cmdlet generated from Get-Command.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $module = Import-Module (Get-TestModulePath) -PassThru -Force
    $cmdlets = @(Get-Command -Module $module.Name -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $module = Import-Module (Get-TestModulePath) -PassThru -Force
    Import-Module (Join-Path $PSScriptRoot '../../build/HelpCheck.psm1') -Force
    # Only these are left to about_CommonParameters; -WhatIf, -Confirm and the paging parameters have help of their own.
    $common = [Management.Automation.Internal.CommonParameters].GetProperties().Name
}

Describe 'The AwsGuard module' {
    It 'has a valid manifest that exports exactly its cmdlets' {
        $manifest = Test-ModuleManifest (Get-TestModulePath)
        $manifest.ExportedCmdlets.Keys | Sort-Object | Should -Be (Get-Command -Module AwsGuard | ForEach-Object Name | Sort-Object)
        (Get-Content (Get-TestModulePath) -Raw) | Should -Not -Match "CmdletsToExport\s*=\s*'\*'"
    }

    It 'does not ship System.Management.Automation' {
        Get-ChildItem $module.ModuleBase -Recurse -Filter System.Management.Automation.dll | Should -BeNullOrEmpty
    }

    It 'keeps the engine and AWSSDK out of the default load context folder' {
        $bin = Join-Path $module.ModuleBase 'bin/net8.0'
        (Get-ChildItem $bin -Filter *.dll).Name | Sort-Object | Should -Be @('AwsGuard.Contracts.dll', 'AwsGuard.dll')
        Join-Path $bin 'Dependencies/AWSSDK.Core.dll' | Should -Exist
        Join-Path $bin 'Dependencies/AwsGuard.Engine.dll' | Should -Exist
    }

    It 'loads the engine and AWSSDK.Core into its own load context, not the default one' {
        $local = Get-LocalAwsParameters
        Get-AwsGuardIdentity @local | Out-Null
        $engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'AwsGuard.Engine' }
        $core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.Location -like '*AwsGuard*Dependencies*AWSSDK.Core.dll' }
        [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($engine).Name | Should -Be 'AwsGuard'
        [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($core).Name | Should -Be 'AwsGuard'
        [Runtime.Loader.AssemblyLoadContext]::GetLoadContext([AwsGuard.CallerIdentity].Assembly).Name | Should -Be 'Default'
    }

    It 'is built for Windows PowerShell 5.1 too' {
        Join-Path $module.ModuleBase 'bin/netstandard2.0/AwsGuard.dll' | Should -Exist
        Join-Path $module.ModuleBase 'bin/netstandard2.0/Dependencies/AWSSDK.Core.dll' | Should -Exist
    }

    It 'has table views that fit an 80-column console' {
        $format = [xml](Get-Content (Join-Path $module.ModuleBase 'AwsGuard.Format.ps1xml') -Raw)
        foreach ($view in $format.Configuration.ViewDefinitions.View) {
            $headers = @($view.TableControl.TableHeaders.TableColumnHeader)
            $fixed = ($headers | Where-Object { $_['Width'] } | ForEach-Object { [int]$_.Width } | Measure-Object -Sum).Sum
            # Each column is followed by one space; columns without a width share what is left, at least 10 each.
            $left = 80 - $fixed - $headers.Count
            $left | Should -BeGreaterOrEqual (10 * @($headers | Where-Object { -not $_['Width'] }).Count) -Because "$($view.Name) must fit 80 columns"
        }
    }

    It 'shows an object''s key, every reason and a whole ARN at 80 columns: wrapped, never cut' {
        $null = (Get-Command Get-PublicBucket, Get-AwsGuardIdentity).OutputType.Type # loads AwsGuard's types
        $details = 'the object ACL grants READ to everyone (AllUsers)', 'the bucket policy statement PublicRead allows s3:GetObject to *'
        $exposures = @(
            [AwsGuard.BucketExposure]@{ BucketName = 'website-assets'; Status = 'NotPublic' }
            [AwsGuard.BucketExposure]@{ BucketName = 'website-assets'; ObjectKey = 'index.html'; Status = 'Public'; PublicRead = $true
                Reasons = [AwsGuard.ExposureReason[]]@($details | ForEach-Object { [AwsGuard.ExposureReason]@{ Detail = $_ } }) })
        $identity = [AwsGuard.CallerIdentity]@{ Account = '123456789012'; Region = 'ap-southeast-2'
            Arn = 'arn:aws:sts::123456789012:assumed-role/SecurityAuditReadOnly/AwsGuard-20261129T215926' }
        foreach ($shown in ($exposures | Out-String -Width 80), ($identity | Out-String -Width 80)) {
            $shown -split '\r?\n' | Where-Object Length -GT 80 | Should -BeNullOrEmpty
            $shown | Should -Not -Match '…'
        }
        $table = $exposures | Out-String -Width 80
        $table | Should -Match '(?m)^website-assets/index\.html +Public'
        $table | Should -Match '(?m)^website-assets +NotPublic'
        foreach ($detail in $details) { ($table -replace '\s+', ' ') | Should -Match ([regex]::Escape($detail)) }
        ($identity | Out-String -Width 80) | Should -Match '(?m)^\s+SecurityAuditReadOnly/AwsGuard-20261129T215926\s*$'
    }

    It 'has an about_AwsGuard topic' {
        (Get-Help about_AwsGuard | Out-String) | Should -Match 'Credentials, first hit wins'
    }
}

Describe 'Help of the parameters' {
    It 'shows the real default of a parameter the cmdlet initialises' {
        (Get-Help Get-PublicBucket -Parameter ThrottleLimit).defaultValue | Should -Be '16'
    }

    It 'documents -WhatIf and -Confirm, and the paging parameters, in PowerShell''s words' {
        (Get-Help Revoke-RoleSession -Parameter WhatIf | Out-String) | Should -Match 'Shows what would happen if the cmdlet runs'
        (Get-Help Revoke-RoleSession -Parameter Confirm | Out-String) | Should -Match 'Prompts you for confirmation'
        (Get-Help Get-CwLogEvent -Parameter First | Out-String) | Should -Match 'Gets only the specified number of objects'
    }
}

Describe 'Help and metadata of <Name>' -ForEach $cmdlets {
    BeforeAll {
        $command = Get-Command $Name
        $help = Get-Help $Name -Full
    }

    It 'uses an approved verb' {
        (Get-Verb).Verb | Should -Contain $command.Verb
    }

    It 'declares its output type and has a table view for it' {
        $command.OutputType | Should -Not -BeNullOrEmpty
        foreach ($type in $command.OutputType.Name) {
            Get-FormatData -TypeName $type | Should -Not -BeNullOrEmpty -Because "$type needs a default view"
        }
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$Name"
        ($help.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'documents every parameter' {
        foreach ($parameter in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $documented = $help.Parameters.Parameter | Where-Object Name -EQ $parameter
            $documented | Should -Not -BeNullOrEmpty -Because "-$parameter needs help"
            ($documented.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$parameter needs a description"
        }
    }

    It 'shows in Get-Help the syntax Get-Command shows' {
        Get-HelpSyntaxDifference $Name | Should -BeNullOrEmpty
    }

    It 'lists as INPUTS exactly what binds from the pipeline' {
        Get-HelpInputDifference $Name | Should -BeNullOrEmpty
    }

    It 'gives every parameter a default value: False for a switch, None where there is none' {
        foreach ($parameter in $command.Parameters.Values | Where-Object { $_.Name -notin $common }) {
            $documented = $help.Parameters.Parameter | Where-Object Name -EQ $parameter.Name
            $documented.defaultValue | Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) has a default or None"
            if ($parameter.SwitchParameter) { $documented.defaultValue | Should -Be 'False' }
        }
    }

    It 'has at least three examples, each of which parses' {
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 3
        foreach ($example in $help.Examples.Example) {
            $errors = $null
            $null = [Management.Automation.Language.Parser]::ParseInput($example.Code, [ref]$null, [ref]$errors)
            $errors | Should -BeNullOrEmpty -Because $example.Title
        }
    }
}
