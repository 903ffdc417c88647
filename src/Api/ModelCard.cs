namespace Insights.Api;

/// <summary>
/// The answer of `GET /model`: the model the workers score with, as its file describes it: its version and its training
/// figures, among them the validation HR@10 and NDCG@10 and the calibration the page's expected attendances rely on
/// (`validation_ece`, the expected calibration error of its probabilities, at `validation_base_rate`).
/// </summary>
public sealed record ModelCard(string ModelVersion, IReadOnlyDictionary<string, double> Training);
