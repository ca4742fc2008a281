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
    AfterEach { Exit-AwsSandbox $sandbox }

    It 'completes -Region from the SDK''s region list' {
        Complete 'Get-AwsGuardIdentity -Region eu-west-' | Should -Contain 'eu-west-1'
        Complete 'Get-AwsGuardIdentity -Region us-gov-' | Should -Contain 'us-gov-west-1'
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
