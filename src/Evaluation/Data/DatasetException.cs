namespace Insights.Evaluation.Data;

/// <summary>A dataset file is missing or malformed; the message names the file (and line when known).</summary>
public sealed class DatasetException(string message) : Exception(message);
