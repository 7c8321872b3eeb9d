// Lab.ServingSim: `serve` (the default, OpenAI-compatible HTTP on ASPNETCORE_URLS) or `simulate` (virtual time).
using Lab.ServingSim;
using Lab.ServingSim.CommandLine;

return await ServingSimCommandLine.RunAsync(args, serve: async (options, cancellationToken) =>
{
    await using var app = ServingSimApp.Build(options);
    await app.RunAsync(cancellationToken);
    return 0;
});
