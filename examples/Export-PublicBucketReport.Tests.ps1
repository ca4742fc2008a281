# The example runbook's tests, in the two styles docs/testing-your-scripts.md describes: unit tests that mock
# AwsGuard's cmdlets with typed objects, and an integration test against a local AWS (moto) through AWS_ENDPOINT_URL.
# Run by the project's test command (./build.ps1 -Task Test), which sets AWSGUARD_MODULE and AWSGUARD_MOTO_URL.
BeforeAll {
    Import-Module $env:AWSGUARD_MODULE -Force
    $runbook = Join-Path $PSScriptRoot 'Export-PublicBucketReport.ps1'
}

Describe 'Export-PublicBucketReport, with AwsGuard mocked' {
    BeforeAll {
        # Typed objects, as the cmdlets return them: the runbook's [AwsGuard.*] declarations hold for them.
        $reports = [AwsGuard.BucketExposure]@{ BucketName = 'reports'; Region = 'eu-west-1'; Status = 'Public'; PublicRead = $true }
        $site = [AwsGuard.BucketExposure]@{ BucketName = 'site'; Region = 'us-east-1'; Status = 'Public'; PublicRead = $true }
        $ana = [AwsGuard.CloudTrailEvent]@{ EventName = 'PutBucketAcl'; BucketName = 'reports'; EventTime = '2026-01-02T10:00:00Z'
            UserArn = 'arn:aws:iam::123456789012:user/ana'; LogGroupName = 'trail' }
        $bob = [AwsGuard.CloudTrailEvent]@{ EventName = 'PutBucketPolicy'; BucketName = 'reports'; EventTime = '2026-01-03T10:00:00Z'
            UserArn = 'arn:aws:iam::123456789012:user/bob'; LogGroupName = 'trail' }
        $read = [AwsGuard.CloudTrailEvent]@{ EventName = 'GetObject'; BucketName = 'reports'; EventTime = '2026-01-04T10:00:00Z'
            UserArn = 'arn:aws:iam::123456789012:user/eve'; LogGroupName = 'trail' }
        $plain = [AwsGuard.LogEvent]@{ Message = 'not CloudTrail'; LogGroupName = 'trail' }
    }

    It 'reports each public bucket with the last access change to it' {
        Mock Get-PublicBucket { $reports; $site }
        # A mock's parameters keep their types but not AwsGuard's transformations, so -StartTime would refuse '30d':
        # -RemoveParameterType takes the value as given.
        Mock Get-CwLogEvent { $ana; $bob; $read; $plain } -RemoveParameterType StartTime

        $rows = & $runbook -ReportPath TestDrive:/report.csv -TrailLogGroup trail -Since 30d

        Should -Invoke Get-PublicBucket -Times 1 -Exactly
        Should -Invoke Get-CwLogEvent -Times 1 -Exactly -ParameterFilter { $LogGroupName -eq 'trail' -and $StartTime -eq '30d' }
        $rows.BucketName | Should -Be @('reports', 'site')
        $rows[0].ChangedBy | Should -Be 'arn:aws:iam::123456789012:user/bob'
        $rows[0].ChangedWith | Should -Be 'PutBucketPolicy'
        $rows[1].ChangedBy | Should -BeNullOrEmpty
        (Import-Csv TestDrive:/report.csv).BucketName | Should -Be @('reports', 'site')
    }

    It 'reads no logs when no bucket is public, and writes an empty report' {
        Mock Get-PublicBucket { [AwsGuard.BucketExposure]@{ BucketName = 'private'; Status = 'NotPublic' } }
        Mock Get-CwLogEvent { } -RemoveParameterType StartTime

        $rows = & $runbook -ReportPath TestDrive:/empty.csv

        Should -Invoke Get-CwLogEvent -Times 0
        $rows | Should -BeNullOrEmpty
        Get-Content TestDrive:/empty.csv | Should -BeNullOrEmpty
    }

    It 'stops, leaving the old report, when a cmdlet fails' {
        Set-Content TestDrive:/kept.csv 'old'
        Mock Get-PublicBucket { $reports }
        Mock Get-CwLogEvent { throw [AwsGuard.AwsGuardException]::new([AwsGuard.ErrorKind]::ObjectNotFound, 'ResourceNotFoundException', 'The log group does not exist.') } -RemoveParameterType StartTime

        { & $runbook -ReportPath TestDrive:/kept.csv } | Should -Throw '*log group does not exist*'
        Get-Content TestDrive:/kept.csv | Should -Be 'old'
    }
}

Describe 'Export-PublicBucketReport, against a local AWS through AWS_ENDPOINT_URL' {
    BeforeAll {
        function Set-Environment([string] $Name, $Value) {
            # [Environment]::SetEnvironmentVariable would get '' for $null from PowerShell, which sets an empty variable.
            if ($null -eq $Value) { Remove-Item "Env:$Name" -ErrorAction SilentlyContinue } else { Set-Item "Env:$Name" $Value }
        }
        function Invoke-Aws { $output = aws @args; if ($LASTEXITCODE) { throw "aws $args failed: $output" } }
        $saved = @{}
        $settings = @{
            AWS_ENDPOINT_URL = $env:AWSGUARD_MOTO_URL; AWS_ACCESS_KEY_ID = 'AKIAEXAMPLERUNBOOK01'; AWS_SECRET_ACCESS_KEY = 'runbook-secret'
            AWS_REGION = 'us-east-1'; AWS_DEFAULT_REGION = 'us-east-1'; AWS_PROFILE = $null; AWS_EC2_METADATA_DISABLED = 'true'
        }
        foreach ($name in $settings.Keys) {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            Set-Environment $name $settings[$name]
        }
        $bucket = "runbook-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
        $group = "/runbook/$bucket"
        # The AWS CLI reads AWS_ENDPOINT_URL too: the fixtures go where the runbook will look.
        Invoke-Aws s3api create-bucket --bucket $bucket --acl public-read
        Invoke-Aws logs create-log-group --log-group-name $group
        Invoke-Aws logs create-log-stream --log-group-name $group --log-stream-name trail
        $record = @{ eventVersion = '1.09'; eventSource = 's3.amazonaws.com'; eventName = 'PutBucketAcl'; awsRegion = 'us-east-1'
            eventTime = [DateTime]::UtcNow.ToString('o'); userIdentity = @{ arn = 'arn:aws:iam::123456789012:user/ana' }
            requestParameters = @{ bucketName = $bucket } } | ConvertTo-Json -Compress
        $events = ConvertTo-Json -Compress @(@{ timestamp = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds(); message = $record })
        Invoke-Aws logs put-log-events --log-group-name $group --log-stream-name trail --log-events $events
    }
    AfterAll {
        foreach ($name in $saved.Keys) { Set-Environment $name $saved[$name] }
    }

    It 'finds the public bucket and who made it public, with every service on the local endpoint' {
        (Get-AwsGuardIdentity).Endpoints.Source | Select-Object -Unique | Should -Be 'AWS_ENDPOINT_URL'

        $rows = & $runbook -ReportPath TestDrive:/moto.csv -TrailLogGroup $group -Since 1h

        $row = $rows | Where-Object BucketName -EQ $bucket
        $row.PublicRead | Should -BeTrue
        $row.ChangedBy | Should -Be 'arn:aws:iam::123456789012:user/ana'
        $row.ChangedWith | Should -Be 'PutBucketAcl'
        (Import-Csv TestDrive:/moto.csv | Where-Object BucketName -EQ $bucket).ChangedBy | Should -Be 'arn:aws:iam::123456789012:user/ana'
    }
}
