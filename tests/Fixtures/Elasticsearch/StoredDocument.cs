using System.Text.Json.Nodes;

namespace Insights.Fixtures.Elasticsearch;

/// <summary>
/// One version of a document: its source as sent, and its leaf values flattened to dotted paths once at write
/// time so queries do not walk JSON. Arrays of objects are flattened too, except under a path mapped `nested`:
/// as in ES, those objects are not fields of the document (a query or aggregation reaches them through `nested`,
/// which sees each object as a document of its own, <see cref="NestedObjects"/>).
/// </summary>
internal sealed class StoredDocument
{
    private readonly IReadOnlySet<string> nested;

    public StoredDocument(string id, JsonObject source, long version, long seqNo, IReadOnlySet<string>? nested = null)
    {
        Id = id;
        Source = source;
        Version = version;
        SeqNo = seqNo;
        this.nested = nested ?? new HashSet<string>();
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

    /// <summary>
    /// The objects under a top-level nested path, each as a document of its own holding only that object under the
    /// same path (so `path.field` names its values), in source order.
    /// </summary>
    public IEnumerable<StoredDocument> NestedObjects(string path)
    {
        IEnumerable<JsonNode?> items = Source[path] switch
        {
            JsonArray array => array,
            JsonObject single => [single],
            _ => [],
        };
        foreach (var item in items)
            if (item is JsonObject obj)
                yield return new StoredDocument(Id, new JsonObject { [path] = obj.DeepClone() }, Version, SeqNo);
    }

    private void Flatten(JsonNode? node, string path)
    {
        if (path.Length > 0 && nested.Contains(path)) return;
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
