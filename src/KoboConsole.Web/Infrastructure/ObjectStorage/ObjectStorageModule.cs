namespace KoboConsole.Web.Infrastructure.ObjectStorage;

/// <summary>Creates object stores from options; callers dispose what they create.</summary>
public static class ObjectStores
{
    public static IObjectStore Create(S3Options options) => new S3ObjectStore(options);
}
