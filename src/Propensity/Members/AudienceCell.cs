namespace Insights.Propensity.Members;

/// <summary>
/// A demographic cell (gender x age band) used for audience mixes. Ids only: the cell is coarse on purpose
/// so no personal data reaches the collective state. Cell 0 means unknown.
/// </summary>
public static class AudienceCell
{
    /// <summary>Age bands as MovieLens 1M uses them: under 18, 18-24, 25-34, 35-44, 45-49, 50-55, 56+.</summary>
    private static readonly int[] BandStarts = [0, 18, 25, 35, 45, 50, 56];

    public const int Unknown = 0;

    /// <summary>1 + 2 genders x 7 bands + 7 bands of unknown gender.</summary>
    public const int Count = 1 + 3 * 7;

    /// <param name="gender">'M', 'F' or anything else for unknown.</param>
    /// <param name="age">Age in years, or null when unknown.</param>
    public static byte Of(char gender, int? age)
    {
        if (age is not { } years || years < 0) return Unknown;
        var band = 0;
        while (band + 1 < BandStarts.Length && years >= BandStarts[band + 1]) band++;
        var genderIndex = char.ToUpperInvariant(gender) switch { 'M' => 0, 'F' => 1, _ => 2 };
        return (byte)(1 + genderIndex * 7 + band);
    }
}
