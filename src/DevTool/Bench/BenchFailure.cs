namespace Insights.DevTool.Bench;

/// <summary>A bench run's verdict is FAIL: the message says what differed.</summary>
internal sealed class BenchFailure(string message) : Exception(message);
