using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Platform.LoadTests.Cluster;

/// <summary>
/// nginx as a caching reverse proxy in front of one node, the yardstick for the edge's cached reads:
/// a foreground master (and its workers) started by the harness from a config generated in a fresh
/// directory, listening on a free port of 127.0.0.1 only. Disposing it stops nginx (SIGTERM, then a
/// kill of its tree) and deletes the directory, cache included.
/// </summary>
public sealed class NginxProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyBound = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private readonly Process process;
    private readonly string directory;

    private NginxProcess(Process process, string directory, Uri endpoint)
    {
        this.process = process;
        this.directory = directory;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    /// <summary>The master's pid; its workers are its children.</summary>
    public int Pid => process.Id;

    /// <summary>The <c>nginx -v</c> line, e.g. "nginx/1.22.1"; null when it could not be asked.</summary>
    public string? Version { get; private set; }

    /// <summary>The settings that matter for the comparison, as the report states them.</summary>
    public static string Describe(int workers) =>
        FormattableString.Invariant($"worker_processes {workers}; proxy_cache on a keys_zone, proxy_cache_valid 200 10m, proxy_cache_key $uri, proxy_cache_lock on, proxy_ignore_headers Cache-Control Expires Set-Cookie, proxy_set_header Authorization $http_authorization, HTTP/1.1 keepalive 64 to the node, access_log off");

    public static async Task<NginxProcess> StartAsync(Uri upstream, int workers, string dataRoot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        var directory = Path.Combine(dataRoot, $"edge-nginx-{Guid.NewGuid().ToString("N")[..12]}");
        Directory.CreateDirectory(Path.Combine(directory, "cache"));
        Directory.CreateDirectory(Path.Combine(directory, "temp"));
        var port = FreePort();
        var config = Path.Combine(directory, "nginx.conf");
        var errorLog = Path.Combine(directory, "error.log");
        await File.WriteAllTextAsync(config, Config(directory, upstream, port, workers), cancellationToken);

        var start = new ProcessStartInfo("nginx") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["-p", directory, "-c", config, "-e", errorLog])
        {
            start.ArgumentList.Add(argument);
        }

        var nginx = new NginxProcess(new Process { StartInfo = start }, directory, new Uri(FormattableString.Invariant($"http://127.0.0.1:{port}")));
        try
        {
            nginx.Version = await VersionAsync(cancellationToken);
            nginx.process.Start();
            nginx.process.BeginOutputReadLine();
            nginx.process.BeginErrorReadLine();
            await nginx.WaitListeningAsync(port, errorLog, cancellationToken);
            return nginx;
        }
        catch
        {
            await nginx.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Everything nginx would otherwise take from its compiled-in paths (pid, logs, temp files) points
    /// into the run's own directory, so it needs nothing of the system's nginx setup and leaves nothing.
    /// </summary>
    private static string Config(string directory, Uri upstream, int port, int workers)
    {
        var user = Environment.UserName == "root"
            // Run as root, the master hands its workers to 'nobody', who could not write the cache here.
            ? "user root;\n"
            : string.Empty;
        var temp = Path.Combine(directory, "temp");
        return string.Create(CultureInfo.InvariantCulture, $$"""
            {{user}}worker_processes {{workers}};
            daemon off;
            master_process on;
            pid {{Path.Combine(directory, "nginx.pid")}};
            error_log {{Path.Combine(directory, "error.log")}} warn;
            # wrk's 1,000 connections plus one toward the node for each, per worker.
            worker_rlimit_nofile 8192;
            events { worker_connections 4096; }
            http {
              access_log off;
              client_body_temp_path {{temp}}/body;
              proxy_temp_path {{temp}}/proxy;
              fastcgi_temp_path {{temp}}/fastcgi;
              uwsgi_temp_path {{temp}}/uwsgi;
              scgi_temp_path {{temp}}/scgi;
              proxy_cache_path {{Path.Combine(directory, "cache")}} levels=1:2 keys_zone=platform:10m max_size=100m inactive=10m use_temp_path=off;
              upstream node {
                server {{upstream.Host}}:{{upstream.Port}};
                keepalive 64;
              }
              server {
                listen 127.0.0.1:{{port}};
                location / {
                  proxy_pass http://node;
                  proxy_http_version 1.1;
                  proxy_set_header Connection "";
                  proxy_set_header Authorization $http_authorization;
                  proxy_cache platform;
                  proxy_cache_key $uri;
                  proxy_cache_valid 200 10m;
                  proxy_cache_lock on;
                  proxy_ignore_headers Cache-Control Expires Set-Cookie;
                  add_header X-Cache-Status $upstream_cache_status;
                }
              }
            }

            """);
    }

    private async Task WaitListeningAsync(int port, string errorLog, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited with {process.ExitCode} before it listened: {Tail(errorLog)}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException) when (waited.Elapsed < ReadyBound)
            {
                await Task.Delay(50, cancellationToken);
            }
            catch (SocketException)
            {
                throw new TimeoutException($"nginx did not listen on 127.0.0.1:{port} within {ReadyBound.TotalSeconds:F0} s: {Tail(errorLog)}");
            }
        }
    }

    private static async Task<string?> VersionAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("nginx", "-v") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        using var nginx = Process.Start(start) ?? throw new InvalidOperationException("nginx could not be started (is the Debian package installed?)");
        var said = await nginx.StandardError.ReadToEndAsync(cancellationToken);
        await nginx.WaitForExitAsync(cancellationToken);
        return said.Trim().Replace("nginx version: ", string.Empty, StringComparison.Ordinal);
    }

    private static string Tail(string log) =>
        File.Exists(log) ? string.Join(" | ", File.ReadLines(log).TakeLast(5)) : "(no error.log)";

    /// <summary>A port the system just gave out and took back: free unless something grabs it in between.</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (HasStarted())
            {
                // SIGTERM is nginx's fast shutdown: the master stops its workers and exits.
                await ProcessSignals.StopAsync(process, StopGrace, "nginx");
            }
        }
        finally
        {
            process.Dispose();
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private bool HasStarted()
    {
        try
        {
            _ = process.Id;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
