namespace Platform.Testing.Simulation;

/// <summary>
/// The reading end of a byte stream between two simulated processes (an HTTP response body): the
/// simulated network hands it chunks (<see cref="Deliver"/>), its end, or a break, always as work
/// of the reading process, and a read waiting for them continues on that process. Disposing it
/// (the reader hung up) tells the writer through <paramref name="hungUp"/>.
/// </summary>
public sealed class SimReadStream(Action hungUp) : Stream
{
    private readonly Queue<byte[]> chunks = new();
    private int offset;
    private bool ended;
    private Exception? broken;
    private bool disposed;
    private TaskCompletionSource? waiting;

    public void Deliver(byte[] chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        if (!ended && broken is null && chunk.Length > 0)
        {
            chunks.Enqueue(chunk);
            Wake();
        }
    }

    /// <summary>The writer finished: reads past what arrived return 0.</summary>
    public void End()
    {
        ended = true;
        Wake();
    }

    /// <summary>The connection broke: reads past what arrived throw <paramref name="why"/>.</summary>
    public void Break(Exception why)
    {
        broken ??= why;
        Wake();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            cancellationToken.ThrowIfCancellationRequested();
            if (chunks.TryPeek(out var chunk))
            {
                var count = Math.Min(buffer.Length, chunk.Length - offset);
                chunk.AsMemory(offset, count).CopyTo(buffer);
                offset += count;
                if (offset == chunk.Length)
                {
                    chunks.Dequeue();
                    offset = 0;
                }

                return count;
            }

            if (broken is not null)
            {
                throw new IOException(broken.Message, broken);
            }

            if (ended)
            {
                return 0;
            }

            waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), waiting))
            {
                await waiting.Task;
            }
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Wake() => waiting?.TrySetResult();

    protected override void Dispose(bool disposing)
    {
        if (!disposed)
        {
            disposed = true;
            Wake();
            hungUp();
        }

        base.Dispose(disposing);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("a simulated process never blocks");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>
/// The writing end of a byte stream between two simulated processes: every write is handed to
/// <paramref name="send"/> (the simulated network, which delivers it to the reader later, or
/// breaks the stream); once the stream broke or the reader hung up, writes throw, as they do on a
/// reset connection.
/// </summary>
public sealed class SimWriteStream(Action<byte[]> send) : Stream
{
    public Exception? Broken { get; private set; }

    public void Break(Exception why) => Broken ??= why;

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Broken is not null)
        {
            throw new IOException(Broken.Message, Broken);
        }

        send(buffer.ToArray());
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => send(buffer.AsSpan(offset, count).ToArray());
}
