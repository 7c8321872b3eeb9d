// CostApi wiring: PostgreSQL, the start-up migrator, JSON contracts, write authorization and the stores.
using System.Diagnostics;
using Lab.Contracts;
using Lab.CostApi.Apis;
using Lab.CostApi.Data;
using Lab.CostApi.Decisions;
using Lab.CostApi.Experiments;
using Lab.CostApi.Matrix;
using Lab.CostApi.Prices;
using Lab.CostApi.Records;
using Lab.CostApi.Runs;
using Lab.CostApi.Security;
using Lab.CostApi.Summaries;
using Microsoft.AspNetCore.Authentication;

namespace Lab.CostApi.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // Commands are traced only inside a traced operation: the health check's SELECT under an unrecorded /health
        // request (and background housekeeping) would otherwise start orphan spans in every health poll.
        builder.AddNpgsqlDataSource("labdb", configureDataSourceBuilder: dataSource => dataSource.ConfigureTracing(tracing => tracing
            .ConfigureCommandFilter(_ => Activity.Current is { Recorded: true })
            .ConfigureBatchFilter(_ => Activity.Current is { Recorded: true })));
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddHostedService<SchemaMigrator>();
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, LabJsonContext.Default);
            foreach (var converter in LabJsonContext.Default.Options.Converters)
            {
                options.SerializerOptions.Converters.Add(converter);
            }
            options.SerializerOptions.DefaultIgnoreCondition = LabJsonContext.Default.Options.DefaultIgnoreCondition;
        });
        services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiKeyAuthentication.WriterPolicy, policy => policy.RequireAuthenticatedUser());

        services.AddSingleton<PriceStore>();
        services.AddSingleton<ExperimentStore>();
        services.AddSingleton<RunLedger>();
        services.AddSingleton<RecordStore>();
        services.AddSingleton<SummaryStore>();
        services.AddSingleton<CellSelections>();
        services.AddSingleton<DecisionStore>();
        services.AddSingleton<MatrixService>();
        return builder;
    }

    /// <summary>Every CostApi surface; each lives in its own file under Apis/.</summary>
    public static IEndpointRouteBuilder MapCostApi(this IEndpointRouteBuilder app) => app
        .MapPricesApi()
        .MapExperimentsApi()
        .MapRunsApi()
        .MapRecordsApi()
        .MapMatrixApi()
        .MapDecisionsApi();
}
