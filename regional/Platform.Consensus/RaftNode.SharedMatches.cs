using Platform.Consensus.Messages;

namespace Platform.Consensus;

/// <summary>
/// Commit learned without the leader's word (with <see cref="RaftOptions.ShareMatches"/>): every
/// voter tells every other voter how far its durable log matches the leader of the current term,
/// and a follower that sees a quorum of voters (itself included) durable at an index of the
/// current term commits it at once. An entry of term T stored on a majority is committed whoever
/// notices (the Raft thesis' proof of leader completeness counts replicas, not who counted them),
/// so this is the leader's own rule (section 5.4.2) run where the client's request came from: in a
/// group spread over regions, a write forwarded from a far region commits there one WAN round trip
/// after it left, instead of waiting for the leader's commit to travel back.
/// </summary>
public sealed partial class RaftNode
{
    private readonly Dictionary<ulong, long> sharedMatches = [];
    private long sharedMatchesTerm;

    /// <summary>This follower's durable match with the current term's leader, as it last acknowledged it.</summary>
    private long selfMatch;

    /// <summary>The highest match this replica announced in the current term.</summary>
    private long announcedMatch;

    /// <summary>Forgets matches heard in an earlier term: they vouch for another leader's log.</summary>
    private void ResetSharedMatchesForTerm()
    {
        if (sharedMatchesTerm != Term)
        {
            sharedMatches.Clear();
            sharedMatchesTerm = Term;
            selfMatch = 0;
            announcedMatch = 0;
        }
    }

    /// <summary>
    /// A follower matched the leader through <paramref name="matched"/>; the answer carrying it (and
    /// these notices) leave only once the entries are durable (<see cref="Ready"/>'s order).
    /// </summary>
    private void OnFollowerMatched(ulong leader, long matched)
    {
        if (!options.ShareMatches)
        {
            return;
        }

        ResetSharedMatchesForTerm();
        selfMatch = Math.Max(selfMatch, matched);
        Announce(matched, except: leader);
        MaybeCommitFromSharedMatches();
    }

    /// <summary>The leader's own log became durable through <paramref name="match"/>: the followers learn it.</summary>
    private void OnLeaderDurable(long match)
    {
        if (options.ShareMatches)
        {
            ResetSharedMatchesForTerm();
            Announce(match, except: ReplicaId.None);
        }
    }

    private void Announce(long match, ulong except)
    {
        if (match <= announcedMatch || !conf.IsVoter(Id))
        {
            return;
        }

        announcedMatch = match;
        foreach (var voter in conf.Voters)
        {
            if (voter != Id && voter != except && (options.ShareMatchWith?.Invoke(Leader, voter) ?? true))
            {
                Send(new Message { Type = MessageType.MatchNotice, From = Id, To = voter, Term = Term, Index = match });
            }
        }
    }

    private void HandleMatchNotice(Message message)
    {
        if (!options.ShareMatches)
        {
            return;
        }

        ResetSharedMatchesForTerm();
        sharedMatches[message.From] = Math.Max(sharedMatches.GetValueOrDefault(message.From), message.Index);
        MaybeCommitFromSharedMatches();
    }

    /// <summary>Commits the highest index of the current term that a quorum of voters holds durably and this log matches.</summary>
    private void MaybeCommitFromSharedMatches()
    {
        if (Role != Role.Follower || Leader == ReplicaId.None || !conf.IsVoter(Id) || selfMatch <= log.Committed)
        {
            return;
        }

        Span<long> matches = stackalloc long[conf.Voters.Length];
        var count = 0;
        foreach (var voter in conf.Voters)
        {
            matches[count++] = voter == Id ? selfMatch : sharedMatches.GetValueOrDefault(voter);
        }

        matches.Sort();

        // Past what this log matches, its entries may be another leader's: never commit them here.
        var quorumIndex = Math.Min(matches[count - conf.QuorumSize], selfMatch);
        if (quorumIndex <= log.Committed || log.TermOrZero(quorumIndex) != Term || ConfigurationPendingThrough(quorumIndex))
        {
            return;
        }

        log.CommitTo(quorumIndex);
    }

    /// <summary>
    /// True when the log holds a configuration entry up to <paramref name="index"/> that has not
    /// taken effect here: the voters counted would be out of date (a follower may be several
    /// changes behind the leader, whose own count is never more than one behind). Entries handed
    /// out for applying have had their configurations applied, so only those after are read.
    /// </summary>
    private bool ConfigurationPendingThrough(long index)
    {
        for (var i = Math.Max(Math.Max(confIndex, log.Applying), log.CompactedIndex) + 1; i <= index; i++)
        {
            if (log.At(i).Type == Log.EntryType.Configuration)
            {
                return true;
            }
        }

        return false;
    }
}
