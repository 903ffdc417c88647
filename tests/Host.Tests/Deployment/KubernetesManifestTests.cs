using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using Insights.Api;
using Insights.Contracts.Cinema;
using Insights.Contracts.Configuration;
using Insights.Contracts.Topics;
using Insights.Fixtures;
using Insights.Host.Configuration;
using Insights.Processors.Hosting;
using Insights.Sinks.Elasticsearch;
using Insights.Sinks.Snapshots;
using Insights.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Insights.Host.Tests.Deployment;

/// <summary>
/// No cluster runs here, so deploy/k8s is checked for structure: every reference in it (commands, images,
/// secret and config keys, ports, topics, partitions) must point at something that exists in the repository.
/// </summary>
public sealed partial class KubernetesManifestTests
{
    private static readonly string Folder = Path.Combine(RepositoryPaths.Root, "deploy", "k8s");
    private const string Namespace = "insights";
    private const string SecretTemplate = "secret.template.yaml";


    // Every configuration section the program binds, and the settings record it binds into.
    private static readonly Dictionary<string, Type> Sections = new(StringComparer.OrdinalIgnoreCase)
    {
        [KafkaSettings.Section] = typeof(KafkaSettings),
        [WorkerSettings.Section] = typeof(WorkerSettings),
        [ElasticsearchSettings.Section] = typeof(ElasticsearchSettings),
        [SnapshotSettings.Section] = typeof(SnapshotSettings),
        [S3EndpointCheck.Section] = typeof(S3Endpoint),
        [Insights.Host.Observability.ObservabilitySettings.Section] = typeof(Insights.Host.Observability.ObservabilitySettings),
        [ApiSettings.Section] = typeof(ApiSettings),
    };

    [Fact]
    public void Every_manifest_parses_into_named_objects_of_the_insights_namespace()
    {
        var files = ManifestFiles();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var objects = LoadFile(file);
            Assert.True(objects.Count > 0, $"{Path.GetFileName(file)} holds no object");
            foreach (var o in objects)
            {
                Assert.False(string.IsNullOrEmpty(Text(o.Node, "apiVersion")), $"{o}: no apiVersion");
                Assert.False(string.IsNullOrEmpty(o.Name), $"{o}: no metadata.name");
                if (o.Kind == "Namespace") Assert.Equal(Namespace, o.Name);
                else Assert.Equal(Namespace, Text(o.Node, "metadata", "namespace"));
            }
        }
    }

    [Fact]
    public void Kustomization_applies_every_manifest_except_the_secret_template()
    {
        var kustomization = LoadFile(Path.Combine(Folder, "kustomization.yaml")).Single().Node;
        Assert.Equal(Namespace, Text(kustomization, "namespace"));
        var resources = Seq(kustomization, "resources").Cast<string>().ToHashSet();
        var expected = ManifestFiles().Select(Path.GetFileName).Where(f => f != SecretTemplate).ToHashSet();
        Assert.Equal(expected.Order(), resources.Order());
        // Applying the template would replace the real credentials with empty strings.
        Assert.DoesNotContain(SecretTemplate, resources);
        Assert.True(File.Exists(Path.Combine(Folder, SecretTemplate)), $"{SecretTemplate} missing");
    }

    [Fact]
    public async Task Kustomize_renders_every_applied_object_when_kubectl_is_installed()
    {
        var kubectl = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "kubectl")).FirstOrDefault(File.Exists);
        if (kubectl is null) Assert.Skip("kubectl is not installed: the kustomization is checked structurally only");
        var run = await CommandResult.RunAsync(new ProcessStartInfo(kubectl, ["kustomize", Folder]), TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.True(run.Succeeded, $"kubectl kustomize failed: {run.Error}");
        var rendered = LoadText(run.Output, "kustomize output");
        var expected = LoadAll().Where(o => o.File != SecretTemplate).Select(o => $"{o.Kind}/{o.Name}").Order();
        Assert.Equal(expected, rendered.Select(o => $"{o.Kind}/{o.Name}").Order());
        foreach (var o in rendered)
            Assert.Equal("insights", Text(o.Node, "metadata", "labels", "app.kubernetes.io/part-of"));
    }

    [Fact]
    public void Deploys_two_workers_a_sink_and_the_api()
    {
        var objects = LoadAll();
        Assert.Equal(2, Int(Deployment(objects, "worker").Node, "spec", "replicas"));
        Assert.Equal(1, Int(Deployment(objects, "sink").Node, "spec", "replicas"));
        Assert.True(Int(Deployment(objects, "api").Node, "spec", "replicas") >= 1);
        Assert.Contains(objects, o => o.Kind == "Namespace");
        Assert.Contains(objects, o => o.Kind == "Job");
    }

    [Fact]
    public void Runs_every_container_from_one_pinned_insights_image_through_its_entrypoint()
    {
        var containers = Containers(LoadAll()).ToList();
        Assert.NotEmpty(containers);
        foreach (var (owner, container) in containers)
        {
            var image = Text(container, "image");
            Assert.Matches(@"^(?:[\w.\-:]+/)*insights:[\w][\w.\-]*$", image);
            Assert.DoesNotContain(":latest", image);
            // `command` would replace the image's ENTRYPOINT (dotnet /app/insights.dll); the role goes in `args`.
            Assert.False(container.ContainsKey("command"), $"{owner}: overrides the image's entrypoint");
        }
        Assert.Single(containers.Select(c => Text(c.Container, "image")).Distinct());
    }

    [Fact]
    public void Runs_only_insights_commands_that_exist()
    {
        foreach (var (owner, container) in Containers(LoadAll()))
        {
            var args = Seq(container, "args").Cast<string>().Select(a => VariableReference().Replace(a, "value-of-$1")).ToArray();
            Assert.NotEmpty(args);
            var result = InsightsCommands.Root().Parse(args);
            Assert.True(result.Errors.Count == 0, $"{owner}: `insights {string.Join(' ', args)}` does not parse: {result.Errors.FirstOrDefault()?.Message}");
        }
    }

    [Fact]
    public void Expands_in_arguments_only_variables_the_container_defines()
    {
        var objects = LoadAll();
        foreach (var (owner, container) in Containers(objects))
            foreach (var arg in Seq(container, "args").Cast<string>())
                foreach (Match reference in VariableReference().Matches(arg))
                    Assert.True(EnvironmentNames(objects, container).Contains(reference.Groups[1].Value),
                        $"{owner}: argument {arg} uses $({reference.Groups[1].Value}), which the container does not define");
    }

    [Fact]
    public void Creates_the_topics_of_the_manifest_the_image_carries_once()
    {
        var job = LoadAll().Single(o => o.Kind == "Job");
        var pod = Map(job.Node, "spec", "template", "spec");
        Assert.Contains(Text(pod, "restartPolicy"), new[] { "OnFailure", "Never" });
        var args = Seq(Seq(pod, "containers").Cast<Dictionary<object, object>>().Single(), "args").Cast<string>().ToList();
        Assert.Equal(new[] { "topics", "create" }, args.Take(2));
        Assert.Equal("/app/topics.json", args[args.IndexOf("--manifest") + 1]);
        Assert.Contains("COPY stack/topics.json ./topics.json", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Dockerfile")));
    }

    [Fact]
    public void Scales_the_workers_on_the_ticket_lag_of_their_consumer_group()
    {
        var objects = LoadAll();
        var config = ConfigMapData(objects);
        var worker = Deployment(objects, "worker");
        var scaled = objects.Single(o => o.Kind == "ScaledObject");
        Assert.Equal(worker.Name, Text(scaled.Node, "spec", "scaleTargetRef", "name"));
        Assert.Equal(1, Int(scaled.Node, "spec", "minReplicaCount"));
        var trigger = Seq(scaled.Node, "spec", "triggers").Cast<Dictionary<object, object>>().Single();
        Assert.Equal("kafka", Text(trigger, "type"));
        var metadata = Map(trigger, "metadata");
        Assert.Equal(config.GetValueOrDefault("Processors__ApplicationId", new WorkerSettings().ApplicationId), Text(metadata, "consumerGroup"));
        Assert.Equal(CinemaTables.Topic(CinemaTables.Tickets, config.GetValueOrDefault("Processors__TopicPrefix", CinemaTables.DefaultTopicPrefix)),
            Text(metadata, "topic"));
        Assert.True(long.Parse(Text(metadata, "lagThreshold")) > 0, "lagThreshold must be a positive number");
        var bootstrapVariable = Text(metadata, "bootstrapServersFromEnv");
        var (_, workerContainer) = Containers([worker]).Single();
        Assert.Contains(bootstrapVariable, EnvironmentNames(objects, workerContainer));
    }

    [Fact]
    public void Never_scales_workers_beyond_the_partitions_they_consume()
    {
        var objects = LoadAll();
        var config = ConfigMapData(objects);
        var manifest = TopicManifest.Load(Path.Combine(RepositoryPaths.Root, "stack", "topics.json")).Topics.ToDictionary(t => t.Name, t => t.Partitions);
        var scaled = objects.Single(o => o.Kind == "ScaledObject");
        var max = Int(scaled.Node, "spec", "maxReplicaCount");
        var topic = Text(Map(Seq(scaled.Node, "spec", "triggers").Cast<Dictionary<object, object>>().Single(), "metadata"), "topic");
        Assert.True(manifest.TryGetValue(topic, out var partitions), $"the scaler's topic {topic} is not in stack/topics.json");
        Assert.True(max <= partitions, $"maxReplicaCount {max} exceeds the {partitions} partitions of {topic}");
        // The member-keyed internal topics are where the scale-out happens: their partitions bound it too.
        var applicationId = config.GetValueOrDefault("Processors__ApplicationId", new WorkerSettings().ApplicationId);
        var internalTopics = manifest.Where(t => t.Key.StartsWith(applicationId + "-", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(internalTopics);
        foreach (var (name, count) in internalTopics)
            Assert.True(max <= count, $"maxReplicaCount {max} exceeds the {count} partitions of {name}");
        Assert.Equal(partitions.ToString(), config.GetValueOrDefault("Processors__Partitions", new WorkerSettings().Partitions.ToString()));
        Assert.True(max >= Int(Deployment(objects, "worker").Node, "spec", "replicas"), "maxReplicaCount below the starting replicas");
    }

    [Fact]
    public void Authenticates_the_scaler_with_the_workers_own_kafka_credentials_and_mechanism()
    {
        var objects = LoadAll();
        var config = ConfigMapData(objects);
        var scaled = objects.Single(o => o.Kind == "ScaledObject");
        var trigger = Seq(scaled.Node, "spec", "triggers").Cast<Dictionary<object, object>>().Single();
        var authName = Text(trigger, "authenticationRef", "name");
        var auth = objects.SingleOrDefault(o => o.Kind == "TriggerAuthentication" && o.Name == authName);
        Assert.True(auth is not null, $"TriggerAuthentication {authName} missing");
        var refs = Seq(auth!.Node, "spec", "secretTargetRef").Cast<Dictionary<object, object>>()
            .ToDictionary(r => Text(r, "parameter"), r => (Secret: Text(r, "name"), Key: Text(r, "key")));
        var secret = SecretData(objects);
        var secretName = SecretObject(objects).Name;
        foreach (var (parameter, (name, key)) in refs)
        {
            Assert.Equal(secretName, name);
            Assert.True(secret.ContainsKey(key), $"TriggerAuthentication parameter {parameter} reads key {key}, which the Secret does not have");
        }
        var workerEnv = SecretEnvironment(Containers([Deployment(objects, "worker")]).Single().Container);
        Assert.Equal(workerEnv["Kafka__SaslUsername"], refs["username"].Key);
        Assert.Equal(workerEnv["Kafka__SaslPassword"], refs["password"].Key);

        var metadata = Map(trigger, "metadata");
        var mechanism = config.GetValueOrDefault("Kafka__SaslMechanism");
        var expectedSasl = mechanism switch
        {
            null => null,
            "ScramSha512" => "scram_sha512",
            "ScramSha256" => "scram_sha256",
            "Plain" => "plaintext",
            _ => throw new InvalidOperationException($"Kafka__SaslMechanism {mechanism} has no KEDA equivalent"),
        };
        Assert.Equal(expectedSasl, metadata.GetValueOrDefault("sasl") as string);
        var tls = config.GetValueOrDefault("Kafka__SecurityProtocol") is "Ssl" or "SaslSsl";
        Assert.Equal(tls ? "enable" : null, metadata.GetValueOrDefault("tls") as string);
    }

    [Fact]
    public void References_only_secret_and_config_keys_that_exist()
    {
        var objects = LoadAll();
        var config = ConfigMapData(objects);
        var secret = SecretData(objects);
        var configName = objects.Single(o => o.Kind == "ConfigMap").Name;
        var secretName = SecretObject(objects).Name;
        foreach (var (owner, container) in Containers(objects))
        {
            foreach (var source in Seq(container, "envFrom").Cast<Dictionary<object, object>>())
            {
                if (source.ContainsKey("configMapRef")) Assert.Equal(configName, Text(source, "configMapRef", "name"));
                if (source.ContainsKey("secretRef")) Assert.Equal(secretName, Text(source, "secretRef", "name"));
            }
            foreach (var variable in Seq(container, "env").Cast<Dictionary<object, object>>())
            {
                if (variable.GetValueOrDefault("valueFrom") is not Dictionary<object, object> from) continue;
                if (from.GetValueOrDefault("secretKeyRef") is Dictionary<object, object> s)
                {
                    Assert.Equal(secretName, Text(s, "name"));
                    Assert.True(secret.ContainsKey(Text(s, "key")), $"{owner}: {Text(variable, "name")} reads missing Secret key {Text(s, "key")}");
                }
                if (from.GetValueOrDefault("configMapKeyRef") is Dictionary<object, object> c)
                {
                    Assert.Equal(configName, Text(c, "name"));
                    Assert.True(config.ContainsKey(Text(c, "key")), $"{owner}: {Text(variable, "name")} reads missing ConfigMap key {Text(c, "key")}");
                }
            }
        }
    }

    [Fact]
    public void Denies_all_traffic_but_the_data_flow_each_role_reaching_only_the_ports_its_settings_name()
    {
        var objects = LoadAll();
        var policies = objects.Where(o => o.Kind == "NetworkPolicy").ToList();
        Assert.Contains(policies, p => Map(p.Node, "spec", "podSelector").Count == 0
            && Seq(p.Node, "spec", "policyTypes").Cast<string>().Order().SequenceEqual(["Egress", "Ingress"])
            && At(p.Node, "spec", "ingress") is null && At(p.Node, "spec", "egress") is null);

        var config = ConfigMapData(objects);
        var kafka = int.Parse(config["Kafka__BootstrapServers"].Split(',')[0].Split(':')[^1]);
        var elasticsearch = new Uri(config["Elasticsearch__Url"]).Port;
        // S3 (an empty ServiceUrl is AWS itself) and the OpenID Connect provider are https.
        var s3 = config["S3__ServiceUrl"] is { Length: > 0 } url ? new Uri(url).Port : 443;
        var expected = new Dictionary<string, int[]>
        {
            ["worker"] = [kafka], ["sink"] = [kafka, elasticsearch, s3], ["api"] = [kafka, elasticsearch, 443], ["topics"] = [kafka],
        };
        foreach (var workload in Workloads(objects))
        {
            var component = Text(workload.Node, "spec", "template", "metadata", "labels", "app.kubernetes.io/component");
            var selecting = policies.Where(p => Selects(Map(p.Node, "spec", "podSelector") is { Count: 0 } ? [] : Map(p.Node, "spec", "podSelector", "matchLabels"), workload)).ToList();
            var egress = selecting.SelectMany(p => Seq(p.Node, "spec", "egress").Cast<Dictionary<object, object>>()).ToList();
            Assert.All(egress, rule => Assert.NotEmpty(Seq(rule, "ports")));
            // DNS to kube-system, and the ports of the services the role's settings point at, nothing else.
            var ports = egress.SelectMany(rule => Seq(rule, "ports").Cast<Dictionary<object, object>>().Select(port => Int(port, "port"))).ToHashSet();
            Assert.Equal(expected[component].Append(53).ToHashSet().Order(), ports.Order());

            var ingress = selecting.SelectMany(p => Seq(p.Node, "spec", "ingress").Cast<Dictionary<object, object>>()).ToList();
            var containerPorts = Seq(workload.Node, "spec", "template", "spec", "containers").Cast<Dictionary<object, object>>()
                .SelectMany(c => Seq(c, "ports").Cast<Dictionary<object, object>>()).ToDictionary(p => Text(p, "name"), p => Int(p, "containerPort"));
            var fromAnywhere = ingress.Where(rule => At(rule, "from") is null).SelectMany(rule => Seq(rule, "ports").Cast<Dictionary<object, object>>()).Select(p => Int(p, "port"));
            var fromMonitoring = ingress.Where(rule => At(rule, "from") is not null).SelectMany(rule => Seq(rule, "ports").Cast<Dictionary<object, object>>()).Select(p => Int(p, "port"));
            // Only the API's own port is open to callers; Prometheus reaches the ops ports, nothing else comes in.
            Assert.Equal(component == "api" ? [containerPorts["http"]] : [], fromAnywhere.ToArray());
            Assert.Equal(containerPorts.TryGetValue("ops", out var ops) ? [ops] : [], fromMonitoring.ToArray());
        }
    }

    [Fact]
    public void Gives_the_api_an_elasticsearch_key_of_its_own_and_no_kafka_or_object_store_secret_it_does_not_use()
    {
        var objects = LoadAll();
        var api = SecretEnvironment(Containers([Deployment(objects, "api")]).Single().Container);
        var sink = SecretEnvironment(Containers([Deployment(objects, "sink")]).Single().Container);

        // The sink's key may manage the index; the API's, a separate one, may only read it (docs/operations.md).
        Assert.NotEqual(sink["Elasticsearch__ApiKey"], api["Elasticsearch__ApiKey"]);
        Assert.DoesNotContain(api.Keys, name => name.StartsWith("S3__", StringComparison.Ordinal) || name.StartsWith("AWS_", StringComparison.Ordinal));
        var guide = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "operations.md"));
        Assert.Contains("\"insights-api\", \"role_descriptors\": {\"insights-api\": {\n  \"indices\": [{\"names\": [\"insights-scores*\"], \"privileges\": [\"read\"]}]}}}", guide);
    }

    [Fact]
    public void Keeps_no_values_in_the_secret_template()
    {
        var secret = SecretObject(LoadAll());
        Assert.Equal(SecretTemplate, secret.File);
        Assert.False(secret.Node.ContainsKey("data") && Map(secret.Node, "data").Count > 0, "the template must use empty stringData, not data");
        var values = SecretData([secret]);
        Assert.NotEmpty(values);
        foreach (var (key, value) in values)
            Assert.True(value.Length == 0 || Regex.IsMatch(value, "^<[^<>]+>$"), $"Secret key {key} carries a value");
    }

    [Fact]
    public void Sets_only_settings_the_program_reads()
    {
        var objects = LoadAll();
        var names = ConfigMapData(objects).Keys.ToList();
        foreach (var (_, container) in Containers(objects))
            names.AddRange(Seq(container, "env").Cast<Dictionary<object, object>>().Select(v => Text(v, "name")).Where(n => n.Contains("__")));
        foreach (var name in names.Distinct())
        {
            var parts = name.Split("__");
            Assert.True(parts.Length >= 2, $"{name} is not Section__Key");
            Assert.True(Sections.TryGetValue(parts[0], out var type), $"{name}: no configuration section {parts[0]}");
            // Nested settings (Api__Auth__Keys__<client>__Hash): each part a property, or any key of a dictionary.
            for (var i = 1; i < parts.Length; i++)
            {
                if (type!.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>)) { type = type.GetGenericArguments()[1]; continue; }
                var property = type.GetProperty(parts[i], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
                Assert.True(property is { CanWrite: true }, $"{name}: {type.Name} has no setting {parts[i]}");
                type = property!.PropertyType;
            }
        }
    }

    [Fact]
    public void Binds_the_config_map_into_settings_every_role_accepts()
    {
        var objects = LoadAll();
        var data = ConfigMapData(objects);
        var values = data.ToDictionary(kv => kv.Key.Replace("__", ":"), kv => (string?)kv.Value);
        values["Kafka:SaslUsername"] = "placeholder-user";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();

        Assert.NotNull(configuration.KafkaSettings().SaslMechanism);
        Assert.Null(configuration.Bind<ElasticsearchSettings>(ElasticsearchSettings.Section).Problem());
        Assert.Null(configuration.Bind<SnapshotSettings>(SnapshotSettings.Section).Problem());
        Assert.Null(configuration.Bind<S3Endpoint>(S3EndpointCheck.Section).Problem());

        // The model file is the one the image copies from models/ (Dockerfile: COPY models/ ./models/).
        var worker = configuration.Bind<WorkerSettings>(WorkerSettings.Section);
        Assert.StartsWith("/app/models/", worker.ModelPath);
        var modelInRepository = Path.Combine(RepositoryPaths.Root, "models", worker.ModelPath["/app/models/".Length..]);
        Assert.Null((worker with { ModelPath = modelInRepository }).Problem());

        // RocksDB state must land on a writable volume, not on the read-only root filesystem.
        var workerContainer = Containers([Deployment(objects, "worker")]).Single().Container;
        Assert.Contains(Seq(workerContainer, "volumeMounts").Cast<Dictionary<object, object>>(),
            m => worker.StateDir.StartsWith(Text(m, "mountPath").TrimEnd('/') + "/", StringComparison.Ordinal) || worker.StateDir == Text(m, "mountPath"));
    }

    [Fact]
    public void Probes_readiness_and_liveness_on_a_named_port_of_the_container()
    {
        foreach (var (owner, container) in Containers(LoadAll().Where(o => o.Kind == "Deployment")))
        {
            var ports = Seq(container, "ports").Cast<Dictionary<object, object>>().Select(p => p.GetValueOrDefault("name") as string).ToHashSet();
            foreach (var (probe, path) in new[] { ("readinessProbe", "/readyz"), ("livenessProbe", "/healthz") })
            {
                Assert.True(container.ContainsKey(probe), $"{owner}: no {probe}");
                Assert.Equal(path, Text(container, probe, "httpGet", "path"));
                var port = Map(container, probe, "httpGet")["port"];
                Assert.True(port is string name && !int.TryParse(name, out _), $"{owner}: {probe} uses port {port}, not a named port");
                Assert.Contains((string)port, ports);
            }
        }
    }

    [Fact]
    public void Lets_prometheus_scrape_metrics_from_a_declared_port()
    {
        foreach (var deployment in LoadAll().Where(o => o.Kind == "Deployment"))
        {
            var annotations = Map(deployment.Node, "spec", "template", "metadata", "annotations");
            Assert.Equal("true", annotations["prometheus.io/scrape"]);
            Assert.Equal("/metrics", annotations["prometheus.io/path"]);
            var container = Containers([deployment]).Single().Container;
            var ports = Seq(container, "ports").Cast<Dictionary<object, object>>().Select(p => Text(p, "containerPort"));
            Assert.Contains((string)annotations["prometheus.io/port"], ports);
        }
    }

    [Fact]
    public void Runs_every_pod_as_non_root_with_a_read_only_root_filesystem()
    {
        foreach (var workload in Workloads(LoadAll()))
        {
            var pod = Map(workload.Node, "spec", "template", "spec");
            Assert.Equal("true", Text(pod, "securityContext", "runAsNonRoot"));
            // The image's user is a name (`app`); the kubelet can only verify non-root for a numeric user.
            Assert.True(Int(pod, "securityContext", "runAsUser") > 0, $"{workload}: runAsUser must be a non-zero uid");
            Assert.Equal("RuntimeDefault", Text(pod, "securityContext", "seccompProfile", "type"));
            var emptyDirs = Seq(pod, "volumes").Cast<Dictionary<object, object>>().Where(v => v.ContainsKey("emptyDir")).Select(v => Text(v, "name")).ToHashSet();
            foreach (var container in Seq(pod, "containers").Cast<Dictionary<object, object>>())
            {
                Assert.Equal("true", Text(container, "securityContext", "readOnlyRootFilesystem"));
                Assert.Equal("false", Text(container, "securityContext", "allowPrivilegeEscalation"));
                Assert.Contains("ALL", Seq(container, "securityContext", "capabilities", "drop").Cast<string>());
                var mounts = Seq(container, "volumeMounts").Cast<Dictionary<object, object>>().ToList();
                Assert.Contains(mounts, m => Text(m, "mountPath") == "/tmp");
                foreach (var mount in mounts)
                    Assert.True(emptyDirs.Contains(Text(mount, "name")), $"{workload}: {Text(mount, "mountPath")} is not backed by an emptyDir");
            }
        }
    }

    [Fact]
    public void Gives_each_role_longer_to_stop_than_the_host_takes_to_shut_down()
    {
        using var services = InsightsHost.CreateBuilder("worker").Services.BuildServiceProvider();
        var shutdown = services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
        shutdown = TimeSpan.FromTicks(Math.Max(shutdown.Ticks, new HostOptions().ShutdownTimeout.Ticks));
        foreach (var deployment in LoadAll().Where(o => o.Kind == "Deployment"))
        {
            var grace = Int(deployment.Node, "spec", "template", "spec", "terminationGracePeriodSeconds");
            Assert.True(grace > shutdown.TotalSeconds, $"{deployment}: {grace} s grace is not above the host's {shutdown.TotalSeconds} s shutdown timeout");
        }
    }

    [Fact]
    public void Requests_cpu_and_memory_and_caps_memory_for_every_container()
    {
        foreach (var (owner, container) in Containers(LoadAll()))
        {
            Assert.False(string.IsNullOrEmpty(Text(container, "resources", "requests", "cpu")), $"{owner}: no cpu request");
            Assert.False(string.IsNullOrEmpty(Text(container, "resources", "requests", "memory")), $"{owner}: no memory request");
            Assert.False(string.IsNullOrEmpty(Text(container, "resources", "limits", "memory")), $"{owner}: no memory limit");
        }
    }

    [Fact]
    public void Keeps_workers_in_a_disruption_budget_and_routes_the_api_service_to_the_api_pods()
    {
        var objects = LoadAll();
        var budget = objects.Single(o => o.Kind == "PodDisruptionBudget");
        Assert.True(Selects(Map(budget.Node, "spec", "selector", "matchLabels"), Deployment(objects, "worker")), "the budget does not select the worker pods");
        Assert.Equal(1, Int(budget.Node, "spec", "maxUnavailable"));

        var service = objects.Single(o => o.Kind == "Service");
        var selector = Map(service.Node, "spec", "selector");
        foreach (var deployment in objects.Where(o => o.Kind == "Deployment"))
            Assert.Equal(deployment == Deployment(objects, "api"), Selects(selector, deployment));
        var apiPorts = Seq(Containers([Deployment(objects, "api")]).Single().Container, "ports").Cast<Dictionary<object, object>>().Select(p => Text(p, "name"));
        foreach (var port in Seq(service.Node, "spec", "ports").Cast<Dictionary<object, object>>())
            Assert.Contains(Text(port, "targetPort"), apiPorts);
    }

    [Fact]
    public void Takes_s3_credentials_from_the_service_account_never_from_settings()
    {
        var objects = LoadAll();
        var forbidden = new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "S3__AccessKey", "S3__SecretKey" };
        foreach (var (owner, container) in Containers(objects))
            foreach (var name in EnvironmentNames(objects, container).Concat(SecretData(objects).Keys))
                Assert.DoesNotContain(name, forbidden);
        var sink = Deployment(objects, "sink");
        var account = Text(sink.Node, "spec", "template", "spec", "serviceAccountName");
        var serviceAccount = objects.SingleOrDefault(o => o.Kind == "ServiceAccount" && o.Name == account);
        Assert.True(serviceAccount is not null, $"the sink's service account {account} is not defined");
        Assert.Matches(@"^arn:aws:iam::\d{12}:role/.+", Text(serviceAccount!.Node, "metadata", "annotations", "eks.amazonaws.com/role-arn"));
        foreach (var workload in Workloads(objects))
        {
            var name = Text(workload.Node, "spec", "template", "spec", "serviceAccountName");
            Assert.Contains(objects, o => o.Kind == "ServiceAccount" && o.Name == name);
        }
    }

    // ---- loading and walking the manifests ----

    private sealed record KubeObject(string File, Dictionary<object, object> Node)
    {
        public string Kind => Text(Node, "kind");
        public string Name => Text(Node, "metadata", "name");
        public override string ToString() => $"{Kind}/{Name} ({File})";
    }

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex VariableReference();

    private static string[] ManifestFiles() =>
        Directory.GetFiles(Folder, "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml").Order(StringComparer.Ordinal).ToArray();

    private static List<KubeObject> LoadAll() => ManifestFiles().SelectMany(LoadFile).ToList();

    private static List<KubeObject> LoadFile(string path) => LoadText(File.ReadAllText(path), Path.GetFileName(path));

    private static List<KubeObject> LoadText(string yaml, string source)
    {
        var deserializer = new DeserializerBuilder().Build();
        var parser = new Parser(new StringReader(yaml));
        parser.Consume<StreamStart>();
        var objects = new List<KubeObject>();
        while (parser.Accept<DocumentStart>(out _))
            if (deserializer.Deserialize<Dictionary<object, object>?>(parser) is { } node)
                objects.Add(new KubeObject(source, node));
        return objects;
    }

    private static KubeObject Deployment(List<KubeObject> objects, string component) =>
        objects.SingleOrDefault(o => o.Kind == "Deployment" && Text(o.Node, "metadata", "labels", "app.kubernetes.io/component") == component)
        ?? throw new InvalidOperationException($"no Deployment with component {component}");

    private static IEnumerable<KubeObject> Workloads(IEnumerable<KubeObject> objects) => objects.Where(o => o.Kind is "Deployment" or "Job");

    private static IEnumerable<(string Owner, Dictionary<object, object> Container)> Containers(IEnumerable<KubeObject> objects) =>
        Workloads(objects).SelectMany(w => Seq(w.Node, "spec", "template", "spec", "containers").Cast<Dictionary<object, object>>()
            .Select(c => ($"{w}/{Text(c, "name")}", c)));

    private static bool Selects(Dictionary<object, object> selector, KubeObject workload)
    {
        var labels = Map(workload.Node, "spec", "template", "metadata", "labels");
        return selector.All(kv => labels.TryGetValue(kv.Key, out var value) && Equals(value, kv.Value));
    }

    private static Dictionary<string, string> ConfigMapData(List<KubeObject> objects) =>
        Map(objects.Single(o => o.Kind == "ConfigMap").Node, "data").ToDictionary(kv => (string)kv.Key, kv => kv.Value as string ?? "");

    private static KubeObject SecretObject(List<KubeObject> objects) => objects.Single(o => o.Kind == "Secret");

    private static Dictionary<string, string> SecretData(List<KubeObject> objects)
    {
        var secret = SecretObject(objects).Node;
        return new[] { "stringData", "data" }.Where(secret.ContainsKey).SelectMany(k => Map(secret, k))
            .ToDictionary(kv => (string)kv.Key, kv => kv.Value as string ?? "");
    }

    /// <summary>Environment variable name -> the Secret key it reads.</summary>
    private static Dictionary<string, string> SecretEnvironment(Dictionary<object, object> container) =>
        Seq(container, "env").Cast<Dictionary<object, object>>()
            .Where(v => v.GetValueOrDefault("valueFrom") is Dictionary<object, object> from && from.ContainsKey("secretKeyRef"))
            .ToDictionary(v => Text(v, "name"), v => Text(v, "valueFrom", "secretKeyRef", "key"));

    /// <summary>Every variable the container sees: its env entries plus the keys of the ConfigMaps/Secrets it imports.</summary>
    private static HashSet<string> EnvironmentNames(List<KubeObject> objects, Dictionary<object, object> container)
    {
        var names = Seq(container, "env").Cast<Dictionary<object, object>>().Select(v => Text(v, "name")).ToHashSet();
        foreach (var source in Seq(container, "envFrom").Cast<Dictionary<object, object>>())
        {
            if (source.ContainsKey("configMapRef")) names.UnionWith(ConfigMapData(objects).Keys);
            if (source.ContainsKey("secretRef")) names.UnionWith(SecretData(objects).Keys);
        }
        return names;
    }

    private static object? At(Dictionary<object, object> node, params string[] path)
    {
        object? current = node;
        foreach (var key in path)
            current = current is Dictionary<object, object> map && map.TryGetValue(key, out var next) ? next : null;
        return current;
    }

    private static string Text(Dictionary<object, object> node, params string[] path) =>
        At(node, path) as string ?? throw new InvalidOperationException($"{string.Join('.', path)}: missing or not a scalar");

    private static int Int(Dictionary<object, object> node, params string[] path) => int.Parse(Text(node, path));

    private static Dictionary<object, object> Map(Dictionary<object, object> node, params string[] path) =>
        At(node, path) as Dictionary<object, object> ?? throw new InvalidOperationException($"{string.Join('.', path)}: missing or not a mapping");

    private static List<object> Seq(Dictionary<object, object> node, params string[] path) => At(node, path) as List<object> ?? [];
}
