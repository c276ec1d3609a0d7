using System.Text;
using Platform.Storage.Mvcc;

namespace Platform.Storage.Tests.Mvcc;

public sealed class NamespaceStoreTests
{
    private readonly NamespaceStore store = new("payments");
    private long index;

    private ApplyResult Apply(MvccCommand command) => store.Apply(++index, command);

    private ApplyResult Put(string key, string value, Precondition precondition = default) =>
        Apply(new PutCommand(key, Encoding.UTF8.GetBytes(value), "text/plain", precondition));

    private ApplyResult Delete(string key) => Apply(new DeleteCommand(key));

    private static string Text(KeyValue? value) => value is null ? "<absent>" : Encoding.UTF8.GetString(value.Value.Span);

    [Fact]
    public void Puts_count_revisions_from_one_and_track_create_mod_and_version()
    {
        Put("a", "1");
        Put("b", "1");
        var third = Put("a", "2");

        var a = store.Get("a")!;
        Assert.Equal(3, third.Revision);
        Assert.Equal((1L, 3L, 2L), (a.CreateRevision, a.ModRevision, a.Version));
        Assert.Equal("text/plain", a.ContentType);
    }

    [Fact]
    public void After_a_delete_a_recreated_key_starts_a_new_life()
    {
        Put("a", "1");
        Put("a", "2");
        var deleted = Delete("a");
        Put("a", "3");

        var a = store.Get("a")!;
        Assert.Equal(1, deleted.Deleted);
        Assert.Equal((4L, 4L, 1L), (a.CreateRevision, a.ModRevision, a.Version));
        Assert.Null(store.Get("a", revision: 3));
        Assert.Equal("2", Text(store.Get("a", revision: 2)));
    }

    [Fact]
    public void Deleting_an_absent_key_spends_no_revision()
    {
        Put("a", "1");

        var result = Delete("nothing");

        Assert.Equal(0, result.Deleted);
        Assert.Equal(1, store.Revision);
    }

    [Fact]
    public void History_lists_versions_newest_first_with_deletes()
    {
        Put("a", "1");
        Put("a", "2");
        Delete("a");
        Put("a", "3");

        var history = store.History("a", limit: 10);

        Assert.Equal([ChangeKind.Put, ChangeKind.Delete, ChangeKind.Put, ChangeKind.Put], history.Select(h => h.Kind));
        Assert.Equal([4L, 3, 2, 1], history.Select(h => h.Revision));
        Assert.Equal(2, store.History("a", limit: 2).Count);
    }

    [Fact]
    public void A_prefix_range_reads_one_revision_across_pages()
    {
        foreach (var key in new[] { "app/a", "app/b", "app/c", "apq", "ap", "other" })
        {
            Put(key, "v1");
        }

        var first = store.Range("app/", limit: 2);
        Put("app/c", "v2");
        Delete("app/b");
        Put("app/d", "new");
        var second = store.Range("app/", limit: 2, revision: first.Revision, startAfter: first.NextKey);

        Assert.Equal(["app/a", "app/b"], first.Items.Select(i => i.Key));
        Assert.Equal("app/b", first.NextKey);
        Assert.Equal(["app/c"], second.Items.Select(i => i.Key));
        Assert.Equal("v1", Text(second.Items[0]));
        Assert.Null(second.NextKey);
        Assert.Equal(["app/a", "app/c", "app/d"], store.Range("app/", limit: 10).Items.Select(i => i.Key));
    }

    [Fact]
    public void Compaction_keeps_what_is_visible_at_its_revision_and_refuses_reads_below()
    {
        Put("a", "1");
        Put("a", "2");
        Put("b", "1");
        Delete("b");
        Put("c", "1");

        Apply(new CompactCommand(4));

        Assert.Equal("2", Text(store.Get("a", revision: 4)));
        Assert.Null(store.Get("b", revision: 4));
        Assert.Equal(MvccErrorCode.Compacted, Assert.Throws<MvccException>(() => store.Get("a", revision: 3)).Code);
        Assert.Equal(4, Assert.Throws<MvccException>(() => store.Get("a", revision: 3)).CompactRevision);
        Assert.Equal([ChangeKind.Delete, ChangeKind.Put], store.ChangesAfter(3).Select(c => c.Kind));
        Assert.Equal(MvccErrorCode.Compacted, Assert.Throws<MvccException>(() => store.ChangesAfter(2)).Code);
        Assert.Single(store.History("a", 10));
        Assert.Empty(store.History("b", 10));
    }

    [Fact]
    public void Compaction_past_the_current_revision_is_refused()
    {
        Put("a", "1");

        var result = Apply(new CompactCommand(5));

        Assert.Equal(MvccErrorCode.FutureRevision, result.Error);
        Assert.Equal(0, store.CompactRevision);
    }

    [Fact]
    public void Preconditions_guard_writes_and_a_failed_one_changes_nothing()
    {
        Put("a", "1");

        var stale = Put("a", "2", new Precondition(IfModRevision: 7));
        var exists = Put("a", "2", new Precondition(IfAbsent: true));
        var cas = Put("a", "2", new Precondition(IfModRevision: 1));
        var create = Put("b", "1", new Precondition(IfAbsent: true));

        Assert.Equal(MvccErrorCode.PreconditionFailed, stale.Error);
        Assert.Equal(MvccErrorCode.PreconditionFailed, exists.Error);
        Assert.True(cas.Succeeded);
        Assert.True(create.Succeeded);
        Assert.Equal(3, store.Revision);
    }

    [Fact]
    public void A_transaction_counts_once_and_runs_the_branch_its_comparisons_choose()
    {
        Put("a", "1");
        var txn = new TxnCommand(
            [new TxnCompare("a", CompareTarget.Value, CompareOperator.Equal, Bytes: "1"u8.ToArray()), new TxnCompare("x", CompareTarget.Exists, CompareOperator.Equal, 0)],
            [new TxnOperation("a", false, "2"u8.ToArray()), new TxnOperation("b", false, "2"u8.ToArray())],
            [new TxnOperation("failed", false, "!"u8.ToArray())]);

        var first = Apply(txn);
        var second = Apply(txn);

        Assert.True(first.Succeeded);
        Assert.Equal(2, first.Revision);
        Assert.All(first.Events, e => Assert.Equal(2, e.Revision));
        Assert.Equal(2, store.Get("b")!.ModRevision);
        Assert.False(second.Succeeded);
        Assert.Equal("!", Text(store.Get("failed")));
        Assert.Equal(3, store.Revision);
    }

    [Fact]
    public void A_transaction_over_the_operation_limit_or_naming_a_key_twice_changes_nothing()
    {
        var tooMany = new TxnCommand([], [.. Enumerable.Range(0, 129).Select(i => new TxnOperation($"k{i}", false, "v"u8.ToArray()))], []);
        var twice = new TxnCommand([], [new TxnOperation("k", false, "1"u8.ToArray()), new TxnOperation("k", true)], []);

        Assert.Equal(MvccErrorCode.RequestTooLarge, Apply(tooMany).Error);
        Assert.Equal(MvccErrorCode.InvalidRequest, Apply(twice).Error);
        Assert.Equal(0, store.Revision);
        Assert.Equal(0, store.LiveKeys);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a\u0001b")]
    [InlineData("tab\there")]
    public void Invalid_keys_are_refused(string key)
    {
        var result = Put(key, "v");

        Assert.Equal(MvccErrorCode.InvalidKey, result.Error);
        Assert.Equal(0, store.Revision);
    }

    [Fact]
    public void A_key_that_is_not_valid_utf16_is_refused()
    {
        // Built here rather than in theory data, which would replace the lone surrogate when it serializes it.
        var key = "a" + (char)0xD800;

        Assert.Equal(MvccErrorCode.InvalidKey, Put(key, "v").Error);
    }

    [Fact]
    public void Key_and_value_sizes_are_bounded_in_bytes()
    {
        Assert.True(Put(new string('é', 512), "v").Succeeded);
        Assert.Equal(MvccErrorCode.InvalidKey, Put(new string('é', 513), "v").Error);
        Assert.Equal(MvccErrorCode.ValueTooLarge, Apply(new PutCommand("big", new byte[(1 << 20) + 1], "x")).Error);
        Assert.True(Apply(new PutCommand("big", new byte[1 << 20], "x")).Succeeded);
    }

    [Fact]
    public void Applying_the_same_log_index_twice_is_a_no_op()
    {
        store.Apply(5, new PutCommand("a", "1"u8.ToArray(), "t"));

        var replay = store.Apply(5, new PutCommand("a", "2"u8.ToArray(), "t"));
        var older = store.Apply(3, new PutCommand("a", "3"u8.ToArray(), "t"));

        Assert.True(replay.Duplicate);
        Assert.True(older.Duplicate);
        Assert.Equal("1", Text(store.Get("a")));
        Assert.Equal(1, store.Revision);
    }

    [Fact]
    public void A_new_epoch_starts_a_new_revision_range()
    {
        Put("a", "1");
        Put("a", "2");

        Apply(new BeginEpochCommand(3));
        var next = Put("a", "3");

        Assert.Equal(Revisions.Compose(3, 1), next.Revision);
        Assert.Equal((3L, 1L), (Revisions.Epoch(next.Revision), Revisions.Sequence(next.Revision)));
        Assert.Equal(MvccErrorCode.InvalidRequest, Apply(new BeginEpochCommand(2)).Error);
    }

    [Fact]
    public void Changes_come_in_revision_order_filtered_by_prefix()
    {
        Put("app/a", "1");
        Put("other", "1");
        Put("app/b", "1");
        Delete("app/a");

        var changes = store.ChangesAfter(1, "app/");

        Assert.Equal([(3L, ChangeKind.Put, "app/b"), (4, ChangeKind.Delete, "app/a")], changes.Select(c => (c.Revision, c.Kind, c.Current.Key)));
        Assert.Equal(2, store.ChangesAfter(0, "app/", limit: 2).Count);
    }

    [Fact]
    public void Equal_histories_give_equal_digests_at_every_revision()
    {
        var other = new NamespaceStore("payments");
        var commands = new MvccCommand[]
        {
            new PutCommand("a", "1"u8.ToArray(), "t"),
            new PutCommand("b", "1"u8.ToArray(), "t"),
            new DeleteCommand("a"),
            new PutCommand("b", "2"u8.ToArray(), "t"),
        };
        for (var i = 0; i < commands.Length; i++)
        {
            store.Apply(i + 1, commands[i]);
            other.Apply(i + 1, commands[i]);
        }

        Assert.Equal(store.DigestAt(), other.DigestAt());
        Assert.Equal(store.DigestAt(2), other.DigestAt(2));
        Assert.NotEqual(store.DigestAt(2), store.DigestAt(3));

        other.Apply(10, new PutCommand("b", "3"u8.ToArray(), "t"));
        Assert.NotEqual(store.DigestAt(), other.DigestAt());
        Assert.Equal(store.DigestAt(4), other.DigestAt(4));
    }

    [Fact]
    public void Digest_at_a_revision_equals_the_digest_a_fresh_store_reaches_with_the_same_state()
    {
        Put("a", "1");
        Put("b", "1");
        Delete("b");
        var atThree = store.DigestAt(3);

        var fresh = new NamespaceStore("payments");
        fresh.Apply(1, new PutCommand("a", "1"u8.ToArray(), "text/plain"));
        fresh.Apply(2, new PutCommand("b", "1"u8.ToArray(), "text/plain"));
        fresh.Apply(3, new DeleteCommand("b"));

        Assert.Equal(atThree, fresh.DigestAt());
    }

    [Fact]
    public void A_snapshot_restores_reads_history_changes_and_digests_exactly()
    {
        Put("a", "1");
        Put("b", "1");
        Apply(new TxnCommand([], [new TxnOperation("z", false, "t"u8.ToArray()), new TxnOperation("c", false, "t"u8.ToArray())], []));
        Delete("b");
        Put("a", "2");
        Apply(new CompactCommand(2));
        Apply(new BeginEpochCommand(2));
        Put("d", "1");

        var restored = NamespaceStore.FromSnapshot(store.ToSnapshot());

        Assert.Equal((store.Revision, store.Epoch, store.CompactRevision, store.AppliedIndex, store.LiveKeys), (restored.Revision, restored.Epoch, restored.CompactRevision, restored.AppliedIndex, restored.LiveKeys));
        Assert.Equal(store.Range("", 100).Items, restored.Range("", 100).Items, KeyValueComparer.Instance);
        Assert.Equal(store.Range("", 100, revision: 3).Items, restored.Range("", 100, revision: 3).Items, KeyValueComparer.Instance);
        Assert.Equal(store.ChangesAfter(1).Select(c => (c.Revision, c.Kind, c.Current.Key)), restored.ChangesAfter(1).Select(c => (c.Revision, c.Kind, c.Current.Key)));
        Assert.Equal(store.History("a", 10).Select(h => h.Revision), restored.History("a", 10).Select(h => h.Revision));
        Assert.Equal(store.DigestAt(3), restored.DigestAt(3));
        Assert.Equal(store.DigestAt(), restored.DigestAt());

        // And it goes on identically.
        store.Apply(100, new PutCommand("e", "1"u8.ToArray(), "t"));
        restored.Apply(100, new PutCommand("e", "1"u8.ToArray(), "t"));
        Assert.Equal(store.DigestAt(), restored.DigestAt());
        Assert.True(restored.Apply(99, new PutCommand("x", "1"u8.ToArray(), "t")).Duplicate);
    }

    private sealed class KeyValueComparer : IEqualityComparer<KeyValue>
    {
        public static readonly KeyValueComparer Instance = new();

        public bool Equals(KeyValue? x, KeyValue? y) =>
            x is not null && y is not null && x with { Value = default } == y with { Value = default } && x.Value.Span.SequenceEqual(y.Value.Span);

        public int GetHashCode(KeyValue obj) => obj.Key.GetHashCode(StringComparison.Ordinal);
    }
}
