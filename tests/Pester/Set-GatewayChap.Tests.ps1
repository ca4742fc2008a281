# Set-GatewayChap as a user drives it, against the Storage Gateway double: no session region (the ARN's is used).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $sgw = @{ EndpointUrl = (Get-StorageGatewayDoubleUrl); AccessKey = $TestAccessKey; SecretKey = $TestSecretKey }
    $initiator = 'iqn.1991-05.com.microsoft:pester1'
    function Secure([string] $Text) { ConvertTo-SecureString $Text -AsPlainText -Force }
    function Plain([securestring] $Secure) { [Net.NetworkCredential]::new('', $Secure).Password }
    function New-Target([hashtable[]] $Chap = @()) {
        (New-TestGateway -Region 'eu-west-3' -Volume @{ target = (New-UniqueName 'pester'); chap = $Chap }).Volumes[0].TargetARN
    }
}

Describe 'Set-GatewayChap' {
    BeforeEach { $sandbox = Enter-AwsSandbox }
    AfterEach { Exit-AwsSandbox $sandbox }

    It 'sets one-way CHAP in the target ARN''s region and -PassThru writes the ChapCredential' {
        $target = New-Target
        $result = Set-GatewayChap @sgw -TargetArn $target -InitiatorName $initiator -InitiatorSecret (Secure 'one-way-12345') -Force -PassThru
        $result | Should -BeOfType ([AwsGuard.ChapCredential])
        $result.TargetArn | Should -Be $target
        $result.TargetName | Should -Be ($target -replace '^.*/target/', '')
        $result.ChapEnabled | Should -BeTrue
        $result.MutualChap | Should -BeFalse
        $result.InitiatorSecret | Should -BeOfType ([securestring])
        $read = Get-GatewayChap @sgw -TargetArn $target
        $read.InitiatorName | Should -Be $initiator
        Plain $read.InitiatorSecret | Should -Be 'one-way-12345'
    }

    It 'sets mutual CHAP with -TargetSecret' {
        $target = New-Target
        Set-GatewayChap @sgw $target -InitiatorName $initiator -InitiatorSecret (Secure 'mutual-init-1') -TargetSecret (Secure 'mutual-targ-2') -Force
        $read = Get-GatewayChap @sgw -TargetArn $target
        $read.MutualChap | Should -BeTrue
        Plain $read.TargetSecret | Should -Be 'mutual-targ-2'
    }

    It 'rotates every entry piped from Get-GatewayChap, and from AWS.Tools-shaped ChapInfo objects' {
        $target = New-Target -Chap @(
            @{ initiator = 'iqn.1991-05.com.microsoft:a'; initiatorSecret = 'old-secret-a1' },
            @{ initiator = 'iqn.1991-05.com.microsoft:b'; initiatorSecret = 'old-secret-b1'; targetSecret = 'old-target-b1' })
        Get-GatewayChap @sgw -TargetArn $target | Set-GatewayChap @sgw -InitiatorSecret (Secure 'new-secret-01') -TargetSecret (Secure 'new-target-01') -Force
        $read = @(Get-GatewayChap @sgw -TargetArn $target)
        $read.Count | Should -Be 2
        $read | ForEach-Object { Plain $_.InitiatorSecret } | Should -Be @('new-secret-01', 'new-secret-01')
        $read.MutualChap | Should -Be @($true, $true)

        [pscustomobject]@{ TargetARN = $target; InitiatorName = 'iqn.1991-05.com.microsoft:a'; SecretToAuthenticateInitiator = 'x' } |
            Set-GatewayChap @sgw -InitiatorSecret (Secure 'from-chapinfo') -TargetSecret (Secure 'chapinfo-targ') -Force
        Plain (Get-GatewayChap @sgw -TargetArn $target | Where-Object InitiatorName -Like '*:a').InitiatorSecret | Should -Be 'from-chapinfo'
    }

    It '-WhatIf changes nothing, even with -Force, and so does $WhatIfPreference' {
        $target = New-Target -Chap @(@{ initiator = $initiator; initiatorSecret = 'untouched-123' })
        $before = Get-DoubleRequestCount -Operation UpdateChapCredentials
        Set-GatewayChap @sgw -TargetArn $target -InitiatorName $initiator -InitiatorSecret (Secure 'never-sent-12') -Force -WhatIf
        & { $WhatIfPreference = $true; Set-GatewayChap @sgw -TargetArn $target -InitiatorName $initiator -InitiatorSecret (Secure 'never-sent-12') -Force }
        Get-DoubleRequestCount -Operation UpdateChapCredentials | Should -Be $before
        Plain (Get-GatewayChap @sgw -TargetArn $target).InitiatorSecret | Should -Be 'untouched-123'
    }

    It 'asks first (ConfirmImpact High), saying connections close; -Force skips the question' {
        $target = New-Target
        $before = Get-DoubleRequestCount -Operation UpdateChapCredentials
        foreach ($force in $false, $true) {
            $ps = [PowerShell]::Create() # no host: the question shows up as the error that it could not be asked
            try {
                $null = $ps.AddCommand('Import-Module').AddArgument((Get-TestModulePath)).AddStatement().AddCommand('Set-GatewayChap').AddParameters(
                    $sgw + @{ TargetArn = $target; InitiatorName = $initiator; InitiatorSecret = (Secure 'asked-first-1'); Force = $force })
                $null = $ps.Invoke()
                if ($force) { $ps.HadErrors | Should -BeFalse; continue }
                $ps.Streams.Error[0].FullyQualifiedErrorId | Should -Be 'HostFunctionNotImplemented,AwsGuard.Commands.SetGatewayChapCommand'
                $ps.Streams.Error[0].Exception.Message |
                    Should -Match 'Updating CHAP closes every existing connection on the target, and initiators must reconnect with the new credentials'
                Get-DoubleRequestCount -Operation UpdateChapCredentials | Should -Be $before
            }
            finally { $ps.Dispose() }
        }
        Get-DoubleRequestCount -Operation UpdateChapCredentials | Should -Be ($before + 1)
    }

    It 'refuses <Case> before any call, saying the rule and the length, never the secret' -TestCases @(
        @{ Case = 'an 11-byte secret'; Initiator = $null; Secret = 'eleven-byte'; Mutual = $null; Id = 'InvalidChapSecret'; Text = 'it is 11 bytes' }
        @{ Case = 'a 17-byte secret'; Initiator = $null; Secret = 'seventeen-bytes-x'; Mutual = $null; Id = 'InvalidChapSecret'; Text = 'it is 17 bytes' }
        @{ Case = '12 characters in 24 bytes'; Initiator = $null; Secret = 'ÄÖÜäöüÄÖÜäöü'; Mutual = $null; Id = 'InvalidChapSecret'; Text = 'it is 24 bytes \(12 characters' }
        @{ Case = '12 characters in 36 bytes'; Initiator = $null; Secret = '€€€€€€€€€€€€'; Mutual = $null; Id = 'InvalidChapSecret'; Text = 'it is 36 bytes \(12 characters' }
        @{ Case = 'a multi-byte target secret'; Initiator = $null; Secret = 'valid-secret'; Mutual = 'ééééééééééééé'; Id = 'InvalidChapSecret'; Text = '-TargetSecret must be 12 to 16 bytes in UTF-8; it is 26 bytes' }
        @{ Case = 'identical secrets'; Initiator = $null; Secret = 'same-secret-1'; Mutual = 'same-secret-1'; Id = 'ChapSecretsIdentical'; Text = 'must differ' }
        @{ Case = 'an upper-case initiator'; Initiator = 'IQN.1991-05.COM.MICROSOFT:X'; Secret = 'valid-secret'; Mutual = $null; Id = 'InvalidInitiatorName'; Text = '1 to 255 characters.*has 27 characters' }
        @{ Case = 'a 256-character initiator'; Initiator = 'iqn.' + ('a' * 252); Secret = 'valid-secret'; Mutual = $null; Id = 'InvalidInitiatorName'; Text = 'has 256 characters' }
        @{ Case = 'an initiator read from a file with its newline'; Initiator = "iqn.1991-05.com.microsoft:host`n"; Secret = 'valid-secret'; Mutual = $null; Id = 'InvalidInitiatorName'; Text = 'has 31 characters' }
    ) {
        $target = New-Target
        $before = Get-DoubleRequestCount
        $arguments = @{ TargetArn = $target; InitiatorName = $(if ($Initiator) { $Initiator } else { 'iqn.1991-05.com.microsoft:v' }); InitiatorSecret = (Secure $Secret) }
        if ($Mutual) { $arguments.TargetSecret = Secure $Mutual }
        Set-GatewayChap @sgw @arguments -Force -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be "$Id,AwsGuard.Commands.SetGatewayChapCommand"
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failures[0].Exception.Message | Should -Match $Text
        $failures[0].Exception.Message | Should -Not -Match ([regex]::Escape($Secret))
        if ($Mutual) { $failures[0].Exception.Message | Should -Not -Match ([regex]::Escape($Mutual)) }
        Get-DoubleRequestCount | Should -Be $before
    }

    It 'refuses an ARN that is not a Storage Gateway target, and goes on with the next input' {
        $target = New-Target
        $inputs = @([pscustomobject]@{ TargetArn = ($target -replace '/target/.*$', ''); InitiatorName = $initiator },
            [pscustomobject]@{ TargetArn = $target; InitiatorName = $initiator })
        $done = $inputs | Set-GatewayChap @sgw -InitiatorSecret (Secure 'goes-on-1234') -Force -PassThru -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'InvalidTargetArn,AwsGuard.Commands.SetGatewayChapCommand'
        $done.TargetArn | Should -Be $target
    }

    It 'maps a service error to a clear ErrorRecord' {
        $target = (New-Target) + 'missing'
        Set-GatewayChap @sgw -TargetArn $target -InitiatorName $initiator -InitiatorSecret (Secure 'not-found-123') -Force -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'TargetNotFound,AwsGuard.Commands.SetGatewayChapCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].TargetObject | Should -Be $target
        $failures[0].Exception.Message | Should -Match 'The specified target was not found. \(InvalidGatewayRequestException: TargetNotFound\)'
    }

    It 'writes no CHAP secret to any stream, with -Verbose and -Debug' {
        $target = New-Target
        $secrets = 'LeakInit-7Qx', 'LeakTarg-9Zw', 'LeakLong-7Qx9Zw42'
        $text = Get-AllStreams {
            Set-GatewayChap @sgw -TargetArn $target -InitiatorName $initiator -InitiatorSecret (Secure $secrets[0]) -TargetSecret (Secure $secrets[1]) -Force -PassThru -Verbose -Debug
            Set-GatewayChap @sgw -TargetArn $target -InitiatorName $initiator -InitiatorSecret (Secure $secrets[2]) -Force -Verbose -Debug
            Set-GatewayChap @sgw -TargetArn $target -InitiatorName $initiator -InitiatorSecret (Secure $secrets[0]) -TargetSecret (Secure $secrets[0]) -Force -Verbose -Debug
            Set-GatewayChap @sgw -TargetArn "$target-x" -InitiatorName $initiator -InitiatorSecret (Secure $secrets[0]) -Force -Verbose -Debug
            Get-GatewayChap @sgw -TargetArn $target -Verbose -Debug | Format-List * | Out-String
        }
        $text | Should -Match 'AWS Storage Gateway UpdateChapCredentials eu-west-3 -> 200 in \d+ ms'
        $text | Should -Match 'InvalidChapSecret|must be 12 to 16 bytes'
        foreach ($secret in $secrets + $TestSecretKey) { $text | Should -Not -Match ([regex]::Escape($secret)) }
    }

    It 'does nothing for a header-only CSV piped through Get-GatewayChap: no update, no output' {
        $gateway = New-TestGateway -Region 'us-east-1' -Volume @{ target = (New-UniqueName 'csv'); chap = @(@{ initiator = $initiator; initiatorSecret = 'untouched-csv' }) }
        $csv = Join-Path ([IO.Path]::GetTempPath()) "$(New-UniqueName 'header-only').csv"
        Set-Content $csv 'GatewayARN,TargetARN'
        try {
            $before = Get-DoubleRequestCount
            $result = @(Import-Csv $csv | Get-GatewayChap @sgw -Region us-east-1 | Where-Object ChapEnabled |
                Set-GatewayChap @sgw -InitiatorSecret (Secure 'never-sent-12') -Force -PassThru)
            Get-DoubleRequestCount | Should -Be $before
            $result.Count | Should -Be 0
        }
        finally { Remove-Item $csv }
        Plain (Get-GatewayChap @sgw -TargetArn $gateway.Volumes[0].TargetARN).InitiatorSecret | Should -Be 'untouched-csv'
    }

    It 'rotates a whole gateway from Get-GatewayChap: a target without CHAP passes with a verbose line, even under Stop' {
        $gateway = New-TestGateway -Region 'eu-west-3' -Volume @(
            @{ target = (New-UniqueName 'open') },
            @{ target = (New-UniqueName 'oneway'); chap = @(@{ initiator = 'iqn.1991-05.com.microsoft:a'; initiatorSecret = 'old-oneway-a1' }) },
            @{ target = (New-UniqueName 'mutual'); chap = @(@{ initiator = 'iqn.1991-05.com.microsoft:b'; initiatorSecret = 'old-mutual-b1'; targetSecret = 'old-target-b1' }) })
        $text = & {
            $ErrorActionPreference = 'Stop'
            Get-GatewayChap @sgw -GatewayArn $gateway.GatewayARN |
                Set-GatewayChap @sgw -InitiatorSecret (Secure 'new-secret-01') -TargetSecret (Secure 'new-target-01') -Force -Verbose 4>&1 | Out-String
        }
        $text | Should -Match ('Target ' + [regex]::Escape(($gateway.Volumes[0].TargetARN -replace '^.*/target/', '')) + ' has no CHAP: nothing to rotate')
        $read = @(Get-GatewayChap @sgw -GatewayArn $gateway.GatewayARN | Sort-Object TargetArn)
        ($read | Where-Object ChapEnabled).Count | Should -Be 2
        $read | Where-Object ChapEnabled | ForEach-Object { Plain $_.InitiatorSecret } | Should -Be @('new-secret-01', 'new-secret-01')
        ($read | Where-Object TargetArn -EQ $gateway.Volumes[0].TargetARN).ChapEnabled | Should -BeFalse
    }

    It 'refuses to turn mutual CHAP off with -InitiatorSecret alone, before any change, and rotates the one-way sibling' {
        $target = New-Target -Chap @(
            @{ initiator = 'iqn.1991-05.com.microsoft:a'; initiatorSecret = 'old-oneway-a1' },
            @{ initiator = 'iqn.1991-05.com.microsoft:b'; initiatorSecret = 'old-mutual-b1'; targetSecret = 'old-target-b1' })
        $piped = Get-GatewayChap @sgw -TargetArn $target
        $before = Get-DoubleRequestCount
        $piped | Set-GatewayChap @sgw -InitiatorSecret (Secure 'new-oneway-01') -Force -ErrorVariable failures -ErrorAction SilentlyContinue
        Get-DoubleRequestCount | Should -Be ($before + 1) # the one-way entry's update: no call to find out what the piped entries knew
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'MutualChapNeedsTargetSecret,AwsGuard.Commands.SetGatewayChapCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failures[0].TargetObject | Should -Be $target
        $failures[0].Exception.Message | Should -Match 'iqn.1991-05.com.microsoft:b has mutual CHAP.*Give -TargetSecret to keep it, or -DisableMutualChap'

        $updates = Get-DoubleRequestCount -Operation UpdateChapCredentials
        Set-GatewayChap @sgw $target -InitiatorName 'iqn.1991-05.com.microsoft:b' -InitiatorSecret (Secure 'new-oneway-02') -Force -ErrorVariable byName -ErrorAction SilentlyContinue
        $byName[0].FullyQualifiedErrorId | Should -Be 'MutualChapNeedsTargetSecret,AwsGuard.Commands.SetGatewayChapCommand'
        Get-DoubleRequestCount -Operation UpdateChapCredentials | Should -Be $updates

        $read = Get-GatewayChap @sgw -TargetArn $target | Sort-Object InitiatorName
        Plain $read[0].InitiatorSecret | Should -Be 'new-oneway-01'
        $read[1].MutualChap | Should -BeTrue
        Plain $read[1].InitiatorSecret | Should -Be 'old-mutual-b1'
    }

    It 'says exactly what changes: <Change>' -TestCases @(
        @{ Change = 'Rotate mutual CHAP'; Today = 'mutual'; Arguments = @{ TargetSecret = 'new-target-01' } }
        @{ Change = 'Turn on mutual CHAP (one-way today)'; Today = 'oneway'; Arguments = @{ TargetSecret = 'new-target-01' } }
        @{ Change = 'Rotate one-way CHAP'; Today = 'oneway'; Arguments = @{} }
        @{ Change = 'Set one-way CHAP'; Today = 'none'; Arguments = @{} }
        @{ Change = 'Turn off mutual CHAP (set one-way CHAP)'; Today = 'mutual'; Arguments = @{ DisableMutualChap = $true } }
    ) {
        $target = switch ($Today) {
            'mutual' { New-Target -Chap @{ initiator = $initiator; initiatorSecret = 'old-secret-01'; targetSecret = 'old-target-01' } }
            'oneway' { New-Target -Chap @{ initiator = $initiator; initiatorSecret = 'old-secret-01' } }
            'none' { New-Target }
        }
        $parameters = @{ InitiatorSecret = (Secure 'new-secret-01') }
        foreach ($name in $Arguments.Keys) { $parameters[$name] = if ($name -like '*Secret') { Secure $Arguments[$name] } else { $Arguments[$name] } }
        # -Confirm:$false goes through ShouldProcess, which writes the -WhatIf text as a verbose line.
        $text = Set-GatewayChap @sgw -TargetArn $target -InitiatorName $initiator @parameters -Confirm:$false -Verbose 4>&1 | Out-String
        $text | Should -Match ([regex]::Escape("$Change for initiator $initiator on target $target."))
        (Get-GatewayChap @sgw -TargetArn $target).MutualChap | Should -Be ($parameters.ContainsKey('TargetSecret'))
    }

    It 'refuses -DisableMutualChap with -TargetSecret before any call' {
        $target = New-Target
        $before = Get-DoubleRequestCount
        Set-GatewayChap @sgw $target -InitiatorName $initiator -InitiatorSecret (Secure 'new-secret-01') -TargetSecret (Secure 'new-target-01') -DisableMutualChap -Force -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'DisableMutualChapWithTargetSecret,AwsGuard.Commands.SetGatewayChapCommand'
        Get-DoubleRequestCount | Should -Be $before
    }
}
