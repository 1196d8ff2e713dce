package org.example.web.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.awaitility.core.ConditionTimeoutException;
import org.example.web.support.Shell;
import org.example.web.support.Timing;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The control plane survives its own maintenance, under the constant load through HAProxy: a
 * rolling restart of the Consul servers (what every Consul upgrade or configuration change does)
 * is never without a leader for more than a few seconds at a time and ends with all servers live
 * voters (how many elections it takes is recorded, not asserted: Consul 1.8.7 cannot hand
 * leadership over, README); stopping and starting all servers at once (a
 * reboot of a single-node swarm) brings back a leader and all voters within a minute, every time.
 * The reasons for the servers' configuration: docs/consul-maintenance.md.
 */
@SystemTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsulMaintenanceSystemIT {

	/** Longest stretch without a leader during a rolling restart. */
	static final double MAX_SECONDS_WITHOUT_LEADER = 10;

	/**
	 * Longest stretch of a rolling restart with fewer than {@value SwarmStack#CONSUL_SERVERS} - 1
	 * live voters: the update stops the next server only once the restarted one is a voter again
	 * (README), so two voters answer throughout. A server stopped too early would leave one voter
	 * for as long as the other needs to come back (tens of seconds); this allows a few polls
	 * (each {@link ConsulLeaderWatch#INTERVAL}) in which a busy server did not answer in time.
	 */
	static final double MAX_SECONDS_WITH_ONE_VOTER_SHORT = 2;

	/**
	 * Longest time of the rolling restart without a sample of the servers: a watch that stopped
	 * seeing would pass the stretches above unseen. Polls come every
	 * {@link ConsulLeaderWatch#INTERVAL} and wait at most {@link ConsulLeaderWatch#ANSWER_TIMEOUT};
	 * docker's list of the running servers is kept apart, and an old list can only make a sample
	 * see fewer live voters (its age is in the report).
	 */
	static final double MAX_SECONDS_WITHOUT_SAMPLE = 2;

	/** From starting all servers to a leader with {@value SwarmStack#CONSUL_SERVERS} voters. */
	static final Duration FULL_RESTART_BOUND = Duration.ofSeconds(60);

	static final int FULL_RESTARTS = 3;

	@Test
	@Order(1)
	void rollingRestartOfTheServersIsNeverLongWithoutALeaderAndEndsWithAllVoters(SwarmStack stack) {
		stack.awaitHealthyConsul(Duration.ofMinutes(2));
		try (Scenario scenario = Scenario.underLoad(Duration.ofMinutes(10));
				ConsulLeaderWatch watch = ConsulLeaderWatch.start(stack)) {
			scenario.hold(Duration.ofSeconds(3));
			long start = Timing.now();
			Shell.run(Duration.ofMinutes(8), "docker", "service", "update", "--force", "--detach=false", "--quiet",
					SwarmStack.CONSUL);
			long end = Timing.now();
			scenario.figure("secondsOfTheRollingRestart", Timing.secondsBetween(start, end));
			long votersAtEnd = stack.voters();
			scenario.figure("votersWhenTheUpdateEnded", votersAtEnd);
			scenario.hold(Duration.ofSeconds(3));
			watch.close();
			scenario.figure("longestSecondsWithoutLeader", watch.longestSecondsWithoutLeader());
			double oneVoterShort = watch.longestSecondsWithFewerLiveVotersThan(SwarmStack.CONSUL_SERVERS - 1);
			scenario.figure("longestSecondsOneVoterShort", oneVoterShort);
			scenario.figure("fewestLiveVoters", watch.fewestLiveVoters());
			List<String> leaderships = watch.leaderships();
			scenario.figure("leaderChanges", Math.max(0, leaderships.size() - 1));
			scenario.figure("raftTermRise", watch.termRise());
			scenario.figure("leadersInOrder", leaderships);
			scenario.figure("leaderPollInterval", ConsulLeaderWatch.INTERVAL.toMillis() + " ms");
			ConsulLeaderWatch.StretchWithoutSample withoutSample = watch.longestStretchWithoutSample(start, end);
			scenario.figure("longestSecondsWithoutSample", withoutSample.seconds());
			scenario.figure("oldestServerTableSeconds", watch.oldestServerTableSeconds());
			List<String> timeline = watch.timeline();
			scenario.figure("timeline", timeline);
			LoadSummary load = scenario.finish();
			Report.write("consul rolling restart", load, scenario.figures());
			load.assertNoneFailed();
			String seen = String.join("\n", timeline);
			assertThat(withoutSample.seconds())
				.as("longest time of the rolling restart without a sample, s (%s); seen:%n%s", withoutSample.between(watch.started()),
						seen)
				.isLessThanOrEqualTo(MAX_SECONDS_WITHOUT_SAMPLE);
			assertThat(watch.longestSecondsWithoutLeader()).as("longest stretch without a leader, s; seen:%n%s", seen)
				.isLessThanOrEqualTo(MAX_SECONDS_WITHOUT_LEADER);
			assertThat(oneVoterShort)
				.as("longest stretch with fewer than %d live voters, s; seen:%n%s", SwarmStack.CONSUL_SERVERS - 1, seen)
				.isLessThanOrEqualTo(MAX_SECONDS_WITH_ONE_VOTER_SHORT);
			assertThat(votersAtEnd).as("voters when the rolling restart ended").isEqualTo(SwarmStack.CONSUL_SERVERS);
		}
	}

	@Test
	@Order(2)
	void stoppingAndStartingAllServersBringsBackALeaderAndAllVotersEveryTime(SwarmStack stack) {
		stack.awaitHealthyConsul(Duration.ofMinutes(2));
		List<Double> seconds = new ArrayList<>();
		List<Double> firstLeader = new ArrayList<>();
		try (Scenario scenario = Scenario.underLoad(Duration.ofMinutes(15))) {
			for (int i = 1; i <= FULL_RESTARTS; i++) {
				Shell.run(Duration.ofMinutes(2), "docker", "service", "scale", "--detach=false", SwarmStack.CONSUL + "=0");
				// Each server stops within its stop grace period; it does not leave the cluster (consul/server.hcl).
				await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
					.until(() -> stack.containers(SwarmStack.CONSUL).isEmpty());
				scenario.hold(Duration.ofSeconds(5));
				long start = Timing.now();
				Shell.run(Duration.ofMinutes(2), "docker", "service", "scale", "--detach", SwarmStack.CONSUL + "="
						+ SwarmStack.CONSUL_SERVERS);
				try (ConsulLeaderWatch watch = ConsulLeaderWatch.start(stack)) {
					stack.awaitHealthyConsul(Duration.ofMinutes(4));
					seconds.add(Timing.secondsSince(start));
					firstLeader.add(watch.samples().stream().filter(ConsulLeaderWatch.Sample::hasLeader).findFirst()
						.map((s) -> (s.at() - start) / 1000.0).orElse(-1.0));
				}
				// Every instance is back in Consul (the agents found the servers again).
				try {
					await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
						.until(() -> stack.passingInConsulCatalog() == SwarmStack.REPLICAS);
				}
				catch (ConditionTimeoutException ex) {
					throw new AssertionError(String.format(
							"full restart %d: not every instance passing in Consul's catalog 2 min after a leader and all voters;"
									+ " catalog: %s; members: %s; web containers: %s",
							i, quietly(stack::catalogHealth), quietly(stack::consulMembers), quietly(stack::webContainers)),
							ex);
				}
			}
			scenario.figure("restarts", FULL_RESTARTS);
			scenario.figure("secondsToFirstLeader", firstLeader);
			scenario.figure("secondsToLeaderAndAllVoters", seconds);
			scenario.figure("bound", FULL_RESTART_BOUND.toSeconds() + " s");
			LoadSummary load = scenario.finishAfter(Duration.ofSeconds(3));
			Report.write("consul all servers stopped and started", load, scenario.figures());
			load.assertNoneFailed();
			assertThat(seconds).as("seconds to a leader and all voters, each restart")
				.allSatisfy((s) -> assertThat(s).isLessThanOrEqualTo(FULL_RESTART_BOUND.toSeconds()));
		}
	}

	/** What a failure's message shows of the stack: the value, or why it could not be read. */
	private static String quietly(Supplier<?> what) {
		try {
			return String.valueOf(what.get());
		}
		catch (RuntimeException ex) {
			return "(not read: " + ex.getMessage() + ")";
		}
	}

}
