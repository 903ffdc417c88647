using Insights.Api.Access;
using Insights.Contracts.Cinema;
using Insights.Contracts.Topics;

namespace Insights.Api;

/// <summary>
/// Where the audience API answers from. Bound from configuration section `Api` (env: Api__Source...).
/// `elasticsearch` (default) queries the score index; `scores-topic` keeps its own in-memory view of the
/// compacted scores topic, for deployments (and machines) without Elasticsearch.
/// </summary>
public sealed record ApiSettings
{
    public const string Section = "Api";
    public const string ElasticsearchSource = "elasticsearch";
    public const string ScoresTopicSource = "scores-topic";

    /// <summary>Where the answers come from: `elasticsearch` (the score index) or `scores-topic` (an in-memory view of the scores topic).</summary>
    public string Source { get; init; } = ElasticsearchSource;

    /// <summary>The score topic the view and the live stats follow.</summary>
    public string ScoresTopic { get; init; } = TopicNames.Scores;

    /// <summary>The movies CDC topic that gives the page its titles and statuses.</summary>
    public string MoviesTopic { get; init; } = CinemaTables.Topic(CinemaTables.Movies);

    /// <summary>How many seconds of per-second stats the API keeps for `GET /stats`.</summary>
    public int StatsWindowSeconds { get; init; } = 300;

    /// <summary>
    /// librdkafka fetch.wait.max.ms of the API's topic followers: how long a broker may hold a fetch while it has no new
    /// data. librdkafka's 500 let a broker that holds fetches to the end (the local mock) add up to half a second to every
    /// score's arrival, a sawtooth on the page's latency chart; 10 costs about 100 empty fetches a second per topic.
    /// </summary>
    public int FetchWaitMaxMs { get; init; } = 10;

    /// <summary>Seconds between the samples of each coming-soon movie's expected audience that `GET /movies/coming-soon` reads momentum from.</summary>
    public int TrendSampleSeconds { get; init; } = 60;

    /// <summary>Who may call the data routes (section Api:Auth): at least one API key or an OpenID Connect provider.</summary>
    public ApiAuthSettings Auth { get; init; } = new();

    /// <summary>Requests per client (section Api:RateLimit).</summary>
    public ApiRateLimitSettings RateLimit { get; init; } = new();

    public bool FromTopic => Source == ScoresTopicSource;

    /// <summary>The first of <see cref="Problems"/>, or null when the settings are usable.</summary>
    public string? Problem() => Problems().FirstOrDefault();

    /// <summary>Every wrong setting, one line each naming the key as `Api:...`.</summary>
    public IEnumerable<string> Problems()
    {
        if (Source is not (ElasticsearchSource or ScoresTopicSource))
            yield return $"{Section}:Source has '{Source}', expected {ElasticsearchSource} or {ScoresTopicSource}";
        if (string.IsNullOrWhiteSpace(ScoresTopic)) yield return $"{Section}:ScoresTopic is required";
        if (string.IsNullOrWhiteSpace(MoviesTopic)) yield return $"{Section}:MoviesTopic is required";
        if (StatsWindowSeconds is < 10 or > 3600) yield return $"{Section}:StatsWindowSeconds must be 10..3600, got {StatsWindowSeconds}";
        if (FetchWaitMaxMs is < 1 or > 300_000) yield return $"{Section}:FetchWaitMaxMs must be 1..300000, got {FetchWaitMaxMs}";
        if (TrendSampleSeconds is < 5 or > 3600) yield return $"{Section}:TrendSampleSeconds must be 5..3600, got {TrendSampleSeconds}";
        foreach (var problem in Auth.Problems().Concat(RateLimit.Problems())) yield return problem;
    }
}
