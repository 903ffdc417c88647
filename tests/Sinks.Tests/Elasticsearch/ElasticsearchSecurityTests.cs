using System.Security.Cryptography;
using Insights.Fixtures.Elasticsearch;
using Insights.Sinks.Elasticsearch;

namespace Insights.Sinks.Tests.Elasticsearch;

/// <summary>
/// How the sink and the API authenticate to Elasticsearch (API key or basic auth) and trust its TLS certificate
/// (a private CA file or a pinned fingerprint), and the settings errors that name their key.
/// </summary>
public sealed class ElasticsearchSecurityTests
{
    private const string ApiKey = "aWQ6YXBpLWtleS1zZWNyZXQ=";

    [Fact]
    public async Task The_api_key_is_sent_on_every_request()
    {
        await using var fake = await ElasticsearchFake.StartAsync();
        var client = new ElasticsearchSettings { Url = fake.BaseUri.ToString(), ApiKey = ApiKey }.CreateClient();

        var response = await client.PingAsync(TestContext.Current.CancellationToken);

        Assert.True(response.IsValidResponse, response.DebugInformation);
        Assert.Equal($"ApiKey {ApiKey}", fake.LastAuthorization);
    }

    [Fact]
    public async Task Basic_authentication_is_sent_when_a_user_is_configured()
    {
        await using var fake = await ElasticsearchFake.StartAsync();
        var client = new ElasticsearchSettings { Url = fake.BaseUri.ToString(), Username = "insights", Password = "es-password" }.CreateClient();

        await client.PingAsync(TestContext.Current.CancellationToken);

        Assert.Equal($"Basic {Convert.ToBase64String("insights:es-password"u8)}", fake.LastAuthorization);
    }

    [Fact]
    public async Task Without_credentials_no_authorization_header_is_sent()
    {
        await using var fake = await ElasticsearchFake.StartAsync();

        await new ElasticsearchSettings { Url = fake.BaseUri.ToString() }.CreateClient().PingAsync(TestContext.Current.CancellationToken);

        Assert.Null(fake.LastAuthorization);
    }

    [Fact]
    public async Task A_cluster_certificate_signed_by_the_configured_ca_is_trusted_and_one_from_another_ca_is_not()
    {
        await using var server = await TlsTestServer.StartAsync();
        var trusted = new ElasticsearchSettings { Url = server.BaseUri.ToString(), CaCertificatePath = server.CaPath };
        var other = trusted with { CaCertificatePath = server.WriteUnrelatedCa() };
        var none = trusted with { CaCertificatePath = null };
        Assert.Null(trusted.Problem());

        var ok = await trusted.CreateClient().PingAsync(TestContext.Current.CancellationToken);
        var wrongCa = await other.CreateClient().PingAsync(TestContext.Current.CancellationToken);
        var systemStore = await none.CreateClient().PingAsync(TestContext.Current.CancellationToken);

        Assert.True(ok.IsValidResponse, ok.DebugInformation);
        Assert.False(wrongCa.IsValidResponse);
        Assert.False(systemStore.IsValidResponse);
    }

    [Fact]
    public async Task A_pinned_fingerprint_trusts_that_certificate_only()
    {
        await using var server = await TlsTestServer.StartAsync();
        // The form Elasticsearch prints at first start: colon-separated hex.
        var fingerprint = string.Join(':', server.Certificate.GetCertHashString(HashAlgorithmName.SHA256).Chunk(2).Select(c => new string(c)));
        var pinned = new ElasticsearchSettings { Url = server.BaseUri.ToString(), CertificateFingerprint = fingerprint };
        var wrong = pinned with { CertificateFingerprint = Convert.ToHexString(SHA256.HashData("another certificate"u8)) };
        Assert.Null(pinned.Problem());

        var ok = await pinned.CreateClient().PingAsync(TestContext.Current.CancellationToken);
        var refused = await wrong.CreateClient().PingAsync(TestContext.Current.CancellationToken);

        Assert.True(ok.IsValidResponse, ok.DebugInformation);
        Assert.False(refused.IsValidResponse);
    }

    public static TheoryData<string, string> Problems() => new()
    {
        // which mistake, the key the message must name first
        { "CA file missing", "Elasticsearch:CaCertificatePath" },
        { "CA file not a certificate", "Elasticsearch:CaCertificatePath" },
        { "CA with http", "Elasticsearch:CaCertificatePath" },
        { "fingerprint not hex", "Elasticsearch:CertificateFingerprint" },
        { "CA and fingerprint", "Elasticsearch:CaCertificatePath" },
        { "user without password", "Elasticsearch:Username" },
        { "api key and user", "Elasticsearch:ApiKey" },
        { "credentials in the url", "Elasticsearch:Url" },
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public void A_wrong_security_setting_is_named_without_echoing_a_secret(string mistake, string key)
    {
        var notACertificate = Path.GetTempFileName();
        try
        {
            var https = new ElasticsearchSettings { Url = "https://es.example:9200" };
            var settings = mistake switch
            {
                "CA file missing" => https with { CaCertificatePath = "/nowhere/ca.crt" },
                "CA file not a certificate" => https with { CaCertificatePath = notACertificate },
                "CA with http" => https with { Url = "http://es.example:9200", CaCertificatePath = notACertificate },
                "fingerprint not hex" => https with { CertificateFingerprint = "not-a-fingerprint" },
                "CA and fingerprint" => https with { CaCertificatePath = notACertificate, CertificateFingerprint = new string('a', 64) },
                "user without password" => https with { Username = "insights" },
                "api key and user" => https with { ApiKey = ApiKey, Username = "insights", Password = "es-password" },
                _ => https with { Url = "https://insights:es-password@es.example:9200" },
            };

            var problem = settings.Problem();

            Assert.NotNull(problem);
            Assert.StartsWith(key + " ", problem);
            Assert.DoesNotContain("es-password", problem);
            Assert.DoesNotContain(ApiKey, problem);
        }
        finally { File.Delete(notACertificate); }
    }
}
