namespace Lab.ServingSim.Serving;

/// <summary>
/// The engine loop is no longer stepping: it failed (the inner exception says why) or the server is stopping.
/// Ends the streams of open requests and refuses new ones, so a dead engine answers errors instead of hanging.
/// </summary>
internal sealed class EngineStoppedException(string message, Exception? inner) : Exception(message, inner);
