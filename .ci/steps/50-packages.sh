# What a publish would ship: publint and are-the-types-wrong on every package (the build just ran,
# so `prepack` does not build again).
FIELDOPS_SKIP_PREPACK=1 pnpm check:packages
