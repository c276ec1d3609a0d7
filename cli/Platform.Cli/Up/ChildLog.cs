namespace Platform.Cli.Up;

/// <summary>
/// A child's output appended to its log file, line by line from both of its streams (which the
/// runtime reads on two threads), and flushed at once so the log shows what a crashed child said.
/// </summary>
public sealed class ChildLog : IDisposable
{
    private readonly Lock gate = new();
    private StreamWriter? writer;

    public ChildLog(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        writer = new StreamWriter(path, append: true) { AutoFlush = true };
    }

    public void Write(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (gate)
        {
            writer?.WriteLine(line);
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            writer?.Dispose();
            writer = null;
        }
    }
}
