using BenchmarkDotNet.Running;

namespace Platform.Benchmarks;

public static class Program
{
    /// <summary>Runs the benchmarks chosen on the command line (BenchmarkDotNet's --filter), e.g. --filter '*Consensus*'.</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
