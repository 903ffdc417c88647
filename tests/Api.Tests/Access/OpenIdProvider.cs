using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Insights.Api.Tests.Access;

/// <summary>
/// An OpenID Connect provider as the API's bearer handler meets one: a discovery document at
/// /.well-known/openid-configuration naming the issuer and a JWKS with the RSA key its tokens are signed with.
/// </summary>
public sealed class OpenIdProvider : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly RsaSecurityKey key = new(RSA.Create(2048)) { KeyId = "insights-test" };

    private OpenIdProvider(WebApplication app) => this.app = app;

    public string Issuer => app.Urls.First();

    public static async Task<OpenIdProvider> StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var provider = new OpenIdProvider(builder.Build());
        provider.app.MapGet("/.well-known/openid-configuration", () => Results.Text(
            $$"""{"issuer":"{{provider.Issuer}}","jwks_uri":"{{provider.Issuer}}/jwks","id_token_signing_alg_values_supported":["RS256"]}""", "application/json"));
        provider.app.MapGet("/jwks", () =>
        {
            var rsa = provider.key.Rsa.ExportParameters(false);
            return Results.Text($$"""{"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid":"{{provider.key.KeyId}}","n":"{{Base64UrlEncoder.Encode(rsa.Modulus)}}","e":"{{Base64UrlEncoder.Encode(rsa.Exponent)}}"}]}""", "application/json");
        });
        await provider.app.StartAsync(ct);
        return provider;
    }

    /// <summary>A signed access token for <paramref name="subject"/> with <paramref name="scopes"/> (space-separated) for <paramref name="audience"/>.</summary>
    public string Token(string subject, string scopes, string audience, TimeSpan? lifetime = null) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = audience,
        Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("scope", scopes)]),
        NotBefore = DateTime.UtcNow.AddMinutes(-10),
        Expires = DateTime.UtcNow + (lifetime ?? TimeSpan.FromMinutes(5)),
        SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
    });

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
