namespace AwsGuard.Engine.Sessions;

/// <summary>
/// What a caller said about credentials, region and endpoint: the common parameters of every
/// cmdlet (named as in AWS Tools for PowerShell) plus the session variables AWS.Tools leaves.
/// Plain data, so the engine needs nothing from PowerShell.
/// </summary>
public sealed class SessionParameters
{
    public string? ProfileName { get; set; }
    public string? ProfileLocation { get; set; }
    public string? Region { get; set; }
    public string? AccessKey { get; set; }
    public string? SecretKey { get; set; }
    public string? SessionToken { get; set; }

    /// <summary>An AWSCredentials object from any copy of AWSSDK.Core (read by shape, not by type).</summary>
    public object? Credential { get; set; }

    public string? EndpointUrl { get; set; }
    public string? AssumeRoleArn { get; set; }
    public string? ExternalId { get; set; }

    /// <summary>$StoredAWSCredentials as Set-AWSCredential leaves it: a profile name or a credentials holder.</summary>
    public object? StoredCredentials { get; set; }

    /// <summary>$StoredAWSRegion as Set-DefaultAWSRegion leaves it.</summary>
    public string? StoredRegion { get; set; }
}
