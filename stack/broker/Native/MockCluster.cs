using System.Runtime.InteropServices;
using System.Text;

namespace Insights.Broker.Native;

/// <summary>
/// librdkafka's in-memory mock Kafka cluster, owned by a private producer handle. Everything lives in this
/// process's memory and is gone when it is destroyed. It keeps only the newest 5 MiB (or 100,000 batches)
/// per partition and drops older records without telling anyone: see the watermark watch.
/// </summary>
internal sealed unsafe class MockCluster : IDisposable
{
    private const int ProducerType = 0; // RD_KAFKA_PRODUCER
    private const int TopicAlreadyExists = 36; // RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS

    private readonly LoadedLibrdkafka lib;
    private nint handle;
    private nint cluster;

    public int BrokerCount { get; }

    /// <summary>Where each broker really listens, by broker id 1..N (the mock picks free ports at start).</summary>
    public IReadOnlyList<string> ListenerAddresses { get; }

    private MockCluster(LoadedLibrdkafka lib, nint handle, nint cluster, int brokerCount)
    {
        this.lib = lib;
        this.handle = handle;
        this.cluster = cluster;
        BrokerCount = brokerCount;
        var bootstraps = Marshal.PtrToStringUTF8((nint)lib.MockClusterBootstraps(cluster)) ?? "";
        // The mock lists its brokers in id order, one host:port each.
        ListenerAddresses = bootstraps.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ListenerAddresses.Count != brokerCount)
            throw new InvalidOperationException($"mock cluster reported bootstraps '{bootstraps}' for {brokerCount} brokers");
    }

    public static MockCluster Create(LoadedLibrdkafka lib, int brokerCount)
    {
        if (brokerCount < 1) throw new ArgumentOutOfRangeException(nameof(brokerCount), brokerCount, "--brokers must be at least 1");
        var conf = lib.ConfNew();
        // Only warnings and errors from the mock's own handle reach stderr.
        SetConf(lib, conf, "log_level", "4");
        SetConf(lib, conf, "client.id", "insights-broker-mock");
        var errstr = stackalloc byte[512];
        var handle = lib.New(ProducerType, conf, errstr, 512);
        if (handle == 0)
        {
            lib.ConfDestroy(conf); // rd_kafka_new takes ownership only on success
            throw new InvalidOperationException($"rd_kafka_new failed: {Marshal.PtrToStringUTF8((nint)errstr)}");
        }
        var cluster = lib.MockClusterNew(handle, brokerCount);
        if (cluster == 0)
        {
            lib.Destroy(handle);
            throw new InvalidOperationException($"rd_kafka_mock_cluster_new failed for {brokerCount} brokers");
        }
        return new MockCluster(lib, handle, cluster, brokerCount);
    }

    public void SetControllerId(int brokerId) => Check(lib.MockSetControllerId(cluster, brokerId), $"set controller {brokerId}");

    /// <summary>Kafka's group.initial.rebalance.delay.ms (3000 by default, as on a real broker).</summary>
    public void SetGroupInitialRebalanceDelay(int milliseconds) => lib.MockGroupInitialRebalanceDelayMs(cluster, milliseconds);

    public void CreateTopic(string name, int partitions, int replicationFactor)
    {
        var code = WithUtf8(name, p => lib.MockTopicCreate(cluster, p, partitions, replicationFactor));
        if (code == TopicAlreadyExists) throw new InvalidOperationException($"topic '{name}' is listed twice in the manifest");
        Check(code, $"create topic '{name}' with {partitions} partitions");
    }

    /// <summary>Changes the address a broker advertises in metadata; where it listens stays the same.</summary>
    public void Advertise(int brokerId, string host, int port) =>
        WithUtf8(host, p => { lib.MockBrokerSetHostPort(cluster, brokerId, p, port); return 0; });

    public void Dispose()
    {
        if (cluster != 0) { lib.MockClusterDestroy(cluster); cluster = 0; }
        if (handle != 0) { lib.Destroy(handle); handle = 0; }
    }

    private void Check(int code, string what)
    {
        if (code != 0) throw new InvalidOperationException($"mock cluster: {what}: {lib.ErrorText(code)}");
    }

    private static void SetConf(LoadedLibrdkafka lib, nint conf, string name, string value)
    {
        var errstr = stackalloc byte[512];
        var result = WithUtf8(name, n => WithUtf8(value, v => lib.ConfSet(conf, n, v, errstr, 512)));
        if (result != 0) throw new InvalidOperationException($"rd_kafka_conf_set {name}: {Marshal.PtrToStringUTF8((nint)errstr)}");
    }

    private delegate int Utf8Call(byte* text);

    private static int WithUtf8(string text, Utf8Call call)
    {
        var bytes = Encoding.UTF8.GetBytes(text + "\0");
        fixed (byte* p = bytes) return call(p);
    }
}
