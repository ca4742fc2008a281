# AwsGuard's ErrorRecords as a user meets them: the offending value as target, and what to do about it.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $local = Get-LocalAwsParameters
}

Describe 'ErrorRecords of AwsGuard' {
    It 'has the offending -EndTime as the target of EndBeforeStart, and says what to change' {
        $record = try { Get-CwLogEvent /any/group -StartTime 5m -EndTime 10m @local -ErrorAction Stop } catch { $_ }
        $record.FullyQualifiedErrorId | Should -BeLike 'EndBeforeStart,*'
        $record.TargetObject | Should -BeOfType [datetime]
        $record.TargetObject | Should -BeLessThan ([datetime]::UtcNow.AddMinutes(-9))
        $record.ErrorDetails.RecommendedAction | Should -Match '-EndTime after -StartTime'
    }

    It 'recommends the parameter to add when one is missing' {
        $record = try { Get-AwsGuardIdentity @local -ExternalId abc -ErrorAction Stop } catch { $_ }
        $record.FullyQualifiedErrorId | Should -BeLike 'ExternalIdWithoutRole,*'
        $record.ErrorDetails.RecommendedAction | Should -Match '^Add -AssumeRoleArn'

        $folder = New-Item (Join-Path ([IO.Path]::GetTempPath()) (New-UniqueName 'errors-')) -ItemType Directory
        try {
            $record = try { Copy-S3Quiet $folder.FullName "s3://$(New-UniqueName 'errors-')/x/" @local -ErrorAction Stop } catch { $_ }
            $record.FullyQualifiedErrorId | Should -BeLike 'SourceIsFolder,*'
            $record.ErrorDetails.RecommendedAction | Should -Be 'Add -Recurse.'
        }
        finally { Remove-Item $folder -Recurse }
    }

    It 'shows the recommendation with the error' {
        $record = try { Get-AwsGuardIdentity @local -ExternalId abc -ErrorAction Stop } catch { $_ }
        ($record | Out-String) | Should -Match 'Add -AssumeRoleArn'
    }
}
