using Amazon.S3;
using Amazon.S3.Model;
using Insights.Fixtures.S3;
using Insights.Sinks.Snapshots;

namespace Insights.Sinks.Tests.Snapshots;

/// <summary>Changes process environment variables, so nothing else runs beside it.</summary>
[CollectionDefinition(nameof(ProcessEnvironment), DisableParallelization = true)]
public sealed class ProcessEnvironment;

/// <summary>
/// Without S3:AccessKey/SecretKey the client takes its credentials from the AWS SDK's standard chain, here the
/// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables, and signs with them: the server accepts the pair it knows and
/// refuses an access key it does not (s3rver checks the key id; MinIO, where Docker runs, also the signature).
/// </summary>
[Collection(nameof(ProcessEnvironment))]
public sealed class S3CredentialChainTests(S3Server s3) : IClassFixture<S3Server>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_keys_the_client_signs_with_the_credentials_of_the_environment()
    {
        var endpoint = new S3Endpoint { ServiceUrl = s3.ServiceUrl, Bucket = s3.Bucket };
        Assert.Null(endpoint.Problem());
        var key = $"chain-{Guid.NewGuid():N}";
        var saved = (Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID"), Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY"));
        try
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "NOT-A-KNOWN-KEY");
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "not-the-secret");
            using (var wrong = endpoint.CreateClient())
            {
                var refused = await Assert.ThrowsAsync<AmazonS3Exception>(() => wrong.PutObjectAsync(Put(key), Ct));
                Assert.Equal("InvalidAccessKeyId", refused.ErrorCode);
            }

            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", s3.AccessKey);
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", s3.SecretKey);
            using var right = endpoint.CreateClient();
            await right.PutObjectAsync(Put(key), Ct);
            using var read = await right.GetObjectAsync(s3.Bucket, key, Ct);
            Assert.Equal("signed with the environment's keys", await new StreamReader(read.ResponseStream).ReadToEndAsync(Ct));
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", saved.Item1);
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", saved.Item2);
        }
    }

    private PutObjectRequest Put(string key) => new()
    {
        BucketName = s3.Bucket, Key = key, ContentBody = "signed with the environment's keys",
        // s3rver stores aws-chunked bodies as sent, chunk signatures included.
        UseChunkEncoding = false,
    };
}
