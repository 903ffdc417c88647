using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Insights.Api.Access;

/// <summary>
/// Signs a caller in by the `X-Api-Key` header against the hashed keys of <see cref="ApiAuthSettings.Keys"/>: the
/// caller's name is the client's, its scopes the key's. It also answers every 401 and 403 of the API (bearer tokens
/// included) as problem details.
/// </summary>
public sealed class ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiAuthSettings settings) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values)) return Task.FromResult(AuthenticateResult.NoResult());
        if (values.Count != 1 || string.IsNullOrEmpty(values[0])) return Task.FromResult(AuthenticateResult.Fail($"send one {Header} header"));
        foreach (var (client, grant) in settings.Keys)
        {
            if (!ApiKeyHash.Matches(values[0]!, grant.Hash)) continue;
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, client), new Claim(ApiScopes.Claim, grant.Scopes)], SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }
        return Task.FromResult(AuthenticateResult.Fail("the API key is not known"));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.Headers.WWWAuthenticate = settings.UsesJwt ? $"{SchemeName}, Bearer" : SchemeName;
        var how = settings.UsesJwt ? $"an {Header} header or a bearer token from {settings.JwtAuthority}" : $"an {Header} header";
        await ApiProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized,
            result.Failure is { } failure ? $"{failure.Message}: sign in with {how}" : $"sign in with {how}");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblems.WriteAsync(Context, StatusCodes.Status403Forbidden,
            $"this route needs the scope {ApiProblems.RequiredScope(Context)}, which the caller's credentials do not grant");
}
