namespace Platform.LoadTests.Cluster;

/// <summary>
/// What an edge wrote to its log (<c>&lt;data-dir&gt;/&lt;region&gt;/edge/edge.log</c>, console
/// format, one line per entry): how many lines, which were warnings or worse. Read before the
/// platform is stopped, as stopping deletes the data directory.
/// </summary>
public sealed record EdgeLogSummary(int Lines, int Problems, IReadOnlyList<string> Samples)
{
    private const int MostSamples = 10;
    private const int SampleChars = 400;

    public static EdgeLogSummary Read(string dataDirectory, string region)
    {
        var path = Path.Combine(dataDirectory, region, "edge", "edge.log");
        if (!File.Exists(path))
        {
            return new EdgeLogSummary(0, 0, [$"no edge.log at {path}"]);
        }

        // The edge may still be writing: share the file instead of locking it.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = 0;
        var problems = 0;
        var samples = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines++;
            if (!IsProblem(line))
            {
                continue;
            }

            problems++;
            var sample = line.Length > SampleChars ? line[..SampleChars] + "..." : line;
            if (samples.Count < MostSamples && !samples.Contains(sample))
            {
                samples.Add(sample);
            }
        }

        return new EdgeLogSummary(lines, problems, samples);
    }

    // The simple console logger opens each entry with its level: "warn:", "fail:" (error) or "crit:";
    // an exception's stack follows on lines of its own, which are not counted again.
    private static bool IsProblem(string line) =>
        line.StartsWith("warn:", StringComparison.Ordinal) || line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal)
        || line.StartsWith("Unhandled exception", StringComparison.Ordinal);
}
