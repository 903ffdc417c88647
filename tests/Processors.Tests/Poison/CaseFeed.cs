using System.Text;
using Confluent.Kafka;
using Insights.Fixtures.Poison;

namespace Insights.Processors.Tests.Poison;

/// <summary>
/// How a worker corpus case sends its records: hostile ones that must come back as dead letters, odd-but-valid ones
/// that must not, and witnesses (good records behind them on the same partition) whose member must be scored. What
/// is expected of them is kept in <see cref="Case"/>.
/// </summary>
public sealed class CaseFeed(WorkerPoisonRun run, string name, int partition)
{
    public PoisonCase Case { get; } = new(name, () => run.Elapsed, run.DeadLetters);

    /// <summary>The tickets, members and sessions partition of this case (the movies topic has one).</summary>
    public int Partition { get; } = partition;

    public CinemaChanges Changes => run.Changes;
    public WorkerPoisonRun Run => run;

    public int NewMember() => run.NextMember();
    public long NewTicket() => run.NextTicket();

    public void Expect(string what, Func<bool> holds) => Case.Expect(what, holds);

    /// <summary>Sends a hostile record that must come back as one dead letter of <paramref name="stage"/> whose reason contains <paramref name="reason"/>.</summary>
    public async Task<TopicPartitionOffset> DeadLetterAsync(string topic, int partition, byte[]? key, byte[]? value, string stage, string reason)
    {
        var origin = await run.SendAsync(topic, partition, (key, value));
        Case.ExpectDeadLetter(origin, stage, reason);
        return origin;
    }

    /// <summary>Sends a record that is odd but valid (or a tombstone): it must not be dead-lettered.</summary>
    public async Task<TopicPartitionOffset> ProcessedAsync(string topic, int partition, (byte[]? Key, byte[]? Value) record)
    {
        var origin = await run.SendAsync(topic, partition, record);
        Case.ExpectNoDeadLetter(origin);
        return origin;
    }

    /// <summary>The witness of a hostile record on <paramref name="table"/>'s topic: the next good record there.</summary>
    public Task WitnessOnAsync(string table) => table switch
    {
        "tickets" => TicketWitnessAsync(),
        "members" => MemberWitnessAsync(),
        "sessions" => SessionWitnessAsync(),
        "movies" => MovieWitnessAsync(),
        _ => throw new ArgumentException($"no witness for table '{table}'", nameof(table)),
    };

    /// <summary>The partition of <paramref name="table"/>'s topic this case uses (the movies topic has one).</summary>
    public int PartitionOf(string table) => table == "movies" ? 0 : Partition;

    /// <summary>A new member buys one of the witness movies on this case's tickets partition: their score must show it seen.</summary>
    public Task TicketWitnessAsync()
    {
        var member = NewMember();
        var movie = run.NextWitnessMovie();
        return WitnessAsync(member, movie, WorkerPoisonRun.CdcTopic("tickets"), Partition, Changes.Ticket(NewTicket(), member, movie, SyntheticCinema.Start.AddDays(1)));
    }

    /// <summary>A new member's row on this case's members partition: the member must be scored.</summary>
    public Task MemberWitnessAsync()
    {
        var member = NewMember();
        return WitnessAsync(member, null, WorkerPoisonRun.CdcTopic("members"), Partition, Changes.Member(member, 1985, "M"));
    }

    /// <summary>A new session of a witness movie on this case's sessions partition, then a new member's ticket for it.</summary>
    public Task SessionWitnessAsync()
    {
        var session = run.NextSession();
        return SessionThenTicketAsync(session, run.NextWitnessMovie(), $"{WorkerPoisonRun.CdcTopic("sessions")}[{Partition}]", run.Elapsed);
    }

    /// <summary>A new movie (or movie <paramref name="id"/>) on the movies topic, then a session of it and a new member's ticket for it.</summary>
    public async Task MovieWitnessAsync(int? id = null)
    {
        var movie = id ?? run.NextMovie();
        var sentAt = run.Elapsed;
        Case.ExpectNoDeadLetter(await run.SendAsync(WorkerPoisonRun.CdcTopic("movies"), 0, Changes.Movie(movie, "drama", "now_showing", SyntheticCinema.Start)));
        await SessionThenTicketAsync(movie, movie, $"{WorkerPoisonRun.CdcTopic("movies")}[0]", sentAt);
    }

    /// <summary>A good record on <paramref name="topic"/> whose effect is <paramref name="member"/> scored (with <paramref name="seenMovie"/> seen).</summary>
    public async Task WitnessAsync(int member, int? seenMovie, string topic, int partition, (byte[]? Key, byte[]? Value) record, TimeSpan? sentAt = null, string? where = null)
    {
        var at = sentAt ?? run.Elapsed;
        Case.ExpectNoDeadLetter(await run.SendAsync(topic, partition, record));
        Case.ExpectWitness(where ?? $"{topic}[{partition}]", $"member {member} scored{(seenMovie is { } m ? $" seeing movie {m}" : "")}", at,
            () => run.Score(member) is { } score && (seenMovie is null || score.Scores.Any(s => s.MovieId == seenMovie && s.Seen)));
    }

    /// <summary>A session of <paramref name="movie"/> (id <paramref name="session"/>) on this case's sessions partition, seen through a new member's ticket for it.</summary>
    private async Task SessionThenTicketAsync(int session, int movie, string where, TimeSpan sentAt)
    {
        Case.ExpectNoDeadLetter(await run.SendAsync(WorkerPoisonRun.CdcTopic("sessions"), Partition, Changes.Session(session, movie)));
        var member = NewMember();
        await WitnessAsync(member, movie, WorkerPoisonRun.CdcTopic("tickets"), Partition, Changes.Ticket(NewTicket(), member, session, SyntheticCinema.Start.AddDays(1)),
            sentAt, where);
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
