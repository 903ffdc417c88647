namespace Insights.Sinks.Kafka;

/// <summary>
/// What the Elasticsearch sink does with a record it cannot write: one that is not a valid score record, or one
/// whose document Elasticsearch refuses (a mapping error, a refused value). Bound from section `Sink`
/// (env `Sink__ErrorsTolerance`); the same two choices as Kafka Connect's `errors.tolerance`.
/// </summary>
public sealed record SinkErrorSettings
{
    public const string Section = "Sink";

    /// <summary>Send the record to `insights.deadletter` (original key, value and headers, plus the reason) and go on.</summary>
    public const string All = "all";

    /// <summary>Stop the sink on the record, offsets uncommitted: it fails again on the same record after every restart.</summary>
    public const string None = "none";

    /// <summary>
    /// `all` (the default) or `none`. Kafka Connect defaults to `none` because its dead-letter topic is optional and
    /// `all` without one drops records; here the dead-letter topic is always there and acknowledged before the
    /// offsets move, so `all` loses nothing and one bad record does not stop every member's scores behind it.
    /// </summary>
    public string ErrorsTolerance { get; init; } = All;

    public bool DeadLettersErrors => ErrorsTolerance == All;

    public string? Problem() => ErrorsTolerance is All or None
        ? null
        : $"{Section}:ErrorsTolerance has '{ErrorsTolerance}', expected {All} (dead-letter a record the sink cannot write and go on) or {None} (stop the sink on it)";
}
