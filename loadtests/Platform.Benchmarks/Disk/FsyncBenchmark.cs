using BenchmarkDotNet.Attributes;

namespace Platform.Benchmarks.Disk;

/// <summary>
/// The physical floor of every acknowledged write on this machine: one 4 KiB append followed by
/// an fsync (FileStream.Flush(flushToDisk: true)) to a file in the temp directory.
/// </summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: GlobalCleanup disposes the file.")]
public class FsyncBenchmark
{
    private readonly byte[] block = new byte[4096];
    private string path = string.Empty;
    private FileStream file = null!;

    [GlobalSetup]
    public void Setup()
    {
        path = Path.Combine(Path.GetTempPath(), $"platform-fsync-{Environment.ProcessId}.bin");
        file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.None);
        Random.Shared.NextBytes(block);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        file.Dispose();
        File.Delete(path);
    }

    [Benchmark]
    public void Append4KiBAndFsync()
    {
        if (file.Length > 64 << 20)
        {
            file.SetLength(0);
            file.Position = 0;
        }

        file.Write(block);
        file.Flush(flushToDisk: true);
    }
}
