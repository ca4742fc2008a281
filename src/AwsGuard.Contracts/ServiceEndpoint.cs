namespace AwsGuard;

/// <summary>Where one service's calls go, and which setting decided it (-EndpointUrl, AWS_ENDPOINT_URL_S3, a profile...).</summary>
public sealed class ServiceEndpoint
{
    /// <summary>The SDKs' service id: S3, STS, IAM, CloudWatch Logs...</summary>
    public string Service { get; set; } = "";

    /// <summary>The configured endpoint; null when the calls go to AWS's own endpoint for the region.</summary>
    public string? Url { get; set; }

    public string Source { get; set; } = "";

    /// <summary>"S3 http://127.0.0.1:5000/ (AWS_ENDPOINT_URL)": one line in Format-List and Export-Csv.</summary>
    public override string ToString() => $"{Service} {Url ?? "AWS's endpoint"} ({Source})";
}
