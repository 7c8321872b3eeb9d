// Registers the shared Refit clients with the lab's API key on every call.
using System.Net.Http.Headers;
using Lab.Contracts.Costs;
using Lab.Contracts.Orchestration;
using Microsoft.Extensions.DependencyInjection;
using Refit;

namespace Lab.Contracts;

public static class LabClients
{
    /// <summary>Service names as the AppHost declares them; "https+http://" lets service discovery pick the scheme.</summary>
    public const string CostApiAddress = "https+http://costapi";
    public const string OrchestratorAddress = "https+http://orchestrator";

    public static RefitSettings Settings { get; } = new()
    {
        ContentSerializer = new SystemTextJsonContentSerializer(LabJsonContext.Default.Options),
    };

    public static IHttpClientBuilder AddCostApiClient(this IServiceCollection services, Uri baseAddress, Func<IServiceProvider, string?>? apiKey = null) =>
        services.AddRefitGeneratedClient<ICostApi>(LabJsonContext.Default, _ => Settings)
            .ConfigureHttpClient(c => c.BaseAddress = baseAddress)
            .AddApiKey(apiKey);

    public static IHttpClientBuilder AddOrchestratorClient(this IServiceCollection services, Uri baseAddress) =>
        services.AddRefitGeneratedClient<IOrchestratorApi>(LabJsonContext.Default, _ => Settings)
            .ConfigureHttpClient(c => c.BaseAddress = baseAddress);

    private static IHttpClientBuilder AddApiKey(this IHttpClientBuilder builder, Func<IServiceProvider, string?>? apiKey)
    {
        if (apiKey is null)
        {
            return builder;
        }
        return builder.AddHttpMessageHandler(sp => new ApiKeyHandler(apiKey(sp)));
    }

    /// <summary>Adds the bearer key to writes; reads go without it so a missing key never blocks viewing.</summary>
    public sealed class ApiKeyHandler(string? apiKey) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!string.IsNullOrEmpty(apiKey))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            }
            return base.SendAsync(request, cancellationToken);
        }
    }
}
