using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Platform.LoadTests.Report;

/// <summary>Where and when figures were measured: they mean little without it.</summary>
public sealed record MachineInfo(
    int Cores,
    string Os,
    string Architecture,
    string Runtime,
    DateTimeOffset Date,
    string? Commit,
    string? LoadAverageAtStart)
{
    public static MachineInfo Capture(string? repositoryRoot) => new(
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        RuntimeInformation.OSArchitecture.ToString(),
        RuntimeInformation.FrameworkDescription,
        DateTimeOffset.UtcNow,
        ReadCommit(repositoryRoot),
        LoadAverage());

    /// <summary>The short commit, with <c>+dirty</c> when the worktree has changes; null when git cannot tell.</summary>
    private static string? ReadCommit(string? repositoryRoot)
    {
        var head = Git(repositoryRoot, "rev-parse", "--short", "HEAD");
        if (string.IsNullOrEmpty(head))
        {
            return null;
        }

        var changes = Git(repositoryRoot, "status", "--porcelain", "--untracked-files=no");
        return string.IsNullOrEmpty(changes) ? head : head + "+dirty";
    }

    private static string? Git(string? directory, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("-C");
            start.ArgumentList.Add(directory ?? Environment.CurrentDirectory);
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var git = Process.Start(start)!;
            var output = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>The 1, 5 and 15 minute load averages: a busy machine shows here before it shows in the figures.</summary>
    private static string? LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return null;
        }
    }
}
