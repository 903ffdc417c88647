using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Insights.Broker.Native;

/// <summary>
/// The librdkafka file Confluent.Kafka loaded into this process, and the C functions the mock cluster needs.
/// Calls must go into that very file: on Debian 12 Confluent.Kafka silently falls back from librdkafka.so
/// (missing libsasl2.so.3) to the bundled centos8-librdkafka.so, and a second, different copy would not
/// share its state.
/// </summary>
internal sealed unsafe class LoadedLibrdkafka
{
    public string Path { get; }

    // rd_kafka_conf_t *rd_kafka_conf_new(void)
    public readonly delegate* unmanaged<nint> ConfNew;
    // rd_kafka_conf_res_t rd_kafka_conf_set(conf, const char *name, const char *value, char *errstr, size_t errstr_size)
    public readonly delegate* unmanaged<nint, byte*, byte*, byte*, nuint, int> ConfSet;
    // void rd_kafka_conf_destroy(conf)
    public readonly delegate* unmanaged<nint, void> ConfDestroy;
    // rd_kafka_t *rd_kafka_new(rd_kafka_type_t type, conf, char *errstr, size_t errstr_size)
    public readonly delegate* unmanaged<int, nint, byte*, nuint, nint> New;
    // void rd_kafka_destroy(rd_kafka_t *rk)
    public readonly delegate* unmanaged<nint, void> Destroy;
    // rd_kafka_mock_cluster_t *rd_kafka_mock_cluster_new(rd_kafka_t *rk, int broker_cnt)
    public readonly delegate* unmanaged<nint, int, nint> MockClusterNew;
    // void rd_kafka_mock_cluster_destroy(mcluster)
    public readonly delegate* unmanaged<nint, void> MockClusterDestroy;
    // const char *rd_kafka_mock_cluster_bootstraps(mcluster)
    public readonly delegate* unmanaged<nint, byte*> MockClusterBootstraps;
    // rd_kafka_resp_err_t rd_kafka_mock_topic_create(mcluster, const char *topic, int partition_cnt, int replication_factor)
    public readonly delegate* unmanaged<nint, byte*, int, int, int> MockTopicCreate;
    // rd_kafka_resp_err_t rd_kafka_mock_set_controller_id(mcluster, int32_t broker_id)
    public readonly delegate* unmanaged<nint, int, int> MockSetControllerId;
    // void rd_kafka_mock_broker_set_host_port(mcluster, int32_t broker_id, const char *host, int port)
    public readonly delegate* unmanaged<nint, int, byte*, int, void> MockBrokerSetHostPort;
    // void rd_kafka_mock_group_initial_rebalance_delay_ms(mcluster, int32_t delay_ms)
    public readonly delegate* unmanaged<nint, int, void> MockGroupInitialRebalanceDelayMs;
    // const char *rd_kafka_err2str(rd_kafka_resp_err_t err)
    public readonly delegate* unmanaged<int, byte*> Err2Str;

    private LoadedLibrdkafka(string path, nint handle)
    {
        Path = path;
        ConfNew = (delegate* unmanaged<nint>)Export(handle, "rd_kafka_conf_new");
        ConfSet = (delegate* unmanaged<nint, byte*, byte*, byte*, nuint, int>)Export(handle, "rd_kafka_conf_set");
        ConfDestroy = (delegate* unmanaged<nint, void>)Export(handle, "rd_kafka_conf_destroy");
        New = (delegate* unmanaged<int, nint, byte*, nuint, nint>)Export(handle, "rd_kafka_new");
        Destroy = (delegate* unmanaged<nint, void>)Export(handle, "rd_kafka_destroy");
        MockClusterNew = (delegate* unmanaged<nint, int, nint>)Export(handle, "rd_kafka_mock_cluster_new");
        MockClusterDestroy = (delegate* unmanaged<nint, void>)Export(handle, "rd_kafka_mock_cluster_destroy");
        MockClusterBootstraps = (delegate* unmanaged<nint, byte*>)Export(handle, "rd_kafka_mock_cluster_bootstraps");
        MockTopicCreate = (delegate* unmanaged<nint, byte*, int, int, int>)Export(handle, "rd_kafka_mock_topic_create");
        MockSetControllerId = (delegate* unmanaged<nint, int, int>)Export(handle, "rd_kafka_mock_set_controller_id");
        MockBrokerSetHostPort = (delegate* unmanaged<nint, int, byte*, int, void>)Export(handle, "rd_kafka_mock_broker_set_host_port");
        MockGroupInitialRebalanceDelayMs = (delegate* unmanaged<nint, int, void>)Export(handle, "rd_kafka_mock_group_initial_rebalance_delay_ms");
        Err2Str = (delegate* unmanaged<int, byte*>)Export(handle, "rd_kafka_err2str");
    }

    /// <summary>Makes Confluent.Kafka load its native library, then binds to the file it mapped.</summary>
    public static LoadedLibrdkafka Bind()
    {
        _ = Confluent.Kafka.Library.Version; // forces Confluent.Kafka to pick and load its native library
        var path = FindMappedFile()
            ?? throw new InvalidOperationException(
                "Confluent.Kafka reports librdkafka loaded, but no librdkafka file is mapped into this process");
        // dlopen of a file already mapped returns the same handle: same globals, same mock cluster code.
        return new LoadedLibrdkafka(path, NativeLibrary.Load(path));
    }

    private static string? FindMappedFile()
    {
        using var self = Process.GetCurrentProcess();
        foreach (ProcessModule module in self.Modules)
            if (System.IO.Path.GetFileName(module.FileName).Contains("librdkafka", StringComparison.OrdinalIgnoreCase))
                return module.FileName;
        return null;
    }

    private static nint Export(nint handle, string name) =>
        NativeLibrary.TryGetExport(handle, name, out var address)
            ? address
            : throw new EntryPointNotFoundException($"librdkafka has no export {name} (is it built with the mock cluster?)");

    public string ErrorText(int code) => Marshal.PtrToStringUTF8((nint)Err2Str(code)) ?? $"error {code}";
}
