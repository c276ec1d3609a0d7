using System.Text;
using Microsoft.Extensions.Configuration;
using Platform.Client;
using Platform.Client.Models;

namespace Platform.Configuration;

/// <summary>
/// Configuration from one namespace: every key under the prefix, loaded at start (waiting at most
/// <see cref="PlatformConfigurationOptions.StartupTimeout"/>, then from the last known good file),
/// then kept current by one watch from the revision it loaded. Each change replaces the whole data
/// dictionary (readers on other threads never see it half-changed) and fires the reload token, so
/// <c>IOptionsMonitor&lt;T&gt;.OnChange</c> sees a write within the watch's delay.
/// </summary>
public sealed class PlatformConfigurationProvider : ConfigurationProvider, IDisposable
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(1);
    private readonly PlatformConfigurationOptions options;
    private readonly PlatformClient client;
    private readonly CancellationTokenSource stop = new();
    private Task? watching;
    private long revision;

    public PlatformConfigurationProvider(PlatformConfigurationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.Namespace))
        {
            throw new ArgumentException("AddPlatformConfig needs a namespace", nameof(options));
        }

        this.options = options;
        var clientOptions = options.Client;
        clientOptions.Endpoints = options.Endpoints.Count > 0 ? options.Endpoints : clientOptions.Endpoints;
        clientOptions.Token = options.Token ?? clientOptions.Token;
        client = new PlatformClient(clientOptions);
    }

    /// <summary>Where the configuration came from at start: the platform, the last known good file, or nothing.</summary>
    public string LoadedFrom { get; private set; } = "nothing";

    /// <summary>The namespace revision the data reflects.</summary>
    public long Revision => Interlocked.Read(ref revision);

    public override void Load()
    {
        // Load runs at Build() and again on IConfigurationRoot.Reload(); the watch keeps the data
        // current after the first, so only the first reads.
        if (watching is not null)
        {
            return;
        }

        using (var bounded = CancellationTokenSource.CreateLinkedTokenSource(stop.Token))
        {
            bounded.CancelAfter(options.StartupTimeout);
            try
            {
                // Configuration providers load synchronously; this runs once, at start-up.
                var (listed, data) = ListAsync(bounded.Token).GetAwaiter().GetResult();
                Replace(listed, data);
                LoadedFrom = "platform";
                SaveLastKnownGood();
            }
            catch (Exception unreachable) when (IsOutage(unreachable))
            {
                if (LastKnownGood.Read(options.LastKnownGoodFile) is { } saved)
                {
                    Replace(saved.Revision, saved.Data);
                    LoadedFrom = "last known good file";
                }
                else if (!options.Optional)
                {
                    throw new InvalidOperationException(
                        $"the platform could not be read within {options.StartupTimeout.TotalSeconds:0.#} s and there is no last known good file at {options.LastKnownGoodFile}",
                        unreachable);
                }
            }
        }

        watching = Task.Run(() => WatchAsync(stop.Token));
    }

    /// <summary>Every key under the prefix, at one revision (the listing's pages are pinned to the first's).</summary>
    private async Task<(long Revision, Dictionary<string, string?> Data)> ListAsync(CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        long listed = 0;
        await foreach (var page in client.ListPagesAsync(options.Namespace, options.Prefix, 500, cancellationToken))
        {
            listed = listed == 0 ? page.Revision : listed;
            foreach (var item in page.Items)
            {
                if (KeyPaths.ToPath(item.Key, options.Prefix) is { } path)
                {
                    data[path] = Encoding.UTF8.GetString(item.Value);
                }
            }
        }

        return (listed, data);
    }

    /// <summary>Follows the namespace from the loaded revision; relists after a compaction or a fork, and while the platform is away, waits and resumes.</summary>
    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (Revision == 0)
                {
                    var (listed, data) = await ListAsync(cancellationToken);
                    Replace(listed, data);
                    OnReload();
                    SaveLastKnownGood();
                }

                await foreach (var change in client.WatchAsync(options.Namespace, options.Prefix, Revision, cancellationToken))
                {
                    if (change.Kind == WatchEventKind.Compacted)
                    {
                        Interlocked.Exchange(ref revision, 0);
                        break;
                    }

                    if (change.Kind is WatchEventKind.Put or WatchEventKind.Delete && change.Key is { } key && KeyPaths.ToPath(key, options.Prefix) is { } path)
                    {
                        var next = new Dictionary<string, string?>(Data, StringComparer.OrdinalIgnoreCase);
                        if (change.Kind == WatchEventKind.Put)
                        {
                            next[path] = Encoding.UTF8.GetString(change.Value ?? []);
                        }
                        else
                        {
                            next.Remove(path);
                        }

                        Replace(change.Revision ?? Revision, next);
                        OnReload();
                        SaveLastKnownGood();
                    }
                    else if (change.Revision is { } progress)
                    {
                        Interlocked.Exchange(ref revision, Math.Max(Revision, progress));
                    }
                }
            }
            catch (Exception away) when (!cancellationToken.IsCancellationRequested && IsOutage(away))
            {
                // The platform is away (or refused the revision): try again in a moment.
            }
            catch (PlatformProblemException gone) when (gone.Status == 410)
            {
                Interlocked.Exchange(ref revision, 0);
            }

            try
            {
                await Task.Delay(RetryPause, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Replace(long at, Dictionary<string, string?> data)
    {
        Data = data;
        Interlocked.Exchange(ref revision, at);
    }

    private void SaveLastKnownGood()
    {
        try
        {
            LastKnownGood.Write(options.LastKnownGoodFile, Revision, Data);
        }
        catch (Exception unwritable) when (unwritable is IOException or UnauthorizedAccessException)
        {
            // The file is a convenience for the next start; the service runs on without it.
        }
    }

    private static bool IsOutage(Exception problem) => problem switch
    {
        PlatformProblemException refused => refused.Status is 429 or >= 500,
        HttpRequestException or IOException or TimeoutException or OperationCanceledException or System.Net.Sockets.SocketException => true,
        _ => false,
    };

    public void Dispose()
    {
        stop.Cancel();
        try
        {
            watching?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // It ended with the cancellation.
        }

        client.Dispose();
        stop.Dispose();
    }
}
