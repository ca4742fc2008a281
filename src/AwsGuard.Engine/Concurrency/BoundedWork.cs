using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace AwsGuard.Engine.Concurrency;

/// <summary>
/// Runs at most N items at once as they arrive (from the pipeline or a paged listing), so results stream as each
/// item finishes and nothing is collected first. <see cref="StartAsync"/> waits for a free slot, which also
/// slows the producer to the pace of the work.
/// </summary>
public sealed class BoundedWork
{
    private readonly SemaphoreSlim _slots;
    private readonly CancellationToken _cancel;
    private readonly List<Task> _running = new();

    public BoundedWork(int limit, CancellationToken cancel)
    {
        if (limit < 1) throw new ArgumentOutOfRangeException(nameof(limit), "At least one item must be able to run.");
        _slots = new SemaphoreSlim(limit, limit);
        _cancel = cancel;
    }

    /// <summary>Starts <paramref name="item"/> once a slot is free; returns when it has started, not when it ends.</summary>
    public async Task StartAsync(Func<Task> item)
    {
        await _slots.WaitAsync(_cancel).ConfigureAwait(false);
        var task = Task.Run(async () =>
        {
            try { await item().ConfigureAwait(false); }
            finally { _slots.Release(); }
        });
        lock (_running)
        {
            _running.RemoveAll(t => t.IsCompleted && !t.IsFaulted);
            _running.Add(task);
        }
    }

    /// <summary>Waits for every started item; an item's unexpected failure surfaces here.</summary>
    public Task WhenAllAsync()
    {
        lock (_running) return Task.WhenAll(_running.ToArray());
    }
}
