# Test-VmImport against moto (S3, IAM, STS) and real disk headers the tests write.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $local = Get-LocalAwsParameters
    $keys = @{ AccessKey = $TestAccessKey; SecretKey = $TestSecretKey; Region = 'us-east-1' }
    $folder = (New-Item (Join-Path ([IO.Path]::GetTempPath()) (New-UniqueName 'vmimport-')) -ItemType Directory).FullName

    function New-DiskFile([string] $Name, [string] $Kind) {
        # An OVA: a ustar archive whose first entry is the .ovf; VMDKs: the sparse header (stream-optimized: flags 0x30001, deflate).
        $bytes = [byte[]]::new(64KB)
        $ascii = [Text.Encoding]::ASCII
        switch ($Kind) {
            'ova' { $ascii.GetBytes('web01.ovf').CopyTo($bytes, 0); $ascii.GetBytes('ustar').CopyTo($bytes, 257) }
            'stream-vmdk' { $ascii.GetBytes('KDMV').CopyTo($bytes, 0); [BitConverter]::GetBytes([uint32]0x30001).CopyTo($bytes, 8); $bytes[77] = 1 }
            'sparse-vmdk' { $ascii.GetBytes('KDMV').CopyTo($bytes, 0); [BitConverter]::GetBytes([uint32]0x3).CopyTo($bytes, 8) }
        }
        $path = Join-Path $folder $Name
        [IO.File]::WriteAllBytes($path, $bytes)
        $path
    }
    function New-Bucket([string] $Region = 'us-east-1') {
        $bucket = New-UniqueName 'vmimport-'
        $location = if ($Region -ne 'us-east-1') { '--create-bucket-configuration', "LocationConstraint=$Region" } else { @() }
        $null = & aws --endpoint-url $local.EndpointUrl --region $Region s3api create-bucket --bucket $bucket @location 2>&1
        $bucket
    }
    function Get-AwsCallCount([scriptblock] $Script) {
        # The AWS calls a command logs (one verbose line each).
        @(& $Script -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -match '^AWS \S+ \S+ ' }).Count
    }
    $env:AWS_ACCESS_KEY_ID = $TestAccessKey; $env:AWS_SECRET_ACCESS_KEY = $TestSecretKey; $env:AWS_DEFAULT_REGION = 'us-east-1'
    $ova = New-DiskFile 'web01.ova' 'ova'
}

AfterAll {
    Remove-Item $folder -Recurse -Force
}

Describe 'Test-VmImport' {
    It 'creates the role with -CreateRole, after which every check passes, and -WhatIf creates nothing' {
        $bucket = New-Bucket
        $role = New-UniqueName 'vmimport-'
        $before = Test-VmImport -Path $ova -Bucket $bucket -RoleName $role -CreateRole -WhatIf @local
        ($before | Where-Object Name -EQ 'Role').Result | Should -Be 'Fail'
        & aws --endpoint-url $local.EndpointUrl iam get-role --role-name $role 2>&1 | Out-String | Should -Match 'NoSuchEntity'

        $checks = Test-VmImport -Path $ova -Bucket $bucket -RoleName $role -CreateRole -Confirm:$false @local
        $checks | Should -HaveCount 8
        $checks[0] | Should -BeOfType ([AwsGuard.VmImportCheck])
        $checks.Name | Should -Be 'Disk format', 'Disk size', 'Bucket', 'Bucket region', 'Role', 'Role trust', 'Role permissions', 'Caller'
        $checks | Where-Object Result -NE 'Pass' | Should -BeNullOrEmpty
        $checks.AccountId | Select-Object -Unique | Should -Be '123456789012'
        $policy = & aws --endpoint-url $local.EndpointUrl iam get-role-policy --role-name $role --policy-name "vmimport-$bucket" --output json | ConvertFrom-Json
        $policy.PolicyDocument.Statement[0].Resource | Should -Be "arn:aws:s3:::$bucket", "arn:aws:s3:::$bucket/*"
    }

    It 'fails a monolithic sparse VMDK, a missing role and a bucket in another Region, each with its fix' {
        $bucket = New-Bucket 'eu-west-1'
        $checks = Test-VmImport -Path (New-DiskFile 'db01.vmdk' 'sparse-vmdk') -Bucket $bucket -RoleName (New-UniqueName 'none-') @local
        $format = $checks | Where-Object Name -EQ 'Disk format'
        $format.Result | Should -Be 'Fail'
        $format.Fix | Should -Match 'OVA'
        ($checks | Where-Object Name -EQ 'Bucket region').Fix | Should -Match '-Region eu-west-1'
        ($checks | Where-Object Name -EQ 'Role').Fix | Should -Match '-CreateRole'
        $checks.Name | Should -Not -Contain 'Role trust'
    }

    It 'checks a disk already in S3 by its content, and fails an object that is not there' {
        $bucket = New-Bucket
        $null = & aws --endpoint-url $local.EndpointUrl s3 cp (New-DiskFile 'app.vmdk' 'stream-vmdk') "s3://$bucket/disks/app.vmdk" 2>&1
        $found = Test-VmImport -S3Uri "s3://$bucket/disks/app.vmdk" @local
        ($found | Where-Object Name -EQ 'Disk format').Detail | Should -Match 'stream-optimized VMDK'
        ($found | Where-Object Name -EQ 'Object').Result | Should -Be 'Pass'
        $missing = Test-VmImport -S3Uri "s3://$bucket/disks/none.vmdk" @local
        ($missing | Where-Object Name -EQ 'Object').Result | Should -Be 'Fail'
    }

    It 'binds files from Get-ChildItem, resolves a relative path against the current location, and does nothing for an empty pipeline' {
        $bucket = New-Bucket
        (Get-Item $ova | Test-VmImport -Bucket $bucket @local | Where-Object Name -EQ 'Disk format').Result | Should -Be 'Pass'
        Push-Location $folder
        try { (Test-VmImport -Path ./web01.ova @local | Where-Object Name -EQ 'Disk format').Detail | Should -Match 'OVA' }
        finally { Pop-Location }
        Get-AwsCallCount { @() | Test-VmImport -Bucket $bucket @local } | Should -Be 0
    }

    It 'refuses -CreateRole without a bucket and an S3 URI that names no object, before any AWS call' {
        Get-AwsCallCount { try { Test-VmImport -Path $ova -CreateRole @local } catch { } } | Should -Be 0
        { Test-VmImport -Path $ova -CreateRole @local } | Should -Throw -ErrorId 'BucketRequired*'
        $errors = @()
        Test-VmImport -S3Uri 's3://some-bucket/prefix/' @local -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'NotADiskObject*'
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'a missing file is a local read error, not an AWS one' {
        $errors = @()
        Test-VmImport -Path (Join-Path $folder 'nope.ova') @local -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'LocalReadFailed*'
    }

    It 'fits its view in 80 columns' {
        $lines = Test-VmImport -Path (New-DiskFile 'x.vmdk' 'sparse-vmdk') -RoleName (New-UniqueName 'none-') @local | Format-Table | Out-String -Width 80 -Stream
        $lines | Where-Object { $_.Length -gt 80 } | Should -BeNullOrEmpty
        $lines -join "`n" | Should -Match 'Fix:'
    }
}

Describe 'Test-VmImport per piped account' {
    It 'checks and creates the role in each piped account, every check carrying that account' {
        $org = New-TestOrganization 2 1 0
        $management = $org.ManagementSession
        $role = New-UniqueName 'vmimport-'
        $items = foreach ($member in $org.Members) {
            [pscustomobject]@{ AssumeRoleArn = "arn:aws:iam::$($member.AccountId):role/OrganizationAccountAccessRole"; Region = 'us-east-1'; S3Uri = "s3://$($member.Buckets[0])/disk.ova" }
        }
        $checks = @($items | Test-VmImport -RoleName $role -CreateRole -Confirm:$false @management)
        foreach ($member in $org.Members) {
            $mine = @($checks | Where-Object AccountId -EQ $member.AccountId)
            ($mine | Where-Object Name -EQ 'Bucket').Result | Should -Be 'Pass' -Because "the bucket is $($member.AccountId)'s own"
            ($mine | Where-Object Name -EQ 'Role').Result | Should -Be 'Pass' -Because 'the role was created in that account'
            ($mine | Where-Object Name -EQ 'Caller').Detail | Should -Match "arn:aws:sts::$($member.AccountId):assumed-role/OrganizationAccountAccessRole/"
        }
        $checks.Count | Should -Be (@($checks | Where-Object AccountId -In $org.Members.AccountId).Count)
        # The role was made in the members only: the management account still lacks it.
        $own = @(Test-VmImport -S3Uri "s3://$($org.Members[0].Buckets[0])/disk.ova" -RoleName $role @management)
        ($own | Where-Object Name -EQ 'Role').Result | Should -Be 'Fail'
        $own.AccountId | Sort-Object -Unique | Should -Be $org.Management
    }
}
