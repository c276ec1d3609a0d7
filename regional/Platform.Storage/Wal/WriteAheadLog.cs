using Platform.Storage.Files;

namespace Platform.Storage.Wal;

/// <summary>
/// The node's write-ahead log, shared by every consensus group on the node, with group commit:
/// callers hand in their groups' writes and wait; one flusher thread writes everything that
/// arrived while the previous fdatasync was running, then syncs once for all of them. Throughput
/// grows with concurrency until the CPU, not the disk, is the limit.
/// </summary>
/// <remarks>
/// A failed write or sync poisons the log: every waiting and later caller gets the error. After a
/// failed fsync the page cache can no longer be trusted to match the disk, so the node must stop.
/// </remarks>
public sealed class WriteAheadLog : IDisposable
{
    private readonly WalWriter writer;
    private readonly WalOptions options;
    private readonly object gate = new();
    private readonly SemaphoreSlim room;
    private readonly Thread? flusher;
    private bool flushScheduled;
    private List<PendingWrite> queue = [];
    private List<PendingWrite> flushing = [];
    private Exception? failure;
    private bool stopping;

    private WriteAheadLog(WalWriter writer, WalOptions options)
    {
        this.writer = writer;
        this.options = options;
        room = new SemaphoreSlim(options.MaxPendingWrites, options.MaxPendingWrites);
        if (options.FlushScheduler is null)
        {
            flusher = new Thread(FlushLoop) { IsBackground = true, Name = "wal-flusher" };
            flusher.Start();
        }
    }

    /// <summary>Records per sync so far: the group-commit factor.</summary>
    public double RecordsPerSync => writer.Syncs == 0 ? 0 : (double)writer.RecordsWritten / writer.Syncs;

    public long Syncs => writer.Syncs;

    public long Records => writer.RecordsWritten;

    /// <summary>Recovers the log in <paramref name="directory"/> (truncating a torn tail) and opens it for appending.</summary>
    public static WriteAheadLog Open(IStorageFileSystem files, string directory, WalOptions? options, out WalRecovery recovery)
    {
        ArgumentNullException.ThrowIfNull(files);
        files.CreateDirectory(directory);
        recovery = WalReader.Recover(files, directory);
        var effective = options ?? new WalOptions();
        return new WriteAheadLog(new WalWriter(files, directory, recovery, effective), effective);
    }

    /// <summary>Completes once every write is durable (together with whatever else shared the sync).</summary>
    public async Task PersistAsync(IReadOnlyList<GroupWrite> writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        // Off the caller's context on a node (the flusher thread completes the wait); on it under a
        // simulation's scheduler, whose thread runs everything.
        var keepContext = options.FlushScheduler is not null;
        await room.WaitAsync().ConfigureAwait(keepContext);
        var pending = new PendingWrite(writes);
        lock (gate)
        {
            if (failure is not null || stopping)
            {
                room.Release();
                throw new IOException("the write-ahead log is closed or failed", failure);
            }

            queue.Add(pending);
            Monitor.Pulse(gate);
            if (options.FlushScheduler is { } schedule && !flushScheduled)
            {
                flushScheduled = true;
                schedule(FlushScheduled);
            }
        }

        await pending.Done.Task.ConfigureAwait(keepContext);
    }

    public Task PersistAsync(GroupWrite write) => PersistAsync([write]);

    private void FlushLoop()
    {
        while (true)
        {
            lock (gate)
            {
                while (queue.Count == 0 && !stopping)
                {
                    Monitor.Wait(gate);
                }

                if (queue.Count == 0 && stopping)
                {
                    return;
                }

                (queue, flushing) = (flushing, queue);
            }

            Flush();
        }
    }

    /// <summary>One group commit run by the <see cref="WalOptions.FlushScheduler"/>: everything queued until now.</summary>
    private void FlushScheduled()
    {
        lock (gate)
        {
            flushScheduled = false;
            (queue, flushing) = (flushing, queue);
        }

        Flush();
    }

    private void Flush()
    {
        try
        {
            var taken = 0;
            while (taken < flushing.Count)
            {
                // Bound one sync's batch; what does not fit goes in the next sync straight after.
                var batchStart = taken;
                while (taken < flushing.Count && (taken == batchStart || writer.PendingBytes < options.MaxBatchBytes))
                {
                    foreach (var write in flushing[taken].Writes)
                    {
                        writer.Append(write);
                    }

                    taken++;
                }

                writer.Sync();
                for (var i = batchStart; i < taken; i++)
                {
                    flushing[i].Done.TrySetResult();
                }
            }
        }
#pragma warning disable CA1031 // Any failure of the disk poisons the log and is handed to every waiter.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            lock (gate)
            {
                failure = exception;
                foreach (var waiting in flushing.Concat(queue))
                {
                    waiting.Done.TrySetException(new IOException("the write-ahead log failed to write or sync", exception));
                }

                if (queue.Count > 0)
                {
                    room.Release(queue.Count);
                    queue.Clear();
                }
            }
        }
        finally
        {
            room.Release(flushing.Count);
            flushing.Clear();
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            stopping = true;
            Monitor.Pulse(gate);
        }

        flusher?.Join();
        writer.Dispose();
        room.Dispose();
    }

    private sealed class PendingWrite(IReadOnlyList<GroupWrite> writes)
    {
        public IReadOnlyList<GroupWrite> Writes { get; } = writes;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
