using System.Security.Claims;

namespace Insights.Api.Access;

/// <summary>
/// What a caller may read. `audience:read`: movie audiences, histograms, the movie list and the live stats (aggregates
/// and member ids, no member's history). `member:read`: one member's scores with the movies they have seen.
/// </summary>
public static class ApiScopes
{
    public const string AudienceRead = "audience:read";
    public const string MemberRead = "member:read";

    public static readonly IReadOnlyList<string> All = [AudienceRead, MemberRead];

    /// <summary>
    /// The claim a scope list travels in, space-separated as OAuth 2.0 writes it (RFC 8693 `scope`); providers that
    /// write `scp` (Microsoft Entra) are read too.
    /// </summary>
    public const string Claim = "scope";

    /// <summary>Every scope the caller holds, from API keys and bearer tokens alike.</summary>
    public static IEnumerable<string> Of(ClaimsPrincipal user) =>
        user.Claims.Where(c => c.Type is Claim or "scp" or "http://schemas.microsoft.com/identity/claims/scope")
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The scopes in a space-separated list that are not known, for the settings' validation.</summary>
    public static IEnumerable<string> Unknown(string scopes) =>
        scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(s => !All.Contains(s));
}
