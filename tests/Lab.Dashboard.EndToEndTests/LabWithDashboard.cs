// The whole lab as the AppHost runs it, dashboard included: the AppHost starts the dashboard itself and hands every
// resource the OTLP endpoint and the x-otlp-api-key header, so the tests read telemetry that took the real key path.
using System.Net;
using Lab.Hosting.Dashboard;
using Lab.Hosting.Testing;

namespace Lab.Dashboard.Tests;

public sealed class LabWithDashboard : IAsyncLifetime
{
    private IDistributedApplicationTestingBuilder? _builder;

    public DistributedApplication App { get; private set; } = null!;

    public DashboardEndpoints Dashboard => App.Dashboard ?? throw new InvalidOperationException("The AppHost did not start its dashboard.");

    /// <summary>The dashboard's JSON API, logged in the way a browser is: /login?t=&lt;the token the AppHost printed&gt;.</summary>
    public HttpClient Api { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Lab_AppHost>(ct);
        App = await _builder.BuildAsync(ct);
        await App.StartAsync(ct);
        using (var startup = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            startup.CancelAfter(TimeSpan.FromMinutes(3));
            await App.WaitForAllHealthyAsync(startup.Token);
        }
        var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        Api = new HttpClient(handler) { BaseAddress = Dashboard.Frontend };
        var login = await Api.GetAsync($"/login?t={Dashboard.BrowserToken}", ct);
        if (login.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Logging in to the dashboard answered {(int)login.StatusCode}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Api?.Dispose();
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
        if (_builder is not null)
        {
            await _builder.DisposeAsync();
        }
    }

    /// <summary>Exporters batch (1 s for spans, up to 5 s for logs, processes on their own schedules): poll for a bounded while.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what, int seconds = 45) where T : class
    {
        for (var attempt = 0; attempt < seconds * 2; attempt++)
        {
            if (await probe() is { } found)
            {
                return found;
            }
            await Task.Delay(500, TestContext.Current.CancellationToken);
        }
        throw new TimeoutException($"The dashboard did not receive {what} within {seconds} s.");
    }
}
