// Deployment, Service, ConfigMap and Secret for each .NET service of the lab.
using k8s;
using k8s.Models;
using static Lab.Hosting.Kubernetes.ChartConventions;

namespace Lab.Hosting.Kubernetes;

public static class ProjectObjects
{
    public static IEnumerable<IKubernetesObject> Build(ChartModel chart, ProjectWorkload project, ValuesTree values, EnvTranslator env)
    {
        var key = Key(project.Name);
        var translated = env.Translate(project.Name, project.Environment);
        var config = new Dictionary<string, string>(translated.Config)
        {
            ["ASPNETCORE_URLS"] = $"http://+:{ProjectPort}",
            ["OTEL_SERVICE_NAME"] = project.Name,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = values.String("otlp.endpoint", string.Empty),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = values.String("otlp.protocol", "grpc"),
        };
        yield return new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = Metadata(chart, $"{project.Name}-config", project.Name),
            Data = config,
        };
        yield return new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = Metadata(chart, $"{project.Name}-secrets", project.Name),
            Type = "Opaque",
            StringData = new Dictionary<string, string>(translated.Secrets),
        };

        var replicas = project.ReplicasAsValue ? values.Integer($"workloads.{key}.replicas", project.Replicas) : project.Replicas;
        var container = new V1Container
        {
            Name = project.Name,
            Image = $"{values.String("images.registry", "ghcr.io/lab")}/lab-{project.Name}:{values.String("images.tag", "latest")}",
            ImagePullPolicy = values.String("images.pullPolicy", "IfNotPresent"),
            Ports = [new V1ContainerPort { Name = "http", ContainerPort = ProjectPort }],
            EnvFrom =
            [
                new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = $"{project.Name}-config" } },
                new V1EnvFromSource { SecretRef = new V1SecretEnvSource { Name = $"{project.Name}-secrets" } },
            ],
            ReadinessProbe = project.HealthPath is null ? null : HttpProbe(project.HealthPath, ProjectPort),
            LivenessProbe = project.AlivePath is null ? null : HttpProbe(project.AlivePath, ProjectPort, periodSeconds: 20, initialDelaySeconds: 10),
        };
        yield return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = Metadata(chart, project.Name, project.Name),
            Spec = new V1DeploymentSpec
            {
                Replicas = replicas,
                Selector = new V1LabelSelector { MatchLabels = Selector(chart, project.Name) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = Labels(chart, project.Name) },
                    Spec = new V1PodSpec
                    {
                        ServiceAccountName = project.ReadsDeployments ? project.Name : null,
                        Containers = [container],
                    },
                },
            },
        };
        yield return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = Metadata(chart, project.Name, project.Name),
            Spec = new V1ServiceSpec
            {
                Type = project.External ? values.String($"workloads.{key}.serviceType", "ClusterIP") : "ClusterIP",
                Selector = Selector(chart, project.Name),
                Ports = [new V1ServicePort { Name = "http", Port = ProjectPort, TargetPort = "http" }],
            },
        };

        if (project.ReadsDeployments)
        {
            foreach (var rbac in ReadOnlyAccess(chart, project.Name))
            {
                yield return rbac;
            }
        }
    }

    /// <summary>
    /// The orchestrator lists Deployments and Pods of its namespace to explain why a serving target is not ready
    /// (Lab.Orchestrator ClusterDeploymentInspector); the Role grants exactly that, read-only, and nothing more.
    /// </summary>
    private static IEnumerable<IKubernetesObject> ReadOnlyAccess(ChartModel chart, string name)
    {
        yield return new V1ServiceAccount
        {
            ApiVersion = "v1",
            Kind = "ServiceAccount",
            Metadata = Metadata(chart, name, name),
        };
        yield return new V1Role
        {
            ApiVersion = "rbac.authorization.k8s.io/v1",
            Kind = "Role",
            Metadata = Metadata(chart, $"{name}-read-serving", name),
            Rules =
            [
                new V1PolicyRule { ApiGroups = ["apps"], Resources = ["deployments"], Verbs = ["get", "list"] },
                new V1PolicyRule { ApiGroups = [""], Resources = ["pods"], Verbs = ["get", "list"] },
            ],
        };
        yield return new V1RoleBinding
        {
            ApiVersion = "rbac.authorization.k8s.io/v1",
            Kind = "RoleBinding",
            Metadata = Metadata(chart, $"{name}-read-serving", name),
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = $"{name}-read-serving" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = name }],
        };
    }
}
