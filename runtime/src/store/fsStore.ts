/**
 * The embedded default: the local filesystem. Create-only by `link(2)`, which fails with EEXIST
 * atomically; the body and its metadata are written to temporary files and fsynced first.
 *
 * Versioned like a cloud bucket: `delete` moves the object and its metadata into the hidden
 * {@link VERSIONS} area (`.versions/<key>/<version id>`, `<version id>.meta.json`) and records the
 * deletion there (`<id>.deleted`), so `listVersions` and `get(key, versionId)` serve restores "as of a
 * time". A version id is the body's modification time (ms, 15 digits) and inode: stable from the
 * write to the archive, since a rename keeps both.
 */
import { createHash, randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { orderVersions, type ObjectStore, type ObjectVersion } from "./objectStore";

const META = ".meta.json";
const TMP = ".tmp-";
const DELETED = ".deleted";
/** The hidden area under the root that holds noncurrent versions and deletions; never a key. */
export const VERSIONS = ".versions";

/**
 * How old a temporary must be before {@link FsObjectStore.sweep} takes it for a dead writer's.
 * A live writer's temporaries exist only while one `putIfAbsent` runs (write, fsync, link, rename),
 * which takes milliseconds to seconds; each attempt is also bounded by `CALL_TIMEOUT_MS`, and a
 * writer that outlives its attempt still removes them in `finally`. Ten minutes is far above both,
 * so a sweep in one process never takes the temporaries of a writer alive in another. Writing a
 * file updates its mtime, so a body still being written always looks young.
 * @defaultValue 10 minutes
 */
export const TMP_MAX_AGE_MS = 10 * 60 * 1000;

/** What a sweep did, as lake-relative paths. */
export interface SweepResult {
  /** Temporaries removed. */
  removed: string[];
  /** Objects whose writer died between the link and the metadata's rename: their metadata is back. */
  restored: string[];
}

export class FsObjectStore implements ObjectStore {
  constructor(private readonly root: string) {}

  private path(key: string): string {
    if (key.split("/").some((p) => p === ".." || p === "" || p === VERSIONS))
      throw new Error(`invalid object key: ${key}`);
    return join(this.root, ...key.split("/"));
  }

  /** The directory that holds a key's noncurrent versions and deletions. */
  private versionsDir(key: string): string {
    this.path(key);
    return join(this.root, VERSIONS, ...key.split("/"));
  }

  async putIfAbsent(key: string, body: Buffer, metadata: Record<string, string>) {
    const target = this.path(key);
    await fs.mkdir(dirname(target), { recursive: true });
    const tmp = join(dirname(target), `${TMP}${randomUUID()}`);
    const meta = { ...metadata, "content-sha256": createHash("sha256").update(body).digest("hex") };
    // Only the body is fsynced: the metadata can be recomputed from it.
    await fs.writeFile(`${tmp}${META}`, JSON.stringify(meta));
    await writeDurable(tmp, body);
    try {
      // The body's link is the commit point; its metadata follows by an atomic rename. Writers of one
      // key write the same records (names are derived from content), so a lost race loses nothing.
      if (!(await linkOrExists(tmp, target))) return "exists" as const;
      await fs.rename(`${tmp}${META}`, `${target}${META}`);
      return "created" as const;
    } finally {
      await Promise.all([fs.rm(tmp, { force: true }), fs.rm(`${tmp}${META}`, { force: true })]);
    }
  }

  /**
   * Cleans up after writers that died inside `putIfAbsent` (SIGKILL, OOM, power loss): removes every
   * `.tmp-*` file older than `olderThanMs` under the root. When a writer died after linking its body
   * to the target but before renaming the metadata onto it, the target (same inode as the body's
   * temporary) gets that metadata first. `createObjectStore` calls this for the file scheme at
   * start-up. Safe to run from several processes at once.
   */
  async sweep(olderThanMs = TMP_MAX_AGE_MS): Promise<SweepResult> {
    const result: SweepResult = { removed: [], restored: [] };
    const cutoff = Date.now() - olderThanMs;
    const rel = (p: string) => relative(this.root, p).split(sep).join("/");
    const gone = (err: unknown) => (err as NodeJS.ErrnoException).code === "ENOENT";
    const walk = async (d: string): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(d, { withFileTypes: true });
      } catch (err) {
        if (gone(err)) return;
        throw err;
      }
      const old: string[] = [];
      for (const e of entries) {
        const p = join(d, e.name);
        if (e.isDirectory()) {
          if (e.name !== VERSIONS) await walk(p);
        } else if (e.name.startsWith(TMP)) {
          const st = await fs.stat(p).catch((err: unknown) => (gone(err) ? undefined : Promise.reject(err)));
          if (st && st.mtimeMs <= cutoff) old.push(e.name);
        }
      }
      // A body linked to its target, with its metadata not yet renamed: finish the rename.
      for (const name of old.filter((n) => n.endsWith(META))) {
        const body = join(d, name.slice(0, -META.length));
        const st = await fs.stat(body).catch(() => undefined);
        if (!st || st.nlink < 2) continue;
        for (const e of entries) {
          if (!e.isFile() || e.name.startsWith(TMP) || e.name.endsWith(META)) continue;
          const target = join(d, e.name);
          const t = await fs.stat(target).catch(() => undefined);
          if (t?.ino !== st.ino || t.dev !== st.dev) continue;
          try {
            await fs.link(join(d, name), `${target}${META}`);
            await fs.rm(join(d, name), { force: true });
            result.restored.push(rel(target));
          } catch (err) {
            // EEXIST: the target has its metadata; ENOENT: another sweep took it.
            if (!["EEXIST", "ENOENT"].includes((err as NodeJS.ErrnoException).code ?? "")) throw err;
          }
        }
      }
      for (const name of old) {
        const p = join(d, name);
        try {
          await fs.rm(p);
          result.removed.push(rel(p));
        } catch (err) {
          if (!gone(err)) throw err;
        }
      }
    };
    await walk(this.root);
    return result;
  }

  async head(key: string, versionId?: string) {
    const target = versionId === undefined ? this.path(key) : await this.versionPath(key, versionId);
    try {
      await fs.access(target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
    try {
      return JSON.parse(await fs.readFile(`${target}${META}`, "utf8")) as Record<string, string>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return {};
      throw err;
    }
  }

  async get(key: string, versionId?: string) {
    return fs.readFile(versionId === undefined ? this.path(key) : await this.versionPath(key, versionId));
  }

  /** Where a version's body is: the live object when it is that version, else the archive. */
  private async versionPath(key: string, versionId: string): Promise<string> {
    if (!/^\d{15}-\d+$/.test(versionId)) throw new Error(`invalid version id for ${key}: ${versionId}`);
    const live = this.path(key);
    const st = await fs.stat(live).catch(() => undefined);
    if (st && versionIdOf(st) === versionId) return live;
    return join(this.versionsDir(key), versionId);
  }

  async delete(key: string): Promise<void> {
    const target = this.path(key);
    const dir = this.versionsDir(key);
    let st;
    try {
      st = await fs.stat(target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      // Gone already. A delete that died after archiving the body and before recording the deletion
      // left the archive's newest entry a body: record the deletion now.
      const names = await fs.readdir(dir).catch(() => [] as string[]);
      const newest = names
        .filter((n) => !n.endsWith(META) && !n.startsWith(TMP))
        .sort()
        .pop();
      if (newest !== undefined && !newest.endsWith(DELETED)) await this.markDeleted(dir);
      return;
    }
    const id = versionIdOf(st);
    await fs.mkdir(dir, { recursive: true });
    // The metadata first: a crash after it leaves a live object without metadata, which readers
    // recompute from the body; the body's rename is the commit point.
    await fs.rename(`${target}${META}`, join(dir, `${id}${META}`)).catch(ignoreMissing);
    try {
      await fs.rename(target, join(dir, id));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return; // another delete took it
      throw err;
    }
    await this.markDeleted(dir);
  }

  private async markDeleted(dir: string): Promise<void> {
    const id = `${String(Date.now()).padStart(15, "0")}-${process.pid}${Math.floor(Math.random() * 1e6)}`;
    await fs.writeFile(join(dir, `${id}${DELETED}`), "");
  }

  async listVersions(prefix: string): Promise<ObjectVersion[]> {
    const out: ObjectVersion[] = [];
    const live = new Set<string>();
    for (const key of await this.list(prefix)) {
      const st = await fs.stat(this.path(key)).catch(() => undefined);
      if (!st) continue; // deleted while listing
      live.add(key);
      out.push({ key, versionId: versionIdOf(st), lastModified: st.mtime, deleted: false, latest: true });
    }
    const archived: ObjectVersion[] = [];
    const base = join(this.root, VERSIONS);
    const dir = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix.split("/").slice(0, -1).join("/");
    const walk = async (d: string): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(d, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
        throw err;
      }
      const key = relative(base, d).split(sep).join("/");
      for (const e of entries) {
        if (e.isDirectory()) {
          await walk(join(d, e.name));
          continue;
        }
        if (!key.startsWith(prefix) || e.name.endsWith(META) || e.name.startsWith(TMP)) continue;
        const deleted = e.name.endsWith(DELETED);
        const versionId = deleted ? e.name.slice(0, -DELETED.length) : e.name;
        const lastModified = deleted
          ? new Date(Number(versionId.slice(0, 15)))
          : (await fs.stat(join(d, e.name))).mtime;
        archived.push({ key, versionId, lastModified, deleted, latest: false });
      }
    };
    await walk(dir ? join(base, ...dir.split("/")) : base);
    const ordered = orderVersions([...out, ...archived]);
    // A key with no live object: its newest entry is its current state.
    for (let i = 0; i < ordered.length; i++) {
      const v = ordered[i];
      if (!live.has(v.key) && ordered[i + 1]?.key !== v.key) v.latest = true;
    }
    return ordered;
  }

  async list(prefix: string) {
    const dir = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix.split("/").slice(0, -1).join("/");
    const start = dir ? this.path(dir) : this.root;
    const out: string[] = [];
    const walk = async (d: string): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(d, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
        throw err;
      }
      for (const e of entries) {
        const p = join(d, e.name);
        if (e.isDirectory()) {
          if (e.name !== VERSIONS) await walk(p);
        } else if (!e.name.startsWith(TMP) && !e.name.endsWith(META)) {
          const key = relative(this.root, p).split(sep).join("/");
          if (key.startsWith(prefix)) out.push(key);
        }
      }
    };
    await walk(start);
    return out.sort();
  }
}

/** A file's version id: its modification time in ms (15 digits, so ids sort by time) and inode. */
function versionIdOf(st: { mtimeMs: number; ino: number }): string {
  return `${String(Math.trunc(st.mtimeMs)).padStart(15, "0")}-${st.ino}`;
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
}

async function writeDurable(path: string, body: Buffer) {
  const fh = await fs.open(path, "w");
  try {
    await fh.writeFile(body);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function linkOrExists(from: string, to: string): Promise<boolean> {
  try {
    await fs.link(from, to);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
}
