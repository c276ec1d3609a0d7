using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Platform.Storage.CrashWriter;
using Platform.Storage.Files;
using Platform.Storage.Wal;

namespace Platform.Storage.Tests.Wal;

/// <summary>
/// Real processes killed with SIGKILL in the middle of group-committed appends: after every
/// restart, each entry the child reported durable is present and intact, and the torn tail is gone.
/// </summary>
[Trait("Category", "Integration")]
public sealed class WalCrashTests : IDisposable
{
    private const int Writers = 8;
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string WriterPath => Path.Combine(AppContext.BaseDirectory, "Platform.Storage.CrashWriter.dll");

    [Fact]
    public async Task Every_entry_reported_durable_survives_repeated_sigkill()
    {
        var random = new Random(20261126);
        var durable = new ConcurrentDictionary<ulong, long>();
        for (var crash = 0; crash < 25; crash++)
        {
            using var child = Start(temp.Path);
            var reader = Task.Run(async () =>
            {
                while (await child.StandardOutput.ReadLineAsync(Cancel) is { } line)
                {
                    var parts = line.Split(' ');
                    var group = ulong.Parse(parts[0], CultureInfo.InvariantCulture);
                    var index = long.Parse(parts[1], CultureInfo.InvariantCulture);
                    durable.AddOrUpdate(group, index, (_, known) => Math.Max(known, index));
                }
            }, Cancel);

            await Task.Delay(random.Next(150, 600), Cancel);
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync(Cancel);
            await reader;
            Assert.True(child.ExitCode != 0, "the writer was killed, it did not exit by itself");

            var recovery = WalReader.Recover(PhysicalFileSystem.Instance, temp.Path);
            foreach (var (group, lastDurable) in durable)
            {
                var entries = recovery.Groups[group].Entries;
                for (var index = 1; index <= lastDurable; index++)
                {
                    var entry = entries[index - 1];
                    Assert.Equal(index, entry.Index);
                    Assert.Equal(Program.Payload(group, index), entry.Data.ToArray());
                }
            }

            Assert.Equal(WalCondition.Healthy, WalReader.Scan(PhysicalFileSystem.Instance, temp.Path).Health.Condition);
        }

        Assert.Equal(Writers, durable.Count);
        Assert.All(durable.Values, last => Assert.True(last > 10));
    }

    [Fact]
    public async Task A_byte_flipped_in_the_middle_of_a_segment_makes_the_writer_refuse_to_start()
    {
        using (var child = Start(temp.Path))
        {
            // Let it write a few hundred records, then stop it.
            while (await child.StandardOutput.ReadLineAsync(Cancel) is { } line && int.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture) < 50)
            {
            }

            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync(Cancel);
        }

        // The middle of what was written (segments are preallocated: zeros follow the records).
        var first = WalReader.Recover(PhysicalFileSystem.Instance, temp.Path).Segments[0];
        var segment = first.Path;
        var bytes = await File.ReadAllBytesAsync(segment, Cancel);
        bytes[first.ValidBytes / 2] ^= 0x5A;
        await File.WriteAllBytesAsync(segment, bytes, Cancel);

        using var restarted = Start(temp.Path);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        bound.CancelAfter(TimeSpan.FromSeconds(30));
        string error;
        try
        {
            error = await restarted.StandardError.ReadToEndAsync(bound.Token);
            await restarted.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            restarted.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException("the writer started on a corrupted log instead of refusing");
        }

        Assert.Equal(1, restarted.ExitCode);
        Assert.Contains("CORRUPTED", error, StringComparison.Ordinal);
        Assert.Contains(segment, error, StringComparison.Ordinal);
        Assert.Contains("at offset", error, StringComparison.Ordinal);
    }

    private static Process Start(string directory)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(WriterPath);
        start.ArgumentList.Add(directory);
        start.ArgumentList.Add(Writers.ToString(CultureInfo.InvariantCulture));
        return Process.Start(start) ?? throw new InvalidOperationException("could not start the crash writer");
    }
}
