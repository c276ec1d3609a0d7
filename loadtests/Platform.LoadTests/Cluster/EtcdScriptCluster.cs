using System.Diagnostics;
using System.Globalization;

namespace Platform.LoadTests.Cluster;

/// <summary>
/// A 3-member etcd cluster started and stopped by the project's script, <c>loadtests/etcd.sh start|stop DIR</c>,
/// over a fresh directory. Disposing it stops the members (SIGTERM, then SIGKILL) and deletes the directory.
/// </summary>
public sealed class EtcdScriptCluster : IAsyncDisposable
{
    public static readonly string[] MemberNames = ["m1", "m2", "m3"];

    private static readonly TimeSpan ScriptBound = TimeSpan.FromSeconds(90);

    private readonly string script;

    private EtcdScriptCluster(string script, string directory, IReadOnlyList<Uri> endpoints)
    {
        this.script = script;
        Directory = directory;
        Endpoints = endpoints;
    }

    public string Directory { get; }

    /// <summary>The members' client URLs, in the order of <see cref="MemberNames"/>.</summary>
    public IReadOnlyList<Uri> Endpoints { get; }

    /// <summary>The etcd version the first member's log names, for the report.</summary>
    public string Version => System.IO.File.ReadLines(Path.Combine(Directory, "m1.log"))
        .Select(line => line.IndexOf("\"etcd-version\":\"", StringComparison.Ordinal) is var at and >= 0 ? line[(at + 16)..].Split('"')[0] : null)
        .FirstOrDefault(v => v is not null) ?? "unknown";

    public static async Task<EtcdScriptCluster> StartAsync(string script, string dataRoot, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(dataRoot, $"etcd-load-{Guid.NewGuid().ToString("N")[..12]}");
        System.IO.Directory.CreateDirectory(directory);
        var (code, output) = await RunScriptAsync(script, "start", directory, cancellationToken);
        var endpointsFile = Path.Combine(directory, "endpoints");
        if (code != 0 || !System.IO.File.Exists(endpointsFile))
        {
            await RunScriptAsync(script, "stop", directory, CancellationToken.None);
            DeleteDirectory(directory);
            throw new InvalidOperationException($"{script} start exited with {code}: {output}");
        }

        var endpoints = (await System.IO.File.ReadAllTextAsync(endpointsFile, cancellationToken)).Trim().Split(',').Select(u => new Uri(u)).ToList();
        return new EtcdScriptCluster(script, directory, endpoints);
    }

    /// <summary>The pid the script recorded for member <paramref name="member"/> (0-based), or 0 when it has none.</summary>
    public int Pid(int member)
    {
        var file = Path.Combine(Directory, MemberNames[member] + ".pid");
        return System.IO.File.Exists(file) && int.TryParse(System.IO.File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0;
    }

    /// <summary>True while the member's recorded pid still runs an etcd of this directory.</summary>
    public bool IsRunning(int member) => Pid(member) is var pid and > 0 && ProcessSignals.CommandLine(pid).Contains($"--data-dir {Directory}/", StringComparison.Ordinal);

    /// <summary>SIGKILLs one member, only while its pid still runs an etcd of this directory (a reused pid is left alone).</summary>
    public bool Kill(int member) => IsRunning(member) && ProcessSignals.TryForceKill(Pid(member));

    public async ValueTask DisposeAsync()
    {
        await RunScriptAsync(script, "stop", Directory, CancellationToken.None);
        DeleteDirectory(Directory);
    }

    private static async Task<(int Code, string Output)> RunScriptAsync(string script, string verb, string directory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[script, verb, directory])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash could not be started");
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(ScriptBound);
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"{script} {verb} did not end within {ScriptBound.TotalSeconds:F0} s");
        }

        return (process.ExitCode, ((await output) + (await errors)).Trim());
    }

    private static void DeleteDirectory(string directory)
    {
        // A member that has just been killed may still be closing files; a few tries settle it.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (System.IO.Directory.Exists(directory))
                {
                    System.IO.Directory.Delete(directory, recursive: true);
                }

                return;
            }
            catch (IOException) when (attempt < 5)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(200 * attempt));
            }
        }
    }
}
