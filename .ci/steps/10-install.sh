pnpm install --frozen-lockfile
