namespace Insights.Fixtures.Elasticsearch;

/// <summary>The concurrency parameters of one write: `version` + `version_type`, or `if_seq_no` + `if_primary_term`.</summary>
internal sealed record WriteConditions(long? Version, string VersionType, long? IfSeqNo, long? IfPrimaryTerm)
{
    public static readonly WriteConditions None = new(null, "internal", null, null);

    public bool IsExternal => VersionType is "external" or "external_gt" or "external_gte";
}

/// <summary>What a write did, reported per item as ES does: result, version, sequence number and HTTP status.</summary>
internal sealed record WriteOutcome(string Result, long Version, long SeqNo, int Status);
