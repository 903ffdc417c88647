using Insights.Contracts.Scores;

namespace Insights.Sinks;

/// <summary>
/// One record of the scores topic as the sinks see it: a member's new score set, or their deletion (tombstone).
/// A tombstone carries no version of its own; <see cref="DeletedAfterVersion"/> is the highest version of the
/// member's updates it followed in the same run of records (0 when none), so the deletion can be written with
/// a version above them (see <see cref="Elasticsearch.ScoreIndexWriter"/>).
/// </summary>
public sealed record ScoreChange(long MemberId, ScoreUpdate? Update, long DeletedAfterVersion = 0)
{
    public bool IsDelete => Update is null;

    public static ScoreChange Delete(long memberId) => new(memberId, null);
    public static ScoreChange Of(ScoreUpdate update) => new(update.MemberId, update);

    /// <summary>
    /// The final state per member of a run of changes in topic order: a tombstone wins when it is the member's
    /// last record (remembering the highest version it deleted); otherwise the update with the highest version
    /// after the last tombstone (a redelivered or reordered older version never replaces a newer one). One
    /// change per member, in first-seen order.
    /// </summary>
    public static IReadOnlyList<ScoreChange> Collapse(IEnumerable<ScoreChange> changes)
    {
        var latest = new Dictionary<long, ScoreChange>();
        var highest = new Dictionary<long, long>(); // highest version seen per member, tombstones' included
        var order = new List<long>();
        foreach (var change in changes)
        {
            var seen = highest.GetValueOrDefault(change.MemberId);
            highest[change.MemberId] = Math.Max(seen, change.Update?.Version ?? change.DeletedAfterVersion);
            if (!latest.TryGetValue(change.MemberId, out var held)) { order.Add(change.MemberId); latest[change.MemberId] = change; }
            else if (change.IsDelete) latest[change.MemberId] = change with { DeletedAfterVersion = Math.Max(seen, change.DeletedAfterVersion) };
            // Of equal versions the later wins (a replay re-emits a version with newer content), as in the index and the snapshot.
            else if (held.Update is not { } kept || kept.Version <= change.Update!.Version) latest[change.MemberId] = change;
        }
        return order.Select(id => latest[id]).ToList();
    }
}
