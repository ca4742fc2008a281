# Import-VmImage, Get-VmImportTask and Stop-VmImportTask end to end: S3, IAM and STS on moto, EC2 on the import double
# (AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_EC2, as a user with a VPC endpoint or a local stack would set them).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $moto = Get-LocalAwsUrl
    $ec2 = Get-Ec2ImportDoubleUrl
    $keys = @{ AccessKey = $TestAccessKey; SecretKey = $TestSecretKey; Region = 'us-east-1' }
    $folder = (New-Item (Join-Path ([IO.Path]::GetTempPath()) (New-UniqueName 'vmimage-')) -ItemType Directory).FullName
    $env:AWS_ACCESS_KEY_ID = $TestAccessKey; $env:AWS_SECRET_ACCESS_KEY = $TestSecretKey; $env:AWS_DEFAULT_REGION = 'us-east-1'

    function New-Ova([string] $Name, [int] $Size = 64KB) {
        # A ustar archive whose first entry is the .ovf: what vSphere's OVA export writes first.
        $bytes = [byte[]]::new($Size)
        [Text.Encoding]::ASCII.GetBytes("$Name.ovf").CopyTo($bytes, 0)
        [Text.Encoding]::ASCII.GetBytes('ustar').CopyTo($bytes, 257)
        for ($i = 1024; $i -lt $Size; $i += 997) { $bytes[$i] = [byte]($i % 251) }
        $path = Join-Path $folder "$Name.ova"
        [IO.File]::WriteAllBytes($path, $bytes)
        $path
    }
    # One bucket and one role for the file: every import here passes its checks unless a test breaks one on purpose.
    $bucket = New-UniqueName 'vmimage-'
    $null = & aws --endpoint-url $moto s3api create-bucket --bucket $bucket 2>&1
    $role = New-UniqueName 'vmimage-'
    $sandbox = Enter-AwsSandbox
    # The keys again for the AWS CLI, which checks what AwsGuard wrote; the cmdlets get theirs as parameters.
    $env:AWS_ACCESS_KEY_ID = $TestAccessKey; $env:AWS_SECRET_ACCESS_KEY = $TestSecretKey; $env:AWS_DEFAULT_REGION = 'us-east-1'
    $env:AWS_ENDPOINT_URL = $moto; $env:AWS_ENDPOINT_URL_EC2 = $ec2
    $null = Test-VmImport -Path (New-Ova 'seed') -Bucket $bucket -RoleName $role -CreateRole -Confirm:$false @keys

    function Start-Import([string] $Arguments) {
        # Import-VmImage $Arguments in a runspace of its own, with the environment above: progress gathers in Progress.
        $shell = [powershell]::Create()
        $null = $shell.AddScript("param(`$Module, `$Keys) Import-Module `$Module; Import-VmImage $Arguments @Keys").
            AddArgument((Get-TestModulePath)).AddArgument($keys)
        $output = [Management.Automation.PSDataCollection[psobject]]::new()
        [pscustomobject]@{ Shell = $shell; Output = $output; Running = $shell.BeginInvoke([Management.Automation.PSDataCollection[psobject]]::new(), $output) }
    }
}

AfterAll {
    Remove-Item Env:AWS_ENDPOINT_URL, Env:AWS_ENDPOINT_URL_EC2 -ErrorAction SilentlyContinue
    if ($sandbox) { Exit-AwsSandbox $sandbox }
    Remove-Item $folder -Recurse -Force
}

Describe 'Import-VmImage' {
    It 'uploads the disk, imports it, follows the task and writes the AMI' {
        $disk = New-Ova (New-UniqueName 'web')
        $key = "imports/$(Split-Path $disk -Leaf)"
        $import = Start-Import "-Path '$disk' -Bucket $bucket -Key $key -RoleName $role -Platform Linux -BootMode uefi -Wait -PollInterval 1"
        try {
            Wait-Until { $import.Running.IsCompleted }
            $import.Shell.Streams.Error | Should -BeNullOrEmpty
            $task = $import.Output[0]
            $task | Should -BeOfType ([AwsGuard.VmImportTask])
            $task.Status | Should -Be 'completed'
            $task.ImageId | Should -Match '^ami-[0-9a-f]{17}$'
            $task.SnapshotIds | Should -HaveCount 1
            $task.DiskUrl | Should -Be "s3://$bucket/$key"
            ($task.AccountId, $task.Region) | Should -Be '123456789012', 'us-east-1'
            # The upload's bar, then the import's: every status AWS walks through, with its percent.
            $progress = $import.Shell.Streams.Progress
            $progress.Activity | Should -Contain 'Import-VmImage: upload'
            $stages = $progress | Where-Object Activity -Like 'VM import *' | ForEach-Object StatusDescription | Select-Object -Unique
            $stages | Should -Be 'active: pending', 'active: converting', 'active: updating', 'active: booting', 'active: preparing ami', 'completed: completed'
            ($progress | Where-Object StatusDescription -EQ 'active: booting').PercentComplete | Should -Be 74
        }
        finally { $import.Shell.Dispose() }
        # The object in S3 is the file, byte for byte.
        $null = & aws --endpoint-url $moto s3 cp "s3://$bucket/$key" (Join-Path $folder 'back.ova') 2>&1
        (Get-FileHash (Join-Path $folder 'back.ova')).Hash | Should -Be (Get-FileHash $disk).Hash
        $tasks = Invoke-RestMethod "$($ec2)_double/tasks" # one array, enumerated once assigned
        $sent = ($tasks | Where-Object ImportTaskId -EQ $task.ImportTaskId).Request
        $sent.'DiskContainer.1.Format' | Should -Be 'ova'
        $sent.RoleName | Should -Be $role
        $sent.Platform | Should -Be 'Linux'
    }

    It 'ends with an error that says what to do when the import fails' {
        $disk = New-Ova (New-UniqueName 'kernel')
        Set-ImportOutcome -S3Key (Split-Path $disk -Leaf) -FailWith 'ClientError: Unsupported kernel version 5.14.0-70.el9'
        $failure = $null
        try { Import-VmImage -Path $disk -Bucket $bucket -RoleName $role -Wait -PollInterval 1 @keys -ErrorAction Stop }
        catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'VmImportFailed*'
        $failure.Exception.Message | Should -Match 'ClientError: Unsupported kernel version 5\.14\.0-70\.el9'
        $failure.Exception.Message | Should -Match 'supported kernel'
        $failure.ErrorDetails.RecommendedAction | Should -Match 'kernel'
        $failure.TargetObject | Should -Match '^import-ami-'
    }

    It 'stops with every failed check before anything is uploaded or started' {
        $disk = New-Ova (New-UniqueName 'norole')
        $imports = Get-DoubleRequestCount -Url $ec2 -Operation ImportImage
        $errors = @()
        Import-VmImage -Path $disk -Bucket $bucket -RoleName (New-UniqueName 'none-') @keys -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'VmImportNotReady*'
        $errors[0].Exception.Message | Should -Match 'Role: The service role \S+ does not exist\. Fix: .*-CreateRole'
        & aws --endpoint-url $moto s3api head-object --bucket $bucket --key (Split-Path $disk -Leaf) 2>&1 | Out-String | Should -Match '404|Not Found'
        Get-DoubleRequestCount -Url $ec2 -Operation ImportImage | Should -Be $imports
    }

    It 'stops waiting within a second on Ctrl+C, leaves the import running and says how to follow it again' {
        $disk = New-Ova (New-UniqueName 'hold')
        Set-ImportOutcome -S3Key (Split-Path $disk -Leaf) -Hold
        $cancels = Get-DoubleRequestCount -Url $ec2 -Operation CancelImportTask
        $import = Start-Import "-Path '$disk' -Bucket $bucket -RoleName $role -Wait -PollInterval 1"
        try {
            Wait-Until { @($import.Shell.Streams.Progress | Where-Object StatusDescription -EQ 'active: converting').Count -ge 2 }
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $import.Shell.Stop()
            $clock.Stop()
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 1
            $import.Shell.InvocationStateInfo.State | Should -Be 'Stopped'
            $hint = ($import.Shell.Streams.Progress | Where-Object Activity -Like 'VM import *' | Select-Object -Last 1)
            $id = $hint.Activity -replace '^VM import '
            $hint.CurrentOperation | Should -Be "Ctrl+C stops waiting, not the import. Follow it again: Get-VmImportTask $id -Wait"
        }
        finally { $import.Shell.Dispose() }
        Get-DoubleRequestCount -Url $ec2 -Operation CancelImportTask | Should -Be $cancels
        (Get-VmImportTask $id @keys).Status | Should -Be 'active'
    }

    It 'refuses -KmsKeyId without -Encrypted before any AWS call' {
        { Import-VmImage -Path (New-Ova 'kms') -Bucket $bucket -KmsKeyId alias/x @keys } | Should -Throw -ErrorId 'KmsKeyNeedsEncrypted*'
    }

    It 'uploads and starts nothing under -WhatIf' {
        $disk = New-Ova (New-UniqueName 'whatif')
        $imports = Get-DoubleRequestCount -Url $ec2 -Operation ImportImage
        Import-VmImage -Path $disk -Bucket $bucket -RoleName $role -WhatIf @keys | Should -BeNullOrEmpty
        Get-DoubleRequestCount -Url $ec2 -Operation ImportImage | Should -Be $imports
    }
}

Describe 'Get-VmImportTask and Stop-VmImportTask' {
    It 'lists tasks, follows one to its AMI, and reports a failed one as an error with -Wait' {
        $started = Import-VmImage -Path (New-Ova (New-UniqueName 'later')) -Bucket $bucket -RoleName $role @keys
        $started.Status | Should -Be 'active'
        (Get-VmImportTask @keys).ImportTaskId | Should -Contain $started.ImportTaskId
        ($started | Get-VmImportTask -Wait -PollInterval 1 @keys).ImageId | Should -Match '^ami-'

        $bad = New-Ova (New-UniqueName 'boot')
        Set-ImportOutcome -S3Key (Split-Path $bad -Leaf) -FailWith 'ClientError: Unable to find bootloader'
        $failing = Import-VmImage -Path $bad -Bucket $bucket -RoleName $role @keys
        $errors = @()
        $failing.ImportTaskId, $started.ImportTaskId | Get-VmImportTask -Wait -PollInterval 1 @keys -ErrorVariable errors -ErrorAction SilentlyContinue |
            ForEach-Object ImportTaskId | Should -Be $started.ImportTaskId
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'VmImportFailed*'
        $errors[0].Exception.Message | Should -Match 'GRUB'
    }

    It 'cancels a task from the pipeline with -Force -PassThru, asks nothing under -WhatIf, and an ended task is an error' {
        $task = Import-VmImage -Path (New-Ova (New-UniqueName 'cancel')) -Bucket $bucket -RoleName $role @keys
        $cancels = Get-DoubleRequestCount -Url $ec2 -Operation CancelImportTask
        $task | Stop-VmImportTask -WhatIf @keys
        Get-DoubleRequestCount -Url $ec2 -Operation CancelImportTask | Should -Be $cancels
        ($task | Stop-VmImportTask -Force -PassThru @keys).Status | Should -BeIn 'deleting', 'deleted'
        $errors = @()
        Stop-VmImportTask $task.ImportTaskId -Force @keys -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'IncorrectState*'
        { Stop-VmImportTask 'ami-123' -Force @keys } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }

    It 'refuses an id of another form per id, before any call, and the other ids go on' {
        $describes = Get-DoubleRequestCount -Url $ec2 -Operation DescribeImportImageTasks
        $errors = @()
        $listed = @('ami-123', 'import-ami-0000000000000000' | Get-VmImportTask @keys -ErrorVariable errors -ErrorAction SilentlyContinue)
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidImportTaskId,*'
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errors[0].TargetObject | Should -Be 'ami-123'
        Get-DoubleRequestCount -Url $ec2 -Operation DescribeImportImageTasks | Should -Be ($describes + 1) -Because 'the valid id is still asked for'
        $errors[1].FullyQualifiedErrorId | Should -BeLike 'InvalidConversionTaskId,*' -Because 'it names no task'
        $listed | Should -BeNullOrEmpty
    }

    It 'fits its view in 80 columns' {
        $lines = Get-VmImportTask @keys | Format-Table | Out-String -Width 80 -Stream
        $lines | Where-Object { $_.Length -gt 80 } | Should -BeNullOrEmpty
        $lines -join "`n" | Should -Match 'import-ami-\w+\s+completed\s+ami-'
    }
}

Describe 'Import-VmImage, Get-VmImportTask and Stop-VmImportTask per piped account' {
    # The double is one account for EC2; S3, IAM and STS (moto) act in each member through its role.
    BeforeAll {
        $org = New-TestOrganization 2 1 0
        $management = $org.ManagementSession.Clone(); $management.Remove('EndpointUrl')
        $orgRole = New-UniqueName 'vmimport-'
        $items = foreach ($member in $org.Members) {
            $arn = "arn:aws:iam::$($member.AccountId):role/OrganizationAccountAccessRole"
            $url = "s3://$($member.Buckets[0])/disk.ova"
            Copy-S3Quiet -Source (New-Ova (New-UniqueName 'org')) -Destination $url -AssumeRoleArn $arn @management
            [pscustomobject]@{ AssumeRoleArn = $arn; Region = 'us-east-1'; S3Uri = $url }
        }
        $null = $items | Test-VmImport -RoleName $orgRole -CreateRole -Confirm:$false @management
        $tasks = @($items | Import-VmImage -RoleName $orgRole @management)
    }

    It 'Import-VmImage checks and imports each piped account''s disk in that account' {
        $tasks.AccountId | Should -Be $org.Members.AccountId
        $tasks.DiskUrl | Should -Be $items.S3Uri
    }

    It 'Get-VmImportTask lists every task of each piped account, one DescribeImportImageTasks each' {
        $describes = Get-DoubleRequestCount -Url $ec2 -Operation DescribeImportImageTasks
        $accounts = @(Get-AwsGuardAccount -RoleName OrganizationAccountAccessRole -AccountId $org.Members.AccountId @management)
        $listed = @($accounts | Get-VmImportTask @management)
        Get-DoubleRequestCount -Url $ec2 -Operation DescribeImportImageTasks | Should -Be ($describes + 2)
        foreach ($task in $tasks) {
            ($listed | Where-Object AccountId -EQ $task.AccountId).ImportTaskId | Should -Contain $task.ImportTaskId
        }
        $listed.AccountId | Sort-Object -Unique | Should -Be ($org.Members.AccountId | Sort-Object)
    }

    It 'Stop-VmImportTask refuses a task of another account than its session''s (AccountMismatch) and cancels nothing' {
        $cancels = Get-DoubleRequestCount -Url $ec2 -Operation CancelImportTask
        $tasks[0] | Stop-VmImportTask -Force @management -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'AccountMismatch,*'
        $errors[0].TargetObject | Should -Be $tasks[0].ImportTaskId
        Get-DoubleRequestCount -Url $ec2 -Operation CancelImportTask | Should -Be $cancels
    }

    It 'Stop-VmImportTask cancels each task with its record''s role' {
        $piped = for ($i = 0; $i -lt $tasks.Count; $i++) {
            [pscustomobject]@{ ImportTaskId = $tasks[$i].ImportTaskId; AssumeRoleArn = $items[$i].AssumeRoleArn }
        }
        $stopped = @($piped | Stop-VmImportTask -Force -PassThru @management)
        $stopped.ImportTaskId | Should -Be $tasks.ImportTaskId
        $stopped.AccountId | Should -Be $org.Members.AccountId
    }
}
