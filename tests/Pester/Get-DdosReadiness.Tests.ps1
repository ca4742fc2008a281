# Get-DdosReadiness as a user drives it, against moto: each test in an account of its own (an assumed role's account).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $local = Get-LocalAwsParameters

    function New-TestAccount([string] $Url = $local.EndpointUrl, [string] $Id = (-join (1..12 | ForEach-Object { Get-Random -Maximum 10 })), [string] $Role = 'ddos') {
        # A fresh account id (or a given one); the session's -AssumeRoleArn and the setup's keys both land in it.
        $env:AWS_ACCESS_KEY_ID = $TestAccessKey; $env:AWS_SECRET_ACCESS_KEY = $TestSecretKey
        $keys = (& aws --endpoint-url $Url --region us-east-1 sts assume-role --role-arn "arn:aws:iam::${Id}:role/$Role" --role-session-name ddos --output json | Out-String | ConvertFrom-Json).Credentials
        [pscustomobject]@{ Id = $Id; RoleArn = "arn:aws:iam::${Id}:role/$Role"; Keys = $keys; Url = $Url }
    }
    function Invoke-InAccount($Account, [string[]] $Arguments, [string] $Region = 'us-east-1') {
        $env:AWS_ACCESS_KEY_ID = $Account.Keys.AccessKeyId; $env:AWS_SECRET_ACCESS_KEY = $Account.Keys.SecretAccessKey; $env:AWS_SESSION_TOKEN = $Account.Keys.SessionToken
        try {
            $output = & aws --endpoint-url $Account.Url --region $Region --output json @Arguments
            if ($LASTEXITCODE) { throw "aws $($Arguments[0..1]) failed" }
            $output | Out-String | ConvertFrom-Json
        }
        finally { Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY, Env:AWS_SESSION_TOKEN -ErrorAction SilentlyContinue }
    }
    function New-LoadBalancer($Account, [string] $Name, [string] $Scheme = 'internet-facing', [string] $Region = 'us-east-1') {
        $vpc = (Invoke-InAccount $Account ('ec2', 'create-vpc', '--cidr-block', '10.0.0.0/16') $Region).Vpc.VpcId
        $subnets = foreach ($zone in 'a', 'b') {
            (Invoke-InAccount $Account ('ec2', 'create-subnet', '--vpc-id', $vpc, '--cidr-block', "10.0.$([int][char]$zone).0/24", '--availability-zone', "$Region$zone") $Region).Subnet.SubnetId
        }
        $schemeArguments = if ($Scheme) { '--scheme', $Scheme } else { @() } # none: AWS's default, internet-facing
        (Invoke-InAccount $Account (@('elbv2', 'create-load-balancer', '--name', $Name, '--subnets') + $subnets + $schemeArguments) $Region).LoadBalancers[0]
    }
}

Describe 'Get-DdosReadiness' {
    BeforeEach { $sandbox = Enter-AwsSandbox }
    AfterEach { Exit-AwsSandbox $sandbox }

    It 'lists internet-facing load balancers only, judges them, and shows them in 80 columns' {
        $account = New-TestAccount
        $public = New-LoadBalancer $account 'shop'
        $null = New-LoadBalancer $account 'inside' -Scheme internal
        $byDefault = New-LoadBalancer $account 'default' -Scheme ''
        $all = @(Get-DdosReadiness @local -AssumeRoleArn $account.RoleArn)
        $all.ResourceArn | Sort-Object | Should -Be (@($public.LoadBalancerArn, $byDefault.LoadBalancerArn) | Sort-Object)
        $result = @($all | Where-Object ResourceArn -EQ $public.LoadBalancerArn)
        $result[0] | Should -BeOfType ([AwsGuard.DdosReadiness])
        $result[0].ResourceArn | Should -Be $public.LoadBalancerArn
        $result[0].AccountId | Should -Be $account.Id
        $result[0].Readiness | Should -Be 'Exposed'
        $result[0].Findings.Code | Should -Be 'NoWebAcl'
        $result[0].ShieldAdvanced | Should -Be 'NotSubscribed'

        $shown = $result | Out-String -Width 80
        $shown -split '\r?\n' | Where-Object Length -GT 80 | Should -BeNullOrEmpty
        $shown | Should -Match '(?m)^Resource +Type +WAF +Rate +SQLi/XSS +Shield +Readiness'
        $shown | Should -Match '(?m)^shop\S* +ALB +No +None/None +NotSubscribed +Exposed'
    }

    It 'takes ARNs by parameter and by property name; an empty pipeline does nothing' {
        $account = New-TestAccount
        $arn = (New-LoadBalancer $account 'by-arn').LoadBalancerArn
        (Get-DdosReadiness $arn @local -AssumeRoleArn $account.RoleArn).ResourceArn | Should -Be $arn
        ([pscustomobject]@{ ResourceArn = $arn } | Get-DdosReadiness @local -AssumeRoleArn $account.RoleArn).ResourceArn | Should -Be $arn
        (Get-DdosReadiness @local -AssumeRoleArn $account.RoleArn | Get-DdosReadiness @local -AssumeRoleArn $account.RoleArn).ResourceArn | Should -Be $arn
        $calls = @(@() | Get-DdosReadiness @local -AssumeRoleArn $account.RoleArn -Verbose 4>&1)
        $calls | Should -BeNullOrEmpty
    }

    It 'refuses an ARN of another kind before any call, and goes on with the others' {
        $account = New-TestAccount
        $arn = (New-LoadBalancer $account 'after-bad').LoadBalancerArn
        $output = @(Get-DdosReadiness 'arn:aws:s3:::bucket', $arn @local -AssumeRoleArn $account.RoleArn -ErrorVariable failures -ErrorAction SilentlyContinue)
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'InvalidResourceArn,AwsGuard.Commands.GetDdosReadinessCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failures[0].TargetObject | Should -Be 'arn:aws:s3:::bucket'
        $output.ResourceArn | Should -Be $arn
        # The bad ARN alone makes no AWS call (the role is assumed lazily, by the first call).
        $calls = @(Get-DdosReadiness 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/t/1' @local -AssumeRoleArn $account.RoleArn -ErrorAction SilentlyContinue -Verbose 4>&1 |
            Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -match '^AWS ' })
        $calls | Should -BeNullOrEmpty
        $missing = $arn -replace '/[0-9a-f]+$', '/0000000000000000'
        Get-DdosReadiness $missing @local -AssumeRoleArn $account.RoleArn -ErrorVariable notFound -ErrorAction SilentlyContinue
        $notFound[0].FullyQualifiedErrorId | Should -Be 'ResourceNotFound,AwsGuard.Commands.GetDdosReadinessCommand'
    }

    It '-AllRegions finds load balancers in every enabled region' {
        $account = New-TestAccount
        $east = New-LoadBalancer $account 'east'
        $west = New-LoadBalancer $account 'west' -Region 'us-west-2'
        (Get-DdosReadiness @local -AssumeRoleArn $account.RoleArn).ResourceArn | Should -Be $east.LoadBalancerArn
        $all = @(Get-DdosReadiness @local -AssumeRoleArn $account.RoleArn -AllRegions)
        $all.ResourceArn | Sort-Object | Should -Be (@($east.LoadBalancerArn, $west.LoadBalancerArn) | Sort-Object)
        ($all | Where-Object ResourceArn -EQ $west.LoadBalancerArn).Region | Should -Be 'us-west-2'
    }

    It 'scans each piped account in its own session, each result with its account; -AllRegions with a piped Region is that record''s error' {
        $org = New-TestOrganization -Accounts 2 -BucketsPerAccount 0 -PublicPerAccount 0
        $members = $org.Members.AccountId
        $east = New-LoadBalancer (New-TestAccount -Id $members[0] -Role OrganizationAccountAccessRole) 'member-east'
        $west = New-LoadBalancer (New-TestAccount -Id $members[1] -Role OrganizationAccountAccessRole) 'member-west' -Region us-west-2
        $management = $org.ManagementSession
        $anyRegion = $management.Clone(); $anyRegion.Remove('Region')
        $expected = "$($members[0]) us-east-1 $($east.LoadBalancerArn)", "$($members[1]) us-west-2 $($west.LoadBalancerArn)" | Sort-Object

        $perRegion = Get-AwsGuardAccount -RoleName OrganizationAccountAccessRole -AccountId $members -TargetRegion us-east-1, us-west-2 @anyRegion
        @($perRegion | Get-DdosReadiness @anyRegion) | ForEach-Object { "$($_.AccountId) $($_.Region) $($_.ResourceArn)" } | Sort-Object |
            Should -Be $expected

        $accounts = Get-AwsGuardAccount -RoleName OrganizationAccountAccessRole -AccountId $members @anyRegion
        @($accounts | Get-DdosReadiness @management -AllRegions) | ForEach-Object { "$($_.AccountId) $($_.Region) $($_.ResourceArn)" } |
            Sort-Object | Should -Be $expected

        $refused = @($perRegion | Get-DdosReadiness @anyRegion -AllRegions -ErrorVariable failures -ErrorAction SilentlyContinue)
        $refused | Should -BeNullOrEmpty
        $failures.Count | Should -Be $perRegion.Count
        $failures | ForEach-Object { $_.FullyQualifiedErrorId | Should -Be 'RegionWithAllRegions,AwsGuard.Commands.GetDdosReadinessCommand' }
    }

    It 'makes the fields of a denied call Unknown and names the call (moto enforcing IAM)' {
        # A moto of its own that enforces IAM after the 3 calls that make the admin user; the limited user may not read the web ACL nor Shield.
        $env:INITIAL_NO_AUTH_ACTION_COUNT = '3'
        try { $enforcing = Start-EnforcingMoto } finally { Remove-Item Env:INITIAL_NO_AUTH_ACTION_COUNT }
        try {
            $url = $enforcing.Url.TrimEnd('/')
            $keys = @{}
            foreach ($user in @{ Name = 'admin'; Deny = $null }, @{ Name = 'limited'; Deny = '"wafv2:GetWebACLForResource","shield:DescribeSubscription"' }) {
                $policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}' +
                    $(if ($user.Deny) { ',{"Effect":"Deny","Action":[' + $user.Deny + '],"Resource":"*"}' }) + ']}'
                $env:AWS_DEFAULT_REGION = 'us-east-1'
                $env:AWS_ACCESS_KEY_ID = if ($keys.admin) { $keys.admin.AccessKeyId } else { $TestAccessKey }
                $env:AWS_SECRET_ACCESS_KEY = if ($keys.admin) { $keys.admin.SecretAccessKey } else { $TestSecretKey }
                $null = & aws --endpoint-url $url iam create-user --user-name $user.Name
                $null = & aws --endpoint-url $url iam put-user-policy --user-name $user.Name --policy-name access --policy-document $policy
                $keys[$user.Name] = (& aws --endpoint-url $url iam create-access-key --user-name $user.Name --output json | Out-String | ConvertFrom-Json).AccessKey
            }
            Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY
            $admin = [pscustomobject]@{ Url = $url; Keys = [pscustomobject]@{ AccessKeyId = $keys.admin.AccessKeyId; SecretAccessKey = $keys.admin.SecretAccessKey; SessionToken = $null } }
            $arn = (New-LoadBalancer $admin 'denied').LoadBalancerArn

            # moto checks no signature of CloudFront and Route 53 correctly while it enforces IAM: those two go to the ordinary moto.
            $env:AWS_ENDPOINT_URL = $url
            $env:AWS_ENDPOINT_URL_CLOUDFRONT = $env:AWS_ENDPOINT_URL_ROUTE_53 = $local.EndpointUrl
            $result = Get-DdosReadiness -AccessKey $keys.limited.AccessKeyId -SecretKey $keys.limited.SecretAccessKey -Region us-east-1
            $result.ResourceArn | Should -Be $arn
            $result.Readiness | Should -Be 'Unknown'
            $result.SqlInjection | Should -Be 'Unknown'
            $result.ShieldAdvanced | Should -Be 'Unknown'
            $result.WebAcl | Should -BeNullOrEmpty
            $result.Findings.Code | Should -Be 'CallFailed', 'CallFailed'
            $result.Findings[0].Message | Should -Match '^wafv2:GetWebACLForResource failed \(AccessDenied\): WebAcl, RateLimit, SqlInjection, CrossSiteScripting and WafLogging unknown\.$'
            $result.Findings[1].Message | Should -Match '^shield:DescribeSubscription failed \(AccessDenied\): ShieldAdvanced unknown\.$'
        }
        finally {
            Remove-Item Env:AWS_ENDPOINT_URL, Env:AWS_ENDPOINT_URL_CLOUDFRONT, Env:AWS_ENDPOINT_URL_ROUTE_53 -ErrorAction SilentlyContinue
            $enforcing.Process.Kill($true); $enforcing.Process.WaitForExit()
        }
    }
}
