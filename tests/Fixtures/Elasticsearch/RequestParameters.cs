using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Insights.Fixtures.Elasticsearch;

/// <summary>
/// URL parameters of one endpoint. As in ES, a parameter the endpoint does not know is a 400 naming it;
/// parameters ES knows but the fake cannot honour are refused rather than silently ignored.
/// </summary>
internal sealed class RequestParameters
{
    private static readonly string[] Global = ["pretty", "human", "error_trace"];
    private static readonly string[] Unsupported = ["filter_path", "q", "scroll", "pipeline", "search_type_unsupported"];
    private readonly IQueryCollection query;

    public RequestParameters(HttpRequest request, params string[] allowed)
    {
        query = request.Query;
        foreach (var key in query.Keys)
        {
            if (Unsupported.Contains(key) && !string.IsNullOrEmpty(query[key]))
                throw ElasticsearchError.IllegalArgument($"request [{request.Path}] parameter [{key}] is not supported by the Elasticsearch fake");
            if (!allowed.Contains(key) && !Global.Contains(key))
                throw ElasticsearchError.IllegalArgument($"request [{request.Path}] contains unrecognized parameter: [{key}]");
        }
    }

    public IQueryCollection Query => query;

    public string? String(string key) => query.TryGetValue(key, out var value) ? value.ToString() : null;

    public bool Bool(string key, bool fallback) => String(key) switch
    {
        null => fallback,
        "" or "true" => true,
        "false" => false,
        var other => throw ElasticsearchError.IllegalArgument($"Failed to parse value [{other}] as only [true] or [false] are allowed (parameter [{key}])"),
    };

    public long? Long(string key) => String(key) is { } text
        ? long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw ElasticsearchError.IllegalArgument($"Failed to parse int parameter [{key}] with value [{text}]")
        : null;

    /// <summary>`refresh`: true, "" (= true) and wait_for all make the writes searchable before answering.</summary>
    public bool Refresh() => String("refresh") switch
    {
        null or "false" => false,
        "" or "true" or "wait_for" => true,
        var other => throw ElasticsearchError.IllegalArgument($"Unknown value for refresh: [{other}]."),
    };
}
