using System.Text.Json.Nodes;

namespace Insights.Fixtures.Elasticsearch;

/// <summary>
/// One version of a document: its source as sent, and its leaf values flattened to dotted paths once at write
/// time so queries do not walk JSON. Arrays of objects are flattened too (no `nested` semantics).
/// </summary>
internal sealed class StoredDocument
{
    public StoredDocument(string id, JsonObject source, long version, long seqNo)
    {
        Id = id;
        Source = source;
        Version = version;
        SeqNo = seqNo;
        Flatten(source, "");
    }

    public string Id { get; }
    /// <summary>Never mutated after construction: updates build a new document.</summary>
    public JsonObject Source { get; }
    public long Version { get; }
    public long SeqNo { get; }
    public Dictionary<string, List<IndexedValue>> Fields { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<IndexedValue> ValuesOf(string path) =>
        Fields.TryGetValue(path, out var values) ? values : [];

    /// <summary>ES `exists`: an indexed value at the path, or under it when the path names an object.</summary>
    public bool HasField(string path)
    {
        if (Fields.ContainsKey(path)) return true;
        var prefix = path + ".";
        foreach (var key in Fields.Keys)
            if (key.StartsWith(prefix, StringComparison.Ordinal)) return true;
        return false;
    }

    private void Flatten(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj) Flatten(child, path.Length == 0 ? name : $"{path}.{name}");
                break;
            case JsonArray array:
                foreach (var item in array) Flatten(item, path);
                break;
            default:
                if (IndexedValue.From(node) is { } value)
                {
                    if (!Fields.TryGetValue(path, out var values)) Fields[path] = values = [];
                    values.Add(value);
                }
                break;
        }
    }
}
