using System.Text.Json.Nodes;

namespace Insights.Fixtures.Elasticsearch;

/// <summary>Deep merge of JSON objects (template mappings under request mappings): objects merge, other values replace.</summary>
internal static class JsonMerge
{
    public static void Into(JsonObject target, JsonObject overrides)
    {
        foreach (var (key, value) in overrides)
        {
            if (value is JsonObject child && target[key] is JsonObject existing) Into(existing, child);
            else target[key] = value?.DeepClone();
        }
    }
}
