using System.Net.Sockets;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace KoboConsole.Web.Infrastructure.ObjectStorage;

/// <summary>AWSSDK.S3 behind <see cref="IObjectStore"/>: our records out, <see cref="ObjectStoreException"/> for every failure.</summary>
internal sealed class S3ObjectStore : IObjectStore
{
    private readonly AmazonS3Client _client;
    private readonly S3Options _options;
    private readonly string _prefix;

    public S3ObjectStore(S3Options options)
    {
        _options = options;
        Bucket = options.Bucket ?? throw new ObjectStoreException("no S3 bucket is configured: set KoboConsole:Backups:S3:Bucket.");
        // Validated at start (S3Options.Validate): never empty nor in kobo's pruned folders in the app.
        _prefix = options.EffectivePrefix;
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            MaxErrorRetry = 2,
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (options.ServiceUrl is { Length: > 0 } url)
        {
            config.ServiceURL = url;
            config.AuthenticationRegion = options.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        if (!options.UseChunkEncoding)
        {
            // Servers without streaming signatures also reject the SDK's default trailing checksums.
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }

        var secret = options.SecretAccessKeyFile is { Length: > 0 } file ? File.ReadAllText(file).Trim() : options.SecretAccessKey;
        _client = options.AccessKeyId is { Length: > 0 } keyId && secret is { Length: > 0 }
            ? new AmazonS3Client(new BasicAWSCredentials(keyId, secret), config)
            : new AmazonS3Client(config);
        Description = $"bucket '{Bucket}' at {options.ServiceUrl ?? "AWS " + options.Region}";
    }

    public string Bucket { get; }

    public string Description { get; }

    public bool UseChunkEncoding => _options.UseChunkEncoding;

    public async Task<IObjectUpload> StartUploadAsync(string key, CancellationToken cancellationToken)
    {
        var request = new InitiateMultipartUploadRequest { BucketName = Bucket, Key = _prefix + key };
        if (_options.StorageClass is { Length: > 0 } storageClass)
        {
            request.StorageClass = S3StorageClass.FindValue(storageClass);
        }

        if (_options.ServerSideEncryption is { Length: > 0 } sse)
        {
            request.ServerSideEncryptionMethod = ServerSideEncryptionMethod.FindValue(sse);
        }

        var started = await GuardAsync("start a multipart upload", () => _client.InitiateMultipartUploadAsync(request, cancellationToken));
        return new S3Upload(this, _client, _prefix + key, started.UploadId, _options.PartSizeMb * 1024 * 1024);
    }

    public async Task AbortUploadAsync(string key, string uploadId, CancellationToken cancellationToken)
    {
        try
        {
            await GuardAsync("abort a multipart upload", () => _client.AbortMultipartUploadAsync(
                new AbortMultipartUploadRequest { BucketName = Bucket, Key = _prefix + key, UploadId = uploadId }, cancellationToken));
        }
        catch (ObjectStoreException ex) when (ex.InnerException is AmazonS3Exception { ErrorCode: "NoSuchUpload" })
        {
            // Completed or aborted already.
        }
    }

    public async Task<IReadOnlyList<string>> ListIncompleteUploadsAsync(CancellationToken cancellationToken)
    {
        var response = await GuardAsync("list multipart uploads", () => _client.ListMultipartUploadsAsync(
            new ListMultipartUploadsRequest { BucketName = Bucket, Prefix = _prefix }, cancellationToken));
        return (response.MultipartUploads ?? []).Select(u => u.Key[_prefix.Length..]).ToList();
    }

    public async Task<IReadOnlyList<StoredObject>> ListAsync(CancellationToken cancellationToken)
    {
        var objects = new List<StoredObject>();
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = _prefix };
        ListObjectsV2Response page;
        do
        {
            page = await GuardAsync("list objects", () => _client.ListObjectsV2Async(request, cancellationToken));
            objects.AddRange((page.S3Objects ?? []).Select(o => new StoredObject(o.Key[_prefix.Length..], o.Size ?? 0, o.LastModified is { } m ? new DateTimeOffset(m.ToUniversalTime()) : DateTimeOffset.UnixEpoch)));
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);
        return objects;
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var response = await GuardAsync("read an object", () => _client.GetObjectAsync(Bucket, _prefix + key, cancellationToken));
        return response.ResponseStream;
    }

    // A one-byte GET, not a HEAD: a HEAD's error has no body, so a wrong secret would show as a bare
    // 403 instead of SignatureDoesNotMatch.
    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await GuardAsync("look for an object", () => _client.GetObjectAsync(
                new GetObjectRequest { BucketName = Bucket, Key = _prefix + key, ByteRange = new ByteRange(0, 0) }, cancellationToken));
            return true;
        }
        catch (ObjectStoreException ex) when (ex.InnerException is AmazonS3Exception { ErrorCode: "NoSuchKey" or "InvalidRange" } s3)
        {
            // InvalidRange: the object exists but is empty.
            return s3.ErrorCode == "InvalidRange";
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        GuardAsync("delete an object", () => _client.DeleteObjectAsync(Bucket, _prefix + key, cancellationToken));

    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        var key = $"{_prefix}.koboconsole-probe-{Guid.NewGuid():N}";
        var body = $"koboconsole probe {DateTimeOffset.UtcNow:O}";
        await GuardAsync("put a probe object", () => _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket,
            Key = key,
            ContentBody = body,
            UseChunkEncoding = _options.UseChunkEncoding,
        }, cancellationToken));
        using var read = await GuardAsync("read the probe object back", () => _client.GetObjectAsync(Bucket, key, cancellationToken));
        using var reader = new StreamReader(read.ResponseStream);
        var back = await reader.ReadToEndAsync(cancellationToken);
        await GuardAsync("delete the probe object", () => _client.DeleteObjectAsync(Bucket, key, cancellationToken));
        if (back != body)
        {
            throw new ObjectStoreException($"{Description} returned different content for the probe object than was put; the server or a proxy alters objects.");
        }
    }

    public void Dispose() => _client.Dispose();

    internal async Task<T> GuardAsync<T>(string operation, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (Translate(ex, operation) is { } translated)
        {
            throw translated;
        }
    }

    private ObjectStoreException? Translate(Exception ex, string operation) => ex switch
    {
        AmazonS3Exception { ErrorCode: "InvalidAccessKeyId" } => new($"{Description} does not know the access key (InvalidAccessKeyId) when trying to {operation}: check KoboConsole:Backups:S3:AccessKeyId.", ex),
        AmazonS3Exception { ErrorCode: "SignatureDoesNotMatch" } => new($"{Description} rejected the signature (SignatureDoesNotMatch) when trying to {operation}: the secret key is wrong; check KoboConsole:Backups:S3:SecretAccessKey or SecretAccessKeyFile.", ex),
        AmazonS3Exception { ErrorCode: "AccessDenied" } => new($"{Description} denied access when trying to {operation}: the key needs s3:PutObject, s3:GetObject, s3:DeleteObject, s3:ListBucket and multipart permissions.", ex),
        AmazonS3Exception { ErrorCode: "NoSuchBucket" } => new($"{Description} does not exist: create the bucket or fix KoboConsole:Backups:S3:Bucket.", ex),
        AmazonS3Exception s3 => new($"{Description} failed to {operation}: {s3.ErrorCode} {s3.Message}", ex),
        HttpRequestException or SocketException or IOException or AmazonServiceException { InnerException: HttpRequestException or SocketException or IOException }
            => new($"{Description} is unreachable when trying to {operation}: {Innermost(ex).Message} Check KoboConsole:Backups:S3:ServiceUrl/Region and the network.", ex),
        TaskCanceledException or TimeoutException when ex is not OperationCanceledException { CancellationToken.IsCancellationRequested: true }
            => new($"{Description} did not answer in time when trying to {operation}; check the endpoint and the network.", ex),
        AmazonClientException client => new($"{Description}: could not {operation}: {client.Message}", ex),
        _ => null,
    };

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }
}
