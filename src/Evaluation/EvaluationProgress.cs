namespace Insights.Evaluation;

/// <summary>Where a long run is: a stage name and the fraction of that stage done.</summary>
public readonly record struct EvaluationProgress(string Stage, double Fraction);
