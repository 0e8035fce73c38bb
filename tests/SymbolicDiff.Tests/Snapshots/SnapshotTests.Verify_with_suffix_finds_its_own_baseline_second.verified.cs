// Baseline with the suffix "second".
