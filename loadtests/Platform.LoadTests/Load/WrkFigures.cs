using System.Text.Json.Serialization;

namespace Platform.LoadTests.Load;

/// <summary>
/// One wrk run as the report shows it. wrk counts a non-2xx/3xx answer as a status error and a
/// socket that failed or timed out as the others; its latencies cover every answered request.
/// </summary>
public sealed record WrkFigures(
    int Connections,
    double Seconds,
    long Requests,
    double RequestsPerSecond,
    double P50Ms,
    double P90Ms,
    double P99Ms,
    double MaxMs,
    double MeanMs,
    double BytesPerRequest,
    long StatusErrors,
    long SocketErrors)
{
    [JsonIgnore]
    public long Errors => StatusErrors + SocketErrors;

    public static WrkFigures From(int connections, WrkSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var seconds = summary.DurationUs / 1e6;
        return new WrkFigures(
            connections,
            seconds,
            summary.Requests,
            seconds > 0 ? summary.Requests / seconds : double.NaN,
            summary.P50Us / 1000.0,
            summary.P90Us / 1000.0,
            summary.P99Us / 1000.0,
            summary.MaxUs / 1000.0,
            summary.MeanUs / 1000.0,
            summary.Requests > 0 ? (double)summary.Bytes / summary.Requests : double.NaN,
            summary.StatusErrors,
            summary.ConnectErrors + summary.ReadErrors + summary.WriteErrors + summary.Timeouts);
    }
}
