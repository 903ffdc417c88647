namespace Insights.DevTool.Bench.Chaos;

/// <summary>What the chaos run does at a moment of the load: SIGKILL a role (it is started again at once), or restart MariaDB.</summary>
public sealed record ChaosAction(TimeSpan At, ChaosTarget Target);

public enum ChaosTarget { Capture, Worker, Sink, MariaDb }

/// <summary>
/// When the faults of one run happen, drawn from a seed so a failing run can be repeated exactly. The load's window from
/// 10% to 85% of its duration is cut into as many equal slots as a role has kills, and each kill falls at a random moment
/// of its slot's middle 80%: random, yet no two kills of one role closer than a tenth of a slot, so a restarted role gets
/// a moment to come up before it is killed again. The MariaDB restart falls anywhere from 20% to 80% of the load. The
/// first 10% are left alone so the pipeline is streaming before the first fault; the last 15% so the run sees it recover.
/// </summary>
public static class ChaosSchedule
{
    public static IReadOnlyList<ChaosAction> Draw(int seed, TimeSpan duration, int killsPerRole, bool restartMariaDb)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(killsPerRole);
        var random = new Random(seed);
        var actions = new List<ChaosAction>();
        var start = duration * 0.10;
        var window = duration * 0.75;
        foreach (var role in new[] { ChaosTarget.Capture, ChaosTarget.Worker, ChaosTarget.Sink })
        {
            for (var k = 0; k < killsPerRole; k++)
            {
                var slot = window / killsPerRole;
                actions.Add(new ChaosAction(start + slot * k + slot * (0.1 + 0.8 * random.NextDouble()), role));
            }
        }
        if (restartMariaDb) actions.Add(new ChaosAction(duration * (0.2 + 0.6 * random.NextDouble()), ChaosTarget.MariaDb));
        return actions.OrderBy(a => a.At).ToList();
    }
}
