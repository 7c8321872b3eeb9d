// The lab's stores and control API alone, on real Aspire: Redis and PostgreSQL as native processes.
using Lab.Hosting.Local;
using Lab.Hosting.Local.Native;

var builder = DistributedApplication.CreateBuilder(args);
builder.AddLabState(builder.Configuration["Lab:StateDirectory"], fresh: false, binPath: null, controlPort: 0, dashboard: false);
builder.AddNativeRedis("redis");
builder.AddNativePostgres("postgres").AddDatabase("labdb");
builder.Build().Run();
