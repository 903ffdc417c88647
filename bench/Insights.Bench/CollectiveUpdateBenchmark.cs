using BenchmarkDotNet.Attributes;
using Insights.Propensity.Collective;
using Insights.Propensity.Members;

namespace Insights.Bench;

/// <summary>
/// The movie-side update one ticket causes: attendance count, timeline, audience mix, co-attendance with
/// each of the member's ~100 earlier movies (both directions) and the gap-weighted follow counts.
/// </summary>
[MemoryDiagnoser, MedianColumn]
public class CollectiveUpdateBenchmark
{
    private const int EventsPerInvoke = 1000;
    private SyntheticWorld world = null!;
    private int[][] histories = null!;
    private readonly Random random = new(9);
    private long clock;

    [GlobalSetup]
    public void Setup()
    {
        world = new SyntheticWorld(members: 2000, eventsPerMember: 100);
        histories = [.. world.MemberStates.Take(200).Select(m => m.Movies.ToArray())];
        clock = SyntheticWorld.Start + 200L * 86400;
    }

    [Benchmark(OperationsPerInvoke = EventsPerInvoke)]
    public float ApplyCoAttendance()
    {
        for (var i = 0; i < EventsPerInvoke; i++)
        {
            var history = histories[random.Next(histories.Length)];
            clock += 7;
            world.Collective.Apply(new CoAttendance(SyntheticWorld.PopularMovie(random), clock, +1, 5, history, []));
        }
        return world.Collective.TotalAttendances;
    }
}
