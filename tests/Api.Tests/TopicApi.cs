using Insights.Api;
using Insights.Api.Tests.Access;
using Insights.Sinks.Elasticsearch;
using Insights.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Insights.Api.Tests;

/// <summary>The API on Kestrel (127.0.0.1, free port) with Api:Source=scores-topic, following the broker's topics.</summary>
public sealed class TopicApi : IAsyncDisposable
{
    private TopicApi(WebApplication app, ApiFeeds feeds)
    {
        App = app;
        Feeds = feeds;
        Address = new Uri(app.Urls.First());
        Http = TestKeys.Client(Address, TestKeys.Analyst.Key);
    }

    public WebApplication App { get; }
    public ApiFeeds Feeds { get; }
    public Uri Address { get; }
    /// <summary>Signed in with every scope.</summary>
    public HttpClient Http { get; }

    /// <summary>Starts the API and waits until it has read everything already on both topics.</summary>
    public static async Task<TopicApi> StartAsync(PageTopics kafka, CancellationToken ct, TimeProvider? clock = null, ModelCard? model = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (clock is not null) builder.Services.AddSingleton(clock);
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAudienceApi(TestKeys.Granted(new ApiSettings { Source = ApiSettings.ScoresTopicSource }), new ElasticsearchSettings(), kafka.Settings, model);
        var app = builder.Build();
        app.MapAudienceApi();
        await app.StartAsync(ct);
        var api = new TopicApi(app, app.Services.GetRequiredService<ApiFeeds>());
        await Poll.UntilAsync(() => api.Feeds.CaughtUp, () => "the API catching up with its topics", TimeSpan.FromSeconds(20), ct);
        return api;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.DisposeAsync();
    }
}
