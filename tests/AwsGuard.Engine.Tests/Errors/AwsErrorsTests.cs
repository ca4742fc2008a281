using System;
using System.Net;
using System.Net.Http;
using Amazon.Runtime;
using Xunit;
using AwsGuard.Engine.Errors;

namespace AwsGuard.Engine.Tests.Errors;

public sealed class AwsErrorsTests
{
    [Theory]
    [InlineData("AccessDenied", 403, ErrorKind.PermissionDenied)]
    [InlineData("AccessDeniedException", 400, ErrorKind.PermissionDenied)]
    [InlineData("NoSuchBucket", 404, ErrorKind.ObjectNotFound)]
    [InlineData("NoSuchEntity", 404, ErrorKind.ObjectNotFound)]
    [InlineData("ResourceNotFoundException", 400, ErrorKind.ObjectNotFound)]
    [InlineData("ThrottlingException", 400, ErrorKind.LimitsExceeded)]
    [InlineData("Throttling", 400, ErrorKind.LimitsExceeded)]
    [InlineData("SlowDown", 503, ErrorKind.LimitsExceeded)]
    [InlineData("", 429, ErrorKind.LimitsExceeded)]
    [InlineData("ValidationException", 400, ErrorKind.InvalidArgument)]
    [InlineData("InvalidBucketName", 400, ErrorKind.InvalidArgument)]
    [InlineData("MalformedPolicyDocument", 400, ErrorKind.InvalidArgument)]
    [InlineData("InvalidClientTokenId", 403, ErrorKind.AuthenticationError)]
    [InlineData("SignatureDoesNotMatch", 403, ErrorKind.AuthenticationError)]
    [InlineData("InternalError", 500, ErrorKind.NotSpecified)]
    public void AwsErrorCodesMapToKinds(string code, int status, ErrorKind expected) =>
        Assert.Equal(expected, AwsErrors.KindOf(code, status));

    [Fact]
    public void AServiceErrorKeepsItsCodeAndTargetButNotTheSdkException()
    {
        var sdk = new AmazonServiceException("Access Denied") { ErrorCode = "AccessDenied", StatusCode = HttpStatusCode.Forbidden };

        var explained = AwsErrors.Explain(sdk, "my-bucket");

        Assert.Equal("AccessDenied", explained.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, explained.Kind);
        Assert.Equal("my-bucket", explained.Target);
        Assert.Null(explained.InnerException);
    }

    [Fact]
    public void ConnectionFailuresAndCancellationHaveTheirOwnKinds()
    {
        Assert.Equal(ErrorKind.ConnectionError, AwsErrors.Explain(new HttpRequestException("refused")).Kind);
        Assert.Equal(ErrorKind.OperationStopped, AwsErrors.Explain(new OperationCanceledException()).Kind);
    }

    [Fact]
    public void ADenialRecommendsThePermissionItNames()
    {
        var denied = new AmazonServiceException("User: arn:aws:iam::111122223333:user/audit is not authorized to perform: iam:PutRolePolicy on resource: role ci")
        { ErrorCode = "AccessDenied", StatusCode = HttpStatusCode.Forbidden };

        Assert.StartsWith("Allow iam:PutRolePolicy to the identity AwsGuard acts as", AwsErrors.Explain(denied, "ci").RecommendedAction);
        var unnamed = new AmazonServiceException("Access Denied") { ErrorCode = "AccessDenied", StatusCode = HttpStatusCode.Forbidden };
        Assert.StartsWith("Allow the denied action to the identity AwsGuard acts as", AwsErrors.Explain(unnamed).RecommendedAction);
    }

    [Fact]
    public void AwsGuardsOwnErrorsRecommendTheParameterToAddAndKeepTheirOwnRecommendation()
    {
        var folder = new AwsGuardException(ErrorKind.InvalidArgument, "SourceIsFolder", "The source './logs' is a folder.");
        Assert.Equal("Add -Recurse.", AwsErrors.Explain(folder, "./logs").RecommendedAction);
        var own = new AwsGuardException(ErrorKind.InvalidArgument, "SourceIsFolder", "x", "./logs", "Pick a file.");
        Assert.Equal("Pick a file.", AwsErrors.Explain(own).RecommendedAction);
        Assert.Null(AwsErrors.Explain(new AwsGuardException(ErrorKind.ObjectNotFound, "NoSuchBucket", "No such bucket.")).RecommendedAction);
    }
}
