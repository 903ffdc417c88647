namespace Insights.Fixtures.Elasticsearch;

/// <summary>One bulk item as fault injection sees it: the action, the index as written in the request (an alias stays an alias) and the id.</summary>
public sealed record BulkItem(string Action, string Index, string? Id);
