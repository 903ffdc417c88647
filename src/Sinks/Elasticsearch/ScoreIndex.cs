using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Clients.Elasticsearch.Mapping;
using Elastic.Transport.Products.Elasticsearch;

namespace Insights.Sinks.Elasticsearch;

/// <summary>
/// The score index: an index template for `{alias}-v*` carrying the mapping, the versioned index
/// `{alias}-v{n}`, and the alias every read and write uses, so a new document shape is a new index and an
/// alias move, never an in-place mapping change.
/// </summary>
public sealed class ScoreIndex(ElasticsearchClient client, ElasticsearchSettings settings)
{
    public string Alias => settings.Alias;
    public string IndexName => settings.IndexName;

    /// <summary>The mapping of <see cref="MemberScoresDocument"/>; strict so a field typo fails loudly.</summary>
    public static TypeMapping Mapping() => new()
    {
        Dynamic = DynamicMapping.Strict,
        Properties = new Properties
        {
            { "member_id", new LongNumberProperty() },
            { "version", new LongNumberProperty() },
            { "model_version", new KeywordProperty() },
            { "computed_at_ms", new LongNumberProperty() },
            { "source_ts_ms", new LongNumberProperty() },
            { "age_band", new KeywordProperty() },
            { "gender", new KeywordProperty() },
            { "audience", new RankFeaturesProperty() },
            // The same audience scores again, aggregatable: rank features have no doc values. Nested, so a range
            // aggregation under a movie_id filter counts each member's score for that one movie.
            { "audience_scores", new NestedProperty
            {
                Properties = new Properties { { "movie_id", new IntegerNumberProperty() }, { "score", new DoubleNumberProperty() } },
            } },
            { "deleted", new BooleanProperty() },
            // Read back whole by id, never searched: not indexed, no doc values.
            { "movies", new ObjectProperty { Enabled = false } },
        },
    };

    /// <summary>Creates the template, and the index with the alias as its write index, when they are missing.</summary>
    public async Task EnsureAsync(CancellationToken ct)
    {
        var template = await client.Indices.PutIndexTemplateAsync(new PutIndexTemplateRequest(settings.Alias)
        {
            IndexPatterns = $"{settings.Alias}-v*",
            Template = new IndexTemplateMapping { Mappings = Mapping() },
            Meta = new Dictionary<string, object> { ["description"] = "Insights propensity scores, one document per member" },
        }, ct);
        EnsureValid(template, $"putting index template {settings.Alias}");

        var exists = await client.Indices.ExistsAsync(new Elastic.Clients.Elasticsearch.IndexManagement.ExistsRequest(IndexName), ct);
        if (exists.ApiCallDetails.HttpStatusCode == 200)
        {
            // An index made before a field was added (e.g. `deleted`) gets it now: adding fields is the one
            // mapping change Elasticsearch allows in place; a changed field type is refused and named.
            var mapping = Mapping();
            var put = await client.Indices.PutMappingAsync(new PutMappingRequest(IndexName) { Dynamic = mapping.Dynamic, Properties = mapping.Properties }, ct);
            EnsureValid(put, $"adding fields to the mapping of {IndexName}");
            return;
        }
        var created = await client.Indices.CreateAsync(new CreateIndexRequest(IndexName)
        {
            Aliases = new Dictionary<Name, Alias> { [settings.Alias] = new Alias { IsWriteIndex = true } },
        }, ct);
        // Two sinks starting together may race to create it; the loser sees resource_already_exists.
        if (!created.IsValidResponse && created.ElasticsearchServerError?.Error?.Type != "resource_already_exists_exception")
            EnsureValid(created, $"creating index {IndexName}");
    }

    public static void EnsureValid(ElasticsearchResponse response, string what)
    {
        if (response.IsValidResponse) return;
        var error = response.ElasticsearchServerError?.Error;
        var reason = error is not null ? $"{error.Type}: {error.Reason}" : response.ApiCallDetails.OriginalException?.Message ?? "no answer";
        throw new ElasticsearchRequestException($"Elasticsearch: {what} failed ({response.ApiCallDetails.HttpStatusCode?.ToString() ?? "no status"}): {reason}");
    }
}

/// <summary>An Elasticsearch call that failed in a way retrying will not fix, with what was being done.</summary>
public sealed class ElasticsearchRequestException(string message) : Exception(message);
