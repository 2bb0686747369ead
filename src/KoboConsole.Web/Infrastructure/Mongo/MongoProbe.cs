using KoboConsole.Web.Infrastructure.Probes;
using MongoDB.Bson;
using MongoDB.Driver;

namespace KoboConsole.Web.Infrastructure.Mongo;

/// <summary>
/// ping, buildInfo and listDatabases through MongoDB.Driver. The success path cannot be tested on
/// the development machines (no real MongoDB; the test bed's stand-in only accepts and closes).
/// </summary>
internal sealed class MongoProbe : IMongoProbe
{
    public async Task<MongoStats> ProbeAsync(ProbeTarget target, CancellationToken cancellationToken)
    {
        var settings = new MongoClientSettings
        {
            Server = new MongoServerAddress(target.Address, target.Port),
            DirectConnection = true,
            ConnectTimeout = target.Timeout,
            ServerSelectionTimeout = target.Timeout,
            SocketTimeout = target.Timeout,
            ApplicationName = "KoboConsole probe",
        };
        if (!string.IsNullOrEmpty(target.Username))
        {
            settings.Credential = MongoCredential.CreateCredential("admin", target.Username, target.Password);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(target.Timeout + TimeSpan.FromSeconds(1));
        using var client = new MongoClient(settings);
        try
        {
            var admin = client.GetDatabase("admin");
            await admin.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: timeout.Token);
            var build = await admin.RunCommandAsync<BsonDocument>(new BsonDocument("buildInfo", 1), cancellationToken: timeout.Token);
            var list = await admin.RunCommandAsync<BsonDocument>(new BsonDocument("listDatabases", 1), cancellationToken: timeout.Token);
            var sizes = list["databases"].AsBsonArray.Select(d => d.AsBsonDocument)
                .ToDictionary(d => d["name"].AsString, d => d["sizeOnDisk"].ToInt64(), StringComparer.Ordinal);
            return new MongoStats(build["version"].AsString, sizes);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ProbeFailedException($"MongoDB at {target.Address}:{target.Port} did not answer within {target.Timeout.TotalSeconds:0.#} s.");
        }
        catch (Exception ex) when (ex is MongoException or TimeoutException)
        {
            throw new ProbeFailedException($"MongoDB at {target.Address}:{target.Port}: {FirstLine(ex.Message)}", ex);
        }
    }

    private static string FirstLine(string message)
    {
        var i = message.IndexOfAny(['\r', '\n']);
        return i < 0 ? message : message[..i];
    }
}
