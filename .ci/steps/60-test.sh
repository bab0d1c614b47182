# The README's test command, exactly.
pnpm test
