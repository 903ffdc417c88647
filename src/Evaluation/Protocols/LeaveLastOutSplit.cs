using Insights.Evaluation.Data;

namespace Insights.Evaluation.Protocols;

/// <summary>
/// Leave-last-out: per member, interactions ordered by (timestamp, movie id); the last one is held out,
/// the rest is training data in global time order (timestamp, member, the member's own order). Applied to
/// its own training data it yields the validation split (each member's second-to-last event).
/// </summary>
public sealed class LeaveLastOutSplit
{
    private LeaveLastOutSplit(List<Attendance> train, Dictionary<int, Attendance> heldOut, Dictionary<int, int[]> histories)
    {
        Train = train;
        HeldOut = heldOut;
        Histories = histories;
        var movies = new SortedSet<int>();
        foreach (var a in train) movies.Add(a.MovieId);
        TrainMovies = [.. movies];
    }

    /// <summary>Training attendances in global time order: the order they are replayed through the model.</summary>
    public IReadOnlyList<Attendance> Train { get; }

    /// <summary>The held-out (last) attendance of each member.</summary>
    public IReadOnlyDictionary<int, Attendance> HeldOut { get; }

    /// <summary>Each member's training movies in the member's own order, oldest first.</summary>
    public IReadOnlyDictionary<int, int[]> Histories { get; }

    /// <summary>Every movie that occurs in training, ascending.</summary>
    public int[] TrainMovies { get; }

    public static LeaveLastOutSplit Of(IReadOnlyList<Attendance> attendances)
    {
        var byMember = new Dictionary<int, List<Attendance>>();
        foreach (var a in attendances)
        {
            if (!byMember.TryGetValue(a.MemberId, out var list)) byMember[a.MemberId] = list = [];
            list.Add(a);
        }
        var train = new List<(Attendance Event, int Order)>(attendances.Count);
        var heldOut = new Dictionary<int, Attendance>();
        var histories = new Dictionary<int, int[]>();
        foreach (var (member, list) in byMember)
        {
            list.Sort(static (x, y) => x.AtSeconds != y.AtSeconds ? x.AtSeconds.CompareTo(y.AtSeconds) : x.MovieId.CompareTo(y.MovieId));
            heldOut[member] = list[^1];
            var history = new int[list.Count - 1];
            for (var i = 0; i < list.Count - 1; i++)
            {
                train.Add((list[i], i));
                history[i] = list[i].MovieId;
            }
            histories[member] = history;
        }
        train.Sort(static (x, y) =>
            x.Event.AtSeconds != y.Event.AtSeconds ? x.Event.AtSeconds.CompareTo(y.Event.AtSeconds)
            : x.Event.MemberId != y.Event.MemberId ? x.Event.MemberId.CompareTo(y.Event.MemberId)
            : x.Order.CompareTo(y.Order));
        return new LeaveLastOutSplit([.. train.Select(t => t.Event)], heldOut, histories);
    }
}
