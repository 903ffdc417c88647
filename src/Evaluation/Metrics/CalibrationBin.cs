namespace Insights.Evaluation.Metrics;

/// <summary>
/// One bin of a reliability diagram: the predictions in [<paramref name="Lower"/>, <paramref name="Upper"/>),
/// how many there were, their mean, and the share of them that came true.
/// </summary>
public sealed record CalibrationBin(double Lower, double Upper, long Count, long Observed, double MeanPredicted)
{
    /// <summary>Share of the bin's predictions whose outcome happened; 0 for an empty bin.</summary>
    public double ObservedRate => Count == 0 ? 0 : (double)Observed / Count;
}
