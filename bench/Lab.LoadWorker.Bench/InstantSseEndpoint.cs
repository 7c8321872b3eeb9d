// The far end of the benchmark: answers POST (and GET, for wrk's default) /v1/completions at once with 4 SSE tokens.
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lab.LoadWorker.Bench;

internal static class InstantSseEndpoint
{
    private static readonly byte[] Stream = Encoding.UTF8.GetBytes(
        string.Concat(Enumerable.Range(0, 3).Select(_ => "data: {\"choices\":[{\"index\":0,\"text\":\" tok\",\"finish_reason\":null}]}\n\n"))
        + "data: {\"choices\":[{\"index\":0,\"text\":\" tok\",\"finish_reason\":\"length\"}]}\n\n"
        + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":512,\"completion_tokens\":4}}\n\ndata: [DONE]\n\n");

    public static async Task<int> RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapMethods("/v1/completions", ["GET", "POST"], async context =>
        {
            // Read the request fully, as a server must before answering on a kept-alive HTTP/1.1 connection.
            await context.Request.Body.CopyToAsync(System.IO.Stream.Null);
            context.Response.ContentType = "text/event-stream";
            await context.Response.Body.WriteAsync(Stream);
        });
        Console.WriteLine($"instant SSE endpoint on http://127.0.0.1:{port}/v1/completions");
        await app.RunAsync();
        return 0;
    }
}
