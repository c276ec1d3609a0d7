using Platform.Client.Http;
using Platform.Client.Json;
using Platform.Client.Models;

namespace Platform.Client;

/// <summary>Failover drills (<c>/v1/drills</c>): start one, follow its report, list them, fetch the HTML page.</summary>
public sealed partial class PlatformClient
{
    public Task<DrillStarted> StartDrillAsync(DrillRequest drill, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(drill);
        var request = WithJson(Request(HttpMethod.Post, PlatformRoutes.Drills), drill, PlatformJsonContext.Default.DrillRequest);
        return SendForJsonAsync(request, PlatformJsonContext.Default.DrillStarted, cancellationToken);
    }

    public Task<DrillReport> GetDrillAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return SendForJsonAsync(Request(HttpMethod.Get, PlatformRoutes.Drill(id)), PlatformJsonContext.Default.DrillReport, cancellationToken);
    }

    public Task<List<DrillReport>> ListDrillsAsync(CancellationToken cancellationToken = default) =>
        SendForJsonAsync(Request(HttpMethod.Get, PlatformRoutes.Drills), PlatformJsonContext.Default.ListDrillReport, cancellationToken);

    /// <summary>The self-contained HTML page of one drill's report.</summary>
    public async Task<string> GetDrillPageAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        using var request = Request(HttpMethod.Get, PlatformRoutes.Drill(id) + "?format=html");
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }
}
