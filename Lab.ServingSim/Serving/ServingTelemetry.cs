// The server span per request, named and attributed as vLLM does (llm_request, gen_ai.*), continuing the caller's trace.
using System.Diagnostics;
using Lab.ServingSim.Engine.Scheduling;
using Microsoft.AspNetCore.Http;

namespace Lab.ServingSim.Serving;

internal static class ServingTelemetry
{
    public const string SourceName = "Lab.ServingSim";
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>
    /// Child of the ASP.NET Core request span when there is one; otherwise its parent is read from the W3C traceparent
    /// header, so the trace continues even where the HTTP instrumentation is not listening.
    /// </summary>
    public static Activity? StartRequest(HttpContext context, string operation, string model)
    {
        var parent = Activity.Current?.Context ?? default;
        if (parent == default
            && context.Request.Headers.TraceParent is { Count: > 0 } traceParent
            && ActivityContext.TryParse(traceParent.ToString(), context.Request.Headers.TraceState.ToString(), isRemote: true, out var remote))
        {
            parent = remote;
        }
        var activity = Source.StartActivity("llm_request", ActivityKind.Server, parent);
        activity?.SetTag("gen_ai.operation.name", operation);
        activity?.SetTag("gen_ai.system", "vllm");
        activity?.SetTag("gen_ai.request.model", model);
        return activity;
    }

    public static void RecordFinished(Activity? activity, EngineRequest request, string responseId, int maxTokens)
    {
        if (activity is null)
        {
            return;
        }
        activity.SetTag("gen_ai.request.id", responseId);
        activity.SetTag("gen_ai.request.max_tokens", maxTokens);
        activity.SetTag("gen_ai.usage.prompt_tokens", request.PromptTokens);
        activity.SetTag("gen_ai.usage.completion_tokens", request.GeneratedTokens);
        // The current semantic-convention names beside vLLM's, so generic gen_ai views read the span too.
        activity.SetTag("gen_ai.usage.input_tokens", request.PromptTokens);
        activity.SetTag("gen_ai.usage.output_tokens", request.GeneratedTokens);
        activity.SetTag("gen_ai.response.finish_reasons", request.FinishReason.ToString().ToLowerInvariant());
        activity.SetTag("gen_ai.latency.time_in_queue", Seconds(request.QueueTime));
        activity.SetTag("gen_ai.latency.time_to_first_token", Seconds(request.TimeToFirstToken));
        activity.SetTag("gen_ai.latency.time_in_model_prefill", Seconds(request.PrefillTime));
        activity.SetTag("gen_ai.latency.time_in_model_decode", Seconds(request.DecodeTime));
        activity.SetTag("gen_ai.latency.e2e", Seconds(request.EndToEnd));
        if (request.FinishReason == FinishReason.Abort)
        {
            activity.SetStatus(ActivityStatusCode.Error, "aborted: the client went away");
        }
    }

    private static double? Seconds(double value) => double.IsNaN(value) ? null : Math.Round(value, 6);
}
