namespace Insights.Contracts.Topics;

/// <summary>The topics of Insights' own outputs. Source topics are `&lt;prefix&gt;.&lt;db&gt;.&lt;table&gt;` (Debezium's naming).</summary>
public static class TopicNames
{
    /// <summary>Compacted, keyed by member id: <see cref="Scores.ScoreUpdate"/> values, tombstone on member delete.</summary>
    public const string Scores = "insights.propensity.scores";

    /// <summary>Events that failed to parse or apply, with headers naming the error, source topic, partition and offset.</summary>
    public const string DeadLetter = "insights.deadletter";

    /// <summary>
    /// Compacted, one partition: requests to every worker (<see cref="Commands.RescoreCommand"/>), read whole by each as a
    /// global table. Written by operators' tools (snapshot restore), never by the workers.
    /// </summary>
    public const string ProcessorCommands = "insights.processors.commands";
}
