// Runs selected cases × profiles: cells sharing a target one after another, different targets side by side.
using System.Collections.Concurrent;
using Lab.Contracts.Orchestration;
using Lab.Orchestrator.Targets;

namespace Lab.Orchestrator.Runs;

public sealed class MatrixState(Guid id, string experiment, IReadOnlyList<MatrixCellPlan> cells)
{
    private readonly ConcurrentDictionary<MatrixCellPlan, RunHandle> _runs = new();
    private readonly ConcurrentDictionary<MatrixCellPlan, string> _errors = new();

    public Guid Id { get; } = id;
    public string Experiment { get; } = experiment;
    public IReadOnlyList<MatrixCellPlan> Cells { get; } = cells;
    public bool Finished { get; set; }

    public void Started(MatrixCellPlan cell, RunHandle run) => _runs[cell] = run;
    public void Refused(MatrixCellPlan cell, string error) => _errors[cell] = error;

    public MatrixProgress ToProgress(DateTimeOffset now)
    {
        var runs = Cells.Where(_runs.ContainsKey).Select(c => _runs[c].ToProgress(now)).ToList();
        var pending = Cells.Where(c => !_runs.ContainsKey(c) && !_errors.ContainsKey(c)).ToList();
        var status = !Finished ? "Running"
            : _errors.IsEmpty && runs.All(r => r.Status == Contracts.Costs.RunStatus.Completed) ? "Completed"
            : "CompletedWithFailures: " + string.Join("; ", _errors.Select(e => $"{e.Key.Case}/{e.Key.Profile}: {e.Value}")
                .Concat(runs.Where(r => r.Status != Contracts.Costs.RunStatus.Completed).Select(r => $"{r.Case}/{r.Profile}: {r.Status} {r.Reason}")));
        return new MatrixProgress(Id, Experiment, status, runs, pending);
    }
}

public sealed class MatrixRunner(RunLauncher launcher, TargetResolver targets, IHostApplicationLifetime lifetime,
    ILogger<MatrixRunner> logger)
{
    private readonly ConcurrentDictionary<Guid, MatrixState> _matrices = new();

    public MatrixState? Find(Guid id) => _matrices.GetValueOrDefault(id);

    public MatrixState Start(StartMatrixRequest request, IReadOnlyList<MatrixCellPlan> cells)
    {
        var matrix = new MatrixState(Guid.NewGuid(), request.Experiment, cells);
        _matrices[matrix.Id] = matrix;
        var experiment = launcher.Validate(request.Experiment, null, null).Experiment!;
        // Cells are grouped by where they send load, so one target never sees two runs at once.
        var lanes = cells.GroupBy(c => targets.Resolve(experiment.Profiles.First(p => p.Id == c.Profile), null).Target?.ToString() ?? c.Profile);
        var stopping = lifetime.ApplicationStopping;
        _ = Task.Run(async () =>
        {
            await Task.WhenAll(lanes.Select(lane => RunLaneAsync(matrix, request, lane.ToList(), stopping)));
            matrix.Finished = true;
        }, CancellationToken.None);
        return matrix;
    }

    private async Task RunLaneAsync(MatrixState matrix, StartMatrixRequest request, List<MatrixCellPlan> cells, CancellationToken stopping)
    {
        foreach (var cell in cells)
        {
            while (true)
            {
                var (run, error) = await launcher.StartAsync(new StartRunRequest(request.Experiment, cell.Case, cell.Profile, null, request.Seed, request.Scale), stopping);
                if (run is not null)
                {
                    matrix.Started(cell, run);
                    await run.Completion;
                    break;
                }
                if (error?.Conflict is not null && !stopping.IsCancellationRequested)
                {
                    // Someone else's run holds the target: wait our turn rather than fail the cell.
                    await Task.Delay(TimeSpan.FromSeconds(1), stopping);
                    continue;
                }
                var message = error?.Upstream ?? error?.Conflict ?? string.Join("; ", error?.Fields?.SelectMany(f => f.Value) ?? []);
                logger.LogWarning("Matrix {Matrix}: cell {Case}/{Profile} not started: {Error}", matrix.Id, cell.Case, cell.Profile, message);
                matrix.Refused(cell, message);
                break;
            }
        }
    }
}
