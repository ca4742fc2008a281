<#
.SYNOPSIS
Finds the public S3 buckets of the account and tells, from CloudTrail in CloudWatch Logs, who last changed each one's
access: a CSV report to schedule daily.

.EXAMPLE
./Export-PublicBucketReport.ps1 -ReportPath ./public-buckets.csv -TrailLogGroup aws-cloudtrail-logs -Since 7d
#>
[CmdletBinding()]
param(
    # Where the CSV report is written (replaced if it exists).
    [Parameter(Mandatory)] [string] $ReportPath,
    # The CloudWatch Logs group CloudTrail delivers to.
    [string] $TrailLogGroup = 'aws-cloudtrail-logs',
    # How far back to look for the change, as Get-CwLogEvent -StartTime takes it (7d, 24h, a date).
    [string] $Since = '7d'
)
$ErrorActionPreference = 'Stop'
$accessChanges = 'CreateBucket', 'PutBucketAcl', 'PutBucketPolicy', 'DeleteBucketPublicAccessBlock', 'DeletePublicAccessBlock'

[AwsGuard.BucketExposure[]] $public = @(Get-PublicBucket | Where-Object Status -EQ 'Public')
[AwsGuard.CloudTrailEvent[]] $changes = @()
if ($public) {
    # A filter pattern would do this on the server for a large trail; filtering here keeps the runbook simple.
    $changes = @(Get-CwLogEvent -LogGroupName $TrailLogGroup -StartTime $Since |
        Where-Object { $_ -is [AwsGuard.CloudTrailEvent] -and $_.EventName -in $accessChanges -and $_.BucketName })
}

$rows = foreach ($bucket in $public) {
    $last = $changes | Where-Object BucketName -EQ $bucket.BucketName | Sort-Object EventTime | Select-Object -Last 1
    [pscustomobject]@{
        BucketName  = $bucket.BucketName
        Region      = $bucket.Region
        PublicRead  = $bucket.PublicRead
        PublicWrite = $bucket.PublicWrite
        Reason      = $bucket.Reason
        ChangedBy   = $last.UserArn
        ChangedWith = $last.EventName
        ChangedAt   = $last.EventTime
    }
}
# The report is written whole or not at all: to a temporary file first, then moved over the old one.
$temporary = "$ReportPath.partial"
if ($rows) { $rows | Export-Csv -Path $temporary -NoTypeInformation } else { $null = New-Item $temporary -ItemType File -Force }
Move-Item $temporary $ReportPath -Force
$rows
