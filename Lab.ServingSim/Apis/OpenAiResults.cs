// The two ways a completion request is answered: an OpenAI-shaped error, or the engine's tokens (SSE stream or one body).
using System.Diagnostics;
using System.Text;
using Lab.ServingSim.Engine.Scheduling;
using Lab.ServingSim.Serving;
using Microsoft.AspNetCore.Http;

namespace Lab.ServingSim.Apis;

internal sealed class OpenAiErrorResult(OpenAiError error) : IResult
{
    public OpenAiError Error => error;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = error.Status;
        httpContext.Response.ContentType = "application/json";
        await httpContext.Response.Body.WriteAsync(OpenAiWire.Error(error), httpContext.RequestAborted);
    }
}

/// <summary>Streams (or collects) the tokens of an admitted request; a client that goes away aborts it in the engine.</summary>
internal sealed class InferenceResult(
    InferenceStream stream, ResponseHeader header, OpenAiRequest request, int maxTokens, RealTimeEngineLoop loop, Activity? activity) : IResult
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var engineRequest = stream.Request;
        var cancellationToken = httpContext.RequestAborted;
        await using var abortOnDisconnect = cancellationToken.Register(() => loop.Abort(engineRequest));
        try
        {
            httpContext.Response.Headers["X-Request-Id"] = header.Id;
            try
            {
                if (request.Stream)
                {
                    await StreamAsync(httpContext.Response, engineRequest, cancellationToken);
                }
                else
                {
                    await RespondOnceAsync(httpContext.Response, engineRequest, cancellationToken);
                }
            }
            catch (EngineStoppedException e)
            {
                activity?.SetStatus(ActivityStatusCode.Error, e.Message);
                await RespondEngineStoppedAsync(httpContext.Response, OpenAiError.EngineStopped(e), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client left. The registration above usually aborted the request already, but not always: cancelling
            // RequestAborted sets the token before it runs the callbacks (newest first), so this handler can resume on
            // another thread, reach here and dispose the registration before its callback ran. The finally block covers it.
        }
        finally
        {
            // A response that ends with its request still in the engine (client gone, write failed) must not leave it
            // generating to the end and holding KV blocks: nobody reads those tokens. A no-op for a finished request.
            loop.Abort(engineRequest);
            ServingTelemetry.RecordFinished(activity, engineRequest, header.Id, maxTokens);
            activity?.Dispose();
        }
    }

    private async Task StreamAsync(HttpResponse response, EngineRequest engineRequest, CancellationToken cancellationToken)
    {
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(cancellationToken);
        var body = response.Body;
        await foreach (var index in stream.Tokens.ReadAllAsync(cancellationToken))
        {
            if (index == 1 && header.Endpoint == OpenAiEndpoint.ChatCompletions)
            {
                // OpenAI and vLLM open a chat stream with the assistant role and empty content, just before the first token.
                await WriteEventAsync(body, OpenAiWire.TokenChunk(header, "", roleOnly: true, finishReason: null), cancellationToken);
            }
            var finish = index == engineRequest.OutputTokens ? OpenAiWire.FinishReasonText(engineRequest) : null;
            var chunk = OpenAiWire.TokenChunk(header, GeneratedText.Token(engineRequest.Id, index), roleOnly: false, finish);
            await WriteEventAsync(body, chunk, cancellationToken);
            await body.FlushAsync(cancellationToken);
        }
        if (engineRequest.FinishReason == FinishReason.Abort)
        {
            return;
        }
        if (request.IncludeUsage)
        {
            await WriteEventAsync(body, OpenAiWire.UsageChunk(header, engineRequest), cancellationToken);
        }
        await body.WriteAsync(Done, cancellationToken);
        await body.FlushAsync(cancellationToken);
    }

    private async Task RespondOnceAsync(HttpResponse response, EngineRequest engineRequest, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        await foreach (var index in stream.Tokens.ReadAllAsync(cancellationToken))
        {
            text.Append(GeneratedText.Token(engineRequest.Id, index));
        }
        if (engineRequest.FinishReason == FinishReason.Abort)
        {
            return;
        }
        response.ContentType = "application/json";
        response.Headers["Server-Timing"] = OpenAiWire.ServerTimingHeader(engineRequest);
        await response.Body.WriteAsync(OpenAiWire.Body(header, engineRequest, text.ToString()), cancellationToken);
    }

    /// <summary>
    /// The engine died under this request: a 500 in OpenAI's error shape, or, once a stream has started, vLLM's way of
    /// failing a stream (an event carrying the error, then [DONE]), so the client sees an error rather than a hang.
    /// </summary>
    private static async Task RespondEngineStoppedAsync(HttpResponse response, OpenAiError error, CancellationToken cancellationToken)
    {
        if (!response.HasStarted)
        {
            response.StatusCode = error.Status;
            response.ContentType = "application/json";
            await response.Body.WriteAsync(OpenAiWire.Error(error), cancellationToken);
            return;
        }
        await WriteEventAsync(response.Body, OpenAiWire.Error(error), cancellationToken);
        await response.Body.WriteAsync(Done, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private static async ValueTask WriteEventAsync(Stream body, byte[] json, CancellationToken cancellationToken)
    {
        await body.WriteAsync(DataPrefix, cancellationToken);
        await body.WriteAsync(json, cancellationToken);
        await body.WriteAsync(EventEnd, cancellationToken);
    }
}
