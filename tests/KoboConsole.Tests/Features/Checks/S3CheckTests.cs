using KoboConsole.Web.Features.Checks;
using KoboConsole.Web.Infrastructure.ObjectStorage;

namespace KoboConsole.Tests.Features.Checks;

public sealed class S3CheckTests
{
    [Fact]
    public async Task S3_ProbeSucceeds_OkNamingTheBucket()
    {
        using var store = new ProbedStore(null);

        var r = await DataChecks.S3Async(store, CancellationToken.None);

        Assert.Equal((CheckKinds.Console, "s3", CheckStates.Ok), (r.Check, r.Target, r.State));
        Assert.Contains("bucket kobo at http://s3.local", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task S3_ProbeFails_FailingWithTheReasonAndWhatToCheck()
    {
        using var store = new ProbedStore(new ObjectStoreException("S3 refused the upload: AccessDenied."));

        var r = await DataChecks.S3Async(store, CancellationToken.None);

        Assert.Equal(CheckStates.Failing, r.State);
        Assert.Contains("AccessDenied", r.Message, StringComparison.Ordinal);
        Assert.Contains("KoboConsole:Backups:S3", r.Message, StringComparison.Ordinal);
    }

    /// <summary>A bucket whose probe succeeds or throws the given error; nothing else is used.</summary>
    private sealed class ProbedStore(ObjectStoreException? error) : IObjectStore
    {
        public string Description => "bucket kobo at http://s3.local";

        public Task ProbeAsync(CancellationToken cancellationToken) => error is null ? Task.CompletedTask : Task.FromException(error);

        public Task<IObjectUpload> StartUploadAsync(string key, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task AbortUploadAsync(string key, string uploadId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<string>> ListIncompleteUploadsAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<StoredObject>> ListAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }
}
