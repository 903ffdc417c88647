using BenchmarkDotNet.Attributes;
using Insights.Propensity.Members;
using Insights.Propensity.Scoring;

namespace Insights.Bench;

/// <summary>
/// The member-side hot path: apply one ticket event to a member's state, then rescore the 50 candidate
/// movies against the collective view. Reported per event (OperationsPerInvoke). To stay in a steady
/// state however many events BenchmarkDotNet runs, a member over <see cref="MaxHistory"/> attendances
/// also gets its oldest ticket retracted in the same operation (both methods do this, so the ratio holds).
/// </summary>
[MemoryDiagnoser, MedianColumn]
public class MemberEventBenchmark
{
    private const int EventsPerInvoke = 1000;
    private const int MaxHistory = 150;
    private SyntheticWorld world = null!;
    private PropensityScorer scorer = null!;
    private readonly CandidateScore[] scores = new CandidateScore[SyntheticWorld.Candidates];
    private readonly Random random = new(5);
    private long clock;

    [GlobalSetup]
    public void Setup()
    {
        world = new SyntheticWorld(members: 2000, eventsPerMember: 100);
        scorer = new PropensityScorer(world.Model, world.Catalog);
        clock = SyntheticWorld.Start + 200L * 86400;
    }

    /// <summary>Baseline: the same events applied to member state without rescoring.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = EventsPerInvoke)]
    public int ApplyTicketOnly()
    {
        var count = 0;
        for (var i = 0; i < EventsPerInvoke; i++)
        {
            var member = world.MemberStates[random.Next(world.MemberStates.Count)];
            var movie = SyntheticWorld.PopularMovie(random);
            clock += 7;
            member.Apply(new TicketEvent(world.NextTicket++, member.MemberId, movie, clock), world.Catalog.Find(movie)!.Genres, world.Settings);
            KeepSteady(member);
            count += member.Count;
        }
        return count;
    }

    [Benchmark(OperationsPerInvoke = EventsPerInvoke)]
    public float ApplyTicketAndRescore50()
    {
        float sum = 0;
        for (var i = 0; i < EventsPerInvoke; i++)
        {
            var member = world.MemberStates[random.Next(world.MemberStates.Count)];
            var movie = SyntheticWorld.PopularMovie(random);
            clock += 7;
            member.Apply(new TicketEvent(world.NextTicket++, member.MemberId, movie, clock), world.Catalog.Find(movie)!.Genres, world.Settings);
            KeepSteady(member);
            scorer.Score(member, world.CandidateMovies, world.Collective, clock, scores);
            sum += scores[0].Probability;
        }
        return sum;
    }

    private void KeepSteady(MemberState member)
    {
        if (member.Count <= MaxHistory) return;
        var oldest = member.Movies[0];
        member.Apply(new TicketEvent(member.Tickets[0], member.MemberId, oldest, member.Times[0], IsRefund: true),
            world.Catalog.Find(oldest)!.Genres, world.Settings);
    }
}
