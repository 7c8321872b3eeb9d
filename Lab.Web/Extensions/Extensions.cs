// Lab.Web's wiring: Blazor with interactive server rendering, Fluent UI, and the shared Refit clients.
using Lab.Contracts;
using Lab.Web.Model;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Lab.Web.Extensions;

public static class Extensions
{
    public static void AddLabWeb(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddFluentUIComponents();
        services.Configure<LabWebOptions>(builder.Configuration.GetSection("Lab"));
        services.AddScoped<EditorSession>();
        // A person is waiting on every call: one quick retry instead of the default three backed-off ones.
        services.ConfigureAll<HttpStandardResilienceOptions>(o =>
        {
            o.Retry.MaxRetryAttempts = 1;
            o.Retry.Delay = TimeSpan.FromMilliseconds(250);
        });
        services.AddCostApiClient(new Uri(LabClients.CostApiAddress), sp => sp.GetRequiredService<IConfiguration>()["Lab:ApiKey"]);
        services.AddOrchestratorClient(new Uri(LabClients.OrchestratorAddress));
    }

    public static void UseLabWeb(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseAntiforgery();
    }
}
