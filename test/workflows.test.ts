/**
 * The GitHub workflows and the policy-check action: each file parses and is valid against
 * SchemaStore's schemas (vendored in test/fixtures/schemastore), the properties that matter hold
 * (fork guard, reports that run after a failing check, every input declared and used,
 * `pulumi preview --policy-pack`, least permissions), and the action's scripts behave as the
 * workflow relies on, run with stub npm, pulumi and gh commands.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Ajv from "ajv";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const ACTION_DIR = path.join(ROOT, ".github", "actions", "policy-check");
const SCHEMAS = path.join(ROOT, "test", "fixtures", "schemastore");

/* eslint-disable @typescript-eslint/no-explicit-any -- workflow documents are untyped YAML */
type Doc = Record<string, any>;

const read = (file: string) => fs.readFileSync(file, "utf8");
const load = (file: string): Doc => parse(read(file), { uniqueKeys: true });

const workflowFiles = fs
  .readdirSync(WORKFLOWS)
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => path.join(WORKFLOWS, f));
const actionFiles = fs
  .readdirSync(path.join(ROOT, ".github", "actions"))
  .map((d) => path.join(ROOT, ".github", "actions", d, "action.yml"))
  .filter((f) => fs.existsSync(f));

const ajv = new Ajv({ allErrors: true, strict: false });
const validateWorkflow = ajv.compile(JSON.parse(read(path.join(SCHEMAS, "github-workflow.json"))));
const validateAction = ajv.compile(JSON.parse(read(path.join(SCHEMAS, "github-action.json"))));
const problems = (validate: typeof validateWorkflow, doc: unknown) =>
  validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

const reusable = load(path.join(WORKFLOWS, "policy-check.yml"));
const caller = load(path.join(WORKFLOWS, "policy.yml"));
const action = load(path.join(ACTION_DIR, "action.yml"));
const FORK_GUARD = "github.event.pull_request.head.repo.full_name == github.repository";

/** Every `run:` script of a workflow's jobs or an action's steps. */
const runs = (doc: Doc): string[] =>
  [...Object.values<Doc>(doc.jobs ?? {}).flatMap((j) => j.steps ?? []), ...(doc.runs?.steps ?? [])].flatMap(
    (s: Doc) => (typeof s.run === "string" ? [s.run] : []),
  );

describe("the vendored SchemaStore schemas", () => {
  it("are the upstream files byte for byte (the git blobs named in their README)", () => {
    const readme = read(path.join(SCHEMAS, "README.md"));
    for (const file of ["github-workflow.json", "github-action.json"]) {
      const content = fs.readFileSync(path.join(SCHEMAS, file));
      const blob = createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
      expect(readme).toMatch(new RegExp(`\`${file}\`.*\`src/schemas/json/${file}\`.*\`${blob}\``));
    }
  });

  it("reject a job without runs-on, an unknown key and an action without runs", () => {
    expect(problems(validateWorkflow, { on: "push", jobs: { a: { steps: [{ run: "true" }] } } })).not.toEqual(
      [],
    );
    expect(
      problems(validateWorkflow, { on: "push", jobs: { a: { "runs-on": "ubuntu-latest", stepz: [] } } }),
    ).not.toEqual([]);
    expect(problems(validateAction, { name: "x", description: "y" })).not.toEqual([]);
    expect(
      problems(validateWorkflow, { on: "push", jobs: { a: { "runs-on": "x", steps: [{ run: "true" }] } } }),
    ).toEqual([]);
  });
});

describe("every workflow and action file", () => {
  it("exists where the docs say", () => {
    expect(workflowFiles.map((f) => path.basename(f)).sort()).toEqual(["policy-check.yml", "policy.yml"]);
    expect(actionFiles).toEqual([path.join(ACTION_DIR, "action.yml")]);
  });

  it.each(workflowFiles.map((f) => [path.basename(f), f]))("%s is a valid workflow", (_name, file) => {
    expect(problems(validateWorkflow, load(file))).toEqual([]);
  });

  it.each(actionFiles.map((f) => [path.relative(ROOT, f), f]))("%s is a valid action", (_name, file) => {
    expect(problems(validateAction, load(file))).toEqual([]);
  });

  it("never interpolates inputs or pull-request text into a script (they go through env)", () => {
    const unsafe = [...workflowFiles, ...actionFiles].flatMap((file) =>
      runs(load(file))
        .filter((r) => /\$\{\{\s*(inputs\.|github\.event\.pull_request\.(title|body|head\.ref))/.test(r))
        .map((r) => `${path.basename(file)}: ${r.split("\n")[0]}`),
    );
    expect(unsafe).toEqual([]);
  });

  it("pins every action it uses to a major version", () => {
    const uses = [...workflowFiles, ...actionFiles].flatMap((file) => {
      const doc = load(file);
      return [...Object.values<Doc>(doc.jobs ?? {}).flatMap((j) => j.steps ?? []), ...(doc.runs?.steps ?? [])]
        .map((s: Doc) => s.uses)
        .filter((u: unknown): u is string => typeof u === "string" && !u.startsWith("./"));
    });
    expect(uses.length).toBeGreaterThan(5);
    expect(uses.filter((u) => !/^[\w.-]+\/[\w./-]+@v\d+$/.test(u))).toEqual([]);
  });
});

describe("the reusable workflow (policy-check.yml)", () => {
  const call = reusable.on.workflow_call;
  const text = read(path.join(WORKFLOWS, "policy-check.yml"));

  it("is called with the program, its stacks, the pack config and which Seawall to check out", () => {
    for (const name of ["program", "stacks", "config", "seawall-repository", "seawall-ref"]) {
      expect(call.inputs).toHaveProperty(name);
    }
    expect(call.inputs["seawall-repository"].required).toBe(true);
    expect(call.inputs.config.default).toBe("team");
  });

  it("uses every input it declares", () => {
    const body = text.slice(text.indexOf("\njobs:"));
    expect(Object.keys(call.inputs).filter((name) => !body.includes(`inputs.${name}`))).toEqual([]);
  });

  it("runs the offline check on every event, and the preview only with a backend and never for a fork's pull request", () => {
    expect(reusable.jobs.offline.if).toBeUndefined();
    expect(reusable.jobs.offline.steps.find((s: Doc) => s.id === "check").uses).toBe(
      "./.seawall/.github/actions/policy-check",
    );
    expect(reusable.jobs.preview.if).toContain("needs.setup.outputs.preview == 'true'");
    expect(reusable.jobs.preview.if).toContain(FORK_GUARD);
    const gate = reusable.jobs.setup.steps.find((s: Doc) => s.id === "preview");
    expect(gate.env.TOKEN).toBe("${{ secrets.PULUMI_ACCESS_TOKEN }}");
    expect(gate.env.BACKEND).toBe("${{ inputs.pulumi-backend-url }}");
  });

  it("previews each stack with the pack installed alone, through preview.sh", () => {
    const steps: Doc[] = reusable.jobs.preview.steps;
    expect(reusable.jobs.preview.strategy.matrix.stack).toBe("${{ fromJSON(needs.setup.outputs.stacks) }}");
    const install = steps.find((s) => s.name === "Install the policy pack alone")!;
    expect([install["working-directory"], install.run]).toEqual([
      ".seawall/policies",
      "npm ci --no-audit --no-fund",
    ]);
    expect(steps.find((s) => s.name === "pulumi preview --policy-pack")!.run).toBe(
      "bash .seawall/.github/actions/policy-check/preview.sh",
    );
  });

  it("reports after a failing check: artifacts, the comment and code scanning run unless cancelled", () => {
    const uploads = ["offline", "preview"].flatMap((j) =>
      reusable.jobs[j].steps.filter((s: Doc) => String(s.uses).startsWith("actions/upload-artifact")),
    );
    expect(uploads.map((s: Doc) => s.if)).toEqual(["${{ !cancelled() }}", "${{ !cancelled() }}"]);
    expect(reusable.jobs.report.needs).toEqual(["setup", "offline", "preview"]);
    for (const job of ["report", "code-scanning"]) {
      expect(reusable.jobs[job].if).toMatch(/^!cancelled\(\) && /);
      expect(reusable.jobs[job].if).toContain(FORK_GUARD);
    }
    expect(reusable.jobs["code-scanning"].if).toContain("inputs.sarif");
    expect(reusable.jobs["code-scanning"].steps.map((s: Doc) => s.uses)).toContain(
      "github/codeql-action/upload-sarif@v3",
    );
  });

  it("asks for no write permission itself: the read-only jobs say so, the others take the caller's grant", () => {
    expect(reusable.permissions).toBeUndefined();
    const declared = Object.entries<Doc>(reusable.jobs)
      .filter(([, j]) => j.permissions !== undefined)
      .map(([name, j]) => [name, j.permissions]);
    expect(declared).toEqual([
      ["setup", { contents: "read" }],
      ["offline", { contents: "read" }],
    ]);
  });
});

describe("Seawall's own workflow (policy.yml)", () => {
  it("calls the reusable workflow for its dev and prod stacks with their configs", () => {
    for (const [job, config] of [
      ["policy-dev", "dev"],
      ["policy-prod", "prod"],
    ]) {
      const j = caller.jobs[job];
      expect(j.uses).toBe("./.github/workflows/policy-check.yml");
      expect(j.with).toMatchObject({
        "seawall-repository": "${{ github.repository }}",
        "seawall-ref": "${{ github.sha }}",
        program: ".",
        stacks: `\${{ needs.stacks.outputs.${config} }}`,
        config,
      });
      const declared = Object.keys(reusable.on.workflow_call.inputs);
      expect(Object.keys(j.with).filter((k) => !declared.includes(k))).toEqual([]);
    }
  });

  it("is read-only but for the calls, which grant only comments, code scanning and OIDC", () => {
    expect(caller.permissions).toEqual({ contents: "read" });
    for (const [name, job] of Object.entries<Doc>(caller.jobs)) {
      const writes = Object.entries(job.permissions ?? {})
        .filter(([, v]) => v === "write")
        .map(([k]) => k)
        .sort();
      expect([name, writes]).toEqual([
        name,
        job.uses ? ["id-token", "pull-requests", "security-events"] : [],
      ]);
    }
  });
});

describe("the policy-check action", () => {
  it("uses every input, and its outputs come from the check step", () => {
    const text = read(path.join(ACTION_DIR, "action.yml"));
    const body = text.slice(text.indexOf("\nruns:"));
    expect(Object.keys(action.inputs).filter((name) => !body.includes(`inputs.${name}`))).toEqual([]);
    expect(Object.keys(action.inputs).sort()).toEqual([
      "config",
      "install",
      "program",
      "reports",
      "sarif",
      "stacks",
    ]);
    expect(action.outputs.status.value).toBe("${{ steps.check.outputs.status }}");
    expect(action.runs.using).toBe("composite");
    expect(action.runs.steps.at(-1).run).toBe('bash "$GITHUB_ACTION_PATH/check.sh"');
  });
});

describe("the workflows the READMEs show", () => {
  const blocks = ["README.md", "policies/README.md"].flatMap((f) =>
    // The workflows among the README's YAML blocks (a stack's config is YAML too): those with jobs.
    [...read(path.join(ROOT, f)).matchAll(/```yaml\n([\s\S]*?)```/g)]
      .filter((m) => /^jobs:/m.test(m[1]))
      .map((m, i): [string, Doc] => [`${f} example ${i + 1}`, parse(m[1], { uniqueKeys: true })]),
  );
  const inputs = reusable.on.workflow_call.inputs;

  it("are there: a call of the reusable workflow in each README and the action in policies/README.md", () => {
    expect(blocks.map(([name]) => name)).toEqual([
      "README.md example 1",
      "policies/README.md example 1",
      "policies/README.md example 2",
    ]);
  });

  it.each(blocks)(
    "%s is a valid workflow that gives only inputs the workflow or action declares",
    (_name, doc) => {
      expect(problems(validateWorkflow, doc)).toEqual([]);
      for (const job of Object.values<Doc>(doc.jobs)) {
        if (typeof job.uses === "string") {
          expect(job.uses).toMatch(/^OWNER\/seawall\/\.github\/workflows\/policy-check\.yml@main$/);
          expect(Object.keys(job.with).filter((k) => !(k in inputs))).toEqual([]);
          const required = Object.keys(inputs).filter((k) => inputs[k].required);
          expect(required.filter((k) => !(k in job.with))).toEqual([]);
          expect(
            Object.keys(job.secrets ?? {}).filter((k) => !(k in reusable.on.workflow_call.secrets)),
          ).toEqual([]);
          expect(job.permissions.contents).toBe("read");
        }
        for (const step of job.steps ?? []) {
          if (String(step.uses).includes("/seawall/")) {
            expect(step.uses).toBe("OWNER/seawall/.github/actions/policy-check@main");
            expect(Object.keys(step.with).filter((k) => !(k in action.inputs))).toEqual([]);
          }
        }
      }
    },
  );
});

/** A temporary directory with stub commands that log their arguments. */
function sandbox(): { dir: string; log: () => string[][] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seawall-wf-"));
  const logFile = path.join(dir, "calls.log");
  fs.writeFileSync(logFile, "");
  return {
    dir,
    log: () =>
      read(logFile)
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
  };
}

/** A stub that logs its argv as a JSON line, then runs `body` (bash). */
function stub(dir: string, name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(
    file,
    `#!/usr/bin/env bash\njq -nc '$ARGS.positional' --args -- "$@" >> "${dir}/calls.log"\n${body}\n`,
    { mode: 0o755 },
  );
  return file;
}

describe("check.sh (the action's offline check)", () => {
  // npm: a plan per stack (stack "broken" fails to plan), then policy:check where the stack "bad"
  // has one mandatory violation.
  const NPM = `
args="$*"
stack=$(printf '%s' "$args" | sed -n -E 's/.*--stack ([^ ]+).*/\\1/p')
[ -n "$stack" ] || stack=$(printf '%s' "$args" | sed -n -E 's#.*/([^/ ]+)\\.plan\\.json.*#\\1#p')
case "$args" in
  *" plan "*) [ "$stack" = broken ] && { echo "plan: cannot read Pulumi.broken.yaml" >&2; exit 2; }; echo "[]" ;;
  *"--format sarif"*) echo '{"version":"2.1.0","runs":[{"results":[]}]}' ;;
  *"--json"*) m=0; [ "$stack" = bad ] && m=1; echo "{\\"summary\\":{\\"mandatory\\":$m,\\"advisory\\":2,\\"skipped\\":3}}"; exit $m ;;
  *) echo "text report of $stack"; [ "$stack" = bad ] && exit 1; exit 0 ;;
esac`;

  function check(env: Record<string, string>) {
    const { dir, log } = sandbox();
    const npm = stub(dir, "npm", NPM);
    const result = spawnSync("bash", [path.join(ACTION_DIR, "check.sh")], {
      cwd: dir,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        NPM: npm,
        SEAWALL: "/opt/seawall",
        PROGRAM: "infra",
        CONFIG: "team",
        REPORTS: path.join(dir, "reports"),
        GITHUB_STEP_SUMMARY: path.join(dir, "step-summary.md"),
        GITHUB_OUTPUT: path.join(dir, "output"),
        ...env,
      },
    });
    const file = (f: string) => (fs.existsSync(path.join(dir, f)) ? read(path.join(dir, f)) : "");
    return {
      status: result.status,
      dir,
      calls: log(),
      summary: file("step-summary.md"),
      output: file("output"),
    };
  }

  it("plans and checks every stack, writes the summary, then exits 1 on a mandatory violation", () => {
    const r = check({ STACKS: "dev, bad\nprod" });
    expect(r.status).toBe(1);
    expect(r.output).toBe("status=1\nmandatory=1\n");
    expect(r.summary).toContain("<!-- seawall-policy-check: infra team -->");
    expect(r.summary).toContain("| dev | :white_check_mark: passes | 0 | 2 | 3 |");
    expect(r.summary).toContain("| bad | :x: blocked | 1 | 2 | 3 |");
    expect(r.summary).toContain("| prod | :white_check_mark: passes | 0 | 2 | 3 |");
    expect(r.summary).toContain("text report of bad");
    expect(read(path.join(r.dir, "reports", "summary.md"))).toBe(r.summary);
    const reports = path.join(r.dir, "reports");
    expect(r.calls.slice(0, 3)).toEqual([
      [
        "--prefix",
        "/opt/seawall",
        "run",
        "-s",
        "plan",
        "--",
        "--program",
        "infra",
        "--stack",
        "dev",
        "--json",
      ],
      [
        "--prefix",
        "/opt/seawall",
        "run",
        "-s",
        "policy:check",
        "--",
        `${reports}/dev.plan.json`,
        "--config",
        "team",
        "--json",
      ],
      [
        "--prefix",
        "/opt/seawall",
        "run",
        "-s",
        "policy:check",
        "--",
        `${reports}/dev.plan.json`,
        "--config",
        "team",
      ],
    ]);
    expect(r.calls.filter((c) => c.includes("plan")).map((c) => c[9])).toEqual(["dev", "bad", "prod"]);
  });

  it("exits 0 when every stack passes, and writes SARIF with one category per stack when asked", () => {
    const r = check({ STACKS: "dev", SARIF: "true" });
    expect(r.status).toBe(0);
    expect(r.output).toBe("status=0\nmandatory=0\n");
    expect(r.calls.at(-1)).toEqual([
      "--prefix",
      "/opt/seawall",
      "run",
      "-s",
      "policy:check",
      "--",
      `${path.join(r.dir, "reports")}/dev.plan.json`,
      "--config",
      "team",
      "--format",
      "sarif",
      "--sarif-root",
      "infra",
      "--sarif-program",
      "infra/Pulumi.yaml",
    ]);
    const sarif = JSON.parse(read(path.join(r.dir, "reports", "sarif", "dev.sarif")));
    expect(sarif.runs[0].automationDetails).toEqual({ id: "seawall-policy/infra/dev/" });
  });

  it("exits 2 when a plan fails, still checking the other stacks and naming the failure", () => {
    const r = check({ STACKS: "broken bad" });
    expect(r.status).toBe(2);
    expect(r.summary).toContain("| broken | :warning: not checked: the plan failed (exit 2) | | | |");
    expect(r.summary).toContain("plan: cannot read Pulumi.broken.yaml");
    expect(r.summary).toContain("| bad | :x: blocked | 1 | 2 | 3 |");
  });

  it("checks every Pulumi.<stack>.yaml of the program when no stack is given, and exits 2 when there is none", () => {
    const { dir } = sandbox();
    fs.mkdirSync(path.join(dir, "infra"));
    for (const f of ["Pulumi.yaml", "Pulumi.staging.yaml", "Pulumi.prod.yaml"])
      fs.writeFileSync(path.join(dir, "infra", f), "");
    const r = check({ STACKS: "", PROGRAM: path.join(dir, "infra") });
    expect(r.calls.filter((c) => c.includes("plan")).map((c) => c[9])).toEqual(["prod", "staging"]);
    const none = check({ STACKS: "", PROGRAM: path.join(dir, "nothing-here") });
    expect(none.status).toBe(2);
    expect(none.summary).toContain("no stack to check in");
    expect(none.output).toBe("status=2\n");
  });
});

describe("preview.sh (the workflow's preview of one stack)", () => {
  function preview(env: Record<string, string>, exit = 0) {
    const { dir, log } = sandbox();
    fs.mkdirSync(path.join(dir, "seawall", "policies"), { recursive: true });
    fs.mkdirSync(path.join(dir, "infra"));
    const pulumi = stub(
      dir,
      "pulumi",
      `[ "$1" = preview ] && { echo "Policies: 1 mandatory violation"; exit ${exit}; }; exit 0`,
    );
    const result = spawnSync("bash", [path.join(ACTION_DIR, "preview.sh")], {
      cwd: dir,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        PULUMI: pulumi,
        SEAWALL: "seawall",
        PROGRAM: "infra",
        STACK: "dev",
        REPORTS: "reports",
        GITHUB_STEP_SUMMARY: path.join(dir, "step-summary.md"),
        ...env,
      },
    });
    return { status: result.status, dir, calls: log(), summary: read(path.join(dir, "step-summary.md")) };
  }

  it("creates the stack when missing, then runs pulumi preview with the pack and its config", () => {
    const r = preview({ PULUMI_ORG: "acme", CONFIG: "prod" });
    expect(r.status).toBe(0);
    const seawall = fs.realpathSync(path.join(r.dir, "seawall"));
    expect(r.calls).toEqual([
      ["stack", "select", "--create", "acme/dev", "--non-interactive"],
      [
        "preview",
        "--stack",
        "acme/dev",
        "--non-interactive",
        "--diff",
        "--policy-pack",
        `${seawall}/policies`,
        "--policy-pack-config",
        `${seawall}/policies/config/prod.json`,
      ],
    ]);
    expect(r.summary).toContain(":white_check_mark: passes");
  });

  it("takes a config file relative to the workspace, and writes the summary before failing with pulumi's exit code", () => {
    const r = preview({ CONFIG: "policy/acme.json" }, 255);
    expect(r.status).toBe(255);
    expect(r.calls[0]).toEqual(["stack", "select", "--create", "dev", "--non-interactive"]);
    expect(r.calls[1].slice(-2)).toEqual([
      "--policy-pack-config",
      path.join(fs.realpathSync(r.dir), "policy", "acme.json"),
    ]);
    expect(r.summary).toContain(":x: fails (exit 255)");
    expect(r.summary).toContain("Policies: 1 mandatory violation");
  });
});

describe("comment.sh (one pull-request comment per program and config)", () => {
  function comment(list: string, post = 0) {
    const { dir, log } = sandbox();
    const body = path.join(dir, "body.md");
    fs.writeFileSync(body, "<!-- seawall-policy-check: infra team -->\n## report\n");
    const gh = stub(
      dir,
      "gh",
      `case "$*" in *"--paginate"*) printf '%s' '${list}' ;; *) exit ${post} ;; esac`,
    );
    const result = spawnSync("bash", [path.join(ACTION_DIR, "comment.sh")], {
      cwd: dir,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        GH: gh,
        BODY: body,
        PROGRAM: "infra",
        CONFIG: "team",
        PR: "7",
        GITHUB_REPOSITORY: "acme/infra",
      },
    });
    return { status: result.status, stdout: result.stdout, calls: log(), sent: read(`${body}.comment`) };
  }

  it("edits the comment that carries its marker", () => {
    const r = comment("42\n");
    expect(r.calls[0].slice(0, 3)).toEqual(["api", "--paginate", "repos/acme/infra/issues/7/comments"]);
    expect(r.calls[0][4]).toContain('contains("<!-- seawall-policy-check: infra team -->")');
    expect(r.calls[1].slice(0, 4)).toEqual([
      "api",
      "--method",
      "PATCH",
      "repos/acme/infra/issues/comments/42",
    ]);
    expect(r.sent).toBe("<!-- seawall-policy-check: infra team -->\n## report\n");
  });

  it("creates one when there is none, and only warns when it may not comment", () => {
    const r = comment("", 1);
    expect(r.calls[1].slice(0, 4)).toEqual(["api", "--method", "POST", "repos/acme/infra/issues/7/comments"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("::warning::could not comment on pull request #7 (exit 1)");
  });
});

it("the scripts are valid bash", () => {
  for (const f of ["check.sh", "preview.sh", "comment.sh"]) {
    execFileSync("bash", ["-n", path.join(ACTION_DIR, f)]);
  }
});
