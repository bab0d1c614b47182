# Conformance: the built `fieldops verify` CLI against the provider handlers served on loopback.
# Both runs must print an all-pass table and exit 0 (a failing check exits 1 and stops CI).
export FIELDOPS_VERIFY_TOKEN="ci-verify-$(date +%s)-$RANDOM"
verify_out=$(mktemp)
node --import tsx packages/sdk/test/verify/serve-providers.fixture.ts >"$verify_out" &
verify_pid=$!
for _ in $(seq 1 100); do
  grep -q '^registry ' "$verify_out" && break
  sleep 0.1
done
verify_rfid=$(awk '$1 == "rfid" { print $2 }' "$verify_out")
verify_registry=$(awk '$1 == "registry" { print $2 }' "$verify_out")
verify_deployment=$(awk '$1 == "deployment" { print $2 }' "$verify_out")
verify_status=0
node packages/sdk/dist/cli/main.js verify rfid --base-url "$verify_rfid" --token-env FIELDOPS_VERIFY_TOKEN \
  --claim-code CI-CLAIM-0001 --claim-code CI-CLAIM-0002 || verify_status=$?
if [ "$verify_status" -eq 0 ]; then
  node packages/sdk/dist/cli/main.js verify registry --base-url "$verify_registry" \
    --token-env FIELDOPS_VERIFY_TOKEN --deployment-id "$verify_deployment" || verify_status=$?
fi
kill "$verify_pid" 2>/dev/null || true
wait "$verify_pid" 2>/dev/null || true
rm -f "$verify_out"
unset FIELDOPS_VERIFY_TOKEN
[ "$verify_status" -eq 0 ]
