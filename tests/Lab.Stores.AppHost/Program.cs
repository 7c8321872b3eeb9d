// The lab's stores and control API alone, on real Aspire: Redis and PostgreSQL as native processes.
// Lab:StateDirectory is the folder they keep their data in; Lab:Postgres:Settings:<name>=<value> become server settings.
using Lab.Hosting.Local;
using Lab.Hosting.Local.Native;

var builder = DistributedApplication.CreateBuilder(args);
builder.AddLabState(builder.Configuration["Lab:StateDirectory"], fresh: false, binPath: null, controlPort: 0, dashboard: false);
builder.AddNativeRedis("redis");
var postgres = builder.AddNativePostgres("postgres");
foreach (var setting in builder.Configuration.GetSection("Lab:Postgres:Settings").GetChildren())
{
    postgres.WithServerSetting(setting.Key, setting.Value ?? "");
}
postgres.AddDatabase("labdb");
builder.Build().Run();
