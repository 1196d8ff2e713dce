package org.example.web.system;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real stack on the local swarm: balancing, scaling, Consul failures, redeploy, and what the
 * public frontend must not expose. Light constant load: {@value #RATE} requests/s.
 */
@ExtendWith(DeployedStack.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwarmStackSystemIT {

	static final int RATE = 40;

	static final String WHOAMI = SwarmStack.PUBLIC + "/whoami";

	@Test
	@Order(1)
	void balancesEvenlyOverEveryReplica(SwarmStack stack) {
		stack.awaitServersUp(3, Duration.ofMinutes(2));
		var status = SwarmStack.get(SwarmStack.PUBLIC + "/status");
		assertThat(status.statusCode()).isEqualTo(200);
		assertThat(status.body()).isEqualTo("OK\n");

		Map<String, Integer> answers = new LinkedHashMap<>();
		for (int i = 0; i < 300; i++) {
			var response = SwarmStack.get(WHOAMI);
			assertThat(response.statusCode()).isEqualTo(200);
			String host = response.body().replaceAll(".*\"hostname\":\"([^\"]+)\".*", "$1");
			answers.merge(host, 1, Integer::sum);
		}
		Report.write("balancing", Map.of("requests", 300, "perInstance", answers));
		assertThat(answers.keySet()).containsExactlyInAnyOrderElementsOf(stack.webContainers());
		assertThat(answers.values()).allSatisfy((n) -> assertThat(n).isBetween(75, 125));
	}

	@Test
	@Order(2)
	void followsScaleOutWithinSecondsAndScaleInWithoutFailures(SwarmStack stack) {
		stack.awaitServersUp(3, Duration.ofMinutes(2));
		Set<String> before = new HashSet<>(stack.webContainers());

		LoadDriver load = LoadDriver.start(WHOAMI, RATE, Duration.ofMinutes(4));
		stack.scale(5);
		await().atMost(Duration.ofMinutes(2)).until(() -> answered(load).size() >= 5);
		List<String> added = stack.webContainers().stream().filter((c) -> !before.contains(c)).toList();
		LoadSummary out = load.stop();
		Map<String, Long> firstSeen = out.firstSeen();
		List<Double> convergence = new ArrayList<>();
		for (String container : added) {
			Instant ready = stack.readyAt(container);
			convergence.add((firstSeen.get(container) - ready.toEpochMilli()) / 1000.0);
		}
		Map<String, Object> scaleOut = new LinkedHashMap<>(out.figures());
		scaleOut.put("readyToFirstRequestSeconds", convergence);
		Report.write("scale-out 3->5", scaleOut);
		assertThat(added).hasSize(2);
		assertThat(out.failed()).isZero();
		assertThat(out.perInstance().keySet()).containsAll(stack.webContainers());

		stack.awaitServersUp(5, Duration.ofMinutes(1));
		List<String> fiveReplicas = stack.webContainers();
		LoadSummary in;
		long scaleInAt;
		List<Double> deregisteredToLastRequest = new ArrayList<>();
		try (LogFollower logs = new LogFollower(fiveReplicas)) {
			LoadDriver light = LoadDriver.start(WHOAMI, RATE, Duration.ofMinutes(3));
			scaleInAt = System.currentTimeMillis();
			stack.scale(2);
			stack.awaitServersUp(2, Duration.ofMinutes(2));
			sleepSeconds(5);
			in = light.stop();
			for (String removed : fiveReplicas.stream().filter((c) -> !stack.webContainers().contains(c)).toList()) {
				Instant deregistered = logs.firstLine(removed, "Deregistered ").orElseThrow();
				deregisteredToLastRequest.add((in.lastSeen().get(removed) - deregistered.toEpochMilli()) / 1000.0);
			}
		}
		Map<String, Object> scaleIn = new LinkedHashMap<>(in.figures());
		scaleIn.put("deregistrationToLastRequestSeconds", deregisteredToLastRequest);
		scaleIn.put("scaleCommandToAllSettledSeconds", (in.endMillis() - scaleInAt) / 1000.0);
		Report.write("scale-in 5->2", scaleIn);
		assertThat(in.failed()).as("failed requests while scaling in: %s", in.errorKinds()).isZero();
		assertThat(deregisteredToLastRequest).hasSize(3);
		assertThat(in.instancesSince(in.endMillis() - 3000)).hasSize(2);
	}

	@Test
	@Order(3)
	void consulHasALeaderAndThreeVotersAndSurvivesLosingTheLeader(SwarmStack stack) {
		stack.scaleAndWait(3);
		stack.awaitHealthyConsul(Duration.ofMinutes(3));
		String leader = stack.leader().orElseThrow();

		LoadDriver load = LoadDriver.start(WHOAMI, RATE, Duration.ofMinutes(3));
		sleepSeconds(3);
		long killedAt = System.currentTimeMillis();
		double newLeaderSeconds = stack.killLeaderAndAwaitNew();
		sleepSeconds(10);
		LoadSummary summary = load.stop();

		Map<String, Object> figures = new LinkedHashMap<>(summary.figures());
		figures.put("killedLeader", leader);
		figures.put("secondsToNewLeader", newLeaderSeconds);
		Report.write("consul leader killed", figures);
		assertThat(summary.failed()).as("failed requests: %s", summary.errorKinds()).isZero();
		assertThat(summary.instancesSince(killedAt)).containsExactlyInAnyOrderElementsOf(stack.webContainers());
	}

	@Test
	@Order(4)
	void survivesLosingTheAgentThatHoldsARegistration(SwarmStack stack) {
		stack.scaleAndWait(3);
		// Each instance registers with the Consul agent in its own container: kill one such agent.
		String victim = stack.webContainers().get(0);
		LoadDriver load = LoadDriver.start(WHOAMI, RATE, Duration.ofMinutes(2));
		sleepSeconds(3);
		long killedAt = System.currentTimeMillis();
		Shell.run("docker", "exec", victim, "bash", "-c",
				"for p in /proc/[0-9]*; do [[ $(cat $p/comm 2>/dev/null) == consul ]] && kill -KILL ${p#/proc/}; done; true");
		sleepSeconds(15);
		LoadSummary summary = load.stop();

		List<Long> gaps = gaps(summary, victim, killedAt);
		Map<String, Object> figures = new LinkedHashMap<>(summary.figures());
		figures.put("agentKilledIn", victim);
		figures.put("longestGapOfThatInstanceSeconds", gaps.stream().mapToLong(Long::longValue).max().orElse(0) / 1000.0);
		Report.write("consul agent of an instance killed", figures);
		assertThat(summary.failed()).as("failed requests: %s", summary.errorKinds()).isZero();
		assertThat(summary.instancesSince(System.currentTimeMillis() - 8000)).contains(victim);
		assertThat(summary.instancesSince(killedAt)).containsExactlyInAnyOrderElementsOf(stack.webContainers());
	}

	@Test
	@Order(5)
	void neitherManagementNorConsulIsReachableThroughThePublicFrontend(SwarmStack stack) {
		for (String path : List.of("/actuator", "/actuator/health", "/actuator/prometheus", "/v1/agent/self",
				"/v1/catalog/services", "/ui/", "/stats")) {
			assertThat(SwarmStack.get(SwarmStack.PUBLIC + path).statusCode()).as(path).isEqualTo(404);
		}
		// Nor are the management port and Consul's ports published on the host.
		for (int port : List.of(8182, 8500, 8600)) {
			assertThat(open(port)).as("port %d on the host", port).isFalse();
		}
		assertThat(SwarmStack.get(SwarmStack.PUBLIC + "/status").statusCode()).isEqualTo(200);
	}

	@Test
	@Order(6)
	void consulKeepsItsDataOverAStackRemoveAndRedeploy(SwarmStack stack) {
		stack.awaitHealthyConsul(Duration.ofMinutes(3));
		String marker = UUID.randomUUID().toString();
		stack.consul("consul", "kv", "put", "system-test/marker", marker);

		SwarmStack.script(Duration.ofMinutes(3), "down.sh");
		long start = System.nanoTime();
		SwarmStack.script(Duration.ofMinutes(8), "up.sh", "--replicas", "3");
		double upSeconds = (System.nanoTime() - start) / 1e9;
		stack.awaitHealthyConsul(Duration.ofMinutes(3));
		double healthySeconds = (System.nanoTime() - start) / 1e9;

		Report.write("stack rm + redeploy", Map.of("upShSecondsToAllReady", LoadSummary.round(upSeconds),
				"secondsToLeaderAnd3Voters", LoadSummary.round(healthySeconds)));
		assertThat(stack.consul("consul", "kv", "get", "system-test/marker").trim()).isEqualTo(marker);
		assertThat(SwarmStack.get(SwarmStack.PUBLIC + "/status").statusCode()).isEqualTo(200);
	}

	private static Set<String> answered(LoadDriver load) {
		Set<String> instances = new HashSet<>();
		load.samples().stream().filter((s) -> s.instance() != null).forEach((s) -> instances.add(s.instance()));
		return instances;
	}

	/** Gaps (ms) between consecutive answers of one instance after a moment. */
	private static List<Long> gaps(LoadSummary summary, String instance, long since) {
		List<Long> times = summary.samples()
			.stream()
			.filter((s) -> instance.equals(s.instance()) && s.sentAtMillis() >= since)
			.map(LoadDriver.Sample::sentAtMillis)
			.sorted()
			.toList();
		List<Long> gaps = new ArrayList<>();
		long previous = since;
		for (long t : times) {
			gaps.add(t - previous);
			previous = t;
		}
		return gaps;
	}

	private static boolean open(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	static void sleepSeconds(int seconds) {
		try {
			Thread.sleep(Duration.ofSeconds(seconds));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
