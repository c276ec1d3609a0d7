namespace Platform.Consensus;

public enum Role : byte
{
    Follower,
    PreCandidate,
    Candidate,
    Leader,
}

/// <summary>Volatile state worth reporting: who leads, and this replica's role.</summary>
public readonly record struct SoftState(ulong Leader, Role Role);
