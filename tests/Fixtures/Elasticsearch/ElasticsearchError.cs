using System.Text.Json.Nodes;

namespace Insights.Fixtures.Elasticsearch;

/// <summary>
/// An error the fake answers with, shaped like Elasticsearch's: `{"error":{"root_cause":[..],"type","reason",..},"status"}`.
/// Also used as the per-item error of a bulk response.
/// </summary>
public sealed class ElasticsearchError(int status, string type, string reason, JsonObject? details = null) : Exception(reason)
{
    public int Status { get; } = status;
    public string Type { get; } = type;
    public string Reason { get; } = reason;

    /// <summary>The error cause object: type, reason and any details (index, resource.id...).</summary>
    public JsonObject Cause()
    {
        var cause = new JsonObject { ["type"] = Type, ["reason"] = Reason };
        if (details is not null)
            foreach (var (key, value) in details) cause[key] = value?.DeepClone();
        return cause;
    }

    public JsonObject Body()
    {
        var error = Cause();
        var rootCause = Cause();
        rootCause.Remove("caused_by");
        error.Insert(0, "root_cause", new JsonArray(rootCause));
        return new JsonObject { ["error"] = error, ["status"] = Status };
    }

    public static ElasticsearchError IndexNotFound(string index) => new(404, "index_not_found_exception", $"no such index [{index}]",
        new JsonObject { ["resource.type"] = "index_or_alias", ["resource.id"] = index, ["index_uuid"] = "_na_", ["index"] = index });

    public static ElasticsearchError Parsing(string reason) => new(400, "parsing_exception", reason);

    public static ElasticsearchError IllegalArgument(string reason) => new(400, "illegal_argument_exception", reason);

    public static ElasticsearchError ActionValidation(string reason) => ActionValidation([reason]);

    /// <summary>ActionRequestValidationException's message: every problem numbered, each ended by ';'.</summary>
    public static ElasticsearchError ActionValidation(IReadOnlyList<string> reasons) =>
        new(400, "action_request_validation_exception",
            "Validation Failed: " + string.Concat(reasons.Select((reason, i) => $"{i + 1}: {reason};")));

    public static ElasticsearchError VersionConflict(string index, string id, string reason) => new(409,
        "version_conflict_engine_exception", $"[{id}]: version conflict, {reason}",
        new JsonObject { ["index_uuid"] = FakeIndex.UuidOf(index), ["shard"] = "0", ["index"] = index });

    /// <summary>The body of a rejection injected by <see cref="ElasticsearchFake.FailNext"/>, as ES words each status.</summary>
    public static ElasticsearchError Injected(int status) => status switch
    {
        429 => new(429, "es_rejected_execution_exception",
            "rejected execution of coordinating operation [shard_detail=[insights][0][P], coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, coordinating_operation_bytes=0, max_coordinating_and_primary_bytes=0]"),
        503 => new(503, "unavailable_shards_exception", "[insights][0] primary shard is not active Timeout: [1m]"),
        502 or 504 => new(status, "exception", $"injected gateway failure {status}"),
        _ => new(status, "exception", $"injected failure {status}"),
    };
}
