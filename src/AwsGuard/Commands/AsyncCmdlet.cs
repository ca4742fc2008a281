using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.Diagnostics;

namespace AwsGuard.Commands;

/// <summary>
/// Runs a cmdlet's work as async code on the thread pool and marshals every Write*, ShouldProcess and
/// terminating error back to the pipeline thread, which PowerShell requires. Ctrl+C (StopProcessing)
/// cancels <see cref="CancelToken"/> and the pipeline thread returns at once, without waiting for AWS.
/// </summary>
public abstract class AsyncCmdlet : PSCmdlet, IDisposable
{
    // Bounded so that a fast producer waits for a slow pipeline instead of buffering everything.
    private const int PendingWrites = 512;

    private readonly CancellationTokenSource _stopping = new();
    private BlockingCollection<Action>? _pending;
    private int _pipelineThread;

    /// <summary>Cancelled by Ctrl+C, or when the pipeline downstream needs nothing more (Select-Object -First).</summary>
    protected CancellationToken CancelToken => _stopping.Token;

    protected virtual Task BeginProcessingAsync() => Task.CompletedTask;
    protected virtual Task ProcessRecordAsync() => Task.CompletedTask;
    protected virtual Task EndProcessingAsync() => Task.CompletedTask;

    protected override void BeginProcessing() => Run(BeginProcessingAsync);
    protected sealed override void ProcessRecord() => Run(ProcessRecordAsync);
    protected sealed override void EndProcessing() => Run(EndProcessingAsync);
    protected override void StopProcessing() => _stopping.Cancel();

    public new void WriteObject(object? sendToPipeline) => OnPipeline(() => base.WriteObject(sendToPipeline));
    public new void WriteObject(object? sendToPipeline, bool enumerateCollection) => OnPipeline(() => base.WriteObject(sendToPipeline, enumerateCollection));
    public new void WriteError(ErrorRecord errorRecord) => OnPipeline(() => base.WriteError(errorRecord));
    public new void WriteWarning(string text) => OnPipeline(() => base.WriteWarning(text));
    public new void WriteVerbose(string text) => OnPipeline(() => base.WriteVerbose(text));
    public new void WriteDebug(string text) => OnPipeline(() => base.WriteDebug(text));
    public new void WriteProgress(ProgressRecord progressRecord) => OnPipeline(() => base.WriteProgress(progressRecord));
    public new bool ShouldProcess(string target, string action) => OnPipeline(() => base.ShouldProcess(target, action));
    public new bool ShouldProcess(string verboseDescription, string verboseWarning, string caption) =>
        OnPipeline(() => base.ShouldProcess(verboseDescription, verboseWarning, caption));
    public new bool ShouldContinue(string query, string caption) => OnPipeline(() => base.ShouldContinue(query, caption));

    /// <summary>Ends the cmdlet with this error; from any thread.</summary>
    public new void ThrowTerminatingError(ErrorRecord errorRecord)
    {
        if (_pending is null || Environment.CurrentManagedThreadId == _pipelineThread) base.ThrowTerminatingError(errorRecord);
        throw new TerminatingException(errorRecord);
    }

    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    private void Run(Func<Task> work)
    {
        var pending = new BlockingCollection<Action>(PendingWrites);
        _pending = pending;
        _pipelineThread = Environment.CurrentManagedThreadId;
        var output = new StreamOutput(this);
        var running = Task.Run(async () =>
        {
            CallLog.Current = output;
            try { await work().ConfigureAwait(false); }
            finally { pending.CompleteAdding(); }
        });

        try
        {
            foreach (var write in pending.GetConsumingEnumerable(CancelToken)) write();
            running.GetAwaiter().GetResult();
        }
        catch (TerminatingException terminating)
        {
            base.ThrowTerminatingError(terminating.ErrorRecord);
        }
        catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch
        {
            _stopping.Cancel(); // the pipeline downstream stopped or a write failed: stop the work too
            throw;
        }
        finally
        {
            _pending = null;
        }
    }

    private void OnPipeline(Action write) => OnPipeline(() => { write(); return true; });

    private T OnPipeline<T>(Func<T> call)
    {
        if (Environment.CurrentManagedThreadId == _pipelineThread || _pending is not { } pending) return call();
        var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending.Add(() =>
        {
            try { answer.SetResult(call()); }
            catch (Exception error)
            {
                answer.SetException(error);
                throw; // also ends the pipeline thread's loop (StopUpstreamCommandsException, PipelineStoppedException)
            }
        }, CancelToken);
        answer.Task.Wait(CancelToken); // the pipeline thread may have stopped reading: never wait past CancelToken
        return answer.Task.GetAwaiter().GetResult();
    }

    private sealed class TerminatingException : Exception
    {
        public TerminatingException(ErrorRecord errorRecord) : base(errorRecord.Exception.Message) => ErrorRecord = errorRecord;
        public ErrorRecord ErrorRecord { get; }
    }

    /// <summary>The engine's messages, written to this cmdlet's streams.</summary>
    private sealed class StreamOutput : IEngineOutput
    {
        private readonly AsyncCmdlet _cmdlet;
        public StreamOutput(AsyncCmdlet cmdlet) => _cmdlet = cmdlet;
        public void Verbose(string message) => _cmdlet.WriteVerbose(message);
        public void Warning(string message) => _cmdlet.WriteWarning(message);
        public void Debug(string message) => _cmdlet.WriteDebug(message);
    }
}
