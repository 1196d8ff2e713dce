package org.example.web.system;

import java.time.Instant;
import java.util.List;

import org.example.web.support.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RunInfoTest {

	@Test
	void runIdIsTheUtcStartAndTheProcess() {
		assertThat(RunInfo.runId(Instant.parse("2026-11-25T14:22:33Z"), 4711)).isEqualTo("20261125T142233Z-4711");
	}

	@Test
	void oneRunOneInfo() {
		assertThat(RunInfo.current()).isSameAs(RunInfo.current());
	}

	@Test
	void capturesTheCheckoutAndTheMachine() {
		RunInfo run = RunInfo.current();
		assertThat(run.runId()).matches("\\d{8}T\\d{6}Z-\\d+").endsWith("-" + ProcessHandle.current().pid());
		assertThat(Instant.parse(run.startedAt())).isBeforeOrEqualTo(Instant.now());
		assertThat(run.gitCommit()).matches("[0-9a-f]{40}|" + RunInfo.UNKNOWN);
		if (!run.gitCommit().equals(RunInfo.UNKNOWN)) {
			assertThat(run.gitDirty()).isNotNull();
		}
		assertThat(run.cores()).isPositive();
		assertThat(run.memoryBytes()).isGreaterThan(100L * 1024 * 1024);
		assertThat(run.kernel()).isNotBlank();
		assertThat(run.loadAverage()).isNotEmpty().allSatisfy((load) -> assertThat(load).isNotNegative());
		assertThat(run.dockerServerVersion()).isNotBlank();
		assertThat(run.dockerUserlandProxy()).isIn("on", "off", RunInfo.UNKNOWN);
	}

	@Test
	void theJsonIsFlatWithTheDocumentedKeys() {
		RunInfo run = new RunInfo("20261125T142233Z-4711", "2026-11-25T14:22:33Z",
				"6d45df6a4b2c0e1f3a5b7c9d0e2f4a6b8c0d2e4f", true, 2, 25_769_803_776L, "6.12.48+deb13-amd64",
				List.of(0.42, 0.3, 0.25), "20.10.24+dfsg1", "off");
		assertThat(Json.oneLine(run)).isEqualTo("""
				{"runId":"20261125T142233Z-4711","startedAt":"2026-11-25T14:22:33Z",\
				"gitCommit":"6d45df6a4b2c0e1f3a5b7c9d0e2f4a6b8c0d2e4f","gitDirty":true,"cores":2,\
				"memoryBytes":25769803776,"kernel":"6.12.48+deb13-amd64","loadAverage":[0.42,0.3,0.25],\
				"dockerServerVersion":"20.10.24+dfsg1","dockerUserlandProxy":"off"}""");
		assertThat(run.commit()).isEqualTo("6d45df6a4b2c (dirty)");
		assertThat(run.machine())
			.isEqualTo("2 cores, 24.0 GiB, kernel 6.12.48+deb13-amd64, load 0.42 0.3 0.25 at the start, "
					+ "Docker 20.10.24+dfsg1 (userland proxy off)");
	}

}
