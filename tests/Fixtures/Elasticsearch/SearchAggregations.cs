using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Insights.Fixtures.Elasticsearch;

/// <summary>
/// The search aggregations the fake implements, over every document the query matched (not only the page):
/// `nested` (objects under a top-level path mapped `nested`, each a document of its own), `filter` (any query the
/// fake parses), `range` (explicit ranges on a numeric field, from inclusive, to exclusive) with sub-aggregations per
/// bucket, and the `sum` metric of a numeric field.
/// Checked as ES checks them: one type per aggregation, a nested path that is mapped `nested`, a range field that is
/// numeric (keyword and boolean fields are refused, rank features have no doc values; one feature of a
/// `rank_features` field is unmapped, so it counts nothing), ranges given. With `typed_keys` the names
/// come back as `type#name`, which the .NET client needs to read them.
/// </summary>
internal static class SearchAggregations
{
    private static readonly HashSet<string> Supported = ["nested", "filter", "range", "sum"];

    // Aggregations ES has but the fake does not implement: reported as such rather than as "unknown".
    private static readonly HashSet<string> UnsupportedKnown =
    [
        "terms", "histogram", "date_histogram", "date_range", "percentiles", "percentile_ranks", "avg", "min", "max",
        "stats", "extended_stats", "value_count", "cardinality", "filters", "reverse_nested", "top_hits", "composite",
        "significant_terms", "global", "missing", "sampler", "geo_distance", "ip_range", "scripted_metric", "bucket_sort",
        "variable_width_histogram", "auto_date_histogram", "multi_terms", "rare_terms", "children", "parent",
    ];

    /// <summary>One document an aggregation sees: a hit, or a nested object of one.</summary>
    internal readonly record struct Scope(FakeIndex Index, StoredDocument Document);

    public static JsonObject Run(JsonNode? aggregations, IReadOnlyList<Scope> documents, bool typedKeys) =>
        RunAll(Object(aggregations, "aggs"), documents, nestedPath: null, typedKeys);

    private static JsonObject RunAll(JsonObject aggregations, IReadOnlyList<Scope> documents, string? nestedPath, bool typedKeys)
    {
        var result = new JsonObject();
        foreach (var (name, node) in aggregations)
        {
            var definition = node as JsonObject
                ?? throw ElasticsearchError.Parsing($"Expected [START_OBJECT] under [{name}], but got a [{Token(node)}] in [{name}]");
            var types = definition.Where(p => p.Key is not ("aggs" or "aggregations" or "meta")).Select(p => p.Key).ToList();
            if (types.Count == 0) throw ElasticsearchError.Parsing($"Missing definition for aggregation [{name}]");
            if (types.Count > 1) throw ElasticsearchError.Parsing($"Found two aggregation type definitions in [{name}]: [{types[0]}] and [{types[1]}]");
            var type = types[0];
            if (!Supported.Contains(type))
                throw UnsupportedKnown.Contains(type)
                    ? ElasticsearchError.IllegalArgument($"aggregation [{type}] is not supported by the Elasticsearch fake (see ElasticsearchFake limits)")
                    : ElasticsearchError.Parsing($"Unknown aggregation type [{type}]");
            var sub = definition["aggs"] ?? definition["aggregations"];
            // A metric has no buckets to aggregate further, as ES says.
            if (sub is not null && type == "sum")
                throw ElasticsearchError.Parsing($"Aggregator [{name}] of type [sum] cannot accept sub-aggregations");
            var answer = type switch
            {
                "nested" => Nested(name, definition[type], documents, nestedPath, sub, typedKeys),
                "filter" => Filter(definition[type], documents, nestedPath, sub, typedKeys),
                "sum" => Sum(definition[type], documents),
                _ => Range(name, definition[type], documents, nestedPath, sub, typedKeys),
            };
            result[typedKeys ? $"{type}#{name}" : name] = answer;
        }
        return result;
    }

    private static JsonObject Nested(string name, JsonNode? body, IReadOnlyList<Scope> documents, string? nestedPath, JsonNode? sub, bool typedKeys)
    {
        var options = Object(body, "nested");
        foreach (var key in options.Select(p => p.Key))
            if (key != "path") throw ElasticsearchError.Parsing($"[nested] unknown field [{key}]");
        var path = options["path"]?.GetValue<string>() ?? throw ElasticsearchError.Parsing($"Missing [path] field for nested aggregation [{name}]");
        if (nestedPath is not null || path.Contains('.', StringComparison.Ordinal))
            throw ElasticsearchError.IllegalArgument("[nested] below another nested path or an object is not supported by the Elasticsearch fake");
        var objects = new List<Scope>();
        foreach (var scope in documents)
        {
            var type = scope.Index.FieldTypes.TypeOf(path);
            if (type is null) continue; // unmapped in this index: no nested documents, as ES answers
            if (type != "nested") throw new ElasticsearchError(400, "aggregation_execution_exception", $"[nested] nested path [{path}] is not nested");
            objects.AddRange(scope.Document.NestedObjects(path).Select(o => new Scope(scope.Index, o)));
        }
        return WithSub(new JsonObject { ["doc_count"] = objects.Count }, sub, objects, path, typedKeys);
    }

    private static JsonObject Filter(JsonNode? body, IReadOnlyList<Scope> documents, string? nestedPath, JsonNode? sub, bool typedKeys)
    {
        var queries = new Dictionary<FakeIndex, DocumentQuery>();
        var matched = documents.Where(scope =>
        {
            if (!queries.TryGetValue(scope.Index, out var query)) queries[scope.Index] = query = new QueryParser(scope.Index).Parse(Object(body, "filter"));
            return query.TryScore(scope.Document, out _);
        }).ToList();
        return WithSub(new JsonObject { ["doc_count"] = matched.Count }, sub, matched, nestedPath, typedKeys);
    }

    private static JsonObject WithSub(JsonObject answer, JsonNode? sub, IReadOnlyList<Scope> documents, string? nestedPath, bool typedKeys)
    {
        if (sub is null) return answer;
        foreach (var (key, value) in RunAll(Object(sub, "aggs"), documents, nestedPath, typedKeys).ToList()) answer[key] = value?.DeepClone();
        return answer;
    }

    private static JsonObject Sum(JsonNode? body, IReadOnlyList<Scope> documents)
    {
        var options = Object(body, "sum");
        foreach (var key in options.Select(p => p.Key))
        {
            if (key is "script" or "format" or "missing" or "value_type")
                throw ElasticsearchError.IllegalArgument($"[sum] [{key}] is not supported by the Elasticsearch fake");
            if (key is not "field") throw ElasticsearchError.Parsing($"[sum] unknown field [{key}]");
        }
        var field = options["field"]?.GetValue<string>() ?? throw ElasticsearchError.IllegalArgument("Required one of fields [field, script], but none were specified.");
        var mapped = NumericFieldIn(documents, field, "sum");
        var sum = documents.Where(scope => mapped.Contains(scope.Index))
            .SelectMany(scope => scope.Document.ValuesOf(field).Select(v => IndexedValue.AsNumber(v, field))).Sum();
        return new JsonObject { ["value"] = sum };
    }

    /// <summary>The indexes where <paramref name="field"/> is a numeric field; refuses what ES refuses to aggregate.</summary>
    private static HashSet<FakeIndex> NumericFieldIn(IReadOnlyList<Scope> documents, string field, string aggregation)
    {
        var mapped = new HashSet<FakeIndex>();
        foreach (var index in documents.Select(d => d.Index).Distinct())
        {
            var type = index.FieldTypes.TypeOf(field);
            if (type is "rank_feature" or "rank_features")
                throw ElasticsearchError.IllegalArgument($"[{type}] fields do not support sorting, scripting or aggregating");
            if (type is not null && FieldTypes.Numeric(type) != NumericForm.Number)
                throw ElasticsearchError.IllegalArgument($"Field [{field}] of type [{type}] is not supported for aggregation [{aggregation}]");
            // A feature of a rank_features field is no field of its own: unmapped, so no values, as ES answers.
            if (type is not null) mapped.Add(index);
        }
        return mapped;
    }

    private static JsonObject Range(string name, JsonNode? body, IReadOnlyList<Scope> documents, string? nestedPath, JsonNode? sub, bool typedKeys)
    {
        var options = Object(body, "range");
        foreach (var key in options.Select(p => p.Key))
        {
            if (key is "script" or "format" or "missing" or "value_type")
                throw ElasticsearchError.IllegalArgument($"[range] [{key}] is not supported by the Elasticsearch fake");
            if (key is not ("field" or "ranges" or "keyed")) throw ElasticsearchError.Parsing($"[range] unknown field [{key}]");
        }
        var field = options["field"]?.GetValue<string>() ?? throw ElasticsearchError.IllegalArgument("Required one of fields [field, script], but none were specified.");
        if (options["ranges"] is not JsonArray { Count: > 0 } list) throw ElasticsearchError.IllegalArgument($"No [ranges] specified for the [{name}] aggregation");
        var ranges = list.Select(Bounds).OrderBy(r => r.From ?? double.NegativeInfinity).ThenBy(r => r.To ?? double.PositiveInfinity).ToList();
        var mapped = NumericFieldIn(documents, field, "range");
        var keyed = options["keyed"]?.GetValue<bool>() == true;
        JsonNode buckets = keyed ? new JsonObject() : new JsonArray();
        foreach (var (key, from, to) in ranges)
        {
            var inBucket = documents.Where(scope => mapped.Contains(scope.Index) && scope.Document.ValuesOf(field)
                .Any(v => IndexedValue.AsNumber(v, field) is var n && (from is null || n >= from) && (to is null || n < to))).ToList();
            var bucket = new JsonObject { ["key"] = key };
            if (from is not null) bucket["from"] = from;
            if (to is not null) bucket["to"] = to;
            bucket["doc_count"] = inBucket.Count;
            bucket = WithSub(bucket, sub, inBucket, nestedPath, typedKeys);
            if (buckets is JsonObject byKey) { bucket.Remove("key"); byKey[key] = bucket; }
            else ((JsonArray)buckets).Add(bucket);
        }
        return new JsonObject { ["buckets"] = buckets };
    }

    private static (string Key, double? From, double? To) Bounds(JsonNode? node)
    {
        var range = node as JsonObject ?? throw ElasticsearchError.Parsing("[ranges] must hold objects");
        foreach (var key in range.Select(p => p.Key))
            if (key is not ("from" or "to" or "key")) throw ElasticsearchError.Parsing($"[range] unknown field [{key}]");
        var from = Number(range["from"]);
        var to = Number(range["to"]);
        var name = range["key"]?.GetValue<string>() ?? $"{Text(from)}-{Text(to)}";
        return (name, from, to);
    }

    private static double? Number(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String
            && double.TryParse(v.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => throw ElasticsearchError.Parsing($"[range] bounds must be numbers, got [{node.ToJsonString()}]"),
    };

    private static string Text(double? bound) => bound is { } b ? b.ToString("R", CultureInfo.InvariantCulture) : "*";

    private static JsonObject Object(JsonNode? node, string what) =>
        node as JsonObject ?? throw ElasticsearchError.Parsing($"[{what}] must be an object, got [{Token(node)}]");

    private static string Token(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.Array => "START_ARRAY",
        JsonValueKind.String => "VALUE_STRING",
        JsonValueKind.Number => "VALUE_NUMBER",
        null or JsonValueKind.Null => "VALUE_NULL",
        _ => "VALUE_BOOLEAN",
    };
}
