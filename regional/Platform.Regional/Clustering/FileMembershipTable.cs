using System.Globalization;
using System.Text.Json;

namespace Platform.Regional.Clustering;

/// <summary>
/// The embedded cluster membership of <c>platform up</c>: Orleans' membership table kept in one
/// JSON file shared by the nodes of a region on one machine (under <c>--data-dir</c>), with
/// compare-and-swap on the table version's etag and each row's etag. Unlike Orleans' localhost
/// clustering, whose table is a grain on the primary silo, it survives the loss of any node.
/// Every operation holds an exclusive lock on a companion lock file (flock on Linux) while it reads,
/// decides and atomically replaces the table (write temporary, fsync, rename).
/// </summary>
public sealed class FileMembershipTable(string path) : IMembershipTable
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string Path { get; } = path;

    public Task InitializeMembershipTable(bool tryInitTableVersion) => Locked(table => (table, true));

    public Task DeleteMembershipTableEntries(string clusterId) => Locked(_ => (new StoredTable(), true));

    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => Locked(table =>
    {
        table.Rows.RemoveAll(r => r.Status == (int)SiloStatus.Dead && r.IAmAliveTime < beforeDate.UtcDateTime);
        return (table, true);
    });

    public async Task<MembershipTableData> ReadRow(SiloAddress key)
    {
        var table = await ReadLocked();
        var address = key.ToParsableString();
        var rows = table.Rows.Where(r => r.Address == address).Select(r => Tuple.Create(r.ToEntry(), r.Etag)).ToList();
        return new MembershipTableData(rows, table.TableVersion());
    }

    public async Task<MembershipTableData> ReadAll()
    {
        var table = await ReadLocked();
        return new MembershipTableData([.. table.Rows.Select(r => Tuple.Create(r.ToEntry(), r.Etag))], table.TableVersion());
    }

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => Locked(table =>
    {
        ArgumentNullException.ThrowIfNull(entry);
        var address = entry.SiloAddress.ToParsableString();
        if (table.VersionEtag != tableVersion.VersionEtag || table.Rows.Any(r => r.Address == address))
        {
            return (table, false);
        }

        table.Rows.Add(StoredRow.From(entry));
        table.Bump(tableVersion.Version);
        return (table, true);
    });

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => Locked(table =>
    {
        ArgumentNullException.ThrowIfNull(entry);
        var address = entry.SiloAddress.ToParsableString();
        var index = table.Rows.FindIndex(r => r.Address == address);
        if (table.VersionEtag != tableVersion.VersionEtag || index < 0 || table.Rows[index].Etag != etag)
        {
            return (table, false);
        }

        table.Rows[index] = StoredRow.From(entry);
        table.Bump(tableVersion.Version);
        return (table, true);
    });

    public Task UpdateIAmAlive(MembershipEntry entry) => Locked(table =>
    {
        ArgumentNullException.ThrowIfNull(entry);
        var address = entry.SiloAddress.ToParsableString();
        var row = table.Rows.Find(r => r.Address == address);
        if (row is null)
        {
            throw new InvalidOperationException($"silo {address} is not in the membership table");
        }

        // Liveness only: no etag change, as Orleans expects of IAmAlive updates.
        row.IAmAliveTime = entry.IAmAliveTime;
        return (table, true);
    });

    private async Task<StoredTable> ReadLocked()
    {
        StoredTable? result = null;
        await Locked(table =>
        {
            result = table;
            return (table, false);
        });
        return result!;
    }

    /// <summary>Runs <paramref name="change"/> under the lock; writes the table back when it says so.</summary>
    private async Task<bool> Locked(Func<StoredTable, (StoredTable Table, bool Write)> change)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        var deadline = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                using var lockFile = new FileStream(Path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                var table = File.Exists(Path) ? JsonSerializer.Deserialize<StoredTable>(await File.ReadAllBytesAsync(Path), Json) ?? new StoredTable() : new StoredTable();
                var (updated, write) = change(table);
                if (write)
                {
                    var temporary = Path + ".tmp";
                    await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
                    {
                        await JsonSerializer.SerializeAsync(stream, updated, Json);
                        stream.Flush(flushToDisk: true);
                    }

                    File.Move(temporary, Path, overwrite: true);
                }

                return write;
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // Another node holds the lock: wait briefly and try again.
                await Task.Delay(Random.Shared.Next(2, 10));
            }
        }
    }

    /// <summary>The table as stored: a version with an etag, and the rows.</summary>
    private sealed class StoredTable
    {
        public int Version { get; set; }

        public string VersionEtag { get; set; } = "0";

        public List<StoredRow> Rows { get; set; } = [];

        public TableVersion TableVersion() => new(Version, VersionEtag);

        public void Bump(int version)
        {
            Version = version;
            VersionEtag = Guid.NewGuid().ToString("N");
        }
    }

    /// <summary>One silo's row; the etag changes on every write but IAmAlive.</summary>
    private sealed class StoredRow
    {
        public string Address { get; set; } = string.Empty;

        public string Etag { get; set; } = string.Empty;

        public int Status { get; set; }

        public List<string> Suspicions { get; set; } = [];

        public int ProxyPort { get; set; }

        public string HostName { get; set; } = string.Empty;

        public string SiloName { get; set; } = string.Empty;

        public string RoleName { get; set; } = string.Empty;

        public int UpdateZone { get; set; }

        public int FaultZone { get; set; }

        public DateTime StartTime { get; set; }

        public DateTime IAmAliveTime { get; set; }

        public static StoredRow From(MembershipEntry entry) => new()
        {
            Address = entry.SiloAddress.ToParsableString(),
            Etag = Guid.NewGuid().ToString("N"),
            Status = (int)entry.Status,
            Suspicions = [.. (entry.SuspectTimes ?? []).Select(s => $"{s.Item1.ToParsableString()}|{s.Item2.ToString("O", CultureInfo.InvariantCulture)}")],
            ProxyPort = entry.ProxyPort,
            HostName = entry.HostName ?? string.Empty,
            SiloName = entry.SiloName ?? string.Empty,
            RoleName = entry.RoleName ?? string.Empty,
            UpdateZone = entry.UpdateZone,
            FaultZone = entry.FaultZone,
            StartTime = entry.StartTime,
            IAmAliveTime = entry.IAmAliveTime,
        };

        public MembershipEntry ToEntry() => new()
        {
            SiloAddress = SiloAddress.FromParsableString(Address),
            Status = (SiloStatus)Status,
            SuspectTimes = [.. Suspicions.Select(s => s.Split('|')).Select(p => Tuple.Create(SiloAddress.FromParsableString(p[0]), DateTime.Parse(p[1], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)))],
            ProxyPort = ProxyPort,
            HostName = HostName,
            SiloName = SiloName,
            RoleName = RoleName,
            UpdateZone = UpdateZone,
            FaultZone = FaultZone,
            StartTime = StartTime,
            IAmAliveTime = IAmAliveTime,
        };
    }
}
