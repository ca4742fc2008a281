using System;
using System.Collections.Generic;
using System.Text;
using AwsGuard.Engine.Wire;
using Xunit;

namespace AwsGuard.Engine.Tests.Wire;

/// <summary>REST-JSON error answers in the shapes AWS services send them (botocore's RestJSONParser reads the same places).</summary>
public sealed class RestJsonErrorTests
{
    [Theory]
    [InlineData("FileSystemNotFound:http://internal.amazon.com/coral/com.amazon.efs/", "{\"ErrorCode\":\"Other\",\"Message\":\"gone\"}", "FileSystemNotFound", "gone")]
    [InlineData(null, "{\"__type\":\"com.amazon.efs#BadRequest\",\"message\":\"bad\"}", "BadRequest", "bad")]
    [InlineData(null, "{\"code\":\"ThrottlingException\",\"Message\":\"slow down\"}", "ThrottlingException", "slow down")]
    [InlineData(null, "{\"ErrorCode\":\"TooManyRequests\",\"Message\":\"wait 24 hours\"}", "TooManyRequests", "wait 24 hours")]
    [InlineData(null, "<html>Bad Gateway</html>", "502", "EFS DescribeFileSystems answered 502 502.")]
    [InlineData(null, "", "502", "EFS DescribeFileSystems answered 502 502.")]
    public void Error_code_and_message_come_from_header_or_body(string? header, string body, string code, string message)
    {
        var request = RestJsonProtocol.CreateRequest("EFS", "elasticfilesystem", WireEndpoints.Efs("us-east-1", null), "DescribeFileSystems", "GET", "/2015-02-01/file-systems");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["x-amzn-RequestId"] = "req-1" };
        if (header is not null) headers["X-Amzn-ErrorType"] = header;
        var error = RestJsonProtocol.ParseError(request, new WireResponse(502, headers, Encoding.UTF8.GetBytes(body)));
        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(message, error.Message);
        Assert.Equal("req-1", error.RequestId);
    }

    [Fact]
    public void Path_labels_are_percent_encoded_and_a_missing_label_is_refused_before_any_call()
    {
        var endpoint = WireEndpoints.Efs("eu-west-1", null);
        Assert.Equal("https://elasticfilesystem.eu-west-1.amazonaws.com/", endpoint.Url.AbsoluteUri);
        var request = RestJsonProtocol.CreateRequest("EFS", "elasticfilesystem", endpoint, "DescribeTags", "GET", "/2015-02-01/tags/{FileSystemId}/",
            new Dictionary<string, string> { ["FileSystemId"] = "fs-1 2/3" });
        Assert.Equal("/2015-02-01/tags/fs-1%202%2F3/", request.Path);
        var missing = Assert.Throws<AwsGuardException>(() => RestJsonProtocol.CreateRequest("EFS", "elasticfilesystem", endpoint, "DescribeTags", "GET",
            "/2015-02-01/tags/{FileSystemId}/"));
        Assert.Equal("MissingParameter", missing.ErrorId);
    }
}
