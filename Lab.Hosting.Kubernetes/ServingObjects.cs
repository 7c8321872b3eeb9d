// Each serving profile as a real vLLM Deployment on GPUs, the twin beside it, and one Service in front of both.
using System.Globalization;
using k8s;
using k8s.Models;
using static Lab.Hosting.Kubernetes.ChartConventions;

namespace Lab.Hosting.Kubernetes;

public static class ServingObjects
{
    /// <summary>The twin's model ids and the Hugging Face checkpoints a real vLLM serves for them.</summary>
    private static readonly Dictionary<string, string> HuggingFaceModels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["llama-3.1-8b"] = "meta-llama/Llama-3.1-8B-Instruct",
        ["llama-3.1-70b-fp8"] = "neuralmagic/Meta-Llama-3.1-70B-Instruct-FP8",
    };

    /// <summary>Node labels of NVIDIA GPU feature discovery for the GPU kinds the lab prices.</summary>
    private static readonly Dictionary<string, string> GpuProducts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["H100-SXM-80GB"] = "NVIDIA-H100-80GB-HBM3",
        ["H100-PCIe-80GB"] = "NVIDIA-H100-PCIe",
        ["A100-80GB"] = "NVIDIA-A100-SXM4-80GB",
        ["L4"] = "NVIDIA-L4",
    };

    public static void Validate(ServingWorkload serving)
    {
        var settings = serving.Settings;
        if (string.IsNullOrWhiteSpace(settings.Gpu))
        {
            throw new ChartValidationException(
                $"Profile '{settings.Profile}' (resource '{serving.Name}'): field 'gpu' is required to publish a GPU workload; " +
                $"known kinds: {string.Join(", ", GpuProducts.Keys)}.");
        }
        if (settings.GpusPerReplica < 1)
        {
            throw new ChartValidationException(
                $"Profile '{settings.Profile}' (resource '{serving.Name}'): field 'gpus-per-replica' is {settings.GpusPerReplica}; it must be 1 or more.");
        }
        if (settings.Replicas < 1)
        {
            throw new ChartValidationException(
                $"Profile '{settings.Profile}' (resource '{serving.Name}'): field 'replicas' is {settings.Replicas}; it must be 1 or more.");
        }
    }

    public static IEnumerable<IKubernetesObject> Build(ChartModel chart, ServingWorkload serving, ValuesTree values)
    {
        Validate(serving);
        var settings = serving.Settings;
        var key = $"serving.{Key(serving.Name)}";

        var args = new List<string>
        {
            "--model", values.String($"{key}.model", HuggingFaceModels.GetValueOrDefault(settings.Model, settings.Model)),
            "--served-model-name", settings.Model,
            "--port", VllmPort.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (flag, value) in settings.VllmArgs.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            args.Add("--" + flag);
            args.Add(value);
        }
        if (settings.GpusPerReplica > 1 && !settings.VllmArgs.ContainsKey("tensor-parallel-size"))
        {
            args.Add("--tensor-parallel-size");
            args.Add(settings.GpusPerReplica.ToString(CultureInfo.InvariantCulture));
        }

        var gpus = new ResourceQuantity(settings.GpusPerReplica.ToString(CultureInfo.InvariantCulture));
        var vllm = new V1Container
        {
            Name = "vllm",
            Image = $"{values.String("serving.image", "docker.io/vllm/vllm-openai")}:{values.String("serving.tag", "v0.11.0")}",
            Args = args,
            Ports = [new V1ContainerPort { Name = "http", ContainerPort = VllmPort }],
            Env =
            [
                new V1EnvVar
                {
                    Name = "HF_TOKEN",
                    ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "hf-token", Key = "token" } },
                },
                new V1EnvVar { Name = "HF_HOME", Value = "/models" },
            ],
            Resources = new V1ResourceRequirements
            {
                Limits = new Dictionary<string, ResourceQuantity> { ["nvidia.com/gpu"] = gpus },
                Requests = new Dictionary<string, ResourceQuantity> { ["nvidia.com/gpu"] = gpus },
            },
            VolumeMounts =
            [
                new V1VolumeMount { Name = "model-cache", MountPath = "/models" },
                new V1VolumeMount { Name = "dshm", MountPath = "/dev/shm" },
            ],
            // Loading weights takes minutes; readiness gates traffic, the startup probe keeps liveness patient.
            ReadinessProbe = HttpProbe("/health", VllmPort, periodSeconds: 10, initialDelaySeconds: 30),
            StartupProbe = HttpProbe("/health", VllmPort, periodSeconds: 10, initialDelaySeconds: 30, failureThreshold: 90),
        };
        yield return Deployment(chart, serving, "vllm", values.Integer($"{key}.vllmReplicas", settings.Replicas), new V1PodSpec
        {
            Containers = [vllm],
            NodeSelector = new Dictionary<string, string>
            {
                ["nvidia.com/gpu.product"] = values.String($"{key}.gpuProduct", GpuProducts.GetValueOrDefault(settings.Gpu, settings.Gpu)),
            },
            Tolerations =
            [
                new V1Toleration
                {
                    Key = values.String("gpu.tolerationKey", "nvidia.com/gpu"),
                    OperatorProperty = "Exists",
                    Effect = "NoSchedule",
                },
            ],
            Volumes =
            [
                new V1Volume
                {
                    Name = "model-cache",
                    PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = $"{serving.Name}-model-cache" },
                },
                new V1Volume { Name = "dshm", EmptyDir = new V1EmptyDirVolumeSource { Medium = "Memory" } },
            ],
        });
        yield return new V1PersistentVolumeClaim
        {
            ApiVersion = "v1",
            Kind = "PersistentVolumeClaim",
            Metadata = Metadata(chart, $"{serving.Name}-model-cache", serving.Name),
            Spec = new V1PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteOnce"],
                Resources = new V1VolumeResourceRequirements
                {
                    Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("100Gi") },
                },
            },
        };

        var twinArgs = new List<string> { "--model", settings.Model, "--gpu", settings.Gpu };
        foreach (var (flag, value) in settings.VllmArgs.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            twinArgs.Add("--" + flag);
            twinArgs.Add(value);
        }
        var twin = new V1Container
        {
            Name = "twin",
            Image = $"{values.String("images.registry", "ghcr.io/lab")}/lab-servingsim:{values.String("images.tag", "latest")}",
            Args = twinArgs,
            Env = [new V1EnvVar { Name = "ASPNETCORE_URLS", Value = $"http://+:{VllmPort}" }],
            Ports = [new V1ContainerPort { Name = "http", ContainerPort = VllmPort }],
            ReadinessProbe = HttpProbe("/health", VllmPort),
        };
        // The twin stands by at zero replicas: set twinReplicas=1 and vllmReplicas=0 for a dry run without GPUs.
        yield return Deployment(chart, serving, "twin", values.Integer($"{key}.twinReplicas", 0), new V1PodSpec { Containers = [twin] });

        yield return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = Metadata(chart, serving.Name, serving.Name),
            Spec = new V1ServiceSpec
            {
                Selector = Selector(chart, serving.Name),
                Ports = [new V1ServicePort { Name = "http", Port = VllmPort, TargetPort = "http" }],
            },
        };
    }

    private static V1Deployment Deployment(ChartModel chart, ServingWorkload serving, string backend, int replicas, V1PodSpec pod) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = Metadata(chart, $"{serving.Name}-{backend}", serving.Name, backend),
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = Selector(chart, serving.Name, backend) },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta
                {
                    Labels = Labels(chart, serving.Name, backend),
                    Annotations = new Dictionary<string, string> { ["lab.dev/profile"] = serving.Settings.Profile },
                },
                Spec = pod,
            },
        },
    };
}
