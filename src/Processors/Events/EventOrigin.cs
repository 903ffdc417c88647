namespace Insights.Processors.Events;

/// <summary>Where a CDC record was read: named in a dead letter when the event later fails to apply.</summary>
public readonly record struct EventOrigin(string Topic, int Partition, long Offset);
