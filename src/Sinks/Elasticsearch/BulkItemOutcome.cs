using Elastic.Clients.Elasticsearch.Core.Bulk;

namespace Insights.Sinks.Elasticsearch;

/// <summary>What one bulk item's answer means for the sink (every item is an externally versioned `index`).</summary>
public enum BulkItemOutcome
{
    /// <summary>Written (index 200/201).</summary>
    Written,
    /// <summary>Elasticsearch already holds this or a newer version (409 on an externally versioned index): success for an update.</summary>
    AlreadyNewer,
    /// <summary>Overload or an unavailable node (429, 502-504, see <see cref="TransientFailure"/>): send this item again.</summary>
    Retry,
    /// <summary>An internal error (500): send it again a bounded number of times, then fail the write.</summary>
    RetryInternalError,
    /// <summary>
    /// Elasticsearch refuses the document itself (a 4xx such as a mapping error or a refused value): retrying cannot
    /// help, and the rest of the bulk is written; the caller decides whether to dead-letter the record or stop.
    /// </summary>
    Rejected,
    /// <summary>
    /// Refused for a reason that is not the document's (401/403: credentials or privileges; 404: the index or alias
    /// is missing; any other status): every other document would fail the same way, so the write fails.
    /// </summary>
    Failed,
}

public static class BulkItemOutcomes
{
    public static BulkItemOutcome Classify(ResponseItem item) => item.Status switch
    {
        >= 200 and < 300 => BulkItemOutcome.Written,
        409 when item.Error?.Type == "version_conflict_engine_exception" => BulkItemOutcome.AlreadyNewer,
        _ when TransientFailure.IsRetryable(item) => BulkItemOutcome.Retry,
        _ when TransientFailure.IsInternalError(item.Status) => BulkItemOutcome.RetryInternalError,
        401 or 403 or 404 => BulkItemOutcome.Failed,
        >= 400 and < 500 => BulkItemOutcome.Rejected,
        _ => BulkItemOutcome.Failed,
    };
}
