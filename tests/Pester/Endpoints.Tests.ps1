# Every cmdlet, with no -EndpointUrl and only AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_STORAGE_GATEWAY for the gateway
# cmdlets, AWS_ENDPOINT_URL_EC2 for the VM import ones) set, sends every call it logs to a recording proxy in front of the local AWS: nothing goes half local.
BeforeDiscovery {
    $cmdlets = (Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../AwsGuard.psd1')).CmdletsToExport
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $local = Get-LocalAwsParameters
    $env:AWS_ACCESS_KEY_ID = $TestAccessKey; $env:AWS_SECRET_ACCESS_KEY = $TestSecretKey; $env:AWS_DEFAULT_REGION = 'us-east-1'

    function Start-RecordingProxy([string] $Upstream) {
        $start = [Diagnostics.ProcessStartInfo]::new('python3')
        $start.ArgumentList.Add((Join-Path $PSScriptRoot 'RecordingProxy.py')); $start.ArgumentList.Add($Upstream)
        $start.RedirectStandardOutput = $true
        $process = [Diagnostics.Process]::Start($start)
        [pscustomobject]@{ Process = $process; Url = $process.StandardOutput.ReadLine() } # the first line comes once it listens
    }
    function Get-RecordCount($Proxy) { (Invoke-RestMethod "$($Proxy.Url)_recording").Count } # one array, not enumerated

    $awsProxy = Start-RecordingProxy $local.EndpointUrl
    $sgwProxy = Start-RecordingProxy (Get-StorageGatewayDoubleUrl)
    $ec2Proxy = Start-RecordingProxy (Get-Ec2ImportDoubleUrl)

    $bucket = New-UniqueName 'endpoints-'
    $null = & aws --endpoint-url $local.EndpointUrl s3api create-bucket --bucket $bucket 2>&1
    $role = New-UniqueName 'endpoints-role-'
    $null = & aws --endpoint-url $local.EndpointUrl iam create-role --role-name $role --assume-role-policy-document '{"Version":"2012-10-17","Statement":[]}' 2>&1
    $group = "/endpoints/$(New-UniqueName 'g')"
    $null = & aws --endpoint-url $local.EndpointUrl logs create-log-group --log-group-name $group 2>&1
    $target = (New-TestGateway -Region 'us-east-1' -Volume @{ target = (New-UniqueName 'endpoints') }).Volumes[0].TargetARN
    $file = New-TemporaryFile
    Set-Content $file 'endpoints'
    $public = New-UniqueName 'endpoints-public-'
    $null = & aws --endpoint-url $local.EndpointUrl s3api create-bucket --bucket $public 2>&1
    $null = & aws --endpoint-url $local.EndpointUrl s3api put-bucket-acl --bucket $public --grant-read 'uri=http://acs.amazonaws.com/groups/global/AllUsers' 2>&1
    $fileSystem = & aws --endpoint-url $local.EndpointUrl efs create-file-system --creation-token (New-UniqueName 'endpoints-') --query FileSystemId --output text 2>&1
    # A raw disk (an MBR's boot signature) and a VM Import role for it, made directly at the local AWS.
    $disk = Join-Path ([IO.Path]::GetTempPath()) (New-UniqueName 'endpoints-disk-')
    $diskBytes = [byte[]]::new(1024); $diskBytes[510] = 0x55; $diskBytes[511] = 0xAA
    [IO.File]::WriteAllBytes($disk, $diskBytes)
    $vmRole = New-UniqueName 'endpoints-vm-'
    $null = Test-VmImport -Path $disk -Bucket $bucket -RoleName $vmRole -CreateRole -Confirm:$false @local
    $records = (New-Item (Join-Path ([IO.Path]::GetTempPath()) (New-UniqueName 'endpoints-records-')) -ItemType Directory).FullName

    # One ordinary use of each cmdlet; a cmdlet added to the module needs its line here (the first test says so).
    $uses = @{
        'Get-AwsGuardIdentity' = { Get-AwsGuardIdentity }
        # moto's default account is in no organization: ListAccounts answers an empty page there, after GetCallerIdentity.
        'Get-AwsGuardAccount'  = { Get-AwsGuardAccount -RoleName Audit -TargetRegion us-east-1 }
        'Get-PublicBucket'     = { Get-PublicBucket $bucket }
        'Get-CwLogEvent'       = { Get-CwLogEvent $group -StartTime 1h }
        'Copy-S3Quiet'         = { Copy-S3Quiet $file.FullName "s3://$bucket/endpoints.txt" }
        'Revoke-RoleSession'   = { Revoke-RoleSession $role -Force }
        'Set-GatewayChap'      = { Set-GatewayChap -TargetArn $target -InitiatorName 'iqn.1991-05.com.microsoft:e' -InitiatorSecret (ConvertTo-SecureString 'endpoints-123' -AsPlainText -Force) -Force }
        'Get-GatewayChap'      = { Get-GatewayChap -TargetArn $target }
        'Get-EfsPerformance'   = { Get-EfsPerformance $fileSystem }
        'Get-DdosReadiness'    = { Get-DdosReadiness }
        'Block-PublicBucket'   = { Block-PublicBucket $bucket -Force -BackupPath $records }
        # A record to undo needs a block first: both go through the endpoints of the environment.
        'Unblock-PublicBucket' = { Block-PublicBucket $public -Force -PassThru -BackupPath $records | Unblock-PublicBucket -Force }
        'Get-RoleTrust'        = { Get-RoleTrust $role }
        'New-ThirdPartyRole'   = { New-ThirdPartyRole (New-UniqueName 'endpoints-vendor-') -ThirdPartyAccountId 999988887777 -ThirdPartyExternalId 'endpoints-1' -Action ec2:DescribeInstances -Confirm:$false }
        'Install-PublicBucketGuard'   = { Install-PublicBucketGuard -TargetRegion us-west-1 -WarningAction SilentlyContinue }
        'Get-PublicBucketGuard'       = { Get-PublicBucketGuard -TargetRegion us-west-1 }
        'Uninstall-PublicBucketGuard' = { Uninstall-PublicBucketGuard -TargetRegion us-west-1 -Force }
        'Test-VmImport'        = { Test-VmImport -Path $disk -Bucket $bucket -RoleName $vmRole }
        'Import-VmImage'       = { Import-VmImage -Path $disk -Bucket $bucket -RoleName $vmRole }
        'Get-VmImportTask'     = { Get-VmImportTask }
        'Stop-VmImportTask'    = { Import-VmImage -Path $disk -Bucket $bucket -RoleName $vmRole | Stop-VmImportTask -Force }
    }
}

AfterAll {
    foreach ($proxy in $awsProxy, $sgwProxy, $ec2Proxy) { if ($proxy) { $proxy.Process.Kill(); $proxy.Process.Dispose() } }
    if ($file) { Remove-Item $file }
    if ($disk) { Remove-Item $disk }
    if ($records) { Remove-Item $records -Recurse -Force }
}

Describe 'AWS_ENDPOINT_URL reaches every client' {
    BeforeEach {
        $sandbox = Enter-AwsSandbox
        $env:AWS_ACCESS_KEY_ID = $TestAccessKey; $env:AWS_SECRET_ACCESS_KEY = $TestSecretKey; $env:AWS_REGION = 'us-east-1'
        $env:AWS_ENDPOINT_URL = $awsProxy.Url
        $env:AWS_ENDPOINT_URL_STORAGE_GATEWAY = $sgwProxy.Url
        $env:AWS_ENDPOINT_URL_EC2 = $ec2Proxy.Url
    }
    AfterEach {
        Remove-Item Env:AWS_ENDPOINT_URL, Env:AWS_ENDPOINT_URL_STORAGE_GATEWAY, Env:AWS_ENDPOINT_URL_EC2
        Exit-AwsSandbox $sandbox
    }

    It 'has a use for every exported cmdlet' {
        (Get-Command -Module AwsGuard -CommandType Cmdlet).Name | Sort-Object | Should -Be ($uses.Keys | Sort-Object)
    }

    It '<_> sends every call it logs to the endpoints of the environment' -ForEach $cmdlets {
        $before = (Get-RecordCount $awsProxy) + (Get-RecordCount $sgwProxy) + (Get-RecordCount $ec2Proxy)
        $VerbosePreference = 'Continue'; $ErrorActionPreference = 'Stop'
        $calls = & $uses[$_] 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -match '^AWS \S+ \S+ ' }
        $after = (Get-RecordCount $awsProxy) + (Get-RecordCount $sgwProxy) + (Get-RecordCount $ec2Proxy)
        @($calls).Count | Should -BeGreaterThan 0
        $after - $before | Should -Be @($calls).Count -Because ($calls.Message -join "`n")
    }

    It 'Get-AwsGuardIdentity shows each endpoint and its source' {
        $endpoints = (Get-AwsGuardIdentity).Endpoints
        ($endpoints | Where-Object Service -EQ 'CloudWatch Logs').Source | Should -Be 'AWS_ENDPOINT_URL'
        ($endpoints | Where-Object Service -EQ 'Storage Gateway').Source | Should -Be 'AWS_ENDPOINT_URL_STORAGE_GATEWAY'
        ($endpoints | Where-Object Service -EQ 'Storage Gateway').Url | Should -Be $sgwProxy.Url
        (Get-AwsGuardIdentity -EndpointUrl $local.EndpointUrl).Endpoints.Source | Select-Object -Unique | Should -Be '-EndpointUrl'
    }

    It 'Endpoints fit 80 columns as a table' {
        $lines = (Get-AwsGuardIdentity).Endpoints | Format-Table | Out-String -Width 80 -Stream
        $lines | Where-Object { $_.Length -gt 80 } | Should -BeNullOrEmpty
        $lines -join "`n" | Should -Match 'CloudWatch Logs\s+http://127\.0\.0\.1:\d+/\s+AWS_ENDPOINT_URL'
    }
}
