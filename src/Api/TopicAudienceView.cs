using System.Collections.Concurrent;
using Insights.Contracts.Scores;
using Insights.Sinks;
using Insights.Sinks.Elasticsearch;

namespace Insights.Api;

/// <summary>
/// The current score set of every member, held in memory from the compacted scores topic (newest version per
/// member, a tombstone drops the member), answering the audience questions by scanning it. One writer (the
/// topic follower) and any number of readers; a scan sees each member's newest or previous set, never a mix.
/// Sized for one process's memory: about 1 KB per member per 20 candidate movies.
/// </summary>
public sealed class TopicAudienceView : IAudienceSource
{
    private readonly ConcurrentDictionary<long, ScoreUpdate> members = new();

    public int Count => members.Count;

    /// <summary>Applies one record of the topic; a version at or below the one held changes nothing.</summary>
    public void Apply(ScoreChange change)
    {
        if (change.Update is not { } update) { members.TryRemove(change.MemberId, out _); return; }
        // Of equal versions the later wins: a worker replaying a member's events re-emits a version with newer content.
        if (members.TryGetValue(update.MemberId, out var held) && held.Version > update.Version) return;
        members[update.MemberId] = update;
    }

    public Task<AudiencePage> TopAudienceAsync(AudienceQuery query, CancellationToken ct)
    {
        if (query.Top is < 1 or > AudienceQueries.MaxTop) throw new ArgumentOutOfRangeException(nameof(query), query.Top, $"top must be 1..{AudienceQueries.MaxTop}");
        (double Score, long MemberId)? after = query.After is { } cursor ? AudienceCursor.Read(cursor) : null;
        // One more than the page, to know whether another page follows.
        var members = Filtered(query)
            .Where(a => after is not var (score, member) || a.Score < score || a.Score == score && a.Update.MemberId > member)
            .Select(a => new AudienceMember(a.Update.MemberId, a.Score, a.Update.Demographics?.AgeBand, a.Update.Demographics?.Gender))
            .OrderByDescending(m => m.Score).ThenBy(m => m.MemberId)
            .Take(query.Top + 1)
            .ToList();
        if (members.Count <= query.Top) return Task.FromResult(new AudiencePage(members, null));
        var last = members[query.Top - 1];
        return Task.FromResult(new AudiencePage(members[..query.Top], AudienceCursor.After(last.Score, last.MemberId)));
    }

    /// <summary>The movie's audience within the query's demographics and score floor.</summary>
    private IEnumerable<(ScoreUpdate Update, double Score)> Filtered(AudienceQuery query) => Audience(query.MovieId)
        .Where(a => query.AgeBand is not { } age || a.Update.Demographics?.AgeBand == age)
        .Where(a => query.Gender is not { } gender || a.Update.Demographics?.Gender == gender)
        .Where(a => query.MinScore is not { } floor || a.Score >= floor);

    public Task<MemberPropensities?> MemberPropensitiesAsync(long memberId, CancellationToken ct) =>
        Task.FromResult(members.TryGetValue(memberId, out var u)
            ? new MemberPropensities(u.MemberId, u.Version, u.ModelVersion, u.ComputedAtMs,
                u.Scores.OrderByDescending(s => s.Score).ThenBy(s => s.MovieId).ToList())
            : null);

    public Task<CampaignSize> CampaignSizeAsync(AudienceQuery query, CancellationToken ct)
    {
        var audience = Filtered(query)
            .OrderByDescending(a => a.Score).ThenBy(a => a.Update.MemberId)
            .Select(a => (a.Score, a.Update.Demographics?.AgeBand, a.Update.Demographics?.Gender))
            .ToList();
        return Task.FromResult(CampaignSize.Of(query.MovieId, query.Top, audience));
    }

    public Task<AudienceTotal> AudienceTotalAsync(int movieId, CancellationToken ct)
    {
        var (members, expected) = (0, 0.0);
        foreach (var (_, score) in Audience(movieId)) (members, expected) = (members + 1, expected + score);
        return Task.FromResult(new AudienceTotal(members, expected));
    }

    public Task<ScoreHistogram> HistogramAsync(int movieId, int bins, CancellationToken ct) =>
        Task.FromResult(ScoreHistogram.Of(movieId, bins, Audience(movieId).Select(a => a.Score)));

    /// <summary>
    /// The movie's audience: members with a score for it who have not seen it. Like the index, a score of 0
    /// is not an audience member (rank features must be positive), so both sources answer alike.
    /// </summary>
    private IEnumerable<(ScoreUpdate Update, double Score)> Audience(int movieId)
    {
        foreach (var update in members.Values)
            foreach (var score in update.Scores)
                if (score.MovieId == movieId)
                {
                    if (!score.Seen && score.Score > 0) yield return (update, score.Score);
                    break;
                }
    }
}
