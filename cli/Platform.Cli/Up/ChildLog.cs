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

    /// <summary>
    /// Starts the child with both of its streams drained into this log (a child whose pipe fills up
    /// blocks), without a launch profile's URLs (docs/pitfalls.md, The build machine), and calls
    /// <paramref name="exited"/> when it ends.
    /// </summary>
    public System.Diagnostics.Process Start(System.Diagnostics.ProcessStartInfo start, Action exited)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.Environment.Remove("ASPNETCORE_URLS");
        var process = new System.Diagnostics.Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, line) => Write(line.Data);
        process.ErrorDataReceived += (_, line) => Write(line.Data);
        process.Exited += (_, _) => exited();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
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
