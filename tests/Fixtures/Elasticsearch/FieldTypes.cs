using System.Text.Json.Nodes;

namespace Insights.Fixtures.Elasticsearch;

internal enum NumericForm { None, Number, Date, Boolean }

/// <summary>
/// The field types an index's mappings declare, flattened to dotted paths (`properties` nesting and multi-field
/// `fields`). The fake uses them to compare values and to keep `nested` objects apart; it does not coerce documents.
/// </summary>
internal sealed class FieldTypes
{
    private readonly Dictionary<string, string> types = new(StringComparer.Ordinal);
    private readonly HashSet<string> nested = new(StringComparer.Ordinal);

    public FieldTypes(JsonObject? mappings)
    {
        if (mappings?["properties"] is JsonObject properties) Collect(properties, "");
    }

    public string? TypeOf(string path) => types.GetValueOrDefault(path);

    /// <summary>Paths mapped `nested`: their objects are documents of their own, seen only through a nested query or aggregation.</summary>
    public IReadOnlySet<string> NestedPaths => nested;

    public static NumericForm Numeric(string type) => type switch
    {
        "long" or "integer" or "short" or "byte" or "double" or "float" or "half_float" or "scaled_float"
            or "unsigned_long" or "rank_feature" => NumericForm.Number,
        "date" or "date_nanos" => NumericForm.Date,
        "boolean" => NumericForm.Boolean,
        _ => NumericForm.None,
    };

    private void Collect(JsonObject properties, string prefix)
    {
        foreach (var (name, definition) in properties)
        {
            if (definition is not JsonObject field) continue;
            var path = prefix + name;
            if (field["type"]?.GetValue<string>() is { } type) types[path] = type;
            if (types.GetValueOrDefault(path) == "nested") nested.Add(path);
            if (field["properties"] is JsonObject children) Collect(children, path + ".");
            if (field["fields"] is JsonObject multiFields) Collect(multiFields, path + ".");
        }
    }
}
