using Elastic.Clients.Elasticsearch.Core.Bulk;

namespace Insights.Sinks.Elasticsearch;

/// <summary>What one bulk item's answer means for the sink.</summary>
public enum BulkItemOutcome
{
    /// <summary>Written (index 200/201, delete 200).</summary>
    Written,
    /// <summary>Elasticsearch already holds this or a newer version (409 on an externally versioned index): success.</summary>
    AlreadyNewer,
    /// <summary>A delete of a document that does not exist (404): the member is gone, success.</summary>
    AlreadyGone,
    /// <summary>Overload or an unavailable node (429, 502-504, see <see cref="TransientFailure"/>): send this item again.</summary>
    Retry,
    /// <summary>Elasticsearch refuses the item itself (mapping error, bad request): retrying cannot help.</summary>
    Rejected,
}

public static class BulkItemOutcomes
{
    public static BulkItemOutcome Classify(ResponseItem item, bool isDelete) => item.Status switch
    {
        >= 200 and < 300 => BulkItemOutcome.Written,
        409 when item.Error?.Type == "version_conflict_engine_exception" => BulkItemOutcome.AlreadyNewer,
        404 when isDelete => BulkItemOutcome.AlreadyGone,
        _ when TransientFailure.IsRetryable(item) => BulkItemOutcome.Retry,
        _ => BulkItemOutcome.Rejected,
    };

    public static bool IsAcknowledged(this BulkItemOutcome outcome) =>
        outcome is BulkItemOutcome.Written or BulkItemOutcome.AlreadyNewer or BulkItemOutcome.AlreadyGone;
}
