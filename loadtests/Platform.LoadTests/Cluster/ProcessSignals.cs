using System.Globalization;
using System.Runtime.InteropServices;

namespace Platform.LoadTests.Cluster;

/// <summary>Signals and liveness of processes by pid, through kill(2) and /proc (Linux).</summary>
public static partial class ProcessSignals
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    /// <summary>Asks a process to stop cleanly; <c>platform up</c> then stops its nodes itself.</summary>
    public static void Terminate(int pid) => _ = Kill(pid, SigTerm);

    /// <summary>SIGTERM, then the whole process tree killed if it has not exited within <paramref name="grace"/>.</summary>
    public static async Task StopAsync(System.Diagnostics.Process process, TimeSpan grace, string what)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (process.HasExited)
        {
            return;
        }

        Terminate(process.Id);
        using var waiting = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(waiting.Token);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"{what} (pid {process.Id}) did not stop within {grace.TotalSeconds:F0} s of SIGTERM; killing its process tree");
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    public static void ForceKill(int pid) => _ = Kill(pid, SigKill);

    /// <summary>SIGKILL, saying whether the kernel accepted it: a failover measured after a kill that never happened would be meaningless.</summary>
    public static bool TryForceKill(int pid) => Kill(pid, SigKill) == 0;

    /// <summary>The pids under /proc right now.</summary>
    public static IEnumerable<int> RunningPids() =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Select(name => int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0);

    /// <summary>The process's arguments joined by spaces, or empty once it is gone.</summary>
    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return string.Empty;
        }
        catch (UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
