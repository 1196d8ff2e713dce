package org.example.web.system;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReliabilityRunTest {

	private static final RunInfo RUN = new RunInfo("20261125T142233Z-4711", "2026-11-25T14:22:33Z",
			"6d45df6a4b2c0e1f3a5b7c9d0e2f4a6b8c0d2e4f", false, 2, 25_769_803_776L, "6.12.48", List.of(0.5, 0.4, 0.3),
			"20.10.24", "off");

	private static final List<KnownScenario> KNOWN = List.of(new KnownScenario("1", "Rolling upgrade", false),
			new KnownScenario("2", "SIGKILL of one instance", false), new KnownScenario("3", "SIGTERM", true),
			new KnownScenario("5", "Broken version", false));

	@Test
	void beforeAnyScenarioTheReportSaysWhichRunAndThatNoneRan() {
		String md = new ReliabilityRun(RUN, KNOWN).markdown("reliability");
		assertThat(md).contains("| `20261125T142233Z-4711` | `6d45df6a4b2c` | 2026-11-25T14:22:33Z | 2 cores, 24.0 GiB")
			.contains("**Ran in this run:** none.")
			.contains("**Did not run in this run:** 1, 2, 3 (tagged `full`")
			.doesNotContain("| # | scenario |");
	}

	@Test
	void listsWhatRanWithItsResultAndWhatDidNot() {
		ReliabilityRun run = new ReliabilityRun(RUN, KNOWN);
		run.figures("1", figures("1", 0, Map.of("upgradeSeconds", 64.3)));
		run.result("1", "passed");
		run.figures("5", figures("5", 3, Map.of()));
		run.result("5", "FAILED: AssertionError: [failed requests of 4442: {timeout=3}]");
		run.result("2", "FAILED: ConditionTimeoutException: servers | not up\nwithin 2 minutes");

		String md = run.markdown("reliability");
		assertThat(md).contains("**Ran in this run:** 1 passed, 2 FAILED, 5 FAILED.")
			.contains("**Did not run in this run:** 3 (tagged `full`: runs with `deploy/test.sh --full`).")
			.contains("| 1 | Rolling upgrade | passed | 5310 | 0 | {} | 5.5 | 63.4 | 188.0 | 132.7 | {upgradeSeconds=64.3} |")
			.contains("| 5 | Broken version | FAILED: AssertionError: [failed requests of 4442: {timeout=3}] | 5310 | 3 |")
			.contains("| 2 | SIGKILL of one instance | FAILED: ConditionTimeoutException: servers / not up within 2 minutes | — | — |")
			.contains("no figures: the scenario stopped before it wrote them")
			.contains("![Rolling upgrade](reliability/1.png)")
			.contains("![Broken version](reliability/5.png)")
			.doesNotContain("reliability/2.png")
			.doesNotContain("| 3 | SIGTERM");
	}

	@Test
	void aScenarioThatWroteItsFiguresAndHasNotEndedIsRunning() {
		ReliabilityRun run = new ReliabilityRun(RUN, KNOWN);
		run.figures("2", figures("2", 0, Map.of()));
		assertThat(run.markdown("reliability")).contains("**Ran in this run:** 2 running.")
			.contains("| 2 | SIGKILL of one instance | running |");
	}

	@Test
	void saysWhenTheTestClassFailedOutsideItsScenarios() {
		ReliabilityRun run = new ReliabilityRun(RUN, KNOWN);
		run.classFailed("IllegalStateException: bash deploy/build-image.sh exited with 1");
		assertThat(run.markdown("reliability")).contains("**Ran in this run:** none.")
			.contains("**The test class failed outside its scenarios:** IllegalStateException: bash deploy/build-image.sh");
	}

	private static Map<String, Object> figures(String id, long failed, Map<String, Object> extra) {
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("scenario", id);
		figures.put("title", "ignored: the known title is shown");
		figures.put("ratePerSecond", 40);
		figures.put("requests", 5310L);
		figures.put("failed", failed);
		figures.put("errorKinds", Map.of());
		figures.put("p50Millis", 5.5);
		figures.put("p99Millis", 63.4);
		figures.put("maxMillis", 188.0);
		figures.put("durationSeconds", 132.7);
		figures.put("loadTimeLimitReached", false);
		figures.put("perInstance", Map.of("a", 5310L));
		figures.putAll(extra);
		return figures;
	}

}
