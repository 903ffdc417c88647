using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Serialization;
using Elastic.Transport;

namespace Insights.Sinks.Elasticsearch;

/// <summary>
/// How the sink and the audience API reach Elasticsearch. Bound from configuration section `Elasticsearch`
/// (env: Elasticsearch__Url, Elasticsearch__ApiKey...). The API key comes from the environment or a secret
/// store, never from files in the repository, and is never logged.
/// </summary>
public sealed record ElasticsearchSettings
{
    public const string Section = "Elasticsearch";

    /// <summary>
    /// False runs `insights sink` without Elasticsearch: no client, no consumer group, only the snapshot
    /// schedule (where no Elasticsearch can run, such as the live demo on a machine without one).
    /// </summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The cluster's HTTP address, http or https, without credentials.</summary>
    public string Url { get; init; } = "http://127.0.0.1:9200";

    /// <summary>Optional API key (base64 id:key as Elasticsearch issues it).</summary>
    public string? ApiKey { get; init; }

    /// <summary>Optional basic authentication (a native or file-realm user), instead of <see cref="ApiKey"/>.</summary>
    public string? Username { get; init; }
    /// <summary>The password of Username.</summary>
    public string? Password { get; init; }

    /// <summary>
    /// CA certificate (PEM or DER) that signed the cluster's HTTP certificate, for clusters whose CA is not in the
    /// system store (Elasticsearch's own certutil, ECK's `*-es-http-certs-public` secret). Needs an https Url.
    /// </summary>
    public string? CaCertificatePath { get; init; }

    /// <summary>
    /// SHA-256 fingerprint (hex, colons allowed) of the cluster's certificate, as Elasticsearch prints it at first start:
    /// pins that certificate instead of trusting a CA. Needs an https Url.
    /// </summary>
    public string? CertificateFingerprint { get; init; }

    /// <summary>The alias every read and write goes through; the index behind it is `{Alias}-v{IndexVersion}`.</summary>
    public string Alias { get; init; } = "insights-scores";

    /// <summary>Bumped when the document shape changes: a new index is created and the alias moved to it.</summary>
    public int IndexVersion { get; init; } = 1;

    /// <summary>The sink's own consumer group on the scores topic, scaled apart from the workers.</summary>
    public string ConsumerGroup { get; init; } = "insights-sink-elasticsearch";

    /// <summary>Most score updates per bulk request.</summary>
    public int BulkMaxDocuments { get; init; } = 500;

    /// <summary>Longest a consumed record waits before its batch is written.</summary>
    public int BulkMaxWaitMs { get; init; } = 200;

    /// <summary>First retry delay; each retry doubles it (with jitter) up to <see cref="RetryMaxDelayMs"/>.</summary>
    public int RetryBaseDelayMs { get; init; } = 100;
    /// <summary>Longest delay between two retries of a write.</summary>
    public int RetryMaxDelayMs { get; init; } = 5000;

    /// <summary>Per-request timeout; a timed-out bulk is retried like a connection error.</summary>
    public int RequestTimeoutMs { get; init; } = 30000;

    public string IndexName => $"{Alias}-v{IndexVersion}";

    /// <summary>Names the first wrong setting as `Elasticsearch:Key`, or null when the settings are usable.</summary>
    public string? Problem()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            return $"{Section}:Url has '{Url}', expected an http(s) URL such as http://127.0.0.1:9200";
        // Credentials in the URL would be logged wherever the URL is; they belong in their own (secret) settings.
        if (uri.UserInfo.Length > 0)
            return $"{Section}:Url must not carry credentials; set {Section}:Username and {Section}:Password, or {Section}:ApiKey";
        if (SecurityProblem(uri) is { } security) return security;
        if (string.IsNullOrWhiteSpace(Alias) || Alias != Alias.ToLowerInvariant() || Alias.IndexOfAny([' ', '"', '*', '\\', '<', '|', ',', '>', '/', '?']) >= 0)
            return $"{Section}:Alias has '{Alias}', expected a lower-case Elasticsearch index name";
        if (IndexVersion < 1) return $"{Section}:IndexVersion must be at least 1, got {IndexVersion}";
        if (string.IsNullOrWhiteSpace(ConsumerGroup)) return $"{Section}:ConsumerGroup is required";
        if (BulkMaxDocuments is < 1 or > 10000) return $"{Section}:BulkMaxDocuments must be 1..10000, got {BulkMaxDocuments}";
        if (BulkMaxWaitMs is < 1 or > 60000) return $"{Section}:BulkMaxWaitMs must be 1..60000, got {BulkMaxWaitMs}";
        if (RetryBaseDelayMs < 1) return $"{Section}:RetryBaseDelayMs must be positive, got {RetryBaseDelayMs}";
        if (RetryMaxDelayMs < RetryBaseDelayMs) return $"{Section}:RetryMaxDelayMs must be at least RetryBaseDelayMs, got {RetryMaxDelayMs}";
        if (RequestTimeoutMs < 100) return $"{Section}:RequestTimeoutMs must be at least 100, got {RequestTimeoutMs}";
        return null;
    }

    private string? SecurityProblem(Uri uri)
    {
        if (!string.IsNullOrEmpty(ApiKey) && !string.IsNullOrEmpty(Username))
            return $"{Section}:ApiKey and {Section}:Username are both set; use one way to authenticate";
        if (string.IsNullOrEmpty(Username) != string.IsNullOrEmpty(Password))
            return $"{Section}:Username and {Section}:Password go together";
        if (CaCertificatePath is null && CertificateFingerprint is null) return null;
        if (uri.Scheme != "https")
            return $"{Section}:{(CaCertificatePath is null ? nameof(CertificateFingerprint) : nameof(CaCertificatePath))} is set but {Section}:Url is not https";
        if (CaCertificatePath is not null && CertificateFingerprint is not null)
            return $"{Section}:CaCertificatePath and {Section}:CertificateFingerprint are both set; trust a CA or pin a certificate, not both";
        if (CertificateFingerprint is not null)
        {
            var hex = CertificateFingerprint.Replace(":", "");
            return hex.Length == 64 && hex.All(char.IsAsciiHexDigit)
                ? null
                : $"{Section}:CertificateFingerprint must be a SHA-256 fingerprint (64 hex digits, colons allowed)";
        }
        if (!File.Exists(CaCertificatePath)) return $"{Section}:CaCertificatePath names {CaCertificatePath}, which does not exist";
        try { using var _ = LoadCaCertificate(); }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return $"{Section}:CaCertificatePath names {CaCertificatePath}, which is not a PEM or DER certificate";
        }
        return null;
    }

    /// <summary>
    /// Accepts the cluster's certificate only if it chains to <paramref name="ca"/> and names the host. Built on the
    /// platform's chain engine with a custom root; Elastic.Transport's CertificateValidations.AuthorityIsRoot rejected
    /// a correctly signed certificate here (measured: the CA trust test fails with it on .NET 10 / Linux).
    /// </summary>
    private static Func<object, X509Certificate, X509Chain, SslPolicyErrors, bool> TrustedBy(X509Certificate2 ca) =>
        (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
                return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            // Private cluster CAs rarely publish revocation lists.
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return chain.Build(presented);
        };

    private X509Certificate2 LoadCaCertificate() =>
        X509CertificateLoader.LoadCertificateFromFile(CaCertificatePath!);

    /// <summary>A client with compressed requests and our source-generated document serializer.</summary>
    public ElasticsearchClient CreateClient()
    {
        var settings = new ElasticsearchClientSettings(new SingleNodePool(new Uri(Url)),
                (_, clientSettings) => new DefaultSourceSerializer(clientSettings, SinkJsonContext.Default, options =>
                {
                    // The client's defaults are camelCase; documents use the same snake_case as every contract.
                    options.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
                    options.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
                }))
            .EnableHttpCompression()
            .RequestTimeout(TimeSpan.FromMilliseconds(RequestTimeoutMs))
            // Our retry policy owns retries (with backoff and per-item resends); the transport must not add its own.
            .MaximumRetries(0);
        if (!string.IsNullOrEmpty(ApiKey)) settings = settings.Authentication(new ApiKey(ApiKey));
        else if (!string.IsNullOrEmpty(Username)) settings = settings.Authentication(new BasicAuthentication(Username, Password!));
        // Trust only the chain ending at this CA (and only for a matching host name), or only the pinned certificate.
        if (CaCertificatePath is not null) settings = settings.ServerCertificateValidationCallback(TrustedBy(LoadCaCertificate()));
        else if (CertificateFingerprint is not null) settings = settings.CertificateFingerprint(CertificateFingerprint.Replace(":", ""));
        return new ElasticsearchClient(settings);
    }
}
