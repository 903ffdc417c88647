namespace Insights.Api.Access;

/// <summary>
/// Section `Api:RateLimit`: each client (API key name or token subject) gets a token bucket of <see cref="Burst"/>
/// requests refilled at <see cref="RequestsPerMinute"/>; past it the API answers 429 with Retry-After.
/// </summary>
public sealed record ApiRateLimitSettings
{
    public const string Section = ApiSettings.Section + ":RateLimit";

    /// <summary>Sustained requests per minute per client: the explorer page polls about 90 a minute.</summary>
    public int RequestsPerMinute { get; init; } = 300;

    /// <summary>Requests a client may make at once before the rate applies.</summary>
    public int Burst { get; init; } = 60;

    public IEnumerable<string> Problems()
    {
        if (RequestsPerMinute is < 1 or > 1_000_000) yield return $"{Section}:RequestsPerMinute must be 1..1000000, got {RequestsPerMinute}";
        if (Burst is < 1 or > 100_000) yield return $"{Section}:Burst must be 1..100000, got {Burst}";
    }
}
