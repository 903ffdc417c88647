using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Insights.Sinks.Snapshots;

namespace Insights.Sinks.Tests.Snapshots;

/// <summary>
/// Reading an object whose body does not match the checksum the server stated with it. The server here is a few lines
/// of HTTP that answer GetObject as S3 does (ETag = MD5 of the body) but can send a damaged body first, as s3rver was
/// seen to under load (a read that overtook the previous overwrite's file write).
/// </summary>
public sealed class S3SnapshotStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_body_that_fails_its_checksum_is_read_again()
    {
        using var server = new OneObjectServer("marker"u8.ToArray(), damagedReads: 1);
        using var s3 = server.Client();

        var read = await new S3SnapshotStore(s3, "bucket").GetAsync("snapshots/marker", Ct);

        Assert.Equal("marker"u8.ToArray(), read);
        Assert.Equal(2, server.Reads);
    }

    [Fact]
    public async Task A_body_that_keeps_failing_its_checksum_is_an_error_after_three_reads()
    {
        using var server = new OneObjectServer("marker"u8.ToArray(), damagedReads: 10);
        using var s3 = server.Client();

        var error = await Assert.ThrowsAnyAsync<AmazonClientException>(() => new S3SnapshotStore(s3, "bucket").GetAsync("snapshots/marker", Ct));

        Assert.Contains("hash", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(3, server.Reads);
    }

    /// <summary>Answers every GET with the object, its ETag the MD5 of the intact body; the first reads carry a damaged body.</summary>
    private sealed class OneObjectServer : IDisposable
    {
        private readonly HttpListener listener = new();
        private readonly byte[] body;
        private readonly int damagedReads;
        private int reads;

        public OneObjectServer(byte[] body, int damagedReads)
        {
            (this.body, this.damagedReads) = (body, damagedReads);
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public int Port { get; }
        public int Reads => Volatile.Read(ref reads);

        public AmazonS3Client Client() => new(new BasicAWSCredentials("test-key", "test-secret"),
            new AmazonS3Config { ServiceURL = $"http://127.0.0.1:{Port}", ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

        private async Task ServeAsync()
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await listener.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
                var n = Interlocked.Increment(ref reads);
                var sent = (byte[])body.Clone();
                if (n <= damagedReads) sent[0] ^= 0xff;
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/octet-stream";
                context.Response.Headers["ETag"] = $"\"{Convert.ToHexStringLower(MD5.HashData(body))}\"";
                context.Response.ContentLength64 = sent.Length;
                await context.Response.OutputStream.WriteAsync(sent);
                context.Response.Close();
            }
        }

        public void Dispose() => listener.Close();
    }
}
