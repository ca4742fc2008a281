# The shared session provider as a user drives it, through Get-AwsGuardIdentity against the local AWS.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $local = Get-LocalAwsParameters
    $url = $local.EndpointUrl
}

Describe 'Get-AwsGuardIdentity' {
    BeforeEach { $sandbox = Enter-AwsSandbox }
    AfterEach {
        Exit-AwsSandbox $sandbox
        Remove-Variable StoredAWSCredentials, StoredAWSRegion -Scope Global -ErrorAction SilentlyContinue
    }

    It 'acts with explicit keys against -EndpointUrl' {
        $identity = Get-AwsGuardIdentity @local
        $identity | Should -BeOfType ([AwsGuard.CallerIdentity])
        $identity.Account | Should -Be '123456789012'
        $identity.CredentialSource | Should -Be 'the -AccessKey and -SecretKey parameters'
        $identity.EndpointUrl | Should -Be $url
    }

    It 'reads the session variables AWS.Tools leaves: a profile name and a region' {
        Set-Content $env:AWS_SHARED_CREDENTIALS_FILE "[stored]`naws_access_key_id = AKIASTOREDVARIABLE01`naws_secret_access_key = s`n"
        $global:StoredAWSCredentials = 'stored'
        $global:StoredAWSRegion = 'eu-west-2'
        $identity = Get-AwsGuardIdentity -EndpointUrl $url
        $identity.CredentialSource | Should -Be "profile 'stored' from `$StoredAWSCredentials"
        $identity.Region | Should -Be 'eu-west-2'
        $identity.RegionSource | Should -Be '$StoredAWSRegion'
    }

    It 'takes AWS_PROFILE over the environment keys, and those over the default profile' {
        # The SDK reads AWS_CONFIG_FILE once per process, so the region sits in the credentials file here.
        Set-Content $env:AWS_SHARED_CREDENTIALS_FILE "[default]`naws_access_key_id = AKIADEFAULT000000001`naws_secret_access_key = s`nregion = ap-northeast-1`n[named]`naws_access_key_id = AKIANAMED00000000001`naws_secret_access_key = s`n"
        (Get-AwsGuardIdentity -EndpointUrl $url).CredentialSource | Should -Be "profile 'default'"
        (Get-AwsGuardIdentity -EndpointUrl $url).Region | Should -Be 'ap-northeast-1'
        $env:AWS_ACCESS_KEY_ID = 'AKIAENVIRONMENT00001'; $env:AWS_SECRET_ACCESS_KEY = 's'; $env:AWS_REGION = 'eu-south-1'
        (Get-AwsGuardIdentity -EndpointUrl $url).CredentialSource | Should -Be 'the AWS_ACCESS_KEY_ID environment variable'
        (Get-AwsGuardIdentity -EndpointUrl $url).Region | Should -Be 'eu-south-1'
        $env:AWS_PROFILE = 'named'
        (Get-AwsGuardIdentity -EndpointUrl $url).CredentialSource | Should -Be "profile 'named' from AWS_PROFILE"
    }

    It 'accepts an AWSCredentials-shaped object for -Credential' {
        $credential = [pscustomobject]@{} | Add-Member -MemberType ScriptMethod -Name GetCredentials -Value { } -PassThru
        { Get-AwsGuardIdentity -Credential $credential -EndpointUrl $url -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidCredential,AwsGuard.Commands.GetAwsGuardIdentityCommand'
    }

    It 'fails once, terminating, listing every source, when no credentials exist' {
        $err = { Get-AwsGuardIdentity -EndpointUrl $url -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'NoCredentials,AwsGuard.Commands.GetAwsGuardIdentityCommand'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.Exception.Message | Should -Match 'AWS_PROFILE.*instance metadata'
    }

    It 'assumes a role in another account with an external id' {
        $identity = Get-AwsGuardIdentity @local -AssumeRoleArn 'arn:aws:iam::444455556666:role/Auditor' -ExternalId 'pester-external-id'
        $identity.Account | Should -Be '444455556666'
        $identity.Arn | Should -BeLike 'arn:aws:sts::444455556666:assumed-role/Auditor/*'
    }

    It 'writes one verbose line per AWS call, and no secret to any stream' {
        $token = 'pester-session-token-Hj4kL9'
        $text = Get-AllStreams {
            Get-AwsGuardIdentity @local -SessionToken $token -Verbose -Debug
            Get-AwsGuardIdentity @local -AssumeRoleArn 'arn:aws:iam::444455556666:role/Leak' -ExternalId 'leak-check' -Verbose -Debug
            try { Get-AwsGuardIdentity @local -SessionToken $token -Verbose -Debug -AssumeRoleArn 'arn:aws:iam::1:role/Bad' } catch { $_ }
        }
        $text | Should -Match 'AWS STS GetCallerIdentity us-east-1 -> 200 in \d+ ms'
        $text | Should -Match 'AWS STS AssumeRole us-east-1 -> 200 in \d+ ms'
        $text | Should -Not -Match ([regex]::Escape($TestSecretKey))
        $text | Should -Not -Match ([regex]::Escape($token))
    }

    It 'stops within a second when Ctrl+C arrives while AWS does not answer' {
        $silent = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $silent.Start()
        $ps = [PowerShell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument((Get-TestModulePath)).AddStatement().
                AddCommand('Get-AwsGuardIdentity').AddParameters(@{
                    EndpointUrl = "http://127.0.0.1:$($silent.LocalEndpoint.Port)/"; AccessKey = $TestAccessKey; SecretKey = $TestSecretKey; Region = 'us-east-1' })
            $running = $ps.BeginInvoke()
            $accepted = $silent.AcceptTcpClientAsync()
            $accepted.Wait(30000) | Should -BeTrue -Because 'the request reaches the silent endpoint'
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $clock.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 1
        }
        finally {
            $ps.Dispose()
            $silent.Stop()
        }
    }
}
