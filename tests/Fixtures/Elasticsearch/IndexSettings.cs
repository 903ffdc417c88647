using System.Text.Json.Nodes;

namespace Insights.Fixtures.Elasticsearch;

/// <summary>
/// Index settings in the flat form ES stores them (`index.number_of_shards`: "1"), whether they were sent nested,
/// dotted or without the `index.` prefix; and back to the nested form ES returns.
/// </summary>
internal static class IndexSettings
{
    public static JsonObject Normalize(JsonObject? settings)
    {
        var flat = new JsonObject();
        if (settings is not null) Flatten(settings, "", flat);
        return flat;
    }

    public static JsonObject Nest(JsonObject flat)
    {
        var nested = new JsonObject();
        foreach (var (key, value) in flat)
        {
            var parts = key.Split('.');
            var node = nested;
            foreach (var part in parts[..^1])
            {
                if (node[part] is not JsonObject child) node[part] = child = new JsonObject();
                node = child;
            }
            node[parts[^1]] = value?.DeepClone();
        }
        return nested;
    }

    private static void Flatten(JsonObject settings, string prefix, JsonObject flat)
    {
        foreach (var (key, value) in settings)
        {
            var path = prefix + key;
            if (value is JsonObject child) { Flatten(child, path + ".", flat); continue; }
            if (!path.StartsWith("index.", StringComparison.Ordinal)) path = "index." + path;
            flat[path] = value is JsonValue scalar ? JsonValue.Create(scalar.ToString()) : value?.DeepClone();
        }
    }
}
