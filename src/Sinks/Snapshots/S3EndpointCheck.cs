namespace Insights.Sinks.Snapshots;

/// <summary>Validation of section `S3`, separate from <see cref="S3Endpoint"/> so the endpoint stays a plain settings record.</summary>
public static class S3EndpointCheck
{
    public const string Section = "S3";

    public static string? Problem(this S3Endpoint s3)
    {
        if (!string.IsNullOrEmpty(s3.ServiceUrl) && (!Uri.TryCreate(s3.ServiceUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            return $"{Section}:ServiceUrl has '{s3.ServiceUrl}', expected an http(s) URL";
        if (string.IsNullOrWhiteSpace(s3.Bucket)) return $"{Section}:Bucket is required";
        if (string.IsNullOrEmpty(s3.AccessKey) != string.IsNullOrEmpty(s3.SecretKey))
            return $"{Section}:AccessKey and {Section}:SecretKey must be set together (or both left to the AWS credential chain)";
        return null;
    }
}
