using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Insights.Fixtures.Elasticsearch;

/// <summary>
/// Checks a document against its index's mapping the way Elasticsearch's document parser refuses it, so a test
/// of a writer sees the per-item 400 a real cluster would answer: an unknown field under `dynamic: strict`
/// (strict_dynamic_mapping_exception), a value a mapped field cannot take (document_parsing_exception with the
/// cause), a keyword over Lucene's 32,766-byte term limit, a rank feature that is not a positive normal float.
/// Only the field types the fake's callers map are checked (numbers, boolean, keyword, rank_feature(s), objects);
/// any other type takes any value. Fields without a mapping follow `dynamic` (true and false accept them).
/// </summary>
internal static class DocumentMapping
{
    /// <summary>Lucene's limit on one indexed term (IndexWriter.MAX_TERM_LENGTH), which keyword values hit whole.</summary>
    public const int MaxTermBytes = 32766;

    public static void Check(JsonObject mappings, string id, JsonObject source)
    {
        var dynamic = DynamicOf(mappings, inherited: "true");
        CheckObject(mappings["properties"] as JsonObject, dynamic, source, "", id);
    }

    private static void CheckObject(JsonObject? properties, string dynamic, JsonObject value, string prefix, string id)
    {
        foreach (var (name, child) in value)
        {
            var path = prefix + name;
            if (properties?[name] is not JsonObject field)
            {
                if (dynamic == "strict")
                    throw new ElasticsearchError(400, "strict_dynamic_mapping_exception",
                        $"mapping set to strict, dynamic introduction of [{name}] within [{(prefix.Length == 0 ? "_doc" : prefix.TrimEnd('.'))}] is not allowed");
                continue;
            }
            CheckField(field, dynamic, child, path, id);
        }
    }

    private static void CheckField(JsonObject field, string dynamic, JsonNode? value, string path, string id)
    {
        if (value is null) return; // a null value indexes nothing, whatever the type
        var type = field["type"]?.GetValue<string>() ?? (field["properties"] is not null ? "object" : null);
        if (type is "object" or "nested" || (type is null && field["enabled"] is not null))
        {
            if (field["enabled"]?.GetValue<bool>() == false) return; // stored in _source, never parsed
            foreach (var item in ValuesOf(value))
            {
                if (item is null) continue;
                if (item is not JsonObject child)
                    throw ParseFailure(path, "object", id, item, "illegal_argument_exception",
                        $"object mapping for [{path}] tried to parse field [{path}] as object, but found a concrete value");
                CheckObject(field["properties"] as JsonObject, DynamicOf(field, dynamic), child, path + ".", id);
            }
            return;
        }
        if (type == "rank_features")
        {
            CheckRankFeatures(value, path, id);
            return;
        }
        foreach (var item in ValuesOf(value))
            if (item is not null) CheckLeaf(field, type, item, path, id);
    }

    private static void CheckLeaf(JsonObject field, string? type, JsonNode value, string path, string id)
    {
        switch (type)
        {
            case "long" or "integer" or "short" or "byte" or "double" or "float" or "half_float" or "scaled_float" or "unsigned_long":
                if (AsNumber(value) is null)
                    throw ParseFailure(path, type, id, value, "illegal_argument_exception", $"For input string: \"{Preview(value)}\"");
                break;
            case "boolean":
                if (!(value.GetValueKind() is JsonValueKind.True or JsonValueKind.False
                      || value is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is "true" or "false" or ""))
                    throw ParseFailure(path, type, id, value, "illegal_argument_exception",
                        $"Failed to parse value [{Preview(value)}] as only [true] or [false] are allowed.");
                break;
            case "keyword":
                if (value is not JsonValue)
                    throw ParseFailure(path, type, id, value, "illegal_state_exception", $"Can't get text on a {Token(value)}");
                var text = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
                if (field["ignore_above"]?.GetValue<int>() is { } ignoreAbove && text.Length > ignoreAbove) break;
                var bytes = Encoding.UTF8.GetByteCount(text);
                if (bytes > MaxTermBytes)
                    throw new ElasticsearchError(400, "illegal_argument_exception",
                        $"Document contains at least one immense term in field=\"{path}\" (whose UTF8 encoding is longer than the max length {MaxTermBytes}), " +
                        $"all of which were skipped. Please correct the analyzer to not produce such terms. The prefix of the first immense term is: " +
                        $"'[{string.Join(", ", Encoding.UTF8.GetBytes(text).Take(30))}]...', original message: bytes can be at most {MaxTermBytes} in length; got {bytes}",
                        new JsonObject
                        {
                            ["caused_by"] = new JsonObject
                            {
                                ["type"] = "max_bytes_length_exceeded_exception",
                                ["reason"] = $"bytes can be at most {MaxTermBytes} in length; got {bytes}",
                            },
                        });
                break;
            case "rank_feature":
                CheckFeature(value, path, path, "rank_feature", id);
                break;
        }
    }

    private static void CheckRankFeatures(JsonNode value, string path, string id)
    {
        if (value is not JsonObject features)
            throw ParseFailure(path, "rank_features", id, value, "illegal_argument_exception",
                $"[rank_features] fields take hashes that map a feature to a strictly positive float, but got unexpected token {Token(value)}");
        foreach (var (feature, featureValue) in features)
        {
            if (featureValue is null) continue;
            if (featureValue is not JsonValue)
                throw ParseFailure(path, "rank_features", id, featureValue, "illegal_argument_exception",
                    $"[rank_features] fields take hashes that map a feature to a strictly positive float, but got unexpected token {Token(featureValue)}");
            CheckFeature(featureValue, path, feature, "rank_features", id);
        }
    }

    /// <summary>Lucene's FeatureField takes only finite floats at or above Float.MIN_NORMAL (a positive normal float).</summary>
    private static void CheckFeature(JsonNode value, string path, string feature, string type, string id)
    {
        if (AsNumber(value) is not { } number)
            throw ParseFailure(path, type, id, value, "illegal_argument_exception", $"For input string: \"{Preview(value)}\"");
        var asFloat = (float)number;
        if (!float.IsFinite(asFloat))
            throw ParseFailure(path, type, id, value, "illegal_argument_exception",
                $"featureValue must be finite, got: {asFloat.ToString(CultureInfo.InvariantCulture)} for feature {feature} on field {path}");
        if (asFloat < MinNormalFloat)
            throw ParseFailure(path, type, id, value, "illegal_argument_exception",
                $"featureValue must be a positive normal float, got: {asFloat.ToString(CultureInfo.InvariantCulture)} for feature {feature} on field {path} " +
                "which is less than the minimum positive normal float: 1.17549435E-38");
    }

    private const float MinNormalFloat = 1.17549435E-38f;

    // Not a conditional expression: `[value]` would become a JsonArray there, which cannot adopt a node that has a parent.
    private static IEnumerable<JsonNode?> ValuesOf(JsonNode value)
    {
        if (value is JsonArray array) return array;
        return new[] { value };
    }

    private static double? AsNumber(JsonNode value)
    {
        if (value is not JsonValue json) return null;
        return json.GetValueKind() switch
        {
            JsonValueKind.Number => json.GetValue<double>(),
            // Elasticsearch coerces numeric strings by default.
            JsonValueKind.String when double.TryParse(json.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
    }

    private static string DynamicOf(JsonObject mapping, string inherited) => mapping["dynamic"] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>() ? "true" : "false",
        _ => inherited,
    };

    private static ElasticsearchError ParseFailure(string path, string? type, string id, JsonNode value, string causeType, string causeReason) =>
        new(400, "document_parsing_exception",
            $"failed to parse field [{path}] of type [{type}] in document with id '{id}'. Preview of field's value: '{Preview(value)}'",
            new JsonObject { ["caused_by"] = new JsonObject { ["type"] = causeType, ["reason"] = causeReason } });

    private static string Preview(JsonNode value)
    {
        var text = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : value.ToJsonString();
        return text.Length > 100 ? text[..100] + "..." : text;
    }

    private static string Token(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.Object => "START_OBJECT",
        JsonValueKind.Array => "START_ARRAY",
        JsonValueKind.String => "VALUE_STRING",
        JsonValueKind.Number => "VALUE_NUMBER",
        JsonValueKind.True or JsonValueKind.False => "VALUE_BOOLEAN",
        _ => "VALUE_NULL",
    };
}
