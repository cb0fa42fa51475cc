"""Pure analysis: datatypes, geometry, smoothing, reps, rules and the Analyzer (numpy only)."""
