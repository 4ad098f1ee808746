import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createObjectStore } from "../src/store";
import { FsObjectStore, TMP_MAX_AGE_MS } from "../src/store/fsStore";

/** What a writer killed inside `putIfAbsent` leaves: a body and its metadata under `.tmp-` names. */
function leftover(dir: string, id: string, ageMs: number, body = Buffer.from("body")) {
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.tmp-${id}`);
  writeFileSync(tmp, body);
  writeFileSync(`${tmp}.meta.json`, JSON.stringify({ "last-offset": "9" }));
  const when = (Date.now() - ageMs) / 1000;
  utimesSync(tmp, when, when);
  utimesSync(`${tmp}.meta.json`, when, when);
  return tmp;
}

const everything = (dir: string): string[] =>
  (readdirSync(dir, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name).slice(dir.length + 1))
    .sort();

describe("FsObjectStore.sweep: temporaries left by writers that died", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "seawall-fs-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("removes old temporaries in every directory and keeps fresh ones and the objects", async () => {
    const store = new FsObjectStore(dir);
    await store.putIfAbsent("lake/t/dt=2026-01-01/a.jsonl.gz", Buffer.from("a"), { "last-offset": "1" });
    const hour = 60 * 60 * 1000;
    leftover(join(dir, "lake", "t", "dt=2026-01-01"), "dead-1", hour);
    leftover(join(dir, "lake", "t", "dt=2026-01-02"), "dead-2", hour);
    leftover(join(dir, "lake", "t", "dt=2026-01-01"), "live", 1000);

    const result = await store.sweep(TMP_MAX_AGE_MS);

    expect(result.removed.sort()).toEqual(
      [
        "lake/t/dt=2026-01-01/.tmp-dead-1",
        "lake/t/dt=2026-01-01/.tmp-dead-1.meta.json",
        "lake/t/dt=2026-01-02/.tmp-dead-2",
        "lake/t/dt=2026-01-02/.tmp-dead-2.meta.json",
      ].sort(),
    );
    expect(everything(dir)).toEqual(
      [
        join("lake", "t", "dt=2026-01-01", ".tmp-live"),
        join("lake", "t", "dt=2026-01-01", ".tmp-live.meta.json"),
        join("lake", "t", "dt=2026-01-01", "a.jsonl.gz"),
        join("lake", "t", "dt=2026-01-01", "a.jsonl.gz.meta.json"),
      ].sort(),
    );
    expect(await store.list("lake/")).toEqual(["lake/t/dt=2026-01-01/a.jsonl.gz"]);
    // A bound of zero takes the fresh ones too.
    expect((await store.sweep(0)).removed.sort()).toEqual(
      ["lake/t/dt=2026-01-01/.tmp-live", "lake/t/dt=2026-01-01/.tmp-live.meta.json"].sort(),
    );
  });

  it("gives an object whose writer died between the link and the rename its metadata back", async () => {
    const store = new FsObjectStore(dir);
    const d = join(dir, "lake", "t", "dt=2026-01-01");
    const body = Buffer.from("records");
    const tmp = leftover(d, "after-link", 60 * 60 * 1000, body);
    linkSync(tmp, join(d, "b.jsonl.gz"));
    expect(await store.head("lake/t/dt=2026-01-01/b.jsonl.gz")).toEqual({});

    const result = await store.sweep();

    expect(result.restored).toEqual(["lake/t/dt=2026-01-01/b.jsonl.gz"]);
    expect(await store.head("lake/t/dt=2026-01-01/b.jsonl.gz")).toEqual({ "last-offset": "9" });
    expect(everything(dir)).toEqual(
      [
        join("lake", "t", "dt=2026-01-01", "b.jsonl.gz"),
        join("lake", "t", "dt=2026-01-01", "b.jsonl.gz.meta.json"),
      ].sort(),
    );
    expect((await store.get("lake/t/dt=2026-01-01/b.jsonl.gz")).toString()).toBe("records");
  });

  it("is what createObjectStore does for the file scheme at start-up", async () => {
    leftover(join(dir, "lake", "t", "dt=2026-01-01"), "dead", 2 * TMP_MAX_AGE_MS);
    const store = await createObjectStore({ LAKE_SCHEME: "file", LAKE_BUCKET: dir, LAKE_REGION: "" });
    expect(store).toBeInstanceOf(FsObjectStore);
    expect(existsSync(join(dir, "lake", "t", "dt=2026-01-01", ".tmp-dead"))).toBe(false);
    expect(everything(dir)).toEqual([]);
  });

  it("sweeps an empty or missing lake without error", async () => {
    expect(await new FsObjectStore(join(dir, "none")).sweep()).toEqual({ removed: [], restored: [] });
  });
});
