// A tiny real Kestrel server speaking the OpenAI completions SSE format, for tests of the load path.
// The model name picks a behaviour: "ok", "short" (stops early), "status-503", "status-500", "cut" (drops the
// connection mid-stream), "slow" (first token after 5 s). Anything else is treated as "ok".
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lab.LoadWorker.Tests;

public sealed class OpenAiSseServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OpenAiSseServer(WebApplication app, Uri url) => (_app, Url) = (app, url);

    public Uri Url { get; }
    public string ServedModel { get; private set; } = "ok";
    public bool Healthy { get; set; } = true;
    public TimeSpan TokenDelay { get; set; } = TimeSpan.FromMilliseconds(1);
    public ConcurrentBag<string> TraceParents { get; } = [];
    public ConcurrentBag<int> PromptLengths { get; } = [];
    public int Completions => _completions;
    private int _completions;

    public static async Task<OpenAiSseServer> StartAsync(string servedModel = "ok")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        OpenAiSseServer? server = null;
        app.MapGet("/health", () => server!.Healthy ? Results.Ok() : Results.StatusCode(503));
        app.MapGet("/v1/models", () => Results.Text($$"""{"object":"list","data":[{"id":"{{server!.ServedModel}}","object":"model"}]}""", "application/json"));
        app.MapPost("/v1/completions", (HttpContext context) => server!.CompleteAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new OpenAiSseServer(app, new Uri(address + "/")) { ServedModel = servedModel };
        return server;
    }

    private async Task CompleteAsync(HttpContext context)
    {
        Interlocked.Increment(ref _completions);
        if (context.Request.Headers.TryGetValue("traceparent", out var traceparent))
        {
            TraceParents.Add(traceparent.ToString());
        }
        var body = (await JsonNode.ParseAsync(context.Request.Body))!;
        var model = body["model"]!.GetValue<string>();
        var maxTokens = body["max_tokens"]!.GetValue<int>();
        PromptLengths.Add(body["prompt"]!.GetValue<string>().Length);
        var stream = body["stream"]?.GetValue<bool>() ?? false;
        if (model.StartsWith("status-", StringComparison.Ordinal))
        {
            context.Response.StatusCode = int.Parse(model["status-".Length..]);
            await context.Response.WriteAsync("""{"error":"as asked"}""");
            return;
        }
        if (!stream)
        {
            await context.Response.WriteAsJsonAsync(new JsonObject { ["choices"] = new JsonArray(new JsonObject { ["text"] = "ok", ["finish_reason"] = "length" }) });
            return;
        }
        context.Response.ContentType = "text/event-stream";
        if (model == "slow")
        {
            await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
        }
        var tokens = model == "short" ? maxTokens / 2 : maxTokens;
        for (var i = 0; i < tokens; i++)
        {
            if (model == "cut" && i == tokens / 2)
            {
                context.Abort();
                return;
            }
            var finish = i == tokens - 1 ? (model == "short" ? "\"stop\"" : "\"length\"") : "null";
            await context.Response.WriteAsync($"data: {{\"choices\":[{{\"index\":0,\"text\":\" tok\",\"finish_reason\":{finish}}}]}}\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            if (TokenDelay > TimeSpan.Zero)
            {
                await Task.Delay(TokenDelay, context.RequestAborted);
            }
        }
        await context.Response.WriteAsync($"data: {{\"choices\":[],\"usage\":{{\"prompt_tokens\":512,\"completion_tokens\":{tokens}}}}}\n\ndata: [DONE]\n\n", context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
