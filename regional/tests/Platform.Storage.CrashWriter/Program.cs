using System.Globalization;
using Platform.Consensus;
using Platform.Consensus.Log;
using Platform.Storage.Files;
using Platform.Storage.Wal;

namespace Platform.Storage.CrashWriter;

/// <summary>
/// Usage: CrashWriter WAL_DIRECTORY WRITERS. Recovers the log, then each writer (one group each)
/// appends one entry at a time through the group-committing log, and prints "group index" only
/// after the append is durable. The crash test kills it at random moments and checks that every
/// printed entry survived intact. Exit 1 (with the reason on stderr) if the log is corrupted.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var directory = args[0];
        var writers = int.Parse(args[1], CultureInfo.InvariantCulture);
        WriteAheadLog log;
        WalRecovery recovery;
        try
        {
            log = WriteAheadLog.Open(PhysicalFileSystem.Instance, directory, new WalOptions { SegmentBytes = 256 << 10 }, out recovery);
        }
        catch (WalCorruptedException corrupted)
        {
            await Console.Error.WriteLineAsync(corrupted.Message);
            return 1;
        }

        var output = Console.Out;
        var gate = new Lock();
        using (log)
        {
            await Task.WhenAll(Enumerable.Range(1, writers).Select(writer => Task.Run(async () =>
            {
                var group = (ulong)writer;
                var next = recovery.Groups.TryGetValue(group, out var recovered) ? recovered.LastIndex + 1 : 1;
                while (true)
                {
                    var entry = Entry.Normal(next, 1, Payload(group, next));
                    await log.PersistAsync(new GroupWrite(group) { HardState = new HardState(1, 0, next), Entries = [entry] });
                    lock (gate)
                    {
                        output.WriteLine($"{group} {next}");
                        output.Flush();
                    }

                    next++;
                }
            })));
        }

        return 0;
    }

    /// <summary>The bytes of an entry are a function of (group, index), so the test can check them after a crash.</summary>
    public static byte[] Payload(ulong group, long index)
    {
        var bytes = new byte[64 + (int)(index % 900)];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)((long)group * 31 + index + i);
        }

        return bytes;
    }
}
