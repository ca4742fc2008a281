# Get-CwLogEvent as a user drives it: every event once and in order, paging that stops early, tail, times, CloudTrail
# records that bind into other cmdlets, bad input before any call, and a follow that neither repeats nor drops events.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $local = Get-LocalAwsParameters
    $env:AWS_ACCESS_KEY_ID = $TestAccessKey; $env:AWS_SECRET_ACCESS_KEY = $TestSecretKey; $env:AWS_DEFAULT_REGION = 'us-east-1'
    $env:ENDPOINT = $local.EndpointUrl

    function Invoke-Python([string] $Script) {
        # boto3 with the test keys against the local AWS (ENDPOINT); fails the test when the script fails.
        $output = & python3 -c "import boto3, json, os, random, time`nc = boto3.client('logs', endpoint_url=os.environ['ENDPOINT'])`n$Script" 2>&1
        if ($LASTEXITCODE) { throw "python failed: $output" }
        $output
    }
    function New-GroupName([string] $Prefix) { "/pester/$Prefix-$([guid]::NewGuid().ToString('N').Substring(0, 12))" }
    function Get-CallLines([scriptblock] $Script) {
        # The verbose call log: one "AWS <service> <operation> ..." line per AWS call.
        @(& $Script 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -like 'AWS *' } | ForEach-Object Message)
    }

    # 25,000 events over 3 streams: event j is in stream j % 3, at base + j ms, so the group has one true time order.
    $big = New-GroupName 'big'
    Invoke-Python @"
base = int(time.time() * 1000) - 600000
c.create_log_group(logGroupName='$big')
for i in range(3):
    c.create_log_stream(logGroupName='$big', logStreamName='stream-%d' % i)
    js = [j for j in range(25000) if j % 3 == i]
    for k in range(0, len(js), 5000):
        c.put_log_events(logGroupName='$big', logStreamName='stream-%d' % i,
            logEvents=[{'timestamp': base + j, 'message': 'e%d\n' % j} for j in js[k:k + 5000]])
"@
}

AfterAll { Remove-Item Env:ENDPOINT -ErrorAction SilentlyContinue }

Describe 'Get-CwLogEvent' {
    It 'reads 25,000 events over 3 streams back complete, in order, once, over several pages' {
        $calls = Get-CallLines { $script:all = @(Get-CwLogEvent $big @local -Verbose) }
        $all.Count | Should -Be 25000
        ($all.Message -join ',') | Should -BeExactly ($(foreach ($j in 0..24999) { "e$j" }) -join ',')
        @($all.EventId | Select-Object -Unique).Count | Should -Be 25000
        $all[0] | Should -BeOfType ([AwsGuard.LogEvent])
        $all[0].LogGroupName | Should -Be $big
        $all[1].LogStreamName | Should -Be 'stream-1'
        $all[0].Timestamp.Kind | Should -Be 'Utc'
        $all[0].IngestionTime.Kind | Should -Be 'Utc'
        @($calls -match 'FilterLogEvents').Count | Should -BeGreaterOrEqual 3 # 10,000 events a page
    }

    It 'reads one stream with GetLogEvents, oldest first' {
        $calls = Get-CallLines { $script:one = @(Get-CwLogEvent -LogGroup $big -LogStream stream-2 @local -Verbose) }
        $one.Count | Should -Be 8333
        $one[0].Message | Should -Be 'e2'
        $one[-1].Message | Should -Be 'e24998'
        $calls | Should -Match 'GetLogEvents'
        $calls | Should -Not -Match 'FilterLogEvents'
    }

    It 'reads a few named streams each with GetLogEvents, merged in time order' {
        $calls = Get-CallLines { $script:three = @(Get-CwLogEvent $big -LogStreamName stream-2, stream-0, stream-1 @local -Verbose) }
        ($three.Message -join ',') | Should -BeExactly ($(foreach ($j in 0..24999) { "e$j" }) -join ',')
        $calls | Should -Match 'GetLogEvents'
        $calls | Should -Not -Match 'FilterLogEvents'
    }

    It 'ends the AWS paging when the pipeline has enough (Select-Object -First, -First, -Skip)' {
        $calls = Get-CallLines { $script:five = @(Get-CwLogEvent $big @local -Verbose | Select-Object -First 5) }
        $five.Message | Should -Be @('e0', 'e1', 'e2', 'e3', 'e4')
        $calls.Count | Should -Be 1
        $calls = Get-CallLines { $script:paged = @(Get-CwLogEvent $big -LogStreamName stream-0 -Skip 2 -First 3 @local -Verbose) }
        $paged.Message | Should -Be @('e6', 'e9', 'e12')
        $calls.Count | Should -Be 1
    }

    It 'gives the newest events with -Tail, oldest of them first' {
        (Get-CwLogEvent $big -Tail 4 @local).Message | Should -Be @('e24996', 'e24997', 'e24998', 'e24999')
        (Get-CwLogEvent $big stream-0 -Tail 2 @local).Message | Should -Be @('e24996', 'e24999')
        # Log group and stream objects from elsewhere bind by property name.
        ([pscustomobject]@{ LogGroup = $big; LogStream = 'stream-1' } | Get-CwLogEvent -Tail 1 @local).Message | Should -Be 'e24997'
        ([pscustomobject]@{ LogGroupName = $big } | Get-CwLogEvent -Tail 1 @local).Message | Should -Be 'e24999'
    }

    It 'takes relative, ISO 8601, epoch and DateTime start and end times' {
        $group = New-GroupName 'times'
        $now = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()
        Invoke-Python @"
c.create_log_group(logGroupName='$group')
c.create_log_stream(logGroupName='$group', logStreamName='s')
c.put_log_events(logGroupName='$group', logStreamName='s', logEvents=[
    {'timestamp': $now - 600000, 'message': 'ten minutes ago'},
    {'timestamp': $now - 120000, 'message': 'two minutes ago'},
    {'timestamp': $now - 30000, 'message': 'half a minute ago'}])
"@
        (Get-CwLogEvent $group -StartTime 5m @local).Message | Should -Be @('two minutes ago', 'half a minute ago')
        (Get-CwLogEvent $group -StartTime 1h -EndTime 1m30s @local).Message | Should -Be @('ten minutes ago', 'two minutes ago')
        (Get-CwLogEvent $group -StartTime ($now - 120000) @local).Message | Should -Be @('two minutes ago', 'half a minute ago')
        $iso = [DateTimeOffset]::FromUnixTimeMilliseconds($now - 120000).UtcDateTime.ToString('yyyy-MM-ddTHH:mm:ss.fffZ')
        (Get-CwLogEvent $group -EndTime $iso @local).Message | Should -Be @('ten minutes ago', 'two minutes ago')
        # An ISO string without a zone is local time, exactly like the DateTime PowerShell makes of it.
        $localText = [DateTimeOffset]::FromUnixTimeMilliseconds($now - 300000).LocalDateTime.ToString('yyyy-MM-ddTHH:mm:ss')
        (Get-CwLogEvent $group -StartTime $localText @local).Message | Should -Be @('two minutes ago', 'half a minute ago')
        (Get-CwLogEvent $group -StartTime ([datetime]$localText) @local).Count | Should -Be 2
        { Get-CwLogEvent $group -StartTime 'last tuesday' @local } |
            Should -Throw -ExceptionType ([Management.Automation.ParameterBindingException]) -ExpectedMessage '*1h30m*'
    }

    It 'shows local times in its table view, within 80 columns' {
        $event = Get-CwLogEvent $big -First 1 @local
        $text = $event | Format-Table | Out-String -Width 80
        $text | Should -Match ([regex]::Escape($event.Timestamp.ToLocalTime().ToString('yyyy-MM-dd HH:mm:ss.fff')))
        ($text -split "`n" | Measure-Object Length -Maximum).Maximum | Should -BeLessOrEqual 80
    }

    It 'turns CloudTrail records into CloudTrailEvents that bind to Get-PublicBucket and by RoleArn' {
        $group = New-GroupName 'trail'
        $bucket = "pester-trail-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
        & aws --endpoint-url $local.EndpointUrl s3api create-bucket --bucket $bucket | Out-Null
        & aws --endpoint-url $local.EndpointUrl s3api put-object --bucket $bucket --key 'reports/q3.csv' --acl public-read | Out-Null
        $admin = "pester-admin-$([guid]::NewGuid().ToString('N').Substring(0, 10))"
        & aws --endpoint-url $local.EndpointUrl iam create-role --role-name $admin --assume-role-policy-document '{"Version":"2012-10-17","Statement":[]}' | Out-Null
        $records = @(
            @{ eventVersion = '1.09'; eventSource = 's3.amazonaws.com'; eventName = 'PutObject'; awsRegion = 'us-east-1'; sourceIPAddress = '203.0.113.10'
                eventTime = '2024-05-01T08:15:30Z'; userIdentity = @{ type = 'IAMUser'; arn = 'arn:aws:iam::123456789012:user/deploy' }
                requestParameters = @{ bucketName = $bucket; key = 'reports/q3.csv'; 'x-amz-acl' = 'public-read' } }
            @{ eventVersion = '1.09'; eventSource = 's3.amazonaws.com'; eventName = 'PutBucketAcl'; awsRegion = 'us-east-1'; sourceIPAddress = '198.51.100.7'
                eventTime = '2024-05-01T08:20:00Z'; requestParameters = @{ bucketName = $bucket; acl = @('') }
                userIdentity = @{ type = 'AssumedRole'; arn = "arn:aws:sts::123456789012:assumed-role/$admin/alice"
                    sessionContext = @{ sessionIssuer = @{ type = 'Role'; arn = "arn:aws:iam::123456789012:role/$admin" } } } }
            @{ eventVersion = '1.08'; eventSource = 'sts.amazonaws.com'; eventName = 'AssumeRole'; awsRegion = 'us-east-1'; sourceIPAddress = '192.0.2.44'
                eventTime = '2024-05-01T09:00:00Z'; userIdentity = @{ type = 'IAMUser'; arn = 'arn:aws:iam::123456789012:user/bob' }
                requestParameters = @{ roleArn = 'arn:aws:iam::210987654321:role/SecurityAudit'; roleSessionName = 'bob-audit' } }
        ) | ForEach-Object { $_ | ConvertTo-Json -Depth 6 -Compress }
        $json = ($records | ForEach-Object { "{'timestamp': base + $([array]::IndexOf($records, $_)), 'message': r'''$_'''}" }) -join ', '
        Invoke-Python @"
base = int(time.time() * 1000) - 60000
c.create_log_group(logGroupName='$group')
c.create_log_stream(logGroupName='$group', logStreamName='123456789012_CloudTrail_us-east-1')
c.put_log_events(logGroupName='$group', logStreamName='123456789012_CloudTrail_us-east-1', logEvents=[$json, {'timestamp': base + 3, 'message': 'plain text'}])
"@
        $events = @(Get-CwLogEvent $group @local)
        $events.Count | Should -Be 4
        $events[0..2] | ForEach-Object { $_ | Should -BeOfType ([AwsGuard.CloudTrailEvent]) }
        $events[3].GetType().FullName | Should -Be 'AwsGuard.LogEvent'
        $events[0].ObjectKey | Should -Be 'reports/q3.csv'
        $events[0].AclHeader | Should -Be 'public-read'
        $events[1].RoleArn | Should -Be "arn:aws:iam::123456789012:role/$admin"
        $events[2].RoleArn | Should -Be 'arn:aws:iam::210987654321:role/SecurityAudit'
        $events[2].Record.requestParameters.roleSessionName | Should -Be 'bob-audit'

        $exposure = @(Get-CwLogEvent $group -FilterPattern PutObject @local | Get-PublicBucket @local -IncludeNotPublic)
        $exposure.Count | Should -Be 1
        $exposure[0].BucketName | Should -Be $bucket
        $exposure[0].ObjectKey | Should -Be 'reports/q3.csv'
        $exposure[0].Reasons.Source | Should -Contain 'ObjectAcl'

        # RoleArn binds into Revoke-RoleSession: the caller's own role is revoked, the other account's is refused by name.
        $revoked = @($events[1..2] | Revoke-RoleSession @local -Force -PassThru -ErrorVariable refused -ErrorAction SilentlyContinue)
        $revoked.RoleName | Should -Be @($admin)
        $revoked[0].Action | Should -Be 'Created'
        @($refused).Count | Should -Be 1
        $refused[0].Exception.Message | Should -Match '210987654321'
    }

    It 'says a missing log group is ObjectNotFound, naming it' {
        $missing = New-GroupName 'missing'
        $errors = @()
        Get-CwLogEvent $missing @local -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 1
        $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errors[0].TargetObject | Should -Be $missing
        $errors[0].Exception.Message | Should -Match ([regex]::Escape($missing))
    }

    It 'refuses an end time before the start time before any AWS call' {
        $text = Get-AllStreams { try { Get-CwLogEvent $big -StartTime 5m -EndTime 10m @local -Verbose } catch { $_ } }
        $text | Should -Match 'before the start time'
        $text | Should -Not -Match 'AWS CloudWatch Logs'
        { Get-CwLogEvent $big -StartTime 5m -EndTime 10m @local -ErrorAction Stop } | Should -Throw -ErrorId 'EndBeforeStart*'
        try { Get-CwLogEvent $big -StartTime 5m -EndTime 10m @local -ErrorAction Stop } catch { $_.CategoryInfo.Category | Should -Be 'InvalidArgument' }
    }

    It 'follows a group while a writer appends at random times, writing every event exactly once, and stops within a second' {
        $group = New-GroupName 'follow'
        $start = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() - 60000
        Invoke-Python @"
c.create_log_group(logGroupName='$group')
for s in ('a', 'b'):
    c.create_log_stream(logGroupName='$group', logStreamName=s)
c.put_log_events(logGroupName='$group', logStreamName='a', logEvents=[{'timestamp': $start, 'message': 'before'}])
"@
        $output = [Management.Automation.PSDataCollection[psobject]]::new()
        $follow = [powershell]::Create()
        $null = $follow.AddScript({
                param($Module, $Group, $Local)
                Import-Module $Module
                Get-CwLogEvent $Group -Follow -PollInterval 00:00:00.2 @Local -Verbose
            }).AddArgument((Get-TestModulePath)).AddArgument($group).AddArgument($local)
        $running = $follow.BeginInvoke([Management.Automation.PSDataCollection[psobject]]::new(), $output)
        try {
            # 40 events in random batches at random moments; a third at the newest timestamp already written or up to 3 s before it.
            Invoke-Python @"
random.seed(7)
newest = $start
n = 0
while n < 40:
    batch = []
    for _ in range(random.randint(1, 4)):
        if n >= 40: break
        kind = random.random()
        ts = newest if kind < 0.15 else newest - random.randint(1, 3000) if kind < 0.33 else newest + random.randint(1, 500)
        batch.append({'timestamp': ts, 'message': 'w%d' % n})
        newest = max(newest, ts)
        n += 1
    batch.sort(key=lambda e: e['timestamp'])
    c.put_log_events(logGroupName='$group', logStreamName=random.choice('ab'), logEvents=batch)
    time.sleep(random.random() * 0.4)
"@
            # PSDataCollection enumerators wait for more items until the pipeline ends: count and index instead.
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ($output.Count -lt 41 -and [DateTime]::UtcNow -lt $deadline -and -not $running.IsCompleted) {
                Start-Sleep -Milliseconds 50 # polling a condition, bounded by the deadline
            }
            # Three more polls (one call log line each) after the last event: a late duplicate would show up in them.
            $polls = $follow.Streams.Verbose.Count
            while ($follow.Streams.Verbose.Count -lt $polls + 3 -and [DateTime]::UtcNow -lt $deadline -and -not $running.IsCompleted) { Start-Sleep -Milliseconds 50 }
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $follow.Stop()
            $clock.Stop()
            $follow.Streams.Error.Count | Should -Be 0
            $messages = @(for ($i = 0; $i -lt $output.Count; $i++) { $output[$i].Message })
            $messages[0] | Should -Be 'before'
            @($messages | Where-Object { $_ -like 'w*' }).Count | Should -Be 40
            @($messages | Select-Object -Unique).Count | Should -Be 41
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 1
        }
        finally { $follow.Dispose() }
    }
}
