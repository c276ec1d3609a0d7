using System.Globalization;

namespace Platform.LoadTests.Cluster;

/// <summary>The resident set of a process as the kernel reports it (<c>VmRSS</c> in /proc/&lt;pid&gt;/status).</summary>
public static class ProcessMemory
{
    /// <summary>Bytes resident, or null when the process is gone or the kernel does not say.</summary>
    public static long? ResidentBytes(int pid)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines($"/proc/{pid}/status");
        }
        catch (IOException)
        {
            return null;
        }

        // The line reads "VmRSS:\t  123456 kB"; the kernel's kB are KiB.
        var line = lines.FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var fields = line?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return fields is [_, var kib, "kB"] && long.TryParse(kib, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value * 1024
            : null;
    }
}
