#!/usr/bin/env bash
# After a deliberate cost-model or node-data change: rewrites the fixed reference values of
# tests/ppa/test_reference_designs.cpp from what the built model now predicts, and shows the diff.
# Usage: bash scripts/regenerate_references.sh [build dir, default build]. Say in the commit and in
# docs/validation.md what moved and why.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
MESHFORGE_PRINT_REFERENCE=1 "$build/tests/test_ppa" --gtest_filter='Shipped*' 2>/dev/null |
  grep -E '^[a-z0-9.-]+ [0-9]+nm: ' > /tmp/meshforge-references.txt || true
/usr/bin/python3 - /tmp/meshforge-references.txt <<'PY'
import re, sys
values = {}
for line in open(sys.argv[1]):
    key, nums = line.split(": ", 1)
    values[tuple(key.split())] = nums.strip()
path = "tests/ppa/test_reference_designs.cpp"
text = open(path).read()
def swap(m):
    key = (m.group(1), m.group(2))
    if key not in values:
        sys.exit(f"no printed values for {key}")
    return f'Reference{{"{m.group(1)}", "{m.group(2)}", {m.group(3)}, {values[key]}}}'
new, n = re.subn(r'Reference\{"([^"]+)", "([^"]+)", ("[^"]+", Mode::\w+, workload::Precision::\w+), [^}]*\}', swap, text)
if n != len(values):
    sys.exit(f"replaced {n} references, printed {len(values)}")
open(path, "w").write(new)
print(f"{n} reference values rewritten in {path}")
PY
git --no-pager diff --stat tests/ppa/test_reference_designs.cpp
