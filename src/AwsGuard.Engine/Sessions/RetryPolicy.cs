using Amazon.Runtime;

namespace AwsGuard.Engine.Sessions;

/// <summary>The one retry policy for every AWS call: the SDK's standard mode (capped exponential backoff with jitter).</summary>
public static class RetryPolicy
{
    public const int MaxAttempts = 5;

    public static void Configure(ClientConfig config)
    {
        config.RetryMode = RequestRetryMode.Standard;
        config.MaxErrorRetry = MaxAttempts - 1;
    }
}
