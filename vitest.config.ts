import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // strategies/: user strategies and the tests `stratus new-strategy` writes beside them.
    include: ['tests/**/*.test.ts', 'strategies/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
