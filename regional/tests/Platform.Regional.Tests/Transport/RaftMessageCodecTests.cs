using Platform.Consensus;
using Platform.Consensus.Log;
using Platform.Consensus.Membership;
using Platform.Consensus.Messages;
using Platform.Regional.Transport;

namespace Platform.Regional.Tests.Transport;

public sealed class RaftMessageCodecTests
{
    [Fact]
    public void Every_field_of_every_message_round_trips()
    {
        var snapshot = new Snapshot(new SnapshotMetadata(40, 3, new ConfState([1, 2, 3], [4])), "state"u8.ToArray());
        Message[] messages =
        [
            new() { Type = MessageType.Append, From = 1, To = 2, Term = 3, LogTerm = 2, Index = 9, Commit = 8, Entries = [Entry.Normal(10, 3, "a"u8.ToArray()), new Entry(11, 3, EntryType.Configuration, new byte[] { 1 })] },
            new() { Type = MessageType.AppendResponse, From = 2, To = 1, Term = 3, Index = 9, Reject = true, RejectHint = 5, LogTerm = 2 },
            new() { Type = MessageType.Heartbeat, From = 1, To = 3, Term = 3, Commit = 7, Context = 99 },
            new() { Type = MessageType.InstallSnapshot, From = 1, To = 4, Term = 3, Snapshot = snapshot },
            new() { Type = MessageType.Vote, From = 3, To = 1, Term = 4, Index = 12, LogTerm = 3, Context = 1 },
        ];

        var decoded = RaftMessageCodec.Decode(RaftMessageCodec.Encode(messages));

        Assert.Equal(messages.Length, decoded.Count);
        for (var i = 0; i < messages.Length; i++)
        {
            Assert.Equal(messages[i] with { Entries = [], Snapshot = null }, decoded[i] with { Entries = [], Snapshot = null });
            Assert.Equal(messages[i].Entries.Select(e => (e.Index, e.Term, e.Type, Convert.ToHexString(e.Data.Span))), decoded[i].Entries.Select(e => (e.Index, e.Term, e.Type, Convert.ToHexString(e.Data.Span))));
        }

        Assert.Equal(snapshot.Metadata, decoded[3].Snapshot!.Metadata);
        Assert.Equal("state"u8.ToArray(), decoded[3].Snapshot!.Data.ToArray());
    }

    [Fact]
    public void A_cut_batch_is_refused()
    {
        var bytes = RaftMessageCodec.Encode([new Message { Type = MessageType.Append, From = 1, To = 2, Term = 1, Entries = [Entry.Normal(1, 1, new byte[50])] }]);

        Assert.Throws<InvalidDataException>(() => RaftMessageCodec.Decode(bytes.AsMemory(0, bytes.Length - 10)));
    }
}
