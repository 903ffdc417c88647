using System.Security.Cryptography;
using Amazon.S3.Model;
using Insights.Fixtures.S3;
using Insights.Sinks.Snapshots;

namespace Insights.Stack.Tests.S3;

public sealed class S3ServerTests(S3Server server) : IClassFixture<S3Server>
{
    private readonly S3Endpoint endpoint = new()
    {
        ServiceUrl = server.ServiceUrl, Bucket = server.Bucket, AccessKey = server.AccessKey, SecretKey = server.SecretKey,
    };

    [Theory]
    [InlineData(17)]
    [InlineData(6 * 1024 * 1024 + 3)]
    public async Task Returns_exactly_the_bytes_put(int size)
    {
        var ct = TestContext.Current.CancellationToken;
        var bytes = RandomNumberGenerator.GetBytes(size);
        using var s3 = endpoint.CreateClient();
        var key = $"round-trip/{size}.bin";

        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = endpoint.Bucket, Key = key, InputStream = new MemoryStream(bytes), UseChunkEncoding = false,
        }, ct);

        Assert.Equal(bytes, await ReadAsync(s3, key, ct));
    }

    [Fact]
    public async Task Assembles_a_multipart_upload_in_part_order()
    {
        var ct = TestContext.Current.CancellationToken;
        const int partSize = 5 * 1024 * 1024; // the S3 minimum for all but the last part
        var bytes = RandomNumberGenerator.GetBytes(2 * partSize + 1234);
        using var s3 = endpoint.CreateClient();
        const string key = "round-trip/multipart.bin";

        var upload = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = endpoint.Bucket, Key = key }, ct);
        var parts = new List<PartETag>();
        for (int offset = 0, number = 1; offset < bytes.Length; offset += partSize, number++)
        {
            var length = Math.Min(partSize, bytes.Length - offset);
            var part = await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = endpoint.Bucket, Key = key, UploadId = upload.UploadId, PartNumber = number,
                InputStream = new MemoryStream(bytes, offset, length), PartSize = length, UseChunkEncoding = false,
            }, ct);
            parts.Add(new PartETag(number, part.ETag));
        }
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = endpoint.Bucket, Key = key, UploadId = upload.UploadId, PartETags = parts,
        }, ct);

        Assert.Equal(bytes, await ReadAsync(s3, key, ct));
    }

    private async Task<byte[]> ReadAsync(Amazon.S3.IAmazonS3 s3, string key, CancellationToken ct)
    {
        using var response = await s3.GetObjectAsync(endpoint.Bucket, key, ct);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }
}
