using System.Net;
using Insights.Api.Access;
using Insights.Fixtures;
using Insights.TestSupport;

namespace Insights.Host.Tests.Observability;

/// <summary>
/// `insights api` with Observability:Urls serves health and metrics on that port only, and its routes on --urls only:
/// probes and scrapers need no key, and the API's callers cannot reach them.
/// </summary>
public sealed class ApiPortsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Health_and_metrics_answer_on_the_ops_port_and_the_routes_on_the_api_port_only()
    {
        var (key, hash) = ApiKeyHash.New();
        var apiUrl = $"http://127.0.0.1:{LoopbackPort.Next()}";
        var opsUrl = $"http://127.0.0.1:{LoopbackPort.Next()}";
        using var api = InsightsProcess.Start("api", new Dictionary<string, string>
        {
            // No Elasticsearch answers: the API starts and says it is not ready.
            ["Elasticsearch__Url"] = $"http://127.0.0.1:{LoopbackPort.Next()}",
            ["Api__Auth__Keys__ops__Hash"] = hash,
            ["Api__Auth__Keys__ops__Scopes"] = ApiScopes.AudienceRead,
            ["Observability__Urls"] = opsUrl,
        }, "api", "--urls", apiUrl);
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Add(ApiKeyAuthentication.Header, key);

        var alive = await api.FirstAnswerAsync(http, $"{opsUrl}/healthz", Ct);
        var metrics = await http.GetAsync($"{opsUrl}/metrics", Ct);
        var ready = await http.GetAsync($"{opsUrl}/readyz", Ct);
        var healthOnApiPort = await http.GetAsync($"{apiUrl}/healthz", Ct);
        var metricsOnApiPort = await http.GetAsync($"{apiUrl}/metrics", Ct);
        var page = await http.GetAsync($"{apiUrl}/", Ct);
        var routeOnOpsPort = await http.GetAsync($"{opsUrl}/movies/1/audience", Ct);
        var pageOnOpsPort = await http.GetAsync($"{opsUrl}/", Ct);

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("the audience source does not answer", await ready.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(
            [HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound],
            new[] { healthOnApiPort, metricsOnApiPort, routeOnOpsPort, pageOnOpsPort }.Select(r => r.StatusCode));
    }
}
