pnpm lint
pnpm typecheck
