using System.Text.Json;
using System.Text.Json.Nodes;

namespace Insights.Fixtures.Elasticsearch;

/// <summary>
/// `_bulk`: parses the ndjson body as ES does (it must end with a newline; a malformed action line fails the whole
/// request) and runs each item on its own, reporting per-item results and `errors: true` when any item failed.
/// </summary>
internal static class BulkExecution
{
    public static readonly string[] Parameters =
    [
        "refresh", "routing", "timeout", "wait_for_active_shards", "require_alias", "require_data_stream", "_source",
        "_source_includes", "_source_excludes", "include_source_on_error", "list_executed_pipelines", "pipeline", "filter_path",
    ];

    private static readonly string[] MetadataKeys =
    [
        "_index", "_id", "version", "version_type", "if_seq_no", "if_primary_term", "routing", "require_alias", "pipeline",
        "dynamic_templates", "retry_on_conflict", "_source", "list_executed_pipelines",
    ];

    public static JsonObject Execute(FakeCluster cluster, string? urlIndex, string body, RequestParameters parameters,
        Func<BulkItem, int?>? itemFault)
    {
        if (body.Length == 0) throw ElasticsearchError.ActionValidation("no requests added");
        if (body[^1] != '\n') throw ElasticsearchError.IllegalArgument("The bulk request must be terminated by a newline [\\n]");
        // Elasticsearch parses the whole body and validates every item (BulkRequest.validate) before it runs any:
        // a malformed line or one invalid item (a negative external version...) fails the whole request with 400.
        var requests = Parse(body, urlIndex);
        if (requests.Count == 0) throw ElasticsearchError.ActionValidation("no requests added");
        var problems = requests.SelectMany(Validate).ToList();
        if (problems.Count > 0) throw ElasticsearchError.ActionValidation(problems);

        var requireAlias = parameters.Bool("require_alias", false);
        var items = new JsonArray();
        var touched = new HashSet<FakeIndex>();
        var errors = false;
        foreach (var request in requests)
        {
            var (item, failed, index) = RunItem(cluster, request, requireAlias, itemFault);
            items.Add(new JsonObject { [request.Action] = item });
            errors |= failed;
            if (index is not null) touched.Add(index);
        }
        if (parameters.Refresh()) foreach (var index in touched) index.Refresh();
        return new JsonObject { ["errors"] = errors, ["took"] = 1, ["items"] = items };
    }

    /// <summary>One parsed item of a bulk body: its action, metadata, source line (none for delete) and index.</summary>
    private sealed record BulkRequestItem(string Action, JsonObject Metadata, JsonObject? Source, string Index);

    private static List<BulkRequestItem> Parse(string body, string? urlIndex)
    {
        var lines = body.Split('\n');
        var requests = new List<BulkRequestItem>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            var lineNumber = i + 1;
            var (action, metadata) = ParseAction(lines[i], lineNumber);
            JsonObject? source = null;
            if (action != "delete")
            {
                i++;
                if (i >= lines.Length || string.IsNullOrWhiteSpace(lines[i]))
                    throw ElasticsearchError.IllegalArgument($"The bulk request is missing the source line after action line [{lineNumber}]");
                source = ParseSource(lines[i], i + 1);
            }
            requests.Add(new BulkRequestItem(action, metadata, source, metadata["_index"]?.GetValue<string>() ?? urlIndex ?? ""));
        }
        return requests;
    }

    /// <summary>What IndexRequest/DeleteRequest.validate() refuse, in Elasticsearch's words.</summary>
    private static IEnumerable<string> Validate(BulkRequestItem request)
    {
        if (request.Index.Length == 0) yield return "index is missing";
        if (request.Metadata["_id"] is null && request.Action is "update" or "delete") yield return "id is missing";
        if (request.Action == "update") yield break; // its own rules run per item
        var conditions = Conditions(request.Metadata);
        if (conditions.IsExternal)
        {
            if (request.Action == "create") yield return "create operations only support internal versioning. use index instead";
            // A missing version is Versions.MATCH_ANY (-3) to Elasticsearch, which no external version type accepts.
            var version = conditions.Version ?? -3;
            if (version < 0) yield return $"illegal version value [{version}] for version type [{conditions.VersionType.ToUpperInvariant()}]";
        }
        else if (conditions.Version is not null)
            yield return "internal versioning can not be used for optimistic concurrency control. Please use `if_seq_no` and `if_primary_term` instead";
    }

    private static (JsonObject Item, bool Failed, FakeIndex? Index) RunItem(FakeCluster cluster, BulkRequestItem request,
        bool requireAlias, Func<BulkItem, int?>? itemFault)
    {
        var (action, metadata, source, indexName) = request;
        var id = metadata["_id"]?.ToString();
        FakeIndex? index = null;
        try
        {
            if ((metadata["require_alias"]?.GetValue<bool>() ?? requireAlias) && !cluster.AliasExists(indexName))
                throw new ElasticsearchError(404, "index_not_found_exception",
                    $"no such index [{indexName}] and [require_alias] request flag is [true] and [{indexName}] is not an alias",
                    new JsonObject { ["index_uuid"] = "_na_", ["index"] = indexName });
            if (itemFault?.Invoke(new BulkItem(action, indexName, id)) is { } injected)
                throw ElasticsearchError.Injected(injected);
            index = cluster.ResolveForWrite(indexName);
            id ??= NewId();
            var conditions = Conditions(metadata);
            var outcome = action switch
            {
                "index" => index.Index(id, source!, conditions, createOnly: false),
                "create" => index.Index(id, source!, conditions, createOnly: true),
                "delete" => index.Delete(id, conditions),
                _ => Update(index, id, source!, conditions),
            };
            var item = new JsonObject
            {
                ["_index"] = index.Name, ["_id"] = id, ["_version"] = outcome.Version, ["result"] = outcome.Result,
                ["_shards"] = outcome.Result == "noop"
                    ? new JsonObject { ["total"] = 0, ["successful"] = 0, ["failed"] = 0 }
                    : new JsonObject { ["total"] = 2, ["successful"] = 1, ["failed"] = 0 },
                ["_seq_no"] = outcome.SeqNo, ["_primary_term"] = FakeIndex.PrimaryTerm, ["status"] = outcome.Status,
            };
            return (item, false, index);
        }
        catch (ElasticsearchError error)
        {
            var item = new JsonObject { ["_index"] = index?.Name ?? indexName, ["_id"] = id, ["status"] = error.Status, ["error"] = error.Cause() };
            return (item, true, null);
        }
    }

    private static WriteOutcome Update(FakeIndex index, string id, JsonObject body, WriteConditions conditions)
    {
        foreach (var key in body.Select(p => p.Key))
        {
            if (key is "script" or "scripted_upsert")
                throw ElasticsearchError.IllegalArgument("scripted updates are not supported by the Elasticsearch fake");
            if (key is not ("doc" or "doc_as_upsert" or "upsert" or "detect_noop" or "_source"))
                throw ElasticsearchError.IllegalArgument($"[UpdateRequest] unknown field [{key}]");
        }
        if (body["doc"] is not JsonObject doc && body["upsert"] is null)
            throw ElasticsearchError.ActionValidation("script or doc is missing");
        return index.Update(id, body["doc"] as JsonObject, body["upsert"] as JsonObject,
            body["doc_as_upsert"]?.GetValue<bool>() ?? false, body["detect_noop"]?.GetValue<bool>() ?? true, conditions);
    }

    public static WriteConditions Conditions(JsonObject metadata) => new(
        metadata["version"]?.GetValue<long>(),
        metadata["version_type"]?.GetValue<string>() ?? "internal",
        metadata["if_seq_no"]?.GetValue<long>(),
        metadata["if_primary_term"]?.GetValue<long>());

    private static (string Action, JsonObject Metadata) ParseAction(string line, int lineNumber)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(line); }
        catch (JsonException e)
        {
            throw new ElasticsearchError(400, "x_content_parse_exception", $"[{lineNumber}:1] Malformed action/metadata line: {e.Message}");
        }
        if (node is not JsonObject { Count: 1 } obj || obj.First().Value is not JsonObject metadata)
            throw ElasticsearchError.IllegalArgument($"Malformed action/metadata line [{lineNumber}], expected START_OBJECT or END_OBJECT but found [{node?.GetValueKind()}]");
        var action = obj.First().Key;
        if (action is not ("index" or "create" or "update" or "delete"))
            throw ElasticsearchError.IllegalArgument(
                $"Malformed action/metadata line [{lineNumber}], expected field [create], [delete], [index] or [update] but found [{action}]");
        foreach (var key in metadata.Select(p => p.Key))
            if (!MetadataKeys.Contains(key))
                throw ElasticsearchError.IllegalArgument($"Action/metadata line [{lineNumber}] contains an unknown parameter [{key}]");
        return (action, metadata);
    }

    private static JsonObject ParseSource(string line, int lineNumber)
    {
        try
        {
            return JsonNode.Parse(line) as JsonObject
                ?? throw new ElasticsearchError(400, "x_content_parse_exception", $"[{lineNumber}:1] the source line must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new ElasticsearchError(400, "x_content_parse_exception", $"[{lineNumber}:1] Malformed source line: {e.Message}");
        }
    }

    /// <summary>An auto-generated id of ES's length (20 URL-safe base64 characters).</summary>
    public static string NewId() =>
        Convert.ToBase64String(Guid.NewGuid().ToByteArray())[..20].Replace('+', '-').Replace('/', '_');
}
