using Lab.LoadWorker.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddLoadWorker();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
