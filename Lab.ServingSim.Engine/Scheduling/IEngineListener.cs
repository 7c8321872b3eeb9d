namespace Lab.ServingSim.Engine.Scheduling;

/// <summary>Told, on the engine's thread, about every emitted token and every request that leaves the engine.</summary>
public interface IEngineListener
{
    /// <summary>A token was sampled at time (the end of the step); request.GeneratedTokens already counts it.</summary>
    void OnToken(EngineRequest request, double time);

    /// <summary>The request finished (Length/Stop) or was aborted; its KV blocks are already free.</summary>
    void OnFinished(EngineRequest request, double time);
}
