# Generated documents are committed and must be fresh; the breaking-change gate compares the
# schemas with the committed baseline of the last release.
pnpm generate
if ! git diff --exit-code --stat -- packages/contracts || [ -n "$(git status --porcelain -- packages/contracts)" ]; then
  echo "Generated contract files are stale: run 'pnpm generate' and commit the result." >&2
  git status --porcelain -- packages/contracts >&2
  exit 1
fi
pnpm contracts:check
