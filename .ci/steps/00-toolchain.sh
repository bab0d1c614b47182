# pnpm at the version package.json pins; nothing else is assumed on the machine.
if ! command -v pnpm >/dev/null || [ "$(pnpm --version)" != "$PNPM_VERSION" ]; then
  npm install -g "pnpm@${PNPM_VERSION}" --loglevel=error
fi
node --version
pnpm --version
