// A stand-in fleet member that fails at start, as a misconfigured service does.
console.error('crash-on-start: cannot start: FIXTURE_SETTING is missing');
process.exit(3);
