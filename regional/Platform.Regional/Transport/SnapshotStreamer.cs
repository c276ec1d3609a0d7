using Microsoft.Extensions.Logging;
using Platform.Consensus.Messages;
using Platform.Storage.Snapshots;

namespace Platform.Regional.Transport;

/// <summary>
/// Sends a group's InstallSnapshot messages as a stream of chunks, one request at a time (so a
/// slow receiver paces the sender), instead of one message holding the whole state. The receiver
/// stages each chunk durably; a transfer that breaks off resumes from what it staged. At most one
/// transfer per destination runs at a time; the core's repeated InstallSnapshot for the same index
/// while it runs is dropped.
/// </summary>
/// <param name="onCallerThread">
/// Streams on the caller's context rather than the thread pool: a deterministic simulation runs
/// every piece of work on its one thread (and has no Ready loop to hold up).
/// </param>
public sealed partial class SnapshotStreamer(ulong group, int chunkBytes, Func<string, SnapshotChunk, Task<long>> sendChunk, ILogger logger, bool onCallerThread = false)
{
    private readonly Dictionary<string, long> running = [];

    public void Send(string node, Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var snapshot = message.Snapshot ?? throw new ArgumentException("not an InstallSnapshot message", nameof(message));
        lock (running)
        {
            if (running.TryGetValue(node, out var index) && index >= snapshot.Metadata.Index)
            {
                return;
            }

            running[node] = snapshot.Metadata.Index;
        }

        // Off the caller's thread: encoding the whole state must not hold up the Ready loop.
        _ = onCallerThread ? StreamAsync(node, message) : Task.Run(() => StreamAsync(node, message));
    }

    private async Task StreamAsync(string node, Message message)
    {
        var snapshot = message.Snapshot!;
        var index = snapshot.Metadata.Index;
        try
        {
            var bytes = SnapshotFile.Encode(group, snapshot);
            var header = RaftMessageCodec.Encode([message with { Snapshot = null }]);
            long offset = 0;
            var budget = 4 * ((bytes.Length / chunkBytes) + 2);
            for (var round = 0; round < 3; round++)
            {
                // Data first, from wherever the receiver's staging stands (it answers its staged length)...
                while (offset < bytes.Length && budget-- > 0)
                {
                    var length = (int)Math.Min(chunkBytes, bytes.Length - offset);
                    offset = await sendChunk(node, new SnapshotChunk(index, offset, bytes.AsSpan((int)offset, length).ToArray(), bytes.Length, null));
                }

                // ...then always a closing chunk with the message: even when every byte was staged
                // by an earlier, interrupted transfer, this is what installs it.
                offset = await sendChunk(node, new SnapshotChunk(index, bytes.Length, [], bytes.Length, header));
                if (offset == bytes.Length)
                {
                    LogSent(logger, group, index, node, bytes.Length);
                    return;
                }
            }

            LogFailed(logger, group, index, node, new InvalidDataException($"the receiver kept refusing the staged snapshot (staged {offset} of {bytes.Length} bytes)"));
        }
#pragma warning disable CA1031 // Any failure ends this attempt; the core resends the snapshot after an election timeout.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            LogFailed(logger, group, index, node, failure);
        }
        finally
        {
            lock (running)
            {
                if (running.TryGetValue(node, out var current) && current == index)
                {
                    running.Remove(node);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "group {Group}: snapshot at {Index} sent to {Node} ({Bytes} bytes)")]
    private static partial void LogSent(ILogger logger, ulong group, long index, string node, int bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "group {Group}: sending the snapshot at {Index} to {Node} broke off")]
    private static partial void LogFailed(ILogger logger, ulong group, long index, string node, Exception failure);
}
