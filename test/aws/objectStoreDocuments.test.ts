import fc from "fast-check";
import { validateObjectStoreArgs } from "../../components/aws/objectStore";
import {
  dataBucketPolicy,
  lifecycleRules,
  replicationRolePolicy,
} from "../../components/aws/objectStoreDocuments";

const input = {
  sourceBucketArn: "arn:aws:s3:::src",
  sourceKeyArn: "arn:aws:kms:us-east-1:1:key/a",
  sourceRegion: "us-east-1",
  replicaBucketArn: "arn:aws:s3:::dst",
  replicaKeyArn: "arn:aws:kms:us-west-2:1:key/b",
  replicaRegion: "us-west-2",
  objectLock: false,
};

describe("replicationRolePolicy", () => {
  it("grants nothing on any resource but the two buckets and two keys", () => {
    const doc = replicationRolePolicy(input);
    const resources = new Set(doc.Statement.flatMap((s) => [s.Resource ?? []].flat()));
    expect([...resources].sort()).toEqual(
      [
        "arn:aws:s3:::src",
        "arn:aws:s3:::src/*",
        "arn:aws:s3:::dst/*",
        input.sourceKeyArn,
        input.replicaKeyArn,
      ].sort(),
    );
    expect(doc.Statement.every((s) => s.Effect === "Allow" && !String(s.Action).includes("*"))).toBe(true);
  });

  it("reads retention and legal holds only when object lock is on", () => {
    const actions = (lock: boolean) =>
      replicationRolePolicy({ ...input, objectLock: lock }).Statement.find(
        (s) => s.Sid === "ReadSourceVersions",
      )?.Action;
    expect(actions(false)).toEqual([
      "s3:GetObjectVersionForReplication",
      "s3:GetObjectVersionAcl",
      "s3:GetObjectVersionTagging",
    ]);
    expect(actions(true)).toEqual(expect.arrayContaining(["s3:GetObjectRetention", "s3:GetObjectLegalHold"]));
  });
});

describe("dataBucketPolicy", () => {
  it("only denies, never allows", () => {
    const doc = dataBucketPolicy("arn:aws:s3:::b", "arn:aws:kms:us-east-1:1:key/k");
    expect(doc.Statement.map((s) => s.Effect)).toEqual(["Deny", "Deny", "Deny", "Deny"]);
  });
});

describe("lifecycle days", () => {
  it("accepts any increasing schedule S3 accepts and rejects any other", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 800 }), (ia, archive) => {
        const valid = ia >= 30 && archive >= ia + 30;
        let threw = false;
        try {
          validateObjectStoreArgs({
            lifecycle: { infrequentAccessAfterDays: ia, archiveAfterDays: archive },
          });
        } catch {
          threw = true;
        }
        return threw === !valid;
      }),
      { numRuns: 300 },
    );
  });

  it("renders the transitions in order of the days", () => {
    fc.assert(
      fc.property(fc.integer({ min: 30, max: 300 }), fc.integer({ min: 30, max: 300 }), (ia, gap) => {
        const [tiering] = lifecycleRules({
          infrequentAccessAfterDays: ia,
          archiveAfterDays: ia + gap,
          archiveStorageClass: "GLACIER",
          expireNoncurrentAfterDays: 30,
          abortIncompleteMultipartAfterDays: 7,
          intelligentTiering: false,
        });
        const days = (tiering.transitions ?? []).map((t) => t.days);
        return days.length === 2 && days[0] < days[1];
      }),
    );
  });
});
