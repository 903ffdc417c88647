using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Insights.Fixtures.Elasticsearch;

/// <summary>
/// Compiles the query DSL subset the fake implements (match_all, match_none, term, terms, range, exists, ids,
/// bool, constant_score, rank_feature) against one index, whose mappings decide how values compare.
/// Unknown query types fail as ES fails them: 400 parsing_exception.
/// </summary>
internal sealed class QueryParser(FakeIndex index)
{
    // Queries ES has but the fake does not implement: reported as such rather than as "unknown".
    private static readonly HashSet<string> UnsupportedKnown =
    [
        "match", "match_phrase", "match_phrase_prefix", "match_bool_prefix", "multi_match", "combined_fields", "query_string",
        "simple_query_string", "prefix", "wildcard", "regexp", "fuzzy", "nested", "has_child", "has_parent", "parent_id",
        "function_score", "script_score", "script", "dis_max", "boosting", "terms_set", "intervals", "distance_feature",
        "more_like_this", "pinned", "percolate", "knn", "sparse_vector", "semantic", "geo_bounding_box", "geo_distance",
        "geo_polygon", "geo_shape", "shape", "span_term", "span_near", "span_or", "span_not", "span_first", "span_multi",
        "span_containing", "span_within", "field_masking_span", "wrapper", "rule", "text_expansion", "weighted_tokens",
    ];

    public DocumentQuery Parse(JsonNode? node)
    {
        if (node is null) return new AllDocuments(1, matches: true);
        if (node is not JsonObject query || query.Count != 1)
            throw ElasticsearchError.Parsing("[_na] query malformed, must start with start_object and have exactly one query name");
        var (name, body) = query.First();
        return name switch
        {
            "match_all" => new AllDocuments(Boost(Object(name, body), name, "boost"), matches: true),
            "match_none" => new AllDocuments(0, matches: false),
            "term" => Term(body),
            "terms" => Terms(body),
            "range" => Range(body),
            "exists" => Exists(body),
            "ids" => Ids(body),
            "bool" => Bool(body),
            "constant_score" => ConstantScore(body),
            "rank_feature" => RankFeature(body),
            _ when UnsupportedKnown.Contains(name) =>
                throw ElasticsearchError.Parsing($"query [{name}] is not supported by the Elasticsearch fake (see ElasticsearchFake limits)"),
            _ => throw new ElasticsearchError(400, "parsing_exception", $"unknown query [{name}]",
                new JsonObject { ["caused_by"] = new JsonObject { ["type"] = "named_object_not_found_exception", ["reason"] = $"unknown field [{name}]" } }),
        };
    }

    private DocumentQuery Term(JsonNode? node)
    {
        var (field, spec) = SingleField("term", node);
        JsonNode? value = spec;
        var boost = 1.0;
        if (spec is JsonObject options)
        {
            CheckKeys(options, "term", "value", "boost", "case_insensitive", "_name");
            value = options["value"] ?? throw ElasticsearchError.Parsing("[term] query does not support [value] being null");
            boost = Boost(options, "term", "boost");
        }
        var wanted = Scalar("term", value);
        var caseInsensitive = spec is JsonObject o && o["case_insensitive"]?.GetValue<bool>() == true;
        return new FieldPredicate(d => d.ValuesOf(field).Any(v => Equal(v, wanted, field, caseInsensitive)), boost);
    }

    private DocumentQuery Terms(JsonNode? node)
    {
        var body = Object("terms", node);
        var boost = Boost(body, "terms", "boost");
        var fields = body.Where(p => p.Key is not ("boost" or "_name")).ToList();
        if (fields.Count != 1) throw ElasticsearchError.Parsing("[terms] query requires exactly one field");
        var (field, list) = fields[0];
        if (list is not JsonArray array)
            throw ElasticsearchError.Parsing("[terms] query does not support terms lookup in the Elasticsearch fake; pass an array of values");
        var wanted = array.Select(v => Scalar("terms", v)).ToList();
        return new FieldPredicate(d => d.ValuesOf(field).Any(v => wanted.Any(w => Equal(v, w, field, false))), boost);
    }

    private DocumentQuery Range(JsonNode? node)
    {
        var (field, spec) = SingleField("range", node);
        var options = Object("range", spec);
        CheckKeys(options, "range", "gt", "gte", "lt", "lte", "boost", "format", "time_zone", "relation", "_name");
        var type = index.FieldTypes.TypeOf(field);
        var bounds = new List<(IndexedValue Bound, Func<int, bool> Accept)>();
        void Bound(string key, Func<int, bool> accept)
        {
            if (options[key] is not { } value) return;
            var bound = Scalar("range", value);
            if (bound.Kind == IndexedKind.Text && bound.Text.StartsWith("now", StringComparison.Ordinal))
                throw ElasticsearchError.Parsing("[range] date math (now...) is not supported by the Elasticsearch fake");
            bounds.Add((bound, accept));
        }
        Bound("gt", c => c > 0);
        Bound("gte", c => c >= 0);
        Bound("lt", c => c < 0);
        Bound("lte", c => c <= 0);
        return new FieldPredicate(d => d.ValuesOf(field).Any(v => bounds.All(b => b.Accept(IndexedValue.Compare(v, b.Bound, type, field)))),
            Boost(options, "range", "boost"));
    }

    private static DocumentQuery Exists(JsonNode? node)
    {
        var body = Object("exists", node);
        CheckKeys(body, "exists", "field", "boost", "_name");
        var field = body["field"]?.GetValue<string>() ?? throw ElasticsearchError.Parsing("[exists] must be provided with a [field]");
        return new FieldPredicate(d => d.HasField(field), Boost(body, "exists", "boost"));
    }

    private static DocumentQuery Ids(JsonNode? node)
    {
        var body = Object("ids", node);
        CheckKeys(body, "ids", "values", "boost", "_name");
        var ids = (body["values"] as JsonArray ?? throw ElasticsearchError.Parsing("[ids] requires [values]"))
            .Select(v => v!.ToString()).ToHashSet(StringComparer.Ordinal);
        return new FieldPredicate(d => ids.Contains(d.Id), Boost(body, "ids", "boost"));
    }

    private DocumentQuery Bool(JsonNode? node)
    {
        var body = Object("bool", node);
        CheckKeys(body, "bool", "must", "filter", "should", "must_not", "minimum_should_match", "boost", "_name", "adjust_pure_negative");
        List<DocumentQuery> Clauses(string key) => body[key] switch
        {
            null => [],
            JsonArray array => array.Select(Parse).ToList(),
            var single => [Parse(single)],
        };
        var must = Clauses("must");
        var filter = Clauses("filter");
        var should = Clauses("should");
        var mustNot = Clauses("must_not");
        var minimum = body["minimum_should_match"] is { } spec
            ? MinimumShouldMatch(spec, should.Count)
            : should.Count > 0 && must.Count == 0 && filter.Count == 0 ? 1 : 0;
        return new BooleanCombination(must, filter, should, mustNot, minimum, Boost(body, "bool", "boost"));
    }

    private DocumentQuery ConstantScore(JsonNode? node)
    {
        var body = Object("constant_score", node);
        CheckKeys(body, "constant_score", "filter", "boost", "_name");
        return new ConstantScore(Parse(body["filter"] ?? throw ElasticsearchError.Parsing("[constant_score] requires a 'filter' element")),
            Boost(body, "constant_score", "boost"));
    }

    private DocumentQuery RankFeature(JsonNode? node)
    {
        var body = Object("rank_feature", node);
        CheckKeys(body, "rank_feature", "field", "saturation", "log", "sigmoid", "linear", "boost", "_name");
        var field = body["field"]?.GetValue<string>() ?? throw ElasticsearchError.Parsing("[rank_feature] requires a [field]");
        var functions = new[] { "saturation", "log", "sigmoid", "linear" }.Where(f => body[f] is not null).ToList();
        if (functions.Count > 1) throw ElasticsearchError.Parsing("[rank_feature] can only have one of [saturation, log, sigmoid, linear]");
        var function = functions.FirstOrDefault() ?? "saturation";
        var options = body[function] as JsonObject ?? new JsonObject();
        double Option(string key) => options[key]?.GetValue<double>()
            ?? throw ElasticsearchError.Parsing($"[rank_feature] [{function}] requires [{key}]");
        Func<double, double> score = function switch
        {
            "saturation" => Saturation(options["pivot"]?.GetValue<double>() ?? DefaultPivot(field)),
            "log" => s => Math.Log(Option("scaling_factor") + s),
            "sigmoid" => Sigmoid(Option("pivot"), Option("exponent")),
            _ => s => s,
        };
        return new RankFeatureScore(field, score, Boost(body, "rank_feature", "boost"));
    }

    private static Func<double, double> Saturation(double pivot) => s => s / (s + pivot);

    private static Func<double, double> Sigmoid(double pivot, double exponent) =>
        s => Math.Pow(s, exponent) / (Math.Pow(s, exponent) + Math.Pow(pivot, exponent));

    /// <summary>ES's default saturation pivot: the geometric mean of the feature over the index.</summary>
    private double DefaultPivot(string field)
    {
        double sumLog = 0;
        var count = 0;
        foreach (var document in index.Searchable)
            foreach (var value in document.ValuesOf(field))
            {
                sumLog += Math.Log(Math.Max(IndexedValue.AsNumber(value, field), double.Epsilon));
                count++;
            }
        return count == 0 ? 1 : Math.Exp(sumLog / count);
    }

    private bool Equal(IndexedValue document, IndexedValue wanted, string field, bool caseInsensitive)
    {
        if (caseInsensitive && document.Kind == IndexedKind.Text && wanted.Kind == IndexedKind.Text)
            return string.Equals(document.Text, wanted.Text, StringComparison.OrdinalIgnoreCase);
        return IndexedValue.Compare(document, wanted, index.FieldTypes.TypeOf(field), field) == 0;
    }

    private static int MinimumShouldMatch(JsonNode spec, int shouldCount)
    {
        var text = spec.ToString().Trim();
        int count;
        if (text.EndsWith('%'))
        {
            var percent = int.Parse(text[..^1], CultureInfo.InvariantCulture);
            count = (int)Math.Floor(shouldCount * Math.Abs(percent) / 100.0);
            if (percent < 0) count = shouldCount - count;
        }
        else if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
            count = number < 0 ? shouldCount + number : number;
        else
            throw ElasticsearchError.Parsing($"[bool] minimum_should_match [{text}] is not supported by the Elasticsearch fake (integers and percentages only)");
        return Math.Max(0, count);
    }

    private static (string Field, JsonNode? Spec) SingleField(string query, JsonNode? node)
    {
        var body = Object(query, node);
        if (body.Count != 1)
            throw ElasticsearchError.Parsing($"[{query}] query doesn't support multiple fields, found [{string.Join("] and [", body.Select(p => p.Key))}]");
        var (field, spec) = body.First();
        return (field, spec);
    }

    private static IndexedValue Scalar(string query, JsonNode? node) => IndexedValue.From(node)
        ?? throw ElasticsearchError.Parsing($"[{query}] query does not support [{node?.ToJsonString() ?? "null"}] as a value");

    private static JsonObject Object(string query, JsonNode? node) =>
        node as JsonObject ?? throw ElasticsearchError.Parsing($"[{query}] query malformed, no start_object after query name");

    private static double Boost(JsonObject body, string query, string key) => body[key] switch
    {
        null => 1,
        JsonValue value when value.GetValueKind() == JsonValueKind.Number => value.GetValue<double>(),
        _ => throw ElasticsearchError.Parsing($"[{query}] [boost] must be a number"),
    };

    private static void CheckKeys(JsonObject body, string query, params string[] allowed)
    {
        foreach (var key in body.Select(p => p.Key))
            if (!allowed.Contains(key)) throw ElasticsearchError.Parsing($"[{query}] query does not support [{key}]");
    }
}
