using Confluent.Kafka;
using Insights.Contracts.Configuration;

namespace Insights.Contracts.Tests.Configuration;

public sealed class KafkaErrorLogTests
{
    private static LogMessage Log(SyslogLevel level, string text) => new("rdkafka#producer-1", level, "FAIL", text);

    [Fact]
    public void Explain_adds_the_latest_logged_error_without_the_thread_tag()
    {
        var log = new KafkaErrorLog();
        log.Record(null!, Log(SyslogLevel.Error, "[thrd:127.0.0.1:1/bootstrap]: 127.0.0.1:1/bootstrap: Connect failed: Connection refused"));
        log.Record(null!, Log(SyslogLevel.Error, "[thrd:sasl_ssl://b:9093/bootstrap]: sasl_ssl://b:9093/bootstrap: Disconnected (after 0ms in state SSL_HANDSHAKE)"));
        log.Record(null!, Log(SyslogLevel.Info, "[thrd:main]: something routine"));

        var line = log.Explain(new KafkaException(ErrorCode.Local_Transport));

        Assert.Equal("Local: Broker transport failure (sasl_ssl://b:9093/bootstrap: Disconnected (after 0ms in state SSL_HANDSHAKE))", line);
    }

    [Fact]
    public void Explain_is_the_reason_alone_when_nothing_was_logged() =>
        Assert.Equal("Local: Timed out", new KafkaErrorLog().Explain(new KafkaException(ErrorCode.Local_TimedOut)));
}
