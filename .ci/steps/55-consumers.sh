# What a registry user gets (issue 12): pack every package, install the tarballs into fresh npm and
# pnpm projects outside the workspace, print the install table (scenario, packages, MB) with the
# limits checked, and run the README examples in fresh ESM, CommonJS, TS node16 and TS bundler projects.
node scripts/consumer/install-weight.mjs
