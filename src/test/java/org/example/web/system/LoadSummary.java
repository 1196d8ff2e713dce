package org.example.web.system;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.example.web.system.LoadDriver.Sample;

/** The figures of one load run. */
record LoadSummary(int ratePerSecond, long startMillis, long endMillis, List<Sample> samples) {

	long sent() {
		return this.samples.size();
	}

	long failed() {
		return this.samples.stream().filter(Sample::failed).count();
	}

	Map<String, Long> errorKinds() {
		return this.samples.stream()
			.filter(Sample::failed)
			.collect(Collectors.groupingBy(Sample::error, TreeMap::new, Collectors.counting()));
	}

	Map<String, Long> perInstance() {
		return this.samples.stream()
			.filter((s) -> s.instance() != null)
			.collect(Collectors.groupingBy(Sample::instance, TreeMap::new, Collectors.counting()));
	}

	Map<String, Long> perVersion() {
		return this.samples.stream()
			.filter((s) -> s.version() != null)
			.collect(Collectors.groupingBy(Sample::version, TreeMap::new, Collectors.counting()));
	}

	/** Versions that answered requests sent at or after the given time. */
	List<String> versionsSince(long epochMillis) {
		return this.samples.stream()
			.filter((s) -> s.version() != null && s.sentAtMillis() >= epochMillis)
			.map(Sample::version)
			.distinct()
			.sorted()
			.toList();
	}

	/** When each instance answered first (sent time of the request), epoch millis. */
	Map<String, Long> firstSeen() {
		return this.samples.stream()
			.filter((s) -> s.instance() != null)
			.collect(Collectors.toMap(Sample::instance, Sample::sentAtMillis, Math::min));
	}

	Map<String, Long> lastSeen() {
		return this.samples.stream()
			.filter((s) -> s.instance() != null)
			.collect(Collectors.toMap(Sample::instance, Sample::sentAtMillis, Math::max));
	}

	/** Instances that answered a request sent at or after the given time. */
	List<String> instancesSince(long epochMillis) {
		return this.samples.stream()
			.filter((s) -> s.instance() != null && s.sentAtMillis() >= epochMillis)
			.map(Sample::instance)
			.distinct()
			.sorted()
			.toList();
	}

	double latencyMillis(double quantile) {
		List<Long> sorted = this.samples.stream().map(Sample::latencyMicros).sorted().toList();
		if (sorted.isEmpty()) {
			return 0;
		}
		int index = (int) Math.min(sorted.size() - 1, Math.ceil(quantile * sorted.size()) - 1);
		return sorted.get(Math.max(0, index)) / 1000.0;
	}

	double maxLatencyMillis() {
		OptionalLong max = this.samples.stream().mapToLong(Sample::latencyMicros).max();
		return max.orElse(0) / 1000.0;
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
			second.put("instances", e.getValue()
				.stream()
				.filter((s) -> s.instance() != null)
				.collect(Collectors.groupingBy(Sample::instance, TreeMap::new, Collectors.counting())));
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
		figures.put("perInstance", perInstance());
		figures.put("perVersion", perVersion());
		return figures;
	}

	static double round(double value) {
		return Math.round(value * 1000) / 1000.0;
	}

}
