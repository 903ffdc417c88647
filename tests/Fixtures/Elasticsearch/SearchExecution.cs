using System.Text.Json;
using System.Text.Json.Nodes;

namespace Insights.Fixtures.Elasticsearch;

/// <summary>`_search`, `_count` and `_delete_by_query` over the searchable (refreshed) documents of the resolved indices.</summary>
internal static class SearchExecution
{
    public static readonly string[] SearchParameters =
    [
        "size", "from", "sort", "_source", "_source_includes", "_source_excludes", "track_total_hits", "track_scores", "typed_keys",
        "rest_total_hits_as_int", "ignore_unavailable", "allow_no_indices", "expand_wildcards", "preference", "routing", "timeout",
        "request_cache", "allow_partial_search_results", "ccs_minimize_roundtrips", "search_type", "batched_reduce_size",
        "max_concurrent_shard_requests", "pre_filter_shard_size", "seq_no_primary_term", "version", "min_score",
        "ignore_throttled", "filter_path", "q", "scroll",
    ];

    public static readonly string[] CountParameters =
    [
        "ignore_unavailable", "allow_no_indices", "expand_wildcards", "preference", "routing", "min_score", "q",
        "filter_path", "ignore_throttled",
    ];

    public static readonly string[] DeleteByQueryParameters =
    [
        "refresh", "conflicts", "wait_for_completion", "ignore_unavailable", "allow_no_indices", "expand_wildcards", "routing",
        "timeout", "requests_per_second", "scroll_size", "slices", "max_docs", "wait_for_active_shards", "preference", "q", "filter_path",
    ];

    private static readonly string[] SearchKeys =
        ["query", "size", "from", "sort", "_source", "track_total_hits", "track_scores", "timeout", "version", "seq_no_primary_term", "min_score",
         "search_after", "aggs", "aggregations"];

    private static readonly string[] UnsupportedSearchKeys =
    [
        "highlight", "collapse", "post_filter", "rescore", "suggest", "knn", "pit",
        "runtime_mappings", "fields", "docvalue_fields", "stored_fields", "script_fields", "explain", "indices_boost", "profile",
        "stats", "terminate_after", "ext", "slice", "retriever", "rank",
    ];

    public static JsonObject Search(FakeCluster cluster, string? expression, JsonObject? body, RequestParameters parameters)
    {
        CheckBody(body, SearchKeys);
        var indices = cluster.ResolveForRead(expression, parameters.Bool("ignore_unavailable", false));
        var size = parameters.Long("size") ?? Number(body, "size") ?? 10;
        var from = parameters.Long("from") ?? Number(body, "from") ?? 0;
        if (size < 0 || from < 0) throw ElasticsearchError.IllegalArgument("[from] and [size] must be non-negative");
        var window = indices.Select(MaxResultWindow).DefaultIfEmpty(10_000).Min();
        if (from + size > window)
            throw ElasticsearchError.IllegalArgument(
                $"Result window is too large, from + size must be less than or equal to: [{window}] but was [{from + size}]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.");
        var sort = SearchSort.FromQuery(parameters.String("sort")) ?? SearchSort.FromBody(body?["sort"]);
        var source = SourceSelection.FromQuery(parameters.Query, SourceSelection.FromBody(body?["_source"]));
        var minScore = parameters.String("min_score") is { } ms ? double.Parse(ms, System.Globalization.CultureInfo.InvariantCulture)
            : body?["min_score"]?.GetValue<double>();

        var hits = sort.Order(Match(indices, body?["query"]).Where(h => minScore is null || h.Score >= minScore).ToList());
        if (body?["aggs"] is not null && body["aggregations"] is not null)
            throw ElasticsearchError.Parsing("Found two aggregation definitions: [aggs] and [aggregations]");
        // Aggregations see every match, whatever the page (from, size, search_after).
        var aggregations = (body?["aggs"] ?? body?["aggregations"]) is { } requested
            ? SearchAggregations.Run(requested, hits.Select(h => new SearchAggregations.Scope(h.Index, h.Document)).ToList(), parameters.Bool("typed_keys", false))
            : null;
        if (body?["search_after"] is { } afterNode)
        {
            // As ES's SearchAfterBuilder checks: one value per sort key, and no `from` beside it.
            if (afterNode is not JsonArray after) throw ElasticsearchError.Parsing("[search_after] must be an array of sort values");
            if (after.Count != sort.KeyCount)
                throw ElasticsearchError.IllegalArgument($"search_after has {after.Count} value(s) but sort has {sort.KeyCount}.");
            if (from > 0) throw ElasticsearchError.IllegalArgument("`from` parameter must be set to 0 when `search_after` is used.");
            hits = hits.Where(h => sort.IsAfter(h, after)).ToList();
        }
        var scored = sort.IsDefault || sort.UsesScore || body?["track_scores"]?.GetValue<bool>() == true || parameters.Bool("track_scores", false);
        var withVersion = body?["version"]?.GetValue<bool>() == true || parameters.Bool("version", false);
        var withSeqNo = body?["seq_no_primary_term"]?.GetValue<bool>() == true || parameters.Bool("seq_no_primary_term", false);

        var page = new JsonArray();
        foreach (var hit in hits.Skip((int)from).Take((int)size))
        {
            var item = new JsonObject { ["_index"] = hit.Index.Name, ["_id"] = hit.Document.Id, ["_score"] = scored ? hit.Score : null };
            if (withVersion) item["_version"] = hit.Document.Version;
            if (withSeqNo)
            {
                item["_seq_no"] = hit.Document.SeqNo;
                item["_primary_term"] = FakeIndex.PrimaryTerm;
            }
            if (source.Apply(hit.Document.Source) is { } filtered) item["_source"] = filtered;
            if (!sort.IsDefault) item["sort"] = sort.SortValues(hit);
            page.Add(item);
        }

        var result = new JsonObject
        {
            ["took"] = 1,
            ["timed_out"] = false,
            ["_shards"] = Shards(indices.Count),
        };
        var hitsObject = new JsonObject();
        if (Total(hits.Count, body?["track_total_hits"], parameters) is { } total)
            hitsObject["total"] = parameters.Bool("rest_total_hits_as_int", false) ? total["value"]!.DeepClone() : total;
        hitsObject["max_score"] = scored && hits.Count > 0 ? hits.Max(h => h.Score) : null;
        hitsObject["hits"] = page;
        result["hits"] = hitsObject;
        if (aggregations is not null) result["aggregations"] = aggregations;
        return result;
    }

    public static JsonObject Count(FakeCluster cluster, string? expression, JsonObject? body, RequestParameters parameters)
    {
        CheckBody(body, ["query"]);
        var indices = cluster.ResolveForRead(expression, parameters.Bool("ignore_unavailable", false));
        return new JsonObject { ["count"] = Match(indices, body?["query"]).Count(), ["_shards"] = Shards(indices.Count) };
    }

    /// <summary>
    /// Deletes what a search sees now. As in ES, a document changed since the last refresh is a version conflict
    /// (the search saw an older version): counted, and fatal unless `conflicts=proceed`.
    /// </summary>
    public static (int Status, JsonObject Body) DeleteByQuery(FakeCluster cluster, string expression, JsonObject? body, RequestParameters parameters)
    {
        CheckBody(body, ["query", "max_docs"]);
        if (!parameters.Bool("wait_for_completion", true))
            throw ElasticsearchError.IllegalArgument("wait_for_completion=false (tasks) is not supported by the Elasticsearch fake");
        var proceed = parameters.String("conflicts") switch
        {
            null or "abort" => false,
            "proceed" => true,
            var other => throw ElasticsearchError.IllegalArgument($"conflicts may only be \"proceed\" or \"abort\" but was [{other}]"),
        };
        var indices = cluster.ResolveForRead(expression, parameters.Bool("ignore_unavailable", false));
        var maxDocs = parameters.Long("max_docs") ?? Number(body, "max_docs") ?? long.MaxValue;
        var matches = Match(indices, body?["query"]).Take((int)Math.Min(maxDocs, int.MaxValue)).ToList();
        int deleted = 0, conflicts = 0;
        var failures = new JsonArray();
        foreach (var hit in matches)
        {
            var live = hit.Index.Get(hit.Document.Id);
            if (live is null || live.Version != hit.Document.Version)
            {
                conflicts++;
                if (proceed) continue;
                var error = ElasticsearchError.VersionConflict(hit.Index.Name, hit.Document.Id,
                    $"required seqNo [{hit.Document.SeqNo}], primary term [1]. {(live is null ? "but no document was found" : $"current document has seqNo [{live.SeqNo}] and primary term [1]")}");
                failures.Add(new JsonObject { ["index"] = hit.Index.Name, ["id"] = hit.Document.Id, ["cause"] = error.Cause(), ["status"] = 409 });
                break;
            }
            hit.Index.Delete(hit.Document.Id, WriteConditions.None);
            deleted++;
        }
        if (parameters.Refresh()) foreach (var index in indices) index.Refresh();
        var response = new JsonObject
        {
            ["took"] = 1, ["timed_out"] = false, ["total"] = matches.Count, ["deleted"] = deleted, ["batches"] = 1,
            ["version_conflicts"] = conflicts, ["noops"] = 0, ["retries"] = new JsonObject { ["bulk"] = 0, ["search"] = 0 },
            ["throttled_millis"] = 0, ["requests_per_second"] = -1.0, ["throttled_until_millis"] = 0, ["failures"] = failures,
        };
        return (failures.Count > 0 ? 409 : 200, response);
    }

    private static IEnumerable<SearchHit> Match(IReadOnlyList<FakeIndex> indices, JsonNode? query)
    {
        var compiled = indices.Select(index => (Index: index, Query: new QueryParser(index).Parse(query))).ToList();
        foreach (var (index, compiledQuery) in compiled)
            foreach (var document in index.Searchable)
                if (compiledQuery.TryScore(document, out var score)) yield return new SearchHit(index, document, score);
    }

    private static JsonObject? Total(int count, JsonNode? track, RequestParameters parameters)
    {
        long limit = 10_000;
        var text = parameters.String("track_total_hits") ?? track?.ToString();
        if (text is "true") limit = long.MaxValue;
        else if (text is "false") return null;
        else if (text is not null) limit = long.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        return count > limit
            ? new JsonObject { ["value"] = limit, ["relation"] = "gte" }
            : new JsonObject { ["value"] = count, ["relation"] = "eq" };
    }

    private static long MaxResultWindow(FakeIndex index) =>
        index.Settings["index.max_result_window"] is { } value ? long.Parse(value.ToString(), System.Globalization.CultureInfo.InvariantCulture) : 10_000;

    private static JsonObject Shards(int indices) =>
        new() { ["total"] = indices, ["successful"] = indices, ["skipped"] = 0, ["failed"] = 0 };

    private static long? Number(JsonObject? body, string key) => body?[key] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.Number => value.GetValue<long>(),
        _ => throw ElasticsearchError.Parsing($"[{key}] must be a number"),
    };

    private static void CheckBody(JsonObject? body, string[] allowed)
    {
        if (body is null) return;
        foreach (var (key, value) in body)
        {
            if (allowed.Contains(key)) continue;
            if (UnsupportedSearchKeys.Contains(key))
                throw ElasticsearchError.IllegalArgument($"[{key}] is not supported by the Elasticsearch fake (see ElasticsearchFake limits)");
            var token = value switch { JsonObject => "START_OBJECT", JsonArray => "START_ARRAY", _ => "VALUE" };
            throw ElasticsearchError.Parsing($"Unknown key for a {token} in [{key}].");
        }
    }
}
