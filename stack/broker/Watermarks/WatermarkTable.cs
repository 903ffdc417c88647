using Insights.Contracts.Topics;

namespace Insights.Broker.Watermarks;

/// <summary>A report as a fixed-width table for people: one row per partition.</summary>
internal static class WatermarkTable
{
    public static void Write(WatermarkReport report, TextWriter output)
    {
        var width = Math.Max("TOPIC".Length, report.Partitions.Select(p => p.Topic.Length).DefaultIfEmpty(0).Max());
        output.WriteLine($"{"TOPIC".PadRight(width)}  PARTITION          LOW         HIGH  STATE");
        foreach (var p in report.Partitions)
            output.WriteLine($"{p.Topic.PadRight(width)}  {p.Partition,9}  {p.Low,11}  {p.High,11}  {(p.Trimmed ? "TRIMMED" : p.Purged ? "purged" : "ok")}");
        foreach (var topic in report.MissingTopics)
            output.WriteLine($"{topic.PadRight(width)}  {"-",9}  {"-",11}  {"-",11}  MISSING");
    }
}
