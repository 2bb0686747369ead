using KoboConsole.Web.Features.Backups;

namespace KoboConsole.Tests.Features.Backups.Targets;

/// <summary>A disk target must share no folder with a kobo container's bind mount.</summary>
public sealed class KoboBindGuardTests
{
    [Theory]
    [InlineData("/srv/kobo-docker/backups/postgres", "/srv/kobo-docker/backups/postgres", "is")]
    [InlineData("/srv/kobo-docker/backups/postgres/", "/srv/kobo-docker/backups/postgres", "is")]
    [InlineData("/srv/kobo-docker/backups/postgres/console", "/srv/kobo-docker/backups/postgres", "is inside")]
    [InlineData("/srv/kobo-docker/backups", "/srv/kobo-docker/backups/postgres", "contains")]
    [InlineData("/", "/srv/kobo-docker/backups/postgres", "contains")]
    public void Relation_SharedFolder_Named(string root, string bound, string expected) =>
        Assert.Equal(expected, KoboBindGuard.Relation(root, bound));

    [Theory]
    [InlineData("/srv/kobo-docker/backups/console", "/srv/kobo-docker/backups/postgres")]
    [InlineData("/srv/kobo-docker/backups/postgres-old", "/srv/kobo-docker/backups/postgres")]
    [InlineData("/srv/kobo-docker/backups/post", "/srv/kobo-docker/backups/postgres")]
    public void Relation_SiblingFolders_None(string root, string bound) =>
        Assert.Null(KoboBindGuard.Relation(root, bound));
}
