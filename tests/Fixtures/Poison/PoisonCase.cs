using System.Globalization;
using Confluent.Kafka;
using Insights.Contracts.Topics;
using Insights.Fixtures.Kafka;

namespace Insights.Fixtures.Poison;

/// <summary>
/// What one case of a poison corpus expects of the process it was sent through: one dead letter per hostile record
/// (at the record's origin, of a stage, naming a reason), no dead letter for the odd-but-valid records, checks of their
/// effect, and witnesses: good records sent behind the hostile ones on the same partition, whose effect must appear
/// within <see cref="StallLimit"/> of their sending, or the partition stalled.
/// </summary>
public sealed class PoisonCase(string name, Func<TimeSpan> clock, RecordedTopic? deadLetters)
{
    /// <summary>No partition may wait longer than this behind a hostile record.</summary>
    public static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(30);

    private readonly List<(TopicPartitionOffset Origin, string Stage, string Reason)> letters = [];
    private readonly List<TopicPartitionOffset> processed = [];
    private readonly List<TopicPartitionOffset> tolerated = [];
    private readonly List<(string What, Func<Task<bool>> Holds)> checks = [];
    private readonly List<Witness> witnesses = [];
    private TimeSpan stallAllowance = StallLimit;

    public string Name { get; } = name;

    /// <summary>Why the case's row is skipped once its assertions pass: a gap it exposes that is not fixed yet.</summary>
    public string? KnownGap { get; private set; }

    /// <summary>Where every record this case expects a dead letter for, or none, was written.</summary>
    public IEnumerable<TopicPartitionOffset> Origins => letters.Select(l => l.Origin).Concat(processed).Concat(tolerated);

    public TimeSpan Now => clock();

    public void ExpectDeadLetter(TopicPartitionOffset origin, string stage, string reason) => letters.Add((origin, stage, reason));

    public void ExpectNoDeadLetter(TopicPartitionOffset origin) => processed.Add(origin);

    /// <summary>A hostile record of a known gap: a dead letter for it is neither required nor a stray.</summary>
    public void MayBeDeadLettered(TopicPartitionOffset origin) => tolerated.Add(origin);

    public void Expect(string what, Func<bool> holds) => checks.Add((what, () => Task.FromResult(holds())));

    public void Expect(string what, Func<Task<bool>> holds) => checks.Add((what, holds));

    /// <summary>A good record sent at <paramref name="sentAt"/> behind the hostile ones on <paramref name="where"/>, seen once <paramref name="seen"/> holds.</summary>
    public void ExpectWitness(string where, string what, TimeSpan sentAt, Func<Task<bool>> seen) => witnesses.Add(new Witness(where, what, sentAt, seen));

    public void ExpectWitness(string where, string what, TimeSpan sentAt, Func<bool> seen) => ExpectWitness(where, what, sentAt, () => Task.FromResult(seen()));

    /// <summary>This case holds its partition on purpose for up to <paramref name="allowance"/> (a wait the design asks for).</summary>
    public void MayHoldItsPartitionFor(TimeSpan allowance) => stallAllowance = allowance;

    public void IsKnownGap(string reason) => KnownGap = reason;

    /// <summary>What is not (yet) as expected; empty once the case settled. Notes when each witness is first seen.</summary>
    public async Task<List<string>> OutstandingAsync()
    {
        var missing = new List<string>();
        // Witnesses first, so the time each is first seen does not include the other checks.
        foreach (var witness in witnesses)
        {
            if (witness.SeenAt is null && await witness.Seen()) witness.SeenAt = clock();
            if (witness.SeenAt is not { } seen)
                missing.Add($"the witness behind the hostile records on {witness.Where} ({witness.What}) was not seen");
            else if (seen - witness.SentAt > stallAllowance)
                missing.Add($"{witness.Where} stalled: the witness behind the hostile records ({witness.What}) was seen after {(seen - witness.SentAt).TotalSeconds:0.0} s");
        }
        var all = deadLetters?.Records ?? [];
        foreach (var (origin, stage, reason) in letters)
        {
            var found = all.Where(l => Names(l, origin)).ToList();
            if (found.Count != 1) { missing.Add($"{found.Count} dead letters for {origin}, expected one of stage {stage} naming '{reason}'"); continue; }
            var stages = RecordedTopic.Headers(found[0], DeadLetterHeaders.Stage);
            var errors = RecordedTopic.Headers(found[0], DeadLetterHeaders.Error);
            if (!stages.Contains(stage)) missing.Add($"the dead letter for {origin} is of stage {string.Join("+", stages)}, expected {stage}");
            if (!errors.Any(e => e.Contains(reason, StringComparison.Ordinal)))
                missing.Add($"the dead letter for {origin} says '{string.Join(" | ", errors)}', expected '{reason}'");
        }
        foreach (var origin in processed)
            if (all.FirstOrDefault(l => Names(l, origin)) is { } wrong)
                missing.Add($"the record at {origin} was dead-lettered: {RecordedTopic.Header(wrong, DeadLetterHeaders.Error)}");
        foreach (var (what, holds) in checks)
            if (!await holds()) missing.Add($"expected {what}");
        return missing;
    }

    /// <summary>True when a dead letter names <paramref name="origin"/> as the record it came from.</summary>
    public static bool Names(ConsumeResult<byte[]?, byte[]?> letter, TopicPartitionOffset origin) =>
        RecordedTopic.Header(letter, DeadLetterHeaders.SourceTopic) == origin.Topic
        && RecordedTopic.Header(letter, DeadLetterHeaders.SourcePartition) == origin.Partition.Value.ToString(CultureInfo.InvariantCulture)
        && RecordedTopic.Header(letter, DeadLetterHeaders.SourceOffset) == origin.Offset.Value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Dead letters that name none of the cases' records: a good record sent there by mistake, or a duplicate origin.</summary>
    public static List<string> Strays(RecordedTopic deadLetters, IEnumerable<PoisonCase> cases)
    {
        var known = cases.SelectMany(c => c.Origins).ToList();
        return deadLetters.Records.Where(l => !known.Any(origin => Names(l, origin)))
            .Select(l => $"{RecordedTopic.Header(l, DeadLetterHeaders.SourceTopic)}[{RecordedTopic.Header(l, DeadLetterHeaders.SourcePartition)}]"
                         + $"@{RecordedTopic.Header(l, DeadLetterHeaders.SourceOffset)}: {RecordedTopic.Header(l, DeadLetterHeaders.Error)}")
            .ToList();
    }

    private sealed class Witness(string where, string what, TimeSpan sentAt, Func<Task<bool>> seen)
    {
        public string Where { get; } = where;
        public string What { get; } = what;
        public TimeSpan SentAt { get; } = sentAt;
        public Func<Task<bool>> Seen { get; } = seen;
        public TimeSpan? SeenAt { get; set; }
    }
}
