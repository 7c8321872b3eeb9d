// Translates the AppHost's env-var contract to cluster DNS: the same names, values that resolve in Kubernetes.
using static Lab.Hosting.Kubernetes.ChartConventions;

namespace Lab.Hosting.Kubernetes;

public sealed class EnvTranslator(ChartModel chart, ValuesTree values)
{
    public sealed record Translated(IReadOnlyDictionary<string, string> Config, IReadOnlyDictionary<string, string> Secrets);

    public Translated Translate(string workload, IEnumerable<EnvVar> environment)
    {
        var config = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var secrets = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in environment)
        {
            switch (variable)
            {
                case LiteralEnv literal:
                    config[literal.Name] = literal.Value;
                    break;
                case ParameterEnv parameter:
                    var definition = chart.Parameters.FirstOrDefault(p => p.Name == parameter.Parameter)
                        ?? throw new ChartValidationException($"Resource '{workload}': env '{parameter.Name}' uses unknown parameter '{parameter.Parameter}'.");
                    if (definition.Secret)
                    {
                        secrets[parameter.Name] = values.String($"secrets.{Key(definition.Name)}", string.Empty);
                    }
                    else
                    {
                        config[parameter.Name] = values.String($"parameters.{Key(definition.Name)}", string.Empty);
                    }
                    break;
                case ServiceUrlEnv service:
                    config[service.Name] = $"http://{service.Resource}:{PortOf(service.Resource, workload)}";
                    break;
                case ConnectionStringEnv connection:
                    secrets[connection.Name] = ConnectionString(connection, workload);
                    break;
            }
        }
        return new Translated(config, secrets);
    }

    private int PortOf(string resource, string workload)
    {
        if (chart.Projects.Any(p => p.Name == resource))
        {
            return ProjectPort;
        }
        if (chart.Serving.Any(s => s.Name == resource))
        {
            return VllmPort;
        }
        throw new ChartValidationException($"Resource '{workload}' references '{resource}', which is not an HTTP resource of the chart.");
    }

    private string ConnectionString(ConnectionStringEnv connection, string workload)
    {
        var store = chart.Stores.FirstOrDefault(s => s.Name == connection.Store)
            ?? throw new ChartValidationException($"Resource '{workload}': connection '{connection.Name}' names unknown store '{connection.Store}'.");
        var key = Key(store.Name);
        // Host and port are values so an external server replaces the in-cluster StatefulSet (replicas 0).
        var host = values.String($"stores.{key}.host", store.Name);
        var password = values.String($"secrets.{Key(store.PasswordParameter)}", string.Empty);
        return store.Kind switch
        {
            StoreKind.Redis => $"{host}:{values.String($"stores.{key}.port", RedisPort.ToString())},password={password}",
            StoreKind.Postgres =>
                $"Host={host};Port={values.String($"stores.{key}.port", PostgresPort.ToString())};" +
                $"Username={values.String($"stores.{key}.username", "postgres")};Password={password};" +
                $"Database={connection.Database ?? store.Databases.FirstOrDefault() ?? "postgres"}",
            _ => throw new ChartValidationException($"Store '{store.Name}' has an unknown kind."),
        };
    }
}
