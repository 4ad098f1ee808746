/**
 * The embedded default: the local filesystem. Create-only by `link(2)`, which fails with EEXIST
 * atomically; the body and its metadata are written to temporary files and fsynced first.
 */
import { createHash, randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import type { ObjectStore } from "./objectStore";

const META = ".meta.json";
const TMP = ".tmp-";

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
    if (key.split("/").some((p) => p === ".." || p === "")) throw new Error(`invalid object key: ${key}`);
    return join(this.root, ...key.split("/"));
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
        if (e.isDirectory()) await walk(p);
        else if (e.name.startsWith(TMP)) {
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

  async head(key: string) {
    const target = this.path(key);
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

  get(key: string) {
    return fs.readFile(this.path(key));
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
        if (e.isDirectory()) await walk(p);
        else if (!e.name.startsWith(TMP) && !e.name.endsWith(META)) {
          const key = relative(this.root, p).split(sep).join("/");
          if (key.startsWith(prefix)) out.push(key);
        }
      }
    };
    await walk(start);
    return out.sort();
  }
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
