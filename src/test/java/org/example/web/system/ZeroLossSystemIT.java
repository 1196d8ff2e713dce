package org.example.web.system;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * "No request fails while we upgrade, scale or lose a part": each scenario runs under a constant
 * load through HAProxy and asserts exactly 0 failed requests; the figures and a timeline go to the
 * reliability report. Scenarios 3, 4 and 6 are slow and run with -Pfull only.
 */
@ExtendWith(DeployedStack.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ZeroLossSystemIT {

	static final int RATE = 40;

	static final String WHOAMI = SwarmStack.PUBLIC + "/whoami";

	static final String SERVICE = SwarmStack.STACK + "_web";

	static final String V1 = "1.0.0";

	static final String V2 = "2.0.0";

	static final String V3_BROKEN = "3.0.0";

	@BeforeAll
	static void buildVersions() {
		buildImage(V2);
		// Version 3 is misconfigured: its readiness group requires 1000 TB of free disk, so it
		// starts, but never becomes ready.
		buildImage(V3_BROKEN, "-Djib.container.environment=MANAGEMENT_ENDPOINT_HEALTH_GROUP_READINESS_INCLUDE=diskSpace,"
				+ "MANAGEMENT_HEALTH_DISKSPACE_THRESHOLD=1000TB");
	}

	@Test
	@Order(1)
	void rollingUpgradeAndBack(SwarmStack stack) {
		stack.scaleAndWait(3);
		LoadDriver load = LoadDriver.start(WHOAMI, RATE, Duration.ofMinutes(8));
		long start = System.currentTimeMillis();
		updateImage(V2);
		long upgraded = System.currentTimeMillis();
		stack.awaitServersUp(3, Duration.ofMinutes(1));
		SwarmStackSystemIT.sleepSeconds(3);
		List<String> versionsAfterUpgrade = load.samples()
			.stream()
			.filter((s) -> s.sentAtMillis() > System.currentTimeMillis() - 2000 && s.version() != null)
			.map(LoadDriver.Sample::version)
			.distinct()
			.toList();
		long backStart = System.currentTimeMillis();
		updateImage(V1);
		long back = System.currentTimeMillis();
		stack.awaitServersUp(3, Duration.ofMinutes(1));
		SwarmStackSystemIT.sleepSeconds(3);
		LoadSummary summary = load.stop();

		Map<String, Object> extra = new LinkedHashMap<>();
		extra.put("upgradeSeconds", (upgraded - start) / 1000.0);
		extra.put("downgradeSeconds", (back - backStart) / 1000.0);
		extra.put("versionsAnsweringAfterUpgrade", versionsAfterUpgrade);
		extra.put("versionsAnsweringAtTheEnd", summary.versionsSince(summary.endMillis() - 2000));
		ReliabilityReport.write("1", "Rolling upgrade 1.0.0 -> 2.0.0 -> 1.0.0", summary, extra);
		assertThat(summary.failed()).as("failed requests: %s", summary.errorKinds()).isZero();
		assertThat(versionsAfterUpgrade).containsExactly(V2);
		assertThat(summary.versionsSince(summary.endMillis() - 2000)).containsExactly(V1);
	}

	@Test
	@Order(2)
	void sigkillOfAnInstance(SwarmStack stack) {
		stack.scaleAndWait(3);
		String victim = stack.webContainers().get(0);
		LoadDriver load = LoadDriver.start(WHOAMI, RATE, Duration.ofMinutes(3));
		SwarmStackSystemIT.sleepSeconds(3);
		long killedAt = System.currentTimeMillis();
		Shell.run("docker", "kill", "--signal", "KILL", victim);
		stack.awaitServersUp(3, Duration.ofMinutes(2));
		long replacedAt = System.currentTimeMillis();
		SwarmStackSystemIT.sleepSeconds(5);
		LoadSummary summary = load.stop();

		Map<String, Object> extra = new LinkedHashMap<>();
		extra.put("killed", victim);
		extra.put("lastRequestToKilledAfterKillSeconds",
				(summary.lastSeen().getOrDefault(victim, killedAt) - killedAt) / 1000.0);
		extra.put("secondsToReplacementServed", (replacedAt - killedAt) / 1000.0);
		ReliabilityReport.write("2", "SIGKILL of one instance", summary, extra);
		assertThat(summary.failed()).as("failed requests: %s", summary.errorKinds()).isZero();
		assertThat(summary.instancesSince(summary.endMillis() - 3000)).hasSize(3).doesNotContain(victim);
	}

	@Test
	@Order(3)
	@Tag("full")
	void sigtermOfAnInstanceWithSlowRequestsInFlight(SwarmStack stack) {
		stack.scaleAndWait(3);
		String victim = stack.webContainers().get(0);
		LoadDriver load = LoadDriver.start(WHOAMI, RATE, Duration.ofMinutes(3));
		LoadDriver slow = LoadDriver.start(WHOAMI + "?delayMs=2000", 5, Duration.ofMinutes(3));
		SwarmStackSystemIT.sleepSeconds(5);
		long stoppedAt = System.currentTimeMillis();
		Shell.run(Duration.ofMinutes(1), "docker", "stop", "--time", "40", victim);
		long exitedAt = System.currentTimeMillis();
		stack.awaitServersUp(3, Duration.ofMinutes(2));
		SwarmStackSystemIT.sleepSeconds(5);
		LoadSummary summary = load.stop();
		LoadSummary slowSummary = slow.stop();

		long slowFinishedByVictimAfterStop = slowSummary.samples()
			.stream()
			.filter((s) -> victim.equals(s.instance()) && s.sentAtMillis() + s.latencyMicros() / 1000 > stoppedAt)
			.count();
		Map<String, Object> extra = new LinkedHashMap<>();
		extra.put("stopped", victim);
		extra.put("stopSeconds", (exitedAt - stoppedAt) / 1000.0);
		extra.put("slowRequests", slowSummary.sent());
		extra.put("slowFailed", slowSummary.failed());
		extra.put("slowAnsweredByStoppingInstanceAfterSigterm", slowFinishedByVictimAfterStop);
		ReliabilityReport.write("3", "SIGTERM of one instance, 2 s requests in flight", summary, extra);
		assertThat(summary.failed()).as("failed requests: %s", summary.errorKinds()).isZero();
		assertThat(slowSummary.failed()).as("failed slow requests: %s", slowSummary.errorKinds()).isZero();
		assertThat(slowFinishedByVictimAfterStop).isPositive();
	}

	@Test
	@Order(4)
	@Tag("full")
	void consulLeaderKilledThenAllServersDownForAMinute(SwarmStack stack) {
		stack.scaleAndWait(3);
		stack.awaitHealthyConsul(Duration.ofMinutes(3));
		LoadDriver load = LoadDriver.start(WHOAMI, RATE, Duration.ofMinutes(8));
		SwarmStackSystemIT.sleepSeconds(3);
		double newLeaderSeconds = stack.killLeaderAndAwaitNew();

		Shell.run("docker", "service", "scale", "--detach", SwarmStack.STACK + "_consul=0");
		await().atMost(Duration.ofMinutes(1)).until(() -> stack.containers("consul").isEmpty());
		long allDownAt = System.currentTimeMillis();
		SwarmStackSystemIT.sleepSeconds(60);
		List<String> servedWhileConsulDown = load.samples()
			.stream()
			.filter((s) -> s.sentAtMillis() > allDownAt && s.instance() != null)
			.map(LoadDriver.Sample::instance)
			.distinct()
			.toList();
		long backAt = System.currentTimeMillis();
		Shell.run("docker", "service", "scale", "--detach", SwarmStack.STACK + "_consul=3");
		stack.awaitHealthyConsul(Duration.ofMinutes(4));
		double leaderAfterOutageSeconds = (System.currentTimeMillis() - backAt) / 1000.0;
		await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> passingInCatalog(stack) == 3);
		double reregisteredSeconds = (System.currentTimeMillis() - backAt) / 1000.0;
		stack.awaitServersUp(3, Duration.ofMinutes(1));
		SwarmStackSystemIT.sleepSeconds(5);
		LoadSummary summary = load.stop();

		Map<String, Object> extra = new LinkedHashMap<>();
		extra.put("secondsToNewLeader", newLeaderSeconds);
		extra.put("consulDownSeconds", (backAt - allDownAt) / 1000.0);
		extra.put("instancesServedWhileConsulDown", servedWhileConsulDown.size());
		extra.put("secondsToLeaderAfterOutage", leaderAfterOutageSeconds);
		extra.put("secondsToAllInstancesPassingInCatalogAgain", reregisteredSeconds);
		ReliabilityReport.write("4", "Consul leader killed, then all Consul servers down for 60 s", summary, extra);
		assertThat(summary.failed()).as("failed requests: %s", summary.errorKinds()).isZero();
		assertThat(servedWhileConsulDown).hasSize(3);
	}

	@Test
	@Order(5)
	void brokenVersionIsRolledBackWithoutReceivingTraffic(SwarmStack stack) {
		stack.scaleAndWait(3);
		String imageBefore = image();
		LoadDriver load = LoadDriver.start(WHOAMI, RATE, Duration.ofMinutes(6));
		long start = System.currentTimeMillis();
		Shell.tryRun(Duration.ofMinutes(5), "docker", "service", "update", "--no-resolve-image", "--image",
				"web:" + V3_BROKEN, SERVICE);
		await().atMost(Duration.ofMinutes(5))
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> updateState().equals("rollback_completed"));
		long rolledBack = System.currentTimeMillis();
		stack.awaitServersUp(3, Duration.ofMinutes(1));
		SwarmStackSystemIT.sleepSeconds(3);
		LoadSummary summary = load.stop();

		Map<String, Object> extra = new LinkedHashMap<>();
		extra.put("secondsToRollbackCompleted", (rolledBack - start) / 1000.0);
		extra.put("imageAfterRollback", image());
		ReliabilityReport.write("5", "Broken version 3.0.0 (never ready): automatic rollback", summary, extra);
		assertThat(summary.failed()).as("failed requests: %s", summary.errorKinds()).isZero();
		assertThat(summary.perVersion()).doesNotContainKey(V3_BROKEN);
		assertThat(image()).isEqualTo(imageBefore);
	}

	@Test
	@Order(6)
	@Tag("full")
	void scaleThreeToSixToTwo(SwarmStack stack) {
		stack.scaleAndWait(3);
		LoadDriver load = LoadDriver.start(WHOAMI, RATE, Duration.ofMinutes(6));
		long start = System.currentTimeMillis();
		stack.scaleAndWait(6);
		long six = System.currentTimeMillis();
		SwarmStackSystemIT.sleepSeconds(5);
		long twoStart = System.currentTimeMillis();
		stack.scaleAndWait(2);
		long two = System.currentTimeMillis();
		SwarmStackSystemIT.sleepSeconds(5);
		LoadSummary summary = load.stop();

		Map<String, Object> extra = new LinkedHashMap<>();
		extra.put("secondsTo6Served", (six - start) / 1000.0);
		extra.put("secondsTo2Served", (two - twoStart) / 1000.0);
		ReliabilityReport.write("6", "Scale 3 -> 6 -> 2", summary, extra);
		assertThat(summary.failed()).as("failed requests: %s", summary.errorKinds()).isZero();
		assertThat(summary.perInstance()).hasSizeGreaterThanOrEqualTo(6);
		stack.scaleAndWait(3);
	}

	private static void buildImage(String version, String... extra) {
		String[] args = new String[extra.length + 3];
		args[0] = "-Drevision=" + version;
		args[1] = "-Dimage.extra.tag=" + version;
		args[2] = "-Dbuild.dir=" + System.getProperty("project.root", ".") + "/target/image-" + version;
		System.arraycopy(extra, 0, args, 3, extra.length);
		SwarmStack.script(Duration.ofMinutes(5), "build-image.sh", args);
	}

	/**
	 * A rolling update; returns when swarm reports it complete (start-first, one task at a time,
	 * then the monitor window), which is after the CLI has seen every task running.
	 */
	private static void updateImage(String version) {
		Shell.run(Duration.ofMinutes(5), "docker", "service", "update", "--no-resolve-image", "--image", "web:" + version,
				SERVICE);
		await().atMost(Duration.ofMinutes(2))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> updateState().equals("completed"));
	}

	private static String updateState() {
		return Shell.run("docker", "service", "inspect", "-f", "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}",
				SERVICE).trim();
	}

	private static String image() {
		return Shell.run("docker", "service", "inspect", "-f", "{{.Spec.TaskTemplate.ContainerSpec.Image}}", SERVICE)
			.trim();
	}

	private static int passingInCatalog(SwarmStack stack) {
		String out = stack.consul("curl", "-fsS", "http://127.0.0.1:8500/v1/health/service/web?passing=true");
		return JsonMapper.shared().readTree(out).size();
	}

}
