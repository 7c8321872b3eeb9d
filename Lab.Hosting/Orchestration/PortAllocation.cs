// Local values of a run: one loopback port per resource endpoint and replica, and the resolved parameters.
using Lab.Hosting.ApplicationModel;
using Lab.Hosting.Native;

namespace Lab.Hosting.Orchestration;

public sealed class PortAllocation : ILocalValues
{
    private readonly Dictionary<(string Resource, string Endpoint, int Replica), int> _ports = [];
    private readonly Dictionary<string, string> _parameters = new(StringComparer.Ordinal);

    public string Host => "127.0.0.1";

    /// <summary>
    /// Gives every endpoint of every replica a port: its fixed port when declared (checked free), else the next free one.
    /// </summary>
    /// <param name="nextFreePort">Source of free ports (FreePort.Next in a run; a counter in tests).</param>
    /// <param name="isFree">Whether a fixed port can be used.</param>
    public static PortAllocation Allocate(DistributedApplicationModel model, Func<int> nextFreePort, Func<int, bool> isFree,
        IEnumerable<int>? reserved = null)
    {
        var allocation = new PortAllocation();
        var used = new HashSet<int>(reserved ?? []);
        foreach (var resource in model.Resources.OfType<IResourceWithEndpoints>())
        {
            var replicas = resource is ProcessResource process ? process.Replicas : 1;
            foreach (var endpoint in resource.Endpoints)
            {
                for (var replica = 0; replica < replicas; replica++)
                {
                    int port;
                    if (endpoint.Port is { } fixedPort && resource is ProcessResource)
                    {
                        if (replicas > 1)
                        {
                            throw new DistributedApplicationException(
                                $"Resource '{resource.Name}' has {replicas} replicas but a fixed port {fixedPort} on endpoint '{endpoint.Name}': each replica needs its own port, so drop the fixed port.");
                        }
                        if (!used.Add(fixedPort) || !isFree(fixedPort))
                        {
                            throw new PortInUseException(resource.Name, fixedPort);
                        }
                        port = fixedPort;
                    }
                    else
                    {
                        do
                        {
                            port = nextFreePort();
                        }
                        while (!used.Add(port));
                    }
                    allocation._ports[(resource.Name, endpoint.Name, replica)] = port;
                }
            }
        }
        return allocation;
    }

    public int Port(IResource resource, string endpointName, int replica = 0) =>
        _ports.TryGetValue((resource.Name, endpointName, replica), out var port)
            ? port
            : throw new DistributedApplicationException($"Resource '{resource.Name}' has no endpoint '{endpointName}' for replica {replica}.");

    public string Parameter(ParameterResource parameter) =>
        _parameters.TryGetValue(parameter.Name, out var value) ? value
        : parameter.Value ?? throw new DistributedApplicationException(
            $"Parameter '{parameter.Name}' has no value: set Parameters:{parameter.Name} in configuration or pass --{parameter.Name} <value>.");

    public void SetParameter(string name, string value) => _parameters[name] = value;

    public IEnumerable<int> AllPorts => _ports.Values;
}
