using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Insights.Fixtures.Elasticsearch;

/// <summary>
/// The REST API subset: root info; index create/exists/get/delete; `_mapping` (adding fields); index templates; `_aliases` and `_alias`;
/// `_bulk`; single-document index/create/get/delete; `_refresh`; `_search`, `_count`, `_delete_by_query`.
/// Anything else answers 400 "no handler found", naming the method and path.
/// </summary>
internal static class FakeEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ElasticsearchFake fake)
    {
        var cluster = fake.Cluster;
        app.MapMethods("/", ["GET", "HEAD"], (HttpContext c) => Answer(c, 200, Info()));

        app.MapPut("/{index}", async (HttpContext c, string index) =>
        {
            _ = new RequestParameters(c.Request, "wait_for_active_shards", "timeout", "master_timeout");
            var body = await ReadObjectAsync(c, required: false);
            lock (cluster.Gate) cluster.CreateIndex(index, body);
            await Answer(c, 200, new JsonObject { ["acknowledged"] = true, ["shards_acknowledged"] = true, ["index"] = index });
        });
        app.MapMethods("/{index}", ["HEAD"], (HttpContext c, string index) =>
        {
            bool exists;
            lock (cluster.Gate) exists = TryResolve(cluster, index);
            c.Response.StatusCode = exists ? 200 : 404;
            return Task.CompletedTask;
        });
        app.MapGet("/{index}", (HttpContext c, string index) =>
        {
            var result = new JsonObject();
            lock (cluster.Gate)
                foreach (var i in cluster.ResolveForRead(index))
                    result[i.Name] = new JsonObject
                    {
                        ["aliases"] = Aliases(i),
                        ["mappings"] = i.Mappings.DeepClone(),
                        ["settings"] = IndexSettings.Nest(i.Settings),
                    };
            return Answer(c, 200, result);
        });
        app.MapDelete("/{index}", (HttpContext c, string index) =>
        {
            lock (cluster.Gate) cluster.DeleteIndices(index);
            return Answer(c, 200, new JsonObject { ["acknowledged"] = true });
        });

        app.MapMethods("/{index}/_mapping", ["PUT", "POST"], async (HttpContext c, string index) =>
        {
            _ = new RequestParameters(c.Request, "master_timeout", "timeout", "write_index_only");
            var body = await ReadObjectAsync(c, required: true);
            lock (cluster.Gate)
            {
                var targets = cluster.ResolveForRead(index);
                foreach (var target in targets) target.CheckMapping(body!); // all or nothing, as in ES
                foreach (var target in targets) target.PutMapping(body!);
            }
            await Answer(c, 200, new JsonObject { ["acknowledged"] = true });
        });

        app.MapMethods("/_index_template/{name}", ["PUT", "POST"], async (HttpContext c, string name) =>
        {
            _ = new RequestParameters(c.Request, "create", "master_timeout", "cause");
            var body = await ReadObjectAsync(c, required: true);
            lock (cluster.Gate) cluster.PutTemplate(name, body!);
            await Answer(c, 200, new JsonObject { ["acknowledged"] = true });
        });
        app.MapMethods("/_index_template/{name}", ["GET", "HEAD"], (HttpContext c, string name) =>
        {
            IndexTemplate template;
            lock (cluster.Gate) template = cluster.GetTemplate(name);
            var definition = (JsonObject)template.Definition.DeepClone();
            return Answer(c, 200, new JsonObject
            {
                ["index_templates"] = new JsonArray(new JsonObject { ["name"] = name, ["index_template"] = definition }),
            });
        });
        app.MapDelete("/_index_template/{name}", (HttpContext c, string name) =>
        {
            lock (cluster.Gate) cluster.DeleteTemplate(name);
            return Answer(c, 200, new JsonObject { ["acknowledged"] = true });
        });

        app.MapPost("/_aliases", async (HttpContext c) =>
        {
            _ = new RequestParameters(c.Request, "master_timeout", "timeout");
            var body = await ReadObjectAsync(c, required: true);
            lock (cluster.Gate) cluster.UpdateAliases(body!);
            await Answer(c, 200, new JsonObject { ["acknowledged"] = true, ["errors"] = false });
        });
        app.MapMethods("/_alias/{name}", ["GET", "HEAD"], (HttpContext c, string name) =>
        {
            var result = new JsonObject();
            lock (cluster.Gate)
                foreach (var index in cluster.Indices.Values)
                {
                    var matching = index.Aliases.Where(a => name.Split(',').Any(n => IndexPattern.Matches(n, a.Key))).ToList();
                    if (matching.Count == 0) continue;
                    var aliases = new JsonObject();
                    foreach (var (alias, settings) in matching) aliases[alias] = AliasJson(settings);
                    result[index.Name] = new JsonObject { ["aliases"] = aliases };
                }
            if (result.Count == 0)
                return Answer(c, 404, new JsonObject { ["error"] = $"alias [{name}] missing", ["status"] = 404 });
            return Answer(c, 200, result);
        });

        app.MapMethods("/_bulk", ["POST", "PUT"], (HttpContext c) => BulkAsync(c, fake, null));
        app.MapMethods("/{index}/_bulk", ["POST", "PUT"], (HttpContext c, string index) => BulkAsync(c, fake, index));

        app.MapMethods("/{index}/_doc/{id}", ["GET", "HEAD"], (HttpContext c, string index, string id) =>
        {
            var parameters = new RequestParameters(c.Request, "_source", "_source_includes", "_source_excludes", "realtime",
                "refresh", "routing", "preference", "stored_fields", "version", "version_type");
            JsonObject result;
            var found = false;
            lock (cluster.Gate)
            {
                var target = cluster.ResolveSingle(index);
                var document = target.Get(id);
                result = new JsonObject { ["_index"] = target.Name, ["_id"] = id };
                if (document is not null)
                {
                    found = true;
                    result["_version"] = document.Version;
                    result["_seq_no"] = document.SeqNo;
                    result["_primary_term"] = FakeIndex.PrimaryTerm;
                    result["found"] = true;
                    if (SourceSelection.FromQuery(parameters.Query, SourceSelection.All).Apply(document.Source) is { } source)
                        result["_source"] = source;
                }
                else result["found"] = false;
            }
            return Answer(c, found ? 200 : 404, result);
        });
        app.MapMethods("/{index}/_doc/{id}", ["PUT", "POST"], (HttpContext c, string index, string id) => WriteOneAsync(c, cluster, index, id, "index"));
        app.MapPost("/{index}/_doc", (HttpContext c, string index) => WriteOneAsync(c, cluster, index, null, "index"));
        app.MapMethods("/{index}/_create/{id}", ["PUT", "POST"], (HttpContext c, string index, string id) => WriteOneAsync(c, cluster, index, id, "create"));
        app.MapDelete("/{index}/_doc/{id}", (HttpContext c, string index, string id) => WriteOneAsync(c, cluster, index, id, "delete"));

        app.MapMethods("/_refresh", ["GET", "POST"], (HttpContext c) => RefreshAsync(c, cluster, null));
        app.MapMethods("/{index}/_refresh", ["GET", "POST"], (HttpContext c, string index) => RefreshAsync(c, cluster, index));

        app.MapMethods("/_search", ["GET", "POST"], (HttpContext c) => SearchAsync(c, cluster, null));
        app.MapMethods("/{index}/_search", ["GET", "POST"], (HttpContext c, string index) => SearchAsync(c, cluster, index));
        app.MapMethods("/_count", ["GET", "POST"], (HttpContext c) => CountAsync(c, cluster, null));
        app.MapMethods("/{index}/_count", ["GET", "POST"], (HttpContext c, string index) => CountAsync(c, cluster, index));
        app.MapPost("/{index}/_delete_by_query", async (HttpContext c, string index) =>
        {
            var parameters = new RequestParameters(c.Request, SearchExecution.DeleteByQueryParameters);
            var body = await ReadObjectAsync(c, required: true);
            (int Status, JsonObject Body) result;
            lock (cluster.Gate) result = SearchExecution.DeleteByQuery(cluster, index, body, parameters);
            await Answer(c, result.Status, result.Body);
        });

        app.MapFallback((HttpContext c) => throw ElasticsearchError.IllegalArgument(
            $"no handler found for uri [{c.Request.Path}{c.Request.QueryString}] and method [{c.Request.Method}] (not implemented by the Elasticsearch fake)"));
    }

    private static async Task BulkAsync(HttpContext c, ElasticsearchFake fake, string? index)
    {
        var parameters = new RequestParameters(c.Request, BulkExecution.Parameters);
        var body = await ReadTextAsync(c);
        JsonObject result;
        lock (fake.Cluster.Gate) result = BulkExecution.Execute(fake.Cluster, index, body, parameters, fake.BulkItemFault);
        await Answer(c, 200, result);
    }

    /// <summary>The single-document write APIs, run as a one-item bulk so both paths share every rule.</summary>
    private static async Task WriteOneAsync(HttpContext c, FakeCluster cluster, string index, string? id, string action)
    {
        var parameters = new RequestParameters(c.Request, "refresh", "routing", "timeout", "version", "version_type", "if_seq_no",
            "if_primary_term", "op_type", "wait_for_active_shards", "require_alias", "pipeline");
        if (parameters.String("op_type") == "create") action = "create";
        var metadata = new JsonObject();
        if (id is not null) metadata["_id"] = id;
        foreach (var key in new[] { "version", "if_seq_no", "if_primary_term" })
            if (parameters.Long(key) is { } number) metadata[key] = number;
        if (parameters.String("version_type") is { } versionType) metadata["version_type"] = versionType;
        if (parameters.Bool("require_alias", false)) metadata["require_alias"] = true;
        var source = action == "delete" ? "" : (await ReadObjectAsync(c, required: true))!.ToJsonString() + "\n";
        var ndjson = new JsonObject { [action] = metadata }.ToJsonString() + "\n" + source;
        JsonObject result;
        lock (cluster.Gate) result = BulkExecution.Execute(cluster, index, ndjson, parameters, null);
        var item = (JsonObject)result["items"]![0]![action]!.DeepClone();
        var status = item["status"]!.GetValue<int>();
        if (item["error"] is JsonObject error)
        {
            var root = (JsonObject)error.DeepClone();
            error.Insert(0, "root_cause", new JsonArray(root));
            await Answer(c, status, new JsonObject { ["error"] = error.DeepClone(), ["status"] = status });
            return;
        }
        item.Remove("status");
        await Answer(c, status, item);
    }

    private static Task RefreshAsync(HttpContext c, FakeCluster cluster, string? index)
    {
        _ = new RequestParameters(c.Request, "ignore_unavailable", "allow_no_indices", "expand_wildcards");
        int count;
        lock (cluster.Gate)
        {
            var indices = cluster.ResolveForRead(index);
            foreach (var i in indices) i.Refresh();
            count = indices.Count;
        }
        return Answer(c, 200, new JsonObject
        {
            ["_shards"] = new JsonObject { ["total"] = count * 2, ["successful"] = count, ["failed"] = 0 },
        });
    }

    private static async Task SearchAsync(HttpContext c, FakeCluster cluster, string? index)
    {
        var parameters = new RequestParameters(c.Request, SearchExecution.SearchParameters);
        var body = await ReadObjectAsync(c, required: false);
        JsonObject result;
        lock (cluster.Gate) result = SearchExecution.Search(cluster, index, body, parameters);
        await Answer(c, 200, result);
    }

    private static async Task CountAsync(HttpContext c, FakeCluster cluster, string? index)
    {
        var parameters = new RequestParameters(c.Request, SearchExecution.CountParameters);
        var body = await ReadObjectAsync(c, required: false);
        JsonObject result;
        lock (cluster.Gate) result = SearchExecution.Count(cluster, index, body, parameters);
        await Answer(c, 200, result);
    }

    private static bool TryResolve(FakeCluster cluster, string index)
    {
        try { return cluster.ResolveForRead(index).Count > 0; }
        catch (ElasticsearchError) { return false; }
    }

    private static JsonObject Aliases(FakeIndex index)
    {
        var aliases = new JsonObject();
        foreach (var (alias, settings) in index.Aliases) aliases[alias] = AliasJson(settings);
        return aliases;
    }

    private static JsonObject AliasJson(AliasSettings settings) =>
        settings.IsWriteIndex is { } write ? new JsonObject { ["is_write_index"] = write } : new JsonObject();

    private static JsonObject Info() => new()
    {
        ["name"] = "insights-es-fake",
        ["cluster_name"] = "insights-es-fake",
        ["cluster_uuid"] = "insights-es-fake-cluster-uuid",
        ["version"] = new JsonObject
        {
            ["number"] = "9.1.0", ["build_flavor"] = "default", ["build_type"] = "fake", ["build_hash"] = "fake",
            ["build_date"] = "2025-07-01T00:00:00.000Z", ["build_snapshot"] = false, ["lucene_version"] = "10.2.2",
            ["minimum_wire_compatibility_version"] = "8.19.0", ["minimum_index_compatibility_version"] = "8.0.0",
        },
        ["tagline"] = "You Know, for Search",
    };

    private static Task Answer(HttpContext context, int status, JsonNode body) => WireContract.WriteAsync(context, status, body);

    private static async Task<string> ReadTextAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        return await reader.ReadToEndAsync(context.RequestAborted);
    }

    private static async Task<JsonObject?> ReadObjectAsync(HttpContext context, bool required)
    {
        var text = await ReadTextAsync(context);
        if (string.IsNullOrWhiteSpace(text))
            return required ? throw new ElasticsearchError(400, "parse_exception", "request body is required") : null;
        return JsonNode.Parse(text) as JsonObject
            ?? throw new ElasticsearchError(400, "parse_exception", "request body must be a JSON object");
    }
}
