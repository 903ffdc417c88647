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
}

/// <summary>
/// One movie's propensity for the member: a calibrated probability that they go to see it. Movies the member
/// has already seen keep a score but say so, and are not recommendations.
/// </summary>
public sealed record MovieScore(int MovieId, double Score, bool Seen);

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
}
