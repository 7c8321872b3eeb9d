// A case plan → Plotly traces for the plan page: the frontier (cost per 1K successful vs p95), the experiment's own
// profiles as predicted by the same twin, the pick, and the SLO's p95 limit as a line across the chart.
using Lab.Contracts.Experiments;
using Lab.ServingSim.Planner;
using Plotly.Blazor;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;

namespace Lab.Web.Model;

public static class PlanTraces
{
    public const string Frontier = "#0f6cbd";
    public const string Profiles = "#5b6b7a";
    public const string Pick = "#107c10";
    public const string Limit = "#c50f1f";

    public static IList<ITrace> For(CasePlan plan, SloDefinition slo)
    {
        var frontier = plan.Frontier.Where(f => f.Predicted.CostPer1KSuccessfulUsd is not null && f.Predicted.P95LatencySeconds is not null).ToList();
        var profiles = plan.Profiles.Where(p => p.Predicted.CostPer1KSuccessfulUsd is not null && p.Predicted.P95LatencySeconds is not null).ToList();
        var traces = new List<ITrace>
        {
            new Scatter
            {
                Name = "frontier",
                Mode = ModeFlag.Lines | ModeFlag.Markers,
                X = frontier.Select(f => (object)(double)f.Predicted.CostPer1KSuccessfulUsd!.Value).ToList(),
                Y = frontier.Select(f => (object)f.Predicted.P95LatencySeconds!.Value).ToList(),
                HoverTextArray = frontier.Select(f => Label(f)).ToList(),
                Line = new Line { Color = Frontier, Width = 1, Shape = Plotly.Blazor.Traces.ScatterLib.LineLib.ShapeEnum.Hv },
                Marker = new Marker { Color = Frontier, Size = 7 },
            },
            new Scatter
            {
                Name = "profiles",
                Mode = ModeFlag.Markers | ModeFlag.Text,
                X = profiles.Select(p => (object)(double)p.Predicted.CostPer1KSuccessfulUsd!.Value).ToList(),
                Y = profiles.Select(p => (object)p.Predicted.P95LatencySeconds!.Value).ToList(),
                TextArray = profiles.Select(p => p.Profile).ToList(),
                TextPosition = TextPositionEnum.TopCenter,
                Marker = new Marker { Color = Profiles, Size = 10, Symbol = Plotly.Blazor.Traces.ScatterLib.MarkerLib.SymbolEnum.Diamond },
            },
        };
        if (plan.Pick is { Predicted: { CostPer1KSuccessfulUsd: { } cost, P95LatencySeconds: { } p95 } } pick)
        {
            traces.Add(new Scatter
            {
                Name = "pick",
                Mode = ModeFlag.Markers,
                X = [(double)cost],
                Y = [p95],
                HoverTextArray = [Label(pick)],
                Marker = new Marker { Color = Pick, Size = 14, Symbol = Plotly.Blazor.Traces.ScatterLib.MarkerLib.SymbolEnum.Star },
            });
        }
        if (slo.P95LatencySeconds is { } limit)
        {
            var xs = frontier.Select(f => (double)f.Predicted.CostPer1KSuccessfulUsd!.Value)
                .Concat(profiles.Select(p => (double)p.Predicted.CostPer1KSuccessfulUsd!.Value)).ToList();
            if (xs.Count > 0)
            {
                traces.Add(new Scatter
                {
                    Name = $"SLO p95 ≤ {limit} s",
                    Mode = ModeFlag.Lines,
                    X = [xs.Min(), xs.Max()],
                    Y = [limit, limit],
                    Line = new Line { Color = Limit, Width = 2, Dash = "dash" },
                });
            }
        }
        return traces;
    }

    public static string Label(PlannedSetup setup) =>
        $"{setup.Replicas} × {setup.Gpu}, " + string.Join(" ", setup.ServerArgs.Where(a => a.Key != "gpu-memory-utilization").Select(a => $"--{a.Key} {a.Value}"));
}
