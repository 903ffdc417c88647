using Insights.Evaluation.Data;
using Insights.Evaluation.Protocols;
using Insights.Evaluation.Training;
using Insights.Propensity;
using Insights.Propensity.Catalog;
using Insights.Propensity.Scoring;

namespace Insights.Evaluation.Tests.Training;

public class DepthSamplesTests
{
    private static readonly ModelSettings Settings = ModelSettings.Default;

    /// <summary>25 members, 10 events each, a day apart and interleaved; members tend to move from movie m to m + 1.</summary>
    private static Dataset Synthetic()
    {
        var random = new Random(5);
        var catalog = new MovieCatalog(["A", "B"]);
        for (var id = 1; id <= 30; id++) catalog.Upsert(new Movie(id, (uint)(1 + id % 3), 9000 + id, MovieStatus.Unknown));
        var events = new List<Attendance>();
        for (var m = 0; m < 25; m++)
        {
            var movie = random.Next(1, 20);
            var seen = new HashSet<int>();
            for (var e = 0; e < 10; e++)
            {
                do movie = random.NextDouble() < 0.7 ? movie % 30 + 1 : random.Next(1, 31);
                while (!seen.Add(movie));
                events.Add(new Attendance(m, movie, 900_000_000L + m * 3600 + e * 86400L));
            }
        }
        return new Dataset("synthetic", catalog, new Dictionary<int, byte>(), events);
    }

    // The positive's features as a replay of exactly the given events computes them.
    private static float[] Positive(Dataset dataset, IEnumerable<Attendance> events, int member, int movie)
    {
        var replay = new StreamingReplay(dataset, Settings);
        foreach (var a in events) replay.Apply(a);
        var state = replay.MemberOf(member);
        var features = new float[FeatureNames.Count];
        new FeatureExtractor(Settings, dataset.Catalog).Extract(state, [movie], replay.Collective, state.LastAt ?? 0, features);
        return features;
    }

    [Fact]
    public void A_left_out_case_sees_every_other_members_events_but_not_its_own_from_that_event_on()
    {
        var dataset = Synthetic();
        var split = LeaveLastOutSplit.Of(dataset.Attendances);
        var replay = new StreamingReplay(dataset, Settings);
        replay.ApplyAll(split.Train);
        var extractor = new FeatureExtractor(Settings, dataset.Catalog);
        var before = DepthSamples.FullRanking(replay, split, extractor);

        var groups = DepthSamples.LeaveOut(replay, split, extractor, depths: 3, negatives: 5, seed: 1);

        Assert.Equal(25 * 3, groups.Count);
        foreach (var group in groups.Where(g => g.MemberId is 0 or 7 or 24))
        {
            var history = split.Histories[group.MemberId];
            var cut = history.Length - group.Depth;
            var kept = split.Train.Where(a => a.MemberId != group.MemberId || Array.IndexOf(history, a.MovieId) < cut);
            var expected = Positive(dataset, kept, group.MemberId, history[cut]);
            Assert.Equal(expected, group.Features.AsSpan(0, FeatureNames.Count).ToArray(), (x, y) => Math.Abs(x - y) < 1e-4);
            Assert.Equal(6, group.Count);
        }
        // The refunded events are applied again: the state ranks the held-out events as before.
        var after = DepthSamples.FullRanking(replay, split, extractor);
        for (var g = 0; g < before.Count; g++)
            Assert.Equal(before[g].Features, after[g].Features, (x, y) => Math.Abs(x - y) < 1e-4);
    }

    [Fact]
    public void A_time_ordered_case_sees_only_earlier_events_and_never_repeats_a_movie()
    {
        var dataset = Synthetic();
        var split = LeaveLastOutSplit.Of(dataset.Attendances);
        var extractor = new FeatureExtractor(Settings, dataset.Catalog);

        var groups = DepthSamples.Collect(new StreamingReplay(dataset, Settings), split, extractor, depths: 2, negatives: 50, seed: 1);

        Assert.Equal(25 * 2, groups.Count);
        var group = groups.First(g => g.MemberId == 3 && g.Depth == 2);
        var history = split.Histories[3];
        var target = history[^2];
        var cut = split.Train.ToList().FindIndex(a => a.MemberId == 3 && a.MovieId == target);
        Assert.Equal(Positive(dataset, split.Train.Take(cut), 3, target), group.Features.AsSpan(0, FeatureNames.Count).ToArray());
        // Every unseen training movie but the target is a negative (fewer than 50 exist), none of the member's earlier ones.
        Assert.Equal(split.TrainMovies.Length - (history.Length - 2), group.Count);
        Assert.Equal(group.Count, group.PoolSize);
    }

    [Fact]
    public void A_tree_ranker_puts_the_positive_first_when_one_feature_tells_it()
    {
        var random = new Random(3);
        var width = FeatureNames.Count;
        var groups = new List<SampleGroup>();
        for (var g = 0; g < 200; g++)
        {
            var features = new float[20 * width];
            for (var i = 0; i < features.Length; i++) features[i] = (float)random.NextDouble();
            features[0] += 1; // the positive, listed first, has the higher sequence feature
            groups.Add(new SampleGroup(g, 1, features, 20, 0, 20));
        }

        var ranker = TreeEnsemble.Fit(groups, trees: 20, leaves: 4, learningRate: 0.2);

        Assert.Equal(20, ranker.TreeCount);
        var (_, ndcg) = TreeRankerStudy.Figures(groups, ranker.Score);
        Assert.Equal(1.0, ndcg, 6); // every positive ranked first
        var row = new float[width];
        var top = ranker.Score(row);
        row[0] = 2;
        Assert.True(ranker.Score(row) > top);
    }

    [Fact]
    public void Second_order_coverage_counts_the_members_whose_held_out_movie_follows_their_last_pair()
    {
        // Member 1's history 1 2 3 4 shows 2 3 -> 4 and 3 -> 4; member 2 (last pair 2 3) holds out 4, member 3 (last pair 5 3) holds out 4.
        var events = new List<Attendance>();
        void Add(int member, params int[] movies)
        {
            for (var i = 0; i < movies.Length; i++) events.Add(new Attendance(member, movies[i], 1000 * member + i));
        }
        Add(1, 1, 2, 3, 4, 9);
        Add(2, 2, 3, 4);
        Add(3, 5, 3, 4);

        var coverage = TreeRankerStudy.SecondOrderCoverage(LeaveLastOutSplit.Of(events));

        // Member 1's last pair (3, 4) is followed nowhere; member 2's (2, 3) by 4, unseen and held out; member 3's (5, 3) nowhere.
        Assert.Equal((1 / 3.0, 1 / 3.0, 2 / 3.0), coverage);
    }
}
