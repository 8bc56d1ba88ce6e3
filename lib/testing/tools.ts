/** External tools for tests, and HaproxyCheck (it lives with HAProxy: `npx synth --check` runs it too). */
export * from '../haproxy/haproxy-check';
