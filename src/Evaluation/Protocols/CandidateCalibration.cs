using Insights.Evaluation.Metrics;

namespace Insights.Evaluation.Protocols;

/// <summary>
/// The bins the model's candidate probabilities are calibrated in, under both protocols. One of ~1,000-1,600
/// candidates comes true, so predictions spread over orders of magnitude below 0.01: ten equal-width bins would
/// put almost all of them into [0, 0.1), and equal-mass bins would spend most bins where hardly any outcome
/// happens (and need every prediction kept: tens of millions in a prequential run). Half-decade bins on log axes
/// show calibration at every order of magnitude.
/// </summary>
public static class CandidateCalibration
{
    public const int LowestDecade = -6;
    public const int BinsPerDecade = 2;

    public static Calibration Create() => Calibration.LogSpaced(LowestDecade, BinsPerDecade);
}
