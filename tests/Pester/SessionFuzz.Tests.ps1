# Malformed and cyclic shared files against every credential path: each ends in one ErrorRecord that names the profile
# and the problem, completion stays silent, and nothing ends the process (all of it runs in a fresh PowerShell).
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $role = 'arn:aws:iam::111122223333:role/Fuzz'
    $keys = "aws_access_key_id = $TestAccessKey`naws_secret_access_key = $TestSecretKey"
    # {P} is the profile under test: 'fuzz' when named, 'default' for the default chain.
    $cases = @(
        @{ Name = 'an unclosed section header'; Credentials = "[{P}`n$keys`n"; Ids = 'ProfileUnreadable' }
        @{ Name = 'binary garbage'; Credentials = "[{P}]`n$keys`n`0`u{1}[`u{FFFD}`u{FEFF}]`n=`n"; Ids = 'ProfileUnreadable' }
        @{ Name = 'a malformed config beside good credentials'; Credentials = "[{P}]`n$keys`n"; Config = "[profile {P}`nregion = eu-west-1`n"; Ids = 'ProfileUnreadable' }
        @{ Name = 'an access key without its secret'; Credentials = "[{P}]`naws_access_key_id = AKIAONLYKEY000000001`n"; Ids = 'ProfileNotUsable' }
        @{ Name = 'its own source_profile without keys'; Credentials = "[{P}]`nrole_arn = $role`nsource_profile = {P}`n"; Ids = 'ProfileNotUsable' }
        @{ Name = 'a two-profile loop'; Credentials = "[{P}]`nrole_arn = $role`nsource_profile = fz-b`n[fz-b]`nrole_arn = $role`nsource_profile = {P}`n"; Ids = 'ProfileLoop' }
        @{ Name = 'a loop further down the chain'; Credentials = "[{P}]`nrole_arn = $role`nsource_profile = fz-b`n[fz-b]`nrole_arn = $role`nsource_profile = fz-c`n[fz-c]`nrole_arn = $role`nsource_profile = fz-b`n"; Ids = 'ProfileLoop' }
        @{ Name = 'a missing source_profile'; Credentials = "[{P}]`nrole_arn = $role`nsource_profile = fz-missing`n"; Ids = 'ProfileNotFound' }
        @{ Name = 'a chain of 3,000 roles'; Credentials = "[{P}]`nrole_arn = $role`nsource_profile = fz-0`n" + (-join (0..2999 | ForEach-Object { "[fz-$_]`nrole_arn = $role`nsource_profile = fz-$($_ + 1)`n" })); Ids = 'ProfileNotFound' }
        @{ Name = 'a role_arn that is no ARN'; Credentials = "[{P}]`nrole_arn = not-an-arn`nsource_profile = fz-keys`n[fz-keys]`n$keys`n"; Ids = 'InvalidRoleArn' }
        @{ Name = 'a role_arn without a source'; Credentials = "[{P}]`nrole_arn = $role`n"; Ids = 'ProfileNotUsable' }
        @{ Name = 'a credential_process that does not exist'; Credentials = "[{P}]`ncredential_process = /nonexistent/awsguard-fuzz-process`n"; Ids = 'ProfileNotUsable' }
        @{ Name = 'a credential_process that prints no JSON'; Credentials = "[{P}]`ncredential_process = echo not-json`n"; Ids = 'ProfileNotUsable' }
        @{ Name = 'a credential_process that fails'; Credentials = "[{P}]`ncredential_process = false`n"; Ids = 'ProfileNotUsable' }
        @{ Name = 'an incomplete SSO profile'; Credentials = "[{P}]`nsso_start_url = https://example.awsapps.com/start`n"; Ids = 'ProfileNotUsable' }
        @{ Name = 'a region that is no region'; Credentials = "[{P}]`n$keys`nregion = us-east-1-regional`n"; Ids = 'InvalidRegion' }
    )
}

Describe 'Malformed and cyclic profiles' -ForEach @(@{ Cases = $cases }) {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        # One fresh process runs every case on every path and reports each as JSON; a crash fails the whole run loudly.
        $sandbox = Enter-AwsSandbox
        try {
            Set-EnvironmentValue AWS_CONFIG_FILE $null # so the SDK reads the config beside the sandbox's credentials file
            $caseFile = Join-Path $sandbox.Folder 'cases.json'
            $Cases | ConvertTo-Json -Depth 4 | Set-Content $caseFile
            $env:AWSGUARD_FUZZ_CASES = $caseFile
            $output = Invoke-FreshPwsh @'
Import-Module $env:AWSGUARD_MODULE
$url = $env:AWSGUARD_MOTO_URL
$config = Join-Path (Split-Path $env:AWS_SHARED_CREDENTIALS_FILE) 'config'
function Invoke-Path([scriptblock] $Command) {
    $Error.Clear()
    try { $null = & $Command } catch { }
    @($Error | ForEach-Object { [pscustomobject]@{ Id = $_.FullyQualifiedErrorId; Message = $_.Exception.Message } })
}
foreach ($case in Get-Content $env:AWSGUARD_FUZZ_CASES -Raw | ConvertFrom-Json) {
    foreach ($profile in 'fuzz', 'default') {
        Set-Content $env:AWS_SHARED_CREDENTIALS_FILE $case.Credentials.Replace('{P}', $profile) -NoNewline
        Set-Content $config "$($case.Config)".Replace('{P}', $profile) -NoNewline
        $paths = if ($profile -eq 'default') {
            [ordered]@{ Default = { Get-AwsGuardIdentity -EndpointUrl $url -ErrorAction Stop } }
        } else {
            [ordered]@{
                Explicit = { Get-AwsGuardIdentity -ProfileName fuzz -EndpointUrl $url -ErrorAction Stop }
                AwsProfile = { $env:AWS_PROFILE = 'fuzz'; try { Get-PublicBucket -EndpointUrl $url -ErrorAction Stop } finally { $env:AWS_PROFILE = $null } }
            }
        }
        foreach ($path in $paths.Keys) {
            [pscustomobject]@{ Case = $case.Name; Profile = $profile; Path = $path; Errors = Invoke-Path $paths[$path] } | ConvertTo-Json -Depth 4 -Compress
        }
        $line = "Get-CwLogEvent $(if ($profile -eq 'fuzz') { '-ProfileName fuzz' }) -EndpointUrl $url -Region us-east-1 -LogGroupName /fuzz-"
        $Error.Clear()
        $offered = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches)
        [pscustomobject]@{ Case = $case.Name; Profile = $profile; Path = 'Completion'; Offered = $offered.Count; Errors = @($Error | ForEach-Object { "$_" }) } | ConvertTo-Json -Depth 4 -Compress
    }
}
'@
            $results = @($output | Where-Object { "$_".StartsWith('{"Case"') } | ForEach-Object { $_ | ConvertFrom-Json })
        }
        finally {
            Set-EnvironmentValue AWSGUARD_FUZZ_CASES $null
            Exit-AwsSandbox $sandbox
        }
    }

    It 'ran every case on every path' {
        $results.Count | Should -Be ($Cases.Count * 5)
    }

    It '<Name>: one ErrorRecord naming the profile and the problem on each credential path, silence in completion' -ForEach $Cases {
        $mine = @($results | Where-Object Case -EQ $Name)
        $mine.Count | Should -Be 5
        foreach ($result in $mine) {
            $because = "$($result.Path) for profile '$($result.Profile)'"
            if ($result.Path -eq 'Completion') {
                $result.Offered | Should -Be 0 -Because $because
                $result.Errors | Should -BeNullOrEmpty -Because $because
                continue
            }
            @($result.Errors).Count | Should -Be 1 -Because $because
            $result.Errors[0].Id.Split(',')[0] | Should -BeIn $Ids -Because $because
            $result.Errors[0].Message | Should -BeLike "*'$($result.Profile)'*" -Because $because
        }
    }
}
