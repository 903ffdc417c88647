using Insights.Api;
using Insights.Api.Access;
using Insights.Api.Tests.Access;

namespace Insights.Api.Tests;

public sealed class ApiSettingsTests
{
    [Fact]
    public void Without_a_key_or_an_OpenID_provider_the_API_refuses_to_start_naming_how_to_add_one()
    {
        var problem = new ApiSettings().Problem();

        Assert.StartsWith("Api:Auth: no way to sign in", problem);
        Assert.Contains("insights api key new", problem);
        Assert.Contains("Api:Auth:JwtAuthority", problem);
    }

    [Fact]
    public void The_defaults_with_a_key_are_usable_and_answer_from_elasticsearch()
    {
        var settings = TestKeys.Granted(new ApiSettings());

        Assert.Null(settings.Problem());
        Assert.False(settings.FromTopic);
        Assert.Equal(("insights.propensity.scores", "cdc.cinema.movies"), (settings.ScoresTopic, settings.MoviesTopic));
    }

    [Theory]
    [InlineData("scores", "Api:Source")]
    [InlineData("Elasticsearch", "Api:Source")]
    public void An_unknown_source_names_the_key_and_the_choices(string source, string key)
    {
        var problem = TestKeys.Granted(new ApiSettings { Source = source }).Problem();

        Assert.StartsWith(key, problem);
        Assert.Contains("elasticsearch or scores-topic", problem);
    }

    [Fact]
    public void A_stats_window_out_of_range_names_the_key()
    {
        Assert.StartsWith("Api:StatsWindowSeconds", TestKeys.Granted(new ApiSettings { StatsWindowSeconds = 5 }).Problem());
        Assert.StartsWith("Api:TrendSampleSeconds", TestKeys.Granted(new ApiSettings { TrendSampleSeconds = 1 }).Problem());
        Assert.StartsWith("Api:FetchWaitMaxMs", TestKeys.Granted(new ApiSettings { FetchWaitMaxMs = 0 }).Problem());
    }

    public static TheoryData<ApiKeyGrant, string> BadGrants() => new()
    {
        // The key itself pasted where its hash belongs must not start the API (and is not echoed).
        { new ApiKeyGrant { Hash = ApiKeyHash.New().Key, Scopes = ApiScopes.AudienceRead }, "Api:Auth:Keys:crm:Hash must be 'sha256:'" },
        { new ApiKeyGrant { Hash = ApiKeyHash.New().Hash, Scopes = "" }, "Api:Auth:Keys:crm:Scopes is required" },
        { new ApiKeyGrant { Hash = ApiKeyHash.New().Hash, Scopes = "audience:read members:write" }, "Api:Auth:Keys:crm:Scopes has 'members:write'" },
    };

    [Theory]
    [MemberData(nameof(BadGrants))]
    public void A_bad_key_grant_names_the_client_and_the_key(ApiKeyGrant grant, string expected)
    {
        var problem = new ApiSettings { Auth = new ApiAuthSettings { Keys = new() { ["crm"] = grant } } }.Problem();

        Assert.StartsWith(expected, problem);
        Assert.DoesNotContain(grant.Hash, problem);
    }

    [Theory]
    [InlineData("https://login.example.invalid/realms/cinema", "", "Api:Auth:JwtAudience is required")]
    [InlineData("http://login.example.invalid/realms/cinema", "insights-api", "Api:Auth:JwtAuthority must be https")]
    [InlineData("login.example.invalid", "insights-api", "Api:Auth:JwtAuthority must be the provider's issuer URL")]
    public void A_bad_OpenID_setting_names_the_key(string authority, string audience, string expected)
    {
        var problem = new ApiSettings { Auth = new ApiAuthSettings { JwtAuthority = authority, JwtAudience = audience } }.Problem();

        Assert.StartsWith(expected, problem);
    }

    [Fact]
    public void A_rate_limit_out_of_range_names_the_key()
    {
        Assert.StartsWith("Api:RateLimit:RequestsPerMinute", TestKeys.Granted(new ApiSettings { RateLimit = new() { RequestsPerMinute = 0 } }).Problem());
        Assert.StartsWith("Api:RateLimit:Burst", TestKeys.Granted(new ApiSettings { RateLimit = new() { Burst = 0 } }).Problem());
    }
}
