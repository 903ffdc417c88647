using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Elastic.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace Insights.Sinks.Elasticsearch;

/// <summary>
/// Writes score changes to the score alias with bulk requests. Each member document carries the update's
/// <see cref="Contracts.Scores.ScoreUpdate.Version"/> as an external version, so a stale or repeated update
/// is refused by Elasticsearch itself (a 409 item, counted as acknowledged). Overload (429), unavailable
/// nodes (502-504) and connection failures (see <see cref="TransientFailure"/>) are retried without limit, with exponential backoff and jitter, resending only
/// the items not yet acknowledged; an item Elasticsearch rejects outright fails the write. Returns only when
/// every change is acknowledged, which is what lets the consumer commit offsets afterwards.
/// </summary>
public sealed class ScoreIndexWriter
{
    private readonly ElasticsearchClient _client;
    private readonly ElasticsearchSettings _settings;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<BulkAttempt> _retry;

    public ScoreIndexWriter(ElasticsearchClient client, ElasticsearchSettings settings, ILogger<ScoreIndexWriter>? logger = null)
    {
        _client = client;
        _settings = settings;
        _logger = logger ?? NullLogger<ScoreIndexWriter>.Instance;
        _retry = new ResiliencePipelineBuilder<BulkAttempt>()
            .AddRetry(new RetryStrategyOptions<BulkAttempt>
            {
                ShouldHandle = new PredicateBuilder<BulkAttempt>()
                    .Handle<Exception>(TransientFailure.IsRetryable)
                    .HandleResult(attempt => attempt.Pending.Count > 0),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(settings.RetryBaseDelayMs),
                MaxDelay = TimeSpan.FromMilliseconds(settings.RetryMaxDelayMs),
                // A sink that gives up loses scores; one that waits only delays them. Stop is by cancellation.
                MaxRetryAttempts = int.MaxValue,
                OnRetry = args =>
                {
                    var why = args.Outcome.Exception?.Message ?? args.Outcome.Result?.Reason ?? "unknown";
                    _logger.LogWarning("Elasticsearch bulk: retry {Attempt} in {Delay} ms for {Pending} items ({Reason})",
                        args.AttemptNumber + 1, (int)args.RetryDelay.TotalMilliseconds, args.Outcome.Result?.Pending.Count, why);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>Writes the changes (collapsed per member first) and returns once all are acknowledged.</summary>
    public async Task<WriteReport> WriteAsync(IEnumerable<ScoreChange> changes, CancellationToken ct)
    {
        var report = new WriteReport();
        var all = ScoreChange.Collapse(changes);
        foreach (var chunk in all.Chunk(_settings.BulkMaxDocuments))
        {
            var pending = (IReadOnlyList<ScoreChange>)chunk;
            var first = true;
            var last = await _retry.ExecuteAsync(async token =>
            {
                if (!first) report.ItemsResent += pending.Count;
                first = false;
                var attempt = await SendAsync(pending, report, token);
                pending = attempt.Pending;
                return attempt;
            }, ct);
            // Only cancellation ends the retries early, and that throws; this is a safeguard, not a path.
            if (last.Pending.Count > 0) throw new ElasticsearchRequestException($"Elasticsearch bulk: {last.Pending.Count} items unacknowledged ({last.Reason})");
        }
        return report;
    }

    private async Task<BulkAttempt> SendAsync(IReadOnlyList<ScoreChange> changes, WriteReport report, CancellationToken ct)
    {
        var request = new BulkRequest(_settings.Alias) { Operations = new BulkOperationsCollection() };
        foreach (var change in changes)
            request.Operations.Add(change.Update is { } update
                ? new BulkIndexOperation<MemberScoresDocument>(MemberScoresDocument.From(update))
                {
                    Id = change.MemberId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Version = update.Version,
                    VersionType = VersionType.External,
                }
                : new BulkDeleteOperation(change.MemberId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        report.Requests++;
        var response = await _client.BulkAsync(request, ct);
        var status = response.ApiCallDetails.HttpStatusCode;
        if (status != 200 && TransientFailure.IsRetryable(response))
        {
            var reason = status is null
                ? $"no answer: {response.ApiCallDetails.OriginalException?.Message ?? "connection failed"}"
                : $"HTTP {status}";
            return new BulkAttempt(changes, reason);
        }
        if (status != 200 || response.Items.Count != changes.Count)
            throw new ElasticsearchRequestException($"Elasticsearch bulk refused (HTTP {status}): " +
                (response.ElasticsearchServerError?.Error is { } e ? $"{e.Type}: {e.Reason}" : $"{response.Items.Count} answers for {changes.Count} items"));

        var retry = new List<ScoreChange>();
        var items = response.Items.ToList();
        for (var i = 0; i < changes.Count; i++)
        {
            var outcome = BulkItemOutcomes.Classify(items[i], changes[i].IsDelete);
            switch (outcome)
            {
                case BulkItemOutcome.Written when changes[i].IsDelete: report.Deleted++; break;
                case BulkItemOutcome.Written: report.Indexed++; break;
                case BulkItemOutcome.AlreadyNewer: report.Stale++; break;
                case BulkItemOutcome.AlreadyGone: report.Deleted++; break;
                case BulkItemOutcome.Retry: retry.Add(changes[i]); break;
                default:
                    throw new ElasticsearchRequestException($"Elasticsearch refused member {changes[i].MemberId} " +
                        $"(HTTP {items[i].Status}): {items[i].Error?.Type}: {items[i].Error?.Reason}");
            }
        }
        return new BulkAttempt(retry, retry.Count > 0 ? $"{retry.Count} items answered 429/5xx" : null);
    }

    /// <summary>The changes still to send after one bulk request, and why.</summary>
    private sealed record BulkAttempt(IReadOnlyList<ScoreChange> Pending, string? Reason);
}

/// <summary>What one <see cref="ScoreIndexWriter.WriteAsync"/> did: counts of items by outcome and of requests sent.</summary>
public sealed class WriteReport
{
    public int Indexed { get; internal set; }
    public int Stale { get; internal set; }
    public int Deleted { get; internal set; }
    public int Requests { get; internal set; }
    public int ItemsResent { get; internal set; }
}
