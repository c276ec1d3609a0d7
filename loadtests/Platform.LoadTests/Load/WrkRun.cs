using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Platform.LoadTests.Load;

/// <summary>
/// One run of wrk (the Debian package) against one URL: <c>wrk -t2 -cN -dS --latency -s script URL</c>.
/// wrk, not the harness's own loops, drives the cached reads: a .NET client on the same two cores
/// would cost as much as the proxy it measures. Its Lua script sets the Authorization header (so the
/// token is in a file only the harness's user can read, never in a command line any user can list)
/// and prints wrk's own summary as one JSON line, read here instead of the human table.
/// </summary>
public static class WrkRun
{
    private const string Marker = "WRKJSON ";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Writes the Lua script into <paramref name="directory"/>, readable by this user only; returns its path.</summary>
    public static string WriteScript(string directory, string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var path = Path.Combine(directory, "wrk-auth.lua");
        var script = $$"""
            wrk.headers["Authorization"] = "Bearer {{token}}"
            done = function(summary, latency, requests)
              local e = summary.errors
              io.write(string.format('{{Marker}}{"requests":%d,"durationUs":%d,"bytes":%d,"connectErrors":%d,"readErrors":%d,"writeErrors":%d,"statusErrors":%d,"timeouts":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d,"meanUs":%.1f}\n',
                summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
                latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
            end

            """;
        var create = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var file = new FileStream(path, create);
        using var writer = new StreamWriter(file);
        writer.Write(script);
        return path;
    }

    /// <summary>Runs wrk to the end; throws when it fails or prints no summary.</summary>
    public static async Task<WrkFigures> RunAsync(Uri url, int connections, TimeSpan duration, string script, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["-t2", $"-c{connections.ToString(CultureInfo.InvariantCulture)}", $"-d{duration.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)}s", "--latency", "-s", script, url.ToString()])
        {
            start.ArgumentList.Add(argument);
        }

        using var wrk = Process.Start(start) ?? throw new InvalidOperationException("wrk could not be started (is the Debian package installed?)");
        var output = wrk.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = wrk.StandardError.ReadToEndAsync(cancellationToken);

        // wrk stops itself after the duration; a bound in case it hangs on 1,000 sockets.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(duration + TimeSpan.FromSeconds(30));
        try
        {
            await wrk.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            wrk.Kill(entireProcessTree: true);
            await wrk.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"wrk against {url} did not end within {duration.TotalSeconds + 30:F0} s");
        }

        var text = await output;
        var summary = text.Split('\n').FirstOrDefault(line => line.StartsWith(Marker, StringComparison.Ordinal));
        if (wrk.ExitCode != 0 || summary is null)
        {
            throw new InvalidOperationException($"wrk against {url} exited with {wrk.ExitCode} and no summary: {(await errors).Trim()} {text.Trim()}");
        }

        var raw = JsonSerializer.Deserialize<WrkSummary>(summary[Marker.Length..], Json)
            ?? throw new InvalidOperationException($"wrk printed an empty summary: {summary}");
        return WrkFigures.From(connections, raw);
    }
}

/// <summary>wrk's <c>done()</c> summary as its Lua script prints it (microseconds, counts).</summary>
public sealed record WrkSummary(
    long Requests,
    long DurationUs,
    long Bytes,
    long ConnectErrors,
    long ReadErrors,
    long WriteErrors,
    long StatusErrors,
    long Timeouts,
    long P50Us,
    long P90Us,
    long P99Us,
    long MaxUs,
    double MeanUs);
