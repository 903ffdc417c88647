using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace Insights.Api.Access;

/// <summary>
/// Who may call the API and how often, with ASP.NET Core's own parts: API keys (<see cref="ApiKeyAuthentication"/>) and
/// OpenID Connect bearer tokens, one authorization policy per scope, and a token bucket per client.
/// </summary>
public static class ApiAccess
{
    /// <summary>The rate-limit policy every data route carries.</summary>
    public const string PerClient = "per-client";

    private const string Selector = "api-key-or-bearer";

    public static IServiceCollection AddApiAccess(this IServiceCollection services, ApiSettings api)
    {
        var auth = api.Auth;
        services.AddSingleton(auth);
        services.AddProblemDetails();
        var authentication = services.AddAuthentication(Selector)
            .AddPolicyScheme(Selector, "API key or bearer token", o =>
            {
                o.ForwardDefaultSelector = context =>
                    auth.UsesJwt && !context.Request.Headers.ContainsKey(ApiKeyAuthentication.Header)
                    && context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                        ? JwtBearerDefaults.AuthenticationScheme
                        : ApiKeyAuthentication.SchemeName;
                // One answer for every refusal: problem details naming how to sign in, or the scope missing.
                o.ForwardChallenge = ApiKeyAuthentication.SchemeName;
                o.ForwardForbid = ApiKeyAuthentication.SchemeName;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        if (auth.UsesJwt)
            authentication.AddJwtBearer(o =>
            {
                o.Authority = auth.JwtAuthority;
                o.Audience = auth.JwtAudience;
                o.RequireHttpsMetadata = !auth.JwtAllowHttpAuthority;
                o.MapInboundClaims = false;
                // The subject names the caller in rate limits and audit lines.
                o.TokenValidationParameters.NameClaimType = "sub";
            });
        services.AddAuthorization(o =>
        {
            foreach (var scope in ApiScopes.All)
                o.AddPolicy(scope, p => p.RequireAuthenticatedUser().RequireAssertion(c => ApiScopes.Of(c.User).Contains(scope)));
        });
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(PerClient, context => RateLimitPartition.GetTokenBucketLimiter(Client(context), _ => Bucket(api.RateLimit)));
            o.OnRejected = async (rejected, ct) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : 1;
                rejected.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await ApiProblems.WriteAsync(rejected.HttpContext, StatusCodes.Status429TooManyRequests,
                    $"more than {api.RateLimit.RequestsPerMinute} requests a minute (burst {api.RateLimit.Burst}) from {Client(rejected.HttpContext)}: retry after {retryAfter} s");
            };
        });
        return services;
    }

    /// <summary>Sign-in, scopes, then the rate limit: a client is limited by its name, once known.</summary>
    public static WebApplication UseApiAccess(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>Requires <paramref name="scope"/> and counts the call against the client's rate.</summary>
    public static RouteHandlerBuilder ForScope(this RouteHandlerBuilder route, string scope) =>
        route.RequireAuthorization(scope).RequireRateLimiting(PerClient)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

    /// <summary>Who is calling: the API key's client or the token's subject.</summary>
    public static string Client(HttpContext context) => context.User.Identity?.Name is { Length: > 0 } name ? name : "an unnamed caller";

    private static TokenBucketRateLimiterOptions Bucket(ApiRateLimitSettings rate) => new()
    {
        TokenLimit = rate.Burst,
        // Refilled every second with rate/60 tokens; below 60 a minute, one token every 60/rate seconds.
        ReplenishmentPeriod = rate.RequestsPerMinute >= 60 ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(60.0 / rate.RequestsPerMinute),
        TokensPerPeriod = Math.Max(1, rate.RequestsPerMinute / 60),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
