using Platform.Consensus.Messages;
using Platform.Testing.Simulation;

namespace Platform.Consensus.Tests.Simulation;

/// <summary>
/// The simulated network: every message gets a random delay (so messages reorder), may be
/// dropped or duplicated, and is cut by partitions (symmetric or one-way) and slowed by clogs.
/// </summary>
public sealed class SimNetwork(SimRandom random)
{
    private readonly HashSet<(ulong From, ulong To)> blocked = [];
    private readonly Dictionary<ulong, TimeSpan> clogs = [];

    public double DropRate { get; set; }

    public double DuplicateRate { get; set; }

    public TimeSpan MinDelay { get; set; } = TimeSpan.FromMilliseconds(1);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(10);

    public bool IsBlocked(ulong from, ulong to) => blocked.Contains((from, to));

    public void Block(ulong from, ulong to) => blocked.Add((from, to));

    public void Clog(ulong node, TimeSpan extraDelay) => clogs[node] = extraDelay;

    public void Unclog(ulong node) => clogs.Remove(node);

    public void HealAll()
    {
        blocked.Clear();
        clogs.Clear();
    }

    /// <summary>The delays at which copies of <paramref name="message"/> arrive; empty when it is lost.</summary>
    public IReadOnlyList<TimeSpan> Route(Message message)
    {
        if (IsBlocked(message.From, message.To) || random.Chance(DropRate))
        {
            return [];
        }

        var first = Delay(message);
        return random.Chance(DuplicateRate) ? [first, Delay(message)] : [first];
    }

    private TimeSpan Delay(Message message) =>
        random.Between(MinDelay, MaxDelay) + clogs.GetValueOrDefault(message.From) + clogs.GetValueOrDefault(message.To);
}
