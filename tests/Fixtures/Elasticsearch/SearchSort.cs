using System.Text.Json;
using System.Text.Json.Nodes;

namespace Insights.Fixtures.Elasticsearch;

/// <summary>A matching document with its index and score, as search collects them.</summary>
internal sealed record SearchHit(FakeIndex Index, StoredDocument Document, double Score);

/// <summary>
/// ES sort: fields asc/desc (multi-valued fields by min for asc, max for desc unless `mode` says otherwise;
/// missing values last unless `missing` says otherwise), `_score` (desc by default) and `_doc`. Ties fall back
/// to index then write order, standing in for ES's shard and Lucene doc order.
/// </summary>
internal sealed class SearchSort
{
    private readonly List<SortKey> keys;

    private SearchSort(List<SortKey> keys) => this.keys = keys;

    public static readonly SearchSort ByScore = new([new SortKey("_score", Descending: true, null, null)]);

    /// <summary>Whether this is the default score order (hits then carry `_score` and no `sort` values).</summary>
    public bool IsDefault => ReferenceEquals(this, ByScore);
    public bool UsesScore => keys.Any(k => k.Field == "_score");

    public static SearchSort FromBody(JsonNode? node)
    {
        if (node is null) return ByScore;
        var items = node is JsonArray array ? array.ToList() : [node];
        return new SearchSort(items.Select(Key).ToList());
    }

    /// <summary>The URL form: `sort=field:desc,other`.</summary>
    public static SearchSort? FromQuery(string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        return new SearchSort(value.Split(',').Select(part =>
        {
            var pieces = part.Split(':');
            return pieces.Length == 1
                ? new SortKey(pieces[0], pieces[0] == "_score", null, null)
                : new SortKey(pieces[0], Order(pieces[1]), null, null);
        }).ToList());
    }

    /// <summary>Sorts hits, picking each hit's sort values once rather than at every comparison.</summary>
    public List<SearchHit> Order(IReadOnlyList<SearchHit> hits)
    {
        var values = new IndexedValue?[hits.Count][];
        for (var i = 0; i < hits.Count; i++)
            values[i] = keys.Select(k => k.Field is "_score" or "_doc" ? null : Pick(k, hits[i])).ToArray();
        var order = Enumerable.Range(0, hits.Count).ToArray();
        Array.Sort(order, (a, b) => Compare(hits[a], values[a], hits[b], values[b]));
        return order.Select(i => hits[i]).ToList();
    }

    private int Compare(SearchHit x, IndexedValue?[] xValues, SearchHit y, IndexedValue?[] yValues)
    {
        for (var k = 0; k < keys.Count; k++)
        {
            var key = keys[k];
            var result = key.Field switch
            {
                "_score" => x.Score.CompareTo(y.Score),
                "_doc" => x.Document.SeqNo.CompareTo(y.Document.SeqNo),
                _ => CompareValues(key, xValues[k], yValues[k], x.Index.FieldTypes.TypeOf(key.Field)),
            };
            if (key.Descending) result = -result;
            if (result != 0) return result;
        }
        var byIndex = string.CompareOrdinal(x.Index.Name, y.Index.Name);
        return byIndex != 0 ? byIndex : x.Document.SeqNo.CompareTo(y.Document.SeqNo);
    }

    public JsonArray SortValues(SearchHit hit)
    {
        var values = new JsonArray();
        foreach (var key in keys)
        {
            values.Add(key.Field switch
            {
                "_score" => JsonValue.Create(hit.Score),
                "_doc" => JsonValue.Create(hit.Document.SeqNo),
                _ => Pick(key, hit) is { } value ? value.SortJson(hit.Index.FieldTypes.TypeOf(key.Field)) : null,
            });
        }
        return values;
    }

    public int KeyCount => keys.Count;

    /// <summary>
    /// `search_after`: whether the hit sorts strictly after <paramref name="after"/> (a previous hit's sort values) in
    /// this order. Numbers compare as numbers and strings ordinally; a hit without a value sorts last, as in ES.
    /// </summary>
    public bool IsAfter(SearchHit hit, JsonArray after)
    {
        var values = SortValues(hit);
        for (var k = 0; k < keys.Count; k++)
        {
            var (mine, theirs) = (values[k], after[k]);
            if (mine is null && theirs is null) continue;
            if (mine is null) return true;
            if (theirs is null) return false;
            var order = mine.GetValueKind() == JsonValueKind.Number && theirs.GetValueKind() == JsonValueKind.Number
                ? Number(mine).CompareTo(Number(theirs))
                : string.CompareOrdinal(mine.ToString(), theirs.ToString());
            if (order != 0) return keys[k].Descending ? order < 0 : order > 0;
        }
        return false;
    }

    // Sort values hold longs and doubles alike; ES compares them as numbers.
    private static double Number(JsonNode value) => double.Parse(value.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Compares in ascending order; missing values go last (or first) whatever the direction, as in ES.</summary>
    private static int CompareValues(SortKey key, IndexedValue? a, IndexedValue? b, string? type)
    {
        if (a is null || b is null)
        {
            if (a is null && b is null) return 0;
            var missingFirst = key.Missing == "_first";
            var missingSide = a is null ? (missingFirst ? -1 : 1) : (missingFirst ? 1 : -1);
            return key.Descending ? -missingSide : missingSide; // undone by the caller's flip for descending keys
        }
        return IndexedValue.Compare(a.Value, b.Value, type, key.Field);
    }

    private static IndexedValue? Pick(SortKey key, SearchHit hit)
    {
        var values = hit.Document.ValuesOf(key.Field);
        if (values.Count == 0)
            return key.Missing is null or "_last" or "_first" ? null : IndexedValue.From(JsonValue.Create(key.Missing));
        var type = hit.Index.FieldTypes.TypeOf(key.Field);
        var mode = key.Mode ?? (key.Descending ? "max" : "min");
        switch (mode)
        {
            case "min": return values.Aggregate((m, v) => IndexedValue.Compare(v, m, type, key.Field) < 0 ? v : m);
            case "max": return values.Aggregate((m, v) => IndexedValue.Compare(v, m, type, key.Field) > 0 ? v : m);
            case "sum" or "avg" or "median":
                var numbers = values.Select(v => IndexedValue.AsNumber(v, key.Field)).Order().ToList();
                var number = mode switch
                {
                    "sum" => numbers.Sum(),
                    "avg" => numbers.Average(),
                    _ => numbers[numbers.Count / 2],
                };
                return new IndexedValue(IndexedKind.Number, number, number.ToString(System.Globalization.CultureInfo.InvariantCulture));
            default:
                throw ElasticsearchError.Parsing($"[sort] unknown mode [{mode}]");
        }
    }

    private static SortKey Key(JsonNode? node)
    {
        switch (node)
        {
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var field = value.GetValue<string>();
                return new SortKey(field, field == "_score", null, null);
            case JsonObject { Count: 1 } obj:
                var (name, spec) = obj.First();
                if (spec is JsonValue order) return new SortKey(name, Order(order.GetValue<string>()), null, null);
                if (spec is not JsonObject options) break;
                foreach (var key in options.Select(p => p.Key))
                    if (key is not ("order" or "missing" or "mode" or "unmapped_type" or "numeric_type" or "format"))
                        throw ElasticsearchError.Parsing($"[sort] option [{key}] is not supported by the Elasticsearch fake");
                var descending = options["order"] is { } o ? Order(o.GetValue<string>()) : name == "_score";
                return new SortKey(name, descending, options["missing"]?.ToString(), options["mode"]?.GetValue<string>());
        }
        throw ElasticsearchError.Parsing($"[sort] malformed sort element [{node?.ToJsonString()}]");
    }

    private static bool Order(string order) => order switch
    {
        "asc" => false,
        "desc" => true,
        _ => throw ElasticsearchError.IllegalArgument($"Unknown SortOrder [{order}]"),
    };

    private sealed record SortKey(string Field, bool Descending, string? Missing, string? Mode);
}
