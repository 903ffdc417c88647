using Insights.Contracts.Scores;

namespace Insights.Processors.Members;

/// <summary>
/// A 64-bit fingerprint of what a subscriber reads in a score update besides its version, source and computation time:
/// the model, every movie's score and seen flag, and the demographics. FNV-1a over whole 64-bit words (a character
/// is a word), not bytes: one multiply per value keeps it a small part of a score, and each step is a bijection, so
/// updates that differ in one value always differ. Stable across processes, so it can be stored with the member.
/// </summary>
public static class ScoreDigest
{
    private const ulong Offset = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    public static ulong Of(ScoreUpdate update)
    {
        var hash = Offset;
        Add(ref hash, update.ModelVersion);
        Add(ref hash, (ulong)update.Scores.Count);
        foreach (var score in update.Scores)
        {
            Add(ref hash, (ulong)score.MovieId);
            Add(ref hash, (ulong)BitConverter.DoubleToInt64Bits(score.Score));
            Add(ref hash, score.Seen ? 1UL : 0UL);
        }
        Add(ref hash, update.Demographics?.AgeBand);
        Add(ref hash, update.Demographics?.Gender);
        // 0 means "nothing sent yet" in a member record.
        return hash == 0 ? 1 : hash;
    }

    private static void Add(ref ulong hash, ulong value) => hash = (hash ^ value) * Prime;

    private static void Add(ref ulong hash, string? value)
    {
        Add(ref hash, value is null ? ulong.MaxValue : (ulong)value.Length);
        if (value is null) return;
        foreach (var c in value) Add(ref hash, c);
    }
}
