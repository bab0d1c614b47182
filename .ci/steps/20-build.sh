pnpm build
