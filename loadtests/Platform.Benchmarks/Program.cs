using BenchmarkDotNet.Running;
using Platform.Benchmarks.Storage;

namespace Platform.Benchmarks;

public static class Program
{
    /// <summary>
    /// <c>storage OUTPUT.md [DIRECTORY]</c> runs the storage harness (latency percentiles and
    /// concurrency, which BenchmarkDotNet does not measure); anything else goes to BenchmarkDotNet
    /// (e.g. --filter '*Consensus*').
    /// </summary>
    public static async Task Main(string[] args)
    {
        if (args.Length >= 2 && args[0] == "storage")
        {
            await StorageHarness.RunAsync(args[1], args.Length > 2 ? args[2] : Path.GetTempPath());
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
