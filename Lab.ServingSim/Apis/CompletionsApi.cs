// The OpenAI surface: /v1/completions, /v1/chat/completions, /v1/models.
using Lab.ServingSim.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Lab.ServingSim.Apis;

internal static class CompletionsApi
{
    public static IEndpointRouteBuilder MapCompletionsApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapPost("/completions", (HttpContext context, InferenceService service) => CompleteAsync(context, service, OpenAiEndpoint.Completions));
        v1.MapPost("/chat/completions", (HttpContext context, InferenceService service) => CompleteAsync(context, service, OpenAiEndpoint.ChatCompletions));
        v1.MapGet("/models", ListModels);
        return app;
    }

    private static async Task<IResult> CompleteAsync(HttpContext context, InferenceService service, OpenAiEndpoint endpoint)
    {
        var (request, error) = await OpenAiRequestReader.ReadAsync(context.Request.Body, endpoint, context.RequestAborted);
        return error is not null ? new OpenAiErrorResult(error) : service.Admit(context, request!);
    }

    private static IResult ListModels(InferenceService service, TimeProvider time) => Results.Json(new
    {
        @object = "list",
        data = new[]
        {
            new { id = service.ModelName, @object = "model", created = time.GetUtcNow().ToUnixTimeSeconds(), owned_by = "vllm", root = service.ModelName, max_model_len = service.MaxModelLen },
        },
    });
}
