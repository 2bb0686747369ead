using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Backups;

/// <summary><c>mongodump --archive --gzip</c> in the mongo container, with the root user from its environment when set.</summary>
internal static class MongoSource
{
    public static BackupItemPlan Plan(IContainerEngine engine, ContainerDetails mongo, BackupSource source, string domain, DateTimeOffset at)
    {
        var env = ContainerEnv.Of(mongo.Env);
        var major = env.GetValueOrDefault("MONGO_MAJOR") is { Length: > 0 } m ? m : "unknown";
        var spec = Spec(env.GetValueOrDefault("MONGO_INITDB_ROOT_USERNAME"), env.GetValueOrDefault("MONGO_INITDB_ROOT_PASSWORD"));
        return new BackupItemPlan(BackupStores.Mongo, "mongo", BackupNames.Mongo(major, domain, at), null, major, source,
            async (output, ct) =>
            {
                await ContainerExec.StreamAsync(engine, mongo.Id, spec, output, "mongodump", ct);
                return ItemFacts.None;
            });
    }

    /// <summary>
    /// With credentials, a shell expands them from the exec's environment, so they never appear
    /// in the exec's recorded command (which <c>docker inspect</c> of the exec would show).
    /// </summary>
    internal static ExecSpec Spec(string? user, string? password)
    {
        if (string.IsNullOrEmpty(user))
        {
            return new ExecSpec { Cmd = ["mongodump", "--archive", "--gzip"], BulkOutput = true };
        }

        return new ExecSpec
        {
            Cmd = ["sh", "-c", "exec mongodump --archive --gzip -u \"$KC_DUMP_USER\" -p \"$KC_DUMP_PASSWORD\" --authenticationDatabase admin"],
            Env = [$"KC_DUMP_USER={user}", $"KC_DUMP_PASSWORD={password}"],
            BulkOutput = true,
        };
    }
}
