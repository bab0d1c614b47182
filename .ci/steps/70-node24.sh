# OpenClaw, our main consumer, runs on Node 24: the contracts tests run there too.
npx -y -p node@24 -c 'node --version && pnpm exec vitest run --project @fieldops/contracts'
