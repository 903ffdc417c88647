using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using Elastic.Clients.Elasticsearch;
using Xunit.v3;

namespace Insights.Fixtures.Elasticsearch;

/// <summary>
/// An Elasticsearch endpoint and a configured client: real Elasticsearch 9 (single node, security off) through
/// Testcontainers when Docker answers, else the in-process <see cref="ElasticsearchFake"/>. Fault injection exists
/// only on the fake; <see cref="RequireFake"/> skips a test that needs it. Use as an xunit class or collection fixture.
/// Named ...Server (like S3Server) because a type called `Elasticsearch` would clash with the namespaces.
/// </summary>
public sealed class ElasticsearchServer : IAsyncLifetime
{
    public const string Image = "docker.elastic.co/elasticsearch/elasticsearch:9.1.5";
    public const string NoFaultInjection =
        "fault injection exists only on the Elasticsearch fake; this run uses a real Elasticsearch container";

    private IContainer? container;

    public Uri BaseUri { get; private set; } = null!;
    public ElasticsearchClient Client { get; private set; } = null!;
    /// <summary>The fake, or null when a real Elasticsearch runs.</summary>
    public ElasticsearchFake? Fake { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (DockerEngine.IsAvailable) await StartContainerAsync();
        else
        {
            Fake = await ElasticsearchFake.StartAsync();
            BaseUri = Fake.BaseUri;
        }
        Client = CreateClient();
    }

    /// <summary>The fake for a test that injects faults; skips the test against real Elasticsearch.</summary>
    public ElasticsearchFake RequireFake() =>
        Fake ?? throw new InvalidOperationException(DynamicSkipToken.Value + NoFaultInjection);

    /// <summary>A client for this server; <paramref name="configure"/> adds settings (compression, timeouts...).</summary>
    public ElasticsearchClient CreateClient(Func<ElasticsearchClientSettings, ElasticsearchClientSettings>? configure = null)
    {
        // Direct streaming off keeps request and response bodies in DebugInformation, so a failing test shows them.
        var settings = new ElasticsearchClientSettings(BaseUri).DisableDirectStreaming();
        return new ElasticsearchClient(configure is null ? settings : configure(settings));
    }

    /// <summary>A lowercase index name no other test uses, since tests share one server.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private async Task StartContainerAsync()
    {
        container = new ContainerBuilder(Image)
            .WithEnvironment("discovery.type", "single-node")
            .WithEnvironment("xpack.security.enabled", "false")
            .WithEnvironment("ES_JAVA_OPTS", "-Xms512m -Xmx512m")
            .WithPortBinding(9200, true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r
                .ForPort(9200).ForPath("/_cluster/health?wait_for_status=yellow&timeout=60s")))
            .Build();
        await container.StartAsync();
        BaseUri = new Uri($"http://{container.Hostname}:{container.GetMappedPublicPort(9200)}/");
    }

    public async ValueTask DisposeAsync()
    {
        if (container is not null) await container.DisposeAsync();
        if (Fake is not null) await Fake.DisposeAsync();
    }
}
