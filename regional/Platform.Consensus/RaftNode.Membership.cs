using Platform.Consensus.Log;
using Platform.Consensus.Membership;
using Platform.Consensus.Tracking;

namespace Platform.Consensus;

/// <summary>Single-server membership changes: one at a time, each after the leader committed an entry of its term.</summary>
public sealed partial class RaftNode
{
    public ProposeResult ProposeConfChange(ConfChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var refusal = RefuseProposal();
        if (refusal is { } refused)
        {
            return refused;
        }

        // The fix for the single-server change bug (Ongaro, raft-dev 2015): a new leader must commit
        // an entry of its own term before it changes the configuration.
        if (!CommittedInCurrentTerm)
        {
            return new ProposeResult(ProposeOutcome.LeaderNotReady, 0, Term, Id);
        }

        if (pendingConfIndex > log.Applying)
        {
            return new ProposeResult(ProposeOutcome.ConfChangePending, 0, Term, Id);
        }

        var (next, problem) = change.ApplyTo(conf);
        if (next is null)
        {
            return new ProposeResult(ProposeOutcome.InvalidConfChange, 0, Term, Id, problem);
        }

        var entry = new Entry(log.LastIndex + 1, Term, EntryType.Configuration, ConfStateCodec.Encode(next));
        log.Append(entry);
        pendingConfIndex = entry.Index;
        appendPending = true;

        // The quorum is about to change: acknowledgements counted under the old one vouch for nothing.
        DropLease();
        return new ProposeResult(ProposeOutcome.Accepted, entry.Index, entry.Term, Id);
    }

    /// <summary>A committed configuration entry takes effect as it is handed out for applying.</summary>
    private void ApplyConfiguration(Entry entry)
    {
        if (entry.Index <= confIndex)
        {
            return;
        }

        conf = ConfStateCodec.Decode(entry.Data.Span);
        confIndex = entry.Index;
        if (Role != Role.Leader)
        {
            return;
        }

        foreach (var removed in progress.Keys.Where(id => !conf.Contains(id)).ToList())
        {
            progress.Remove(removed);
        }

        foreach (var member in conf.Members)
        {
            if (progress.TryGetValue(member, out var existing))
            {
                existing.IsLearner = conf.IsLearner(member);
            }
            else
            {
                progress[member] = new Progress(log.LastIndex + 1, options.MaxInflightMessages, conf.IsLearner(member)) { RecentActive = true };
                appendPending = true;
            }
        }

        DropLease();
        if (!conf.IsVoter(Id))
        {
            // A leader removed from the configuration (or demoted) leaves; the rest elect a new one.
            BecomeFollower(Term, ReplicaId.None);
            return;
        }

        if (transferTarget != ReplicaId.None && !conf.IsVoter(transferTarget))
        {
            transferTarget = ReplicaId.None;
        }

        if (MaybeCommit())
        {
            commitPending = true;
        }
    }

    private Progress? ProgressOf(ulong id) => progress.GetValueOrDefault(id);
}
