using Insights.Contracts.Scores;
using Insights.Sinks.Elasticsearch;
using Insights.Sinks.Snapshots;
using Insights.TestSupport;

namespace Insights.DevTool.Bench.Chaos;

/// <summary>Where the sink put the final scores, read back for the comparison: the newest S3 snapshot and Elasticsearch.</summary>
public static class FinalScores
{
    /// <summary>
    /// Waits for a snapshot the sink took on its own schedule after the scores settled: one whose every partition file
    /// reaches <paramref name="ends"/> (the scores topic's end offsets once nothing more was written), then reads its
    /// members (each file checked against its size and SHA-256). Returns null when none came within <paramref name="limit"/>.
    /// </summary>
    public static async Task<(SnapshotManifest Manifest, Dictionary<long, ScoreUpdate> Members)?> SnapshotAsync(
        ISnapshotStore store, string prefix, long[] ends, TimeSpan limit, CancellationToken ct)
    {
        var catalog = new SnapshotCatalog(store, prefix);
        SnapshotManifest? covering = null;
        try
        {
            await Poll.UntilAsync(async () =>
            {
                var newest = (await catalog.ListAsync(ct)).LastOrDefault();
                if (newest is not null && Covers(newest, ends)) covering = newest;
                return covering is not null;
            }, () => "a snapshot covering the settled scores topic", limit, ct, TimeSpan.FromSeconds(1));
        }
        catch (WaitTimedOut) { return null; }
        var members = new Dictionary<long, ScoreUpdate>();
        foreach (var file in covering!.Files)
            foreach (var update in await catalog.ReadAsync(file, ct))
                members[update.MemberId] = update;
        return (covering, members);
    }

    private static bool Covers(SnapshotManifest manifest, long[] ends) =>
        Enumerable.Range(0, ends.Length).All(p => manifest.Files.FirstOrDefault(f => f.Partition == p) is { } file && file.EndOffset >= ends[p]);

    /// <summary>Each member's document in the score index (null for a member without one), read with the API's own query.</summary>
    public static async Task<Dictionary<long, MemberPropensities?>> ElasticsearchAsync(string url, string alias, IEnumerable<long> members, CancellationToken ct)
    {
        var settings = new ElasticsearchSettings { Url = url, Alias = alias };
        var queries = new AudienceQueries(settings.CreateClient(), settings);
        var documents = new Dictionary<long, MemberPropensities?>();
        foreach (var member in members) documents[member] = await queries.MemberPropensitiesAsync(member, ct);
        return documents;
    }
}
