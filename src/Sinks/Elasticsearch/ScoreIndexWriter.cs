using System.Globalization;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace Insights.Sinks.Elasticsearch;

/// <summary>
/// Writes score changes to the score alias with bulk requests. Each member document carries the update's
/// <see cref="Contracts.Scores.ScoreUpdate.Version"/> as an external version, so a stale or repeated update
/// is refused by Elasticsearch itself (a 409 item, counted as acknowledged). A tombstone replaces the document
/// with a deletion marker whose external version is above every version the member had, so a replayed older
/// update stays refused after the delete (a plain delete would remember its version for `index.gc_deletes`
/// only). Overload (429), unavailable nodes (502-504) and connection failures (see <see cref="TransientFailure"/>)
/// are retried without limit, internal errors (500) <see cref="InternalErrorRetries"/> times, with exponential
/// backoff and jitter, resending only the items not yet acknowledged. A change Elasticsearch refuses for what it
/// holds (a 4xx item such as a mapping error, see <see cref="BulkItemOutcome.Rejected"/>) is reported in
/// <see cref="WriteReport.Rejected"/> and the rest is written; a whole bulk refused with 400 (request validation
/// refuses the whole bulk for one invalid item) or 413 is split in halves until the refused changes stand alone.
/// What the caller does with a rejection is its choice (dead-letter, or stop). Refusals that are not about the
/// changes (authentication, a missing index) fail the write. Returns only when every change is acknowledged or
/// rejected, which is what lets the consumer commit offsets afterwards.
/// </summary>
public sealed class ScoreIndexWriter
{
    /// <summary>
    /// How many times a write answered 500 is resent before the write fails. A 500 may be a node failing in
    /// passing or a request that fails every time; a few backed-off retries cover the first without letting
    /// the second stall the sink forever in silence.
    /// </summary>
    public const int InternalErrorRetries = 3;

    private readonly ElasticsearchClient client;
    private readonly ElasticsearchSettings settings;
    private readonly ILogger logger;
    private readonly ResiliencePipeline<BulkAttempt> retry;

    public ScoreIndexWriter(ElasticsearchClient client, ElasticsearchSettings settings, ILogger<ScoreIndexWriter>? logger = null)
    {
        this.client = client;
        this.settings = settings;
        this.logger = logger ?? NullLogger<ScoreIndexWriter>.Instance;
        retry = new ResiliencePipelineBuilder<BulkAttempt>()
            .AddRetry(new RetryStrategyOptions<BulkAttempt>
            {
                ShouldHandle = new PredicateBuilder<BulkAttempt>()
                    .Handle<Exception>(TransientFailure.IsRetryable)
                    .HandleResult(attempt => attempt.Pending.Count > 0 && attempt.InternalErrors <= InternalErrorRetries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(settings.RetryBaseDelayMs),
                MaxDelay = TimeSpan.FromMilliseconds(settings.RetryMaxDelayMs),
                // A sink that gives up loses scores; one that waits only delays them. Stop is by cancellation
                // (or by InternalErrorRetries answers of 500, which may never pass).
                MaxRetryAttempts = int.MaxValue,
                OnRetry = args =>
                {
                    Telemetry.SinkMetrics.Retried();
                    var why = args.Outcome.Exception?.Message ?? args.Outcome.Result?.Reason ?? "unknown";
                    this.logger.LogWarning("Elasticsearch bulk: retry {Attempt} in {Delay} ms for {Pending} items ({Reason})",
                        args.AttemptNumber + 1, (int)args.RetryDelay.TotalMilliseconds, args.Outcome.Result?.Pending.Count, why);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>Writes the changes (collapsed per member first) and returns once each is acknowledged or rejected (see <see cref="WriteReport.Rejected"/>).</summary>
    public async Task<WriteReport> WriteAsync(IEnumerable<ScoreChange> changes, CancellationToken ct)
    {
        var report = new WriteReport();
        var all = ScoreChange.Collapse(changes);
        foreach (var chunk in all.Chunk(settings.BulkMaxDocuments))
        {
            var pending = (IReadOnlyList<ScoreChange>)chunk;
            var first = true;
            var internalErrors = 0;
            var last = await retry.ExecuteAsync(async token =>
            {
                if (!first) report.ItemsResent += pending.Count;
                first = false;
                var attempt = await SendAsync(pending, report, token);
                if (attempt.InternalError) internalErrors++;
                pending = attempt.Pending;
                return attempt with { InternalErrors = internalErrors };
            }, ct);
            if (last.Pending.Count > 0)
                throw new ElasticsearchRequestException(last.InternalError
                    ? $"Elasticsearch bulk: {last.Pending.Count} items still answered 500 after {InternalErrorRetries} retries ({last.Reason}); " +
                      $"first member {last.Pending[0].MemberId}"
                    : $"Elasticsearch bulk: {last.Pending.Count} items unacknowledged ({last.Reason})");
        }
        var rejected = report.Rejected.Select(r => r.Change).ToHashSet();
        Telemetry.SinkMetrics.Acknowledged(all.Where(c => !rejected.Contains(c)));
        return report;
    }

    private async Task<BulkAttempt> SendAsync(IReadOnlyList<ScoreChange> changes, WriteReport report, CancellationToken ct)
    {
        // Deletions first learn what they replace: their marker's version must be above it.
        var deletes = changes.Where(c => c.IsDelete).ToList();
        var lookups = await Task.WhenAll(deletes.Select(c => LookUpAsync(c.MemberId, ct)));
        var retry = new List<ScoreChange>();
        string? lookupFailure = null;
        var internalError = false;
        var writes = new List<(ScoreChange Change, long MarkerVersion)>();
        var current = deletes.Zip(lookups).ToDictionary(p => p.First.MemberId, p => p.Second);
        foreach (var change in changes)
        {
            if (!change.IsDelete) { writes.Add((change, 0)); continue; }
            var found = current[change.MemberId];
            if (found.Failure is { } failure)
            {
                retry.Add(change);
                lookupFailure ??= failure;
                internalError |= found.InternalError;
                continue;
            }
            // Already a marker at or above what this tombstone deleted, or nothing was ever written and no version
            // is known to guard against: the member is gone, nothing to write.
            if (found.IsMarker && found.Version >= change.DeletedAfterVersion || found.Version is null && change.DeletedAfterVersion == 0)
            {
                report.Deleted++;
                continue;
            }
            writes.Add((change, Math.Max(found.Version ?? 0, change.DeletedAfterVersion) + 1));
        }
        if (writes.Count == 0)
            return new BulkAttempt(retry, lookupFailure is null ? null : $"reading members to delete: {lookupFailure}", internalError);

        var sent = await SendBulkAsync(writes, report, ct);
        retry.AddRange(sent.Retry);
        var reasons = new[] { lookupFailure is null ? null : $"reading members to delete: {lookupFailure}", sent.Reason };
        return new BulkAttempt(retry, retry.Count > 0 ? string.Join("; ", reasons.OfType<string>()) : null, internalError || sent.InternalError);
    }

    /// <summary>
    /// One bulk request for the writes (and, when Elasticsearch refuses the request whole with 400 or 413, one for
    /// each half, down to single changes): counts what was written, adds what was rejected to the report, and
    /// returns what to send again.
    /// </summary>
    private async Task<BulkSent> SendBulkAsync(IReadOnlyList<(ScoreChange Change, long MarkerVersion)> writes, WriteReport report, CancellationToken ct)
    {
        var request = new BulkRequest(settings.Alias) { Operations = new BulkOperationsCollection() };
        foreach (var (change, markerVersion) in writes)
            request.Operations.Add(new BulkIndexOperation<MemberScoresDocument>(change.Update is { } update
                ? MemberScoresDocument.From(update)
                : MemberScoresDocument.Deletion(change.MemberId, markerVersion))
            {
                Id = change.MemberId.ToString(CultureInfo.InvariantCulture),
                Version = change.Update?.Version ?? markerVersion,
                // Greater or equal: a worker that replays a member's events after a crash re-emits the versions it had
                // emitted, scored against the movie profiles of now, so of two equal versions the later is the newer.
                VersionType = VersionType.ExternalGte,
            });
        report.Requests++;
        var response = await client.BulkAsync(request, ct);
        var status = response.ApiCallDetails.HttpStatusCode;
        if (status != 200 && (TransientFailure.IsRetryable(response) || status is { } code && TransientFailure.IsInternalError(code)))
        {
            var reason = status is null
                ? $"no answer: {response.ApiCallDetails.OriginalException?.Message ?? "connection failed"}"
                : $"HTTP {status}";
            return new BulkSent([.. writes.Select(w => w.Change)], reason, status == 500);
        }
        var refusal = response.ElasticsearchServerError?.Error is { } e ? $"{e.Type}: {e.Reason}" : null;
        if (status is 400 or 413)
        {
            // Request validation fails the whole bulk for one invalid item (a negative external version), and 413
            // for its size: halves isolate the changes at fault and let every other change through.
            if (writes.Count == 1)
            {
                report.Reject(writes[0].Change, status.Value, refusal ?? $"HTTP {status}");
                return BulkSent.Nothing;
            }
            logger.LogWarning("Elasticsearch bulk: {Items} items refused whole (HTTP {Status}: {Refusal}); splitting it to find the items at fault",
                writes.Count, status, refusal);
            var half = writes.Count / 2;
            var first = await SendBulkAsync(writes.Take(half).ToList(), report, ct);
            var second = await SendBulkAsync(writes.Skip(half).ToList(), report, ct);
            return new BulkSent([.. first.Retry, .. second.Retry], first.Reason ?? second.Reason, first.InternalError || second.InternalError);
        }
        if (status != 200 || response.Items.Count != writes.Count)
            throw new ElasticsearchRequestException($"Elasticsearch bulk refused (HTTP {status}): " +
                (refusal ?? $"{response.Items.Count} answers for {writes.Count} items"));

        var items = response.Items.ToList();
        var retry = new List<ScoreChange>();
        var failed = 0;
        var internalError = false;
        for (var i = 0; i < writes.Count; i++)
        {
            var change = writes[i].Change;
            switch (BulkItemOutcomes.Classify(items[i]))
            {
                case BulkItemOutcome.Written when change.IsDelete: report.Deleted++; break;
                case BulkItemOutcome.Written: report.Indexed++; break;
                // A newer write landed between the lookup and the marker: look again and go above it.
                case BulkItemOutcome.AlreadyNewer when change.IsDelete: retry.Add(change); failed++; break;
                case BulkItemOutcome.AlreadyNewer: report.Stale++; break;
                case BulkItemOutcome.Retry: retry.Add(change); failed++; break;
                case BulkItemOutcome.RetryInternalError: retry.Add(change); failed++; internalError = true; break;
                case BulkItemOutcome.Rejected:
                    report.Reject(change, items[i].Status, $"{items[i].Error?.Type}: {items[i].Error?.Reason}" +
                        (items[i].Error?.CausedBy is { } cause ? $" (caused by {cause.Type}: {cause.Reason})" : ""));
                    break;
                default:
                    throw new ElasticsearchRequestException($"Elasticsearch refused member {change.MemberId} " +
                        $"(HTTP {items[i].Status}): {items[i].Error?.Type}: {items[i].Error?.Reason}");
            }
        }
        return new BulkSent(retry, failed > 0 ? $"{failed} items answered 409/429/5xx" : null, internalError);
    }

    /// <summary>The member's document as it stands: its version and whether it is a deletion marker (a realtime get).</summary>
    private async Task<StoredMember> LookUpAsync(long memberId, CancellationToken ct)
    {
        var response = await client.GetAsync<MemberScoresDocument>(
            new GetRequest(settings.Alias, memberId.ToString(CultureInfo.InvariantCulture)), ct);
        var status = response.ApiCallDetails.HttpStatusCode;
        if (status == 404 && response.ElasticsearchServerError is null) return new StoredMember(null, false);
        if (response.IsValidResponse && response.Found) return new StoredMember(response.Version, response.Source?.IsDeletionMarker == true);
        if (TransientFailure.IsRetryable(response) || status is 500)
            return new StoredMember(null, false, status is null ? "no answer" : $"HTTP {status}", status == 500);
        ScoreIndex.EnsureValid(response, $"reading member {memberId} to delete it");
        return new StoredMember(null, false);
    }

    /// <summary>What a get found: the version (null when there is no document), or why it could not tell.</summary>
    private sealed record StoredMember(long? Version, bool IsMarker, string? Failure = null, bool InternalError = false);

    /// <summary>What one bulk (or its halves) leaves to send again, why, and whether a 500 was among the reasons.</summary>
    private sealed record BulkSent(IReadOnlyList<ScoreChange> Retry, string? Reason, bool InternalError)
    {
        public static readonly BulkSent Nothing = new([], null, false);
    }

    /// <summary>The changes still to send after one attempt, why, and whether a 500 was among the reasons (counted across attempts).</summary>
    private sealed record BulkAttempt(IReadOnlyList<ScoreChange> Pending, string? Reason, bool InternalError = false)
    {
        public int InternalErrors { get; init; }
    }
}

/// <summary>What one <see cref="ScoreIndexWriter.WriteAsync"/> did: counts of items by outcome and of requests sent, and the rejected changes.</summary>
public sealed class WriteReport
{
    private readonly List<RejectedChange> rejected = [];

    public int Indexed { get; internal set; }
    public int Stale { get; internal set; }
    public int Deleted { get; internal set; }
    public int Requests { get; internal set; }
    public int ItemsResent { get; internal set; }

    /// <summary>Changes Elasticsearch refused for what they hold: not written, and retrying would not write them.</summary>
    public IReadOnlyList<RejectedChange> Rejected => rejected;

    internal void Reject(ScoreChange change, int status, string error) => rejected.Add(new RejectedChange(change, status, error));
}

/// <summary>A change Elasticsearch refused: the HTTP status of its item (or of its single-item bulk) and Elasticsearch's error.</summary>
public sealed record RejectedChange(ScoreChange Change, int Status, string Error)
{
    public override string ToString() => $"member {Change.MemberId}{(Change.IsDelete ? " (deletion marker)" : $" version {Change.Update!.Version}")}: HTTP {Status}, {Error}";
}
