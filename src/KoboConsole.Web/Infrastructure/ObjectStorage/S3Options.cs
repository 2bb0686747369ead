using System.ComponentModel.DataAnnotations;

namespace KoboConsole.Web.Infrastructure.ObjectStorage;

/// <summary>
/// <c>KoboConsole:Backups:S3</c>. Credentials: <c>AccessKeyId</c> with <c>SecretAccessKey</c> (an
/// environment variable) or <c>SecretAccessKeyFile</c>; neither: the AWS default chain.
/// </summary>
public sealed class S3Options : IValidatableObject
{
    public const string Section = "KoboConsole:Backups:S3";

    /// <summary>The key prefix when none is configured: a folder of the console's own, away from kobo's.</summary>
    public const string DefaultPrefix = "koboconsole";

    /// <summary>Top-level key folders under which kobo's S3 backup scripts delete objects by age.</summary>
    public static readonly IReadOnlyList<string> KoboPrunedFolders = ["postgres", "mongo", "redis"];

    /// <summary>The bucket; unset: no S3 target.</summary>
    public string? Bucket { get; set; }

    /// <summary>
    /// Key prefix inside the bucket (kobo's layout below it: postgres/daily/...). Unset:
    /// <see cref="DefaultPrefix"/>. Empty, or starting with postgres/, mongo/ or redis/, is refused:
    /// kobo's S3 scripts prune by age under those folders of the bucket.
    /// </summary>
    public string? Prefix { get; set; }

    /// <summary>The prefix keys get, with a trailing slash.</summary>
    public string EffectivePrefix => (Prefix ?? DefaultPrefix).Trim().Trim('/') is { Length: > 0 } p ? p + "/" : "";

    [RegularExpression("^[a-z0-9-]+$", ErrorMessage = "use an AWS region name such as eu-west-1.")]
    public string Region { get; set; } = "us-east-1";

    /// <summary>A custom endpoint (MinIO, s3rver, Wasabi...), e.g. http://127.0.0.1:4568.</summary>
    [Url(ErrorMessage = "must be an absolute URL such as https://s3.example.org.")]
    public string? ServiceUrl { get; set; }

    /// <summary>Path-style addressing (bucket in the path), needed by most S3-compatible servers.</summary>
    public bool ForcePathStyle { get; set; }

    public string? AccessKeyId { get; set; }

    public string? SecretAccessKey { get; set; }

    public string? SecretAccessKeyFile { get; set; }

    /// <summary>Multipart part size; memory use is about two parts.</summary>
    [Range(5, 512, ErrorMessage = "must be between 5 and 512 (MB); S3 parts are at least 5 MB.")]
    public int PartSizeMb { get; set; } = 16;

    /// <summary>e.g. STANDARD_IA; unset: the bucket's default.</summary>
    public string? StorageClass { get; set; }

    /// <summary>AES256 or aws:kms; unset: the bucket's default.</summary>
    public string? ServerSideEncryption { get; set; }

    /// <summary>
    /// AWS SDK default (true): streaming signatures with chunk encoding. S3-compatible servers that
    /// do not understand them (s3rver) need false, which also limits checksums to required ones.
    /// </summary>
    public bool UseChunkEncoding { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Bucket is not { Length: > 0 })
        {
            yield break;
        }

        var prefix = EffectivePrefix;
        if (prefix.Length == 0)
        {
            yield return new ValidationResult(
                $"an empty prefix puts the console's keys at postgres/<tier>/..., where kobo's S3 backup scripts delete objects by age; leave it unset (keys go under {DefaultPrefix}/) or name a folder of the console's own.",
                [nameof(Prefix)]);
        }
        else if (KoboPrunedFolders.FirstOrDefault(f => prefix.StartsWith(f + "/", StringComparison.Ordinal)) is { } folder)
        {
            yield return new ValidationResult(
                $"a prefix under {folder}/ puts the console's keys where kobo's S3 backup scripts delete objects by age; leave it unset (keys go under {DefaultPrefix}/) or name a folder of the console's own.",
                [nameof(Prefix)]);
        }
    }
}
