using System.Globalization;

namespace Platform.LoadTests.Cluster;

/// <summary>The CPU time a process has used so far (user + system, fields 14 and 15 of /proc/&lt;pid&gt;/stat).</summary>
public static class ProcessCpu
{
    // USER_HZ: the kernel reports these times in ticks of 1/100 s on every Linux this harness runs on.
    private const double TicksPerSecond = 100;

    /// <summary>Seconds of CPU, or null when the process is gone.</summary>
    public static double? Seconds(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 12
            && long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out var user)
            && long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out var system)
            ? (user + system) / TicksPerSecond
            : null;
    }
}
