using Platform.Consensus.Membership;

namespace Platform.Consensus.Tests.Simulation;

/// <summary>The faults of the safety phase: partitions, one-way links, clogs, crashes (torn or clean), pauses, transfers and membership changes.</summary>
public sealed partial class SimCluster
{
    private void ScheduleNextFault()
    {
        var meanMs = options.MeanFaultInterval.TotalMilliseconds;
        var delay = TimeSpan.FromMilliseconds(-meanMs * Math.Log(1 - faultRandom.NextDouble()));
        Schedule(delay, () =>
        {
            if (!faultsOn)
            {
                return;
            }

            InjectFault();
            ScheduleNextFault();
        });
    }

    private void InjectFault()
    {
        if (faultRandom.Chance(options.LeaseHazardRate))
        {
            LeaseHazard();
            return;
        }

        var roll = faultRandom.NextDouble();
        var target = PickTarget();
        switch (roll)
        {
            case < 0.12:
                Partition();
                break;
            case < 0.20:
                var other = faultRandom.Pick(nodes);
                if (other != target)
                {
                    network.Block(target.Id, other.Id);
                    Trace.Note(Now, target.Id, $"fault: link {target.Id}->{other.Id} cut one way");
                }

                break;
            case < 0.30:
                foreach (var node in nodes.Where(n => n != target))
                {
                    network.Block(target.Id, node.Id);
                    network.Block(node.Id, target.Id);
                }

                Trace.Note(Now, target.Id, "fault: isolated");
                break;
            case < 0.45:
                network.HealAll();
                Trace.Note(Now, 0, "fault: network healed");
                break;
            case < 0.60:
                CrashAndRestartLater(target);
                break;
            case < 0.72:
                PauseAndWakeLater(target);
                break;
            case < 0.80:
                var extra = faultRandom.Between(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(500));
                network.Clog(target.Id, extra);
                Trace.Note(Now, target.Id, $"fault: clogged by {extra.TotalMilliseconds:F0}ms");
                Schedule(faultRandom.Between(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(2000)), () => network.Unclog(target.Id));
                break;
            case < 0.90:
                TransferLeadership();
                break;
            default:
                if (faultRandom.Chance(options.MembershipChangeRate * 5))
                {
                    ChangeMembership();
                }

                break;
        }
    }

    /// <summary>Half the time the current leader, the most interesting victim.</summary>
    private SimNode PickTarget()
    {
        var leader = CurrentLeader();
        return leader is not null && faultRandom.Chance(0.5) ? leader : faultRandom.Pick(nodes);
    }

    private SimNode? CurrentLeader() =>
        nodes.Where(n => n.Raft is { Role: Role.Leader } && !n.Paused).OrderByDescending(n => n.Raft!.Term).FirstOrDefault();

    private void Partition()
    {
        var side = nodes.Select(_ => faultRandom.Chance(0.5)).ToList();
        for (var a = 0; a < nodes.Count; a++)
        {
            for (var b = 0; b < nodes.Count; b++)
            {
                if (side[a] != side[b])
                {
                    network.Block(nodes[a].Id, nodes[b].Id);
                }
            }
        }

        Trace.Note(Now, 0, $"fault: partition [{string.Join(',', nodes.Where((_, i) => side[i]).Select(n => n.Id))}] | [{string.Join(',', nodes.Where((_, i) => !side[i]).Select(n => n.Id))}]");
    }

    private void CrashAndRestartLater(SimNode node)
    {
        if (!node.IsUp)
        {
            return;
        }

        if (faultRandom.Chance(options.TornWriteRate) && !node.Paused)
        {
            node.CrashDuringNextPersist = true;
            Trace.Note(Now, node.Id, "fault: will crash during its next fsync");
        }
        else
        {
            Crash(node, torn: false);
        }

        // Half the restarts come back quickly, inside a lease the replica may have vouched for.
        var restartAfter = faultRandom.Chance(0.5)
            ? faultRandom.Between(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(100))
            : faultRandom.Between(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(1500));
        Schedule(restartAfter, () =>
        {
            if (node.IsUp && node.CrashDuringNextPersist)
            {
                Crash(node, torn: false);
            }

            if (!node.IsUp)
            {
                Start(node);
            }
        });
    }

    private void Crash(SimNode node, bool torn)
    {
        Trace.Note(Now, node.Id, torn ? "crash during fsync (torn write)" : "crash");
        if (!torn)
        {
            node.Disk.Crash(faultRandom);
        }

        FailOperationsOf(node);
        node.ForgetVolatileState();
    }

    /// <summary>Requests a crashed replica held die with it; their clients time out (writes stay of unknown outcome).</summary>
    private static void FailOperationsOf(SimNode node)
    {
        foreach (var read in node.PendingReads.Values)
        {
            read.Operation.Fail();
        }

        foreach (var read in node.ReadsAwaitingApply)
        {
            read.Operation.Fail();
        }
    }

    private void PauseAndWakeLater(SimNode node)
    {
        if (!node.IsUp || node.Paused)
        {
            return;
        }

        node.Paused = true;
        var raft = node.Raft;
        var duration = faultRandom.Between(options.MinElectionTimeout / 2, options.MinElectionTimeout * 4);
        Trace.Note(Now, node.Id, $"fault: paused for {duration.TotalMilliseconds:F0}ms");
        Schedule(duration, () => Wake(node, raft));
    }

    private void Wake(SimNode node, RaftNode? pausedIncarnation)
    {
        if (node.Raft != pausedIncarnation || !node.Paused)
        {
            return;
        }

        node.Paused = false;
        OnWoke(node);
        Trace.Note(Now, node.Id, $"woke with {node.Backlog.Count} queued inputs");
        while (node.Backlog.Count > 0 && !node.Paused && node.IsUp)
        {
            node.Backlog.Dequeue()();
        }
    }

    private void TransferLeadership()
    {
        var leader = CurrentLeader();
        if (leader?.Raft is not { } raft)
        {
            return;
        }

        var target = faultRandom.Pick(raft.Configuration.Voters);
        Input(leader, r => Trace.Note(Now, leader.Id, $"transfer leadership to {target}: {r.TransferLeadership(target)}"));
    }

    /// <summary>Adds the spare as a learner, promotes it, or removes a voter (never below the initial voter count).</summary>
    private void ChangeMembership()
    {
        var leader = CurrentLeader();
        if (leader?.Raft is not { } raft)
        {
            return;
        }

        var conf = raft.Configuration;
        var outsider = nodes.FirstOrDefault(n => !conf.Contains(n.Id));
        var learner = conf.Learners.Length > 0 ? conf.Learners[0] : ReplicaId.None;
        ConfChange change = (outsider, learner) switch
        {
            (_, not ReplicaId.None) => new ConfChange(ConfChangeType.AddVoter, learner),
            ({ } newcomer, _) => new ConfChange(ConfChangeType.AddLearner, newcomer.Id),
            _ => new ConfChange(ConfChangeType.Remove, faultRandom.Pick(conf.Voters)),
        };

        Input(leader, r => Trace.Note(Now, leader.Id, $"membership {change.Type} {change.Replica}: {r.ProposeConfChange(change).Outcome}"));
    }

    /// <summary>
    /// Aimed at the lease's two guards (leader stickiness and the restart vote delay): the leader
    /// stops reaching follower X, which times out and campaigns; then follower V, which has just
    /// acknowledged the leader, crashes, restarts within milliseconds and no longer hears it.
    /// </summary>
    private void LeaseHazard()
    {
        var leader = CurrentLeader();
        if (leader?.Raft is not { } raft)
        {
            return;
        }

        var followers = raft.Configuration.Voters.Where(v => v != leader.Id).Select(Node).Where(n => n.IsUp && !n.Paused).ToList();
        if (followers.Count < 2)
        {
            return;
        }

        var x = faultRandom.Pick(followers);
        var v = faultRandom.Pick(followers.Where(n => n != x).ToList());
        network.Block(leader.Id, x.Id);
        Trace.Note(Now, x.Id, $"fault: lease hazard, link {leader.Id}->{x.Id} cut; {v.Id} crashes soon");
        Schedule(faultRandom.Between(TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(700)), () =>
        {
            if (!faultsOn || !v.IsUp)
            {
                return;
            }

            network.Block(leader.Id, v.Id);
            Crash(v, torn: false);
            Schedule(faultRandom.Between(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(60)), () =>
            {
                if (!v.IsUp)
                {
                    Start(v);
                }
            });
        });
    }

    private void HealEverything()
    {
        network.HealAll();
        network.DropRate = 0;
        network.DuplicateRate = 0;
        Trace.Note(Now, 0, "liveness phase: every fault healed");
        foreach (var node in nodes)
        {
            if (node.IsUp && node.CrashDuringNextPersist)
            {
                node.CrashDuringNextPersist = false;
            }

            if (!node.IsUp)
            {
                Start(node);
            }
            else if (node.Paused)
            {
                Wake(node, node.Raft);
            }
        }
    }
}
