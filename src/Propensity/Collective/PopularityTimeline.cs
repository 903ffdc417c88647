namespace Insights.Propensity.Collective;

/// <summary>
/// A movie's attendances per day as a sparse running total, so the count in any window ending at any
/// time is two binary searches. Days older than the retention are dropped from the front; totals stay
/// correct because only differences of running totals are read.
/// </summary>
public sealed class PopularityTimeline
{
    private int[] days = new int[4];
    private float[] totals = new float[4];
    private int count;

    public int Entries => count;

    /// <summary>The days that have entries, oldest first.</summary>
    public ReadOnlySpan<int> Days => days.AsSpan(0, count);

    /// <summary>Running totals through each of <see cref="Days"/>.</summary>
    public ReadOnlySpan<float> Totals => totals.AsSpan(0, count);

    /// <summary>A timeline holding exactly these entries (as read from <see cref="Days"/> and <see cref="Totals"/>).</summary>
    public static PopularityTimeline From(ReadOnlySpan<int> days, ReadOnlySpan<float> totals)
    {
        var timeline = new PopularityTimeline();
        timeline.Reset(days, totals);
        return timeline;
    }

    /// <summary>Replaces every entry with the given ones.</summary>
    public void Reset(ReadOnlySpan<int> newDays, ReadOnlySpan<float> newTotals)
    {
        if (newDays.Length != newTotals.Length) throw new ArgumentException("a timeline needs one total per day");
        days = newDays.Length == 0 ? new int[4] : newDays.ToArray();
        totals = newTotals.Length == 0 ? new float[4] : newTotals.ToArray();
        count = newDays.Length;
    }

    public void Add(int day, float weight, int retentionDays)
    {
        var i = UpperBound(day);
        if (i > 0 && days[i - 1] == day)
        {
            for (var k = i - 1; k < count; k++) totals[k] += weight;
            return;
        }
        if (count == days.Length)
        {
            Array.Resize(ref days, days.Length * 2);
            Array.Resize(ref totals, totals.Length * 2);
        }
        Array.Copy(days, i, days, i + 1, count - i);
        Array.Copy(totals, i, totals, i + 1, count - i);
        days[i] = day;
        totals[i] = (i > 0 ? totals[i - 1] : 0) + weight;
        count++;
        for (var k = i + 1; k < count; k++) totals[k] += weight;
        Trim(days[count - 1] - retentionDays);
    }

    /// <summary>Attendances on days in (endDay - windowDays, endDay].</summary>
    public float Window(int endDay, int windowDays) => TotalThrough(endDay) - TotalThrough(endDay - windowDays);

    /// <summary>Two windows ending on the same day, sharing the search for the end.</summary>
    public (float Short, float Long) Windows(int endDay, int shortDays, int longDays)
    {
        var end = TotalThrough(endDay);
        return (end - TotalThrough(endDay - shortDays), end - TotalThrough(endDay - longDays));
    }

    private float TotalThrough(int day)
    {
        var i = UpperBound(day);
        return i == 0 ? 0 : totals[i - 1];
    }

    // Keeps the newest entry older than the cut as the baseline for windows that start before it.
    private void Trim(int oldestDay)
    {
        var drop = UpperBound(oldestDay) - 1;
        if (drop <= 0) return;
        Array.Copy(days, drop, days, 0, count - drop);
        Array.Copy(totals, drop, totals, 0, count - drop);
        count -= drop;
    }

    private int UpperBound(int day)
    {
        int lo = 0, hi = count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (days[mid] <= day) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
