using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Insights.Fixtures.Elasticsearch;

/// <summary>
/// One index: realtime documents (what get sees), the searchable view (what search sees, moved forward by refresh),
/// delete tombstones that keep external versions for `gc_deletes`, mappings, settings and aliases.
/// Not thread-safe: the cluster serialises access.
/// </summary>
internal sealed class FakeIndex
{
    public const long PrimaryTerm = 1;

    private readonly Dictionary<string, StoredDocument> live = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoredDocument> searchable = new(StringComparer.Ordinal);
    // Ids written since the last refresh; null marks a delete.
    private readonly Dictionary<string, StoredDocument?> pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Version, DateTime DeletedAt)> tombstones = new(StringComparer.Ordinal);
    private readonly TimeProvider clock;
    private readonly TimeSpan gcDeletes;
    private long nextSeqNo;

    public FakeIndex(string name, JsonObject settings, JsonObject mappings, TimeProvider clock, TimeSpan gcDeletes)
    {
        Name = name;
        Settings = settings;
        Mappings = mappings;
        FieldTypes = new FieldTypes(mappings);
        this.clock = clock;
        this.gcDeletes = gcDeletes;
    }

    public string Name { get; }
    public string Uuid => UuidOf(Name);
    public JsonObject Settings { get; }
    public JsonObject Mappings { get; }
    public FieldTypes FieldTypes { get; private set; }
    public Dictionary<string, AliasSettings> Aliases { get; } = new(StringComparer.Ordinal);
    public IEnumerable<StoredDocument> Searchable => searchable.Values;
    public int SearchableCount => searchable.Count;

    /// <summary>A stable made-up UUID per index name, as errors and index metadata carry one.</summary>
    public static string UuidOf(string index) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(index)), 0, 16).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public StoredDocument? Get(string id) => live.GetValueOrDefault(id);

    /// <summary>
    /// PUT _mapping: adds new fields (recursively through object `properties`) and takes a new `dynamic`;
    /// changing an existing field's type is refused as ES refuses it. Checked whole before anything changes.
    /// </summary>
    public void CheckMapping(JsonObject body)
    {
        FakeCluster.CheckKeys(body, "mapping", "properties", "dynamic", "_meta");
        if (body["properties"] is JsonObject added && Mappings["properties"] is JsonObject properties) CheckMerge(properties, added, "");
    }

    /// <summary>Applies a mapping <see cref="CheckMapping"/> accepted.</summary>
    public void PutMapping(JsonObject body)
    {
        CheckMapping(body);
        if (body["properties"] is JsonObject added)
        {
            var properties = Mappings["properties"] as JsonObject ?? new JsonObject();
            Merge(properties, added);
            Mappings["properties"] = properties;
        }
        if (body["dynamic"] is { } dynamic) Mappings["dynamic"] = dynamic.DeepClone();
        if (body["_meta"] is { } meta) Mappings["_meta"] = meta.DeepClone();
        FieldTypes = new FieldTypes(Mappings);
    }

    private static void CheckMerge(JsonObject existing, JsonObject added, string prefix)
    {
        foreach (var (name, definition) in added)
        {
            if (existing[name] is not JsonObject current || definition is not JsonObject field) continue;
            var was = current["type"]?.GetValue<string>() ?? (current["properties"] is not null ? "object" : null);
            var now = field["type"]?.GetValue<string>() ?? (field["properties"] is not null ? "object" : null);
            if (was != now)
                throw ElasticsearchError.IllegalArgument($"mapper [{prefix}{name}] cannot be changed from type [{was}] to [{now}]");
            if (current["properties"] is JsonObject currentChildren && field["properties"] is JsonObject addedChildren)
                CheckMerge(currentChildren, addedChildren, $"{prefix}{name}.");
        }
    }

    private static void Merge(JsonObject existing, JsonObject added)
    {
        foreach (var (name, definition) in added)
        {
            if (existing[name] is JsonObject current && current["properties"] is JsonObject children && definition?["properties"] is JsonObject more)
                Merge(children, more);
            else if (existing[name] is null) existing[name] = definition?.DeepClone();
        }
    }

    public void Refresh()
    {
        foreach (var (id, document) in pending)
        {
            if (document is null) searchable.Remove(id);
            else searchable[id] = document;
        }
        pending.Clear();
    }

    public WriteOutcome Index(string id, JsonObject source, WriteConditions conditions, bool createOnly)
    {
        // Elasticsearch parses the document against the mapping before it looks at versions.
        DocumentMapping.Check(Mappings, id, source);
        var existing = live.GetValueOrDefault(id);
        if (createOnly)
        {
            if (conditions.IsExternal)
                throw ElasticsearchError.ActionValidation("create operations only support internal versioning. use index instead");
            if (existing is not null)
                throw ElasticsearchError.VersionConflict(Name, id, $"document already exists (current version [{existing.Version}])");
        }
        var version = NextVersion(id, existing, conditions);
        Store(new StoredDocument(id, source, version, nextSeqNo++, FieldTypes.NestedPaths));
        return existing is null ? new("created", version, nextSeqNo - 1, 201) : new("updated", version, nextSeqNo - 1, 200);
    }

    public WriteOutcome Update(string id, JsonObject? partial, JsonObject? upsert, bool docAsUpsert, bool detectNoop, WriteConditions conditions)
    {
        if (conditions.Version is not null)
            throw ElasticsearchError.ActionValidation(conditions.IsExternal
                ? $"version type [{conditions.VersionType.ToUpperInvariant()}] is not supported by the update API"
                : "internal versioning can not be used for optimistic concurrency control. Please use `if_seq_no` and `if_primary_term` instead");
        var existing = live.GetValueOrDefault(id);
        CheckSequence(id, existing, conditions);
        if (existing is null)
        {
            var inserted = docAsUpsert ? partial : upsert;
            if (inserted is null)
                throw new ElasticsearchError(404, "document_missing_exception", $"[{id}]: document missing",
                    new JsonObject { ["index_uuid"] = Uuid, ["shard"] = "0", ["index"] = Name });
            DocumentMapping.Check(Mappings, id, inserted);
            var version = NextVersion(id, null, WriteConditions.None);
            Store(new StoredDocument(id, (JsonObject)inserted.DeepClone(), version, nextSeqNo++, FieldTypes.NestedPaths));
            return new("created", version, nextSeqNo - 1, 201);
        }
        var merged = (JsonObject)existing.Source.DeepClone();
        if (partial is not null) JsonMerge.Into(merged, partial);
        if (detectNoop && JsonNode.DeepEquals(merged, existing.Source))
            return new("noop", existing.Version, existing.SeqNo, 200);
        DocumentMapping.Check(Mappings, id, merged);
        Store(new StoredDocument(id, merged, existing.Version + 1, nextSeqNo++, FieldTypes.NestedPaths));
        return new("updated", existing.Version + 1, nextSeqNo - 1, 200);
    }

    public WriteOutcome Delete(string id, WriteConditions conditions)
    {
        var existing = live.GetValueOrDefault(id);
        var version = NextVersion(id, existing, conditions);
        var seqNo = nextSeqNo++;
        tombstones[id] = (version, clock.GetUtcNow().UtcDateTime);
        if (existing is null) return new("not_found", version, seqNo, 404);
        live.Remove(id);
        pending[id] = null;
        return new("deleted", version, seqNo, 200);
    }

    private void Store(StoredDocument document)
    {
        live[document.Id] = document;
        pending[document.Id] = document;
        tombstones.Remove(document.Id);
    }

    private long NextVersion(string id, StoredDocument? existing, WriteConditions conditions)
    {
        CheckSequence(id, existing, conditions);
        var current = existing?.Version ?? LiveTombstone(id);
        if (!conditions.IsExternal)
        {
            if (conditions.Version is not null)
                throw ElasticsearchError.ActionValidation(
                    "internal versioning can not be used for optimistic concurrency control. Please use `if_seq_no` and `if_primary_term` instead");
            return (current ?? 0) + 1;
        }
        if (conditions.Version is not { } version || version < 0)
            throw ElasticsearchError.ActionValidation($"illegal version value [{conditions.Version}] for version type [{conditions.VersionType.ToUpperInvariant()}]");
        if (current is { } stored)
        {
            var gte = conditions.VersionType == "external_gte";
            if (gte ? version < stored : version <= stored)
                throw ElasticsearchError.VersionConflict(Name, id,
                    $"current version [{stored}] is {(gte ? "higher than" : "higher or equal to")} the one provided [{version}]");
        }
        return version;
    }

    private void CheckSequence(string id, StoredDocument? existing, WriteConditions conditions)
    {
        if (conditions.IfSeqNo is not { } seqNo) return;
        var term = conditions.IfPrimaryTerm ?? PrimaryTerm;
        if (existing is null)
            throw ElasticsearchError.VersionConflict(Name, id, $"required seqNo [{seqNo}], primary term [{term}] but no document was found");
        if (existing.SeqNo != seqNo || term != PrimaryTerm)
            throw ElasticsearchError.VersionConflict(Name, id,
                $"required seqNo [{seqNo}], primary term [{term}]. current document has seqNo [{existing.SeqNo}] and primary term [{PrimaryTerm}]");
    }

    private long? LiveTombstone(string id)
    {
        if (!tombstones.TryGetValue(id, out var tombstone)) return null;
        if (clock.GetUtcNow().UtcDateTime - tombstone.DeletedAt <= gcDeletes) return tombstone.Version;
        tombstones.Remove(id);
        return null;
    }
}

/// <summary>An alias on one index; <see cref="IsWriteIndex"/> null means "not said".</summary>
internal sealed record AliasSettings(bool? IsWriteIndex);
