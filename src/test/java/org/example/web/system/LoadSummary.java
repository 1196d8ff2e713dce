package org.example.web.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.example.web.system.LoadDriver.Sample;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The figures of one load run: every request sent, as one sample each.
 *
 * @param timeLimitReached whether the load stopped at its own time limit, before the scenario
 * stopped it: the end of the scenario then went without load
 */
record LoadSummary(int ratePerSecond, long startMillis, long endMillis, List<Sample> samples,
		boolean timeLimitReached) {

	long sent() {
		return this.samples.size();
	}

	long failed() {
		return this.samples.stream().filter(Sample::failed).count();
	}

	Map<String, Long> errorKinds() {
		return countBy(this.samples.stream().filter(Sample::failed), Sample::error);
	}

	Map<String, Long> perInstance() {
		return countBy(answered(), Sample::instance);
	}

	Map<String, Long> perVersion() {
		return countBy(this.samples.stream().filter((s) -> s.version() != null), Sample::version);
	}

	/** Versions that answered requests sent at or after the given time. */
	List<String> versionsSince(long epochMillis) {
		return distinct(this.samples.stream().filter((s) -> s.version() != null && s.sentAtMillis() >= epochMillis),
				Sample::version);
	}

	/** Instances that answered a request sent at or after the given time. */
	List<String> instancesSince(long epochMillis) {
		return distinct(answered().filter((s) -> s.sentAtMillis() >= epochMillis), Sample::instance);
	}

	/** When each instance answered first (sent time of the request), epoch millis. */
	Map<String, Long> firstSeen() {
		return answered().collect(Collectors.toMap(Sample::instance, Sample::sentAtMillis, Math::min));
	}

	Map<String, Long> lastSeen() {
		return answered().collect(Collectors.toMap(Sample::instance, Sample::sentAtMillis, Math::max));
	}

	/** When the last request was sent (the start when none was). */
	long lastSentMillis() {
		return this.samples.stream().mapToLong(Sample::sentAtMillis).max().orElse(this.startMillis);
	}

	/**
	 * The longest time, from a moment to the last request sent, in which one instance answered
	 * nothing: between that moment and its first answer, between two answers, or after its last
	 * one (the whole span if it never answered).
	 */
	Duration longestGap(String instance, long fromMillis) {
		List<Long> answers = answered().filter((s) -> instance.equals(s.instance()) && s.sentAtMillis() >= fromMillis)
			.map(Sample::sentAtMillis)
			.sorted()
			.toList();
		List<Long> bounds = new ArrayList<>();
		bounds.add(fromMillis);
		bounds.addAll(answers);
		bounds.add(Math.max(fromMillis, lastSentMillis()));
		long longest = 0;
		for (int i = 1; i < bounds.size(); i++) {
			longest = Math.max(longest, bounds.get(i) - bounds.get(i - 1));
		}
		return Duration.ofMillis(longest);
	}

	/** The latency at a quantile (nearest rank), in milliseconds. */
	double latencyMillis(double quantile) {
		List<Long> sorted = this.samples.stream().map(Sample::latencyMicros).sorted().toList();
		if (sorted.isEmpty()) {
			return 0;
		}
		int index = (int) Math.min(sorted.size() - 1, Math.ceil(quantile * sorted.size()) - 1);
		return sorted.get(Math.max(0, index)) / 1000.0;
	}

	double maxLatencyMillis() {
		return this.samples.stream().mapToLong(Sample::latencyMicros).max().orElse(0) / 1000.0;
	}

	double durationSeconds() {
		return (this.endMillis - this.startMillis) / 1000.0;
	}

	/** Requests per second and instance, per whole second of the run: the timeline of a report. */
	List<Map<String, Object>> timeline() {
		Map<Long, List<Sample>> bySecond = this.samples.stream()
			.sorted(Comparator.comparingLong(Sample::sentAtMillis))
			.collect(Collectors.groupingBy((s) -> (s.sentAtMillis() - this.startMillis) / 1000, TreeMap::new,
					Collectors.toList()));
		return bySecond.entrySet().stream().map((e) -> {
			Map<String, Object> second = new LinkedHashMap<>();
			second.put("second", e.getKey());
			second.put("requests", e.getValue().size());
			second.put("failed", e.getValue().stream().filter(Sample::failed).count());
			second.put("instances", countBy(e.getValue().stream().filter((s) -> s.instance() != null), Sample::instance));
			return second;
		}).toList();
	}

	/** The figures written to the report. */
	Map<String, Object> figures() {
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("ratePerSecond", this.ratePerSecond);
		figures.put("requests", sent());
		figures.put("failed", failed());
		figures.put("errorKinds", errorKinds());
		figures.put("p50Millis", round(latencyMillis(0.50)));
		figures.put("p99Millis", round(latencyMillis(0.99)));
		figures.put("maxMillis", round(maxLatencyMillis()));
		figures.put("durationSeconds", round(durationSeconds()));
		figures.put("loadTimeLimitReached", this.timeLimitReached);
		figures.put("perInstance", perInstance());
		figures.put("perVersion", perVersion());
		return figures;
	}

	/**
	 * Fails unless no request failed (an unanswered one included) and the load lasted until the
	 * scenario ended: the promise of every zero-loss scenario.
	 */
	void assertNoneFailed() {
		assertThat(failed()).as("failed requests of %d: %s", sent(), errorKinds()).isZero();
		assertThat(this.timeLimitReached).as("the load stopped at its time limit, before the scenario ended")
			.isFalse();
	}

	static double round(double value) {
		return Math.round(value * 1000) / 1000.0;
	}

	private Stream<Sample> answered() {
		return this.samples.stream().filter((s) -> s.instance() != null);
	}

	private static Map<String, Long> countBy(Stream<Sample> samples, Function<Sample, String> key) {
		return samples.collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
	}

	private static List<String> distinct(Stream<Sample> samples, Function<Sample, String> key) {
		return samples.map(key).distinct().sorted().toList();
	}

}
