using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Serialization;
using Elastic.Transport;

namespace Insights.Sinks.Elasticsearch;

/// <summary>
/// How the sink and the audience API reach Elasticsearch. Bound from configuration section `Elasticsearch`
/// (env: Elasticsearch__Url, Elasticsearch__ApiKey...). The API key comes from the environment or a secret
/// store, never from files in the repository, and is never logged.
/// </summary>
public sealed record ElasticsearchSettings
{
    public const string Section = "Elasticsearch";

    public string Url { get; init; } = "http://127.0.0.1:9200";

    /// <summary>Optional API key (base64 id:key as Elasticsearch issues it).</summary>
    public string? ApiKey { get; init; }

    /// <summary>The alias every read and write goes through; the index behind it is `{Alias}-v{IndexVersion}`.</summary>
    public string Alias { get; init; } = "insights-scores";

    /// <summary>Bumped when the document shape changes: a new index is created and the alias moved to it.</summary>
    public int IndexVersion { get; init; } = 1;

    /// <summary>The sink's own consumer group on the scores topic, scaled apart from the workers.</summary>
    public string ConsumerGroup { get; init; } = "insights-sink-elasticsearch";

    /// <summary>Most score updates per bulk request.</summary>
    public int BulkMaxDocuments { get; init; } = 500;

    /// <summary>Longest a consumed record waits before its batch is written.</summary>
    public int BulkMaxWaitMs { get; init; } = 200;

    /// <summary>First retry delay; each retry doubles it (with jitter) up to <see cref="RetryMaxDelayMs"/>.</summary>
    public int RetryBaseDelayMs { get; init; } = 100;
    public int RetryMaxDelayMs { get; init; } = 5000;

    /// <summary>Per-request timeout; a timed-out bulk is retried like a connection error.</summary>
    public int RequestTimeoutMs { get; init; } = 30000;

    public string IndexName => $"{Alias}-v{IndexVersion}";

    /// <summary>Names the first wrong setting as `Elasticsearch:Key`, or null when the settings are usable.</summary>
    public string? Problem()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            return $"{Section}:Url has '{Url}', expected an http(s) URL such as http://127.0.0.1:9200";
        if (string.IsNullOrWhiteSpace(Alias) || Alias != Alias.ToLowerInvariant() || Alias.IndexOfAny([' ', '"', '*', '\\', '<', '|', ',', '>', '/', '?']) >= 0)
            return $"{Section}:Alias has '{Alias}', expected a lower-case Elasticsearch index name";
        if (IndexVersion < 1) return $"{Section}:IndexVersion must be at least 1, got {IndexVersion}";
        if (string.IsNullOrWhiteSpace(ConsumerGroup)) return $"{Section}:ConsumerGroup is required";
        if (BulkMaxDocuments is < 1 or > 10000) return $"{Section}:BulkMaxDocuments must be 1..10000, got {BulkMaxDocuments}";
        if (BulkMaxWaitMs is < 1 or > 60000) return $"{Section}:BulkMaxWaitMs must be 1..60000, got {BulkMaxWaitMs}";
        if (RetryBaseDelayMs < 1) return $"{Section}:RetryBaseDelayMs must be positive, got {RetryBaseDelayMs}";
        if (RetryMaxDelayMs < RetryBaseDelayMs) return $"{Section}:RetryMaxDelayMs must be at least RetryBaseDelayMs, got {RetryMaxDelayMs}";
        if (RequestTimeoutMs < 100) return $"{Section}:RequestTimeoutMs must be at least 100, got {RequestTimeoutMs}";
        return null;
    }

    /// <summary>A client with compressed requests and our source-generated document serializer.</summary>
    public ElasticsearchClient CreateClient()
    {
        var settings = new ElasticsearchClientSettings(new SingleNodePool(new Uri(Url)),
                (_, clientSettings) => new DefaultSourceSerializer(clientSettings, SinkJsonContext.Default, options =>
                {
                    // The client's defaults are camelCase; documents use the same snake_case as every contract.
                    options.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
                    options.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
                }))
            .EnableHttpCompression()
            .RequestTimeout(TimeSpan.FromMilliseconds(RequestTimeoutMs))
            // Our retry policy owns retries (with backoff and per-item resends); the transport must not add its own.
            .MaximumRetries(0);
        if (!string.IsNullOrEmpty(ApiKey)) settings = settings.Authentication(new ApiKey(ApiKey));
        return new ElasticsearchClient(settings);
    }
}
