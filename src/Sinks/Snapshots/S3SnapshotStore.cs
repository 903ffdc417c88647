using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Polly;
using Polly.Retry;

namespace Insights.Sinks.Snapshots;

/// <summary>Snapshot objects in an S3 bucket (AWS, MinIO, s3rver); a PutObject is atomic for readers.</summary>
public sealed class S3SnapshotStore(IAmazonS3 s3, string bucket) : ISnapshotStore
{
    public string Location => $"s3://{bucket}";

    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        using var body = new MemoryStream(content.ToArray(), writable: false);
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = body,
            // s3rver would otherwise store the aws-chunked signature framing inside the object.
            UseChunkEncoding = false,
        }, ct);
    }

    /// <summary>
    /// A body whose checksum is not the one the server stated is read again, twice at most: a corruption on the way, or
    /// (s3rver, seen under load) a read that overtook the file write of the object's previous overwrite.
    /// </summary>
    private static readonly ResiliencePipeline ChecksumRetry = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
    {
        ShouldHandle = new PredicateBuilder().Handle<AmazonClientException>(e => e.Message.Contains("hash", StringComparison.OrdinalIgnoreCase)),
        MaxRetryAttempts = 2,
        Delay = TimeSpan.FromMilliseconds(100),
    }).Build();

    public async Task<byte[]?> GetAsync(string key, CancellationToken ct)
    {
        try
        {
            return await ChecksumRetry.ExecuteAsync(async token =>
            {
                using var response = await s3.GetObjectAsync(bucket, key, token);
                using var buffer = new MemoryStream();
                await response.ResponseStream.CopyToAsync(buffer, token);
                return buffer.ToArray();
            }, ct);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken ct)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
        ListObjectsV2Response response;
        do
        {
            response = await s3.ListObjectsV2Async(request, ct);
            keys.AddRange((response.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = response.NextContinuationToken;
        } while (response.IsTruncated == true);
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    public Task DeleteAsync(string key, CancellationToken ct) => s3.DeleteObjectAsync(bucket, key, ct);
}
