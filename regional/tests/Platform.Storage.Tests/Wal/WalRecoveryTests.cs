using Platform.Consensus;
using Platform.Consensus.Log;
using Platform.Storage.Files;
using Platform.Storage.Wal;

namespace Platform.Storage.Tests.Wal;

public sealed class WalRecoveryTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly PhysicalFileSystem files = PhysicalFileSystem.Instance;

    private string WalDirectory => temp.Combine("wal");

    public void Dispose() => temp.Dispose();

    private static Entry E(long index, long term, string text = "") => Entry.Normal(index, term, System.Text.Encoding.UTF8.GetBytes(text.Length == 0 ? $"e{index}t{term}" : text));

    /// <summary>Small segments, so preallocating them costs the tests little.</summary>
    private static readonly WalOptions DefaultOptions = new() { SegmentBytes = 64 << 10 };

    private void Write(WalOptions? options, params GroupWrite[] writes)
    {
        files.CreateDirectory(WalDirectory);
        var recovery = WalReader.Recover(files, WalDirectory);
        using var writer = new WalWriter(files, WalDirectory, recovery, options ?? DefaultOptions);
        foreach (var write in writes)
        {
            writer.Append(write);
            writer.Sync();
        }
    }

    private string OnlySegment() => Assert.Single(files.ListFiles(WalDirectory, "*.wal"));

    [Fact]
    public void Hard_state_and_entries_of_every_group_come_back()
    {
        Write(null,
            new GroupWrite(1) { HardState = new HardState(2, 1, 1), Entries = [E(1, 1), E(2, 2)] },
            new GroupWrite(2) { Entries = [E(1, 1)] },
            new GroupWrite(1) { HardState = new HardState(2, 1, 2) });

        var recovery = WalReader.Recover(files, WalDirectory);

        Assert.Equal(WalCondition.Healthy, recovery.Health.Condition);
        Assert.Equal(new HardState(2, 1, 2), recovery.Groups[1].HardState);
        Assert.Equal([1L, 2], recovery.Groups[1].Entries.Select(e => e.Index));
        Assert.Single(recovery.Groups[2].Entries);
        Assert.Equal(3UL, recovery.LastSequence);
    }

    [Fact]
    public void Entries_that_conflict_replace_the_suffix_they_overwrite()
    {
        Write(null,
            new GroupWrite(1) { Entries = [E(1, 1), E(2, 1), E(3, 1), E(4, 1)] },
            new GroupWrite(1) { Entries = [E(3, 2, "new")] });

        var entries = WalReader.Recover(files, WalDirectory).Groups[1].Entries;

        Assert.Equal([(1L, 1L), (2, 1), (3, 2)], entries.Select(e => (e.Index, e.Term)));
    }

    [Fact]
    public void A_snapshot_install_resets_the_log_and_compaction_drops_the_covered_prefix()
    {
        Write(null,
            new GroupWrite(1) { Entries = [E(1, 1), E(2, 1), E(3, 1)] },
            new GroupWrite(1) { LogReset = new LogPosition(10, 3) },
            new GroupWrite(1) { Entries = [E(11, 3), E(12, 3), E(13, 3)] },
            new GroupWrite(1) { CompactedThrough = 11 });

        var group = WalReader.Recover(files, WalDirectory).Groups[1];

        Assert.Equal(11, group.CompactedThrough);
        Assert.Equal([12L, 13], group.Entries.Select(e => e.Index));
    }

    [Fact]
    public void A_torn_last_record_is_reported_then_truncated_and_the_log_goes_on()
    {
        Write(null, new GroupWrite(1) { Entries = [E(1, 1)] }, new GroupWrite(1) { Entries = [E(2, 1)] });
        var segment = OnlySegment();
        var intactLength = WalReader.Scan(files, WalDirectory).Segments.Single().ValidBytes;
        Write(null, new GroupWrite(1) { Entries = [E(3, 1, new string('x', 500))] });
        var fullLength = WalReader.Scan(files, WalDirectory).Segments.Single().ValidBytes;

        // The crash wrote the first 100 bytes of the record; the rest of it never reached the disk.
        var bytes = File.ReadAllBytes(segment);
        Array.Clear(bytes, (int)intactLength + 100, (int)(fullLength - intactLength - 100));
        File.WriteAllBytes(segment, bytes);

        var scan = WalReader.Scan(files, WalDirectory);
        Assert.Equal(WalCondition.TornTail, scan.Health.Condition);
        Assert.Equal(intactLength, scan.Health.Offset);

        var recovery = WalReader.Recover(files, WalDirectory);
        Assert.Equal(intactLength, files.Length(segment));
        Assert.Equal([1L, 2], recovery.Groups[1].Entries.Select(e => e.Index));

        Write(null, new GroupWrite(1) { Entries = [E(3, 1)] });
        var after = WalReader.Scan(files, WalDirectory);
        Assert.Equal(WalCondition.Healthy, after.Health.Condition);
        Assert.Equal([1L, 2, 3], after.Groups[1].Entries.Select(e => e.Index));
    }

    [Fact]
    public void Segments_are_preallocated_with_zeros_and_written_in_place()
    {
        Write(null, new GroupWrite(1) { Entries = [E(1, 1)] });

        var segment = OnlySegment();
        Assert.Equal(DefaultOptions.SegmentBytes, files.Length(segment));
        Assert.True(WalReader.Scan(files, WalDirectory).Segments.Single().ValidBytes < 200);
        Assert.Equal(WalCondition.Healthy, WalReader.Recover(files, WalDirectory).Health.Condition);
    }

    [Fact]
    public void Zeros_after_the_last_record_are_the_end_of_the_log_not_damage()
    {
        Write(null, new GroupWrite(1) { Entries = [E(1, 1)] });
        using (var stream = new FileStream(OnlySegment(), FileMode.Append))
        {
            stream.Write(new byte[4096]);
        }

        Assert.Equal(WalCondition.Healthy, WalReader.Scan(files, WalDirectory).Health.Condition);
    }

    [Theory]
    [InlineData(WalFraming.HeaderBytes + 3, "payload fails its checksum")]
    [InlineData(9, "header fails its checksum")]
    [InlineData(8, "header fails its checksum")]
    public void Damage_followed_by_valid_records_refuses_to_start_naming_file_and_offset(int damagedByte, string reason)
    {
        Write(null,
            new GroupWrite(1) { Entries = [E(1, 1)] },
            new GroupWrite(1) { Entries = [E(2, 1)] },
            new GroupWrite(1) { Entries = [E(3, 1)] });
        var segment = OnlySegment();
        var bytes = File.ReadAllBytes(segment);
        bytes[damagedByte] ^= 0x10;
        File.WriteAllBytes(segment, bytes);

        var scan = WalReader.Scan(files, WalDirectory);
        Assert.Equal(WalCondition.Corrupted, scan.Health.Condition);
        Assert.Equal(segment, scan.Health.File);
        Assert.Equal(0, scan.Health.Offset);
        Assert.Contains(reason, scan.Health.Detail, StringComparison.Ordinal);

        var refused = Assert.Throws<WalCorruptedException>(() => WalReader.Recover(files, WalDirectory));
        Assert.Contains(segment, refused.Message, StringComparison.Ordinal);
        Assert.Contains("offset 0", refused.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(segment));
    }

    [Fact]
    public void Rolled_segments_start_with_every_hard_state_and_are_deleted_once_compacted()
    {
        var options = new WalOptions { SegmentBytes = 600 };
        var writes = new List<GroupWrite>();
        for (var i = 1; i <= 20; i++)
        {
            writes.Add(new GroupWrite(1) { HardState = new HardState(1, 1, i - 1), Entries = [E(i, 1, new string('a', 100))] });
            writes.Add(new GroupWrite(2) { HardState = new HardState(3, 2, i - 1), Entries = [E(i, 3, new string('b', 100))] });
        }

        Write(options, [.. writes]);
        var segmentsBefore = files.ListFiles(WalDirectory, "*.wal").Count;
        Assert.True(segmentsBefore > 5);

        // Only group 1 compacts: group 2 still needs every segment.
        Write(options, new GroupWrite(1) { CompactedThrough = 20 });
        Assert.True(files.ListFiles(WalDirectory, "*.wal").Count >= segmentsBefore);

        Write(options, new GroupWrite(2) { CompactedThrough = 18 }, new GroupWrite(2) { HardState = new HardState(3, 2, 20) });
        var remaining = files.ListFiles(WalDirectory, "*.wal").Count;
        Assert.True(remaining < segmentsBefore, $"{remaining} segments remain of {segmentsBefore}");

        var recovery = WalReader.Recover(files, WalDirectory);
        Assert.Equal(WalCondition.Healthy, recovery.Health.Condition);
        Assert.Equal(new HardState(1, 1, 19), recovery.Groups[1].HardState);
        Assert.Equal(new HardState(3, 2, 20), recovery.Groups[2].HardState);
        Assert.Empty(recovery.Groups[1].Entries);
        Assert.Equal([19L, 20], recovery.Groups[2].Entries.Select(e => e.Index));
    }

    [Fact]
    public void A_torn_tail_in_a_segment_that_is_not_the_newest_is_corruption()
    {
        var writes = Enumerable.Range(1, 12).Select(i => new GroupWrite(1) { Entries = [E(i, 1, new string('a', 200))] }).ToArray();
        Write(new WalOptions { SegmentBytes = 600 }, writes);
        var scan = WalReader.Scan(files, WalDirectory);
        Assert.True(scan.Segments.Count > 2);
        var older = scan.Segments[0];

        // Zero the end of the oldest segment's last record: what a torn write would look like.
        var bytes = File.ReadAllBytes(older.Path);
        Array.Clear(bytes, (int)older.ValidBytes - 20, 20);
        File.WriteAllBytes(older.Path, bytes);

        var damaged = WalReader.Scan(files, WalDirectory);
        Assert.Equal(WalCondition.Corrupted, damaged.Health.Condition);
        Assert.Equal(older.Path, damaged.Health.File);
        Assert.Contains("not the newest", damaged.Health.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_segment_whose_roll_did_not_finish_is_removed_and_ignored()
    {
        Write(null, new GroupWrite(1) { HardState = new Platform.Consensus.HardState(3, 1, 0), Entries = [E(1, 1)] });
        var unfinished = WalSegmentName.Temporary(WalSegmentName.For(WalDirectory, 99));
        File.WriteAllBytes(unfinished, new byte[100]);

        var recovery = WalReader.Recover(files, WalDirectory);

        Assert.Equal(WalCondition.Healthy, recovery.Health.Condition);
        Assert.False(File.Exists(unfinished));
        Assert.Equal(3, recovery.Groups[1].HardState.Term);
    }

    [Fact]
    public void Every_rolled_segment_starts_with_every_groups_hard_state()
    {
        var options = new WalOptions { SegmentBytes = 700 };
        Write(options, new GroupWrite(7) { HardState = new Platform.Consensus.HardState(5, 2, 0) });
        Write(options, [.. Enumerable.Range(1, 10).Select(i => new GroupWrite(1) { Entries = [E(i, 1, new string('b', 200))] })]);

        // Read the newest segment alone, as if every older one had been deleted.
        var newest = files.ListFiles(WalDirectory, "*.wal")[^1];
        var alone = Path.Combine(temp.Path, "alone");
        Directory.CreateDirectory(alone);
        File.Copy(newest, Path.Combine(alone, Path.GetFileName(newest)));

        var recovery = WalReader.Scan(files, alone);
        Assert.Equal(WalCondition.Healthy, recovery.Health.Condition);
        Assert.Equal(new Platform.Consensus.HardState(5, 2, 0), recovery.Groups[7].HardState);
    }
}
