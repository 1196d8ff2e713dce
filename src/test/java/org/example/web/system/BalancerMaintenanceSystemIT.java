package org.example.web.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.example.web.support.Http;
import org.example.web.support.Project;
import org.example.web.support.Shell;
import org.example.web.support.Timing;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The balancer survives its own maintenance on one node: a configuration change (published to
 * Consul KV by deploy/haproxy-config.sh) and a new operators' password
 * (deploy/rotate-operator-password.sh) reload HAProxy in place under load with no request failed,
 * a configuration HAProxy refuses is never published, and a new HAProxy task (an upgrade: `docker
 * service update --force`) takes over on the listener keeper's sockets with no request failed.
 */
@SystemTest
class BalancerMaintenanceSystemIT {

	/**
	 * A setting the worker reports itself ("show info"): the configuration change sets it one lower
	 * and back, and each new worker is seen running it.
	 */
	private static final int MAXCONN = HaproxyConfigFile.number("maxconn");

	/**
	 * From the start of deploy/haproxy-config.sh to a new HAProxy worker, started with the changed
	 * configuration, answering (README).
	 */
	static final Duration RELOAD_WITHIN = Duration.ofSeconds(10);

	/**
	 * From a killed listener keeper to both public ports answering again: swarm's restart delay (1 s)
	 * and the keeper's start, haproxy-run's next look at the keeper's sockets (its loop waits up to
	 * 5 s on Consul) and HAProxy's start. About 5 s measured by hand.
	 */
	static final Duration KEEPER_RESTART_SERVED_WITHIN = Duration.ofSeconds(30);

	/** haproxy-run logs this when it reloads HAProxy (haproxy/haproxy-run, reload()). */
	private static final String RELOADED = "reloading HAProxy (configuration changed in Consul KV";

	@Test
	@Order(1)
	void aConfigurationChangeReloadsHaproxyInPlaceWithoutFailingARequest(SwarmStack stack) {
		stack.scaleAndWait(SwarmStack.REPLICAS);
		String haproxyBefore = stack.containers(SwarmStack.HAPROXY).getFirst();
		String workerBefore = workerPid(haproxyBefore);
		Path changed = changedConfiguration("    maxconn " + MAXCONN, "    maxconn " + (MAXCONN - 1));
		try (Scenario scenario = Scenario.underLoad(Duration.ofMinutes(3))) {
			scenario.hold(Duration.ofSeconds(5));
			long publishedAt = Timing.now();
			SwarmStack.script(Duration.ofMinutes(2), "haproxy-config.sh", changed.toString());
			awaitNewWorker(haproxyBefore, workerBefore, MAXCONN - 1);
			double secondsToReload = Timing.secondsSince(publishedAt);
			scenario.figure("secondsFromPublishToReload", secondsToReload);
			scenario.hold(Duration.ofSeconds(5));
			// And back to the file in the repository, under load as well.
			String workerOfTheChange = workerPid(haproxyBefore);
			long restoredAt = Timing.now();
			SwarmStack.script(Duration.ofMinutes(2), "haproxy-config.sh");
			awaitNewWorker(haproxyBefore, workerOfTheChange, MAXCONN);
			double secondsToRestore = Timing.secondsSince(restoredAt);
			scenario.figure("secondsFromPublishToReloadBack", secondsToRestore);
			LoadSummary load = scenario.finishAfter(Duration.ofSeconds(5));
			scenario.figure("sameHaproxyTask", stack.containers(SwarmStack.HAPROXY).contains(haproxyBefore));
			Report.write("HAProxy configuration changed under load (reload in place)", load, scenario.figures());
			load.assertNoneFailed();
			assertThat(stack.containers(SwarmStack.HAPROXY)).as("the same HAProxy task serves").containsExactly(haproxyBefore);
			assertThat(secondsToReload).as("seconds from haproxy-config.sh to the reload")
				.isLessThanOrEqualTo(Timing.seconds(RELOAD_WITHIN));
			assertThat(secondsToRestore).as("seconds from haproxy-config.sh to the reload back")
				.isLessThanOrEqualTo(Timing.seconds(RELOAD_WITHIN));
		}
	}

	@Test
	@Order(2)
	void aConfigurationHaproxyRefusesIsNotPublished(SwarmStack stack) {
		String haproxy = stack.containers(SwarmStack.HAPROXY).getFirst();
		long reloadsBefore = reloads(haproxy);
		String workerBefore = workerPid(haproxy);
		String publishedBefore = stack.consul("kv", "get", SwarmStack.HAPROXY_CONFIG_KEY);
		Path broken = changedConfiguration("    timeout check 1s", "    timeout check banana");
		Shell.Result result = Shell.tryRun(Duration.ofMinutes(2), "bash",
				Project.ROOT.resolve("deploy/haproxy-config.sh").toString(), broken.toString());
		assertThat(result.exitCode()).isNotZero();
		assertThat(result.output()).contains("timeout check").contains("not published");
		assertThat(stack.consul("kv", "get", SwarmStack.HAPROXY_CONFIG_KEY)).as("the configuration in Consul KV")
			.isEqualTo(publishedBefore);
		Timing.pause(Duration.ofSeconds(10));
		assertThat(reloads(haproxy)).as("HAProxy was not reloaded").isEqualTo(reloadsBefore);
		assertThat(workerPid(haproxy)).as("the worker that serves").isEqualTo(workerBefore);
		assertThat(stack.haproxyServersUp()).isEqualTo(SwarmStack.REPLICAS);
	}

	@Test
	@Order(3)
	void aNewOperatorsPasswordReloadsHaproxyInPlaceWithoutFailingARequest(SwarmStack stack) {
		String haproxyBefore = stack.containers(SwarmStack.HAPROXY).getFirst();
		long reloadsBefore = reloads(haproxyBefore);
		String workerBefore = workerPid(haproxyBefore);
		String oldAuthorization = Credentials.operatorAuthorization();
		assertThat(stats(oldAuthorization)).as("the operator port before the rotation").isEqualTo(200);
		try (Scenario scenario = Scenario.underLoad(Duration.ofMinutes(3))) {
			scenario.hold(Duration.ofSeconds(5));
			long rotatedAt = Timing.now();
			SwarmStack.script(Duration.ofMinutes(2), "rotate-operator-password.sh");
			scenario.figure("secondsFromRotationToNewPasswordAccepted", Timing.secondsSince(rotatedAt));
			LoadSummary load = scenario.finishAfter(Duration.ofSeconds(5));
			scenario.figure("sameHaproxyTask", stack.containers(SwarmStack.HAPROXY).contains(haproxyBefore));
			Report.write("Operators' password changed under load (reload in place)", load, scenario.figures());
			load.assertNoneFailed();
		}
		assertThat(stack.containers(SwarmStack.HAPROXY)).as("the same HAProxy task serves").containsExactly(haproxyBefore);
		assertThat(reloads(haproxyBefore)).as("HAProxy reloaded").isGreaterThan(reloadsBefore);
		assertThat(workerPid(haproxyBefore)).as("the worker that serves").isNotEqualTo(workerBefore);
		assertThat(Credentials.operatorAuthorization()).as("a new password").isNotEqualTo(oldAuthorization);
		assertThat(stats(Credentials.operatorAuthorization())).as("the new password").isEqualTo(200);
		assertThat(stats(oldAuthorization)).as("the old password").isEqualTo(401);
	}

	@Test
	@Order(4)
	void aNewHaproxyTaskTakesOverWithoutFailingARequest(SwarmStack stack) {
		String haproxyBefore = stack.containers(SwarmStack.HAPROXY).getFirst();
		List<String> keeperBefore = stack.containers(SwarmStack.LISTENERS);
		try (Scenario scenario = Scenario.underLoad(Duration.ofMinutes(5))) {
			scenario.hold(Duration.ofSeconds(5));
			long updatedAt = Timing.now();
			Shell.run(Duration.ofMinutes(4), "docker", "service", "update", "--force", "--detach=false", "--quiet",
					SwarmStack.HAPROXY);
			scenario.figure("secondsOfTheUpdate", Timing.secondsSince(updatedAt));
			LoadSummary load = scenario.finishAfter(Duration.ofSeconds(5));
			Report.write("HAProxy task replaced under load (start-first on the listener keeper's sockets)", load,
					scenario.figures());
			load.assertNoneFailed();
		}
		// The update ends when the new task is healthy; the old one then finishes what it holds
		// (within its stop grace period, 30 s).
		await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofSeconds(1))
			.until(() -> stack.containers(SwarmStack.HAPROXY).size() == 1);
		List<String> haproxyAfter = stack.containers(SwarmStack.HAPROXY);
		assertThat(haproxyAfter).as("one new HAProxy task serves").doesNotContain(haproxyBefore);
		assertThat(stack.containers(SwarmStack.LISTENERS)).as("the same listener keeper").isEqualTo(keeperBefore);
		assertThat(healthy(haproxyAfter.getFirst())).as("the new HAProxy holds the keeper's sockets").isTrue();
		assertThat(stack.haproxyServersUp()).isEqualTo(SwarmStack.REPLICAS);
	}

	/**
	 * The keeper's own loss is not without failures (its ports close until swarm starts it again,
	 * and the connections in its namespace go): what must hold is that the same HAProxy task
	 * serves again, on the new keeper's sockets, by itself.
	 */
	@Test
	@Order(5)
	void aRestartedListenerKeeperIsServedAgainByTheSameHaproxyTask(SwarmStack stack) {
		String haproxy = stack.containers(SwarmStack.HAPROXY).getFirst();
		String keeper = stack.containers(SwarmStack.LISTENERS).getFirst();
		long killedAt = Timing.now();
		Shell.run("docker", "kill", keeper);
		await().atMost(KEEPER_RESTART_SERVED_WITHIN).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
			.until(() -> !stack.containers(SwarmStack.LISTENERS).contains(keeper) && Http.status(Endpoints.STATUS) == 200
					&& Http.status(Endpoints.OPERATOR + "/stats") == 401);
		Report.write("listener keeper killed", Map.of("secondsUntilServedAgain", Timing.secondsSince(killedAt)));
		assertThat(stack.containers(SwarmStack.HAPROXY)).as("the same HAProxy task serves").containsExactly(haproxy);
		assertThat(healthy(haproxy)).as("HAProxy holds the new keeper's sockets").isTrue();
	}

	/** HAProxy's own swarm healthcheck in that task: it answers and holds the listener keeper's sockets. */
	private static boolean healthy(String container) {
		return Shell.tryRun(Duration.ofSeconds(10), "docker", "exec", container, "haproxy-run", "--healthy").exitCode() == 0;
	}

	private static int stats(String authorization) {
		return Http.get(Endpoints.OPERATOR + "/stats", Map.of("Authorization", authorization)).statusCode();
	}

	/**
	 * Waits until another worker than {@code previous} answers with this maxconn: the master read
	 * the changed configuration and started a worker with it. Both from one answer: while the old
	 * worker finishes, either may answer the runtime API.
	 */
	private static void awaitNewWorker(String container, String previous, int maxconn) {
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(200))
			.ignoreExceptions()
			.until(() -> {
				String info = showInfo(container);
				return !field(info, "Pid").equals(previous) && field(info, "Maxconn").equals(String.valueOf(maxconn));
			});
	}

	/** The PID of the HAProxy worker that answers the runtime API; a reload starts a new one. */
	private static String workerPid(String container) {
		return field(showInfo(container), "Pid");
	}

	/** "show info" on HAProxy's runtime API: the worker that answers reports on itself. */
	private static String showInfo(String container) {
		return Shell.run("docker", "exec", container, "haproxy-run", "--runtime", "show info");
	}

	private static String field(String info, String name) {
		return info.lines()
			.filter((line) -> line.startsWith(name + ": "))
			.map((line) -> line.substring(name.length() + 2).strip())
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("no " + name + " in HAProxy's show info: " + info));
	}

	private static long reloads(String container) {
		return Shell.run("docker", "logs", container).lines().filter((line) -> line.contains(RELOADED)).count();
	}

	/** haproxy/haproxy.cfg with one line replaced (the line must be there: the test would lie otherwise). */
	private static Path changedConfiguration(String line, String replacement) {
		try {
			String config = Files.readString(HaproxyConfigFile.PATH);
			assertThat(config).as("haproxy.cfg has the line the test changes").contains(line + "\n");
			Path changed = Files.createTempFile("haproxy", ".cfg");
			Files.writeString(changed, config.replace(line + "\n", replacement + "\n"));
			changed.toFile().setReadable(true, false);
			return changed;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
