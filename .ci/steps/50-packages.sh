# What a publish would ship: publint and are-the-types-wrong on every package.
pnpm check:packages
