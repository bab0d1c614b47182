# What a registry user gets (issue 12): pack every package, install the tarballs into fresh npm and
# pnpm projects outside the workspace, print the install table (scenario, packages, MB) with the
# limits checked, run the README examples in fresh ESM, CommonJS, TS node16 and TS bundler projects,
# and build a fresh Docusaurus site with the packed plugin.
node scripts/consumer/install-weight.mjs
