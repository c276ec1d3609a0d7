using System.Net;
using Platform.Regional.Clustering;

namespace Platform.Regional.Tests.Clustering;

public sealed class FileMembershipTableTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "platform-tests", Guid.NewGuid().ToString("N"));

    private string TablePath => Path.Combine(directory, "membership.json");

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static MembershipEntry Entry(int port, SiloStatus status = SiloStatus.Joining) => new()
    {
        SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1),
        Status = status,
        SiloName = $"node-{port}",
        HostName = "localhost",
        ProxyPort = port + 1000,
        StartTime = new DateTime(2026, 11, 26, 0, 0, 0, DateTimeKind.Utc),
        IAmAliveTime = new DateTime(2026, 11, 26, 0, 0, 1, DateTimeKind.Utc),
        SuspectTimes = [],
    };

    [Fact]
    public async Task Inserts_compare_and_swap_on_the_table_version()
    {
        var table = new FileMembershipTable(TablePath);
        await table.InitializeMembershipTable(true);
        var empty = await table.ReadAll();

        Assert.True(await table.InsertRow(Entry(11001), empty.Version.Next()));
        Assert.False(await table.InsertRow(Entry(11002), empty.Version.Next()));

        var one = await table.ReadAll();
        Assert.False(await table.InsertRow(Entry(11001), one.Version.Next()));
        Assert.True(await table.InsertRow(Entry(11002), one.Version.Next()));
        Assert.Equal(2, (await new FileMembershipTable(TablePath).ReadAll()).Members.Count);
    }

    [Fact]
    public async Task Updates_need_the_row_etag_and_the_table_version_etag()
    {
        var table = new FileMembershipTable(TablePath);
        await table.InitializeMembershipTable(true);
        await table.InsertRow(Entry(11001), (await table.ReadAll()).Version.Next());
        var read = await table.ReadAll();
        var (entry, etag) = read.Members.Single();

        entry.Status = SiloStatus.Active;
        Assert.False(await table.UpdateRow(entry, "stale", read.Version.Next()));
        Assert.True(await table.UpdateRow(entry, etag, read.Version.Next()));
        Assert.False(await table.UpdateRow(entry, etag, read.Version.Next()));

        var after = await table.ReadRow(entry.SiloAddress);
        Assert.Equal(SiloStatus.Active, after.Members.Single().Item1.Status);
        Assert.Equal(read.Version.Version + 1, after.Version.Version);
    }

    [Fact]
    public async Task I_am_alive_updates_only_the_time_and_keeps_etags()
    {
        var table = new FileMembershipTable(TablePath);
        await table.InitializeMembershipTable(true);
        await table.InsertRow(Entry(11001), (await table.ReadAll()).Version.Next());
        var before = await table.ReadAll();
        var (entry, etag) = before.Members.Single();

        entry.IAmAliveTime = entry.IAmAliveTime.AddMinutes(5);
        await table.UpdateIAmAlive(entry);

        var after = await table.ReadAll();
        Assert.Equal(entry.IAmAliveTime, after.Members.Single().Item1.IAmAliveTime);
        Assert.Equal(etag, after.Members.Single().Item2);
        Assert.Equal(before.Version, after.Version);
    }

    [Fact]
    public async Task Of_many_nodes_inserting_against_one_version_exactly_one_wins()
    {
        await new FileMembershipTable(TablePath).InitializeMembershipTable(true);
        var version = (await new FileMembershipTable(TablePath).ReadAll()).Version.Next();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => new FileMembershipTable(TablePath).InsertRow(Entry(12000 + i), version))));

        Assert.Single(results, won => won);
        Assert.Single((await new FileMembershipTable(TablePath).ReadAll()).Members);
    }

    [Fact]
    public async Task Dead_rows_older_than_the_cutoff_are_cleaned_up()
    {
        var table = new FileMembershipTable(TablePath);
        await table.InitializeMembershipTable(true);
        await table.InsertRow(Entry(11001, SiloStatus.Dead), (await table.ReadAll()).Version.Next());
        await table.InsertRow(Entry(11002, SiloStatus.Active), (await table.ReadAll()).Version.Next());

        await table.CleanupDefunctSiloEntries(new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(SiloStatus.Active, (await table.ReadAll()).Members.Single().Item1.Status);
    }
}
