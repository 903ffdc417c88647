using Amazon.Runtime;
using Amazon.S3;

namespace Insights.Sinks.Snapshots;

/// <summary>
/// Where snapshots go: any S3 API endpoint (AWS, MinIO, s3rver). Bound from configuration section `S3`.
/// Without AccessKey/SecretKey the AWS SDK's standard credential chain applies: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY
/// (and AWS_SESSION_TOKEN), a profile, web identity (EKS IRSA: AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, which
/// needs the AWSSDK.SecurityToken assembly this project references), then the container or instance role.
/// Keys are never logged; prefer the chain over keys in configuration.
/// </summary>
public sealed record S3Endpoint
{
    /// <summary>Endpoint URL for S3-compatible servers; empty means AWS itself in <see cref="Region"/>.</summary>
    public string? ServiceUrl { get; init; }
    /// <summary>The bucket snapshots are written to.</summary>
    public string Bucket { get; init; } = "insights";
    /// <summary>The bucket's region.</summary>
    public string Region { get; init; } = "us-east-1";
    /// <summary>An access key; empty: the AWS credential chain (environment, web identity, instance role).</summary>
    public string? AccessKey { get; init; }
    /// <summary>The secret of AccessKey; from a secret, never a file in the repository.</summary>
    public string? SecretKey { get; init; }

    public AmazonS3Client CreateClient()
    {
        var config = new AmazonS3Config
        {
            // S3-compatible servers address buckets by path; checksums only when the API requires them,
            // since s3rver and older MinIO reject or mis-store the newer default trailers.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (!string.IsNullOrEmpty(ServiceUrl))
        {
            config.ServiceURL = ServiceUrl;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = Region;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(Region);
        }
        return string.IsNullOrEmpty(AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey), config);
    }

    /// <summary>A snapshot store in <see cref="Bucket"/> on this endpoint.</summary>
    public ISnapshotStore CreateStore() => new S3SnapshotStore(CreateClient(), Bucket);
}
