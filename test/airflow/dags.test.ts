/**
 * Seawall's DAG files, checked without Airflow: they compile (`python3 -m py_compile`), and every
 * command a DAG runs is one the runtime accepts, flags and values, as its own parser reads them.
 * What needs Airflow and a cluster (the imports resolve, the DAGs load, the pods start) is not checked here.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCommandArgs, UsageError } from "../../runtime/src/commands/command";
import { maintenanceCommands } from "../../runtime/src/commands/registry";
import { AIRFLOW_DAGS_DIR, readDagFiles } from "../../components/kubernetes/airflowDags";
import { RESTORE_DRILL_DAG } from "../../components/kubernetes/airflowRules";

interface DagCommand {
  file: string;
  line: number;
  taskId: string | null;
  arguments: string[];
}

function python(...args: string[]): string {
  const r = spawnSync("python3", args, { encoding: "utf8" });
  if (r.error)
    throw new Error(`python3 is not installed (${r.error.message}): run bash scripts/bootstrap.sh`);
  if (r.status !== 0) throw new Error(`python3 ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

const files = readdirSync(AIRFLOW_DAGS_DIR)
  .filter((f) => f.endsWith(".py"))
  .map((f) => join(AIRFLOW_DAGS_DIR, f));
const commands = JSON.parse(python(join(__dirname, "dag_commands.py"), ...files)) as DagCommand[];

/** What Airflow renders each template the DAGs use to, for a run on 2026-12-03. */
const TEMPLATES: Record<string, string> = {
  "{{ macros.ds_add(ds, -1) }}": "2026-12-02",
  "{{ ds }}": "2026-12-03",
  "{{ params.from }}": "2026-11-01",
  "{{ params.to }}": "2026-11-02T00:00:00Z",
};

function rendered(args: string[]): string[] {
  return args.map((a) =>
    a.replace(/\{\{[^}]*\}\}/g, (t) => {
      const value = TEMPLATES[t];
      if (value === undefined) throw new Error(`no sample value for the template ${t}: add one to TEMPLATES`);
      return value;
    }),
  );
}

/** `python3 -m py_compile` of each file, the bytecode written to a temporary directory. */
function compileAll(paths: string[]): void {
  const out = mkdtempSync(join(tmpdir(), "seawall-dags-"));
  const script = `import py_compile, sys, os\nfor i, f in enumerate(sys.argv[1:]):\n    py_compile.compile(f, cfile=os.path.join(${JSON.stringify(out)}, str(i) + ".pyc"), doraise=True)\n`;
  python("-c", script, ...paths);
}

describe("Seawall's DAG files", () => {
  it("compile with python3 -m py_compile", () => {
    expect(() => compileAll(files)).not.toThrow();
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  it("fails the compile check on a syntax error (the check can fail)", () => {
    const broken = join(mkdtempSync(join(tmpdir(), "seawall-dags-")), "broken.py");
    writeFileSync(broken, "def broken(:\n");
    expect(() => compileAll([...files, broken])).toThrow(/SyntaxError|invalid syntax/);
  });

  it("runs every maintenance command the runtime has, each from one DAG", () => {
    expect(commands.map((c) => c.arguments[0]).sort()).toEqual(Object.keys(maintenanceCommands).sort());
  });

  it.each(commands.map((c) => [c.arguments.join(" "), c] as const))(
    "runs `%s`, which the runtime's parser accepts",
    async (_line, c) => {
      const load = maintenanceCommands[c.arguments[0]];
      expect(load).toBeDefined();
      const cmd = await load();
      expect(() => parseCommandArgs(cmd, rendered(c.arguments.slice(1)))).not.toThrow();
    },
  );

  it("would catch a DAG passing a flag the runtime does not know", async () => {
    const cmd = await maintenanceCommands.compact();
    expect(() => parseCommandArgs(cmd, ["--dat", "2026-12-02"])).toThrow(UsageError);
  });

  it("names Airflow and DAG in every file that runs a command, as Airflow's safe mode requires to parse it", () => {
    const withTasks = [...new Set(commands.map((c) => c.file))];
    expect(withTasks.length).toBe(commands.length);
    for (const file of withTasks) {
      const text = readFileSync(file, "utf8").toLowerCase();
      expect({ file, airflow: text.includes("airflow"), dag: text.includes("dag") }).toEqual({
        file,
        airflow: true,
        dag: true,
      });
    }
  });

  it("has the restore drill's DAG id the alert rules watch", () => {
    const drill = commands.find((c) => c.arguments[0] === "restore-drill")!;
    expect(readFileSync(drill.file, "utf8")).toContain(`"${RESTORE_DRILL_DAG}"`);
  });

  it("ships every DAG file in the ConfigMap the component mounts", () => {
    expect(Object.keys(readDagFiles()).sort()).toEqual(
      files.map((f) => f.slice(f.lastIndexOf("/") + 1)).sort(),
    );
  });
});
