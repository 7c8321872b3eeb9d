// Redis and PostgreSQL as StatefulSets with persistent volumes, their passwords from a Secret.
using k8s;
using k8s.Models;
using static Lab.Hosting.Kubernetes.ChartConventions;

namespace Lab.Hosting.Kubernetes;

public static class StoreObjects
{
    public static IEnumerable<IKubernetesObject> Build(ChartModel chart, BackingStore store, ValuesTree values)
    {
        var key = Key(store.Name);
        var (image, port, dataPath, storage) = store.Kind switch
        {
            StoreKind.Redis => ("docker.io/library/redis:7.4", RedisPort, "/data", "2Gi"),
            StoreKind.Postgres => ("docker.io/library/postgres:17.6", PostgresPort, "/var/lib/postgresql/data", "20Gi"),
            _ => throw new ChartValidationException($"Store '{store.Name}' has an unknown kind."),
        };
        var secretName = $"{store.Name}-secrets";
        yield return new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = Metadata(chart, secretName, store.Name),
            Type = "Opaque",
            StringData = new Dictionary<string, string> { ["password"] = values.String($"secrets.{Key(store.PasswordParameter)}", string.Empty) },
        };

        var password = new V1EnvVar
        {
            Name = store.Kind == StoreKind.Redis ? "REDIS_PASSWORD" : "POSTGRES_PASSWORD",
            ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secretName, Key = "password" } },
        };
        var container = new V1Container
        {
            Name = store.Name,
            Image = values.String($"stores.{key}.image", image),
            Ports = [new V1ContainerPort { Name = "tcp", ContainerPort = port }],
            Env = [password],
            VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = dataPath }],
        };
        if (store.Kind == StoreKind.Redis)
        {
            // The shell expands the password from the Secret; redis-server has no env option for it.
            container.Command = ["sh", "-c", "exec redis-server --requirepass \"$REDIS_PASSWORD\" --appendonly yes"];
            container.ReadinessProbe = new V1Probe
            {
                Exec = new V1ExecAction { Command = ["sh", "-c", "redis-cli -a \"$REDIS_PASSWORD\" --no-auth-warning ping | grep -q PONG"] },
                PeriodSeconds = 5,
            };
        }
        else
        {
            container.Env.Add(new V1EnvVar { Name = "POSTGRES_DB", Value = store.Databases.FirstOrDefault() ?? "postgres" });
            container.Env.Add(new V1EnvVar { Name = "PGDATA", Value = dataPath + "/pgdata" });
            container.ReadinessProbe = new V1Probe
            {
                Exec = new V1ExecAction { Command = ["pg_isready", "-U", "postgres"] },
                PeriodSeconds = 5,
            };
        }

        yield return new V1StatefulSet
        {
            ApiVersion = "apps/v1",
            Kind = "StatefulSet",
            Metadata = Metadata(chart, store.Name, store.Name),
            Spec = new V1StatefulSetSpec
            {
                ServiceName = store.Name,
                // Zero when stores.<name>.host points at an external server.
                Replicas = values.Integer($"stores.{key}.replicas", 1),
                Selector = new V1LabelSelector { MatchLabels = Selector(chart, store.Name) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = Labels(chart, store.Name) },
                    Spec = new V1PodSpec { Containers = [container] },
                },
                VolumeClaimTemplates =
                [
                    new V1PersistentVolumeClaim
                    {
                        Metadata = new V1ObjectMeta { Name = "data" },
                        Spec = new V1PersistentVolumeClaimSpec
                        {
                            AccessModes = ["ReadWriteOnce"],
                            Resources = new V1VolumeResourceRequirements
                            {
                                Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(storage) },
                            },
                        },
                    },
                ],
            },
        };
        yield return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = Metadata(chart, store.Name, store.Name),
            Spec = new V1ServiceSpec
            {
                Selector = Selector(chart, store.Name),
                Ports = [new V1ServicePort { Name = "tcp", Port = port, TargetPort = "tcp" }],
            },
        };
    }
}
