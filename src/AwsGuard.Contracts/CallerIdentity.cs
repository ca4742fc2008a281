namespace AwsGuard;

/// <summary>Who AwsGuard acts as: the STS caller identity with where its credentials and region came from.</summary>
public sealed class CallerIdentity
{
    public string Account { get; set; } = "";
    /// <summary>The same as Account, under the name every AwsGuard result uses.</summary>
    public string AccountId { get; set; } = "";
    public string Arn { get; set; } = "";
    public string UserId { get; set; } = "";
    public string? Region { get; set; }
    public string? RegionSource { get; set; }
    public string CredentialSource { get; set; } = "";
    /// <summary>Each service's endpoint and why it was chosen.</summary>
    public JoinedList<ServiceEndpoint> Endpoints { get; set; } = new ServiceEndpoint[0];
}
