/**
 * The embedded default: the local filesystem. Create-only by `link(2)`, which fails with EEXIST
 * atomically; the body and its metadata are written to temporary files and fsynced first.
 */
import { createHash, randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import type { ObjectStore } from "./objectStore";

const META = ".meta.json";

export class FsObjectStore implements ObjectStore {
  constructor(private readonly root: string) {}

  private path(key: string): string {
    if (key.split("/").some((p) => p === ".." || p === "")) throw new Error(`invalid object key: ${key}`);
    return join(this.root, ...key.split("/"));
  }

  async putIfAbsent(key: string, body: Buffer, metadata: Record<string, string>) {
    const target = this.path(key);
    await fs.mkdir(dirname(target), { recursive: true });
    const tmp = join(dirname(target), `.tmp-${randomUUID()}`);
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
        else if (!e.name.startsWith(".tmp-") && !e.name.endsWith(META)) {
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
