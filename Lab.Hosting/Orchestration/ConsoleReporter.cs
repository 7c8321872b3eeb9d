// The AppHost's console: resource log lines prefixed with their name, state changes, and a summary once all are up.
using System.Diagnostics;
using Lab.Contracts.ControlPlane;

namespace Lab.Hosting.Orchestration;

internal sealed class ConsoleReporter(TextWriter output, bool useColors, ResourceNotificationService notifications, ResourceLoggerService logs)
{
    private static readonly string[] Palette = ["\e[36m", "\e[33m", "\e[35m", "\e[32m", "\e[34m", "\e[96m", "\e[93m", "\e[95m", "\e[92m", "\e[94m"];
    private const string Reset = "\e[0m";
    private const string Red = "\e[31m";
    private const string Bold = "\e[1m";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, (ResourceState, ResourceHealth)> _last = [];
    private readonly Dictionary<string, string> _colors = [];
    private bool _summaryShown;

    public void Attach(Stopwatch sinceStart, Uri controlUrl, CancellationToken cancellationToken)
    {
        logs.LineWritten += (resource, line) => WriteLine($"{Color(resource)}{line.Instance,-18}{Off} | {(line.IsError && useColors ? Red : "")}{line.Text}{(line.IsError ? Off : "")}");
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var snapshot in notifications.WatchAsync(cancellationToken))
                {
                    OnSnapshot(snapshot, sinceStart, controlUrl);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);
    }

    public void WriteLine(string text)
    {
        lock (_lock)
        {
            output.WriteLine(text);
            output.Flush();
        }
    }

    private void OnSnapshot(ResourceSnapshot snapshot, Stopwatch sinceStart, Uri controlUrl)
    {
        lock (_lock)
        {
            if (_last.TryGetValue(snapshot.Name, out var last) && last == (snapshot.State, snapshot.Health))
            {
                return;
            }
            _last[snapshot.Name] = (snapshot.State, snapshot.Health);
        }
        if (snapshot.State is ResourceState.NotStarted)
        {
            return;
        }
        var line = $"{Bold}» {Off}{Color(snapshot.Name)}{snapshot.Name,-16}{Off} {snapshot.State,-13} {snapshot.Health,-9} {string.Join(" ", snapshot.Endpoints)}";
        WriteLine(line);
        if (snapshot.IsTerminal && snapshot.Message is not null)
        {
            WriteLine($"{(useColors ? Red : "")}  {snapshot.Message}{Off}");
        }
        var all = notifications.Snapshots;
        if (!_summaryShown && all.All(s => s.IsReady))
        {
            _summaryShown = true;
            WriteSummary(all, sinceStart.Elapsed, controlUrl);
        }
    }

    private void WriteSummary(IReadOnlyList<ResourceSnapshot> all, TimeSpan elapsed, Uri controlUrl)
    {
        var lines = new List<string> { string.Empty, $"{Bold}Lab is up in {elapsed.TotalSeconds:0.0} s{Off} — {all.Count} resources healthy" };
        lines.AddRange(all.Select(s => $"  {s.Name,-16} {s.Type,-18} {s.State,-8} {s.Health,-8} x{s.Replicas}  {string.Join(" ", s.Endpoints)}"));
        lines.Add($"  control API: {controlUrl}api/resources   (Ctrl+C stops everything)");
        lines.Add(string.Empty);
        WriteLine(string.Join(Environment.NewLine, lines));
    }

    private string Off => useColors ? Reset : string.Empty;

    private string Color(string resource)
    {
        if (!useColors)
        {
            return string.Empty;
        }
        lock (_lock)
        {
            if (!_colors.TryGetValue(resource, out var color))
            {
                _colors[resource] = color = Palette[_colors.Count % Palette.Length];
            }
            return color;
        }
    }
}
