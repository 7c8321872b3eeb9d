// Starts the lab's dashboard beside the resources, as Aspire's AppHost starts its dashboard: its own process.
using System.Security.Cryptography;
using Lab.Hosting.Native;

namespace Lab.Hosting.Dashboard;

/// <summary>Where the dashboard listens and the secrets that guard it.</summary>
public sealed record DashboardEndpoints(Uri Frontend, Uri OtlpGrpc, Uri OtlpHttp, string BrowserToken, string OtlpApiKey, bool Unsecured)
{
    public string LoginUrl => Unsecured ? Frontend.ToString() : $"{Frontend.ToString().TrimEnd('/')}/login?t={BrowserToken}";

    /// <summary>OTEL_EXPORTER_OTLP_HEADERS for every resource: the receiver accepts only this key.</summary>
    public string OtlpHeaders => $"x-otlp-api-key={OtlpApiKey}";
}

public sealed class DashboardLauncher : IAsyncDisposable
{
    /// <summary>The dashboard's usual ports (control port + 1..3) when the control API uses its default port.</summary>
    private const int DefaultFrontendPort = DistributedApplicationOptions.DefaultControlPort + 1;

    private readonly NativeProcess _process;

    private DashboardLauncher(NativeProcess process, DashboardEndpoints endpoints, LogTail tail)
    {
        _process = process;
        Endpoints = endpoints;
        _tail = tail;
    }

    public DashboardEndpoints Endpoints { get; }
    public int Pid => _process.Pid;

    private readonly LogTail _tail;

    /// <summary>Starts the dashboard process and returns at once: its ports and secrets are chosen before it runs.</summary>
    public static DashboardLauncher Launch(string assemblyPath, Uri controlUrl, bool unsecured, LogTail tail, Func<int> nextFreePort, string tieringDelayMs)
    {
        var preferDefaults = controlUrl.Port == DistributedApplicationOptions.DefaultControlPort;
        int Port(int offset) => preferDefaults && FreePort.IsFree(DefaultFrontendPort + offset) ? DefaultFrontendPort + offset : nextFreePort();
        var endpoints = new DashboardEndpoints(
            new Uri($"http://127.0.0.1:{Port(0)}"),
            new Uri($"http://127.0.0.1:{Port(1)}"),
            new Uri($"http://127.0.0.1:{Port(2)}"),
            Secret(), Secret(), unsecured);

        var process = NativeProcess.Start("dotnet",
        [
            assemblyPath,
            $"--Dashboard:Frontend:Url={endpoints.Frontend}",
            $"--Dashboard:Frontend:BrowserToken={endpoints.BrowserToken}",
            $"--Dashboard:Otlp:GrpcUrl={endpoints.OtlpGrpc}",
            $"--Dashboard:Otlp:HttpUrl={endpoints.OtlpHttp}",
            $"--Dashboard:Otlp:ApiKey={endpoints.OtlpApiKey}",
            $"--Dashboard:ResourceServiceUrl={controlUrl}",
            $"--Dashboard:Unsecured={(unsecured ? "true" : "false")}",
        ], (line, _) => tail.Add(line), new Dictionary<string, string?> { ["DOTNET_gcServer"] = "0", ["DOTNET_TC_CallCountingDelayMs"] = tieringDelayMs },
            workingDirectory: Path.GetDirectoryName(assemblyPath));
        return new DashboardLauncher(process, endpoints, tail);
    }

    /// <summary>Waits until the OTLP receiver listens; throws with the dashboard's last log lines if it does not come up.</summary>
    public async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        var listening = await FreePort.WaitForListenerAsync(Endpoints.OtlpGrpc.Port, TimeSpan.FromSeconds(30), cancellationToken);
        if (!listening || _process.HasExited)
        {
            throw new DistributedApplicationException($"The dashboard did not start. Last log lines:{Environment.NewLine}{_tail}");
        }
    }

    private static string Secret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public Task StopAsync() => _process.StopAsync(TimeSpan.FromSeconds(4));

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
