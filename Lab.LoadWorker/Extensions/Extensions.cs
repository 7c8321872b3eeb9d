// Wiring of the load worker: Redis, CostApi client, the open-loop HTTP client, the firing loop and the consumers.
using System.Net;
using Lab.Contracts;
using Lab.LoadWorker.Recording;
using Lab.LoadWorker.Requests;
using Lab.LoadWorker.Shards;
using Lab.LoadWorker.Timing;

namespace Lab.LoadWorker.Extensions;

public static class Extensions
{
    /// <summary>Not an IHttpClientFactory client on purpose: the defaults add a resilience handler that retries and hedges.</summary>
    public const string LoadClientName = "load";

    public static IHostApplicationBuilder AddLoadWorker(this IHostApplicationBuilder builder)
    {
        builder.AddTracedRedisClient("redis");
        builder.Services.AddCostApiClient(new Uri(builder.Configuration["Lab:CostApiUrl"] ?? LabClients.CostApiAddress),
            _ => builder.Configuration["Lab:ApiKey"]);
        builder.Services.Configure<WorkerOptions>(builder.Configuration.GetSection("Lab:Worker"));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(_ => new CompletionRequester(CreateLoadClient()));
        builder.Services.AddSingleton<FiringLoop>();
        builder.Services.AddSingleton<PromptSource>();
        builder.Services.AddSingleton<RecordSink>();
        builder.Services.AddSingleton<WorkerMetrics>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RecordSink>());
        builder.Services.AddSingleton<RunControl>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RunControl>());
        builder.Services.AddHostedService<ShardConsumer>();
        return builder;
    }

    /// <summary>
    /// The client that carries the load: HTTP/1.1 (what vLLM serves), an unbounded connection pool so open-loop
    /// arrivals never queue for a connection, no client-side timeout (the case's timeout is enforced per request)
    /// and no retries. SocketsHttpHandler still emits the HTTP client span and the traceparent header.
    /// </summary>
    public static HttpClient CreateLoadClient() => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        UseProxy = false,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
        DefaultRequestVersion = HttpVersion.Version11,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };
}
