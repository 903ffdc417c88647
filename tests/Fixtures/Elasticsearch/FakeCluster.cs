using System.Globalization;
using System.Text.Json.Nodes;

namespace Insights.Fixtures.Elasticsearch;

/// <summary>
/// The fake's whole state: indices, their aliases and the index templates, with ES's rules for resolving names
/// for reads (indices, aliases, wildcards, comma lists) and for writes (an index, or an alias's one write index).
/// Callers hold <see cref="Gate"/> for every operation, so each request is atomic.
/// </summary>
internal sealed class FakeCluster(TimeProvider clock, TimeSpan gcDeletes)
{
    private readonly Dictionary<string, FakeIndex> indices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IndexTemplate> templates = new(StringComparer.Ordinal);

    public object Gate { get; } = new();
    public bool AutoCreateIndex { get; set; } = true;
    public IReadOnlyDictionary<string, FakeIndex> Indices => indices;
    public IReadOnlyDictionary<string, IndexTemplate> Templates => templates;

    public bool AliasExists(string name) => indices.Values.Any(i => i.Aliases.ContainsKey(name));

    public FakeIndex CreateIndex(string name, JsonObject? body)
    {
        ValidateIndexName(name);
        if (indices.TryGetValue(name, out var existing))
            throw new ElasticsearchError(400, "resource_already_exists_exception", $"index [{name}/{existing.Uuid}] already exists",
                new JsonObject { ["index_uuid"] = existing.Uuid, ["index"] = name });
        if (AliasExists(name))
            throw new ElasticsearchError(400, "invalid_index_name_exception", $"Invalid index name [{name}], already exists as alias",
                new JsonObject { ["index_uuid"] = "_na_", ["index"] = name });
        CheckKeys(body, "create index", "settings", "mappings", "aliases");

        var template = templates.Values.Where(t => t.IndexPatterns.Any(p => IndexPattern.Matches(p, name)))
            .OrderByDescending(t => t.Priority).FirstOrDefault();
        var settings = IndexSettings.Normalize(template?.Settings);
        foreach (var (key, value) in IndexSettings.Normalize(body?["settings"] as JsonObject)) settings[key] = value?.DeepClone();
        var mappings = (JsonObject?)template?.Mappings?.DeepClone() ?? new JsonObject();
        if (body?["mappings"] is JsonObject requested) JsonMerge.Into(mappings, requested);
        settings["index.uuid"] = FakeIndex.UuidOf(name);
        settings["index.provided_name"] = name;
        settings["index.creation_date"] = clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        settings.TryAdd("index.number_of_shards", "1");
        settings.TryAdd("index.number_of_replicas", "1");

        var aliases = new Dictionary<string, AliasSettings>(StringComparer.Ordinal);
        foreach (var source in new[] { template?.Aliases, body?["aliases"] as JsonObject })
            if (source is not null)
                foreach (var (alias, definition) in source) aliases[alias] = ParseAlias(alias, definition as JsonObject);
        foreach (var alias in aliases.Keys)
        {
            if (alias == name || indices.ContainsKey(alias))
                throw new ElasticsearchError(400, "invalid_alias_name_exception",
                    $"Invalid alias name [{alias}]: an index or data stream exists with the same name as the alias");
        }

        var index = new FakeIndex(name, settings, mappings, clock, gcDeletes);
        foreach (var (alias, definition) in aliases) index.Aliases[alias] = definition;
        CheckSingleWriteIndex(indices.Values.Append(index));
        indices[name] = index;
        return index;
    }

    public void DeleteIndices(string expression)
    {
        var targets = new List<FakeIndex>();
        foreach (var part in expression.Split(','))
        {
            // ES 8+ defaults action.destructive_requires_name to true.
            if (IndexPattern.IsWildcard(part) || part == "_all")
                throw ElasticsearchError.IllegalArgument("Wildcard expressions or all indices are not allowed");
            if (indices.TryGetValue(part, out var index)) targets.Add(index);
            else if (AliasExists(part))
                throw ElasticsearchError.IllegalArgument(
                    $"The provided expression [{part}] matches an alias, specify the corresponding concrete indices instead.");
            else throw ElasticsearchError.IndexNotFound(part);
        }
        foreach (var index in targets) indices.Remove(index.Name);
    }

    /// <summary>Indices an expression reads from: names, aliases, wildcards, `_all`, comma lists.</summary>
    public IReadOnlyList<FakeIndex> ResolveForRead(string? expression, bool ignoreUnavailable = false)
    {
        var result = new List<FakeIndex>();
        void Add(FakeIndex index) { if (!result.Contains(index)) result.Add(index); }
        if (string.IsNullOrEmpty(expression) || expression is "_all" or "*")
        {
            foreach (var index in indices.Values) Add(index);
            return result;
        }
        foreach (var part in expression.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (IndexPattern.IsWildcard(part))
            {
                foreach (var index in indices.Values)
                    if (IndexPattern.Matches(part, index.Name) || index.Aliases.Keys.Any(a => IndexPattern.Matches(part, a))) Add(index);
                continue;
            }
            if (indices.TryGetValue(part, out var named)) { Add(named); continue; }
            var aliased = indices.Values.Where(i => i.Aliases.ContainsKey(part)).ToList();
            if (aliased.Count == 0 && !ignoreUnavailable) throw ElasticsearchError.IndexNotFound(part);
            aliased.ForEach(Add);
        }
        return result;
    }

    /// <summary>The one index a single-document read (get) addresses: an index, or an alias over exactly one index.</summary>
    public FakeIndex ResolveSingle(string name)
    {
        if (indices.TryGetValue(name, out var index)) return index;
        var aliased = indices.Values.Where(i => i.Aliases.ContainsKey(name)).ToList();
        return aliased.Count switch
        {
            0 => throw ElasticsearchError.IndexNotFound(name),
            1 => aliased[0],
            _ => throw ElasticsearchError.IllegalArgument(
                $"alias [{name}] has more than one index associated with it [[{string.Join(", ", aliased.Select(i => i.Name))}]], can't execute a single index op"),
        };
    }

    /// <summary>Where a write goes: the index itself, an alias's write index, or a new index (auto-create, with templates).</summary>
    public FakeIndex ResolveForWrite(string name)
    {
        if (indices.TryGetValue(name, out var index)) return index;
        var aliased = indices.Values.Where(i => i.Aliases.ContainsKey(name)).ToList();
        if (aliased.Count == 0)
        {
            if (!AutoCreateIndex) throw ElasticsearchError.IndexNotFound(name);
            return CreateIndex(name, null);
        }
        var explicitWrite = aliased.Where(i => i.Aliases[name].IsWriteIndex == true).ToList();
        if (explicitWrite.Count == 1) return explicitWrite[0];
        if (aliased.Count == 1 && aliased[0].Aliases[name].IsWriteIndex is null) return aliased[0];
        throw ElasticsearchError.IllegalArgument(
            $"no write index is defined for alias [{name}]. The write index may be explicitly disabled using is_write_index=false or the alias points to multiple indices without one being designated as a write index");
    }

    public void PutTemplate(string name, JsonObject body)
    {
        CheckKeys(body, "index template", "index_patterns", "template", "priority", "version", "_meta", "composed_of", "allow_auto_create");
        if (body["composed_of"] is JsonArray { Count: > 0 })
            throw ElasticsearchError.IllegalArgument("component templates (composed_of) are not supported by the Elasticsearch fake");
        var patterns = body["index_patterns"] switch
        {
            JsonArray array => array.Select(p => p!.GetValue<string>()).ToList(),
            JsonValue value => [value.GetValue<string>()],
            _ => throw ElasticsearchError.ActionValidation("index patterns are missing"),
        };
        var template = body["template"] as JsonObject;
        CheckKeys(template, "template", "settings", "mappings", "aliases");
        templates[name] = new IndexTemplate(name, patterns, body["priority"]?.GetValue<long>() ?? 0,
            template?["settings"] as JsonObject, template?["mappings"] as JsonObject, template?["aliases"] as JsonObject,
            (JsonObject)body.DeepClone());
    }

    public IndexTemplate GetTemplate(string name) => templates.GetValueOrDefault(name)
        ?? throw new ElasticsearchError(404, "resource_not_found_exception", $"index template matching [{name}] not found");

    public void DeleteTemplate(string name)
    {
        if (!templates.Remove(name))
            throw new ElasticsearchError(404, "index_template_missing_exception", $"index_template [{name}] missing");
    }

    /// <summary>`POST /_aliases`: every action is checked against a copy; nothing changes unless all succeed.</summary>
    public void UpdateAliases(JsonObject body)
    {
        CheckKeys(body, "aliases", "actions");
        if (body["actions"] is not JsonArray actions) throw ElasticsearchError.ActionValidation("no actions specified");
        var staged = indices.Values.ToDictionary(i => i.Name, i => new Dictionary<string, AliasSettings>(i.Aliases), StringComparer.Ordinal);
        var removedIndices = new HashSet<string>(StringComparer.Ordinal);
        foreach (var action in actions.OfType<JsonObject>())
        {
            if (action.Count != 1) throw ElasticsearchError.Parsing("an alias action must have exactly one of [add, remove, remove_index]");
            var (kind, node) = action.First();
            var spec = node as JsonObject ?? throw ElasticsearchError.Parsing($"[{kind}] must be an object");
            CheckKeys(spec, kind, "index", "indices", "alias", "aliases", "is_write_index", "must_exist", "routing", "index_routing", "search_routing", "is_hidden", "filter");
            if (spec["filter"] is not null) throw ElasticsearchError.IllegalArgument("alias filters are not supported by the Elasticsearch fake");
            var indexNames = Names(spec, "index", "indices").SelectMany(ExpandIndexNames).Distinct().ToList();
            switch (kind)
            {
                case "add":
                    foreach (var alias in Names(spec, "alias", "aliases"))
                    {
                        if (indices.ContainsKey(alias))
                            throw new ElasticsearchError(400, "invalid_alias_name_exception",
                                $"Invalid alias name [{alias}]: an index or data stream exists with the same name as the alias");
                        foreach (var index in indexNames)
                            staged[index][alias] = new AliasSettings(spec["is_write_index"]?.GetValue<bool>());
                    }
                    break;
                case "remove":
                    foreach (var alias in Names(spec, "alias", "aliases"))
                    {
                        var removed = indexNames.Count(index => staged[index].Remove(alias));
                        var mustExist = spec["must_exist"]?.GetValue<bool>() ?? true;
                        if (removed == 0 && mustExist)
                            throw new ElasticsearchError(404, "aliases_not_found_exception", $"aliases [{alias}] missing",
                                new JsonObject { ["resource.type"] = "aliases", ["resource.id"] = alias });
                    }
                    break;
                case "remove_index":
                    removedIndices.UnionWith(indexNames);
                    break;
                default:
                    throw ElasticsearchError.Parsing($"unknown alias action [{kind}]");
            }
        }
        foreach (var (index, aliases) in staged)
        {
            if (removedIndices.Contains(index)) continue;
            foreach (var (alias, settings) in aliases)
            {
                var writers = staged.Where(s => !removedIndices.Contains(s.Key) && s.Value.TryGetValue(alias, out var a) && a.IsWriteIndex == true)
                    .Select(s => s.Key).ToList();
                if (writers.Count > 1)
                    throw new ElasticsearchError(400, "illegal_state_exception",
                        $"alias [{alias}] has more than one write index [{string.Join(",", writers)}]");
            }
        }
        foreach (var (index, aliases) in staged)
        {
            var target = indices[index].Aliases;
            target.Clear();
            foreach (var (alias, settings) in aliases) target[alias] = settings;
        }
        foreach (var index in removedIndices) indices.Remove(index);
    }

    private IEnumerable<string> ExpandIndexNames(string expression)
    {
        if (IndexPattern.IsWildcard(expression)) return indices.Keys.Where(n => IndexPattern.Matches(expression, n)).ToList();
        if (indices.ContainsKey(expression)) return [expression];
        throw ElasticsearchError.IndexNotFound(expression);
    }

    private static IEnumerable<string> Names(JsonObject spec, string single, string plural)
    {
        if (spec[single] is JsonValue one) return [one.GetValue<string>()];
        if (spec[plural] is JsonArray many) return many.Select(n => n!.GetValue<string>()).ToList();
        throw ElasticsearchError.ActionValidation($"[{single}] or [{plural}] is missing");
    }

    private static AliasSettings ParseAlias(string alias, JsonObject? definition)
    {
        if (definition?["filter"] is not null)
            throw ElasticsearchError.IllegalArgument($"alias [{alias}]: alias filters are not supported by the Elasticsearch fake");
        return new AliasSettings(definition?["is_write_index"]?.GetValue<bool>());
    }

    private static void CheckSingleWriteIndex(IEnumerable<FakeIndex> indices)
    {
        foreach (var group in indices.SelectMany(i => i.Aliases.Where(a => a.Value.IsWriteIndex == true).Select(a => (a.Key, i.Name)))
                     .GroupBy(p => p.Key))
            if (group.Count() > 1)
                throw new ElasticsearchError(400, "illegal_state_exception",
                    $"alias [{group.Key}] has more than one write index [{string.Join(",", group.Select(g => g.Name))}]");
    }

    private static void ValidateIndexName(string name)
    {
        string? problem = null;
        if (name != name.ToLowerInvariant()) problem = "must be lowercase";
        else if (name.IndexOfAny(['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ',', '#', ':']) >= 0)
            problem = "must not contain the following characters [ , \", *, \\, <, |, ,, >, /, ?, #, :]";
        else if (name.StartsWith('_') || name.StartsWith('-') || name.StartsWith('+')) problem = "must not start with '_', '-', or '+'";
        else if (name is "." or "..") problem = "must not be '.' or '..'";
        if (problem is not null)
            throw new ElasticsearchError(400, "invalid_index_name_exception", $"Invalid index name [{name}], {problem}",
                new JsonObject { ["index_uuid"] = "_na_", ["index"] = name });
    }

    /// <summary>ES rejects unknown keys in request bodies; so does the fake, naming the key.</summary>
    public static void CheckKeys(JsonObject? body, string what, params string[] allowed)
    {
        if (body is null) return;
        foreach (var key in body.Select(p => p.Key))
            if (!allowed.Contains(key))
                throw ElasticsearchError.IllegalArgument($"unknown key [{key}] in {what} request (allowed: {string.Join(", ", allowed)})");
    }
}

/// <summary>A composable index template: patterns, priority, and what it gives new matching indices.</summary>
internal sealed record IndexTemplate(string Name, IReadOnlyList<string> IndexPatterns, long Priority,
    JsonObject? Settings, JsonObject? Mappings, JsonObject? Aliases, JsonObject Definition);
