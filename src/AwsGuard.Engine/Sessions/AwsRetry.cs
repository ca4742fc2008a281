using System;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using AwsGuard.Engine.Errors;

namespace AwsGuard.Engine.Sessions;

/// <summary>
/// The one retry policy for every AWS call. The SDK clients get it through <see cref="Configure"/> (the SDK's
/// standard mode with the same number of attempts); AwsGuard's wire client runs it itself through
/// <see cref="ExecuteAsync{T}"/>: throttling, HTTP 500/502/503/504, connection resets and timeouts are retried
/// with capped exponential backoff and full jitter, a bounded number of attempts; other 4xx never.
/// </summary>
public sealed class AwsRetry(int maxAttempts, TimeSpan baseDelay, TimeSpan maxDelay)
{
    /// <summary>The policy every client uses unless a test hands it another.</summary>
    public static AwsRetry Default { get; } = new(maxAttempts: 5, baseDelay: TimeSpan.FromMilliseconds(100), maxDelay: TimeSpan.FromSeconds(20));

    private static readonly Random Jitter = new();

    /// <summary>Attempts in all, the first included.</summary>
    public int MaxAttempts { get; } =
        maxAttempts >= 1 ? maxAttempts : throw new ArgumentOutOfRangeException(nameof(maxAttempts), "At least one attempt.");

    /// <summary>The backoff ceiling before the first retry; it doubles with each retry.</summary>
    public TimeSpan BaseDelay { get; } = baseDelay;

    /// <summary>The cap on any one backoff; neither delay may be negative.</summary>
    public TimeSpan MaxDelay { get; } =
        baseDelay >= TimeSpan.Zero && maxDelay >= baseDelay ? maxDelay : throw new ArgumentOutOfRangeException(nameof(maxDelay));

    /// <summary>Configures an SDK client with the default policy's numbers (standard mode: capped exponential backoff with jitter).</summary>
    public static void Configure(ClientConfig config)
    {
        config.RetryMode = RequestRetryMode.Standard;
        config.MaxErrorRetry = Default.MaxAttempts - 1;
    }

    /// <summary>Whether an answer from AWS is worth another attempt: throttling, or 500/502/503/504.</summary>
    public static bool IsRetryable(int status, string? errorCode) =>
        AwsErrors.IsThrottling(errorCode, status) || status is 500 or 502 or 503 or 504;

    /// <summary>Whether a failure to get an answer is worth another attempt: connection resets, truncated bodies, timeouts.</summary>
    public static bool IsTransient(Exception error, CancellationToken cancel)
    {
        if (cancel.IsCancellationRequested) return false;
        if (error is OperationCanceledException) return true; // not ours: the per-attempt timeout
        return AwsErrors.IsConnectionFailure(error);
    }

    /// <summary>Full jitter: uniformly random in [0, min(MaxDelay, BaseDelay * 2^(retry-1))].</summary>
    public TimeSpan Backoff(int retry)
    {
        var ceiling = BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(Math.Max(retry - 1, 0), 30));
        ceiling = Math.Min(ceiling, MaxDelay.TotalMilliseconds);
        double draw;
        lock (Jitter) draw = Jitter.NextDouble();
        return TimeSpan.FromMilliseconds(draw * ceiling);
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> (given its 1-based number) until it succeeds, fails for good, or attempts run out.
    /// <paramref name="shouldRetry"/> says which failures are transient; cancellation stops the waits and the attempts.
    /// </summary>
    public async Task<T> ExecuteAsync<T>(Func<int, CancellationToken, Task<T>> attempt, Func<Exception, bool> shouldRetry, CancellationToken cancel)
    {
        for (var number = 1; ; number++)
        {
            cancel.ThrowIfCancellationRequested();
            try
            {
                return await attempt(number, cancel).ConfigureAwait(false);
            }
            catch (Exception error) when (number < MaxAttempts && !cancel.IsCancellationRequested && shouldRetry(error))
            {
                // fall through to the backoff
            }
            await Task.Delay(Backoff(number), cancel).ConfigureAwait(false);
        }
    }
}
