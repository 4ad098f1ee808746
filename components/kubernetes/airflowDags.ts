/**
 * Seawall's maintenance DAGs (Python, in `airflowDags/`), read at synthesis into the ConfigMap the
 * Airflow component mounts. The files ship in the package beside the compiled components.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The DAG directory: beside this file in the sources, or the package's copy beside `dist/`. */
export const AIRFLOW_DAGS_DIR =
  [join(__dirname, "airflowDags"), join(__dirname, "../../../components/kubernetes/airflowDags")].find((d) =>
    existsSync(d),
  ) ?? join(__dirname, "airflowDags");

/** Every `.py` file of the DAG directory, by file name. */
export function readDagFiles(dir: string = AIRFLOW_DAGS_DIR): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith(".py"))
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), "utf8")]),
  );
}
