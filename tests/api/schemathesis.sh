#!/usr/bin/env bash
# Property-based fuzzing of `lockstep serve`'s JSON API against its own OpenAPI document
# (/api/v1/openapi.json) with schemathesis (PyPI, in a venv): every operation is called with
# generated requests, as an admin with an API token; the run fails on any 5xx answer or any
# answer that does not match the document (status code, content type, body schema).
#
#   tests/api/schemathesis.sh LOCKSTEP_BIN INVESTIGATION_DIR [MAX_EXAMPLES] [BUDGET_SECONDS]
#
# The store is a fresh SQLite file (the same code runs on PostgreSQL; its suite is the Rust
# tests). The run is bounded: MAX_EXAMPLES per operation (default 40) and BUDGET_SECONDS in all
# (default 170, then it is stopped and fails). Reports go to target/api-fuzz/.
set -euo pipefail

BIN=$(realpath "$1")
INV=$(realpath "$2")
MAX_EXAMPLES=${3:-40}
BUDGET=${4:-170}
OUT=$(pwd)/target/api-fuzz
VENV=${LOCKSTEP_SCHEMATHESIS_VENV:-/tmp/lockstep-schemathesis-venv}
SCHEMATHESIS_VERSION=4.32.5

mkdir -p "$OUT"
WORK=$(mktemp -d)
DB=sqlite:$WORK/store.db
SERVER=
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ ! -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION"
fi

export LOCKSTEP_PASSWORD="fuzzing admin password"
"$BIN" user add fuzz --role admin --database-url "$DB" >/dev/null
TOKEN=$("$BIN" user token fuzz --label schemathesis --database-url "$DB")
"$BIN" case import "$INV" --as fuzz --database-url "$DB" >/dev/null
mkdir -p "$WORK/imports"

"$BIN" serve --database-url "$DB" --bind 127.0.0.1:0 --import-root "$WORK/imports" \
  --max-body-bytes 262144 >"$WORK/serve.out" 2>"$OUT/serve.err" &
SERVER=$!
BASE=
for _ in $(seq 100); do
  BASE=$(grep -o 'http://[0-9.:]*' "$WORK/serve.out" 2>/dev/null || true)
  [ -n "$BASE" ] && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$OUT/serve.err" >&2; exit 1; }
  sleep 0.1
done
[ -n "$BASE" ] || { echo "lockstep serve did not start" >&2; exit 1; }
# Real ids for the path parameters (random ids only reach the 404 branch, which the Rust tests
# cover): case 1, its network 0, one of that network's accounts, and decision 1, proposed now.
ACCOUNT=$(awk -F, 'NR > 1 && $3 == "0" { print $1; exit }' "$INV/accounts.csv")
[ -n "$ACCOUNT" ] || { echo "$INV/accounts.csv: network 0 has no member" >&2; exit 1; }
python3 - "$BASE" "$TOKEN" <<'PY'
import json, sys, urllib.request
base, token = sys.argv[1], sys.argv[2]
req = urllib.request.Request(f"{base}/api/v1/decisions", method="POST",
    data=json.dumps({"case_id": 1, "target": {"network": 0}, "action": "suspend", "reason": "fuzz"}).encode(),
    headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
assert urllib.request.urlopen(req).status == 201
PY
cat >"$WORK/schemathesis.toml" <<TOML
[parameters]
"path.case" = 1
"path.network" = 0
"path.account" = "$ACCOUNT"
"path.decision" = 1
TOML
echo "schemathesis $SCHEMATHESIS_VERSION against $BASE/api/v1/openapi.json ($MAX_EXAMPLES examples per operation, at most ${BUDGET}s)"

# The session cookie security scheme is left to the HTTP tests (CSRF); the token is used here.
set +e
# Run from the scratch directory: schemathesis keeps a cache in the working directory.
(cd "$WORK" && exec timeout --signal=INT "$BUDGET" "$VENV/bin/schemathesis" --config-file "$WORK/schemathesis.toml" run "$BASE/api/v1/openapi.json" \
  --header "Authorization:Bearer $TOKEN" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples "$MAX_EXAMPLES" \
  --seed 17 \
  --workers 1 \
  --exclude-path /api/v1/logout \
  --report junit --report-dir "$OUT" \
  --generation-database none \
  --no-color) 2>&1 | tee "$OUT/schemathesis.log"
STATUS=${PIPESTATUS[0]}
set -e
if grep -q "panicked" "$OUT/serve.err"; then
  echo "the server panicked (target/api-fuzz/serve.err)" >&2
  exit 1
fi
exit "$STATUS"
