using Insights.Api;
using Insights.Api.Access;

namespace Insights.Api.Tests.Access;

/// <summary>The API clients tests sign in as, with keys made fresh for each test run.</summary>
public static class TestKeys
{
    /// <summary>Every scope: audiences and members.</summary>
    public static readonly (string Key, string Hash) Analyst = ApiKeyHash.New();

    /// <summary>Audiences only, as a campaign tool would hold.</summary>
    public static readonly (string Key, string Hash) Marketing = ApiKeyHash.New();

    /// <summary><paramref name="api"/> with the two clients granted.</summary>
    public static ApiSettings Granted(ApiSettings api) => api with
    {
        Auth = api.Auth with
        {
            Keys = new()
            {
                ["analyst"] = new ApiKeyGrant { Hash = Analyst.Hash, Scopes = $"{ApiScopes.AudienceRead} {ApiScopes.MemberRead}" },
                ["marketing"] = new ApiKeyGrant { Hash = Marketing.Hash, Scopes = ApiScopes.AudienceRead },
            },
        },
    };

    /// <summary>A client of the API at <paramref name="address"/> signed in with <paramref name="key"/>, or anonymous.</summary>
    public static HttpClient Client(Uri address, string? key)
    {
        var http = new HttpClient { BaseAddress = address };
        if (key is not null) http.DefaultRequestHeaders.Add(ApiKeyAuthentication.Header, key);
        return http;
    }
}
