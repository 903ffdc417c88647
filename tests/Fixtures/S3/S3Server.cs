using System.Text.Json;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using Insights.TestSupport;

namespace Insights.Fixtures.S3;

/// <summary>
/// An S3 API endpoint with one bucket: MinIO via Testcontainers when Docker answers, else s3rver 3.7.1
/// started by stack/parts/s3.sh in a temp folder. Use as an xunit class or collection fixture.
/// </summary>
public sealed class S3Server : IAsyncLifetime
{
    private StackPart? local;
    private IContainer? container;

    public string ServiceUrl { get; private set; } = "";
    public string Bucket { get; } = "insights-test";
    // Fixed local-only credentials of s3rver and of a throwaway MinIO container, not secrets.
    public string AccessKey { get; private set; } = "S3RVER";
    public string SecretKey { get; private set; } = "S3RVER";
    public bool IsContainer => container is not null;

    public async ValueTask InitializeAsync()
    {
        if (DockerEngine.IsAvailable) await StartMinioAsync();
        else await StartS3rverAsync();
    }

    private async Task StartS3rverAsync()
    {
        var port = LoopbackPort.Next();
        var dir = Directory.CreateTempSubdirectory("insights-s3-").FullName;
        local = new StackPart("s3", dir, new Dictionary<string, string>
        {
            ["INSIGHTS_S3_PORT"] = port.ToString(),
            ["INSIGHTS_S3_BUCKET"] = Bucket,
        });
        await local.UpAsync();
        using var endpoint = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "s3.json")));
        ServiceUrl = endpoint.RootElement.GetProperty("S3").GetProperty("ServiceUrl").GetString()!;
    }

    private async Task StartMinioAsync()
    {
        AccessKey = "minio-test";
        SecretKey = "minio-test-secret";
        container = new ContainerBuilder("minio/minio:RELEASE.2025-04-22T22-12-26Z")
            .WithEnvironment("MINIO_ROOT_USER", AccessKey)
            .WithEnvironment("MINIO_ROOT_PASSWORD", SecretKey)
            .WithCommand("server", "/data")
            .WithPortBinding(9000, true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPath("/minio/health/ready").ForPort(9000)))
            .Build();
        await container.StartAsync();
        ServiceUrl = $"http://{container.Hostname}:{container.GetMappedPublicPort(9000)}";
        var mkdir = await container.ExecAsync(["mkdir", "-p", $"/data/{Bucket}"]);
        if (mkdir.ExitCode != 0) throw new InvalidOperationException($"creating bucket failed: {mkdir.Stderr}");
    }

    public async ValueTask DisposeAsync()
    {
        if (container is not null) await container.DisposeAsync();
        if (local is not null)
        {
            await local.DownAsync();
            try { Directory.Delete(local.StackDir, recursive: true); } catch (IOException) { }
        }
    }
}
