# The example RFID backend (examples/rfid-backend: the SDK's provider handler over a durable
# JSON-lines store) started on loopback and checked by the built `fieldops verify rfid`.
export EXAMPLE_RFID_TOKEN="ci-example-$(date +%s)-$RANDOM"
example_dir=$(mktemp -d)
example_out="$example_dir/stdout"
RFID_API_TOKEN="$EXAMPLE_RFID_TOKEN" node --import tsx examples/rfid-backend/src/main.ts \
  --data-dir "$example_dir/data" --port 0 --claim-code CI-EXAMPLE-0001 --claim-code CI-EXAMPLE-0002 >"$example_out" &
example_pid=$!
for _ in $(seq 1 150); do
  grep -q '^listening ' "$example_out" && break
  sleep 0.1
done
example_url=$(awk '$1 == "listening" { print $2 }' "$example_out")
example_status=0
node packages/sdk/dist/cli/main.js verify rfid --base-url "$example_url" --token-env EXAMPLE_RFID_TOKEN \
  --claim-code CI-EXAMPLE-0001 --claim-code CI-EXAMPLE-0002 || example_status=$?
kill "$example_pid" 2>/dev/null || true
wait "$example_pid" 2>/dev/null || true
# The events the verifier sent are in the journal (durable store), its tokens are not.
grep -q '"op":"events"' "$example_dir/data/rfid-backend.jsonl" || example_status=1
rm -rf "$example_dir"
unset EXAMPLE_RFID_TOKEN
[ "$example_status" -eq 0 ]
