"""The commands kwok runs for pods/exec: record them, answer by rule.

kwok answers `pods/exec` by running the command on this machine. The harness
starts kwok with a PATH whose first directory holds this script under the
names `sh` and `bash`, so the shell commands of gates, hooks and probes
(`sh -c "..."`) land here instead of in a real shell; a command given by
absolute path (`/bin/sh -c ...`) runs for real. For each call it appends one
JSON line to $STRATA_EXEC_DIR/<namespace>/<pod>.jsonl:

    {"time": 1733540000.1, "namespace": "ns", "pod": "kafka-broker-2",
     "container": "broker", "argv": ["sh", "-c", "..."], "exit": 0,
     "target": "kafka-broker-1"}

`target` is $STRATA_TARGET_POD when the command has it (strata passes a
step's env with `env NAME=value ... sh -c`, so it reaches this process's
environment, not its argv): the member a gate or hook is about.

and answers by the first rule of $STRATA_EXEC_DIR/rules.json (written by
ControlPlane.exec_rule) whose namespace, pod (a glob) and match (a substring
of the joined argv) fit: print `stdout`/`stderr`, exit with `exit`, or with
"run": true hand the command to the real /bin/sh. No rule: exit 0, no output
(every gate and hook succeeds). `sh -c __strata_exec_identity__` prints
"namespace/pod" and is not recorded (node_agent.py's readiness check). The
environment (STRATA_POD, ...) comes from
the per-pod Exec objects node_agent.py creates.
"""

import fnmatch
import fcntl
import json
import os
import sys
import time


def main() -> int:
    argv = [os.path.basename(sys.argv[0])] + sys.argv[1:]
    d = os.environ.get("STRATA_EXEC_DIR", "")
    ns = os.environ.get("STRATA_NAMESPACE", "_unknown")
    pod = os.environ.get("STRATA_POD", "_unknown")
    joined = " ".join(argv)
    if argv[1:] == ["-c", "__strata_exec_identity__"]:
        # node_agent.py asks whether kwok has this pod's Exec yet: answer
        # with the identity it gave, record nothing.
        sys.stdout.write(f"{ns}/{pod}\n")
        return 0
    rule = {}
    try:
        with open(os.path.join(d, "rules.json")) as f:
            for r in json.load(f):
                if r.get("namespace", ns) != ns:
                    continue
                if not fnmatch.fnmatchcase(pod, r.get("pod", "*")):
                    continue
                if r.get("match", "") not in joined:
                    continue
                rule = r
                break
    except (OSError, ValueError):
        pass
    code = int(rule.get("exit", 0))
    if d:
        os.makedirs(os.path.join(d, ns), exist_ok=True)
        rec = {"time": time.time(), "namespace": ns, "pod": pod,
               "container": os.environ.get("STRATA_CONTAINER", ""), "argv": argv,
               "exit": None if rule.get("run") else code}
        if os.environ.get("STRATA_TARGET_POD"):
            rec["target"] = os.environ["STRATA_TARGET_POD"]
        with open(os.path.join(d, ns, pod + ".jsonl"), "a") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            f.write(json.dumps(rec) + "\n")
    if rule.get("run"):
        os.execv("/bin/sh", ["sh"] + sys.argv[1:])
    sys.stdout.write(rule.get("stdout", ""))
    sys.stderr.write(rule.get("stderr", ""))
    return code


if __name__ == "__main__":
    sys.exit(main())
