// Turns a parsed OpenAI request into an engine request, checking it the way vLLM does before admission.
using System.Diagnostics;
using Lab.ServingSim.Apis;
using Lab.ServingSim.CommandLine;
using Lab.ServingSim.Engine.Scheduling;
using Microsoft.AspNetCore.Http;

namespace Lab.ServingSim.Serving;

internal sealed class InferenceService(ServerOptions options, RealTimeEngineLoop loop, TimeProvider time)
{
    public string ModelName => options.ServedModelName;

    public int MaxModelLen => options.Engine.EffectiveMaxModelLen;

    public IResult Admit(HttpContext context, OpenAiRequest request)
    {
        if (!string.Equals(request.Model, options.ServedModelName, StringComparison.Ordinal))
        {
            return Error(OpenAiError.BadRequest($"The model `{request.Model}` does not exist. This server serves `{options.ServedModelName}`.", "model"));
        }
        var maxModelLen = options.Engine.EffectiveMaxModelLen;
        var prompt = request.PromptTokens;
        // vLLM's defaults: 16 for the legacy completions API, the rest of the context for chat.
        var maxTokens = request.MaxTokens ?? (request.Endpoint == OpenAiEndpoint.Completions ? 16 : maxModelLen - prompt);
        if (request.MaxTokens is null && prompt >= maxModelLen)
        {
            return Error(OpenAiError.BadRequest(
                $"This model's maximum context length is {maxModelLen} tokens. However, your request has {prompt} input tokens. Please reduce the length of the input messages.",
                "messages"));
        }
        if (prompt + maxTokens > maxModelLen)
        {
            return Error(OpenAiError.BadRequest(
                $"This model's maximum context length is {maxModelLen} tokens. However, you requested {prompt + maxTokens} tokens ({prompt} in the messages, {maxTokens} in the completion). Please reduce the length of the messages or completion.",
                "max_tokens"));
        }

        var id = loop.NextRequestId();
        var (output, reason) = OutputLength(request, maxTokens, id);
        var engineRequest = new EngineRequest(id, prompt, output, reason);
        var stream = new InferenceStream(engineRequest);
        engineRequest.Tag = stream;
        var operation = request.Endpoint == OpenAiEndpoint.Completions ? "text_completion" : "chat";
        var activity = ServingTelemetry.StartRequest(context, operation, request.Model);
        Admission admission;
        try
        {
            admission = loop.Submit(engineRequest);
        }
        catch (EngineStoppedException e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            activity?.Dispose();
            return Error(OpenAiError.EngineStopped(e));
        }
        if (admission != Admission.Accepted)
        {
            activity?.SetStatus(ActivityStatusCode.Error, admission.ToString());
            activity?.Dispose();
            return admission == Admission.QueueFull
                ? Error(new OpenAiError(503,
                    $"The server is at its admission limit (--max-num-queued-reqs {Show(options.Engine.MaxNumQueuedReqs)}, --max-num-queued-tokens {Show(options.Engine.MaxNumQueuedTokens)}); retry later.",
                    "ServiceUnavailableError", null))
                : Error(OpenAiError.BadRequest($"The request does not fit max_model_len {maxModelLen}.", "max_tokens"));
        }
        var prefix = request.Endpoint == OpenAiEndpoint.Completions ? "cmpl-" : "chatcmpl-";
        var header = new ResponseHeader(request.Endpoint, prefix + id.ToString("x16"), time.GetUtcNow().ToUnixTimeSeconds(), options.ServedModelName);
        return new InferenceResult(stream, header, request, maxTokens, loop, activity);
    }

    /// <summary>
    /// With ignore_eos or min_tokens, or when the twin's EOS is off (--eos-mean-tokens 0, the default), exactly max_tokens.
    /// Otherwise a seeded EOS point: geometric with mean --eos-mean-tokens, from the request's seed (or its id).
    /// </summary>
    private (int Tokens, FinishReason Reason) OutputLength(OpenAiRequest request, int maxTokens, long id)
    {
        if (request.IgnoreEos || request.MinTokens > 0 || options.EosMeanTokens <= 0)
        {
            return (maxTokens, FinishReason.Length);
        }
        var random = new Lab.Evidence.SeededRandom(request.Seed ?? id);
        var stopAt = 1 + (int)Math.Min(int.MaxValue - 1, Math.Floor(random.NextExponential(1.0 / options.EosMeanTokens)));
        return stopAt < maxTokens ? (stopAt, FinishReason.Stop) : (maxTokens, FinishReason.Length);
    }

    private static string Show<T>(T? value) where T : struct => value?.ToString() ?? "unbounded";

    private static OpenAiErrorResult Error(OpenAiError error) => new(error);
}
