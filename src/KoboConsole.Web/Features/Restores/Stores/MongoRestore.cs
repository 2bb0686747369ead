using KoboConsole.Web.Features.Stack;
using KoboConsole.Web.Infrastructure.Docker;

namespace KoboConsole.Web.Features.Restores.Stores;

/// <summary><c>mongorestore --archive --gzip --drop</c> with the archive streamed into its stdin.</summary>
public static class MongoRestore
{
    /// <summary>Credentials from the container's environment go through the exec's environment, never its command line.</summary>
    public static ExecSpec Spec(ContainerDetails mongo)
    {
        var env = ContainerEnv.Of(mongo.Env);
        var user = env.GetValueOrDefault("MONGO_INITDB_ROOT_USERNAME");
        if (string.IsNullOrEmpty(user))
        {
            return new ExecSpec { Cmd = ["mongorestore", "--archive", "--gzip", "--drop"] };
        }

        return new ExecSpec
        {
            Cmd = ["sh", "-c", "exec mongorestore --archive --gzip --drop -u \"$KC_RESTORE_USER\" -p \"$KC_RESTORE_PASSWORD\" --authenticationDatabase admin"],
            Env = [$"KC_RESTORE_USER={user}", $"KC_RESTORE_PASSWORD={env.GetValueOrDefault("MONGO_INITDB_ROOT_PASSWORD")}"],
        };
    }

    /// <summary>
    /// Streams the archive in; the result's byte count is what mongorestore read. The caller checks
    /// with <see cref="Verify"/> that this was the whole backup.
    /// </summary>
    public static async Task<StoreRestoreResult> RestoreAsync(RestoreTarget target, Stream archive, CancellationToken cancellationToken)
    {
        var mongo = await StdinExec.InspectRunningAsync(target, "mongorestore", cancellationToken);
        var counting = archive as BackupStream;
        var before = counting?.BytesRead ?? 0;
        await StdinExec.RunAsync(target, mongo, Spec(mongo), archive, "mongorestore", cancellationToken);
        var bytes = counting is null ? 0 : counting.BytesRead - before;
        return new StoreRestoreResult(bytes, $"mongorestore on {mongo.Name} read {bytes} bytes and exited with code 0.");
    }

    /// <summary>
    /// MongoDB has no cheap count to compare (the manifest keeps none): the proof is that
    /// mongorestore consumed the whole stream (it validates the archive's terminator) and exited 0.
    /// </summary>
    public static StoreVerification Verify(BackupStream archive, long? expectedBytes)
    {
        if (!archive.Ended)
        {
            return StoreVerification.Fail($"mongorestore stopped reading after {archive.BytesRead} bytes; the archive was not fully restored.");
        }

        return expectedBytes is { } size && size != archive.BytesRead
            ? StoreVerification.Fail($"mongorestore read {archive.BytesRead} bytes but the backup holds {size}.")
            : StoreVerification.Pass($"mongorestore consumed the whole archive ({archive.BytesRead} bytes) and exited with code 0.");
    }
}
