using Platform.Regional.Namespaces;

namespace Platform.Global.Tests.Simulation;

/// <summary>What one seed did.</summary>
public sealed record ReplicationRunReport(int Seed, int Acknowledged, int LostPastFork, int Switchovers, int Failovers, int Aborted, long FinalEpoch);

/// <summary>
/// One seeded run of a local-commit namespace over three regions: writes at whichever region holds
/// the home lease, copies pulling the home's feed, the operator moving the home (switchovers and
/// unplanned failovers) while regions freeze (and wake with their clocks gone on) and get cut off,
/// then a quiet phase with every fault healed, then the checks.
/// </summary>
public static class ReplicationSimulation
{
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromMilliseconds(600);
    public const double Rho = 0.01;
    private const long Second = 1_000_000;

    public static (ReplicationRunReport Report, string? Failure, IReadOnlyList<string> Trace) Run(int seed)
    {
        var world = new SimWorld(seed);
        string[] names = ["eu-west", "us-east", "ap-south"];
        var settings = new NamespaceSettings(NamespaceMode.LocalCommit, names[0], TimeSpan.FromSeconds(5), RpoPolicy.Alert, false);
        var catalog = new SimCatalog("orders", names[0], settings);
        var checker = new SimChecker(world, catalog);
        var regions = new Dictionary<string, SimRegion>();
        foreach (var name in names)
        {
            regions[name] = new SimRegion(name, world, catalog, checker, regions, LeaseDuration, Rho);
        }

        var mover = new SimOperator(world, catalog, regions, LeaseDuration, Rho);
        foreach (var region in regions.Values)
        {
            region.Start();
        }

        var faultsUntil = 12 * Second;
        ScheduleFaults(world, names, faultsUntil);
        ScheduleMoves(world, mover, faultsUntil);
        try
        {
            world.RunUntil(faultsUntil);
            foreach (var region in regions.Values)
            {
                region.Writing = false;
            }

            // Let a move in progress finish, then heal everything and let the copies settle.
            world.RunUntil(faultsUntil + (3 * Second));
            world.HealAll();
            world.RunUntil(faultsUntil + (10 * Second));
            if (!mover.Moving)
            {
                checker.CheckConverged(regions.Values);
            }
            else
            {
                checker.Fail("a move was still in progress at the end of the run");
            }
        }
        catch (Exception crash) when (crash is InvalidOperationException or InvalidDataException or ArgumentException)
        {
            checker.Fail($"crashed: {crash.GetType().Name}: {crash.Message}");
        }

        var report = new ReplicationRunReport(seed, checker.AcknowledgedCount, checker.LostPastFork, mover.Switchovers, mover.Failovers, mover.Aborted, catalog.Epoch);
        return (report, checker.Failures.Count == 0 ? null : string.Join("; ", checker.Failures.Take(3)), world.Trace);
    }

    private static void ScheduleFaults(SimWorld world, string[] names, long until)
    {
        for (var at = world.Random.NextInt64(200_000, 800_000); at < until; at += world.Random.NextInt64(300_000, 1_500_000))
        {
            var region = names[world.Random.Next(names.Length)];
            var freeze = world.Random.Next(2) == 0;
            var duration = world.Random.NextInt64(20_000, 2 * Second);
            world.At(at, null, () =>
            {
                if (freeze)
                {
                    world.Freeze(region, duration);
                }
                else
                {
                    world.Cut(region, duration);
                }
            });
        }
    }

    private static void ScheduleMoves(SimWorld world, SimOperator mover, long until)
    {
        for (var at = world.Random.NextInt64(500_000, 1_500_000); at < until; at += world.Random.NextInt64(800_000, 2_500_000))
        {
            var planned = world.Random.Next(2) == 0;
            world.At(at, null, () => mover.Move(planned));
        }
    }
}
