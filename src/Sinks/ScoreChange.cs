using Insights.Contracts.Scores;

namespace Insights.Sinks;

/// <summary>One record of the scores topic as the sinks see it: a member's new score set, or their deletion (tombstone).</summary>
public sealed record ScoreChange(long MemberId, ScoreUpdate? Update)
{
    public bool IsDelete => Update is null;

    public static ScoreChange Delete(long memberId) => new(memberId, null);
    public static ScoreChange Of(ScoreUpdate update) => new(update.MemberId, update);

    /// <summary>
    /// The final state per member of a run of changes in topic order: a tombstone wins when it is the member's
    /// last record; otherwise the update with the highest version after the last tombstone (a redelivered or
    /// reordered older version never replaces a newer one). One change per member, in first-seen order.
    /// </summary>
    public static IReadOnlyList<ScoreChange> Collapse(IEnumerable<ScoreChange> changes)
    {
        var latest = new Dictionary<long, ScoreChange>();
        var order = new List<long>();
        foreach (var change in changes)
        {
            if (!latest.TryGetValue(change.MemberId, out var held)) order.Add(change.MemberId);
            else if (!change.IsDelete && held.Update is { } kept && kept.Version >= change.Update!.Version) continue;
            latest[change.MemberId] = change;
        }
        return order.Select(id => latest[id]).ToList();
    }
}
