using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Insights.Fixtures.Elasticsearch;

namespace Insights.Stack.Tests.Elasticsearch;

/// <summary>What the fake does not implement is refused with a 400 that says so, never answered wrongly.</summary>
public sealed class FakeLimitsTests(ElasticsearchServer server) : IClassFixture<ElasticsearchServer>
{
    [Theory]
    [InlineData("{\"query\":{\"match\":{\"title\":\"space\"}}}", "match")]
    [InlineData("{\"aggs\":{\"by_gender\":{\"terms\":{\"field\":\"gender\"}}}}", "terms")]
    [InlineData("{\"collapse\":{\"field\":\"gender\"}}", "collapse")]
    public async Task Refuses_search_features_it_does_not_implement_naming_them(string body, string feature)
    {
        server.RequireFake();
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        var ct = TestContext.Current.CancellationToken;
        var index = ElasticsearchServer.UniqueName("limits");
        (await http.PutAsync(index, new StringContent("{}", Encoding.UTF8, "application/json"), ct)).EnsureSuccessStatusCode();

        using var response = await http.PostAsync($"{index}/_search", new StringContent(body, Encoding.UTF8, "application/json"), ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var reason = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["error"]!["reason"]!.ToString();
        Assert.Contains(feature, reason);
        Assert.Contains("not supported by the Elasticsearch fake", reason);
    }
}
