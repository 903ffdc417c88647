using Insights.Api;
using Insights.Api.Tests.Access;
using Insights.Fixtures.Elasticsearch;
using Insights.Sinks;
using Insights.Sinks.Tests.Elasticsearch;
using Insights.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Insights.Api.Tests;

/// <summary>
/// The audience API on Kestrel (127.0.0.1, free port) over a fresh score index on the shared Elasticsearch server,
/// holding three members' scores for movies 1..4 (member 3 has seen movie 2). The test clients' keys are granted.
/// </summary>
public sealed class ElasticsearchApi : IAsyncDisposable
{
    private ElasticsearchApi(WebApplication app, FakeLogCollector logs)
    {
        App = app;
        Logs = logs;
        Address = new Uri(app.Urls.First());
        Http = TestKeys.Client(Address, TestKeys.Analyst.Key);
    }

    public WebApplication App { get; }
    public Uri Address { get; }
    /// <summary>Signed in with every scope.</summary>
    public HttpClient Http { get; }
    /// <summary>What the API logged at Information and above.</summary>
    public FakeLogCollector Logs { get; }

    public static async Task<ElasticsearchApi> StartAsync(ElasticsearchServer elasticsearch, CancellationToken ct, Func<ApiSettings, ApiSettings>? configure = null)
    {
        var index = await ScoreIndexUnderTest.CreateAsync(elasticsearch);
        await index.Writer.WriteAsync(new[]
        {
            ScoreChange.Of(ScoreUpdates.For(1, 1, movies: 4, ageBand: "25-34", gender: "F")),
            ScoreChange.Of(ScoreUpdates.For(2, 1, movies: 4, ageBand: "25-34", gender: "M")),
            ScoreChange.Of(ScoreUpdates.For(3, 1, movies: 4, ageBand: "35-44", gender: "F", seen: 2)),
        }, ct);
        await index.RefreshAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var logs = new FakeLogCollector();
        builder.Logging.AddProvider(new FakeLoggerProvider(logs));
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var api = TestKeys.Granted(new ApiSettings());
        builder.Services.AddAudienceApi(configure is null ? api : configure(api), index.Settings);
        var app = builder.Build();
        app.MapAudienceApi();
        await app.StartAsync(ct);
        return new ElasticsearchApi(app, logs);
    }

    public HttpClient Client(string? key) => TestKeys.Client(Address, key);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.DisposeAsync();
    }
}
