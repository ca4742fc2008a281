using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using AwsGuard.Engine.Errors;

namespace AwsGuard.Engine.Sessions;

/// <summary>The AWS SDKs' retry modes (AWS_RETRY_MODE, a profile's retry_mode).</summary>
public enum AwsRetryMode
{
    Legacy,
    Standard,
    /// <summary>Standard, plus client-side rate limiting that slows down after throttling, shared by every client of the policy.</summary>
    Adaptive,
}

/// <summary>
/// The one retry policy for every AWS call. The SDK clients get it through <see cref="Configure"/> (the SDK's
/// standard or adaptive mode with the same number of attempts); AwsGuard's wire client runs it itself through
/// <see cref="ExecuteAsync{T}"/>: throttling, HTTP 500/502/503/504, connection resets and timeouts are retried
/// with capped exponential backoff and full jitter, a bounded number of attempts; other 4xx never. The attempts and
/// mode follow the SDKs' settings (<see cref="FromSettings"/>): a session's clients are made with its policy.
/// </summary>
public sealed class AwsRetry(int maxAttempts, TimeSpan baseDelay, TimeSpan maxDelay, AwsRetryMode mode = AwsRetryMode.Standard)
{
    /// <summary>The policy when no setting names one: AwsGuard's 5 attempts in standard mode.</summary>
    public static AwsRetry Default { get; } = new(maxAttempts: 5, baseDelay: TimeSpan.FromMilliseconds(100), maxDelay: TimeSpan.FromSeconds(20));

    private static readonly Random Jitter = new();
    // One policy per setting, so adaptive mode's rate is shared by every client (every account) that uses it.
    private static readonly ConcurrentDictionary<(int, AwsRetryMode), AwsRetry> BySetting = new();
    // The policy of the session whose client is being made (see CreateWith): the client factories keep their signature.
    private static readonly AsyncLocal<AwsRetry?> Creating = new();
    private readonly AdaptiveRate? _rate = mode == AwsRetryMode.Adaptive ? new AdaptiveRate() : null;

    public AwsRetryMode Mode { get; } = mode;

    /// <summary>
    /// The policy the AWS SDKs' settings name: AWS_MAX_ATTEMPTS and AWS_RETRY_MODE over the profile's max_attempts and
    /// retry_mode. A mode without attempts takes the SDKs' default for it (legacy 5, standard and adaptive 3); nothing
    /// set at all is <see cref="Default"/>. A value that is no attempt count or mode is an error naming its source.
    /// </summary>
    public static AwsRetry FromSettings(Func<string, string?> environment, int? profileMaxAttempts, string? profileRetryMode, string profileName)
    {
        var attemptsText = environment("AWS_MAX_ATTEMPTS");
        int? attempts = profileMaxAttempts;
        if (!string.IsNullOrEmpty(attemptsText))
            attempts = int.TryParse(attemptsText!.Trim(), out var parsed) && parsed >= 1 ? parsed
                : throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidRetrySetting",
                    $"AWS_MAX_ATTEMPTS '{attemptsText}' is not a number of attempts (1 or more).", attemptsText);
        else if (attempts is < 1)
            throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidRetrySetting",
                $"The profile '{profileName}' has max_attempts {attempts}; it must be 1 or more.", profileName);

        var (modeText, modeSource) = environment("AWS_RETRY_MODE") is { Length: > 0 } fromEnvironment
            ? (fromEnvironment, "AWS_RETRY_MODE")
            : (profileRetryMode, $"The profile '{profileName}' retry_mode");
        if (string.IsNullOrEmpty(modeText) && attempts is null) return Default;
        AwsRetryMode mode = AwsRetryMode.Standard;
        if (!string.IsNullOrEmpty(modeText) && !Enum.TryParse(modeText!.Trim(), ignoreCase: true, out mode))
            throw new AwsGuardException(ErrorKind.InvalidArgument, "InvalidRetrySetting",
                $"{modeSource} '{modeText}' is not a retry mode: legacy, standard or adaptive.", modeText);
        var count = attempts ?? (string.IsNullOrEmpty(modeText) ? Default.MaxAttempts : mode == AwsRetryMode.Legacy ? 5 : 3);
        return BySetting.GetOrAdd((count, mode), key => new AwsRetry(key.Item1, Default.BaseDelay, Default.MaxDelay, key.Item2));
    }

    /// <summary>Runs a client factory so that the client it makes uses <paramref name="retry"/>.</summary>
    internal static T CreateWith<T>(AwsRetry retry, Func<T> create)
    {
        var saved = Creating.Value;
        Creating.Value = retry;
        try { return create(); }
        finally { Creating.Value = saved; }
    }

    /// <summary>The policy of the client being made: its session's, else <see cref="Default"/>.</summary>
    internal static AwsRetry ForNewClient => Creating.Value ?? Default;

    /// <summary>Attempts in all, the first included.</summary>
    public int MaxAttempts { get; } =
        maxAttempts >= 1 ? maxAttempts : throw new ArgumentOutOfRangeException(nameof(maxAttempts), "At least one attempt.");

    /// <summary>The backoff ceiling before the first retry; it doubles with each retry.</summary>
    public TimeSpan BaseDelay { get; } = baseDelay;

    /// <summary>The cap on any one backoff; neither delay may be negative.</summary>
    public TimeSpan MaxDelay { get; } =
        baseDelay >= TimeSpan.Zero && maxDelay >= baseDelay ? maxDelay : throw new ArgumentOutOfRangeException(nameof(maxDelay));

    /// <summary>
    /// Configures an SDK client with the policy of the client being made: its attempts, and the SDK's adaptive mode for
    /// adaptive (the SDK has no legacy mode: legacy is standard with legacy's attempts).
    /// </summary>
    public static void Configure(ClientConfig config)
    {
        var policy = ForNewClient;
        config.RetryMode = policy.Mode == AwsRetryMode.Adaptive ? RequestRetryMode.Adaptive : RequestRetryMode.Standard;
        config.MaxErrorRetry = policy.MaxAttempts - 1;
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
            if (_rate is not null) await _rate.AcquireAsync(cancel).ConfigureAwait(false);
            try
            {
                var answer = await attempt(number, cancel).ConfigureAwait(false);
                _rate?.Succeeded();
                return answer;
            }
            catch (Exception error) when (Throttled(error) && number < MaxAttempts && !cancel.IsCancellationRequested && shouldRetry(error))
            {
                // fall through to the backoff
            }
            await Task.Delay(Backoff(number), cancel).ConfigureAwait(false);
        }
    }

    /// <summary>Tells adaptive mode's rate about a throttling answer; always true, so it can sit in an exception filter.</summary>
    private bool Throttled(Exception error)
    {
        if (_rate is not null && error is Amazon.Runtime.AmazonServiceException service && AwsErrors.IsThrottling(service.ErrorCode, (int)service.StatusCode))
            _rate.Throttled();
        return true;
    }

    /// <summary>Adaptive mode's current send rate in attempts per second; null while unlimited (no throttling seen), or in other modes.</summary>
    internal double? CurrentRate => _rate?.Rate;

    /// <summary>
    /// Adaptive mode's client-side rate limit, after the SDKs' (a token bucket whose rate drops to 70% of the measured send
    /// rate at each throttling answer and climbs back with each success): unlimited until AWS first throttles, so a scan of
    /// many accounts slows itself down instead of spending its attempts on throttling.
    /// </summary>
    private sealed class AdaptiveRate
    {
        private const double MinRate = 0.5, Beta = 0.7, Growth = 1.1;
        private readonly object _lock = new();
        private readonly Queue<DateTime> _sent = new(); // attempts of the last second: the measured rate
        private double? _rate;
        private double _tokens;
        private DateTime _refilled = DateTime.UtcNow;

        public double? Rate { get { lock (_lock) return _rate; } }

        public async Task AcquireAsync(CancellationToken cancel)
        {
            while (true)
            {
                TimeSpan wait;
                lock (_lock)
                {
                    var now = DateTime.UtcNow;
                    if (_rate is not { } rate) { Sent(now); return; }
                    _tokens = Math.Min(Math.Max(1, rate), _tokens + (now - _refilled).TotalSeconds * rate);
                    _refilled = now;
                    if (_tokens >= 1) { _tokens -= 1; Sent(now); return; }
                    wait = TimeSpan.FromSeconds((1 - _tokens) / rate);
                }
                await Task.Delay(wait, cancel).ConfigureAwait(false);
            }
        }

        public void Throttled()
        {
            lock (_lock)
            {
                var measured = Measured(DateTime.UtcNow);
                _rate = Math.Max(MinRate, Beta * (_rate is { } rate ? Math.Min(rate, Math.Max(measured, MinRate)) : Math.Max(measured, MinRate)));
                _tokens = Math.Min(_tokens, 1);
            }
        }

        public void Succeeded()
        {
            lock (_lock)
                if (_rate is { } rate) _rate = Math.Min(rate * Growth, Math.Max(2 * Measured(DateTime.UtcNow), MinRate * 2));
        }

        private void Sent(DateTime now)
        {
            _sent.Enqueue(now);
            Measured(now);
        }

        private double Measured(DateTime now)
        {
            while (_sent.Count > 0 && now - _sent.Peek() > TimeSpan.FromSeconds(1)) _sent.Dequeue();
            return _sent.Count;
        }
    }
}
