package org.example.web.system;

import java.nio.file.Path;
import java.time.Duration;

import org.example.web.support.Json;
import org.example.web.support.Project;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark itself works (a short run of deploy/bench.sh --smoke): every case measured,
 * ratios and convergence computed, report and chart written. No timing is asserted: benchmarks
 * are figures, not tests.
 */
@SystemTest
class BenchmarkSmokeSystemIT {

	@Test
	void benchmarkRunsAndWritesItsReport(SwarmStack stack) {
		stack.reset();
		SwarmStack.script(Duration.ofMinutes(6), "bench.sh", "--smoke");
		Path out = Project.ROOT.resolve("target").resolve("bench-smoke");
		JsonNode result = Json.read(out.resolve("benchmarks.json"));

		assertThat(result.get("throughput").valueStream().map((t) -> t.get("case").asString()).distinct())
			.containsExactlyInAnyOrder("reference", "direct", "ceiling", "static", "proxied-reference", "ours",
				"ours-loopback");
		assertThat(result.get("throughput").valueStream()).allSatisfy((t) -> {
			assertThat(t.get("rps").asDouble()).isPositive();
			assertThat(t.get("errors").asInt()).isZero();
		});
		assertThat(result.get("ratios").valueStream()).allSatisfy((r) -> {
			assertThat(r.get("ours_over_static").asDouble()).isPositive();
			assertThat(r.get("ours_over_serialChainLimit").asDouble()).isPositive();
			assertThat(r.get("direct_over_reference").asDouble()).isPositive();
			assertThat(r.get("ours_over_proxiedReference").asDouble()).isPositive();
		});
		assertThat(result.get("scaling").get("trials").asInt()).isEqualTo(1);
		assertThat(result.get("scaling").get("startupToReadySeconds").get("median").asDouble()).isPositive();
		assertThat(result.get("scaling").get("readyToFirstRequestSeconds").get("median").asDouble()).isPositive();
		assertThat(result.get("idleBusyCores").asDouble()).isPositive();
		// Where the idle CPU went: the web replicas and the Docker engine are measured.
		assertThat(result.get("idleCoresByPart").get(SwarmStack.NAME + "_web").asDouble()).isPositive();
		assertThat(result.get("idleCoresByPart").get("docker-engine").asDouble()).isPositive();
		assertThat(result.get("run").get("runId").asString()).startsWith("bench-");
		// The engine runs during the benchmark: its setting is known.
		assertThat(result.get("run").get("dockerUserlandProxy").asString()).isIn("on", "off");
		assertThat(out.resolve("benchmarks.md")).content().contains("| ours |");
		assertThat(out.resolve("benchmarks.png")).isNotEmptyFile();
	}

}
