# Copy-S3Quiet as a user drives it: quiet by default, one progress bar, errors per file, the same result as aws s3 cp.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $local = Get-LocalAwsParameters
    $env:AWS_ACCESS_KEY_ID = $TestAccessKey; $env:AWS_SECRET_ACCESS_KEY = $TestSecretKey; $env:AWS_DEFAULT_REGION = 'us-east-1'
    $work = New-Item (Join-Path ([IO.Path]::GetTempPath()) "awsguard-copy-$([guid]::NewGuid().ToString('N'))") -ItemType Directory
    function New-Bucket {
        $name = "pester-copy-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
        $output = & aws --endpoint-url $local.EndpointUrl s3api create-bucket --bucket $name 2>&1
        if ($LASTEXITCODE) { throw "create-bucket $name failed: $output" }
        $name
    }
    function New-Tree([string] $Path, [int] $Count) {
        $random = [Random]::new($Count)
        for ($i = 0; $i -lt $Count; $i++) {
            $file = Join-Path $Path "dir$($i % 4)/sub$($i % 3)/file $i.dat"
            $null = New-Item (Split-Path $file) -ItemType Directory -Force
            $bytes = [byte[]]::new(100 + $i * 37); $random.NextBytes($bytes)
            [IO.File]::WriteAllBytes($file, $bytes)
        }
        Get-Item $Path
    }
    function Get-Tree([string] $Path) {
        # Relative path -> SHA256, for comparing two local trees
        $root = (Resolve-Path $Path).Path.TrimEnd('/') + '/'
        Get-ChildItem $Path -Recurse -File -Force | Sort-Object FullName |
            ForEach-Object { '{0} {1}' -f $_.FullName.Substring($root.Length), (Get-FileHash $_.FullName -Algorithm SHA256).Hash }
    }
    function Get-Listing([string] $Bucket, [string] $Prefix) {
        # Relative key, size and ETag (the content's MD5 for these single-PUT objects) of everything under a prefix
        $json = & aws --endpoint-url $local.EndpointUrl s3api list-objects-v2 --bucket $Bucket --prefix $Prefix --output json | ConvertFrom-Json
        $json.Contents | Sort-Object Key | ForEach-Object { '{0} {1} {2}' -f $_.Key.Substring($Prefix.Length), $_.Size, $_.ETag }
    }
    $bucket = New-Bucket
    $tree = New-Tree (Join-Path $work 'tree') 60
}

AfterAll {
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Copy-S3Quiet' {
    It 'copies one file each way and writes nothing without -PassThru' {
        $file = Join-Path $work 'one.txt'; Set-Content $file 'hello quiet world' -NoNewline
        $output = @(Copy-S3Quiet $file "s3://$bucket/one/" @local) + @(Copy-S3Quiet "s3://$bucket/one/one.txt" (Join-Path $work 'one-back.txt') @local)
        $output.Count | Should -Be 0
        Get-Content (Join-Path $work 'one-back.txt') -Raw | Should -Be 'hello quiet world'
    }

    It 'returns one CopyResult per file with -PassThru' {
        $results = @(Copy-S3Quiet $tree.FullName "s3://$bucket/passthru/" -Recurse -PassThru @local)
        $results.Count | Should -Be 60
        $results[0] | Should -BeOfType ([AwsGuard.CopyResult])
        $results.Status | Sort-Object -Unique | Should -Be 'Copied'
        ($results | Where-Object Source -Like '*file 5.dat').Destination | Should -Be "s3://$bucket/passthru/dir1/sub2/file 5.dat"
        ($results | Where-Object Source -Like '*file 5.dat').Checksum | Should -Match '^md5:[0-9a-f]{32}$'
    }

    It 'produces the same objects and files as aws s3 cp --recursive' {
        & aws --endpoint-url $local.EndpointUrl s3 cp $tree.FullName "s3://$bucket/cli/" --recursive --quiet
        Copy-S3Quiet $tree.FullName "s3://$bucket/quiet/" -Recurse @local
        $cli = Get-Listing $bucket 'cli/'
        $cli.Count | Should -Be 60
        Get-Listing $bucket 'quiet/' | Should -Be $cli

        & aws --endpoint-url $local.EndpointUrl s3 cp "s3://$bucket/cli/" (Join-Path $work 'cli-down') --recursive --quiet
        Copy-S3Quiet "s3://$bucket/cli/" (Join-Path $work 'quiet-down') -Recurse @local
        $expected = Get-Tree $tree.FullName
        Get-Tree (Join-Path $work 'cli-down') | Should -Be $expected
        Get-Tree (Join-Path $work 'quiet-down') | Should -Be $expected
    }

    It 'writes exactly one progress bar, and none under SilentlyContinue' {
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($Module, $Source, $Destination, $Local)
                Import-Module $Module
                Copy-S3Quiet $Source $Destination -Recurse @Local
            }).AddArgument((Get-TestModulePath)).AddArgument($tree.FullName).AddArgument("s3://$bucket/progress/").AddArgument($local)
        $null = $ps.Invoke()
        $records = @($ps.Streams.Progress)
        $ps.Streams.Error.Count | Should -Be 0
        $records.Count | Should -BeGreaterThan 0
        $records.ActivityId | Sort-Object -Unique | Should -Be 1
        $records.Activity | Sort-Object -Unique | Should -Be 'Copy-S3Quiet'
        @($records | Where-Object RecordType -EQ Completed).Count | Should -Be 1
        $records[-1].RecordType | Should -Be Completed
        $records[-1].StatusDescription | Should -Match '^60 of 60 files'
        $ps.Dispose()

        $quiet = [powershell]::Create()
        $null = $quiet.AddScript({
                param($Module, $Source, $Destination, $Local)
                Import-Module $Module
                $ProgressPreference = 'SilentlyContinue'
                Copy-S3Quiet $Source $Destination -Recurse @Local
            }).AddArgument((Get-TestModulePath)).AddArgument($tree.FullName).AddArgument("s3://$bucket/silent/").AddArgument($local)
        $null = $quiet.Invoke()
        $quiet.Streams.Progress.Count | Should -Be 0
        $quiet.Dispose()
    }

    It 'lists each file with -Verbose and copies nothing with -WhatIf' {
        $verbose = @(Copy-S3Quiet $tree.FullName "s3://$bucket/verbose/" -Recurse -Include '*/sub0/*' @local -Verbose 4>&1 |
                Where-Object { $_.Message -like 'Copied:*' })
        $verbose.Count | Should -Be 20
        $whatIf = @(Copy-S3Quiet $tree.FullName "s3://$bucket/whatif/" -Recurse -Include 'dir0/sub0/*' -WhatIf -PassThru @local)
        $whatIf.Count | Should -Be 0
        Get-Listing $bucket 'whatif/' | Should -BeNullOrEmpty
    }

    It 'applies -Include and -Exclude to the relative path' {
        $results = @(Copy-S3Quiet $tree.FullName "s3://$bucket/filtered/" -Recurse -Include 'dir1/*' -Exclude '*/sub2/*' -PassThru @local)
        $results.Count | Should -Be 10
        $results.Destination | ForEach-Object { $_ | Should -Match "^s3://$bucket/filtered/dir1/sub[01]/" }
    }

    It 'skips unchanged files with -SkipUnchanged' {
        $results = @(Copy-S3Quiet $tree.FullName "s3://$bucket/passthru/" -Recurse -SkipUnchanged -PassThru @local)
        $results.Status | Sort-Object -Unique | Should -Be 'Skipped'
    }

    It 'binds files by FullName and S3 objects by BucketName and Key' {
        $files = Get-ChildItem (Join-Path $tree.FullName 'dir2/sub0') -File
        $files | Copy-S3Quiet -Destination "s3://$bucket/piped/" @local
        $objects = $files | ForEach-Object { [pscustomobject]@{ BucketName = $bucket; Key = "piped/$($_.Name)" } }
        $back = Join-Path $work 'piped-back'
        $objects | Copy-S3Quiet -Destination "$back/" @local
        (Get-ChildItem $back -File).Name | Sort-Object | Should -Be ($files.Name | Sort-Object)
        [pscustomobject]@{ BucketName = $bucket } | Copy-S3Quiet -Destination (Join-Path $work 'whole') -Include 'piped/*' @local
        (Get-ChildItem (Join-Path $work 'whole/piped') -File).Count | Should -Be $files.Count
    }

    It 'lists the destination once for a whole pipeline of files with -SkipUnchanged' {
        $files = @(Get-ChildItem (Join-Path $tree.FullName 'dir1') -Recurse -File)
        $files.Count | Should -BeGreaterThan 10
        foreach ($run in 'Copied', 'Skipped') {
            $verbose = @($files | Copy-S3Quiet -Destination "s3://$bucket/piped-skip/" -SkipUnchanged @local -Verbose 4>&1)
            @($verbose | Where-Object { $_.Message -like 'AWS S3 ListObjectsV2 *' }).Count | Should -Be 1
            @($verbose | Where-Object { $_.Message -like "$(if ($run -eq 'Copied') { 'Copied' } else { 'Unchanged' }):*" }).Count | Should -Be $files.Count
        }
    }

    It 'refuses every extra source that would go to the destination of another, and overwrites nothing' -ForEach @(
        @{ Case = 'several files to one key'; Names = 'a.csv', 'b.csv', 'c.csv'; Destination = 'daily'; Key = 'daily' }
        @{ Case = 'flattened names'; Names = 'x/same.txt', 'y/same.txt'; Destination = 'flat/'; Key = 'flat/same.txt' }
    ) {
        $folder = Join-Path $work "collide-$([guid]::NewGuid().ToString('N'))"
        foreach ($name in $Names) { $null = New-Item (Join-Path $folder $name) -Force -Value "content of $name" }
        $errors = @()
        $results = @(Get-ChildItem $folder -Recurse -File | Sort-Object FullName |
                Copy-S3Quiet -Destination "s3://$bucket/collide-$Case/$Destination" -PassThru @local -ErrorVariable errors -ErrorAction SilentlyContinue)
        $results.Count | Should -Be 1
        $results[0].Source | Should -Be (Join-Path $folder $Names[0])
        $errors.Count | Should -Be ($Names.Count - 1)
        $errors.FullyQualifiedErrorId | ForEach-Object { $_ | Should -BeLike 'DuplicateDestination*' }
        $errors.TargetObject | Should -Be ($Names | Select-Object -Skip 1 | ForEach-Object { Join-Path $folder $_ })
        $back = Join-Path $folder 'back.txt'
        & aws --endpoint-url $local.EndpointUrl s3 cp "s3://$bucket/collide-$Case/$Key" $back --quiet
        Get-Content $back -Raw | Should -Be "content of $($Names[0])"
    }

    It 'skips folder markers among piped objects, as the -Recurse listing does' {
        & aws --endpoint-url $local.EndpointUrl s3api put-object --bucket $bucket --key 'restoretest/' | Out-Null
        & aws --endpoint-url $local.EndpointUrl s3api put-object --bucket $bucket --key 'restoretest/a.txt' --body (Join-Path $work 'one.txt') | Out-Null
        $listed = (& aws --endpoint-url $local.EndpointUrl s3api list-objects-v2 --bucket $bucket --prefix 'restoretest/' --output json | ConvertFrom-Json).Contents
        $listed.Key | Should -Contain 'restoretest/'
        $restore = Join-Path $work 'restore'
        $results = @($listed | ForEach-Object { [pscustomobject]@{ BucketName = $bucket; Key = $_.Key } } |
                Copy-S3Quiet -Destination "$restore/" -PassThru @local -ErrorAction Stop)
        $results.Count | Should -Be 1
        (Get-ChildItem $restore -Recurse).Name | Should -Be 'a.txt'
        { Copy-S3Quiet -BucketName $bucket -Key 'restoretest/' -Destination "$restore/" @local -ErrorAction Stop } | Should -Throw -ErrorId 'SourceIsPrefix*'
    }

    It 'reports each failed file with the file as target, goes on, and ends with one summary error' {
        $target = Join-Path $work 'blocked'
        $null = New-Item (Join-Path $target 'dir0') -ItemType Directory -Force
        Set-Content (Join-Path $target 'dir0/sub1') 'a file where a folder is needed'
        $errors = @()
        $results = @(Copy-S3Quiet "s3://$bucket/quiet/" $target -Recurse -PassThru @local -ErrorVariable errors -ErrorAction SilentlyContinue)
        $failed = @($errors | Where-Object { $_.FullyQualifiedErrorId -notlike 'CopyFailed*' })
        $failed.Count | Should -Be 5
        $failed.TargetObject | ForEach-Object { $_ | Should -Match "^s3://$bucket/quiet/dir0/sub1/" }
        # A local failure is the disk's: a write error about the local path, never "Could not reach AWS"
        $failed.CategoryInfo.Category | Sort-Object -Unique | Should -Be WriteError
        $failed.Exception.Message | ForEach-Object { $_ | Should -BeLike "Could not write '$(Join-Path $target 'dir0/sub1/')*" }
        $results.Count | Should -Be 55
        $summary = @($errors | Where-Object { $_.FullyQualifiedErrorId -like 'CopyFailed*' })
        $summary.Count | Should -Be 1
        $summary[0].Exception.Message | Should -Match '^5 of 60 files'
    }

    It 'gives one clear error for bad input before any transfer' -ForEach @(
        @{ Case = 'missing source'; Source = { Join-Path $work 'nothing-here' }; Destination = { "s3://$bucket/x/" }; Id = 'SourceNotFound' }
        @{ Case = 'missing bucket'; Source = { $tree.FullName }; Destination = { "s3://no-such-$([guid]::NewGuid().ToString('N').Substring(0, 10))/x/" }; Id = 'NoSuchBucket' }
        @{ Case = 'file for a folder'; Source = { "s3://$bucket/quiet/" }; Destination = { Join-Path $work 'one.txt' }; Id = 'DestinationIsFile' }
        @{ Case = 'no bucket'; Source = { $tree.FullName }; Destination = { 's3:///x/' }; Id = 'NoBucket' }
    ) {
        # A bad source is that input's error; a bad destination spoils every input and ends the command.
        $errors = @(); $output = $null
        try { $output = Copy-S3Quiet (& $Source) (& $Destination) -Recurse @local -ErrorVariable errors -ErrorAction SilentlyContinue } catch { }
        $output | Should -BeNullOrEmpty
        $errors.Count | Should -Be 1
        $record = if ($errors[0] -is [Management.Automation.ErrorRecord]) { $errors[0] } else { $errors[0].ErrorRecord } # terminating: the exception
        $record.FullyQualifiedErrorId | Should -BeLike "$Id*"
    }

    It 'takes an SSE-C key as bytes, base64 or SecureString, refuses a wrong length, and never shows the key' {
        $bytes = [byte[]](1..32)
        $base64 = [Convert]::ToBase64String($bytes)
        $secure = ConvertTo-SecureString $base64 -AsPlainText -Force
        $file = Join-Path $work 'one.txt'
        $text = Get-AllStreams {
            Copy-S3Quiet $file "s3://$bucket/ssec/a.txt" -SseCustomerKey $bytes -PassThru @local -Verbose -Debug
            Copy-S3Quiet "s3://$bucket/ssec/a.txt" (Join-Path $work 'ssec-a.txt') -SseCustomerKey $base64 -PassThru @local -Verbose -Debug
            Copy-S3Quiet "s3://$bucket/ssec/a.txt" (Join-Path $work 'ssec-b.txt') -SseCustomerKey $secure -PassThru @local -Verbose -Debug
        }
        $text | Should -Not -Match ([regex]::Escape($base64))
        Get-Content (Join-Path $work 'ssec-b.txt') -Raw | Should -Be 'hello quiet world'

        { Copy-S3Quiet $file "s3://$bucket/ssec/" -SseCustomerKey ([byte[]](1..16)) @local } |
            Should -Throw -ExpectedMessage '*32 bytes*' -ErrorId 'ParameterArgumentTransformationError*'
        $errors = @()
        { Copy-S3Quiet $file "s3://$bucket/ssec/conflict.txt" -SseCustomerKey $bytes -KmsKeyId alias/exports @local -ErrorVariable errors } |
            Should -Throw -ErrorId 'SseConflict*'
        Get-Listing $bucket 'ssec/conflict' | Should -BeNullOrEmpty
        $remote = @{ EndpointUrl = 'http://s3.example.invalid/'; AccessKey = $TestAccessKey; SecretKey = $TestSecretKey; Region = 'us-east-1' }
        { Copy-S3Quiet $file 's3://b/k' -SseCustomerKey $bytes @remote } | Should -Throw -ErrorId 'SseCustomerKeyOverHttp*'
    }
}
