using System;
using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using AwsGuard.Engine.Diagnostics;

namespace AwsGuard.Commands;

/// <summary>
/// Runs a cmdlet's work as async code on the thread pool and marshals every Write*, ShouldProcess and
/// terminating error back to the pipeline thread, which PowerShell requires. Work may outlive the record that
/// started it (bounded concurrency across pipeline input): its writes are run by whichever step the pipeline
/// thread is in, and EndProcessingAsync awaits it. Ctrl+C (StopProcessing) cancels <see cref="CancelToken"/>
/// and the pipeline thread returns at once, without waiting for AWS.
/// </summary>
public abstract class AsyncCmdlet : PSCmdlet, IDisposable
{
    // Bounded so that a fast producer waits for a slow pipeline instead of buffering everything.
    private const int PendingWrites = 512;

    private readonly CancellationTokenSource _stopping = new();
    private readonly BlockingCollection<object> _pending = new(PendingWrites);
    private readonly BlockingCollection<object> _finished = new();
    // True on the async flow of this cmdlet's work, wherever it runs; the pipeline thread never has it.
    private readonly AsyncLocal<bool> _inWork = new();
    // Whether the verbose and debug streams are shown, read once on the pipeline thread: hot paths (one line per
    // AWS call, per file) then cost nothing when nobody listens, instead of a trip to the pipeline thread each.
    private bool? _verbose, _debug;

    /// <summary>Cancelled by Ctrl+C, or when the pipeline downstream needs nothing more (Select-Object -First).</summary>
    protected CancellationToken CancelToken => _stopping.Token;

    protected virtual Task BeginProcessingAsync() => Task.CompletedTask;
    protected virtual Task ProcessRecordAsync() => Task.CompletedTask;
    protected virtual Task EndProcessingAsync() => Task.CompletedTask;

    /// <summary>
    /// On the pipeline thread before a record's work starts; false skips the record. What it sets in an AsyncLocal flows
    /// into that record's work (and the work it starts) only, even while later records run.
    /// </summary>
    protected virtual bool BeforeRecord() => true;

    /// <summary>In the record's work, before ProcessRecordAsync; false skips the record.</summary>
    protected virtual Task<bool> PrepareRecordAsync() => Task.FromResult(true);

    /// <summary>On the pipeline thread before EndProcessingAsync.</summary>
    protected virtual void BeforeEnd() { }

    /// <summary>On the pipeline thread after EndProcessingAsync ended well.</summary>
    protected virtual void AfterEnd() { }

    protected override void BeginProcessing() => Run(BeginProcessingAsync);

    protected sealed override void ProcessRecord()
    {
        if (BeforeRecord())
            Run(async () =>
            {
                if (await PrepareRecordAsync().ConfigureAwait(false)) await ProcessRecordAsync().ConfigureAwait(false);
            });
    }

    protected sealed override void EndProcessing()
    {
        BeforeEnd();
        Run(EndProcessingAsync);
        AfterEnd();
    }
    protected override void StopProcessing() => _stopping.Cancel();

    // Every member of Cmdlet and PSCmdlet that belongs to the pipeline thread is hidden below: one that answers is
    // marshalled there, one that hands out the runspace's objects refuses async work. Tests/Pester/AsyncCmdlet.Tests.ps1
    // enumerates the base members, so an overload PowerShell adds cannot slip past.
    public new void WriteObject(object? sendToPipeline) => Post(() => base.WriteObject(sendToPipeline));
    public new void WriteObject(object? sendToPipeline, bool enumerateCollection) => Post(() => base.WriteObject(sendToPipeline, enumerateCollection));
    public new void WriteError(ErrorRecord errorRecord) => OnPipeline(() => base.WriteError(errorRecord));
    public new void WriteWarning(string text) => OnPipeline(() => base.WriteWarning(text));
    public new void WriteVerbose(string text)
    {
        if (_verbose != false) OnPipeline(() => base.WriteVerbose(text));
    }

    public new void WriteDebug(string text)
    {
        if (_debug != false) OnPipeline(() => base.WriteDebug(text));
    }
    public new void WriteProgress(ProgressRecord progressRecord) => OnPipeline(() => base.WriteProgress(progressRecord));
    public new void WriteInformation(InformationRecord informationRecord) => OnPipeline(() => base.WriteInformation(informationRecord));
    public new void WriteInformation(object messageData, string[] tags) => OnPipeline(() => base.WriteInformation(messageData, tags));
    public new void WriteCommandDetail(string text) => OnPipeline(() => base.WriteCommandDetail(text));

    public new bool ShouldProcess(string target) => OnPipeline(() => base.ShouldProcess(target));
    public new bool ShouldProcess(string target, string action) => OnPipeline(() => base.ShouldProcess(target, action));
    public new bool ShouldProcess(string verboseDescription, string verboseWarning, string caption) =>
        OnPipeline(() => base.ShouldProcess(verboseDescription, verboseWarning, caption));
    public new bool ShouldProcess(string verboseDescription, string verboseWarning, string caption, out ShouldProcessReason shouldProcessReason)
    {
        var (answer, reason) = OnPipeline(() => (base.ShouldProcess(verboseDescription, verboseWarning, caption, out var why), why));
        shouldProcessReason = reason;
        return answer;
    }

    public new bool ShouldContinue(string query, string caption) => OnPipeline(() => base.ShouldContinue(query, caption));
    public new bool ShouldContinue(string query, string caption, ref bool yesToAll, ref bool noToAll)
    {
        var (yes, no) = (yesToAll, noToAll);
        var answer = OnPipeline(() => base.ShouldContinue(query, caption, ref yes, ref no));
        (yesToAll, noToAll) = (yes, no);
        return answer;
    }

    public new bool ShouldContinue(string query, string caption, bool hasSecurityImpact, ref bool yesToAll, ref bool noToAll)
    {
        var (yes, no) = (yesToAll, noToAll);
        var answer = OnPipeline(() => base.ShouldContinue(query, caption, hasSecurityImpact, ref yes, ref no));
        (yesToAll, noToAll) = (yes, no);
        return answer;
    }

    public new bool TransactionAvailable() => OnPipeline(() => base.TransactionAvailable());
    public new object GetVariableValue(string name) => OnPipeline(() => base.GetVariableValue(name));
    public new object GetVariableValue(string name, object defaultValue) => OnPipeline(() => base.GetVariableValue(name, defaultValue));
    public new PathInfo CurrentProviderLocation(string providerId) => OnPipeline(() => base.CurrentProviderLocation(providerId));
    public new string GetUnresolvedProviderPathFromPSPath(string path) => OnPipeline(() => base.GetUnresolvedProviderPathFromPSPath(path));
    public new Collection<string> GetResolvedProviderPathFromPSPath(string path, out ProviderInfo provider)
    {
        var (paths, resolvedBy) = OnPipeline(() => (base.GetResolvedProviderPathFromPSPath(path, out var by), by));
        provider = resolvedBy;
        return paths;
    }

    // Objects whose every use must stay on the pipeline thread: use them inside OnPipeline(...).
    public new ICommandRuntime CommandRuntime
    {
        get => PipelineOnly(() => base.CommandRuntime);
        set => base.CommandRuntime = value;
    }
    public new PSHost Host => PipelineOnly(() => base.Host);
    public new SessionState SessionState => PipelineOnly(() => base.SessionState);
    public new PSEventManager Events => PipelineOnly(() => base.Events);
    public new JobRepository JobRepository => PipelineOnly(() => base.JobRepository);
    public new JobManager JobManager => PipelineOnly(() => base.JobManager);
    public new ProviderIntrinsics InvokeProvider => PipelineOnly(() => base.InvokeProvider);
    public new CommandInvocationIntrinsics InvokeCommand => PipelineOnly(() => base.InvokeCommand);

    /// <summary>Ends the cmdlet with this error; from any thread.</summary>
    public new void ThrowTerminatingError(ErrorRecord errorRecord)
    {
        if (!_inWork.Value) base.ThrowTerminatingError(errorRecord);
        throw new TerminatingException(errorRecord);
    }

    public void Dispose()
    {
        _stopping.Dispose(); // the queues stay: work still finishing after a stop may add to them
        GC.SuppressFinalize(this);
    }

    private void Run(Func<Task> work)
    {
        _verbose ??= Shows("Verbose", "VerbosePreference");
        _debug ??= Shows("Debug", "DebugPreference");
        var output = new StreamOutput(this);
        var running = Task.Run(async () =>
        {
            _inWork.Value = true;
            EngineOutput.Current = output;
            await work().ConfigureAwait(false);
        });
        running.ContinueWith(_ => _finished.Add(running), TaskContinuationOptions.ExecuteSynchronously);

        try
        {
            // Writes of this work, and of concurrent work started by earlier records, until this work ends.
            var queues = new[] { _pending, _finished };
            while (true)
            {
                BlockingCollection<object>.TakeFromAny(queues, out var item, CancelToken);
                if (item is Action write) { write(); continue; }
                if (item == running) break;
            }
            while (_pending.TryTake(out var late)) ((Action)late)();
            // The one place where a failure the work left unhandled (engine, AWS, session) becomes the terminating ErrorRecord.
            if (running.Exception?.InnerException is { } failed && failed is not (TerminatingException or PipelineStoppedException)
                && !CancelToken.IsCancellationRequested)
                throw new TerminatingException(ErrorRecords.From(failed));
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
    }

    private T PipelineOnly<T>(Func<T> get, [CallerMemberName] string member = "") => _inWork.Value
        ? throw new InvalidOperationException($"{member} belongs to the pipeline thread: use it inside OnPipeline(...).")
        : get();

    private bool Shows(string parameter, string preference) =>
        MyInvocation.BoundParameters.TryGetValue(parameter, out var given)
            ? ((SwitchParameter)given).IsPresent
            : LanguagePrimitives.ConvertTo<ActionPreference>(GetVariableValue(preference) ?? ActionPreference.SilentlyContinue) != ActionPreference.SilentlyContinue;

    private void OnPipeline(Action write) => OnPipeline(() => { write(); return true; });

    /// <summary>
    /// Queues a write for the pipeline thread without waiting for it: output flows at the pipeline's pace (the queue is
    /// bounded) without a round trip per object. A write that fails there (the pipeline downstream stopped) ends the
    /// pipeline thread's loop, which cancels the work.
    /// </summary>
    private void Post(Action write)
    {
        if (_inWork.Value) _pending.Add(write, CancelToken);
        else write();
    }

    /// <summary>Runs <paramref name="call"/> on the pipeline thread (session state, bound parameters) and returns its answer.</summary>
    protected T OnPipeline<T>(Func<T> call)
    {
        if (!_inWork.Value) return call();
        var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending.Add((Action)(() =>
        {
            try { answer.SetResult(call()); }
            catch (Exception error)
            {
                answer.SetException(error);
                throw; // also ends the pipeline thread's loop (StopUpstreamCommandsException, PipelineStoppedException)
            }
        }), CancelToken);
        answer.Task.Wait(CancelToken); // the pipeline thread may have stopped reading: never wait past CancelToken
        return answer.Task.GetAwaiter().GetResult();
    }

    internal sealed class TerminatingException : Exception
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
    }
}
