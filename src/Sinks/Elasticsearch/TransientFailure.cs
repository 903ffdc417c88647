using System.Net.Sockets;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Elastic.Transport;

namespace Insights.Sinks.Elasticsearch;

/// <summary>
/// Sorts a failed Elasticsearch call (or bulk item) into three kinds. Retryable without limit: 429 (rejected
/// execution, back off), 502/503/504 (node or gateway unavailable) and failures with no HTTP answer at all
/// (connection refused or reset, DNS, request timeout): they pass when the cluster recovers. Ambiguous: 500,
/// Elasticsearch's status for any exception without a more specific one, a passing node failure as well as a
/// bug or a request that will fail every time; the writer retries it a bounded number of times, then fails
/// loudly (<see cref="IsInternalError(int)"/>). Everything else (4xx mapping or request errors, 409 version
/// conflicts) fails the same way on retry, so it is permanent.
/// </summary>
public static class TransientFailure
{
    public static bool IsRetryableStatus(int statusCode) => statusCode is 429 or 502 or 503 or 504;

    /// <summary>HTTP 500: maybe transient, maybe not; retried a bounded number of times (see <see cref="ScoreIndexWriter.InternalErrorRetries"/>).</summary>
    public static bool IsInternalError(int statusCode) => statusCode == 500;

    /// <summary>For a response whose call failed; a successful response is not retryable.</summary>
    public static bool IsRetryable(TransportResponse response)
    {
        var details = response.ApiCallDetails;
        if (details.HttpStatusCode is { } status) return IsRetryableStatus(status);
        return details.OriginalException is { } exception && IsRetryable(exception);
    }

    /// <summary>For one item of a bulk response (a 409 version conflict there means a newer write won: permanent).</summary>
    public static bool IsRetryable(ResponseItem item) => IsRetryableStatus(item.Status);

    /// <summary>For an exception thrown by the client (with ThrowExceptions) or kept as its original exception.</summary>
    public static bool IsRetryable(Exception exception) => exception switch
    {
        TransportException { ApiCallDetails.HttpStatusCode: { } status } => IsRetryableStatus(status),
        TransportException { FailureReason: PipelineFailure.MaxTimeoutReached or PipelineFailure.PingFailure or PipelineFailure.SniffFailure } => true,
        HttpRequestException { StatusCode: { } status } => IsRetryableStatus((int)status),
        // No HTTP status: the request never got an answer (refused, reset, unreachable).
        HttpRequestException or SocketException or IOException or TimeoutException => true,
        // A timeout surfaces as a cancellation wrapping a TimeoutException; a caller's own cancellation is not a failure to retry.
        OperationCanceledException { InnerException: TimeoutException } => true,
        OperationCanceledException => false,
        _ => exception.InnerException is { } inner && IsRetryable(inner),
    };
}
