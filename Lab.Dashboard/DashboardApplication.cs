// Builds the dashboard web application; Program.cs runs it and tests start it on real ports.
using Lab.Dashboard.Extensions;

namespace Lab.Dashboard;

public static class DashboardApplication
{
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddDashboard();
        var app = builder.Build();
        app.MapDashboard();
        return app;
    }
}
