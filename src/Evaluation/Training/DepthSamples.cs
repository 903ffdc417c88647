using Insights.Evaluation.Data;
using Insights.Evaluation.Protocols;
using Insights.Propensity.Scoring;

namespace Insights.Evaluation.Training;

/// <summary>
/// One ranking case: the features of <see cref="Count"/> candidates (row-major, <see cref="FeatureNames.Count"/> wide),
/// the index of the movie the member attended next, and how deep the event lies (1 = the member's newest).
/// <see cref="PoolSize"/> is how many candidates the listed ones were drawn from.
/// </summary>
public sealed record SampleGroup(int MemberId, int Depth, float[] Features, int Count, int Target, int PoolSize);

/// <summary>
/// Ranking cases drawn from the streaming replay. <see cref="Collect"/> replays a split's training events in global
/// time order and, just before each of a member's last <c>depths</c> events (never its first), extracts that
/// movie's features and those of sampled movies the member has not attended, exactly as the member and the
/// collective state stood then: no case sees its own event or any later one. <see cref="FullRanking"/> lists
/// every LLO candidate of each member's held-out event.
/// </summary>
public static class DepthSamples
{
    /// <param name="hardNegatives">How many of the negatives are the unseen movies <paramref name="hardScore"/> ranks highest
    /// (the rest are drawn uniformly from the others); 0 draws them all uniformly.</param>
    public static List<SampleGroup> Collect(StreamingReplay replay, LeaveLastOutSplit split, FeatureExtractor extractor, int depths,
        int negatives, int seed, int hardNegatives = 0, Func<float[], float>? hardScore = null)
    {
        var sampler = new NegativeSampler(split, extractor, negatives, seed, hardNegatives, hardScore);
        var position = new Dictionary<int, int>();
        var groups = new List<SampleGroup>();
        foreach (var attendance in split.Train)
        {
            var member = attendance.MemberId;
            var history = split.Histories[member];
            var index = position.GetValueOrDefault(member);
            position[member] = index + 1;
            var depth = history.Length - index;
            if (index > 0 && depth <= depths) groups.Add(sampler.Group(replay, member, history, index, depth));
            replay.Apply(attendance);
        }
        return groups;
    }

    /// <summary>
    /// The same cases drawn the way LLO scores its held-out events: after the whole replay, each member's newest
    /// <c>depths</c> events are retracted one at a time (refunds through the member and collective state) and each is
    /// ranked against the state without it and without the member's later events, but with every other member's
    /// events; then they are applied again. The replay must hold all of the split's training events.
    /// </summary>
    public static List<SampleGroup> LeaveOut(StreamingReplay replay, LeaveLastOutSplit split, FeatureExtractor extractor, int depths,
        int negatives, int seed, int hardNegatives = 0, Func<float[], float>? hardScore = null)
    {
        var sampler = new NegativeSampler(split, extractor, negatives, seed, hardNegatives, hardScore);
        var groups = new List<SampleGroup>();
        var retracted = new List<Attendance>();
        foreach (var member in split.Histories.Keys.Order())
        {
            var history = split.Histories[member];
            var state = replay.MemberOf(member);
            retracted.Clear();
            for (var depth = 1; depth <= depths && depth < history.Length; depth++)
            {
                var index = history.Length - depth;
                if (state.Movies[^1] != history[index])
                    throw new InvalidOperationException($"member {member}: newest state movie {state.Movies[^1]} is not history movie {history[index]}");
                retracted.Add(new Attendance(member, state.Movies[^1], state.Times[^1]));
                replay.Refund(member, state.Tickets[^1]);
                groups.Add(sampler.Group(replay, member, history, index, depth));
            }
            for (var i = retracted.Count - 1; i >= 0; i--) replay.Apply(retracted[i]);
        }
        return groups;
    }

    // The positive (the member's event at history[index], listed first) and its negatives, against the replay's state.
    private sealed class NegativeSampler(LeaveLastOutSplit split, FeatureExtractor extractor, int negatives, int seed,
        int hardNegatives, Func<float[], float>? hardScore)
    {
        private readonly Random random = new(seed);
        private readonly HashSet<int> seen = [];
        private readonly float[] row = new float[FeatureNames.Count];

        public SampleGroup Group(StreamingReplay replay, int member, int[] history, int index, int depth)
        {
            var width = FeatureNames.Count;
            var target = history[index];
            seen.Clear();
            seen.UnionWith(history.AsSpan(0, index).ToArray());
            seen.Add(target);
            var others = split.TrainMovies.Where(m => !seen.Contains(m)).ToArray();
            var pool = others.Length + 1;
            var state = replay.MemberOf(member);
            var chosen = new List<int>(negatives + 1) { target };
            var hard = hardScore is null ? 0 : Math.Min(hardNegatives, negatives);
            if (hard > 0)
            {
                var all = new float[others.Length * width];
                extractor.Extract(state, others, replay.Collective, state.LastAt ?? 0, all);
                var scores = new float[others.Length];
                for (var c = 0; c < others.Length; c++)
                {
                    all.AsSpan(c * width, width).CopyTo(row);
                    scores[c] = -hardScore!(row);
                }
                var order = Enumerable.Range(0, others.Length).ToArray();
                Array.Sort(scores, order);
                var top = order.Take(hard).ToHashSet();
                chosen.AddRange(top.Select(c => others[c]));
                others = [.. others.Where((_, c) => !top.Contains(c))];
            }
            random.Shuffle(others);
            chosen.AddRange(others.Take(negatives + 1 - chosen.Count));
            var features = new float[chosen.Count * width];
            extractor.Extract(state, chosen.ToArray(), replay.Collective, state.LastAt ?? 0, features);
            return new SampleGroup(member, depth, features, chosen.Count, 0, pool);
        }
    }

    /// <summary>Every held-out event of a member with training history, ranked among all its LLO candidates.</summary>
    public static List<SampleGroup> FullRanking(StreamingReplay replay, LeaveLastOutSplit split, FeatureExtractor extractor)
    {
        var width = FeatureNames.Count;
        var candidates = new LloCandidates(split);
        var groups = new List<SampleGroup>();
        foreach (var member in split.HeldOut.Keys.Where(m => split.Histories[m].Length > 0).Order())
        {
            var (list, target) = candidates.For(member, split.HeldOut[member].MovieId);
            var state = replay.MemberOf(member);
            var features = new float[list.Length * width];
            extractor.Extract(state, list, replay.Collective, state.LastAt ?? 0, features);
            groups.Add(new SampleGroup(member, 0, features, list.Length, target, list.Length));
        }
        return groups;
    }
}
