using Platform.Testing.Linearizability;

namespace Platform.Consensus.Tests.Simulation.Linearizability;

public sealed class LinearizabilityCheckerTests
{
    private const string Key = "k";

    private static KvOperation Put(string value, long invokedAt, long? respondedAt, string key = Key, int client = 1) =>
        new(client, key, KvOperationKind.Put, value, null, invokedAt, respondedAt is { } at ? new KvOutcome(at, null, false) : null);

    private static KvOperation Get(string? read, long invokedAt, long? respondedAt, string key = Key, int client = 2) =>
        new(client, key, KvOperationKind.Get, null, null, invokedAt, respondedAt is { } at ? new KvOutcome(at, read, false) : null);

    private static KvOperation Cas(string? expected, string value, bool succeeded, long invokedAt, long? respondedAt, string key = Key, int client = 3) =>
        new(client, key, KvOperationKind.Cas, value, expected, invokedAt, respondedAt is { } at ? new KvOutcome(at, null, succeeded) : null);

    private static void AssertViolation(LinearizabilityResult result, string key = Key)
    {
        Assert.True(result.Verdict == LinearizabilityVerdict.Violation, result.Explanation);
        Assert.Equal(key, result.Key);
    }

    private static void AssertOk(LinearizabilityResult result) =>
        Assert.True(result.Verdict == LinearizabilityVerdict.Ok, result.Explanation);

    [Fact]
    public void An_empty_history_is_linearizable()
    {
        AssertOk(LinearizabilityChecker.Check([]));
    }

    [Fact]
    public void A_sequential_history_is_linearizable()
    {
        AssertOk(LinearizabilityChecker.Check(
        [
            Get(null, 0, 10),
            Cas(null, "a", true, 20, 30),
            Get("a", 40, 50),
            Put("b", 60, 70),
            Cas("a", "c", false, 80, 90),
            Get("b", 100, 110),
            Cas("b", "c", true, 120, 130),
            Get("c", 140, 150),
        ]));
    }

    [Fact]
    public void Overlapping_operations_with_a_valid_order_are_linearizable()
    {
        // The write of "b" spans both reads, so the first may miss it and the second see it.
        AssertOk(LinearizabilityChecker.Check(
        [
            Put("a", 0, 10),
            Put("b", 20, 100, client: 1),
            Get("a", 30, 40, client: 2),
            Get("b", 50, 60, client: 3),
            Cas("b", "c", true, 55, 120, client: 4),
            Get("b", 65, 70, client: 5),
            Get("c", 110, 130, client: 2),
        ]));
    }

    [Fact]
    public void Operations_that_only_touch_in_time_count_as_concurrent()
    {
        AssertOk(LinearizabilityChecker.Check([Put("a", 0, 10), Get(null, 10, 20)]));
    }

    [Fact]
    public void A_stale_read_after_a_completed_write_is_a_violation()
    {
        AssertViolation(LinearizabilityChecker.Check([Put("a", 0, 10), Put("b", 20, 30), Get("a", 40, 50)]));
    }

    [Fact]
    public void Seeing_a_new_value_and_then_the_old_one_is_a_violation()
    {
        AssertViolation(LinearizabilityChecker.Check(
        [
            Put("a", 0, 10),
            Put("b", 20, 100),
            Get("b", 30, 40),
            Get("a", 50, 60),
        ]));
    }

    [Fact]
    public void Reading_a_value_never_written_is_a_violation()
    {
        AssertViolation(LinearizabilityChecker.Check([Put("a", 0, 10), Get("ghost", 5, 20)]));
    }

    [Fact]
    public void A_cas_that_succeeds_against_the_wrong_value_is_a_violation()
    {
        AssertViolation(LinearizabilityChecker.Check([Put("a", 0, 10), Cas("other", "b", true, 20, 30)]));
    }

    [Fact]
    public void A_cas_that_fails_although_the_expected_value_is_there_is_a_violation()
    {
        AssertViolation(LinearizabilityChecker.Check([Put("a", 0, 10), Cas("a", "b", false, 20, 30)]));
    }

    [Fact]
    public void Two_concurrent_cas_on_the_same_expected_value_cannot_both_succeed()
    {
        AssertViolation(LinearizabilityChecker.Check(
        [
            Put("a", 0, 10),
            Cas("a", "b", true, 20, 40, client: 3),
            Cas("a", "c", true, 25, 45, client: 4),
        ]));
    }

    [Fact]
    public void Two_concurrent_cas_on_the_same_expected_value_may_succeed_once()
    {
        AssertOk(LinearizabilityChecker.Check(
        [
            Put("a", 0, 10),
            Cas("a", "b", true, 20, 40, client: 3),
            Cas("a", "c", false, 25, 45, client: 4),
            Get("b", 50, 60),
        ]));
    }

    [Fact]
    public void A_write_without_a_response_can_explain_a_later_read()
    {
        AssertOk(LinearizabilityChecker.Check([Put("a", 0, 10), Put("b", 20, null), Get("b", 100, 110)]));
    }

    [Fact]
    public void A_write_without_a_response_may_never_have_taken_effect()
    {
        AssertOk(LinearizabilityChecker.Check([Put("a", 0, 10), Put("b", 20, null), Get("a", 100, 110)]));
    }

    [Fact]
    public void A_write_without_a_response_still_takes_effect_only_once()
    {
        // Once a read saw "b", the write is placed; the older value cannot come back afterwards.
        AssertViolation(LinearizabilityChecker.Check([Put("a", 0, 10), Put("b", 20, null), Get("b", 100, 110), Get("a", 120, 130)]));
    }

    [Fact]
    public void A_write_without_a_response_cannot_explain_a_read_that_ended_before_its_invocation()
    {
        AssertViolation(LinearizabilityChecker.Check([Get("b", 0, 10), Put("b", 20, null)]));
    }

    [Fact]
    public void A_cas_without_a_response_may_or_may_not_have_succeeded()
    {
        AssertOk(LinearizabilityChecker.Check([Put("a", 0, 10), Cas("a", "b", false, 20, null), Get("b", 30, 40)]));
        AssertOk(LinearizabilityChecker.Check([Put("a", 0, 10), Cas("a", "b", false, 20, null), Get("a", 30, 40)]));
    }

    [Fact]
    public void A_cas_without_a_response_whose_expected_value_never_held_need_not_be_placed()
    {
        AssertOk(LinearizabilityChecker.Check([Put("a", 0, 10), Cas("other", "b", true, 20, null), Get("a", 30, 40)]));
    }

    [Fact]
    public void A_read_without_a_response_is_ignored()
    {
        AssertOk(LinearizabilityChecker.Check([Put("a", 0, 10), Get("never written", 20, null)]));
    }

    [Fact]
    public void Keys_are_checked_independently_and_the_broken_one_is_named()
    {
        var result = LinearizabilityChecker.Check(
        [
            Put("a1", 0, 10, key: "a"),
            Put("b1", 0, 10, key: "b"),
            Get("a1", 20, 30, key: "a"),
            Get(null, 20, 30, key: "b"),
            Get(null, 40, 50, key: "c"),
        ]);

        AssertViolation(result, key: "b");
    }

    [Fact]
    public void A_value_written_to_one_key_does_not_satisfy_a_read_of_another()
    {
        AssertViolation(LinearizabilityChecker.Check([Put("x", 0, 10, key: "a"), Get("x", 20, 30, key: "b")]), key: "b");
    }

    [Fact]
    public void The_explanation_shows_the_order_found_and_why_nothing_could_follow_it()
    {
        var result = LinearizabilityChecker.Check([Put("a", 0, 10), Put("b", 20, 30), Get("a", 40, 50)]);

        Assert.Equal(
            """
            Key "k" is not linearizable (3 operations on it, 0 without a response).
            Longest order found that respects real time and the register: 2 operations, leaving "b".
              #0 client 1 Put(k, "a") invoked 0, returned 10
              #1 client 1 Put(k, "b") invoked 20, returned 30
            Then #2 client 2 Get(k) invoked 40, returned 50: read "a" had to take effect before it returned at 50, but none of the operations allowed next fits:
              #2 client 2 Get(k) invoked 40, returned 50: read "a": the register held "b"
            """,
            result.Explanation);
    }

    [Fact]
    public void A_search_that_runs_out_of_steps_is_unknown_rather_than_a_violation()
    {
        var history = RandomRegisterHistory.Generate(seed: 7, operationCount: 50, Key);

        var result = LinearizabilityChecker.Check(history, stepBudgetPerKey: 3);

        Assert.Equal(LinearizabilityVerdict.Unknown, result.Verdict);
        Assert.Equal(Key, result.Key);
    }

    [Fact]
    public void A_return_before_the_invocation_is_refused()
    {
        Assert.Throws<ArgumentException>(() => LinearizabilityChecker.Check([Put("a", 10, 5)]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_random_real_execution_is_linearizable(int seed)
    {
        var history = RandomRegisterHistory.Generate(seed, operationCount: 200, Key);

        AssertOk(LinearizabilityChecker.Check(history));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_random_execution_with_one_read_seeing_the_future_is_a_violation(int seed)
    {
        var history = RandomRegisterHistory.Generate(seed, operationCount: 200, Key);

        // Values are unique, so a value written by an operation invoked after the read returned cannot be what it saw.
        var readIndex = history.FindIndex(50, operation => operation.Kind == KvOperationKind.Get);
        var read = history[readIndex];
        var future = history.First(operation => operation.Kind != KvOperationKind.Get && operation.InvokedAt > read.Outcome!.RespondedAt);
        history[readIndex] = read with { Outcome = read.Outcome! with { ReadValue = future.Value } };

        var result = LinearizabilityChecker.Check(history);

        AssertViolation(result);
        Assert.StartsWith("Key \"k\" is not linearizable", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void The_search_agrees_with_brute_force_on_small_random_histories()
    {
        // A narrow time range makes overlaps and equal timestamps common; random answers make both verdicts common.
        var random = new Random(11);
        string?[] values = [null, "a", "b"];
        var verdicts = new HashSet<bool>();

        for (var round = 0; round < 3000; round++)
        {
            var history = new List<KvOperation>();
            for (var index = random.Next(1, 8); index > 0; index--)
            {
                var invokedAt = random.Next(20);
                long? respondedAt = random.Next(6) == 0 ? null : invokedAt + random.Next(8);
                var outcome = respondedAt is { } at ? new KvOutcome(at, values[random.Next(3)], random.Next(2) == 0) : null;
                history.Add(random.Next(3) switch
                {
                    0 => new KvOperation(1, Key, KvOperationKind.Put, values[random.Next(1, 3)], null, invokedAt, outcome),
                    1 => new KvOperation(2, Key, KvOperationKind.Get, null, null, invokedAt, outcome),
                    _ => new KvOperation(3, Key, KvOperationKind.Cas, values[random.Next(1, 3)], values[random.Next(3)], invokedAt, outcome),
                });
            }

            var expected = BruteForceRegisterChecker.IsLinearizable(history);
            var actual = LinearizabilityChecker.Check(history).Verdict;

            Assert.True(
                (expected ? LinearizabilityVerdict.Ok : LinearizabilityVerdict.Violation) == actual,
                $"Brute force says {(expected ? "linearizable" : "not linearizable")}, the search says {actual}:\n{string.Join('\n', history.Select((operation, index) => OperationText.Describe(index, operation)))}");
            verdicts.Add(expected);
        }

        Assert.Equal(2, verdicts.Count);
    }
}
