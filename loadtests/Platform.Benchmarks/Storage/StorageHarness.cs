using System.Diagnostics;
using System.Globalization;
using System.Text;
using Platform.Consensus;
using Platform.Consensus.Log;
using Platform.Storage.Files;
using Platform.Storage.Mvcc;
using Platform.Storage.Wal;

namespace Platform.Benchmarks.Storage;

/// <summary>
/// The storage figures of the "Node storage" issue: the fsync floor, WAL group commit under
/// concurrency, recovery of a 1 GiB log, and MVCC throughput and memory for a million keys.
/// Writes a markdown report.
/// </summary>
public static class StorageHarness
{
    private static readonly TimeSpan RunLength = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(string reportPath, string scratchDirectory)
    {
        var report = new StringBuilder();
        var scratch = Path.Combine(scratchDirectory, $"platform-storage-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(scratch);
        try
        {
            report.AppendLine("# Storage benchmarks");
            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; scratch directory `{scratchDirectory}`; each WAL run lasts {RunLength.TotalSeconds:F0} s.");
            report.AppendLine();
            FsyncFloor(scratch, report);
            await WalAppends(scratch, report);
            Recovery(scratch, report);
            Mvcc(report);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }

        await File.WriteAllTextAsync(reportPath, report.ToString());
        Console.WriteLine(report);
    }

    private static void FsyncFloor(string scratch, StringBuilder report)
    {
        var latencies = new LatencyRecorder();
        var block = new byte[4096];
        using (var file = PhysicalFileSystem.Instance.OpenAppend(Path.Combine(scratch, "floor.bin")))
        {
            for (var i = 0; i < 3000; i++)
            {
                var started = Stopwatch.GetTimestamp();
                file.Append(block);
                file.Sync();
                latencies.Add(Stopwatch.GetTimestamp() - started);
            }
        }

        report.AppendLine("## Physical floor: one 4 KiB append + fdatasync (3,000 times)");
        report.AppendLine();
        report.AppendLine("| median | p99 |");
        report.AppendLine("| ---: | ---: |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| {latencies.PercentileMicroseconds(50):F0} us | {latencies.PercentileMicroseconds(99):F0} us |");
        report.AppendLine();
    }

    private static async Task WalAppends(string scratch, StringBuilder report)
    {
        report.AppendLine("## WAL appends through group commit (one entry per append, each writer its own group)");
        report.AppendLine();
        report.AppendLine("| writers | record bytes | records/s | fsyncs/s | records per fsync | p50 latency | p99 latency |");
        report.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var recordBytes in new[] { 64, 4096 })
        {
            foreach (var writers in new[] { 1, 16, 64 })
            {
                var directory = Path.Combine(scratch, $"wal-{writers}-{recordBytes}");
                var latencies = new LatencyRecorder();
                using var log = WriteAheadLog.Open(PhysicalFileSystem.Instance, directory, null, out _);
                var payload = new byte[recordBytes];
                var stop = Stopwatch.StartNew();
                await Task.WhenAll(Enumerable.Range(1, writers).Select(writer => Task.Run(async () =>
                {
                    for (long index = 1; stop.Elapsed < RunLength; index++)
                    {
                        var started = Stopwatch.GetTimestamp();
                        await log.PersistAsync(new GroupWrite((ulong)writer) { HardState = new HardState(1, 0, index), Entries = [Entry.Normal(index, 1, payload)] });
                        latencies.Add(Stopwatch.GetTimestamp() - started);
                    }
                })));
                var seconds = stop.Elapsed.TotalSeconds;
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"| {writers} | {recordBytes} | {log.Records / seconds:F0} | {log.Syncs / seconds:F0} | {log.RecordsPerSync:F1} | {latencies.PercentileMicroseconds(50):F0} us | {latencies.PercentileMicroseconds(99):F0} us |");
            }
        }

        report.AppendLine();
    }

    private static void Recovery(string scratch, StringBuilder report)
    {
        const long TargetBytes = 1L << 30;
        var directory = Path.Combine(scratch, "recovery");
        var payload = new byte[4000];
        Random.Shared.NextBytes(payload);
        var recovery = WalReader.Recover(PhysicalFileSystem.Instance, directory);
        long records = 0;
        using (var writer = new WalWriter(PhysicalFileSystem.Instance, directory, recovery))
        {
            var index = new long[64];
            while (records * (payload.Length + 90) < TargetBytes)
            {
                var group = (ulong)(records % 64);
                index[group]++;
                writer.Append(new GroupWrite(group) { HardState = new HardState(1, 0, index[group]), Entries = [Entry.Normal(index[group], 1, payload)] });
                records++;
                if (writer.PendingBytes > 8 << 20)
                {
                    writer.Sync();
                }
            }

            writer.Sync();
        }

        var bytes = Directory.GetFiles(directory, "*.wal").Sum(f => new FileInfo(f).Length);
        GC.Collect();
        var started = Stopwatch.StartNew();
        var recovered = WalReader.Recover(PhysicalFileSystem.Instance, directory);
        var elapsed = started.Elapsed;
        report.AppendLine("## Recovery of a 1 GiB log (64 groups, 4 KB entries; page cache warm from writing it)");
        report.AppendLine();
        report.AppendLine("| log bytes | segments | records | recovery time | MB/s |");
        report.AppendLine("| ---: | ---: | ---: | ---: | ---: |");
        report.AppendLine(CultureInfo.InvariantCulture,
            $"| {bytes:N0} | {recovered.Segments.Count} | {recovered.Records:N0} | {elapsed.TotalSeconds:F2} s | {bytes / 1e6 / elapsed.TotalSeconds:F0} |");
        report.AppendLine();
    }

    private static void Mvcc(StringBuilder report)
    {
        const int Keys = 1_000_000;
        var value = new byte[64];
        var names = Enumerable.Range(0, Keys).Select(i => $"service/{i % 1000:D4}/setting-{i:D7}").ToArray();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var store = new NamespaceStore("bench");
        var put = Stopwatch.StartNew();
        for (var i = 0; i < Keys; i++)
        {
            store.Apply(i + 1, new PutCommand(names[i], value, "text/plain"));
        }

        put.Stop();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var get = Stopwatch.StartNew();
        var random = new Random(1);
        long found = 0;
        for (var i = 0; i < Keys; i++)
        {
            found += store.Get(names[random.Next(Keys)]) is null ? 0 : 1;
        }

        get.Stop();
        GC.KeepAlive(store);
        report.AppendLine("## MVCC namespace store: 1,000,000 keys (about 30-byte keys, 64-byte values), one thread");
        report.AppendLine();
        report.AppendLine("| puts/s | gets/s (random keys) | memory per key (history, indexes, change log, digest) |");
        report.AppendLine("| ---: | ---: | ---: |");
        report.AppendLine(CultureInfo.InvariantCulture,
            $"| {Keys / put.Elapsed.TotalSeconds:N0} | {found / get.Elapsed.TotalSeconds:N0} | {(after - before) / (double)Keys:F0} bytes |");
        report.AppendLine();
    }
}
