# Revoke-RoleSession as a user drives it against moto's IAM: every way to name a role, -WhatIf, -Force, and what IAM holds afterwards.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $local = Get-LocalAwsParameters
    $env:AWS_ACCESS_KEY_ID = $TestAccessKey; $env:AWS_SECRET_ACCESS_KEY = $TestSecretKey; $env:AWS_DEFAULT_REGION = 'us-east-1'
    $trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'

    function Invoke-Iam([string[]] $Arguments) {
        $output = & aws --endpoint-url $local.EndpointUrl iam @Arguments --output json 2>&1
        if ($LASTEXITCODE) { throw "aws iam $($Arguments[0]) failed: $output" }
        if ($output) { $output | Out-String | ConvertFrom-Json }
    }
    function New-Role([string] $Path = '/') {
        $name = "pester-revoke-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
        (Invoke-Iam @('create-role', '--role-name', $name, '--path', $Path, '--assume-role-policy-document', $trust)).Role
    }
    function Get-RevocationPolicy([string] $Role) {
        (Invoke-Iam @('get-role-policy', '--role-name', $Role, '--policy-name', 'AWSRevokeOlderSessions')).PolicyDocument
    }
    function Set-RevocationPolicy([string] $Role, [datetime] $Time) {
        $document = '{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"' +
            $Time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'") + '"}}}}'
        Invoke-Iam @('put-role-policy', '--role-name', $Role, '--policy-name', 'AWSRevokeOlderSessions', '--policy-document', $document) | Out-Null
    }
    function Get-InlinePolicies([string] $Role) {
        (Invoke-Iam @('list-role-policies', '--role-name', $Role)).PolicyNames | Sort-Object | ForEach-Object {
            [pscustomobject]@{ Name = $_; Document = (Invoke-Iam @('get-role-policy', '--role-name', $Role, '--policy-name', $_)).PolicyDocument | ConvertTo-Json -Depth 10 -Compress }
        }
    }
    function Format-Utc([datetime] $Time) { $Time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", [cultureinfo]::InvariantCulture) }
}

Describe 'Revoke-RoleSession' {
    It 'puts the console''s policy on a fresh role, field by field as the AWS CLI reads it back' {
        $role = New-Role
        $before = [datetime]::new(2026, 1, 2, 3, 4, 5, 678, [DateTimeKind]::Utc)
        $result = Revoke-RoleSession $role.RoleName -Before $before -Force -PassThru @local
        $result | Should -BeOfType ([AwsGuard.RoleSessionRevocation])
        $result.Action | Should -Be 'Created'
        $result.RoleArn | Should -Be $role.Arn
        $result.PolicyName | Should -Be 'AWSRevokeOlderSessions'
        $result.RevokedBefore | Should -Be $before
        $result.RevokedBefore.Kind | Should -Be 'Utc'

        $policy = Get-RevocationPolicy $role.RoleName
        @($policy.PSObject.Properties.Name) | Should -Be @('Version', 'Statement')
        $policy.Version | Should -Be '2012-10-17'
        $statement = @($policy.Statement)
        $statement.Count | Should -Be 1
        @($statement[0].PSObject.Properties.Name) | Should -Be @('Effect', 'Action', 'Resource', 'Condition')
        $statement[0].Effect | Should -Be 'Deny'
        $statement[0].Action | Should -BeExactly '*'
        $statement[0].Resource | Should -BeExactly '*'
        @($statement[0].Condition.PSObject.Properties.Name) | Should -Be @('DateLessThan')
        @($statement[0].Condition.DateLessThan.PSObject.Properties.Name) | Should -Be @('aws:TokenIssueTime')
        # ConvertFrom-Json would turn the value into a DateTime; compare the text IAM holds
        (& aws --endpoint-url $local.EndpointUrl iam get-role-policy --role-name $role.RoleName --policy-name AWSRevokeOlderSessions --query 'PolicyDocument.Statement[0].Condition.DateLessThan."aws:TokenIssueTime"' --output text) |
            Should -Be '2026-01-02T03:04:05.678Z'
    }

    It 'keeps a later existing time and says so, and moves an earlier one forward' {
        $later = New-Role; $earlier = New-Role
        $now = [datetime]::UtcNow
        Set-RevocationPolicy $later.RoleName $now
        Set-RevocationPolicy $earlier.RoleName $now.AddHours(-3)
        $warnings = @()
        $results = @($later.RoleName, $earlier.RoleName | Revoke-RoleSession -Before $now.AddHours(-1) -Force -PassThru @local -WarningVariable warnings -WarningAction SilentlyContinue)
        $kept = $results | Where-Object RoleName -EQ $later.RoleName
        $kept.Action | Should -Be 'Unchanged'
        Format-Utc $kept.RevokedBefore | Should -Be (Format-Utc ([datetime]::new($now.Ticks - $now.Ticks % [timespan]::TicksPerSecond, 'Utc')))
        ($warnings -join "`n") | Should -Match ([regex]::Escape($later.RoleName) + '.*later time is kept')
        (Get-RevocationPolicy $later.RoleName).Statement.Condition.DateLessThan.'aws:TokenIssueTime'.ToUniversalTime() | Should -Be $kept.RevokedBefore

        $moved = $results | Where-Object RoleName -EQ $earlier.RoleName
        $moved.Action | Should -Be 'Updated'
        Format-Utc $moved.RevokedBefore | Should -Be (Format-Utc $now.AddHours(-1))
    }

    It 'leaves every other inline policy of the role as it was' {
        $role = New-Role
        Invoke-Iam @('put-role-policy', '--role-name', $role.RoleName, '--policy-name', 'app-read', '--policy-document',
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::app/*"}]}') | Out-Null
        Invoke-Iam @('put-role-policy', '--role-name', $role.RoleName, '--policy-name', 'app-logs', '--policy-document',
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"*"}]}') | Out-Null
        $before = Get-InlinePolicies $role.RoleName
        Revoke-RoleSession $role.RoleName -Force @local
        $after = Get-InlinePolicies $role.RoleName
        $after.Name | Should -Be @('app-logs', 'app-read', 'AWSRevokeOlderSessions')
        ($after | Where-Object Name -NE 'AWSRevokeOlderSessions' | ConvertTo-Json) | Should -Be ($before | ConvertTo-Json)
    }

    It 'takes names, role ARNs with a path, session ARNs and role objects from the pipeline, one time for all' {
        $byName = New-Role; $byArn = New-Role '/team/app/'; $bySession = New-Role; $byObject = New-Role
        $session = "arn:aws:sts::123456789012:assumed-role/$($bySession.RoleName)/i-0abc"
        $results = @(
            $byName.RoleName | Revoke-RoleSession -Force -PassThru @local
            [pscustomobject]@{ EventName = 'GetObject'; RoleArn = $byArn.Arn }, [pscustomobject]@{ RoleArn = $session } | Revoke-RoleSession -Force -PassThru @local
            [pscustomobject]@{ RoleName = $byObject.RoleName; Arn = $byObject.Arn; Path = '/' } | Revoke-RoleSession -Force -PassThru @local
        )
        $results.RoleName | Should -Be @($byName.RoleName, $byArn.RoleName, $bySession.RoleName, $byObject.RoleName)
        $results.Action | Should -Be @('Created', 'Created', 'Created', 'Created')
        ($results | Where-Object RoleName -EQ $byArn.RoleName).RoleArn | Should -Be $byArn.Arn
        $two = @($byName.RoleName, $byObject.RoleName | Revoke-RoleSession -Force -PassThru @local)
        $two[0].RevokedBefore | Should -Be $two[1].RevokedBefore
    }

    It 'changes nothing with -WhatIf, even with -Force' {
        $fresh = New-Role; $existing = New-Role
        Set-RevocationPolicy $existing.RoleName ([datetime]::UtcNow.AddHours(-2))
        $policiesBefore = Get-InlinePolicies $existing.RoleName
        $output = @($fresh.RoleName, $existing.RoleName | Revoke-RoleSession -WhatIf -Force -PassThru @local)
        $output.Count | Should -Be 0
        @(Get-InlinePolicies $fresh.RoleName).Count | Should -Be 0
        (Get-InlinePolicies $existing.RoleName | ConvertTo-Json) | Should -Be ($policiesBefore | ConvertTo-Json)
    }

    It 'needs -Force (or -Confirm:$false) where nobody can answer the prompt' {
        $role = New-Role
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument((Get-TestModulePath)).AddStatement()
            $null = $ps.AddCommand('Revoke-RoleSession').AddParameter('RoleName', $role.RoleName).AddParameters($local)
            $ps.Invoke() | Out-Null
            $ps.Streams.Error.Count | Should -BeGreaterThan 0  # the prompt cannot be shown: nothing is done
            @(Get-InlinePolicies $role.RoleName).Count | Should -Be 0

            $ps.Commands.Clear(); $ps.Streams.Error.Clear()
            $null = $ps.AddCommand('Revoke-RoleSession').AddParameter('RoleName', $role.RoleName).AddParameter('Force').AddParameter('PassThru').AddParameters($local)
            $result = $ps.Invoke()
            $ps.Streams.Error.Count | Should -Be 0
            $result[0].Action | Should -Be 'Created'
        }
        finally { $ps.Dispose() }
    }

    It 'refuses a service-linked role, a missing role and another account''s role, and goes on with the rest' {
        $good = New-Role
        $suffix = [guid]::NewGuid().ToString('N').Substring(0, 8)
        $linked = (Invoke-Iam @('create-service-linked-role', '--aws-service-name', 'elasticbeanstalk.amazonaws.com', '--custom-suffix', $suffix)).Role
        $missing = "pester-missing-$suffix"
        $foreign = 'arn:aws:iam::210987654321:role/Elsewhere'
        $errors = @()
        $text = Get-AllStreams { $linked.RoleName, $missing, $foreign, $good.RoleName | Revoke-RoleSession -Force @local -Verbose }
        $results = @($linked.RoleName, $linked.Arn, $missing, $foreign, 'not a name!', $good.RoleName |
            Revoke-RoleSession -Force -PassThru @local -ErrorVariable errors -ErrorAction SilentlyContinue)
        $results.RoleName | Should -Be @($good.RoleName)
        $errors.Count | Should -Be 5
        ($errors | Where-Object TargetObject -EQ $linked.RoleName).FullyQualifiedErrorId | Should -Match '^ServiceLinkedRole'
        ($errors | Where-Object TargetObject -EQ $linked.Arn).FullyQualifiedErrorId | Should -Match '^ServiceLinkedRole'
        $notFound = $errors | Where-Object TargetObject -EQ $missing
        $notFound.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $notFound.Exception.Message | Should -Match $missing
        $other = $errors | Where-Object TargetObject -EQ $foreign
        $other.Exception.Message | Should -Match '210987654321'
        $other.Exception.Message | Should -Match '123456789012'
        $other.Exception.Message | Should -Match 'AssumeRoleArn'
        ($errors | Where-Object TargetObject -EQ 'not a name!').CategoryInfo.Category | Should -Be 'InvalidArgument'
        @(Get-InlinePolicies $linked.RoleName).Count | Should -Be 0
        # no PutRolePolicy for the refused roles, no GetRole for an ARN of another account
        ([regex]::Matches($text, 'AWS IAM PutRolePolicy ')).Count | Should -Be 1
        ([regex]::Matches($text, 'AWS IAM GetRole ')).Count | Should -Be 3  # the service-linked, missing and good roles; none for the other account
        $text | Should -Not -Match ([regex]::Escape($TestSecretKey))
    }

    It 'refuses a -Before in the future before any AWS call' {
        $role = New-Role
        { Revoke-RoleSession $role.RoleName -Before ([datetime]::UtcNow.AddHours(1)) -Force @local -ErrorAction Stop } | Should -Throw '*future*'
        @(Get-InlinePolicies $role.RoleName).Count | Should -Be 0
    }

    It 'shows results in a table that fits 80 columns' {
        $role = New-Role
        $lines = Revoke-RoleSession $role.RoleName -Force -PassThru @local | Format-Table | Out-String -Width 80 -Stream | Where-Object { $_.Trim() }
        $lines[0] | Should -Match 'RoleName\s+Action\s+RevokedBefore \(UTC\)\s+RoleArn'
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
    }
}
