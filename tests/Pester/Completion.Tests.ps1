# Tab completion as a user meets it, through TabExpansion2.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    function Complete([string] $Line) { (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText }
    $url = Get-LocalAwsUrl
    $keys = "-EndpointUrl $url -AccessKey $TestAccessKey -SecretKey $TestSecretKey -Region us-east-1"
}

Describe 'Tab completion' {
    BeforeEach {
        $sandbox = Enter-AwsSandbox
        $env:AWS_ACCESS_KEY_ID = $TestAccessKey; $env:AWS_SECRET_ACCESS_KEY = $TestSecretKey; $env:AWS_DEFAULT_REGION = 'us-east-1' # for the AWS CLI
    }
    AfterEach {
        Exit-AwsSandbox $sandbox
        Remove-Variable StoredAWSCredentials, StoredAWSRegion -Scope Global -ErrorAction SilentlyContinue
        foreach ($key in '*:EndpointUrl', 'Get-CwLogEvent:Region', 'Get-CwLogEvent:AK', 'Get-CwLogEvent:SecretKey') { $global:PSDefaultParameterValues.Remove($key) }
    }

    It 'completes -Region from the SDK''s region list' {
        Complete 'Get-AwsGuardIdentity -Region eu-west-' | Should -Contain 'eu-west-1'
        Complete 'Get-AwsGuardIdentity -Region us-gov-' | Should -Contain 'us-gov-west-1'
    }

    It 'completes -Region with exactly the names every cmdlet accepts' {
        $offered = Complete 'Get-AwsGuardIdentity -Region '
        $offered | Should -Contain 'eusc-de-east-1'
        $offered | Should -Not -Contain 'us-east-1-regional'
        # The European Sovereign Cloud reaches the wire clients (moto answers for the missing group); a pseudo-region is refused by all.
        $err = { Get-CwLogEvent -EndpointUrl $url -AccessKey $TestAccessKey -SecretKey $TestSecretKey -Region eusc-de-east-1 -LogGroupName /awsguard/none -ErrorAction Stop } |
            Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Not -BeLike 'InvalidRegion,*'
        { Get-AwsGuardIdentity -EndpointUrl $url -AccessKey $TestAccessKey -SecretKey $TestSecretKey -Region us-east-1-regional -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidRegion,AwsGuard.Commands.GetAwsGuardIdentityCommand'
    }

    It 'completes -ProfileName from a -ProfileLocation relative to the current location' {
        $runbooks = New-Item (Join-Path $sandbox.Folder 'runbooks') -ItemType Directory
        Set-Content (Join-Path $runbooks 'credentials') "[runbook-profile]`naws_access_key_id = A`naws_secret_access_key = s`n"
        Push-Location $runbooks
        try { Complete 'Get-PublicBucket -ProfileLocation ./credentials -ProfileName runbook' | Should -Be @('runbook-profile') }
        finally { Pop-Location }
    }

    It 'completes with the session the command would use: $StoredAWSCredentials, $StoredAWSRegion, $PSDefaultParameterValues' {
        $bucket = "completion-$([guid]::NewGuid().ToString('N').Substring(0, 10))"
        $output = & aws --endpoint-url $url s3api create-bucket --bucket $bucket 2>&1
        if ($LASTEXITCODE) { throw "create-bucket failed: $output" }
        foreach ($name in 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_DEFAULT_REGION') { Set-EnvironmentValue $name $null }
        Set-Content $env:AWS_SHARED_CREDENTIALS_FILE "[stored]`naws_access_key_id = $TestAccessKey`naws_secret_access_key = $TestSecretKey`n"
        $global:StoredAWSCredentials = 'stored'
        $global:StoredAWSRegion = 'us-east-1'
        $global:PSDefaultParameterValues['*:EndpointUrl'] = $url

        Complete "Get-PublicBucket -BucketName $bucket" | Should -Be @($bucket)
        (Get-PublicBucket -BucketName $bucket -IncludeNotPublic).BucketName | Should -Be $bucket # the command acts with the same session
    }

    It 'completes with -Region and keys from $PSDefaultParameterValues, aliases included' {
        $group = "/completion/$([guid]::NewGuid().ToString('N').Substring(0, 10))"
        $output = & aws --endpoint-url $url logs create-log-group --log-group-name $group 2>&1
        if ($LASTEXITCODE) { throw "create-log-group failed: $output" }
        foreach ($name in 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_DEFAULT_REGION') { Set-EnvironmentValue $name $null }
        $global:PSDefaultParameterValues['*:EndpointUrl'] = $url
        $global:PSDefaultParameterValues['Get-CwLogEvent:Region'] = 'us-east-1'
        $global:PSDefaultParameterValues['Get-CwLogEvent:AK'] = $TestAccessKey
        $global:PSDefaultParameterValues['Get-CwLogEvent:SecretKey'] = $TestSecretKey

        Complete "Get-CwLogEvent -LogGroupName $($group.Substring(0, 15))" | Should -Be @($group)
    }

    It 'returns within its budget when AWS accepts the connection but never answers, a role to assume included' {
        $silent = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $silent.Start()
        $line = "Get-PublicBucket -EndpointUrl http://127.0.0.1:$($silent.LocalEndpoint.Port)/ -AccessKey $TestAccessKey -SecretKey $TestSecretKey " +
            '-Region us-east-1 -AssumeRoleArn arn:aws:iam::210987654321:role/Silent -BucketName a'
        $ps = [PowerShell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument((Get-TestModulePath)).AddStatement().
                AddCommand('TabExpansion2').AddParameter('inputScript', $line).AddParameter('cursorColumn', $line.Length)
            $running = $ps.BeginInvoke()
            $accepted = $silent.AcceptTcpClientAsync()
            $accepted.Wait(60000) | Should -BeTrue -Because 'AssumeRole reaches the silent endpoint'
            # A generous bound: it only proves completion did not wait on AWS for minutes.
            $running.AsyncWaitHandle.WaitOne(60000) | Should -BeTrue -Because 'completion returns instead of waiting on AWS'
            $ps.EndInvoke($running).CompletionMatches | Should -BeNullOrEmpty
            # The budget cancelled the call: the client closed its connection instead of leaving it waiting.
            $stream = $accepted.Result.GetStream()
            $stream.ReadTimeout = 30000
            $buffer = [byte[]]::new(65536)
            $closed = try { while ($stream.Read($buffer, 0, $buffer.Length) -gt 0) { }; $true }
                catch { $_.Exception.InnerException.InnerException.SocketErrorCode -eq 'ConnectionReset' }
            $closed | Should -BeTrue -Because 'a cancelled request closes its connection'
        }
        finally {
            if ($running.IsCompleted) { $ps.Dispose() } else { $null = $ps.BeginStop($null, $null) }
            $silent.Stop()
        }
    }

    It 'returns within its budget while a credential_process never finishes' {
        Set-Content $env:AWS_SHARED_CREDENTIALS_FILE "[slow]`ncredential_process = sleep 60`n"
        $clock = [Diagnostics.Stopwatch]::StartNew()
        Complete "Get-CwLogEvent -ProfileName slow -EndpointUrl $url -Region us-east-1 -LogGroupName /slow-" | Should -BeNullOrEmpty
        # A generous bound: well under the process's 60 s, so completion did not wait for it.
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 30
    }

    It 'completes -ProfileName from the shared files' {
        Set-Content $env:AWS_SHARED_CREDENTIALS_FILE "[prod-audit]`naws_access_key_id = A`naws_secret_access_key = s`n[dev]`naws_access_key_id = B`naws_secret_access_key = s`n"
        Complete 'Get-PublicBucket -ProfileName prod' | Should -Be @('prod-audit')
    }

    It 'completes -BucketName live from the account' {
        $bucket = "completion-$([guid]::NewGuid().ToString('N').Substring(0, 10))"
        $output = & aws --endpoint-url $url s3api create-bucket --bucket $bucket 2>&1
        if ($LASTEXITCODE) { throw "create-bucket failed: $output" }
        Complete "Get-PublicBucket $keys -BucketName $bucket" | Should -Be @($bucket)
    }

    It 'completes -LogGroupName and -LogStreamName live' {
        $group = "/completion/$([guid]::NewGuid().ToString('N').Substring(0, 10))"
        foreach ($arguments in @(@('create-log-group', '--log-group-name', $group), @('create-log-stream', '--log-group-name', $group, '--log-stream-name', 'web-1'))) {
            $output = & aws --endpoint-url $url logs @arguments 2>&1
            if ($LASTEXITCODE) { throw "aws logs $arguments failed: $output" }
        }
        Complete "Get-CwLogEvent $keys -LogGroupName $($group.Substring(0, 15))" | Should -Be @($group)
        Complete "Get-CwLogEvent $keys -LogGroupName $group -LogStreamName we" | Should -Be @('web-1')
    }

    It 'stays silent when AWS cannot be reached' {
        $silent = "-EndpointUrl http://127.0.0.1:9/ -AccessKey $TestAccessKey -SecretKey $TestSecretKey -Region us-east-1"
        $Error.Clear()
        Complete "Get-PublicBucket $silent -BucketName any" | Should -BeNullOrEmpty
        $Error | Should -BeNullOrEmpty
    }
}
