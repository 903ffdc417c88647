using System.Text;
using System.Text.Json.Nodes;

namespace Insights.Processors.Tests.Parsing;

/// <summary>
/// Hostile change events made from valid ones: fields addressed by dotted paths ("after.member_id") replaced by raw
/// JSON text or removed. Raw text goes in through a placeholder, since a JsonNode cannot hold what the parser would
/// refuse (nesting deeper than it allows, 1e400, lone surrogates).
/// </summary>
public static class EnvelopeEdits
{
    /// <summary>Every field path of a JSON object, parents before children.</summary>
    public static IEnumerable<string> Paths(string json) => Paths(JsonNode.Parse(json)!, "");

    private static IEnumerable<string> Paths(JsonNode node, string prefix)
    {
        if (node is not JsonObject obj) yield break;
        foreach (var (name, child) in obj)
        {
            var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            yield return path;
            if (child is not null) foreach (var inner in Paths(child, path)) yield return inner;
        }
    }

    public static string Replace(string envelope, string path, string json) => Edit(envelope, [(path, json)]);

    public static byte[] Replace(byte[] envelope, string path, string json) => Encoding.UTF8.GetBytes(Replace(Encoding.UTF8.GetString(envelope), path, json));

    public static byte[] Remove(byte[] envelope, string path) => Encoding.UTF8.GetBytes(Edit(Encoding.UTF8.GetString(envelope), [(path, null)]));

    /// <summary>The envelope with each field at a path set to raw JSON text, or removed when the text is null.</summary>
    public static string Edit(string envelope, IEnumerable<(string Path, string? Json)> edits)
    {
        var root = JsonNode.Parse(envelope)!;
        var raw = new List<string>();
        foreach (var (path, json) in edits)
        {
            var (parent, name) = Parent(root, path);
            if (parent is null) continue; // under a field an earlier edit replaced or removed
            if (json is null) parent.Remove(name);
            else
            {
                parent[name] = $"@@hostile-{raw.Count}@@";
                raw.Add(json);
            }
        }
        var text = root.ToJsonString();
        for (var i = 0; i < raw.Count; i++) text = text.Replace($"\"@@hostile-{i}@@\"", raw[i], StringComparison.Ordinal);
        return text;
    }

    private static (JsonObject? Parent, string Name) Parent(JsonNode root, string path)
    {
        var names = path.Split('.');
        var node = root;
        foreach (var name in names[..^1]) node = (node as JsonObject)?[name];
        return (node as JsonObject, names[^1]);
    }
}
