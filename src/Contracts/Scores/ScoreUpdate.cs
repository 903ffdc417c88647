namespace Insights.Contracts.Scores;

/// <summary>
/// The value on `insights.propensity.scores` (compacted, keyed by member id as a decimal string): the member's
/// current score for every candidate movie. A null value (tombstone) means the member was deleted: drop
/// everything held for them. Subscribers keep, per member, only the update with the highest <see cref="Version"/>;
/// an update with a version they already hold is a redelivery with identical content.
/// Personal data never appears here: members and movies are ids.
/// </summary>
public sealed record ScoreUpdate
{
    /// <summary>Version of this contract; readers reject versions they do not know.</summary>
    public const int CurrentSchema = 1;

    public int Schema { get; init; } = CurrentSchema;
    public required long MemberId { get; init; }

    /// <summary>Strictly increases with every new score set of this member (used as Elasticsearch external version).</summary>
    public required long Version { get; init; }

    /// <summary>The model that computed the scores (a new model version rescores everyone).</summary>
    public required string ModelVersion { get; init; }

    /// <summary>The newest source change this score set reflects.</summary>
    public required SourcePosition Source { get; init; }

    /// <summary>When the processors computed the scores (epoch milliseconds, UTC).</summary>
    public required long ComputedAtMs { get; init; }

    /// <summary>Every candidate movie (now showing or coming soon), highest score first.</summary>
    public required IReadOnlyList<MovieScore> Scores { get; init; }

    /// <summary>
    /// Optional coarse demographics (age band, gender) so audience queries can filter without reading the
    /// source's member table; null when the processors do not know them. Added in schema 1 as optional.
    /// </summary>
    public MemberDemographics? Demographics { get; init; }

    /// <summary>
    /// Why the update was sent, one of <see cref="ScoreCauses"/>: the member's own event, or a rescore (catalog,
    /// profiles, model, command) that keeps the source position of the member's last event. Added in schema 1 as
    /// optional: null on updates written before it, which readers cannot tell apart and count as rescores.
    /// </summary>
    public string? Cause { get; init; }
}

/// <summary>
/// One movie's propensity for the member: a calibrated probability that they go to see it. Movies the member
/// has already seen keep a score but say so, and are not recommendations. A value, not an object: every update
/// carries a list of them, and readers holding many members' scores (the API's topic view) keep them inline.
/// </summary>
public readonly record struct MovieScore(int MovieId, double Score, bool Seen);

/// <summary>
/// Where in the source database's history a change sits: the MariaDB GTID when present (domain-server-seq),
/// else binlog file/position/row; <see cref="TsMs"/> is the commit time. Comparable within one source.
/// </summary>
public sealed record SourcePosition
{
    public string? Gtid { get; init; }
    public string? File { get; init; }
    public long Pos { get; init; }
    public int Row { get; init; }
    public long TsMs { get; init; }

    /// <summary>
    /// The later of two positions of one source: by GTID sequence within one domain when both carry GTIDs, else by
    /// binlog file, position and row when both name a file, else by commit time. Ties keep the first.
    /// </summary>
    public static SourcePosition Newest(SourcePosition a, SourcePosition b) => Compare(a, b) >= 0 ? a : b;

    private static int Compare(SourcePosition a, SourcePosition b)
    {
        if (ParseGtid(a.Gtid) is { } ga && ParseGtid(b.Gtid) is { } gb && ga.Domain == gb.Domain) return ga.Sequence.CompareTo(gb.Sequence);
        if (a.File is not null && b.File is not null)
        {
            // Binlog files are numbered with a fixed-width suffix, so ordinal order is creation order.
            var byFile = string.CompareOrdinal(a.File, b.File);
            return byFile != 0 ? byFile : a.Pos != b.Pos ? a.Pos.CompareTo(b.Pos) : a.Row.CompareTo(b.Row);
        }
        return a.TsMs.CompareTo(b.TsMs);
    }

    private static (long Domain, long Sequence)? ParseGtid(string? gtid)
    {
        var parts = gtid?.Split('-');
        return parts is { Length: 3 } && long.TryParse(parts[0], out var domain) && long.TryParse(parts[2], out var sequence) ? (domain, sequence) : null;
    }
}
