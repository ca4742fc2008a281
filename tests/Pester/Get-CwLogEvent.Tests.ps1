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
    function Start-Follow([string] $Arguments) {
        # Get-CwLogEvent $Arguments (parsed as typed) -Verbose in a runspace of its own: the events gather in Output.
        $output = [Management.Automation.PSDataCollection[psobject]]::new()
        $shell = [powershell]::Create()
        $null = $shell.AddScript("param(`$Module, `$Local) Import-Module `$Module; Get-CwLogEvent $Arguments @Local -Verbose").
            AddArgument((Get-TestModulePath)).AddArgument($local)
        $running = $shell.BeginInvoke([Management.Automation.PSDataCollection[psobject]]::new(), $output)
        [pscustomobject]@{ Shell = $shell; Output = $output; Running = $running }
    }
    function Get-FollowMessages($Follow) {
        # PSDataCollection enumerators wait for more items until the pipeline ends: count and index instead.
        @(for ($i = 0; $i -lt $Follow.Output.Count; $i++) { $Follow.Output[$i].Message })
    }
    function New-AppStream([string] $Prefix, [long] $Now, [string] $Events) {
        # A new group whose one stream 'app' holds $Events: a Python list of {'timestamp', 'message'} that may use now ($Now).
        $group = New-GroupName $Prefix
        Invoke-Python @"
now = $Now
c.create_log_group(logGroupName='$group')
c.create_log_stream(logGroupName='$group', logStreamName='app')
c.put_log_events(logGroupName='$group', logStreamName='app', logEvents=$Events)
"@
        $group
    }
    function New-RecentStream([string] $Prefix, [int] $Count) {
        # $Count events one second apart, the last a second ago: h0, h1, ...
        New-AppStream $Prefix ([DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()) "[{'timestamp': now - ($Count - i) * 1000, 'message': 'h%d' % i} for i in range($Count)]"
    }
    function Send-Event([string] $Group, [int] $SecondsAgo, [string] $Message) {
        Invoke-Python "c.put_log_events(logGroupName='$Group', logStreamName='app', logEvents=[{'timestamp': int(time.time() * 1000) - $SecondsAgo * 1000, 'message': '$Message'}])"
    }
    function Get-PollCount($Follow) { @($Follow.Shell.Streams.Verbose | Where-Object Message -Like 'AWS CloudWatch Logs FilterLogEvents*').Count }
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

    It 'writes the -IncludeTotalCount total for what it read, and nothing at all for an empty pipeline' {
        $counted = @(Get-CwLogEvent $big -Tail 3 -IncludeTotalCount @local)
        $counted.Count | Should -Be 4
        $counted[3] | Should -BeOfType [uint64]
        $counted[3] | Should -Be 3
        @(@() | Get-CwLogEvent -IncludeTotalCount @local).Count | Should -Be 0
    }

    It 'gives the newest events with -Tail, oldest of them first' {
        (Get-CwLogEvent $big -Tail 4 @local).Message | Should -Be @('e24996', 'e24997', 'e24998', 'e24999')
        (Get-CwLogEvent $big stream-0 -Tail 2 @local).Message | Should -Be @('e24996', 'e24999')
        # Log group and stream objects from elsewhere bind by property name.
        ([pscustomobject]@{ LogGroup = $big; LogStream = 'stream-1' } | Get-CwLogEvent -Tail 1 @local).Message | Should -Be 'e24997'
        ([pscustomobject]@{ LogGroupName = $big } | Get-CwLogEvent -Tail 1 @local).Message | Should -Be 'e24999'
    }

    It 'takes relative, ISO 8601, epoch and DateTime start and end times' {
        $now = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()
        $group = New-AppStream 'times' $now @"
[{'timestamp': now - 600000, 'message': 'ten minutes ago'},
 {'timestamp': now - 120000, 'message': 'two minutes ago'},
 {'timestamp': now - 30000, 'message': 'half a minute ago'}]
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
        $follow = Start-Follow "$group -Follow -PollInterval 1"
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
            Wait-Until { $follow.Output.Count -ge 41 }
            # Three more polls after the last event: a late duplicate would show up in them.
            $polls = Get-PollCount $follow
            Wait-Until { (Get-PollCount $follow) -ge $polls + 3 }
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $follow.Shell.Stop()
            $clock.Stop()
            $follow.Shell.Streams.Error.Count | Should -Be 0
            $messages = Get-FollowMessages $follow
            $messages[0] | Should -Be 'before'
            @($messages | Where-Object { $_ -like 'w*' }).Count | Should -Be 40
            @($messages | Select-Object -Unique).Count | Should -Be 41
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 1
        }
        finally { $follow.Shell.Dispose() }
    }

    It 'writes the newest events with -Tail -Follow, then only what arrives, never the history before them' {
        # Issue 24's repro: 20 events from the last 20 seconds, -Tail 3 -Follow; then a late and a new event arrive.
        $group = New-RecentStream 'tailfollow' 20
        $follow = Start-Follow "$group app -Tail 3 -Follow -PollInterval 1"
        try {
            Wait-Until { $follow.Output.Count -ge 3 -and (Get-PollCount $follow) -ge 3 } # the tail's read and two polls
            Send-Event $group 18 'late'
            Send-Event $group 0 'new'
            Wait-Until { $follow.Output.Count -ge 5 }
            $polls = Get-PollCount $follow
            Wait-Until { (Get-PollCount $follow) -ge $polls + 2 }
            $follow.Shell.Stop()
            Get-FollowMessages $follow | Should -Be @('h17', 'h18', 'h19', 'late', 'new')
        }
        finally { $follow.Shell.Dispose() }
    }

    It 'counts -Skip and -First over the tail and the follow, and ends by itself at -First' {
        $group = New-RecentStream 'firstfollow' 5
        $follow = Start-Follow "$group -Tail 2 -Follow -Skip 1 -First 2 -PollInterval 1"
        try {
            Wait-Until { $follow.Output.Count -ge 1 -and (Get-PollCount $follow) -ge 2 }
            Send-Event $group 5 'late'
            Wait-Until { $follow.Running.IsCompleted }
            Get-FollowMessages $follow | Should -Be @('h4', 'late')
        }
        finally { $follow.Shell.Dispose() }
    }

    It 'takes an unquoted 90s, 1d and 2h as the help says, and refuses the numbers PowerShell makes of them in an expression' {
        $group = New-AppStream 'literals' ([DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()) @"
[{'timestamp': now - 3 * 86400000, 'message': 'three days ago'},
 {'timestamp': now - 7200000 - 600000, 'message': 'two hours and ten minutes ago'},
 {'timestamp': now - 60000, 'message': 'a minute ago'}]
"@
        (Get-CwLogEvent $group -StartTime 90s @local).Message | Should -Be 'a minute ago'
        (Get-CwLogEvent $group -EndTime 1d @local).Message | Should -Be 'three days ago'
        (Get-CwLogEvent $group -StartTime 2D -EndTime 2h @local).Message | Should -Be 'two hours and ten minutes ago'
        (Get-CwLogEvent $group -StartTime 4d -EndTime 3600s @local).Count | Should -Be 2
        (Get-CwLogEvent $group app -StartTime 90s -Tail 5 -Follow -First 1 @local).Message | Should -Be 'a minute ago'
        $script:refused = $null
        $calls = Get-CallLines { try { Get-CwLogEvent $group -StartTime (90s) @local -Verbose } catch { $script:refused = $_ } }
        $script:refused.Exception.Message | Should -Match "Int16.*\('90s'\)"
        $calls.Count | Should -Be 0
    }

    It 'takes -PollInterval as seconds, a span or a TimeSpan, and refuses less than a second before any call' {
        # Each value typed unquoted, as a user would: 5 is 5 seconds (not 5 ticks), 90s is 90 seconds (not the Int16 90).
        foreach ($case in @(@('5', '5'), @('2.5', '2.5'), @('90s', '90'), @('2m', '120'), @('00:00:05', '5'), @("'1m30s'", '90'))) {
            $lines = @(& ([scriptblock]::Create("Get-CwLogEvent `$big -Follow -First 1 -PollInterval $($case[0]) @local -Verbose 4>&1")) |
                    Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message)
            $lines | Should -Contain "Following ${big}: polling every $($case[1]) s for events that arrive from now on."
        }
        foreach ($bad in @('0.5', '00:00:00.2', '0', '500ms', '2h')) {
            $script:refused = $null
            $calls = Get-CallLines { try { & ([scriptblock]::Create("Get-CwLogEvent `$big -Follow -PollInterval $bad @local -Verbose")) } catch { $script:refused = $_ } }
            $script:refused.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentTransformationError*'
            $script:refused.Exception.Message | Should -Match '1 second|00:00:05'
            $calls.Count | Should -Be 0
        }
    }

    It 'refuses -EndTime with -Follow before any call, saying why' {
        $script:refused = $null
        $calls = Get-CallLines { try { Get-CwLogEvent $big -EndTime 1m -Follow @local -Verbose } catch { $script:refused = $_ } }
        $script:refused.Exception.Message | Should -Match 'takes no end time'
        $calls.Count | Should -Be 0
        { Get-CwLogEvent $big -Tail 2 -EndTime 1m -Follow @local -ErrorAction Stop } | Should -Throw -ErrorId 'FollowWithEndTime*'
    }

    It 'binds a piped log group name, and an Import-Csv row with an empty LogStreamName reads every stream' {
        ($big | Get-CwLogEvent -Tail 1 @local).Message | Should -Be 'e24999'
        (@($big, $big) | Get-CwLogEvent -Tail 1 @local).Message | Should -Be @('e24999', 'e24999')
        $csv = Join-Path $TestDrive 'groups.csv'
        @([pscustomobject]@{ LogGroupName = $big; LogStreamName = '' }, [pscustomobject]@{ LogGroupName = $big; LogStreamName = 'stream-1' }) |
            Export-Csv $csv -NoTypeInformation
        $errors = @()
        (Import-Csv $csv | Get-CwLogEvent -Tail 1 @local -ErrorVariable errors).Message | Should -Be @('e24999', 'e24997')
        $errors.Count | Should -Be 0
    }
}
