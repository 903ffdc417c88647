namespace Insights.Api.Access;

/// <summary>
/// Section `Api:Auth`: who may call the data routes. Callers sign in with an API key (header `X-Api-Key`) or, when
/// <see cref="JwtAuthority"/> is set, a bearer token from that OpenID Connect provider; both may be on. Without either
/// the API refuses to start: it never serves member data to anyone who asks.
/// </summary>
public sealed record ApiAuthSettings
{
    public const string Section = ApiSettings.Section + ":Auth";

    /// <summary>
    /// API clients by name (env `Api__Auth__Keys__marketing__Hash`, `..__Scopes`): the key's hash and its scopes.
    /// `insights api key new` makes a key and prints both settings.
    /// </summary>
    public Dictionary<string, ApiKeyGrant> Keys { get; init; } = [];

    /// <summary>The OpenID Connect issuer whose bearer tokens are accepted (its discovery document gives the signing keys); empty: none.</summary>
    public string JwtAuthority { get; init; } = "";

    /// <summary>The `aud` a bearer token must carry; required with <see cref="JwtAuthority"/>.</summary>
    public string JwtAudience { get; init; } = "";

    /// <summary>Allow an http:// authority: a provider on the same machine in development only.</summary>
    public bool JwtAllowHttpAuthority { get; init; }

    public bool UsesJwt => JwtAuthority.Length > 0;

    /// <summary>The first of <see cref="Problems"/>, or null when the settings are usable.</summary>
    public string? Problem() => Problems().FirstOrDefault();

    /// <summary>Every wrong setting, one line each naming the key as `Api:Auth:...`; never echoes a key or hash.</summary>
    public IEnumerable<string> Problems()
    {
        if (Keys.Count == 0 && !UsesJwt)
            yield return $"{Section}: no way to sign in: add an API key (`insights api key new --client NAME` prints {Section}:Keys:NAME:Hash and " +
                $":Scopes) or set {Section}:JwtAuthority";
        foreach (var (client, grant) in Keys)
        {
            if (!ApiKeyHash.IsWellFormed(grant.Hash))
                yield return $"{Section}:Keys:{client}:Hash must be '{ApiKeyHash.Prefix}' and 64 hex digits (from `insights api key new`), not the key itself";
            if (string.IsNullOrWhiteSpace(grant.Scopes))
                yield return $"{Section}:Keys:{client}:Scopes is required: space-separated, from {string.Join(", ", ApiScopes.All)}";
            else if (ApiScopes.Unknown(grant.Scopes).FirstOrDefault() is { } unknown)
                yield return $"{Section}:Keys:{client}:Scopes has '{unknown}', expected scopes from {string.Join(", ", ApiScopes.All)}";
        }
        if (Keys.Values.Where(g => g.Hash.Length > 0).GroupBy(g => g.Hash.ToLowerInvariant()).Any(g => g.Count() > 1))
            yield return $"{Section}:Keys: two clients share one key hash: give each client its own key";
        if (UsesJwt)
        {
            if (!Uri.TryCreate(JwtAuthority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
                yield return $"{Section}:JwtAuthority must be the provider's issuer URL, got '{JwtAuthority}'";
            else if (authority.Scheme == "http" && !JwtAllowHttpAuthority)
                yield return $"{Section}:JwtAuthority must be https (set {Section}:JwtAllowHttpAuthority=true for a local provider in development)";
            if (string.IsNullOrWhiteSpace(JwtAudience)) yield return $"{Section}:JwtAudience is required with {Section}:JwtAuthority";
        }
    }
}

/// <summary>One API client's key hash and the scopes the key grants (space-separated).</summary>
public sealed record ApiKeyGrant
{
    /// <summary>The key's hash as `insights api key new` prints it: `sha256:` and 64 hex digits. Never the key itself.</summary>
    public string Hash { get; init; } = "";
    /// <summary>What the key may read, space-separated: `audience:read`, `member:read`.</summary>
    public string Scopes { get; init; } = "";
}
