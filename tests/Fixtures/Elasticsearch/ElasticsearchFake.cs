// An in-process fake of the Elasticsearch HTTP API for contract tests. It proves the wire contract
// (what Elastic.Clients.Elasticsearch sends and expects), not search quality.
//
// Limits (what differs from a real cluster):
// - No analysers and no BM25: strings compare exactly as keywords (a `text` field behaves like `keyword`);
//   term, terms, range, exists and match_all score a constant 1 x boost; bool adds must/should scores;
//   rank_feature computes ES's saturation/log/sigmoid/linear functions (default pivot: the geometric mean
//   of the feature over the index). Full-text queries (match, query_string...) answer 400 "not supported".
// - Mappings in part: their field types decide how values compare (numeric, date, boolean, keyword), and a
//   written document is refused per item as ES refuses it (DocumentMapping: strict dynamic, numbers, booleans,
//   keywords and their 32,766-byte term limit, rank features that must be positive normal floats, objects and
//   `enabled: false`), but values are not coerced into what is stored, there is no dynamic mapping output, no
//   doc values limits (sorting on a text field works here and fails in ES). Other field types take any value.
//   Arrays of objects are flattened, except under a top-level path mapped `nested`: those objects are invisible
//   to queries on the document and reached only through the `nested` aggregation (no `nested` query).
// - Aggregations: `nested`, `filter`, `range` (with sub-aggregations) and `sum` only (SearchAggregations, checked as ES checks them); others
//   answer 400 "not supported".
// - Bulk bodies are parsed and validated whole before any item runs (BulkRequest.validate): a malformed line or
//   an invalid item (a negative external version) fails the whole request with 400.
// - No shards, replicas, routing or cluster: one copy of everything, in memory, lost on stop. Every request
//   is atomic (one lock), so there are no races to provoke except the ones the fault injection makes.
// - No periodic refresh (refresh_interval is effectively -1): documents become searchable after
//   `_refresh` or a write with `?refresh=true|wait_for`. Get is realtime, as in ES.
// - Delete tombstones keep external versions for gc_deletes (60 s by default, as index.gc_deletes).
// - Not implemented: other aggregations, highlighting, scroll, PIT, scripts, ingest pipelines,
//   alias filters and routing, component templates, data streams, date math, `q=` searches, `filter_path`,
//   tasks, security (plain HTTP, no auth). Requests that use them get a 400 that says the fake does not support them.
// - Bulk throughput here (client and fake in one process): about 20,000 documents per CPU-second; a
//   filtered, sorted search over 20,000 documents about 45 ms of CPU (a linear scan, no inverted index).
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Insights.Fixtures.Elasticsearch;

/// <summary>
/// The fake Elasticsearch node: Kestrel on 127.0.0.1 with a free port, the subset of the REST API listed in
/// <see cref="FakeEndpoints"/>, and fault injection through this object (not over HTTP).
/// </summary>
public sealed class ElasticsearchFake : IAsyncDisposable
{
    private readonly WebApplication app;
    private int failNextCount;
    private int failNextStatus;
    private int abortNextCount;
    private volatile Func<BulkItem, int?>? bulkItemFault;
    private long delayTicks;

    private ElasticsearchFake(WebApplication app, FakeCluster cluster)
    {
        this.app = app;
        Cluster = cluster;
    }

    public Uri BaseUri { get; private set; } = null!;
    internal FakeCluster Cluster { get; }

    /// <summary>Requests answered so far, injected failures included.</summary>
    public int RequestCount => requestCount;
    private int requestCount;

    /// <summary>Requests being handled right now (a test that kills a client mid-request waits for one).</summary>
    public int InFlightRequestCount => Volatile.Read(ref inFlight);
    private int inFlight;

    /// <summary>Requests that arrived with a compressed body (Content-Encoding gzip or deflate).</summary>
    public int CompressedRequestCount => compressedRequestCount;
    private int compressedRequestCount;

    /// <summary>The Authorization header of the latest request (the fake does not check it), or null when it had none.</summary>
    public string? LastAuthorization { get; private set; }

    public static async Task<ElasticsearchFake> StartAsync(TimeProvider? clock = null, TimeSpan? gcDeletes = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = 100 * 1024 * 1024; // ES's default http.max_content_length
        });
        builder.Services.AddResponseCompression(o =>
        {
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ["application/json", "application/vnd.elasticsearch+json"];
        });
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        var fake = new ElasticsearchFake(app, new FakeCluster(clock ?? TimeProvider.System, gcDeletes ?? TimeSpan.FromSeconds(60)));
        app.UseResponseCompression();
        app.Use(fake.HandleAsync);
        app.UseRouting();
        FakeEndpoints.Map(app, fake);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return fake;
    }

    /// <summary>The next <paramref name="count"/> requests answer <paramref name="statusCode"/> with ES's error body for it (429 es_rejected_execution_exception, 503 unavailable_shards_exception...).</summary>
    public void FailNext(int count, int statusCode)
    {
        if (statusCode is < 400 or > 599) throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "an error status (4xx or 5xx)");
        Volatile.Write(ref failNextStatus, statusCode);
        Volatile.Write(ref failNextCount, count);
    }

    /// <summary>The next <paramref name="count"/> requests have their connection dropped without an answer (a connection error for the client).</summary>
    public void AbortNext(int count) => Volatile.Write(ref abortNextCount, count);

    /// <summary>
    /// Makes chosen bulk items fail: the rule sees each item (action, index as written, id) and returns a status
    /// (e.g. 429, 503, 400) to fail it with ES's error for that status, or null to run it. Null clears the rule.
    /// </summary>
    public void FailBulkItems(Func<BulkItem, int?>? rule) => bulkItemFault = rule;

    public Func<BulkItem, int?>? BulkItemFault => bulkItemFault;

    /// <summary>
    /// Every request waits <paramref name="delay"/> before it is handled (a slow or loaded cluster), so a client
    /// spends most of its time inside a request; <see cref="TimeSpan.Zero"/> ends it.
    /// </summary>
    public void DelayEachRequest(TimeSpan delay) => Interlocked.Exchange(ref delayTicks, delay.Ticks);

    /// <summary>Clears every injected fault.</summary>
    public void ClearFaults()
    {
        Volatile.Write(ref failNextCount, 0);
        Volatile.Write(ref abortNextCount, 0);
        bulkItemFault = null;
        Interlocked.Exchange(ref delayTicks, 0);
    }

    private async Task HandleAsync(HttpContext context, RequestDelegate next)
    {
        Interlocked.Increment(ref requestCount);
        LastAuthorization = context.Request.Headers.Authorization.Count > 0 ? context.Request.Headers.Authorization.ToString() : null;
        if (context.Request.Headers.ContentEncoding.ToString() is "gzip" or "deflate") Interlocked.Increment(ref compressedRequestCount);
        context.Response.Headers[WireContract.ProductHeader] = "Elasticsearch";
        Interlocked.Increment(ref inFlight);
        try
        {
            if (Interlocked.Read(ref delayTicks) is > 0 and var delay) await Task.Delay(TimeSpan.FromTicks(delay), context.RequestAborted);
            await HandleUndelayedAsync(context, next);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested) { } // the client went away
        finally { Interlocked.Decrement(ref inFlight); }
    }

    private async Task HandleUndelayedAsync(HttpContext context, RequestDelegate next)
    {
        if (TryTake(ref abortNextCount))
        {
            context.Abort();
            return;
        }
        try
        {
            WireContract.Negotiate(context);
            if (TryTake(ref failNextCount))
            {
                var injected = ElasticsearchError.Injected(Volatile.Read(ref failNextStatus));
                await WireContract.WriteAsync(context, injected.Status, injected.Body());
                return;
            }
            await next(context);
        }
        catch (ElasticsearchError error)
        {
            await WireContract.WriteAsync(context, error.Status, error.Body());
        }
        catch (WireContract.NotAcceptable error)
        {
            await WireContract.WriteAsync(context, 406, error.Body());
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException or InvalidDataException)
        {
            // Malformed JSON or a value of the wrong JSON type where ES expects another.
            var error = new ElasticsearchError(400, "x_content_parse_exception", e.Message);
            await WireContract.WriteAsync(context, 400, error.Body());
        }
    }

    private static bool TryTake(ref int counter)
    {
        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current <= 0) return false;
            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current) return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
