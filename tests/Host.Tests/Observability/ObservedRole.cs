using Insights.Contracts.Configuration;
using Insights.Host.Observability;
using Insights.TestSupport;
using Microsoft.Extensions.Configuration;

namespace Insights.Host.Tests.Observability;

/// <summary>A role's observability server on a free loopback port, and an HTTP client for its three paths.</summary>
public sealed class ObservedRole : IAsyncDisposable
{
    private ObservedRole(ObservabilityServer server, string url) => (Server, Http) = (server, new HttpClient { BaseAddress = new Uri(url) });

    public ObservabilityServer Server { get; }
    public HttpClient Http { get; }

    public static async Task<ObservedRole> StartAsync(string role, RoleReadiness readiness, KafkaSettings? kafka = null, params ConsumerGroupWatch[] groups)
    {
        var url = $"http://127.0.0.1:{LoopbackPort.Next()}";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Observability:Urls"] = url,
            ["Observability:LagPollSeconds"] = "1",
        }).Build();
        var server = ObservabilityServer.Create(configuration, role, readiness, kafka, groups)!;
        await server.StartAsync(TestContext.Current.CancellationToken);
        return new ObservedRole(server, url);
    }

    public async Task<string> MetricsAsync() => await Http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);

    /// <summary>Scrapes until the series has a sample above zero (observable instruments and pollers report on their own schedule).</summary>
    public async Task<double> WaitForPositiveAsync(string series, params string[] labels)
    {
        var (metrics, value) = ("", 0.0);
        await Poll.UntilAsync(async () => (value = PrometheusText.Sample(metrics = await MetricsAsync(), series, labels) ?? 0) > 0,
            () => $"a sample of {series} {string.Join(",", labels)} above zero:\n{metrics}", TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken,
            TimeSpan.FromMilliseconds(200));
        return value;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.StopAsync(CancellationToken.None);
        await Server.DisposeAsync();
    }
}
