using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Insights.Api.Access;
using Insights.Fixtures.Elasticsearch;

namespace Insights.Api.Tests.Access;

/// <summary>
/// Who may read what: every data route needs a signed-in caller with the route's scope, each client has its own rate,
/// every refusal is problem details, and every read of member data leaves an audit line without member data.
/// </summary>
public sealed class ApiAccessTests(ElasticsearchServer elasticsearch) : IClassFixture<ElasticsearchServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> DataRoutes() =>
        ["/movies/2/audience?top=5", "/movies/2/audience.csv", "/movies/2/audience/summary", "/members/1/propensities", "/movies/2/histogram", "/movies", "/stats"];

    [Theory]
    [MemberData(nameof(DataRoutes))]
    public async Task Without_credentials_every_data_route_answers_401_as_problem_details(string route)
    {
        await using var api = await ElasticsearchApi.StartAsync(elasticsearch, Ct);
        using var anonymous = api.Client(null);

        var response = await anonymous.GetAsync(route, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(401, (await Problem(response)).GetProperty("status").GetInt32());
        Assert.Contains("X-Api-Key", (await Problem(response)).GetProperty("detail").GetString());
        Assert.Equal("ApiKey", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task The_page_and_the_OpenAPI_document_need_no_sign_in_so_a_user_can_load_the_page_and_sign_in()
    {
        await using var api = await ElasticsearchApi.StartAsync(elasticsearch, Ct);
        using var anonymous = api.Client(null);

        foreach (var path in new[] { "/", "/page.js", "/page.css", "/openapi/v1.json" })
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(path, Ct)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_key_is_401_saying_so()
    {
        await using var api = await ElasticsearchApi.StartAsync(elasticsearch, Ct);
        using var stranger = api.Client(ApiKeyHash.New().Key);

        var response = await stranger.GetAsync("/movies/2/audience", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("the API key is not known", (await Problem(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_key_with_only_the_audience_scope_reads_audiences_and_gets_403_on_member_routes()
    {
        await using var api = await ElasticsearchApi.StartAsync(elasticsearch, Ct);
        using var marketing = api.Client(TestKeys.Marketing.Key);

        var audience = await marketing.GetAsync("/movies/2/audience?top=5", Ct);
        var member = await marketing.GetAsync("/members/1/propensities", Ct);

        Assert.Equal(HttpStatusCode.OK, audience.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, member.StatusCode);
        Assert.Equal("application/problem+json", member.Content.Headers.ContentType?.MediaType);
        Assert.Contains(ApiScopes.MemberRead, (await Problem(member)).GetProperty("detail").GetString());
        // Seen flags (a member's viewing history) travel only in member answers.
        Assert.DoesNotContain("seen", await audience.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_client_past_its_rate_gets_429_with_retry_after_and_other_clients_go_on()
    {
        await using var api = await ElasticsearchApi.StartAsync(elasticsearch, Ct,
            a => a with { RateLimit = new ApiRateLimitSettings { RequestsPerMinute = 1, Burst = 3 } });
        using var marketing = api.Client(TestKeys.Marketing.Key);

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++) answers.Add(await marketing.GetAsync("/movies/2/audience?top=5", Ct));
        var other = await api.Http.GetAsync("/movies/2/audience?top=5", Ct);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], answers.Select(a => a.StatusCode));
        var refused = answers[^1];
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("marketing", (await Problem(refused)).GetProperty("detail").GetString());
        Assert.True(refused.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 and <= 60 }, $"Retry-After: {refused.Headers.RetryAfter}");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Every_read_of_member_data_logs_who_what_and_how_many_without_a_member_id()
    {
        await using var api = await ElasticsearchApi.StartAsync(elasticsearch, Ct);
        using var marketing = api.Client(TestKeys.Marketing.Key);

        var audience = await marketing.GetFromJsonAsync<JsonElement>("/movies/2/audience?top=5&gender=F", Ct);
        await api.Http.GetFromJsonAsync<JsonElement>("/members/3/propensities", Ct);

        var audit = api.Logs.GetSnapshot().Where(r => r.Category == typeof(ApiAudit).FullName).Select(r => r.Message).ToList();
        Assert.Equal(2, audit.Count);
        Assert.Equal($"audit: marketing read the audience of movie 2 (top 5, min_score none, age any, gender F): {audience.GetProperty("members").GetArrayLength()} members", audit[0]);
        Assert.Equal("audit: analyst read one member's propensities: 4 movies", audit[1]);
    }

    [Fact]
    public async Task A_bearer_token_from_the_configured_provider_signs_in_with_its_scopes()
    {
        await using var provider = await OpenIdProvider.StartAsync(Ct);
        await using var api = await ElasticsearchApi.StartAsync(elasticsearch, Ct, a => a with
        {
            Auth = a.Auth with { JwtAuthority = provider.Issuer, JwtAudience = "insights-api", JwtAllowHttpAuthority = true },
        });
        using var campaigns = api.Client(null);

        var audience = await Get(campaigns, "/movies/2/audience", provider.Token("campaign-tool", ApiScopes.AudienceRead, "insights-api"));
        var member = await Get(campaigns, "/members/1/propensities", provider.Token("campaign-tool", ApiScopes.AudienceRead, "insights-api"));
        var otherAudience = await Get(campaigns, "/movies/2/audience", provider.Token("campaign-tool", ApiScopes.AudienceRead, "another-api"));
        var expired = await Get(campaigns, "/movies/2/audience", provider.Token("campaign-tool", ApiScopes.AudienceRead, "insights-api", TimeSpan.FromMinutes(-6)));

        Assert.Equal(HttpStatusCode.OK, audience.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, member.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, otherAudience.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal("ApiKey, Bearer", expired.Headers.WwwAuthenticate.ToString());
        Assert.Contains("audit: campaign-tool read the audience of movie 2", string.Join('\n', api.Logs.GetSnapshot().Select(r => r.Message)));
    }

    private static async Task<HttpResponseMessage> Get(HttpClient http, string route, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, route);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request, Ct);
    }

    private static async Task<JsonElement> Problem(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
}
