/**
 * Amazon S3 or any S3-compatible endpoint, through the AWS SDK v3. Create-only by a conditional
 * write (`If-None-Match: *`): a 412 (or 409 for a concurrent conditional write) means the object is
 * already there, which the lake sink treats as done. A HEAD first keeps the guarantee on
 * S3-compatible servers that ignore the condition, for one writer at a time.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { Agent } from "node:https";
import { rootCertificates } from "node:tls";
import { orderVersions, type ObjectStore, type ObjectVersion } from "./objectStore";
import { PermanentError } from "../errors";
import { contentTypeOf } from "../naming";

export interface S3StoreOptions {
  bucket: string;
  region: string;
  /** A custom endpoint (an S3-compatible server); path-style addressing is used with it. */
  endpoint?: string;
  credentials?: S3ClientConfig["credentials"];
  /** PEM CA bundle the endpoint's certificate is verified against, beside Node's own roots. */
  caCert?: string;
}

function status(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

export class S3ObjectStore implements ObjectStore {
  private readonly s3: S3Client;

  constructor(private readonly o: S3StoreOptions) {
    this.s3 = new S3Client({
      region: o.region || "us-east-1",
      endpoint: o.endpoint,
      forcePathStyle: o.endpoint !== undefined,
      credentials: o.credentials,
      // A private CA (an in-cluster S3-compatible store): trusted beside the public roots.
      ...(o.caCert
        ? {
            requestHandler: {
              httpsAgent: new Agent({ ca: [...rootCertificates, o.caCert], keepAlive: true }),
            },
          }
        : {}),
      // The call policy retries with backoff and a breaker; the SDK should not retry underneath it.
      maxAttempts: 1,
      // Content-MD5 is sent on every write; no aws-chunked trailers, which some S3-compatible servers lack.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  async putIfAbsent(key: string, body: Buffer, metadata: Record<string, string>) {
    if (await this.head(key)) return "exists" as const;
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.o.bucket,
          Key: key,
          Body: body,
          IfNoneMatch: "*",
          Metadata: metadata,
          ContentType: contentTypeOf(key),
          ContentMD5: createHash("md5").update(body).digest("base64"),
        }),
      );
      return "created" as const;
    } catch (err) {
      const s = status(err);
      if (s === 412 || s === 409) return "exists" as const;
      throw err;
    }
  }

  async head(key: string, versionId?: string) {
    try {
      const r = await this.s3.send(
        new HeadObjectCommand({ Bucket: this.o.bucket, Key: key, VersionId: versionId }),
      );
      return r.Metadata ?? {};
    } catch (err) {
      if (status(err) === 404) return undefined;
      throw err;
    }
  }

  async get(key: string, versionId?: string) {
    const r = await this.s3.send(
      new GetObjectCommand({ Bucket: this.o.bucket, Key: key, VersionId: versionId }),
    );
    return Buffer.from(await r.Body!.transformToByteArray());
  }

  async list(prefix: string) {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const r = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.o.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of r.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  /** DeleteObject: S3 answers 204 for a missing key too; on a versioned bucket it adds a delete marker. */
  async delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.o.bucket, Key: key }));
  }

  /** ListObjectVersions: versions and delete markers (an unversioned bucket's objects have VersionId "null"). */
  async listVersions(prefix: string): Promise<ObjectVersion[]> {
    const out: ObjectVersion[] = [];
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    do {
      let r;
      try {
        r = await this.s3.send(
          new ListObjectVersionsCommand({
            Bucket: this.o.bucket,
            Prefix: prefix,
            KeyMarker: keyMarker,
            VersionIdMarker: versionIdMarker,
          }),
        );
      } catch (err) {
        const s = status(err);
        if (s === 405 || s === 501) {
          throw new PermanentError(
            "SEAWALL_LAKE_VERSIONS",
            `the S3 endpoint ${this.o.endpoint ?? "(AWS)"} does not implement ListObjectVersions (HTTP ${s}); restores as of a time need a versioned S3 bucket`,
          );
        }
        throw err;
      }
      for (const v of r.Versions ?? []) {
        if (!v.Key) continue;
        out.push({
          key: v.Key,
          versionId: v.VersionId ?? "null",
          lastModified: v.LastModified ?? new Date(0),
          deleted: false,
          latest: v.IsLatest === true,
        });
      }
      for (const m of r.DeleteMarkers ?? []) {
        if (!m.Key) continue;
        out.push({
          key: m.Key,
          versionId: m.VersionId ?? "null",
          lastModified: m.LastModified ?? new Date(0),
          deleted: true,
          latest: m.IsLatest === true,
        });
      }
      const more = r.IsTruncated === true;
      keyMarker = more ? r.NextKeyMarker : undefined;
      versionIdMarker = more ? r.NextVersionIdMarker : undefined;
    } while (keyMarker !== undefined);
    return orderVersions(out);
  }

  destroy() {
    this.s3.destroy();
  }
}
