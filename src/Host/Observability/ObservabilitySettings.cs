namespace Insights.Host.Observability;

/// <summary>
/// Section Observability. <see cref="Urls"/> (env Observability__Urls, e.g. http://127.0.0.1:9464; several
/// separated by ';') is where capture, worker and sink serve /healthz, /readyz and /metrics; empty = no endpoint,
/// so tests and one-off CLI runs need no port. The api serves them there too, apart from its routes; without
/// Observability:Urls it serves them beside its routes.
/// </summary>
public sealed class ObservabilitySettings
{
    public const string Section = "Observability";

    /// <summary>Where /healthz, /readyz and /metrics are served, http(s) URLs separated by `;`; empty: nowhere.</summary>
    public string Urls { get; set; } = "";

    /// <summary>Seconds between two consumer-lag polls (committed offsets against high watermarks).</summary>
    public int LagPollSeconds { get; set; } = 5;

    public string[] UrlList => Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public string? Problem()
    {
        foreach (var url in UrlList)
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                return $"{Section}:Urls: '{url}' is not an http(s) URL such as http://127.0.0.1:9464";
        return LagPollSeconds < 1 ? $"{Section}:LagPollSeconds must be at least 1, got {LagPollSeconds}" : null;
    }
}
