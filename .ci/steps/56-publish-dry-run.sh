# `pnpm -r publish --dry-run`: every package packs and would publish (workspace ranges replaced,
# files present). No git checks: CI runs on a detached checkout. The build just ran (no prepack rebuild).
FIELDOPS_SKIP_PREPACK=1 pnpm -r --filter "./packages/*" --filter ./examples/openclaw-skill publish --dry-run --no-git-checks
