using Confluent.Kafka;

namespace Insights.Contracts.Configuration;

/// <summary>
/// Keeps the latest error librdkafka logged, as a client's log handler, so a terse failure such as "Local: Broker
/// transport failure" can be reported with its cause (a refused connection, a TLS handshake against a plaintext
/// listener, a failed SASL authentication) in the same one line, instead of a stream of log lines.
/// </summary>
public sealed class KafkaErrorLog
{
    private volatile string? last;

    public string? Last => last;

    public void Record(IClient client, LogMessage message)
    {
        if (message.Level > SyslogLevel.Error) return;
        // "[thrd:host:port/bootstrap]: host:port/bootstrap: Connect to ... failed: ..." : the thread tag says nothing to a user.
        var text = message.Message;
        last = text.StartsWith("[thrd:", StringComparison.Ordinal) && text.IndexOf("]: ", StringComparison.Ordinal) is var end and > 0
            ? text[(end + 3)..]
            : text;
    }

    /// <summary>The failure's reason, followed by the latest logged error when there is one.</summary>
    public string Explain(KafkaException failure) => last is { } cause ? $"{failure.Error.Reason} ({cause})" : failure.Error.Reason;
}
