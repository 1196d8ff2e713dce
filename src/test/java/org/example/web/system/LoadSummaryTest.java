package org.example.web.system;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.example.web.system.LoadDriver.Sample;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class LoadSummaryTest {

	private static final long T0 = 1_000_000;

	private static Sample ok(long at, String instance, long latencyMillis) {
		return new Sample(T0 + at, 200, latencyMillis * 1000, instance, "1.0.0", null);
	}

	private static Sample failed(long at, String kind) {
		return new Sample(T0 + at, -1, 10_000, null, null, kind);
	}

	private static LoadSummary summary(Sample... samples) {
		return new LoadSummary(40, T0, T0 + 3000, List.of(samples), false);
	}

	@Test
	void countsEveryRequestAndEachKindOfFailure() {
		LoadSummary load = summary(ok(0, "a", 1), failed(10, "unanswered"), ok(20, "b", 1), failed(30, "5xx"),
				failed(40, "unanswered"));
		assertThat(load.sent()).isEqualTo(5);
		assertThat(load.failed()).isEqualTo(3);
		assertThat(load.errorKinds()).containsExactly(Map.entry("5xx", 1L), Map.entry("unanswered", 2L));
		assertThat(load.perInstance()).containsExactly(Map.entry("a", 1L), Map.entry("b", 1L));
	}

	@Test
	void latencyQuantilesAreNearestRank() {
		Sample[] samples = new Sample[100];
		for (int i = 0; i < 100; i++) {
			samples[i] = ok(i, "a", i + 1);
		}
		LoadSummary load = summary(samples);
		assertThat(load.latencyMillis(0.50)).isEqualTo(50.0);
		assertThat(load.latencyMillis(0.99)).isEqualTo(99.0);
		assertThat(load.maxLatencyMillis()).isEqualTo(100.0);
		assertThat(summary().latencyMillis(0.99)).isZero();
	}

	@Test
	void firstAndLastSeenAndWhoAnsweredSince() {
		LoadSummary load = summary(ok(0, "a", 1), ok(100, "b", 1), ok(200, "a", 1), ok(300, "c", 1));
		assertThat(load.firstSeen()).containsEntry("a", T0).containsEntry("c", T0 + 300);
		assertThat(load.lastSeen()).containsEntry("a", T0 + 200);
		assertThat(load.instancesSince(T0 + 150)).containsExactly("a", "c");
		assertThat(load.versionsSince(T0 + 150)).containsExactly("1.0.0");
	}

	@Test
	void longestGapCountsTheTimeBeforeTheFirstAnswerBetweenAnswersAndAfterTheLast() {
		// a answers at 100, 300, 1300; the last request of the run is sent at 1500
		LoadSummary load = summary(ok(100, "a", 1), ok(300, "a", 1), ok(1300, "a", 1), ok(1500, "b", 1));
		assertThat(load.longestGap("a", T0)).isEqualTo(Duration.ofMillis(1000));
		// never answered after the moment: the whole rest of the run
		assertThat(load.longestGap("a", T0 + 1400)).isEqualTo(Duration.ofMillis(100));
		assertThat(load.longestGap("nobody", T0)).isEqualTo(Duration.ofMillis(1500));
		// silent at the end
		LoadSummary silentAtTheEnd = summary(ok(0, "a", 1), ok(100, "a", 1), ok(4000, "b", 1));
		assertThat(silentAtTheEnd.longestGap("a", T0)).isEqualTo(Duration.ofMillis(3900));
	}

	@Test
	void timelineGroupsBySecondOfTheRun() {
		LoadSummary load = summary(ok(0, "a", 1), ok(500, "b", 1), failed(999, "reset"), ok(1000, "a", 1));
		assertThat(load.timeline()).hasSize(2);
		assertThat(load.timeline().get(0)).containsEntry("second", 0L)
			.containsEntry("requests", 3)
			.containsEntry("failed", 1L)
			.containsEntry("instances", Map.of("a", 1L, "b", 1L));
		assertThat(load.timeline().get(1)).containsEntry("second", 1L).containsEntry("requests", 1);
	}

	@Test
	void figuresOfTheReport() {
		Map<String, Object> figures = summary(ok(0, "a", 2), failed(5, "timeout")).figures();
		assertThat(figures).containsEntry("ratePerSecond", 40)
			.containsEntry("requests", 2L)
			.containsEntry("failed", 1L)
			.containsEntry("durationSeconds", 3.0)
			.containsEntry("loadTimeLimitReached", false)
			.containsKeys("p50Millis", "p99Millis", "maxMillis", "errorKinds", "perInstance", "perVersion");
	}

	@Test
	void noneFailedOnlyWhenEveryRequestSucceededAndTheLoadLastedTheWholeScenario() {
		summary(ok(0, "a", 1)).assertNoneFailed();
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> summary(ok(0, "a", 1), failed(10, "unanswered")).assertNoneFailed())
			.withMessageContaining("unanswered=1");
		LoadSummary cutShort = new LoadSummary(40, T0, T0 + 3000, List.of(ok(0, "a", 1)), true);
		assertThatExceptionOfType(AssertionError.class).isThrownBy(cutShort::assertNoneFailed)
			.withMessageContaining("time limit");
	}

}
