#!/usr/bin/env bash
# Runs the sample operator loop against a fake kubectl that serves an empty
# cluster and records every mutating call: round 1 must apply the first
# role's objects as valid JSON, and --dry-run must mutate nothing.
set -euo pipefail
bin=$1; src=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
cat > "$work/bin/kubectl" <<'FAKE'
#!/usr/bin/env bash
if [ "$1" = get ]; then echo '{"apiVersion":"v1","kind":"List","items":[]}'; exit 0; fi
n=$(ls "$FAKE_LOG_DIR" | wc -l)
echo "$*" > "$FAKE_LOG_DIR/call-$n.args"
cat > "$FAKE_LOG_DIR/call-$n.stdin"
FAKE
chmod +x "$work/bin/kubectl"
export PATH="$work/bin:$PATH" FAKE_LOG_DIR="$work/log"
mkdir "$work/log"

# Dry run: prints what it would do, runs nothing mutating.
out=$("$bin" --dry-run --once "$src"/examples/kafka/*.yaml) && rc=0 || rc=$?
[ "$rc" -eq 3 ] || { echo "dry run: want exit 3 (not converged after one round), got $rc"; exit 1; }
grep -q "would run: kubectl apply" <<<"$out" || { echo "dry run printed no apply:"; echo "$out"; exit 1; }
[ -z "$(ls "$work/log")" ] || { echo "dry run mutated"; exit 1; }

# One real round: applies objects, each a valid JSON object with a kind.
"$bin" --once "$src"/examples/kafka/*.yaml >/dev/null && rc=0 || rc=$?
[ "$rc" -eq 3 ] || { echo "want exit 3, got $rc"; exit 1; }
applied=0
for f in "$work"/log/*.args; do
  if grep -q '^apply' "$f"; then
    python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert o["kind"] and o["metadata"]["name"]' "${f%.args}.stdin"
    applied=$((applied + 1))
  fi
done
[ "$applied" -gt 0 ] || { echo "no apply calls recorded"; exit 1; }
echo "operator example: dry run ok, $applied objects applied in round 1"
