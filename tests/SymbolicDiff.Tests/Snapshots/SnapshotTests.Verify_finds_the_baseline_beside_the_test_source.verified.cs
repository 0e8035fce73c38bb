// Baseline of SnapshotTests.Verify_finds_the_baseline_beside_the_test_source.
public static class Example
{
}
