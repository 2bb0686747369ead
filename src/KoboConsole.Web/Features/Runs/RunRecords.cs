namespace KoboConsole.Web.Features.Runs;

/// <summary>Run states as the API names them.</summary>
public static class RunStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static bool IsFinished(string state) => state is Succeeded or Failed or Cancelled;
}

public sealed record RunProgressView(string? Step, long Bytes, long? TotalBytes);

public sealed record RunItemView(int Seq, string Store, string Name, string State, string? BackupId, long Bytes, string? Sha256, string? Error,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt);

/// <summary>One run as <c>GET /api/v1/runs/{runId}</c> shows it (see api-contract.md).</summary>
public sealed record RunView(
    string Id,
    string Kind,
    string State,
    string Actor,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    RunProgressView Progress,
    IReadOnlyList<RunItemView> Items,
    string? Error,
    IReadOnlyList<string> Log,
    bool CancelRequested,
    string? Request)
{
    public TimeSpan Elapsed(DateTimeOffset now) => StartedAt is { } s ? (FinishedAt ?? now) - s : TimeSpan.Zero;
}

/// <summary>The API's shape of a run: no actor or request (the audit has those).</summary>
public sealed record RunResponse(
    string Id,
    string Kind,
    string State,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    RunProgressView Progress,
    IReadOnlyList<RunItemResponse> Items,
    string? Error,
    IReadOnlyList<string> Log)
{
    public static RunResponse From(RunView r) => new(r.Id, r.Kind, r.State, r.StartedAt ?? r.CreatedAt, r.FinishedAt, r.Progress,
        r.Items.Select(i => new RunItemResponse(i.Store, i.Name, i.State, i.BackupId, i.Bytes, i.Sha256, i.Error, i.StartedAt, i.FinishedAt)).ToList(), r.Error, r.Log);
}

/// <summary>One item of a run; <c>startedAt</c>/<c>finishedAt</c> (beyond api-contract.md) give its own duration, for rates.</summary>
public sealed record RunItemResponse(string Store, string Name, string State, string? BackupId, long Bytes, string? Sha256, string? Error,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt);
