using System.Globalization;

namespace Platform.LoadTests.Cluster;

/// <summary>The CPU time a process has used so far (user + system, fields 14 and 15 of /proc/&lt;pid&gt;/stat; field 4 is its parent).</summary>
public static class ProcessCpu
{
    // USER_HZ: the kernel reports these times in ticks of 1/100 s on every Linux this harness runs on.
    private const double TicksPerSecond = 100;

    /// <summary>Seconds of CPU, or null when the process is gone.</summary>
    public static double? Seconds(int pid) =>
        Fields(pid) is { Length: > 12 } fields
        && long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out var user)
        && long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out var system)
            ? (user + system) / TicksPerSecond
            : null;

    /// <summary>
    /// Seconds of CPU of the process and its living children (nginx's master and workers), or null when
    /// the process is gone.
    /// </summary>
    public static double? TreeSeconds(int pid)
    {
        var own = Seconds(pid);
        if (own is null)
        {
            return null;
        }

        var parent = pid.ToString(CultureInfo.InvariantCulture);
        var children = ProcessSignals.RunningPids()
            .Where(child => Fields(child) is { Length: > 1 } fields && fields[1] == parent)
            .Sum(child => Seconds(child) ?? 0);
        return own + children;
    }

    /// <summary>The fields of /proc/&lt;pid&gt;/stat after the command name, from the state (field 3) on.</summary>
    private static string[]? Fields(int pid)
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
        var end = stat.LastIndexOf(')');
        return end < 0 || end + 2 >= stat.Length ? null : stat[(end + 2)..].Split(' ');
    }
}
