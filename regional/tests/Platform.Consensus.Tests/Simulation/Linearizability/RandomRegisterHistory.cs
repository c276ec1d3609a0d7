using Platform.Testing.Linearizability;

namespace Platform.Consensus.Tests.Simulation.Linearizability;

/// <summary>
/// Builds a linearizable history by construction: a real register executes random operations one at a time, each
/// at its own instant, and each operation's interval is then stretched randomly around that instant so that many
/// overlap. Every written value is unique, which lets a test corrupt a read into a provable violation.
/// </summary>
internal static class RandomRegisterHistory
{
    private const long Spacing = 100;

    /// <summary>Wide enough that an operation overlaps with several neighbours on either side.</summary>
    private const int MaximumStretch = 450;

    public static List<KvOperation> Generate(int seed, int operationCount, string key)
    {
        var random = new Random(seed);
        string? current = null;
        var written = new List<string>();
        var history = new List<KvOperation>(operationCount);

        for (var index = 0; index < operationCount; index++)
        {
            var tookEffectAt = (index + 1) * Spacing;
            var invokedAt = tookEffectAt - random.Next(1, MaximumStretch);
            var respondedAt = tookEffectAt + random.Next(1, MaximumStretch);
            var client = random.Next(5);
            var fresh = $"v{index}";
            var roll = random.Next(20);

            if (roll < 8)
            {
                history.Add(new(client, key, KvOperationKind.Get, null, null, invokedAt, new KvOutcome(respondedAt, current, false)));
            }
            else if (roll < 13)
            {
                current = fresh;
                written.Add(fresh);
                history.Add(new(client, key, KvOperationKind.Put, fresh, null, invokedAt, new KvOutcome(respondedAt, null, false)));
            }
            else if (roll < 19)
            {
                // Half the time expect the true value so that Cas succeeds often enough to matter.
                var expected = random.Next(2) == 0 || written.Count == 0 ? current : written[random.Next(written.Count)];
                var succeeded = expected == current;
                if (succeeded)
                {
                    current = fresh;
                    written.Add(fresh);
                }

                history.Add(new(client, key, KvOperationKind.Cas, fresh, expected, invokedAt, new KvOutcome(respondedAt, null, succeeded)));
            }
            else if (random.Next(2) == 0)
            {
                // A write whose client never heard back, although it did take effect.
                current = fresh;
                written.Add(fresh);
                history.Add(new(client, key, KvOperationKind.Put, fresh, null, invokedAt, null));
            }
            else
            {
                // A write whose client never heard back because it was lost: it never takes effect.
                history.Add(new(client, key, KvOperationKind.Put, $"lost{index}", null, invokedAt, null));
            }
        }

        return history;
    }
}
