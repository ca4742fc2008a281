using System;
using System.Collections.Generic;
using AwsGuard.Engine.Logs;
using Xunit;

namespace AwsGuard.Engine.Tests.Logs;

/// <summary>Messages into LogEvent and CloudTrailEvent, with realistic CloudTrail records.</summary>
public sealed class LogEventParserTests
{
    internal const string PutObject = """
        {"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/deploy","accountId":"111122223333","accessKeyId":"AKIAEXAMPLE","userName":"deploy"},"eventTime":"2024-05-01T08:15:30Z","eventSource":"s3.amazonaws.com","eventName":"PutObject","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.10","userAgent":"[aws-cli/2.15.0]","requestParameters":{"bucketName":"website-assets","Host":"website-assets.s3.us-east-1.amazonaws.com","key":"reports/q3.csv","x-amz-acl":"public-read"},"responseElements":null,"additionalEventData":{"bytesTransferredIn":1024,"x-amz-id-2":"abc"},"requestID":"8E3F2C1D","eventID":"3c1d5e2a-1111-2222-3333-444455556666","readOnly":false,"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::website-assets/reports/q3.csv"},{"accountId":"111122223333","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::website-assets"}],"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111122223333","eventCategory":"Data"}
        """;

    internal const string PutBucketAcl = """
        {"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:alice","arn":"arn:aws:sts::111122223333:assumed-role/Admin/alice","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::111122223333:role/Admin","accountId":"111122223333","userName":"Admin"},"attributes":{"creationDate":"2024-05-01T07:00:00Z","mfaAuthenticated":"false"}}},"eventTime":"2024-05-01T08:20:00Z","eventSource":"s3.amazonaws.com","eventName":"PutBucketAcl","awsRegion":"eu-west-1","sourceIPAddress":"198.51.100.7","userAgent":"[aws-sdk-go]","requestParameters":{"bucketName":"shared-drop","Host":"shared-drop.s3.eu-west-1.amazonaws.com","acl":[""],"AccessControlPolicy":{"AccessControlList":{"Grant":{"Grantee":{"xsi:type":"Group","URI":"http://acs.amazonaws.com/groups/global/AllUsers"},"Permission":"READ"}}}},"responseElements":null,"requestID":"9A8B7C6D","eventID":"4d2e6f3b-aaaa-bbbb-cccc-ddddeeeeffff","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}
        """;

    internal const string AssumeRole = """
        {"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE2","arn":"arn:aws:iam::111122223333:user/bob","accountId":"111122223333","accessKeyId":"AKIAEXAMPLE2","userName":"bob"},"eventTime":"2024-05-01T09:00:00Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.44","userAgent":"aws-cli/2.15.0","requestParameters":{"roleArn":"arn:aws:iam::210987654321:role/SecurityAudit","roleSessionName":"bob-audit","externalId":"a1b2c3d4","durationSeconds":3600},"responseElements":{"credentials":{"accessKeyId":"ASIAEXAMPLE3","sessionToken":"redacted","expiration":"May 1, 2024, 10:00:00 AM"},"assumedRoleUser":{"assumedRoleId":"AROAEXAMPLE3:bob-audit","arn":"arn:aws:sts::210987654321:assumed-role/SecurityAudit/bob-audit"}},"requestID":"1F2E3D4C","eventID":"5e3f7a4c-1234-5678-9abc-def012345678","readOnly":true,"resources":[{"accountId":"210987654321","type":"AWS::IAM::Role","ARN":"arn:aws:iam::210987654321:role/SecurityAudit"}],"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3"}}
        """;

    [Fact]
    public void PutObject_record_names_bucket_key_acl_and_user()
    {
        var e = Assert.IsType<CloudTrailEvent>(Create(PutObject));
        Assert.Equal(("PutObject", "s3.amazonaws.com", "us-east-1", "203.0.113.10"), (e.EventName, e.EventSource, e.AwsRegion, e.SourceIpAddress));
        Assert.Equal(("website-assets", "reports/q3.csv", "public-read"), (e.BucketName, e.ObjectKey, e.AclHeader));
        Assert.Equal("arn:aws:iam::111122223333:user/deploy", e.UserArn);
        Assert.Null(e.RoleArn);
        Assert.Equal(new DateTime(2024, 5, 1, 8, 15, 30, DateTimeKind.Utc), e.EventTime);
        Assert.Equal(DateTimeKind.Utc, e.EventTime!.Value.Kind);
        Assert.Equal(1024L, ((IDictionary<string, object?>)e.Record["additionalEventData"]!)["bytesTransferredIn"]);
        Assert.Equal(2, ((object?[])e.Record["resources"]!).Length);
        Assert.Null(e.Data);
    }

    [Fact]
    public void PutBucketAcl_by_an_assumed_role_names_the_role_its_session_came_from()
    {
        var e = Assert.IsType<CloudTrailEvent>(Create(PutBucketAcl));
        Assert.Equal("shared-drop", e.BucketName);
        Assert.Null(e.ObjectKey);
        Assert.Equal("arn:aws:iam::111122223333:role/Admin", e.RoleArn);
        Assert.Equal("arn:aws:sts::111122223333:assumed-role/Admin/alice", e.UserArn);
        Assert.Equal("eu-west-1", e.AwsRegion);
    }

    [Fact]
    public void AssumeRole_names_the_role_assumed()
    {
        var e = Assert.IsType<CloudTrailEvent>(Create(AssumeRole));
        Assert.Equal("arn:aws:iam::210987654321:role/SecurityAudit", e.RoleArn);
        Assert.Null(e.BucketName);
        // Case-insensitive keys, as PowerShell users expect of $e.Record.RequestParameters.RoleSessionName.
        Assert.Equal("bob-audit", ((IDictionary<string, object?>)e.Record["RequestParameters"]!)["ROLESESSIONNAME"]);
    }

    [Fact]
    public void Times_are_utc_and_the_trailing_newline_goes()
    {
        var e = LogEventParser.Create("g", "s", 1628662114657, 1628662110415, "COPY FROM S3.\r\n", "id-1", parseJson: false);
        Assert.IsType<LogEvent>(e);
        Assert.Equal("COPY FROM S3.", e.Message);
        Assert.Equal(new DateTime(2021, 8, 11, 6, 8, 34, 657, DateTimeKind.Utc), e.Timestamp);
        Assert.Equal(DateTimeKind.Utc, e.Timestamp.Kind);
        Assert.Equal(DateTimeKind.Utc, e.IngestionTime.Kind);
        Assert.Equal(("g", "s", "id-1"), (e.LogGroupName, e.LogStreamName, e.EventId));
    }

    [Fact]
    public void Other_json_is_parsed_only_when_asked_and_text_stays_text()
    {
        const string json = """{"level":"error","status":503,"tags":["a","b"]}""";
        Assert.Null(Create(json).Data);
        var parsed = Create(json, parseJson: true);
        Assert.IsType<LogEvent>(parsed);
        var data = Assert.IsAssignableFrom<IDictionary<string, object?>>(parsed.Data);
        Assert.Equal(503L, data["status"]);
        Assert.Equal(new object?[] { "a", "b" }, data["tags"]);
        Assert.Null(Create("{not json", parseJson: true).Data);
        Assert.Null(Create("plain text", parseJson: true).Data);
        // JSON with only some of the CloudTrail fields is not a CloudTrail record.
        Assert.IsType<LogEvent>(Create("""{"eventVersion":"1.0","eventName":"x"}"""));
        var withData = Assert.IsType<CloudTrailEvent>(Create(PutObject, parseJson: true));
        Assert.Same(withData.Record, withData.Data);
    }

    private static LogEvent Create(string message, bool parseJson = false) =>
        LogEventParser.Create("trail", "111122223333_CloudTrail_us-east-1", 1714551330000, 1714551331000, message.Trim() + "\n", "1", parseJson);
}
