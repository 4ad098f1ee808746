"""Prints, as JSON, every runtime command the Seawall DAG files run.

Reads each DAG file with Python's own parser (no Airflow needed) and finds every call of
`runtime_task(task_id, [arguments...])`; the arguments must be a literal list of strings, so what
the pod runs is exactly what is checked. Exits 1 naming the file and line of anything else.
"""

import ast
import json
import sys


def commands(path):
    tree = ast.parse(open(path, encoding="utf-8").read(), filename=path)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "runtime_task"):
            continue
        if len(node.args) < 2:
            raise SystemExit(f"{path}:{node.lineno}: runtime_task needs a task id and an argument list")
        task_id, arguments = node.args[0], node.args[1]
        if not (isinstance(arguments, ast.List) and all(
            isinstance(a, ast.Constant) and isinstance(a.value, str) for a in arguments.elts
        )):
            raise SystemExit(f"{path}:{node.lineno}: runtime_task's arguments must be a literal list of strings")
        found.append({
            "file": path,
            "line": node.lineno,
            "taskId": task_id.value if isinstance(task_id, ast.Constant) else None,
            "arguments": [a.value for a in arguments.elts],
        })
    return found


print(json.dumps([c for path in sys.argv[1:] for c in commands(path)]))
