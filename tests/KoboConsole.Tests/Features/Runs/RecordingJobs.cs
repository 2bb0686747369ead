using Hangfire;
using Hangfire.Common;
using Hangfire.States;

namespace KoboConsole.Tests.Features.Runs;

/// <summary>Hangfire's client for tests that start runs: records each job queued, runs none.</summary>
internal sealed class RecordingJobs : IBackgroundJobClient
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<Job> _created = new();

    public IReadOnlyCollection<Job> Created => _created;

    public string Create(Job job, IState state)
    {
        _created.Enqueue(job);
        return _created.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool ChangeState(string jobId, IState state, string expectedState) => true;
}
