using System.Diagnostics;
using System.Reflection;

namespace Platform.Infra.Tests;

/// <summary>
/// The Bicep compiler that restore put in the NuGet cache (PackageDownload of
/// Azure.Bicep.CommandLine.linux-x64), run as a child process with its output captured.
/// </summary>
internal static class BicepCli
{
    /// <summary>No single compiler call here takes more than a few seconds; this bounds a hung one.</summary>
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);

    public static string Version { get; } = typeof(BicepCli).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "BicepVersion").Value!;

    /// <summary>The binary, made executable if the cache lost its mode bit (some NuGet extractions do).</summary>
    public static string Path { get; } = Locate();

    public sealed record Result(int ExitCode, string Output, string Error)
    {
        /// <summary>Compiler diagnostics: lines like "file(3,7) : Warning no-unused-params: ...".</summary>
        public IReadOnlyList<string> Diagnostics =>
            (Output + "\n" + Error).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(line => line.Contains(" : Warning ", StringComparison.Ordinal) || line.Contains(" : Error ", StringComparison.Ordinal)
                    || line.Contains(" : Info ", StringComparison.Ordinal))
                .ToList();
    }

    public static async Task<Result> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The compiler would otherwise try to phone home or check for updates.
        start.Environment["BICEP_TRACING_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        // A null value removes the variable from the child's environment.
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Path}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(RunTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {RunTimeout}");
        }

        return new Result(process.ExitCode, await output, await error);
    }

    private static string Locate()
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var binary = System.IO.Path.Combine(cache, "azure.bicep.commandline.linux-x64", Version, "tools", "bicep");
        if (!File.Exists(binary))
        {
            throw new FileNotFoundException($"the Bicep CLI {Version} is not in the NuGet cache; restore infra/tests/Platform.Infra.Tests first", binary);
        }

        // The package is the linux-x64 build; only there does the mode bit matter.
        if (OperatingSystem.IsLinux() && !File.GetUnixFileMode(binary).HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(binary, File.GetUnixFileMode(binary) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        return binary;
    }
}
