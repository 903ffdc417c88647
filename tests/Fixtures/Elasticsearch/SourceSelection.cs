using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Insights.Fixtures.Elasticsearch;

/// <summary>
/// ES `_source` filtering: false drops the source; include and exclude patterns (with `*`) select fields by dotted path.
/// From a search body (`_source`: bool, string, array or {includes, excludes}) or from query parameters.
/// </summary>
internal sealed class SourceSelection
{
    public static readonly SourceSelection All = new(true, [], []);

    private readonly string[] includes;
    private readonly string[] excludes;

    private SourceSelection(bool enabled, string[] includes, string[] excludes)
    {
        Enabled = enabled;
        this.includes = includes;
        this.excludes = excludes;
    }

    public bool Enabled { get; }

    public static SourceSelection FromBody(JsonNode? node) => node switch
    {
        null => All,
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False =>
            value.GetValue<bool>() ? All : new SourceSelection(false, [], []),
        JsonValue value => new SourceSelection(true, [value.GetValue<string>()], []),
        JsonArray array => new SourceSelection(true, Strings(array), []),
        JsonObject obj => new SourceSelection(true, Strings(obj["includes"] ?? obj["include"]), Strings(obj["excludes"] ?? obj["exclude"])),
        _ => throw ElasticsearchError.Parsing("[_source] must be a boolean, string, array or object"),
    };

    public static SourceSelection FromQuery(IQueryCollection query, SourceSelection fallback)
    {
        string[] Split(string key) => query[key].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        var source = query["_source"].ToString();
        var includes = Split("_source_includes");
        var excludes = Split("_source_excludes");
        if (source is "false") return new SourceSelection(false, [], []);
        if (source.Length > 0 && source != "true") includes = [.. includes, .. source.Split(',')];
        return includes.Length == 0 && excludes.Length == 0 ? fallback : new SourceSelection(true, includes, excludes);
    }

    public JsonObject? Apply(JsonObject source)
    {
        if (!Enabled) return null;
        if (includes.Length == 0 && excludes.Length == 0) return (JsonObject)source.DeepClone();
        return Filter(source, "", included: includes.Length == 0);
    }

    private JsonObject Filter(JsonObject source, string prefix, bool included)
    {
        var result = new JsonObject();
        foreach (var (key, value) in source)
        {
            var path = prefix + key;
            if (excludes.Any(p => IndexPattern.Matches(p, path))) continue;
            var here = included || includes.Any(p => IndexPattern.Matches(p, path));
            if (value is JsonObject child)
            {
                if (!here && !includes.Any(p => MayMatchBelow(p, path))) continue;
                var filtered = Filter(child, path + ".", here);
                if (here || filtered.Count > 0) result[key] = filtered;
            }
            else if (here) result[key] = value?.DeepClone();
        }
        return result;
    }

    private static bool MayMatchBelow(string pattern, string path)
    {
        var star = pattern.IndexOf('*');
        var fixedPart = star < 0 ? pattern : pattern[..star];
        var below = path + ".";
        return fixedPart.StartsWith(below, StringComparison.Ordinal) || (star >= 0 && below.StartsWith(fixedPart, StringComparison.Ordinal));
    }

    private static string[] Strings(JsonNode? node) => node switch
    {
        null => [],
        JsonArray array => array.Select(v => v!.GetValue<string>()).ToArray(),
        var single => [single.GetValue<string>()],
    };
}
