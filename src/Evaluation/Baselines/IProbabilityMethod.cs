namespace Insights.Evaluation.Baselines;

/// <summary>A ranking method whose scores stand for probabilities, so its calibration can be measured.</summary>
public interface IProbabilityMethod : IRankingMethod
{
    /// <summary>The probability a score stands for.</summary>
    double Probability(float score);
}
