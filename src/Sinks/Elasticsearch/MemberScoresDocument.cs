using Insights.Contracts.Scores;

namespace Insights.Sinks.Elasticsearch;

/// <summary>
/// One Elasticsearch document per member (id = member id, external version = <see cref="ScoreUpdate.Version"/>):
/// the shape chosen in docs/sinks.md. <see cref="Audience"/> is a `rank_features` field holding the scores of
/// the movies the member has not seen, so "top N members for movie X" is one rank_feature query on
/// `audience.X`; <see cref="Movies"/> is stored but not indexed and holds every score in order, so "a member's
/// top movies" is one get by id. One write per score update, whatever the number of candidate movies.
/// </summary>
public sealed record MemberScoresDocument
{
    public required long MemberId { get; init; }
    public required long Version { get; init; }
    public required string ModelVersion { get; init; }
    public required long ComputedAtMs { get; init; }
    public required long SourceTsMs { get; init; }
    public string? AgeBand { get; init; }
    public string? Gender { get; init; }

    /// <summary>Movie id (as text) -> score, unseen movies with a positive score only (rank_features reject 0).</summary>
    public required Dictionary<string, float> Audience { get; init; }

    /// <summary>
    /// The entries of <see cref="Audience"/> with exact scores, as nested objects the score histogram aggregates
    /// (rank features cannot be aggregated). Null on documents written before the field was added.
    /// </summary>
    public IReadOnlyList<AudienceScore>? AudienceScores { get; init; }

    /// <summary>Every candidate movie, highest score first, with exact scores.</summary>
    public required IReadOnlyList<MovieScore> Movies { get; init; }

    /// <summary>
    /// True on a deletion marker: what a member tombstone leaves instead of removing the document, so its
    /// external version keeps refusing older updates for good (a plain delete remembers its version only
    /// for `index.gc_deletes`, 60 s). A marker has no scores, so no query finds it; a get treats it as absent.
    /// </summary>
    public bool? Deleted { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsDeletionMarker => Deleted == true;

    /// <summary>The deletion marker of a member (written with an external version above every update it replaces).</summary>
    public static MemberScoresDocument Deletion(long memberId, long version) => new()
    {
        MemberId = memberId,
        Version = version,
        ModelVersion = "",
        ComputedAtMs = 0,
        SourceTsMs = 0,
        Audience = [],
        Movies = [],
        Deleted = true,
    };

    public static MemberScoresDocument From(ScoreUpdate update)
    {
        var audience = InAudience(update).ToList();
        return new()
        {
            MemberId = update.MemberId,
            Version = update.Version,
            ModelVersion = update.ModelVersion,
            ComputedAtMs = update.ComputedAtMs,
            SourceTsMs = update.Source.TsMs,
            AgeBand = update.Demographics?.AgeBand,
            Gender = update.Demographics?.Gender,
            Audience = audience.ToDictionary(s => s.MovieId.ToString(System.Globalization.CultureInfo.InvariantCulture), s => (float)s.Score),
            AudienceScores = [.. audience.Select(s => new AudienceScore(s.MovieId, s.Score))],
            Movies = [.. update.Scores.OrderByDescending(s => s.Score).ThenBy(s => s.MovieId)],
        };
    }

    // Unseen movies with a score a rank feature takes (a positive normal float): the one audience both fields hold.
    private static IEnumerable<MovieScore> InAudience(ScoreUpdate update) =>
        update.Scores.Where(s => !s.Seen && s.Score > 0 && float.IsNormal((float)s.Score));
}

/// <summary>One movie's score in <see cref="MemberScoresDocument.AudienceScores"/>.</summary>
public sealed record AudienceScore(int MovieId, double Score);
