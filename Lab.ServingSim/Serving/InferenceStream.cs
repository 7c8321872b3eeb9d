// Carries one request's tokens from the engine thread to its HTTP response (the EngineRequest.Tag of a served request).
using System.Threading.Channels;
using Lab.ServingSim.Engine.Scheduling;

namespace Lab.ServingSim.Serving;

internal sealed class InferenceStream
{
    private readonly Channel<int> _tokens = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    public InferenceStream(EngineRequest request) => Request = request;

    public EngineRequest Request { get; }

    /// <summary>
    /// Index (1-based) of each emitted token; completes when the request leaves the engine. Like every channel, its
    /// Completion task finishes only once the reader has drained it: a consumer must read the tokens, not just wait.
    /// </summary>
    public ChannelReader<int> Tokens => _tokens.Reader;

    internal void Emit(int index) => _tokens.Writer.TryWrite(index);

    internal void Complete() => _tokens.Writer.TryComplete();

    /// <summary>Ends the stream with an error: readers get the tokens already emitted, then the exception.</summary>
    internal void Fail(Exception error) => _tokens.Writer.TryComplete(error);
}
