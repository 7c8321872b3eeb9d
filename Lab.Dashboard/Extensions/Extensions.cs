// Wiring of the dashboard: options, Kestrel listeners, storage, OTLP receivers, access control and the API.
using Lab.Dashboard.Access;
using Lab.Dashboard.Apis;
using Lab.Dashboard.Configuration;
using Lab.Dashboard.Otlp;
using Lab.Dashboard.Resources;
using Lab.Dashboard.Storage;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Lab.Dashboard.Extensions;

public static class Extensions
{
    public static DashboardOptions AddDashboard(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(DashboardOptions.SectionName).Get<DashboardOptions>() ?? new DashboardOptions();
        Validate(options);
        builder.Services.Configure<DashboardOptions>(builder.Configuration.GetSection(DashboardOptions.SectionName));
        builder.Services.PostConfigure<DashboardOptions>(o => Validate(o));

        // The dashboard must not export its own telemetry to itself; it is never given an OTLP exporter.
        builder.WebHost.ConfigureKestrel(kestrel => DashboardEndpoints.Configure(kestrel, options));

        builder.Services.AddSingleton<TelemetryStore>();
        builder.Services.AddSingleton<OtlpIngest>();
        builder.Services.AddSingleton<OtlpGrpcReceiver>();
        builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = 64 * 1024 * 1024);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<OtlpGrpcReceiver>, OtlpGrpcMethodProvider>());

        builder.Services.AddHttpClient<ResourceServiceClient>(http =>
        {
            if (!string.IsNullOrWhiteSpace(options.ResourceServiceUrl))
            {
                http.BaseAddress = new Uri(options.ResourceServiceUrl.TrimEnd('/') + "/");
            }
            http.Timeout = TimeSpan.FromSeconds(5);
        });

        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, DashboardJsonContext.Default));
        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks();

        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(cookie =>
            {
                cookie.Cookie.Name = BrowserLogin.CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.LoginPath = "/login";
                cookie.ExpireTimeSpan = TimeSpan.FromDays(3);
                cookie.Events.OnRedirectToLogin = context =>
                {
                    // API callers get a status code, browsers get the login page.
                    if (context.Request.Path.StartsWithSegments("/api"))
                    {
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    }
                    else
                    {
                        context.Response.Redirect(context.RedirectUri);
                    }
                    return Task.CompletedTask;
                };
            });
        builder.Services.AddAuthorizationBuilder().SetFallbackPolicy(options.Unsecured
            ? null
            : new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return options;
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.UseMiddleware<EndpointGuard>();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapGrpcService<OtlpGrpcReceiver>().AllowAnonymous();
        app.MapOtlpHttpReceiver();
        app.MapHealthChecks("/health").AllowAnonymous();
        app.MapBrowserLogin();
        app.MapResourcesApi();
        app.MapTracesApi();
        app.MapLogsApi();
        app.MapMetricsApi();
        app.MapTelemetryStatsApi();
        app.MapPages();
        app.Lifetime.ApplicationStarted.Register(() => PrintLoginUrl(app));
        return app;
    }

    private static void PrintLoginUrl(WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<DashboardOptions>>().Value;
        var url = options.Frontend.Url.TrimEnd('/');
        Console.WriteLine(options.Unsecured
            ? $"Lab dashboard: {url} (unsecured)"
            : $"Lab dashboard: {url}/login?t={options.Frontend.BrowserToken}");
        Console.WriteLine($"OTLP: gRPC {options.Otlp.GrpcUrl}, HTTP {options.Otlp.HttpUrl}{(string.IsNullOrEmpty(options.Otlp.ApiKey) ? " (no api key)" : " (x-otlp-api-key required)")}");
    }

    private static void Validate(DashboardOptions options)
    {
        if (!options.Unsecured && string.IsNullOrWhiteSpace(options.Frontend.BrowserToken))
        {
            throw new InvalidOperationException(
                "Dashboard:Frontend:BrowserToken is required unless Dashboard:Unsecured is true (the AppHost generates one and prints the login URL).");
        }
        foreach (var (name, value) in new[]
                 {
                     ("Dashboard:Limits:MaxSpans", options.Limits.MaxSpans),
                     ("Dashboard:Limits:MaxLogRecords", options.Limits.MaxLogRecords),
                     ("Dashboard:Limits:MaxMetricPoints", options.Limits.MaxMetricPoints),
                 })
        {
            if (value < 1)
            {
                throw new InvalidOperationException($"{name} must be at least 1 (got {value}).");
            }
        }
    }
}
