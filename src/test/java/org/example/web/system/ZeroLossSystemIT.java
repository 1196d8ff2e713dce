package org.example.web.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.example.web.support.Project;
import org.example.web.support.Shell;
import org.example.web.support.Timing;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * "No request fails while we upgrade, scale or lose a part": each scenario runs under a constant
 * load through HAProxy and asserts exactly 0 failed requests; the figures and a timeline go to the
 * reliability report. Scenarios 3, 4 and 6 are slow and run with -Pfull only.
 */
@SystemTest
@ExtendWith(ReliabilityReport.class)
class ZeroLossSystemIT {

	static final String V1 = Project.VERSION;

	static final String V2 = "2.0.0";

	/**
	 * Slow requests per second in scenario 3, next to the {@value Scenario#RATE}/s load. Not 5: 40 + 5
	 * requests a second are 8 + 1 every 200 ms, 9, a multiple of the 3 instances: HAProxy's round
	 * robin sent every slow request to the same instance, never to the one stopped (0 of 149).
	 * At 7/s the slow requests walk over every instance.
	 */
	static final int SLOW_RATE = 7;

	static final String V3_BROKEN = "3.0.0";

	/** A rolling update of 3 replicas, one at a time, start-first, with swarm's monitor window. */
	static final Duration UPDATE_TIMEOUT = Duration.ofMinutes(5);

	@BeforeAll
	static void buildVersions() {
		buildImage(V2);
		// Version 3 is misconfigured: its readiness group requires 1000 TB of free disk, so it
		// starts, but never becomes ready. Without the ahead-of-time cache: its training run waits
		// for readiness, which never comes (3 minutes of every test run went to that wait).
		buildImage(V3_BROKEN, "--no-aot", "-Djib.container.environment=MANAGEMENT_ENDPOINT_HEALTH_GROUP_READINESS_INCLUDE=diskSpace,"
				+ "MANAGEMENT_HEALTH_DISKSPACE_THRESHOLD=1000TB");
	}

	/** Every scenario starts where a fresh deploy is: {@value SwarmStack#REPLICAS} replicas, all served. */
	@BeforeEach
	void fromTheReplicasOfAFreshDeploy(SwarmStack stack) {
		stack.reset();
	}

	@Test
	@Order(1)
	@ReliabilityScenario(id = "1", title = "Rolling upgrade to " + V2 + " and back")
	void rollingUpgradeAndBack(SwarmStack stack, ScenarioReport report) {
		try (Scenario scenario = Scenario.underLoad(Duration.ofMinutes(8))) {
			long start = Timing.now();
			stack.updateWebImage(V2, "completed", UPDATE_TIMEOUT);
			scenario.figure("upgradeSeconds", Timing.secondsSince(start));
			stack.awaitServersUp(SwarmStack.REPLICAS, Duration.ofMinutes(1));
			scenario.hold(Duration.ofSeconds(3));
			List<String> versionsAfterUpgrade = scenario.versionsAnsweringSince(Timing.now() - 2000);
			long backStart = Timing.now();
			stack.updateWebImage(V1, "completed", UPDATE_TIMEOUT);
			scenario.figure("downgradeSeconds", Timing.secondsSince(backStart));
			stack.awaitServersUp(SwarmStack.REPLICAS, Duration.ofMinutes(1));
			LoadSummary load = scenario.finishAfter(Duration.ofSeconds(3));

			List<String> versionsAtTheEnd = load.versionsSince(load.endMillis() - 2000);
			scenario.figure("versionsAnsweringAfterUpgrade", versionsAfterUpgrade);
			scenario.figure("versionsAnsweringAtTheEnd", versionsAtTheEnd);
			report.writeAndAssertNoneFailed(load, scenario.figures());
			assertThat(versionsAfterUpgrade).containsExactly(V2);
			assertThat(versionsAtTheEnd).containsExactly(V1);
		}
	}

	@Test
	@Order(2)
	@ReliabilityScenario(id = "2", title = "SIGKILL of one instance")
	void sigkillOfAnInstance(SwarmStack stack, ScenarioReport report) {
		String victim = stack.webContainers().get(0);
		try (Scenario scenario = Scenario.underLoad(Duration.ofMinutes(3))) {
			scenario.hold(Duration.ofSeconds(3));
			long killedAt = Timing.now();
			Shell.run("docker", "kill", "--signal", "KILL", victim);
			stack.awaitServersUp(SwarmStack.REPLICAS, Duration.ofMinutes(2));
			scenario.figure("secondsToReplacementServed", Timing.secondsSince(killedAt));
			LoadSummary load = scenario.finishAfter(Duration.ofSeconds(5));

			scenario.figure("killed", victim);
			scenario.figure("lastRequestToKilledAfterKillSeconds",
					Timing.secondsBetween(killedAt, load.lastSeen().getOrDefault(victim, killedAt)));
			report.writeAndAssertNoneFailed(load, scenario.figures());
			assertThat(load.instancesSince(load.endMillis() - 3000)).hasSize(SwarmStack.REPLICAS).doesNotContain(victim);
		}
	}

	@Test
	@Order(3)
	@Tag("full")
	@ReliabilityScenario(id = "3", title = "SIGTERM of one instance, 2 s requests in flight")
	void sigtermOfAnInstanceWithSlowRequestsInFlight(SwarmStack stack, ScenarioReport report) {
		String victim = stack.webContainers().get(0);
		try (Scenario scenario = Scenario.underLoad(Duration.ofMinutes(3));
				Scenario slow = Scenario.underLoad(Endpoints.WHOAMI + "?delayMs=2000", SLOW_RATE, Duration.ofMinutes(3))) {
			scenario.hold(Duration.ofSeconds(5));
			long stoppedAt = Timing.now();
			// As swarm stops a task: SIGTERM, then SIGKILL after the service's stop_grace_period.
			Duration grace = stack.stopGracePeriod();
			Shell.run(grace.plusSeconds(20), "docker", "stop", "--time", String.valueOf(grace.toSeconds()), victim);
			scenario.figure("stopSeconds", Timing.secondsSince(stoppedAt));
			stack.awaitServersUp(SwarmStack.REPLICAS, Duration.ofMinutes(2));
			LoadSummary load = scenario.finishAfter(Duration.ofSeconds(5));
			LoadSummary slowLoad = slow.finish();

			long slowFinishedByVictimBeforeStop = slowLoad.samples()
				.stream()
				.filter((s) -> victim.equals(s.instance()) && s.sentAtMillis() + s.latencyMicros() / 1000 <= stoppedAt)
				.count();
			long slowFinishedByVictimAfterStop = slowLoad.samples()
				.stream()
				.filter((s) -> victim.equals(s.instance()) && s.sentAtMillis() + s.latencyMicros() / 1000 > stoppedAt)
				.count();
			scenario.figure("stopped", victim);
			scenario.figure("slowRequests", slowLoad.sent());
			scenario.figure("slowFailed", slowLoad.failed());
			scenario.figure("slowPerInstance", slowLoad.perInstance());
			scenario.figure("slowErrorKinds", slowLoad.errorKinds());
			scenario.figure("slowAnsweredByStoppingInstanceBeforeSigterm", slowFinishedByVictimBeforeStop);
			scenario.figure("slowAnsweredByStoppingInstanceAfterSigterm", slowFinishedByVictimAfterStop);
			report.writeAndAssertNoneFailed(load, scenario.figures());
			slowLoad.assertNoneFailed();
			assertThat(slowFinishedByVictimBeforeStop).as("slow requests answered by %s before the stop", victim).isPositive();
			assertThat(slowFinishedByVictimAfterStop).as("slow requests answered by %s after SIGTERM", victim).isPositive();
		}
	}

	@Test
	@Order(4)
	@Tag("full")
	@ReliabilityScenario(id = "4", title = "Consul leader killed, then all Consul servers down for 60 s")
	void consulLeaderKilledThenAllServersDownForAMinute(SwarmStack stack, ScenarioReport report) {
		stack.awaitHealthyConsul(Duration.ofMinutes(3));
		try (Scenario scenario = Scenario.underLoad(Duration.ofMinutes(8))) {
			scenario.hold(Duration.ofSeconds(3));
			scenario.figure("secondsToNewLeader", stack.killLeaderAndAwaitNew());

			stack.scale(SwarmStack.CONSUL, 0);
			await().atMost(Duration.ofMinutes(1)).until(() -> stack.containers(SwarmStack.CONSUL).isEmpty());
			long allDownAt = Timing.now();
			scenario.hold(Duration.ofSeconds(60));
			List<String> servedWhileConsulDown = scenario.instancesAnsweringSince(allDownAt);
			long backAt = Timing.now();
			scenario.figure("consulDownSeconds", Timing.secondsBetween(allDownAt, backAt));
			scenario.figure("instancesServedWhileConsulDown", servedWhileConsulDown.size());
			stack.scale(SwarmStack.CONSUL, SwarmStack.CONSUL_SERVERS);
			stack.awaitHealthyConsul(Duration.ofMinutes(4));
			scenario.figure("secondsToLeaderAfterOutage", Timing.secondsSince(backAt));
			await().atMost(Duration.ofMinutes(3))
				.pollInterval(Duration.ofSeconds(1))
				.ignoreExceptions()
				.until(() -> stack.passingInConsulCatalog() == SwarmStack.REPLICAS);
			scenario.figure("secondsToAllInstancesPassingInCatalogAgain", Timing.secondsSince(backAt));
			stack.awaitServersUp(SwarmStack.REPLICAS, Duration.ofMinutes(1));
			LoadSummary load = scenario.finishAfter(Duration.ofSeconds(5));

			report.writeAndAssertNoneFailed(load, scenario.figures());
			assertThat(servedWhileConsulDown).hasSize(SwarmStack.REPLICAS);
		}
	}

	@Test
	@Order(5)
	@ReliabilityScenario(id = "5", title = "Broken version " + V3_BROKEN + " (never ready): automatic rollback")
	void brokenVersionIsRolledBackWithoutReceivingTraffic(SwarmStack stack, ScenarioReport report) {
		String imageBefore = stack.webImage();
		try (Scenario scenario = Scenario.underLoad(Duration.ofMinutes(6))) {
			long start = Timing.now();
			stack.updateWebImage(V3_BROKEN, "rollback_completed", UPDATE_TIMEOUT);
			scenario.figure("secondsToRollbackCompleted", Timing.secondsSince(start));
			stack.awaitServersUp(SwarmStack.REPLICAS, Duration.ofMinutes(1));
			LoadSummary load = scenario.finishAfter(Duration.ofSeconds(3));

			String imageAfter = stack.webImage();
			scenario.figure("imageAfterRollback", imageAfter);
			report.writeAndAssertNoneFailed(load, scenario.figures());
			assertThat(load.perVersion()).doesNotContainKey(V3_BROKEN);
			assertThat(imageAfter).isEqualTo(imageBefore);
		}
	}

	@Test
	@Order(6)
	@Tag("full")
	@ReliabilityScenario(id = "6", title = "Scale 3 -> 6 -> 2")
	void scaleThreeToSixToTwo(SwarmStack stack, ScenarioReport report) {
		try (Scenario scenario = Scenario.underLoad(Duration.ofMinutes(6))) {
			long start = Timing.now();
			stack.scaleAndWait(6);
			scenario.figure("secondsTo6Served", Timing.secondsSince(start));
			scenario.hold(Duration.ofSeconds(5));
			long twoStart = Timing.now();
			stack.scaleAndWait(2);
			scenario.figure("secondsTo2Served", Timing.secondsSince(twoStart));
			LoadSummary load = scenario.finishAfter(Duration.ofSeconds(5));

			report.writeAndAssertNoneFailed(load, scenario.figures());
			assertThat(load.perInstance()).hasSizeGreaterThanOrEqualTo(6);
		}
		// Back to a fresh deploy's replicas for the system tests that follow.
		stack.reset();
	}

	/** deploy/build-image.sh for another version, in its own build directory; extra: more of its arguments. */
	private static void buildImage(String version, String... extra) {
		List<String> args = new ArrayList<>(List.of("-Drevision=" + version, "-Dimage.extra.tag=" + version,
				"-Dbuild.dir=" + Project.ROOT.resolve("target").resolve("image-" + version)));
		args.addAll(List.of(extra));
		SwarmStack.script(Duration.ofMinutes(5), "build-image.sh", args.toArray(String[]::new));
	}

}
