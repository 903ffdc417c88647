using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Insights.Fixtures.Elasticsearch;

internal enum IndexedKind { Number, Text, Boolean }

/// <summary>
/// One leaf value of a document (or of a query), kept in the forms the fake compares: a double for numbers,
/// dates and booleans, the raw text for keywords. A multi-valued field holds several.
/// </summary>
internal readonly record struct IndexedValue(IndexedKind Kind, double Number, string Text)
{
    public static IndexedValue? From(JsonNode? node)
    {
        if (node is not JsonValue value) return null;
        switch (value.GetValueKind())
        {
            case JsonValueKind.Number:
                var number = value.GetValue<double>();
                return new IndexedValue(IndexedKind.Number, number, value.ToJsonString());
            case JsonValueKind.String:
                return new IndexedValue(IndexedKind.Text, double.NaN, value.GetValue<string>());
            case JsonValueKind.True:
                return new IndexedValue(IndexedKind.Boolean, 1, "true");
            case JsonValueKind.False:
                return new IndexedValue(IndexedKind.Boolean, 0, "false");
            default:
                return null;
        }
    }

    /// <summary>
    /// Compares a document value with a query value the way the field's type would: numerically for numeric,
    /// date and boolean fields (mapped, or inferred from the document value as dynamic mapping would), else as keywords.
    /// </summary>
    public static int Compare(IndexedValue document, IndexedValue query, string? mappedType, string field)
    {
        var type = mappedType ?? document.Kind switch
        {
            IndexedKind.Number => "double",
            IndexedKind.Boolean => "boolean",
            _ => "keyword",
        };
        return FieldTypes.Numeric(type) switch
        {
            NumericForm.Number => AsNumber(document, field).CompareTo(AsNumber(query, field)),
            NumericForm.Date => AsDate(document, field).CompareTo(AsDate(query, field)),
            NumericForm.Boolean => AsBoolean(document, field).CompareTo(AsBoolean(query, field)),
            _ => string.CompareOrdinal(document.Text, query.Text),
        };
    }

    /// <summary>The JSON a sort value is reported as in a hit's `sort` array.</summary>
    public JsonNode? SortJson(string? mappedType)
    {
        if (mappedType is not null && FieldTypes.Numeric(mappedType) == NumericForm.Date && Kind == IndexedKind.Text)
            return JsonValue.Create((long)AsDate(this, ""));
        return Kind switch
        {
            IndexedKind.Number => Number == Math.Floor(Number) && Math.Abs(Number) < 9e15 ? JsonValue.Create((long)Number) : JsonValue.Create(Number),
            IndexedKind.Boolean => JsonValue.Create(Number == 1 ? 1 : 0),
            _ => JsonValue.Create(Text),
        };
    }

    public static double AsNumber(IndexedValue value, string field) => value.Kind switch
    {
        IndexedKind.Number or IndexedKind.Boolean => value.Number,
        _ when double.TryParse(value.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => throw new ElasticsearchError(400, "number_format_exception", $"For input string: \"{value.Text}\" (field [{field}])"),
    };

    public static double AsDate(IndexedValue value, string field) => value.Kind switch
    {
        IndexedKind.Number => value.Number,
        _ when DateTimeOffset.TryParse(value.Text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) =>
            parsed.ToUnixTimeMilliseconds(),
        _ => throw new ElasticsearchError(400, "parse_exception", $"failed to parse date field [{value.Text}] of [{field}]"),
    };

    private static bool AsBoolean(IndexedValue value, string field) => value.Kind switch
    {
        IndexedKind.Boolean => value.Number == 1,
        IndexedKind.Text when value.Text is "true" or "false" => value.Text == "true",
        _ => throw IllegalBoolean(value, field),
    };

    private static ElasticsearchError IllegalBoolean(IndexedValue value, string field) =>
        ElasticsearchError.IllegalArgument($"Failed to parse value [{value.Text}] as only [true] or [false] are allowed (field [{field}])");
}
