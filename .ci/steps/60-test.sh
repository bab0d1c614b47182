# The README's test command, exactly.
npm test
