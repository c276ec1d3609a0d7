using System.Globalization;

namespace Platform.LoadTests.Cluster;

/// <summary>A process's open-file limit as the kernel reports it (<c>Max open files</c> in /proc/&lt;pid&gt;/limits).</summary>
public static class ProcessLimits
{
    /// <summary>The soft limit (what the process may open now), or null when the process is gone or the kernel does not say.</summary>
    public static long? OpenFiles(int pid)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines($"/proc/{pid}/limits");
        }
        catch (IOException)
        {
            return null;
        }

        // The line reads "Max open files            20000                20000                files".
        var line = lines.FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var fields = line?["Max open files".Length..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return fields is [var soft, ..] && long.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
    }
}
