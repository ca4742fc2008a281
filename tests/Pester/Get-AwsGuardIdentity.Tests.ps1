# The shared session provider as a user drives it, through Get-AwsGuardIdentity against the local AWS.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $local = Get-LocalAwsParameters
    $url = $local.EndpointUrl

    function New-MotoUserKey([string] $User) {
        <# An IAM user in moto with an access key: moto answers GetCallerIdentity with the user the key belongs to. #>
        $env:AWS_ACCESS_KEY_ID = $TestAccessKey; $env:AWS_SECRET_ACCESS_KEY = $TestSecretKey
        try {
            $output = & aws --endpoint-url $url --region us-east-1 iam create-user --user-name $User 2>&1
            if ($LASTEXITCODE) { throw "create-user failed: $output" }
            $output = & aws --endpoint-url $url --region us-east-1 iam create-access-key --user-name $User --output json 2>&1
            if ($LASTEXITCODE) { throw "create-access-key failed: $output" }
            ($output | ConvertFrom-Json).AccessKey
        }
        finally { Set-EnvironmentValue AWS_ACCESS_KEY_ID $null; Set-EnvironmentValue AWS_SECRET_ACCESS_KEY $null }
    }

    function Start-ContainerCredentialsServer([string] $Log) {
        <# The ECS container-credentials endpoint on loopback: serves one set of keys, logs each path asked for. #>
        $script = @'
import http.server, json, sys
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(sys.argv[1], "a") as log: log.write(self.path + "\n")
        body = json.dumps({"AccessKeyId": "AKIACONTAINERCREDS01", "SecretAccessKey": "container-secret",
                           "Token": "container-token", "Expiration": "2099-01-01T00:00:00Z"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args): pass
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
'@
        $start = [Diagnostics.ProcessStartInfo]::new('python3')
        foreach ($argument in '-c', $script, $Log) { $start.ArgumentList.Add($argument) }
        $start.RedirectStandardOutput = $true
        $process = [Diagnostics.Process]::Start($start)
        [pscustomobject]@{ Process = $process; Port = [int]$process.StandardOutput.ReadLine(); Log = $Log }
    }

    function Format-KeyProfile([string] $Name, $Key) { "[$Name]`naws_access_key_id = $($Key.AccessKeyId)`naws_secret_access_key = $($Key.SecretAccessKey)`n" }
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
        $identity.Endpoints.Url | Select-Object -Unique | Should -Be $url
        $identity.Endpoints.Source | Select-Object -Unique | Should -Be '-EndpointUrl'
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

    It 'acts with the files as they are now: a switched credentials file or keys rotated in place take effect at once' {
        $suffix = New-UniqueName ''
        $first, $rotated, $other = foreach ($user in "bob-$suffix", "bob-rotated-$suffix", "bob-other-$suffix") { New-MotoUserKey $user }
        Set-Content $env:AWS_SHARED_CREDENTIALS_FILE (Format-KeyProfile bob $first)
        (Get-AwsGuardIdentity -ProfileName bob -EndpointUrl $url).Arn | Should -BeLike "*:user/bob-$suffix"

        Set-Content $env:AWS_SHARED_CREDENTIALS_FILE (Format-KeyProfile bob $rotated)
        (Get-AwsGuardIdentity -ProfileName bob -EndpointUrl $url).Arn | Should -BeLike "*:user/bob-rotated-$suffix"

        $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $sandbox.Folder 'other-credentials'
        Set-Content $env:AWS_SHARED_CREDENTIALS_FILE (Format-KeyProfile bob $other)
        (Get-AwsGuardIdentity -ProfileName bob -EndpointUrl $url).Arn | Should -BeLike "*:user/bob-other-$suffix"
    }

    It 'takes a profile that is its own source_profile as the AWS CLI does, and reports a real loop, in a fresh process' {
        Set-Content $env:AWS_SHARED_CREDENTIALS_FILE @"
[default]
aws_access_key_id = $TestAccessKey
aws_secret_access_key = $TestSecretKey
role_arn = arn:aws:iam::111122223333:role/SelfSourced
source_profile = default
[loop-a]
role_arn = arn:aws:iam::111122223333:role/A
source_profile = loop-b
[loop-b]
role_arn = arn:aws:iam::111122223333:role/B
source_profile = loop-a
"@
        # A stack overflow would end this process with no error to catch: the fresh process shows it as a failure.
        $output = Invoke-FreshPwsh @'
Import-Module $env:AWSGUARD_MODULE
$url = $env:AWSGUARD_MOTO_URL
function Invoke-Case([scriptblock] $Command) {
    $Error.Clear()
    $value = try { & $Command } catch { $null }
    [pscustomobject]@{ Arn = $value.Arn; Errors = @($Error | ForEach-Object { [pscustomobject]@{ Id = $_.FullyQualifiedErrorId; Message = $_.Exception.Message } }) }
}
function Complete([string] $Line) { @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches).Count }
[pscustomobject]@{
    Self = Invoke-Case { Get-AwsGuardIdentity -EndpointUrl $url -ErrorAction Stop }
    Loop = Invoke-Case { Get-AwsGuardIdentity -ProfileName loop-a -EndpointUrl $url -ErrorAction Stop }
    CompleteSelf = Complete "Get-CwLogEvent -EndpointUrl $url -Region us-east-1 -LogGroupName /none-"
    CompleteLoop = Complete "Get-CwLogEvent -ProfileName loop-a -EndpointUrl $url -Region us-east-1 -LogGroupName /none-"
} | ConvertTo-Json -Depth 5 -Compress
'@
        $result = $output | Select-Object -Last 1 | ConvertFrom-Json
        $result.Self.Errors | Should -BeNullOrEmpty
        $result.Self.Arn | Should -BeLike 'arn:aws:sts::111122223333:assumed-role/SelfSourced/*'
        $result.Loop.Errors.Count | Should -Be 1
        $result.Loop.Errors[0].Id | Should -Be 'ProfileLoop,AwsGuard.Commands.GetAwsGuardIdentityCommand'
        $result.Loop.Errors[0].Message | Should -Match 'loop-a -> loop-b -> loop-a'
        $result.CompleteSelf | Should -Be 0
        $result.CompleteLoop | Should -Be 0
    }

    It 'resolves -ProfileLocation as PowerShell does: the current location, a PSDrive and ~' {
        $runbooks = New-Item (Join-Path $sandbox.Folder 'runbooks') -ItemType Directory
        Set-Content (Join-Path $runbooks 'credentials') "[rb]`naws_access_key_id = AKIARUNBOOK000000001`naws_secret_access_key = s`n"
        Push-Location $runbooks
        try {
            (Get-AwsGuardIdentity -ProfileName rb -ProfileLocation ./credentials -EndpointUrl $url).CredentialSource | Should -Be "profile 'rb'"
            $null = New-PSDrive -Name AwsGuardRunbooks -PSProvider FileSystem -Root $runbooks.FullName
            (Get-AwsGuardIdentity -ProfileName rb -ProfileLocation AwsGuardRunbooks:/credentials -EndpointUrl $url).CredentialSource | Should -Be "profile 'rb'"
            { Get-AwsGuardIdentity -ProfileName rb -ProfileLocation Env:/PATH -EndpointUrl $url -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidProfileLocation,AwsGuard.Commands.GetAwsGuardIdentityCommand'
        }
        finally {
            Pop-Location
            Remove-PSDrive AwsGuardRunbooks -ErrorAction SilentlyContinue
        }
        # ~ is the home PowerShell started with: a fresh process whose HOME is the sandbox.
        $savedHome = $env:HOME
        $env:HOME = $sandbox.Folder
        try {
            $output = Invoke-FreshPwsh 'Import-Module $env:AWSGUARD_MODULE; (Get-AwsGuardIdentity -ProfileName rb -ProfileLocation ~/runbooks/credentials -EndpointUrl $env:AWSGUARD_MOTO_URL).CredentialSource'
        }
        finally { $env:HOME = $savedHome }
        $output | Select-Object -Last 1 | Should -Be "profile 'rb'"
    }

    It 'reads the config beside -ProfileLocation and names the files it read when a profile is not found' {
        Set-EnvironmentValue AWS_CONFIG_FILE $null # the SDK reads the config beside a given credentials file unless this is set
        $runbooks = New-Item (Join-Path $sandbox.Folder 'runbooks') -ItemType Directory
        Set-Content (Join-Path $runbooks 'credentials') ''
        Set-Content (Join-Path $runbooks 'config') "[profile beside]`naws_access_key_id = AKIABESIDECONFIG0001`naws_secret_access_key = s`n"
        Push-Location $runbooks
        try {
            (Get-AwsGuardIdentity -ProfileName beside -ProfileLocation ./credentials -EndpointUrl $url).CredentialSource | Should -Be "profile 'beside'"
            $err = { Get-AwsGuardIdentity -ProfileName nope -ProfileLocation ./credentials -EndpointUrl $url -ErrorAction Stop } | Should -Throw -PassThru
        }
        finally { Pop-Location }
        $err.FullyQualifiedErrorId | Should -Be 'ProfileNotFound,AwsGuard.Commands.GetAwsGuardIdentityCommand'
        $err.Exception.Message | Should -BeLike "*'nope'*$(Join-Path $runbooks 'credentials') and $(Join-Path $runbooks 'config')*"
    }

    It 'passes over a region-only default profile to container credentials; only a named one must hold credentials' {
        Set-Content $env:AWS_SHARED_CREDENTIALS_FILE "[default]`nregion = eu-west-1`n"
        $server = Start-ContainerCredentialsServer (Join-Path $sandbox.Folder 'container-requests.log')
        try {
            $env:AWS_CONTAINER_CREDENTIALS_FULL_URI = "http://127.0.0.1:$($server.Port)/v2/credentials/pester"
            $identity = Get-AwsGuardIdentity -EndpointUrl $url
            $identity.CredentialSource | Should -Be 'container credentials'
            $identity.Region | Should -Be 'eu-west-1'
            $identity.RegionSource | Should -Be "profile 'default'"
            Get-Content $server.Log | Should -Contain '/v2/credentials/pester'
            { Get-AwsGuardIdentity -ProfileName default -EndpointUrl $url -ErrorAction Stop } |
                Should -Throw -ErrorId 'ProfileNotUsable,AwsGuard.Commands.GetAwsGuardIdentityCommand'
        }
        finally { Stop-Process -Id $server.Process.Id -ErrorAction SilentlyContinue }
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
