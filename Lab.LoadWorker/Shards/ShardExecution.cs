// Runs one claimed shard: plans its sends on the firing loop, records every request exactly once, then acks.
using System.Diagnostics;
using Lab.Contracts.Costs;
using Lab.Contracts.Distribution;
using Lab.LoadWorker.Recording;
using Lab.LoadWorker.Requests;
using Lab.LoadWorker.Timing;
using Lab.Evidence;

namespace Lab.LoadWorker.Shards;

public sealed class ShardExecution
{
    private readonly ShardAssignment _shard;
    private readonly RunClock _clock;
    private readonly CancellationToken _runCancelled;
    private readonly Func<int, string> _prompt;
    private readonly string _worker;
    private readonly CompletionRequester _requester;
    private readonly RecordSink _sink;
    private readonly WorkerMetrics _metrics;
    private readonly Action<ShardExecution> _onDone;
    private readonly Action<Guid> _onSent;
    private readonly Activity? _activity;
    private string[] _prompts = [];
    private PlannedSend[] _sends = [];
    private int _remaining;

    public ShardExecution(ShardAssignment shard, string entryId, bool reclaimed, RunClock clock, CancellationToken runCancelled, Func<int, string> prompt,
        string worker, CompletionRequester requester, RecordSink sink, WorkerMetrics metrics, Action<Guid> onSent, Action<ShardExecution> onDone)
    {
        (_shard, EntryId, Reclaimed, _clock, _runCancelled, _prompt, _worker, _requester, _sink, _metrics, _onSent, _onDone) =
            (shard, entryId, reclaimed, clock, runCancelled, prompt, worker, requester, sink, metrics, onSent, onDone);
        ActivityContext.TryParse(shard.TraceParent, shard.TraceState, isRemote: true, out var parent);
        _activity = WorkerTelemetry.Source.StartActivity($"process {DistributionKeys.ShardStream}", ActivityKind.Consumer, parent);
        _activity?.SetTag("messaging.system", "redis");
        _activity?.SetTag("messaging.operation.type", "process");
        _activity?.SetTag("messaging.operation.name", "process");
        _activity?.SetTag("messaging.consumer.group.name", DistributionKeys.WorkerGroup);
        _activity?.SetTag("messaging.destination.name", DistributionKeys.ShardStream);
        _activity?.SetTag("messaging.message.id", entryId);
        _activity?.SetTag("lab.run.id", shard.RunId.ToString());
        _activity?.SetTag("lab.shard", shard.Shard);
        _activity?.SetTag("lab.shard.reclaimed", reclaimed);
    }

    public string EntryId { get; }
    public bool Reclaimed { get; }
    public ShardAssignment Shard => _shard;

    /// <summary>Planned time of the shard's first request, in ms from now (negative once it has started).</summary>
    public double StartsInMs => _shard.OffsetsMs.Length == 0 ? 0 : _shard.OffsetsMs[0] - _clock.NowMs;

    /// <summary>recorded[i] tells whether request i of the shard already has a stored record.</summary>
    public void Start(IReadOnlyList<bool> recorded, FiringLoop loop)
    {
        var actions = ShardRecovery.Decide(_shard.OffsetsMs, recorded, _clock.NowMs, _shard.MaxLatenessMs, Reclaimed);
        _remaining = actions.Count(a => a != RecoveryAction.Skip);
        _activity?.SetTag("lab.shard.requests", _remaining);
        if (_remaining == 0)
        {
            Finish();
            return;
        }
        _prompts = new string[actions.Length];
        _sends = new PlannedSend[actions.Length];
        for (var i = 0; i < actions.Length; i++)
        {
            switch (actions[i])
            {
                case RecoveryAction.Lost:
                    Record(NotSent(i, DropReason.WorkerLost, $"planned {_clock.NowMs - _shard.OffsetsMs[i]:F0} ms ago on a worker that stopped; beyond the {_shard.MaxLatenessMs:F0} ms lateness bound"), false);
                    break;
                case RecoveryAction.Send:
                    // Built here, ahead of the send time, so prompt building never adds to send lateness.
                    _prompts[i] = _prompt(_shard.Indices[i]);
                    _sends[i] = new PlannedSend(this, i, _clock.TimestampAt(_shard.OffsetsMs[i]));
                    loop.Schedule(_sends[i]);
                    break;
            }
        }
        // A cancel records every request not yet sent at once, rather than as each planned time passes.
        _runCancelled.Register(CutUnsent);
    }

    private void CutUnsent()
    {
        for (var i = 0; i < _sends.Length; i++)
        {
            if (_sends[i] is { } send && send.TryClaim())
            {
                Record(NotSent(i, DropReason.Cancelled, "run cancelled before the planned send"), false);
            }
        }
    }

    private async Task FireAsync(int i)
    {
        if (_runCancelled.IsCancellationRequested)
        {
            // Claimed by the loop just as the cancel landed: this one is recorded here, the rest by CutUnsent.
            Record(NotSent(i, DropReason.Cancelled, "run cancelled before the planned send"), false);
            return;
        }
        var index = _shard.Indices[i];
        using var activity = WorkerTelemetry.Source.StartActivity($"text_completion {_shard.Model}", ActivityKind.Client, _activity?.Context ?? default);
        activity?.SetTag("gen_ai.operation.name", "text_completion");
        activity?.SetTag("gen_ai.request.model", _shard.Model);
        activity?.SetTag("gen_ai.request.max_tokens", _shard.OutputTokens);
        var target = new Uri(_shard.Target);
        activity?.SetTag("server.address", target.Host);
        activity?.SetTag("server.port", target.Port);
        activity?.SetTag("lab.run.id", _shard.RunId.ToString());
        activity?.SetTag("lab.request.index", index);
        _onSent(_shard.RunId);
        var result = await _requester.SendAsync(
            new CompletionCall(target, _shard.Model, _prompts[i], _shard.OutputTokens, TimeSpan.FromSeconds(_shard.TimeoutSeconds)), _runCancelled);
        var classification = OutcomeClassifier.Classify(result.Observation);
        var sentMs = _clock.MsSinceT0(result.SentTimestamp);
        var chunks = result.ChunkTimestamps.Select(_clock.MsSinceT0).ToList();
        double? lastMs = result.LastByteTimestamp is { } last ? _clock.MsSinceT0(last) : null;
        var timings = StreamTimings.From(sentMs, chunks, lastMs, result.Observation.OutputTokens);
        var lateness = sentMs - _shard.OffsetsMs[i];
        activity?.SetTag("gen_ai.usage.input_tokens", result.PromptTokens ?? _shard.PromptTokens);
        activity?.SetTag("gen_ai.usage.output_tokens", result.Observation.OutputTokens);
        activity?.SetTag("lab.outcome", classification.Successful ? "success" : "dropped");
        activity?.SetTag("lab.schedule.lateness", lateness / 1000);
        if (classification.Reason is { } reason)
        {
            activity?.SetTag("error.type", DropReasons.Name(reason));
            activity?.SetStatus(ActivityStatusCode.Error, classification.Error);
        }
        Record(new RequestRecord(
            index, _worker, PlannedAt(i), _clock.WallAt(sentMs),
            chunks.Count > 0 ? _clock.WallAt(chunks[0]) : null, lastMs is { } l ? _clock.WallAt(l) : null,
            classification.Successful ? null : _clock.WallAt(_clock.MsSinceT0(result.GivenUpTimestamp ?? result.LastByteTimestamp ?? Stopwatch.GetTimestamp())),
            classification.Outcome, classification.Reason, result.Observation.HttpStatus,
            result.PromptTokens ?? _shard.PromptTokens, result.Observation.OutputTokens,
            timings.TtftMs, timings.TpotMs, classification.Successful ? timings.E2eMs : null, timings.ItlMs,
            activity?.TraceId.ToString(), Error: classification.Error), true);
    }

    private DateTimeOffset PlannedAt(int i) => _clock.WallAt(_shard.OffsetsMs[i]);

    private RequestRecord NotSent(int i, DropReason reason, string error) => new(
        _shard.Indices[i], _worker, PlannedAt(i), null, null, null, _clock.WallAt(Math.Max(_clock.NowMs, _shard.OffsetsMs[i])),
        RequestOutcome.Dropped, reason, null, _shard.PromptTokens, 0, null, null, null, null, _activity?.TraceId.ToString(), Error: error);

    private void Record(RequestRecord record, bool wasSent)
    {
        _metrics.Record(record, _shard.Model);
        _sink.Add(new PendingRecord(_shard.RunId, record, wasSent, () =>
        {
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                Finish();
            }
        }));
    }

    private void Finish()
    {
        _activity?.Stop();
        _onDone(this);
    }

    /// <summary>Either the firing loop or a cancel claims a send, never both: one record per request.</summary>
    private sealed class PlannedSend(ShardExecution shard, int i, long due) : IPlannedSend
    {
        private int _claimed;

        public long DueTimestamp => due;

        public bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;

        public void Fire()
        {
            if (TryClaim())
            {
                _ = shard.FireAsync(i);
            }
        }
    }
}
