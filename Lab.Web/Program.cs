using Lab.Web.Components;
using Lab.Web.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddLabWeb();

var app = builder.Build();
app.UseLabWeb();
app.MapDefaultEndpoints();
app.MapDiagnosticsApi();
app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.Run();
